#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "fd-error.h"
#include "fd-field.h"
#include "fd-mask.h"
#include "fd-store.h"

/* The SQLite engine: WAL, versioned migrations (PRAGMA user_version),
 * prepared statements cached for the life of the connection. Sensitive
 * columns hold AES-256-GCM blobs whose associated data binds them to
 * their table, row and column; exact-match lookup goes through HMAC blind
 * indexes. What a role may see masked is stored masked, so ordinary reads
 * never decrypt anything. */

typedef struct
{
  FdStore     parent;
  sqlite3    *db;
  char       *path;
  GHashTable *stmts;   /* const char *sql → sqlite3_stmt* */
  /* head of the audit chain written in the open transaction, anchored at commit */
  gint64      pending_anchor_seq;
  char       *pending_anchor_hash;
} FdStoreSqlite;

static gboolean write_pending_anchor (FdStoreSqlite *self, GError **error);

#define SELF(s) ((FdStoreSqlite *) (s))

static const char *migrations[] = {
  /* 1 */
  "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
  "CREATE TABLE users ("
  "  id INTEGER PRIMARY KEY, username TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL,"
  "  role TEXT NOT NULL, password_hash TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0,"
  "  locked_until INTEGER NOT NULL DEFAULT 0, failed_logins INTEGER NOT NULL DEFAULT 0,"
  "  created_at INTEGER NOT NULL);"
  "CREATE TABLE sessions ("
  "  id INTEGER PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE, user_id INTEGER NOT NULL,"
  "  created_at INTEGER NOT NULL, last_seen INTEGER NOT NULL, expires_at INTEGER NOT NULL,"
  "  workstation TEXT, ip TEXT, locked INTEGER NOT NULL DEFAULT 0,"
  "  unlock_failures INTEGER NOT NULL DEFAULT 0, end_reason TEXT);"
  "CREATE INDEX sessions_user ON sessions (user_id, end_reason);"
  "CREATE TABLE rooms (room TEXT PRIMARY KEY, building INTEGER, unit INTEGER, number INTEGER);"
  "CREATE TABLE residents ("
  "  id INTEGER PRIMARY KEY, name TEXT NOT NULL, room TEXT NOT NULL, initials TEXT NOT NULL,"
  "  phone_enc BLOB, phone_bidx TEXT, phone_masked TEXT, phone_last4 TEXT,"
  "  id_enc BLOB, id_bidx TEXT, id_masked TEXT,"
  "  address_enc BLOB, address_masked TEXT);"
  "CREATE INDEX residents_room ON residents (room);"
  "CREATE INDEX residents_last4 ON residents (phone_last4);"
  "CREATE TABLE plates (resident_id INTEGER NOT NULL, plate TEXT NOT NULL,"
  "  PRIMARY KEY (resident_id, plate));"
  "CREATE TABLE payments (resident_id INTEGER PRIMARY KEY, account_enc BLOB,"
  "  account_masked TEXT, balance_cents INTEGER NOT NULL DEFAULT 0,"
  "  overdue INTEGER NOT NULL DEFAULT 0, last_paid_at TEXT);"
  "CREATE TABLE visitors ("
  "  id INTEGER PRIMARY KEY, name TEXT NOT NULL, phone_enc BLOB, phone_masked TEXT,"
  "  id_enc BLOB, id_masked TEXT, room TEXT NOT NULL, purpose TEXT NOT NULL, plate TEXT,"
  "  arrived_at INTEGER NOT NULL, left_at INTEGER NOT NULL DEFAULT 0, registered_by TEXT);"
  "CREATE INDEX visitors_arrived ON visitors (arrived_at);"
  "CREATE TABLE audit_log ("
  "  seq INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT, actor_id INTEGER, role TEXT,"
  "  session_hash TEXT, workstation TEXT, ip TEXT, action TEXT NOT NULL, target TEXT,"
  "  field TEXT, reason_code TEXT, reason_text TEXT, outcome TEXT NOT NULL,"
  "  prev_hash TEXT NOT NULL, hash TEXT NOT NULL);"
  "CREATE INDEX audit_actor ON audit_log (actor_id, action, at);"
  "CREATE TABLE alerts (id INTEGER PRIMARY KEY, at TEXT NOT NULL, kind TEXT NOT NULL,"
  "  actor TEXT, detail TEXT);",
  /* 2: a token replaced at unlock answers "signed-out", not "invalid" */
  "ALTER TABLE sessions ADD COLUMN prev_token_hash TEXT;"
  "CREATE INDEX sessions_prev_token ON sessions (prev_token_hash);",
  /* 3: the keyed audit head anchor (written by anchor_existing_chain) */
  "SELECT 1;",
  /* 4 (limits): events counted by limit_take; residents listed per user
   * (listed_note), with their number kept beside them */
  "CREATE TABLE limit_events (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL,"
  "  kind TEXT NOT NULL, at INTEGER NOT NULL);"
  "CREATE INDEX limit_events_user ON limit_events (user_id, kind, at);"
  "CREATE TABLE listed_residents (user_id INTEGER NOT NULL, resident_id INTEGER NOT NULL,"
  "  at INTEGER NOT NULL, PRIMARY KEY (user_id, resident_id)) WITHOUT ROWID;"
  "CREATE INDEX listed_residents_at ON listed_residents (user_id, at);"
  "CREATE TABLE listed_counts (user_id INTEGER PRIMARY KEY, n INTEGER NOT NULL);",
  /* 5 (issue 9): failed sign-ins per username, known or not; the name is
   * kept as a keyed MAC (people type passwords into the name field) */
  "CREATE TABLE login_failures (name_mac TEXT PRIMARY KEY, failures INTEGER NOT NULL,"
  "  locked_until INTEGER NOT NULL DEFAULT 0, last_at INTEGER NOT NULL);"
  "CREATE INDEX login_failures_last ON login_failures (last_at);",
  /* 6: the per-user counts of the anomaly rules (audit_count) read the
   * index only, not one table row per counted entry (the soak benchmark) */
  "CREATE INDEX audit_actor_counts ON audit_log (actor_id, action, at, outcome, target);"
  "DROP INDEX audit_actor;",
};

static gboolean
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

static gboolean
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

static sqlite3_stmt *
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
static gpointer
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

static gpointer
read_text0 (sqlite3_stmt *stmt)
{
  const unsigned char *text = sqlite3_column_text (stmt, 0);
  return g_strdup (text ? (const char *) text : "");
}

static gpointer
read_true (sqlite3_stmt *stmt)
{
  return GINT_TO_POINTER (TRUE);
}

static void
bind_text (sqlite3_stmt *stmt,
           int           idx,
           const char   *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, idx);
  else
    sqlite3_bind_text (stmt, idx, text, -1, SQLITE_TRANSIENT);
}

static char *
col_text (sqlite3_stmt *stmt,
          int           idx)
{
  const unsigned char *text = sqlite3_column_text (stmt, idx);
  return text ? g_strdup ((const char *) text) : NULL;
}

static gboolean
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

static void
store_close (FdStore *store)
{
  FdStoreSqlite *self = SELF (store);

  g_clear_pointer (&self->stmts, g_hash_table_unref);
  if (self->db != NULL)
    {
      sqlite3_exec (self->db, "PRAGMA wal_checkpoint(TRUNCATE);", NULL, NULL, NULL);
      sqlite3_close_v2 (self->db);
      self->db = NULL;
    }
  g_clear_pointer (&self->parent.keys, fd_keys_free);
  g_free (self->pending_anchor_hash);
  g_free (self->path);
  g_free (self);
}

/* BEGIN and COMMIT run once per audited request: keep them prepared. */
static gboolean
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

static gboolean
store_begin (FdStore *store, GError **error)
{
  return step_once (SELF (store), "BEGIN IMMEDIATE", error);
}

static gboolean
store_commit (FdStore *store, GError **error)
{
  if (!write_pending_anchor (SELF (store), error))
    return FALSE;
  return step_once (SELF (store), "COMMIT", error);
}

static void
store_rollback (FdStore *store)
{
  SELF (store)->pending_anchor_seq = 0;
  g_clear_pointer (&SELF (store)->pending_anchor_hash, g_free);
  exec (SELF (store), "ROLLBACK", NULL);
}

static char *
get_setting (FdStore *store, const char *key)
{
  sqlite3_stmt *stmt = prep (SELF (store), "SELECT value FROM settings WHERE key = ?");

  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, key);
  return fetch_one (stmt, read_text0);
}

