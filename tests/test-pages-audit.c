/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A readable audit log (issue 14), on a real server under Xvfb: actions,
 * reasons and fields are words (in the reader's language), the resident
 * is shown as the manager sees them (masked name and room, never an id or
 * a clear name), the command line's rows line up with the header, and the
 * shortcuts window lists every shortcut the app has.
 * FD_PAGES_TEST_SCREENSHOTS=DIR saves the page at 1366×800 and 800×600
 * (LANGUAGE=zh_CN for Chinese). */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <string.h>

#include "fd-audit-page.h"
#include "fd-main-view.h"
#include "fd-test-server.h"
#include "test-pages-util.h"

#define TIMEOUT_MS 30000

static FdTestServer *server;
static SoupSession *test_session;
static const char *lang = "en";

static gboolean
loaded_cb (gpointer data)
{
  return g_list_model_get_n_items (fd_audit_page_get_entries (data)) > 0;
}

/* The x of the @column-th label of @row, in @page's coordinates. */
static double
column_x (GtkWidget *page,
          GtkWidget *row,
          guint      column)
{
  GtkWidget *label = gtk_widget_get_first_child (row);
  graphene_point_t in = GRAPHENE_POINT_INIT (0, 0), out;

  for (guint i = 0; i < column && label != NULL; i++)
    label = gtk_widget_get_next_sibling (label);
  g_assert_nonnull (label);
  g_assert_true (gtk_widget_compute_point (label, page, &in, &out));
  return out.x;
}

static void
test_readable (void)
{
  g_autofree char *token = fd_test_login (server, test_session, "reception");
  g_autoptr(JsonNode) list = NULL;
  g_autoptr(JsonNode) detail = NULL;
  g_autoptr(JsonNode) check = NULL;
  g_autofree char *path = NULL;
  g_autofree char *verify = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) headers = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  FdPagesTestView v = { 0 };
  GtkWidget *page, *header = NULL;
  const char *id;
  guint status = 0, aligned = 0;

  /* a view and a verify by the desk, to read about */
  list = fd_test_request (server, test_session, "GET", "/api/v1/residents?q=1&limit=1", token,
                          NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  id = json_object_get_string_member (json_array_get_object_element (
         json_object_get_array_member (json_node_get_object (list), "items"), 0), "id");
  path = g_strdup_printf ("/api/v1/residents/%s", id);
  detail = fd_test_request (server, test_session, "GET", path, token, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  verify = g_strdup_printf ("/api/v1/residents/%s/verify", id);
  check = fd_test_request (server, test_session, "POST", verify, token,
                           "{\"field\": \"phone\", \"value\": \"13800000000\"}", &status, NULL);
  g_assert_cmpuint (status, ==, 200);

  fd_pages_test_view_open (&v, server, "manager");
  fd_pages_test_resize (GTK_WIDGET (v.window), 1366, 800);
  fd_main_view_show_page (v.view, "audit");
  page = fd_main_view_get_page (v.view, "audit");
  g_assert_true (fd_pages_test_wait_until (loaded_cb, page, TIMEOUT_MS));
  fd_pages_test_wait (500);

  text = fd_pages_test_all_text ();
  /* words, not codes */
  g_assert_nonnull (strstr (text, _("Verify")));
  g_assert_nonnull (strstr (text, _("Mobile")));
  g_assert_nonnull (strstr (text, _("No match")));
  g_assert_nonnull (strstr (text, _("Command line")));
  g_assert_null (strstr (text, "(command line)"));
  g_assert_null (strstr (text, "no match"));
  g_assert_null (strstr (text, "· phone"));
  /* the resident as the manager sees them, not the bare id */
  {
    g_autoptr(GRegex) bare = g_regex_new ("^\\d+( · .*)?$", G_REGEX_MULTILINE, 0, NULL);
    g_autoptr(GRegex) masked = g_regex_new ("\\*.* · \\d", 0, 0, NULL);

    g_assert_false (g_regex_match (bare, text, 0, NULL));
    g_assert_true (g_regex_match (masked, text, 0, NULL));
  }

  /* every row's columns start where the header's do */
  headers = fd_pages_test_find_all (page, GTK_TYPE_BOX);
  rows = g_ptr_array_new ();
  for (guint i = 0; i < headers->len; i++)
    {
      GtkWidget *box = headers->pdata[i];

      if (gtk_widget_has_css_class (box, "fd-audit-header"))
        header = box;
      else if (gtk_widget_has_css_class (box, "fd-audit-row") && gtk_widget_get_mapped (box))
        g_ptr_array_add (rows, box);
    }
  g_assert_nonnull (header);
  g_assert_cmpuint (rows->len, >, 5);
  for (guint r = 0; r < rows->len; r++)
    for (guint c = 1; c < 6; c++)
      {
        double want = column_x (page, header, c), got = column_x (page, rows->pdata[r], c);

        if (ABS (want - got) > 1.0)
          g_error ("row %u, column %u starts at %.0f, its header at %.0f", r, c, got, want);
        aligned++;
      }
  g_assert_cmpuint (aligned, >, 0);

  {
    g_autofree char *name = g_strdup_printf ("audit-1366-%s", lang);
    fd_pages_test_screenshot (GTK_WIDGET (v.window), name);
  }
  fd_pages_test_resize (GTK_WIDGET (v.window), 800, 600);
  {
    g_autofree char *name = g_strdup_printf ("audit-800-%s", lang);
    fd_pages_test_screenshot (GTK_WIDGET (v.window), name);
  }
  fd_pages_test_view_close (&v);
}

/* --- the shortcuts window lists every shortcut --- */

static void
test_shortcuts_complete (void)
{
  g_autoptr(GtkBuilder) builder =
    gtk_builder_new_from_resource ("/io/github/frontdesk/FrontDesk/fd-shortcuts-window.ui");
  GtkWidget *window = GTK_WIDGET (gtk_builder_get_object (builder, "shortcuts_window"));
  g_autoptr(GPtrArray) shortcuts = fd_pages_test_find_all (window, GTK_TYPE_SHORTCUTS_SHORTCUT);
  /* every accelerator of the app: application accels (fd-application.c)
   * and the window's shortcut controllers (the curtain, fd-main-view.c) */
  const char *expected[] = { "<Control>l", "<Control>q", "<Control>question",
                             "<Control><Shift>h", "<Control>c", "<Control>Insert",
                             "<Control>x", "Menu", "<Shift>F10", "Escape",
                             "<Control>n" };
  g_autoptr(GString) listed = g_string_new (NULL);

  for (guint i = 0; i < shortcuts->len; i++)
    {
      g_autofree char *accel = NULL;

      g_object_get (shortcuts->pdata[i], "accelerator", &accel, NULL);
      g_string_append_printf (listed, "%s\n", accel ? accel : "");
    }
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    if (strstr (listed->str, expected[i]) == NULL)
      g_error ("the shortcuts window lacks %s; it lists:\n%s", expected[i], listed->str);
  gtk_window_destroy (GTK_WINDOW (window));
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
  lang = fd_pages_test_init (&argc, &argv);
  adw_init ();

  server = fd_test_server_start (&options);
  test_session = fd_test_server_new_session (server);

  g_test_add_func ("/fd/pages/audit/readable", test_readable);
  g_test_add_func ("/fd/pages/audit/shortcuts-complete", test_shortcuts_complete);
  ret = g_test_run ();

  g_clear_object (&test_session);
  g_clear_pointer (&server, fd_test_server_stop);
  return ret;
}
