#include "config.h"

#include <string.h>

#include "fd-crypto.h"
#include "fd-field.h"
#include "fd-framing.h"
#include "fd-server-private.h"
#include "fd-validate.h"

/* The HTTP core: TLS listener, routing, authentication, replies, audit and
 * the worker-thread hand-off. All handlers run on the main context; the
 * only slow work (Argon2id, walking the audit chain) goes to worker
 * threads while the message is paused. */

typedef enum
{
  AUTH_NONE,
  AUTH_SESSION,          /* a live, unlocked session */
  AUTH_SESSION_LOCKED,   /* a live session, locked or not */
} AuthLevel;

typedef struct
{
  const char *method;
  const char *pattern;   /* segments below /api/v1, '*' = an id */
  AuthLevel   auth;
  FdHandler   handler;
} Route;

static void health (FdRequest *req);

static const Route routes[] = {
  { "GET",    "health",                AUTH_NONE,           health },
  { "POST",   "session",               AUTH_NONE,           fd_routes_session_login },
  { "GET",    "session",               AUTH_SESSION_LOCKED, fd_routes_session_get },
  { "DELETE", "session",               AUTH_SESSION_LOCKED, fd_routes_session_delete },
  { "POST",   "session/unlock",        AUTH_SESSION_LOCKED, fd_routes_session_unlock },
  { "POST",   "session/lock",          AUTH_SESSION_LOCKED, fd_routes_session_lock },
  { "GET",    "residents",             AUTH_SESSION,        fd_routes_residents_list },
  { "GET",    "residents/*",           AUTH_SESSION,        fd_routes_residents_get },
  { "POST",   "residents/*/reveal",    AUTH_SESSION,        fd_routes_residents_reveal },
  { "POST",   "residents/*/verify",    AUTH_SESSION,        fd_routes_residents_verify },
  { "GET",    "rooms",                 AUTH_SESSION,        fd_routes_rooms_list },
  { "GET",    "visitors",              AUTH_SESSION,        fd_routes_visitors_list },
  { "POST",   "visitors",              AUTH_SESSION,        fd_routes_visitors_create },
  { "GET",    "visitors/export",       AUTH_SESSION,        fd_routes_visitors_export },
  { "POST",   "visitors/*/checkout",   AUTH_SESSION,        fd_routes_visitors_checkout },
  { "GET",    "audit",                 AUTH_SESSION,        fd_routes_audit_list },
  { "GET",    "audit/verify",          AUTH_SESSION,        fd_routes_audit_verify },
  { "GET",    "alerts",                AUTH_SESSION,        fd_routes_alerts_list },
  { "GET",    "incident",              AUTH_SESSION,        fd_routes_incident_get },
  { "PUT",    "incident",              AUTH_SESSION,        fd_routes_incident_put },
  { "GET",    "users",                 AUTH_SESSION,        fd_routes_users_list },
  { "POST",   "users",                 AUTH_SESSION,        fd_routes_users_create },
  { "PATCH",  "users/*",               AUTH_SESSION,        fd_routes_users_patch },
};

gint64
fd_now (void)
{
  return g_get_real_time ();
}

/* request lifetime */

FdRequest *
fd_request_ref (FdRequest *req)
{
  g_atomic_int_inc (&req->ref_count);
  return req;
}

void
fd_request_unref (FdRequest *req)
{
  if (!g_atomic_int_dec_and_test (&req->ref_count))
    return;
  g_clear_object (&req->msg);
  g_strfreev (req->segments);
  g_clear_pointer (&req->query, g_hash_table_unref);
  g_clear_pointer (&req->body_node, json_node_unref);
  g_free (req->ip);
  fd_session_record_free (req->session);
  fd_user_record_free (req->user);
  g_free (req->session_hash);
  g_free (req);
}

/* replies */

static void
set_common_headers (FdRequest *req)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (req->msg);

  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  soup_message_headers_replace (headers, "Strict-Transport-Security", "max-age=31536000");
  soup_message_headers_replace (headers, "Content-Security-Policy", "default-src 'none'");
  if (req->server->shutting_down)
    soup_message_headers_replace (headers, "Connection", "close");
}

static void
reply_node (FdRequest *req,
            guint      status,
            JsonNode  *root)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  gsize len = 0;
  char *data;

  json_generator_set_root (gen, root);
  data = json_generator_to_data (gen, &len);
  set_common_headers (req);
  soup_server_message_set_status (req->msg, status, NULL);
  soup_server_message_set_response (req->msg, "application/json; charset=utf-8",
                                    SOUP_MEMORY_TAKE, data, len);
}

void
fd_reply_json (FdRequest   *req,
               guint        status,
               JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  reply_node (req, status, root);
}

void
fd_reply_writer (FdRequest    *req,
                 guint         status,
                 FdJsonWriter *writer)
{
  gsize len = 0;
  char *data = fd_json_writer_steal (writer, &len);

  set_common_headers (req);
  soup_server_message_set_status (req->msg, status, NULL);
  soup_server_message_set_response (req->msg, "application/json; charset=utf-8",
                                    SOUP_MEMORY_TAKE, data, len);
}

