/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Rooms matching a room field, shown under it, taken by arrow keys or a click (issue 14). */

#include "config.h"

#include "fd-room-suggestions.h"

#include "fd-validate.h"
#include "fd-view-util.h"

#include <glib/gi18n.h>
#include <string.h>

#define ROOM_SEARCH_DELAY_MS 120
#define ROOM_SUGGESTIONS     8

struct _FdRoomSuggestions
{
  GtkWidget     parent_instance;

  GtkWidget    *box;         /* GtkFlowBox of flat buttons */
  GPtrArray    *buttons;     /* GtkWidget *, borrowed */
  int           selected;

  FdApiClient  *api;
  GtkEditable  *entry;       /* weak */
  GCancellable *cancellable;
  guint         timeout_id;
  gboolean      paused;
};

G_DEFINE_FINAL_TYPE (FdRoomSuggestions, fd_room_suggestions, GTK_TYPE_WIDGET)

enum {
  CHOSEN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
entry_has_focus (FdRoomSuggestions *self)
{
  GtkRoot *root = self->entry ? gtk_widget_get_root (GTK_WIDGET (self->entry)) : NULL;
  GtkWidget *focus = root ? gtk_root_get_focus (root) : NULL;

  return focus != NULL &&
         (focus == GTK_WIDGET (self->entry) || gtk_widget_is_ancestor (focus, GTK_WIDGET (self->entry)));
}

static void
select_index (FdRoomSuggestions *self,
              int                index)
{
  for (guint i = 0; i < self->buttons->len; i++)
    {
      GtkWidget *button = g_ptr_array_index (self->buttons, i);

      if ((int) i == index)
        gtk_widget_add_css_class (button, "fd-picked");
      else
        gtk_widget_remove_css_class (button, "fd-picked");
      gtk_accessible_update_state (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_STATE_SELECTED,
                                   (int) i == index, -1);
    }
  self->selected = index;
}

static void
clear_buttons (FdRoomSuggestions *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (self->box)) != NULL)
    gtk_flow_box_remove (GTK_FLOW_BOX (self->box), child);
  g_ptr_array_set_size (self->buttons, 0);
  self->selected = -1;
}

void
fd_room_suggestions_hide (FdRoomSuggestions *self)
{
  g_return_if_fail (FD_IS_ROOM_SUGGESTIONS (self));

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  fd_view_cancel (&self->cancellable);
  clear_buttons (self);
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

static void
take (FdRoomSuggestions *self,
      guint              index)
{
  g_autofree char *room = NULL;

  if (index >= self->buttons->len || self->entry == NULL)
    return;

  room = g_strdup (gtk_button_get_label (g_ptr_array_index (self->buttons, index)));
  fd_room_suggestions_hide (self);
  self->paused = TRUE;
  gtk_editable_set_text (self->entry, room);
  gtk_editable_set_position (self->entry, -1);
  self->paused = FALSE;
  g_signal_emit (self, signals[CHOSEN], 0, room);
}

static void
clicked_cb (GtkButton         *button,
            FdRoomSuggestions *self)
{
  guint index;

  if (g_ptr_array_find (self->buttons, button, &index))
    take (self, index);
}

static void
rooms_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(FdRoomSuggestions) self = user_data;
  g_autoptr(FdPage) page = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *typed = NULL;

  page = fd_api_client_list_rooms_finish (FD_API_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  clear_buttons (self);
  typed = self->entry ? fd_input_normalize (gtk_editable_get_text (self->entry), FALSE) : NULL;

  for (guint i = 0; page != NULL && i < page->items->len && i < ROOM_SUGGESTIONS; i++)
    {
      const char *room = ((FdRoom *) g_ptr_array_index (page->items, i))->room;
      GtkWidget *button = gtk_button_new_with_label (room);

      /* Never in the Tab chain, never takes focus: typing goes on. */
      gtk_widget_set_focusable (button, FALSE);
      gtk_widget_set_focus_on_click (button, FALSE);
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_add_css_class (button, "fd-room-suggestion");
      g_signal_connect_object (button, "clicked", G_CALLBACK (clicked_cb), self, 0);
      gtk_flow_box_append (GTK_FLOW_BOX (self->box), button);
      gtk_widget_set_focusable (gtk_widget_get_parent (button), FALSE);
      g_ptr_array_add (self->buttons, button);
    }

  /* Nothing to offer, or the field already holds the one room found. */
  if (self->buttons->len == 0 || self->entry == NULL ||
      !entry_has_focus (self) ||
      (self->buttons->len == 1 &&
       g_strcmp0 (typed, gtk_button_get_label (g_ptr_array_index (self->buttons, 0))) == 0))
    {
      fd_room_suggestions_hide (self);
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self), TRUE);
}

