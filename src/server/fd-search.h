#pragma once

#include <glib.h>

#include "fd-store.h"

G_BEGIN_DECLS

/* In-memory search over the residents' searchable parts, built once at
 * start-up from the store (and kept current on insert). It answers in
 * microseconds so that search can run on the server's main context:
 * posting lists per character for substrings (names, plates), hash maps
 * for room prefixes, mobile last-4 and 2-letter pinyin prefixes. SQLite
 * 3.40's trigram index cannot serve 1–2 character Chinese queries. */

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
} FdSearchScope;

typedef struct _FdSearchIndex FdSearchIndex;

FdSearchIndex *fd_search_index_new    (void);
void           fd_search_index_free   (FdSearchIndex          *index);
/* Residents must be added in ascending id order. */
void           fd_search_index_add    (FdSearchIndex          *index,
                                       const FdResidentRecord *resident);
guint          fd_search_index_size   (FdSearchIndex          *index);
/* The list-item summary of resident @id (name, room, masked phone,
 * plates; nothing else filled), or NULL. Owned by the index. */
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
/* The same answer by a plain scan of every resident: the reference the
 * tests hold the index to. */
GArray        *fd_search_index_query_scan (FdSearchIndex       *index,
                                           const char          *q,
                                           const FdSearchScope *scope,
                                           gint64               after_id,
                                           guint                limit);

G_END_DECLS
