/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests the administrator's accounts page and finance's payments page. */

#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "fd-account-dialog.h"
#include "fd-accounts-page.h"
#include "fd-api-client.h"
#include "fd-error.h"
#include "fd-main-view.h"
#include "fd-payments-page.h"
#include "fd-test-server.h"
#include "test-pages-util.h"

/* Accounts: create an account through the dialog, sign it in from a second
 * client with the one-time password the dialog showed, disable it through
 * the confirmation, and see that second session end at once; an admin's
 * own disable is refused plainly. Payments: the overdue filter, all, and
 * a room search, masked as finance sees them. */

static FdTestServer *server;

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}

static void
set_flag_cb (gpointer  instance,
             gboolean *flag)
{
  *flag = TRUE;
}

static FdAccountsPage *
open_accounts (FdPagesTestView *v)
{
  FdAccountsPage *page;
  gboolean loaded = FALSE;
  gulong id;

  fd_pages_test_view_open (v, server, "admin");
  page = FD_ACCOUNTS_PAGE (fd_main_view_get_page (v->view, "accounts"));
  g_assert_nonnull (page);
  id = g_signal_connect (page, "loaded", G_CALLBACK (set_flag_cb), &loaded);
  fd_main_view_show_page (v->view, "accounts");
  fd_accounts_page_refresh (page);
  g_assert_true (fd_pages_test_wait_until (flag_set, &loaded, 20000));
  g_signal_handler_disconnect (page, id);
  return page;
}

static gboolean
password_shown (gpointer data)
{
  FdAccountsPage *page = data;
  GtkWindow *dialog = fd_accounts_page_get_dialog (page);

  return dialog != NULL && fd_account_dialog_get_password (FD_ACCOUNT_DIALOG (dialog)) != NULL;
}

/* Answers the confirmation open now with @response; waits for ::changed
 * (or, when @expect_change is FALSE, for the page's message). */
static void
answer (FdAccountsPage *page,
        const char     *response,
        gboolean        expect_change)
{
  AdwMessageDialog *dialog = fd_accounts_page_get_confirmation (page);
  gboolean changed = FALSE;
  gulong id;

  g_assert_nonnull (dialog);
  id = g_signal_connect (page, "changed", G_CALLBACK (set_flag_cb), &changed);
  adw_message_dialog_response (dialog, response);
  if (expect_change)
    g_assert_true (fd_pages_test_wait_until (flag_set, &changed, 20000));
  else
    {
      fd_pages_test_wait (1500);
      g_assert_false (changed);
    }
  g_signal_handler_disconnect (page, id);
}

static gboolean
account_disabled (gpointer data)
{
  const FdUser *user = fd_accounts_page_get_account (data, "li.na");

  return user != NULL && user->disabled;
}

static gboolean
message_shown (gpointer data)
{
  return fd_accounts_page_get_message (data) != NULL;
}