static gboolean
set_setting (FdStore *store, const char *key, const char *value, GError **error)
{
  sqlite3_stmt *stmt = prep (SELF (store),
                             "INSERT INTO settings (key, value) VALUES (?, ?) "
                             "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  if (stmt == NULL)
    return set_sqlite_error (SELF (store), error, "settings");
  bind_text (stmt, 1, key);
  bind_text (stmt, 2, value);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return set_sqlite_error (SELF (store), error, "settings");
  return TRUE;
}

/* users */

#define USER_COLUMNS "id, username, display_name, role, password_hash, disabled, locked_until, failed_logins"

static FdUserRecord *
user_from_row (sqlite3_stmt *stmt)
{
  FdUserRecord *user = g_new0 (FdUserRecord, 1);

  user->id = sqlite3_column_int64 (stmt, 0);
  user->username = col_text (stmt, 1);
  user->display_name = col_text (stmt, 2);
  user->role = col_text (stmt, 3);
  user->password_hash = col_text (stmt, 4);
  user->disabled = sqlite3_column_int (stmt, 5) != 0;
  user->locked_until = sqlite3_column_int64 (stmt, 6);
  user->failed_logins = sqlite3_column_int (stmt, 7);
  return user;
}

static FdUserRecord *
user_by_name (FdStore *store, const char *username)
{
  sqlite3_stmt *stmt = prep (SELF (store), "SELECT " USER_COLUMNS " FROM users WHERE username = ?");

  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, username);
  return fetch_one (stmt, (gpointer (*) (sqlite3_stmt *)) user_from_row);
}

static FdUserRecord *
user_by_id (FdStore *store, gint64 id)
{
  sqlite3_stmt *stmt = prep (SELF (store), "SELECT " USER_COLUMNS " FROM users WHERE id = ?");

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  return fetch_one (stmt, (gpointer (*) (sqlite3_stmt *)) user_from_row);
}

static GPtrArray *
user_list (FdStore *store)
{
  GPtrArray *users = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_user_record_free);
  sqlite3_stmt *stmt = prep (SELF (store), "SELECT " USER_COLUMNS " FROM users ORDER BY id");

  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (users, user_from_row (stmt));
  return users;
}

static gint64
user_insert (FdStore *store, const FdUserRecord *user, GError **error)
{
  FdStoreSqlite *self = SELF (store);
  sqlite3_stmt *stmt = prep (self,
                             "INSERT INTO users (username, display_name, role, password_hash, "
                             "disabled, locked_until, failed_logins, created_at) "
                             "VALUES (?, ?, ?, ?, ?, 0, 0, ?)");
  int rc;

  if (stmt == NULL)
    return set_sqlite_error (self, error, "users"), 0;
  bind_text (stmt, 1, user->username);
  bind_text (stmt, 2, user->display_name);
  bind_text (stmt, 3, user->role);
  bind_text (stmt, 4, user->password_hash);
  sqlite3_bind_int (stmt, 5, user->disabled);
  sqlite3_bind_int64 (stmt, 6, g_get_real_time ());
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_CONSTRAINT)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_BAD_REQUEST, "username taken");
      return 0;
    }
  if (rc != SQLITE_DONE)
    return set_sqlite_error (self, error, "users"), 0;
  return sqlite3_last_insert_rowid (self->db);
}

static gboolean
user_update (FdStore *store, const FdUserRecord *user, GError **error)
{
  FdStoreSqlite *self = SELF (store);
  sqlite3_stmt *stmt = prep (self,
                             "UPDATE users SET display_name = ?, role = ?, password_hash = ?, "
                             "disabled = ?, locked_until = ?, failed_logins = ? WHERE id = ?");
  if (stmt == NULL)
    return set_sqlite_error (self, error, "users");
  bind_text (stmt, 1, user->display_name);
  bind_text (stmt, 2, user->role);
  bind_text (stmt, 3, user->password_hash);
  sqlite3_bind_int (stmt, 4, user->disabled);
  sqlite3_bind_int64 (stmt, 5, user->locked_until);
  sqlite3_bind_int (stmt, 6, user->failed_logins);
  sqlite3_bind_int64 (stmt, 7, user->id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return set_sqlite_error (self, error, "users");
  return TRUE;
}

/* sessions */

static gpointer read_session (sqlite3_stmt *stmt);

static FdSessionRecord *
session_by_token_hash (FdStore *store, const char *token_hash)
{
  sqlite3_stmt *stmt = prep (SELF (store),
                             "SELECT id, token_hash, user_id, created_at, last_seen, expires_at, "
                             "workstation, ip, locked, unlock_failures, end_reason, "
                             "token_hash = ?1 FROM sessions WHERE token_hash = ?1 "
                             "UNION ALL SELECT id, token_hash, user_id, created_at, last_seen, "
                             "expires_at, workstation, ip, locked, unlock_failures, end_reason, 0 "
                             "FROM sessions WHERE prev_token_hash = ?1 LIMIT 1");

  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, token_hash);
  return fetch_one (stmt, read_session);
}

static gpointer
read_session (sqlite3_stmt *stmt)
{
  FdSessionRecord *session;

  session = g_new0 (FdSessionRecord, 1);
  session->id = sqlite3_column_int64 (stmt, 0);
  session->token_hash = col_text (stmt, 1);
  session->user_id = sqlite3_column_int64 (stmt, 2);
  session->created_at = sqlite3_column_int64 (stmt, 3);
  session->last_seen = sqlite3_column_int64 (stmt, 4);
  session->expires_at = sqlite3_column_int64 (stmt, 5);
  session->workstation = col_text (stmt, 6);
  session->ip = col_text (stmt, 7);
  session->locked = sqlite3_column_int (stmt, 8) != 0;
  session->unlock_failures = sqlite3_column_int (stmt, 9);
  session->end_reason = col_text (stmt, 10);
  if (sqlite3_column_int (stmt, 11) == 0)
    {
      /* an old token of a session whose token was replaced */
      g_free (session->end_reason);
      session->end_reason = g_strdup ("signed-out");
      session->replaced = TRUE;
    }
  return session;
}

static gint64
session_insert (FdStore *store, const FdSessionRecord *session, GError **error)
{
  FdStoreSqlite *self = SELF (store);
  sqlite3_stmt *stmt = prep (self,
                             "INSERT INTO sessions (token_hash, user_id, created_at, last_seen, "
                             "expires_at, workstation, ip, locked, unlock_failures, end_reason) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, NULL)");
  if (stmt == NULL)
    return set_sqlite_error (self, error, "sessions"), 0;
  bind_text (stmt, 1, session->token_hash);
  sqlite3_bind_int64 (stmt, 2, session->user_id);
  sqlite3_bind_int64 (stmt, 3, session->created_at);
  sqlite3_bind_int64 (stmt, 4, session->last_seen);
  sqlite3_bind_int64 (stmt, 5, session->expires_at);
  bind_text (stmt, 6, session->workstation);
  bind_text (stmt, 7, session->ip);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return set_sqlite_error (self, error, "sessions"), 0;
  return sqlite3_last_insert_rowid (self->db);
}

