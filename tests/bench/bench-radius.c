/* bench-radius.c — an incident's radius over a quarter of audit log at
 * 100,000 residents (issue 12)
 *
 *   build/tests/bench/bench-radius [--data-dir DIR] [--residents 100000]
 *       [--days 92] [--per-day 10000] [--staff 20] [--runs 5]
 *
 * Seeds DIR once: `frontdesk-server demo` writes the residents; then, with
 * the server stopped, this program opens the store itself (the server
 * library, the data key in DIR) and appends a quarter of synthetic audit
 * log directly through the store's audit_append, so the hash chain and its
 * anchor stay valid: --staff accounts of its own, --per-day entries a day
 * spread over --days days up to now, half searches that listed 10 random
 * residents each (recorded in audit_subjects, as the server does), 35 %
 * views, 8 % reveals, 5 % verifies and 2 % visitor exports. Then it serves
 * DIR, signs in as manager and times GET /api/v1/incidents/radius for the
 * busiest account over the whole quarter and over its last week (median
 * and worst of --runs), and a /health request sent while a quarter radius
 * runs (the main context must stay free). A benchmark, not a test: `meson
 * test` never runs it. It prints no resident data.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench-wrk.h"
#include "fd-cli.h"
#include "fd-crypto.h"

#define SEEDED_KEY "bench.radius.seeded"

static const char *actions[] = { "search", "view", "reveal", "verify", "export" };
static const guint percent[] = { 50, 35, 8, 5, 2 };
static const char *reveal_fields[] = { "phone", "home_address", "plates" };

static void
seed_audit (const char *data_dir,
            guint       residents,
            guint       days,
            guint       per_day,
            guint       staff)
{
  g_autoptr(FdConfig) config = fd_config_new_defaults ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GTimer) timer = g_timer_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (12);
  g_autofree gint64 *staff_ids = g_new0 (gint64, staff);
  g_autofree char *seeded = NULL;
  gint64 now = g_get_real_time (), start = now - (gint64) days * 86400 * G_USEC_PER_SEC;
  guint64 total = (guint64) days * per_day;
  FdStore *store;

  config->data_dir = g_strdup (data_dir);
  fd_config_resolve_paths (config);
  if (!fd_crypto_init (&error) || (store = fd_cli_open_store (config, FALSE, &error)) == NULL)
    g_error ("cannot open the store: %s", error->message);
  seeded = FD_STORE_CALL (store, get_setting, SEEDED_KEY);
  if (seeded != NULL)
    {
      fd_store_close (store);
      return;
    }
  g_print ("appending %" G_GUINT64_FORMAT " audit entries over %u days (once)…\n", total, days);

  for (guint i = 0; i < staff; i++)
    {
      g_autofree char *name = g_strdup_printf ("bench-staff-%02u", i);
      FdUserRecord user = { .username = name, .display_name = name,
                            .role = i % 4 == 0 ? "manager" : "reception",
                            .password_hash = "!bench: never signs in" };

      staff_ids[i] = FD_STORE_CALL (store, user_insert, &user, &error);
      if (staff_ids[i] == 0)
        g_error ("user: %s", error->message);
    }

  for (guint64 n = 0; n < total; )
    {
      if (!FD_STORE_CALL (store, begin, &error))
        g_error ("begin: %s", error->message);
      for (guint batch = 0; batch < 20000 && n < total; batch++, n++)
        {
          FdAuditEntry e = { 0 };
          /* staff 0 is the busiest: a quarter of all entries */
          guint who = g_rand_int_range (rand, 0, 4) == 0 ? 0 : g_rand_int_range (rand, 1, staff);
          guint pick = g_rand_int_range (rand, 0, 100), a = 0;
          gint64 at = start + (gint64) ((now - start) * ((double) n / total));
          gint64 ids[10];

          while (pick >= percent[a])
            pick -= percent[a++];
          e.at = fd_time_format_rfc3339 (at);
          e.actor = g_strdup_printf ("bench-staff-%02u", who);
          e.actor_id = staff_ids[who];
          e.role = g_strdup (who % 4 == 0 ? "manager" : "reception");
          e.session_hash = g_strdup ("0123456789abcdef");
          e.workstation = g_strdup ("bench");
          e.ip = g_strdup ("127.0.0.1");
          e.action = g_strdup (actions[a]);
          e.outcome = g_strdup (g_rand_int_range (rand, 0, 50) == 0 ? "denied" : "allowed");
          if (g_str_equal (e.action, "export"))
            e.target = g_strdup ("visitors");
          else if (!g_str_equal (e.action, "search"))
            e.target = g_strdup_printf ("%d", g_rand_int_range (rand, 1, residents + 1));
          if (g_str_equal (e.action, "reveal"))
            {
              e.field = g_strdup (reveal_fields[g_rand_int_range (rand, 0, 3)]);
              e.reason_code = g_strdup ("verify-identity");
            }
          else if (g_str_equal (e.action, "verify"))
            e.field = g_strdup ("phone");
          if (!FD_STORE_CALL (store, audit_append, &e, &error))
            g_error ("audit: %s", error->message);
          if (g_str_equal (e.action, "search") || g_str_equal (e.action, "export"))
            {
              for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
                ids[i] = g_rand_int_range (rand, 1, residents + 1);
              if (!FD_STORE_CALL (store, audit_subjects_add, e.seq,
                                  g_str_equal (e.action, "search") ? FD_RADIUS_RESIDENT
                                                                   : FD_RADIUS_VISITOR,
                                  ids, g_str_equal (e.action, "search") ? 10 : 3, &error))
                g_error ("subjects: %s", error->message);
            }
          fd_audit_entry_clear (&e);
        }
      if (!FD_STORE_CALL (store, commit, &error))
        g_error ("commit: %s", error->message);
    }
  if (!FD_STORE_CALL (store, set_setting, SEEDED_KEY, "1", &error))
    g_error ("%s", error->message);
  fd_store_close (store);
  g_print ("appended in %.1f s\n", g_timer_elapsed (timer, NULL));
}

