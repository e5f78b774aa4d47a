/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests an incident's blast radius over the wire and on the command line. */

#include "config.h"

#include <string.h>

#include "fd-test-server.h"

/* Issue 12. One account misuses its access inside a window — views, a
 * search page, reveals of given fields, verifies, a visitors export —
 * with touches before and after the window and by another account. The
 * radius must list exactly what that account touched inside the window,
 * with the right counts and fields, and no value of anyone. */

typedef struct
{
  gint64 id;
  guint  view, list, reveal, verify, export;
  const char *fields[8];        /* NULL-terminated: fields that must be listed */
} Expected;

typedef struct
{
  FdTestServer *server;
  SoupSession  *session;
  char         *misuser;        /* a manager-role account */
  char         *from;
  char         *to;
  GHashTable   *expected;       /* resident id (gint64*) → Expected* */
  GArray       *visitor_ids;    /* gint64 */
  GArray       *outside;        /* resident ids that must not appear */
  GPtrArray    *secrets;        /* clear values and names that must not appear */
  GHashTable   *names;          /* resident id (gint64*) → the name a manager sees */
} Scenario;

static Scenario sc;

static JsonNode *
call (const char *method,
      const char *path,
      const char *token,
      const char *body,
      guint       expected)
{
  guint status;
  JsonNode *node = fd_test_request (sc.server, sc.session, method, path, token, body, &status,
                                    NULL);
  if (status != expected)
    g_error ("%s %s: %u, expected %u", method, path, status, expected);
  return node;
}

static Expected *
expect (gint64 id)
{
  Expected *e = g_hash_table_lookup (sc.expected, &id);

  if (e == NULL)
    {
      e = g_new0 (Expected, 1);
      e->id = id;
      g_hash_table_insert (sc.expected, &e->id, e);
    }
  return e;
}

static void
expect_field (Expected   *e,
              const char *field)
{
  guint i = 0;

  while (e->fields[i] != NULL && !g_str_equal (e->fields[i], field))
    i++;
  g_assert_cmpuint (i, <, G_N_ELEMENTS (e->fields) - 1);
  e->fields[i] = field;
}

/* Keeps what a manager sees of @id in clear (name, plates) as secrets. */
static void
remember_clear_values (const char *manager,
                       gint64      id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/residents/%" G_GINT64_FORMAT, id);
  g_autoptr(JsonNode) node = call ("GET", path, manager, NULL, 200);
  JsonObject *r = fd_test_get_object (node);
  JsonArray *plates = json_object_get_array_member (r, "plates");

  const char *name = fd_test_get_string (fd_test_get_object_member (r, "name"), "value");
  gint64 *key = g_new (gint64, 1);

  *key = id;
  g_hash_table_replace (sc.names, key, g_strdup (name));
  for (guint i = 0; plates != NULL && i < json_array_get_length (plates); i++)
    g_ptr_array_add (sc.secrets, g_strdup (fd_test_get_string (
                       json_array_get_object_element (plates, i), "value")));
}

/* Waits for the next whole second and returns it, RFC 3339: every entry
 * written before the call is earlier, every one after is not. */
static char *
next_second (void)
{
  gint64 next = g_get_real_time () / G_USEC_PER_SEC + 1;
  g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc (next);

  while (g_get_real_time () / G_USEC_PER_SEC < next)
    g_usleep (20000);
  return g_date_time_format (t, "%Y-%m-%dT%H:%M:%SZ");
}

static void
view (const char *token,
      gint64      id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/residents/%" G_GINT64_FORMAT, id);
  g_autoptr(JsonNode) node = call ("GET", path, token, NULL, 200);
}

static void
reveal (const char *token,
        gint64      id,
        const char *field)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/residents/%" G_GINT64_FORMAT "/reveal", id);
  g_autofree char *body = g_strdup_printf ("{\"field\": \"%s\", \"reason_code\": \"verify-identity\"}",
                                           field);
  g_autoptr(JsonNode) node = call ("POST", path, token, body, 200);

  g_ptr_array_add (sc.secrets, g_strdup (fd_test_get_string (fd_test_get_object (node), "value")));
}

