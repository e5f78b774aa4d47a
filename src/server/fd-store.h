/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The storage interface that every engine implements. */

#pragma once

#include <glib.h>

#include "fd-crypto.h"

G_BEGIN_DECLS

/* The storage interface. Handlers only ever call the fd_store_*()
 * functions below; an engine is one FdStoreBackend table and an open
 * function in a header of its own (SQLite: fd-store-sqlite.h). Sensitive values cross this interface in clear and
 * are sealed/opened by the engine with the FdKeys it was opened with.
 *
 * Threading: a store is used from the thread that opened it, except
 * fd_store_audit_verify() and integrity_check (issue 12), which may run in
 * a worker thread (engines open their own connection for them). */

typedef struct _FdStore        FdStore;
typedef struct _FdStoreBackend FdStoreBackend;
/* commit_async: the transaction is durable (@error NULL), or is not known to be */
typedef void (*FdStoreDurableFunc) (gpointer data, const GError *error);

/* Estates (issue 11, contract v1.2). Every resident, room, visitor,
 * alert, session and audit row carries estate_id (estates.id, >= 1).
 * A store has a scope (FdStore.scope): the estate the current request
 * may touch. The server sets it with fd_store_set_scope() once a
 * request is authenticated, to the session's estate, and back to
 * FD_ESTATE_ALL when the request is done. FD_ESTATE_ALL (0) is every
 * estate: company-wide sessions (auditor, admin), the command line and
 * the index build.
 *
 * Contract for every engine: each read of an estate-scoped table
 * filters on the scope unless it is FD_ESTATE_ALL (a row of another
 * estate is "not found", exactly like one that does not exist); an
 * insert takes the record's estate_id, or the scope when that is 0, and
 * fails when the two disagree or neither names an estate. PostgreSQL
 * enforces the same again with row-level security keyed on
 * set_config('frontdesk.estate', …, true) inside each transaction.
 * The handlers check the estate too: this is the second wall, not the
 * only one. */
#define FD_ESTATE_ALL 0

typedef struct
{
  gint64  id;
  char   *code;            /* "main", "e1", … */
  char   *name;
} FdEstateRecord;

typedef struct
{
  gint64   id;
  char    *username;
  char    *display_name;
  char    *role;
  char    *password_hash;
  gboolean disabled;
  gint64   locked_until;   /* µs since epoch; 0 = not locked; -1 = until an admin lifts it */
  gint     failed_logins;
} FdUserRecord;

typedef struct
{
  gint64   id;
  char    *token_hash;
  gint64   user_id;
  gint64   created_at;     /* µs since epoch */
  gint64   last_seen;
  gint64   expires_at;
  char    *workstation;
  char    *ip;
  gboolean locked;
  gint     unlock_failures;
  char    *end_reason;     /* NULL while the session is live */
  gboolean replaced;       /* found by a token an unlock replaced */
  gint64   estate_id;      /* issue 11: FD_ESTATE_ALL for a company-wide session */
} FdSessionRecord;

typedef struct
{
  char  *room;
  guint  residents;
} FdRoomRecord;

/* A resident as the engine hands it out. The clear sensitive members
 * (phone, id_number, home_address, payment_account) are only filled by
 * fd_store_resident_secret(); the masked forms always are. */
typedef struct
{
  gint64   id;
  char    *name;
  char    *room;
  char    *initials;         /* "zs,cs": every pinyin initials string */
  char    *phone_masked;
  char    *phone_last4;
  char    *id_masked;        /* NULL when no ID number is on file */
  char    *address_masked;
  char   **plates;           /* clear; NULL-terminated */
  char   **plates_masked;    /* optional (index summaries): the plates' masked forms */
  char    *account_masked;
  gint64   balance_cents;
  gboolean overdue;
  char    *last_paid_at;
  gint64   estate_id;        /* issue 11 */
} FdResidentRecord;

/* What a seed or an import writes: clear values, sealed by the engine. */
typedef struct
{
  const char         *name;
  const char         *room;
  const char         *initials;
  const char         *phone;
  const char         *id_number;
  const char         *home_address;
  const char * const *plates;
  const char         *payment_account;
  gint64              balance_cents;
  gboolean            overdue;
  const char         *last_paid_at;
  gint64              estate_id; /* issue 11: 0 = the store's scope */
} FdResidentInput;

typedef struct
{
  gint64  id;
  char   *name;
  char   *phone_masked;
  char   *id_masked;       /* NULL when not given */
  char   *room;
  char   *purpose;
  char   *plate;           /* clear; NULL when not given */
  gint64  arrived_at;      /* µs since epoch */
  gint64  left_at;         /* 0 while inside */
  char   *registered_by;
  gint64  estate_id;       /* issue 11 */
} FdVisitorRecord;

