/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PostgreSQL engine: the hash-chained audit log, serialised in the database. */

#include "config.h"

#include "fd-store-engine.h"
#include "fd-store-pg-move.h"
#include "fd-store-pg-private.h"

/* One chain for the whole company, whatever the estate of each entry
 * (entries of estate 0 are company-wide and command-line ones). An
 * append locks the one row of audit_head FOR UPDATE, takes its seq and
 * hash as the new entry's predecessor, and moves the head — with its
 * keyed anchor (a forger with write access to the database but not the
 * key file can rebuild an unkeyed chain, not this), as the SQLite engine
 * keeps one in its settings — in the
 * same transaction: two server processes appending at once queue on
 * that lock, and the chain stays one line. The server's role may only
 * SELECT and INSERT audit_log (the schema's grants). */

#define AUDIT_COLUMNS \
  "seq, at, actor, actor_id, role, session_hash, workstation, ip, action, target, field, " \
  "reason_code, reason_text, outcome, prev_hash, hash, estate_id"

#define GENESIS_HASH "0000000000000000000000000000000000000000000000000000000000000000"

void
fd_pg_audit_from_row (PGresult     *res,
                      int           i,
                      FdAuditEntry *e)
{
  e->seq = fd_pg_int (res, i, 0);
  e->at = fd_pg_text (res, i, 1);
  e->actor = fd_pg_text (res, i, 2);
  e->actor_id = fd_pg_int (res, i, 3);
  e->role = fd_pg_text (res, i, 4);
  e->session_hash = fd_pg_text (res, i, 5);
  e->workstation = fd_pg_text (res, i, 6);
  e->ip = fd_pg_text (res, i, 7);
  e->action = fd_pg_text (res, i, 8);
  e->target = fd_pg_text (res, i, 9);
  e->field = fd_pg_text (res, i, 10);
  e->reason_code = fd_pg_text (res, i, 11);
  e->reason_text = fd_pg_text (res, i, 12);
  e->outcome = fd_pg_text (res, i, 13);
  e->prev_hash = fd_pg_text (res, i, 14);
  e->hash = fd_pg_text (res, i, 15);
  e->estate_id = fd_pg_int (res, i, 16);
}

/* Locks the chain's head for the open transaction (once: it keeps it
 * to the commit) and reads it into head_seq and head_hash. */
gboolean
fd_pg_audit_head_take (FdStorePg  *self,
                       GError    **error)
{
  PGresult *res;
  gboolean ok;

  if (self->head_held)
    return TRUE;
  res = fd_pg_run (self, "SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE", NULL, error);
  ok = res != NULL && PQntuples (res) == 1;
  if (ok)
    {
      self->head_held = TRUE;
      self->head_seq = fd_pg_int (res, 0, 0);
      g_free (self->head_hash);
      self->head_hash = fd_pg_text (res, 0, 1);
    }
  else if (res != NULL)
    g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL, "audit log: the head row is missing");
  g_clear_pointer (&res, PQclear);
  return ok;
}

gboolean
fd_pg_audit_append (FdStore *store, FdAuditEntry *entry, GError **error)
{
  FdStorePg *self = SELF (store);
  FdPgArgs a = { 0 };
  gboolean own, ok;
  gint64 estate = entry->estate_id != FD_ESTATE_ALL ? entry->estate_id : SCOPE (self);

  if (entry->estate_id != FD_ESTATE_ALL && SCOPE (self) != FD_ESTATE_ALL &&
      entry->estate_id != SCOPE (self))
    {
      g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL, "An audit entry of another estate");
      return FALSE;
    }
  /* the estate is part of the hash (fd_audit_entry_compute_hash) */
  entry->estate_id = estate;
  /* the server's group commit: written with the batch (fd-store-pg-commit.c) */
  if (self->in_tx && self->caller_tx)
    return fd_pg_audit_defer (self, entry);
  if (!fd_pg_op_begin (self, &own, error))
    return FALSE;
  ok = fd_pg_audit_head_take (self, error);
  if (ok)
    {
      entry->seq = self->head_seq + 1;
      g_free (entry->prev_hash);
      entry->prev_hash = g_strdup (self->head_hash);
      g_free (entry->hash);
      entry->hash = fd_audit_entry_compute_hash (entry);
      fd_pg_arg_int (&a, entry->seq);
      fd_pg_arg_text (&a, entry->at);
      fd_pg_arg_text (&a, entry->actor);
      fd_pg_arg_int (&a, entry->actor_id);
      fd_pg_arg_text (&a, entry->role);
      fd_pg_arg_text (&a, entry->session_hash);
      fd_pg_arg_text (&a, entry->workstation);
      fd_pg_arg_text (&a, entry->ip);
      fd_pg_arg_text (&a, entry->action);
      fd_pg_arg_text (&a, entry->target);
      fd_pg_arg_text (&a, entry->field);
      fd_pg_arg_text (&a, entry->reason_code);
      fd_pg_arg_text (&a, entry->reason_text);
      fd_pg_arg_text (&a, entry->outcome);
      fd_pg_arg_text (&a, entry->prev_hash);
      fd_pg_arg_text (&a, entry->hash);
      fd_pg_arg_int (&a, estate);
      ok = fd_pg_changes_ok (fd_pg_run (self, "INSERT INTO audit_log (" AUDIT_COLUMNS ") VALUES "
                                        "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, "
                                        "$14, $15, $16, $17)", &a, error));
    }
  if (ok)
    {
      self->head_seq = entry->seq;
      g_free (self->head_hash);
      self->head_hash = g_strdup (entry->hash);
      self->head_dirty = TRUE;
    }
  return fd_pg_op_end (self, own, ok, error);
}

