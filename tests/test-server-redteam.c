/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests an outsider's attacks on the office server, over the wire. */

/* test-server-redteam.c — an outsider's attacks on the office server, over the wire
 *
 * Each case is something a user, an administrator or an attacker could try
 * against a running server: the raw-socket ones speak TLS by hand so that
 * nothing in a client library smooths the request over.
 */

#include "config.h"

#include <string.h>

#include "fd-test-server.h"

static const char *roles[] = { "reception", "patrol", "finance", "manager", "auditor", "admin" };
static char *tokens[G_N_ELEMENTS (roles)];

static const char *
token_of (const char *role)
{
  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    if (g_str_equal (roles[i], role))
      return tokens[i];
  g_assert_not_reached ();
}

/* raw TLS */

static void
raw_send (GIOStream  *stream,
          const void *data,
          gsize       size)
{
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all (g_io_stream_get_output_stream (stream), data, size, NULL, NULL,
                             &error);
  g_assert_no_error (error);
}

/* One request on a fresh TLS connection; returns the answer (may be ""). */
static char *
raw_exchange (FdTestFixture *fx,
              const char    *request,
              guint          timeout_s,
              gboolean      *timed_out)
{
  FdTestServer *server = fx->server;
  g_autoptr(GIOStream) stream = fd_test_raw_connect (server, timeout_s);

  raw_send (stream, request, strlen (request));
  return fd_test_raw_read_answer (stream, timed_out);
}

/* Counts sockets of the server's port in CLOSE_WAIT (state 08 in /proc/net/tcp):
 * the client has closed them and the server has not. */
