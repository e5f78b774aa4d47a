/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SQLite engine: staff accounts. */

#include "config.h"

#include "fd-store-sqlite-private.h"

/* users */

#define USER_COLUMNS "id, username, display_name, role, password_hash, disabled, locked_until, failed_logins"

static FdUserRecord *
user_from_row (sqlite3_stmt *stmt)
{
  FdUserRecord *user = g_new0 (FdUserRecord, 1);

  user->id = sqlite3_column_int64 (stmt, 0);
  user->username = col_text (stmt, 1);
  user->display_name = col_text (stmt, 2);
  user->role = col_text (stmt, 3);
  user->password_hash = col_text (stmt, 4);
  user->disabled = sqlite3_column_int (stmt, 5) != 0;
  user->locked_until = sqlite3_column_int64 (stmt, 6);
  user->failed_logins = sqlite3_column_int (stmt, 7);
  return user;
}

FdUserRecord *
fd_sqlite_user_by_name (FdStore *store, const char *username)
{
  sqlite3_stmt *stmt = prep (SELF (store), "SELECT " USER_COLUMNS " FROM users WHERE username = ?");

  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, username);
  return fetch_one (stmt, (gpointer (*) (sqlite3_stmt *)) user_from_row);
}

FdUserRecord *
fd_sqlite_user_by_id (FdStore *store, gint64 id)
{
  return fetch_by_id (SELF (store), "SELECT " USER_COLUMNS " FROM users WHERE id = ?", id,
                      (gpointer (*) (sqlite3_stmt *)) user_from_row);
}

GPtrArray *
fd_sqlite_user_list (FdStore *store)
{
  GPtrArray *users = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_user_record_free);
  sqlite3_stmt *stmt = prep (SELF (store), "SELECT " USER_COLUMNS " FROM users ORDER BY id");

  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (users, user_from_row (stmt));
  return users;
}

gint64
fd_sqlite_user_insert (FdStore *store, const FdUserRecord *user, GError **error)
{
  FdStoreSqlite *self = SELF (store);
  sqlite3_stmt *stmt = prep (self,
                             "INSERT INTO users (username, display_name, role, password_hash, "
                             "disabled, locked_until, failed_logins, created_at) "
                             "VALUES (?, ?, ?, ?, ?, 0, 0, ?)");
  int rc;

  if (stmt == NULL)
    return set_sqlite_error (self, error, "users"), 0;
  bind_text (stmt, 1, user->username);
  bind_text (stmt, 2, user->display_name);
  bind_text (stmt, 3, user->role);
  bind_text (stmt, 4, user->password_hash);
  sqlite3_bind_int (stmt, 5, user->disabled);
  sqlite3_bind_int64 (stmt, 6, g_get_real_time ());
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_CONSTRAINT)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_BAD_REQUEST, "username taken");
      return 0;
    }
  if (rc != SQLITE_DONE)
    return set_sqlite_error (self, error, "users"), 0;
  return sqlite3_last_insert_rowid (self->db);
}

gboolean
fd_sqlite_user_update (FdStore *store, const FdUserRecord *user, GError **error)
{
  FdStoreSqlite *self = SELF (store);
  sqlite3_stmt *stmt = prep (self,
                             "UPDATE users SET display_name = ?, role = ?, password_hash = ?, "
                             "disabled = ?, locked_until = ?, failed_logins = ? WHERE id = ?");
  if (stmt == NULL)
    return set_sqlite_error (self, error, "users");
  bind_text (stmt, 1, user->display_name);
  bind_text (stmt, 2, user->role);
  bind_text (stmt, 3, user->password_hash);
  sqlite3_bind_int (stmt, 4, user->disabled);
  sqlite3_bind_int64 (stmt, 5, user->locked_until);
  sqlite3_bind_int (stmt, 6, user->failed_logins);
  sqlite3_bind_int64 (stmt, 7, user->id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return set_sqlite_error (self, error, "users");
  return TRUE;
}

gboolean
fd_sqlite_user_lock_set (FdStore *store, gint64 id, gint64 locked_until, gint failed_logins,
                         gint64 now, GError **error)
{
  FdStoreSqlite *self = SELF (store);
  sqlite3_stmt *stmt = prep (self, "UPDATE users SET locked_until = CASE WHEN ?1 = 0 AND "
                                   "(locked_until = -1 OR locked_until > ?4) THEN locked_until "
                                   "ELSE ?1 END, failed_logins = ?2 WHERE id = ?3");
  if (stmt == NULL)
    return set_sqlite_error (self, error, "users");
  sqlite3_bind_int64 (stmt, 1, locked_until);
  sqlite3_bind_int (stmt, 2, failed_logins);
  sqlite3_bind_int64 (stmt, 3, id);
  sqlite3_bind_int64 (stmt, 4, now);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return set_sqlite_error (self, error, "users");
  return TRUE;
}


