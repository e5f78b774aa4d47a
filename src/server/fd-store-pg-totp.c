/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PostgreSQL engine: second factor (issue 15): TOTP secrets, recovery codes, sign-in challenges. */

#include "config.h"

#include "fd-store-pg-private.h"

/* As on SQLite (fd-store-sqlite-totp.c): the secret is sealed like every
 * sensitive column (aad "user_totp:ID:secret"); recovery codes and
 * challenges are stored only as hashes. The tables are company-wide
 * reference tables (fd-store-pg-schema.c, step 4). Each one-winner
 * update is a single statement: PostgreSQL's row lock makes a second
 * server's UPDATE (or DELETE) of the same row wait for the first to
 * commit and then re-check its WHERE clause on the new row, so of two
 * callers with the same step, code or challenge, exactly one changes it. */

FdTotpRecord *
fd_pg_totp_get (FdStore *store, gint64 user_id, gboolean with_secret)
{
  FdStorePg *self = SELF (store);
  FdTotpRecord *record = NULL;
  FdPgArgs a = { 0 };
  PGresult *res;

  fd_pg_arg_int (&a, user_id);
  res = fd_pg_query (self, "SELECT secret_enc, confirmed, last_step, exempt, "
                           "(SELECT count(*) FROM totp_recovery r WHERE r.user_id = t.user_id "
                           "AND r.used_at = 0) FROM user_totp t WHERE user_id = $1", &a, NULL);
  if (res == NULL || PQntuples (res) != 1)
    {
      g_clear_pointer (&res, PQclear);
      return NULL;
    }
  record = g_new0 (FdTotpRecord, 1);
  record->user_id = user_id;
  record->has_secret = !PQgetisnull (res, 0, 0);
  record->confirmed = fd_pg_bool (res, 0, 1);
  record->last_step = fd_pg_int (res, 0, 2);
  record->exempt = fd_pg_bool (res, 0, 3);
  record->recovery_left = (guint) fd_pg_int (res, 0, 4);
  if (record->has_secret && with_secret)
    {
      g_autofree char *aad = make_aad ("user_totp", user_id, "secret");
      g_autoptr(GError) error = NULL;

      record->secret = fd_pg_open_sealed (self, res, 0, 0, aad, &error);
      if (record->secret == NULL)
        {
          /* never a usable factor: the caller sees no secret */
          g_warning ("The sealed value %s does not open: %s", aad,
                     error != NULL ? error->message : "?");
          record->has_secret = FALSE;
          record->confirmed = FALSE;
        }
    }
  PQclear (res);
  return record;
}

/* @hashes as a text[] literal: every element quoted. */
static char *
text_array (const char * const *hashes)
{
  GString *out = g_string_new ("{");

  for (guint i = 0; hashes[i] != NULL; i++)
    {
      g_string_append (out, i > 0 ? ",\"" : "\"");
      for (const char *c = hashes[i]; *c != '\0'; c++)
        {
          if (*c == '"' || *c == '\\')
            g_string_append_c (out, '\\');
          g_string_append_c (out, *c);
        }
      g_string_append_c (out, '"');
    }
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}

gboolean
fd_pg_totp_put (FdStore *store, const FdTotpRecord *record,
                const char * const *recovery_hashes, GError **error)
{
  FdStorePg *self = SELF (store);
  g_autofree char *aad = make_aad ("user_totp", record->user_id, "secret");
  g_autoptr(GBytes) sealed = NULL;
  FdPgArgs a = { 0 }, del = { 0 }, codes = { 0 };
  g_autofree char *array = NULL;
  gboolean own, ok;

  if (record->secret != NULL &&
      (sealed = fd_crypto_seal (store->keys, record->secret, aad, error)) == NULL)
    return FALSE;
  fd_pg_arg_int (&a, record->user_id);
  fd_pg_arg_bytes (&a, sealed);
  fd_pg_arg_text (&a, record->confirmed ? "t" : "f");
  fd_pg_arg_int (&a, record->last_step);
  fd_pg_arg_text (&a, record->exempt ? "t" : "f");
  if (!fd_pg_op_begin (self, &own, error))
    return FALSE;
  ok = fd_pg_changes_ok (fd_pg_run (self, "INSERT INTO user_totp (user_id, secret_enc, "
                                          "confirmed, last_step, exempt) VALUES ($1, $2, $3, "
                                          "$4, $5) ON CONFLICT (user_id) DO UPDATE SET "
                                          "secret_enc = $2, confirmed = $3, last_step = $4, "
                                          "exempt = $5", &a, error));
  if (ok && recovery_hashes != NULL)
    {
      fd_pg_arg_int (&del, record->user_id);
      ok = fd_pg_changes_ok (fd_pg_run (self, "DELETE FROM totp_recovery WHERE user_id = $1",
                                        &del, error));
    }
  if (ok && recovery_hashes != NULL && recovery_hashes[0] != NULL)
    {
      array = text_array (recovery_hashes);
      fd_pg_arg_int (&codes, record->user_id);
      fd_pg_arg_text (&codes, array);
      ok = fd_pg_changes_ok (fd_pg_run (self, "INSERT INTO totp_recovery (user_id, code_hash) "
                                              "SELECT $1, unnest ($2::text[])", &codes, error));
    }
  return fd_pg_op_end (self, own, ok, error);
}

