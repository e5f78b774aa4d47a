/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests key rotation, backups and restores on a served office. */

/* test-server-ops.c — key rotation, backups and restores (issue 15)
 *
 * The real frontdesk-server: a demo office served over TLS, and the
 * `rekey`, `backup` and `restore` commands run on its data directory as an
 * operator would, with the server stopped or serving.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "fd-test-pg.h"
#include "fd-test-server.h"

/* Runs the server binary with @args (NULL-terminated, after the program
 * name) in the environment @envp (NULL: this one). Returns the exit
 * status, or 128 + the signal that killed it. */
static int
run_cli_env (const char * const *args,
             char              **envp,
             char              **out,
             char              **err)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *o = NULL, *e = NULL;
  int wait_status;

  g_ptr_array_add (argv, (char *) fd_test_server_binary ());
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, envp, G_SPAWN_DEFAULT, NULL, NULL,
                               &o, &e, &wait_status, &error));
  g_assert_no_error (error);
  g_test_message ("%s %s: %s%s", args[0], args[1] ? args[1] : "", o, e);
  if (out != NULL)
    *out = g_steal_pointer (&o);
  if (err != NULL)
    *err = g_steal_pointer (&e);
  if (WIFSIGNALED (wait_status))
    return 128 + WTERMSIG (wait_status);
  g_assert_true (WIFEXITED (wait_status));
  return WEXITSTATUS (wait_status);
}

static int
run_cli (const char * const *args,
         char              **out,
         char              **err)
{
  return run_cli_env (args, NULL, out, err);
}

static char *
db_path (FdTestServer *server)
{
  return g_build_filename (fd_test_server_get_data_dir (server), "frontdesk.db", NULL);
}

/* One value of the database, read beside the server. */
static char *
db_text (const char *path,
         const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_text (stmt, 0) != NULL)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static gint64
db_int (const char *path,
        const char *sql)
{
  g_autofree char *text = db_text (path, sql);

  g_assert_nonnull (text);
  return g_ascii_strtoll (text, NULL, 10);
}

/* Every sealed value and blind index, "table:id:column" → hex. */
static GHashTable *
sealed_snapshot (const char *path)
{
  static const char *queries[] = {
    "SELECT 'residents:' || id || ':phone', hex(phone_enc) FROM residents",
    "SELECT 'residents:' || id || ':phone_bidx', phone_bidx FROM residents",
    "SELECT 'residents:' || id || ':id', hex(id_enc) FROM residents",
    "SELECT 'residents:' || id || ':id_bidx', id_bidx FROM residents",
    "SELECT 'residents:' || id || ':address', hex(address_enc) FROM residents",
    "SELECT 'payments:' || resident_id || ':account', hex(account_enc) FROM payments",
    "SELECT 'visitors:' || id || ':phone', hex(phone_enc) FROM visitors",
    "SELECT 'visitors:' || id || ':id', hex(id_enc) FROM visitors WHERE id_enc IS NOT NULL",
  };
  GHashTable *values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      sqlite3_stmt *stmt = NULL;

      g_assert_cmpint (sqlite3_prepare_v2 (db, queries[i], -1, &stmt, NULL), ==, SQLITE_OK);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        if (sqlite3_column_text (stmt, 1) != NULL && *sqlite3_column_text (stmt, 1) != '\0')
          g_hash_table_insert (values, g_strdup ((const char *) sqlite3_column_text (stmt, 0)),
                               g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
      sqlite3_finalize (stmt);
    }
  sqlite3_close (db);
  return values;
}

/* Every value of @before is in @after, and none is the same. */
static void
assert_all_changed (GHashTable *before,
                    GHashTable *after)
{
  GHashTableIter iter;
  gpointer key, value;

  g_assert_cmpuint (g_hash_table_size (before), >, 900);
  g_assert_cmpuint (g_hash_table_size (after), ==, g_hash_table_size (before));
  g_hash_table_iter_init (&iter, before);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const char *now = g_hash_table_lookup (after, key);

      if (now == NULL || g_str_equal (now, value))
        g_error ("%s was not re-keyed", (const char *) key);
    }
}

static const char *
reveal (FdTestServer *server,
        SoupSession  *session,
        const char   *token,
        const char   *id,
        const char   *field,
        gboolean      reauth)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/residents/%s/reveal", id);
  g_autofree char *body = g_strdup_printf ("{\"field\": \"%s\", \"reason_code\": "
                                           "\"verify-identity\"%s%s%s}", field,
                                           reauth ? ", \"password\": \"" : "",
                                           reauth ? fd_test_server_get_password (server) : "",
                                           reauth ? "\"" : "");
  static char value[256];
  g_autoptr(JsonNode) node = NULL;
  guint status;

  node = fd_test_request (server, session, "POST", path, token, body, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  g_strlcpy (value, fd_test_get_string (fd_test_get_object (node), "value"), sizeof value);
  return value;
}

static gboolean
verify (FdTestServer *server,
        SoupSession  *session,
        const char   *token,
        const char   *id,
        const char   *field,
        const char   *value)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/residents/%s/verify", id);
  g_autofree char *body = g_strdup_printf ("{\"field\": \"%s\", \"value\": \"%s\"}", field, value);
  g_autoptr(JsonNode) node = NULL;
  guint status;

  node = fd_test_request (server, session, "POST", path, token, body, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  return json_object_get_boolean_member (fd_test_get_object (node), "match");
}

