/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Account administration (issue 14): the account object, unlock, password
 * reset, the rules shared with the CLI, and the payments list. */

#include "config.h"

#include <string.h>

#include "fd-test-server.h"

static JsonNode *
sign_in (FdTestFixture *fx,
         const char    *username,
         const char    *password,
         guint         *status)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *json = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, username);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  json_builder_set_member_name (builder, "workstation");
  json_builder_add_string_value (builder, "desk-7");
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  json = json_to_string (body, FALSE);
  return fd_test_request (fx->server, fx->session, "POST", "/api/v1/session", NULL, json, status,
                          NULL);
}

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

/* The account @username as GET /users lists it (a new reference). */
static JsonObject *
listed_account (FdTestFixture *fx,
                const char    *admin,
                const char    *username)
{
  g_autoptr(JsonNode) users = NULL;
  JsonArray *items;
  guint status;

  users = call (fx, "GET", "/api/v1/users", admin, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  items = json_object_get_array_member (fd_test_get_object (users), "items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);

      g_assert_false (json_object_has_member (item, "password"));
      g_assert_false (json_object_has_member (item, "password_hash"));
      if (g_str_equal (fd_test_get_string (item, "username"), username))
        return json_object_ref (item);
    }
  return NULL;
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
  g_assert_cmpstr (json_object_get_string_member (
                     fd_test_get_object_member (fd_test_get_object (node), "error"), "reason"),
                   ==, reason);
}

/* The newest account-change entries' reason texts, joined by '\n'. */
static char *
account_changes (FdTestFixture *fx,
                 const char    *target,
                 const char    *outcome)
{
  g_autofree char *auditor = fd_test_login (fx->server, fx->session, "auditor");
  g_autoptr(JsonNode) node = NULL;
  GString *out = g_string_new (NULL);
  JsonArray *items;
  guint status;

  node = call (fx, "GET", "/api/v1/audit?action=account-change&limit=100", auditor, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  items = json_object_get_array_member (fd_test_get_object (node), "items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (item, "target", NULL),
                     target) == 0 &&
          g_strcmp0 (json_object_get_string_member (item, "outcome"), outcome) == 0)
        g_string_append_printf (out, "%s\n",
                                json_object_get_string_member_with_default (item, "reason_text",
                                                                            ""));
    }
  return g_string_free (out, FALSE);
}

static void
test_account_object (FdTestFixture *fx,
                     gconstpointer  data)
{
  g_autofree char *admin = fd_test_login (fx->server, fx->session, "admin");
  g_autofree char *id = NULL;
  g_autofree char *username = fd_test_create_user (fx->server, fx->session, "patrol", &id);
  g_autoptr(JsonObject) before = NULL;
  g_autoptr(JsonObject) after = NULL;
  g_autoptr(JsonObject) fresh = NULL;
  g_autoptr(JsonNode) created = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *fresh_name = g_strdup_printf ("fresh-%u", g_random_int_range (1000, 9999));
  g_autofree char *body = NULL;
  JsonObject *last;
  guint status;

  /* fd_test_create_user signed it in once, as "fd-test" */
  before = listed_account (fx, admin, username);
  g_assert_nonnull (before);
  g_assert_false (json_object_get_boolean_member (before, "locked"));
  g_assert_true (json_object_get_null_member (before, "locked_until"));
  last = fd_test_get_object_member (before, "last_sign_in");
  g_assert_nonnull (last);
  g_assert_cmpstr (fd_test_get_string (last, "workstation"), ==, "fd-test");

  node = sign_in (fx, username, fd_test_server_get_password (fx->server), &status);
  g_assert_cmpuint (status, ==, 201);
  after = listed_account (fx, admin, username);
  last = fd_test_get_object_member (after, "last_sign_in");
  g_assert_cmpstr (fd_test_get_string (last, "workstation"), ==, "desk-7");
  g_assert_cmpstr (fd_test_get_string (last, "at"), >=,
                   fd_test_get_string (fd_test_get_object_member (before, "last_sign_in"), "at"));

  /* Created without a password: the server makes one, shown once. */
  body = g_strdup_printf ("{\"username\": \"%s\", \"display_name\": \"新 Fresh\", \"role\": \"finance\"}",
                          fresh_name);
  created = call (fx, "POST", "/api/v1/users", admin, body, &status);
  g_assert_cmpuint (status, ==, 201);
  {
    const char *password = fd_test_get_string (fd_test_get_object (created), "password");
    JsonObject *user = fd_test_get_object_member (fd_test_get_object (created), "user");
    g_autoptr(JsonNode) first = NULL;

    g_assert_true (g_regex_match_simple ("^[a-z2-9]{4}(-[a-z2-9]{4}){3}$", password, 0, 0));
    g_assert_cmpstr (fd_test_get_string (user, "role"), ==, "finance");
    g_assert_true (json_object_get_null_member (user, "last_sign_in"));
    fresh = listed_account (fx, admin, fresh_name);
    g_assert_nonnull (fresh);
    g_assert_true (json_object_get_null_member (fresh, "last_sign_in"));
    first = sign_in (fx, fresh_name, password, &status);
    g_assert_cmpuint (status, ==, 201);
  }
}

