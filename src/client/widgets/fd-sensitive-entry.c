/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Entries for sensitive input: private to input methods, no copy, cut or selection, wiped. */

#include "config.h"

#include "fd-sensitive-entry.h"

#include <glib/gi18n.h>

static GQuark protected_quark;
static guint refusal_count;

void
fd_sensitive_notify_refused (GtkWidget *widget)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));

  refusal_count++;
  gtk_widget_activate_action (widget, "pages.toast", "s",
                              _("Sensitive fields cannot be copied"));
}

guint
fd_sensitive_get_refusal_count (void)
{
  return refusal_count;
}

static GtkEditable *
innermost_editable (GtkEditable *editable)
{
  GtkEditable *delegate;

  while ((delegate = gtk_editable_get_delegate (editable)) != NULL)
    editable = delegate;

  return editable;
}

static void
refuse_clipboard_cb (GtkText  *text,
                     gpointer  user_data)
{
  /* Stops GtkText's class handler, the one that would fill CLIPBOARD.
   * Ctrl+C, Ctrl+Insert, Ctrl+X, Shift+Delete and the context menu's
   * Copy and Cut all come through these two signals. */
  g_signal_stop_emission_by_name (text, user_data);
  fd_sensitive_notify_refused (GTK_WIDGET (text));
}

static void
collapse_selection_cb (GtkEditable *editable,
                       GParamSpec  *pspec,
                       gpointer     user_data)
{
  int start, end;

  /* A selection would reach PRIMARY at once and could be dragged out. */
  if (gtk_editable_get_selection_bounds (editable, &start, &end))
    {
      int pos = gtk_editable_get_position (editable);

      gtk_editable_select_region (editable, pos, pos);
    }
}

static void
add_private_hint (GObject *object)
{
  GtkInputHints hints;

  if (g_object_class_find_property (G_OBJECT_GET_CLASS (object), "input-hints") == NULL)
    return;

  g_object_get (object, "input-hints", &hints, NULL);
  if ((hints & GTK_INPUT_HINT_PRIVATE) == 0)
    g_object_set (object, "input-hints", hints | GTK_INPUT_HINT_PRIVATE, NULL);
}

void
fd_sensitive_entry_protect (GtkEditable *editable)
{
  GtkEditable *inner;

  g_return_if_fail (GTK_IS_EDITABLE (editable));

  if (protected_quark == 0)
    protected_quark = g_quark_from_static_string ("fd-sensitive-entry");

  if (fd_sensitive_entry_is_protected (editable))
    return;

  inner = innermost_editable (editable);

  add_private_hint (G_OBJECT (editable));
  if (inner != editable)
    add_private_hint (G_OBJECT (inner));

  if (GTK_IS_TEXT (inner))
    {
      g_signal_connect (inner, "copy-clipboard", G_CALLBACK (refuse_clipboard_cb),
                        (gpointer) "copy-clipboard");
      g_signal_connect (inner, "cut-clipboard", G_CALLBACK (refuse_clipboard_cb),
                        (gpointer) "cut-clipboard");
    }
  else
    g_warning ("Sensitive entry of type %s has no GtkText inside", G_OBJECT_TYPE_NAME (inner));

  g_signal_connect (inner, "notify::selection-bound", G_CALLBACK (collapse_selection_cb), NULL);
  g_signal_connect (inner, "notify::cursor-position", G_CALLBACK (collapse_selection_cb), NULL);
  collapse_selection_cb (inner, NULL, NULL);

  g_object_set_qdata (G_OBJECT (editable), protected_quark, GINT_TO_POINTER (1));
  if (inner != editable)
    g_object_set_qdata (G_OBJECT (inner), protected_quark, GINT_TO_POINTER (1));
}

gboolean
fd_sensitive_entry_is_protected (GtkEditable *editable)
{
  g_return_val_if_fail (GTK_IS_EDITABLE (editable), FALSE);

  return protected_quark != 0 &&
         g_object_get_qdata (G_OBJECT (editable), protected_quark) != NULL;
}

void
fd_sensitive_entry_wipe (GtkEditable *editable)
{
  g_return_if_fail (GTK_IS_EDITABLE (editable));

  gtk_editable_set_text (editable, "");
}
