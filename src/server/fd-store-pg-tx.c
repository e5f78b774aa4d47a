/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PostgreSQL engine: transactions, the estate scope, and running prepared statements in them. */

#include "config.h"

#include <string.h>

#include "fd-error.h"
#include "fd-store-pg-private.h"

/* Transactions and the estate scope */

static char *
scope_sql (gint64 scope)
{
  /* an integer formatted here, never text from outside */
  if (scope == FD_ESTATE_ALL)
    return g_strdup ("SELECT set_config('frontdesk.estate', '*', true)");
  return g_strdup_printf ("SELECT set_config('frontdesk.estate', '%" G_GINT64_FORMAT "', true)",
                          scope);
}

gboolean
fd_pg_tx_open (FdStorePg  *self,
               gboolean    caller,
               GError    **error)
{
  g_autofree char *scope = scope_sql (SCOPE (self));
  g_autofree char *sql = g_strconcat ("BEGIN; ", scope, NULL);

  if (self->in_tx)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL, "database: a transaction is open");
      return FALSE;
    }
  /* a connection lost between transactions is made again (fd-store-pg-conn.c) */
  if (!fd_pg_conn_ensure (self, error))
    return FALSE;
  if (!fd_pg_exec (self->conn, sql, error))
    {
      fd_pg_conn_failed (self, NULL);
      fd_pg_exec (self->conn, "ROLLBACK", NULL);
      return FALSE;
    }
  self->in_tx = TRUE;
  self->caller_tx = caller;
  self->applied_scope = SCOPE (self);
  return TRUE;
}

gboolean
fd_pg_tx_close (FdStorePg  *self,
                gboolean    commit,
                GError    **error)
{
  /* issue 11: the batch's audit entries, together (fd-store-pg-commit.c) */
  gboolean flushed = !commit || fd_pg_audit_flush (self, error);
  g_autofree char *head = fd_pg_audit_head_release (self);
  g_autofree char *sql = NULL;
  PGresult *res;
  gboolean ok;

  self->in_tx = FALSE;
  self->caller_tx = FALSE;
  self->applied_scope = -1;
  if (!commit || !flushed)
    return fd_pg_exec (self->conn, "ROLLBACK", NULL), flushed;
  /* the audit head goes with the COMMIT, in the same round trip; a
   * failed statement stops the rest, and COMMIT of a failed transaction
   * answers ROLLBACK, not an error */
  sql = g_strconcat (head, self->commit_lazy ? "SET LOCAL synchronous_commit = off; " : "",
                     "COMMIT", NULL);
  res = PQexec (self->conn, sql);
  ok = PQresultStatus (res) == PGRES_COMMAND_OK && g_strcmp0 (PQcmdStatus (res), "COMMIT") == 0;
  if (!ok && PQresultStatus (res) == PGRES_COMMAND_OK)
    g_set_error (error, FD_ERROR, FD_ERROR_UNAVAILABLE,
                 "database: the transaction failed and was rolled back");
  else if (!ok)
    fd_pg_set_error (self, res, error, "database");
  PQclear (res);
  if (!ok && PQtransactionStatus (self->conn) != PQTRANS_IDLE)
    fd_pg_exec (self->conn, "ROLLBACK", NULL);
  return ok;
}

gboolean
fd_pg_op_begin (FdStorePg  *self,
                gboolean   *own,
                GError    **error)
{
  *own = !self->in_tx;
  return !*own || fd_pg_tx_open (self, FALSE, error);
}

gboolean
fd_pg_op_end (FdStorePg  *self,
              gboolean    own,
              gboolean    ok,
              GError    **error)
{
  if (!own)
    return ok;
  if (!ok)
    {
      fd_pg_tx_close (self, FALSE, NULL);
      return FALSE;
    }
  return fd_pg_tx_close (self, TRUE, error);
}