static void
test_create_disable (void)
{
  FdPagesTestView v = { 0 };
  FdAccountsPage *page = open_accounts (&v);
  g_autoptr(FdApiClient) second = fd_pages_test_api (server);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) signed_in = NULL;
  g_autoptr(JsonNode) live = NULL;
  g_autoptr(JsonNode) dead = NULL;
  g_autofree char *body = NULL;
  g_autofree char *one_time = NULL;
  const FdUser *user;
  AdwMessageDialog *confirmation;
  FdAccountDialog *dialog;

  /* Create: the dialog shows the one-time password once. */
  gtk_widget_activate_action (GTK_WIDGET (page), "accounts.create", NULL);
  dialog = FD_ACCOUNT_DIALOG (fd_accounts_page_get_dialog (page));
  g_assert_nonnull (dialog);
  fd_account_dialog_submit (dialog, "li.na", "李娜 Li Na", FD_ROLE_RECEPTION, NULL);
  g_assert_true (fd_pages_test_wait_until (password_shown, page, 20000));
  one_time = g_strdup (fd_account_dialog_get_password (dialog));
  g_assert_true (g_regex_match_simple ("^[a-z2-9]{4}(-[a-z2-9]{4}){3}$", one_time, 0, 0));
  fd_pages_test_screenshot (GTK_WIDGET (dialog), "accounts-password");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_null (fd_accounts_page_get_dialog (page));

  /* The same username again: the form stays, with a clear message. */
  gtk_widget_activate_action (GTK_WIDGET (page), "accounts.create", NULL);
  dialog = FD_ACCOUNT_DIALOG (fd_accounts_page_get_dialog (page));
  fd_account_dialog_submit (dialog, "li.na", "Another", FD_ROLE_PATROL, NULL);
  fd_pages_test_wait (1500);
  g_assert_nonnull (fd_account_dialog_get_message (dialog));
  g_assert_nonnull (strstr (fd_account_dialog_get_message (dialog), "taken"));
  g_assert_null (fd_account_dialog_get_password (dialog));
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* The list shows it, never signed in. */
  fd_accounts_page_refresh (page);
  fd_pages_test_wait (1500);
  user = fd_accounts_page_get_account (page, "li.na");
  g_assert_nonnull (user);
  g_assert_cmpint (user->role, ==, FD_ROLE_RECEPTION);
  g_assert_null (user->last_sign_in_at);
  /* one estate office: the reception account holds it (contract v1.2) */
  g_assert_nonnull (user->estates);
  g_assert_cmpstr (user->estates[0], ==, "main");
  g_assert_null (user->estates[1]);

  /* An estate that does not exist: refused, said plainly, nothing changed. */
  gtk_widget_activate_action (GTK_WIDGET (page), "accounts.change-estates", "s", user->id);
  confirmation = fd_accounts_page_get_confirmation (page);
  g_assert_nonnull (confirmation);
  gtk_editable_set_text (GTK_EDITABLE (adw_message_dialog_get_extra_child (confirmation)),
                         "no-such");
  answer (page, "apply", FALSE);
  g_assert_true (fd_pages_test_wait_until (message_shown, page, 20000));
  g_assert_nonnull (strstr (fd_accounts_page_get_message (page), "estate"));
  user = fd_accounts_page_get_account (page, "li.na");
  g_assert_cmpstr (user->estates[0], ==, "main");
  fd_accounts_page_set_filter (page, "li.n");
  g_assert_cmpuint (fd_accounts_page_get_n_shown (page), ==, 1);
  fd_accounts_page_set_filter (page, "");

  /* A second session, from another client, with the one-time password. */
  body = g_strdup_printf ("{\"username\": \"li.na\", \"password\": \"%s\", \"workstation\": \"desk-2\"}",
                          one_time);
  signed_in = fd_pages_test_call (second, "POST", "/session", body, &error);
  g_assert_no_error (error);
  fd_api_client_set_token (second, fd_json_get_string (json_node_get_object (signed_in), "token"));
  live = fd_pages_test_call (second, "GET", "/session", NULL, &error);
  g_assert_no_error (error);

  /* Disable, confirmed: the dialog says what happens; the session ends. */
  user = fd_accounts_page_get_account (page, "li.na");
  gtk_widget_activate_action (GTK_WIDGET (page), "accounts.disable", "s", user->id);
  confirmation = fd_accounts_page_get_confirmation (page);
  g_assert_nonnull (confirmation);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (confirmation), "signed out"));
  fd_pages_test_screenshot (GTK_WIDGET (confirmation), "accounts-confirm");
  answer (page, "apply", TRUE);
  g_assert_true (fd_pages_test_wait_until (account_disabled, page, 20000));

  dead = fd_pages_test_call (second, "GET", "/session", NULL, &error);
  g_assert_error (error, FD_ERROR, FD_ERROR_UNAUTHENTICATED);
  g_assert_null (dead);
  g_clear_error (&error);

  fd_pages_test_view_close (&v);
}

static void
test_own_disable_refused (void)
{
  FdPagesTestView v = { 0 };
  FdAccountsPage *page = open_accounts (&v);
  const FdUser *me = fd_accounts_page_get_account (page, "admin");
  g_autofree char *id = g_strdup (me->id);

  /* The menu offers no disable for one's own account; the action, forced,
   * is refused by the server and the page says why. */
  gtk_widget_activate_action (GTK_WIDGET (page), "accounts.disable", "s", id);
  answer (page, "apply", FALSE);
  g_assert_true (fd_pages_test_wait_until (message_shown, page, 20000));
  g_assert_nonnull (strstr (fd_accounts_page_get_message (page), "own account"));
  g_assert_false (fd_accounts_page_get_account (page, "admin")->disabled);

  /* Cancel changes nothing. */
  gtk_widget_activate_action (GTK_WIDGET (page), "accounts.reset-password", "s", id);
  answer (page, "cancel", FALSE);
  g_assert_null (fd_accounts_page_get_dialog (page));
  fd_pages_test_view_close (&v);
}

/* ---- payments ---------------------------------------------------------------- */

