/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the parts of the SQLite engine (fd-store-sqlite-*.c) share. */

#pragma once

#include <sqlite3.h>
#include <string.h>

#include "fd-error.h"
#include "fd-field.h"
#include "fd-store-sqlite.h"

G_BEGIN_DECLS

/* Only the SQLite engine includes this header: fd-store.h stays free of
 * anything SQLite, so that a second engine fills the same table. */

typedef struct
{
  FdStore     parent;
  sqlite3    *db;
  char       *path;
  GHashTable *stmts;   /* const char *sql → sqlite3_stmt* */
  /* head of the audit chain written in the open transaction, anchored at commit */
  gint64      pending_anchor_seq;
  char       *pending_anchor_hash;
  /* issue 13 (perf13): fd-store-sqlite-authgen.c */
  guint64     auth_generation;
  gint64      auth_data_version;
  gboolean    auth_dirty;        /* the open transaction changed sessions or users */
  /* issue 13 (search13): fd-store-sqlite-sync.c; the committer thread's */
  int         wal_sync_fd;
  gboolean    wal_sync_open;
} FdStoreSqlite;

#define SELF(s) ((FdStoreSqlite *) (s))

/* Statement helpers: small, so inline in each part. */

static inline gboolean
set_sqlite_error (FdStoreSqlite  *self,
                  GError        **error,
                  const char     *what)
{
  int rc = sqlite3_errcode (self->db);
  /* Busy, full, read-only or failing storage: the server is unavailable,
   * not broken. SQLite messages name tables and constraints, never bound
   * values. */
  FdError code = (rc == SQLITE_BUSY || rc == SQLITE_LOCKED || rc == SQLITE_FULL ||
                  rc == SQLITE_IOERR || rc == SQLITE_READONLY || rc == SQLITE_CANTOPEN)
                 ? FD_ERROR_UNAVAILABLE : FD_ERROR_INTERNAL;

  g_set_error (error, FD_ERROR, code, "%s: %s", what, sqlite3_errmsg (self->db));
  return FALSE;
}

static inline gboolean
exec (FdStoreSqlite  *self,
      const char     *sql,
      GError        **error)
{
  char *msg = NULL;

  if (sqlite3_exec (self->db, sql, NULL, NULL, &msg) != SQLITE_OK)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL, "database: %s", msg ? msg : "error");
      sqlite3_free (msg);
      return FALSE;
    }
  return TRUE;
}

static inline sqlite3_stmt *
prep (FdStoreSqlite *self,
      const char    *sql)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->stmts, sql);

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }
  if (sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    {
      g_warning ("Cannot prepare statement: %s", sqlite3_errmsg (self->db));
      return NULL;
    }
  g_hash_table_insert (self->stmts, (gpointer) sql, stmt);
  return stmt;
}

/* Steps a one-row query and hands the row to @read (NULL when there is
 * none), then resets the statement at once: a statement left mid-result
 * would hold the read snapshot open (stale reads, and a BEGIN IMMEDIATE
 * that cannot upgrade). */
static inline gpointer
fetch_one (sqlite3_stmt *stmt,
           gpointer    (*read) (sqlite3_stmt *))
{
  gpointer row = NULL;

  if (stmt == NULL)
    return NULL;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    row = read (stmt);
  sqlite3_reset (stmt);
  return row;
}

/* The one row of @sql (which takes the id as ?1 and, when @scoped, the
 * store's scope as ?2), as @read makes it, or NULL. */
static inline gpointer
fetch_by_id_full (FdStoreSqlite *self,
                  const char    *sql,
                  gint64         id,
                  gboolean       scoped,
                  gpointer     (*read) (sqlite3_stmt *))
{
  sqlite3_stmt *stmt = prep (self, sql);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  if (scoped)
    sqlite3_bind_int64 (stmt, 2, self->parent.scope);
  return fetch_one (stmt, read);
}

/* The one row of @sql (which takes the id as its only parameter), as
 * @read makes it, or NULL. */
static inline gpointer
fetch_by_id (FdStoreSqlite *self,
             const char    *sql,
             gint64         id,
             gpointer     (*read) (sqlite3_stmt *))
{
  return fetch_by_id_full (self, sql, id, FALSE, read);
}

static inline gpointer
read_text0 (sqlite3_stmt *stmt)
{
  const unsigned char *text = sqlite3_column_text (stmt, 0);
  return g_strdup (text ? (const char *) text : "");
}

static inline gpointer
read_true (sqlite3_stmt *stmt)
{
  return GINT_TO_POINTER (TRUE);
}

