/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The backup and restore commands: checked online copies of the database. */

/* fd-cli-backup.c: frontdesk-server backup and restore
 *
 * backup: a consistent copy of the live database through SQLite's online
 * backup API (one pass under one read snapshot: the server keeps writing
 * to its WAL meanwhile), written beside its final name, checked (integrity,
 * key check value, audit chain), then renamed into place and the oldest
 * generations pruned. The data key is never copied.
 *
 * restore: checks a backup the same way, refuses one made under another
 * key, takes the live database's exclusive lock (so no server has it
 * open), keeps the current database under another name and renames the
 * checked copy into place.
 */

#include "config.h"

#include "fd-cli.h"
#include "fd-cli-pg.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fd-crypto.h"
#include "fd-error.h"
#include "fd-seed.h"

#define EXIT_CHECK 1
#define EXIT_USAGE 2
#define DEFAULT_KEEP 14
#define BACKUP_PATTERN "^frontdesk-[0-9]{8}-[0-9]{6}\\.db$"

char *
fd_cli_timestamp (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_format (now, "%Y%m%d-%H%M%S");
}

void
fd_cli_sync_parent (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd >= 0)
    {
      fsync (fd);
      close (fd);
    }
}

gboolean
fd_cli_sync_file (const char  *path,
                  GError     **error)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  int saved;

  if (fd >= 0 && fsync (fd) == 0)
    {
      close (fd);
      return TRUE;
    }
  saved = errno;
  if (fd >= 0)
    close (fd);
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "Cannot write %s: %s",
               path, g_strerror (saved));
  return FALSE;
}

/* Removes the WAL files SQLite may have left beside @path. */
static void
remove_wal_files (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  g_unlink (wal);
  g_unlink (shm);
}

static void
remove_database_file (const char *path)
{
  g_unlink (path);
  remove_wal_files (path);
}

static gboolean
sqlite_failed (sqlite3     *db,
               const char  *what,
               const char  *path,
               GError     **error)
{
  g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL, "%s %s: %s", what, path,
               db != NULL ? sqlite3_errmsg (db) : "out of memory");
  return FALSE;
}

sqlite3 *
fd_cli_lock_database (const char  *db_path,
                      GError     **error)
{
  sqlite3 *db = NULL;
  int rc;

  if (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
      SQLITE_OK)
    {
      sqlite_failed (db, "Cannot open the database", db_path, error);
      sqlite3_close_v2 (db);
      return NULL;
    }
  /* A running server holds a shared lock on the database file for as long
   * as it has it open (WAL); a short wait lets a write in flight finish. */
  sqlite3_busy_timeout (db, 2000);
  rc = sqlite3_exec (db, "PRAGMA locking_mode = EXCLUSIVE", NULL, NULL, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (db, "BEGIN EXCLUSIVE", NULL, NULL, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
  if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_UNAVAILABLE,
                   "The database %s is in use: a server (or another frontdesk-server command) "
                   "has it open. Stop the service first (systemctl stop frontdesk-server) and "
                   "run this again", db_path);
      sqlite3_close_v2 (db);
      return NULL;
    }
  if (rc != SQLITE_OK)
    {
      sqlite_failed (db, "Cannot lock the database", db_path, error);
      sqlite3_close_v2 (db);
      return NULL;
    }
  sqlite3_busy_timeout (db, 5000);
  return db;
}

/* Copies the database at @from into the new file @to (mode 0600, created
 * here: it must not exist) with the online backup API, in one step: one
 * read snapshot of @from, however much is written to it meanwhile. With
 * @tidy (@from is not live), the WAL files a read-only connection leaves
 * beside @from are removed when they were not there before. */
