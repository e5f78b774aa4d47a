/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The window's lock: the data views torn down, form drafts kept in memory for the same user. */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "fd-application.h"
#include "fd-main-view.h"
#include "fd-window-private.h"

/* Locking and what survives it: nothing that shows resident data, only
 * the drafts of half-filled forms, in memory, for the same user. */

typedef struct
{
  char   *type;
  guint8 *data;
  gsize   size;
} Draft;

static void
draft_free (gpointer data)
{
  Draft *draft = data;

  if (draft->data != NULL)
    explicit_bzero (draft->data, draft->size);
  g_free (draft->data);
  g_free (draft->type);
  g_free (draft);
}

void
fd_window_init_drafts (FdWindow *self)
{
  self->drafts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, draft_free);
}

guint
fd_window_count_drafts (FdWindow *self)
{
  return self->drafts != NULL ? g_hash_table_size (self->drafts) : 0;
}

void
fd_window_wipe_drafts (FdWindow *self)
{
  if (self->drafts != NULL)
    g_hash_table_remove_all (self->drafts);
  g_clear_pointer (&self->drafts_owner, g_free);
}

void
fd_window_stash_draft (FdWindow   *self,
                       const char *form_id,
                       GVariant   *state)
{
  g_autoptr(GVariant) owned = NULL;
  Draft *draft;

  g_return_if_fail (FD_IS_WINDOW (self));
  g_return_if_fail (form_id != NULL);
  g_return_if_fail (state != NULL);

  owned = g_variant_ref_sink (state);
  if (self->drafts == NULL)
    return;

  draft = g_new0 (Draft, 1);
  draft->type = g_strdup (g_variant_get_type_string (owned));
  draft->size = g_variant_get_size (owned);
  draft->data = g_malloc0 (MAX (draft->size, 1));
  g_variant_store (owned, draft->data);

  g_hash_table_replace (self->drafts, g_strdup (form_id), draft);
}

static void
wipe_variant_data (gpointer data)
{
  draft_free (data);
}

GVariant *
fd_window_take_draft (FdWindow   *self,
                      const char *form_id)
{
  Draft *draft = NULL;
  char *key = NULL;
  GVariant *state;

  g_return_val_if_fail (FD_IS_WINDOW (self), NULL);
  g_return_val_if_fail (form_id != NULL, NULL);

  if (self->drafts == NULL ||
      !g_hash_table_steal_extended (self->drafts, form_id, (gpointer *) &key, (gpointer *) &draft))
    return NULL;

  g_free (key);
  /* The variant reads the stashed bytes in place and wipes them when the
   * caller drops it. */
  state = g_variant_new_from_data (G_VARIANT_TYPE (draft->type), draft->data, draft->size,
                                   FALSE, wipe_variant_data, draft);
  return g_variant_ref_sink (state);
}

gboolean
fd_window_has_draft (FdWindow   *self,
                     const char *form_id)
{
  g_return_val_if_fail (FD_IS_WINDOW (self), FALSE);

  return self->drafts != NULL && g_hash_table_contains (self->drafts, form_id);
}

/* Every other window of the process goes: dialogs, about, shortcuts. A
 * dialog cannot veto gtk_window_destroy(). Other main windows lock on
 * their own. */
static void
close_other_windows (FdWindow *self)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  g_autoptr(GPtrArray) doomed = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = g_list_model_get_n_items (toplevels);

  for (guint i = 0; i < n; i++)
    {
      GtkWindow *window = g_list_model_get_item (toplevels, i);

      if (window == GTK_WINDOW (self) || FD_IS_WINDOW (window))
        g_object_unref (window);
      else
        g_ptr_array_add (doomed, window);
    }

  for (guint i = 0; i < doomed->len; i++)
    gtk_window_destroy (g_ptr_array_index (doomed, i));
}

static void
destroy_main_view (FdWindow *self)
{
  GtkWidget *view = g_steal_pointer (&self->main_view);

  if (view == NULL)
    return;

  fd_main_view_remask_all (FD_MAIN_VIEW (view));
  adw_header_bar_set_title_widget (self->header_bar, self->window_title);

  /* Unparented and disposed at once: even if an async call still holds a
   * reference, no widget of it keeps resident data. */
  g_object_ref (view);
  gtk_stack_remove (self->stack, view);
  g_object_run_dispose (G_OBJECT (view));
  g_object_unref (view);
}

void
fd_window_tear_down (FdWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  fd_idle_monitor_stop (self->idle);
  close_other_windows (self);
  destroy_main_view (self);
  fd_window_drop_enrolment (self);
  fd_application_clear_clipboards ();
  if (FD_IS_APPLICATION (app))
    fd_application_withdraw_notifications (FD_APPLICATION (app));
}

void
fd_window_lock (FdWindow *self)
{
  g_return_if_fail (FD_IS_WINDOW (self));

  if (self->session == NULL || fd_session_get_state (self->session) != FD_SESSION_ACTIVE)
    return;

  g_debug ("Locking");

  /* Forms stash their input first; then nothing gets a say. */
  g_signal_emit (self, fd_window_signals[FD_WINDOW_SIGNAL_COLLECT_DRAFTS], 0);
  g_free (self->drafts_owner);
  self->drafts_owner = g_strdup (fd_session_get_username (self->session));

  /* The lock page first, without a crossfade that would keep a picture
   * of the view, then the view goes. */
  fd_window_show_lock (self);
  fd_window_tear_down (self);
  fd_session_lock (self->session);
}
