/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The member tables the record parsers share. */
#pragma once

#include <stddef.h>

#include "fd-record.h"

G_BEGIN_DECLS

/* Each record is described by a table of its members; one walker reads
 * them all with the same type checks, one frees them. */

typedef enum
{
  MEMBER_STRING,   /* string; null counts as absent */
  MEMBER_INT,      /* integer; null counts as absent */
  MEMBER_BOOL,
  MEMBER_FIELD,    /* field value object */
  MEMBER_ROLE,     /* a role's wire name */
} MemberKind;

typedef struct
{
  const char *name;
  MemberKind  kind;
  gboolean    required;
  gsize       offset;
} MemberSpec;

#define STR(type, member, req)   { #member, MEMBER_STRING, req, offsetof (type, member) }
#define INT(type, member, req)   { #member, MEMBER_INT, req, offsetof (type, member) }
#define BOOL(type, member, req)  { #member, MEMBER_BOOL, req, offsetof (type, member) }
#define FIELD(type, member)      { #member, MEMBER_FIELD, FALSE, offsetof (type, member) }
#define ROLE(type, member)       { #member, MEMBER_ROLE, TRUE, offsetof (type, member) }

/* FALSE with FD_ERROR_PROTOCOL; logs @what and @member only (a value may
 * be personal data). */
gboolean fd_record_malformed    (const char        *what,
                                 const char        *member,
                                 GError           **error);
gboolean fd_record_node_is      (JsonNode          *node,
                                 GType              type);
void     fd_record_free_members (const MemberSpec  *specs,
                                 guint              n_specs,
                                 gpointer           record);
/* Reads every member of @specs from the object @node into @record. */
gboolean fd_record_read_members (JsonNode          *node,
                                 const MemberSpec  *specs,
                                 guint              n_specs,
                                 gpointer           record,
                                 const char        *what,
                                 GError           **error);

/* Defines fd_THING_parse () and fd_THING_free () from a member table;
 * @init sets the defaults a missing member leaves. */
#define DEFINE_RECORD(Type, thing, specs, init)                          \
  void                                                                   \
  fd_##thing##_free (Type *record)                                       \
  {                                                                      \
    if (record == NULL)                                                  \
      return;                                                            \
    fd_record_free_members (specs, G_N_ELEMENTS (specs), record);                  \
    g_free (record);                                                     \
  }                                                                      \
                                                                         \
  Type *                                                                 \
  fd_##thing##_parse (JsonNode  *node,                                   \
                      GError   **error)                                  \
  {                                                                      \
    Type *record = g_new0 (Type, 1);                                     \
                                                                         \
    init;                                                                \
    if (!fd_record_read_members (node, specs, G_N_ELEMENTS (specs), record,        \
                       #thing, error))                                   \
      {                                                                  \
        fd_##thing##_free (record);                                      \
        return NULL;                                                     \
      }                                                                  \
    return record;                                                       \
  }

G_END_DECLS