static void
verify (const char *token,
        gint64      id,
        const char *field,
        const char *value)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/residents/%" G_GINT64_FORMAT "/verify", id);
  g_autofree char *body = g_strdup_printf ("{\"field\": \"%s\", \"value\": \"%s\"}", field, value);
  g_autoptr(JsonNode) node = call ("POST", path, token, body, 200);
}

static void
setup_scenario (void)
{
  g_autofree char *manager = fd_test_login (sc.server, sc.session, "manager");
  g_autofree char *misuser = NULL;
  g_autofree char *other = NULL;
  g_autofree char *other_user = NULL;
  g_autoptr(JsonNode) all = NULL;
  g_autoptr(JsonNode) listed = NULL;
  g_autoptr(JsonNode) visitors = NULL;
  g_autoptr(JsonNode) denied = NULL;
  g_autofree char *csv = NULL;
  g_auto(GStrv) lines = NULL;
  JsonArray *items;
  gint64 r[8];
  guint status;

  sc.expected = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_free);
  sc.visitor_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sc.outside = g_array_new (FALSE, FALSE, sizeof (gint64));
  sc.secrets = g_ptr_array_new_with_free_func (g_free);
  sc.names = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);

  sc.misuser = fd_test_create_user (sc.server, sc.session, "manager", NULL);
  other_user = fd_test_create_user (sc.server, sc.session, "reception", NULL);
  misuser = fd_test_login (sc.server, sc.session, sc.misuser);
  other = fd_test_login (sc.server, sc.session, other_user);

  /* eight residents the search below does not list (limit 5 of the first page) */
  all = call ("GET", "/api/v1/residents?q=&limit=40", manager, NULL, 200);
  items = json_object_get_array_member (fd_test_get_object (all), "items");
  g_assert_cmpuint (json_array_get_length (items), ==, 40);
  for (guint i = 0; i < G_N_ELEMENTS (r); i++)
    {
      r[i] = g_ascii_strtoll (fd_test_get_string (json_array_get_object_element (items, 20 + i),
                                                  "id"), NULL, 10);
      remember_clear_values (manager, r[i]);
    }

  /* before the window */
  view (misuser, r[0]);
  g_array_append_val (sc.outside, r[0]);
  sc.from = next_second ();

  /* inside: views, a search page, reveals, verifies, an export */
  view (misuser, r[1]);
  view (misuser, r[1]);
  view (misuser, r[2]);
  expect (r[1])->view = 2;
  expect (r[2])->view = 1;
  for (guint i = 1; i <= 2; i++)
    {
      expect_field (expect (r[i]), "name");
      expect_field (expect (r[i]), "room");
    }

  listed = call ("GET", "/api/v1/residents?q=&limit=5", misuser, NULL, 200);
  items = json_object_get_array_member (fd_test_get_object (listed), "items");
  g_assert_cmpuint (json_array_get_length (items), ==, 5);
  for (guint i = 0; i < 5; i++)
    {
      Expected *e = expect (g_ascii_strtoll (fd_test_get_string (
                              json_array_get_object_element (items, i), "id"), NULL, 10));
      e->list = 1;
      expect_field (e, "name");
      expect_field (e, "room");
      remember_clear_values (manager, e->id);
    }

  reveal (misuser, r[1], "phone");
  expect (r[1])->reveal = 1;
  expect_field (expect (r[1]), "phone");
  reveal (misuser, r[3], "home_address");
  expect (r[3])->reveal = 1;
  expect_field (expect (r[3]), "home_address");

  verify (misuser, r[2], "phone", "13800000000");
  verify (misuser, r[4], "id_number", "11010519800101003X");
  expect (r[2])->verify = 1;
  expect_field (expect (r[2]), "phone");
  expect (r[4])->verify = 1;
  expect_field (expect (r[4]), "id_number");

  /* a refused reveal (no password) discloses nothing: r[5] stays out */
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/residents/%" G_GINT64_FORMAT "/reveal", r[5]);
    denied = call ("POST", path, misuser,
                   "{\"field\": \"id_number\", \"reason_code\": \"verify-identity\"}", 401);
    g_array_append_val (sc.outside, r[5]);
  }

  fd_test_request (sc.server, sc.session, "GET", "/api/v1/visitors/export", misuser, NULL, &status,
                   &csv);
  g_assert_cmpuint (status, ==, 200);
  lines = g_strsplit (csv, "\r\n", -1);
  for (guint i = 1; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      gint64 id = g_ascii_strtoll (lines[i] + 1, NULL, 10);
      g_array_append_val (sc.visitor_ids, id);
    }
  g_assert_cmpuint (sc.visitor_ids->len, >, 0);
  visitors = call ("GET", "/api/v1/visitors", manager, NULL, 200);
  items = json_object_get_array_member (fd_test_get_object (visitors), "items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    g_ptr_array_add (sc.secrets, g_strdup (fd_test_get_string (fd_test_get_object_member (
                       json_array_get_object_element (items, i), "name"), "value")));

  /* another account, inside the window */
  view (other, r[6]);
  g_array_append_val (sc.outside, r[6]);

  sc.to = next_second ();
  /* after the window */
  view (misuser, r[7]);
  g_array_append_val (sc.outside, r[7]);
}

