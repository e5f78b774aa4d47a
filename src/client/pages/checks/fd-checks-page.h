/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Security Check page: the server's self-check findings (issue 12). */

#pragma once

#include <adwaita.h>

#include "fd-api-client.h"
#include "fd-list-page.h"

G_BEGIN_DECLS

#define FD_TYPE_CHECKS_PAGE (fd_checks_page_get_type ())
G_DECLARE_FINAL_TYPE (FdChecksPage, fd_checks_page, FD, CHECKS_PAGE, FdListPage)

/* The security self-check (issue 12, GET /api/v1/admin/checks), for a
 * manager or an admin: each finding with its level, what was found and
 * how to fix it, and a Refresh button that runs the check again (the
 * server walks the audit chain and checks the database on a worker; the
 * page shows a spinner meanwhile).
 *
 * Signals: ::loaded () after the findings (or an error) arrived. */
FdChecksPage *fd_checks_page_new         (FdApiClient  *api);
void          fd_checks_page_refresh     (FdChecksPage *self);
guint         fd_checks_page_get_n_items (FdChecksPage *self);
/* How many findings have @level ("ok", "warning", "critical"). */
guint         fd_checks_page_count_level (FdChecksPage *self,
                                          const char   *level);

G_END_DECLS
