/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests the visitor form and log in the client. */

#include "config.h"

#include <adwaita.h>

#include "fd-api-client.h"
#include "fd-clipboard.h"
#include "fd-export-visitors.h"
#include "fd-field.h"
#include "fd-main-view.h"
#include "fd-sensitive-entry.h"
#include "fd-sensitive-field.h"
#include "fd-test-server.h"
#include "fd-validate.h"
#include "fd-visitor-form.h"
#include "fd-visitor-page.h"
#include "test-pages-util.h"

/* The visitor form's inline validation (local and from the server),
 * registration, check-out, drafts across a lock, the room search, the
 * patrol's read-only list and the manager's masked, audited export. */

#define VISITOR_NAME  "王小明"
#define VISITOR_PHONE "13912345678"

static FdTestServer *server;
static char *a_room;

static void
set_field (FdVisitorForm *form,
           const char    *key,
           const char    *text)
{
  gtk_editable_set_text (GTK_EDITABLE (fd_visitor_form_get_entry (form, key)), text);
}

/* A valid ID number with its check character, and the same one with a
 * wrong check character. */
static void
make_ids (char **valid,
          char **invalid)
{
  char id[19] = "11010519900307123";

  id[17] = fd_id_number_check_char (id);
  id[18] = '\0';
  *valid = g_strdup (id);
  id[17] = id[17] == '0' ? '1' : '0';
  *invalid = g_strdup (id);
}

static gboolean refreshed_flag;

static void
refreshed_cb (void)
{
  refreshed_flag = TRUE;
}

static void
wait_refreshed (FdVisitorPage *page)
{
  g_assert_true (fd_pages_test_wait_for_flag (&refreshed_flag, 15000));
  refreshed_flag = FALSE;
  fd_pages_test_wait (50);
}

static gboolean
form_idle_cond (gpointer data)
{
  return !fd_visitor_form_get_busy (data);
}

static int
find_row (FdVisitorPage *page,
          const char    *purpose)
{
  for (guint i = 0; i < fd_visitor_page_get_n_visitors (page); i++)
    {
      GtkWidget *row = fd_visitor_page_get_row (page, i);

      if (g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), purpose) == 0)
        return i;
    }
  return -1;
}

