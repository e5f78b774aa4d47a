/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SQLite engine: the generation the authentication cache revalidates on
 * (issue 13). */

#include "config.h"

#include <string.h>

#include "fd-store-sqlite-private.h"

/* Two sources of change, both seen at once:
 *
 * - this connection's own writes: SQLite's update hook reports every row
 *   this connection inserts, updates or deletes in `sessions` or `users`
 *   (both rowid tables, never emptied by a DELETE without WHERE, so no
 *   change escapes the hook). The generation moves at the write, and
 *   while the transaction that made it is open nothing may be cached
 *   (it may still roll back); once it has ended, the generation moves
 *   again.
 * - any other connection, in this process or another (a second server,
 *   `frontdesk-server user disable`): PRAGMA data_version changes
 *   whenever another connection has committed anything to the database.
 *   It is read at every call, so a change committed elsewhere is seen by
 *   the next request. Any commit counts, not only to sessions or users:
 *   with two busy servers on one database the cache empties at nearly
 *   every request — correct, and no faster than no cache. */

static void
update_hook (void          *data,
             int            op,
             const char    *db_name,
             const char    *table,
             sqlite3_int64  rowid)
{
  FdStoreSqlite *self = data;

  if (strcmp (table, "sessions") == 0 || strcmp (table, "users") == 0)
    {
      self->auth_generation++;
      self->auth_dirty = TRUE;
    }
}

void
fd_sqlite_auth_watch (FdStoreSqlite *self)
{
  self->auth_generation = 1;
  self->auth_data_version = -1;
  sqlite3_update_hook (self->db, update_hook, self);
}

guint64
fd_sqlite_auth_generation (FdStore *store)
{
  FdStoreSqlite *self = SELF (store);
  sqlite3_stmt *stmt;
  gint64 version = -1;

  if (self->auth_dirty)
    {
      if (!sqlite3_get_autocommit (self->db))
        return 0;
      /* committed or rolled back: either way, what was cached before is gone */
      self->auth_dirty = FALSE;
      self->auth_generation++;
    }

  stmt = prep (self, "PRAGMA data_version");
  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int64 (stmt, 0);
  if (stmt != NULL)
    sqlite3_reset (stmt);
  if (version < 0)
    return 0;
  if (version != self->auth_data_version)
    {
      self->auth_data_version = version;
      self->auth_generation++;
    }
  return self->auth_generation;
}
