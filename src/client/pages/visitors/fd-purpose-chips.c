/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One-click visit purposes under the visitor form's purpose field (issue 14). */

#include "config.h"

#include "fd-purpose-chips.h"

#include "fd-view-util.h"

#include <glib/gi18n.h>

/* What the form offers when the server has no list or cannot be reached. */
static const char * const default_purposes[] = { "快递", "探访", "维修", "装修", NULL };

struct _FdPurposeChips
{
  GtkWidget     parent_instance;

  GtkWidget    *box;
  GPtrArray    *buttons;     /* GtkToggleButton *, borrowed */
  char        **purposes;

  FdApiClient  *api;
  GtkEditable  *entry;       /* weak */
  GCancellable *cancellable;
  gboolean      requested;
  gboolean      loaded;
  gboolean      syncing;
};

G_DEFINE_FINAL_TYPE (FdPurposeChips, fd_purpose_chips, GTK_TYPE_WIDGET)

/* The toggle of the purpose the field holds is on; the others are off. */
static void
sync_toggles (FdPurposeChips *self)
{
  const char *text = self->entry ? gtk_editable_get_text (self->entry) : "";
  g_autofree char *stripped = g_strstrip (g_strdup (text));

  self->syncing = TRUE;
  for (guint i = 0; i < self->buttons->len; i++)
    {
      GtkToggleButton *button = g_ptr_array_index (self->buttons, i);

      gtk_toggle_button_set_active (button,
        g_strcmp0 (gtk_button_get_label (GTK_BUTTON (button)), stripped) == 0);
    }
  self->syncing = FALSE;
}

static void
toggled_cb (GtkToggleButton *button,
            FdPurposeChips  *self)
{
  if (self->syncing || self->entry == NULL)
    return;

  if (gtk_toggle_button_get_active (button))
    gtk_editable_set_text (self->entry, gtk_button_get_label (GTK_BUTTON (button)));
  else
    gtk_editable_set_text (self->entry, "");
  sync_toggles (self);
}

static void
show_purposes (FdPurposeChips     *self,
               const char * const *purposes)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (self->box)) != NULL)
    gtk_box_remove (GTK_BOX (self->box), child);
  g_ptr_array_set_size (self->buttons, 0);
  g_strfreev (self->purposes);
  self->purposes = g_strdupv ((char **) purposes);

  for (guint i = 0; purposes[i] != NULL; i++)
    {
      GtkWidget *button = gtk_toggle_button_new_with_label (purposes[i]);

      /* For the mouse: the Tab chain goes on past the purpose field. */
      gtk_widget_set_focusable (button, FALSE);
      gtk_widget_set_focus_on_click (button, FALSE);
      gtk_widget_add_css_class (button, "pill");
      gtk_widget_add_css_class (button, "fd-purpose-chip");
      g_signal_connect_object (button, "toggled", G_CALLBACK (toggled_cb), self, 0);
      gtk_box_append (GTK_BOX (self->box), button);
      g_ptr_array_add (self->buttons, button);
    }
  self->loaded = TRUE;
  sync_toggles (self);
}

static void
purposes_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(FdPurposeChips) self = user_data;
  g_auto(GStrv) purposes = NULL;
  g_autoptr(GError) error = NULL;

  purposes = fd_api_client_list_visitor_purposes_finish (FD_API_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (purposes == NULL || purposes[0] == NULL)
    {
      if (error != NULL)
        g_debug ("Visit purposes: %s", error->message);
      show_purposes (self, default_purposes);
      return;
    }
  show_purposes (self, (const char * const *) purposes);
}

static void
fd_purpose_chips_map (GtkWidget *widget)
{
  FdPurposeChips *self = FD_PURPOSE_CHIPS (widget);

  GTK_WIDGET_CLASS (fd_purpose_chips_parent_class)->map (widget);

  if (!self->requested)
    {
      self->requested = TRUE;
      self->cancellable = g_cancellable_new ();
      fd_api_client_list_visitor_purposes_async (self->api, self->cancellable, purposes_cb,
                                                 g_object_ref (self));
    }
}

const char * const *
fd_purpose_chips_get_purposes (FdPurposeChips *self)
{
  static const char * const none[] = { NULL };

  g_return_val_if_fail (FD_IS_PURPOSE_CHIPS (self), NULL);
  return self->purposes ? (const char * const *) self->purposes : none;
}

gboolean
fd_purpose_chips_get_loaded (FdPurposeChips *self)
{
  g_return_val_if_fail (FD_IS_PURPOSE_CHIPS (self), FALSE);
  return self->loaded;
}

GtkWidget *
fd_purpose_chips_get_button (FdPurposeChips *self,
                             const char     *purpose)
{
  g_return_val_if_fail (FD_IS_PURPOSE_CHIPS (self), NULL);

  for (guint i = 0; i < self->buttons->len; i++)
    if (g_strcmp0 (gtk_button_get_label (g_ptr_array_index (self->buttons, i)), purpose) == 0)
      return g_ptr_array_index (self->buttons, i);
  return NULL;
}

static void
fd_purpose_chips_dispose (GObject *object)
{
  FdPurposeChips *self = FD_PURPOSE_CHIPS (object);

  fd_view_cancel (&self->cancellable);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_weak_pointer (&self->entry);
  g_clear_object (&self->api);

  G_OBJECT_CLASS (fd_purpose_chips_parent_class)->dispose (object);
}

static void
fd_purpose_chips_finalize (GObject *object)
{
  FdPurposeChips *self = FD_PURPOSE_CHIPS (object);

  g_ptr_array_unref (self->buttons);
  g_strfreev (self->purposes);

  G_OBJECT_CLASS (fd_purpose_chips_parent_class)->finalize (object);
}

static void
fd_purpose_chips_class_init (FdPurposeChipsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fd_purpose_chips_dispose;
  object_class->finalize = fd_purpose_chips_finalize;
  widget_class->map = fd_purpose_chips_map;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "fd-purpose-chips");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
fd_purpose_chips_init (FdPurposeChips *self)
{
  self->buttons = g_ptr_array_new ();

  self->box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
  gtk_widget_set_focusable (GTK_WIDGET (self), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Common purposes"), -1);
}

FdPurposeChips *
fd_purpose_chips_new (FdApiClient *api,
                      GtkEditable *entry)
{
  FdPurposeChips *self;

  g_return_val_if_fail (FD_IS_API_CLIENT (api), NULL);
  g_return_val_if_fail (GTK_IS_EDITABLE (entry), NULL);

  self = g_object_new (FD_TYPE_PURPOSE_CHIPS, NULL);
  self->api = g_object_ref (api);
  g_set_weak_pointer (&self->entry, entry);
  g_signal_connect_object (entry, "changed", G_CALLBACK (sync_toggles), self,
                           G_CONNECT_SWAPPED);
  return self;
}
