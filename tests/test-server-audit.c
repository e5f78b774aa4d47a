/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests the audit log: contents, access, hash chain, tampering. */

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/wait.h>

#include "fd-test-pg.h"
#include "fd-test-server.h"

static JsonArray *
audit_items (JsonNode *node)
{
  return json_object_get_array_member (fd_test_get_object (node), "items");
}

static JsonNode *
get (FdTestFixture  *fx,
     const char     *path,
     const char     *token,
     guint          *status,
     char          **body)
{
  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;

  return fd_test_request (server, session, "GET", path, token, NULL, status, body);
}

static gboolean
has_entry (JsonArray  *items,
           const char *action,
           const char *target,
           const char *outcome)
{
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      JsonNode *t = json_object_get_member (item, "target");

      if (g_str_equal (fd_test_get_string (item, "action"), action)
          && (target == NULL
              || (t != NULL && !JSON_NODE_HOLDS_NULL (t)
                  && g_strcmp0 (json_node_get_string (t), target) == 0))
          && g_str_equal (fd_test_get_string (item, "outcome"), outcome))
        return TRUE;
    }
  return FALSE;
}

static void
test_entries (FdTestFixture *fx,
              gconstpointer  data)
{
  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  g_autofree char *reception = fd_test_login (server, session, "reception");
  g_autofree char *manager = fd_test_login (server, session, "manager");
  g_autofree char *auditor = fd_test_login (server, session, "auditor");
  g_autoptr(JsonNode) list = NULL;
  g_autoptr(JsonNode) detail = NULL;
  g_autoptr(JsonNode) audit = NULL;
  g_autofree char *body = NULL;
  g_autofree char *path = NULL;
  const char *id;
  JsonArray *items;
  gint64 last = G_MAXINT64;
  guint status;

  list = get (fx, "/api/v1/residents?q=1&limit=3", reception, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  id = json_object_get_string_member (json_array_get_object_element (audit_items (list), 0),
                                      "id");
  path = g_strdup_printf ("/api/v1/residents/%s", id);
  detail = get (fx, path, reception, &status, NULL);
  g_assert_cmpuint (status, ==, 200);

  audit = get (fx, "/api/v1/audit?actor=reception&limit=50", auditor, &status, &body);
  g_assert_cmpuint (status, ==, 200);
  items = audit_items (audit);
  g_assert_true (has_entry (items, "login", NULL, "allowed"));
  g_assert_true (has_entry (items, "search", NULL, "allowed"));
  g_assert_true (has_entry (items, "view", id, "allowed"));

  /* Newest first, complete items, no secrets. */
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      const char *members[] = { "seq", "at", "actor", "role", "workstation", "action", "target",
                                "field", "reason_code", "reason_text", "outcome" };
      gint64 seq = json_object_get_int_member (item, "seq");

      for (guint m = 0; m < G_N_ELEMENTS (members); m++)
        if (!json_object_has_member (item, members[m]))
          g_error ("audit item without %s", members[m]);
      g_assert_cmpint (seq, <, last);
      last = seq;
      g_assert_cmpstr (fd_test_get_string (item, "actor"), ==, "reception");
      g_assert_true (g_regex_match_simple ("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z$",
                                           fd_test_get_string (item, "at"), 0, 0));
    }
  g_assert_null (strstr (body, reception));
  g_assert_null (strstr (body, manager));
  g_assert_null (strstr (body, auditor));
  g_assert_null (strstr (body, fd_test_server_get_password (server)));
  fd_test_assert_no_clear_pii (body, FALSE);

  /* Manager reads too; desk, finance and admin do not. */
  {
    g_autoptr(JsonNode) m = get (fx, "/api/v1/audit?limit=5", manager, &status, NULL);
    const char *denied[] = { "reception", "patrol", "finance", "admin" };

    g_assert_cmpuint (status, ==, 200);
    {
      g_autoptr(JsonNode) alerts = get (fx, "/api/v1/alerts", auditor, &status, NULL);

      g_assert_cmpuint (status, ==, 200);
    }
    for (guint i = 0; i < G_N_ELEMENTS (denied); i++)
      {
        g_autofree char *token = fd_test_login (server, session, denied[i]);
        g_autoptr(JsonNode) a = get (fx, "/api/v1/audit", token, &status, NULL);
        g_autoptr(JsonNode) b = NULL;
        g_autoptr(JsonNode) c = NULL;

        g_test_message ("%s reads the audit log", denied[i]);
        fd_test_assert_error (status, a, 403, "forbidden", NULL);
        b = get (fx, "/api/v1/audit/verify", token, &status, NULL);
        fd_test_assert_error (status, b, 403, "forbidden", NULL);
        c = get (fx, "/api/v1/alerts", token, &status, NULL);
        fd_test_assert_error (status, c, 403, "forbidden", NULL);
      }
  }
}

