/* fd-cli-rekey.c: frontdesk-server rekey — rotate the data key
 *
 * Runs with the service stopped: it holds SQLite's exclusive lock on the
 * database from start to end, so it refuses while a server (or any other
 * command) has the database open, and a server started meanwhile fails.
 *
 * Every sealed column is opened with the current key and sealed again
 * with the new one under the same associated data (TABLE:ROW:COLUMN), and
 * every blind index is recomputed from the clear value, in batches of
 * rows, one transaction each, with the position reached stored in the same
 * transaction (settings rekey.progress). Both keys' check values are
 * stored when it starts (rekey.from, rekey.to) and the key check value is
 * set to "rekey-in-progress", which no key matches: no server starts on a
 * half-rotated database, and a second run with the same two keys goes on
 * from the last committed batch. The last transaction re-keys the sign-in
 * failure names and stores the new key's check value. Then the rotation
 * is audited through the store under the new key (which anchors the audit
 * head with it), and the key files move: data.key is kept as
 * data.key.old-STAMP and the new key takes its name by rename().
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fd-cli.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fd-crypto.h"
#include "fd-error.h"
#include "fd-field.h"
#include "fd-seed.h"
#include "fd-witness.h"

#define EXIT_USAGE 2
#define IN_PROGRESS "rekey-in-progress"

/* Every column sealed or keyed with the data key. A new one must be added
 * here (sealed_tables, or a step of its own like login_failures): rekey
 * refuses a database with a keyed-looking column it does not know
 * (check_known_columns). */
typedef struct
{
  const char *column;
  const char *field;         /* the associated data's third part */
  const char *bidx_column;   /* its blind index, or NULL */
  const char *bidx_domain;
} SealedColumn;

typedef struct
{
  const char  *table;
  const char  *key;          /* the row id in the associated data */
  SealedColumn columns[3];
} SealedTable;

static const SealedTable sealed_tables[] = {
  { "residents", "id", {
      { "phone_enc", "phone", "phone_bidx", "phone" },
      { "id_enc", "id_number", "id_bidx", "id_number" },
      { "address_enc", "home_address", NULL, NULL } } },
  { "payments", "resident_id", {
      { "account_enc", "account", NULL, NULL } } },
  { "visitors", "id", {
      { "phone_enc", "phone", NULL, NULL },
      { "id_enc", "id_number", NULL, NULL } } },
};

typedef struct
{
  sqlite3 *db;
  FdKeys  *old_keys;
  FdKeys  *new_keys;
  guint    batch_size;
  guint    crash_after;     /* tests: SIGKILL after this many batches; 0 = never */
  guint    batches;
  gint64   resealed;
  gint64   indexes;
  gint64   damaged;
} Rekey;

static gboolean
db_failed (Rekey       *self,
           const char  *what,
           GError     **error)
{
  g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL, "%s: %s", what, sqlite3_errmsg (self->db));
  return FALSE;
}

static gboolean
exec (Rekey       *self,
      const char  *sql,
      GError     **error)
{
  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return db_failed (self, sql, error);
  return TRUE;
}

static char *
get_setting (Rekey      *self,
             const char *key)
{
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  if (sqlite3_prepare_v2 (self->db, "SELECT value FROM settings WHERE key = ?", -1, &stmt,
                          NULL) == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
    }
  sqlite3_finalize (stmt);
  return value;
}

static gboolean
set_setting (Rekey       *self,
             const char  *key,
             const char  *value,
             GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (value == NULL)
    rc = sqlite3_prepare_v2 (self->db, "DELETE FROM settings WHERE key = ?1", -1, &stmt, NULL);
  else
    rc = sqlite3_prepare_v2 (self->db, "INSERT INTO settings (key, value) VALUES (?1, ?2) "
                             "ON CONFLICT (key) DO UPDATE SET value = excluded.value", -1,
                             &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
      if (value != NULL)
        sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
    }
  sqlite3_finalize (stmt);
  return rc == SQLITE_OK || db_failed (self, "settings", error);
}

