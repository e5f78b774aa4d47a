/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Two server processes over one PostgreSQL database (issue 11). */

/* test-server-multi.c — a company runs several servers behind a load
 * balancer over one database: sessions, the lockout, the reveal limit and
 * the audit chain live in the database and must hold when the requests of
 * one user are spread over two processes, in turn and at once. A and B are
 * two `demo --store postgresql` over the same --data-dir (keys, CA) and
 * --database (integration-pg only: there is nothing to share on SQLite).
 *
 * Requests sent "at once" (fd-test-together.c) alternate between A and B. */

#include "config.h"

#include <string.h>

#include "fd-test-pg.h"
#include "fd-test-together.h"

#define LOCK_AFTER    5     /* failed sign-ins (docs/api.md, rate limits) */
#define REVEALS       10    /* reveals per user per hour */
#define RESIDENTS     1200  /* more than the in-hours bulk alert's 1,000 */

static FdTestServer *a;
static FdTestServer *b;

/* requests at once, spread over both servers */

/* Sends @n requests at once, even ones to A and odd ones to B. Free the
 * result with shots_free(). */
static FdTestShot *
send_together (guint       n,
               const char *method,
               const char *path,
               const char *token,
               const char *body)
{
  FdTestShot *shots = g_new0 (FdTestShot, n);

  for (guint i = 0; i < n; i++)
    shots[i] = (FdTestShot) { .server = i % 2 == 0 ? a : b, .method = method, .path = path,
                              .token = token, .body = body };
  fd_test_send_together (shots, n);
  return shots;
}

static void
shots_free (FdTestShot *shots,
            guint       n)
{
  fd_test_shots_clear (shots, n);
  g_free (shots);
}

static void
report (const char *what,
        const FdTestShot *shots,
        guint       n)
{
  g_autoptr(GString) line = g_string_new (NULL);
  guint seen[600] = { 0 };

  for (guint i = 0; i < n; i++)
    seen[MIN (shots[i].status, G_N_ELEMENTS (seen) - 1)]++;
  for (guint s = 0; s < G_N_ELEMENTS (seen); s++)
    if (seen[s] > 0)
      g_string_append_printf (line, " %u x %u", seen[s], s);
  g_test_message ("%u %s at once over A and B:%s", n, what, line->str);
}

/* helpers */

static char *
login_json (const char *username,
            const char *password)
{
  return g_strdup_printf ("{\"username\": \"%s\", \"password\": \"%s\", "
                          "\"workstation\": \"fd-test\"}", username, password);
}

static guint
try_login (FdTestServer *server,
           SoupSession  *session,
           const char   *username,
           const char   *password,
           JsonNode    **answer)
{
  g_autofree char *json = login_json (username, password);
  g_autoptr(JsonNode) node = NULL;
  guint status;

  node = fd_test_request (server, session, "POST", "/api/v1/session", NULL, json, &status,
                          NULL);
  if (answer != NULL)
    *answer = g_steal_pointer (&node);
  return status;
}

static guint
get_status (FdTestServer *server,
            SoupSession  *session,
            const char   *path,
            const char   *token)
{
  g_autoptr(JsonNode) node = NULL;
  guint status;

  node = fd_test_request (server, session, "GET", path, token, NULL, &status, NULL);
  return status;
}

/* An account with @role made on A, signed in on B: its token. */
static char *
new_user_on_b (SoupSession  *session,
               const char   *role,
               char        **username)
{
  *username = fd_test_create_user (a, session, role, NULL);
  return fd_test_login (b, session, *username);
}

/* Sessions */

/* A token from A works on B; signing out on B ends it on A. */
static void
test_session_shared (FdTestFixture *fx,
                     gconstpointer  data)
{
  SoupSession *session = fx->session;
  g_autofree char *token = fd_test_login (a, session, "reception");
  g_autoptr(JsonNode) out = NULL;
  guint status;

  g_assert_cmpuint (get_status (b, session, "/api/v1/session", token), ==, 200);
  g_assert_cmpuint (get_status (b, session, "/api/v1/residents?q=1&limit=3", token), ==, 200);
  g_assert_cmpuint (get_status (a, session, "/api/v1/residents?q=1&limit=3", token), ==, 200);

  out = fd_test_request (b, session, "DELETE", "/api/v1/session", token, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 204);
  g_assert_cmpuint (get_status (a, session, "/api/v1/session", token), ==, 401);
  g_assert_cmpuint (get_status (a, session, "/api/v1/residents?q=1&limit=3", token), ==, 401);
  g_assert_cmpuint (get_status (b, session, "/api/v1/session", token), ==, 401);
}

