/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The role-by-field policy every resident and visitor answer goes through. */

#pragma once

#include <json-glib/json-glib.h>

#include "fd-json-writer.h"
#include "fd-role.h"
#include "fd-store.h"

G_BEGIN_DECLS

/* The role × field policy of docs/security.md, in one table. The server
 * builds every resident and visitor answer through it: a field the role
 * may not see is never added, a masked one is added masked. */

typedef enum
{
  FD_SHOW_ABSENT,   /* never sent */
  FD_SHOW_PARTIAL,  /* patrol: surname only, building-unit only; payments: status only */
  FD_SHOW_MASKED,   /* the baseline's masked format */
  FD_SHOW_CLEAR,
} FdShow;

typedef struct
{
  FdShow   show;
  gboolean revealable;      /* may call reveal (with a reason) */
  gboolean needs_password;  /* reveal also re-checks the password */
} FdFieldRule;

const FdFieldRule *fd_policy_rule           (FdRole       role,
                                             FdField      field);
gboolean           fd_role_sees_residents   (FdRole       role);
/* 2–32 of a–z, 0–9, '.', '_', '-', starting with a letter or digit. */
gboolean           fd_username_valid        (const char  *username);
/* Verify is open to roles that see the field masked (not hidden). */
gboolean           fd_policy_may_verify     (FdRole       role,
                                             FdField      field);

/* Writes the resident object for @role. @detail adds the detail fields
 * (id_number, home_address, payments). */
void               fd_policy_write_resident (FdJsonWriter           *writer,
                                             FdRole                  role,
                                             const FdResidentRecord *resident,
                                             gboolean                detail);
/* issue 14: a payments list item, {"id", "name", "room", "payments"},
 * each as @role sees it. */
void               fd_policy_write_payment  (FdJsonWriter           *writer,
                                             FdRole                  role,
                                             const FdResidentRecord *resident);
void               fd_policy_write_visitor  (FdJsonWriter           *writer,
                                             FdRole                  role,
                                             const FdVisitorRecord  *visitor);

/* issue 14: "王*明 · 3-2-1502" for the audit log, masked for @role. */
char              *fd_policy_resident_label (FdRole                  role,
                                             const FdResidentRecord *resident);

G_END_DECLS
