/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Alerts that reach a person: the delivery queue's sender (issue 12). */

#include "config.h"

#include <gio/gunixsocketaddress.h>
#include <string.h>
#include <unistd.h>

#include "fd-alert-out.h"
#include "fd-json-writer.h"
#include "fd-server-private.h"

/* See fd-alert-out.h. Everything here runs on the server's main context
 * and never waits: the store calls are single indexed rows, sends are
 * asynchronous (the webhook) or non-blocking datagrams (journal, UDP
 * syslog). */

#define LEASE_USEC        ((gint64) 120 * G_USEC_PER_SEC)  /* an attempt in flight */
#define MAX_IN_FLIGHT     8
#define WEBHOOK_TIMEOUT_S 20
#define JOURNAL_SOCKET    "/run/systemd/journal/socket"

struct _FdAlertOut
{
  FdServer     *server;        /* not owned */
  SoupSession  *session;       /* the webhook's, or NULL */
  char         *webhook_shown; /* the URL without its query (robot keys live there) */
  GSocket      *journal;       /* AF_UNIX datagram, or NULL */
  GCancellable *cancellable;
  GHashTable   *in_flight;     /* id → FdDeliveryRecord* (the claimed record) */
  guint         poll_id;
  guint         kick_id;
};

typedef struct
{
  FdAlertOut       *out;
  FdDeliveryRecord *delivery;  /* owned by out->in_flight */
} Attempt;

/* queueing */

/* The estate's code for the message: the store's estates when the
 * engine has them, else the single office's "main". */
static char *
estate_code (FdStore *store,
             gint64   estate_id)
{
  g_autoptr(GPtrArray) estates = NULL;

  if (store->backend->estate_list == NULL)
    return g_strdup ("main");
  estates = FD_STORE_CALL0 (store, estate_list);
  if (estates == NULL)
    return NULL;
  for (guint i = 0; i < estates->len; i++)
    {
      FdEstateRecord *e = g_ptr_array_index (estates, i);
      if (e->id == estate_id || (estate_id == FD_ESTATE_ALL && estates->len == 1))
        return g_strdup (e->code);
    }
  return NULL;
}

static char *
webhook_shown (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);

  if (uri == NULL)
    return g_strdup ("webhook");
  /* The query and userinfo hold the robots' keys: never shown or logged. */
  return g_uri_join (G_URI_FLAGS_ENCODED, g_uri_get_scheme (uri), NULL, g_uri_get_host (uri),
                     g_uri_get_port (uri), g_uri_get_path (uri), NULL, NULL);
}

static void schedule_kick (FdAlertOut *out);

gint
fd_alert_out_enqueue (FdServer    *server,
                      gint64       alert_id,
                      gint64       estate_id,
                      const char  *kind,
                      const char  *actor,
                      const char  *detail,
                      GError     **error)
{
  FdConfig *config = server->config;
  FdStore *store = server->store;
  FdDeliveryRecord d = { 0 };
  g_autofree char *at = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *code = NULL;
  gint n = 0;

  if (config->alert_webhook == NULL && config->alert_syslog == NULL)
    return 0;
  if (estate_id == FD_ESTATE_ALL)
    estate_id = store->scope;
  at = fd_time_format_rfc3339 (fd_now ());
  code = estate_code (store, estate_id);
  d.alert_id = alert_id;
  d.estate_id = estate_id;
  d.kind = (char *) kind;
  d.at = at;
  d.actor = (char *) actor;
  d.estate = code;
  d.detail = (char *) detail;
  d.next_at = fd_now ();
  d.created_at = d.next_at;

  if (config->alert_webhook != NULL)
    {
      shown = webhook_shown (config->alert_webhook);
      d.channel = (char *) "webhook";
      d.destination = shown;
      if (FD_STORE_CALL (store, delivery_enqueue, &d, error) == 0)
        return -1;
      n++;
    }
  if (config->alert_syslog != NULL)
    {
      d.channel = (char *) "syslog";
      d.destination = config->alert_syslog;
      if (FD_STORE_CALL (store, delivery_enqueue, &d, error) == 0)
        return -1;
      n++;
    }
  if (server->alert_out != NULL)
    schedule_kick (server->alert_out);
  return n;
}

/* attempts */