static inline void
bind_text (sqlite3_stmt *stmt,
           int           idx,
           const char   *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, idx);
  else
    sqlite3_bind_text (stmt, idx, text, -1, SQLITE_TRANSIENT);
}

static inline char *
col_text (sqlite3_stmt *stmt,
          int           idx)
{
  const unsigned char *text = sqlite3_column_text (stmt, idx);
  return text ? g_strdup ((const char *) text) : NULL;
}

static inline gboolean
bind_sealed (FdStoreSqlite  *self,
             sqlite3_stmt   *stmt,
             int             idx,
             const char     *value,
             const char     *aad,
             GError        **error)
{
  g_autoptr(GBytes) blob = NULL;

  if (value == NULL || *value == '\0')
    {
      sqlite3_bind_null (stmt, idx);
      return TRUE;
    }
  blob = fd_crypto_seal (self->parent.keys, value, aad, error);
  if (blob == NULL)
    return FALSE;
  sqlite3_bind_blob (stmt, idx, g_bytes_get_data (blob, NULL), g_bytes_get_size (blob),
                     SQLITE_TRANSIENT);
  return TRUE;
}

/* BEGIN and COMMIT run once per audited request: keep them prepared. */
static inline gboolean
step_once (FdStoreSqlite  *self,
           const char     *sql,
           GError        **error)
{
  sqlite3_stmt *stmt = prep (self, sql);
  int rc;

  if (stmt == NULL)
    return set_sqlite_error (self, error, "database");
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return set_sqlite_error (self, error, "database");
  return TRUE;
}

static inline char *
make_aad (const char *table,
          gint64      id,
          const char *column)
{
  return g_strdup_printf ("%s:%" G_GINT64_FORMAT ":%s", table, id, column);
}

/* Estates (issue 11): the estate an insert writes, following fd-store.h:
 * the record's @estate_id, or the store's scope when that is 0. FALSE
 * (with @error) when the two disagree, or when neither names an estate
 * and @company_wide_ok (sessions, audit entries, alerts may be 0) is not
 * set. */
static inline gboolean
insert_estate (FdStoreSqlite  *self,
               gint64          estate_id,
               gboolean        company_wide_ok,
               gint64         *out,
               GError        **error)
{
  gint64 scope = self->parent.scope;

  if (estate_id != 0 && scope != FD_ESTATE_ALL && estate_id != scope)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL,
                   "A write for estate %" G_GINT64_FORMAT " in a request of estate %"
                   G_GINT64_FORMAT, estate_id, scope);
      return FALSE;
    }
  *out = estate_id != 0 ? estate_id : scope;
  if (*out == 0 && !company_wide_ok)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL, "A write that names no estate");
      return FALSE;
    }
  return TRUE;
}

/* The scope a read filters on: "(?N = 0 OR estate_id = ?N)" in the SQL. */
static inline void
bind_scope (FdStoreSqlite *self,
            sqlite3_stmt  *stmt,
            int            idx)
{
  sqlite3_bind_int64 (stmt, idx, self->parent.scope);
}

/* The one row of @sql (the id as ?1, the scope as ?2), as @read makes it, or NULL. */
static inline gpointer
fetch_by_id_scoped (FdStoreSqlite *self,
                    const char    *sql,
                    gint64         id,
                    gpointer     (*read) (sqlite3_stmt *))
{
  return fetch_by_id_full (self, sql, id, TRUE, read);
}

/* The table's functions, one block per part. */

/* fd-store-sqlite.c */
char *fd_sqlite_get_setting (FdStore *store, const char *key);
gboolean fd_sqlite_set_setting (FdStore *store, const char *key, const char *value, GError **error);

/* fd-store-sqlite-users.c */
FdUserRecord *fd_sqlite_user_by_name (FdStore *store, const char *username);
FdUserRecord *fd_sqlite_user_by_id (FdStore *store, gint64 id);
GPtrArray *fd_sqlite_user_list (FdStore *store);
gint64 fd_sqlite_user_insert (FdStore *store, const FdUserRecord *user, GError **error);
gboolean fd_sqlite_user_update (FdStore *store, const FdUserRecord *user, GError **error);
gboolean fd_sqlite_user_lock_set (FdStore *store, gint64 id, gint64 locked_until,
                                  gint failed_logins, gint64 now, GError **error);

