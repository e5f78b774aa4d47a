/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The reveal dialog: why the value is needed and, if asked, the password, then the value. */

#include "config.h"

#include "fd-reveal-dialog.h"

#include "fd-dialog-util.h"
#include "fd-error.h"
#include "fd-field.h"
#include "fd-form-util.h"
#include "fd-recovery.h"
#include "fd-sensitive-entry.h"

#include <glib/gi18n.h>

#define MIN_OTHER_TEXT 5

static const char * const reason_codes[] = {
  "verify-identity", "emergency-contact", "refund", "other",
};

struct _FdRevealDialog
{
  AdwWindow        parent_instance;

  AdwWindowTitle  *window_title;
  GtkWidget       *reveal_button;
  AdwComboRow     *reason_row;
  GtkWidget       *details_row;
  GtkWidget       *password_row;
  GtkLabel        *error_label;

  FdApiClient     *api;
  GCancellable    *cancellable;
  char            *resident_id;
  char            *field;
  gboolean         needs_password;
  gboolean         busy;
};

G_DEFINE_FINAL_TYPE (FdRevealDialog, fd_reveal_dialog, ADW_TYPE_WINDOW)

enum {
  REVEALED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
show_error (FdRevealDialog *self,
            const char     *message)
{
  fd_form_set_message (self->error_label, message);
}

static void
set_busy (FdRevealDialog *self,
          gboolean        busy)
{
  /* Only the button goes grey: making a focused entry insensitive
   * leaves GtkText blinking without focus. */
  self->busy = busy;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "reveal.submit", !busy);
}

static const char *
message_for_failure (FdRevealDialog *self,
                     const GError   *error,
                     FdErrorDetail  *error_detail)
{
  const char *detail = error_detail ? error_detail->detail : NULL;
  const char *member = error_detail ? error_detail->member : NULL;

  if (error->domain != FD_ERROR)
    return _("The value could not be revealed.");

  switch (error->code)
    {
    case FD_ERROR_FORBIDDEN:
      if (g_strcmp0 (detail, "incident-freeze") == 0)
        return _("Reveals are frozen: the incident switch is on. Ask a manager.");
      return _("Your role may not reveal this field.");
    case FD_ERROR_RATE_LIMITED:
      return _("Reveal limit reached: at most 10 reveals an hour. Try again later.");
    case FD_ERROR_REAUTH_REQUIRED:
      return _("Wrong password.");
    case FD_ERROR_BAD_REQUEST:
      if (g_strcmp0 (member, "reason_text") == 0)
        return _("Describe the reason in at least 5 characters.");
      if (g_strcmp0 (member, "reason_code") == 0)
        return _("Choose a reason.");
      return _("The server refused the request as invalid.");
    case FD_ERROR_ACCOUNT_LOCKED:
      return _("Your account has been locked because of unusual activity.");
    case FD_ERROR_NOT_FOUND:
      return _("There is no value on file for this field.");
    default:
      return error->message;
    }
}

static void
reveal_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(FdRevealDialog) self = user_data;
  g_autoptr(FdErrorDetail) detail = NULL;
  g_autoptr(FdRevealed) revealed = NULL;
  g_autoptr(GError) error = NULL;
  gint64 seconds;

  revealed = fd_api_client_reveal_finish (FD_API_CLIENT (source), result, &detail, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_busy (self, FALSE);

  if (revealed == NULL)
    {
      if (g_error_matches (error, FD_ERROR, FD_ERROR_REAUTH_REQUIRED))
        fd_sensitive_entry_wipe (GTK_EDITABLE (self->password_row));
      show_error (self, message_for_failure (self, error, detail));
      return;
    }

  seconds = revealed->expires_in_s;
  if (seconds < 0 || seconds > 3600)
    seconds = 0;

  fd_sensitive_entry_wipe (GTK_EDITABLE (self->password_row));
  g_signal_emit (self, signals[REVEALED], 0, revealed->value, (guint) seconds);

  gtk_window_destroy (GTK_WINDOW (self));
}

static char *
trimmed_text (GtkWidget *editable)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (editable))));
}

void
fd_reveal_dialog_submit (FdRevealDialog *self)
{
  g_autofree char *details = NULL;
  const char *password;
  guint reason;

  g_return_if_fail (FD_IS_REVEAL_DIALOG (self));

  if (self->busy)
    return;

  reason = adw_combo_row_get_selected (self->reason_row);
  if (reason >= G_N_ELEMENTS (reason_codes))
    {
      show_error (self, _("Choose a reason."));
      return;
    }

  details = trimmed_text (self->details_row);
  if (g_str_equal (reason_codes[reason], "other") &&
      g_utf8_strlen (details, -1) < MIN_OTHER_TEXT)
    {
      show_error (self, _("Describe the reason in at least 5 characters."));
      gtk_widget_grab_focus (self->details_row);
      return;
    }

  password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));
  if (self->needs_password && *password == '\0')
    {
      show_error (self, _("Enter your password to reveal an ID number."));
      gtk_widget_grab_focus (self->password_row);
      return;
    }

  show_error (self, NULL);

  set_busy (self, TRUE);
  /* The call wipes its copy of the password once the body is sent. */
  fd_api_client_reveal_async (self->api, self->resident_id, self->field, reason_codes[reason],
                              details, self->needs_password ? password : NULL,
                              self->cancellable, reveal_cb, g_object_ref (self));
}

