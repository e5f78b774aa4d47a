/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the parts of the PostgreSQL engine (fd-store-pg-*.c) share. */

#pragma once

#include <libpq-fe.h>
#include <string.h>

#include "fd-error.h"
#include "fd-field.h"
#include "fd-store-pg.h"

G_BEGIN_DECLS

/* Only the PostgreSQL engine includes this header.
 *
 * Transactions: every store call runs inside a transaction — the
 * caller's (begin … commit, the server's group commit) or one of its own
 * (an "op": fd_pg_op_begin … fd_pg_op_end). The first statement of each
 * transaction, and any statement after store->scope changed within it,
 * is preceded by set_config('frontdesk.estate', SCOPE, true), so the
 * row-level security policies (fd-store-pg-schema.c) see the estate of
 * the request that runs now, and the setting never outlives the
 * transaction (pgbouncer's transaction mode keeps working). */

typedef struct _FdPgDurable FdPgDurable;

typedef struct
{
  FdStore     parent;
  PGconn     *conn;
  char       *conninfo;      /* the server role's, for audit_verify's own connection */
  char       *password;      /* from database-password-file, or NULL; wiped at close */
  GHashTable *stmts;         /* const char *sql → statement name */
  guint       n_stmts;
  gboolean    in_tx;         /* inside begin … commit (the caller's) or an op */
  gboolean    caller_tx;     /* the open transaction is the caller's */
  gint64      applied_scope; /* frontdesk.estate in this transaction; -1 unset */
  /* The audit head, locked by this transaction's first append and moved
   * by the next ones in memory; written back at commit (fd-store-pg-audit.c). */
  gboolean    head_held;
  gboolean    head_dirty;
  gint64      head_seq;
  char       *head_hash;
  /* residents_after's connection (the search follower's thread) */
  GMutex      follow_lock;
  PGconn     *follow_conn;
  /* issue 16 (failover): connecting again, fd-store-pg-conn.c */
  struct _FdPgLink *link;
  /* issue 11: audit entries of the caller's transaction waiting for its
   * commit, and their provisional seqs (fd-store-pg-commit.c) */
  GPtrArray  *audit_pending;
  gint64      audit_provisional;
  /* issue 11: the rows read ahead with a session, for the calls that
   * follow it, each once (fd-store-pg-ahead.c) */
  gboolean      ahead;
  gint64        ahead_user_id;
  FdUserRecord *ahead_user;
  char         *ahead_keys[2];
  char         *ahead_values[2];
  /* issue 11: commit_async's barrier connection and the commits waiting
   * for it to say they are durable (fd-store-pg-commit.c) */
  gboolean      commit_lazy;
  FdPgDurable  *durable;
  /* issue 11, session 5: listed_note_detached's idle connections, taken
   * by any thread (fd-store-pg-limits.c) */
  GMutex        detached_lock;
  GPtrArray    *detached_idle;
  gint          detached_generation;
} FdStorePg;

#define SELF(s) ((FdStorePg *) (s))

#define FD_PG_MAX_PARAMS 24

/* Parameters of one statement: text, except bytea (binary). */
typedef struct
{
  const char *values[FD_PG_MAX_PARAMS];
  int         lengths[FD_PG_MAX_PARAMS];
  int         formats[FD_PG_MAX_PARAMS];
  char        ints[FD_PG_MAX_PARAMS][24];
  int         n;
} FdPgArgs;

/* @ids as an array literal, "{1,2,3}": ascending, each once. */
char     *fd_pg_id_array_text (const gint64 *ids, guint n_ids);
void      fd_pg_arg_int    (FdPgArgs *a, gint64 value);
void      fd_pg_arg_text   (FdPgArgs *a, const char *text);   /* NULL: SQL NULL */
void      fd_pg_arg_bytes  (FdPgArgs *a, GBytes *blob);       /* NULL: SQL NULL */

/* Sets @error from @res (or the connection) and returns FALSE. Messages
 * name tables and constraints, never parameter values: the server's
 * statements are prepared, so values never appear in their text. */
gboolean  fd_pg_set_error  (FdStorePg *self, PGresult *res, GError **error, const char *what);

