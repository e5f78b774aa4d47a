/* SPDX-License-Identifier: GPL-3.0-or-later */
/* move-store: an office's SQLite database into the company's PostgreSQL as one estate (issue 16). */

#include "config.h"

#include <string.h>

#include "fd-cli-move-store-private.h"
#include "fd-cli.h"
#include "fd-error.h"
#include "fd-estates.h"
#include "fd-field.h"
#include "fd-policy.h"
#include "fd-seed.h"
#include "fd-store-pg-move.h"

/* `frontdesk-server move-store --config FILE --from-data-dir DIR --estate CODE`
 *
 * The office (DIR: its database and its key file) must be stopped: the
 * move holds SQLite's exclusive lock on it from start to end, after
 * checking it (integrity, key, audit chain). The target is the
 * configured PostgreSQL; the estate CODE is made when absent.
 *
 * Keys: every sealed value is opened with the office's key and sealed
 * again under the company's, because its associated data names its row
 * ("residents:ID:phone") and rows get new ids in the company's sequences;
 * blind indexes are computed again under the company's index key. So the
 * office and the company need not share a key, and the office's key file
 * is only read (it is needed for the move and for opening the office's
 * backups, nothing else).
 *
 * Accounts: an office account whose name the company does not use is
 * created with its password hash, its second factor (the secret sealed
 * again; recovery codes are keyed by the secret and move as they are) and
 * the new estate only — an office's admin or auditor, who held every
 * estate of the office, holds only this estate in the company, never the
 * company. A name the company already uses is refused (before anything is
 * written) unless the command says how to settle it: --merge-accounts
 * takes a manager, auditor or admin of the same name and role to be the
 * same person (the company account, its password and second factor, gains
 * the estate, unless it is company-wide already) — never a desk account,
 * which holds one estate; --account-suffix S moves the others as NAME+S.
 * Nothing merges by default: a name alone is no proof of a person, and a
 * merge grants the company account the office's residents. Sessions,
 * lockouts, limit counters, reviews and alert deliveries stay behind: they
 * are the office's running state, not its records.
 *
 * The office's audit chain moves as the estate's prior history with its
 * own seqs and hashes (audit_imported), anchored by one "store-move" entry
 * in the company chain (fd-store-pg-move.h).
 *
 * Resumable: each batch is one transaction with the move's progress
 * (store_moves) written in it; a rerun with the same arguments continues
 * after the last committed batch. A finished move is refused: the
 * estate already holds the office. */

#define DEFAULT_BATCH 500

static const char * const stages[] = {
  "users", "rooms", "residents", "visitors", "alerts", "audit", "finish", NULL
};

gboolean
fd_move_failed (Move        *m,
                GError     **error,
                const char  *what)
{
  g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL, "the office's database: %s: %s", what,
               sqlite3_errmsg (m->db));
  return FALSE;
}

sqlite3_stmt *
fd_move_prepare (Move        *m,
                 const char  *sql,
                 GError     **error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (m->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      fd_move_failed (m, error, "cannot read");
      return NULL;
    }
  return stmt;
}

char *
fd_move_col_text (sqlite3_stmt *stmt,
                  int           col)
{
  const unsigned char *text = sqlite3_column_text (stmt, col);

  return text != NULL ? g_strdup ((const char *) text) : NULL;
}

/* Opens a sealed column of the office with its key; NULL for SQL NULL. */
gboolean
fd_move_col_open (Move          *m,
                  sqlite3_stmt  *stmt,
                  int            col,
                  const char    *table,
                  gint64         id,
                  const char    *column,
                  char         **clear,
                  GError       **error)
{
  g_autofree char *aad = g_strdup_printf ("%s:%" G_GINT64_FORMAT ":%s", table, id, column);
  const void *blob = sqlite3_column_blob (stmt, col);

  *clear = NULL;
  if (blob == NULL)
    return TRUE;
  *clear = fd_crypto_open (m->keys, blob, sqlite3_column_bytes (stmt, col), aad, error);
  return *clear != NULL;
}

/* One transaction on the company's database: @fn, then the progress. */
static gboolean
in_tx (Move      *m,
       gboolean (*fn) (Move *m, gint64 *last_id, gboolean *stage_done, GError **error),
       gboolean  *stage_done,
       GError   **error)
{
  gint64 last_id = m->move.last_id;
  const char *stage = m->move.stage;
  gboolean ok;

  *stage_done = FALSE;
  ok = FD_STORE_CALL (m->store, begin, error) && fn (m, &last_id, stage_done, error);
  if (ok && *stage_done)
    {
      guint i = 0;

      while (stages[i] != NULL && !g_str_equal (stages[i], stage))
        i++;
      stage = stages[i + 1];
      last_id = 0;
    }
  ok = ok && fd_pg_move_progress (m->store, &m->move, stage, last_id, error) &&
       FD_STORE_CALL (m->store, commit, error);
  if (!ok)
    FD_STORE_CALL0 (m->store, rollback);
  return ok;
}

