/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Re-masking and the privacy curtain of FdMainView. */

#include "config.h"

#include "fd-main-view-private.h"

#include "fd-recovery.h"
#include "fd-resident-page.h"

/* How long no window of ours may be active before the curtain falls. */
#define FOCUS_GRACE_MS 200

/* ---- re-mask, curtain ------------------------------------------------------ */

void
fd_main_view_remask_all (FdMainView *self)
{
  GHashTableIter iter;
  gpointer page;

  g_return_if_fail (FD_IS_MAIN_VIEW (self));

  if (self->pages == NULL)
    return;

  g_hash_table_iter_init (&iter, self->pages);
  while (g_hash_table_iter_next (&iter, NULL, &page))
    if (FD_IS_RESIDENT_PAGE (page))
      fd_resident_page_remask_all (page);
}

void
fd_main_view_set_curtain (FdMainView *self,
                          gboolean    curtain)
{
  g_return_if_fail (FD_IS_MAIN_VIEW (self));

  curtain = !!curtain;
  if (curtain)
    fd_main_view_remask_all (self);
  else
    self->auto_curtain = FALSE;

  if (fd_curtain_get_active (self->curtain) == curtain)
    return;

  fd_curtain_set_active (self->curtain, curtain);
}

gboolean
fd_main_view_get_curtain (FdMainView *self)
{
  g_return_val_if_fail (FD_IS_MAIN_VIEW (self), FALSE);
  return fd_curtain_get_active (self->curtain);
}

void
fd_main_view_toggle_curtain_action (GtkWidget  *widget,
                                    const char *action_name,
                                    GVariant   *parameter)
{
  FdMainView *self = FD_MAIN_VIEW (widget);

  fd_main_view_set_curtain (self, !fd_main_view_get_curtain (self));
}

/* TRUE when our toplevel, or a window that belongs to it (a dialog, a
 * dialog's dialog), has the focus. */
static gboolean
family_active (FdMainView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (!GTK_IS_WINDOW (root) || self->toplevels == NULL)
    return FALSE;
  /* Our own file chooser (a portal's window) has the focus (issue 14). */
  if (fd_recovery_native_open (GTK_WINDOW (root)))
    return TRUE;

  for (guint i = 0; i < g_list_model_get_n_items (self->toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (self->toplevels, i);
      GtkWindow *w = window;

      if (!gtk_window_is_active (window))
        continue;
      for (guint depth = 0; w != NULL && depth < 8; depth++, w = gtk_window_get_transient_for (w))
        if (w == GTK_WINDOW (root))
          return TRUE;
    }

  return FALSE;
}

static gboolean
focus_grace_cb (gpointer user_data)
{
  FdMainView *self = user_data;

  self->focus_grace_id = 0;
  if (family_active (self))
    return G_SOURCE_REMOVE;

  /* Someone looks away: blur and re-mask. */
  g_debug ("Focus left the application: curtain");
  self->was_active = FALSE;
  if (!fd_main_view_get_curtain (self))
    {
      fd_main_view_set_curtain (self, TRUE);
      self->auto_curtain = TRUE;
    }
  fd_main_view_remask_all (self);
  return G_SOURCE_REMOVE;
}

static gboolean
focus_check_cb (gpointer user_data)
{
  FdMainView *self = user_data;
  gboolean active;

  self->focus_check_id = 0;
  active = family_active (self);

  if (active)
    {
      g_clear_handle_id (&self->focus_grace_id, g_source_remove);
      if (!self->was_active && self->auto_curtain)
        fd_main_view_set_curtain (self, FALSE);
      self->was_active = TRUE;
    }
  else if (self->was_active && self->focus_grace_id == 0)
    {
      /* Focus passing between our own windows (a dialog closing, its
       * parent taking over) leaves a moment with no active window: only
       * a focus that stays away counts. */
      self->focus_grace_id = g_timeout_add (FOCUS_GRACE_MS, focus_grace_cb, self);
    }

  return G_SOURCE_REMOVE;
}

static void
active_changed_cb (FdMainView *self)
{
  /* Focus moves in two steps (out of one window, into the next): decide
   * once both have arrived. */
  if (self->focus_check_id == 0)
    self->focus_check_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE, focus_check_cb, self, NULL);
}

static void
watch_window (FdMainView *self,
              GtkWindow  *window)
{
  gulong id;

  if (g_hash_table_contains (self->watched, window))
    return;

  id = g_signal_connect_swapped (window, "notify::is-active",
                                 G_CALLBACK (active_changed_cb), self);
  g_hash_table_insert (self->watched, window, GSIZE_TO_POINTER (id));
}

static void
toplevels_changed_cb (GListModel *list,
                      guint       position,
                      guint       removed,
                      guint       added,
                      FdMainView *self)
{
  GHashTableIter iter;
  gpointer window;

  /* Forget windows that went away. */
  g_hash_table_iter_init (&iter, self->watched);
  while (g_hash_table_iter_next (&iter, &window, NULL))
    {
      gboolean present = FALSE;

      for (guint i = 0; i < g_list_model_get_n_items (list) && !present; i++)
        {
          g_autoptr(GObject) item = g_list_model_get_item (list, i);

          present = item == window;
        }
      if (!present)
        g_hash_table_iter_remove (&iter);
    }

  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(GtkWindow) item = g_list_model_get_item (list, i);

      watch_window (self, item);
    }
  active_changed_cb (self);
}

void
fd_main_view_unwatch_focus (FdMainView *self)
{
  GHashTableIter iter;
  gpointer window, id;

  g_clear_handle_id (&self->focus_check_id, g_source_remove);
  g_clear_handle_id (&self->focus_grace_id, g_source_remove);
  if (self->toplevels != NULL)
    g_clear_signal_handler (&self->toplevels_id, self->toplevels);
  self->toplevels = NULL;

  g_hash_table_iter_init (&iter, self->watched);
  while (g_hash_table_iter_next (&iter, &window, &id))
    g_signal_handler_disconnect (window, GPOINTER_TO_SIZE (id));
  g_hash_table_remove_all (self->watched);
}

void
fd_main_view_watch_focus (FdMainView *self)
{
  self->toplevels = gtk_window_get_toplevels ();
  self->toplevels_id = g_signal_connect (self->toplevels, "items-changed",
                                         G_CALLBACK (toplevels_changed_cb), self);
  toplevels_changed_cb (self->toplevels, 0, 0, g_list_model_get_n_items (self->toplevels), self);
  self->was_active = family_active (self);
}
