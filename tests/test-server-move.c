/* SPDX-License-Identifier: GPL-3.0-or-later */
/* move-store: an office's SQLite into the company's PostgreSQL (issue 16). */

/* test-server-move.c — an office seeded by `demo` on SQLite, used (visitors,
 * reveals, an alert, its audit chain), is moved into a company's PostgreSQL
 * (its own demo, its own data key) as estate "office"; a PostgreSQL server
 * on it must answer every search, reveal and verify the SQLite original
 * answers, and its audit verify must pass, with the office's chain checked
 * as the estate's prior history. A second move into the same estate is
 * refused; a move killed half-way (SIGKILL) continues to the same result;
 * an account whose name the company has with another role refuses the
 * move before anything is written. integration-pg only. */

#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "fd-test-pg.h"
#include "fd-test-server.h"

#define OFFICE_RESIDENTS 12000
#define MANAGERS         4     /* 10 reveals an hour each */

static FdTestServer *office;
static FdTestServer *company;
static char *office_pw;        /* the office's demo password: its accounts moved with it */

/* helpers */

static const char *
field_value (JsonObject *item,
             const char *member)
{
  return json_object_get_string_member (json_object_get_object_member (item, member), "value");
}

static int
run_cli (const char * const *args,
         char              **out,
         char              **err)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int status = -1;

  g_ptr_array_add (argv, (char *) fd_test_server_binary ());
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               out, err, &status, &error));
  g_assert_no_error (error);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static char *
login_as (FdTestServer *server,
          SoupSession  *session,
          const char   *username,
          const char   *password,
          const char   *estate)
{
  g_autofree char *json = g_strdup_printf ("{\"username\": \"%s\", \"password\": \"%s\", "
                                           "\"workstation\": \"fd-test\", \"estate\": \"%s\"}",
                                           username, password, estate);
  g_autoptr(JsonNode) node = NULL;
  JsonObject *rules;
  char *token;
  guint status;

  node = fd_test_request (server, session, "POST", "/api/v1/session", NULL, json, &status, NULL);
  g_assert_cmpuint (status, ==, 201);
  token = g_strdup (json_object_get_string_member (json_node_get_object (node), "token"));
  /* the data-protection rules first (issue 12), as fd_test_login() does */
  rules = fd_test_get_object_member (json_node_get_object (node), "rules");
  if (rules != NULL && !json_object_get_boolean_member_with_default (rules, "acknowledged", TRUE))
    fd_test_acknowledge_rules (server, session, token);
  return token;
}

static char *
estate_id (const char *code)
{
  g_autofree char *su = fd_test_pg_superuser_conninfo (fd_test_server_get_database (company));
  g_autofree char *sql = g_strdup_printf ("SELECT id FROM estates WHERE code = '%s'", code);

  return fd_test_pg_query_value (su, sql);
}

static char *
company_value (const char *sql)
{
  g_autofree char *su = fd_test_pg_superuser_conninfo (fd_test_server_get_database (company));

  return fd_test_pg_query_value (su, sql);
}

/* Every page of /residents?q=@q (at most @max items), each item without
 * its id (ids are the database's); *@ids gets the ids in order. */
static GPtrArray *
search_all (FdTestServer *server,
            SoupSession  *session,
            const char   *token,
            const char   *q,
            guint         max,
            GArray      **ids)
{
  GPtrArray *items = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *cursor = NULL;
  g_autofree char *escaped = g_uri_escape_string (q, NULL, TRUE);

  *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  do
    {
      g_autofree char *path = NULL;
      g_autoptr(JsonNode) node = NULL;
      JsonObject *root;
      JsonArray *list;
      guint status;

      path = cursor != NULL
        ? g_strdup_printf ("/api/v1/residents?q=%s&limit=100&cursor=%s", escaped, cursor)
        : g_strdup_printf ("/api/v1/residents?q=%s&limit=100", escaped);
      node = fd_test_request (server, session, "GET", path, token, NULL, &status, NULL);
      g_assert_cmpuint (status, ==, 200);
      root = json_node_get_object (node);
      list = json_object_get_array_member (root, "items");
      for (guint i = 0; i < json_array_get_length (list); i++)
        {
          JsonObject *item = json_array_get_object_element (list, i);
          JsonNode *copy = json_node_new (JSON_NODE_OBJECT);
          gint64 id = g_ascii_strtoll (json_object_get_string_member (item, "id"), NULL, 10);

          g_array_append_val (*ids, id);
          json_object_remove_member (item, "id");
          json_node_set_object (copy, item);
          g_ptr_array_add (items, json_to_string (copy, FALSE));
          json_node_unref (copy);
        }
      g_clear_pointer (&cursor, g_free);
      if (json_object_has_member (root, "next_cursor") &&
          !json_object_get_null_member (root, "next_cursor"))
        cursor = g_uri_escape_string (json_object_get_string_member (root, "next_cursor"), NULL,
                                      TRUE);
    }
  while (cursor != NULL && items->len < max);
  return items;
}