/* An admin on B disables an account: its session on A ends at once. */
static void
test_disable_ends_session_elsewhere (FdTestFixture *fx,
                                     gconstpointer  data)
{
  SoupSession *session = fx->session;
  g_autofree char *id = NULL;
  g_autofree char *username = fd_test_create_user (a, session, "reception", &id);
  g_autofree char *token = fd_test_login (a, session, username);
  g_autofree char *admin = fd_test_login (b, session, "admin");
  g_autofree char *path = g_strdup_printf ("/api/v1/users/%s", id);
  g_autoptr(JsonNode) patched = NULL;
  guint status;

  g_assert_cmpuint (get_status (a, session, "/api/v1/session", token), ==, 200);
  patched = fd_test_request (b, session, "PATCH", path, admin, "{\"disabled\": true}", &status,
                             NULL);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpuint (get_status (a, session, "/api/v1/session", token), ==, 401);
  g_assert_cmpuint (get_status (a, session, "/api/v1/residents?q=1&limit=3", token), ==, 401);
}

/* Lockout */

/* Wrong passwords in turn on A and B: the fifth locks, on both. */
static void
test_lockout_alternating (FdTestFixture *fx,
                          gconstpointer  data)
{
  SoupSession *session = fx->session;
  g_autofree char *username = fd_test_create_user (a, session, "finance", NULL);
  const char *password = fd_test_server_get_password (a);

  for (guint i = 0; i < LOCK_AFTER; i++)
    {
      g_autoptr(JsonNode) node = NULL;
      guint status = try_login (i % 2 == 0 ? a : b, session, username, "wrong-password", &node);

      g_test_message ("wrong password %u on %s", i + 1, i % 2 == 0 ? "A" : "B");
      fd_test_assert_error (status, node, 401, "bad-credentials", NULL);
    }
  /* locked everywhere, with the right password too */
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(JsonNode) node = NULL;
      guint status = try_login (i == 0 ? b : a, session, username, password, &node);

      fd_test_assert_error (status, node, 423, "account-locked", NULL);
    }
}

/* One fewer than the limit, in turn, then the right password: no lock,
 * and the count starts again (a success clears it on both servers). */
static void
test_lockout_count_exact (FdTestFixture *fx,
                          gconstpointer  data)
{
  SoupSession *session = fx->session;
  g_autofree char *username = fd_test_create_user (a, session, "patrol", NULL);
  const char *password = fd_test_server_get_password (a);

  for (guint round = 0; round < 2; round++)
    {
      for (guint i = 0; i < LOCK_AFTER - 1; i++)
        g_assert_cmpuint (try_login (i % 2 == 0 ? b : a, session, username, "wrong", NULL), ==,
                          401);
      g_assert_cmpuint (try_login (round == 0 ? a : b, session, username, password, NULL), ==,
                        201);
    }
}

/* Wrong passwords all at once over both: exactly the limit are checked
 * (401), every other one meets the lock (423). */
static void
test_lockout_parallel (FdTestFixture *fx,
                       gconstpointer  data)
{
  SoupSession *session = fx->session;
  g_autofree char *username = fd_test_create_user (a, session, "reception", NULL);
  g_autofree char *json = login_json (username, "wrong-password");
  guint n = 24;
  FdTestShot *shots = send_together (n, "POST", "/api/v1/session", NULL, json);
  guint status;

  report ("wrong sign-ins", shots, n);
  g_assert_cmpuint (fd_test_shots_count (shots, n, 401), ==, LOCK_AFTER);
  g_assert_cmpuint (fd_test_shots_count (shots, n, 423), ==, n - LOCK_AFTER);
  shots_free (shots, n);

  status = try_login (b, session, username, fd_test_server_get_password (a), NULL);
  g_assert_cmpuint (status, ==, 423);
}

