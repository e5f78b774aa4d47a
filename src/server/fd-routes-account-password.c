/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Routes: self-service password change (POST /account/password) and the
 * one-time mark of passwords the server made. */

#include "config.h"

#include <string.h>

#include "fd-accounts.h"
#include "fd-crypto.h"
#include "fd-field.h"
#include "fd-server-private.h"

/* pwchange. The signed-in account (any role) sets its own password:
 *
 * - The current password is checked with Argon2id on a worker thread.
 *   The attempt is counted in the store BEFORE the check, with sign-in's
 *   per-name failure counter (login_attempt_reserve), and cleared when the
 *   password was right: a stolen session is no better a guessing oracle
 *   than the sign-in form. Requests sent together cannot pass the count
 *   while their checks run; the 5th wrong password in a row (sign-ins and
 *   changes together) locks the name and the account for 15 minutes and
 *   ends every session of it, this one included.
 * - The new password follows POST /users (8–1024 characters) and is
 *   neither the current one nor the username; it is hashed in the same
 *   worker job, once the current one is known to be right.
 * - Every other session of the account ends ("signed-out"); this one
 *   lives on. The password's one-time mark goes. Audited as
 *   account-change (target the account's id), never the password.
 *
 * A password the server made (an admin reset, POST /users without one)
 * is marked "one-time" (password_origins); the session answer then says
 * "password_change_required": true, and the client asks for a change.
 * Nothing else is refused meanwhile. */

#define MIN_PASSWORD_CHARS 8
#define MAX_PASSWORD_CHARS 1024

#define ORIGIN_ONE_TIME "one-time"

typedef struct
{
  char    *current;       /* wiped */
  char    *new_password;  /* wiped */
  char    *hash;          /* the account's hash when the request came; wiped */
  char    *new_hash;      /* NULL unless the current password was right */
  gint64   locked_until;  /* not 0: this attempt, if wrong, locked the name until then */
  gboolean ok;
} ChangeJob;

static void
change_job_free (gpointer data)
{
  ChangeJob *job = data;

  fd_secret_free (job->current);
  fd_secret_free (job->new_password);
  fd_secret_free (job->hash);
  fd_secret_free (job->new_hash);
  g_free (job);
}

static gpointer
change_work (gpointer data)
{
  ChangeJob *job = data;

  job->ok = fd_password_verify (job->hash, job->current);
  if (job->ok)
    job->new_hash = fd_password_hash (job->new_password, NULL);
  return job;
}

gboolean
fd_password_change_required (FdStore            *store,
                             const FdUserRecord *user)
{
  g_autofree char *origin = FD_STORE_CALL (store, password_origin_get, user->id);

  return g_strcmp0 (origin, ORIGIN_ONE_TIME) == 0;
}

gboolean
fd_password_mark_one_time (FdStore  *store,
                           gint64    user_id,
                           GError  **error)
{
  return FD_STORE_CALL (store, password_origin_set, user_id, ORIGIN_ONE_TIME, error);
}

static gboolean
audit_change (FdRequest  *req,
              const char *text,
              gboolean    allowed)
{
  g_autofree char *target = g_strdup_printf ("%" G_GINT64_FORMAT, req->user->id);

  return fd_audit (req, "account-change", target, "password", NULL, text, allowed);
}

static void
reply_wrong_current (FdRequest *req)
{
  fd_reply_error (req, FD_ERROR_REAUTH_REQUIRED, "The current password is wrong",
                  "current_password");
}

/* A wrong current password: counted already; the attempt that reached the
 * limit locks the account (its sessions end, this one too). */
static void
change_refused (FdRequest    *req,
                FdUserRecord *user,
                ChangeJob    *job)
{
  g_autoptr(FdSessionRecord) session = NULL;
  gint64 now = fd_now ();

  if (job->locked_until != 0 && !fd_account_is_locked (user, now))
    fd_server_lock_user (req, user, job->locked_until, "failed-logins",
                         "5 wrong passwords in a row (sign-in or password change); "
                         "locked for 15 minutes");
  if (!audit_change (req, "password change refused: wrong current password", FALSE))
    return;
  if (job->locked_until != 0)
    {
      fd_reply_locked (req, "Too many wrong passwords; this account is locked", job->locked_until);
      return;
    }
  /* another attempt may have ended the session meanwhile */
  session = FD_STORE_CALL (req->server->store, session_by_token_hash, req->session->token_hash);
  if (session == NULL || session->end_reason != NULL)
    fd_reply_unauthenticated (req, session ? session->end_reason : "invalid");
  else
    reply_wrong_current (req);
}

