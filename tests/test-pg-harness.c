/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The PostgreSQL test harness (tests/fd-test-pg.c) gives what the engine's
 * tests rely on: an owner that is no superuser, TLS-only TCP, fresh
 * databases, and no cluster left behind by a test that dies. */

#include "config.h"

#include "fd-test-pg.h"

#include <glib/gstdio.h>
#include <libpq-fe.h>
#include <string.h>

/* pg_roles.@column of the connection's own role: "t" or "f" */
static char *
own_role_flag (const char *conninfo,
               const char *column)
{
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM pg_roles WHERE rolname = current_user",
                                          column);

  return fd_test_pg_query_value (conninfo, sql);
}

static void
test_owner (void)
{
  g_autofree char *conninfo = fd_test_pg_new_database ();
  g_autofree char *super = NULL;
  g_autofree char *ssl = NULL;
  g_autofree char *owner = NULL;
  g_autofree char *fsync = NULL;
  g_autofree char *rows = NULL;
  /* what `demo --store postgresql` is promised: may create roles, no more */
  const struct { const char *column, *value; } flags[] = {
    { "rolcanlogin", "t" }, { "rolcreaterole", "t" }, { "rolsuper", "f" },
    { "rolcreatedb", "f" }, { "rolbypassrls", "f" },
  };

  ssl = fd_test_pg_query_value (conninfo, "SELECT ssl FROM pg_stat_ssl "
                                          "WHERE pid = pg_backend_pid()");
  g_assert_cmpstr (ssl, ==, "t");
  owner = fd_test_pg_query_value (conninfo, "SELECT pg_get_userbyid(datdba) = current_user "
                                            "FROM pg_database "
                                            "WHERE datname = current_database()");
  g_assert_cmpstr (owner, ==, "t");
  for (guint i = 0; i < G_N_ELEMENTS (flags); i++)
    {
      g_autofree char *value = own_role_flag (conninfo, flags[i].column);

      g_assert_cmpstr (value, ==, flags[i].value);
    }
  /* The owner may create the server's own role and tables. */
  g_free (fd_test_pg_query_value (conninfo, "CREATE TABLE t (x int)"));

  super = fd_test_pg_superuser_conninfo (conninfo);
  fsync = fd_test_pg_query_value (super, "SHOW fsync");
  g_assert_cmpstr (fsync, ==, "off");
  rows = fd_test_pg_query_value (super, "SELECT count(*) FROM t");
  g_assert_cmpstr (rows, ==, "0");
}

static void
test_tls_only (void)
{
  g_autofree char *conninfo = fd_test_pg_new_database ();
  g_autofree char *plain = g_strconcat (conninfo, " sslmode=disable", NULL);
  g_autoptr(GRegex) password = g_regex_new ("password=[0-9a-f]+", 0, 0, NULL);
  g_autofree char *wrong = NULL;
  PGconn *conn = PQconnectdb (plain);

  /* pg_hba.conf has hostssl only: a clear TCP connection is refused */
  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_BAD);
  PQfinish (conn);

  /* and the password is checked */
  wrong = g_regex_replace (password, conninfo, -1, 0, "password=0000", 0, NULL);
  conn = PQconnectdb (wrong);
  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_BAD);
  g_assert_nonnull (strstr (PQerrorMessage (conn), "password authentication failed"));
  PQfinish (conn);
}

static void
test_fresh_databases (void)
{
  g_autofree char *a = fd_test_pg_new_database ();
  g_autofree char *b = fd_test_pg_new_database ();
  g_autofree char *name_a = fd_test_pg_query_value (a, "SELECT current_database()");
  g_autofree char *name_b = fd_test_pg_query_value (b, "SELECT current_database()");
  g_autofree char *user_a = fd_test_pg_query_value (a, "SELECT current_user");
  g_autofree char *user_b = fd_test_pg_query_value (b, "SELECT current_user");
  g_autofree char *tables = NULL;
  gint64 start = g_get_monotonic_time ();

  g_assert_cmpstr (name_a, !=, name_b);
  /* one owner role per database: roles are per cluster */
  g_assert_cmpstr (user_a, !=, user_b);
  tables = fd_test_pg_query_value (b, "SELECT count(*) FROM pg_tables "
                                      "WHERE schemaname = 'public'");
  g_assert_cmpstr (tables, ==, "0");

  for (guint i = 0; i < 5; i++)
    g_free (fd_test_pg_new_database ());
  g_test_message ("5 fresh databases in %.0f ms",
                  (g_get_monotonic_time () - start) / 1000.0);
}

