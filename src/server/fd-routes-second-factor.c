/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Routes: the second factor (TOTP) — the sign-in's second step, enrolment, admin reset. */

#include "config.h"

#include <string.h>

#include "fd-crypto.h"
#include "fd-field.h"
#include "fd-server-private.h"
#include "fd-totp.h"

/* Issue 15, contract v1.2 "Second factor".
 *
 * Sign-in of an enrolled account: the right password gets no session but
 * a challenge (401 second-factor-required); POST /session/second-factor
 * with the challenge and a code then answers 201 as sign-in. The
 * password's attempt stays counted as a failure until the code is right,
 * and every code is counted BEFORE it is checked, with the same per-name
 * counter as passwords (login_attempt_reserve): parallel guesses cannot
 * pass the limit, and a right password cannot reset the count for more
 * code guesses.
 *
 * A challenge is stored (hashed) in the database, bound to the account
 * and to the address and workstation of the password step, lives 5
 * minutes and is taken (deleted) by the first attempt that names it; a
 * wrong code gets a fresh one in its answer. A code is accepted once:
 * the last accepted step is kept per account and only a later step is
 * accepted (totp_step_take, one UPDATE).
 *
 * An account whose role requires the factor and that has not enrolled
 * gets a session that reaches only POST /account/totp (and its own
 * session); confirming enrolment ends its other sessions. */

#define CHALLENGE_USEC ((gint64) 5 * 60 * G_USEC_PER_SEC)

static gboolean
role_requires (FdServer           *server,
               const FdUserRecord *user)
{
  FdRole role = fd_role_from_string (user->role);

  return role != FD_ROLE_INVALID && (server->config->second_factor_roles & (1u << role)) != 0;
}

static FdSecondFactorNeed
need_of (FdServer           *server,
         const FdUserRecord *user,
         const FdTotpRecord *record)
{
  if (record != NULL && record->confirmed && record->has_secret)
    return FD_SECOND_FACTOR_ASK;
  /* demo accounts are exempt in demo mode only */
  if (role_requires (server, user) && !(server->config->demo && record != NULL && record->exempt))
    return FD_SECOND_FACTOR_ENROL;
  return FD_SECOND_FACTOR_NONE;
}

FdSecondFactorNeed
fd_second_factor_need (FdServer           *server,
                       const FdUserRecord *user)
{
  g_autoptr(FdTotpRecord) record = FD_STORE_CALL (server->store, totp_get, user->id, FALSE);

  return need_of (server, user, record);
}

void
fd_write_second_factor (FdJsonWriter       *w,
                        FdServer           *server,
                        const FdUserRecord *user)
{
  static const char *names[] = { "none", "enrolled", "enrolment-required" };

  fd_json_writer_string_member (w, "second_factor", names[fd_second_factor_need (server, user)]);
}

/* Stores a new challenge for @user and writes it as "challenge" into
 * @extra. FALSE with the answer sent when it cannot be stored. */
static gboolean
issue_challenge (FdRequest          *req,
                 const FdUserRecord *user,
                 const char         *workstation,
                 FdJsonWriter       *extra)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = NULL;
  char *token = fd_random_token (32);
  gint64 now = fd_now ();
  FdTotpChallenge challenge = { 0 };

  hash = fd_sha256_hex (token, strlen (token));
  challenge.hash = hash;
  challenge.user_id = user->id;
  challenge.workstation = (char *) workstation;
  challenge.ip = req->ip;
  challenge.expires_at = now + CHALLENGE_USEC;
  if (!fd_begin_writes (req) ||
      !FD_STORE_CALL (req->server->store, totp_challenge_put, &challenge, now, &error))
    {
      if (error != NULL)
        fd_reply_gerror (req, error);
      fd_secret_free (token);
      return FALSE;
    }
  fd_json_writer_string_member (extra, "challenge", token);
  fd_secret_free (token);
  return TRUE;
}

static void
reply_locked (FdRequest *req,
              gint64     locked_until)
{
  fd_reply_locked (req, "This account is locked", locked_until);
}

