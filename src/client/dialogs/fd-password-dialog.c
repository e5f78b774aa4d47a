/* SPDX-License-Identifier: GPL-3.0-or-later */
/* pwchange: the account's own password change. */

#include "config.h"

#include "fd-password-dialog.h"

#include <glib/gi18n.h>

#include "fd-dialog-util.h"
#include "fd-error.h"
#include "fd-form-util.h"
#include "fd-recovery.h"
#include "fd-sensitive-entry.h"

/* As the server (POST /users, POST /account/password). */
#define MIN_PASSWORD_CHARS 8
#define MAX_PASSWORD_CHARS 1024

struct _FdPasswordDialog
{
  AdwWindow        parent_instance;

  GtkWidget       *change_button;
  GtkSpinner      *spinner;
  GtkWidget       *required_label;
  GtkWidget       *current_entry;
  GtkWidget       *new_entry;
  GtkWidget       *confirm_entry;
  GtkLabel        *new_hint;
  GtkLabel        *match_hint;
  GtkLabel        *error_label;

  FdApiClient     *api;
  GCancellable    *cancellable;
  char            *username;
  gboolean         busy;
  gboolean         valid;
  gboolean         locked;   /* the server locked the account: nothing more to try */
};

G_DEFINE_FINAL_TYPE (FdPasswordDialog, fd_password_dialog, ADW_TYPE_WINDOW)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *
text_of (GtkWidget *entry)
{
  return gtk_editable_get_text (GTK_EDITABLE (entry));
}

static void
set_hint (GtkLabel   *label,
          const char *text,
          gboolean    bad)
{
  gtk_label_set_text (label, text);
  if (bad)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (label), "dim-label");
      gtk_widget_add_css_class (GTK_WIDGET (label), "error");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (label), "error");
      gtk_widget_add_css_class (GTK_WIDGET (label), "dim-label");
    }
}

/* The new password's hint; TRUE when it is acceptable. */
static gboolean
check_new (FdPasswordDialog *self)
{
  const char *new_password = text_of (self->new_entry);
  glong n = g_utf8_strlen (new_password, -1);
  g_autofree char *more = NULL;

  if (n == 0)
    {
      set_hint (self->new_hint, _("At least 8 characters."), FALSE);
      return FALSE;
    }
  if (n < MIN_PASSWORD_CHARS)
    {
      more = g_strdup_printf (/* Translators: %u is how many more characters the new
                               * password needs */
                              ngettext ("Too short: %u more character needed.",
                                        "Too short: %u more characters needed.",
                                        (gulong) (MIN_PASSWORD_CHARS - n)),
                              (guint) (MIN_PASSWORD_CHARS - n));
      set_hint (self->new_hint, more, TRUE);
      return FALSE;
    }
  if (n > MAX_PASSWORD_CHARS)
    {
      set_hint (self->new_hint, _("Too long: at most 1024 characters."), TRUE);
      return FALSE;
    }
  if (self->username != NULL && g_ascii_strcasecmp (new_password, self->username) == 0)
    {
      set_hint (self->new_hint, _("This is your username. Choose something else."), TRUE);
      return FALSE;
    }
  if (g_str_equal (new_password, text_of (self->current_entry)))
    {
      set_hint (self->new_hint, _("This is your current password. Choose a new one."), TRUE);
      return FALSE;
    }
  set_hint (self->new_hint, _("Long enough."), FALSE);
  return TRUE;
}

static gboolean
check_match (FdPasswordDialog *self)
{
  const char *confirm = text_of (self->confirm_entry);

  if (*confirm == '\0')
    {
      set_hint (self->match_hint, _("Type the new password again."), FALSE);
      return FALSE;
    }
  if (!g_str_equal (confirm, text_of (self->new_entry)))
    {
      set_hint (self->match_hint, _("The passwords do not match."), TRUE);
      return FALSE;
    }
  set_hint (self->match_hint, _("The passwords match."), FALSE);
  return TRUE;
}

static void
update (FdPasswordDialog *self)
{
  gboolean new_ok = check_new (self);
  gboolean match = check_match (self);

  self->valid = *text_of (self->current_entry) != '\0' && new_ok && match;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "password.submit",
                                 self->valid && !self->busy && !self->locked);
}