/* The office chain's length and head hash: what the anchor names. */
static gboolean
office_head (Move     *m,
             gint64   *seq,
             char    **hash,
             GError  **error)
{
  sqlite3_stmt *stmt = fd_move_prepare (m, "SELECT seq, hash FROM audit_log ORDER BY seq DESC "
                                          "LIMIT 1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  *seq = 0;
  *hash = g_strdup ("0000000000000000000000000000000000000000000000000000000000000000");
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *seq = sqlite3_column_int64 (stmt, 0);
      g_free (*hash);
      *hash = fd_move_col_text (stmt, 1);
    }
  sqlite3_finalize (stmt);
  return rc == SQLITE_ROW || rc == SQLITE_DONE || fd_move_failed (m, error, "audit log");
}

static gboolean
finish (Move      *m,
        gint64    *last_id,
        gboolean  *done,
        GError   **error)
{
  FdAuditEntry entry = { 0 };
  g_autofree char *hash = NULL;
  gint64 seq = 0;
  gboolean ok;

  if (!office_head (m, &seq, &hash, error))
    return FALSE;
  entry.at = fd_time_format_rfc3339 (g_get_real_time ());
  entry.actor = g_strdup ("(command line)");
  entry.role = g_strdup ("admin");
  entry.workstation = g_strdup (g_get_host_name ());
  entry.action = g_strdup ("store-move");
  entry.target = g_strdup_printf ("estate %s", m->code);
  entry.reason_text = g_strdup_printf (FD_PG_MOVE_ANCHOR_FORMAT, seq, hash);
  entry.outcome = g_strdup ("allowed");
  entry.estate_id = m->move.estate_id;
  ok = FD_STORE_CALL (m->store, audit_append, &entry, error) &&
       fd_pg_move_finish (m->store, &m->move, error);
  fd_audit_entry_clear (&entry);
  *last_id = 0;
  *done = FALSE;     /* the move is marked done; no stage follows */
  return ok;
}

static gboolean
run_stages (Move     *m,
            GError  **error)
{
  static const struct
  {
    const char *stage;
    gboolean  (*fn) (Move *m, gint64 *last_id, gboolean *done, GError **error);
  } steps[] = {
    { "users", fd_move_copy_users },
    { "rooms", fd_move_copy_rooms },
    { "residents", fd_move_copy_residents },
    { "visitors", fd_move_copy_visitors },
    { "alerts", fd_move_copy_alerts },
    { "audit", fd_move_copy_audit },
  };

  for (guint s = 0; s < G_N_ELEMENTS (steps); s++)
    {
      gboolean done = FALSE;

      if (!g_str_equal (m->move.stage, steps[s].stage))
        continue;
      m->copied = 0;
      while (!done)
        {
          if (!in_tx (m, steps[s].fn, &done, error))
            return FALSE;
        }
      g_print ("move-store: %s copied (%" G_GINT64_FORMAT " in this run)\n", steps[s].stage,
               m->copied);
    }
  if (g_str_equal (m->move.stage, "finish"))
    {
      gboolean done;

      if (!FD_STORE_CALL (m->store, begin, error))
        return FALSE;
      if (!finish (m, &m->move.last_id, &done, error) ||
          !FD_STORE_CALL (m->store, commit, error))
        {
          FD_STORE_CALL0 (m->store, rollback);
          return FALSE;
        }
      return TRUE;
    }
  g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL, "move-store: unknown stage %s",
               m->move.stage);
  return FALSE;
}

/* The office's one estate (id, name): a move takes a one-estate office. */
static gboolean
office_estate (Move     *m,
               char    **name,
               GError  **error)
{
  sqlite3_stmt *stmt = fd_move_prepare (m, "SELECT id, name, (SELECT count(*) FROM estates) "
                                          "FROM estates ORDER BY id LIMIT 1", error);
  gint64 n = 0;

  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      m->office_estate = sqlite3_column_int64 (stmt, 0);
      *name = fd_move_col_text (stmt, 1);
      n = sqlite3_column_int64 (stmt, 2);
    }
  sqlite3_finalize (stmt);
  if (n != 1)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                   "The office has %" G_GINT64_FORMAT " estates: move-store moves an office "
                   "of one estate", n);
      return FALSE;
    }
  return TRUE;
}

/* What identifies the office being moved, so that a rerun continues only
 * the move of the same office as it was: its key's check value (which
 * says nothing of the key) and its audit chain's head. */
static char *
office_source (Move     *m,
               GError  **error)
{
  g_autofree char *check = fd_keys_check_value (m->keys);
  g_autofree char *hash = NULL, *text = NULL;
  gint64 seq;

  if (!office_head (m, &seq, &hash, error))
    return NULL;
  text = g_strdup_printf ("%s:%" G_GINT64_FORMAT ":%s", check, seq, hash);
  return fd_sha256_hex (text, strlen (text));
}

static int
fail (const char *what,
      GError     *error)
{
  g_printerr ("frontdesk-server: move-store: %s%s\n", what, error != NULL ? error->message : "");
  return FD_CLI_EXIT_USAGE;
}