static gboolean
column_is_known (const char *table,
                 const char *column)
{
  if (g_str_equal (table, "login_failures") && g_str_equal (column, "name_mac"))
    return TRUE;
  for (guint t = 0; t < G_N_ELEMENTS (sealed_tables); t++)
    for (guint c = 0; c < G_N_ELEMENTS (sealed_tables[t].columns); c++)
      {
        const SealedColumn *col = &sealed_tables[t].columns[c];

        if (col->column != NULL && g_str_equal (table, sealed_tables[t].table) &&
            (g_str_equal (column, col->column) || g_strcmp0 (column, col->bidx_column) == 0))
          return TRUE;
      }
  return FALSE;
}

/* A column this version does not know how to re-key (one a newer version
 * added) would be left under the old key: refuse before changing anything. */
static gboolean
check_known_columns (Rekey   *self,
                     GError **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok = TRUE;

  if (sqlite3_prepare_v2 (self->db,
                          "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p "
                          "WHERE m.type = 'table'", -1, &stmt, NULL) != SQLITE_OK)
    return db_failed (self, "schema", error);
  while (ok && sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *table = (const char *) sqlite3_column_text (stmt, 0);
      const char *column = (const char *) sqlite3_column_text (stmt, 1);

      if ((g_str_has_suffix (column, "_enc") || g_str_has_suffix (column, "_bidx") ||
           g_str_has_suffix (column, "_mac")) && !column_is_known (table, column))
        {
          g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                       "The column %s.%s looks keyed, and this rekey does not know how to "
                       "re-key it; nothing was changed. Use the frontdesk-server that made "
                       "this database", table, column);
          ok = FALSE;
        }
    }
  sqlite3_finalize (stmt);
  return ok;
}

static char *
short_check (const char *check)
{
  return g_strndup (check, 15);
}

/* Re-seals one value; @clear_out gets the clear text (NULL when the
 * value does not open: it is left as it is and counted as damaged). */
static GBytes *
reseal (Rekey       *self,
        const char  *aad,
        const void  *blob,
        int          len,
        char       **clear_out,
        GError     **error)
{
  char *clear = fd_crypto_open (self->old_keys, blob, len, aad, NULL);
  GBytes *sealed;

  *clear_out = NULL;
  if (clear == NULL)
    {
      /* The table:row:column names no personal data. */
      g_printerr ("warning: the sealed value %s does not open with the current key (damaged "
                  "or altered); it is left as it is\n", aad);
      self->damaged++;
      return g_bytes_new (blob, len);
    }
  sealed = fd_crypto_seal (self->new_keys, clear, aad, error);
  if (sealed == NULL)
    {
      fd_secret_free (clear);
      return NULL;
    }
  self->resealed++;
  *clear_out = clear;
  return sealed;
}

/* One batch of @t after @after: re-sealed, re-indexed, progress stored,
 * committed. *@last gets the last row id done, 0 when none was left. */
