/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests hostile and broken requests: clear 4xx, never a 500. */

/* test-server-abuse.c — hostile and broken requests: clear 4xx, never a 500,
 * and the server keeps serving
 */

#include "config.h"

#include <string.h>

#include "fd-test-server.h"

static char *reception;
static char *manager;
static char *resident;      /* an existing resident id */

static void
assert_healthy (FdTestFixture *fx)
{
  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  g_autoptr(JsonNode) node = NULL;
  guint status;

  node = fd_test_request (server, session, "GET", "/api/v1/health", NULL, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (fd_test_get_string (fd_test_get_object (node), "status"), ==, "ok");
}

/* Sends raw bytes; asserts the status (0 = any 4xx) and, for JSON errors,
 * the code and member. */
static void
send_raw (FdTestFixture *fx,
          const char    *method,
          const char    *path,
          const char    *token,
          const void    *data,
          gsize          size,
          guint          expected,
          const char    *code,
          const char    *member)
{
  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  g_autofree char *authorization = token != NULL ? g_strconcat ("Bearer ", token, NULL) : NULL;
  g_autoptr(GBytes) bytes = data != NULL ? g_bytes_new (data, size) : NULL;
  FdTestRequest request = { .method = method, .path = path, .authorization = authorization,
                            .body = bytes };
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;
  guint status;

  node = fd_test_request_full (server, session, &request, &status, &body, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, <, 500);
  if (expected == 0)
    {
      g_assert_cmpuint (status, >=, 400);
      g_assert_cmpuint (status, <, 500);
    }
  else if (code != NULL)
    fd_test_assert_error (status, node, expected, code, member);
  else
    g_assert_cmpuint (status, ==, expected);
  fd_test_assert_no_clear_pii (body, FALSE);
  assert_healthy (fx);
}

static void
send_json (FdTestFixture *fx,
           const char    *method,
           const char    *path,
           const char    *token,
           const char    *json,
           guint          expected,
           const char    *code,
           const char    *member)
{
  g_test_message ("%s %.60s", method, json != NULL ? json : path);
  send_raw (fx, method, path, token, json, json != NULL ? strlen (json) : 0, expected, code,
            member);
}

static void
test_malformed_json (FdTestFixture *fx,
                     gconstpointer  data)
{
  const char *bodies[] = { "{", "", "null", "[]", "\"x\"", "{\"username\": }", "{} {}",
                           "{\"username\": \"reception\", \"password\": \"x\"",
                           "\xef\xbb\xbf{\"username\": 1}" };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    send_json (fx, "POST", "/api/v1/session", NULL, bodies[i], 400, "bad-request", NULL);
}

static void
test_wrong_types (FdTestFixture *fx,
                  gconstpointer  data)
{
  send_json (fx, "POST", "/api/v1/session", NULL,
             "{\"username\": 5, \"password\": \"x\", \"workstation\": \"w\"}",
             400, "bad-request", "username");
  send_json (fx, "POST", "/api/v1/session", NULL,
             "{\"username\": \"reception\", \"password\": [\"x\"], \"workstation\": \"w\"}",
             400, "bad-request", "password");
  send_json (fx, "POST", "/api/v1/session", NULL,
             "{\"username\": \"reception\", \"password\": null, \"workstation\": \"w\"}",
             400, "bad-request", "password");
  send_json (fx, "POST", "/api/v1/visitors", reception,
             "{\"name\": {\"a\": 1}, \"phone\": \"13912340007\", \"room\": \"1-1-101\","
             " \"purpose\": \"x\"}", 400, "bad-request", "name");
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/residents/%s/reveal", resident);

    send_json (fx, "POST", path, reception, "{\"field\": 7, \"reason_code\": \"refund\"}", 400,
               "bad-request", "field");
  }
  send_json (fx, "PUT", "/api/v1/incident", manager,
             "{\"frozen\": \"yes\"}", 400, "bad-request", "frozen");
}