static void
test_register (void)
{
  FdPagesTestView v = { 0 };
  FdVisitorPage *page;
  FdVisitorForm *form;
  g_autofree char *valid_id = NULL, *invalid_id = NULL;
  g_autoptr(GPtrArray) fields = NULL;
  GtkWidget *row;
  int index;
  guint before;

  make_ids (&valid_id, &invalid_id);
  fd_pages_test_view_open (&v, server, "reception");
  page = FD_VISITOR_PAGE (fd_main_view_get_page (v.view, "visitors"));
  g_signal_connect (page, "refreshed", G_CALLBACK (refreshed_cb), NULL);
  fd_main_view_show_page (v.view, "visitors");
  wait_refreshed (page);
  before = fd_visitor_page_get_n_visitors (page);

  form = fd_visitor_page_get_form (page);
  g_assert_nonnull (form);

  /* Personal inputs refuse copy and selection; the others are plain. */
  g_assert_true (fd_sensitive_entry_is_protected (GTK_EDITABLE (fd_visitor_form_get_entry (form, "name"))));
  g_assert_true (fd_sensitive_entry_is_protected (GTK_EDITABLE (fd_visitor_form_get_entry (form, "phone"))));
  g_assert_true (fd_sensitive_entry_is_protected (GTK_EDITABLE (fd_visitor_form_get_entry (form, "id_number"))));
  g_assert_true (fd_sensitive_entry_is_protected (GTK_EDITABLE (fd_visitor_form_get_entry (form, "plate"))));
  g_assert_false (fd_sensitive_entry_is_protected (GTK_EDITABLE (fd_visitor_form_get_entry (form, "room"))));

  /* An empty form: every required field says so, under itself. */
  fd_visitor_form_submit (form);
  g_assert_false (fd_visitor_form_get_busy (form));
  g_assert_nonnull (fd_visitor_form_get_error (form, "name"));
  g_assert_nonnull (fd_visitor_form_get_error (form, "phone"));
  g_assert_nonnull (fd_visitor_form_get_error (form, "room"));
  g_assert_nonnull (fd_visitor_form_get_error (form, "purpose"));
  g_assert_null (fd_visitor_form_get_error (form, "id_number"));
  g_assert_null (fd_visitor_form_get_error (form, "plate"));

  /* An ID number with a wrong check character is refused beside it,
   * before anything goes to the server. */
  set_field (form, "name", VISITOR_NAME);
  set_field (form, "phone", VISITOR_PHONE);
  set_field (form, "id_number", invalid_id);
  set_field (form, "room", a_room);
  set_field (form, "purpose", "Parcel delivery");
  fd_visitor_form_submit (form);
  g_assert_false (fd_visitor_form_get_busy (form));
  g_assert_nonnull (fd_visitor_form_get_error (form, "id_number"));
  g_assert_null (fd_visitor_form_get_error (form, "name"));
  g_assert_null (fd_visitor_form_get_error (form, "phone"));
  g_assert_null (fd_visitor_form_get_error (form, "room"));
  fd_pages_test_screenshot (GTK_WIDGET (v.window), "visitor-invalid-id");

  /* Typing clears the message; leaving a bad mobile shows one. */
  set_field (form, "id_number", valid_id);
  g_assert_null (fd_visitor_form_get_error (form, "id_number"));
  set_field (form, "phone", "1391234567");
  gtk_widget_grab_focus (fd_visitor_form_get_entry (form, "phone"));
  fd_pages_test_wait (50);
  gtk_widget_grab_focus (fd_visitor_form_get_entry (form, "purpose"));
  fd_pages_test_wait (50);
  g_assert_nonnull (fd_visitor_form_get_error (form, "phone"));
  set_field (form, "phone", VISITOR_PHONE);

  /* A room of the right shape that does not exist: the server's 400
   * lands under the room. */
  set_field (form, "room", "998-9-9901");
  fd_visitor_form_submit (form);
  g_assert_true (fd_pages_test_wait_until (form_idle_cond, form, 15000));
  g_assert_nonnull (fd_visitor_form_get_error (form, "room"));
  g_assert_null (fd_visitor_form_get_error (form, "id_number"));

  /* Now it goes through; the list grows by one, masked. */
  set_field (form, "room", a_room);
  fd_visitor_form_submit (form);
  wait_refreshed (page);
  g_assert_cmpuint (fd_visitor_page_get_n_visitors (page), ==, before + 1);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (fd_visitor_form_get_entry (form, "phone"))),
                   ==, "");
  g_assert_cmpstr (fd_main_view_get_last_toast (v.view), ==, "Visitor registered");

  /* Every row is whole after two refreshes (the list's placeholder once
   * went with its rows, and its dangling pointer hid a new row's label). */
  fd_visitor_page_refresh (page);
  wait_refreshed (page);
  for (guint i = 0; i < fd_visitor_page_get_n_visitors (page); i++)
    {
      g_autoptr(GPtrArray) labels = fd_pages_test_find_all (fd_visitor_page_get_row (page, i),
                                                            GTK_TYPE_LABEL);

      for (guint j = 0; j < labels->len; j++)
        g_assert_true (gtk_widget_get_visible (g_ptr_array_index (labels, j)) ||
                       *gtk_label_get_text (g_ptr_array_index (labels, j)) == '\0');
    }

  index = find_row (page, "Parcel delivery");
  g_assert_cmpint (index, >=, 0);
  row = fd_visitor_page_get_row (page, index);
  fields = fd_pages_test_find_all (row, FD_TYPE_SENSITIVE_FIELD);
  g_assert_cmpuint (fields->len, >=, 2);
  for (guint i = 0; i < fields->len; i++)
    {
      const char *shown = fd_sensitive_field_get_display (g_ptr_array_index (fields, i));

      g_assert_null (strstr (shown, VISITOR_PHONE));
      if (g_str_equal (fd_sensitive_field_get_title (g_ptr_array_index (fields, i)), "Mobile"))
        g_assert_cmpstr (shown, ==, "139****5678");
    }
  fd_pages_test_screenshot (GTK_WIDGET (v.window), "visitors");

  /* Copying from a visitor's row gives nothing personal. */
  fd_clipboard_copy_plain (row, "plain marker");
  fd_pages_test_key (row, "ctrl+c");
  for (guint i = 0; i < fields->len; i++)
    {
      gtk_widget_activate_action (g_ptr_array_index (fields, i), "clipboard.copy", NULL);
      fd_pages_test_click (g_ptr_array_index (fields, i), 3);
    }
  {
    g_autofree char *clipboard = fd_pages_test_xclip ("clipboard", NULL, NULL);

    g_assert_cmpstr (clipboard, ==, "plain marker");
  }
  g_assert_cmpstr (fd_main_view_get_last_toast (v.view), ==, "Sensitive fields cannot be copied");

  /* Check-out. */
  fd_visitor_page_checkout (page, index);
  wait_refreshed (page);
  index = find_row (page, "Parcel delivery");
  row = fd_visitor_page_get_row (page, index);
  g_assert_nonnull (fd_pages_test_find_label (row, "Left"));
  g_assert_null (fd_pages_test_find_button (row, "Check _Out"));

  fd_pages_test_view_close (&v);
}

