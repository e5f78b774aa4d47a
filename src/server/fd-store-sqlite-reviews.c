/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SQLite engine: access reviews (issue 12) and the per-day activity counts they show. */

#include "config.h"

#include "fd-store-sqlite-private.h"

/* The counts come from audit_activity, which an AFTER INSERT trigger on
 * audit_log keeps (migration 7): the trigger runs inside the statement
 * that appends the entry, so a count can never disagree with the log it
 * was taken from, and reading a quarter costs a few rows per account and
 * day, whatever the size of the log. */

gint64
fd_sqlite_review_insert (FdStore *store, const FdReviewRecord *review, const gint64 *user_ids,
                         guint n_users, GError **error)
{
  FdStoreSqlite *self = SELF (store);
  gboolean own_tx = sqlite3_get_autocommit (self->db);
  gint64 estate = review->estate_id != 0 ? review->estate_id : store->scope;
  sqlite3_stmt *stmt;
  gint64 id;

  if (store->scope != FD_ESTATE_ALL && estate != store->scope)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_FORBIDDEN, "reviews: another estate");
      return 0;
    }
  if (own_tx && !step_once (self, "BEGIN IMMEDIATE", error))
    return 0;
  stmt = prep (self, "INSERT INTO reviews (estate_id, opened_at, due_at, period_from, opened_by) "
                     "VALUES (?, ?, ?, ?, ?)");
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, estate);
  sqlite3_bind_int64 (stmt, 2, review->opened_at);
  sqlite3_bind_int64 (stmt, 3, review->due_at);
  sqlite3_bind_int64 (stmt, 4, review->period_from);
  bind_text (stmt, 5, review->opened_by);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    goto fail;
  sqlite3_reset (stmt);
  id = sqlite3_last_insert_rowid (self->db);

  stmt = prep (self, "INSERT INTO review_items (review_id, user_id, estate_id) VALUES (?, ?, ?)");
  if (stmt == NULL)
    goto fail;
  for (guint i = 0; i < n_users; i++)
    {
      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, id);
      sqlite3_bind_int64 (stmt, 2, user_ids[i]);
      sqlite3_bind_int64 (stmt, 3, estate);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        goto fail;
    }
  sqlite3_reset (stmt);
  if (own_tx && !step_once (self, "COMMIT", error))
    {
      exec (self, "ROLLBACK", NULL);
      return 0;
    }
  return id;

fail:
  /* reviews_one_open: one review at a time may be open in an estate */
  if (sqlite3_errcode (self->db) == SQLITE_CONSTRAINT)
    g_set_error (error, FD_ERROR, FD_ERROR_BAD_REQUEST, "A review is open in this estate");
  else
    set_sqlite_error (self, error, "reviews");
  if (stmt != NULL)
    sqlite3_reset (stmt);
  if (own_tx)
    exec (self, "ROLLBACK", NULL);
  return 0;
}

static gpointer
read_review (sqlite3_stmt *stmt)
{
  FdReviewRecord *review = g_new0 (FdReviewRecord, 1);

  review->id = sqlite3_column_int64 (stmt, 0);
  review->estate_id = sqlite3_column_int64 (stmt, 1);
  review->opened_at = sqlite3_column_int64 (stmt, 2);
  review->due_at = sqlite3_column_int64 (stmt, 3);
  review->period_from = sqlite3_column_int64 (stmt, 4);
  review->opened_by = col_text (stmt, 5);
  review->signed_off_at = sqlite3_column_int64 (stmt, 6);
  review->signed_off_by = col_text (stmt, 7);
  review->items = fd_review_items_new ();
  return review;
}

FdReviewRecord *
fd_sqlite_review_get (FdStore *store, gint64 id)
{
  FdStoreSqlite *self = SELF (store);
  FdReviewRecord *review;
  sqlite3_stmt *stmt = prep (self,
                             "SELECT id, estate_id, opened_at, due_at, period_from, opened_by, "
                             "signed_off_at, signed_off_by FROM reviews "
                             "WHERE (?1 = 0 OR id = ?1) AND (?2 = 0 OR estate_id = ?2) "
                             "ORDER BY id DESC LIMIT 1");

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, store->scope);
  review = fetch_one (stmt, read_review);
  if (review == NULL)
    return NULL;

  stmt = prep (self, "SELECT user_id, decision, decided_by, decided_at FROM review_items "
                     "WHERE review_id = ? ORDER BY user_id");
  if (stmt == NULL)
    {
      fd_review_record_free (review);
      return NULL;
    }
  sqlite3_bind_int64 (stmt, 1, review->id);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      FdReviewItem *item = g_new0 (FdReviewItem, 1);

      item->user_id = sqlite3_column_int64 (stmt, 0);
      item->decision = col_text (stmt, 1);
      item->decided_by = col_text (stmt, 2);
      item->decided_at = sqlite3_column_int64 (stmt, 3);
      g_ptr_array_add (review->items, item);
    }
  sqlite3_reset (stmt);
  return review;
}

