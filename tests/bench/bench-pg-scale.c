/* bench-pg-scale.c — 1,000,000 residents on PostgreSQL beside SQLite, in
 * one run (issue 11).
 *
 *   build/tests/bench/bench-pg-scale [--residents 1000000]
 *       [--engines sqlite,postgresql] [--connections 50] [--duration 10]
 *       [--rounds 2] [--accounts 8] [--limit 50] [--pg-settings "k=v …"]
 *
 * For each engine, one after the other, on a new data directory (and, for
 * PostgreSQL, a new database of a cluster this process starts with
 * tests/fd-test-pg.c, durable: fsync, synchronous_commit and
 * full_page_writes on unless --pg-settings says otherwise):
 *   1. seed: `frontdesk-server demo --residents N` until it listens, then
 *      stop it — seed and index times from its log, wall time to listening;
 *   2. start-up: the demo again on the seeded data (nothing to seed), wall
 *      time to "listening on" — the search index built from the database;
 *      the server's resident set then, and the same for a 200-resident
 *      server of the same engine, whose difference per resident is what
 *      a resident costs in memory (the index, mostly);
 *   3. GET /api/v1/health, then the search mix of bench-search-wrk (seven
 *      query kinds drawn evenly over the whole population), each with
 *      `wrk -t1 -cN` for --duration seconds, --rounds times: req/s,
 *      p50/p99.
 * Prints a Markdown table at the end. A benchmark, not a test: `meson
 * test` never runs it. It prints no resident data.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "bench-wrk.h"
#include "fd-test-pg.h"

#define MAX_ROUNDS 10

typedef struct
{
  const char  *engine;
  double       seed_wall_s;       /* demo start to listening, seeding included */
  double       seed_s;            /* "Demo data ready in" */
  double       start_s;           /* second start to listening: the index build */
  double       index_s;           /* "Search index … built in", in the seed run */
  guint64      rss_kib;
  guint64      base_rss_kib;      /* a 200-resident server of the same engine */
  guint64      data_bytes;        /* SQLite file and WAL, or pg_database_size */
  char        *load_seed;
  char        *load_start;
  BenchResult  health[MAX_ROUNDS];
  BenchResult  search[MAX_ROUNDS];
} EngineRun;

static guint64
rss_kib (FdTestServer *server)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int) fd_test_server_get_pid (server));
  g_autofree char *status = NULL;
  const char *rss;

  if (!g_file_get_contents (path, &status, NULL, NULL) || (rss = strstr (status, "VmRSS:")) == NULL)
    return 0;
  return g_ascii_strtoull (rss + 6, NULL, 10);
}

/* "… built in 6.8 s" → 6.8, from a log line holding @marker. */
static void
read_seconds (const char *line,
              const char *marker,
              double     *out)
{
  const char *at = strstr (line, marker);
  const char *in;

  if (at != NULL && (in = strstr (at, " in ")) != NULL)
    *out = g_ascii_strtod (in + 4, NULL);
}

/* Runs the demo on @data_dir (and @database) until it listens, echoing
 * and reading its log, then stops it. Returns the wall time. */
static double
run_demo_once (const char *data_dir,
               const char *database,
               guint       residents,
               const char *password,
               double     *seed_s,
               double     *index_s)
{
  g_autofree char *count = g_strdup_printf ("%u", residents);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  double wall = -1;
  char *line;

  g_ptr_array_add (argv, (char *) fd_test_server_binary ());
  g_ptr_array_add (argv, (char *) "demo");
  g_ptr_array_add (argv, (char *) "--data-dir");
  g_ptr_array_add (argv, (char *) data_dir);
  g_ptr_array_add (argv, (char *) "--listen");
  g_ptr_array_add (argv, (char *) "127.0.0.1:0");
  g_ptr_array_add (argv, (char *) "--residents");
  g_ptr_array_add (argv, count);
  g_ptr_array_add (argv, (char *) "--demo-password");
  g_ptr_array_add (argv, (char *) password);
  if (database != NULL)
    {
      g_ptr_array_add (argv, (char *) "--store");
      g_ptr_array_add (argv, (char *) "postgresql");
      g_ptr_array_add (argv, (char *) "--database");
      g_ptr_array_add (argv, (char *) database);
    }
  g_ptr_array_add (argv, NULL);

  server = g_subprocess_newv ((const char * const *) argv->pdata,
                              G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE,
                              &error);
  if (server == NULL)
    g_error ("cannot start the server to seed: %s", error->message);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  while ((line = g_data_input_stream_read_line (out, NULL, NULL, NULL)) != NULL)
    {
      gboolean listening = g_str_has_prefix (line, "listening on");

      g_print ("  | %s\n", line);
      read_seconds (line, "Demo data ready", seed_s);
      read_seconds (line, "Search index of", index_s);
      g_free (line);
      if (listening)
        {
          wall = (g_get_monotonic_time () - start) / 1e6;
          break;
        }
    }
  if (wall < 0)
    g_error ("the server stopped before listening");
  g_subprocess_send_signal (server, SIGTERM);
  if (!g_subprocess_wait_check (server, NULL, &error))
    g_error ("the seeding server failed: %s", error->message);
  return wall;
}