typedef struct
{
  gint64  seq;
  char   *at;              /* RFC 3339 UTC, seconds */
  char   *actor;           /* username, or "-" */
  gint64  actor_id;
  char   *role;
  char   *session_hash;
  char   *workstation;
  char   *ip;
  char   *action;
  char   *target;
  char   *field;
  char   *reason_code;
  char   *reason_text;
  char   *outcome;         /* "allowed" | "denied" */
  char   *prev_hash;
  char   *hash;
  gint64  estate_id;       /* issue 11: FD_ESTATE_ALL for company-wide and command-line entries */
} FdAuditEntry;

typedef struct
{
  gint64  id;
  char   *at;
  char   *kind;
  char   *actor;
  char   *detail;
  gint64  estate_id;       /* issue 11 */
} FdAlertRecord;

typedef struct
{
  const char *since;       /* RFC 3339, inclusive; NULL = any */
  const char *until;       /* exclusive */
  const char *actor;
  const char *action;
  gint64      before_seq;  /* 0 = newest */
  guint       limit;
} FdAuditQuery;

/* issue 15: an account's second factor (store calls totp_*). */
typedef struct
{
  gint64   user_id;
  char    *secret;         /* base32, clear; only with totp_get (…, TRUE) */
  gboolean has_secret;
  gboolean confirmed;      /* FALSE: enrolment begun, not confirmed by a code */
  gint64   last_step;      /* the last TOTP step accepted (replay guard) */
  gboolean exempt;         /* a demo account: never asked (demo mode only) */
  guint    recovery_left;  /* unused recovery codes (totp_get) */
} FdTotpRecord;

/* A pending second step of a sign-in: bound to the account, and to the
 * workstation and address the password came from. */
typedef struct
{
  char   *hash;            /* SHA-256 hex of the challenge */
  gint64  user_id;
  char   *workstation;
  char   *ip;
  gint64  expires_at;      /* µs since epoch */
} FdTotpChallenge;
/* Issue 12: one alert's delivery to one destination outside the app
 * (fd-alert-out.h). It copies what the message says, so that it is sent
 * the same after a restart and a test alert needs no alert row. Never a
 * resident's data: kind, time, account, estate code and a fixed detail. */
typedef struct
{
  gint64  id;
  gint64  alert_id;        /* alerts.id; 0 for a test alert */
  gint64  estate_id;       /* the alert's estate; FD_ESTATE_ALL when company-wide */
  char   *channel;         /* "webhook" | "syslog" */
  char   *destination;     /* for the log: the URL without query, "journal" or "HOST:PORT" */
  char   *kind;            /* "off-hours-bulk", …, "test" */
  char   *at;              /* the alert's time, RFC 3339 UTC */
  char   *actor;           /* username */
  char   *estate;          /* estate code, or NULL */
  char   *detail;
  char   *status;          /* "pending" | "delivered" | "failed" (given up) */
  guint   attempts;
  gint64  next_at;         /* µs; the next attempt while pending */
  gint64  last_attempt_at; /* µs; 0 before the first */
  char   *last_error;      /* NULL after a success */
  gint64  created_at;      /* µs */
  gint64  delivered_at;    /* µs; 0 unless delivered */
} FdDeliveryRecord;

/* Issue 12: what the self-check reads about each account. */
typedef struct
{
  gint64   id;
  char    *username;
  char    *role;
  gboolean disabled;
  gint64   created_at;      /* µs */
  gint64   last_sign_in;    /* µs of its newest session; 0 = never signed in */
  char    *password_origin; /* "demo" while the password is the one demo set, "one-time"
                             * while it is one the server made (reset, new account); else NULL */
  gint64   password_set_at; /* µs when that origin was recorded; 0 without one */
} FdAccountActivity;
/* Issue 12: what an incident radius reads from the audit log. */
#define FD_RADIUS_RESIDENT 'r'
#define FD_RADIUS_VISITOR  'v'

typedef struct
{
  char    kind;            /* FD_RADIUS_RESIDENT | FD_RADIUS_VISITOR */
  gint64  subject_id;
  char   *action;          /* "view", "search", "reveal", "verify", "export" */
  char   *field;           /* NULL, or the revealed / verified field */
  char   *role;            /* the actor's role in those entries */
  guint   count;
} FdRadiusTouch;

typedef struct
{
  char    kind;
  gint64  id;
  char   *name;            /* clear: the server masks it for the caller */
  char   *room;            /* NULL when the subject no longer exists */
  gint64  estate_id;       /* issue 11 */
} FdRadiusSubject;

typedef struct
{
  /* in: the caller's estate (FD_ESTATE_ALL = every one), given here
   * because the store's scope changes while a worker thread runs */
  gint64     scope;
  GPtrArray *touches;      /* FdRadiusTouch* */
  GPtrArray *subjects;     /* FdRadiusSubject*, one per subject touched */
} FdRadiusData;

void     fd_radius_data_clear   (FdRadiusData *data);