static void
attempt_finish (Attempt    *attempt,
                const char *error_text)
{
  FdAlertOut *out = attempt->out;
  FdServer *server = out->server;
  FdDeliveryRecord *d = attempt->delivery;
  g_autoptr(GError) error = NULL;
  const guint *retry;
  guint n_retry, attempts = d->attempts + 1;
  gint64 now = fd_now (), next_at = 0;
  const char *status;

  retry = fd_config_alert_retry (server->config, &n_retry);
  if (error_text == NULL)
    status = "delivered";
  else if (attempts <= n_retry)
    {
      status = "pending";
      next_at = now + (gint64) retry[attempts - 1] * G_USEC_PER_SEC;
    }
  else
    status = "failed";

  if (error_text != NULL)
    g_message ("Alert delivery %" G_GINT64_FORMAT " (%s to %s), attempt %u: %s%s",
               d->id, d->kind, d->destination, attempts, error_text,
               g_str_equal (status, "failed") ? "; giving up" : "");
  /* Joins the group commit like any other write. */
  if (!fd_server_begin_write (server, &error) ||
      !FD_STORE_CALL (server->store, delivery_finish, d->id, status, attempts, now, next_at,
                      error_text, &error))
    g_warning ("Cannot record alert delivery %" G_GINT64_FORMAT ": %s", d->id, error->message);
  g_hash_table_remove (out->in_flight, &d->id);
  g_free (attempt);
}

static void
webhook_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Attempt *attempt = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_autofree char *problem = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_free (attempt);   /* the sender is going away; the lease brings it back */
      return;
    }
  if (body == NULL)
    problem = g_strdup (error->message);
  else if (!SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (msg)))
    problem = g_strdup_printf ("HTTP %u %s", soup_message_get_status (msg),
                               soup_message_get_reason_phrase (msg));
  else if (attempt->out->server->config->alert_webhook_format != FD_ALERT_FORMAT_GENERIC)
    {
      /* The robots answer 200 with an error code inside. */
      g_autoptr(JsonParser) parser = json_parser_new ();
      gsize len;
      const char *data = g_bytes_get_data (body, &len);

      if (len > 0 && json_parser_load_from_data (parser, data, len, NULL) &&
          JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        {
          JsonObject *o = json_node_get_object (json_parser_get_root (parser));
          const char *code_member = json_object_has_member (o, "errcode") ? "errcode"
                                    : json_object_has_member (o, "code") ? "code" : NULL;
          JsonNode *code = code_member ? json_object_get_member (o, code_member) : NULL;

          if (code != NULL && JSON_NODE_HOLDS_VALUE (code) &&
              json_node_get_value_type (code) == G_TYPE_INT64 && json_node_get_int (code) != 0)
            {
              const char *msg_member = json_object_has_member (o, "errmsg") ? "errmsg" : "msg";
              JsonNode *m = json_object_get_member (o, msg_member);
              problem = g_strdup_printf ("the receiver refused it: %s %" G_GINT64_FORMAT " %.100s",
                                         code_member, json_node_get_int (code),
                                         m && JSON_NODE_HOLDS_VALUE (m) &&
                                         json_node_get_value_type (m) == G_TYPE_STRING
                                         ? json_node_get_string (m) : "");
            }
        }
    }
  attempt_finish (attempt, problem);
}

static void
send_webhook (Attempt *attempt)
{
  FdAlertOut *out = attempt->out;
  FdConfig *config = out->server->config;
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", config->alert_webhook);
  g_autofree char *body = NULL;
  g_autoptr(GBytes) bytes = NULL;

  if (msg == NULL)
    {
      attempt_finish (attempt, "the webhook URL cannot be used");
      return;
    }
  gsize len;

  body = fd_alert_out_body (config->alert_webhook_format, attempt->delivery);
  len = strlen (body);
  bytes = g_bytes_new_take (g_steal_pointer (&body), len);
  soup_message_set_request_body_from_bytes (msg, "application/json; charset=utf-8", bytes);
  /* A redirect could lead the alert to plain HTTP or elsewhere. */
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  soup_session_send_and_read_async (out->session, msg, G_PRIORITY_DEFAULT, out->cancellable,
                                    webhook_done_cb, attempt);
}

static gboolean
send_datagram (GSocket         *socket,
               GSocketAddress  *address,
               const void      *data,
               gsize            len,
               char           **problem)
{
  g_autoptr(GError) error = NULL;
  gssize sent = g_socket_send_to (socket, address, data, len, NULL, &error);

  if (sent < 0)
    {
      *problem = g_strdup (error->message);
      return FALSE;
    }
  if ((gsize) sent != len)
    {
      *problem = g_strdup ("the message was cut short");
      return FALSE;
    }
  return TRUE;
}

