/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Routes: the estates of staff accounts in the admin /users endpoints (issue 11). */

#include "config.h"

#include "fd-estates.h"
#include "fd-server-private.h"

gboolean
fd_body_estates (FdRequest  *req,
                 GStrv      *codes)
{
  JsonNode *node = req->body ? json_object_get_member (req->body, "estates") : NULL;
  JsonArray *array;
  GStrvBuilder *builder;

  *codes = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node) || json_array_get_length (json_node_get_array (node)) > 64)
    {
      fd_reply_error (req, FD_ERROR_BAD_REQUEST, "estates is a list of estate codes", "estates");
      return FALSE;
    }
  array = json_node_get_array (node);
  builder = g_strv_builder_new ();
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
        {
          g_strv_builder_unref (builder);
          fd_reply_error (req, FD_ERROR_BAD_REQUEST, "estates is a list of estate codes", "estates");
          return FALSE;
        }
      g_strv_builder_add (builder, json_node_get_string (item));
    }
  *codes = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return TRUE;
}

GArray *
fd_request_estates_for_role (FdRequest          *req,
                             const char         *role,
                             const char * const *codes)
{
  g_autoptr(GError) error = NULL;
  GArray *ids = fd_estates_for_role (req->server->store, role, codes, &error);

  if (ids == NULL)
    fd_reply_error (req, FD_ERROR_BAD_REQUEST, error->message, "estates");
  return ids;
}

char **
fd_user_estate_codes (FdStore *store,
                      gint64   user_id)
{
  g_autoptr(GPtrArray) estates = FD_STORE_CALL0 (store, estate_list);
  g_autoptr(GArray) ids = FD_STORE_CALL (store, user_estates, user_id);

  return fd_estate_codes (estates, ids);
}

void
fd_write_user_estates (FdJsonWriter *w,
                       FdStore      *store,
                       gint64        user_id)
{
  g_auto(GStrv) codes = fd_user_estate_codes (store, user_id);

  fd_json_writer_member (w, "estates");
  fd_json_writer_begin_array (w);
  for (guint i = 0; codes[i] != NULL; i++)
    fd_json_writer_string (w, codes[i]);
  fd_json_writer_end_array (w);
}
