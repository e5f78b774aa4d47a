/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Two-factor sign-in (issue 15) on the real server: enrolment, the second
 * step, replay, expiry, lockout, recovery codes, challenges, demo
 * exemption, admin reset and rekey. */

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/wait.h>

#include "fd-test-pg.h"
#include "fd-test-server.h"

static char *
totp_at (const char *secret,
         gint64      step)
{
  return fd_test_totp_code (secret, step);
}

static gint64
now_step (void)
{
  return g_get_real_time () / G_USEC_PER_SEC / 30;
}

/* An account with its TOTP secret and the last step the server accepted. */
typedef struct
{
  char   *username;
  char   *secret;
  char   *token;          /* the session enrolment left open */
  char  **recovery;
  gint64  last_step;
} Account;

static void
account_free (Account *a)
{
  g_free (a->username);
  g_free (a->secret);
  g_free (a->token);
  g_strfreev (a->recovery);
  g_free (a);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Account, account_free)

/* A code the server has not seen for @a: the current step, or the next
 * one when the current was used (both are in its ±1 window). */
static char *
fresh_code (Account *a)
{
  gint64 step = MAX (now_step (), a->last_step + 1);

  while (step > now_step () + 1)
    g_usleep (G_USEC_PER_SEC);
  a->last_step = step;
  return totp_at (a->secret, step);
}

static int
run_cli (const char * const *args,
         const char         *input)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                               G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL, *err = NULL;

  g_ptr_array_add (argv, (char *) fd_test_server_binary ());
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input, NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_test_message ("%s %s: %s%s", args[0], args[1], out, err);
  return g_subprocess_get_exit_status (process);
}

/* `user add` beside the running server: a non-demo account of @role. */
static char *
add_user (FdTestServer *server,
          const char   *role)
{
  static guint n;
  g_autofree char *password = g_strconcat (fd_test_server_get_password (server), "\n", NULL);
  char *username = g_strdup_printf ("%s-sf%u", role, ++n);
  const char *args[] = { "user", "add", "--data-dir", fd_test_server_get_data_dir (server),
                         "--username", username, "--role", role, NULL };

  g_assert_cmpint (run_cli (args, password), ==, 0);
  return username;
}

static JsonNode *
post (FdTestServer *server,
      SoupSession  *session,
      const char   *path,
      const char   *token,
      const char   *body,
      guint        *status)
{
  return fd_test_request (server, session, "POST", path, token, body, status, NULL);
}

static JsonNode *
sign_in (FdTestServer *server,
         SoupSession  *session,
         const char   *username,
         guint        *status)
{
  g_autofree char *body = g_strdup_printf ("{\"username\": \"%s\", \"password\": \"%s\","
                                           " \"workstation\": \"desk-2fa\"}", username,
                                           fd_test_server_get_password (server));

  return post (server, session, "/api/v1/session", NULL, body, status);
}

static const char *
error_member (JsonNode   *node,
              const char *member)
{
  JsonObject *error = fd_test_get_object_member (fd_test_get_object (node), "error");

  g_assert_nonnull (error);
  if (!json_object_has_member (error, member) || json_object_get_null_member (error, member))
    return NULL;
  return json_object_get_string_member (error, member);
}

/* The password step of an enrolled account: asserts 401
 * second-factor-required and returns the challenge. */
static char *
challenge_for (FdTestServer *server,
               SoupSession  *session,
               const char   *username)
{
  g_autoptr(JsonNode) node = NULL;
  guint status;

  node = sign_in (server, session, username, &status);
  fd_test_assert_error (status, node, 401, "second-factor-required", NULL);
  g_assert_cmpuint (strlen (error_member (node, "challenge")), >=, 32);
  /* and beside "error" too: contract v1.2 answers 401 "with {challenge}" */
  g_assert_cmpstr (fd_test_get_string (fd_test_get_object (node), "challenge"), ==,
                   error_member (node, "challenge"));
  return g_strdup (error_member (node, "challenge"));
}

static JsonNode *
second_step (FdTestServer *server,
             SoupSession  *session,
             const char   *challenge,
             const char   *code,
             guint        *status)
{
  g_autofree char *body = g_strdup_printf ("{\"challenge\": \"%s\", \"code\": \"%s\"}",
                                           challenge, code);

  return post (server, session, "/api/v1/session/second-factor", NULL, body, status);
}

