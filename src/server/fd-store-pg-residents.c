/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PostgreSQL engine: residents, their sealed values, plates and rooms. */

#include "config.h"

#include <string.h>

#include "fd-mask.h"
#include "fd-store-pg-private.h"

/* Sealed exactly as the SQLite engine seals them: the associated data
 * names the table, the resident's id and the column ("residents:42:phone",
 * "payments:42:account"), so a database moved from SQLite keeps its
 * ciphertext as it is. Ids come from the residents_id_seq sequence,
 * reserved before sealing, so two servers never seal under the same id. */

#define RESIDENT_SELECT \
  "SELECT r.id, r.name, r.room, r.initials, r.phone_masked, r.phone_last4, r.id_masked, " \
  "r.address_masked, p.account_masked, p.balance_cents, p.overdue, p.last_paid_at, " \
  "(SELECT string_agg (plate, E'\\x1f' ORDER BY plate) FROM plates " \
  " WHERE estate_id = r.estate_id AND resident_id = r.id), r.estate_id " \
  "FROM residents r LEFT JOIN payments p ON p.estate_id = r.estate_id AND p.resident_id = r.id "

static FdResidentRecord *
resident_from_row (PGresult *res,
                   int       i)
{
  FdResidentRecord *r = g_new0 (FdResidentRecord, 1);
  const char *plates = PQgetisnull (res, i, 12) ? NULL : PQgetvalue (res, i, 12);

  r->id = fd_pg_int (res, i, 0);
  r->name = fd_pg_text (res, i, 1);
  r->room = fd_pg_text (res, i, 2);
  r->initials = fd_pg_text (res, i, 3);
  r->phone_masked = fd_pg_text (res, i, 4);
  r->phone_last4 = fd_pg_text (res, i, 5);
  r->id_masked = fd_pg_text (res, i, 6);
  r->address_masked = fd_pg_text (res, i, 7);
  r->account_masked = fd_pg_text (res, i, 8);
  r->balance_cents = fd_pg_int (res, i, 9);
  r->overdue = fd_pg_bool (res, i, 10);
  r->last_paid_at = fd_pg_text (res, i, 11);
  r->plates = plates && *plates ? g_strsplit (plates, "\x1f", 0) : g_new0 (char *, 1);
  r->estate_id = fd_pg_int (res, i, 13);
  return r;
}

guint
fd_pg_resident_count (FdStore *store)
{
  FdPgArgs a = { 0 };
  PGresult *res;
  guint n = 0;

  fd_pg_arg_int (&a, SCOPE (SELF (store)));
  res = fd_pg_query (SELF (store), "SELECT count(*) FROM residents "
                                   "WHERE ($1::bigint = 0 OR estate_id = $1::bigint)", &a, NULL);
  if (res != NULL && PQntuples (res) == 1)
    n = (guint) fd_pg_int (res, 0, 0);
  g_clear_pointer (&res, PQclear);
  return n;
}

FdResidentRecord *
fd_pg_resident_get (FdStore *store, gint64 id)
{
  FdPgArgs a = { 0 };
  FdResidentRecord *r = NULL;
  PGresult *res;

  fd_pg_arg_int (&a, id);
  fd_pg_arg_int (&a, SCOPE (SELF (store)));
  res = fd_pg_query (SELF (store), RESIDENT_SELECT "WHERE r.id = $1 AND "
                                   "($2::bigint = 0 OR r.estate_id = $2::bigint)", &a, NULL);
  if (res != NULL && PQntuples (res) == 1)
    r = resident_from_row (res, 0);
  g_clear_pointer (&res, PQclear);
  return r;
}

/* Streams every resident of the scope through a cursor, a batch at a
 * time: memory follows the batch, not the table. */
#define FOREACH_BATCH 20000

void
fd_pg_resident_foreach (FdStore *store, FdResidentFunc func, gpointer user_data)
{
  FdStorePg *self = SELF (store);
  g_autofree char *declare = NULL;
  g_autofree char *fetch = g_strdup_printf ("FETCH %d FROM fd_residents", FOREACH_BATCH);
  gboolean own, ok;

  if (!fd_pg_op_begin (self, &own, NULL))
    return;
  /* the scope is an integer, formatted here */
  declare = g_strdup_printf ("DECLARE fd_residents NO SCROLL CURSOR FOR " RESIDENT_SELECT
                             "WHERE (%" G_GINT64_FORMAT " = 0 OR r.estate_id = %" G_GINT64_FORMAT
                             ") ORDER BY r.id", SCOPE (self), SCOPE (self));
  ok = fd_pg_exec (self->conn, declare, NULL);
  while (ok)
    {
      PGresult *res = PQexec (self->conn, fetch);
      int n = PQresultStatus (res) == PGRES_TUPLES_OK ? PQntuples (res) : -1;

      for (int i = 0; i < n; i++)
        {
          g_autoptr(FdResidentRecord) r = resident_from_row (res, i);
          func (r, user_data);
        }
      PQclear (res);
      ok = n > 0;
      if (n < 0)
        g_warning ("Cannot read the residents: %s", PQerrorMessage (self->conn));
    }
  fd_pg_exec (self->conn, "CLOSE fd_residents", NULL);
  fd_pg_op_end (self, own, TRUE, NULL);
}

