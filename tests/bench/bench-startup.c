/* bench-startup.c — warm start of `frontdesk` to its first painted frame,
 * beside a bare libadwaita window built by this same binary, in the same
 * run; and the client's resident set size after sign-in.
 *
 *   build-aux/headless-run.sh build/tests/bench/bench-startup [RUNS]
 *
 * Each child prints the CLOCK_MONOTONIC time of its first "after-paint";
 * the parent subtracts the time just before it spawned the child. Runs
 * alternate between the two programs after one warm-up of each.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "fd-application.h"
#include "fd-signin-page.h"
#include "fd-test-server.h"
#include "fd-window.h"

#define DEFAULT_RUNS 15

static long
vm_rss_kb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, "VmRSS:");
  return line != NULL ? strtol (line + strlen ("VmRSS:"), NULL, 10) : -1;
}

/* --- child: the bare window --- */

static void
bare_after_paint_cb (GdkFrameClock *clock,
                     GtkWindow     *window)
{
  g_signal_handlers_disconnect_by_func (clock, bare_after_paint_cb, window);
  g_print ("first-frame-us %" G_GINT64_FORMAT "\n", g_get_monotonic_time ());
  g_print ("rss-kb %ld\n", vm_rss_kb ());
  fflush (stdout);
  g_application_quit (G_APPLICATION (gtk_window_get_application (window)));
}

static void
bare_realize_cb (GtkWidget *window)
{
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint",
                    G_CALLBACK (bare_after_paint_cb), window);
}

static void
bare_activate_cb (GApplication *app)
{
  GtkWidget *window = adw_application_window_new (GTK_APPLICATION (app));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *status = adw_status_page_new ();

  adw_status_page_set_title (ADW_STATUS_PAGE (status), "Bare Window");
  gtk_widget_set_vexpand (status, TRUE);
  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  gtk_box_append (GTK_BOX (box), status);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);
  gtk_window_set_default_size (GTK_WINDOW (window), 960, 680);
  g_signal_connect (window, "realize", G_CALLBACK (bare_realize_cb), NULL);
  gtk_window_present (GTK_WINDOW (window));
}

static int
run_bare (void)
{
  g_autoptr(AdwApplication) app = adw_application_new ("io.github.frontdesk.BenchBare",
                                                       G_APPLICATION_NON_UNIQUE);

  g_signal_connect (app, "activate", G_CALLBACK (bare_activate_cb), NULL);
  return g_application_run (G_APPLICATION (app), 0, NULL);
}

/* --- child: frontdesk signed in, for its resident set size --- */

static GtkWidget *
find_type (GtkWidget *root,
           GType      type)
{
  if (g_type_is_a (G_OBJECT_TYPE (root), type))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_type (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
iterate_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE), g_usleep (1000);
}

static int
run_rss (const char *url,
         const char *ca,
         const char *username)
{
  const char *password = g_getenv ("FD_BENCH_PASSWORD");
  g_autoptr(FdApplication) app = NULL;
  g_autoptr(GError) error = NULL;
  FdClientConfig overrides = { .server_url = (char *) url, .ca_file = (char *) ca };
  FdSigninPage *page;
  FdWindow *window;
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  if (password == NULL)
    return 2;

  app = fd_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    return 2;
  fd_application_set_overrides (app, &overrides);

  window = fd_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  while (g_strcmp0 (fd_window_get_page_name (window), "signin") != 0 &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);

  page = FD_SIGNIN_PAGE (find_type (GTK_WIDGET (window), FD_TYPE_SIGNIN_PAGE));
  fd_signin_page_set_username (page, username);
  gtk_editable_set_text (GTK_EDITABLE (find_type (GTK_WIDGET (page), GTK_TYPE_PASSWORD_ENTRY)),
                         password);
  g_signal_emit_by_name (find_type (GTK_WIDGET (page), GTK_TYPE_BUTTON), "clicked");

  while (g_strcmp0 (fd_window_get_page_name (window), "main") != 0 &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  if (g_strcmp0 (fd_window_get_page_name (window), "main") != 0)
    return 1;

  /* Let the main view settle and paint. */
  iterate_for (2000);
  g_print ("rss-kb %ld\n", vm_rss_kb ());
  fflush (stdout);
  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}

/* --- parent --- */

static gint64
spawn_and_read (const char * const *argv,
                const char * const *env,
                const char         *key,
                gint64             *start)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *prefix = g_strconcat (key, " ", NULL);
  const char *line;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  for (guint i = 0; env != NULL && env[i] != NULL; i += 2)
    g_subprocess_launcher_setenv (launcher, env[i], env[i + 1], TRUE);

  if (start != NULL)
    *start = g_get_monotonic_time ();
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  if (process == NULL)
    g_error ("cannot start %s: %s", argv[0], error->message);
  if (!g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error))
    g_error ("%s: %s", argv[0], error->message);
  g_subprocess_wait (process, NULL, NULL);

  line = out != NULL ? strstr (out, prefix) : NULL;
  if (line == NULL)
    g_error ("%s printed no %s line", argv[0], key);
  return g_ascii_strtoll (line + strlen (prefix), NULL, 10);
}

