/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PostgreSQL engine: the audit entries of a group commit, written together at its end. */

#include "config.h"

#include <glib-unix.h>

#include "fd-store-pg-private.h"

/* Inside the caller's transaction (the server's group commit, issue 13)
 * an audit entry is not written when it is appended: it waits in memory,
 * with the residents its search listed, and the whole batch goes to the
 * database at the end, in one statement per estate scope, just before
 * COMMIT (close_transaction). So the chain's head row is locked
 * (SELECT … FOR UPDATE) only from that statement to the commit, not for
 * the whole batch, and a batch of N searches costs the database three
 * round trips (head, entries, commit) instead of 2N + 2: the chain is
 * still serialised in the database, and no answer leaves before its entry
 * is committed (the server releases the batch's answers after COMMIT).
 *
 * A statement that reads the audit log inside the transaction (a count
 * for a limit, the audit list) first writes what waits (fd_pg_run), so it
 * sees the batch's own entries as it did when they were written at once. */

typedef struct
{
  FdAuditEntry  entry;
  gint64        provisional; /* the seq the caller was given: < 0 */
  gint64        scope;       /* the store's scope at the append: the RLS setting to write under */
  char          kind;        /* of the subjects */
  GArray       *subjects;    /* gint64, or NULL */
} Pending;

static void
pending_free (gpointer data)
{
  Pending *p = data;

  fd_audit_entry_clear (&p->entry);
  if (p->subjects != NULL)
    g_array_unref (p->subjects);
  g_free (p);
}

gboolean
fd_pg_audit_defer (FdStorePg    *self,
                   FdAuditEntry *entry)
{
  Pending *p = g_new0 (Pending, 1);

  p->entry.at = g_strdup (entry->at);
  p->entry.actor = g_strdup (entry->actor);
  p->entry.actor_id = entry->actor_id;
  p->entry.role = g_strdup (entry->role);
  p->entry.session_hash = g_strdup (entry->session_hash);
  p->entry.workstation = g_strdup (entry->workstation);
  p->entry.ip = g_strdup (entry->ip);
  p->entry.action = g_strdup (entry->action);
  p->entry.target = g_strdup (entry->target);
  p->entry.field = g_strdup (entry->field);
  p->entry.reason_code = g_strdup (entry->reason_code);
  p->entry.reason_text = g_strdup (entry->reason_text);
  p->entry.outcome = g_strdup (entry->outcome);
  p->entry.estate_id = entry->estate_id;
  p->scope = SCOPE (self);
  p->provisional = --self->audit_provisional;
  if (self->audit_pending == NULL)
    self->audit_pending = g_ptr_array_new_with_free_func (pending_free);
  g_ptr_array_add (self->audit_pending, p);
  /* numbered when written; the caller may only hand it to audit_subjects_add */
  entry->seq = p->provisional;
  return TRUE;
}

gboolean
fd_pg_audit_subjects_defer (FdStorePg     *self,
                            gint64         seq,
                            char           kind,
                            const gint64  *ids,
                            guint          n_ids,
                            GError       **error)
{
  for (guint i = self->audit_pending != NULL ? self->audit_pending->len : 0; i > 0; i--)
    {
      Pending *p = self->audit_pending->pdata[i - 1];

      if (p->provisional != seq)
        continue;
      if (p->subjects != NULL && p->kind != kind)
        break;
      p->kind = kind;
      if (p->subjects == NULL)
        p->subjects = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n_ids);
      g_array_append_vals (p->subjects, ids, n_ids);
      return TRUE;
    }
  g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL,
               "audit subjects of an entry that is not waiting to be written");
  return FALSE;
}

void
fd_pg_audit_pending_drop (FdStorePg *self)
{
  g_clear_pointer (&self->audit_pending, g_ptr_array_unref);
  self->audit_provisional = 0;
}

gboolean
fd_pg_audit_pending (FdStorePg *self)
{
  return self->audit_pending != NULL && self->audit_pending->len > 0;
}

static void
array_int (GString *array,
           gint64   value)
{
  char number[24];

  g_snprintf (number, sizeof number, "%" G_GINT64_FORMAT, value);
  fd_pg_array_add (array, number);
}

#define N_ENTRY_ARRAYS 17

/* The entries of @pending written under @scope, with their subjects:
 * one statement. */