/* Opens a transaction of the call's own unless one is open; *@own says
 * which. fd_pg_op_end commits (@ok) or rolls back an own one; in the
 * caller's transaction a failure is left to the caller's rollback. */
gboolean  fd_pg_op_begin   (FdStorePg *self, gboolean *own, GError **error);
gboolean  fd_pg_op_end     (FdStorePg *self, gboolean own, gboolean ok, GError **error);
/* fd-store-pg-tx.c: opens a transaction (@caller: the caller's, begin …
 * commit); closes it, committing (@commit) or rolling back */
gboolean  fd_pg_tx_open    (FdStorePg *self, gboolean caller, GError **error);
gboolean  fd_pg_tx_close   (FdStorePg *self, gboolean commit, GError **error);

/* Runs @sql (prepared once per connection) inside the open transaction,
 * scope applied. NULL with @error set on failure. */
PGresult *fd_pg_run        (FdStorePg *self, const char *sql, const FdPgArgs *args,
                            GError **error);
/* fd_pg_run inside an op of its own (or the caller's transaction). */
PGresult *fd_pg_query      (FdStorePg *self, const char *sql, const FdPgArgs *args,
                            GError **error);
/* fd_pg_query with the scope FD_ESTATE_ALL for this one statement, for
 * the calls whose contract reads or writes every estate whatever the
 * request's scope (the alert sender's queue, the periodic checks). */
PGresult *fd_pg_query_every_estate (FdStorePg *self, const char *sql, const FdPgArgs *args,
                                    GError **error);
/* TRUE when @res is not NULL (a statement that worked); frees @res. */
gboolean  fd_pg_changes_ok (PGresult *res);
/* fd_pg_query, for a statement whose result does not matter. */
gboolean  fd_pg_query_ok   (FdStorePg *self, const char *sql, const FdPgArgs *args,
                            GError **error);
/* The rows changed by a command result; 0 for NULL. Frees @res. */
guint     fd_pg_changes    (PGresult *res);

/* Column readers; NULL for SQL NULL. */
char     *fd_pg_text       (PGresult *res, int row, int col);
gint64    fd_pg_int        (PGresult *res, int row, int col);
gboolean  fd_pg_bool       (PGresult *res, int row, int col);
/* Opens the bytea at (@row, @col) with @aad; NULL when SQL NULL (no error) or not opening. */
char     *fd_pg_open_sealed (FdStorePg *self, PGresult *res, int row, int col, const char *aad,
                             GError **error);

/* The estate a write goes to: @record's, else the scope; 0 with @error
 * when neither names one or they disagree (fd-store.h, "Estates"). */
gint64    fd_pg_write_estate (FdStorePg *self, gint64 record, GError **error);

/* A new connection (@password may be NULL), the remote-host rule checked. */
PGconn   *fd_pg_connect    (const char *conninfo, const char *password, GError **error);
/* Simple (unprepared) SQL, for BEGIN, COMMIT and the schema. */
gboolean  fd_pg_exec       (PGconn *conn, const char *sql, GError **error);

static inline char *
make_aad (const char *table,
          gint64      id,
          const char *column)
{
  return g_strdup_printf ("%s:%" G_GINT64_FORMAT ":%s", table, id, column);
}

/* The scope as the engine's own filters take it: "$N = 0 OR estate_id = $N". */
#define SCOPE(self) ((self)->parent.scope)

/* fd-store-pg-conn.c (issue 16, failover) */
typedef struct _FdPgLink FdPgLink;
/* TRUE when @conn is broken or @res says the server is going away or
 * read-only: SQLSTATE class 08, 57P01-57P03, 25006. */
gboolean fd_pg_conn_lost_error (PGconn *conn, PGresult *res);
/* After a failed statement on the main connection: when it is such an
 * error, the connection is lost (fd_pg_conn_drop). */
void     fd_pg_conn_failed (FdStorePg *self, PGresult *res);
/* The main connection is lost: bumps FdStore.outages, connects again at the next call. */
void     fd_pg_conn_drop (FdStorePg *self);
/* Before a transaction: the main connection, made again (same
 * connection string) when lost; FALSE with FD_ERROR_UNAVAILABLE while
 * the database cannot be reached. Never blocks for long. */