gboolean
fd_pg_totp_step_take (FdStore *store, gint64 user_id, gint64 step)
{
  FdPgArgs a = { 0 };

  fd_pg_arg_int (&a, user_id);
  fd_pg_arg_int (&a, step);
  return fd_pg_changes (fd_pg_query (SELF (store),
                                     "UPDATE user_totp SET last_step = $2 WHERE user_id = $1 "
                                     "AND secret_enc IS NOT NULL AND last_step < $2",
                                     &a, NULL)) == 1;
}

gboolean
fd_pg_totp_recovery_use (FdStore *store, gint64 user_id, const char *code_hash,
                         gint64 now, guint *left)
{
  FdPgArgs a = { 0 };
  PGresult *res;
  gboolean used = FALSE;

  *left = 0;
  fd_pg_arg_int (&a, user_id);
  fd_pg_arg_text (&a, code_hash);
  fd_pg_arg_int (&a, MAX (now, 1));
  /* the use and the count in one statement: the count sees the other
   * unused codes as they were before it (a data-modifying CTE's rows are
   * not visible to the rest of its statement), less the one used here */
  res = fd_pg_query (SELF (store),
                     "WITH used AS (UPDATE totp_recovery SET used_at = $3 WHERE user_id = $1 "
                     "AND code_hash = $2 AND used_at = 0 RETURNING code_hash) "
                     "SELECT (SELECT count(*) FROM used), (SELECT count(*) FROM totp_recovery "
                     "WHERE user_id = $1 AND used_at = 0 AND code_hash NOT IN "
                     "(SELECT code_hash FROM used))", &a, NULL);
  if (res != NULL && PQntuples (res) == 1)
    {
      used = fd_pg_int (res, 0, 0) == 1;
      *left = (guint) fd_pg_int (res, 0, 1);
    }
  g_clear_pointer (&res, PQclear);
  return used;
}

gboolean
fd_pg_totp_challenge_put (FdStore *store, const FdTotpChallenge *challenge,
                          gint64 now, GError **error)
{
  FdStorePg *self = SELF (store);
  FdPgArgs a = { 0 }, put = { 0 };
  gboolean own, ok;

  fd_pg_arg_int (&a, now);
  fd_pg_arg_text (&put, challenge->hash);
  fd_pg_arg_int (&put, challenge->user_id);
  fd_pg_arg_text (&put, challenge->workstation);
  fd_pg_arg_text (&put, challenge->ip);
  fd_pg_arg_int (&put, challenge->expires_at);
  if (!fd_pg_op_begin (self, &own, error))
    return FALSE;
  ok = fd_pg_changes_ok (fd_pg_run (self, "DELETE FROM totp_challenges WHERE expires_at <= $1",
                                    &a, error)) &&
       fd_pg_changes_ok (fd_pg_run (self, "INSERT INTO totp_challenges (hash, user_id, "
                                          "workstation, ip, expires_at) VALUES ($1, $2, $3, $4, "
                                          "$5)", &put, error));
  return fd_pg_op_end (self, own, ok, error);
}

FdTotpChallenge *
fd_pg_totp_challenge_take (FdStore *store, const char *hash, gint64 now)
{
  FdTotpChallenge *challenge = NULL;
  FdPgArgs a = { 0 };
  PGresult *res;

  fd_pg_arg_text (&a, hash);
  res = fd_pg_query (SELF (store), "DELETE FROM totp_challenges WHERE hash = $1 "
                                   "RETURNING hash, user_id, workstation, ip, expires_at",
                     &a, NULL);
  if (res != NULL && PQntuples (res) == 1 && fd_pg_int (res, 0, 4) > now)
    {
      challenge = g_new0 (FdTotpChallenge, 1);
      challenge->hash = fd_pg_text (res, 0, 0);
      challenge->user_id = fd_pg_int (res, 0, 1);
      challenge->workstation = fd_pg_text (res, 0, 2);
      challenge->ip = fd_pg_text (res, 0, 3);
      challenge->expires_at = fd_pg_int (res, 0, 4);
    }
  g_clear_pointer (&res, PQclear);
  return challenge;
}
