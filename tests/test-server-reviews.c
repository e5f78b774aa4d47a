/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The access review (issue 12) over the wire: open, counts, decisions, sign-off, the deadline. */

#include "config.h"

#include <string.h>

#include "fd-test-server.h"

/* The tests run in the order they are added and share one review: the
 * server allows one open review at a time. */

static FdTestServer *server;
static SoupSession *session;
static char *review_id;
/* accounts made for the tests */
static char *busy_user, *busy_id;         /* seeded activity; confirmed */
static char *leaver_user, *leaver_id;     /* revoked */
static char *mover_user, *mover_id;       /* role changed */
static char *silent_user, *silent_id;     /* left undecided: the deadline disables it */

static JsonObject *
find_item (JsonObject *review,
           const char *user_id)
{
  JsonArray *items = json_object_get_array_member (review, "items");

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      if (g_strcmp0 (fd_test_get_string (item, "user_id"), user_id) == 0)
        return item;
    }
  return NULL;
}

static JsonNode *
get_current (const char *token,
             guint      *status)
{
  return fd_test_request (server, session, "GET", "/api/v1/reviews/current", token, NULL, status,
                          NULL);
}

static JsonNode *
decide (const char *token,
        const char *user_id,
        const char *decision,
        const char *role,
        guint      *status)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/reviews/%s/decisions", review_id);
  g_autofree char *body = role
    ? g_strdup_printf ("{\"user_id\": \"%s\", \"decision\": \"%s\", \"role\": \"%s\"}",
                       user_id, decision, role)
    : g_strdup_printf ("{\"user_id\": \"%s\", \"decision\": \"%s\"}", user_id, decision);

  return fd_test_request (server, session, "POST", path, token, body, status, NULL);
}