static gboolean
has_string (JsonArray  *array,
            const char *value)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    if (g_str_equal (json_array_get_string_element (array, i), value))
      return TRUE;
  return FALSE;
}

/* No clear value; nor, unless @names_shown, a resident's name in clear. */
static void
assert_no_value (const char *text,
                 gboolean    names_shown)
{
  GHashTableIter iter;
  gpointer name;

  fd_test_assert_no_clear_pii (text, FALSE);
  for (guint i = 0; i < sc.secrets->len; i++)
    if (strstr (text, sc.secrets->pdata[i]) != NULL)
      g_error ("a clear value (secret %u) appears in the radius", i);
  g_hash_table_iter_init (&iter, sc.names);
  while (!names_shown && g_hash_table_iter_next (&iter, NULL, &name))
    if (strstr (text, name) != NULL)
      g_error ("a resident's name appears in clear in the radius");
}

static void
assert_no_secret (const char *text)
{
  assert_no_value (text, FALSE);
}

static char *
radius_path (const char *user,
             const char *extra)
{
  g_autofree char *from = g_uri_escape_string (sc.from, NULL, FALSE);
  g_autofree char *to = g_uri_escape_string (sc.to, NULL, FALSE);

  return g_strdup_printf ("/api/v1/incidents/radius?user=%s&from=%s&to=%s%s", user, from, to,
                          extra ? extra : "");
}