void
fd_reply_data (FdRequest  *req,
               guint       status,
               const char *content_type,
               char       *data,
               gsize       len)
{
  set_common_headers (req);
  soup_server_message_set_status (req->msg, status, NULL);
  soup_server_message_set_response (req->msg, content_type, SOUP_MEMORY_TAKE, data, len);
}

void
fd_reply_empty (FdRequest *req,
                guint      status)
{
  set_common_headers (req);
  soup_server_message_set_status (req->msg, status, NULL);
  soup_server_message_set_response (req->msg, NULL, SOUP_MEMORY_STATIC, NULL, 0);
}

void
fd_reply_error_full (FdRequest  *req,
                     FdError     code,
                     const char *message,
                     const char *member,
                     JsonObject *extra)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "error");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "code");
  json_builder_add_string_value (b, fd_error_to_code (code));
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, message);
  if (member != NULL)
    {
      json_builder_set_member_name (b, "member");
      json_builder_add_string_value (b, member);
    }
  if (extra != NULL)
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *node;

      json_object_iter_init (&iter, extra);
      while (json_object_iter_next (&iter, &name, &node))
        {
          json_builder_set_member_name (b, name);
          json_builder_add_value (b, json_node_copy (node));
        }
    }
  json_builder_end_object (b);
  json_builder_end_object (b);
  if (code == FD_ERROR_RATE_LIMITED &&
      soup_message_headers_get_one (soup_server_message_get_response_headers (req->msg),
                                    "Retry-After") == NULL)
    soup_message_headers_replace (soup_server_message_get_response_headers (req->msg),
                                  "Retry-After", "3600");
  fd_reply_json (req, fd_error_to_status (code), b);
}

void
fd_reply_error (FdRequest  *req,
                FdError     code,
                const char *message,
                const char *member)
{
  fd_reply_error_full (req, code, message, member, NULL);
}

void
fd_reply_gerror (FdRequest    *req,
                 const GError *error)
{
  if (g_error_matches (error, FD_ERROR, FD_ERROR_UNAVAILABLE))
    {
      g_warning ("Storage unavailable: %s", error->message);
      fd_reply_error (req, FD_ERROR_UNAVAILABLE, "The server cannot store data right now; try again",
                      NULL);
    }
  else if (error->domain == FD_ERROR && error->code != FD_ERROR_INTERNAL)
    fd_reply_error (req, error->code, error->message, NULL);
  else
    {
      g_warning ("Request failed: %s", error->message);
      fd_reply_error (req, FD_ERROR_INTERNAL, "The server could not complete the request", NULL);
    }
}

void
fd_reply_retry_later (FdRequest  *req,
                      FdError     code,
                      guint       seconds,
                      const char *message)
{
  g_autofree char *value = g_strdup_printf ("%u", seconds);

  soup_message_headers_replace (soup_server_message_get_response_headers (req->msg),
                                "Retry-After", value);
  fd_reply_error (req, code, message, NULL);
}

static void
reply_unauthenticated (FdRequest  *req,
                       const char *reason)
{
  g_autoptr(JsonObject) extra = json_object_new ();

  json_object_set_string_member (extra, "reason", reason);
  fd_reply_error_full (req, FD_ERROR_UNAUTHENTICATED, "Sign in again", NULL, extra);
}

/* group commit */

static void
reply_commit_failed (FdRequest *req)
{
  fd_reply_error (req, FD_ERROR_UNAVAILABLE,
                  "The audit log cannot be written; access is refused", NULL);
}

static gboolean
commit_cb (gpointer user_data)
{
  FdServer *server = user_data;
  g_autoptr(GPtrArray) waiting = g_steal_pointer (&server->awaiting_commit);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  server->commit_id = 0;
  server->awaiting_commit = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_request_unref);
  if (!server->tx_open)
    ok = TRUE;
  else
    {
      server->tx_open = FALSE;
      ok = FD_STORE_CALL (server->store, commit, &error);
      if (!ok)
        {
          g_warning ("Commit failed, refusing %u answers: %s", waiting->len, error->message);
          FD_STORE_CALL0 (server->store, rollback);
        }
    }
  for (guint i = 0; i < waiting->len; i++)
    {
      FdRequest *req = g_ptr_array_index (waiting, i);
      if (!ok)
        reply_commit_failed (req);
      soup_server_message_unpause (req->msg);
    }
  return G_SOURCE_REMOVE;
}

static gboolean
open_transaction (FdServer  *server,
                  GError   **error)
{
  if (server->tx_open)
    return TRUE;
  if (!FD_STORE_CALL (server->store, begin, error))
    return FALSE;
  server->tx_open = TRUE;
  if (server->commit_id == 0)
    server->commit_id = g_timeout_add (1, commit_cb, server);
  return TRUE;
}

