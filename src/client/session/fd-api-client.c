/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The HTTPS connection to the office server: trust, key pinning, JSON calls, their errors. */

#include "config.h"

#include "fd-api-client.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>
#include <string.h>

#include "fd-client-config.h"
#include "fd-error.h"
#include "fd-field.h"
#include "fd-pin.h"

#define API_TIMEOUT_S      15
#define API_IDLE_TIMEOUT_S 60

struct _FdApiClient
{
  GObject      parent_instance;

  SoupSession *session;
  char        *base_url;
  char        *api_root;
  char        *pin;
  char        *token;
  gboolean     reachable;
};

G_DEFINE_FINAL_TYPE (FdApiClient, fd_api_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_REACHABLE,
  N_PROPS
};

enum {
  SESSION_ENDED,
  RULES_REQUIRED,  /* issue 12 */
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

typedef struct
{
  SoupMessage *msg;
  JsonObject  *error_object;
  gboolean     raw;
} Request;

static void
request_free (Request *request)
{
  g_clear_object (&request->msg);
  g_clear_pointer (&request->error_object, json_object_unref);
  g_free (request);
}

static const char *
message_for_error (FdError code)
{
  switch (code)
    {
    case FD_ERROR_BAD_REQUEST:
      return _("The server refused the request as invalid.");
    case FD_ERROR_BAD_CREDENTIALS:
      return _("Wrong username or password.");
    case FD_ERROR_UNAUTHENTICATED:
      return _("Your session has ended.");
    case FD_ERROR_REAUTH_REQUIRED:
      return _("Enter your password again to continue.");
    case FD_ERROR_FORBIDDEN:
    case FD_ERROR_METHOD_NOT_ALLOWED:
      return _("You are not allowed to do this.");
    case FD_ERROR_ACCOUNT_DISABLED:
      return _("This account is disabled.");
    case FD_ERROR_NOT_FOUND:
      return _("The record was not found.");
    case FD_ERROR_TOO_LARGE:
      return _("The request is too large.");
    case FD_ERROR_ACCOUNT_LOCKED:
      return _("This account is locked.");
    case FD_ERROR_RATE_LIMITED:
      return _("Too many requests. Wait a moment and try again.");
    case FD_ERROR_INTERNAL:
    case FD_ERROR_UNAVAILABLE:
      return _("The server has a problem. Try again later.");
    case FD_ERROR_NETWORK:
      return _("The server cannot be reached.");
    case FD_ERROR_TLS:
      return _("The server's certificate is not trusted. Do not continue; "
               "call your administrator.");
    case FD_ERROR_PROTOCOL:
      return _("The server sent an answer this app does not understand.");
    case FD_ERROR_RULES_NOT_ACKNOWLEDGED:
      return _("Read and acknowledge the data-protection rules first.");
    case FD_ERROR_CONFLICT:
      return _("This changed on the server meanwhile. Try again.");
    case FD_ERROR_CONFIG:
    default:
      return _("The connection settings are not valid.");
    }
}

static void
set_reachable (FdApiClient *self,
               gboolean     reachable)
{
  reachable = !!reachable;
  if (self->reachable == reachable)
    return;

  self->reachable = reachable;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REACHABLE]);
}

static void
fd_api_client_dispose (GObject *object)
{
  FdApiClient *self = FD_API_CLIENT (object);

  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (fd_api_client_parent_class)->dispose (object);
}

static void
fd_api_client_finalize (GObject *object)
{
  FdApiClient *self = FD_API_CLIENT (object);

  g_clear_pointer (&self->token, fd_secret_free);
  g_clear_pointer (&self->base_url, g_free);
  g_clear_pointer (&self->api_root, g_free);
  g_clear_pointer (&self->pin, g_free);

  G_OBJECT_CLASS (fd_api_client_parent_class)->finalize (object);
}

