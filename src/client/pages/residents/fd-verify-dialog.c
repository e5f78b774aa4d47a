/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The verify dialog: a presented ID number or mobile checked, match or no match. */

#include "config.h"

#include "fd-verify-dialog.h"

#include "fd-dialog-util.h"
#include "fd-error.h"
#include "fd-field.h"
#include "fd-form-util.h"
#include "fd-select-all.h"
#include "fd-recovery.h"
#include "fd-sensitive-entry.h"
#include "fd-validate.h"

#include <glib/gi18n.h>

struct _FdVerifyDialog
{
  AdwWindow        parent_instance;

  AdwComboRow     *field_row;
  GtkStringList   *field_names;
  GtkWidget       *value_row;
  GtkLabel        *error_label;
  GtkWidget       *result_box;
  GtkImage        *result_icon;
  GtkLabel        *result_label;

  FdApiClient     *api;
  GCancellable    *cancellable;
  char            *resident_id;
  GPtrArray       *fields;      /* field keys, in the combo's order */
  FdVerifyResult   result;
  gboolean         busy;
};

G_DEFINE_FINAL_TYPE (FdVerifyDialog, fd_verify_dialog, ADW_TYPE_WINDOW)

enum {
  CHECKED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *
field_title (const char *field)
{
  if (g_str_equal (field, "id_number"))
    return _("ID number");
  return _("Mobile");
}

static void
show_error (FdVerifyDialog *self,
            const char     *message)
{
  fd_form_set_message (self->error_label, message);
}

static void
show_result (FdVerifyDialog *self,
             FdVerifyResult  result)
{
  /* The box keeps its room when empty, so the dialog never jumps. */
  self->result = result;
  gtk_widget_set_opacity (self->result_box, result != FD_VERIFY_NONE ? 1.0 : 0.0);
  gtk_widget_remove_css_class (self->result_box, "success");
  gtk_widget_remove_css_class (self->result_box, "error");
  if (result == FD_VERIFY_NONE)
    gtk_label_set_text (self->result_label, "");

  if (result == FD_VERIFY_MATCH)
    {
      gtk_image_set_from_icon_name (self->result_icon, "emblem-ok-symbolic");
      gtk_label_set_text (self->result_label, _("Match"));
      gtk_widget_add_css_class (self->result_box, "success");
    }
  else if (result == FD_VERIFY_NO_MATCH)
    {
      gtk_image_set_from_icon_name (self->result_icon, "dialog-error-symbolic");
      gtk_label_set_text (self->result_label, _("No match"));
      gtk_widget_add_css_class (self->result_box, "error");
    }
}

static void
set_busy (FdVerifyDialog *self,
          gboolean        busy)
{
  /* Only the button goes grey: making a focused entry insensitive
   * leaves GtkText blinking without focus. */
  self->busy = busy;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "verify.submit", !busy);
}

static void
verify_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(FdVerifyDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean match = FALSE;

  fd_api_client_verify_finish (FD_API_CLIENT (source), result, &match, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_busy (self, FALSE);

  if (error != NULL)
    {
      if (g_error_matches (error, FD_ERROR, FD_ERROR_RATE_LIMITED))
        show_error (self, _("Verify limit reached: at most 30 checks an hour. "
                            "Try again later."));
      else if (g_error_matches (error, FD_ERROR, FD_ERROR_FORBIDDEN))
        show_error (self, _("Your role may not verify this field."));
      else if (g_error_matches (error, FD_ERROR, FD_ERROR_BAD_REQUEST))
        show_error (self, _("This is not a valid number."));
      else
        show_error (self, error->message);
      return;
    }

  show_result (self, match ? FD_VERIFY_MATCH : FD_VERIFY_NO_MATCH);
  g_signal_emit (self, signals[CHECKED], 0, self->result == FD_VERIFY_MATCH);
}

void
fd_verify_dialog_submit (FdVerifyDialog *self)
{
  g_autoptr(GError) error = NULL;
  char *value;
  const char *field;
  guint selected;
  gboolean valid;

  g_return_if_fail (FD_IS_VERIFY_DIALOG (self));

  if (self->busy)
    return;

  selected = adw_combo_row_get_selected (self->field_row);
  if (selected >= self->fields->len)
    return;
  field = g_ptr_array_index (self->fields, selected);

  show_result (self, FD_VERIFY_NONE);
  value = fd_input_normalize (gtk_editable_get_text (GTK_EDITABLE (self->value_row)), TRUE);
  if (value == NULL || *value == '\0')
    {
      fd_secret_free (value);
      show_error (self, _("Type the number the person presents."));
      return;
    }

  if (g_str_equal (field, "id_number"))
    valid = fd_validate_id_number (value, &error);
  else
    valid = fd_validate_mobile (value, &error);
  if (!valid)
    {
      fd_secret_free (value);
      show_error (self, error->message);
      return;
    }
  show_error (self, NULL);

  set_busy (self, TRUE);
  fd_api_client_verify_async (self->api, self->resident_id, field, value, self->cancellable,
                              verify_cb, g_object_ref (self));

  /* The request is serialised (and its tree wiped): wipe what was typed. */
  fd_secret_free (value);
  fd_sensitive_entry_wipe (GTK_EDITABLE (self->value_row));
}

gboolean
fd_verify_dialog_set_field (FdVerifyDialog *self,
                            const char     *field)
{
  g_return_val_if_fail (FD_IS_VERIFY_DIALOG (self), FALSE);

  for (guint i = 0; i < self->fields->len; i++)
    if (g_strcmp0 (g_ptr_array_index (self->fields, i), field) == 0)
      {
        adw_combo_row_set_selected (self->field_row, i);
        return TRUE;
      }

  return FALSE;
}

void
fd_verify_dialog_set_value (FdVerifyDialog *self,
                            const char     *value)
{
  g_return_if_fail (FD_IS_VERIFY_DIALOG (self));

  gtk_editable_set_text (GTK_EDITABLE (self->value_row), value ? value : "");
}

FdVerifyResult
fd_verify_dialog_get_result (FdVerifyDialog *self)
{
  g_return_val_if_fail (FD_IS_VERIFY_DIALOG (self), FD_VERIFY_NONE);
  return self->result;
}

const char *
fd_verify_dialog_get_error (FdVerifyDialog *self)
{
  g_return_val_if_fail (FD_IS_VERIFY_DIALOG (self), NULL);

  return fd_form_get_message (self->error_label);
}

gboolean
fd_verify_dialog_get_busy (FdVerifyDialog *self)
{
  g_return_val_if_fail (FD_IS_VERIFY_DIALOG (self), FALSE);
  return self->busy;
}

static void
submit_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  fd_verify_dialog_submit (FD_VERIFY_DIALOG (widget));
}

