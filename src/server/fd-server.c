/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The server core: lifecycle, listening, request lifetime and shutdown. */

#include "config.h"

#include <string.h>

#include "fd-server-private.h"

/* The HTTP core is split by concern around fd-server-private.h:
 * fd-server-dispatch.c (routes, early refusal), fd-server-auth.c,
 * fd-server-input.c (body, query, cursors), fd-server-reply.c,
 * fd-server-commit.c (group commit and audit) and fd-server-worker.c.
 * All handlers run on the main context; the only slow work (Argon2id,
 * walking the audit chain) goes to worker threads while the message is
 * paused. */

/* Test only: demo --test-clock-offset moves the server's clock (issue 12,
 * the access review's 14-day deadline). Never set outside demo mode. */
static gint64 test_clock_offset_usec;

void
fd_server_set_test_clock_offset (gint64 seconds)
{
  test_clock_offset_usec = seconds * G_USEC_PER_SEC;
}

gint64
fd_now (void)
{
  return g_get_real_time () + test_clock_offset_usec;
}

/* request lifetime */

FdRequest *
fd_request_ref (FdRequest *req)
{
  g_atomic_int_inc (&req->ref_count);
  return req;
}

void
fd_request_unref (FdRequest *req)
{
  if (!g_atomic_int_dec_and_test (&req->ref_count))
    return;
  g_clear_object (&req->msg);
  g_strfreev (req->segments);
  g_clear_pointer (&req->query, g_hash_table_unref);
  g_clear_pointer (&req->body_node, json_node_unref);
  g_free (req->ip);
  fd_session_record_free (req->session);
  fd_user_record_free (req->user);
  g_free (req->session_hash);
  g_free (req);
}

static void
message_finished_cb (SoupServerMessage *msg,
                     FdServer          *server)
{
  g_assert (server->inflight > 0);
  server->inflight--;
  if (server->shutting_down && server->inflight == 0 && server->shutdown_done != NULL)
    {
      GSourceFunc done = server->shutdown_done;
      server->shutdown_done = NULL;
      g_clear_handle_id (&server->shutdown_timeout_id, g_source_remove);
      g_idle_add (done, server->shutdown_data);
    }
}

void
fd_server_track_message (FdServer          *server,
                         SoupServerMessage *msg)
{
  server->inflight++;
  g_signal_connect (msg, "finished", G_CALLBACK (message_finished_cb), server);
}

static gboolean
purge_visitors_cb (gpointer user_data)
{
  FdServer *server = user_data;
  gint64 cutoff = fd_now () - (gint64) server->config->visitor_retention_days * 24 * 3600 * G_USEC_PER_SEC;
  guint n = FD_STORE_CALL (server->store, visitors_purge, cutoff);

  if (n > 0)
    g_message ("Purged %u visitor records past the retention period", n);
  return G_SOURCE_CONTINUE;
}

/* Password hashes waiting for a worker (each running one holds 64 MiB). */
#define WORK_QUEUE_MAX 32

FdServer *
fd_server_new (FdConfig  *config,
               FdStore   *store,
               GError   **error)
{
  FdServer *server = g_new0 (FdServer, 1);
  g_autoptr(GTlsCertificate) cert = NULL;

  server->config = config;
  server->store = store;
  server->index = fd_search_index_new_from_store (store);
  server->search_pool = fd_search_pool_new (server->index, 0);
  server->search_follow = fd_search_follow_start (store, server->index, 1000);
  server->awaiting_commit = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_request_unref);
  server->alerts_known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  server->context = g_main_context_ref_thread_default ();
  server->work_pool = fd_work_pool_new (CLAMP (g_get_num_processors (), 1, 8), WORK_QUEUE_MAX);
  server->sign_in_limit = fd_rate_limit_new (config->sign_in_rate);
  server->auth_cache = fd_auth_cache_new (store);   /* issue 13 */
  server->committer = fd_committer_new (server);     /* issue 13, search13 */

  cert = g_tls_certificate_new_from_files (config->certificate, config->private_key, error);
  if (cert == NULL)
    {
      fd_server_free (server);
      return NULL;
    }
  server->soup = soup_server_new ("tls-certificate", cert,
                                  "server-header", "frontdesk-server",
                                  NULL);
  server->guard = fd_connection_guard_new (server->soup);
  soup_server_add_early_handler (server->soup, NULL, fd_server_early_cb, server, NULL);
  soup_server_add_handler (server->soup, NULL, fd_server_dispatch_cb, server, NULL);

  purge_visitors_cb (server);
  server->purge_id = g_timeout_add_seconds (3600, purge_visitors_cb, server);
  server->witness = fd_witness_start (store, config->audit_witness, config->db_path,
                                      config->audit_witness_interval_s);
  fd_committer_gate_witness (server);   /* issue 13, search13 */
  fd_review_checks_start (server);   /* issue 12 */
  server->alert_out = fd_alert_out_new (server);
  return server;
}

