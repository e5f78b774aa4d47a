#include "config.h"

#include <string.h>

#include "fd-crypto.h"
#include "fd-field.h"
#include "fd-server-private.h"

/* Sign-in, lock, unlock, sign-out. Password checks (Argon2id) run in a
 * worker thread; everything that touches the store runs on the main
 * context before and after. */

#define MAX_FAILED_LOGINS 5
#define MAX_UNLOCK_FAILURES 5
#define LOGIN_LOCK_USEC ((gint64) 15 * 60 * G_USEC_PER_SEC)

typedef struct
{
  char *username;
  char *password;
  char *hash;        /* NULL: unknown user, verify against a dummy */
  char *workstation;
} PasswordJob;

static void
password_job_free (gpointer data)
{
  PasswordJob *job = data;

  g_free (job->username);
  fd_secret_free (job->password);
  fd_secret_free (job->hash);
  g_free (job->workstation);
  g_free (job);
}

/* Unknown users cost as much as known ones: no timing oracle for names. */
static const char *
dummy_hash (void)
{
  static char *hash;

  if (g_once_init_enter (&hash))
    {
      char *h = fd_password_hash ("frontdesk-dummy-password", NULL);
      g_once_init_leave (&hash, h);
    }
  return hash;
}

static gpointer
verify_password_work (gpointer data)
{
  PasswordJob *job = data;
  gboolean ok;

  if (job->hash == NULL)
    {
      fd_password_verify (dummy_hash (), job->password);
      ok = FALSE;
    }
  else
    ok = fd_password_verify (job->hash, job->password);
  return GINT_TO_POINTER (ok);
}

static gboolean
account_locked (const FdUserRecord *user,
                gint64              now)
{
  return user->locked_until == -1 || user->locked_until > now;
}

static void
reply_locked (FdRequest          *req,
              const FdUserRecord *user)
{
  g_autoptr(JsonObject) extra = json_object_new ();

  if (user->locked_until == -1)
    json_object_set_null_member (extra, "locked_until");
  else
    {
      g_autofree char *until = fd_time_format_rfc3339 (user->locked_until);
      json_object_set_string_member (extra, "locked_until", until);
    }
  fd_reply_error_full (req, FD_ERROR_ACCOUNT_LOCKED, "This account is locked", NULL, extra);
}

static void
build_session (JsonBuilder        *b,
               FdServer           *server,
               const FdUserRecord *user,
               gboolean            locked)
{
  json_builder_set_member_name (b, "user");
  json_builder_begin_object (b);
  fd_build_user (b, user);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "policy");
  json_builder_begin_object (b);
  fd_build_policy (b, server);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "locked");
  json_builder_add_boolean_value (b, locked);
}