void
fd_second_factor_challenge (FdRequest          *req,
                            const FdUserRecord *user,
                            const char         *workstation,
                            gint64              locked_until)
{
  g_auto(FdJsonWriter) extra = { 0 };

  /* This right password was the limit's last attempt: a code could not
   * be counted any more. */
  if (locked_until != 0)
    {
      if (fd_audit_actor (req, user, NULL, "login", NULL, FALSE))
        reply_locked (req, locked_until);
      return;
    }
  fd_json_writer_init (&extra, 96);
  if (!issue_challenge (req, user, workstation, &extra) ||
      !fd_audit_actor (req, user, NULL, "second-factor-challenge", NULL, TRUE))
    return;
  fd_reply_error_coded (req, 401, "second-factor-required",
                        "Enter the 6-digit code from your authenticator app", NULL, &extra, TRUE);
}

/* The base64url shape fd_random_token() makes. */
static gboolean
challenge_shape_ok (const char *text)
{
  gsize len = strlen (text);

  if (len < 16 || len > 64)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (text[i]) && text[i] != '-' && text[i] != '_')
      return FALSE;
  return TRUE;
}

static void
reply_challenge_expired (FdRequest *req)
{
  fd_reply_error_coded (req, 401, "second-factor-expired",
                        "This sign-in has expired or was already used; sign in again", NULL,
                        NULL, FALSE);
}

/* Checks @code (six digits, or a recovery code) for @user. *@recovery
 * tells which kind it was; *@left the recovery codes still unused. */
static gboolean
check_code (FdServer           *server,
            const FdUserRecord *user,
            const char         *code,
            gint64              now,
            gboolean           *recovery,
            guint              *left)
{
  g_autoptr(FdTotpRecord) record = FD_STORE_CALL (server->store, totp_get, user->id, TRUE);
  g_autofree char *hash = NULL;
  gint64 step;

  *recovery = !fd_totp_code_valid (code);
  *left = 0;
  if (record == NULL || !record->confirmed || record->secret == NULL)
    return FALSE;
  if (!*recovery)
    /* the step is taken once: a code seen (or a later one used) is refused */
    return fd_totp_verify (record->secret, code, fd_totp_step (now / G_USEC_PER_SEC), &step) &&
           FD_STORE_CALL (server->store, totp_step_take, user->id, step);
  hash = fd_totp_recovery_hash (record->secret, code);
  return hash != NULL &&
         FD_STORE_CALL (server->store, totp_recovery_use, user->id, hash, now, left);
}

void
fd_routes_second_factor (FdRequest *req)
{
  FdServer *server = req->server;
  g_autoptr(FdTotpChallenge) challenge = NULL;
  g_autoptr(FdUserRecord) user = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *left_text = NULL;
  const char *token, *code;
  gint64 now = fd_now (), locked_until = 0;
  FdLoginAttempt attempt;
  guint retry_after = 0, left = 0;
  gboolean recovery;

  if (req->body == NULL)
    {
      fd_reply_error (req, FD_ERROR_BAD_REQUEST, "A JSON object is required", NULL);
      return;
    }
  if (!fd_body_string (req, "challenge", TRUE, 128, &token) ||
      !fd_body_string (req, "code", TRUE, 32, &code))
    return;
  if (!fd_rate_limit_take (server->sign_in_limit, req->ip, g_get_monotonic_time (), &retry_after))
    {
      fd_reply_retry_later (req, FD_ERROR_RATE_LIMITED, retry_after,
                            "Too many sign-in attempts from this address; try again later");
      return;
    }
  if (!challenge_shape_ok (token))
    {
      reply_challenge_expired (req);
      return;
    }

  /* Taken (deleted) before anything else: one attempt per challenge. */
  hash = fd_sha256_hex (token, strlen (token));
  fd_body_wipe_member (req, "challenge");
  challenge = FD_STORE_CALL (server->store, totp_challenge_take, hash, now);
  if (challenge != NULL && g_strcmp0 (challenge->ip, req->ip) == 0)
    user = FD_STORE_CALL (server->store, user_by_id, challenge->user_id);
  req->session = g_new0 (FdSessionRecord, 1);
  req->session->workstation = challenge ? g_strdup (challenge->workstation) : NULL;
  if (user == NULL)
    {
      if (fd_audit_actor (req, NULL, "(unknown)", "second-factor", NULL, FALSE))
        reply_challenge_expired (req);
      return;
    }
  if (fd_sign_in_refused (req, user, "second-factor", now))
    return;

  /* Counted as a failure before it is checked (the wave rule), on the
   * sign-in's counter with its limits. */
  attempt = fd_sign_in_reserve (req, user, user->username, "second-factor", now, &locked_until);
  if (attempt == FD_LOGIN_ATTEMPT_ERROR || attempt == FD_LOGIN_ATTEMPT_LOCKED)
    return;

  if (!check_code (server, user, code, now, &recovery, &left))
    {
      g_auto(FdJsonWriter) extra = { 0 };

      fd_body_wipe_member (req, "code");
      if (attempt == FD_LOGIN_ATTEMPT_LAST)
        fd_server_lock_user (req, user, locked_until, "failed-logins",
                             "5 failed sign-ins in a row; locked for 15 minutes");
      if (!fd_audit_actor (req, user, NULL, recovery ? "second-factor-recovery" : "second-factor",
                           NULL, FALSE))
        return;
      fd_json_writer_init (&extra, 96);
      /* another try needs another challenge, unless the name just locked */
      if (attempt != FD_LOGIN_ATTEMPT_LAST &&
          !issue_challenge (req, user, challenge->workstation, &extra))
        return;
      fd_reply_error_coded (req, 401, "bad-second-factor",
                            recovery ? "Wrong or already used recovery code"
                                     : "Wrong or already used code; wait for the next one",
                            NULL, &extra, TRUE);
      return;
    }
  fd_body_wipe_member (req, "code");

  if (!FD_STORE_CALL (server->store, login_attempt_clear, user->username, &error))
    g_warning ("Cannot clear failed sign-ins: %s", error->message);
  req->user = g_steal_pointer (&user);
  req->role = fd_role_from_string (req->user->role);
  /* which recovery code is never logged: only how many are left */
  if (recovery)
    left_text = g_strdup_printf ("%u recovery codes left", left);
  if (!fd_audit (req, recovery ? "second-factor-recovery" : "second-factor", NULL, NULL, NULL,
                 left_text, TRUE))
    return;
  fd_session_begin (req, req->user, challenge->workstation);
}

