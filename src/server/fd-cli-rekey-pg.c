/* SPDX-License-Identifier: GPL-3.0-or-later */
/* rekey on PostgreSQL: every sealed value and keyed index re-keyed in one transaction. */

/* fd-cli-rekey-pg.c: frontdesk-server rekey, store = postgresql
 *
 * The same rotation as on SQLite (fd-cli-rekey.c): every sealed column
 * opened with the current key and sealed again with the new one under the
 * same associated data (TABLE:ROW:COLUMN), every blind index recomputed
 * from the clear value, the sign-in failures moved to the new key's MAC of
 * each account's name, the audit head's keyed anchor moved to the new key,
 * the new key check value stored — but in ONE transaction, logged in as
 * the server role (it may update every one of those columns; row-level
 * security is opened to every estate with frontdesk.estate = '*').
 *
 * All or nothing: a crash (or kill -9, or a lost connection) before
 * COMMIT leaves the database exactly as it was, under data.key, and the
 * same command starts again. After COMMIT the database is under the new
 * key while data.key is still the old one until the files swap: a server
 * started then refuses the key (its check value differs), and the same
 * command again finds the database under --new-key and only audits (once)
 * and swaps the files, as on SQLite.
 *
 * Service stopped: the transaction first locks the settings table (where
 * every server and command reads the key check value when it opens the
 * store) exclusively, then refuses when any other frontdesk-server
 * connection is open on the database (pg_stat_activity, application_name
 * "frontdesk-server": a server, or another command — the SQLite rule).
 * One that connects later waits on that lock and, after COMMIT, reads the
 * new key check value and refuses its old key.
 *
 * Cost: every sealed row is rewritten once inside one transaction — a new
 * row version each (the tables hold both until autovacuum) and their WAL,
 * row locks on all of them until COMMIT (nothing else runs: the service is
 * stopped). Rows are read through a cursor, 1000 at a time, so the
 * command's memory does not grow with the office. docs/benchmarks.md has
 * the time at 100 000 residents. */

#include "config.h"

#include <signal.h>
#include <string.h>

#include "fd-cli-pg.h"
#include "fd-cli-rekey-private.h"
#include "fd-crypto.h"
#include "fd-store-engine.h"
#include "fd-store-pg-private.h"

#define EXIT_USAGE 2
#define FETCH_ROWS 1000

typedef struct
{
  PGconn  *conn;
  FdKeys  *old_keys;
  FdKeys  *new_keys;
  guint    crash_after;     /* tests: SIGKILL after this many batches; 0 = never */
  guint    batches;
  gint64   resealed;
  gint64   indexes;
  gint64   damaged;
} RekeyPg;

static gboolean
failed (RekeyPg     *self,
        PGresult    *res,
        const char  *what,
        GError     **error)
{
  const char *msg = res != NULL ? PQresultErrorField (res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
  g_autofree char *text = g_strdup (msg != NULL ? msg : PQerrorMessage (self->conn));

  g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL, "%s: %s", what, g_strchomp (text));
  return FALSE;
}

/* @sql with text parameters; NULL (with @error) unless it worked. */
static PGresult *
query (RekeyPg     *self,
       const char  *sql,
       int          n,
       const char  *const *values,
       GError     **error)
{
  /* no parameters: PQexec, which also takes several statements */
  PGresult *res = n == 0 ? PQexec (self->conn, sql)
                         : PQexecParams (self->conn, sql, n, NULL, values, NULL, NULL, 0);
  ExecStatusType st = PQresultStatus (res);

  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
    return res;
  failed (self, res, sql, error);
  PQclear (res);
  return NULL;
}

static gboolean
run (RekeyPg     *self,
     const char  *sql,
     int          n,
     const char  *const *values,
     GError     **error)
{
  PGresult *res = query (self, sql, n, values, error);

  if (res == NULL)
    return FALSE;
  PQclear (res);
  return TRUE;
}

static char *
get_setting (RekeyPg    *self,
             const char *key)
{
  const char *values[] = { key };
  PGresult *res = query (self, "SELECT value FROM settings WHERE key = $1", 1, values, NULL);
  char *value = res != NULL && PQntuples (res) == 1 ? g_strdup (PQgetvalue (res, 0, 0)) : NULL;

  g_clear_pointer (&res, PQclear);
  return value;
}

