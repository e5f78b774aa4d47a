/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests alerts that reach a person: webhook formats, syslog, journal, retries (issue 12). */

/* A local HTTPS receiver (a SoupServer with a certificate of its own test
 * CA, which the server under test is told to trust with
 * --alert-webhook-ca) gets each webhook format within a minute of a real
 * anomaly; a UDP socket gets the RFC 5424 message and a datagram socket
 * the journal's native-protocol entry. While the receiver is down the
 * server retries (--alert-retry 1,1,… makes the backoff short) and keeps
 * retrying across a restart, and delivers once it is back. No body ever
 * holds a resident's value. */

#include "config.h"

#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>
#include <sys/wait.h>
#include <string.h>

#include "fd-certs.h"
#include "fd-test-server.h"

#define WITHIN_A_MINUTE_US ((gint64) 60 * G_USEC_PER_SEC)
#define ROBOT_KEY "robot-key-0123456789"

typedef struct
{
  SoupServer *soup;
  guint16     port;
  GPtrArray  *bodies;   /* char*: every body received, in order */
  GPtrArray  *paths;
} Receiver;

static char *receiver_dir;
static Receiver receiver;

static void
receive_cb (SoupServer        *soup,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);

  g_ptr_array_add (receiver.bodies, g_strndup (g_bytes_get_data (bytes, NULL),
                                               g_bytes_get_size (bytes)));
  g_ptr_array_add (receiver.paths, g_strdup (path));
  /* answer as the robots do */
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                    "{\"errcode\":0,\"errmsg\":\"ok\",\"code\":0}", 35);
}

