/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Routes (issue 14): the desk's visit purposes and Undo on Check Out. */

#include "config.h"

#include <string.h>

#include "fd-server-private.h"
#include "fd-validate.h"

/* How long after a check-out the same user may undo it. The client offers
 * Undo for 10 s; the rest is slack for a slow network. */
#define UNDO_CHECKOUT_WINDOW ((gint64) 30 * G_USEC_PER_SEC)

#define PURPOSES_SETTING   "visitors.purposes"
#define PURPOSES_MAX       12
#define PURPOSE_MAX_CHARS  20

static const char * const default_purposes[] = { "快递", "探访", "维修", "装修", NULL };

/* The stored list (a JSON array of strings), or the defaults when none is
 * stored or it does not parse. */
static char **
load_purposes (FdStore *store)
{
  g_autofree char *stored = FD_STORE_CALL (store, get_setting, PURPOSES_SETTING);
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  JsonNode *root;
  JsonArray *array;

  if (stored == NULL)
    return g_strdupv ((char **) default_purposes);
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, stored, -1, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    return g_strdupv ((char **) default_purposes);

  builder = g_strv_builder_new ();
  array = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        g_strv_builder_add (builder, json_node_get_string (node));
    }
  return g_strv_builder_end (builder);
}

static void
write_purposes (FdJsonWriter       *w,
                const char * const *items)
{
  fd_json_writer_begin_object (w);
  fd_json_writer_member (w, "items");
  fd_json_writer_begin_array (w);
  for (guint i = 0; items[i] != NULL; i++)
    fd_json_writer_string (w, items[i]);
  fd_json_writer_end_array (w);
  fd_json_writer_end_object (w);
}

static void
reply_purposes (FdRequest          *req,
                const char * const *items)
{
  g_auto(FdJsonWriter) w = { 0 };

  fd_json_writer_init (&w, 256);
  write_purposes (&w, items);
  fd_reply_writer (req, 200, &w);
}

void
fd_routes_visitor_purposes_get (FdRequest *req)
{
  g_auto(GStrv) items = NULL;

  /* Not personal data: not audited when allowed. */
  if (!fd_require_role (req, "settings-read", FD_ROLE_RECEPTION, FD_ROLE_MANAGER,
                        FD_ROLE_PATROL, FD_ROLE_ADMIN, FD_N_ROLES))
    return;
  items = load_purposes (req->server->store);
  reply_purposes (req, (const char * const *) items);
}

/* One purpose: trimmed, 1–20 printable characters. NULL when not valid. */
static char *
take_purpose (JsonNode *node)
{
  g_autofree char *normalized = NULL;
  glong chars;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  normalized = fd_input_normalize (json_node_get_string (node), FALSE);
  if (normalized == NULL)
    return NULL;
  chars = g_utf8_strlen (normalized, -1);
  if (chars < 1 || chars > PURPOSE_MAX_CHARS)
    return NULL;
  for (const char *p = normalized; *p; p = g_utf8_next_char (p))
    if (!g_unichar_isprint (g_utf8_get_char (p)))
      return NULL;
  return g_steal_pointer (&normalized);
}

void
fd_routes_visitor_purposes_put (FdRequest *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_free);
  g_auto(FdJsonWriter) stored = { 0 };
  g_autofree char *text = NULL;
  gsize len;
  JsonNode *node;
  JsonArray *array;

  if (!fd_require_role (req, "policy-change", FD_ROLE_ADMIN, FD_N_ROLES))
    return;
  node = req->body ? json_object_get_member (req->body, "items") : NULL;
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      fd_reply_error (req, FD_ERROR_BAD_REQUEST, "items (a list of purposes) is required", "items");
      return;
    }
  array = json_node_get_array (node);
  if (json_array_get_length (array) < 1 || json_array_get_length (array) > PURPOSES_MAX)
    {
      fd_reply_error (req, FD_ERROR_BAD_REQUEST, "Give 1 to 12 purposes", "items");
      return;
    }
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      char *purpose = take_purpose (json_array_get_element (array, i));

      if (purpose == NULL)
        {
          fd_reply_error (req, FD_ERROR_BAD_REQUEST,
                          "Each purpose is 1 to 20 printable characters", "items");
          return;
        }
      for (guint j = 0; j < items->len; j++)
        if (g_str_equal (g_ptr_array_index (items, j), purpose))
          {
            g_free (purpose);
            fd_reply_error (req, FD_ERROR_BAD_REQUEST, "A purpose is listed twice", "items");
            return;
          }
      g_ptr_array_add (items, purpose);
    }
  g_ptr_array_add (items, NULL);

  /* The entry opens the request's transaction: the list and its entry
   * commit together or not at all. */
  if (!fd_audit (req, "policy-change", "visitor-purposes", NULL, NULL, NULL, TRUE))
    return;
  fd_json_writer_init (&stored, 256);
  fd_json_writer_begin_array (&stored);
  for (guint i = 0; g_ptr_array_index (items, i) != NULL; i++)
    fd_json_writer_string (&stored, g_ptr_array_index (items, i));
  fd_json_writer_end_array (&stored);
  text = fd_json_writer_steal (&stored, &len);
  if (!FD_STORE_CALL (req->server->store, set_setting, PURPOSES_SETTING, text, &error))
    {
      fd_reply_gerror (req, error);
      return;
    }
  reply_purposes (req, (const char * const *) items->pdata);
}

