/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests the visitor log, over the wire. */

#include "config.h"

#include <string.h>

#include "fd-test-server.h"

static char *reception;
static char *room;          /* a room that exists */
static char *visitor_id;    /* created by /create */
static char *today;

/* Synthetic values, made here: a valid ID number and a mobile. */
static char id_number[19] = "11010519800101003";
static const char phone[] = "13912340007";
static const char plate[] = "粤B12345";

static void
make_id_number (void)
{
  static const int weights[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
  int sum = 0;

  for (int i = 0; i < 17; i++)
    sum += (id_number[i] - '0') * weights[i];
  id_number[17] = "10X98765432"[sum % 11];
  id_number[18] = '\0';
}

static char *
visitor_body (const char *name,
              const char *the_phone,
              const char *the_id,
              const char *the_room,
              const char *the_plate)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "phone");
  json_builder_add_string_value (builder, the_phone);
  if (the_id != NULL)
    {
      json_builder_set_member_name (builder, "id_number");
      json_builder_add_string_value (builder, the_id);
    }
  json_builder_set_member_name (builder, "room");
  json_builder_add_string_value (builder, the_room);
  json_builder_set_member_name (builder, "purpose");
  json_builder_add_string_value (builder, "送快递");
  if (the_plate != NULL)
    {
      json_builder_set_member_name (builder, "plate");
      json_builder_add_string_value (builder, the_plate);
    }
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  return json_to_string (node, FALSE);
}

static void
check_field (JsonObject *visitor,
             const char *member,
             gboolean    masked,
             const char *pattern)
{
  JsonObject *field = fd_test_get_object_member (visitor, member);

  g_test_message ("visitor field %s", member);
  g_assert_nonnull (field);
  g_assert_cmpint (json_object_get_boolean_member (field, "masked"), ==, masked);
  g_assert_true (json_object_has_member (field, "revealable"));
  g_assert_true (g_regex_match_simple (pattern, fd_test_get_string (field, "value"), 0, 0));
}

static gboolean
is_utc_time (const char *text)
{
  return g_regex_match_simple ("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z$",
                               text, 0, 0);
}

static void
test_create (FdTestFixture *fx,
             gconstpointer  data)
{
  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  g_autofree char *json = visitor_body ("王小明", phone, id_number, room, plate);
  g_autofree char *body = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *visitor;
  guint status;

  node = fd_test_request (server, session, "POST", "/api/v1/visitors", reception, json, &status,
                          &body);
  g_assert_cmpuint (status, ==, 201);
  fd_test_assert_no_clear_pii (body, FALSE);
  g_assert_null (strstr (body, phone));
  g_assert_null (strstr (body, id_number));
  g_assert_null (strstr (body, plate));

  visitor = fd_test_get_object (node);
  visitor_id = g_strdup (fd_test_get_string (visitor, "id"));
  check_field (visitor, "name", FALSE, "^王小明$");
  check_field (visitor, "phone", TRUE, "^139\\*{4}0007$");
  check_field (visitor, "id_number", TRUE, "^\\*{14}[0-9]{3}[0-9X]$");
  check_field (visitor, "room", FALSE, "^[0-9]+-[0-9]+-[0-9]+$");
  check_field (visitor, "plate", TRUE, "^粤B1\\*{3}5$");
  g_assert_cmpstr (fd_test_get_string (fd_test_get_object_member (visitor, "room"), "value"),
                   ==, room);
  g_assert_cmpstr (fd_test_get_string (visitor, "purpose"), ==, "送快递");
  g_assert_true (is_utc_time (fd_test_get_string (visitor, "arrived_at")));
  g_assert_true (json_object_has_member (visitor, "left_at"));
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (visitor, "left_at")));
  g_assert_cmpstr (fd_test_get_string (visitor, "registered_by"), ==, "reception");

  /* Optional members may be left out. */
  {
    g_autofree char *minimal = visitor_body ("李四", "13700001111", NULL, room, NULL);
    g_autoptr(JsonNode) second = NULL;
    JsonObject *object;

    second = fd_test_request (server, session, "POST", "/api/v1/visitors", reception, minimal,
                              &status, NULL);
    g_assert_cmpuint (status, ==, 201);
    object = fd_test_get_object (second);
    g_assert_false (json_object_has_member (object, "id_number"));
    g_assert_false (json_object_has_member (object, "plate"));
  }
}

