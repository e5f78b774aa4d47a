/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Recovering on its own (issue 14), in the real window against a real
 * server under Xvfb:
 *  - a search that failed while the server was down shows its results,
 *    not "Search Failed", once the server is back (kill -9, then the same
 *    port), without being typed again, even when nothing else of the app
 *    notices (as after a 503 while the server restarts);
 *  - an open reveal dialog's error follows the connection;
 *  - while the incident freeze is on, Export is disabled up front and says
 *    why (visible text and tooltip), and no file chooser opens;
 *  - the app's own native dialog (a portal's window) taking the focus does
 *    not raise the privacy curtain. */

#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "fd-main-view.h"
#include "fd-recovery.h"
#include "fd-resident-list-model.h"
#include "fd-resident-page.h"
#include "fd-reveal-dialog.h"
#include "fd-verify-dialog.h"
#include "fd-test-server.h"
#include "fd-visitor-page.h"
#include "test-pages-util.h"

#define TIMEOUT_MS 30000

static FdTestServer *server;
static SoupSession *test_session;

/* The results stack of the resident page (the one with an "error" page). */
static GtkStack *
results_stack (GtkWidget *page)
{
  g_autoptr(GPtrArray) stacks = fd_pages_test_find_all (page, GTK_TYPE_STACK);

  for (guint i = 0; i < stacks->len; i++)
    if (gtk_stack_get_child_by_name (stacks->pdata[i], "error") != NULL)
      return stacks->pdata[i];
  g_assert_not_reached ();
}

typedef struct
{
  GtkStack   *stack;
  const char *name;
} StackWait;

static gboolean
stack_shows_cb (gpointer data)
{
  StackWait *w = data;

  return g_strcmp0 (gtk_stack_get_visible_child_name (w->stack), w->name) == 0;
}

/* --- a failed search re-runs when the server is back --- */

static void
test_search_retries_by_itself (void)
{
  FdPagesTestView v = { 0 };
  FdResidentPage *residents;
  StackWait w;

  fd_pages_test_view_open (&v, server, "reception");
  residents = fd_pages_test_search (&v, "residents", "1");
  w = (StackWait) { results_stack (GTK_WIDGET (residents)), "list" };
  g_assert_true (fd_pages_test_wait_until (stack_shows_cb, &w, TIMEOUT_MS));

  /* No window here probes the server: only the search itself can notice
   * that it is back (as after a 503 while it restarted). */
  fd_test_server_kill (server);
  gtk_editable_set_text (GTK_EDITABLE (fd_resident_page_get_search_entry (residents)), "3");
  w.name = "error";
  g_assert_true (fd_pages_test_wait_until (stack_shows_cb, &w, TIMEOUT_MS));
  fd_test_server_restart_same_port (server);
  w.name = "list";
  g_assert_true (fd_pages_test_wait_until (stack_shows_cb, &w, TIMEOUT_MS));
  fd_pages_test_view_close (&v);
}

/* --- an open dialog's error follows the connection --- */

static const char *
a_resident_id (char **owned)
{
  g_autofree char *token = fd_test_login (server, test_session, "reception");
  g_autoptr(JsonNode) node = NULL;
  JsonArray *items;
  guint status = 0;

  node = fd_test_request (server, test_session, "GET", "/api/v1/residents?q=1&limit=1", token,
                          NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  items = json_object_get_array_member (json_node_get_object (node), "items");
  g_assert_cmpuint (json_array_get_length (items), >, 0);
  *owned = g_strdup (json_object_get_string_member (json_array_get_object_element (items, 0),
                                                    "id"));
  return *owned;
}

static const char *
dialog_error (gpointer dialog)
{
  return FD_IS_REVEAL_DIALOG (dialog) ? fd_reveal_dialog_get_error (dialog)
                                      : fd_verify_dialog_get_error (dialog);
}

static gboolean
error_is_cb (gpointer data)
{
  gpointer *pair = data;

  return g_strcmp0 (dialog_error (pair[0]), pair[1]) == 0;
}

static gboolean
error_mentions_cb (gpointer data)
{
  gpointer *pair = data;
  const char *error = dialog_error (pair[0]);

  return error != NULL && strstr (error, pair[1]) != NULL;
}

static void
health_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  fd_api_client_check_health_finish (FD_API_CLIENT (source), result, NULL);
  *(gboolean *) user_data = TRUE;
}

static void
run_dialog_error_follows (gboolean reveal)
{
  g_autofree char *id = NULL;
  const char *fields[] = { "phone", NULL };
  FdPagesTestView v = { 0 };
  GtkWindow *dialog;
  gboolean probed = FALSE;
  gpointer pair[2];

  fd_pages_test_view_open (&v, server, "reception");
  if (reveal)
    dialog = GTK_WINDOW (fd_reveal_dialog_new (v.window, v.api, a_resident_id (&id), "phone",
                                               "Phone", FALSE));
  else
    dialog = GTK_WINDOW (fd_verify_dialog_new (v.window, v.api, a_resident_id (&id), fields));
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  fd_pages_test_show_window (dialog);

  fd_test_server_kill (server);
  if (reveal)
    {
      fd_reveal_dialog_set_reason (FD_REVEAL_DIALOG (dialog), 0, NULL);
      fd_reveal_dialog_submit (FD_REVEAL_DIALOG (dialog));
    }
  else
    {
      fd_verify_dialog_set_value (FD_VERIFY_DIALOG (dialog), "13800000000");
      fd_verify_dialog_submit (FD_VERIFY_DIALOG (dialog));
    }
  pair[0] = dialog;
  pair[1] = (gpointer) "cannot be reached";
  g_assert_true (fd_pages_test_wait_until (error_mentions_cb, pair, TIMEOUT_MS));

  /* the server is back, and the window's retry (here: the test) finds it */
  fd_test_server_restart_same_port (server);
  fd_api_client_check_health_async (v.api, NULL, health_cb, &probed);
  g_assert_true (fd_pages_test_wait_for_flag (&probed, TIMEOUT_MS));
  pair[1] = (gpointer) "The connection to the office server is back. Try again.";
  g_assert_true (fd_pages_test_wait_until (error_is_cb, pair, TIMEOUT_MS));

  if (dialog != NULL)
    gtk_window_destroy (dialog);
  fd_pages_test_view_close (&v);
}

