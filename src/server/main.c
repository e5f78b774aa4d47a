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
#include "fd-cli.h"
#include "fd-config.h"
#include "fd-crypto.h"
#include "fd-error.h"
#include "fd-field.h"
#include "fd-seed.h"
#include "fd-server.h"
#include "fd-startup.h"
#include "fd-store.h"
#include "fd-witness.h"

/* frontdesk-server: demo | serve | audit verify | user | backup | restore | rekey …
 * Exit codes: 0 ok, 1 a check failed (audit verify), 2 usage or I/O. */

#define EXIT_USAGE 2

static const char usage_text[] =
  "Usage:\n"
  "  frontdesk-server demo --data-dir DIR [--listen 127.0.0.1:PORT] [--residents N]\n"
  "                        [--demo-password PW] [--off-hours HH:MM-HH:MM] [--seed N]\n"
  "                        [--lock-after S] [--reveal-window S] [--no-watermark]\n"
  "                        [--audit-witness journal|syslog|file:PATH|off]\n"
  "                        [--sign-in-rate N]\n"
  "  frontdesk-server serve --config FILE\n"
  "  frontdesk-server audit verify (--data-dir DIR | --config FILE) [--witness FILE]\n"
  "  frontdesk-server audit accept-restore (--data-dir DIR | --config FILE) [--witness FILE]\n"
  "  frontdesk-server user list (--data-dir DIR | --config FILE)\n"
  "  frontdesk-server user add (--data-dir DIR | --config FILE) --username U --role R\n"
  "                        [--display-name NAME]   (password read from standard input)\n"
  "  frontdesk-server user disable|enable|unlock (--data-dir DIR | --config FILE) --username U\n"
  "  frontdesk-server user set-role (--data-dir DIR | --config FILE) --username U --role R\n"
  "  frontdesk-server backup (--data-dir DIR | --config FILE) --to DIR [--keep N]\n"
  "  frontdesk-server restore (--data-dir DIR | --config FILE) --from FILE\n"
  "  frontdesk-server rekey (--data-dir DIR | --config FILE) --new-key PATH\n"
  "  frontdesk-server rekey (--data-dir DIR | --config FILE) --finish\n";

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

/* What `serve` and `demo` refuse before they open anything: a data
 * directory others may write to, a TLS private key others may read, and a
 * certificate that is not the key's. */
static gboolean
check_server_files (FdConfig  *config,
                    GError   **error)
{
  fd_config_resolve_paths (config);
  return fd_startup_check_data_dir (config->data_dir, error) &&
         fd_startup_check_private_key (config->private_key, error) &&
         fd_certs_check_pair (config->certificate, config->private_key, error);
}

static FdStore *
open_store (FdConfig  *config,
            gboolean   create_key,
            GError   **error)
{
  g_autoptr(FdKeys) keys = NULL;
  g_autoptr(GError) local_error = NULL;
  FdStore *store;

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
  store = fd_store_sqlite_open (config->db_path, g_steal_pointer (&keys), &local_error);
  if (store == NULL && g_error_matches (local_error, FD_STORE_WRONG_KEY_ERROR, 0))
    {
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                   "The data key file %s is not the key of the database %s (%s). Refusing to "
                   "start: with a foreign key no encrypted value can be read and new ones "
                   "would be sealed under the wrong key. Restore this database's own key "
                   "file from its backup (or point [server] key-file at it) and start again",
                   config->key_file, config->db_path, local_error->message);
      return NULL;
    }
  if (store == NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return store;
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
  g_autofree char *audit_witness = NULL;
  gint residents = 2000, lock_after = 300, reveal_window = 30, witness_interval = 60;
  gint sign_in_rate = 30;
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
    { "audit-witness", 0, 0, G_OPTION_ARG_STRING, &audit_witness,
      "Where the audit head is witnessed", "journal|syslog|file:PATH|off" },
    /* tests: witness the head sooner than every minute */
    { "audit-witness-interval", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT, &witness_interval,
      NULL, "S" },
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
  if (audit_witness != NULL)
    {
      if (!fd_witness_parse_destination (audit_witness, NULL, NULL, &error))
        return usage_error (error->message);
      g_free (config->audit_witness);
      config->audit_witness = g_steal_pointer (&audit_witness);
    }
  if (witness_interval < 1 || witness_interval > 3600)
    return usage_error ("--audit-witness-interval must be from 1 to 3600 seconds");
  config->audit_witness_interval_s = witness_interval;

  config->demo = TRUE;
  config->lock_after_s = lock_after;
  config->reveal_window_s = reveal_window;
  config->sign_in_rate = sign_in_rate;
  config->watermark = !no_watermark;
  config->data_dir = g_canonicalize_filename (data_dir, NULL);

  if (!ensure_private_dir (config->data_dir, &error) ||
      !fd_crypto_init (&error) ||
      !fd_certs_ensure_demo (config->data_dir, hosts, &error) ||
      !check_server_files (config, &error))
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
      !ensure_private_dir (config->data_dir, &error) ||
      !check_server_files (config, &error))
    {
      g_printerr ("frontdesk-server: %s\n", error->message);
      return EXIT_USAGE;
    }
  return run_server (g_steal_pointer (&config));
}

