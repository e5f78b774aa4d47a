/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The serve command, and the main loop that serve and demo run. */

#include "config.h"

#include <glib-unix.h>
#include <stdio.h>
#include <string.h>

#include "fd-cli.h"
#include "fd-server.h"

static GMainLoop *main_loop;

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (main_loop);
  return G_SOURCE_REMOVE;
}

static gboolean
signal_cb (gpointer user_data)
{
  FdServer *server = user_data;

  g_message ("Stopping: finishing requests in flight");
  fd_server_shutdown (server, quit_cb, NULL);
  return G_SOURCE_CONTINUE;
}

int
fd_cli_run_server (FdConfig *config)
{
  g_autoptr(GError) error = NULL;
  FdServer *server;
  FdStore *store;
  char *host = config->listen_host;

  store = fd_cli_open_store (config, TRUE, &error);
  if (store == NULL)
    {
      g_printerr ("frontdesk-server: %s\n", error->message);
      fd_config_free (config);
      return FD_CLI_EXIT_USAGE;
    }
  server = fd_server_new (config, store, &error);
  if (server == NULL || !fd_server_listen (server, &error))
    {
      g_printerr ("frontdesk-server: %s\n", error->message);
      fd_server_free (server);
      return FD_CLI_EXIT_USAGE;
    }

  main_loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGTERM, signal_cb, server);
  g_unix_signal_add (SIGINT, signal_cb, server);

  if (strchr (host, ':') != NULL)
    g_print ("listening on https://[%s]:%u\n", host, fd_server_get_port (server));
  else
    g_print ("listening on https://%s:%u\n", host, fd_server_get_port (server));
  fflush (stdout);

  g_main_loop_run (main_loop);
  fd_server_free (server);
  g_main_loop_unref (main_loop);
  g_message ("Stopped cleanly");
  return 0;
}

int
fd_cli_serve (int    argc,
              char **argv)
{
  g_autoptr(FdConfig) config = fd_config_new_defaults ();
  g_autoptr(GOptionContext) ctx = g_option_context_new ("- run the office server");
  g_autoptr(GError) error = NULL;
  g_autofree char *config_file = NULL;
  GOptionEntry entries[] = {
    { "config", 0, 0, G_OPTION_ARG_FILENAME, &config_file, "Configuration file", "FILE" },
    { NULL }
  };

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return fd_cli_usage_error (error->message);
  if (config_file == NULL || argc > 1)
    return fd_cli_usage_error ("serve needs --config FILE");
  if (!fd_config_load_file (config, config_file, &error) ||
      !fd_cli_ensure_private_dir (config->data_dir, &error) ||
      !fd_cli_check_server_files (config, &error))
    {
      g_printerr ("frontdesk-server: %s\n", error->message);
      return FD_CLI_EXIT_USAGE;
    }
  return fd_cli_run_server (g_steal_pointer (&config));
}