/* What fd_store_login_attempt_reserve() decided (issue 9). */
typedef enum
{
  FD_LOGIN_ATTEMPT_ERROR,
  FD_LOGIN_ATTEMPT_LOCKED,     /* the name is locked: do not check the password */
  FD_LOGIN_ATTEMPT_RESERVED,   /* counted as a failure; check the password */
  FD_LOGIN_ATTEMPT_LAST,       /* counted, and it locked the name: check the password */
} FdLoginAttempt;

/* Access review (issue 12, contract v1.2). A review lists the accounts
 * of one estate (its estate_id: the scope it was opened in); each item
 * is one account and the manager's decision on it. */
typedef struct
{
  gint64  user_id;
  char   *decision;        /* NULL while undecided; "confirmed" | "revoked" | "role-changed" */
  char   *decided_by;      /* the manager's username; NULL when the server revoked it (overdue) */
  gint64  decided_at;      /* µs since epoch; 0 while undecided */
} FdReviewItem;

typedef struct
{
  gint64     id;
  gint64     estate_id;
  gint64     opened_at;    /* µs since epoch */
  gint64     due_at;       /* undecided accounts are disabled from then on */
  gint64     period_from;  /* the activity shown covers [period_from, opened_at) */
  char      *opened_by;
  gint64     signed_off_at;   /* 0 = not signed off */
  char      *signed_off_by;
  GPtrArray *items;        /* FdReviewItem*, by user_id */
} FdReviewRecord;

/* One actor's counted data accesses on one UTC day (outcome "allowed"):
 * audit actions view, search (a list), reveal, verify and export. */
typedef struct
{
  gint64 actor_id;
  char   day[11];          /* "YYYY-MM-DD" */
  guint  views;
  guint  lists;
  guint  reveals;
  guint  verifies;
  guint  exports;
} FdActivityDay;

/* Resident summary rows, for building the in-memory search index. */
typedef void (*FdResidentFunc) (const FdResidentRecord *resident,
                                gpointer                user_data);

struct _FdStoreBackend
{
  const char *name;
  void      (*close)               (FdStore *store);

  gboolean  (*begin)               (FdStore *store, GError **error);
  gboolean  (*commit)              (FdStore *store, GError **error);
  void      (*rollback)            (FdStore *store);

  char     *(*get_setting)         (FdStore *store, const char *key);
  gboolean  (*set_setting)         (FdStore *store, const char *key, const char *value, GError **error);

  /* users */
  FdUserRecord *(*user_by_name)    (FdStore *store, const char *username);
  FdUserRecord *(*user_by_id)      (FdStore *store, gint64 id);
  GPtrArray    *(*user_list)       (FdStore *store);
  gint64        (*user_insert)     (FdStore *store, const FdUserRecord *user, GError **error);
  gboolean      (*user_update)     (FdStore *store, const FdUserRecord *user, GError **error);

  /* sessions */
  FdSessionRecord *(*session_by_token_hash) (FdStore *store, const char *token_hash);
  gint64      (*session_insert)    (FdStore *store, const FdSessionRecord *session, GError **error);
  /* Writes @session back. A record read before another request (or
   * server) changed the row cannot undo that change: an ended session
   * stays ended (end_reason is written only over a live row's NULL), and
   * a token an unlock replaced is never written back (nothing is). */
  gboolean    (*session_update)    (FdStore *store, const FdSessionRecord *session, GError **error);
  /* Ends every live session of @user_id but @keep_id (0: none); returns
   * how many. */
  guint       (*sessions_end_for_user) (FdStore *store, gint64 user_id, gint64 keep_id,
                                        const char *reason, gint64 now);

  /* residents */
  gint64      (*resident_insert)   (FdStore *store, const FdResidentInput *input, GError **error);
  guint       (*resident_count)    (FdStore *store);
  FdResidentRecord *(*resident_get) (FdStore *store, gint64 id);
  void        (*resident_foreach)  (FdStore *store, FdResidentFunc func, gpointer user_data);
  /* Opens one sealed field ("phone", "id_number", "home_address", "payment_account"). */
  char       *(*resident_secret)   (FdStore *store, gint64 id, const char *field, GError **error);
  /* Compares @value with the blind index of "phone" or "id_number". */
  gboolean    (*resident_matches)  (FdStore *store, gint64 id, const char *field, const char *value);
  gboolean    (*room_exists)       (FdStore *store, const char *room);
  /* FdRoomRecord*, by building, unit and number */
  GPtrArray  *(*room_search)       (FdStore *store, const char *prefix, guint limit);

