#include "config.h"

#include <errno.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <termios.h>
#include <unistd.h>

#include "fd-certs.h"
#include "fd-config.h"
#include "fd-crypto.h"
#include "fd-field.h"
#include "fd-seed.h"
#include "fd-server.h"
#include "fd-store.h"

/* frontdesk-server: demo | serve | audit verify | user …
 * Exit codes: 0 ok, 1 a check failed (audit verify), 2 usage or I/O. */

#define EXIT_USAGE 2

static const char usage_text[] =
  "Usage:\n"
  "  frontdesk-server demo --data-dir DIR [--listen 127.0.0.1:PORT] [--residents N]\n"
  "                        [--demo-password PW] [--off-hours HH:MM-HH:MM] [--seed N]\n"
  "                        [--lock-after S] [--reveal-window S] [--no-watermark]\n"
  "                        [--sign-in-rate N]\n"
  "  frontdesk-server serve --config FILE\n"
  "  frontdesk-server audit verify (--data-dir DIR | --config FILE)\n"
  "  frontdesk-server user list (--data-dir DIR | --config FILE)\n"
  "  frontdesk-server user add (--data-dir DIR | --config FILE) --username U --role R\n"
  "                        [--display-name NAME]   (password read from standard input)\n"
  "  frontdesk-server user disable|enable|unlock (--data-dir DIR | --config FILE) --username U\n"
  "  frontdesk-server user set-role (--data-dir DIR | --config FILE) --username U --role R\n";

static GMainLoop *main_loop;

static int
usage_error (const char *message)
{
  if (message != NULL)
    g_printerr ("frontdesk-server: %s\n", message);
  g_printerr ("%s", usage_text);
  return EXIT_USAGE;
}

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (main_loop);
  return G_SOURCE_REMOVE;
}

static gboolean
signal_cb (gpointer user_data)
{
  FdServer *server = user_data;

  g_message ("Stopping: finishing requests in flight");
  fd_server_shutdown (server, quit_cb, NULL);
  return G_SOURCE_CONTINUE;
}

