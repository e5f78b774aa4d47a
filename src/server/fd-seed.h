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

/* Adds one account; appends an account-change entry for @actor. */
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
