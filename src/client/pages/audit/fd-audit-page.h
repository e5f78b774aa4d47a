/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The audit log page: filters, paged entries and the hash chain's status. */

#pragma once

#include <adwaita.h>

#include "fd-api-client.h"

G_BEGIN_DECLS

#define FD_TYPE_AUDIT_PAGE (fd_audit_page_get_type ())
G_DECLARE_FINAL_TYPE (FdAuditPage, fd_audit_page, FD, AUDIT_PAGE, GtkWidget)

/* The audit log (manager, auditor): newest first, filtered by actor,
 * action and a date range, paged as the list scrolls; above it the hash
 * chain's status from GET /audit/verify.
 *
 * Signals: ::loaded () after a page of entries arrived;
 *          ::chain-checked () after the chain status arrived. */
FdAuditPage *fd_audit_page_new           (FdApiClient *api);
void         fd_audit_page_refresh       (FdAuditPage *self);
void         fd_audit_page_check_chain   (FdAuditPage *self);
/* Sets the filters (NULL or "" for none; dates as YYYY-MM-DD, local) and
 * reloads. FALSE, with the message shown, when a date is not valid. */
gboolean     fd_audit_page_set_filters   (FdAuditPage *self,
                                          const char  *actor,
                                          const char  *action,
                                          const char  *since,
                                          const char  *until);
GListModel  *fd_audit_page_get_entries   (FdAuditPage *self);
/* Field @member of the n-th entry listed, as the server sent it. */
const char  *fd_audit_page_get_entry_field (FdAuditPage *self,
                                            guint        index,
                                            const char  *member);
/* The chain status line as shown. */
const char  *fd_audit_page_get_chain_status (FdAuditPage *self);
gboolean     fd_audit_page_get_chain_ok  (FdAuditPage *self);

G_END_DECLS