/* Reveal limit */

/* Reveals of one user all at once over both servers: exactly the hourly
 * limit is granted, the rest answer 429, and the limit holds afterwards. */
static void
test_reveal_limit_parallel (FdTestFixture *fx,
                            gconstpointer  data)
{
  SoupSession *session = fx->session;
  g_autofree char *username = NULL;
  g_autofree char *token = new_user_on_b (session, "reception", &username);
  g_autofree char *id = fd_test_resident_with_id_number (a, session, token);
  g_autofree char *path = g_strdup_printf ("/api/v1/residents/%s/reveal", id);
  g_autofree char *body = g_strdup_printf ("{\"field\": \"id_number\", \"reason_code\": "
                                           "\"verify-identity\", \"password\": \"%s\"}",
                                           fd_test_server_get_password (a));
  guint n = 30;
  FdTestShot *shots = send_together (n, "POST", path, token, body);

  report ("reveals", shots, n);
  g_assert_cmpuint (fd_test_shots_count (shots, n, 200), ==, REVEALS);
  g_assert_cmpuint (fd_test_shots_count (shots, n, 429), ==, n - REVEALS);
  shots_free (shots, n);

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(JsonNode) node = NULL;
      guint status;

      node = fd_test_request (i == 0 ? a : b, session, "POST", path, token, body, &status, NULL);
      fd_test_assert_error (status, node, 429, "rate-limited", NULL);
    }
}

/* Audit chain */

static gint64
verify_entries (FdTestServer *server,
                SoupSession  *session,
                const char   *auditor)
{
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;
  guint status;

  node = fd_test_request (server, session, "GET", "/api/v1/audit/verify", auditor, NULL,
                          &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  object = fd_test_get_object (node);
  g_assert_true (json_object_get_boolean_member (object, "ok"));
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (object, "first_bad_seq")));
  return json_object_get_int_member (object, "entries");
}

/* Audited requests at once on both servers: one chain, verified by both,
 * its seq gap-free from 1, every request in it. */
static void
test_audit_chain_parallel (FdTestFixture *fx,
                           gconstpointer  data)
{
  SoupSession *session = fx->session;
  g_autofree char *username = fd_test_create_user (a, session, "reception", NULL);
  g_autofree char *token = fd_test_login (a, session, username);
  g_autofree char *auditor = fd_test_login (b, session, "auditor");
  g_autofree char *id = fd_test_resident_with_id_number (b, session, token);
  g_autofree char *path = g_strdup_printf ("/api/v1/residents/%s", id);
  g_autoptr(GPtrArray) items = NULL;
  g_autofree char *actor_path = g_strdup_printf ("/api/v1/audit?actor=%s&limit=100", username);
  g_autoptr(GPtrArray) mine = NULL;
  gint64 before = verify_entries (a, session, auditor);
  gint64 after, previous = 0;
  guint n = 40, views = 0;
  FdTestShot *shots = send_together (n, "GET", path, token, NULL);

  report ("audited views", shots, n);
  g_assert_cmpuint (fd_test_shots_count (shots, n, 200), ==, n);
  shots_free (shots, n);

  after = verify_entries (b, session, auditor);
  g_assert_cmpint (after, >=, before + n);
  g_assert_cmpint (verify_entries (a, session, auditor), >=, after);

  /* /audit lists newest first: seq falls by one from item to item, down to 1 */
  items = fd_test_fetch_all (a, session, auditor, "/api/v1/audit?limit=100");
  g_assert_cmpuint (items->len, >=, (guint) after);
  for (guint i = 0; i < items->len; i++)
    {
      gint64 seq = json_object_get_int_member (g_ptr_array_index (items, i), "seq");

      if (i > 0)
        g_assert_cmpint (seq, ==, previous - 1);
      previous = seq;
    }
  g_assert_cmpint (previous, ==, 1);

  /* every one of the parallel views is there */
  mine = fd_test_fetch_all (b, session, auditor, actor_path);
  for (guint i = 0; i < mine->len; i++)
    {
      JsonObject *item = g_ptr_array_index (mine, i);

      if (g_str_equal (fd_test_get_string (item, "action"), "view"))
        views++;
    }
  g_assert_cmpuint (views, >=, n);
}

