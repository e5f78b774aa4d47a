/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A bounded worker pool that refuses work past its queue. */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A bounded worker pool: at most @max_threads jobs run at once and at
 * most @max_queued wait; beyond that a push is refused, so that a flood
 * of expensive jobs (Argon2id, 64 MiB each) costs a bounded amount of
 * memory and a clear "try again" instead of an ever-growing queue.
 * Push from one thread (the server's main context). */
typedef struct _FdWorkPool FdWorkPool;

FdWorkPool *fd_work_pool_new      (guint       max_threads,
                                   guint       max_queued);
/* Waits for the running and queued jobs to finish. */
void        fd_work_pool_free     (FdWorkPool *pool);
/* Runs @func (@data) on a worker thread. FALSE (and @func never called)
 * when max_threads jobs run and max_queued wait already. */
gboolean    fd_work_pool_push     (FdWorkPool *pool,
                                   GFunc       func,
                                   gpointer    data);
/* TRUE when a push would be refused now. Workers only ever make room, so
 * for the pushing thread a FALSE holds until its next push. */
gboolean    fd_work_pool_is_full  (FdWorkPool *pool);

G_END_DECLS
