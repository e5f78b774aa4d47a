/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The manager's access review page (issue 12). */

#pragma once

#include <adwaita.h>

#include "fd-api-client.h"

G_BEGIN_DECLS

#define FD_TYPE_REVIEW_PAGE (fd_review_page_get_type ())
G_DECLARE_FINAL_TYPE (FdReviewPage, fd_review_page, FD, REVIEW_PAGE, GtkWidget)

/* The access review (issue 12): every account of the estate with its
 * role, estates, last sign-in and weekly activity, and (for a manager,
 * @can_decide) Confirm / Revoke / Change role per account, Open review
 * and Sign off; Export for manager and auditor. No resident data. */
FdReviewPage   *fd_review_page_new         (FdApiClient  *api,
                                            gboolean      can_decide);
void            fd_review_page_refresh     (FdReviewPage *self);
/* The review shown, or NULL (none open, or not loaded yet). */
const FdReview *fd_review_page_get_review  (FdReviewPage *self);
/* TRUE while a call is on its way. */
gboolean        fd_review_page_get_busy    (FdReviewPage *self);

G_END_DECLS
