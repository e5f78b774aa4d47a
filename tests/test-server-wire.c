/* test-server-wire.c — request framing, sign-in lockout, password-work and
 * sign-in flood limits, over real TLS against the real server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <sys/socket.h>

#include "fd-test-server.h"

static FdTestServer *server;
static SoupSession *session;

/* raw TLS */

static GSocket *
raw_socket (GIOStream *tls)
{
  g_autoptr(GIOStream) base = NULL;

  g_object_get (tls, "base-io-stream", &base, NULL);
  return g_socket_connection_get_socket (G_SOCKET_CONNECTION (base));
}

/* VmRSS of the server, in KiB. */
static guint64
server_rss_kib (void)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int) fd_test_server_get_pid (server));
  g_autofree char *text = NULL;
  const char *line;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  line = strstr (text, "\nVmRSS:");
  g_assert_nonnull (line);
  return g_ascii_strtoull (line + strlen ("\nVmRSS:"), NULL, 10);
}

static void
assert_healthy (void)
{
  g_autoptr(JsonNode) node = NULL;
  guint status;

  node = fd_test_request (server, session, "GET", "/api/v1/health", NULL, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
}

/* 1. Request framing */

typedef struct
{
  const char *headers;    /* framing headers, each ending in \r\n */
  guint       status;
  const char *code;       /* NULL: libsoup refuses it itself, with an empty body */
} FramingCase;

static const FramingCase framing_cases[] = {
  { "Content-Length: -1\r\n", 400, "bad-request" },
  { "Content-Length: +5\r\n", 400, "bad-request" },
  { "Content-Length: 99999999999999999999\r\n", 413, "too-large" },
  { "Content-Length: 18446744073709551615\r\n", 413, "too-large" },
  { "Content-Length: 18446744073709551616\r\n", 413, "too-large" },
  { "Content-Length: 9223372036854775808\r\n", 413, "too-large" },
  { "Content-Length: 000000000000000000000000000000065537\r\n", 413, "too-large" },
  { "Content-Length: 65537\r\n", 413, "too-large" },
  { "Content-Length: 5\r\nContent-Length: 5\r\n", 400, "bad-request" },
  { "Content-Length: 5,5\r\n", 400, NULL },
  { "Content-Length: 0x10\r\n", 400, NULL },
  { "Content-Length: 1 0\r\n", 400, NULL },
  { "Transfer-Encoding: gzip\r\n", 501, NULL },
  { "Content-Length:\r\n", 400, "bad-request" },
  { "Transfer-Encoding: chunked\r\n", 413, "too-large" },
  { "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", 400, "bad-request" },
  { "Transfer-Encoding: identity\r\nContent-Length: 5\r\n", 400, "bad-request" },
  { "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", 400, "bad-request" },
};

/* Each bad framing gets its 4xx at once (no body read first), with the
 * contract's error body, and the connection is closed. */
static void
test_framing (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (framing_cases); i++)
    {
      const FramingCase *c = &framing_cases[i];
      g_autofree char *request = g_strdup_printf ("POST /api/v1/session HTTP/1.1\r\n"
                                                  "Host: 127.0.0.1\r\n"
                                                  "Content-Type: application/json\r\n"
                                                  "%s\r\n{\"a\":", c->headers);
      g_autoptr(GIOStream) stream = fd_test_raw_connect (server, 8);
      g_autoptr(GError) error = NULL;
      g_autofree char *answer = NULL;
      g_autofree char *lower = NULL;
      g_autofree char *code = g_strdup_printf ("\"code\":\"%s\"", c->code ? c->code : "");
      GOutputStream *out = g_io_stream_get_output_stream (stream);
      gboolean timed_out;
      char byte;
      gssize n;

      g_test_message ("framing %s", c->headers);
      g_output_stream_write_all (out, request, strlen (request), NULL, NULL, &error);
      g_assert_no_error (error);
      answer = fd_test_raw_read_answer (stream, &timed_out);
      g_assert_false (timed_out);
      g_test_message ("answer: %.200s", answer);
      g_assert_cmpuint (fd_test_raw_status (answer), ==, c->status);
      lower = g_ascii_strdown (answer, -1);
      if (c->code != NULL)
        {
          g_assert_nonnull (strstr (answer, code));
          g_assert_nonnull (strstr (lower, "\r\nconnection: close\r\n"));
          g_assert_nonnull (strstr (lower, "\r\ncache-control: no-store\r\n"));
        }

      /* Closed: once we stop sending, nothing more comes and the read ends
       * (EOF or reset), well before the read timeout. */
      g_socket_shutdown (raw_socket (stream), FALSE, TRUE, NULL);
      n = g_input_stream_read (g_io_stream_get_input_stream (stream), &byte, 1, NULL, &error);
      g_assert_cmpint (n, <=, 0);
      g_assert_false (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT));
    }
  assert_healthy ();
}

/* Streams up to @total bytes of body after @headers on one connection,
 * stopping when the server closes it. Returns the bytes sent. */
static guint64
stream_body (const char *headers,
             guint64     total)
{
  g_autofree char *request = g_strdup_printf ("POST /api/v1/session HTTP/1.1\r\n"
                                              "Host: 127.0.0.1\r\n"
                                              "Content-Type: application/json\r\n"
                                              "%s\r\n", headers);
  g_autoptr(GIOStream) stream = fd_test_raw_connect (server, 10);
  GOutputStream *out = g_io_stream_get_output_stream (stream);
  g_autoptr(GError) error = NULL;
  g_autofree char *chunk = g_malloc (64 * 1024);
  guint64 sent = 0;

  memset (chunk, 'A', 64 * 1024);
  g_output_stream_write_all (out, request, strlen (request), NULL, NULL, &error);
  g_assert_no_error (error);
  while (sent < total)
    {
      if (!g_output_stream_write_all (out, chunk, 64 * 1024, NULL, NULL, &error))
        break;
      sent += 64 * 1024;
    }
  g_clear_error (&error);
  g_io_stream_close (stream, NULL, NULL);
  return sent;
}

/* Several hundred MB streamed behind lengths libsoup misreads: the server
 * stays within 64 MB of where it started. */
static void
test_framing_memory (void)
{
  const char *lengths[] = { "-1", "99999999999999999999", "18446744073709551615",
                            "18446744073709551616" };
  guint64 before, after, sent = 0;

  assert_healthy ();
  before = server_rss_kib ();
  for (guint i = 0; i < G_N_ELEMENTS (lengths); i++)
    {
      g_autofree char *headers = g_strdup_printf ("Content-Length: %s\r\n", lengths[i]);
      sent += stream_body (headers, (guint64) 128 * 1024 * 1024);
    }
  sent += stream_body ("Transfer-Encoding: chunked\r\n", (guint64) 64 * 1024 * 1024);
  assert_healthy ();
  after = server_rss_kib ();
  g_test_message ("streamed %" G_GUINT64_FORMAT " MiB; server RSS %" G_GUINT64_FORMAT
                  " MiB before, %" G_GUINT64_FORMAT " MiB after", sent >> 20, before >> 10,
                  after >> 10);
  g_assert_cmpuint (after, <, before + 64 * 1024);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  server = fd_test_server_start (NULL);
  session = fd_test_server_new_session (server);

  g_test_add_func ("/fd/server/wire/framing", test_framing);
  g_test_add_func ("/fd/server/wire/framing-memory", test_framing_memory);

  ret = g_test_run ();
  g_object_unref (session);
  fd_test_server_stop (server);
  return ret;
}