/* The server's user + system CPU time so far, in ms: steadier than wall
 * time on a shared machine. */
static double
server_cpu_ms (FdTestServer *server)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) fd_test_server_get_pid (server));
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after;

  if (!g_file_get_contents (path, &text, NULL, NULL) || (after = strrchr (text, ')')) == NULL)
    return 0;
  fields = g_strsplit (after + 2, " ", 0);
  if (g_strv_length (fields) < 13)
    return 0;
  /* after the command: state is field 3, utime 14 and stime 15 */
  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) * 1000.0 /
         sysconf (_SC_CLK_TCK);
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

typedef struct
{
  FdTestServer *server;
  const char   *token;
  const char   *path;
  double        ms;
  guint         status;
  gsize         bytes;
} Timed;

/* Until the last byte of the answer: the client's own JSON parsing of
 * tens of MiB is not the server's time. */
static gpointer
timed_get (gpointer data)
{
  Timed *t = data;
  g_autoptr(SoupSession) session = fd_test_server_new_session (t->server);
  g_autofree char *uri = g_strconcat (fd_test_server_get_base_url (t->server), t->path, NULL);
  g_autoptr(SoupMessage) message = soup_message_new ("GET", uri);
  g_autoptr(GBytes) body = NULL;
  gint64 start = g_get_monotonic_time ();

  if (t->token != NULL)
    {
      g_autofree char *authorization = g_strconcat ("Bearer ", t->token, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization",
                                    authorization);
    }
  body = soup_session_send_and_read (session, message, NULL, NULL);
  t->ms = (g_get_monotonic_time () - start) / 1000.0;
  t->status = soup_message_get_status (message);
  t->bytes = body != NULL ? g_bytes_get_size (body) : 0;
  return NULL;
}