static char *
search (FdTestServer *server,
        SoupSession  *session,
        const char   *token,
        const char   *q)
{
  g_autofree char *escaped = g_uri_escape_string (q, NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("/api/v1/residents?q=%s&limit=20", escaped);
  g_autoptr(JsonNode) node = NULL;
  JsonNode *items;
  guint status;

  node = fd_test_request (server, session, "GET", path, token, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  /* the items only: next_cursor carries a MAC under the key */
  items = json_object_get_member (fd_test_get_object (node), "items");
  g_assert_nonnull (items);
  return json_to_string (items, FALSE);
}

/* What the office answers for a sample of residents: reveals (phone, ID
 * number, home address), verify (right and wrong values) and searches
 * (by name, by the phone's last four). Fresh accounts each time, so the
 * hourly reveal and verify budgets never run out. */
static char *
record_answers (FdTestServer *server)
{
  g_autoptr(SoupSession) session = fd_test_server_new_session (server);
  g_autofree char *manager_name = fd_test_create_user (server, session, "manager", NULL);
  g_autofree char *reception_name = fd_test_create_user (server, session, "reception", NULL);
  g_autofree char *manager = fd_test_login (server, session, manager_name);
  g_autofree char *reception = fd_test_login (server, session, reception_name);
  g_autoptr(JsonNode) page = NULL;
  GString *answers = g_string_new (NULL);
  const guint sample[] = { 0, 41, 97 };
  JsonArray *list;
  guint status;

  page = fd_test_request (server, session, "GET", "/api/v1/residents?limit=100", reception, NULL,
                          &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  list = json_object_get_array_member (fd_test_get_object (page), "items");
  g_assert_cmpuint (json_array_get_length (list), ==, 100);
  for (guint i = 0; i < G_N_ELEMENTS (sample); i++)
    {
      JsonObject *resident = json_array_get_object_element (list, sample[i]);
      const char *id = fd_test_get_string (resident, "id");
      const char *name = fd_test_get_string (fd_test_get_object_member (resident, "name"),
                                             "value");
      g_autofree char *phone = g_strdup (reveal (server, session, manager, id, "phone", FALSE));
      g_autofree char *id_number = g_strdup (reveal (server, session, manager, id, "id_number",
                                                     TRUE));
      const char *address = reveal (server, session, manager, id, "home_address", FALSE);
      g_autofree char *wrong = g_strdup (phone);
      g_autofree char *by_name = search (server, session, reception, name);
      g_autofree char *by_last4 = search (server, session, reception, phone + 7);

      wrong[10] = wrong[10] == '0' ? '1' : '0';
      g_string_append_printf (answers, "%s phone=%s id=%s address=%s\n", id, phone, id_number,
                              address);
      g_string_append_printf (answers, "%s verify phone %d wrong %d id %d\n", id,
                              verify (server, session, reception, id, "phone", phone),
                              verify (server, session, reception, id, "phone", wrong),
                              verify (server, session, reception, id, "id_number", id_number));
      g_string_append_printf (answers, "%s search name %s\nlast4 %s\n", id, by_name, by_last4);
    }
  g_assert_nonnull (strstr (answers->str, "verify phone 1 wrong 0 id 1"));
  return g_string_free (answers, FALSE);
}

static void
assert_audit_verifies (FdTestServer *server)
{
  const char *args[] = { "audit", "verify", "--data-dir", fd_test_server_get_data_dir (server),
                         NULL };
  g_autofree char *out = NULL;

  g_assert_cmpint (run_cli (args, &out, NULL), ==, 0);
  g_assert_true (g_str_has_prefix (out, "ok "));
}

static guint
count_old_keys (const char *data_dir)
{
  g_autoptr(GDir) dir = g_dir_open (data_dir, 0, NULL);
  const char *name;
  guint n = 0;

  while ((name = g_dir_read_name (dir)) != NULL)
    n += g_str_has_prefix (name, "data.key.old-");
  return n;
}

/* Rekey with the server stopped keeps every answer; a rekey killed half-way
 * leaves a database no server opens, and the same command again finishes. */
static void
test_rekey (void)
{
  /* before anything touches the database */
  if (fd_test_skip_unless_sqlite ("SQLite only: rekey reads the SQLite file"))
    return;

  FdTestServerOptions opts = { .residents = 300 };
  g_autoptr(FdTestServer) server = fd_test_server_start (&opts);
  g_autofree char *path = db_path (server);
  g_autofree char *keys_dir = g_dir_make_tmp ("fd-test-keys-XXXXXX", NULL);
  g_autofree char *new_key = g_build_filename (keys_dir, "new.key", NULL);
  g_autofree char *newer_key = g_build_filename (keys_dir, "newer.key", NULL);
  g_autofree char *loose_key = g_build_filename (keys_dir, "loose.key", NULL);
  const char *data_dir = fd_test_server_get_data_dir (server);
  g_autofree char *answers = record_answers (server);
  g_autofree char *check0 = db_text (path, "SELECT value FROM settings WHERE key = 'key.check'");
  g_autoptr(GHashTable) sealed0 = sealed_snapshot (path);
  g_autofree char *out = NULL, *err = NULL;
  gint64 sealed_values;
  int rc;

  /* Refused while the server has the database open. */
  {
    const char *args[] = { "rekey", "--data-dir", data_dir, "--new-key", new_key, NULL };
    g_assert_cmpint (run_cli (args, NULL, &err), ==, 2);
    g_assert_nonnull (strstr (err, "in use"));
    g_assert_false (g_file_test (new_key, G_FILE_TEST_EXISTS));
    g_clear_pointer (&err, g_free);
  }

  fd_test_server_halt (server);
  /* A new key file with the wrong mode is refused like data.key. */
  {
    const char *args[] = { "rekey", "--data-dir", data_dir, "--new-key", loose_key, NULL };
    guint8 bytes[64] = { 1 };

    g_assert_true (g_file_set_contents (loose_key, (const char *) bytes, sizeof bytes, NULL));
    g_assert_cmpint (g_chmod (loose_key, 0644), ==, 0);
    g_assert_cmpint (run_cli (args, NULL, &err), ==, 2);
    g_assert_nonnull (strstr (err, loose_key));
    g_clear_pointer (&err, g_free);
  }
  {
    const char *args[] = { "rekey", "--data-dir", data_dir, "--new-key", new_key, NULL };
    g_autofree char *check1 = NULL;
    g_autoptr(GHashTable) sealed1 = NULL;

    g_assert_cmpint (run_cli (args, &out, NULL), ==, 0);
    g_assert_nonnull (strstr (out, "made a new key"));
    g_assert_nonnull (strstr (out, "data.key.old-"));
    g_clear_pointer (&out, g_free);
    check1 = db_text (path, "SELECT value FROM settings WHERE key = 'key.check'");
    g_assert_true (g_str_has_prefix (check1, "v1:"));
    g_assert_cmpstr (check1, !=, check0);
    sealed1 = sealed_snapshot (path);
    assert_all_changed (sealed0, sealed1);
    g_assert_cmpuint (count_old_keys (data_dir), ==, 1);
    /* the new key took data.key's place */
    g_assert_false (g_file_test (new_key, G_FILE_TEST_EXISTS));
  }
  fd_test_server_restart (server);
  {
    g_autofree char *again = record_answers (server);
    g_assert_cmpstr (again, ==, answers);
  }
  assert_audit_verifies (server);

  /* Killed after three batches of 40 rows: the server refuses the
   * half-rotated database; the same command goes on and finishes. */
  fd_test_server_halt (server);
  {
    g_autoptr(GHashTable) before = sealed_snapshot (path);
    const char *args[] = { "rekey", "--data-dir", data_dir, "--new-key", newer_key,
                           "--batch-size", "40", "--test-crash-after", "3", NULL };
    const char *resume[] = { "rekey", "--data-dir", data_dir, "--new-key", newer_key,
                             "--batch-size", "40", NULL };
    const char *verify_args[] = { "audit", "verify", "--data-dir", data_dir, NULL };
    g_autofree char *state = NULL;
    g_autoptr(GHashTable) after = NULL;

    rc = run_cli (args, NULL, &err);
    if (rc == 2 && strstr (err, "test-crash-after") != NULL)
      {
        /* a release build has no crash option: nothing to resume */
        g_test_skip ("release build: no --test-crash-after");
        fd_test_server_restart (server);
        goto finish;
      }
    g_assert_cmpint (rc, ==, 128 + SIGKILL);
    g_clear_pointer (&err, g_free);
    state = db_text (path, "SELECT value FROM settings WHERE key = 'key.check'");
    g_assert_cmpstr (state, ==, "rekey-in-progress");
    g_assert_cmpint (run_cli (verify_args, NULL, &err), ==, 2);
    g_assert_nonnull (strstr (err, "half-way"));
    g_clear_pointer (&err, g_free);

    g_assert_cmpint (run_cli (resume, &out, NULL), ==, 0);
    g_assert_nonnull (strstr (out, "resuming at residents after row 120"));
    g_clear_pointer (&out, g_free);
    after = sealed_snapshot (path);
    assert_all_changed (before, after);
  }
  fd_test_server_restart (server);
  {
    g_autofree char *again = record_answers (server);
    g_assert_cmpstr (again, ==, answers);
  }
  assert_audit_verifies (server);

  /* Audited, with the totals of both runs of the second rotation. */
  sealed_values = db_int (path, "SELECT (SELECT count(phone_enc) + count(id_enc) + "
                                "count(address_enc) FROM residents) + (SELECT count(account_enc) "
                                "FROM payments) + (SELECT count(phone_enc) + count(id_enc) FROM "
                                "visitors)");
  {
    g_autofree char *detail = db_text (path, "SELECT reason_text FROM audit_log WHERE "
                                             "action = 'rekey' ORDER BY seq DESC LIMIT 1");
    gint64 indexes = db_int (path, "SELECT count(phone_bidx) + count(id_bidx) FROM residents");
    g_autofree char *want = g_strdup_printf ("%" G_GINT64_FORMAT " values re-sealed, %"
                                             G_GINT64_FORMAT " blind indexes recomputed, "
                                             "0 damaged", sealed_values, indexes);

    g_assert_cmpstr (detail, ==, want);
    g_assert_cmpint (db_int (path, "SELECT count(*) FROM audit_log WHERE action = 'rekey'"), ==, 2);
  }

  /* --finish deletes the old keys, audited. */
finish:
  fd_test_server_halt (server);
  {
    const char *args[] = { "rekey", "--data-dir", data_dir, "--finish", NULL };
    gint64 rotations = db_int (path, "SELECT count(*) FROM audit_log WHERE action = 'rekey'");

    g_assert_cmpuint (count_old_keys (data_dir), ==, rotations);
    g_assert_cmpint (run_cli (args, &out, NULL), ==, 0);
    g_assert_cmpuint (count_old_keys (data_dir), ==, 0);
    g_assert_cmpint (db_int (path, "SELECT count(*) FROM audit_log WHERE action = 'rekey'"), ==,
                     rotations + 1);
  }
  g_unlink (loose_key);
  g_rmdir (keys_dir);
}

static guint
sign_in (FdTestServer *server,
         SoupSession  *session,
         const char   *username,
         const char   *password)
{
  g_autofree char *body = g_strdup_printf ("{\"username\": \"%s\", \"password\": \"%s\", "
                                           "\"workstation\": \"fd-test\"}", username, password);
  g_autoptr(JsonNode) node = NULL;
  guint status;

  node = fd_test_request (server, session, "POST", "/api/v1/session", NULL, body, &status, NULL);
  return status;
}

/* The sign-in failures counted under a keyed MAC of the name carry over a
 * rotation: four before it and one after lock the account. A column that
 * looks keyed and that rekey does not know stops it before anything
 * changes. */
static void
test_rekey_keeps_failures (void)
{
  /* before anything touches the database */
  if (fd_test_skip_unless_sqlite ("SQLite only: rekey reads the SQLite file"))
    return;

  FdTestServerOptions opts = { .residents = 10 };
  g_autoptr(FdTestServer) server = fd_test_server_start (&opts);
  g_autoptr(SoupSession) session = fd_test_server_new_session (server);
  g_autofree char *user = fd_test_create_user (server, session, "reception", NULL);
  g_autofree char *path = db_path (server);
  g_autofree char *keys_dir = g_dir_make_tmp ("fd-test-keys-XXXXXX", NULL);
  g_autofree char *new_key = g_build_filename (keys_dir, "new.key", NULL);
  const char *data_dir = fd_test_server_get_data_dir (server);
  const char *args[] = { "rekey", "--data-dir", data_dir, "--new-key", new_key, NULL };
  g_autofree char *check = NULL, *err = NULL;

  for (guint i = 0; i < 4; i++)
    g_assert_cmpuint (sign_in (server, session, user, "not-the-password"), ==, 401);
  g_assert_cmpuint (sign_in (server, session, "nobody-here", "not-the-password"), ==, 401);
  fd_test_server_halt (server);
  g_assert_cmpint (db_int (path, "SELECT count(*) FROM login_failures"), ==, 2);

  /* e.g. a sealed column added by a later version */
  {
    sqlite3 *db = NULL;

    check = db_text (path, "SELECT value FROM settings WHERE key = 'key.check'");
    g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (db, "ALTER TABLE users ADD COLUMN totp_enc BLOB", NULL, NULL,
                                   NULL), ==, SQLITE_OK);
    sqlite3_close (db);
    g_assert_cmpint (run_cli (args, NULL, &err), ==, 2);
    g_assert_nonnull (strstr (err, "users.totp_enc"));
    g_assert_false (g_file_test (new_key, G_FILE_TEST_EXISTS));
    g_free (err);
    err = db_text (path, "SELECT value FROM settings WHERE key = 'key.check'");
    g_assert_cmpstr (err, ==, check);
    g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (db, "ALTER TABLE users DROP COLUMN totp_enc", NULL, NULL,
                                   NULL), ==, SQLITE_OK);
    sqlite3_close (db);
  }

  g_assert_cmpint (run_cli (args, NULL, NULL), ==, 0);
  /* the account's counter moved to the new key; the unknown name's went */
  g_assert_cmpint (db_int (path, "SELECT count(*) FROM login_failures"), ==, 1);
  fd_test_server_restart (server);
  g_clear_object (&session);
  session = fd_test_server_new_session (server);
  sign_in (server, session, user, "not-the-password");
  g_assert_cmpuint (sign_in (server, session, user, fd_test_server_get_password (server)), ==,
                    423);
  g_rmdir (keys_dir);
}

typedef struct
{
  FdTestServer *server;
  char         *room;
  gint          registered;   /* atomic */
  gint          stop;         /* atomic */
} Load;

/* Registers visitors one after the other until told to stop. */
static gpointer
register_visitors (gpointer data)
{
  Load *load = data;
  g_autoptr(SoupSession) session = fd_test_server_new_session (load->server);
  g_autofree char *token = fd_test_login (load->server, session, "reception");
  g_autofree char *body = g_strdup_printf ("{\"name\": \"王芳\", \"phone\": \"13800138000\", "
                                           "\"room\": \"%s\", \"purpose\": \"探访 Visiting\"}",
                                           load->room);

  while (!g_atomic_int_get (&load->stop))
    {
      g_autoptr(JsonNode) node = NULL;
      guint status;

      node = fd_test_request (load->server, session, "POST", "/api/v1/visitors", token, body,
                              &status, NULL);
      g_assert_cmpuint (status, ==, 201);
      g_atomic_int_inc (&load->registered);
    }
  return NULL;
}

static void
wait_for_registrations (Load *load,
                        gint  count)
{
  for (guint i = 0; g_atomic_int_get (&load->registered) < count; i++)
    {
      g_assert_cmpuint (i, <, 1200);
      g_usleep (50 * 1000);
    }
}

static char *
only_backup (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  char *found = NULL;

  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_assert_true (g_regex_match_simple ("^frontdesk-[0-9]{8}-[0-9]{6}\\.db$", name, 0, 0));
      g_assert_null (found);
      found = g_build_filename (dir, name, NULL);
    }
  g_assert_nonnull (found);
  return found;
}