/* Called once a request's answer is set: while its writes are not yet
 * committed, the answer waits (message paused). @paused: already paused
 * (a worker-thread request). */
static void
release_when_committed (FdRequest *req,
                        gboolean   paused)
{
  FdServer *server = req->server;

  if (!server->tx_open)
    {
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
      commit_cb (server);
    }
}

void
fd_server_flush (FdServer *server)
{
  g_clear_handle_id (&server->commit_id, g_source_remove);
  commit_cb (server);
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
             gboolean            allowed)
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

  ok = open_transaction (req->server, &error) &&
       FD_STORE_CALL (req->server->store, audit_append, &entry, &error);
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
  return audit_write (req, req->user, NULL, action, target, field, reason_code, reason_text, allowed);
}

gboolean
fd_audit_actor (FdRequest          *req,
                const FdUserRecord *user,
                const char         *actor,
                const char         *action,
                const char         *target,
                gboolean            allowed)
{
  return audit_write (req, user, actor, action, target, NULL, NULL, NULL, allowed);
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

/* body, query, ids, cursors */

gboolean
fd_body_string (FdRequest   *req,
                const char  *member,
                gboolean     required,
                gsize        max_chars,
                const char **out)
{
  JsonNode *node = req->body ? json_object_get_member (req->body, member) : NULL;
  const char *value;

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (!required)
        return TRUE;
      fd_reply_error (req, FD_ERROR_BAD_REQUEST, "A required member is missing", member);
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      fd_reply_error (req, FD_ERROR_BAD_REQUEST, "This member must be a string", member);
      return FALSE;
    }
  value = json_node_get_string (node);
  if (!g_utf8_validate (value, -1, NULL) || g_utf8_strlen (value, -1) > (glong) max_chars)
    {
      fd_reply_error (req, FD_ERROR_BAD_REQUEST, "This member is too long or not valid text", member);
      return FALSE;
    }
  *out = value;
  return TRUE;
}

gboolean
fd_body_bool (FdRequest  *req,
              const char *member,
              gboolean   *present,
              gboolean   *out)
{
  JsonNode *node = req->body ? json_object_get_member (req->body, member) : NULL;

  *present = FALSE;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    {
      fd_reply_error (req, FD_ERROR_BAD_REQUEST, "This member must be true or false", member);
      return FALSE;
    }
  *present = TRUE;
  *out = json_node_get_boolean (node);
  return TRUE;
}

void
fd_body_wipe_member (FdRequest  *req,
                     const char *member)
{
  JsonNode *node = req->body ? json_object_get_member (req->body, member) : NULL;

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      json_node_get_value_type (node) == G_TYPE_STRING)
    {
      char *value = (char *) json_node_get_string (node);
      if (value != NULL)
        explicit_bzero (value, strlen (value));
    }
}

const char *
fd_query_get (FdRequest  *req,
              const char *name)
{
  return req->query ? g_hash_table_lookup (req->query, name) : NULL;
}

gboolean
fd_query_limit (FdRequest *req,
                guint      fallback,
                guint     *out)
{
  const char *text = fd_query_get (req, "limit");
  guint64 n;

  if (text == NULL)
    {
      *out = fallback;
      return TRUE;
    }
  if (!g_ascii_string_to_unsigned (text, 10, 1, 100, &n, NULL))
    {
      fd_reply_error (req, FD_ERROR_BAD_REQUEST, "limit must be a whole number from 1 to 100", "limit");
      return FALSE;
    }
  *out = n;
  return TRUE;
}

gboolean
fd_parse_id (const char *text,
             gint64     *out)
{
  guint64 n;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &n, NULL))
    return FALSE;
  *out = n;
  return TRUE;
}

static char *
cursor_mac (FdServer   *server,
            const char *context,
            gint64      last)
{
  g_autofree char *data = g_strdup_printf ("cursor\x1f%s\x1f%" G_GINT64_FORMAT, context, last);
  g_autofree char *mac = fd_crypto_mac_hex (server->store->keys, data, strlen (data));

  return g_strndup (mac, 24);
}

char *
fd_cursor_encode (FdServer   *server,
                  const char *context,
                  gint64      last)
{
  g_autofree char *mac = cursor_mac (server, context, last);
  return g_strdup_printf ("%" G_GINT64_FORMAT ".%s", last, mac);
}

gboolean
fd_cursor_decode (FdServer   *server,
                  const char *context,
                  const char *cursor,
                  gint64     *last)
{
  g_autofree char *number = NULL;
  g_autofree char *mac = NULL;
  const char *dot;
  guint64 n;

  if (cursor == NULL || strlen (cursor) > 64 || (dot = strchr (cursor, '.')) == NULL)
    return FALSE;
  number = g_strndup (cursor, dot - cursor);
  if (!g_ascii_string_to_unsigned (number, 10, 0, G_MAXINT64, &n, NULL))
    return FALSE;
  mac = cursor_mac (server, context, n);
  if (!fd_const_time_equal (mac, dot + 1))
    return FALSE;
  *last = n;
  return TRUE;
}

