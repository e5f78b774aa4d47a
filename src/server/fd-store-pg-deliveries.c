/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PostgreSQL engine: alert deliveries, password origins, account activity (issue 12). */

#include "config.h"

#include "fd-store-pg-private.h"

/* As on SQLite (fd-store-sqlite-deliveries.c). alert_deliveries is
 * estate-scoped (the alert's estate, 0 for a company-wide account's;
 * row-level security as on every such table); the sender's calls
 * (claim, finish, count) work on every estate whatever the scope.
 *
 * Several server processes over one database each run a sender: a claim
 * locks the due rows FOR UPDATE SKIP LOCKED and moves their next_at to
 * the lease's end in the same statement, so a second server's claim
 * skips the rows being claimed and, once that commits, no longer sees
 * them as due. A delivery is sent by one server, and again only after
 * the lease ran out (its server died mid-attempt). */

#define DELIVERY_COLUMNS \
  "id, alert_id, estate_id, channel, destination, kind, at, actor, estate, detail, status, " \
  "attempts, next_at, last_attempt_at, last_error, created_at, delivered_at"

static FdDeliveryRecord *
delivery_from_row (PGresult *res,
                   int       row)
{
  FdDeliveryRecord *d = g_new0 (FdDeliveryRecord, 1);

  d->id = fd_pg_int (res, row, 0);
  d->alert_id = fd_pg_int (res, row, 1);
  d->estate_id = fd_pg_int (res, row, 2);
  d->channel = fd_pg_text (res, row, 3);
  d->destination = fd_pg_text (res, row, 4);
  d->kind = fd_pg_text (res, row, 5);
  d->at = fd_pg_text (res, row, 6);
  d->actor = fd_pg_text (res, row, 7);
  d->estate = fd_pg_text (res, row, 8);
  d->detail = fd_pg_text (res, row, 9);
  d->status = fd_pg_text (res, row, 10);
  d->attempts = (guint) fd_pg_int (res, row, 11);
  d->next_at = fd_pg_int (res, row, 12);
  d->last_attempt_at = fd_pg_int (res, row, 13);
  d->last_error = fd_pg_text (res, row, 14);
  d->created_at = fd_pg_int (res, row, 15);
  d->delivered_at = fd_pg_int (res, row, 16);
  return d;
}

static GPtrArray *
deliveries_from (PGresult *res)
{
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_delivery_record_free);

  for (int i = 0; res != NULL && i < PQntuples (res); i++)
    g_ptr_array_add (items, delivery_from_row (res, i));
  g_clear_pointer (&res, PQclear);
  return items;
}

gint64
fd_pg_delivery_enqueue (FdStore *store, const FdDeliveryRecord *d, GError **error)
{
  FdStorePg *self = SELF (store);
  FdPgArgs a = { 0 };
  PGresult *res;
  gint64 id = 0;

  /* FD_ESTATE_ALL may stay: a company-wide account's alert */
  fd_pg_arg_int (&a, d->estate_id != FD_ESTATE_ALL ? d->estate_id : SCOPE (self));
  fd_pg_arg_int (&a, d->alert_id);
  fd_pg_arg_text (&a, d->channel);
  fd_pg_arg_text (&a, d->destination);
  fd_pg_arg_text (&a, d->kind);
  fd_pg_arg_text (&a, d->at);
  fd_pg_arg_text (&a, d->actor);
  fd_pg_arg_text (&a, d->estate);
  fd_pg_arg_text (&a, d->detail);
  fd_pg_arg_int (&a, d->next_at);
  fd_pg_arg_int (&a, d->created_at);
  res = fd_pg_query (self, "INSERT INTO alert_deliveries (estate_id, alert_id, channel, "
                           "destination, kind, at, actor, estate, detail, status, attempts, "
                           "next_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
                           "'pending', 0, $10, $11) RETURNING id", &a, error);
  if (res != NULL && PQntuples (res) == 1)
    id = fd_pg_int (res, 0, 0);
  g_clear_pointer (&res, PQclear);
  return id;
}

GPtrArray *
fd_pg_delivery_claim (FdStore *store, gint64 now, gint64 lease_until, guint limit,
                      GError **error)
{
  FdPgArgs a = { 0 };

  fd_pg_arg_int (&a, now);
  fd_pg_arg_int (&a, lease_until);
  fd_pg_arg_int (&a, limit);
  /* one statement: the lock, the lease and the rows, oldest first */
  return deliveries_from (fd_pg_query_every_estate (
    SELF (store),
    "WITH due AS (SELECT estate_id, id, next_at AS due_at FROM alert_deliveries "
    "WHERE status = 'pending' AND next_at <= $1 ORDER BY next_at, id LIMIT $3 "
    "FOR UPDATE SKIP LOCKED), "
    "claimed AS (UPDATE alert_deliveries d SET next_at = $2 FROM due "
    "WHERE d.estate_id = due.estate_id AND d.id = due.id "
    "RETURNING d.*, due.due_at) "
    "SELECT " DELIVERY_COLUMNS " FROM claimed ORDER BY due_at, id", &a, error));
}