static void
assert_same_lists (const char *q,
                   GPtrArray  *a,
                   GPtrArray  *b)
{
  g_test_message ("search %s: %u answers on SQLite, %u on PostgreSQL", q, a->len, b->len);
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    g_assert_cmpstr (a->pdata[i], ==, b->pdata[i]);
}

static char *
reveal (FdTestServer *server,
        SoupSession  *session,
        const char   *token,
        const char   *password,
        gint64        id,
        const char   *field)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/residents/%" G_GINT64_FORMAT "/reveal", id);
  g_autofree char *body = g_strdup_printf ("{\"field\": \"%s\", \"reason_code\": \"verify-identity\", "
                                           "\"reason_text\": \"move check\", \"password\": "
                                           "\"%s\"}", field, password);
  g_autoptr(JsonNode) node = NULL;
  guint status;

  node = fd_test_request (server, session, "POST", path, token, body, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  return g_strdup (json_object_get_string_member (json_node_get_object (node), "value"));
}

static gboolean
verify_value (FdTestServer *server,
              SoupSession  *session,
              const char   *token,
              gint64        id,
              const char   *field,
              const char   *value)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/residents/%" G_GINT64_FORMAT "/verify", id);
  g_autofree char *body = g_strdup_printf ("{\"field\": \"%s\", \"value\": \"%s\"}", field,
                                           value);
  g_autoptr(JsonNode) node = NULL;
  guint status;

  node = fd_test_request (server, session, "POST", path, token, body, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  return json_object_get_boolean_member (json_node_get_object (node), "match");
}

static JsonObject *
audit_verify (FdTestServer *server,
              SoupSession  *session,
              const char   *token,
              JsonNode    **keep)
{
  guint status;

  *keep = fd_test_request (server, session, "GET", "/api/v1/audit/verify", token, NULL, &status,
                           NULL);
  g_assert_cmpuint (status, ==, 200);
  return json_node_get_object (*keep);
}

static void
post_ok (FdTestServer *server,
         SoupSession  *session,
         const char   *path,
         const char   *token,
         const char   *body,
         guint         want)
{
  g_autoptr(JsonNode) node = NULL;
  guint status;

  node = fd_test_request (server, session, "POST", path, token, body, &status, NULL);
  g_assert_cmpuint (status, ==, want);
}

/* the office, used */