/* A backup taken while visitors are being registered is consistent and
 * restores; the witness sees the rollback until accept-restore. */
static void
test_backup_under_load (void)
{
  /* before anything touches the database */
  if (fd_test_skip_unless_sqlite ("SQLite only: the SQLite online backup"))
    return;

  g_autofree char *work = g_dir_make_tmp ("fd-test-ops-XXXXXX", NULL);
  g_autofree char *witness = g_build_filename (work, "witness.log", NULL);
  g_autofree char *destination = g_strconcat ("file:", witness, NULL);
  g_autofree char *backups = g_build_filename (work, "backups", NULL);
  const char *extra[] = { "--audit-witness", destination, "--audit-witness-interval", "1", NULL };
  FdTestServerOptions opts = { .residents = 200, .extra_args = extra };
  g_autoptr(FdTestServer) server = fd_test_server_start (&opts);
  g_autofree char *path = db_path (server);
  const char *data_dir = fd_test_server_get_data_dir (server);
  g_autofree char *out = NULL, *file = NULL, *aside = NULL;
  Load load = { .server = server };
  GThread *thread;
  gint before, after;
  gint64 restored;
  struct stat st;

  load.room = db_text (path, "SELECT room FROM residents LIMIT 1");
  thread = g_thread_new ("visitors", register_visitors, &load);
  wait_for_registrations (&load, 5);
  {
    const char *args[] = { "backup", "--data-dir", data_dir, "--to", backups, NULL };

    before = g_atomic_int_get (&load.registered);
    g_assert_cmpint (run_cli (args, &out, NULL), ==, 0);
    after = g_atomic_int_get (&load.registered);
    g_assert_nonnull (strstr (out, "verified: integrity ok, audit chain ok"));
    g_assert_nonnull (strstr (out, "NOT in the backup"));
  }
  /* the server kept serving: more visitors after the copy */
  wait_for_registrations (&load, after + 5);
  g_atomic_int_set (&load.stop, 1);
  g_thread_join (thread);
  g_free (load.room);

  file = only_backup (backups);
  g_assert_cmpint (g_stat (file, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (backups, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_cmpint (db_int (path, "SELECT count(*) FROM audit_log WHERE action = 'backup'"), ==, 1);

  /* Not while the server runs. */
  {
    const char *args[] = { "restore", "--data-dir", data_dir, "--from", file, NULL };
    g_autofree char *err = NULL;

    g_assert_cmpint (run_cli (args, NULL, &err), ==, 2);
    g_assert_nonnull (strstr (err, "in use"));
  }
  fd_test_server_halt (server);
  {
    const char *args[] = { "restore", "--data-dir", data_dir, "--from", file, NULL };
    g_autofree char *restore_out = NULL;
    const char *kept;

    g_assert_cmpint (run_cli (args, &restore_out, NULL), ==, 0);
    kept = strstr (restore_out, "kept the database it replaces as ");
    g_assert_nonnull (kept);
    kept += strlen ("kept the database it replaces as ");
    aside = g_strndup (kept, strcspn (kept, " "));
    g_assert_true (g_file_test (aside, G_FILE_TEST_IS_REGULAR));
    g_assert_nonnull (strstr (restore_out, "accept-restore"));
  }
  /* Every visitor registered before the copy began is in it, none
   * registered after it ended (each answer came after its commit). */
  restored = db_int (path, "SELECT count(*) FROM visitors WHERE purpose = '探访 Visiting'");
  g_test_message ("registered %d before the backup, %d when it ended; %" G_GINT64_FORMAT
                  " restored", before, after, restored);
  g_assert_cmpint (restored, >=, before);
  g_assert_cmpint (restored, <=, after + 1);
  g_assert_cmpint (db_int (aside, "SELECT count(*) FROM visitors WHERE purpose = '探访 Visiting'"),
                   >=, after + 5);
  g_assert_cmpint (db_int (path, "SELECT count(*) FROM audit_log WHERE action = 'restore'"), ==, 1);

  {
    const char *verify_args[] = { "audit", "verify", "--data-dir", data_dir, "--witness", witness,
                                  NULL };
    const char *accept_args[] = { "audit", "accept-restore", "--data-dir", data_dir,
                                  "--witness", witness, NULL };
    g_autofree char *verify_out = NULL;

    g_assert_cmpint (run_cli (verify_args, &verify_out, NULL), ==, 1);
    g_assert_nonnull (strstr (verify_out, "rolled back"));
    g_assert_cmpint (run_cli (accept_args, NULL, NULL), ==, 0);
    g_clear_pointer (&verify_out, g_free);
    g_assert_cmpint (run_cli (verify_args, &verify_out, NULL), ==, 0);
    g_assert_true (g_str_has_prefix (verify_out, "ok "));
  }
  fd_test_server_restart (server);
  {
    g_autoptr(SoupSession) session = fd_test_server_new_session (server);
    g_autofree char *token = fd_test_login (server, session, "reception");
    g_assert_nonnull (token);
  }
  fd_test_server_stop (g_steal_pointer (&server));
  {
    g_autofree char *rm = g_strdup_printf ("rm -rf -- '%s'", work);
    g_spawn_command_line_sync (rm, NULL, NULL, NULL, NULL);
  }
}

static char *
file_digest (const char *path)
{
  g_autofree char *contents = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guint8 *) contents, len);
}

static guint
count_files (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (g_dir_read_name (d) != NULL)
    n++;
  return n;
}

/* Restore refuses a backup made under another key, and one whose audit
 * chain was altered, and changes nothing. */
static void
test_restore_refuses (void)
{
  /* before anything touches the database */
  if (fd_test_skip_unless_sqlite ("SQLite only: restores an SQLite backup"))
    return;

  FdTestServerOptions opts = { .residents = 20 };
  g_autoptr(FdTestServer) office = fd_test_server_start (&opts);
  g_autoptr(FdTestServer) other = fd_test_server_start (&opts);
  g_autofree char *work = g_dir_make_tmp ("fd-test-ops-XXXXXX", NULL);
  g_autofree char *foreign_dir = g_build_filename (work, "foreign", NULL);
  g_autofree char *own_dir = g_build_filename (work, "own", NULL);
  g_autofree char *path = db_path (office);
  const char *data_dir = fd_test_server_get_data_dir (office);
  g_autofree char *foreign = NULL, *own = NULL, *digest = NULL, *err = NULL;
  guint files;

  {
    const char *a[] = { "backup", "--data-dir", fd_test_server_get_data_dir (other), "--to",
                        foreign_dir, NULL };
    const char *b[] = { "backup", "--data-dir", data_dir, "--to", own_dir, NULL };

    g_assert_cmpint (run_cli (a, NULL, NULL), ==, 0);
    g_assert_cmpint (run_cli (b, NULL, NULL), ==, 0);
  }
  foreign = only_backup (foreign_dir);
  own = only_backup (own_dir);
  fd_test_server_halt (office);
  digest = file_digest (path);
  files = count_files (data_dir);

  {
    const char *args[] = { "restore", "--data-dir", data_dir, "--from", foreign, NULL };

    g_assert_cmpint (run_cli (args, NULL, &err), ==, 1);
    g_assert_nonnull (strstr (err, "another data key"));
    g_clear_pointer (&err, g_free);
  }
  /* An entry of the audit log changed in the backup. */
  {
    const char *args[] = { "restore", "--data-dir", data_dir, "--from", own, NULL };
    sqlite3 *db = NULL;

    g_assert_cmpint (sqlite3_open (own, &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (db, "UPDATE audit_log SET actor = 'nobody' WHERE seq = 2",
                                   NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close (db);
    g_assert_cmpint (run_cli (args, NULL, &err), ==, 1);
    g_assert_nonnull (strstr (err, "audit chain is broken at seq 2"));
  }
  {
    g_autofree char *now = file_digest (path);
    g_assert_cmpstr (now, ==, digest);
    g_assert_cmpuint (count_files (data_dir), ==, files);
  }
  fd_test_server_stop (g_steal_pointer (&other));
  {
    g_autofree char *rm = g_strdup_printf ("rm -rf -- '%s'", work);
    g_spawn_command_line_sync (rm, NULL, NULL, NULL, NULL);
  }
}

/* --keep N leaves the N newest backups and every other file; a backup
 * directory open to others is refused. */
static void
test_backup_keep (void)
{
  /* before anything touches the database */
  if (fd_test_skip_unless_sqlite ("SQLite only: the SQLite backups kept"))
    return;

  FdTestServerOptions opts = { .residents = 10 };
  g_autoptr(FdTestServer) server = fd_test_server_start (&opts);
  g_autofree char *work = g_dir_make_tmp ("fd-test-ops-XXXXXX", NULL);
  const char *data_dir = fd_test_server_get_data_dir (server);
  const char *old[] = { "frontdesk-20200101-000000.db", "frontdesk-20200102-000000.db",
                        "frontdesk-20200103-000000.db", "notes.txt", "frontdesk-latest.db" };
  const char *args[] = { "backup", "--data-dir", data_dir, "--to", work, "--keep", "2", NULL };
  g_autofree char *err = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (old); i++)
    {
      g_autofree char *p = g_build_filename (work, old[i], NULL);
      g_assert_true (g_file_set_contents (p, "x", 1, NULL));
    }
  g_assert_cmpint (g_chmod (work, 0755), ==, 0);
  g_assert_cmpint (run_cli (args, NULL, &err), ==, 2);
  g_assert_nonnull (strstr (err, "open to others"));
  g_assert_cmpuint (count_files (work), ==, G_N_ELEMENTS (old));

  g_assert_cmpint (g_chmod (work, 0700), ==, 0);
  g_assert_cmpint (run_cli (args, NULL, NULL), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (old); i++)
    {
      g_autofree char *p = g_build_filename (work, old[i], NULL);
      /* the two oldest go; the newest old one, and the others, stay */
      g_assert_cmpint (g_file_test (p, G_FILE_TEST_EXISTS), ==, i >= 2);
    }
  g_assert_cmpuint (count_files (work), ==, 4);
  {
    g_autofree char *rm = g_strdup_printf ("rm -rf -- '%s'", work);
    g_spawn_command_line_sync (rm, NULL, NULL, NULL, NULL);
  }
}

/* --- PostgreSQL (test-server-ops-pg): the same commands on a served
 * database, read past row-level security as its superuser --- */

static gboolean
skip_unless_postgresql (void)
{
  if (fd_test_store_is_postgresql ())
    return FALSE;
  g_test_skip ("PostgreSQL only: test-server-ops-pg runs it");
  return TRUE;
}

static char *
pg_text (FdTestServer *server,
         const char   *sql)
{
  g_autofree char *su = fd_test_pg_superuser_conninfo (fd_test_server_get_database (server));

  return fd_test_pg_query_value (su, sql);
}

static gint64
pg_int (FdTestServer *server,
        const char   *sql)
{
  g_autofree char *text = pg_text (server, sql);

  g_assert_nonnull (text);
  return g_ascii_strtoll (text, NULL, 10);
}

/* Every sealed value and blind index, "table:id:column" → hex. */
static GHashTable *
pg_sealed_snapshot (FdTestServer *server)
{
  g_autofree char *all = pg_text (server,
    "SELECT string_agg (k || '=' || v, ' ') FROM ("
    "SELECT 'residents:' || id || ':phone' k, encode (phone_enc, 'hex') v FROM residents UNION ALL "
    "SELECT 'residents:' || id || ':phone_bidx', phone_bidx FROM residents UNION ALL "
    "SELECT 'residents:' || id || ':id', encode (id_enc, 'hex') FROM residents UNION ALL "
    "SELECT 'residents:' || id || ':id_bidx', id_bidx FROM residents UNION ALL "
    "SELECT 'residents:' || id || ':address', encode (address_enc, 'hex') FROM residents UNION ALL "
    "SELECT 'payments:' || resident_id || ':account', encode (account_enc, 'hex') FROM payments "
    "UNION ALL SELECT 'visitors:' || id || ':phone', encode (phone_enc, 'hex') FROM visitors "
    "UNION ALL SELECT 'visitors:' || id || ':id', encode (id_enc, 'hex') FROM visitors) s "
    "WHERE v IS NOT NULL AND v <> ''");
  g_auto(GStrv) pairs = g_strsplit (all, " ", -1);
  GHashTable *values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; pairs[i] != NULL; i++)
    {
      const char *eq = strchr (pairs[i], '=');

      g_assert_nonnull (eq);
      g_hash_table_insert (values, g_strndup (pairs[i], eq - pairs[i]), g_strdup (eq + 1));
    }
  return values;
}

static void
assert_none_changed (GHashTable *before,
                     GHashTable *after)
{
  GHashTableIter iter;
  gpointer key, value;

  g_assert_cmpuint (g_hash_table_size (after), ==, g_hash_table_size (before));
  g_hash_table_iter_init (&iter, before);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_assert_cmpstr (g_hash_table_lookup (after, key), ==, value);
}

static void
copy_file_mode (const char *from,
                const char *to)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (from, &contents, &len, NULL));
  g_assert_true (g_file_set_contents_full (to, contents, len, G_FILE_SET_CONTENTS_NONE, 0600,
                                           NULL));
}

