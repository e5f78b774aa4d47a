/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Screenshots of every main data page, for the docs. */

/* pages-screenshots.c — pictures of every main data page for docs/.
 *
 * Not a test: build-aux/screenshots-pages runs it under Xvfb, once with
 * LANGUAGE unset and once with LANGUAGE=zh_CN:
 *
 *   pages-screenshots OUTDIR SUFFIX
 *
 * writes OUTDIR/{residents,reveal,verify,lookup,visitors,audit,alerts,review,
 * checks,curtain}-SUFFIX.png, and (issue 14) accounts-{1366x800,800x600,
 * confirm,password}-SUFFIX.png and payments-{1366x800,800x600}-SUFFIX.png.
 * It starts a demo server (synthetic residents only), builds the real
 * FdMainView per role and takes each window with
 * ImageMagick's `import -window`.
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>

#include "fd-account-dialog.h"
#include "fd-accounts-page.h"
#include "fd-alerts-page.h"
#include "fd-review-page.h"
#include "fd-audit-page.h"
#include "fd-checks-page.h"
#include "fd-main-view.h"
#include "fd-view-util.h"
#include "fd-payments-page.h"
#include "fd-resident-page.h"
#include "fd-reveal-dialog.h"
#include "fd-sensitive-field.h"
#include "fd-test-server.h"
#include "fd-verify-dialog.h"
#include "fd-visitor-form.h"
#include "fd-visitor-page.h"
#include "test-pages-util.h"

static FdTestServer *server;
static const char *suffix;

static void
shoot (GtkWidget  *widget,
       const char *page)
{
  g_autofree char *name = g_strdup_printf ("%s-%s", page, suffix);

  fd_pages_test_wait (600);
  fd_pages_test_screenshot (widget, name);
  g_print ("wrote %s.png\n", name);
}

static gboolean
revealed_cond (gpointer data)
{
  return fd_sensitive_field_get_revealed (data);
}

static gboolean
verify_idle_cond (gpointer data)
{
  return !fd_verify_dialog_get_busy (data);
}

static gboolean
visitors_cond (gpointer data)
{
  return fd_visitor_page_get_n_visitors (data) > 0;
}

static gboolean
audit_cond (gpointer data)
{
  return g_list_model_get_n_items (fd_audit_page_get_entries (data)) > 0;
}

static gboolean
review_cond (gpointer data)
{
  return !fd_review_page_get_busy (data) && fd_review_page_get_review (data) != NULL;
}

static FdResidentDetail *
open_with_plates (FdPagesTestView *v,
                  const char      *page_name)
{
  FdResidentPage *page = fd_pages_test_search (v, page_name, "1-1");
  FdResidentListModel *model = fd_resident_page_get_model (page);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (model)); i++)
    {
      g_autoptr(FdResidentItem) item = g_list_model_get_item (G_LIST_MODEL (model), i);

      if (fd_resident_item_get_plates (item) != NULL)
        return fd_pages_test_open_detail (page, i);
    }
  return fd_pages_test_open_detail (page, 0);
}

static void
reception (void)
{
  FdPagesTestView v = { 0 };
  FdResidentDetail *detail;
  FdSensitiveField *phone;
  FdRevealDialog *reveal;
  FdVerifyDialog *verify;
  FdVisitorPage *visitors;
  FdVisitorForm *form;

  fd_pages_test_view_open (&v, server, "reception");
  detail = open_with_plates (&v, "residents");
  phone = FD_SENSITIVE_FIELD (fd_resident_detail_get_value (detail, "phone"));

  /* The reveal dialog, then the page with the value shown. */
  reveal = fd_resident_detail_reveal (detail, "id_number");
  fd_reveal_dialog_set_reason (reveal, 0, NULL);
  shoot (GTK_WIDGET (reveal), "reveal");
  gtk_window_destroy (GTK_WINDOW (reveal));
  fd_view_focus_window (v.window);

  reveal = fd_resident_detail_reveal (detail, "phone");
  fd_reveal_dialog_set_reason (reveal, 0, NULL);
  fd_reveal_dialog_submit (reveal);
  fd_pages_test_wait_until (revealed_cond, phone, 15000);
  fd_pages_test_wait (300);
  /* Shot at once: the countdown is running. */
  {
    g_autofree char *name = g_strdup_printf ("residents-%s", suffix);

    fd_pages_test_screenshot (GTK_WIDGET (v.window), name);
    g_print ("wrote %s.png\n", name);
  }
  fd_sensitive_field_remask (phone);

  /* Verify, answered. */
  verify = fd_resident_detail_verify (detail);
  fd_verify_dialog_set_field (verify, "phone");
  fd_verify_dialog_set_value (verify, "13900000000");
  fd_verify_dialog_submit (verify);
  fd_pages_test_wait_until (verify_idle_cond, verify, 15000);
  shoot (GTK_WIDGET (verify), "verify");
  gtk_window_destroy (GTK_WINDOW (verify));
  fd_view_focus_window (v.window);

  /* Visitors, with a mistake under its field. */
  fd_main_view_show_page (v.view, "visitors");
  visitors = FD_VISITOR_PAGE (fd_main_view_get_page (v.view, "visitors"));
  fd_pages_test_wait_until (visitors_cond, visitors, 15000);
  form = fd_visitor_page_get_form (visitors);
  gtk_editable_set_text (GTK_EDITABLE (fd_visitor_form_get_entry (form, "name")), "王小明");
  gtk_editable_set_text (GTK_EDITABLE (fd_visitor_form_get_entry (form, "phone")), "13912345678");
  gtk_editable_set_text (GTK_EDITABLE (fd_visitor_form_get_entry (form, "id_number")),
                         "110105199003071230");
  gtk_editable_set_text (GTK_EDITABLE (fd_visitor_form_get_entry (form, "purpose")),
                         g_str_equal (suffix, "zh_CN") ? "快递" : "Parcel delivery");
  fd_visitor_form_validate (form);
  shoot (GTK_WIDGET (v.window), "visitors");
  fd_visitor_form_clear (form);

  /* The curtain over the residents. */
  fd_main_view_show_page (v.view, "residents");
  fd_main_view_set_curtain (v.view, TRUE);
  shoot (GTK_WIDGET (v.window), "curtain");
  fd_main_view_set_curtain (v.view, FALSE);

  fd_pages_test_view_close (&v);
}