static void
use_office (SoupSession *session)
{
  g_autofree char *reception = fd_test_login (office, session, "reception");
  g_autofree char *manager = fd_test_login (office, session, "manager");
  g_autofree char *admin = fd_test_login (office, session, "admin");
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *visitor_id = NULL;
  g_autofree char *checkout = NULL;
  g_autofree char *value = NULL;
  guint status;

  g_autofree char *room = NULL;

  node = fd_test_request (office, session, "GET", "/api/v1/residents?q=1-1&limit=1", reception,
                          NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  room = g_strdup (field_value (json_array_get_object_element (
    json_object_get_array_member (json_node_get_object (node), "items"), 0), "room"));
  for (guint i = 0; i < 5; i++)
    {
      static const char *const names[] = { "王小明", "李四", "张伟", "刘洋", "陈静" };
      g_autofree char *body = g_strdup_printf ("{\"name\": \"%s\", \"phone\": "
                                               "\"1391234000%u\", \"room\": \"%s\", "
                                               "\"purpose\": \"送快递\"}", names[i], i, room);
      g_clear_pointer (&node, json_node_unref);
      node = fd_test_request (office, session, "POST", "/api/v1/visitors", reception, body,
                              &status, NULL);
      g_assert_cmpuint (status, ==, 201);
      if (visitor_id == NULL)
        visitor_id = g_strdup (json_object_get_string_member (json_node_get_object (node), "id"));
    }
  checkout = g_strdup_printf ("/api/v1/visitors/%s/checkout", visitor_id);
  post_ok (office, session, checkout, reception, NULL, 200);
  value = reveal (office, session, manager, office_pw, 1, "phone");
  g_assert_nonnull (value);
  /* an alert: five wrong passwords lock patrol */
  for (guint i = 0; i < 5; i++)
    {
      g_clear_pointer (&node, json_node_unref);
      node = fd_test_request (office, session, "POST", "/api/v1/session", NULL,
                              "{\"username\": \"patrol\", \"password\": \"wrong-password\", "
                              "\"workstation\": \"fd-test\"}", &status, NULL);
      g_assert_cmpuint (status, ==, 401);
    }
  g_assert_cmpuint (fd_test_count_alerts (office, session, "failed-logins", "patrol"), ==, 1);
  /* an office-only account, and one whose name the company gives another role */
  post_ok (office, session, "/api/v1/users", admin,
           "{\"username\": \"carol\", \"display_name\": \"Carol\", \"role\": \"reception\", "
           "\"password\": \"carol-password-1\"}", 201);
  for (guint i = 0; i < MANAGERS; i++)
    g_free (fd_test_create_user (office, session, "manager", NULL));
}

/* The company's tables of estate @a and @b hold the same office (ids
 * and ciphertexts aside: ids are new, and sealing draws a fresh nonce). */
static void
assert_same_estates (const char *a,
                     const char *b)
{
  static const char *const tables[] = {
    "SELECT md5 (string_agg (concat_ws ('|', name, room, initials, phone_bidx, phone_masked, "
    "phone_last4, id_bidx, id_masked, address_masked), ',' ORDER BY id)) FROM residents "
    "WHERE estate_id = ESTATE",
    "SELECT md5 (string_agg (concat_ws ('|', p.account_masked, p.balance_cents, p.overdue, "
    "p.last_paid_at), ',' ORDER BY r.id)) FROM residents r JOIN payments p ON "
    "p.resident_id = r.id WHERE r.estate_id = ESTATE",
    "SELECT md5 (string_agg (concat_ws ('|', r.name, pl.plate), ',' ORDER BY r.id, pl.plate)) "
    "FROM residents r JOIN plates pl ON pl.resident_id = r.id WHERE r.estate_id = ESTATE",
    "SELECT md5 (string_agg (concat_ws ('|', name, phone_masked, id_masked, room, purpose, "
    "plate, arrived_at, left_at, registered_by), ',' ORDER BY id)) FROM visitors "
    "WHERE estate_id = ESTATE",
    "SELECT md5 (string_agg (concat_ws ('|', at, kind, actor, detail), ',' ORDER BY id)) "
    "FROM alerts WHERE estate_id = ESTATE",
    "SELECT md5 (string_agg (concat_ws ('|', seq, hash, prev_hash, orig_estate_id), ',' "
    "ORDER BY seq)) FROM audit_imported WHERE estate_id = ESTATE",
    "SELECT md5 (string_agg (concat_ws ('|', room, building, unit, number), ',' ORDER BY room)) "
    "FROM rooms WHERE estate_id = ESTATE",
  };

  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autoptr(GString) qa = g_string_new (tables[i]);
      g_autoptr(GString) qb = g_string_new (tables[i]);
      g_autofree char *va = NULL, *vb = NULL;

      g_string_replace (qa, "ESTATE", a, 0);
      g_string_replace (qb, "ESTATE", b, 0);
      va = company_value (qa->str);
      vb = company_value (qb->str);

      g_assert_nonnull (va);
      g_assert_cmpstr (va, ==, vb);
    }
}

/* A move into estate "office-b" killed (SIGKILL) in the middle of its
 * residents, run again: the same estate as the move that ran through. */
