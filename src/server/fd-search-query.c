/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The search index's query path: parsing, matchers, list walks and intersections. */

#include "config.h"

#include <string.h>

#include "fd-search-private.h"

/* query parsing */

typedef enum
{
  ROOM_NONE,
  ROOM_BUILDING,   /* "3" or "3-" */
  ROOM_UNIT,       /* "3-2" or "3-2-" */
  ROOM_NUMBER,     /* "3-2-15": a room-number prefix */
} RoomLevel;

typedef struct
{
  const char *q;
  RoomLevel   room_level;
  char       *room_key;    /* q without a trailing '-' */
  gboolean    last4_ok;
  gboolean    pinyin_ok;
  char        pinyin[5];
  char       *plate_q;     /* upper-cased */
  gunichar    first_char;
  guint       n_chars;
} Query;

/* D+ ( '-' ( D+ ( '-' D* )? )? )? */
static RoomLevel
room_level_of (const char *q)
{
  RoomLevel level = ROOM_BUILDING;
  const char *p = q;

  for (;;)
    {
      const char *start = p;

      while (g_ascii_isdigit (*p))
        p++;
      if (p == start)
        /* an empty segment is only allowed last, after a dash ("3-", "3-2-") */
        return (*p == '\0' && level > ROOM_BUILDING) ? level - 1 : ROOM_NONE;
      if (*p == '\0')
        return level;
      if (*p != '-' || level == ROOM_NUMBER)
        return ROOM_NONE;
      p++;
      level++;
    }
}

static void
query_parse (Query      *qp,
             const char *q)
{
  gsize len = strlen (q);
  gboolean all_alpha = len > 0, all_digit = len > 0;

  memset (qp, 0, sizeof *qp);
  qp->q = q;
  for (gsize i = 0; i < len; i++)
    {
      if (!g_ascii_isalpha (q[i]))
        all_alpha = FALSE;
      if (!g_ascii_isdigit (q[i]))
        all_digit = FALSE;
    }
  qp->room_level = len > 0 ? room_level_of (q) : ROOM_NONE;
  if (qp->room_level != ROOM_NONE)
    qp->room_key = g_strndup (q, q[len - 1] == '-' ? len - 1 : len);
  qp->last4_ok = all_digit && len == 4;
  qp->pinyin_ok = all_alpha && len >= 2 && len <= 4;
  if (qp->pinyin_ok)
    for (gsize i = 0; i < len; i++)
      qp->pinyin[i] = g_ascii_tolower (q[i]);
  qp->plate_q = g_ascii_strup (q, -1);
  qp->n_chars = g_utf8_strlen (q, -1);
  qp->first_char = len ? g_utf8_get_char (q) : 0;
}

static void
query_clear (Query *qp)
{
  g_free (qp->room_key);
  g_free (qp->plate_q);
}

/* matchers: the definition the plain scan uses, and the index's final
 * test where a list is not exact */

static gboolean
match_name (const Entry *e, const Query *qp)
{
  return strstr (e->summary->name, qp->q) != NULL;
}

static gboolean
match_surname (const Entry *e, const Query *qp)
{
  return qp->n_chars == 1 && e->surname == qp->first_char;
}

static gboolean
match_pinyin (const Entry *e, const Query *qp)
{
  gsize n = strlen (qp->pinyin);

  for (const char *p = e->initials; *p; )
    {
      if (strncmp (p, qp->pinyin, n) == 0)
        return TRUE;
      p = strchr (p, ',');
      if (p == NULL)
        break;
      p++;
    }
  return FALSE;
}

/* Building and unit as whole segments, the room number as a prefix. */
static gboolean
match_room (const Entry *e, const Query *qp)
{
  const char *room = e->summary->room;
  const char *unit_end, *number;
  gsize len = strlen (qp->room_key);

  if (strncmp (room, qp->room_key, len) != 0)
    return FALSE;
  fd_search_room_split (room, &unit_end, &number);
  switch (qp->room_level)
    {
    case ROOM_BUILDING:
      return room[len] == '-' || room[len] == '\0';
    case ROOM_UNIT:
      return unit_end != NULL && room + len == unit_end;
    case ROOM_NUMBER:
      return number != NULL && room + len >= number;
    case ROOM_NONE:
    default:
      return FALSE;
    }
}