static void
test_invalid (FdTestFixture *fx,
              gconstpointer  data)
{
  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  g_autofree char *bad_id = g_strdup (id_number);
  struct { char *json; const char *member; } cases[] = {
    { visitor_body ("王小明", "12345678901", NULL, room, NULL), "phone" },
    { visitor_body ("王小明", "1391234000", NULL, room, NULL), "phone" },
    { visitor_body ("王小明", "139123400071", NULL, room, NULL), "phone" },
    { NULL, "id_number" },
    { visitor_body ("王小明", phone, "123", room, NULL), "id_number" },
    { visitor_body ("王小明", phone, NULL, "999-99-9999", NULL), "room" },
    { visitor_body ("王小明", phone, NULL, "abc", NULL), "room" },
    { visitor_body ("王小明", phone, NULL, room, "XX12345"), "plate" },
    { visitor_body ("王小明", phone, NULL, room, "粤B1234"), "plate" },
    { visitor_body ("王1明", phone, NULL, room, NULL), "name" },
    { visitor_body ("", phone, NULL, room, NULL), "name" },
  };

  bad_id[17] = bad_id[17] == '0' ? '1' : '0';
  cases[3].json = visitor_body ("王小明", phone, bad_id, room, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = NULL;
      g_autofree char *body = NULL;
      guint status;

      g_test_message ("invalid visitor %u (%s)", i, cases[i].member);
      node = fd_test_request (server, session, "POST", "/api/v1/visitors", reception,
                              cases[i].json, &status, &body);
      fd_test_assert_error (status, node, 400, "bad-request", cases[i].member);
      /* An error never repeats the value. */
      g_assert_null (strstr (body, phone));
      g_assert_null (strstr (body, bad_id));
      g_free (cases[i].json);
    }
}

static GPtrArray *
list_today (FdTestFixture *fx,
            const char    *token)
{
  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  g_autofree char *path = g_strdup_printf ("/api/v1/visitors?date=%s&limit=100", today);

  return fd_test_fetch_all (server, session, token, path);
}

static JsonObject *
find_visitor (GPtrArray  *items,
              const char *id)
{
  for (guint i = 0; i < items->len; i++)
    if (g_str_equal (json_object_get_string_member (items->pdata[i], "id"), id))
      return items->pdata[i];
  return NULL;
}

static void
test_list (FdTestFixture *fx,
           gconstpointer  data)
{
  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  g_autoptr(GPtrArray) desk = list_today (fx, reception);
  g_autofree char *patrol = fd_test_login (server, session, "patrol");
  g_autofree char *finance = fd_test_login (server, session, "finance");
  g_autoptr(GPtrArray) guard = list_today (fx, patrol);
  JsonObject *mine;
  g_autoptr(JsonNode) refused = NULL;
  g_autoptr(JsonNode) create = NULL;
  g_autofree char *path = g_strdup_printf ("/api/v1/visitors?date=%s", today);
  g_autofree char *json = visitor_body ("王小明", phone, NULL, room, NULL);
  guint status;

  g_assert_nonnull (visitor_id);
  mine = find_visitor (desk, visitor_id);
  g_assert_nonnull (mine);
  check_field (mine, "phone", TRUE, "^139\\*{4}0007$");

  /* Patrol: surname only, building-unit only, plate in clear. */
  mine = find_visitor (guard, visitor_id);
  g_assert_nonnull (mine);
  check_field (mine, "name", TRUE, "^王\\*+$");
  check_field (mine, "room", TRUE, "^[0-9]+-[0-9]+-\\*{4}$");
  check_field (mine, "plate", FALSE, "^粤B12345$");
  g_assert_false (json_object_has_member (mine, "id_number"));

  refused = fd_test_request (server, session, "GET", path, finance, NULL, &status, NULL);
  fd_test_assert_error (status, refused, 403, "forbidden", NULL);
  create = fd_test_request (server, session, "POST", "/api/v1/visitors", patrol, json, &status,
                            NULL);
  fd_test_assert_error (status, create, 403, "forbidden", NULL);

  /* Another day: not there. */
  {
    g_autoptr(GPtrArray) other = fd_test_fetch_all (server, session, reception,
                                                    "/api/v1/visitors?date=2001-01-01");

    g_assert_null (find_visitor (other, visitor_id));
  }
  {
    g_autoptr(JsonNode) bad = NULL;

    bad = fd_test_request (server, session, "GET", "/api/v1/visitors?date=2026-13-45",
                           reception, NULL, &status, NULL);
    fd_test_assert_error (status, bad, 400, "bad-request", "date");
  }
}

static void
test_checkout (FdTestFixture *fx,
               gconstpointer  data)
{
  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  g_autofree char *path = g_strdup_printf ("/api/v1/visitors/%s/checkout", visitor_id);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) missing = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autofree char *patrol = fd_test_login (server, session, "patrol");
  g_autoptr(JsonNode) refused = NULL;
  JsonObject *visitor;
  guint status;

  refused = fd_test_request (server, session, "POST", path, patrol, NULL, &status, NULL);
  fd_test_assert_error (status, refused, 403, "forbidden", NULL);

  node = fd_test_request (server, session, "POST", path, reception, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  visitor = fd_test_get_object (node);
  g_assert_cmpstr (fd_test_get_string (visitor, "id"), ==, visitor_id);
  g_assert_true (is_utc_time (fd_test_get_string (visitor, "left_at")));
  g_assert_cmpstr (fd_test_get_string (visitor, "left_at"), >=,
                   fd_test_get_string (visitor, "arrived_at"));

  after = list_today (fx, reception);
  g_assert_true (is_utc_time (fd_test_get_string (find_visitor (after, visitor_id), "left_at")));

  missing = fd_test_request (server, session, "POST", "/api/v1/visitors/nope/checkout",
                             reception, NULL, &status, NULL);
  fd_test_assert_error (status, missing, 404, "not-found", NULL);
}

