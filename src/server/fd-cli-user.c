/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The user commands: list, add, disable, enable, unlock, set-role and reset-totp staff accounts. */

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "fd-accounts.h"
#include "fd-cli.h"
#include "fd-error.h"
#include "fd-field.h"
#include "fd-seed.h"

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

/* issue 15: forgets the account's second factor (it enrols again at its
 * next sign-in) and ends its sessions; audited. */
static int
reset_totp (FdStore      *store,
            FdUserRecord *user)
{
  g_autoptr(GError) error = NULL;

  if (!fd_store_totp_reset (store, user->id, &error) ||
      !fd_seed_audit_cli (store, "second-factor-reset", user->username, "reset-totp", &error))
    {
      g_printerr ("frontdesk-server: %s\n", error->message);
      return FD_CLI_EXIT_USAGE;
    }
  g_print ("The second factor of %s is reset; it sets one up again at its next sign-in\n",
           user->username);
  return 0;
}

int
fd_cli_user (int    argc,
             char **argv)
{
  g_autoptr(FdConfig) config = fd_config_new_defaults ();
  g_autoptr(GOptionContext) ctx = g_option_context_new ("list|add|disable|enable|unlock|set-role|reset-totp");
  g_autoptr(GError) error = NULL;
  g_autofree char *username = NULL, *role = NULL;
  g_autofree char *display_name = NULL, *estate = NULL;
  g_autoptr(FdUserRecord) user = NULL;
  const char *verb;
  FdStore *store;
  int rc = 0;
  GOptionEntry entries[] = {
    { "username", 0, 0, G_OPTION_ARG_STRING, &username, "Account name", "U" },
    { "role", 0, 0, G_OPTION_ARG_STRING, &role, "Role", "ROLE" },
    { "display-name", 0, 0, G_OPTION_ARG_STRING, &display_name, "Name shown in the app", "NAME" },
    { "estate", 0, 0, G_OPTION_ARG_STRING, &estate, "Estates of the account (issue 11)",
      "CODE[,CODE...]" },
    { NULL }
  };

  if (!fd_cli_parse_config (ctx, entries, argc, argv, NULL, "name one user command", &verb,
                            config))
    return FD_CLI_EXIT_USAGE;
  if (!g_str_equal (verb, "list") && username == NULL)
    return fd_cli_usage_error ("--username is required");

  store = fd_cli_open_store_or_say (config, g_str_equal (verb, "add"));
  if (store == NULL)
    return FD_CLI_EXIT_USAGE;

  if (g_str_equal (verb, "list"))
    {
      g_autoptr(GPtrArray) users = FD_STORE_CALL0 (store, user_list);
      for (guint i = 0; i < users->len; i++)
        {
          FdUserRecord *u = g_ptr_array_index (users, i);
          gboolean locked = fd_account_is_locked (u, g_get_real_time ());
          g_print ("%-16s %-10s %s%s\n", u->username, u->role, u->disabled ? "disabled" : "active",
                   locked ? ", locked" : "");
        }
      goto out;
    }
  if (g_str_equal (verb, "add"))
    {
      char *password = NULL;
      g_auto(GStrv) codes = estate ? g_strsplit (estate, ",", -1) : NULL;
      g_autoptr(GArray) ids = NULL;

      if (role == NULL)
        {
          rc = fd_cli_usage_error ("--role is required");
          goto out;
        }
      /* the estates are checked before the password is asked for */
      if (!fd_seed_check_user (store, username, role, (const char * const *) codes, &ids, &error))
        {
          g_printerr ("frontdesk-server: %s\n", error->message);
          rc = FD_CLI_EXIT_USAGE;
          goto out;
        }
      password = read_password ();
      if (!fd_seed_add_user_estates (store, username, display_name ? display_name : username, role,
                                     password, (const char * const *) codes, &error))
        {
          g_printerr ("frontdesk-server: %s\n", error->message);
          rc = FD_CLI_EXIT_USAGE;
        }
      fd_secret_free (password);
      goto out;
    }

  user = FD_STORE_CALL (store, user_by_name, username);
  if (user == NULL)
    {
      g_printerr ("frontdesk-server: no such account\n");
      rc = FD_CLI_EXIT_USAGE;
      goto out;
    }
  if (g_str_equal (verb, "reset-totp"))
    {
      rc = reset_totp (store, user);
      goto out;
    }
  {
    FdAccountChange change = FD_ACCOUNT_CHANGE_INIT;
    g_autofree char *summary = NULL;
    const char *reason;

    if (g_str_equal (verb, "disable") || g_str_equal (verb, "enable"))
      change.disabled = g_str_equal (verb, "disable");
    else if (g_str_equal (verb, "unlock"))
      change.unlock = TRUE;
    else if (g_str_equal (verb, "set-role"))
      {
        if (role == NULL)
          {
            rc = fd_cli_usage_error ("--role is required");
            goto out;
          }
        change.role = role;
      }
    else
      {
        rc = fd_cli_usage_error ("unknown user command");
        goto out;
      }
    /* The same rules as /users (fd-accounts.h); the command line is no
     * account of its own (actor 0). One transaction from the check to
     * the audit entry, as the server's. */
    if (!FD_STORE_CALL (store, begin, &error))
      {
        g_printerr ("frontdesk-server: %s\n", error->message);
        rc = FD_CLI_EXIT_USAGE;
        goto out;
      }
    if (!fd_account_check (store, 0, user, &change, &reason, &error) ||
        (summary = fd_account_apply (store, user, &change, g_get_real_time (), &error)) == NULL ||
        !fd_seed_audit_cli (store, "account-change", username, *summary ? summary : verb, &error) ||
        !FD_STORE_CALL (store, commit, &error))
      {
        FD_STORE_CALL0 (store, rollback);
        if (g_error_matches (error, FD_ERROR, FD_ERROR_BAD_REQUEST))
          rc = fd_cli_usage_error ("--role must be reception, patrol, finance, manager, auditor or admin");
        else
          {
            g_printerr ("frontdesk-server: %s\n", error->message);
            rc = FD_CLI_EXIT_USAGE;
          }
        goto out;
      }
  }

out:
  fd_store_close (store);
  return rc;
}
