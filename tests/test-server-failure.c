/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests that access is denied when the audit log cannot be written. */

#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "fd-test-pg.h"
#include "fd-test-server.h"

/* When the audit log cannot be written, the access is denied: another
 * process holds the database's write lock (as a stuck backup or a full
 * disk would), and the server must answer 503 without the data, then
 * recover when the lock goes. */

static sqlite3 *
hold_write_lock (FdTestFixture *fx)
{
  FdTestServer *server = fx->server;
  g_autofree char *path = g_build_filename (fd_test_server_get_data_dir (server), "frontdesk.db", NULL);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "BEGIN EXCLUSIVE", NULL, NULL, NULL), ==, SQLITE_OK);
  return db;
}

static void
release (sqlite3 *db)
{
  g_assert_cmpint (sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

static void
test_audit_failure_denies (FdTestFixture *fx,
                           gconstpointer  data)
{
  /* before anything touches the database */
  if (fd_test_skip_unless_sqlite ("SQLite only: makes storage fail by locking the SQLite file"))
    return;

  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  g_autofree char *token = fd_test_login (server, session, "reception");
  g_autoptr(JsonNode) denied = NULL;
  g_autoptr(JsonNode) allowed = NULL;
  g_autofree char *body = NULL;
  guint status = 0;
  sqlite3 *db;

  db = hold_write_lock (fx);
  denied = fd_test_request (server, session, "GET", "/api/v1/residents?q=%E7%8E%8B&limit=5", token,
                            NULL, &status, &body);
  fd_test_assert_error (status, denied, 503, "unavailable", NULL);
  g_assert_null (strstr (body, "\"items\""));
  g_assert_null (strstr (body, "\"name\""));
  release (db);

  allowed = fd_test_request (server, session, "GET", "/api/v1/residents?q=%E7%8E%8B&limit=5", token,
                             NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  g_assert_nonnull (json_object_get_array_member (fd_test_get_object (allowed), "items"));
}

static void
test_sign_in_while_storage_busy (FdTestFixture *fx,
                                 gconstpointer  data)
{
  /* before anything touches the database */
  if (fd_test_skip_unless_sqlite ("SQLite only: makes storage busy by locking the SQLite file"))
    return;

  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *body = g_strdup_printf ("{\"username\": \"manager\", \"password\": \"%s\"}",
                                           fd_test_server_get_password (server));
  guint status = 0;
  sqlite3 *db = hold_write_lock (fx);

  node = fd_test_request (server, session, "POST", "/api/v1/session", NULL, body, &status, NULL);
  release (db);
  /* no session without its audit entry, and never a 500 */
  fd_test_assert_error (status, node, 503, "unavailable", NULL);
}

static void
test_chain_intact_after (FdTestFixture *fx,
                         gconstpointer  data)
{
  /* before anything touches the database */
  if (fd_test_skip_unless_sqlite ("SQLite only: follows the SQLite file lock of the tests before"))
    return;

  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  g_autofree char *token = fd_test_login (server, session, "auditor");
  g_autoptr(JsonNode) node = NULL;
  JsonObject *o;
  guint status = 0;

  node = fd_test_request (server, session, "GET", "/api/v1/audit/verify", token, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  o = fd_test_get_object (node);
  g_assert_true (json_object_get_boolean_member (o, "ok"));
}

int
main (int   argc,
      char *argv[])
{
  FdTestServer *server;
  int rc;

  g_test_init (&argc, &argv, NULL);
  server = fd_test_server_start (NULL);
  fd_test_add ("/fd/server/failure/audit-denies", server, test_audit_failure_denies);
  fd_test_add ("/fd/server/failure/sign-in-busy", server, test_sign_in_while_storage_busy);
  fd_test_add ("/fd/server/failure/chain-intact", server, test_chain_intact_after);
  rc = g_test_run ();
  fd_test_server_stop (server);
  return rc;
}
