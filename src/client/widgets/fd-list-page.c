/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The base of the pages that show one list loaded from the server. */

#include "config.h"

#include "fd-list-page.h"

#include "fd-view-util.h"

#include <glib/gi18n.h>

typedef struct
{
  GtkWidget    *scroller;
  GtkWidget    *list;
  GtkWidget    *error_label;
  FdApiClient  *api;
  GCancellable *cancellable;
} FdListPagePrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (FdListPage, fd_list_page, GTK_TYPE_WIDGET)

enum {
  LOADED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
load (FdListPage *self,
      gboolean    on_map)
{
  FdListPageClass *klass = FD_LIST_PAGE_GET_CLASS (self);

  if (klass->load != NULL)
    klass->load (self, on_map);
}

void
fd_list_page_refresh (FdListPage *self)
{
  g_return_if_fail (FD_IS_LIST_PAGE (self));
  load (self, FALSE);
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  load (FD_LIST_PAGE (widget), FALSE);
}

void
fd_list_page_class_install_refresh (FdListPageClass *klass,
                                    const char      *action_name)
{
  gtk_widget_class_install_action (GTK_WIDGET_CLASS (klass), action_name, NULL, refresh_action);
}

GtkWidget *
fd_list_page_setup (FdListPage  *self,
                    FdApiClient *api,
                    int          spacing)
{
  FdListPagePrivate *priv = fd_list_page_get_instance_private (self);
  GtkWidget *box;

  g_return_val_if_fail (FD_IS_LIST_PAGE (self), NULL);
  g_return_val_if_fail (FD_IS_API_CLIENT (api), NULL);

  g_set_object (&priv->api, api);
  priv->scroller = fd_view_page_scroller (GTK_WIDGET (self), spacing, &box);
  return box;
}

FdApiClient *
fd_list_page_get_api (FdListPage *self)
{
  FdListPagePrivate *priv = fd_list_page_get_instance_private (self);

  g_return_val_if_fail (FD_IS_LIST_PAGE (self), NULL);
  return priv->api;
}

GCancellable *
fd_list_page_restart (FdListPage *self)
{
  FdListPagePrivate *priv = fd_list_page_get_instance_private (self);

  g_return_val_if_fail (FD_IS_LIST_PAGE (self), NULL);
  fd_view_cancel (&priv->cancellable);
  priv->cancellable = g_cancellable_new ();
  return priv->cancellable;
}

GCancellable *
fd_list_page_get_cancellable (FdListPage *self)
{
  FdListPagePrivate *priv = fd_list_page_get_instance_private (self);

  g_return_val_if_fail (FD_IS_LIST_PAGE (self), NULL);
  return priv->cancellable;
}

GtkWidget *
fd_list_page_group_with_refresh (const char *title,
                                 const char *action_name,
                                 const char *refresh_label)
{
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *button = gtk_button_new_from_icon_name ("view-refresh-symbolic");

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  gtk_widget_set_tooltip_text (button, _("Refresh"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  refresh_label, -1);
  gtk_widget_add_css_class (button, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action_name);
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group), button);
  return group;
}

GtkWidget *
fd_list_page_add_list (FdListPage *self,
                       GtkWidget  *group,
                       const char *accessible_label,
                       const char *placeholder)
{
  FdListPagePrivate *priv = fd_list_page_get_instance_private (self);

  g_return_val_if_fail (FD_IS_LIST_PAGE (self), NULL);
  g_return_val_if_fail (priv->list == NULL, NULL);

  priv->list = fd_view_boxed_list (accessible_label, placeholder);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), priv->list);
  priv->error_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (priv->error_label), TRUE);
  gtk_widget_add_css_class (priv->error_label, "error");
  gtk_widget_set_visible (priv->error_label, FALSE);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), priv->error_label);
  return priv->list;
}

GtkWidget *
fd_list_page_get_list (FdListPage *self)
{
  FdListPagePrivate *priv = fd_list_page_get_instance_private (self);

  g_return_val_if_fail (FD_IS_LIST_PAGE (self), NULL);
  return priv->list;
}

void
fd_list_page_clear_list (GtkWidget *list)
{
  GtkWidget *child;

  g_return_if_fail (GTK_IS_LIST_BOX (list));

  /* Rows only: the placeholder is a child of the list too. */
  while ((child = GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 0))) != NULL)
    gtk_list_box_remove (GTK_LIST_BOX (list), child);
}

void
fd_list_page_set_error (FdListPage *self,
                        const char *message)
{
  FdListPagePrivate *priv = fd_list_page_get_instance_private (self);

  g_return_if_fail (FD_IS_LIST_PAGE (self));
  g_return_if_fail (priv->error_label != NULL);

  if (message != NULL)
    gtk_label_set_text (GTK_LABEL (priv->error_label), message);
  gtk_widget_set_visible (priv->error_label, message != NULL);
}

void
fd_list_page_loaded (FdListPage *self)
{
  g_return_if_fail (FD_IS_LIST_PAGE (self));
  g_signal_emit (self, signals[LOADED], 0);
}

static void
fd_list_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (fd_list_page_parent_class)->map (widget);
  load (FD_LIST_PAGE (widget), TRUE);
}

static void
fd_list_page_dispose (GObject *object)
{
  FdListPagePrivate *priv = fd_list_page_get_instance_private (FD_LIST_PAGE (object));

  fd_view_cancel (&priv->cancellable);
  g_clear_pointer (&priv->scroller, gtk_widget_unparent);
  g_clear_object (&priv->api);

  G_OBJECT_CLASS (fd_list_page_parent_class)->dispose (object);
}

static void
fd_list_page_class_init (FdListPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fd_list_page_dispose;
  widget_class->map = fd_list_page_map;

  signals[LOADED] = fd_view_add_signal (klass, "loaded");

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
fd_list_page_init (FdListPage *self)
{
}
