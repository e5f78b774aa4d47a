/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the reveal and verify dialogs share. */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* What the modal data dialogs (reveal, verify) share. */

/* Chains up to @parent_class's unmap; if @dialog had the focus, gives it
 * back to the window @dialog is transient for. */
void fd_dialog_unmap_returning_focus      (GtkWidget      *dialog,
                                           GtkWidgetClass *parent_class);
/* For dispose: cancels the dialog's request in flight and drops
 * *@cancellable, and wipes @secret_entry (may be NULL) of what was typed. */
void fd_dialog_cancel_and_wipe            (GCancellable  **cancellable,
                                           GtkWidget      *secret_entry);
/* Installs "pages.toast" (s) on an AdwWindow class whose content is an
 * AdwToastOverlay: the toasts of the dialog's widgets show there. */
void fd_dialog_class_install_toast_action (GtkWidgetClass *widget_class);

G_END_DECLS
