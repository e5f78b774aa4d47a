/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Search queries on worker threads, off the main context. */

#pragma once

#include <glib.h>

#include "fd-search.h"

G_BEGIN_DECLS

/* Search queries off the server's main context: a pool of worker threads,
 * one per processor, runs fd_search_index_query() and the caller's
 * @render (writing the page's items, say); the answers come back
 * on the main context the pool was created in, in batches (one wake-up
 * for all the answers ready at that moment). */

typedef struct _FdSearchPool FdSearchPool;

/* Called on the worker with the ids and their list-item summaries (both
 * owned by the pool), to do the rest of the page's work there. */
typedef void (*FdSearchPoolRender) (GArray    *ids,
                                    GPtrArray *summaries,
                                    gpointer   user_data);
/* Called on the main context with the ids (owned by the callee). */
typedef void (*FdSearchPoolDone)   (GArray    *ids,
                                    gpointer   user_data);

/* @threads 0: one per processor. @index must outlive the pool. */
FdSearchPool *fd_search_pool_new   (FdSearchIndex       *index,
                                    guint                threads);
/* Waits for the queries running; answers not yet delivered are dropped
 * (their @user_data_free is called, not @done). */
void          fd_search_pool_free  (FdSearchPool        *pool);
void          fd_search_pool_query (FdSearchPool        *pool,
                                    const char          *q,
                                    const FdSearchScope *scope,
                                    gint64               after_id,
                                    guint                limit,
                                    FdSearchPoolRender   render,
                                    FdSearchPoolDone     done,
                                    gpointer             user_data,
                                    GDestroyNotify       user_data_free);

G_END_DECLS
