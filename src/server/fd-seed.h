/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The demo office: role accounts and synthetic residents. */

#pragma once

#include "fd-store.h"

G_BEGIN_DECLS

/* Demo office: the six role accounts (all with @password) and @n
 * synthetic residents, deterministic for @seed. Does nothing to parts
 * that already exist (a second start reuses the data). */
gboolean fd_seed_demo       (FdStore     *store,
                             guint        n_residents,
                             guint64      seed,
                             const char  *password,
                             GError     **error);

/* The same with @n_estates estates "e1"…"eN" (0: the one estate, kept
 * as it is), the residents spread over them, and besides the six
 * accounts (the four estate roles in e1) reception-eK, patrol-eK,
 * finance-eK and manager-eK for each estate K (issue 11). */
gboolean fd_seed_demo_estates (FdStore     *store,
                               guint        n_residents,
                               guint        n_estates,
                               guint64      seed,
                               const char  *password,
                               GError     **error);
/* Checks an account to add: its name, its role and the estates it is
 * granted (codes, NULL: none named; fd_estates_for_role()), into @ids. */
gboolean fd_seed_check_user   (FdStore            *store,
                               const char         *username,
                               const char         *role,
                               const char * const *estates,
                               GArray            **ids,
                               GError            **error);
/* fd_seed_add_user() with the estates named (NULL: none named). */
gboolean fd_seed_add_user_estates (FdStore            *store,
                                   const char         *username,
                                   const char         *display_name,
                                   const char         *role,
                                   const char         *password,
                                   const char * const *estates,
                                   GError            **error);
/* Adds one account (its estate: the office's only one, for the estate
 * roles); appends an account-change entry for @actor. */
gboolean fd_seed_add_user   (FdStore     *store,
                             const char  *username,
                             const char  *display_name,
                             const char  *role,
                             const char  *password,
                             const char  *actor,
                             GError     **error);

/* Appends an audit entry on behalf of a command-line actor. */
gboolean fd_seed_audit_cli  (FdStore     *store,
                             const char  *action,
                             const char  *target,
                             const char  *detail,
                             GError     **error);

G_END_DECLS