/* worker threads */

typedef struct
{
  FdRequest     *req;
  FdWorkFunc     work;
  gpointer       data;
  GDestroyNotify data_free;
  FdDoneFunc     done;
  gpointer       result;
} ThreadJob;

static void
thread_job_free (ThreadJob *job)
{
  if (job->data_free)
    job->data_free (job->data);
  fd_request_unref (job->req);
  g_free (job);
}

static gboolean
thread_done_cb (gpointer user_data)
{
  ThreadJob *job = user_data;
  FdRequest *req = job->req;

  job->done (req, job->result);
  release_when_committed (req, TRUE);
  return G_SOURCE_REMOVE;
}

static void
thread_work (gpointer data,
             gpointer unused)
{
  ThreadJob *job = data;

  job->result = job->work (job->data);
  g_main_context_invoke_full (job->req->server->context, G_PRIORITY_DEFAULT, thread_done_cb,
                              job, (GDestroyNotify) thread_job_free);
}

#define BUSY_RETRY_S 2

static void
reply_busy (FdRequest *req)
{
  fd_reply_retry_later (req, FD_ERROR_UNAVAILABLE, BUSY_RETRY_S,
                        "The server is busy; try again in a moment");
}

gboolean
fd_request_threads_busy (FdRequest *req)
{
  if (!fd_work_pool_is_full (req->server->work_pool))
    return FALSE;
  reply_busy (req);
  return TRUE;
}

gboolean
fd_request_run_in_thread (FdRequest     *req,
                          FdWorkFunc     work,
                          gpointer       data,
                          GDestroyNotify data_free,
                          FdDoneFunc     done)
{
  ThreadJob *job = g_new0 (ThreadJob, 1);

  job->req = fd_request_ref (req);
  job->work = work;
  job->data = data;
  job->data_free = data_free;
  job->done = done;
  if (!fd_work_pool_push (req->server->work_pool, thread_work, job))
    {
      /* Every worker busy and the queue full: a clear "try again"
       * rather than an ever longer queue of 64 MiB password hashes. */
      thread_job_free (job);
      reply_busy (req);
      return FALSE;
    }
  req->in_thread = TRUE;
  soup_server_message_pause (req->msg);
  return TRUE;
}

void
fd_request_suspend (FdRequest *req)
{
  req->in_thread = TRUE;
  soup_server_message_pause (req->msg);
}

void
fd_request_resume (FdRequest *req)
{
  release_when_committed (req, TRUE);
}

/* policy helpers */

gboolean
fd_server_is_off_hours (FdServer *server)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  guint minute = g_date_time_get_hour (now) * 60 + g_date_time_get_minute (now);

  return fd_config_is_off_hours (server->config, minute);
}

void
fd_raise_alert (FdRequest          *req,
                const FdUserRecord *user,
                const char         *kind,
                const char         *detail)
{
  g_autoptr(GError) error = NULL;

  if (!FD_STORE_CALL (req->server->store, alert_insert, kind, user->username, detail, &error))
    g_warning ("Cannot record alert: %s", error->message);
  /* The alert is in the audit log too, with the account as its target. */
  audit_write (req, user, NULL, "alert", user->username, NULL, kind, detail, TRUE);
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
  if (!FD_STORE_CALL (server->store, user_update, user, &error))
    g_warning ("Cannot lock account %" G_GINT64_FORMAT ": %s", user->id, error->message);
  FD_STORE_CALL (server->store, sessions_end_for_user, user->id, "locked", fd_now ());
  if (alert_kind != NULL)
    fd_raise_alert (req, user, alert_kind, detail);
}

void
fd_reply_frozen (FdRequest *req)
{
  g_autoptr(JsonObject) extra = json_object_new ();

  json_object_set_string_member (extra, "detail", "incident-freeze");
  fd_reply_error_full (req, FD_ERROR_FORBIDDEN,
                       "Reveals and exports are frozen by the incident switch", NULL, extra);
}

gboolean
fd_incident_frozen (FdServer *server)
{
  g_autofree char *frozen = FD_STORE_CALL (server->store, get_setting, "incident.frozen");
  return g_strcmp0 (frozen, "true") == 0;
}

void
fd_build_user (JsonBuilder        *b,
               const FdUserRecord *user)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, user->id);

  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, id);
  json_builder_set_member_name (b, "username");
  json_builder_add_string_value (b, user->username);
  json_builder_set_member_name (b, "display_name");
  json_builder_add_string_value (b, user->display_name);
  json_builder_set_member_name (b, "role");
  json_builder_add_string_value (b, user->role);
}

