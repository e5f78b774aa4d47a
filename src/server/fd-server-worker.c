/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Hands a request's slow step to a worker thread and its answer back. */

#include "config.h"

#include "fd-server-private.h"

typedef struct
{
  FdRequest     *req;
  FdWorkFunc     work;
  gpointer       data;
  GDestroyNotify data_free;
  FdDoneFunc     done;
  gpointer       result;
} ThreadJob;

static void
thread_job_free (ThreadJob *job)
{
  if (job->data_free)
    job->data_free (job->data);
  fd_request_unref (job->req);
  g_free (job);
}

static gboolean
thread_done_cb (gpointer user_data)
{
  ThreadJob *job = user_data;
  FdRequest *req = job->req;

  fd_request_enter (req);
  job->done (req, job->result);
  fd_request_leave (req);
  fd_request_release_when_committed (req, TRUE);
  return G_SOURCE_REMOVE;
}

static void
thread_work (gpointer data,
             gpointer unused)
{
  ThreadJob *job = data;

  job->result = job->work (job->data);
  g_main_context_invoke_full (job->req->server->context, G_PRIORITY_DEFAULT, thread_done_cb,
                              job, (GDestroyNotify) thread_job_free);
}

#define BUSY_RETRY_S 2

static void
reply_busy (FdRequest *req)
{
  fd_reply_retry_later (req, FD_ERROR_UNAVAILABLE, BUSY_RETRY_S,
                        "The server is busy; try again in a moment");
}

gboolean
fd_request_threads_busy (FdRequest *req)
{
  if (!fd_work_pool_is_full (req->server->work_pool))
    return FALSE;
  reply_busy (req);
  return TRUE;
}

gboolean
fd_request_run_in_thread (FdRequest     *req,
                          FdWorkFunc     work,
                          gpointer       data,
                          GDestroyNotify data_free,
                          FdDoneFunc     done)
{
  ThreadJob *job = g_new0 (ThreadJob, 1);

  job->req = fd_request_ref (req);
  job->work = work;
  job->data = data;
  job->data_free = data_free;
  job->done = done;
  if (!fd_work_pool_push (req->server->work_pool, thread_work, job))
    {
      /* Every worker busy and the queue full: a clear "try again"
       * rather than an ever longer queue of 64 MiB password hashes. */
      thread_job_free (job);
      reply_busy (req);
      return FALSE;
    }
  req->in_thread = TRUE;
  soup_server_message_pause (req->msg);
  return TRUE;
}

void
fd_request_suspend (FdRequest *req)
{
  req->in_thread = TRUE;
  soup_server_message_pause (req->msg);
}

void
fd_request_resume (FdRequest *req)
{
  fd_request_release_when_committed (req, TRUE);
}