static gboolean
suggestions_cond (gpointer data)
{
  return fd_room_suggestions_get_n_shown (data) > 0;
}

/* The room suggestions (issue 14: inline under the field, not a popover):
 * a click takes one, closes them and moves on to the purpose. */
static void
test_room_search (void)
{
  FdPagesTestView v = { 0 };
  FdVisitorForm *form;
  FdRoomSuggestions *rooms;
  GtkWidget *room_entry, *button = NULL;
  g_autoptr(GPtrArray) buttons = NULL;
  g_autofree char *prefix = g_strndup (a_room, strrchr (a_room, '-') - a_room);
  g_autofree char *taken = NULL;

  fd_pages_test_view_open (&v, server, "reception");
  fd_main_view_show_page (v.view, "visitors");
  form = fd_visitor_page_get_form (FD_VISITOR_PAGE (fd_main_view_get_page (v.view, "visitors")));
  rooms = fd_visitor_form_get_room_suggestions (form);
  room_entry = fd_visitor_form_get_entry (form, "room");

  gtk_widget_grab_focus (room_entry);
  set_field (form, "room", prefix);
  g_assert_true (fd_pages_test_wait_until (suggestions_cond, rooms, 15000));

  buttons = fd_pages_test_find_all (GTK_WIDGET (rooms), GTK_TYPE_BUTTON);
  g_assert_cmpuint (buttons->len, ==, fd_room_suggestions_get_n_shown (rooms));
  button = g_ptr_array_index (buttons, 0);
  g_assert_false (gtk_widget_get_focusable (button));
  taken = g_strdup (gtk_button_get_label (GTK_BUTTON (button)));
  g_assert_true (g_str_has_prefix (taken, prefix));

  fd_pages_test_wait (300);   /* laid out and painted */
  fd_pages_test_click (button, 1);
  fd_pages_test_wait (300);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (room_entry)), ==, taken);
  g_assert_cmpuint (fd_room_suggestions_get_n_shown (rooms), ==, 0);
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (v.window)),
                                         fd_visitor_form_get_entry (form, "purpose")));

  fd_pages_test_view_close (&v);
}

static void
test_drafts (void)
{
  FdPagesTestView v = { 0 };
  FdVisitorForm *form;
  g_autoptr(GVariant) drafts = NULL;
  g_autoptr(FdSessionInfo) session = NULL;
  FdMainView *view;

  fd_pages_test_view_open (&v, server, "reception");
  form = fd_visitor_page_get_form (FD_VISITOR_PAGE (fd_main_view_get_page (v.view, "visitors")));
  set_field (form, "name", VISITOR_NAME);
  set_field (form, "phone", VISITOR_PHONE);
  set_field (form, "purpose", "Interview");

  /* The lock: drafts saved, the view destroyed. */
  drafts = fd_main_view_save_drafts (v.view);
  g_assert_nonnull (drafts);
  gtk_window_set_child (v.window, NULL);
  {
    g_autofree char *text = fd_pages_test_all_text ();

    g_assert_null (strstr (text, VISITOR_PHONE));
  }

  /* After unlock: a new view gets them back. */
  session = fd_pages_test_sign_in (server, v.api, "reception");
  view = fd_main_view_new (v.api, session);
  gtk_window_set_child (v.window, GTK_WIDGET (view));
  fd_main_view_restore_drafts (view, drafts);
  form = fd_visitor_page_get_form (FD_VISITOR_PAGE (fd_main_view_get_page (view, "visitors")));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (fd_visitor_form_get_entry (form, "name"))),
                   ==, VISITOR_NAME);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (fd_visitor_form_get_entry (form, "phone"))),
                   ==, VISITOR_PHONE);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (fd_visitor_form_get_entry (form, "purpose"))),
                   ==, "Interview");
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (
                     ADW_VIEW_STACK (gtk_widget_get_ancestor (GTK_WIDGET (form),
                                                              ADW_TYPE_VIEW_STACK))),
                   ==, "residents");

  /* Nothing to keep: no drafts. */
  fd_visitor_form_clear (form);
  g_assert_null (fd_main_view_save_drafts (view));

  fd_pages_test_view_close (&v);
}

