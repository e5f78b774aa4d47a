/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PostgreSQL engine: access reviews (issue 12) and the per-day activity counts they show. */

#include "config.h"

#include "fd-store-pg-private.h"

/* As on SQLite (fd-store-sqlite-reviews.c): the counts come from
 * audit_activity, which a trigger on audit_log keeps inside the statement
 * that appends the entry (fd-store-pg-schema.c, step 3). Reviews and
 * their items are estate-scoped (row-level security, estate_id first in
 * the key); one review at a time may be open in an estate
 * (reviews_one_open). */

gint64
fd_pg_review_insert (FdStore *store, const FdReviewRecord *review, const gint64 *user_ids,
                     guint n_users, GError **error)
{
  FdStorePg *self = SELF (store);
  g_autoptr(GString) users = g_string_new ("{");
  gint64 estate = review->estate_id != 0 ? review->estate_id : SCOPE (self);
  FdPgArgs a = { 0 }, items = { 0 };
  PGresult *res;
  gboolean own, ok;
  gint64 id = 0;

  if (SCOPE (self) != FD_ESTATE_ALL && estate != SCOPE (self))
    {
      g_set_error (error, FD_ERROR, FD_ERROR_FORBIDDEN, "reviews: another estate");
      return 0;
    }
  for (guint i = 0; i < n_users; i++)
    g_string_append_printf (users, "%s%" G_GINT64_FORMAT, i > 0 ? "," : "", user_ids[i]);
  g_string_append_c (users, '}');
  fd_pg_arg_int (&a, estate);
  fd_pg_arg_int (&a, review->opened_at);
  fd_pg_arg_int (&a, review->due_at);
  fd_pg_arg_int (&a, review->period_from);
  fd_pg_arg_text (&a, review->opened_by);
  if (!fd_pg_op_begin (self, &own, error))
    return 0;
  /* ON CONFLICT: an open review of the estate must not abort the caller's transaction */
  res = fd_pg_run (self, "INSERT INTO reviews (estate_id, opened_at, due_at, period_from, "
                         "opened_by) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING "
                         "RETURNING id", &a, error);
  ok = res != NULL;
  if (ok && PQntuples (res) == 1)
    id = fd_pg_int (res, 0, 0);
  else if (ok)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_BAD_REQUEST, "A review is open in this estate");
      ok = FALSE;
    }
  g_clear_pointer (&res, PQclear);
  if (ok)
    {
      fd_pg_arg_int (&items, estate);
      fd_pg_arg_int (&items, id);
      fd_pg_arg_text (&items, users->str);
      ok = fd_pg_changes_ok (fd_pg_run (self, "INSERT INTO review_items (estate_id, review_id, "
                                              "user_id) SELECT $1, $2, unnest ($3::bigint[])",
                                        &items, error));
    }
  return fd_pg_op_end (self, own, ok, error) ? id : 0;
}

FdReviewRecord *
fd_pg_review_get (FdStore *store, gint64 id)
{
  FdStorePg *self = SELF (store);
  FdReviewRecord *review = NULL;
  FdPgArgs a = { 0 };
  PGresult *res;

  fd_pg_arg_int (&a, id);
  fd_pg_arg_int (&a, SCOPE (self));
  /* the review and its items in one statement, one row per item */
  res = fd_pg_query (self,
                     "WITH r AS (SELECT id, estate_id, opened_at, due_at, period_from, opened_by, "
                     "signed_off_at, signed_off_by FROM reviews WHERE ($1::bigint = 0 OR id = $1) "
                     "AND ($2::bigint = 0 OR estate_id = $2::bigint) ORDER BY id DESC LIMIT 1) "
                     "SELECT r.*, i.user_id, i.decision, i.decided_by, i.decided_at FROM r "
                     "LEFT JOIN review_items i ON i.estate_id = r.estate_id AND i.review_id = r.id "
                     "ORDER BY i.user_id", &a, NULL);
  for (int i = 0; res != NULL && i < PQntuples (res); i++)
    {
      FdReviewItem *item;

      if (review == NULL)
        {
          review = g_new0 (FdReviewRecord, 1);
          review->id = fd_pg_int (res, i, 0);
          review->estate_id = fd_pg_int (res, i, 1);
          review->opened_at = fd_pg_int (res, i, 2);
          review->due_at = fd_pg_int (res, i, 3);
          review->period_from = fd_pg_int (res, i, 4);
          review->opened_by = fd_pg_text (res, i, 5);
          review->signed_off_at = fd_pg_int (res, i, 6);
          review->signed_off_by = fd_pg_text (res, i, 7);
          review->items = fd_review_items_new ();
        }
      if (PQgetisnull (res, i, 8))
        continue;
      item = g_new0 (FdReviewItem, 1);
      item->user_id = fd_pg_int (res, i, 8);
      item->decision = fd_pg_text (res, i, 9);
      item->decided_by = fd_pg_text (res, i, 10);
      item->decided_at = fd_pg_int (res, i, 11);
      g_ptr_array_add (review->items, item);
    }
  g_clear_pointer (&res, PQclear);
  return review;
}

/* TRUE when @res (freed) changed one row; FALSE without an error when it
 * changed none (refused), with one when it failed. */
static gboolean
changed_one (PGresult *res)
{
  return fd_pg_changes (res) == 1;
}

