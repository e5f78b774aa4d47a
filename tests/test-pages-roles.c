/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests which pages and fields each role sees in the client. */

#include "config.h"

#include <adwaita.h>

#include "fd-api-client.h"
#include "fd-clipboard.h"
#include "fd-field.h"
#include "fd-main-view.h"
#include "fd-resident-page.h"
#include "fd-resident-row.h"
#include "fd-sensitive-entry.h"
#include "fd-sensitive-field.h"
#include "fd-test-server.h"
#include "fd-visitor-page.h"
#include "test-pages-util.h"

/* Per role: which pages exist, and that the resident list and detail show
 * exactly the baseline's field set, as the server sent it; then every way
 * of copying a sensitive widget, checked from another process. */

static FdTestServer *server;

typedef struct
{
  const char *role;
  const char *pages;          /* the role's pages, space separated */
  const char *resident_page;  /* "residents", "lookup" or NULL */
  /* detail fields: present? masked? revealable? */
  gboolean    id_number, home_address, payments, account;
  gboolean    name_masked, room_masked, plates_masked;
  gboolean    phone_revealable, id_revealable, address_revealable, plates_revealable;
} RoleSpec;

static const RoleSpec roles[] = {
  { "reception", "residents visitors", "residents",
    TRUE, TRUE, TRUE, FALSE,   FALSE, FALSE, TRUE,    TRUE, TRUE, FALSE, TRUE },
  { "patrol", "lookup visitors", "lookup",
    FALSE, FALSE, FALSE, FALSE, TRUE, TRUE, FALSE,    FALSE, FALSE, FALSE, FALSE },
  { "finance", "residents payments", "residents",
    FALSE, FALSE, TRUE, TRUE,  FALSE, FALSE, TRUE,    TRUE, FALSE, FALSE, FALSE },
  { "manager", "residents visitors payments audit alerts review checks", "residents",
    TRUE, TRUE, TRUE, TRUE,    FALSE, FALSE, FALSE,   TRUE, TRUE, TRUE, FALSE },
  { "auditor", "audit alerts review", NULL },
  { "admin", "accounts checks", NULL },
};

static const char *all_pages[] = { "residents", "lookup", "visitors", "audit", "alerts",
                                   "review", "checks", "payments", "accounts" };

static FdFieldValue *
server_field (JsonObject *object,
              const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return node ? fd_field_value_parse (node, NULL) : NULL;
}

static gboolean
matches (const char *pattern,
         const char *text)
{
  return g_regex_match_simple (pattern, text, 0, 0);
}

static void
check_sensitive (FdResidentDetail *detail,
                 const char       *key,
                 JsonObject       *resident,
                 gboolean          masked,
                 gboolean          revealable)
{
  GtkWidget *value = fd_resident_detail_get_value (detail, key);
  g_autoptr(FdFieldValue) sent = server_field (resident, key);

  g_test_message ("field %s", key);
  g_assert_nonnull (value);
  g_assert_true (FD_IS_SENSITIVE_FIELD (value));
  g_assert_nonnull (sent);
  /* Exactly as the server sent it. */
  g_assert_cmpstr (fd_sensitive_field_get_display (FD_SENSITIVE_FIELD (value)), ==, sent->value);
  g_assert_cmpint (fd_sensitive_field_get_masked (FD_SENSITIVE_FIELD (value)), ==, masked);
  g_assert_cmpint (sent->masked, ==, masked);
  g_assert_cmpint (fd_sensitive_field_get_revealable (FD_SENSITIVE_FIELD (value)), ==,
                   revealable);
  g_assert_cmpint (sent->revealable, ==, revealable);
}

static void
assert_clipboard_clean (GPtrArray  *sensitive,
                        const char *expected_plain)
{
  g_autofree char *clipboard = fd_pages_test_xclip ("clipboard", NULL, NULL);
  g_autofree char *primary = fd_pages_test_xclip ("primary", NULL, NULL);

  for (guint i = 0; i < sensitive->len; i++)
    {
      const char *value = g_ptr_array_index (sensitive, i);

      if (strstr (clipboard, value) != NULL || strstr (primary, value) != NULL)
        g_error ("a sensitive value (field %u) reached a selection", i);
    }
  if (expected_plain != NULL)
    g_assert_cmpstr (clipboard, ==, expected_plain);
}

static void
assert_no_drag_source (GtkWidget *widget)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      g_assert_false (GTK_IS_DRAG_SOURCE (controller));
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    assert_no_drag_source (child);
}