static const char *
second_factor_state (JsonNode *node)
{
  return fd_test_get_string (fd_test_get_object (node), "second_factor");
}

/* A new manager, enrolled: sign-in, set-up, confirm. */
static Account *
enrolled_account (FdTestServer *server,
                  SoupSession  *session,
                  const char   *role)
{
  Account *a = g_new0 (Account, 1);
  g_autoptr(JsonNode) signed_in = NULL, begun = NULL, confirmed = NULL, wrong = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autofree char *code = NULL;
  g_autofree char *body = NULL;
  JsonArray *codes;
  guint status;

  a->username = add_user (server, role);
  signed_in = sign_in (server, session, a->username, &status);
  g_assert_cmpuint (status, ==, 201);
  g_assert_cmpstr (second_factor_state (signed_in), ==,
                   g_str_equal (role, "manager") || g_str_equal (role, "admin") ||
                   g_str_equal (role, "auditor") ? "enrolment-required" : "none");
  a->token = g_strdup (fd_test_get_string (fd_test_get_object (signed_in), "token"));

  begun = post (server, session, "/api/v1/account/totp", a->token, "{}", &status);
  g_assert_cmpuint (status, ==, 201);
  uri = g_uri_parse (fd_test_get_string (fd_test_get_object (begun), "secret_uri"),
                     G_URI_FLAGS_ENCODED_QUERY, NULL);
  g_assert_nonnull (uri);
  g_assert_cmpstr (g_uri_get_scheme (uri), ==, "otpauth");
  g_assert_cmpstr (g_uri_get_host (uri), ==, "totp");
  params = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_NONE, NULL);
  g_assert_cmpstr (g_hash_table_lookup (params, "issuer"), ==, "Front Desk");
  g_assert_cmpstr (g_hash_table_lookup (params, "digits"), ==, "6");
  g_assert_cmpstr (g_hash_table_lookup (params, "period"), ==, "30");
  a->secret = g_strdup (g_hash_table_lookup (params, "secret"));
  g_assert_cmpuint (strlen (a->secret), ==, 32);

  /* a wrong code does not confirm */
  code = totp_at (a->secret, now_step () - 5);
  body = g_strdup_printf ("{\"code\": \"%s\"}", code);
  wrong = post (server, session, "/api/v1/account/totp", a->token, body, &status);
  fd_test_assert_error (status, wrong, 400, "bad-second-factor", "code");

  g_free (code);
  g_free (body);
  code = fresh_code (a);
  body = g_strdup_printf ("{\"code\": \"%s\"}", code);
  confirmed = post (server, session, "/api/v1/account/totp", a->token, body, &status);
  g_assert_cmpuint (status, ==, 200);
  codes = json_object_get_array_member (fd_test_get_object (confirmed), "recovery_codes");
  g_assert_cmpuint (json_array_get_length (codes), ==, 10);
  a->recovery = g_new0 (char *, 11);
  for (guint i = 0; i < 10; i++)
    {
      a->recovery[i] = g_strdup (json_array_get_string_element (codes, i));
      g_assert_cmpuint (strlen (a->recovery[i]), ==, 11);
      for (guint j = 0; j < i; j++)
        g_assert_cmpstr (a->recovery[i], !=, a->recovery[j]);
    }
  /* a new account reaches data once it has confirmed the rules (issue 12) */
  fd_test_acknowledge_rules (server, session, a->token);
  return a;
}

/* A full sign-in; returns the token. */
static char *
sign_in_with_code (FdTestServer *server,
                   SoupSession  *session,
                   Account      *a)
{
  g_autofree char *challenge = challenge_for (server, session, a->username);
  g_autofree char *code = fresh_code (a);
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;
  guint status;

  node = second_step (server, session, challenge, code, &status);
  g_assert_cmpuint (status, ==, 201);
  object = fd_test_get_object (node);
  g_assert_cmpstr (fd_test_get_string (fd_test_get_object_member (object, "user"), "username"),
                   ==, a->username);
  g_assert_nonnull (fd_test_get_object_member (object, "policy"));
  g_assert_cmpstr (second_factor_state (node), ==, "enrolled");
  return g_strdup (fd_test_get_string (object, "token"));
}

static guint
get_status (FdTestServer *server,
            SoupSession  *session,
            const char   *path,
            const char   *token,
            const char   *expected_code)
{
  g_autoptr(JsonNode) node = NULL;
  guint status;

  node = fd_test_request (server, session, "GET", path, token, NULL, &status, NULL);
  if (expected_code != NULL)
    fd_test_assert_error (status, node, 403, expected_code, NULL);
  return status;
}