static gboolean
set_setting (RekeyPg     *self,
             const char  *key,
             const char  *value,
             GError     **error)
{
  const char *values[] = { key, value };

  return run (self, "INSERT INTO settings (key, value) VALUES ($1, $2) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value", 2, values, error);
}

/* A keyed-looking column this version does not re-key (one a newer version
 * added) would stay under the old key: refuse before changing anything. */
static gboolean
check_known_columns (RekeyPg  *self,
                     GError  **error)
{
  PGresult *res = query (self, "SELECT c.relname, a.attname FROM pg_attribute a "
                               "JOIN pg_class c ON c.oid = a.attrelid "
                               "WHERE c.relnamespace = current_schema ()::regnamespace "
                               "AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped "
                               "AND a.attname ~ '_(enc|bidx|mac)$'", 0, NULL, error);
  gboolean ok = res != NULL;

  for (int i = 0; ok && i < PQntuples (res); i++)
    {
      const char *table = PQgetvalue (res, i, 0), *column = PQgetvalue (res, i, 1);

      if (!fd_rekey_column_is_known (table, column))
        {
          g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                       "The column %s.%s looks keyed, and this rekey does not know how to "
                       "re-key it; nothing was changed. Use the frontdesk-server that made "
                       "this database", table, column);
          ok = FALSE;
        }
    }
  g_clear_pointer (&res, PQclear);
  return ok;
}

/* Re-seals the bytea at (@row, @col) under @aad; *@clear_out gets the
 * clear text, NULL when it does not open (left as it is, counted). */
static GBytes *
reseal (RekeyPg     *self,
        PGresult    *res,
        int          row,
        int          col,
        const char  *aad,
        char       **clear_out,
        GError     **error)
{
  size_t len = 0;
  unsigned char *blob = PQunescapeBytea ((const unsigned char *) PQgetvalue (res, row, col),
                                         &len);
  GBytes *sealed = NULL;
  char *clear;

  *clear_out = NULL;
  if (blob == NULL)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL, "%s: bad bytea", aad);
      return NULL;
    }
  clear = fd_crypto_open (self->old_keys, blob, len, aad, NULL);
  if (clear == NULL)
    {
      /* The table:row:column names no personal data. */
      g_printerr ("warning: the sealed value %s does not open with the current key (damaged "
                  "or altered); it is left as it is\n", aad);
      self->damaged++;
      sealed = g_bytes_new (blob, len);
    }
  else if ((sealed = fd_crypto_seal (self->new_keys, clear, aad, error)) != NULL)
    {
      self->resealed++;
      *clear_out = clear;
      clear = NULL;
    }
  fd_secret_free (clear);
  PQfreemem (blob);
  return sealed;
}

/* One fetched row of @t: the sealed values and indexes worked out and
 * written by the prepared statement "fd_rekey_update". Row layout:
 * estate_id, key, then (sealed, index) per column. */