static void
test_roles (FdTestFixture *fx,
            gconstpointer  data)
{
  static const char *const others[] = { "reception", "patrol", "finance", "manager", "auditor" };
  g_autofree char *id = NULL;
  g_autofree char *username = fd_test_create_user (fx->server, fx->session, "reception", &id);
  g_autofree char *unlock = g_strdup_printf ("/api/v1/users/%s/unlock", id);
  g_autofree char *password = g_strdup_printf ("/api/v1/users/%s/password", id);

  for (guint i = 0; i < G_N_ELEMENTS (others); i++)
    {
      g_autofree char *token = fd_test_login (fx->server, fx->session, others[i]);
      g_autoptr(JsonNode) a = NULL;
      g_autoptr(JsonNode) b = NULL;
      guint status;

      a = call (fx, "POST", unlock, token, NULL, &status);
      fd_test_assert_error (status, a, 403, "forbidden", NULL);
      b = call (fx, "POST", password, token, NULL, &status);
      fd_test_assert_error (status, b, 403, "forbidden", NULL);
    }
  /* an unknown account is a 404, not a crash */
  {
    g_autofree char *admin = fd_test_login (fx->server, fx->session, "admin");
    g_autoptr(JsonNode) a = NULL;
    g_autoptr(JsonNode) b = NULL;
    guint status;

    a = call (fx, "POST", "/api/v1/users/999999/unlock", admin, NULL, &status);
    fd_test_assert_error (status, a, 404, "not-found", NULL);
    b = call (fx, "POST", "/api/v1/users/x/password", admin, NULL, &status);
    fd_test_assert_error (status, b, 404, "not-found", NULL);
  }
}

static void
test_self_refused (FdTestFixture *fx,
                   gconstpointer  data)
{
  g_autofree char *admin = fd_test_login (fx->server, fx->session, "admin");
  g_autoptr(JsonObject) me = listed_account (fx, admin, "admin");
  const char *my_id = fd_test_get_string (me, "id");
  g_autofree char *path = g_strdup_printf ("/api/v1/users/%s", my_id);
  static const char *const bodies[] = { "{\"disabled\": true}", "{\"role\": \"manager\"}" };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(JsonNode) node = NULL;
      JsonObject *error;
      guint status;

      node = call (fx, "PATCH", path, admin, bodies[i], &status);
      fd_test_assert_error (status, node, 403, "forbidden", NULL);
      error = fd_test_get_object_member (fd_test_get_object (node), "error");
      g_assert_cmpstr (fd_test_get_string (error, "reason"), ==, "self");
    }
  /* nothing changed, the session lives, and the refusals are audited */
  {
    g_autoptr(JsonObject) again = listed_account (fx, admin, "admin");
    g_autofree char *denied = account_changes (fx, my_id, "denied");

    g_assert_false (json_object_get_boolean_member (again, "disabled"));
    g_assert_cmpstr (fd_test_get_string (again, "role"), ==, "admin");
    g_assert_nonnull (strstr (denied, "self"));
  }
}