static gboolean
copy_database (const char  *from,
               const char  *to,
               gboolean     tidy,
               int         *pages,
               GError     **error)
{
  g_autofree char *wal = g_strconcat (from, "-wal", NULL);
  gboolean had_wal = g_file_test (wal, G_FILE_TEST_EXISTS);
  sqlite3 *src = NULL, *dst = NULL;
  sqlite3_backup *backup;
  int fd, rc, waits = 0;

  fd = open (to, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "Cannot create %s: %s",
                   to, g_strerror (saved));
      return FALSE;
    }
  close (fd);

  if (sqlite3_open_v2 (from, &src, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
    {
      sqlite_failed (src, "Cannot open", from, error);
      goto failed;
    }
  if (sqlite3_open_v2 (to, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
    {
      sqlite_failed (dst, "Cannot open", to, error);
      goto failed;
    }
  sqlite3_busy_timeout (src, 5000);
  sqlite3_busy_timeout (dst, 5000);
  backup = sqlite3_backup_init (dst, "main", src, "main");
  if (backup == NULL)
    {
      sqlite_failed (dst, "Cannot start the copy to", to, error);
      goto failed;
    }
  while ((rc = sqlite3_backup_step (backup, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED)
    {
      if (++waits > 300)
        break;
      g_usleep (100 * 1000);
    }
  *pages = sqlite3_backup_pagecount (backup);
  sqlite3_backup_finish (backup);
  if (rc != SQLITE_DONE)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_UNAVAILABLE, "Cannot copy %s: %s", from,
                   sqlite3_errstr (rc));
      goto failed;
    }
  sqlite3_close_v2 (src);
  if (tidy && !had_wal)
    remove_wal_files (from);
  if (sqlite3_close (dst) != SQLITE_OK)
    {
      sqlite_failed (dst, "Cannot write", to, error);
      sqlite3_close_v2 (dst);
      remove_database_file (to);
      return FALSE;
    }
  if (!fd_cli_sync_file (to, error))
    {
      remove_database_file (to);
      return FALSE;
    }
  return TRUE;

failed:
  sqlite3_close_v2 (src);
  sqlite3_close_v2 (dst);
  remove_database_file (to);
  return FALSE;
}

static gboolean
integrity_check (const char  *path,
                 GError     **error)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  g_autofree char *result = NULL;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (db, "PRAGMA integrity_check(1)", -1, &stmt, NULL) != SQLITE_OK)
    {
      sqlite_failed (db, "Cannot check", path, error);
      sqlite3_finalize (stmt);
      sqlite3_close_v2 (db);
      return FALSE;
    }
  if (sqlite3_step (stmt) == SQLITE_ROW)
    result = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  else
    result = g_strdup (sqlite3_errmsg (db));
  sqlite3_finalize (stmt);
  sqlite3_close_v2 (db);
  if (g_strcmp0 (result, "ok") == 0)
    return TRUE;
  /* SQLite names pages, tables and indexes here, never values. */
  g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL, "%s fails SQLite's integrity check: %s", path,
               result ? result : "no answer");
  return FALSE;
}

gboolean
fd_cli_verify_database (const char  *path,
                        const char  *key_file,
                        gint64      *entries,
                        GError     **error)
{
  FdKeys *keys;
  FdStore *store;
  gint64 first_bad = 0;
  gboolean ok;

  *entries = 0;
  if (!integrity_check (path, error))
    return FALSE;
  keys = fd_keys_load (key_file, FALSE, error);
  if (keys == NULL)
    return FALSE;
  /* The store refuses a key whose check value is not the database's. */
  store = fd_store_sqlite_open (path, keys, error);
  if (store == NULL)
    return FALSE;
  ok = FD_STORE_CALL (store, audit_verify, entries, &first_bad, error);
  fd_store_close (store);
  if (!ok && first_bad > 0)
    g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL,
                 "%s: the audit chain is broken at seq %" G_GINT64_FORMAT
                 " (%" G_GINT64_FORMAT " entries)", path, first_bad, *entries);
  return ok;
}

/* DIR for backups: made 0700 when missing; refused when group members may
 * write to it or others may do anything with it. */
gboolean
fd_cli_prepare_backup_dir (const char  *dir,
                           GError     **error)
{
  struct stat st;

  if (!g_file_test (dir, G_FILE_TEST_EXISTS) && g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "Cannot create %s: %s",
                   dir, g_strerror (saved));
      return FALSE;
    }
  if (stat (dir, &st) != 0 || !S_ISDIR (st.st_mode))
    {
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG, "%s is not a directory", dir);
      return FALSE;
    }
  if ((st.st_mode & 0027) != 0)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                   "The backup directory %s is open to others (mode %04o): backups hold "
                   "residents' names, rooms and plates. Run chmod 0700 %s",
                   dir, (guint) (st.st_mode & 07777), dir);
      return FALSE;
    }
  return TRUE;
}