static void
send_journal (Attempt *attempt)
{
  FdAlertOut *out = attempt->out;
  g_autoptr(GBytes) data = fd_alert_out_journal (attempt->delivery);
  const char *path = g_getenv ("FD_ALERT_JOURNAL_SOCKET");   /* tests */
  g_autoptr(GSocketAddress) address = g_unix_socket_address_new (path ? path : JOURNAL_SOCKET);
  g_autofree char *problem = NULL;

  if (out->journal == NULL)
    out->journal = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_DATAGRAM,
                                 G_SOCKET_PROTOCOL_DEFAULT, NULL);
  if (out->journal == NULL)
    problem = g_strdup ("cannot open a socket to the journal");
  else
    {
      g_socket_set_blocking (out->journal, FALSE);
      send_datagram (out->journal, address, g_bytes_get_data (data, NULL), g_bytes_get_size (data),
                     &problem);
    }
  attempt_finish (attempt, problem);
}

static void
syslog_send_to (Attempt      *attempt,
                GInetAddress *inet,
                guint16       port)
{
  g_autoptr(GSocket) socket = g_socket_new (g_inet_address_get_family (inet),
                                            G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, NULL);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (inet, port);
  g_autofree char *message = fd_alert_out_rfc5424 (attempt->delivery, g_get_host_name ());
  g_autofree char *problem = NULL;

  if (socket == NULL)
    problem = g_strdup ("cannot open a UDP socket");
  else
    {
      g_socket_set_blocking (socket, FALSE);
      send_datagram (socket, address, message, strlen (message), &problem);
    }
  attempt_finish (attempt, problem);
}

typedef struct
{
  Attempt *attempt;
  guint16  port;
} Resolve;

static void
resolved_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Resolve *r = user_data;
  g_autoptr(GError) error = NULL;
  GList *addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_free (r->attempt);
  else if (addresses == NULL)
    attempt_finish (r->attempt, error ? error->message : "the syslog host has no address");
  else
    syslog_send_to (r->attempt, addresses->data, r->port);
  g_resolver_free_addresses (addresses);
  g_free (r);
}

static void
send_syslog (Attempt *attempt)
{
  const char *dest = attempt->out->server->config->alert_syslog;
  const char *colon = strrchr (dest, ':');
  g_autofree char *host = NULL;
  g_autoptr(GInetAddress) inet = NULL;
  guint16 port = (guint16) g_ascii_strtoull (colon + 1, NULL, 10);

  host = dest[0] == '[' ? g_strndup (dest + 1, colon - dest - 2) : g_strndup (dest, colon - dest);
  inet = g_inet_address_new_from_string (host);
  if (inet != NULL)
    syslog_send_to (attempt, inet, port);
  else
    {
      Resolve *r = g_new0 (Resolve, 1);
      g_autoptr(GResolver) resolver = g_resolver_get_default ();

      r->attempt = attempt;
      r->port = port;
      g_resolver_lookup_by_name_async (resolver, host, attempt->out->cancellable, resolved_cb, r);
    }
}

static void
start_attempt (FdAlertOut       *out,
               FdDeliveryRecord *d)
{
  Attempt *attempt = g_new0 (Attempt, 1);

  attempt->out = out;
  attempt->delivery = d;
  g_debug ("Alert delivery %" G_GINT64_FORMAT ": attempt %u to %s", d->id, d->attempts + 1,
           d->destination);
  g_hash_table_insert (out->in_flight, &d->id, d);
  if (g_str_equal (d->channel, "webhook") && out->session != NULL)
    send_webhook (attempt);
  else if (g_str_equal (d->channel, "syslog") && g_strcmp0 (out->server->config->alert_syslog,
                                                            "journal") == 0)
    send_journal (attempt);
  else if (g_str_equal (d->channel, "syslog") && out->server->config->alert_syslog != NULL)
    send_syslog (attempt);
  else
    attempt_finish (attempt, "this destination is no longer configured");
}

static void
tick (FdAlertOut *out)
{
  FdServer *server = out->server;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) due = NULL;
  guint room = MAX_IN_FLIGHT - MIN (MAX_IN_FLIGHT, g_hash_table_size (out->in_flight));
  gint64 now = fd_now ();

  if (room == 0 || server->shutting_down)
    return;
  /* Claim committed rows only: commit what the requests wrote first. */
  if (server->tx_open)
    fd_server_flush (server);
  due = FD_STORE_CALL (server->store, delivery_claim, now, now + LEASE_USEC, room, &error);
  if (error != NULL)
    {
      g_warning ("Cannot read the alert delivery queue: %s", error->message);
      return;
    }
  while (due->len > 0)
    start_attempt (out, g_ptr_array_steal_index (due, 0));
}