  /* visitors */
  gint64      (*visitor_insert)    (FdStore *store, const char *name, const char *phone,
                                    const char *id_number, const char *room, const char *purpose,
                                    const char *plate, gint64 arrived_at, const char *registered_by,
                                    GError **error);
  FdVisitorRecord *(*visitor_get)  (FdStore *store, gint64 id);
  GPtrArray  *(*visitor_list)      (FdStore *store, gint64 from, gint64 to, gint64 after_id, guint limit);
  gboolean    (*visitor_checkout)  (FdStore *store, gint64 id, gint64 at, GError **error);
  guint       (*visitors_purge)    (FdStore *store, gint64 older_than);

  /* audit */
  /* Appends @entry (seq, prev_hash and hash are computed here) in one
   * transaction; fills entry->seq and entry->hash. */
  gboolean    (*audit_append)      (FdStore *store, FdAuditEntry *entry, GError **error);
  GPtrArray  *(*audit_list)        (FdStore *store, const FdAuditQuery *query);
  /* Counts entries of @actor_id with @action since @since (RFC 3339),
   * optionally only of @outcome and @target (NULL = any);
   * @distinct_targets counts distinct targets instead. */
  guint       (*audit_count)       (FdStore *store, gint64 actor_id, const char *action,
                                    const char *outcome, const char *target, const char *since,
                                    gboolean distinct_targets);
  /* Walks the whole chain; TRUE when intact. */
  gboolean    (*audit_verify)      (FdStore *store, gint64 *n_entries, gint64 *first_bad_seq,
                                    GError **error);

  /* alerts */
  gint64      (*alert_insert)      (FdStore *store, const char *kind, const char *actor,
                                    const char *detail, GError **error);
  GPtrArray  *(*alert_list)        (FdStore *store, guint limit);
  /* The time (RFC 3339, as stored) of the newest @kind alert about
   * @actor at or after @since, or NULL when there is none. */
  char       *(*alert_recent)      (FdStore *store, const char *kind, const char *actor, const char *since);

  /* --- appended (issue 9, limits): limits taken atomically ---
   *
   * A limit or counter is taken here, in one store call, BEFORE any
   * asynchronous step (a worker-thread password check) — never read by a
   * handler and written after. Times are µs since the epoch.
   *
   * Contract for every engine: a call is one transaction, or part of the
   * caller's open one (the server's group commit), and from its count to
   * its insert no other caller — in this process or another server
   * process on the same database — may count the same user's events.
   * Two callers racing for the last unit must not both be granted.
   * SQLite gets this from BEGIN IMMEDIATE (one writer at a time).
   * PostgreSQL must serialise per user inside the transaction before it
   * counts, e.g. "SELECT 1 FROM users WHERE id = $1 FOR UPDATE" (or
   * pg_advisory_xact_lock on the user and kind), then count, then insert;
   * READ COMMITTED alone lets two transactions count the same rows. An
   * error rolls back whatever the call wrote (its own transaction) or is
   * left to the caller's rollback (a joined one). */

  /* Takes one unit of @kind for @user_id: forgets the user's @kind events
   * older than @since, counts those left and, only when fewer than @max,
   * records one at @now. *count gets the events in the window, the new one
   * included when granted. TRUE when granted; FALSE when refused, or with
   * @error set (nothing recorded) when the store failed. Always take a
   * kind with the same (its longest) window. */
  gboolean    (*limit_take)        (FdStore *store, gint64 user_id, const char *kind,
                                    gint64 since, gint64 now, guint max, guint *count,
                                    GError **error);
  /* Counts @kind events of @user_id at or after @since (a window shorter
   * than the one they are taken with). Read after the caller's own
   * limit_take, racing callers can only over-count: fit for a rule that
   * locks, not for one that grants. G_MAXUINT on error. */
  guint       (*limit_count)       (FdStore *store, gint64 user_id, const char *kind,
                                    gint64 since);
  /* Records that @user_id was shown the residents @ids at @now, forgets
   * this user's records older than @since, and sets *count to how many
   * distinct residents are recorded for the user: each resident counts
   * from the first listing in the window, for the window's length (a
   * resident listed again meanwhile is not written again). Keep the
   * number beside the rows (PostgreSQL: lock the user's counter row FOR
   * UPDATE first, then DELETE, INSERT … ON CONFLICT DO NOTHING and add
   * the row counts), so the cost follows the page, not the window.
   * One transaction as above; FALSE with @error set on failure. */
  gboolean    (*listed_note)       (FdStore *store, gint64 user_id, const gint64 *ids,
                                    guint n_ids, gint64 since, gint64 now, guint *count,
                                    GError **error);
  /* issue 9: sign-in failures per username, known or not, taken before
   * the password is checked. Counts one attempt of @username as a
   * failure, in one step: LOCKED (and *@locked_until) while the name is
   * locked, else RESERVED, or LAST when this attempt is the
   * @max_failures-th and locked the name until @now + @lock_usec.
   * Failures older than @forget_before are forgotten. */
  FdLoginAttempt (*login_attempt_reserve) (FdStore *store, const char *username, gint64 now,
                                           guint max_failures, gint64 lock_usec,
                                           gint64 forget_before, gint64 *locked_until,
                                           GError **error);
  /* Forgets the failures and lock of @username (a right password, an admin unlock). */
  gboolean    (*login_attempt_clear) (FdStore *store, const char *username, GError **error);
  /* Counts one unlock attempt of live session @session_id before its
   * password check; returns the new count, or 0 when the session is not
   * live or already has @max_failures. */
  guint       (*session_unlock_reserve) (FdStore *store, gint64 session_id, guint max_failures);
  /* Appended (issue 13): @n residents at once, inside the caller's
   * transaction, for seeding; NULL in engines without it (callers then
   * use resident_insert). */
  gboolean    (*resident_insert_many) (FdStore *store, const FdResidentInput *inputs, guint n,
                                       GError **error);

