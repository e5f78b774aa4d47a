/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests reveal, verify and the incident switch, over the wire. */

/* test-server-reveal.c — reveal, verify and the incident switch, over the wire
 *
 * The cases share one server and run in order: reception's and manager's
 * hourly reveal budgets and reception's verify budget are spent on purpose.
 */

#include "config.h"

#include <string.h>

#include "fd-test-server.h"

static char *reception;
static char *manager;
static char *finance;
static char *patrol;
static GPtrArray *residents;        /* as reception sees them */
/* Clear values revealed by the first cases, wiped at the end. */
static char *clear_phone;
static char *clear_id_number;

static const char *
resident_id (guint i)
{
  return json_object_get_string_member (residents->pdata[i], "id");
}

static const char *
field_value (JsonObject *resident,
             const char *member)
{
  return json_object_get_string_member (json_object_get_object_member (resident, member),
                                        "value");
}

static JsonNode *
post (FdTestFixture  *fx,
      const char     *token,
      const char     *id,
      const char     *action,
      const char     *json,
      guint          *status,
      char          **body)
{
  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  g_autofree char *path = g_strdup_printf ("/api/v1/residents/%s/%s", id, action);

  return fd_test_request (server, session, "POST", path, token, json, status, body);
}

static char *
reveal_body (const char *field,
             const char *reason_code,
             const char *reason_text,
             const char *password)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "field");
  json_builder_add_string_value (builder, field);
  if (reason_code != NULL)
    {
      json_builder_set_member_name (builder, "reason_code");
      json_builder_add_string_value (builder, reason_code);
    }
  if (reason_text != NULL)
    {
      json_builder_set_member_name (builder, "reason_text");
      json_builder_add_string_value (builder, reason_text);
    }
  if (password != NULL)
    {
      json_builder_set_member_name (builder, "password");
      json_builder_add_string_value (builder, password);
    }
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  return json_to_string (node, FALSE);
}

/* Audit entries of @actor and @action, newest first, read as manager. */
static GPtrArray *
audit_entries (FdTestFixture  *fx,
               const char     *actor,
               const char     *action,
               char          **body)
{
  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  g_autofree char *path = g_strdup_printf ("/api/v1/audit?actor=%s&action=%s&limit=100",
                                           actor, action);
  g_autoptr(JsonNode) node = NULL;
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  JsonArray *array;
  gint64 last_seq = G_MAXINT64;
  guint status;

  node = fd_test_request (server, session, "GET", path, manager, NULL, &status, body);
  g_assert_cmpuint (status, ==, 200);
  array = json_object_get_array_member (fd_test_get_object (node), "items");
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *item = json_array_get_object_element (array, i);
      gint64 seq = json_object_get_int_member (item, "seq");

      g_assert_cmpstr (fd_test_get_string (item, "actor"), ==, actor);
      g_assert_cmpstr (fd_test_get_string (item, "action"), ==, action);
      g_assert_cmpint (seq, <, last_seq);
      last_seq = seq;
      g_ptr_array_add (items, json_object_ref (item));
    }
  return items;
}

static const char *
string_or_null (JsonObject *object,
                const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  return json_node_get_string (node);
}

/* Asserts that an audit entry for @target and @field with @outcome exists
 * (newest first: the first match counts). */
static void
assert_audited (FdTestFixture *fx,
                const char    *actor,
                const char    *action,
                const char    *target,
                const char    *field,
                const char    *reason_code,
                const char    *outcome)
{
  g_autofree char *body = NULL;
  g_autoptr(GPtrArray) items = audit_entries (fx, actor, action, &body);

  for (guint i = 0; i < items->len; i++)
    {
      JsonObject *item = items->pdata[i];

      if (g_strcmp0 (string_or_null (item, "target"), target) != 0
          || g_strcmp0 (string_or_null (item, "field"), field) != 0)
        continue;
      if (reason_code != NULL)
        g_assert_cmpstr (string_or_null (item, "reason_code"), ==, reason_code);
      g_assert_cmpstr (fd_test_get_string (item, "outcome"), ==, outcome);
      if (strchr (actor, '-') == NULL)
        g_assert_cmpstr (fd_test_get_string (item, "role"), ==, actor);
      g_assert_cmpstr (fd_test_get_string (item, "workstation"), ==, "fd-test");
      g_assert_true (g_regex_match_simple ("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z$",
                                           fd_test_get_string (item, "at"), 0, 0));
      /* Never a value. */
      if (clear_phone != NULL)
        g_assert_null (strstr (body, clear_phone));
      if (clear_id_number != NULL)
        g_assert_null (strstr (body, clear_id_number));
      fd_test_assert_no_clear_pii (body, FALSE);
      return;
    }
  g_error ("no %s audit entry by %s for that target and field %s", action, actor, field);
}