static gboolean
rekey_row (RekeyPg            *self,
           const SealedTable  *t,
           gboolean            has_estate,
           PGresult           *res,
           int                 row,
           GError            **error)
{
  GPtrArray *keep = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *blobs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  const char *values[2 + 2 * G_N_ELEMENTS (t->columns)];
  int lengths[G_N_ELEMENTS (values)], formats[G_N_ELEMENTS (values)];
  const char *id = PQgetvalue (res, row, 1);
  gboolean ok = TRUE;
  int n = 0;

  for (guint c = 0; ok && c < G_N_ELEMENTS (t->columns) && t->columns[c].column != NULL; c++)
    {
      const SealedColumn *col = &t->columns[c];
      int blob_col = 2 + 2 * c;
      g_autofree char *aad = g_strdup_printf ("%s:%s:%s", t->table, id, col->field);
      GBytes *sealed = NULL;
      char *clear = NULL, *bidx = NULL;

      if (!PQgetisnull (res, row, blob_col))
        ok = (sealed = reseal (self, res, row, blob_col, aad, &clear, error)) != NULL;
      /* An index without a sealed value is the index of "" (as on SQLite). */
      if (ok && col->bidx_column != NULL && !PQgetisnull (res, row, blob_col + 1))
        {
          if (clear != NULL || sealed == NULL)
            bidx = fd_crypto_blind_index (self->new_keys, col->bidx_domain, clear ? clear : "");
          else
            bidx = g_strdup (PQgetvalue (res, row, blob_col + 1));
          self->indexes += clear != NULL || sealed == NULL;
        }
      fd_secret_free (clear);
      if (sealed != NULL)
        g_ptr_array_add (blobs, sealed);
      values[n] = sealed != NULL ? g_bytes_get_data (sealed, NULL) : NULL;
      lengths[n] = sealed != NULL ? (int) g_bytes_get_size (sealed) : 0;
      formats[n++] = 1;
      if (col->bidx_column != NULL)
        {
          g_ptr_array_add (keep, bidx);
          values[n] = bidx;
          lengths[n] = 0;
          formats[n++] = 0;
        }
    }
  values[n] = id;
  lengths[n] = 0;
  formats[n++] = 0;
  if (has_estate)
    {
      values[n] = PQgetvalue (res, row, 0);
      lengths[n] = 0;
      formats[n++] = 0;
    }
  if (ok)
    {
      PGresult *done = PQexecPrepared (self->conn, "fd_rekey_update", n, values, lengths,
                                       formats, 0);

      if (PQresultStatus (done) != PGRES_COMMAND_OK)
        ok = failed (self, done, t->table, error);
      PQclear (done);
    }
  g_ptr_array_unref (keep);
  g_ptr_array_unref (blobs);
  return ok;
}

/* Every row of @t, through a cursor, in the open transaction. */
static gboolean
rekey_table (RekeyPg            *self,
             const SealedTable  *t,
             GError            **error)
{
  /* user_totp is a reference table: no estate */
  gboolean has_estate = !g_str_equal (t->table, "user_totp");
  g_autoptr(GString) select = g_string_new ("DECLARE fd_rekey NO SCROLL CURSOR FOR SELECT ");
  g_autoptr(GString) update = g_string_new ("UPDATE ");
  gint64 resealed = self->resealed, indexes = self->indexes;
  guint param = 1;
  PGresult *res;
  gboolean ok = TRUE;

  /* SELECT estate_id, key, col, bidx… / UPDATE t SET col = $1, bidx = $2 …
   * WHERE key = $n AND estate_id = $n+1 (the primary key: (estate_id, key)) */
  g_string_append_printf (select, "%s, %s", has_estate ? "estate_id" : "0", t->key);
  g_string_append_printf (update, "%s SET ", t->table);
  for (guint c = 0; c < G_N_ELEMENTS (t->columns) && t->columns[c].column != NULL; c++)
    {
      const SealedColumn *col = &t->columns[c];

      g_string_append_printf (select, ", %s, %s", col->column,
                              col->bidx_column ? col->bidx_column : "NULL");
      g_string_append_printf (update, "%s%s = $%u", c > 0 ? ", " : "", col->column, param++);
      if (col->bidx_column != NULL)
        g_string_append_printf (update, ", %s = $%u", col->bidx_column, param++);
    }
  g_string_append_printf (select, " FROM %s ORDER BY %s", t->table, t->key);
  g_string_append_printf (update, " WHERE %s = $%u", t->key, param++);
  if (has_estate)
    g_string_append_printf (update, " AND estate_id = $%u", param);

  res = PQprepare (self->conn, "fd_rekey_update", update->str, 0, NULL);
  if (PQresultStatus (res) != PGRES_COMMAND_OK)
    ok = failed (self, res, t->table, error);
  PQclear (res);
  if (!ok || !run (self, select->str, 0, NULL, error))
    return FALSE;
  for (;;)
    {
      int rows;

      if ((res = query (self, "FETCH " G_STRINGIFY (FETCH_ROWS) " FROM fd_rekey", 0, NULL,
                        error)) == NULL)
        return FALSE;
      rows = PQntuples (res);
      for (int i = 0; ok && i < rows; i++)
        ok = rekey_row (self, t, has_estate, res, i, error);
      PQclear (res);
      if (!ok)
        return FALSE;
      if (rows == 0)
        break;
      if (self->crash_after > 0 && ++self->batches >= self->crash_after)
        {
          /* tests: a crash half-way, as kill -9 would make it */
          g_printerr ("rekey: --test-crash-after: killing myself after %u batches\n",
                      self->batches);
          raise (SIGKILL);
        }
    }
  if (!run (self, "CLOSE fd_rekey", 0, NULL, error) ||
      !run (self, "DEALLOCATE fd_rekey_update", 0, NULL, error))
    return FALSE;
  g_print ("rekey: %s: %" G_GINT64_FORMAT " values re-sealed, %" G_GINT64_FORMAT
           " blind indexes recomputed\n", t->table, self->resealed - resealed,
           self->indexes - indexes);
  return TRUE;
}

