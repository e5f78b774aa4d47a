/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The visitors page: registration form, today's visitors, check-out with Undo, export. */

#include "config.h"

#include "fd-visitor-page.h"

#include "fd-error.h"
#include "fd-export-file.h"
#include "fd-export-visitors.h"
#include "fd-sensitive-field.h"
#include "fd-view-util.h"

#include <glib/gi18n.h>

#define PAGE_SIZE 100
/* A day's log is read whole, then shown newest first (issue 14); this
 * many pages at most. */
#define MAX_PAGES 50
/* How long the Undo of a check-out is offered (the server allows 30 s). */
#define UNDO_SECONDS 10

struct _FdVisitorPage
{
  GtkWidget      parent_instance;

  GtkWidget     *scroller;
  GtkWidget     *box;
  FdVisitorForm *form;
  GtkWidget     *list_group;
  GtkWidget     *list;
  GtkWidget     *placeholder;
  GtkWidget     *more_button;
  GtkWidget     *error_label;

  FdApiClient   *api;
  GCancellable  *cancellable;
  char          *cursor;
  GPtrArray     *loading;        /* FdVisitor *, the pages of a refresh so far */
  guint          n_pages;
  gboolean       can_checkout;
  gboolean       can_export;
  guint          n_visitors;
  char          *undo_id;        /* the visitor the Undo toast would bring back */
  AdwToast      *undo_toast;
};

G_DEFINE_FINAL_TYPE (FdVisitorPage, fd_visitor_page, GTK_TYPE_WIDGET)

enum {
  REFRESHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

char *
fd_visitor_page_today (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  return g_date_time_format (now, "%Y-%m-%d");
}

static GtkWidget *
add_field (GtkWidget          *row,
           const FdFieldValue *given,
           const char         *title,
           gboolean            prefix)
{
  g_autoptr(FdFieldValue) value = NULL;
  FdSensitiveField *field;

  if (given == NULL)
    return NULL;

  value = fd_field_value_copy (given);
  /* Visitors' values are never revealed here. */
  value->revealable = FALSE;
  field = fd_sensitive_field_new (title, value);
  gtk_widget_set_focusable (GTK_WIDGET (field), FALSE);
  if (prefix)
    {
      gtk_widget_set_size_request (GTK_WIDGET (field), 90, -1);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), GTK_WIDGET (field));
    }
  else
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), GTK_WIDGET (field));
  fd_sensitive_field_protect_row (field, row);

  return GTK_WIDGET (field);
}

static void
checkout_clicked_cb (GtkButton     *button,
                     FdVisitorPage *self)
{
  GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (button), GTK_TYPE_LIST_BOX_ROW);

  if (row != NULL)
    fd_visitor_page_checkout (self, gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (row)));
}

static void
add_visitor_row (FdVisitorPage   *self,
                 const FdVisitor *visitor)
{
  const char *id = visitor->id;
  const char *purpose = visitor->purpose;
  const char *arrived = visitor->arrived_at;
  const char *left = visitor->left_at;
  g_autoptr(GString) subtitle = g_string_new (NULL);
  GtkWidget *row;

  row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 purpose && *purpose ? purpose : _("Visit"));
  g_object_set_data_full (G_OBJECT (row), "fd-visitor-id", g_strdup (id), g_free);

  if (visitor->room != NULL)
    /* Translators: part of a visitor row; %s is a room such as 3-2-1502 */
    g_string_append_printf (subtitle, _("Room %s"), visitor->room->value);
  if (arrived != NULL)
    {
      g_autofree char *when = fd_view_format_time (arrived, FALSE);

      if (subtitle->len > 0)
        g_string_append (subtitle, " · ");
      /* Translators: part of a visitor row; %s is a time such as 09:12 */
      g_string_append_printf (subtitle, _("arrived %s"), when);
    }
  if (left != NULL)
    {
      g_autofree char *when = fd_view_format_time (left, FALSE);

      if (subtitle->len > 0)
        g_string_append (subtitle, " · ");
      /* Translators: part of a visitor row; %s is a time such as 10:05 */
      g_string_append_printf (subtitle, _("left %s"), when);
    }
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);

  add_field (row, visitor->name, _("Name"), TRUE);
  add_field (row, visitor->phone, _("Mobile"), FALSE);
  add_field (row, visitor->plate, _("Licence plate"), FALSE);

  if (self->can_checkout && left == NULL)
    {
      GtkWidget *button = gtk_button_new_with_mnemonic (_("Check _Out"));

      /* GTK 4.8 also copies the raw mnemonic text ("_Show") into the accessible
       * label, ahead of the label's own text: let the mnemonic label name it. */
      gtk_accessible_reset_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL);
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      g_signal_connect_object (button, "clicked", G_CALLBACK (checkout_clicked_cb), self, 0);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }
  else if (left != NULL)
    {
      GtkWidget *label = gtk_label_new (_("Left"));

      gtk_widget_add_css_class (label, "dim-label");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
    }

  gtk_list_box_append (GTK_LIST_BOX (self->list), row);
  self->n_visitors++;
}

