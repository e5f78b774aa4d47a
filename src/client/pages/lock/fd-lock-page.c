/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The lock page: who is signed in, the password, Unlock and Sign Out. */

#include "config.h"

#include "fd-lock-page.h"

#include "fd-form-util.h"
#include "fd-view-util.h"

#include <glib/gi18n.h>

struct _FdLockPage
{
  AdwBin      parent_instance;

  AdwAvatar  *avatar;
  GtkLabel   *name_label;
  GtkLabel   *username_label;
  GtkWidget  *password_entry;
  GtkLabel   *message_label;
  GtkButton  *unlock_button;
  GtkLabel   *unlock_label;
  GtkSpinner *spinner;
  GtkButton  *sign_out_button;

  gboolean    busy;
};

G_DEFINE_FINAL_TYPE (FdLockPage, fd_lock_page, ADW_TYPE_BIN)

enum {
  UNLOCK,
  SIGN_OUT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
update_button (FdLockPage *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->unlock_button),
                            !self->busy && fd_lock_page_get_password (self)[0] != '\0');
}

static void
changed_cb (FdLockPage *self)
{
  update_button (self);
}

static void
unlock_cb (FdLockPage *self)
{
  if (self->busy || fd_lock_page_get_password (self)[0] == '\0')
    return;

  g_signal_emit (self, signals[UNLOCK], 0);
}

static void
sign_out_cb (FdLockPage *self)
{
  if (self->busy)
    return;

  g_signal_emit (self, signals[SIGN_OUT], 0);
}

static void
fd_lock_page_class_init (FdLockPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  signals[UNLOCK] = fd_view_add_signal (klass, "unlock");
  signals[SIGN_OUT] = fd_view_add_signal (klass, "sign-out");

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/frontdesk/FrontDesk/fd-lock-page.ui");
  gtk_widget_class_bind_template_child (widget_class, FdLockPage, avatar);
  gtk_widget_class_bind_template_child (widget_class, FdLockPage, name_label);
  gtk_widget_class_bind_template_child (widget_class, FdLockPage, username_label);
  gtk_widget_class_bind_template_child (widget_class, FdLockPage, password_entry);
  gtk_widget_class_bind_template_child (widget_class, FdLockPage, message_label);
  gtk_widget_class_bind_template_child (widget_class, FdLockPage, unlock_button);
  gtk_widget_class_bind_template_child (widget_class, FdLockPage, unlock_label);
  gtk_widget_class_bind_template_child (widget_class, FdLockPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, FdLockPage, sign_out_button);
  gtk_widget_class_bind_template_callback (widget_class, changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, unlock_cb);
  gtk_widget_class_bind_template_callback (widget_class, sign_out_cb);
}

static void
fd_lock_page_init (FdLockPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update_button (self);
}

void
fd_lock_page_set_user (FdLockPage *self,
                       const char *display_name,
                       const char *username)
{
  g_autofree char *account = NULL;

  g_return_if_fail (FD_IS_LOCK_PAGE (self));

  if (display_name == NULL || display_name[0] == '\0')
    display_name = username != NULL ? username : "";

  adw_avatar_set_text (self->avatar, display_name);
  gtk_label_set_text (self->name_label, display_name);

  /* Translators: shown under the name on the lock screen; %s is the user name */
  account = g_strdup_printf (_("Locked · signed in as %s"), username != NULL ? username : "");
  gtk_label_set_text (self->username_label, account);
}

const char *
fd_lock_page_get_password (FdLockPage *self)
{
  g_return_val_if_fail (FD_IS_LOCK_PAGE (self), "");

  return gtk_editable_get_text (GTK_EDITABLE (self->password_entry));
}

void
fd_lock_page_clear_password (FdLockPage *self)
{
  g_return_if_fail (FD_IS_LOCK_PAGE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->password_entry), "");
}

void
fd_lock_page_set_busy (FdLockPage *self,
                       gboolean    busy)
{
  g_return_if_fail (FD_IS_LOCK_PAGE (self));

  self->busy = !!busy;
  fd_form_set_busy (self->spinner, self->unlock_label, self->busy,
                    _("Unlocking…"), _("_Unlock"), self->password_entry,
                    GTK_WIDGET (self->sign_out_button), NULL);
  update_button (self);
}

FD_FORM_DEFINE_MESSAGE (FdLockPage, fd_lock_page, FD_IS_LOCK_PAGE, message_label)

void
fd_lock_page_focus (FdLockPage *self)
{
  g_return_if_fail (FD_IS_LOCK_PAGE (self));

  gtk_widget_grab_focus (self->password_entry);
}
