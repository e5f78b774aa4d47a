/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The cache of authenticated sessions (issue 13): see fd-auth-cache.h. */

#include "config.h"

#include <string.h>

#include "fd-auth-cache.h"
#include "fd-field.h"

struct _FdAuthCache
{
  FdStore    *store;
  guint64     generation;   /* of every entry; 0 = none yet */
  GHashTable *entries;      /* token hash → Entry */
};

typedef struct
{
  FdSessionRecord *session;
  FdUserRecord    *user;
} Entry;

static FdSessionRecord *
session_copy (const FdSessionRecord *s)
{
  FdSessionRecord *copy = g_memdup2 (s, sizeof *s);

  copy->token_hash = g_strdup (s->token_hash);
  copy->workstation = g_strdup (s->workstation);
  copy->ip = g_strdup (s->ip);
  copy->end_reason = g_strdup (s->end_reason);
  return copy;
}

static FdUserRecord *
user_copy (const FdUserRecord *u)
{
  FdUserRecord *copy = g_memdup2 (u, sizeof *u);

  copy->username = g_strdup (u->username);
  copy->display_name = g_strdup (u->display_name);
  copy->role = g_strdup (u->role);
  copy->password_hash = g_strdup (u->password_hash);
  return copy;
}

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  fd_session_record_free (entry->session);
  fd_user_record_free (entry->user);   /* wipes the password hash */
  g_free (entry);
}

FdAuthCache *
fd_auth_cache_new (FdStore *store)
{
  FdAuthCache *cache;

  if (store->backend->auth_generation == NULL)
    return NULL;
  cache = g_new0 (FdAuthCache, 1);
  cache->store = store;
  cache->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, entry_free);
  return cache;
}

void
fd_auth_cache_free (FdAuthCache *cache)
{
  if (cache == NULL)
    return;
  g_hash_table_unref (cache->entries);
  g_free (cache);
}

gboolean
fd_auth_cache_revalidate (FdAuthCache *cache)
{
  guint64 generation;

  if (cache == NULL)
    return FALSE;
  generation = FD_STORE_CALL0 (cache->store, auth_generation);
  if (generation != cache->generation)
    {
      g_hash_table_remove_all (cache->entries);
      cache->generation = generation;
    }
  return generation != 0;
}

gboolean
fd_auth_cache_get (FdAuthCache      *cache,
                   const char       *token_hash,
                   FdSessionRecord **session,
                   FdUserRecord    **user)
{
  Entry *entry = cache != NULL ? g_hash_table_lookup (cache->entries, token_hash) : NULL;

  if (entry == NULL)
    return FALSE;
  *session = session_copy (entry->session);
  *user = user_copy (entry->user);
  return TRUE;
}

void
fd_auth_cache_put (FdAuthCache           *cache,
                   const char            *token_hash,
                   const FdSessionRecord *session,
                   const FdUserRecord    *user)
{
  Entry *entry;

  if (cache == NULL || cache->generation == 0)
    return;
  if (g_hash_table_size (cache->entries) >= FD_AUTH_CACHE_MAX)
    g_hash_table_remove_all (cache->entries);
  entry = g_new0 (Entry, 1);
  entry->session = session_copy (session);
  entry->user = user_copy (user);
  g_hash_table_replace (cache->entries, g_strdup (token_hash), entry);
}

void
fd_auth_cache_forget (FdAuthCache *cache,
                      const char  *token_hash)
{
  if (cache != NULL)
    g_hash_table_remove (cache->entries, token_hash);
}
