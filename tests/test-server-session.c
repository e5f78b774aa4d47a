/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests sign-in, lock, unlock, sign-out and account changes. */

/* test-server-session.c — sign-in, lock, unlock, logout and account changes
 *
 * One server; each case works on accounts of its own (created through the
 * admin API) so that lockouts and ended sessions stay inside the case.
 */

#include "config.h"

#include <string.h>

#include "fd-test-server.h"

static char *
login_body (const char *username,
            const char *password)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, username);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  json_builder_set_member_name (builder, "workstation");
  json_builder_add_string_value (builder, "fd-test");
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  return json_to_string (node, FALSE);
}

static JsonNode *
login (FdTestFixture  *fx,
       const char     *username,
       const char     *password,
       guint          *status,
       char          **body)
{
  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  g_autofree char *json = login_body (username, password);

  return fd_test_request (server, session, "POST", "/api/v1/session", NULL, json, status, body);
}

static const char *
error_member (JsonNode   *node,
              const char *member)
{
  JsonObject *error = fd_test_get_object_member (fd_test_get_object (node), "error");

  g_assert_nonnull (error);
  return json_object_get_string_member_with_default (error, member, NULL);
}

/* Asserts that @token is refused with 401 unauthenticated and @reason. */
static void
assert_token_dead (FdTestFixture *fx,
                   const char    *token,
                   const char    *reason)
{
  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  g_autoptr(JsonNode) node = NULL;
  guint status;

  node = fd_test_request (server, session, "GET", "/api/v1/session", token, NULL, &status, NULL);
  fd_test_assert_error (status, node, 401, "unauthenticated", NULL);
  if (reason != NULL)
    g_assert_cmpstr (error_member (node, "reason"), ==, reason);
}

static guint
get_status (FdTestFixture *fx,
            const char    *path,
            const char    *token)
{
  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  g_autoptr(JsonNode) node = NULL;
  guint status;

  node = fd_test_request (server, session, "GET", path, token, NULL, &status, NULL);
  return status;
}

static gboolean
is_utc_time (const char *text)
{
  return g_regex_match_simple ("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z$",
                               text, 0, 0);
}

static void
test_answer (FdTestFixture *fx,
             gconstpointer  data)
{
  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  g_autofree char *username = fd_test_create_user (server, session, "reception", NULL);
  g_autoptr(JsonNode) first = NULL;
  g_autoptr(JsonNode) second = NULL;
  g_autoptr(JsonNode) current = NULL;
  g_autoptr(GDateTime) expires = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  JsonObject *object, *user, *policy;
  const char *token;
  guint status;

  first = login (fx, username, fd_test_server_get_password (server), &status, NULL);
  g_assert_cmpuint (status, ==, 201);
  object = fd_test_get_object (first);
  token = fd_test_get_string (object, "token");
  /* ≥ 128 random bits in any common encoding. */
  g_assert_cmpuint (strlen (token), >=, 22);
  g_assert_true (is_utc_time (fd_test_get_string (object, "expires_at")));
  expires = g_date_time_new_from_iso8601 (fd_test_get_string (object, "expires_at"), NULL);
  g_assert_nonnull (expires);
  g_assert_cmpint (g_date_time_difference (expires, now), >, 0);
  g_assert_cmpint (g_date_time_difference (expires, now), <=, 12 * G_TIME_SPAN_HOUR);

  user = fd_test_get_object_member (object, "user");
  g_assert_nonnull (user);
  fd_test_get_string (user, "id");
  g_assert_cmpstr (fd_test_get_string (user, "username"), ==, username);
  fd_test_get_string (user, "display_name");
  g_assert_cmpstr (fd_test_get_string (user, "role"), ==, "reception");

  policy = fd_test_get_object_member (object, "policy");
  g_assert_nonnull (policy);
  g_assert_cmpint (json_object_get_int_member (policy, "lock_after_s"), ==, 300);
  g_assert_cmpint (json_object_get_int_member (policy, "idle_timeout_s"), ==, 900);
  g_assert_cmpint (json_object_get_int_member (policy, "max_age_s"), ==, 36000);
  g_assert_cmpint (json_object_get_int_member (policy, "reveal_window_s"), ==, 30);
  g_assert_true (json_object_has_member (policy, "watermark"));
  g_assert_true (json_object_get_boolean_member (policy, "watermark"));

  current = fd_test_request (server, session, "GET", "/api/v1/session", token, NULL, &status,
                             NULL);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (fd_test_get_string (fd_test_get_object_member (fd_test_get_object (current),
                                                                  "user"), "username"), ==,
                   username);
  g_assert_nonnull (fd_test_get_object_member (fd_test_get_object (current), "policy"));
  g_assert_false (json_object_has_member (fd_test_get_object (current), "token"));

  second = login (fx, username, fd_test_server_get_password (server), &status, NULL);
  g_assert_cmpuint (status, ==, 201);
  g_assert_cmpstr (fd_test_get_string (fd_test_get_object (second), "token"), !=, token);
}