static void
measure (FdTestServer *server,
         const char   *token,
         const char   *label,
         gint64        from,
         gint64        to,
         guint         runs)
{
  g_autoptr(GDateTime) f = g_date_time_new_from_unix_utc (from / G_USEC_PER_SEC);
  g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc (to / G_USEC_PER_SEC);
  g_autofree char *fs = g_date_time_format (f, "%Y-%m-%dT%H:%M:%SZ");
  g_autofree char *ts = g_date_time_format (t, "%Y-%m-%dT%H:%M:%SZ");
  g_autofree char *path = g_strdup_printf ("/api/v1/incidents/radius?user=bench-staff-00&from=%s&to=%s",
                                           fs, ts);
  g_autofree double *ms = g_new0 (double, runs);
  g_autofree double *cpu = g_new0 (double, runs);
  g_autofree char *load = NULL;
  Timed timed = { server, token, path };

  for (guint i = 0; i < runs; i++)
    {
      double cpu_before = server_cpu_ms (server);

      timed_get (&timed);
      if (timed.status != 200)
        g_error ("radius: status %u", timed.status);
      ms[i] = timed.ms;
      cpu[i] = server_cpu_ms (server) - cpu_before;
    }
  qsort (ms, runs, sizeof (double), compare_double);
  qsort (cpu, runs, sizeof (double), compare_double);
  load = bench_load_average ();
  g_print ("%-14s median %8.1f ms  worst %8.1f ms  server CPU median %7.1f ms  answer %6.1f KiB  (%s)\n",
           label, ms[runs / 2], ms[runs - 1], cpu[runs / 2], timed.bytes / 1024.0, load);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *data_dir = NULL;
  gint residents = 100000, days = 92, per_day = 10000, staff = 20, runs = 5;
  g_autoptr(GOptionContext) ctx = g_option_context_new ("- incident radius benchmark");
  g_autoptr(GError) error = NULL;
  GOptionEntry entries[] = {
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, "Data directory (seeded once)", "DIR" },
    { "residents", 0, 0, G_OPTION_ARG_INT, &residents, "Residents (100000)", "N" },
    { "days", 0, 0, G_OPTION_ARG_INT, &days, "Days of audit log (92)", "N" },
    { "per-day", 0, 0, G_OPTION_ARG_INT, &per_day, "Audit entries a day (10000)", "N" },
    { "staff", 0, 0, G_OPTION_ARG_INT, &staff, "Staff accounts (20)", "N" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Timed requests each (5)", "N" },
    { NULL }
  };
  const char *password = "bench-radius-pw";
  FdTestServerOptions options = { 0 };
  g_autoptr(FdTestServer) server = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autofree char *token = NULL;
  gint64 now;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    g_error ("%s", error->message);
  if (residents < 100 || days < 1 || per_day < 1 || staff < 2 || runs < 1)
    g_error ("bad option");
  g_setenv ("FD_SERVER_BINARY", FD_BENCH_SERVER_BINARY, FALSE);
  if (data_dir == NULL)
    data_dir = g_build_filename (g_get_tmp_dir (), "fd-bench-radius", NULL);

  bench_ensure_seeded (data_dir, residents, password);
  seed_audit (data_dir, residents, days, per_day, staff);

  options.data_dir = data_dir;
  options.password = password;
  server = fd_test_server_start (&options);
  session = fd_test_server_new_session (server);
  token = fd_test_login (server, session, "manager");
  now = g_get_real_time ();

  g_print ("radius of bench-staff-00 (a quarter of the entries), %d residents, %d days x %d entries\n",
           residents, days, per_day);
  measure (server, token, "whole quarter", now - (gint64) days * 86400 * G_USEC_PER_SEC,
           now + G_USEC_PER_SEC, runs);
  measure (server, token, "last week", now - (gint64) 7 * 86400 * G_USEC_PER_SEC,
           now + G_USEC_PER_SEC, runs);

  /* /health while a quarter radius runs on its worker */
  {
    g_autoptr(GDateTime) f = g_date_time_new_from_unix_utc (now / G_USEC_PER_SEC - (gint64) days * 86400);
    g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc (now / G_USEC_PER_SEC + 86400);
    g_autofree char *fs = g_date_time_format (f, "%Y-%m-%dT%H:%M:%SZ");
    g_autofree char *to = g_date_time_format (t, "%Y-%m-%dT%H:%M:%SZ");
    g_autofree char *path = g_strdup_printf ("/api/v1/incidents/radius?user=bench-staff-00&from=%s"
                                             "&to=%s", fs, to);
    Timed radius = { server, token, path }, health = { server, NULL, "/api/v1/health" };
    GThread *thread = g_thread_new ("radius", timed_get, &radius);

    g_usleep (100000);
    timed_get (&health);
    g_thread_join (thread);
    g_print ("/health during a radius: %.1f ms (the radius took %.1f ms)\n", health.ms, radius.ms);
  }
  return 0;
}
