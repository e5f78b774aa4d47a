/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The API client: the one HTTPS connection to the office server, and its calls. */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "fd-api-path.h"
#include "fd-record.h"
#include "fd-record-rules.h"
#include "fd-review-record.h"

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
 *  ::notify::reachable — the server answered / stopped answering.
 *  ::rules-required () — a call answered 403 rules-not-acknowledged
 *      (issue 12): the rules must be shown and acknowledged first. */
gboolean     fd_api_client_get_reachable  (FdApiClient          *self);

/* ---- typed calls (fd-api-client-calls.c) --------------------------------
 * Each builds its path with fd-api-path.h, sends the request and parses
 * the answer with the record parsers of fd-record.h. A malformed answer
 * fails with FD_ERROR_PROTOCOL. Where @detail is offered it receives the
 * server's error object on failure (or NULL). Pages call these and never
 * build a path or read raw JSON themselves. */

#define FD_API_CLIENT_CALL_ARGS  GCancellable        *cancellable, \
                                 GAsyncReadyCallback  callback,    \
                                 gpointer             user_data

/* A page (FdPage) of FdResident summaries. */
void           fd_api_client_search_residents_async  (FdApiClient   *self,
                                                      const char    *query,
                                                      guint          limit,
                                                      const char    *cursor,
                                                      FD_API_CLIENT_CALL_ARGS);
FdPage        *fd_api_client_search_residents_finish (FdApiClient   *self,
                                                      GAsyncResult  *result,
                                                      GError       **error);
void           fd_api_client_get_resident_async      (FdApiClient   *self,
                                                      const char    *id,
                                                      FD_API_CLIENT_CALL_ARGS);
FdResident    *fd_api_client_get_resident_finish     (FdApiClient   *self,
                                                      GAsyncResult  *result,
                                                      GError       **error);
/* @reason_text and @password may be NULL; the body is wiped once sent. */
void           fd_api_client_reveal_async            (FdApiClient   *self,
                                                      const char    *id,
                                                      const char    *field,
                                                      const char    *reason_code,
                                                      const char    *reason_text,
                                                      const char    *password,
                                                      FD_API_CLIENT_CALL_ARGS);
FdRevealed    *fd_api_client_reveal_finish           (FdApiClient    *self,
                                                      GAsyncResult   *result,
                                                      FdErrorDetail **detail,
                                                      GError        **error);
void           fd_api_client_verify_async            (FdApiClient   *self,
                                                      const char    *id,
                                                      const char    *field,
                                                      const char    *value,
                                                      FD_API_CLIENT_CALL_ARGS);
/* TRUE with *@match set, or FALSE with @error set. */
gboolean       fd_api_client_verify_finish           (FdApiClient    *self,
                                                      GAsyncResult   *result,
                                                      gboolean       *match,
                                                      GError        **error);
/* A page of FdRoom. */
void           fd_api_client_list_rooms_async        (FdApiClient   *self,
                                                      const char    *prefix,
                                                      guint          limit,
                                                      FD_API_CLIENT_CALL_ARGS);
FdPage        *fd_api_client_list_rooms_finish       (FdApiClient   *self,
                                                      GAsyncResult  *result,
                                                      GError       **error);
/* A page of FdVisitor for @date ("YYYY-MM-DD"). */
void           fd_api_client_list_visitors_async     (FdApiClient   *self,
                                                      const char    *date,
                                                      guint          limit,
                                                      const char    *cursor,
                                                      FD_API_CLIENT_CALL_ARGS);
FdPage        *fd_api_client_list_visitors_finish    (FdApiClient   *self,
                                                      GAsyncResult  *result,
                                                      GError       **error);
/* @members: NULL-terminated pairs of member name and value ("name", "张三",
 * …); empty values are left out. The body is wiped once sent. */
void           fd_api_client_register_visitor_async  (FdApiClient        *self,
                                                      const char *const  *members,
                                                      FD_API_CLIENT_CALL_ARGS);
FdVisitor     *fd_api_client_register_visitor_finish (FdApiClient    *self,
                                                      GAsyncResult   *result,
                                                      FdErrorDetail **detail,
                                                      GError        **error);