static gboolean
session_update (FdStore *store, const FdSessionRecord *session, GError **error)
{
  FdStoreSqlite *self = SELF (store);

  /* A replaced token's record is a view of the session: never write it back. */
  if (session->replaced)
    return TRUE;
  sqlite3_stmt *stmt = prep (self,
                             "UPDATE sessions SET prev_token_hash = CASE WHEN token_hash = ?1 "
                             "THEN prev_token_hash ELSE token_hash END, token_hash = ?1, "
                             "last_seen = ?2, expires_at = ?3, locked = ?4, unlock_failures = ?5, "
                             "end_reason = ?6 WHERE id = ?7");
  if (stmt == NULL)
    return set_sqlite_error (self, error, "sessions");
  bind_text (stmt, 1, session->token_hash);
  sqlite3_bind_int64 (stmt, 2, session->last_seen);
  sqlite3_bind_int64 (stmt, 3, session->expires_at);
  sqlite3_bind_int (stmt, 4, session->locked);
  sqlite3_bind_int (stmt, 5, session->unlock_failures);
  bind_text (stmt, 6, session->end_reason);
  sqlite3_bind_int64 (stmt, 7, session->id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return set_sqlite_error (self, error, "sessions");
  return TRUE;
}

static guint
sessions_end_for_user (FdStore *store, gint64 user_id, const char *reason, gint64 now)
{
  FdStoreSqlite *self = SELF (store);
  sqlite3_stmt *stmt = prep (self,
                             "UPDATE sessions SET end_reason = ?, last_seen = ? "
                             "WHERE user_id = ? AND end_reason IS NULL");
  if (stmt == NULL)
    return 0;
  bind_text (stmt, 1, reason);
  sqlite3_bind_int64 (stmt, 2, now);
  sqlite3_bind_int64 (stmt, 3, user_id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return 0;
  return sqlite3_changes (self->db);
}

/* residents */

static char *
make_aad (const char *table,
          gint64      id,
          const char *column)
{
  return g_strdup_printf ("%s:%" G_GINT64_FORMAT ":%s", table, id, column);
}

static gboolean
parse_room (const char *room,
            gint64     *building,
            gint64     *unit,
            gint64     *number)
{
  g_auto(GStrv) parts = g_strsplit (room, "-", 0);

  if (g_strv_length (parts) != 3)
    return FALSE;
  return g_ascii_string_to_signed (parts[0], 10, 1, 999, building, NULL) &&
         g_ascii_string_to_signed (parts[1], 10, 1, 99, unit, NULL) &&
         g_ascii_string_to_signed (parts[2], 10, 1, 99999, number, NULL);
}

static gboolean insert_residents (FdStoreSqlite *self, const FdResidentInput *inputs, guint n,
                                  gint64 *first_id, GError **error);

/* One resident: the batch writer below with a batch of one. */
static gint64
resident_insert (FdStore *store, const FdResidentInput *in, GError **error)
{
  gint64 id = 0;

  return insert_residents (SELF (store), in, 1, &id, error) ? id : 0;
}

static guint
resident_count (FdStore *store)
{
  sqlite3_stmt *stmt = prep (SELF (store), "SELECT count(*) FROM residents");

  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    return 0;
  {
    guint n = sqlite3_column_int (stmt, 0);
    sqlite3_reset (stmt);
    return n;
  }
}

#define RESIDENT_SELECT \
  "SELECT r.id, r.name, r.room, r.initials, r.phone_masked, r.phone_last4, r.id_masked, " \
  "r.address_masked, p.account_masked, p.balance_cents, p.overdue, p.last_paid_at, " \
  "(SELECT group_concat(plate, char(31)) FROM plates WHERE resident_id = r.id) " \
  "FROM residents r LEFT JOIN payments p ON p.resident_id = r.id "

static FdResidentRecord *
resident_from_row (sqlite3_stmt *stmt)
{
  FdResidentRecord *r = g_new0 (FdResidentRecord, 1);
  const char *plates = (const char *) sqlite3_column_text (stmt, 12);

  r->id = sqlite3_column_int64 (stmt, 0);
  r->name = col_text (stmt, 1);
  r->room = col_text (stmt, 2);
  r->initials = col_text (stmt, 3);
  r->phone_masked = col_text (stmt, 4);
  r->phone_last4 = col_text (stmt, 5);
  r->id_masked = col_text (stmt, 6);
  r->address_masked = col_text (stmt, 7);
  r->account_masked = col_text (stmt, 8);
  r->balance_cents = sqlite3_column_int64 (stmt, 9);
  r->overdue = sqlite3_column_int (stmt, 10) != 0;
  r->last_paid_at = col_text (stmt, 11);
  r->plates = plates && *plates ? g_strsplit (plates, "\x1f", 0) : g_new0 (char *, 1);
  return r;
}

static FdResidentRecord *
resident_get (FdStore *store, gint64 id)
{
  sqlite3_stmt *stmt = prep (SELF (store), RESIDENT_SELECT "WHERE r.id = ?");

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  return fetch_one (stmt, (gpointer (*) (sqlite3_stmt *)) resident_from_row);
}

static void
resident_foreach (FdStore *store, FdResidentFunc func, gpointer user_data)
{
  sqlite3_stmt *stmt = prep (SELF (store), RESIDENT_SELECT "ORDER BY r.id");

  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr(FdResidentRecord) r = resident_from_row (stmt);
      func (r, user_data);
    }
}

static char *
resident_secret (FdStore *store, gint64 id, const char *field, GError **error)
{
  FdStoreSqlite *self = SELF (store);
  sqlite3_stmt *stmt;
  g_autofree char *aad = NULL;
  const void *blob;
  int len;

  if (g_strcmp0 (field, "phone") == 0)
    stmt = prep (self, "SELECT phone_enc FROM residents WHERE id = ?");
  else if (g_strcmp0 (field, "id_number") == 0)
    stmt = prep (self, "SELECT id_enc FROM residents WHERE id = ?");
  else if (g_strcmp0 (field, "home_address") == 0)
    stmt = prep (self, "SELECT address_enc FROM residents WHERE id = ?");
  else if (g_strcmp0 (field, "payment_account") == 0)
    stmt = prep (self, "SELECT account_enc FROM payments WHERE resident_id = ?");
  else
    {
      g_set_error (error, FD_ERROR, FD_ERROR_BAD_REQUEST, "unknown field");
      return NULL;
    }
  if (stmt == NULL)
    return set_sqlite_error (self, error, "residents"), NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  if (sqlite3_step (stmt) != SQLITE_ROW || sqlite3_column_type (stmt, 0) != SQLITE_BLOB)
    {
      sqlite3_reset (stmt);
      g_set_error (error, FD_ERROR, FD_ERROR_NOT_FOUND, "no value on file");
      return NULL;
    }
  blob = sqlite3_column_blob (stmt, 0);
  len = sqlite3_column_bytes (stmt, 0);
  if (g_str_equal (field, "payment_account"))
    aad = make_aad ("payments", id, "account");
  else
    aad = make_aad ("residents", id, field);
  {
    char *clear = fd_crypto_open (store->keys, blob, len, aad, error);
    sqlite3_reset (stmt);
    return clear;
  }
}

static gboolean
resident_matches (FdStore *store, gint64 id, const char *field, const char *value)
{
  FdStoreSqlite *self = SELF (store);
  sqlite3_stmt *stmt;
  g_autofree char *bidx = NULL;
  g_autofree char *stored_copy = NULL;

  if (g_strcmp0 (field, "phone") == 0)
    stmt = prep (self, "SELECT phone_bidx FROM residents WHERE id = ?");
  else if (g_strcmp0 (field, "id_number") == 0)
    stmt = prep (self, "SELECT id_bidx FROM residents WHERE id = ?");
  else
    return FALSE;
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  stored_copy = fetch_one (stmt, read_text0);
  if (stored_copy == NULL || *stored_copy == '\0')
    return FALSE;
  bidx = fd_crypto_blind_index (store->keys, field, value);
  return fd_const_time_equal (stored_copy, bidx);
}

static gboolean
room_exists (FdStore *store, const char *room)
{
  sqlite3_stmt *stmt = prep (SELF (store), "SELECT 1 FROM rooms WHERE room = ?");

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, room);
  return fetch_one (stmt, read_true) != NULL;
}

static GPtrArray *
room_search (FdStore *store, const char *prefix, guint limit)
{
  GPtrArray *rooms = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_room_record_free);
  sqlite3_stmt *stmt;
  g_autofree char *pattern = NULL;

  /* Whole segments: "3-2" matches "3-2" itself and "3-2-…", never "3-21-…".
   * The prefix is validated by the caller (digits and dashes only). */
  pattern = g_strconcat (prefix, "-*", NULL);
  stmt = prep (SELF (store),
               "SELECT room, (SELECT count(*) FROM residents r WHERE r.room = rooms.room) "
               "FROM rooms WHERE room = ?1 OR room GLOB ?2 "
               "ORDER BY building, unit, number LIMIT ?3");
  if (stmt == NULL)
    return rooms;
  bind_text (stmt, 1, prefix);
  bind_text (stmt, 2, pattern);
  sqlite3_bind_int (stmt, 3, limit);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      FdRoomRecord *room = g_new0 (FdRoomRecord, 1);
      room->room = col_text (stmt, 0);
      room->residents = sqlite3_column_int (stmt, 1);
      g_ptr_array_add (rooms, room);
    }
  return rooms;
}

/* visitors */

