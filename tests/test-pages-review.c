/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Access Review page (issue 12) against a real server, under Xvfb. */

#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "fd-api-client.h"
#include "fd-main-view.h"
#include "fd-review-page.h"
#include "fd-test-server.h"
#include "test-pages-util.h"

static FdTestServer *server;

static gboolean
idle_cond (gpointer data)
{
  return !fd_review_page_get_busy (data);
}

static gboolean
loaded_cond (gpointer data)
{
  return !fd_review_page_get_busy (data) && fd_review_page_get_review (data) != NULL;
}

static const FdReviewEntry *
entry_of (FdReviewPage *page,
          const char   *user)
{
  const FdReview *review = fd_review_page_get_review (page);

  for (guint i = 0; review != NULL && i < review->items->len; i++)
    {
      const FdReviewEntry *e = g_ptr_array_index (review->items, i);
      if (g_strcmp0 (e->user, user) == 0)
        return e;
    }
  return NULL;
}

typedef struct
{
  FdReviewPage *page;
  const char   *user;
} Decided;

static gboolean
decided_cond (gpointer data)
{
  Decided *d = data;
  const FdReviewEntry *e = entry_of (d->page, d->user);

  return !fd_review_page_get_busy (d->page) && e != NULL && e->decision != NULL;
}

static void
wait_decided (FdReviewPage *page,
              const char   *user)
{
  Decided d = { page, user };

  g_assert_true (fd_pages_test_wait_until (decided_cond, &d, 15000));
}

/* A button whose accessible name is @name. */
static GtkWidget *
find_by_accessible_name (GtkWidget  *root,
                         const char *name)
{
  g_autoptr(GPtrArray) buttons = fd_pages_test_find_all (root, GTK_TYPE_WIDGET);

  for (guint i = 0; i < buttons->len; i++)
    {
      GtkWidget *w = g_ptr_array_index (buttons, i);
      const char *tooltip = gtk_widget_get_tooltip_text (w);

      /* every decision control carries its accessible name as tooltip too */
      if ((GTK_IS_BUTTON (w) || GTK_IS_MENU_BUTTON (w)) && g_strcmp0 (tooltip, name) == 0)
        return w;
    }
  return NULL;
}

static FdReviewPage *
show_review_page (FdPagesTestView *v)
{
  FdReviewPage *page;

  fd_main_view_show_page (v->view, "review");
  page = FD_REVIEW_PAGE (fd_main_view_get_page (v->view, "review"));
  g_assert_nonnull (page);
  fd_pages_test_wait (200);
  g_assert_true (fd_pages_test_wait_until (idle_cond, page, 15000));
  return page;
}