static void
wait_payments (FdPaymentsPage *page,
               void          (*change) (FdPaymentsPage *, gconstpointer),
               gconstpointer   arg)
{
  gboolean loaded = FALSE;
  gulong id = g_signal_connect (page, "loaded", G_CALLBACK (set_flag_cb), &loaded);

  change (page, arg);
  g_assert_true (fd_pages_test_wait_until (flag_set, &loaded, 20000));
  g_signal_handler_disconnect (page, id);
  g_assert_null (fd_payments_page_get_message (page));
}

static void
do_refresh (FdPaymentsPage *page,
            gconstpointer   arg)
{
  fd_payments_page_refresh (page);
}

static void
do_overdue (FdPaymentsPage *page,
            gconstpointer   arg)
{
  fd_payments_page_set_overdue_only (page, GPOINTER_TO_INT (arg));
}

static void
do_query (FdPaymentsPage *page,
          gconstpointer   arg)
{
  fd_payments_page_set_query (page, arg);
}

static guint
count_status (FdPaymentsPage *page,
              const char     *status)
{
  GPtrArray *items = fd_payments_page_get_items (page);
  guint n = 0;

  for (guint i = 0; i < items->len; i++)
    {
      FdResident *r = g_ptr_array_index (items, i);

      g_assert_nonnull (r->payments);
      g_assert_nonnull (r->payments->account);
      g_assert_true (r->payments->account->masked);
      g_assert_true (g_regex_match_simple ("^\\*{4} \\*{4} \\*{4} [0-9]{4}$",
                                           r->payments->account->value, 0, 0));
      if (g_strcmp0 (r->payments->status, status) == 0)
        n++;
    }
  return n;
}

static void
test_payments_filter (void)
{
  FdPagesTestView v = { 0 };
  FdPaymentsPage *page;
  GPtrArray *items;
  g_autofree char *room = NULL;
  g_autofree char *text = NULL;

  fd_pages_test_view_open (&v, server, "finance");
  page = FD_PAYMENTS_PAGE (fd_main_view_get_page (v.view, "payments"));
  g_assert_nonnull (page);
  fd_main_view_show_page (v.view, "payments");
  wait_payments (page, do_refresh, NULL);

  /* Overdue only, by default. */
  items = fd_payments_page_get_items (page);
  g_assert_cmpuint (items->len, >, 0);
  g_assert_cmpuint (count_status (page, "overdue"), ==, items->len);
  for (guint i = 0; i < items->len; i++)
    g_assert_cmpint (((FdResident *) g_ptr_array_index (items, i))->payments->balance_cents, >, 0);

  /* All: paid residents too, in pages. */
  wait_payments (page, do_overdue, GINT_TO_POINTER (FALSE));
  g_assert_cmpuint (count_status (page, "paid"), >, 0);
  g_assert_true (fd_payments_page_has_more (page));
  {
    guint before = fd_payments_page_get_items (page)->len;
    gboolean loaded = FALSE;
    gulong id = g_signal_connect (page, "loaded", G_CALLBACK (set_flag_cb), &loaded);

    fd_payments_page_load_more (page);
    g_assert_true (fd_pages_test_wait_until (flag_set, &loaded, 20000));
    g_signal_handler_disconnect (page, id);
    g_assert_cmpuint (fd_payments_page_get_items (page)->len, >, before);
  }

  /* A room search: that room only. */
  room = g_strdup (((FdResident *) g_ptr_array_index (fd_payments_page_get_items (page),
                                                      0))->room->value);
  wait_payments (page, do_query, room);
  items = fd_payments_page_get_items (page);
  g_assert_cmpuint (items->len, >=, 1);
  for (guint i = 0; i < items->len; i++)
    g_assert_cmpstr (((FdResident *) g_ptr_array_index (items, i))->room->value, ==, room);

  /* Nothing matches: an empty list, no error. */
  wait_payments (page, do_query, "9-9-9999");
  g_assert_cmpuint (fd_payments_page_get_items (page)->len, ==, 0);

  /* Nothing on screen is an unmasked account or mobile number. */
  wait_payments (page, do_query, "");
  text = fd_pages_test_all_text ();
  g_assert_false (g_regex_match_simple ("[0-9]{8,}", text, 0, 0));
  fd_pages_test_view_close (&v);
}

int
main (int   argc,
      char *argv[])
{
  FdTestServerOptions options = { .residents = 300 };
  int status;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  server = fd_test_server_start (&options);

  g_test_add_func ("/fd/pages/accounts/create-disable", test_create_disable);
  g_test_add_func ("/fd/pages/accounts/own-disable-refused", test_own_disable_refused);
  g_test_add_func ("/fd/pages/payments/filter", test_payments_filter);

  status = g_test_run ();
  fd_test_server_stop (server);
  return status;
}