/* The newest audit entry of @action on @target, as the auditor reads it. */
static JsonObject *
last_audit (const char *action,
            const char *target,
            JsonNode  **keep)
{
  g_autofree char *auditor = fd_test_login (server, session, "auditor");
  g_autofree char *path = g_strdup_printf ("/api/v1/audit?action=%s&limit=100", action);
  JsonArray *items;
  guint status;

  *keep = fd_test_request (server, session, "GET", path, auditor, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  items = json_object_get_array_member (fd_test_get_object (*keep), "items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *e = json_array_get_object_element (items, i);
      if (g_strcmp0 (json_object_get_string_member_with_default (e, "target", ""), target) == 0)
        return e;
    }
  return NULL;
}

static void
test_roles (void)
{
  g_autofree char *reception = fd_test_login (server, session, "reception");
  g_autofree char *auditor = fd_test_login (server, session, "auditor");
  g_autofree char *manager = fd_test_login (server, session, "manager");
  g_autoptr(JsonNode) a = NULL, b = NULL, c = NULL, d = NULL;
  guint status;

  a = fd_test_request (server, session, "POST", "/api/v1/reviews", reception, "{}", &status, NULL);
  fd_test_assert_error (status, a, 403, "forbidden", NULL);
  b = fd_test_request (server, session, "POST", "/api/v1/reviews", auditor, "{}", &status, NULL);
  fd_test_assert_error (status, b, 403, "forbidden", NULL);
  c = get_current (reception, &status);
  fd_test_assert_error (status, c, 403, "forbidden", NULL);
  d = get_current (manager, &status);
  fd_test_assert_error (status, d, 404, "not-found", NULL);
}

static char *
first_resident (const char *token)
{
  g_autoptr(JsonNode) node = NULL;
  JsonArray *items;
  guint status;

  node = fd_test_request (server, session, "GET", "/api/v1/residents?q=1-1&limit=5", token, NULL,
                          &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  items = json_object_get_array_member (fd_test_get_object (node), "items");
  g_assert_cmpuint (json_array_get_length (items), >, 0);
  return g_strdup (fd_test_get_string (json_array_get_object_element (items, 0), "id"));
}

static void
call (const char *token,
      const char *method,
      const char *path,
      const char *body,
      guint       expected)
{
  g_autoptr(JsonNode) node = NULL;
  guint status;

  node = fd_test_request (server, session, method, path, token, body, &status, NULL);
  g_assert_cmpuint (status, ==, expected);
}

/* Seeds known activity for a fresh account, opens the review and checks
 * that it lists every account with the right counts. */
static void
test_open_counts (void)
{
  g_autofree char *token = NULL, *resident = NULL, *view = NULL, *reveal = NULL, *verify = NULL;
  g_autofree char *manager = fd_test_login (server, session, "manager");
  g_autofree char *admin = fd_test_login (server, session, "admin");
  g_autoptr(JsonNode) node = NULL, users = NULL, again = NULL;
  JsonObject *review, *item;
  JsonArray *weekly, *accounts;
  guint status, totals[5] = { 0 }, listed = 0;
  const char *members[] = { "views", "lists", "reveals", "verifies", "exports" };
  const guint expected[] = { 3, 2, 1, 1, 0 };

  busy_user = fd_test_create_user (server, session, "reception", &busy_id);
  leaver_user = fd_test_create_user (server, session, "reception", &leaver_id);
  mover_user = fd_test_create_user (server, session, "finance", &mover_id);
  silent_user = fd_test_create_user (server, session, "patrol", &silent_id);

  token = fd_test_login (server, session, busy_user);
  resident = first_resident (token);                     /* list 1 */
  call (token, "GET", "/api/v1/residents?q=2-1&limit=5", NULL, 200);   /* list 2 */
  view = g_strdup_printf ("/api/v1/residents/%s", resident);
  for (guint i = 0; i < 3; i++)
    call (token, "GET", view, NULL, 200);                /* views 1-3 */
  reveal = g_strdup_printf ("/api/v1/residents/%s/reveal", resident);
  call (token, "POST", reveal, "{\"field\": \"phone\", \"reason_code\": \"verify-identity\"}", 200);
  /* refused: reception may not reveal the home address; not counted */
  call (token, "POST", reveal, "{\"field\": \"home_address\", \"reason_code\": \"verify-identity\"}",
        403);
  verify = g_strdup_printf ("/api/v1/residents/%s/verify", resident);
  call (token, "POST", verify, "{\"field\": \"phone\", \"value\": \"13800000000\"}", 200);

  node = fd_test_request (server, session, "POST", "/api/v1/reviews", manager, "{}", &status, NULL);
  g_assert_cmpuint (status, ==, 201);
  review = fd_test_get_object (node);
  review_id = g_strdup (fd_test_get_string (review, "id"));
  fd_test_get_string (review, "opened_at");
  fd_test_get_string (review, "due_at");
  g_assert_cmpstr (fd_test_get_string (review, "opened_by"), ==, "manager");

  /* every enabled account but the company-wide auditor and admin */
  users = fd_test_request (server, session, "GET", "/api/v1/users", admin, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  accounts = json_object_get_array_member (fd_test_get_object (users), "items");
  for (guint i = 0; i < json_array_get_length (accounts); i++)
    {
      JsonObject *u = json_array_get_object_element (accounts, i);
      const char *role = fd_test_get_string (u, "role");
      gboolean covered = !json_object_get_boolean_member (u, "disabled") &&
                         !g_str_equal (role, "auditor") && !g_str_equal (role, "admin");

      g_assert_true ((find_item (review, fd_test_get_string (u, "id")) != NULL) == covered);
      listed += covered;
    }
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (review, "items")), ==,
                    listed);

  item = find_item (review, busy_id);
  g_assert_nonnull (item);
  g_assert_cmpstr (fd_test_get_string (item, "user"), ==, busy_user);
  g_assert_cmpstr (fd_test_get_string (item, "role"), ==, "reception");
  g_assert_cmpstr (fd_test_get_string (item, "workstation"), ==, "fd-test");
  fd_test_get_string (item, "last_sign_in");
  g_assert_true (json_object_get_null_member (item, "decision"));
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_object_get_member (item, "estates")));
  weekly = json_object_get_array_member (item, "weekly");
  /* a quarter in whole ISO weeks */
  g_assert_cmpuint (json_array_get_length (weekly), >=, 13);
  g_assert_cmpuint (json_array_get_length (weekly), <=, 15);
  for (guint w = 0; w < json_array_get_length (weekly); w++)
    {
      JsonObject *week = json_array_get_object_element (weekly, w);

      g_assert_true (g_regex_match_simple ("^[0-9]{4}-W[0-9]{2}$", fd_test_get_string (week, "week"),
                                           0, 0));
      for (guint k = 0; k < G_N_ELEMENTS (members); k++)
        totals[k] += json_object_get_int_member (week, members[k]);
    }
  for (guint k = 0; k < G_N_ELEMENTS (members); k++)
    {
      g_test_message ("%s: %u (expected %u)", members[k], totals[k], expected[k]);
      g_assert_cmpuint (totals[k], ==, expected[k]);
    }

  /* one open review at a time */
  again = fd_test_request (server, session, "POST", "/api/v1/reviews", manager, "{}", &status, NULL);
  fd_test_assert_error (status, again, 409, "review-open", NULL);
}