/* fd-store-sqlite-sessions.c */
FdSessionRecord *fd_sqlite_session_by_token_hash (FdStore *store, const char *token_hash);
gint64 fd_sqlite_session_insert (FdStore *store, const FdSessionRecord *session, GError **error);
gboolean fd_sqlite_session_update (FdStore *store, const FdSessionRecord *session, GError **error);
guint fd_sqlite_sessions_end_for_user (FdStore *store, gint64 user_id, gint64 keep_id,
                                       const char *reason, gint64 now);
guint fd_sqlite_session_unlock_reserve (FdStore *store, gint64 session_id, guint max_failures);

/* fd-store-sqlite-residents.c */
gint64 fd_sqlite_resident_insert (FdStore *store, const FdResidentInput *in, GError **error);
guint fd_sqlite_resident_count (FdStore *store);
FdResidentRecord *fd_sqlite_resident_get (FdStore *store, gint64 id);
void fd_sqlite_resident_foreach (FdStore *store, FdResidentFunc func, gpointer user_data);
char *fd_sqlite_resident_secret (FdStore *store, gint64 id, const char *field, GError **error);
gboolean fd_sqlite_resident_matches (FdStore *store, gint64 id, const char *field,
                                     const char *value);
gboolean fd_sqlite_room_exists (FdStore *store, const char *room);
GPtrArray *fd_sqlite_room_search (FdStore *store, const char *prefix, guint limit);
gboolean fd_sqlite_resident_insert_many (FdStore *store, const FdResidentInput *inputs, guint n,
                                         GError **error);

/* fd-store-sqlite-visitors.c */
gint64 fd_sqlite_visitor_insert (FdStore *store, const char *name, const char *phone,
                                 const char *id_number, const char *room, const char *purpose,
                                 const char *plate, gint64 arrived_at, const char *registered_by,
                                 GError **error);
FdVisitorRecord *fd_sqlite_visitor_get (FdStore *store, gint64 id);
GPtrArray *fd_sqlite_visitor_list (FdStore *store, gint64 from, gint64 to, gint64 after_id,
                                   guint limit);
gboolean fd_sqlite_visitor_checkout (FdStore *store, gint64 id, gint64 at, GError **error);
guint fd_sqlite_visitors_purge (FdStore *store, gint64 older_than);
gboolean fd_sqlite_visitor_undo_checkout (FdStore *store, gint64 id, gint64 left_at,
                                         GError **error);   /* issue 14 */

/* fd-store-sqlite-audit.c */
gboolean fd_sqlite_write_audit_anchor (FdStoreSqlite *self, gint64 seq, const char *hash,
                                       GError **error);
gboolean fd_sqlite_write_pending_anchor (FdStoreSqlite *self, GError **error);
gboolean fd_sqlite_audit_append (FdStore *store, FdAuditEntry *entry, GError **error);
GPtrArray *fd_sqlite_audit_list (FdStore *store, const FdAuditQuery *q);
guint fd_sqlite_audit_count (FdStore *store, gint64 actor_id, const char *action,
                             const char *outcome, const char *target, const char *since,
                             gboolean distinct_targets);
gboolean fd_sqlite_audit_verify (FdStore *store, gint64 *n_entries, gint64 *first_bad_seq,
                                 GError **error);

/* fd-store-sqlite-limits.c (issue 13): @ids as a JSON array for json_each() */
GString *fd_sqlite_ids_json (const gint64 *ids, guint n_ids);

/* fd-store-sqlite-sync.c (issue 13, search13) */
gboolean fd_sqlite_begin_unsynced (FdStore *store, GError **error);
gboolean fd_sqlite_commit_unsynced (FdStore *store, GError **error);
gboolean fd_sqlite_sync_committed (FdStore *store, GError **error);

/* fd-store-sqlite-alerts.c */
gint64 fd_sqlite_alert_insert (FdStore *store, const char *kind, const char *actor,
                               const char *detail, GError **error);
GPtrArray *fd_sqlite_alert_list (FdStore *store, guint limit);
char *fd_sqlite_alert_recent (FdStore *store, const char *kind, const char *actor,
                              const char *since);

/* fd-store-sqlite-limits.c */
gboolean fd_sqlite_limit_take (FdStore *store, gint64 user_id, const char *kind, gint64 since,
                               gint64 now, guint max, guint *count, GError **error);
guint fd_sqlite_limit_count (FdStore *store, gint64 user_id, const char *kind, gint64 since);
gboolean fd_sqlite_listed_note (FdStore *store, gint64 user_id, const gint64 *ids, guint n_ids,
                                gint64 since, gint64 now, guint *count, GError **error);