static void
test_filters_and_paging (FdTestFixture *fx,
                         gconstpointer  data)
{
  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  g_autofree char *auditor = fd_test_login (server, session, "auditor");
  g_autoptr(GPtrArray) logins = fd_test_fetch_all (server, session, auditor,
                                                   "/api/v1/audit?action=login&limit=2");
  g_autoptr(GPtrArray) all = fd_test_fetch_all (server, session, auditor,
                                                "/api/v1/audit?limit=7");
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GArray) seqs = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 last = G_MAXINT64;

  g_assert_cmpuint (logins->len, >=, 3);
  for (guint i = 0; i < logins->len; i++)
    g_assert_cmpstr (fd_test_get_string (logins->pdata[i], "action"), ==, "login");

  g_assert_cmpuint (all->len, >=, 10);
  for (guint i = 0; i < all->len; i++)
    {
      gint64 seq = json_object_get_int_member (all->pdata[i], "seq");

      g_array_append_val (seqs, seq);
      g_assert_cmpint (seq, <, last);
      last = seq;
    }
  /* Descending and gap-free down to 1. */
  g_assert_cmpint (last, ==, 1);
  g_assert_cmpint (g_array_index (seqs, gint64, 0), ==, (gint64) all->len);

  /* since/until bound the time. */
  {
    g_autoptr(JsonNode) future = NULL;
    guint status;

    future = get (fx, "/api/v1/audit?since=2999-01-01T00:00:00Z", auditor, &status, NULL);
    g_assert_cmpuint (status, ==, 200);
    g_assert_cmpuint (json_array_get_length (audit_items (future)), ==, 0);
    g_clear_pointer (&future, json_node_unref);
    future = get (fx, "/api/v1/audit?until=2000-01-01T00:00:00Z", auditor, &status, NULL);
    g_assert_cmpuint (status, ==, 200);
    g_assert_cmpuint (json_array_get_length (audit_items (future)), ==, 0);
    g_clear_pointer (&future, json_node_unref);
    future = get (fx, "/api/v1/audit?since=yesterday", auditor, &status, NULL);
    fd_test_assert_error (status, future, 400, "bad-request", "since");
    g_clear_pointer (&future, json_node_unref);
    future = get (fx, "/api/v1/audit?limit=0", auditor, &status, NULL);
    fd_test_assert_error (status, future, 400, "bad-request", "limit");
    g_clear_pointer (&future, json_node_unref);
    future = get (fx, "/api/v1/audit?cursor=AAAA.forged", auditor, &status, NULL);
    fd_test_assert_error (status, future, 400, "bad-request", "cursor");
    g_clear_pointer (&future, json_node_unref);
    future = get (fx, "/api/v1/audit?actor=nobody-at-all", auditor, &status, NULL);
    g_assert_cmpuint (status, ==, 200);
    g_assert_cmpuint (json_array_get_length (audit_items (future)), ==, 0);
  }
}

static gint64
verify_api (FdTestFixture *fx,
            gint64        *first_bad)
{
  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  g_autofree char *auditor = fd_test_login (server, session, "auditor");
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;
  JsonNode *bad;
  guint status;

  node = get (fx, "/api/v1/audit/verify", auditor, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  object = fd_test_get_object (node);
  bad = json_object_get_member (object, "first_bad_seq");
  g_assert_nonnull (bad);
  *first_bad = JSON_NODE_HOLDS_NULL (bad) ? 0 : json_node_get_int (bad);
  g_assert_cmpint (json_object_get_boolean_member (object, "ok"), ==, *first_bad == 0);
  return json_object_get_int_member (object, "entries");
}

static int
run_verify_cli (const char *data_dir,
                char      **out)
{
  const char *argv[] = { fd_test_server_binary (), "audit", "verify", "--data-dir", data_dir,
                         NULL };
  g_autoptr(GError) error = NULL;
  int wait_status;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, out,
                               NULL, &wait_status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));
  return WEXITSTATUS (wait_status);
}

static void
exec_sql (sqlite3    *db,
          const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("sqlite: %s", message);
}