void           fd_api_client_checkout_visitor_async  (FdApiClient   *self,
                                                      const char    *id,
                                                      FD_API_CLIENT_CALL_ARGS);
FdVisitor     *fd_api_client_checkout_visitor_finish (FdApiClient   *self,
                                                      GAsyncResult  *result,
                                                      GError       **error);
/* issue 14: POST /visitors/{id}/undo-checkout */
void           fd_api_client_undo_checkout_visitor_async  (FdApiClient   *self,
                                                           const char    *id,
                                                           FD_API_CLIENT_CALL_ARGS);
FdVisitor     *fd_api_client_undo_checkout_visitor_finish (FdApiClient   *self,
                                                           GAsyncResult  *result,
                                                           GError       **error);
/* issue 14: GET /visitors/purposes, a NULL-terminated vector */
void           fd_api_client_list_visitor_purposes_async  (FdApiClient   *self,
                                                           FD_API_CLIENT_CALL_ARGS);
char         **fd_api_client_list_visitor_purposes_finish (FdApiClient   *self,
                                                           GAsyncResult  *result,
                                                           GError       **error);
/* The CSV of GET /visitors/export. */
void           fd_api_client_export_visitors_async   (FdApiClient   *self,
                                                      const char    *date,
                                                      FD_API_CLIENT_CALL_ARGS);
GBytes        *fd_api_client_export_visitors_finish  (FdApiClient   *self,
                                                      GAsyncResult  *result,
                                                      GError       **error);
/* A page of FdAuditEntry; @query may be NULL. */
void           fd_api_client_list_audit_async        (FdApiClient        *self,
                                                      const FdAuditQuery *query,
                                                      guint               limit,
                                                      const char         *cursor,
                                                      FD_API_CLIENT_CALL_ARGS);
FdPage        *fd_api_client_list_audit_finish       (FdApiClient   *self,
                                                      GAsyncResult  *result,
                                                      GError       **error);
void           fd_api_client_verify_audit_async      (FdApiClient   *self,
                                                      FD_API_CLIENT_CALL_ARGS);
FdChainStatus *fd_api_client_verify_audit_finish     (FdApiClient   *self,
                                                      GAsyncResult  *result,
                                                      GError       **error);
/* A page of FdAlert. */
void           fd_api_client_list_alerts_async       (FdApiClient   *self,
                                                      FD_API_CLIENT_CALL_ARGS);
FdPage        *fd_api_client_list_alerts_finish      (FdApiClient   *self,
                                                      GAsyncResult  *result,
                                                      GError       **error);
void           fd_api_client_get_incident_async      (FdApiClient   *self,
                                                      FD_API_CLIENT_CALL_ARGS);
/* PUT /incident; finish with fd_api_client_get_incident_finish(). */
void           fd_api_client_set_incident_async      (FdApiClient   *self,
                                                      gboolean       frozen,
                                                      FD_API_CLIENT_CALL_ARGS);
FdIncident    *fd_api_client_get_incident_finish     (FdApiClient   *self,
                                                      GAsyncResult  *result,
                                                      GError       **error);
/* A page of FdUser (admin). */
void           fd_api_client_list_users_async        (FdApiClient   *self,
                                                      FD_API_CLIENT_CALL_ARGS);
FdPage        *fd_api_client_list_users_finish       (FdApiClient   *self,
                                                      GAsyncResult  *result,
                                                      GError       **error);
/* issue 14: account administration (admin). Where offered, @detail gets
 * the server's error object on failure (reason "self", "last-admin";
 * member "username" …). */
/* POST /users without a password: the server makes a one-time one.
 * @estates: estate codes, or NULL for the server's default. */
void           fd_api_client_create_user_async       (FdApiClient   *self,
                                                      const char    *username,
                                                      const char    *display_name,
                                                      const char    *role,
                                                      const char * const *estates,
                                                      FD_API_CLIENT_CALL_ARGS);
FdIssuedPassword *fd_api_client_create_user_finish   (FdApiClient    *self,
                                                      GAsyncResult   *result,
                                                      FdErrorDetail **detail,
                                                      GError        **error);
