/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The HTTPS server: its lifetime, listening and shutdown. */

#pragma once

#include <gio/gio.h>

#include "fd-config.h"
#include "fd-store.h"

G_BEGIN_DECLS

typedef struct _FdServer FdServer;

/* Takes ownership of @config and @store. Builds the search index. */
FdServer *fd_server_new          (FdConfig   *config,
                                  FdStore    *store,
                                  GError    **error);
/* Listens with TLS 1.2/1.3 only; fills in the chosen port. */
gboolean  fd_server_listen       (FdServer   *server,
                                  GError    **error);
guint16   fd_server_get_port     (FdServer   *server);
/* Stops accepting new requests; @done runs on the main context once the
 * in-flight ones have finished (or after a grace period). */
void      fd_server_shutdown     (FdServer   *server,
                                  GSourceFunc done,
                                  gpointer    user_data);
/* Commits pending writes now and releases the answers waiting on them. */
void      fd_server_flush        (FdServer   *server);
void      fd_server_free         (FdServer   *server);
/* TEST ONLY (demo --test-clock-offset): adds @seconds to the server's
 * clock, fd_now(). The demo command is the only caller; serve has no
 * way to set it. */
void      fd_server_set_test_clock_offset (gint64 seconds);

G_END_DECLS