void
fd_build_policy (JsonBuilder *b,
                 FdServer    *server)
{
  FdConfig *c = server->config;

  json_builder_set_member_name (b, "lock_after_s");
  json_builder_add_int_value (b, c->lock_after_s);
  json_builder_set_member_name (b, "idle_timeout_s");
  json_builder_add_int_value (b, c->idle_timeout_s);
  json_builder_set_member_name (b, "max_age_s");
  json_builder_add_int_value (b, c->max_age_s);
  json_builder_set_member_name (b, "reveal_window_s");
  json_builder_add_int_value (b, c->reveal_window_s);
  json_builder_set_member_name (b, "watermark");
  json_builder_add_boolean_value (b, c->watermark);
}

static void
health (FdRequest *req)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, "ok");
  json_builder_set_member_name (b, "version");
  json_builder_add_string_value (b, PACKAGE_VERSION);
  json_builder_end_object (b);
  fd_reply_json (req, 200, b);
}

/* authentication */

static gboolean
authenticate (FdRequest *req,
              AuthLevel  level)
{
  FdServer *server = req->server;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (req->msg);
  const char *auth = soup_message_headers_get_one (headers, "Authorization");
  g_autofree char *token_hash = NULL;
  g_autoptr(GError) error = NULL;
  FdSessionRecord *session;
  FdUserRecord *user;
  gint64 now = fd_now ();
  const char *token;
  gsize len;

  if (auth == NULL || g_ascii_strncasecmp (auth, "Bearer ", 7) != 0)
    {
      reply_unauthenticated (req, "missing");
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
      reply_unauthenticated (req, "invalid");
      return FALSE;
    }
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (token[i]) && token[i] != '-' && token[i] != '_')
      {
        reply_unauthenticated (req, "invalid");
        return FALSE;
      }

  token_hash = fd_sha256_hex (token, len);
  session = FD_STORE_CALL (server->store, session_by_token_hash, token_hash);
  if (session == NULL)
    {
      reply_unauthenticated (req, "invalid");
      return FALSE;
    }
  req->session = session;
  req->session_hash = g_strndup (token_hash, 16);

  if (session->end_reason != NULL)
    {
      reply_unauthenticated (req, session->end_reason);
      return FALSE;
    }
  if (now - session->last_seen > (gint64) server->config->idle_timeout_s * G_USEC_PER_SEC ||
      now >= session->expires_at)
    {
      session->end_reason = g_strdup ("expired");
      FD_STORE_CALL (server->store, session_update, session, NULL);
      reply_unauthenticated (req, "expired");
      return FALSE;
    }

  user = FD_STORE_CALL (server->store, user_by_id, session->user_id);
  if (user == NULL || user->disabled)
    {
      g_free (session->end_reason);
      session->end_reason = g_strdup ("disabled");
      FD_STORE_CALL (server->store, session_update, session, NULL);
      fd_user_record_free (user);
      reply_unauthenticated (req, "disabled");
      return FALSE;
    }
  req->user = user;
  req->role = fd_role_from_string (user->role);
  if (user->locked_until == -1 || user->locked_until > now)
    {
      FD_STORE_CALL (server->store, sessions_end_for_user, user->id, "locked", now);
      reply_unauthenticated (req, "locked");
      return FALSE;
    }

  if (session->locked && level != AUTH_SESSION_LOCKED)
    {
      fd_reply_error (req, FD_ERROR_REAUTH_REQUIRED, "The session is locked; unlock it first", NULL);
      return FALSE;
    }

  /* Idle bookkeeping: one write every few seconds is enough. */
  if (now - session->last_seen > 5 * G_USEC_PER_SEC)
    {
      session->last_seen = now;
      if (!FD_STORE_CALL (server->store, session_update, session, &error))
        g_warning ("Cannot record session activity: %s", error->message);
    }
  return TRUE;
}

/* dispatch */

static gboolean
pattern_matches (const char  *pattern,
                 char       **segments)
{
  g_auto(GStrv) parts = g_strsplit (pattern, "/", 0);
  guint n = g_strv_length (parts);

  if (g_strv_length (segments) != n)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      if (g_str_equal (parts[i], "*"))
        {
          if (*segments[i] == '\0')
            return FALSE;
          continue;
        }
      if (!g_str_equal (parts[i], segments[i]))
        return FALSE;
    }
  return TRUE;
}

/* A "\u0000" escape would cut the string json-glib hands back, so a
 * member could compare equal to a prefix of what was sent ("reception\0x"
 * signing in as reception). Finds one in @data and names the top-level
 * member it belongs to (NULL when it cannot tell). */
