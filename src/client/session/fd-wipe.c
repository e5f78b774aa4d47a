/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Wiping secrets held in json-glib trees and in string arrays. */

#include "config.h"

#include "fd-wipe.h"

#include <string.h>

void
fd_wipe_json_string (JsonNode   *node,
                     const char *member)
{
  JsonNode *value;
  char *text;

  g_return_if_fail (member != NULL);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return;

  value = json_object_get_member (json_node_get_object (node), member);
  if (value == NULL || !JSON_NODE_HOLDS_VALUE (value) ||
      json_node_get_value_type (value) != G_TYPE_STRING)
    return;

  text = (char *) json_node_get_string (value);
  if (text != NULL)
    explicit_bzero (text, strlen (text));
}

void
fd_wipe_strv (char **strv)
{
  if (strv == NULL)
    return;
  for (guint i = 0; strv[i] != NULL; i++)
    explicit_bzero (strv[i], strlen (strv[i]));
  g_strfreev (strv);
}