static gboolean
match_last4 (const Entry *e, const Query *qp)
{
  return strcmp (e->last4, qp->q) == 0;
}

static gboolean
match_plates (char * const *plates, const Query *qp)
{
  if (strchr (qp->plate_q, '*') != NULL)
    return FALSE;
  for (guint i = 0; plates[i] != NULL; i++)
    if (strstr (plates[i], qp->plate_q) != NULL)
      return TRUE;
  return FALSE;
}

static gboolean
match_clear_plates (const Entry *e, const Query *qp)
{
  return match_plates (e->summary->plates, qp);
}

static gboolean
match_masked_plates (const Entry *e, const Query *qp)
{
  return match_plates (e->summary->plates_masked, qp);
}

static gboolean
room_allowed (const FdSearchScope *scope,
              const Query         *qp)
{
  /* A role that sees only the building-unit gets nothing for a query
   * with a room-number part: a prefix would reveal hidden numbers. */
  return qp->room_level != ROOM_NONE && (guint) qp->room_level <= scope->room_segments;
}

static gboolean
entry_matches (const Entry         *e,
               const Query         *qp,
               const FdSearchScope *scope)
{
  if (*qp->q == '\0')
    return TRUE;
  if (scope->name_substring && match_name (e, qp))
    return TRUE;
  if (scope->name_surname && match_surname (e, qp))
    return TRUE;
  if (scope->pinyin && qp->pinyin_ok && match_pinyin (e, qp))
    return TRUE;
  if (room_allowed (scope, qp) && match_room (e, qp))
    return TRUE;
  if (scope->last4 && qp->last4_ok && match_last4 (e, qp))
    return TRUE;
  if (scope->plates == FD_SEARCH_PLATES_CLEAR && match_clear_plates (e, qp))
    return TRUE;
  if (scope->plates == FD_SEARCH_PLATES_MASKED && match_masked_plates (e, qp))
    return TRUE;
  return FALSE;
}

/* First index ≥ @from of @list holding a position ≥ @target: galloping,
 * then binary search, so skipping costs the log of the distance. */