static gboolean
find_escaped_nul (const char  *data,
                  gsize        len,
                  char       **member)
{
  gboolean in_string = FALSE;
  gsize string_start = 0, depth = 0;
  gsize last_string_start = 0, last_string_end = 0;
  g_autofree char *key = NULL;

  *member = NULL;
  for (gsize i = 0; i < len; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            {
              if (i + 5 < len && data[i + 1] == 'u' && memcmp (data + i + 2, "0000", 4) == 0)
                {
                  /* a key itself, or the value of the last key */
                  gsize j = i;

                  while (j < len && data[j] != '"')
                    j += data[j] == '\\' ? 2 : 1;
                  j++;
                  while (j < len && g_ascii_isspace (data[j]))
                    j++;
                  if (depth == 1 && j < len && data[j] == ':')
                    *member = g_strndup (data + string_start, i - string_start);
                  else
                    *member = g_steal_pointer (&key);
                  return TRUE;
                }
              i++;
              continue;
            }
          if (c == '"')
            {
              in_string = FALSE;
              last_string_start = string_start;
              last_string_end = i;
            }
          continue;
        }
      switch (c)
        {
        case '"':
          in_string = TRUE;
          string_start = i + 1;
          break;
        case ':':
          if (depth == 1 && last_string_end >= last_string_start)
            {
              g_free (key);
              key = g_strndup (data + last_string_start, last_string_end - last_string_start);
            }
          break;
        case '{':
        case '[':
          depth++;
          break;
        case '}':
        case ']':
          if (depth > 0)
            depth--;
          break;
        default:
          break;
        }
    }
  return memchr (data, '\0', len) != NULL;
}

static gboolean
parse_body (FdRequest *req)
{
  SoupMessageBody *body = soup_server_message_get_request_body (req->msg);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) error = NULL;
  const char *data;
  gsize len;

  if (body->length > FD_MAX_BODY)
    {
      fd_reply_error (req, FD_ERROR_TOO_LARGE, "The request body is larger than 64 KiB", NULL);
      return FALSE;
    }
  bytes = soup_message_body_flatten (body);
  data = g_bytes_get_data (bytes, &len);
  if (len == 0)
    return TRUE;

  if (!g_utf8_validate (data, len, NULL))
    {
      fd_reply_error (req, FD_ERROR_BAD_REQUEST, "The request body is not valid UTF-8", NULL);
      return FALSE;
    }
  {
    g_autofree char *member = NULL;

    if (find_escaped_nul (data, len, &member))
      {
        gboolean plain = member != NULL && g_utf8_validate (member, -1, NULL) &&
                         strchr (member, '\\') == NULL;

        fd_reply_error (req, FD_ERROR_BAD_REQUEST, "Text members must not contain NUL characters",
                        plain ? member : NULL);
        return FALSE;
      }
  }
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, len, &error))
    {
      fd_reply_error (req, FD_ERROR_BAD_REQUEST, "The request body is not valid JSON", NULL);
      return FALSE;
    }
  /* The raw body may hold a password: wipe it now that it is parsed. */
  explicit_bzero ((char *) data, len);

  req->body_node = json_parser_steal_root (parser);
  if (req->body_node == NULL || !JSON_NODE_HOLDS_OBJECT (req->body_node))
    {
      fd_reply_error (req, FD_ERROR_BAD_REQUEST, "The request body must be a JSON object", NULL);
      return FALSE;
    }
  req->body = json_node_get_object (req->body_node);
  return TRUE;
}

static void
message_finished_cb (SoupServerMessage *msg,
                     FdServer          *server)
{
  g_assert (server->inflight > 0);
  server->inflight--;
  if (server->shutting_down && server->inflight == 0 && server->shutdown_done != NULL)
    {
      GSourceFunc done = server->shutdown_done;
      server->shutdown_done = NULL;
      g_clear_handle_id (&server->shutdown_timeout_id, g_source_remove);
      g_idle_add (done, server->shutdown_data);
    }
}

static void
server_callback (SoupServer        *soup,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  FdServer *server = user_data;
  g_autoptr(FdRequest) req = g_new0 (FdRequest, 1);
  const Route *route = NULL;
  gboolean path_known = FALSE;

  req->ref_count = 1;
  req->server = server;
  req->msg = g_object_ref (msg);
  req->method = soup_server_message_get_method (msg);
  req->query = query ? g_hash_table_ref (query) : NULL;
  req->ip = g_strdup (soup_server_message_get_remote_host (msg));
  req->role = FD_ROLE_INVALID;

  server->inflight++;
  g_signal_connect (msg, "finished", G_CALLBACK (message_finished_cb), server);

  if (server->shutting_down)
    {
      fd_reply_error (req, FD_ERROR_UNAVAILABLE, "The server is shutting down", NULL);
      return;
    }

  if (!g_str_has_prefix (path, "/api/v1/") || strlen (path) > 512)
    {
      fd_reply_error (req, FD_ERROR_NOT_FOUND, "No such resource", NULL);
      return;
    }
  req->segments = g_strsplit (path + strlen ("/api/v1/"), "/", 8);

  /* Query values must be valid UTF-8 (libsoup decodes percent escapes). */
  if (req->query != NULL)
    {
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, req->query);
      while (g_hash_table_iter_next (&iter, &key, &value))
        if (!g_utf8_validate (key, -1, NULL) || (value && !g_utf8_validate (value, -1, NULL)))
          {
            fd_reply_error (req, FD_ERROR_BAD_REQUEST, "The query is not valid UTF-8",
                            g_utf8_validate (key, -1, NULL) ? key : NULL);
            return;
          }
    }

  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    if (pattern_matches (routes[i].pattern, req->segments))
      {
        path_known = TRUE;
        if (g_str_equal (routes[i].method, req->method))
          {
            route = &routes[i];
            break;
          }
      }

  if (route == NULL)
    {
      if (path_known)
        fd_reply_error (req, FD_ERROR_METHOD_NOT_ALLOWED, "Method not allowed here", NULL);
      else
        fd_reply_error (req, FD_ERROR_NOT_FOUND, "No such resource", NULL);
      return;
    }

  if (!parse_body (req))
    return;
  if (route->auth != AUTH_NONE && !authenticate (req, route->auth))
    return;

  route->handler (req);
  if (!req->in_thread)
    release_when_committed (req, FALSE);
}

