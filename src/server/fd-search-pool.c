/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Runs search queries on worker threads, off the main context. */

#include "config.h"

#include "fd-search-pool.h"

typedef struct
{
  char            *q;
  FdSearchScope    scope;
  gint64           after_id;
  guint            limit;
  GArray          *ids;
  FdSearchPoolRender render;
  FdSearchPoolDone done;
  gpointer         user_data;
  GDestroyNotify   user_data_free;
} Job;

struct _FdSearchPool
{
  FdSearchIndex *index;
  GThreadPool   *threads;
  GSource       *results;    /* ready while @pending is set */
  GMainContext  *context;    /* @results's */
  GMutex         mutex;
  GQueue         finished;   /* Job*, guarded by @mutex */
  gint           pending;    /* atomic: set once jobs are finished, until dispatched */
};

typedef struct
{
  GSource       source;
  FdSearchPool *pool;
} ResultsSource;

static void
job_free (Job *job)
{
  if (job->user_data_free != NULL)
    job->user_data_free (job->user_data);
  if (job->ids != NULL)
    g_array_unref (job->ids);
  g_free (job->q);
  g_free (job);
}

static void
work (gpointer data,
      gpointer user_data)
{
  Job *job = data;
  FdSearchPool *pool = user_data;

  g_autoptr(GPtrArray) summaries = g_ptr_array_sized_new (job->limit);

  job->ids = fd_search_index_query_full (pool->index, job->q, &job->scope, job->after_id,
                                         job->limit, NULL, summaries);
  if (job->render != NULL)
    job->render (job->ids, summaries, job->user_data);
  g_mutex_lock (&pool->mutex);
  g_queue_push_tail (&pool->finished, job);
  g_mutex_unlock (&pool->mutex);
  /* Wakes the main context once for all the jobs that finish before it
   * dispatches them (issue 13: g_source_set_ready_time() woke it twice a
   * batch, once from the main context itself). */
  if (g_atomic_int_compare_and_exchange (&pool->pending, 0, 1))
    g_main_context_wakeup (pool->context);
}

static gboolean
results_prepare (GSource *source,
                 gint    *timeout)
{
  *timeout = -1;
  return g_atomic_int_get (&((ResultsSource *) source)->pool->pending) != 0;
}

static gboolean
results_check (GSource *source)
{
  return g_atomic_int_get (&((ResultsSource *) source)->pool->pending) != 0;
}

static gboolean
results_dispatch (GSource     *source,
                  GSourceFunc  callback,
                  gpointer     user_data)
{
  FdSearchPool *pool = ((ResultsSource *) source)->pool;
  GQueue ready = G_QUEUE_INIT;
  Job *job;

  /* before taking the queue: a job finished after this wakes us again */
  g_atomic_int_set (&pool->pending, 0);
  g_mutex_lock (&pool->mutex);
  ready = pool->finished;
  g_queue_init (&pool->finished);
  g_mutex_unlock (&pool->mutex);

  while ((job = g_queue_pop_head (&ready)) != NULL)
    {
      job->done (g_steal_pointer (&job->ids), job->user_data);
      job_free (job);
    }
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs results_funcs = {
  .prepare = results_prepare,
  .check = results_check,
  .dispatch = results_dispatch,
};

FdSearchPool *
fd_search_pool_new (FdSearchIndex *index,
                    guint          threads)
{
  FdSearchPool *pool = g_new0 (FdSearchPool, 1);
  g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();

  pool->index = index;
  g_mutex_init (&pool->mutex);
  g_queue_init (&pool->finished);
  pool->results = g_source_new (&results_funcs, sizeof (ResultsSource));
  ((ResultsSource *) pool->results)->pool = pool;
  g_source_set_name (pool->results, "search answers");
  g_source_attach (pool->results, context);
  pool->context = g_main_context_ref (context);
  pool->threads = g_thread_pool_new (work, pool, threads ? threads : g_get_num_processors (),
                                     TRUE, NULL);
  return pool;
}

void
fd_search_pool_free (FdSearchPool *pool)
{
  Job *job;

  if (pool == NULL)
    return;
  g_thread_pool_free (pool->threads, FALSE, TRUE);
  g_source_destroy (pool->results);
  g_source_unref (pool->results);
  g_main_context_unref (pool->context);
  while ((job = g_queue_pop_head (&pool->finished)) != NULL)
    job_free (job);
  g_mutex_clear (&pool->mutex);
  g_free (pool);
}

void
fd_search_pool_query (FdSearchPool        *pool,
                      const char          *q,
                      const FdSearchScope *scope,
                      gint64               after_id,
                      guint                limit,
                      FdSearchPoolRender   render,
                      FdSearchPoolDone     done,
                      gpointer             user_data,
                      GDestroyNotify       user_data_free)
{
  Job *job = g_new0 (Job, 1);

  job->q = g_strdup (q);
  job->scope = *scope;
  job->after_id = after_id;
  job->limit = limit;
  job->render = render;
  job->done = done;
  job->user_data = user_data;
  job->user_data_free = user_data_free;
  g_thread_pool_push (pool->threads, job, NULL);
}
