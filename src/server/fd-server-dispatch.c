/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The routes table, dispatch of a request to its handler, early refusal. */

#include "config.h"

#include <string.h>

#include "fd-framing.h"
#include "fd-routes-rules.h"
#include "fd-server-private.h"

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
  /* issue 14 (accounts) */
  { "POST",   "users/*/unlock",        AUTH_SESSION,        fd_routes_users_unlock },
  { "POST",   "users/*/password",      AUTH_SESSION,        fd_routes_users_password },
  { "GET",    "payments",              AUTH_SESSION,        fd_routes_payments_list },
  /* issue 12 (rules): fd-routes-rules.c, fd-routes-incident.c */
  { "GET",    "rules",                 AUTH_SESSION,        fd_routes_rules_get },
  { "PUT",    "rules",                 AUTH_SESSION,        fd_routes_rules_put },
  { "POST",   "rules/acknowledge",     AUTH_SESSION,        fd_routes_rules_acknowledge },
  { "GET",    "rules/acknowledgments", AUTH_SESSION,        fd_routes_rules_acknowledgments },
  { "GET",    "incidents/radius",      AUTH_SESSION,        fd_routes_incident_radius },
  /* issue 12: access review */
  { "POST",   "reviews",               AUTH_SESSION,        fd_routes_reviews_open },
  { "GET",    "reviews/*",             AUTH_SESSION,        fd_routes_reviews_get },
  { "POST",   "reviews/*/decisions",   AUTH_SESSION,        fd_routes_reviews_decide },
  { "POST",   "reviews/*/sign-off",    AUTH_SESSION,        fd_routes_reviews_sign_off },
  { "GET",    "reviews/*/export",      AUTH_SESSION,        fd_routes_reviews_export },
  /* issue 15: second factor */
  { "POST",   "session/second-factor", AUTH_NONE,           fd_routes_second_factor },
  { "POST",   "account/totp",          AUTH_SESSION,        fd_routes_account_totp },
  { "DELETE", "users/*/totp",          AUTH_SESSION,        fd_routes_users_totp_delete },
  /* issue 12 */
  { "GET",    "alerts/deliveries",     AUTH_SESSION,        fd_routes_alert_deliveries },
  { "POST",   "alerts/test",           AUTH_SESSION,        fd_routes_alert_test },
  { "GET",    "admin/checks",          AUTH_SESSION,        fd_routes_admin_checks },
  /* issue 14: the desk's daily flow */
  { "GET",    "visitors/purposes",     AUTH_SESSION,        fd_routes_visitor_purposes_get },
  { "PUT",    "visitors/purposes",     AUTH_SESSION,        fd_routes_visitor_purposes_put },
  { "POST",   "visitors/*/undo-checkout", AUTH_SESSION,     fd_routes_visitors_undo_checkout },
  /* pwchange: self-service password change */
  { "POST",   "account/password",      AUTH_SESSION,        fd_routes_account_password },
};

static void
health (FdRequest *req)
{
  g_auto(FdJsonWriter) w = { 0 };

  fd_json_writer_init (&w, 64);
  fd_json_writer_begin_object (&w);
  fd_json_writer_string_member (&w, "status", "ok");
  fd_json_writer_string_member (&w, "version", PACKAGE_VERSION);
  fd_json_writer_end_object (&w);
  fd_reply_writer (req, 200, &w);
}

/* @pattern's segments against @segments, without splitting @pattern:
 * every request tries the routes in turn (issue 13). */
static gboolean
pattern_matches (const char  *pattern,
                 char       **segments)
{
  const char *part = pattern;

  for (guint i = 0;; i++)
    {
      const char *end = strchr (part, '/');
      gsize len = end != NULL ? (gsize) (end - part) : strlen (part);

      if (segments[i] == NULL)
        return FALSE;
      if (len == 1 && part[0] == '*')
        {
          if (*segments[i] == '\0')
            return FALSE;
        }
      else if (strlen (segments[i]) != len || memcmp (segments[i], part, len) != 0)
        return FALSE;
      if (end == NULL)
        return segments[i + 1] == NULL;
      part = end + 1;
    }
}

void
fd_server_dispatch_cb (SoupServer        *soup,
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
  req->store_outages = server->store->outages;   /* issue 16 */

  fd_server_track_message (server, msg);

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

  if (!fd_request_parse_body (req))
    return;
  if (route->auth != AUTH_NONE &&
      (!fd_request_authenticate (req, route->auth == AUTH_SESSION_LOCKED) ||
       !fd_second_factor_gate (req, route->handler)))
    return;
  /* issue 12: no data before the current rules are acknowledged */
  if (route->auth == AUTH_SESSION && !fd_rules_gate (req))
    return;

  /* The store reads and writes this request's estate only (issue 11). */
  fd_request_enter (req);
  route->handler (req);
  fd_request_leave (req);
  if (!req->in_thread)
    fd_request_release_when_committed (req, FALSE);
}

/* early refusal */

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

void
fd_server_early_cb (SoupServer        *soup,
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