static void
abort_child (void)
{
  g_autofree char *conninfo = NULL;
  g_autofree char *super = NULL;

  if (!g_test_subprocess ())
    {
      g_test_skip ("a step of /pg-harness/abort-cleans-up");
      return;
    }
  conninfo = fd_test_pg_new_database ();
  super = fd_test_pg_superuser_conninfo (conninfo);
  /* the parent reads where the cluster lives (no password in it) */
  if (!g_file_set_contents (g_getenv ("FD_TEST_PG_HARNESS_OUT"), super, -1, NULL))
    g_error ("cannot tell the parent where the cluster is");
  abort ();
}

static char *
conninfo_value (const char *conninfo,
                const char *keyword)
{
  PQconninfoOption *options = PQconninfoParse (conninfo, NULL);
  char *value = NULL;

  g_assert_nonnull (options);
  for (PQconninfoOption *o = options; o->keyword != NULL; o++)
    if (strcmp (o->keyword, keyword) == 0 && o->val != NULL)
      value = g_strdup (o->val);
  PQconninfoFree (options);
  return value;
}

/* A test that aborts (no atexit) leaves neither a running cluster nor its
 * directory behind. */
static void
test_abort_cleans_up (void)
{
  g_autofree char *out = g_build_filename (g_get_tmp_dir (), "fd-test-pg-harness-XXXXXX",
                                           NULL);
  g_autofree char *super = NULL;
  g_autofree char *socket_dir = NULL;
  g_autofree char *dir = NULL;
  gint64 deadline;

  g_close (g_mkstemp (out), NULL);
  g_setenv ("FD_TEST_PG_HARNESS_OUT", out, TRUE);
  g_test_trap_subprocess ("/pg-harness/abort-child", 120 * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_assert_true (g_file_get_contents (out, &super, NULL, NULL));
  g_unlink (out);
  g_assert_cmpstr (super, !=, "");
  socket_dir = conninfo_value (super, "host");
  g_assert_nonnull (socket_dir);
  dir = g_path_get_dirname (socket_dir);

  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (g_file_test (dir, G_FILE_TEST_EXISTS) && g_get_monotonic_time () < deadline)
    g_usleep (100 * 1000);
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
  g_assert_cmpint (PQping (super), ==, PQPING_NO_RESPONSE);
}

/* Issue 16: what the primary committed is on the standby it promotes
 * after the primary's processes were killed, and the owner's multi-host
 * connection string (target_session_attrs=read-write) reaches it. */
static void
test_pair_failover (void)
{
  FdTestPgPair *pair = fd_test_pg_pair_start ();
  g_autofree char *conninfo = fd_test_pg_pair_new_database (pair);
  g_autofree char *count = NULL;
  g_autofree char *recovery = NULL;
  g_autofree char *port_before = NULL;
  g_autofree char *port_after = NULL;

  port_before = fd_test_pg_query_value (conninfo, "SELECT inet_server_port ()::text");
  g_free (fd_test_pg_query_value (conninfo, "CREATE TABLE t (x int)"));
  g_free (fd_test_pg_query_value (conninfo, "INSERT INTO t SELECT generate_series (1, 100)"));
  fd_test_pg_pair_kill_primary (pair);
  fd_test_pg_pair_promote (pair);

  port_after = fd_test_pg_query_value (conninfo, "SELECT inet_server_port ()::text");
  g_assert_cmpstr (port_before, !=, port_after);
  recovery = fd_test_pg_query_value (conninfo, "SELECT pg_is_in_recovery ()::text");
  g_assert_cmpstr (recovery, ==, "false");
  count = fd_test_pg_query_value (conninfo, "SELECT count(*) FROM t");
  g_assert_cmpstr (count, ==, "100");
  /* and it takes writes: no synchronous standby left to wait for */
  g_free (fd_test_pg_query_value (conninfo, "INSERT INTO t VALUES (101)"));
  fd_test_pg_pair_stop (pair);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pg-harness/owner", test_owner);
  g_test_add_func ("/pg-harness/tls-only", test_tls_only);
  g_test_add_func ("/pg-harness/fresh-databases", test_fresh_databases);
  g_test_add_func ("/pg-harness/abort-child", abort_child);
  g_test_add_func ("/pg-harness/abort-cleans-up", test_abort_cleans_up);
  g_test_add_func ("/pg-harness/pair-failover", test_pair_failover);
  return g_test_run ();
}