gboolean fd_pg_conn_ensure (FdStorePg *self, GError **error);
/* TRUE once after each new main connection: the follower's must go too. */
gboolean fd_pg_conn_follow_stale (FdStorePg *self);
/* How many times the main connection was made again; any thread. */
gint     fd_pg_conn_generation (FdStorePg *self);
/* On the follower's new connection: warns when the index's last resident
 * (@last_id) is not on the new primary. */
void     fd_pg_conn_check_index (PGconn *conn, gint64 last_id);
void     fd_pg_conn_free (FdStorePg *self);

/* fd-store-pg-schema.c */
gboolean fd_pg_migrate (PGconn *conn, guint *from, guint *to, GError **error);
gboolean fd_pg_schema_current (PGconn *conn, GError **error);
extern const char * const fd_pg_schema_tables[];   /* NULL-terminated */

/* fd-store-pg-users.c */
char *fd_pg_get_setting (FdStore *store, const char *key);
gboolean fd_pg_set_setting (FdStore *store, const char *key, const char *value, GError **error);
FdUserRecord *fd_pg_user_by_name (FdStore *store, const char *username);
FdUserRecord *fd_pg_user_by_id (FdStore *store, gint64 id);
GPtrArray *fd_pg_user_list (FdStore *store);
gint64 fd_pg_user_insert (FdStore *store, const FdUserRecord *user, GError **error);
gboolean fd_pg_user_update (FdStore *store, const FdUserRecord *user, GError **error);
gboolean fd_pg_user_lock_set (FdStore *store, gint64 id, gint64 locked_until,
                              gint failed_logins, gint64 now, GError **error);
GPtrArray *fd_pg_estate_list (FdStore *store);
gint64 fd_pg_estate_insert (FdStore *store, const char *code, const char *name, GError **error);
GArray *fd_pg_user_estates (FdStore *store, gint64 user_id);
gboolean fd_pg_user_estates_set (FdStore *store, gint64 user_id, const gint64 *ids, guint n_ids,
                                 GError **error);

gboolean fd_pg_estate_update (FdStore *store, gint64 id, const char *code, const char *name,
                              GError **error);

/* fd-store-pg-reviews.c */
gint64 fd_pg_review_insert (FdStore *store, const FdReviewRecord *review, const gint64 *user_ids,
                            guint n_users, GError **error);
FdReviewRecord *fd_pg_review_get (FdStore *store, gint64 id);
gboolean fd_pg_review_decide (FdStore *store, gint64 review_id, gint64 user_id,
                              const char *decision, const char *by, gint64 at, GError **error);
gboolean fd_pg_review_sign_off (FdStore *store, gint64 review_id, const char *by, gint64 at,
                                GError **error);
GArray *fd_pg_review_overdue (FdStore *store, gint64 now);
GArray *fd_pg_activity_days (FdStore *store, const char *from_day, const char *to_day);
gboolean fd_pg_user_last_sign_in (FdStore *store, gint64 user_id, gint64 *at, char **workstation);

/* fd-store-pg-sessions.c */
FdSessionRecord *fd_pg_session_by_token_hash (FdStore *store, const char *token_hash);
gint64 fd_pg_session_insert (FdStore *store, const FdSessionRecord *session, GError **error);
gboolean fd_pg_session_update (FdStore *store, const FdSessionRecord *session, GError **error);
guint fd_pg_sessions_end_for_user (FdStore *store, gint64 user_id, gint64 keep_id,
                                   const char *reason, gint64 now);
guint fd_pg_session_unlock_reserve (FdStore *store, gint64 session_id, guint max_failures);

/* fd-store-pg-residents.c */
gint64 fd_pg_resident_insert (FdStore *store, const FdResidentInput *in, GError **error);
gboolean fd_pg_resident_insert_many (FdStore *store, const FdResidentInput *inputs, guint n,
                                     GError **error);