static void
assert_no_open_popover (GtkWidget *root)
{
  g_autoptr(GPtrArray) popovers = fd_pages_test_find_all (root, GTK_TYPE_POPOVER);

  for (guint i = 0; i < popovers->len; i++)
    g_assert_false (gtk_widget_get_visible (g_ptr_array_index (popovers, i)));
}

/* Every way to copy, on every sensitive widget of the view. */
static void
try_to_copy_everything (FdPagesTestView *v,
                        GPtrArray  *sensitive,
                        const char *plain)
{
  g_autoptr(GPtrArray) fields = fd_pages_test_find_all (GTK_WIDGET (v->view),
                                                        FD_TYPE_SENSITIVE_FIELD);
  g_autoptr(GPtrArray) list_rows = NULL;

  /* A click on a result opens it, which rebuilds the detail: hold on to
   * every field and skip the ones that went away. */
  for (guint i = 0; i < fields->len; i++)
    g_object_ref (g_ptr_array_index (fields, i));
  g_ptr_array_set_free_func (fields, g_object_unref);
  g_assert_cmpuint (fields->len, >, 0);
  list_rows = g_ptr_array_new ();
  for (guint i = 0; i < fields->len; i++)
    {
      FdSensitiveField *field = g_ptr_array_index (fields, i);
      GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (field), GTK_TYPE_LIST_BOX_ROW);
      GtkWidget *item = gtk_widget_get_ancestor (GTK_WIDGET (field), GTK_TYPE_LIST_VIEW);
      const char *shown = gtk_widget_get_root (GTK_WIDGET (field))
                            ? fd_sensitive_field_get_display (field) : NULL;
      GtkWidget *list_row = gtk_widget_get_ancestor (GTK_WIDGET (field), FD_TYPE_RESIDENT_ROW);
      guint refused = fd_sensitive_get_refusal_count ();

      /* Two result rows are enough; the detail is checked in full. */
      if (list_row != NULL && !g_ptr_array_find (list_rows, list_row, NULL))
        {
          if (list_rows->len >= 2)
            continue;
          g_ptr_array_add (list_rows, list_row);
        }

      if (gtk_widget_get_root (GTK_WIDGET (field)) == NULL ||
          !gtk_widget_get_mapped (GTK_WIDGET (field)) || shown == NULL || *shown == '\0')
        continue;

      /* A room in clear is a plain value: the list shows it in a
       * non-copyable field all the same. */
      if (g_strcmp0 (shown, plain) != 0)
        g_ptr_array_add (sensitive, g_strdup (shown));
      assert_no_drag_source (GTK_WIDGET (field));

      /* The copy action, a right click (no menu: a refusal), a drag. */
      gtk_widget_activate_action (GTK_WIDGET (field), "clipboard.copy", NULL);
      fd_pages_test_click (GTK_WIDGET (field), 3);
      assert_no_open_popover (GTK_WIDGET (v->window));
      fd_pages_test_drag (GTK_WIDGET (field));

      /* Ctrl+C on it and on its row. */
      if (gtk_widget_get_focusable (GTK_WIDGET (field)))
        fd_pages_test_key (GTK_WIDGET (field), "ctrl+c");
      if (row != NULL)
        {
          fd_pages_test_key (row, "ctrl+c");
          fd_pages_test_key (row, "ctrl+Insert");
        }
      if (item != NULL)
        fd_pages_test_key (item, "ctrl+c");

      g_assert_cmpuint (fd_sensitive_get_refusal_count (), >, refused);
      g_assert_cmpstr (fd_main_view_get_last_toast (v->view), ==,
                       "Sensitive fields cannot be copied");
    }

  assert_clipboard_clean (sensitive, plain);
}