static void
test_tamper (FdTestFixture *fx,
             gconstpointer  data)
{
  /* before anything touches the database */
  if (fd_test_skip_unless_sqlite ("SQLite only: tampers with the chain through the SQLite file"))
    return;

  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  const char *dir = fd_test_server_get_data_dir (server);
  g_autofree char *db_path = g_build_filename (dir, "frontdesk.db", NULL);
  g_autofree char *out = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *sql = NULL;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 first_bad = -1;
  gint64 entries = verify_api (fx, &first_bad);
  gint64 target;

  g_autofree char *first_id = NULL;
  g_autofree char *first_name = NULL;

  g_assert_cmpint (first_bad, ==, 0);
  g_assert_cmpint (entries, >, 10);
  {
    g_autofree char *reception = fd_test_login (server, session, "reception");
    g_autoptr(JsonNode) node = NULL;
    JsonObject *item;
    guint status;

    node = get (fx, "/api/v1/residents?limit=1", reception, &status, NULL);
    g_assert_cmpuint (status, ==, 200);
    item = json_array_get_object_element (audit_items (node), 0);
    first_id = g_strdup (json_object_get_string_member (item, "id"));
    first_name = g_strdup (json_object_get_string_member (json_object_get_object_member (
                                                            item, "name"), "value"));
    /* The entries of this login and search come after the count. */
    entries = verify_api (fx, &first_bad);
  }

  fd_test_server_halt (server);

  /* Intact: the command agrees. */
  g_assert_cmpint (run_verify_cli (dir, &out), ==, 0);
  g_assert_true (g_regex_match_simple ("^ok [0-9]+ entries\\s*$", out, 0, 0));
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  /* The log lives in a table whose name contains "audit". */
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM sqlite_master WHERE "
                                           "type = 'table' AND name LIKE '%audit%'",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), >=, 1);
  sqlite3_finalize (stmt);

  /* Flip the outcome of an entry in the middle. */
  target = entries / 2;
  sql = g_strdup_printf ("UPDATE audit_log SET outcome = CASE outcome WHEN 'allowed' "
                         "THEN 'denied' ELSE 'allowed' END WHERE seq = %" G_GINT64_FORMAT,
                         target);
  exec_sql (db, sql);
  g_assert_cmpint (sqlite3_changes (db), ==, 1);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);

  g_assert_cmpint (run_verify_cli (dir, &out), ==, 1);
  expected = g_strdup_printf ("broken at seq %" G_GINT64_FORMAT, target);
  g_assert_nonnull (strstr (out, expected));
  g_clear_pointer (&out, g_free);

  /* Cutting entries off the end is noticed too (a copy of the database). */
  {
    g_autofree char *copy_dir = g_dir_make_tmp ("fd-test-audit-XXXXXX", NULL);
    g_autofree char *copy_db = g_build_filename (copy_dir, "frontdesk.db", NULL);
    g_autofree char *key = g_build_filename (dir, "data.key", NULL);
    g_autofree char *copy_key = g_build_filename (copy_dir, "data.key", NULL);
    g_autofree char *contents = NULL;
    g_autofree char *rm = g_strdup_printf ("rm -rf -- '%s'", copy_dir);
    gsize size;

    g_assert_true (g_file_get_contents (db_path, &contents, &size, NULL));
    g_assert_true (g_file_set_contents (copy_db, contents, size, NULL));
    g_clear_pointer (&contents, g_free);
    g_assert_true (g_file_get_contents (key, &contents, &size, NULL));
    g_assert_true (g_file_set_contents (copy_key, contents, size, NULL));
    g_assert_cmpint (g_chmod (copy_key, 0600), ==, 0);
    explicit_bzero (contents, size);

    g_assert_cmpint (sqlite3_open_v2 (copy_db, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
    exec_sql (db, "DELETE FROM audit_log WHERE seq > (SELECT max(seq) - 3 FROM audit_log)");
    g_assert_cmpint (sqlite3_changes (db), ==, 3);
    g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
    g_assert_cmpint (run_verify_cli (copy_dir, &out), ==, 1);
    g_assert_nonnull (strstr (out, "broken at seq"));
    g_clear_pointer (&out, g_free);
    g_spawn_command_line_sync (rm, NULL, NULL, NULL, NULL);
  }

  /* The server still serves, and says where the chain breaks. */
  fd_test_server_restart (server);
  g_clear_object (&fx->session);
  fx->session = session = fd_test_server_new_session (server);
  verify_api (fx, &first_bad);
  g_assert_cmpint (first_bad, ==, target);

  /* Same database, not reseeded. */
  {
    g_autofree char *reception = fd_test_login (server, session, "reception");
    g_autoptr(GPtrArray) all = fd_test_fetch_all (server, session, reception,
                                                  "/api/v1/residents?limit=100");

    g_assert_cmpuint (all->len, ==, 200);
    g_assert_cmpstr (json_object_get_string_member (all->pdata[0], "id"), ==, first_id);
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (
                       all->pdata[0], "name"), "value"), ==, first_name);
  }
}

