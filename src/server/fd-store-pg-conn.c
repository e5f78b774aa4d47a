/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PostgreSQL engine: losing the database and finding it again (issue 16, failover). */

#include "config.h"

#include "fd-store-pg-private.h"

/* When the database machine dies, its standby is promoted (by
 * pg_auto_failover, Patroni, or an operator) and the server's multi-host
 * connection string (host=A,B port=P,Q target_session_attrs=read-write)
 * names both. A statement that fails because the connection is gone or
 * the server will not take writes (a standby, a demoted primary, one
 * shutting down) marks the main connection lost and bumps
 * FdStore.outages: the request that met it answers 503 with Retry-After,
 * whatever its handler made of the failed read (fd-server-reply.c). The
 * next store call connects again with the same connection string (so the
 * same role) on a thread of its own: the main context waits at most
 * FIRST_WAIT_MS for it, and meanwhile every call fails at once with
 * FD_ERROR_UNAVAILABLE (and bumps the count) instead of blocking the
 * main context for libpq's connect_timeout per host. The new connection
 * starts with no prepared statement, no open transaction and no audit
 * head held: each transaction sets frontdesk.estate again and the first
 * audit append of each locks and reads the head row from the new
 * primary. The search follower drops its own connection too
 * (fd_pg_conn_follow_stale), so the index goes on from the new primary. */

#define FIRST_WAIT_MS  150    /* a reachable primary answers well within it */
#define RETRY_GAP_MS   250    /* between two failed attempts */

struct _FdPgLink
{
  GMutex   lock;
  GCond    cond;
  GThread *thread;        /* an attempt under way, or done and not joined */
  gboolean attempt_done;
  PGconn  *ready;         /* what it made; NULL when it failed */
  char    *failure;       /* why it failed (libpq's message: hosts, never a password) */
  gint64   next_attempt;  /* monotonic; no attempt before it */
  gboolean lost;          /* the main connection must be replaced */
  gint     generation;    /* connections made again; read by the follower's thread */
  gint     follow_generation;
  gint64   lost_since;
};

typedef struct
{
  FdPgLink *link;
  char     *conninfo;
  char     *password;
} Attempt;

static FdPgLink *
get_link (FdStorePg *self)
{
  FdPgLink *link = g_atomic_pointer_get (&self->link);

  if (link == NULL)
    {
      link = g_new0 (FdPgLink, 1);
      g_mutex_init (&link->lock);
      g_cond_init (&link->cond);
      /* the follower's thread reads it (fd_pg_conn_follow_stale) */
      g_atomic_pointer_set (&self->link, link);
    }
  return link;
}

gboolean
fd_pg_conn_lost_error (PGconn   *conn,
                       PGresult *res)
{
  const char *state = res != NULL ? PQresultErrorField (res, PG_DIAG_SQLSTATE) : NULL;

  if (conn == NULL || PQstatus (conn) != CONNECTION_OK)
    return TRUE;
  if (state == NULL)
    return FALSE;
  /* connection_exception; admin_shutdown, crash_shutdown, cannot_connect_now;
   * read_only_sql_transaction (a standby, or a primary demoted under us) */
  return g_str_has_prefix (state, "08") || g_str_equal (state, "57P01") ||
         g_str_equal (state, "57P02") || g_str_equal (state, "57P03") ||
         g_str_equal (state, "25006");
}

void
fd_pg_conn_drop (FdStorePg *self)
{
  FdPgLink *link = get_link (self);

  if (!link->lost)
    {
      /* a message, not a warning: the store tests stop the database under it */
      g_message ("Lost the PostgreSQL connection (%s:%s); connecting again",
                 PQhost (self->conn) ? PQhost (self->conn) : "?",
                 PQport (self->conn) ? PQport (self->conn) : "?");
      link->lost_since = g_get_monotonic_time ();
    }
  link->lost = TRUE;
  self->parent.outages++;
}

void
fd_pg_conn_failed (FdStorePg *self,
                   PGresult  *res)
{
  if (fd_pg_conn_lost_error (self->conn, res))
    fd_pg_conn_drop (self);
}

static gpointer
attempt_thread (gpointer data)
{
  Attempt *attempt = data;
  FdPgLink *link = attempt->link;
  g_autoptr(GError) error = NULL;
  PGconn *conn = fd_pg_connect (attempt->conninfo, attempt->password, &error);

  g_mutex_lock (&link->lock);
  link->ready = conn;
  g_free (link->failure);
  link->failure = conn == NULL ? g_strdup (error != NULL ? error->message : "?") : NULL;
  link->attempt_done = TRUE;
  g_cond_broadcast (&link->cond);
  g_mutex_unlock (&link->lock);
  fd_secret_free (attempt->password);
  fd_secret_free (attempt->conninfo);
  g_free (attempt);
  return NULL;
}

