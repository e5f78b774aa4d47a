/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The search index following the residents other servers write (issue 11). */

#include "config.h"

#include "fd-search-follow.h"

#define FOLLOW_BATCH 10000

struct _FdSearchFollow
{
  FdStore       *store;    /* not owned; residents_after uses its own connection */
  FdSearchIndex *index;    /* not owned */
  guint          interval_ms;
  GThread       *thread;
  GMutex         lock;
  GCond          cond;
  gboolean       stop;
};

static void
add_cb (const FdResidentRecord *resident,
        gpointer                user_data)
{
  fd_search_index_add (user_data, resident);
}

static gpointer
follow_thread (gpointer data)
{
  FdSearchFollow *self = data;

  g_mutex_lock (&self->lock);
  while (!self->stop)
    {
      gint64 until = g_get_monotonic_time () + (gint64) self->interval_ms * 1000;
      guint n;

      while (!self->stop && g_cond_wait_until (&self->cond, &self->lock, until))
        ;
      if (self->stop)
        break;
      g_mutex_unlock (&self->lock);
      /* a batch at a time, until caught up */
      do
        n = self->store->backend->residents_after (self->store,
                                                   fd_search_index_last_id (self->index),
                                                   FOLLOW_BATCH, add_cb, self->index);
      while (n == FOLLOW_BATCH && !g_atomic_int_get (&self->stop));
      if (n > 0 && n != G_MAXUINT)
        g_debug ("Search index: followed %u residents written elsewhere", n);
      g_mutex_lock (&self->lock);
    }
  g_mutex_unlock (&self->lock);
  return NULL;
}

FdSearchFollow *
fd_search_follow_start (FdStore       *store,
                        FdSearchIndex *index,
                        guint          interval_ms)
{
  FdSearchFollow *self;

  if (store->backend->residents_after == NULL)
    return NULL;
  self = g_new0 (FdSearchFollow, 1);
  self->store = store;
  self->index = index;
  self->interval_ms = interval_ms;
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->thread = g_thread_new ("fd-search-follow", follow_thread, self);
  return self;
}

void
fd_search_follow_stop (FdSearchFollow *self)
{
  if (self == NULL)
    return;
  g_mutex_lock (&self->lock);
  g_atomic_int_set (&self->stop, TRUE);
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);
  g_thread_join (self->thread);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_free (self);
}
