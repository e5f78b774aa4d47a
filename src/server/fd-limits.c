/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Per-user limits and anomaly counts taken atomically in the store. */

#include "config.h"

#include "fd-limits.h"

/* See fd-limits.h. The store call is the limit: its count and its insert
 * are one transaction, so requests sent together are counted one after
 * the other whatever runs later on a worker thread. */

static void
reply_store_failed (FdRequest    *req,
                    const GError *error)
{
  /* No limit taken, no access. */
  g_warning ("Cannot take a limit, refusing: %s", error->message);
  fd_reply_error (req, FD_ERROR_UNAVAILABLE, "The server cannot record this access now", NULL);
}

FdLimitResult
fd_limit_take (FdRequest  *req,
               const char *kind,
               gint64      window_usec,
               guint       max,
               guint      *count)
{
  FdServer *server = req->server;
  g_autoptr(GError) error = NULL;
  gint64 now = fd_now ();
  guint n = 0;
  gboolean granted;

  granted = fd_server_begin_write (server, &error) &&
            FD_STORE_CALL (server->store, limit_take, req->user->id, kind, now - window_usec,
                           now, max, &n, &error);
  if (count != NULL)
    *count = n;
  if (error != NULL)
    {
      reply_store_failed (req, error);
      return FD_LIMIT_FAILED;
    }
  return granted ? FD_LIMIT_GRANTED : FD_LIMIT_REFUSED;
}

guint
fd_limit_count (FdRequest  *req,
                const char *kind,
                gint64      window_usec)
{
  return FD_STORE_CALL (req->server->store, limit_count, req->user->id, kind,
                        fd_now () - window_usec);
}

void
fd_reply_anomaly_lock (FdRequest  *req,
                       const char *kind,
                       const char *detail)
{
  fd_server_lock_user (req, req->user, -1, kind, detail);
  fd_reply_locked (req, "Unusual activity: this account is locked; call your manager", -1);
}

/* The listing rule, once the user's count is taken. */
static gboolean
listed_decide (FdRequest *req,
               guint      listed)
{
  FdServer *server = req->server;
  g_autofree char *since_text = NULL;

  if (fd_server_is_off_hours (server))
    {
      if (listed <= FD_LIST_OFF_HOURS_MAX)
        return TRUE;
      fd_reply_anomaly_lock (req, "off-hours-bulk",
                             "More than " G_STRINGIFY (FD_LIST_OFF_HOURS_MAX)
                             " residents listed within 10 minutes off-hours");
      return FALSE;
    }

  since_text = fd_time_format_rfc3339 (fd_now () - FD_TEN_MINUTES);
  if (listed > FD_LIST_IN_HOURS_ALERT &&
      !fd_alert_recent (server, "in-hours-bulk", req->user->username, since_text))
    fd_raise_alert (req, req->user, "in-hours-bulk",
                    "More than " G_STRINGIFY (FD_LIST_IN_HOURS_ALERT)
                    " residents listed within 10 minutes");
  return TRUE;
}

gboolean
fd_limits_note_listed (FdRequest    *req,
                       const GArray *ids,
                       guint         n)
{
  FdServer *server = req->server;
  g_autoptr(GError) error = NULL;
  gint64 now = fd_now ();
  guint listed = 0;

  n = MIN (n, ids->len);
  if (!fd_server_begin_write (server, &error) ||
      !FD_STORE_CALL (server->store, listed_note, req->user->id, (const gint64 *) ids->data, n,
                      now - FD_TEN_MINUTES, now, &listed, &error))
    {
      reply_store_failed (req, error);
      return FALSE;
    }
  return listed_decide (req, listed);
}

gboolean
fd_limits_take_listed_detached (FdStore       *store,
                                gint64         user_id,
                                const GArray  *ids,
                                guint          n,
                                guint         *listed,
                                GError       **error)
{
  gint64 now = fd_now ();

  return store->backend->listed_note_detached (store, user_id, (const gint64 *) ids->data,
                                               MIN (n, ids->len), now - FD_TEN_MINUTES, now,
                                               listed, error);
}

gboolean
fd_limits_listed_taken (FdRequest    *req,
                        guint         listed,
                        const GError *error)
{
  if (error == NULL)
    return listed_decide (req, listed);
  if (g_error_matches (error, FD_ERROR, FD_ERROR_UNAVAILABLE))
    {
      /* its connection was lost: most likely a failover, so "try again" */
      g_warning ("Cannot take a limit, refusing: %s", error->message);
      fd_reply_database_unavailable (req);
    }
  else
    reply_store_failed (req, error);
  return FALSE;
}
