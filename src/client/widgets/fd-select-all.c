/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Ctrl+A in a protected sensitive entry: a whole-text mark that never reaches PRIMARY. */

#include "config.h"

#include "fd-select-all.h"

#define ACTIVE_KEY "fd-select-all-active"

static GtkWidget *
inner_text (GtkEditable *editable)
{
  GtkEditable *inner = editable;

  while (gtk_editable_get_delegate (inner) != NULL)
    inner = gtk_editable_get_delegate (inner);
  return GTK_WIDGET (inner);
}

static void
set_active (GtkEditable *editable,
            gboolean     active)
{
  GtkWidget *text = inner_text (editable);

  g_object_set_data (G_OBJECT (editable), ACTIVE_KEY, GINT_TO_POINTER (active));
  if (active)
    gtk_widget_add_css_class (text, "fd-all-selected");
  else
    gtk_widget_remove_css_class (text, "fd-all-selected");
}

gboolean
fd_select_all_get_active (GtkEditable *editable)
{
  g_return_val_if_fail (GTK_IS_EDITABLE (editable), FALSE);
  return GPOINTER_TO_INT (g_object_get_data (G_OBJECT (editable), ACTIVE_KEY));
}

static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                GtkEditable           *editable)
{
  GdkModifierType mods = state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SUPER_MASK);
  gunichar c;

  if (mods == GDK_CONTROL_MASK && (keyval == GDK_KEY_a || keyval == GDK_KEY_A))
    {
      set_active (editable, *gtk_editable_get_text (editable) != '\0');
      return GDK_EVENT_STOP;
    }
  if (!fd_select_all_get_active (editable))
    return GDK_EVENT_PROPAGATE;

  switch (keyval)
    {
    case GDK_KEY_BackSpace:
    case GDK_KEY_Delete:
    case GDK_KEY_KP_Delete:
      set_active (editable, FALSE);
      gtk_editable_delete_text (editable, 0, -1);
      return GDK_EVENT_STOP;
    case GDK_KEY_Shift_L:
    case GDK_KEY_Shift_R:
    case GDK_KEY_Control_L:
    case GDK_KEY_Control_R:
    case GDK_KEY_Caps_Lock:
      return GDK_EVENT_PROPAGATE;
    default:
      break;
    }

  c = gdk_keyval_to_unicode (keyval);
  set_active (editable, FALSE);
  /* A character replaces the whole text: empty it, the key types on. */
  if (mods == 0 && c != 0 && g_unichar_isprint (c))
    gtk_editable_delete_text (editable, 0, -1);
  return GDK_EVENT_PROPAGATE;
}

static void
drop_cb (GtkEditable *editable)
{
  set_active (editable, FALSE);
}

void
fd_select_all_enable (GtkEditable *editable)
{
  GtkEventController *controller;
  GtkGesture *click;

  g_return_if_fail (GTK_IS_EDITABLE (editable));

  controller = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect (controller, "key-pressed", G_CALLBACK (key_pressed_cb), editable);
  gtk_widget_add_controller (GTK_WIDGET (editable), controller);

  controller = gtk_event_controller_focus_new ();
  g_signal_connect_swapped (controller, "leave", G_CALLBACK (drop_cb), editable);
  gtk_widget_add_controller (GTK_WIDGET (editable), controller);

  click = gtk_gesture_click_new ();
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
  g_signal_connect_swapped (click, "pressed", G_CALLBACK (drop_cb), editable);
  gtk_widget_add_controller (GTK_WIDGET (editable), GTK_EVENT_CONTROLLER (click));
}
