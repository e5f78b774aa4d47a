/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests limits under requests sent together. */

/* test-server-limits.c — limits that must hold under requests sent together
 * (issue 9, findings 2, 4 and the reason text of 7)
 *
 * Parallel requests go out together (fd-test-together.c). Two servers: one whose
 * off-hours window is around now, one whose window is hours away.
 */

#include "config.h"

#include <string.h>

#include "fd-test-together.h"

#define DAY_RESIDENTS   1200
#define NIGHT_RESIDENTS 500

static FdTestServer *night;   /* off hours now */
static FdTestServer *day;     /* in hours now */
static SoupSession *night_session;
static SoupSession *day_session;

typedef struct
{
  guint ok;        /* 200 */
  guint ended;     /* 401: the session had ended */
  guint locked;    /* 423 */
  guint limited;   /* 429 */
  guint other;
} Tally;

/* Sends @n POSTs of @body to @path at once and counts the answers. */
static Tally
post_together (FdTestServer *server,
               guint         n,
               const char   *path,
               const char   *token,
               const char   *body)
{
  g_autofree FdTestShot *shots = g_new0 (FdTestShot, n);
  Tally tally = { 0 };

  for (guint i = 0; i < n; i++)
    shots[i] = (FdTestShot) { .server = server, .path = path, .token = token, .body = body };
  fd_test_send_together (shots, n);
  for (guint i = 0; i < n; i++)
    switch (shots[i].status)
      {
      case 200: tally.ok++; break;
      case 401: tally.ended++; break;
      case 423: tally.locked++; break;
      case 429: tally.limited++; break;
      default: tally.other++;
      }
  fd_test_shots_clear (shots, n);
  g_test_message ("%u requests at once to %s: %u answered 200, %u 401, %u 423, %u 429, %u other",
                  n, path, tally.ok, tally.ended, tally.locked, tally.limited, tally.other);
  return tally;
}

/* helpers */

/* A new account of @role on @server, signed in (*token), and the path of
 * @action on a resident with an ID number on file (*path). */
static char *
new_user_at_resident (FdTestServer *server,
                      SoupSession  *session,
                      const char   *role,
                      const char   *action,
                      char        **token,
                      char        **path)
{
  g_autofree char *username = fd_test_create_user (server, session, role, NULL);
  g_autofree char *id = NULL;

  *token = fd_test_login (server, session, username);
  id = fd_test_resident_with_id_number (server, session, *token);
  *path = g_strdup_printf ("/api/v1/residents/%s/%s", id, action);
  return g_steal_pointer (&username);
}

static char *
id_number_reveal_body (FdTestServer *server)
{
  return g_strdup_printf ("{\"field\": \"id_number\", \"reason_code\": \"verify-identity\","
                          " \"password\": \"%s\"}", fd_test_server_get_password (server));
}

/* Finding 2: the hourly limit holds for reveals sent together. */
static void
test_reveal_parallel (void)
{
  g_autofree char *token = NULL, *path = NULL;
  g_autofree char *username = new_user_at_resident (day, day_session, "reception", "reveal",
                                                    &token, &path);
  g_autofree char *body = id_number_reveal_body (day);
  Tally tally = post_together (day, 40, path, token, body);

  g_assert_cmpuint (tally.ok, <=, 10);
  g_assert_cmpuint (tally.ok, >=, 1);
  g_assert_cmpuint (tally.ok + tally.limited, ==, 40);

  /* And the limit still holds afterwards. */
  {
    g_autoptr(JsonNode) node = NULL;
    guint status;

    node = fd_test_request (day, day_session, "POST", path, token, body, &status, NULL);
    fd_test_assert_error (status, node, 429, "rate-limited", NULL);
  }
}

/* Finding 2, off hours: more than 3 reveals in 10 minutes lock the account
 * even when they all arrive at once. */
static void
test_reveal_burst_parallel (void)
{
  g_autofree char *token = NULL, *path = NULL;
  g_autofree char *username = new_user_at_resident (night, night_session, "reception", "reveal",
                                                    &token, &path);
  g_autofree char *other = fd_test_login (night, night_session, username);
  g_autofree char *body = id_number_reveal_body (night);
  Tally tally = post_together (night, 30, path, token, body);

  g_assert_cmpuint (tally.ok, <=, 3);
  g_assert_cmpuint (tally.locked, >=, 1);
  /* the rest found the session already ended by the lock */
  g_assert_cmpuint (tally.ok + tally.locked + tally.ended, ==, 30);

  g_assert_cmpuint (fd_test_count_alerts (night, night_session, "reveal-burst", username), ==, 1);
  fd_test_assert_locked_out (night, night_session, token, username);
  {
    g_autoptr(JsonNode) node = NULL;
    guint status;

    node = fd_test_request (night, night_session, "GET", "/api/v1/session", other, NULL,
                            &status, NULL);
    fd_test_assert_error (status, node, 401, "unauthenticated", NULL);
  }
}