/* Refuses oversized or badly framed bodies from the headers, before reading them. In
 * libsoup 3.2 a status set here does not stop the body from being read
 * (into memory), so the connection is taken over: the 400 or 413 is
 * written directly and the connection closed. */
#define REFUSAL_DRAIN_MAX (4 * 1024 * 1024)
#define REFUSAL_DRAIN_S   5

typedef struct
{
  GIOStream    *stream;
  GCancellable *cancellable;
  char         *answer;
  char          buffer[16384];
  gsize         drained;
  guint         timeout_id;
} Refusal;

static void
refusal_closed_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      data)
{
  Refusal *r = data;

  g_io_stream_close_finish (r->stream, result, NULL);
  g_clear_handle_id (&r->timeout_id, g_source_remove);
  g_object_unref (r->stream);
  g_object_unref (r->cancellable);
  g_free (r->answer);
  g_free (r);
}

static gboolean
refusal_timeout_cb (gpointer data)
{
  Refusal *r = data;

  r->timeout_id = 0;
  g_cancellable_cancel (r->cancellable);
  return G_SOURCE_REMOVE;
}

/* Reads and drops what the client still sends (bounded in bytes and
 * time) so that closing does not reset the connection before the client
 * has read the 413. */
static void
refusal_drained_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      data)
{
  Refusal *r = data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);

  if (n > 0 && (r->drained += n) < REFUSAL_DRAIN_MAX)
    {
      g_input_stream_read_async (G_INPUT_STREAM (source), r->buffer, sizeof r->buffer,
                                 G_PRIORITY_LOW, r->cancellable, refusal_drained_cb, r);
      return;
    }
  g_io_stream_close_async (r->stream, G_PRIORITY_DEFAULT, NULL, refusal_closed_cb, r);
}

static void
refusal_written_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      data)
{
  Refusal *r = data;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL))
    {
      g_io_stream_close_async (r->stream, G_PRIORITY_DEFAULT, NULL, refusal_closed_cb, r);
      return;
    }
  g_output_stream_flush (G_OUTPUT_STREAM (source), NULL, NULL);
  r->timeout_id = g_timeout_add_seconds (REFUSAL_DRAIN_S, refusal_timeout_cb, r);
  g_input_stream_read_async (g_io_stream_get_input_stream (r->stream), r->buffer, sizeof r->buffer,
                             G_PRIORITY_LOW, r->cancellable, refusal_drained_cb, r);
}

static void
early_callback (SoupServer        *soup,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  FdFraming framing;
  const char *message;
  const char *status_line = "413 Payload Too Large";
  const char *code = "too-large";
  g_autofree char *body = NULL;
  Refusal *r;

  /* The raw header text, not libsoup's parse of it: see fd-framing.h. */
  framing = fd_framing_check (headers, FD_MAX_BODY, &message);
  if (framing == FD_FRAMING_OK)
    return;
  if (framing == FD_FRAMING_MALFORMED)
    {
      status_line = "400 Bad Request";
      code = "bad-request";
    }
  body = g_strdup_printf ("{\"error\":{\"code\":\"%s\",\"message\":\"%s\"}}", code, message);

  r = g_new0 (Refusal, 1);
  r->cancellable = g_cancellable_new ();
  r->stream = soup_server_message_steal_connection (msg);
  r->answer = g_strdup_printf ("HTTP/1.1 %s\r\n"
                               "Content-Type: application/json; charset=utf-8\r\n"
                               "Content-Length: %zu\r\n"
                               "Connection: close\r\n"
                               "Cache-Control: no-store\r\n"
                               "X-Content-Type-Options: nosniff\r\n"
                               "Strict-Transport-Security: max-age=31536000\r\n"
                               "Content-Security-Policy: default-src 'none'\r\n"
                               "\r\n%s", status_line, strlen (body), body);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (r->stream), r->answer,
                                   strlen (r->answer), G_PRIORITY_DEFAULT, NULL,
                                   refusal_written_cb, r);
}

