/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One account's row of the access review, with its decision buttons. */

#pragma once

#include <adwaita.h>

#include "fd-review-record.h"

G_BEGIN_DECLS

/* One account's row of the access review: name, role, last sign-in and the
 * weekly activity (a sparkline), and either its decision or, when
 * @can_decide (a manager, the review open, no decision yet), the Confirm,
 * Change Role and Revoke buttons, which activate "review.confirm",
 * "review.change-role" and "review.revoke" with the account's id. */
GtkWidget *fd_review_row_new (const FdReviewEntry *entry,
                              gboolean             can_decide);

G_END_DECLS
