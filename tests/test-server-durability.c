/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests that kill -9 during writes loses nothing that was answered. */

/* test-server-durability.c — kill -9 during a stream of writes loses nothing
 * that was answered
 *
 * Several connections register visitors and reveal phone numbers and ID
 * numbers while the server is killed with SIGKILL at a random moment, then
 * restarted on the same data directory; several rounds. After each restart:
 * every visitor registration answered 2xx is listed; every reveal answered
 * 200 has its allowed audit entry; every visitor has its visitor-create
 * entry and every such entry its visitor (nothing half-written); the audit
 * chain verifies over the API and with `frontdesk-server audit verify`; and
 * at the end SQLite's integrity_check is ok. Requests whose answer was lost
 * to the kill may or may not be there: both are right.
 */

#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "fd-test-pg.h"
#include "fd-test-server.h"

#define ROUNDS          8
#define WORKERS         4
/* Reveal calls per account over the whole test, answered or not: the limit
 * is 10 an hour and a call lost to the kill may still have counted. */
#define REVEAL_BUDGET   8
#define RESIDENTS       200

typedef struct
{
  char       *username;
  char       *token;
  guint       reveals_sent;
} Account;

typedef struct
{
  FdTestServer *server;
  Account      *account;
  GPtrArray    *rooms;              /* const char *, shared, read-only */
  GPtrArray    *visitors;           /* char * ids answered 201 */
  GPtrArray    *reveals;            /* "TARGET/FIELD" answered 200 */
  guint         unexpected;         /* answers other than 2xx */
  guint         last_unexpected;
  guint         lost;               /* requests without an answer */
  volatile gint *stop;
} Worker;

static Account accounts[WORKERS];
static GPtrArray *rooms;
static GPtrArray *visitors;          /* every id answered 201, all rounds */
static GPtrArray *reveals;           /* every "USER TARGET/FIELD" answered 200 */
static GHashTable *dates;            /* local dates the test ran on */

static void
note_date (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  g_hash_table_add (dates, g_date_time_format (now, "%Y-%m-%d"));
}

static gpointer
worker_run (gpointer data)
{
  Worker *worker = data;
  g_autoptr(SoupSession) own = fd_test_server_new_session (worker->server);

  for (guint i = 0; !g_atomic_int_get (worker->stop); i++)
    {
      g_autoptr(JsonNode) answer = NULL;
      guint status = 0;

      if (i % 3 == 2 && worker->account->reveals_sent < REVEAL_BUDGET)
        {
          /* Mostly phones; every fourth an ID number, whose password check
           * runs on a worker thread when the kill may come. */
          gboolean id = worker->account->reveals_sent % 4 == 3;
          guint target = (guint) g_random_int_range (1, RESIDENTS + 1);
          g_autofree char *path = g_strdup_printf ("/api/v1/residents/%u/reveal", target);
          g_autofree char *body = NULL;

          if (id)
            body = g_strdup_printf ("{\"field\": \"id_number\", \"reason_code\": \"verify-identity\","
                                    " \"password\": \"%s\"}",
                                    fd_test_server_get_password (worker->server));
          else
            body = g_strdup ("{\"field\": \"phone\", \"reason_code\": \"verify-identity\"}");
          worker->account->reveals_sent++;
          answer = fd_test_request (worker->server, own, "POST", path, worker->account->token,
                                    body, &status, NULL);
          if (status == 200)
            g_ptr_array_add (worker->reveals,
                             g_strdup_printf ("%s %u/%s", worker->account->username, target,
                                              id ? "id_number" : "phone"));
          /* 404 member field: a resident without that value on file. */
          else if (status == 404)
            ;
          else if (status != 0)
            {
              worker->unexpected++;
              worker->last_unexpected = status;
            }
        }
      else
        {
          g_autofree char *body = fd_test_random_visitor_body (rooms);

          answer = fd_test_request (worker->server, own, "POST", "/api/v1/visitors",
                                    worker->account->token, body, &status, NULL);
          if (status == 201)
            {
              JsonObject *object = fd_test_get_object (answer);

              g_ptr_array_add (worker->visitors,
                               g_strdup (json_object_get_string_member (object, "id")));
            }
          else if (status != 0)
            {
              worker->unexpected++;
              worker->last_unexpected = status;
            }
        }
      if (status == 0)
        {
          /* Killed: this request's fate is unknown, and so are the next. */
          worker->lost++;
          break;
        }
    }
  return NULL;
}