static guint64
file_size (const char *dir,
           const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  struct stat st;

  return g_stat (path, &st) == 0 ? (guint64) st.st_size : 0;
}

static guint64
data_size (const char *data_dir,
           const char *database)
{
  g_autofree char *super = NULL;
  g_autofree char *size = NULL;

  if (database == NULL)
    return file_size (data_dir, "frontdesk.db") + file_size (data_dir, "frontdesk.db-wal");
  super = fd_test_pg_superuser_conninfo (database);
  size = fd_test_pg_query_value (super, "SELECT pg_database_size (current_database ())");
  return size != NULL ? g_ascii_strtoull (size, NULL, 10) : 0;
}

static void
remove_dir (const char *dir)
{
  const char *rm[] = { "rm", "-rf", "--", dir, NULL };

  g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL,
                NULL);
}

/* The 200-resident server's resident set, on the same engine. */
static guint64
base_rss (gboolean pg)
{
  g_autofree char *database = pg ? fd_test_pg_new_database () : NULL;
  g_autoptr(FdTestServer) server = NULL;
  FdTestServerOptions options = { .residents = 200, .database = database,
                                  .start_timeout_s = 300 };
  const char *sqlite[] = { "--store", "sqlite", NULL };

  if (!pg)
    options.extra_args = sqlite;
  server = fd_test_server_start (&options);
  return rss_kib (server);
}

static guint
run_engine (EngineRun *run,
            guint      residents,
            guint      connections,
            guint      seconds,
            guint      rounds,
            guint      accounts,
            guint      limit,
            gboolean   settle)
{
  gboolean pg = g_str_equal (run->engine, "postgresql");
  g_autofree char *data_dir = g_dir_make_tmp ("fd-bench-pg-scale-XXXXXX", NULL);
  g_autofree char *database = pg ? fd_test_pg_new_database () : NULL;
  const char *password = "frontdesk-bench";
  const char *sqlite[] = { "--store", "sqlite", NULL };
  FdTestServerOptions options = { .residents = residents, .data_dir = data_dir,
                                  .password = password, .database = database,
                                  .start_timeout_s = 900 };
  g_autoptr(FdTestServer) server = NULL;
  g_autofree char *health_script = NULL, *mix_script = NULL;
  BenchMix *mix;
  gint64 start;
  guint errors = 0;

  if (!pg)
    options.extra_args = sqlite;
  g_print ("\n== %s: seeding %u residents ==\n", run->engine, residents);
  run->seed_wall_s = run_demo_once (data_dir, database, residents, password, &run->seed_s,
                                    &run->index_s);
  run->load_seed = bench_load_average ();
  run->data_bytes = data_size (data_dir, database);
  if (pg && settle)
    {
      /* What an administrator does after a bulk load (PostgreSQL's
       * "Populating a Database"): statistics for the planner, the
       * visibility map, and the load's dirty pages written out, so that
       * the searches below do not run beside autovacuum's pass over a
       * million new rows and a checkpoint of 700 MB. */
      g_autofree char *super = fd_test_pg_superuser_conninfo (database);

      start = g_get_monotonic_time ();
      g_free (fd_test_pg_query_value (super, "VACUUM (ANALYZE)"));
      g_free (fd_test_pg_query_value (super, "CHECKPOINT"));
      g_print ("== %s: VACUUM (ANALYZE) and CHECKPOINT after the load: %.1f s ==\n",
               run->engine, (g_get_monotonic_time () - start) / 1e6);
    }

  g_print ("== %s: start-up on the seeded data ==\n", run->engine);
  start = g_get_monotonic_time ();
  server = fd_test_server_start (&options);
  run->start_s = (g_get_monotonic_time () - start) / 1e6;
  run->load_start = bench_load_average ();
  run->rss_kib = rss_kib (server);
  g_print ("ready in %.1f s (%s); resident set %.0f MiB\n", run->start_s, run->load_start,
           run->rss_kib / 1024.0);

  mix = bench_mix_new (server, residents, 40, accounts, limit);
  health_script = bench_write_script (NULL, BENCH_N_KINDS);
  mix_script = bench_write_script (mix, BENCH_N_KINDS);
  for (guint round = 0; round < rounds; round++)
    {
      run->health[round] = bench_run_wrk (server, health_script, connections, seconds);
      bench_print_result ("health", &run->health[round]);
      run->search[round] = bench_run_wrk (server, mix_script, connections, seconds);
      bench_print_result ("search mix", &run->search[round]);
      errors += run->health[round].errors + run->search[round].errors;
    }
  g_unlink (health_script);
  g_unlink (mix_script);
  bench_mix_free (mix);
  g_clear_pointer (&server, fd_test_server_stop);

  run->base_rss_kib = base_rss (pg);
  remove_dir (data_dir);
  return errors;
}