static void
test_manager (void)
{
  g_autofree char *manager = fd_test_login (sc.server, sc.session, "manager");
  g_autofree char *path = radius_path (sc.misuser, "&cause=%E5%91%98%E5%B7%A5%E5%87%BA%E4%BA%8E%E5%A5%BD%E5%A5%87%E6%9F%A5%E8%AF%A2");
  g_autofree char *body = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *root;
  JsonArray *residents, *visitors;
  const char *notice;
  guint status;

  node = fd_test_request (sc.server, sc.session, "GET", path, manager, NULL, &status, &body);
  g_assert_cmpuint (status, ==, 200);
  root = fd_test_get_object (node);
  g_assert_cmpstr (fd_test_get_string (root, "user"), ==, sc.misuser);
  g_assert_cmpstr (fd_test_get_string (root, "from"), ==, sc.from);
  g_assert_cmpstr (fd_test_get_string (root, "to"), ==, sc.to);

  residents = json_object_get_array_member (root, "residents");
  g_assert_cmpuint (json_array_get_length (residents), ==, g_hash_table_size (sc.expected));
  for (guint i = 0; i < json_array_get_length (residents); i++)
    {
      JsonObject *item = json_array_get_object_element (residents, i);
      gint64 id = g_ascii_strtoll (fd_test_get_string (item, "id"), NULL, 10);
      Expected *e = g_hash_table_lookup (sc.expected, &id);
      JsonObject *actions = fd_test_get_object_member (item, "actions");
      JsonArray *fields = json_object_get_array_member (item, "fields");

      g_test_message ("resident %" G_GINT64_FORMAT, id);
      g_assert_nonnull (e);
      g_assert_cmpint (json_object_get_int_member (actions, "view"), ==, e->view);
      g_assert_cmpint (json_object_get_int_member (actions, "list"), ==, e->list);
      g_assert_cmpint (json_object_get_int_member (actions, "reveal"), ==, e->reveal);
      g_assert_cmpint (json_object_get_int_member (actions, "verify"), ==, e->verify);
      g_assert_cmpint (json_object_get_int_member (actions, "export"), ==, 0);
      for (guint f = 0; e->fields[f] != NULL; f++)
        g_assert_true (has_string (fields, e->fields[f]));
      /* a resident only verified was never shown whole */
      if (e->view == 0 && e->list == 0)
        g_assert_cmpuint (json_array_get_length (fields), ==, 1);
      /* as the manager sees it on /residents (contract v1.2) */
      g_assert_cmpstr (fd_test_get_string (item, "name"), ==, g_hash_table_lookup (sc.names, &id));
      fd_test_get_string (item, "room");
    }
  for (guint i = 0; i < sc.outside->len; i++)
    {
      g_autofree char *id = g_strdup_printf ("\"id\":\"%" G_GINT64_FORMAT "\"",
                                             g_array_index (sc.outside, gint64, i));
      g_assert_null (strstr (body, id));
    }

  visitors = json_object_get_array_member (root, "visitors");
  g_assert_cmpuint (json_array_get_length (visitors), ==, sc.visitor_ids->len);
  for (guint i = 0; i < json_array_get_length (visitors); i++)
    g_assert_cmpint (json_object_get_int_member (fd_test_get_object_member (
                       json_array_get_object_element (visitors, i), "actions"), "export"), ==, 1);

  notice = fd_test_get_string (root, "notice_zh_CN");
  g_assert_nonnull (strstr (notice, "个人信息保护法"));
  g_assert_nonnull (strstr (notice, "员工出于好奇查询"));
  g_assert_nonnull (strstr (notice, "手机号码"));
  g_assert_nonnull (strstr (notice, "家庭住址"));
  g_assert_nonnull (strstr (notice, "身份证号码"));
  g_assert_nonnull (strstr (notice, "frontdesk-test office, 010-0000"));
  /* the names only where they belong: the notice names no one */
  assert_no_value (body, TRUE);
  assert_no_secret (notice);

  /* audited */
  {
    g_autoptr(JsonNode) log = call ("GET", "/api/v1/audit?action=incident-radius&limit=5", manager,
                                    NULL, 200);
    JsonArray *entries = json_object_get_array_member (fd_test_get_object (log), "items");
    g_assert_cmpuint (json_array_get_length (entries), >=, 1);
    g_assert_cmpstr (fd_test_get_string (json_array_get_object_element (entries, 0), "target"), ==,
                     sc.misuser);
  }
}

static void
test_csv (void)
{
  g_autofree char *manager = fd_test_login (sc.server, sc.session, "manager");
  g_autofree char *path = radius_path (sc.misuser, "&format=csv");
  g_autofree char *csv = NULL;
  g_autoptr(JsonNode) log = NULL;
  guint status;

  fd_test_request (sc.server, sc.session, "GET", path, manager, NULL, &status, &csv);
  g_assert_cmpuint (status, ==, 200);
  g_assert_true (g_str_has_prefix (csv, "\xEF\xBB\xBF\"kind\",\"id\""));
  assert_no_secret (csv);
  log = call ("GET", "/api/v1/audit?action=export&limit=5", manager, NULL, 200);
  g_assert_cmpstr (fd_test_get_string (json_array_get_object_element (
                     json_object_get_array_member (fd_test_get_object (log), "items"), 0),
                     "target"), ==, "incident-radius");
}

