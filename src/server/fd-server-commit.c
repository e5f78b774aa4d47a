/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Group commit of the requests' writes, and the audit entries they write.
 *
 * How the group commit is built:
 *
 * - One transaction holds the writes of the requests of about 1 ms: the
 *   first write opens it (open_transaction), commit_cb commits it 1 ms
 *   later, or at once when 256 answers wait. An answer set while it is
 *   open waits, its message paused, in server->awaiting_commit.
 * - Engines whose COMMIT can be split from its sync (FdStoreBackend's
 *   begin_unsynced, commit_unsynced and sync_committed: SQLite) never make
 *   the main context wait for the disk (issue 13, search13). commit_cb
 *   commits without syncing and hands the group, numbered in commit order,
 *   to the committer thread (fd-server-committer.c). The thread syncs — once
 *   for every group committed meanwhile — and wakes the main context
 *   (committer_done_cb), which releases the answers of every group now
 *   durable. An answer set while no transaction is open but a group is not
 *   yet durable joins the newest group: it may have read what that group
 *   wrote. So no answer leaves before every write committed before it is
 *   on disk. A failed sync refuses (503) the answers of its groups and of
 *   every later one until the server restarts: once a sync has failed, a
 *   later one proves nothing. fd_committer_free() syncs what is left.
 * - Engines with commit_async (PostgreSQL, issue 11, pgperf) commit the
 *   group at once without waiting for the disk and release its answers in
 *   commit_durable, once the engine has confirmed the commit durable
 *   (fd-store-pg-commit.c: a barrier commit on another connection);
 *   server->committer is NULL. fd_server_flush() commits and waits.
 * - Other engines commit durably on the main context and release the
 *   answers at once.
 */

#include "config.h"

#include "fd-estates.h"
#include "fd-server-private.h"

/* group commit */

static void
reply_commit_failed (FdRequest *req)
{
  fd_reply_error (req, FD_ERROR_UNAVAILABLE,
                  "The audit log cannot be written; access is refused", NULL);
}

void
fd_commit_release (GPtrArray *waiting,
                   gboolean   ok)
{
  for (guint i = 0; i < waiting->len; i++)
    {
      FdRequest *req = g_ptr_array_index (waiting, i);
      if (!ok)
        reply_commit_failed (req);
      soup_server_message_unpause (req->msg);
    }
}

/* commit_async: the batch's answers go once its commit is durable. */
static void
commit_durable (gpointer      data,
                const GError *error)
{
  g_autoptr(GPtrArray) waiting = data;

  if (error == NULL)
    {
      fd_commit_release (waiting, TRUE);
      return;
    }
  /* The barrier's connection was lost (a failover, most likely): whether
   * the batch survived is unknown, so its answers say "try again" — a
   * retry finds what did survive (docs/scaling.md). */
  g_warning ("Commit not confirmed durable, refusing %u answers: %s", waiting->len,
             error->message);
  if (waiting->len > 0)
    fd_alerts_known_forget (((FdRequest *) g_ptr_array_index (waiting, 0))->server);
  for (guint i = 0; i < waiting->len; i++)
    {
      FdRequest *req = g_ptr_array_index (waiting, i);
      fd_reply_database_unavailable (req);
      soup_server_message_unpause (req->msg);
    }
}

/* The main context. @wait (commit_async engines): return only once every
 * answer committed so far has gone. */
static void
commit_now (FdServer *server,
            gboolean  wait)
{
  FdCommitter *c = server->committer;
  FdStore *store = server->store;
  g_autoptr(GPtrArray) waiting = g_steal_pointer (&server->awaiting_commit);
  g_autoptr(GError) error = NULL;
  gboolean ok = TRUE;

  server->commit_id = 0;
  server->awaiting_commit = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_request_unref);
  if (server->tx_open)
    {
      server->tx_open = FALSE;
      if (c != NULL)
        ok = FD_STORE_CALL (store, commit_unsynced, &error);
      else if (!wait && store->backend->commit_async != NULL)
        {
          ok = FD_STORE_CALL (store, commit_async, commit_durable, waiting, &error);
          if (ok)
            {
              g_steal_pointer (&waiting);
              return;
            }
        }
      else
        ok = FD_STORE_CALL (store, commit, &error);
      if (!ok)
        {
          g_warning ("Commit failed, refusing %u answers: %s", waiting->len, error->message);
          FD_STORE_CALL0 (store, rollback);
          fd_alerts_known_forget (server);
        }
      else if (c != NULL)
        {
          fd_committer_push (c, g_steal_pointer (&waiting));
          return;
        }
    }
  fd_commit_release (waiting, ok);
  if (wait && store->backend->commit_async != NULL)
    FD_STORE_CALL (store, commit_async, NULL, NULL, NULL);
}

