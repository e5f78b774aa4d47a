/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests the monitoring rules: off-hours and bulk access, reveal bursts. */

/* test-server-anomaly.c — monitoring: off-hours bulk access, reveal bursts,
 * in-hours bulk access
 *
 * Two servers: one whose off-hours window is around now, one whose window
 * is hours away.
 */

#include "config.h"

#include <string.h>

#include "fd-test-server.h"

static FdTestServer *night;   /* off hours now */
static FdTestServer *day;     /* in hours now */
static SoupSession *night_session;
static SoupSession *day_session;

static GPtrArray *
resident_ids (FdTestServer *server,
              SoupSession  *session,
              const char   *token)
{
  g_autoptr(GPtrArray) items = fd_test_fetch_all (server, session, token,
                                                  "/api/v1/residents?limit=100");
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < items->len; i++)
    g_ptr_array_add (ids, g_strdup (json_object_get_string_member (items->pdata[i], "id")));
  return ids;
}

static JsonNode *
view (FdTestServer *server,
      SoupSession  *session,
      const char   *token,
      const char   *id,
      guint        *status)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/residents/%s", id);

  return fd_test_request (server, session, "GET", path, token, NULL, status, NULL);
}

/* The account is locked for good: its token is dead, sign-in gets 423
 * with locked_until null, until an admin lifts the lock. */
static void
assert_locked_out (FdTestServer *server,
                   SoupSession  *session,
                   const char   *token,
                   const char   *username,
                   const char   *user_id)
{
  guint status;

  fd_test_assert_locked_out (server, session, token, username);

  /* An admin lifts the lock. */
  {
    g_autofree char *admin = fd_test_login (server, session, "admin");
    g_autofree char *path = g_strdup_printf ("/api/v1/users/%s", user_id);
    g_autoptr(JsonNode) patched = NULL;

    patched = fd_test_request (server, session, "PATCH", path, admin, "{\"locked\": false}",
                               &status, NULL);
    g_assert_cmpuint (status, ==, 200);
    g_free (fd_test_login (server, session, username));
  }
}

static void
test_off_hours_bulk (void)
{
  g_autofree char *user_id = NULL;
  g_autofree char *username = fd_test_create_user (night, night_session, "reception", &user_id);
  g_autofree char *token = fd_test_login (night, night_session, username);
  g_autoptr(GPtrArray) ids = resident_ids (night, night_session, token);
  g_autofree char *other = fd_test_login (night, night_session, username);
  g_autoptr(JsonNode) last = NULL;
  guint status;

  /* Twenty distinct residents, some twice: allowed. */
  for (guint i = 0; i < 20; i++)
    {
      g_autoptr(JsonNode) node = view (night, night_session, token, ids->pdata[i], &status);

      g_assert_cmpuint (status, ==, 200);
      if (i % 5 == 0)
        {
          g_autoptr(JsonNode) again = view (night, night_session, token, ids->pdata[i], &status);
          g_assert_cmpuint (status, ==, 200);
        }
    }
  g_assert_cmpuint (fd_test_count_alerts (night, night_session, "off-hours-bulk", username), ==, 0);

  /* The 21st distinct one. */
  last = view (night, night_session, token, ids->pdata[20], &status);
  fd_test_assert_error (status, last, 423, "account-locked", NULL);
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (
    fd_test_get_object_member (fd_test_get_object (last), "error"), "locked_until")));

  g_assert_cmpuint (fd_test_count_alerts (night, night_session, "off-hours-bulk", username), ==, 1);
  /* Every session of that account ended. */
  {
    g_autoptr(JsonNode) node = NULL;

    node = fd_test_request (night, night_session, "GET", "/api/v1/session", other, NULL,
                            &status, NULL);
    fd_test_assert_error (status, node, 401, "unauthenticated", NULL);
  }
  assert_locked_out (night, night_session, token, username, user_id);
}