static void
patrol (void)
{
  FdPagesTestView v = { 0 };

  fd_pages_test_view_open (&v, server, "patrol");
  open_with_plates (&v, "lookup");
  shoot (GTK_WIDGET (v.window), "lookup");
  fd_pages_test_view_close (&v);
}

static gboolean
checks_cond (gpointer data)
{
  return fd_checks_page_get_n_items (data) > 0;
}

static gboolean
deliveries_cond (gpointer data)
{
  return fd_alerts_page_get_n_deliveries (data) > 0;
}

static void
manager (void)
{
  FdPagesTestView v = { 0 };
  FdAuditPage *audit;

  fd_pages_test_view_open (&v, server, "manager");
  fd_main_view_show_page (v.view, "audit");
  audit = FD_AUDIT_PAGE (fd_main_view_get_page (v.view, "audit"));
  fd_pages_test_wait_until (audit_cond, audit, 15000);
  shoot (GTK_WIDGET (v.window), "audit");

  /* issue 12: a test alert sent out of the app, and the self-check */
  fd_main_view_show_page (v.view, "alerts");
  {
    FdAlertsPage *alerts = FD_ALERTS_PAGE (fd_main_view_get_page (v.view, "alerts"));

    gtk_widget_activate_action (GTK_WIDGET (alerts), "alerts.send-test", NULL);
    for (guint i = 0; i < 10 && !deliveries_cond (alerts); i++)
      {
        fd_pages_test_wait (1500);
        fd_alerts_page_refresh (alerts);
        fd_pages_test_wait_until (deliveries_cond, alerts, 2000);
      }
  }
  shoot (GTK_WIDGET (v.window), "alerts");

  /* issue 12: a review with one account confirmed */
  {
    FdReviewPage *review = FD_REVIEW_PAGE (fd_main_view_get_page (v.view, "review"));
    const FdReview *r;

    fd_main_view_show_page (v.view, "review");
    fd_pages_test_wait (500);
    gtk_widget_activate_action (GTK_WIDGET (review), "review.open", NULL);
    fd_pages_test_wait_until (review_cond, review, 15000);
    r = fd_review_page_get_review (review);
    if (r != NULL && r->items->len > 0)
      gtk_widget_activate_action (GTK_WIDGET (review), "review.confirm", "s",
                                  ((FdReviewEntry *) g_ptr_array_index (r->items, 0))->user_id);
    fd_pages_test_wait (800);
    fd_pages_test_wait_until (review_cond, review, 15000);
    shoot (GTK_WIDGET (v.window), "review");
  }
  fd_main_view_show_page (v.view, "checks");
  fd_pages_test_wait_until (checks_cond, fd_main_view_get_page (v.view, "checks"), 30000);
  shoot (GTK_WIDGET (v.window), "checks");
  fd_pages_test_view_close (&v);
}

/* issue 14: the accounts and payments pages at a desk's 1366×800 and a
 * small 800×600, as PAGE-SIZE-SUFFIX.png */
static gboolean
flag_cond (gpointer data)
{
  return *(gboolean *) data;
}

static void
flag_cb (gpointer  instance,
         gboolean *flag)
{
  *flag = TRUE;
}

