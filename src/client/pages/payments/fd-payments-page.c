/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Overdue and recent payments, as the role sees them. */

#include "config.h"

#include "fd-payments-page.h"

#include "fd-form-util.h"
#include "fd-view-util.h"

#include <glib/gi18n.h>

#define PAGE_SIZE 50

struct _FdPaymentsPage
{
  GtkWidget      parent_instance;

  GtkWidget     *scroller;
  GtkWidget     *search;
  GtkWidget     *overdue_button;
  GtkWidget     *all_button;
  GtkWidget     *list;
  GtkWidget     *more_button;
  GtkWidget     *spinner;
  GtkLabel      *count_label;
  GtkLabel      *message;

  FdApiClient   *api;
  GCancellable  *cancellable;
  GPtrArray     *items;        /* FdResident */
  char          *next_cursor;
  gboolean       overdue_only;
};

G_DEFINE_FINAL_TYPE (FdPaymentsPage, fd_payments_page, GTK_TYPE_WIDGET)

enum {
  LOADED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

char *
fd_payments_format_amount (gint64 cents)
{
  g_autofree char *digits = g_strdup_printf ("%" G_GINT64_FORMAT, ABS (cents) / 100);
  GString *out = g_string_new (cents < 0 ? "-¥" : "¥");
  gsize len = strlen (digits);

  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, digits[i]);
    }
  g_string_append_printf (out, ".%02d", (int) (ABS (cents) % 100));
  return g_string_free (out, FALSE);
}

static const char *
field_text (const FdFieldValue *field)
{
  return field != NULL && field->value != NULL ? field->value : "—";
}

static GtkWidget *
payment_row (const FdResident *resident)
{
  const FdPayments *payments = resident->payments;
  gboolean overdue = payments != NULL && g_strcmp0 (payments->status, "overdue") == 0;
  g_autoptr(GString) subtitle = g_string_new (NULL);
  g_autofree char *amount = NULL;
  g_autofree char *name = NULL;
  GtkWidget *row, *box, *amount_label, *status;

  /* Translators: a room number follows */
  g_string_append_printf (subtitle, _("Room %s"), field_text (resident->room));
  if (payments != NULL && payments->last_paid_at != NULL)
    /* Translators: %s is a date */
    g_string_append_printf (subtitle, _(" · last paid %s"), payments->last_paid_at);
  if (payments != NULL && payments->account != NULL)
    /* Translators: %s is a masked account number, **** **** **** 1234 */
    g_string_append_printf (subtitle, _(" · account %s"), field_text (payments->account));

  row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), field_text (resident->name));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
  gtk_widget_set_focusable (row, TRUE);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  amount = fd_payments_format_amount (payments && payments->has_balance ? payments->balance_cents
                                                                         : 0);
  amount_label = gtk_label_new (amount);
  gtk_label_set_xalign (GTK_LABEL (amount_label), 1);
  gtk_widget_add_css_class (amount_label, "numeric");
  gtk_widget_add_css_class (amount_label, "heading");
  status = gtk_label_new (overdue ? _("Overdue") : _("Paid"));
  gtk_label_set_xalign (GTK_LABEL (status), 1);
  gtk_widget_add_css_class (status, "caption");
  gtk_widget_add_css_class (status, overdue ? "error" : "success");
  gtk_box_append (GTK_BOX (box), amount_label);
  gtk_box_append (GTK_BOX (box), status);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), box);

  /* One sentence for screen readers: what the row shows, nothing more. */
  /* Translators: name, then amount owed, then Overdue/Paid, then the room etc. */
  name = g_strdup_printf (_("%s, balance %s, %s, %s"), field_text (resident->name), amount,
                          overdue ? _("Overdue") : _("Paid"), subtitle->str);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  return row;
}

static void
update_count (FdPaymentsPage *self)
{
  g_autofree char *text = NULL;
  guint n = self->items ? self->items->len : 0;

  if (self->overdue_only)
    /* Translators: how many overdue payments the list shows */
    text = g_strdup_printf (ngettext ("%u overdue shown", "%u overdue shown", n), n);
  else
    /* Translators: how many residents the list shows */
    text = g_strdup_printf (ngettext ("%u resident shown", "%u residents shown", n), n);
  if (self->next_cursor != NULL)
    {
      char *more = g_strconcat (text, _(" (more below)"), NULL);
      g_free (text);
      text = more;
    }
  gtk_label_set_text (self->count_label, text);
}