/* Verify's 30 an hour holds for checks sent together. */
static void
test_verify_parallel (void)
{
  g_autofree char *token = NULL, *path = NULL;
  g_autofree char *username = new_user_at_resident (day, day_session, "reception", "verify",
                                                    &token, &path);
  Tally tally = post_together (day, 40, path, token,
                               "{\"field\": \"phone\", \"value\": \"13800138000\"}");

  g_assert_cmpuint (tally.ok, <=, 30);
  g_assert_cmpuint (tally.ok, >=, 1);
  g_assert_cmpuint (tally.ok + tally.limited, ==, 40);
}

/* listing */

/* GETs @path; follows nothing. Returns the answer; *status set. */
static JsonNode *
list_page (FdTestServer *server,
           SoupSession  *session,
           const char   *token,
           const char   *query,
           const char   *cursor,
           guint        *status)
{
  g_autofree char *escaped = cursor ? g_uri_escape_string (cursor, NULL, TRUE) : NULL;
  g_autofree char *path = g_strdup_printf ("/api/v1/residents?%s%s%s", query,
                                           cursor ? "&cursor=" : "", cursor ? escaped : "");

  return fd_test_request (server, session, "GET", path, token, NULL, status, NULL);
}

/* Pages through every resident with limit=100; returns how many pages
 * answered 200, stopping at the first other answer (kept in @last). */
static guint
page_through (FdTestServer *server,
              SoupSession  *session,
              const char   *token,
              JsonNode    **last,
              guint        *status)
{
  g_autofree char *cursor = NULL;
  guint pages = 0;

  for (;;)
    {
      g_autoptr(JsonNode) node = list_page (server, session, token, "limit=100", cursor, status);
      JsonNode *next;

      if (*status != 200)
        {
          *last = g_steal_pointer (&node);
          return pages;
        }
      pages++;
      next = json_object_get_member (fd_test_get_object (node), "next_cursor");
      if (next == NULL || JSON_NODE_HOLDS_NULL (next))
        return pages;
      g_free (cursor);
      cursor = g_strdup (json_node_get_string (next));
    }
}

/* Finding 4: paging through the residents off hours locks the account. */
static void
test_list_off_hours_bulk (void)
{
  g_autofree char *username = fd_test_create_user (night, night_session, "finance", NULL);
  g_autofree char *token = fd_test_login (night, night_session, username);
  g_autofree char *other = fd_test_login (night, night_session, username);
  g_autoptr(JsonNode) last = NULL;
  guint status = 0, pages;

  pages = page_through (night, night_session, token, &last, &status);
  g_test_message ("off hours: %u pages of 100 listed before the lock", pages);
  fd_test_assert_error (status, last, 423, "account-locked", NULL);
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (
    fd_test_get_object_member (fd_test_get_object (last), "error"), "locked_until")));
  /* 300 residents may be listed, not a fourth page */
  g_assert_cmpuint (pages, ==, 3);
  g_assert_cmpuint (fd_test_count_alerts (night, night_session, "off-hours-bulk", username), ==, 1);
  fd_test_assert_locked_out (night, night_session, token, username);
  {
    g_autoptr(JsonNode) node = NULL;

    node = fd_test_request (night, night_session, "GET", "/api/v1/session", other, NULL,
                            &status, NULL);
    fd_test_assert_error (status, node, 401, "unauthenticated", NULL);
  }
}

/* A receptionist at night types three rooms and three names, character by
 * character, as the client asks (25 rows a page), twice over: not locked. */
