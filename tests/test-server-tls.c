/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests the transport: TLS 1.2+ only, no plain HTTP, the demo PKI. */

#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "fd-test-pg.h"
#include "fd-test-server.h"

static FdTestServer *server;

static void
test_plain_http (void)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  const char request[] = "GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                         "Connection: close\r\n\r\n";
  GString *answer = g_string_new (NULL);
  GOutputStream *output;
  GInputStream *input;
  char buffer[4096];
  gssize n;

  g_socket_client_set_timeout (client, 10);
  connection = g_socket_client_connect_to_host (client, "127.0.0.1",
                                                fd_test_server_get_port (server), NULL, &error);
  g_assert_no_error (error);
  output = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  input = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  g_assert_true (g_output_stream_write_all (output, request, strlen (request), NULL, NULL,
                                            &error));
  g_assert_no_error (error);
  while ((n = g_input_stream_read (input, buffer, sizeof buffer, NULL, &error)) > 0
         && answer->len < 65536)
    g_string_append_len (answer, buffer, n);
  /* Closed, reset or a TLS alert: anything but an HTTP answer. */
  g_test_message ("plain HTTP: %zu bytes back, %s", answer->len,
                  error != NULL ? error->message : "closed");
  g_assert_false (g_str_has_prefix (answer->str, "HTTP/"));
  g_assert_null (strstr (answer->str, "\"status\""));
  g_assert_null (strstr (answer->str, "HTTP/1."));
  g_string_free (answer, TRUE);

  /* The same through libsoup: no status at all. */
  {
    g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 10, NULL);
    g_autofree char *uri = g_strdup_printf ("http://127.0.0.1:%u/api/v1/health",
                                            fd_test_server_get_port (server));
    g_autoptr(SoupMessage) message = soup_message_new ("GET", uri);
    g_autoptr(GBytes) bytes = NULL;
    g_autoptr(GError) soup_error = NULL;

    bytes = soup_session_send_and_read (session, message, NULL, &soup_error);
    g_assert_null (bytes);
    g_assert_nonnull (soup_error);
  }
}

static void
test_https (void)
{
  g_autoptr(SoupSession) session = fd_test_server_new_session (server);
  const char *hosts[] = { "127.0.0.1", "localhost" };

  for (guint i = 0; i < G_N_ELEMENTS (hosts); i++)
    {
      g_autofree char *uri = g_strdup_printf ("https://%s:%u/api/v1/health", hosts[i],
                                              fd_test_server_get_port (server));
      g_autoptr(SoupMessage) message = soup_message_new ("GET", uri);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *object;

      g_test_message ("https://%s", hosts[i]);
      bytes = soup_session_send_and_read (session, message, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (soup_message_get_status (message), ==, 200);
      /* TLS 1.3 is offered and preferred. */
      g_assert_cmpint (soup_message_get_tls_protocol_version (message), ==,
                       G_TLS_PROTOCOL_VERSION_TLS_1_3);
      g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                                 (gssize) g_bytes_get_size (bytes), NULL));
      object = fd_test_get_object (json_parser_get_root (parser));
      g_assert_cmpstr (fd_test_get_string (object, "status"), ==, "ok");
      g_assert_cmpstr (fd_test_get_string (object, "version"), !=, "");
    }
}

/* A client that trusts only the system CAs refuses the demo certificate. */
static void
test_untrusted (void)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 10, NULL);
  g_autofree char *uri = g_strdup_printf ("%s/api/v1/health",
                                          fd_test_server_get_base_url (server));
  g_autoptr(SoupMessage) message = soup_message_new ("GET", uri);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  bytes = soup_session_send_and_read (session, message, NULL, &error);
  g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
}

/* gnutls-cli with one protocol version; returns TRUE when the handshake
 * completed, and the negotiated description in @description. */
static gboolean
handshake (const char  *priority,
           const char  *hostname,
           char       **description)
{
  g_autofree char *port = g_strdup_printf ("%u", fd_test_server_get_port (server));
  const char *argv[] = { "gnutls-cli", "--priority", priority,
                         "--x509cafile", fd_test_server_get_ca_path (server),
                         "--verify-hostname", hostname,
                         "-p", port, "127.0.0.1", NULL };
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GMatchInfo) match = NULL;
  int wait_status;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL,
                               G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, &out, NULL, &wait_status, &error));
  g_assert_no_error (error);
  if (description != NULL
      && g_regex_match_simple ("Description: \\(", out, 0, 0))
    {
      GRegex *regex = g_regex_new ("Description: (\\S+)", 0, 0, NULL);

      if (g_regex_match (regex, out, 0, &match))
        *description = g_match_info_fetch (match, 1);
      g_regex_unref (regex);
    }
  return WIFEXITED (wait_status) && WEXITSTATUS (wait_status) == 0
         && strstr (out, "Handshake was completed") != NULL;
}

static void
test_versions (void)
{
  g_autofree char *tls13 = NULL;
  g_autofree char *tls12 = NULL;

  g_assert_true (handshake ("NORMAL:-VERS-ALL:+VERS-TLS1.3", "127.0.0.1", &tls13));
  g_assert_nonnull (tls13);
  g_assert_true (g_str_has_prefix (tls13, "(TLS1.3"));

  g_assert_true (handshake ("NORMAL:-VERS-ALL:+VERS-TLS1.2", "127.0.0.1", &tls12));
  g_assert_nonnull (tls12);
  g_assert_true (g_str_has_prefix (tls12, "(TLS1.2"));
  /* Forward secrecy and AEAD on TLS 1.2 (Mozilla intermediate). */
  g_assert_true (strstr (tls12, "ECDHE") != NULL || strstr (tls12, "DHE") != NULL);
  g_assert_true (strstr (tls12, "GCM") != NULL || strstr (tls12, "CHACHA20") != NULL);

  g_assert_false (handshake ("NORMAL:-VERS-ALL:+VERS-TLS1.1", "127.0.0.1", NULL));
  g_assert_false (handshake ("NORMAL:-VERS-ALL:+VERS-TLS1.0", "127.0.0.1", NULL));
  /* TLS 1.2 without forward secrecy: refused. */
  g_assert_false (handshake ("NORMAL:-VERS-ALL:+VERS-TLS1.2:-KX-ALL:+RSA", "127.0.0.1", NULL));

  /* The certificate names localhost too. */
  g_assert_true (handshake ("NORMAL", "localhost", NULL));
  g_assert_false (handshake ("NORMAL", "example.org", NULL));
}