static void
fd_api_client_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  FdApiClient *self = FD_API_CLIENT (object);

  switch (prop_id)
    {
    case PROP_REACHABLE:
      g_value_set_boolean (value, self->reachable);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fd_api_client_class_init (FdApiClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fd_api_client_dispose;
  object_class->finalize = fd_api_client_finalize;
  object_class->get_property = fd_api_client_get_property;

  properties[PROP_REACHABLE] =
    g_param_spec_boolean ("reachable", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SESSION_ENDED] =
    g_signal_new ("session-ended",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[RULES_REQUIRED] =
    g_signal_new ("rules-required",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
fd_api_client_init (FdApiClient *self)
{
  self->reachable = TRUE;
}

FdApiClient *
fd_api_client_new (const char  *base_url,
                   const char  *ca_file,
                   const char  *pin,
                   GError     **error)
{
  g_autoptr(FdApiClient) self = NULL;
  g_autoptr(GTlsDatabase) database = NULL;
  g_autofree char *url = NULL;
  gsize len;

  if (!fd_client_config_check_server_url (base_url, error))
    return NULL;

  if (pin != NULL && pin[0] != '\0')
    {
      if (!fd_client_config_check_pin (pin, error))
        return NULL;
    }
  else if (ca_file != NULL && ca_file[0] != '\0')
    {
      g_autofree char *absolute = NULL;
      g_autoptr(GError) local_error = NULL;

      if (!fd_client_config_check_ca_file (ca_file, &absolute, error))
        return NULL;

      database = g_tls_file_database_new (absolute, &local_error);
      if (database == NULL)
        {
          g_message ("Cannot load the office CA file: %s", local_error->message);
          g_set_error_literal (error, FD_ERROR, FD_ERROR_CONFIG,
                               _("The certificate authority file does not hold a "
                                 "valid certificate."));
          return NULL;
        }
    }

  url = g_strdup (base_url);
  g_strstrip (url);
  len = strlen (url);
  while (len > 0 && url[len - 1] == '/')
    url[--len] = '\0';

  self = g_object_new (FD_TYPE_API_CLIENT, NULL);
  self->base_url = g_steal_pointer (&url);
  self->api_root = g_strconcat (self->base_url, "/api/v1", NULL);
  self->session = soup_session_new_with_options ("timeout", API_TIMEOUT_S,
                                                 "idle-timeout", API_IDLE_TIMEOUT_S,
                                                 "user-agent", "FrontDesk/" PACKAGE_VERSION,
                                                 NULL);

  if (pin != NULL && pin[0] != '\0')
    {
      /* A pinned key is trusted without any certificate authority, and
       * nothing else is: with no database every certificate fails
       * validation, so ::accept-certificate decides on each connection. */
      self->pin = g_strdup (pin);
      soup_session_set_tls_database (self->session, NULL);
    }
  else if (database != NULL)
    {
      soup_session_set_tls_database (self->session, database);
    }

  return g_steal_pointer (&self);
}

const char *
fd_api_client_get_base_url (FdApiClient *self)
{
  g_return_val_if_fail (FD_IS_API_CLIENT (self), NULL);

  return self->base_url;
}

void
fd_api_client_set_token (FdApiClient *self,
                         const char  *token)
{
  g_return_if_fail (FD_IS_API_CLIENT (self));

  if (self->token == token)
    return;

  g_clear_pointer (&self->token, fd_secret_free);
  if (token != NULL && token[0] != '\0')
    self->token = g_strdup (token);
}

gboolean
fd_api_client_has_token (FdApiClient *self)
{
  g_return_val_if_fail (FD_IS_API_CLIENT (self), FALSE);

  return self->token != NULL;
}

gboolean
fd_api_client_get_reachable (FdApiClient *self)
{
  g_return_val_if_fail (FD_IS_API_CLIENT (self), FALSE);

  return self->reachable;
}

static gboolean
accept_certificate_cb (SoupMessage          *msg,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       FdApiClient          *self)
{
  g_autoptr(GByteArray) der = NULL;
  g_autofree char *peer_pin = NULL;

  if (self->pin == NULL || certificate == NULL)
    return FALSE;

  /* Only the missing CA is forgiven for a pinned key; an expired
   * certificate or a wrong host name still fails. */
  if ((errors & ~G_TLS_CERTIFICATE_UNKNOWN_CA) != 0)
    {
      g_message ("Server certificate refused (flags 0x%x)", (guint) errors);
      return FALSE;
    }

  g_object_get (certificate, "certificate", &der, NULL);
  if (der == NULL)
    return FALSE;

  peer_pin = fd_pin_from_der (der->data, der->len, NULL);
  if (peer_pin == NULL || !fd_pin_equal (peer_pin, self->pin))
    {
      g_message ("Server key does not match the pinned key");
      return FALSE;
    }

  return TRUE;
}

static void
wipe_and_free (gpointer data)
{
  fd_secret_free (data);
}

static GError *
transport_error (FdApiClient  *self,
                 const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);

  if (error->domain == G_TLS_ERROR)
    {
      g_message ("TLS failure talking to the server: %s", error->message);
      return g_error_new_literal (FD_ERROR, FD_ERROR_TLS, message_for_error (FD_ERROR_TLS));
    }

  g_debug ("Server unreachable: %s", error->message);
  set_reachable (self, FALSE);
  return g_error_new_literal (FD_ERROR, FD_ERROR_NETWORK, message_for_error (FD_ERROR_NETWORK));
}

static JsonNode *
parse_json (GBytes  *bytes,
            GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize len = 0;
  const char *data = g_bytes_get_data (bytes, &len);

  if (data == NULL || len == 0 || !json_parser_load_from_data (parser, data, len, NULL) ||
      json_parser_get_root (parser) == NULL)
    {
      g_set_error_literal (error, FD_ERROR, FD_ERROR_PROTOCOL,
                           message_for_error (FD_ERROR_PROTOCOL));
      return NULL;
    }

  return json_node_copy (json_parser_get_root (parser));
}

static void
wipe_bytes (GBytes *bytes)
{
  gsize len = 0;
  gpointer data = (gpointer) g_bytes_get_data (bytes, &len);

  /* The body may hold a token or personal data; it was ours alone. */
  if (data != NULL && len > 0)
    explicit_bzero (data, len);
}

static void
request_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FdApiClient *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *error_object = NULL;
  const char *code = NULL;
  guint status;
  FdError fd_code;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (bytes == NULL)
    {
      g_task_return_error (task, transport_error (self, error));
      return;
    }

  set_reachable (self, TRUE);
  status = soup_message_get_status (request->msg);

  if (status >= 200 && status < 300)
    {
      if (request->raw)
        {
          g_task_return_pointer (task, g_steal_pointer (&bytes), (GDestroyNotify) g_bytes_unref);
          return;
        }

      if (status == SOUP_STATUS_NO_CONTENT || g_bytes_get_size (bytes) == 0)
        {
          g_task_return_pointer (task, NULL, NULL);
          return;
        }

      root = parse_json (bytes, &error);
      wipe_bytes (bytes);
      if (root == NULL)
        {
          g_message ("Malformed answer to %s (status %u)",
                     soup_message_get_method (request->msg), status);
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }

      g_task_return_pointer (task, g_steal_pointer (&root), (GDestroyNotify) json_node_unref);
      return;
    }

  /* An error answer: {"error": {"code": …, …}} */
  root = parse_json (bytes, NULL);
  wipe_bytes (bytes);
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonNode *node = json_object_get_member (json_node_get_object (root), "error");

      if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
        {
          error_object = json_node_get_object (node);
          code = fd_json_get_string (error_object, "code");
          request->error_object = json_object_ref (error_object);
        }
    }

  fd_code = fd_error_from_code (code, status);
  g_debug ("Server answered %u %s", status, code != NULL ? code : "(no code)");

  /* Other 401 codes (second-factor-required, bad-second-factor, …) are
   * steps of a sign-in, not the end of a session. */
  if (fd_code == FD_ERROR_UNAUTHENTICATED &&
      (code == NULL || g_str_equal (code, "unauthenticated")))
    {
      const char *reason = NULL;

      if (error_object != NULL)
        reason = fd_json_get_string (error_object, "reason");

      /* Emitted before the caller hears of it, so that views torn down by
       * the handler see their requests cancelled. */
      g_signal_emit (self, signals[SESSION_ENDED], 0,
                     reason != NULL ? reason : "missing");
    }

  /* issue 12: the window shows the rules before any data page */
  if (fd_code == FD_ERROR_RULES_NOT_ACKNOWLEDGED)
    g_signal_emit (self, signals[RULES_REQUIRED], 0);

  g_task_return_new_error (task, FD_ERROR, fd_code, "%s", message_for_error (fd_code));
}

static void
send_request (FdApiClient         *self,
              const char          *method,
              const char          *path,
              JsonNode            *body,
              gboolean             raw,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data,
              gpointer             source_tag)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *uri = NULL;
  Request *request;
  SoupMessageHeaders *headers;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);

  if (path == NULL || path[0] != '/')
    {
      g_task_return_new_error (task, FD_ERROR, FD_ERROR_CONFIG, "%s",
                               message_for_error (FD_ERROR_CONFIG));
      return;
    }

  uri = g_strconcat (self->api_root, path, NULL);
  request = g_new0 (Request, 1);
  request->raw = raw;
  request->msg = soup_message_new (method, uri);
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);

  if (request->msg == NULL)
    {
      g_task_return_new_error (task, FD_ERROR, FD_ERROR_CONFIG, "%s",
                               message_for_error (FD_ERROR_CONFIG));
      return;
    }

  /* A redirect could lead anywhere, including plain http. */
  soup_message_add_flags (request->msg, SOUP_MESSAGE_NO_REDIRECT);

  headers = soup_message_get_request_headers (request->msg);
  soup_message_headers_replace (headers, "Accept",
                                raw ? "text/csv, application/json" : "application/json");
  if (self->token != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", self->token, NULL);

      soup_message_headers_replace (headers, "Authorization", value);
      explicit_bzero (value, strlen (value));
    }

  if (body != NULL)
    {
      gsize len = 0;
      char *text = json_to_string (body, FALSE);
      g_autoptr(GBytes) bytes = NULL;

      len = strlen (text);
      bytes = g_bytes_new_with_free_func (text, len, wipe_and_free, text);
      soup_message_set_request_body_from_bytes (request->msg, "application/json", bytes);
    }

  if (self->pin != NULL)
    g_signal_connect_object (request->msg, "accept-certificate",
                             G_CALLBACK (accept_certificate_cb), self, 0);

  soup_session_send_and_read_async (self->session, request->msg, G_PRIORITY_DEFAULT,
                                    cancellable, request_cb, g_object_ref (task));
}