  /* --- appended (issue 11, estates) --- */
  /* FdEstateRecord*, by id; every estate, whatever the scope. */
  GPtrArray  *(*estate_list)       (FdStore *store);
  gint64      (*estate_insert)     (FdStore *store, const char *code, const char *name,
                                    GError **error);
  /* The estate ids (gint64) @user_id is granted; empty = company-wide. */
  GArray     *(*user_estates)      (FdStore *store, gint64 user_id);
  gboolean    (*user_estates_set)  (FdStore *store, gint64 user_id, const gint64 *ids,
                                    guint n_ids, GError **error);

  /* --- appended (issue 12, rules: incident radius) --- */
  /* Records that audit entry @seq (just appended, same transaction)
   * showed the subjects @ids of @kind (FD_RADIUS_RESIDENT: residents a
   * search listed; FD_RADIUS_VISITOR: visitors an export carried), so
   * that an incident's radius can name them. NULL in an engine without
   * it: listings are then attributed to the query only. */
  gboolean    (*audit_subjects_add) (FdStore *store, gint64 seq, char kind, const gint64 *ids,
                                     guint n_ids, GError **error);
  /* What @actor_id touched in [@from, @to) (RFC 3339 UTC): allowed view,
   * search (with its listed subjects), reveal, verify and export entries
   * grouped by subject, action, field and role, plus each subject's name
   * and room. Runs in a worker thread on a connection of its own (like
   * audit_verify); leaves out subjects of an estate other than
   * @out->scope (unless FD_ESTATE_ALL). FALSE with @error set. */
  gboolean    (*incident_radius)   (FdStore *store, gint64 actor_id, const char *from,
                                    const char *to, FdRadiusData *out, GError **error);
  /* Appended (issue 11, `demo --estates N` renames the first estate
   * "main" to "e1"): renames estate @id; NULL in an engine without it
   * (the demo then adds e1…eN beside "main"). */
  gboolean    (*estate_update)     (FdStore *store, gint64 id, const char *code,
                                    const char *name, GError **error);

  /* --- appended (issue 12, access review) ---
   *
   * Engine-neutral: plain tables (reviews, review_items) and one counter
   * table, audit_activity (actor_id, day, action, n), that every engine
   * keeps in step with audit_append IN THE SAME TRANSACTION (SQLite: an
   * AFTER INSERT trigger on audit_log; PostgreSQL: the same trigger in
   * PL/pgSQL, or the upsert inside audit_append), so that a review reads
   * a few rows per account and day instead of scanning a quarter of
   * audit log. Only allowed view, search, reveal, verify and export
   * entries with an actor are counted. Reviews are estate-scoped: reads
   * filter on the scope unless it is FD_ESTATE_ALL; review_overdue reads
   * every estate (the server's periodic check). */

  /* Opens a review: one row (estate_id = @review->estate_id, or the scope
   * when that is 0) and one undecided item per account of @user_ids.
   * Returns its id, or 0 with @error set. */
  gint64      (*review_insert)     (FdStore *store, const FdReviewRecord *review,
                                    const gint64 *user_ids, guint n_users, GError **error);
  /* The review @id with its items, or the newest one in the scope when
   * @id is 0; NULL when there is none (or it is of another estate). */
  FdReviewRecord *(*review_get)    (FdStore *store, gint64 id);
  /* Records @decision on item (@review_id, @user_id) in one step, only
   * while the item is undecided and the review not signed off: TRUE when
   * recorded; FALSE without @error when refused, with @error on failure.
   * @by NULL = the server (overdue). */
  gboolean    (*review_decide)     (FdStore *store, gint64 review_id, gint64 user_id,
                                    const char *decision, const char *by, gint64 at,
                                    GError **error);
  /* Signs @review_id off in one step, only when it is not signed off yet
   * and no item is undecided: TRUE when signed; FALSE without @error when
   * refused, with @error on failure. */
  gboolean    (*review_sign_off)   (FdStore *store, gint64 review_id, const char *by,
                                    gint64 at, GError **error);
  /* The undecided items of reviews due at or before @now, in every estate
   * whatever the scope: pairs of gint64 (review_id, user_id). */
  GArray     *(*review_overdue)    (FdStore *store, gint64 now);
  /* FdActivityDay of every actor, days in [@from_day, @to_day) ("YYYY-MM-DD"). */
  GArray     *(*activity_days)     (FdStore *store, const char *from_day, const char *to_day);
  /* The start and workstation of @user_id's newest session; FALSE when it
   * never signed in. */
  gboolean    (*user_last_sign_in) (FdStore *store, gint64 user_id, gint64 *at,
                                    char **workstation);

