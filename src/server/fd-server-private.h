/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the parts of the HTTP core (fd-server-*.c) and the route groups share. */

#pragma once

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

#include "fd-alert-out.h"
#include "fd-auth-cache.h"
#include "fd-connection-guard.h"
#include "fd-error.h"
#include "fd-policy.h"
#include "fd-rate-limit.h"
#include "fd-search.h"
#include "fd-search-follow.h"
#include "fd-search-pool.h"
#include "fd-server.h"
#include "fd-witness.h"
#include "fd-work-pool.h"

G_BEGIN_DECLS

#define FD_MAX_BODY (64 * 1024)
#define FD_TEN_MINUTES ((gint64) 10 * 60 * G_USEC_PER_SEC)

/* fd-server-committer.c (issue 13, search13): the group commit's sync thread */
typedef struct _FdCommitter FdCommitter;
FdCommitter *fd_committer_new  (FdServer    *server);
void         fd_committer_free (FdCommitter *committer);
void         fd_committer_push (FdCommitter *committer,
                                GPtrArray   *waiting);
void         fd_committer_gate_witness (FdServer *server);

struct _FdServer
{
  FdConfig      *config;
  FdStore       *store;
  FdSearchIndex *index;
  SoupServer    *soup;
  FdConnectionGuard *guard;
  guint16        port;
  guint          inflight;
  gboolean       shutting_down;
  GSourceFunc    shutdown_done;
  gpointer       shutdown_data;
  guint          shutdown_timeout_id;
  guint          purge_id;

  /* Group commit: audit entries (and every other write) of the requests
   * served within ~1 ms share one transaction; their answers are held
   * back until it commits, and become 503s if it cannot. */
  gboolean       tx_open;
  GPtrArray     *awaiting_commit;   /* FdRequest*, paused */
  guint          commit_id;

  /* The audit head written outside the database (fd-witness.h). */
  FdWitness     *witness;
  /* issue 9: worker-thread jobs (password hashes) are bounded; sign-in
   * attempts are rate-limited per source address */
  GMainContext  *context;
  FdWorkPool    *work_pool;
  FdRateLimit   *sign_in_limit;
  /* Search queries run on these workers, off the main context (issue 13). */
  FdSearchPool  *search_pool;
  /* issue 11: the index follows other servers' resident writes (PostgreSQL) */
  FdSearchFollow *search_follow;
  /* issue 12: the minute check that disables accounts a review left undecided */
  guint          review_check_id;
  /* issue 12: alerts sent out of the app (fd-alert-out.h); NULL when no
   * destination is configured */
  FdAlertOut    *alert_out;
  /* issue 13 (perf13): fd_server_is_off_hours() of this wall-clock second */
  gint64         off_hours_second;
  gboolean       off_hours;
  /* issue 13 (perf13): authenticated sessions, fd-auth-cache.h */
  FdAuthCache   *auth_cache;
  /* issue 13 (search13): syncs the group commit off the main context;
   * NULL when the engine's COMMIT is durable itself (fd-server-commit.c) */
  FdCommitter   *committer;
  /* The newest alert this process knows of, per kind and account
   * ("kind\x1factor" -> RFC 3339 text): fd_alert_recent() asks the store
   * only when it is older than the question. Emptied when a group
   * commit fails (its alerts may be gone). */
  GHashTable    *alerts_known;
};

typedef struct _FdRequest FdRequest;

struct _FdRequest
{
  gint              ref_count;
  FdServer         *server;
  SoupServerMessage *msg;
  const char       *method;
  char            **segments;   /* path below /api/v1, split on '/' */
  GHashTable       *query;      /* may be NULL */
  JsonNode         *body_node;
  JsonObject       *body;       /* NULL unless the body is an object */
  char             *ip;

  /* set by authentication */
  FdSessionRecord  *session;
  FdUserRecord     *user;
  FdRole            role;
  char             *session_hash;  /* short hash for the audit log */
  gboolean          in_thread;     /* paused for a worker-thread job */
  /* issue 11: the estate this request may touch (the session's; before
   * a session exists, the one sign-in settles on); FD_ESTATE_ALL for a
   * company-wide session. */
  gint64            estate_id;
  /* issue 16 (failover): FdStore.outages when the request came in; the
   * answer is 503 when it changed (fd-server-reply.c) */
  guint             store_outages;
  gboolean          outage_answered;
};

typedef void (*FdHandler) (FdRequest *req);

