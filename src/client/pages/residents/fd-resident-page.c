/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The resident search page: search as you type, paged results, a resident's detail beside. */

#include "config.h"

#include "fd-resident-page.h"

#include "fd-resident-row.h"
#include "fd-sensitive-entry.h"
#include "fd-validate.h"

#include <glib/gi18n.h>
#include <string.h>

/* Fetch the next page when the view is this many screens from the end.
 * (Row binding is no guide: GtkListView 4.8 binds up to ~200 rows around
 * the view, so it would page through everything.) */
#define LOAD_MORE_SCREENS 1.0

/* The search entry reports every edit on the next main-loop iteration
 * (search-delay 0: the delete and insert of one input-method commit are
 * one edit). A search goes out at once unless one went out less than
 * SEARCH_BURST_MS ago; edits within that window (a burst of typing) are
 * coalesced into one search at its end. */
#define SEARCH_BURST_MS 50

struct _FdResidentPage
{
  GtkWidget            parent_instance;

  AdwLeaflet          *leaflet;
  GtkWidget           *list_pane;
  GtkWidget           *search_entry;
  GtkWidget           *count_label;
  GtkWidget           *header_box;
  GtkWidget           *detail_title;
  GtkStack            *results_stack;
  AdwStatusPage       *empty_status;
  AdwStatusPage       *error_status;
  GtkWidget           *scroller;
  GtkListView         *list_view;
  GtkWidget           *detail_pane;
  GtkWidget           *back_button;
  GtkStack            *detail_stack;

  FdApiClient         *api;
  FdResidentListModel *model;
  FdResidentDetail    *detail;
  guint                load_more_id;
  guint                search_id;        /* a coalesced search waiting */
  gint64               last_search_at;   /* monotonic µs */
  gboolean             open_top_pending; /* Enter before the results came */
};

G_DEFINE_FINAL_TYPE (FdResidentPage, fd_resident_page, GTK_TYPE_WIDGET)

static gboolean
load_more_idle_cb (gpointer user_data)
{
  FdResidentPage *self = user_data;

  self->load_more_id = 0;
  fd_resident_list_model_load_more (self->model);
  return G_SOURCE_REMOVE;
}

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          gpointer                  user_data)
{
  gtk_list_item_set_child (item, fd_resident_row_new ());
}

/* GTK 4.8 gives a list row (the row widget's parent) no accessible name, so
 * a screen reader said only "list item": name it after the resident as the
 * row shows them (already masked for the role), and drop it on unbind. */
static void
name_list_row (GtkWidget      *row,
               FdResidentItem *resident)
{
  GtkWidget *cell = gtk_widget_get_parent (row);
  const FdFieldValue *name_field = resident ? fd_resident_item_get_name (resident) : NULL;
  const FdFieldValue *room_field = resident ? fd_resident_item_get_room (resident) : NULL;
  const char *name = name_field ? name_field->value : NULL;
  const char *room = room_field ? room_field->value : NULL;
  char *label = NULL;

  if (cell == NULL)
    return;

  if (name != NULL && room != NULL)
    /* Translators: accessible name of a search result: a resident's name
     * and room as the list shows them ("张*三, room 3-2-1502") */
    label = g_strdup_printf (_("%s, room %s"), name, room);
  else if (name != NULL || room != NULL)
    label = g_strdup (name != NULL ? name : room);
  else if (resident != NULL)
    label = g_strdup (_("Resident"));

  if (label != NULL)
    {
      gtk_accessible_update_property (GTK_ACCESSIBLE (cell),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      explicit_bzero (label, strlen (label));
      g_free (label);
    }
  else
    {
      gtk_accessible_reset_property (GTK_ACCESSIBLE (cell), GTK_ACCESSIBLE_PROPERTY_LABEL);
    }
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *item,
         FdResidentPage           *self)
{
  fd_resident_row_set_item (FD_RESIDENT_ROW (gtk_list_item_get_child (item)),
                            gtk_list_item_get_item (item));
  name_list_row (gtk_list_item_get_child (item), gtk_list_item_get_item (item));
}

static void
scrolled_cb (GtkAdjustment  *adjustment,
             FdResidentPage *self)
{
  double left = gtk_adjustment_get_upper (adjustment) -
                (gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment));

  /* Near the end, or the results do not even fill the view. */
  if (left <= gtk_adjustment_get_page_size (adjustment) * LOAD_MORE_SCREENS &&
      fd_resident_list_model_get_has_more (self->model) &&
      !fd_resident_list_model_get_loading (self->model) && self->load_more_id == 0)
    self->load_more_id = g_idle_add (load_more_idle_cb, self);
}

static void
unbind_cb (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  fd_resident_row_set_item (FD_RESIDENT_ROW (gtk_list_item_get_child (item)), NULL);
  name_list_row (gtk_list_item_get_child (item), NULL);
}