static void
receiver_listen (guint16 port)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) addr = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) saddr = g_inet_socket_address_new (addr, port);
  GSList *uris;

  g_assert_true (soup_server_listen (receiver.soup, saddr, SOUP_SERVER_LISTEN_HTTPS, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (receiver.soup);
  receiver.port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
}

static void
receiver_start (void)
{
  g_autoptr(GError) error = NULL;
  const char *hosts[] = { "127.0.0.1", NULL };
  g_autofree char *cert_path = NULL;
  g_autofree char *key_path = NULL;
  g_autoptr(GTlsCertificate) cert = NULL;

  receiver_dir = g_dir_make_tmp ("fd-alert-receiver-XXXXXX", &error);
  g_assert_no_error (error);
  g_assert_true (fd_certs_ensure_demo (receiver_dir, hosts, &error));
  g_assert_no_error (error);
  cert_path = g_build_filename (receiver_dir, "server.pem", NULL);
  key_path = g_build_filename (receiver_dir, "server-key.pem", NULL);
  cert = g_tls_certificate_new_from_files (cert_path, key_path, &error);
  g_assert_no_error (error);
  receiver.soup = soup_server_new ("tls-certificate", cert, NULL);
  soup_server_add_handler (receiver.soup, "/hook", receive_cb, NULL, NULL);
  receiver.bodies = g_ptr_array_new_with_free_func (g_free);
  receiver.paths = g_ptr_array_new_with_free_func (g_free);
  receiver_listen (0);
}

/* Runs the test's main context (the receiver) until a body arrives at
 * @path or a minute has passed since @since; returns it (owned by the
 * receiver) or NULL. */
static const char *
wait_for_body (const char *path,
               gint64      since,
               guint       skip)
{
  while (g_get_monotonic_time () - since < WITHIN_A_MINUTE_US + 5 * G_USEC_PER_SEC)
    {
      guint seen = 0;

      for (guint i = 0; i < receiver.bodies->len; i++)
        if (g_str_equal (receiver.paths->pdata[i], path) && seen++ == skip)
          {
            g_assert_cmpint (g_get_monotonic_time () - since, <, WITHIN_A_MINUTE_US);
            return receiver.bodies->pdata[i];
          }
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (20000);
    }
  return NULL;
}

static guint
count_bodies (const char *path)
{
  guint n = 0;

  for (guint i = 0; i < receiver.paths->len; i++)
    n += g_str_equal (receiver.paths->pdata[i], path);
  return n;
}

static char *
webhook_url (const char *format)
{
  return g_strdup_printf ("https://127.0.0.1:%u/hook/%s?key=" ROBOT_KEY, receiver.port, format);
}

static FdTestServer *
start_server (const char *format,
              const char *syslog,
              const char *off_hours)
{
  g_autofree char *url = webhook_url (format);
  g_autofree char *ca = g_build_filename (receiver_dir, "ca.pem", NULL);
  const char *args[] = { "--alert-webhook", url, "--alert-webhook-format", format,
                         "--alert-webhook-ca", ca, "--alert-retry", "1,1,1,2,2,2,2,2,2,2",
                         "--alert-syslog", syslog ? syslog : "off", NULL };
  FdTestServerOptions opts = { .residents = 60, .extra_args = args, .off_hours = off_hours };

  return fd_test_server_start (&opts);
}

/* Five wrong passwords for a new account: a real "failed-logins" alert.
 * Returns the account's username. */
static char *
trigger_failed_logins (FdTestServer *server,
                       SoupSession  *session,
                       gint64       *at)
{
  char *username = fd_test_create_user (server, session, "reception", NULL);
  g_autofree char *body = g_strdup_printf ("{\"username\": \"%s\", \"password\": \"wrong-password\"}",
                                           username);

  *at = g_get_monotonic_time ();
  for (guint i = 0; i < 5; i++)
    {
      guint status;
      g_autoptr(JsonNode) answer = fd_test_request (server, session, "POST", "/api/v1/session",
                                                    NULL, body, &status, NULL);
      g_assert_cmpuint (status, ==, 401);
    }
  return username;
}

/* The residents' clear names and rooms, as reception sees them: none may
 * appear in anything sent out. */
static GPtrArray *
resident_values (FdTestServer *server,
                 SoupSession  *session)
{
  g_autofree char *token = fd_test_login (server, session, "finance");
  g_autoptr(GPtrArray) items = fd_test_fetch_all (server, session, token,
                                                  "/api/v1/residents?limit=100");
  GPtrArray *values = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < items->len; i++)
    {
      JsonObject *r = items->pdata[i];
      JsonObject *name = json_object_get_object_member (r, "name");
      JsonObject *room = json_object_get_object_member (r, "room");

      g_ptr_array_add (values, g_strdup (json_object_get_string_member (name, "value")));
      g_ptr_array_add (values, g_strdup (json_object_get_string_member (room, "value")));
    }
  g_assert_cmpuint (values->len, >, 0);
  return values;
}

static void
assert_no_resident_data (const char *body,
                         GPtrArray  *values)
{
  fd_test_assert_no_clear_pii (body, FALSE);
  for (guint i = 0; i < values->len; i++)
    if (strstr (body, values->pdata[i]) != NULL)
      g_error ("an alert sent out holds a resident's name or room (item %u)", i);
}

static JsonObject *
parse_object (const char *body,
              JsonNode  **keep)
{
  g_autoptr(GError) error = NULL;

  *keep = json_from_string (body, &error);
  g_assert_no_error (error);
  return fd_test_get_object (*keep);
}

/* GET /alerts/deliveries as manager; the newest first. */
static JsonNode *
deliveries (FdTestServer *server,
            SoupSession  *session,
            char        **body)
{
  g_autofree char *token = fd_test_login (server, session, "manager");
  guint status;
  JsonNode *node = fd_test_request (server, session, "GET", "/api/v1/alerts/deliveries", token,
                                    NULL, &status, body);

  g_assert_cmpuint (status, ==, 200);
  return node;
}

static JsonObject *
delivery_of (JsonNode   *list,
             const char *actor,
             const char *channel)
{
  JsonArray *items = json_object_get_array_member (fd_test_get_object (list), "items");

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *d = json_array_get_object_element (items, i);
      if (g_str_equal (json_object_get_string_member (d, "actor"), actor) &&
          g_str_equal (json_object_get_string_member (d, "channel"), channel))
        return d;
    }
  return NULL;
}