static void
set_loading (FdPaymentsPage *self,
             gboolean        loading)
{
  gtk_widget_set_visible (self->spinner, loading);
  gtk_spinner_set_spinning (GTK_SPINNER (self->spinner), loading);
  gtk_widget_set_visible (self->more_button, !loading && self->next_cursor != NULL);
}

static void
page_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(FdPaymentsPage) self = user_data;
  g_autoptr(FdPage) page = NULL;
  g_autoptr(GError) error = NULL;

  page = fd_api_client_list_payments_finish (FD_API_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (page == NULL)
    {
      fd_form_set_message (self->message, error->message);
      set_loading (self, FALSE);
      g_signal_emit (self, signals[LOADED], 0);
      return;
    }
  fd_form_set_message (self->message, NULL);
  for (guint i = 0; i < page->items->len; i++)
    {
      FdResident *resident = g_ptr_array_index (page->items, i);

      gtk_list_box_append (GTK_LIST_BOX (self->list), payment_row (resident));
    }
  /* the page's items move to ours, keeping their order */
  g_ptr_array_set_free_func (page->items, NULL);
  g_ptr_array_extend_and_steal (self->items, g_steal_pointer (&page->items));
  g_free (self->next_cursor);
  self->next_cursor = g_steal_pointer (&page->next_cursor);
  set_loading (self, FALSE);
  update_count (self);
  g_signal_emit (self, signals[LOADED], 0);
}

static void
load (FdPaymentsPage *self,
      const char     *cursor)
{
  g_autofree char *query = NULL;

  query = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->search))));

  fd_view_cancel (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  set_loading (self, TRUE);
  fd_api_client_list_payments_async (self->api, self->overdue_only, query, PAGE_SIZE, cursor,
                                     self->cancellable, page_cb, g_object_ref (self));
}

void
fd_payments_page_refresh (FdPaymentsPage *self)
{
  GtkWidget *child;

  g_return_if_fail (FD_IS_PAYMENTS_PAGE (self));

  while ((child = GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (self->list),
                                                             0))) != NULL)
    gtk_list_box_remove (GTK_LIST_BOX (self->list), child);
  g_ptr_array_set_size (self->items, 0);
  g_clear_pointer (&self->next_cursor, g_free);
  update_count (self);
  load (self, NULL);
}

void
fd_payments_page_load_more (FdPaymentsPage *self)
{
  g_return_if_fail (FD_IS_PAYMENTS_PAGE (self));

  if (self->next_cursor != NULL)
    {
      g_autofree char *cursor = g_strdup (self->next_cursor);
      load (self, cursor);
    }
}

gboolean
fd_payments_page_has_more (FdPaymentsPage *self)
{
  g_return_val_if_fail (FD_IS_PAYMENTS_PAGE (self), FALSE);
  return self->next_cursor != NULL;
}

void
fd_payments_page_set_query (FdPaymentsPage *self,
                            const char     *text)
{
  g_return_if_fail (FD_IS_PAYMENTS_PAGE (self));
  gtk_editable_set_text (GTK_EDITABLE (self->search), text);
  fd_payments_page_refresh (self);
}

void
fd_payments_page_set_overdue_only (FdPaymentsPage *self,
                                   gboolean        overdue_only)
{
  g_return_if_fail (FD_IS_PAYMENTS_PAGE (self));
  /* the toggle's handler refreshes */
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (overdue_only ? self->overdue_button
                                                                : self->all_button), TRUE);
}

GPtrArray *
fd_payments_page_get_items (FdPaymentsPage *self)
{
  g_return_val_if_fail (FD_IS_PAYMENTS_PAGE (self), NULL);
  return self->items;
}

const char *
fd_payments_page_get_message (FdPaymentsPage *self)
{
  g_return_val_if_fail (FD_IS_PAYMENTS_PAGE (self), NULL);
  return fd_form_get_message (self->message);
}

static void
toggled_cb (FdPaymentsPage *self)
{
  gboolean overdue_only = gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->overdue_button));

  if (overdue_only == self->overdue_only)
    return;
  self->overdue_only = overdue_only;
  fd_payments_page_refresh (self);
}

static void
more_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  fd_payments_page_load_more (FD_PAYMENTS_PAGE (widget));
}

static void
fd_payments_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (fd_payments_page_parent_class)->map (widget);
  fd_payments_page_refresh (FD_PAYMENTS_PAGE (widget));
}

