/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests what every role sees of residents, over the wire. */

#include "config.h"

#include <string.h>

#include "fd-test-server.h"

#define PROVINCES "(?:京|津|沪|渝|冀|豫|云|辽|黑|湘|皖|鲁|新|苏|浙|赣|鄂|桂|甘|晋|蒙|陕|吉" \
                  "|闽|贵|粤|青|藏|川|宁|琼)"

static FdTestServer *server;
static SoupSession *session;

typedef enum { ABSENT, CLEAR, MASKED } Shown;
typedef enum { PAY_NONE, PAY_STATUS, PAY_FULL } Pay;

typedef struct
{
  const char *role;
  Shown       name, phone, id_number, room, home_address, plates;
  gboolean    reveal_phone, reveal_id_number, reveal_home_address, reveal_plates;
  Pay         payments;
} RoleSpec;

/* The role table of docs/api.md, "Field values and the role table". */
static const RoleSpec specs[] = {
  { "reception", CLEAR, MASKED, MASKED, CLEAR, MASKED, MASKED,
    TRUE, TRUE, FALSE, TRUE, PAY_STATUS },
  { "patrol", MASKED, MASKED, ABSENT, MASKED, ABSENT, CLEAR,
    FALSE, FALSE, FALSE, FALSE, PAY_NONE },
  { "finance", CLEAR, MASKED, ABSENT, CLEAR, ABSENT, MASKED,
    TRUE, FALSE, FALSE, FALSE, PAY_FULL },
  { "manager", CLEAR, MASKED, MASKED, CLEAR, MASKED, CLEAR,
    TRUE, TRUE, TRUE, FALSE, PAY_FULL },
};

static const char *
shape (const char *field,
       Shown       shown)
{
  struct { const char *field; const char *clear; const char *masked; } shapes[] = {
    { "name", "^\\p{Han}{2,4}$", "^\\p{Han}{1,2}\\*+$" },
    { "phone", NULL, "^1[3-9][0-9]\\*{4}[0-9]{4}$" },
    { "id_number", NULL, "^\\*{14}[0-9]{3}[0-9X]$" },
    { "room", "^[1-9][0-9]*-[1-9][0-9]*-[1-9][0-9]{2,3}$", "^[1-9][0-9]*-[1-9][0-9]*-\\*{4}$" },
    { "home_address", NULL, "^\\p{Han}+\\*{4}$" },
    { "plate", "^" PROVINCES "[A-HJ-NP-Z][A-HJ-NP-Z0-9]{5,6}$",
      "^" PROVINCES "[A-HJ-NP-Z][A-HJ-NP-Z0-9]\\*{3,4}[A-HJ-NP-Z0-9]$" },
    { "account", NULL, "^\\*{4} \\*{4} \\*{4} [0-9]{4}$" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (shapes); i++)
    if (strcmp (shapes[i].field, field) == 0)
      return shown == CLEAR ? shapes[i].clear : shapes[i].masked;
  g_assert_not_reached ();
}

/* Asserts a field value object: members, masked flag, revealable flag, shape. */
static void
check_field (const char *role,
             const char *field,
             JsonNode   *node,
             Shown       shown,
             gboolean    revealable)
{
  const char *pattern = shape (field, shown);
  JsonObject *object;
  const char *value;

  g_test_message ("%s: field %s", role, field);
  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  object = json_node_get_object (node);
  g_assert_cmpuint (json_object_get_size (object), ==, 3);
  value = fd_test_get_string (object, "value");
  g_assert_true (json_object_has_member (object, "masked"));
  g_assert_true (json_object_has_member (object, "revealable"));
  g_assert_cmpint (json_object_get_boolean_member (object, "masked"), ==, shown == MASKED);
  g_assert_cmpint (json_object_get_boolean_member (object, "revealable"), ==, revealable);
  g_assert_nonnull (pattern);
  if (!g_regex_match_simple (pattern, value, 0, 0))
    g_error ("%s: field %s does not have the expected %s shape %s (value not shown)",
             role, field, shown == MASKED ? "masked" : "clear", pattern);
}

static void
check_keys (JsonObject         *object,
            const char * const *expected)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (GList *l = members; l != NULL; l = l->next)
    if (!g_strv_contains (expected, l->data))
      g_error ("unexpected member %s", (const char *) l->data);
  for (guint i = 0; expected[i] != NULL; i++)
    if (!json_object_has_member (object, expected[i]))
      g_error ("missing member %s", expected[i]);
}