static gint64
visitor_insert (FdStore *store, const char *name, const char *phone, const char *id_number,
                const char *room, const char *purpose, const char *plate, gint64 arrived_at,
                const char *registered_by, GError **error)
{
  FdStoreSqlite *self = SELF (store);
  g_autofree char *phone_masked = fd_mask_mobile (phone);
  g_autofree char *id_masked = id_number ? fd_mask_id_number (id_number) : NULL;
  g_autofree char *aad = NULL;
  sqlite3_stmt *stmt;
  gint64 id;

  stmt = prep (self,
               "INSERT INTO visitors (name, phone_masked, id_masked, room, purpose, plate, "
               "arrived_at, registered_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  if (stmt == NULL)
    return set_sqlite_error (self, error, "visitors"), 0;
  bind_text (stmt, 1, name);
  bind_text (stmt, 2, phone_masked);
  bind_text (stmt, 3, id_masked);
  bind_text (stmt, 4, room);
  bind_text (stmt, 5, purpose);
  bind_text (stmt, 6, plate);
  sqlite3_bind_int64 (stmt, 7, arrived_at);
  bind_text (stmt, 8, registered_by);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return set_sqlite_error (self, error, "visitors"), 0;
  id = sqlite3_last_insert_rowid (self->db);

  stmt = prep (self, "UPDATE visitors SET phone_enc = ?, id_enc = ? WHERE id = ?");
  if (stmt == NULL)
    return set_sqlite_error (self, error, "visitors"), 0;
  aad = make_aad ("visitors", id, "phone");
  if (!bind_sealed (self, stmt, 1, phone, aad, error))
    return 0;
  g_free (aad), aad = make_aad ("visitors", id, "id_number");
  if (!bind_sealed (self, stmt, 2, id_number, aad, error))
    return 0;
  sqlite3_bind_int64 (stmt, 3, id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return set_sqlite_error (self, error, "visitors"), 0;
  return id;
}

#define VISITOR_SELECT \
  "SELECT id, name, phone_masked, id_masked, room, purpose, plate, arrived_at, left_at, " \
  "registered_by FROM visitors "

static FdVisitorRecord *
visitor_from_row (sqlite3_stmt *stmt)
{
  FdVisitorRecord *v = g_new0 (FdVisitorRecord, 1);

  v->id = sqlite3_column_int64 (stmt, 0);
  v->name = col_text (stmt, 1);
  v->phone_masked = col_text (stmt, 2);
  v->id_masked = col_text (stmt, 3);
  v->room = col_text (stmt, 4);
  v->purpose = col_text (stmt, 5);
  v->plate = col_text (stmt, 6);
  v->arrived_at = sqlite3_column_int64 (stmt, 7);
  v->left_at = sqlite3_column_int64 (stmt, 8);
  v->registered_by = col_text (stmt, 9);
  return v;
}

static FdVisitorRecord *
visitor_get (FdStore *store, gint64 id)
{
  sqlite3_stmt *stmt = prep (SELF (store), VISITOR_SELECT "WHERE id = ?");

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  return fetch_one (stmt, (gpointer (*) (sqlite3_stmt *)) visitor_from_row);
}

static GPtrArray *
visitor_list (FdStore *store, gint64 from, gint64 to, gint64 after_id, guint limit)
{
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_visitor_record_free);
  sqlite3_stmt *stmt = prep (SELF (store),
                             VISITOR_SELECT "WHERE arrived_at >= ? AND arrived_at < ? AND id > ? "
                             "ORDER BY id LIMIT ?");
  if (stmt == NULL)
    return items;
  sqlite3_bind_int64 (stmt, 1, from);
  sqlite3_bind_int64 (stmt, 2, to);
  sqlite3_bind_int64 (stmt, 3, after_id);
  sqlite3_bind_int (stmt, 4, limit);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (items, visitor_from_row (stmt));
  return items;
}

static gboolean
visitor_checkout (FdStore *store, gint64 id, gint64 at, GError **error)
{
  FdStoreSqlite *self = SELF (store);
  sqlite3_stmt *stmt = prep (self, "UPDATE visitors SET left_at = ? WHERE id = ? AND left_at = 0");

  if (stmt == NULL)
    return set_sqlite_error (self, error, "visitors");
  sqlite3_bind_int64 (stmt, 1, at);
  sqlite3_bind_int64 (stmt, 2, id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return set_sqlite_error (self, error, "visitors");
  return TRUE;
}

static guint
visitors_purge (FdStore *store, gint64 older_than)
{
  FdStoreSqlite *self = SELF (store);
  sqlite3_stmt *stmt = prep (self, "DELETE FROM visitors WHERE arrived_at < ?");

  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, older_than);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return 0;
  return sqlite3_changes (self->db);
}

/* audit */

#define AUDIT_COLUMNS \
  "seq, at, actor, actor_id, role, session_hash, workstation, ip, action, target, field, " \
  "reason_code, reason_text, outcome, prev_hash, hash"

static void
audit_from_row (sqlite3_stmt *stmt,
                FdAuditEntry *e)
{
  e->seq = sqlite3_column_int64 (stmt, 0);
  e->at = col_text (stmt, 1);
  e->actor = col_text (stmt, 2);
  e->actor_id = sqlite3_column_int64 (stmt, 3);
  e->role = col_text (stmt, 4);
  e->session_hash = col_text (stmt, 5);
  e->workstation = col_text (stmt, 6);
  e->ip = col_text (stmt, 7);
  e->action = col_text (stmt, 8);
  e->target = col_text (stmt, 9);
  e->field = col_text (stmt, 10);
  e->reason_code = col_text (stmt, 11);
  e->reason_text = col_text (stmt, 12);
  e->outcome = col_text (stmt, 13);
  e->prev_hash = col_text (stmt, 14);
  e->hash = col_text (stmt, 15);
}

#define GENESIS_HASH "0000000000000000000000000000000000000000000000000000000000000000"

/* The chain's head, sealed with the index key: "SEQ:HASH:MAC". A forger
 * with write access to the database but not the key file can rebuild an
 * unkeyed chain after deleting or appending rows, but cannot move this
 * anchor to match. */
static char *
audit_anchor_mac (FdKeys     *keys,
                  gint64      seq,
                  const char *hash)
{
  g_autofree char *data = g_strdup_printf ("audit-head\x1f%" G_GINT64_FORMAT "\x1f%s", seq, hash);
  return fd_crypto_mac_hex (keys, data, strlen (data));
}

static gboolean
write_audit_anchor (FdStoreSqlite  *self,
                    gint64          seq,
                    const char     *hash,
                    GError        **error)
{
  g_autofree char *mac = audit_anchor_mac (self->parent.keys, seq, hash);
  g_autofree char *value = g_strdup_printf ("%" G_GINT64_FORMAT ":%s:%s", seq, hash, mac);

  return set_setting (&self->parent, "audit.head", value, error);
}

static gboolean
write_pending_anchor (FdStoreSqlite  *self,
                      GError        **error)
{
  gboolean ok;

  if (self->pending_anchor_hash == NULL)
    return TRUE;
  ok = write_audit_anchor (self, self->pending_anchor_seq, self->pending_anchor_hash, error);
  self->pending_anchor_seq = 0;
  g_clear_pointer (&self->pending_anchor_hash, g_free);
  return ok;
}

/* Checks the anchor against the chain's last entry. Returns 0 when they
 * agree, else the first seq that cannot be trusted. */
static gint64
check_audit_anchor (FdKeys     *keys,
                    const char *anchor,
                    gint64      last_seq,
                    const char *last_hash)
{
  g_auto(GStrv) parts = NULL;
  g_autofree char *mac = NULL;
  guint64 seq;

  if (anchor == NULL)
    return last_seq > 0 ? 1 : 0;
  parts = g_strsplit (anchor, ":", 3);
  if (g_strv_length (parts) != 3 || !g_ascii_string_to_unsigned (parts[0], 10, 0, G_MAXINT64, &seq, NULL))
    return 1;
  mac = audit_anchor_mac (keys, seq, parts[1]);
  if (!fd_const_time_equal (mac, parts[2]))
    return 1;
  if ((gint64) seq > last_seq)
    return last_seq + 1;        /* rows were cut off the end */
  if ((gint64) seq < last_seq)
    return seq + 1;             /* rows were added behind the server's back */
  return g_strcmp0 (parts[1], last_hash) == 0 ? 0 : last_seq;
}

static gboolean
audit_append (FdStore *store, FdAuditEntry *entry, GError **error)
{
  FdStoreSqlite *self = SELF (store);
  sqlite3_stmt *stmt;
  gboolean own_tx = sqlite3_get_autocommit (self->db);

  if (own_tx && !step_once (self, "BEGIN IMMEDIATE", error))
    return FALSE;

  stmt = prep (self, "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
  if (stmt == NULL)
    goto fail;
  g_clear_pointer (&entry->prev_hash, g_free);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      entry->seq = sqlite3_column_int64 (stmt, 0) + 1;
      entry->prev_hash = col_text (stmt, 1);
    }
  else
    {
      entry->seq = 1;
      entry->prev_hash = g_strdup (GENESIS_HASH);
    }
  sqlite3_reset (stmt);

  g_clear_pointer (&entry->hash, g_free);
  entry->hash = fd_audit_entry_compute_hash (entry);

  stmt = prep (self, "INSERT INTO audit_log (" AUDIT_COLUMNS ") "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, entry->seq);
  bind_text (stmt, 2, entry->at);
  bind_text (stmt, 3, entry->actor);
  sqlite3_bind_int64 (stmt, 4, entry->actor_id);
  bind_text (stmt, 5, entry->role);
  bind_text (stmt, 6, entry->session_hash);
  bind_text (stmt, 7, entry->workstation);
  bind_text (stmt, 8, entry->ip);
  bind_text (stmt, 9, entry->action);
  bind_text (stmt, 10, entry->target);
  bind_text (stmt, 11, entry->field);
  bind_text (stmt, 12, entry->reason_code);
  bind_text (stmt, 13, entry->reason_text);
  bind_text (stmt, 14, entry->outcome);
  bind_text (stmt, 15, entry->prev_hash);
  bind_text (stmt, 16, entry->hash);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    goto fail;
  sqlite3_reset (stmt);
  /* The head is anchored once per transaction, at commit. */
  self->pending_anchor_seq = entry->seq;
  g_free (self->pending_anchor_hash);
  self->pending_anchor_hash = g_strdup (entry->hash);

  if (own_tx && (!write_pending_anchor (self, error) || !step_once (self, "COMMIT", error)))
    {
      exec (self, "ROLLBACK", NULL);
      return FALSE;
    }
  return TRUE;

fail:
  set_sqlite_error (self, error, "audit log");
  if (own_tx)
    exec (self, "ROLLBACK", NULL);
  return FALSE;
}

static GPtrArray *
audit_list (FdStore *store, const FdAuditQuery *q)
{
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_audit_entry_free);
  sqlite3_stmt *stmt = prep (SELF (store),
                             "SELECT " AUDIT_COLUMNS " FROM audit_log WHERE "
                             "(?1 IS NULL OR at >= ?1) AND (?2 IS NULL OR at < ?2) AND "
                             "(?3 IS NULL OR actor = ?3) AND (?4 IS NULL OR action = ?4) AND "
                             "(?5 = 0 OR seq < ?5) ORDER BY seq DESC LIMIT ?6");
  if (stmt == NULL)
    return items;
  bind_text (stmt, 1, q->since);
  bind_text (stmt, 2, q->until);
  bind_text (stmt, 3, q->actor);
  bind_text (stmt, 4, q->action);
  sqlite3_bind_int64 (stmt, 5, q->before_seq);
  sqlite3_bind_int (stmt, 6, q->limit);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      FdAuditEntry *e = g_new0 (FdAuditEntry, 1);
      audit_from_row (stmt, e);
      g_ptr_array_add (items, e);
    }
  return items;
}

