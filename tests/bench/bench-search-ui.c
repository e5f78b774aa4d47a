/* bench-search-ui.c — keystroke to results painted in the real residents
 * page, against a demo server with 100,000 residents.
 *
 *   build-aux/headless-run.sh build/tests/bench/bench-search-ui [--runs N]
 *       [--residents N] [--data-dir DIR]
 *
 * The real FdMainView (reception) in a window under Xvfb. For each query:
 * the search is emptied and the empty page painted; then the time is taken
 * and the query goes into the GtkSearchEntry as one edit (what a key press
 * or an input method's commit does); the clock stops at the first frame
 * clock "after-paint" after the results arrived in the list model. That
 * includes the entry's search delay, the request over keep-alive TLS, the
 * server's search, the model update and layout and paint of the list.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fd-api-client.h"
#include "fd-field.h"
#include "fd-main-view.h"
#include "fd-resident-page.h"
#include "bench-wrk.h"
#include "fd-test-server.h"

#define WARM_UP 5

typedef struct
{
  GtkWidget           *window;
  FdResidentListModel *model;
  GtkWidget           *entry;
  GdkFrameClock       *clock;
  gboolean             updated;
  gboolean             painted;
  gint64               updated_at;
  gint64               painted_at;
  gint64               changed_at;
  guint                loads;
  gulong               paint_id;
} Bench;

static void
after_paint_cb (GdkFrameClock *clock,
                Bench         *bench)
{
  if (!bench->updated || bench->painted)
    return;
  bench->painted = TRUE;
  bench->painted_at = g_get_monotonic_time ();
}

static void
loading_cb (FdResidentListModel *model,
            GParamSpec          *pspec,
            Bench               *bench)
{
  if (fd_resident_list_model_get_loading (model))
    bench->loads++;
}

static void
search_changed_cb (GtkSearchEntry *entry,
                   Bench          *bench)
{
  bench->changed_at = g_get_monotonic_time ();
}

static void
updated_cb (FdResidentListModel *model,
            Bench               *bench)
{
  bench->updated = TRUE;
  bench->updated_at = g_get_monotonic_time ();
  /* A frame must follow even if nothing changed on screen. */
  gtk_widget_queue_draw (bench->window);
}

static gboolean
timeout_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Blocks in the main loop (no busy wait: the server shares the CPUs)
 * until @flag is set or @timeout_ms passed. */
