/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The typed calls of audit, alerts, incident, review, rules and checks. */

#include "config.h"

#include "fd-api-client-calls-private.h"

#include <string.h>

#include "fd-error.h"
#include "fd-field.h"
#include "fd-wipe.h"

/* ---- oversight ------------------------------------------------------------ */

DEFINE_PAGE_CALL (list_audit,
                  (FdApiClient *self, const FdAuditQuery *query, guint limit, const char *cursor),
                  fd_api_path_audit (query, limit, cursor), audit_entry)

DEFINE_ASYNC (verify_audit, (FdApiClient *self),
              "GET", g_strdup (FD_API_PATH_AUDIT_VERIFY), NULL,
              fd_call_record ((FdRecordParseFunc) fd_chain_status_parse,
                              (GDestroyNotify) fd_chain_status_free))
DEFINE_FINISH (FdChainStatus, verify_audit)

DEFINE_PAGE_CALL (list_alerts,
                  (FdApiClient *self),
                  g_strdup (FD_API_PATH_ALERTS), alert)

DEFINE_ASYNC (get_incident, (FdApiClient *self),
              "GET", g_strdup (FD_API_PATH_INCIDENT), NULL,
              fd_call_record ((FdRecordParseFunc) fd_incident_parse,
                              (GDestroyNotify) fd_incident_free))

static JsonNode *
frozen_body (gboolean frozen)
{
  JsonNode *body = json_node_init_object (json_node_alloc (), json_object_new ());

  json_object_set_boolean_member (json_node_get_object (body), "frozen", frozen);
  json_object_unref (json_node_get_object (body));
  return body;
}

/* Finished by fd_api_client_get_incident_finish(), hence its tag. */
DEFINE_ASYNC_TAGGED (set_incident, get_incident, (FdApiClient *self, gboolean frozen),
                     "PUT", g_strdup (FD_API_PATH_INCIDENT), frozen_body (frozen),
                     fd_call_record ((FdRecordParseFunc) fd_incident_parse,
                                     (GDestroyNotify) fd_incident_free))
DEFINE_FINISH (FdIncident, get_incident)

/* ---- alerts out of the app and the self-check (issue 12) ------------------ */

DEFINE_PAGE_CALL (list_alert_deliveries, (FdApiClient *self, guint limit),
                  fd_api_path_alert_deliveries (limit), alert_delivery)

static gpointer
alert_test_parse (JsonNode  *node,
                  GError   **error)
{
  gint64 queued = 0;

  if (!fd_alert_test_parse (node, &queued, error))
    return NULL;
  return g_memdup2 (&queued, sizeof queued);
}

DEFINE_ASYNC (send_test_alert, (FdApiClient *self),
              "POST", g_strdup (FD_API_PATH_ALERTS_TEST), NULL,
              fd_call_record (alert_test_parse, g_free))

gboolean
fd_api_client_send_test_alert_finish (FdApiClient   *self,
                                      GAsyncResult  *result,
                                      gint64        *queued,
                                      GError       **error)
{
  g_autofree gint64 *answer = fd_call_finish (self, result, fd_api_client_send_test_alert_async,
                                              NULL, error);

  if (queued != NULL)
    *queued = answer != NULL ? *answer : 0;
  return answer != NULL;
}

DEFINE_PAGE_CALL (list_checks, (FdApiClient *self, gboolean fresh),
                  g_strdup (fresh ? FD_API_PATH_ADMIN_CHECKS_FRESH : FD_API_PATH_ADMIN_CHECKS),
                  check_finding)

/* ---- access review (issue 12) --------------------------------------------- */

DEFINE_ASYNC (get_review, (FdApiClient *self),
              "GET", fd_api_path_review ("current", NULL), NULL,
              fd_call_record ((FdRecordParseFunc) fd_review_parse, (GDestroyNotify) fd_review_free))

/* The review calls all answer a review: one finish, hence one tag. */
DEFINE_ASYNC_TAGGED (open_review, get_review, (FdApiClient *self),
                     "POST", g_strdup (FD_API_PATH_REVIEWS),
                     json_node_init_object (json_node_alloc (), json_object_new ()),
                     fd_call_record ((FdRecordParseFunc) fd_review_parse,
                                     (GDestroyNotify) fd_review_free))

DEFINE_ASYNC_TAGGED (decide_review, get_review,
                     (FdApiClient *self, const char *review_id, const char *user_id,
                      const char *decision, const char *role),
                     "POST", fd_api_path_review (review_id, "decisions"),
                     fd_json_string_object (TRUE, "user_id", user_id, "decision", decision,
                                            "role", role, NULL),
                     fd_call_record ((FdRecordParseFunc) fd_review_parse,
                                     (GDestroyNotify) fd_review_free))

DEFINE_ASYNC_TAGGED (sign_off_review, get_review, (FdApiClient *self, const char *review_id),
                     "POST", fd_api_path_review (review_id, "sign-off"), NULL,
                     fd_call_record ((FdRecordParseFunc) fd_review_parse,
                                     (GDestroyNotify) fd_review_free))

FdReview *
fd_api_client_get_review_finish (FdApiClient    *self,
                                 GAsyncResult   *result,
                                 FdErrorDetail **detail,
                                 GError        **error)
{
  return fd_call_finish (self, result, fd_api_client_get_review_async, detail, error);
}

void
fd_api_client_export_review_async (FdApiClient         *self,
                                   const char          *review_id,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autofree char *path = fd_api_path_review (review_id, "export");

  fd_api_client_get_bytes_async (self, path, cancellable, callback, user_data);
}
/* ---- rules and incident radius (issue 12) --------------------------------- */

DEFINE_ASYNC (get_rules, (FdApiClient *self),
              "GET", g_strdup (FD_API_PATH_RULES), NULL,
              fd_call_record ((FdRecordParseFunc) fd_rules_text_parse,
                              (GDestroyNotify) fd_rules_text_free))
DEFINE_FINISH (FdRulesText, get_rules)

DEFINE_ASYNC (acknowledge_rules, (FdApiClient *self, gint64 version),
              "POST", g_strdup (FD_API_PATH_RULES_ACKNOWLEDGE), fd_rules_acknowledge_body (version),
              fd_call_record (fd_call_no_content_parse, NULL))

gboolean
fd_api_client_acknowledge_rules_finish (FdApiClient   *self,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  return fd_call_finish (self, result, fd_api_client_acknowledge_rules_async, NULL, error) != NULL;
}

DEFINE_PAGE_CALL (list_rules_acks,
                  (FdApiClient *self),
                  g_strdup (FD_API_PATH_RULES_ACKS), rules_ack)

DEFINE_ASYNC (get_radius,
              (FdApiClient *self, const char *user, const char *from, const char *to,
               const char *cause),
              "GET", fd_api_path_radius (user, from, to, cause, FALSE), NULL,
              fd_call_record ((FdRecordParseFunc) fd_radius_report_parse,
                              (GDestroyNotify) fd_radius_report_free))
DEFINE_FINISH (FdRadiusReport, get_radius)

void
fd_api_client_export_radius_async (FdApiClient         *self,
                                   const char          *user,
                                   const char          *from,
                                   const char          *to,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autofree char *path = fd_api_path_radius (user, from, to, NULL, TRUE);

  fd_api_client_get_bytes_async (self, path, cancellable, callback, user_data);
}
