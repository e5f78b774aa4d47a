/* SPDX-License-Identifier: GPL-3.0-or-later */
/* rekey's column walk: every sealed value re-sealed and every blind index recomputed, in batches. */

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "fd-crypto.h"
#include "fd-error.h"
#include "fd-field.h"
#include "fd-cli-rekey-private.h"

/* Every column sealed or keyed with the data key. A new one must be added
 * here (fd_rekey_sealed_tables, or a step of its own like login_failures):
 * rekey refuses a database with a keyed-looking column it does not know
 * (check_known_columns). The PostgreSQL rekey (fd-cli-rekey-pg.c) walks
 * the same list. */
const SealedTable fd_rekey_sealed_tables[] = {
  { "residents", "id", {
      { "phone_enc", "phone", "phone_bidx", "phone" },
      { "id_enc", "id_number", "id_bidx", "id_number" },
      { "address_enc", "home_address", NULL, NULL } } },
  { "payments", "resident_id", {
      { "account_enc", "account", NULL, NULL } } },
  { "visitors", "id", {
      { "phone_enc", "phone", NULL, NULL },
      { "id_enc", "id_number", NULL, NULL } } },
  /* issue 15: TOTP secrets (recovery codes are keyed by the secret itself) */
  { "user_totp", "user_id", {
      { "secret_enc", "secret", NULL, NULL } } },
};

const guint fd_rekey_n_sealed_tables = G_N_ELEMENTS (fd_rekey_sealed_tables);

gboolean
fd_rekey_column_is_known (const char *table,
                 const char *column)
{
  if (g_str_equal (table, "login_failures") && g_str_equal (column, "name_mac"))
    return TRUE;
  for (guint t = 0; t < G_N_ELEMENTS (fd_rekey_sealed_tables); t++)
    for (guint c = 0; c < G_N_ELEMENTS (fd_rekey_sealed_tables[t].columns); c++)
      {
        const SealedColumn *col = &fd_rekey_sealed_tables[t].columns[c];

        if (col->column != NULL && g_str_equal (table, fd_rekey_sealed_tables[t].table) &&
            (g_str_equal (column, col->column) || g_strcmp0 (column, col->bidx_column) == 0))
          return TRUE;
      }
  return FALSE;
}

/* A column this version does not know how to re-key (one a newer version
 * added) would be left under the old key: refuse before changing anything. */
