/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests the security self-check: `frontdesk-server check` and GET /api/v1/admin/checks (issue 12). */

/* Each finding is produced by a deliberately broken setup — a data key
 * of mode 0644, a certificate expiring in 10 days, demo passwords left,
 * an account with no sign-in for 90 days, a tampered audit row — and
 * disappears when it is fixed, with the exit status a monitor reads
 * (0 all ok, 1 warnings, 2 any critical). */

#include "config.h"

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/wait.h>

#include "fd-test-pg.h"
#include "fd-test-server.h"

static FdTestServer *server;
static char *config_path;

/* Runs check --config; returns the exit status, *out the standard output
 * and, when @err_out is not NULL, *@err_out its standard error. */
static int
run_check_err (char **out,
               char **err_out)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  const char *argv[] = { fd_test_server_binary (), "check", "--config", config_path, NULL };
  int wait_status;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, &err,
                               &wait_status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));
  g_test_message ("check exited %d:\n%s%s", WEXITSTATUS (wait_status), *out, err);
  if (err_out != NULL)
    *err_out = g_steal_pointer (&err);
  return WEXITSTATUS (wait_status);
}

static int
run_check (char **out)
{
  return run_check_err (out, NULL);
}

/* The line of @out that starts with @level and holds @text. */
static gboolean
has_line (const char *out,
          const char *level,
          const char *text)
{
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
  g_autofree char *prefix = g_strconcat (level, ": ", NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], prefix) && strstr (lines[i], text) != NULL &&
        strstr (lines[i], " — ") != NULL)
      return TRUE;
  return FALSE;
}

static void
assert_all_ok (void)
{
  g_autofree char *out = NULL;
  int rc = run_check (&out);

  g_assert_null (strstr (out, "warning: "));
  g_assert_null (strstr (out, "critical: "));
  g_assert_cmpint (rc, ==, 0);
  /* every check is named */
  g_assert_true (has_line (out, "ok", "The audit chain is intact"));
  g_assert_true (has_line (out, "ok", "passes its integrity check"));
  g_assert_true (has_line (out, "ok", "The data key file"));
  g_assert_true (has_line (out, "ok", "The server certificate expires"));
  g_assert_true (has_line (out, "ok", "TLS 1.2 and 1.3 only"));
  g_assert_true (has_line (out, "ok", "No enabled account uses the demo password"));
  g_assert_true (has_line (out, "ok", "Alerts are delivered out of the app"));
  if (fd_test_store_is_postgresql ())
    {
      /* the PostgreSQL equivalents of the database file's mode */
      g_assert_true (has_line (out, "ok", "The database password file"));
      g_assert_true (has_line (out, "ok", "The database is on this machine"));
      g_assert_true (has_line (out, "ok", "neither owns the tables nor bypasses row-level security"));
      g_assert_true (has_line (out, "ok", "row-level security and index validity"));
    }
}

/* The superuser's connection string to the server's database. */
static char *
pg_super (void)
{
  return fd_test_pg_superuser_conninfo (fd_test_server_get_database (server));
}

/* @statement as someone with write access to the database: on the SQLite
 * file, or as PostgreSQL's superuser (past row-level security). */