static void fetch (FdVisitorPage *self,
                   gboolean       first);

static void
clear_list (FdVisitorPage *self)
{
  GtkWidget *child;

  /* Rows only: the placeholder is a child of the list too. */
  while ((child = GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (self->list), 0))) != NULL)
    gtk_list_box_remove (GTK_LIST_BOX (self->list), child);
  self->n_visitors = 0;
}

static void
list_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(FdVisitorPage) self = user_data;
  g_autoptr(FdPage) page = NULL;
  g_autoptr(GError) error = NULL;
  gboolean first = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (self), "fd-first"));

  page = fd_api_client_list_visitors_finish (FD_API_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (page == NULL)
    {
      clear_list (self);
      g_ptr_array_set_size (self->loading, 0);
      gtk_label_set_text (GTK_LABEL (self->error_label), error->message);
      gtk_widget_set_visible (self->error_label, TRUE);
      g_signal_emit (self, signals[REFRESHED], 0);
      return;
    }

  gtk_widget_set_visible (self->error_label, FALSE);
  if (first)
    g_ptr_array_set_size (self->loading, 0);
  for (guint i = 0; i < page->items->len; i++)
    g_ptr_array_add (self->loading, g_steal_pointer (&page->items->pdata[i]));
  g_ptr_array_set_size (page->items, 0);

  g_free (self->cursor);
  self->cursor = g_strdup (page->next_cursor);
  /* The whole day first, then newest first: the server pages oldest first. */
  if (self->cursor != NULL && ++self->n_pages < MAX_PAGES)
    {
      fetch (self, FALSE);
      return;
    }
  clear_list (self);
  for (guint i = self->loading->len; i > 0; i--)
    add_visitor_row (self, g_ptr_array_index (self->loading, i - 1));
  g_ptr_array_set_size (self->loading, 0);
  gtk_widget_set_visible (self->more_button, FALSE);
  gtk_widget_set_visible (self->placeholder, self->n_visitors == 0);
  g_signal_emit (self, signals[REFRESHED], 0);
}

static void
fetch (FdVisitorPage *self,
       gboolean       first)
{
  g_autofree char *today = fd_visitor_page_today ();

  fd_view_cancel (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  g_object_set_data (G_OBJECT (self), "fd-first", GINT_TO_POINTER (first));
  if (first)
    self->n_pages = 0;
  fd_api_client_list_visitors_async (self->api, today, PAGE_SIZE, first ? NULL : self->cursor,
                                     self->cancellable, list_cb, g_object_ref (self));
}

void
fd_visitor_page_refresh (FdVisitorPage *self)
{
  g_return_if_fail (FD_IS_VISITOR_PAGE (self));
  fetch (self, TRUE);
}

/* ---- Undo on Check Out (issue 14) ---------------------------------------- */

static void
undo_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(FdVisitorPage) self = user_data;
  g_autoptr(FdVisitor) visitor = NULL;
  g_autoptr(GError) error = NULL;

  visitor = fd_api_client_undo_checkout_visitor_finish (FD_API_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (visitor == NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "pages.toast", "s",
                                g_error_matches (error, FD_ERROR, FD_ERROR_FORBIDDEN)
                                ? _("It is too late to undo this check-out.")
                                : error->message);
  else
    gtk_widget_activate_action (GTK_WIDGET (self), "pages.toast", "s",
                                _("Check-out undone"));
  fd_visitor_page_refresh (self);
}

void
fd_visitor_page_undo_checkout (FdVisitorPage *self)
{
  g_autofree char *id = NULL;

  g_return_if_fail (FD_IS_VISITOR_PAGE (self));

  id = g_steal_pointer (&self->undo_id);
  if (id == NULL)
    return;
  /* Dismissing forgets the id (::dismissed): it was taken first. */
  if (self->undo_toast != NULL)
    adw_toast_dismiss (self->undo_toast);
  fd_api_client_undo_checkout_visitor_async (self->api, id, self->cancellable,
                                             undo_cb, g_object_ref (self));
}

static void
undo_dismissed_cb (AdwToast      *toast,
                   FdVisitorPage *self)
{
  if (self->undo_toast == toast)
    {
      g_clear_object (&self->undo_toast);
      g_clear_pointer (&self->undo_id, g_free);
    }
}

/* "Checked out" with Undo, for UNDO_SECONDS, in the view's toast overlay. */
static void
offer_undo (FdVisitorPage *self,
            const char    *visitor_id)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  AdwToast *toast;

  if (self->undo_toast != NULL)
    adw_toast_dismiss (self->undo_toast);
  g_clear_object (&self->undo_toast);
  if (overlay == NULL)
    {
      gtk_widget_activate_action (GTK_WIDGET (self), "pages.toast", "s", _("Checked out"));
      return;
    }

  g_free (self->undo_id);
  self->undo_id = g_strdup (visitor_id);
  toast = adw_toast_new (_("Checked out"));
  adw_toast_set_timeout (toast, UNDO_SECONDS);
  adw_toast_set_button_label (toast, _("_Undo"));
  /* The toast lives in the view's overlay, above this page: its button
   * cannot reach the page's visitors.* actions. */
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (fd_visitor_page_undo_checkout),
                           self, G_CONNECT_SWAPPED);
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (undo_dismissed_cb), self, 0);
  self->undo_toast = g_object_ref (toast);
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
}