static gboolean
rekey_batch (Rekey              *self,
             guint               table_index,
             gint64              after,
             gint64             *last,
             GError            **error)
{
  const SealedTable *t = &sealed_tables[table_index];
  g_autoptr(GString) select = g_string_new ("SELECT ");
  g_autoptr(GString) update = g_string_new ("UPDATE ");
  g_autofree char *progress = NULL;
  sqlite3_stmt *rows = NULL, *write = NULL;
  guint n_cols = 0, param = 1;
  gboolean ok = TRUE;
  int rc = SQLITE_DONE;

  /* SELECT key, col…, bidx… / UPDATE t SET col = ?, bidx = ? … WHERE key = ? */
  g_string_append (select, t->key);
  g_string_append_printf (update, "%s SET ", t->table);
  for (guint c = 0; c < G_N_ELEMENTS (t->columns) && t->columns[c].column != NULL; c++, n_cols++)
    {
      g_string_append_printf (select, ", %s, %s", t->columns[c].column,
                              t->columns[c].bidx_column ? t->columns[c].bidx_column : "NULL");
      g_string_append_printf (update, "%s%s = ?%u", c > 0 ? ", " : "", t->columns[c].column,
                              param++);
      if (t->columns[c].bidx_column != NULL)
        g_string_append_printf (update, ", %s = ?%u", t->columns[c].bidx_column, param++);
    }
  g_string_append_printf (select, " FROM %s WHERE %s > ? ORDER BY %s LIMIT ?", t->table, t->key,
                          t->key);
  g_string_append_printf (update, " WHERE %s = ?%u", t->key, param);

  *last = 0;
  if (!exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  if (sqlite3_prepare_v2 (self->db, select->str, -1, &rows, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (self->db, update->str, -1, &write, NULL) != SQLITE_OK)
    {
      ok = db_failed (self, t->table, error);
      goto out;
    }
  sqlite3_bind_int64 (rows, 1, after);
  sqlite3_bind_int64 (rows, 2, self->batch_size);
  while (ok && (rc = sqlite3_step (rows)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (rows, 0);

      sqlite3_reset (write);
      sqlite3_clear_bindings (write);
      param = 1;
      for (guint c = 0; ok && c < n_cols; c++)
        {
          const SealedColumn *col = &t->columns[c];
          int blob_col = 1 + 2 * c;
          g_autofree char *aad = g_strdup_printf ("%s:%" G_GINT64_FORMAT ":%s", t->table, id,
                                                  col->field);
          g_autoptr(GBytes) sealed = NULL;
          g_autofree char *bidx = NULL;
          char *clear = NULL;

          if (sqlite3_column_type (rows, blob_col) == SQLITE_BLOB)
            {
              sealed = reseal (self, aad, sqlite3_column_blob (rows, blob_col),
                               sqlite3_column_bytes (rows, blob_col), &clear, error);
              ok = sealed != NULL;
            }
          /* An index without a sealed value is the index of "". */
          if (ok && col->bidx_column != NULL &&
              sqlite3_column_type (rows, blob_col + 1) != SQLITE_NULL)
            {
              if (clear != NULL || sealed == NULL)
                bidx = fd_crypto_blind_index (self->new_keys, col->bidx_domain,
                                              clear ? clear : "");
              else
                bidx = g_strdup ((const char *) sqlite3_column_text (rows, blob_col + 1));
              self->indexes += clear != NULL || sealed == NULL;
            }
          fd_secret_free (clear);
          if (sealed != NULL)
            sqlite3_bind_blob (write, param, g_bytes_get_data (sealed, NULL),
                               g_bytes_get_size (sealed), SQLITE_TRANSIENT);
          param++;
          if (col->bidx_column != NULL)
            {
              if (bidx != NULL)
                sqlite3_bind_text (write, param, bidx, -1, SQLITE_TRANSIENT);
              param++;
            }
        }
      sqlite3_bind_int64 (write, param, id);
      if (ok && sqlite3_step (write) != SQLITE_DONE)
        ok = db_failed (self, t->table, error);
      *last = id;
    }
  if (ok && rc != SQLITE_DONE && rc != SQLITE_ROW)
    ok = db_failed (self, t->table, error);
  if (ok && *last != 0)
    {
      g_autofree char *counts = g_strdup_printf ("%" G_GINT64_FORMAT " %" G_GINT64_FORMAT
                                                 " %" G_GINT64_FORMAT, self->resealed,
                                                 self->indexes, self->damaged);

      progress = g_strdup_printf ("%u:%" G_GINT64_FORMAT, table_index, *last);
      ok = set_setting (self, "rekey.progress", progress, error) &&
           set_setting (self, "rekey.counts", counts, error);
    }

out:
  sqlite3_finalize (rows);
  sqlite3_finalize (write);
  if (ok)
    ok = exec (self, "COMMIT", error);
  if (!ok)
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  return ok;
}

static gboolean
rekey_rows (Rekey   *self,
            GError **error)
{
  g_autofree char *progress = get_setting (self, "rekey.progress");
  guint64 table_index = 0;
  gint64 after = 0;

  if (progress != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (progress, ":", 2);
      guint64 n = 0;

      if (g_strv_length (parts) != 2 ||
          !g_ascii_string_to_unsigned (parts[0], 10, 0, G_N_ELEMENTS (sealed_tables),
                                       &table_index, NULL) ||
          !g_ascii_string_to_unsigned (parts[1], 10, 0, G_MAXINT64, &n, NULL))
        {
          g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL, "unreadable rekey.progress setting");
          return FALSE;
        }
      after = n;
      /* the totals of the runs before, committed with their batches */
      {
        g_autofree char *counts = get_setting (self, "rekey.counts");
        if (counts != NULL &&
            sscanf (counts, "%" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT,
                    &self->resealed, &self->indexes, &self->damaged) != 3)
          self->resealed = self->indexes = self->damaged = 0;
      }
      if (after > 0)
        g_print ("rekey: resuming at %s after row %" G_GINT64_FORMAT "\n",
                 sealed_tables[table_index].table, after);
    }

  for (guint t = table_index; t < G_N_ELEMENTS (sealed_tables); t++, after = 0)
    {
      gint64 resealed = self->resealed, indexes = self->indexes, last;

      for (;;)
        {
          if (!rekey_batch (self, t, after, &last, error))
            return FALSE;
          if (last == 0)
            break;
          after = last;
          self->batches++;
          if (self->crash_after > 0 && self->batches >= self->crash_after)
            {
              /* tests: a crash half-way, as kill -9 would make it */
              g_printerr ("rekey: --test-crash-after: killing myself after %u batches\n",
                          self->batches);
              raise (SIGKILL);
            }
        }
      g_print ("rekey: %s: %" G_GINT64_FORMAT " values re-sealed, %" G_GINT64_FORMAT
               " blind indexes recomputed\n", sealed_tables[t].table,
               self->resealed - resealed, self->indexes - indexes);
    }
  return TRUE;
}

static char *
login_name_mac (FdKeys     *keys,
                const char *username)
{
  g_autofree char *data = g_strconcat ("login\x1f", username, NULL);
  return fd_crypto_mac_hex (keys, data, strlen (data));
}

/* Sign-in failures are kept under a keyed MAC of the name: those of
 * existing accounts carry over; those of unknown names cannot be mapped
 * and are forgotten. Part of the last transaction. */
static gboolean
rekey_login_failures (Rekey   *self,
                      GError **error)
{
  sqlite3_stmt *users = NULL, *move = NULL;
  gint64 moved = 0, dropped;
  gboolean ok = TRUE;

  if (!exec (self, "CREATE TEMP TABLE rekey_moved (name_mac TEXT PRIMARY KEY)", error))
    return FALSE;
  if (sqlite3_prepare_v2 (self->db, "SELECT username FROM users", -1, &users, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (self->db, "UPDATE login_failures SET name_mac = ?2 WHERE name_mac = ?1 "
                          "RETURNING name_mac", -1, &move, NULL) != SQLITE_OK)
    ok = db_failed (self, "login_failures", error);
  while (ok && sqlite3_step (users) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (users, 0);
      g_autofree char *from = login_name_mac (self->old_keys, name);
      g_autofree char *to = login_name_mac (self->new_keys, name);
      g_autofree char *remember = NULL;

      sqlite3_reset (move);
      sqlite3_bind_text (move, 1, from, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (move, 2, to, -1, SQLITE_TRANSIENT);
      if (sqlite3_step (move) == SQLITE_ROW)
        {
          moved++;
          remember = g_strdup_printf ("INSERT INTO rekey_moved VALUES ('%s')", to);
          sqlite3_reset (move);
          ok = exec (self, remember, error);
        }
    }
  sqlite3_finalize (users);
  sqlite3_finalize (move);
  if (!ok || !exec (self, "DELETE FROM login_failures WHERE name_mac NOT IN "
                          "(SELECT name_mac FROM rekey_moved)", error))
    return FALSE;
  dropped = sqlite3_changes (self->db);
  if (!exec (self, "DROP TABLE rekey_moved", error))
    return FALSE;
  g_print ("rekey: sign-in failures: those of %" G_GINT64_FORMAT " accounts carried over, "
           "those of %" G_GINT64_FORMAT " unknown names forgotten\n", moved, dropped);
  return TRUE;
}

static gboolean
rekey_finish_rows (Rekey       *self,
                   const char  *new_check,
                   GError     **error)
{
  g_autofree char *summary = NULL;

  summary = g_strdup_printf ("%" G_GINT64_FORMAT " values re-sealed, %" G_GINT64_FORMAT
                             " blind indexes recomputed, %" G_GINT64_FORMAT " damaged",
                             self->resealed, self->indexes, self->damaged);
  if (!exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  if (!rekey_login_failures (self, error) ||
      !set_setting (self, "key.check", new_check, error) ||
      !set_setting (self, "rekey.from", NULL, error) ||
      !set_setting (self, "rekey.to", NULL, error) ||
      !set_setting (self, "rekey.progress", NULL, error) ||
      !set_setting (self, "rekey.counts", NULL, error) ||
      !set_setting (self, "rekey.pending-audit", summary, error) ||
      !exec (self, "COMMIT", error))
    {
      sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }
  return TRUE;
}

/* Under the new key: the audit entry (which anchors the head with the new
 * key) once, and the head witnessed under the new key's fingerprint. */
static gboolean
audit_rotation (FdConfig    *config,
                const char  *new_key,
                GError     **error)
{
  FdKeys *keys = fd_keys_load (new_key, FALSE, error);
  g_autofree char *pending = NULL;
  FdStore *store;
  FdWitness *witness;

  if (keys == NULL)
    return FALSE;
  store = fd_store_sqlite_open (config->db_path, keys, error);
  if (store == NULL)
    return FALSE;
  pending = FD_STORE_CALL (store, get_setting, "rekey.pending-audit");
  if (pending != NULL && *pending != '\0')
    {
      if (!FD_STORE_CALL (store, begin, error) ||
          !fd_seed_audit_cli (store, "rekey", "data-key", pending, error) ||
          !FD_STORE_CALL (store, set_setting, "rekey.pending-audit", "", error) ||
          !FD_STORE_CALL (store, commit, error))
        {
          FD_STORE_CALL0 (store, rollback);
          fd_store_close (store);
          return FALSE;
        }
      g_print ("rekey: audited as \"rekey\" (%s)\n", pending);
    }
  witness = fd_witness_start (store, config->audit_witness, config->db_path, 3600);
  fd_witness_stop (witness);
  fd_store_close (store);
  return TRUE;
}

static gboolean
copy_owner (const char  *from,
            const char  *to,
            GError     **error)
{
  struct stat st;

  if (lstat (from, &st) != 0)
    return TRUE;
  if ((st.st_uid != geteuid () || st.st_gid != getegid ()) &&
      lchown (to, st.st_uid, st.st_gid) != 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "Cannot give %s the owner of %s: %s", to, from, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

/* Copies the 64-byte key @from to the new file @to, mode 0600. */
static gboolean
copy_key_file (const char  *from,
               const char  *to,
               GError     **error)
{
  g_autofree char *contents = NULL;
  gsize len = 0;
  int fd, saved = 0;

  if (!g_file_get_contents (from, &contents, &len, error))
    return FALSE;
  fd = open (to, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0 || write (fd, contents, len) != (ssize_t) len || fsync (fd) != 0)
    saved = errno;
  if (fd >= 0)
    close (fd);
  explicit_bzero (contents, len);
  if (saved != 0 || fd < 0)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "Cannot write %s: %s",
                   to, g_strerror (saved));
      g_unlink (to);
      return FALSE;
    }
  return TRUE;
}

/* data.key → data.key.old-STAMP (a second name, so data.key never
 * disappears), then the new key renamed over data.key. */
static gboolean
swap_key_files (FdConfig    *config,
                const char  *new_key,
                char       **kept,
                GError     **error)
{
  g_autofree char *stamp = fd_cli_timestamp ();
  g_autofree char *staged = g_strconcat (config->key_file, ".new", NULL);
  int saved;

  *kept = g_strdup_printf ("%s.old-%s", config->key_file, stamp);
  if (link (config->key_file, *kept) != 0 && !copy_key_file (config->key_file, *kept, error))
    return FALSE;
  g_unlink (staged);
  if (rename (new_key, config->key_file) == 0)
    {
      fd_cli_sync_parent (config->key_file);
      return copy_owner (*kept, config->key_file, error);
    }
  if (errno != EXDEV)
    goto failed;
  /* Another file system: a copy beside data.key, renamed over it. */
  if (!copy_key_file (new_key, staged, error) || !copy_owner (*kept, staged, error))
    return FALSE;
  if (rename (staged, config->key_file) != 0)
    goto failed;
  fd_cli_sync_parent (config->key_file);
  g_print ("rekey: %s is on another file system and was copied; delete it (shred -u %s)\n",
           new_key, new_key);
  return TRUE;

failed:
  saved = errno;
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
               "Cannot put the new key in place at %s: %s", config->key_file, g_strerror (saved));
  return FALSE;
}

/* rekey --finish: deletes the old keys kept by earlier rotations. */
static int
finish (FdConfig *config)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (config->key_file);
  g_autofree char *prefix = NULL;
  g_autoptr(GDir) d = NULL;
  g_autofree char *detail = NULL;
  FdStore *store;
  const char *name;
  guint removed = 0;

  {
    g_autofree char *base = g_path_get_basename (config->key_file);
    prefix = g_strconcat (base, ".old-", NULL);
  }
  /* Only once the database is under data.key, and no rotation is half-way. */
  store = fd_cli_open_store (config, FALSE, &error);
  if (store == NULL)
    {
      g_printerr ("frontdesk-server: %s\n", error->message);
      return EXIT_USAGE;
    }
  d = g_dir_open (dir, 0, &error);
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      static const guint8 zeros[64];
      struct stat st;
      int fd;

      if (!g_str_has_prefix (name, prefix) || lstat (path, &st) != 0 || !S_ISREG (st.st_mode))
        continue;
      /* Overwrite before unlinking (copy-on-write and flash storage may
       * still keep the old blocks: prefer full-disk encryption). */
      fd = open (path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
      if (fd >= 0)
        {
          if (st.st_nlink == 1 && write (fd, zeros, sizeof zeros) == (ssize_t) sizeof zeros)
            fsync (fd);
          close (fd);
        }
      if (g_unlink (path) != 0)
        {
          int saved = errno;
          g_printerr ("frontdesk-server: cannot delete %s: %s\n", path, g_strerror (saved));
          fd_store_close (store);
          return EXIT_USAGE;
        }
      g_print ("rekey: deleted the old key %s\n", path);
      removed++;
    }
  if (removed == 0)
    {
      g_print ("rekey: no old key (%s*) to delete\n", prefix);
      fd_store_close (store);
      return 0;
    }
  fd_cli_sync_parent (config->key_file);
  detail = g_strdup_printf ("old data key deleted (%u file%s)", removed, removed == 1 ? "" : "s");
  if (!fd_seed_audit_cli (store, "rekey", "data-key", detail, &error))
    {
      g_printerr ("frontdesk-server: %s\n", error->message);
      fd_store_close (store);
      return EXIT_USAGE;
    }
  fd_store_close (store);
  g_print ("rekey: backups made before the rotation can no longer be read\n");
  return 0;
}

/* What the database says about a rotation. */
typedef enum
{
  STATE_UNDER_OLD,        /* nothing started: under data.key */
  STATE_IN_PROGRESS,      /* rows half-way */
  STATE_UNDER_NEW,        /* rows done; the key files are still to swap */
} RekeyState;

static gboolean
read_state (Rekey       *self,
            const char  *old_check,
            const char  *new_key,
            RekeyState  *state,
            GError     **error)
{
  g_autofree char *stored = get_setting (self, "key.check");

  if (stored != NULL && g_str_equal (stored, IN_PROGRESS))
    {
      g_autofree char *from = get_setting (self, "rekey.from");

      *state = STATE_IN_PROGRESS;
      if (from == NULL || !fd_const_time_equal (from, old_check))
        {
          g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                       "A rotation is half-way, and it started from another key than the "
                       "current data key file: put back the key file it started from");
          return FALSE;
        }
      return TRUE;
    }
  if (stored != NULL && fd_const_time_equal (stored, old_check))
    {
      *state = STATE_UNDER_OLD;
      return TRUE;
    }
  *state = STATE_UNDER_NEW;
  if (stored == NULL)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                   "The database has no key check value yet (made by an older version): run "
                   "`frontdesk-server audit verify` once with this version, which checks the "
                   "key and stores it, then rekey");
      return FALSE;
    }
  if (!g_file_test (new_key, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, FD_STORE_WRONG_KEY_ERROR, 0,
                   "The data key file is not the key of this database (its key check value "
                   "differs), and no rotation to %s is half-way", new_key);
      return FALSE;
    }
  return TRUE;
}