static void
test_list_off_hours_typing (void)
{
  g_autofree char *username = fd_test_create_user (night, night_session, "reception", NULL);
  g_autofree char *token = fd_test_login (night, night_session, username);
  g_autoptr(JsonNode) sample = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  JsonArray *items;
  guint status, requests = 0;

  sample = list_page (night, night_session, token, "limit=3", NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  items = json_object_get_array_member (fd_test_get_object (sample), "items");
  g_assert_cmpuint (json_array_get_length (items), ==, 3);

  for (guint round = 0; round < 2; round++)
    for (guint i = 0; i < 6; i++)
      {
        JsonObject *resident = json_array_get_object_element (items, i % 3);
        const char *text = json_object_get_string_member (
          json_object_get_object_member (resident, i < 3 ? "room" : "name"), "value");

        for (const char *end = g_utf8_next_char (text); ; end = g_utf8_next_char (end))
          {
            g_autofree char *typed = g_strndup (text, end - text);
            g_autofree char *escaped = g_uri_escape_string (typed, NULL, TRUE);
            g_autofree char *query = g_strdup_printf ("q=%s&limit=25", escaped);
            g_autoptr(JsonNode) node = list_page (night, night_session, token, query, NULL,
                                                  &status);
            JsonArray *found;

            requests++;
            g_assert_cmpuint (status, ==, 200);
            found = json_object_get_array_member (fd_test_get_object (node), "items");
            for (guint k = 0; k < json_array_get_length (found); k++)
              g_hash_table_add (seen, g_strdup (json_object_get_string_member (
                json_array_get_object_element (found, k), "id")));
            if (*end == '\0')
              break;
          }
      }
  g_test_message ("typing off hours: %u searches listed %u distinct residents",
                  requests, g_hash_table_size (seen));
  g_assert_cmpuint (fd_test_count_alerts (night, night_session, "off-hours-bulk", username), ==, 0);
}

/* In hours, paging through everyone raises in-hours-bulk and locks nothing. */
static void
test_list_in_hours (void)
{
  g_autofree char *username = fd_test_create_user (day, day_session, "finance", NULL);
  g_autofree char *token = fd_test_login (day, day_session, username);
  g_autoptr(JsonNode) last = NULL;
  guint status = 0, pages;

  pages = page_through (day, day_session, token, &last, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpuint (pages, ==, (DAY_RESIDENTS + 99) / 100);
  g_assert_cmpuint (fd_test_count_alerts (day, day_session, "in-hours-bulk", username), ==, 1);
  g_assert_cmpuint (fd_test_count_alerts (day, day_session, "off-hours-bulk", username), ==, 0);

  /* Once more: still working, and one alert per ten minutes. */
  pages = page_through (day, day_session, token, &last, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpuint (fd_test_count_alerts (day, day_session, "in-hours-bulk", username), ==, 1);
}

/* Finding 7: reason_text counts visible characters only. The texts are
 * JSON string contents, escapes and all. */
static void
test_reason_text (void)
{
  static const char *refused[] = {
    "\\u200B\\u200B\\u200B\\u200B\\u200B",                 /* zero-width spaces */
    "\\u3000\\u3000\\u3000\\u3000\\u3000",                 /* ideographic spaces */
    "\\uFEFF\\uFEFF\\uFEFF\\uFEFF\\uFEFF",                 /* zero-width no-break spaces */
    "\\u00AD\\u00AD\\u00AD\\u00AD\\u00AD",                 /* soft hyphens */
    "\\u200B\\u3000\\uFEFF\\u00AD\\t\\u2028\\u200D \\u00A0",  /* a mix */
    "\\u6838\\u200B\\u5B9E\\uFEFF\\u8EAB\\u00AD\\u4EFD\\u3000", /* 核实身份: 4 visible */
  };
  static const char *accepted[] = {
    "\\u4F4F\\u6237\\u672C\\u4EBA\\u6765\\u7535",        /* 住户本人来电 */
    "\\u200B\\u6838\\u5B9E\\u3000\\u8EAB\\u4EFD\\u554A", /* 核实身份啊, padded */
  };
  g_autofree char *token = NULL, *path = NULL;
  g_autofree char *username = new_user_at_resident (day, day_session, "reception", "reveal",
                                                    &token, &path);

  for (guint i = 0; i < G_N_ELEMENTS (refused) + G_N_ELEMENTS (accepted); i++)
    {
      gboolean ok = i >= G_N_ELEMENTS (refused);
      g_autofree char *json = g_strdup_printf ("{\"field\": \"phone\", \"reason_code\": \"other\","
                                               " \"reason_text\": \"%s\"}",
                                               ok ? accepted[i - G_N_ELEMENTS (refused)]
                                                  : refused[i]);
      g_autoptr(JsonNode) node = NULL;
      guint status;

      g_test_message ("reason text %u, expect %s", i, ok ? "200" : "400");
      node = fd_test_request (day, day_session, "POST", path, token, json, &status, NULL);
      if (ok)
        g_assert_cmpuint (status, ==, 200);
      else
        fd_test_assert_error (status, node, 400, "bad-request", "reason_text");
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *window = fd_test_off_hours_around_now (120, 120);
  FdTestServerOptions night_options = { .off_hours = window, .residents = NIGHT_RESIDENTS };
  FdTestServerOptions day_options = { .residents = DAY_RESIDENTS };
  int ret;

  g_test_init (&argc, &argv, NULL);

  night = fd_test_server_start (&night_options);
  night_session = fd_test_server_new_session (night);
  day = fd_test_server_start (&day_options);
  day_session = fd_test_server_new_session (day);

  g_test_add_func ("/fd/server/limits/reveal-parallel", test_reveal_parallel);
  g_test_add_func ("/fd/server/limits/reveal-burst-parallel", test_reveal_burst_parallel);
  g_test_add_func ("/fd/server/limits/verify-parallel", test_verify_parallel);
  g_test_add_func ("/fd/server/limits/list-off-hours-bulk", test_list_off_hours_bulk);
  g_test_add_func ("/fd/server/limits/list-off-hours-typing", test_list_off_hours_typing);
  g_test_add_func ("/fd/server/limits/list-in-hours", test_list_in_hours);
  g_test_add_func ("/fd/server/limits/reason-text", test_reason_text);

  ret = g_test_run ();

  g_clear_object (&night_session);
  g_clear_object (&day_session);
  fd_test_server_stop (night);
  fd_test_server_stop (day);
  return ret;
}