static void
checkout_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(FdVisitorPage) self = user_data;
  g_autoptr(FdVisitor) visitor = NULL;
  g_autoptr(GError) error = NULL;

  visitor = fd_api_client_checkout_visitor_finish (FD_API_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (visitor == NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "pages.toast", "s", error->message);
  else
    offer_undo (self, visitor->id);
  fd_visitor_page_refresh (self);
}

void
fd_visitor_page_checkout (FdVisitorPage *self,
                          guint          index)
{
  GtkListBoxRow *row;
  const char *id;

  g_return_if_fail (FD_IS_VISITOR_PAGE (self));

  row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (self->list), index);
  id = row ? g_object_get_data (G_OBJECT (row), "fd-visitor-id") : NULL;
  if (id == NULL || !self->can_checkout)
    return;

  gtk_widget_set_sensitive (GTK_WIDGET (row), FALSE);
  fd_api_client_checkout_visitor_async (self->api, id, self->cancellable,
                                        checkout_cb, g_object_ref (self));
}

FdVisitorForm *
fd_visitor_page_get_form (FdVisitorPage *self)
{
  g_return_val_if_fail (FD_IS_VISITOR_PAGE (self), NULL);
  return self->form;
}

guint
fd_visitor_page_get_n_visitors (FdVisitorPage *self)
{
  g_return_val_if_fail (FD_IS_VISITOR_PAGE (self), 0);
  return self->n_visitors;
}

GtkWidget *
fd_visitor_page_get_row (FdVisitorPage *self,
                         guint          index)
{
  g_return_val_if_fail (FD_IS_VISITOR_PAGE (self), NULL);
  return GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (self->list), index));
}

static void
undo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  fd_visitor_page_undo_checkout (FD_VISITOR_PAGE (widget));
}

gboolean
fd_visitor_page_get_can_undo (FdVisitorPage *self)
{
  g_return_val_if_fail (FD_IS_VISITOR_PAGE (self), FALSE);
  return self->undo_id != NULL;
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  fd_visitor_page_refresh (FD_VISITOR_PAGE (widget));
}

static void
more_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  fetch (FD_VISITOR_PAGE (widget), FALSE);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FdVisitorPage *self = FD_VISITOR_PAGE (widget);
  g_autofree char *today = fd_visitor_page_today ();

  if (self->can_export)
    fd_export_visitors_run (widget, self->api, today);
}

static void
fd_visitor_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (fd_visitor_page_parent_class)->map (widget);
  fd_visitor_page_refresh (FD_VISITOR_PAGE (widget));
}

static void
fd_visitor_page_dispose (GObject *object)
{
  FdVisitorPage *self = FD_VISITOR_PAGE (object);

  fd_view_cancel (&self->cancellable);
  if (self->undo_toast != NULL)
    adw_toast_dismiss (self->undo_toast);
  g_clear_object (&self->undo_toast);
  /* Closes an export file chooser left open. */
  fd_export_file_close (GTK_WIDGET (object));
  g_clear_pointer (&self->scroller, gtk_widget_unparent);
  g_clear_object (&self->api);

  G_OBJECT_CLASS (fd_visitor_page_parent_class)->dispose (object);
}