static gboolean
id_number_valid (const char *id)
{
  static const int weights[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
  static const char check[] = "10X98765432";
  int sum = 0;

  if (strlen (id) != 18)
    return FALSE;
  for (int i = 0; i < 17; i++)
    {
      if (!g_ascii_isdigit (id[i]))
        return FALSE;
      sum += (id[i] - '0') * weights[i];
    }
  return id[17] == check[sum % 11];
}

static void
test_reveal_phone (FdTestFixture *fx,
                   gconstpointer  data)
{
  g_autofree char *json = reveal_body ("phone", "verify-identity", NULL, NULL);
  g_autoptr(JsonNode) node = NULL;
  const char *masked = field_value (residents->pdata[0], "phone");
  JsonObject *object;
  const char *value;
  guint status;

  node = post (fx, reception, resident_id (0), "reveal", json, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  object = fd_test_get_object (node);
  g_assert_cmpstr (fd_test_get_string (object, "field"), ==, "phone");
  g_assert_cmpint (json_object_get_int_member (object, "expires_in_s"), ==, 30);
  value = fd_test_get_string (object, "value");
  g_assert_true (g_regex_match_simple ("^1[3-9][0-9]{9}$", value, 0, 0));
  g_assert_cmpint (strncmp (value, masked, 3), ==, 0);
  g_assert_true (g_str_has_suffix (value, masked + 7));
  clear_phone = g_strdup (value);

  assert_audited (fx, "reception", "reveal", resident_id (0), "phone", "verify-identity", "allowed");
}

static void
test_reveal_reason (FdTestFixture *fx,
                    gconstpointer  data)
{
  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;

  /* A fresh account: refused reveals may count toward the hourly limit. */
  g_autofree char *username = fd_test_create_user (server, session, "reception", NULL);
  g_autofree char *token = fd_test_login (server, session, username);
  struct { const char *code; const char *text; const char *member; } bad[] = {
    { NULL, NULL, "reason_code" },
    { "because", NULL, "reason_code" },
    { "other", NULL, "reason_text" },
    { "other", "abc", "reason_text" },
    { "other", "四个字符", "reason_text" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *json = reveal_body ("phone", bad[i].code, bad[i].text, NULL);
      g_autoptr(JsonNode) node = NULL;
      g_autofree char *body = NULL;
      guint status;

      g_test_message ("reason_code %s, text %s", bad[i].code, bad[i].text);
      node = post (fx, token, resident_id (1), "reveal", json, &status, &body);
      fd_test_assert_error (status, node, 400, "bad-request", bad[i].member);
      fd_test_assert_no_clear_pii (body, FALSE);
    }

  /* Unknown field. */
  {
    g_autofree char *json = reveal_body ("salary", "refund", NULL, NULL);
    g_autoptr(JsonNode) node = NULL;
    guint status;

    node = post (fx, token, resident_id (1), "reveal", json, &status, NULL);
    fd_test_assert_error (status, node, 400, "bad-request", "field");
  }

  /* "other" with five characters is enough. */
  {
    g_autofree char *json = reveal_body ("phone", "other", "客户来电核对", NULL);
    g_autoptr(JsonNode) node = NULL;
    guint status;

    node = post (fx, token, resident_id (1), "reveal", json, &status, NULL);
    g_assert_cmpuint (status, ==, 200);
    assert_audited (fx, username, "reveal", resident_id (1), "phone", "other", "allowed");
  }
}

static void
test_reveal_id_number (FdTestFixture *fx,
                       gconstpointer  data)
{
  FdTestServer *server = fx->server;
  const char *password = fd_test_server_get_password (server);
  g_autofree char *none = reveal_body ("id_number", "verify-identity", NULL, NULL);
  g_autofree char *wrong = reveal_body ("id_number", "verify-identity", NULL, "not-it-123");
  g_autofree char *right = reveal_body ("id_number", "verify-identity", NULL, password);
  const char *masked = field_value (residents->pdata[0], "id_number");
  g_autoptr(JsonNode) a = NULL;
  g_autoptr(JsonNode) b = NULL;
  g_autoptr(JsonNode) c = NULL;
  g_autofree char *body = NULL;
  const char *value;
  guint status;

  a = post (fx, reception, resident_id (0), "reveal", none, &status, &body);
  fd_test_assert_error (status, a, 401, "reauth-required", NULL);
  fd_test_assert_no_clear_pii (body, FALSE);
  b = post (fx, reception, resident_id (0), "reveal", wrong, &status, NULL);
  fd_test_assert_error (status, b, 401, "reauth-required", NULL);

  /* The session survives a wrong reveal password. */
  c = post (fx, reception, resident_id (0), "reveal", right, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  value = fd_test_get_string (fd_test_get_object (c), "value");
  g_assert_cmpstr (fd_test_get_string (fd_test_get_object (c), "field"), ==, "id_number");
  g_assert_true (id_number_valid (value));
  g_assert_true (g_str_has_suffix (masked, value + 14));
  clear_id_number = g_strdup (value);

  assert_audited (fx, "reception", "reveal", resident_id (0), "id_number", "verify-identity",
                  "allowed");
}

/* Plates: reception reveals them (all of them, clear); finance may not. */
static void
test_reveal_plates (FdTestFixture *fx,
                    gconstpointer  data)
{
  g_autofree char *json = reveal_body ("plates", "verify-identity", NULL, NULL);
  JsonObject *resident = NULL;
  guint index = 0;

  for (guint i = 0; i < residents->len && resident == NULL; i++)
    if (json_array_get_length (json_object_get_array_member (residents->pdata[i], "plates")) > 0
        && i != 3)
      {
        resident = residents->pdata[i];
        index = i;
      }
  g_assert_nonnull (resident);

  {
    g_autoptr(JsonNode) node = NULL;
    g_autofree char *body = NULL;
    JsonArray *masked = json_object_get_array_member (resident, "plates");
    const char *value;
    guint status;

    node = post (fx, reception, resident_id (index), "reveal", json, &status, &body);
    g_assert_cmpuint (status, ==, 200);
    value = fd_test_get_string (fd_test_get_object (node), "value");
    for (guint j = 0; j < json_array_get_length (masked); j++)
      {
        const char *mask = json_object_get_string_member (
          json_array_get_object_element (masked, j), "value");
        g_autofree char *head = g_strndup (mask, g_utf8_offset_to_pointer (mask, 3) - mask);

        /* Each masked plate's visible head is in the clear answer. */
        g_assert_nonnull (strstr (value, head));
      }
    g_assert_null (strchr (value, '*'));
    assert_audited (fx, "reception", "reveal", resident_id (index), "plates", "verify-identity",
                    "allowed");
  }
  {
    g_autoptr(JsonNode) node = NULL;
    guint status;

    node = post (fx, finance, resident_id (index), "reveal", json, &status, NULL);
    fd_test_assert_error (status, node, 403, "forbidden", NULL);
  }
}

static void
test_reveal_denied (FdTestFixture *fx,
                    gconstpointer  data)
{
  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  const char *password = fd_test_server_get_password (server);
  g_autofree char *id_number = reveal_body ("id_number", "refund", NULL, password);
  g_autofree char *address = reveal_body ("home_address", "refund", NULL, NULL);
  g_autofree char *phone = reveal_body ("phone", "emergency-contact", NULL, NULL);
  g_autofree char *desk = fd_test_create_user (server, session, "reception", NULL);
  g_autofree char *desk_token = fd_test_login (server, session, desk);
  struct { const char **token; const char *json; const char *field; const char *actor; } cases[] = {
    { (const char **) &finance, id_number, "id_number", "finance" },
    { (const char **) &finance, address, "home_address", "finance" },
    { (const char **) &desk_token, address, "home_address", desk },
    { (const char **) &patrol, phone, "phone", "patrol" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = NULL;
      g_autofree char *body = NULL;
      guint status;

      g_test_message ("%s reveals %s", cases[i].actor, cases[i].field);
      node = post (fx, *cases[i].token, resident_id (2), "reveal", cases[i].json, &status, &body);
      fd_test_assert_error (status, node, 403, "forbidden", NULL);
      fd_test_assert_no_clear_pii (body, FALSE);
      assert_audited (fx, cases[i].actor, "reveal", resident_id (2), cases[i].field, NULL, "denied");
    }

  /* Malformed calls are refused and audited too, with only what is well
   * formed: every call, allowed or not, is audited (contract). */
  {
    struct { const char *action, *json, *member, *logged; } bad[] = {
      { "reveal", "{\"field\": 5, \"reason_code\": \"verify-identity\"}", "field", NULL },
      { "reveal", "{\"field\": \"name\", \"reason_code\": \"verify-identity\"}", "field",
        "name" },
      { "reveal", "{\"field\": \"phone\", \"reason_code\": 5}", "reason_code", "phone" },
      { "verify", "{\"field\": \"id_number\", \"value\": 5}", "value", "id_number" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autoptr(JsonNode) node = NULL;
        guint status;

        g_test_message ("malformed %s: %s", bad[i].action, bad[i].json);
        node = post (fx, desk_token, resident_id (2), bad[i].action, bad[i].json, &status, NULL);
        fd_test_assert_error (status, node, 400, "bad-request", bad[i].member);
        assert_audited (fx, desk, bad[i].action, resident_id (2), bad[i].logged, NULL, "denied");
      }
  }

  /* Unknown resident. */
  {
    g_autoptr(JsonNode) node = NULL;
    guint status;

    node = post (fx, desk_token, "no-such-resident", "reveal", phone, &status, NULL);
    fd_test_assert_error (status, node, 404, "not-found", NULL);
  }
}

static void
test_reveal_limit (FdTestFixture *fx,
                   gconstpointer  data)
{
  g_autofree char *address = reveal_body ("home_address", "emergency-contact", NULL, NULL);
  g_autofree char *phone = reveal_body ("phone", "emergency-contact", NULL, NULL);
  g_autoptr(JsonNode) node = NULL;
  const char *masked = field_value (residents->pdata[3], "home_address");
  g_autofree char *district = NULL;
  const char *value;
  guint status;

  /* Manager's first reveal: the address, whose district is what the mask shows. */
  node = post (fx, manager, resident_id (3), "reveal", address, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  value = fd_test_get_string (fd_test_get_object (node), "value");
  district = g_strndup (masked, strlen (masked) - 4);
  g_assert_true (g_str_has_prefix (value, district));
  g_assert_cmpuint (strlen (value), >, strlen (masked) - 4);
  assert_audited (fx, "manager", "reveal", resident_id (3), "home_address", "emergency-contact",
                  "allowed");

  for (guint i = 2; i <= 11; i++)
    {
      g_autoptr(JsonNode) answer = NULL;

      g_test_message ("manager reveal %u", i);
      answer = post (fx, manager, resident_id (3 + i), "reveal", phone, &status, NULL);
      if (i <= 10)
        g_assert_cmpuint (status, ==, 200);
      else
        {
          fd_test_assert_error (status, answer, 429, "rate-limited", NULL);
          assert_audited (fx, "manager", "reveal", resident_id (3 + i), "phone", NULL, "denied");
        }
    }
}

static char *
verify_body (const char *field,
             const char *value)
{
  return g_strdup_printf ("{\"field\": \"%s\", \"value\": \"%s\"}", field, value);
}

static void
test_verify (FdTestFixture *fx,
             gconstpointer  data)
{
  g_autofree char *wrong_phone = g_strdup (clear_phone);
  g_autofree char *wrong_id = g_strdup (clear_id_number);
  guint calls = 0;
  struct { const char *field; const char *value; gboolean match; } cases[] = {
    { "phone", clear_phone, TRUE },
    { "phone", wrong_phone, FALSE },
    { "id_number", clear_id_number, TRUE },
    { "id_number", wrong_id, FALSE },
  };

  g_assert_nonnull (clear_phone);
  g_assert_nonnull (clear_id_number);
  wrong_phone[10] = wrong_phone[10] == '0' ? '1' : '0';
  /* Another valid ID: change a birth-order digit and recompute the check. */
  {
    static const int weights[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
    int sum = 0;

    wrong_id[15] = wrong_id[15] == '0' ? '1' : '0';
    for (int i = 0; i < 17; i++)
      sum += (wrong_id[i] - '0') * weights[i];
    wrong_id[17] = "10X98765432"[sum % 11];
    g_assert_true (id_number_valid (wrong_id));
  }

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *json = verify_body (cases[i].field, cases[i].value);
      g_autoptr(JsonNode) node = NULL;
      g_autofree char *body = NULL;
      guint status;

      g_test_message ("verify %s, expect %d", cases[i].field, cases[i].match);
      node = post (fx, reception, resident_id (0), "verify", json, &status, &body);
      calls++;
      g_assert_cmpuint (status, ==, 200);
      g_assert_true (json_object_has_member (fd_test_get_object (node), "match"));
      g_assert_cmpint (json_object_get_boolean_member (fd_test_get_object (node), "match"), ==,
                       cases[i].match);
      /* The answer is yes or no, never a value. */
      g_assert_null (strstr (body, clear_phone));
      g_assert_null (strstr (body, clear_id_number));
      assert_audited (fx, "reception", "verify", resident_id (0), cases[i].field, NULL, "allowed");
    }

  /* Roles that do not see the ID number cannot probe it; patrol sees the
   * phone masked and may verify it. */
  {
    g_autofree char *json = verify_body ("id_number", clear_id_number);
    g_autofree char *phone = verify_body ("phone", clear_phone);
    g_autoptr(JsonNode) a = NULL;
    g_autoptr(JsonNode) b = NULL;
    g_autoptr(JsonNode) c = NULL;
    guint status;

    a = post (fx, patrol, resident_id (0), "verify", json, &status, NULL);
    fd_test_assert_error (status, a, 403, "forbidden", NULL);
    assert_audited (fx, "patrol", "verify", resident_id (0), "id_number", NULL, "denied");
    b = post (fx, finance, resident_id (0), "verify", json, &status, NULL);
    fd_test_assert_error (status, b, 403, "forbidden", NULL);
    c = post (fx, patrol, resident_id (0), "verify", phone, &status, NULL);
    g_assert_cmpuint (status, ==, 200);
    g_assert_true (json_object_get_boolean_member (fd_test_get_object (c), "match"));
  }

  /* Bad requests. */
  {
    const char *bad[][2] = {
      { "{\"field\": \"home_address\", \"value\": \"x\"}", "field" },
      { "{\"field\": \"phone\"}", "value" },
      { "{\"field\": \"phone\", \"value\": 13800138000}", "value" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autoptr(JsonNode) node = NULL;
        guint status;

        node = post (fx, reception, resident_id (0), "verify", bad[i][0], &status, NULL);
        calls++;
        fd_test_assert_error (status, node, 400, "bad-request", bad[i][1]);
      }
  }

  /* 30 calls an hour; bad requests may or may not count, so spend the rest
   * and find the limit between 30 and 31 allowed answers. */
  {
    g_autofree char *json = verify_body ("phone", wrong_phone);
    guint ok = G_N_ELEMENTS (cases);
    gboolean limited = FALSE;

    for (guint i = 0; i < 40 && !limited; i++)
      {
        g_autoptr(JsonNode) node = NULL;
        guint status;

        node = post (fx, reception, resident_id (0), "verify", json, &status, NULL);
        if (status == 200)
          ok++;
        else
          {
            fd_test_assert_error (status, node, 429, "rate-limited", NULL);
            limited = TRUE;
          }
      }
    g_test_message ("verify: %u allowed, %u calls in all before the limit", ok, calls);
    g_assert_true (limited);
    g_assert_cmpuint (ok, <=, 30);
    g_assert_cmpuint (ok, >=, 30 - 3);
    assert_audited (fx, "reception", "verify", resident_id (0), "phone", NULL, "denied");
  }
}

static void
test_freeze (FdTestFixture *fx,
             gconstpointer  data)
{
  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  g_autofree char *phone = reveal_body ("phone", "refund", NULL, NULL);
  g_autoptr(JsonNode) state = NULL;
  g_autoptr(JsonNode) frozen = NULL;
  g_autoptr(JsonNode) refused = NULL;
  g_autoptr(JsonNode) export = NULL;
  g_autoptr(JsonNode) thawed = NULL;
  g_autoptr(JsonNode) allowed = NULL;
  g_autoptr(JsonNode) forbidden = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *export_path = g_strdup_printf ("/api/v1/visitors/export?date=%s", today);
  g_autofree char *auditor = fd_test_login (server, session, "auditor");
  g_autofree char *cashier = fd_test_create_user (server, session, "finance", NULL);
  g_autofree char *cashier_token = fd_test_login (server, session, cashier);
  JsonObject *object;
  guint status;

  state = fd_test_request (server, session, "GET", "/api/v1/incident", auditor, NULL, &status,
                           NULL);
  g_assert_cmpuint (status, ==, 200);
  g_assert_false (json_object_get_boolean_member (fd_test_get_object (state), "frozen"));

  forbidden = fd_test_request (server, session, "PUT", "/api/v1/incident", reception,
                               "{\"frozen\": true}", &status, NULL);
  fd_test_assert_error (status, forbidden, 403, "forbidden", NULL);
  g_clear_pointer (&forbidden, json_node_unref);
  forbidden = fd_test_request (server, session, "GET", "/api/v1/incident", reception, NULL,
                               &status, NULL);
  fd_test_assert_error (status, forbidden, 403, "forbidden", NULL);
  g_clear_pointer (&forbidden, json_node_unref);
  forbidden = fd_test_request (server, session, "PUT", "/api/v1/incident", auditor,
                               "{\"frozen\": true}", &status, NULL);
  fd_test_assert_error (status, forbidden, 403, "forbidden", NULL);

  frozen = fd_test_request (server, session, "PUT", "/api/v1/incident", manager,
                            "{\"frozen\": true}", &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  object = fd_test_get_object (frozen);
  g_assert_true (json_object_get_boolean_member (object, "frozen"));
  g_assert_cmpstr (fd_test_get_string (object, "by"), ==, "manager");
  fd_test_get_string (object, "since");

  refused = post (fx, cashier_token, resident_id (20), "reveal", phone, &status, NULL);
  fd_test_assert_error (status, refused, 403, "forbidden", NULL);
  g_assert_cmpstr (json_object_get_string_member_with_default (
                     fd_test_get_object_member (fd_test_get_object (refused), "error"),
                     "detail", NULL), ==, "incident-freeze");
  assert_audited (fx, cashier, "reveal", resident_id (20), "phone", NULL, "denied");

  export = fd_test_request (server, session, "GET", export_path, manager, NULL, &status, NULL);
  fd_test_assert_error (status, export, 403, "forbidden", NULL);

  thawed = fd_test_request (server, session, "PUT", "/api/v1/incident", manager,
                            "{\"frozen\": false}", &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  g_assert_false (json_object_get_boolean_member (fd_test_get_object (thawed), "frozen"));

  allowed = post (fx, cashier_token, resident_id (20), "reveal", phone, &status, NULL);
  g_assert_cmpuint (status, ==, 200);

  {
    g_autofree char *body = NULL;
    g_autoptr(GPtrArray) changes = audit_entries (fx, "manager", "policy-change", &body);

    g_assert_cmpuint (changes->len, >=, 2);
  }
}

int
main (int   argc,
      char *argv[])
{
  FdTestServer *server;
  SoupSession *session;
  int ret;

  g_test_init (&argc, &argv, NULL);

  server = fd_test_server_start (NULL);
  session = fd_test_server_new_session (server);
  reception = fd_test_login (server, session, "reception");
  manager = fd_test_login (server, session, "manager");
  finance = fd_test_login (server, session, "finance");
  patrol = fd_test_login (server, session, "patrol");
  residents = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  {
    g_autoptr(GPtrArray) list = fd_test_fetch_all (server, session, reception,
                                                   "/api/v1/residents?limit=30");
    /* Details (id_number, home_address) of the first 30. */
    for (guint i = 0; i < 30; i++)
      {
        g_autofree char *path = g_strdup_printf ("/api/v1/residents/%s",
                                                 json_object_get_string_member (list->pdata[i],
                                                                                "id"));
        g_autoptr(JsonNode) node = NULL;
        guint status;

        node = fd_test_request (server, session, "GET", path, i == 3 ? manager : reception,
                                NULL, &status, NULL);
        g_assert_cmpuint (status, ==, 200);
        g_ptr_array_add (residents, json_object_ref (fd_test_get_object (node)));
      }
  }

  fd_test_add ("/fd/server/reveal/phone", server, test_reveal_phone);
  fd_test_add ("/fd/server/reveal/reason", server, test_reveal_reason);
  fd_test_add ("/fd/server/reveal/id-number", server, test_reveal_id_number);
  fd_test_add ("/fd/server/reveal/plates", server, test_reveal_plates);
  fd_test_add ("/fd/server/reveal/denied", server, test_reveal_denied);
  fd_test_add ("/fd/server/reveal/limit", server, test_reveal_limit);
  fd_test_add ("/fd/server/reveal/verify", server, test_verify);
  fd_test_add ("/fd/server/reveal/freeze", server, test_freeze);

  ret = g_test_run ();

  g_clear_pointer (&residents, g_ptr_array_unref);
  if (clear_phone != NULL)
    explicit_bzero (clear_phone, strlen (clear_phone));
  if (clear_id_number != NULL)
    explicit_bzero (clear_id_number, strlen (clear_id_number));
  g_free (clear_phone);
  g_free (clear_id_number);
  g_free (reception);
  g_free (manager);
  g_free (finance);
  g_free (patrol);
  g_clear_object (&session);
  fd_test_server_stop (server);
  return ret;
}