static GHashTable *
audit_targets (FdTestFixture *fx,
               const char    *token,
               const char    *action,
               const char    *actor)
{
  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  g_autofree char *path = NULL;
  g_autoptr(GPtrArray) items = NULL;
  GHashTable *targets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  if (actor != NULL)
    path = g_strdup_printf ("/api/v1/audit?action=%s&actor=%s&limit=100", action, actor);
  else
    path = g_strdup_printf ("/api/v1/audit?action=%s&limit=100", action);
  items = fd_test_fetch_all (server, session, token, path);
  for (guint i = 0; i < items->len; i++)
    {
      JsonObject *entry = items->pdata[i];
      const char *outcome = json_object_get_string_member_with_default (entry, "outcome", "");
      const char *target = json_object_get_string_member_with_default (entry, "target", "");
      const char *field = json_object_get_string_member_with_default (entry, "field", NULL);
      char *key;
      guint n;

      if (g_strcmp0 (outcome, "allowed") != 0)
        continue;
      key = field != NULL ? g_strdup_printf ("%s/%s", target, field) : g_strdup (target);
      /* Count, for reveals of the same value twice. */
      n = GPOINTER_TO_UINT (g_hash_table_lookup (targets, key));
      g_hash_table_replace (targets, key, GUINT_TO_POINTER (n + 1));
    }
  return targets;
}

/* Everything answered so far is on file, nothing is half-written, the
 * chain verifies. */
static void
check_store (FdTestFixture *fx,
             guint          round)
{
  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  g_autofree char *auditor = fd_test_login (server, session, "auditor");
  g_autofree char *manager = fd_test_login (server, session, "manager");
  g_autoptr(GHashTable) listed = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) created = audit_targets (fx, auditor, "visitor-create", NULL);
  g_autoptr(GPtrArray) lists = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  GHashTableIter iter;
  gpointer key;
  guint ours = 0;

  g_test_message ("round %u: %u visitor registrations and %u reveals answered so far",
                  round, visitors->len, reveals->len);

  /* Every visitor of the days the test ran on. */
  g_hash_table_iter_init (&iter, dates);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/visitors?date=%s&limit=100",
                                               (const char *) key);
      GPtrArray *items = fd_test_fetch_all (server, session, manager, path);

      g_ptr_array_add (lists, items);
      for (guint i = 0; i < items->len; i++)
        {
          JsonObject *visitor = items->pdata[i];
          const char *by = json_object_get_string_member_with_default (visitor, "registered_by",
                                                                       "");
          const char *id = fd_test_get_string (visitor, "id");

          if (!g_str_has_prefix (by, "reception-"))
            continue;   /* seeded by the demo */
          g_hash_table_add (listed, (gpointer) id);
          ours++;
          /* No visitor without its audit entry. */
          if (!g_hash_table_contains (created, id))
            g_error ("visitor %s is on file without its visitor-create audit entry", id);
        }
    }

  /* Every answered registration is there. */
  for (guint i = 0; i < visitors->len; i++)
    if (!g_hash_table_contains (listed, visitors->pdata[i]))
      g_error ("visitor %s was answered 201 but is gone after kill -9 and restart",
               (const char *) visitors->pdata[i]);
  /* No audit entry without its visitor (the registrations of our accounts
   * are the only ones after the seeding). */
  g_assert_cmpuint (ours, >=, visitors->len);
  g_hash_table_iter_init (&iter, created);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (listed, key))
      {
        /* A seeded visitor, if the demo audits its seeding. */
        gboolean seeded = FALSE;

        for (guint l = 0; l < lists->len && !seeded; l++)
          {
            GPtrArray *items = lists->pdata[l];

            for (guint i = 0; i < items->len && !seeded; i++)
              seeded = g_strcmp0 (fd_test_get_string (items->pdata[i], "id"), key) == 0;
          }
        if (!seeded)
          g_error ("visitor-create audit entry for visitor %s, which is not on file",
                   (const char *) key);
      }

  /* Every answered reveal has its allowed audit entry. */
  for (guint a = 0; a < WORKERS; a++)
    {
      g_autoptr(GHashTable) audited = audit_targets (fx, auditor, "reveal", accounts[a].username);
      g_autofree char *prefix = g_strconcat (accounts[a].username, " ", NULL);
      g_autoptr(GHashTable) answered = g_hash_table_new (g_str_hash, g_str_equal);

      for (guint i = 0; i < reveals->len; i++)
        {
          const char *reveal = reveals->pdata[i];
          const char *what = reveal + strlen (prefix);
          guint n;

          if (!g_str_has_prefix (reveal, prefix))
            continue;
          n = GPOINTER_TO_UINT (g_hash_table_lookup (answered, what)) + 1;
          g_hash_table_replace (answered, (gpointer) what, GUINT_TO_POINTER (n));
          if (GPOINTER_TO_UINT (g_hash_table_lookup (audited, what)) < n)
            g_error ("a reveal by %s (%s) was answered 200 but has no allowed audit entry "
                     "after kill -9 and restart", accounts[a].username, what);
        }
    }

  /* The chain verifies, over the API and on the command line. */
  fd_test_assert_audit_verifies (server, session, auditor);
}

