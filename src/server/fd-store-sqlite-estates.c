/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SQLite engine: estates and the estates each account is granted (issue 11). */

#include "config.h"

#include "fd-store-sqlite-private.h"

/* Estates and user_estates are reference tables: read whatever the scope. */

GPtrArray *
fd_sqlite_estate_list (FdStore *store)
{
  GPtrArray *estates = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_estate_record_free);
  sqlite3_stmt *stmt = prep (SELF (store), "SELECT id, code, name FROM estates ORDER BY id");

  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      FdEstateRecord *e = g_new0 (FdEstateRecord, 1);
      e->id = sqlite3_column_int64 (stmt, 0);
      e->code = col_text (stmt, 1);
      e->name = col_text (stmt, 2);
      g_ptr_array_add (estates, e);
    }
  if (stmt != NULL)
    sqlite3_reset (stmt);
  return estates;
}

gint64
fd_sqlite_estate_insert (FdStore *store, const char *code, const char *name, GError **error)
{
  FdStoreSqlite *self = SELF (store);
  sqlite3_stmt *stmt = prep (self, "INSERT INTO estates (code, name) VALUES (?, ?)");
  int rc;

  if (stmt == NULL)
    return set_sqlite_error (self, error, "estates"), 0;
  bind_text (stmt, 1, code);
  bind_text (stmt, 2, name);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc == SQLITE_CONSTRAINT)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_BAD_REQUEST, "An estate with this code exists");
      return 0;
    }
  if (rc != SQLITE_DONE)
    return set_sqlite_error (self, error, "estates"), 0;
  return sqlite3_last_insert_rowid (self->db);
}

GArray *
fd_sqlite_user_estates (FdStore *store, gint64 user_id)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt = prep (SELF (store),
                             "SELECT estate_id FROM user_estates WHERE user_id = ? "
                             "ORDER BY estate_id");

  if (stmt == NULL)
    return ids;
  sqlite3_bind_int64 (stmt, 1, user_id);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, id);
    }
  sqlite3_reset (stmt);
  return ids;
}

gboolean
fd_sqlite_user_estates_set (FdStore *store, gint64 user_id, const gint64 *ids, guint n_ids,
                            GError **error)
{
  FdStoreSqlite *self = SELF (store);
  gboolean own_tx = sqlite3_get_autocommit (self->db);
  sqlite3_stmt *stmt;

  if (own_tx && !step_once (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  stmt = prep (self, "DELETE FROM user_estates WHERE user_id = ?");
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, user_id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    goto fail;
  for (guint i = 0; i < n_ids; i++)
    {
      /* only an estate that exists */
      if (fetch_by_id (self, "SELECT 1 FROM estates WHERE id = ?", ids[i], read_true) == NULL)
        {
          g_set_error (error, FD_ERROR, FD_ERROR_BAD_REQUEST, "No estate %" G_GINT64_FORMAT,
                       ids[i]);
          if (own_tx)
            exec (self, "ROLLBACK", NULL);
          return FALSE;
        }
      stmt = prep (self, "INSERT OR IGNORE INTO user_estates (user_id, estate_id) VALUES (?, ?)");
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_int64 (stmt, 1, user_id);
      sqlite3_bind_int64 (stmt, 2, ids[i]);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        goto fail;
    }
  if (own_tx && !step_once (self, "COMMIT", error))
    {
      exec (self, "ROLLBACK", NULL);
      return FALSE;
    }
  return TRUE;

fail:
  set_sqlite_error (self, error, "user estates");
  if (own_tx)
    exec (self, "ROLLBACK", NULL);
  return FALSE;
}

gboolean
fd_sqlite_estate_update (FdStore *store, gint64 id, const char *code, const char *name,
                         GError **error)
{
  FdStoreSqlite *self = SELF (store);
  sqlite3_stmt *stmt = prep (self, "UPDATE estates SET code = ?, name = ? WHERE id = ?");
  int rc;

  if (stmt == NULL)
    return set_sqlite_error (self, error, "estates");
  bind_text (stmt, 1, code);
  bind_text (stmt, 2, name);
  sqlite3_bind_int64 (stmt, 3, id);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc == SQLITE_CONSTRAINT)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_BAD_REQUEST, "An estate with this code exists");
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    return set_sqlite_error (self, error, "estates");
  return TRUE;
}
