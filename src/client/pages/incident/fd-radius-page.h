/* SPDX-License-Identifier: GPL-3.0-or-later */
/* An incident's blast radius page and its notice draft (issue 12). */

#pragma once

#include <adwaita.h>

#include "fd-api-client.h"

G_BEGIN_DECLS

#define FD_TYPE_RADIUS_PAGE (fd_radius_page_get_type ())
G_DECLARE_FINAL_TYPE (FdRadiusPage, fd_radius_page, FD, RADIUS_PAGE, GtkWidget)

/* An incident's blast radius (manager, auditor; issue 12): pick an
 * account and a window, enter the cause, and see which residents and
 * visitors that account viewed, listed, revealed, verified or exported —
 * names masked by the server, no values — with the server's zh_CN
 * notification draft, and export the masked CSV through the file chooser
 * (the portal inside Flatpak; the server audits the export).
 *
 * Signals: ::loaded () when an answer (or an error) is shown. */
FdRadiusPage *fd_radius_page_new        (FdApiClient  *api);
/* Fills the form (dates "YYYY-MM-DD", local) and asks the server. */
void          fd_radius_page_query      (FdRadiusPage *self,
                                         const char   *user,
                                         const char   *from_day,
                                         const char   *to_day,
                                         const char   *cause);
guint         fd_radius_page_get_n_rows (FdRadiusPage *self);
/* The notice draft shown, or NULL. */
char         *fd_radius_page_get_notice (FdRadiusPage *self);

G_END_DECLS