static void
check_resident (const RoleSpec *spec,
                JsonObject     *resident,
                gboolean        detail)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  JsonArray *plates;

  g_ptr_array_add (keys, (char *) "id");
  if (spec->name != ABSENT)
    g_ptr_array_add (keys, (char *) "name");
  if (spec->room != ABSENT)
    g_ptr_array_add (keys, (char *) "room");
  if (spec->phone != ABSENT)
    g_ptr_array_add (keys, (char *) "phone");
  if (spec->plates != ABSENT)
    g_ptr_array_add (keys, (char *) "plates");
  if (detail && spec->id_number != ABSENT)
    g_ptr_array_add (keys, (char *) "id_number");
  if (detail && spec->home_address != ABSENT)
    g_ptr_array_add (keys, (char *) "home_address");
  if (detail && spec->payments != PAY_NONE)
    g_ptr_array_add (keys, (char *) "payments");
  g_ptr_array_add (keys, NULL);
  g_test_message ("%s: %s members", spec->role, detail ? "detail" : "list item");
  check_keys (resident, (const char * const *) keys->pdata);

  g_assert_cmpstr (fd_test_get_string (resident, "id"), !=, "");
  check_field (spec->role, "name", json_object_get_member (resident, "name"), spec->name, FALSE);
  check_field (spec->role, "room", json_object_get_member (resident, "room"), spec->room, FALSE);
  check_field (spec->role, "phone", json_object_get_member (resident, "phone"), spec->phone,
               spec->reveal_phone);
  if (detail && spec->id_number != ABSENT)
    check_field (spec->role, "id_number", json_object_get_member (resident, "id_number"),
                 spec->id_number, spec->reveal_id_number);
  if (detail && spec->home_address != ABSENT)
    {
      JsonNode *node = json_object_get_member (resident, "home_address");

      check_field (spec->role, "home_address", node, spec->home_address,
                   spec->reveal_home_address);
      /* The street part of the demo addresses is on 演示路: masked away. */
      g_assert_null (strstr (json_object_get_string_member (json_node_get_object (node),
                                                            "value"), "演示路"));
    }

  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_object_get_member (resident, "plates")));
  plates = json_object_get_array_member (resident, "plates");
  g_assert_cmpuint (json_array_get_length (plates), <=, 2);
  for (guint i = 0; i < json_array_get_length (plates); i++)
    check_field (spec->role, "plate", json_array_get_element (plates, i), spec->plates,
                 spec->reveal_plates);

  if (detail && spec->payments != PAY_NONE)
    {
      JsonObject *payments = fd_test_get_object_member (resident, "payments");
      const char *status;

      g_assert_nonnull (payments);
      status = fd_test_get_string (payments, "status");
      g_assert_true (g_str_equal (status, "paid") || g_str_equal (status, "overdue"));
      if (spec->payments == PAY_STATUS)
        {
          const char * const status_only[] = { "status", NULL };

          g_test_message ("%s: payments members", spec->role);
          check_keys (payments, status_only);
        }
      else
        {
          JsonNode *balance = json_object_get_member (payments, "balance_cents");
          JsonNode *last = json_object_get_member (payments, "last_paid_at");

          check_field (spec->role, "account", json_object_get_member (payments, "account"),
                       MASKED, FALSE);
          g_assert_nonnull (balance);
          g_assert_true (JSON_NODE_HOLDS_VALUE (balance));
          g_assert_true (json_node_get_value_type (balance) == G_TYPE_INT64);
          g_assert_cmpint (json_node_get_int (balance), >=, 0);
          if (g_str_equal (status, "paid"))
            g_assert_cmpint (json_node_get_int (balance), ==, 0);
          g_assert_nonnull (last);
          g_assert_true (JSON_NODE_HOLDS_NULL (last)
                         || json_node_get_value_type (last) == G_TYPE_STRING);
        }
    }
}

static const RoleSpec *
spec_for (const char *role)
{
  for (guint i = 0; i < G_N_ELEMENTS (specs); i++)
    if (g_str_equal (specs[i].role, role))
      return &specs[i];
  g_assert_not_reached ();
}

/* Up to @n resident ids, preferring residents with plates (both lengths)
 * so that every field kind is exercised. */
