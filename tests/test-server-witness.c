/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests the audit head witnessed outside the database. */

/* test-server-witness.c — the audit head witnessed outside the database
 *
 * Issue 9, finding 6: with write access to the database (no key), saving
 * the keyed head anchor, making three reveals, then deleting the newer
 * entries and restoring the saved anchor made `audit verify` answer ok.
 * The server now writes its head to a witness (here file:PATH), and
 * `audit verify` names the rollback.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/wait.h>

#include "fd-test-pg.h"
#include "fd-test-server.h"

typedef struct
{
  FdTestServer *server;
  SoupSession  *session;
  char         *witness_dir;
  char         *witness_file;
  char         *db_path;
} Fixture;

static void
fixture_start (Fixture *f)
{
  g_autofree char *destination = NULL;
  const char *extra[5];
  FdTestServerOptions opts = { 0 };

  f->witness_dir = g_dir_make_tmp ("fd-test-witness-XXXXXX", NULL);
  g_assert_nonnull (f->witness_dir);
  /* Outside the data directory, as an operator must put it. */
  f->witness_file = g_build_filename (f->witness_dir, "witness.log", NULL);
  destination = g_strconcat ("file:", f->witness_file, NULL);
  extra[0] = "--audit-witness";
  extra[1] = destination;
  extra[2] = "--audit-witness-interval";
  extra[3] = "1";
  extra[4] = NULL;
  opts.extra_args = extra;
  f->server = fd_test_server_start (&opts);
  f->session = fd_test_server_new_session (f->server);
  f->db_path = g_build_filename (fd_test_server_get_data_dir (f->server), "frontdesk.db", NULL);
}

static void
fixture_stop (Fixture *f)
{
  g_autofree char *rm = g_strdup_printf ("rm -rf -- '%s'", f->witness_dir);

  g_clear_object (&f->session);
  fd_test_server_stop (f->server);
  g_spawn_command_line_sync (rm, NULL, NULL, NULL, NULL);
  g_free (f->witness_dir);
  g_free (f->witness_file);
  g_free (f->db_path);
}

/* Runs `frontdesk-server audit VERB --data-dir DIR [ARGS…]`; returns the
 * exit status, @out gets standard output. */
static int
run_audit (Fixture    *f,
           const char *verb,
           const char *arg1,
           const char *arg2,
           char      **out)
{
  const char *argv[] = { fd_test_server_binary (), "audit", verb, "--data-dir",
                         fd_test_server_get_data_dir (f->server), arg1, arg2, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int wait_status;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, out,
                               &err, &wait_status, &error));
  g_assert_no_error (error);
  g_test_message ("audit %s: %s%s", verb, *out, err);
  g_assert_true (WIFEXITED (wait_status));
  return WEXITSTATUS (wait_status);
}

static int
verify_with_witness (Fixture  *f,
                     char    **out)
{
  return run_audit (f, "verify", "--witness", f->witness_file, out);
}

/* The witness records of event @event: their seqs, in file order. */
static GArray *
records (Fixture    *f,
         const char *event)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *want = g_strdup_printf ("audit-witness v1 event=%s ", event);
  GArray *seqs = g_array_new (FALSE, FALSE, sizeof (gint64));

  if (!g_file_get_contents (f->witness_file, &contents, NULL, NULL))
    return seqs;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *seq;
      gint64 n;

      if (!g_str_has_prefix (lines[i], want))
        continue;
      /* nothing but the head: seq, hash, time and the database's identity */
      g_assert_true (g_regex_match_simple ("^audit-witness v1 event=[a-z]+ seq=[0-9]+ "
                                           "hash=([0-9a-f]{64}|-) at=[0-9T:Z-]+ "
                                           "key=[0-9a-f]{16} db=/", lines[i], 0, 0));
      seq = strstr (lines[i], " seq=") + 5;
      n = g_ascii_strtoll (seq, NULL, 10);
      g_array_append_val (seqs, n);
    }
  return seqs;
}

static gint64
last_record (Fixture    *f,
             const char *event)
{
  g_autoptr(GArray) seqs = records (f, event);

  return seqs->len > 0 ? g_array_index (seqs, gint64, seqs->len - 1) : -1;
}

