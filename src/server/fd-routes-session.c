/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Routes: sign-in, lock, unlock and sign-out. */

#include "config.h"

#include <string.h>

#include "fd-crypto.h"
#include "fd-estates.h"
#include "fd-field.h"
#include "fd-routes-rules.h"
#include "fd-server-private.h"

/* Sign-in, lock, unlock, sign-out. Password checks (Argon2id) run in a
 * worker thread; everything that touches the store runs on the main
 * context before and after.
 *
 * Every attempt is counted in the store as a failure BEFORE its password
 * is checked, and cleared when the password was right (contract v1.1):
 * requests sent together cannot all pass the count while their hashes
 * run, and a locked name is refused without any hash at all, so a lock
 * answers nothing about the password. */

#define MAX_FAILED_LOGINS 5
#define MAX_UNLOCK_FAILURES 5
#define LOGIN_LOCK_USEC ((gint64) 15 * 60 * G_USEC_PER_SEC)
/* Failures of a name with no new one for a day are forgotten. */
#define LOGIN_FORGET_USEC ((gint64) 24 * 3600 * G_USEC_PER_SEC)

typedef struct
{
  char *username;
  char *password;
  char *hash;        /* NULL: unknown user, verify against a dummy */
  char *workstation;
  gint64 locked_until; /* not 0: this attempt, if wrong, locked the name until then */
  gboolean ok;
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

/* For sign-in: the job itself comes back (valid until login_done returns). */
static gpointer
login_password_work (gpointer data)
{
  PasswordJob *job = data;

  job->ok = GPOINTER_TO_INT (verify_password_work (job));
  return job;
}

static gboolean
account_locked (const FdUserRecord *user,
                gint64              now)
{
  return user->locked_until == -1 || user->locked_until > now;
}

/* The same shape for every name, known or not: "locked_until" is the
 * time the lock ends, or null for a lock only an admin lifts. */
static void
reply_locked (FdRequest *req,
              gint64     locked_until)
{
  fd_reply_locked (req, "This account is locked", locked_until);
}

static void
reply_unlock_failures (FdRequest *req)
{
  fd_reply_unauthenticated_full (req, "Too many wrong passwords; sign in again",
                                 "unlock-failures");
}

/* "estate": {"code", "name"} of @estate_id; a company-wide session is
 * {"*", "All estates"}, unless the office has one estate only (issue 11). */
static void
write_estate (FdJsonWriter *w,
              FdStore      *store,
              gint64        estate_id)
{
  g_autoptr(GPtrArray) estates = FD_STORE_CALL0 (store, estate_list);
  FdEstateRecord *estate = estate_id != FD_ESTATE_ALL ? fd_estate_find_id (estates, estate_id) :
                           estates->len == 1 ? estates->pdata[0] : NULL;

  fd_json_writer_member (w, "estate");
  fd_json_writer_begin_object (w);
  fd_json_writer_string_member (w, "code", estate ? estate->code : "*");
  fd_json_writer_string_member (w, "name", estate ? estate->name : "All estates");
  fd_json_writer_end_object (w);
}

/* The estate an account's sign-in failures, locks and alerts belong to
 * before a session names one: its only estate; company-wide for an
 * account of several, and for an unknown name or a company-wide account
 * (but in a one-estate office, that estate). */
static gint64
home_estate (FdStore            *store,
             const FdUserRecord *user)
{
  g_autoptr(GArray) ids = user ? FD_STORE_CALL (store, user_estates, user->id) : NULL;

  if (ids != NULL && ids->len > 1)
    return FD_ESTATE_ALL;
  return ids != NULL && ids->len == 1 ? g_array_index (ids, gint64, 0) : fd_estates_only (store);
}

/* Settles the estate of a sign-in whose password was right (issue 11):
 * the one named, which the account must hold (a company-wide account may
 * name any to narrow); else its only one; else, holding several, a 400
 * estate-required with their codes; holding none, every estate. FALSE
 * with the answer sent. Only called after the password: the account's
 * estates are never told to someone without it. */
static gboolean
settle_estate (FdRequest          *req,
               const FdUserRecord *user,
               gint64             *estate_id)
{
  FdStore *store = req->server->store;
  g_autoptr(GArray) granted = FD_STORE_CALL (store, user_estates, user->id);
  g_autoptr(GPtrArray) estates = FD_STORE_CALL0 (store, estate_list);
  const char *code = NULL;

  fd_body_string (req, "estate", FALSE, 32, &code);
  if (code != NULL)
    {
      FdEstateRecord *e = fd_estate_find_code (estates, code);
      gboolean held = e != NULL && granted->len == 0;

      for (guint i = 0; e != NULL && i < granted->len; i++)
        held |= g_array_index (granted, gint64, i) == e->id;
      if (!held)
        {
          if (fd_audit_actor (req, user, NULL, "login", "estate-not-granted", FALSE))
            fd_reply_error (req, FD_ERROR_ESTATE_NOT_GRANTED,
                            "This account does not belong to that estate", "estate");
          return FALSE;
        }
      *estate_id = e->id;
      return TRUE;
    }
  if (granted->len <= 1)
    {
      /* company-wide: every estate, or the office's only one */
      *estate_id = granted->len == 1 ? g_array_index (granted, gint64, 0) : fd_estates_only (store);
      return TRUE;
    }
  if (fd_audit_actor (req, user, NULL, "login", "estate-required", FALSE))
    {
      g_auto(FdJsonWriter) extra = { 0 };
      g_auto(GStrv) codes = fd_estate_codes (estates, granted);

      fd_json_writer_init (&extra, 64);
      fd_json_writer_member (&extra, "estates");
      fd_json_writer_begin_array (&extra);
      for (guint i = 0; codes[i] != NULL; i++)
        fd_json_writer_string (&extra, codes[i]);
      fd_json_writer_end_array (&extra);
      fd_reply_error_full (req, FD_ERROR_ESTATE_REQUIRED,
                           "This account belongs to several estates: name one", "estate", &extra);
    }
  return FALSE;
}

/* {"token"?, "expires_at", then with @user: "user", "policy", "locked",
 * "estate"}: the answers of sign-in, session and unlock. */
static void
reply_session (FdRequest          *req,
               guint               status,
               const char         *token,
               gint64              expires_at,
               const FdUserRecord *user,
               gboolean            locked)
{
  g_auto(FdJsonWriter) w = { 0 };
  g_autofree char *expires = fd_time_format_rfc3339 (expires_at);

  fd_json_writer_init (&w, 512);
  fd_json_writer_begin_object (&w);
  if (token != NULL)
    fd_json_writer_string_member (&w, "token", token);
  fd_json_writer_string_member (&w, "expires_at", expires);
  if (user != NULL)
    {
      fd_json_writer_member (&w, "user");
      fd_json_writer_begin_object (&w);
      fd_write_user (&w, user);
      fd_json_writer_end_object (&w);
      fd_json_writer_member (&w, "policy");
      fd_json_writer_begin_object (&w);
      fd_write_policy (&w, req->server);
      fd_json_writer_end_object (&w);
      fd_json_writer_bool_member (&w, "locked", locked);
      fd_rules_write_session (&w, req->server, user);
      write_estate (&w, req->server->store, req->estate_id);
      fd_write_second_factor (&w, req->server, user);
      /* pwchange: a one-time password the server made */
      fd_json_writer_bool_member (&w, "password_change_required",
                                  fd_password_change_required (req->server->store, user));
    }
  fd_json_writer_end_object (&w);
  /* the token is in the text: wipe it once the message has its copy */
  fd_reply_writer_secret (req, status, &w);
}

gboolean
fd_sign_in_refused (FdRequest          *req,
                    const FdUserRecord *user,
                    const char         *action,
                    gint64              now)
{
  if (user->disabled)
    {
      if (fd_audit_actor (req, user, NULL, action, NULL, FALSE))
        fd_reply_error (req, FD_ERROR_ACCOUNT_DISABLED, "This account is disabled", NULL);
      return TRUE;
    }
  if (account_locked (user, now))
    {
      if (fd_audit_actor (req, user, NULL, action, NULL, FALSE))
        reply_locked (req, user->locked_until);
      return TRUE;
    }
  return FALSE;
}

FdLoginAttempt
fd_sign_in_reserve (FdRequest          *req,
                    const FdUserRecord *user,
                    const char         *username,
                    const char         *action,
                    gint64              now,
                    gint64             *locked_until)
{
  g_autoptr(GError) error = NULL;
  FdLoginAttempt attempt;

  attempt = fd_login_attempt_reserve (req->server, username, now, locked_until, &error);
  if (attempt == FD_LOGIN_ATTEMPT_ERROR)
    fd_reply_gerror (req, error);
  else if (attempt == FD_LOGIN_ATTEMPT_LOCKED &&
           fd_audit_actor (req, user, user ? NULL : "(unknown)", action, NULL, FALSE))
    reply_locked (req, *locked_until);
  return attempt;
}

static void
login_done (FdRequest *req,
            gpointer   result)
{
  FdServer *server = req->server;
  g_autoptr(FdUserRecord) user = NULL;
  g_autoptr(GError) error = NULL;
  const char *username = NULL, *workstation = NULL;
  PasswordJob *job = result;
  gboolean ok = job->ok;
  FdSecondFactorNeed need;
  gint64 now = fd_now ();

  fd_body_string (req, "username", TRUE, 64, &username);
  fd_body_string (req, "workstation", FALSE, 64, &workstation);
  /* Read the account again: it may have changed while we hashed. */
  user = FD_STORE_CALL (server->store, user_by_name, username);
  /* its failures, locks and alerts are its estate's (issue 11) */
  req->estate_id = home_estate (server->store, user);
  fd_request_enter (req);

  if (user == NULL || !ok)
    {
      /* Already counted before the hash. The attempt that reached the
       * limit locked the name; an account of that name is locked too. */
      if (user != NULL && job->locked_until != 0 && !account_locked (user, now))
        fd_server_lock_user (req, user, job->locked_until, "failed-logins",
                             "5 failed sign-ins in a row; locked for 15 minutes");
      if (fd_audit_actor (req, user, user ? NULL : "(unknown)", "login-failed", NULL, FALSE))
        fd_reply_error (req, FD_ERROR_BAD_CREDENTIALS, "Wrong username or password", NULL);
      return;
    }

  /* The right password: the attempt was no failure — unless a second
   * step is due (issue 15): it stays counted until the code is right. */
  need = fd_second_factor_need (server, user);
  if (need != FD_SECOND_FACTOR_ASK &&
      !FD_STORE_CALL (server->store, login_attempt_clear, username, &error))
    g_warning ("Cannot clear failed sign-ins: %s", error->message);
  g_clear_error (&error);

  /* disabled, or locked while we hashed (an admin, a policy rule) */
  if (fd_sign_in_refused (req, user, "login", now))
    return;
  if (need == FD_SECOND_FACTOR_ASK)
    {
      fd_second_factor_challenge (req, user, workstation, job->locked_until);
      return;
    }
  fd_session_begin (req, user, workstation);
}

void
fd_session_begin (FdRequest    *req,
                  FdUserRecord *user,
                  const char   *workstation)
{
  FdServer *server = req->server;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  FdSessionRecord session = { 0 };
  gint64 now = fd_now ();

  if (user->failed_logins != 0 || user->locked_until != 0)
    {
      user->failed_logins = 0;
      user->locked_until = 0;
      /* these two alone: another server may have changed the rest since
       * @user was read (a disable, a role, a password) */
      FD_STORE_CALL (server->store, user_lock_set, user->id, 0, 0, now, NULL);
    }
  /* The estate, once the password is known to be right (issue 11). */
  if (!settle_estate (req, user, &session.estate_id))
    return;
  req->estate_id = session.estate_id;
  fd_request_enter (req);

  /* The session and its "login" entry commit together (a crash between
   * them must not leave a session nobody logged). */
  if (!fd_begin_writes (req))
    return;
  token = fd_random_token (32);
  session.token_hash = fd_sha256_hex (token, strlen (token));
  session.user_id = user->id;
  session.created_at = now;
  session.last_seen = now;
  session.expires_at = now + (gint64) server->config->max_age_s * G_USEC_PER_SEC;
  session.workstation = (char *) workstation;
  session.ip = req->ip;
  session.id = FD_STORE_CALL (server->store, session_insert, &session, &error);
  g_free (req->session_hash);
  req->session_hash = g_strndup (session.token_hash, 16);
  g_free (session.token_hash);
  if (session.id == 0)
    {
      fd_secret_free (g_steal_pointer (&token));
      fd_reply_gerror (req, error);
      return;
    }
  g_clear_pointer (&req->session, fd_session_record_free);
  req->session = g_new0 (FdSessionRecord, 1);
  req->session->workstation = g_strdup (workstation);
  if (!fd_audit_actor (req, user, NULL, "login", NULL, TRUE))
    {
      FD_STORE_CALL (server->store, sessions_end_for_user, user->id, 0, "signed-out", now);
      fd_secret_free (g_steal_pointer (&token));
      return;
    }

  reply_session (req, 201, token, session.expires_at, user, FALSE);
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
  FdServer *server = req->server;
  g_autoptr(FdUserRecord) user = NULL;
  const char *username, *password, *workstation, *estate;
  gint64 now = fd_now (), locked_until = 0;
  FdLoginAttempt attempt;
  guint retry_after = 0;
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
  /* "estate" is only read after the password (settle_estate); its type now */
  if (!fd_body_string (req, "estate", FALSE, 32, &estate))
    return;

  /* Per source address first: a flood costs no store write and no hash. */
  if (!fd_rate_limit_take (server->sign_in_limit, req->ip, g_get_monotonic_time (), &retry_after))
    {
      fd_reply_retry_later (req, FD_ERROR_RATE_LIMITED, retry_after,
                            "Too many sign-in attempts from this address; try again later");
      return;
    }

  user = FD_STORE_CALL (server->store, user_by_name, username);
  req->estate_id = home_estate (server->store, user);   /* issue 11 */
  fd_request_enter (req);
  /* A lock (the name's, or the account's) is answered without a hash. */
  if (user != NULL && account_locked (user, now))
    {
      if (fd_audit_actor (req, user, NULL, "login", NULL, FALSE))
        reply_locked (req, user->locked_until);
      return;
    }
  if (fd_request_threads_busy (req))
    return;
  attempt = fd_sign_in_reserve (req, user, username, "login", now, &locked_until);
  if (attempt == FD_LOGIN_ATTEMPT_ERROR || attempt == FD_LOGIN_ATTEMPT_LOCKED)
    return;

  job = g_new0 (PasswordJob, 1);
  job->password = g_strdup (password);
  job->hash = user ? g_strdup (user->password_hash) : NULL;
  job->locked_until = attempt == FD_LOGIN_ATTEMPT_LAST ? locked_until : 0;
  fd_body_wipe_member (req, "password");
  fd_request_run_in_thread (req, login_password_work, job, password_job_free, login_done);
}

FdLoginAttempt
fd_login_attempt_reserve (FdServer   *server,
                          const char *username,
                          gint64      now,
                          gint64     *locked_until,
                          GError    **error)
{
  return FD_STORE_CALL (server->store, login_attempt_reserve, username, now, MAX_FAILED_LOGINS,
                        LOGIN_LOCK_USEC, now - LOGIN_FORGET_USEC, locked_until, error);
}

void
fd_routes_session_get (FdRequest *req)
{
  reply_session (req, 200, NULL, req->session->expires_at, req->user, req->session->locked);
}

void
fd_routes_session_delete (FdRequest *req)
{
  g_autoptr(GError) error = NULL;

  if (!fd_begin_writes (req))
    return;
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

  if (!fd_begin_writes (req))
    return;
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
  g_autofree char *token = NULL;
  gboolean ok = GPOINTER_TO_INT (result);

  /* The session may have ended while we hashed. */
  session = FD_STORE_CALL (server->store, session_by_token_hash, req->session->token_hash);
  if (session == NULL || session->end_reason != NULL)
    {
      fd_reply_unauthenticated (req, session ? session->end_reason : "invalid");
      return;
    }

  if (!ok)
    {
      g_auto(FdJsonWriter) extra = { 0 };

      if (!fd_begin_writes (req))
        return;
      /* Already counted before the hash (session_unlock_reserve). */
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
        reply_unlock_failures (req);
      else
        {
          fd_json_writer_init (&extra, 32);
          fd_json_writer_int_member (&extra, "attempts_left",
                                     MAX_UNLOCK_FAILURES - session->unlock_failures);
          fd_reply_error_full (req, FD_ERROR_BAD_CREDENTIALS, "Wrong password", NULL, &extra);
        }
      return;
    }

  if (!fd_begin_writes (req))
    return;
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
  reply_session (req, 200, token, session->expires_at, NULL, FALSE);
  fd_secret_free (g_steal_pointer (&token));
}

void
fd_routes_session_unlock (FdRequest *req)
{
  FdServer *server = req->server;
  const char *password;
  PasswordJob *job;

  if (!fd_body_string (req, "password", TRUE, 1024, &password))
    return;
  if (fd_request_threads_busy (req))
    return;
  /* Counted before the hash: attempts sent together cannot all pass. */
  if (FD_STORE_CALL (server->store, session_unlock_reserve, req->session->id,
                     MAX_UNLOCK_FAILURES) == 0)
    {
      /* MAX_UNLOCK_FAILURES attempts are already counted (some may still
       * be checked): the session ends. */
      if (!fd_begin_writes (req))
        return;
      g_free (req->session->end_reason);
      req->session->end_reason = g_strdup ("unlock-failures");
      FD_STORE_CALL (server->store, session_update, req->session, NULL);
      if (!fd_audit (req, "unlock", NULL, NULL, NULL, NULL, FALSE))
        return;
      reply_unlock_failures (req);
      return;
    }
  job = g_new0 (PasswordJob, 1);
  job->password = g_strdup (password);
  job->hash = g_strdup (req->user->password_hash);
  fd_body_wipe_member (req, "password");
  fd_request_run_in_thread (req, verify_password_work, job, password_job_free, unlock_done);
}
