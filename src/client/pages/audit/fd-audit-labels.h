/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the audit page shows for an entry's codes: actions, reasons, fields, roles, records. */

#pragma once

#include <glib.h>

#include "fd-record.h"

G_BEGIN_DECLS

/* What the audit page shows for the codes of an entry (issue 14): actions,
 * reasons, fields and roles translated, the command line and unknown
 * actors named, and the record as its masked label from the server
 * ("target_label", as the reader's role sees the resident) or what kind
 * of record it is. A code this app does not know is shown as it is. */
const char *fd_audit_action_label (const char         *action);
const char *fd_audit_reason_label (const char         *reason);
const char *fd_audit_field_label  (const char         *field);
const char *fd_audit_role_label   (const char         *role);
/* "reception (Reception)", "Command line (Administrator)" */
char       *fd_audit_who          (const FdAuditEntry *entry);
/* "王*明 · 3-2-1502 · Mobile", "Visitor 12", "Incident switch" */
char       *fd_audit_what         (const FdAuditEntry *entry);
/* "Verify identity: …", "No match" */
char       *fd_audit_why          (const FdAuditEntry *entry);

G_END_DECLS
