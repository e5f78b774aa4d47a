/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Authentication of a request's session, roles and account locks. */

#include "config.h"

#include <string.h>

#include "fd-auth-cache.h"
#include "fd-crypto.h"
#include "fd-server-private.h"

/* A session's last activity is written at most this often. */
#define ACTIVITY_WRITE_USEC (5 * G_USEC_PER_SEC)

static void
accept (FdRequest       *req,
        const char      *token_hash,
        FdSessionRecord *session,
        FdUserRecord    *user)
{
  req->session = session;
  req->session_hash = g_strndup (token_hash, 16);
  req->user = user;
  req->role = fd_role_from_string (user->role);
  /* issue 11: from here on the request is of the session's estate */
  req->estate_id = session->estate_id;
}

gboolean
fd_request_authenticate (FdRequest *req,
                         gboolean   allow_locked)
{
  FdServer *server = req->server;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (req->msg);
  const char *auth = soup_message_headers_get_one (headers, "Authorization");
  g_autofree char *token_hash = NULL;
  g_autoptr(GError) error = NULL;
  FdSessionRecord *session = NULL;
  FdUserRecord *user = NULL;
  gboolean cacheable;
  gint64 now = fd_now ();
  const char *token;
  gsize len;

  if (auth == NULL || g_ascii_strncasecmp (auth, "Bearer ", 7) != 0)
    {
      fd_reply_unauthenticated (req, "missing");
      return FALSE;
    }
  /* One Authorization header only: a proxy might read another copy. */
  {
    const char *all = soup_message_headers_get_list (headers, "Authorization");
    if (all != NULL && strchr (all, ',') != NULL)
      {
        fd_reply_error (req, FD_ERROR_BAD_REQUEST, "Send one Authorization header", NULL);
        return FALSE;
      }
  }
  token = auth + 7;
  len = strlen (token);
  if (len < 16 || len > 128)
    {
      fd_reply_unauthenticated (req, "invalid");
      return FALSE;
    }
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (token[i]) && token[i] != '-' && token[i] != '_')
      {
        fd_reply_unauthenticated (req, "invalid");
        return FALSE;
      }

  token_hash = fd_sha256_hex (token, len);
  /* issue 13: a live session served from the cache, still in time */
  cacheable = fd_auth_cache_revalidate (server->auth_cache);
  if (cacheable && fd_auth_cache_get (server->auth_cache, token_hash, &session, &user))
    {
      if (now - session->last_seen <= ACTIVITY_WRITE_USEC &&
          now - session->last_seen <= (gint64) server->config->idle_timeout_s * G_USEC_PER_SEC &&
          now < session->expires_at && user->locked_until != -1 && user->locked_until <= now)
        {
          accept (req, token_hash, session, user);
          return TRUE;
        }
      /* the store's records decide, and answer */
      fd_auth_cache_forget (server->auth_cache, token_hash);
      g_clear_pointer (&session, fd_session_record_free);
      g_clear_pointer (&user, fd_user_record_free);
    }

  session = FD_STORE_CALL (server->store, session_by_token_hash, token_hash);
  if (session == NULL)
    {
      fd_reply_unauthenticated (req, "invalid");
      return FALSE;
    }
  req->session = session;
  req->session_hash = g_strndup (token_hash, 16);

  if (session->end_reason != NULL)
    {
      fd_reply_unauthenticated (req, session->end_reason);
      return FALSE;
    }
  if (now - session->last_seen > (gint64) server->config->idle_timeout_s * G_USEC_PER_SEC ||
      now >= session->expires_at)
    {
      session->end_reason = g_strdup ("expired");
      FD_STORE_CALL (server->store, session_update, session, NULL);
      fd_reply_unauthenticated (req, "expired");
      return FALSE;
    }

  user = FD_STORE_CALL (server->store, user_by_id, session->user_id);
  if (user == NULL || user->disabled)
    {
      g_free (session->end_reason);
      session->end_reason = g_strdup ("disabled");
      FD_STORE_CALL (server->store, session_update, session, NULL);
      fd_user_record_free (user);
      fd_reply_unauthenticated (req, "disabled");
      return FALSE;
    }
  req->user = user;
  req->role = fd_role_from_string (user->role);
  /* issue 11: from here on the request is of the session's estate */
  req->estate_id = session->estate_id;
  if (user->locked_until == -1 || user->locked_until > now)
    {
      FD_STORE_CALL (server->store, sessions_end_for_user, user->id, 0, "locked", now);
      fd_reply_unauthenticated (req, "locked");
      return FALSE;
    }

  if (session->locked && !allow_locked)
    {
      fd_reply_error (req, FD_ERROR_REAUTH_REQUIRED, "The session is locked; unlock it first", NULL);
      return FALSE;
    }

  /* Idle bookkeeping: one write every few seconds is enough. */
  if (now - session->last_seen > ACTIVITY_WRITE_USEC)
    {
      session->last_seen = now;
      if (!FD_STORE_CALL (server->store, session_update, session, &error))
        g_warning ("Cannot record session activity: %s", error->message);
    }
  /* Nothing written since the cache was revalidated: these records are
   * the store's as of now. Only live, unlocked sessions are cached. */
  else if (cacheable && !session->locked)
    fd_auth_cache_put (server->auth_cache, token_hash, session, user);
  return TRUE;
}

