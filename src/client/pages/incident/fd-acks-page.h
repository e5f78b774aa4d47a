/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Who has acknowledged the data-protection rules, for a manager (issue 12). */

#pragma once

#include <adwaita.h>

#include "fd-api-client.h"
#include "fd-list-page.h"

G_BEGIN_DECLS

#define FD_TYPE_ACKS_PAGE (fd_acks_page_get_type ())
G_DECLARE_FINAL_TYPE (FdAcksPage, fd_acks_page, FD, ACKS_PAGE, FdListPage)

/* The manager's view of who has acknowledged the data-protection rules
 * (issue 12): every active account, the version and time it acknowledged,
 * and whether it is overdue (never, an older text, or before this
 * quarter). Signals: ::loaded (). */
FdAcksPage *fd_acks_page_new          (FdApiClient *api);
void        fd_acks_page_refresh      (FdAcksPage  *self);
guint       fd_acks_page_get_n_overdue (FdAcksPage *self);

G_END_DECLS