static void
test_reveal_burst (void)
{
  g_autofree char *user_id = NULL;
  g_autofree char *username = fd_test_create_user (night, night_session, "reception", &user_id);
  g_autofree char *token = fd_test_login (night, night_session, username);
  g_autoptr(GPtrArray) ids = resident_ids (night, night_session, token);
  const char *phone = "{\"field\": \"phone\", \"reason_code\": \"verify-identity\"}";
  const char *address = "{\"field\": \"home_address\", \"reason_code\": \"verify-identity\"}";
  guint status;

  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/residents/%s/reveal",
                                               (char *) ids->pdata[i]);
      g_autoptr(JsonNode) node = NULL;

      /* The second one is refused (reception sees the address as a
       * district only): refused reveals count too. */
      node = fd_test_request (night, night_session, "POST", path, token,
                              i == 1 ? address : phone, &status, NULL);
      if (i == 1)
        fd_test_assert_error (status, node, 403, "forbidden", NULL);
      else if (i < 3)
        g_assert_cmpuint (status, ==, 200);
      else
        fd_test_assert_error (status, node, 423, "account-locked", NULL);
    }
  g_assert_cmpuint (fd_test_count_alerts (night, night_session, "reveal-burst", username), ==, 1);
  assert_locked_out (night, night_session, token, username, user_id);
}

/* The manager reading alerts off hours is not locked by it. */
static void
test_manager_unaffected (void)
{
  g_autofree char *manager = fd_test_login (night, night_session, "manager");
  guint status;

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(JsonNode) node = NULL;

      node = fd_test_request (night, night_session, "GET", "/api/v1/alerts", manager, NULL,
                              &status, NULL);
      g_assert_cmpuint (status, ==, 200);
    }
}

static void
test_in_hours_bulk (void)
{
  g_autofree char *username = fd_test_create_user (day, day_session, "reception", NULL);
  g_autofree char *token = fd_test_login (day, day_session, username);
  g_autoptr(GPtrArray) ids = resident_ids (day, day_session, token);
  guint status;

  for (guint i = 0; i < 60; i++)
    {
      g_autoptr(JsonNode) node = view (day, day_session, token, ids->pdata[i], &status);
      g_assert_cmpuint (status, ==, 200);
    }
  g_assert_cmpuint (fd_test_count_alerts (day, day_session, "in-hours-bulk", username), ==, 0);

  {
    g_autoptr(JsonNode) node = view (day, day_session, token, ids->pdata[60], &status);
    g_assert_cmpuint (status, ==, 200);
  }
  g_assert_cmpuint (fd_test_count_alerts (day, day_session, "in-hours-bulk", username), ==, 1);

  /* An alert only: the account keeps working, and in hours 21 residents
   * or 4 reveals lock nothing. */
  for (guint i = 61; i < 70; i++)
    {
      g_autoptr(JsonNode) node = view (day, day_session, token, ids->pdata[i], &status);
      g_assert_cmpuint (status, ==, 200);
    }
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/residents/%s/reveal",
                                               (char *) ids->pdata[i]);
      g_autoptr(JsonNode) node = NULL;

      node = fd_test_request (day, day_session, "POST", path, token,
                              "{\"field\": \"phone\", \"reason_code\": \"refund\"}", &status,
                              NULL);
      g_assert_cmpuint (status, ==, 200);
    }
  g_assert_cmpuint (fd_test_count_alerts (day, day_session, "reveal-burst", username), ==, 0);
  g_assert_cmpuint (fd_test_count_alerts (day, day_session, "off-hours-bulk", username), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *window = fd_test_off_hours_around_now (120, 120);
  FdTestServerOptions options = { .off_hours = window };
  int ret;

  g_test_init (&argc, &argv, NULL);

  night = fd_test_server_start (&options);
  night_session = fd_test_server_new_session (night);
  day = fd_test_server_start (NULL);
  day_session = fd_test_server_new_session (day);

  g_test_add_func ("/fd/server/anomaly/off-hours-bulk", test_off_hours_bulk);
  g_test_add_func ("/fd/server/anomaly/reveal-burst", test_reveal_burst);
  g_test_add_func ("/fd/server/anomaly/manager-unaffected", test_manager_unaffected);
  g_test_add_func ("/fd/server/anomaly/in-hours-bulk", test_in_hours_bulk);

  ret = g_test_run ();

  g_clear_object (&night_session);
  g_clear_object (&day_session);
  fd_test_server_stop (night);
  fd_test_server_stop (day);
  return ret;
}
