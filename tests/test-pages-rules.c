/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests the rules acknowledgment page and the incident radius page. */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "fd-acks-page.h"
#include "fd-api-client.h"
#include "fd-error.h"
#include "fd-main-view.h"
#include "fd-radius-page.h"
#include "fd-rules-page.h"
#include "fd-test-server.h"
#include "test-pages-util.h"

/* Issue 12, against a real server under Xvfb: a new account sees the
 * rules (in the UI language) and nothing else until it presses "I have
 * read and will follow these rules" (Escape does not get it past); the
 * manager sees who is overdue; the incident page shows the radius, each
 * resident's name as the manager sees it (to notify them), with the
 * notice draft, and no other clear value. With $FD_PAGES_TEST_SCREENSHOTS
 * set, it also takes rules-, acknowledgments- and incident-LANG.png. */

static FdTestServer *server;
static SoupSession *session;

static const char *
suffix (void)
{
  const char *language = g_getenv ("LANGUAGE");
  return language != NULL && g_str_has_prefix (language, "zh") ? "zh_CN" : "en";
}

static void
shoot (GtkWidget  *widget,
       const char *page)
{
  g_autofree char *name = g_strdup_printf ("%s-%s", page, suffix ());

  fd_pages_test_wait (400);
  fd_pages_test_screenshot (widget, name);
}

/* A new account, never signed in. */
static char *
create_account (const char *role)
{
  static guint counter;
  g_autofree char *admin = fd_test_login (server, session, "admin");
  char *username = g_strdup_printf ("ui-%s-%u", role, ++counter);
  g_autofree char *json = g_strdup_printf ("{\"username\": \"%s\", \"display_name\": \"新同事 %u\", "
                                           "\"role\": \"%s\", \"password\": \"%s\"}", username,
                                           counter, role, fd_test_server_get_password (server));
  g_autoptr(JsonNode) node = NULL;
  guint status;

  node = fd_test_request (server, session, "POST", "/api/v1/users", admin, json, &status, NULL);
  g_assert_cmpuint (status, ==, 201);
  return username;
}

static void
flag_cb (gpointer  instance,
         gboolean *flag)
{
  *flag = TRUE;
}

static void
test_rules_page (void)
{
  g_autofree char *username = create_account ("reception");
  g_autoptr(FdApiClient) api = fd_pages_test_api (server);
  g_autoptr(FdSessionInfo) info = fd_pages_test_sign_in (server, api, username);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) refused = NULL;
  g_autoptr(JsonNode) allowed = NULL;
  GtkWindow *window;
  FdRulesPage *page;
  GtkWidget *accept;
  gboolean required = FALSE, loaded = FALSE, acknowledged = FALSE;
  const char *text;

  /* the session says so, and any data call is refused and signalled */
  g_assert_true (info->rules_pending);
  g_signal_connect (api, "rules-required", G_CALLBACK (flag_cb), &required);
  refused = fd_pages_test_call (api, "GET", "/residents?q=1-1", NULL, &error);
  g_assert_error (error, FD_ERROR, FD_ERROR_RULES_NOT_ACKNOWLEDGED);
  g_assert_true (required);
  g_clear_error (&error);

  window = GTK_WINDOW (adw_window_new ());
  gtk_window_set_default_size (window, 900, 760);
  page = fd_rules_page_new (api);
  adw_window_set_content (ADW_WINDOW (window), GTK_WIDGET (page));
  g_signal_connect (page, "loaded", G_CALLBACK (flag_cb), &loaded);
  g_signal_connect (page, "acknowledged", G_CALLBACK (flag_cb), &acknowledged);
  fd_pages_test_show_window (window);
  fd_rules_page_load (page);
  g_assert_true (fd_pages_test_wait_for_flag (&loaded, 15000));

  /* the text in the UI language */
  text = fd_rules_page_get_text (page);
  g_assert_nonnull (text);
  g_assert_nonnull (strstr (text, g_str_equal (suffix (), "zh_CN") ? "住户个人信息保护守则"
                                                                    : "Rules for protecting"));
  accept = fd_rules_page_get_accept_button (page);
  g_assert_true (gtk_widget_get_sensitive (accept));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (accept)), ==,
                   g_str_equal (suffix (), "zh_CN") ? "我已阅读并将遵守本守则(_R)"
                                                    : "I Have _Read and Will Follow These Rules");
  shoot (GTK_WIDGET (window), "rules");

  /* Escape does not get past it */
  fd_pages_test_key (accept, "Escape");
  fd_pages_test_wait (500);
  g_assert_false (acknowledged);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (page)));
  g_clear_pointer (&refused, json_node_unref);
  refused = fd_pages_test_call (api, "GET", "/residents?q=1-1", NULL, &error);
  g_assert_error (error, FD_ERROR, FD_ERROR_RULES_NOT_ACKNOWLEDGED);
  g_clear_error (&error);

  /* a real click on the button */
  fd_pages_test_click (accept, 1);
  g_assert_true (fd_pages_test_wait_for_flag (&acknowledged, 15000));
  allowed = fd_pages_test_call (api, "GET", "/residents?q=1-1", NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (allowed);

  gtk_window_destroy (window);
}

