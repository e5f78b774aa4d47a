/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Routes: account administration beyond the contract's list, create and
 * patch (issue 14): the account object, unlock and password reset. */

#include "config.h"

#include "fd-routes-users.h"

#include "fd-crypto.h"
#include "fd-field.h"

/* The account object of docs/api.md: the contract's members, the lock
 * (locked_until null while locked means until an administrator lifts
 * it) and the last sign-in (the newest session). No resident data, no
 * password hash. */
void
fd_write_account (FdJsonWriter       *w,
                  FdStore            *store,
                  const FdUserRecord *user)
{
  g_autofree char *workstation = NULL, *until = NULL;
  gint64 at = 0;
  gboolean locked = fd_account_is_locked (user, fd_now ());

  fd_json_writer_begin_object (w);
  fd_write_user (w, user);
  fd_write_user_estates (w, store, user->id);   /* issue 11 */
  fd_json_writer_bool_member (w, "disabled", user->disabled);
  fd_json_writer_bool_member (w, "locked", locked);
  if (locked && user->locked_until > 0)
    until = fd_time_format_rfc3339 (user->locked_until);
  fd_json_writer_string_member (w, "locked_until", until);
  fd_json_writer_member (w, "last_sign_in");
  if (store->backend->user_last_sign_in != NULL &&
      FD_STORE_CALL (store, user_last_sign_in, user->id, &at, &workstation))
    {
      g_autofree char *when = fd_time_format_rfc3339 (at);

      fd_json_writer_begin_object (w);
      fd_json_writer_string_member (w, "at", when);
      fd_json_writer_string_member (w, "workstation", workstation);
      fd_json_writer_end_object (w);
    }
  else
    fd_json_writer_null (w);
  fd_json_writer_end_object (w);
}

void
fd_reply_account (FdRequest          *req,
                  guint               status,
                  const FdUserRecord *user)
{
  g_auto(FdJsonWriter) w = { 0 };

  fd_json_writer_init (&w, 256);
  fd_write_account (&w, req->server->store, user);
  fd_reply_writer (req, status, &w);
}

/* A change the rules refuse: 400 naming the member, or 403 with the
 * "reason" (self, last-admin) the client explains. Audited as a denial. */
static void
reply_refused (FdRequest    *req,
               const GError *error,
               const char   *reason)
{
  g_auto(FdJsonWriter) extra = { 0 };

  if (g_error_matches (error, FD_ERROR, FD_ERROR_BAD_REQUEST))
    {
      fd_reply_error (req, FD_ERROR_BAD_REQUEST, error->message, "role");
      return;
    }
  if (reason == NULL)
    {
      fd_reply_gerror (req, error);
      return;
    }
  if (!fd_audit (req, "account-change", req->segments[1], NULL, NULL, reason, FALSE))
    return;
  fd_json_writer_init (&extra, 32);
  fd_json_writer_string_member (&extra, "reason", reason);
  fd_reply_error_full (req, FD_ERROR_FORBIDDEN, error->message, NULL, &extra);
}

gboolean
fd_account_change_run (FdRequest             *req,
                       FdUserRecord          *user,
                       const FdAccountChange *change,
                       GString               *summary)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *changed = NULL;
  const char *reason = NULL;

  /* One transaction from the check to the audit entry: the rule that
   * keeps an administrator is read and kept in one step, whoever else
   * (another request, the command line) changes accounts meanwhile. */
  if (!fd_begin_writes (req))
    return FALSE;
  if (!fd_account_check (req->server->store, req->user->id, user, change, &reason, &error))
    {
      reply_refused (req, error, reason);
      return FALSE;
    }
  changed = fd_account_apply (req->server->store, user, change, fd_now (), &error);
  if (changed == NULL)
    {
      fd_reply_gerror (req, error);
      return FALSE;
    }
  g_string_append (summary, changed);
  return TRUE;
}

gboolean
fd_account_change_log (FdRequest  *req,
                       const char *summary,
                       const char *unchanged)
{
  if (*summary == '\0' && unchanged == NULL)
    return TRUE;
  return fd_audit (req, "account-change", req->segments[1], NULL, NULL,
                   *summary != '\0' ? summary : unchanged, TRUE);
}

