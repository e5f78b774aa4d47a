/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The account's own password change (pwchange). */

#include "config.h"

#include <glib/gi18n.h>

#include "fd-password-dialog.h"
#include "fd-window-private.h"

/* "Change Password…" in the main menu opens the dialog. After a sign-in
 * whose answer says password_change_required (a one-time password an
 * administrator handed over), the dialog opens at once, once per
 * sign-in; the user may cancel it, and a reminder banner then stays
 * under the header bar, over the main view only, until the password is
 * changed. Nothing else is held back: the server does not block either.
 *
 * The banner is made here on first use and put next to the outage
 * banner, so that fd-window.ui stays as it is. */

#define REMINDER_KEY "fd-password-reminder"
#define DIALOG_KEY   "fd-password-dialog"
#define PROMPTED_KEY "fd-password-prompted"

static gboolean
change_required (FdWindow *self)
{
  FdSessionInfo *info = self->session != NULL ? fd_session_get_info (self->session) : NULL;

  return info != NULL && info->password_change_required &&
         fd_session_get_state (self->session) == FD_SESSION_ACTIVE;
}

static void
update_reminder (FdWindow *self)
{
  GtkRevealer *banner = g_object_get_data (G_OBJECT (self), REMINDER_KEY);
  const char *page = gtk_stack_get_visible_child_name (self->stack);

  if (banner == NULL)
    return;
  /* a new sign-in prompts again */
  if (g_strcmp0 (page, "signin") == 0)
    g_object_set_data (G_OBJECT (self), PROMPTED_KEY, NULL);
  gtk_revealer_set_reveal_child (banner, change_required (self) &&
                                         g_strcmp0 (page, "main") == 0 &&
                                         g_object_get_data (G_OBJECT (self), DIALOG_KEY) == NULL);
}

static void
ensure_reminder (FdWindow *self)
{
  GtkWidget *revealer, *box, *label, *button;

  if (g_object_get_data (G_OBJECT (self), REMINDER_KEY) != NULL)
    return;

  label = gtk_label_new (_("You are still using the one-time password an administrator gave "
                           "you. Choose your own."));
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_hexpand (label, TRUE);

  /* a label child, as the templates do: the accessible name is then the
   * label's text, without the mnemonic's underscore */
  button = gtk_button_new ();
  gtk_button_set_child (GTK_BUTTON (button), gtk_label_new_with_mnemonic (_("_Change Password…")));
  gtk_label_set_mnemonic_widget (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (button))), button);
  gtk_widget_add_css_class (button, "text-button");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.change-password");

  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_add_css_class (box, "fd-banner");
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), button);

  revealer = gtk_revealer_new ();
  gtk_revealer_set_transition_type (GTK_REVEALER (revealer),
                                    GTK_REVEALER_TRANSITION_TYPE_SLIDE_DOWN);
  gtk_revealer_set_child (GTK_REVEALER (revealer), box);
  gtk_accessible_update_property (GTK_ACCESSIBLE (revealer), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Password reminder"), -1);
  gtk_box_insert_child_after (GTK_BOX (gtk_widget_get_parent (GTK_WIDGET (self->banner_revealer))),
                              revealer, GTK_WIDGET (self->banner_revealer));
  g_object_set_data (G_OBJECT (self), REMINDER_KEY, revealer);
  g_signal_connect_object (self->stack, "notify::visible-child-name",
                           G_CALLBACK (update_reminder), self, G_CONNECT_SWAPPED);
}

static void
changed_cb (FdWindow *self)
{
  if (self->session != NULL && fd_session_get_info (self->session) != NULL)
    fd_session_get_info (self->session)->password_change_required = FALSE;
  fd_window_toast (self, _("Your password was changed. Your other sessions were signed out."),
                   6);
}

static void
dialog_destroyed_cb (FdWindow *self)
{
  g_object_set_data (G_OBJECT (self), DIALOG_KEY, NULL);
  update_reminder (self);
}

void
fd_window_change_password (FdWindow *self)
{
  FdPasswordDialog *dialog = g_object_get_data (G_OBJECT (self), DIALOG_KEY);

  g_return_if_fail (FD_IS_WINDOW (self));

  if (dialog != NULL)
    {
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }
  if (self->session == NULL || fd_session_get_state (self->session) != FD_SESSION_ACTIVE)
    return;

  ensure_reminder (self);
  dialog = fd_password_dialog_new (GTK_WINDOW (self), self->api,
                                   fd_session_get_username (self->session),
                                   change_required (self));
  g_object_set_data (G_OBJECT (self), DIALOG_KEY, dialog);
  g_signal_connect_object (dialog, "changed", G_CALLBACK (changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (dialog, "destroy", G_CALLBACK (dialog_destroyed_cb), self,
                           G_CONNECT_SWAPPED);
  update_reminder (self);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
fd_window_password_check (FdWindow *self)
{
  ensure_reminder (self);
  if (change_required (self) && g_object_get_data (G_OBJECT (self), PROMPTED_KEY) == NULL)
    {
      g_object_set_data (G_OBJECT (self), PROMPTED_KEY, GINT_TO_POINTER (TRUE));
      fd_window_change_password (self);
    }
  update_reminder (self);
}