guint fd_pg_resident_count (FdStore *store);
FdResidentRecord *fd_pg_resident_get (FdStore *store, gint64 id);
void fd_pg_resident_foreach (FdStore *store, FdResidentFunc func, gpointer user_data);
char *fd_pg_resident_secret (FdStore *store, gint64 id, const char *field, GError **error);
gboolean fd_pg_resident_matches (FdStore *store, gint64 id, const char *field, const char *value);
gboolean fd_pg_room_exists (FdStore *store, const char *room);
guint fd_pg_residents_after (FdStore *store, gint64 after_id, guint limit, FdResidentFunc func,
                             gpointer user_data);
GPtrArray *fd_pg_room_search (FdStore *store, const char *prefix, guint limit);

/* fd-store-pg-visitors.c (visitors and alerts) */
gint64 fd_pg_visitor_insert (FdStore *store, const char *name, const char *phone,
                             const char *id_number, const char *room, const char *purpose,
                             const char *plate, gint64 arrived_at, const char *registered_by,
                             GError **error);
FdVisitorRecord *fd_pg_visitor_get (FdStore *store, gint64 id);
GPtrArray *fd_pg_visitor_list (FdStore *store, gint64 from, gint64 to, gint64 after_id,
                               guint limit);
gboolean fd_pg_visitor_checkout (FdStore *store, gint64 id, gint64 at, GError **error);
guint fd_pg_visitors_purge (FdStore *store, gint64 older_than);
gint64 fd_pg_alert_insert (FdStore *store, const char *kind, const char *actor,
                           const char *detail, GError **error);
GPtrArray *fd_pg_alert_list (FdStore *store, guint limit);
char *fd_pg_alert_recent (FdStore *store, const char *kind, const char *actor,
                          const char *since);

/* fd-store-pg-audit.c */
/* The statement that moves the head to where this transaction's appends
 * left it ("" when they moved nothing); forgets the head either way. */
char *fd_pg_audit_head_release (FdStorePg *self);
gboolean fd_pg_audit_head_take (FdStorePg *self, GError **error);
/* fd-store-pg-commit.c: the audit entries of the caller's transaction,
 * written together at its commit */
gboolean fd_pg_audit_defer (FdStorePg *self, FdAuditEntry *entry);
gboolean fd_pg_audit_subjects_defer (FdStorePg *self, gint64 seq, char kind, const gint64 *ids,
                                     guint n_ids, GError **error);
gboolean fd_pg_audit_pending (FdStorePg *self);
gboolean fd_pg_audit_flush (FdStorePg *self, GError **error);
void fd_pg_audit_pending_drop (FdStorePg *self);
gboolean fd_pg_durable_after (FdStorePg *self, FdStoreDurableFunc done, gpointer data,
                              GError **error);
void fd_pg_durable_wait (FdStorePg *self);
void fd_pg_durable_close (FdStorePg *self);
/* Appends @value (NULL: SQL NULL) to the array literal @array, which
 * starts as "{" (fd-store-pg-write.c) */
void fd_pg_array_add (GString *array, const char *value);
/* fd-store-pg-ahead.c: the session's statement reads, after its own
 * columns, these of its account (LEFT JOIN users u) and two settings */
#define FD_PG_AHEAD_COLUMNS \
  "u.id, u.username, u.display_name, u.role, u.password_hash, u.disabled, u.locked_until, " \
  "u.failed_logins, (SELECT value FROM settings WHERE key = 'rules.version'), " \
  "(SELECT value FROM settings WHERE key = 'rules.ack.' || s.user_id)"
void fd_pg_ahead_keep (FdStorePg *self, PGresult *res, int col, gint64 user_id);
void fd_pg_ahead_drop (FdStorePg *self);
gboolean fd_pg_ahead_user (FdStorePg *self, gint64 id, FdUserRecord **user);
gboolean fd_pg_ahead_setting (FdStorePg *self, const char *key, char **value);
/* The account in the 8 columns of USER_SELECT from @col of @row (fd-store-pg-users.c) */
FdUserRecord *fd_pg_user_from (PGresult *res, int row, int col);
gboolean fd_pg_audit_append (FdStore *store, FdAuditEntry *entry, GError **error);
GPtrArray *fd_pg_audit_list (FdStore *store, const FdAuditQuery *q);
guint fd_pg_audit_count (FdStore *store, gint64 actor_id, const char *action,
                         const char *outcome, const char *target, const char *since,
                         gboolean distinct_targets);