static void
test_patrol_list (void)
{
  FdPagesTestView v = { 0 };
  FdVisitorPage *page;

  fd_pages_test_view_open (&v, server, "patrol");
  page = FD_VISITOR_PAGE (fd_main_view_get_page (v.view, "visitors"));
  g_signal_connect (page, "refreshed", G_CALLBACK (refreshed_cb), NULL);
  fd_main_view_show_page (v.view, "visitors");
  wait_refreshed (page);

  g_assert_null (fd_visitor_page_get_form (page));
  g_assert_cmpuint (fd_visitor_page_get_n_visitors (page), >, 0);
  g_assert_null (fd_pages_test_find_button (GTK_WIDGET (page), "Check _Out"));
  g_assert_null (fd_pages_test_find_button (GTK_WIDGET (page), "_Export CSV…"));
  fd_pages_test_view_close (&v);
}

static void
export_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GError **error = user_data;

  if (!fd_export_visitors_finish (result, error))
    g_assert_nonnull (*error);
  else
    *error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_EXISTS, "done");
}

static void
test_export (void)
{
  FdPagesTestView v = { 0 };
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileIOStream) stream = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *today = fd_visitor_page_today ();
  g_autoptr(JsonNode) audit = NULL;
  JsonArray *items;

  fd_pages_test_view_open (&v, server, "manager");
  g_assert_nonnull (fd_pages_test_find_button (fd_main_view_get_page (v.view, "visitors"),
                                               "_Export CSV…"));

  file = g_file_new_tmp ("fd-export-XXXXXX.csv", &stream, &error);
  g_assert_no_error (error);
  fd_export_visitors_async (v.api, today, file, NULL, export_cb, &error);
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS));

  g_assert_true (g_file_load_contents (file, NULL, &contents, NULL, NULL, NULL));
  g_assert_nonnull (strstr (contents, "\"phone\""));
  g_assert_nonnull (strstr (contents, "139****5678"));
  g_assert_null (strstr (contents, VISITOR_PHONE));
  g_assert_null (strstr (contents, VISITOR_NAME));
  fd_test_assert_no_clear_pii (contents, FALSE);
  g_file_delete (file, NULL, NULL);

  /* The server audited it. */
  g_clear_error (&error);
  audit = fd_pages_test_call (v.api, "GET", "/audit?action=export&actor=manager&limit=5",
                              NULL, &error);
  g_assert_no_error (error);
  items = json_object_get_array_member (json_node_get_object (audit), "items");
  g_assert_cmpuint (json_array_get_length (items), >, 0);
  g_assert_cmpstr (fd_json_get_string (json_array_get_object_element (items, 0), "outcome"),
                   ==, "allowed");

  fd_pages_test_view_close (&v);
}

int
main (int   argc,
      char *argv[])
{
  FdTestServerOptions options = { .residents = 300 };
  g_autoptr(FdApiClient) api = NULL;
  g_autoptr(FdSessionInfo) session = NULL;
  g_autoptr(JsonNode) rooms = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  server = fd_test_server_start (&options);

  /* A room that exists on this estate. */
  api = fd_pages_test_api (server);
  session = fd_pages_test_sign_in (server, api, "reception");
  rooms = fd_pages_test_call (api, "GET", "/rooms?q=1-1&limit=1", NULL, &error);
  g_assert_no_error (error);
  a_room = g_strdup (fd_json_get_string (json_array_get_object_element (
    json_object_get_array_member (json_node_get_object (rooms), "items"), 0), "room"));
  g_assert_true (fd_validate_room (a_room, NULL));

  g_test_add_func ("/fd/pages/visitors/register", test_register);
  g_test_add_func ("/fd/pages/visitors/room-search", test_room_search);
  g_test_add_func ("/fd/pages/visitors/drafts", test_drafts);
  g_test_add_func ("/fd/pages/visitors/patrol", test_patrol_list);
  g_test_add_func ("/fd/pages/visitors/export", test_export);

  status = g_test_run ();
  g_free (a_room);
  fd_test_server_stop (server);
  return status;
}