static void
test_roles (void)
{
  g_autofree char *reception = fd_test_login (sc.server, sc.session, "reception");
  g_autofree char *auditor = fd_test_login (sc.server, sc.session, "auditor");
  g_autofree char *manager = fd_test_login (sc.server, sc.session, "manager");
  g_autofree char *path = radius_path (sc.misuser, NULL);
  g_autofree char *body = NULL;
  g_autoptr(JsonNode) refused = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) bad = NULL;
  g_autoptr(JsonNode) unknown = NULL;
  g_autoptr(JsonNode) reversed = NULL;
  g_autofree char *bad_path = g_strdup_printf ("/api/v1/incidents/radius?user=%s&from=yesterday&to=%s",
                                               sc.misuser, sc.to);
  g_autofree char *reversed_path = g_strdup_printf ("/api/v1/incidents/radius?user=%s&from=%s&to=%s",
                                                    sc.misuser, sc.to, sc.from);
  JsonArray *residents;
  guint status;

  refused = fd_test_request (sc.server, sc.session, "GET", path, reception, NULL, &status, NULL);
  fd_test_assert_error (status, refused, 403, "forbidden", NULL);

  /* the auditor sees no resident data: ids and counts only */
  node = fd_test_request (sc.server, sc.session, "GET", path, auditor, NULL, &status, &body);
  g_assert_cmpuint (status, ==, 200);
  residents = json_object_get_array_member (fd_test_get_object (node), "residents");
  g_assert_cmpuint (json_array_get_length (residents), ==, g_hash_table_size (sc.expected));
  for (guint i = 0; i < json_array_get_length (residents); i++)
    {
      g_assert_false (json_object_has_member (json_array_get_object_element (residents, i), "name"));
      g_assert_false (json_object_has_member (json_array_get_object_element (residents, i), "room"));
    }
  assert_no_secret (body);

  bad = fd_test_request (sc.server, sc.session, "GET", bad_path, manager, NULL, &status, NULL);
  fd_test_assert_error (status, bad, 400, "bad-request", "from");
  reversed = fd_test_request (sc.server, sc.session, "GET", reversed_path, manager, NULL, &status,
                              NULL);
  fd_test_assert_error (status, reversed, 400, "bad-request", "to");
  g_clear_pointer (&path, g_free);
  path = radius_path ("nobody-here", NULL);
  unknown = fd_test_request (sc.server, sc.session, "GET", path, manager, NULL, &status, NULL);
  fd_test_assert_error (status, unknown, 404, "not-found", "user");
}

/* The command prints the same radius, table or JSON, with no value. */
static void
test_cli (void)
{
  const char *formats[] = { NULL, "--json" };

  fd_test_server_halt (sc.server);
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      const char *argv[] = { fd_test_server_binary (), "incident", "radius", "--data-dir",
                             fd_test_server_get_data_dir (sc.server), "--user", sc.misuser,
                             "--from", sc.from, "--to", sc.to, formats[i], NULL };
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      g_autoptr(GError) error = NULL;
      gint wait_status;

      g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
                                   &err, &wait_status, &error));
      g_assert_no_error (error);
      g_test_message ("%s", err);
      g_assert_true (g_spawn_check_wait_status (wait_status, NULL));
      assert_no_secret (out);
      g_assert_nonnull (strstr (out, "个人信息保护法"));
      if (formats[i] == NULL)
        {
          g_autofree char *summary = g_strdup_printf ("%u residents, %u visitors",
                                                      g_hash_table_size (sc.expected),
                                                      sc.visitor_ids->len);
          g_assert_nonnull (strstr (out, summary));
        }
      else
        {
          g_autoptr(JsonParser) parser = json_parser_new ();
          JsonObject *root;

          g_assert_true (json_parser_load_from_data (parser, out, -1, NULL));
          root = json_node_get_object (json_parser_get_root (parser));
          g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "residents")),
                            ==, g_hash_table_size (sc.expected));
        }
    }
}

