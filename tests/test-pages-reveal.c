/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests reveal, verify and the incident switch in the client. */

#include "config.h"

#include <adwaita.h>

#include "fd-alerts-page.h"
#include "fd-api-client.h"
#include "fd-error.h"
#include "fd-audit-page.h"
#include "fd-field.h"
#include "fd-main-view.h"
#include "fd-resident-page.h"
#include "fd-reveal-dialog.h"
#include "fd-sensitive-field.h"
#include "fd-test-server.h"
#include "fd-validate.h"
#include "fd-verify-dialog.h"
#include "test-pages-util.h"

/* Reveal with a reason, the countdown on an injected clock, the audit
 * entry, the password for ID numbers, verify both ways, the incident
 * freeze, a lock in the middle of a reveal and the hourly limit. The test
 * holds the revealed values in its own memory and never prints them. */

static FdTestServer *server;
static char *resident_id;      /* the resident every case works on */
static char *clear_phone;
static char *clear_id;

static gint64 fake_now = (gint64) 5000 * G_USEC_PER_SEC;

static gint64
fake_clock (void)
{
  return fake_now;
}

static FdResidentDetail *
open_resident (FdPagesTestView *v)
{
  FdResidentPage *page = fd_pages_test_search (v, "residents", "1-1");
  FdResidentListModel *model = fd_resident_page_get_model (page);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (model));

  g_assert_cmpuint (n, >, 0);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FdResidentItem) item = g_list_model_get_item (G_LIST_MODEL (model), i);

      if (resident_id == NULL && fd_resident_item_get_plates (item) != NULL)
        resident_id = g_strdup (fd_resident_item_get_id (item));
      if (g_strcmp0 (resident_id, fd_resident_item_get_id (item)) == 0)
        return fd_pages_test_open_detail (page, i);
    }

  g_assert_not_reached ();
  return NULL;
}

static FdSensitiveField *
field_of (FdResidentDetail *detail,
          const char       *key)
{
  GtkWidget *widget = fd_resident_detail_get_value (detail, key);

  g_assert_true (FD_IS_SENSITIVE_FIELD (widget));
  return FD_SENSITIVE_FIELD (widget);
}

static gboolean
revealed_cond (gpointer data)
{
  return fd_sensitive_field_get_revealed (data);
}

static gboolean
dialog_idle_cond (gpointer data)
{
  return !fd_reveal_dialog_get_busy (data);
}

static gboolean
verify_idle_cond (gpointer data)
{
  return !fd_verify_dialog_get_busy (data);
}

static void
assert_not_in_ui (const char *value)
{
  g_autofree char *text = fd_pages_test_all_text ();

  if (value != NULL && strstr (text, value) != NULL)
    g_error ("a clear value is still in the widget tree");
}

/* What a field shows, without the spaces that group a revealed number
 * for reading out (issue 14). */
static char *
display_digits (FdSensitiveField *field)
{
  g_auto(GStrv) parts = g_strsplit (fd_sensitive_field_get_display (field), " ", -1);

  return g_strjoinv ("", parts);
}

static JsonObject *
latest_audit (FdApiClient *api,
              const char  *query)
{
  g_autofree char *path = g_strdup_printf ("/audit?limit=20&%s", query);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = fd_pages_test_call (api, "GET", path, NULL, &error);
  g_autofree char *text = NULL;
  JsonArray *items;

  g_assert_no_error (error);
  /* No revealed value ever reaches the log. */
  text = json_to_string (root, FALSE);
  if ((clear_phone && strstr (text, clear_phone)) || (clear_id && strstr (text, clear_id)))
    g_error ("a revealed value is in the audit log");

  items = json_object_get_array_member (json_node_get_object (root), "items");
  g_assert_cmpuint (json_array_get_length (items), >, 0);
  return json_object_ref (json_array_get_object_element (items, 0));
}

static gboolean
has_entries_cond (gpointer data)
{
  return g_list_model_get_n_items (fd_audit_page_get_entries (data)) > 0 &&
         fd_audit_page_get_entry_field (data, 0, "reason_text") != NULL;
}