/* A manager without a second factor reaches only enrolment; confirming
 * it ends its other (password-only) sessions and opens the data. */
static void
test_enrolment_only (FdTestFixture *f,
                     gconstpointer  data)
{
  g_autofree char *username = add_user (f->server, "manager");
  g_autoptr(JsonNode) first = NULL, second = NULL, visitor = NULL, session_node = NULL;
  const char *data_paths[] = { "/api/v1/residents?q=3-2", "/api/v1/audit", "/api/v1/alerts",
                               "/api/v1/visitors", "/api/v1/incident", "/api/v1/rooms?q=3" };
  g_autoptr(Account) a = NULL;
  guint status;

  first = sign_in (f->server, f->session, username, &status);
  g_assert_cmpuint (status, ==, 201);
  g_assert_cmpstr (second_factor_state (first), ==, "enrolment-required");
  {
    const char *token = fd_test_get_string (fd_test_get_object (first), "token");

    for (guint i = 0; i < G_N_ELEMENTS (data_paths); i++)
      get_status (f->server, f->session, data_paths[i], token, "second-factor-enrolment-required");
    visitor = post (f->server, f->session, "/api/v1/visitors", token,
                    "{\"name\": \"王五\", \"phone\": \"13800138000\", \"room\": \"1-1-0101\","
                    " \"purpose\": \"x\"}", &status);
    fd_test_assert_error (status, visitor, 403, "second-factor-enrolment-required", NULL);
    /* its own session and sign-out stay reachable */
    g_assert_cmpuint (get_status (f->server, f->session, "/api/v1/session", token, NULL), ==, 200);
  }

  /* enrol in a second session (the same account) */
  a = g_new0 (Account, 1);
  a->username = g_steal_pointer (&username);
  {
    g_autoptr(JsonNode) begun = NULL, confirmed = NULL;
    g_autoptr(GUri) uri = NULL;
    g_autoptr(GHashTable) params = NULL;
    g_autofree char *body = NULL, *code = NULL;

    second = sign_in (f->server, f->session, a->username, &status);
    g_assert_cmpuint (status, ==, 201);
    a->token = g_strdup (fd_test_get_string (fd_test_get_object (second), "token"));
    begun = post (f->server, f->session, "/api/v1/account/totp", a->token, NULL, &status);
    g_assert_cmpuint (status, ==, 201);
    uri = g_uri_parse (fd_test_get_string (fd_test_get_object (begun), "secret_uri"),
                       G_URI_FLAGS_ENCODED_QUERY, NULL);
    params = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_NONE, NULL);
    a->secret = g_strdup (g_hash_table_lookup (params, "secret"));
    code = fresh_code (a);
    body = g_strdup_printf ("{\"code\": \"%s\"}", code);
    confirmed = post (f->server, f->session, "/api/v1/account/totp", a->token, body, &status);
    g_assert_cmpuint (status, ==, 200);
    fd_test_acknowledge_rules (f->server, f->session, a->token);
  }
  /* the confirming session now reaches data; the other one ended */
  g_assert_cmpuint (get_status (f->server, f->session, "/api/v1/residents?q=3-2", a->token, NULL),
                    ==, 200);
  session_node = fd_test_request (f->server, f->session, "GET", "/api/v1/session",
                                  fd_test_get_string (fd_test_get_object (first), "token"), NULL,
                                  &status, NULL);
  fd_test_assert_error (status, session_node, 401, "unauthenticated", NULL);
  g_assert_cmpstr (error_member (session_node, "reason"), ==, "second-factor-enrolled");
  /* and the set-up cannot be started again over it */
  {
    g_autoptr(JsonNode) again = post (f->server, f->session, "/api/v1/account/totp", a->token,
                                      "{}", &status);
    fd_test_assert_error (status, again, 409, "second-factor-enrolled", NULL);
  }
}

