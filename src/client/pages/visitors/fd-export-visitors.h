#pragma once

#include <gtk/gtk.h>

#include "fd-api-client.h"

G_BEGIN_DECLS

/* The manager's visitor-log export: GET /visitors/export?date=… (CSV with
 * masked values only; the server audits it) written to @file. Nothing
 * personal is added or unmasked here: the bytes are the server's. */
void      fd_export_visitors_async  (FdApiClient         *api,
                                     const char          *date,
                                     GFile               *file,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
gboolean  fd_export_visitors_finish (GAsyncResult        *result,
                                     GError             **error);

/* Asks where to save (GtkFileChooserNative: the portal inside Flatpak),
 * then exports and reports through the "pages.toast" action of @widget. */
void      fd_export_visitors_run    (GtkWidget           *widget,
                                     FdApiClient         *api,
                                     const char          *date);

G_END_DECLS
