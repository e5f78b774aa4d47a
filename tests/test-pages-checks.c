/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests the Security Check page and the alert deliveries on the Alerts page (issue 12). */

#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "fd-alerts-page.h"
#include "fd-api-client.h"
#include "fd-checks-page.h"
#include "fd-main-view.h"
#include "fd-test-server.h"
#include "test-pages-util.h"

/* The real FdMainView against a real server: a manager and an admin see
 * the findings (the demo's passwords are a critical one), each row with a
 * level icon, what and the fix; Run Check Again (a real click) shows its
 * progress and loads the findings again. A manager sends a test alert
 * and sees its delivery. */

static FdTestServer *server;

static guint loads;

static void
loaded_cb (gpointer page,
           gpointer user_data)
{
  loads++;
}

static gboolean
loads_reached (gpointer data)
{
  return loads >= GPOINTER_TO_UINT (data);
}

static gboolean
has_items (gpointer data)
{
  return fd_checks_page_get_n_items (data) > 0;
}

static void
check_page (const char *role)
{
  FdPagesTestView v = { 0 };
  FdChecksPage *page;
  GtkWidget *button;
  g_autoptr(GString) text = g_string_new (NULL);

  fd_pages_test_view_open (&v, server, role);
  page = FD_CHECKS_PAGE (fd_main_view_get_page (v.view, "checks"));
  g_assert_nonnull (page);
  loads = 0;
  g_signal_connect (page, "loaded", G_CALLBACK (loaded_cb), NULL);
  /* (the admin's only page: shown, and loading, at once) */
  fd_main_view_show_page (v.view, "checks");
  g_assert_true (fd_pages_test_wait_until (has_items, page, 30000));

  g_assert_cmpuint (fd_checks_page_get_n_items (page), >=, 12);
  /* the demo's accounts still have the demo password */
  g_assert_cmpuint (fd_checks_page_count_level (page, "critical"), >=, 1);
  g_assert_cmpuint (fd_checks_page_count_level (page, "ok"), >=, 8);
  fd_pages_test_collect_text (GTK_WIDGET (page), text);
  g_assert_nonnull (strstr (text->str, "Demo passwords"));
  g_assert_nonnull (strstr (text->str, "still use the demo password"));
  g_assert_nonnull (strstr (text->str, "Fix: give each a new password"));
  g_assert_nonnull (strstr (text->str, "critical finding"));
  g_assert_nonnull (strstr (text->str, "Audit log chain"));
  fd_pages_test_screenshot (GTK_WIDGET (v.window), role);

  /* Run Check Again: busy (the button off, a spinner and a "Checking…"
   * line) while the server checks, then loaded again. */
  button = fd_pages_test_find_button (GTK_WIDGET (page), "_Run Check Again");
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_sensitive (button));
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), ==, "checks.refresh");
  loads = 0;
  g_assert_true (gtk_widget_activate_action (button, "checks.refresh", NULL));
  g_assert_false (gtk_widget_get_sensitive (button));
  {
    g_autoptr(GString) busy = g_string_new (NULL);
    fd_pages_test_collect_text (GTK_WIDGET (page), busy);
    g_assert_nonnull (strstr (busy->str, "Checking…"));
  }
  g_assert_true (fd_pages_test_wait_until (loads_reached, GUINT_TO_POINTER (1), 30000));
  g_assert_true (gtk_widget_get_sensitive (button));
  g_assert_cmpuint (fd_checks_page_get_n_items (page), >=, 12);

  fd_pages_test_view_close (&v);
}

static void
test_manager (void)
{
  check_page ("manager");
}

static void
test_admin (void)
{
  check_page ("admin");
}

static void
test_not_for_others (void)
{
  const char *roles[] = { "reception", "patrol", "finance", "auditor" };

  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    {
      FdPagesTestView v = { 0 };

      fd_pages_test_view_open (&v, server, roles[i]);
      g_assert_null (fd_main_view_get_page (v.view, "checks"));
      fd_pages_test_view_close (&v);
    }
}

static gboolean
delivered_cond (gpointer data)
{
  return fd_alerts_page_get_n_deliveries (data) > 0;
}

static void
test_alerts_test_button (void)
{
  FdPagesTestView v = { 0 };
  FdAlertsPage *page;
  GtkWidget *button;

  fd_pages_test_view_open (&v, server, "manager");
  fd_main_view_show_page (v.view, "alerts");
  page = FD_ALERTS_PAGE (fd_main_view_get_page (v.view, "alerts"));
  button = fd_pages_test_find_button (GTK_WIDGET (page), "Send _Test Alert");
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_activate_action (button, "alerts.send-test", NULL));
  /* queued, sent, and listed after a refresh */
  for (guint i = 0; i < 20 && !delivered_cond (page); i++)
    {
      fd_pages_test_wait (1000);
      fd_alerts_page_refresh (page);
      fd_pages_test_wait_until (delivered_cond, page, 1000);
    }
  g_assert_true (delivered_cond (page));
  {
    g_autofree char *all = fd_pages_test_all_text ();
    g_assert_nonnull (strstr (all, "Test alert"));
    g_assert_nonnull (strstr (all, "Journal / syslog"));
  }
  fd_pages_test_view_close (&v);
}

int
main (int   argc,
      char *argv[])
{
  const char *args[] = { "--alert-syslog", "127.0.0.1:9", NULL };
  FdTestServerOptions options = { .residents = 50, .extra_args = args };
  int status;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  server = fd_test_server_start (&options);
  g_test_add_func ("/fd/pages/checks/manager", test_manager);
  g_test_add_func ("/fd/pages/checks/admin", test_admin);
  g_test_add_func ("/fd/pages/checks/not-for-others", test_not_for_others);
  g_test_add_func ("/fd/pages/checks/alerts-test-button", test_alerts_test_button);
  status = g_test_run ();
  fd_test_server_stop (server);
  return status;
}
