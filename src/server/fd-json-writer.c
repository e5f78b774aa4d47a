/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A small streaming JSON writer for the server's answers. */

#include "config.h"

#include "fd-json-writer.h"

void
fd_json_writer_init (FdJsonWriter *w,
                     gsize         reserve)
{
  w->out = g_string_sized_new (reserve);
  w->depth = 0;
  w->need_comma = 0;
  w->pending_member = FALSE;
}

char *
fd_json_writer_steal (FdJsonWriter *w,
                      gsize        *len)
{
  *len = w->out->len;
  return g_string_free (g_steal_pointer (&w->out), FALSE);
}

void
fd_json_writer_clear (FdJsonWriter *w)
{
  if (w->out != NULL)
    g_string_free (g_steal_pointer (&w->out), TRUE);
}

/* Before a value or a member name at the current depth. */
static void
separate (FdJsonWriter *w)
{
  guint64 bit = G_GUINT64_CONSTANT (1) << (w->depth & 63);

  if (w->need_comma & bit)
    g_string_append_c (w->out, ',');
  else
    w->need_comma |= bit;
}

static void
open_container (FdJsonWriter *w,
                char          c)
{
  g_string_append_c (w->out, c);
  w->depth++;
  w->need_comma &= ~(G_GUINT64_CONSTANT (1) << (w->depth & 63));
}

static void
close_container (FdJsonWriter *w,
                 char          c)
{
  g_string_append_c (w->out, c);
  w->depth--;
}

void
fd_json_writer_begin_object (FdJsonWriter *w)
{
  if (!w->pending_member)
    separate (w);
  w->pending_member = FALSE;
  open_container (w, '{');
}

void
fd_json_writer_end_object (FdJsonWriter *w)
{
  close_container (w, '}');
}

void
fd_json_writer_begin_array (FdJsonWriter *w)
{
  if (!w->pending_member)
    separate (w);
  w->pending_member = FALSE;
  open_container (w, '[');
}

void
fd_json_writer_end_array (FdJsonWriter *w)
{
  close_container (w, ']');
}

static void
append_escaped (GString    *out,
                const char *s)
{
  static const char hex[] = "0123456789abcdef";
  const char *run = s;

  g_string_append_c (out, '"');
  /* Copy runs of plain bytes at once; escape the few that need it. */
  for (const unsigned char *p = (const unsigned char *) s; ; p++)
    {
      unsigned char c = *p;

      if (c >= 0x20 && c != '"' && c != '\\')
        continue;
      g_string_append_len (out, run, (const char *) p - run);
      if (c == '\0')
        break;
      switch (c)
        {
        case '"':  g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:
          g_string_append (out, "\\u00");
          g_string_append_c (out, hex[c >> 4]);
          g_string_append_c (out, hex[c & 15]);
        }
      run = (const char *) p + 1;
    }
  g_string_append_c (out, '"');
}

void
fd_json_writer_member (FdJsonWriter *w,
                       const char   *name)
{
  separate (w);
  append_escaped (w->out, name);
  g_string_append_c (w->out, ':');
  w->pending_member = TRUE;
}

static void
value_prefix (FdJsonWriter *w)
{
  if (!w->pending_member)
    separate (w);
  w->pending_member = FALSE;
}

void
fd_json_writer_string (FdJsonWriter *w,
                       const char   *value)
{
  value_prefix (w);
  if (value == NULL)
    g_string_append (w->out, "null");
  else
    append_escaped (w->out, g_utf8_validate (value, -1, NULL) ? value : "\xef\xbf\xbd");
}

void
fd_json_writer_int (FdJsonWriter *w,
                    gint64        value)
{
  value_prefix (w);
  g_string_append_printf (w->out, "%" G_GINT64_FORMAT, value);
}

void
fd_json_writer_bool (FdJsonWriter *w,
                     gboolean      value)
{
  value_prefix (w);
  g_string_append (w->out, value ? "true" : "false");
}

void
fd_json_writer_null (FdJsonWriter *w)
{
  value_prefix (w);
  g_string_append (w->out, "null");
}

void
fd_json_writer_string_member (FdJsonWriter *w,
                              const char   *name,
                              const char   *value)
{
  fd_json_writer_member (w, name);
  fd_json_writer_string (w, value);
}

void
fd_json_writer_int_member (FdJsonWriter *w,
                           const char   *name,
                           gint64        value)
{
  fd_json_writer_member (w, name);
  fd_json_writer_int (w, value);
}

void
fd_json_writer_bool_member (FdJsonWriter *w,
                            const char   *name,
                            gboolean      value)
{
  fd_json_writer_member (w, name);
  fd_json_writer_bool (w, value);
}

void
fd_json_writer_field (FdJsonWriter *w,
                      const char   *name,
                      const char   *value,
                      gboolean      masked,
                      gboolean      revealable)
{
  if (value == NULL)
    return;
  if (name != NULL)
    fd_json_writer_member (w, name);
  fd_json_writer_begin_object (w);
  fd_json_writer_member (w, "value");
  fd_json_writer_string (w, value);
  fd_json_writer_member (w, "masked");
  fd_json_writer_bool (w, masked);
  fd_json_writer_member (w, "revealable");
  fd_json_writer_bool (w, revealable);
  fd_json_writer_end_object (w);
}

void
fd_json_writer_raw (FdJsonWriter *w,
                    const char   *json,
                    gsize         len)
{
  value_prefix (w);
  g_string_append_len (w->out, json, len);
}

void
fd_json_writer_splice_members (FdJsonWriter *w,
                               FdJsonWriter *members)
{
  if (members == NULL || members->out == NULL || members->out->len == 0)
    return;
  g_return_if_fail (members->depth == 0 && !members->pending_member);
  separate (w);
  g_string_append_len (w->out, members->out->str, members->out->len);
  fd_json_writer_clear (members);
}
