/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The contract's field value: a masked or clear value and its flags. */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The contract's field value: {"value": "138****5678", "masked": true,
 * "revealable": true}. */
typedef struct
{
  char     *value;
  gboolean  masked;
  gboolean  revealable;
} FdFieldValue;

void          fd_json_builder_add_field (JsonBuilder   *builder,
                                         const char    *member,
                                         const char    *value,
                                         gboolean       masked,
                                         gboolean       revealable);
/* Parses a field value object, checking every member's type. */
FdFieldValue *fd_field_value_parse      (JsonNode      *node,
                                         GError       **error);
FdFieldValue *fd_field_value_new        (const char    *value,
                                         gboolean       masked,
                                         gboolean       revealable);
FdFieldValue *fd_field_value_copy       (const FdFieldValue *field);
/* Wipes the value before freeing it. */
void          fd_field_value_free       (FdFieldValue  *field);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdFieldValue, fd_field_value_free)

/* A JSON object of string members from NULL-terminated pairs of name and
 * value (a request body); a NULL value, and with @skip_empty an empty
 * one, leaves its member out. */
JsonNode     *fd_json_string_object     (gboolean       skip_empty,
                                         const char    *first_member,
                                         ...);

/* Small JSON readers that check the node type; they return the default
 * or NULL when the member is absent or of another type. */
const char   *fd_json_get_string        (JsonObject    *object,
                                         const char    *member);
gint64        fd_json_get_int           (JsonObject    *object,
                                         const char    *member,
                                         gint64         fallback);
gboolean      fd_json_get_bool          (JsonObject    *object,
                                         const char    *member,
                                         gboolean       fallback);

/* Overwrites a string's bytes with zeros and frees it. */
void          fd_secret_free            (char          *secret);

G_END_DECLS