  /* --- appended (issue 15, second factor) ---
   *
   * One row per account that has begun enrolling a TOTP secret or is
   * exempt (FdTotpRecord); its recovery codes (stored only as keyed hashes,
   * fd-totp.h); and sign-in challenges (FdTotpChallenge), which live in the
   * database so that every server process on it sees them. Not
   * estate-scoped: accounts are company-wide rows. Same transaction rules
   * as the limits above (one transaction, or part of the caller's). */

  /* The account's row, or NULL when it has none. @with_secret: open the
   * sealed secret into record->secret (else it stays NULL; has_secret
   * says whether one is stored). */
  FdTotpRecord *(*totp_get)        (FdStore *store, gint64 user_id, gboolean with_secret);
  /* Writes the whole row of @record->user_id (insert or replace): the
   * secret sealed (aad "user_totp:ID:secret"; NULL = none), confirmed,
   * last_step, exempt. @recovery_hashes: NULL keeps the stored codes;
   * otherwise they are all replaced by these (an empty vector removes
   * them). */
  gboolean    (*totp_put)          (FdStore *store, const FdTotpRecord *record,
                                    const char * const *recovery_hashes, GError **error);
  /* Replay guard: atomically sets last_step to @step when the row has a
   * secret and its last_step is lower (one UPDATE … WHERE last_step < @step).
   * TRUE when it did; FALSE when the step (or a later one) was already
   * used, or on error. Two callers with the same step: one wins. */
  gboolean    (*totp_step_take)    (FdStore *store, gint64 user_id, gint64 step);
  /* Marks the unused recovery code of @user_id whose hash is @code_hash as
   * used at @now, atomically. TRUE when one was; *@left gets the unused
   * codes that remain. */
  gboolean    (*totp_recovery_use) (FdStore *store, gint64 user_id, const char *code_hash,
                                    gint64 now, guint *left);
  /* Stores a challenge (its hash, never the challenge) and forgets those
   * expired before @now. */
  gboolean    (*totp_challenge_put) (FdStore *store, const FdTotpChallenge *challenge,
                                     gint64 now, GError **error);
  /* Takes the challenge whose hash is @hash: deletes it and, when it had
   * not expired at @now, returns it. Single use: of two callers with the
   * same challenge, at most one gets it (DELETE … RETURNING). */
  FdTotpChallenge *(*totp_challenge_take) (FdStore *store, const char *hash, gint64 now);

  /* --- appended (issue 12, alerts out of the app and the self-check) ---
   *
   * Deliveries are a persisted queue (one row per alert and destination)
   * that fd-alert-out.c works through on the main context: enqueue in
   * the transaction that records the alert, so that both commit or
   * neither does; claim what is due; finish each attempt. Times are µs
   * since the epoch. */

  /* Queues @delivery (its channel … detail, next_at and created_at are
   * read; status "pending", attempts 0). estate_id is the record's, or
   * the scope when 0 (it may stay FD_ESTATE_ALL: a company-wide
   * account's alert). Part of the caller's transaction. Returns the id,
   * 0 with @error set on failure. */
  gint64      (*delivery_enqueue)  (FdStore *store, const FdDeliveryRecord *delivery,
                                    GError **error);
  /* Takes up to @limit pending deliveries whose next_at <= @now, oldest
   * first, of every estate whatever the scope, and moves their next_at
   * to @lease_until in the same transaction, so that another server
   * process on the same database does not send them too, and a process
   * that dies mid-attempt leaves them to be retried after the lease.
   * FdDeliveryRecord*, empty on error (set). */
  GPtrArray  *(*delivery_claim)    (FdStore *store, gint64 now, gint64 lease_until, guint limit,
                                    GError **error);
  /* Records one attempt of delivery @id made at @attempted_at: @status
   * "delivered" (delivered_at = @attempted_at, last_error cleared),
   * "pending" (retry at @next_at) or "failed" (given up); @error_text is
   * the attempt's error (NULL on success); attempts becomes @attempts. */
  gboolean    (*delivery_finish)   (FdStore *store, gint64 id, const char *status,
                                    guint attempts, gint64 attempted_at, gint64 next_at,
                                    const char *error_text, GError **error);
  /* The newest @limit deliveries, newest first, filtered on the scope
   * (unless FD_ESTATE_ALL). FdDeliveryRecord*. */
  GPtrArray  *(*delivery_list)     (FdStore *store, guint limit);
  /* Counts deliveries (every estate) of @status whose last attempt was
   * at or after @since; with "pending", only those attempted at least
   * once (retrying). G_MAXUINT on error. */
  guint       (*delivery_count)    (FdStore *store, const char *status, gint64 since);