/* TRUE when @req's user made the check-out that set @left_at: an allowed
 * visitor-checkout of @target by this account at or after it (the
 * (actor_id, action, at, …) index answers it). */
static gboolean
checked_out_by_caller (FdRequest  *req,
                       const char *target,
                       gint64      left_at)
{
  g_autofree char *since = fd_time_format_rfc3339 (left_at);
  guint n = FD_STORE_CALL (req->server->store, audit_count, req->user->id, "visitor-checkout",
                           "allowed", target, since, FALSE);

  return n != G_MAXUINT && n > 0;
}

static void
refuse_undo (FdRequest  *req,
             FdError     code,
             const char *message)
{
  if (fd_audit (req, "visitor-undo-checkout", req->segments[1], NULL, NULL, NULL, FALSE))
    fd_reply_error (req, code, message, NULL);
}

void
fd_routes_visitors_undo_checkout (FdRequest *req)
{
  FdServer *server = req->server;
  g_autoptr(FdVisitorRecord) v = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(FdJsonWriter) w = { 0 };
  gint64 id;

  if (!fd_require_role (req, "visitor-undo-checkout", FD_ROLE_RECEPTION, FD_ROLE_MANAGER,
                        FD_N_ROLES))
    return;
  if (!fd_parse_id (req->segments[1], &id))
    {
      if (fd_audit (req, "visitor-undo-checkout", NULL, NULL, NULL, NULL, FALSE))
        fd_reply_error (req, FD_ERROR_NOT_FOUND, "No such visitor", NULL);
      return;
    }
  v = FD_STORE_CALL (server->store, visitor_get, id);
  /* another estate's visitor is one that does not exist (issue 11) */
  if (v != NULL && !fd_request_sees_estate (req, v->estate_id))
    g_clear_pointer (&v, fd_visitor_record_free);
  if (v == NULL)
    {
      refuse_undo (req, FD_ERROR_NOT_FOUND, "No such visitor");
      return;
    }

  if (v->left_at != 0)
    {
      if (server->store->backend->visitor_undo_checkout == NULL)
        {
          refuse_undo (req, FD_ERROR_FORBIDDEN, "This server cannot undo a check-out");
          return;
        }
      if (fd_now () - v->left_at > UNDO_CHECKOUT_WINDOW)
        {
          refuse_undo (req, FD_ERROR_FORBIDDEN, "It is too late to undo this check-out");
          return;
        }
      if (!checked_out_by_caller (req, req->segments[1], v->left_at))
        {
          refuse_undo (req, FD_ERROR_FORBIDDEN,
                       "Only the person who checked the visitor out may undo it");
          return;
        }
      /* The row and its entry commit together. */
      if (!fd_begin_writes (req))
        return;
      if (!FD_STORE_CALL (server->store, visitor_undo_checkout, id, v->left_at, &error))
        {
          if (error != NULL)
            fd_reply_gerror (req, error);
          else
            refuse_undo (req, FD_ERROR_FORBIDDEN, "The visitor's check-out changed meanwhile");
          return;
        }
      if (!fd_audit (req, "visitor-undo-checkout", req->segments[1], NULL, NULL, NULL, TRUE))
        return;
      g_clear_pointer (&v, fd_visitor_record_free);
      v = FD_STORE_CALL (server->store, visitor_get, id);
      if (v == NULL)
        {
          fd_reply_error (req, FD_ERROR_NOT_FOUND, "No such visitor", NULL);
          return;
        }
    }

  /* A visitor still inside is returned unchanged, like a second check-out. */
  fd_json_writer_init (&w, 512);
  fd_policy_write_visitor (&w, req->role, v);
  fd_reply_writer (req, 200, &w);
}