/* A data directory beside @data_dir's: the same database login, with the
 * key file @key (and the store file @store_conf when not NULL). */
static char *
office_copy (const char *data_dir,
             const char *key,
             const char *store_conf)
{
  char *dir = g_dir_make_tmp ("fd-test-office-XXXXXX", NULL);
  g_autofree char *conf = g_build_filename (dir, "store.conf", NULL);
  g_autofree char *data_key = g_build_filename (dir, "data.key", NULL);
  g_autofree char *conf_from = g_build_filename (data_dir, "store.conf", NULL);
  g_autofree char *pw_from = g_build_filename (data_dir, "postgresql-server.password", NULL);
  g_autofree char *pw_to = g_build_filename (dir, "postgresql-server.password", NULL);
  g_autofree char *text = NULL;

  g_assert_true (g_file_get_contents (conf_from, &text, NULL, NULL));
  /* the password file is named by its absolute path */
  if (store_conf != NULL)
    g_assert_true (g_file_set_contents_full (conf, store_conf, -1, G_FILE_SET_CONTENTS_NONE,
                                             0600, NULL));
  else
    copy_file_mode (conf_from, conf);
  copy_file_mode (pw_from, pw_to);
  copy_file_mode (key, data_key);
  return dir;
}

static void
remove_tree (const char *dir)
{
  g_autofree char *rm = g_strdup_printf ("rm -rf -- '%s'", dir);

  g_spawn_command_line_sync (rm, NULL, NULL, NULL, NULL);
}