static void
test_unlock (FdTestFixture *fx,
             gconstpointer  data)
{
  g_autofree char *admin = fd_test_login (fx->server, fx->session, "admin");
  g_autofree char *id = NULL;
  g_autofree char *username = fd_test_create_user (fx->server, fx->session, "finance", &id);
  g_autofree char *path = g_strdup_printf ("/api/v1/users/%s/unlock", id);
  const char *password = fd_test_server_get_password (fx->server);
  g_autoptr(JsonObject) locked = NULL;
  g_autoptr(JsonNode) unlocked = NULL;
  g_autoptr(JsonNode) refused = NULL;
  g_autoptr(JsonNode) again = NULL;
  guint status;

  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(JsonNode) node = sign_in (fx, username, "wrong-password", &status);
      fd_test_assert_error (status, node, 401, "bad-credentials", NULL);
    }
  refused = sign_in (fx, username, password, &status);
  fd_test_assert_error (status, refused, 423, "account-locked", NULL);

  locked = listed_account (fx, admin, username);
  g_assert_true (json_object_get_boolean_member (locked, "locked"));
  g_assert_false (json_object_get_null_member (locked, "locked_until"));

  unlocked = call (fx, "POST", path, admin, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_false (json_object_get_boolean_member (fd_test_get_object (unlocked), "locked"));
  g_assert_true (json_object_get_null_member (fd_test_get_object (unlocked), "locked_until"));

  /* the lock is really gone: the right password signs in at once */
  again = sign_in (fx, username, password, &status);
  g_assert_cmpuint (status, ==, 201);
  {
    g_autofree char *allowed = account_changes (fx, id, "allowed");
    g_assert_nonnull (strstr (allowed, "lock lifted"));
  }
}