static void
test_cli_usage (FdTestFixture *fx,
                gconstpointer  data)
{
  g_autofree char *missing = g_build_filename (g_get_tmp_dir (), "fd-no-such-dir-XXXXXX", NULL);
  const char *no_dir[] = { fd_test_server_binary (), "audit", "verify", NULL };
  const char *bad_dir[] = { fd_test_server_binary (), "audit", "verify", "--data-dir", missing,
                            NULL };
  const char * const *cases[] = { no_dir, bad_dir };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      int wait_status;

      g_assert_true (g_spawn_sync (NULL, (char **) cases[i], NULL,
                                   G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                                   NULL, NULL, NULL, NULL, &wait_status, &error));
      g_assert_true (WIFEXITED (wait_status));
      g_assert_cmpint (WEXITSTATUS (wait_status), ==, 2);
    }
}

/* issue 14: a view names its resident as the reader's role sees them,
 * masked, in "target_label" (the audit page shows it instead of an id). */
static void
test_target_label (FdTestFixture *fx,
                   gconstpointer  data)
{
  FdTestServer *server = fx->server;
  g_autofree char *reception = fd_test_login (server, fx->session, "reception");
  g_autofree char *manager = fd_test_login (server, fx->session, "manager");
  g_autofree char *auditor = fd_test_login (server, fx->session, "auditor");
  g_autoptr(JsonNode) list = NULL;
  g_autoptr(JsonNode) detail = NULL;
  g_autoptr(JsonNode) seen = NULL;
  g_autofree char *path = NULL;
  const char *readers[] = { manager, auditor };
  JsonObject *resident;
  const char *id;
  guint status;

  list = get (fx, "/api/v1/residents?q=1&limit=1", reception, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  id = json_object_get_string_member (json_array_get_object_element (audit_items (list), 0),
                                      "id");
  path = g_strdup_printf ("/api/v1/residents/%s", id);
  detail = get (fx, path, reception, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  /* what the manager sees of that resident */
  seen = get (fx, path, manager, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  resident = json_node_get_object (seen);

  for (guint r = 0; r < G_N_ELEMENTS (readers); r++)
    {
      g_autofree char *body = NULL;
      g_autoptr(JsonNode) audit = get (fx, "/api/v1/audit?action=view&actor=reception&limit=20",
                                       readers[r], &status, &body);
      JsonArray *items = audit_items (audit);
      gboolean found = FALSE;

      g_assert_cmpuint (status, ==, 200);
      fd_test_assert_no_clear_pii (body, FALSE);
      for (guint i = 0; i < json_array_get_length (items); i++)
        {
          JsonObject *item = json_array_get_object_element (items, i);
          JsonNode *label = json_object_get_member (item, "target_label");

          g_assert_nonnull (label);
          if (g_strcmp0 (fd_test_get_string (item, "target"), id) != 0)
            continue;
          found = TRUE;
          if (readers[r] == manager)
            {
              const char *text = json_node_get_string (label);
              JsonObject *room = json_object_get_object_member (resident, "room");

              g_assert_nonnull (text);
              g_assert_nonnull (strstr (text, "*"));
              g_assert_nonnull (strstr (text, json_object_get_string_member (room, "value")));
            }
        }
      g_assert_true (found);
    }
}

int
main (int   argc,
      char *argv[])
{
  FdTestServer *server;
  int ret;

  g_test_init (&argc, &argv, NULL);

  server = fd_test_server_start (NULL);

  fd_test_add ("/fd/server/audit/entries", server, test_entries);
  fd_test_add ("/fd/server/audit/filters-and-paging", server, test_filters_and_paging);
  fd_test_add ("/fd/server/audit/tamper", server, test_tamper);
  fd_test_add ("/fd/server/audit/cli-usage", server, test_cli_usage);
  fd_test_add ("/fd/server/audit/target-label", server, test_target_label);

  ret = g_test_run ();

  fd_test_server_stop (server);
  return ret;
}
