/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Checks a request's framing headers (Content-Length, Transfer-Encoding) as sent. */

#include "config.h"

#include "fd-framing.h"

/* Only a plain run of ASCII digits is a Content-Length (RFC 9110 §8.6);
 * a sign, inner spaces, a comma-joined repetition or an empty value are
 * malformed. The value is compared as it is read, so no length of digits
 * can overflow. */
static FdFraming
check_content_length (const char  *text,
                      gsize        max_body,
                      const char **message)
{
  guint64 value = 0;

  if (*text == '\0')
    goto malformed;
  for (const char *p = text; *p != '\0'; p++)
    {
      if (!g_ascii_isdigit (*p))
        goto malformed;
      if (value <= max_body)
        value = value * 10 + (guint64) (*p - '0');
    }
  if (value > max_body)
    {
      *message = "The request body is larger than 64 KiB";
      return FD_FRAMING_TOO_LARGE;
    }
  return FD_FRAMING_OK;

malformed:
  *message = "The Content-Length header must be one plain decimal number";
  return FD_FRAMING_MALFORMED;
}

FdFraming
fd_framing_check (SoupMessageHeaders  *headers,
                  gsize                max_body,
                  const char         **message)
{
  const char *length = soup_message_headers_get_list (headers, "Content-Length");
  const char *coding = soup_message_headers_get_list (headers, "Transfer-Encoding");

  *message = NULL;
  if (coding != NULL)
    {
      /* Content-Length with Transfer-Encoding is how requests are
       * smuggled past a proxy; libsoup also ignores "identity" and then
       * reads by Content-Length. Only a lone "chunked" is understood. */
      if (length != NULL || g_ascii_strcasecmp (coding, "chunked") != 0)
        {
          *message = "Send request bodies with one Content-Length and no Transfer-Encoding";
          return FD_FRAMING_MALFORMED;
        }
      *message = "Send request bodies with a Content-Length of at most 64 KiB";
      return FD_FRAMING_CHUNKED;
    }
  if (length == NULL)
    return FD_FRAMING_OK;
  return check_content_length (length, max_body, message);
}