static void
test_unknown_members (FdTestFixture *fx,
                      gconstpointer  data)
{
  FdTestServer *server = fx->server;
  g_autofree char *json = g_strdup_printf ("{\"username\": \"reception\", \"password\": \"%s\","
                                           " \"workstation\": \"w\", \"extra\": [1, 2, {}],"
                                           " \"admin\": true}",
                                           fd_test_server_get_password (server));

  send_json (fx, "POST", "/api/v1/session", NULL, json, 201, NULL, NULL);
}

static void
test_too_large (FdTestFixture *fx,
                gconstpointer  data)
{
  gsize mib = 1024 * 1024;
  g_autofree char *big = g_malloc (mib);
  g_autofree char *just_over = NULL;
  GString *under = g_string_new ("{\"username\": \"nobody\", \"password\": \"x\", \"pad\": \"");

  memset (big, 'A', mib);
  big[0] = '{';
  send_raw (fx, "POST", "/api/v1/session", NULL, big, mib, 413, "too-large", NULL);
  send_raw (fx, "POST", "/api/v1/visitors", reception, big, mib, 413, "too-large", NULL);

  just_over = g_strnfill (64 * 1024 + 1, ' ');
  send_raw (fx, "POST", "/api/v1/session", NULL, just_over, 64 * 1024 + 1, 413, "too-large", NULL);

  /* Just under the limit: an ordinary answer. */
  while (under->len < 60 * 1024)
    g_string_append_c (under, 'A');
  g_string_append (under, "\"}");
  send_raw (fx, "POST", "/api/v1/session", NULL, under->str, under->len, 401, "bad-credentials",
            NULL);
  g_string_free (under, TRUE);
}

/* Long strings in members that reach the audit log. */
static void
test_long_members (FdTestFixture *fx,
                   gconstpointer  data)
{
  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  g_autofree char *pad = g_strnfill (20000, 'x');
  g_autofree char *login = g_strdup_printf ("{\"username\": \"reception\", \"password\": \"%s\","
                                            " \"workstation\": \"%s\"}",
                                            fd_test_server_get_password (server), pad);
  g_autofree char *user = g_strdup_printf ("{\"username\": \"%s\", \"password\": \"x\","
                                           " \"workstation\": \"w\"}", pad);
  g_autofree char *path = g_strdup_printf ("/api/v1/residents/%s/reveal", resident);
  g_autofree char *reveal = g_strdup_printf ("{\"field\": \"phone\", \"reason_code\": \"other\","
                                             " \"reason_text\": \"%s\"}", pad);
  g_autofree char *newline = g_strdup_printf ("{\"username\": \"reception\", \"password\": \"%s\","
                                              " \"workstation\": \"a\\nseq=1 forged\"}",
                                              fd_test_server_get_password (server));

  send_json (fx, "POST", "/api/v1/session", NULL, login, 0, NULL, NULL);
  send_json (fx, "POST", "/api/v1/session", NULL, user, 0, NULL, NULL);
  send_json (fx, "POST", path, reception, reveal, 400, "bad-request", "reason_text");
  /* A control character in the workstation: refused or stored escaped. */
  {
    g_autoptr(JsonNode) node = NULL;
    guint status;

    node = fd_test_request (server, session, "POST", "/api/v1/session", NULL, newline, &status,
                            NULL);
    g_assert_true (status == 201 || status == 400);
    assert_healthy (fx);
  }
}

static void
test_deep_nesting (FdTestFixture *fx,
                   gconstpointer  data)
{
  gsize depth = 30000;
  g_autofree char *deep = g_malloc (depth * 2);

  memset (deep, '[', depth);
  memset (deep + depth, ']', depth);
  send_raw (fx, "POST", "/api/v1/session", NULL, deep, depth * 2, 400, "bad-request", NULL);
  memset (deep, '{', 1);
  send_raw (fx, "POST", "/api/v1/session", NULL, deep, depth * 2, 400, "bad-request", NULL);
}