/* Sign-in → challenge → right code → 201; the code's replay is refused. */
static void
test_sign_in_and_replay (FdTestFixture *f,
                         gconstpointer  data)
{
  g_autoptr(Account) a = enrolled_account (f->server, f->session, "manager");
  g_autofree char *token = sign_in_with_code (f->server, f->session, a);
  g_autofree char *used = totp_at (a->secret, a->last_step);
  g_autofree char *challenge = NULL;
  g_autofree char *older = NULL;
  g_autoptr(JsonNode) replay = NULL;
  guint status;

  g_assert_cmpuint (get_status (f->server, f->session, "/api/v1/residents?q=3-2", token, NULL),
                    ==, 200);

  /* the same code again, with a new challenge */
  challenge = challenge_for (f->server, f->session, a->username);
  replay = second_step (f->server, f->session, challenge, used, &status);
  fd_test_assert_error (status, replay, 401, "bad-second-factor", NULL);
  /* and an older code of the window too (a step before the one used) */
  {
    g_autoptr(JsonNode) node = NULL;
    const char *next = error_member (replay, "challenge");

    g_assert_nonnull (next);
    older = totp_at (a->secret, a->last_step - 1);
    node = second_step (f->server, f->session, next, older, &status);
    fd_test_assert_error (status, node, 401, "bad-second-factor", NULL);
  }
}

/* A code from three or more steps ago is refused; the window is ±1. */
static void
test_expired_code (FdTestFixture *f,
                   gconstpointer  data)
{
  g_autoptr(Account) a = enrolled_account (f->server, f->session, "auditor");
  g_autofree char *challenge = challenge_for (f->server, f->session, a->username);
  g_autofree char *old = totp_at (a->secret, now_step () - 3);
  g_autofree char *far = totp_at (a->secret, now_step () + 3);
  g_autoptr(JsonNode) node = NULL, node2 = NULL;
  guint status;

  node = second_step (f->server, f->session, challenge, old, &status);
  fd_test_assert_error (status, node, 401, "bad-second-factor", NULL);
  node2 = second_step (f->server, f->session, error_member (node, "challenge"), far, &status);
  fd_test_assert_error (status, node2, 401, "bad-second-factor", NULL);
  /* the right code still works after them */
  g_free (sign_in_with_code (f->server, f->session, a));
}

/* A challenge is used once: after a success, after a failure; and a
 * made-up one is refused the same way. */
static void
test_challenge_reuse (FdTestFixture *f,
                      gconstpointer  data)
{
  g_autoptr(Account) a = enrolled_account (f->server, f->session, "admin");
  g_autofree char *challenge = challenge_for (f->server, f->session, a->username);
  g_autofree char *code = fresh_code (a);
  g_autofree char *next = NULL;
  g_autoptr(JsonNode) ok = NULL, again = NULL, wrong = NULL, after_wrong = NULL, made_up = NULL;
  guint status;

  ok = second_step (f->server, f->session, challenge, code, &status);
  g_assert_cmpuint (status, ==, 201);
  g_free (code);
  code = fresh_code (a);
  again = second_step (f->server, f->session, challenge, code, &status);
  fd_test_assert_error (status, again, 401, "second-factor-expired", NULL);

  g_free (challenge);
  challenge = challenge_for (f->server, f->session, a->username);
  wrong = second_step (f->server, f->session, challenge, "000000", &status);
  if (status == 201)
    return;   /* 000000 was the code (one in a million) */
  fd_test_assert_error (status, wrong, 401, "bad-second-factor", NULL);
  after_wrong = second_step (f->server, f->session, challenge, code, &status);
  fd_test_assert_error (status, after_wrong, 401, "second-factor-expired", NULL);
  made_up = second_step (f->server, f->session, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                         code, &status);
  fd_test_assert_error (status, made_up, 401, "second-factor-expired", NULL);
  /* the fresh challenge of the wrong answer works with the right code */
  {
    g_autoptr(JsonNode) node = second_step (f->server, f->session,
                                            error_member (wrong, "challenge"), code, &status);
    g_assert_cmpuint (status, ==, 201);
  }
}

typedef struct
{
  FdTestServer *server;
  char         *body;
  guint         status;
  char         *code;
} Guess;

static gpointer
guess_thread (gpointer data)
{
  Guess *g = data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(JsonNode) node = NULL;

  g_main_context_push_thread_default (context);
  session = fd_test_server_new_session (g->server);
  node = post (g->server, session, "/api/v1/session/second-factor", NULL, g->body, &g->status);
  if (node != NULL && g->status >= 400)
    g->code = g_strdup (error_member (node, "code"));
  g_clear_object (&session);
  g_main_context_pop_thread_default (context);
  return NULL;
}

/* Wrong codes count with the password's failures, before they are
 * checked: sent together they cannot pass the limit of 5; the name then
 * locks (423 to the right password too). */
