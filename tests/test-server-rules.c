/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests the data-protection rules and their acknowledgment gate, over the wire. */

#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "fd-test-pg.h"
#include "fd-test-server.h"

/* Issue 12: until an account has acknowledged the current rules (this
 * version, this quarter), every data endpoint answers 403
 * rules-not-acknowledged; session, rules and health stay open. */

static FdTestServer *shared;

static JsonNode *
get (FdTestFixture *f,
     const char    *path,
     const char    *token,
     guint         *status)
{
  return fd_test_request (f->server, f->session, "GET", path, token, NULL, status, NULL);
}

static gint64
current_version (FdTestFixture *f,
                 const char    *token)
{
  g_autoptr(JsonNode) node = NULL;
  guint status;

  node = get (f, "/api/v1/rules", token, &status);
  g_assert_cmpuint (status, ==, 200);
  return json_object_get_int_member (fd_test_get_object (node), "version");
}

/* @path answers 403 rules-not-acknowledged, naming the current version. */
static void
assert_gated (FdTestFixture *f,
              const char    *method,
              const char    *path,
              const char    *token,
              gint64         version)
{
  g_autoptr(JsonNode) node = NULL;
  guint status;

  g_test_message ("%s %s is gated", method, path);
  node = fd_test_request (f->server, f->session, method, path, token,
                          g_str_equal (method, "GET") ? NULL : "{}", &status, NULL);
  fd_test_assert_error (status, node, 403, "rules-not-acknowledged", NULL);
  g_assert_cmpint (json_object_get_int_member (
                     fd_test_get_object_member (fd_test_get_object (node), "error"), "version"),
                   ==, version);
}

static gboolean
session_acknowledged (FdTestFixture *f,
                      const char    *token)
{
  g_autoptr(JsonNode) node = NULL;
  JsonObject *rules;
  guint status;

  node = get (f, "/api/v1/session", token, &status);
  g_assert_cmpuint (status, ==, 200);
  rules = fd_test_get_object_member (fd_test_get_object (node), "rules");
  g_assert_nonnull (rules);
  return json_object_get_boolean_member (rules, "acknowledged");
}

static guint
count_audit (FdTestFixture *f,
             const char    *actor,
             const char    *action,
             const char    *outcome)
{
  g_autofree char *manager = fd_test_login (f->server, f->session, "manager");
  g_autofree char *path = g_strdup_printf ("/api/v1/audit?actor=%s&action=%s&limit=100", actor,
                                           action);
  g_autoptr(GPtrArray) items = fd_test_fetch_all (f->server, f->session, manager, path);
  guint n = 0;

  for (guint i = 0; i < items->len; i++)
    if (g_str_equal (fd_test_get_string (items->pdata[i], "outcome"), outcome))
      n++;
  return n;
}

static void
acknowledge (FdTestFixture *f,
             const char    *token,
             gint64         version,
             guint          expected)
{
  g_autofree char *json = g_strdup_printf ("{\"version\": %" G_GINT64_FORMAT "}", version);
  g_autoptr(JsonNode) node = NULL;
  guint status;

  node = fd_test_request (f->server, f->session, "POST", "/api/v1/rules/acknowledge", token, json,
                          &status, NULL);
  g_assert_cmpuint (status, ==, expected);
  if (expected == 409)
    {
      fd_test_assert_error (status, node, 409, "conflict", "version");
      g_assert_cmpint (json_object_get_int_member (
                         fd_test_get_object_member (fd_test_get_object (node), "error"), "version"),
                       ==, current_version (f, token));
    }
}

/* A new account, created by the admin, never signed in. */
static char *
create_account (FdTestFixture *f,
                const char    *role)
{
  static guint counter;
  g_autofree char *admin = fd_test_login (f->server, f->session, "admin");
  char *username = g_strdup_printf ("rules-%s-%u", role, ++counter);
  g_autofree char *json = g_strdup_printf ("{\"username\": \"%s\", \"display_name\": \"New\", "
                                           "\"role\": \"%s\", \"password\": \"%s\"}", username,
                                           role, fd_test_server_get_password (f->server));
  g_autoptr(JsonNode) node = NULL;
  guint status;

  node = fd_test_request (f->server, f->session, "POST", "/api/v1/users", admin, json, &status,
                          NULL);
  g_assert_cmpuint (status, ==, 201);
  return username;
}