static gint
compare_names_desc (gconstpointer a,
                    gconstpointer b)
{
  return -g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

void
fd_cli_prune_backups (const char *dir,
                      guint       keep,
                      const char *name_pattern)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GRegex) pattern = g_regex_new (name_pattern, 0, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (g_regex_match (pattern, name, 0, NULL))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names_desc);
  for (guint i = keep; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir, names->pdata[i], NULL);
      struct stat st;

      if (lstat (path, &st) != 0 || !S_ISREG (st.st_mode))
        continue;
      remove_database_file (path);
      g_print ("backup: removed the old generation %s (keeping %u)\n", path, keep);
    }
}

static int
cli_begin (const char         *summary,
           const GOptionEntry *entries,
           gboolean            need_database,
           gboolean            sqlite_only,
           int                 argc,
           char              **argv,
           FdConfig           *config)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new (summary);

  if (!fd_cli_parse_config (ctx, entries, argc, argv, NULL, "unexpected arguments", NULL, config))
    return EXIT_USAGE;
  fd_config_resolve_paths (config);
  /* backup, restore and rekey work on either engine (fd-cli-*-pg.c) */
  if (fd_config_is_postgresql (config) && !sqlite_only)
    return -1;
  if (fd_config_is_postgresql (config))
    {
      g_printerr ("frontdesk-server: this command works on an SQLite office only; this one is "
                  "on PostgreSQL\n");
      return EXIT_USAGE;
    }
  if (need_database && !g_file_test (config->db_path, G_FILE_TEST_IS_REGULAR))
    {
      g_printerr ("frontdesk-server: no database at %s\n", config->db_path);
      return EXIT_USAGE;
    }
  return -1;
}

int
fd_cli_begin (const char         *summary,
              const GOptionEntry *entries,
              gboolean            need_database,
              int                 argc,
              char              **argv,
              FdConfig           *config)
{
  return cli_begin (summary, entries, need_database, TRUE, argc, argv, config);
}

int
fd_cli_begin_any_engine (const char         *summary,
                         const GOptionEntry *entries,
                         int                 argc,
                         char              **argv,
                         FdConfig           *config)
{
  return cli_begin (summary, entries, TRUE, FALSE, argc, argv, config);
}

int
fd_cli_backup (int    argc,
               char **argv)
{
  g_autoptr(FdConfig) config = fd_config_new_defaults ();
  g_autoptr(GError) error = NULL;
  g_autofree char *to = NULL, *stamp = NULL;
  g_autofree char *dir = NULL, *name = NULL, *final = NULL, *partial = NULL, *detail = NULL;
  gint keep = DEFAULT_KEEP;
  gint64 entries = 0;
  int pages = 0, rc;
  FdStore *store;
  GOptionEntry options[] = {
    { "to", 0, 0, G_OPTION_ARG_FILENAME, &to, "Directory of the backups", "DIR" },
    { "keep", 0, 0, G_OPTION_ARG_INT, &keep, "Generations to keep (14)", "N" },
    { NULL }
  };

  rc = fd_cli_begin_any_engine ("- copy the database and check the copy", options, argc, argv,
                                config);
  if (rc >= 0)
    return rc;
  if (to == NULL)
    return fd_cli_usage_error ("backup needs --to DIR");
  if (keep < 1 || keep > 10000)
    return fd_cli_usage_error ("--keep must be from 1 to 10000");
  dir = g_canonicalize_filename (to, NULL);
  if (fd_config_is_postgresql (config))
    return fd_cli_backup_pg (config, dir, keep);
  if (!fd_cli_prepare_backup_dir (dir, &error))
    {
      g_printerr ("frontdesk-server: %s\n", error->message);
      return EXIT_USAGE;
    }
  /* Opening the live store checks that the key file is the database's. */
  store = fd_cli_open_store (config, FALSE, &error);
  if (store == NULL)
    {
      g_printerr ("frontdesk-server: %s\n", error->message);
      return EXIT_USAGE;
    }

  stamp = fd_cli_timestamp ();
  name = g_strdup_printf ("frontdesk-%s.db", stamp);
  final = g_build_filename (dir, name, NULL);
  partial = g_strdup_printf ("%s/.%s.partial", dir, name);
  if (g_file_test (final, G_FILE_TEST_EXISTS))
    {
      g_printerr ("frontdesk-server: %s exists already; try again in a second\n", final);
      fd_store_close (store);
      return EXIT_USAGE;
    }
  remove_database_file (partial);
  if (!copy_database (config->db_path, partial, FALSE, &pages, &error))
    {
      g_printerr ("frontdesk-server: %s\n", error->message);
      fd_store_close (store);
      return EXIT_USAGE;
    }
  g_print ("backup: copied %s (%d pages) with SQLite's online backup API\n", config->db_path,
           pages);

  if (!fd_cli_verify_database (partial, config->key_file, &entries, &error))
    {
      g_printerr ("frontdesk-server: the copy fails its check, removed: %s\n", error->message);
      remove_database_file (partial);
      fd_store_close (store);
      return EXIT_CHECK;
    }
  /* The check opened the copy as a store: leave no WAL beside it. */
  remove_wal_files (partial);
  if (g_rename (partial, final) != 0)
    {
      int saved = errno;
      g_printerr ("frontdesk-server: cannot rename %s: %s\n", partial, g_strerror (saved));
      remove_database_file (partial);
      fd_store_close (store);
      return EXIT_USAGE;
    }
  fd_cli_sync_parent (final);
  g_print ("backup: wrote %s (mode 0600)\n", final);
  g_print ("backup: verified: integrity ok, audit chain ok (%" G_GINT64_FORMAT " entries), "
           "key check value matches %s\n", entries, config->key_file);
  g_print ("backup: the data key is NOT in the backup: keep a copy of %s apart from it; "
           "without that key the backup cannot be read\n", config->key_file);

  detail = g_strdup_printf ("verified copy, %" G_GINT64_FORMAT " audit entries, key not included",
                            entries);
  if (!fd_seed_audit_cli (store, "backup", name, detail, &error))
    {
      g_printerr ("frontdesk-server: the backup was written but could not be audited: %s\n",
                  error->message);
      fd_store_close (store);
      return EXIT_USAGE;
    }
  fd_store_close (store);
  fd_cli_prune_backups (dir, keep, BACKUP_PATTERN);
  return 0;
}