static gboolean
acks_cond (gpointer data)
{
  return fd_acks_page_get_n_overdue (data) > 0;
}

static gboolean
radius_cond (gpointer data)
{
  return fd_radius_page_get_n_rows (data) > 0;
}

static void
test_manager_pages (void)
{
  g_autofree char *overdue = create_account ("finance");
  g_autofree char *misuser = create_account ("reception");
  g_autofree char *misuser_token = fd_test_login (server, session, misuser);
  g_autofree char *manager = fd_test_login (server, session, "manager");
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *notice = NULL;
  g_autofree char *all = NULL;
  FdPagesTestView v = { 0 };
  FdRadiusPage *radius;
  FdAcksPage *acks;

  /* the misuser views two residents: the radius names them as the
   * manager sees them (contract v1.2) */
  for (guint id = 3; id <= 4; id++)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/residents/%u", id);
      g_autoptr(JsonNode) node = NULL;
      g_autoptr(JsonNode) clear = NULL;
      guint status;

      node = fd_test_request (server, session, "GET", path, misuser_token, NULL, &status, NULL);
      g_assert_cmpuint (status, ==, 200);
      clear = fd_test_request (server, session, "GET", path, manager, NULL, &status, NULL);
      g_ptr_array_add (names, g_strdup (fd_test_get_string (fd_test_get_object_member (
                         fd_test_get_object (clear), "name"), "value")));
    }

  fd_pages_test_view_open (&v, server, "manager");
  g_assert_nonnull (fd_main_view_get_page (v.view, "incident"));
  fd_main_view_show_page (v.view, "acknowledgments");
  acks = FD_ACKS_PAGE (fd_main_view_get_page (v.view, "acknowledgments"));
  g_assert_true (fd_pages_test_wait_until (acks_cond, acks, 15000));
  all = fd_pages_test_all_text ();
  g_assert_nonnull (strstr (all, overdue));
  g_clear_pointer (&all, g_free);
  shoot (GTK_WIDGET (v.window), "acknowledgments");

  fd_main_view_show_page (v.view, "incident");
  radius = FD_RADIUS_PAGE (fd_main_view_get_page (v.view, "incident"));
  fd_radius_page_query (radius, misuser, today, today,
                        g_str_equal (suffix (), "zh_CN") ? "该员工出于好奇查询住户信息" : "Looked up residents out of curiosity");
  g_assert_true (fd_pages_test_wait_until (radius_cond, radius, 15000));
  g_assert_cmpuint (fd_radius_page_get_n_rows (radius), ==, 2);
  notice = fd_radius_page_get_notice (radius);
  g_assert_nonnull (strstr (notice, "个人信息保护法"));
  all = fd_pages_test_all_text ();
  fd_test_assert_no_clear_pii (all, FALSE);
  g_clear_pointer (&all, g_free);
  /* the names: on the radius page itself, not just anywhere in the window
   * (the manager's payments page, issue 14, lists residents by name too) */
  {
    GString *text = g_string_new (NULL);

    fd_pages_test_collect_text (GTK_WIDGET (radius), text);
    all = g_string_free (text, FALSE);
  }
  for (guint i = 0; i < names->len; i++)
    g_assert_nonnull (strstr (all, names->pdata[i]));
  shoot (GTK_WIDGET (v.window), "incident");
  fd_pages_test_view_close (&v);

  /* the auditor has the incident page, not the acknowledgments */
  fd_pages_test_view_open (&v, server, "auditor");
  g_assert_nonnull (fd_main_view_get_page (v.view, "incident"));
  g_assert_null (fd_main_view_get_page (v.view, "acknowledgments"));
  fd_pages_test_view_close (&v);
  fd_pages_test_view_open (&v, server, "reception");
  g_assert_null (fd_main_view_get_page (v.view, "incident"));
  fd_pages_test_view_close (&v);
}

int
main (int   argc,
      char *argv[])
{
  int rc;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* LANGUAGE=zh_CN with the build's catalogue for the zh_CN screenshots */
  if (g_getenv ("FRONTDESK_LOCALEDIR") != NULL)
    {
      setlocale (LC_ALL, "");
      bindtextdomain (GETTEXT_PACKAGE, g_getenv ("FRONTDESK_LOCALEDIR"));
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
      textdomain (GETTEXT_PACKAGE);
    }
  server = fd_test_server_start (NULL);
  session = fd_test_server_new_session (server);
  g_test_add_func ("/fd/pages/rules/acknowledge", test_rules_page);
  g_test_add_func ("/fd/pages/rules/manager", test_manager_pages);
  rc = g_test_run ();
  g_object_unref (session);
  fd_test_server_stop (server);
  return rc;
}
