/* SPDX-License-Identifier: GPL-3.0-or-later */
/* restore on PostgreSQL: a checked dump put back with pg_restore in one transaction. */

/* fd-cli-restore-pg.c: frontdesk-server restore, store = postgresql
 *
 * Checks a dump as backup does (fd-cli-pg-dump.c: refusing one made under
 * another key, or with a broken chain, before anything changes), refuses
 * while any frontdesk-server connection is open on the database (the
 * SQLite rule: stop the service), then pg_restore --clean
 * --single-transaction logged in as the tables' owner (the server role may
 * not drop tables nor delete audit entries): all or nothing. The server
 * role's grants are applied again, and the restore is audited under the
 * key. The password reaches pg_restore in a temporary passfile in the
 * temporary directory (fd-cli-pg.c). */

#include "config.h"

#include <glib/gstdio.h>
#include <unistd.h>

#include "fd-cli-pg.h"
#include "fd-crypto.h"
#include "fd-seed.h"
#include "fd-store-pg-private.h"

#define EXIT_CHECK 1
#define EXIT_USAGE 2

/* The schema version of @conn's database; 0 when it has none (empty). */
static gint64
database_version (PGconn *conn)
{
  PGresult *res = PQexec (conn, "SELECT version FROM frontdesk_schema WHERE id = 1");
  gint64 version = 0;

  if (PQresultStatus (res) == PGRES_TUPLES_OK && PQntuples (res) == 1)
    version = g_ascii_strtoll (PQgetvalue (res, 0, 0), NULL, 10);
  PQclear (res);
  return version;
}

int
fd_cli_restore_pg (FdConfig   *config,
                   const char *from,
                   const char *owner_conninfo,
                   const char *owner_password_file)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *where = fd_store_pg_database_name (config->database);
  g_autofree char *db_arg = NULL, *base = NULL, *detail = NULL;
  FdCliPgLogin login = { 0 };
  FdStore *store = NULL;
  FdKeys *keys = NULL;
  PGconn *conn = NULL;
  gint64 entries = 0, version = 0, current;
  char *password = NULL;
  gboolean ok;
  int rc = EXIT_USAGE;

  if (owner_conninfo == NULL)
    owner_conninfo = config->database;
  if (owner_password_file == NULL && owner_conninfo == config->database)
    owner_password_file = config->database_password_file;
  if (!g_file_test (from, G_FILE_TEST_IS_REGULAR) || g_access (from, R_OK) != 0)
    {
      g_set_error (&error, FD_ERROR, FD_ERROR_CONFIG, "no readable backup file at %s", from);
      goto out;
    }
  if (!fd_crypto_init (&error) ||
      (keys = fd_keys_load (config->key_file, FALSE, &error)) == NULL)
    goto out;

  /* The dump, checked before anything else changes. */
  if (!fd_cli_pg_check_dump (from, keys, &entries, &version, &error))
    {
      fd_cli_print_restore_refusal (from, config->key_file, error);
      g_clear_error (&error);
      rc = EXIT_CHECK;
      goto out;
    }
  g_print ("restore: checked %s: pg_restore reads it, audit chain ok (%" G_GINT64_FORMAT
           " entries), key check value matches %s\n", from, entries, config->key_file);

  /* The tables' owner: the server role may neither drop tables nor
   * delete audit entries. */
  if (fd_cli_pg_read_password (owner_password_file, &password, &error))
    conn = fd_pg_connect (owner_conninfo, password, &error);
  if (conn == NULL)
    {
      fd_secret_free (password);
      goto out;
    }
  current = database_version (conn);
  if (current != 0 && current != version)
    {
      g_set_error (&error, FD_ERROR, FD_ERROR_CONFIG,
                   "refused: the backup's schema is version %" G_GINT64_FORMAT " and the "
                   "database's %" G_GINT64_FORMAT ". Nothing was changed. Restore it with the "
                   "frontdesk-server that made it, or into an empty database", version, current);
      fd_secret_free (password);
      goto out;
    }
  if (!fd_cli_pg_check_nobody_else (conn, "restore", &error))
    {
      g_prefix_error (&error, "refused: ");
      fd_secret_free (password);
      goto out;
    }
  g_print ("restore: no server has %s open (no other frontdesk-server connection)\n", where);
  /* the temporary directory: FILE's may be read-only or shared */
  ok = fd_cli_pg_login_init (&login, owner_conninfo, password, g_get_tmp_dir (), &error);
  fd_secret_free (password);
  if (!ok)
    goto out;
  db_arg = g_strconcat ("--dbname=", login.conninfo, NULL);
  {
    const char *argv[] = { "pg_restore", "--clean", "--if-exists", "--no-owner",
                           "--no-privileges", "--single-transaction", "--exit-on-error",
                           "--no-password", db_arg, "--", from, NULL };

    if (!fd_cli_pg_run_tool (argv, &login, &error))
      {
        g_prefix_error (&error, "nothing was changed (one transaction, rolled back): ");
        goto out;
      }
  }
  g_print ("restore: put the backup in place in %s with pg_restore, in one transaction\n",
           where);
  /* the server role's grants (pg_restore left the dump's out) */
  if (!fd_pg_migrate (conn, NULL, NULL, &error))
    {
      g_prefix_error (&error, "the backup is in place, but the server role's grants are not: "
                      "run `frontdesk-server migrate` as the owner: ");
      goto out;
    }
  g_clear_pointer (&conn, PQfinish);

  store = fd_cli_open_store (config, FALSE, &error);
  base = g_path_get_basename (from);
  detail = g_strdup_printf ("restored from a backup of %" G_GINT64_FORMAT " audit entries",
                            entries);
  if (store == NULL || !fd_seed_audit_cli (store, "restore", base, detail, &error))
    {
      g_prefix_error (&error, "the backup is in place but could not be audited: ");
      goto out;
    }
  g_print ("restore: next: `frontdesk-server audit verify` names the rollback to the backup "
           "(the entries written since it are gone); check it, then record the new start with "
           "`frontdesk-server audit accept-restore` (same --config) and start the service\n");
  rc = 0;

out:
  if (error != NULL)
    g_printerr ("frontdesk-server: %s\n", error->message);
  fd_cli_pg_login_clear (&login);
  g_clear_pointer (&conn, PQfinish);
  g_clear_pointer (&keys, fd_keys_free);
  g_clear_pointer (&store, fd_store_close);
  return rc;
}