void
fd_cli_print_restore_refusal (const char   *from,
                              const char   *key_file,
                              const GError *error)
{
  if (g_error_matches (error, FD_STORE_WRONG_KEY_ERROR, 0))
    g_printerr ("frontdesk-server: refused: %s was made under another data key than %s (%s). "
                "Nothing was changed. Restore it only together with the key file it was "
                "made with\n", from, key_file, error->message);
  else
    g_printerr ("frontdesk-server: refused: %s. Nothing was changed\n", error->message);
}

static gboolean
leave_wal (sqlite3  *db,
           GError  **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok = FALSE;

  if (sqlite3_prepare_v2 (db, "PRAGMA journal_mode = MEMORY", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    ok = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "memory") == 0;
  sqlite3_finalize (stmt);
  if (!ok)
    g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL,
                 "Cannot checkpoint the database's write-ahead log: %s", sqlite3_errmsg (db));
  return ok;
}

/* The checked copy @partial takes the place of the database at @db_path,
 * which is kept (renamed, never deleted) and sets *@aside; the caller
 * holds the database's exclusive lock (@db_path may not exist). */
static gboolean
swap_in (const char  *partial,
         const char  *db_path,
         char       **aside,
         GError     **error)
{
  struct stat st;
  int saved;

  *aside = NULL;
  if (lstat (db_path, &st) == 0)
    {
      g_autofree char *stamp = fd_cli_timestamp ();

      /* The restored file gets the current one's owner (the service user
       * when run as root) and mode 0600. */
      if ((st.st_uid != geteuid () || st.st_gid != getegid ()) &&
          lchown (partial, st.st_uid, st.st_gid) != 0)
        goto failed;
      *aside = g_strdup_printf ("%s.before-restore-%s", db_path, stamp);
      if (link (db_path, *aside) != 0)
        goto failed;
    }
  if (g_chmod (partial, 0600) != 0 || g_rename (partial, db_path) != 0)
    goto failed;
  fd_cli_sync_parent (db_path);
  return TRUE;

failed:
  saved = errno;
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
               "Cannot put the backup in place at %s: %s", db_path, g_strerror (saved));
  if (*aside != NULL)
    g_unlink (*aside);
  g_clear_pointer (aside, g_free);
  return FALSE;
}