FdRequest  *fd_request_ref         (FdRequest  *req);
void        fd_request_unref       (FdRequest  *req);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdRequest, fd_request_unref)

/* Replies. Every reply goes through these; they also set the security
 * headers. Every JSON answer is written with an FdJsonWriter. */
/* Sends (and clears) what @writer holds. */
void        fd_reply_writer        (FdRequest    *req,
                                    guint         status,
                                    FdJsonWriter *writer);
/* The same for an answer that holds a secret (a token, a revealed
 * value): its text is wiped once the message is done with it. */
void        fd_reply_writer_secret (FdRequest    *req,
                                    guint         status,
                                    FdJsonWriter *writer);
/* Takes @data (g_malloc'd). */
void        fd_reply_data          (FdRequest   *req,
                                    guint        status,
                                    const char  *content_type,
                                    char        *data,
                                    gsize        len);
void        fd_reply_empty         (FdRequest   *req,
                                    guint        status);
void        fd_reply_error         (FdRequest   *req,
                                    FdError      code,
                                    const char  *message,
                                    const char  *member);
/* @extra (may be NULL): members written at the top level of their own
 * writer (fd_json_writer_splice_members), added to the error object. */
void        fd_reply_error_full    (FdRequest    *req,
                                    FdError       code,
                                    const char   *message,
                                    const char   *member,
                                    FdJsonWriter *extra);
void        fd_reply_gerror        (FdRequest   *req,
                                    const GError *error);
/* Issue 16: 503 unavailable, detail database-unavailable, Retry-After: the
 * database was lost (or could not confirm a commit) while the request ran,
 * so nothing it was going to answer can be trusted. Later replies do not
 * replace it. */
void        fd_reply_database_unavailable (FdRequest *req);
/* An error with a Retry-After of @seconds (a 429 or a 503). */
void        fd_reply_retry_later   (FdRequest   *req,
                                    FdError      code,
                                    guint        seconds,
                                    const char  *message);

/* Appends one audit entry for this request's actor. FALSE (and a 503
 * reply already sent) when the entry could not be written: the caller
 * must then not grant the access. */
gboolean    fd_audit               (FdRequest   *req,
                                    const char  *action,
                                    const char  *target,
                                    const char  *field,
                                    const char  *reason_code,
                                    const char  *reason_text,
                                    gboolean     allowed);
/* The same for a named actor before a session exists (login). */
gboolean    fd_audit_actor         (FdRequest          *req,
                                    const FdUserRecord *user,
                                    const char         *actor,
                                    const char         *action,
                                    const char         *target,
                                    gboolean            allowed);
/* Issue 12: an allowed entry that showed the subjects @ids (of
 * FD_RADIUS_RESIDENT or FD_RADIUS_VISITOR): a search's listed residents,
 * an export's visitors, recorded with the entry for incident radius. */
gboolean    fd_audit_subjects      (FdRequest    *req,
                                    const char   *action,
                                    const char   *target,
                                    const char   *reason_text,
                                    char          kind,
                                    const gint64 *ids,
                                    guint         n_ids);
/* Opens the group-commit transaction before a write that precedes its
 * audit entry (the entry needs the new row's id), so that the write and
 * the entry commit together or not at all: a crash between them must not
 * leave a record without its entry. FALSE (and a 503 reply already sent)
 * when it cannot. */
gboolean    fd_begin_writes        (FdRequest          *req);

/* Runs @work in a worker thread (message paused), then @done back on the
 * main context. The worker pool is bounded: when it is full, @data is
 * freed, @done is never called, a 503 with Retry-After is sent and FALSE
 * returned. */
typedef gpointer (*FdWorkFunc) (gpointer data);
typedef void     (*FdDoneFunc) (FdRequest *req, gpointer result);
gboolean    fd_request_run_in_thread (FdRequest     *req,
                                      FdWorkFunc     work,
                                      gpointer       data,
                                      GDestroyNotify data_free,
                                      FdDoneFunc     done);
/* For a handler whose work runs on a pool of its own (search): pauses the
 * message. Once the answer is set, on the main context,
 * fd_request_resume() sends it when its writes have committed. */
void        fd_request_suspend     (FdRequest   *req);
void        fd_request_resume      (FdRequest   *req);

/* TRUE when fd_request_run_in_thread() would be refused; then a 503 with
 * Retry-After is already sent. Check it before counting an attempt that
 * the worker would check, so that a busy server counts nothing. */
gboolean    fd_request_threads_busy  (FdRequest     *req);