/* PostgreSQL: @sql as its superuser (past row-level security and the
 * server role's grants: someone with write access to the database). */
static char *
pg_value (Fixture    *f,
          const char *sql)
{
  g_autofree char *super = fd_test_pg_superuser_conninfo (fd_test_server_get_database (f->server));

  return fd_test_pg_query_value (super, sql);
}

/* The head as the database holds it (read-only, beside the server). */
static gint64
db_last_seq (Fixture *f)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 seq;

  if (fd_test_store_is_postgresql ())
    {
      g_autofree char *value = pg_value (f, "SELECT coalesce (max (seq), 0) FROM audit_log");
      return g_ascii_strtoll (value, NULL, 10);
    }

  g_assert_cmpint (sqlite3_open_v2 (f->db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 10000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT max(seq) FROM audit_log", -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  seq = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return seq;
}

/* The attacker's first step: the anchor row and the seq it names, read
 * from one snapshot. */
static char *
save_anchor (Fixture *f,
             gint64  *seq)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *anchor;

  if (fd_test_store_is_postgresql ())
    {
      /* PostgreSQL keeps it in the audit_head row: "SEQ:HASH:MAC" all the same */
      anchor = pg_value (f, "SELECT seq || ':' || hash || ':' || mac FROM audit_head");
      g_assert_nonnull (anchor);
      *seq = g_ascii_strtoll (anchor, NULL, 10);
      g_assert_cmpint (*seq, >, 0);
      return anchor;
    }
  g_assert_cmpint (sqlite3_open_v2 (f->db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 10000);
  g_assert_cmpint (sqlite3_exec (db, "BEGIN", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT value FROM settings WHERE key = 'audit.head'",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  anchor = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
  sqlite3_close (db);
  *seq = g_ascii_strtoll (anchor, NULL, 10);
  g_assert_cmpint (*seq, >, 0);
  return anchor;
}

/* The rest of the attack: the newer entries deleted and the saved anchor
 * put back, with the sqlite3 library and no key. */
static void
roll_back (Fixture    *f,
           const char *anchor,
           gint64      seq)
{
  sqlite3 *db = NULL;
  g_autofree char *sql = g_strdup_printf ("BEGIN IMMEDIATE;"
                                          "DELETE FROM audit_log WHERE seq > %" G_GINT64_FORMAT ";"
                                          "UPDATE settings SET value = '%s' WHERE key = 'audit.head';"
                                          "COMMIT;", seq, anchor);
  char *message = NULL;

  if (fd_test_store_is_postgresql ())
    {
      g_auto(GStrv) parts = g_strsplit (anchor, ":", 3);
      g_autofree char *pg_sql = NULL;

      g_assert_cmpuint (g_strv_length (parts), ==, 3);
      pg_sql = g_strdup_printf ("BEGIN; DELETE FROM audit_log WHERE seq > %" G_GINT64_FORMAT ";"
                                "UPDATE audit_head SET seq = %" G_GINT64_FORMAT ", hash = '%s', "
                                "mac = '%s' WHERE id = 1; COMMIT;", seq, seq, parts[1],
                                parts[2]);
      g_free (pg_value (f, pg_sql));
      g_assert_cmpint (db_last_seq (f), ==, seq);
      return;
    }
  g_assert_cmpint (sqlite3_open_v2 (f->db_path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 10000);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("sqlite: %s", message);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
  g_assert_cmpint (db_last_seq (f), ==, seq);
}

static void
reveal_three (Fixture *f)
{
  g_autofree char *reception = fd_test_login (f->server, f->session, "reception");
  g_autoptr(JsonNode) list = NULL;
  const char *id;
  guint status;

  list = fd_test_request (f->server, f->session, "GET", "/api/v1/residents?limit=1", reception,
                          NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  id = fd_test_get_string (json_array_get_object_element (
                             json_object_get_array_member (fd_test_get_object (list), "items"), 0),
                           "id");
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/residents/%s/reveal", id);
      g_autoptr(JsonNode) node = NULL;

      node = fd_test_request (f->server, f->session, "POST", path, reception,
                              "{\"field\": \"phone\", \"reason_code\": \"verify-identity\"}",
                              &status, NULL);
      g_assert_cmpuint (status, ==, 200);
    }
}

/* Waits (≤ 60 s, under load) until a record of @event names @seq or later. */
static void
wait_for_record (Fixture    *f,
                 const char *event,
                 gint64      seq)
{
  for (guint i = 0; i < 600 && last_record (f, event) < seq; i++)
    g_usleep (100 * 1000);
  g_assert_cmpint (last_record (f, event), >=, seq);
}

/* GET /audit/verify as auditor: ok, first_bad_seq, and witness.rolled_back
 * (-1 when the witness member is null). */
static gboolean
verify_api (Fixture *f,
            gint64  *first_bad,
            int     *rolled_back)
{
  g_autofree char *auditor = fd_test_login (f->server, f->session, "auditor");
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object, *witness;
  JsonNode *bad;
  guint status;

  node = fd_test_request (f->server, f->session, "GET", "/api/v1/audit/verify", auditor, NULL,
                          &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  object = fd_test_get_object (node);
  bad = json_object_get_member (object, "first_bad_seq");
  g_assert_nonnull (bad);
  *first_bad = JSON_NODE_HOLDS_NULL (bad) ? 0 : json_node_get_int (bad);
  g_assert_true (json_object_has_member (object, "entries"));
  g_assert_true (json_object_has_member (object, "witness"));
  witness = fd_test_get_object_member (object, "witness");
  *rolled_back = witness ? json_object_get_boolean_member (witness, "rolled_back") : -1;
  return json_object_get_boolean_member (object, "ok");
}

/* A record at start, one within the interval after activity, one at
 * SIGTERM; without tampering verify agrees. */
static void
test_records (void)
{
  Fixture f = { 0 };
  g_autofree char *out = NULL;
  gint64 head, first_bad;
  int rolled_back;

  fixture_start (&f);
  /* written before the server listens */
  g_assert_cmpint (last_record (&f, "start"), >, 0);
  g_assert_cmpint (last_record (&f, "start"), ==, db_last_seq (&f));

  reveal_three (&f);
  head = db_last_seq (&f);
  wait_for_record (&f, "tick", head);

  g_assert_true (verify_api (&f, &first_bad, &rolled_back));
  g_assert_cmpint (first_bad, ==, 0);
  g_assert_cmpint (rolled_back, ==, 0);

  fd_test_server_halt (f.server);
  {
    g_autoptr(GArray) starts = records (&f, "start");
    g_assert_cmpuint (starts->len, ==, 1);
  }
  g_assert_cmpint (last_record (&f, "stop"), ==, db_last_seq (&f));

  g_assert_cmpint (verify_with_witness (&f, &out), ==, 0);
  g_assert_true (g_regex_match_simple ("^ok [0-9]+ entries\\s*$", out, 0, 0));
  g_clear_pointer (&out, g_free);

  /* A bad destination is a usage error, not a crash. */
  {
    const char *argv[] = { fd_test_server_binary (), "demo", "--data-dir", f.witness_dir,
                           "--audit-witness", "file:relative.log", NULL };
    int wait_status;

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL,
                                 G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                                 NULL, NULL, NULL, NULL, &wait_status, NULL));
    g_assert_true (WIFEXITED (wait_status));
    g_assert_cmpint (WEXITSTATUS (wait_status), ==, 2);
  }
  fixture_stop (&f);
}

/* The finding, step by step. */
static void
test_rollback (void)
{
  Fixture f = { 0 };
  g_autofree char *out = NULL;
  g_autofree char *anchor = NULL;
  g_autofree char *expected = NULL;
  gint64 saved_seq, witnessed, first_bad;
  int rolled_back;

  fixture_start (&f);
  anchor = save_anchor (&f, &saved_seq);
  reveal_three (&f);
  fd_test_server_halt (f.server);
  witnessed = last_record (&f, "stop");
  g_assert_cmpint (witnessed, >=, saved_seq + 3);

  roll_back (&f, anchor, saved_seq);

  /* The keyed anchor alone is fooled: with no witness the chain is "ok"
   * (what the old code answered). */
  g_assert_cmpint (run_audit (&f, "verify", "--witness", "/dev/null", &out), ==, 0);
  g_assert_nonnull (strstr (out, "ok "));
  g_clear_pointer (&out, g_free);

  /* With the witness the rollback is named. */
  g_assert_cmpint (verify_with_witness (&f, &out), ==, 1);
  expected = g_strdup_printf ("rolled back: witness saw seq %" G_GINT64_FORMAT " (", witnessed);
  g_assert_nonnull (strstr (out, expected));
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("database ends at seq %" G_GINT64_FORMAT "\n", saved_seq);
  g_assert_nonnull (strstr (out, expected));
  g_assert_null (strstr (out, "ok "));
  g_clear_pointer (&out, g_free);

  /* The same records piped in on standard input ("--witness -"), as the
   * README's restore step does from journalctl. */
  {
    g_autofree char *bin = g_shell_quote (fd_test_server_binary ());
    g_autofree char *dir = g_shell_quote (fd_test_server_get_data_dir (f.server));
    g_autofree char *file = g_shell_quote (f.witness_file);
    g_autofree char *cmd = g_strdup_printf ("cat %s | %s audit verify --data-dir %s --witness -",
                                            file, bin, dir);
    const char *argv[] = { "/bin/sh", "-c", cmd, NULL };
    g_autoptr(GError) error = NULL;
    int wait_status;

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                                 NULL, &out, NULL, &wait_status, &error));
    g_assert_no_error (error);
    g_assert_true (WIFEXITED (wait_status));
    g_assert_cmpint (WEXITSTATUS (wait_status), ==, 1);
    g_assert_nonnull (strstr (out, "rolled back: witness saw seq "));
    g_clear_pointer (&out, g_free);
  }

  /* Restarting the server writes a lower head: that does not hide it. */
  fd_test_server_restart (f.server);
  g_clear_object (&f.session);
  f.session = fd_test_server_new_session (f.server);
  g_assert_false (verify_api (&f, &first_bad, &rolled_back));
  g_assert_cmpint (first_bad, ==, saved_seq + 1);
  g_assert_cmpint (rolled_back, ==, 1);
  reveal_three (&f);
  fd_test_server_halt (f.server);
  g_assert_cmpint (verify_with_witness (&f, &out), ==, 1);
  g_assert_nonnull (strstr (out, "rolled back: witness saw seq"));
  g_clear_pointer (&out, g_free);

  /* After a restore an operator accepts the new head explicitly. */
  g_assert_cmpint (run_audit (&f, "accept-restore", "--witness", f.witness_file, &out), ==, 0);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (verify_with_witness (&f, &out), ==, 0);
  g_assert_true (g_regex_match_simple ("^ok [0-9]+ entries\\s*$", out, 0, 0));
  g_clear_pointer (&out, g_free);
  fixture_stop (&f);
}

/* The same cut made while the server runs: it goes on from the old head,
 * so the witness must notice the head it saw is gone. */
static void
test_rollback_while_running (void)
{
  Fixture f = { 0 };
  g_autofree char *out = NULL;
  g_autofree char *anchor = NULL;
  gint64 saved_seq, first_bad;
  int rolled_back;

  fixture_start (&f);
  anchor = save_anchor (&f, &saved_seq);
  reveal_three (&f);
  wait_for_record (&f, "tick", saved_seq + 3);

  roll_back (&f, anchor, saved_seq);
  /* New entries on top of the old head: the chain verifies again. */
  reveal_three (&f);
  wait_for_record (&f, "rollback", saved_seq + 1);

  g_assert_false (verify_api (&f, &first_bad, &rolled_back));
  g_assert_cmpint (rolled_back, ==, 1);
  fd_test_server_halt (f.server);
  g_assert_cmpint (verify_with_witness (&f, &out), ==, 1);
  g_assert_nonnull (strstr (out, "rolled back: witness saw seq"));
  fixture_stop (&f);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/fd/server/witness/records", test_records);
  g_test_add_func ("/fd/server/witness/rollback", test_rollback);
  g_test_add_func ("/fd/server/witness/rollback-while-running", test_rollback_while_running);
  return g_test_run ();
}