static gboolean
ensure_private_dir (const char  *dir,
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

static FdStore *
open_store (FdConfig  *config,
            gboolean   create_key,
            GError   **error)
{
  g_autoptr(FdKeys) keys = NULL;

  if (!fd_crypto_init (error))
    return NULL;
  fd_config_resolve_paths (config);
  /* A new key only for a new database: a missing key next to an existing
   * database means the sealed columns would become unreadable. */
  if (create_key && g_file_test (config->db_path, G_FILE_TEST_EXISTS) &&
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
  return fd_store_sqlite_open (config->db_path, g_steal_pointer (&keys), error);
}

static int
run_server (FdConfig *config)
{
  g_autoptr(GError) error = NULL;
  FdServer *server;
  FdStore *store;
  char *host = config->listen_host;

  store = open_store (config, TRUE, &error);
  if (store == NULL)
    {
      g_printerr ("frontdesk-server: %s\n", error->message);
      fd_config_free (config);
      return EXIT_USAGE;
    }
  server = fd_server_new (config, store, &error);
  if (server == NULL || !fd_server_listen (server, &error))
    {
      g_printerr ("frontdesk-server: %s\n", error->message);
      fd_server_free (server);
      return EXIT_USAGE;
    }

  main_loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGTERM, signal_cb, server);
  g_unix_signal_add (SIGINT, signal_cb, server);

  if (strchr (host, ':') != NULL)
    g_print ("listening on https://[%s]:%u\n", host, fd_server_get_port (server));
  else
    g_print ("listening on https://%s:%u\n", host, fd_server_get_port (server));
  fflush (stdout);

  g_main_loop_run (main_loop);
  fd_server_free (server);
  g_main_loop_unref (main_loop);
  g_message ("Stopped cleanly");
  return 0;
}

static int
cmd_demo (int    argc,
          char **argv)
{
  g_autoptr(FdConfig) config = fd_config_new_defaults ();
  g_autoptr(GOptionContext) ctx = g_option_context_new ("- run the demo office server");
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = NULL, *listen = NULL, *password = NULL, *off_hours = NULL;
  gint residents = 2000, lock_after = 300, reveal_window = 30, sign_in_rate = 30;
  gint64 seed = 2026;
  gboolean no_watermark = FALSE;
  const char *hosts[] = { "127.0.0.1", "::1", "localhost", NULL };
  GOptionEntry entries[] = {
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, "Data directory (created)", "DIR" },
    { "listen", 0, 0, G_OPTION_ARG_STRING, &listen, "Loopback address and port", "ADDR:PORT" },
    { "residents", 0, 0, G_OPTION_ARG_INT, &residents, "Synthetic residents to seed", "N" },
    { "demo-password", 0, 0, G_OPTION_ARG_STRING, &password, "Password of every demo account", "PW" },
    { "off-hours", 0, 0, G_OPTION_ARG_STRING, &off_hours, "Off-hours window", "HH:MM-HH:MM" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Seed of the synthetic data", "N" },
    { "lock-after", 0, 0, G_OPTION_ARG_INT, &lock_after, "Client auto-lock after S seconds idle", "S" },
    { "reveal-window", 0, 0, G_OPTION_ARG_INT, &reveal_window, "Seconds a revealed value shows", "S" },
    { "no-watermark", 0, 0, G_OPTION_ARG_NONE, &no_watermark, "Ask clients for no watermark", NULL },
    { "sign-in-rate", 0, 0, G_OPTION_ARG_INT, &sign_in_rate, "Sign-in attempts a minute per address", "N" },
    { NULL }
  };

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return usage_error (error->message);
  if (argc > 1)
    return usage_error ("unexpected arguments");
  if (data_dir == NULL)
    return usage_error ("demo needs --data-dir DIR");
  if (residents < 0 || residents > 1000000)
    return usage_error ("--residents must be from 0 to 1000000");
  if (lock_after < 60 || lock_after > 900)
    {
      /* tests may ask for shorter locks; the policy floor is 1 minute for offices */
      if (lock_after < 1 || lock_after > 900)
        return usage_error ("--lock-after must be from 1 to 900 seconds");
    }
  if (reveal_window < 1 || reveal_window > 120)
    return usage_error ("--reveal-window must be from 1 to 120 seconds");
  if (sign_in_rate < 1 || sign_in_rate > 100000)
    return usage_error ("--sign-in-rate must be from 1 to 100000");
  if (listen != NULL && !fd_config_parse_listen (config, listen, &error))
    return usage_error (error->message);
  if (!fd_host_is_loopback (config->listen_host))
    return usage_error ("demo mode listens on loopback only (127.0.0.1 or ::1)");
  if (off_hours != NULL && !fd_config_parse_off_hours (config, off_hours, &error))
    return usage_error (error->message);

  config->demo = TRUE;
  config->lock_after_s = lock_after;
  config->reveal_window_s = reveal_window;
  config->sign_in_rate = sign_in_rate;
  config->watermark = !no_watermark;
  config->data_dir = g_canonicalize_filename (data_dir, NULL);

  if (!ensure_private_dir (config->data_dir, &error) ||
      !fd_crypto_init (&error) ||
      !fd_certs_ensure_demo (config->data_dir, hosts, &error))
    {
      g_printerr ("frontdesk-server: %s\n", error->message);
      return EXIT_USAGE;
    }

  {
    g_autoptr(GTimer) timer = g_timer_new ();
    FdStore *store = open_store (config, TRUE, &error);

    if (store == NULL ||
        !fd_seed_demo (store, residents, seed, password ? password : "frontdesk-demo", &error))
      {
        g_printerr ("frontdesk-server: %s\n", error->message);
        fd_store_close (store);
        return EXIT_USAGE;
      }
    fd_store_close (store);
    g_message ("Demo data ready in %.1f s", g_timer_elapsed (timer, NULL));
  }
  if (password != NULL)
    explicit_bzero (password, strlen (password));

  return run_server (g_steal_pointer (&config));
}

static gboolean
load_config_or_dir (const char  *config_file,
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
  return TRUE;
}

static int
cmd_serve (int    argc,
           char **argv)
{
  g_autoptr(FdConfig) config = fd_config_new_defaults ();
  g_autoptr(GOptionContext) ctx = g_option_context_new ("- run the office server");
  g_autoptr(GError) error = NULL;
  g_autofree char *config_file = NULL;
  GOptionEntry entries[] = {
    { "config", 0, 0, G_OPTION_ARG_FILENAME, &config_file, "Configuration file", "FILE" },
    { NULL }
  };

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return usage_error (error->message);
  if (config_file == NULL || argc > 1)
    return usage_error ("serve needs --config FILE");
  if (!fd_config_load_file (config, config_file, &error) ||
      !ensure_private_dir (config->data_dir, &error))
    {
      g_printerr ("frontdesk-server: %s\n", error->message);
      return EXIT_USAGE;
    }
  return run_server (g_steal_pointer (&config));
}

static int
cmd_audit (int    argc,
           char **argv)
{
  g_autoptr(FdConfig) config = fd_config_new_defaults ();
  g_autoptr(GOptionContext) ctx = g_option_context_new ("verify - check the audit chain");
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = NULL, *config_file = NULL;
  gint64 entries_n = 0, first_bad = 0;
  FdStore *store;
  gboolean ok;
  GOptionEntry entries[] = {
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, "Data directory", "DIR" },
    { "config", 0, 0, G_OPTION_ARG_FILENAME, &config_file, "Configuration file", "FILE" },
    { NULL }
  };

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return usage_error (error->message);
  if (argc != 2 || !g_str_equal (argv[1], "verify"))
    return usage_error ("the audit command is: audit verify");
  if (!load_config_or_dir (config_file, data_dir, config, &error))
    return usage_error (error->message);
  fd_config_resolve_paths (config);
  if (!g_file_test (config->db_path, G_FILE_TEST_IS_REGULAR))
    {
      g_printerr ("frontdesk-server: no database at %s\n", config->db_path);
      return EXIT_USAGE;
    }
  store = open_store (config, FALSE, &error);
  if (store == NULL)
    {
      g_printerr ("frontdesk-server: %s\n", error->message);
      return EXIT_USAGE;
    }
  ok = FD_STORE_CALL (store, audit_verify, &entries_n, &first_bad, &error);
  fd_store_close (store);
  if (ok)
    {
      g_print ("ok %" G_GINT64_FORMAT " entries\n", entries_n);
      return 0;
    }
  if (first_bad == 0)
    {
      g_printerr ("frontdesk-server: %s\n", error ? error->message : "cannot read the audit log");
      return EXIT_USAGE;
    }
  g_print ("broken at seq %" G_GINT64_FORMAT " (%" G_GINT64_FORMAT " entries)\n", first_bad, entries_n);
  return 1;
}

