/* bench-search.c — throughput and latency of resident search against a
 * static answer, over keep-alive TLS connections
 *
 * Starts `frontdesk-server demo` with 100,000 residents (or serves a given
 * --data-dir), signs in as reception, then runs N client threads, each with
 * its own SoupSession limited to one connection, for a fixed time against
 * GET /api/v1/health and then GET /api/v1/residents?q=… with a mix of
 * realistic queries. A benchmark, not a test: `meson test` never runs it.
 * It prints no resident data (the queries are derived from the data).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fd-test-server.h"

typedef struct
{
  FdTestServer *server;
  const char   *token;
  GPtrArray    *paths;       /* request paths, shared, read-only */
  guint         offset;      /* where this thread starts in @paths */
  gint64        deadline;    /* monotonic µs */
  GArray       *latencies;   /* gint64 µs, one per successful request */
  guint         errors;
} Worker;

static gpointer
worker_run (gpointer data)
{
  Worker *worker = data;
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autofree char *authorization = worker->token != NULL
                                   ? g_strconcat ("Bearer ", worker->token, NULL) : NULL;
  const char *base = fd_test_server_get_base_url (worker->server);
  guint i = worker->offset;

  /* One keep-alive connection per thread, trusting only the demo CA. */
  database = g_tls_file_database_new (fd_test_server_get_ca_path (worker->server), NULL);
  g_assert (database != NULL);
  session = soup_session_new_with_options ("tls-database", database,
                                           "max-conns", 1,
                                           "max-conns-per-host", 1,
                                           "timeout", 30,
                                           NULL);

  while (g_get_monotonic_time () < worker->deadline)
    {
      const char *path = worker->paths->pdata[i++ % worker->paths->len];
      g_autofree char *uri = g_strconcat (base, path, NULL);
      g_autoptr(SoupMessage) message = soup_message_new ("GET", uri);
      g_autoptr(GBytes) body = NULL;
      gint64 start, elapsed;

      if (authorization != NULL)
        soup_message_headers_replace (soup_message_get_request_headers (message),
                                      "Authorization", authorization);
      start = g_get_monotonic_time ();
      body = soup_session_send_and_read (session, message, NULL, NULL);
      elapsed = g_get_monotonic_time () - start;
      if (body == NULL || soup_message_get_status (message) != 200)
        {
          worker->errors++;
          continue;
        }
      g_array_append_val (worker->latencies, elapsed);
    }
  return NULL;
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

typedef struct
{
  double rate;     /* requests per second */
  double p50_ms;
  double p99_ms;
  guint  count;
  guint  errors;
} Result;

static double
percentile (GArray *sorted,
            double  p)
{
  guint index;

  if (sorted->len == 0)
    return 0;
  index = (guint) (p * (sorted->len - 1) + 0.5);
  return g_array_index (sorted, gint64, index) / 1000.0;
}

static Result
run_phase (const char   *label,
           FdTestServer *server,
           const char   *token,
           GPtrArray    *paths,
           guint         connections,
           guint         seconds)
{
  g_autofree Worker *workers = g_new0 (Worker, connections);
  g_autofree GThread **threads = g_new0 (GThread *, connections);
  g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 start, elapsed;
  Result result = { 0 };

  start = g_get_monotonic_time ();
  for (guint i = 0; i < connections; i++)
    {
      workers[i].server = server;
      workers[i].token = token;
      workers[i].paths = paths;
      workers[i].offset = i * 7;
      workers[i].deadline = start + (gint64) seconds * G_USEC_PER_SEC;
      workers[i].latencies = g_array_sized_new (FALSE, FALSE, sizeof (gint64), 4096);
      threads[i] = g_thread_new ("bench-client", worker_run, &workers[i]);
    }
  for (guint i = 0; i < connections; i++)
    {
      g_thread_join (threads[i]);
      g_array_append_vals (all, workers[i].latencies->data, workers[i].latencies->len);
      result.errors += workers[i].errors;
      g_array_unref (workers[i].latencies);
    }
  elapsed = g_get_monotonic_time () - start;

  g_array_sort (all, compare_gint64);
  result.count = all->len;
  result.rate = all->len / (elapsed / (double) G_USEC_PER_SEC);
  result.p50_ms = percentile (all, 0.50);
  result.p99_ms = percentile (all, 0.99);
  g_print ("%-8s %8u requests  %8.0f req/s  p50 %7.2f ms  p99 %7.2f ms  errors %u\n",
           label, result.count, result.rate, result.p50_ms, result.p99_ms, result.errors);
  return result;
}

static const char *
field_value (JsonObject *resident,
             const char *member)
{
  return json_object_get_string_member (json_object_get_object_member (resident, member),
                                        "value");
}

static void
add_query (GPtrArray  *paths,
           const char *q)
{
  g_autofree char *escaped = g_uri_escape_string (q, NULL, FALSE);

  g_ptr_array_add (paths, g_strdup_printf ("/api/v1/residents?q=%s&limit=50", escaped));
}

/* A realistic mix, in equal parts: two-character name prefixes, surnames,
 * pinyin initials, building-unit prefixes, last four digits of a mobile. */
static GPtrArray *
search_paths (FdTestServer *server,
              SoupSession  *session,
              const char   *token)
{
  static const char *initials[] = { "zw", "wj", "lm", "cx", "yh", "zl", "lj", "wx", "hz",
                                    "zy", "lx", "cj", "wh", "zh", "ly", "zj" };
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonNode) node = NULL;
  JsonArray *items;
  guint status;

  node = fd_test_request (server, session, "GET", "/api/v1/residents?limit=100", token, NULL,
                          &status, NULL);
  if (status != 200)
    g_error ("cannot list residents (status %u)", status);
  items = json_object_get_array_member (fd_test_get_object (node), "items");

  for (guint i = 0; i < json_array_get_length (items) && i < 80; i++)
    {
      JsonObject *resident = json_array_get_object_element (items, i);
      const char *name = field_value (resident, "name");
      const char *room = field_value (resident, "room");
      const char *phone = field_value (resident, "phone");
      g_autofree char *two = g_utf8_substring (name, 0, 2);
      g_autofree char *surname = g_utf8_substring (name, 0, 1);
      g_autofree char *unit = g_strndup (room, strrchr (room, '-') - room);

      switch (i % 5)
        {
        case 0: add_query (paths, two); break;
        case 1: add_query (paths, surname); break;
        case 2: add_query (paths, initials[(i / 5) % G_N_ELEMENTS (initials)]); break;
        case 3: add_query (paths, unit); break;
        default: add_query (paths, phone + strlen (phone) - 4); break;
        }
    }
  return paths;
}

