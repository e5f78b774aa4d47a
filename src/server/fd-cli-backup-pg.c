/* SPDX-License-Identifier: GPL-3.0-or-later */
/* backup on PostgreSQL: pg_dump -Fc, checked, into the backup directory. */

/* fd-cli-backup-pg.c: frontdesk-server backup, store = postgresql
 *
 * pg_dump -Fc as the configured login (one snapshot: the servers
 * keep serving), with row-level security on and frontdesk.estate = '*'
 * (the server role bypasses nothing), into DIR/.frontdesk-STAMP.dump.partial
 * (mode 0600), checked (fd-cli-pg-dump.c) — pg_restore --list reads it; the
 * dump's key check value is the key file's; its audit chain, read back from
 * the dump, links up and ends at the head the key anchors — then renamed to
 * DIR/frontdesk-STAMP.dump and the oldest generations pruned. The data key
 * is never in it. The password reaches pg_dump in a temporary passfile in
 * DIR (fd-cli-pg.c). */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "fd-cli-pg.h"
#include "fd-crypto.h"
#include "fd-seed.h"
#include "fd-store-pg-private.h"

#define EXIT_CHECK 1
#define EXIT_USAGE 2
#define DUMP_PATTERN "^frontdesk-[0-9]{8}-[0-9]{6}\\.dump$"

int
fd_cli_backup_pg (FdConfig   *config,
                  const char *dir,
                  guint       keep)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *stamp = fd_cli_timestamp ();
  g_autofree char *name = g_strdup_printf ("frontdesk-%s.dump", stamp);
  g_autofree char *final = g_build_filename (dir, name, NULL);
  g_autofree char *partial = g_strdup_printf ("%s/.%s.partial", dir, name);
  g_autofree char *where = fd_store_pg_database_name (config->database);
  g_autofree char *file_arg = g_strconcat ("--file=", partial, NULL);
  g_autofree char *db_arg = NULL, *detail = NULL;
  FdCliPgLogin login = { 0 };
  FdStore *store = NULL;
  FdKeys *keys = NULL;
  gint64 entries = 0, version = 0;
  char *password = NULL;
  gboolean ok;
  int rc = EXIT_USAGE, fd;

  if (!fd_cli_prepare_backup_dir (dir, &error))
    goto out;
  /* Opening the live store checks the login and that the key file is the database's. */
  if ((store = fd_cli_open_store (config, FALSE, &error)) == NULL)
    goto out;
  ok = fd_cli_pg_read_password (config->database_password_file, &password, &error) &&
       fd_cli_pg_login_init (&login, config->database, password, dir, &error);
  fd_secret_free (password);
  if (!ok)
    goto out;
  if (g_file_test (final, G_FILE_TEST_EXISTS))
    {
      g_set_error (&error, FD_ERROR, FD_ERROR_CONFIG, "%s exists already; try again in a second",
                   final);
      goto out;
    }
  g_unlink (partial);
  fd = open (partial, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (&error, G_FILE_ERROR, g_file_error_from_errno (saved), "Cannot create %s: %s",
                   partial, g_strerror (saved));
      goto out;
    }
  close (fd);
  db_arg = g_strconcat ("--dbname=", login.conninfo, NULL);
  {
    const char *argv[] = { "pg_dump", "--format=custom", "--no-password",
                           "--enable-row-security", file_arg, db_arg, NULL };

    if (!fd_cli_pg_run_tool (argv, &login, &error))
      {
        g_unlink (partial);
        goto out;
      }
  }
  g_print ("backup: dumped %s with pg_dump -Fc (one snapshot; the service kept serving)\n",
           where);

  keys = fd_keys_load (config->key_file, FALSE, &error);
  if (keys == NULL)
    {
      g_unlink (partial);
      goto out;
    }
  if (!fd_cli_pg_check_dump (partial, keys, &entries, &version, &error))
    {
      g_printerr ("frontdesk-server: the copy fails its check, removed: %s\n", error->message);
      g_clear_error (&error);
      g_unlink (partial);
      rc = EXIT_CHECK;
      goto out;
    }
  /* durable before it takes its name */
  if (!fd_cli_sync_file (partial, &error) || g_rename (partial, final) != 0)
    {
      int saved = errno;

      if (error == NULL)
        g_set_error (&error, G_FILE_ERROR, g_file_error_from_errno (saved),
                     "Cannot write %s: %s", final, g_strerror (saved));
      g_unlink (partial);
      goto out;
    }
  fd_cli_sync_parent (final);
  g_print ("backup: wrote %s (mode 0600)\n", final);
  g_print ("backup: verified: pg_restore reads it, audit chain ok (%" G_GINT64_FORMAT
           " entries, head anchored under the key), key check value matches %s\n", entries,
           config->key_file);
  g_print ("backup: the data key is NOT in the backup: keep a copy of %s apart from it; "
           "without that key the backup cannot be read\n", config->key_file);
  detail = g_strdup_printf ("verified pg_dump, %" G_GINT64_FORMAT " audit entries, key not "
                            "included", entries);
  if (!fd_seed_audit_cli (store, "backup", name, detail, &error))
    {
      g_prefix_error (&error, "the backup was written but could not be audited: ");
      goto out;
    }
  fd_cli_prune_backups (dir, keep, DUMP_PATTERN);
  rc = 0;

out:
  if (error != NULL)
    g_printerr ("frontdesk-server: %s\n", error->message);
  fd_cli_pg_login_clear (&login);
  g_clear_pointer (&keys, fd_keys_free);
  g_clear_pointer (&store, fd_store_close);
  return rc;
}
