/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SQLite engine: the hash-chained audit log and its keyed head anchor. */

#include "config.h"

#include <string.h>

#include "fd-error.h"
#include "fd-store-engine.h"
#include "fd-store-sqlite-private.h"

/* audit */

#define AUDIT_COLUMNS \
  "seq, at, actor, actor_id, role, session_hash, workstation, ip, action, target, field, " \
  "reason_code, reason_text, outcome, prev_hash, hash, estate_id"

static void
audit_from_row (sqlite3_stmt *stmt,
                FdAuditEntry *e)
{
  e->seq = sqlite3_column_int64 (stmt, 0);
  e->at = col_text (stmt, 1);
  e->actor = col_text (stmt, 2);
  e->actor_id = sqlite3_column_int64 (stmt, 3);
  e->role = col_text (stmt, 4);
  e->session_hash = col_text (stmt, 5);
  e->workstation = col_text (stmt, 6);
  e->ip = col_text (stmt, 7);
  e->action = col_text (stmt, 8);
  e->target = col_text (stmt, 9);
  e->field = col_text (stmt, 10);
  e->reason_code = col_text (stmt, 11);
  e->reason_text = col_text (stmt, 12);
  e->outcome = col_text (stmt, 13);
  e->prev_hash = col_text (stmt, 14);
  e->hash = col_text (stmt, 15);
  e->estate_id = sqlite3_column_int64 (stmt, 16);
}

#define GENESIS_HASH "0000000000000000000000000000000000000000000000000000000000000000"

/* The chain's head, sealed with the index key: "SEQ:HASH:MAC". A forger
 * with write access to the database but not the key file can rebuild an
 * unkeyed chain after deleting or appending rows, but cannot move this
 * anchor to match. */
static char *
audit_anchor_mac (FdKeys     *keys,
                  gint64      seq,
                  const char *hash)
{
  return fd_engine_audit_anchor_mac (keys, seq, hash);
}

gboolean
fd_sqlite_write_audit_anchor (FdStoreSqlite  *self,
                              gint64          seq,
                              const char     *hash,
                              GError        **error)
{
  g_autofree char *mac = audit_anchor_mac (self->parent.keys, seq, hash);
  g_autofree char *value = g_strdup_printf ("%" G_GINT64_FORMAT ":%s:%s", seq, hash, mac);

  return fd_sqlite_set_setting (&self->parent, "audit.head", value, error);
}

gboolean
fd_sqlite_write_pending_anchor (FdStoreSqlite  *self,
                                GError        **error)
{
  gboolean ok;

  if (self->pending_anchor_hash == NULL)
    return TRUE;
  ok = fd_sqlite_write_audit_anchor (self, self->pending_anchor_seq, self->pending_anchor_hash,
                                     error);
  self->pending_anchor_seq = 0;
  g_clear_pointer (&self->pending_anchor_hash, g_free);
  return ok;
}

/* Checks the anchor against the chain's last entry. Returns 0 when they
 * agree, else the first seq that cannot be trusted. */
static gint64
check_audit_anchor (FdKeys     *keys,
                    const char *anchor,
                    gint64      last_seq,
                    const char *last_hash)
{
  g_auto(GStrv) parts = NULL;
  g_autofree char *mac = NULL;
  guint64 seq;

  if (anchor == NULL)
    return last_seq > 0 ? 1 : 0;
  parts = g_strsplit (anchor, ":", 3);
  if (g_strv_length (parts) != 3 || !g_ascii_string_to_unsigned (parts[0], 10, 0, G_MAXINT64, &seq, NULL))
    return 1;
  mac = audit_anchor_mac (keys, seq, parts[1]);
  if (!fd_const_time_equal (mac, parts[2]))
    return 1;
  if ((gint64) seq > last_seq)
    return last_seq + 1;        /* rows were cut off the end */
  if ((gint64) seq < last_seq)
    return seq + 1;             /* rows were added behind the server's back */
  return g_strcmp0 (parts[1], last_hash) == 0 ? 0 : last_seq;
}