static GPtrArray *
pick_residents (const char *token,
                guint       n)
{
  g_autoptr(GPtrArray) all = fd_test_fetch_all (server, session, token,
                                                "/api/v1/residents?limit=100");
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  gboolean seen_long = FALSE, seen_short = FALSE, seen_none = FALSE;

  g_assert_cmpuint (all->len, ==, 200);
  for (guint i = 0; i < all->len; i++)
    {
      JsonObject *resident = all->pdata[i];
      JsonArray *plates = json_object_get_array_member (resident, "plates");
      guint len = json_array_get_length (plates);
      gboolean take = FALSE;

      for (guint j = 0; j < len; j++)
        {
          JsonObject *plate = json_array_get_object_element (plates, j);
          glong chars = g_utf8_strlen (json_object_get_string_member (plate, "value"), -1);

          if (chars == 8 && !seen_long)
            take = seen_long = TRUE;
          else if (chars == 7 && !seen_short)
            take = seen_short = TRUE;
        }
      if (len == 0 && !seen_none)
        take = seen_none = TRUE;
      if ((take || i % 37 == 0) && ids->len < n)
        g_ptr_array_add (ids, g_strdup (json_object_get_string_member (resident, "id")));
    }
  g_assert_true (seen_long);
  g_assert_true (seen_short);
  return ids;
}

static void
test_role (gconstpointer data)
{
  const RoleSpec *spec = spec_for (data);
  g_autofree char *token = fd_test_login (server, session, spec->role);
  g_autoptr(GPtrArray) ids = pick_residents (token, 8);
  g_autofree char *body = NULL;
  g_autoptr(JsonNode) list = NULL;
  JsonArray *items;
  guint status;

  /* List pages, including a search; every item, every body. */
  list = fd_test_request (server, session, "GET", "/api/v1/residents?limit=100", token, NULL,
                          &status, &body);
  g_assert_cmpuint (status, ==, 200);
  fd_test_assert_no_clear_pii (body, spec->plates == CLEAR);
  items = json_object_get_array_member (fd_test_get_object (list), "items");
  g_assert_cmpuint (json_array_get_length (items), ==, 100);
  for (guint i = 0; i < json_array_get_length (items); i++)
    check_resident (spec, json_array_get_object_element (items, i), FALSE);

  for (guint i = 0; i < ids->len; i++)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/residents/%s", (char *) ids->pdata[i]);
      g_autofree char *detail_body = NULL;
      g_autoptr(JsonNode) detail = NULL;

      detail = fd_test_request (server, session, "GET", path, token, NULL, &status,
                                &detail_body);
      g_assert_cmpuint (status, ==, 200);
      fd_test_assert_no_clear_pii (detail_body, spec->plates == CLEAR);
      check_resident (spec, fd_test_get_object (detail), TRUE);
      g_assert_cmpstr (fd_test_get_string (fd_test_get_object (detail), "id"), ==,
                       ids->pdata[i]);
    }
}