static void
sql (const char *statement)
{
  g_autofree char *path = g_build_filename (fd_test_server_get_data_dir (server), "frontdesk.db", NULL);
  sqlite3 *db = NULL;
  char *message = NULL;

  if (fd_test_store_is_postgresql ())
    {
      fd_test_pg_tamper (fd_test_server_get_database (server), statement);
      return;
    }
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  if (sqlite3_exec (db, statement, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", statement, message);
  sqlite3_close (db);
}

static char *
data_file (const char *name)
{
  return g_build_filename (fd_test_server_get_data_dir (server), name, NULL);
}

/* demo passwords, and the HTTP endpoint */

static JsonArray *
http_checks (SoupSession *session,
             const char  *token,
             JsonNode   **keep)
{
  guint status;

  *keep = fd_test_request (server, session, "GET", "/api/v1/admin/checks?fresh=1", token, NULL,
                           &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  return json_object_get_array_member (fd_test_get_object (*keep), "items");
}

static const char *
level_of (JsonArray  *items,
          const char *id)
{
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *f = json_array_get_object_element (items, i);

      g_assert_true (json_object_has_member (f, "what"));
      g_assert_true (json_object_has_member (f, "fix"));
      if (g_str_equal (json_object_get_string_member (f, "id"), id))
        return json_object_get_string_member (f, "level");
    }
  g_error ("no finding %s", id);
  return NULL;
}

static void
test_demo_passwords_and_http (void)
{
  g_autoptr(SoupSession) session = fd_test_server_new_session (server);
  g_autofree char *manager = fd_test_login (server, session, "manager");
  g_autofree char *admin = fd_test_login (server, session, "admin");
  g_autoptr(JsonNode) keep = NULL;
  g_autoptr(JsonNode) users = NULL;
  g_autofree char *out = NULL;
  JsonArray *items;
  guint status;

  /* Over HTTP, for manager and admin; nobody else. */
  items = http_checks (session, manager, &keep);
  g_assert_cmpstr (level_of (items, "demo-passwords"), ==, "critical");
  g_assert_cmpstr (level_of (items, "audit-chain"), ==, "ok");
  g_assert_cmpstr (level_of (items, "database-integrity"), ==, "ok");
  g_clear_pointer (&keep, json_node_unref);
  items = http_checks (session, admin, &keep);
  g_assert_cmpstr (level_of (items, "demo-passwords"), ==, "critical");
  for (guint i = 0; i < 4; i++)
    {
      const char *roles[] = { "reception", "patrol", "finance", "auditor" };
      g_autofree char *token = fd_test_login (server, session, roles[i]);
      g_autoptr(JsonNode) answer = fd_test_request (server, session, "GET", "/api/v1/admin/checks",
                                                    token, NULL, &status, NULL);
      fd_test_assert_error (status, answer, 403, "forbidden", NULL);
    }

  /* The command line says the same, and exits 2. */
  fd_test_server_halt (server);
  g_assert_cmpint (run_check (&out), ==, 2);
  g_assert_true (has_line (out, "critical", "still use the demo password: reception, patrol"));
  fd_test_server_restart (server);
  g_clear_object (&session);
  session = fd_test_server_new_session (server);
  g_free (admin);
  admin = fd_test_login (server, session, "admin");

  /* Fixed: an admin gives each account a password of its own (here the
   * same text, so that the suite can still sign in). */
  users = fd_test_request (server, session, "GET", "/api/v1/users", admin, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  items = json_object_get_array_member (fd_test_get_object (users), "items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *u = json_array_get_object_element (items, i);
      g_autofree char *path = g_strdup_printf ("/api/v1/users/%s",
                                               json_object_get_string_member (u, "id"));
      g_autofree char *body = g_strdup_printf ("{\"password\": \"%s\"}",
                                               fd_test_server_get_password (server));
      g_autoptr(JsonNode) answer = fd_test_request (server, session, "PATCH", path, admin, body,
                                                    &status, NULL);
      g_assert_cmpuint (status, ==, 200);
    }
  g_free (manager);
  manager = fd_test_login (server, session, "manager");
  g_clear_pointer (&keep, json_node_unref);
  items = http_checks (session, manager, &keep);
  g_assert_cmpstr (level_of (items, "demo-passwords"), ==, "ok");

  fd_test_server_halt (server);
  assert_all_ok ();
}

/* key mode 0644 */

static void
test_key_mode (void)
{
  g_autofree char *key = data_file ("data.key");
  g_autofree char *out = NULL;

  g_assert_cmpint (g_chmod (key, 0644), ==, 0);
  g_assert_cmpint (run_check (&out), ==, 2);
  g_assert_true (has_line (out, "critical", "data.key has mode 0644: every local user may read it"));
  g_assert_cmpint (g_chmod (key, 0600), ==, 0);
  assert_all_ok ();
}

/* a certificate expiring in 10 days */

#define CHECK_GNUTLS(expr) g_assert_cmpint ((expr), >=, 0)

static gnutls_datum_t
read_datum (const char *path,
            char      **keep)
{
  gsize len = 0;
  gnutls_datum_t d;

  g_assert_true (g_file_get_contents (path, keep, &len, NULL));
  d.data = (unsigned char *) *keep;
  d.size = len;
  return d;
}

static void
write_short_certificate (guint days)
{
  g_autofree char *ca_path = data_file ("ca.pem"), *ca_key_path = data_file ("ca-key.pem");
  g_autofree char *cert_path = data_file ("server.pem"), *key_path = data_file ("server-key.pem");
  g_autofree char *ca_text = NULL, *ca_key_text = NULL;
  gnutls_datum_t ca_d = read_datum (ca_path, &ca_text), ca_key_d = read_datum (ca_key_path, &ca_key_text);
  gnutls_x509_crt_t ca, crt;
  gnutls_x509_privkey_t ca_key, key;
  gnutls_datum_t out = { NULL, 0 };
  unsigned char serial[8] = { 0x42, 1, 2, 3, 4, 5, 6, 7 };
  unsigned char lo[4] = { 127, 0, 0, 1 };
  time_t now = time (NULL);

  CHECK_GNUTLS (gnutls_x509_crt_init (&ca));
  CHECK_GNUTLS (gnutls_x509_crt_import (ca, &ca_d, GNUTLS_X509_FMT_PEM));
  CHECK_GNUTLS (gnutls_x509_privkey_init (&ca_key));
  CHECK_GNUTLS (gnutls_x509_privkey_import (ca_key, &ca_key_d, GNUTLS_X509_FMT_PEM));
  CHECK_GNUTLS (gnutls_x509_privkey_init (&key));
  CHECK_GNUTLS (gnutls_x509_privkey_generate (key, GNUTLS_PK_ECDSA,
                                              GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1), 0));
  CHECK_GNUTLS (gnutls_x509_crt_init (&crt));
  CHECK_GNUTLS (gnutls_x509_crt_set_version (crt, 3));
  CHECK_GNUTLS (gnutls_x509_crt_set_serial (crt, serial, sizeof serial));
  CHECK_GNUTLS (gnutls_x509_crt_set_activation_time (crt, now - 3600));
  /* a little over @days, so that whole days left round down to @days */
  CHECK_GNUTLS (gnutls_x509_crt_set_expiration_time (crt, now + days * 86400 + 3600));
  CHECK_GNUTLS (gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, "127.0.0.1", 9));
  CHECK_GNUTLS (gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_IPADDRESS, lo, 4, GNUTLS_FSAN_SET));
  CHECK_GNUTLS (gnutls_x509_crt_set_key (crt, key));
  CHECK_GNUTLS (gnutls_x509_crt_sign2 (crt, ca, ca_key, GNUTLS_DIG_SHA256, 0));

  CHECK_GNUTLS (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM, &out));
  g_assert_true (g_file_set_contents (cert_path, (char *) out.data, out.size, NULL));
  gnutls_free (out.data);
  CHECK_GNUTLS (gnutls_x509_privkey_export2 (key, GNUTLS_X509_FMT_PEM, &out));
  g_assert_true (g_file_set_contents_full (key_path, (char *) out.data, out.size,
                                           G_FILE_SET_CONTENTS_CONSISTENT, 0600, NULL));
  gnutls_free (out.data);
  gnutls_x509_crt_deinit (crt);
  gnutls_x509_crt_deinit (ca);
  gnutls_x509_privkey_deinit (key);
  gnutls_x509_privkey_deinit (ca_key);
}

