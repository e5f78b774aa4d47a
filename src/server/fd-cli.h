/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The frontdesk-server commands, callable from main.c and from tests. */

#pragma once

#include "fd-config.h"
#include "fd-store.h"

G_BEGIN_DECLS

/* The command-line subcommands of frontdesk-server, one file each
 * (fd-cli-*.c), dispatched by main.c. Each takes the arguments after the
 * command name (argv[0] is the program), prints what it did on standard
 * output and returns the exit status: 0 done, 1 a check failed, 2 usage,
 * configuration or I/O error. */

#define FD_CLI_EXIT_USAGE 2

/* fd-cli-demo.c */
int       fd_cli_demo             (int           argc,
                                   char        **argv);
/* fd-cli-serve.c */
int       fd_cli_serve            (int           argc,
                                   char        **argv);
/* fd-cli-audit.c: audit verify | audit accept-restore */
int       fd_cli_audit            (int           argc,
                                   char        **argv);
/* fd-cli-user.c: user list | add | disable | enable | unlock | set-role;
 * add reads the password from standard input. */
int       fd_cli_user             (int           argc,
                                   char        **argv);

/* Shared by the commands (fd-cli.c): */

extern const char fd_cli_usage_text[];

/* Fills @config from --config FILE or --data-dir DIR (exactly one). */
gboolean  fd_cli_load_config      (const char   *config_file,
                                   const char   *data_dir,
                                   FdConfig     *config,
                                   GError      **error);
/* Opens the configured database with the configured key file, refusing a
 * key that is not the database's. */
FdStore  *fd_cli_open_store       (FdConfig     *config,
                                   gboolean      create_key,
                                   GError      **error);
/* Prints @message (may be NULL) and the usage text; returns 2. */
int       fd_cli_usage_error      (const char   *message);
/* Creates @dir (mode 0700) and its parents. */
gboolean  fd_cli_ensure_private_dir (const char  *dir,
                                     GError     **error);
/* What serve and demo refuse before they open anything: a data directory
 * others may write to, a TLS private key others may read, and a
 * certificate that is not the key's. */
gboolean  fd_cli_check_server_files (FdConfig  *config,
                                     GError   **error);
/* fd-cli-serve.c: opens the store, serves until SIGTERM or SIGINT. Takes
 * @config. */
int       fd_cli_run_server       (FdConfig     *config);

G_END_DECLS
