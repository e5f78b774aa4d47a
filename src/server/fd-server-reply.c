/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Every answer the server sends: JSON, errors, security headers. */

#include "config.h"

#include "fd-server-private.h"

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

void
fd_reply_unauthenticated (FdRequest  *req,
                          const char *reason)
{
  g_autoptr(JsonObject) extra = json_object_new ();

  json_object_set_string_member (extra, "reason", reason);
  fd_reply_error_full (req, FD_ERROR_UNAUTHENTICATED, "Sign in again", NULL, extra);
}

void
fd_reply_frozen (FdRequest *req)
{
  g_autoptr(JsonObject) extra = json_object_new ();

  json_object_set_string_member (extra, "detail", "incident-freeze");
  fd_reply_error_full (req, FD_ERROR_FORBIDDEN,
                       "Reveals and exports are frozen by the incident switch", NULL, extra);
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