static void
update_count (FdResidentPage *self,
              guint           n)
{
  g_autofree char *text = NULL;

  if (n == 0)
    text = g_strdup ("");
  else if (fd_resident_list_model_get_has_more (self->model))
    /* Translators: the result count while more results are to come as
     * the list scrolls */
    text = g_strdup_printf (ngettext ("First %u resident — scroll for more",
                                      "First %u residents — scroll for more", n), n);
  else
    /* Translators: %u is the number of residents found */
    text = g_strdup_printf (ngettext ("%u resident", "%u residents", n), n);
  gtk_label_set_text (GTK_LABEL (self->count_label), text);
  gtk_widget_set_visible (self->count_label, n > 0);
}

/* The column headings follow the columns the role is sent. */
static void
update_header (FdResidentPage *self)
{
  g_autoptr(FdResidentItem) first = g_list_model_get_item (G_LIST_MODEL (self->model), 0);

  if (first != NULL)
    fd_resident_row_update_header (self->header_box, first);
}

static void
update_results_page (FdResidentPage *self)
{
  const char *query = fd_resident_list_model_get_query (self->model);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->model));

  update_count (self, *query == '\0' ? 0 : n);
  update_header (self);

  if (*query == '\0')
    gtk_stack_set_visible_child_name (self->results_stack, "empty");
  else if (n == 0 && !fd_resident_list_model_get_loading (self->model))
    gtk_stack_set_visible_child_name (self->results_stack, "none");
  else if (n > 0)
    gtk_stack_set_visible_child_name (self->results_stack, "list");
}

static gboolean
results_current (FdResidentPage *self)
{
  g_autofree char *typed = fd_resident_page_normalize_query (
    gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));

  return self->search_id == 0 && !fd_resident_list_model_get_loading (self->model) &&
         g_strcmp0 (typed, fd_resident_list_model_get_query (self->model)) == 0;
}

static void
model_updated_cb (FdResidentPage *self)
{
  update_results_page (self);
  if (self->open_top_pending && results_current (self))
    {
      self->open_top_pending = FALSE;
      if (g_list_model_get_n_items (G_LIST_MODEL (self->model)) > 0)
        fd_resident_page_open (self, 0);
    }
}

/* Enter in the search entry opens the top hit, once the results are
 * those of what is typed (issue 14). */
static void
search_activate_cb (FdResidentPage *self)
{
  if (!results_current (self))
    {
      self->open_top_pending = TRUE;
      return;
    }
  if (g_list_model_get_n_items (G_LIST_MODEL (self->model)) > 0)
    fd_resident_page_open (self, 0);
}

static void
model_failed_cb (FdResidentPage *self,
                 GError         *error)
{
  self->open_top_pending = FALSE;
  adw_status_page_set_description (self->error_status, error->message);
  gtk_stack_set_visible_child_name (self->results_stack, "error");
}

static void
run_search (FdResidentPage *self)
{
  g_autofree char *query = fd_resident_page_normalize_query (
    gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));

  g_clear_handle_id (&self->search_id, g_source_remove);
  self->last_search_at = g_get_monotonic_time ();
  fd_resident_list_model_set_query (self->model, query);
  update_results_page (self);
  if (self->open_top_pending)
    model_updated_cb (self);
}

static gboolean
coalesced_search_cb (gpointer user_data)
{
  FdResidentPage *self = user_data;

  self->search_id = 0;
  run_search (self);
  return G_SOURCE_REMOVE;
}

static void
search_changed_cb (FdResidentPage *self)
{
  gint64 since_ms = (g_get_monotonic_time () - self->last_search_at) / 1000;

  /* A pending search will read the text when it runs. */
  if (self->search_id != 0 &&
      *gtk_editable_get_text (GTK_EDITABLE (self->search_entry)) != '\0')
    return;
  if (since_ms >= SEARCH_BURST_MS ||
      *gtk_editable_get_text (GTK_EDITABLE (self->search_entry)) == '\0')
    run_search (self);
  else
    self->search_id = g_timeout_add (SEARCH_BURST_MS - since_ms, coalesced_search_cb, self);
}

static void
stop_search_cb (FdResidentPage *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
}

void
fd_resident_page_open (FdResidentPage *self,
                       guint           position)
{
  g_autoptr(FdResidentItem) item = NULL;

  g_return_if_fail (FD_IS_RESIDENT_PAGE (self));

  item = g_list_model_get_item (G_LIST_MODEL (self->model), position);
  if (item == NULL)
    return;

  fd_resident_detail_load (self->detail, fd_resident_item_get_id (item));
  gtk_stack_set_visible_child (self->detail_stack, GTK_WIDGET (self->detail));
  adw_leaflet_set_visible_child (self->leaflet, self->detail_pane);
  gtk_widget_set_visible (self->detail_title, FALSE);
  if (adw_leaflet_get_folded (self->leaflet))
    gtk_widget_grab_focus (self->back_button);
}

