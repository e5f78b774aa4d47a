/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the reveal and verify dialogs share: focus given back, cancel and wipe, toasts. */

#include "config.h"

#include "fd-dialog-util.h"

#include "fd-sensitive-entry.h"
#include "fd-view-util.h"

void
fd_dialog_unmap_returning_focus (GtkWidget      *dialog,
                                 GtkWidgetClass *parent_class)
{
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (dialog));
  gboolean was_active = gtk_window_is_active (GTK_WINDOW (dialog));

  parent_class->unmap (dialog);

  /* Without a window manager (a kiosk session) nobody hands the focus
   * back: do it, or the keyboard goes nowhere. */
  if (was_active && parent != NULL && gtk_widget_get_mapped (GTK_WIDGET (parent)))
    fd_view_focus_window (parent);
}

void
fd_dialog_cancel_and_wipe (GCancellable **cancellable,
                           GtkWidget     *secret_entry)
{
  fd_view_cancel (cancellable);
  if (secret_entry != NULL)
    fd_sensitive_entry_wipe (GTK_EDITABLE (secret_entry));
}

static void
toast_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  GtkWidget *content = adw_window_get_content (ADW_WINDOW (widget));

  g_return_if_fail (ADW_IS_TOAST_OVERLAY (content));

  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (content),
                               adw_toast_new (g_variant_get_string (parameter, NULL)));
}

void
fd_dialog_class_install_toast_action (GtkWidgetClass *widget_class)
{
  g_return_if_fail (g_type_is_a (G_TYPE_FROM_CLASS (widget_class), ADW_TYPE_WINDOW));

  gtk_widget_class_install_action (widget_class, "pages.toast", "s", toast_action);
}