static guint
audit_count (FdStore *store, gint64 actor_id, const char *action, const char *outcome,
             const char *target, const char *since, gboolean distinct_targets)
{
  sqlite3_stmt *stmt;

  if (distinct_targets)
    stmt = prep (SELF (store),
                 "SELECT count(DISTINCT target) FROM audit_log WHERE actor_id = ?1 AND action = ?2 "
                 "AND at >= ?3 AND (?4 IS NULL OR outcome = ?4) AND (?5 IS NULL OR target = ?5)");
  else
    stmt = prep (SELF (store),
                 "SELECT count(*) FROM audit_log WHERE actor_id = ?1 AND action = ?2 "
                 "AND at >= ?3 AND (?4 IS NULL OR outcome = ?4) AND (?5 IS NULL OR target = ?5)");
  if (stmt == NULL)
    return G_MAXUINT;
  sqlite3_bind_int64 (stmt, 1, actor_id);
  bind_text (stmt, 2, action);
  bind_text (stmt, 3, since);
  bind_text (stmt, 4, outcome);
  bind_text (stmt, 5, target);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      return G_MAXUINT;
    }
  {
    guint n = sqlite3_column_int (stmt, 0);
    sqlite3_reset (stmt);
    return n;
  }
}

static gboolean
audit_verify (FdStore *store, gint64 *n_entries, gint64 *first_bad_seq, GError **error)
{
  FdStoreSqlite *self = SELF (store);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  g_autofree char *prev = g_strdup (GENESIS_HASH);
  g_autofree char *anchor = NULL;
  gint64 expected_seq = 1, n = 0;
  gboolean ok = TRUE;
  int rc;

  /* Own read-only connection: may run in a worker thread while the main
   * thread keeps writing; WAL gives this reader a stable snapshot. */
  if (sqlite3_open_v2 (self->path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (db, "SELECT " AUDIT_COLUMNS " FROM audit_log ORDER BY seq", -1,
                          &stmt, NULL) != SQLITE_OK)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL, "audit log: %s",
                   db ? sqlite3_errmsg (db) : "cannot open");
      sqlite3_close_v2 (db);
      return FALSE;
    }
  sqlite3_busy_timeout (db, 5000);

  /* The anchor and the rows from one snapshot. */
  sqlite3_exec (db, "BEGIN", NULL, NULL, NULL);
  {
    sqlite3_stmt *a = NULL;
    if (sqlite3_prepare_v2 (db, "SELECT value FROM settings WHERE key = 'audit.head'", -1, &a, NULL) ==
        SQLITE_OK && sqlite3_step (a) == SQLITE_ROW)
      anchor = g_strdup ((const char *) sqlite3_column_text (a, 0));
    sqlite3_finalize (a);
  }

  *first_bad_seq = 0;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      FdAuditEntry e = { 0 };
      g_autofree char *hash = NULL;

      audit_from_row (stmt, &e);
      n++;
      hash = fd_audit_entry_compute_hash (&e);
      if (e.seq != expected_seq || g_strcmp0 (e.prev_hash, prev) != 0 ||
          g_strcmp0 (e.hash, hash) != 0)
        {
          /* A missing row shows as a gap: name the first seq not where it should be. */
          *first_bad_seq = e.seq != expected_seq ? MIN (e.seq, expected_seq) : e.seq;
          ok = FALSE;
          fd_audit_entry_clear (&e);
          break;
        }
      g_free (prev);
      prev = g_strdup (e.hash);
      expected_seq++;
      fd_audit_entry_clear (&e);
    }
  if (ok && rc != SQLITE_DONE)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL, "audit log: %s", sqlite3_errmsg (db));
      sqlite3_finalize (stmt);
      sqlite3_close_v2 (db);
      return FALSE;
    }
  if (!ok)
    {
      /* count the rest for the report */
      while (sqlite3_step (stmt) == SQLITE_ROW)
        n++;
    }
  else
    {
      gint64 bad = check_audit_anchor (store->keys, anchor, expected_seq - 1, prev);
      if (bad != 0)
        {
          ok = FALSE;
          *first_bad_seq = bad;
        }
    }
  sqlite3_finalize (stmt);
  sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
  sqlite3_close_v2 (db);
  *n_entries = n;
  return ok;
}

/* alerts */

static gint64
alert_insert (FdStore *store, const char *kind, const char *actor, const char *detail,
              GError **error)
{
  FdStoreSqlite *self = SELF (store);
  sqlite3_stmt *stmt = prep (self, "INSERT INTO alerts (at, kind, actor, detail) VALUES (?, ?, ?, ?)");
  g_autofree char *at = fd_time_format_rfc3339 (g_get_real_time ());

  if (stmt == NULL)
    return set_sqlite_error (self, error, "alerts"), 0;
  bind_text (stmt, 1, at);
  bind_text (stmt, 2, kind);
  bind_text (stmt, 3, actor);
  bind_text (stmt, 4, detail);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return set_sqlite_error (self, error, "alerts"), 0;
  return sqlite3_last_insert_rowid (self->db);
}

static GPtrArray *
alert_list (FdStore *store, guint limit)
{
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_alert_record_free);
  sqlite3_stmt *stmt = prep (SELF (store),
                             "SELECT id, at, kind, actor, detail FROM alerts ORDER BY id DESC LIMIT ?");
  if (stmt == NULL)
    return items;
  sqlite3_bind_int (stmt, 1, limit);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      FdAlertRecord *a = g_new0 (FdAlertRecord, 1);
      a->id = sqlite3_column_int64 (stmt, 0);
      a->at = col_text (stmt, 1);
      a->kind = col_text (stmt, 2);
      a->actor = col_text (stmt, 3);
      a->detail = col_text (stmt, 4);
      g_ptr_array_add (items, a);
    }
  return items;
}

static gboolean
alert_recent (FdStore *store, const char *kind, const char *actor, const char *since)
{
  sqlite3_stmt *stmt = prep (SELF (store),
                             "SELECT 1 FROM alerts WHERE kind = ? AND actor = ? AND at >= ? LIMIT 1");
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, kind);
  bind_text (stmt, 2, actor);
  bind_text (stmt, 3, since);
  return fetch_one (stmt, read_true) != NULL;
}

/* limits (issue 9): each call is one transaction of its own, or part of
 * the caller's open one; either way BEGIN IMMEDIATE holds the database's
 * write lock from the count to the insert, so no other request (or
 * process) can count in between. */

static gboolean
limits_begin (FdStoreSqlite  *self,
              gboolean       *own_tx,
              GError        **error)
{
  *own_tx = sqlite3_get_autocommit (self->db);
  return !*own_tx || step_once (self, "BEGIN IMMEDIATE", error);
}

static gboolean
limits_end (FdStoreSqlite  *self,
            gboolean        own_tx,
            gboolean        ok,
            GError        **error)
{
  if (!ok)
    {
      set_sqlite_error (self, error, "limits");
      if (own_tx)
        exec (self, "ROLLBACK", NULL);
      return FALSE;
    }
  if (own_tx && !step_once (self, "COMMIT", error))
    {
      exec (self, "ROLLBACK", NULL);
      return FALSE;
    }
  return TRUE;
}

/* Steps @stmt (may be NULL) to completion, then resets it. */
static gboolean
step_done (sqlite3_stmt *stmt)
{
  int rc = stmt != NULL ? sqlite3_step (stmt) : SQLITE_ERROR;

  if (stmt != NULL)
    sqlite3_reset (stmt);
  return rc == SQLITE_DONE;
}

/* The first column of a one-row count query; G_MAXUINT on error. */
static guint
step_count (sqlite3_stmt *stmt)
{
  guint n = G_MAXUINT;

  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int (stmt, 0);
  if (stmt != NULL)
    sqlite3_reset (stmt);
  return n;
}

/* Prepares @sql and binds ?1 a user id, ?2 @kind (unless NULL), ?3 a time. */
static sqlite3_stmt *
prep_limit (FdStoreSqlite *self,
            const char    *sql,
            gint64         user_id,
            const char    *kind,
            gint64         at)
{
  sqlite3_stmt *stmt = prep (self, sql);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, user_id);
  if (kind != NULL)
    bind_text (stmt, 2, kind);
  sqlite3_bind_int64 (stmt, 3, at);
  return stmt;
}

#define LIMIT_COUNT_SQL \
  "SELECT count(*) FROM limit_events WHERE user_id = ?1 AND kind = ?2 AND at >= ?3"