static guint32
skip_to (const Postings *list,
         guint32         from,
         guint32         target)
{
  guint32 step = 1, lo = from, hi;

  if (lo >= list->len || list->data[lo] >= target)
    return lo;
  while (lo + step < list->len && list->data[lo + step] < target)
    {
      lo += step;
      step *= 2;
    }
  hi = MIN (lo + step, list->len);
  lo++;
  while (lo < hi)
    {
      guint32 mid = lo + (hi - lo) / 2;
      if (list->data[mid] < target)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

#define MAX_LISTS 64

/* The positions ≥ @start that every list in @lists holds and @verify
 * (NULL: the lists are exact) accepts, the first @limit of them, into
 * @hits. Leapfrog intersection: each list only moves forward, by skips. */
static void
collect (FdSearchIndex   *self,
         guint           *steps,
         const Postings **lists,
         guint            n_lists,
         guint32          start,
         gboolean       (*verify) (const Entry *, const Query *),
         const Query     *qp,
         guint            limit,
         GArray          *hits)
{
  guint32 at[MAX_LISTS];
  guint32 target = start;
  guint found = 0;

  if (n_lists == 0 || n_lists > MAX_LISTS)
    return;
  for (guint l = 0; l < n_lists; l++)
    if (lists[l] == NULL)
      return;
  memset (at, 0, sizeof at);

  while (found < limit)
    {
      guint agree = 0;

      /* Move every list to the target; a larger position found becomes the
       * new target, until all lists agree on one position. */
      for (guint l = 0; agree < n_lists; l = (l + 1) % n_lists)
        {
          at[l] = skip_to (lists[l], at[l], target);
          (*steps)++;
          if (at[l] >= lists[l]->len)
            return;
          if (lists[l]->data[at[l]] == target)
            agree++;
          else
            {
              target = lists[l]->data[at[l]];
              agree = 1;
            }
        }
      if (verify != NULL)
        (*steps)++;
      if (verify == NULL || verify (&g_array_index (self->entries, Entry, target), qp))
        {
          g_array_append_val (hits, target);
          found++;
        }
      target++;
    }
}

static void
collect_one (FdSearchIndex  *self,
             guint          *steps,
             const Postings *list,
             guint32         start,
             guint           limit,
             GArray         *hits)
{
  collect (self, steps, &list, 1, start, NULL, NULL, limit, hits);
}

/* The exact list of one key. */
static void
collect_key (FdSearchIndex *self,
             guint         *steps,
             char           kind,
             gint64         estate,
             const char    *text,
             guint32        start,
             guint          limit,
             GArray        *hits)
{
  collect_one (self, steps, fd_search_lookup_key (self, kind, estate, text, strlen (text)), start,
               limit, hits);
}

/* Substring search for @text: one exact list when it has at most @gram
 * characters, else the lists of its @gram-character pieces, verified. */
static void
collect_substring (FdSearchIndex  *self,
                   guint          *steps,
                   char            kind,
                   gint64          estate,
                   const char     *text,
                   guint           gram,
                   guint32         start,
                   gboolean      (*verify) (const Entry *, const Query *),
                   const Query    *qp,
                   guint           limit,
                   GArray         *hits)
{
  const Postings *lists[MAX_LISTS];
  guint n = 0;

  if (*text == '\0' || strchr (text, '*') != NULL)
    return;
  if ((guint) g_utf8_strlen (text, -1) <= gram)
    {
      collect_key (self, steps, kind, estate, text, start, limit, hits);
      return;
    }
  for (const char *p = text; *p && n < MAX_LISTS; p = g_utf8_next_char (p))
    {
      const char *end = p;
      guint k;

      for (k = 0; k < gram && *end; k++)
        end = g_utf8_next_char (end);
      if (k < gram)
        break;
      lists[n] = fd_search_lookup_key (self, kind, estate, p, end - p);
      if (lists[n] == NULL)
        return;
      n++;
    }
  /* shortest first: it sets the pace */
  for (guint i = 1; i < n; i++)
    for (guint j = i; j > 0 && lists[j]->len < lists[j - 1]->len; j--)
      {
        const Postings *t = lists[j];
        lists[j] = lists[j - 1];
        lists[j - 1] = t;
      }
  collect (self, steps, lists, n, start, verify, qp, limit, hits);
}

static int
compare_uint32 (gconstpointer a,
                gconstpointer b)
{
  guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;
  return x < y ? -1 : x > y;
}

static void
add_result (FdSearchIndex *self,
            guint32        pos,
            GArray        *ids,
            GPtrArray     *summaries)
{
  const Entry *e = &g_array_index (self->entries, Entry, pos);

  g_array_append_val (ids, e->id);
  if (summaries != NULL)
    g_ptr_array_add (summaries, e->summary);
}

static GArray *
positions_to_ids (FdSearchIndex *self,
                  GArray        *hits,
                  guint          limit,
                  GPtrArray     *summaries)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint32 last = G_MAXUINT32;

  g_array_sort (hits, compare_uint32);
  for (guint i = 0; i < hits->len && ids->len < limit; i++)
    {
      guint32 pos = g_array_index (hits, guint32, i);
      if (pos == last)
        continue;
      last = pos;
      add_result (self, pos, ids, summaries);
    }
  return ids;
}

/* The hits of one estate's lists (issue 11). */
static void
query_estate (FdSearchIndex       *self,
              const Query         *qp,
              const FdSearchScope *scope,
              gint64               estate,
              guint32              start,
              guint                limit,
              guint               *steps,
              GArray              *hits)
{
  const char *q = qp->q;

  if (*q == '\0')
    {
      collect_key (self, steps, 'e', estate, "", start, limit, hits);
      return;
    }
  /* Each kind yields its first @limit hits after the cursor; the first
   * @limit of their union are the answer. */
  if (scope->name_substring)
    collect_substring (self, steps, 'n', estate, q, NAME_GRAM, start, match_name, qp, limit, hits);
  if (scope->name_surname && qp->n_chars == 1)
    collect_key (self, steps, 's', estate, q, start, limit, hits);
  if (scope->pinyin && qp->pinyin_ok)
    collect_key (self, steps, 'p', estate, qp->pinyin, start, limit, hits);
  if (room_allowed (scope, qp))
    collect_key (self, steps, 'r', estate, qp->room_key, start, limit, hits);
  if (scope->last4 && qp->last4_ok)
    collect_key (self, steps, 'l', estate, q, start, limit, hits);
  if (scope->plates == FD_SEARCH_PLATES_CLEAR)
    collect_substring (self, steps, 'P', estate, qp->plate_q, PLATE_GRAM, start, match_clear_plates,
                       qp, limit, hits);
  if (scope->plates == FD_SEARCH_PLATES_MASKED)
    collect_substring (self, steps, 'M', estate, qp->plate_q, PLATE_GRAM, start,
                       match_masked_plates, qp, limit, hits);
}

/* Every entry from @start on: an empty query, company-wide. */
static GArray *
list_locked (FdSearchIndex *self,
             guint32        start,
             guint          limit,
             guint         *steps,
             GPtrArray     *summaries)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = start; i < self->entries->len && ids->len < limit; i++, (*steps)++)
    add_result (self, i, ids, summaries);
  return ids;
}

