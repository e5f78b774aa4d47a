#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define FD_TYPE_API_CLIENT (fd_api_client_get_type ())
G_DECLARE_FINAL_TYPE (FdApiClient, fd_api_client, FD, API_CLIENT, GObject)

/* The one connection to the office server: one SoupSession (keep-alive,
 * timeout, user agent), https:// only, trusting the system CAs, or the
 * office CA file @ca_file, or only the key pinned by @pin ("sha256:…").
 * Fails with FD_ERROR_CONFIG for http://, a bad URL, an unreadable CA file
 * or a malformed pin. */
FdApiClient *fd_api_client_new            (const char           *base_url,
                                           const char           *ca_file,
                                           const char           *pin,
                                           GError              **error);
const char  *fd_api_client_get_base_url   (FdApiClient          *self);

/* The bearer token; copied, the previous one wiped. NULL forgets it. */
void         fd_api_client_set_token      (FdApiClient          *self,
                                           const char           *token);
gboolean     fd_api_client_has_token      (FdApiClient          *self);

/* One API call. @path is below /api/v1 and already escaped
 * ("/residents?q=%E5%BC%A0&limit=50"); @body may be NULL. Finishes with
 * the parsed JSON root (NULL for 204), or an FD_ERROR error: contract codes
 * map to FdError (fd_error_from_code), TLS failures to FD_ERROR_TLS,
 * unreachable servers to FD_ERROR_NETWORK, malformed answers to
 * FD_ERROR_PROTOCOL. Error messages are translated and never carry raw
 * response text. A 401 `unauthenticated` also emits ::session-ended. */
void         fd_api_client_request_async  (FdApiClient          *self,
                                           const char           *method,
                                           const char           *path,
                                           JsonNode             *body,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
JsonNode    *fd_api_client_request_finish (FdApiClient          *self,
                                           GAsyncResult         *result,
                                           GError              **error);
/* Same, and on a server error also hands back its "error" object (code,
 * message, member, reason, locked_until, attempts_left, detail). */
JsonNode    *fd_api_client_request_finish_full (FdApiClient     *self,
                                                GAsyncResult    *result,
                                                JsonObject     **error_object,
                                                GError         **error);

/* Plain GET of a non-JSON body (CSV export). */
void         fd_api_client_get_bytes_async  (FdApiClient        *self,
                                             const char         *path,
                                             GCancellable       *cancellable,
                                             GAsyncReadyCallback callback,
                                             gpointer            user_data);
GBytes      *fd_api_client_get_bytes_finish (FdApiClient        *self,
                                             GAsyncResult       *result,
                                             GError            **error);

/* Signals:
 *  ::session-ended (const char *reason) — any call answered 401
 *      unauthenticated; reason as the server sent it ("expired",
 *      "signed-out", "disabled", "role-changed", "locked", …).
 *  ::notify::reachable — the server answered / stopped answering. */
gboolean     fd_api_client_get_reachable  (FdApiClient          *self);

G_END_DECLS
