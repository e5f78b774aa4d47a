/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Self-service password change (pwchange): POST /account/password, the
 * one-time mark of passwords the server made, and the limit on wrong
 * current passwords (sign-in's per-name counter, taken before the check). */

#include "config.h"

#include <string.h>

#include "fd-test-together.h"

#define CHANGE "/api/v1/account/password"
#define WRONG_TEXT "password change refused: wrong current password"

static JsonNode *
call (FdTestFixture *fx,
      const char    *method,
      const char    *path,
      const char    *token,
      const char    *json,
      guint         *status)
{
  return fd_test_request (fx->server, fx->session, method, path, token, json, status, NULL);
}

static char *
json_pair (const char *a,
           const char *a_value,
           const char *b,
           const char *b_value)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, a);
  json_builder_add_string_value (builder, a_value);
  json_builder_set_member_name (builder, b);
  json_builder_add_string_value (builder, b_value);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

/* Signs in; returns the answer (status in *@status). */
static JsonNode *
sign_in (FdTestFixture *fx,
         const char    *username,
         const char    *password,
         guint         *status)
{
  g_autofree char *json = json_pair ("username", username, "password", password);

  return call (fx, "POST", "/api/v1/session", NULL, json, status);
}

static char *
sign_in_token (FdTestFixture *fx,
               const char    *username,
               const char    *password,
               gboolean      *change_required)
{
  g_autoptr(JsonNode) node = NULL;
  guint status;

  node = sign_in (fx, username, password, &status);
  g_assert_cmpuint (status, ==, 201);
  if (change_required != NULL)
    *change_required = json_object_get_boolean_member (fd_test_get_object (node),
                                                       "password_change_required");
  return g_strdup (fd_test_get_string (fd_test_get_object (node), "token"));
}

static JsonNode *
change (FdTestFixture *fx,
        const char    *token,
        const char    *current,
        const char    *new_password,
        guint         *status)
{
  g_autofree char *json = json_pair ("current_password", current, "new_password", new_password);

  return call (fx, "POST", CHANGE, token, json, status);
}

static const char *
error_reason (JsonNode *node)
{
  return json_object_get_string_member (
    fd_test_get_object_member (fd_test_get_object (node), "error"), "reason");
}

static void
assert_token_dead (FdTestFixture *fx,
                   const char    *token,
                   const char    *reason)
{
  g_autoptr(JsonNode) node = NULL;
  guint status;

  node = call (fx, "GET", "/api/v1/session", token, NULL, &status);
  fd_test_assert_error (status, node, 401, "unauthenticated", NULL);
  g_assert_cmpstr (error_reason (node), ==, reason);
}

/* GET /session: asserts 200 and returns password_change_required. */
static gboolean
session_change_required (FdTestFixture *fx,
                         const char    *token)
{
  g_autoptr(JsonNode) node = NULL;
  guint status;

  node = call (fx, "GET", "/api/v1/session", token, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  return json_object_get_boolean_member (fd_test_get_object (node), "password_change_required");
}

/* A new reception account created without a password: its username,
 * id (*@id) and one-time password (*@one_time). */
static char *
create_one_time (FdTestFixture *fx,
                 const char    *admin,
                 char         **id,
                 char         **one_time)
{
  g_autofree char *username = g_strdup_printf ("pw-%u", g_random_int_range (100000, 999999));
  g_autofree char *body = NULL;
  g_autoptr(JsonNode) node = NULL;
  guint status;

  body = g_strdup_printf ("{\"username\": \"%s\", \"display_name\": \"改密 Change\", "
                          "\"role\": \"reception\"}", username);
  node = call (fx, "POST", "/api/v1/users", admin, body, &status);
  g_assert_cmpuint (status, ==, 201);
  *one_time = g_strdup (fd_test_get_string (fd_test_get_object (node), "password"));
  *id = g_strdup (fd_test_get_string (fd_test_get_object_member (fd_test_get_object (node),
                                                                 "user"), "id"));
  return g_steal_pointer (&username);
}

/* Every account-change entry of @target with @outcome, as one text (the
 * whole answer of /audit in *@raw, to look for passwords in). */
static GPtrArray *
account_changes (FdTestFixture *fx,
                 const char    *target,
                 const char    *outcome,
                 char         **raw)
{
  g_autofree char *auditor = fd_test_login (fx->server, fx->session, "auditor");
  g_autoptr(JsonNode) node = NULL;
  GPtrArray *texts = g_ptr_array_new_with_free_func (g_free);
  JsonArray *items;
  guint status;

  node = fd_test_request (fx->server, fx->session, "GET",
                          "/api/v1/audit?action=account-change&limit=100", auditor, NULL,
                          &status, raw);
  g_assert_cmpuint (status, ==, 200);
  items = json_object_get_array_member (fd_test_get_object (node), "items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (item, "target", NULL),
                     target) == 0 &&
          g_strcmp0 (json_object_get_string_member (item, "outcome"), outcome) == 0)
        g_ptr_array_add (texts, g_strdup (json_object_get_string_member_with_default (
                                            item, "reason_text", "")));
    }
  return texts;
}

