/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests the desk's daily flow in the client (issue 14), with real keys
 * (xdotool) against a real server: type-to-search and Enter, room-number
 * prefixes, Alt+number, the visitor form by keyboard, the purposes from
 * the server, Undo on Check Out, the verify dialog typed into at once. */

#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "fd-api-client.h"
#include "fd-desk-util.h"
#include "fd-field.h"
#include "fd-main-view.h"
#include "fd-resident-page.h"
#include "fd-select-all.h"
#include "fd-test-server.h"
#include "fd-verify-dialog.h"
#include "fd-visitor-form.h"
#include "fd-visitor-page.h"
#include "test-pages-util.h"

static FdTestServer *server;
static char *a_room;        /* a room that exists */

static GtkWidget *
focus_of (FdPagesTestView *v)
{
  return gtk_root_get_focus (GTK_ROOT (v->window));
}

static gboolean
focus_in (FdPagesTestView *v,
          GtkWidget       *widget)
{
  GtkWidget *focus = focus_of (v);

  return focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget));
}

static const char *
visible_page (FdPagesTestView *v,
              const char      *a,
              const char      *b)
{
  if (gtk_widget_get_mapped (fd_main_view_get_page (v->view, a)))
    return a;
  if (gtk_widget_get_mapped (fd_main_view_get_page (v->view, b)))
    return b;
  return "?";
}

static void
type (const char *text)
{
  fd_pages_test_xdotool ("type", "--delay", "60", text, NULL);
}

static void
keys (const char *keys)
{
  fd_pages_test_xdotool ("key", "--clearmodifiers", keys, NULL);
  fd_pages_test_wait (80);
}

typedef struct
{
  FdResidentPage *page;
  const char     *query;
} ResultsWait;

static gboolean
results_cond (gpointer data)
{
  ResultsWait *w = data;
  FdResidentListModel *model = fd_resident_page_get_model (w->page);

  return g_strcmp0 (fd_resident_list_model_get_query (model), w->query) == 0 &&
         !fd_resident_list_model_get_loading (model) &&
         g_list_model_get_n_items (G_LIST_MODEL (model)) > 0;
}

static gboolean
detail_loaded_cond (gpointer data)
{
  FdResidentDetail *detail = data;

  return fd_resident_detail_get_resident_id (detail) != NULL &&
         !fd_resident_detail_get_loading (detail);
}

/* Type-to-search from the visitors page, then Enter opens the top hit. */
static void
test_type_to_search (void)
{
  FdPagesTestView v = { 0 };
  FdResidentPage *page;
  FdResidentDetail *detail;
  GtkWidget *refresh;
  g_autoptr(FdResidentItem) top = NULL;
  g_autofree char *typed = g_strndup (a_room, strrchr (a_room, '-') - a_room);
  ResultsWait wait;

  fd_pages_test_view_open (&v, server, "reception");
  page = FD_RESIDENT_PAGE (fd_main_view_get_page (v.view, "residents"));
  fd_main_view_show_page (v.view, "visitors");
  fd_pages_test_wait (300);

  /* The focus on a button of another page: no text field has it. */
  refresh = fd_pages_test_find_button (fd_main_view_get_page (v.view, "visitors"), "Refresh");
  g_assert_nonnull (refresh);
  gtk_widget_grab_focus (refresh);
  fd_pages_test_wait (50);
  type (typed);

  g_assert_cmpstr (visible_page (&v, "residents", "visitors"), ==, "residents");
  g_assert_true (focus_in (&v, fd_resident_page_get_search_entry (page)));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (fd_resident_page_get_search_entry (page))),
                   ==, typed);

  /* Enter at once: the top hit of what was typed opens. */
  keys ("Return");
  wait = (ResultsWait) { page, typed };
  g_assert_true (fd_pages_test_wait_until (results_cond, &wait, 15000));
  detail = fd_resident_page_get_detail (page);
  g_assert_true (fd_pages_test_wait_until (detail_loaded_cond, detail, 15000));
  top = g_list_model_get_item (G_LIST_MODEL (fd_resident_page_get_model (page)), 0);
  g_assert_cmpstr (fd_resident_detail_get_resident_id (detail), ==, fd_resident_item_get_id (top));

  /* The detail's title: the masked name and the room. */
  {
    const char *name = NULL, *room = NULL;
    const FdFieldValue *shown = fd_resident_item_get_name (top);

    fd_resident_detail_get_heading (detail, &name, &room);
    g_assert_nonnull (name);
    g_assert_cmpstr (room, ==, fd_resident_item_get_room (top)->value);
    g_assert_true (strstr (name, "*") != NULL);
    g_assert_cmpstr (name, !=, shown->value);
    g_assert_nonnull (fd_pages_test_find_label (GTK_WIDGET (page), name));
  }

  /* Ctrl+F from elsewhere lands in the search with its text selected. */
  fd_main_view_show_page (v.view, "visitors");
  gtk_widget_grab_focus (refresh);
  fd_pages_test_wait (50);
  keys ("ctrl+f");
  g_assert_cmpstr (visible_page (&v, "residents", "visitors"), ==, "residents");
  g_assert_true (focus_in (&v, fd_resident_page_get_search_entry (page)));

  fd_pages_test_view_close (&v);
}

