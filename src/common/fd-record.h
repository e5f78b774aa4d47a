/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The contract's records and their parsers. */

#pragma once

#include <json-glib/json-glib.h>

#include "fd-field.h"
#include "fd-role.h"

G_BEGIN_DECLS

/* The contract's records, one parser each (docs/api.md). A parser checks
 * every node's type and fails with FD_ERROR_PROTOCOL on anything else;
 * it never crashes and never keeps a partial record. A member the role
 * may not see is absent: its pointer is NULL. Strings that may carry
 * resident data are wiped when the record is freed. */

typedef gpointer (*FdRecordParseFunc) (JsonNode  *node,
                                       GError   **error);

/* {"status", "account", "balance_cents", "last_paid_at"}, members per role. */
typedef struct
{
  char         *status;         /* "paid", "overdue" */
  FdFieldValue *account;
  gboolean      has_balance;
  gint64        balance_cents;
  char         *last_paid_at;
} FdPayments;

/* A search summary or a detail (which adds id_number, home_address, payments). */
typedef struct
{
  char         *id;
  FdFieldValue *name;
  FdFieldValue *room;
  FdFieldValue *phone;
  FdFieldValue *id_number;
  FdFieldValue *home_address;
  GPtrArray    *plates;         /* FdFieldValue; empty when none or absent */
  FdPayments   *payments;
} FdResident;

typedef struct
{
  char         *id;
  FdFieldValue *name;
  FdFieldValue *phone;
  FdFieldValue *id_number;
  FdFieldValue *room;
  FdFieldValue *plate;
  char         *purpose;
  char         *arrived_at;
  char         *left_at;        /* NULL while on the estate */
  char         *registered_by;
} FdVisitor;

typedef struct
{
  gint64  seq;
  char   *at;
  char   *actor;
  char   *role;
  char   *workstation;
  char   *ip;
  char   *action;
  char   *target;
  char   *field;
  char   *reason_code;
  char   *reason_text;
  char   *outcome;
  char   *session;
  char   *target_label;   /* issue 14: the resident as the reader's role sees them */
} FdAuditEntry;

typedef struct
{
  char *id;
  char *at;
  char *kind;
  char *actor;
  char *detail;
} FdAlert;

typedef struct
{
  char     *id;
  char     *username;
  char     *display_name;
  FdRole    role;
  gboolean  disabled;
  gboolean  locked;
  char     *locked_until;              /* NULL: not locked, or until an admin lifts it */
  char     *last_sign_in_at;           /* NULL: never signed in */
  char     *last_sign_in_workstation;
  char    **estates;                   /* codes; empty: company-wide; NULL: not sent */
} FdUser;

/* POST /users without a password, POST /users/{id}/password: the
 * one-time password (wiped on free) and the account. */
typedef struct
{
  char   *password;
  FdUser *user;
} FdIssuedPassword;

/* One room of the visitor form's picker. */
typedef struct
{
  char   *room;
  gint64  residents;
} FdRoom;

/* GET /audit/verify */
typedef struct
{
  gboolean ok;
  gint64   entries;
  gint64   first_bad_seq;       /* -1 when none */
} FdChainStatus;

/* GET/PUT /incident */
typedef struct
{
  gboolean  frozen;
  char     *since;
  char     *by;
} FdIncident;

/* POST /residents/{id}/reveal: @value is the clear value, wiped on free. */
typedef struct
{
  char   *field;
  char   *value;
  gint64  expires_in_s;
} FdRevealed;

/* An error answer's {"error": {…}}: what the client may act on. */
typedef struct
{
  char   *code;
  char   *member;
  char   *reason;
  char   *detail;
  char   *locked_until;
  gint64  attempts_left;        /* -1 when absent */
} FdErrorDetail;

/* GET /admin/checks: one finding of the self-check (issue 12). */
typedef struct
{
  char   *id;
  char   *level;          /* "ok", "warning", "critical" */
  char   *what;
  char   *fix;
} FdCheckFinding;

/* GET /alerts/deliveries: one alert sent out of the app (issue 12). */
typedef struct
{
  char   *kind;
  char   *at;
  char   *channel;        /* "webhook", "syslog" */
  char   *destination;
  char   *status;         /* "pending", "delivered", "failed" */
  gint64  attempts;
  char   *last_error;
} FdAlertDelivery;

/* {"items": […], "next_cursor": "…"|null}; items parsed by @parse. */
typedef struct
{
  GPtrArray *items;
  char      *next_cursor;
} FdPage;

FdResident    *fd_resident_parse        (JsonNode *node, GError **error);
void           fd_resident_free         (FdResident *resident);
/* Every plate joined with ", " (as reveal answers them), masked or
 * revealable when any one is; NULL when there is none. */
FdFieldValue  *fd_resident_join_plates  (const FdResident *resident);
/* name, room, phone, id_number or home_address; NULL when absent. */
const FdFieldValue *fd_resident_get_field (const FdResident *resident,
                                           FdField           field);