/* enrolment */

static void
enrol_begin (FdRequest    *req,
             FdTotpRecord *record)
{
  g_autoptr(GError) error = NULL;
  g_auto(FdJsonWriter) w = { 0 };
  g_autofree char *uri = NULL;
  const char * const none[] = { NULL };
  FdTotpRecord fresh = { .user_id = req->user->id, .exempt = record && record->exempt };

  if (record != NULL && record->confirmed && record->has_secret)
    {
      fd_reply_error_coded (req, 409, "second-factor-enrolled",
                            "A second factor is already set up; an administrator can reset it",
                            NULL, NULL, FALSE);
      return;
    }
  fresh.secret = fd_totp_secret_new ();
  if (!fd_begin_writes (req) ||
      !FD_STORE_CALL (req->server->store, totp_put, &fresh, none, &error))
    {
      if (error != NULL)
        fd_reply_gerror (req, error);
      fd_secret_free (fresh.secret);
      return;
    }
  if (!fd_audit (req, "second-factor-enrol", NULL, NULL, "begin", NULL, TRUE))
    {
      fd_secret_free (fresh.secret);
      return;
    }
  uri = fd_totp_uri (fresh.secret, req->user->username);
  fd_secret_free (fresh.secret);
  fd_json_writer_init (&w, 256);
  fd_json_writer_begin_object (&w);
  fd_json_writer_string_member (&w, "secret_uri", uri);
  fd_json_writer_end_object (&w);
  explicit_bzero (uri, strlen (uri));
  fd_reply_writer_secret (req, 201, &w);
}