static void
kill_and_resume (void)
{
  const char *company_dir = fd_test_server_get_data_dir (company);
  const char *office_dir = fd_test_server_get_data_dir (office);
  const char *argv[] = { fd_test_server_binary (), "move-store", "--data-dir", company_dir,
                         "--from-data-dir", office_dir, "--estate", "office-b", "--batch", "40",
                         "--merge-accounts", "--account-suffix", "-office-b", NULL };
  const char *again[] = { "move-store", "--data-dir", company_dir, "--from-data-dir",
                          office_dir, "--estate", "office-b", "--merge-accounts",
                          "--account-suffix", "-office-b", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL, *err = NULL, *id = NULL, *count = NULL, *a = NULL;
  gint64 deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC, moved = 0;
  GPid pid;
  int status;

  g_assert_true (g_spawn_async (NULL, (char **) argv, NULL,
                                G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
                                NULL, &pid, &error));
  g_assert_no_error (error);
  /* until a quarter of the residents are in */
  while (moved < OFFICE_RESIDENTS / 4)
    {
      g_autofree char *progress = company_value ("SELECT m.last_id FROM store_moves m JOIN "
                                                 "estates e ON e.id = m.estate_id WHERE "
                                                 "e.code = 'office-b' AND m.stage = 'residents'");
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      moved = progress != NULL ? g_ascii_strtoll (progress, NULL, 10) : 0;
      if (moved < OFFICE_RESIDENTS / 4)
        g_usleep (5000);
    }
  g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_spawn_close_pid (pid);
  g_assert_true (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL);
  id = estate_id ("office-b");
  {
    g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM residents WHERE "
                                            "estate_id = %s", id);
    count = company_value (sql);
  }
  g_test_message ("move killed with %s of %d residents in", count, OFFICE_RESIDENTS);
  g_assert_cmpint (g_ascii_strtoll (count, NULL, 10), >, 0);
  g_assert_cmpint (g_ascii_strtoll (count, NULL, 10), <, OFFICE_RESIDENTS);

  g_assert_cmpint (run_cli (again, &out, &err), ==, 0);
  g_assert_nonnull (strstr (out, "continuing"));
  a = estate_id ("office");
  assert_same_estates (a, id);
}

/* The answers of the office (SQLite) and of its estate in the company
 * (PostgreSQL), side by side. */
