/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The SQLite engine: opening, migrations, transactions, settings, the engine table. */

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "fd-error.h"
#include "fd-store-engine.h"
#include "fd-store-sqlite-private.h"

/* The SQLite engine: WAL, versioned migrations (PRAGMA user_version),
 * prepared statements cached for the life of the connection. Sensitive
 * columns hold AES-256-GCM blobs whose associated data binds them to
 * their table, row and column; exact-match lookup goes through HMAC blind
 * indexes. What a role may see masked is stored masked, so ordinary reads
 * never decrypt anything. */

/* The engine is split per entity around fd-store-sqlite-private.h:
 * fd-store-sqlite-{users,sessions,residents,visitors,audit,alerts,limits,totp,deliveries}.c,
 * fd-store-sqlite-reviews.c (issue 12). */

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
  /* 4 (limits): events counted by fd_sqlite_limit_take; residents listed per user
   * (fd_sqlite_listed_note), with their number kept beside them */
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
  /* 7 (issue 11, estates): every resident, room, visitor, alert, session and
   * audit row belongs to an estate; a database from before is estate 1,
   * "main". Sessions and audit entries may hold 0: company-wide (an
   * auditor's or admin's session, the command line). Rooms repeat across
   * estates: the table is rebuilt keyed on (estate_id, room). Accounts
   * other than auditor and admin keep working: they hold estate 1. Only
   * new tables, new columns and new indexes besides the room rebuild,
   * so the step does not depend on other branches' migrations. */
  "CREATE TABLE IF NOT EXISTS estates (id INTEGER PRIMARY KEY, code TEXT UNIQUE NOT NULL,"
  "  name TEXT NOT NULL);"
  "INSERT OR IGNORE INTO estates (id, code, name) VALUES (1, 'main', 'Main estate');"
  "CREATE TABLE IF NOT EXISTS user_estates (user_id INTEGER NOT NULL,"
  "  estate_id INTEGER NOT NULL, PRIMARY KEY (user_id, estate_id)) WITHOUT ROWID;"
  "INSERT OR IGNORE INTO user_estates (user_id, estate_id)"
  "  SELECT id, 1 FROM users WHERE role NOT IN ('auditor', 'admin');"
  "ALTER TABLE residents ADD COLUMN estate_id INTEGER NOT NULL DEFAULT 1;"
  "ALTER TABLE visitors ADD COLUMN estate_id INTEGER NOT NULL DEFAULT 1;"
  "ALTER TABLE alerts ADD COLUMN estate_id INTEGER NOT NULL DEFAULT 1;"
  "ALTER TABLE sessions ADD COLUMN estate_id INTEGER NOT NULL DEFAULT 1;"
  "ALTER TABLE audit_log ADD COLUMN estate_id INTEGER NOT NULL DEFAULT 1;"
  "CREATE TABLE rooms_by_estate (estate_id INTEGER NOT NULL DEFAULT 1, room TEXT NOT NULL,"
  "  building INTEGER, unit INTEGER, number INTEGER, PRIMARY KEY (estate_id, room));"
  "INSERT INTO rooms_by_estate (estate_id, room, building, unit, number)"
  "  SELECT 1, room, building, unit, number FROM rooms;"
  "DROP TABLE rooms;"
  "ALTER TABLE rooms_by_estate RENAME TO rooms;"
  "CREATE INDEX rooms_estate_order ON rooms (estate_id, building, unit, number);"
  "CREATE INDEX residents_estate_room ON residents (estate_id, room);"
  "CREATE INDEX residents_estate_last4 ON residents (estate_id, phone_last4);"
  "CREATE INDEX visitors_estate_arrived ON visitors (estate_id, arrived_at);"
  "CREATE INDEX alerts_estate ON alerts (estate_id, id);"
  "CREATE INDEX audit_estate ON audit_log (estate_id, seq);"
  /* the anomaly counts stay index-only with the estate filter */
  "CREATE INDEX audit_actor_estate_counts ON audit_log"
  "  (actor_id, action, at, outcome, target, estate_id);"
  "DROP INDEX audit_actor_counts;",
  /* 8 (issue 12, access review): reviews, their items, and the per-actor,
   * per-day counts of data accesses a review shows, kept by a trigger as
   * the audit log is appended (fd-store-sqlite-reviews.c) and filled here
   * from the log so far. IF NOT EXISTS throughout: it applies whatever
   * other branches' migrations come before it. */
  "CREATE TABLE IF NOT EXISTS reviews (id INTEGER PRIMARY KEY,"
  "  estate_id INTEGER NOT NULL DEFAULT 0, opened_at INTEGER NOT NULL, due_at INTEGER NOT NULL,"
  "  period_from INTEGER NOT NULL, opened_by TEXT NOT NULL,"
  "  signed_off_at INTEGER NOT NULL DEFAULT 0, signed_off_by TEXT);"
  "CREATE INDEX IF NOT EXISTS reviews_estate ON reviews (estate_id, id);"
  "CREATE INDEX IF NOT EXISTS reviews_due ON reviews (signed_off_at, due_at);"
  "CREATE UNIQUE INDEX IF NOT EXISTS reviews_one_open ON reviews (estate_id) WHERE signed_off_at = 0;"
  "CREATE TABLE IF NOT EXISTS review_items (review_id INTEGER NOT NULL, user_id INTEGER NOT NULL,"
  "  estate_id INTEGER NOT NULL DEFAULT 0, decision TEXT, decided_by TEXT,"
  "  decided_at INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (review_id, user_id)) WITHOUT ROWID;"
  "CREATE TABLE IF NOT EXISTS audit_activity (actor_id INTEGER NOT NULL, day TEXT NOT NULL,"
  "  action TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (actor_id, day, action)) WITHOUT ROWID;"
  "INSERT OR IGNORE INTO audit_activity (actor_id, day, action, n)"
  "  SELECT actor_id, substr(at, 1, 10), action, count(*) FROM audit_log"
  "  WHERE actor_id > 0 AND outcome = 'allowed'"
  "  AND action IN ('view', 'search', 'reveal', 'verify', 'export') GROUP BY 1, 2, 3;"
  "CREATE TRIGGER IF NOT EXISTS audit_activity_count AFTER INSERT ON audit_log"
  "  WHEN NEW.actor_id > 0 AND NEW.outcome = 'allowed'"
  "  AND NEW.action IN ('view', 'search', 'reveal', 'verify', 'export')"
  "  BEGIN INSERT INTO audit_activity (actor_id, day, action, n)"
  "  VALUES (NEW.actor_id, substr(NEW.at, 1, 10), NEW.action, 1)"
  "  ON CONFLICT (actor_id, day, action) DO UPDATE SET n = n + 1; END;",
  /* 9 (issue 15, second factor): an account's TOTP secret (sealed), its
   * replay guard and demo exemption; recovery codes as keyed hashes;
   * pending sign-in challenges as hashes. Order-independent. */
  "CREATE TABLE IF NOT EXISTS user_totp (user_id INTEGER PRIMARY KEY, secret_enc BLOB,"
  "  confirmed INTEGER NOT NULL DEFAULT 0, last_step INTEGER NOT NULL DEFAULT 0,"
  "  exempt INTEGER NOT NULL DEFAULT 0);"
  "CREATE TABLE IF NOT EXISTS totp_recovery (user_id INTEGER NOT NULL, code_hash TEXT NOT NULL,"
  "  used_at INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (user_id, code_hash)) WITHOUT ROWID;"
  "CREATE TABLE IF NOT EXISTS totp_challenges (hash TEXT PRIMARY KEY, user_id INTEGER NOT NULL,"
  "  workstation TEXT, ip TEXT, expires_at INTEGER NOT NULL);"
  "CREATE INDEX IF NOT EXISTS totp_challenges_expiry ON totp_challenges (expires_at);",
  /* 10 (issue 12, alerts): the delivery queue of alerts sent out of the app
   * (fd-store-sqlite-deliveries.c), and where a password came from (the
   * self-check's "demo password" finding). New tables only, IF NOT EXISTS:
   * independent of the other branches' migrations. */
  "CREATE TABLE IF NOT EXISTS alert_deliveries (id INTEGER PRIMARY KEY,"
  "  alert_id INTEGER NOT NULL DEFAULT 0, estate_id INTEGER NOT NULL DEFAULT 0,"
  "  channel TEXT NOT NULL, destination TEXT NOT NULL, kind TEXT NOT NULL, at TEXT NOT NULL,"
  "  actor TEXT, estate TEXT, detail TEXT, status TEXT NOT NULL DEFAULT 'pending',"
  "  attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL,"
  "  last_attempt_at INTEGER NOT NULL DEFAULT 0, last_error TEXT, created_at INTEGER NOT NULL,"
  "  delivered_at INTEGER NOT NULL DEFAULT 0);"
  "CREATE INDEX IF NOT EXISTS alert_deliveries_due ON alert_deliveries (status, next_at);"
  "CREATE INDEX IF NOT EXISTS alert_deliveries_attempt ON alert_deliveries (status, last_attempt_at);"
  "CREATE INDEX IF NOT EXISTS alert_deliveries_estate ON alert_deliveries (estate_id, id);"
  "CREATE TABLE IF NOT EXISTS password_origins (user_id INTEGER PRIMARY KEY,"
  "  origin TEXT NOT NULL, set_at INTEGER NOT NULL);",
  /* 11 (issue 12, rules): the residents each audited search listed and the
   * visitors each export carried, by the entry's seq (fd-store-sqlite-radius.c) */
  "CREATE TABLE IF NOT EXISTS audit_subjects (seq INTEGER NOT NULL, kind TEXT NOT NULL,"
  "  subject_id INTEGER NOT NULL, PRIMARY KEY (seq, kind, subject_id)) WITHOUT ROWID;"
  /* the radius reads an actor's entries from this index alone; it extends
   * the anomaly counts' index (same leading columns), which it replaces */
  "CREATE INDEX IF NOT EXISTS audit_actor_radius ON audit_log"
  "  (actor_id, action, at, outcome, target, estate_id, role, field);"
  "DROP INDEX IF EXISTS audit_actor_estate_counts;"
  "DROP INDEX IF EXISTS audit_actor_counts;",
};

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
  if (self->wal_sync_open)
    g_close (self->wal_sync_fd, NULL);
  g_clear_pointer (&self->parent.keys, fd_keys_free);
  g_free (self->pending_anchor_hash);
  g_free (self->path);
  g_free (self);
}

