/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The demo command: a loopback office server on synthetic data. */

#include "config.h"

#include <string.h>

#include "fd-certs.h"
#include "fd-cli.h"
#include "fd-crypto.h"
#include "fd-field.h"
#include "fd-seed.h"
#include "fd-store-pg.h"
#include "fd-server.h"
#include "fd-witness.h"

/* PostgreSQL (issue 11): config->database logs in as the database's
 * owner. Applies the schema, gives the server role a login whose
 * password stays in the data directory (a second demo over the same
 * directory and database logs in again), and points the configuration
 * at that role: the server never serves as the owner. */
static gboolean
demo_pg_login (FdConfig  *config,
               GError   **error)
{
  g_autofree char *password_file = NULL;
  g_autofree char *server = NULL;
  char *owner_password = NULL, *password = NULL;
  gboolean ok;

  if (!fd_config_is_postgresql (config))
    return TRUE;
  if (config->database_password_file != NULL &&
      (owner_password = fd_store_pg_read_password_file (config->database_password_file,
                                                        error)) == NULL)
    return FALSE;
  password_file = g_build_filename (config->data_dir, "postgresql-server.password", NULL);
  ok = fd_store_pg_migrate (config->database, owner_password, NULL, NULL, error) &&
       (server = fd_store_pg_server_login (config->database, owner_password, password_file,
                                           &password, error)) != NULL;
  fd_secret_free (owner_password);
  fd_secret_free (password);
  if (!ok)
    return FALSE;
  /* `user`, `audit verify` … --data-dir DIR then reach this database */
  return fd_config_set_store (config, "postgresql", server, password_file, error) &&
         fd_config_write_store_file (config, error);
}