FdVisitor     *fd_visitor_parse         (JsonNode *node, GError **error);
void           fd_visitor_free          (FdVisitor *visitor);

FdAuditEntry  *fd_audit_entry_parse     (JsonNode *node, GError **error);
void           fd_audit_entry_free      (FdAuditEntry *entry);
/* A string member by its wire name ("actor", "reason_code", …); NULL when
 * null or not a string member. */
const char    *fd_audit_entry_get_member (const FdAuditEntry *entry,
                                          const char         *member);

FdAlert       *fd_alert_parse           (JsonNode *node, GError **error);
void           fd_alert_free            (FdAlert *alert);

FdUser        *fd_user_parse            (JsonNode *node, GError **error);
void           fd_user_free             (FdUser *user);

FdIssuedPassword *fd_issued_password_parse (JsonNode *node, GError **error);
void           fd_issued_password_free  (FdIssuedPassword *issued);

FdRoom        *fd_room_parse            (JsonNode *node, GError **error);
void           fd_room_free             (FdRoom *room);

FdChainStatus *fd_chain_status_parse    (JsonNode *node, GError **error);
void           fd_chain_status_free     (FdChainStatus *status);

FdIncident    *fd_incident_parse        (JsonNode *node, GError **error);
void           fd_incident_free         (FdIncident *incident);

FdRevealed    *fd_revealed_parse        (JsonNode *node, GError **error);
void           fd_revealed_free         (FdRevealed *revealed);

/* Parses the object inside "error" (not the whole answer). */
FdErrorDetail *fd_error_detail_parse    (JsonNode *node, GError **error);
void           fd_error_detail_free     (FdErrorDetail *detail);

/* POST /residents/{id}/verify → {"match": bool} */
gboolean       fd_verify_match_parse    (JsonNode *node,
                                         gboolean *match,
                                         GError  **error);

FdCheckFinding *fd_check_finding_parse  (JsonNode *node, GError **error);
void           fd_check_finding_free    (FdCheckFinding *finding);

FdAlertDelivery *fd_alert_delivery_parse (JsonNode *node, GError **error);
void           fd_alert_delivery_free   (FdAlertDelivery *delivery);

/* POST /alerts/test → {"queued": N}: how many deliveries were queued. */
gboolean       fd_alert_test_parse      (JsonNode *node,
                                         gint64   *queued,
                                         GError  **error);

/* {"items": ["快递", …]} → a NULL-terminated vector of its strings (other
 * items are passed over); NULL and FD_ERROR_PROTOCOL without "items". */
char         **fd_string_page_parse     (JsonNode  *node,
                                         GError   **error);

FdPage        *fd_page_parse            (JsonNode          *node,
                                         FdRecordParseFunc  parse,
                                         GDestroyNotify     free_item,
                                         GError           **error);
void           fd_page_free             (FdPage *page);

/* What a session answer (sign-in, GET /session) says of the session:
 * its user, the office policy and, from contract v1.2, its estate. Read
 * leniently, as the client always has: only the user's username is
 * required; a policy member that is missing or of another type is unset. */
#define FD_SESSION_INFO_UNSET G_MININT64

typedef struct
{
  char     *username;         /* never NULL */
  char     *display_name;     /* NULL when not given */
  FdRole    role;             /* FD_ROLE_INVALID when missing or unknown */
  gint64    lock_after_s;     /* FD_SESSION_INFO_UNSET when not given */
  gint64    reveal_window_s;  /* FD_SESSION_INFO_UNSET when not given */
  gboolean  watermark;        /* TRUE when not given */
  char     *estate_code;      /* NULL when not given */
  char     *estate_name;      /* NULL when not given */
  char     *workstation;      /* not in the answer: the client sets it */
  char     *second_factor;    /* issue 15: "none", "enrolled", "enrolment-required"; NULL when not given */
  gboolean  rules_pending;    /* issue 12: "rules": {"acknowledged": false} */
  gboolean  password_change_required; /* pwchange: a one-time password; FALSE when not given */
} FdSessionInfo;

FdSessionInfo *fd_session_info_parse    (JsonNode  *node,
                                         GError   **error);
FdSessionInfo *fd_session_info_copy     (const FdSessionInfo *info);
void           fd_session_info_free     (FdSessionInfo *info);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdResident, fd_resident_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdVisitor, fd_visitor_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdAuditEntry, fd_audit_entry_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdAlert, fd_alert_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdUser, fd_user_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdRoom, fd_room_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdIssuedPassword, fd_issued_password_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdChainStatus, fd_chain_status_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdIncident, fd_incident_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdRevealed, fd_revealed_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdErrorDetail, fd_error_detail_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdPage, fd_page_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdCheckFinding, fd_check_finding_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdAlertDelivery, fd_alert_delivery_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdSessionInfo, fd_session_info_free)

G_END_DECLS
