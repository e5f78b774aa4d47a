/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PostgreSQL engine: per-user limits, listed residents and sign-in failures. */

#include "config.h"

#include "fd-store-engine.h"
#include "fd-store-pg-private.h"

/* Issue 9's contract across server processes: each call is one
 * transaction (or part of the caller's), and before it counts it takes
 * a transaction-scoped advisory lock on (what, the user) — held to
 * commit, so a second server's call for the same user waits there and,
 * READ COMMITTED taking a new snapshot per statement, then counts the
 * first one's insert. Without the lock two transactions count the same
 * rows and both grant the last unit (test-store-pg shows it). An
 * advisory lock rather than "SELECT … FROM users FOR UPDATE": it holds
 * whether or not the name is a user (sign-in failures are counted for
 * unknown names too). */

enum
{
  LOCK_LIMIT = 0x46440001,
  LOCK_LOGIN = 0x46440003,
};

static gboolean
lock_user (FdStorePg  *self,
           guint       what,
           gint64      user_id,
           GError    **error)
{
  FdPgArgs a = { 0 };

  fd_pg_arg_int (&a, what);
  fd_pg_arg_int (&a, user_id);
  return fd_pg_changes_ok (fd_pg_run (self, "SELECT pg_advisory_xact_lock ($1::integer, "
                                            "($2::bigint % 2147483647)::integer)", &a, error));
}

/* The count in @res's one row, or G_MAXUINT; frees @res. */
static guint
count_of (PGresult *res)
{
  guint n = G_MAXUINT;

  if (res != NULL && PQntuples (res) == 1)
    n = (guint) fd_pg_int (res, 0, 0);
  g_clear_pointer (&res, PQclear);
  return n;
}

#define LIMIT_COUNT_SQL \
  "SELECT count(*) FROM limit_events WHERE user_id = $1 AND kind = $2 AND at >= $3"

gboolean
fd_pg_limit_take (FdStore *store, gint64 user_id, const char *kind, gint64 since, gint64 now,
                  guint max, guint *count, GError **error)
{
  FdStorePg *self = SELF (store);
  FdPgArgs a = { 0 }, ins = { 0 };
  gboolean own, ok, granted = FALSE;
  guint n = G_MAXUINT;

  *count = 0;
  if (!fd_pg_op_begin (self, &own, error))
    return FALSE;
  fd_pg_arg_int (&a, user_id);
  fd_pg_arg_text (&a, kind);
  fd_pg_arg_int (&a, since);
  ok = lock_user (self, LOCK_LIMIT, user_id, error) &&
       /* what no window looks at any more goes first */
       fd_pg_changes_ok (fd_pg_run (self, "DELETE FROM limit_events WHERE user_id = $1 AND "
                                          "kind = $2 AND at < $3", &a, error)) &&
       (n = count_of (fd_pg_run (self, LIMIT_COUNT_SQL, &a, error))) != G_MAXUINT;
  if (ok && n < max)
    {
      fd_pg_arg_int (&ins, user_id);
      fd_pg_arg_text (&ins, kind);
      fd_pg_arg_int (&ins, now);
      ok = granted = fd_pg_changes_ok (fd_pg_run (self, "INSERT INTO limit_events (user_id, "
                                                        "kind, at) VALUES ($1, $2, $3)",
                                                  &ins, error));
      n++;
    }
  if (!fd_pg_op_end (self, own, ok, error))
    return FALSE;
  *count = n;
  return granted;
}

guint
fd_pg_limit_count (FdStore *store, gint64 user_id, const char *kind, gint64 since)
{
  FdPgArgs a = { 0 };

  fd_pg_arg_int (&a, user_id);
  fd_pg_arg_text (&a, kind);
  fd_pg_arg_int (&a, since);
  return count_of (fd_pg_query (SELF (store), LIMIT_COUNT_SQL, &a, NULL));
}

