/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Every answer the server sends: JSON, errors, security headers. */

#include "config.h"

#include <string.h>

#include "fd-server-private.h"

/* replies */

static void
set_common_headers (FdRequest *req)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (req->msg);

  /* A later answer replaces an earlier one (a 201 held for a group commit
   * that failed): soup_server_message_set_response() of libsoup 3.2
   * appends to the body, so the 503 went out after the 201's JSON, a
   * reveal's clear value included. A secret body wipes itself as it goes. */
  soup_message_body_truncate (soup_server_message_get_response_body (req->msg));
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  soup_message_headers_replace (headers, "Strict-Transport-Security", "max-age=31536000");
  soup_message_headers_replace (headers, "Content-Security-Policy", "default-src 'none'");
  if (req->server->shutting_down)
    soup_message_headers_replace (headers, "Connection", "close");
}

/* Issue 16 (failover): the store lost its database while this request
 * ran (FdStore.outages moved), so what its handler found may be a failed
 * read taken for "none": whatever it was going to answer, it answers 503
 * with Retry-After, and nothing later replaces that. TRUE when so. */
#define OUTAGE_RETRY_AFTER_S "2"

static gboolean
reply_outage (FdRequest *req)
{
  if (req->server->store == NULL || req->store_outages == req->server->store->outages)
    return FALSE;
  fd_reply_database_unavailable (req);
  return TRUE;
}

void
fd_reply_database_unavailable (FdRequest *req)
{
  g_auto(FdJsonWriter) w = { 0 };
  gsize len = 0;
  char *data;

  if (req->outage_answered)
    return;
  req->outage_answered = TRUE;
  fd_json_writer_init (&w, 160);
  fd_json_writer_begin_object (&w);
  fd_json_writer_member (&w, "error");
  fd_json_writer_begin_object (&w);
  fd_json_writer_string_member (&w, "code", fd_error_to_code (FD_ERROR_UNAVAILABLE));
  fd_json_writer_string_member (&w, "message",
                                "The database cannot be reached now (a failover may be under "
                                "way); try again");
  fd_json_writer_string_member (&w, "detail", "database-unavailable");
  fd_json_writer_end_object (&w);
  fd_json_writer_end_object (&w);
  data = fd_json_writer_steal (&w, &len);
  set_common_headers (req);
  soup_message_headers_replace (soup_server_message_get_response_headers (req->msg),
                                "Retry-After", OUTAGE_RETRY_AFTER_S);
  soup_server_message_set_status (req->msg, fd_error_to_status (FD_ERROR_UNAVAILABLE), NULL);
  soup_server_message_set_response (req->msg, "application/json; charset=utf-8",
                                    SOUP_MEMORY_TAKE, data, len);
}

void
fd_reply_writer (FdRequest    *req,
                 guint         status,
                 FdJsonWriter *writer)
{
  gsize len = 0;
  char *data;

  if (reply_outage (req))
    return;
  data = fd_json_writer_steal (writer, &len);
  set_common_headers (req);
  soup_server_message_set_status (req->msg, status, NULL);
  soup_server_message_set_response (req->msg, "application/json; charset=utf-8",
                                    SOUP_MEMORY_TAKE, data, len);
}

static void
wipe_and_free (gpointer data)
{
  GString *text = data;

  explicit_bzero (text->str, text->len);
  g_string_free (text, TRUE);
}

void
fd_reply_writer_secret (FdRequest    *req,
                        guint         status,
                        FdJsonWriter *writer)
{
  SoupMessageBody *body = soup_server_message_get_response_body (req->msg);
  GString *text = g_steal_pointer (&writer->out);
  g_autoptr(GBytes) bytes = g_bytes_new_with_free_func (text->str, text->len,
                                                         wipe_and_free, text);

  if (reply_outage (req))
    return;
  set_common_headers (req);
  soup_server_message_set_status (req->msg, status, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (req->msg),
                                "Content-Type", "application/json; charset=utf-8");
  soup_message_body_truncate (body);
  soup_message_body_append_bytes (body, bytes);
}

void
fd_reply_data (FdRequest  *req,
               guint       status,
               const char *content_type,
               char       *data,
               gsize       len)
{
  if (reply_outage (req))
    {
      explicit_bzero (data, len);   /* an export may hold personal data */
      g_free (data);
      return;
    }
  set_common_headers (req);
  soup_server_message_set_status (req->msg, status, NULL);
  soup_server_message_set_response (req->msg, content_type, SOUP_MEMORY_TAKE, data, len);
}