/* A room-number prefix finds that room (contract v1.1), also typed with
 * an input method's dashes. */
static void
test_room_prefix (void)
{
  FdPagesTestView v = { 0 };
  const char *number = strrchr (a_room, '-') + 1;
  g_autofree char *prefix = g_strndup (a_room, (number - a_room) + 2);
  g_auto(GStrv) parts = g_strsplit (prefix, "-", -1);
  /* an input method's dash (U+2014), which the common input folding leaves */
  g_autofree char *wide = g_strjoinv ("—", parts);
  const char *queries[] = { prefix, wide };

  fd_pages_test_view_open (&v, server, "reception");
  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      FdResidentPage *page = fd_pages_test_search (&v, "residents", queries[q]);
      GListModel *model = G_LIST_MODEL (fd_resident_page_get_model (page));
      gboolean found = FALSE;

      g_test_message ("query %u", q);
      g_assert_cmpuint (g_list_model_get_n_items (model), >, 0);
      for (guint i = 0; i < g_list_model_get_n_items (model); i++)
        {
          g_autoptr(FdResidentItem) item = g_list_model_get_item (model, i);
          const char *room = fd_resident_item_get_room (item)->value;

          g_assert_true (g_str_has_prefix (room, prefix));
          found |= g_str_equal (room, a_room);
        }
      g_assert_true (found);
      fd_pages_test_search (&v, "residents", "");
    }
  fd_pages_test_view_close (&v);
}

/* Alt+1…Alt+9 switch pages in the switcher's order. */
static void
test_alt_number (void)
{
  FdPagesTestView v = { 0 };
  FdResidentPage *page;

  fd_pages_test_view_open (&v, server, "reception");
  page = FD_RESIDENT_PAGE (fd_main_view_get_page (v.view, "residents"));
  gtk_widget_grab_focus (fd_resident_page_get_search_entry (page));
  fd_pages_test_wait (50);

  keys ("alt+2");
  g_assert_cmpstr (visible_page (&v, "residents", "visitors"), ==, "visitors");
  keys ("alt+1");
  g_assert_cmpstr (visible_page (&v, "residents", "visitors"), ==, "residents");
  keys ("alt+9");   /* no ninth page: nothing happens */
  g_assert_cmpstr (visible_page (&v, "residents", "visitors"), ==, "residents");

  fd_pages_test_view_close (&v);
}

/* The stable sidebar: the list keeps its width whatever the results. */
static void
test_stable_sidebar (void)
{
  FdPagesTestView v = { 0 };
  const char *queries[] = { "1-1", "2", "13", "1-2", "1" };
  int width = -1;

  fd_pages_test_view_open (&v, server, "reception");
  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      FdResidentPage *page = fd_pages_test_search (&v, "residents", queries[i]);
      GtkWidget *pane = gtk_widget_get_parent (fd_resident_page_get_search_entry (page));

      fd_pages_test_wait (200);
      g_test_message ("%s: %d px", queries[i], gtk_widget_get_width (pane));
      if (width < 0)
        width = gtk_widget_get_width (pane);
      g_assert_cmpint (gtk_widget_get_width (pane), ==, width);
    }
  fd_pages_test_view_close (&v);
}

static gboolean
suggestions_cond (gpointer data)
{
  return fd_room_suggestions_get_n_shown (data) > 0;
}

static gboolean refreshed_flag;

static void
refreshed_cb (void)
{
  refreshed_flag = TRUE;
}

static void
wait_refreshed (void)
{
  g_assert_true (fd_pages_test_wait_for_flag (&refreshed_flag, 15000));
  refreshed_flag = FALSE;
  fd_pages_test_wait (100);
}

static gboolean
not_busy_cond (gpointer data)
{
  return !fd_visitor_form_get_busy (data);
}

/* The whole form by keyboard: the room suggestions close on Tab and on
 * taking one, Tab goes Name → Mobile → ID → Room → Purpose → Plate →
 * Register, and after Register the focus is back in Name. */