static void
test_password_reset (FdTestFixture *fx,
                     gconstpointer  data)
{
  g_autofree char *admin = fd_test_login (fx->server, fx->session, "admin");
  g_autofree char *id = NULL;
  g_autofree char *username = fd_test_create_user (fx->server, fx->session, "reception", &id);
  g_autofree char *token = fd_test_login (fx->server, fx->session, username);
  g_autofree char *path = g_strdup_printf ("/api/v1/users/%s/password", id);
  const char *old = fd_test_server_get_password (fx->server);
  g_autoptr(JsonNode) first = NULL;
  g_autoptr(JsonNode) second = NULL;
  g_autofree char *one_time = NULL;
  g_autofree char *body = NULL;
  guint status;

  first = fd_test_request (fx->server, fx->session, "POST", path, admin, NULL, &status, &body);
  g_assert_cmpuint (status, ==, 200);
  one_time = g_strdup (fd_test_get_string (fd_test_get_object (first), "password"));
  g_assert_cmpuint (strlen (one_time), ==, 19);
  g_assert_cmpstr (fd_test_get_string (fd_test_get_object_member (fd_test_get_object (first),
                                                                  "user"),
                                       "username"), ==, username);

  /* the account's sessions end at once; the old password stops working */
  assert_token_dead (fx, token, "signed-out");
  {
    g_autoptr(JsonNode) node = sign_in (fx, username, old, &status);
    fd_test_assert_error (status, node, 401, "bad-credentials", NULL);
  }
  {
    g_autoptr(JsonNode) node = sign_in (fx, username, one_time, &status);
    g_assert_cmpuint (status, ==, 201);
  }

  /* a second reset makes another; the first one-time password is dead */
  second = call (fx, "POST", path, admin, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (fd_test_get_string (fd_test_get_object (second), "password"), !=, one_time);
  {
    g_autoptr(JsonNode) node = sign_in (fx, username, one_time, &status);
    fd_test_assert_error (status, node, 401, "bad-credentials", NULL);
  }

  /* audited, never with the password; the list never carries it */
  {
    g_autofree char *allowed = account_changes (fx, id, "allowed");
    g_autoptr(JsonObject) listed = listed_account (fx, admin, username);

    g_assert_nonnull (strstr (allowed, "password reset"));
    g_assert_null (strstr (allowed, one_time));
    g_assert_nonnull (listed);
  }
}

static void
test_disable_ends_session (FdTestFixture *fx,
                           gconstpointer  data)
{
  g_autofree char *admin = fd_test_login (fx->server, fx->session, "admin");
  g_autofree char *id = NULL;
  g_autofree char *username = fd_test_create_user (fx->server, fx->session, "reception", &id);
  g_autofree char *token = fd_test_login (fx->server, fx->session, username);
  g_autofree char *path = g_strdup_printf ("/api/v1/users/%s", id);
  g_autoptr(JsonNode) live = NULL;
  g_autoptr(JsonNode) patched = NULL;
  g_autoptr(JsonNode) refused = NULL;
  guint status;

  live = call (fx, "GET", "/api/v1/residents?limit=1", token, NULL, &status);
  g_assert_cmpuint (status, ==, 200);

  patched = call (fx, "PATCH", path, admin, "{\"disabled\": true}", &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_true (json_object_get_boolean_member (fd_test_get_object (patched), "disabled"));
  assert_token_dead (fx, token, "disabled");
  refused = sign_in (fx, username, fd_test_server_get_password (fx->server), &status);
  fd_test_assert_error (status, refused, 403, "account-disabled", NULL);

  /* enabled again, it signs in; a role change ends that session too */
  {
    g_autoptr(JsonNode) enabled = call (fx, "PATCH", path, admin, "{\"disabled\": false}", &status);
    g_autofree char *again = NULL;
    g_autoptr(JsonNode) demoted = NULL;

    g_assert_cmpuint (status, ==, 200);
    again = fd_test_login (fx->server, fx->session, username);
    demoted = call (fx, "PATCH", path, admin, "{\"role\": \"patrol\"}", &status);
    g_assert_cmpuint (status, ==, 200);
    assert_token_dead (fx, again, "role-changed");
  }
}

/* ---- payments ------------------------------------------------------------ */

/* Every item of GET @query (paged), asserting what each role must see. */
static GPtrArray *
all_payments (FdTestFixture *fx,
              const char    *token,
              const char    *query)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/payments?%s", query);
  GPtrArray *items = fd_test_fetch_all (fx->server, fx->session, token, path);

  for (guint i = 0; i < items->len; i++)
    {
      JsonObject *item = g_ptr_array_index (items, i);
      JsonObject *payments = fd_test_get_object_member (item, "payments");
      JsonObject *account;

      g_assert_nonnull (payments);
      g_assert_true (json_object_has_member (payments, "balance_cents"));
      account = fd_test_get_object_member (payments, "account");
      g_assert_nonnull (account);
      g_assert_true (json_object_get_boolean_member (account, "masked"));
      g_assert_true (g_regex_match_simple ("^\\*{4} \\*{4} \\*{4} [0-9]{4}$",
                                           fd_test_get_string (account, "value"), 0, 0));
      /* only what a list shows: no phone, ID number or address */
      g_assert_false (json_object_has_member (item, "phone"));
      g_assert_false (json_object_has_member (item, "id_number"));
      g_assert_false (json_object_has_member (item, "home_address"));
    }
  return items;
}

static void
test_payments (FdTestFixture *fx,
               gconstpointer  data)
{
  g_autofree char *finance = fd_test_login (fx->server, fx->session, "finance");
  g_autoptr(GPtrArray) all = all_payments (fx, finance, "limit=37");
  g_autoptr(GPtrArray) overdue = all_payments (fx, finance, "overdue=1&limit=7");
  g_autoptr(GHashTable) expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *body = NULL;
  g_autofree char *room_query = NULL;
  g_autoptr(JsonNode) page = NULL;
  const char *room;
  guint status;

  g_assert_cmpuint (all->len, ==, 200);
  for (guint i = 0; i < all->len; i++)
    {
      JsonObject *payments = fd_test_get_object_member (g_ptr_array_index (all, i), "payments");

      if (g_str_equal (fd_test_get_string (payments, "status"), "overdue"))
        g_hash_table_add (expected, g_strdup (fd_test_get_string (g_ptr_array_index (all, i),
                                                                  "id")));
    }
  /* the overdue filter finds exactly the overdue ones, in pages */
  g_assert_cmpuint (g_hash_table_size (expected), >, 0);
  g_assert_cmpuint (overdue->len, ==, g_hash_table_size (expected));
  for (guint i = 0; i < overdue->len; i++)
    {
      JsonObject *item = g_ptr_array_index (overdue, i);

      g_assert_true (g_hash_table_contains (expected, fd_test_get_string (item, "id")));
      g_assert_cmpint (json_object_get_int_member (fd_test_get_object_member (item, "payments"),
                                                   "balance_cents"), >, 0);
    }

  /* a room search narrows the list to that room */
  room = fd_test_get_string (fd_test_get_object_member (g_ptr_array_index (all, 0), "room"),
                             "value");
  room_query = g_strdup_printf ("/api/v1/payments?q=%s", room);
  page = fd_test_request (fx->server, fx->session, "GET", room_query, finance, NULL, &status,
                          &body);
  g_assert_cmpuint (status, ==, 200);
  fd_test_assert_no_clear_pii (body, FALSE);
  {
    JsonArray *items = json_object_get_array_member (fd_test_get_object (page), "items");

    g_assert_cmpuint (json_array_get_length (items), >=, 1);
    for (guint i = 0; i < json_array_get_length (items); i++)
      g_assert_cmpstr (fd_test_get_string (fd_test_get_object_member (
                         json_array_get_object_element (items, i), "room"), "value"), ==, room);
  }

  /* the manager sees the same; a page is audited like a search */
  {
    g_autofree char *manager = fd_test_login (fx->server, fx->session, "manager");
    g_autoptr(GPtrArray) seen = all_payments (fx, manager, "overdue=1&limit=100");
    g_autoptr(JsonNode) audit = NULL;
    JsonArray *items;
    gboolean found = FALSE;

    g_assert_cmpuint (seen->len, ==, overdue->len);
    audit = call (fx, "GET", "/api/v1/audit?action=search&actor=finance&limit=20", manager, NULL,
                  &status);
    g_assert_cmpuint (status, ==, 200);
    items = json_object_get_array_member (fd_test_get_object (audit), "items");
    for (guint i = 0; i < json_array_get_length (items); i++)
      if (g_strcmp0 (json_object_get_string_member_with_default (
                       json_array_get_object_element (items, i), "field", NULL), "payments") == 0)
        found = TRUE;
    g_assert_true (found);
  }
}

static void
test_payments_refused (FdTestFixture *fx,
                       gconstpointer  data)
{
  static const char *const refused[] = { "reception", "patrol", "auditor", "admin" };
  static const char *const bad[] = {
    "/api/v1/payments?overdue=2", "/api/v1/payments?limit=0", "/api/v1/payments?limit=101",
    "/api/v1/payments?cursor=nonsense",
  };
  static const char *const members[] = { "overdue", NULL, NULL, "cursor" };
  g_autofree char *finance = fd_test_login (fx->server, fx->session, "finance");

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autofree char *token = fd_test_login (fx->server, fx->session, refused[i]);
      g_autoptr(JsonNode) node = NULL;
      guint status;

      node = call (fx, "GET", "/api/v1/payments", token, NULL, &status);
      fd_test_assert_error (status, node, 403, "forbidden", NULL);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonNode) node = NULL;
      guint status;

      node = call (fx, "GET", bad[i], finance, NULL, &status);
      fd_test_assert_error (status, node, 400, "bad-request", members[i]);
    }
  /* a cursor of the full list does not page the overdue one */
  {
    g_autoptr(JsonNode) page = NULL;
    g_autoptr(JsonNode) node = NULL;
    g_autofree char *path = NULL;
    g_autofree char *escaped = NULL;
    guint status;

    page = call (fx, "GET", "/api/v1/payments?limit=3", finance, NULL, &status);
    g_assert_cmpuint (status, ==, 200);
    escaped = g_uri_escape_string (fd_test_get_string (fd_test_get_object (page), "next_cursor"),
                                   NULL, FALSE);
    path = g_strdup_printf ("/api/v1/payments?overdue=1&cursor=%s", escaped);
    node = call (fx, "GET", path, finance, NULL, &status);
    fd_test_assert_error (status, node, 400, "bad-request", "cursor");
  }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(FdTestServer) server = NULL;
  int rc;

  g_test_init (&argc, &argv, NULL);
  server = fd_test_server_start (NULL);
  fd_test_add ("/accounts/object", server, test_account_object);
  fd_test_add ("/accounts/roles", server, test_roles);
  fd_test_add ("/accounts/self-refused", server, test_self_refused);
  fd_test_add ("/accounts/unlock", server, test_unlock);
  fd_test_add ("/accounts/password-reset", server, test_password_reset);
  fd_test_add ("/accounts/disable-ends-session", server, test_disable_ends_session);
  fd_test_add ("/payments/list", server, test_payments);
  fd_test_add ("/payments/refused", server, test_payments_refused);
  rc = g_test_run ();
  return rc;
}