static void
field_changed_cb (FdVerifyDialog *self)
{
  show_result (self, FD_VERIFY_NONE);
  show_error (self, NULL);
}

static void
fd_verify_dialog_unmap (GtkWidget *widget)
{
  fd_dialog_unmap_returning_focus (widget, GTK_WIDGET_CLASS (fd_verify_dialog_parent_class));
}

static void
fd_verify_dialog_dispose (GObject *object)
{
  FdVerifyDialog *self = FD_VERIFY_DIALOG (object);

  fd_dialog_cancel_and_wipe (&self->cancellable, self->value_row);
  gtk_widget_dispose_template (GTK_WIDGET (self), FD_TYPE_VERIFY_DIALOG);
  self->value_row = NULL;
  g_clear_object (&self->api);

  G_OBJECT_CLASS (fd_verify_dialog_parent_class)->dispose (object);
}

static void
fd_verify_dialog_finalize (GObject *object)
{
  FdVerifyDialog *self = FD_VERIFY_DIALOG (object);

  g_free (self->resident_id);
  g_ptr_array_unref (self->fields);

  G_OBJECT_CLASS (fd_verify_dialog_parent_class)->finalize (object);
}

static void
fd_verify_dialog_class_init (FdVerifyDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fd_verify_dialog_dispose;
  object_class->finalize = fd_verify_dialog_finalize;
  widget_class->unmap = fd_verify_dialog_unmap;

  signals[CHECKED] =
    g_signal_new ("checked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);

  gtk_widget_class_set_template_from_resource (widget_class,
    "/io/github/frontdesk/FrontDesk/pages/fd-verify-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, FdVerifyDialog, field_row);
  gtk_widget_class_bind_template_child (widget_class, FdVerifyDialog, field_names);
  gtk_widget_class_bind_template_child (widget_class, FdVerifyDialog, value_row);
  gtk_widget_class_bind_template_child (widget_class, FdVerifyDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, FdVerifyDialog, result_box);
  gtk_widget_class_bind_template_child (widget_class, FdVerifyDialog, result_icon);
  gtk_widget_class_bind_template_child (widget_class, FdVerifyDialog, result_label);

  gtk_widget_class_install_action (widget_class, "verify.submit", NULL, submit_action);
  fd_dialog_class_install_toast_action (widget_class);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
fd_verify_dialog_init (FdVerifyDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->fields = g_ptr_array_new_with_free_func (g_free);
  self->result = FD_VERIFY_NONE;

  fd_sensitive_entry_protect (GTK_EDITABLE (self->value_row));
  fd_select_all_enable (GTK_EDITABLE (self->value_row));   /* issue 14 */
  g_signal_connect_swapped (self->value_row, "entry-activated",
                            G_CALLBACK (fd_verify_dialog_submit), self);
  g_signal_connect_swapped (self->field_row, "notify::selected",
                            G_CALLBACK (field_changed_cb), self);
}

GtkWidget *
fd_verify_dialog_get_entry (FdVerifyDialog *self)
{
  g_return_val_if_fail (FD_IS_VERIFY_DIALOG (self), NULL);
  return GTK_WIDGET (self->value_row);
}

FdVerifyDialog *
fd_verify_dialog_new (GtkWindow          *parent,
                      FdApiClient        *api,
                      const char         *resident_id,
                      const char * const *fields)
{
  FdVerifyDialog *self;

  g_return_val_if_fail (FD_IS_API_CLIENT (api), NULL);
  g_return_val_if_fail (resident_id != NULL, NULL);

  self = g_object_new (FD_TYPE_VERIFY_DIALOG, "transient-for", parent, NULL);
  self->api = g_object_ref (api);
  fd_recovery_watch_dialog (GTK_WIDGET (self), api, self->error_label);
  self->resident_id = g_strdup (resident_id);

  for (guint i = 0; fields != NULL && fields[i] != NULL; i++)
    if (g_str_equal (fields[i], "id_number") || g_str_equal (fields[i], "phone"))
      {
        g_ptr_array_add (self->fields, g_strdup (fields[i]));
        gtk_string_list_append (self->field_names, field_title (fields[i]));
      }

  /* Digits typed at once go to the number, not to the field chooser
   * (issue 14). */
  gtk_widget_grab_focus (GTK_WIDGET (self->value_row));
  return self;
}
