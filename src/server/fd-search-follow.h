/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The search index following the residents other servers write (issue 11). */

#pragma once

#include "fd-search.h"
#include "fd-store.h"

G_BEGIN_DECLS

/* Several server processes over one PostgreSQL database each hold a
 * search index in memory. Every @interval_ms, on a thread of its own
 * (never the main context: what it reads grows with what was written),
 * the follower asks the store for residents above the index's last id
 * (FdStoreBackend.residents_after) and adds them. NULL when the engine
 * has one writer only (SQLite): nothing to follow. */
typedef struct _FdSearchFollow FdSearchFollow;

FdSearchFollow *fd_search_follow_start (FdStore        *store,
                                        FdSearchIndex  *index,
                                        guint           interval_ms);
/* Stops the thread and waits for it; before the index and store go. */
void            fd_search_follow_stop  (FdSearchFollow *follow);

G_END_DECLS