/* Says on standard error what the witness check could not see. */
static void
note_witness (const FdWitnessMark *mark)
{
  if (mark->state == FD_WITNESS_READ_UNAVAILABLE)
    g_printerr ("note: no audit witness read from %s; a rollback cannot be seen "
                "(name the records with --witness FILE)\n", mark->source);
  else if (mark->state == FD_WITNESS_READ_NONE)
    g_printerr ("note: no audit witness of this database in %s; a rollback cannot be seen\n",
                mark->source);
  if (mark->accepted_seq >= 0)
    g_printerr ("note: a restore was accepted at %s (seq %" G_GINT64_FORMAT "); witnesses "
                "before it do not count\n", mark->accepted_at, mark->accepted_seq);
}

static int
audit_verify_with_witness (FdConfig   *config,
                           FdStore    *store,
                           const char *witness_file)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db_id = NULL;
  g_autofree char *rollback = NULL;
  FdWitnessMark mark = { 0 };
  gint64 entries_n = 0, first_bad = 0, witness_bad = 0;
  gboolean ok;

  ok = FD_STORE_CALL (store, audit_verify, &entries_n, &first_bad, &error);
  if (!ok && first_bad == 0)
    {
      g_printerr ("frontdesk-server: %s\n", error ? error->message : "cannot read the audit log");
      return EXIT_USAGE;
    }
  db_id = fd_witness_db_id (store, config->db_path);
  if (!fd_witness_read (config->audit_witness, witness_file, db_id, &mark, &error))
    {
      g_printerr ("frontdesk-server: cannot read the audit witness: %s\n", error->message);
      fd_witness_mark_clear (&mark);
      return EXIT_USAGE;
    }
  rollback = fd_witness_check (store, &mark, &witness_bad);
  note_witness (&mark);
  fd_witness_mark_clear (&mark);

  if (!ok)
    g_print ("broken at seq %" G_GINT64_FORMAT " (%" G_GINT64_FORMAT " entries)\n",
             first_bad, entries_n);
  if (rollback != NULL)
    g_print ("%s\n", rollback);
  if (ok && rollback == NULL)
    {
      g_print ("ok %" G_GINT64_FORMAT " entries\n", entries_n);
      return 0;
    }
  return 1;
}

/* After a restore from a backup the database ends before the witnessed
 * head, rightly: an operator records that this is the new start. */
static int
audit_accept_restore (FdConfig   *config,
                      FdStore    *store,
                      const char *witness_file)
{
  g_autoptr(GError) error = NULL;
  gint64 entries_n = 0, first_bad = 0;

  if (!FD_STORE_CALL (store, audit_verify, &entries_n, &first_bad, &error))
    {
      if (first_bad == 0)
        {
          g_printerr ("frontdesk-server: %s\n",
                      error ? error->message : "cannot read the audit log");
          return EXIT_USAGE;
        }
      g_print ("broken at seq %" G_GINT64_FORMAT " (%" G_GINT64_FORMAT " entries): not accepted\n",
               first_bad, entries_n);
      return 1;
    }
  if (!fd_witness_accept (store, config->audit_witness, witness_file, config->db_path, &error))
    {
      g_printerr ("frontdesk-server: %s\n", error->message);
      return EXIT_USAGE;
    }
  g_print ("accepted: the witness now starts at this database's %" G_GINT64_FORMAT " entries\n",
           entries_n);
  return 0;
}

static int
cmd_audit (int    argc,
           char **argv)
{
  g_autoptr(FdConfig) config = fd_config_new_defaults ();
  g_autoptr(GOptionContext) ctx =
    g_option_context_new ("verify|accept-restore - check the audit chain");
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = NULL, *config_file = NULL, *witness_file = NULL;
  FdStore *store;
  int rc;
  GOptionEntry entries[] = {
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, "Data directory", "DIR" },
    { "config", 0, 0, G_OPTION_ARG_FILENAME, &config_file, "Configuration file", "FILE" },
    { "witness", 0, 0, G_OPTION_ARG_FILENAME, &witness_file,
      "Read (or write) the audit witness records in FILE", "FILE" },
    { NULL }
  };

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return usage_error (error->message);
  if (argc != 2 || !(g_str_equal (argv[1], "verify") || g_str_equal (argv[1], "accept-restore")))
    return usage_error ("the audit commands are: audit verify, audit accept-restore");
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
  if (g_str_equal (argv[1], "verify"))
    rc = audit_verify_with_witness (config, store, witness_file);
  else
    rc = audit_accept_restore (config, store, witness_file);
  fd_store_close (store);
  return rc;
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

/* fd-cli.h: what the fd-cli-*.c commands share with the ones here. */
gboolean
fd_cli_load_config (const char  *config_file,
                    const char  *data_dir,
                    FdConfig    *config,
                    GError     **error)
{
  return load_config_or_dir (config_file, data_dir, config, error);
}

FdStore *
fd_cli_open_store (FdConfig  *config,
                   gboolean   create_key,
                   GError   **error)
{
  return open_store (config, create_key, error);
}

int
fd_cli_usage_error (const char *message)
{
  return usage_error (message);
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
  if (g_str_equal (command, "backup"))
    return fd_cli_backup (argc, argv);
  if (g_str_equal (command, "restore"))
    return fd_cli_restore (argc, argv);
  if (g_str_equal (command, "rekey"))
    return fd_cli_rekey (argc, argv);
  return usage_error ("unknown command");
}