static JsonObject *
get_detail (const char *token,
            const char *id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/residents/%s", id);
  g_autoptr(JsonNode) node = NULL;
  guint status;

  node = fd_test_request (server, session, "GET", path, token, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  return json_object_ref (fd_test_get_object (node));
}

static const char *
field_value (JsonObject *resident,
             const char *member)
{
  return json_object_get_string_member (json_object_get_object_member (resident, member),
                                        "value");
}

/* The same resident through every role's eyes: the masks are of one value. */
static void
test_consistent (void)
{
  g_autofree char *reception = fd_test_login (server, session, "reception");
  g_autofree char *patrol = fd_test_login (server, session, "patrol");
  g_autofree char *finance = fd_test_login (server, session, "finance");
  g_autofree char *manager = fd_test_login (server, session, "manager");
  g_autoptr(GPtrArray) ids = pick_residents (reception, 6);

  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(JsonObject) r = get_detail (reception, ids->pdata[i]);
      g_autoptr(JsonObject) p = get_detail (patrol, ids->pdata[i]);
      g_autoptr(JsonObject) f = get_detail (finance, ids->pdata[i]);
      g_autoptr(JsonObject) m = get_detail (manager, ids->pdata[i]);
      const char *name = field_value (r, "name");
      const char *room = field_value (r, "room");
      g_autofree char *surname = g_utf8_substring (name, 0, 1);
      JsonArray *rp = json_object_get_array_member (r, "plates");
      JsonArray *mp = json_object_get_array_member (m, "plates");
      JsonArray *pp = json_object_get_array_member (p, "plates");

      g_assert_cmpstr (field_value (f, "name"), ==, name);
      g_assert_cmpstr (field_value (m, "name"), ==, name);
      g_assert_true (g_str_has_prefix (field_value (p, "name"), surname));
      g_assert_null (strstr (field_value (p, "name") + strlen (surname),
                             g_utf8_offset_to_pointer (name, g_utf8_strlen (name, -1) - 1)));
      g_assert_cmpstr (field_value (m, "room"), ==, room);
      g_assert_cmpstr (field_value (f, "room"), ==, room);
      g_assert_true (strncmp (field_value (p, "room"), room,
                              strrchr (room, '-') - room + 1) == 0);
      g_assert_cmpstr (field_value (m, "phone"), ==, field_value (r, "phone"));
      g_assert_cmpstr (field_value (p, "phone"), ==, field_value (r, "phone"));
      g_assert_cmpstr (field_value (f, "phone"), ==, field_value (r, "phone"));
      g_assert_cmpstr (field_value (m, "id_number"), ==, field_value (r, "id_number"));
      g_assert_cmpstr (field_value (m, "home_address"), ==, field_value (r, "home_address"));
      g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (r,
                                                                                     "payments"),
                                                      "status"), ==,
                       json_object_get_string_member (json_object_get_object_member (m,
                                                                                     "payments"),
                                                      "status"));

      g_assert_cmpuint (json_array_get_length (rp), ==, json_array_get_length (mp));
      g_assert_cmpuint (json_array_get_length (pp), ==, json_array_get_length (mp));
      for (guint j = 0; j < json_array_get_length (mp); j++)
        {
          const char *clear = json_object_get_string_member (
            json_array_get_object_element (mp, j), "value");
          const char *masked = json_object_get_string_member (
            json_array_get_object_element (rp, j), "value");
          const char *last = g_utf8_offset_to_pointer (clear, g_utf8_strlen (clear, -1) - 1);
          const char *third = g_utf8_offset_to_pointer (clear, 3);

          g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (pp, j),
                                                          "value"), ==, clear);
          /* 粤B1***5: first three characters and the last one kept. */
          g_assert_cmpint (strncmp (masked, clear, third - clear), ==, 0);
          g_assert_true (g_str_has_suffix (masked, last));
          g_assert_cmpint (g_utf8_strlen (masked, -1), ==, g_utf8_strlen (clear, -1));
        }
    }
}

static void
test_no_resident_access (gconstpointer data)
{
  const char *role = data;
  g_autofree char *token = fd_test_login (server, session, role);
  g_autofree char *reception = fd_test_login (server, session, "reception");
  g_autoptr(GPtrArray) ids = pick_residents (reception, 1);
  g_autofree char *detail = g_strdup_printf ("/api/v1/residents/%s", (char *) ids->pdata[0]);
  g_autofree char *reveal = g_strdup_printf ("/api/v1/residents/%s/reveal",
                                             (char *) ids->pdata[0]);
  g_autofree char *verify = g_strdup_printf ("/api/v1/residents/%s/verify",
                                             (char *) ids->pdata[0]);
  struct { const char *method; const char *path; const char *body; } calls[] = {
    { "GET", "/api/v1/residents", NULL },
    { "GET", "/api/v1/residents?q=3-1&limit=5", NULL },
    { "GET", detail, NULL },
    { "POST", reveal, "{\"field\": \"phone\", \"reason_code\": \"verify-identity\"}" },
    { "POST", verify, "{\"field\": \"phone\", \"value\": \"13800138000\"}" },
    { "GET", "/api/v1/visitors", NULL },
    { "POST", "/api/v1/visitors", "{\"name\": \"王小明\", \"phone\": \"13912340007\","
      " \"room\": \"1-1-401\", \"purpose\": \"x\"}" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (calls); i++)
    {
      g_autoptr(JsonNode) node = NULL;
      g_autofree char *body = NULL;
      guint status;

      g_test_message ("%s %s as %s", calls[i].method, calls[i].path, role);
      node = fd_test_request (server, session, calls[i].method, calls[i].path, token,
                              calls[i].body, &status, &body);
      fd_test_assert_error (status, node, 403, "forbidden", NULL);
      fd_test_assert_no_clear_pii (body, FALSE);
    }

  /* Denials are audited, with the resident that was asked for. */
  {
    g_autofree char *manager = fd_test_login (server, session, "manager");
    g_autofree char *path = g_strdup_printf ("/api/v1/audit?actor=%s&limit=50", role);
    g_autoptr(JsonNode) node = NULL;
    JsonArray *items;
    guint status, denied = 0;
    gboolean detail_logged = FALSE;

    node = fd_test_request (server, session, "GET", path, manager, NULL, &status, NULL);
    g_assert_cmpuint (status, ==, 200);
    items = json_object_get_array_member (fd_test_get_object (node), "items");
    for (guint i = 0; i < json_array_get_length (items); i++)
      {
        JsonObject *item = json_array_get_object_element (items, i);
        JsonNode *target = json_object_get_member (item, "target");

        if (!g_str_equal (fd_test_get_string (item, "outcome"), "denied"))
          continue;
        denied++;
        if (target != NULL && !JSON_NODE_HOLDS_NULL (target)
            && g_strcmp0 (json_node_get_string (target), ids->pdata[0]) == 0)
          detail_logged = TRUE;
      }
    g_assert_cmpuint (denied, >=, G_N_ELEMENTS (calls));
    g_assert_true (detail_logged);
  }
}

static void
test_no_token (void)
{
  const char *paths[] = { "/api/v1/residents", "/api/v1/residents?q=3", "/api/v1/audit",
                          "/api/v1/users", "/api/v1/visitors", "/api/v1/session" };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(JsonNode) node = NULL;
      guint status;

      node = fd_test_request (server, session, "GET", paths[i], NULL, NULL, &status, NULL);
      fd_test_assert_error (status, node, 401, "unauthenticated", NULL);
      g_assert_cmpstr (json_object_get_string_member_with_default (
                         fd_test_get_object_member (fd_test_get_object (node), "error"),
                         "reason", NULL), ==, "missing");
    }
}