static gboolean
is_hex (const char *text)
{
  for (const char *c = text; *c != '\0'; c++)
    if (!g_ascii_isxdigit (*c))
      return FALSE;
  return *text != '\0';
}

char *
fd_pg_audit_head_release (FdStorePg *self)
{
  g_autofree char *mac = NULL;
  char *sql = g_strdup ("");

  if (self->head_dirty)
    {
      mac = fd_engine_audit_anchor_mac (self->parent.keys, self->head_seq, self->head_hash);
      /* every value is ours: an integer and two lowercase hex digests */
      g_assert (is_hex (self->head_hash) && is_hex (mac));
      g_free (sql);
      sql = g_strdup_printf ("UPDATE audit_head SET seq = %" G_GINT64_FORMAT ", hash = '%s', "
                             "mac = '%s' WHERE id = 1; ", self->head_seq, self->head_hash, mac);
    }
  self->head_held = FALSE;
  self->head_dirty = FALSE;
  fd_pg_audit_pending_drop (self);   /* written by now, or rolled back */
  g_clear_pointer (&self->head_hash, g_free);
  return sql;
}

GPtrArray *
fd_pg_audit_list (FdStore *store, const FdAuditQuery *q)
{
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_audit_entry_free);
  FdPgArgs a = { 0 };
  PGresult *res;

  fd_pg_arg_text (&a, q->since);
  fd_pg_arg_text (&a, q->until);
  fd_pg_arg_text (&a, q->actor);
  fd_pg_arg_text (&a, q->action);
  fd_pg_arg_int (&a, q->before_seq);
  fd_pg_arg_int (&a, q->limit);
  fd_pg_arg_int (&a, SCOPE (SELF (store)));
  res = fd_pg_query (SELF (store),
                     "SELECT " AUDIT_COLUMNS " FROM audit_log WHERE "
                     "($1::text IS NULL OR at >= $1) AND ($2::text IS NULL OR at < $2) AND "
                     "($3::text IS NULL OR actor = $3) AND ($4::text IS NULL OR action = $4) AND "
                     "($5::bigint = 0 OR seq < $5) AND ($7::bigint = 0 OR estate_id = $7) "
                     "ORDER BY seq DESC LIMIT $6", &a, NULL);
  for (int i = 0; res != NULL && i < PQntuples (res); i++)
    {
      FdAuditEntry *e = g_new0 (FdAuditEntry, 1);
      fd_pg_audit_from_row (res, i, e);
      g_ptr_array_add (items, e);
    }
  g_clear_pointer (&res, PQclear);
  return items;
}

guint
fd_pg_audit_count (FdStore *store, gint64 actor_id, const char *action, const char *outcome,
                   const char *target, const char *since, gboolean distinct_targets)
{
  FdPgArgs a = { 0 };
  PGresult *res;
  guint n = G_MAXUINT;

  fd_pg_arg_int (&a, actor_id);
  fd_pg_arg_text (&a, action);
  fd_pg_arg_text (&a, since);
  fd_pg_arg_text (&a, outcome);
  fd_pg_arg_text (&a, target);
  fd_pg_arg_int (&a, SCOPE (SELF (store)));
  res = fd_pg_query (SELF (store), distinct_targets
                     ? "SELECT count(DISTINCT target) FROM audit_log WHERE actor_id = $1 AND "
                       "action = $2 AND at >= $3 AND ($4::text IS NULL OR outcome = $4) AND "
                       "($5::text IS NULL OR target = $5) AND "
                       "($6::bigint = 0 OR estate_id = $6)"
                     : "SELECT count(*) FROM audit_log WHERE actor_id = $1 AND "
                       "action = $2 AND at >= $3 AND ($4::text IS NULL OR outcome = $4) AND "
                       "($5::text IS NULL OR target = $5) AND "
                       "($6::bigint = 0 OR estate_id = $6)", &a, NULL);
  if (res != NULL && PQntuples (res) == 1)
    n = (guint) fd_pg_int (res, 0, 0);
  g_clear_pointer (&res, PQclear);
  return n;
}