void
fd_api_client_request_async (FdApiClient         *self,
                             const char          *method,
                             const char          *path,
                             JsonNode            *body,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (FD_IS_API_CLIENT (self));
  g_return_if_fail (method != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  send_request (self, method, path, body, FALSE, cancellable, callback, user_data,
                fd_api_client_request_async);
}

JsonNode *
fd_api_client_request_finish_full (FdApiClient   *self,
                                   GAsyncResult  *result,
                                   JsonObject   **error_object,
                                   GError       **error)
{
  Request *request;
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  g_return_val_if_fail (FD_IS_API_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  if (error_object != NULL)
    *error_object = NULL;

  root = g_task_propagate_pointer (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      request = g_task_get_task_data (G_TASK (result));
      if (error_object != NULL && request != NULL && request->error_object != NULL)
        *error_object = json_object_ref (request->error_object);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  return root;
}

JsonNode *
fd_api_client_request_finish (FdApiClient   *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return fd_api_client_request_finish_full (self, result, NULL, error);
}

void
fd_api_client_get_bytes_async (FdApiClient         *self,
                               const char          *path,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (FD_IS_API_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  send_request (self, "GET", path, NULL, TRUE, cancellable, callback, user_data,
                fd_api_client_get_bytes_async);
}

GBytes *
fd_api_client_get_bytes_finish (FdApiClient   *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (FD_IS_API_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
