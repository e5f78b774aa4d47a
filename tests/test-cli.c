/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The frontdesk-server commands called in-process: usage errors, user accounts, audit verify. */

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdio.h>
#include <unistd.h>

#include "fd-cli.h"
#include "fd-crypto.h"
#include "fd-store-sqlite.h"

typedef int (*CliFunc) (int argc, char **argv);

typedef struct
{
  char    *data_dir;
  GString *out;
  GString *err;
} Fixture;

/* The print handlers take no user data: the running test's fixture. */
static Fixture *current;

static void
print_cb (const char *text)
{
  g_string_append (current->out, text);
}

static void
printerr_cb (const char *text)
{
  g_string_append (current->err, text);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->data_dir = g_dir_make_tmp ("fd-test-cli-XXXXXX", &error);
  g_assert_no_error (error);
  f->out = g_string_new (NULL);
  f->err = g_string_new (NULL);
  current = f;
  g_set_print_handler (print_cb);
  g_set_printerr_handler (printerr_cb);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_set_print_handler (NULL);
  g_set_printerr_handler (NULL);
  current = NULL;
  remove_tree (f->data_dir);
  g_free (f->data_dir);
  g_string_free (f->out, TRUE);
  g_string_free (f->err, TRUE);
}

/* Runs @func with "frontdesk-server" and the NULL-terminated arguments;
 * what it prints replaces f->out and f->err. */
static int
run (Fixture    *f,
     CliFunc     func,
     const char *first,
     ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_autofree char **argv = NULL;
  va_list ap;
  int rc;

  g_string_truncate (f->out, 0);
  g_string_truncate (f->err, 0);
  g_ptr_array_add (args, g_strdup ("frontdesk-server"));
  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (args, g_strdup (a));
  va_end (ap);
  /* the option parser may reorder argv: hand it a copy of the pointers */
  argv = g_new0 (char *, args->len + 1);
  for (guint i = 0; i < args->len; i++)
    argv[i] = g_ptr_array_index (args, i);
  rc = func (args->len, argv);
  return rc;
}

/* Makes @text what standard input reads next (a pipe, as from a script). */
static void
set_stdin (const char *text)
{
  int fds[2];

  g_assert_cmpint (pipe (fds), ==, 0);
  g_assert_cmpint (write (fds[1], text, strlen (text)), ==, (gssize) strlen (text));
  close (fds[1]);
  g_assert_cmpint (dup2 (fds[0], STDIN_FILENO), ==, STDIN_FILENO);
  close (fds[0]);
  clearerr (stdin);
}

static FdUserRecord *
lookup_user (Fixture    *f,
             const char *username)
{
  g_autofree char *db = g_build_filename (f->data_dir, "frontdesk.db", NULL);
  g_autofree char *key = g_build_filename (f->data_dir, "data.key", NULL);
  g_autoptr(GError) error = NULL;
  FdKeys *keys = fd_keys_load (key, FALSE, &error);
  FdStore *store;
  FdUserRecord *user;

  g_assert_no_error (error);
  store = fd_store_sqlite_open (db, keys, &error);
  g_assert_no_error (error);
  user = FD_STORE_CALL (store, user_by_name, username);
  fd_store_close (store);
  return user;
}