static void
test_bad_credentials (FdTestFixture *fx,
                      gconstpointer  data)
{
  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  g_autofree char *username = fd_test_create_user (server, session, "reception", NULL);
  g_autofree char *wrong_body = NULL;
  g_autofree char *unknown_body = NULL;
  g_autoptr(JsonNode) wrong = NULL;
  g_autoptr(JsonNode) unknown = NULL;
  g_autoptr(JsonNode) empty = NULL;
  guint status;

  wrong = login (fx, username, "not-the-password", &status, &wrong_body);
  fd_test_assert_error (status, wrong, 401, "bad-credentials", NULL);
  unknown = login (fx, "nobody-here", "not-the-password", &status, &unknown_body);
  fd_test_assert_error (status, unknown, 401, "bad-credentials", NULL);
  /* Byte for byte the same: no user enumeration. */
  g_assert_cmpstr (wrong_body, ==, unknown_body);
  g_assert_null (strstr (wrong_body, username));

  empty = login (fx, username, "", &status, NULL);
  g_assert_true (status == 400 || status == 401);
  g_assert_cmpuint (status, !=, 201);

  /* Audited as login-failed. */
  {
    g_autofree char *manager = fd_test_login (server, session, "manager");
    g_autofree char *path = g_strdup_printf ("/api/v1/audit?actor=%s&limit=20", username);
    g_autofree char *body = NULL;
    g_autoptr(JsonNode) audit = NULL;
    JsonArray *items;
    gboolean failed = FALSE;

    audit = fd_test_request (server, session, "GET", path, manager, NULL, &status, &body);
    g_assert_cmpuint (status, ==, 200);
    items = json_object_get_array_member (fd_test_get_object (audit), "items");
    for (guint i = 0; i < json_array_get_length (items); i++)
      {
        JsonObject *item = json_array_get_object_element (items, i);

        if (g_str_equal (fd_test_get_string (item, "action"), "login-failed"))
          failed = TRUE;
      }
    g_assert_true (failed);
    g_assert_null (strstr (body, "not-the-password"));
    g_assert_null (strstr (body, fd_test_server_get_password (server)));
  }
}

static void
test_logout (FdTestFixture *fx,
             gconstpointer  data)
{
  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  g_autofree char *username = fd_test_create_user (server, session, "reception", NULL);
  g_autofree char *token = fd_test_login (server, session, username);
  g_autofree char *other = fd_test_login (server, session, username);
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *body = NULL;
  guint status;

  g_assert_cmpuint (get_status (fx, "/api/v1/residents?limit=1", token), ==, 200);
  node = fd_test_request (server, session, "DELETE", "/api/v1/session", token, NULL, &status,
                          &body);
  g_assert_cmpuint (status, ==, 204);
  g_assert_cmpstr (body, ==, "");
  assert_token_dead (fx, token, "signed-out");
  g_assert_cmpuint (get_status (fx, "/api/v1/residents?limit=1", token), ==, 401);

  g_clear_pointer (&node, json_node_unref);
  node = fd_test_request (server, session, "DELETE", "/api/v1/session", token, NULL, &status,
                          NULL);
  fd_test_assert_error (status, node, 401, "unauthenticated", NULL);

  /* Only that session ends. */
  g_assert_cmpuint (get_status (fx, "/api/v1/residents?limit=1", other), ==, 200);
}

static char *
unlock (FdTestFixture  *fx,
        const char     *token,
        const char     *password,
        guint          *status,
        JsonNode      **answer)
{
  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) request = NULL;
  g_autofree char *json = NULL;
  JsonNode *node;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  json_builder_end_object (builder);
  request = json_builder_get_root (builder);
  json = json_to_string (request, FALSE);

  node = fd_test_request (server, session, "POST", "/api/v1/session/unlock", token, json,
                          status, NULL);
  *answer = node;
  if (*status != 200)
    return NULL;
  return g_strdup (fd_test_get_string (fd_test_get_object (node), "token"));
}

