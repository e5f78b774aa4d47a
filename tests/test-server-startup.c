/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests what serve and demo refuse before they listen. */

/* test-server-startup.c — what `serve` and `demo` refuse before they listen
 * (issue 9, findings 5 and 7): a data key that is not the database's, a
 * TLS private key others may read, a data directory others may write to, a
 * key set twice in the configuration file and a certificate that is not
 * its key's. Each refusal must exit non-zero, say on stderr what is wrong
 * with which file, and print no "listening on" line; the same files made
 * right must start.
 *
 * The real frontdesk-server ($FD_SERVER_BINARY): `demo` (through
 * fd-test-server) makes a data directory with its database, key and
 * certificates; then `serve --config FILE` is started on it directly.
 */

#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fd-test-pg.h"
#include "fd-test-server.h"

#define RUN_TIMEOUT_S 60

/* The data directory every test starts from: made once by `demo`. */
static char *data_dir;
static char *key_path;
static char *db_path;        /* SQLite: the file; PostgreSQL: how messages name the database */
static char *store_lines;    /* PostgreSQL: [server] store, database, database-password-file */
static char *pg_super;       /* PostgreSQL: the superuser's connection to the database */
static char *owner_database; /* PostgreSQL: its owner's connection string (demo --database) */
static char *cert_path;
static char *private_key_path;
/* A second demo directory: another certificate and key pair. */
static char *other_dir;

typedef struct
{
  gboolean  listened;   /* printed "listening on" (then stopped by SIGTERM) */
  gboolean  exited;     /* exited on its own, without listening */
  int       status;     /* its exit status */
  char     *err;        /* everything on stderr */
} Outcome;

static void
outcome_clear (Outcome *o)
{
  g_clear_pointer (&o->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Outcome, outcome_clear)

static void
child_setup (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static void
wait_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *(gboolean *) user_data = TRUE;
}

/* Runs frontdesk-server with @args until it exits or prints its listening
 * line (then stops it with SIGTERM). */
static void
run_server (const char * const *args,
            Outcome            *o)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("fd-test-startup-out-XXXXXX", NULL);
  g_autofree char *out_path = g_build_filename (tmp, "stdout", NULL);
  g_autofree char *err_path = g_build_filename (tmp, "stderr", NULL);
  gint64 deadline = g_get_monotonic_time () + RUN_TIMEOUT_S * G_USEC_PER_SEC;
  gboolean done = FALSE;

  memset (o, 0, sizeof *o);
  g_ptr_array_add (argv, (char *) fd_test_server_binary ());
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_set_stdout_file_path (launcher, out_path);
  g_subprocess_launcher_set_stderr_file_path (launcher, err_path);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_wait_async (process, NULL, wait_cb, &done);

  while (!done)
    {
      g_autofree char *out = NULL;

      g_main_context_iteration (NULL, FALSE);
      if (g_file_get_contents (out_path, &out, NULL, NULL) &&
          strstr (out, "listening on https://") != NULL)
        {
          o->listened = TRUE;
          g_subprocess_send_signal (process, SIGTERM);
          while (!done)
            g_main_context_iteration (NULL, TRUE);
          break;
        }
      if (g_get_monotonic_time () > deadline)
        {
          g_subprocess_force_exit (process);
          while (!done)
            g_main_context_iteration (NULL, TRUE);
          g_error ("frontdesk-server neither listened nor exited within %d s", RUN_TIMEOUT_S);
        }
      g_usleep (20 * 1000);
    }

  o->exited = !o->listened;
  o->status = g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process)
                                                   : 128 + g_subprocess_get_term_sig (process);
  g_file_get_contents (err_path, &o->err, NULL, NULL);
  if (o->err == NULL)
    o->err = g_strdup ("");
  g_unlink (out_path);
  g_unlink (err_path);
  g_rmdir (tmp);
}

/* Asserts a refusal: no listening line, a non-zero exit, and stderr holding
 * every string of @expected. */
static void
assert_refused (Outcome            *o,
                const char * const *expected)
{
  if (o->listened)
    g_error ("frontdesk-server started where it must refuse; stderr:\n%s", o->err);
  g_assert_true (o->exited);
  g_assert_cmpint (o->status, !=, 0);
  for (guint i = 0; expected[i] != NULL; i++)
    if (strstr (o->err, expected[i]) == NULL)
      g_error ("stderr lacks \"%s\":\n%s", expected[i], o->err);
  g_test_message ("refused: %s", o->err);
}