static void
shoot_sizes (FdPagesTestView *v,
             const char      *page)
{
  static const int sizes[][2] = { { 1366, 800 }, { 800, 600 } };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree char *name = g_strdup_printf ("%s-%dx%d", page, sizes[i][0], sizes[i][1]);

      gtk_window_set_default_size (v->window, sizes[i][0], sizes[i][1]);
      gtk_widget_queue_resize (GTK_WIDGET (v->window));
      shoot (GTK_WIDGET (v->window), name);
    }
}

static void
admin (void)
{
  FdPagesTestView v = { 0 };
  FdAccountsPage *page;
  gboolean loaded = FALSE;
  g_autoptr(FdApiClient) api = NULL;
  g_autoptr(FdSessionInfo) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) ignored = NULL;

  /* a locked and a disabled account, so that every state shows */
  api = fd_pages_test_api (server);
  session = fd_pages_test_sign_in (server, api, "admin");
  ignored = fd_pages_test_call (api, "POST", "/users",
                                "{\"username\": \"li.na\", \"display_name\": \"李娜\", \"role\": \"reception\"}",
                                &error);
  g_clear_pointer (&ignored, json_node_unref);
  g_clear_error (&error);
  ignored = fd_pages_test_call (api, "POST", "/users",
                                "{\"username\": \"zhao.lei\", \"display_name\": \"赵磊\", \"role\": \"patrol\"}",
                                &error);
  if (ignored != NULL)
    {
      JsonObject *user = json_object_get_object_member (json_node_get_object (ignored), "user");
      g_autofree char *path = g_strdup_printf ("/users/%s", json_object_get_string_member (user, "id"));
      g_autoptr(JsonNode) patched = fd_pages_test_call (api, "PATCH", path, "{\"disabled\": true}", NULL);
    }
  g_clear_pointer (&ignored, json_node_unref);
  g_clear_error (&error);
  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(FdApiClient) other = fd_pages_test_api (server);

      ignored = fd_pages_test_call (other, "POST", "/session",
                                    "{\"username\": \"li.na\", \"password\": \"wrong-password\"}", &error);
      g_clear_pointer (&ignored, json_node_unref);
      g_clear_error (&error);
    }

  fd_pages_test_view_open (&v, server, "admin");
  page = FD_ACCOUNTS_PAGE (fd_main_view_get_page (v.view, "accounts"));
  g_signal_connect (page, "loaded", G_CALLBACK (flag_cb), &loaded);
  fd_main_view_show_page (v.view, "accounts");
  fd_pages_test_wait_until (flag_cond, &loaded, 15000);
  shoot_sizes (&v, "accounts");

  /* the confirmation of a disable */
  gtk_window_set_default_size (v.window, 1366, 800);
  gtk_widget_activate_action (GTK_WIDGET (page), "accounts.disable", "s",
                              fd_accounts_page_get_account (page, "reception")->id);
  shoot (GTK_WIDGET (fd_accounts_page_get_confirmation (page)), "accounts-confirm");
  gtk_window_destroy (GTK_WINDOW (fd_accounts_page_get_confirmation (page)));

  /* a one-time password as the dialog shows it (a made-up one) */
  {
    FdAccountDialog *dialog = fd_account_dialog_new_password (v.window, "li.na", "k7pm-x2qd-9vhe-4tnw");

    gtk_window_present (GTK_WINDOW (dialog));
    shoot (GTK_WIDGET (dialog), "accounts-password");
    gtk_window_destroy (GTK_WINDOW (dialog));
  }
  fd_pages_test_view_close (&v);
}

static void
finance (void)
{
  FdPagesTestView v = { 0 };
  FdPaymentsPage *page;
  gboolean loaded = FALSE;

  fd_pages_test_view_open (&v, server, "finance");
  page = FD_PAYMENTS_PAGE (fd_main_view_get_page (v.view, "payments"));
  g_signal_connect (page, "loaded", G_CALLBACK (flag_cb), &loaded);
  fd_main_view_show_page (v.view, "payments");
  fd_pages_test_wait_until (flag_cond, &loaded, 15000);
  shoot_sizes (&v, "payments");
  fd_pages_test_view_close (&v);
}

int
main (int   argc,
      char *argv[])
{
  const char *args[] = { "--alert-syslog", "127.0.0.1:9", NULL };
  FdTestServerOptions options = { .residents = 300, .extra_args = args };
  const char *localedir = g_getenv ("FRONTDESK_LOCALEDIR");

  if (argc != 3)
    {
      g_printerr ("usage: %s OUTDIR SUFFIX\n", argv[0]);
      return 2;
    }

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_setenv ("FD_PAGES_TEST_SCREENSHOTS", argv[1], TRUE);
  suffix = argv[2];

  gtk_init ();
  adw_init ();

  server = fd_test_server_start (&options);
  reception ();
  patrol ();
  manager ();
  admin ();
  finance ();
  fd_test_server_stop (server);
  return 0;
}