static guint
count_close_wait (FdTestFixture *fx)
{
  FdTestServer *server = fx->server;
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *local = g_strdup_printf ("0100007F:%04X", fd_test_server_get_port (server));
  guint count = 0;

  g_assert_true (g_file_get_contents ("/proc/net/tcp", &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto(GStrv) cols = g_strsplit_set (g_strstrip (lines[i]), " ", -1);
      guint k = 0;
      const char *fields[4] = { NULL };

      for (guint j = 0; cols[j] != NULL && k < 4; j++)
        if (*cols[j] != '\0')
          fields[k++] = cols[j];
      if (k == 4 && g_str_equal (fields[1], local) && g_str_equal (fields[3], "08"))
        count++;
    }
  return count;
}

static void
assert_healthy (FdTestFixture *fx)
{
  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  g_autoptr(JsonNode) node = NULL;
  guint status;

  node = fd_test_request (server, session, "GET", "/api/v1/health", NULL, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
}

/* Problems found: these fail today. */

/* A client that closes its keep-alive connection must get its socket closed
 * by the server too, or every connection leaks a descriptor until the server
 * can accept no more (libsoup 3.2.x leaves idle connections in CLOSE_WAIT). */
static void
test_closed_connections_released (FdTestFixture *fx,
                                  gconstpointer  data)
{
  FdTestServer *server = fx->server;
  const char request[] = "GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  guint before = count_close_wait (fx);
  guint after = 0;

  for (guint i = 0; i < 40; i++)
    {
      g_autoptr(GIOStream) stream = fd_test_raw_connect (server, 5);
      g_autofree char *answer = NULL;
      gboolean timed_out;

      raw_send (stream, request, strlen (request));
      answer = fd_test_raw_read_answer (stream, &timed_out);
      g_assert_cmpuint (fd_test_raw_status (answer), ==, 200);
      g_io_stream_close (stream, NULL, NULL);
    }
  /* Give the server up to 3 s to notice. */
  for (guint i = 0; i < 30; i++)
    {
      after = count_close_wait (fx);
      if (after <= before + 2)
        break;
      g_usleep (100 * 1000);
    }
  g_test_message ("CLOSE_WAIT sockets on the server's port: %u before, %u after 40 closed "
                  "connections", before, after);
  g_assert_cmpuint (after, <=, before + 2);
  assert_healthy (fx);
}

/* api.md: "With Content-Length this happens before the body is read, and the
 * connection is closed." Today the 413 waits for the whole declared body and
 * the server buffers it in memory meanwhile (a 1 GB Content-Length lets an
 * unauthenticated client grow the server by what it sends). */
static void
test_too_large_before_body (FdTestFixture *fx,
                            gconstpointer  data)
{
  const char request[] = "POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                         "Content-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n";
  g_autofree char *answer = NULL;
  gboolean timed_out;

  answer = raw_exchange (fx, request, 3, &timed_out);
  g_assert_false (timed_out);
  g_assert_cmpuint (fd_test_raw_status (answer), ==, 413);
  g_assert_nonnull (strstr (answer, "\"too-large\""));
  assert_healthy (fx);
}

/* api.md: every JSON answer carries Cache-Control: no-store, nosniff, HSTS and
 * CSP. The early 413 (Content-Length over 64 KiB) carries none of them. */
static void
test_too_large_headers (FdTestFixture *fx,
                        gconstpointer  data)
{
  FdTestServer *server = fx->server;
  gsize size = 70000;
  g_autofree char *head = g_strdup_printf ("POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                           "Content-Type: application/json\r\n"
                                           "Content-Length: %" G_GSIZE_FORMAT "\r\n\r\n", size);
  g_autofree char *body = g_malloc (size);
  g_autoptr(GIOStream) stream = fd_test_raw_connect (server, 5);
  g_autofree char *answer = NULL;
  g_autofree char *lower = NULL;
  gboolean timed_out;

  memset (body, ' ', size);
  body[0] = '{';
  raw_send (stream, head, strlen (head));
  raw_send (stream, body, size);
  answer = fd_test_raw_read_answer (stream, &timed_out);
  g_assert_cmpuint (fd_test_raw_status (answer), ==, 413);
  lower = g_ascii_strdown (answer, -1);
  g_assert_nonnull (strstr (lower, "\r\ncache-control: no-store"));
  g_assert_nonnull (strstr (lower, "\r\nx-content-type-options: nosniff"));
  g_assert_nonnull (strstr (lower, "\r\nstrict-transport-security:"));
}

/* Authorization is a singleton header (RFC 9110 §11.6.2). Two of them are an
 * ambiguity a proxy and the server may settle differently; today the server
 * quietly takes the last one. */
static void
test_duplicate_authorization (FdTestFixture *fx,
                              gconstpointer  data)
{
  const char *token = token_of ("reception");
  g_autofree char *first_bad = g_strdup_printf ("GET /api/v1/residents?limit=1 HTTP/1.1\r\n"
                                                "Host: 127.0.0.1\r\n"
                                                "Authorization: Bearer not-a-token\r\n"
                                                "Authorization: Bearer %s\r\n"
                                                "Connection: close\r\n\r\n", token);
  g_autofree char *answer = NULL;
  gboolean timed_out;

  answer = raw_exchange (fx, first_bad, 5, &timed_out);
  g_assert_cmpuint (fd_test_raw_status (answer), >=, 400);
  g_assert_cmpuint (fd_test_raw_status (answer), <, 500);
  g_assert_null (strstr (answer, "\"items\""));
}

/* A JSON string with U+0000 is cut at the NUL by the server: the account
 * "reception\u0000anything" signs in as reception, and the password is only
 * compared up to the NUL. Such a string is not valid text: 400 naming the member. */
static void
test_nul_in_members (FdTestFixture *fx,
                     gconstpointer  data)
{
  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  g_autofree char *login = g_strdup_printf ("{\"username\": \"reception\\u0000x\", "
                                            "\"password\": \"%s\"}",
                                            fd_test_server_get_password (server));
  g_autofree char *password = g_strdup_printf ("{\"username\": \"reception\", "
                                               "\"password\": \"%s\\u0000x\"}",
                                               fd_test_server_get_password (server));
  g_autoptr(JsonNode) a = NULL;
  g_autoptr(JsonNode) b = NULL;
  guint status;

  a = fd_test_request (server, session, "POST", "/api/v1/session", NULL, login, &status, NULL);
  fd_test_assert_error (status, a, 400, "bad-request", "username");
  b = fd_test_request (server, session, "POST", "/api/v1/session", NULL, password, &status, NULL);
  g_assert_cmpuint (status, !=, 201);
}

/* `other` needs reason_text of at least 5 characters after trimming. The
 * server trims ASCII white space only, so ideographic (U+3000) or no-break
 * (U+00A0) spaces around two letters pass as a reason, and the phone is revealed. */
static void
test_other_reason_unicode_space (FdTestFixture *fx,
                                 gconstpointer  data)
{
  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  const char *texts[] = { "\\u3000\\u3000ab\\u3000\\u3000",
                          "\\u00a0\\u00a0\\u00a0ab\\u00a0\\u00a0" };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"field\": \"phone\", \"reason_code\": \"other\","
                                               " \"reason_text\": \"%s\"}", texts[i]);
      g_autoptr(JsonNode) node = NULL;
      g_autofree char *body = NULL;
      guint status;

      node = fd_test_request (server, session, "POST", "/api/v1/residents/2/reveal",
                              token_of ("reception"), json, &status, &body);
      fd_test_assert_no_clear_pii (body, FALSE);
      fd_test_assert_error (status, node, 400, "bad-request", "reason_text");
    }
}