static gboolean
purge_visitors_cb (gpointer user_data)
{
  FdServer *server = user_data;
  gint64 cutoff = fd_now () - (gint64) server->config->visitor_retention_days * 24 * 3600 * G_USEC_PER_SEC;
  guint n = FD_STORE_CALL (server->store, visitors_purge, cutoff);

  if (n > 0)
    g_message ("Purged %u visitor records past the retention period", n);
  return G_SOURCE_CONTINUE;
}

/* Password hashes waiting for a worker (each running one holds 64 MiB). */
#define WORK_QUEUE_MAX 32

FdServer *
fd_server_new (FdConfig  *config,
               FdStore   *store,
               GError   **error)
{
  FdServer *server = g_new0 (FdServer, 1);
  g_autoptr(GTlsCertificate) cert = NULL;

  server->config = config;
  server->store = store;
  server->index = fd_search_index_new_from_store (store);
  server->search_pool = fd_search_pool_new (server->index, 0);
  server->awaiting_commit = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_request_unref);
  server->context = g_main_context_ref_thread_default ();
  server->work_pool = fd_work_pool_new (CLAMP (g_get_num_processors (), 1, 8), WORK_QUEUE_MAX);
  server->sign_in_limit = fd_rate_limit_new (config->sign_in_rate);

  cert = g_tls_certificate_new_from_files (config->certificate, config->private_key, error);
  if (cert == NULL)
    {
      fd_server_free (server);
      return NULL;
    }
  server->soup = soup_server_new ("tls-certificate", cert,
                                  "server-header", "frontdesk-server",
                                  NULL);
  server->guard = fd_connection_guard_new (server->soup);
  soup_server_add_early_handler (server->soup, NULL, early_callback, server, NULL);
  soup_server_add_handler (server->soup, NULL, server_callback, server, NULL);

  purge_visitors_cb (server);
  server->purge_id = g_timeout_add_seconds (3600, purge_visitors_cb, server);
  server->witness = fd_witness_start (store, config->audit_witness, config->db_path,
                                      config->audit_witness_interval_s);
  return server;
}

gboolean
fd_server_listen (FdServer  *server,
                  GError   **error)
{
  g_autoptr(GInetAddress) addr = NULL;
  g_autoptr(GSocketAddress) saddr = NULL;
  GSList *uris;

  if (g_strcmp0 (server->config->listen_host, "localhost") == 0)
    addr = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  else
    addr = g_inet_address_new_from_string (server->config->listen_host);
  if (addr == NULL)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG, "Cannot listen on %s",
                   server->config->listen_host);
      return FALSE;
    }
  saddr = g_inet_socket_address_new (addr, server->config->listen_port);
  if (!soup_server_listen (server->soup, saddr, SOUP_SERVER_LISTEN_HTTPS, error))
    return FALSE;

  uris = soup_server_get_uris (server->soup);
  if (uris != NULL)
    server->port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return TRUE;
}

guint16
fd_server_get_port (FdServer *server)
{
  return server->port;
}

static gboolean
shutdown_timeout_cb (gpointer user_data)
{
  FdServer *server = user_data;
  GSourceFunc done = server->shutdown_done;

  server->shutdown_timeout_id = 0;
  server->shutdown_done = NULL;
  if (done != NULL)
    done (server->shutdown_data);
  return G_SOURCE_REMOVE;
}

void
fd_server_shutdown (FdServer    *server,
                    GSourceFunc  done,
                    gpointer     user_data)
{
  server->shutting_down = TRUE;
  server->shutdown_done = done;
  server->shutdown_data = user_data;
  if (server->inflight == 0)
    {
      server->shutdown_done = NULL;
      g_idle_add (done, user_data);
      return;
    }
  server->shutdown_timeout_id = g_timeout_add_seconds (10, shutdown_timeout_cb, server);
}

void
fd_server_free (FdServer *server)
{
  if (server == NULL)
    return;
  g_clear_handle_id (&server->purge_id, g_source_remove);
  g_clear_handle_id (&server->shutdown_timeout_id, g_source_remove);
  if (server->awaiting_commit != NULL)
    fd_server_flush (server);
  g_clear_pointer (&server->awaiting_commit, g_ptr_array_unref);
  /* After the last commit: the "stop" record names the final head. */
  g_clear_pointer (&server->witness, fd_witness_stop);
  if (server->soup != NULL)
    {
      soup_server_disconnect (server->soup);
      g_clear_pointer (&server->guard, fd_connection_guard_free);
      g_clear_object (&server->soup);
    }
  /* Lets running password checks end; their answers are never sent. */
  g_clear_pointer (&server->work_pool, fd_work_pool_free);
  g_clear_pointer (&server->sign_in_limit, fd_rate_limit_free);
  g_clear_pointer (&server->context, g_main_context_unref);
  fd_search_pool_free (server->search_pool);
  fd_search_index_free (server->index);
  fd_store_close (server->store);
  fd_config_free (server->config);
  g_free (server);
}