void
fd_reply_empty (FdRequest *req,
                guint      status)
{
  if (reply_outage (req))
    return;
  set_common_headers (req);
  soup_server_message_set_status (req->msg, status, NULL);
  soup_server_message_set_response (req->msg, NULL, SOUP_MEMORY_STATIC, NULL, 0);
}

void
fd_reply_error_coded (FdRequest    *req,
                      guint         status,
                      const char   *code,
                      const char   *message,
                      const char   *member,
                      FdJsonWriter *extra,
                      gboolean      secret)
{
  g_auto(FdJsonWriter) w = { 0 };
  g_auto(FdJsonWriter) again = { 0 };

  if (secret && extra != NULL && extra->out != NULL)
    {
      fd_json_writer_init (&again, extra->out->len);
      g_string_append_len (again.out, extra->out->str, extra->out->len);
    }
  fd_json_writer_init (&w, 256);
  fd_json_writer_begin_object (&w);
  fd_json_writer_member (&w, "error");
  fd_json_writer_begin_object (&w);
  fd_json_writer_string_member (&w, "code", code);
  fd_json_writer_string_member (&w, "message", message);
  if (member != NULL)
    fd_json_writer_string_member (&w, "member", member);
  fd_json_writer_splice_members (&w, extra);
  fd_json_writer_end_object (&w);
  fd_json_writer_splice_members (&w, &again);
  fd_json_writer_end_object (&w);
  if (secret)
    fd_reply_writer_secret (req, status, &w);
  else
    fd_reply_writer (req, status, &w);
}

void
fd_reply_error_full (FdRequest    *req,
                     FdError       code,
                     const char   *message,
                     const char   *member,
                     FdJsonWriter *extra)
{
  if (code == FD_ERROR_RATE_LIMITED &&
      soup_message_headers_get_one (soup_server_message_get_response_headers (req->msg),
                                    "Retry-After") == NULL)
    soup_message_headers_replace (soup_server_message_get_response_headers (req->msg),
                                  "Retry-After", "3600");
  fd_reply_error_coded (req, fd_error_to_status (code), fd_error_to_code (code), message, member,
                        extra, FALSE);
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

/* An error whose object has one more string member. */
static void
reply_error_with (FdRequest  *req,
                  FdError     code,
                  const char *message,
                  const char *name,
                  const char *value)
{
  g_auto(FdJsonWriter) extra = { 0 };

  fd_json_writer_init (&extra, 64);
  fd_json_writer_string_member (&extra, name, value);
  fd_reply_error_full (req, code, message, NULL, &extra);
}

void
fd_reply_unauthenticated (FdRequest  *req,
                          const char *reason)
{
  fd_reply_unauthenticated_full (req, "Sign in again", reason);
}

void
fd_reply_unauthenticated_full (FdRequest  *req,
                               const char *message,
                               const char *reason)
{
  reply_error_with (req, FD_ERROR_UNAUTHENTICATED, message, "reason", reason);
}

void
fd_reply_frozen (FdRequest *req)
{
  reply_error_with (req, FD_ERROR_FORBIDDEN,
                    "Reveals and exports are frozen by the incident switch",
                    "detail", "incident-freeze");
}

void
fd_reply_locked (FdRequest  *req,
                 const char *message,
                 gint64      locked_until)
{
  g_autofree char *until = NULL;

  if (locked_until != -1)
    until = fd_time_format_rfc3339 (locked_until);
  reply_error_with (req, FD_ERROR_ACCOUNT_LOCKED, message, "locked_until", until);
}

void
fd_write_user (FdJsonWriter       *w,
               const FdUserRecord *user)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, user->id);

  fd_json_writer_string_member (w, "id", id);
  fd_json_writer_string_member (w, "username", user->username);
  fd_json_writer_string_member (w, "display_name", user->display_name);
  fd_json_writer_string_member (w, "role", user->role);
}

void
fd_write_policy (FdJsonWriter *w,
                 FdServer     *server)
{
  FdConfig *c = server->config;

  fd_json_writer_int_member (w, "lock_after_s", c->lock_after_s);
  fd_json_writer_int_member (w, "idle_timeout_s", c->idle_timeout_s);
  fd_json_writer_int_member (w, "max_age_s", c->max_age_s);
  fd_json_writer_int_member (w, "reveal_window_s", c->reveal_window_s);
  fd_json_writer_bool_member (w, "watermark", c->watermark);
}