static void
assert_started (Outcome *o)
{
  if (!o->listened)
    g_error ("frontdesk-server did not start (exit %d); stderr:\n%s", o->status, o->err);
  g_assert_cmpint (o->status, ==, 0);
}

/* `serve --config` with a file of @text (written to a new file). */
static void
run_serve_text (const char *text,
                Outcome    *o)
{
  g_autofree char *tmp = g_dir_make_tmp ("fd-test-startup-conf-XXXXXX", NULL);
  g_autofree char *conf = g_build_filename (tmp, "server.conf", NULL);
  const char *args[] = { "serve", "--config", conf, NULL };

  g_assert_true (g_file_set_contents (conf, text, -1, NULL));
  run_server (args, o);
  g_unlink (conf);
  g_rmdir (tmp);
}

/* `serve` on the demo directory; @extra: more [server] lines or "". */
static void
run_serve (const char *extra,
           Outcome    *o)
{
  g_autofree char *text = g_strdup_printf ("[server]\n"
                                           "listen = 127.0.0.1:0\n"
                                           "data-dir = %s\n"
                                           "%s%s",
                                           data_dir, store_lines ? store_lines : "", extra);
  run_serve_text (text, o);
}

static void
run_cli (const char *command,
         const char *verb,
         Outcome    *o)
{
  const char *args[] = { command, verb, "--data-dir", data_dir, NULL };

  run_server (args, o);
}

static void
write_file (const char   *path,
            const guint8 *data,
            gsize         len,
            mode_t        mode)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, (const char *) data, (gssize) len, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, mode), ==, 0);
}

static char *
key_check_value (void)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  if (pg_super != NULL)
    return fd_test_pg_query_value (pg_super, "SELECT value FROM settings WHERE key = 'key.check'");
  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT value FROM settings WHERE key = 'key.check'",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
  return value;
}

/* What a database made before key check values existed looks like. */
static void
drop_key_check_value (void)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "DELETE FROM settings WHERE key = 'key.check'",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_changes (db), ==, 1);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
}

/* Sets @path's mode to @mode, then runs `serve` with @extra: it must refuse
 * with every string of @expected on stderr, or start when @expected is
 * NULL. */
static void
serve_with_mode (const char         *path,
                 mode_t              mode,
                 const char         *extra,
                 const char * const *expected)
{
  g_auto(Outcome) o = { 0 };

  g_assert_cmpint (g_chmod (path, mode), ==, 0);
  run_serve (extra, &o);
  if (expected != NULL)
    assert_refused (&o, expected);
  else
    assert_started (&o);
}

/* Puts another valid 64-byte key in place of the database's; returns the
 * database's own key for restore_own_key(). */
static GBytes *
swap_in_foreign_key (void)
{
  char *own = NULL;
  guint8 foreign[64];
  gsize own_len = 0;

  g_assert_true (g_file_get_contents (key_path, &own, &own_len, NULL));
  g_assert_cmpuint (own_len, ==, 64);
  for (guint i = 0; i < sizeof foreign; i++)
    foreign[i] = (guint8) g_random_int ();
  write_file (key_path, foreign, sizeof foreign, 0600);
  return g_bytes_new_take (own, own_len);
}

static void
restore_own_key (GBytes *own)
{
  gsize len = 0;
  guint8 *data = g_bytes_unref_to_data (own, &len);

  write_file (key_path, data, len, 0600);
  explicit_bzero (data, len);
  g_free (data);
}

/* --- tests --- */

static void
test_good_files_start (void)
{
  g_auto(Outcome) o = { 0 };

  run_serve ("", &o);
  assert_started (&o);
}

/* Finding 5: another valid 64-byte key in place of the database's. */
static void
test_foreign_key (void)
{
  g_autofree char *check = key_check_value ();
  GBytes *own;
  const char *expected[] = { key_path, "is not the key of the database", db_path, NULL };
  /* on PostgreSQL the demo is given its database as fd-test-server gave it */
  const char *in_use[] = { "demo", "--data-dir", data_dir, "--listen", "127.0.0.1:0",
                           "--residents", "20", owner_database ? "--store" : NULL, "postgresql",
                           "--database", owner_database, NULL };
  g_auto(Outcome) o = { 0 };

  /* The database was given its check value when `demo` made it. */
  g_assert_nonnull (check);
  g_assert_true (g_str_has_prefix (check, "v1:"));

  own = swap_in_foreign_key ();

  run_serve ("", &o);
  assert_refused (&o, expected);
  outcome_clear (&o);
  run_server (in_use, &o);
  assert_refused (&o, expected);
  outcome_clear (&o);
  run_cli ("audit", "verify", &o);
  assert_refused (&o, expected);
  outcome_clear (&o);
  run_cli ("user", "list", &o);
  assert_refused (&o, expected);
  outcome_clear (&o);

  /* Nothing was written under the foreign key: the stored value stays. */
  {
    g_autofree char *after = key_check_value ();
    g_assert_cmpstr (after, ==, check);
  }

  restore_own_key (own);
  run_serve ("", &o);
  assert_started (&o);
}