/* POST /users/{id}/password */
void           fd_api_client_reset_password_async    (FdApiClient   *self,
                                                      const char    *id,
                                                      FD_API_CLIENT_CALL_ARGS);
FdIssuedPassword *fd_api_client_reset_password_finish (FdApiClient    *self,
                                                       GAsyncResult   *result,
                                                       FdErrorDetail **detail,
                                                       GError        **error);
/* PATCH /users/{id}: @role (NULL: unchanged), @disabled (-1: unchanged),
 * @estates (NULL: unchanged; empty: company-wide). */
void           fd_api_client_change_user_async       (FdApiClient   *self,
                                                      const char    *id,
                                                      const char    *role,
                                                      int            disabled,
                                                      const char * const *estates,
                                                      FD_API_CLIENT_CALL_ARGS);
FdUser        *fd_api_client_change_user_finish      (FdApiClient    *self,
                                                      GAsyncResult   *result,
                                                      FdErrorDetail **detail,
                                                      GError        **error);
/* POST /users/{id}/unlock */
void           fd_api_client_unlock_user_async       (FdApiClient   *self,
                                                      const char    *id,
                                                      FD_API_CLIENT_CALL_ARGS);
FdUser        *fd_api_client_unlock_user_finish      (FdApiClient    *self,
                                                      GAsyncResult   *result,
                                                      FdErrorDetail **detail,
                                                      GError        **error);
/* A page of FdResident (id, name, room, payments) from GET /payments. */
void           fd_api_client_list_payments_async     (FdApiClient   *self,
                                                      gboolean       overdue_only,
                                                      const char    *query,
                                                      guint          limit,
                                                      const char    *cursor,
                                                      FD_API_CLIENT_CALL_ARGS);
FdPage        *fd_api_client_list_payments_finish    (FdApiClient   *self,
                                                      GAsyncResult  *result,
                                                      GError       **error);
/* GET /health: TRUE when the server answered. */
/* issue 15: POST /account/totp — begin (the otpauth:// URI, a secret:
 * free with fd_secret_free()) and confirm (the recovery codes, shown
 * once: free with fd_wipe_strv()). */
void           fd_api_client_totp_begin_async        (FdApiClient   *self,
                                                      GCancellable  *cancellable,
                                                      GAsyncReadyCallback callback,
                                                      gpointer       user_data);
char          *fd_api_client_totp_begin_finish       (FdApiClient   *self,
                                                      GAsyncResult  *result,
                                                      GError       **error);
void           fd_api_client_totp_confirm_async      (FdApiClient   *self,
                                                      const char    *code,
                                                      GCancellable  *cancellable,
                                                      GAsyncReadyCallback callback,
                                                      gpointer       user_data);
char         **fd_api_client_totp_confirm_finish     (FdApiClient   *self,
                                                      GAsyncResult  *result,
                                                      GError       **error);
void           fd_api_client_check_health_async      (FdApiClient   *self,
                                                      FD_API_CLIENT_CALL_ARGS);
gboolean       fd_api_client_check_health_finish     (FdApiClient   *self,
                                                      GAsyncResult  *result,
                                                      GError       **error);

/* ---- rules and incident radius (issue 12) ---- */
void           fd_api_client_get_rules_async         (FdApiClient   *self,
                                                      FD_API_CLIENT_CALL_ARGS);
FdRulesText   *fd_api_client_get_rules_finish        (FdApiClient   *self,
                                                      GAsyncResult  *result,
                                                      GError       **error);
void           fd_api_client_acknowledge_rules_async (FdApiClient   *self,
                                                      gint64         version,
                                                      FD_API_CLIENT_CALL_ARGS);
gboolean       fd_api_client_acknowledge_rules_finish (FdApiClient  *self,
                                                       GAsyncResult *result,
                                                       GError      **error);
/* A page of FdRulesAck (manager). */
void           fd_api_client_list_rules_acks_async   (FdApiClient   *self,
                                                      FD_API_CLIENT_CALL_ARGS);
FdPage        *fd_api_client_list_rules_acks_finish  (FdApiClient   *self,
                                                      GAsyncResult  *result,
                                                      GError       **error);