static gboolean
store_begin (FdStore *store, GError **error)
{
  return step_once (SELF (store), "BEGIN IMMEDIATE", error);
}

static gboolean
store_commit (FdStore *store, GError **error)
{
  if (!fd_sqlite_write_pending_anchor (SELF (store), error))
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

char *
fd_sqlite_get_setting (FdStore *store, const char *key)
{
  sqlite3_stmt *stmt = prep (SELF (store), "SELECT value FROM settings WHERE key = ?");

  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, key);
  return fetch_one (stmt, read_text0);
}

gboolean
fd_sqlite_set_setting (FdStore *store, const char *key, const char *value, GError **error)
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

static const FdStoreBackend sqlite_backend = {
  .name = "sqlite",
  .close = store_close,
  .begin = store_begin,
  .commit = store_commit,
  .rollback = store_rollback,
  .get_setting = fd_sqlite_get_setting,
  .set_setting = fd_sqlite_set_setting,
  .user_by_name = fd_sqlite_user_by_name,
  .user_by_id = fd_sqlite_user_by_id,
  .user_list = fd_sqlite_user_list,
  .user_insert = fd_sqlite_user_insert,
  .user_update = fd_sqlite_user_update,
  .session_by_token_hash = fd_sqlite_session_by_token_hash,
  .session_insert = fd_sqlite_session_insert,
  .session_update = fd_sqlite_session_update,
  .sessions_end_for_user = fd_sqlite_sessions_end_for_user,
  .resident_insert = fd_sqlite_resident_insert,
  .resident_count = fd_sqlite_resident_count,
  .resident_get = fd_sqlite_resident_get,
  .resident_foreach = fd_sqlite_resident_foreach,
  .resident_secret = fd_sqlite_resident_secret,
  .resident_matches = fd_sqlite_resident_matches,
  .room_exists = fd_sqlite_room_exists,
  .room_search = fd_sqlite_room_search,
  .visitor_insert = fd_sqlite_visitor_insert,
  .visitor_get = fd_sqlite_visitor_get,
  .visitor_list = fd_sqlite_visitor_list,
  .visitor_checkout = fd_sqlite_visitor_checkout,
  .visitors_purge = fd_sqlite_visitors_purge,
  .audit_append = fd_sqlite_audit_append,
  .audit_list = fd_sqlite_audit_list,
  .audit_count = fd_sqlite_audit_count,
  .audit_verify = fd_sqlite_audit_verify,
  .alert_insert = fd_sqlite_alert_insert,
  .alert_list = fd_sqlite_alert_list,
  .alert_recent = fd_sqlite_alert_recent,
  .limit_take = fd_sqlite_limit_take,
  .limit_count = fd_sqlite_limit_count,
  .listed_note = fd_sqlite_listed_note,
  /* issue 9 */
  .login_attempt_reserve = fd_sqlite_login_attempt_reserve,
  .login_attempt_clear = fd_sqlite_login_attempt_clear,
  .session_unlock_reserve = fd_sqlite_session_unlock_reserve,
  .resident_insert_many = fd_sqlite_resident_insert_many,
  /* issue 11 */
  .estate_list = fd_sqlite_estate_list,
  .estate_insert = fd_sqlite_estate_insert,
  .user_estates = fd_sqlite_user_estates,
  .user_estates_set = fd_sqlite_user_estates_set,
  .estate_update = fd_sqlite_estate_update,
  /* issue 12: access review */
  .review_insert = fd_sqlite_review_insert,
  .review_get = fd_sqlite_review_get,
  .review_decide = fd_sqlite_review_decide,
  .review_sign_off = fd_sqlite_review_sign_off,
  .review_overdue = fd_sqlite_review_overdue,
  .activity_days = fd_sqlite_activity_days,
  .user_last_sign_in = fd_sqlite_user_last_sign_in,
  /* issue 15 */
  .totp_get = fd_sqlite_totp_get,
  .totp_put = fd_sqlite_totp_put,
  .totp_step_take = fd_sqlite_totp_step_take,
  .totp_recovery_use = fd_sqlite_totp_recovery_use,
  .totp_challenge_put = fd_sqlite_totp_challenge_put,
  .totp_challenge_take = fd_sqlite_totp_challenge_take,
  /* issue 12 */
  .delivery_enqueue = fd_sqlite_delivery_enqueue,
  .delivery_claim = fd_sqlite_delivery_claim,
  .delivery_finish = fd_sqlite_delivery_finish,
  .delivery_list = fd_sqlite_delivery_list,
  .delivery_count = fd_sqlite_delivery_count,
  .password_origin_set = fd_sqlite_password_origin_set,
  .account_activity = fd_sqlite_account_activity,
  .integrity_check = fd_sqlite_integrity_check,
  /* issue 12 (rules) */
  .audit_subjects_add = fd_sqlite_audit_subjects_add,
  .incident_radius = fd_sqlite_incident_radius,
  .visitor_undo_checkout = fd_sqlite_visitor_undo_checkout,   /* issue 14 */
  /* issue 13 (perf13) */
  .auth_generation = fd_sqlite_auth_generation,
  /* issue 13 (search13) */
  .begin_unsynced = fd_sqlite_begin_unsynced,
  .commit_unsynced = fd_sqlite_commit_unsynced,
  .sync_committed = fd_sqlite_sync_committed,
  .password_origin_get = fd_sqlite_password_origin_get,   /* pwchange */
  .user_lock_set = fd_sqlite_user_lock_set,               /* session 8 */
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
          return fd_sqlite_write_audit_anchor (self, seq, hash, error);
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
  for (guint i = 0; i < fd_engine_n_key_probes; i++)
    {
      const FdKeyProbe *probe = &fd_engine_key_probes[i];
      sqlite3_stmt *stmt = NULL;

      if (sqlite3_prepare_v2 (self->db, probe->sql, -1, &stmt, NULL) != SQLITE_OK)
        {
          sqlite3_finalize (stmt);
          return set_sqlite_error (self, error, probe->table);
        }
      if (sqlite3_step (stmt) != SQLITE_ROW)
        {
          sqlite3_finalize (stmt);
          continue;
        }
      (*n_tried)++;
      if (fd_engine_key_probe_opens (self->parent.keys, probe, sqlite3_column_int64 (stmt, 0),
                                     sqlite3_column_blob (stmt, 1), sqlite3_column_bytes (stmt, 1),
                                     (const char *) sqlite3_column_text (stmt, 2)))
        (*n_opened)++;
      else
        g_ptr_array_add (failed, make_aad (probe->table, sqlite3_column_int64 (stmt, 0),
                                           probe->field));
      sqlite3_finalize (stmt);
    }
  return TRUE;
}

static gboolean
check_data_key (FdStoreSqlite  *self,
                GError        **error)
{
  g_autofree char *expected = fd_keys_check_value (self->parent.keys);
  g_autofree char *stored = fd_sqlite_get_setting (&self->parent, KEY_CHECK_SETTING);
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
  return fd_sqlite_set_setting (&self->parent, KEY_CHECK_SETTING, expected, error);
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
  fd_sqlite_auth_watch (self);

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
