/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The migrate command: one schema history, applied to either engine. */

#include "config.h"

#include "fd-cli.h"
#include "fd-crypto.h"
#include "fd-field.h"
#include "fd-store-pg.h"

/* frontdesk-server migrate (--config FILE | --data-dir DIR)
 *                          [--database CONNINFO] [--database-password-file PATH]
 *
 * SQLite: opening the store applies what is missing (the server does the
 * same at start). PostgreSQL: the server's role owns nothing and cannot
 * change the schema, so migrate logs in as the tables' owner — the
 * configured database string when it names the owner, or --database
 * (and its password file) — applies the history, and makes and grants
 * the server role (fd-store-pg-schema.c). */
int
fd_cli_migrate (int    argc,
                char **argv)
{
  g_autoptr(FdConfig) config = fd_config_new_defaults ();
  g_autoptr(GOptionContext) ctx = g_option_context_new ("- bring the database's schema up to date");
  g_autoptr(GError) error = NULL;
  g_autofree char *database = NULL, *password_file = NULL;
  char *password = NULL;
  guint from = 0, to = 0;
  gboolean ok, from_config;
  GOptionEntry entries[] = {
    { "database", 0, 0, G_OPTION_ARG_STRING, &database,
      "PostgreSQL: log in as the tables' owner with this connection string", "CONNINFO" },
    { "database-password-file", 0, 0, G_OPTION_ARG_FILENAME, &password_file,
      "PostgreSQL: the owner's password (mode 0600)", "PATH" },
    { NULL }
  };

  if (!fd_cli_parse_config (ctx, entries, argc, argv, NULL, "unexpected arguments", NULL, config))
    return FD_CLI_EXIT_USAGE;

  if (!fd_config_is_postgresql (config))
    {
      FdStore *store;

      if (database != NULL || password_file != NULL)
        return fd_cli_usage_error ("--database is for store = postgresql");
      store = fd_store_open_configured (config, FALSE, &error);
      if (store == NULL)
        {
          g_printerr ("frontdesk-server: %s\n", error->message);
          return FD_CLI_EXIT_USAGE;
        }
      fd_store_close (store);
      g_print ("migrate: the SQLite database %s is up to date\n", config->db_path);
      return 0;
    }

  from_config = database == NULL;
  if (database == NULL)
    database = g_strdup (config->database);
  if (password_file == NULL && config->database_password_file != NULL)
    password_file = g_strdup (config->database_password_file);
  if (password_file != NULL &&
      (password = fd_store_pg_read_password_file (password_file, &error)) == NULL)
    {
      g_printerr ("frontdesk-server: %s\n", error->message);
      return FD_CLI_EXIT_USAGE;
    }
  ok = fd_store_pg_migrate (database, password, &from, &to, &error);
  fd_secret_free (password);
  if (!ok)
    {
      g_printerr ("frontdesk-server: migrate: %s\n", error->message);
      if (from_config)
        g_printerr ("frontdesk-server: migrate logs in as the tables' owner; the configured "
                    "database may be the server's role: give --database OWNER-CONNINFO\n");
      return FD_CLI_EXIT_USAGE;
    }
  if (from == to)
    g_print ("migrate: the PostgreSQL schema is up to date (version %u)\n", to);
  else
    g_print ("migrate: the PostgreSQL schema went from version %u to %u\n", from, to);
  g_print ("migrate: the server role (the database's name + \"_frontdesk\") is granted; give "
           "it a login and put its password in [server] database-password-file\n");
  return 0;
}
