/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SQLite engine: second factor (issue 15): TOTP secrets, recovery codes, sign-in challenges. */

#include "config.h"

#include "fd-store-sqlite-private.h"

/* The secret is sealed like every sensitive column (aad
 * "user_totp:ID:secret") and re-sealed by rekey (fd-cli-rekey-columns.c).
 * Each call that writes is one savepoint: its own transaction, or part of
 * the server's group commit. */

static gboolean
step_done (sqlite3_stmt *stmt)
{
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  return rc == SQLITE_DONE || rc == SQLITE_ROW;
}

FdTotpRecord *
fd_sqlite_totp_get (FdStore *store, gint64 user_id, gboolean with_secret)
{
  FdStoreSqlite *self = SELF (store);
  sqlite3_stmt *stmt = prep (self, "SELECT secret_enc, confirmed, last_step, exempt, "
                                    "(SELECT count(*) FROM totp_recovery r WHERE "
                                    "r.user_id = t.user_id AND r.used_at = 0) "
                                    "FROM user_totp t WHERE user_id = ?");
  g_autofree char *aad = NULL;
  FdTotpRecord *record;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, user_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      return NULL;
    }
  record = g_new0 (FdTotpRecord, 1);
  record->user_id = user_id;
  record->has_secret = sqlite3_column_type (stmt, 0) == SQLITE_BLOB;
  record->confirmed = sqlite3_column_int (stmt, 1) != 0;
  record->last_step = sqlite3_column_int64 (stmt, 2);
  record->exempt = sqlite3_column_int (stmt, 3) != 0;
  record->recovery_left = sqlite3_column_int (stmt, 4);
  if (record->has_secret && with_secret)
    {
      g_autoptr(GError) error = NULL;

      aad = make_aad ("user_totp", user_id, "secret");
      record->secret = fd_crypto_open (store->keys, sqlite3_column_blob (stmt, 0),
                                       sqlite3_column_bytes (stmt, 0), aad, &error);
      if (record->secret == NULL)
        {
          /* never a usable factor: the caller sees no secret */
          g_warning ("The sealed value %s does not open: %s", aad, error->message);
          record->has_secret = FALSE;
          record->confirmed = FALSE;
        }
    }
  sqlite3_reset (stmt);
  return record;
}

gboolean
fd_sqlite_totp_put (FdStore *store, const FdTotpRecord *record,
                    const char * const *recovery_hashes, GError **error)
{
  FdStoreSqlite *self = SELF (store);
  g_autofree char *aad = make_aad ("user_totp", record->user_id, "secret");
  sqlite3_stmt *stmt;
  gboolean ok;

  if (!step_once (self, "SAVEPOINT totp_put", error))
    return FALSE;
  stmt = prep (self, "INSERT INTO user_totp (user_id, secret_enc, confirmed, last_step, exempt) "
                     "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (user_id) DO UPDATE SET "
                     "secret_enc = ?2, confirmed = ?3, last_step = ?4, exempt = ?5");
  ok = stmt != NULL;
  if (ok)
    {
      sqlite3_bind_int64 (stmt, 1, record->user_id);
      ok = bind_sealed (self, stmt, 2, record->secret, aad, error);
      sqlite3_bind_int (stmt, 3, record->confirmed);
      sqlite3_bind_int64 (stmt, 4, record->last_step);
      sqlite3_bind_int (stmt, 5, record->exempt);
      if (ok && !step_done (stmt))
        ok = set_sqlite_error (self, error, "user_totp");
    }
  else
    set_sqlite_error (self, error, "user_totp");
  if (ok && recovery_hashes != NULL)
    {
      stmt = prep (self, "DELETE FROM totp_recovery WHERE user_id = ?");
      if (stmt != NULL)
        sqlite3_bind_int64 (stmt, 1, record->user_id);
      ok = step_done (stmt);
      for (guint i = 0; ok && recovery_hashes[i] != NULL; i++)
        {
          stmt = prep (self, "INSERT INTO totp_recovery (user_id, code_hash) VALUES (?, ?)");
          if (stmt != NULL)
            {
              sqlite3_bind_int64 (stmt, 1, record->user_id);
              bind_text (stmt, 2, recovery_hashes[i]);
            }
          ok = step_done (stmt);
        }
      if (!ok)
        set_sqlite_error (self, error, "totp_recovery");
    }
  if (!ok)
    {
      exec (self, "ROLLBACK TO totp_put; RELEASE totp_put", NULL);
      return FALSE;
    }
  return step_once (self, "RELEASE totp_put", error);
}