static void
test_visitor_keyboard (void)
{
  FdPagesTestView v = { 0 };
  FdVisitorPage *page;
  FdVisitorForm *form;
  FdRoomSuggestions *rooms;
  g_autofree char *prefix = g_strndup (a_room, strrchr (a_room, '-') - a_room + 1);
  guint before;

  fd_pages_test_view_open (&v, server, "reception");
  page = FD_VISITOR_PAGE (fd_main_view_get_page (v.view, "visitors"));
  g_signal_connect (page, "refreshed", G_CALLBACK (refreshed_cb), NULL);
  keys ("alt+2");
  wait_refreshed ();
  before = fd_visitor_page_get_n_visitors (page);
  form = fd_visitor_page_get_form (page);
  rooms = fd_visitor_form_get_room_suggestions (form);

  fd_visitor_form_focus_name (form);
  fd_pages_test_wait (50);
  type ("Li Lei");
  keys ("Tab");
  g_assert_true (focus_in (&v, fd_visitor_form_get_entry (form, "phone")));
  type ("13912345678");
  keys ("Tab");
  g_assert_true (focus_in (&v, fd_visitor_form_get_entry (form, "id_number")));
  keys ("Tab");
  g_assert_true (focus_in (&v, fd_visitor_form_get_entry (form, "room")));

  /* Suggestions open while typing; Tab closes them and goes on. */
  type (prefix);
  g_test_message ("focus %s, room \"%s\", phone %zu chars",
                  G_OBJECT_TYPE_NAME (focus_of (&v)),
                  gtk_editable_get_text (GTK_EDITABLE (fd_visitor_form_get_entry (form, "room"))),
                  strlen (gtk_editable_get_text (GTK_EDITABLE (fd_visitor_form_get_entry (form, "phone")))));
  g_assert_true (fd_pages_test_wait_until (suggestions_cond, rooms, 15000));
  keys ("Tab");
  g_assert_cmpuint (fd_room_suggestions_get_n_shown (rooms), ==, 0);
  g_assert_true (focus_in (&v, fd_visitor_form_get_entry (form, "purpose")));

  /* Back, Down picks a suggestion, Enter takes it and moves on. */
  keys ("shift+Tab");
  g_assert_true (focus_in (&v, fd_visitor_form_get_entry (form, "room")));
  keys ("End");   /* focus by Tab selected it all */
  keys ("BackSpace");
  g_assert_true (fd_pages_test_wait_until (suggestions_cond, rooms, 15000));
  keys ("Down");
  g_assert_cmpint (fd_room_suggestions_get_selected (rooms), ==, 0);
  keys ("Return");
  g_assert_cmpuint (fd_room_suggestions_get_n_shown (rooms), ==, 0);
  g_assert_true (g_str_has_prefix (gtk_editable_get_text (
    GTK_EDITABLE (fd_visitor_form_get_entry (form, "room"))), a_room[0] == '1' ? "1" : ""));
  g_assert_true (focus_in (&v, fd_visitor_form_get_entry (form, "purpose")));
  g_assert_false (fd_visitor_form_get_busy (form));

  /* Escape closes them too, and the focus stays. */
  keys ("shift+Tab");
  keys ("End");
  keys ("BackSpace");
  g_assert_true (fd_pages_test_wait_until (suggestions_cond, rooms, 15000));
  keys ("Escape");
  g_assert_cmpuint (fd_room_suggestions_get_n_shown (rooms), ==, 0);
  g_assert_true (focus_in (&v, fd_visitor_form_get_entry (form, "room")));
  gtk_editable_set_text (GTK_EDITABLE (fd_visitor_form_get_entry (form, "room")), a_room);
  fd_room_suggestions_hide (rooms);
  keys ("Tab");

  g_assert_true (focus_in (&v, fd_visitor_form_get_entry (form, "purpose")));
  type ("Keyboard visit");
  keys ("Tab");
  g_assert_true (focus_in (&v, fd_visitor_form_get_entry (form, "plate")));
  keys ("Tab");
  g_assert_true (focus_in (&v, fd_pages_test_find_button (GTK_WIDGET (form), "_Register Visitor")));
  keys ("Return");
  g_assert_true (fd_pages_test_wait_until (not_busy_cond, form, 15000));
  wait_refreshed ();

  g_assert_null (fd_visitor_form_get_error (form, "name"));
  g_assert_cmpuint (fd_visitor_page_get_n_visitors (page), ==, before + 1);
  g_assert_true (focus_in (&v, fd_visitor_form_get_entry (form, "name")));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (fd_visitor_form_get_entry (form, "name"))),
                   ==, "");
  /* Newest first. */
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (
                     fd_visitor_page_get_row (page, 0))), ==, "Keyboard visit");

  fd_pages_test_view_close (&v);
}

