/* bench-search-wrk.c — resident search against /health, measured from
 * outside with wrk (Debian's package): TLS keep-alive, one wrk thread.
 *
 *   build/tests/bench/bench-search-wrk [--residents N] [--data-dir DIR]
 *       [--connections 50] [--duration 10] [--rounds 1] [--kind-duration 3]
 *       [--accounts 8] [--limit 50]
 *
 * Starts `frontdesk-server demo` (its --off-hours window starts hours from
 * now, so no off-hours rule fires), seeds DIR once when it holds no
 * database, and in the same run, against the same server:
 *   1. GET /api/v1/health at N connections, then the search mix at N
 *      connections (each --duration seconds, --rounds times): req/s,
 *      p50/p99 and the search/health ratio;
 *   2. each query kind alone at one connection (--kind-duration seconds):
 *      what one query of that kind costs end to end.
 * The mix (bench-wrk.c) cycles seven kinds drawn evenly over the whole
 * population: surname, two-character name, pinyin initials,
 * building-unit, room prefix (building-unit-floor), mobile last 4 (as
 * reception, spread over --accounts accounts of its own), plate's last 5
 * characters (as manager). Every search is also an audit entry. A
 * benchmark, not a test: `meson test` never runs it. It prints no
 * resident data.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "bench-wrk.h"

/* The demo server serving @data_dir (0 if not found). */
static GPid
server_pid (const char *data_dir)
{
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *name;

  while (proc != NULL && (name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *cmdline_path = g_build_filename ("/proc", name, "cmdline", NULL);
      g_autofree char *cmdline = NULL;
      gsize len = 0;
      gboolean demo = FALSE, dir = FALSE;

      if (!g_ascii_isdigit (name[0]) || !g_file_get_contents (cmdline_path, &cmdline, &len, NULL))
        continue;
      for (const char *arg = cmdline; arg < cmdline + len; arg += strlen (arg) + 1)
        {
          demo |= g_str_equal (arg, "demo");
          dir |= g_str_equal (arg, data_dir);
        }
      if (demo && dir)
        return (GPid) g_ascii_strtoll (name, NULL, 10);
    }
  return 0;
}

/* VmRSS of process @pid, in KiB (0 if not found). */
static guint64
server_rss_kib (GPid pid)
{
  g_autofree char *status_path = g_strdup_printf ("/proc/%d/status", (int) pid);
  g_autofree char *status = NULL;
  const char *rss;

  if (pid == 0 || !g_file_get_contents (status_path, &status, NULL, NULL))
    return 0;
  rss = strstr (status, "VmRSS:");
  return rss != NULL ? g_ascii_strtoull (rss + 6, NULL, 10) : 0;
}

/* CPU time (user + system, in seconds) of @pid's main thread (the
 * server's main context) in *main_s and of the whole process (the main
 * context, the search and work pools) in *all_s: divided by the requests
 * of a phase, what one request costs the server, whatever else the
 * machine runs (the throughput of a phase depends on that load). */
static void
server_cpu (GPid    pid,
            double *main_s,
            double *all_s)
{
  g_autofree char *main_path = g_strdup_printf ("/proc/%d/task/%d/stat", (int) pid, (int) pid);
  g_autofree char *all_path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  const char *paths[] = { main_path, all_path };
  double *out[] = { main_s, all_s };
  double tick = (double) sysconf (_SC_CLK_TCK);

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autofree char *stat = NULL;
      const char *p;
      unsigned long long utime = 0, stime = 0;

      *out[i] = 0;
      /* fields 14 and 15, after the command name in parentheses */
      if (pid == 0 || !g_file_get_contents (paths[i], &stat, NULL, NULL) ||
          (p = strrchr (stat, ')')) == NULL ||
          sscanf (p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
                  &utime, &stime) != 2)
        continue;
      *out[i] = (utime + stime) / tick;
    }
}

/* CPU time (s) of the children reaped so far: wrk, once a phase is over
 * (the server is reaped only at the end). */