static void
test_reveal_phone (void)
{
  FdPagesTestView v = { 0 }, manager = { 0 };
  FdResidentDetail *detail;
  FdSensitiveField *phone;
  FdRevealDialog *dialog;
  g_autofree char *masked = NULL;
  g_autoptr(JsonObject) entry = NULL;
  FdAuditPage *audit;

  fd_sensitive_field_set_clock (fake_clock);
  fd_pages_test_view_open (&v, server, "reception");
  detail = open_resident (&v);
  phone = field_of (detail, "phone");
  masked = g_strdup (fd_sensitive_field_get_display (phone));

  /* The Reveal button asks for a reason first. */
  dialog = fd_resident_detail_reveal (detail, "phone");
  g_assert_nonnull (dialog);
  fd_reveal_dialog_set_reason (dialog, 0, "caller at the desk");
  fd_reveal_dialog_submit (dialog);
  g_assert_true (fd_pages_test_wait_until (revealed_cond, phone, 15000));

  /* Grouped for reading out (issue 14): "138 1234 5678". */
  g_assert_true (g_regex_match_simple ("^1[0-9]{2} [0-9]{4} [0-9]{4}$",
                                       fd_sensitive_field_get_display (phone), 0, 0));
  clear_phone = display_digits (phone);
  g_assert_true (fd_validate_mobile (clear_phone, NULL));
  g_assert_cmpstr (clear_phone, !=, masked);
  g_assert_cmpuint (fd_sensitive_field_get_remaining (phone), ==, 30);
  g_assert_nonnull (fd_pages_test_find_label (GTK_WIDGET (phone), "30 s"));
  fd_pages_test_screenshot (GTK_WIDGET (v.window), "revealed");

  /* The dialog handed the focus back: no curtain, still revealed. */
  fd_pages_test_wait (300);
  g_assert_true (gtk_window_is_active (v.window));
  g_assert_false (fd_main_view_get_curtain (v.view));
  g_assert_true (fd_sensitive_field_get_revealed (phone));

  /* The countdown runs on the injected clock, then the value re-masks. */
  fake_now += 10 * G_USEC_PER_SEC;
  fd_sensitive_field_check (phone);
  g_assert_cmpuint (fd_sensitive_field_get_remaining (phone), ==, 20);
  g_assert_nonnull (fd_pages_test_find_label (GTK_WIDGET (phone), "20 s"));
  {
    g_autofree char *shown = display_digits (phone);

    g_assert_cmpstr (shown, ==, clear_phone);
  }
  fake_now += 20 * G_USEC_PER_SEC + 1;
  /* The field's own timer notices the clock too. */
  fd_pages_test_wait (400);
  g_assert_false (fd_main_view_get_curtain (v.view));
  g_assert_false (fd_sensitive_field_get_revealed (phone));
  g_assert_cmpstr (fd_sensitive_field_get_display (phone), ==, masked);
  assert_not_in_ui (clear_phone);

  /* The audit log has it, with the reason, and never the value. */
  fd_pages_test_view_open (&manager, server, "manager");
  entry = latest_audit (manager.api, "actor=reception&action=reveal");
  g_assert_cmpstr (fd_json_get_string (entry, "target"), ==, resident_id);
  g_assert_cmpstr (fd_json_get_string (entry, "field"), ==, "phone");
  g_assert_cmpstr (fd_json_get_string (entry, "reason_code"), ==, "verify-identity");
  g_assert_cmpstr (fd_json_get_string (entry, "reason_text"), ==, "caller at the desk");
  g_assert_cmpstr (fd_json_get_string (entry, "outcome"), ==, "allowed");

  /* …and the manager's audit page shows it with its filters. */
  audit = FD_AUDIT_PAGE (fd_main_view_get_page (manager.view, "audit"));
  fd_main_view_show_page (manager.view, "audit");
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_local ();
    g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");

    g_assert_true (fd_audit_page_set_filters (audit, "reception", "reveal", today, today));
  }
  g_assert_true (fd_pages_test_wait_until (has_entries_cond, audit, 15000));
  g_assert_cmpstr (fd_audit_page_get_entry_field (audit, 0, "reason_text"), ==,
                   "caller at the desk");
  g_assert_cmpstr (fd_audit_page_get_entry_field (audit, 0, "field"), ==, "phone");
  g_assert_true (fd_audit_page_get_chain_ok (audit));
  g_assert_nonnull (strstr (fd_audit_page_get_chain_status (audit), "intact"));
  fd_pages_test_screenshot (GTK_WIDGET (manager.window), "audit");

  g_assert_false (fd_audit_page_set_filters (audit, NULL, NULL, "2026-13-45", NULL));

  fd_pages_test_view_close (&manager);
  fd_pages_test_view_close (&v);
}