/* One statement, one round trip (a search lists a page on every
 * keystroke): residents new to the window are inserted, those whose
 * listing expired and are listed again get a new time (they leave and
 * come back: no change in number), expired ones not in the page go, and
 * the number beside the rows moves by the difference. It needs no lock
 * of its own: INSERT … ON CONFLICT and DELETE decide on the rows as they
 * are when they reach them, not on the statement's snapshot (a
 * concurrent insert of the same resident is waited for, a row another
 * call deleted is skipped), and the counter row's upsert adds each
 * call's difference in turn.
 *
 * Residents still listed within the window are left out before the
 * INSERT: ON CONFLICT DO UPDATE locks each conflicting row (a WAL record
 * and a dirty page each) even when its WHERE then changes nothing, and
 * as one types a search most of a page was listed a moment ago. One that
 * another call lists in between is still caught by ON CONFLICT. A
 * scalar subquery, not NOT EXISTS: the planner may turn the latter into
 * an anti-join that reads every row the user has listed, and the work
 * must follow the page, not the window.
 *
 * The counter row moves only when the number does: every search of an
 * account's desks would otherwise queue on that one row (a lock, a new
 * row version and a WAL record each), and most searches list nobody
 * new. A search whose difference is nought reads the number as its
 * statement began; one that moves it reads it under the row's lock, so
 * the search that crosses a rule's threshold sees that it did. */
#define LISTED_NOTE_SQL \
  "WITH gone AS (DELETE FROM listed_residents WHERE user_id = $1 AND " \
  "at < $2 AND NOT (resident_id = ANY ($3::bigint[])) RETURNING 1), " \
  "listed AS (INSERT INTO listed_residents AS l (user_id, resident_id, " \
  "at) SELECT $1, p.id, $4 FROM unnest ($3::bigint[]) AS p (id) WHERE coalesce ((SELECT " \
  "k.at FROM listed_residents k WHERE k.user_id = $1 AND k.resident_id = p.id), 0) < $2 " \
  "ON CONFLICT (user_id, " \
  "resident_id) DO UPDATE SET at = $4 WHERE l.at < $2 " \
  "RETURNING (xmax = 0) AS fresh), " \
  "d AS (SELECT (SELECT count(*) FROM listed WHERE fresh) - " \
  "(SELECT count(*) FROM gone) AS n), " \
  "moved AS (INSERT INTO listed_counts AS c (user_id, n) SELECT $1, d.n FROM d " \
  "WHERE d.n <> 0 ON CONFLICT (user_id) DO UPDATE SET n = c.n + excluded.n RETURNING c.n) " \
  "SELECT coalesce ((SELECT n FROM moved), " \
  "(SELECT n FROM listed_counts WHERE user_id = $1), 0)"

gboolean
fd_pg_listed_note (FdStore *store, gint64 user_id, const gint64 *ids, guint n_ids, gint64 since,
                   gint64 now, guint *count, GError **error)
{
  g_autofree char *list = fd_pg_id_array_text (ids, n_ids);
  FdPgArgs a = { 0 };
  guint n;

  *count = 0;
  fd_pg_arg_int (&a, user_id);
  fd_pg_arg_int (&a, since);
  fd_pg_arg_text (&a, list);
  fd_pg_arg_int (&a, now);
  n = count_of (fd_pg_query (SELF (store), LISTED_NOTE_SQL, &a, error));
  if (n == G_MAXUINT)
    return FALSE;
  *count = n;
  return TRUE;
}

/* listed_note_detached (fd-store.h): the same statement on a connection
 * of its own, from the search worker. A few connections wait idle in
 * self->detached_idle, each with the statement prepared; a worker takes
 * one, or makes one, and gives it back when the call worked. All are
 * dropped when the main connection was made again (a failover: they may
 * point at the old primary). The transaction commits with
 * synchronous_commit off: the worker does not wait for the disk, and
 * the answer that follows waits for its group commit's durable barrier,
 * sent after this commit (fd-store-pg-commit.c).
 *
 * A prepared statement keeps the plan it was first given, and that plan
 * follows the tables as they were then. listed_residents starts empty
 * (a new database, or one whose statistics say so until autovacuum's
 * next ANALYZE, up to a minute later): the plan then made for the
 * per-resident probe read all of the account's listed rows through
 * listed_residents_at, for each of the page's residents, and kept doing
 * so as the rows grew to thousands. So each connection prepares the
 * statement again once its plan is a second old; the planner sizes a
 * table by its pages at that moment, statistics or not. */

#define DETACHED_IDLE_MAX 8
#define DETACHED_PLAN_LIFE G_USEC_PER_SEC

