/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The in-memory search index over the residents' searchable parts. */

#pragma once

#include <glib.h>

#include "fd-store.h"

G_BEGIN_DECLS

/* In-memory search over the residents' searchable parts, built once at
 * start-up from the store. Every query kind is answered from sorted
 * posting lists in time that follows the page it returns, not the number
 * of residents (see fd-search.c). SQLite 3.40's trigram index cannot
 * serve 1–2 character Chinese queries. Thread-safe: queries and lookups
 * take a reader lock, additions the writer lock, so that queries can run
 * on worker threads (fd-search-pool.h) while residents are added. */

typedef enum
{
  FD_SEARCH_PLATES_NONE,
  FD_SEARCH_PLATES_CLEAR,   /* substring of the clear plate */
  FD_SEARCH_PLATES_MASKED,  /* substring of what the role sees, e.g. 粤B1***5 */
} FdSearchPlates;

/* What a role may search: only the parts it sees (docs/api.md). */
typedef struct
{
  gboolean       name_substring;   /* whole name */
  gboolean       name_surname;     /* first character only (patrol) */
  gboolean       pinyin;
  guint          room_segments;    /* 0 none, 2 building-unit, 3 full room */
  gboolean       last4;
  FdSearchPlates plates;
  /* issue 11: only this estate's residents; FD_ESTATE_ALL (0) every one */
  gint64         estate_id;
} FdSearchScope;

typedef struct _FdSearchIndex FdSearchIndex;

FdSearchIndex *fd_search_index_new    (void);
/* Every resident of @store, with the lists trimmed to size. */
FdSearchIndex *fd_search_index_new_from_store (FdStore *store);
void           fd_search_index_free   (FdSearchIndex          *index);
/* Residents must be added in ascending id order. */
void           fd_search_index_add    (FdSearchIndex          *index,
                                       const FdResidentRecord *resident);
guint          fd_search_index_size   (FdSearchIndex          *index);
/* The largest id in the index, 0 when empty (issue 11: the follower adds what comes after). */
gint64         fd_search_index_last_id (FdSearchIndex         *index);
/* The list-item summary of resident @id (name, room, masked phone,
 * plates, payments; nothing else filled), or NULL. Owned by the index
 * and valid as long as it lives (entries are never removed). */
const FdResidentRecord *fd_search_index_lookup (FdSearchIndex *index,
                                                gint64         id);

/* Ids (gint64) of residents matching @q for @scope, ascending, all
 * greater than @after_id, at most @limit. An empty @q lists everybody.
 * @q must be normalised (fd_input_normalize) and valid UTF-8. */
GArray        *fd_search_index_query  (FdSearchIndex          *index,
                                       const char             *q,
                                       const FdSearchScope    *scope,
                                       gint64                  after_id,
                                       guint                   limit);
/* The same, counting in @steps (may be NULL) the list skips and matcher
 * tests it took: the measure of its cost that the tests bound by the
 * page; and appending to @summaries (may be NULL) the list-item summary
 * of each id (owned by the index, as fd_search_index_lookup's). */
GArray        *fd_search_index_query_full (FdSearchIndex       *index,
                                           const char          *q,
                                           const FdSearchScope *scope,
                                           gint64               after_id,
                                           guint                limit,
                                           guint               *steps,
                                           GPtrArray           *summaries);
/* The same answer by a plain scan of every resident: the reference the
 * tests hold the index to. */
GArray        *fd_search_index_query_scan (FdSearchIndex       *index,
                                           const char          *q,
                                           const FdSearchScope *scope,
                                           gint64               after_id,
                                           guint                limit);

G_END_DECLS