static void
test_role (gconstpointer data)
{
  const RoleSpec *spec = data;
  g_autoptr(GPtrArray) sensitive = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonNode) sent = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) expected_pages = g_strsplit (spec->pages, " ", -1);
  g_auto(GStrv) keys = NULL;
  g_autoptr(GPtrArray) expected_keys = g_ptr_array_new ();
  FdResidentPage *page;
  FdResidentDetail *detail;
  FdResidentListModel *model;
  JsonObject *resident;
  g_autofree char *path = NULL;
  g_autofree char *plain = NULL;
  gint found = -1;
  FdPagesTestView v = { 0 };

  fd_pages_test_view_open (&v, server, spec->role);

  /* Only the role's pages exist. */
  for (guint i = 0; i < G_N_ELEMENTS (all_pages); i++)
    g_assert_cmpint (fd_main_view_get_page (v.view, all_pages[i]) != NULL, ==,
                     g_strv_contains ((const char * const *) expected_pages, all_pages[i]));

  if (fd_main_view_get_page (v.view, "visitors") != NULL)
    {
      FdVisitorPage *visitors = FD_VISITOR_PAGE (fd_main_view_get_page (v.view, "visitors"));

      g_assert_cmpint (fd_visitor_page_get_form (visitors) != NULL, ==,
                       !g_str_equal (spec->role, "patrol"));
    }

  if (spec->resident_page == NULL)
    {
      fd_pages_test_view_close (&v);
      return;
    }

  /* The list: building 1, unit 1 matches for every role (patrol sees the
   * building-unit of a room). */
  page = fd_pages_test_search (&v, spec->resident_page, "1-1");
  model = fd_resident_page_get_model (page);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), >, 0);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (model)); i++)
    {
      g_autoptr(FdResidentItem) item = g_list_model_get_item (G_LIST_MODEL (model), i);

      /* Summary fields: name, room, phone for every resident role. */
      g_assert_nonnull (fd_resident_item_get_name (item));
      g_assert_nonnull (fd_resident_item_get_room (item));
      g_assert_nonnull (fd_resident_item_get_phone (item));
      g_assert_true (fd_resident_item_get_phone (item)->masked);
      g_assert_cmpint (fd_resident_item_get_name (item)->masked, ==, spec->name_masked);
      g_assert_cmpint (fd_resident_item_get_room (item)->masked, ==, spec->room_masked);
      g_assert_true (matches ("^1[3-9][0-9]\\*{4}[0-9]{4}$",
                              fd_resident_item_get_phone (item)->value));
      if (fd_resident_item_get_plates (item) != NULL)
        {
          g_assert_cmpint (fd_resident_item_get_plates (item)->masked, ==, spec->plates_masked);
          if (found < 0)
            found = i;
        }
    }
  g_assert_cmpint (found, >=, 0);

  /* The rows on screen show the same. */
  {
    g_autoptr(GPtrArray) rows = fd_pages_test_find_all (GTK_WIDGET (page), FD_TYPE_RESIDENT_ROW);

    g_assert_cmpuint (rows->len, >, 0);
  }

  /* The detail: one row per field the server sent, none for the others. */
  detail = fd_pages_test_open_detail (page, found);
  {
    g_autofree char *shot = g_strdup_printf ("detail-%s", spec->role);
    fd_pages_test_screenshot (GTK_WIDGET (v.window), shot);
  }
  path = g_strdup_printf ("/residents/%s", fd_resident_detail_get_resident_id (detail));
  sent = fd_pages_test_call (v.api, "GET", path, NULL, &error);
  g_assert_no_error (error);
  resident = json_node_get_object (sent);

  g_ptr_array_add (expected_keys, (gpointer) "name");
  g_ptr_array_add (expected_keys, (gpointer) "room");
  g_ptr_array_add (expected_keys, (gpointer) "phone");
  if (spec->id_number)
    g_ptr_array_add (expected_keys, (gpointer) "id_number");
  if (spec->home_address)
    g_ptr_array_add (expected_keys, (gpointer) "home_address");
  g_ptr_array_add (expected_keys, (gpointer) "plates");
  if (spec->payments)
    g_ptr_array_add (expected_keys, (gpointer) "payment_status");
  if (spec->account)
    {
      JsonObject *payments = json_object_get_object_member (resident, "payments");

      g_ptr_array_add (expected_keys, (gpointer) "account");
      g_ptr_array_add (expected_keys, (gpointer) "balance");
      if (json_object_has_member (payments, "last_paid_at") &&
          fd_json_get_string (payments, "last_paid_at") != NULL)
        g_ptr_array_add (expected_keys, (gpointer) "last_paid");
    }
  g_ptr_array_add (expected_keys, NULL);

  keys = fd_resident_detail_get_keys (detail);
  {
    g_autofree char *got = g_strjoinv (" ", keys);
    g_autofree char *want = g_strjoinv (" ", (char **) expected_keys->pdata);

    g_assert_cmpstr (got, ==, want);
  }

  /* Baseline table, field by field. */
  check_sensitive (detail, "name", resident, spec->name_masked, FALSE);
  check_sensitive (detail, "phone", resident, TRUE, spec->phone_revealable);
  if (spec->id_number)
    {
      check_sensitive (detail, "id_number", resident, TRUE, spec->id_revealable);
      g_assert_true (matches ("^\\*{14}[0-9X]{4}$",
                              fd_sensitive_field_get_display (
                                FD_SENSITIVE_FIELD (fd_resident_detail_get_value (detail,
                                                                                  "id_number")))));
    }
  if (spec->home_address)
    check_sensitive (detail, "home_address", resident, TRUE, spec->address_revealable);
  if (spec->room_masked)
    check_sensitive (detail, "room", resident, TRUE, FALSE);
  else
    {
      g_autoptr(FdFieldValue) room = server_field (resident, "room");
      GtkWidget *label = fd_resident_detail_get_value (detail, "room");

      g_assert_true (GTK_IS_LABEL (label));
      g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, room->value);
      plain = g_strdup (room->value);
    }
  if (spec->name_masked)
    g_assert_true (g_str_has_suffix (fd_sensitive_field_get_display (
                     FD_SENSITIVE_FIELD (fd_resident_detail_get_value (detail, "name"))), "**"));
  {
    GtkWidget *plates = fd_resident_detail_get_value (detail, "plates");

    g_assert_true (FD_IS_SENSITIVE_FIELD (plates));
    g_assert_cmpint (fd_sensitive_field_get_masked (FD_SENSITIVE_FIELD (plates)), ==,
                     spec->plates_masked);
    g_assert_cmpint (fd_sensitive_field_get_revealable (FD_SENSITIVE_FIELD (plates)), ==,
                     spec->plates_revealable);
  }
  if (spec->account)
    check_sensitive (detail, "account", json_object_get_object_member (resident, "payments"),
                     TRUE, FALSE);

  /* A plain value can be copied, with the clipboard-manager hint. */
  if (plain != NULL)
    {
      g_autofree char *copied = NULL;
      g_autofree char *hint = NULL;

      fd_pages_test_key (fd_resident_detail_get_row (detail, "room"), "ctrl+c");
      copied = fd_pages_test_xclip ("clipboard", NULL, NULL);
      g_assert_cmpstr (copied, ==, plain);
      hint = fd_pages_test_xclip ("clipboard", FD_CLIPBOARD_HINT_TARGET, NULL);
      g_assert_cmpstr (hint, ==, "secret");
    }
  else
    {
      plain = g_strdup ("plain marker");
      fd_clipboard_copy_plain (GTK_WIDGET (v.view), plain);
    }

  try_to_copy_everything (&v, sensitive, plain);

  fd_pages_test_view_close (&v);
}