static double
children_cpu (void)
{
  struct rusage usage;

  if (getrusage (RUSAGE_CHILDREN, &usage) != 0)
    return 0;
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
         usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

/* wrk with @script, and the server's and wrk's CPU time per request. */
static BenchResult
run_phase (FdTestServer *server,
           GPid          pid,
           const char   *label,
           const char   *script,
           guint         connections,
           guint         seconds)
{
  double main0, all0, main1, all1, wrk0, wrk1;
  BenchResult r;
  g_autofree char *load = NULL;

  server_cpu (pid, &main0, &all0);
  wrk0 = children_cpu ();
  r = bench_run_wrk (server, script, connections, seconds);
  wrk1 = children_cpu ();
  server_cpu (pid, &main1, &all1);
  load = bench_load_average ();
  g_print ("%-16s %9.0f req/s  p50 %7.2f ms  p99 %7.2f ms  %8u requests  errors %u  (%s)\n",
           label, r.requests_per_s, r.p50_ms, r.p99_ms, r.requests, r.errors, load);
  if (r.requests > 0)
    g_print ("%-16s CPU a request: server main context %.1f us, all threads %.1f us; "
             "wrk %.1f us (%.0f %% of a core)\n", "",
             (main1 - main0) * 1e6 / r.requests, (all1 - all0) * 1e6 / r.requests,
             (wrk1 - wrk0) * 1e6 / r.requests, (wrk1 - wrk0) * 100 / seconds);
  return r;
}

int
main (int   argc,
      char *argv[])
{
  int connections = 50, seconds = 10, rounds = 1, kind_seconds = 3, accounts = 8, limit = 50;
  int residents = 100000;
  g_autofree char *data_dir = NULL;
  GOptionEntry entries[] = {
    { "residents", 'r', 0, G_OPTION_ARG_INT, &residents, "Residents to seed (100000)", "N" },
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir,
      "Serve this directory (kept; seeded on first use)", "DIR" },
    { "connections", 'c', 0, G_OPTION_ARG_INT, &connections, "wrk connections (50)", "N" },
    { "duration", 'd', 0, G_OPTION_ARG_INT, &seconds, "Seconds of each phase (10)", "S" },
    { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "Health + search rounds (1)", "N" },
    { "kind-duration", 0, 0, G_OPTION_ARG_INT, &kind_seconds,
      "Seconds of each kind alone at one connection (3; 0 skips)", "S" },
    { "accounts", 0, 0, G_OPTION_ARG_INT, &accounts, "Reception accounts to spread over (8)", "N" },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, "Page size asked for (50)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- search against /health with wrk");
  g_autoptr(GError) error = NULL;
  FdTestServerOptions options = { 0 };
  g_autoptr(FdTestServer) server = NULL;
  g_autofree char *health_script = NULL, *mix_script = NULL;
  g_autofree char *temp_dir = NULL;
  BenchMix *mix;
  guint errors = 0;
  guint64 rss;
  GPid pid;
  gint64 start;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (connections < 1 || seconds < 1 || rounds < 0 || kind_seconds < 0 || accounts < 1 ||
      limit < 1 || limit > 100 || residents < 1 || residents > 1000000)
    {
      g_printerr ("connections, duration, accounts >= 1; rounds >= 0; limit 1-100; "
                  "residents 1-1000000\n");
      return 2;
    }
  g_setenv ("FD_SERVER_BINARY", FD_BENCH_SERVER_BINARY, FALSE);

  if (data_dir == NULL)
    data_dir = temp_dir = g_dir_make_tmp ("fd-bench-wrk-XXXXXX", NULL);
  options.residents = (guint) residents;
  options.data_dir = data_dir;
  options.password = "frontdesk-bench";
  bench_ensure_seeded (data_dir, (guint) residents, options.password);
  start = g_get_monotonic_time ();
  server = fd_test_server_start (&options);
  pid = server_pid (data_dir);
  rss = server_rss_kib (pid);
  g_print ("frontdesk-server demo, %d residents: ready in %.1f s (index built from the "
           "database), resident set %.0f MiB = %.2f KiB a resident\n",
           residents, (g_get_monotonic_time () - start) / 1e6, rss / 1024.0,
           (double) rss / residents);

  mix = bench_mix_new (server, (guint) residents, 40, (guint) accounts, (guint) limit);
  health_script = bench_write_script (NULL, BENCH_N_KINDS);
  mix_script = bench_write_script (mix, BENCH_N_KINDS);
  g_print ("wrk -t1 -c%d, TLS keep-alive, %d s a phase; %u processors shared by wrk and the "
           "server\nsearch mix: %u queries, limit %d, %d reception accounts and a manager\n",
           connections, seconds, g_get_num_processors (), mix->queries->len, limit, accounts);

  for (int round = 0; round < rounds; round++)
    {
      BenchResult h = run_phase (server, pid, "health", health_script, (guint) connections,
                                 (guint) seconds);
      BenchResult s = run_phase (server, pid, "search mix", mix_script, (guint) connections,
                                 (guint) seconds);

      g_print ("search/health: throughput %.2f\n",
               h.requests_per_s > 0 ? s.requests_per_s / h.requests_per_s : 0);
      errors += h.errors + s.errors;
    }

  if (kind_seconds > 0)
    {
      g_print ("each kind alone, wrk -t1 -c1, %d s (after a %d s warm-up of the mix):\n",
               kind_seconds, kind_seconds);
      bench_run_wrk (server, mix_script, 1, (guint) kind_seconds);
      for (BenchKind kind = 0; kind < BENCH_N_KINDS; kind++)
        {
          g_autofree char *script = bench_write_script (mix, kind);
          BenchResult r = bench_run_wrk (server, script, 1, (guint) kind_seconds);

          bench_print_result (bench_kind_name (kind), &r);
          errors += r.errors;
          g_unlink (script);
        }
    }

  g_unlink (health_script);
  g_unlink (mix_script);
  bench_mix_free (mix);
  g_clear_pointer (&server, fd_test_server_stop);
  if (temp_dir != NULL)
    {
      const char *rm[] = { "rm", "-rf", "--", temp_dir, NULL };
      g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL,
                    NULL);
    }
  return errors > 0 ? 1 : 0;
}