static gboolean
wait_flag (gboolean *flag,
           guint     timeout_ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (timeout_ms, timeout_cb, &timed_out);

  while (!*flag && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  return *flag;
}

static gboolean
wait_painted (Bench *bench,
              guint  timeout_ms)
{
  return wait_flag (&bench->painted, timeout_ms);
}

static void
reset (Bench *bench)
{
  bench->updated = bench->painted = FALSE;
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static double
percentile_ms (GArray *values,
               double  p)
{
  guint index;

  if (values->len == 0)
    return 0;
  index = (guint) (p * (values->len - 1) + 0.5);
  return g_array_index (values, gint64, index) / 1000.0;
}

/* Queries a receptionist types: surnames, two-character name prefixes,
 * pinyin initials, building-unit prefixes, mobile last four. */
static GPtrArray *
make_queries (FdTestServer *server,
              SoupSession  *session,
              const char   *token)
{
  static const char *initials[] = { "zs", "wl", "lj", "zw", "ly", "cx", "wf", "hl" };
  GPtrArray *queries = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonNode) node = NULL;
  JsonArray *items;
  guint status;

  node = fd_test_request (server, session, "GET", "/api/v1/residents?q=1&limit=100", token,
                          NULL, &status, NULL);
  if (status != 200 || node == NULL)
    g_error ("cannot list residents (status %u)", status);
  items = json_object_get_array_member (json_node_get_object (node), "items");

  for (guint i = 0; i < json_array_get_length (items) && queries->len < 80; i++)
    {
      JsonObject *r = json_array_get_object_element (items, i);
      const char *name = json_object_get_string_member (json_object_get_object_member (r, "name"),
                                                        "value");
      const char *room = json_object_get_string_member (json_object_get_object_member (r, "room"),
                                                        "value");
      const char *phone = json_object_get_string_member (json_object_get_object_member (r, "phone"),
                                                         "value");
      const char *second = g_utf8_next_char (name);

      switch (i % 5)
        {
        case 0:
          g_ptr_array_add (queries, g_strndup (name, second - name));
          break;
        case 1:
          g_ptr_array_add (queries, g_strndup (name, g_utf8_next_char (second) - name));
          break;
        case 2:
          g_ptr_array_add (queries, g_strdup (initials[(i / 5) % G_N_ELEMENTS (initials)]));
          break;
        case 3:
          g_ptr_array_add (queries, g_strndup (room, strrchr (room, '-') - room));
          break;
        default:
          g_ptr_array_add (queries, g_strdup (phone + strlen (phone) - 4));
          break;
        }
    }

  return queries;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(FdApiClient) api = NULL;
  g_autoptr(GPtrArray) queries = NULL;
  g_autoptr(GArray) total = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) to_model = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(FdSessionInfo) info = NULL;
  g_autofree char *token = NULL;
  g_autofree char *data_dir = NULL;
  FdTestServerOptions options = { 0 };
  FdTestServer *server;
  FdMainView *view;
  FdResidentPage *page;
  Bench bench = { 0 };
  int runs = 200, residents = 100000, load = 0;
  g_autofree char *load_script = NULL;
  GSubprocess *wrk = NULL;
  BenchMix *mix = NULL;
  guint failures = 0, results = 0;
  gint64 start;
  GOptionEntry entries[] = {
    { "runs", 'n', 0, G_OPTION_ARG_INT, &runs, "Measured keystrokes (200)", "N" },
    { "residents", 'r', 0, G_OPTION_ARG_INT, &residents, "Residents to seed (100000)", "N" },
    { "data-dir", 'd', 0, G_OPTION_ARG_FILENAME, &data_dir, "Serve (and keep) DIR", "DIR" },
    { "load", 'l', 0, G_OPTION_ARG_INT, &load,
      "Meanwhile, wrk drives N other connections of mixed search (0)", "N" },
    { NULL }
  };

  setlocale (LC_ALL, "");
  context = g_option_context_new ("- keystroke to results painted in the residents page");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (runs < 1 || residents < 1 || load < 0)
    {
      g_printerr ("runs >= 1, residents >= 1, load >= 0\n");
      return 2;
    }

  gtk_init ();
  adw_init ();
  g_setenv ("FD_SERVER_BINARY", FD_BENCH_SERVER_BINARY, FALSE);

  options.residents = (guint) residents;
  options.data_dir = data_dir;
  options.password = "frontdesk-bench";
  if (data_dir != NULL)
    bench_ensure_seeded (data_dir, (guint) residents, options.password);
  start = g_get_monotonic_time ();
  server = fd_test_server_start (&options);
  g_print ("frontdesk-server demo, %d residents, ready in %.1f s\n", residents,
           (g_get_monotonic_time () - start) / 1e6);

  session = fd_test_server_new_session (server);
  token = fd_test_login (server, session, "reception");
  queries = make_queries (server, session, token);

  /* The client: the same API client and main view the app uses. */
  api = fd_api_client_new (fd_test_server_get_base_url (server),
                           fd_test_server_get_ca_path (server), NULL, &error);
  g_assert_no_error (error);
  fd_api_client_set_token (api, token);
  info = g_new0 (FdSessionInfo, 1);
  info->username = g_strdup ("reception");
  info->display_name = g_strdup ("Reception");
  info->role = FD_ROLE_RECEPTION;
  info->lock_after_s = FD_SESSION_INFO_UNSET;
  info->reveal_window_s = 30;
  info->watermark = TRUE;

  view = fd_main_view_new (api, info);
  bench.window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (bench.window), 1100, 760);
  gtk_window_set_child (GTK_WINDOW (bench.window), GTK_WIDGET (view));
  gtk_window_present (GTK_WINDOW (bench.window));
  while (!gtk_widget_get_mapped (bench.window))
    g_main_context_iteration (NULL, TRUE);

  page = FD_RESIDENT_PAGE (fd_main_view_get_page (view, "residents"));
  bench.model = fd_resident_page_get_model (page);
  bench.entry = fd_resident_page_get_search_entry (page);
  bench.clock = gtk_widget_get_frame_clock (bench.window);
  g_signal_connect (bench.model, "updated", G_CALLBACK (updated_cb), &bench);
  g_signal_connect (bench.entry, "search-changed", G_CALLBACK (search_changed_cb), &bench);
  g_signal_connect (bench.model, "notify::loading", G_CALLBACK (loading_cb), &bench);
  bench.paint_id = g_signal_connect (bench.clock, "after-paint", G_CALLBACK (after_paint_cb),
                                     &bench);

  g_print ("%u queries (surname, 2-char name, pinyin initials, building-unit, mobile last 4), "
           "%d measured keystrokes after %d warm-up\n", queries->len, runs, WARM_UP);

  if (load > 0)
    {
      /* The search mix of bench-search-wrk, from accounts of its own,
       * for longer than the keystrokes take; stopped when they are done. */
      mix = bench_mix_new (server, (guint) residents, 40, 8, 50);
      load_script = bench_write_script (mix, BENCH_N_KINDS);
      wrk = bench_start_wrk (server, load_script, (guint) load, 3600);
      g_print ("meanwhile wrk -t1 -c%d drives the search mix (%u queries, limit 50)\n", load,
               mix->queries->len);
      {
        gboolean warmed = FALSE;

        wait_flag (&warmed, 2000);
      }
    }

  for (int i = 0; i < runs + WARM_UP; i++)
    {
      const char *query = g_ptr_array_index (queries, i % queries->len);
      gint64 t0, elapsed;

      /* Start from an empty search, painted. */
      reset (&bench);
      gtk_editable_set_text (GTK_EDITABLE (bench.entry), "");
      if (*fd_resident_list_model_get_query (bench.model) != '\0')
        fd_resident_list_model_set_query (bench.model, "");
      wait_painted (&bench, 2000);
      reset (&bench);
      {
        gboolean settled = FALSE;

        wait_flag (&settled, 30);
      }

      /* The keystroke. */
      reset (&bench);
      bench.loads = 0;
      t0 = g_get_monotonic_time ();
      gtk_editable_set_text (GTK_EDITABLE (bench.entry), query);
      if (!wait_painted (&bench, 10000))
        {
          failures++;
          continue;
        }
      if (i < WARM_UP)
        continue;

      elapsed = bench.painted_at - t0;
      g_array_append_val (total, elapsed);
      elapsed = bench.updated_at - t0;
      g_array_append_val (to_model, elapsed);
      if (g_getenv ("FD_BENCH_VERBOSE"))
        g_print ("kind %d loads %u changed %.1f updated %.1f painted %.1f\n", i % 5, bench.loads,
                 (bench.changed_at - t0) / 1e3,
                 (bench.updated_at - t0) / 1e3, (bench.painted_at - t0) / 1e3);
      results += g_list_model_get_n_items (G_LIST_MODEL (bench.model));
    }

  g_array_sort (total, compare_gint64);
  g_array_sort (to_model, compare_gint64);

  g_print ("keystroke to results painted: p50 %.1f ms, p95 %.1f ms, max %.1f ms (%u samples)\n",
           percentile_ms (total, 0.50), percentile_ms (total, 0.95),
           percentile_ms (total, 1.0), total->len);
  g_print ("  of which to results in the model: p50 %.1f ms, p95 %.1f ms "
           "(search delay %d ms included)\n",
           percentile_ms (to_model, 0.50), percentile_ms (to_model, 0.95),
           gtk_search_entry_get_search_delay (GTK_SEARCH_ENTRY (bench.entry)));
  g_print ("  mean rows per answer %.1f, timeouts %u\n",
           total->len ? (double) results / total->len : 0.0, failures);
  g_print ("target p95 <= %d ms: %s\n", load > 0 ? 80 : 50,
           percentile_ms (total, 0.95) <= (load > 0 ? 80.0 : 50.0) ? "met" : "missed");

  if (wrk != NULL)
    {
      BenchResult r;
      g_autofree char *loadavg = bench_load_average ();

      g_subprocess_send_signal (wrk, SIGINT);
      r = bench_wrk_finish (wrk);
      g_print ("  the load: %.0f req/s of search, p50 %.2f ms, p99 %.2f ms, errors %u (%s)\n",
               r.requests_per_s, r.p50_ms, r.p99_ms, r.errors, loadavg);
      g_object_unref (wrk);
      g_unlink (load_script);
      bench_mix_free (mix);
    }
  else
    {
      g_autofree char *loadavg = bench_load_average ();
      g_print ("  (%s)\n", loadavg);
    }

  g_signal_handler_disconnect (bench.clock, bench.paint_id);
  gtk_window_destroy (GTK_WINDOW (bench.window));
  fd_test_server_stop (server);
  return failures > 0 ? 1 : 0;
}
