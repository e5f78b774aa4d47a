/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PostgreSQL engine: what `frontdesk-server move-store` writes (issue 16). */

#include "config.h"

#include <stdio.h>

#include "fd-estates.h"
#include "fd-store-pg-move.h"
#include "fd-store-pg-private.h"

#define MOVE_LOCK "7046116"
#define GENESIS_HASH "0000000000000000000000000000000000000000000000000000000000000000"

void
fd_pg_move_clear (FdPgMove *move)
{
  g_clear_pointer (&move->stage, g_free);
}

gboolean
fd_pg_move_lock (FdStore  *store,
                 GError  **error)
{
  PGresult *res = PQexec (SELF (store)->conn, "SELECT pg_try_advisory_lock (" MOVE_LOCK ")");
  gboolean ok = PQresultStatus (res) == PGRES_TUPLES_OK && PQntuples (res) == 1 &&
                g_str_equal (PQgetvalue (res, 0, 0), "t");

  if (!ok)
    g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                 "Another move-store is running on this database: wait for it to end");
  PQclear (res);
  return ok;
}

gint64
fd_pg_move_estate_rows (FdStore  *store,
                        gint64    estate_id,
                        GError  **error)
{
  FdPgArgs a = { 0 };
  PGresult *res;
  gint64 n = -1;

  fd_pg_arg_int (&a, estate_id);
  res = fd_pg_query_every_estate (SELF (store),
                                  "SELECT (SELECT count(*) FROM residents WHERE estate_id = $1) + "
                                  "(SELECT count(*) FROM visitors WHERE estate_id = $1) + "
                                  "(SELECT count(*) FROM alerts WHERE estate_id = $1) + "
                                  "(SELECT count(*) FROM audit_log WHERE estate_id = $1) + "
                                  "(SELECT count(*) FROM audit_imported WHERE estate_id = $1)",
                                  &a, error);
  if (res != NULL && PQntuples (res) == 1)
    n = fd_pg_int (res, 0, 0);
  g_clear_pointer (&res, PQclear);
  return n;
}

/* Reads the move into @estate_id: FALSE without @error when there is none. */
static gboolean
read_move (FdStorePg  *self,
           gint64      estate_id,
           char      **source,
           gint64     *finished_at,
           FdPgMove   *move,
           GError    **error)
{
  FdPgArgs a = { 0 };
  PGresult *res;
  gboolean found;

  fd_pg_arg_int (&a, estate_id);
  res = fd_pg_run (self, "SELECT source, stage, last_id, finished_at FROM store_moves "
                         "WHERE estate_id = $1 FOR UPDATE", &a, error);
  found = res != NULL && PQntuples (res) == 1;
  if (found)
    {
      *source = fd_pg_text (res, 0, 0);
      g_free (move->stage);
      move->stage = fd_pg_text (res, 0, 1);
      move->last_id = fd_pg_int (res, 0, 2);
      *finished_at = fd_pg_int (res, 0, 3);
    }
  g_clear_pointer (&res, PQclear);
  return found;
}

static gboolean
start_in_tx (FdStore     *store,
             const char  *code,
             const char  *name,
             const char  *source,
             FdPgMove    *move,
             GError     **error)
{
  FdStorePg *self = SELF (store);
  g_autoptr(GPtrArray) estates = fd_pg_estate_list (store);
  FdEstateRecord *estate = fd_estate_find_code (estates, code);
  g_autofree char *old_source = NULL;
  gint64 finished_at = 0, rows;
  FdPgArgs a = { 0 };

  move->estate_id = estate != NULL ? estate->id : fd_pg_estate_insert (store, code, name, error);
  if (move->estate_id == 0)
    return FALSE;
  if (read_move (self, move->estate_id, &old_source, &finished_at, move, error))
    {
      if (finished_at != 0)
        {
          g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                       "An office was already moved into estate %s: refusing to run twice into "
                       "the same estate", code);
          return FALSE;
        }
      if (g_strcmp0 (old_source, source) != 0)
        {
          g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                       "A move of another office (or of this office since changed) into "
                       "estate %s was begun and not finished: refusing to mix two offices in "
                       "one estate", code);
          return FALSE;
        }
      move->resumed = TRUE;
      return TRUE;
    }
  if (error != NULL && *error != NULL)
    return FALSE;
  rows = fd_pg_move_estate_rows (store, move->estate_id, error);
  if (rows != 0)
    {
      if (rows > 0)
        g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                     "Estate %s already holds data: refusing to run twice into the same "
                     "estate (move an office into a new estate code)", code);
      return FALSE;
    }
  fd_pg_arg_int (&a, move->estate_id);
  fd_pg_arg_text (&a, source);
  fd_pg_arg_int (&a, g_get_real_time ());
  g_free (move->stage);
  move->stage = g_strdup ("users");
  move->last_id = 0;
  return fd_pg_changes_ok (fd_pg_run (self, "INSERT INTO store_moves (estate_id, source, stage, "
                                            "started_at) VALUES ($1, $2, 'users', $3)",
                                      &a, error));
}