/* Sign-in failures are kept under a keyed MAC of the name: those of
 * existing accounts carry over, those of unknown names are forgotten. */
static gboolean
rekey_login_failures (RekeyPg  *self,
                      GError  **error)
{
  PGresult *users = query (self, "SELECT username FROM users", 0, NULL, error);
  g_autoptr(GString) moved = g_string_new ("{");
  PGresult *res;
  gint64 n_moved = 0;
  guint dropped;
  gboolean ok = users != NULL;

  for (int i = 0; ok && i < PQntuples (users); i++)
    {
      g_autofree char *from = fd_engine_login_name_mac (self->old_keys, PQgetvalue (users, i, 0));
      g_autofree char *to = fd_engine_login_name_mac (self->new_keys, PQgetvalue (users, i, 0));
      const char *values[] = { from, to };

      res = query (self, "UPDATE login_failures SET name_mac = $2 WHERE name_mac = $1", 2, values,
                   error);
      ok = res != NULL;
      if (ok && g_strcmp0 (PQcmdTuples (res), "0") != 0)
        {
          /* hex digests: nothing to quote in the array literal */
          g_string_append_printf (moved, "%s%s", n_moved > 0 ? "," : "", to);
          n_moved++;
        }
      g_clear_pointer (&res, PQclear);
    }
  g_clear_pointer (&users, PQclear);
  g_string_append_c (moved, '}');
  if (!ok)
    return FALSE;
  {
    const char *values[] = { moved->str };

    res = query (self, "DELETE FROM login_failures WHERE NOT (name_mac = ANY ($1::text[]))", 1,
                 values, error);
  }
  if (res == NULL)
    return FALSE;
  dropped = (guint) g_ascii_strtoull (PQcmdTuples (res), NULL, 10);
  PQclear (res);
  g_print ("rekey: sign-in failures: those of %" G_GINT64_FORMAT " accounts carried over, "
           "those of %u unknown names forgotten\n", n_moved, dropped);
  return TRUE;
}

/* The audit head's keyed anchor, checked under the old key and written
 * under the new one: a rotation never vouches for a head the old key did
 * not. An empty chain has none. */
static gboolean
rekey_audit_anchor (RekeyPg  *self,
                    GError  **error)
{
  PGresult *res = query (self, "SELECT seq, hash, mac FROM audit_head WHERE id = 1 FOR UPDATE",
                         0, NULL, error);
  g_autofree char *old_mac = NULL, *new_mac = NULL, *seq_text = NULL;
  gint64 seq;
  const char *hash;
  gboolean ok;

  if (res == NULL)
    return FALSE;
  if (PQntuples (res) != 1)
    {
      PQclear (res);
      g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL, "audit log: the head row is missing");
      return FALSE;
    }
  seq = g_ascii_strtoll (PQgetvalue (res, 0, 0), NULL, 10);
  hash = PQgetvalue (res, 0, 1);
  if (seq == 0)
    {
      PQclear (res);
      return TRUE;
    }
  old_mac = fd_engine_audit_anchor_mac (self->old_keys, seq, hash);
  if (PQgetisnull (res, 0, 2) || !fd_const_time_equal (old_mac, PQgetvalue (res, 0, 2)))
    {
      PQclear (res);
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                   "The audit log's head does not match its keyed anchor under the current "
                   "key; nothing was changed. Run `frontdesk-server audit verify` and look "
                   "into it before rotating the key (a rotation would anchor it anew)");
      return FALSE;
    }
  new_mac = fd_engine_audit_anchor_mac (self->new_keys, seq, hash);
  PQclear (res);
  {
    const char *values[] = { new_mac };
    ok = run (self, "UPDATE audit_head SET mac = $1 WHERE id = 1", 1, values, error);
  }
  return ok;
}

