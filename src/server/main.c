/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The frontdesk-server executable: process set-up and command dispatch. */

#include "config.h"

#include <locale.h>
#include <signal.h>
#include <sys/prctl.h>

#include "fd-cli.h"

/* frontdesk-server: demo | serve | audit verify | user | backup | restore | rekey …
 * Exit codes: 0 ok, 1 a check failed (audit verify), 2 usage or I/O.
 * Each command lives in the server library as fd_cli_NAME() (fd-cli-*.c,
 * declared in fd-cli.h), where tests can call it; this file only sets up
 * the process and dispatches. */

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
    return fd_cli_usage_error (NULL);
  command = argv[1];
  if (g_str_equal (command, "--help") || g_str_equal (command, "-h") || g_str_equal (command, "help"))
    {
      g_print ("%s", fd_cli_usage_text);
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
    return fd_cli_demo (argc, argv);
  if (g_str_equal (command, "serve"))
    return fd_cli_serve (argc, argv);
  if (g_str_equal (command, "audit"))
    return fd_cli_audit (argc, argv);
  if (g_str_equal (command, "user"))
    return fd_cli_user (argc, argv);
  if (g_str_equal (command, "estate"))
    return fd_cli_estate (argc, argv);
  if (g_str_equal (command, "backup"))
    return fd_cli_backup (argc, argv);
  if (g_str_equal (command, "restore"))
    return fd_cli_restore (argc, argv);
  if (g_str_equal (command, "check"))
    return fd_cli_check (argc, argv);
  if (g_str_equal (command, "migrate"))
    return fd_cli_migrate (argc, argv);
  if (g_str_equal (command, "rekey"))
    return fd_cli_rekey (argc, argv);
  if (g_str_equal (command, "incident"))
    return fd_cli_incident (argc, argv);
  if (g_str_equal (command, "rules"))
    return fd_cli_rules (argc, argv);
  if (g_str_equal (command, "move-store"))
    return fd_cli_move_store (argc, argv);
  return fd_cli_usage_error ("unknown command");
}
