/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PostgreSQL engine: visitor registrations, their retention, and alerts. */

#include "config.h"

#include "fd-mask.h"
#include "fd-store-pg-private.h"

/* visitors: the estate is the request's (the scope); the id is taken
 * from the sequence first, since it is part of the sealed columns'
 * associated data. */

gint64
fd_pg_visitor_insert (FdStore *store, const char *name, const char *phone,
                      const char *id_number, const char *room, const char *purpose,
                      const char *plate, gint64 arrived_at, const char *registered_by,
                      GError **error)
{
  FdStorePg *self = SELF (store);
  g_autofree char *phone_masked = fd_mask_mobile (phone);
  g_autofree char *id_masked = id_number ? fd_mask_id_number (id_number) : NULL;
  g_autofree char *phone_aad = NULL, *id_aad = NULL;
  g_autoptr(GBytes) phone_enc = NULL, id_enc = NULL;
  gint64 estate = fd_pg_write_estate (self, FD_ESTATE_ALL, error);
  FdPgArgs a = { 0 };
  PGresult *res;
  gboolean own, ok;
  gint64 id = 0;

  if (estate == 0 || !fd_pg_op_begin (self, &own, error))
    return 0;
  res = fd_pg_run (self, "SELECT nextval ('visitors_id_seq')", NULL, error);
  ok = res != NULL;
  if (ok)
    id = fd_pg_int (res, 0, 0);
  g_clear_pointer (&res, PQclear);
  phone_aad = make_aad ("visitors", id, "phone");
  id_aad = make_aad ("visitors", id, "id_number");
  if (ok && phone != NULL && *phone != '\0')
    ok = (phone_enc = fd_crypto_seal (store->keys, phone, phone_aad, error)) != NULL;
  if (ok && id_number != NULL && *id_number != '\0')
    ok = (id_enc = fd_crypto_seal (store->keys, id_number, id_aad, error)) != NULL;
  if (ok)
    {
      fd_pg_arg_int (&a, estate);
      fd_pg_arg_int (&a, id);
      fd_pg_arg_text (&a, name);
      fd_pg_arg_bytes (&a, phone_enc);
      fd_pg_arg_text (&a, phone_masked);
      fd_pg_arg_bytes (&a, id_enc);
      fd_pg_arg_text (&a, id_masked);
      fd_pg_arg_text (&a, room);
      fd_pg_arg_text (&a, purpose);
      fd_pg_arg_text (&a, plate);
      fd_pg_arg_int (&a, arrived_at);
      fd_pg_arg_text (&a, registered_by);
      ok = fd_pg_changes_ok (fd_pg_run (self,
                                        "INSERT INTO visitors (estate_id, id, name, phone_enc, "
                                        "phone_masked, id_enc, id_masked, room, purpose, plate, "
                                        "arrived_at, registered_by) VALUES ($1, $2, $3, $4, $5, "
                                        "$6, $7, $8, $9, $10, $11, $12)", &a, error));
    }
  return fd_pg_op_end (self, own, ok, error) ? id : 0;
}

#define VISITOR_SELECT \
  "SELECT id, name, phone_masked, id_masked, room, purpose, plate, arrived_at, left_at, " \
  "registered_by, estate_id FROM visitors "

static GPtrArray *
visitors_from (PGresult *res)
{
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_visitor_record_free);

  for (int i = 0; res != NULL && i < PQntuples (res); i++)
    {
      FdVisitorRecord *v = g_new0 (FdVisitorRecord, 1);

      v->id = fd_pg_int (res, i, 0);
      v->name = fd_pg_text (res, i, 1);
      v->phone_masked = fd_pg_text (res, i, 2);
      v->id_masked = fd_pg_text (res, i, 3);
      v->room = fd_pg_text (res, i, 4);
      v->purpose = fd_pg_text (res, i, 5);
      v->plate = fd_pg_text (res, i, 6);
      v->arrived_at = fd_pg_int (res, i, 7);
      v->left_at = fd_pg_int (res, i, 8);
      v->registered_by = fd_pg_text (res, i, 9);
      v->estate_id = fd_pg_int (res, i, 10);
      g_ptr_array_add (items, v);
    }
  g_clear_pointer (&res, PQclear);
  return items;
}

FdVisitorRecord *
fd_pg_visitor_get (FdStore *store, gint64 id)
{
  FdPgArgs a = { 0 };
  g_autoptr(GPtrArray) items = NULL;

  fd_pg_arg_int (&a, id);
  fd_pg_arg_int (&a, SCOPE (SELF (store)));
  items = visitors_from (fd_pg_query (SELF (store), VISITOR_SELECT "WHERE id = $1 AND "
                                      "($2::bigint = 0 OR estate_id = $2::bigint)", &a, NULL));
  return items->len == 1 ? g_ptr_array_steal_index (items, 0) : NULL;
}

GPtrArray *
fd_pg_visitor_list (FdStore *store, gint64 from, gint64 to, gint64 after_id, guint limit)
{
  FdPgArgs a = { 0 };

  fd_pg_arg_int (&a, from);
  fd_pg_arg_int (&a, to);
  fd_pg_arg_int (&a, after_id);
  fd_pg_arg_int (&a, limit);
  fd_pg_arg_int (&a, SCOPE (SELF (store)));
  return visitors_from (fd_pg_query (SELF (store),
                                     VISITOR_SELECT "WHERE arrived_at >= $1 AND arrived_at < $2 "
                                     "AND id > $3 AND ($5::bigint = 0 OR estate_id = $5::bigint) "
                                     "ORDER BY id LIMIT $4", &a, NULL));
}