static void
test_reveal_id_number (void)
{
  FdPagesTestView v = { 0 };
  FdResidentDetail *detail;
  FdSensitiveField *id;
  FdRevealDialog *dialog;

  fd_pages_test_view_open (&v, server, "reception");
  detail = open_resident (&v);
  id = field_of (detail, "id_number");

  dialog = fd_resident_detail_reveal (detail, "id_number");
  g_assert_nonnull (dialog);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);

  /* "Other" needs a text of 5 characters: refused in the dialog. */
  fd_reveal_dialog_set_reason (dialog, 3, "abc");
  fd_reveal_dialog_set_password (dialog, fd_test_server_get_password (server));
  fd_reveal_dialog_submit (dialog);
  g_assert_false (fd_reveal_dialog_get_busy (dialog));
  g_assert_cmpstr (fd_reveal_dialog_get_error (dialog), ==,
                   "Describe the reason in at least 5 characters.");

  /* A wrong password: the server says so, the dialog shows it inline. */
  fd_reveal_dialog_set_reason (dialog, 2, "refund of a deposit");
  fd_reveal_dialog_set_password (dialog, "not the password");
  fd_reveal_dialog_submit (dialog);
  g_assert_true (fd_pages_test_wait_until (dialog_idle_cond, dialog, 15000));
  g_assert_cmpstr (fd_reveal_dialog_get_error (dialog), ==, "Wrong password.");
  g_assert_false (fd_sensitive_field_get_revealed (id));

  /* Without a password at all it does not even ask the server. */
  fd_reveal_dialog_set_password (dialog, "");
  fd_reveal_dialog_submit (dialog);
  g_assert_false (fd_reveal_dialog_get_busy (dialog));
  g_assert_nonnull (fd_reveal_dialog_get_error (dialog));

  fd_reveal_dialog_set_password (dialog, fd_test_server_get_password (server));
  fd_reveal_dialog_submit (dialog);
  g_assert_true (fd_pages_test_wait_until (revealed_cond, id, 15000));
  g_assert_null (dialog);   /* closed itself */

  /* Grouped for reading out (issue 14): "110101 19900101 123X". */
  g_assert_true (g_regex_match_simple ("^[0-9]{6} [0-9]{8} [0-9]{3}[0-9X]$",
                                       fd_sensitive_field_get_display (id), 0, 0));
  clear_id = display_digits (id);
  g_assert_true (fd_validate_id_number (clear_id, NULL));

  fd_sensitive_field_remask (id);
  assert_not_in_ui (clear_id);
  fd_pages_test_view_close (&v);
}

static void
verify (FdVerifyDialog *dialog,
        const char     *field,
        const char     *value,
        FdVerifyResult  expected)
{
  g_assert_true (fd_verify_dialog_set_field (dialog, field));
  fd_verify_dialog_set_value (dialog, value);
  fd_verify_dialog_submit (dialog);
  g_assert_true (fd_pages_test_wait_until (verify_idle_cond, dialog, 15000));
  g_assert_null (fd_verify_dialog_get_error (dialog));
  g_assert_cmpint (fd_verify_dialog_get_result (dialog), ==, expected);
  /* What was typed is gone. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (
                     fd_pages_test_find (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW))), ==, "");
}

static void
test_verify (void)
{
  FdPagesTestView v = { 0 };
  FdResidentDetail *detail;
  FdVerifyDialog *dialog;
  g_autofree char *other_phone = NULL;
  g_autofree char *other_id = NULL;

  g_assert_nonnull (clear_phone);
  g_assert_nonnull (clear_id);

  fd_pages_test_view_open (&v, server, "reception");
  detail = open_resident (&v);
  dialog = fd_resident_detail_verify (detail);
  g_assert_nonnull (dialog);

  /* Another valid mobile and another valid ID number. */
  other_phone = g_strdup (clear_phone);
  other_phone[10] = other_phone[10] == '9' ? '0' : other_phone[10] + 1;
  other_id = g_strdup (clear_id);
  other_id[16] = other_id[16] == '9' ? '0' : other_id[16] + 1;
  other_id[17] = fd_id_number_check_char (other_id);
  g_assert_true (fd_validate_id_number (other_id, NULL));

  verify (dialog, "phone", clear_phone, FD_VERIFY_MATCH);
  verify (dialog, "phone", other_phone, FD_VERIFY_NO_MATCH);
  verify (dialog, "id_number", clear_id, FD_VERIFY_MATCH);
  verify (dialog, "id_number", other_id, FD_VERIFY_NO_MATCH);
  fd_pages_test_screenshot (GTK_WIDGET (dialog), "verify");

  /* A typo in the check digit never reaches the server. */
  other_id[17] = other_id[17] == '0' ? '1' : '0';
  g_assert_true (fd_verify_dialog_set_field (dialog, "id_number"));
  fd_verify_dialog_set_value (dialog, other_id);
  fd_verify_dialog_submit (dialog);
  g_assert_false (fd_verify_dialog_get_busy (dialog));
  g_assert_nonnull (fd_verify_dialog_get_error (dialog));
  g_assert_cmpint (fd_verify_dialog_get_result (dialog), ==, FD_VERIFY_NONE);

  /* The stored value never appears anywhere. */
  assert_not_in_ui (clear_phone);
  assert_not_in_ui (clear_id);
  fd_pages_test_view_close (&v);
}