static void
fd_visitor_page_finalize (GObject *object)
{
  g_free (FD_VISITOR_PAGE (object)->cursor);
  g_free (FD_VISITOR_PAGE (object)->undo_id);
  g_ptr_array_unref (FD_VISITOR_PAGE (object)->loading);

  G_OBJECT_CLASS (fd_visitor_page_parent_class)->finalize (object);
}

static void
fd_visitor_page_class_init (FdVisitorPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fd_visitor_page_dispose;
  object_class->finalize = fd_visitor_page_finalize;
  widget_class->map = fd_visitor_page_map;

  signals[REFRESHED] = fd_view_add_signal (klass, "refreshed");

  gtk_widget_class_install_action (widget_class, "visitors.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "visitors.more", NULL, more_action);
  gtk_widget_class_install_action (widget_class, "visitors.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "visitors.undo-checkout", NULL, undo_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "fd-visitor-page");
}

static void
fd_visitor_page_init (FdVisitorPage *self)
{
  GtkWidget *clamp, *suffix, *button;

  self->loading = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_visitor_free);
  self->scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scroller),
                                  GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_parent (self->scroller, GTK_WIDGET (self));

  clamp = adw_clamp_new ();
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 760);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scroller), clamp);

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 24);
  gtk_widget_set_margin_top (self->box, 18);
  gtk_widget_set_margin_bottom (self->box, 18);
  gtk_widget_set_margin_start (self->box, 12);
  gtk_widget_set_margin_end (self->box, 12);
  adw_clamp_set_child (ADW_CLAMP (clamp), self->box);

  self->list_group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self->list_group),
                                   _("Today’s Visitors"));
  suffix = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  button = gtk_button_new_from_icon_name ("view-refresh-symbolic");
  gtk_widget_set_tooltip_text (button, _("Refresh"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Refresh today’s visitors"),
                                  -1);
  gtk_widget_add_css_class (button, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "visitors.refresh");
  gtk_box_append (GTK_BOX (suffix), button);
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (self->list_group), suffix);
  g_object_set_data (G_OBJECT (self), "fd-suffix", suffix);

  self->list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (self->list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (self->list, "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Today’s visitors"), -1);
  self->placeholder = gtk_label_new (_("No visitors yet today"));
  gtk_widget_add_css_class (self->placeholder, "dim-label");
  gtk_widget_set_margin_top (self->placeholder, 18);
  gtk_widget_set_margin_bottom (self->placeholder, 18);
  gtk_list_box_set_placeholder (GTK_LIST_BOX (self->list), self->placeholder);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->list_group), self->list);

  self->error_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->error_label), TRUE);
  gtk_widget_add_css_class (self->error_label, "error");
  gtk_widget_set_visible (self->error_label, FALSE);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->list_group), self->error_label);

  self->more_button = gtk_button_new_with_mnemonic (_("Show _More"));
  gtk_accessible_reset_property (GTK_ACCESSIBLE (self->more_button),
                                GTK_ACCESSIBLE_PROPERTY_LABEL);
  gtk_widget_set_halign (self->more_button, GTK_ALIGN_CENTER);
  gtk_widget_set_margin_top (self->more_button, 12);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->more_button), "visitors.more");
  gtk_widget_set_visible (self->more_button, FALSE);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->list_group), self->more_button);
}

static void
registered_cb (FdVisitorPage *self)
{
  fd_visitor_page_refresh (self);
}

FdVisitorPage *
fd_visitor_page_new (FdApiClient *api,
                     gboolean     can_register,
                     gboolean     can_checkout,
                     gboolean     can_export)
{
  FdVisitorPage *self;

  g_return_val_if_fail (FD_IS_API_CLIENT (api), NULL);

  self = g_object_new (FD_TYPE_VISITOR_PAGE, NULL);
  self->api = g_object_ref (api);
  self->can_checkout = can_checkout;
  self->can_export = can_export;

  if (can_register)
    {
      self->form = fd_visitor_form_new (api);
      gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->form));
      g_signal_connect_object (self->form, "registered", G_CALLBACK (registered_cb), self,
                               G_CONNECT_SWAPPED);
    }
  gtk_box_append (GTK_BOX (self->box), self->list_group);

  if (can_export)
    fd_export_visitors_add_button (GTK_WIDGET (self), api,
                                   g_object_get_data (G_OBJECT (self), "fd-suffix"));

  return self;
}