/* The one transaction. */
static gboolean
rekey_all (RekeyPg     *self,
           const char  *old_check,
           const char  *new_check,
           GError     **error)
{
  g_autofree char *stored = NULL, *summary = NULL;

  if (!run (self, "BEGIN; SET LOCAL lock_timeout = '10s'; "
                  "SELECT set_config ('frontdesk.estate', '*', true)", 0, NULL, error))
    return FALSE;
  /* Every server and command reads the key check value here when it
   * opens the store: from now on they wait, and after COMMIT they read
   * the new one. Then nobody else may be connected. */
  if (!run (self, "LOCK TABLE settings IN ACCESS EXCLUSIVE MODE", 0, NULL, error) ||
      !fd_cli_pg_check_nobody_else (self->conn, "rekey", error))
    goto failed;
  g_print ("rekey: runs with the service stopped: no other frontdesk-server connection is "
           "open, and one made meanwhile waits until this ends\n");
  stored = get_setting (self, "key.check");
  if (stored == NULL || !fd_const_time_equal (stored, old_check))
    {
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG, "The key check value changed meanwhile");
      goto failed;
    }
  if (!run (self, "LOCK TABLE residents, payments, visitors, user_totp, login_failures, "
                  "audit_head IN EXCLUSIVE MODE", 0, NULL, error) ||
      !rekey_audit_anchor (self, error))
    goto failed;
  for (guint t = 0; t < fd_rekey_n_sealed_tables; t++)
    if (!rekey_table (self, &fd_rekey_sealed_tables[t], error))
      goto failed;
  summary = g_strdup_printf ("%" G_GINT64_FORMAT " values re-sealed, %" G_GINT64_FORMAT
                             " blind indexes recomputed, %" G_GINT64_FORMAT " damaged",
                             self->resealed, self->indexes, self->damaged);
  if (!rekey_login_failures (self, error) ||
      !set_setting (self, "key.check", new_check, error) ||
      !set_setting (self, "rekey.pending-audit", summary, error))
    goto failed;
  {
    PGresult *res = PQexec (self->conn, "COMMIT");
    gboolean committed = PQresultStatus (res) == PGRES_COMMAND_OK &&
                         g_strcmp0 (PQcmdStatus (res), "COMMIT") == 0;

    if (!committed)
      failed (self, res, "COMMIT", error);
    PQclear (res);
    if (!committed)
      goto failed;
  }
  return TRUE;

failed:
  PQclear (PQexec (self->conn, "ROLLBACK"));
  return FALSE;
}