static void
test_lockout (FdTestFixture *f,
              gconstpointer  data)
{
  g_autoptr(Account) a = enrolled_account (f->server, f->session, "manager");
  Guess guesses[4];
  GThread *threads[G_N_ELEMENTS (guesses)];
  g_autoptr(JsonNode) locked = NULL;
  guint n_401 = 0, n_423 = 0;
  guint status;

  /* four password steps: four challenges, four failures counted */
  for (guint i = 0; i < G_N_ELEMENTS (guesses); i++)
    {
      g_autofree char *challenge = challenge_for (f->server, f->session, a->username);
      /* a code that is surely wrong: not any of the window's */
      g_autofree char *code = g_strdup ("000000");

      for (gint64 s = -1; s <= 1; s++)
        {
          g_autofree char *c = totp_at (a->secret, now_step () + s);
          if (g_str_equal (c, code))
            code[0] = '1';
        }
      guesses[i] = (Guess) { .server = f->server,
                             .body = g_strdup_printf ("{\"challenge\": \"%s\", \"code\": \"%s\"}",
                                                      challenge, code) };
    }
  for (guint i = 0; i < G_N_ELEMENTS (guesses); i++)
    threads[i] = g_thread_new ("guess", guess_thread, &guesses[i]);
  for (guint i = 0; i < G_N_ELEMENTS (guesses); i++)
    {
      g_thread_join (threads[i]);
      g_test_message ("guess %u: %u %s", i, guesses[i].status, guesses[i].code);
      if (guesses[i].status == 401)
        {
          g_assert_cmpstr (guesses[i].code, ==, "bad-second-factor");
          n_401++;
        }
      else
        {
          g_assert_cmpuint (guesses[i].status, ==, 423);
          n_423++;
        }
      g_free (guesses[i].body);
      g_free (guesses[i].code);
    }
  /* 4 counted + 1 = the limit: one code was checked, three never were */
  g_assert_cmpuint (n_401, ==, 1);
  g_assert_cmpuint (n_423, ==, 3);

  locked = sign_in (f->server, f->session, a->username, &status);
  fd_test_assert_error (status, locked, 423, "account-locked", NULL);
}

/* The count is the password's: 2 wrong passwords and 2 wrong codes, then
 * the 5th attempt (a right password) locks. */
static void
test_shared_count (FdTestFixture *f,
                   gconstpointer  data)
{
  g_autoptr(Account) a = enrolled_account (f->server, f->session, "manager");
  g_autofree char *bad = g_strdup_printf ("{\"username\": \"%s\", \"password\": \"wrong-pass\"}",
                                          a->username);
  g_autoptr(JsonNode) w1 = NULL, w2 = NULL, c1 = NULL, c2 = NULL, last = NULL;
  g_autofree char *challenge = NULL;
  guint status;

  w1 = post (f->server, f->session, "/api/v1/session", NULL, bad, &status);
  fd_test_assert_error (status, w1, 401, "bad-credentials", NULL);
  w2 = post (f->server, f->session, "/api/v1/session", NULL, bad, &status);
  fd_test_assert_error (status, w2, 401, "bad-credentials", NULL);
  challenge = challenge_for (f->server, f->session, a->username);   /* 3 */
  c1 = second_step (f->server, f->session, challenge, "999999", &status);   /* 4 */
  if (status == 201)
    return;
  fd_test_assert_error (status, c1, 401, "bad-second-factor", NULL);
  /* the 5th attempt: locks, even though the password is right */
  last = sign_in (f->server, f->session, a->username, &status);
  fd_test_assert_error (status, last, 423, "account-locked", NULL);
}