/* Estates (issue 11): an estate's manager sees the radius within its
 * estate only, and the acknowledgments of its estate's accounts. */
static void
test_estates (void)
{
  const char *extra[] = { "--estates", "2", NULL };
  FdTestServerOptions options = { .extra_args = extra };
  g_autoptr(FdTestServer) server = fd_test_server_start (&options);
  g_autoptr(SoupSession) session = fd_test_server_new_session (server);
  g_autofree char *reception = fd_test_login (server, session, "reception");
  g_autofree char *manager = fd_test_login (server, session, "manager");
  g_autofree char *other = fd_test_login (server, session, "manager-e2");
  g_autofree char *auditor = fd_test_login (server, session, "auditor");
  g_autoptr(JsonNode) listed = NULL;
  g_autofree char *from = NULL, *to = NULL, *path = NULL;
  const char *tokens[] = { manager, other, auditor };
  const guint expected[] = { 3, 0, 3 };
  JsonArray *items;
  guint status;

  from = next_second ();
  listed = fd_test_request (server, session, "GET", "/api/v1/residents?q=&limit=3", reception, NULL,
                            &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  to = next_second ();
  path = g_strdup_printf ("/api/v1/incidents/radius?user=reception&from=%s&to=%s", from, to);
  for (guint i = 0; i < G_N_ELEMENTS (tokens); i++)
    {
      g_autoptr(JsonNode) node = fd_test_request (server, session, "GET", path, tokens[i], NULL,
                                                  &status, NULL);

      g_assert_cmpuint (status, ==, 200);
      items = json_object_get_array_member (fd_test_get_object (node), "residents");
      g_assert_cmpuint (json_array_get_length (items), ==, expected[i]);
    }

  /* manager-e2 does not see e1's accounts, nor company-wide ones */
  {
    g_autoptr(JsonNode) acks = fd_test_request (server, session, "GET", "/api/v1/rules/acknowledgments",
                                                other, NULL, &status, NULL);

    g_assert_cmpuint (status, ==, 200);
    items = json_object_get_array_member (fd_test_get_object (acks), "items");
    g_assert_cmpuint (json_array_get_length (items), >, 0);
    for (guint i = 0; i < json_array_get_length (items); i++)
      g_assert_true (g_str_has_suffix (fd_test_get_string (json_array_get_object_element (items, i),
                                                           "user"), "-e2"));
  }
}

int
main (int    argc,
      char **argv)
{
  const char *extra[] = { "--office-contact", "frontdesk-test office, 010-0000", NULL };
  FdTestServerOptions options = { .extra_args = extra };
  int rc;

  g_test_init (&argc, &argv, NULL);
  sc.server = fd_test_server_start (&options);
  sc.session = fd_test_server_new_session (sc.server);
  setup_scenario ();
  g_test_add_func ("/radius/manager", test_manager);
  g_test_add_func ("/radius/csv", test_csv);
  g_test_add_func ("/radius/roles", test_roles);
  g_test_add_func ("/radius/cli", test_cli);
  g_test_add_func ("/radius/estates", test_estates);
  rc = g_test_run ();
  g_object_unref (sc.session);
  fd_test_server_stop (sc.server);
  g_free (sc.misuser);
  g_free (sc.from);
  g_free (sc.to);
  g_hash_table_unref (sc.expected);
  g_array_unref (sc.visitor_ids);
  g_array_unref (sc.outside);
  g_ptr_array_unref (sc.secrets);
  g_hash_table_unref (sc.names);
  return rc;
}
