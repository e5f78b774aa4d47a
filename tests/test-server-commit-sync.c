/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests that the group commit waits for the disk off the main context
 * (issue 13, search13) and still answers only once the writes are on disk. */

/* test-server-commit-sync.c — the server runs with fd-test-slow-sync.c
 * preloaded: once the test creates a flag file, every fsync()/fdatasync()
 * takes FD_TEST_SLOW_SYNC_S seconds longer. A search (which writes an
 * audit entry) is then sent on one thread; half a second later a request
 * without a token on a new connection. The search's answer must wait for
 * the slow sync of its group (it is not answered before its audit entry is
 * on disk); the refusal, which writes nothing, must come back long before
 * the sync ends: the main context did not wait for the disk. Before the
 * committer thread, the sync ran on the main context and held that
 * refusal (and every TLS handshake) for the whole sync. SQLite only: on
 * PostgreSQL the server commits as before.
 *
 * The audit witness (fd-witness.h), ticking every second on a second
 * server, must not witness the search's audit entry while its sync is
 * pending — a power loss could still take it back, and `audit verify`
 * would then report a rollback that never happened — and must witness it
 * once it is durable.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "fd-test-server.h"
#include "fd-test-slow-sync.h"

#define SEARCH "/api/v1/residents?q=1&limit=5"

static char *flag;   /* while it exists, syncs are slow */
static char *witness_path;

typedef struct
{
  FdTestServer *server;
  const char   *token;
  guint         status;
  gint64        took;
  gint          done;
} Search;

static gpointer
search_run (gpointer data)
{
  Search *s = data;
  g_autoptr(SoupSession) session = fd_test_server_new_session (s->server);
  g_autoptr(JsonNode) node = NULL;
  gint64 start = g_get_monotonic_time ();

  node = fd_test_request (s->server, session, "GET", SEARCH, s->token, NULL, &s->status, NULL);
  s->took = g_get_monotonic_time () - start;
  g_atomic_int_set (&s->done, 1);
  return NULL;
}

