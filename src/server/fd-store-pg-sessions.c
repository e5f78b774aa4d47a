/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PostgreSQL engine: sessions and their unlock failures. */

#include "config.h"

#include "fd-store-pg-private.h"

/* Sessions live in the database, so that any server process over it
 * knows every session; each read and write filters on the scope. A
 * company-wide session has estate_id 0. */

#define SESSION_COLUMNS \
  "id, token_hash, user_id, created_at, last_seen, expires_at, workstation, ip, locked, " \
  "unlock_failures, end_reason, estate_id"

FdSessionRecord *
fd_pg_session_by_token_hash (FdStore *store, const char *token_hash)
{
  FdPgArgs a = { 0 };
  FdSessionRecord *s = NULL;
  PGresult *res;

  fd_pg_arg_text (&a, token_hash);
  fd_pg_arg_int (&a, SCOPE (SELF (store)));
  /* with the rows the request reads next (fd-store-pg-ahead.c) */
  res = fd_pg_query (SELF (store),
                     "SELECT s.*, " FD_PG_AHEAD_COLUMNS " FROM ("
                     "SELECT " SESSION_COLUMNS ", true AS current FROM sessions WHERE "
                     "token_hash = $1 AND ($2::bigint = 0 OR estate_id = $2::bigint) UNION ALL "
                     "SELECT " SESSION_COLUMNS ", false FROM sessions WHERE prev_token_hash = $1 "
                     "AND ($2::bigint = 0 OR estate_id = $2::bigint) LIMIT 1) AS s "
                     "LEFT JOIN users u ON u.id = s.user_id", &a, NULL);
  if (res != NULL && PQntuples (res) == 1)
    {
      s = g_new0 (FdSessionRecord, 1);
      s->id = fd_pg_int (res, 0, 0);
      s->token_hash = fd_pg_text (res, 0, 1);
      s->user_id = fd_pg_int (res, 0, 2);
      s->created_at = fd_pg_int (res, 0, 3);
      s->last_seen = fd_pg_int (res, 0, 4);
      s->expires_at = fd_pg_int (res, 0, 5);
      s->workstation = fd_pg_text (res, 0, 6);
      s->ip = fd_pg_text (res, 0, 7);
      s->locked = fd_pg_bool (res, 0, 8);
      s->unlock_failures = (gint) fd_pg_int (res, 0, 9);
      s->end_reason = fd_pg_text (res, 0, 10);
      s->estate_id = fd_pg_int (res, 0, 11);
      if (!fd_pg_bool (res, 0, 12))
        {
          /* an old token of a session whose token was replaced */
          g_free (s->end_reason);
          s->end_reason = g_strdup ("signed-out");
          s->replaced = TRUE;
        }
      fd_pg_ahead_keep (SELF (store), res, 13, s->user_id);
    }
  g_clear_pointer (&res, PQclear);
  return s;
}

gint64
fd_pg_session_insert (FdStore *store, const FdSessionRecord *session, GError **error)
{
  FdStorePg *self = SELF (store);
  FdPgArgs a = { 0 };
  PGresult *res;
  gint64 id = 0;

  if (SCOPE (self) != FD_ESTATE_ALL && session->estate_id != SCOPE (self))
    {
      g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL, "A session of another estate");
      return 0;
    }
  fd_pg_arg_int (&a, session->estate_id);
  fd_pg_arg_text (&a, session->token_hash);
  fd_pg_arg_int (&a, session->user_id);
  fd_pg_arg_int (&a, session->created_at);
  fd_pg_arg_int (&a, session->last_seen);
  fd_pg_arg_int (&a, session->expires_at);
  fd_pg_arg_text (&a, session->workstation);
  fd_pg_arg_text (&a, session->ip);
  res = fd_pg_query (self,
                     "INSERT INTO sessions (estate_id, token_hash, user_id, created_at, "
                     "last_seen, expires_at, workstation, ip) "
                     "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id", &a, error);
  if (res != NULL && PQntuples (res) == 1)
    id = fd_pg_int (res, 0, 0);
  g_clear_pointer (&res, PQclear);
  return id;
}

gboolean
fd_pg_session_update (FdStore *store, const FdSessionRecord *session, GError **error)
{
  FdPgArgs a = { 0 };

  /* A replaced token's record is a view of the session: never write it back. */
  if (session->replaced)
    return TRUE;
  fd_pg_arg_text (&a, session->token_hash);
  fd_pg_arg_int (&a, session->last_seen);
  fd_pg_arg_int (&a, session->expires_at);
  fd_pg_arg_text (&a, session->locked ? "t" : "f");
  fd_pg_arg_int (&a, session->unlock_failures);
  fd_pg_arg_text (&a, session->end_reason);
  fd_pg_arg_int (&a, session->id);
  fd_pg_arg_int (&a, SCOPE (SELF (store)));
  return fd_pg_query_ok (SELF (store),
                         "UPDATE sessions SET prev_token_hash = CASE WHEN token_hash = $1 "
                         "THEN prev_token_hash ELSE token_hash END, token_hash = $1, "
                         "last_seen = $2, expires_at = $3, locked = $4, unlock_failures = $5, "
                         "end_reason = coalesce (end_reason, $6) WHERE id = $7 AND "
                         "(token_hash = $1 OR prev_token_hash IS DISTINCT FROM $1) AND "
                         "($8::bigint = 0 OR estate_id = $8::bigint)",
                         &a, error);
}

guint
fd_pg_sessions_end_for_user (FdStore *store, gint64 user_id, gint64 keep_id,
                             const char *reason, gint64 now)
{
  FdPgArgs a = { 0 };

  fd_pg_arg_text (&a, reason);
  fd_pg_arg_int (&a, now);
  fd_pg_arg_int (&a, user_id);
  fd_pg_arg_int (&a, SCOPE (SELF (store)));
  fd_pg_arg_int (&a, keep_id);
  return fd_pg_changes (fd_pg_query (SELF (store),
                                     "UPDATE sessions SET end_reason = $1, last_seen = $2 "
                                     "WHERE user_id = $3 AND end_reason IS NULL AND "
                                     "($4::bigint = 0 OR estate_id = $4::bigint) AND id != $5",
                                     &a, NULL));
}

/* One statement: the row lock PostgreSQL takes for the UPDATE serialises
 * two servers' attempts on the same session. */
guint
fd_pg_session_unlock_reserve (FdStore *store, gint64 session_id, guint max_failures)
{
  FdPgArgs a = { 0 };
  PGresult *res;
  guint count = 0;

  fd_pg_arg_int (&a, session_id);
  fd_pg_arg_int (&a, max_failures);
  fd_pg_arg_int (&a, SCOPE (SELF (store)));
  res = fd_pg_query (SELF (store),
                     "UPDATE sessions SET unlock_failures = unlock_failures + 1 "
                     "WHERE id = $1 AND end_reason IS NULL AND unlock_failures < $2 AND "
                     "($3::bigint = 0 OR estate_id = $3::bigint) RETURNING unlock_failures",
                     &a, NULL);
  if (res != NULL && PQntuples (res) == 1)
    count = (guint) fd_pg_int (res, 0, 0);
  g_clear_pointer (&res, PQclear);
  return count;
}