int
fd_cli_rekey (int    argc,
              char **argv)
{
  g_autoptr(FdConfig) config = fd_config_new_defaults ();
  g_autoptr(GError) error = NULL;
  g_autofree char *new_key = NULL;
  g_autofree char *old_check = NULL, *new_check = NULL, *kept = NULL;
  g_autofree char *old_short = NULL, *new_short = NULL;
  gboolean do_finish = FALSE, made_key = FALSE;
  gint batch_size = 500, crash_after = 0;
  RekeyState state = STATE_UNDER_OLD;
  Rekey self = { 0 };
  int rc;
  GOptionEntry options[] = {
    { "new-key", 0, 0, G_OPTION_ARG_FILENAME, &new_key,
      "The new key file (made when missing)", "PATH" },
    { "finish", 0, 0, G_OPTION_ARG_NONE, &do_finish, "Delete the old keys kept by a rotation",
      NULL },
    /* tests: small batches, and (not in release builds) a crash half-way */
    { "batch-size", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT, &batch_size, NULL, "N" },
#if !FD_RELEASE
    { "test-crash-after", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT, &crash_after, NULL, "N" },
#endif
    { NULL }
  };

  rc = fd_cli_begin ("- re-seal the database under a new key", options, TRUE, argc, argv, config);
  if (rc >= 0)
    return rc;
  rc = EXIT_USAGE;
  if ((new_key == NULL) == !do_finish)
    return fd_cli_usage_error ("rekey needs --new-key PATH, or --finish");
  if (batch_size < 1 || batch_size > 100000 || crash_after < 0)
    return fd_cli_usage_error ("--batch-size must be from 1 to 100000");
  if (do_finish)
    return finish (config);

  self.batch_size = batch_size;
  self.crash_after = crash_after;
  self.old_keys = fd_keys_load (config->key_file, FALSE, &error);
  if (self.old_keys == NULL)
    goto failed;
  old_check = fd_keys_check_value (self.old_keys);

  /* Stopped service: held to the end; a server started meanwhile fails. */
  self.db = fd_cli_lock_database (config->db_path, &error);
  if (self.db == NULL)
    goto failed;
  g_print ("rekey: runs with the service stopped: no server has the database open, and "
           "SQLite's exclusive lock keeps one from opening it until this ends\n");
  if (!exec (&self, "PRAGMA synchronous = FULL", &error) ||
      !read_state (&self, old_check, new_key, &state, &error))
    goto failed;

  /* Before anything is made or changed. */
  if (state == STATE_UNDER_OLD && !check_known_columns (&self, &error))
    goto failed;
  if (state == STATE_UNDER_OLD && !g_file_test (new_key, G_FILE_TEST_EXISTS))
    made_key = TRUE;
  /* The same rules as data.key: 64 bytes, 0600, a regular file. */
  self.new_keys = fd_keys_load (new_key, made_key, &error);
  if (self.new_keys == NULL)
    goto failed;
  if (made_key)
    g_print ("rekey: made a new key at %s (64 random bytes, mode 0600)\n", new_key);
  new_check = fd_keys_check_value (self.new_keys);
  old_short = short_check (old_check);
  new_short = short_check (new_check);
  if (fd_const_time_equal (old_check, new_check))
    {
      g_printerr ("frontdesk-server: %s is the current key; give a new one\n", new_key);
      goto failed;
    }

  if (state == STATE_UNDER_OLD)
    {
      if (!exec (&self, "BEGIN IMMEDIATE", &error) ||
          !set_setting (&self, "rekey.from", old_check, &error) ||
          !set_setting (&self, "rekey.to", new_check, &error) ||
          !set_setting (&self, "rekey.progress", "0:0", &error) ||
          !set_setting (&self, "key.check", IN_PROGRESS, &error) ||
          !exec (&self, "COMMIT", &error))
        {
          sqlite3_exec (self.db, "ROLLBACK", NULL, NULL, NULL);
          goto failed;
        }
      g_print ("rekey: started, from the key with check value %s… to %s…; until it ends "
               "the server refuses this database, and running this command again goes on\n",
               old_short, new_short);
      state = STATE_IN_PROGRESS;
    }
  else if (state == STATE_IN_PROGRESS)
    {
      g_autofree char *to = get_setting (&self, "rekey.to");

      if (to == NULL || !fd_const_time_equal (to, new_check))
        {
          g_printerr ("frontdesk-server: a rotation to another key than %s is half-way; "
                      "give the new key it started with\n", new_key);
          goto failed;
        }
      g_print ("rekey: going on with the rotation to %s… a run before did not finish\n",
               new_short);
    }
  else
    {
      g_autofree char *stored = get_setting (&self, "key.check");

      if (stored == NULL || !fd_const_time_equal (stored, new_check))
        {
          g_printerr ("frontdesk-server: neither %s nor %s is the key of %s\n",
                      config->key_file, new_key, config->db_path);
          goto failed;
        }
      g_print ("rekey: the database is already under the new key; finishing\n");
    }

  if (state == STATE_IN_PROGRESS &&
      (!rekey_rows (&self, &error) || !rekey_finish_rows (&self, new_check, &error)))
    goto failed;
  if (state == STATE_IN_PROGRESS)
    g_print ("rekey: the database is under the new key (key check value %s…)\n", new_short);
  sqlite3_close_v2 (g_steal_pointer (&self.db));

  /* Audited before the files move: a run after a crash in between finds
   * the database under the new key and only moves the files. */
  if (!audit_rotation (config, new_key, &error) ||
      !swap_key_files (config, new_key, &kept, &error))
    goto failed;
  g_print ("rekey: %s is now the new key; the old key is kept as %s\n", config->key_file, kept);

  g_print ("rekey: done. Next: start the service and check `frontdesk-server audit verify`. "
           "Backups made before now open only with the old key %s: keep it (offline, apart "
           "from them) as long as you keep them, and take a new backup. When you no longer "
           "need it, `frontdesk-server rekey --finish` (same --config or --data-dir) deletes "
           "it\n", kept);
  rc = 0;

failed:
  if (rc != 0 && error != NULL)
    g_printerr ("frontdesk-server: %s\n", error->message);
  if (rc != 0 && self.db != NULL && state == STATE_IN_PROGRESS)
    g_printerr ("frontdesk-server: the rotation is half-way: fix the cause and run the same "
                "command again to go on (the server refuses the database until then)\n");
  sqlite3_close_v2 (self.db);
  g_clear_pointer (&self.old_keys, fd_keys_free);
  g_clear_pointer (&self.new_keys, fd_keys_free);
  return rc;
}
