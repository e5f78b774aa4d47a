/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SQLite engine: per-user limits, listed residents and sign-in failures. */

#include "config.h"

#include <string.h>

#include "fd-store-engine.h"
#include "fd-store-sqlite-private.h"

/* limits (issue 9): each call is one transaction of its own, or part of
 * the caller's open one; either way BEGIN IMMEDIATE holds the database's
 * write lock from the count to the insert, so no other request (or
 * process) can count in between. */

static gboolean
limits_begin (FdStoreSqlite  *self,
              gboolean       *own_tx,
              GError        **error)
{
  *own_tx = sqlite3_get_autocommit (self->db);
  return !*own_tx || step_once (self, "BEGIN IMMEDIATE", error);
}

static gboolean
limits_end (FdStoreSqlite  *self,
            gboolean        own_tx,
            gboolean        ok,
            GError        **error)
{
  if (!ok)
    {
      set_sqlite_error (self, error, "limits");
      if (own_tx)
        exec (self, "ROLLBACK", NULL);
      return FALSE;
    }
  if (own_tx && !step_once (self, "COMMIT", error))
    {
      exec (self, "ROLLBACK", NULL);
      return FALSE;
    }
  return TRUE;
}

/* Steps @stmt (may be NULL) to completion, then resets it. */
static gboolean
step_done (sqlite3_stmt *stmt)
{
  int rc = stmt != NULL ? sqlite3_step (stmt) : SQLITE_ERROR;

  if (stmt != NULL)
    sqlite3_reset (stmt);
  return rc == SQLITE_DONE;
}

/* The first column of a one-row count query; G_MAXUINT on error. */
static guint
step_count (sqlite3_stmt *stmt)
{
  guint n = G_MAXUINT;

  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int (stmt, 0);
  if (stmt != NULL)
    sqlite3_reset (stmt);
  return n;
}

/* Prepares @sql and binds ?1 a user id, ?2 @kind (unless NULL), ?3 a time. */
static sqlite3_stmt *
prep_limit (FdStoreSqlite *self,
            const char    *sql,
            gint64         user_id,
            const char    *kind,
            gint64         at)
{
  sqlite3_stmt *stmt = prep (self, sql);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, user_id);
  if (kind != NULL)
    bind_text (stmt, 2, kind);
  sqlite3_bind_int64 (stmt, 3, at);
  return stmt;
}

#define LIMIT_COUNT_SQL \
  "SELECT count(*) FROM limit_events WHERE user_id = ?1 AND kind = ?2 AND at >= ?3"

gboolean
fd_sqlite_limit_take (FdStore *store, gint64 user_id, const char *kind, gint64 since, gint64 now,
                      guint max, guint *count, GError **error)
{
  FdStoreSqlite *self = SELF (store);
  gboolean own_tx, ok, granted = FALSE;
  guint n = G_MAXUINT;

  *count = 0;
  if (!limits_begin (self, &own_tx, error))
    return FALSE;

  /* What no window looks at any more goes first. */
  ok = step_done (prep_limit (self, "DELETE FROM limit_events "
                                    "WHERE user_id = ?1 AND kind = ?2 AND at < ?3",
                              user_id, kind, since));
  if (ok)
    ok = (n = step_count (prep_limit (self, LIMIT_COUNT_SQL, user_id, kind, since))) != G_MAXUINT;
  if (ok && n < max)
    {
      ok = granted = step_done (prep_limit (self, "INSERT INTO limit_events (user_id, kind, at) "
                                                  "VALUES (?1, ?2, ?3)", user_id, kind, now));
      n++;
    }
  if (!limits_end (self, own_tx, ok, error))
    return FALSE;
  *count = n;
  return granted;
}

guint
fd_sqlite_limit_count (FdStore *store, gint64 user_id, const char *kind, gint64 since)
{
  return step_count (prep_limit (SELF (store), LIMIT_COUNT_SQL, user_id, kind, since));
}

/* Writes only for residents not yet in the window: a page of people
 * listed again (a search narrowed as one types) costs index probes only,
 * and the number comes from listed_counts, not from counting rows. */
/* @ids as a JSON array, for one statement over json_each() rather than
 * one a row (issue 13). */
GString *
fd_sqlite_ids_json (const gint64 *ids,
                    guint         n_ids)
{
  GString *list = g_string_sized_new (n_ids * 21 + 2);

  g_string_append_c (list, '[');
  for (guint i = 0; i < n_ids; i++)
    {
      char digits[24], *p = digits + sizeof digits;
      guint64 v = ids[i] < 0 ? 0 : (guint64) ids[i];   /* ids are positive */

      do
        *--p = (char) ('0' + v % 10);
      while ((v /= 10) > 0);
      if (i > 0)
        g_string_append_c (list, ',');
      g_string_append_len (list, p, digits + sizeof digits - p);
    }
  g_string_append_c (list, ']');
  return list;
}