int
fd_cli_move_store (int    argc,
                   char **argv)
{
  g_autoptr(FdConfig) config = fd_config_new_defaults ();
  g_autoptr(FdConfig) office = fd_config_new_defaults ();
  g_autoptr(GOptionContext) ctx = g_option_context_new ("");
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = NULL, *config_file = NULL, *from = NULL, *code = NULL;
  g_autofree char *name = NULL, *office_name = NULL, *source = NULL, *suffix = NULL;
  gint batch = DEFAULT_BATCH;
  gint64 entries = 0;
  Move m = { 0 };
  int rc = 0;
  GOptionEntry entries_[] = {
    { "config", 0, 0, G_OPTION_ARG_FILENAME, &config_file, "The company's configuration", "FILE" },
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, "The company's data directory", "DIR" },
    { "from-data-dir", 0, 0, G_OPTION_ARG_FILENAME, &from, "The office's data directory", "DIR" },
    { "estate", 0, 0, G_OPTION_ARG_STRING, &code, "The estate the office becomes", "CODE" },
    { "estate-name", 0, 0, G_OPTION_ARG_STRING, &name, "Its name (default: the office's)",
      "NAME" },
    { "merge-accounts", 0, 0, G_OPTION_ARG_NONE, &m.merge,
      "A manager, auditor or admin of the same name and role is the same person", NULL },
    { "account-suffix", 0, 0, G_OPTION_ARG_STRING, &suffix,
      "Move office accounts whose name the company uses as NAME+SUFFIX", "SUFFIX" },
    { "batch", 0, 0, G_OPTION_ARG_INT, &batch, "Rows per transaction (default 500)", "N" },
    { NULL }
  };

  g_option_context_add_main_entries (ctx, entries_, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return fd_cli_usage_error (error->message);
  if (argc != 1 || from == NULL || code == NULL)
    return fd_cli_usage_error ("move-store needs --config FILE --from-data-dir DIR --estate CODE");
  if (!fd_estate_code_valid (code))
    return fd_cli_usage_error ("an estate code is 1-32 lower-case letters, digits or '-'");
  if (batch < 1 || batch > 100000)
    return fd_cli_usage_error ("--batch is 1 to 100000");
  if (!fd_cli_load_config (config_file, data_dir, config, &error))
    return fd_cli_usage_error (error->message);
  if (!fd_config_is_postgresql (config))
    return fd_cli_usage_error ("move-store moves an office into PostgreSQL: the configuration "
                               "must say store = postgresql");
  if (!fd_cli_load_config (NULL, from, office, &error))
    return fail ("the office: ", error);
  fd_config_resolve_paths (office);
  if (fd_config_is_postgresql (office))
    return fd_cli_usage_error ("--from-data-dir must hold an office's SQLite database");
  if (!g_file_test (office->db_path, G_FILE_TEST_EXISTS))
    {
      g_printerr ("frontdesk-server: move-store: no office database at %s\n", office->db_path);
      return FD_CLI_EXIT_USAGE;
    }

  /* the office: sound, its key its own, its chain whole; then held */
  if (!fd_crypto_init (&error) ||
      !fd_cli_verify_database (office->db_path, office->key_file, &entries, &error))
    return fail ("the office does not check out, nothing moved: ", error);
  m.db = fd_cli_lock_database (office->db_path, &error);
  if (m.db == NULL)
    return fail ("", error);
  m.keys = fd_keys_load (office->key_file, FALSE, &error);
  m.code = code;
  m.batch = (guint) batch;
  m.suffix = suffix;
  if (m.keys == NULL || !office_estate (&m, &office_name, &error) ||
      (source = office_source (&m, &error)) == NULL)
    {
      rc = fail ("", error);
      goto out;
    }

  m.store = fd_cli_open_store (config, FALSE, &error);
  if (m.store == NULL)
    {
      rc = fail ("the company's database: ", error);
      goto out;
    }
  if (!g_str_equal (m.store->backend->name, "postgresql"))
    {
      rc = fd_cli_usage_error ("the configured store is not PostgreSQL");
      goto out;
    }
  if (!fd_pg_move_lock (m.store, &error) ||
      !fd_pg_move_start (m.store, code, name != NULL ? name : office_name, source,
                         fd_move_check_accounts, &m, &m.move, &error))
    {
      rc = fail ("refused, nothing moved: ", error);
      goto out;
    }
  g_print ("move-store: %s the office %s into estate %s (%" G_GINT64_FORMAT
           " audit entries verified)\n", m.move.resumed ? "continuing the move of" : "moving",
           from, code, entries);
  /* every write of the move is the estate's (row-level security too) */
  fd_store_set_scope (m.store, m.move.estate_id);
  if (!run_stages (&m, &error))
    {
      rc = fail ("stopped (run the same command again to continue): ", error);
      goto out;
    }
  g_print ("move-store: done: estate %s holds the office (this run: %u accounts created, %u "
           "merged into company accounts of the same name and role); the office's audit chain "
           "is the estate's prior history, anchored in the company chain\n", code,
           m.created_users, m.merged_users);

out:
  if (m.store != NULL)
    fd_store_close (m.store);
  if (m.db != NULL)
    sqlite3_close_v2 (m.db);
  g_clear_pointer (&m.keys, fd_keys_free);
  fd_pg_move_clear (&m.move);
  return rc;
}