static guint
count_text (GPtrArray  *texts,
            const char *text)
{
  guint n = 0;

  for (guint i = 0; i < texts->len; i++)
    n += g_str_equal (g_ptr_array_index (texts, i), text);
  return n;
}

static void
test_change (FdTestFixture *fx,
             gconstpointer  data)
{
  g_autofree char *admin = fd_test_login (fx->server, fx->session, "admin");
  g_autofree char *id = NULL, *one_time = NULL, *raw = NULL;
  g_autofree char *username = create_one_time (fx, admin, &id, &one_time);
  g_autofree char *mine = NULL, *other = NULL, *fresh = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GPtrArray) allowed = NULL;
  const char *chosen = "my own 密码 2026";
  gboolean required = FALSE;
  guint status;

  /* A one-time password: the session answers say so, and data still flows. */
  mine = sign_in_token (fx, username, one_time, &required);
  g_assert_true (required);
  other = sign_in_token (fx, username, one_time, NULL);
  g_assert_true (session_change_required (fx, mine));
  fd_test_acknowledge_rules (fx->server, fx->session, mine);
  node = call (fx, "GET", "/api/v1/residents?limit=1", mine, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_clear_pointer (&node, json_node_unref);

  node = change (fx, mine, one_time, chosen, &status);
  g_assert_cmpuint (status, ==, 204);
  g_clear_pointer (&node, json_node_unref);

  /* this session continues, unmarked; the other one ended */
  g_assert_false (session_change_required (fx, mine));
  assert_token_dead (fx, other, "signed-out");
  /* the old password is dead, the new one signs in, unmarked */
  node = sign_in (fx, username, one_time, &status);
  fd_test_assert_error (status, node, 401, "bad-credentials", NULL);
  g_clear_pointer (&node, json_node_unref);
  fresh = sign_in_token (fx, username, chosen, &required);
  g_assert_false (required);
  /* this session's own password checks take the new one at once */
  {
    g_autofree char *old_body = g_strdup_printf ("{\"password\": \"%s\"}", one_time);
    g_autofree char *new_body = json_pair ("password", chosen, "workstation", "desk-1");

    node = call (fx, "POST", "/api/v1/session/unlock", mine, old_body, &status);
    fd_test_assert_error (status, node, 401, "bad-credentials", NULL);
    g_clear_pointer (&node, json_node_unref);
    node = call (fx, "POST", "/api/v1/session/unlock", mine, new_body, &status);
    g_assert_cmpuint (status, ==, 200);
    g_clear_pointer (&node, json_node_unref);
  }

  /* audited once, never with either password */
  allowed = account_changes (fx, id, "allowed", &raw);
  g_assert_cmpuint (count_text (allowed, "password changed by the account itself; "), ==, 1);
  g_assert_null (strstr (raw, one_time));
  g_assert_null (strstr (raw, "my own"));
}