/* generic, and RFC 5424 over UDP */

static GSocket *
udp_receiver (guint16 *port)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  GSocket *socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
                                  G_SOCKET_PROTOCOL_UDP, &error);

  g_assert_no_error (error);
  g_assert_true (g_socket_bind (socket, any, TRUE, &error));
  bound = g_socket_get_local_address (socket, &error);
  *port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_set_blocking (socket, FALSE);
  return socket;
}

static char *
receive_datagram (GSocket *socket,
                  gint64   since,
                  gsize   *len)
{
  char buf[8192];

  while (g_get_monotonic_time () - since < WITHIN_A_MINUTE_US)
    {
      gssize n = g_socket_receive (socket, buf, sizeof buf, NULL, NULL);
      if (n > 0)
        {
          *len = n;
          return g_memdup2 (buf, n);
        }
      g_usleep (50000);
    }
  return NULL;
}

static void
test_generic_and_syslog (void)
{
  g_autofree char *off_hours = fd_test_off_hours_around_now (60, 60);
  guint16 udp_port;
  g_autoptr(GSocket) udp = udp_receiver (&udp_port);
  g_autofree char *syslog = g_strdup_printf ("127.0.0.1:%u", udp_port);
  g_autoptr(FdTestServer) server = start_server ("generic", syslog, off_hours);
  g_autoptr(SoupSession) session = fd_test_server_new_session (server);
  g_autoptr(GPtrArray) values = resident_values (server, session);
  g_autofree char *username = fd_test_create_user (server, session, "reception", NULL);
  g_autofree char *token = fd_test_login (server, session, username);
  g_autoptr(GPtrArray) items = fd_test_fetch_all (server, session, token,
                                                  "/api/v1/residents?limit=30");
  g_autoptr(JsonNode) keep = NULL;
  g_autoptr(JsonNode) list = NULL;
  g_autofree char *list_body = NULL;
  g_autofree char *datagram = NULL;
  JsonObject *o, *d;
  const char *body;
  gint64 at = 0;
  gsize len = 0;

  /* A real anomaly: more than 20 residents viewed off-hours. */
  g_assert_cmpuint (items->len, >, 21);
  for (guint i = 0; i < items->len && at == 0; i++)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/residents/%s",
                                               json_object_get_string_member (items->pdata[i], "id"));
      guint status;
      g_autoptr(JsonNode) answer = fd_test_request (server, session, "GET", path, token, NULL,
                                                    &status, NULL);
      if (status == 423)
        at = g_get_monotonic_time ();
      else
        g_assert_cmpuint (status, ==, 200);
    }
  g_assert_cmpint (at, !=, 0);

  body = wait_for_body ("/hook/generic", at, 0);
  g_assert_nonnull (body);
  assert_no_resident_data (body, values);
  o = parse_object (body, &keep);
  /* exactly the contract's members */
  g_assert_cmpuint (json_object_get_size (o), ==, 5);
  g_assert_cmpstr (fd_test_get_string (o, "kind"), ==, "off-hours-bulk");
  g_assert_cmpstr (fd_test_get_string (o, "actor"), ==, username);
  g_assert_cmpstr (fd_test_get_string (o, "estate"), ==, "main");
  g_assert_nonnull (strstr (fd_test_get_string (o, "detail"), "20 residents"));
  g_assert_true (g_str_has_suffix (fd_test_get_string (o, "at"), "Z"));

  /* The same alert as RFC 5424 over UDP, with structured data for a SIEM. */
  datagram = receive_datagram (udp, at, &len);
  g_assert_nonnull (datagram);
  datagram = g_realloc (datagram, len + 1);
  datagram[len] = '\0';
  g_assert_true (g_str_has_prefix (datagram, "<84>1 "));
  g_assert_nonnull (strstr (datagram, " frontdesk-server "));
  g_assert_nonnull (strstr (datagram, "[frontdesk@32473 kind=\"off-hours-bulk\""));
  {
    g_autofree char *actor = g_strdup_printf ("actor=\"%s\"", username);
    g_assert_nonnull (strstr (datagram, actor));
  }
  assert_no_resident_data (datagram, values);

  /* The log a manager reads: delivered, once; the robot key never shown. */
  list = deliveries (server, session, &list_body);
  g_assert_null (strstr (list_body, ROBOT_KEY));
  d = delivery_of (list, username, "webhook");
  g_assert_nonnull (d);
  g_assert_cmpstr (json_object_get_string_member (d, "status"), ==, "delivered");
  g_assert_cmpint (json_object_get_int_member (d, "attempts"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (d, "kind"), ==, "off-hours-bulk");
  d = delivery_of (list, username, "syslog");
  g_assert_nonnull (d);
  g_assert_cmpstr (json_object_get_string_member (d, "status"), ==, "delivered");
}

