/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "fd-store.h"

G_BEGIN_DECLS

/* A cache of authenticated sessions (issue 13): the session and account
 * records of recently authenticated tokens, keyed by the token's hash,
 * so that a request of a live session costs no store look-up.
 *
 * It is correct only as long as it is revalidated at every request:
 * fd_auth_cache_revalidate() reads the store's auth generation
 * (fd-store.h, auth_generation) — which moves at once when this server
 * changes a session or an account and when any other process commits to
 * the database — and forgets every entry when it moved. A session ended,
 * locked, signed out or replaced, or an account disabled, locked or
 * changed, is therefore never served from the cache after the change.
 * The caller still checks what depends on the time (expiry, idle time,
 * a lock that runs out) on the cached records at every request, and only
 * caches live, unlocked sessions of enabled, unlocked accounts.
 *
 * Bounded: at most FD_AUTH_CACHE_MAX entries; when full, it starts over.
 * Records hold the account's password hash (the unlock and reveal steps
 * need it): it is wiped when an entry goes. Main context only. */
#define FD_AUTH_CACHE_MAX 1024

typedef struct _FdAuthCache FdAuthCache;

/* NULL when @store's engine has no auth generation (nothing is cached);
 * every function below accepts a NULL cache. */
FdAuthCache *fd_auth_cache_new        (FdStore                *store);
void         fd_auth_cache_free       (FdAuthCache            *cache);

/* Reads the generation and forgets every entry if it moved. FALSE when
 * nothing may be read from or put into the cache now. */
gboolean     fd_auth_cache_revalidate (FdAuthCache            *cache);

/* After fd_auth_cache_revalidate() returned TRUE: copies of the records
 * cached for @token_hash (the caller owns them), or FALSE. */
gboolean     fd_auth_cache_get        (FdAuthCache            *cache,
                                       const char             *token_hash,
                                       FdSessionRecord       **session,
                                       FdUserRecord          **user);
/* After fd_auth_cache_revalidate() returned TRUE, with no write to the
 * store since: caches copies of @session and @user for @token_hash. */
void         fd_auth_cache_put        (FdAuthCache            *cache,
                                       const char             *token_hash,
                                       const FdSessionRecord  *session,
                                       const FdUserRecord     *user);
void         fd_auth_cache_forget     (FdAuthCache            *cache,
                                       const char             *token_hash);

G_END_DECLS