static gboolean
write_scope (FdStorePg  *self,
             GPtrArray  *pending,
             gint64      scope,
             GError    **error)
{
  static const char sql[] =
    "WITH a AS (INSERT INTO audit_log (seq, at, actor, actor_id, role, session_hash, "
    "workstation, ip, action, target, field, reason_code, reason_text, outcome, prev_hash, hash, "
    "estate_id) SELECT * FROM unnest ($1::bigint[], $2::text[], $3::text[], $4::bigint[], "
    "$5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], "
    "$12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::bigint[])) "
    "INSERT INTO audit_subject_lists (estate_id, seq, kind, subject_ids) SELECT $18::bigint, "
    "s.seq, s.kind, s.ids::bigint[] FROM unnest ($19::bigint[], $20::text[], $21::text[]) "
    "AS s (seq, kind, ids) ON CONFLICT DO NOTHING";
  GString *arrays[N_ENTRY_ARRAYS + 3];
  FdPgArgs a = { 0 };
  gboolean ok;

  for (guint i = 0; i < G_N_ELEMENTS (arrays); i++)
    arrays[i] = g_string_new ("{");
  for (guint i = 0; i < pending->len; i++)
    {
      Pending *p = pending->pdata[i];
      FdAuditEntry *e = &p->entry;
      const char kind[2] = { p->kind, '\0' };

      if (p->scope != scope)
        continue;
      array_int (arrays[0], e->seq);
      fd_pg_array_add (arrays[1], e->at);
      fd_pg_array_add (arrays[2], e->actor);
      array_int (arrays[3], e->actor_id);
      fd_pg_array_add (arrays[4], e->role);
      fd_pg_array_add (arrays[5], e->session_hash);
      fd_pg_array_add (arrays[6], e->workstation);
      fd_pg_array_add (arrays[7], e->ip);
      fd_pg_array_add (arrays[8], e->action);
      fd_pg_array_add (arrays[9], e->target);
      fd_pg_array_add (arrays[10], e->field);
      fd_pg_array_add (arrays[11], e->reason_code);
      fd_pg_array_add (arrays[12], e->reason_text);
      fd_pg_array_add (arrays[13], e->outcome);
      fd_pg_array_add (arrays[14], e->prev_hash);
      fd_pg_array_add (arrays[15], e->hash);
      array_int (arrays[16], e->estate_id);
      if (p->subjects != NULL && p->subjects->len > 0)
        {
          g_autofree char *ids = fd_pg_id_array_text ((const gint64 *) p->subjects->data,
                                                      p->subjects->len);

          array_int (arrays[N_ENTRY_ARRAYS], e->seq);
          fd_pg_array_add (arrays[N_ENTRY_ARRAYS + 1], kind);
          fd_pg_array_add (arrays[N_ENTRY_ARRAYS + 2], ids);
        }
    }
  for (guint i = 0; i < N_ENTRY_ARRAYS; i++)
    fd_pg_arg_text (&a, g_string_append_c (arrays[i], '}')->str);
  fd_pg_arg_int (&a, scope);
  for (guint i = N_ENTRY_ARRAYS; i < G_N_ELEMENTS (arrays); i++)
    fd_pg_arg_text (&a, g_string_append_c (arrays[i], '}')->str);
  self->parent.scope = scope;
  ok = fd_pg_changes_ok (fd_pg_run (self, sql, &a, error));
  for (guint i = 0; i < G_N_ELEMENTS (arrays); i++)
    g_string_free (arrays[i], TRUE);
  return ok;
}

