/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The manager's visitor-log export and its freeze-aware button. */

#include "config.h"

#include "fd-export-visitors.h"

#include "fd-export-file.h"

#include <glib/gi18n.h>

#define UI_KEY      "fd-export-ui"

static void
fetch_visitors (FdApiClient         *api,
                gpointer             date,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  fd_api_client_export_visitors_async (api, date, cancellable, callback, user_data);
}

void
fd_export_visitors_async (FdApiClient         *api,
                          const char          *date,
                          GFile               *file,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (FD_IS_API_CLIENT (api));
  g_return_if_fail (date != NULL);
  g_return_if_fail (G_IS_FILE (file));

  fd_export_file_save_async (api, fetch_visitors, g_strdup (date), g_free, file,
                             cancellable, callback, user_data);
}

gboolean
fd_export_visitors_finish (GAsyncResult  *result,
                           GError       **error)
{
  return fd_export_file_save_finish (result, error);
}

static void
open_chooser (GtkWidget   *widget,
              FdApiClient *api,
              const char  *date)
{
  /* Translators: file name of the visitor-log export; %s is a date such as
   * 2024-05-01. Keep the .csv ending. */
  g_autofree char *name = g_strdup_printf (_("visitors-%s.csv"), date);

  fd_export_file_choose (widget, api, _("Export Visitor Log"), name,
                         _("Visitor log exported (masked values only)"),
                         fetch_visitors, g_strdup (date), g_free);
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
