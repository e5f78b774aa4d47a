/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SQLite engine: alerts. */

#include "config.h"

#include "fd-store-sqlite-private.h"

/* alerts */

gint64
fd_sqlite_alert_insert (FdStore *store, const char *kind, const char *actor, const char *detail,
                        GError **error)
{
  FdStoreSqlite *self = SELF (store);
  sqlite3_stmt *stmt = prep (self, "INSERT INTO alerts (at, kind, actor, detail, estate_id) "
                                   "VALUES (?, ?, ?, ?, ?)");
  g_autofree char *at = fd_time_format_rfc3339 (g_get_real_time ());
  gint64 estate_id;

  /* the request's estate; 0 for a company-wide account's alert (issue 11) */
  if (!insert_estate (self, 0, TRUE, &estate_id, error))
    return 0;
  if (stmt == NULL)
    return set_sqlite_error (self, error, "alerts"), 0;
  bind_text (stmt, 1, at);
  bind_text (stmt, 2, kind);
  bind_text (stmt, 3, actor);
  bind_text (stmt, 4, detail);
  sqlite3_bind_int64 (stmt, 5, estate_id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return set_sqlite_error (self, error, "alerts"), 0;
  return sqlite3_last_insert_rowid (self->db);
}

GPtrArray *
fd_sqlite_alert_list (FdStore *store, guint limit)
{
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_alert_record_free);
  sqlite3_stmt *stmt;

  if (store->scope != FD_ESTATE_ALL)
    stmt = prep (SELF (store), "SELECT id, at, kind, actor, detail, estate_id FROM alerts "
                               "WHERE estate_id = ?2 ORDER BY id DESC LIMIT ?1");
  else
    stmt = prep (SELF (store), "SELECT id, at, kind, actor, detail, estate_id FROM alerts "
                               "ORDER BY id DESC LIMIT ?1");
  if (stmt == NULL)
    return items;
  sqlite3_bind_int (stmt, 1, limit);
  if (store->scope != FD_ESTATE_ALL)
    sqlite3_bind_int64 (stmt, 2, store->scope);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      FdAlertRecord *a = g_new0 (FdAlertRecord, 1);
      a->id = sqlite3_column_int64 (stmt, 0);
      a->at = col_text (stmt, 1);
      a->kind = col_text (stmt, 2);
      a->actor = col_text (stmt, 3);
      a->detail = col_text (stmt, 4);
      a->estate_id = sqlite3_column_int64 (stmt, 5);
      g_ptr_array_add (items, a);
    }
  return items;
}

char *
fd_sqlite_alert_recent (FdStore *store, const char *kind, const char *actor, const char *since)
{
  sqlite3_stmt *stmt = prep (SELF (store),
                             "SELECT at FROM alerts WHERE kind = ?1 AND actor = ?2 AND at >= ?3 "
                             "AND (?4 = 0 OR estate_id = ?4) ORDER BY at DESC LIMIT 1");
  if (stmt == NULL)
    return FALSE;
  bind_scope (SELF (store), stmt, 4);
  bind_text (stmt, 1, kind);
  bind_text (stmt, 2, actor);
  bind_text (stmt, 3, since);
  return fetch_one (stmt, read_text0);
}