static void
test_reveal_error_follows (void)
{
  run_dialog_error_follows (TRUE);
}

static void
test_verify_error_follows (void)
{
  run_dialog_error_follows (FALSE);
}

/* --- the freeze refuses exports up front --- */

static void
set_frozen (gboolean frozen)
{
  g_autofree char *token = fd_test_login (server, test_session, "manager");
  g_autoptr(JsonNode) node = NULL;
  guint status = 0;

  node = fd_test_request (server, test_session, "PUT", "/api/v1/incident", token,
                          frozen ? "{\"frozen\": true}" : "{\"frozen\": false}", &status, NULL);
  g_assert_cmpuint (status, ==, 200);
}

static GtkWidget *
export_button (GtkWidget *page)
{
  g_autoptr(GPtrArray) buttons = fd_pages_test_find_all (page, GTK_TYPE_BUTTON);

  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_actionable_get_action_name (buttons->pdata[i]), "visitors.export") == 0)
      return buttons->pdata[i];
  g_assert_not_reached ();
}

static gboolean
insensitive_cb (gpointer data)
{
  return !gtk_widget_is_sensitive (data);
}

static void
test_export_frozen (void)
{
  FdPagesTestView v = { 0 };
  GtkWidget *page, *button, *label;

  set_frozen (TRUE);
  fd_pages_test_view_open (&v, server, "manager");
  fd_main_view_show_page (v.view, "visitors");
  page = fd_main_view_get_page (v.view, "visitors");
  button = export_button (page);
  g_assert_true (fd_pages_test_wait_until (insensitive_cb, button, TIMEOUT_MS));
  label = fd_pages_test_find_label (page, "Exports frozen");
  g_assert_nonnull (label);
  g_assert_true (gtk_widget_get_mapped (label));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (button), "incident switch"));
  fd_pages_test_screenshot (GTK_WIDGET (v.window), "export-frozen");

  /* the action itself is off: no file chooser opens */
  gtk_widget_activate_action (page, "visitors.export", NULL);
  fd_pages_test_wait (300);
  g_assert_null (g_object_get_data (G_OBJECT (page), "fd-export-chooser"));
  fd_pages_test_view_close (&v);
  set_frozen (FALSE);
}

/* --- the app's own native dialog does not raise the curtain --- */

static void
look_away (FdPagesTestView *v,
           gboolean         own_dialog)
{
  GtkWindow *other = GTK_WINDOW (gtk_window_new ());

  if (own_dialog)
    fd_recovery_hold_native (v->window);
  gtk_window_set_default_size (other, 200, 100);
  fd_pages_test_show_window (other);
  fd_pages_test_wait (800);
  g_assert_cmpint (fd_main_view_get_curtain (v->view), ==, !own_dialog);
  gtk_window_destroy (other);
  if (own_dialog)
    fd_recovery_release_native (v->window);
}

static void
test_own_dialog_no_curtain (void)
{
  FdPagesTestView v = { 0 };

  fd_pages_test_view_open (&v, server, "reception");
  /* a portal's file chooser of ours has the focus: no curtain */
  look_away (&v, TRUE);
  fd_pages_test_show_window (v.window);
  fd_pages_test_wait (300);
  g_assert_false (fd_main_view_get_curtain (v.view));
  /* any other window: the curtain falls (the test can tell) */
  look_away (&v, FALSE);
  fd_pages_test_view_close (&v);
}

int
main (int   argc,
      char *argv[])
{
  FdTestServerOptions options = { .residents = 50 };
  int ret;

  if (g_getenv ("DISPLAY") == NULL)
    {
      g_print ("1..0 # SKIP no display\n");
      return 0;
    }
  fd_pages_test_init (&argc, &argv);

  server = fd_test_server_start (&options);
  test_session = fd_test_server_new_session (server);

  g_test_add_func ("/fd/pages/recovery/search-by-itself", test_search_retries_by_itself);
  g_test_add_func ("/fd/pages/recovery/reveal-dialog-error", test_reveal_error_follows);
  g_test_add_func ("/fd/pages/recovery/verify-dialog-error", test_verify_error_follows);
  g_test_add_func ("/fd/pages/recovery/export-frozen", test_export_frozen);
  g_test_add_func ("/fd/pages/recovery/own-dialog-no-curtain", test_own_dialog_no_curtain);
  ret = g_test_run ();

  g_clear_object (&test_session);
  g_clear_pointer (&server, fd_test_server_stop);
  return ret;
}