gboolean
fd_pg_audit_flush (FdStorePg  *self,
                   GError    **error)
{
  g_autoptr(GPtrArray) pending = g_steal_pointer (&self->audit_pending);
  g_autoptr(GArray) scopes = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *hash = NULL;
  gint64 scope = SCOPE (self), seq;
  gboolean ok = TRUE;

  if (pending == NULL || pending->len == 0)
    return TRUE;
  if (!fd_pg_audit_head_take (self, error))
    return FALSE;
  seq = self->head_seq;
  hash = g_strdup (self->head_hash);
  for (guint i = 0; i < pending->len; i++)
    {
      Pending *p = pending->pdata[i];
      gboolean seen = FALSE;

      p->entry.seq = ++seq;
      p->entry.prev_hash = g_steal_pointer (&hash);
      p->entry.hash = fd_audit_entry_compute_hash (&p->entry);
      hash = g_strdup (p->entry.hash);
      for (guint j = 0; j < scopes->len && !seen; j++)
        seen = g_array_index (scopes, gint64, j) == p->scope;
      if (!seen)
        g_array_append_val (scopes, p->scope);
    }
  for (guint j = 0; j < scopes->len && ok; j++)
    ok = write_scope (self, pending, g_array_index (scopes, gint64, j), error);
  self->parent.scope = scope;
  if (!ok)
    return FALSE;
  self->head_seq = seq;
  g_free (self->head_hash);
  self->head_hash = g_steal_pointer (&hash);
  self->head_dirty = TRUE;
  return TRUE;
}

/* Durability, off the main context's wait (issue 11).
 *
 * commit_async commits the server's transaction with synchronous_commit
 * off for it alone: COMMIT answers at once, its locks (the chain's head,
 * the per-account counters) are free for the next batch and for other
 * servers, and the main context goes on serving. The batch's answers wait
 * for a barrier: a small transaction that writes WAL (one settings row
 * of its own, inserted and deleted), sent afterwards on a connection of
 * its own and committed with the session's synchronous_commit (on, or
 * whatever the administrator set: remote_apply for a synchronous
 * standby). PostgreSQL flushes WAL in order, so once the barrier's
 * commit is durable, so is every commit before it: then the answers go.
 * Up to N_BARRIERS barriers are in flight at once, each on its own
 * connection, so that a batch committed during a flush waits for the
 * next flush, not for that one to end first (PostgreSQL flushes the
 * barriers that queue together); past that, batches wait for the first
 * barrier to come back. */

#define N_BARRIERS 3

typedef struct
{
  FdStoreDurableFunc done;
  gpointer           data;
} Waiter;

typedef struct
{
  FdStorePg *self;
  PGconn    *conn;
  GArray    *flight;     /* Waiter: the commits it covers; NULL when idle */
  GSource   *source;
  GError    *error;
} Barrier;

struct _FdPgDurable
{
  Barrier  barriers[N_BARRIERS];
  GArray  *waiting;      /* Waiter: committed while every barrier was in flight */
};

static const char barrier_sql[] =
  "INSERT INTO settings (key, value) VALUES ('commit.barrier.' || pg_backend_pid (), '') "
  "ON CONFLICT (key) DO NOTHING; "
  "DELETE FROM settings WHERE key = 'commit.barrier.' || pg_backend_pid ()";