static GArray *
query_locked (FdSearchIndex       *self,
              const char          *q,
              const FdSearchScope *scope,
              guint32              start,
              guint                limit,
              guint               *steps,
              GPtrArray           *summaries)
{
  g_autoptr(GArray) hits = g_array_new (FALSE, FALSE, sizeof (guint32));
  GArray *ids;
  Query qp;

  query_parse (&qp, q);
  /* One estate's lists, or (company-wide) each estate's in turn: every
   * estate yields at most @limit hits per kind, the union is cut below. */
  if (scope->estate_id != FD_ESTATE_ALL)
    query_estate (self, &qp, scope, scope->estate_id, start, limit, steps, hits);
  else
    for (guint i = 0; i < self->estates->len; i++)
      query_estate (self, &qp, scope, g_array_index (self->estates, gint64, i), start, limit,
                    steps, hits);

  ids = positions_to_ids (self, hits, limit, summaries);
  query_clear (&qp);
  return ids;
}

GArray *
fd_search_index_query_full (FdSearchIndex       *self,
                            const char          *q,
                            const FdSearchScope *scope,
                            gint64               after_id,
                            guint                limit,
                            guint               *steps,
                            GPtrArray           *summaries)
{
  guint ignored = 0;
  guint32 start;
  GArray *ids;

  g_return_val_if_fail (q != NULL, NULL);

  if (steps == NULL)
    steps = &ignored;
  *steps = 0;
  g_rw_lock_reader_lock (&self->lock);
  start = fd_search_first_after (self, after_id);
  if (*q == '\0' && scope->estate_id == FD_ESTATE_ALL)
    ids = list_locked (self, start, limit, steps, summaries);
  else
    ids = query_locked (self, q, scope, start, limit, steps, summaries);
  g_rw_lock_reader_unlock (&self->lock);
  return ids;
}

GArray *
fd_search_index_query (FdSearchIndex       *self,
                       const char          *q,
                       const FdSearchScope *scope,
                       gint64               after_id,
                       guint                limit)
{
  return fd_search_index_query_full (self, q, scope, after_id, limit, NULL, NULL);
}

GArray *
fd_search_index_query_scan (FdSearchIndex       *self,
                            const char          *q,
                            const FdSearchScope *scope,
                            gint64               after_id,
                            guint                limit)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  Query qp;

  query_parse (&qp, q);
  g_rw_lock_reader_lock (&self->lock);
  for (guint i = 0; i < self->entries->len && ids->len < limit; i++)
    {
      const Entry *e = &g_array_index (self->entries, Entry, i);
      if (e->id > after_id && entry_matches (e, &qp, scope) &&
          (scope->estate_id == FD_ESTATE_ALL || e->estate_id == scope->estate_id))
        g_array_append_val (ids, e->id);
    }
  g_rw_lock_reader_unlock (&self->lock);
  query_clear (&qp);
  return ids;
}