static char *
read_password (void)
{
  struct termios old, quiet;
  gboolean tty = isatty (STDIN_FILENO);
  char buf[1025];
  size_t len;

  if (tty)
    {
      g_printerr ("Password: ");
      tcgetattr (STDIN_FILENO, &old);
      quiet = old;
      quiet.c_lflag &= ~ECHO;
      tcsetattr (STDIN_FILENO, TCSANOW, &quiet);
    }
  if (fgets (buf, sizeof buf, stdin) == NULL)
    buf[0] = '\0';
  if (tty)
    {
      tcsetattr (STDIN_FILENO, TCSANOW, &old);
      g_printerr ("\n");
    }
  len = strlen (buf);
  while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
    buf[--len] = '\0';
  {
    char *password = g_strdup (buf);
    explicit_bzero (buf, sizeof buf);
    return password;
  }
}

static int
cmd_user (int    argc,
          char **argv)
{
  g_autoptr(FdConfig) config = fd_config_new_defaults ();
  g_autoptr(GOptionContext) ctx = g_option_context_new ("list|add|disable|enable|unlock|set-role");
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = NULL, *config_file = NULL, *username = NULL, *role = NULL;
  g_autofree char *display_name = NULL;
  g_autoptr(FdUserRecord) user = NULL;
  const char *verb;
  FdStore *store;
  int rc = 0;
  GOptionEntry entries[] = {
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, "Data directory", "DIR" },
    { "config", 0, 0, G_OPTION_ARG_FILENAME, &config_file, "Configuration file", "FILE" },
    { "username", 0, 0, G_OPTION_ARG_STRING, &username, "Account name", "U" },
    { "role", 0, 0, G_OPTION_ARG_STRING, &role, "Role", "ROLE" },
    { "display-name", 0, 0, G_OPTION_ARG_STRING, &display_name, "Name shown in the app", "NAME" },
    { NULL }
  };

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return usage_error (error->message);
  if (argc != 2)
    return usage_error ("name one user command");
  verb = argv[1];
  if (!load_config_or_dir (config_file, data_dir, config, &error))
    return usage_error (error->message);
  if (!g_str_equal (verb, "list") && username == NULL)
    return usage_error ("--username is required");

  if (g_str_equal (verb, "add") && config->data_dir != NULL &&
      !ensure_private_dir (config->data_dir, &error))
    {
      g_printerr ("frontdesk-server: %s\n", error->message);
      return EXIT_USAGE;
    }
  store = open_store (config, g_str_equal (verb, "add"), &error);
  if (store == NULL)
    {
      g_printerr ("frontdesk-server: %s\n", error->message);
      return EXIT_USAGE;
    }

  if (g_str_equal (verb, "list"))
    {
      g_autoptr(GPtrArray) users = FD_STORE_CALL0 (store, user_list);
      for (guint i = 0; i < users->len; i++)
        {
          FdUserRecord *u = g_ptr_array_index (users, i);
          gboolean locked = u->locked_until == -1 || u->locked_until > g_get_real_time ();
          g_print ("%-16s %-10s %s%s\n", u->username, u->role, u->disabled ? "disabled" : "active",
                   locked ? ", locked" : "");
        }
      goto out;
    }
  if (g_str_equal (verb, "add"))
    {
      char *password = NULL;

      if (role == NULL)
        {
          rc = usage_error ("--role is required");
          goto out;
        }
      password = read_password ();
      if (!fd_seed_add_user (store, username, display_name ? display_name : username, role,
                             password, "(command line)", &error))
        {
          g_printerr ("frontdesk-server: %s\n", error->message);
          rc = EXIT_USAGE;
        }
      fd_secret_free (password);
      goto out;
    }

  user = FD_STORE_CALL (store, user_by_name, username);
  if (user == NULL)
    {
      g_printerr ("frontdesk-server: no such account\n");
      rc = EXIT_USAGE;
      goto out;
    }
  if (g_str_equal (verb, "disable") || g_str_equal (verb, "enable"))
    user->disabled = g_str_equal (verb, "disable");
  else if (g_str_equal (verb, "unlock"))
    user->locked_until = 0, user->failed_logins = 0;
  else if (g_str_equal (verb, "set-role"))
    {
      if (role == NULL || !(g_str_equal (role, "reception") || g_str_equal (role, "patrol") ||
                            g_str_equal (role, "finance") || g_str_equal (role, "manager") ||
                            g_str_equal (role, "auditor") || g_str_equal (role, "admin")))
        {
          rc = usage_error ("--role must be reception, patrol, finance, manager, auditor or admin");
          goto out;
        }
      g_free (user->role);
      user->role = g_strdup (role);
    }
  else
    {
      rc = usage_error ("unknown user command");
      goto out;
    }
  if (!FD_STORE_CALL (store, user_update, user, &error) ||
      ((g_str_equal (verb, "unlock") || g_str_equal (verb, "enable")) &&
       !FD_STORE_CALL (store, login_attempt_clear, username, &error)) ||
      !fd_seed_audit_cli (store, "account-change", username, verb, &error))
    {
      g_printerr ("frontdesk-server: %s\n", error->message);
      rc = EXIT_USAGE;
      goto out;
    }
  if (!g_str_equal (verb, "enable") && !g_str_equal (verb, "unlock"))
    FD_STORE_CALL (store, sessions_end_for_user, user->id,
                   g_str_equal (verb, "disable") ? "disabled" : "role-changed", g_get_real_time ());