static void
test_usage (Fixture       *f,
            gconstpointer  data)
{
  const char *dir = f->data_dir;

  /* each: exit status 2 and the usage text on standard error */
  g_assert_cmpint (run (f, fd_cli_serve, NULL), ==, 2);
  g_assert_true (strstr (f->err->str, "serve needs --config FILE") != NULL);
  g_assert_true (strstr (f->err->str, "Usage:") != NULL);
  g_assert_cmpint (run (f, fd_cli_serve, "--no-such-option", NULL), ==, 2);
  g_assert_cmpint (run (f, fd_cli_demo, NULL), ==, 2);
  g_assert_true (strstr (f->err->str, "demo needs --data-dir DIR") != NULL);
  g_assert_cmpint (run (f, fd_cli_demo, "--data-dir", dir, "extra", NULL), ==, 2);
  g_assert_cmpint (run (f, fd_cli_demo, "--data-dir", dir, "--residents", "-1", NULL), ==, 2);
  g_assert_cmpint (run (f, fd_cli_demo, "--data-dir", dir, "--lock-after", "0", NULL), ==, 2);
  g_assert_cmpint (run (f, fd_cli_demo, "--data-dir", dir, "--reveal-window", "121", NULL), ==, 2);
  g_assert_cmpint (run (f, fd_cli_demo, "--data-dir", dir, "--sign-in-rate", "0", NULL), ==, 2);
  g_assert_cmpint (run (f, fd_cli_demo, "--data-dir", dir, "--listen", "192.0.2.1:8443", NULL),
                   ==, 2);
  g_assert_true (strstr (f->err->str, "loopback only") != NULL);
  g_assert_cmpint (run (f, fd_cli_demo, "--data-dir", dir, "--off-hours", "25:00-26:00", NULL),
                   ==, 2);
  g_assert_cmpint (run (f, fd_cli_demo, "--data-dir", dir, "--audit-witness", "carrier-pigeon",
                        NULL), ==, 2);
  g_assert_cmpint (run (f, fd_cli_demo, "--data-dir", dir, "--audit-witness-interval", "0", NULL),
                   ==, 2);
  g_assert_cmpint (run (f, fd_cli_audit, "--data-dir", dir, NULL), ==, 2);
  g_assert_cmpint (run (f, fd_cli_audit, "--data-dir", dir, "frobnicate", NULL), ==, 2);
  g_assert_cmpint (run (f, fd_cli_audit, "verify", NULL), ==, 2);
  g_assert_true (strstr (f->err->str, "give --config FILE or --data-dir DIR") != NULL);
  g_assert_cmpint (run (f, fd_cli_audit, "verify", "--data-dir", dir, "--config", "x", NULL), ==, 2);
  g_assert_cmpint (run (f, fd_cli_user, "--data-dir", dir, NULL), ==, 2);
  g_assert_true (strstr (f->err->str, "name one user command") != NULL);
  g_assert_cmpint (run (f, fd_cli_user, "list", NULL), ==, 2);
  g_assert_cmpint (run (f, fd_cli_user, "disable", "--data-dir", dir, NULL), ==, 2);
  g_assert_true (strstr (f->err->str, "--username is required") != NULL);
  /* nothing above created a database */
  {
    g_autofree char *db = g_build_filename (dir, "frontdesk.db", NULL);
    g_assert_false (g_file_test (db, G_FILE_TEST_EXISTS));
  }
  /* audit verify on a directory without a database: an I/O error */
  g_assert_cmpint (run (f, fd_cli_audit, "verify", "--data-dir", dir, NULL), ==, 2);
  g_assert_true (strstr (f->err->str, "no database at") != NULL);
}

static void
test_user_commands (Fixture       *f,
                    gconstpointer  data)
{
  const char *dir = f->data_dir;
  g_autoptr(FdUserRecord) user = NULL;

  /* add: the password comes from standard input (a pipe here) */
  set_stdin ("correct-horse-42\n");
  g_assert_cmpint (run (f, fd_cli_user, "add", "--data-dir", dir, "--username", "alice",
                        "--role", "reception", "--display-name", "Alice", NULL), ==, 0);
  set_stdin ("short\n");
  g_assert_cmpint (run (f, fd_cli_user, "add", "--data-dir", dir, "--username", "bob",
                        "--role", "patrol", NULL), ==, 2);
  g_assert_true (strstr (f->err->str, "at least 8 characters") != NULL);
  g_assert_cmpint (run (f, fd_cli_user, "add", "--data-dir", dir, "--username", "carol", NULL),
                   ==, 2);
  g_assert_true (strstr (f->err->str, "--role is required") != NULL);

  user = lookup_user (f, "alice");
  g_assert_nonnull (user);
  g_assert_cmpstr (user->role, ==, "reception");
  g_assert_cmpstr (user->display_name, ==, "Alice");
  g_assert_false (user->disabled);
  g_assert_true (fd_password_verify (user->password_hash, "correct-horse-42"));
  g_clear_pointer (&user, fd_user_record_free);
  g_assert_null (lookup_user (f, "bob"));

  g_assert_cmpint (run (f, fd_cli_user, "list", "--data-dir", dir, NULL), ==, 0);
  g_assert_true (g_regex_match_simple ("^alice +reception +active\n$", f->out->str, 0, 0));

  g_assert_cmpint (run (f, fd_cli_user, "disable", "--data-dir", dir, "--username", "alice", NULL),
                   ==, 0);
  user = lookup_user (f, "alice");
  g_assert_true (user->disabled);
  g_clear_pointer (&user, fd_user_record_free);
  g_assert_cmpint (run (f, fd_cli_user, "list", "--data-dir", dir, NULL), ==, 0);
  g_assert_true (strstr (f->out->str, "disabled") != NULL);

  g_assert_cmpint (run (f, fd_cli_user, "enable", "--data-dir", dir, "--username", "alice", NULL),
                   ==, 0);
  user = lookup_user (f, "alice");
  g_assert_false (user->disabled);
  g_clear_pointer (&user, fd_user_record_free);

  g_assert_cmpint (run (f, fd_cli_user, "set-role", "--data-dir", dir, "--username", "alice",
                        "--role", "wizard", NULL), ==, 2);
  g_assert_true (strstr (f->err->str, "--role must be") != NULL);
  g_assert_cmpint (run (f, fd_cli_user, "set-role", "--data-dir", dir, "--username", "alice",
                        "--role", "manager", NULL), ==, 0);
  user = lookup_user (f, "alice");
  g_assert_cmpstr (user->role, ==, "manager");
  g_clear_pointer (&user, fd_user_record_free);

  g_assert_cmpint (run (f, fd_cli_user, "unlock", "--data-dir", dir, "--username", "alice", NULL),
                   ==, 0);
  user = lookup_user (f, "alice");
  g_assert_cmpint (user->locked_until, ==, 0);
  g_assert_cmpint (user->failed_logins, ==, 0);

  g_assert_cmpint (run (f, fd_cli_user, "frobnicate", "--data-dir", dir, "--username", "alice",
                        NULL), ==, 2);
  g_assert_true (strstr (f->err->str, "unknown user command") != NULL);
  g_assert_cmpint (run (f, fd_cli_user, "disable", "--data-dir", dir, "--username", "nobody",
                        NULL), ==, 2);
  g_assert_true (strstr (f->err->str, "no such account") != NULL);
  /* no password, no resident data on any output */
  g_assert_null (strstr (f->out->str, "correct-horse"));
  g_assert_null (strstr (f->err->str, "correct-horse"));
}