gboolean
fd_pg_delivery_finish (FdStore *store, gint64 id, const char *status, guint attempts,
                       gint64 attempted_at, gint64 next_at, const char *error_text,
                       GError **error)
{
  gboolean delivered = g_strcmp0 (status, "delivered") == 0;
  FdPgArgs a = { 0 };

  fd_pg_arg_text (&a, status);
  fd_pg_arg_int (&a, attempts);
  fd_pg_arg_int (&a, attempted_at);
  fd_pg_arg_int (&a, next_at);
  fd_pg_arg_text (&a, delivered ? NULL : error_text);
  fd_pg_arg_int (&a, delivered ? attempted_at : 0);
  fd_pg_arg_int (&a, id);
  return fd_pg_changes_ok (fd_pg_query_every_estate (SELF (store),
                                                     "UPDATE alert_deliveries SET status = $1, "
                                                     "attempts = $2, last_attempt_at = $3, "
                                                     "next_at = $4, last_error = $5, "
                                                     "delivered_at = $6 WHERE id = $7",
                                                     &a, error));
}

GPtrArray *
fd_pg_delivery_list (FdStore *store, guint limit)
{
  FdPgArgs a = { 0 };

  fd_pg_arg_int (&a, SCOPE (SELF (store)));
  fd_pg_arg_int (&a, limit);
  return deliveries_from (fd_pg_query (SELF (store),
                                       "SELECT " DELIVERY_COLUMNS " FROM alert_deliveries "
                                       "WHERE ($1::bigint = 0 OR estate_id = $1::bigint) "
                                       "ORDER BY id DESC LIMIT $2", &a, NULL));
}

guint
fd_pg_delivery_count (FdStore *store, const char *status, gint64 since)
{
  FdPgArgs a = { 0 };
  PGresult *res;
  guint n = G_MAXUINT;

  fd_pg_arg_text (&a, status);
  fd_pg_arg_int (&a, since);
  res = fd_pg_query_every_estate (SELF (store),
                                  "SELECT count(*) FROM alert_deliveries WHERE status = $1 "
                                  "AND last_attempt_at >= $2 AND attempts > 0", &a, NULL);
  if (res != NULL && PQntuples (res) == 1)
    n = (guint) fd_pg_int (res, 0, 0);
  g_clear_pointer (&res, PQclear);
  return n;
}

/* password origins, account activity */

gboolean
fd_pg_password_origin_set (FdStore *store, gint64 user_id, const char *origin, GError **error)
{
  FdPgArgs a = { 0 };

  fd_pg_arg_int (&a, user_id);
  if (origin == NULL)
    return fd_pg_query_ok (SELF (store), "DELETE FROM password_origins WHERE user_id = $1",
                           &a, error);
  fd_pg_arg_text (&a, origin);
  fd_pg_arg_int (&a, g_get_real_time ());
  return fd_pg_query_ok (SELF (store),
                         "INSERT INTO password_origins (user_id, origin, set_at) "
                         "VALUES ($1, $2, $3) ON CONFLICT (user_id) DO UPDATE SET "
                         "origin = excluded.origin, set_at = excluded.set_at", &a, error);
}

char *
fd_pg_password_origin_get (FdStore *store, gint64 user_id)
{
  FdPgArgs a = { 0 };
  PGresult *res;
  char *origin = NULL;

  fd_pg_arg_int (&a, user_id);
  res = fd_pg_query (SELF (store), "SELECT origin FROM password_origins WHERE user_id = $1",
                     &a, NULL);
  if (res != NULL && PQntuples (res) == 1)
    origin = fd_pg_text (res, 0, 0);
  g_clear_pointer (&res, PQclear);
  return origin;
}

GPtrArray *
fd_pg_account_activity (FdStore *store)
{
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_account_activity_free);
  /* sessions of every estate: a sign-in anywhere counts */
  PGresult *res = fd_pg_query_every_estate (SELF (store),
                                            "SELECT u.id, u.username, u.role, u.disabled, "
                                            "u.created_at, (SELECT max(s.created_at) FROM "
                                            "sessions s WHERE s.user_id = u.id), (SELECT "
                                            "p.origin FROM password_origins p WHERE "
                                            "p.user_id = u.id), (SELECT p.set_at FROM "
                                            "password_origins p WHERE p.user_id = u.id) "
                                            "FROM users u ORDER BY u.id",
                                            NULL, NULL);

  for (int i = 0; res != NULL && i < PQntuples (res); i++)
    {
      FdAccountActivity *a = g_new0 (FdAccountActivity, 1);

      a->id = fd_pg_int (res, i, 0);
      a->username = fd_pg_text (res, i, 1);
      a->role = fd_pg_text (res, i, 2);
      a->disabled = fd_pg_bool (res, i, 3);
      a->created_at = fd_pg_int (res, i, 4);
      a->last_sign_in = fd_pg_int (res, i, 5);
      a->password_origin = fd_pg_text (res, i, 6);
      a->password_set_at = fd_pg_int (res, i, 7);
      g_ptr_array_add (items, a);
    }
  g_clear_pointer (&res, PQclear);
  return items;
}