static void
test_certificate_expiring (void)
{
  g_autofree char *cert = data_file ("server.pem"), *key = data_file ("server-key.pem");
  g_autofree char *cert_keep = data_file ("server.pem.keep"), *key_keep = data_file ("server-key.pem.keep");
  g_autofree char *out = NULL;
  g_autofree char *out2 = NULL;

  g_assert_cmpint (g_rename (cert, cert_keep), ==, 0);
  g_assert_cmpint (g_rename (key, key_keep), ==, 0);
  write_short_certificate (10);
  g_assert_cmpint (run_check (&out), ==, 1);
  g_assert_true (has_line (out, "warning", "server.pem expires on"));
  g_assert_true (has_line (out, "warning", "in 10 days"));

  /* within 7 days: critical */
  write_short_certificate (5);
  g_assert_cmpint (run_check (&out2), ==, 2);
  g_assert_true (has_line (out2, "critical", "in 5 days"));

  /* renewed (the original, 825 days) */
  g_assert_cmpint (g_rename (cert_keep, cert), ==, 0);
  g_assert_cmpint (g_rename (key_keep, key), ==, 0);
  assert_all_ok ();
}

/* an account with no sign-in for 90 days */

/* The fix both account findings name: frontdesk-server user disable. */
static void
disable_user (const char *username)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cli_out = NULL;
  const char *argv[] = { fd_test_server_binary (), "user", "disable", "--config", config_path,
                         "--username", username, NULL };
  int wait_status;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                               &cli_out, NULL, &wait_status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (wait_status, NULL));
}