/* Checks the head row against the chain's last entry: 0 when they
 * agree, else the first seq that cannot be trusted. */
static gint64
check_head (FdKeys     *keys,
            gint64      head_seq,
            const char *head_hash,
            const char *head_mac,
            gint64      last_seq,
            const char *last_hash)
{
  g_autofree char *mac = NULL;

  if (head_seq == 0 && last_seq == 0)
    return 0;
  mac = fd_engine_audit_anchor_mac (keys, head_seq, head_hash);
  if (head_mac == NULL || !fd_const_time_equal (mac, head_mac))
    return 1;
  if (head_seq > last_seq)
    return last_seq + 1;        /* rows were cut off the end */
  if (head_seq < last_seq)
    return head_seq + 1;        /* rows were added behind the server's back */
  return g_strcmp0 (head_hash, last_hash) == 0 ? 0 : last_seq;
}

/* Walks the chain on a connection of its own (a worker thread may call
 * it), in one REPEATABLE READ snapshot so that the head and the rows
 * agree while servers keep appending. */
gboolean
fd_pg_audit_verify (FdStore *store, gint64 *n_entries, gint64 *first_bad_seq, GError **error)
{
  FdStorePg *self = SELF (store);
  PGconn *conn = fd_pg_connect (self->conninfo, self->password, error);
  g_autofree char *prev = g_strdup (GENESIS_HASH);
  g_autofree char *head_hash = NULL, *head_mac = NULL;
  gint64 expected_seq = 1, n = 0, head_seq = 0, imported = 0, imported_bad = 0;
  gboolean ok = TRUE, done = FALSE, imported_ok;
  g_autoptr(GError) imported_error = NULL;
  PGresult *res;

  *first_bad_seq = 0;
  *n_entries = 0;
  if (conn == NULL)
    return FALSE;
  if (!fd_pg_exec (conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; "
                         "SELECT set_config ('frontdesk.estate', '*', true)", error) ||
      !fd_pg_exec (conn, "DECLARE fd_chain NO SCROLL CURSOR FOR SELECT " AUDIT_COLUMNS
                         " FROM audit_log ORDER BY seq", error))
    {
      PQfinish (conn);
      return FALSE;
    }
  res = PQexec (conn, "SELECT seq, hash, mac FROM audit_head WHERE id = 1");
  if (PQresultStatus (res) == PGRES_TUPLES_OK && PQntuples (res) == 1)
    {
      head_seq = fd_pg_int (res, 0, 0);
      head_hash = fd_pg_text (res, 0, 1);
      head_mac = fd_pg_text (res, 0, 2);
    }
  PQclear (res);

  while (!done)
    {
      int rows;

      res = PQexec (conn, "FETCH 10000 FROM fd_chain");
      if (PQresultStatus (res) != PGRES_TUPLES_OK)
        {
          g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL, "audit log: %s", PQerrorMessage (conn));
          PQclear (res);
          PQfinish (conn);
          return FALSE;
        }
      rows = PQntuples (res);
      done = rows == 0;
      for (int i = 0; i < rows; i++)
        {
          FdAuditEntry e = { 0 };
          g_autofree char *hash = NULL;

          n++;
          if (!ok)
            continue;   /* count the rest for the report */
          fd_pg_audit_from_row (res, i, &e);
          hash = fd_audit_entry_compute_hash (&e);
          if (e.seq != expected_seq || g_strcmp0 (e.prev_hash, prev) != 0 ||
              g_strcmp0 (e.hash, hash) != 0)
            {
              /* A missing row shows as a gap: name the first seq not where it should be. */
              *first_bad_seq = e.seq != expected_seq ? MIN (e.seq, expected_seq) : e.seq;
              ok = FALSE;
            }
          else
            {
              g_free (prev);
              prev = g_strdup (e.hash);
              expected_seq++;
            }
          fd_audit_entry_clear (&e);
        }
      PQclear (res);
    }
  /* issue 16: the histories of offices moved in, in the same snapshot */
  imported_ok = fd_pg_imported_verify (conn, n, &imported, &imported_bad, &imported_error);
  if (imported_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&imported_error));
      PQfinish (conn);
      return FALSE;
    }
  fd_pg_exec (conn, "COMMIT", NULL);
  PQfinish (conn);
  if (ok)
    {
      gint64 bad = check_head (store->keys, head_seq, head_hash, head_mac, expected_seq - 1, prev);
      if (bad != 0)
        {
          ok = FALSE;
          *first_bad_seq = bad;
        }
    }
  if (ok && !imported_ok)
    {
      ok = FALSE;
      *first_bad_seq = imported_bad;
    }
  *n_entries = n + imported;
  return ok;
}