int
fd_cli_demo (int    argc,
             char **argv)
{
  g_autoptr(FdConfig) config = fd_config_new_defaults ();
  g_autoptr(GOptionContext) ctx = g_option_context_new ("- run the demo office server");
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = NULL, *listen = NULL, *password = NULL, *off_hours = NULL;
  g_autofree char *audit_witness = NULL, *second_factor = NULL;
  g_autofree char *store_name = NULL, *database = NULL, *database_password_file = NULL;
  gint residents = 2000, lock_after = 300, reveal_window = 30, witness_interval = 60;
  gint sign_in_rate = 30, n_estates = -1;   /* -1: not given, the one estate "main" */
  gint64 test_clock_offset = 0;
  gint64 seed = 2026;
  gboolean no_watermark = FALSE;
  const char *hosts[] = { "127.0.0.1", "::1", "localhost", NULL };
  GOptionEntry entries[] = {
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, "Data directory (created)", "DIR" },
    { "listen", 0, 0, G_OPTION_ARG_STRING, &listen, "Loopback address and port", "ADDR:PORT" },
    { "residents", 0, 0, G_OPTION_ARG_INT, &residents, "Synthetic residents to seed", "N" },
    { "demo-password", 0, 0, G_OPTION_ARG_STRING, &password, "Password of every demo account", "PW" },
    { "off-hours", 0, 0, G_OPTION_ARG_STRING, &off_hours, "Off-hours window", "HH:MM-HH:MM" },
    { "estates", 0, 0, G_OPTION_ARG_INT, &n_estates, "Estates e1…eN to seed (default: one, main)", "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Seed of the synthetic data", "N" },
    { "lock-after", 0, 0, G_OPTION_ARG_INT, &lock_after, "Client auto-lock after S seconds idle", "S" },
    { "reveal-window", 0, 0, G_OPTION_ARG_INT, &reveal_window, "Seconds a revealed value shows", "S" },
    { "no-watermark", 0, 0, G_OPTION_ARG_NONE, &no_watermark, "Ask clients for no watermark", NULL },
    { "audit-witness", 0, 0, G_OPTION_ARG_STRING, &audit_witness,
      "Where the audit head is witnessed", "journal|syslog|file:PATH|off" },
    /* tests: witness the head sooner than every minute */
    { "audit-witness-interval", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT, &witness_interval,
      NULL, "S" },
    { "sign-in-rate", 0, 0, G_OPTION_ARG_INT, &sign_in_rate, "Sign-in attempts a minute per address", "N" },
    /* issue 11 */
    { "store", 0, 0, G_OPTION_ARG_STRING, &store_name, "Engine (sqlite)", "sqlite|postgresql" },
    { "database", 0, 0, G_OPTION_ARG_STRING, &database,
      "SQLite file, or PostgreSQL connection string of the database's owner", "PATH|CONNINFO" },
    { "database-password-file", 0, 0, G_OPTION_ARG_FILENAME, &database_password_file,
      "PostgreSQL: the owner's password (mode 0600)", "PATH" },
    /* TEST ONLY (issue 12): move the server's clock by S seconds, so that a
     * test can reach an access review's 14-day deadline. Demo only: serve
     * and the config file have no such key. */
    { "test-clock-offset", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT64, &test_clock_offset, NULL, "S" },
    { "second-factor", 0, 0, G_OPTION_ARG_STRING, &second_factor,
      "Roles that sign in with a second factor (default off in the demo)",
      "off|required-for: ROLE,…" },
    { NULL }
  };

  g_option_context_add_main_entries (ctx, entries, NULL);
  /* issue 12: --alert-webhook URL, --alert-syslog … (the config's keys) */
  g_option_context_add_group (ctx, fd_config_alert_option_group (config));
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return fd_cli_usage_error (error->message);
  if (argc > 1)
    return fd_cli_usage_error ("unexpected arguments");
  if (data_dir == NULL)
    return fd_cli_usage_error ("demo needs --data-dir DIR");
  if (residents < 0 || residents > 1000000)
    return fd_cli_usage_error ("--residents must be from 0 to 1000000");
  if (n_estates != -1 && (n_estates < 1 || n_estates > 50))
    return fd_cli_usage_error ("--estates must be from 1 to 50");
  if (lock_after < 60 || lock_after > 900)
    {
      /* tests may ask for shorter locks; the policy floor is 1 minute for offices */
      if (lock_after < 1 || lock_after > 900)
        return fd_cli_usage_error ("--lock-after must be from 1 to 900 seconds");
    }
  if (reveal_window < 1 || reveal_window > 120)
    return fd_cli_usage_error ("--reveal-window must be from 1 to 120 seconds");
  if (sign_in_rate < 1 || sign_in_rate > 100000)
    return fd_cli_usage_error ("--sign-in-rate must be from 1 to 100000");
  if (listen != NULL && !fd_config_parse_listen (config, listen, &error))
    return fd_cli_usage_error (error->message);
  if (!fd_host_is_loopback (config->listen_host))
    return fd_cli_usage_error ("demo mode listens on loopback only (127.0.0.1 or ::1)");
  if (off_hours != NULL && !fd_config_parse_off_hours (config, off_hours, &error))
    return fd_cli_usage_error (error->message);
  /* issue 15: off unless asked for; the demo accounts are exempt even then */
  config->second_factor_roles = 0;
  if (second_factor != NULL && !fd_config_parse_second_factor (config, second_factor, &error))
    return fd_cli_usage_error (error->message);
  if (audit_witness != NULL)
    {
      if (!fd_witness_parse_destination (audit_witness, NULL, NULL, &error))
        return fd_cli_usage_error (error->message);
      g_free (config->audit_witness);
      config->audit_witness = g_steal_pointer (&audit_witness);
    }
  if (!fd_config_set_store (config, store_name ? store_name : "sqlite", database,
                            database_password_file, &error))
    return fd_cli_usage_error (error->message);
  if (witness_interval < 1 || witness_interval > 3600)
    return fd_cli_usage_error ("--audit-witness-interval must be from 1 to 3600 seconds");
  config->audit_witness_interval_s = witness_interval;
  if (test_clock_offset < -G_GINT64_CONSTANT (400) * 86400 ||
      test_clock_offset > G_GINT64_CONSTANT (400) * 86400)
    return fd_cli_usage_error ("--test-clock-offset must be within 400 days");
  if (test_clock_offset != 0)
    {
      g_message ("TEST ONLY: the server's clock is moved by %" G_GINT64_FORMAT " s",
                 test_clock_offset);
      fd_server_set_test_clock_offset (test_clock_offset);
    }

  config->demo = TRUE;
  config->lock_after_s = lock_after;
  config->reveal_window_s = reveal_window;
  config->sign_in_rate = sign_in_rate;
  config->watermark = !no_watermark;
  config->data_dir = g_canonicalize_filename (data_dir, NULL);

  if (!fd_cli_ensure_private_dir (config->data_dir, &error) ||
      !fd_crypto_init (&error) ||
      !fd_certs_ensure_demo (config->data_dir, hosts, &error) ||
      !fd_cli_check_server_files (config, &error) ||
      !demo_pg_login (config, &error))
    {
      g_printerr ("frontdesk-server: %s\n", error->message);
      return FD_CLI_EXIT_USAGE;
    }

  {
    g_autoptr(GTimer) timer = g_timer_new ();
    FdStore *store = fd_cli_open_store (config, TRUE, &error);

    if (store == NULL ||
        !fd_seed_demo_estates (store, residents, MAX (n_estates, 0), seed,
                               password ? password : "frontdesk-demo", &error))
      {
        g_printerr ("frontdesk-server: %s\n", error->message);
        fd_store_close (store);
        return FD_CLI_EXIT_USAGE;
      }
    fd_store_close (store);
    g_message ("Demo data ready in %.1f s", g_timer_elapsed (timer, NULL));
  }
  if (password != NULL)
    explicit_bzero (password, strlen (password));

  return fd_cli_run_server (g_steal_pointer (&config));
}