static gboolean
limit_take (FdStore *store, gint64 user_id, const char *kind, gint64 since, gint64 now,
            guint max, guint *count, GError **error)
{
  FdStoreSqlite *self = SELF (store);
  gboolean own_tx, ok, granted = FALSE;
  guint n = G_MAXUINT;

  *count = 0;
  if (!limits_begin (self, &own_tx, error))
    return FALSE;

  /* What no window looks at any more goes first. */
  ok = step_done (prep_limit (self, "DELETE FROM limit_events "
                                    "WHERE user_id = ?1 AND kind = ?2 AND at < ?3",
                              user_id, kind, since));
  if (ok)
    ok = (n = step_count (prep_limit (self, LIMIT_COUNT_SQL, user_id, kind, since))) != G_MAXUINT;
  if (ok && n < max)
    {
      ok = granted = step_done (prep_limit (self, "INSERT INTO limit_events (user_id, kind, at) "
                                                  "VALUES (?1, ?2, ?3)", user_id, kind, now));
      n++;
    }
  if (!limits_end (self, own_tx, ok, error))
    return FALSE;
  *count = n;
  return granted;
}

static guint
limit_count (FdStore *store, gint64 user_id, const char *kind, gint64 since)
{
  return step_count (prep_limit (SELF (store), LIMIT_COUNT_SQL, user_id, kind, since));
}

/* Writes only for residents not yet in the window: a page of people
 * listed again (a search narrowed as one types) costs index probes only,
 * and the number comes from listed_counts, not from counting rows. */
static gboolean
listed_note (FdStore *store, gint64 user_id, const gint64 *ids, guint n_ids, gint64 since,
             gint64 now, guint *count, GError **error)
{
  FdStoreSqlite *self = SELF (store);
  sqlite3_stmt *stmt;
  gboolean own_tx, ok;
  gint64 delta = 0;
  guint n = G_MAXUINT;

  *count = 0;
  if (!limits_begin (self, &own_tx, error))
    return FALSE;

  ok = step_done (prep_limit (self, "DELETE FROM listed_residents WHERE user_id = ?1 AND at < ?3",
                              user_id, NULL, since));
  delta -= ok ? sqlite3_changes (self->db) : 0;
  for (guint i = 0; ok && i < n_ids; i++)
    {
      stmt = prep_limit (self, "INSERT OR IGNORE INTO listed_residents (user_id, resident_id, at) "
                               "VALUES (?1, ?2, ?3)", user_id, NULL, now);
      if (stmt != NULL)
        sqlite3_bind_int64 (stmt, 2, ids[i]);
      ok = step_done (stmt);
      delta += ok ? sqlite3_changes (self->db) : 0;
    }
  if (ok)
    ok = (n = step_count (prep_limit (self, "INSERT INTO listed_counts (user_id, n) VALUES (?1, ?3) "
                                            "ON CONFLICT (user_id) DO UPDATE SET n = n + ?3 "
                                            "RETURNING n", user_id, NULL, delta))) != G_MAXUINT;
  if (!limits_end (self, own_tx, ok, error))
    return FALSE;
  *count = n;
  return TRUE;
}

/* sign-in failures (issue 9) */

static char *
login_name_mac (FdStore    *store,
                const char *username)
{
  g_autofree char *data = g_strconcat ("login\x1f", username, NULL);
  return fd_crypto_mac_hex (store->keys, data, strlen (data));
}

static FdLoginAttempt
login_attempt_reserve (FdStore *store, const char *username, gint64 now, guint max_failures,
                       gint64 lock_usec, gint64 forget_before, gint64 *locked_until,
                       GError **error)
{
  FdStoreSqlite *self = SELF (store);
  g_autofree char *mac = login_name_mac (store, username);
  sqlite3_stmt *stmt;
  gint64 failures = 0, until = 0;
  FdLoginAttempt result;
  int rc;

  /* One savepoint: the read and the write are one step, whoever else
   * writes the database. */
  if (!step_once (self, "SAVEPOINT login_attempt", error))
    return FD_LOGIN_ATTEMPT_ERROR;
  stmt = prep (self, "DELETE FROM login_failures WHERE last_at < ? AND locked_until <= ?");
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, forget_before);
  sqlite3_bind_int64 (stmt, 2, now);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    goto failed;
  sqlite3_reset (stmt);

  stmt = prep (self, "SELECT failures, locked_until FROM login_failures WHERE name_mac = ?");
  if (stmt == NULL)
    goto failed;
  bind_text (stmt, 1, mac);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      failures = sqlite3_column_int64 (stmt, 0);
      until = sqlite3_column_int64 (stmt, 1);
    }
  else if (rc != SQLITE_DONE)
    goto failed;
  sqlite3_reset (stmt);

  if (until > now)
    {
      *locked_until = until;
      result = FD_LOGIN_ATTEMPT_LOCKED;
    }
  else
    {
      if (until != 0)
        failures = 0;   /* the last lock is over: count afresh */
      failures++;
      until = failures >= max_failures ? now + lock_usec : 0;
      *locked_until = until;
      result = until != 0 ? FD_LOGIN_ATTEMPT_LAST : FD_LOGIN_ATTEMPT_RESERVED;

      stmt = prep (self, "INSERT INTO login_failures (name_mac, failures, locked_until, last_at) "
                         "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (name_mac) DO UPDATE SET "
                         "failures = ?2, locked_until = ?3, last_at = ?4");
      if (stmt == NULL)
        goto failed;
      bind_text (stmt, 1, mac);
      sqlite3_bind_int64 (stmt, 2, failures);
      sqlite3_bind_int64 (stmt, 3, until);
      sqlite3_bind_int64 (stmt, 4, now);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        goto failed;
      sqlite3_reset (stmt);
    }
  if (!step_once (self, "RELEASE login_attempt", error))
    return FD_LOGIN_ATTEMPT_ERROR;
  return result;

failed:
  set_sqlite_error (self, error, "login_failures");
  /* a statement left mid-step would keep the savepoint open */
  if (stmt != NULL)
    sqlite3_reset (stmt);
  exec (self, "ROLLBACK TO login_attempt; RELEASE login_attempt", NULL);
  return FD_LOGIN_ATTEMPT_ERROR;
}

static gboolean
login_attempt_clear (FdStore *store, const char *username, GError **error)
{
  FdStoreSqlite *self = SELF (store);
  g_autofree char *mac = login_name_mac (store, username);
  sqlite3_stmt *stmt = prep (self, "DELETE FROM login_failures WHERE name_mac = ?");

  if (stmt == NULL)
    return set_sqlite_error (self, error, "login_failures");
  bind_text (stmt, 1, mac);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return set_sqlite_error (self, error, "login_failures");
  return TRUE;
}

static guint
session_unlock_reserve (FdStore *store, gint64 session_id, guint max_failures)
{
  sqlite3_stmt *stmt = prep (SELF (store),
                             "UPDATE sessions SET unlock_failures = unlock_failures + 1 "
                             "WHERE id = ? AND end_reason IS NULL AND unlock_failures < ? "
                             "RETURNING unlock_failures");
  guint count = 0;

  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, session_id);
  sqlite3_bind_int64 (stmt, 2, max_failures);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    count = (guint) sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return count;
}

/* Writing residents, one or a batch (seeding, issue 13). The row id is
 * part of every sealed column's associated data: the ids are known in
 * advance (those after the largest one; the store has one writer), so the
 * masks, blind indexes and sealed columns are computed first — for a
 * batch on worker threads, one per processor — and each row is written
 * once. */

typedef struct
{
  char   *phone_masked, *id_masked, *address_masked, *account_masked;
  char   *phone_bidx, *id_bidx;
  GBytes *phone_enc, *id_enc, *address_enc, *account_enc;
} SealedResident;

typedef struct
{
  FdKeys                *keys;
  const FdResidentInput *inputs;
  SealedResident        *out;
  gint64                 first_id;
  guint                  from, to;
  gboolean               failed;
} SealChunk;

static GBytes *
seal_column (FdKeys     *keys,
             const char *value,
             const char *table,
             gint64      id,
             const char *column,
             gboolean   *failed)
{
  g_autofree char *aad = NULL;
  GBytes *blob;

  if (value == NULL || *value == '\0')
    return NULL;
  aad = make_aad (table, id, column);
  blob = fd_crypto_seal (keys, value, aad, NULL);
  if (blob == NULL)
    *failed = TRUE;
  return blob;
}

static gpointer
seal_chunk (gpointer data)
{
  SealChunk *chunk = data;

  for (guint i = chunk->from; i < chunk->to; i++)
    {
      const FdResidentInput *in = &chunk->inputs[i];
      SealedResident *out = &chunk->out[i];
      gint64 id = chunk->first_id + i;

      out->phone_masked = fd_mask_mobile (in->phone);
      out->id_masked = in->id_number ? fd_mask_id_number (in->id_number) : NULL;
      out->address_masked = in->home_address ? fd_mask_address_district (in->home_address) : NULL;
      out->account_masked = in->payment_account ? fd_mask_account (in->payment_account) : NULL;
      out->phone_bidx = in->phone ? fd_crypto_blind_index (chunk->keys, "phone", in->phone) : NULL;
      out->id_bidx = in->id_number ? fd_crypto_blind_index (chunk->keys, "id_number", in->id_number) : NULL;
      out->phone_enc = seal_column (chunk->keys, in->phone, "residents", id, "phone", &chunk->failed);
      out->id_enc = seal_column (chunk->keys, in->id_number, "residents", id, "id_number", &chunk->failed);
      out->address_enc = seal_column (chunk->keys, in->home_address, "residents", id, "home_address",
                                      &chunk->failed);
      out->account_enc = seal_column (chunk->keys, in->payment_account, "payments", id, "account",
                                      &chunk->failed);
    }
  return NULL;
}

