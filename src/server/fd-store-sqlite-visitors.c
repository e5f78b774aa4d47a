/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SQLite engine: visitor registrations and their retention. */

#include "config.h"

#include "fd-mask.h"
#include "fd-store-sqlite-private.h"

/* visitors */

gint64
fd_sqlite_visitor_insert (FdStore *store, const char *name, const char *phone,
                          const char *id_number, const char *room, const char *purpose,
                          const char *plate, gint64 arrived_at, const char *registered_by,
                          GError **error)
{
  FdStoreSqlite *self = SELF (store);
  g_autofree char *phone_masked = fd_mask_mobile (phone);
  g_autofree char *id_masked = id_number ? fd_mask_id_number (id_number) : NULL;
  g_autofree char *aad = NULL;
  sqlite3_stmt *stmt;
  gint64 id, estate_id;

  /* no estate in the call: the request's scope names it (issue 11) */
  if (!insert_estate (self, 0, FALSE, &estate_id, error))
    return 0;
  stmt = prep (self,
               "INSERT INTO visitors (name, phone_masked, id_masked, room, purpose, plate, "
               "arrived_at, registered_by, estate_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (stmt == NULL)
    return set_sqlite_error (self, error, "visitors"), 0;
  bind_text (stmt, 1, name);
  bind_text (stmt, 2, phone_masked);
  bind_text (stmt, 3, id_masked);
  bind_text (stmt, 4, room);
  bind_text (stmt, 5, purpose);
  bind_text (stmt, 6, plate);
  sqlite3_bind_int64 (stmt, 7, arrived_at);
  bind_text (stmt, 8, registered_by);
  sqlite3_bind_int64 (stmt, 9, estate_id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return set_sqlite_error (self, error, "visitors"), 0;
  id = sqlite3_last_insert_rowid (self->db);

  stmt = prep (self, "UPDATE visitors SET phone_enc = ?, id_enc = ? WHERE id = ?");
  if (stmt == NULL)
    return set_sqlite_error (self, error, "visitors"), 0;
  aad = make_aad ("visitors", id, "phone");
  if (!bind_sealed (self, stmt, 1, phone, aad, error))
    return 0;
  g_free (aad), aad = make_aad ("visitors", id, "id_number");
  if (!bind_sealed (self, stmt, 2, id_number, aad, error))
    return 0;
  sqlite3_bind_int64 (stmt, 3, id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return set_sqlite_error (self, error, "visitors"), 0;
  return id;
}

#define VISITOR_SELECT \
  "SELECT id, name, phone_masked, id_masked, room, purpose, plate, arrived_at, left_at, " \
  "registered_by, estate_id FROM visitors "

static FdVisitorRecord *
visitor_from_row (sqlite3_stmt *stmt)
{
  FdVisitorRecord *v = g_new0 (FdVisitorRecord, 1);

  v->id = sqlite3_column_int64 (stmt, 0);
  v->name = col_text (stmt, 1);
  v->phone_masked = col_text (stmt, 2);
  v->id_masked = col_text (stmt, 3);
  v->room = col_text (stmt, 4);
  v->purpose = col_text (stmt, 5);
  v->plate = col_text (stmt, 6);
  v->arrived_at = sqlite3_column_int64 (stmt, 7);
  v->left_at = sqlite3_column_int64 (stmt, 8);
  v->registered_by = col_text (stmt, 9);
  v->estate_id = sqlite3_column_int64 (stmt, 10);
  return v;
}

FdVisitorRecord *
fd_sqlite_visitor_get (FdStore *store, gint64 id)
{
  return fetch_by_id_scoped (SELF (store), VISITOR_SELECT "WHERE id = ?1 AND (?2 = 0 OR estate_id = ?2)",
                             id, (gpointer (*) (sqlite3_stmt *)) visitor_from_row);
}

GPtrArray *
fd_sqlite_visitor_list (FdStore *store, gint64 from, gint64 to, gint64 after_id, guint limit)
{
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_visitor_record_free);
  sqlite3_stmt *stmt;

  /* one estate's day reads the (estate_id, arrived_at) index (issue 11) */
  if (store->scope != FD_ESTATE_ALL)
    stmt = prep (SELF (store),
                 VISITOR_SELECT "WHERE estate_id = ?5 AND arrived_at >= ?1 AND arrived_at < ?2 "
                 "AND id > ?3 ORDER BY id LIMIT ?4");
  else
    stmt = prep (SELF (store),
                 VISITOR_SELECT "WHERE arrived_at >= ?1 AND arrived_at < ?2 AND id > ?3 "
                 "ORDER BY id LIMIT ?4");
  if (stmt == NULL)
    return items;
  if (store->scope != FD_ESTATE_ALL)
    sqlite3_bind_int64 (stmt, 5, store->scope);
  sqlite3_bind_int64 (stmt, 1, from);
  sqlite3_bind_int64 (stmt, 2, to);
  sqlite3_bind_int64 (stmt, 3, after_id);
  sqlite3_bind_int (stmt, 4, limit);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (items, visitor_from_row (stmt));
  return items;
}

gboolean
fd_sqlite_visitor_checkout (FdStore *store, gint64 id, gint64 at, GError **error)
{
  FdStoreSqlite *self = SELF (store);
  sqlite3_stmt *stmt = prep (self, "UPDATE visitors SET left_at = ?1 WHERE id = ?2 AND left_at = 0 "
                                   "AND (?3 = 0 OR estate_id = ?3)");

  if (stmt == NULL)
    return set_sqlite_error (self, error, "visitors");
  sqlite3_bind_int64 (stmt, 1, at);
  sqlite3_bind_int64 (stmt, 2, id);
  bind_scope (self, stmt, 3);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return set_sqlite_error (self, error, "visitors");
  return TRUE;
}

guint
fd_sqlite_visitors_purge (FdStore *store, gint64 older_than)
{
  FdStoreSqlite *self = SELF (store);
  sqlite3_stmt *stmt = prep (self, "DELETE FROM visitors WHERE arrived_at < ?1 "
                                   "AND (?2 = 0 OR estate_id = ?2)");

  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, older_than);
  bind_scope (self, stmt, 2);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return 0;
  return sqlite3_changes (self->db);
}


/* issue 14: Undo on Check Out. Compare-and-set on left_at, so that two
 * undos (or an undo racing a new check-out) change the row at most once. */
gboolean
fd_sqlite_visitor_undo_checkout (FdStore *store, gint64 id, gint64 left_at, GError **error)
{
  FdStoreSqlite *self = SELF (store);
  sqlite3_stmt *stmt = prep (self, "UPDATE visitors SET left_at = 0 WHERE id = ?1 AND left_at = ?2 "
                                   "AND left_at != 0 AND (?3 = 0 OR estate_id = ?3)");

  if (stmt == NULL)
    return set_sqlite_error (self, error, "visitors");
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, left_at);
  bind_scope (self, stmt, 3);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return set_sqlite_error (self, error, "visitors");
  return sqlite3_changes (self->db) == 1;
}