static void
test_reset_marks (FdTestFixture *fx,
                  gconstpointer  data)
{
  g_autofree char *admin = fd_test_login (fx->server, fx->session, "admin");
  g_autofree char *id = NULL, *username = NULL, *path = NULL, *token = NULL, *body = NULL;
  g_autoptr(JsonNode) node = NULL;
  const char *demo = fd_test_server_get_password (fx->server);
  const char *chosen = "chosen-by-me-1";
  gboolean required = TRUE;
  guint status;

  /* a demo account's password is not one-time */
  g_free (sign_in_token (fx, "reception", demo, &required));
  g_assert_false (required);

  /* the admin's reset marks it; the change clears the mark */
  username = fd_test_create_user (fx->server, fx->session, "patrol", &id);
  path = g_strdup_printf ("/api/v1/users/%s/password", id);
  node = call (fx, "POST", path, admin, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  {
    g_autofree char *one_time = g_strdup (fd_test_get_string (fd_test_get_object (node),
                                                              "password"));

    token = sign_in_token (fx, username, one_time, &required);
    g_assert_true (required);
    g_clear_pointer (&node, json_node_unref);
    node = change (fx, token, one_time, chosen, &status);
    g_assert_cmpuint (status, ==, 204);
    g_clear_pointer (&node, json_node_unref);
  }
  g_free (sign_in_token (fx, username, chosen, &required));
  g_assert_false (required);

  /* a password the admin typed (PATCH) is not marked */
  body = g_strdup ("{\"password\": \"typed-by-admin\"}");
  {
    g_autofree char *patch = g_strdup_printf ("/api/v1/users/%s", id);

    node = call (fx, "PATCH", patch, admin, body, &status);
    g_assert_cmpuint (status, ==, 200);
  }
  g_free (sign_in_token (fx, username, "typed-by-admin", &required));
  g_assert_false (required);
}

static void
test_refused (FdTestFixture *fx,
              gconstpointer  data)
{
  g_autofree char *username = fd_test_create_user (fx->server, fx->session, "finance", NULL);
  const char *demo = fd_test_server_get_password (fx->server);
  g_autofree char *token = fd_test_login (fx->server, fx->session, username);
  g_autofree char *long_one = g_strnfill (1025, 'x');
  struct { const char *current, *new_password, *member; } bad[] = {
    { demo, "short", "new_password" },
    { demo, "七个字符的密码", "new_password" },       /* 7 characters, 21 bytes */
    { demo, demo, "new_password" },                   /* the current one */
    { demo, username, "new_password" },               /* the username */
    { demo, long_one, "new_password" },
    { long_one, "long-enough-1", "current_password" },
  };
  guint status;

  /* Validation refuses without counting: more than five of them, then
   * the right password still works. */
  for (guint round = 0; round < 2; round++)
    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autoptr(JsonNode) node = change (fx, token, bad[i].current, bad[i].new_password,
                                           &status);

        fd_test_assert_error (status, node, 400, "bad-request", bad[i].member);
      }
  {
    g_autoptr(JsonNode) a = call (fx, "POST", CHANGE, token, "{\"current_password\": 1, "
                                  "\"new_password\": \"long-enough-1\"}", &status);
    g_autoptr(JsonNode) b = NULL;
    g_autoptr(JsonNode) c = NULL;

    fd_test_assert_error (status, a, 400, "bad-request", "current_password");
    b = call (fx, "POST", CHANGE, token, "{\"current_password\": \"x\"}", &status);
    fd_test_assert_error (status, b, 400, "bad-request", "new_password");
    c = call (fx, "POST", CHANGE, token, NULL, &status);
    fd_test_assert_error (status, c, 400, "bad-request", NULL);
  }

  /* A wrong current password: 401 reauth-required naming it; the session
   * lives on. Then the right one: 204, and the count is cleared. */
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(JsonNode) node = change (fx, token, "not-the-password", "long-enough-1", &status);

      fd_test_assert_error (status, node, 401, "reauth-required", "current_password");
      g_assert_false (session_change_required (fx, token));
    }
  {
    g_autoptr(JsonNode) node = change (fx, token, demo, "long-enough-1", &status);

    g_assert_cmpuint (status, ==, 204);
  }
  /* cleared: four wrong sign-ins do not lock the name, the right one works */
  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(JsonNode) node = sign_in (fx, username, "wrong-password", &status);

      fd_test_assert_error (status, node, 401, "bad-credentials", NULL);
    }
  g_free (sign_in_token (fx, username, "long-enough-1", NULL));

  /* no session, no change */
  {
    g_autoptr(JsonNode) node = change (fx, NULL, demo, "long-enough-2", &status);

    fd_test_assert_error (status, node, 401, "unauthenticated", NULL);
  }
}