static void
change_done (FdRequest *req,
             gpointer   result)
{
  FdServer *server = req->server;
  FdStore *store = server->store;
  ChangeJob *job = result;
  g_autoptr(FdUserRecord) user = NULL;
  g_autoptr(FdSessionRecord) session = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = fd_now ();

  /* Read the account again: it may have changed while we hashed. */
  user = FD_STORE_CALL (store, user_by_id, req->user->id);
  if (user == NULL)
    {
      fd_reply_unauthenticated (req, "invalid");
      return;
    }
  /* A right password whose hash is no longer the account's (changed
   * meanwhile by another request) is not the current one. */
  if (job->ok && g_strcmp0 (user->password_hash, job->hash) != 0)
    job->ok = FALSE;
  if (!job->ok)
    {
      change_refused (req, user, job);
      return;
    }
  if (job->new_hash == NULL)
    {
      fd_reply_error (req, FD_ERROR_INTERNAL, "The password could not be hashed", NULL);
      return;
    }
  if (!FD_STORE_CALL (store, login_attempt_clear, user->username, &error))
    g_warning ("Cannot clear failed sign-ins: %s", error->message);
  g_clear_error (&error);

  /* The session may have ended while we hashed (signed out, an admin). */
  session = FD_STORE_CALL (store, session_by_token_hash, req->session->token_hash);
  if (session == NULL || session->end_reason != NULL)
    {
      fd_reply_unauthenticated (req, session ? session->end_reason : "invalid");
      return;
    }
  /* locked or disabled while we hashed: no change */
  if (user->disabled || fd_account_is_locked (user, now))
    {
      if (audit_change (req, "password change refused: account locked or disabled", FALSE))
        fd_reply_locked (req, "This account is locked", user->locked_until);
      return;
    }

  /* The hash, the mark, the other sessions' end and the entry commit
   * together. */
  if (!fd_begin_writes (req))
    return;
  fd_secret_free (user->password_hash);
  user->password_hash = g_strdup (job->new_hash);
  if (!FD_STORE_CALL (store, user_update, user, &error) ||
      !FD_STORE_CALL (store, password_origin_set, user->id, NULL, &error))
    {
      fd_reply_gerror (req, error);
      return;
    }
  /* Every session of the account ends but this one (as enrolment does). */
  FD_STORE_CALL (store, sessions_end_for_user, user->id, session->id, "signed-out", now);
  if (!FD_STORE_CALL (store, session_update, session, &error))
    {
      fd_reply_gerror (req, error);
      return;
    }
  if (audit_change (req, "password changed by the account itself; ", TRUE))
    fd_reply_empty (req, 204);
}

/* The new password against POST /users' rules, and neither the current
 * one nor the username. FALSE with the 400 sent (member new_password). */
static gboolean
new_password_acceptable (FdRequest  *req,
                         const char *current,
                         const char *new_password)
{
  const char *message = NULL;

  if (g_utf8_strlen (new_password, -1) < MIN_PASSWORD_CHARS)
    message = "Passwords have at least 8 characters";
  else if (g_str_equal (new_password, current))
    message = "The new password is the current one";
  else if (g_ascii_strcasecmp (new_password, req->user->username) == 0)
    message = "The password cannot be the username";
  if (message == NULL)
    return TRUE;
  fd_reply_error (req, FD_ERROR_BAD_REQUEST, message, "new_password");
  return FALSE;
}

/* POST /account/password {"current_password", "new_password"} → 204 */
void
fd_routes_account_password (FdRequest *req)
{
  FdServer *server = req->server;
  g_autoptr(GError) error = NULL;
  const char *current, *new_password;
  gint64 now = fd_now (), locked_until = 0;
  FdLoginAttempt attempt;
  ChangeJob *job;

  if (req->body == NULL)
    {
      fd_reply_error (req, FD_ERROR_BAD_REQUEST, "A JSON object is required", NULL);
      return;
    }
  if (!fd_body_string (req, "current_password", TRUE, MAX_PASSWORD_CHARS, &current) ||
      !fd_body_string (req, "new_password", TRUE, MAX_PASSWORD_CHARS, &new_password) ||
      !new_password_acceptable (req, current, new_password))
    return;
  if (fd_request_threads_busy (req))
    return;

  /* Counted as a failed sign-in of the name BEFORE the check, in one
   * store step: of many sent together at most the limit are checked. */
  attempt = fd_login_attempt_reserve (server, req->user->username, now, &locked_until, &error);
  if (attempt == FD_LOGIN_ATTEMPT_ERROR)
    {
      fd_reply_gerror (req, error);
      return;
    }
  if (attempt == FD_LOGIN_ATTEMPT_LOCKED)
    {
      if (audit_change (req, "password change refused: locked, not checked", FALSE))
        fd_reply_locked (req, "This account is locked", locked_until);
      return;
    }

  job = g_new0 (ChangeJob, 1);
  job->current = g_strdup (current);
  job->new_password = g_strdup (new_password);
  job->hash = g_strdup (req->user->password_hash);
  job->locked_until = attempt == FD_LOGIN_ATTEMPT_LAST ? locked_until : 0;
  fd_body_wipe_member (req, "current_password");
  fd_body_wipe_member (req, "new_password");
  fd_request_run_in_thread (req, change_work, job, change_job_free, change_done);
}