static void
test_unknown_resident (void)
{
  g_autofree char *token = fd_test_login (server, session, "reception");
  const char *paths[] = { "/api/v1/residents/does-not-exist", "/api/v1/residents/0",
                          "/api/v1/residents/999999999" };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(JsonNode) node = NULL;
      guint status;

      node = fd_test_request (server, session, "GET", paths[i], token, NULL, &status, NULL);
      fd_test_assert_error (status, node, 404, "not-found", NULL);
    }
}

/* Room picker: whole segments, and the resident counts add up. */
static void
test_rooms (void)
{
  g_autofree char *token = fd_test_login (server, session, "reception");
  g_autoptr(GPtrArray) all = fd_test_fetch_all (server, session, token,
                                                "/api/v1/residents?limit=100");
  const char *room = field_value (all->pdata[0], "room");
  g_autofree char *prefix = g_strndup (room, strrchr (room, '-') - room);
  g_autofree char *path = g_strdup_printf ("/api/v1/rooms?q=%s&limit=100", prefix);
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *segment = g_strconcat (prefix, "-", NULL);
  JsonArray *items;
  guint status, expected = 0, counted = 0;

  for (guint i = 0; i < all->len; i++)
    if (g_str_has_prefix (field_value (all->pdata[i], "room"), segment))
      expected++;

  node = fd_test_request (server, session, "GET", path, token, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  items = json_object_get_array_member (fd_test_get_object (node), "items");
  g_assert_cmpuint (json_array_get_length (items), >, 0);
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);

      g_assert_true (g_str_has_prefix (fd_test_get_string (item, "room"), segment));
      g_assert_true (json_object_has_member (item, "residents"));
      counted += (guint) json_object_get_int_member (item, "residents");
    }
  g_assert_cmpuint (counted, ==, expected);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  server = fd_test_server_start (NULL);
  session = fd_test_server_new_session (server);

  for (guint i = 0; i < G_N_ELEMENTS (specs); i++)
    {
      g_autofree char *path = g_strdup_printf ("/fd/server/roles/%s", specs[i].role);
      g_test_add_data_func (path, specs[i].role, test_role);
    }
  g_test_add_func ("/fd/server/roles/consistent", test_consistent);
  g_test_add_data_func ("/fd/server/roles/auditor", "auditor", test_no_resident_access);
  g_test_add_data_func ("/fd/server/roles/admin", "admin", test_no_resident_access);
  g_test_add_func ("/fd/server/roles/no-token", test_no_token);
  g_test_add_func ("/fd/server/roles/unknown-resident", test_unknown_resident);
  g_test_add_func ("/fd/server/roles/rooms", test_rooms);

  ret = g_test_run ();

  g_clear_object (&session);
  fd_test_server_stop (server);
  return ret;
}
