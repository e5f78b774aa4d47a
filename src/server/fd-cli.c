/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the frontdesk-server commands share: usage, configuration, opening the store. */

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>

#include "fd-certs.h"
#include "fd-cli.h"
#include "fd-crypto.h"
#include "fd-field.h"
#include "fd-error.h"
#include "fd-startup.h"
#include "fd-store-pg.h"
#include "fd-store-sqlite.h"

const char fd_cli_usage_text[] =
  "Usage:\n"
  "  frontdesk-server demo --data-dir DIR [--listen 127.0.0.1:PORT] [--residents N]\n"
  "                        [--demo-password PW] [--off-hours HH:MM-HH:MM] [--seed N]\n"
  "                        [--lock-after S] [--reveal-window S] [--no-watermark]\n"
  "                        [--audit-witness journal|syslog|file:PATH|off]\n"
  "                        [--sign-in-rate N] [--estates N]\n"
  "                        [--second-factor off|required-for:ROLE,...]\n"
  "                        [--alert-webhook URL] [--alert-webhook-format generic|wecom|dingtalk|feishu]\n"
  "                        [--alert-webhook-ca PEM] [--alert-syslog journal|HOST:PORT|off]\n"
  "                        [--alert-retry S,S,…]\n"
  "                        [--store sqlite|postgresql --database CONNINFO]\n"
  "                        [--database-password-file PATH]\n"
  "  frontdesk-server serve --config FILE\n"
  "  frontdesk-server migrate (--data-dir DIR | --config FILE) [--database CONNINFO]\n"
  "                        [--database-password-file PATH]\n"
  "  frontdesk-server audit verify (--data-dir DIR | --config FILE) [--witness FILE]\n"
  "  frontdesk-server audit accept-restore (--data-dir DIR | --config FILE) [--witness FILE]\n"
  "  frontdesk-server user list (--data-dir DIR | --config FILE)\n"
  "  frontdesk-server user add (--data-dir DIR | --config FILE) --username U --role R\n"
  "                        [--display-name NAME] [--estate CODE[,CODE...]]\n"
  "                        (password read from standard input)\n"
  "  frontdesk-server estate list (--data-dir DIR | --config FILE)\n"
  "  frontdesk-server estate add (--data-dir DIR | --config FILE) --code CODE --name NAME\n"
  "  frontdesk-server user disable|enable|unlock|reset-totp (--data-dir DIR | --config FILE)\n"
  "                        --username U\n"
  "  frontdesk-server user set-role (--data-dir DIR | --config FILE) --username U --role R\n"
  "  frontdesk-server backup (--data-dir DIR | --config FILE) --to DIR [--keep N]\n"
  "  frontdesk-server restore (--data-dir DIR | --config FILE) --from FILE\n"
  "                        [--database OWNER-CONNINFO] [--database-password-file PATH]\n"
  "  frontdesk-server check (--data-dir DIR | --config FILE)   (exit 0 ok, 1 warning, 2 critical)\n"
  "  frontdesk-server rekey (--data-dir DIR | --config FILE) --new-key PATH\n"
  "  frontdesk-server rekey (--data-dir DIR | --config FILE) --finish\n"
  "  frontdesk-server incident radius (--data-dir DIR | --config FILE) --user U --from T --to T\n"
  "                        [--cause TEXT] [--json]\n"
  "  frontdesk-server rules set (--data-dir DIR | --config FILE) --zh FILE --en FILE\n"
  "  frontdesk-server move-store (--config FILE | --data-dir DIR) --from-data-dir DIR\n"
  "                        --estate CODE [--estate-name NAME] [--batch N]\n";

int
fd_cli_usage_error (const char *message)
{
  if (message != NULL)
    g_printerr ("frontdesk-server: %s\n", message);
  g_printerr ("%s", fd_cli_usage_text);
  return FD_CLI_EXIT_USAGE;
}

