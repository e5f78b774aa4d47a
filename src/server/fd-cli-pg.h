/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The operations commands on a PostgreSQL office: rekey, backup, restore. */

#pragma once

#include <libpq-fe.h>

#include "fd-cli.h"
#include "fd-crypto.h"

G_BEGIN_DECLS

/* fd-cli-rekey-pg.c: rekey --new-key on store = postgresql, in one
 * transaction; returns the exit status. @crash_after: tests only. */
int       fd_rekey_pg                  (FdConfig     *config,
                                        const char   *new_key,
                                        guint         crash_after);

/* fd-cli-backup-pg.c, fd-cli-restore-pg.c: backup and restore with
 * pg_dump and pg_restore; return the exit status. */
int       fd_cli_backup_pg             (FdConfig     *config,
                                        const char   *dir,
                                        guint         keep);
int       fd_cli_restore_pg            (FdConfig     *config,
                                        const char   *from,
                                        const char   *owner_conninfo,
                                        const char   *owner_password_file);

/* fd-cli-pg-dump.c: the dump at @path: pg_restore --list reads it; its key
 * check value is @keys'; its audit chain links up from the genesis to the
 * head, and the head's keyed anchor is @keys'. *@entries gets the chain's
 * length. FD_STORE_WRONG_KEY_ERROR for another key. */
gboolean  fd_cli_pg_check_dump         (const char   *path,
                                        FdKeys       *keys,
                                        gint64       *entries,
                                        gint64       *schema_version,
                                        GError      **error);

/* fd-cli-pg.c */

/* A tool's connection: the string without its password, every estate
 * readable under row-level security; the password in a file of its own. */
typedef struct
{
  char *conninfo;
  char *passfile;     /* NULL when there is no password */
} FdCliPgLogin;

/* @conninfo (with @password, NULL to take the string's own) for pg_dump
 * and pg_restore: *@login gets the string without the password and a
 * passfile in @dir (0700) holding it. */
gboolean  fd_cli_pg_login_init         (FdCliPgLogin *login,
                                        const char   *conninfo,
                                        const char   *password,
                                        const char   *dir,
                                        GError      **error);
/* Overwrites and removes the passfile; wipes the string. */
void      fd_cli_pg_login_clear        (FdCliPgLogin *login);
/* The path of PostgreSQL client program @name, or NULL (saying how to
 * install it). */
char     *fd_cli_pg_find_tool          (const char   *name,
                                        GError      **error);
/* Runs @argv (argv[0] a tool name) to its end, logged in as @login; its
 * standard error goes into @error when it fails. */
gboolean  fd_cli_pg_run_tool           (const char   *const *argv,
                                        const FdCliPgLogin  *login,
                                        GError             **error);
/* *@password: the password in the file at @path (wipe it with
 * fd_secret_free), NULL when @path is NULL. FALSE when it cannot be read. */
gboolean  fd_cli_pg_read_password      (const char   *path,
                                        char        **password,
                                        GError      **error);
/* FALSE (FD_ERROR_UNAVAILABLE, a message naming @what, the command) when
 * another frontdesk-server connection — a server or a command — is open
 * on @conn's database. */
gboolean  fd_cli_pg_check_nobody_else  (PGconn       *conn,
                                        const char   *what,
                                        GError      **error);

G_END_DECLS
