/* libFuzzer: the client's reading of every kind of server answer. A TLS
 * server in this process (certificates made by the server's own code, the
 * client trusting only their CA) answers the real FdApiClient with the
 * input: [kind][status][body…]. The first byte picks what reads the
 * answer, the second the HTTP status and Content-Type, the rest is the
 * body. No window is opened; GTK is linked but never initialised. */

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "fd-api-client.h"
#include "fd-certs.h"
#include "fd-error.h"
#include "fd-field.h"
#include "fd-resident-list-model.h"
#include "fd-session-private.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static const guint statuses[] = {
  200, 201, 204, 400, 401, 403, 404, 405, 409, 413, 422, 423, 429, 500, 503,
};

static GTlsCertificate *certificate;
static FdApiClient     *api;
static char            *data_dir;
static GBytes          *answer;    /* what the server sends next */

typedef struct
{
  GIOStream *tls;
  GString   *request;
  char       buffer[4096];
} Connection;

static void
connection_free (Connection *c)
{
  g_clear_object (&c->tls);
  g_string_free (c->request, TRUE);
  g_free (c);
}

static void
closed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  g_io_stream_close_finish (G_IO_STREAM (source), result, NULL);
  connection_free (data);
}

static void read_cb (GObject *source, GAsyncResult *result, gpointer data);

static void
read_more (Connection *c)
{
  g_input_stream_read_async (g_io_stream_get_input_stream (c->tls), c->buffer, sizeof c->buffer,
                             G_PRIORITY_DEFAULT, NULL, read_cb, c);
}

static void
written_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  Connection *c = data;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL))
    {
      g_io_stream_close_async (c->tls, G_PRIORITY_DEFAULT, NULL, closed_cb, c);
      return;
    }
  /* keep-alive: one TLS handshake per connection, not per input */
  g_string_truncate (c->request, 0);
  read_more (c);
}

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  Connection *c = data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);

  if (n <= 0)
    {
      g_io_stream_close_async (c->tls, G_PRIORITY_DEFAULT, NULL, closed_cb, c);
      return;
    }
  g_string_append_len (c->request, c->buffer, n);
  if (strstr (c->request->str, "\r\n\r\n") == NULL)
    {
      read_more (c);
      return;
    }
  g_output_stream_write_all_async (g_io_stream_get_output_stream (c->tls),
                                   g_bytes_get_data (answer, NULL), g_bytes_get_size (answer),
                                   G_PRIORITY_DEFAULT, NULL, written_cb, c);
}

static void
handshake_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  Connection *c = data;

  if (!g_tls_connection_handshake_finish (G_TLS_CONNECTION (source), result, NULL))
    {
      connection_free (c);
      return;
    }
  read_more (c);
}

static gboolean
incoming_cb (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source,
             gpointer           data)
{
  g_autoptr(GError) error = NULL;
  Connection *c = g_new0 (Connection, 1);

  c->request = g_string_new (NULL);
  c->tls = g_tls_server_connection_new (G_IO_STREAM (connection), certificate, &error);
  g_assert_no_error (error);
  g_tls_connection_handshake_async (G_TLS_CONNECTION (c->tls), G_PRIORITY_DEFAULT, NULL,
                                    handshake_cb, c);
  return TRUE;
}

static void
remove_data_dir (void)
{
  const char *names[] = { "ca.pem", "ca-key.pem", "server.pem", "server-key.pem" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (data_dir, names[i], NULL);
      g_unlink (path);
    }
  g_rmdir (data_dir);
}

static void
init (void)
{
  const char *hosts[] = { "127.0.0.1", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketService) service = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autofree char *cert = NULL, *key = NULL, *ca = NULL, *url = NULL;

  data_dir = g_dir_make_tmp ("fd-fuzz-client-XXXXXX", &error);
  g_assert_no_error (error);
  atexit (remove_data_dir);
  if (!fd_certs_ensure_demo (data_dir, hosts, &error))
    g_error ("fuzz: %s", error->message);
  cert = g_build_filename (data_dir, "server.pem", NULL);
  key = g_build_filename (data_dir, "server-key.pem", NULL);
  ca = g_build_filename (data_dir, "ca.pem", NULL);
  certificate = g_tls_certificate_new_from_files (cert, key, &error);
  g_assert_no_error (error);

  service = g_socket_service_new ();
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (service), address,
                                      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                      NULL, &bound, &error))
    g_error ("fuzz: %s", error->message);
  g_signal_connect (service, "incoming", G_CALLBACK (incoming_cb), NULL);
  g_socket_service_start (service);
  g_object_ref (service);   /* for the life of the process */

  url = g_strdup_printf ("https://127.0.0.1:%u",
                         g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  api = fd_api_client_new (url, ca, NULL, &error);
  g_assert_no_error (error);
}