static void
test_lock_unlock (FdTestFixture *fx,
                  gconstpointer  data)
{
  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  g_autofree char *username = fd_test_create_user (server, session, "reception", NULL);
  g_autofree char *token = fd_test_login (server, session, username);
  g_autofree char *fresh = NULL;
  g_autoptr(JsonNode) locked = NULL;
  g_autoptr(JsonNode) refused = NULL;
  g_autoptr(JsonNode) answer = NULL;
  guint status;

  locked = fd_test_request (server, session, "POST", "/api/v1/session/lock", token, NULL,
                            &status, NULL);
  g_assert_cmpuint (status, ==, 204);

  refused = fd_test_request (server, session, "GET", "/api/v1/residents?limit=1", token, NULL,
                             &status, NULL);
  fd_test_assert_error (status, refused, 401, "reauth-required", NULL);
  g_assert_cmpuint (get_status (fx, "/api/v1/visitors", token), ==, 401);
  /* GET /session still answers while locked. */
  g_assert_cmpuint (get_status (fx, "/api/v1/session", token), ==, 200);

  fresh = unlock (fx, token, fd_test_server_get_password (server), &status, &answer);
  g_assert_cmpuint (status, ==, 200);
  g_assert_nonnull (fresh);
  g_assert_cmpstr (fresh, !=, token);
  assert_token_dead (fx, token, "signed-out");
  g_assert_cmpuint (get_status (fx, "/api/v1/residents?limit=1", fresh), ==, 200);

  /* Signing out works while locked. */
  {
    g_autofree char *other = fd_test_login (server, session, username);
    g_autoptr(JsonNode) lock = NULL;
    g_autoptr(JsonNode) out = NULL;

    lock = fd_test_request (server, session, "POST", "/api/v1/session/lock", other, NULL,
                            &status, NULL);
    g_assert_cmpuint (status, ==, 204);
    out = fd_test_request (server, session, "DELETE", "/api/v1/session", other, NULL, &status,
                           NULL);
    g_assert_cmpuint (status, ==, 204);
    assert_token_dead (fx, other, "signed-out");
  }

  /* Audited as lock and unlock. */
  {
    g_autofree char *manager = fd_test_login (server, session, "manager");
    g_autofree char *path = g_strdup_printf ("/api/v1/audit?actor=%s&limit=50", username);
    g_autoptr(JsonNode) audit = NULL;
    JsonArray *items;
    gboolean saw_lock = FALSE, saw_unlock = FALSE;

    audit = fd_test_request (server, session, "GET", path, manager, NULL, &status, NULL);
    g_assert_cmpuint (status, ==, 200);
    items = json_object_get_array_member (fd_test_get_object (audit), "items");
    for (guint i = 0; i < json_array_get_length (items); i++)
      {
        const char *action = json_object_get_string_member (
          json_array_get_object_element (items, i), "action");

        saw_lock |= g_str_equal (action, "lock");
        saw_unlock |= g_str_equal (action, "unlock");
      }
    g_assert_true (saw_lock);
    g_assert_true (saw_unlock);
  }
}

static void
test_unlock_failures (FdTestFixture *fx,
                      gconstpointer  data)
{
  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  g_autofree char *username = fd_test_create_user (server, session, "reception", NULL);
  g_autofree char *token = fd_test_login (server, session, username);
  gint64 last_left = G_MAXINT64;
  gboolean ended = FALSE;

  for (guint i = 1; i <= 5; i++)
    {
      g_autoptr(JsonNode) answer = NULL;
      g_autofree char *fresh = NULL;
      guint status;

      fresh = unlock (fx, token, "wrong-password", &status, &answer);
      g_assert_null (fresh);
      g_assert_cmpuint (status, ==, 401);
      if (g_strcmp0 (error_member (answer, "code"), "bad-credentials") == 0)
        {
          JsonObject *error = fd_test_get_object_member (fd_test_get_object (answer), "error");

          g_assert_true (json_object_has_member (error, "attempts_left"));
          g_assert_cmpint (json_object_get_int_member (error, "attempts_left"), <, last_left);
          g_assert_cmpint (json_object_get_int_member (error, "attempts_left"), ==, 5 - i);
          last_left = json_object_get_int_member (error, "attempts_left");
        }
      else
        {
          g_assert_cmpuint (i, ==, 5);
          fd_test_assert_error (status, answer, 401, "unauthenticated", NULL);
          ended = TRUE;
        }
    }
  (void) ended;
  assert_token_dead (fx, token, "unlock-failures");

  /* The right password no longer helps that session. */
  {
    g_autoptr(JsonNode) answer = NULL;
    g_autofree char *fresh = NULL;
    guint status;

    fresh = unlock (fx, token, fd_test_server_get_password (server), &status, &answer);
    g_assert_null (fresh);
    fd_test_assert_error (status, answer, 401, "unauthenticated", NULL);
  }
  /* The account itself is not locked: a new sign-in works. */
  g_free (fd_test_login (server, session, username));
}