/* The name @sql is prepared under on this connection (prepared once). */
static const char *
prepared (FdStorePg       *self,
          const char      *sql,
          const FdPgArgs  *args,
          GError         **error)
{
  g_autofree char *name = NULL;
  const char *known = g_hash_table_lookup (self->stmts, sql);
  PGresult *res;

  if (known != NULL)
    return known;
  name = g_strdup_printf ("fd%u", ++self->n_stmts);
  res = PQprepare (self->conn, name, sql, args->n, NULL);
  if (PQresultStatus (res) != PGRES_COMMAND_OK)
    {
      fd_pg_set_error (self, res, error, "database");
      PQclear (res);
      return NULL;
    }
  PQclear (res);
  g_hash_table_insert (self->stmts, (gpointer) sql, name);
  return g_steal_pointer (&name);
}

static const FdPgArgs no_args = { 0 };

/* The scope's statement, prepared once per connection like the others
 * (a PQsendQueryParams of its text is parsed and planned on every call). */
static const char scope_param_sql[] = "SELECT set_config ('frontdesk.estate', $1, true)";

/* Sends the scope (set LOCAL) and the prepared statement @name together
 * in libpq's pipeline mode, then a Sync: one round trip where two would
 * each be a wait on the main context. Inside a transaction block the
 * Sync commits nothing; outside one, every statement sent before it runs
 * in one implicit transaction, which the Sync commits (or, after a
 * failure, rolls back and skips the rest), so the scope holds for the
 * statement and ends with it. Returns the statement's result, and
 * nothing else: on any failure (the scope's statement not prepared, the
 * first failure of the two, no result, an exchange that did not end with
 * its Sync) NULL with @error set. A connection left in pipeline mode, or
 * (outside a transaction block) still in a transaction after the Sync,
 * is dropped and made again before its next use. */
static PGresult *
run_scoped (FdStorePg      *self,
            const char     *name,
            const FdPgArgs *args,
            GError        **error)
{
  static const FdPgArgs one_arg = { .n = 1 };
  char scope[24];
  const char *scope_value[] = { scope };
  const char *scope_name;
  PGresult *res, *out = NULL, *failed = NULL;
  gboolean sent, whole = FALSE;

  if ((scope_name = prepared (self, scope_param_sql, &one_arg, error)) == NULL)
    return NULL;
  if (SCOPE (self) == FD_ESTATE_ALL)
    g_strlcpy (scope, "*", sizeof scope);
  else
    g_snprintf (scope, sizeof scope, "%" G_GINT64_FORMAT, SCOPE (self));
  sent = PQenterPipelineMode (self->conn) &&
         PQsendQueryPrepared (self->conn, scope_name, 1, scope_value, NULL, NULL, 0) &&
         PQsendQueryPrepared (self->conn, name, args->n, args->values, args->lengths,
                              args->formats, 0) &&
         PQpipelineSync (self->conn);
  /* two results, each followed by NULL, then the sync; an error the
   * commit at an implicit transaction's sync raises comes before it */
  for (guint i = 0; sent && i < 2; i++)
    {
      while ((res = PQgetResult (self->conn)) != NULL)
        {
          ExecStatusType st = PQresultStatus (res);

          if (st == PGRES_FATAL_ERROR && failed == NULL)
            failed = res;
          else if (i == 1 && (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) && out == NULL)
            out = res;
          else
            PQclear (res);
        }
    }
  while (sent && (res = PQgetResult (self->conn)) != NULL)
    {
      ExecStatusType st = PQresultStatus (res);

      if (st == PGRES_PIPELINE_SYNC)
        {
          whole = TRUE;
          PQclear (res);
          break;
        }
      if (st == PGRES_FATAL_ERROR && failed == NULL)
        failed = res;
      else
        PQclear (res);
    }
  if (!PQexitPipelineMode (self->conn))
    {
      /* results left behind by a send that failed half-way: start afresh */
      fd_pg_conn_drop (self);
      whole = FALSE;
    }
  if (failed == NULL && whole && out != NULL)
    return out;
  g_clear_pointer (&out, PQclear);
  if (failed != NULL || !whole)
    fd_pg_set_error (self, failed, error, "database");
  else
    g_set_error (error, FD_ERROR, FD_ERROR_UNAVAILABLE, "database: the statement gave no result");
  g_clear_pointer (&failed, PQclear);
  /* outside a transaction block the Sync ended the implicit transaction;
   * a connection that still shows one is not trusted again */
  if (whole && !self->in_tx && PQtransactionStatus (self->conn) != PQTRANS_IDLE)
    fd_pg_conn_drop (self);
  return NULL;
}