/* The newest data.key.old-STAMP in @data_dir. */
static char *
newest_old_key (const char *data_dir)
{
  g_autoptr(GDir) dir = g_dir_open (data_dir, 0, NULL);
  g_autofree char *best = NULL;
  const char *name;

  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, "data.key.old-") && g_strcmp0 (name, best) > 0)
      {
        g_free (best);
        best = g_strdup (name);
      }
  g_assert_nonnull (best);
  return g_build_filename (data_dir, best, NULL);
}

/* Rekey on PostgreSQL: refused while a server is connected; killed
 * half-way it changes nothing; done, every answer stays, the sign-in
 * failures carry over, the old key opens the database no more; after a
 * crash between COMMIT and the key swap the same command finishes. */
static void
test_rekey_pg (void)
{
  if (skip_unless_postgresql ())
    return;

  FdTestServerOptions opts = { .residents = 300 };
  g_autoptr(FdTestServer) server = fd_test_server_start (&opts);
  g_autoptr(SoupSession) session = fd_test_server_new_session (server);
  g_autofree char *user = fd_test_create_user (server, session, "reception", NULL);
  g_autofree char *keys_dir = g_dir_make_tmp ("fd-test-keys-XXXXXX", NULL);
  g_autofree char *new_key = g_build_filename (keys_dir, "new.key", NULL);
  g_autofree char *newer_key = g_build_filename (keys_dir, "newer.key", NULL);
  const char *data_dir = fd_test_server_get_data_dir (server);
  g_autofree char *data_key = g_build_filename (data_dir, "data.key", NULL);
  g_autofree char *answers = record_answers (server);
  g_autofree char *check0 = pg_text (server, "SELECT value FROM settings WHERE key = 'key.check'");
  g_autoptr(GHashTable) sealed0 = pg_sealed_snapshot (server);
  const char *args[] = { "rekey", "--data-dir", data_dir, "--new-key", new_key, NULL };
  g_autofree char *out = NULL, *err = NULL;
  int rc;

  for (guint i = 0; i < 4; i++)
    g_assert_cmpuint (sign_in (server, session, user, "not-the-password"), ==, 401);
  g_assert_cmpuint (sign_in (server, session, "nobody-here", "not-the-password"), ==, 401);

  /* Refused while the server is connected, before anything is made. */
  g_assert_cmpint (run_cli (args, NULL, &err), ==, 2);
  g_assert_nonnull (strstr (err, "in use"));
  g_assert_false (g_file_test (new_key, G_FILE_TEST_EXISTS));
  g_clear_pointer (&err, g_free);
  fd_test_server_halt (server);
  g_assert_cmpint (pg_int (server, "SELECT count(*) FROM login_failures"), ==, 2);

  /* Killed half-way through its one transaction: nothing changed. */
  {
    const char *crash[] = { "rekey", "--data-dir", data_dir, "--new-key", new_key,
                            "--test-crash-after", "1", NULL };
    g_autofree char *check = NULL;
    g_autoptr(GHashTable) sealed = NULL;

    rc = run_cli (crash, NULL, &err);
    if (rc == 2 && strstr (err, "test-crash-after") != NULL)
      g_test_message ("release build: no --test-crash-after");
    else
      {
        g_assert_cmpint (rc, ==, 128 + SIGKILL);
        check = pg_text (server, "SELECT value FROM settings WHERE key = 'key.check'");
        g_assert_cmpstr (check, ==, check0);
        sealed = pg_sealed_snapshot (server);
        assert_none_changed (sealed0, sealed);
        g_assert_cmpint (pg_int (server, "SELECT count(*) FROM login_failures"), ==, 2);
      }
    g_clear_pointer (&err, g_free);
  }

  g_assert_cmpint (run_cli (args, &out, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "in one transaction"));
  g_assert_nonnull (strstr (out, "data.key.old-"));
  g_clear_pointer (&out, g_free);
  {
    g_autofree char *check1 = pg_text (server, "SELECT value FROM settings WHERE key = "
                                               "'key.check'");
    g_autoptr(GHashTable) sealed1 = pg_sealed_snapshot (server);

    g_assert_true (g_str_has_prefix (check1, "v1:"));
    g_assert_cmpstr (check1, !=, check0);
    assert_all_changed (sealed0, sealed1);
    g_assert_cmpuint (count_old_keys (data_dir), ==, 1);
    g_assert_false (g_file_test (new_key, G_FILE_TEST_EXISTS));
    /* the account's failures moved to the new key; the unknown name's went */
    g_assert_cmpint (pg_int (server, "SELECT count(*) FROM login_failures"), ==, 1);
  }
  /* The old key opens the database no more. */
  {
    g_autofree char *old_key = newest_old_key (data_dir);
    g_autofree char *copy = office_copy (data_dir, old_key, NULL);
    const char *verify_args[] = { "audit", "verify", "--data-dir", copy, NULL };

    g_assert_cmpint (run_cli (verify_args, NULL, &err), ==, 2);
    g_assert_nonnull (strstr (err, "is not the key of the database"));
    g_clear_pointer (&err, g_free);
    remove_tree (copy);
  }
  fd_test_server_restart (server);
  {
    g_autofree char *again = record_answers (server);
    g_assert_cmpstr (again, ==, answers);
  }
  g_clear_object (&session);
  session = fd_test_server_new_session (server);
  sign_in (server, session, user, "not-the-password");
  g_assert_cmpuint (sign_in (server, session, user, fd_test_server_get_password (server)), ==,
                    423);
  assert_audit_verifies (server);
  {
    g_autofree char *detail = pg_text (server, "SELECT reason_text FROM audit_log WHERE "
                                               "action = 'rekey' ORDER BY seq DESC LIMIT 1");
    gint64 sealed = pg_int (server, "SELECT (SELECT count(phone_enc) + count(id_enc) + "
                                    "count(address_enc) FROM residents) + (SELECT "
                                    "count(account_enc) FROM payments) + (SELECT "
                                    "count(phone_enc) + count(id_enc) FROM visitors)");
    gint64 indexes = pg_int (server, "SELECT count(phone_bidx) + count(id_bidx) FROM residents");
    g_autofree char *want = g_strdup_printf ("%" G_GINT64_FORMAT " values re-sealed, %"
                                             G_GINT64_FORMAT " blind indexes recomputed, "
                                             "0 damaged", sealed, indexes);

    g_assert_cmpstr (detail, ==, want);
  }

  /* A crash between COMMIT and the key files' swap: the database is under
   * the new key, data.key is still the old one. The server refuses it;
   * the same command only audits and swaps. */
  fd_test_server_halt (server);
  {
    const char *again[] = { "rekey", "--data-dir", data_dir, "--new-key", newer_key, NULL };
    const char *verify_args[] = { "audit", "verify", "--data-dir", data_dir, NULL };
    g_autofree char *old_key = NULL;

    g_assert_cmpint (run_cli (again, NULL, NULL), ==, 0);
    /* undo the swap, as if it never happened */
    old_key = newest_old_key (data_dir);
    g_assert_cmpint (g_rename (data_key, newer_key), ==, 0);
    g_assert_cmpint (g_rename (old_key, data_key), ==, 0);
    g_assert_cmpint (run_cli (verify_args, NULL, &err), ==, 2);
    g_assert_nonnull (strstr (err, "is not the key of the database"));
    g_clear_pointer (&err, g_free);
    g_assert_cmpint (run_cli (again, &out, NULL), ==, 0);
    g_assert_nonnull (strstr (out, "already under the new key"));
    g_clear_pointer (&out, g_free);
    g_assert_false (g_file_test (newer_key, G_FILE_TEST_EXISTS));
  }
  fd_test_server_restart (server);
  {
    g_autofree char *again = record_answers (server);
    g_assert_cmpstr (again, ==, answers);
  }
  assert_audit_verifies (server);
  g_assert_cmpint (pg_int (server, "SELECT count(*) FROM audit_log WHERE action = 'rekey'"), ==,
                   2);

  /* --finish deletes the old keys, audited. */
  fd_test_server_halt (server);
  {
    const char *finish[] = { "rekey", "--data-dir", data_dir, "--finish", NULL };

    g_assert_cmpuint (count_old_keys (data_dir), >=, 2);
    g_assert_cmpint (run_cli (finish, NULL, NULL), ==, 0);
    g_assert_cmpuint (count_old_keys (data_dir), ==, 0);
  }
  fd_test_server_restart (server);
  g_rmdir (keys_dir);
}

