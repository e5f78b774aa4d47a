/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The SQLite engine's entry point; everything else goes through fd-store.h. */

#pragma once

#include "fd-store.h"

G_BEGIN_DECLS

/* Opens (creating and migrating as needed) the SQLite store at @path.
 * Takes ownership of @keys. */
FdStore *fd_store_sqlite_open (const char  *path,
                               FdKeys      *keys,
                               GError     **error);

G_END_DECLS