static void
compare_answers (void)
{
  g_autoptr(SoupSession) os = fd_test_server_new_session (office);
  g_autoptr(SoupSession) cs = fd_test_server_new_session (company);
  g_autofree char *o_desk = login_as (office, os, "reception", office_pw, "main");
  g_autofree char *c_desk = login_as (company, cs, "reception-office", office_pw, "office");
  g_autoptr(GPtrArray) queries = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) o_all = NULL, c_all = NULL;
  g_autoptr(GArray) o_ids = NULL, c_ids = NULL;
  const char *fixed[] = { "1-1", "2-3", "3-2-1", "zs", "wf", "李", "王", "1-1-1201", NULL };

  /* one whole kind: every resident of building 1, unit 1 */
  o_all = search_all (office, os, o_desk, "1-", 5000, &o_ids);
  c_all = search_all (company, cs, c_desk, "1-", 5000, &c_ids);
  assert_same_lists ("1-", o_all, c_all);
  g_assert_cmpuint (o_all->len, >, 200);

  /* a sample across the population: fixed queries, and each sampled
   * resident's name and mobile's last four digits */
  for (guint i = 0; fixed[i] != NULL; i++)
    g_ptr_array_add (queries, g_strdup (fixed[i]));
  for (guint k = 0; k < 8; k++)
    {
      g_autoptr(JsonNode) item = json_from_string (o_all->pdata[k * o_all->len / 8], NULL);
      JsonObject *obj = json_node_get_object (item);
      const char *phone = field_value (obj, "phone");

      g_ptr_array_add (queries, g_strdup (field_value (obj, "name")));
      g_ptr_array_add (queries, g_strdup (phone + strlen (phone) - 4));
    }
  for (guint i = 0; i < queries->len; i++)
    {
      g_autoptr(GArray) oi = NULL, ci = NULL;
      g_autoptr(GPtrArray) o = search_all (office, os, o_desk, queries->pdata[i], 1000, &oi);
      g_autoptr(GPtrArray) c = search_all (company, cs, c_desk, queries->pdata[i], 1000, &ci);

      assert_same_lists (queries->pdata[i], o, c);
    }

  /* reveals and verifies of residents spread over the list (same places,
   * so the same residents: the lists are equal) */
  for (guint k = 0; k < MANAGERS * 3; k++)
    {
      static const char *const fields[] = { "phone", "id_number", "home_address" };
      guint at = k * o_ids->len / (MANAGERS * 3);
      gint64 oid = g_array_index (o_ids, gint64, at), cid = g_array_index (c_ids, gint64, at);
      g_autofree char *manager = g_strdup_printf ("manager-%u", k / 3 + 1);
      g_autofree char *o_mgr = login_as (office, os, manager, office_pw, "main");
      g_autofree char *c_mgr = login_as (company, cs, manager, office_pw, "office");
      g_autofree char *phone = NULL;

      for (guint f = 0; f < G_N_ELEMENTS (fields); f++)
        {
          g_autofree char *ov = reveal (office, os, o_mgr, office_pw, oid, fields[f]);
          g_autofree char *cv = reveal (company, cs, c_mgr, office_pw, cid, fields[f]);

          g_assert_nonnull (ov);
          g_assert_cmpstr (ov, ==, cv);
          if (f == 0)
            phone = g_strdup (ov);
        }
      g_assert_true (verify_value (office, os, o_desk, oid, "phone", phone));
      g_assert_true (verify_value (company, cs, c_desk, cid, "phone", phone));
      g_assert_false (verify_value (office, os, o_desk, oid, "phone", "13912345678") !=
                      verify_value (company, cs, c_desk, cid, "phone", "13912345678"));
    }
  g_test_message ("compared %u searches, %u reveals and %u verifies", queries->len + 1,
                  MANAGERS * 9, MANAGERS * 6);
}

/* The company's audit verify passes, covers the office's history, and
 * notices a change to it. */
static void
check_audit (void)
{
  g_autoptr(SoupSession) cs = fd_test_server_new_session (company);
  g_autofree char *auditor = fd_test_login (company, cs, "auditor");
  const char *args[] = { "audit", "verify", "--data-dir", fd_test_server_get_data_dir (company),
                         NULL };
  g_autofree char *out = NULL, *err = NULL, *b = estate_id ("office-b"), *anchor = NULL;
  g_autofree char *tamper = NULL, *imported = NULL;
  g_autoptr(JsonNode) keep = NULL, keep2 = NULL;
  JsonObject *v = audit_verify (company, cs, auditor, &keep);
  g_autofree char *count_sql = g_strdup_printf ("SELECT count(*) FROM audit_imported");

  imported = company_value (count_sql);
  g_test_message ("company audit verify: ok %d, %" G_GINT64_FORMAT " entries (%s imported)",
                  json_object_get_boolean_member (v, "ok"),
                  json_object_get_int_member (v, "entries"), imported);
  g_assert_true (json_object_get_boolean_member (v, "ok"));
  g_assert_cmpint (json_object_get_int_member (v, "entries"), >,
                   g_ascii_strtoll (imported, NULL, 10));
  g_assert_cmpint (run_cli (args, &out, &err), ==, 0);

  /* an edit of the moved history is found, and named by its anchor */
  tamper = g_strdup_printf ("UPDATE audit_imported SET reason_text = 'edited' WHERE "
                            "estate_id = %s AND seq = 3", b);
  g_free (company_value (tamper));
  {
    g_autofree char *sql = g_strdup_printf ("SELECT seq FROM audit_log WHERE action = "
                                            "'store-move' AND estate_id = %s", b);
    anchor = company_value (sql);
  }
  v = audit_verify (company, cs, auditor, &keep2);
  g_assert_false (json_object_get_boolean_member (v, "ok"));
  g_assert_cmpint (json_object_get_int_member (v, "first_bad_seq"), ==,
                   g_ascii_strtoll (anchor, NULL, 10));
  g_assert_cmpint (run_cli (args, &out, &err), ==, 1);
}

