/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SQLite engine: sessions and their unlock failures. */

#include "config.h"

#include "fd-store-sqlite-private.h"

/* sessions */

static gpointer read_session (sqlite3_stmt *stmt);

FdSessionRecord *
fd_sqlite_session_by_token_hash (FdStore *store, const char *token_hash)
{
  sqlite3_stmt *stmt = prep (SELF (store),
                             "SELECT id, token_hash, user_id, created_at, last_seen, expires_at, "
                             "workstation, ip, locked, unlock_failures, end_reason, "
                             "token_hash = ?1, estate_id FROM sessions WHERE token_hash = ?1 "
                             "AND (?2 = 0 OR estate_id = ?2) "
                             "UNION ALL SELECT id, token_hash, user_id, created_at, last_seen, "
                             "expires_at, workstation, ip, locked, unlock_failures, end_reason, 0, "
                             "estate_id FROM sessions WHERE prev_token_hash = ?1 "
                             "AND (?2 = 0 OR estate_id = ?2) LIMIT 1");

  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, token_hash);
  bind_scope (SELF (store), stmt, 2);
  return fetch_one (stmt, read_session);
}

static gpointer
read_session (sqlite3_stmt *stmt)
{
  FdSessionRecord *session;

  session = g_new0 (FdSessionRecord, 1);
  session->id = sqlite3_column_int64 (stmt, 0);
  session->token_hash = col_text (stmt, 1);
  session->user_id = sqlite3_column_int64 (stmt, 2);
  session->created_at = sqlite3_column_int64 (stmt, 3);
  session->last_seen = sqlite3_column_int64 (stmt, 4);
  session->expires_at = sqlite3_column_int64 (stmt, 5);
  session->workstation = col_text (stmt, 6);
  session->ip = col_text (stmt, 7);
  session->locked = sqlite3_column_int (stmt, 8) != 0;
  session->unlock_failures = sqlite3_column_int (stmt, 9);
  session->end_reason = col_text (stmt, 10);
  session->estate_id = sqlite3_column_int64 (stmt, 12);
  if (sqlite3_column_int (stmt, 11) == 0)
    {
      /* an old token of a session whose token was replaced */
      g_free (session->end_reason);
      session->end_reason = g_strdup ("signed-out");
      session->replaced = TRUE;
    }
  return session;
}

gint64
fd_sqlite_session_insert (FdStore *store, const FdSessionRecord *session, GError **error)
{
  FdStoreSqlite *self = SELF (store);
  sqlite3_stmt *stmt = prep (self,
                             "INSERT INTO sessions (token_hash, user_id, created_at, last_seen, "
                             "expires_at, workstation, ip, locked, unlock_failures, end_reason, "
                             "estate_id) VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, NULL, ?)");
  gint64 estate_id;

  /* 0 stays 0 at the company-wide scope: an auditor's or admin's session */
  if (!insert_estate (self, session->estate_id, TRUE, &estate_id, error))
    return 0;
  if (stmt == NULL)
    return set_sqlite_error (self, error, "sessions"), 0;
  bind_text (stmt, 1, session->token_hash);
  sqlite3_bind_int64 (stmt, 2, session->user_id);
  sqlite3_bind_int64 (stmt, 3, session->created_at);
  sqlite3_bind_int64 (stmt, 4, session->last_seen);
  sqlite3_bind_int64 (stmt, 5, session->expires_at);
  bind_text (stmt, 6, session->workstation);
  bind_text (stmt, 7, session->ip);
  sqlite3_bind_int64 (stmt, 8, estate_id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return set_sqlite_error (self, error, "sessions"), 0;
  return sqlite3_last_insert_rowid (self->db);
}

gboolean
fd_sqlite_session_update (FdStore *store, const FdSessionRecord *session, GError **error)
{
  FdStoreSqlite *self = SELF (store);

  /* A replaced token's record is a view of the session: never write it back. */
  if (session->replaced)
    return TRUE;
  sqlite3_stmt *stmt = prep (self,
                             "UPDATE sessions SET prev_token_hash = CASE WHEN token_hash = ?1 "
                             "THEN prev_token_hash ELSE token_hash END, token_hash = ?1, "
                             "last_seen = ?2, expires_at = ?3, locked = ?4, unlock_failures = ?5, "
                             "end_reason = coalesce (end_reason, ?6) WHERE id = ?7 AND "
                             "(token_hash = ?1 OR prev_token_hash IS NOT ?1)");
  if (stmt == NULL)
    return set_sqlite_error (self, error, "sessions");
  bind_text (stmt, 1, session->token_hash);
  sqlite3_bind_int64 (stmt, 2, session->last_seen);
  sqlite3_bind_int64 (stmt, 3, session->expires_at);
  sqlite3_bind_int (stmt, 4, session->locked);
  sqlite3_bind_int (stmt, 5, session->unlock_failures);
  bind_text (stmt, 6, session->end_reason);
  sqlite3_bind_int64 (stmt, 7, session->id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return set_sqlite_error (self, error, "sessions");
  return TRUE;
}

guint
fd_sqlite_sessions_end_for_user (FdStore *store, gint64 user_id, gint64 keep_id,
                                 const char *reason, gint64 now)
{
  FdStoreSqlite *self = SELF (store);
  sqlite3_stmt *stmt = prep (self,
                             "UPDATE sessions SET end_reason = ?, last_seen = ? "
                             "WHERE user_id = ? AND end_reason IS NULL AND id != ?");
  if (stmt == NULL)
    return 0;
  bind_text (stmt, 1, reason);
  sqlite3_bind_int64 (stmt, 2, now);
  sqlite3_bind_int64 (stmt, 3, user_id);
  sqlite3_bind_int64 (stmt, 4, keep_id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return 0;
  return sqlite3_changes (self->db);
}

guint
fd_sqlite_session_unlock_reserve (FdStore *store, gint64 session_id, guint max_failures)
{
  sqlite3_stmt *stmt = prep (SELF (store),
                             "UPDATE sessions SET unlock_failures = unlock_failures + 1 "
                             "WHERE id = ? AND end_reason IS NULL AND unlock_failures < ? "
                             "RETURNING unlock_failures");
  guint count = 0;

  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, session_id);
  sqlite3_bind_int64 (stmt, 2, max_failures);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    count = (guint) sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return count;
}

