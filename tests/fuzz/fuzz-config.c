/* libFuzzer: the server's configuration file (fd_config_load_file(), a
 * GKeyFile read from disk as `serve --config` does) and the values it and
 * the command line parse: off-hours windows and listen addresses. The
 * first byte picks the parser; the rest is the text. */

#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>

#include "fd-config.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static char *config_path;

static void
remove_config (void)
{
  g_autofree char *dir = g_path_get_dirname (config_path);

  g_unlink (config_path);
  g_rmdir (dir);
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(FdConfig) config = fd_config_new_defaults ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (size < 1)
    return 0;
  if (config_path == NULL)
    {
      g_autofree char *dir = g_dir_make_tmp ("fd-fuzz-config-XXXXXX", NULL);
      g_assert (dir != NULL);
      config_path = g_build_filename (dir, "server.conf", NULL);
      atexit (remove_config);
    }

  text = g_strndup ((const char *) data + 1, size - 1);
  switch (data[0] % 4)
    {
    case 0:
      if (!g_file_set_contents (config_path, (const char *) data + 1, size - 1, &error))
        g_error ("fuzz: %s", error->message);
      if (fd_config_load_file (config, config_path, &error))
        {
          fd_config_resolve_paths (config);
          g_assert (config->data_dir != NULL && config->db_path != NULL);
          g_assert (config->lock_after_s < config->idle_timeout_s);
          g_assert (config->off_hours_start < 1440 && config->off_hours_end < 1440);
        }
      else
        g_assert (error != NULL);
      break;
    case 1:
      if (fd_config_parse_off_hours (config, text, &error))
        {
          g_assert (config->off_hours_start < 1440 && config->off_hours_end < 1440);
          for (guint m = 0; m < 1440; m += 97)
            fd_config_is_off_hours (config, m);
        }
      break;
    case 2:
      if (fd_config_parse_listen (config, text, &error))
        g_assert (config->listen_host != NULL);
      break;
    default:
      fd_host_is_loopback (text);
      break;
    }
  return 0;
}