gboolean
fd_sqlite_listed_note (FdStore *store, gint64 user_id, const gint64 *ids, guint n_ids, gint64 since,
                       gint64 now, guint *count, GError **error)
{
  FdStoreSqlite *self = SELF (store);
  sqlite3_stmt *stmt;
  gboolean own_tx, ok;
  gint64 delta = 0;
  guint n = G_MAXUINT;

  *count = 0;
  if (!limits_begin (self, &own_tx, error))
    return FALSE;

  ok = step_done (prep_limit (self, "DELETE FROM listed_residents WHERE user_id = ?1 AND at < ?3",
                              user_id, NULL, since));
  delta -= ok ? sqlite3_changes (self->db) : 0;
  /* One statement for the page (issue 13): the ids as a JSON array,
   * not a statement a resident. */
  if (ok && n_ids > 0)
    {
      GString *list = fd_sqlite_ids_json (ids, n_ids);

      stmt = prep_limit (self, "INSERT OR IGNORE INTO listed_residents (user_id, resident_id, at) "
                               "SELECT ?1, value, ?3 FROM json_each (?2)", user_id, NULL, now);
      if (stmt != NULL)
        sqlite3_bind_text (stmt, 2, list->str, (int) list->len, SQLITE_TRANSIENT);
      ok = step_done (stmt);
      delta += ok ? sqlite3_changes (self->db) : 0;
      g_string_free (list, TRUE);
    }
  if (ok)
    ok = (n = step_count (prep_limit (self, "INSERT INTO listed_counts (user_id, n) VALUES (?1, ?3) "
                                            "ON CONFLICT (user_id) DO UPDATE SET n = n + ?3 "
                                            "RETURNING n", user_id, NULL, delta))) != G_MAXUINT;
  if (!limits_end (self, own_tx, ok, error))
    return FALSE;
  *count = n;
  return TRUE;
}

/* sign-in failures (issue 9) */

static char *
login_name_mac (FdStore    *store,
                const char *username)
{
  return fd_engine_login_name_mac (store->keys, username);
}

FdLoginAttempt
fd_sqlite_login_attempt_reserve (FdStore *store, const char *username, gint64 now,
                                 guint max_failures, gint64 lock_usec, gint64 forget_before,
                                 gint64 *locked_until, GError **error)
{
  FdStoreSqlite *self = SELF (store);
  g_autofree char *mac = login_name_mac (store, username);
  sqlite3_stmt *stmt;
  gint64 failures = 0, until = 0;
  FdLoginAttempt result;
  int rc;

  /* One savepoint: the read and the write are one step, whoever else
   * writes the database. */
  if (!step_once (self, "SAVEPOINT login_attempt", error))
    return FD_LOGIN_ATTEMPT_ERROR;
  stmt = prep (self, "DELETE FROM login_failures WHERE last_at < ? AND locked_until <= ?");
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, forget_before);
  sqlite3_bind_int64 (stmt, 2, now);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    goto failed;
  sqlite3_reset (stmt);

  stmt = prep (self, "SELECT failures, locked_until FROM login_failures WHERE name_mac = ?");
  if (stmt == NULL)
    goto failed;
  bind_text (stmt, 1, mac);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      failures = sqlite3_column_int64 (stmt, 0);
      until = sqlite3_column_int64 (stmt, 1);
    }
  else if (rc != SQLITE_DONE)
    goto failed;
  sqlite3_reset (stmt);

  result = fd_engine_login_attempt (&failures, &until, now, max_failures, lock_usec,
                                    locked_until);
  if (result != FD_LOGIN_ATTEMPT_LOCKED)
    {
      stmt = prep (self, "INSERT INTO login_failures (name_mac, failures, locked_until, last_at) "
                         "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (name_mac) DO UPDATE SET "
                         "failures = ?2, locked_until = ?3, last_at = ?4");
      if (stmt == NULL)
        goto failed;
      bind_text (stmt, 1, mac);
      sqlite3_bind_int64 (stmt, 2, failures);
      sqlite3_bind_int64 (stmt, 3, until);
      sqlite3_bind_int64 (stmt, 4, now);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        goto failed;
      sqlite3_reset (stmt);
    }
  if (!step_once (self, "RELEASE login_attempt", error))
    return FD_LOGIN_ATTEMPT_ERROR;
  return result;

failed:
  set_sqlite_error (self, error, "login_failures");
  /* a statement left mid-step would keep the savepoint open */
  if (stmt != NULL)
    sqlite3_reset (stmt);
  exec (self, "ROLLBACK TO login_attempt; RELEASE login_attempt", NULL);
  return FD_LOGIN_ATTEMPT_ERROR;
}

gboolean
fd_sqlite_login_attempt_clear (FdStore *store, const char *username, GError **error)
{
  FdStoreSqlite *self = SELF (store);
  g_autofree char *mac = login_name_mac (store, username);
  sqlite3_stmt *stmt = prep (self, "DELETE FROM login_failures WHERE name_mac = ?");

  if (stmt == NULL)
    return set_sqlite_error (self, error, "login_failures");
  bind_text (stmt, 1, mac);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return set_sqlite_error (self, error, "login_failures");
  return TRUE;
}

