/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A request body's framing, judged from the raw headers. */

#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* How a request's body is framed, judged from the raw header text before
 * libsoup reads any of the body. libsoup 3.2 parses Content-Length with
 * g_ascii_strtoull, so "-1" and any value past 2^64 come out as a huge
 * length it then reads into memory without bound. */
typedef enum
{
  FD_FRAMING_OK,          /* no body, or a Content-Length within the limit */
  FD_FRAMING_MALFORMED,   /* 400: not a plain run of digits, repeated, or mixed with T-E */
  FD_FRAMING_TOO_LARGE,   /* 413: a plain Content-Length over the limit */
  FD_FRAMING_CHUNKED,     /* 413: chunked (no length known before reading) */
} FdFraming;

/* Judges @headers against @max_body bytes; @message gets a short
 * explanation for the client (static). */
FdFraming fd_framing_check (SoupMessageHeaders  *headers,
                            gsize                max_body,
                            const char         **message);

G_END_DECLS