gboolean
fd_sqlite_totp_step_take (FdStore *store, gint64 user_id, gint64 step)
{
  FdStoreSqlite *self = SELF (store);
  sqlite3_stmt *stmt = prep (self, "UPDATE user_totp SET last_step = ?2 WHERE user_id = ?1 "
                                   "AND secret_enc IS NOT NULL AND last_step < ?2");

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_int64 (stmt, 2, step);
  return step_done (stmt) && sqlite3_changes (self->db) == 1;
}

gboolean
fd_sqlite_totp_recovery_use (FdStore *store, gint64 user_id, const char *code_hash,
                             gint64 now, guint *left)
{
  FdStoreSqlite *self = SELF (store);
  sqlite3_stmt *stmt = prep (self, "UPDATE totp_recovery SET used_at = ?3 WHERE user_id = ?1 "
                                   "AND code_hash = ?2 AND used_at = 0");
  gboolean used;

  *left = 0;
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, user_id);
  bind_text (stmt, 2, code_hash);
  sqlite3_bind_int64 (stmt, 3, MAX (now, 1));
  used = step_done (stmt) && sqlite3_changes (self->db) == 1;
  stmt = prep (self, "SELECT count(*) FROM totp_recovery WHERE user_id = ? AND used_at = 0");
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, user_id);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        *left = sqlite3_column_int (stmt, 0);
      sqlite3_reset (stmt);
    }
  return used;
}

gboolean
fd_sqlite_totp_challenge_put (FdStore *store, const FdTotpChallenge *challenge,
                              gint64 now, GError **error)
{
  FdStoreSqlite *self = SELF (store);
  sqlite3_stmt *stmt = prep (self, "DELETE FROM totp_challenges WHERE expires_at <= ?");

  if (stmt != NULL)
    sqlite3_bind_int64 (stmt, 1, now);
  if (!step_done (stmt))
    return set_sqlite_error (self, error, "totp_challenges");
  stmt = prep (self, "INSERT INTO totp_challenges (hash, user_id, workstation, ip, expires_at) "
                     "VALUES (?, ?, ?, ?, ?)");
  if (stmt == NULL)
    return set_sqlite_error (self, error, "totp_challenges");
  bind_text (stmt, 1, challenge->hash);
  sqlite3_bind_int64 (stmt, 2, challenge->user_id);
  bind_text (stmt, 3, challenge->workstation);
  bind_text (stmt, 4, challenge->ip);
  sqlite3_bind_int64 (stmt, 5, challenge->expires_at);
  if (!step_done (stmt))
    return set_sqlite_error (self, error, "totp_challenges");
  return TRUE;
}

static gpointer
read_challenge (sqlite3_stmt *stmt)
{
  FdTotpChallenge *challenge = g_new0 (FdTotpChallenge, 1);

  challenge->hash = col_text (stmt, 0);
  challenge->user_id = sqlite3_column_int64 (stmt, 1);
  challenge->workstation = col_text (stmt, 2);
  challenge->ip = col_text (stmt, 3);
  challenge->expires_at = sqlite3_column_int64 (stmt, 4);
  return challenge;
}

FdTotpChallenge *
fd_sqlite_totp_challenge_take (FdStore *store, const char *hash, gint64 now)
{
  sqlite3_stmt *stmt = prep (SELF (store), "DELETE FROM totp_challenges WHERE hash = ? "
                                           "RETURNING hash, user_id, workstation, ip, expires_at");
  FdTotpChallenge *challenge;

  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, hash);
  challenge = fetch_one (stmt, read_challenge);
  if (challenge != NULL && challenge->expires_at <= now)
    g_clear_pointer (&challenge, fd_totp_challenge_free);
  return challenge;
}