int
main (int   argc,
      char *argv[])
{
  int connections = 50;
  int seconds = 10;
  int residents = 100000;
  g_autofree char *data_dir = NULL;
  GOptionEntry entries[] = {
    { "connections", 'c', 0, G_OPTION_ARG_INT, &connections, "Concurrent connections (50)",
      "N" },
    { "duration", 'd', 0, G_OPTION_ARG_INT, &seconds, "Seconds per phase (10)", "S" },
    { "residents", 'r', 0, G_OPTION_ARG_INT, &residents, "Residents to seed (100000)", "N" },
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir,
      "Serve this directory (kept; seeded on first use)", "DIR" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- resident search benchmark");
  g_autoptr(GError) error = NULL;
  FdTestServerOptions options = { 0 };
  g_autoptr(FdTestServer) server = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(GPtrArray) health = g_ptr_array_new ();
  g_autoptr(GPtrArray) search = NULL;
  g_autofree char *token = NULL;
  Result h, s;
  gint64 start;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (connections < 1 || connections > 1000 || seconds < 1 || residents < 1)
    {
      g_printerr ("connections 1-1000, duration >= 1, residents >= 1\n");
      return 2;
    }
  /* Run from the build tree without meson's test environment. */
  g_setenv ("FD_SERVER_BINARY", FD_BENCH_SERVER_BINARY, FALSE);

  options.residents = (guint) residents;
  options.data_dir = data_dir;
  options.password = "frontdesk-bench";
  g_print ("frontdesk-server demo, %d residents%s%s\n", residents,
           data_dir != NULL ? ", data dir " : "", data_dir != NULL ? data_dir : "");
  start = g_get_monotonic_time ();
  server = fd_test_server_start (&options);
  g_print ("server ready in %.1f s\n", (g_get_monotonic_time () - start) / 1e6);
  session = fd_test_server_new_session (server);
  token = fd_test_login (server, session, "reception");
  search = search_paths (server, session, token);
  g_ptr_array_add (health, (char *) "/api/v1/health");

  g_print ("%d keep-alive TLS connections (one thread and one connection each), %d s a phase\n",
           connections, seconds);
  g_print ("%u processors, shared by the clients and the server: read the ratio, not the "
           "absolute figures\n", g_get_num_processors ());
  g_print ("search mix: %u queries (2-char name, surname, pinyin initials, building-unit, "
           "last-4), limit 50\n", search->len);

  h = run_phase ("health", server, NULL, health, (guint) connections, (guint) seconds);
  s = run_phase ("search", server, token, search, (guint) connections, (guint) seconds);
  g_print ("search/health: throughput %.2f, p50 %.2fx, p99 %.2fx\n",
           h.rate > 0 ? s.rate / h.rate : 0,
           h.p50_ms > 0 ? s.p50_ms / h.p50_ms : 0,
           h.p99_ms > 0 ? s.p99_ms / h.p99_ms : 0);

  /* Not an audit of the benchmark: just say whether requests failed. */
  return h.errors + s.errors > 0 ? 1 : 0;
}