static void
check_integrity (FdTestFixture *fx)
{
  FdTestServer *server = fx->server;
  g_autofree char *path = g_build_filename (fd_test_server_get_data_dir (server),
                                            "frontdesk.db", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

static void
test_kill_rounds (FdTestFixture *fx,
                  gconstpointer  data)
{
  /* before anything touches the database */
  if (fd_test_skip_unless_sqlite ("SQLite only: the durability of the SQLite file (integrity_check) after kills"))
    return;

  FdTestServer *server = fx->server;
  guint answered_total = 0, lost_total = 0;

  for (guint round = 1; round <= ROUNDS; round++)
    {
      Worker workers[WORKERS] = { 0 };
      GThread *threads[WORKERS];
      volatile gint stop = 0;
      /* Late enough that all connections are writing, early enough to
       * catch the first group commits. */
      guint delay_ms = (guint) g_random_int_range (300, 2500);

      note_date ();
      for (guint w = 0; w < WORKERS; w++)
        {
          workers[w] = (Worker) {
            .server = server, .account = &accounts[w], .rooms = rooms,
            .visitors = g_ptr_array_new_with_free_func (g_free),
            .reveals = g_ptr_array_new_with_free_func (g_free),
            .stop = &stop,
          };
          threads[w] = g_thread_new ("durability-worker", worker_run, &workers[w]);
        }
      g_usleep (delay_ms * 1000);
      fd_test_server_kill (server);
      g_atomic_int_set (&stop, 1);

      for (guint w = 0; w < WORKERS; w++)
        {
          g_thread_join (threads[w]);
          if (workers[w].unexpected > 0)
            g_error ("round %u: %u answers were neither 2xx nor an expected refusal "
                     "(last: %u)", round, workers[w].unexpected, workers[w].last_unexpected);
          answered_total += workers[w].visitors->len + workers[w].reveals->len;
          lost_total += workers[w].lost;
          g_ptr_array_extend_and_steal (visitors, workers[w].visitors);
          g_ptr_array_extend_and_steal (reveals, workers[w].reveals);
        }
      g_test_message ("round %u: killed after %u ms", round, delay_ms);

      fd_test_server_restart (server);
      note_date ();
      check_store (fx, round);
    }

  g_test_message ("%u answered 2xx, %u requests cut by the kills", answered_total, lost_total);
  /* The kills must have landed in the stream, not before or after it. */
  g_assert_cmpuint (answered_total, >, 0);
  g_assert_cmpuint (lost_total, >, 0);

  fd_test_server_halt (server);
  check_integrity (fx);
  fd_test_server_restart (server);
}

int
main (int   argc,
      char *argv[])
{
  FdTestServer *server;
  SoupSession *session;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *reception = NULL;
  JsonArray *items;
  guint status;
  int result;

  g_test_init (&argc, &argv, NULL);

  server = fd_test_server_start (&(FdTestServerOptions) { .residents = RESIDENTS });
  session = fd_test_server_new_session (server);
  visitors = g_ptr_array_new_with_free_func (g_free);
  reveals = g_ptr_array_new_with_free_func (g_free);
  dates = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  /* One account per connection, so that no account reaches the reveal
   * limits; tokens stay valid across the restarts (sessions are stored). */
  for (guint w = 0; w < WORKERS; w++)
    {
      accounts[w].username = fd_test_create_user (server, session, "reception", NULL);
      accounts[w].token = fd_test_login (server, session, accounts[w].username);
    }

  reception = fd_test_login (server, session, "reception");
  answer = fd_test_request (server, session, "GET", "/api/v1/rooms?q=1&limit=100", reception,
                            NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  items = json_object_get_array_member (fd_test_get_object (answer), "items");
  rooms = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < json_array_get_length (items); i++)
    g_ptr_array_add (rooms, g_strdup (json_object_get_string_member (
                                        json_array_get_object_element (items, i), "room")));
  g_assert_cmpuint (rooms->len, >, 0);

  fd_test_add ("/fd/server/durability/kill-rounds", server, test_kill_rounds);
  result = g_test_run ();

  for (guint w = 0; w < WORKERS; w++)
    {
      g_free (accounts[w].username);
      g_free (accounts[w].token);
    }
  g_ptr_array_unref (rooms);
  g_ptr_array_unref (visitors);
  g_ptr_array_unref (reveals);
  g_hash_table_unref (dates);
  g_object_unref (session);
  fd_test_server_stop (server);
  return result;
}
