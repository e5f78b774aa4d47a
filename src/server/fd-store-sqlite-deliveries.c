/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SQLite engine: alert deliveries, password origins, account activity, integrity (issue 12). */

#include "config.h"

#include "fd-store-sqlite-private.h"

/* alert deliveries (fd-alert-out.c) */

#define DELIVERY_COLUMNS \
  "id, alert_id, estate_id, channel, destination, kind, at, actor, estate, detail, status, " \
  "attempts, next_at, last_attempt_at, last_error, created_at, delivered_at"

static FdDeliveryRecord *
delivery_from_row (sqlite3_stmt *stmt)
{
  FdDeliveryRecord *d = g_new0 (FdDeliveryRecord, 1);

  d->id = sqlite3_column_int64 (stmt, 0);
  d->alert_id = sqlite3_column_int64 (stmt, 1);
  d->estate_id = sqlite3_column_int64 (stmt, 2);
  d->channel = col_text (stmt, 3);
  d->destination = col_text (stmt, 4);
  d->kind = col_text (stmt, 5);
  d->at = col_text (stmt, 6);
  d->actor = col_text (stmt, 7);
  d->estate = col_text (stmt, 8);
  d->detail = col_text (stmt, 9);
  d->status = col_text (stmt, 10);
  d->attempts = sqlite3_column_int (stmt, 11);
  d->next_at = sqlite3_column_int64 (stmt, 12);
  d->last_attempt_at = sqlite3_column_int64 (stmt, 13);
  d->last_error = col_text (stmt, 14);
  d->created_at = sqlite3_column_int64 (stmt, 15);
  d->delivered_at = sqlite3_column_int64 (stmt, 16);
  return d;
}

gint64
fd_sqlite_delivery_enqueue (FdStore *store, const FdDeliveryRecord *d, GError **error)
{
  FdStoreSqlite *self = SELF (store);
  sqlite3_stmt *stmt = prep (self,
                             "INSERT INTO alert_deliveries (alert_id, estate_id, channel, "
                             "destination, kind, at, actor, estate, detail, status, attempts, "
                             "next_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)");

  if (stmt == NULL)
    return set_sqlite_error (self, error, "alert_deliveries"), 0;
  sqlite3_bind_int64 (stmt, 1, d->alert_id);
  sqlite3_bind_int64 (stmt, 2, d->estate_id != FD_ESTATE_ALL ? d->estate_id : store->scope);
  bind_text (stmt, 3, d->channel);
  bind_text (stmt, 4, d->destination);
  bind_text (stmt, 5, d->kind);
  bind_text (stmt, 6, d->at);
  bind_text (stmt, 7, d->actor);
  bind_text (stmt, 8, d->estate);
  bind_text (stmt, 9, d->detail);
  sqlite3_bind_int64 (stmt, 10, d->next_at);
  sqlite3_bind_int64 (stmt, 11, d->created_at);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return set_sqlite_error (self, error, "alert_deliveries"), 0;
  return sqlite3_last_insert_rowid (self->db);
}

GPtrArray *
fd_sqlite_delivery_claim (FdStore *store, gint64 now, gint64 lease_until, guint limit,
                          GError **error)
{
  FdStoreSqlite *self = SELF (store);
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_delivery_record_free);
  gboolean own_tx = sqlite3_get_autocommit (self->db);
  sqlite3_stmt *stmt;
  int rc;

  /* The select and the lease are one transaction: the caller's, or ours. */
  if (own_tx && !step_once (self, "BEGIN IMMEDIATE", error))
    return items;
  stmt = prep (self, "SELECT " DELIVERY_COLUMNS " FROM alert_deliveries "
                     "WHERE status = 'pending' AND next_at <= ? ORDER BY next_at, id LIMIT ?");
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, now);
  sqlite3_bind_int (stmt, 2, limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (items, delivery_from_row (stmt));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    goto fail;
  stmt = prep (self, "UPDATE alert_deliveries SET next_at = ? WHERE id = ?");
  if (stmt == NULL)
    goto fail;
  for (guint i = 0; i < items->len; i++)
    {
      FdDeliveryRecord *d = g_ptr_array_index (items, i);

      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, lease_until);
      sqlite3_bind_int64 (stmt, 2, d->id);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        goto fail;
      d->next_at = lease_until;
    }
  sqlite3_reset (stmt);
  if (own_tx && !step_once (self, "COMMIT", error))
    {
      exec (self, "ROLLBACK", NULL);
      g_ptr_array_set_size (items, 0);
    }
  return items;

fail:
  set_sqlite_error (self, error, "alert_deliveries");
  if (own_tx)
    exec (self, "ROLLBACK", NULL);
  g_ptr_array_set_size (items, 0);
  return items;
}

gboolean
fd_sqlite_delivery_finish (FdStore *store, gint64 id, const char *status, guint attempts,
                           gint64 attempted_at, gint64 next_at, const char *error_text,
                           GError **error)
{
  FdStoreSqlite *self = SELF (store);
  gboolean delivered = g_strcmp0 (status, "delivered") == 0;
  sqlite3_stmt *stmt = prep (self,
                             "UPDATE alert_deliveries SET status = ?, attempts = ?, "
                             "last_attempt_at = ?, next_at = ?, last_error = ?, "
                             "delivered_at = ? WHERE id = ?");

  if (stmt == NULL)
    return set_sqlite_error (self, error, "alert_deliveries");
  bind_text (stmt, 1, status);
  sqlite3_bind_int (stmt, 2, attempts);
  sqlite3_bind_int64 (stmt, 3, attempted_at);
  sqlite3_bind_int64 (stmt, 4, next_at);
  bind_text (stmt, 5, delivered ? NULL : error_text);
  sqlite3_bind_int64 (stmt, 6, delivered ? attempted_at : 0);
  sqlite3_bind_int64 (stmt, 7, id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return set_sqlite_error (self, error, "alert_deliveries");
  return TRUE;
}

GPtrArray *
fd_sqlite_delivery_list (FdStore *store, guint limit)
{
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_delivery_record_free);
  sqlite3_stmt *stmt = prep (SELF (store),
                             "SELECT " DELIVERY_COLUMNS " FROM alert_deliveries "
                             "WHERE (?1 = 0 OR estate_id = ?1) ORDER BY id DESC LIMIT ?2");

  if (stmt == NULL)
    return items;
  sqlite3_bind_int64 (stmt, 1, store->scope);
  sqlite3_bind_int (stmt, 2, limit);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (items, delivery_from_row (stmt));
  sqlite3_reset (stmt);
  return items;
}

