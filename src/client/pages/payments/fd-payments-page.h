/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Finance's payments page: overdue or all, searched by room or name (issue 14). */

#pragma once

#include <adwaita.h>

#include "fd-api-client.h"

G_BEGIN_DECLS

#define FD_TYPE_PAYMENTS_PAGE (fd_payments_page_get_type ())
G_DECLARE_FINAL_TYPE (FdPaymentsPage, fd_payments_page, FD, PAYMENTS_PAGE, GtkWidget)

/* Finance's payments (issue 14): residents with their payment state from
 * GET /payments, overdue only (the default) or all, narrowed by a room or
 * name search; balance, last payment and the payment account exactly as
 * the server masked it for the role. Pages of 50; "Show More" loads on.
 *
 * Signals: ::loaded () after a page arrived (or failed). */
FdPaymentsPage *fd_payments_page_new            (FdApiClient    *api);
void            fd_payments_page_refresh        (FdPaymentsPage *self);
void            fd_payments_page_set_query      (FdPaymentsPage *self,
                                                 const char     *text);
void            fd_payments_page_set_overdue_only (FdPaymentsPage *self,
                                                 gboolean        overdue_only);
void            fd_payments_page_load_more      (FdPaymentsPage *self);
gboolean        fd_payments_page_has_more       (FdPaymentsPage *self);
/* The residents shown (FdResident, owned by the page). */
GPtrArray      *fd_payments_page_get_items      (FdPaymentsPage *self);
const char     *fd_payments_page_get_message    (FdPaymentsPage *self);

/* "¥1,234.56" from fen. */
char           *fd_payments_format_amount       (gint64          cents);

G_END_DECLS
