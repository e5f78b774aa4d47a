#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* What the modal data dialogs (reveal, verify) share. */

/* Chains up to @parent_class's unmap; if @dialog had the focus, gives it
 * back to the window @dialog is transient for. */
void fd_dialog_unmap_returning_focus      (GtkWidget      *dialog,
                                           GtkWidgetClass *parent_class);
/* Installs "pages.toast" (s) on an AdwWindow class whose content is an
 * AdwToastOverlay: the toasts of the dialog's widgets show there. */
void fd_dialog_class_install_toast_action (GtkWidgetClass *widget_class);

G_END_DECLS