typedef struct
{
  PGconn *conn;
  gint64  planned;   /* monotonic time of the statement's PREPARE */
} Detached;

static void
detached_free (Detached *d)
{
  PQfinish (d->conn);
  g_free (d);
}

static gboolean
detached_prepare (Detached  *d,
                  GError   **error)
{
  PGresult *res;

  if (d->planned == 0)
    /* each call is one statement in a transaction of its own
     * (autocommit), committed without waiting for the disk */
    res = PQexec (d->conn, "SET synchronous_commit = off");
  else
    res = PQexec (d->conn, "DEALLOCATE listed_note");
  if (PQresultStatus (res) == PGRES_COMMAND_OK)
    {
      PQclear (res);
      res = PQprepare (d->conn, "listed_note", LISTED_NOTE_SQL, 0, NULL);
    }
  if (PQresultStatus (res) != PGRES_COMMAND_OK)
    {
      /* not fd_pg_set_error: that one speaks of the main connection */
      g_set_error (error, FD_ERROR, FD_ERROR_UNAVAILABLE, "database (listed residents): %s",
                   PQresultErrorField (res, PG_DIAG_MESSAGE_PRIMARY) != NULL
                     ? PQresultErrorField (res, PG_DIAG_MESSAGE_PRIMARY) : "cannot prepare");
      PQclear (res);
      return FALSE;
    }
  PQclear (res);
  d->planned = g_get_monotonic_time ();
  return TRUE;
}

static Detached *
detached_take (FdStorePg  *self,
               GError    **error)
{
  gint generation = fd_pg_conn_generation (self);
  g_autoptr(GPtrArray) stale = NULL;
  Detached *d = NULL;

  g_mutex_lock (&self->detached_lock);
  if (generation != self->detached_generation)
    {
      stale = g_steal_pointer (&self->detached_idle);
      self->detached_generation = generation;
    }
  if (self->detached_idle != NULL && self->detached_idle->len > 0)
    d = g_ptr_array_steal_index_fast (self->detached_idle, self->detached_idle->len - 1);
  g_mutex_unlock (&self->detached_lock);
  if (d == NULL)
    {
      PGconn *conn = fd_pg_connect (self->conninfo, self->password, error);

      if (conn == NULL)
        return NULL;
      d = g_new0 (Detached, 1);
      d->conn = conn;
    }
  else if (g_get_monotonic_time () - d->planned < DETACHED_PLAN_LIFE)
    return d;
  if (!detached_prepare (d, error))
    g_clear_pointer (&d, detached_free);
  return d;
}

static void
detached_give (FdStorePg *self,
               Detached  *d)
{
  g_mutex_lock (&self->detached_lock);
  if (self->detached_idle == NULL)
    self->detached_idle = g_ptr_array_new_with_free_func ((GDestroyNotify) detached_free);
  if (self->detached_idle->len < DETACHED_IDLE_MAX)
    g_ptr_array_add (self->detached_idle, g_steal_pointer (&d));
  g_mutex_unlock (&self->detached_lock);
  g_clear_pointer (&d, detached_free);
}

void
fd_pg_detached_close (FdStorePg *self)
{
  g_mutex_lock (&self->detached_lock);
  g_clear_pointer (&self->detached_idle, g_ptr_array_unref);
  g_mutex_unlock (&self->detached_lock);
}