gboolean
fd_sqlite_review_decide (FdStore *store, gint64 review_id, gint64 user_id, const char *decision,
                         const char *by, gint64 at, GError **error)
{
  FdStoreSqlite *self = SELF (store);
  sqlite3_stmt *stmt = prep (self,
                             "UPDATE review_items SET decision = ?3, decided_by = ?4, decided_at = ?5 "
                             "WHERE review_id = ?1 AND user_id = ?2 AND decision IS NULL "
                             "AND (?6 = 0 OR estate_id = ?6) AND review_id IN "
                             "(SELECT id FROM reviews WHERE id = ?1 AND signed_off_at = 0)");

  if (stmt == NULL)
    return set_sqlite_error (self, error, "review items");
  sqlite3_bind_int64 (stmt, 1, review_id);
  sqlite3_bind_int64 (stmt, 2, user_id);
  bind_text (stmt, 3, decision);
  bind_text (stmt, 4, by);
  sqlite3_bind_int64 (stmt, 5, at);
  sqlite3_bind_int64 (stmt, 6, store->scope);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      set_sqlite_error (self, error, "review items");
      sqlite3_reset (stmt);
      return FALSE;
    }
  sqlite3_reset (stmt);
  return sqlite3_changes (self->db) == 1;
}

gboolean
fd_sqlite_review_sign_off (FdStore *store, gint64 review_id, const char *by, gint64 at,
                           GError **error)
{
  FdStoreSqlite *self = SELF (store);
  sqlite3_stmt *stmt = prep (self,
                             "UPDATE reviews SET signed_off_at = ?2, signed_off_by = ?3 "
                             "WHERE id = ?1 AND signed_off_at = 0 AND (?4 = 0 OR estate_id = ?4) "
                             "AND NOT EXISTS (SELECT 1 FROM review_items "
                             "WHERE review_id = ?1 AND decision IS NULL)");

  if (stmt == NULL)
    return set_sqlite_error (self, error, "reviews");
  sqlite3_bind_int64 (stmt, 1, review_id);
  sqlite3_bind_int64 (stmt, 2, at);
  bind_text (stmt, 3, by);
  sqlite3_bind_int64 (stmt, 4, store->scope);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      set_sqlite_error (self, error, "reviews");
      sqlite3_reset (stmt);
      return FALSE;
    }
  sqlite3_reset (stmt);
  return sqlite3_changes (self->db) == 1;
}

GArray *
fd_sqlite_review_overdue (FdStore *store, gint64 now)
{
  GArray *pairs = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt = prep (SELF (store),
                             "SELECT i.review_id, i.user_id FROM reviews r JOIN review_items i "
                             "ON i.review_id = r.id WHERE r.due_at <= ? AND r.signed_off_at = 0 "
                             "AND i.decision IS NULL ORDER BY 1, 2");

  if (stmt == NULL)
    return pairs;
  sqlite3_bind_int64 (stmt, 1, now);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 pair[2] = { sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1) };
      g_array_append_vals (pairs, pair, 2);
    }
  sqlite3_reset (stmt);
  return pairs;
}

GArray *
fd_sqlite_activity_days (FdStore *store, const char *from_day, const char *to_day)
{
  GArray *days = g_array_new (FALSE, TRUE, sizeof (FdActivityDay));
  sqlite3_stmt *stmt = prep (SELF (store),
                             "SELECT actor_id, day, "
                             "sum(CASE action WHEN 'view' THEN n ELSE 0 END), "
                             "sum(CASE action WHEN 'search' THEN n ELSE 0 END), "
                             "sum(CASE action WHEN 'reveal' THEN n ELSE 0 END), "
                             "sum(CASE action WHEN 'verify' THEN n ELSE 0 END), "
                             "sum(CASE action WHEN 'export' THEN n ELSE 0 END) "
                             "FROM audit_activity WHERE day >= ? AND day < ? "
                             "GROUP BY actor_id, day ORDER BY actor_id, day");

  if (stmt == NULL)
    return days;
  bind_text (stmt, 1, from_day);
  bind_text (stmt, 2, to_day);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      FdActivityDay d = { 0 };
      const char *day = (const char *) sqlite3_column_text (stmt, 1);

      d.actor_id = sqlite3_column_int64 (stmt, 0);
      g_strlcpy (d.day, day ? day : "", sizeof d.day);
      d.views = sqlite3_column_int (stmt, 2);
      d.lists = sqlite3_column_int (stmt, 3);
      d.reveals = sqlite3_column_int (stmt, 4);
      d.verifies = sqlite3_column_int (stmt, 5);
      d.exports = sqlite3_column_int (stmt, 6);
      g_array_append_val (days, d);
    }
  sqlite3_reset (stmt);
  return days;
}

gboolean
fd_sqlite_user_last_sign_in (FdStore *store, gint64 user_id, gint64 *at, char **workstation)
{
  sqlite3_stmt *stmt = prep (SELF (store),
                             "SELECT created_at, workstation FROM sessions WHERE user_id = ? "
                             "ORDER BY created_at DESC LIMIT 1");
  gboolean found = FALSE;

  *at = 0;
  *workstation = NULL;
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, user_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      *at = sqlite3_column_int64 (stmt, 0);
      *workstation = col_text (stmt, 1);
      found = TRUE;
    }
  sqlite3_reset (stmt);
  return found;
}