/* Many wrong current passwords sent at once from one (stolen) session:
 * each is counted before its check, so at most 5 are checked; then the
 * account is locked and every session of it ends. */
static void
test_limit_together (FdTestFixture *fx,
                     gconstpointer  data)
{
  enum { N = 16 };
  g_autofree char *admin = fd_test_login (fx->server, fx->session, "admin");
  g_autofree char *id = NULL, *raw = NULL, *unlock = NULL;
  g_autofree char *username = fd_test_create_user (fx->server, fx->session, "manager", &id);
  g_autofree char *token = fd_test_login (fx->server, fx->session, username);
  g_autofree char *json = json_pair ("current_password", "guess-guess", "new_password",
                                     "long-enough-1");
  g_autoptr(GPtrArray) denied = NULL;
  FdTestShot shots[N] = { 0 };
  guint wrong = 0, locked = 0, ended = 0, other = 0, checked;
  guint status;

  for (guint i = 0; i < N; i++)
    shots[i] = (FdTestShot) { .server = fx->server, .path = CHANGE, .token = token,
                              .body = json };
  fd_test_send_together (shots, N);
  for (guint i = 0; i < N; i++)
    {
      if (shots[i].status == 401 && strstr (shots[i].answer, "reauth-required") != NULL)
        wrong++;
      else if (shots[i].status == 401)
        ended++;
      else if (shots[i].status == 423)
        locked++;
      else
        other++;
    }
  fd_test_shots_clear (shots, N);
  g_test_message ("%d wrong passwords at once: %u 401 wrong, %u 401 ended, %u 423, %u other",
                  N, wrong, ended, locked, other);
  g_assert_cmpuint (other, ==, 0);
  g_assert_cmpuint (wrong, <=, 4);
  g_assert_cmpuint (locked, >=, 1);

  /* the audit log counts the checks: exactly the limit */
  denied = account_changes (fx, id, "denied", &raw);
  checked = count_text (denied, WRONG_TEXT);
  g_test_message ("checked: %u", checked);
  g_assert_cmpuint (checked, ==, 5);

  /* locked: the session ended, the right password is refused for now */
  assert_token_dead (fx, token, "locked");
  {
    g_autoptr(JsonNode) node = sign_in (fx, username, fd_test_server_get_password (fx->server),
                                        &status);

    fd_test_assert_error (status, node, 423, "account-locked", NULL);
  }
  g_assert_cmpuint (fd_test_count_alerts (fx->server, fx->session, "failed-logins", username),
                    ==, 1);

  /* an administrator lifts it */
  unlock = g_strdup_printf ("/api/v1/users/%s/unlock", id);
  {
    g_autoptr(JsonNode) node = call (fx, "POST", unlock, admin, NULL, &status);

    g_assert_cmpuint (status, ==, 200);
  }
  g_free (fd_test_login (fx->server, fx->session, username));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(FdTestServer) server = NULL;

  g_test_init (&argc, &argv, NULL);
  server = fd_test_server_start (NULL);
  fd_test_add ("/password-change/change", server, test_change);
  fd_test_add ("/password-change/reset-marks", server, test_reset_marks);
  fd_test_add ("/password-change/refused", server, test_refused);
  fd_test_add ("/password-change/limit-together", server, test_limit_together);
  return g_test_run ();
}
