/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The rekey command: rotates the data key over every sealed column. */

/* fd-cli-rekey.c: frontdesk-server rekey — rotate the data key. This file
 * holds the command and the rotation's state and progress in the
 * settings; fd-cli-rekey-columns.c walks the columns, fd-cli-rekey-keys.c
 * moves the key files.
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
 * On PostgreSQL the rows are re-keyed in one transaction instead
 * (fd-cli-rekey-pg.c); the audit and the key files are the same.
 */

#include "config.h"

#include "fd-cli.h"

#include <string.h>

#include "fd-cli-pg.h"
#include "fd-cli-rekey-private.h"
#include "fd-crypto.h"
#include "fd-error.h"

#define EXIT_USAGE 2

gboolean
fd_rekey_db_failed (Rekey       *self,
                    const char  *what,
                    GError     **error)
{
  g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL, "%s: %s", what, sqlite3_errmsg (self->db));
  return FALSE;
}

gboolean
fd_rekey_exec (Rekey       *self,
               const char  *sql,
               GError     **error)
{
  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return fd_rekey_db_failed (self, sql, error);
  return TRUE;
}

char *
fd_rekey_get_setting (Rekey      *self,
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

gboolean
fd_rekey_set_setting (Rekey       *self,
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
  return rc == SQLITE_OK || fd_rekey_db_failed (self, "settings", error);
}

static char *
short_check (const char *check)
{
  return g_strndup (check, 15);
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
  g_autofree char *stored = fd_rekey_get_setting (self, "key.check");

  if (stored != NULL && g_str_equal (stored, IN_PROGRESS))
    {
      g_autofree char *from = fd_rekey_get_setting (self, "rekey.from");

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

  rc = fd_cli_begin_any_engine ("- re-seal the database under a new key", options, argc, argv,
                                config);
  if (rc >= 0)
    return rc;
  rc = EXIT_USAGE;
  if ((new_key == NULL) == !do_finish)
    return fd_cli_usage_error ("rekey needs --new-key PATH, or --finish");
  if (batch_size < 1 || batch_size > 100000 || crash_after < 0)
    return fd_cli_usage_error ("--batch-size must be from 1 to 100000");
  if (do_finish)
    return fd_rekey_finish (config);
  /* one transaction there: no batches to resume (fd-cli-rekey-pg.c) */
  if (fd_config_is_postgresql (config))
    return fd_rekey_pg (config, new_key, crash_after);

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
  if (!fd_rekey_exec (&self, "PRAGMA synchronous = FULL", &error) ||
      !read_state (&self, old_check, new_key, &state, &error))
    goto failed;

  /* Before anything is made or changed. */
  if (state == STATE_UNDER_OLD && !fd_rekey_check_known_columns (&self, &error))
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
      if (!fd_rekey_exec (&self, "BEGIN IMMEDIATE", &error) ||
          !fd_rekey_set_setting (&self, "rekey.from", old_check, &error) ||
          !fd_rekey_set_setting (&self, "rekey.to", new_check, &error) ||
          !fd_rekey_set_setting (&self, "rekey.progress", "0:0", &error) ||
          !fd_rekey_set_setting (&self, "key.check", IN_PROGRESS, &error) ||
          !fd_rekey_exec (&self, "COMMIT", &error))
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
      g_autofree char *to = fd_rekey_get_setting (&self, "rekey.to");

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
      g_autofree char *stored = fd_rekey_get_setting (&self, "key.check");

      if (stored == NULL || !fd_const_time_equal (stored, new_check))
        {
          g_printerr ("frontdesk-server: neither %s nor %s is the key of %s\n",
                      config->key_file, new_key, config->db_path);
          goto failed;
        }
      g_print ("rekey: the database is already under the new key; finishing\n");
    }

  if (state == STATE_IN_PROGRESS &&
      (!fd_rekey_rows (&self, &error) || !fd_rekey_finish_rows (&self, new_check, &error)))
    goto failed;
  if (state == STATE_IN_PROGRESS)
    g_print ("rekey: the database is under the new key (key check value %s…)\n", new_short);
  sqlite3_close_v2 (g_steal_pointer (&self.db));

  /* Audited before the files move: a run after a crash in between finds
   * the database under the new key and only moves the files. */
  if (!fd_rekey_audit_rotation (config, new_key, &error) ||
      !fd_rekey_swap_key_files (config, new_key, &kept, &error))
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
