/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A bounded pool of worker threads for slow request steps. */

#include "config.h"

#include "fd-work-pool.h"

struct _FdWorkPool
{
  GThreadPool *threads;
  guint        capacity;   /* max_threads + max_queued */
  gint         load;       /* atomic: jobs pushed and not yet finished */
};

typedef struct
{
  FdWorkPool *pool;
  GFunc       func;
  gpointer    data;
} Job;

static void
run_job (gpointer job_data,
         gpointer pool_data)
{
  Job *job = job_data;

  job->func (job->data, NULL);
  g_atomic_int_dec_and_test (&job->pool->load);
  g_free (job);
}

FdWorkPool *
fd_work_pool_new (guint max_threads,
                  guint max_queued)
{
  FdWorkPool *pool = g_new0 (FdWorkPool, 1);

  g_return_val_if_fail (max_threads > 0, NULL);

  pool->capacity = max_threads + max_queued;
  pool->threads = g_thread_pool_new (run_job, pool, (gint) max_threads, FALSE, NULL);
  return pool;
}

void
fd_work_pool_free (FdWorkPool *pool)
{
  if (pool == NULL)
    return;
  g_thread_pool_free (pool->threads, FALSE, TRUE);
  g_free (pool);
}

gboolean
fd_work_pool_push (FdWorkPool *pool,
                   GFunc       func,
                   gpointer    data)
{
  Job *job;

  /* Only the pushing thread raises the load, so the check cannot race
   * with another push; workers only lower it. */
  if (fd_work_pool_is_full (pool))
    return FALSE;
  job = g_new0 (Job, 1);
  job->pool = pool;
  job->func = func;
  job->data = data;
  g_atomic_int_inc (&pool->load);
  if (!g_thread_pool_push (pool->threads, job, NULL))
    {
      g_atomic_int_dec_and_test (&pool->load);
      g_free (job);
      return FALSE;
    }
  return TRUE;
}

gboolean
fd_work_pool_is_full (FdWorkPool *pool)
{
  return (guint) g_atomic_int_get (&pool->load) >= pool->capacity;
}