/* @cause may be NULL. */
void           fd_api_client_get_radius_async        (FdApiClient   *self,
                                                      const char    *user,
                                                      const char    *from,
                                                      const char    *to,
                                                      const char    *cause,
                                                      FD_API_CLIENT_CALL_ARGS);
FdRadiusReport *fd_api_client_get_radius_finish      (FdApiClient   *self,
                                                      GAsyncResult  *result,
                                                      GError       **error);
/* The masked CSV; finish with fd_api_client_get_bytes_finish(). */
void           fd_api_client_export_radius_async     (FdApiClient   *self,
                                                      const char    *user,
                                                      const char    *from,
                                                      const char    *to,
                                                      FD_API_CLIENT_CALL_ARGS);

/* ---- alerts out of the app and the self-check (issue 12) ---- */
/* A page of FdAlertDelivery, newest first (manager). */
void           fd_api_client_list_alert_deliveries_async  (FdApiClient   *self,
                                                           guint          limit,
                                                           FD_API_CLIENT_CALL_ARGS);
FdPage        *fd_api_client_list_alert_deliveries_finish (FdApiClient   *self,
                                                           GAsyncResult  *result,
                                                           GError       **error);
/* POST /alerts/test: TRUE with *@queued set (0: no destination). */
void           fd_api_client_send_test_alert_async   (FdApiClient   *self,
                                                      FD_API_CLIENT_CALL_ARGS);
gboolean       fd_api_client_send_test_alert_finish  (FdApiClient   *self,
                                                      GAsyncResult  *result,
                                                      gint64        *queued,
                                                      GError       **error);
/* A page of FdCheckFinding; @fresh runs the check again (manager, admin). */
void           fd_api_client_list_checks_async       (FdApiClient   *self,
                                                      gboolean       fresh,
                                                      FD_API_CLIENT_CALL_ARGS);
FdPage        *fd_api_client_list_checks_finish      (FdApiClient   *self,
                                                      GAsyncResult  *result,
                                                      GError       **error);

/* ---- access review (issue 12) ----
 * GET /reviews/current, POST /reviews, POST /reviews/{id}/decisions
 * (@role NULL unless role-changed), POST /reviews/{id}/sign-off: each
 * finishes with fd_api_client_get_review_finish(). */
void           fd_api_client_get_review_async        (FdApiClient   *self,
                                                      FD_API_CLIENT_CALL_ARGS);
void           fd_api_client_open_review_async       (FdApiClient   *self,
                                                      FD_API_CLIENT_CALL_ARGS);
void           fd_api_client_decide_review_async     (FdApiClient   *self,
                                                      const char    *review_id,
                                                      const char    *user_id,
                                                      const char    *decision,
                                                      const char    *role,
                                                      FD_API_CLIENT_CALL_ARGS);
void           fd_api_client_sign_off_review_async   (FdApiClient   *self,
                                                      const char    *review_id,
                                                      FD_API_CLIENT_CALL_ARGS);
FdReview      *fd_api_client_get_review_finish       (FdApiClient    *self,
                                                      GAsyncResult   *result,
                                                      FdErrorDetail **detail,
                                                      GError        **error);
/* GET /reviews/{id}/export: the CSV; finish with fd_api_client_get_bytes_finish(). */
void           fd_api_client_export_review_async     (FdApiClient   *self,
                                                      const char    *review_id,
                                                      FD_API_CLIENT_CALL_ARGS);

/* ---- pwchange: self-service password change ----
 * POST /account/password; TRUE on 204. On failure @detail (may be NULL)
 * gets the server's error object (member "current_password" or
 * "new_password", locked_until). The body is wiped once sent. */
void           fd_api_client_change_password_async   (FdApiClient   *self,
                                                      const char    *current_password,
                                                      const char    *new_password,
                                                      FD_API_CLIENT_CALL_ARGS);
gboolean       fd_api_client_change_password_finish  (FdApiClient    *self,
                                                      GAsyncResult   *result,
                                                      FdErrorDetail **detail,
                                                      GError        **error);

G_END_DECLS