/* A recovery code signs in once; used again it is refused. */
static void
test_recovery_code (FdTestFixture *f,
                    gconstpointer  data)
{
  g_autoptr(Account) a = enrolled_account (f->server, f->session, "manager");
  g_autofree char *challenge = challenge_for (f->server, f->session, a->username);
  g_autofree char *upper = g_ascii_strup (a->recovery[3], -1);
  g_autoptr(JsonNode) ok = NULL, again = NULL, audit = NULL;
  g_autofree char *auditor = NULL, *path = NULL, *body = NULL;
  guint status;

  /* case does not matter */
  ok = second_step (f->server, f->session, challenge, upper, &status);
  g_assert_cmpuint (status, ==, 201);
  g_free (challenge);
  challenge = challenge_for (f->server, f->session, a->username);
  again = second_step (f->server, f->session, challenge, a->recovery[3], &status);
  fd_test_assert_error (status, again, 401, "bad-second-factor", NULL);

  /* audited as such, without the code */
  auditor = fd_test_login (f->server, f->session, "auditor");
  path = g_strdup_printf ("/api/v1/audit?actor=%s&limit=100", a->username);
  audit = fd_test_request (f->server, f->session, "GET", path, auditor, NULL, &status, &body);
  g_assert_cmpuint (status, ==, 200);
  g_assert_nonnull (strstr (body, "\"second-factor-recovery\""));
  g_assert_nonnull (strstr (body, "9 recovery codes left"));
  g_assert_nonnull (strstr (body, "\"second-factor-enrol\""));
  g_assert_nonnull (strstr (body, "\"second-factor-challenge\""));
  for (guint i = 0; a->recovery[i] != NULL; i++)
    g_assert_null (strstr (body, a->recovery[i]));
  g_assert_null (strstr (body, a->secret));
}

/* The demo's own accounts are not asked, even for required roles. */
static void
test_demo_exempt (FdTestFixture *f,
                  gconstpointer  data)
{
  const char *names[] = { "manager", "admin", "auditor", "reception" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(JsonNode) node = NULL;
      guint status;

      node = sign_in (f->server, f->session, names[i], &status);
      g_assert_cmpuint (status, ==, 201);
      g_assert_cmpstr (second_factor_state (node), ==, "none");
    }
}

/* An admin resets a second factor (API and command line): the account's
 * sessions end and it enrols again. */
static void
test_reset (FdTestFixture *f,
            gconstpointer  data)
{
  g_autoptr(Account) a = enrolled_account (f->server, f->session, "manager");
  g_autofree char *token = sign_in_with_code (f->server, f->session, a);
  g_autofree char *admin = fd_test_login (f->server, f->session, "admin");
  g_autofree char *reception = fd_test_login (f->server, f->session, "reception");
  g_autoptr(JsonNode) users = NULL, denied = NULL, after = NULL, again = NULL;
  g_autofree char *id = NULL, *path = NULL;
  JsonArray *items;
  guint status;

  users = fd_test_request (f->server, f->session, "GET", "/api/v1/users", admin, NULL, &status,
                           NULL);
  items = json_object_get_array_member (fd_test_get_object (users), "items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *u = json_array_get_object_element (items, i);
      if (g_str_equal (fd_test_get_string (u, "username"), a->username))
        id = g_strdup (fd_test_get_string (u, "id"));
    }
  g_assert_nonnull (id);
  path = g_strdup_printf ("/api/v1/users/%s/totp", id);

  denied = fd_test_request (f->server, f->session, "DELETE", path, reception, NULL, &status, NULL);
  fd_test_assert_error (status, denied, 403, "forbidden", NULL);
  g_assert_cmpuint (get_status (f->server, f->session, "/api/v1/session", token, NULL), ==, 200);

  g_clear_pointer (&denied, json_node_unref);
  denied = fd_test_request (f->server, f->session, "DELETE", path, admin, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 204);
  after = fd_test_request (f->server, f->session, "GET", "/api/v1/session", token, NULL, &status,
                           NULL);
  fd_test_assert_error (status, after, 401, "unauthenticated", NULL);
  again = sign_in (f->server, f->session, a->username, &status);
  g_assert_cmpuint (status, ==, 201);
  g_assert_cmpstr (second_factor_state (again), ==, "enrolment-required");

  /* the command line does the same */
  {
    g_autoptr(Account) b = enrolled_account (f->server, f->session, "auditor");
    const char *args[] = { "user", "reset-totp", "--data-dir",
                           fd_test_server_get_data_dir (f->server), "--username", b->username,
                           NULL };
    g_autoptr(JsonNode) node = NULL;

    g_assert_cmpint (run_cli (args, NULL), ==, 0);
    node = sign_in (f->server, f->session, b->username, &status);
    g_assert_cmpuint (status, ==, 201);
    g_assert_cmpstr (second_factor_state (node), ==, "enrolment-required");
  }
}

/* A reception account may enrol by choice; then it is asked too. */
static void
test_optional (FdTestFixture *f,
               gconstpointer  data)
{
  g_autoptr(Account) a = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *username = add_user (f->server, "reception");
  guint status;

  node = sign_in (f->server, f->session, username, &status);
  g_assert_cmpuint (status, ==, 201);
  g_assert_cmpstr (second_factor_state (node), ==, "none");
  a = enrolled_account (f->server, f->session, "finance");
  g_free (sign_in_with_code (f->server, f->session, a));
}