/* A database from before check values: the first open with the right key
 * stores one; a foreign key is caught by a sealed value that fails. */
static void
test_old_database_upgraded (void)
{
  /* before anything touches the database */
  if (fd_test_skip_unless_sqlite ("SQLite only: an SQLite database made before the key check value"))
    return;

  g_autofree char *check = key_check_value ();
  g_autofree char *after = NULL;
  GBytes *own;
  const char *expected[] = { key_path, "is not the key of the database",
                             "encrypted values tried opens", NULL };
  g_auto(Outcome) o = { 0 };

  drop_key_check_value ();
  own = swap_in_foreign_key ();
  run_serve ("", &o);
  assert_refused (&o, expected);
  outcome_clear (&o);
  after = key_check_value ();
  g_assert_null (after);

  restore_own_key (own);
  run_serve ("", &o);
  assert_started (&o);
  g_assert_nonnull (strstr (o.err, "Stored the data key's check value"));
  after = key_check_value ();
  g_assert_cmpstr (after, ==, check);
}

static void
test_private_key_mode (void)
{
  g_autofree char *link_dir = g_dir_make_tmp ("fd-test-startup-link-XXXXXX", NULL);
  g_autofree char *copy = g_build_filename (link_dir, "key-copy.pem", NULL);
  g_autofree char *link = g_build_filename (link_dir, "key-link.pem", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *link_line = g_strdup_printf ("private-key = %s\n", link);
  gsize len = 0;
  const char *expected[] = { private_key_path, "mode 0644", "others may read", NULL };
  const char *expected_link[] = { link, "symbolic link", "mode 0604", NULL };

  serve_with_mode (private_key_path, 0644, "", expected);
  /* The group may read it (root:frontdesk 0640, as the README installs it). */
  serve_with_mode (private_key_path, 0640, "", NULL);
  g_assert_cmpint (g_chmod (private_key_path, 0600), ==, 0);

  /* A symbolic link to a file others may read ... */
  g_assert_true (g_file_get_contents (private_key_path, &contents, &len, NULL));
  write_file (copy, (const guint8 *) contents, len, 0600);
  explicit_bzero (contents, len);
  g_assert_cmpint (symlink (copy, link), ==, 0);
  serve_with_mode (copy, 0604, link_line, expected_link);
  /* ... and to one they may not: links are fine. */
  serve_with_mode (copy, 0600, link_line, NULL);

  g_unlink (link);
  g_unlink (copy);
  g_rmdir (link_dir);
}

static void
test_data_dir_mode (void)
{
  const char *expected[] = { data_dir, "mode 0777", "chmod 0700", NULL };
  const char *expected_group[] = { data_dir, "mode 0770", NULL };
  const char *demo[] = { "demo", "--data-dir", data_dir, "--listen", "127.0.0.1:0",
                         "--residents", "20", NULL };
  g_auto(Outcome) o = { 0 };

  serve_with_mode (data_dir, 0777, "", expected);
  run_server (demo, &o);
  assert_refused (&o, expected);
  serve_with_mode (data_dir, 0770, "", expected_group);
  /* Readable by the group is the administrator's choice; writable is not. */
  serve_with_mode (data_dir, 0750, "", NULL);
  g_assert_cmpint (g_chmod (data_dir, 0700), ==, 0);
}

static void
test_duplicate_config_key (void)
{
  g_autofree char *twice = g_strdup_printf ("[server]\n"
                                            "listen = 127.0.0.1:0\n"
                                            "data-dir = %s\n"
                                            "# the office's usual port\n"
                                            "listen = 127.0.0.1:1\n",
                                            data_dir);
  g_autofree char *regrouped = g_strdup_printf ("[server]\n"
                                                "listen = 127.0.0.1:0\n"
                                                "data-dir = %s\n"
                                                "[policy]\n"
                                                "lock-after = 120\n"
                                                "[server]\n"
                                                "\n"
                                                "[policy]\n"
                                                "  lock-after=600\n",
                                                data_dir);
  const char *expected[] = { "[server] listen is set twice, on lines 2 and 5", NULL };
  const char *expected_regrouped[] = { "[policy] lock-after is set twice, on lines 5 and 9",
                                       NULL };
  g_auto(Outcome) o = { 0 };

  run_serve_text (twice, &o);
  assert_refused (&o, expected);
  outcome_clear (&o);
  run_serve_text (regrouped, &o);
  assert_refused (&o, expected_regrouped);
}

static void
test_certificate_mismatch (void)
{
  g_autofree char *other_key = g_build_filename (other_dir, "server-key.pem", NULL);
  g_autofree char *line = g_strdup_printf ("private-key = %s\n", other_key);
  const char *expected[] = { cert_path, other_key, "does not match", NULL };
  g_auto(Outcome) o = { 0 };

  run_serve (line, &o);
  assert_refused (&o, expected);
}

static char *
make_demo_dir (guint residents)
{
  g_autofree char *dir = g_dir_make_tmp ("fd-test-startup-XXXXXX", NULL);
  FdTestServerOptions opts = { .residents = residents, .data_dir = dir,
                               .password = "startup-test-pw" };
  FdTestServer *server = fd_test_server_start (&opts);

  if (owner_database == NULL && fd_test_server_get_database (server) != NULL)
    owner_database = g_strdup (fd_test_server_get_database (server));
  fd_test_server_stop (server);   /* keeps the directory it was given */
  return g_steal_pointer (&dir);
}

/* PostgreSQL: the demo directory's store.conf as [server] lines, so that
 * `serve --config` serves the same database; *@dbname its name. */
static char *
read_store_conf (const char  *dir,
                 char       **dbname)
{
  g_autofree char *path = g_build_filename (dir, "store.conf", NULL);
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_auto(GStrv) keys = NULL;
  g_autofree char *database = NULL;
  GString *lines = g_string_new (NULL);
  PQconninfoOption *options;

  g_assert_true (g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, NULL));
  keys = g_key_file_get_keys (kf, "server", NULL, NULL);
  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    {
      g_autofree char *value = g_key_file_get_value (kf, "server", keys[i], NULL);
      g_string_append_printf (lines, "%s = %s\n", keys[i], value);
    }
  database = g_key_file_get_value (kf, "server", "database", NULL);
  g_assert_nonnull (database);
  options = PQconninfoParse (database, NULL);
  for (PQconninfoOption *o = options; o != NULL && o->keyword != NULL; o++)
    if (g_str_equal (o->keyword, "dbname"))
      *dbname = g_strdup (o->val);
  PQconninfoFree (options);
  g_assert_nonnull (*dbname);
  pg_super = fd_test_pg_superuser_conninfo (database);
  return g_string_free (lines, FALSE);
}