static void
test_confirm (void)
{
  g_autofree char *manager = fd_test_login (server, session, "manager");
  g_autoptr(JsonNode) node = NULL, again = NULL, bad = NULL, keep = NULL;
  JsonObject *item, *entry;
  guint status;

  node = decide (manager, busy_id, "confirmed", NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  item = find_item (fd_test_get_object (node), busy_id);
  g_assert_cmpstr (fd_test_get_string (item, "decision"), ==, "confirmed");
  g_assert_cmpstr (fd_test_get_string (item, "decided_by"), ==, "manager");
  fd_test_get_string (item, "decided_at");

  again = decide (manager, busy_id, "revoked", NULL, &status);
  fd_test_assert_error (status, again, 409, "already-decided", NULL);
  bad = decide (manager, busy_id, "maybe", NULL, &status);
  fd_test_assert_error (status, bad, 400, "bad-request", "decision");

  entry = last_audit ("review-decision", busy_id, &keep);
  g_assert_nonnull (entry);
  g_assert_cmpstr (fd_test_get_string (entry, "actor"), ==, "manager");
  g_assert_cmpstr (fd_test_get_string (entry, "field"), ==, "confirmed");
}

static void
assert_token_ended (const char *token,
                    const char *reason)
{
  g_autoptr(JsonNode) node = NULL;
  guint status;

  node = fd_test_request (server, session, "GET", "/api/v1/session", token, NULL, &status, NULL);
  fd_test_assert_error (status, node, 401, "unauthenticated", NULL);
  g_assert_cmpstr (fd_test_get_string (fd_test_get_object_member (fd_test_get_object (node), "error"),
                                       "reason"), ==, reason);
}

static void
test_revoke (void)
{
  g_autofree char *manager = fd_test_login (server, session, "manager");
  g_autofree char *token = fd_test_login (server, session, leaver_user);
  g_autofree char *login = NULL;
  g_autoptr(JsonNode) node = NULL, signin = NULL, keep = NULL;
  JsonObject *entry;
  guint status;

  call (token, "GET", "/api/v1/session", NULL, 200);
  node = decide (manager, leaver_id, "revoked", NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (fd_test_get_string (find_item (fd_test_get_object (node), leaver_id), "decision"),
                   ==, "revoked");
  /* at once: the very next request with the old token */
  assert_token_ended (token, "disabled");
  login = g_strdup_printf ("{\"username\": \"%s\", \"password\": \"%s\", \"workstation\": \"t\"}",
                           leaver_user, fd_test_server_get_password (server));
  signin = fd_test_request (server, session, "POST", "/api/v1/session", NULL, login, &status, NULL);
  fd_test_assert_error (status, signin, 403, "account-disabled", NULL);

  entry = last_audit ("account-change", leaver_id, &keep);
  g_assert_nonnull (entry);
  g_assert_cmpstr (fd_test_get_string (entry, "actor"), ==, "manager");
}

static void
test_role_change (void)
{
  g_autofree char *manager = fd_test_login (server, session, "manager");
  g_autofree char *token = fd_test_login (server, session, mover_user);
  g_autofree char *fresh = NULL;
  g_autoptr(JsonNode) node = NULL, bad = NULL, none = NULL, me = NULL, self = NULL;
  guint status;

  bad = decide (manager, mover_id, "role-changed", "admin", &status);
  fd_test_assert_error (status, bad, 400, "bad-request", "role");
  none = decide (manager, mover_id, "role-changed", NULL, &status);
  fd_test_assert_error (status, none, 400, "bad-request", "role");
  call (token, "GET", "/api/v1/session", NULL, 200);

  node = decide (manager, mover_id, "role-changed", "patrol", &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (fd_test_get_string (find_item (fd_test_get_object (node), mover_id), "role"), ==,
                   "patrol");
  /* the old session ended, so the new role applies from the next sign-in */
  assert_token_ended (token, "role-changed");
  fresh = fd_test_login (server, session, mover_user);
  me = fd_test_request (server, session, "GET", "/api/v1/session", fresh, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (fd_test_get_string (fd_test_get_object_member (fd_test_get_object (me), "user"),
                                       "role"), ==, "patrol");

  /* a manager cannot revoke or re-role their own account */
  {
    g_autoptr(JsonNode) mine = get_current (manager, &status);
    JsonArray *items = json_object_get_array_member (fd_test_get_object (mine), "items");

    for (guint i = 0; i < json_array_get_length (items); i++)
      {
        JsonObject *item = json_array_get_object_element (items, i);
        if (g_str_equal (fd_test_get_string (item, "user"), "manager"))
          self = decide (manager, fd_test_get_string (item, "user_id"), "revoked", NULL, &status);
      }
  }
  fd_test_assert_error (status, self, 403, "forbidden", NULL);
}

static void
test_auditor (void)
{
  g_autofree char *auditor = fd_test_login (server, session, "auditor");
  g_autofree char *path = g_strdup_printf ("/api/v1/reviews/%s/export", review_id);
  g_autofree char *signoff = g_strdup_printf ("/api/v1/reviews/%s/sign-off", review_id);
  g_autofree char *csv = NULL, *target = g_strdup_printf ("review:%s", review_id);
  g_autoptr(JsonNode) node = NULL, refused = NULL, signed_node = NULL, export = NULL, keep = NULL;
  guint status;

  node = get_current (auditor, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (fd_test_get_string (fd_test_get_object (node), "id"), ==, review_id);
  refused = decide (auditor, silent_id, "confirmed", NULL, &status);
  fd_test_assert_error (status, refused, 403, "forbidden", NULL);
  signed_node = fd_test_request (server, session, "POST", signoff, auditor, NULL, &status, NULL);
  fd_test_assert_error (status, signed_node, 403, "forbidden", NULL);

  export = fd_test_request (server, session, "GET", path, auditor, NULL, &status, &csv);
  g_assert_cmpuint (status, ==, 200);
  g_assert_true (g_str_has_prefix (csv, "\xEF\xBB\xBF\"review\",\"user_id\",\"user\""));
  g_assert_nonnull (strstr (csv, busy_user));
  g_assert_nonnull (strstr (csv, "\"confirmed\",\"manager\""));
  fd_test_assert_no_clear_pii (csv, FALSE);
  g_assert_nonnull (last_audit ("export", target, &keep));
}

static void
test_sign_off_refused (void)
{
  g_autofree char *manager = fd_test_login (server, session, "manager");
  g_autofree char *path = g_strdup_printf ("/api/v1/reviews/%s/sign-off", review_id);
  g_autoptr(JsonNode) node = NULL;
  guint status;

  node = fd_test_request (server, session, "POST", path, manager, NULL, &status, NULL);
  fd_test_assert_error (status, node, 409, "review-undecided", NULL);
}

/* Confirms every undecided account but @skip_id. */
static void
confirm_all_but (const char *token,
                 const char *skip_id)
{
  g_autoptr(JsonNode) node = NULL;
  JsonArray *items;
  guint status;

  node = get_current (token, &status);
  g_assert_cmpuint (status, ==, 200);
  items = json_object_get_array_member (fd_test_get_object (node), "items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      const char *id = fd_test_get_string (item, "user_id");
      g_autoptr(JsonNode) done = NULL;

      if (!json_object_get_null_member (item, "decision") || g_str_equal (id, skip_id))
        continue;
      done = decide (token, id, "confirmed", NULL, &status);
      g_assert_cmpuint (status, ==, 200);
    }
}

/* 14 days on: the server's check disables the account left undecided and
 * not a confirmed one; then the review signs off. */
static void
test_deadline (void)
{
  g_autofree char *manager = fd_test_login (server, session, "manager");
  g_autofree char *login = NULL, *busy = NULL, *later_manager = NULL;
  g_autofree char *path = g_strdup_printf ("/api/v1/reviews/%s/sign-off", review_id);
  g_autofree char *target = g_strdup_printf ("review:%s", review_id);
  const char *extra[] = { "--test-clock-offset", "1296000", NULL };   /* 15 days */
  FdTestServerOptions opts = { 0 };
  g_autoptr(FdTestServer) later = NULL;
  g_autoptr(JsonNode) signin = NULL, node = NULL, signed_node = NULL, keep = NULL, keep2 = NULL;
  JsonObject *item, *review, *entry;
  FdTestServer *before = server;
  guint status;

  confirm_all_but (manager, silent_id);
  fd_test_server_halt (server);

  opts.data_dir = fd_test_server_get_data_dir (before);
  opts.password = fd_test_server_get_password (before);
  opts.extra_args = extra;
  later = fd_test_server_start (&opts);
  server = later;

  login = g_strdup_printf ("{\"username\": \"%s\", \"password\": \"%s\", \"workstation\": \"t\"}",
                           silent_user, fd_test_server_get_password (server));
  signin = fd_test_request (server, session, "POST", "/api/v1/session", NULL, login, &status, NULL);
  fd_test_assert_error (status, signin, 403, "account-disabled", NULL);
  busy = fd_test_login (server, session, busy_user);   /* confirmed: still works */

  later_manager = fd_test_login (server, session, "manager");
  node = get_current (later_manager, &status);
  g_assert_cmpuint (status, ==, 200);
  item = find_item (fd_test_get_object (node), silent_id);
  g_assert_cmpstr (fd_test_get_string (item, "decision"), ==, "revoked");
  g_assert_true (json_object_get_boolean_member (item, "automatic"));
  g_assert_true (json_object_get_boolean_member (item, "disabled"));
  entry = last_audit ("account-change", silent_id, &keep);
  g_assert_nonnull (entry);
  g_assert_cmpstr (fd_test_get_string (entry, "actor"), ==, "-");

  /* every account decided: the manager signs off, with name and time */
  signed_node = fd_test_request (server, session, "POST", path, later_manager, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  review = fd_test_get_object (signed_node);
  g_assert_cmpstr (fd_test_get_string (review, "signed_off_by"), ==, "manager");
  fd_test_get_string (review, "signed_off_at");
  entry = last_audit ("review-sign-off", target, &keep2);
  g_assert_nonnull (entry);
  g_assert_cmpstr (fd_test_get_string (entry, "actor"), ==, "manager");
  fd_test_get_string (entry, "at");

  server = before;
  fd_test_server_stop (g_steal_pointer (&later));
  /* the first server's directory is removed by main() */
  fd_test_server_restart (server);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  server = fd_test_server_start (NULL);
  session = fd_test_server_new_session (server);

  g_test_add_func ("/fd/server/reviews/roles", test_roles);
  g_test_add_func ("/fd/server/reviews/open-counts", test_open_counts);
  g_test_add_func ("/fd/server/reviews/confirm", test_confirm);
  g_test_add_func ("/fd/server/reviews/revoke", test_revoke);
  g_test_add_func ("/fd/server/reviews/role-change", test_role_change);
  g_test_add_func ("/fd/server/reviews/auditor", test_auditor);
  g_test_add_func ("/fd/server/reviews/sign-off-refused", test_sign_off_refused);
  g_test_add_func ("/fd/server/reviews/deadline", test_deadline);

  ret = g_test_run ();

  g_clear_object (&session);
  fd_test_server_stop (server);
  g_free (review_id);
  g_free (busy_user), g_free (busy_id), g_free (leaver_user), g_free (leaver_id);
  g_free (mover_user), g_free (mover_id), g_free (silent_user), g_free (silent_id);
  return ret;
}