static void
sealed_resident_clear (SealedResident *s)
{
  g_free (s->phone_masked);
  g_free (s->id_masked);
  g_free (s->address_masked);
  g_free (s->account_masked);
  g_free (s->phone_bidx);
  g_free (s->id_bidx);
  g_clear_pointer (&s->phone_enc, g_bytes_unref);
  g_clear_pointer (&s->id_enc, g_bytes_unref);
  g_clear_pointer (&s->address_enc, g_bytes_unref);
  g_clear_pointer (&s->account_enc, g_bytes_unref);
}

static void
bind_bytes (sqlite3_stmt *stmt,
            int           idx,
            GBytes       *blob)
{
  if (blob == NULL)
    sqlite3_bind_null (stmt, idx);
  else
    sqlite3_bind_blob (stmt, idx, g_bytes_get_data (blob, NULL), g_bytes_get_size (blob),
                       SQLITE_STATIC);
}

static gboolean
write_sealed_resident (FdStoreSqlite         *self,
                       gint64                 id,
                       const FdResidentInput *in,
                       const SealedResident  *s,
                       GError               **error)
{
  sqlite3_stmt *stmt;
  gint64 building = 0, unit = 0, number = 0;
  gsize phone_len = in->phone ? strlen (in->phone) : 0;

  stmt = prep (self,
               "INSERT INTO residents (id, name, room, initials, phone_enc, phone_bidx, phone_masked, "
               "phone_last4, id_enc, id_bidx, id_masked, address_enc, address_masked) "
               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (stmt == NULL)
    return set_sqlite_error (self, error, "residents"), FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  bind_text (stmt, 2, in->name);
  bind_text (stmt, 3, in->room);
  bind_text (stmt, 4, in->initials ? in->initials : "");
  bind_bytes (stmt, 5, s->phone_enc);
  bind_text (stmt, 6, s->phone_bidx);
  bind_text (stmt, 7, s->phone_masked);
  if (phone_len >= 4)
    sqlite3_bind_text (stmt, 8, in->phone + phone_len - 4, 4, SQLITE_TRANSIENT);
  bind_bytes (stmt, 9, s->id_enc);
  bind_text (stmt, 10, s->id_bidx);
  bind_text (stmt, 11, s->id_masked);
  bind_bytes (stmt, 12, s->address_enc);
  bind_text (stmt, 13, s->address_masked);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return set_sqlite_error (self, error, "residents"), FALSE;

  for (guint i = 0; in->plates != NULL && in->plates[i] != NULL; i++)
    {
      stmt = prep (self, "INSERT OR IGNORE INTO plates (resident_id, plate) VALUES (?, ?)");
      if (stmt == NULL)
        return set_sqlite_error (self, error, "plates"), FALSE;
      sqlite3_bind_int64 (stmt, 1, id);
      bind_text (stmt, 2, in->plates[i]);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        return set_sqlite_error (self, error, "plates"), FALSE;
    }

  stmt = prep (self,
               "INSERT INTO payments (resident_id, account_enc, account_masked, balance_cents, "
               "overdue, last_paid_at) VALUES (?, ?, ?, ?, ?, ?)");
  if (stmt == NULL)
    return set_sqlite_error (self, error, "payments"), FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  bind_bytes (stmt, 2, s->account_enc);
  bind_text (stmt, 3, s->account_masked);
  sqlite3_bind_int64 (stmt, 4, in->balance_cents);
  sqlite3_bind_int (stmt, 5, in->overdue);
  bind_text (stmt, 6, in->last_paid_at);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return set_sqlite_error (self, error, "payments"), FALSE;

  if (parse_room (in->room, &building, &unit, &number))
    {
      stmt = prep (self, "INSERT OR IGNORE INTO rooms (room, building, unit, number) VALUES (?, ?, ?, ?)");
      if (stmt == NULL)
        return set_sqlite_error (self, error, "rooms"), FALSE;
      bind_text (stmt, 1, in->room);
      sqlite3_bind_int64 (stmt, 2, building);
      sqlite3_bind_int64 (stmt, 3, unit);
      sqlite3_bind_int64 (stmt, 4, number);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        return set_sqlite_error (self, error, "rooms"), FALSE;
    }
  return TRUE;
}

/* Starts sealing @from…@to on @n_threads threads (none: here and now). */
static void
seal_start (FdStoreSqlite          *self,
            const FdResidentInput  *inputs,
            SealedResident         *sealed,
            gint64                  first_id,
            guint                   from,
            guint                   to,
            SealChunk              *chunks,
            GThread               **threads,
            guint                   n_threads)
{
  for (guint t = 0; t < n_threads; t++)
    {
      chunks[t] = (SealChunk) { self->parent.keys, inputs, sealed, first_id,
                                from + (guint) ((guint64) (to - from) * t / n_threads),
                                from + (guint) ((guint64) (to - from) * (t + 1) / n_threads),
                                FALSE };
      threads[t] = n_threads > 1 ? g_thread_new ("fd-seal", seal_chunk, &chunks[t])
                                 : (seal_chunk (&chunks[t]), NULL);
    }
}

static gboolean
seal_finish (SealChunk  *chunks,
             GThread   **threads,
             guint       n_threads)
{
  gboolean ok = TRUE;

  for (guint t = 0; t < n_threads; t++)
    {
      if (threads[t] != NULL)
        g_thread_join (threads[t]);
      threads[t] = NULL;
      ok &= !chunks[t].failed;
    }
  return ok;
}

/* Writes @n residents with the ids that follow the largest one (the first
 * in @first_id). A batch of 64 or more is sealed on worker threads, a
 * slice ahead of the writing: while this thread writes slice k, the
 * workers seal slice k+1. */
#define SEAL_SLICE 2048

/* Page cache of a connection that writes batches (the seed's: the server
 * reopens the store afterwards). With SQLite's default 2 MiB, the random
 * inserts into the room and last-4 indexes of a million rows spill pages
 * to the WAL and read them back, a third of the writing. */
#define BULK_CACHE_KIB 131072

static gboolean
insert_residents (FdStoreSqlite          *self,
                  const FdResidentInput  *inputs,
                  guint                   n,
                  gint64                 *first_id_out,
                  GError                **error)
{
  guint n_threads = n < 64 ? 1 : MAX (1, MIN (g_get_num_processors (), 16));
  g_autofree SealedResident *sealed = g_new0 (SealedResident, n);
  g_autofree SealChunk *chunks = g_new0 (SealChunk, n_threads);
  g_autofree GThread **threads = g_new0 (GThread *, n_threads);
  sqlite3_stmt *stmt = prep (self, "SELECT coalesce(max(id), 0) + 1 FROM residents");
  gboolean ok = TRUE;
  gint64 first_id;

  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    return set_sqlite_error (self, error, "residents"), FALSE;
  first_id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  *first_id_out = first_id;
  if (n >= 64)
    {
      g_autofree char *pragma = g_strdup_printf ("PRAGMA cache_size = -%d", BULK_CACHE_KIB);
      if (!exec (self, pragma, error))
        return FALSE;
    }

  seal_start (self, inputs, sealed, first_id, 0, MIN (n, SEAL_SLICE), chunks, threads, n_threads);
  for (guint from = 0; from < n; from += SEAL_SLICE)
    {
      guint to = MIN (n, from + SEAL_SLICE);

      if (!seal_finish (chunks, threads, n_threads))
        {
          g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL, "Cannot seal resident data");
          ok = FALSE;
          break;
        }
      if (to < n)
        seal_start (self, inputs, sealed, first_id, to, MIN (n, to + SEAL_SLICE), chunks,
                    threads, n_threads);
      for (guint i = from; i < to && ok; i++)
        ok = write_sealed_resident (self, first_id + i, &inputs[i], &sealed[i], error);
      if (!ok)
        {
          seal_finish (chunks, threads, n_threads);
          break;
        }
    }
  for (guint i = 0; i < n; i++)
    sealed_resident_clear (&sealed[i]);
  return ok;
}

static gboolean
resident_insert_many (FdStore               *store,
                      const FdResidentInput *inputs,
                      guint                  n,
                      GError               **error)
{
  gint64 first_id;

  return insert_residents (SELF (store), inputs, n, &first_id, error);
}

