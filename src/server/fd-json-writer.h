/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The streaming JSON writer of the server's answers. */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The one JSON writer of the server's answers: a small streaming writer
 * (json-glib's builder allocates a hash table per object, which cost more
 * than the search itself on the resident lists). Output is compact UTF-8;
 * strings are escaped per RFC 8259: quotes, backslashes and every control
 * character below U+0020; other characters, non-BMP ones included, are
 * written as their UTF-8. A string that is not valid UTF-8 is written as
 * U+FFFD alone (nothing of it leaks). Callers keep the nesting balanced. */
typedef struct
{
  GString *out;
  guint    depth;
  guint64  need_comma;      /* bit per depth */
  gboolean pending_member;  /* a member name waits for its value */
} FdJsonWriter;

void   fd_json_writer_init         (FdJsonWriter *w,
                                    gsize         reserve);
/* Returns the text and resets the writer. */
char  *fd_json_writer_steal        (FdJsonWriter *w,
                                    gsize        *len);
void   fd_json_writer_clear        (FdJsonWriter *w);

void   fd_json_writer_begin_object (FdJsonWriter *w);
void   fd_json_writer_end_object   (FdJsonWriter *w);
void   fd_json_writer_begin_array  (FdJsonWriter *w);
void   fd_json_writer_end_array    (FdJsonWriter *w);
/* Member name inside an object; the next value call gives its value. */
void   fd_json_writer_member       (FdJsonWriter *w,
                                    const char   *name);
void   fd_json_writer_string       (FdJsonWriter *w,
                                    const char   *value);  /* NULL → null */
void   fd_json_writer_int          (FdJsonWriter *w,
                                    gint64        value);
void   fd_json_writer_bool         (FdJsonWriter *w,
                                    gboolean      value);
void   fd_json_writer_null         (FdJsonWriter *w);
/* A member and its value in one call; a NULL string is null. */
void   fd_json_writer_string_member (FdJsonWriter *w,
                                     const char   *name,
                                     const char   *value);
void   fd_json_writer_int_member   (FdJsonWriter *w,
                                    const char   *name,
                                    gint64        value);
void   fd_json_writer_bool_member  (FdJsonWriter *w,
                                    const char   *name,
                                    gboolean      value);
/* {"value": …, "masked": …, "revealable": …} as @name's value (or as an
 * array element when @name is NULL); nothing when @value is NULL. */
void   fd_json_writer_field        (FdJsonWriter *w,
                                    const char   *name,
                                    const char   *value,
                                    gboolean      masked,
                                    gboolean      revealable);

/* A whole JSON value written elsewhere (by another writer), as the next
 * value. */
void   fd_json_writer_raw          (FdJsonWriter *w,
                                    const char   *json,
                                    gsize         len);

/* Adds to the object @w is in the members @members holds: members and
 * values written at the top level of their own writer, as a fragment.
 * Clears @members. Nothing when @members is NULL or empty. */
void   fd_json_writer_splice_members (FdJsonWriter *w,
                                      FdJsonWriter *members);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FdJsonWriter, fd_json_writer_clear)

G_END_DECLS