gboolean
fd_server_listen (FdServer  *server,
                  GError   **error)
{
  g_autoptr(GInetAddress) addr = NULL;
  g_autoptr(GSocketAddress) saddr = NULL;
  GSList *listeners;

  if (g_strcmp0 (server->config->listen_host, "localhost") == 0)
    addr = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  else
    addr = g_inet_address_new_from_string (server->config->listen_host);
  if (addr == NULL)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG, "Cannot listen on %s",
                   server->config->listen_host);
      return FALSE;
    }
  saddr = g_inet_socket_address_new (addr, server->config->listen_port);
  if (!soup_server_listen (server->soup, saddr, SOUP_SERVER_LISTEN_HTTPS, error))
    return FALSE;

  /* The port from the listening socket: soup_server_get_uris() of libsoup
   * 3.2 leaks the socket address it reads (LeakSanitizer). */
  listeners = soup_server_get_listeners (server->soup);
  if (listeners != NULL)
    {
      g_autoptr(GSocketAddress) local = g_socket_get_local_address (listeners->data, NULL);

      if (G_IS_INET_SOCKET_ADDRESS (local))
        server->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
    }
  g_slist_free (listeners);
  return TRUE;
}

guint16
fd_server_get_port (FdServer *server)
{
  return server->port;
}

static gboolean
shutdown_timeout_cb (gpointer user_data)
{
  FdServer *server = user_data;
  GSourceFunc done = server->shutdown_done;

  server->shutdown_timeout_id = 0;
  server->shutdown_done = NULL;
  if (done != NULL)
    done (server->shutdown_data);
  return G_SOURCE_REMOVE;
}

void
fd_server_shutdown (FdServer    *server,
                    GSourceFunc  done,
                    gpointer     user_data)
{
  server->shutting_down = TRUE;
  server->shutdown_done = done;
  server->shutdown_data = user_data;
  if (server->inflight == 0)
    {
      server->shutdown_done = NULL;
      g_idle_add (done, user_data);
      return;
    }
  server->shutdown_timeout_id = g_timeout_add_seconds (10, shutdown_timeout_cb, server);
}

void
fd_server_free (FdServer *server)
{
  if (server == NULL)
    return;
  g_clear_handle_id (&server->purge_id, g_source_remove);
  g_clear_handle_id (&server->review_check_id, g_source_remove);
  g_clear_handle_id (&server->shutdown_timeout_id, g_source_remove);
  g_clear_pointer (&server->alert_out, fd_alert_out_free);
  if (server->awaiting_commit != NULL)
    fd_server_flush (server);
  g_clear_pointer (&server->committer, fd_committer_free);   /* syncs, then answers */
  g_clear_pointer (&server->awaiting_commit, g_ptr_array_unref);
  g_clear_pointer (&server->alerts_known, g_hash_table_unref);
  /* After the last commit: the "stop" record names the final head. */
  g_clear_pointer (&server->witness, fd_witness_stop);
  if (server->soup != NULL)
    {
      soup_server_disconnect (server->soup);
      g_clear_pointer (&server->guard, fd_connection_guard_free);
      g_clear_object (&server->soup);
    }
  /* Lets running password checks end; their answers are never sent. */
  g_clear_pointer (&server->work_pool, fd_work_pool_free);
  g_clear_pointer (&server->sign_in_limit, fd_rate_limit_free);
  g_clear_pointer (&server->auth_cache, fd_auth_cache_free);
  g_clear_pointer (&server->context, g_main_context_unref);
  g_clear_pointer (&server->search_follow, fd_search_follow_stop);
  fd_search_pool_free (server->search_pool);
  fd_search_index_free (server->index);
  fd_store_close (server->store);
  fd_config_free (server->config);
  g_free (server);
}