out:
  fd_store_close (store);
  return rc;
}

int
main (int   argc,
      char *argv[])
{
  const char *command;

  /* Command-line text (display names) is UTF-8 in the user's locale. */
  setlocale (LC_ALL, "");
  /* No core dumps of a process holding keys and resident data. */
  prctl (PR_SET_DUMPABLE, 0);
  /* TLS 1.2 and 1.3 only, AEAD ciphers with forward secrecy only (Mozilla's
   * intermediate profile), whatever the system's GnuTLS default. */
  g_setenv ("G_TLS_GNUTLS_PRIORITY",
            "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:-CIPHER-ALL:+AES-128-GCM:+AES-256-GCM:"
            "+CHACHA20-POLY1305:-MAC-ALL:+AEAD:-KX-ALL:+ECDHE-ECDSA:+ECDHE-RSA:%SERVER_PRECEDENCE",
            TRUE);
  /* A lost client connection must not kill the server. */
  signal (SIGPIPE, SIG_IGN);

  if (argc < 2)
    return usage_error (NULL);
  command = argv[1];
  if (g_str_equal (command, "--help") || g_str_equal (command, "-h") || g_str_equal (command, "help"))
    {
      g_print ("%s", usage_text);
      return 0;
    }
  if (g_str_equal (command, "--version"))
    {
      g_print ("frontdesk-server %s\n", PACKAGE_VERSION);
      return 0;
    }

  argv[1] = argv[0];
  argv++, argc--;
  if (g_str_equal (command, "demo"))
    return cmd_demo (argc, argv);
  if (g_str_equal (command, "serve"))
    return cmd_serve (argc, argv);
  if (g_str_equal (command, "audit"))
    return cmd_audit (argc, argv);
  if (g_str_equal (command, "user"))
    return cmd_user (argc, argv);
  return usage_error ("unknown command");
}
