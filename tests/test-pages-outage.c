/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests the client while the office server is down. */

/* test-pages-outage.c — the client while the office server is down
 *
 * The real window (FdWindow, signed in through its sign-in page) searches
 * residents and has a visitor form half filled when the server is stopped:
 * once with kill -9, once with SIGTERM. While it is down a search is typed:
 * the window must not crash, must show its banner with a retry delay that
 * backs off, and must keep everything typed. The server then comes back on
 * the same port and data directory: the banner goes, the search that
 * failed shows its results without being typed again, the session goes on
 * (the same token, the main view still there) and the half-filled form,
 * finished, registers its visitor.
 */

#include "config.h"

#include <adwaita.h>
#include <locale.h>
#include <string.h>

#include "fd-application.h"
#include "fd-main-view.h"
#include "fd-resident-list-model.h"
#include "fd-resident-page.h"
#include "fd-signin-page.h"
#include "fd-test-server.h"
#include "fd-visitor-form.h"
#include "fd-visitor-page.h"
#include "fd-window.h"
#include "test-pages-util.h"

#define TIMEOUT_MS 30000

static FdTestServer *server;
static FdApplication *app;
static char *a_room;

typedef struct
{
  FdWindow   *window;
  const char *page;
} PageWait;

static gboolean
page_is_cb (gpointer data)
{
  PageWait *w = data;

  return g_strcmp0 (fd_window_get_page_name (w->window), w->page) == 0;
}

static GtkRevealer *
banner (FdWindow *window)
{
  g_autoptr(GPtrArray) revealers = fd_pages_test_find_all (GTK_WIDGET (window),
                                                           GTK_TYPE_REVEALER);

  for (guint i = 0; i < revealers->len; i++)
    {
      GtkWidget *child = gtk_revealer_get_child (revealers->pdata[i]);

      if (child != NULL && gtk_widget_has_css_class (child, "fd-banner"))
        return revealers->pdata[i];
    }
  g_assert_not_reached ();
}

static gboolean
banner_shown_cb (gpointer data)
{
  return gtk_revealer_get_reveal_child (banner (data));
}

static gboolean
banner_hidden_cb (gpointer data)
{
  return !gtk_revealer_get_reveal_child (banner (data));
}