void
fd_reveal_dialog_set_reason (FdRevealDialog *self,
                             guint           reason,
                             const char     *details)
{
  g_return_if_fail (FD_IS_REVEAL_DIALOG (self));

  adw_combo_row_set_selected (self->reason_row, reason);
  gtk_editable_set_text (GTK_EDITABLE (self->details_row), details ? details : "");
}

void
fd_reveal_dialog_set_password (FdRevealDialog *self,
                               const char     *password)
{
  g_return_if_fail (FD_IS_REVEAL_DIALOG (self));

  gtk_editable_set_text (GTK_EDITABLE (self->password_row), password ? password : "");
}

const char *
fd_reveal_dialog_get_error (FdRevealDialog *self)
{
  g_return_val_if_fail (FD_IS_REVEAL_DIALOG (self), NULL);

  return fd_form_get_message (self->error_label);
}

gboolean
fd_reveal_dialog_get_busy (FdRevealDialog *self)
{
  g_return_val_if_fail (FD_IS_REVEAL_DIALOG (self), FALSE);
  return self->busy;
}

static void
submit_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  fd_reveal_dialog_submit (FD_REVEAL_DIALOG (widget));
}

static void
entry_activated_cb (FdRevealDialog *self)
{
  fd_reveal_dialog_submit (self);
}

static void
fd_reveal_dialog_unmap (GtkWidget *widget)
{
  fd_dialog_unmap_returning_focus (widget, GTK_WIDGET_CLASS (fd_reveal_dialog_parent_class));
}

static void
fd_reveal_dialog_dispose (GObject *object)
{
  FdRevealDialog *self = FD_REVEAL_DIALOG (object);

  fd_dialog_cancel_and_wipe (&self->cancellable, self->password_row);
  gtk_widget_dispose_template (GTK_WIDGET (self), FD_TYPE_REVEAL_DIALOG);
  self->password_row = NULL;

  g_clear_object (&self->api);

  G_OBJECT_CLASS (fd_reveal_dialog_parent_class)->dispose (object);
}

static void
fd_reveal_dialog_finalize (GObject *object)
{
  FdRevealDialog *self = FD_REVEAL_DIALOG (object);

  g_free (self->resident_id);
  g_free (self->field);

  G_OBJECT_CLASS (fd_reveal_dialog_parent_class)->finalize (object);
}

static void
fd_reveal_dialog_class_init (FdRevealDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fd_reveal_dialog_dispose;
  object_class->finalize = fd_reveal_dialog_finalize;
  widget_class->unmap = fd_reveal_dialog_unmap;

  signals[REVEALED] =
    g_signal_new ("revealed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE, G_TYPE_UINT);

  gtk_widget_class_set_template_from_resource (widget_class,
    "/io/github/frontdesk/FrontDesk/pages/fd-reveal-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, FdRevealDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, FdRevealDialog, reveal_button);
  gtk_widget_class_bind_template_child (widget_class, FdRevealDialog, reason_row);
  gtk_widget_class_bind_template_child (widget_class, FdRevealDialog, details_row);
  gtk_widget_class_bind_template_child (widget_class, FdRevealDialog, password_row);
  gtk_widget_class_bind_template_child (widget_class, FdRevealDialog, error_label);

  gtk_widget_class_install_action (widget_class, "reveal.submit", NULL, submit_action);
  fd_dialog_class_install_toast_action (widget_class);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
fd_reveal_dialog_init (FdRevealDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  fd_sensitive_entry_protect (GTK_EDITABLE (self->password_row));
  g_signal_connect_swapped (self->details_row, "entry-activated",
                            G_CALLBACK (entry_activated_cb), self);
  g_signal_connect_swapped (self->password_row, "entry-activated",
                            G_CALLBACK (entry_activated_cb), self);
}

FdRevealDialog *
fd_reveal_dialog_new (GtkWindow   *parent,
                      FdApiClient *api,
                      const char  *resident_id,
                      const char  *field,
                      const char  *field_title,
                      gboolean     needs_password)
{
  FdRevealDialog *self;
  g_autofree char *title = NULL;

  g_return_val_if_fail (FD_IS_API_CLIENT (api), NULL);
  g_return_val_if_fail (resident_id != NULL && field != NULL, NULL);

  self = g_object_new (FD_TYPE_REVEAL_DIALOG,
                       "transient-for", parent,
                       NULL);
  self->api = g_object_ref (api);
  fd_recovery_watch_dialog (GTK_WIDGET (self), api, self->error_label);
  self->resident_id = g_strdup (resident_id);
  self->field = g_strdup (field);
  self->needs_password = needs_password;

  /* Translators: dialog title; %s is a field name such as "Mobile" */
  title = g_strdup_printf (_("Reveal %s"), field_title ? field_title : field);
  adw_window_title_set_title (self->window_title, title);
  gtk_window_set_title (GTK_WINDOW (self), title);
  adw_window_title_set_subtitle (self->window_title, _("Recorded in the audit log"));
  gtk_widget_set_visible (self->password_row, needs_password);

  return self;
}