gboolean
fd_pg_review_decide (FdStore *store, gint64 review_id, gint64 user_id, const char *decision,
                     const char *by, gint64 at, GError **error)
{
  FdPgArgs a = { 0 };

  fd_pg_arg_int (&a, review_id);
  fd_pg_arg_int (&a, user_id);
  fd_pg_arg_text (&a, decision);
  fd_pg_arg_text (&a, by);
  fd_pg_arg_int (&a, at);
  fd_pg_arg_int (&a, SCOPE (SELF (store)));
  return changed_one (fd_pg_query (SELF (store),
                                   "UPDATE review_items i SET decision = $3, decided_by = $4, "
                                   "decided_at = $5 FROM reviews r WHERE i.review_id = $1 AND "
                                   "i.user_id = $2 AND i.decision IS NULL AND "
                                   "($6::bigint = 0 OR i.estate_id = $6::bigint) AND "
                                   "r.estate_id = i.estate_id AND r.id = i.review_id AND "
                                   "r.signed_off_at = 0", &a, error));
}

gboolean
fd_pg_review_sign_off (FdStore *store, gint64 review_id, const char *by, gint64 at,
                       GError **error)
{
  FdPgArgs a = { 0 };

  fd_pg_arg_int (&a, review_id);
  fd_pg_arg_int (&a, at);
  fd_pg_arg_text (&a, by);
  fd_pg_arg_int (&a, SCOPE (SELF (store)));
  return changed_one (fd_pg_query (SELF (store),
                                   "UPDATE reviews r SET signed_off_at = $2, signed_off_by = $3 "
                                   "WHERE id = $1 AND signed_off_at = 0 AND "
                                   "($4::bigint = 0 OR estate_id = $4::bigint) AND NOT EXISTS "
                                   "(SELECT 1 FROM review_items i WHERE i.estate_id = r.estate_id "
                                   "AND i.review_id = $1 AND i.decision IS NULL)", &a, error));
}

/* Every estate, whatever the scope: the server's periodic check runs
 * company-wide (row-level security lets '*' through). */
GArray *
fd_pg_review_overdue (FdStore *store, gint64 now)
{
  GArray *pairs = g_array_new (FALSE, FALSE, sizeof (gint64));
  FdPgArgs a = { 0 };
  PGresult *res;

  fd_pg_arg_int (&a, now);
  res = fd_pg_query (SELF (store),
                     "SELECT i.review_id, i.user_id FROM reviews r JOIN review_items i "
                     "ON i.estate_id = r.estate_id AND i.review_id = r.id WHERE r.due_at <= $1 "
                     "AND r.signed_off_at = 0 AND i.decision IS NULL ORDER BY 1, 2", &a, NULL);
  for (int i = 0; res != NULL && i < PQntuples (res); i++)
    {
      gint64 pair[2] = { fd_pg_int (res, i, 0), fd_pg_int (res, i, 1) };
      g_array_append_vals (pairs, pair, 2);
    }
  g_clear_pointer (&res, PQclear);
  return pairs;
}

GArray *
fd_pg_activity_days (FdStore *store, const char *from_day, const char *to_day)
{
  GArray *days = g_array_new (FALSE, TRUE, sizeof (FdActivityDay));
  FdPgArgs a = { 0 };
  PGresult *res;

  fd_pg_arg_text (&a, from_day);
  fd_pg_arg_text (&a, to_day);
  res = fd_pg_query (SELF (store),
                     "SELECT actor_id, day, "
                     "sum (CASE action WHEN 'view' THEN n ELSE 0 END), "
                     "sum (CASE action WHEN 'search' THEN n ELSE 0 END), "
                     "sum (CASE action WHEN 'reveal' THEN n ELSE 0 END), "
                     "sum (CASE action WHEN 'verify' THEN n ELSE 0 END), "
                     "sum (CASE action WHEN 'export' THEN n ELSE 0 END) "
                     "FROM audit_activity WHERE day >= $1 AND day < $2 "
                     "GROUP BY actor_id, day ORDER BY actor_id, day", &a, NULL);
  for (int i = 0; res != NULL && i < PQntuples (res); i++)
    {
      FdActivityDay d = { 0 };

      d.actor_id = fd_pg_int (res, i, 0);
      g_strlcpy (d.day, PQgetvalue (res, i, 1), sizeof d.day);
      d.views = (guint) fd_pg_int (res, i, 2);
      d.lists = (guint) fd_pg_int (res, i, 3);
      d.reveals = (guint) fd_pg_int (res, i, 4);
      d.verifies = (guint) fd_pg_int (res, i, 5);
      d.exports = (guint) fd_pg_int (res, i, 6);
      g_array_append_val (days, d);
    }
  g_clear_pointer (&res, PQclear);
  return days;
}

gboolean
fd_pg_user_last_sign_in (FdStore *store, gint64 user_id, gint64 *at, char **workstation)
{
  FdPgArgs a = { 0 };
  PGresult *res;
  gboolean found = FALSE;

  *at = 0;
  *workstation = NULL;
  fd_pg_arg_int (&a, user_id);
  fd_pg_arg_int (&a, SCOPE (SELF (store)));
  res = fd_pg_query (SELF (store),
                     "SELECT created_at, workstation FROM sessions WHERE user_id = $1 AND "
                     "($2::bigint = 0 OR estate_id = $2::bigint) "
                     "ORDER BY created_at DESC LIMIT 1", &a, NULL);
  if (res != NULL && PQntuples (res) == 1)
    {
      *at = fd_pg_int (res, 0, 0);
      *workstation = fd_pg_text (res, 0, 1);
      found = TRUE;
    }
  g_clear_pointer (&res, PQclear);
  return found;
}
