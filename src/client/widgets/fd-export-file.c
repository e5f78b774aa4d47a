/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Ask where, fetch an export and write it, for every page. */

#include "config.h"

#include "fd-export-file.h"

#include "fd-error.h"
#include "fd-recovery.h"

#include <glib/gi18n.h>

/* ---- fetch and write ----------------------------------------------------- */

typedef struct
{
  GFile          *file;
  gpointer        data;
  GDestroyNotify  data_free;
} SaveData;

static void
save_data_free (SaveData *save)
{
  g_clear_object (&save->file);
  if (save->data_free != NULL)
    save->data_free (save->data);
  g_free (save);
}

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
  SaveData *save = g_task_get_task_data (task);

  bytes = fd_api_client_get_bytes_finish (FD_API_CLIENT (source), result, &error);
  if (bytes == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_file_replace_contents_bytes_async (save->file, bytes, NULL, FALSE,
                                       G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION,
                                       g_task_get_cancellable (task),
                                       replaced_cb, g_object_ref (task));
}

void
fd_export_file_save_async (FdApiClient         *api,
                           FdExportFetchFunc    fetch,
                           gpointer             data,
                           GDestroyNotify       data_free,
                           GFile               *file,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SaveData *save;

  g_return_if_fail (FD_IS_API_CLIENT (api));
  g_return_if_fail (fetch != NULL);
  g_return_if_fail (G_IS_FILE (file));

  save = g_new0 (SaveData, 1);
  save->file = g_object_ref (file);
  save->data = data;
  save->data_free = data_free;
  task = g_task_new (api, cancellable, callback, user_data);
  g_task_set_source_tag (task, fd_export_file_save_async);
  g_task_set_task_data (task, save, (GDestroyNotify) save_data_free);

  fetch (api, data, cancellable, bytes_cb, g_object_ref (task));
}

gboolean
fd_export_file_save_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == fd_export_file_save_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- the chooser --------------------------------------------------------- */

typedef struct
{
  GtkWidget         *widget;   /* not owned: the chooser dies with it */
  FdApiClient       *api;
  char              *done_message;
  FdExportFetchFunc  fetch;
  gpointer           data;
  GDestroyNotify     data_free;
} Chooser;

static void
chooser_free (Chooser *chooser)
{
  g_clear_object (&chooser->api);
  g_free (chooser->done_message);
  if (chooser->data_free != NULL)
    chooser->data_free (chooser->data);
  g_free (chooser);
}

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GtkWidget) widget = user_data;
  g_autofree char *done_message = g_object_steal_data (G_OBJECT (widget), "fd-export-done");
  g_autoptr(GError) error = NULL;
  const char *message;

  if (fd_export_file_save_finish (result, &error))
    message = done_message;
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
chooser_response_cb (GtkNativeDialog *native,
                     int              response,
                     Chooser         *chooser)
{
  GtkWidget *widget = chooser->widget;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));

      if (file != NULL)
        {
          g_object_set_data_full (G_OBJECT (widget), "fd-export-done",
                                  g_steal_pointer (&chooser->done_message), g_free);
          fd_export_file_save_async (chooser->api, chooser->fetch,
                                     g_steal_pointer (&chooser->data), chooser->data_free,
                                     file, NULL, saved_cb, g_object_ref (widget));
          chooser->data_free = NULL;
        }
    }

  /* Drops (and destroys) the chooser. */
  g_object_set_data (G_OBJECT (widget), FD_EXPORT_FILE_CHOOSER_KEY, NULL);
}

static void
destroy_chooser (gpointer data)
{
  GtkNativeDialog *native = data;

  fd_recovery_release_native (gtk_native_dialog_get_transient_for (native));
  g_signal_handlers_disconnect_matched (native, G_SIGNAL_MATCH_FUNC, 0, 0, NULL,
                                        chooser_response_cb, NULL);
  gtk_native_dialog_destroy (native);
  g_object_unref (native);
}

void
fd_export_file_choose (GtkWidget         *widget,
                       FdApiClient       *api,
                       const char        *title,
                       const char        *file_name,
                       const char        *done_message,
                       FdExportFetchFunc  fetch,
                       gpointer           data,
                       GDestroyNotify     data_free)
{
  GtkFileChooserNative *native;
  GtkRoot *root;
  Chooser *chooser;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (FD_IS_API_CLIENT (api));
  g_return_if_fail (fetch != NULL);

  root = gtk_widget_get_root (widget);
  native = gtk_file_chooser_native_new (title, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        GTK_FILE_CHOOSER_ACTION_SAVE,
                                        _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), file_name);

  chooser = g_new0 (Chooser, 1);
  chooser->widget = widget;
  chooser->api = g_object_ref (api);
  chooser->done_message = g_strdup (done_message);
  chooser->fetch = fetch;
  chooser->data = data;
  chooser->data_free = data_free;
  g_object_set_data_full (G_OBJECT (native), "fd-export", chooser,
                          (GDestroyNotify) chooser_free);
  g_signal_connect (native, "response", G_CALLBACK (chooser_response_cb), chooser);

  /* The chooser dies with @widget: a lock never leaves it behind. */
  g_object_set_data_full (G_OBJECT (widget), FD_EXPORT_FILE_CHOOSER_KEY, native,
                          destroy_chooser);
  /* Through the portal the chooser is another process's window: its focus
   * is ours, not someone looking away (no curtain behind it). */
  fd_recovery_hold_native (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

void
fd_export_file_close (GtkWidget *widget)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));

  g_object_set_data (G_OBJECT (widget), FD_EXPORT_FILE_CHOOSER_KEY, NULL);
}