gboolean
fd_sqlite_audit_append (FdStore *store, FdAuditEntry *entry, GError **error)
{
  FdStoreSqlite *self = SELF (store);
  sqlite3_stmt *stmt;
  gboolean own_tx = sqlite3_get_autocommit (self->db);

  /* the entry's estate, else the request's; 0 = company-wide (issue 11) */
  if (!insert_estate (self, entry->estate_id, TRUE, &entry->estate_id, error))
    return FALSE;
  if (own_tx && !step_once (self, "BEGIN IMMEDIATE", error))
    return FALSE;

  stmt = prep (self, "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
  if (stmt == NULL)
    goto fail;
  g_clear_pointer (&entry->prev_hash, g_free);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      entry->seq = sqlite3_column_int64 (stmt, 0) + 1;
      entry->prev_hash = col_text (stmt, 1);
    }
  else
    {
      entry->seq = 1;
      entry->prev_hash = g_strdup (GENESIS_HASH);
    }
  sqlite3_reset (stmt);

  g_clear_pointer (&entry->hash, g_free);
  entry->hash = fd_audit_entry_compute_hash (entry);

  stmt = prep (self, "INSERT INTO audit_log (" AUDIT_COLUMNS ") "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, entry->seq);
  bind_text (stmt, 2, entry->at);
  bind_text (stmt, 3, entry->actor);
  sqlite3_bind_int64 (stmt, 4, entry->actor_id);
  bind_text (stmt, 5, entry->role);
  bind_text (stmt, 6, entry->session_hash);
  bind_text (stmt, 7, entry->workstation);
  bind_text (stmt, 8, entry->ip);
  bind_text (stmt, 9, entry->action);
  bind_text (stmt, 10, entry->target);
  bind_text (stmt, 11, entry->field);
  bind_text (stmt, 12, entry->reason_code);
  bind_text (stmt, 13, entry->reason_text);
  bind_text (stmt, 14, entry->outcome);
  bind_text (stmt, 15, entry->prev_hash);
  bind_text (stmt, 16, entry->hash);
  sqlite3_bind_int64 (stmt, 17, entry->estate_id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    goto fail;
  sqlite3_reset (stmt);
  /* The head is anchored once per transaction, at commit. */
  self->pending_anchor_seq = entry->seq;
  g_free (self->pending_anchor_hash);
  self->pending_anchor_hash = g_strdup (entry->hash);

  if (own_tx && (!fd_sqlite_write_pending_anchor (self, error) ||
                 !step_once (self, "COMMIT", error)))
    {
      exec (self, "ROLLBACK", NULL);
      return FALSE;
    }
  return TRUE;

fail:
  set_sqlite_error (self, error, "audit log");
  if (own_tx)
    exec (self, "ROLLBACK", NULL);
  return FALSE;
}

GPtrArray *
fd_sqlite_audit_list (FdStore *store, const FdAuditQuery *q)
{
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_audit_entry_free);
  sqlite3_stmt *stmt;

  /* one estate's entries read the (estate_id, seq) index (issue 11) */
  if (store->scope != FD_ESTATE_ALL)
    stmt = prep (SELF (store),
                 "SELECT " AUDIT_COLUMNS " FROM audit_log WHERE estate_id = ?7 AND "
                 "(?1 IS NULL OR at >= ?1) AND (?2 IS NULL OR at < ?2) AND "
                 "(?3 IS NULL OR actor = ?3) AND (?4 IS NULL OR action = ?4) AND "
                 "(?5 = 0 OR seq < ?5) ORDER BY seq DESC LIMIT ?6");
  else
    stmt = prep (SELF (store),
                 "SELECT " AUDIT_COLUMNS " FROM audit_log WHERE "
                 "(?1 IS NULL OR at >= ?1) AND (?2 IS NULL OR at < ?2) AND "
                 "(?3 IS NULL OR actor = ?3) AND (?4 IS NULL OR action = ?4) AND "
                 "(?5 = 0 OR seq < ?5) ORDER BY seq DESC LIMIT ?6");
  if (stmt == NULL)
    return items;
  if (store->scope != FD_ESTATE_ALL)
    sqlite3_bind_int64 (stmt, 7, store->scope);
  bind_text (stmt, 1, q->since);
  bind_text (stmt, 2, q->until);
  bind_text (stmt, 3, q->actor);
  bind_text (stmt, 4, q->action);
  sqlite3_bind_int64 (stmt, 5, q->before_seq);
  sqlite3_bind_int (stmt, 6, q->limit);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      FdAuditEntry *e = g_new0 (FdAuditEntry, 1);
      audit_from_row (stmt, e);
      g_ptr_array_add (items, e);
    }
  return items;
}