int
fd_rekey_pg (FdConfig    *config,
             const char  *new_key,
             guint        crash_after)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *old_check = NULL, *new_check = NULL, *stored = NULL, *kept = NULL;
  g_autofree char *where = fd_store_pg_database_name (config->database);
  gboolean made_key = FALSE, under_new = FALSE;
  RekeyPg self = { .crash_after = crash_after };
  char *password = NULL;
  int rc = EXIT_USAGE;

  if (!fd_crypto_init (&error) ||
      (self.old_keys = fd_keys_load (config->key_file, FALSE, &error)) == NULL)
    goto out;
  old_check = fd_keys_check_value (self.old_keys);
  if (!fd_cli_pg_read_password (config->database_password_file, &password, &error))
    goto out;
  self.conn = fd_pg_connect (config->database, password, &error);
  fd_secret_free (password);
  if (self.conn == NULL || !fd_pg_schema_current (self.conn, &error))
    goto out;

  stored = get_setting (&self, "key.check");
  if (stored == NULL)
    {
      g_set_error (&error, FD_ERROR, FD_ERROR_CONFIG,
                   "The database has no key check value yet: run `frontdesk-server audit "
                   "verify` once, which checks the key and stores it, then rekey");
      goto out;
    }
  if (!fd_const_time_equal (stored, old_check))
    {
      /* After a COMMIT whose key files did not swap: only those are left. */
      if (!g_file_test (new_key, G_FILE_TEST_EXISTS))
        {
          g_set_error (&error, FD_STORE_WRONG_KEY_ERROR, 0,
                       "The data key file %s is not the key of %s (its key check value "
                       "differs), and %s does not exist", config->key_file, where, new_key);
          goto out;
        }
      under_new = TRUE;
    }
  if (!under_new && !check_known_columns (&self, &error))
    goto out;
  if (!under_new && !fd_cli_pg_check_nobody_else (self.conn, "rekey", &error))
    goto out;
  made_key = !under_new && !g_file_test (new_key, G_FILE_TEST_EXISTS);
  /* The same rules as data.key: 64 bytes, 0600, a regular file. */
  if ((self.new_keys = fd_keys_load (new_key, made_key, &error)) == NULL)
    goto out;
  if (made_key)
    g_print ("rekey: made a new key at %s (64 random bytes, mode 0600)\n", new_key);
  new_check = fd_keys_check_value (self.new_keys);
  if (fd_const_time_equal (old_check, new_check))
    {
      g_set_error (&error, FD_ERROR, FD_ERROR_CONFIG, "%s is the current key; give a new one",
                   new_key);
      goto out;
    }
  if (under_new && !fd_const_time_equal (stored, new_check))
    {
      g_set_error (&error, FD_STORE_WRONG_KEY_ERROR, 0, "Neither %s nor %s is the key of %s",
                   config->key_file, new_key, where);
      goto out;
    }

  if (under_new)
    g_print ("rekey: %s is already under the new key (a run before committed); finishing\n",
             where);
  else
    {
      gint64 started = g_get_monotonic_time ();

      g_print ("rekey: re-sealing %s under the new key in one transaction (all or nothing: "
               "until it commits the database stays under %s)\n", where, config->key_file);
      if (!rekey_all (&self, old_check, new_check, &error))
        goto out;
      under_new = TRUE;
      g_print ("rekey: committed in %.1f s: %" G_GINT64_FORMAT " values re-sealed, %"
               G_GINT64_FORMAT " blind indexes recomputed, %" G_GINT64_FORMAT " damaged; the "
               "database is under the new key\n",
               (g_get_monotonic_time () - started) / 1e6, self.resealed, self.indexes,
               self.damaged);
    }
  g_clear_pointer (&self.conn, PQfinish);

  /* Audited before the files move: a run after a crash in between finds
   * the database under the new key and only moves the files. */
  if (!fd_rekey_audit_rotation (config, new_key, &error) ||
      !fd_rekey_swap_key_files (config, new_key, &kept, &error))
    goto out;
  g_print ("rekey: %s is now the new key; the old key is kept as %s\n", config->key_file, kept);
  g_print ("rekey: done. Next: start the service and check `frontdesk-server audit verify`. "
           "Backups (pg_dump) made before now open only with the old key %s: keep it "
           "(offline, apart from them) as long as you keep them, and take a new backup. When "
           "you no longer need it, `frontdesk-server rekey --finish` (same --config) deletes "
           "it\n", kept);
  rc = 0;

out:
  if (rc != 0 && error != NULL)
    g_printerr ("frontdesk-server: %s\n", error->message);
  if (rc != 0 && under_new)
    g_printerr ("frontdesk-server: the database is under the new key: run the same command "
                "again to finish (the server refuses %s until then)\n", config->key_file);
  else if (rc != 0 && self.conn != NULL)
    g_printerr ("frontdesk-server: nothing was changed: the database is still under %s\n",
                config->key_file);
  g_clear_pointer (&self.conn, PQfinish);
  g_clear_pointer (&self.old_keys, fd_keys_free);
  g_clear_pointer (&self.new_keys, fd_keys_free);
  return rc;
}
