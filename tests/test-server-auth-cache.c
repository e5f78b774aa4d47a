/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests that the cache of authenticated sessions (issue 13) never serves
 * a session after it ended, locked or lost its account. */

/* test-server-auth-cache.c — a session used twice is served from the
 * server's authentication cache (src/server/fd-auth-cache.h). Each case
 * warms the cache with a token, changes the session or its account —
 * through the API, or from another process (the `user` command on the
 * same database while the server runs) — and asserts that the very next
 * request with that token is refused. One server; each case works on
 * accounts of its own.
 */

#include "config.h"

#include "fd-test-server.h"

#define SEARCH "/api/v1/residents?limit=1"

/* GETs @path with @token; the status, and the error's reason (if any) in
 * *@reason. */
static guint
get (FdTestFixture *fx,
     const char    *path,
     const char    *token,
     char         **reason)
{
  g_autoptr(JsonNode) node = NULL;
  guint status;

  node = fd_test_request (fx->server, fx->session, "GET", path, token, NULL, &status, NULL);
  if (reason != NULL)
    {
      JsonObject *error = status >= 400 && node != NULL && JSON_NODE_HOLDS_OBJECT (node) ?
                          fd_test_get_object_member (fd_test_get_object (node), "error") : NULL;
      *reason = error != NULL ?
                g_strdup (json_object_get_string_member_with_default (error, "reason", NULL)) :
                NULL;
    }
  return status;
}

/* Two searches: the first fills the cache, the second is served from it. */
static void
warm (FdTestFixture *fx,
      const char    *token)
{
  g_assert_cmpuint (get (fx, SEARCH, token, NULL), ==, 200);
  g_assert_cmpuint (get (fx, SEARCH, token, NULL), ==, 200);
}

static void
assert_refused (FdTestFixture *fx,
                const char    *token,
                guint          status,
                const char    *reason)
{
  g_autofree char *got = NULL;

  g_assert_cmpuint (get (fx, SEARCH, token, &got), ==, status);
  if (reason != NULL)
    g_assert_cmpstr (got, ==, reason);
}

static void
patch_user (FdTestFixture *fx,
            const char    *id,
            const char    *json)
{
  g_autofree char *admin = fd_test_login (fx->server, fx->session, "admin");
  g_autofree char *path = g_strdup_printf ("/api/v1/users/%s", id);
  g_autoptr(JsonNode) node = NULL;
  guint status;

  node = fd_test_request (fx->server, fx->session, "PATCH", path, admin, json, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
}

/* An admin disables the account: its cached session is refused at once,
 * and after the account is enabled again the old session stays ended. */
static void
test_disabled (FdTestFixture *fx,
               gconstpointer  data)
{
  g_autofree char *id = NULL;
  g_autofree char *username = fd_test_create_user (fx->server, fx->session, "reception", &id);
  g_autofree char *token = fd_test_login (fx->server, fx->session, username);
  g_autofree char *other_user = fd_test_create_user (fx->server, fx->session, "reception", NULL);
  g_autofree char *other = fd_test_login (fx->server, fx->session, other_user);

  warm (fx, token);
  warm (fx, other);
  patch_user (fx, id, "{\"disabled\": true}");
  assert_refused (fx, token, 401, "disabled");
  patch_user (fx, id, "{\"disabled\": false}");
  assert_refused (fx, token, 401, "disabled");
  /* another account's session is not touched */
  g_assert_cmpuint (get (fx, SEARCH, other, NULL), ==, 200);
}

/* Signing out ends that token at once; another session of the same
 * account goes on. */
static void
test_signed_out (FdTestFixture *fx,
                 gconstpointer  data)
{
  g_autofree char *username = fd_test_create_user (fx->server, fx->session, "reception", NULL);
  g_autofree char *token = fd_test_login (fx->server, fx->session, username);
  g_autofree char *other = fd_test_login (fx->server, fx->session, username);
  g_autoptr(JsonNode) node = NULL;
  guint status;

  warm (fx, token);
  warm (fx, other);
  node = fd_test_request (fx->server, fx->session, "DELETE", "/api/v1/session", token, NULL,
                          &status, NULL);
  g_assert_cmpuint (status, ==, 204);
  assert_refused (fx, token, 401, "signed-out");
  g_assert_cmpuint (get (fx, SEARCH, other, NULL), ==, 200);
}

/* A locked session is refused at once; the token an unlock replaced is
 * refused at once too, and the new one works. */
static void
test_locked (FdTestFixture *fx,
             gconstpointer  data)
{
  g_autofree char *username = fd_test_create_user (fx->server, fx->session, "reception", NULL);
  g_autofree char *token = fd_test_login (fx->server, fx->session, username);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *body = NULL;
  g_autofree char *fresh = NULL;
  guint status;

  warm (fx, token);
  node = fd_test_request (fx->server, fx->session, "POST", "/api/v1/session/lock", token, NULL,
                          &status, NULL);
  g_assert_cmpuint (status, ==, 204);
  assert_refused (fx, token, 401, NULL);

  body = g_strdup_printf ("{\"password\": \"%s\"}", fd_test_server_get_password (fx->server));
  answer = fd_test_request (fx->server, fx->session, "POST", "/api/v1/session/unlock", token,
                            body, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  fresh = g_strdup (fd_test_get_string (fd_test_get_object (answer), "token"));
  warm (fx, fresh);
  assert_refused (fx, token, 401, "signed-out");
}

/* frontdesk-server @args (no input); asserts it exits 0. */
static void
run_cli (const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL, *err = NULL;

  g_ptr_array_add (argv, (char *) fd_test_server_binary ());
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  child = g_subprocess_newv ((const char * const *) argv->pdata,
                             G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                             G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (child, "", NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_test_message ("%s%s", out ? out : "", err ? err : "");
  g_assert_true (g_subprocess_get_if_exited (child));
  g_assert_cmpint (g_subprocess_get_exit_status (child), ==, 0);
}

/* Another process disables the account, on the database the server
 * serves: the cached session is refused at the next request. */
static void
test_other_process (FdTestFixture *fx,
                    gconstpointer  data)
{
  g_autofree char *username = fd_test_create_user (fx->server, fx->session, "reception", NULL);
  g_autofree char *token = fd_test_login (fx->server, fx->session, username);
  const char *disable[] = { "user", "disable", "--data-dir",
                            fd_test_server_get_data_dir (fx->server), "--username", username,
                            NULL };

  warm (fx, token);
  run_cli (disable);
  assert_refused (fx, token, 401, "disabled");
}

int
main (int   argc,
      char *argv[])
{
  FdTestServer *server;
  int ret;

  g_test_init (&argc, &argv, NULL);

  server = fd_test_server_start (NULL);

  fd_test_add ("/fd/server/auth-cache/disabled", server, test_disabled);
  fd_test_add ("/fd/server/auth-cache/signed-out", server, test_signed_out);
  fd_test_add ("/fd/server/auth-cache/locked", server, test_locked);
  fd_test_add ("/fd/server/auth-cache/other-process", server, test_other_process);

  ret = g_test_run ();

  fd_test_server_stop (server);
  return ret;
}