static void
test_invalid_utf8 (FdTestFixture *fx,
                   gconstpointer  data)
{
  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  const char body[] = "{\"username\": \"\xff\xfe\xc0\xaf\", \"password\": \"x\"}";
  const char nul[] = "{\"username\": \"rece\\u0000ption\", \"password\": \"x\"}";

  send_raw (fx, "POST", "/api/v1/session", NULL, body, sizeof body - 1, 400, "bad-request", NULL);
  send_raw (fx, "POST", "/api/v1/session", NULL, nul, sizeof nul - 1, 0, NULL, NULL);
  {
    const char *queries[] = { "%FF%FE", "%C0%AF", "%ED%A0%80", "%E5%BC", "%00",
                              "abc%00def" };

    for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
      {
        g_autofree char *path = g_strdup_printf ("/api/v1/residents?q=%s", queries[i]);
        g_autoptr(JsonNode) node = NULL;
        guint status;

        g_test_message ("q=%s", queries[i]);
        node = fd_test_request (server, session, "GET", path, reception, NULL, &status, NULL);
        g_assert_true (status == 400 || status == 200);
        if (status == 400)
          fd_test_assert_error (status, node, 400, "bad-request", "q");
        assert_healthy (fx);
      }
  }
}

static void
test_sql_metacharacters (FdTestFixture *fx,
                         gconstpointer  data)
{
  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  const char *queries[] = { "' OR 1=1 --", "%", "_", "%%", "__", "\\", "\\%", "\"", "';",
                            "1' OR '1'='1", "\"; DROP TABLE residents; --", "*", "[a-z]",
                            "% OR 1=1", "张%", "张_" };

  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_autofree char *escaped = g_uri_escape_string (queries[i], NULL, FALSE);
      g_autofree char *path = g_strdup_printf ("/api/v1/residents?q=%s&limit=100", escaped);
      g_autoptr(JsonNode) node = NULL;
      guint status;

      g_test_message ("q=%s", queries[i]);
      node = fd_test_request (server, session, "GET", path, reception, NULL, &status, NULL);
      g_assert_true (status == 200 || status == 400);
      /* Wildcards are literal: no name, room, mobile or plate holds them. */
      if (status == 200)
        g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                            fd_test_get_object (node), "items")), ==, 0);
      else
        fd_test_assert_error (status, node, 400, "bad-request", "q");
      assert_healthy (fx);
    }

  /* The table is still there. */
  {
    g_autoptr(JsonNode) node = NULL;
    guint status;

    node = fd_test_request (server, session, "GET", "/api/v1/residents?limit=5", reception,
                            NULL, &status, NULL);
    g_assert_cmpuint (status, ==, 200);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                        fd_test_get_object (node), "items")), ==, 5);
  }
}

static void
test_limits_and_cursors (FdTestFixture *fx,
                         gconstpointer  data)
{
  send_json (fx, "GET", "/api/v1/residents?limit=18446744073709551617", reception, NULL, 400,
             "bad-request", "limit");
  send_json (fx, "GET", "/api/v1/residents?limit=%00", reception, NULL, 400, "bad-request",
             "limit");
  send_json (fx, "GET", "/api/v1/residents?cursor=%FF%FE%00", reception, NULL, 400, "bad-request",
             "cursor");
  send_json (fx, "GET", "/api/v1/audit?limit=1000", manager,
             NULL, 400, "bad-request", "limit");
  send_json (fx, "GET", "/api/v1/visitors?limit=-5", reception, NULL, 400, "bad-request", "limit");
}

static void
test_routes (FdTestFixture *fx,
             gconstpointer  data)
{
  const char *missing[] = { "/", "/api", "/api/v1", "/api/v1/", "/api/v2/health",
                            "/api/v1/nope", "/api/v1/residents/x/y/z", "/api/v1/health/x",
                            "/index.html", "/api/v1/residents/a%2fb" };
  /* libsoup itself answers 400 (no body) to some of these: any 4xx. */
  const char *traversal[] = { "/api/v1/%2e%2e/%2e%2e/etc/passwd",
                              "/api/v1/residents/..%2f..%2fetc%2fpasswd",
                              "/api/v1/residents/%2e%2e", "/../../etc/passwd" };

  for (guint i = 0; i < G_N_ELEMENTS (missing); i++)
    {
      g_test_message ("GET %s", missing[i]);
      send_raw (fx, "GET", missing[i], reception, NULL, 0, 404, "not-found", NULL);
    }
  for (guint i = 0; i < G_N_ELEMENTS (traversal); i++)
    {
      g_test_message ("GET %s", traversal[i]);
      send_raw (fx, "GET", traversal[i], reception, NULL, 0, 0, NULL, NULL);
    }
}