guint
fd_sqlite_audit_count (FdStore *store, gint64 actor_id, const char *action, const char *outcome,
                       const char *target, const char *since, gboolean distinct_targets)
{
  sqlite3_stmt *stmt;

  if (distinct_targets)
    stmt = prep (SELF (store),
                 "SELECT count(DISTINCT target) FROM audit_log WHERE actor_id = ?1 AND action = ?2 "
                 "AND at >= ?3 AND (?4 IS NULL OR outcome = ?4) AND (?5 IS NULL OR target = ?5) "
                 "AND (?6 = 0 OR estate_id = ?6)");
  else
    stmt = prep (SELF (store),
                 "SELECT count(*) FROM audit_log WHERE actor_id = ?1 AND action = ?2 "
                 "AND at >= ?3 AND (?4 IS NULL OR outcome = ?4) AND (?5 IS NULL OR target = ?5) "
                 "AND (?6 = 0 OR estate_id = ?6)");
  if (stmt == NULL)
    return G_MAXUINT;
  sqlite3_bind_int64 (stmt, 1, actor_id);
  bind_text (stmt, 2, action);
  bind_text (stmt, 3, since);
  bind_text (stmt, 4, outcome);
  bind_text (stmt, 5, target);
  bind_scope (SELF (store), stmt, 6);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      return G_MAXUINT;
    }
  {
    guint n = sqlite3_column_int (stmt, 0);
    sqlite3_reset (stmt);
    return n;
  }
}

gboolean
fd_sqlite_audit_verify (FdStore *store, gint64 *n_entries, gint64 *first_bad_seq, GError **error)
{
  FdStoreSqlite *self = SELF (store);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  g_autofree char *prev = g_strdup (GENESIS_HASH);
  g_autofree char *anchor = NULL;
  gint64 expected_seq = 1, n = 0;
  gboolean ok = TRUE;
  int rc;

  /* Own read-only connection: may run in a worker thread while the main
   * thread keeps writing; WAL gives this reader a stable snapshot. */
  if (sqlite3_open_v2 (self->path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (db, "SELECT " AUDIT_COLUMNS " FROM audit_log ORDER BY seq", -1,
                          &stmt, NULL) != SQLITE_OK)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL, "audit log: %s",
                   db ? sqlite3_errmsg (db) : "cannot open");
      sqlite3_close_v2 (db);
      return FALSE;
    }
  sqlite3_busy_timeout (db, 5000);

  /* The anchor and the rows from one snapshot. */
  sqlite3_exec (db, "BEGIN", NULL, NULL, NULL);
  {
    sqlite3_stmt *a = NULL;
    if (sqlite3_prepare_v2 (db, "SELECT value FROM settings WHERE key = 'audit.head'", -1, &a, NULL) ==
        SQLITE_OK && sqlite3_step (a) == SQLITE_ROW)
      anchor = g_strdup ((const char *) sqlite3_column_text (a, 0));
    sqlite3_finalize (a);
  }

  *first_bad_seq = 0;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      FdAuditEntry e = { 0 };
      g_autofree char *hash = NULL;

      audit_from_row (stmt, &e);
      n++;
      hash = fd_audit_entry_compute_hash (&e);
      if (e.seq != expected_seq || g_strcmp0 (e.prev_hash, prev) != 0 ||
          g_strcmp0 (e.hash, hash) != 0)
        {
          /* A missing row shows as a gap: name the first seq not where it should be. */
          *first_bad_seq = e.seq != expected_seq ? MIN (e.seq, expected_seq) : e.seq;
          ok = FALSE;
          fd_audit_entry_clear (&e);
          break;
        }
      g_free (prev);
      prev = g_strdup (e.hash);
      expected_seq++;
      fd_audit_entry_clear (&e);
    }
  if (ok && rc != SQLITE_DONE)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL, "audit log: %s", sqlite3_errmsg (db));
      sqlite3_finalize (stmt);
      sqlite3_close_v2 (db);
      return FALSE;
    }
  if (!ok)
    {
      /* count the rest for the report */
      while (sqlite3_step (stmt) == SQLITE_ROW)
        n++;
    }
  else
    {
      gint64 bad = check_audit_anchor (store->keys, anchor, expected_seq - 1, prev);
      if (bad != 0)
        {
          ok = FALSE;
          *first_bad_seq = bad;
        }
    }
  sqlite3_finalize (stmt);
  sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
  sqlite3_close_v2 (db);
  *n_entries = n;
  return ok;
}