void
fd_request_enter (FdRequest *req)
{
  fd_store_set_scope (req->server->store, req->estate_id);
}

void
fd_request_leave (FdRequest *req)
{
  fd_store_set_scope (req->server->store, FD_ESTATE_ALL);
}

gboolean
fd_request_sees_estate (FdRequest *req,
                        gint64     estate_id)
{
  return req->estate_id == FD_ESTATE_ALL || req->estate_id == estate_id;
}

gboolean
fd_require_role (FdRequest  *req,
                 const char *action,
                 ...)
{
  va_list args;
  int role;

  va_start (args, action);
  while ((role = va_arg (args, int)) != FD_N_ROLES)
    if (role == (int) req->role)
      {
        va_end (args);
        return TRUE;
      }
  va_end (args);

  if (fd_audit (req, action, NULL, NULL, NULL, NULL, FALSE))
    fd_reply_error (req, FD_ERROR_FORBIDDEN, "Your role does not allow this", NULL);
  return FALSE;
}

/* account policy */

gboolean
fd_server_is_off_hours (FdServer *server)
{
  gint64 second = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(GDateTime) now = NULL;
  guint minute;

  /* Every search asks (issue 13): the answer holds for the second, as a
   * minute of local time starts on a second. */
  if (second == server->off_hours_second)
    return server->off_hours;
  now = g_date_time_new_from_unix_local (second);
  minute = g_date_time_get_hour (now) * 60 + g_date_time_get_minute (now);
  server->off_hours = fd_config_is_off_hours (server->config, minute);
  server->off_hours_second = second;
  return server->off_hours;
}

void
fd_server_lock_user (FdRequest    *req,
                     FdUserRecord *user,
                     gint64        until,
                     const char   *alert_kind,
                     const char   *detail)
{
  FdServer *server = req->server;
  g_autoptr(GError) error = NULL;

  user->locked_until = until;
  user->failed_logins = 0;
  /* the lock alone: @user was read a moment ago, maybe by another server */
  if (!FD_STORE_CALL (server->store, user_lock_set, user->id, until, 0,
                      fd_now (), &error))
    g_warning ("Cannot lock account %" G_GINT64_FORMAT ": %s", user->id, error->message);
  FD_STORE_CALL (server->store, sessions_end_for_user, user->id, 0, "locked", fd_now ());
  if (alert_kind != NULL)
    fd_raise_alert (req, user, alert_kind, detail);
}

gboolean
fd_incident_frozen (FdServer *server)
{
  g_autofree char *frozen = FD_STORE_CALL (server->store, get_setting, "incident.frozen");
  return g_strcmp0 (frozen, "true") == 0;
}