static void
test_manager (void)
{
  FdPagesTestView v = { 0 };
  g_autoptr(SoupSession) session = fd_test_server_new_session (server);
  g_autofree char *leaver = fd_test_create_user (server, session, "reception", NULL);
  FdReviewPage *page;
  const FdReviewEntry *entry;
  GtkWidget *confirm, *revoke, *role;
  g_autoptr(GPtrArray) dialogs = NULL;
  g_autofree char *text = NULL;

  fd_pages_test_view_open (&v, server, "manager");
  page = show_review_page (&v);
  g_assert_null (fd_review_page_get_review (page));
  g_assert_nonnull (fd_pages_test_find_button (GTK_WIDGET (page), "Open Review"));

  /* Open Review */
  gtk_widget_activate_action (GTK_WIDGET (page), "review.open", NULL);
  g_assert_true (fd_pages_test_wait_until (loaded_cond, page, 15000));
  entry = entry_of (page, "reception");
  g_assert_nonnull (entry);
  g_assert_null (entry->decision);
  g_assert_cmpuint (entry->weekly->len, >=, 13);

  /* every control of a row has its accessible name */
  confirm = find_by_accessible_name (GTK_WIDGET (page), "Confirm reception");
  revoke = find_by_accessible_name (GTK_WIDGET (page), "Revoke reception");
  role = find_by_accessible_name (GTK_WIDGET (page), "Change the role of reception");
  g_assert_nonnull (confirm);
  g_assert_nonnull (revoke);
  g_assert_nonnull (role);
  text = fd_pages_test_all_text ();
  g_assert_nonnull (strstr (text, "views"));
  g_assert_nonnull (strstr (text, "accounts decided"));

  /* Confirm: one click, one step */
  gtk_widget_activate (confirm);
  wait_decided (page, "reception");
  entry = entry_of (page, "reception");
  g_assert_cmpstr (entry->decision, ==, "confirmed");
  g_assert_cmpstr (entry->decided_by, ==, "manager");
  g_assert_null (find_by_accessible_name (GTK_WIDGET (page), "Confirm reception"));

  /* Revoke asks first; cancelling changes nothing */
  {
    g_autofree char *name = g_strdup_printf ("Revoke %s", leaver);

    revoke = find_by_accessible_name (GTK_WIDGET (page), name);
    g_assert_nonnull (revoke);
    gtk_widget_activate (revoke);
    fd_pages_test_wait (500);
    dialogs = g_ptr_array_new ();
    for (GList *l = gtk_window_list_toplevels (); l != NULL; l = g_list_delete_link (l, l))
      if (ADW_IS_MESSAGE_DIALOG (l->data))
        g_ptr_array_add (dialogs, l->data);
    g_assert_cmpuint (dialogs->len, ==, 1);
    adw_message_dialog_response (g_ptr_array_index (dialogs, 0), "cancel");
    gtk_window_destroy (g_ptr_array_index (dialogs, 0));
    fd_pages_test_wait (200);
    g_assert_null (entry_of (page, leaver)->decision);

    gtk_widget_activate (revoke);
    fd_pages_test_wait (500);
    g_ptr_array_set_size (dialogs, 0);
    for (GList *l = gtk_window_list_toplevels (); l != NULL; l = g_list_delete_link (l, l))
      if (ADW_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data))
        g_ptr_array_add (dialogs, l->data);
    g_assert_cmpuint (dialogs->len, ==, 1);
    adw_message_dialog_response (g_ptr_array_index (dialogs, 0), "revoke");
    gtk_window_destroy (g_ptr_array_index (dialogs, 0));
    wait_decided (page, leaver);
    g_assert_cmpstr (entry_of (page, leaver)->decision, ==, "revoked");
  }

  /* Change role through the menu's action */
  gtk_widget_activate_action (GTK_WIDGET (page), "review.change-role", "(ss)",
                              entry_of (page, "patrol")->user_id, "reception");
  wait_decided (page, "patrol");
  g_assert_cmpstr (entry_of (page, "patrol")->decision, ==, "role-changed");
  g_assert_cmpstr (entry_of (page, "patrol")->role, ==, "reception");

  /* Sign off is offered only once everything is decided */
  g_assert_false (gtk_widget_is_sensitive (fd_pages_test_find_button (GTK_WIDGET (page),
                                                                      "Sign Off")));
  fd_pages_test_screenshot (GTK_WIDGET (v.window), "review-manager");
  fd_pages_test_view_close (&v);
}

static void
test_auditor (void)
{
  FdPagesTestView v = { 0 };
  FdReviewPage *page;

  fd_pages_test_view_open (&v, server, "auditor");
  page = show_review_page (&v);
  g_assert_nonnull (fd_review_page_get_review (page));
  /* reads and exports, decides nothing */
  g_assert_null (find_by_accessible_name (GTK_WIDGET (page), "Confirm finance"));
  g_assert_false (gtk_widget_get_visible (fd_pages_test_find_button (GTK_WIDGET (page),
                                                                     "Open Review")));
  g_assert_true (gtk_widget_is_sensitive (fd_pages_test_find_button (GTK_WIDGET (page), "Export")));
  fd_pages_test_view_close (&v);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  server = fd_test_server_start (NULL);
  g_test_add_func ("/fd/pages/review/manager", test_manager);
  g_test_add_func ("/fd/pages/review/auditor", test_auditor);
  status = g_test_run ();
  fd_test_server_stop (server);
  return status;
}