static void
test_move (void)
{
  FdTestServerOptions office_opts = { .residents = OFFICE_RESIDENTS, .start_timeout_s = 120 };
  const char *sqlite_args[] = { "--store", "sqlite", NULL };
  g_autoptr(SoupSession) session = NULL;
  g_autofree char *config_path = NULL, *config = NULL, *out = NULL, *err = NULL;
  g_autofree char *company_admin = NULL;
  g_autoptr(JsonNode) node = NULL;
  const char *office_dir;
  guint status;

  office_opts.extra_args = sqlite_args;
  office = fd_test_server_start (&office_opts);
  office_dir = fd_test_server_get_data_dir (office);
  office_pw = g_strdup (fd_test_server_get_password (office));
  g_assert_null (fd_test_server_get_database (office));
  session = fd_test_server_new_session (office);
  use_office (session);
  fd_test_server_halt (office);

  /* the company: PostgreSQL, its own key, its own estate and accounts */
  company = fd_test_server_start (NULL);
  g_clear_object (&session);
  session = fd_test_server_new_session (company);
  company_admin = fd_test_login (company, session, "admin");
  node = fd_test_request (company, session, "POST", "/api/v1/users", company_admin,
                          "{\"username\": \"carol\", \"display_name\": \"Carol\", \"role\": "
                          "\"patrol\", \"password\": \"carol-password-2\"}", &status, NULL);
  g_assert_cmpuint (status, ==, 201);

  /* the company's configuration, as a real one is written */
  config_path = g_build_filename (fd_test_server_get_data_dir (company), "company.conf", NULL);
  {
    g_autofree char *store = g_build_filename (fd_test_server_get_data_dir (company),
                                               "store.conf", NULL);
    g_autofree char *text = NULL;

    g_assert_true (g_file_get_contents (store, &text, NULL, NULL));
    config = g_strdup_printf ("%s\ndata-dir = %s\n", text,
                              fd_test_server_get_data_dir (company));
    g_assert_true (g_file_set_contents (config_path, config, -1, NULL));
  }

  /* names the company uses (reception…, carol): refused, nothing written */
  {
    const char *args[] = { "move-store", "--config", config_path, "--from-data-dir", office_dir,
                           "--estate", "office", NULL };
    g_autofree char *e = NULL;

    g_assert_cmpint (run_cli (args, NULL, &e), ==, 2);
    g_test_message ("%s", e);
    g_assert_nonnull (strstr (e, "carol (reception)"));
    g_assert_null (estate_id ("office"));
  }

  /* the move, the company's server running */
  {
    const char *args[] = { "move-store", "--config", config_path, "--from-data-dir", office_dir,
                           "--estate", "office", "--merge-accounts", "--account-suffix",
                           "-office", NULL };
    gint64 start = g_get_monotonic_time ();

    g_assert_cmpint (run_cli (args, &out, &err), ==, 0);
    g_test_message ("moved %d residents in %.1f s:\n%s", OFFICE_RESIDENTS,
                    (g_get_monotonic_time () - start) / 1e6, out);
    g_assert_nonnull (strstr (out, "carol is carol-office"));
  }
  /* twice into the same estate: refused */
  {
    const char *args[] = { "move-store", "--config", config_path, "--from-data-dir", office_dir,
                           "--estate", "office", "--merge-accounts", "--account-suffix",
                           "-office", NULL };
    g_autofree char *o = NULL, *e = NULL;

    g_assert_cmpint (run_cli (args, &o, &e), ==, 2);
    g_assert_nonnull (strstr (e, "refusing to run twice into the same estate"));
  }
  kill_and_resume ();

  /* a PostgreSQL server started on the company's database, beside the office */
  fd_test_server_halt (company);
  fd_test_server_restart (company);
  fd_test_server_restart (office);
  compare_answers ();
  check_audit ();
  fd_test_server_stop (office);
  fd_test_server_stop (company);
  g_free (office_pw);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (!fd_test_store_is_postgresql ())
    {
      g_test_message ("integration-pg only");
      return 0;
    }
  g_test_add_func ("/move/office", test_move);
  return g_test_run ();
}