static void
test_methods (FdTestFixture *fx,
              gconstpointer  data)
{
  struct { const char *method; const char *path; } cases[] = {
    { "DELETE", "/api/v1/health" }, { "POST", "/api/v1/health" },
    { "PUT", "/api/v1/residents" }, { "DELETE", "/api/v1/residents" },
    { "GET", "/api/v1/session/unlock" }, { "PATCH", "/api/v1/audit" },
    { "TRACE", "/api/v1/health" }, { "BREW", "/api/v1/health" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("%s %s", cases[i].method, cases[i].path);
      send_raw (fx, cases[i].method, cases[i].path, reception, NULL, 0, 0, NULL, NULL);
    }
}

static void
test_authorization (FdTestFixture *fx,
                    gconstpointer  data)
{
  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  const char *values[] = { "", "Bearer", "Bearer  ", "Token abc", "Bearer a.b.c",
                           "Bearer %00", NULL };
  g_autofree char *pad = g_strnfill (7000, 'A');
  g_autofree char *huge = g_strconcat ("Bearer ", pad, NULL);

  for (guint i = 0; i <= G_N_ELEMENTS (values); i++)
    {
      const char *value = i < G_N_ELEMENTS (values) ? values[i] : huge;
      FdTestRequest request = { .method = "GET", .path = "/api/v1/residents",
                                .authorization = value };
      g_autoptr(JsonNode) node = NULL;
      g_autoptr(GError) error = NULL;
      guint status;

      g_test_message ("Authorization variant %u", i);
      node = fd_test_request_full (server, session, &request, &status, NULL, &error);
      g_assert_no_error (error);
      if (value == NULL)
        fd_test_assert_error (status, node, 401, "unauthenticated", NULL);
      else
        {
          g_assert_cmpuint (status, >=, 400);
          g_assert_cmpuint (status, <, 500);
          if (status == 401)
            fd_test_assert_error (status, node, 401, "unauthenticated", NULL);
        }
      assert_healthy (fx);
    }
}

static void
test_long_path (FdTestFixture *fx,
                gconstpointer  data)
{
  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  g_autofree char *pad = g_strnfill (10 * 1024, 'a');
  g_autofree char *path = g_strconcat ("/api/v1/residents/", pad, NULL);
  g_autofree char *query = g_strconcat ("/api/v1/residents?q=", pad, NULL);
  g_autofree char *route = g_strconcat ("/", pad, NULL);

  send_raw (fx, "GET", path, reception, NULL, 0, 0, NULL, NULL);
  send_raw (fx, "GET", route, reception, NULL, 0, 0, NULL, NULL);
  {
    g_autoptr(JsonNode) node = NULL;
    guint status;

    node = fd_test_request (server, session, "GET", query, reception, NULL, &status, NULL);
    g_assert_true (status == 200 || status == 400 || status == 414);
    assert_healthy (fx);
  }
}

static void
test_content_type (FdTestFixture *fx,
                   gconstpointer  data)
{
  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  g_autofree char *json = g_strdup_printf ("{\"username\": \"reception\", \"password\": \"%s\","
                                           " \"workstation\": \"w\"}",
                                           fd_test_server_get_password (server));
  g_autoptr(GBytes) bytes = g_bytes_new (json, strlen (json));
  const char *types[] = { "text/plain", "application/x-www-form-urlencoded",
                          "multipart/form-data; boundary=x" };

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      FdTestRequest request = { .method = "POST", .path = "/api/v1/session", .body = bytes,
                                .content_type = types[i] };
      g_autoptr(JsonNode) node = NULL;
      g_autoptr(GError) error = NULL;
      guint status;

      node = fd_test_request_full (server, session, &request, &status, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (status, <, 500);
      assert_healthy (fx);
    }
}

/* Connections that never start a TLS handshake (a slowloris) must not
 * stall everyone else: /health answers within 10 s while 200 of them are
 * open. */
static void
test_idle_connections (FdTestFixture *fx,
                       gconstpointer  data)
{
  FdTestServer *server = fx->server;
  g_autoptr(GPtrArray) idle = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(SoupSession) quick = NULL;
  g_autoptr(GTlsDatabase) database = NULL;
  g_autofree char *uri = g_strdup_printf ("%s/api/v1/health",
                                          fd_test_server_get_base_url (server));
  g_autoptr(SoupMessage) message = soup_message_new ("GET", uri);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start, elapsed;

  for (guint i = 0; i < 200; i++)
    {
      GSocketConnection *connection;

      connection = g_socket_client_connect_to_host (client, "127.0.0.1",
                                                    fd_test_server_get_port (server), NULL,
                                                    &error);
      g_assert_no_error (error);
      g_ptr_array_add (idle, connection);
    }

  database = g_tls_file_database_new (fd_test_server_get_ca_path (server), &error);
  g_assert_no_error (error);
  quick = soup_session_new_with_options ("tls-database", database, "timeout", 10, NULL);
  start = g_get_monotonic_time ();
  bytes = soup_session_send_and_read (quick, message, NULL, &error);
  elapsed = g_get_monotonic_time () - start;
  g_test_message ("health with 200 idle connections: %s after %.1f s",
                  error != NULL ? error->message : "answered", elapsed / 1e6);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (message), ==, 200);

  g_ptr_array_set_size (idle, 0);
  assert_healthy (fx);
}

