#include "config.h"

#include "fd-export-visitors.h"

#include "fd-error.h"
#include "fd-recovery.h"

#include <glib/gi18n.h>

#define CHOOSER_KEY "fd-export-chooser"
#define UI_KEY      "fd-export-ui"

static void
replaced_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
bytes_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  GFile *file = g_task_get_task_data (task);

  bytes = fd_api_client_export_visitors_finish (FD_API_CLIENT (source), result, &error);
  if (bytes == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE,
                                       G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION,
                                       g_task_get_cancellable (task),
                                       replaced_cb, g_object_ref (task));
}

void
fd_export_visitors_async (FdApiClient         *api,
                          const char          *date,
                          GFile               *file,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (FD_IS_API_CLIENT (api));
  g_return_if_fail (date != NULL);
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (api, cancellable, callback, user_data);
  g_task_set_source_tag (task, fd_export_visitors_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);

  fd_api_client_export_visitors_async (api, date, cancellable, bytes_cb, g_object_ref (task));
}

gboolean
fd_export_visitors_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == fd_export_visitors_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
run_done_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GtkWidget) widget = user_data;
  g_autoptr(GError) error = NULL;
  const char *message;

  if (fd_export_visitors_finish (result, &error))
    message = _("Visitor log exported (masked values only)");
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  else if (g_error_matches (error, FD_ERROR, FD_ERROR_FORBIDDEN))
    message = _("Export refused: exports are frozen by the incident switch, or your role "
                "may not export.");
  else if (error->domain == FD_ERROR)
    message = error->message;
  else
    {
      g_warning ("Could not write the export: %s", error->message);
      message = _("The file could not be written.");
    }

  gtk_widget_activate_action (widget, "pages.toast", "s", message);
}

static void
chooser_response_cb (GtkNativeDialog *chooser,
                     int              response,
                     GtkWidget       *widget)
{
  FdApiClient *api = g_object_get_data (G_OBJECT (chooser), "fd-api");
  const char *date = g_object_get_data (G_OBJECT (chooser), "fd-date");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        fd_export_visitors_async (api, date, file, NULL, run_done_cb, g_object_ref (widget));
    }

  /* Drops (and destroys) the chooser. */
  g_object_set_data (G_OBJECT (widget), CHOOSER_KEY, NULL);
}