/* Free text that a spreadsheet would run as a formula. */
static const char *formulas[] = { "=1+2", "@SUM(A1)", "+cmd", "-2+3", "=HYPERLINK(\"x\")" };

static void
test_export (FdTestFixture *fx,
             gconstpointer  data)
{
  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  g_autofree char *manager = fd_test_login (server, session, "manager");
  g_autofree char *uri = g_strdup_printf ("%s/api/v1/visitors/export?date=%s",
                                          fd_test_server_get_base_url (server), today);
  g_autofree char *authorization = g_strconcat ("Bearer ", manager, NULL);
  g_autoptr(SoupMessage) message = soup_message_new ("GET", uri);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = NULL;
  const char *type;

  for (guint i = 0; i < G_N_ELEMENTS (formulas); i++)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) request = NULL;
      g_autoptr(JsonNode) node = NULL;
      g_autofree char *json = NULL;
      guint status;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, "赵六");
      json_builder_set_member_name (builder, "phone");
      json_builder_add_string_value (builder, "13600001111");
      json_builder_set_member_name (builder, "room");
      json_builder_add_string_value (builder, room);
      json_builder_set_member_name (builder, "purpose");
      json_builder_add_string_value (builder, formulas[i]);
      json_builder_end_object (builder);
      request = json_builder_get_root (builder);
      json = json_to_string (request, FALSE);
      node = fd_test_request (server, session, "POST", "/api/v1/visitors", reception, json,
                              &status, NULL);
      g_assert_true (status == 201 || status == 400);
    }

  soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization",
                                authorization);
  bytes = soup_session_send_and_read (session, message, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (message), ==, 200);
  type = soup_message_headers_get_content_type (soup_message_get_response_headers (message),
                                                NULL);
  g_assert_cmpstr (type, ==, "text/csv");
  csv = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_assert_true (g_utf8_validate (csv, -1, NULL));
  g_assert_nonnull (strchr (csv, '\n'));
  fd_test_assert_no_clear_pii (csv, FALSE);
  g_assert_null (strstr (csv, phone));
  g_assert_null (strstr (csv, id_number));
  g_assert_null (strstr (csv, plate));
  g_assert_nonnull (strstr (csv, "139****0007"));
  /* No cell starts a formula (CSV injection). */
  {
    g_auto(GStrv) lines = g_strsplit (csv, "\n", -1);

    for (guint i = 0; lines[i] != NULL; i++)
      {
        g_auto(GStrv) cells = g_strsplit (lines[i], ",", -1);

        for (guint j = 0; cells[j] != NULL; j++)
          {
            const char *cell = cells[j][0] == '"' ? cells[j] + 1 : cells[j];

            if (strchr ("=+-@", cell[0]) != NULL && cell[0] != '\0')
              g_error ("CSV line %u cell %u starts with %c", i, j, cell[0]);
          }
      }
  }

  /* Reception may not export. */
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/visitors/export?date=%s", today);
    g_autoptr(JsonNode) node = NULL;
    guint status;

    node = fd_test_request (server, session, "GET", path, reception, NULL, &status, NULL);
    fd_test_assert_error (status, node, 403, "forbidden", NULL);
  }

  /* Audited. */
  {
    g_autoptr(JsonNode) audit = NULL;
    guint status;

    audit = fd_test_request (server, session, "GET",
                             "/api/v1/audit?actor=manager&action=export&limit=5", manager, NULL,
                             &status, NULL);
    g_assert_cmpuint (status, ==, 200);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                        fd_test_get_object (audit), "items")), >=, 1);
  }
}

int
main (int   argc,
      char *argv[])
{
  FdTestServer *server;
  SoupSession *session;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  int ret;

  g_test_init (&argc, &argv, NULL);
  make_id_number ();
  today = g_date_time_format (now, "%Y-%m-%d");

  server = fd_test_server_start (NULL);
  session = fd_test_server_new_session (server);
  reception = fd_test_login (server, session, "reception");
  {
    g_autoptr(JsonNode) node = NULL;
    JsonArray *items;
    guint status;

    node = fd_test_request (server, session, "GET", "/api/v1/residents?limit=1", reception,
                            NULL, &status, NULL);
    g_assert_cmpuint (status, ==, 200);
    items = json_object_get_array_member (fd_test_get_object (node), "items");
    room = g_strdup (json_object_get_string_member (json_object_get_object_member (
                       json_array_get_object_element (items, 0), "room"), "value"));
  }

  fd_test_add ("/fd/server/visitors/create", server, test_create);
  fd_test_add ("/fd/server/visitors/invalid", server, test_invalid);
  fd_test_add ("/fd/server/visitors/list", server, test_list);
  fd_test_add ("/fd/server/visitors/checkout", server, test_checkout);
  fd_test_add ("/fd/server/visitors/export", server, test_export);

  ret = g_test_run ();

  g_free (reception);
  g_free (room);
  g_free (visitor_id);
  g_free (today);
  g_clear_object (&session);
  fd_test_server_stop (server);
  return ret;
}