int
fd_cli_restore (int    argc,
                char **argv)
{
  g_autoptr(FdConfig) config = fd_config_new_defaults ();
  g_autoptr(GError) error = NULL;
  g_autofree char *from = NULL, *partial = NULL;
  g_autofree char *aside = NULL, *base = NULL, *detail = NULL;
  sqlite3 *lock = NULL;
  gint64 entries = 0;
  int pages = 0, rc;
  FdStore *store;
  g_autofree char *owner = NULL, *owner_password_file = NULL;
  GOptionEntry options[] = {
    { "from", 0, 0, G_OPTION_ARG_FILENAME, &from, "The backup to restore", "FILE" },
    { "database", 0, 0, G_OPTION_ARG_STRING, &owner,
      "PostgreSQL: log in as the tables' owner with this connection string", "CONNINFO" },
    { "database-password-file", 0, 0, G_OPTION_ARG_FILENAME, &owner_password_file,
      "PostgreSQL: the owner's password (mode 0600)", "PATH" },
    { NULL }
  };

  rc = cli_begin ("- put a checked backup in place", options, FALSE, FALSE, argc, argv, config);
  if (rc >= 0)
    return rc;
  if (from == NULL)
    return fd_cli_usage_error ("restore needs --from FILE");
  if (fd_config_is_postgresql (config))
    return fd_cli_restore_pg (config, from, owner, owner_password_file);
  if (owner != NULL || owner_password_file != NULL)
    return fd_cli_usage_error ("--database is for store = postgresql");
  if (!g_file_test (from, G_FILE_TEST_IS_REGULAR))
    {
      g_printerr ("frontdesk-server: no backup file at %s\n", from);
      return EXIT_USAGE;
    }
  if (!fd_crypto_init (&error))
    {
      g_printerr ("frontdesk-server: %s\n", error->message);
      return EXIT_USAGE;
    }

  /* A copy beside the database, checked before anything else changes. */
  partial = g_strconcat (config->db_path, ".restore-partial", NULL);
  remove_database_file (partial);
  if (!copy_database (from, partial, TRUE, &pages, &error))
    {
      g_printerr ("frontdesk-server: %s\n", error->message);
      return EXIT_USAGE;
    }
  if (!fd_cli_verify_database (partial, config->key_file, &entries, &error))
    {
      remove_database_file (partial);
      fd_cli_print_restore_refusal (from, config->key_file, error);
      return EXIT_CHECK;
    }
  g_print ("restore: checked %s: integrity ok, audit chain ok (%" G_GINT64_FORMAT " entries), "
           "key check value matches %s\n", from, entries, config->key_file);

  if (g_file_test (config->db_path, G_FILE_TEST_EXISTS))
    {
      lock = fd_cli_lock_database (config->db_path, &error);
      if (lock == NULL)
        {
          g_printerr ("frontdesk-server: refused: %s\n", error->message);
          remove_database_file (partial);
          return EXIT_USAGE;
        }
      /* Everything in the old WAL goes into the file kept aside, and no
       * file of the old database stays beside the new one: out of WAL into
       * an in-memory journal, so closing this connection after the rename
       * deletes no -wal or -journal by name. */
      if (!leave_wal (lock, &error))
        {
          g_printerr ("frontdesk-server: refused: %s\n", error->message);
          sqlite3_close_v2 (lock);
          remove_database_file (partial);
          return EXIT_USAGE;
        }
      g_print ("restore: no server has the database open (SQLite's exclusive lock is held "
               "while the files move)\n");
    }
  if (!swap_in (partial, config->db_path, &aside, &error))
    {
      g_printerr ("frontdesk-server: %s\n", error->message);
      sqlite3_close_v2 (lock);
      remove_database_file (partial);
      return EXIT_USAGE;
    }
  sqlite3_close_v2 (lock);
  if (aside != NULL)
    g_print ("restore: kept the database it replaces as %s (not deleted)\n", aside);
  g_print ("restore: put the backup in place at %s (mode 0600)\n", config->db_path);

  store = fd_cli_open_store (config, FALSE, &error);
  base = g_path_get_basename (from);
  detail = g_strdup_printf ("restored from a backup of %" G_GINT64_FORMAT " audit entries",
                            entries);
  if (store == NULL || !fd_seed_audit_cli (store, "restore", base, detail, &error))
    {
      g_printerr ("frontdesk-server: the backup is in place but could not be audited: %s\n",
                  error->message);
      fd_store_close (store);
      return EXIT_USAGE;
    }
  fd_store_close (store);
  g_print ("restore: next: `frontdesk-server audit verify` names the rollback to the backup "
           "(the entries written since it are gone); check it, then record the new start with "
           "`frontdesk-server audit accept-restore` (same --config or --data-dir) and start "
           "the service\n");
  return 0;
}