static gboolean
chips_loaded_cond (gpointer data)
{
  return fd_purpose_chips_get_loaded (data);
}

/* The purposes come from the server's list. */
static void
test_purposes (void)
{
  g_autoptr(FdApiClient) admin = fd_pages_test_api (server);
  g_autoptr(FdSessionInfo) session = fd_pages_test_sign_in (server, admin, "admin");
  g_autoptr(JsonNode) put = NULL, back = NULL;
  g_autoptr(GError) error = NULL;
  FdPagesTestView v = { 0 };
  FdVisitorForm *form;
  FdPurposeChips *chips;
  const char * const *shown;
  GtkWidget *chip;

  put = fd_pages_test_call (admin, "PUT", "/visitors/purposes",
                            "{\"items\": [\"快递\", \"外卖\", \"探访\"]}", &error);
  g_assert_no_error (error);

  fd_pages_test_view_open (&v, server, "reception");
  fd_main_view_show_page (v.view, "visitors");
  form = fd_visitor_page_get_form (FD_VISITOR_PAGE (fd_main_view_get_page (v.view, "visitors")));
  chips = fd_visitor_form_get_purpose_chips (form);
  g_assert_true (fd_pages_test_wait_until (chips_loaded_cond, chips, 15000));
  shown = fd_purpose_chips_get_purposes (chips);
  g_assert_cmpuint (g_strv_length ((char **) shown), ==, 3);
  g_assert_cmpstr (shown[1], ==, "外卖");

  /* One click fills the purpose; not a Tab stop. */
  chip = fd_purpose_chips_get_button (chips, "外卖");
  g_assert_nonnull (chip);
  g_assert_false (gtk_widget_get_focusable (chip));
  fd_pages_test_wait (200);
  fd_pages_test_click (chip, 1);
  fd_pages_test_wait (200);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (fd_visitor_form_get_entry (form, "purpose"))),
                   ==, "外卖");
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (chip)));

  fd_pages_test_view_close (&v);
  back = fd_pages_test_call (admin, "PUT", "/visitors/purposes",
                             "{\"items\": [\"快递\", \"探访\", \"维修\", \"装修\"]}", &error);
  g_assert_no_error (error);
}

static gboolean
can_undo_cond (gpointer data)
{
  return fd_visitor_page_get_can_undo (data);
}

/* Check Out, then Undo in its toast: the visitor is inside again. */
static void
test_undo_checkout (void)
{
  FdPagesTestView v = { 0 };
  FdVisitorPage *page;
  g_autoptr(JsonNode) created = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *body = g_strdup_printf ("{\"name\": \"张三\", \"phone\": \"13912340008\", "
                                           "\"room\": \"%s\", \"purpose\": \"Undo visit\"}",
                                           a_room);
  GtkWidget *row, *undo;

  fd_pages_test_view_open (&v, server, "reception");
  created = fd_pages_test_call (v.api, "POST", "/visitors", body, &error);
  g_assert_no_error (error);
  page = FD_VISITOR_PAGE (fd_main_view_get_page (v.view, "visitors"));
  g_signal_connect (page, "refreshed", G_CALLBACK (refreshed_cb), NULL);
  fd_main_view_show_page (v.view, "visitors");
  wait_refreshed ();

  row = fd_visitor_page_get_row (page, 0);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "Undo visit");
  fd_visitor_page_checkout (page, 0);
  wait_refreshed ();
  g_assert_true (fd_pages_test_wait_until (can_undo_cond, page, 5000));
  g_assert_nonnull (fd_pages_test_find_label (fd_visitor_page_get_row (page, 0), "Left"));

  undo = fd_pages_test_find_button (GTK_WIDGET (v.window), "_Undo");
  g_assert_nonnull (undo);
  fd_pages_test_wait (800);   /* the toast has slid in */
  g_test_message ("undo clicked");
  fd_pages_test_click (undo, 1);
  wait_refreshed ();
  g_assert_false (fd_visitor_page_get_can_undo (page));
  row = fd_visitor_page_get_row (page, 0);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "Undo visit");
  g_assert_null (fd_pages_test_find_label (row, "Left"));
  g_assert_nonnull (fd_pages_test_find_button (row, "Check _Out"));

  fd_pages_test_view_close (&v);
}

static gboolean
active_cond (gpointer data)
{
  return gtk_window_is_active (data);
}

