/* fd-acks-page.c: who has acknowledged the data-protection rules (manager)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fd-acks-page.h"

#include "fd-view-util.h"

#include <glib/gi18n.h>

struct _FdAcksPage
{
  GtkWidget     parent_instance;

  GtkWidget    *scroller;
  GtkWidget    *group;
  GtkWidget    *list;
  GtkWidget    *error_label;

  FdApiClient  *api;
  GCancellable *cancellable;
  guint         n_overdue;
};

G_DEFINE_FINAL_TYPE (FdAcksPage, fd_acks_page, GTK_TYPE_WIDGET)

enum {
  LOADED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
add_row (FdAcksPage       *self,
         const FdRulesAck *ack)
{
  g_autofree char *when = fd_view_format_time (ack->acknowledged_at, TRUE);
  g_autofree char *subtitle = NULL;
  GtkWidget *row, *badge;

  if (ack->acknowledged_at != NULL)
    /* Translators: %s is a role, %lld a version number, %s a date and time */
    subtitle = g_strdup_printf (_("%s · version %lld, %s"), ack->role ? ack->role : "",
                                (long long) ack->acknowledged_version, when);
  else
    /* Translators: %s is a role */
    subtitle = g_strdup_printf (_("%s · never acknowledged"), ack->role ? ack->role : "");

  row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 ack->display_name ? ack->display_name : ack->user);
  {
    g_autofree char *full = g_strdup_printf ("%s · %s", ack->user, subtitle);
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), full);
  }
  badge = gtk_label_new (ack->overdue ? _("Acknowledgment overdue") : _("Up to date"));
  gtk_widget_add_css_class (badge, ack->overdue ? "error" : "success");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), badge);
  gtk_list_box_append (GTK_LIST_BOX (self->list), row);
  if (ack->overdue)
    self->n_overdue++;
}

static void
acks_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(FdAcksPage) self = user_data;
  g_autoptr(FdPage) page = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *description = NULL;
  GtkWidget *child;

  page = fd_api_client_list_rules_acks_finish (FD_API_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  while ((child = GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (self->list), 0))) != NULL)
    gtk_list_box_remove (GTK_LIST_BOX (self->list), child);
  self->n_overdue = 0;
  if (page == NULL)
    {
      gtk_label_set_text (GTK_LABEL (self->error_label), error->message);
      gtk_widget_set_visible (self->error_label, TRUE);
      g_signal_emit (self, signals[LOADED], 0);
      return;
    }
  gtk_widget_set_visible (self->error_label, FALSE);
  for (guint i = 0; i < page->items->len; i++)
    add_row (self, g_ptr_array_index (page->items, i));
  /* Translators: %u is a number of accounts */
  description = g_strdup_printf (ngettext ("%u account has not acknowledged the current rules.",
                                              "%u accounts have not acknowledged the current rules.",
                                              self->n_overdue), self->n_overdue);
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self->group), description);
  g_signal_emit (self, signals[LOADED], 0);
}

void
fd_acks_page_refresh (FdAcksPage *self)
{
  g_return_if_fail (FD_IS_ACKS_PAGE (self));

  fd_view_cancel (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  fd_api_client_list_rules_acks_async (self->api, self->cancellable, acks_cb, g_object_ref (self));
}

guint
fd_acks_page_get_n_overdue (FdAcksPage *self)
{
  g_return_val_if_fail (FD_IS_ACKS_PAGE (self), 0);
  return self->n_overdue;
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  fd_acks_page_refresh (FD_ACKS_PAGE (widget));
}

static void
fd_acks_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (fd_acks_page_parent_class)->map (widget);
  fd_acks_page_refresh (FD_ACKS_PAGE (widget));
}

static void
fd_acks_page_dispose (GObject *object)
{
  FdAcksPage *self = FD_ACKS_PAGE (object);

  fd_view_cancel (&self->cancellable);
  g_clear_pointer (&self->scroller, gtk_widget_unparent);
  g_clear_object (&self->api);

  G_OBJECT_CLASS (fd_acks_page_parent_class)->dispose (object);
}

static void
fd_acks_page_class_init (FdAcksPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fd_acks_page_dispose;
  widget_class->map = fd_acks_page_map;

  signals[LOADED] = fd_view_add_signal (klass, "loaded");

  gtk_widget_class_install_action (widget_class, "acks.refresh", NULL, refresh_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "fd-acks-page");
}

static void
fd_acks_page_init (FdAcksPage *self)
{
}

FdAcksPage *
fd_acks_page_new (FdApiClient *api)
{
  FdAcksPage *self;
  GtkWidget *box, *button, *placeholder;

  g_return_val_if_fail (FD_IS_API_CLIENT (api), NULL);

  self = g_object_new (FD_TYPE_ACKS_PAGE, NULL);
  self->api = g_object_ref (api);

  box = fd_view_page_scaffold (GTK_WIDGET (self), 760, 24, &self->scroller);

  self->group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self->group),
                                   _("Rules Acknowledgments"));
  button = gtk_button_new_from_icon_name ("view-refresh-symbolic");
  gtk_widget_set_tooltip_text (button, _("Refresh"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Refresh acknowledgments"), -1);
  gtk_widget_add_css_class (button, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "acks.refresh");
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (self->group), button);
  self->list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (self->list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (self->list, "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Rules acknowledgments"), -1);
  placeholder = gtk_label_new (_("No accounts"));
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_list_box_set_placeholder (GTK_LIST_BOX (self->list), placeholder);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->group), self->list);
  self->error_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->error_label), TRUE);
  gtk_widget_add_css_class (self->error_label, "error");
  gtk_widget_set_visible (self->error_label, FALSE);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->group), self->error_label);
  gtk_box_append (GTK_BOX (box), self->group);

  return self;
}