static char *
admin_token (FdTestFixture *fx)
{
  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;

  return fd_test_login (server, session, "admin");
}

static void
patch_user (FdTestFixture *fx,
            const char    *id,
            const char    *json,
            guint          expected)
{
  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  g_autofree char *admin = admin_token (fx);
  g_autofree char *path = g_strdup_printf ("/api/v1/users/%s", id);
  g_autoptr(JsonNode) node = NULL;
  guint status;

  node = fd_test_request (server, session, "PATCH", path, admin, json, &status, NULL);
  g_assert_cmpuint (status, ==, expected);
}

static void
test_failed_logins (FdTestFixture *fx,
                    gconstpointer  data)
{
  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  g_autofree char *id = NULL;
  g_autofree char *username = fd_test_create_user (server, session, "finance", &id);
  const char *password = fd_test_server_get_password (server);

  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(JsonNode) node = NULL;
      guint status;

      node = login (fx, username, "wrong-password", &status, NULL);
      fd_test_assert_error (status, node, 401, "bad-credentials", NULL);
    }

  /* Locked: the wrong password and the right one both get 423 (contract
   * v1.1: the lock answers nothing about the password). */
  {
    g_autoptr(JsonNode) wrong = NULL;
    g_autoptr(JsonNode) right = NULL;
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_autoptr(GDateTime) until = NULL;
    JsonObject *error;
    guint status;

    wrong = login (fx, username, "wrong-password", &status, NULL);
    fd_test_assert_error (status, wrong, 423, "account-locked", NULL);
    right = login (fx, username, password, &status, NULL);
    fd_test_assert_error (status, right, 423, "account-locked", NULL);
    error = fd_test_get_object_member (fd_test_get_object (right), "error");
    g_assert_true (is_utc_time (fd_test_get_string (error, "locked_until")));
    until = g_date_time_new_from_iso8601 (fd_test_get_string (error, "locked_until"), NULL);
    g_assert_cmpint (g_date_time_difference (until, now), >, 13 * G_TIME_SPAN_MINUTE);
    g_assert_cmpint (g_date_time_difference (until, now), <=, 16 * G_TIME_SPAN_MINUTE);
  }

  /* An alert for the manager. */
  {
    g_autofree char *manager = fd_test_login (server, session, "manager");
    g_autoptr(JsonNode) alerts = NULL;
    JsonArray *items;
    gboolean found = FALSE;
    guint status;

    alerts = fd_test_request (server, session, "GET", "/api/v1/alerts", manager, NULL, &status,
                              NULL);
    g_assert_cmpuint (status, ==, 200);
    items = json_object_get_array_member (fd_test_get_object (alerts), "items");
    for (guint i = 0; i < json_array_get_length (items); i++)
      {
        JsonObject *item = json_array_get_object_element (items, i);

        if (g_str_equal (fd_test_get_string (item, "kind"), "failed-logins")
            && g_strcmp0 (json_object_get_string_member_with_default (item, "actor", NULL),
                          username) == 0)
          found = TRUE;
      }
    g_assert_true (found);
  }

  /* An admin lifts the lock. */
  patch_user (fx, id, "{\"locked\": false}", 200);
  g_free (fd_test_login (server, session, username));
}