static gboolean
incident_frozen_cond (gpointer data)
{
  return fd_incident_row_get_frozen (data);
}

static gboolean
incident_thawed_cond (gpointer data)
{
  return !fd_incident_row_get_frozen (data);
}

static gboolean
incident_known_cond (gpointer data)
{
  return adw_action_row_get_subtitle (data) != NULL &&
         *adw_action_row_get_subtitle (data) != '\0';
}

static gboolean
alerts_cond (gpointer data)
{
  return fd_alerts_page_get_n_alerts (data) > 0;
}

static void
test_incident_freeze (void)
{
  FdPagesTestView v = { 0 }, manager = { 0 };
  FdResidentDetail *detail;
  FdRevealDialog *dialog;
  FdIncidentRow *row;
  FdAlertsPage *alerts;
  AdwMessageDialog *confirm;

  /* Five failed sign-ins in a row raise an alert the alerts page lists. */
  {
    g_autoptr(FdApiClient) stranger = fd_pages_test_api (server);

    for (guint i = 0; i < 5; i++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(JsonNode) none =
          fd_pages_test_call (stranger, "POST", "/session",
                              "{\"username\": \"finance\", \"password\": \"wrong guess\", "
                              "\"workstation\": \"test-desk\"}", &error);

        g_assert_error (error, FD_ERROR, FD_ERROR_BAD_CREDENTIALS);
      }
  }

  fd_pages_test_view_open (&manager, server, "manager");
  fd_main_view_show_page (manager.view, "alerts");
  alerts = FD_ALERTS_PAGE (fd_main_view_get_page (manager.view, "alerts"));
  g_assert_true (fd_pages_test_wait_until (alerts_cond, alerts, 15000));
  g_assert_nonnull (fd_pages_test_find_label (GTK_WIDGET (alerts),
    "Repeated failed sign-ins (account locked for 15 minutes)"));
  row = fd_alerts_page_get_incident_row (alerts);
  g_assert_true (fd_pages_test_wait_until (incident_known_cond, row, 15000));
  g_assert_false (fd_incident_row_get_frozen (row));

  /* The switch asks first; cancelling changes nothing. */
  confirm = fd_incident_row_request (row, TRUE);
  g_assert_nonnull (confirm);
  adw_message_dialog_response (confirm, "cancel");
  fd_pages_test_wait (300);
  g_assert_false (fd_incident_row_get_frozen (row));

  confirm = fd_incident_row_request (row, TRUE);
  fd_pages_test_screenshot (GTK_WIDGET (confirm), "incident-confirm");
  adw_message_dialog_response (confirm, "apply");
  g_assert_true (fd_pages_test_wait_until (incident_frozen_cond, row, 15000));
  fd_pages_test_screenshot (GTK_WIDGET (manager.window), "alerts");

  /* While frozen, the reveal dialog says why it cannot. */
  fd_pages_test_view_open (&v, server, "reception");
  detail = open_resident (&v);
  dialog = fd_resident_detail_reveal (detail, "phone");
  fd_reveal_dialog_set_reason (dialog, 1, NULL);
  fd_reveal_dialog_submit (dialog);
  g_assert_true (fd_pages_test_wait_until (dialog_idle_cond, dialog, 15000));
  g_assert_cmpstr (fd_reveal_dialog_get_error (dialog), ==,
                   "Reveals are frozen: the incident switch is on. Ask a manager.");
  g_assert_false (fd_sensitive_field_get_revealed (field_of (detail, "phone")));
  fd_pages_test_view_close (&v);

  confirm = fd_incident_row_request (row, FALSE);
  adw_message_dialog_response (confirm, "apply");
  g_assert_true (fd_pages_test_wait_until (incident_thawed_cond, row, 15000));
  fd_pages_test_view_close (&manager);
}