/* A new account sees nothing until it acknowledges; then everything its
 * role allows. */
static void
test_new_account (FdTestFixture *f,
                  gconstpointer  data)
{
  g_autofree char *username = create_account (f, "manager");
  g_autofree char *token = fd_test_login_unacknowledged (f->server, f->session, username);
  g_autoptr(JsonNode) rules = NULL;
  g_autoptr(JsonNode) node = NULL;
  const char *gated[] = {
    "GET /api/v1/residents?q=3-2", "GET /api/v1/residents/1", "POST /api/v1/residents/1/reveal",
    "POST /api/v1/residents/1/verify", "GET /api/v1/rooms?q=3-2", "GET /api/v1/visitors",
    "POST /api/v1/visitors", "GET /api/v1/visitors/export", "GET /api/v1/audit",
    "GET /api/v1/audit/verify", "GET /api/v1/alerts", "GET /api/v1/incident",
    "GET /api/v1/users", "GET /api/v1/rules/acknowledgments",
    "GET /api/v1/incidents/radius?user=reception&from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z",
  };
  JsonObject *text;
  gint64 version;
  guint status;

  g_assert_false (session_acknowledged (f, token));
  version = current_version (f, token);
  for (guint i = 0; i < G_N_ELEMENTS (gated); i++)
    {
      g_auto(GStrv) parts = g_strsplit (gated[i], " ", 2);
      assert_gated (f, parts[0], parts[1], token, version);
    }
  /* what it needs to get through stays open */
  g_clear_pointer (&node, json_node_unref);
  node = get (f, "/api/v1/health", NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  rules = get (f, "/api/v1/rules", token, &status);
  g_assert_cmpuint (status, ==, 200);
  text = fd_test_get_object_member (fd_test_get_object (rules), "text");
  g_assert_cmpuint (strlen (fd_test_get_string (text, "zh_CN")), >, 100);
  g_assert_cmpuint (strlen (fd_test_get_string (text, "en")), >, 100);

  /* a stale version is refused with the current one */
  acknowledge (f, token, version + 7, 409);
  assert_gated (f, "GET", "/api/v1/residents?q=3-2", token, version);
  acknowledge (f, token, version, 204);
  g_assert_true (session_acknowledged (f, token));

  g_clear_pointer (&node, json_node_unref);
  node = get (f, "/api/v1/residents?q=3-2", token, &status);
  g_assert_cmpuint (status, ==, 200);
  g_clear_pointer (&node, json_node_unref);
  node = get (f, "/api/v1/audit", token, &status);
  g_assert_cmpuint (status, ==, 200);

  /* audited: the acknowledgment, and each refusal */
  g_assert_cmpuint (count_audit (f, username, "rules-acknowledge", "allowed"), ==, 1);
  g_assert_cmpuint (count_audit (f, username, "rules-required", "denied"), >=,
                    G_N_ELEMENTS (gated));
}

/* Accounts seeded by demo start acknowledged. */
static void
test_demo_accounts (FdTestFixture *f,
                    gconstpointer  data)
{
  const char *accounts[] = { "reception", "patrol", "finance", "manager", "auditor", "admin" };

  for (guint i = 0; i < G_N_ELEMENTS (accounts); i++)
    {
      g_autofree char *token = fd_test_login_unacknowledged (f->server, f->session, accounts[i]);
      g_autoptr(JsonNode) node = NULL;
      guint status;

      g_test_message ("%s", accounts[i]);
      g_assert_true (session_acknowledged (f, token));
      node = get (f, g_str_equal (accounts[i], "admin") ? "/api/v1/users"
                     : g_str_equal (accounts[i], "auditor") ? "/api/v1/alerts"
                     : "/api/v1/residents?q=3-2", token, &status);
      g_assert_cmpuint (status, ==, 200);
    }
}

/* The manager sees who is overdue; no one else does. */
static void
test_acknowledgments (FdTestFixture *f,
                      gconstpointer  data)
{
  g_autofree char *username = create_account (f, "patrol");
  g_autofree char *manager = fd_test_login (f->server, f->session, "manager");
  g_autofree char *reception = fd_test_login (f->server, f->session, "reception");
  g_autoptr(JsonNode) denied = NULL;
  guint status;

  for (guint round = 0; round < 2; round++)
    {
      g_autoptr(JsonNode) node = get (f, "/api/v1/rules/acknowledgments", manager, &status);
      JsonArray *items;
      gboolean found = FALSE;

      g_assert_cmpuint (status, ==, 200);
      items = json_object_get_array_member (fd_test_get_object (node), "items");
      for (guint i = 0; i < json_array_get_length (items); i++)
        {
          JsonObject *item = json_array_get_object_element (items, i);
          const char *user = fd_test_get_string (item, "user");

          fd_test_get_string (item, "role");
          if (g_str_equal (user, "reception"))
            {
              g_assert_false (json_object_get_boolean_member (item, "overdue"));
              g_assert_cmpint (json_object_get_int_member (item, "acknowledged_version"), >=, 1);
              fd_test_get_string (item, "acknowledged_at");
            }
          if (g_str_equal (user, username))
            {
              found = TRUE;
              /* round 0: never acknowledged; round 1: after its first sign-in */
              g_assert_cmpint (json_object_get_boolean_member (item, "overdue"), ==, round == 0);
              if (round == 0)
                g_assert_true (json_node_is_null (json_object_get_member (item, "acknowledged_at")));
            }
        }
      g_assert_true (found);
      if (round == 0)
        g_free (fd_test_login (f->server, f->session, username));
    }

  denied = get (f, "/api/v1/rules/acknowledgments", reception, &status);
  fd_test_assert_error (status, denied, 403, "forbidden", NULL);
}

/* A new text asks everyone again; only the admin sets it. */
static void
test_text_changed (void)
{
  g_autoptr(FdTestServer) server = fd_test_server_start (NULL);
  FdTestFixture fx = { server, fd_test_server_new_session (server) }, *f = &fx;
  g_autofree char *admin = fd_test_login (server, f->session, "admin");
  g_autofree char *reception = fd_test_login (server, f->session, "reception");
  g_autoptr(JsonNode) bad = NULL;
  g_autoptr(JsonNode) refused = NULL;
  g_autoptr(JsonNode) changed = NULL;
  g_autoptr(JsonNode) node = NULL;
  const char *text = "{\"text\": {\"zh_CN\": \"新守则：不得拍照。\", \"en\": \"New rules: no photos.\"}}";
  gint64 version = current_version (f, reception);
  guint status;

  refused = fd_test_request (server, f->session, "PUT", "/api/v1/rules", reception, text, &status,
                             NULL);
  fd_test_assert_error (status, refused, 403, "forbidden", NULL);
  bad = fd_test_request (server, f->session, "PUT", "/api/v1/rules", admin,
                         "{\"text\": {\"zh_CN\": \"x\", \"en\": \"   \"}}", &status, NULL);
  fd_test_assert_error (status, bad, 400, "bad-request", "en");

  node = get (f, "/api/v1/residents?q=3-2", reception, &status);
  g_assert_cmpuint (status, ==, 200);
  changed = fd_test_request (server, f->session, "PUT", "/api/v1/rules", admin, text, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (fd_test_get_object (changed), "version"), ==,
                   version + 1);
  g_assert_cmpstr (fd_test_get_string (fd_test_get_object_member (fd_test_get_object (changed),
                                                                  "text"), "en"),
                   ==, "New rules: no photos.");

  /* the demo account acknowledged version 1 only */
  assert_gated (f, "GET", "/api/v1/residents?q=3-2", reception, version + 1);
  g_assert_false (session_acknowledged (f, reception));
  acknowledge (f, reception, version, 409);
  acknowledge (f, reception, version + 1, 204);
  g_clear_pointer (&node, json_node_unref);
  node = get (f, "/api/v1/residents?q=3-2", reception, &status);
  g_assert_cmpuint (status, ==, 200);

  g_assert_cmpuint (count_audit (f, "admin", "policy-change", "allowed"), >=, 1);
  g_object_unref (f->session);
}

/* @sql on @server's database behind its back: the SQLite file, or
 * PostgreSQL as its superuser. */
static void
run_sql (FdTestServer *server,
         const char   *db_path,
         const char   *sql)
{
  sqlite3 *db = NULL;
  char *message = NULL;

  if (fd_test_store_is_postgresql ())
    {
      g_assert_cmpuint (fd_test_pg_tamper (fd_test_server_get_database (server), sql), >=, 1);
      return;
    }
  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  g_assert_cmpint (sqlite3_changes (db), >=, 1);
  sqlite3_close (db);
}

/* An acknowledgment made before this quarter began no longer counts: the
 * stored time is moved back a quarter while the server is down, as if the
 * calendar had turned. */
static void
test_quarter (void)
{
  g_autoptr(FdTestServer) server = fd_test_server_start (NULL);
  FdTestFixture fx = { server, NULL }, *f = &fx;
  g_autofree char *reception = NULL;
  g_autofree char *manager = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *sql = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) last_quarter = g_date_time_add_months (now, -3);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) list = NULL;
  JsonArray *items;
  gint64 version;
  guint status;

  f->session = fd_test_server_new_session (server);
  reception = fd_test_login (server, f->session, "reception");
  version = current_version (f, reception);
  node = get (f, "/api/v1/residents?q=3-2", reception, &status);
  g_assert_cmpuint (status, ==, 200);
  g_clear_pointer (&reception, g_free);
  g_clear_object (&f->session);

  fd_test_server_halt (server);
  db_path = g_build_filename (fd_test_server_get_data_dir (server), "frontdesk.db", NULL);
  /* reception is the first demo account */
  sql = g_strdup_printf ("UPDATE settings SET value = '%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT "' "
                         "WHERE key = 'rules.ack.1'", version,
                         g_date_time_to_unix (last_quarter) * G_USEC_PER_SEC);
  run_sql (server, db_path, sql);
  fd_test_server_restart (server);

  f->session = fd_test_server_new_session (server);
  reception = fd_test_login_unacknowledged (server, f->session, "reception");
  g_assert_false (session_acknowledged (f, reception));
  assert_gated (f, "GET", "/api/v1/residents?q=3-2", reception, version);

  manager = fd_test_login (server, f->session, "manager");
  list = get (f, "/api/v1/rules/acknowledgments", manager, &status);
  g_assert_cmpuint (status, ==, 200);
  items = json_object_get_array_member (fd_test_get_object (list), "items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      g_assert_cmpint (json_object_get_boolean_member (item, "overdue"), ==,
                       g_str_equal (fd_test_get_string (item, "user"), "reception"));
    }

  /* the same version again, this quarter */
  acknowledge (f, reception, version, 204);
  g_clear_pointer (&node, json_node_unref);
  node = get (f, "/api/v1/residents?q=3-2", reception, &status);
  g_assert_cmpuint (status, ==, 200);
  g_clear_object (&f->session);
}

int
main (int    argc,
      char **argv)
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  shared = fd_test_server_start (NULL);
  fd_test_add ("/rules/new-account", shared, test_new_account);
  fd_test_add ("/rules/demo-accounts", shared, test_demo_accounts);
  fd_test_add ("/rules/acknowledgments", shared, test_acknowledgments);
  g_test_add_func ("/rules/text-changed", test_text_changed);
  g_test_add_func ("/rules/quarter", test_quarter);
  rc = g_test_run ();
  fd_test_server_stop (shared);
  return rc;
}
