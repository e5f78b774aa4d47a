/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "fd-store.h"

G_BEGIN_DECLS

/* The rules of account administration, one copy for the command line
 * (`frontdesk-server user …`) and the API (/users): what may change, what
 * a change does to the account's sign-in failures and sessions. Callers
 * write their own audit entry with the summary fd_account_apply() returns. */

typedef struct
{
  const char *role;            /* NULL: unchanged */
  const char *display_name;    /* NULL: unchanged */
  int         disabled;        /* -1 unchanged, 0 enable, 1 disable */
  gboolean    unlock;          /* lift a timed or anomaly lock */
  const char *password_hash;   /* NULL: unchanged (a reset otherwise) */
} FdAccountChange;

#define FD_ACCOUNT_CHANGE_INIT { NULL, NULL, -1, FALSE, NULL }

/* Why fd_account_check() refused (the "reason" of a 403). */
#define FD_ACCOUNT_REFUSED_SELF       "self"
#define FD_ACCOUNT_REFUSED_LAST_ADMIN "last-admin"

/* Checks @change to @user, made by the account @actor_id (0: the command
 * line). Refuses an unknown role (FD_ERROR_BAD_REQUEST); an administrator
 * disabling or demoting their own account, and disabling or demoting the
 * last active administrator (FD_ERROR_FORBIDDEN, with *@reason set to
 * FD_ACCOUNT_REFUSED_*). */
gboolean  fd_account_check (FdStore               *store,
                            gint64                 actor_id,
                            const FdUserRecord    *user,
                            const FdAccountChange *change,
                            const char           **reason,
                            GError               **error);

/* Applies @change to @user (and the store): a lifted lock, an enable and
 * a new password also forget the name's failed sign-ins; a role change, a
 * disable and a password reset end every session of the account at once
 * (reasons "role-changed", "disabled", "signed-out"). Returns what changed
 * for the audit log ("role reception -> patrol; disabled; "; "" when
 * nothing did), or NULL with @error set. Never names the password. */
char     *fd_account_apply (FdStore               *store,
                            FdUserRecord          *user,
                            const FdAccountChange *change,
                            gint64                 now,
                            GError               **error);

/* A one-time password for a reset or a new account: 16 characters of an
 * alphabet without look-alikes (0/O, 1/l/I), in groups of four joined by
 * '-' (about 80 bits). Wipe it with fd_secret_free(). */
char     *fd_account_generate_password (void);

/* TRUE while @user is locked (a timed lock, or one an admin must lift). */
gboolean  fd_account_is_locked (const FdUserRecord *user,
                                gint64              now);

G_END_DECLS