gboolean
fd_pg_move_start (FdStore     *store,
                  const char  *code,
                  const char  *name,
                  const char  *source,
                  gboolean   (*check) (gpointer data, GError **error),
                  gpointer     data,
                  FdPgMove    *move,
                  GError     **error)
{
  gint64 scope = store->scope;
  gboolean ok;

  fd_store_set_scope (store, FD_ESTATE_ALL);
  ok = FD_STORE_CALL (store, begin, error) &&
       start_in_tx (store, code, name, source, move, error) &&
       (!g_str_equal (move->stage, "users") || check (data, error));
  if (ok)
    ok = FD_STORE_CALL (store, commit, error);
  else
    FD_STORE_CALL0 (store, rollback);
  fd_store_set_scope (store, scope);
  return ok;
}

gboolean
fd_pg_move_progress (FdStore     *store,
                     FdPgMove    *move,
                     const char  *stage,
                     gint64       last_id,
                     GError     **error)
{
  FdPgArgs a = { 0 };

  fd_pg_arg_int (&a, move->estate_id);
  fd_pg_arg_text (&a, stage);
  fd_pg_arg_int (&a, last_id);
  if (!fd_pg_changes_ok (fd_pg_run (SELF (store), "UPDATE store_moves SET stage = $2, "
                                                  "last_id = $3 WHERE estate_id = $1",
                                    &a, error)))
    return FALSE;
  if (g_strcmp0 (move->stage, stage) != 0)
    {
      g_free (move->stage);
      move->stage = g_strdup (stage);
    }
  move->last_id = last_id;
  return TRUE;
}

gboolean
fd_pg_move_finish (FdStore   *store,
                   FdPgMove  *move,
                   GError   **error)
{
  FdPgArgs a = { 0 };

  fd_pg_arg_int (&a, move->estate_id);
  fd_pg_arg_int (&a, g_get_real_time ());
  return fd_pg_changes_ok (fd_pg_run (SELF (store), "UPDATE store_moves SET stage = 'done', "
                                                    "finished_at = $2 WHERE estate_id = $1",
                                      &a, error));
}

gboolean
fd_pg_move_room (FdStore     *store,
                 gint64       estate_id,
                 const char  *room,
                 gint64       building,
                 gint64       unit,
                 gint64       number,
                 GError     **error)
{
  FdPgArgs a = { 0 };

  fd_pg_arg_int (&a, estate_id);
  fd_pg_arg_text (&a, room);
  fd_pg_arg_int (&a, building);
  fd_pg_arg_int (&a, unit);
  fd_pg_arg_int (&a, number);
  return fd_pg_changes_ok (fd_pg_run (SELF (store), "INSERT INTO rooms (estate_id, room, "
                                                    "building, unit, number) VALUES ($1, $2, "
                                                    "$3, $4, $5) ON CONFLICT DO NOTHING",
                                      &a, error));
}

