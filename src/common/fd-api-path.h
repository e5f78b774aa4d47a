/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Every request path of the contract, built in one place. */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Every request path of the contract, below /api/v1, built in one place:
 * ids and parameters are percent-escaped here, empty parameters left out. */

#define FD_API_PATH_HEALTH          "/health"
#define FD_API_PATH_SESSION         "/session"
#define FD_API_PATH_SESSION_LOCK    "/session/lock"
#define FD_API_PATH_SESSION_UNLOCK  "/session/unlock"
#define FD_API_PATH_SECOND_FACTOR   "/session/second-factor"
#define FD_API_PATH_ACCOUNT_TOTP    "/account/totp"
#define FD_API_PATH_ACCOUNT_PASSWORD "/account/password"   /* pwchange */
#define FD_API_PATH_VISITORS        "/visitors"
#define FD_API_PATH_VISITOR_PURPOSES "/visitors/purposes"   /* issue 14 */
#define FD_API_PATH_AUDIT_VERIFY    "/audit/verify"
#define FD_API_PATH_ALERTS          "/alerts"
#define FD_API_PATH_INCIDENT        "/incident"
#define FD_API_PATH_USERS           "/users"
#define FD_API_PATH_REVIEWS         "/reviews"   /* issue 12 */
#define FD_API_PATH_ALERTS_TEST     "/alerts/test"        /* issue 12 */
#define FD_API_PATH_ADMIN_CHECKS    "/admin/checks"       /* issue 12 */
#define FD_API_PATH_ADMIN_CHECKS_FRESH "/admin/checks?fresh=1"

/* The filters of GET /audit; NULL or "" leaves one out. */
typedef struct
{
  char *actor;
  char *action;
  char *since;   /* RFC 3339 */
  char *until;
} FdAuditQuery;

void   fd_audit_query_free             (FdAuditQuery *query);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdAuditQuery, fd_audit_query_free)

/* /residents?q=…&limit=…&cursor=… */
char  *fd_api_path_residents           (const char         *query,
                                        guint               limit,
                                        const char         *cursor);
/* /residents/{id}, or /residents/{id}/{action} ("reveal", "verify") */
char  *fd_api_path_resident            (const char         *id,
                                        const char         *action);
/* /rooms?q=…&limit=… */
char  *fd_api_path_rooms               (const char         *prefix,
                                        guint               limit);
/* /visitors?date=…&limit=…&cursor=… */
char  *fd_api_path_visitors            (const char         *date,
                                        guint               limit,
                                        const char         *cursor);
/* /visitors/{id}/checkout */
char  *fd_api_path_visitor_checkout    (const char         *id);
/* /visitors/{id}/undo-checkout (issue 14) */
char  *fd_api_path_visitor_undo_checkout (const char       *id);
/* /visitors/export?date=… */
char  *fd_api_path_visitors_export     (const char         *date);
/* /audit?limit=…&actor=…&action=…&since=…&until=…&cursor=… */
char  *fd_api_path_audit               (const FdAuditQuery *query,
                                        guint               limit,
                                        const char         *cursor);
/* /alerts/deliveries?limit=… (issue 12) */
char  *fd_api_path_alert_deliveries    (guint               limit);
/* /users/{id} */
char  *fd_api_path_user                (const char         *id);
/* /users/{id}/{action} ("unlock", "password") */
char  *fd_api_path_user_action         (const char         *id,
                                        const char         *action);
/* /payments?overdue=1&q=…&limit=…&cursor=… */
char  *fd_api_path_payments            (gboolean            overdue_only,
                                        const char         *query,
                                        guint               limit,
                                        const char         *cursor);
/* /reviews/{id} ("current" or an id), or /reviews/{id}/{action}
 * ("decisions", "sign-off", "export") (issue 12) */
char  *fd_api_path_review              (const char         *id,
                                        const char         *action);
/* "YYYY-MM-DD", a day in local time → RFC 3339 UTC of the start of that
 * day plus @days (the audit filter's since and until); NULL when @text is
 * not a valid date. */
char  *fd_api_day_to_utc               (const char         *text,
                                        int                 days);

G_END_DECLS
