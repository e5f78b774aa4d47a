/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Recovering by itself: native dialogs hold off the curtain, dialog errors follow the link. */

#include "config.h"

#include "fd-recovery.h"

#include "fd-form-util.h"

#include <glib/gi18n.h>

#define NATIVE_KEY "fd-native-dialogs"

void
fd_recovery_hold_native (GtkWindow *parent)
{
  guint n;

  if (parent == NULL)
    return;
  g_return_if_fail (GTK_IS_WINDOW (parent));

  n = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (parent), NATIVE_KEY));
  g_object_set_data (G_OBJECT (parent), NATIVE_KEY, GUINT_TO_POINTER (n + 1));
}

void
fd_recovery_release_native (GtkWindow *parent)
{
  guint n;

  if (parent == NULL)
    return;
  g_return_if_fail (GTK_IS_WINDOW (parent));

  n = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (parent), NATIVE_KEY));
  g_object_set_data (G_OBJECT (parent), NATIVE_KEY, GUINT_TO_POINTER (n > 0 ? n - 1 : 0));
}

gboolean
fd_recovery_native_open (GtkWindow *window)
{
  g_return_val_if_fail (GTK_IS_WINDOW (window), FALSE);

  return GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (window), NATIVE_KEY)) > 0;
}

static void
reachable_cb (FdApiClient *api,
              GParamSpec  *pspec,
              GtkLabel    *label)
{
  if (!fd_api_client_get_reachable (api))
    fd_form_set_message (label, _("The office server cannot be reached. What you entered "
                                  "is kept; try again when the connection is back."));
  else if (gtk_widget_get_visible (GTK_WIDGET (label)))
    fd_form_set_message (label, _("The connection to the office server is back. Try "
                                  "again."));
}

void
fd_recovery_watch_dialog (GtkWidget   *dialog,
                          FdApiClient *api,
                          GtkLabel    *error_label)
{
  g_return_if_fail (GTK_IS_WIDGET (dialog));
  g_return_if_fail (FD_IS_API_CLIENT (api));
  g_return_if_fail (GTK_IS_LABEL (error_label));
  g_return_if_fail (gtk_widget_is_ancestor (GTK_WIDGET (error_label), dialog));

  /* The label goes with the dialog: the handler goes with the label. */
  g_signal_connect_object (api, "notify::reachable", G_CALLBACK (reachable_cb), error_label, 0);
}
