/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The search index's shared parts: its entries, posting lists and lookups. */

#pragma once

#include "fd-search.h"

G_BEGIN_DECLS

/* fd-search.c builds the index (entries, keys, posting lists);
 * fd-search-query.c answers queries from it. */

/* Every query kind is answered from posting lists: sorted arrays of
 * positions in the id-ordered entry array. A query finds the first
 * position after the cursor by binary search and walks (or intersects,
 * skipping by galloping search) only as far as the page it returns, so
 * its cost follows the page, not the population.
 *
 * Keys, one table, prefixed by kind:
 *   'n' + 1 or 2 name characters     (any substring of length 1–2)
 *   's' + surname                     (patrol)
 *   'p' + 2–4 pinyin initials         (prefixes of every initials string)
 *   'r' + "3", "3-2", "3-2-1", "3-2-15", "3-2-150", "3-2-1502"
 *   'l' + mobile last four digits
 *   'P' + 1–4 characters of a clear plate
 *   'M' + 1–4 characters of a masked plate (none with '*')
 *   'e'                               (every resident of the estate)
 * Each key names its estate (issue 11), after the kind: "n12:张", so a
 * list holds one estate's residents and a query of one estate walks its
 * own lists only; a company-wide query (FD_ESTATE_ALL) takes the union of
 * every estate's answer, each cut at the page size.
 * A query within those lengths is one exact list; a longer name or plate
 * query intersects the lists of its 2- (names) or 4-character (plates)
 * pieces and tests each common position with the real matcher. */

#define NAME_GRAM  2
#define PLATE_GRAM 4
#define MAX_KEY    128

typedef struct
{
  guint32 *data;
  guint32  len;
  guint32  cap;
  char     key[];
} Postings;

typedef struct
{
  gint64   id;
  gint64   estate_id;     /* issue 11 */
  gunichar surname;
  char     last4[5];
  char    *initials;      /* "zs,zz": every initials string, comma-separated */
  FdResidentRecord *summary;  /* name, room, masked phone, plates (clear and masked), payments */
} Entry;

/* Three tables of keys, of about the same work to fill, so that loading
 * fills them on three threads. */
#define N_TABLES 3

struct _FdSearchIndex
{
  GRWLock     lock;        /* readers: queries and lookups; writer: add */
  GArray     *entries;     /* Entry, ascending id */
  GHashTable *postings[N_TABLES];   /* sets of Postings*, by key */
  GArray     *estates;     /* gint64, ascending: the estates of the entries */
};

/* fd-search.c: the list of the key (@kind, @estate, @text[0..len)), or NULL. */
const Postings *fd_search_lookup_key  (FdSearchIndex *self,
                                       char           kind,
                                       gint64         estate,
                                       const char    *text,
                                       gsize          len);
/* fd-search.c: the first position whose id is greater than @after_id. */
guint           fd_search_first_after (FdSearchIndex *self,
                                       gint64         after_id);
/* fd-search.c: room "B-U-N": @unit_end and @number point into @room
 * (NULL when absent). */
void            fd_search_room_split  (const char    *room,
                                       const char   **unit_end,
                                       const char   **number);

G_END_DECLS