/* After all of it: reception still works normally. */
static void
test_still_serving (FdTestFixture *fx,
                    gconstpointer  data)
{
  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  g_autofree char *token = fd_test_login (server, session, "reception");
  g_autoptr(JsonNode) node = NULL;
  guint status;

  node = fd_test_request (server, session, "GET", "/api/v1/residents?limit=3", token, NULL,
                          &status, NULL);
  g_assert_cmpuint (status, ==, 200);
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
  {
    g_autoptr(JsonNode) node = NULL;
    guint status;

    node = fd_test_request (server, session, "GET", "/api/v1/residents?limit=1", reception,
                            NULL, &status, NULL);
    g_assert_cmpuint (status, ==, 200);
    resident = g_strdup (json_object_get_string_member (json_array_get_object_element (
      json_object_get_array_member (fd_test_get_object (node), "items"), 0), "id"));
  }

  fd_test_add ("/fd/server/abuse/malformed-json", server, test_malformed_json);
  fd_test_add ("/fd/server/abuse/wrong-types", server, test_wrong_types);
  fd_test_add ("/fd/server/abuse/unknown-members", server, test_unknown_members);
  fd_test_add ("/fd/server/abuse/too-large", server, test_too_large);
  fd_test_add ("/fd/server/abuse/long-members", server, test_long_members);
  fd_test_add ("/fd/server/abuse/deep-nesting", server, test_deep_nesting);
  fd_test_add ("/fd/server/abuse/invalid-utf8", server, test_invalid_utf8);
  fd_test_add ("/fd/server/abuse/sql-metacharacters", server, test_sql_metacharacters);
  fd_test_add ("/fd/server/abuse/limits-and-cursors", server, test_limits_and_cursors);
  fd_test_add ("/fd/server/abuse/routes", server, test_routes);
  fd_test_add ("/fd/server/abuse/methods", server, test_methods);
  fd_test_add ("/fd/server/abuse/authorization", server, test_authorization);
  fd_test_add ("/fd/server/abuse/long-path", server, test_long_path);
  fd_test_add ("/fd/server/abuse/content-type", server, test_content_type);
  fd_test_add ("/fd/server/abuse/idle-connections", server, test_idle_connections);
  fd_test_add ("/fd/server/abuse/still-serving", server, test_still_serving);

  ret = g_test_run ();

  g_free (reception);
  g_free (manager);
  g_free (resident);
  g_clear_object (&session);
  fd_test_server_stop (server);
  return ret;
}
