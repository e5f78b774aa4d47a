/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The session token in the system keyring, one item per server and username. */

#pragma once

#include <gio/gio.h>
#include <libsecret/secret.h>

G_BEGIN_DECLS

#define FD_TYPE_SECRET_STORE (fd_secret_store_get_type ())
G_DECLARE_FINAL_TYPE (FdSecretStore, fd_secret_store, FD, SECRET_STORE, GObject)

/* The session token in the system keyring (libsecret, the Secret portal
 * inside Flatpak), one item per server and username. When the keyring
 * cannot be reached (no Secret Service, locked collection) the store turns
 * itself off: :available goes FALSE once, later calls finish at once and
 * the token lives in memory only. */
FdSecretStore      *fd_secret_store_new            (void);
gboolean            fd_secret_store_get_available  (FdSecretStore        *self);
const SecretSchema *fd_secret_store_get_schema     (void);
#define FD_SECRET_SCHEMA_VERSION 1

void      fd_secret_store_store_async   (FdSecretStore        *self,
                                         const char           *server,
                                         const char           *username,
                                         const char           *token,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
gboolean  fd_secret_store_store_finish  (FdSecretStore        *self,
                                         GAsyncResult         *result,
                                         GError              **error);
/* Finishes with the token (free it with fd_secret_free()) or NULL when
 * there is none or the keyring is unavailable. */
void      fd_secret_store_lookup_async  (FdSecretStore        *self,
                                         const char           *server,
                                         const char           *username,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
char     *fd_secret_store_lookup_finish (FdSecretStore        *self,
                                         GAsyncResult         *result,
                                         GError              **error);
void      fd_secret_store_clear_async   (FdSecretStore        *self,
                                         const char           *server,
                                         const char           *username,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
gboolean  fd_secret_store_clear_finish  (FdSecretStore        *self,
                                         GAsyncResult         *result,
                                         GError              **error);

G_END_DECLS