static void
test_lock_during_reveal (void)
{
  FdPagesTestView v = { 0 };
  FdResidentDetail *detail;
  FdSensitiveField *phone;
  FdRevealDialog *dialog;
  GListModel *toplevels = gtk_window_get_toplevels ();

  fd_pages_test_view_open (&v, server, "reception");
  detail = open_resident (&v);
  phone = field_of (detail, "phone");
  dialog = fd_resident_detail_reveal (detail, "phone");
  fd_reveal_dialog_set_reason (dialog, 0, NULL);
  fd_reveal_dialog_submit (dialog);
  g_assert_true (fd_pages_test_wait_until (revealed_cond, phone, 15000));
  {
    g_autofree char *shown = display_digits (phone);

    g_assert_cmpstr (shown, ==, clear_phone);
  }

  /* Another dialog is open when the lock comes. */
  dialog = fd_resident_detail_reveal (detail, "plates");
  g_assert_nonnull (dialog);
  g_assert_cmpuint (g_list_model_get_n_items (toplevels), ==, 2);

  /* What the window does on lock: the view is unparented and disposed. */
  g_object_ref (v.view);
  gtk_window_set_child (v.window, NULL);
  g_object_run_dispose (G_OBJECT (v.view));
  g_object_unref (v.view);
  v.view = NULL;

  g_assert_cmpuint (g_list_model_get_n_items (toplevels), ==, 1);
  assert_not_in_ui (clear_phone);
  fd_pages_test_view_close (&v);
}

static gboolean
reveal_done_cond (gpointer data)
{
  FdRevealDialog **dialog = data;

  return *dialog == NULL || !fd_reveal_dialog_get_busy (*dialog);
}

static void
test_hourly_limit (void)
{
  FdPagesTestView v = { 0 };
  FdResidentDetail *detail;
  gboolean limited = FALSE;

  fd_pages_test_view_open (&v, server, "reception");
  detail = open_resident (&v);

  /* At most 10 reveals an hour, refused ones included. */
  for (guint i = 0; i < 12 && !limited; i++)
    {
      FdRevealDialog *dialog = fd_resident_detail_reveal (detail, "plates");
      const char *error;

      g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
      fd_reveal_dialog_set_reason (dialog, 1, NULL);
      fd_reveal_dialog_submit (dialog);
      g_assert_true (fd_pages_test_wait_until (reveal_done_cond, &dialog, 15000));
      if (dialog == NULL)
        continue;   /* allowed: it closed */

      error = fd_reveal_dialog_get_error (dialog);
      g_assert_cmpstr (error, ==,
                       "Reveal limit reached: at most 10 reveals an hour. Try again later.");
      limited = TRUE;
      gtk_window_destroy (GTK_WINDOW (dialog));
    }

  g_assert_true (limited);
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

  /* In this order: each case uses what the one before revealed. */
  g_test_add_func ("/fd/pages/reveal/phone", test_reveal_phone);
  g_test_add_func ("/fd/pages/reveal/id-number", test_reveal_id_number);
  g_test_add_func ("/fd/pages/reveal/verify", test_verify);
  g_test_add_func ("/fd/pages/reveal/incident-freeze", test_incident_freeze);
  g_test_add_func ("/fd/pages/reveal/lock-during-reveal", test_lock_during_reveal);
  g_test_add_func ("/fd/pages/reveal/hourly-limit", test_hourly_limit);

  status = g_test_run ();

  fd_sensitive_field_set_clock (NULL);
  fd_secret_free (clear_phone);
  fd_secret_free (clear_id);
  g_free (resident_id);
  fd_test_server_stop (server);
  return status;
}