/* Body and query readers. Each sends the 400 naming the member and
 * returns FALSE on a wrong type; absent optional members give NULL. */
gboolean    fd_body_string         (FdRequest   *req,
                                    const char  *member,
                                    gboolean     required,
                                    gsize        max_chars,
                                    const char **out);
gboolean    fd_body_bool           (FdRequest   *req,
                                    const char  *member,
                                    gboolean    *present,
                                    gboolean    *out);
gboolean    fd_query_limit         (FdRequest   *req,
                                    guint        fallback,
                                    guint       *out);
const char *fd_query_get           (FdRequest   *req,
                                    const char  *name);
/* Parses "/{id}" path ids: positive decimal. */
gboolean    fd_parse_id            (const char  *text,
                                    gint64      *out);
/* Signed opaque cursors bound to a context string (query, role). */
char       *fd_cursor_encode       (FdServer    *server,
                                    const char  *context,
                                    gint64       last);
gboolean    fd_cursor_decode       (FdServer    *server,
                                    const char  *context,
                                    const char  *cursor,
                                    gint64      *last);
/* Requires one of @roles (FD_N_ROLES-terminated); else 403, audited as a denial. */
gboolean    fd_require_role        (FdRequest   *req,
                                    const char  *action,
                                    ...);

gint64      fd_now                 (void);
gboolean    fd_server_is_off_hours (FdServer    *server);
/* Records an alert and its audit entry ("alert", target = the account). */
void        fd_raise_alert         (FdRequest          *req,
                                    const FdUserRecord *user,
                                    const char         *kind,
                                    const char         *detail);
/* TRUE when a @kind alert about @actor was raised at or after @since
 * (RFC 3339): the bulk rules raise one only when there is none. */
gboolean    fd_alert_recent        (FdServer           *server,
                                    const char         *kind,
                                    const char         *actor,
                                    const char         *since);
void        fd_alerts_known_forget (FdServer           *server);
/* Locks @user until @until (-1: until an admin lifts it), ends its
 * sessions, and raises @alert_kind when not NULL. */
void        fd_server_lock_user    (FdRequest   *req,
                                    FdUserRecord *user,
                                    gint64        until,
                                    const char   *alert_kind,
                                    const char   *detail);
/* Opens (or joins) the group-commit transaction for a write that is not
 * an audit entry (a limit taken before the answer): the answer then waits
 * for its commit like an audited one. */
gboolean    fd_server_begin_write  (FdServer    *server,
                                    GError     **error);
/* Wipes a string member of a request body in place once read. */
void        fd_body_wipe_member    (FdRequest   *req,
                                    const char  *member);

/* Between the parts of the core (fd-server-*.c). */
/* fd-server.c: counts @msg in flight until it is finished. */
void        fd_server_track_message  (FdServer          *server,
                                      SoupServerMessage *msg);
/* fd-server-dispatch.c: the soup handlers. */
void        fd_server_dispatch_cb    (SoupServer        *soup,
                                      SoupServerMessage *msg,
                                      const char        *path,
                                      GHashTable        *query,
                                      gpointer           user_data);
void        fd_server_early_cb       (SoupServer        *soup,
                                      SoupServerMessage *msg,
                                      const char        *path,
                                      GHashTable        *query,
                                      gpointer           user_data);
/* fd-server-auth.c: checks the bearer token; FALSE with the answer sent. */
gboolean    fd_request_authenticate  (FdRequest         *req,
                                      gboolean           allow_locked);
/* fd-server-input.c: parses the body (a JSON object or nothing); FALSE
 * with the 400 or 413 sent. */
gboolean    fd_request_parse_body    (FdRequest         *req);
/* fd-server-reply.c: a 401 with "reason". */
void        fd_reply_unauthenticated (FdRequest         *req,
                                      const char        *reason);
void        fd_reply_unauthenticated_full (FdRequest    *req,
                                           const char   *message,
                                           const char   *reason);
/* fd-server-commit.c: once a request's answer is set, holds it (message
 * paused) until its writes commit. @paused: already paused (a
 * worker-thread request). */
/* fd-server-commit.c / fd-server-committer.c (issue 13, search13): answers
 * of a group whose writes are durable (@ok) or not (refused) go out */
void        fd_commit_release      (GPtrArray    *waiting,
                                    gboolean      ok);
gboolean    fd_committer_join      (FdCommitter  *committer,
                                    FdRequest    *req,
                                    gboolean      paused);
void        fd_request_release_when_committed (FdRequest *req,
                                               gboolean   paused);