static void
remove_dir (const char *dir)
{
  g_autofree char *rm = g_strdup_printf ("rm -rf -- '%s'", dir);

  g_spawn_command_line_sync (rm, NULL, NULL, NULL, NULL);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  /* Visitors too, so every kind of sealed value exists. */
  data_dir = make_demo_dir (40);
  key_path = g_build_filename (data_dir, "data.key", NULL);
  if (fd_test_store_is_postgresql ())
    {
      g_autofree char *dbname = NULL;

      store_lines = read_store_conf (data_dir, &dbname);
      db_path = g_strdup_printf ("\"%s\" (PostgreSQL", dbname);
    }
  else
    db_path = g_build_filename (data_dir, "frontdesk.db", NULL);
  cert_path = g_build_filename (data_dir, "server.pem", NULL);
  private_key_path = g_build_filename (data_dir, "server-key.pem", NULL);
  other_dir = make_demo_dir (1);

  g_test_add_func ("/fd/server/startup/good-files-start", test_good_files_start);
  g_test_add_func ("/fd/server/startup/foreign-key", test_foreign_key);
  g_test_add_func ("/fd/server/startup/old-database-upgraded", test_old_database_upgraded);
  g_test_add_func ("/fd/server/startup/private-key-mode", test_private_key_mode);
  g_test_add_func ("/fd/server/startup/data-dir-mode", test_data_dir_mode);
  g_test_add_func ("/fd/server/startup/duplicate-config-key", test_duplicate_config_key);
  g_test_add_func ("/fd/server/startup/certificate-mismatch", test_certificate_mismatch);

  ret = g_test_run ();

  remove_dir (data_dir);
  remove_dir (other_dir);
  g_free (data_dir);
  g_free (key_path);
  g_free (db_path);
  g_free (store_lines);
  g_free (pg_super);
  g_free (owner_database);
  g_free (cert_path);
  g_free (private_key_path);
  g_free (other_dir);
  return ret;
}