/* On the follower's connection, every estate: a server follows the
 * whole company's residents (each request filters on its own scope).
 *
 * It runs every second, so when nothing is new it must cost nothing:
 * max(id) is one descent of residents_id, and the read only follows when
 * there is something to read. The read takes its ids from that index
 * first, in order and limited, whatever the statistics say: right after
 * a bulk load, before autovacuum has analysed the table, the planner
 * once read "id > max" as a third of a million residents and joined the
 * whole table with payments in parallel every second (about 0.75 s of
 * the database's CPU at 1,000,000 residents, under every search). */
#define FOLLOW_SELECT \
  "SELECT r.id, r.name, r.room, r.initials, r.phone_masked, r.phone_last4, r.id_masked, " \
  "r.address_masked, p.account_masked, p.balance_cents, p.overdue, p.last_paid_at, " \
  "(SELECT string_agg (plate, E'\\x1f' ORDER BY plate) FROM plates " \
  " WHERE estate_id = r.estate_id AND resident_id = r.id), r.estate_id " \
  "FROM (SELECT * FROM residents WHERE id > $1 ORDER BY id LIMIT $2) r " \
  "LEFT JOIN LATERAL (SELECT * FROM payments WHERE estate_id = r.estate_id AND " \
  "resident_id = r.id) p ON true ORDER BY r.id"

/* 1 when a resident past @after exists, 0 when none does, -1 on error */
static int
follow_has_new (PGconn     *conn,
                const char *after)
{
  const char *values[] = { after };
  PGresult *res = PQexecParams (conn, "SELECT max (id) > $1::bigint FROM residents", 1, NULL,
                                values, NULL, NULL, 0);
  int any = -1;

  if (PQresultStatus (res) == PGRES_TUPLES_OK && PQntuples (res) == 1)
    any = strcmp (PQgetvalue (res, 0, 0), "t") == 0;
  PQclear (res);
  return any;
}

guint
fd_pg_residents_after (FdStore *store, gint64 after_id, guint limit, FdResidentFunc func,
                       gpointer user_data)
{
  FdStorePg *self = SELF (store);
  g_autofree char *after = g_strdup_printf ("%" G_GINT64_FORMAT, after_id);
  g_autofree char *max = g_strdup_printf ("%u", limit);
  const char *values[] = { after, max };
  PGresult *res = NULL;
  guint n = G_MAXUINT;

  g_mutex_lock (&self->follow_lock);
  /* issue 16: after a failover, read from where the main connection went */
  gboolean moved = fd_pg_conn_follow_stale (self);

  if (self->follow_conn == NULL || PQstatus (self->follow_conn) != CONNECTION_OK || moved)
    {
      g_clear_pointer (&self->follow_conn, PQfinish);
      self->follow_conn = fd_pg_connect (self->conninfo, self->password, NULL);
      if (moved)
        fd_pg_conn_check_index (self->follow_conn, after_id);
    }
  if (self->follow_conn != NULL &&
      fd_pg_exec (self->follow_conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; "
                                     "SELECT set_config ('frontdesk.estate', '*', true)", NULL))
    {
      int any = follow_has_new (self->follow_conn, after);

      if (any == 0)
        n = 0;
      else if (any > 0 &&
               (res = PQexecParams (self->follow_conn, FOLLOW_SELECT, 2, NULL, values, NULL,
                                    NULL, 0)) != NULL &&
               PQresultStatus (res) == PGRES_TUPLES_OK)
        {
          n = (guint) PQntuples (res);
          for (guint i = 0; i < n; i++)
            {
              g_autoptr(FdResidentRecord) r = resident_from_row (res, (int) i);
              func (r, user_data);
            }
        }
      PQclear (res);
      fd_pg_exec (self->follow_conn, "COMMIT", NULL);
    }
  g_mutex_unlock (&self->follow_lock);
  return n;
}