gboolean
fd_rekey_check_known_columns (Rekey   *self,
                              GError **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok = TRUE;

  if (sqlite3_prepare_v2 (self->db,
                          "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p "
                          "WHERE m.type = 'table'", -1, &stmt, NULL) != SQLITE_OK)
    return fd_rekey_db_failed (self, "schema", error);
  while (ok && sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *table = (const char *) sqlite3_column_text (stmt, 0);
      const char *column = (const char *) sqlite3_column_text (stmt, 1);

      if ((g_str_has_suffix (column, "_enc") || g_str_has_suffix (column, "_bidx") ||
           g_str_has_suffix (column, "_mac")) && !fd_rekey_column_is_known (table, column))
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
  const SealedTable *t = &fd_rekey_sealed_tables[table_index];
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
  if (!fd_rekey_exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  if (sqlite3_prepare_v2 (self->db, select->str, -1, &rows, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (self->db, update->str, -1, &write, NULL) != SQLITE_OK)
    {
      ok = fd_rekey_db_failed (self, t->table, error);
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
        ok = fd_rekey_db_failed (self, t->table, error);
      *last = id;
    }
  if (ok && rc != SQLITE_DONE && rc != SQLITE_ROW)
    ok = fd_rekey_db_failed (self, t->table, error);
  if (ok && *last != 0)
    {
      g_autofree char *counts = g_strdup_printf ("%" G_GINT64_FORMAT " %" G_GINT64_FORMAT
                                                 " %" G_GINT64_FORMAT, self->resealed,
                                                 self->indexes, self->damaged);

      progress = g_strdup_printf ("%u:%" G_GINT64_FORMAT, table_index, *last);
      ok = fd_rekey_set_setting (self, "rekey.progress", progress, error) &&
           fd_rekey_set_setting (self, "rekey.counts", counts, error);
    }

out:
  sqlite3_finalize (rows);
  sqlite3_finalize (write);
  if (ok)
    ok = fd_rekey_exec (self, "COMMIT", error);
  if (!ok)
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  return ok;
}

gboolean
fd_rekey_rows (Rekey   *self,
               GError **error)
{
  g_autofree char *progress = fd_rekey_get_setting (self, "rekey.progress");
  guint64 table_index = 0;
  gint64 after = 0;

  if (progress != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (progress, ":", 2);
      guint64 n = 0;

      if (g_strv_length (parts) != 2 ||
          !g_ascii_string_to_unsigned (parts[0], 10, 0, G_N_ELEMENTS (fd_rekey_sealed_tables),
                                       &table_index, NULL) ||
          !g_ascii_string_to_unsigned (parts[1], 10, 0, G_MAXINT64, &n, NULL))
        {
          g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL, "unreadable rekey.progress setting");
          return FALSE;
        }
      after = n;
      /* the totals of the runs before, committed with their batches */
      {
        g_autofree char *counts = fd_rekey_get_setting (self, "rekey.counts");
        if (counts != NULL &&
            sscanf (counts, "%" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT,
                    &self->resealed, &self->indexes, &self->damaged) != 3)
          self->resealed = self->indexes = self->damaged = 0;
      }
      if (after > 0)
        g_print ("rekey: resuming at %s after row %" G_GINT64_FORMAT "\n",
                 fd_rekey_sealed_tables[table_index].table, after);
    }

  for (guint t = table_index; t < G_N_ELEMENTS (fd_rekey_sealed_tables); t++, after = 0)
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
               " blind indexes recomputed\n", fd_rekey_sealed_tables[t].table,
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

  if (!fd_rekey_exec (self, "CREATE TEMP TABLE rekey_moved (name_mac TEXT PRIMARY KEY)", error))
    return FALSE;
  if (sqlite3_prepare_v2 (self->db, "SELECT username FROM users", -1, &users, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (self->db, "UPDATE login_failures SET name_mac = ?2 WHERE name_mac = ?1 "
                          "RETURNING name_mac", -1, &move, NULL) != SQLITE_OK)
    ok = fd_rekey_db_failed (self, "login_failures", error);
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
          ok = fd_rekey_exec (self, remember, error);
        }
    }
  sqlite3_finalize (users);
  sqlite3_finalize (move);
  if (!ok || !fd_rekey_exec (self, "DELETE FROM login_failures WHERE name_mac NOT IN "
                          "(SELECT name_mac FROM rekey_moved)", error))
    return FALSE;
  dropped = sqlite3_changes (self->db);
  if (!fd_rekey_exec (self, "DROP TABLE rekey_moved", error))
    return FALSE;
  g_print ("rekey: sign-in failures: those of %" G_GINT64_FORMAT " accounts carried over, "
           "those of %" G_GINT64_FORMAT " unknown names forgotten\n", moved, dropped);
  return TRUE;
}

gboolean
fd_rekey_finish_rows (Rekey       *self,
                      const char  *new_check,
                      GError     **error)
{
  g_autofree char *summary = NULL;

  summary = g_strdup_printf ("%" G_GINT64_FORMAT " values re-sealed, %" G_GINT64_FORMAT
                             " blind indexes recomputed, %" G_GINT64_FORMAT " damaged",
                             self->resealed, self->indexes, self->damaged);
  if (!fd_rekey_exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  if (!rekey_login_failures (self, error) ||
      !fd_rekey_set_setting (self, "key.check", new_check, error) ||
      !fd_rekey_set_setting (self, "rekey.from", NULL, error) ||
      !fd_rekey_set_setting (self, "rekey.to", NULL, error) ||
      !fd_rekey_set_setting (self, "rekey.progress", NULL, error) ||
      !fd_rekey_set_setting (self, "rekey.counts", NULL, error) ||
      !fd_rekey_set_setting (self, "rekey.pending-audit", summary, error) ||
      !fd_rekey_exec (self, "COMMIT", error))
    {
      sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }
  return TRUE;
}