static const FdStoreBackend sqlite_backend = {
  .name = "sqlite",
  .close = store_close,
  .begin = store_begin,
  .commit = store_commit,
  .rollback = store_rollback,
  .get_setting = get_setting,
  .set_setting = set_setting,
  .user_by_name = user_by_name,
  .user_by_id = user_by_id,
  .user_list = user_list,
  .user_insert = user_insert,
  .user_update = user_update,
  .session_by_token_hash = session_by_token_hash,
  .session_insert = session_insert,
  .session_update = session_update,
  .sessions_end_for_user = sessions_end_for_user,
  .resident_insert = resident_insert,
  .resident_count = resident_count,
  .resident_get = resident_get,
  .resident_foreach = resident_foreach,
  .resident_secret = resident_secret,
  .resident_matches = resident_matches,
  .room_exists = room_exists,
  .room_search = room_search,
  .visitor_insert = visitor_insert,
  .visitor_get = visitor_get,
  .visitor_list = visitor_list,
  .visitor_checkout = visitor_checkout,
  .visitors_purge = visitors_purge,
  .audit_append = audit_append,
  .audit_list = audit_list,
  .audit_count = audit_count,
  .audit_verify = audit_verify,
  .alert_insert = alert_insert,
  .alert_list = alert_list,
  .alert_recent = alert_recent,
  .limit_take = limit_take,
  .limit_count = limit_count,
  .listed_note = listed_note,
  /* issue 9 */
  .login_attempt_reserve = login_attempt_reserve,
  .login_attempt_clear = login_attempt_clear,
  .session_unlock_reserve = session_unlock_reserve,
  .resident_insert_many = resident_insert_many,
};

static void
finalize_stmt (gpointer data)
{
  sqlite3_finalize (data);
}

static gboolean
migrate (FdStoreSqlite  *self,
         GError        **error)
{
  sqlite3_stmt *stmt = NULL;
  int version = 0, from_version;

  if (sqlite3_prepare_v2 (self->db, "PRAGMA user_version", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);

  if (version > (int) G_N_ELEMENTS (migrations))
    {
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                   "The database schema (version %d) is newer than this server knows (%u)",
                   version, (guint) G_N_ELEMENTS (migrations));
      return FALSE;
    }

  from_version = version;
  for (guint i = version; i < G_N_ELEMENTS (migrations); i++)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %u", i + 1);

      if (!exec (self, "BEGIN IMMEDIATE", error))
        return FALSE;
      if (!exec (self, migrations[i], error) || !exec (self, bump, error))
        {
          exec (self, "ROLLBACK", NULL);
          return FALSE;
        }
      if (!exec (self, "COMMIT", error))
        return FALSE;
    }

  /* A chain written before anchors existed is anchored once, at the
   * upgrade; later a missing anchor counts as tampering. */
  if (from_version > 0 && from_version < 3)
    {
      sqlite3_stmt *last = NULL;
      if (sqlite3_prepare_v2 (self->db, "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1",
                              -1, &last, NULL) == SQLITE_OK && sqlite3_step (last) == SQLITE_ROW)
        {
          g_autofree char *hash = g_strdup ((const char *) sqlite3_column_text (last, 1));
          gint64 seq = sqlite3_column_int64 (last, 0);
          sqlite3_finalize (last);
          return write_audit_anchor (self, seq, hash, error);
        }
      sqlite3_finalize (last);
    }
  return TRUE;
}

/* The key check value (finding 5 of issue 9). A database remembers which
 * key it was made with, so a foreign key file is refused at open instead of
 * answering 500 to reveals, false to verify, and sealing new records under
 * the wrong key. */

#define KEY_CHECK_SETTING "key.check"

G_DEFINE_QUARK (fd-store-wrong-key-error-quark, fd_store_wrong_key_error)

/* One sealed value of each kind and the associated data it was sealed
 * with; bidx_domain, when set, names the blind index in the third column
 * (which checks the index key too). */
static const struct
{
  const char *sql;
  const char *table;
  const char *field;
  const char *bidx_domain;
} key_probes[] = {
  { "SELECT id, phone_enc, phone_bidx FROM residents WHERE phone_enc IS NOT NULL LIMIT 1",
    "residents", "phone", "phone" },
  { "SELECT id, id_enc, id_bidx FROM residents WHERE id_enc IS NOT NULL LIMIT 1",
    "residents", "id_number", "id_number" },
  { "SELECT id, address_enc, NULL FROM residents WHERE address_enc IS NOT NULL LIMIT 1",
    "residents", "home_address", NULL },
  { "SELECT resident_id, account_enc, NULL FROM payments WHERE account_enc IS NOT NULL LIMIT 1",
    "payments", "account", NULL },
  { "SELECT id, phone_enc, NULL FROM visitors WHERE phone_enc IS NOT NULL LIMIT 1",
    "visitors", "phone", NULL },
  { "SELECT id, id_enc, NULL FROM visitors WHERE id_enc IS NOT NULL LIMIT 1",
    "visitors", "id_number", NULL },
};

/* A database written before the check value existed: try one sealed value
 * of each kind (six at most, whatever the size of the data). Sets
 * *n_tried and *n_opened, and adds the associated data of each value that
 * did not open to @failed. */
static gboolean
probe_sealed_values (FdStoreSqlite  *self,
                     guint          *n_tried,
                     guint          *n_opened,
                     GPtrArray      *failed,
                     GError        **error)
{
  *n_tried = *n_opened = 0;
  for (guint i = 0; i < G_N_ELEMENTS (key_probes); i++)
    {
      sqlite3_stmt *stmt = NULL;
      g_autofree char *aad = NULL;
      g_autofree char *bidx = NULL;
      char *clear;

      if (sqlite3_prepare_v2 (self->db, key_probes[i].sql, -1, &stmt, NULL) != SQLITE_OK)
        {
          sqlite3_finalize (stmt);
          return set_sqlite_error (self, error, key_probes[i].table);
        }
      if (sqlite3_step (stmt) != SQLITE_ROW)
        {
          sqlite3_finalize (stmt);
          continue;
        }
      aad = make_aad (key_probes[i].table, sqlite3_column_int64 (stmt, 0), key_probes[i].field);
      (*n_tried)++;
      clear = fd_crypto_open (self->parent.keys, sqlite3_column_blob (stmt, 1),
                              sqlite3_column_bytes (stmt, 1), aad, NULL);
      if (clear != NULL && key_probes[i].bidx_domain != NULL)
        bidx = fd_crypto_blind_index (self->parent.keys, key_probes[i].bidx_domain, clear);
      if (clear != NULL &&
          (bidx == NULL || g_strcmp0 (bidx, (const char *) sqlite3_column_text (stmt, 2)) == 0))
        (*n_opened)++;
      else
        g_ptr_array_add (failed, g_steal_pointer (&aad));
      fd_secret_free (clear);
      sqlite3_finalize (stmt);
    }
  return TRUE;
}

static gboolean
check_data_key (FdStoreSqlite  *self,
                GError        **error)
{
  g_autofree char *expected = fd_keys_check_value (self->parent.keys);
  g_autofree char *stored = get_setting (&self->parent, KEY_CHECK_SETTING);
  g_autoptr(GPtrArray) failed = g_ptr_array_new_with_free_func (g_free);
  guint n_tried, n_opened;

  if (stored != NULL)
    {
      if (fd_const_time_equal (stored, expected))
        return TRUE;
      /* set by fd-cli-rekey.c until every row is under the new key */
      if (g_str_equal (stored, "rekey-in-progress"))
        {
          g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                       "A data key rotation (frontdesk-server rekey) is half-way on this "
                       "database: run the same rekey command again to finish it");
          return FALSE;
        }
      g_set_error (error, FD_STORE_WRONG_KEY_ERROR, 0,
                   "the key's check value differs from the one stored in the database");
      return FALSE;
    }

  /* No check value: a new database, or one made by an older version. */
  if (!probe_sealed_values (self, &n_tried, &n_opened, failed, error))
    return FALSE;
  if (n_tried > 0 && n_opened == 0)
    {
      g_set_error (error, FD_STORE_WRONG_KEY_ERROR, 0,
                   "none of %u encrypted values tried opens with it", n_tried);
      return FALSE;
    }
  /* The key opens the rest: these few were damaged or tampered with. */
  for (guint i = 0; i < failed->len; i++)
    g_warning ("The encrypted value %s does not open with the database's key",
               (const char *) g_ptr_array_index (failed, i));
  if (n_tried > 0)
    g_message ("Stored the data key's check value (%u of %u encrypted values opened)",
               n_opened, n_tried);
  return set_setting (&self->parent, KEY_CHECK_SETTING, expected, error);
}

FdStore *
fd_store_sqlite_open (const char  *path,
                      FdKeys      *keys,
                      GError     **error)
{
  FdStoreSqlite *self;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (keys != NULL, NULL);

  self = g_new0 (FdStoreSqlite, 1);
  self->parent.backend = &sqlite_backend;
  self->parent.keys = keys;
  self->path = g_strdup (path);
  self->stmts = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, finalize_stmt);

  rc = sqlite3_open_v2 (path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG, "Cannot open the database %s: %s", path,
                   self->db ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      store_close (&self->parent);
      return NULL;
    }
  /* Only the server account may read the file. */
  if (g_chmod (path, 0600) != 0)
    g_warning ("Cannot restrict the database's mode: %s", g_strerror (errno));
  sqlite3_busy_timeout (self->db, 5000);
  sqlite3_extended_result_codes (self->db, 0);

  if (!exec (self, "PRAGMA journal_mode = WAL", error) ||
      !exec (self, "PRAGMA synchronous = FULL", error) ||
      !exec (self, "PRAGMA foreign_keys = ON", error) ||
      !exec (self, "PRAGMA secure_delete = ON", error) ||
      !migrate (self, error) ||
      !check_data_key (self, error))
    {
      store_close (&self->parent);
      return NULL;
    }

  return &self->parent;
}