  /* Marks where @user_id's password came from: "demo" (the demo seed,
   * whose password is on the command line), "one-time" (made by the
   * server at a reset or a new account, shown once; pwchange) or NULL
   * (chosen since). */
  gboolean    (*password_origin_set) (FdStore *store, gint64 user_id, const char *origin,
                                      GError **error);
  /* Every account (whatever the scope) with its newest sign-in and
   * password origin; FdAccountActivity*. Cost follows the number of
   * accounts and sessions, not the residents or the audit log. */
  GPtrArray  *(*account_activity)  (FdStore *store);
  /* The engine's own consistency check (SQLite: PRAGMA quick_check when
   * @quick, else integrity_check; PostgreSQL: amcheck or its equivalent).
   * TRUE when sound (*@problem then NULL, or what was checked when the
   * engine says: PostgreSQL); FALSE with *@problem (first lines of the
   * report) when not; FALSE with @error when it could not run. Like
   * audit_verify it may run in a worker thread: engines use a
   * connection of its own. */
  gboolean    (*integrity_check)   (FdStore *store, gboolean quick, char **problem,
                                    GError **error);
  /* --- appended (issue 11, several servers over one database) ---
   * Residents with an id above @after_id, every estate, ascending, at
   * most @limit, handed to @func: what other server processes wrote,
   * for the search index (fd-search-follow.c). An engine with several
   * writers makes ids grow in commit order (PostgreSQL: resident writes
   * take an advisory lock held to commit, then their ids), so nothing
   * committed later has a smaller id. May run on a worker thread: the
   * engine uses a connection of its own. Returns how many; G_MAXUINT on
   * error. NULL in engines with one writer (SQLite). */
  guint       (*residents_after)   (FdStore *store, gint64 after_id, guint limit,
                                    FdResidentFunc func, gpointer user_data);
  /* --- appended (issue 14, the desk's daily flow) --- */
  /* Undoes the check-out of visitor @id in one step: sets left_at back to
   * 0 only while it is still @left_at (UPDATE … WHERE left_at = @left_at),
   * in the scope. TRUE when it did; FALSE without @error when the row
   * changed meanwhile (or is not in the scope), with @error on failure.
   * NULL in an engine without it (the server then refuses undo). */
  gboolean    (*visitor_undo_checkout) (FdStore *store, gint64 id, gint64 left_at,
                                        GError **error);
  /* --- appended (issue 13, perf13: the authentication cache) ---
   *
   * A number that moves whenever a session or an account may have
   * changed since the last call — written through this store or by any
   * other process on the same database — so that a cache of
   * authenticated sessions (fd-auth-cache.h) can revalidate on it at
   * every request. 0 while nothing read now may be cached (this store's
   * open transaction has changed sessions or accounts and may yet roll
   * back). NULL: the engine has none, and nothing is cached. */
  guint64     (*auth_generation)   (FdStore *store);
  /* --- appended (issue 13, search13: the group commit's sync off the
   * main context, fd-server-commit.c) ---
   * begin_unsynced/commit_unsynced are begin/commit whose COMMIT may
   * return before the transaction is durable; sync_committed then makes
   * every transaction committed so far durable. sync_committed runs on
   * the server's committer thread while the main context goes on using
   * the store: it must touch none of the connection's state. An engine
   * whose COMMIT is durable itself (PostgreSQL) gives begin and commit,
   * and fd_engine_commit_is_durable (fd-store-engine.h) as sync_committed:
   * the server then runs no committer thread. */
  gboolean    (*begin_unsynced)    (FdStore *store, GError **error);
  gboolean    (*commit_unsynced)   (FdStore *store, GError **error);
  gboolean    (*sync_committed)    (FdStore *store, GError **error);
  /* --- appended (pwchange: self-service password change) ---
   * The origin password_origin_set recorded for @user_id ("demo",
   * "one-time"), or NULL when none is (a password the account chose, or
   * an administrator typed). One row by its key: cheap at sign-in. */
  char       *(*password_origin_get) (FdStore *store, gint64 user_id);
  /* --- appended (issue 11, pgperf: commits off the main context's wait) ---
   *
   * Commits the open transaction (begin) without waiting for it to be
   * durable; @done runs later on the thread-default main context once it
   * is, error NULL, or with the error when that cannot be confirmed.
   * FALSE with @error when the commit itself failed (rolled back; @done
   * never runs). With @done NULL: commits nothing, and returns once every
   * earlier @done has run. NULL in an engine that only commits durably at
   * once (SQLite): the server calls commit. */
  gboolean    (*commit_async)      (FdStore *store, FdStoreDurableFunc done, gpointer data,
                                    GError **error);
  /* --- appended (issue 11, session 5: the listed count off the main context) ---
   *
   * listed_note, callable from any thread while the store is in use on
   * its own: on a connection of the engine's own, in a transaction of its
   * own committed at once without waiting for the disk. It is durable
   * once any later commit on the store's own connection is (the database
   * flushes its log in order), and the server sends no answer before its
   * group commit, made after this returns, is durable. The server calls
   * it on the search worker, so that the main context does not wait for
   * the count. NULL in an engine whose listed_note costs the main context
   * no wait (SQLite, in the process). */
  gboolean    (*listed_note_detached) (FdStore *store, gint64 user_id, const gint64 *ids,
                                       guint n_ids, gint64 since, gint64 now, guint *count,
                                       GError **error);
  /* --- appended (session 8: no lost update of an account) ---
   *
   * Writes only the lock and the failure count of account @id. The
   * sign-in and anomaly paths use it instead of user_update, whose record
   * was read a moment earlier: written back whole, it could undo what
   * another server changed meanwhile (a disable, a role, a password).
   * A @locked_until of 0 does not lift a lock still running at @now (set
   * by another server since the caller read the account). */
  gboolean    (*user_lock_set)     (FdStore *store, gint64 id, gint64 locked_until,
                                    gint failed_logins, gint64 now, GError **error);
};