static guint
count_all (FdApiClient *api,
           const char  *query)
{
  g_autofree char *cursor = NULL;
  guint total = 0;

  do
    {
      g_autofree char *path = NULL;
      g_autoptr(JsonNode) page = NULL;
      g_autoptr(GError) error = NULL;
      JsonObject *object;

      path = cursor ? g_strdup_printf ("/residents?q=%s&limit=100&cursor=%s", query, cursor)
                    : g_strdup_printf ("/residents?q=%s&limit=100", query);
      page = fd_pages_test_call (api, "GET", path, NULL, &error);
      g_assert_no_error (error);
      object = json_node_get_object (page);
      total += json_array_get_length (json_object_get_array_member (object, "items"));
      g_free (cursor);
      cursor = fd_json_get_string (object, "next_cursor")
                 ? g_uri_escape_string (fd_json_get_string (object, "next_cursor"), NULL, FALSE)
                 : NULL;
    }
  while (cursor != NULL);

  return total;
}

typedef struct
{
  FdResidentListModel *model;
  guint                before;
} Growth;

static gboolean
grown_cond (gpointer data)
{
  Growth *growth = data;

  return !fd_resident_list_model_get_loading (growth->model) &&
         (g_list_model_get_n_items (G_LIST_MODEL (growth->model)) > growth->before ||
          !fd_resident_list_model_get_has_more (growth->model));
}