/* Estates (issue 11). The store's scope follows the request whose code
 * runs on the main context: set on entering a handler or a worker's done
 * callback (fd_request_enter), back to FD_ESTATE_ALL on leaving it.
 * fd-server-auth.c. */
void        fd_request_enter         (FdRequest         *req);
void        fd_request_leave         (FdRequest         *req);
/* The first wall: TRUE when the request may see a row of @estate_id. A
 * row it may not see is answered exactly like one that does not exist. */
gboolean    fd_request_sees_estate   (FdRequest         *req,
                                      gint64             estate_id);

/* fd-routes-estates.c: the "estates" member of /users bodies: NULL when
 * absent; FALSE with the 400 sent when it is not a list of strings. */
gboolean    fd_body_estates          (FdRequest         *req,
                                      GStrv             *codes);
/* The estate ids of an account of @role (fd_estates_for_role()); NULL
 * with the 400 naming "estates" sent. */
GArray     *fd_request_estates_for_role (FdRequest          *req,
                                         const char         *role,
                                         const char * const *codes);
char      **fd_user_estate_codes     (FdStore           *store,
                                      gint64             user_id);
/* "estates": [codes] of @user_id, into the object @w is in. */
void        fd_write_user_estates    (FdJsonWriter      *w,
                                      FdStore           *store,
                                      gint64             user_id);

/* route groups (fd-routes-*.c) */
void fd_routes_session_login   (FdRequest *req);
void fd_routes_session_get     (FdRequest *req);
void fd_routes_session_delete  (FdRequest *req);
void fd_routes_session_unlock  (FdRequest *req);
void fd_routes_session_lock    (FdRequest *req);
void fd_routes_residents_list  (FdRequest *req);
void fd_routes_residents_get   (FdRequest *req);
void fd_routes_residents_reveal(FdRequest *req);
void fd_routes_residents_verify(FdRequest *req);
void fd_routes_rooms_list      (FdRequest *req);
void fd_routes_visitors_list   (FdRequest *req);
void fd_routes_visitors_create (FdRequest *req);
void fd_routes_visitors_checkout (FdRequest *req);
void fd_routes_visitors_export (FdRequest *req);
void fd_routes_audit_list      (FdRequest *req);
void fd_routes_audit_verify    (FdRequest *req);
void fd_routes_alerts_list     (FdRequest *req);
void fd_routes_incident_get    (FdRequest *req);
void fd_routes_incident_put    (FdRequest *req);
void fd_routes_users_list      (FdRequest *req);
void fd_routes_users_create    (FdRequest *req);
void fd_routes_users_patch     (FdRequest *req);
/* issue 14 (accounts): fd-routes-users.c, fd-routes-payments.c */
void fd_routes_users_unlock    (FdRequest *req);
void fd_routes_users_password  (FdRequest *req);
void fd_routes_payments_list   (FdRequest *req);
/* fd-routes-residents.c: what @role may search (only the parts it sees). */
void fd_search_scope_for_role  (FdRole role, FdSearchScope *scope);
/* fd-routes-residents.c: reads "q" and "cursor" (the cursor bound to
 * @kind, the role and q); FALSE with the 400 sent. */
gboolean fd_search_request_read (FdRequest *req, const char *kind, char **q, char **context,
                                 gint64 *after);
/* fd-routes-reviews.c (issue 12) */
void fd_routes_reviews_open    (FdRequest *req);
void fd_routes_reviews_get     (FdRequest *req);
void fd_routes_reviews_decide  (FdRequest *req);
void fd_routes_reviews_sign_off (FdRequest *req);
void fd_routes_reviews_export  (FdRequest *req);
/* fd-routes-visitor-desk.c (issue 14): visit purposes, Undo on Check Out */
void fd_routes_visitor_purposes_get   (FdRequest *req);
void fd_routes_visitor_purposes_put   (FdRequest *req);
void fd_routes_visitors_undo_checkout (FdRequest *req);
/* fd-routes-visitors.c: one quoted CSV field, spreadsheet formulas neutralised */
void fd_csv_field              (GString    *out,
                                const char *value);
/* fd-review.c: the check at start and each minute */
void fd_review_checks_start    (FdServer  *server);
/* issue 12 (fd-routes-alerts-out.c) */
void fd_routes_alert_deliveries (FdRequest *req);
void fd_routes_alert_test      (FdRequest *req);
void fd_routes_admin_checks    (FdRequest *req);

/* helpers shared by route groups */
/* The members of a user ("id", "username", "display_name", "role") and
 * of the session policy, into the object @w is in. */
