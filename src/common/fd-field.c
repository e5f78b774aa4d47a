/* fd-field.c: the contract's field value and small typed JSON readers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fd-field.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "fd-error.h"

/* A NULL value adds nothing: a field the caller may not see stays absent
 * rather than turning into an empty or null member. */
void
fd_json_builder_add_field (JsonBuilder *builder,
                           const char  *member,
                           const char  *value,
                           gboolean     masked,
                           gboolean     revealable)
{
  g_return_if_fail (JSON_IS_BUILDER (builder));

  if (value == NULL)
    return;

  if (member != NULL)
    json_builder_set_member_name (builder, member);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "value");
  json_builder_add_string_value (builder, value);
  json_builder_set_member_name (builder, "masked");
  json_builder_add_boolean_value (builder, masked);
  json_builder_set_member_name (builder, "revealable");
  json_builder_add_boolean_value (builder, revealable);
  json_builder_end_object (builder);
}

static gboolean
member_has_type (JsonObject *object,
                 const char *member,
                 GType       type)
{
  JsonNode *node;

  if (object == NULL || member == NULL)
    return FALSE;

  node = json_object_get_member (object, member);
  return node != NULL
         && JSON_NODE_HOLDS_VALUE (node)
         && json_node_get_value_type (node) == type;
}

FdFieldValue *
fd_field_value_parse (JsonNode  *node,
                      GError   **error)
{
  JsonObject *object;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    goto malformed;

  object = json_node_get_object (node);
  if (!member_has_type (object, "value", G_TYPE_STRING)
      || !member_has_type (object, "masked", G_TYPE_BOOLEAN)
      || !member_has_type (object, "revealable", G_TYPE_BOOLEAN))
    goto malformed;

  return fd_field_value_new (json_object_get_string_member (object, "value"),
                             json_object_get_boolean_member (object, "masked"),
                             json_object_get_boolean_member (object, "revealable"));

malformed:
  g_set_error_literal (error, FD_ERROR, FD_ERROR_PROTOCOL,
                       _("The server sent a field in an unexpected form"));
  return NULL;
}

FdFieldValue *
fd_field_value_new (const char *value,
                    gboolean    masked,
                    gboolean    revealable)
{
  FdFieldValue *field;

  g_return_val_if_fail (value != NULL, NULL);

  field = g_new0 (FdFieldValue, 1);
  field->value = g_strdup (value);
  field->masked = !!masked;
  field->revealable = !!revealable;

  return field;
}

FdFieldValue *
fd_field_value_copy (const FdFieldValue *field)
{
  g_return_val_if_fail (field != NULL, NULL);

  return fd_field_value_new (field->value, field->masked, field->revealable);
}

void
fd_field_value_free (FdFieldValue *field)
{
  if (field == NULL)
    return;

  fd_secret_free (g_steal_pointer (&field->value));
  g_free (field);
}

const char *
fd_json_get_string (JsonObject *object,
                    const char *member)
{
  if (!member_has_type (object, member, G_TYPE_STRING))
    return NULL;
  return json_object_get_string_member (object, member);
}

gint64
fd_json_get_int (JsonObject *object,
                 const char *member,
                 gint64      fallback)
{
  if (!member_has_type (object, member, G_TYPE_INT64))
    return fallback;
  return json_object_get_int_member (object, member);
}

gboolean
fd_json_get_bool (JsonObject *object,
                  const char *member,
                  gboolean    fallback)
{
  if (!member_has_type (object, member, G_TYPE_BOOLEAN))
    return fallback;
  return json_object_get_boolean_member (object, member);
}

void
fd_secret_free (char *secret)
{
  if (secret == NULL)
    return;

  explicit_bzero (secret, strlen (secret));
  g_free (secret);
}

JsonNode *
fd_json_string_object (gboolean    skip_empty,
                       const char *first_member,
                       ...)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const char *member = first_member;
  va_list args;

  json_builder_begin_object (builder);
  va_start (args, first_member);
  while (member != NULL)
    {
      const char *value = va_arg (args, const char *);

      if (value != NULL && (!skip_empty || *value != '\0'))
        {
          json_builder_set_member_name (builder, member);
          json_builder_add_string_value (builder, value);
        }
      member = va_arg (args, const char *);
    }
  va_end (args);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}
