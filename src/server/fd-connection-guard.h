/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Closing the connections libsoup 3.2 would keep open. */

#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Releases connections libsoup 3.2 would keep: closed by the peer while
 * idle, stuck before their first request (TLS handshake), or idle too
 * long. See fd-connection-guard.c. */
typedef struct _FdConnectionGuard FdConnectionGuard;

FdConnectionGuard *fd_connection_guard_new   (SoupServer        *soup);
/* Sockets being watched. */
guint              fd_connection_guard_count (FdConnectionGuard *guard);
void               fd_connection_guard_free  (FdConnectionGuard *guard);

G_END_DECLS