/* Joins a finished attempt; its connection, or NULL. Under the lock. */
static PGconn *
collect_attempt (FdPgLink *link)
{
  PGconn *conn = g_steal_pointer (&link->ready);

  g_thread_join (g_steal_pointer (&link->thread));
  link->attempt_done = FALSE;
  if (conn == NULL)
    link->next_attempt = g_get_monotonic_time () + RETRY_GAP_MS * 1000;
  return conn;
}

gboolean
fd_pg_conn_ensure (FdStorePg  *self,
                   GError    **error)
{
  FdPgLink *link = get_link (self);
  g_autofree char *failure = NULL;
  PGconn *conn = NULL;

  if (!link->lost && PQstatus (self->conn) == CONNECTION_OK)
    return TRUE;
  if (!link->lost)
    fd_pg_conn_drop (self);

  g_mutex_lock (&link->lock);
  if (link->thread == NULL && g_get_monotonic_time () >= link->next_attempt)
    {
      Attempt *attempt = g_new0 (Attempt, 1);

      attempt->link = link;
      attempt->conninfo = g_strdup (self->conninfo);
      attempt->password = g_strdup (self->password);
      link->attempt_done = FALSE;
      link->thread = g_thread_new ("fd-pg-connect", attempt_thread, attempt);
      {
        gint64 until = g_get_monotonic_time () + FIRST_WAIT_MS * 1000;

        while (!link->attempt_done && g_cond_wait_until (&link->cond, &link->lock, until))
          ;
      }
    }
  if (link->thread != NULL && link->attempt_done)
    conn = collect_attempt (link);
  failure = g_strdup (link->failure);
  g_mutex_unlock (&link->lock);

  if (conn != NULL)
    {
      g_message ("Connected to PostgreSQL again (%s:%s) after %.1f s",
                 PQhost (conn) ? PQhost (conn) : "?", PQport (conn) ? PQport (conn) : "?",
                 (g_get_monotonic_time () - link->lost_since) / (double) G_USEC_PER_SEC);
      PQfinish (self->conn);
      self->conn = conn;
      /* its prepared statements went with the old one */
      g_hash_table_remove_all (self->stmts);
      link->lost = FALSE;
      g_atomic_int_inc (&link->generation);
      return TRUE;
    }
  self->parent.outages++;
  g_set_error (error, FD_ERROR, FD_ERROR_UNAVAILABLE, "database: connecting to PostgreSQL again%s%s",
               failure != NULL ? ": " : "", failure != NULL ? failure : "");
  return FALSE;
}

gint
fd_pg_conn_generation (FdStorePg *self)
{
  FdPgLink *link = g_atomic_pointer_get (&self->link);

  return link != NULL ? g_atomic_int_get (&link->generation) : 0;
}

gboolean
fd_pg_conn_follow_stale (FdStorePg *self)
{
  FdPgLink *link = g_atomic_pointer_get (&self->link);
  gint generation;

  if (link == NULL)
    return FALSE;
  generation = g_atomic_int_get (&link->generation);
  if (generation == link->follow_generation)
    return FALSE;
  link->follow_generation = generation;
  return TRUE;
}

/* The index holds only residents the follower read back from the
 * database, and with synchronous commit a row is visible there only once
 * the standby has it: the new primary has every one. Checked, not
 * assumed: an asynchronous standby may lack the last ones. */
void
fd_pg_conn_check_index (PGconn *conn,
                        gint64  last_id)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, last_id);
  const char *values[] = { id };
  PGresult *res;

  if (conn == NULL || last_id <= 0)
    return;
  if (!fd_pg_exec (conn, "BEGIN READ ONLY; SELECT set_config ('frontdesk.estate', '*', true)",
                   NULL))
    return;
  res = PQexecParams (conn, "SELECT count(*) FROM residents WHERE id = $1", 1, NULL, values,
                      NULL, NULL, 0);
  if (PQresultStatus (res) == PGRES_TUPLES_OK && PQntuples (res) == 1 &&
      g_strcmp0 (PQgetvalue (res, 0, 0), "0") == 0)
    g_warning ("Search index: resident %s is not on the new PostgreSQL primary (was its "
               "standby synchronous?); restart the server to build the index again", id);
  PQclear (res);
  fd_pg_exec (conn, "COMMIT", NULL);
}

void
fd_pg_conn_free (FdStorePg *self)
{
  FdPgLink *link = g_steal_pointer (&self->link);

  if (link == NULL)
    return;
  if (link->thread != NULL)
    {
      /* an attempt ends within libpq's connect_timeout */
      g_thread_join (link->thread);
      g_clear_pointer (&link->ready, PQfinish);
    }
  g_free (link->failure);
  g_mutex_clear (&link->lock);
  g_cond_clear (&link->cond);
  g_free (link);
}