gboolean
fd_account_change_apply (FdRequest             *req,
                         FdUserRecord          *user,
                         const FdAccountChange *change,
                         const char            *unchanged)
{
  g_autoptr(GString) summary = g_string_new (NULL);

  return fd_account_change_run (req, user, change, summary) &&
         fd_account_change_log (req, summary->str, unchanged);
}

/* The account of the path's id, or NULL with the 404 sent. */
static FdUserRecord *
path_account (FdRequest *req)
{
  FdUserRecord *user = NULL;
  gint64 id;

  if (fd_parse_id (req->segments[1], &id))
    user = FD_STORE_CALL (req->server->store, user_by_id, id);
  if (user == NULL)
    fd_reply_error (req, FD_ERROR_NOT_FOUND, "No such account", NULL);
  return user;
}

/* POST /users/{id}/unlock */
void
fd_routes_users_unlock (FdRequest *req)
{
  g_autoptr(FdUserRecord) user = NULL;
  FdAccountChange change = FD_ACCOUNT_CHANGE_INIT;

  if (!fd_require_role (req, "account-change", FD_ROLE_ADMIN, FD_N_ROLES))
    return;
  user = path_account (req);
  if (user == NULL)
    return;
  change.unlock = TRUE;
  if (fd_account_change_apply (req, user, &change, "unlock; no lock to lift"))
    fd_reply_account (req, 200, user);
}

/* password hashing on a worker */

static void
password_job_free (gpointer data)
{
  FdPasswordJob *job = data;

  fd_secret_free (job->password);
  fd_secret_free (job->hash);
  g_free (job);
}

static gpointer
password_job_work (gpointer data)
{
  FdPasswordJob *job = data;

  job->hash = fd_password_hash (job->password, NULL);
  return job->hash != NULL ? job : NULL;
}

gboolean
fd_request_hash_password (FdRequest  *req,
                          char       *password,
                          gboolean    generated,
                          FdDoneFunc  done)
{
  FdPasswordJob *job = g_new0 (FdPasswordJob, 1);

  job->password = password;
  job->generated = generated;
  return fd_request_run_in_thread (req, password_job_work, job, password_job_free, done);
}

/* POST /users/{id}/password, once the new password is hashed. */
static void
password_reset_done (FdRequest *req,
                     gpointer   result)
{
  FdPasswordJob *job = result;
  g_autoptr(FdUserRecord) user = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(FdJsonWriter) w = { 0 };
  FdAccountChange change = FD_ACCOUNT_CHANGE_INIT;

  if (job == NULL)
    {
      fd_reply_error (req, FD_ERROR_INTERNAL, "The password could not be hashed", NULL);
      return;
    }
  /* Read the account again: it may have changed while we hashed. */
  user = path_account (req);
  if (user == NULL)
    return;
  change.password_hash = job->hash;
  if (!fd_account_change_apply (req, user, &change, NULL))
    return;
  /* pwchange: one-time until the account sets its own */
  if (!fd_password_mark_one_time (req->server->store, user->id, &error))
    {
      fd_reply_gerror (req, error);
      return;
    }

  /* Shown once, to this administrator; the answer is wiped once sent. */
  fd_json_writer_init (&w, 320);
  fd_json_writer_begin_object (&w);
  fd_json_writer_string_member (&w, "password", job->password);
  fd_json_writer_member (&w, "user");
  fd_write_account (&w, req->server->store, user);
  fd_json_writer_end_object (&w);
  fd_reply_writer_secret (req, 200, &w);
}

void
fd_routes_users_password (FdRequest *req)
{
  g_autoptr(FdUserRecord) user = NULL;

  if (!fd_require_role (req, "account-change", FD_ROLE_ADMIN, FD_N_ROLES))
    return;
  user = path_account (req);
  if (user == NULL)
    return;
  fd_request_hash_password (req, fd_account_generate_password (), TRUE, password_reset_done);
}