/* The delay the banner announces ("… in N s …"), 0 when it names none. */
static guint
banner_delay (FdWindow *window)
{
  GtkWidget *box = gtk_revealer_get_child (banner (window));
  GtkWidget *label = fd_pages_test_find (box, GTK_TYPE_LABEL);
  g_autoptr(GRegex) regex = g_regex_new ("(\\d+) s\\b", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *digits = NULL;

  if (!g_regex_match (regex, gtk_label_get_text (GTK_LABEL (label)), 0, &match))
    return 0;
  digits = g_match_info_fetch (match, 1);
  return (guint) g_ascii_strtoull (digits, NULL, 10);
}

typedef struct
{
  FdWindow *window;
  guint     at_least;
  guint     max_seen;
} DelayWait;

static gboolean
delay_reached_cb (gpointer data)
{
  DelayWait *w = data;
  guint delay = banner_delay (w->window);

  w->max_seen = MAX (w->max_seen, delay);
  return w->max_seen >= w->at_least;
}

typedef struct
{
  FdResidentPage *page;
  const char     *query;
} ResultsWait;

/* The page shows results of @query (not its error page, not loading). */
static gboolean
results_shown_cb (gpointer data)
{
  ResultsWait *w = data;
  FdResidentListModel *model = fd_resident_page_get_model (w->page);

  return g_strcmp0 (fd_resident_list_model_get_query (model), w->query) == 0 &&
         !fd_resident_list_model_get_loading (model) &&
         g_list_model_get_n_items (G_LIST_MODEL (model)) > 0 &&
         gtk_widget_get_mapped (GTK_WIDGET (fd_resident_page_get_list_view (w->page)));
}

static gboolean
failed_or_banner_cb (gpointer data)
{
  gpointer *pair = data;

  return *(gboolean *) pair[1] || banner_shown_cb (pair[0]);
}

static void
failed_cb (FdResidentListModel *model,
           GError              *error,
           gpointer             user_data)
{
  *(gboolean *) user_data = TRUE;
}

static FdWindow *
signed_in_window (const char *username)
{
  FdClientConfig overrides = {
    .server_url = (char *) fd_test_server_get_base_url (server),
    .ca_file = (char *) fd_test_server_get_ca_path (server),
    .workstation = (char *) "test-desk",
  };
  FdWindow *window;
  GtkWidget *signin, *entry, *button = NULL;
  g_autoptr(GPtrArray) buttons = NULL;
  PageWait main_page;

  fd_application_set_overrides (app, &overrides);
  window = fd_window_new (app);
  fd_pages_test_show_window (GTK_WINDOW (window));

  signin = fd_pages_test_find (GTK_WIDGET (window), FD_TYPE_SIGNIN_PAGE);
  g_assert_nonnull (signin);
  fd_signin_page_set_username (FD_SIGNIN_PAGE (signin), username);
  entry = fd_pages_test_find (signin, GTK_TYPE_PASSWORD_ENTRY);
  gtk_editable_set_text (GTK_EDITABLE (entry), fd_test_server_get_password (server));
  buttons = fd_pages_test_find_all (signin, GTK_TYPE_BUTTON);
  for (guint i = 0; i < buttons->len && button == NULL; i++)
    if (gtk_widget_has_css_class (buttons->pdata[i], "suggested-action"))
      button = buttons->pdata[i];
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");

  main_page = (PageWait) { window, "main" };
  g_assert_true (fd_pages_test_wait_until (page_is_cb, &main_page, TIMEOUT_MS));
  return window;
}

static void
set_field (FdVisitorForm *form,
           const char    *key,
           const char    *text)
{
  gtk_editable_set_text (GTK_EDITABLE (fd_visitor_form_get_entry (form, key)), text);
}

static const char *
field (FdVisitorForm *form,
       const char    *key)
{
  return gtk_editable_get_text (GTK_EDITABLE (fd_visitor_form_get_entry (form, key)));
}

static void
registered_cb (FdVisitorForm *form,
               gpointer       user_data)
{
  *(gboolean *) user_data = TRUE;
}

/* One outage: @hard is kill -9 (else SIGTERM); @press_retry presses the
 * banner's Retry Now once the server is back (else waits for the timer). */
static void
run_outage (gboolean hard,
            gboolean press_retry)
{
  g_autofree char *username = NULL;
  FdWindow *window;
  FdMainView *view;
  FdResidentPage *residents;
  FdVisitorPage *visitors;
  FdVisitorForm *form;
  FdResidentListModel *model;
  GtkWidget *search;
  gboolean failed = FALSE, registered = FALSE;
  gpointer pair[2];
  DelayWait delay;
  ResultsWait results;
  PageWait main_page;
  gulong id;
  g_autoptr(SoupSession) session = fd_test_server_new_session (server);

  username = fd_test_create_user (server, session, "reception", NULL);
  window = signed_in_window (username);
  view = FD_MAIN_VIEW (fd_window_get_main_view (window));
  residents = FD_RESIDENT_PAGE (fd_main_view_get_page (view, "residents"));
  visitors = FD_VISITOR_PAGE (fd_main_view_get_page (view, "visitors"));
  form = fd_visitor_page_get_form (visitors);
  model = fd_resident_page_get_model (residents);
  search = fd_resident_page_get_search_entry (residents);

  /* A search that works, then a half-filled visitor form. */
  fd_main_view_show_page (view, "residents");
  gtk_editable_set_text (GTK_EDITABLE (search), "1");
  results = (ResultsWait) { residents, "1" };
  g_assert_true (fd_pages_test_wait_until (results_shown_cb, &results, TIMEOUT_MS));

  fd_main_view_show_page (view, "visitors");
  set_field (form, "name", "王小明");
  set_field (form, "phone", "13912345678");
  set_field (form, "room", a_room);

  /* The server goes away while the client searches. */
  fd_main_view_show_page (view, "residents");
  id = g_signal_connect (model, "failed", G_CALLBACK (failed_cb), &failed);
  if (hard)
    fd_test_server_kill (server);
  else
    fd_test_server_halt (server);
  gtk_editable_set_text (GTK_EDITABLE (search), "2");
  pair[0] = window;
  pair[1] = &failed;
  g_assert_true (fd_pages_test_wait_until (failed_or_banner_cb, pair, TIMEOUT_MS));
  g_signal_handler_disconnect (model, id);

  /* The banner, with a delay that grows: 2 s, then 4 s at least. */
  g_assert_true (fd_pages_test_wait_until (banner_shown_cb, window, TIMEOUT_MS));
  delay = (DelayWait) { window, 4, 0 };
  g_assert_true (fd_pages_test_wait_until (delay_reached_cb, &delay, TIMEOUT_MS));
  g_assert_cmpuint (delay.max_seen, <=, 60);
  g_assert_true (banner_shown_cb (window));

  /* Nothing typed is lost; the window did not leave the main view. */
  g_assert_cmpstr (fd_window_get_page_name (window), ==, "main");
  g_assert_true (fd_window_get_main_view (window) == GTK_WIDGET (view));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (search)), ==, "2");
  g_assert_cmpstr (field (form, "name"), ==, "王小明");
  g_assert_cmpstr (field (form, "phone"), ==, "13912345678");
  g_assert_cmpstr (field (form, "room"), ==, a_room);
  fd_pages_test_screenshot (GTK_WIDGET (window), hard ? "outage-killed" : "outage-stopped");

  /* Back on the same port and data directory. */
  fd_test_server_restart_same_port (server);
  if (press_retry)
    {
      GtkWidget *retry = fd_pages_test_find (gtk_revealer_get_child (banner (window)),
                                             GTK_TYPE_BUTTON);

      g_signal_emit_by_name (retry, "clicked");
    }
  /* The timer's next try is at most 60 s away. */
  g_assert_true (fd_pages_test_wait_until (banner_hidden_cb, window, 70000));

  /* The search that failed recovers without being typed again. */
  results = (ResultsWait) { residents, "2" };
  g_assert_true (fd_pages_test_wait_until (results_shown_cb, &results, TIMEOUT_MS));

  /* The session goes on: same view, and the form, finished, registers. */
  main_page = (PageWait) { window, "main" };
  g_assert_true (page_is_cb (&main_page));
  g_assert_true (fd_window_get_main_view (window) == GTK_WIDGET (view));
  fd_main_view_show_page (view, "visitors");
  g_assert_cmpstr (field (form, "name"), ==, "王小明");
  set_field (form, "purpose", "送快递");
  g_signal_connect (form, "registered", G_CALLBACK (registered_cb), &registered);
  fd_visitor_form_submit (form);
  g_assert_true (fd_pages_test_wait_for_flag (&registered, TIMEOUT_MS));

  gtk_window_destroy (GTK_WINDOW (window));
  fd_pages_test_wait (200);
}