static gboolean
commit_cb (gpointer user_data)
{
  commit_now (user_data, FALSE);
  return G_SOURCE_REMOVE;
}

static gboolean
open_transaction (FdServer  *server,
                  GError   **error)
{
  if (server->tx_open)
    return TRUE;
  if (server->committer != NULL ? !FD_STORE_CALL (server->store, begin_unsynced, error)
                                : !FD_STORE_CALL (server->store, begin, error))
    return FALSE;
  server->tx_open = TRUE;
  if (server->commit_id == 0)
    server->commit_id = g_timeout_add (1, commit_cb, server);
  return TRUE;
}

/* Called once a request's answer is set: while its writes, or any write
 * committed before, are not yet durable, the answer waits (message
 * paused). @paused: already paused (a worker-thread request). */
void
fd_request_release_when_committed (FdRequest *req,
                                   gboolean   paused)
{
  FdServer *server = req->server;

  if (!server->tx_open)
    {
      if (server->committer != NULL && fd_committer_join (server->committer, req, paused))
        return;
      if (paused)
        soup_server_message_unpause (req->msg);
      return;
    }
  if (!paused)
    soup_server_message_pause (req->msg);
  g_ptr_array_add (server->awaiting_commit, fd_request_ref (req));
  if (server->awaiting_commit->len >= 256)
    {
      g_clear_handle_id (&server->commit_id, g_source_remove);
      commit_now (server, FALSE);
    }
}

/* Commits now; with a committer, the answers still wait for the sync;
 * with commit_async, returns once every committed answer has gone. */
void
fd_server_flush (FdServer *server)
{
  g_clear_handle_id (&server->commit_id, g_source_remove);
  commit_now (server, TRUE);
}

gboolean
fd_server_begin_write (FdServer  *server,
                       GError   **error)
{
  return open_transaction (server, error);
}

/* audit */

static gboolean
audit_write (FdRequest          *req,
             const FdUserRecord *user,
             const char         *actor,
             const char         *action,
             const char         *target,
             const char         *field,
             const char         *reason_code,
             const char         *reason_text,
             gboolean            allowed,
             gint64             *seq)
{
  g_autoptr(GError) error = NULL;
  FdAuditEntry entry = { 0 };
  gboolean ok;

  entry.at = fd_time_format_rfc3339 (fd_now ());
  entry.actor = g_strdup (user ? user->username : actor ? actor : "-");
  entry.actor_id = user ? user->id : 0;
  entry.role = g_strdup (user ? user->role : NULL);
  entry.session_hash = g_strdup (req->session_hash);
  entry.workstation = g_strdup (req->session ? req->session->workstation : NULL);
  entry.ip = g_strdup (req->ip);
  entry.action = g_strdup (action);
  entry.target = g_strdup (target);
  entry.field = g_strdup (field);
  entry.reason_code = g_strdup (reason_code);
  entry.reason_text = g_strdup (reason_text);
  entry.outcome = g_strdup (allowed ? "allowed" : "denied");
  /* explicit, not left to the scope at the time of writing (issue 11);
   * a request of no estate yet (a sign-in step) in a one-estate office
   * belongs to that estate, as company-wide sessions there do */
  entry.estate_id = req->estate_id != FD_ESTATE_ALL ? req->estate_id
                                                    : fd_estates_only (req->server->store);

  ok = open_transaction (req->server, &error) &&
       FD_STORE_CALL (req->server->store, audit_append, &entry, &error);
  if (seq != NULL)
    *seq = entry.seq;
  fd_audit_entry_clear (&entry);
  if (!ok)
    {
      /* No audit, no access. */
      g_warning ("Audit write failed, denying access: %s", error->message);
      fd_reply_error (req, FD_ERROR_UNAVAILABLE,
                      "The audit log cannot be written; access is refused", NULL);
    }
  return ok;
}

