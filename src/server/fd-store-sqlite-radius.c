/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SQLite engine: who an audited listing showed, and an incident's radius. */

#include "config.h"

#include "fd-error.h"
#include "fd-store-sqlite-private.h"

/* A search's audit entry records only that a search happened (the query
 * text may be a name and is never logged), and listed_residents keeps a
 * ten-minute window for the bulk rules. So the residents each audited
 * listing showed are kept here, one compact row per (entry, resident),
 * keyed by the entry's seq: the radius of an incident reads them through
 * the audit index without scanning the log. */

gboolean
fd_sqlite_audit_subjects_add (FdStore      *store,
                              gint64        seq,
                              char          kind,
                              const gint64 *ids,
                              guint         n_ids,
                              GError      **error)
{
  FdStoreSqlite *self = SELF (store);
  const char kind_text[2] = { kind, '\0' };
  sqlite3_stmt *stmt = prep (self, "INSERT OR IGNORE INTO audit_subjects (seq, kind, subject_id) "
                                   "VALUES (?1, ?2, ?3)");

  if (stmt == NULL)
    return set_sqlite_error (self, error, "audit subjects");
  for (guint i = 0; i < n_ids; i++)
    {
      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, seq);
      sqlite3_bind_text (stmt, 2, kind_text, 1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 3, ids[i]);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        {
          sqlite3_reset (stmt);
          return set_sqlite_error (self, error, "audit subjects");
        }
    }
  sqlite3_reset (stmt);
  return TRUE;
}

/* Each part reads the index audit_actor_counts (actor_id, action, at,
 * outcome, target) for the actor's entries in the window; listings and
 * exports then follow the seq into audit_subjects' primary key. */
static const char radius_sql[] =
  "SELECT 'r', CAST (target AS INTEGER), action, field, role, count(*) FROM audit_log "
  " WHERE actor_id = ?1 AND action IN ('view', 'reveal', 'verify') AND at >= ?2 AND at < ?3 "
  "   AND outcome = 'allowed' AND target GLOB '[0-9]*' "
  " GROUP BY 2, action, field, role "
  "UNION ALL "
  "SELECT s.kind, s.subject_id, a.action, NULL, a.role, count(*) FROM audit_log a "
  "  JOIN audit_subjects s ON s.seq = a.seq "
  " WHERE a.actor_id = ?1 AND a.action IN ('search', 'export') AND a.at >= ?2 AND a.at < ?3 "
  "   AND a.outcome = 'allowed' "
  " GROUP BY s.kind, s.subject_id, a.action, a.role";

static gboolean
read_subject (sqlite3_stmt    *resident,
              sqlite3_stmt    *visitor,
              FdRadiusSubject *subject)
{
  sqlite3_stmt *stmt = subject->kind == FD_RADIUS_VISITOR ? visitor : resident;
  int rc;

  sqlite3_reset (stmt);
  sqlite3_bind_int64 (stmt, 1, subject->id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      subject->name = col_text (stmt, 0);
      subject->room = col_text (stmt, 1);
    }
  sqlite3_reset (stmt);
  return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

static gint
compare_keys (gconstpointer a,
              gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return x < y ? -1 : x > y;
}

gboolean
fd_sqlite_incident_radius (FdStore      *store,
                           gint64        actor_id,
                           const char   *from,
                           const char   *to,
                           FdRadiusData *out,
                           GError      **error)
{
  FdStoreSqlite *self = SELF (store);
  g_autoptr(GArray) keys = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL, *resident = NULL, *visitor = NULL;
  gboolean ok = FALSE;
  int rc;

  out->touches = g_ptr_array_new ();
  out->subjects = g_ptr_array_new ();

  /* Own read-only connection: this runs in a worker thread while the main
   * thread keeps writing; WAL gives it one stable snapshot. */
  if (sqlite3_open_v2 (self->path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
    goto out;
  sqlite3_busy_timeout (db, 5000);
  if (sqlite3_exec (db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (db, radius_sql, -1, &stmt, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (db, "SELECT name, room FROM residents WHERE id = ?1", -1, &resident,
                          NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (db, "SELECT name, room FROM visitors WHERE id = ?1", -1, &visitor,
                          NULL) != SQLITE_OK)
    goto out;

  sqlite3_bind_int64 (stmt, 1, actor_id);
  sqlite3_bind_text (stmt, 2, from, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, to, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      FdRadiusTouch *t = g_new0 (FdRadiusTouch, 1);
      const unsigned char *kind = sqlite3_column_text (stmt, 0);
      gint64 key;

      t->kind = kind != NULL && kind[0] == FD_RADIUS_VISITOR ? FD_RADIUS_VISITOR : FD_RADIUS_RESIDENT;
      t->subject_id = sqlite3_column_int64 (stmt, 1);
      t->action = col_text (stmt, 2);
      t->field = col_text (stmt, 3);
      t->role = col_text (stmt, 4);
      t->count = sqlite3_column_int (stmt, 5);
      g_ptr_array_add (out->touches, t);

      /* residents and visitors apart: their ids overlap */
      key = t->subject_id * 2 + (t->kind == FD_RADIUS_VISITOR);
      g_array_append_val (keys, key);
    }
  if (rc != SQLITE_DONE)
    goto out;

  g_array_sort (keys, compare_keys);
  for (guint i = 0; i < keys->len; i++)
    {
      gint64 key = g_array_index (keys, gint64, i);
      FdRadiusSubject *subject;

      if (i > 0 && key == g_array_index (keys, gint64, i - 1))
        continue;
      subject = g_new0 (FdRadiusSubject, 1);
      subject->kind = key % 2 ? FD_RADIUS_VISITOR : FD_RADIUS_RESIDENT;
      subject->id = key / 2;
      g_ptr_array_add (out->subjects, subject);
      if (!read_subject (resident, visitor, subject))
        goto out;
    }
  ok = TRUE;

out:
  if (!ok)
    g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL, "incident radius: %s",
                 db != NULL ? sqlite3_errmsg (db) : "cannot open the database");
  sqlite3_finalize (stmt);
  sqlite3_finalize (resident);
  sqlite3_finalize (visitor);
  if (db != NULL)
    sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
  sqlite3_close_v2 (db);
  return ok;
}