static char *
sealed_secret (FdTestServer *server)
{
  g_autofree char *path = g_build_filename (fd_test_server_get_data_dir (server), "frontdesk.db",
                                            NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *hex = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT hex(group_concat(hex(secret_enc))) FROM "
                                       "(SELECT secret_enc FROM user_totp WHERE secret_enc IS "
                                       "NOT NULL ORDER BY user_id)", -1, &stmt, NULL), ==,
                   SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_text (stmt, 0) != NULL)
    hex = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return hex;
}

/* rekey re-seals the TOTP secrets: sign-in with a code works after it. */
static void
test_rekey (void)
{
  const char *extra[] = { "--second-factor", "required-for: manager,admin,auditor", NULL };
  FdTestServerOptions opts = { .residents = 20, .extra_args = extra };
  g_autoptr(FdTestServer) server = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(Account) a = NULL;
  g_autofree char *keys_dir = NULL, *new_key = NULL;
  g_autofree char *before = NULL, *after = NULL;
  const char *args[] = { "rekey", "--data-dir", NULL, "--new-key", NULL, NULL };

  if (fd_test_skip_unless_sqlite ("SQLite only: rekey works on the SQLite file (a PostgreSQL "
                                  "office re-seals with pg_dump and a new office)"))
    return;
  keys_dir = g_dir_make_tmp ("fd-test-totp-keys-XXXXXX", NULL);
  new_key = g_build_filename (keys_dir, "new.key", NULL);
  args[4] = new_key;
  server = fd_test_server_start (&opts);
  session = fd_test_server_new_session (server);
  a = enrolled_account (server, session, "manager");
  args[2] = fd_test_server_get_data_dir (server);

  g_free (sign_in_with_code (server, session, a));
  g_clear_object (&session);
  fd_test_server_halt (server);
  before = sealed_secret (server);
  g_assert_nonnull (before);
  g_assert_cmpint (run_cli (args, NULL), ==, 0);
  after = sealed_secret (server);
  g_assert_cmpstr (before, !=, after);
  fd_test_server_restart (server);
  session = fd_test_server_new_session (server);
  g_free (sign_in_with_code (server, session, a));
  {
    /* the recovery codes are keyed by the secret: they still work */
    g_autofree char *challenge = challenge_for (server, session, a->username);
    g_autoptr(JsonNode) node = NULL;
    guint status;

    node = second_step (server, session, challenge, a->recovery[0], &status);
    g_assert_cmpuint (status, ==, 201);
  }
  g_clear_object (&session);
  {
    g_autoptr(GDir) dir = g_dir_open (keys_dir, 0, NULL);
    const char *name;
    while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *file = g_build_filename (keys_dir, name, NULL);
        g_remove (file);
      }
    g_rmdir (keys_dir);
  }
}

int
main (int   argc,
      char *argv[])
{
  const char *extra[] = { "--second-factor", "required-for: manager,admin,auditor", NULL };
  FdTestServerOptions opts = { .residents = 50, .extra_args = extra };
  FdTestServer *server;
  int ret;

  g_test_init (&argc, &argv, NULL);

  server = fd_test_server_start (&opts);
  fd_test_add ("/fd/server/totp/enrolment-only", server, test_enrolment_only);
  fd_test_add ("/fd/server/totp/sign-in-and-replay", server, test_sign_in_and_replay);
  fd_test_add ("/fd/server/totp/expired-code", server, test_expired_code);
  fd_test_add ("/fd/server/totp/challenge-reuse", server, test_challenge_reuse);
  fd_test_add ("/fd/server/totp/lockout", server, test_lockout);
  fd_test_add ("/fd/server/totp/shared-count", server, test_shared_count);
  fd_test_add ("/fd/server/totp/recovery-code", server, test_recovery_code);
  fd_test_add ("/fd/server/totp/demo-exempt", server, test_demo_exempt);
  fd_test_add ("/fd/server/totp/reset", server, test_reset);
  fd_test_add ("/fd/server/totp/optional", server, test_optional);
  g_test_add_func ("/fd/server/totp/rekey", test_rekey);

  ret = g_test_run ();

  fd_test_server_stop (server);
  return ret;
}
