/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The operations commands on a PostgreSQL office: rekey, backup, restore. */

#pragma once

#include <libpq-fe.h>

#include "fd-cli.h"

G_BEGIN_DECLS

/* fd-cli-rekey-pg.c: rekey --new-key on store = postgresql, in one
 * transaction; returns the exit status. @crash_after: tests only. */
int       fd_rekey_pg                  (FdConfig     *config,
                                        const char   *new_key,
                                        guint         crash_after);
/* FALSE (FD_ERROR_UNAVAILABLE, a message naming @what, the command) when
 * another frontdesk-server connection — a server or a command — is open
 * on @conn's database. */
gboolean  fd_cli_pg_check_nobody_else  (PGconn       *conn,
                                        const char   *what,
                                        GError      **error);

/* fd-cli-backup-pg.c: backup and restore with pg_dump and pg_restore;
 * return the exit status. */
int       fd_cli_backup_pg             (FdConfig     *config,
                                        const char   *dir,
                                        guint         keep);
int       fd_cli_restore_pg            (FdConfig     *config,
                                        const char   *from,
                                        const char   *owner_conninfo,
                                        const char   *owner_password_file);

G_END_DECLS