gboolean
fd_pg_listed_note_detached (FdStore *store, gint64 user_id, const gint64 *ids, guint n_ids,
                            gint64 since, gint64 now, guint *count, GError **error)
{
  FdStorePg *self = SELF (store);
  g_autofree char *list = fd_pg_id_array_text (ids, n_ids);
  FdPgArgs a = { 0 };
  Detached *d;
  PGresult *res, *failed = NULL;

  *count = 0;
  if ((d = detached_take (self, error)) == NULL)
    return FALSE;
  fd_pg_arg_int (&a, user_id);
  fd_pg_arg_int (&a, since);
  fd_pg_arg_text (&a, list);
  fd_pg_arg_int (&a, now);
  /* one statement, so one transaction: autocommit */
  res = PQexecPrepared (d->conn, "listed_note", a.n, a.values, a.lengths, a.formats, 0);
  if (PQresultStatus (res) == PGRES_TUPLES_OK)
    {
      /* count_of frees res */
      if ((*count = count_of (res)) != G_MAXUINT)
        {
          detached_give (self, d);
          return TRUE;
        }
      *count = 0;
    }
  else if (PQresultStatus (res) == PGRES_FATAL_ERROR)
    failed = res;
  else
    PQclear (res);
  /* whatever failed, this connection is not used again */
  g_set_error (error, FD_ERROR, FD_ERROR_UNAVAILABLE, "database (listed residents): %s",
               failed != NULL && PQresultErrorField (failed, PG_DIAG_MESSAGE_PRIMARY) != NULL
                 ? PQresultErrorField (failed, PG_DIAG_MESSAGE_PRIMARY)
                 : PQstatus (d->conn) != CONNECTION_OK ? "the connection was lost" : "no count");
  g_clear_pointer (&failed, PQclear);
  detached_free (d);
  return FALSE;
}

/* sign-in failures (issue 9), per keyed MAC of the name */

FdLoginAttempt
fd_pg_login_attempt_reserve (FdStore *store, const char *username, gint64 now,
                             guint max_failures, gint64 lock_usec, gint64 forget_before,
                             gint64 *locked_until, GError **error)
{
  FdStorePg *self = SELF (store);
  g_autofree char *mac = fd_engine_login_name_mac (store->keys, username);
  FdPgArgs forget = { 0 }, lock = { 0 }, name = { 0 }, up = { 0 };
  gint64 failures = 0, until = 0;
  FdLoginAttempt result = FD_LOGIN_ATTEMPT_ERROR;
  PGresult *res;
  gboolean own, ok;

  if (!fd_pg_op_begin (self, &own, error))
    return FD_LOGIN_ATTEMPT_ERROR;
  fd_pg_arg_int (&forget, forget_before);
  fd_pg_arg_int (&forget, now);
  fd_pg_arg_int (&lock, LOCK_LOGIN);
  fd_pg_arg_text (&lock, mac);
  fd_pg_arg_text (&name, mac);
  ok = fd_pg_changes_ok (fd_pg_run (self, "SELECT pg_advisory_xact_lock ($1::integer, "
                                          "hashtext ($2))", &lock, error)) &&
       fd_pg_changes_ok (fd_pg_run (self, "DELETE FROM login_failures WHERE last_at < $1 AND "
                                          "locked_until <= $2", &forget, error));
  res = ok ? fd_pg_run (self, "SELECT failures, locked_until FROM login_failures "
                              "WHERE name_mac = $1", &name, error) : NULL;
  ok = res != NULL;
  if (ok && PQntuples (res) == 1)
    {
      failures = fd_pg_int (res, 0, 0);
      until = fd_pg_int (res, 0, 1);
    }
  g_clear_pointer (&res, PQclear);
  if (ok)
    result = fd_engine_login_attempt (&failures, &until, now, max_failures, lock_usec,
                                      locked_until);
  if (ok && result != FD_LOGIN_ATTEMPT_LOCKED)
    {
      fd_pg_arg_text (&up, mac);
      fd_pg_arg_int (&up, failures);
      fd_pg_arg_int (&up, until);
      fd_pg_arg_int (&up, now);
      ok = fd_pg_changes_ok (fd_pg_run (self, "INSERT INTO login_failures (name_mac, failures, "
                                              "locked_until, last_at) VALUES ($1, $2, $3, $4) "
                                              "ON CONFLICT (name_mac) DO UPDATE SET "
                                              "failures = $2, locked_until = $3, last_at = $4",
                                        &up, error));
    }
  if (!fd_pg_op_end (self, own, ok, error))
    return FD_LOGIN_ATTEMPT_ERROR;
  return ok ? result : FD_LOGIN_ATTEMPT_ERROR;
}

gboolean
fd_pg_login_attempt_clear (FdStore *store, const char *username, GError **error)
{
  g_autofree char *mac = fd_engine_login_name_mac (store->keys, username);
  FdPgArgs a = { 0 };

  fd_pg_arg_text (&a, mac);
  return fd_pg_query_ok (SELF (store), "DELETE FROM login_failures WHERE name_mac = $1", &a,
                         error);
}