gboolean
fd_pg_visitor_checkout (FdStore *store, gint64 id, gint64 at, GError **error)
{
  FdPgArgs a = { 0 };

  fd_pg_arg_int (&a, at);
  fd_pg_arg_int (&a, id);
  fd_pg_arg_int (&a, SCOPE (SELF (store)));
  return fd_pg_query_ok (SELF (store),
                         "UPDATE visitors SET left_at = $1 WHERE id = $2 AND left_at = 0 AND "
                         "($3::bigint = 0 OR estate_id = $3::bigint)", &a, error);
}

/* issue 14: Undo on Check Out, a compare-and-set on left_at: of two undos
 * (or an undo and a new check-out) the row changes at most once. */
gboolean
fd_pg_visitor_undo_checkout (FdStore *store, gint64 id, gint64 left_at, GError **error)
{
  FdPgArgs a = { 0 };
  PGresult *res;

  fd_pg_arg_int (&a, id);
  fd_pg_arg_int (&a, left_at);
  fd_pg_arg_int (&a, SCOPE (SELF (store)));
  res = fd_pg_query (SELF (store),
                     "UPDATE visitors SET left_at = 0 WHERE id = $1 AND left_at = $2 AND "
                     "left_at <> 0 AND ($3::bigint = 0 OR estate_id = $3::bigint)", &a, error);
  return res != NULL && fd_pg_changes (res) == 1;
}

guint
fd_pg_visitors_purge (FdStore *store, gint64 older_than)
{
  FdPgArgs a = { 0 };

  fd_pg_arg_int (&a, older_than);
  fd_pg_arg_int (&a, SCOPE (SELF (store)));
  return fd_pg_changes (fd_pg_query (SELF (store),
                                     "DELETE FROM visitors WHERE arrived_at < $1 AND "
                                     "($2::bigint = 0 OR estate_id = $2::bigint)", &a, NULL));
}

/* alerts: of the request's estate, or 0 for a company-wide one */

gint64
fd_pg_alert_insert (FdStore *store, const char *kind, const char *actor, const char *detail,
                    GError **error)
{
  g_autofree char *at = fd_time_format_rfc3339 (g_get_real_time ());
  FdPgArgs a = { 0 };
  PGresult *res;
  gint64 id = 0;

  fd_pg_arg_int (&a, SCOPE (SELF (store)));
  fd_pg_arg_text (&a, at);
  fd_pg_arg_text (&a, kind);
  fd_pg_arg_text (&a, actor);
  fd_pg_arg_text (&a, detail);
  res = fd_pg_query (SELF (store),
                     "INSERT INTO alerts (estate_id, at, kind, actor, detail) "
                     "VALUES ($1, $2, $3, $4, $5) RETURNING id", &a, error);
  if (res != NULL && PQntuples (res) == 1)
    id = fd_pg_int (res, 0, 0);
  g_clear_pointer (&res, PQclear);
  return id;
}

GPtrArray *
fd_pg_alert_list (FdStore *store, guint limit)
{
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_alert_record_free);
  FdPgArgs a = { 0 };
  PGresult *res;

  fd_pg_arg_int (&a, limit);
  fd_pg_arg_int (&a, SCOPE (SELF (store)));
  res = fd_pg_query (SELF (store),
                     "SELECT id, at, kind, actor, detail, estate_id FROM alerts WHERE "
                     "($2::bigint = 0 OR estate_id = $2::bigint) ORDER BY id DESC LIMIT $1",
                     &a, NULL);
  for (int i = 0; res != NULL && i < PQntuples (res); i++)
    {
      FdAlertRecord *alert = g_new0 (FdAlertRecord, 1);

      alert->id = fd_pg_int (res, i, 0);
      alert->at = fd_pg_text (res, i, 1);
      alert->kind = fd_pg_text (res, i, 2);
      alert->actor = fd_pg_text (res, i, 3);
      alert->detail = fd_pg_text (res, i, 4);
      alert->estate_id = fd_pg_int (res, i, 5);
      g_ptr_array_add (items, alert);
    }
  g_clear_pointer (&res, PQclear);
  return items;
}

char *
fd_pg_alert_recent (FdStore *store, const char *kind, const char *actor, const char *since)
{
  FdPgArgs a = { 0 };
  PGresult *res;
  char *newest = NULL;

  fd_pg_arg_text (&a, kind);
  fd_pg_arg_text (&a, actor);
  fd_pg_arg_text (&a, since);
  fd_pg_arg_int (&a, SCOPE (SELF (store)));
  res = fd_pg_query (SELF (store),
                     "SELECT at FROM alerts WHERE kind = $1 AND actor = $2 AND at >= $3 AND "
                     "($4::bigint = 0 OR estate_id = $4::bigint) ORDER BY at DESC LIMIT 1", &a,
                     NULL);
  if (res != NULL && PQntuples (res) == 1)
    newest = fd_pg_text (res, 0, 0);
  g_clear_pointer (&res, PQclear);
  return newest;
}