/* The verify dialog takes digits typed right after it opens; Ctrl+A
 * marks the whole number without putting it on PRIMARY; it fits at 800×600. */
static void
test_verify_at_once (void)
{
  FdPagesTestView v = { 0 };
  FdResidentPage *page;
  FdResidentDetail *detail;
  FdVerifyDialog *dialog;
  GtkWidget *entry, *check;
  g_autofree char *primary = NULL;
  graphene_rect_t bounds;

  fd_pages_test_view_open (&v, server, "reception");
  gtk_window_set_default_size (v.window, 800, 600);
  page = fd_pages_test_search (&v, "residents", "1-1");
  detail = fd_pages_test_open_detail (page, 0);

  dialog = fd_resident_detail_verify (detail);
  g_assert_nonnull (dialog);
  g_assert_true (fd_pages_test_wait_until (active_cond, dialog, 10000));
  type ("1381");
  entry = fd_verify_dialog_get_entry (dialog);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "1381");

  keys ("ctrl+a");
  g_assert_true (fd_select_all_get_active (GTK_EDITABLE (entry)));
  primary = fd_pages_test_xclip ("primary", NULL, NULL);
  g_assert_null (strstr (primary, "1381"));
  type ("139");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "139");
  keys ("ctrl+a");
  keys ("BackSpace");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");

  /* All of it on screen, the Check button included, within 600 px. */
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (dialog)), <=, 600);
  {
    g_autoptr(GPtrArray) buttons = fd_pages_test_find_all (GTK_WIDGET (dialog), GTK_TYPE_BUTTON);

    check = NULL;
    for (guint i = 0; i < buttons->len; i++)
      if (g_strcmp0 (gtk_actionable_get_action_name (g_ptr_array_index (buttons, i)),
                     "verify.submit") == 0)
        check = g_ptr_array_index (buttons, i);
  }
  g_assert_nonnull (check);
  g_assert_true (gtk_widget_compute_bounds (check, GTK_WIDGET (dialog), &bounds));
  g_assert_cmpfloat (bounds.origin.y + bounds.size.height, <=,
                     gtk_widget_get_height (GTK_WIDGET (dialog)) - 4);

  gtk_window_destroy (GTK_WINDOW (dialog));
  fd_pages_test_view_close (&v);
}

static void
test_group_digits (void)
{
  struct { const char *key, *in, *out; } cases[] = {
    { "phone", "13812345678", "138 1234 5678" },
    { "id_number", "11010119900101123X", "110101 19900101 123X" },
    { "account", "6222020200112233445", "6222 0202 0011 2233 445" },
    { "phone", "138****5678", "138****5678" },
    { "home_address", "北京市 1号", "北京市 1号" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *grouped = fd_desk_group_digits (cases[i].key, cases[i].in);

      g_assert_cmpstr (grouped, ==, cases[i].out);
    }
}

int
main (int   argc,
      char *argv[])
{
  FdTestServerOptions options = { .residents = 300 };
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  server = fd_test_server_start (&options);
  {
    g_autoptr(FdApiClient) api = fd_pages_test_api (server);
    g_autoptr(FdSessionInfo) session = fd_pages_test_sign_in (server, api, "reception");
    g_autoptr(JsonNode) rooms = NULL;
    g_autoptr(GError) error = NULL;

    /* A room whose number has at least two digits after the unit. */
    rooms = fd_pages_test_call (api, "GET", "/rooms?q=1-1&limit=1", NULL, &error);
    g_assert_no_error (error);
    a_room = g_strdup (fd_json_get_string (json_array_get_object_element (
      json_object_get_array_member (json_node_get_object (rooms), "items"), 0), "room"));
    g_assert_cmpuint (strlen (strrchr (a_room, '-') + 1), >=, 3);
  }

  g_test_add_func ("/fd/pages/desk/group-digits", test_group_digits);
  g_test_add_func ("/fd/pages/desk/type-to-search", test_type_to_search);
  g_test_add_func ("/fd/pages/desk/room-prefix", test_room_prefix);
  g_test_add_func ("/fd/pages/desk/alt-number", test_alt_number);
  g_test_add_func ("/fd/pages/desk/stable-sidebar", test_stable_sidebar);
  g_test_add_func ("/fd/pages/desk/visitor-keyboard", test_visitor_keyboard);
  g_test_add_func ("/fd/pages/desk/purposes", test_purposes);
  g_test_add_func ("/fd/pages/desk/undo-checkout", test_undo_checkout);
  g_test_add_func ("/fd/pages/desk/verify-at-once", test_verify_at_once);

  ret = g_test_run ();

  g_free (a_room);
  fd_test_server_stop (server);
  return ret;
}