static void
destroy_chooser (gpointer data)
{
  GtkNativeDialog *chooser = data;

  fd_recovery_release_native (gtk_native_dialog_get_transient_for (chooser));
  g_signal_handlers_disconnect_matched (chooser, G_SIGNAL_MATCH_FUNC, 0, 0, NULL,
                                        chooser_response_cb, NULL);
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
open_chooser (GtkWidget   *widget,
              FdApiClient *api,
              const char  *date)
{
  GtkFileChooserNative *chooser;
  g_autofree char *name = NULL;
  GtkRoot *root;

  root = gtk_widget_get_root (widget);
  chooser = gtk_file_chooser_native_new (_("Export Visitor Log"),
                                         GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  /* Translators: file name of the visitor-log export; %s is a date such as
   * 2024-05-01. Keep the .csv ending. */
  name = g_strdup_printf (_("visitors-%s.csv"), date);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);

  g_object_set_data_full (G_OBJECT (chooser), "fd-api", g_object_ref (api), g_object_unref);
  g_object_set_data_full (G_OBJECT (chooser), "fd-date", g_strdup (date), g_free);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), widget);

  /* The chooser dies with @widget: a lock never leaves it behind. */
  g_object_set_data_full (G_OBJECT (widget), CHOOSER_KEY, chooser, destroy_chooser);
  /* Through the portal the chooser is another process's window: its focus
   * is ours, not someone looking away (no curtain behind it). */
  fd_recovery_hold_native (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* --- the freeze, said up front (issue 14) --- */

typedef struct
{
  GtkWidget    *page;      /* not owned: the data lives on it */
  GtkWidget    *button;
  GtkWidget    *label;
  FdApiClient  *api;
  GCancellable *cancellable;
  char         *pending_date;   /* an export waiting for the check */
} ExportUi;

static void
export_ui_free (gpointer data)
{
  ExportUi *ui = data;

  g_cancellable_cancel (ui->cancellable);
  g_clear_object (&ui->cancellable);
  g_clear_object (&ui->api);
  g_free (ui->pending_date);
  g_free (ui);
}

static void
show_frozen (ExportUi *ui,
             gboolean  frozen)
{
  const char *why = _("Exports are frozen: the incident switch is on. A manager turns it "
                      "off on the Alerts page.");

  gtk_widget_action_set_enabled (ui->page, "visitors.export", !frozen);
  gtk_widget_set_tooltip_text (ui->button,
                               frozen ? why : _("Export today’s visitor log, masked values only"));
  gtk_widget_set_tooltip_text (ui->label, why);
  gtk_widget_set_visible (ui->label, frozen);
}

static void
incident_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  ExportUi *ui = user_data;
  g_autoptr(FdIncident) incident = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *date = NULL;

  incident = fd_api_client_get_incident_finish (FD_API_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  date = g_steal_pointer (&ui->pending_date);
  /* A role that may not read the switch, or no answer: the server still
   * refuses a frozen export. */
  if (incident != NULL)
    show_frozen (ui, incident->frozen);
  if (date == NULL)
    return;
  if (incident != NULL && incident->frozen)
    gtk_widget_activate_action (ui->page, "pages.toast", "s",
                                _("Exports are frozen: the incident switch is on."));
  else
    open_chooser (ui->page, ui->api, date);
}

static void
check_freeze (ExportUi *ui)
{
  g_cancellable_cancel (ui->cancellable);
  g_clear_object (&ui->cancellable);
  ui->cancellable = g_cancellable_new ();
  fd_api_client_get_incident_async (ui->api, ui->cancellable, incident_cb, ui);
}

static void
reachable_cb (GtkWidget *page)
{
  ExportUi *ui = g_object_get_data (G_OBJECT (page), UI_KEY);

  if (ui != NULL && fd_api_client_get_reachable (ui->api))
    check_freeze (ui);
}

void
fd_export_visitors_add_button (GtkWidget   *page,
                               FdApiClient *api,
                               GtkWidget   *box)
{
  ExportUi *ui;

  g_return_if_fail (GTK_IS_WIDGET (page));
  g_return_if_fail (FD_IS_API_CLIENT (api));
  g_return_if_fail (GTK_IS_BOX (box));

  ui = g_new0 (ExportUi, 1);
  ui->page = page;
  ui->api = g_object_ref (api);
  ui->button = gtk_button_new_with_mnemonic (_("_Export CSV…"));
  gtk_accessible_reset_property (GTK_ACCESSIBLE (ui->button), GTK_ACCESSIBLE_PROPERTY_LABEL);
  gtk_widget_add_css_class (ui->button, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (ui->button), "visitors.export");
  ui->label = gtk_label_new (_("Exports frozen"));
  gtk_widget_add_css_class (ui->label, "warning");
  gtk_widget_add_css_class (ui->label, "caption-heading");
  gtk_box_prepend (GTK_BOX (box), ui->button);
  gtk_box_prepend (GTK_BOX (box), ui->label);
  g_object_set_data_full (G_OBJECT (page), UI_KEY, ui, export_ui_free);
  show_frozen (ui, FALSE);

  g_signal_connect_swapped (page, "map", G_CALLBACK (check_freeze), ui);
  g_signal_connect_object (api, "notify::reachable", G_CALLBACK (reachable_cb), page,
                           G_CONNECT_SWAPPED);
}

void
fd_export_visitors_run (GtkWidget   *widget,
                        FdApiClient *api,
                        const char  *date)
{
  ExportUi *ui;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (FD_IS_API_CLIENT (api));
  g_return_if_fail (date != NULL);

  ui = g_object_get_data (G_OBJECT (widget), UI_KEY);
  if (ui == NULL)
    {
      open_chooser (widget, api, date);
      return;
    }
  /* Asked once more, so that a freeze switched on since the page showed
   * is refused before the chooser opens. */
  g_free (ui->pending_date);
  ui->pending_date = g_strdup (date);
  check_freeze (ui);
}
