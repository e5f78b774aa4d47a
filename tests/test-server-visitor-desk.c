/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests the desk's visitor additions (issue 14) over the wire: the visit
 * purposes list and Undo on Check Out, and room-number prefixes in the
 * room look-up. */

#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "fd-test-pg.h"
#include "fd-test-server.h"

static char *room;          /* a room that exists */

static char *
visitor_body (const char *purpose)
{
  return g_strdup_printf ("{\"name\": \"王小明\", \"phone\": \"13912340007\", "
                          "\"room\": \"%s\", \"purpose\": \"%s\"}", room, purpose);
}

/* Registers a visitor as @token; returns its id. */
static char *
register_visitor (FdTestFixture *fx,
                  const char    *token)
{
  g_autofree char *body = visitor_body ("探访");
  g_autoptr(JsonNode) node = NULL;
  guint status;

  node = fd_test_request (fx->server, fx->session, "POST", "/api/v1/visitors", token, body,
                          &status, NULL);
  g_assert_cmpuint (status, ==, 201);
  return g_strdup (fd_test_get_string (fd_test_get_object (node), "id"));
}

static guint
post (FdTestFixture *fx,
      const char    *token,
      const char    *id,
      const char    *action,
      JsonNode     **out)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/visitors/%s/%s", id, action);
  guint status;

  *out = fd_test_request (fx->server, fx->session, "POST", path, token, NULL, &status, NULL);
  return status;
}

static gboolean
is_inside (JsonNode *visitor)
{
  JsonNode *left = json_object_get_member (fd_test_get_object (visitor), "left_at");

  g_assert_nonnull (left);
  return JSON_NODE_HOLDS_NULL (left);
}

/* The newest audit entries of @action (as the auditor reads them). */
static guint
count_audit (FdTestFixture *fx,
             const char    *action,
             const char    *target,
             const char    *outcome)
{
  g_autofree char *auditor = fd_test_login (fx->server, fx->session, "auditor");
  g_autofree char *path = g_strdup_printf ("/api/v1/audit?action=%s&limit=100", action);
  g_autoptr(JsonNode) node = NULL;
  JsonArray *items;
  guint status, n = 0;

  node = fd_test_request (fx->server, fx->session, "GET", path, auditor, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  items = json_object_get_array_member (fd_test_get_object (node), "items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *entry = json_array_get_object_element (items, i);

      if ((target == NULL || g_strcmp0 (json_object_get_string_member (entry, "target"), target) == 0) &&
          g_strcmp0 (json_object_get_string_member (entry, "outcome"), outcome) == 0)
        n++;
    }
  return n;
}

static void
test_undo_checkout (FdTestFixture *fx,
                    gconstpointer  data)
{
  g_autofree char *reception = fd_test_login (fx->server, fx->session, "reception");
  g_autofree char *id = register_visitor (fx, reception);
  g_autoptr(JsonNode) out = NULL, undone = NULL, again = NULL, missing = NULL;
  guint status;

  g_assert_cmpuint (post (fx, reception, id, "checkout", &out), ==, 200);
  g_assert_false (is_inside (out));

  g_assert_cmpuint (post (fx, reception, id, "undo-checkout", &undone), ==, 200);
  g_assert_true (is_inside (undone));
  g_assert_cmpstr (fd_test_get_string (fd_test_get_object (undone), "id"), ==, id);
  g_assert_cmpuint (count_audit (fx, "visitor-undo-checkout", id, "allowed"), ==, 1);

  /* Nothing to undo now: the visitor is returned unchanged, not audited. */
  g_assert_cmpuint (post (fx, reception, id, "undo-checkout", &again), ==, 200);
  g_assert_true (is_inside (again));
  g_assert_cmpuint (count_audit (fx, "visitor-undo-checkout", id, "allowed"), ==, 1);

  /* It can be checked out again afterwards. */
  g_clear_pointer (&out, json_node_unref);
  g_assert_cmpuint (post (fx, reception, id, "checkout", &out), ==, 200);
  g_assert_false (is_inside (out));

  status = post (fx, reception, "999999", "undo-checkout", &missing);
  fd_test_assert_error (status, missing, 404, "not-found", NULL);
}

static void
test_undo_roles (FdTestFixture *fx,
                 gconstpointer  data)
{
  g_autofree char *reception = fd_test_login (fx->server, fx->session, "reception");
  g_autofree char *manager = fd_test_login (fx->server, fx->session, "manager");
  g_autofree char *id = register_visitor (fx, reception);
  const char *refused[] = { "patrol", "finance", "auditor", "admin" };
  g_autoptr(JsonNode) out = NULL, other = NULL, own = NULL;
  guint status;

  g_assert_cmpuint (post (fx, reception, id, "checkout", &out), ==, 200);

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autofree char *token = fd_test_login (fx->server, fx->session, refused[i]);
      g_autoptr(JsonNode) node = NULL;

      g_test_message ("role %s", refused[i]);
      status = post (fx, token, id, "undo-checkout", &node);
      fd_test_assert_error (status, node, 403, "forbidden", NULL);
    }

  /* Another desk user may not undo someone else's check-out. */
  status = post (fx, manager, id, "undo-checkout", &other);
  fd_test_assert_error (status, other, 403, "forbidden", NULL);
  g_assert_cmpuint (count_audit (fx, "visitor-undo-checkout", id, "denied"), >=, 1);

  g_assert_cmpuint (post (fx, reception, id, "undo-checkout", &own), ==, 200);
  g_assert_true (is_inside (own));
}

