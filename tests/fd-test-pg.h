#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A throwaway PostgreSQL cluster for one test process (issue 11).
 *
 * The first call that needs it runs initdb into a new temporary directory
 * and starts `postgres` on 127.0.0.1 on a free port, with its Unix socket in
 * a private directory inside that one, TLS on (a self-signed certificate for
 * IP 127.0.0.1), fsync off (nothing in a test survives a power cut anyway).
 * PostgreSQL refuses to run as root: when the test runs as root, initdb and
 * postgres run as `nobody` (or $FD_TEST_PG_USER) and the directory is
 * theirs; otherwise they run as the test's own user. The binaries are those
 * of $FD_TEST_PG_BINDIR, else `pg_config --bindir`, else the newest
 * /usr/lib/postgresql/N/bin; when none is found the test fails (CI installs
 * them with build-aux/setup-debian.sh: a missing PostgreSQL is not a skip).
 *
 * The cluster stops (immediate shutdown) and its directory goes away when
 * the process exits, and also when it dies: the postmaster gets SIGQUIT on
 * its parent's death and a small reaper process removes the directory.
 * Every failure aborts the test with a clear message.
 * $FD_TEST_PG_SETTINGS ("name=value name=value") adds server settings
 * after the harness's own, e.g. "fsync=on" for a benchmark. */

/* TRUE when $FD_TEST_STORE is "postgresql": the suites run every server on
 * PostgreSQL (tests/meson.build sets it for the integration-pg suite). */
gboolean      fd_test_store_is_postgresql    (void);

/* Skips the current test (g_test_skip with @why) and returns TRUE when the
 * suite runs on PostgreSQL: for tests that are about the SQLite file. */
gboolean      fd_test_skip_unless_sqlite     (const char *why);

/* A new database in the process's cluster (started on first use), owned by
 * a new role of its own (LOGIN, CREATEROLE, neither superuser nor
 * CREATEDB), which is what `demo --store postgresql --database CONNINFO`
 * expects. Returns the libpq connection string of that owner over TCP:
 * "host=127.0.0.1 port=P dbname=fd_N user=fd_owner_N password=…
 * sslmode=verify-full sslrootcert=…". Roles are per cluster, not per
 * database: a role the server creates must be named after its database
 * (or the owner) for several databases to live in one cluster. A few tens
 * of milliseconds each. */
char         *fd_test_pg_new_database        (void);

/* A superuser connection string (over the private socket) to the database
 * of @conninfo (a string from fd_test_pg_new_database()), for checks that
 * must see past row-level security. */
char         *fd_test_pg_superuser_conninfo  (const char *conninfo);

/* Runs @sql on @conninfo and returns the first column of the first row
 * (NULL for an SQL NULL or no row); aborts the test when the connection or
 * the statement fails. */
char         *fd_test_pg_query_value         (const char *conninfo,
                                              const char *sql);

/* Runs @sql on the database of @conninfo (a string from
 * fd_test_pg_new_database(), or a server's fd_test_server_get_database())
 * as the cluster's superuser, past row-level security, as someone with
 * write access to the database would; returns the rows the last
 * statement changed. Aborts the test when it fails. */
guint         fd_test_pg_tamper              (const char *conninfo,
                                              const char *sql);

/* The directory of initdb, postgres, psql…; aborts when there is none. */
const char   *fd_test_pg_bindir              (void);

/* Stops the cluster now (it is also stopped at exit); the next
 * fd_test_pg_new_database() starts a new one. */
void          fd_test_pg_stop                (void);

/* A primary and its synchronous standby (issue 16, failover): two more
 * clusters like the one above (their own directories, ports and sockets,
 * one certificate), the standby made by pg_basebackup from the primary
 * and streaming from it; the primary runs with synchronous_commit=on and
 * synchronous_standby_names naming the standby, so a commit returns only
 * once the standby has it. Started when this returns (the standby
 * synchronous). Stopped at exit too. */
typedef struct _FdTestPgPair FdTestPgPair;

FdTestPgPair *fd_test_pg_pair_start          (void);
/* As fd_test_pg_new_database(), on the primary, with both hosts in the
 * connection string: "host=127.0.0.1,127.0.0.1 port=P,S
 * target_session_attrs=read-write dbname=… user=… …". */
char         *fd_test_pg_pair_new_database   (FdTestPgPair *pair);
/* The superuser's connection string to @conninfo's database on the
 * current primary (the standby once promoted). */
char         *fd_test_pg_pair_superuser_conninfo (FdTestPgPair *pair,
                                                  const char   *conninfo);
/* The primary's machine dies: SIGKILL to the postmaster and every
 * process it started, by PID, at once. */
void          fd_test_pg_pair_kill_primary   (FdTestPgPair *pair);
/* pg_promote() on the standby, waiting until it takes writes. */
void          fd_test_pg_pair_promote        (FdTestPgPair *pair);
void          fd_test_pg_pair_stop           (FdTestPgPair *pair);

G_END_DECLS