FdLoginAttempt fd_sqlite_login_attempt_reserve (FdStore *store, const char *username, gint64 now,
                                                guint max_failures, gint64 lock_usec,
                                                gint64 forget_before, gint64 *locked_until,
                                                GError **error);
gboolean fd_sqlite_login_attempt_clear (FdStore *store, const char *username, GError **error);

/* fd-store-sqlite-radius.c (issue 12) */
gboolean fd_sqlite_audit_subjects_add (FdStore *store, gint64 seq, char kind, const gint64 *ids,
                                       guint n_ids, GError **error);
gboolean fd_sqlite_incident_radius (FdStore *store, gint64 actor_id, const char *from,
                                    const char *to, FdRadiusData *out, GError **error);
/* fd-store-sqlite-estates.c (issue 11) */
GPtrArray *fd_sqlite_estate_list (FdStore *store);
gint64 fd_sqlite_estate_insert (FdStore *store, const char *code, const char *name, GError **error);
GArray *fd_sqlite_user_estates (FdStore *store, gint64 user_id);
gboolean fd_sqlite_user_estates_set (FdStore *store, gint64 user_id, const gint64 *ids,
                                     guint n_ids, GError **error);
gboolean fd_sqlite_estate_update (FdStore *store, gint64 id, const char *code, const char *name,
                                  GError **error);
/* fd-store-sqlite-reviews.c (issue 12, access review) */
gint64 fd_sqlite_review_insert (FdStore *store, const FdReviewRecord *review,
                                const gint64 *user_ids, guint n_users, GError **error);
FdReviewRecord *fd_sqlite_review_get (FdStore *store, gint64 id);
gboolean fd_sqlite_review_decide (FdStore *store, gint64 review_id, gint64 user_id,
                                  const char *decision, const char *by, gint64 at, GError **error);
gboolean fd_sqlite_review_sign_off (FdStore *store, gint64 review_id, const char *by, gint64 at,
                                    GError **error);
GArray *fd_sqlite_review_overdue (FdStore *store, gint64 now);
GArray *fd_sqlite_activity_days (FdStore *store, const char *from_day, const char *to_day);
gboolean fd_sqlite_user_last_sign_in (FdStore *store, gint64 user_id, gint64 *at,
                                      char **workstation);
/* fd-store-sqlite-totp.c (issue 15) */
FdTotpRecord *fd_sqlite_totp_get (FdStore *store, gint64 user_id, gboolean with_secret);
gboolean fd_sqlite_totp_put (FdStore *store, const FdTotpRecord *record,
                             const char * const *recovery_hashes, GError **error);
gboolean fd_sqlite_totp_step_take (FdStore *store, gint64 user_id, gint64 step);
gboolean fd_sqlite_totp_recovery_use (FdStore *store, gint64 user_id, const char *code_hash,
                                      gint64 now, guint *left);
gboolean fd_sqlite_totp_challenge_put (FdStore *store, const FdTotpChallenge *challenge,
                                       gint64 now, GError **error);
FdTotpChallenge *fd_sqlite_totp_challenge_take (FdStore *store, const char *hash, gint64 now);
/* fd-store-sqlite-deliveries.c (issue 12) */
gint64 fd_sqlite_delivery_enqueue (FdStore *store, const FdDeliveryRecord *d, GError **error);
GPtrArray *fd_sqlite_delivery_claim (FdStore *store, gint64 now, gint64 lease_until, guint limit,
                                     GError **error);
gboolean fd_sqlite_delivery_finish (FdStore *store, gint64 id, const char *status, guint attempts,
                                    gint64 attempted_at, gint64 next_at, const char *error_text,
                                    GError **error);
GPtrArray *fd_sqlite_delivery_list (FdStore *store, guint limit);
guint fd_sqlite_delivery_count (FdStore *store, const char *status, gint64 since);
gboolean fd_sqlite_password_origin_set (FdStore *store, gint64 user_id, const char *origin,
                                        GError **error);
char *fd_sqlite_password_origin_get (FdStore *store, gint64 user_id);   /* pwchange */
GPtrArray *fd_sqlite_account_activity (FdStore *store);
gboolean fd_sqlite_integrity_check (FdStore *store, gboolean quick, char **problem,
                                    GError **error);

/* fd-store-sqlite-authgen.c (issue 13, perf13) */
void     fd_sqlite_auth_watch      (FdStoreSqlite *self);
guint64  fd_sqlite_auth_generation (FdStore *store);

G_END_DECLS