gboolean
fd_audit (FdRequest  *req,
          const char *action,
          const char *target,
          const char *field,
          const char *reason_code,
          const char *reason_text,
          gboolean    allowed)
{
  return audit_write (req, req->user, NULL, action, target, field, reason_code, reason_text, allowed,
                      NULL);
}

gboolean
fd_audit_subjects (FdRequest    *req,
                   const char   *action,
                   const char   *target,
                   const char   *reason_text,
                   char          kind,
                   const gint64 *ids,
                   guint         n_ids)
{
  FdStore *store = req->server->store;
  g_autoptr(GError) error = NULL;
  gint64 seq = 0;

  if (!audit_write (req, req->user, NULL, action, target, NULL, NULL, reason_text, TRUE, &seq))
    return FALSE;
  /* An engine without the table attributes the listing to the query only. */
  if (store->backend->audit_subjects_add == NULL || n_ids == 0 ||
      FD_STORE_CALL (store, audit_subjects_add, seq, kind, ids, n_ids, &error))
    return TRUE;
  g_warning ("Audit subjects write failed, denying access: %s", error->message);
  fd_reply_error (req, FD_ERROR_UNAVAILABLE, "The audit log cannot be written; access is refused",
                  NULL);
  return FALSE;
}

gboolean
fd_audit_actor (FdRequest          *req,
                const FdUserRecord *user,
                const char         *actor,
                const char         *action,
                const char         *target,
                gboolean            allowed)
{
  return audit_write (req, user, actor, action, target, NULL, NULL, NULL, allowed, NULL);
}

gboolean
fd_begin_writes (FdRequest *req)
{
  g_autoptr(GError) error = NULL;

  if (open_transaction (req->server, &error))
    return TRUE;
  g_warning ("Cannot open a transaction, refusing a write: %s", error->message);
  fd_reply_error (req, FD_ERROR_UNAVAILABLE, "The database cannot be written", NULL);
  return FALSE;
}

void
fd_raise_alert (FdRequest          *req,
                const FdUserRecord *user,
                const char         *kind,
                const char         *detail)
{
  g_autoptr(GError) error = NULL;
  gint64 alert_id;

  /* The alert, its deliveries and its audit entry commit together. */
  alert_id = fd_server_begin_write (req->server, &error)
             ? FD_STORE_CALL (req->server->store, alert_insert, kind, user->username, detail, &error)
             : 0;
  if (alert_id == 0)
    g_warning ("Cannot record alert: %s", error->message);
  /* issue 12: and out of the app, queued in the same transaction. */
  else if (fd_alert_out_enqueue (req->server, alert_id, FD_ESTATE_ALL, kind, user->username,
                                 detail, &error) < 0)
    g_warning ("Cannot queue the alert's deliveries: %s", error->message);
  /* The alert is in the audit log too, with the account as its target. */
  audit_write (req, user, NULL, "alert", user->username, NULL, kind, detail, TRUE, NULL);
  if (alert_id != 0)
    g_hash_table_insert (req->server->alerts_known, g_strconcat (kind, "\x1f", user->username, NULL),
                         fd_time_format_rfc3339 (g_get_real_time ()));
}

/* The bulk rules ask this on every search over their threshold; on
 * PostgreSQL each question was a round trip that held the main context.
 * What the process knows is a lower bound of the truth: an alert it
 * raised, or one the store named, is not taken back (only a failed
 * group commit takes back the ones it raised: fd_alerts_known_forget).
 * Another server's newer alert is found in the store once the known one
 * is older than @since. */
gboolean
fd_alert_recent (FdServer   *server,
                 const char *kind,
                 const char *actor,
                 const char *since)
{
  g_autofree char *key = g_strconcat (kind, "\x1f", actor, NULL);
  const char *known = g_hash_table_lookup (server->alerts_known, key);
  char *newest;

  if (known != NULL && strcmp (known, since) >= 0)
    return TRUE;
  newest = FD_STORE_CALL (server->store, alert_recent, kind, actor, since);
  if (newest == NULL)
    return FALSE;
  g_hash_table_insert (server->alerts_known, g_steal_pointer (&key), newest);
  return TRUE;
}

void
fd_alerts_known_forget (FdServer *server)
{
  g_hash_table_remove_all (server->alerts_known);
}