static void
test_audit_verify (Fixture       *f,
                   gconstpointer  data)
{
  const char *dir = f->data_dir;
  g_autofree char *db = g_build_filename (dir, "frontdesk.db", NULL);
  g_autofree char *witness = g_build_filename (dir, "witness.log", NULL);
  sqlite3 *conn = NULL;

  set_stdin ("correct-horse-42\n");
  g_assert_cmpint (run (f, fd_cli_user, "add", "--data-dir", dir, "--username", "alice",
                        "--role", "admin", NULL), ==, 0);
  /* the last active administrator stays (fd-accounts.h): nothing is written */
  g_assert_cmpint (run (f, fd_cli_user, "disable", "--data-dir", dir, "--username", "alice", NULL),
                   ==, 2);
  g_assert_true (strstr (f->err->str, "last active administrator") != NULL);
  set_stdin ("correct-horse-42\n");
  g_assert_cmpint (run (f, fd_cli_user, "add", "--data-dir", dir, "--username", "bob",
                        "--role", "admin", NULL), ==, 0);
  g_assert_cmpint (run (f, fd_cli_user, "disable", "--data-dir", dir, "--username", "alice", NULL),
                   ==, 0);
  g_assert_cmpint (run (f, fd_cli_user, "set-role", "--data-dir", dir, "--username", "bob",
                        "--role", "reception", NULL), ==, 2);
  g_assert_true (strstr (f->err->str, "last active administrator") != NULL);
  g_assert_true (g_file_set_contents (witness, "", 0, NULL));

  /* an intact chain: 0 */
  g_assert_cmpint (run (f, fd_cli_audit, "verify", "--data-dir", dir, "--witness", witness, NULL),
                   ==, 0);
  g_assert_true (g_regex_match_simple ("^ok [1-9][0-9]* entries\n$", f->out->str, 0, 0));

  /* an entry changed behind the server's back: 1, naming the first bad one */
  g_assert_cmpint (sqlite3_open (db, &conn), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (conn, "UPDATE audit_log SET target = 'mallory' WHERE seq = 1",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (conn);
  g_assert_cmpint (run (f, fd_cli_audit, "verify", "--data-dir", dir, "--witness", witness, NULL),
                   ==, 1);
  g_assert_true (g_str_has_prefix (f->out->str, "broken at seq 1 "));
  g_assert_cmpint (run (f, fd_cli_audit, "accept-restore", "--data-dir", dir, "--witness", witness,
                        NULL), ==, 1);
  g_assert_true (strstr (f->out->str, "not accepted") != NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/cli/usage", Fixture, NULL, fixture_setup, test_usage, fixture_teardown);
  g_test_add ("/cli/user", Fixture, NULL, fixture_setup, test_user_commands, fixture_teardown);
  g_test_add ("/cli/audit-verify", Fixture, NULL, fixture_setup, test_audit_verify,
              fixture_teardown);
  return g_test_run ();
}