/* Scrolling to the end fetches the next page through the cursor. */
static void
test_paging (void)
{
  FdPagesTestView v = { 0 };
  FdResidentPage *page;
  FdResidentListModel *model;
  GtkAdjustment *adjustment;
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint expected, n, pages = 1;

  fd_pages_test_view_open (&v, server, "reception");
  page = FD_RESIDENT_PAGE (fd_main_view_get_page (v.view, "residents"));
  model = fd_resident_page_get_model (page);
  fd_resident_list_model_set_page_size (model, 10);
  expected = count_all (v.api, "1");
  g_assert_cmpuint (expected, >, 60);

  /* The first page, and as many more as fill the view and a margin. */
  fd_pages_test_search (&v, "residents", "1");
  fd_pages_test_wait (500);
  n = g_list_model_get_n_items (G_LIST_MODEL (model));
  g_assert_cmpuint (n, >=, 10);
  g_assert_cmpuint (n % 10, ==, 0);
  g_assert_cmpuint (n, <, expected);
  g_assert_true (fd_resident_list_model_get_has_more (model));

  adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (fd_resident_page_get_list_view (page)));
  while (fd_resident_list_model_get_has_more (model))
    {
      Growth growth = { model, g_list_model_get_n_items (G_LIST_MODEL (model)) };

      fd_pages_test_wait (100);
      gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) -
                                            gtk_adjustment_get_page_size (adjustment));
      g_assert_true (fd_pages_test_wait_until (grown_cond, &growth, 15000));
      pages++;
      g_assert_cmpuint (pages, <, 100);
    }

  n = g_list_model_get_n_items (G_LIST_MODEL (model));
  g_assert_cmpuint (n, ==, expected);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FdResidentItem) item = g_list_model_get_item (G_LIST_MODEL (model), i);

      g_assert_true (g_hash_table_add (ids, g_strdup (fd_resident_item_get_id (item))));
    }

  /* A new query starts again at one page. */
  fd_pages_test_search (&v, "residents", "1-1");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), <=, 10);
  fd_pages_test_view_close (&v);
}

static void
drain_ready_sources (void)
{
  /* Only what is ready now: a search delay would still wait on its timer. */
  for (guint i = 0; i < 5; i++)
    while (g_main_context_iteration (NULL, FALSE))
      ;
}

typedef struct
{
  FdResidentListModel *model;
  const char          *query;
} QueryIs;

static gboolean
query_is_cond (gpointer data)
{
  QueryIs *q = data;

  return g_strcmp0 (fd_resident_list_model_get_query (q->model), q->query) == 0;
}

/* Issue 13: an edit after a pause searches at once (the entry has no
 * search delay), and an edit that follows within the burst window is
 * coalesced into one search at its end, so typing is not one search a
 * key. */
static void
test_search_at_once (void)
{
  FdPagesTestView v = { 0 };
  FdResidentPage *page;
  FdResidentListModel *model;
  GtkWidget *entry;
  QueryIs second;
  gint64 t0;

  fd_pages_test_view_open (&v, server, "reception");
  page = FD_RESIDENT_PAGE (fd_main_view_get_page (v.view, "residents"));
  model = fd_resident_page_get_model (page);
  entry = fd_resident_page_get_search_entry (page);
  fd_pages_test_wait (200);

  t0 = g_get_monotonic_time ();
  gtk_editable_set_text (GTK_EDITABLE (entry), "1-1");
  drain_ready_sources ();
  g_assert_cmpstr (fd_resident_list_model_get_query (model), ==, "1-1");

  gtk_editable_set_text (GTK_EDITABLE (entry), "1-2");
  drain_ready_sources ();
  if (g_get_monotonic_time () - t0 < 40 * 1000)
    g_assert_cmpstr (fd_resident_list_model_get_query (model), ==, "1-1");
  else
    g_test_message ("the machine was too slow to check the coalescing window");
  second = (QueryIs) { model, "1-2" };
  g_assert_true (fd_pages_test_wait_until (query_is_cond, &second, 2000));
  fd_pages_test_view_close (&v);
}

int
main (int   argc,
      char *argv[])
{
  /* Enough residents that one building fills several pages. */
  FdTestServerOptions options = { .residents = 1000 };
  int status;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  server = fd_test_server_start (&options);

  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    {
      g_autofree char *test_path = g_strdup_printf ("/fd/pages/roles/%s", roles[i].role);

      g_test_add_data_func (test_path, &roles[i], test_role);
    }

  g_test_add_func ("/fd/pages/roles/paging", test_paging);
  g_test_add_func ("/fd/pages/roles/search-at-once", test_search_at_once);

  status = g_test_run ();
  fd_test_server_stop (server);
  return status;
}