/* Whatever went wrong, the commits it covers are not known to be durable. */
static gboolean
barrier_error (PGconn     *conn,
               PGresult   *res,
               GError    **error)
{
  const char *msg = res != NULL ? PQresultErrorField (res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
  g_autofree char *text = g_strdup (msg != NULL ? msg : conn != NULL ? PQerrorMessage (conn)
                                                                     : "no connection");

  g_set_error (error, FD_ERROR, FD_ERROR_UNAVAILABLE, "database (commit barrier): %s",
               g_strchomp (text));
  return FALSE;
}

static void
run_waiters (GArray       *waiters,
             const GError *error)
{
  for (guint i = 0; waiters != NULL && i < waiters->len; i++)
    {
      Waiter *w = &g_array_index (waiters, Waiter, i);
      w->done (w->data, error);
    }
}

static gboolean barrier_ready (gint fd, GIOCondition condition, gpointer user_data);

static gboolean
send_barrier (Barrier  *b,
              GArray   *waiters,
              GError  **error)
{
  g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();

  if (b->conn != NULL && PQstatus (b->conn) != CONNECTION_OK)
    g_clear_pointer (&b->conn, PQfinish);
  if (b->conn == NULL &&
      (b->conn = fd_pg_connect (b->self->conninfo, b->self->password, error)) == NULL)
    return FALSE;
  if (!PQsendQuery (b->conn, barrier_sql))
    return barrier_error (b->conn, NULL, error);
  g_clear_error (&b->error);
  b->flight = waiters;
  b->source = g_unix_fd_source_new (PQsocket (b->conn), G_IO_IN | G_IO_ERR | G_IO_HUP);
  g_source_set_callback (b->source, G_SOURCE_FUNC (barrier_ready), b, NULL);
  g_source_attach (b->source, context);
  return TRUE;
}

/* Sends what waits on an idle barrier; FALSE with @error when it cannot. */
static gboolean
dispatch (FdPgDurable  *d,
          GError      **error)
{
  if (d->waiting == NULL || d->waiting->len == 0)
    return TRUE;
  for (guint i = 0; i < N_BARRIERS; i++)
    if (d->barriers[i].flight == NULL)
      {
        if (!send_barrier (&d->barriers[i], d->waiting, error))
          return FALSE;
        d->waiting = NULL;
        return TRUE;
      }
  return TRUE;   /* the first barrier back takes them */
}

static void
finish_barrier (Barrier      *b,
                const GError *error)
{
  FdPgDurable *d = b->self->durable;
  g_autoptr(GArray) flight = g_steal_pointer (&b->flight);
  g_autoptr(GError) next_error = NULL;

  if (b->source != NULL)
    {
      g_source_destroy (b->source);
      g_clear_pointer (&b->source, g_source_unref);
    }
  if (error != NULL)
    g_clear_pointer (&b->conn, PQfinish);
  run_waiters (flight, error);
  if (!dispatch (d, &next_error))
    {
      g_autoptr(GArray) waiting = g_steal_pointer (&d->waiting);
      run_waiters (waiting, next_error);
    }
}

/* Reads what has come of the barrier; TRUE once it is all in. */
static gboolean
read_barrier (Barrier  *b,
              gboolean  block)
{
  PGresult *res;

  while (block || !PQisBusy (b->conn))
    {
      res = PQgetResult (b->conn);
      if (res == NULL)
        return TRUE;
      if (PQresultStatus (res) != PGRES_COMMAND_OK && b->error == NULL)
        barrier_error (b->conn, res, &b->error);
      PQclear (res);
    }
  return FALSE;
}

static gboolean
barrier_ready (gint         fd,
               GIOCondition condition,
               gpointer     user_data)
{
  Barrier *b = user_data;
  g_autoptr(GError) error = NULL;

  if (!PQconsumeInput (b->conn))
    barrier_error (b->conn, NULL, &error);
  else if (!read_barrier (b, FALSE))
    return G_SOURCE_CONTINUE;
  if (error == NULL)
    error = g_steal_pointer (&b->error);
  finish_barrier (b, error);
  return G_SOURCE_REMOVE;
}

gboolean
fd_pg_durable_after (FdStorePg           *self,
                     FdStoreDurableFunc   done,
                     gpointer             data,
                     GError             **error)
{
  FdPgDurable *d = self->durable;
  Waiter w = { done, data };

  if (d == NULL)
    {
      d = self->durable = g_new0 (FdPgDurable, 1);
      for (guint i = 0; i < N_BARRIERS; i++)
        d->barriers[i].self = self;
    }
  if (d->waiting == NULL)
    d->waiting = g_array_new (FALSE, FALSE, sizeof (Waiter));
  g_array_append_val (d->waiting, w);
  if (dispatch (d, error))
    return TRUE;
  /* none sent: only this one waited (an idle barrier takes any at once) */
  g_clear_pointer (&d->waiting, g_array_unref);
  return FALSE;
}

void
fd_pg_durable_wait (FdStorePg *self)
{
  FdPgDurable *d = self->durable;
  gboolean again = d != NULL;

  while (again)
    {
      again = FALSE;
      for (guint i = 0; i < N_BARRIERS; i++)
        {
          Barrier *b = &d->barriers[i];
          g_autoptr(GError) error = NULL;

          if (b->flight == NULL)
            continue;
          again = TRUE;
          read_barrier (b, TRUE);
          error = g_steal_pointer (&b->error);
          if (error == NULL && PQstatus (b->conn) != CONNECTION_OK)
            barrier_error (b->conn, NULL, &error);
          finish_barrier (b, error);
        }
    }
}

void
fd_pg_durable_close (FdStorePg *self)
{
  FdPgDurable *d = self->durable;

  fd_pg_durable_wait (self);
  if (d == NULL)
    return;
  for (guint i = 0; i < N_BARRIERS; i++)
    g_clear_pointer (&d->barriers[i].conn, PQfinish);
  g_clear_pointer (&self->durable, g_free);
}