static void
done_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

/* What the pages do with a list answer: every member of every item
 * through the readers they use. */
static void
read_items (JsonNode *root)
{
  JsonNode *items;
  JsonArray *array;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return;
  fd_json_get_string (json_node_get_object (root), "next_cursor");
  items = json_object_get_member (json_node_get_object (root), "items");
  if (items == NULL || !JSON_NODE_HOLDS_ARRAY (items))
    return;
  array = json_node_get_array (items);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      json_object_iter_init (&iter, json_node_get_object (node));
      while (json_object_iter_next (&iter, &name, &member))
        {
          g_autoptr(FdFieldValue) field = fd_field_value_parse (member, NULL);

          fd_json_get_string (json_node_get_object (node), name);
          fd_json_get_int (json_node_get_object (node), name, 0);
          fd_json_get_bool (json_node_get_object (node), name, FALSE);
        }
    }
}

static void
model_done_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
}

static void
run_model (void)
{
  g_autoptr(FdResidentListModel) model = fd_resident_list_model_new (api);
  gboolean done = FALSE;

  g_signal_connect_swapped (model, "updated", G_CALLBACK (model_done_cb), &done);
  g_signal_connect_swapped (model, "failed", G_CALLBACK (model_done_cb), &done);
  fd_resident_list_model_set_query (model, "zhang");
  while (!done)
    g_main_context_iteration (NULL, TRUE);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (model)); i++)
    {
      g_autoptr(FdResidentItem) item = g_list_model_get_item (G_LIST_MODEL (model), i);
      const FdFieldValue *fields[] = {
        fd_resident_item_get_name (item), fd_resident_item_get_room (item),
        fd_resident_item_get_phone (item), fd_resident_item_get_plates (item),
      };

      g_assert (fd_resident_item_get_id (item) != NULL);
      for (guint f = 0; f < G_N_ELEMENTS (fields); f++)
        g_assert (fields[f] == NULL || fields[f]->value != NULL);
    }
  fd_resident_list_model_get_has_more (model);
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GString) http = g_string_new (NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonObject) error_object = NULL;
  guint status;

  if (size < 2)
    return 0;
  if (api == NULL)
    init ();

  status = statuses[(data[1] & 0x7f) % G_N_ELEMENTS (statuses)];
  g_string_printf (http, "HTTP/1.1 %u Answer\r\nContent-Type: %s\r\n"
                   "Content-Length: %zu\r\n\r\n",
                   status, (data[1] & 0x80) ? "text/csv" : "application/json; charset=utf-8",
                   size - 2);
  g_string_append_len (http, (const char *) data + 2, size - 2);
  g_clear_pointer (&answer, g_bytes_unref);
  answer = g_bytes_new (http->str, http->len);
  fd_api_client_set_token (api, "fuzz-token-0123456789");

  switch (data[0] % 5)
    {
    case 0:   /* GET /session, sign-in and unlock answers */
      fd_api_client_request_async (api, "GET", "/session", NULL, NULL, done_cb, &result);
      root = fd_api_client_request_finish_full (api, wait_for (&result), &error_object, &error);
      if (root != NULL)
        {
          g_autoptr(FdSessionInfo) info = fd_session_info_parse (root, NULL);
          char *token = fd_session_steal_token (root);

          if (token != NULL)
            fd_secret_free (token);
        }
      break;
    case 1:   /* resident search pages */
      run_model ();
      break;
    case 2:   /* CSV export */
      {
        g_autoptr(GBytes) bytes = NULL;

        fd_api_client_get_bytes_async (api, "/visitors/export", NULL, done_cb, &result);
        bytes = fd_api_client_get_bytes_finish (api, wait_for (&result), &error);
        g_assert ((bytes == NULL) != (error == NULL));
      }
      break;
    default:  /* lists, details, reveals and errors */
      fd_api_client_request_async (api, "GET", "/residents/1", NULL, NULL, done_cb, &result);
      root = fd_api_client_request_finish_full (api, wait_for (&result), &error_object, &error);
      g_assert (root == NULL || error == NULL);
      if (error != NULL)
        g_assert (error->domain == FD_ERROR || error->domain == G_IO_ERROR);
      read_items (root);
      if (error_object != NULL)
        {
          fd_json_get_string (error_object, "member");
          fd_json_get_string (error_object, "locked_until");
          fd_json_get_int (error_object, "attempts_left", -1);
        }
      break;
    }
  return 0;
}