static void
test_sync_off_main (FdTestFixture *fx,
                    gconstpointer  data)
{
  g_autofree char *token = fd_test_login (fx->server, fx->session, "reception");
  g_autoptr(SoupSession) other = fd_test_server_new_session (fx->server);
  g_autoptr(JsonNode) node = NULL;
  Search search = { fx->server, token, 0, 0, 0 };
  GThread *thread;
  gint64 start, refused_took;
  guint status;

  if (g_strcmp0 (g_getenv ("FD_TEST_STORE"), "postgresql") == 0)
    {
      g_test_skip ("the server's committer thread is SQLite's");
      return;
    }
  /* warm: the account's first search and the rules are behind us */
  node = fd_test_request (fx->server, fx->session, "GET", SEARCH, token, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  g_clear_pointer (&node, json_node_unref);

  g_assert_true (g_file_set_contents (flag, "", 0, NULL));
  thread = g_thread_new ("search", search_run, &search);
  g_usleep (G_USEC_PER_SEC / 2);
  start = g_get_monotonic_time ();
  node = fd_test_request (fx->server, other, "GET", SEARCH, NULL, NULL, &status, NULL);
  refused_took = g_get_monotonic_time () - start;
  g_thread_join (thread);
  g_assert_cmpint (g_unlink (flag), ==, 0);

  g_test_message ("search answered in %.2f s, refusal in %.2f s (sync slowed by %d s)",
                  search.took / 1e6, refused_took / 1e6, FD_TEST_SLOW_SYNC_S);
  g_assert_cmpuint (search.status, ==, 200);
  g_assert_cmpuint (status, ==, 401);
  /* not answered before its audit entry was synced */
  g_assert_cmpint (search.took, >=, FD_TEST_SLOW_SYNC_S * G_USEC_PER_SEC);
  /* the main context went on meanwhile (generous under load) */
  g_assert_cmpint (refused_took, <, FD_TEST_SLOW_SYNC_S * G_USEC_PER_SEC / 2);
}

/* The highest seq the witness file names. */
static gint64
witnessed (void)
{
  g_autofree char *text = NULL;
  gint64 max = 0;

  if (!g_file_get_contents (witness_path, &text, NULL, NULL))
    return 0;
  for (const char *p = text; (p = strstr (p, " seq=")) != NULL; p += 5)
    max = MAX (max, g_ascii_strtoll (p + 5, NULL, 10));
  return max;
}

/* The seq of the newest search entry, read from the database. */
static gint64
last_search_seq (FdTestServer *server)
{
  g_autofree char *path = g_build_filename (fd_test_server_get_data_dir (server), "frontdesk.db",
                                            NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 seq = 0;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT max(seq) FROM audit_log WHERE action = 'search'",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    seq = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return seq;
}

static void
test_witness_durable (FdTestFixture *fx,
                      gconstpointer  data)
{
  g_autofree char *token = fd_test_login (fx->server, fx->session, "reception");
  g_autoptr(JsonNode) node = NULL;
  Search search = { fx->server, token, 0, 0, 0 };
  GThread *thread;
  gint64 seen, seq, deadline;
  guint status;

  node = fd_test_request (fx->server, fx->session, "GET", SEARCH, token, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 200);

  g_assert_true (g_file_set_contents (flag, "", 0, NULL));
  thread = g_thread_new ("search", search_run, &search);
  /* two or three ticks while the search's sync is pending */
  g_usleep (G_USEC_PER_SEC * 5 / 2);
  g_assert_false (g_atomic_int_get (&search.done));
  seen = witnessed ();
  g_thread_join (thread);
  g_assert_cmpint (g_unlink (flag), ==, 0);
  g_assert_cmpuint (search.status, ==, 200);

  seq = last_search_seq (fx->server);
  g_test_message ("search entry seq %" G_GINT64_FORMAT ", witnessed while its sync was pending: %"
                  G_GINT64_FORMAT, seq, seen);
  g_assert_cmpint (seen, <, seq);
  /* and once durable, a tick witnesses it */
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (witnessed () < seq && g_get_monotonic_time () < deadline)
    g_usleep (G_USEC_PER_SEC / 10);
  g_assert_cmpint (witnessed (), >=, seq);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = g_dir_make_tmp ("fd-slow-sync-XXXXXX", NULL);
  g_autofree char *asan = NULL, *witness_arg = NULL;
  const char *witness_args[] = { "--audit-witness", NULL, "--audit-witness-interval", "1", NULL };
  FdTestServerOptions witness_opts = { .extra_args = witness_args };
  FdTestServer *server, *witnessed_server;
  int ret;

  g_test_init (&argc, &argv, NULL);
  flag = g_build_filename (dir, "slow", NULL);

  /* for the server only: set before it starts, unset after */
  g_setenv ("LD_PRELOAD", FD_TEST_SLOW_SYNC_LIB, TRUE);
  g_setenv ("FD_TEST_SLOW_SYNC", flag, TRUE);
  /* under ASan the runtime would insist on coming first */
  asan = g_strconcat (g_getenv ("ASAN_OPTIONS") ? g_getenv ("ASAN_OPTIONS") : "",
                      g_getenv ("ASAN_OPTIONS") ? ":" : "", "verify_asan_link_order=0", NULL);
  g_setenv ("ASAN_OPTIONS", asan, TRUE);
  server = fd_test_server_start (NULL);
  witness_path = g_build_filename (dir, "witness", NULL);
  witness_arg = g_strconcat ("file:", witness_path, NULL);
  witness_args[1] = witness_arg;
  witnessed_server = fd_test_server_start (&witness_opts);
  g_unsetenv ("LD_PRELOAD");

  fd_test_add ("/fd/server/commit/sync-off-main", server, test_sync_off_main);
  fd_test_add ("/fd/server/commit/witness-durable", witnessed_server, test_witness_durable);
  ret = g_test_run ();

  fd_test_server_stop (server);
  fd_test_server_stop (witnessed_server);
  g_unlink (flag);
  g_unlink (witness_path);
  g_free (witness_path);
  g_rmdir (dir);
  g_free (flag);
  return ret;
}