/* the group robots */

static void
check_robot (const char *format,
             const char *syslog)
{
  g_autoptr(FdTestServer) server = start_server (format, syslog, NULL);
  g_autoptr(SoupSession) session = fd_test_server_new_session (server);
  g_autoptr(GPtrArray) values = resident_values (server, session);
  g_autofree char *path = g_strdup_printf ("/hook/%s", format);
  g_autofree char *username = NULL;
  g_autoptr(JsonNode) keep = NULL;
  const char *body, *text;
  JsonObject *o;
  gint64 at;

  username = trigger_failed_logins (server, session, &at);
  body = wait_for_body (path, at, 0);
  g_assert_nonnull (body);
  assert_no_resident_data (body, values);
  o = parse_object (body, &keep);
  if (g_str_equal (format, "feishu"))
    {
      /* {"msg_type":"text","content":{"text":…}} */
      g_assert_cmpstr (fd_test_get_string (o, "msg_type"), ==, "text");
      text = fd_test_get_string (fd_test_get_object_member (o, "content"), "text");
    }
  else
    {
      /* WeCom and DingTalk: {"msgtype":"text","text":{"content":…}} */
      g_assert_cmpstr (fd_test_get_string (o, "msgtype"), ==, "text");
      text = fd_test_get_string (fd_test_get_object_member (o, "text"), "content");
    }
  g_assert_cmpuint (json_object_get_size (o), ==, 2);
  /* readable in Chinese and English: the rule, the account, the time */
  g_assert_nonnull (strstr (text, "安全告警 Security alert"));
  g_assert_nonnull (strstr (text, "failed-logins"));
  g_assert_nonnull (strstr (text, "连续登录失败"));
  g_assert_nonnull (strstr (text, username));
  g_assert_nonnull (strstr (text, "5 failed sign-ins"));
  g_assert_nonnull (strstr (text, "时间 Time (UTC): 20"));
}

static void
test_wecom (void)
{
  check_robot ("wecom", NULL);
}

static void
test_dingtalk (void)
{
  check_robot ("dingtalk", NULL);
}

/* @needle in @len bytes that hold NULs (the journal's binary lengths) */
static gboolean
has_bytes (const char *data,
           gsize       len,
           const char *needle)
{
  gsize n = strlen (needle);

  for (gsize i = 0; i + n <= len; i++)
    if (memcmp (data + i, needle, n) == 0)
      return TRUE;
  return FALSE;
}

/* Feishu, and the journal's native protocol on a socket the test binds
 * (FD_ALERT_JOURNAL_SOCKET stands in for /run/systemd/journal/socket). */