/* openssl's view of the same: TLS 1.1 refused by the server. */
static void
test_openssl (void)
{
  g_autofree char *connect = g_strdup_printf ("127.0.0.1:%u", fd_test_server_get_port (server));
  const char *old[] = { "openssl", "s_client", "-connect", connect, "-tls1_1",
                        "-cipher", "DEFAULT:@SECLEVEL=0",
                        "-CAfile", fd_test_server_get_ca_path (server), NULL };
  const char *new[] = { "openssl", "s_client", "-connect", connect, "-tls1_3",
                        "-CAfile", fd_test_server_get_ca_path (server), NULL };
  g_autofree char *old_out = NULL;
  g_autofree char *new_out = NULL;
  g_autoptr(GError) error = NULL;
  int old_status, new_status;

  g_assert_true (g_spawn_sync (NULL, (char **) old, NULL,
                               G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                               &old_out, NULL, &old_status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_sync (NULL, (char **) new, NULL,
                               G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                               &new_out, NULL, &new_status, &error));
  g_assert_no_error (error);

  g_assert_false (WIFEXITED (old_status) && WEXITSTATUS (old_status) == 0
                  && strstr (old_out, "Protocol  : TLSv1.1") != NULL);
  /* No certificate came back and no cipher was agreed: the server refused. */
  g_assert_nonnull (strstr (old_out, "no peer certificate available"));
  g_assert_nonnull (strstr (old_out, "Cipher is (NONE)"));
  g_assert_false (WIFEXITED (old_status) && WEXITSTATUS (old_status) == 0);
  g_assert_true (WIFEXITED (new_status) && WEXITSTATUS (new_status) == 0);
  g_assert_nonnull (strstr (new_out, "TLSv1.3"));
  g_assert_nonnull (strstr (new_out, "Verify return code: 0 (ok)"));
}

static void
test_files (void)
{
  const char *dir = fd_test_server_get_data_dir (server);
  const char *secret[] = { "data.key", "ca-key.pem", "server-key.pem" };
  const char *present[] = { "frontdesk.db", "ca.pem", "server.pem" };

  for (guint i = 0; i < G_N_ELEMENTS (secret); i++)
    {
      g_autofree char *path = g_build_filename (dir, secret[i], NULL);
      struct stat st;

      g_test_message ("%s", secret[i]);
      g_assert_cmpint (stat (path, &st), ==, 0);
      g_assert_true (S_ISREG (st.st_mode));
      /* Owner only. */
      g_assert_cmpint (st.st_mode & 0077, ==, 0);
      if (i == 0)
        {
          g_assert_cmpint (st.st_mode & 0777, ==, 0600);
          g_assert_cmpint (st.st_size, ==, 64);
        }
    }
  for (guint i = 0; i < G_N_ELEMENTS (present); i++)
    {
      g_autofree char *path = g_build_filename (dir, present[i], NULL);

      /* on PostgreSQL the database is not a file here */
      if (i == 0 && fd_test_store_is_postgresql ())
        continue;

      g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
    }
}

static int
run_server (const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fd-test-listen-XXXXXX", NULL);
  int wait_status;

  g_ptr_array_add (argv, (char *) "timeout");
  g_ptr_array_add (argv, (char *) "20");
  g_ptr_array_add (argv, (char *) fd_test_server_binary ());
  g_ptr_array_add (argv, (char *) "demo");
  g_ptr_array_add (argv, (char *) "--data-dir");
  g_ptr_array_add (argv, dir);
  g_ptr_array_add (argv, (char *) "--residents");
  g_ptr_array_add (argv, (char *) "10");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  /* A server that wrongly starts would block: timeout(1) ends it. */
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL,
                               G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL
                               | G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, NULL, NULL, &wait_status, &error));
  g_assert_no_error (error);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf -- '%s'", dir);
    g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL);
  }
  return WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : -1;
}

static void
test_loopback_only (void)
{
  const char *any[] = { "--listen", "0.0.0.0:0", NULL };
  const char *lan[] = { "--listen", "192.168.1.10:0", NULL };
  const char *any6[] = { "--listen", "[::]:0", NULL };

  g_assert_cmpint (run_server (any), ==, 2);
  g_assert_cmpint (run_server (lan), ==, 2);
  g_assert_cmpint (run_server (any6), ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  server = fd_test_server_start (NULL);

  g_test_add_func ("/fd/server/tls/plain-http", test_plain_http);
  g_test_add_func ("/fd/server/tls/https", test_https);
  g_test_add_func ("/fd/server/tls/untrusted", test_untrusted);
  g_test_add_func ("/fd/server/tls/versions", test_versions);
  g_test_add_func ("/fd/server/tls/openssl", test_openssl);
  g_test_add_func ("/fd/server/tls/files", test_files);
  g_test_add_func ("/fd/server/tls/loopback-only", test_loopback_only);

  ret = g_test_run ();

  fd_test_server_stop (server);
  return ret;
}