static int
compare_int64 (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static double
median_ms (GArray *values)
{
  g_array_sort (values, compare_int64);
  if (values->len % 2 == 1)
    return g_array_index (values, gint64, values->len / 2) / 1000.0;
  return (g_array_index (values, gint64, values->len / 2 - 1) +
          g_array_index (values, gint64, values->len / 2)) / 2000.0;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GArray) client = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) bare = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *self = NULL;
  FdTestServer *server;
  guint runs = DEFAULT_RUNS;
  gint64 bare_rss, client_rss;
  double client_ms, bare_ms;

  setlocale (LC_ALL, "");
  g_setenv ("GSETTINGS_SCHEMA_DIR", BUILDDIR "/data", FALSE);
  g_setenv ("GSETTINGS_BACKEND", "memory", FALSE);

  if (argc >= 2 && g_str_equal (argv[1], "--bare"))
    return run_bare ();
  if (argc >= 5 && g_str_equal (argv[1], "--rss"))
    {
      gtk_init ();
      return run_rss (argv[2], argv[3], argv[4]);
    }

  if (g_getenv ("DISPLAY") == NULL)
    g_error ("run me under build-aux/headless-run.sh");
  if (argc >= 2)
    runs = MAX (1, (guint) g_ascii_strtoull (argv[1], NULL, 10));

  g_setenv ("FD_SERVER_BINARY", BUILDDIR "/src/server/frontdesk-server", FALSE);
  self = g_file_read_link ("/proc/self/exe", NULL);
  server = fd_test_server_start (NULL);

  {
    const char *client_argv[] = { BUILDDIR "/src/client/frontdesk",
                                  "--server", fd_test_server_get_base_url (server),
                                  "--ca", fd_test_server_get_ca_path (server), NULL };
    const char *client_env[] = { "FD_BENCH_FIRST_FRAME", "1", NULL };
    const char *bare_argv[] = { self, "--bare", NULL };

    /* One warm-up each (caches, shader cache, fonts), not counted. */
    spawn_and_read (client_argv, client_env, "first-frame-us", NULL);
    bare_rss = spawn_and_read (bare_argv, NULL, "rss-kb", NULL);

    for (guint i = 0; i < runs; i++)
      {
        gint64 start, frame, elapsed;

        frame = spawn_and_read (client_argv, client_env, "first-frame-us", &start);
        elapsed = frame - start;
        g_array_append_val (client, elapsed);

        frame = spawn_and_read (bare_argv, NULL, "first-frame-us", &start);
        elapsed = frame - start;
        g_array_append_val (bare, elapsed);
      }
  }

  {
    const char *rss_argv[] = { self, "--rss", fd_test_server_get_base_url (server),
                               fd_test_server_get_ca_path (server), "reception", NULL };
    const char *rss_env[] = { "FD_BENCH_PASSWORD", fd_test_server_get_password (server), NULL };

    client_rss = spawn_and_read (rss_argv, rss_env, "rss-kb", NULL);
  }

  client_ms = median_ms (client);
  bare_ms = median_ms (bare);
  g_print ("runs: %u each, interleaved, after one warm-up each\n", runs);
  g_print ("frontdesk first frame (sign-in page): median %.1f ms\n", client_ms);
  g_print ("bare AdwApplicationWindow first frame: median %.1f ms\n", bare_ms);
  g_print ("ratio: %.2f\n", client_ms / bare_ms);
  g_print ("RSS after sign-in (reception, main view shown, settled 2 s): %"
           G_GINT64_FORMAT " KiB\n", client_rss);
  g_print ("RSS of the bare window at its first frame: %" G_GINT64_FORMAT " KiB\n", bare_rss);

  fd_test_server_stop (server);
  return 0;
}