static void
test_feishu_and_journal (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (receiver_dir, "journal.socket", NULL);
  g_autoptr(GSocketAddress) address = g_unix_socket_address_new (path);
  g_autoptr(GSocket) journal = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_DATAGRAM,
                                             G_SOCKET_PROTOCOL_DEFAULT, &error);
  g_autofree char *datagram = NULL;
  gsize len = 0;

  g_assert_no_error (error);
  g_assert_true (g_socket_bind (journal, address, TRUE, &error));
  g_socket_set_blocking (journal, FALSE);
  g_setenv ("FD_ALERT_JOURNAL_SOCKET", path, TRUE);
  check_robot ("feishu", "journal");
  g_unsetenv ("FD_ALERT_JOURNAL_SOCKET");

  datagram = receive_datagram (journal, g_get_monotonic_time (), &len);
  g_assert_nonnull (datagram);
  /* binary fields: NAME\n, 64-bit length, value, \n */
  g_assert_true (has_bytes (datagram, len, "SYSLOG_IDENTIFIER\n"));
  g_assert_true (has_bytes (datagram, len, "frontdesk-alert"));
  g_assert_true (has_bytes (datagram, len, "FRONTDESK_ALERT_KIND\n"));
  g_assert_true (has_bytes (datagram, len, "failed-logins"));
  g_assert_true (has_bytes (datagram, len, "FRONTDESK_ALERT_ACTOR\n"));
}

/* retries */

static void
test_retry_until_back (void)
{
  g_autoptr(FdTestServer) server = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autofree char *username = NULL;
  guint16 port = receiver.port;
  gint64 at, deadline;
  gint64 attempts = 0;
  const char *body;

  /* The receiver goes down. */
  soup_server_disconnect (receiver.soup);
  server = start_server ("generic", NULL, NULL);
  session = fd_test_server_new_session (server);
  username = trigger_failed_logins (server, session, &at);

  /* Attempts fail and are retried, each visible in the log. */
  deadline = g_get_monotonic_time () + WITHIN_A_MINUTE_US;
  while (attempts < 2 && g_get_monotonic_time () < deadline)
    {
      g_autoptr(JsonNode) list = deliveries (server, session, NULL);
      JsonObject *d = delivery_of (list, username, "webhook");

      g_assert_nonnull (d);
      attempts = json_object_get_int_member (d, "attempts");
      if (attempts > 0)
        {
          g_assert_cmpstr (json_object_get_string_member (d, "status"), ==, "pending");
          g_assert_false (json_object_get_null_member (d, "last_error"));
          g_assert_false (json_object_get_null_member (d, "next_attempt_at"));
        }
      g_usleep (300000);
    }
  g_assert_cmpint (attempts, >=, 2);

  /* A restart keeps the pending delivery. */
  fd_test_server_halt (server);
  fd_test_server_restart (server);
  g_clear_object (&session);
  session = fd_test_server_new_session (server);

  /* The receiver comes back on the same port: the next retry delivers. */
  receiver_listen (port);
  body = wait_for_body ("/hook/generic", g_get_monotonic_time (), count_bodies ("/hook/generic"));
  g_assert_nonnull (body);
  {
    g_autoptr(JsonNode) keep = NULL;
    JsonObject *o = parse_object (body, &keep);
    g_assert_cmpstr (fd_test_get_string (o, "actor"), ==, username);
  }

  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  for (;;)
    {
      g_autoptr(JsonNode) list = deliveries (server, session, NULL);
      JsonObject *d = delivery_of (list, username, "webhook");

      if (g_str_equal (json_object_get_string_member (d, "status"), "delivered"))
        {
          g_assert_cmpint (json_object_get_int_member (d, "attempts"), >, attempts);
          g_assert_true (json_object_get_null_member (d, "last_error"));
          break;
        }
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (100000);
    }
}

/* the test button, roles */

