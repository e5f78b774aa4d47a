/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The group commit's committer thread: syncs what the main context
 * committed, then hands the answers back (issue 13, search13). */

#include "config.h"

#include "fd-server-private.h"
#include "fd-store-engine.h"
#include "fd-witness.h"

/* See the top of fd-server-commit.c for how the group commit works. The
 * main context numbers the groups it commits (committed) and queues their
 * answers (groups); the thread syncs up to the newest group it was handed
 * (to_sync) — once for every group committed meanwhile — and records how
 * far it got (synced) and how far the syncs succeeded (durable); the main
 * context then releases every group up to synced, refusing those past
 * durable. One lock guards what both sides read. */


typedef struct
{
  FdWitnessThen fn;
  gpointer      data;
} Then;

typedef struct
{
  guint64    seq;
  GPtrArray *waiting;   /* FdRequest*, paused */
  GSList    *then;      /* Then*, run once the group is durable (or failed) */
} CommitGroup;

struct _FdCommitter
{
  FdStore  *store;
  GThread  *thread;
  GSource  *done;        /* main context: groups became durable */
  GQueue    groups;      /* main context: CommitGroup*, oldest first */
  guint64   committed;   /* main context: groups committed so far */
  GMutex    lock;        /* guards the rest */
  GCond     cond;
  guint64   to_sync;     /* groups committed, as handed to the thread */
  guint64   synced;      /* groups whose sync has ended */
  guint64   durable;     /* groups synced, up to the first failure */
  gboolean  failed;
  gboolean  stop;
};

static gpointer
committer_run (gpointer data)
{
  FdCommitter *c = data;

  g_mutex_lock (&c->lock);
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      guint64 target;
      gboolean ok;

      while (c->synced == c->to_sync && !c->stop)
        g_cond_wait (&c->cond, &c->lock);
      if (c->synced == c->to_sync)
        break;
      target = c->to_sync;
      ok = !c->failed;
      g_mutex_unlock (&c->lock);
      if (ok && !(ok = FD_STORE_CALL (c->store, sync_committed, &error)))
        g_warning ("The database cannot be synced, refusing every answer that writes: %s",
                   error->message);
      g_mutex_lock (&c->lock);
      c->synced = target;
      if (ok)
        c->durable = target;
      c->failed |= !ok;
      g_source_set_ready_time (c->done, 0);
    }
  g_mutex_unlock (&c->lock);
  return NULL;
}

static gboolean
committer_done_cb (gpointer user_data)
{
  FdCommitter *c = user_data;
  CommitGroup *group;
  guint64 synced, durable;

  g_mutex_lock (&c->lock);
  synced = c->synced;
  durable = c->durable;
  g_mutex_unlock (&c->lock);
  while ((group = g_queue_peek_head (&c->groups)) != NULL && group->seq <= synced)
    {
      g_queue_pop_head (&c->groups);
      fd_commit_release (group->waiting, group->seq <= durable);
      for (GSList *l = group->then; l != NULL; l = l->next)
        ((Then *) l->data)->fn (((Then *) l->data)->data, group->seq <= durable);
      g_slist_free_full (group->then, g_free);
      g_ptr_array_unref (group->waiting);
      g_free (group);
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
done_dispatch (GSource    *source,
               GSourceFunc callback,
               gpointer    user_data)
{
  g_source_set_ready_time (source, -1);
  return callback (user_data);
}

static GSourceFuncs done_funcs = { .dispatch = done_dispatch };

FdCommitter *
fd_committer_new (FdServer *server)
{
  FdCommitter *c;

  if (server->store->backend->sync_committed == fd_engine_commit_is_durable)
    return NULL;
  c = g_new0 (FdCommitter, 1);
  c->store = server->store;
  g_mutex_init (&c->lock);
  g_cond_init (&c->cond);
  g_queue_init (&c->groups);
  c->done = g_source_new (&done_funcs, sizeof (GSource));
  g_source_set_callback (c->done, committer_done_cb, c, NULL);
  g_source_set_name (c->done, "fd-commit-done");
  g_source_attach (c->done, server->context);
  c->thread = g_thread_new ("fd-commit", committer_run, c);
  return c;
}

/* Syncs what is committed, releases the answers, ends the thread. */
void
fd_committer_free (FdCommitter *c)
{
  if (c == NULL)
    return;
  g_mutex_lock (&c->lock);
  c->stop = TRUE;
  g_cond_signal (&c->cond);
  g_mutex_unlock (&c->lock);
  g_thread_join (c->thread);
  committer_done_cb (c);
  g_source_destroy (c->done);
  g_source_unref (c->done);
  g_mutex_clear (&c->lock);
  g_cond_clear (&c->cond);
  g_free (c);
}

/* The main context committed a group (unsynced): @waiting are its answers. */
void
fd_committer_push (FdCommitter *c,
                   GPtrArray   *waiting)
{
  CommitGroup *group = g_new0 (CommitGroup, 1);

  group->seq = ++c->committed;
  group->waiting = waiting;
  g_queue_push_tail (&c->groups, group);
  g_mutex_lock (&c->lock);
  c->to_sync = group->seq;
  g_cond_signal (&c->cond);
  g_mutex_unlock (&c->lock);
}

/* An answer set while no transaction is open: it waits for the newest
 * group not yet durable, if any (it may have read what that group wrote).
 * FALSE when every group is durable. */
gboolean
fd_committer_join (FdCommitter *c,
                   FdRequest   *req,
                   gboolean     paused)
{
  CommitGroup *newest = g_queue_peek_tail (&c->groups);

  if (newest == NULL)
    return FALSE;
  if (!paused)
    soup_server_message_pause (req->msg);
  g_ptr_array_add (newest->waiting, fd_request_ref (req));
  return TRUE;
}

/* The audit witness's gate (fd-witness.h): a tick witnesses a head only
 * once it is durable, never a head a power loss could still take back. */

static void
witness_before_read (gpointer data)
{
  FdServer *server = data;

  if (server->tx_open)
    fd_server_flush (server);
}

static void
witness_when_durable (gpointer      data,
                      FdWitnessThen then,
                      gpointer      then_data)
{
  FdServer *server = data;
  CommitGroup *newest = server->committer != NULL ? g_queue_peek_tail (&server->committer->groups)
                                                  : NULL;
  Then *t;

  if (newest == NULL)
    {
      then (then_data, TRUE);
      return;
    }
  t = g_new (Then, 1);
  t->fn = then;
  t->data = then_data;
  newest->then = g_slist_append (newest->then, t);
}

void
fd_committer_gate_witness (FdServer *server)
{
  FdWitnessGate gate = { witness_before_read, witness_when_durable, server };

  fd_witness_set_gate (server->witness, &gate);
}