/* Moves the visitor's check-out an hour into the past, in the database
 * (the server reads the row again on every request). */
static void
age_checkout (FdTestServer *server,
              const char   *id)
{
  g_autofree char *path = g_build_filename (fd_test_server_get_data_dir (server), "frontdesk.db",
                                            NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  if (fd_test_store_is_postgresql ())
    {
      /* PostgreSQL: as its superuser, behind the server's back all the same */
      g_autofree char *sql = g_strdup_printf ("UPDATE visitors SET left_at = left_at - 3600000000 "
                                              "WHERE id = %" G_GINT64_FORMAT " AND left_at <> 0",
                                              g_ascii_strtoll (id, NULL, 10));
      g_assert_cmpuint (fd_test_pg_tamper (fd_test_server_get_database (server), sql), ==, 1);
      return;
    }
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 10000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "UPDATE visitors SET left_at = left_at - 3600000000 "
                                           "WHERE id = ?1 AND left_at != 0", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, g_ascii_strtoll (id, NULL, 10));
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  g_assert_cmpint (sqlite3_changes (db), ==, 1);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

static void
test_undo_window (FdTestFixture *fx,
                  gconstpointer  data)
{
  g_autofree char *reception = fd_test_login (fx->server, fx->session, "reception");
  g_autofree char *id = register_visitor (fx, reception);
  g_autoptr(JsonNode) out = NULL, late = NULL;
  guint status;

  g_assert_cmpuint (post (fx, reception, id, "checkout", &out), ==, 200);
  age_checkout (fx->server, id);

  status = post (fx, reception, id, "undo-checkout", &late);
  fd_test_assert_error (status, late, 403, "forbidden", NULL);
  g_assert_cmpuint (count_audit (fx, "visitor-undo-checkout", id, "denied"), ==, 1);
  g_assert_cmpuint (count_audit (fx, "visitor-undo-checkout", id, "allowed"), ==, 0);
}

static void
assert_items (JsonNode           *node,
              const char * const *expected)
{
  JsonArray *items = json_object_get_array_member (fd_test_get_object (node), "items");

  g_assert_nonnull (items);
  g_assert_cmpuint (json_array_get_length (items), ==, g_strv_length ((char **) expected));
  for (guint i = 0; expected[i] != NULL; i++)
    g_assert_cmpstr (json_array_get_string_element (items, i), ==, expected[i]);
}

static void
test_purposes (FdTestFixture *fx,
               gconstpointer  data)
{
  const char *defaults[] = { "快递", "探访", "维修", "装修", NULL };
  const char *edited[] = { "快递", "外卖", "维修", NULL };
  const char *readers[] = { "reception", "manager", "patrol", "admin" };
  const char *others[] = { "finance", "auditor" };
  const char *bad[] = {
    "{}", "{\"items\": \"快递\"}", "{\"items\": []}", "{\"items\": [1]}",
    "{\"items\": [\"\"]}", "{\"items\": [\"   \"]}", "{\"items\": [\"a\\u0007b\"]}",
    "{\"items\": [\"快递\", \"快递\"]}", "{\"items\": [\"一二三四五六七八九十一二三四五六七八九十一\"]}",
    "{\"items\": [\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\",\"10\",\"11\",\"12\",\"13\"]}",
  };
  g_autofree char *admin = fd_test_login (fx->server, fx->session, "admin");
  g_autofree char *reception = fd_test_login (fx->server, fx->session, "reception");
  g_autoptr(JsonNode) node = NULL, put = NULL, after = NULL, denied = NULL;
  guint status;

  for (guint i = 0; i < G_N_ELEMENTS (readers); i++)
    {
      g_autofree char *token = fd_test_login (fx->server, fx->session, readers[i]);
      g_autoptr(JsonNode) list = NULL;

      g_test_message ("role %s", readers[i]);
      list = fd_test_request (fx->server, fx->session, "GET", "/api/v1/visitors/purposes",
                              token, NULL, &status, NULL);
      g_assert_cmpuint (status, ==, 200);
      assert_items (list, defaults);
    }
  for (guint i = 0; i < G_N_ELEMENTS (others); i++)
    {
      g_autofree char *token = fd_test_login (fx->server, fx->session, others[i]);
      g_autoptr(JsonNode) list = NULL;

      list = fd_test_request (fx->server, fx->session, "GET", "/api/v1/visitors/purposes",
                              token, NULL, &status, NULL);
      fd_test_assert_error (status, list, 403, "forbidden", NULL);
    }

  /* Only the administrator edits the list. */
  denied = fd_test_request (fx->server, fx->session, "PUT", "/api/v1/visitors/purposes",
                            reception, "{\"items\": [\"外卖\"]}", &status, NULL);
  fd_test_assert_error (status, denied, 403, "forbidden", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonNode) refused = NULL;

      g_test_message ("body %u", i);
      refused = fd_test_request (fx->server, fx->session, "PUT", "/api/v1/visitors/purposes",
                                 admin, bad[i], &status, NULL);
      fd_test_assert_error (status, refused, 400, "bad-request", i == 0 ? "items" : "items");
    }

  put = fd_test_request (fx->server, fx->session, "PUT", "/api/v1/visitors/purposes", admin,
                         "{\"items\": [\" 快递 \", \"外卖\", \"维修\"]}", &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  assert_items (put, edited);
  g_assert_cmpuint (count_audit (fx, "policy-change", "visitor-purposes", "allowed"), ==, 1);

  after = fd_test_request (fx->server, fx->session, "GET", "/api/v1/visitors/purposes",
                           reception, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  assert_items (after, edited);

  /* Back to the defaults for the other tests. */
  node = fd_test_request (fx->server, fx->session, "PUT", "/api/v1/visitors/purposes", admin,
                          "{\"items\": [\"快递\", \"探访\", \"维修\", \"装修\"]}", &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  assert_items (node, defaults);
}

/* The room look-up matches the room number as a prefix, as resident
 * search does (contract v1.1): 3-2-15 finds 3-2-1502. */
static void
test_room_prefix (FdTestFixture *fx,
                  gconstpointer  data)
{
  g_autofree char *reception = fd_test_login (fx->server, fx->session, "reception");
  g_autofree char *prefix = NULL;
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) node = NULL;
  const char *number = strrchr (room, '-');
  JsonArray *items;
  gboolean found = FALSE;
  guint status;

  g_assert_nonnull (number);
  g_assert_cmpuint (strlen (number + 1), >=, 2);
  prefix = g_strndup (room, (number + 1 - room) + 2);
  path = g_strdup_printf ("/api/v1/rooms?q=%s&limit=100", prefix);
  node = fd_test_request (fx->server, fx->session, "GET", path, reception, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  items = json_object_get_array_member (fd_test_get_object (node), "items");
  g_assert_cmpuint (json_array_get_length (items), >, 0);
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      const char *r = json_object_get_string_member (json_array_get_object_element (items, i),
                                                     "room");

      g_assert_true (g_str_has_prefix (r, prefix));
      found |= g_str_equal (r, room);
    }
  g_assert_true (found);
}

int
main (int   argc,
      char *argv[])
{
  FdTestServer *server;
  SoupSession *session;
  g_autofree char *reception = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);

  server = fd_test_server_start (NULL);
  session = fd_test_server_new_session (server);
  reception = fd_test_login (server, session, "reception");
  {
    g_autoptr(JsonNode) node = NULL;
    JsonArray *items;
    guint status;

    /* the first room of building 1, unit 1 */
    node = fd_test_request (server, session, "GET", "/api/v1/rooms?q=1-1&limit=1", reception,
                            NULL, &status, NULL);
    g_assert_cmpuint (status, ==, 200);
    items = json_object_get_array_member (fd_test_get_object (node), "items");
    g_assert_cmpuint (json_array_get_length (items), ==, 1);
    room = g_strdup (json_object_get_string_member (json_array_get_object_element (items, 0),
                                                    "room"));
  }
  g_clear_object (&session);

  fd_test_add ("/fd/server/visitor-desk/undo-checkout", server, test_undo_checkout);
  fd_test_add ("/fd/server/visitor-desk/undo-roles", server, test_undo_roles);
  fd_test_add ("/fd/server/visitor-desk/undo-window", server, test_undo_window);
  fd_test_add ("/fd/server/visitor-desk/purposes", server, test_purposes);
  fd_test_add ("/fd/server/visitor-desk/room-prefix", server, test_room_prefix);

  ret = g_test_run ();

  g_free (room);
  fd_test_server_stop (server);
  return ret;
}
