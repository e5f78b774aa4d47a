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
 */

#include "config.h"

#include <glib/gstdio.h>

#include "fd-test-server.h"
#include "fd-test-slow-sync.h"

#define SEARCH "/api/v1/residents?q=1&limit=5"

static char *flag;   /* while it exists, syncs are slow */

typedef struct
{
  FdTestServer *server;
  const char   *token;
  guint         status;
  gint64        took;
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
  return NULL;
}

static void
test_sync_off_main (FdTestFixture *fx,
                    gconstpointer  data)
{
  g_autofree char *token = fd_test_login (fx->server, fx->session, "reception");
  g_autoptr(SoupSession) other = fd_test_server_new_session (fx->server);
  g_autoptr(JsonNode) node = NULL;
  Search search = { fx->server, token, 0, 0 };
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

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = g_dir_make_tmp ("fd-slow-sync-XXXXXX", NULL);
  g_autofree char *asan = NULL;
  FdTestServer *server;
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
  g_unsetenv ("LD_PRELOAD");

  fd_test_add ("/fd/server/commit/sync-off-main", server, test_sync_off_main);
  ret = g_test_run ();

  fd_test_server_stop (server);
  g_unlink (flag);
  g_rmdir (dir);
  g_free (flag);
  return ret;
}