gboolean
fd_pg_move_visitor (FdStore                *store,
                    gint64                  estate_id,
                    const FdVisitorRecord  *v,
                    const char             *phone,
                    const char             *id_number,
                    GError                **error)
{
  FdStorePg *self = SELF (store);
  g_autofree char *phone_aad = NULL, *id_aad = NULL;
  g_autoptr(GBytes) phone_enc = NULL, id_enc = NULL;
  FdPgArgs a = { 0 };
  PGresult *res;
  gint64 id;

  res = fd_pg_run (self, "SELECT nextval ('visitors_id_seq')", NULL, error);
  if (res == NULL)
    return FALSE;
  id = fd_pg_int (res, 0, 0);
  PQclear (res);
  phone_aad = make_aad ("visitors", id, "phone");
  id_aad = make_aad ("visitors", id, "id_number");
  if (phone != NULL && *phone != '\0' &&
      (phone_enc = fd_crypto_seal (store->keys, phone, phone_aad, error)) == NULL)
    return FALSE;
  if (id_number != NULL && *id_number != '\0' &&
      (id_enc = fd_crypto_seal (store->keys, id_number, id_aad, error)) == NULL)
    return FALSE;
  fd_pg_arg_int (&a, estate_id);
  fd_pg_arg_int (&a, id);
  fd_pg_arg_text (&a, v->name);
  fd_pg_arg_bytes (&a, phone_enc);
  fd_pg_arg_text (&a, v->phone_masked);
  fd_pg_arg_bytes (&a, id_enc);
  fd_pg_arg_text (&a, v->id_masked);
  fd_pg_arg_text (&a, v->room);
  fd_pg_arg_text (&a, v->purpose);
  fd_pg_arg_text (&a, v->plate);
  fd_pg_arg_int (&a, v->arrived_at);
  fd_pg_arg_int (&a, v->left_at);
  fd_pg_arg_text (&a, v->registered_by);
  return fd_pg_changes_ok (fd_pg_run (self, "INSERT INTO visitors (estate_id, id, name, "
                                            "phone_enc, phone_masked, id_enc, id_masked, room, "
                                            "purpose, plate, arrived_at, left_at, registered_by) "
                                            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
                                            "$11, $12, $13)", &a, error));
}

gboolean
fd_pg_move_alert (FdStore              *store,
                  gint64                estate_id,
                  const FdAlertRecord  *alert,
                  GError              **error)
{
  FdPgArgs a = { 0 };

  fd_pg_arg_int (&a, estate_id);
  fd_pg_arg_text (&a, alert->at);
  fd_pg_arg_text (&a, alert->kind);
  fd_pg_arg_text (&a, alert->actor);
  fd_pg_arg_text (&a, alert->detail);
  return fd_pg_changes_ok (fd_pg_run (SELF (store), "INSERT INTO alerts (estate_id, at, kind, "
                                                    "actor, detail) VALUES ($1, $2, $3, $4, $5)",
                                      &a, error));
}

#define IMPORTED_COLUMNS \
  "seq, at, actor, actor_id, role, session_hash, workstation, ip, action, target, field, " \
  "reason_code, reason_text, outcome, prev_hash, hash, orig_estate_id"

gboolean
fd_pg_move_audit (FdStore             *store,
                  gint64               estate_id,
                  const FdAuditEntry  *e,
                  GError             **error)
{
  FdPgArgs a = { 0 };

  fd_pg_arg_int (&a, e->seq);
  fd_pg_arg_text (&a, e->at);
  fd_pg_arg_text (&a, e->actor);
  fd_pg_arg_int (&a, e->actor_id);
  fd_pg_arg_text (&a, e->role);
  fd_pg_arg_text (&a, e->session_hash);
  fd_pg_arg_text (&a, e->workstation);
  fd_pg_arg_text (&a, e->ip);
  fd_pg_arg_text (&a, e->action);
  fd_pg_arg_text (&a, e->target);
  fd_pg_arg_text (&a, e->field);
  fd_pg_arg_text (&a, e->reason_code);
  fd_pg_arg_text (&a, e->reason_text);
  fd_pg_arg_text (&a, e->outcome);
  fd_pg_arg_text (&a, e->prev_hash);
  fd_pg_arg_text (&a, e->hash);
  fd_pg_arg_int (&a, e->estate_id);
  fd_pg_arg_int (&a, estate_id);
  return fd_pg_changes_ok (fd_pg_run (SELF (store),
                                      "INSERT INTO audit_imported (" IMPORTED_COLUMNS
                                      ", estate_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
                                      "$10, $11, $12, $13, $14, $15, $16, $17, $18)",
                                      &a, error));
}

/* verify */

/* @sql's rows, or NULL with @error set. */
static PGresult *
read_rows (PGconn      *conn,
           const char  *sql,
           GError     **error)
{
  PGresult *res = PQexec (conn, sql);

  if (PQresultStatus (res) == PGRES_TUPLES_OK)
    return res;
  g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL, "audit log: %s", PQerrorMessage (conn));
  PQclear (res);
  return NULL;
}


