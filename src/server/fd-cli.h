/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The frontdesk-server commands, callable from main.c and from tests. */

#pragma once

#include <sqlite3.h>

#include "fd-config.h"
#include "fd-store-sqlite.h"

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

/* fd-cli-estate.c: estate add | list (issue 11) */
int       fd_cli_estate           (int           argc,
                                   char        **argv);

/* fd-cli-backup.c */
int       fd_cli_backup           (int           argc,
                                   char        **argv);
int       fd_cli_restore          (int           argc,
                                   char        **argv);
/* fd-cli-check.c (issue 12): the security self-check; exits 0 all ok,
 * 1 warnings, 2 any critical (or a usage error). */
int       fd_cli_check            (int           argc,
                                   char        **argv);
/* fd-cli-rekey.c */
int       fd_cli_rekey            (int           argc,
                                   char        **argv);

/* fd-cli-incident.c (issue 12): incident radius | rules set */
int       fd_cli_incident         (int           argc,
                                   char        **argv);
int       fd_cli_rules            (int           argc,
                                   char        **argv);
/* fd-cli-move-store.c (issue 16): an office's SQLite into the configured
 * PostgreSQL as one estate. */
int       fd_cli_move_store       (int           argc,
                                   char        **argv);

/* Shared by the commands (fd-cli.c): */

extern const char fd_cli_usage_text[];

/* Fills @config from --config FILE or --data-dir DIR (exactly one). */
gboolean  fd_cli_load_config      (const char   *config_file,
                                   const char   *data_dir,
                                   FdConfig     *config,
                                   GError      **error);
/* The start of a command on the office: --data-dir DIR and --config FILE
 * added before @entries, the command line parsed and @config loaded.
 * With @verb, exactly one word must follow the command name (one of
 * @verbs unless that is NULL), returned in *@verb; without, none may.
 * FALSE after printing @usage (or the parser's or the configuration's
 * complaint) and the usage text: exit with FD_CLI_EXIT_USAGE. */
gboolean  fd_cli_parse_config     (GOptionContext      *ctx,
                                   const GOptionEntry  *entries,
                                   int                  argc,
                                   char               **argv,
                                   const char * const  *verbs,
                                   const char          *usage,
                                   const char         **verb,
                                   FdConfig            *config);
/* Opens the configured database with the configured key file, refusing a
 * key that is not the database's. */
FdStore  *fd_cli_open_store       (FdConfig     *config,
                                   gboolean      create_key,
                                   GError      **error);
/* The PostgreSQL store of @config, logged in as the configured role,
 * with @keys (taken, also on failure). */
FdStore  *fd_cli_open_pg_store    (FdConfig     *config,
                                   FdKeys       *keys,
                                   GError      **error);
/* For a command whose verb @adding makes the office: the data directory
 * made private first (when there is one), then fd_cli_open_store(); on
 * failure prints why and returns NULL (exit with FD_CLI_EXIT_USAGE). */
FdStore  *fd_cli_open_store_or_say (FdConfig    *config,
                                    gboolean     adding);
/* The same, by its name in the issue-11 brief: every command opens the
 * configured engine (store = sqlite | postgresql) through here. */
FdStore  *fd_store_open_configured (FdConfig    *config,
                                    gboolean     create_key,
                                    GError     **error);
/* fd-cli-migrate.c: applies the schema history to the configured engine. */
int       fd_cli_migrate          (int           argc,
                                   char        **argv);
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

/* Defined in fd-cli-backup.c: */

/* Parses --data-dir DIR | --config FILE and @entries from @argv, loads
 * the configuration into @config (paths resolved) and, when
 * @need_database, checks that the database exists. Returns -1 when the
 * command goes on, else the exit status to return (the error printed). */
int       fd_cli_begin            (const char          *summary,
                                   const GOptionEntry  *entries,
                                   gboolean             need_database,
                                   int                  argc,
                                   char               **argv,
                                   FdConfig            *config);
/* The same for a command that works on either engine (check): on
 * PostgreSQL nothing more is checked here; on SQLite the file must
 * exist. */
int       fd_cli_begin_any_engine (const char          *summary,
                                   const GOptionEntry  *entries,
                                   int                  argc,
                                   char               **argv,
                                   FdConfig            *config);

/* Opens @db_path and takes SQLite's exclusive lock (locking_mode
 * EXCLUSIVE, BEGIN EXCLUSIVE) for the life of the connection. Fails when
 * any other connection has the database open — a running server, a
 * `user` command — and while it is held no other can open it. */
sqlite3  *fd_cli_lock_database    (const char   *db_path,
                                   GError      **error);
/* Checks the database at @path: PRAGMA integrity_check, the key check
 * value against the key file @key_file, the audit chain. *@entries gets
 * the chain's length. FD_STORE_WRONG_KEY_ERROR for a foreign key. */
gboolean  fd_cli_verify_database  (const char   *path,
                                   const char   *key_file,
                                   gint64       *entries,
                                   GError      **error);
/* DIR for backups: made 0700 when missing; refused when group members
 * may write to it or others may do anything with it. */
gboolean  fd_cli_prepare_backup_dir (const char *dir,
                                     GError    **error);
/* Keeps the @keep newest files of @dir whose names match @name_pattern
 * (a regex over "frontdesk-YYYYMMDD-HHMMSS.EXT"); others are left alone. */
void      fd_cli_prune_backups    (const char   *dir,
                                   guint         keep,
                                   const char   *name_pattern);
/* Says why restore refused the backup @from (@error from its check:
 * FD_STORE_WRONG_KEY_ERROR for another key) and that nothing changed. */
void      fd_cli_print_restore_refusal (const char   *from,
                                        const char   *key_file,
                                        const GError *error);
/* "YYYYMMDD-HHMMSS", UTC, now. */
char     *fd_cli_timestamp        (void);
/* fsync()s the directory holding @path, so a rename in it is durable. */
void      fd_cli_sync_parent      (const char   *path);
/* fsync()s the file at @path; FALSE ("Cannot write @path") when it cannot. */
gboolean  fd_cli_sync_file        (const char   *path,
                                   GError      **error);

G_END_DECLS
