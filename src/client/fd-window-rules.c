/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The data-protection rules before any data page (issue 12). */

#include "config.h"

#include "fd-rules-page.h"
#include "fd-window-private.h"

/* After sign-in, an account that has not acknowledged the current rules
 * (the session answer says so) sees the rules page instead of the main
 * view; when any call answers rules-not-acknowledged (a new text, a new
 * quarter) the main view goes and the rules page comes back. The page has
 * no way past it but acknowledging or signing out. */

static void
acknowledged_cb (FdWindow *self)
{
  GtkWidget *page = gtk_stack_get_child_by_name (self->stack, "rules");

  if (self->session == NULL || fd_session_get_state (self->session) != FD_SESSION_ACTIVE)
    return;
  fd_session_get_info (self->session)->rules_pending = FALSE;
  if (self->main_view == NULL)
    fd_window_enter_active (self);
  if (page != NULL)
    gtk_stack_remove (self->stack, page);
}

void
fd_window_show_rules (FdWindow *self)
{
  GtkWidget *page = gtk_stack_get_child_by_name (self->stack, "rules");

  /* no data page stays behind it */
  fd_window_tear_down (self);
  if (page == NULL)
    {
      page = GTK_WIDGET (fd_rules_page_new (self->api));
      g_signal_connect_object (page, "acknowledged", G_CALLBACK (acknowledged_cb), self,
                               G_CONNECT_SWAPPED);
      gtk_stack_add_named (self->stack, page, "rules");
    }
  fd_rules_page_load (FD_RULES_PAGE (page));
  fd_window_show_page (self, "rules", TRUE);
  gtk_widget_grab_focus (fd_rules_page_get_accept_button (FD_RULES_PAGE (page)));
}

gboolean
fd_window_rules_pending (FdWindow *self)
{
  return self->session != NULL && fd_session_get_info (self->session) != NULL &&
         fd_session_get_info (self->session)->rules_pending;
}

void
fd_window_rules_required_cb (FdWindow *self)
{
  if (self->session == NULL || fd_session_get_state (self->session) != FD_SESSION_ACTIVE)
    return;
  fd_session_get_info (self->session)->rules_pending = TRUE;
  fd_window_show_rules (self);
}