static void
activate_cb (GtkListView    *list_view,
             guint           position,
             FdResidentPage *self)
{
  fd_resident_page_open (self, position);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  FdResidentPage *self = FD_RESIDENT_PAGE (widget);

  fd_resident_page_remask_all (self);
  adw_leaflet_set_visible_child (self->leaflet, self->list_pane);
  gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
}

/* The detail's title: the name and room as the role sees them (masked). */
static void
detail_loaded_cb (FdResidentPage *self,
                  gboolean        ok)
{
  const char *name = NULL, *room = NULL;

  fd_resident_detail_get_heading (self->detail, &name, &room);
  adw_window_title_set_title (ADW_WINDOW_TITLE (self->detail_title), ok && name ? name : "");
  adw_window_title_set_subtitle (ADW_WINDOW_TITLE (self->detail_title), ok && room ? room : "");
  gtk_widget_set_visible (self->detail_title, ok && (name != NULL || room != NULL));
}

static void
folded_cb (FdResidentPage *self)
{
  gtk_widget_set_visible (self->back_button, adw_leaflet_get_folded (self->leaflet));
}

static void
leaflet_child_cb (FdResidentPage *self)
{
  /* Navigation re-masks whatever was revealed. */
  if (adw_leaflet_get_folded (self->leaflet) &&
      adw_leaflet_get_visible_child (self->leaflet) == self->list_pane)
    fd_resident_page_remask_all (self);
}

static gboolean
list_copy_cb (GtkWidget *widget,
              GVariant  *args,
              gpointer   user_data)
{
  fd_sensitive_notify_refused (widget);
  return TRUE;
}

/* Dashes of other forms (an input method's －, —, –, ‐) in what looks
 * like a room ("3－2－15") are the ASCII dash the server matches on. */
char *
fd_resident_page_normalize_query (const char *text)
{
  g_autofree char *normalized = fd_input_normalize (text ? text : "", FALSE);
  GString *out = g_string_new (NULL);
  gboolean roomlike = TRUE;

  text = normalized ? normalized : "";
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      gboolean dash = c == 0x2010 || c == 0x2011 || c == 0x2012 || c == 0x2013 ||
                      c == 0x2014 || c == 0x2015 || c == 0x2212 || c == 0xFE63 ||
                      c == 0xFF0D || c == '-';

      if (dash)
        g_string_append_c (out, '-');
      else
        {
          g_string_append_unichar (out, c);
          if (!g_unichar_isdigit (c) && !g_unichar_isspace (c))
            roomlike = FALSE;
        }
    }
  if (!roomlike)
    {
      g_string_free (out, TRUE);
      return g_strdup (text);
    }
  return g_string_free (out, FALSE);
}

void
fd_resident_page_remask_all (FdResidentPage *self)
{
  g_return_if_fail (FD_IS_RESIDENT_PAGE (self));

  fd_resident_detail_remask_all (self->detail);
}

GtkWidget *
fd_resident_page_get_search_entry (FdResidentPage *self)
{
  g_return_val_if_fail (FD_IS_RESIDENT_PAGE (self), NULL);
  return self->search_entry;
}

GtkListView *
fd_resident_page_get_list_view (FdResidentPage *self)
{
  g_return_val_if_fail (FD_IS_RESIDENT_PAGE (self), NULL);
  return self->list_view;
}

FdResidentListModel *
fd_resident_page_get_model (FdResidentPage *self)
{
  g_return_val_if_fail (FD_IS_RESIDENT_PAGE (self), NULL);
  return self->model;
}

FdResidentDetail *
fd_resident_page_get_detail (FdResidentPage *self)
{
  g_return_val_if_fail (FD_IS_RESIDENT_PAGE (self), NULL);
  return self->detail;
}

static void
fd_resident_page_dispose (GObject *object)
{
  FdResidentPage *self = FD_RESIDENT_PAGE (object);

  g_clear_handle_id (&self->load_more_id, g_source_remove);
  g_clear_handle_id (&self->search_id, g_source_remove);
  if (self->model != NULL)
    fd_resident_list_model_clear (self->model);
  if (self->detail != NULL)
    fd_resident_detail_clear (self->detail);
  gtk_widget_dispose_template (GTK_WIDGET (self), FD_TYPE_RESIDENT_PAGE);
  self->detail = NULL;
  g_clear_object (&self->model);
  g_clear_object (&self->api);

  G_OBJECT_CLASS (fd_resident_page_parent_class)->dispose (object);
}