static void
set_busy (FdPasswordDialog *self,
          gboolean          busy)
{
  /* Only the button goes grey: a focused entry made insensitive leaves
   * GtkText blinking without focus. */
  self->busy = busy;
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_accessible_update_state (GTK_ACCESSIBLE (self->change_button),
                               GTK_ACCESSIBLE_STATE_BUSY, busy, -1);
  update (self);
}

static char *
locked_message (const FdErrorDetail *detail)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;
  g_autofree char *when = NULL;

  if (detail != NULL && detail->locked_until != NULL)
    utc = g_date_time_new_from_iso8601 (detail->locked_until, NULL);
  if (utc == NULL)
    return g_strdup (_("Your account is locked. Ask your administrator to unlock it."));
  local = g_date_time_to_local (utc);
  when = g_date_time_format (local, "%H:%M");
  /* Translators: %s is a local time such as 14:05 */
  return g_strdup_printf (_("Too many wrong passwords: your account is locked until %s and "
                            "signed out everywhere. Sign in again then."), when);
}

static char *
message_for_failure (const GError        *error,
                     const FdErrorDetail *detail)
{
  const char *member = detail ? detail->member : NULL;

  if (error->domain != FD_ERROR)
    return g_strdup (_("The password could not be changed."));
  switch (error->code)
    {
    case FD_ERROR_REAUTH_REQUIRED:
      return g_strdup (_("The current password is wrong. After 5 wrong passwords in a row "
                         "the account is locked for 15 minutes."));
    case FD_ERROR_ACCOUNT_LOCKED:
      return locked_message (detail);
    case FD_ERROR_BAD_REQUEST:
      if (g_strcmp0 (member, "new_password") == 0)
        return g_strdup (_("The server refused the new password: it needs at least 8 "
                           "characters and may be neither your username nor your current "
                           "password."));
      return g_strdup (_("The server refused the request as invalid."));
    default:
      return g_strdup (error->message);
    }
}

static void
change_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(FdPasswordDialog) self = user_data;
  g_autoptr(FdErrorDetail) detail = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (fd_api_client_change_password_finish (FD_API_CLIENT (source), result, &detail, &error))
    {
      set_busy (self, FALSE);
      g_signal_emit (self, signals[CHANGED], 0);
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->locked = g_error_matches (error, FD_ERROR, FD_ERROR_ACCOUNT_LOCKED);
  set_busy (self, FALSE);
  message = message_for_failure (error, detail);
  fd_form_set_message (self->error_label, message);
  if (g_error_matches (error, FD_ERROR, FD_ERROR_REAUTH_REQUIRED))
    {
      fd_sensitive_entry_wipe (GTK_EDITABLE (self->current_entry));
      gtk_widget_grab_focus (self->current_entry);
    }
  else if (g_error_matches (error, FD_ERROR, FD_ERROR_BAD_REQUEST))
    gtk_widget_grab_focus (self->new_entry);
}

void
fd_password_dialog_submit (FdPasswordDialog *self)
{
  g_return_if_fail (FD_IS_PASSWORD_DIALOG (self));

  update (self);
  if (self->busy || self->locked)
    return;
  if (!self->valid)
    {
      GtkWidget *first = *text_of (self->current_entry) == '\0' ? self->current_entry
                         : !check_new (self) ? self->new_entry : self->confirm_entry;

      gtk_widget_grab_focus (first);
      return;
    }
  fd_form_set_message (self->error_label, NULL);
  set_busy (self, TRUE);
  /* The call wipes its copy of the body once sent. */
  fd_api_client_change_password_async (self->api, text_of (self->current_entry),
                                       text_of (self->new_entry), self->cancellable,
                                       change_cb, g_object_ref (self));
}

const char *
fd_password_dialog_get_error (FdPasswordDialog *self)
{
  g_return_val_if_fail (FD_IS_PASSWORD_DIALOG (self), NULL);
  return fd_form_get_message (self->error_label);
}

gboolean
fd_password_dialog_get_busy (FdPasswordDialog *self)
{
  g_return_val_if_fail (FD_IS_PASSWORD_DIALOG (self), FALSE);
  return self->busy;
}

gboolean
fd_password_dialog_get_valid (FdPasswordDialog *self)
{
  g_return_val_if_fail (FD_IS_PASSWORD_DIALOG (self), FALSE);
  return self->valid;
}

static void
submit_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  fd_password_dialog_submit (FD_PASSWORD_DIALOG (widget));
}

