/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests what only the PostgreSQL engine has: row-level security, its roles, several connections. */

#include "config.h"

#include <libpq-fe.h>
#include <string.h>

#include <glib/gstdio.h>

#include "fd-config.h"
#include "fd-crypto.h"
#include "fd-error.h"
#include "fd-store-pg.h"
#include "fd-test-pg.h"
#include "fd-test-store.h"

/* The engine-neutral cases are test-store.c and test-store-limits.c, run
 * on PostgreSQL as test-store-pg and test-store-limits-pg. These are the
 * walls only PostgreSQL has (row-level security keyed on the
 * transaction's estate, a server role that owns nothing) and the
 * serialisation several server processes rely on, shown with several
 * connections (each a store of its own, as each server is). */

static FdResidentInput
resident (gint64      estate,
          const char *name)
{
  static const char *plates[] = { "粤B12345", NULL };

  return (FdResidentInput) {
    .name = name, .room = "3-2-1502", .initials = "x", .phone = "13812345678",
    .id_number = "11010519491231002X", .home_address = "北京市海淀区演示路12号",
    .plates = plates, .payment_account = "6222020200112233445", .estate_id = estate,
  };
}

static gint64
add_estate (FdStore    *store,
            const char *code)
{
  g_autoptr(GError) error = NULL;
  gint64 id = FD_STORE_CALL (store, estate_insert, code, code, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static gint64
add_resident (FdStore    *store,
              gint64      estate,
              const char *name)
{
  g_autoptr(GError) error = NULL;
  FdResidentInput in = resident (estate, name);
  gint64 id = FD_STORE_CALL (store, resident_insert, &in, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

/* A raw connection as the server's role, outside the engine. */
static PGconn *
server_conn (FdTestStore *t)
{
  const char *keys[] = { "dbname", "password", NULL };
  const char *values[] = { t->server, t->password, NULL };
  PGconn *conn = PQconnectdbParams (keys, values, 1);

  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  return conn;
}

/* The first value of @sql's first row, or NULL; *@failed when it failed. */
static char *
raw_value (PGconn     *conn,
           const char *sql,
           gboolean   *failed)
{
  PGresult *res = PQexec (conn, sql);
  ExecStatusType st = PQresultStatus (res);
  char *value = NULL;

  *failed = st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK;
  if (st == PGRES_TUPLES_OK && PQntuples (res) > 0 && !PQgetisnull (res, 0, 0))
    value = g_strdup (PQgetvalue (res, 0, 0));
  PQclear (res);
  return value;
}

static char *
raw (PGconn     *conn,
     const char *sql)
{
  gboolean failed;
  char *value = raw_value (conn, sql, &failed);

  g_assert_false (failed);
  return value;
}

/* Checks @value (owned: freed here) against @want. */
static void
expect (char       *value,
        const char *want)
{
  g_assert_cmpstr (value, ==, want);
  g_free (value);
}

/* As the server's role, inside a transaction of estate A, no row of
 * estate B is read and none is written, whatever the SQL says. */
static void
test_rls (void)
{
  g_autoptr(FdTestStore) t = fd_test_store_new ();
  FdStore *store = fd_test_store_open (t);
  PGconn *conn = server_conn (t);
  gint64 a, b, rb;
  gboolean failed;
  g_autofree char *sql = NULL;
  g_autofree char *begin_a = NULL;

  fd_store_set_scope (store, FD_ESTATE_ALL);
  a = add_estate (store, "ea");
  b = add_estate (store, "eb");
  add_resident (store, a, "甲一");
  add_resident (store, a, "甲二");
  rb = add_resident (store, b, "乙一");
  fd_store_close (store);

  begin_a = g_strdup_printf ("BEGIN; SELECT set_config ('frontdesk.estate', '%" G_GINT64_FORMAT
                             "', true)", a);
  g_free (raw (conn, begin_a));
  sql = g_strdup_printf ("SELECT count(*) FROM residents WHERE estate_id = %" G_GINT64_FORMAT, b);
  expect (raw (conn, sql), "0");
  expect (raw (conn, "SELECT count(*) FROM residents"), "2");
  g_free (sql);
  sql = g_strdup_printf ("SELECT count(*) FROM payments WHERE resident_id = %" G_GINT64_FORMAT, rb);
  expect (raw (conn, sql), "0");
  expect (raw (conn, "SELECT count(*) FROM plates"), "2");
  /* nor written */
  g_free (sql);
  sql = g_strdup_printf ("INSERT INTO residents (estate_id, name, room, initials) "
                         "VALUES (%" G_GINT64_FORMAT ", 'x', '1-1-101', 'x')", b);
  g_free (raw_value (conn, sql, &failed));
  g_assert_true (failed);   /* new row violates row-level security policy */
  g_free (raw_value (conn, "ROLLBACK", &failed));

  /* An UPDATE of estate B's rows inside estate A's transaction touches none. */
  g_free (raw (conn, begin_a));
  g_free (sql);
  sql = g_strdup_printf ("WITH u AS (UPDATE residents SET name = 'x' WHERE estate_id = %"
                         G_GINT64_FORMAT " RETURNING 1) SELECT count(*) FROM u", b);
  expect (raw (conn, sql), "0");
  g_free (raw (conn, "ROLLBACK"));

  /* No estate set: nothing at all. */
  expect (raw (conn, "SELECT count(*) FROM residents"), "0");
  PQfinish (conn);
}

/* The server's role owns nothing and bypasses nothing, and the engine
 * refuses to serve as the owner. */
static void
test_roles (void)
{
  g_autoptr(FdTestStore) t = fd_test_store_new ();
  g_autofree char *super = fd_test_pg_superuser_conninfo (t->owner);
  g_autoptr(GError) error = NULL;
  g_autofree char *other_key = g_build_filename (t->dir, "owner.key", NULL);
  PGconn *conn = server_conn (t);
  g_autofree char *role = raw (conn, "SELECT current_user");
  g_autofree char *sql = NULL;
  FdKeys *keys;

  PQfinish (conn);
  sql = g_strdup_printf ("SELECT rolsuper OR rolbypassrls OR rolcreaterole OR rolcreatedb "
                         "FROM pg_roles WHERE rolname = '%s'", role);
  expect (fd_test_pg_query_value (super, sql), "f");
  g_free (sql);
  sql = g_strdup_printf ("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND "
                         "pg_has_role ('%s', tableowner, 'USAGE')", role);
  expect (fd_test_pg_query_value (super, sql), "0");
  /* every estate-scoped table forces its policy */
  expect (fd_test_pg_query_value (super, "SELECT count(*) FROM pg_class WHERE "
                                         "relrowsecurity AND relforcerowsecurity AND "
                                         "relname IN ('sessions', 'rooms', 'residents', "
                                         "'plates', 'payments', 'visitors', "
                                         "'audit_log', 'alerts')"), "8");
  /* the audit log is append-only to it */
  conn = server_conn (t);
  {
    gboolean failed;
    g_free (raw_value (conn, "DELETE FROM audit_log", &failed));
    g_assert_true (failed);
  }
  PQfinish (conn);

  keys = fd_keys_load (other_key, TRUE, &error);
  g_assert_no_error (error);
  g_assert_null (fd_store_pg_open (t->owner, NULL, keys, &error));
  g_assert_error (error, FD_ERROR, FD_ERROR_CONFIG);
  g_assert_nonnull (strstr (error->message, "owns the tables"));
}

/* integrity_check on @store: TRUE when sound; *@report its report. */
static gboolean
integrity (FdStore  *store,
           gboolean  quick,
           char    **report)
{
  g_autoptr(GError) error = NULL;
  gboolean sound;

  g_clear_pointer (report, g_free);
  sound = FD_STORE_CALL (store, integrity_check, quick, report, &error);
  g_assert_no_error (error);
  g_assert_nonnull (*report);
  g_test_message ("integrity (%s): %s", quick ? "quick" : "full", *report);
  return sound;
}

/* The integrity check (issue 12): what someone with the owner's or a
 * superuser's rights may break behind the server shows, and amcheck runs
 * once the administrator installs and grants it. */
static void
test_integrity (void)
{
  g_autoptr(FdTestStore) t = fd_test_store_new ();
  g_autofree char *super = fd_test_pg_superuser_conninfo (t->owner);
  g_autofree char *report = NULL;
  g_autofree char *role = NULL;
  g_autofree char *grant = NULL;
  FdStore *store = fd_test_store_open (t);
  const char *broken[][2] = {
    { "ALTER TABLE residents NO FORCE ROW LEVEL SECURITY",
      "ALTER TABLE residents FORCE ROW LEVEL SECURITY" },
    { "ALTER TABLE alert_deliveries DISABLE ROW LEVEL SECURITY",
      "ALTER TABLE alert_deliveries ENABLE ROW LEVEL SECURITY" },
    { "CREATE POLICY open ON visitors USING (true)", "DROP POLICY open ON visitors" },
    { "ALTER POLICY estate ON payments USING (true)",
      "ALTER POLICY estate ON payments USING (current_setting('frontdesk.estate', true) = '*' "
      "OR estate_id::text = current_setting('frontdesk.estate', true))" },
    { "DROP TABLE totp_challenges",
      "CREATE TABLE totp_challenges (hash text PRIMARY KEY, user_id bigint NOT NULL, "
      "workstation text, ip text, expires_at bigint NOT NULL)" },
    { "UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'residents_room'::regclass",
      "UPDATE pg_index SET indisvalid = true WHERE indexrelid = 'residents_room'::regclass" },
    { "DELETE FROM audit_head", "INSERT INTO audit_head VALUES (1, 0, "
      "'0000000000000000000000000000000000000000000000000000000000000000', NULL)" },
  };
  const char *named[] = { "residents", "alert_deliveries", "visitors (policy open)",
                          "policies differ", "totp_challenges", "residents_room",
                          "audit head" };

  fd_store_set_scope (store, FD_ESTATE_ALL);
  add_resident (store, 1, "甲一");
  g_assert_true (integrity (store, TRUE, &report));
  g_assert_nonnull (strstr (report, "amcheck is not available"));
  g_assert_true (integrity (store, FALSE, &report));
  g_assert_nonnull (strstr (report, "every table read through"));

  for (guint i = 0; i < G_N_ELEMENTS (broken); i++)
    {
      g_free (fd_test_pg_query_value (super, broken[i][0]));
      g_assert_false (integrity (store, TRUE, &report));
      if (strstr (report, named[i]) == NULL)
        g_error ("the report of \"%s\" lacks \"%s\": %s", broken[i][0], named[i], report);
      g_free (fd_test_pg_query_value (super, broken[i][1]));
      g_assert_true (integrity (store, TRUE, &report));
    }

  /* amcheck, installed by a superuser and granted to the server role */
  role = fd_test_pg_query_value (super, "SELECT current_database () || '_frontdesk'");
  grant = g_strdup_printf ("CREATE EXTENSION amcheck; GRANT EXECUTE ON FUNCTION "
                           "bt_index_check (regclass, boolean) TO \"%s\"", role);
  g_free (fd_test_pg_query_value (super, grant));
  g_assert_true (integrity (store, TRUE, &report));
  g_assert_nonnull (strstr (report, "amcheck's bt_index_check on "));
  g_assert_true (integrity (store, FALSE, &report));
  g_assert_nonnull (strstr (report, "with heapallindexed on "));
  fd_store_close (store);
}

/* The audit head as the witness reads it (get_setting "audit.head"):
 * SEQ:HASH:MAC, NULL for an empty chain, and "" (not NULL, which would
 * say "empty") when the database is away: the witness must not take a
 * failover for a chain cut back to nothing. Stops the process's cluster:
 * the tests after it get a new one. */
static void
test_witness_head (void)
{
  g_autoptr(FdTestStore) t = fd_test_store_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *empty = NULL, *head = NULL, *away = NULL;
  FdStore *store = fd_test_store_open (t);
  FdAuditEntry e = { 0 };

  fd_store_set_scope (store, FD_ESTATE_ALL);
  empty = FD_STORE_CALL (store, get_setting, "audit.head");
  g_assert_null (empty);
  e.at = fd_time_format_rfc3339 (g_get_real_time ());
  e.actor = g_strdup ("reception");
  e.action = g_strdup ("view");
  e.outcome = g_strdup ("allowed");
  g_assert_true (FD_STORE_CALL (store, audit_append, &e, &error));
  g_assert_no_error (error);
  head = FD_STORE_CALL (store, get_setting, "audit.head");
  g_assert_nonnull (head);
  g_assert_true (g_str_has_prefix (head, "1:"));
  g_assert_true (g_str_has_prefix (head + 2, e.hash));
  fd_audit_entry_clear (&e);

  fd_test_pg_stop ();
  away = FD_STORE_CALL (store, get_setting, "audit.head");
  g_assert_cmpstr (away, ==, "");
  fd_store_close (store);
}

/* The server's group commit runs requests of several estates in one
 * transaction: the engine sets the estate again when the scope changes. */
static void
test_scope_in_transaction (void)
{
  g_autoptr(FdTestStore) t = fd_test_store_new ();
  FdStore *store = fd_test_store_open (t);
  g_autoptr(GError) error = NULL;
  g_autoptr(FdResidentRecord) seen = NULL;
  gint64 a, b, ra, rb;

  fd_store_set_scope (store, FD_ESTATE_ALL);
  a = add_estate (store, "ea");
  b = add_estate (store, "eb");
  /* the transaction starts in estate A's scope, as a request of A's would */
  fd_store_set_scope (store, a);
  g_assert_true (FD_STORE_CALL (store, begin, &error));
  ra = add_resident (store, FD_ESTATE_ALL, "甲一");
  fd_store_set_scope (store, b);
  rb = add_resident (store, FD_ESTATE_ALL, "乙一");
  g_assert_null (FD_STORE_CALL (store, resident_get, ra));
  g_assert_true (FD_STORE_CALL (store, commit, &error));
  g_assert_no_error (error);

  /* and a resident of another estate is "not found" */
  seen = FD_STORE_CALL (store, resident_get, rb);
  g_assert_nonnull (seen);
  g_assert_cmpint (seen->estate_id, ==, b);
  fd_store_set_scope (store, a);
  g_assert_null (FD_STORE_CALL (store, resident_get, rb));
  g_assert_null (FD_STORE_CALL (store, resident_secret, rb, "phone", &error));
  g_assert_error (error, FD_ERROR, FD_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpuint (FD_STORE_CALL0 (store, resident_count), ==, 1);
  /* and a record of another estate is not written */
  {
    FdResidentInput in = resident (b, "乙二");
    g_assert_cmpint (FD_STORE_CALL (store, resident_insert, &in, &error), ==, 0);
    g_assert_error (error, FD_ERROR, FD_ERROR_INTERNAL);
    g_clear_error (&error);
  }
  /* a statement that fails (NOT NULL) leaves the connection usable */
  g_assert_false (FD_STORE_CALL (store, set_setting, "x", NULL, &error));
  g_assert_error (error, FD_ERROR, FD_ERROR_INTERNAL);
  g_clear_error (&error);
  g_assert_cmpuint (FD_STORE_CALL0 (store, resident_count), ==, 1);
  g_assert_true (FD_STORE_CALL (store, begin, &error));
  g_assert_cmpuint (FD_STORE_CALL0 (store, resident_count), ==, 1);
  g_assert_true (FD_STORE_CALL (store, commit, &error));
  fd_store_close (store);
}

/* Several connections, one thread each, started together. */
#define N_RACERS 4

typedef struct
{
  FdStore *store;
  GMutex  *lock;
  GCond   *cond;
  guint   *ready;
  guint    round;
  gint     what;     /* 0 limit_take, 1 audit_append, 2 login_attempt_reserve, 3 listed_note,
                      * 4 totp_step_take, 5 totp_recovery_use, 6 totp_challenge_take,
                      * 7 delivery_claim */
  guint    index;
  guint    granted;
  guint    last;
} Racer;

static void
start_together (Racer *r)
{
  g_mutex_lock (r->lock);
  (*r->ready)++;
  g_cond_broadcast (r->cond);
  while (*r->ready % N_RACERS != 0)
    g_cond_wait (r->cond, r->lock);
  g_mutex_unlock (r->lock);
}

/* delivery ids claimed by the racers (what 7), under their lock */
static GHashTable *claimed;

static gpointer
race (gpointer data)
{
  Racer *r = data;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time ();

  start_together (r);
  if (r->what == 0)
    {
      guint count = 0;
      /* user r->round: the last unit of a limit of 1 */
      if (FD_STORE_CALL (r->store, limit_take, 1000 + r->round, "reveal", now - G_USEC_PER_SEC,
                         now, 1, &count, &error))
        r->granted++;
      g_assert_no_error (error);
    }
  else if (r->what == 1)
    {
      FdAuditEntry e = { 0 };
      /* half of them as the server's group commit does: the 25 entries
       * wait for the commit and go in together (fd-store-pg-commit.c) */
      gboolean batch = r->index % 2 == 1;

      g_assert_true (!batch || FD_STORE_CALL (r->store, begin, &error));
      for (guint i = 0; i < 25; i++)
        {
          e.at = fd_time_format_rfc3339 (now);
          e.actor = g_strdup ("reception");
          e.action = g_strdup ("view");
          e.outcome = g_strdup ("allowed");
          e.estate_id = r->round;
          g_assert_true (FD_STORE_CALL (r->store, audit_append, &e, &error));
          g_assert_no_error (error);
          fd_audit_entry_clear (&e);
        }
      g_assert_true (!batch || FD_STORE_CALL (r->store, commit, &error));
      g_assert_no_error (error);
    }
  else if (r->what == 3)
    {
      gint64 ids[50];
      guint count = 0;

      /* overlapping pages of one user: 25 of each are another's too;
       * half of them as the search worker takes them (issue 11, session 5) */
      for (guint i = 0; i < 50; i++)
        ids[i] = 1 + r->index * 25 + i + 1000 * r->round;
      if (r->index % 2 == 1)
        g_assert_true (FD_STORE_CALL (r->store, listed_note_detached, 77, ids, 50,
                                      now - G_USEC_PER_SEC * 600, now, &count, &error));
      else
        g_assert_true (FD_STORE_CALL (r->store, listed_note, 77, ids, 50,
                                      now - G_USEC_PER_SEC * 600, now, &count, &error));
      g_assert_no_error (error);
    }
  else if (r->what == 4)
    {
      /* the same step of one account: one caller takes it */
      if (FD_STORE_CALL (r->store, totp_step_take, 500 + r->round, 1000))
        r->granted++;
    }
  else if (r->what == 5)
    {
      guint left = 0;
      /* the same recovery code: one caller uses it */
      if (FD_STORE_CALL (r->store, totp_recovery_use, 500 + r->round, "code", now, &left))
        r->granted++;
    }
  else if (r->what == 6)
    {
      g_autofree char *hash = g_strdup_printf ("challenge-%u", r->round);
      FdTotpChallenge *challenge = FD_STORE_CALL (r->store, totp_challenge_take, hash, 0);

      /* the same challenge: one caller gets it */
      if (challenge != NULL)
        r->granted++;
      fd_totp_challenge_free (challenge);
    }
  else if (r->what == 7)
    {
      GPtrArray *due;

      /* a small batch at a time until none is due: every delivery to one caller */
      while ((due = FD_STORE_CALL (r->store, delivery_claim, now, now + G_USEC_PER_SEC * 600, 3,
                                   &error))->len > 0)
        {
          g_mutex_lock (r->lock);
          for (guint i = 0; i < due->len; i++)
            {
              gint64 id = ((FdDeliveryRecord *) due->pdata[i])->id;
              g_assert_true (g_hash_table_add (claimed, g_memdup2 (&id, sizeof id)));
            }
          g_mutex_unlock (r->lock);
          r->granted += due->len;
          g_ptr_array_unref (due);
        }
      g_ptr_array_unref (due);
      g_assert_no_error (error);
    }
  else
    {
      g_autofree char *name = g_strdup_printf ("nobody-%u", r->round);
      gint64 until = 0;
      /* the third failure of a name locks it: exactly one caller sees it */
      if (FD_STORE_CALL (r->store, login_attempt_reserve, name, now, 3, G_USEC_PER_SEC * 60,
                         now - G_USEC_PER_SEC * 60, &until, &error) == FD_LOGIN_ATTEMPT_LAST)
        r->last++;
      g_assert_no_error (error);
    }
  return NULL;
}

static void
run_race (FdTestStore *t,
          gint         what,
          guint        rounds,
          Racer       *racers)
{
  GMutex lock;
  GCond cond;
  guint ready = 0;

  g_mutex_init (&lock);
  g_cond_init (&cond);
  for (guint i = 0; i < N_RACERS; i++)
    {
      racers[i] = (Racer) { fd_test_store_open (t), &lock, &cond, &ready, 0, what, i, 0, 0 };
      fd_store_set_scope (racers[i].store, FD_ESTATE_ALL);
    }
  for (guint round = 1; round <= rounds; round++)
    {
      GThread *threads[N_RACERS];

      for (guint i = 0; i < N_RACERS; i++)
        {
          racers[i].round = what == 1 ? i + 1 : round;
          threads[i] = g_thread_new ("racer", race, &racers[i]);
        }
      for (guint i = 0; i < N_RACERS; i++)
        g_thread_join (threads[i]);
    }
  for (guint i = 0; i < N_RACERS; i++)
    fd_store_close (racers[i].store);
  g_mutex_clear (&lock);
  g_cond_clear (&cond);
}

/* Connections racing for the last unit of a limit: one is granted. */
static void
test_limit_race (void)
{
  g_autoptr(FdTestStore) t = fd_test_store_new ();
  Racer racers[N_RACERS];
  guint granted = 0;
  const guint rounds = 30;

  run_race (t, 0, rounds, racers);
  for (guint i = 0; i < N_RACERS; i++)
    granted += racers[i].granted;
  g_assert_cmpuint (granted, ==, rounds);
}

/* Connections racing for the failure that locks a name: one locks it. */
static void
test_login_race (void)
{
  g_autoptr(FdTestStore) t = fd_test_store_new ();
  Racer racers[N_RACERS];
  guint last = 0;
  const guint rounds = 20;

  run_race (t, 2, rounds, racers);
  for (guint i = 0; i < N_RACERS; i++)
    last += racers[i].last;
  /* four callers, three failures lock: the third is LAST, the fourth LOCKED */
  g_assert_cmpuint (last, ==, rounds);
}

/* Connections noting overlapping pages of one user's listing: the number
 * kept beside the rows is the number of distinct residents. */
static void
test_listed_race (void)
{
  g_autoptr(FdTestStore) t = fd_test_store_new ();
  g_autoptr(GError) error = NULL;
  Racer racers[N_RACERS];
  FdStore *store;
  const guint rounds = 10;
  guint count = 0;

  run_race (t, 3, rounds, racers);
  store = fd_test_store_open (t);
  g_assert_true (FD_STORE_CALL (store, listed_note, 77, NULL, 0,
                                g_get_real_time () - G_USEC_PER_SEC * 600, g_get_real_time (),
                                &count, &error));
  g_assert_cmpuint (count, ==, rounds * (25 * (N_RACERS - 1) + 50));
  fd_store_close (store);
}

/* listed_note_detached from several threads over one store (the search
 * workers): its connections are the store's own, taken one a call; every
 * resident counts once, and the main connection's count agrees. */
typedef struct
{
  FdStore *store;
  guint    index;
} Detached;

static gpointer
detached_thread (gpointer data)
{
  Detached *d = data;
  gint64 now = g_get_real_time ();

  for (guint round = 0; round < 20; round++)
    {
      g_autoptr(GError) error = NULL;
      gint64 ids[50];
      guint count = 0;

      /* each page: 40 ids of its own this round and 10 every thread lists */
      for (guint i = 0; i < 40; i++)
        ids[i] = 100000 + round * 1000 + d->index * 40 + i;
      for (guint i = 40; i < 50; i++)
        ids[i] = 500000 + round * 10 + i;
      g_assert_true (FD_STORE_CALL (d->store, listed_note_detached, 78, ids, 50,
                                    now - G_USEC_PER_SEC * 600, now, &count, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (count, >=, 50);
    }
  return NULL;
}

static void
test_listed_detached (void)
{
  g_autoptr(FdTestStore) t = fd_test_store_new ();
  g_autoptr(GError) error = NULL;
  FdStore *store = fd_test_store_open (t);
  Detached d[6];
  GThread *threads[G_N_ELEMENTS (d)];
  guint count = 0;

  for (guint i = 0; i < G_N_ELEMENTS (d); i++)
    {
      d[i] = (Detached) { store, i };
      threads[i] = g_thread_new ("detached", detached_thread, &d[i]);
    }
  /* the store's own connection goes on meanwhile */
  g_assert_true (FD_STORE_CALL (store, begin, &error));
  g_assert_true (FD_STORE_CALL (store, listed_note, 79, (const gint64[]) { 1, 2, 3 }, 3,
                                g_get_real_time () - G_USEC_PER_SEC * 600, g_get_real_time (),
                                &count, &error));
  g_assert_true (FD_STORE_CALL (store, commit, &error));
  g_assert_cmpuint (count, ==, 3);
  for (guint i = 0; i < G_N_ELEMENTS (d); i++)
    g_thread_join (threads[i]);
  g_assert_true (FD_STORE_CALL (store, listed_note, 78, NULL, 0,
                                g_get_real_time () - G_USEC_PER_SEC * 600, g_get_real_time (),
                                &count, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count, ==, 20 * (40 * G_N_ELEMENTS (d) + 10));
  fd_store_close (store);
}

/* A detached connection prepares its statement again once the plan is a
 * second old (the plan made on an empty table read every listed row of
 * the account for each resident of the page): the calls on either side
 * of that count as one count. */
static void
test_listed_detached_replan (void)
{
  g_autoptr(FdTestStore) t = fd_test_store_new ();
  g_autoptr(GError) error = NULL;
  FdStore *store = fd_test_store_open (t);
  gint64 ids[50];
  guint count = 0;

  /* planned on an empty table, then 2,000 rows */
  for (guint page = 0; page < 40; page++)
    {
      gint64 now = g_get_real_time ();

      for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
        ids[i] = 1 + page * G_N_ELEMENTS (ids) + i;
      g_assert_true (store->backend->listed_note_detached (store, 91, ids, G_N_ELEMENTS (ids),
                                                           now - G_USEC_PER_SEC * 600, now,
                                                           &count, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (count, ==, (page + 1) * G_N_ELEMENTS (ids));
    }
  g_usleep (G_USEC_PER_SEC + G_USEC_PER_SEC / 10);
  /* planned again: half the page listed before, half new */
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    ids[i] = 1976 + i;
  g_assert_true (store->backend->listed_note_detached (store, 91, ids, G_N_ELEMENTS (ids),
                                                       g_get_real_time () - G_USEC_PER_SEC * 600,
                                                       g_get_real_time (), &count, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count, ==, 2000 + 25);
  fd_store_close (store);
}

/* The chain appended from several connections at once is one chain. */
static void
test_audit_race (void)
{
  g_autoptr(FdTestStore) t = fd_test_store_new ();
  g_autoptr(GError) error = NULL;
  Racer racers[N_RACERS];
  FdStore *store = fd_test_store_open (t);
  gint64 n = 0, bad = 0;

  /* the racers append as estates 1…N_RACERS: a chain that forked would
   * still fit the primary key (estate_id, seq) */
  fd_store_set_scope (store, FD_ESTATE_ALL);
  for (guint i = 1; i < N_RACERS; i++)
    {
      g_autofree char *code = g_strdup_printf ("e%u", i + 1);
      add_estate (store, code);
    }
  run_race (t, 1, 4, racers);
  g_assert_true (FD_STORE_CALL (store, audit_verify, &n, &bad, &error));
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 4 * N_RACERS * 25);
  fd_store_close (store);
}

/* Issue 11: inside the caller's transaction (the server's group commit)
 * audit entries wait for the commit and are written together: the
 * chain's head is not locked while the batch fills, so another server
 * appends meanwhile; a count inside the transaction sees the batch's own
 * entries; every value comes back as it went in, whatever it holds. */
static void
test_audit_batch (void)
{
  static const char *odd[] = { "quote \" and backslash \\", "{braces,comma}", "NULL", "",
                               "名字\ttab, \"引号\"", NULL };
  g_autoptr(FdTestStore) t = fd_test_store_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) listed = NULL;
  g_autofree char *since = fd_time_format_rfc3339 (g_get_real_time () - G_USEC_PER_SEC * 60);
  g_autofree char *locked = NULL, *subjects = NULL, *entries = NULL;
  FdStore *a = fd_test_store_open (t);
  FdStore *b = fd_test_store_open (t);
  PGconn *conn = server_conn (t);
  const gint64 ids[] = { 11, 12, 13 };
  FdAuditQuery q = { .limit = 100 };
  FdAuditEntry e = { 0 };
  gint64 estate, n = 0, bad = 0;
  gboolean failed;
  guint appended = 0;

  fd_store_set_scope (a, FD_ESTATE_ALL);
  fd_store_set_scope (b, FD_ESTATE_ALL);
  estate = add_estate (a, "eb");
  g_assert_true (FD_STORE_CALL (a, begin, &error));
  for (guint round = 0; round < 2; round++)
    for (guint i = 0; i < G_N_ELEMENTS (odd); i++, appended++)
      {
        /* requests of two estates in one transaction */
        fd_store_set_scope (a, i % 2 == 0 ? 1 : estate);
        e.at = fd_time_format_rfc3339 (g_get_real_time ());
        e.actor = g_strdup (odd[i] != NULL ? odd[i] : "reception");
        e.actor_id = 42;
        e.estate_id = FD_ESTATE_ALL;   /* the scope's */
        e.action = g_strdup ("search");
        e.target = g_strdup (odd[i]);
        e.reason_text = g_strdup (odd[i]);
        e.outcome = g_strdup ("allowed");
        g_assert_true (FD_STORE_CALL (a, audit_append, &e, &error));
        g_assert_no_error (error);
        g_assert_true (FD_STORE_CALL (a, audit_subjects_add, e.seq, 'r', ids, 3, &error));
        g_assert_no_error (error);
        fd_audit_entry_clear (&e);
        if (round == 1 || i != G_N_ELEMENTS (odd) - 1)
          continue;
        /* the head is free while the batch fills: another server appends */
        locked = raw_value (conn, "BEGIN; SELECT seq FROM audit_head WHERE id = 1 FOR UPDATE NOWAIT",
                            &failed);
        g_assert_false (failed);
        g_free (raw (conn, "ROLLBACK"));
        e.at = fd_time_format_rfc3339 (g_get_real_time ());
        e.actor = g_strdup ("other-server");
        e.action = g_strdup ("view");
        e.outcome = g_strdup ("allowed");
        e.estate_id = 1;
        g_assert_true (FD_STORE_CALL (b, audit_append, &e, &error));
        g_assert_no_error (error);
        fd_audit_entry_clear (&e);
        /* a count in the transaction sees the entries waiting in it */
        fd_store_set_scope (a, FD_ESTATE_ALL);
        g_assert_cmpuint (FD_STORE_CALL (a, audit_count, 42, "search", "allowed", NULL, since,
                                         FALSE), ==, appended + 1);
      }
  g_assert_true (FD_STORE_CALL (a, commit, &error));
  g_assert_no_error (error);

  g_assert_true (FD_STORE_CALL (a, audit_verify, &n, &bad, &error));
  g_assert_no_error (error);
  g_assert_cmpint (bad, ==, 0);
  g_assert_cmpint (n, ==, appended + 1);
  fd_store_set_scope (a, FD_ESTATE_ALL);
  q.action = "search";
  listed = FD_STORE_CALL (a, audit_list, &q);
  g_assert_cmpuint (listed->len, ==, appended);
  for (guint j = 0; j < listed->len; j++)
    {
      FdAuditEntry *got = listed->pdata[j];
      /* newest first: the last entry appended is odd[last] */
      const char *want = odd[(G_N_ELEMENTS (odd) - 1) - j % G_N_ELEMENTS (odd)];

      g_assert_cmpstr (got->target, ==, want);
      g_assert_cmpstr (got->reason_text, ==, want);
      g_assert_cmpint (got->estate_id, ==, ((G_N_ELEMENTS (odd) - 1) - j % G_N_ELEMENTS (odd)) % 2
                                           == 0 ? 1 : estate);
    }
  /* three listed residents on each, under the entry's own seq */
  g_free (raw (conn, "SELECT set_config ('frontdesk.estate', '*', false)"));
  subjects = raw (conn, "SELECT count(*) FROM audit_subject_lists s JOIN audit_log l ON "
                        "l.seq = s.seq AND l.estate_id = s.estate_id, "
                        "unnest (s.subject_ids) WHERE l.action = 'search'");
  entries = raw (conn, "SELECT count(DISTINCT seq) FROM audit_subject_lists");
  g_assert_cmpint (g_ascii_strtoll (subjects, NULL, 10), ==, 3 * appended);
  g_assert_cmpint (g_ascii_strtoll (entries, NULL, 10), ==, appended);
  PQfinish (conn);
  fd_store_close (b);
  fd_store_close (a);
}

/* Issue 11: commit_async commits the server's batch without waiting for
 * the disk and says when it is durable: only once PostgreSQL has flushed
 * its WAL past the commit (the WAL writer held back here, so that only
 * the engine's barrier flushes it), never at once; a store closed with
 * one in flight waits for it. */
typedef struct
{
  const char *super;
  char       *lsn;        /* the WAL written when commit_async returned */
  guint       calls;
  gboolean    durable;
} Durable;

static void
durable_seen (gpointer      data,
              const GError *error)
{
  Durable *d = data;
  g_autofree char *sql = g_strdup_printf ("SELECT pg_current_wal_flush_lsn () >= '%s'", d->lsn);
  g_autofree char *flushed = fd_test_pg_query_value (d->super, sql);

  g_assert_no_error (error);
  d->durable = g_strcmp0 (flushed, "t") == 0;
  d->calls++;
}

static void
append_view (FdStore *store)
{
  g_autoptr(GError) error = NULL;
  FdAuditEntry e = { 0 };

  e.at = fd_time_format_rfc3339 (g_get_real_time ());
  e.actor = g_strdup ("reception");
  e.action = g_strdup ("view");
  e.outcome = g_strdup ("allowed");
  e.estate_id = 1;
  g_assert_true (FD_STORE_CALL (store, audit_append, &e, &error));
  g_assert_no_error (error);
  fd_audit_entry_clear (&e);
}

static void
test_commit_durable (void)
{
  g_autoptr(FdTestStore) t = fd_test_store_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *super = fd_test_pg_superuser_conninfo (t->server);
  g_autofree char *barriers = NULL;
  FdStore *store = NULL;
  Durable d = { super };
  gint64 n = 0, bad = 0;

  /* the test cluster commits lazily by default: this database does not */
  g_free (fd_test_pg_query_value (super, "DO $$ BEGIN EXECUTE format ('ALTER DATABASE %I SET "
                                         "synchronous_commit = on', current_database ()); "
                                         "END $$"));
  store = fd_test_store_open (t);
  g_free (fd_test_pg_query_value (super, "ALTER SYSTEM SET wal_writer_delay = '10s'"));
  g_free (fd_test_pg_query_value (super, "SELECT pg_reload_conf ()"));
  g_usleep (G_USEC_PER_SEC / 2);   /* the WAL writer reads it */
  fd_store_set_scope (store, FD_ESTATE_ALL);
  g_assert_true (FD_STORE_CALL (store, begin, &error));
  append_view (store);
  g_assert_true (FD_STORE_CALL (store, commit_async, durable_seen, &d, &error));
  g_assert_no_error (error);
  d.lsn = fd_test_pg_query_value (super, "SELECT pg_current_wal_insert_lsn ()");
  g_assert_cmpuint (d.calls, ==, 0);
  while (d.calls == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (d.durable);
  g_assert_true (FD_STORE_CALL (store, audit_verify, &n, &bad, &error));
  g_assert_cmpint (n, ==, 1);
  /* the barrier leaves nothing behind */
  barriers = fd_test_pg_query_value (super, "SELECT count(*) FROM settings WHERE key LIKE "
                                            "'commit.barrier.%'");
  g_assert_cmpstr (barriers, ==, "0");

  /* closed with a commit in flight: the close waits for it */
  g_assert_true (FD_STORE_CALL (store, begin, &error));
  append_view (store);
  g_assert_true (FD_STORE_CALL (store, commit_async, durable_seen, &d, &error));
  g_free (d.lsn);
  d.lsn = fd_test_pg_query_value (super, "SELECT pg_current_wal_insert_lsn ()");
  fd_store_close (store);
  g_assert_cmpuint (d.calls, ==, 2);
  g_assert_true (d.durable);
  g_free (d.lsn);
  g_free (fd_test_pg_query_value (super, "ALTER SYSTEM RESET wal_writer_delay"));
  g_free (fd_test_pg_query_value (super, "SELECT pg_reload_conf ()"));
}

/* Issue 11: the session's statement reads the account and the rules
 * settings the request reads next; each is handed out once, as of the
 * session's read (another server's change a moment later is the next
 * read's), and any other statement drops what was not used. */
static void
test_read_ahead (void)
{
  g_autoptr(FdTestStore) t = fd_test_store_new ();
  g_autoptr(GError) error = NULL;
  FdStore *a = fd_test_store_open (t);
  FdStore *b = fd_test_store_open (t);
  FdUserRecord u = { .username = (char *) "ahead", .display_name = (char *) "Ahead",
                     .role = (char *) "reception", .password_hash = (char *) "x" };
  FdSessionRecord s = { .token_hash = (char *) "ahead-token", .created_at = 1, .last_seen = 1,
                        .expires_at = G_MAXINT64 / 2, .estate_id = 1 };
  g_autoptr(FdSessionRecord) session = NULL, again = NULL;
  g_autoptr(FdUserRecord) changed = NULL, user = NULL;
  g_autofree char *ack_key = NULL;
  gint64 id;

  fd_store_set_scope (a, FD_ESTATE_ALL);
  fd_store_set_scope (b, FD_ESTATE_ALL);
  id = FD_STORE_CALL (a, user_insert, &u, &error);
  g_assert_no_error (error);
  s.user_id = id;
  g_assert_cmpint (FD_STORE_CALL (a, session_insert, &s, &error), >, 0);
  ack_key = g_strdup_printf ("rules.ack.%" G_GINT64_FORMAT, id);
  g_assert_true (FD_STORE_CALL (a, set_setting, "rules.version", "1", &error));
  g_assert_true (FD_STORE_CALL (a, set_setting, ack_key, "1:5", &error));

  session = FD_STORE_CALL (a, session_by_token_hash, "ahead-token");
  g_assert_nonnull (session);
  /* another server changes them a moment after the session's read */
  g_assert_true (FD_STORE_CALL (b, set_setting, "rules.version", "2", &error));
  g_assert_true (FD_STORE_CALL (b, set_setting, ack_key, "2:6", &error));
  changed = FD_STORE_CALL (b, user_by_id, id);
  changed->disabled = TRUE;
  g_assert_true (FD_STORE_CALL (b, user_update, changed, &error));
  g_assert_no_error (error);
  /* as of the session's read, once: the same statement read them */
  expect (FD_STORE_CALL (a, get_setting, "rules.version"), "1");
  expect (FD_STORE_CALL (a, get_setting, ack_key), "1:5");
  user = FD_STORE_CALL (a, user_by_id, id);
  g_assert_false (user->disabled);
  g_clear_pointer (&user, fd_user_record_free);
  /* the next reads are the database's */
  expect (FD_STORE_CALL (a, get_setting, "rules.version"), "2");
  user = FD_STORE_CALL (a, user_by_id, id);
  g_assert_true (user->disabled);
  g_clear_pointer (&user, fd_user_record_free);

  /* another statement first drops what was read ahead */
  again = FD_STORE_CALL (a, session_by_token_hash, "ahead-token");
  g_assert_nonnull (again);
  g_assert_true (FD_STORE_CALL (b, set_setting, "rules.version", "3", &error));
  g_free (FD_STORE_CALL (a, get_setting, "rules.en"));
  expect (FD_STORE_CALL (a, get_setting, "rules.version"), "3");
  fd_store_close (b);
  fd_store_close (a);
}

static guint
granted_in (Racer *racers)
{
  guint granted = 0;

  for (guint i = 0; i < N_RACERS; i++)
    granted += racers[i].granted;
  return granted;
}

/* Connections racing with one TOTP step, one recovery code, one
 * challenge (issue 15): each is taken once, on every round. */
static void
test_totp_race (void)
{
  g_autoptr(FdTestStore) t = fd_test_store_new ();
  g_autoptr(GError) error = NULL;
  const char * const codes[] = { "code", NULL };
  FdStore *store = fd_test_store_open (t);
  Racer racers[N_RACERS];
  const guint rounds = 15;

  fd_store_set_scope (store, FD_ESTATE_ALL);
  for (guint round = 1; round <= rounds; round++)
    {
      FdTotpRecord row = { .user_id = 500 + round, .secret = (char *) "JBSWY3DPEHPK3PXP",
                           .confirmed = TRUE, .last_step = 999 };
      g_autofree char *hash = g_strdup_printf ("challenge-%u", round);
      FdTotpChallenge challenge = { .hash = hash, .user_id = 500 + round,
                                    .expires_at = G_MAXINT64 };

      g_assert_true (FD_STORE_CALL (store, totp_put, &row, codes, &error));
      g_assert_true (FD_STORE_CALL (store, totp_challenge_put, &challenge, 0, &error));
      g_assert_no_error (error);
    }
  fd_store_close (store);
  for (gint what = 4; what <= 6; what++)
    {
      run_race (t, what, rounds, racers);
      g_assert_cmpuint (granted_in (racers), ==, rounds);
    }
}

/* Connections (servers) claiming one delivery queue at once: every
 * delivery is claimed, and by one of them only (FOR UPDATE SKIP LOCKED
 * and the lease in one statement). */
static void
test_delivery_race (void)
{
  g_autoptr(FdTestStore) t = fd_test_store_new ();
  g_autoptr(GError) error = NULL;
  FdStore *store = fd_test_store_open (t);
  Racer racers[N_RACERS];
  const guint n = 60;

  fd_store_set_scope (store, FD_ESTATE_ALL);
  add_estate (store, "e2");
  for (guint i = 0; i < n; i++)
    {
      FdDeliveryRecord d = {
        .estate_id = 1 + i % 2, .channel = (char *) "syslog", .destination = (char *) "journal",
        .kind = (char *) "test", .at = (char *) "2026-01-01T00:00:00Z",
        .next_at = i, .created_at = i,
      };
      g_assert_cmpint (FD_STORE_CALL (store, delivery_enqueue, &d, &error), >, 0);
      g_assert_no_error (error);
    }
  fd_store_close (store);
  claimed = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  run_race (t, 7, 1, racers);
  g_assert_cmpuint (granted_in (racers), ==, n);
  g_assert_cmpuint (g_hash_table_size (claimed), ==, n);
  g_clear_pointer (&claimed, g_hash_table_unref);
}

static gpointer
claim_thread (gpointer data)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *due = FD_STORE_CALL ((FdStore *) data, delivery_claim, 100, 1000, 10, &error);

  g_assert_no_error (error);
  return due;
}

/* A second server's claim while the first one's is not committed yet:
 * it neither waits for it nor takes its rows, it takes the others. */
static void
test_delivery_skip_locked (void)
{
  g_autoptr(FdTestStore) t = fd_test_store_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) first = NULL;
  g_autoptr(GPtrArray) second = NULL;
  FdStore *a = fd_test_store_open (t);
  FdStore *b = fd_test_store_open (t);
  GThread *thread;

  fd_store_set_scope (a, FD_ESTATE_ALL);
  fd_store_set_scope (b, FD_ESTATE_ALL);
  for (guint i = 0; i < 10; i++)
    {
      FdDeliveryRecord d = { .estate_id = 1, .channel = (char *) "syslog",
                             .destination = (char *) "journal", .kind = (char *) "test",
                             .at = (char *) "2026-01-01T00:00:00Z", .next_at = i };
      g_assert_cmpint (FD_STORE_CALL (a, delivery_enqueue, &d, &error), >, 0);
    }
  g_assert_true (FD_STORE_CALL (a, begin, &error));
  first = FD_STORE_CALL (a, delivery_claim, 100, 1000, 3, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (first->len, ==, 3);
  /* an engine that waited on the first claim's row locks would wait
   * here until the commit below, then take those rows again */
  thread = g_thread_new ("claim", claim_thread, b);
  g_usleep (G_USEC_PER_SEC / 2);
  g_assert_true (FD_STORE_CALL (a, commit, &error));
  second = g_thread_join (thread);
  g_assert_cmpuint (second->len, ==, 7);
  for (guint i = 0; i < first->len; i++)
    for (guint j = 0; j < second->len; j++)
      g_assert_cmpint (((FdDeliveryRecord *) first->pdata[i])->id, !=,
                       ((FdDeliveryRecord *) second->pdata[j])->id);
  fd_store_close (a);
  fd_store_close (b);
}

static void
count_cb (const FdResidentRecord *r,
          gpointer                user_data)
{
  GArray *ids = user_data;

  g_array_append_val (ids, r->id);
}

/* The record the follower reads is the one resident_get reads. */
static void
same_cb (const FdResidentRecord *r,
         gpointer                user_data)
{
  FdStore *store = user_data;
  g_autoptr(FdResidentRecord) got = FD_STORE_CALL (store, resident_get, r->id);

  g_assert_nonnull (got);
  g_assert_cmpstr (r->name, ==, got->name);
  g_assert_cmpstr (r->room, ==, got->room);
  g_assert_cmpstr (r->phone_masked, ==, got->phone_masked);
  g_assert_cmpstr (r->account_masked, ==, got->account_masked);
  g_assert_nonnull (r->plates);
  g_assert_cmpstrv (r->plates, got->plates);
  g_assert_cmpint (r->estate_id, ==, got->estate_id);
}

static gpointer
insert_thread (gpointer data)
{
  FdStore *store = data;
  gint64 id = add_resident (store, FD_ESTATE_ALL, "丙一");

  return GSIZE_TO_POINTER ((gsize) id);
}

/* Another server's residents reach this one's search index through
 * residents_after: ids grow in commit order, so following "above the
 * last id seen" misses none, even when a writer that took its id first
 * commits last. */
/* issue 16: residents go in batches of 4,096, their arrays in binary
 * form, sent in pipeline mode. Several batches in one call come back as
 * written (quotes, backslashes, braces and commas as they are; sealed
 * values open); a batch that fails after earlier ones were sent fails
 * the call with the database's error, writes nothing, and leaves the
 * connection usable. */
#define MANY (3 * 4096 + 5)

static void
test_insert_many (void)
{
  static const char *no_plates[] = { NULL };
  static const char *odd_plates[] = { "粤B\"{1}", "京A,2\\", "粤B\"{1}", NULL };
  g_autoptr(FdTestStore) t = fd_test_store_new ();
  g_autoptr(GError) error = NULL;
  g_autofree FdResidentInput *in = g_new0 (FdResidentInput, MANY);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(FdResidentRecord) odd = NULL;
  g_autofree char *phone = NULL, *account = NULL, *max_id = NULL;
  FdStore *store = fd_test_store_open (t);
  PGconn *conn = server_conn (t);
  gint64 e, last;

  fd_store_set_scope (store, FD_ESTATE_ALL);
  e = add_estate (store, "em");
  for (guint i = 0; i < MANY; i++)
    {
      g_ptr_array_add (names, g_strdup_printf ("名%u", i));
      in[i] = resident (e, names->pdata[i]);
      in[i].plates = i % 2 ? no_plates : in[i].plates;
      in[i].balance_cents = -(gint64) i;
      in[i].overdue = i % 3 == 0;
    }
  /* the last one, in the fourth batch: what text arrays would quote,
   * and a plate given twice (written once) */
  in[MANY - 1].name = "张\"三\\{,} NULL";
  in[MANY - 1].plates = odd_plates;
  in[MANY - 1].phone = "13900001111";
  in[MANY - 1].id_number = NULL;
  in[MANY - 1].last_paid_at = "2026-12-01";

  g_assert_true (FD_STORE_CALL (store, begin, &error));
  g_assert_true (FD_STORE_CALL (store, resident_insert_many, in, MANY, &error));
  g_assert_no_error (error);
  g_assert_true (FD_STORE_CALL (store, commit, &error));
  g_assert_cmpuint (FD_STORE_CALL0 (store, resident_count), ==, MANY);

  g_free (raw (conn, "SELECT set_config ('frontdesk.estate', '*', false)"));
  expect (raw (conn, "SELECT count(*) FROM payments"), "12293");
  expect (raw (conn, "SELECT count(*) FROM plates"), "6148");   /* 6,146 + 2 */
  expect (raw (conn, "SELECT count(*) FROM payments WHERE overdue"), "4098");
  expect (raw (conn, "SELECT sum(balance_cents) FROM payments"), "-75552778");
  max_id = raw (conn, "SELECT max(id) FROM residents");
  last = g_ascii_strtoll (max_id, NULL, 10);
  odd = FD_STORE_CALL (store, resident_get, last);
  g_assert_nonnull (odd);
  g_assert_cmpstr (odd->name, ==, "张\"三\\{,} NULL");
  g_assert_cmpstr (odd->last_paid_at, ==, "2026-12-01");
  g_assert_null (odd->id_masked);
  g_assert_cmpuint (g_strv_length (odd->plates), ==, 2);
  g_assert_true (g_strv_contains ((const char * const *) odd->plates, "京A,2\\"));
  g_assert_true (g_strv_contains ((const char * const *) odd->plates, "粤B\"{1}"));
  phone = FD_STORE_CALL (store, resident_secret, last, "phone", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (phone, ==, "13900001111");
  account = FD_STORE_CALL (store, resident_secret, last - 1, "payment_account", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (account, ==, "6222020200112233445");
  g_assert_true (FD_STORE_CALL (store, resident_matches, last, "phone", "13900001111"));

  /* the third batch names an estate that does not exist: the foreign
   * key fails after two batches went out */
  in[2 * 4096 + 1].estate_id = e + 1000;
  g_assert_true (FD_STORE_CALL (store, begin, &error));
  g_assert_false (FD_STORE_CALL (store, resident_insert_many, in, MANY, &error));
  g_assert_nonnull (error);
  g_test_message ("a failed batch: %s", error->message);
  g_assert_nonnull (strstr (error->message, "residents"));
  g_clear_error (&error);
  FD_STORE_CALL0 (store, rollback);
  g_assert_cmpuint (FD_STORE_CALL0 (store, resident_count), ==, MANY);
  /* the connection goes on */
  add_resident (store, e, "后来");
  g_assert_cmpuint (FD_STORE_CALL0 (store, resident_count), ==, MANY + 1);
  PQfinish (conn);
  fd_store_close (store);
}

static void
test_follow (void)
{
  g_autoptr(FdTestStore) t = fd_test_store_new ();
  g_autoptr(GArray) seen = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GError) error = NULL;
  FdStore *follower = fd_test_store_open (t);
  FdStore *b = fd_test_store_open (t);
  FdStore *c = fd_test_store_open (t);
  gint64 first, last = 0;
  GThread *thread;

  add_resident (b, FD_ESTATE_ALL, "乙零");
  g_assert_cmpuint (FD_STORE_CALL (follower, residents_after, 0, 100, count_cb, seen), ==, 1);
  last = g_array_index (seen, gint64, 0);

  /* b takes an id and holds its transaction open; c writes meanwhile */
  g_assert_true (FD_STORE_CALL (b, begin, &error));
  first = add_resident (b, FD_ESTATE_ALL, "乙一");
  thread = g_thread_new ("writer", insert_thread, c);
  g_usleep (300 * 1000);
  /* what the follower sees now, it takes as read */
  FD_STORE_CALL (follower, residents_after, last, 100, count_cb, seen);
  last = g_array_index (seen, gint64, seen->len - 1);
  g_assert_true (FD_STORE_CALL (b, commit, &error));
  g_assert_cmpint (GPOINTER_TO_SIZE (g_thread_join (thread)), >, first);
  g_usleep (100 * 1000);
  FD_STORE_CALL (follower, residents_after, last, 100, count_cb, seen);
  /* both, ascending: none skipped */
  g_assert_cmpuint (seen->len, ==, 3);
  g_assert_cmpint (g_array_index (seen, gint64, 1), ==, first);
  g_assert_cmpint (g_array_index (seen, gint64, 1), <, g_array_index (seen, gint64, 2));
  /* caught up: nothing more, and nothing read (the steady state, every second) */
  g_assert_cmpuint (FD_STORE_CALL (follower, residents_after,
                                   g_array_index (seen, gint64, 2), 100, count_cb, seen), ==, 0);
  g_assert_cmpuint (seen->len, ==, 3);
  /* what it reads is the whole record, plates and payment included */
  fd_store_set_scope (b, FD_ESTATE_ALL);
  g_assert_cmpuint (FD_STORE_CALL (follower, residents_after, 0, 2, same_cb, b), ==, 2);
  fd_store_close (c);
  fd_store_close (b);
  fd_store_close (follower);
}

/* Schema step 9: a database at step 8 keeps the subjects its audit
 * entries listed, now one row per entry and kind, each id once, in order;
 * the table of one row a subject is gone. */
static void
test_subject_lists_migrate (void)
{
  g_autoptr(FdTestStore) t = fd_test_store_new ();
  g_autoptr(GError) error = NULL;
  PGconn *conn = PQconnectdb (t->owner);
  guint from = 0, to = 0;

  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  g_free (raw (conn, "BEGIN; SELECT set_config ('frontdesk.estate', '*', true)"));
  g_free (raw (conn, "DROP TABLE audit_subject_lists"));
  g_free (raw (conn, "CREATE TABLE audit_subjects (estate_id bigint NOT NULL, "
                     "seq bigint NOT NULL, kind text NOT NULL, subject_id bigint NOT NULL, "
                     "PRIMARY KEY (estate_id, seq, kind, subject_id))"));
  g_free (raw (conn, "INSERT INTO audit_subjects VALUES (1, 10, 'r', 5), (1, 10, 'r', 3), "
                     "(1, 10, 'v', 7), (0, 11, 'r', 9), (2, 12, 'r', 12), (2, 12, 'r', 4)"));
  g_free (raw (conn, "UPDATE frontdesk_schema SET version = 8"));
  g_free (raw (conn, "COMMIT"));

  g_assert_true (fd_store_pg_migrate (t->owner, NULL, &from, &to, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (from, ==, 8);
  g_assert_cmpuint (to, ==, 9);
  g_free (raw (conn, "SELECT set_config ('frontdesk.estate', '*', false)"));
  expect (raw (conn, "SELECT string_agg (format ('%s/%s/%s/%s', estate_id, seq, kind, "
                     "subject_ids), ' ' ORDER BY seq, kind) FROM audit_subject_lists"),
          "1/10/r/{3,5} 1/10/v/{7} 0/11/r/{9} 2/12/r/{4,12}");
  expect (raw (conn, "SELECT to_regclass ('audit_subjects') IS NULL"), "t");
  PQfinish (conn);

  /* the server's role appends to it and cannot change it */
  conn = server_conn (t);
  g_free (raw (conn, "SELECT set_config ('frontdesk.estate', '*', false)"));
  g_free (raw (conn, "INSERT INTO audit_subject_lists VALUES (1, 13, 'r', '{1,2}')"));
  {
    gboolean failed;

    g_free (raw_value (conn, "UPDATE audit_subject_lists SET subject_ids = '{}'", &failed));
    g_assert_true (failed);
    g_free (raw_value (conn, "DELETE FROM audit_subject_lists", &failed));
    g_assert_true (failed);
  }
  PQfinish (conn);
}

static void
test_conninfo (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (fd_store_pg_check_conninfo ("host=/run/postgresql dbname=x", NULL));
  g_assert_true (fd_store_pg_check_conninfo ("host=127.0.0.1 dbname=x", NULL));
  g_assert_true (fd_store_pg_check_conninfo ("dbname=x", NULL));
  g_assert_true (fd_store_pg_check_conninfo ("host=db.example sslmode=verify-full", NULL));
  g_assert_false (fd_store_pg_check_conninfo ("host=db.example sslmode=require", &error));
  g_assert_error (error, FD_ERROR, FD_ERROR_CONFIG);
  g_clear_error (&error);
  g_assert_false (fd_store_pg_check_conninfo ("postgresql://db.example/x", &error));
  g_clear_error (&error);
  g_assert_false (fd_store_pg_check_conninfo ("host=127.0.0.1,10.0.0.2 sslmode=prefer", &error));
  g_clear_error (&error);
  g_assert_false (fd_store_pg_check_conninfo ("hostaddr=10.0.0.2", &error));
  g_clear_error (&error);
  g_assert_false (fd_store_pg_check_conninfo ("not a conninfo", &error));
}

/* Loads @text as a configuration file; NULL with @error on refusal. */
static FdConfig *
load_config (const char  *text,
             GError     **error)
{
  g_autofree char *dir = g_dir_make_tmp ("fd-config-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "server.conf", NULL);
  g_autoptr(FdConfig) config = fd_config_new_defaults ();
  gboolean ok;

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  ok = fd_config_load_file (config, path, error);
  g_unlink (path);
  g_rmdir (dir);
  return ok ? g_steal_pointer (&config) : NULL;
}

static void
test_config (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdConfig) config = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fd-config-XXXXXX", NULL);
  g_autofree char *password_file = g_build_filename (dir, "pw", NULL);
  char *password;

  config = load_config ("[server]\ndata-dir=/tmp\nstore=postgresql\n"
                        "database=host=127.0.0.1 dbname=office\n"
                        "database-password-file=/etc/frontdesk/db.pw\n", &error);
  g_assert_no_error (error);
  g_assert_true (fd_config_is_postgresql (config));
  g_assert_cmpstr (config->database, ==, "host=127.0.0.1 dbname=office");
  g_assert_cmpstr (config->database_password_file, ==, "/etc/frontdesk/db.pw");
  g_clear_pointer (&config, fd_config_free);

  /* the default is SQLite, and database is its file */
  config = load_config ("[server]\ndata-dir=/tmp\ndatabase=/srv/fd.db\n", &error);
  g_assert_no_error (error);
  g_assert_false (fd_config_is_postgresql (config));
  g_assert_cmpstr (config->db_path, ==, "/srv/fd.db");
  g_clear_pointer (&config, fd_config_free);

  /* a remote host without verify-full is refused, with the fix named */
  g_assert_null (load_config ("[server]\ndata-dir=/tmp\nstore=postgresql\n"
                              "database=host=db.example dbname=office sslmode=require\n",
                              &error));
  g_assert_error (error, FD_ERROR, FD_ERROR_CONFIG);
  g_assert_nonnull (strstr (error->message, "sslmode=verify-full"));
  g_clear_error (&error);
  g_assert_null (load_config ("[server]\ndata-dir=/tmp\nstore=mysql\n", &error));
  g_assert_error (error, FD_ERROR, FD_ERROR_CONFIG);
  g_clear_error (&error);
  g_assert_null (load_config ("[server]\ndata-dir=/tmp\nstore=postgresql\n", &error));
  g_assert_error (error, FD_ERROR, FD_ERROR_CONFIG);
  g_clear_error (&error);
  g_assert_null (load_config ("[server]\ndata-dir=/tmp\ndatabase-password-file=/x\n", &error));
  g_assert_error (error, FD_ERROR, FD_ERROR_CONFIG);
  g_clear_error (&error);

  /* the password file: 0600 or less, its first line */
  g_assert_true (g_file_set_contents (password_file, "s3cret\nrest\n", -1, NULL));
  g_assert_cmpint (g_chmod (password_file, 0640), ==, 0);
  g_assert_null (fd_store_pg_read_password_file (password_file, &error));
  g_assert_error (error, FD_ERROR, FD_ERROR_CONFIG);
  g_clear_error (&error);
  g_assert_cmpint (g_chmod (password_file, 0600), ==, 0);
  password = fd_store_pg_read_password_file (password_file, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (password, ==, "s3cret");
  g_free (password);
  g_unlink (password_file);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fd/store/pg/conninfo", test_conninfo);
  g_test_add_func ("/fd/store/pg/config", test_config);
  g_test_add_func ("/fd/store/pg/rls", test_rls);
  g_test_add_func ("/fd/store/pg/roles", test_roles);
  g_test_add_func ("/fd/store/pg/scope-in-transaction", test_scope_in_transaction);
  g_test_add_func ("/fd/store/pg/limit-race", test_limit_race);
  g_test_add_func ("/fd/store/pg/login-race", test_login_race);
  g_test_add_func ("/fd/store/pg/listed-race", test_listed_race);
  g_test_add_func ("/fd/store/pg/audit-race", test_audit_race);
  g_test_add_func ("/fd/store/pg/audit-batch", test_audit_batch);
  g_test_add_func ("/fd/store/pg/commit-durable", test_commit_durable);
  g_test_add_func ("/fd/store/pg/read-ahead", test_read_ahead);
  g_test_add_func ("/fd/store/pg/follow", test_follow);
  g_test_add_func ("/fd/store/pg/listed-detached", test_listed_detached);
  g_test_add_func ("/fd/store/pg/listed-detached-replan", test_listed_detached_replan);
  g_test_add_func ("/fd/store/pg/subject-lists-migrate", test_subject_lists_migrate);
  g_test_add_func ("/fd/store/pg/insert-many", test_insert_many);
  g_test_add_func ("/fd/store/pg/totp-race", test_totp_race);
  g_test_add_func ("/fd/store/pg/delivery-race", test_delivery_race);
  g_test_add_func ("/fd/store/pg/delivery-skip-locked", test_delivery_skip_locked);
  g_test_add_func ("/fd/store/pg/integrity", test_integrity);
  /* last: it stops the cluster */
  g_test_add_func ("/fd/store/pg/witness-head", test_witness_head);
  return g_test_run ();
}
