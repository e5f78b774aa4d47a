/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The visitors page: registration form, today's visitors, check-out, export. */

#pragma once

#include <adwaita.h>

#include "fd-api-client.h"
#include "fd-visitor-form.h"

G_BEGIN_DECLS

#define FD_TYPE_VISITOR_PAGE (fd_visitor_page_get_type ())
G_DECLARE_FINAL_TYPE (FdVisitorPage, fd_visitor_page, FD, VISITOR_PAGE, GtkWidget)

/* The registration form (when @can_register) above today's visitors
 * (GET /visitors?date=today, newest first) with check-out buttons (when @can_checkout)
 * and the masked CSV export (when @can_export).
 *
 * Signals: ::refreshed () after the list was (re)loaded. */
FdVisitorPage *fd_visitor_page_new            (FdApiClient   *api,
                                               gboolean       can_register,
                                               gboolean       can_checkout,
                                               gboolean       can_export);
FdVisitorForm *fd_visitor_page_get_form       (FdVisitorPage *self);
void           fd_visitor_page_refresh        (FdVisitorPage *self);
guint          fd_visitor_page_get_n_visitors (FdVisitorPage *self);
/* The row of the n-th visitor listed, or NULL. */
GtkWidget     *fd_visitor_page_get_row        (FdVisitorPage *self,
                                               guint          index);
/* Checks the visitor of the n-th row out (what its button does). */
void           fd_visitor_page_checkout       (FdVisitorPage *self,
                                               guint          index);
/* issue 14: Undo of the last check-out, while its toast is up. */
void           fd_visitor_page_undo_checkout  (FdVisitorPage *self);
gboolean       fd_visitor_page_get_can_undo   (FdVisitorPage *self);
/* Today as YYYY-MM-DD, local time. */
char          *fd_visitor_page_today          (void);

G_END_DECLS
