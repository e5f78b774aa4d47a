/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The PostgreSQL engine's entry points; everything else goes through fd-store.h. */

#pragma once

#include "fd-store.h"

G_BEGIN_DECLS

/* Refuses a connection string that would reach a remote host without
 * verifying it: any host that is not a Unix socket directory or a
 * loopback address must come with sslmode=verify-full. */
gboolean  fd_store_pg_check_conninfo   (const char  *conninfo,
                                        GError     **error);

/* The first line of @path, a password file: a regular file no one but
 * its owner may read or write (mode 0600 or less), like the key file.
 * Free with fd_secret_free(). */
char     *fd_store_pg_read_password_file (const char  *path,
                                          GError     **error);

/* Applies the schema history (fd-store-pg-schema.c) logged in as the
 * tables' owner: @conninfo, with @password (may be NULL) when the
 * string carries none. Creates the server role (NOLOGIN, see
 * fd_store_pg_server_role()) when it is missing and grants it what the
 * server needs. Prints nothing; *@from and *@to (may be NULL) get the
 * versions before and after. */
gboolean  fd_store_pg_migrate          (const char  *conninfo,
                                        const char  *password,
                                        guint       *from,
                                        guint       *to,
                                        GError     **error);

/* For demo: logged in as the owner (@owner_conninfo, @owner_password),
 * gives the server role a login and the password kept in
 * @password_file (made, mode 0600, with a new random password when
 * missing), so that a second demo over the same data directory and
 * database logs in again. Returns the connection string the server uses
 * (the owner's with user= the server role); *@password gets the
 * password (free with fd_secret_free()). */
char     *fd_store_pg_server_login     (const char  *owner_conninfo,
                                        const char  *owner_password,
                                        const char  *password_file,
                                        char       **password,
                                        GError     **error);

/* Opens the store logged in as the server role: @conninfo, with
 * @password (may be NULL; copied). Refuses a login that owns the tables
 * or bypasses row-level security, and a schema older or newer than this
 * server's (run `frontdesk-server migrate`). Takes ownership of @keys;
 * FD_STORE_WRONG_KEY_ERROR when they are not the database's. */
FdStore  *fd_store_pg_open             (const char  *conninfo,
                                        const char  *password,
                                        FdKeys      *keys,
                                        GError     **error);

/* For the self-check (issue 12): what @conninfo says about where the
 * database is and how it is reached: *@remote when a host is neither a
 * Unix socket directory nor loopback, *@sslmode its sslmode (NULL when
 * not set: libpq's "prefer"), *@has_password when it carries a password.
 * FALSE with @error when it does not parse. */
gboolean  fd_store_pg_conninfo_describe (const char  *conninfo,
                                         gboolean    *remote,
                                         char       **sslmode,
                                         gboolean    *has_password,
                                         GError     **error);

/* How messages name the database of @conninfo: "\"DBNAME\" (PostgreSQL,
 * HOST:PORT)", never its password or user. */
char     *fd_store_pg_database_name     (const char  *conninfo);

/* Reads again what fd_store_pg_open() refused on: NULL when @store's
 * login (*@login) is neither a superuser nor BYPASSRLS nor a member of
 * the tables' owner, else what it is; NULL with @error when the catalog
 * cannot be read. On the store's thread. */
char     *fd_store_pg_role_problem      (FdStore     *store,
                                         char       **login,
                                         GError     **error);

G_END_DECLS