/* Enter moves on to the next entry, and submits from the last. */
static void
current_activate_cb (FdPasswordDialog *self)
{
  gtk_widget_grab_focus (self->new_entry);
}

static void
new_activate_cb (FdPasswordDialog *self)
{
  gtk_widget_grab_focus (self->confirm_entry);
}

static void
fd_password_dialog_unmap (GtkWidget *widget)
{
  fd_dialog_unmap_returning_focus (widget, GTK_WIDGET_CLASS (fd_password_dialog_parent_class));
}

static void
fd_password_dialog_dispose (GObject *object)
{
  FdPasswordDialog *self = FD_PASSWORD_DIALOG (object);

  if (self->new_entry != NULL)
    {
      fd_sensitive_entry_wipe (GTK_EDITABLE (self->new_entry));
      fd_sensitive_entry_wipe (GTK_EDITABLE (self->confirm_entry));
    }
  fd_dialog_cancel_and_wipe (&self->cancellable, self->current_entry);
  gtk_widget_dispose_template (GTK_WIDGET (self), FD_TYPE_PASSWORD_DIALOG);
  self->current_entry = self->new_entry = self->confirm_entry = NULL;
  g_clear_object (&self->api);

  G_OBJECT_CLASS (fd_password_dialog_parent_class)->dispose (object);
}

static void
fd_password_dialog_finalize (GObject *object)
{
  FdPasswordDialog *self = FD_PASSWORD_DIALOG (object);

  g_free (self->username);

  G_OBJECT_CLASS (fd_password_dialog_parent_class)->finalize (object);
}

static void
fd_password_dialog_class_init (FdPasswordDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fd_password_dialog_dispose;
  object_class->finalize = fd_password_dialog_finalize;
  widget_class->unmap = fd_password_dialog_unmap;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
    "/io/github/frontdesk/FrontDesk/fd-password-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, FdPasswordDialog, change_button);
  gtk_widget_class_bind_template_child (widget_class, FdPasswordDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, FdPasswordDialog, required_label);
  gtk_widget_class_bind_template_child (widget_class, FdPasswordDialog, current_entry);
  gtk_widget_class_bind_template_child (widget_class, FdPasswordDialog, new_entry);
  gtk_widget_class_bind_template_child (widget_class, FdPasswordDialog, confirm_entry);
  gtk_widget_class_bind_template_child (widget_class, FdPasswordDialog, new_hint);
  gtk_widget_class_bind_template_child (widget_class, FdPasswordDialog, match_hint);
  gtk_widget_class_bind_template_child (widget_class, FdPasswordDialog, error_label);

  gtk_widget_class_install_action (widget_class, "password.submit", NULL, submit_action);
  fd_dialog_class_install_toast_action (widget_class);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
fd_password_dialog_init (FdPasswordDialog *self)
{
  GtkWidget *entries[3];

  gtk_widget_init_template (GTK_WIDGET (self));
  entries[0] = self->current_entry;
  entries[1] = self->new_entry;
  entries[2] = self->confirm_entry;

  self->cancellable = g_cancellable_new ();
  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    {
      fd_sensitive_entry_protect (GTK_EDITABLE (entries[i]));
      g_signal_connect_swapped (entries[i], "changed", G_CALLBACK (update), self);
    }
  g_signal_connect_swapped (self->current_entry, "activate", G_CALLBACK (current_activate_cb),
                            self);
  g_signal_connect_swapped (self->new_entry, "activate", G_CALLBACK (new_activate_cb), self);
  g_signal_connect_swapped (self->confirm_entry, "activate",
                            G_CALLBACK (fd_password_dialog_submit), self);
  update (self);
}

FdPasswordDialog *
fd_password_dialog_new (GtkWindow   *parent,
                        FdApiClient *api,
                        const char  *username,
                        gboolean     required)
{
  FdPasswordDialog *self;

  g_return_val_if_fail (FD_IS_API_CLIENT (api), NULL);

  self = g_object_new (FD_TYPE_PASSWORD_DIALOG, "transient-for", parent, NULL);
  self->api = g_object_ref (api);
  self->username = g_strdup (username);
  fd_recovery_watch_dialog (GTK_WIDGET (self), api, self->error_label);
  gtk_widget_set_visible (self->required_label, required);
  update (self);
  gtk_widget_grab_focus (self->current_entry);
  return self;
}