static gboolean
poll_cb (gpointer user_data)
{
  tick (user_data);
  return G_SOURCE_CONTINUE;
}

static gboolean
kick_cb (gpointer user_data)
{
  FdAlertOut *out = user_data;

  out->kick_id = 0;
  tick (out);
  return G_SOURCE_REMOVE;
}

static void
schedule_kick (FdAlertOut *out)
{
  /* Soon, once the request's transaction has committed. */
  if (out->kick_id == 0)
    out->kick_id = g_timeout_add (200, kick_cb, out);
}

FdAlertOut *
fd_alert_out_new (FdServer *server)
{
  FdConfig *config = server->config;
  FdAlertOut *out;
  const guint *retry;
  guint n_retry, poll_s;

  if (config->alert_webhook == NULL && config->alert_syslog == NULL)
    return NULL;
  out = g_new0 (FdAlertOut, 1);
  out->server = server;
  out->cancellable = g_cancellable_new ();
  out->in_flight = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                          (GDestroyNotify) fd_delivery_record_free);
  if (config->alert_webhook != NULL)
    {
      out->webhook_shown = webhook_shown (config->alert_webhook);
      out->session = soup_session_new_with_options ("timeout", WEBHOOK_TIMEOUT_S,
                                                    "idle-timeout", 60,
                                                    "user-agent", "frontdesk-server/" PACKAGE_VERSION,
                                                    NULL);
      if (config->alert_webhook_ca != NULL)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(GTlsDatabase) db = g_tls_file_database_new (config->alert_webhook_ca, &error);

          /* Checked at start-up; trust this CA and nothing else. */
          if (db != NULL)
            soup_session_set_tls_database (out->session, db);
          else
            g_warning ("alert-webhook-ca: %s", error->message);
        }
    }
  if (g_strcmp0 (config->alert_syslog, "journal") == 0 && g_getenv ("FD_ALERT_JOURNAL_SOCKET") == NULL &&
      !g_file_test (JOURNAL_SOCKET, G_FILE_TEST_EXISTS))
    g_warning ("alert-syslog = journal, but there is no journal socket (%s) on this host: "
               "alert deliveries there will fail", JOURNAL_SOCKET);
  if (config->alert_webhook != NULL)
    g_message ("Alerts go out to: webhook %s (%s)", out->webhook_shown,
               fd_alert_format_name (config->alert_webhook_format));
  if (config->alert_syslog != NULL)
    g_message ("Alerts go out to: syslog %s", config->alert_syslog);

  /* Due retries are looked for every few seconds (one indexed query):
   * the shortest retry delay, between 1 and 5 s. */
  retry = fd_config_alert_retry (config, &n_retry);
  poll_s = 5;
  for (guint i = 0; i < n_retry; i++)
    poll_s = MIN (poll_s, retry[i]);
  out->poll_id = g_timeout_add_seconds (MAX (poll_s, 1), poll_cb, out);
  /* Deliveries left pending by the last run go out now. */
  schedule_kick (out);
  return out;
}

void
fd_alert_out_free (FdAlertOut *out)
{
  if (out == NULL)
    return;
  g_clear_handle_id (&out->poll_id, g_source_remove);
  g_clear_handle_id (&out->kick_id, g_source_remove);
  g_cancellable_cancel (out->cancellable);
  /* Attempts in flight: released for the next start at once rather than
   * after their lease (their attempt is not counted). */
  {
    GHashTableIter iter;
    gpointer value;
    gint64 now = fd_now ();

    g_hash_table_iter_init (&iter, out->in_flight);
    while (g_hash_table_iter_next (&iter, NULL, &value))
      {
        FdDeliveryRecord *d = value;
        FD_STORE_CALL (out->server->store, delivery_finish, d->id, "pending", d->attempts,
                       d->last_attempt_at, now, d->last_error, NULL);
      }
  }
  /* Cancelled callbacks run later, from the main loop: they only free. */
  g_clear_object (&out->session);
  g_clear_object (&out->journal);
  g_clear_object (&out->cancellable);
  g_hash_table_unref (out->in_flight);
  g_free (out->webhook_shown);
  g_free (out);
}