static void
fd_payments_page_dispose (GObject *object)
{
  FdPaymentsPage *self = FD_PAYMENTS_PAGE (object);

  fd_view_cancel (&self->cancellable);
  g_clear_pointer (&self->scroller, gtk_widget_unparent);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->next_cursor, g_free);
  g_clear_object (&self->api);

  G_OBJECT_CLASS (fd_payments_page_parent_class)->dispose (object);
}

static void
fd_payments_page_class_init (FdPaymentsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fd_payments_page_dispose;
  widget_class->map = fd_payments_page_map;
  signals[LOADED] = fd_view_add_signal (klass, "loaded");
  gtk_widget_class_install_action (widget_class, "payments.more", NULL, more_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "fd-payments-page");
}

static void
fd_payments_page_init (FdPaymentsPage *self)
{
  self->items = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_resident_free);
  self->overdue_only = TRUE;
}

FdPaymentsPage *
fd_payments_page_new (FdApiClient *api)
{
  FdPaymentsPage *self;
  GtkWidget *box, *bar, *linked, *group, *footer;

  g_return_val_if_fail (FD_IS_API_CLIENT (api), NULL);

  self = g_object_new (FD_TYPE_PAYMENTS_PAGE, NULL);
  self->api = g_object_ref (api);

  self->scroller = fd_view_page_scroller (GTK_WIDGET (self), 12, &box);

  bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  self->search = gtk_search_entry_new ();
  gtk_widget_set_hexpand (self->search, TRUE);
  gtk_search_entry_set_search_delay (GTK_SEARCH_ENTRY (self->search), 100);
  g_object_set (self->search, "placeholder-text", _("Room or name"), NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->search), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Search payments by room or name"), -1);
  g_signal_connect_swapped (self->search, "search-changed", G_CALLBACK (fd_payments_page_refresh),
                            self);
  gtk_box_append (GTK_BOX (bar), self->search);

  linked = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_widget_add_css_class (linked, "linked");
  self->overdue_button = gtk_toggle_button_new_with_mnemonic (_("_Overdue"));
  /* GTK 4.8 names it with the underscore: let the label name it */
  gtk_accessible_reset_property (GTK_ACCESSIBLE (self->overdue_button), GTK_ACCESSIBLE_PROPERTY_LABEL);
  gtk_widget_set_tooltip_text (self->overdue_button, _("Only residents with overdue payments"));
  self->all_button = gtk_toggle_button_new_with_mnemonic (_("_All"));
  /* GTK 4.8 names it with the underscore: let the label name it */
  gtk_accessible_reset_property (GTK_ACCESSIBLE (self->all_button), GTK_ACCESSIBLE_PROPERTY_LABEL);
  gtk_widget_set_tooltip_text (self->all_button, _("Every resident, with the last payment"));
  gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (self->all_button),
                               GTK_TOGGLE_BUTTON (self->overdue_button));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->overdue_button), TRUE);
  g_signal_connect_swapped (self->overdue_button, "toggled", G_CALLBACK (toggled_cb), self);
  gtk_accessible_update_property (GTK_ACCESSIBLE (linked), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Which payments to show"), -1);
  gtk_box_append (GTK_BOX (linked), self->overdue_button);
  gtk_box_append (GTK_BOX (linked), self->all_button);
  gtk_box_append (GTK_BOX (bar), linked);
  gtk_box_append (GTK_BOX (box), bar);

  self->message = fd_view_error_label ();
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->message));

  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Payments"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
    _("Payment accounts are shown masked, as your role sees them."));
  self->count_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->count_label), "dim-label");
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group),
                                           GTK_WIDGET (self->count_label));
  self->list = fd_view_boxed_list (_("Payments"), _("No matching payments"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->list);
  gtk_box_append (GTK_BOX (box), group);

  footer = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_halign (footer, GTK_ALIGN_CENTER);
  self->spinner = gtk_spinner_new ();
  gtk_widget_set_visible (self->spinner, FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->spinner), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Loading payments"), -1);
  self->more_button = gtk_button_new_with_mnemonic (_("Show _More"));
  /* GTK 4.8 names it with the underscore: let the label name it */
  gtk_accessible_reset_property (GTK_ACCESSIBLE (self->more_button), GTK_ACCESSIBLE_PROPERTY_LABEL);
  gtk_widget_add_css_class (self->more_button, "pill");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->more_button), "payments.more");
  gtk_widget_set_visible (self->more_button, FALSE);
  gtk_box_append (GTK_BOX (footer), self->spinner);
  gtk_box_append (GTK_BOX (footer), self->more_button);
  gtk_box_append (GTK_BOX (box), footer);

  return self;
}