static char *
newest_dump (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autofree char *best = NULL;
  const char *name;

  while ((name = g_dir_read_name (d)) != NULL)
    {
      /* no password file left behind */
      g_assert_false (g_str_has_prefix (name, ".frontdesk-pgpass"));
      if (g_regex_match_simple ("^frontdesk-[0-9]{8}-[0-9]{6}\\.dump$", name, 0, 0) &&
          g_strcmp0 (name, best) > 0)
        {
          g_free (best);
          best = g_strdup (name);
        }
    }
  g_assert_nonnull (best);
  return g_build_filename (dir, best, NULL);
}

/* Backup while serving, a change, restore with the service stopped: the
 * backed-up state is back, the chain verifies, every answer stays; --keep
 * prunes the dumps. */
static void
test_backup_restore_pg (void)
{
  if (skip_unless_postgresql ())
    return;

  FdTestServerOptions opts = { .residents = 120 };
  g_autoptr(FdTestServer) server = fd_test_server_start (&opts);
  g_autofree char *work = g_dir_make_tmp ("fd-test-ops-XXXXXX", NULL);
  g_autofree char *backups = g_build_filename (work, "backups", NULL);
  const char *data_dir = fd_test_server_get_data_dir (server);
  const char *owner = fd_test_server_get_database (server);
  const char *old[] = { "frontdesk-20200101-000000.dump", "frontdesk-20200102-000000.dump",
                        "frontdesk-20200103-000000.dump", "notes.txt" };
  const char *backup[] = { "backup", "--data-dir", data_dir, "--to", backups, "--keep", "2",
                           NULL };
  g_autofree char *answers = record_answers (server);
  g_autofree char *out = NULL, *err = NULL, *file = NULL;
  gint64 users, entries;
  struct stat st;

  g_assert_cmpint (g_mkdir (backups, 0700), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (old); i++)
    {
      g_autofree char *p = g_build_filename (backups, old[i], NULL);
      g_assert_true (g_file_set_contents (p, "x", 1, NULL));
    }
  users = pg_int (server, "SELECT count(*) FROM users");
  entries = pg_int (server, "SELECT count(*) FROM audit_log");
  /* pg_dump through a wrapper that writes down its arguments and
   * environment: the password is in neither, only in PGPASSFILE */
  {
    g_autofree char *bin = g_build_filename (work, "bin", NULL);
    g_autofree char *wrapper = g_build_filename (bin, "pg_dump", NULL);
    g_autofree char *seen = g_build_filename (work, "pg_dump.seen", NULL);
    g_autofree char *real = g_find_program_in_path ("pg_dump");
    g_autofree char *script = g_strdup_printf ("#!/bin/sh\n"
                                               "{ echo \"$@\"; env; cat \"$PGPASSFILE\"; } > '%s'\n"
                                               "exec '%s' \"$@\"\n", seen, real);
    g_autofree char *path = g_strconcat (bin, ":", g_getenv ("PATH"), NULL);
    g_autofree char *pw_file = g_build_filename (data_dir, "postgresql-server.password", NULL);
    g_autofree char *password = NULL, *log = NULL, *passfile = NULL;
    g_auto(GStrv) env = g_environ_setenv (g_get_environ (), "PATH", path, TRUE);
    const char *at;

    g_assert_nonnull (real);
    g_assert_cmpint (g_mkdir (bin, 0700), ==, 0);
    g_assert_true (g_file_set_contents (wrapper, script, -1, NULL));
    g_assert_cmpint (g_chmod (wrapper, 0700), ==, 0);
    g_assert_cmpint (run_cli_env (backup, env, &out, NULL), ==, 0);
    g_assert_true (g_file_get_contents (pw_file, &password, NULL, NULL));
    g_strchomp (password);
    g_assert_true (g_file_get_contents (seen, &log, NULL, NULL));
    at = strstr (log, "PGPASSFILE=");
    g_assert_nonnull (at);
    at += strlen ("PGPASSFILE=");
    passfile = g_strndup (at, strcspn (at, "\n"));
    /* only the passfile's line (printed last by the wrapper) holds it */
    g_assert_nonnull (strstr (log, password));
    g_assert_true (g_str_has_suffix (g_strchomp (log), password));
    g_assert_cmpuint (strstr (log, password) - log, ==, strlen (log) - strlen (password));
    g_assert_false (g_file_test (passfile, G_FILE_TEST_EXISTS));
    g_assert_null (strstr (log, "PGPASSWORD="));
  }
  g_assert_nonnull (strstr (out, "pg_dump"));
  g_assert_nonnull (strstr (out, "verified: pg_restore reads it, audit chain ok"));
  g_assert_nonnull (strstr (out, "NOT in the backup"));
  file = newest_dump (backups);
  g_assert_cmpint (g_stat (file, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  for (guint i = 0; i < G_N_ELEMENTS (old); i++)
    {
      g_autofree char *p = g_build_filename (backups, old[i], NULL);
      /* the two oldest go; the newest old one, and the others, stay */
      g_assert_cmpint (g_file_test (p, G_FILE_TEST_EXISTS), ==, i >= 2);
    }
  g_assert_cmpint (pg_int (server, "SELECT count(*) FROM audit_log WHERE action = 'backup'"), ==,
                   1);

  /* Changed after the backup. */
  {
    g_autoptr(SoupSession) session = fd_test_server_new_session (server);
    g_autofree char *extra = fd_test_create_user (server, session, "reception", NULL);
  }
  g_assert_cmpint (pg_int (server, "SELECT count(*) FROM users"), ==, users + 1);

  /* Not while the server is connected. */
  {
    const char *args[] = { "restore", "--data-dir", data_dir, "--from", file, "--database",
                           owner, NULL };

    g_assert_cmpint (run_cli (args, NULL, &err), ==, 2);
    g_assert_nonnull (strstr (err, "in use"));
    g_clear_pointer (&err, g_free);
    g_assert_cmpint (pg_int (server, "SELECT count(*) FROM users"), ==, users + 1);
  }
  fd_test_server_halt (server);
  {
    const char *args[] = { "restore", "--data-dir", data_dir, "--from", file, "--database",
                           owner, NULL };

    g_assert_cmpint (run_cli (args, &out, NULL), ==, 0);
    g_assert_nonnull (strstr (out, "in one transaction"));
  }
  g_assert_cmpint (pg_int (server, "SELECT count(*) FROM users"), ==, users);
  /* the dump's entries (the backup's own came after it) and the restore's */
  g_assert_cmpint (pg_int (server, "SELECT count(*) FROM audit_log"), ==, entries + 1);
  g_assert_cmpint (pg_int (server, "SELECT count(*) FROM audit_log WHERE action = 'restore'"), ==,
                   1);
  assert_audit_verifies (server);
  fd_test_server_restart (server);
  {
    g_autofree char *again = record_answers (server);
    g_assert_cmpstr (again, ==, answers);
  }
  fd_test_server_stop (g_steal_pointer (&server));
  remove_tree (work);
}

/* Clear errors, non-zero exits and nothing changed: a dump of another
 * office (another key), no file, not a dump, the owner's wrong password,
 * no pg_dump, a database that does not answer. */
static void
test_ops_pg_refuse (void)
{
  if (skip_unless_postgresql ())
    return;

  FdTestServerOptions opts = { .residents = 10 };
  g_autoptr(FdTestServer) office = fd_test_server_start (&opts);
  g_autoptr(FdTestServer) other = fd_test_server_start (&opts);
  g_autofree char *work = g_dir_make_tmp ("fd-test-ops-XXXXXX", NULL);
  g_autofree char *foreign_dir = g_build_filename (work, "foreign", NULL);
  g_autofree char *own_dir = g_build_filename (work, "own", NULL);
  g_autofree char *garbage = g_build_filename (work, "garbage.dump", NULL);
  g_autofree char *missing = g_build_filename (work, "missing.dump", NULL);
  const char *data_dir = fd_test_server_get_data_dir (office);
  g_autofree char *wrong_owner = g_strconcat (fd_test_server_get_database (office),
                                              " password=not-the-password", NULL);
  g_autofree char *foreign = NULL, *own = NULL, *err = NULL;
  gint64 users;

  {
    const char *a[] = { "backup", "--data-dir", fd_test_server_get_data_dir (other), "--to",
                        foreign_dir, NULL };
    const char *b[] = { "backup", "--data-dir", data_dir, "--to", own_dir, NULL };

    g_assert_cmpint (run_cli (a, NULL, NULL), ==, 0);
    g_assert_cmpint (run_cli (b, NULL, NULL), ==, 0);
  }
  foreign = newest_dump (foreign_dir);
  own = newest_dump (own_dir);
  g_assert_true (g_file_set_contents (garbage, "PGDMP? no", -1, NULL));
  fd_test_server_halt (office);
  users = pg_int (office, "SELECT count(*) FROM users");

  {
    const struct { const char *from, *owner, *message; int rc; } cases[] = {
      { foreign, NULL, "another data key", 1 },
      { missing, NULL, "no readable backup file", 2 },
      { garbage, NULL, "pg_restore", 1 },
      { own, wrong_owner, "password authentication failed", 2 },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        const char *args[] = { "restore", "--data-dir", data_dir, "--from", cases[i].from,
                               "--database",
                               cases[i].owner ? cases[i].owner
                                              : fd_test_server_get_database (office), NULL };

        g_assert_cmpint (run_cli (args, NULL, &err), ==, cases[i].rc);
        if (strstr (err, cases[i].message) == NULL)
          g_error ("restore %s: no \"%s\" in: %s", cases[i].from, cases[i].message, err);
        /* never a password in a message */
        g_assert_null (strstr (err, "not-the-password"));
        g_clear_pointer (&err, g_free);
      }
  }
  g_assert_cmpint (pg_int (office, "SELECT count(*) FROM users"), ==, users);
  g_assert_cmpint (pg_int (office, "SELECT count(*) FROM audit_log WHERE action = 'restore'"),
                   ==, 0);

  /* No pg_dump on PATH (a directory of its own: an earlier backup of the
   * same second in own_dir would be refused first, "exists already"). */
  {
    g_autofree char *no_tool_dir = g_build_filename (work, "no-tool", NULL);
    const char *args[] = { "backup", "--data-dir", data_dir, "--to", no_tool_dir, NULL };
    g_auto(GStrv) env = g_environ_setenv (g_get_environ (), "PATH", work, TRUE);

    g_assert_cmpint (run_cli_env (args, env, NULL, &err), ==, 2);
    g_assert_nonnull (strstr (err, "pg_dump is not installed"));
    g_clear_pointer (&err, g_free);
  }
  /* A database that does not answer. */
  {
    g_autofree char *key = g_build_filename (data_dir, "data.key", NULL);
    g_autofree char *copy = office_copy (data_dir, key, "[server]\nstore=postgresql\n"
                                         "database=host=127.0.0.1 port=1 dbname=nowhere\n");
    const char *backup[] = { "backup", "--data-dir", copy, "--to", own_dir, NULL };
    const char *rekey[] = { "rekey", "--data-dir", copy, "--new-key", missing, NULL };

    g_assert_cmpint (run_cli (backup, NULL, &err), ==, 2);
    g_assert_nonnull (strstr (err, "Cannot connect to PostgreSQL"));
    g_clear_pointer (&err, g_free);
    g_assert_cmpint (run_cli (rekey, NULL, &err), ==, 2);
    g_assert_nonnull (strstr (err, "Cannot connect to PostgreSQL"));
    g_clear_pointer (&err, g_free);
    g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
    remove_tree (copy);
  }
  fd_test_server_restart (office);
  fd_test_server_stop (g_steal_pointer (&other));
  remove_tree (work);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fd/server/ops/rekey", test_rekey);
  g_test_add_func ("/fd/server/ops/rekey-keeps-failures", test_rekey_keeps_failures);
  g_test_add_func ("/fd/server/ops/backup-under-load", test_backup_under_load);
  g_test_add_func ("/fd/server/ops/restore-refuses", test_restore_refuses);
  g_test_add_func ("/fd/server/ops/backup-keep", test_backup_keep);
  g_test_add_func ("/fd/server/ops/rekey-pg", test_rekey_pg);
  g_test_add_func ("/fd/server/ops/backup-restore-pg", test_backup_restore_pg);
  g_test_add_func ("/fd/server/ops/refuse-pg", test_ops_pg_refuse);
  return g_test_run ();
}