gboolean fd_pg_audit_verify (FdStore *store, gint64 *n_entries, gint64 *first_bad_seq,
                             GError **error);

/* fd-store-pg-limits.c */
gboolean fd_pg_limit_take (FdStore *store, gint64 user_id, const char *kind, gint64 since,
                           gint64 now, guint max, guint *count, GError **error);
guint fd_pg_limit_count (FdStore *store, gint64 user_id, const char *kind, gint64 since);
gboolean fd_pg_listed_note_detached (FdStore *store, gint64 user_id, const gint64 *ids,
                                     guint n_ids, gint64 since, gint64 now, guint *count,
                                     GError **error);
void     fd_pg_detached_close (FdStorePg *self);
gboolean fd_pg_listed_note (FdStore *store, gint64 user_id, const gint64 *ids, guint n_ids,
                            gint64 since, gint64 now, guint *count, GError **error);
FdLoginAttempt fd_pg_login_attempt_reserve (FdStore *store, const char *username, gint64 now,
                                            guint max_failures, gint64 lock_usec,
                                            gint64 forget_before, gint64 *locked_until,
                                            GError **error);
gboolean fd_pg_login_attempt_clear (FdStore *store, const char *username, GError **error);

/* fd-store-pg-totp.c (issue 15) */
FdTotpRecord *fd_pg_totp_get (FdStore *store, gint64 user_id, gboolean with_secret);
gboolean fd_pg_totp_put (FdStore *store, const FdTotpRecord *record,
                         const char * const *recovery_hashes, GError **error);
gboolean fd_pg_totp_step_take (FdStore *store, gint64 user_id, gint64 step);
gboolean fd_pg_totp_recovery_use (FdStore *store, gint64 user_id, const char *code_hash,
                                  gint64 now, guint *left);
gboolean fd_pg_totp_challenge_put (FdStore *store, const FdTotpChallenge *challenge, gint64 now,
                                   GError **error);
FdTotpChallenge *fd_pg_totp_challenge_take (FdStore *store, const char *hash, gint64 now);

/* fd-store-pg-deliveries.c (issue 12, alerts out and the self-check) */
gint64 fd_pg_delivery_enqueue (FdStore *store, const FdDeliveryRecord *delivery, GError **error);
GPtrArray *fd_pg_delivery_claim (FdStore *store, gint64 now, gint64 lease_until, guint limit,
                                 GError **error);
gboolean fd_pg_delivery_finish (FdStore *store, gint64 id, const char *status, guint attempts,
                                gint64 attempted_at, gint64 next_at, const char *error_text,
                                GError **error);
GPtrArray *fd_pg_delivery_list (FdStore *store, guint limit);
guint fd_pg_delivery_count (FdStore *store, const char *status, gint64 since);
gboolean fd_pg_password_origin_set (FdStore *store, gint64 user_id, const char *origin,
                                    GError **error);
char *fd_pg_password_origin_get (FdStore *store, gint64 user_id);   /* pwchange */
GPtrArray *fd_pg_account_activity (FdStore *store);

/* fd-store-pg-visitors.c (issue 14) */
gboolean fd_pg_visitor_undo_checkout (FdStore *store, gint64 id, gint64 left_at, GError **error);

/* fd-store-pg-radius.c (issue 12, rules) */
gboolean fd_pg_audit_subjects_add (FdStore *store, gint64 seq, char kind, const gint64 *ids,
                                   guint n_ids, GError **error);
gboolean fd_pg_incident_radius (FdStore *store, gint64 actor_id, const char *from,
                                const char *to, FdRadiusData *out, GError **error);

/* fd-store-pg-integrity.c (issue 12) */
gboolean fd_pg_integrity_check (FdStore *store, gboolean quick, char **problem, GError **error);

G_END_DECLS