PGresult *
fd_pg_run (FdStorePg       *self,
           const char      *sql,
           const FdPgArgs  *args,
           GError         **error)
{
  const char *name;
  PGresult *res;
  ExecStatusType st;

  fd_pg_ahead_drop (self);   /* read before this statement (fd-store-pg-ahead.c) */
  if (!self->in_tx)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL, "database: no transaction");
      return NULL;
    }
  if (args == NULL)
    args = &no_args;
  /* a read of the audit log sees the batch's waiting entries (fd-store-pg-commit.c) */
  if (fd_pg_audit_pending (self) && strstr (sql, "audit") != NULL && !fd_pg_audit_flush (self, error))
    return NULL;
  name = prepared (self, sql, args, error);
  if (name == NULL)
    return NULL;
  /* The group commit runs several requests' writes in one transaction,
   * each under its own scope: a change of scope goes with the statement. */
  if (self->applied_scope != SCOPE (self))
    {
      if ((res = run_scoped (self, name, args, error)) != NULL)
        self->applied_scope = SCOPE (self);
      return res;
    }
  res = PQexecPrepared (self->conn, name, args->n, args->values, args->lengths, args->formats, 0);
  st = PQresultStatus (res);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
    {
      fd_pg_set_error (self, res, error, "database");
      PQclear (res);
      return NULL;
    }
  return res;
}

/* One statement in a transaction of its own, in one round trip: the
 * scope and the statement go out together, outside a transaction block
 * (run_scoped). Most calls of a request outside the group commit are
 * such (a session, a user, a resident), and each round trip is a wait on
 * the main context, so each is kept to what the backend must do: no
 * BEGIN or COMMIT of its own. */
static PGresult *
query_pipelined (FdStorePg       *self,
                 const char      *sql,
                 const FdPgArgs  *args,
                 GError         **error)
{
  const char *name;

  fd_pg_ahead_drop (self);   /* read before this statement (fd-store-pg-ahead.c) */
  if (!fd_pg_conn_ensure (self, error))
    return NULL;
  if ((name = prepared (self, sql, args, error)) == NULL)
    return NULL;
  return run_scoped (self, name, args, error);
}

PGresult *
fd_pg_query (FdStorePg       *self,
             const char      *sql,
             const FdPgArgs  *args,
             GError         **error)
{
  PGresult *res = NULL;
  gboolean own;

  if (!self->in_tx)
    return query_pipelined (self, sql, args != NULL ? args : &no_args, error);
  if (!fd_pg_op_begin (self, &own, error))
    return NULL;
  res = fd_pg_run (self, sql, args, error);
  if (!fd_pg_op_end (self, own, res != NULL, error))
    g_clear_pointer (&res, PQclear);
  return res;
}

PGresult *
fd_pg_query_every_estate (FdStorePg       *self,
                          const char      *sql,
                          const FdPgArgs  *args,
                          GError         **error)
{
  gint64 scope = SCOPE (self);
  PGresult *res;

  /* fd_pg_run sets frontdesk.estate again when the scope differs from
   * the one applied, so the caller's next statement has its own back */
  self->parent.scope = FD_ESTATE_ALL;
  res = fd_pg_query (self, sql, args, error);
  self->parent.scope = scope;
  return res;
}

gboolean
fd_pg_query_ok (FdStorePg       *self,
                const char      *sql,
                const FdPgArgs  *args,
                GError         **error)
{
  return fd_pg_changes_ok (fd_pg_query (self, sql, args, error));
}

gint64
fd_pg_write_estate (FdStorePg  *self,
                    gint64      record,
                    GError    **error)
{
  gint64 scope = SCOPE (self);

  if (record != FD_ESTATE_ALL && scope != FD_ESTATE_ALL && record != scope)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL, "A write for estate %" G_GINT64_FORMAT
                   " in a request of estate %" G_GINT64_FORMAT, record, scope);
      return 0;
    }
  if (record == FD_ESTATE_ALL && scope == FD_ESTATE_ALL)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL, "A write that names no estate");
      return 0;
    }
  return record != FD_ESTATE_ALL ? record : scope;
}