guint
fd_sqlite_delivery_count (FdStore *store, const char *status, gint64 since)
{
  sqlite3_stmt *stmt = prep (SELF (store),
                             "SELECT count(*) FROM alert_deliveries WHERE status = ? "
                             "AND last_attempt_at >= ? AND attempts > 0");
  guint n = G_MAXUINT;

  if (stmt == NULL)
    return n;
  bind_text (stmt, 1, status);
  sqlite3_bind_int64 (stmt, 2, since);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int (stmt, 0);
  sqlite3_reset (stmt);
  return n;
}

/* password origins, account activity */

gboolean
fd_sqlite_password_origin_set (FdStore *store, gint64 user_id, const char *origin,
                               GError **error)
{
  FdStoreSqlite *self = SELF (store);
  sqlite3_stmt *stmt;

  if (origin == NULL)
    stmt = prep (self, "DELETE FROM password_origins WHERE user_id = ?1");
  else
    stmt = prep (self, "INSERT INTO password_origins (user_id, origin, set_at) VALUES (?1, ?2, ?3) "
                       "ON CONFLICT (user_id) DO UPDATE SET origin = excluded.origin, "
                       "set_at = excluded.set_at");
  if (stmt == NULL)
    return set_sqlite_error (self, error, "password_origins");
  sqlite3_bind_int64 (stmt, 1, user_id);
  if (origin != NULL)
    {
      bind_text (stmt, 2, origin);
      sqlite3_bind_int64 (stmt, 3, g_get_real_time ());
    }
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return set_sqlite_error (self, error, "password_origins");
  return TRUE;
}

char *
fd_sqlite_password_origin_get (FdStore *store, gint64 user_id)
{
  sqlite3_stmt *stmt = prep (SELF (store), "SELECT origin FROM password_origins WHERE user_id = ?1");
  char *origin = NULL;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, user_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    origin = col_text (stmt, 0);
  sqlite3_reset (stmt);
  return origin;
}

GPtrArray *
fd_sqlite_account_activity (FdStore *store)
{
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_account_activity_free);
  sqlite3_stmt *stmt = prep (SELF (store),
                             "SELECT u.id, u.username, u.role, u.disabled, u.created_at, "
                             "(SELECT max(s.created_at) FROM sessions s WHERE s.user_id = u.id), "
                             "(SELECT p.origin FROM password_origins p WHERE p.user_id = u.id), "
                             "(SELECT p.set_at FROM password_origins p WHERE p.user_id = u.id) "
                             "FROM users u ORDER BY u.id");

  if (stmt == NULL)
    return items;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      FdAccountActivity *a = g_new0 (FdAccountActivity, 1);

      a->id = sqlite3_column_int64 (stmt, 0);
      a->username = col_text (stmt, 1);
      a->role = col_text (stmt, 2);
      a->disabled = sqlite3_column_int (stmt, 3) != 0;
      a->created_at = sqlite3_column_int64 (stmt, 4);
      a->last_sign_in = sqlite3_column_int64 (stmt, 5);
      a->password_origin = col_text (stmt, 6);
      a->password_set_at = sqlite3_column_int64 (stmt, 7);
      g_ptr_array_add (items, a);
    }
  sqlite3_reset (stmt);
  return items;
}

/* integrity: a read-only connection of its own (may run in a worker) */

gboolean
fd_sqlite_integrity_check (FdStore *store, gboolean quick, char **problem, GError **error)
{
  FdStoreSqlite *self = SELF (store);
  g_autoptr(GString) report = g_string_new (NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gboolean sound = TRUE;
  guint lines = 0;
  int rc;

  *problem = NULL;
  if (sqlite3_open_v2 (self->path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (db, quick ? "PRAGMA quick_check(10)" : "PRAGMA integrity_check(10)",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL, "integrity check: %s",
                   db ? sqlite3_errmsg (db) : "cannot open the database");
      sqlite3_close_v2 (db);
      return FALSE;
    }
  sqlite3_busy_timeout (db, 5000);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *line = (const char *) sqlite3_column_text (stmt, 0);

      if (g_strcmp0 (line, "ok") == 0)
        continue;
      sound = FALSE;
      /* SQLite names pages, tables and indexes here, never row values. */
      if (lines++ < 3)
        g_string_append_printf (report, "%s%s", report->len ? "; " : "", line ? line : "?");
    }
  if (rc != SQLITE_DONE)
    {
      /* A file too damaged to check at all is not sound either. */
      sound = FALSE;
      g_string_append_printf (report, "%s%s", report->len ? "; " : "", sqlite3_errmsg (db));
    }
  sqlite3_finalize (stmt);
  sqlite3_close_v2 (db);
  if (!sound)
    *problem = g_string_free (g_steal_pointer (&report), FALSE);
  return sound;
}