void        fd_write_user          (FdJsonWriter       *w,
                                    const FdUserRecord *user);
void        fd_write_policy        (FdJsonWriter *w,
                                    FdServer     *server);
gboolean    fd_incident_frozen     (FdServer    *server);
/* 403 with "detail": "incident-freeze". */
void        fd_reply_frozen        (FdRequest   *req);
/* 423 with "locked_until": the time the lock ends, or null (-1) for a
 * lock only an admin lifts. */
void        fd_reply_locked        (FdRequest   *req,
                                    const char  *message,
                                    gint64       locked_until);

/* issue 15: the second factor (fd-routes-second-factor.c). */
typedef enum
{
  FD_SECOND_FACTOR_NONE,     /* password alone */
  FD_SECOND_FACTOR_ASK,      /* enrolled: sign-in asks for a code */
  FD_SECOND_FACTOR_ENROL,    /* required and not enrolled: enrolment-only sessions */
} FdSecondFactorNeed;

FdSecondFactorNeed fd_second_factor_need (FdServer           *server,
                                          const FdUserRecord *user);
/* After a right password of an enrolled account: stores a challenge and
 * answers 401 second-factor-required with it. @locked_until not 0: this
 * attempt reached the failure limit (423 instead). */
void        fd_second_factor_challenge (FdRequest          *req,
                                        const FdUserRecord *user,
                                        const char         *workstation,
                                        gint64              locked_until);
/* In dispatch, after authentication: an account that must enrol reaches
 * only enrolment and its own session (else 403, audited). FALSE with the
 * answer sent. */
gboolean    fd_second_factor_gate      (FdRequest          *req,
                                        FdHandler           handler);
/* "second_factor": "none" | "enrolled" | "enrolment-required" */
void        fd_write_second_factor     (FdJsonWriter       *w,
                                        FdServer           *server,
                                        const FdUserRecord *user);
void fd_routes_second_factor     (FdRequest *req);
void fd_routes_account_totp      (FdRequest *req);
void fd_routes_users_totp_delete (FdRequest *req);
/* fd-routes-session.c: a new session for @user (its "login" entry, the
 * 201 answer of sign-in). */
void        fd_session_begin           (FdRequest          *req,
                                        FdUserRecord       *user,
                                        const char         *workstation);
/* fd-routes-session.c: a disabled or locked account is answered (403 or
 * 423, audited as @action) and TRUE returned. */
gboolean    fd_sign_in_refused         (FdRequest          *req,
                                        const FdUserRecord *user,
                                        const char         *action,
                                        gint64              now);
/* fd-routes-session.c: a failed sign-in of @username counted before its
 * check (the wave rule), on the sign-in limits. A store error or a locked
 * name (audited as @action) is answered here. */
FdLoginAttempt fd_sign_in_reserve      (FdRequest          *req,
                                        const FdUserRecord *user,
                                        const char         *username,
                                        const char         *action,
                                        gint64              now,
                                        gint64             *locked_until);
/* An error whose code is not one of FdError's (the server's own codes):
 * {"error": {"code", "message", extra…}}. @secret: the extra members
 * carry a second-factor challenge, written at the top level too
 * ({"error": {…, "challenge"}, "challenge"}: contract v1.2 reads either
 * way), and the text is wiped after. */
void        fd_reply_error_coded       (FdRequest          *req,
                                        guint               status,
                                        const char         *code,
                                        const char         *message,
                                        const char         *member,
                                        FdJsonWriter       *extra,
                                        gboolean            secret);

/* pwchange: fd-routes-session.c: counts one password check of @username
 * as a failed sign-in before it runs, with sign-in's limits (5 in a row,
 * locked 15 minutes, forgotten after a day): login_attempt_reserve. */
FdLoginAttempt fd_login_attempt_reserve (FdServer          *server,
                                         const char        *username,
                                         gint64             now,
                                         gint64            *locked_until,
                                         GError           **error);
/* pwchange: self-service password change (fd-routes-account-password.c). */
void        fd_routes_account_password (FdRequest          *req);
/* TRUE while @user's password is one the server made (an admin reset, a
 * new account without one): the session answer's password_change_required. */
gboolean    fd_password_change_required (FdStore           *store,
                                         const FdUserRecord *user);
/* Marks @user_id's password as one the server made and showed once. */
gboolean    fd_password_mark_one_time  (FdStore            *store,
                                        gint64              user_id,
                                        GError            **error);

G_END_DECLS