static void
login_done (FdRequest *req,
            gpointer   result)
{
  FdServer *server = req->server;
  g_autoptr(FdUserRecord) user = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  g_autofree char *token = NULL;
  g_autofree char *expires = NULL;
  const char *username = NULL, *workstation = NULL;
  gboolean ok = GPOINTER_TO_INT (result);
  FdSessionRecord session = { 0 };
  gint64 now = fd_now ();

  fd_body_string (req, "username", TRUE, 64, &username);
  fd_body_string (req, "workstation", FALSE, 64, &workstation);
  /* Read the account again: it may have changed while we hashed. */
  user = FD_STORE_CALL (server->store, user_by_name, username);

  if (user == NULL)
    {
      if (fd_audit_actor (req, NULL, "(unknown)", "login-failed", NULL, FALSE))
        fd_reply_error (req, FD_ERROR_BAD_CREDENTIALS, "Wrong username or password", NULL);
      return;
    }

  if (!ok)
    {
      if (!account_locked (user, now) && !user->disabled)
        {
          user->failed_logins++;
          if (user->failed_logins >= MAX_FAILED_LOGINS)
            fd_server_lock_user (req, user, now + LOGIN_LOCK_USEC, "failed-logins",
                                 "5 failed sign-ins in a row; locked for 15 minutes");
          else if (!FD_STORE_CALL (server->store, user_update, user, &error))
            g_warning ("Cannot count a failed sign-in: %s", error->message);
        }
      if (fd_audit_actor (req, user, NULL, "login-failed", NULL, FALSE))
        fd_reply_error (req, FD_ERROR_BAD_CREDENTIALS, "Wrong username or password", NULL);
      return;
    }

  if (user->disabled)
    {
      if (fd_audit_actor (req, user, NULL, "login", NULL, FALSE))
        fd_reply_error (req, FD_ERROR_ACCOUNT_DISABLED, "This account is disabled", NULL);
      return;
    }
  if (account_locked (user, now))
    {
      if (fd_audit_actor (req, user, NULL, "login", NULL, FALSE))
        reply_locked (req, user);
      return;
    }
  if (user->failed_logins != 0 || user->locked_until != 0)
    {
      user->failed_logins = 0;
      user->locked_until = 0;
      FD_STORE_CALL (server->store, user_update, user, NULL);
    }

  token = fd_random_token (32);
  session.token_hash = fd_sha256_hex (token, strlen (token));
  session.user_id = user->id;
  session.created_at = now;
  session.last_seen = now;
  session.expires_at = now + (gint64) server->config->max_age_s * G_USEC_PER_SEC;
  session.workstation = (char *) workstation;
  session.ip = req->ip;
  session.id = FD_STORE_CALL (server->store, session_insert, &session, &error);
  req->session_hash = g_strndup (session.token_hash, 16);
  g_free (session.token_hash);
  if (session.id == 0)
    {
      fd_secret_free (g_steal_pointer (&token));
      fd_reply_gerror (req, error);
      return;
    }
  req->session = g_new0 (FdSessionRecord, 1);
  req->session->workstation = g_strdup (workstation);
  if (!fd_audit_actor (req, user, NULL, "login", NULL, TRUE))
    {
      FD_STORE_CALL (server->store, sessions_end_for_user, user->id, "signed-out", now);
      fd_secret_free (g_steal_pointer (&token));
      return;
    }

  expires = fd_time_format_rfc3339 (session.expires_at);
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "token");
  json_builder_add_string_value (b, token);
  json_builder_set_member_name (b, "expires_at");
  json_builder_add_string_value (b, expires);
  build_session (b, server, user, FALSE);
  json_builder_end_object (b);
  fd_reply_json (req, 201, b);
  fd_secret_free (g_steal_pointer (&token));
}

static gboolean
workstation_ok (const char *text)
{
  for (const char *p = text; p && *p; p = g_utf8_next_char (p))
    if (!g_unichar_isprint (g_utf8_get_char (p)))
      return FALSE;
  return TRUE;
}

void
fd_routes_session_login (FdRequest *req)
{
  g_autoptr(FdUserRecord) user = NULL;
  const char *username, *password, *workstation;
  PasswordJob *job;

  if (req->body == NULL)
    {
      fd_reply_error (req, FD_ERROR_BAD_REQUEST, "A JSON object is required", NULL);
      return;
    }
  if (!fd_body_string (req, "username", TRUE, 64, &username) ||
      !fd_body_string (req, "password", TRUE, 1024, &password) ||
      !fd_body_string (req, "workstation", FALSE, 64, &workstation))
    return;
  if (workstation != NULL && !workstation_ok (workstation))
    {
      fd_reply_error (req, FD_ERROR_BAD_REQUEST, "The workstation name has control characters",
                      "workstation");
      return;
    }

  user = FD_STORE_CALL (req->server->store, user_by_name, username);
  job = g_new0 (PasswordJob, 1);
  job->password = g_strdup (password);
  job->hash = user ? g_strdup (user->password_hash) : NULL;
  fd_body_wipe_member (req, "password");
  fd_request_run_in_thread (req, verify_password_work, job, password_job_free, login_done);
}

void
fd_routes_session_get (FdRequest *req)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *expires = fd_time_format_rfc3339 (req->session->expires_at);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "expires_at");
  json_builder_add_string_value (b, expires);
  build_session (b, req->server, req->user, req->session->locked);
  json_builder_end_object (b);
  fd_reply_json (req, 200, b);
}