struct _FdStore
{
  const FdStoreBackend *backend;
  FdKeys               *keys;     /* owned */
  gint64                scope;    /* issue 11: the estate requests may touch; FD_ESTATE_ALL = every one */
  /* issue 16: bumped (on the thread that uses the store) each time a
   * call failed because the engine lost its database; a request that saw
   * it change answers 503 whatever its handler made of the failure */
  guint                 outages;
};

void     fd_store_close        (FdStore *store);

static inline void
fd_store_set_scope (FdStore *store,
                    gint64   estate_id)
{
  store->scope = estate_id;
}

/* An engine's open function (fd_store_sqlite_open()) fails in this domain
 * (code 0) when its keys are not the database's: the key check value
 * stored at creation differs, or, in a database made before check values
 * existed, no encrypted value opens with them. (Issue 9, finding 5.) */
#define FD_STORE_WRONG_KEY_ERROR (fd_store_wrong_key_error_quark ())
GQuark   fd_store_wrong_key_error_quark (void);

void     fd_user_record_free     (FdUserRecord     *user);
void     fd_session_record_free  (FdSessionRecord  *session);
void     fd_resident_record_free (FdResidentRecord *resident);
void     fd_visitor_record_free  (FdVisitorRecord  *visitor);
void     fd_audit_entry_clear    (FdAuditEntry     *entry);
void     fd_audit_entry_free     (FdAuditEntry     *entry);
void     fd_alert_record_free    (FdAlertRecord    *alert);
void     fd_room_record_free     (FdRoomRecord     *room);
void     fd_estate_record_free   (FdEstateRecord   *estate);
void     fd_review_record_free   (FdReviewRecord   *review);  /* issue 12 */
GPtrArray *fd_review_items_new   (void);                    /* FdReviewItem*, owned */
void     fd_totp_record_free     (FdTotpRecord     *record);
void     fd_totp_challenge_free  (FdTotpChallenge  *challenge);
void     fd_delivery_record_free (FdDeliveryRecord *delivery);
void     fd_account_activity_free (FdAccountActivity *account);

/* The chain hash of @entry given its prev_hash: lowercase hex SHA-256 over
 * every member, length-prefixed so no two entries serialise alike. */
char    *fd_audit_entry_compute_hash (const FdAuditEntry *entry);

/* issue 15: forgets @user_id's second factor and recovery codes (keeping
 * a demo exemption) and ends its sessions ("second-factor-reset"): it
 * enrols again at its next sign-in. Inside the caller's transaction if
 * one is open. */
gboolean fd_store_totp_reset         (FdStore  *store,
                                      gint64    user_id,
                                      GError  **error);

/* Current UTC time as the audit log writes it. */
char    *fd_time_format_rfc3339      (gint64 usec);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdUserRecord, fd_user_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdSessionRecord, fd_session_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdResidentRecord, fd_resident_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdVisitorRecord, fd_visitor_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdAuditEntry, fd_audit_entry_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdAlertRecord, fd_alert_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdEstateRecord, fd_estate_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdReviewRecord, fd_review_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdTotpRecord, fd_totp_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdTotpChallenge, fd_totp_challenge_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdDeliveryRecord, fd_delivery_record_free)

#define FD_STORE_CALL(store, fn, ...) ((store)->backend->fn ((store), __VA_ARGS__))
#define FD_STORE_CALL0(store, fn) ((store)->backend->fn ((store)))

G_END_DECLS