/* Walks the imported chain of @estate_id: 1 when it runs from seq 1 with
 * every link and hash right and ends at @want_seq with @want_hash, 0 when
 * not, -1 with @error when it could not be read. */
static int
walk_imported (PGconn      *conn,
               gint64       estate_id,
               gint64       want_seq,
               const char  *want_hash,
               gint64      *n,
               GError     **error)
{
  g_autofree char *declare = NULL;
  g_autofree char *prev = g_strdup (GENESIS_HASH);
  gint64 expected = 1;
  gboolean ok = TRUE, done = FALSE;

  /* an integer formatted here, never text from outside */
  declare = g_strdup_printf ("DECLARE fd_imported NO SCROLL CURSOR FOR SELECT " IMPORTED_COLUMNS
                             " FROM audit_imported WHERE estate_id = %" G_GINT64_FORMAT
                             " ORDER BY seq", estate_id);
  if (!fd_pg_exec (conn, declare, error))
    return -1;
  while (!done)
    {
      PGresult *res = read_rows (conn, "FETCH 10000 FROM fd_imported", error);
      int rows;

      if (res == NULL)
        return -1;
      rows = PQntuples (res);
      done = rows == 0;
      for (int i = 0; i < rows; i++)
        {
          FdAuditEntry e = { 0 };
          g_autofree char *hash = NULL;

          (*n)++;
          if (!ok)
            continue;
          fd_pg_audit_from_row (res, i, &e);
          hash = fd_audit_entry_compute_hash (&e);
          if (e.seq != expected || g_strcmp0 (e.prev_hash, prev) != 0 ||
              g_strcmp0 (e.hash, hash) != 0)
            ok = FALSE;
          else
            {
              g_free (prev);
              prev = g_strdup (e.hash);
              expected++;
            }
          fd_audit_entry_clear (&e);
        }
      PQclear (res);
    }
  fd_pg_exec (conn, "CLOSE fd_imported", NULL);
  return ok && expected - 1 == want_seq &&
         (want_seq == 0 || g_strcmp0 (prev, want_hash) == 0);
}

gboolean
fd_pg_imported_verify (PGconn  *conn,
                       gint64   company_entries,
                       gint64  *n_entries,
                       gint64  *first_bad_seq,
                       GError **error)
{
  g_autoptr(GHashTable) anchored = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                          NULL);
  PGresult *res;
  gboolean ok = TRUE;

  *n_entries = 0;
  res = read_rows (conn, "SELECT seq, estate_id, reason_text FROM audit_log "
                         "WHERE action = 'store-move' ORDER BY seq", error);
  if (res == NULL)
    return FALSE;
  for (int i = 0; i < PQntuples (res); i++)
    {
      gint64 seq = fd_pg_int (res, i, 0), estate = fd_pg_int (res, i, 1), want_seq = -1;
      const char *text = PQgetvalue (res, i, 2);
      char want_hash[65] = "";
      int walked = 0;
      gint64 *key;

      if (sscanf (text, FD_PG_MOVE_ANCHOR_PREFIX "%" G_GINT64_FORMAT " entries, head %64s",
                  &want_seq, want_hash) == 2 &&
          !g_hash_table_contains (anchored, &estate))
        walked = walk_imported (conn, estate, want_seq, want_hash, n_entries, error);
      if (walked < 0)
        {
          PQclear (res);
          return FALSE;
        }
      if (walked == 0)
        {
          if (ok)
            *first_bad_seq = seq;
          ok = FALSE;
        }
      key = g_new (gint64, 1);
      *key = estate;
      g_hash_table_add (anchored, key);
    }
  PQclear (res);

  /* imported rows that no move accounts for: neither anchored nor in a
   * move still running (whose anchor comes at its end) */
  res = read_rows (conn, "SELECT DISTINCT i.estate_id FROM audit_imported i WHERE NOT EXISTS "
                         "(SELECT 1 FROM store_moves m WHERE m.estate_id = i.estate_id "
                         "AND m.finished_at = 0)", error);
  if (res == NULL)
    return FALSE;
  for (int i = 0; i < PQntuples (res); i++)
    {
      gint64 estate = fd_pg_int (res, i, 0);

      if (!g_hash_table_contains (anchored, &estate))
        {
          if (ok)
            *first_bad_seq = company_entries + 1;
          ok = FALSE;
        }
    }
  PQclear (res);
  return ok;
}
