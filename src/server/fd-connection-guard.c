/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Closes idle and slow connections libsoup 3.2 would keep open. */

#include "config.h"

#include <linux/tcp.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "fd-connection-guard.h"

/* libsoup 3.2 (Debian 12) has two holes a server on an office LAN must
 * not keep:
 *
 *  - A keep-alive connection the client closes while idle is never
 *    released: the socket stays in CLOSE_WAIT for good (fixed upstream in
 *    3.3.0), so any client can exhaust the descriptor limit.
 *  - TLS handshakes run in worker threads with no timeout: a few hundred
 *    connections that never send a ClientHello hold every worker, and the
 *    whole server stops answering.
 *
 * The guard watches every accepted socket through the server's public
 * signals and, twice a second, shuts down sockets whose peer has gone
 * (CLOSE_WAIT), that have received not one byte SILENT_S after being
 * accepted (a real client sends its ClientHello at once), that have not
 * delivered a first request within FIRST_REQUEST_S, or that sat idle for
 * IDLE_S. A
 * shutdown makes libsoup's pending read (or the handshake) fail and clean
 * up; a sweep later the descriptor is closed for good in case libsoup
 * did not. Sockets with a request in flight are never touched. */

#define SWEEP_MS          500
#define SILENT_S          1     /* accepted, and not one byte received */
#define FIRST_REQUEST_S   15    /* handshake and first request */
#define IDLE_S            120   /* keep-alive without a request */

/* TCP states (include/net/tcp_states.h) */
#define FD_TCP_CLOSE       7
#define FD_TCP_CLOSE_WAIT  8
#define FD_TCP_LAST_ACK    9

typedef struct
{
  GSocket *socket;     /* weak */
  gint64   accepted;
  gint64   last_active;
  guint    inflight;
  gboolean served;
  gboolean shut;
} Watched;

struct _FdConnectionGuard
{
  SoupServer *soup;
  GHashTable *sockets;   /* GSocket* → Watched* */
  guint       sweep_id;
  gulong      handlers[4];
};

static void
socket_gone_cb (gpointer  data,
                GObject  *where_the_object_was)
{
  FdConnectionGuard *self = data;

  g_hash_table_remove (self->sockets, where_the_object_was);
}

static Watched *
lookup (FdConnectionGuard *self,
        SoupServerMessage *msg,
        gboolean           create)
{
  GSocket *socket = soup_server_message_get_socket (msg);
  Watched *w;

  if (socket == NULL)
    return NULL;
  w = g_hash_table_lookup (self->sockets, socket);
  if (w == NULL && create)
    {
      w = g_new0 (Watched, 1);
      w->socket = socket;
      w->accepted = w->last_active = g_get_monotonic_time ();
      g_hash_table_insert (self->sockets, socket, w);
      g_object_weak_ref (G_OBJECT (socket), socket_gone_cb, self);
    }
  return w;
}

/* Emitted at accept time for a connection's first message, and when the
 * first bytes of each later request arrive. */
static void
request_started_cb (SoupServer        *soup,
                    SoupServerMessage *msg,
                    FdConnectionGuard *self)
{
  lookup (self, msg, TRUE);
}

static void
request_read_cb (SoupServer        *soup,
                 SoupServerMessage *msg,
                 FdConnectionGuard *self)
{
  Watched *w = lookup (self, msg, TRUE);

  if (w != NULL)
    {
      w->inflight++;
      w->last_active = g_get_monotonic_time ();
    }
}

static void
request_done_cb (SoupServer        *soup,
                 SoupServerMessage *msg,
                 FdConnectionGuard *self)
{
  Watched *w = lookup (self, msg, FALSE);

  if (w != NULL)
    {
      if (w->inflight > 0)
        w->inflight--;
      w->served = TRUE;
      w->last_active = g_get_monotonic_time ();
    }
}

static gboolean
tcp_info (GSocket         *socket,
          struct tcp_info *info)
{
  socklen_t len = sizeof *info;

  memset (info, 0, sizeof *info);
  return getsockopt (g_socket_get_fd (socket), IPPROTO_TCP, TCP_INFO, info, &len) == 0;
}

static gboolean
sweep_cb (gpointer data)
{
  FdConnectionGuard *self = data;
  g_autoptr(GPtrArray) done = g_ptr_array_new ();
  gint64 now = g_get_monotonic_time ();
  struct tcp_info info;
  GHashTableIter iter;
  Watched *w;

  g_hash_table_iter_init (&iter, self->sockets);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &w))
    {
      if (g_socket_is_closed (w->socket))
        {
          g_ptr_array_add (done, w->socket);
          continue;
        }
      if (w->shut)
        {
          /* libsoup has had a sweep's time to notice; free the descriptor. */
          g_socket_close (w->socket, NULL);
          g_ptr_array_add (done, w->socket);
          continue;
        }
      if (w->inflight > 0 || !tcp_info (w->socket, &info))
        continue;
      if (info.tcpi_state == FD_TCP_CLOSE_WAIT || info.tcpi_state == FD_TCP_LAST_ACK ||
          info.tcpi_state == FD_TCP_CLOSE ||
          (!w->served && info.tcpi_bytes_received == 0 && now - w->accepted > SILENT_S * G_USEC_PER_SEC) ||
          (!w->served && now - w->accepted > FIRST_REQUEST_S * G_USEC_PER_SEC) ||
          (w->served && now - w->last_active > IDLE_S * G_USEC_PER_SEC))
        {
          g_socket_shutdown (w->socket, TRUE, TRUE, NULL);
          w->shut = TRUE;
        }
    }

  for (guint i = 0; i < done->len; i++)
    {
      g_object_weak_unref (done->pdata[i], socket_gone_cb, self);
      g_hash_table_remove (self->sockets, done->pdata[i]);
    }
  return G_SOURCE_CONTINUE;
}

FdConnectionGuard *
fd_connection_guard_new (SoupServer *soup)
{
  FdConnectionGuard *self = g_new0 (FdConnectionGuard, 1);

  self->soup = soup;
  self->sockets = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->handlers[0] = g_signal_connect (soup, "request-started", G_CALLBACK (request_started_cb), self);
  self->handlers[1] = g_signal_connect (soup, "request-read", G_CALLBACK (request_read_cb), self);
  self->handlers[2] = g_signal_connect (soup, "request-finished", G_CALLBACK (request_done_cb), self);
  self->handlers[3] = g_signal_connect (soup, "request-aborted", G_CALLBACK (request_done_cb), self);
  self->sweep_id = g_timeout_add (SWEEP_MS, sweep_cb, self);
  return self;
}

guint
fd_connection_guard_count (FdConnectionGuard *self)
{
  return g_hash_table_size (self->sockets);
}

void
fd_connection_guard_free (FdConnectionGuard *self)
{
  GHashTableIter iter;
  gpointer socket;

  if (self == NULL)
    return;
  g_clear_handle_id (&self->sweep_id, g_source_remove);
  for (guint i = 0; i < G_N_ELEMENTS (self->handlers); i++)
    g_clear_signal_handler (&self->handlers[i], self->soup);
  g_hash_table_iter_init (&iter, self->sockets);
  while (g_hash_table_iter_next (&iter, &socket, NULL))
    g_object_weak_unref (socket, socket_gone_cb, self);
  g_hash_table_unref (self->sockets);
  g_free (self);
}