static void
test_stale_account (void)
{
  g_autoptr(SoupSession) session = NULL;
  g_autofree char *username = NULL;
  g_autofree char *statement = NULL;
  g_autofree char *out = NULL;
  gint64 long_ago = g_get_real_time () - (gint64) 91 * 24 * 3600 * G_USEC_PER_SEC;

  fd_test_server_restart (server);
  session = fd_test_server_new_session (server);
  username = fd_test_create_user (server, session, "patrol", NULL);
  g_free (fd_test_login (server, session, username));
  fd_test_server_halt (server);
  /* The clock moved on: its creation and last sign-in 91 days ago. */
  statement = g_strdup_printf ("UPDATE users SET created_at = %" G_GINT64_FORMAT " WHERE username = '%s';"
                               "UPDATE sessions SET created_at = %" G_GINT64_FORMAT " WHERE user_id = "
                               "(SELECT id FROM users WHERE username = '%s');",
                               long_ago, username, long_ago, username);
  sql (statement);
  g_assert_cmpint (run_check (&out), ==, 1);
  {
    g_autofree char *text = g_strdup_printf ("has not signed in for 90 days: %s", username);
    g_assert_true (has_line (out, "warning", text));
  }

  /* Fixed: the account of someone who left is disabled. */
  disable_user (username);
  assert_all_ok ();
}

/* issue 9 follow-up: a password an admin issued (new account, reset)
 * that nobody replaced within a week is a warning; replacing it, or
 * disabling the account, clears it. A fresh one is not. */
static void
test_one_time_password (void)
{
  g_autoptr(SoupSession) session = NULL;
  g_autofree char *username = NULL;
  g_autofree char *statement = NULL;
  g_autofree char *out = NULL;
  g_autofree char *text = NULL;
  g_autofree char *id = NULL;
  gint64 week_ago = g_get_real_time () - (gint64) 8 * 24 * 3600 * G_USEC_PER_SEC;

  fd_test_server_restart (server);
  session = fd_test_server_new_session (server);
  username = fd_test_create_user (server, session, "finance", &id);
  /* an admin resets it: the server makes a one-time password */
  {
    g_autofree char *admin = fd_test_login (server, session, "admin");
    g_autofree char *path = g_strdup_printf ("/api/v1/users/%s/password", id);
    g_autoptr(JsonNode) answer = NULL;
    guint status;

    answer = fd_test_request (server, session, "POST", path, admin, NULL, &status, NULL);
    g_assert_cmpuint (status, ==, 200);
  }
  fd_test_server_halt (server);
  /* issued a moment ago: nothing to say yet */
  assert_all_ok ();

  /* issued eight days ago, still the same */
  statement = g_strdup_printf ("UPDATE password_origins SET set_at = %" G_GINT64_FORMAT
                               " WHERE user_id = (SELECT id FROM users WHERE username = '%s')"
                               " AND origin = 'one-time';", week_ago, username);
  sql (statement);
  g_assert_cmpint (run_check (&out), ==, 1);
  text = g_strdup_printf ("a one-time password issued over 7 days ago: %s", username);
  g_assert_true (has_line (out, "warning", text));

  /* disabled: nothing to say */
  disable_user (username);
  assert_all_ok ();
}