char *
fd_pg_resident_secret (FdStore *store, gint64 id, const char *field, GError **error)
{
  FdStorePg *self = SELF (store);
  g_autofree char *aad = NULL;
  FdPgArgs a = { 0 };
  const char *sql;
  PGresult *res;
  char *clear = NULL;

  if (g_strcmp0 (field, "phone") == 0)
    sql = "SELECT phone_enc FROM residents WHERE id = $1 AND "
          "($2::bigint = 0 OR estate_id = $2::bigint)";
  else if (g_strcmp0 (field, "id_number") == 0)
    sql = "SELECT id_enc FROM residents WHERE id = $1 AND "
          "($2::bigint = 0 OR estate_id = $2::bigint)";
  else if (g_strcmp0 (field, "home_address") == 0)
    sql = "SELECT address_enc FROM residents WHERE id = $1 AND "
          "($2::bigint = 0 OR estate_id = $2::bigint)";
  else if (g_strcmp0 (field, "payment_account") == 0)
    sql = "SELECT account_enc FROM payments WHERE resident_id = $1 AND "
          "($2::bigint = 0 OR estate_id = $2::bigint)";
  else
    {
      g_set_error (error, FD_ERROR, FD_ERROR_BAD_REQUEST, "unknown field");
      return NULL;
    }
  fd_pg_arg_int (&a, id);
  fd_pg_arg_int (&a, SCOPE (self));
  res = fd_pg_query (self, sql, &a, error);
  if (res == NULL)
    return NULL;
  if (g_str_equal (field, "payment_account"))
    aad = make_aad ("payments", id, "account");
  else
    aad = make_aad ("residents", id, field);
  if (PQntuples (res) == 1 && !PQgetisnull (res, 0, 0))
    clear = fd_pg_open_sealed (self, res, 0, 0, aad, error);
  else
    g_set_error (error, FD_ERROR, FD_ERROR_NOT_FOUND, "no value on file");
  PQclear (res);
  return clear;
}

gboolean
fd_pg_resident_matches (FdStore *store, gint64 id, const char *field, const char *value)
{
  g_autofree char *bidx = NULL;
  g_autofree char *stored = NULL;
  FdPgArgs a = { 0 };
  const char *sql;
  PGresult *res;

  if (g_strcmp0 (field, "phone") == 0)
    sql = "SELECT phone_bidx FROM residents WHERE id = $1 AND "
          "($2::bigint = 0 OR estate_id = $2::bigint)";
  else if (g_strcmp0 (field, "id_number") == 0)
    sql = "SELECT id_bidx FROM residents WHERE id = $1 AND "
          "($2::bigint = 0 OR estate_id = $2::bigint)";
  else
    return FALSE;
  fd_pg_arg_int (&a, id);
  fd_pg_arg_int (&a, SCOPE (SELF (store)));
  res = fd_pg_query (SELF (store), sql, &a, NULL);
  if (res != NULL && PQntuples (res) == 1)
    stored = fd_pg_text (res, 0, 0);
  g_clear_pointer (&res, PQclear);
  if (stored == NULL || *stored == '\0')
    return FALSE;
  bidx = fd_crypto_blind_index (store->keys, field, value);
  return fd_const_time_equal (stored, bidx);
}

gboolean
fd_pg_room_exists (FdStore *store, const char *room)
{
  FdPgArgs a = { 0 };
  PGresult *res;
  gboolean found;

  fd_pg_arg_text (&a, room);
  fd_pg_arg_int (&a, SCOPE (SELF (store)));
  res = fd_pg_query (SELF (store), "SELECT 1 FROM rooms WHERE room = $1 AND "
                                   "($2::bigint = 0 OR estate_id = $2::bigint) LIMIT 1", &a, NULL);
  found = res != NULL && PQntuples (res) == 1;
  g_clear_pointer (&res, PQclear);
  return found;
}

GPtrArray *
fd_pg_room_search (FdStore *store, const char *prefix, guint limit)
{
  GPtrArray *rooms = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_room_record_free);
  /* Whole segments: "3-2" matches "3-2" itself and "3-2-…", never "3-21-…".
   * The prefix is validated by the caller (digits and dashes only). The
   * room number matches as a prefix, as on SQLite (contract v1.1, issue
   * 14): "3-2-15" matches 3-2-1502. */
  const char *dash = strchr (prefix, '-');
  g_autofree char *pattern = g_strconcat (prefix, dash != NULL && strchr (dash + 1, '-') != NULL
                                                    ? "%" : "-%", NULL);
  FdPgArgs a = { 0 };
  PGresult *res;

  fd_pg_arg_text (&a, prefix);
  fd_pg_arg_text (&a, pattern);
  fd_pg_arg_int (&a, limit);
  fd_pg_arg_int (&a, SCOPE (SELF (store)));
  res = fd_pg_query (SELF (store),
                     "SELECT room, (SELECT count(*) FROM residents r WHERE "
                     "r.estate_id = rooms.estate_id AND r.room = rooms.room) FROM rooms "
                     "WHERE (room = $1 OR room LIKE $2) AND "
                     "($4::bigint = 0 OR estate_id = $4::bigint) "
                     "ORDER BY building, unit, number, estate_id LIMIT $3", &a, NULL);
  for (int i = 0; res != NULL && i < PQntuples (res); i++)
    {
      FdRoomRecord *room = g_new0 (FdRoomRecord, 1);

      room->room = fd_pg_text (res, i, 0);
      room->residents = (guint) fd_pg_int (res, i, 1);
      g_ptr_array_add (rooms, room);
    }
  g_clear_pointer (&res, PQclear);
  return rooms;
}