void
fd_routes_session_delete (FdRequest *req)
{
  g_autoptr(GError) error = NULL;

  req->session->end_reason = g_strdup ("signed-out");
  req->session->last_seen = fd_now ();
  if (!FD_STORE_CALL (req->server->store, session_update, req->session, &error))
    {
      fd_reply_gerror (req, error);
      return;
    }
  if (fd_audit (req, "logout", NULL, NULL, NULL, NULL, TRUE))
    fd_reply_empty (req, 204);
}

void
fd_routes_session_lock (FdRequest *req)
{
  g_autoptr(GError) error = NULL;

  req->session->locked = TRUE;
  if (!FD_STORE_CALL (req->server->store, session_update, req->session, &error))
    {
      fd_reply_gerror (req, error);
      return;
    }
  if (fd_audit (req, "lock", NULL, NULL, NULL, NULL, TRUE))
    fd_reply_empty (req, 204);
}

static void
unlock_done (FdRequest *req,
             gpointer   result)
{
  FdServer *server = req->server;
  g_autoptr(FdSessionRecord) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  g_autofree char *token = NULL;
  g_autofree char *expires = NULL;
  gboolean ok = GPOINTER_TO_INT (result);

  /* The session may have ended while we hashed. */
  session = FD_STORE_CALL (server->store, session_by_token_hash, req->session->token_hash);
  if (session == NULL || session->end_reason != NULL)
    {
      g_autoptr(JsonObject) extra = json_object_new ();
      json_object_set_string_member (extra, "reason", session ? session->end_reason : "invalid");
      fd_reply_error_full (req, FD_ERROR_UNAUTHENTICATED, "Sign in again", NULL, extra);
      return;
    }

  if (!ok)
    {
      g_autoptr(JsonObject) extra = json_object_new ();

      session->unlock_failures++;
      if (session->unlock_failures >= MAX_UNLOCK_FAILURES)
        session->end_reason = g_strdup ("unlock-failures");
      if (!FD_STORE_CALL (server->store, session_update, session, &error))
        {
          fd_reply_gerror (req, error);
          return;
        }
      if (!fd_audit (req, "unlock", NULL, NULL, NULL, NULL, FALSE))
        return;
      if (session->end_reason != NULL)
        {
          json_object_set_string_member (extra, "reason", "unlock-failures");
          fd_reply_error_full (req, FD_ERROR_UNAUTHENTICATED,
                               "Too many wrong passwords; sign in again", NULL, extra);
        }
      else
        {
          json_object_set_int_member (extra, "attempts_left",
                                      MAX_UNLOCK_FAILURES - session->unlock_failures);
          fd_reply_error_full (req, FD_ERROR_BAD_CREDENTIALS, "Wrong password", NULL, extra);
        }
      return;
    }

  /* A new token at every unlock; the old one stops working. */
  token = fd_random_token (32);
  g_free (session->token_hash);
  session->token_hash = fd_sha256_hex (token, strlen (token));
  session->locked = FALSE;
  session->unlock_failures = 0;
  session->last_seen = fd_now ();
  if (!FD_STORE_CALL (server->store, session_update, session, &error))
    {
      fd_secret_free (g_steal_pointer (&token));
      fd_reply_gerror (req, error);
      return;
    }
  if (!fd_audit (req, "unlock", NULL, NULL, NULL, NULL, TRUE))
    {
      fd_secret_free (g_steal_pointer (&token));
      return;
    }
  expires = fd_time_format_rfc3339 (session->expires_at);
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "token");
  json_builder_add_string_value (b, token);
  json_builder_set_member_name (b, "expires_at");
  json_builder_add_string_value (b, expires);
  json_builder_end_object (b);
  fd_reply_json (req, 200, b);
  fd_secret_free (g_steal_pointer (&token));
}

void
fd_routes_session_unlock (FdRequest *req)
{
  const char *password;
  PasswordJob *job;

  if (!fd_body_string (req, "password", TRUE, 1024, &password))
    return;
  job = g_new0 (PasswordJob, 1);
  job->password = g_strdup (password);
  job->hash = g_strdup (req->user->password_hash);
  fd_body_wipe_member (req, "password");
  fd_request_run_in_thread (req, verify_password_work, job, password_job_free, unlock_done);
}