/* Bulk listing */

/* Lists every resident, 100 a page, each page from the other server
 * than the one before (the cursor is good on both); the status of the
 * first answer that is not 200, or 200. */
static guint
page_through_both (SoupSession *session,
                   const char  *token)
{
  g_autofree char *cursor = NULL;

  for (guint page = 0;; page++)
    {
      g_autofree char *escaped = cursor ? g_uri_escape_string (cursor, NULL, TRUE) : NULL;
      g_autofree char *path = g_strdup_printf ("/api/v1/residents?limit=100%s%s",
                                               cursor ? "&cursor=" : "", cursor ? escaped : "");
      g_autoptr(JsonNode) node = NULL;
      JsonNode *next;
      guint status;

      node = fd_test_request (page % 2 == 0 ? a : b, session, "GET", path, token, NULL, &status,
                              NULL);
      if (status != 200)
        return status;
      next = json_object_get_member (fd_test_get_object (node), "next_cursor");
      if (next == NULL || JSON_NODE_HOLDS_NULL (next))
        return 200;
      g_free (cursor);
      cursor = g_strdup (json_node_get_string (next));
    }
}

/* In hours, one account lists everyone over both servers: the listed
 * count is one count, so one in-hours-bulk alert is raised, and the
 * server that did not raise it finds it in the database rather than
 * raising its own, then and on a second pass. */
static void
test_bulk_alert_once (FdTestFixture *fx,
                      gconstpointer  data)
{
  SoupSession *session = fx->session;
  g_autofree char *username = NULL;
  g_autofree char *token = new_user_on_b (session, "finance", &username);

  g_assert_cmpuint (page_through_both (session, token), ==, 200);
  g_assert_cmpuint (fd_test_count_alerts (a, session, "in-hours-bulk", username), ==, 1);
  g_assert_cmpuint (page_through_both (session, token), ==, 200);
  g_assert_cmpuint (fd_test_count_alerts (b, session, "in-hours-bulk", username), ==, 1);
  g_assert_cmpuint (fd_test_count_alerts (a, session, "off-hours-bulk", username), ==, 0);
}

static void
test_not_postgresql (void)
{
  g_test_skip ("PostgreSQL only: two servers share one office only over PostgreSQL "
               "(FD_TEST_STORE=postgresql, the integration-pg suite)");
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  if (!fd_test_store_is_postgresql ())
    {
      g_test_add_func ("/fd/server/multi/not-postgresql", test_not_postgresql);
      return g_test_run ();
    }

  a = fd_test_server_start (&(FdTestServerOptions) { .residents = RESIDENTS });
  b = fd_test_server_start (&(FdTestServerOptions) {
    .data_dir = fd_test_server_get_data_dir (a),
    .password = fd_test_server_get_password (a),
  });
  g_assert_cmpstr (fd_test_server_get_database (a), ==, fd_test_server_get_database (b));

  fd_test_add ("/fd/server/multi/session-shared", a, test_session_shared);
  fd_test_add ("/fd/server/multi/disable-ends-session-elsewhere", a,
               test_disable_ends_session_elsewhere);
  fd_test_add ("/fd/server/multi/lockout-alternating", a, test_lockout_alternating);
  fd_test_add ("/fd/server/multi/lockout-count-exact", a, test_lockout_count_exact);
  fd_test_add ("/fd/server/multi/lockout-parallel", a, test_lockout_parallel);
  fd_test_add ("/fd/server/multi/reveal-limit-parallel", a, test_reveal_limit_parallel);
  fd_test_add ("/fd/server/multi/audit-chain-parallel", a, test_audit_chain_parallel);
  fd_test_add ("/fd/server/multi/bulk-alert-once", a, test_bulk_alert_once);

  ret = g_test_run ();

  /* B first: A owns the data directory */
  fd_test_server_stop (b);
  fd_test_server_stop (a);
  return ret;
}