static void
test_killed (void)
{
  run_outage (TRUE, FALSE);
}

static void
test_stopped (void)
{
  run_outage (FALSE, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autofree char *token = NULL;
  g_autoptr(JsonNode) rooms = NULL;
  guint status = 0;
  int result;

  if (g_getenv ("DISPLAY") == NULL)
    {
      g_print ("1..0 # SKIP no display\n");
      return 0;
    }

  g_setenv ("GSETTINGS_SCHEMA_DIR", BUILDDIR "/data", TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  setlocale (LC_ALL, "C.UTF-8");

  server = fd_test_server_start (NULL);
  session = fd_test_server_new_session (server);
  token = fd_test_login (server, session, "reception");
  rooms = fd_test_request (server, session, "GET", "/api/v1/rooms?q=1&limit=1", token, NULL,
                           &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  a_room = g_strdup (json_object_get_string_member (
    json_array_get_object_element (
      json_object_get_array_member (fd_test_get_object (rooms), "items"), 0), "room"));

  app = fd_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  g_test_add_func ("/fd/pages/outage/killed", test_killed);
  g_test_add_func ("/fd/pages/outage/stopped", test_stopped);
  result = g_test_run ();

  g_clear_object (&app);
  g_free (a_room);
  fd_test_server_stop (server);
  return result;
}