/* Regression guards: these pass today. */

typedef struct
{
  const char *method;
  const char *path;
  const char *body;
  const char *allowed;   /* space-separated roles that get a non-403 */
} RouteCase;

static void
test_route_matrix (FdTestFixture *fx,
                   gconstpointer  data)
{
  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  const RouteCase cases[] = {
    { "GET", "/api/v1/residents?limit=1", NULL, "reception patrol finance manager" },
    { "GET", "/api/v1/residents/1", NULL, "reception patrol finance manager" },
    { "POST", "/api/v1/residents/1/verify", "{\"field\": \"phone\", \"value\": \"13800000000\"}",
      "reception patrol finance manager" },
    { "POST", "/api/v1/residents/1/verify",
      "{\"field\": \"id_number\", \"value\": \"11010119900307001X\"}", "reception manager" },
    { "GET", "/api/v1/rooms?q=1", NULL, "reception manager" },
    { "GET", "/api/v1/visitors", NULL, "reception patrol manager" },
    { "GET", "/api/v1/visitors/export", NULL, "manager" },
    { "POST", "/api/v1/visitors/1/checkout", NULL, "reception manager" },
    { "GET", "/api/v1/audit?limit=1", NULL, "manager auditor" },
    { "GET", "/api/v1/audit/verify", NULL, "manager auditor" },
    { "GET", "/api/v1/alerts?limit=1", NULL, "manager auditor" },
    { "GET", "/api/v1/incident", NULL, "manager auditor" },
    { "PUT", "/api/v1/incident", "{\"frozen\": false}", "manager" },
    { "GET", "/api/v1/users", NULL, "admin" },
    { "POST", "/api/v1/users", "{}", "admin" },
    { "PATCH", "/api/v1/users/1", "{}", "admin" },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    for (guint r = 0; r < G_N_ELEMENTS (roles); r++)
      {
        g_auto(GStrv) allowed = g_strsplit (cases[c].allowed, " ", -1);
        g_autoptr(JsonNode) node = NULL;
        g_autofree char *body = NULL;
        guint status;

        g_test_message ("%s %s as %s", cases[c].method, cases[c].path, roles[r]);
        node = fd_test_request (server, session, cases[c].method, cases[c].path, tokens[r],
                                cases[c].body, &status, &body);
        if (g_strv_contains ((const char * const *) allowed, roles[r]))
          {
            g_assert_cmpuint (status, !=, 403);
            g_assert_cmpuint (status, <, 500);
          }
        else
          fd_test_assert_error (status, node, 403, "forbidden", NULL);
        /* Nobody but patrol and manager ever gets a clear plate in a list or record. */
        fd_test_assert_no_clear_pii (body, g_str_equal (roles[r], "patrol") ||
                                           g_str_equal (roles[r], "manager"));
      }
}

static guint
count_hits (FdTestFixture *fx,
            const char    *role,
            const char    *q)
{
  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  g_autofree char *escaped = g_uri_escape_string (q, NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("/api/v1/residents?limit=100&q=%s", escaped);
  g_autoptr(JsonNode) node = NULL;
  guint status;

  node = fd_test_request (server, session, "GET", path, token_of (role), NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  return json_array_get_length (json_object_get_array_member (fd_test_get_object (node), "items"));
}

static char *
reveal (FdTestFixture *fx,
        const char    *resident,
        const char    *field)
{
  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  g_autofree char *path = g_strdup_printf ("/api/v1/residents/%s/reveal", resident);
  g_autofree char *json = g_strdup_printf ("{\"field\": \"%s\","
                                           " \"reason_code\": \"verify-identity\","
                                           " \"password\": \"%s\"}", field,
                                           fd_test_server_get_password (server));
  g_autoptr(JsonNode) node = NULL;
  guint status;

  node = fd_test_request (server, session, "POST", path, token_of ("manager"), json, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  return g_strdup (fd_test_get_string (fd_test_get_object (node), "value"));
}

/* Search must not be an oracle for what a role sees masked or not at all. */
static void
test_search_oracle (FdTestFixture *fx,
                    gconstpointer  data)
{
  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  g_autoptr(GPtrArray) all = fd_test_fetch_all (server, session, token_of ("manager"),
                                                "/api/v1/residents?limit=100");
  JsonObject *with_plate = NULL, *three_chars = NULL;

  for (guint i = 0; i < all->len; i++)
    {
      JsonObject *o = g_ptr_array_index (all, i);
      const char *name = json_object_get_string_member (json_object_get_object_member (o, "name"),
                                                        "value");
      JsonArray *plates = json_object_get_array_member (o, "plates");

      if (with_plate == NULL && json_array_get_length (plates) > 0 &&
          g_utf8_strlen (json_object_get_string_member (json_array_get_object_element (
            plates, 0), "value"), -1) == 7)
        with_plate = o;
      if (three_chars == NULL && g_utf8_strlen (name, -1) == 3)
        three_chars = o;
    }
  g_assert_nonnull (with_plate);
  g_assert_nonnull (three_chars);

  /* plates: the hidden middle of a 7-character plate (characters 4–6) */
  {
    const char *plate = json_object_get_string_member (json_array_get_object_element (
      json_object_get_array_member (with_plate, "plates"), 0), "value");
    const char *mid = g_utf8_offset_to_pointer (plate, 3);
    g_autofree char *hidden = g_strndup (mid, g_utf8_offset_to_pointer (plate, 6) - mid);
    g_autofree char *head_mid = g_strndup (plate, g_utf8_offset_to_pointer (plate, 5) - plate);

    g_assert_cmpuint (count_hits (fx, "patrol", plate), >=, 1);
    g_assert_cmpuint (count_hits (fx, "manager", plate), >=, 1);
    for (guint r = 0; r < 2; r++)
      {
        const char *role = r == 0 ? "reception" : "finance";

        g_assert_cmpuint (count_hits (fx, role, plate), ==, 0);
        g_assert_cmpuint (count_hits (fx, role, head_mid), ==, 0);
        /* only letters and digits can come back, never a plate match for the hidden part */
        if (strspn (hidden, "0123456789") != 3)
          g_assert_cmpuint (count_hits (fx, role, hidden), ==, 0);
      }
  }

  /* names: patrol sees the surname only */
  {
    JsonObject *field = json_object_get_object_member (three_chars, "name");
    const char *name = json_object_get_string_member (field, "value");
    const char *given = g_utf8_next_char (name);

    g_assert_cmpuint (count_hits (fx, "reception", name), >=, 1);
    g_assert_cmpuint (count_hits (fx, "patrol", name), ==, 0);
    g_assert_cmpuint (count_hits (fx, "patrol", given), ==, 0);
    g_assert_cmpuint (count_hits (fx, "patrol", g_utf8_offset_to_pointer (name, 2)), ==, 0);
  }

  /* room: patrol sees building-unit only */
  {
    JsonObject *field = json_object_get_object_member (three_chars, "room");
    const char *room = json_object_get_string_member (field, "value");

    g_assert_cmpuint (count_hits (fx, "reception", room), >=, 1);
    g_assert_cmpuint (count_hits (fx, "patrol", room), ==, 0);
  }

  /* ID digits and mobile prefixes: nobody */
  {
    const char *id = json_object_get_string_member (three_chars, "id");
    g_autofree char *phone = reveal (fx, id, "phone");
    g_autofree char *id_number = reveal (fx, id, "id_number");
    g_autofree char *phone7 = g_strndup (phone, 7);
    g_autofree char *birth = g_strndup (id_number + 6, 8);
    g_autofree char *id_head = g_strndup (id_number, 6);

    for (guint r = 0; r < 4; r++)
      {
        g_assert_cmpuint (count_hits (fx, roles[r], phone), ==, 0);
        g_assert_cmpuint (count_hits (fx, roles[r], phone7), ==, 0);
        g_assert_cmpuint (count_hits (fx, roles[r], id_number), ==, 0);
        g_assert_cmpuint (count_hits (fx, roles[r], birth), ==, 0);
        g_assert_cmpuint (count_hits (fx, roles[r], id_head), ==, 0);
      }
    explicit_bzero (phone, strlen (phone));
    explicit_bzero (id_number, strlen (id_number));
  }
}

/* A cursor belongs to one role and one query. */
static void
test_cursor_scope (FdTestFixture *fx,
                   gconstpointer  data)
{
  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *cursor = NULL;
  guint status;

  node = fd_test_request (server, session, "GET", "/api/v1/residents?limit=1",
                          token_of ("reception"), NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  cursor = g_uri_escape_string (fd_test_get_string (fd_test_get_object (node), "next_cursor"),
                                NULL, FALSE);
  for (guint r = 1; r < 4; r++)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/residents?limit=1&cursor=%s", cursor);
      g_autoptr(JsonNode) other = NULL;

      other = fd_test_request (server, session, "GET", path, tokens[r], NULL, &status, NULL);
      fd_test_assert_error (status, other, 400, "bad-request", "cursor");
    }
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/residents?limit=1&q=1&cursor=%s", cursor);
    g_autoptr(JsonNode) other = NULL;

    other = fd_test_request (server, session, "GET", path, token_of ("reception"), NULL, &status,
                             NULL);
    fd_test_assert_error (status, other, 400, "bad-request", "cursor");
  }
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/visitors?limit=1&cursor=%s", cursor);
    g_autoptr(JsonNode) other = NULL;

    other = fd_test_request (server, session, "GET", path, token_of ("reception"), NULL, &status,
                             NULL);
    fd_test_assert_error (status, other, 400, "bad-request", "cursor");
  }
}

/* Authorization header forms that must not authenticate, and raw oddities
 * that must get a 4xx and leave the server serving. */
static void
test_raw_oddities (FdTestFixture *fx,
                   gconstpointer  data)
{
  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  const char *token = token_of ("reception");
  g_autofree char *extra = g_strdup_printf ("Bearer %sx", token);
  g_autofree char *two_spaces = g_strdup_printf ("Bearer  %s", token);
  g_autofree char *basic = g_strdup_printf ("Basic %s", token);
  const char *bad_auth[] = { extra, two_spaces, basic, "Bearer", "Bearer ", token };
  const char *raw[] = {
    "GET /api/v1/health\r\n\r\n",
    "GET /api/v1/residents?q=%ff%fe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    "POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n"
    "Connection: close\r\n\r\n{}x",
    "GET /API/V1/HEALTH HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad_auth); i++)
    {
      FdTestRequest request = { .method = "GET", .path = "/api/v1/residents?limit=1",
                                .authorization = bad_auth[i] };
      g_autoptr(JsonNode) node = NULL;
      g_autoptr(GError) error = NULL;
      guint status;

      node = fd_test_request_full (server, session, &request, &status, NULL, &error);
      g_assert_no_error (error);
      fd_test_assert_error (status, node, 401, "unauthenticated", NULL);
    }
  for (guint i = 0; i < G_N_ELEMENTS (raw); i++)
    {
      g_autofree char *answer = NULL;
      gboolean timed_out;

      answer = raw_exchange (fx, raw[i], 5, &timed_out);
      g_assert_false (timed_out);
      g_assert_cmpuint (fd_test_raw_status (answer), >=, 400);
      g_assert_cmpuint (fd_test_raw_status (answer), <, 500);
      assert_healthy (fx);
    }
  {
    const char nul[] = "GET /api/v1/resi\0dents HTTP/1.1\r\nHost: x\r\n\r\n";
    g_autoptr(GIOStream) stream = fd_test_raw_connect (server, 5);
    g_autofree char *answer = NULL;
    gboolean timed_out;

    raw_send (stream, nul, sizeof nul - 1);
    answer = fd_test_raw_read_answer (stream, &timed_out);
    g_assert_false (timed_out);
    g_assert_cmpuint (fd_test_raw_status (answer), ==, 400);
    assert_healthy (fx);
  }
}

/* HTTP/1.0 and pipelined requests are answered in order. */
static void
test_http10_and_pipelining (FdTestFixture *fx,
                            gconstpointer  data)
{
  FdTestServer *server = fx->server;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  gboolean timed_out;

  a = raw_exchange (fx, "GET /api/v1/health HTTP/1.0\r\n\r\n", 5, &timed_out);
  g_assert_cmpuint (fd_test_raw_status (a), ==, 200);
  {
    g_autoptr(GIOStream) stream = fd_test_raw_connect (server, 5);
    const char two[] = "GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n"
                       "GET /api/v1/nothing-here HTTP/1.1\r\nHost: x\r\n\r\n";
    g_autofree char *first = NULL;

    raw_send (stream, two, strlen (two));
    first = fd_test_raw_read_answer (stream, &timed_out);
    g_assert_cmpuint (fd_test_raw_status (first), ==, 200);
    b = fd_test_raw_read_answer (stream, &timed_out);
    g_assert_cmpuint (fd_test_raw_status (b), ==, 404);
  }
}

/* A few hundred concurrent requests: all answered, none a 5xx, server still up. */
typedef struct
{
  guint pending;
  guint ok;
  guint bad;
} Burst;

static void
burst_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Burst *burst = user_data;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (error == NULL && soup_message_get_status (msg) == 200)
    burst->ok++;
  else
    burst->bad++;
  burst->pending--;
}

static void
test_concurrent_burst (FdTestFixture *fx,
                       gconstpointer  data)
{
  FdTestServer *server = fx->server;
  g_autoptr(SoupSession) many = fd_test_server_new_session (server);
  g_autofree char *authorization = g_strdup_printf ("Bearer %s", token_of ("patrol"));
  Burst burst = { 0 };
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  for (guint i = 0; i < 300; i++)
    {
      g_autofree char *url = g_strdup_printf ("%s/api/v1/residents?limit=5&q=%u",
                                              fd_test_server_get_base_url (server), 1 + i % 9);
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                    authorization);
      burst.pending++;
      soup_session_send_and_read_async (many, msg, G_PRIORITY_DEFAULT, NULL, burst_done, &burst);
    }
  while (burst.pending > 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (burst.pending, ==, 0);
  g_assert_cmpuint (burst.ok, ==, 300);
  g_assert_cmpuint (burst.bad, ==, 0);
  assert_healthy (fx);
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
  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    tokens[i] = fd_test_login (server, session, roles[i]);

  /* passing: regression guards */
  fd_test_add ("/fd/server/redteam/route-matrix", server, test_route_matrix);
  fd_test_add ("/fd/server/redteam/search-oracle", server, test_search_oracle);
  fd_test_add ("/fd/server/redteam/cursor-scope", server, test_cursor_scope);
  fd_test_add ("/fd/server/redteam/raw-oddities", server, test_raw_oddities);
  fd_test_add ("/fd/server/redteam/http10-pipelining", server, test_http10_and_pipelining);
  fd_test_add ("/fd/server/redteam/concurrent-burst", server, test_concurrent_burst);
  /* failing today: problems reported to the lead */
  fd_test_add ("/fd/server/redteam/closed-connections-released", server, test_closed_connections_released);
  fd_test_add ("/fd/server/redteam/too-large-before-body", server, test_too_large_before_body);
  fd_test_add ("/fd/server/redteam/too-large-headers", server, test_too_large_headers);
  fd_test_add ("/fd/server/redteam/duplicate-authorization", server, test_duplicate_authorization);
  fd_test_add ("/fd/server/redteam/nul-in-members", server, test_nul_in_members);
  fd_test_add ("/fd/server/redteam/other-reason-unicode-space", server, test_other_reason_unicode_space);

  ret = g_test_run ();

  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    g_free (tokens[i]);
  g_object_unref (session);
  fd_test_server_stop (server);
  return ret;
}