int
main (int   argc,
      char *argv[])
{
  int connections = 50, seconds = 10, rounds = 2, accounts = 8, limit = 50;
  int residents = 1000000;
  gboolean no_settle = FALSE;
  g_autofree char *engines = g_strdup ("sqlite,postgresql");
  g_autofree char *pg_settings = g_strdup ("fsync=on synchronous_commit=on "
                                           "full_page_writes=on shared_buffers=512MB");
  GOptionEntry entries[] = {
    { "residents", 'r', 0, G_OPTION_ARG_INT, &residents, "Residents to seed (1000000)", "N" },
    { "engines", 0, 0, G_OPTION_ARG_STRING, &engines,
      "Engines, in this order (sqlite,postgresql)", "LIST" },
    { "connections", 'c', 0, G_OPTION_ARG_INT, &connections, "wrk connections (50)", "N" },
    { "duration", 'd', 0, G_OPTION_ARG_INT, &seconds, "Seconds of each phase (10)", "S" },
    { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "Health + search rounds (2)", "N" },
    { "accounts", 0, 0, G_OPTION_ARG_INT, &accounts, "Reception accounts to spread over (8)", "N" },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, "Page size asked for (50)", "N" },
    { "no-settle", 0, 0, G_OPTION_ARG_NONE, &no_settle,
      "PostgreSQL: measure right after the load, without VACUUM (ANALYZE) and CHECKPOINT",
      NULL },
    { "pg-settings", 0, 0, G_OPTION_ARG_STRING, &pg_settings,
      "PostgreSQL settings of the cluster (durable, 512 MB shared buffers)", "\"K=V …\"" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- 1,000,000 residents on "
                                                            "PostgreSQL beside SQLite");
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) names = NULL;
  g_autofree EngineRun *runs = NULL;
  guint n, errors = 0;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (connections < 1 || seconds < 1 || rounds < 1 || rounds > MAX_ROUNDS || accounts < 1 ||
      limit < 1 || limit > 100 || residents < 1 || residents > 1000000)
    {
      g_printerr ("connections, duration, accounts >= 1; rounds 1-%d; limit 1-100; "
                  "residents 1-1000000\n", MAX_ROUNDS);
      return 2;
    }
  names = g_strsplit (engines, ",", -1);
  n = g_strv_length (names);
  for (guint i = 0; i < n; i++)
    if (!g_str_equal (names[i], "sqlite") && !g_str_equal (names[i], "postgresql"))
      {
        g_printerr ("--engines: sqlite and/or postgresql, not %s\n", names[i]);
        return 2;
      }
  g_setenv ("FD_SERVER_BINARY", FD_BENCH_SERVER_BINARY, FALSE);
  g_setenv ("FD_TEST_PG_SETTINGS", pg_settings, TRUE);

  g_print ("%d residents; wrk -t1 -c%d, TLS keep-alive, %d s a phase, %d rounds; %u "
           "processors shared by wrk, the server and PostgreSQL; PostgreSQL settings: %s\n",
           residents, connections, seconds, rounds, g_get_num_processors (), pg_settings);
  runs = g_new0 (EngineRun, n);
  for (guint i = 0; i < n; i++)
    {
      runs[i].engine = names[i];
      errors += run_engine (&runs[i], (guint) residents, (guint) connections, (guint) seconds,
                            (guint) rounds, (guint) accounts, (guint) limit, !no_settle);
    }

  g_print ("\n| engine | seed, index (wall to listening) | start-up, index from the database | "
           "resident set, per resident | data on disk |\n|---|---|---|---|---|\n");
  for (guint i = 0; i < n; i++)
    {
      EngineRun *r = &runs[i];

      g_print ("| %s | %.1f s, %.1f s (%.1f s) (%s) | %.1f s (%s) | %.0f MiB, %.2f KiB "
               "(%.0f MiB at 200) | %.0f MiB |\n",
               r->engine, r->seed_s, r->index_s, r->seed_wall_s, r->load_seed, r->start_s, r->load_start,
               r->rss_kib / 1024.0,
               (double) (r->rss_kib - MIN (r->base_rss_kib, r->rss_kib)) / residents,
               r->base_rss_kib / 1024.0, r->data_bytes / 1048576.0);
    }
  g_print ("\n| engine, round | /health req/s, p50 / p99 | search mix req/s, p50 / p99 | "
           "search / health |\n|---|---|---|---|\n");
  for (guint i = 0; i < n; i++)
    for (int round = 0; round < rounds; round++)
      {
        BenchResult *h = &runs[i].health[round], *s = &runs[i].search[round];

        g_print ("| %s, %d | %.0f, %.2f / %.1f ms | %.0f, %.2f / %.1f ms | %.2f |\n",
                 runs[i].engine, round + 1, h->requests_per_s, h->p50_ms, h->p99_ms,
                 s->requests_per_s, s->p50_ms, s->p99_ms,
                 h->requests_per_s > 0 ? s->requests_per_s / h->requests_per_s : 0);
      }
  for (guint i = 0; i < n; i++)
    {
      g_free (runs[i].load_seed);
      g_free (runs[i].load_start);
    }
  return errors > 0 ? 1 : 0;
}
