/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Saving an export: the file chooser, the fetch, a private file. */

#pragma once

#include <gtk/gtk.h>

#include "fd-api-client.h"

G_BEGIN_DECLS

/* The one way a page saves an export (CSV, masked values only): ask where
 * (GtkFileChooserNative: the portal inside Flatpak), fetch the bytes, write
 * them to a private file, say how it went through "pages.toast". Nothing
 * personal is added or unmasked here: the bytes are the server's. */

/* Starts the API call whose bytes are the export; it finishes with
 * fd_api_client_get_bytes_finish(). @data is what the page gave. */
typedef void (*FdExportFetchFunc) (FdApiClient         *api,
                                   gpointer             data,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data);

/* Fetches the export through @fetch and writes it to @file
 * (G_FILE_CREATE_PRIVATE, replacing it). @data (freed with @data_free)
 * goes to @fetch. */
void      fd_export_file_save_async  (FdApiClient         *api,
                                      FdExportFetchFunc    fetch,
                                      gpointer             data,
                                      GDestroyNotify       data_free,
                                      GFile               *file,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
gboolean  fd_export_file_save_finish (GAsyncResult        *result,
                                      GError             **error);

/* Opens a modal save chooser titled @title, proposing @file_name, over
 * @widget's window; on "Export" saves as above and toasts @done_message
 * or why it failed. The chooser is kept on @widget under
 * FD_EXPORT_FILE_CHOOSER_KEY and dies with it: call
 * fd_export_file_close() in dispose, so that a lock never leaves it
 * behind. While it is open it holds off the curtain (fd-recovery.h). */
#define FD_EXPORT_FILE_CHOOSER_KEY "fd-export-chooser"
void      fd_export_file_choose      (GtkWidget           *widget,
                                      FdApiClient         *api,
                                      const char          *title,
                                      const char          *file_name,
                                      const char          *done_message,
                                      FdExportFetchFunc    fetch,
                                      gpointer             data,
                                      GDestroyNotify       data_free);
/* Closes a chooser left open on @widget. */
void      fd_export_file_close       (GtkWidget           *widget);

G_END_DECLS