/* a tampered audit row */

static void
test_tampered_audit (void)
{
  g_autofree char *out = NULL;

  sql ("UPDATE audit_log SET action = action || 'x' WHERE seq = 3;");
  g_assert_cmpint (run_check (&out), ==, 2);
  g_assert_true (has_line (out, "critical", "The audit chain is broken at entry 3"));

  /* Put back as it was. */
  sql ("UPDATE audit_log SET action = substr(action, 1, length(action) - 1) WHERE seq = 3;");
  assert_all_ok ();
}

/* a database file others may read */

static void
test_database_mode (void)
{
  g_autofree char *db = data_file ("frontdesk.db");
  g_autofree char *out = NULL;

  if (fd_test_skip_unless_sqlite ("SQLite only: the mode of the SQLite file (PostgreSQL: "
                                  "/check/pg-password-file)"))
    return;

  g_assert_cmpint (g_chmod (db, 0644), ==, 0);
  g_assert_cmpint (run_check (&out), ==, 2);
  g_assert_true (has_line (out, "critical", "frontdesk.db has mode 0644"));
  /* opening the store tightens it again: the next check is clean */
  assert_all_ok ();
}

/* PostgreSQL: the database password file others may read */
static void
test_pg_password_file (void)
{
  g_autofree char *file = NULL;
  g_autofree char *out = NULL;
  g_autofree char *expected = NULL;

  if (!fd_test_store_is_postgresql ())
    {
      g_test_skip ("PostgreSQL only: its password file (SQLite: /check/database-mode)");
      return;
    }
  file = data_file ("postgresql-server.password");
  g_assert_true (g_file_test (file, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpint (g_chmod (file, 0644), ==, 0);
  g_assert_cmpint (run_check (&out), ==, 2);
  expected = g_strdup_printf ("The database password file %s has mode 0644: every local user "
                              "may read it", file);
  g_assert_true (has_line (out, "critical", expected));
  g_assert_cmpint (g_chmod (file, 0600), ==, 0);
  assert_all_ok ();
}

/* PostgreSQL: a remote database reached without verifying it is refused
 * when the configuration loads, so the check never serves from one. */
static void
test_pg_tls (void)
{
  g_autofree char *text = NULL, *saved = NULL, *out = NULL, *err = NULL;
  g_autoptr(GKeyFile) kf = g_key_file_new ();

  if (!fd_test_store_is_postgresql ())
    {
      g_test_skip ("PostgreSQL only: the database connection's TLS");
      return;
    }
  g_assert_true (g_file_get_contents (config_path, &saved, NULL, NULL));
  g_assert_true (g_key_file_load_from_data (kf, saved, -1, G_KEY_FILE_NONE, NULL));
  /* 192.0.2.1 (TEST-NET-1): refused before any connection is tried */
  g_key_file_set_string (kf, "server", "database",
                         "host=192.0.2.1 dbname=office user=office sslmode=require");
  text = g_key_file_to_data (kf, NULL, NULL);
  g_assert_true (g_file_set_contents (config_path, text, -1, NULL));
  /* the configuration itself is refused (as `serve` refuses it): exit 2, said why */
  g_assert_cmpint (run_check_err (&out, &err), ==, 2);
  g_assert_nonnull (strstr (err, "remote host without sslmode=verify-full"));
  g_assert_true (g_file_set_contents (config_path, saved, -1, NULL));
  assert_all_ok ();
}

/* PostgreSQL: the server's role given BYPASSRLS while the server runs;
 * the self-check reads the role again, not only at start. */
static void
test_pg_role (void)
{
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(JsonNode) keep = NULL;
  g_autofree char *manager = NULL, *super = NULL, *role = NULL, *sql_on = NULL, *sql_off = NULL;
  JsonArray *items;

  if (!fd_test_store_is_postgresql ())
    {
      g_test_skip ("PostgreSQL only: the server's database role");
      return;
    }
  super = pg_super ();
  role = fd_test_pg_query_value (super, "SELECT current_database () || '_frontdesk'");
  sql_on = g_strdup_printf ("ALTER ROLE \"%s\" BYPASSRLS", role);
  sql_off = g_strdup_printf ("ALTER ROLE \"%s\" NOBYPASSRLS", role);
  fd_test_server_restart (server);
  session = fd_test_server_new_session (server);
  manager = fd_test_login (server, session, "manager");
  items = http_checks (session, manager, &keep);
  g_assert_cmpstr (level_of (items, "database-role"), ==, "ok");
  g_clear_pointer (&keep, json_node_unref);

  g_free (fd_test_pg_query_value (super, sql_on));
  items = http_checks (session, manager, &keep);
  g_assert_cmpstr (level_of (items, "database-role"), ==, "critical");
  g_free (fd_test_pg_query_value (super, sql_off));
  fd_test_server_halt (server);
  assert_all_ok ();
}

/* On PostgreSQL the office's configuration names its database, as the
 * demo's store.conf does. */
static void
append_store_conf (GString *text)
{
  g_autofree char *path = data_file ("store.conf");
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_auto(GStrv) keys = NULL;

  g_assert_true (g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, NULL));
  keys = g_key_file_get_keys (kf, "server", NULL, NULL);
  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    {
      g_autofree char *value = g_key_file_get_value (kf, "server", keys[i], NULL);
      g_string_append_printf (text, "%s = %s\n", keys[i], value);
    }
}

int
main (int   argc,
      char *argv[])
{
  FdTestServerOptions opts = { .residents = 50 };
  g_autoptr(GString) text = g_string_new (NULL);
  int rc;

  g_test_init (&argc, &argv, NULL);
  gnutls_global_init ();
  server = fd_test_server_start (&opts);

  /* The office's config: the demo's data directory, loopback, and an
   * alert destination (without one the check warns). */
  config_path = g_build_filename (fd_test_server_get_data_dir (server), "server.conf", NULL);
  g_string_printf (text, "[server]\nlisten = 127.0.0.1:8443\ndata-dir = %s\n"
                   "alert-syslog = 127.0.0.1:9\n", fd_test_server_get_data_dir (server));
  if (fd_test_store_is_postgresql ())
    append_store_conf (text);
  g_assert_true (g_file_set_contents (config_path, text->str, -1, NULL));

  /* in order: each test leaves the setup all ok and the server halted */
  g_test_add_func ("/check/demo-passwords-and-http", test_demo_passwords_and_http);
  g_test_add_func ("/check/key-mode", test_key_mode);
  g_test_add_func ("/check/certificate-expiring", test_certificate_expiring);
  g_test_add_func ("/check/tampered-audit", test_tampered_audit);
  g_test_add_func ("/check/database-mode", test_database_mode);
  g_test_add_func ("/check/stale-account", test_stale_account);
  g_test_add_func ("/check/one-time-password", test_one_time_password);
  g_test_add_func ("/check/pg-password-file", test_pg_password_file);
  g_test_add_func ("/check/pg-tls", test_pg_tls);
  g_test_add_func ("/check/pg-role", test_pg_role);
  rc = g_test_run ();
  g_unlink (config_path);
  fd_test_server_stop (server);
  g_free (config_path);
  return rc;
}
