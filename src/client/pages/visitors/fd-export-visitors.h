/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The manager's visitor-log export and its Export button. */

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

/* issue 14: the Export button in @box, for @page (which installs
 * "visitors.export"): while the incident freeze is on (asked when the page
 * shows, when the server comes back and before each export) the action is
 * disabled and a visible "Exports frozen" and the tooltip say why. */
void      fd_export_visitors_add_button (GtkWidget         *page,
                                         FdApiClient       *api,
                                         GtkWidget         *box);

G_END_DECLS