static gboolean
search_cb (gpointer user_data)
{
  FdRoomSuggestions *self = user_data;
  g_autofree char *query = NULL;
  gsize len;

  self->timeout_id = 0;
  fd_view_cancel (&self->cancellable);
  if (self->entry == NULL)
    return G_SOURCE_REMOVE;

  /* "3-2-" is "3-2" while typing; anything but digits and dashes is no room. */
  query = fd_input_normalize (gtk_editable_get_text (self->entry), FALSE);
  len = query ? strlen (query) : 0;
  while (len > 0 && query[len - 1] == '-')
    query[--len] = '\0';
  if (len == 0 || strspn (query, "0123456789-") != len)
    {
      fd_room_suggestions_hide (self);
      return G_SOURCE_REMOVE;
    }

  self->cancellable = g_cancellable_new ();
  fd_api_client_list_rooms_async (self->api, query, ROOM_SUGGESTIONS, self->cancellable,
                                  rooms_cb, g_object_ref (self));
  return G_SOURCE_REMOVE;
}

static void
changed_cb (FdRoomSuggestions *self)
{
  if (self->paused)
    return;
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  self->timeout_id = g_timeout_add (ROOM_SEARCH_DELAY_MS, search_cb, self);
}

static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                FdRoomSuggestions     *self)
{
  int n = (int) self->buttons->len;

  if (!gtk_widget_get_visible (GTK_WIDGET (self)) || n == 0 ||
      (state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SHIFT_MASK)) != 0)
    return GDK_EVENT_PROPAGATE;

  switch (keyval)
    {
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      select_index (self, (self->selected + 1) % n);
      return GDK_EVENT_STOP;
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      select_index (self, self->selected <= 0 ? n - 1 : self->selected - 1);
      return GDK_EVENT_STOP;
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_ISO_Enter:
      if (self->selected < 0)
        return GDK_EVENT_PROPAGATE;
      take (self, self->selected);
      return GDK_EVENT_STOP;
    case GDK_KEY_Escape:
      fd_room_suggestions_hide (self);
      return GDK_EVENT_STOP;
    default:
      return GDK_EVENT_PROPAGATE;
    }
}

static void
focus_leave_cb (FdRoomSuggestions *self)
{
  fd_room_suggestions_hide (self);
}

void
fd_room_suggestions_set_paused (FdRoomSuggestions *self,
                                gboolean           paused)
{
  g_return_if_fail (FD_IS_ROOM_SUGGESTIONS (self));
  self->paused = paused;
}

guint
fd_room_suggestions_get_n_shown (FdRoomSuggestions *self)
{
  g_return_val_if_fail (FD_IS_ROOM_SUGGESTIONS (self), 0);
  return gtk_widget_get_visible (GTK_WIDGET (self)) ? self->buttons->len : 0;
}

int
fd_room_suggestions_get_selected (FdRoomSuggestions *self)
{
  g_return_val_if_fail (FD_IS_ROOM_SUGGESTIONS (self), -1);
  return self->selected;
}

static void
fd_room_suggestions_dispose (GObject *object)
{
  FdRoomSuggestions *self = FD_ROOM_SUGGESTIONS (object);

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  fd_view_cancel (&self->cancellable);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_weak_pointer (&self->entry);
  g_clear_object (&self->api);

  G_OBJECT_CLASS (fd_room_suggestions_parent_class)->dispose (object);
}

static void
fd_room_suggestions_finalize (GObject *object)
{
  g_ptr_array_unref (FD_ROOM_SUGGESTIONS (object)->buttons);

  G_OBJECT_CLASS (fd_room_suggestions_parent_class)->finalize (object);
}

static void
fd_room_suggestions_class_init (FdRoomSuggestionsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fd_room_suggestions_dispose;
  object_class->finalize = fd_room_suggestions_finalize;

  signals[CHOSEN] = g_signal_new ("chosen", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "fd-room-suggestions");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_LIST);
}

static void
fd_room_suggestions_init (FdRoomSuggestions *self)
{
  self->buttons = g_ptr_array_new ();
  self->selected = -1;

  self->box = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (self->box), GTK_SELECTION_NONE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (self->box), ROOM_SUGGESTIONS);
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (self->box), FALSE);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (self->box), 4);
  gtk_widget_set_focusable (self->box, FALSE);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
  gtk_widget_set_focusable (GTK_WIDGET (self), FALSE);
  gtk_widget_set_can_focus (GTK_WIDGET (self), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Matching rooms"), -1);
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

FdRoomSuggestions *
fd_room_suggestions_new (FdApiClient *api,
                         GtkEditable *entry)
{
  FdRoomSuggestions *self;
  GtkEventController *controller;

  g_return_val_if_fail (FD_IS_API_CLIENT (api), NULL);
  g_return_val_if_fail (GTK_IS_EDITABLE (entry), NULL);

  self = g_object_new (FD_TYPE_ROOM_SUGGESTIONS, NULL);
  self->api = g_object_ref (api);
  g_set_weak_pointer (&self->entry, entry);

  g_signal_connect_object (entry, "changed", G_CALLBACK (changed_cb), self, G_CONNECT_SWAPPED);
  controller = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect_object (controller, "key-pressed", G_CALLBACK (key_pressed_cb), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (entry), controller);
  controller = gtk_event_controller_focus_new ();
  g_signal_connect_object (controller, "leave", G_CALLBACK (focus_leave_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (entry), controller);
  return self;
}