gboolean
fd_cli_ensure_private_dir (const char  *dir,
                           GError     **error)
{
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "Cannot create %s: %s", dir, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

/* What `serve` and `demo` refuse before they open anything: a data
 * directory others may write to, a TLS private key others may read, and a
 * certificate that is not the key's. */
gboolean
fd_cli_check_server_files (FdConfig  *config,
                           GError   **error)
{
  fd_config_resolve_paths (config);
  return fd_startup_check_data_dir (config->data_dir, error) &&
         fd_startup_check_private_key (config->private_key, error) &&
         fd_certs_check_pair (config->certificate, config->private_key, error);
}

FdStore *
fd_cli_open_pg_store (FdConfig  *config,
                      FdKeys    *keys,
                      GError   **error)
{
  char *password = NULL;
  FdStore *store;

  if (config->database_password_file != NULL &&
      (password = fd_store_pg_read_password_file (config->database_password_file, error)) == NULL)
    {
      fd_keys_free (keys);
      return NULL;
    }
  store = fd_store_pg_open (config->database, password, keys, error);
  fd_secret_free (password);
  return store;
}

FdStore *
fd_cli_open_store_or_say (FdConfig *config,
                          gboolean  adding)
{
  g_autoptr(GError) error = NULL;
  FdStore *store = NULL;

  if (!adding || config->data_dir == NULL || fd_cli_ensure_private_dir (config->data_dir, &error))
    store = fd_cli_open_store (config, adding, &error);
  if (store == NULL)
    g_printerr ("frontdesk-server: %s\n", error->message);
  return store;
}

FdStore *
fd_store_open_configured (FdConfig  *config,
                          gboolean   create_key,
                          GError   **error)
{
  return fd_cli_open_store (config, create_key, error);
}

FdStore *
fd_cli_open_store (FdConfig  *config,
                   gboolean   create_key,
                   GError   **error)
{
  g_autoptr(FdKeys) keys = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *where = NULL;
  FdStore *store;

  if (!fd_crypto_init (error))
    return NULL;
  fd_config_resolve_paths (config);
  where = fd_config_is_postgresql (config) ? fd_store_pg_database_name (config->database)
                                            : g_strdup (config->db_path);
  /* A new key only for a new database: a missing key next to an existing
   * database means the sealed columns would become unreadable. */
  if (create_key && !fd_config_is_postgresql (config) &&
      g_file_test (config->db_path, G_FILE_TEST_EXISTS) &&
      !g_file_test (config->key_file, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                   "The database %s exists but its key file %s is missing; restore the key "
                   "from its backup (a new key could not open the sealed columns)",
                   config->db_path, config->key_file);
      return NULL;
    }
  keys = fd_keys_load (config->key_file, create_key, error);
  if (keys == NULL)
    return NULL;
  if (fd_config_is_postgresql (config))
    store = fd_cli_open_pg_store (config, g_steal_pointer (&keys), &local_error);
  else
    store = fd_store_sqlite_open (config->db_path, g_steal_pointer (&keys), &local_error);
  if (store == NULL && g_error_matches (local_error, FD_STORE_WRONG_KEY_ERROR, 0))
    {
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                   "The data key file %s is not the key of the database %s (%s). Refusing to "
                   "start: with a foreign key no encrypted value can be read and new ones "
                   "would be sealed under the wrong key. Restore this database's own key "
                   "file from its backup (or point [server] key-file at it) and start again",
                   config->key_file, where, local_error->message);
      return NULL;
    }
  if (store == NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return store;
}

gboolean
fd_cli_load_config (const char  *config_file,
                    const char  *data_dir,
                    FdConfig    *config,
                    GError     **error)
{
  if ((config_file == NULL) == (data_dir == NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "give --config FILE or --data-dir DIR");
      return FALSE;
    }
  if (config_file != NULL)
    return fd_config_load_file (config, config_file, error);
  config->data_dir = g_canonicalize_filename (data_dir, NULL);
  return fd_config_load_store_file (config, error);
}

gboolean
fd_cli_parse_config (GOptionContext      *ctx,
                     const GOptionEntry  *entries,
                     int                  argc,
                     char               **argv,
                     const char * const  *verbs,
                     const char          *usage,
                     const char         **verb,
                     FdConfig            *config)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = NULL, *config_file = NULL;
  const char *complaint = NULL;
  GOptionEntry common[] = {
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, "Data directory", "DIR" },
    { "config", 0, 0, G_OPTION_ARG_FILENAME, &config_file, "Configuration file", "FILE" },
    { NULL }
  };

  g_option_context_add_main_entries (ctx, common, NULL);
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    complaint = error->message;
  else if (verb == NULL ? argc > 1
                        : argc != 2 || (verbs != NULL && !g_strv_contains (verbs, argv[1])))
    complaint = usage;
  else if (!fd_cli_load_config (config_file, data_dir, config, &error))
    complaint = error->message;
  if (complaint != NULL)
    {
      fd_cli_usage_error (complaint);
      return FALSE;
    }
  if (verb != NULL)
    *verb = argv[1];
  return TRUE;
}