static void
fd_resident_page_class_init (FdResidentPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fd_resident_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
    "/io/github/frontdesk/FrontDesk/pages/fd-resident-page.ui");
  gtk_widget_class_bind_template_child (widget_class, FdResidentPage, leaflet);
  gtk_widget_class_bind_template_child (widget_class, FdResidentPage, list_pane);
  gtk_widget_class_bind_template_child (widget_class, FdResidentPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, FdResidentPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, FdResidentPage, header_box);
  gtk_widget_class_bind_template_child (widget_class, FdResidentPage, detail_title);
  gtk_widget_class_bind_template_child (widget_class, FdResidentPage, results_stack);
  gtk_widget_class_bind_template_child (widget_class, FdResidentPage, empty_status);
  gtk_widget_class_bind_template_child (widget_class, FdResidentPage, error_status);
  gtk_widget_class_bind_template_child (widget_class, FdResidentPage, scroller);
  gtk_widget_class_bind_template_child (widget_class, FdResidentPage, list_view);
  gtk_widget_class_bind_template_child (widget_class, FdResidentPage, detail_pane);
  gtk_widget_class_bind_template_child (widget_class, FdResidentPage, back_button);
  gtk_widget_class_bind_template_child (widget_class, FdResidentPage, detail_stack);

  gtk_widget_class_install_action (widget_class, "residents.back", NULL, back_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
fd_resident_page_init (FdResidentPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

FdResidentPage *
fd_resident_page_new (FdApiClient *api,
                      gboolean     patrol,
                      guint        reveal_window_s)
{
  FdResidentPage *self;
  GtkListItemFactory *factory;
  GtkSelectionModel *selection;
  GtkEventController *controller;

  g_return_val_if_fail (FD_IS_API_CLIENT (api), NULL);

  self = g_object_new (FD_TYPE_RESIDENT_PAGE, NULL);
  self->api = g_object_ref (api);
  self->model = fd_resident_list_model_new (api);
  self->detail = fd_resident_detail_new (api, reveal_window_s);
  gtk_stack_add_named (self->detail_stack, GTK_WIDGET (self->detail), "detail");

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), NULL);
  g_signal_connect_object (factory, "bind", G_CALLBACK (bind_cb), self, 0);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cb), NULL);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);

  selection = GTK_SELECTION_MODEL (gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->model))));
  gtk_single_selection_set_autoselect (GTK_SINGLE_SELECTION (selection), FALSE);
  gtk_single_selection_set_can_unselect (GTK_SINGLE_SELECTION (selection), TRUE);
  gtk_list_view_set_model (self->list_view, selection);
  g_object_unref (selection);

  g_signal_connect_object (self->list_view, "activate", G_CALLBACK (activate_cb), self, 0);
  {
    GtkAdjustment *adjustment =
      gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->list_view));

    g_signal_connect_object (adjustment, "value-changed", G_CALLBACK (scrolled_cb), self, 0);
    g_signal_connect_object (adjustment, "changed", G_CALLBACK (scrolled_cb), self, 0);
  }
  g_signal_connect_object (self->model, "updated", G_CALLBACK (model_updated_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->model, "failed", G_CALLBACK (model_failed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->search_entry, "search-changed",
                           G_CALLBACK (search_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->search_entry, "activate",
                           G_CALLBACK (search_activate_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->detail, "loaded", G_CALLBACK (detail_loaded_cb), self,
                           G_CONNECT_SWAPPED);
  fd_resident_row_fill_header (self->header_box);
  g_signal_connect_object (self->search_entry, "stop-search",
                           G_CALLBACK (stop_search_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->leaflet, "notify::folded", G_CALLBACK (folded_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->leaflet, "notify::visible-child",
                           G_CALLBACK (leaflet_child_cb), self, G_CONNECT_SWAPPED);
  folded_cb (self);

  /* Ctrl+C on a result copies nothing: every value in it is personal. */
  controller = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
    gtk_shortcut_new (gtk_shortcut_trigger_parse_string ("<Control>c|<Control>Insert"),
                      gtk_callback_action_new (list_copy_cb, NULL, NULL)));
  gtk_widget_add_controller (GTK_WIDGET (self->list_view), controller);

  if (patrol)
    {
      g_object_set (self->search_entry,
                    "placeholder-text", _("Plate, building-unit or surname"), NULL);
      adw_status_page_set_title (self->empty_status, _("Look Up a Plate or Room"));
      adw_status_page_set_description (self->empty_status,
        _("Type a licence plate, a building-unit such as 3-2, or a surname."));
    }
  else
    {
      g_object_set (self->search_entry,
                    "placeholder-text", _("Name, initials, room or mobile last 4"), NULL);
      adw_status_page_set_description (self->empty_status,
        _("Type a name, pinyin initials (zs), a room (3-2-1502), "
          "the last 4 digits of a mobile or a plate."));
    }

  return self;
}