static void
enrol_confirm (FdRequest    *req,
               FdTotpRecord *record,
               const char   *code)
{
  FdServer *server = req->server;
  g_autoptr(GError) error = NULL;
  g_auto(FdJsonWriter) w = { 0 };
  g_autoptr(GPtrArray) codes = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_secret_free);
  g_autoptr(GPtrArray) hashes = g_ptr_array_new_with_free_func (g_free);
  gint64 step, now = fd_now ();

  if (record == NULL || record->secret == NULL || record->confirmed)
    {
      fd_reply_error_coded (req, 409, record && record->confirmed ? "second-factor-enrolled"
                                                                   : "second-factor-not-begun",
                            record && record->confirmed
                              ? "A second factor is already set up"
                              : "Start the set-up first (POST without a code)",
                            NULL, NULL, FALSE);
      return;
    }
  if (!fd_totp_verify (record->secret, code, fd_totp_step (now / G_USEC_PER_SEC), &step) ||
      !FD_STORE_CALL (server->store, totp_step_take, req->user->id, step))
    {
      if (fd_audit (req, "second-factor-enrol", NULL, NULL, "confirm", NULL, FALSE))
        fd_reply_error_coded (req, 400, "bad-second-factor",
                              "The code does not match; check the device's clock and enter "
                              "the current code", "code", NULL, FALSE);
      return;
    }

  for (guint i = 0; i < FD_TOTP_RECOVERY_CODES; i++)
    {
      char *one = fd_totp_recovery_code_new ();

      g_ptr_array_add (codes, one);
      g_ptr_array_add (hashes, fd_totp_recovery_hash (record->secret, one));
    }
  g_ptr_array_add (hashes, NULL);
  record->confirmed = TRUE;
  record->last_step = step;
  if (!fd_begin_writes (req) ||
      !FD_STORE_CALL (server->store, totp_put, record,
                      (const char * const *) hashes->pdata, &error))
    {
      if (error != NULL)
        fd_reply_gerror (req, error);
      return;
    }
  /* Password-only sessions of this account (someone else's, perhaps) end;
   * this one has now shown the factor and lives on. Same transaction. */
  FD_STORE_CALL (server->store, sessions_end_for_user, req->user->id, req->session->id,
                 "second-factor-enrolled", now);
  if (!FD_STORE_CALL (server->store, session_update, req->session, &error))
    {
      fd_reply_gerror (req, error);
      return;
    }
  if (!fd_audit (req, "second-factor-enrol", NULL, NULL, "confirm", NULL, TRUE))
    return;

  fd_json_writer_init (&w, 512);
  fd_json_writer_begin_object (&w);
  fd_json_writer_member (&w, "recovery_codes");
  fd_json_writer_begin_array (&w);
  for (guint i = 0; i < codes->len; i++)
    fd_json_writer_string (&w, g_ptr_array_index (codes, i));
  fd_json_writer_end_array (&w);
  fd_json_writer_end_object (&w);
  fd_reply_writer_secret (req, 200, &w);
}

void
fd_routes_account_totp (FdRequest *req)
{
  g_autoptr(FdTotpRecord) record = NULL;
  const char *code = NULL;

  if (req->body != NULL && !fd_body_string (req, "code", FALSE, 16, &code))
    return;
  record = FD_STORE_CALL (req->server->store, totp_get, req->user->id, TRUE);
  if (code == NULL)
    enrol_begin (req, record);
  else
    {
      enrol_confirm (req, record, code);
      fd_body_wipe_member (req, "code");
    }
}

/* The routes an enrolment-only session reaches. */
gboolean
fd_second_factor_gate (FdRequest *req,
                       FdHandler  handler)
{
  if (handler == fd_routes_account_totp || handler == fd_routes_session_delete ||
      handler == fd_routes_session_get)
    return TRUE;
  if (!role_requires (req->server, req->user) ||
      fd_second_factor_need (req->server, req->user) != FD_SECOND_FACTOR_ENROL)
    return TRUE;
  if (fd_audit (req, "second-factor-enrolment-required", NULL, NULL, NULL, NULL, FALSE))
    fd_reply_error_coded (req, 403, "second-factor-enrolment-required",
                          "Set up your second factor (authenticator app) first", NULL, NULL,
                          FALSE);
  return FALSE;
}

/* DELETE /users/{id}/totp (admin): the account enrols again at its next
 * sign-in; its sessions end. */
void
fd_routes_users_totp_delete (FdRequest *req)
{
  FdServer *server = req->server;
  g_autoptr(FdUserRecord) user = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *target = NULL;
  gint64 id;

  if (!fd_require_role (req, "second-factor-reset", FD_ROLE_ADMIN, FD_N_ROLES))
    return;
  if (!fd_parse_id (req->segments[1], &id) ||
      (user = FD_STORE_CALL (server->store, user_by_id, id)) == NULL)
    {
      fd_reply_error (req, FD_ERROR_NOT_FOUND, "No such account", NULL);
      return;
    }
  target = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  if (!fd_begin_writes (req) || !fd_store_totp_reset (server->store, id, &error))
    {
      if (error != NULL)
        fd_reply_gerror (req, error);
      return;
    }
  if (fd_audit (req, "second-factor-reset", target, NULL, NULL, NULL, TRUE))
    fd_reply_empty (req, 204);
}