static void
test_test_alert_and_roles (void)
{
  g_autoptr(FdTestServer) server = start_server ("generic", NULL, NULL);
  g_autoptr(SoupSession) session = fd_test_server_new_session (server);
  g_autofree char *manager = fd_test_login (server, session, "manager");
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JsonNode) keep = NULL;
  const char *body;
  guint skip = count_bodies ("/hook/generic");
  guint status;
  gint64 at = g_get_monotonic_time ();

  answer = fd_test_request (server, session, "POST", "/api/v1/alerts/test", manager, NULL,
                            &status, NULL);
  g_assert_cmpuint (status, ==, 202);
  g_assert_cmpint (json_object_get_int_member (fd_test_get_object (answer), "queued"), ==, 1);
  body = wait_for_body ("/hook/generic", at, skip);
  g_assert_nonnull (body);
  g_assert_cmpstr (fd_test_get_string (parse_object (body, &keep), "kind"), ==, "test");

  /* manager only */
  for (guint i = 0; i < 5; i++)
    {
      const char *roles[] = { "reception", "patrol", "finance", "auditor", "admin" };
      g_autofree char *token = fd_test_login (server, session, roles[i]);
      g_autoptr(JsonNode) a = fd_test_request (server, session, "GET", "/api/v1/alerts/deliveries",
                                               token, NULL, &status, NULL);
      g_autoptr(JsonNode) b = NULL;

      fd_test_assert_error (status, a, 403, "forbidden", NULL);
      b = fd_test_request (server, session, "POST", "/api/v1/alerts/test", token, NULL, &status, NULL);
      fd_test_assert_error (status, b, 403, "forbidden", NULL);
    }
}

/* bad configuration: a clear start-up error, exit 2 */

static void
check_refused (const char *key,
               const char *value,
               const char *expected)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fd-alert-bad-XXXXXX", &error);
  g_autofree char *option = g_strconcat ("--", key, NULL);
  g_autofree char *err = NULL;
  const char *argv[] = { fd_test_server_binary (), "demo", "--data-dir", dir, "--residents", "0",
                         option, value, NULL };
  int wait_status;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                               NULL, &err, &wait_status, &error));
  g_assert_true (WIFEXITED (wait_status));
  g_assert_cmpint (WEXITSTATUS (wait_status), ==, 2);
  if (strstr (err, expected) == NULL)
    g_error ("%s %s: expected \"%s\" in: %s", key, value, expected, err);
  g_rmdir (dir);
}

static void
test_bad_values (void)
{
  check_refused ("alert-webhook", "http://192.0.2.1/hook", "plain http:// is accepted only to a loopback");
  check_refused ("alert-webhook", "ftp://example.org/x", "must be an https:// URL");
  check_refused ("alert-webhook", "https://user:pw@example.org/x", "must not carry a user name");
  check_refused ("alert-webhook-format", "slack", "must be generic, wecom, dingtalk or feishu");
  check_refused ("alert-webhook-ca", "/nonexistent/ca.pem", "alert-webhook-ca /nonexistent/ca.pem cannot be read");
  check_refused ("alert-syslog", "udp://x", "must be journal, HOST:PORT");
  check_refused ("alert-syslog", "192.0.2.1:70000", "must be journal, HOST:PORT");
  check_refused ("alert-retry", "10,0", "whole seconds from 1 to 86400");
}

int
main (int   argc,
      char *argv[])
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  receiver_start ();
  g_test_add_func ("/alerts-out/bad-values", test_bad_values);
  g_test_add_func ("/alerts-out/generic-and-syslog", test_generic_and_syslog);
  g_test_add_func ("/alerts-out/wecom", test_wecom);
  g_test_add_func ("/alerts-out/dingtalk", test_dingtalk);
  g_test_add_func ("/alerts-out/feishu-and-journal", test_feishu_and_journal);
  g_test_add_func ("/alerts-out/test-alert-and-roles", test_test_alert_and_roles);
  g_test_add_func ("/alerts-out/retry-until-back", test_retry_until_back);
  rc = g_test_run ();
  g_clear_object (&receiver.soup);
  g_ptr_array_unref (receiver.bodies);
  g_ptr_array_unref (receiver.paths);
  {
    g_autoptr(GDir) dir = g_dir_open (receiver_dir, 0, NULL);
    const char *name;
    while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *path = g_build_filename (receiver_dir, name, NULL);
        g_unlink (path);
      }
    g_rmdir (receiver_dir);
  }
  g_free (receiver_dir);
  return rc;
}
