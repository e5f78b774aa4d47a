#include "config.h"

#include <glib/gstdio.h>

#include "fd-certs.h"
#include "fd-crypto.h"
#include "fd-server.h"
#include "fd-store-sqlite.h"

/* FdServer in this process: made, listening on a free loopback port, and
 * freed again without leaving anything behind. The leak check is the
 * sanitizer stage's (build-aux/run-tests runs this suite with
 * LeakSanitizer): fd_server_listen() once read its port through
 * soup_server_get_uris(), which in libsoup 3.2 leaks a socket address. */

static void
remove_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

static void
test_listen_free (void)
{
  const char *hosts[] = { "127.0.0.1", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fd-listen-XXXXXX", &error);
  FdConfig *config = fd_config_new_defaults ();
  FdServer *server;
  FdStore *store;
  FdKeys *keys;

  g_assert_no_error (error);
  config->data_dir = g_strdup (dir);
  config->listen_port = 0;
  /* no journal here: witness nothing rather than warn */
  g_free (config->audit_witness);
  config->audit_witness = g_strdup ("off");
  fd_config_resolve_paths (config);
  g_assert_true (fd_crypto_init (&error));
  g_assert_true (fd_certs_ensure_demo (dir, hosts, &error));
  keys = fd_keys_load (config->key_file, TRUE, &error);
  g_assert_no_error (error);
  store = fd_store_sqlite_open (config->db_path, keys, &error);
  g_assert_no_error (error);

  server = fd_server_new (config, store, &error);
  g_assert_no_error (error);
  g_assert_true (fd_server_listen (server, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fd_server_get_port (server), >, 0);
  fd_server_free (server);

  remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fd/server/listen-free", test_listen_free);
  return g_test_run ();
}