static void
test_disable (FdTestFixture *fx,
              gconstpointer  data)
{
  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  g_autofree char *id = NULL;
  g_autofree char *username = fd_test_create_user (server, session, "reception", &id);
  g_autofree char *token = fd_test_login (server, session, username);
  const char *password = fd_test_server_get_password (server);
  g_autoptr(JsonNode) right = NULL;
  g_autoptr(JsonNode) wrong = NULL;
  g_autoptr(JsonNode) users = NULL;
  g_autofree char *admin = admin_token (fx);
  JsonArray *items;
  gboolean listed = FALSE;
  guint status;

  patch_user (fx, id, "{\"disabled\": true}", 200);
  assert_token_dead (fx, token, "disabled");

  right = login (fx, username, password, &status, NULL);
  fd_test_assert_error (status, right, 403, "account-disabled", NULL);
  wrong = login (fx, username, "wrong-password", &status, NULL);
  fd_test_assert_error (status, wrong, 401, "bad-credentials", NULL);

  users = fd_test_request (server, session, "GET", "/api/v1/users", admin, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  items = json_object_get_array_member (fd_test_get_object (users), "items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);

      g_assert_false (json_object_has_member (item, "password"));
      g_assert_false (json_object_has_member (item, "password_hash"));
      if (g_str_equal (fd_test_get_string (item, "username"), username))
        {
          g_assert_cmpstr (fd_test_get_string (item, "id"), ==, id);
          g_assert_true (json_object_get_boolean_member (item, "disabled"));
          listed = TRUE;
        }
    }
  g_assert_true (listed);

  patch_user (fx, id, "{\"disabled\": false}", 200);
  g_free (fd_test_login (server, session, username));

  /* Account changes are audited, with the account's id as the target. */
  {
    g_autofree char *manager = fd_test_login (server, session, "manager");
    g_autoptr(JsonNode) audit = NULL;
    JsonArray *entries;
    guint changes = 0;

    audit = fd_test_request (server, session, "GET",
                             "/api/v1/audit?actor=admin&action=account-change&limit=100",
                             manager, NULL, &status, NULL);
    g_assert_cmpuint (status, ==, 200);
    entries = json_object_get_array_member (fd_test_get_object (audit), "items");
    for (guint i = 0; i < json_array_get_length (entries); i++)
      {
        JsonObject *item = json_array_get_object_element (entries, i);
        JsonNode *target = json_object_get_member (item, "target");

        if (target != NULL && !JSON_NODE_HOLDS_NULL (target)
            && g_strcmp0 (json_node_get_string (target), id) == 0)
          changes++;
      }
    /* Created, disabled, enabled. */
    g_assert_cmpuint (changes, >=, 3);
  }
}

static void
test_role_change (FdTestFixture *fx,
                  gconstpointer  data)
{
  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  g_autofree char *id = NULL;
  g_autofree char *username = fd_test_create_user (server, session, "patrol", &id);
  g_autofree char *token = fd_test_login (server, session, username);
  g_autofree char *again = NULL;
  g_autoptr(JsonNode) node = NULL;
  guint status;

  patch_user (fx, id, "{\"role\": \"reception\"}", 200);
  assert_token_dead (fx, token, "role-changed");

  again = fd_test_login (server, session, username);
  node = fd_test_request (server, session, "GET", "/api/v1/session", again, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (fd_test_get_string (fd_test_get_object_member (fd_test_get_object (node),
                                                                  "user"), "role"), ==,
                   "reception");
}

static void
test_admin_only (FdTestFixture *fx,
                 gconstpointer  data)
{
  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  g_autofree char *reception = fd_test_login (server, session, "reception");
  g_autofree char *manager = fd_test_login (server, session, "manager");
  g_autofree char *admin = admin_token (fx);
  g_autofree char *id = NULL;
  g_autofree char *username = fd_test_create_user (server, session, "patrol", &id);
  g_autofree char *path = g_strdup_printf ("/api/v1/users/%s", id);
  const char *tokens[] = { reception, manager };

  for (guint i = 0; i < G_N_ELEMENTS (tokens); i++)
    {
      g_autoptr(JsonNode) a = NULL;
      g_autoptr(JsonNode) b = NULL;
      g_autoptr(JsonNode) c = NULL;
      guint status;

      a = fd_test_request (server, session, "GET", "/api/v1/users", tokens[i], NULL, &status,
                           NULL);
      fd_test_assert_error (status, a, 403, "forbidden", NULL);
      b = fd_test_request (server, session, "PATCH", path, tokens[i], "{\"role\": \"manager\"}",
                           &status, NULL);
      fd_test_assert_error (status, b, 403, "forbidden", NULL);
      c = fd_test_request (server, session, "POST", "/api/v1/users", tokens[i],
                           "{\"username\": \"x1\", \"display_name\": \"x\", \"role\": \"admin\","
                           " \"password\": \"Passw0rd-long-enough\"}", &status, NULL);
      fd_test_assert_error (status, c, 403, "forbidden", NULL);
    }

  /* Bad input from the admin. */
  {
    g_autoptr(JsonNode) a = NULL;
    g_autoptr(JsonNode) b = NULL;
    g_autoptr(JsonNode) c = NULL;
    guint status;

    a = fd_test_request (server, session, "PATCH", path, admin, "{\"role\": \"superuser\"}",
                         &status, NULL);
    fd_test_assert_error (status, a, 400, "bad-request", "role");
    b = fd_test_request (server, session, "POST", "/api/v1/users", admin,
                         "{\"username\": \"x2\", \"display_name\": \"x\", \"role\": \"root\","
                         " \"password\": \"Passw0rd-long-enough\"}", &status, NULL);
    fd_test_assert_error (status, b, 400, "bad-request", "role");
    c = fd_test_request (server, session, "PATCH", "/api/v1/users/no-such-user", admin,
                         "{\"disabled\": true}", &status, NULL);
    fd_test_assert_error (status, c, 404, "not-found", NULL);
  }
}

static void
test_garbage_tokens (FdTestFixture *fx,
                     gconstpointer  data)
{
  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  const char *headers[] = { "Bearer", "Bearer ", "Bearer x", "Basic YWRtaW46YWRtaW4=",
                            "bearer AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                            "Bearer AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" };

  for (guint i = 0; i < G_N_ELEMENTS (headers); i++)
    {
      FdTestRequest request = { .method = "GET", .path = "/api/v1/residents",
                                .authorization = headers[i] };
      g_autoptr(JsonNode) node = NULL;
      g_autoptr(GError) error = NULL;
      guint status;

      g_test_message ("Authorization header %u", i);
      node = fd_test_request_full (server, session, &request, &status, NULL, &error);
      g_assert_no_error (error);
      fd_test_assert_error (status, node, 401, "unauthenticated", NULL);
    }
}

/* --lock-after and --reveal-window reach the session policy and reveal. */
static void
test_policy_flags (FdTestFixture *fx,
                   gconstpointer  data)
{
  const char * const args[] = { "--lock-after", "60", "--reveal-window", "10", NULL };
  FdTestServerOptions options = { .residents = 20, .extra_args = args };
  g_autoptr(FdTestServer) other = fd_test_server_start (&options);
  g_autoptr(SoupSession) other_session = fd_test_server_new_session (other);
  g_autofree char *token = fd_test_login (other, other_session, "reception");
  g_autoptr(JsonNode) current = NULL;
  g_autoptr(JsonNode) list = NULL;
  g_autoptr(JsonNode) revealed = NULL;
  g_autofree char *path = NULL;
  JsonObject *policy;
  guint status;

  current = fd_test_request (other, other_session, "GET", "/api/v1/session", token, NULL,
                             &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  policy = fd_test_get_object_member (fd_test_get_object (current), "policy");
  g_assert_cmpint (json_object_get_int_member (policy, "lock_after_s"), ==, 60);
  g_assert_cmpint (json_object_get_int_member (policy, "reveal_window_s"), ==, 10);

  list = fd_test_request (other, other_session, "GET", "/api/v1/residents?limit=1", token, NULL,
                          &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  path = g_strdup_printf ("/api/v1/residents/%s/reveal",
                          json_object_get_string_member (json_array_get_object_element (
                            json_object_get_array_member (fd_test_get_object (list), "items"),
                            0), "id"));
  revealed = fd_test_request (other, other_session, "POST", path, token,
                              "{\"field\": \"phone\", \"reason_code\": \"refund\"}", &status,
                              NULL);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (fd_test_get_object (revealed), "expires_in_s"),
                   ==, 10);
}

int
main (int   argc,
      char *argv[])
{
  FdTestServer *server;
  int ret;

  g_test_init (&argc, &argv, NULL);

  server = fd_test_server_start (NULL);

  fd_test_add ("/fd/server/session/answer", server, test_answer);
  fd_test_add ("/fd/server/session/bad-credentials", server, test_bad_credentials);
  fd_test_add ("/fd/server/session/logout", server, test_logout);
  fd_test_add ("/fd/server/session/lock-unlock", server, test_lock_unlock);
  fd_test_add ("/fd/server/session/unlock-failures", server, test_unlock_failures);
  fd_test_add ("/fd/server/session/failed-logins", server, test_failed_logins);
  fd_test_add ("/fd/server/session/disable", server, test_disable);
  fd_test_add ("/fd/server/session/role-change", server, test_role_change);
  fd_test_add ("/fd/server/session/admin-only", server, test_admin_only);
  fd_test_add ("/fd/server/session/garbage-tokens", server, test_garbage_tokens);
  fd_test_add ("/fd/server/session/policy-flags", server, test_policy_flags);

  ret = g_test_run ();

  fd_test_server_stop (server);
  return ret;
}
