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
 * curtain}-SUFFIX.png, and {search,visitors}-{1366x800,800x600}-SUFFIX.png
 * (issue 14). It starts a demo server (synthetic residents only),
 * builds the real FdMainView per role and takes each window with
 * ImageMagick's `import -window`.
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>

#include "fd-alerts-page.h"
#include "fd-review-page.h"
#include "fd-audit-page.h"
#include "fd-main-view.h"
#include "fd-view-util.h"
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

/* issue 14: the search and the visitor form at a desk's two sizes. */
static gboolean
chips_cond (gpointer data)
{
  return fd_purpose_chips_get_loaded (data);
}

static gboolean
rooms_cond (gpointer data)
{
  return fd_room_suggestions_get_n_shown (data) > 0;
}

static void
desk (void)
{
  static const int sizes[][2] = { { 1366, 800 }, { 800, 600 } };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      FdPagesTestView v = { 0 };
      g_autofree char *search = g_strdup_printf ("search-%dx%d", sizes[i][0], sizes[i][1]);
      g_autofree char *visitors = g_strdup_printf ("visitors-%dx%d", sizes[i][0], sizes[i][1]);
      FdVisitorForm *form;
      GtkWidget *room;

      fd_pages_test_view_open (&v, server, "reception");
      gtk_window_set_default_size (v.window, sizes[i][0], sizes[i][1]);
      fd_pages_test_wait (500);
      fd_pages_test_open_detail (fd_pages_test_search (&v, "residents", "1-1-4"), 0);
      shoot (GTK_WIDGET (v.window), search);

      fd_main_view_show_page (v.view, "visitors");
      form = fd_visitor_page_get_form (FD_VISITOR_PAGE (fd_main_view_get_page (v.view, "visitors")));
      fd_pages_test_wait_until (chips_cond, fd_visitor_form_get_purpose_chips (form), 15000);
      gtk_editable_set_text (GTK_EDITABLE (fd_visitor_form_get_entry (form, "name")), "王小明");
      gtk_editable_set_text (GTK_EDITABLE (fd_visitor_form_get_entry (form, "phone")),
                             "13912345678");
      gtk_editable_set_text (GTK_EDITABLE (fd_visitor_form_get_entry (form, "purpose")), "快递");
      room = fd_visitor_form_get_entry (form, "room");
      gtk_widget_grab_focus (room);
      gtk_editable_set_text (GTK_EDITABLE (room), "1-1");
      fd_pages_test_wait_until (rooms_cond, fd_visitor_form_get_room_suggestions (form), 15000);
      shoot (GTK_WIDGET (v.window), visitors);
      fd_visitor_form_clear (form);
      fd_pages_test_view_close (&v);
    }
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

  fd_main_view_show_page (v.view, "alerts");
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
  fd_pages_test_view_close (&v);
}

int
main (int   argc,
      char *argv[])
{
  FdTestServerOptions options = { .residents = 300 };
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
  desk ();   /* issue 14 */
  patrol ();
  manager ();
  fd_test_server_stop (server);
  return 0;
}
