#include "config.h"

#include <string.h>

#include "fd-mask.h"
#include "fd-search.h"

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
  gunichar surname;
  char     last4[5];
  char    *initials;      /* "zs,zz": every initials string, comma-separated */
  FdResidentRecord *summary;  /* name, room, masked phone, plates (clear and masked) */
} Entry;

/* Three tables of keys, of about the same work to fill, so that loading
 * fills them on three threads. */
#define N_TABLES 3

static guint
table_of (char kind)
{
  switch (kind)
    {
    case 'P':
      return 0;
    case 'n': case 's': case 'p':
      return 1;
    default:   /* 'r', 'l', 'M' */
      return 2;
    }
}

struct _FdSearchIndex
{
  GRWLock     lock;        /* readers: queries and lookups; writer: add */
  GArray     *entries;     /* Entry, ascending id */
  GHashTable *postings[N_TABLES];   /* sets of Postings*, by key */
};

static guint
postings_hash (gconstpointer p)
{
  return g_str_hash (((const Postings *) p)->key);
}

static gboolean
postings_equal (gconstpointer a,
                gconstpointer b)
{
  return strcmp (((const Postings *) a)->key, ((const Postings *) b)->key) == 0;
}

static void
postings_free (gpointer p)
{
  g_free (((Postings *) p)->data);
  g_free (p);
}

static void
entry_clear (gpointer data)
{
  Entry *e = data;

  g_free (e->initials);
  fd_resident_record_free (e->summary);
}

FdSearchIndex *
fd_search_index_new (void)
{
  FdSearchIndex *self = g_new0 (FdSearchIndex, 1);

  g_rw_lock_init (&self->lock);
  self->entries = g_array_new (FALSE, TRUE, sizeof (Entry));
  g_array_set_clear_func (self->entries, entry_clear);
  for (guint t = 0; t < N_TABLES; t++)
    self->postings[t] = g_hash_table_new_full (postings_hash, postings_equal, postings_free, NULL);
  return self;
}

static Entry entry_new  (const FdResidentRecord *r);
static void  post_entry (FdSearchIndex          *self,
                         guint32                 pos,
                         guint                   tables);

static void
add_store_entry (const FdResidentRecord *resident,
                 gpointer                user_data)
{
  GArray *entries = user_data;
  Entry e;

  if (entries->len > 0 && g_array_index (entries, Entry, entries->len - 1).id >= resident->id)
    g_return_if_reached ();
  e = entry_new (resident);
  g_array_append_val (entries, e);
}

typedef struct
{
  FdSearchIndex *index;
  guint          table;
} Filler;

/* Fills one table from every entry, then trims its lists: they grew by
 * doubling. */
static gpointer
fill_table (gpointer data)
{
  Filler *filler = data;
  FdSearchIndex *self = filler->index;
  GHashTableIter iter;
  gpointer p;

  for (guint32 pos = 0; pos < self->entries->len; pos++)
    post_entry (self, pos, 1u << filler->table);
  g_hash_table_iter_init (&iter, self->postings[filler->table]);
  while (g_hash_table_iter_next (&iter, &p, NULL))
    {
      Postings *list = p;
      list->data = g_renew (guint32, list->data, list->len);
      list->cap = list->len;
    }
  return NULL;
}

FdSearchIndex *
fd_search_index_new_from_store (FdStore *store)
{
  FdSearchIndex *self = fd_search_index_new ();
  g_autoptr(GTimer) timer = g_timer_new ();
  Filler fillers[N_TABLES];
  GThread *threads[N_TABLES];
  guint keys = 0;

  g_rw_lock_writer_lock (&self->lock);
  FD_STORE_CALL (store, resident_foreach, add_store_entry, self->entries);
  for (guint t = 0; t < N_TABLES; t++)
    {
      fillers[t] = (Filler) { self, t };
      threads[t] = g_thread_new ("fd-index", fill_table, &fillers[t]);
    }
  for (guint t = 0; t < N_TABLES; t++)
    {
      g_thread_join (threads[t]);
      keys += g_hash_table_size (self->postings[t]);
    }
  g_rw_lock_writer_unlock (&self->lock);

  g_message ("Search index of %u residents (%u keys) built in %.1f s", self->entries->len,
             keys, g_timer_elapsed (timer, NULL));
  return self;
}

void
fd_search_index_free (FdSearchIndex *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->entries);
  for (guint t = 0; t < N_TABLES; t++)
    g_hash_table_unref (self->postings[t]);
  g_rw_lock_clear (&self->lock);
  g_free (self);
}

guint
fd_search_index_size (FdSearchIndex *self)
{
  guint n;

  g_rw_lock_reader_lock (&self->lock);
  n = self->entries->len;
  g_rw_lock_reader_unlock (&self->lock);
  return n;
}

/* A Postings on the stack, to look a key up. */
typedef union
{
  Postings probe;
  char     space[sizeof (Postings) + MAX_KEY];
} Probe;

static const Postings *
lookup_key (FdSearchIndex *self,
            char           kind,
            const char    *text,
            gsize          len)
{
  Probe probe;

  if (len + 2 > MAX_KEY)
    return NULL;
  probe.probe.key[0] = kind;
  memcpy (probe.probe.key + 1, text, len);
  probe.probe.key[len + 1] = '\0';
  return g_hash_table_lookup (self->postings[table_of (kind)], &probe.probe);
}

/* Appends @pos to the list of the key (@kind, @text[0..len)) unless it
 * already ends with it. */
static void
post (FdSearchIndex *self,
      char           kind,
      const char    *text,
      gsize          len,
      guint32        pos)
{
  Postings *list;

  if (len + 2 > MAX_KEY)
    return;
  list = (Postings *) lookup_key (self, kind, text, len);
  if (list == NULL)
    {
      list = g_malloc0 (sizeof (Postings) + len + 2);
      list->key[0] = kind;
      memcpy (list->key + 1, text, len);
      g_hash_table_add (self->postings[table_of (kind)], list);
    }
  if (list->len > 0 && list->data[list->len - 1] == pos)
    return;
  if (list->len == list->cap)
    {
      list->cap = list->cap ? list->cap * 2 : 4;
      list->data = g_renew (guint32, list->data, list->cap);
    }
  list->data[list->len++] = pos;
}

/* Every run of 1 to @max_chars characters of @text (none holding '*'). */
static void
post_grams (FdSearchIndex *self,
            char           kind,
            const char    *text,
            guint          max_chars,
            guint32        pos)
{
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      const char *end = p;

      for (guint n = 0; n < max_chars && *end && *end != '*'; n++)
        {
          end = g_utf8_next_char (end);
          post (self, kind, p, end - p, pos);
        }
    }
}

/* Room "B-U-N": @unit_end and @number point into @room (NULL when absent). */
static void
room_split (const char  *room,
            const char **unit_end,
            const char **number)
{
  const char *dash1 = strchr (room, '-');
  const char *dash2 = dash1 ? strchr (dash1 + 1, '-') : NULL;

  *unit_end = dash2 ? dash2 : dash1 ? room + strlen (room) : NULL;
  *number = dash2 ? dash2 + 1 : NULL;
}

static void
post_room (FdSearchIndex *self,
           const char    *room,
           guint32        pos)
{
  const char *dash1 = strchr (room, '-');
  const char *unit_end, *number;

  room_split (room, &unit_end, &number);
  post (self, 'r', room, dash1 ? (gsize) (dash1 - room) : strlen (room), pos);
  if (unit_end != NULL)
    post (self, 'r', room, unit_end - room, pos);
  if (number != NULL)
    for (const char *p = number; *p; p++)
      post (self, 'r', room, p + 1 - room, pos);
}

/* The entry (and its list-item summary) of @r. */
static Entry
entry_new (const FdResidentRecord *r)
{
  Entry e = { 0 };
  FdResidentRecord *s;
  guint n_plates = r->plates ? g_strv_length (r->plates) : 0;

  s = e.summary = g_new0 (FdResidentRecord, 1);
  s->id = e.id = r->id;
  s->name = g_strdup (r->name ? r->name : "");
  s->room = g_strdup (r->room ? r->room : "");
  s->phone_masked = g_strdup (r->phone_masked);
  s->plates = g_new0 (char *, n_plates + 1);
  s->plates_masked = g_new0 (char *, n_plates + 1);
  for (guint i = 0; i < n_plates; i++)
    {
      s->plates[i] = g_strdup (r->plates[i]);
      s->plates_masked[i] = fd_mask_plate (r->plates[i]);
      if (s->plates_masked[i] == NULL)
        s->plates_masked[i] = g_strdup ("****");
    }
  e.surname = *s->name ? g_utf8_get_char (s->name) : 0;
  e.initials = g_strdup (r->initials ? r->initials : "");
  if (r->phone_last4 && strlen (r->phone_last4) == 4)
    memcpy (e.last4, r->phone_last4, 4);
  return e;
}

/* Posts the keys of entry @pos that belong to the tables in @tables (a
 * bit per table): each table can be filled by a thread of its own. */
static void
post_entry (FdSearchIndex *self,
            guint32        pos,
            guint          tables)
{
  const Entry *e = &g_array_index (self->entries, Entry, pos);
  const FdResidentRecord *s = e->summary;

#define WANT(kind) ((tables & (1u << table_of (kind))) != 0)
  if (WANT ('n'))
    post_grams (self, 'n', s->name, NAME_GRAM, pos);
  if (WANT ('s') && e->surname)
    post (self, 's', s->name, g_utf8_next_char (s->name) - s->name, pos);
  if (WANT ('r'))
    post_room (self, s->room, pos);
  if (WANT ('l') && e->last4[0])
    post (self, 'l', e->last4, 4, pos);
  if (WANT ('p'))
    {
      g_auto(GStrv) initials = g_strsplit (e->initials, ",", 0);
      for (guint i = 0; initials[i] != NULL; i++)
        for (gsize n = 2; n <= 4 && n <= strlen (initials[i]); n++)
          post (self, 'p', initials[i], n, pos);
    }
  for (guint i = 0; s->plates[i] != NULL; i++)
    {
      if (WANT ('P'))
        post_grams (self, 'P', s->plates[i], PLATE_GRAM, pos);
      if (WANT ('M'))
        post_grams (self, 'M', s->plates_masked[i], PLATE_GRAM, pos);
    }
#undef WANT
}

void
fd_search_index_add (FdSearchIndex          *self,
                     const FdResidentRecord *r)
{
  Entry e;
  guint32 pos;

  g_rw_lock_writer_lock (&self->lock);
  pos = self->entries->len;
  if (pos > 0 && g_array_index (self->entries, Entry, pos - 1).id >= r->id)
    {
      g_rw_lock_writer_unlock (&self->lock);
      g_return_if_reached ();
    }
  e = entry_new (r);
  g_array_append_val (self->entries, e);
  post_entry (self, pos, (1u << N_TABLES) - 1);
  g_rw_lock_writer_unlock (&self->lock);
}

/* First position whose id is greater than @after_id. */
static guint
first_after (FdSearchIndex *self,
             gint64         after_id)
{
  guint lo = 0, hi = self->entries->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      if (g_array_index (self->entries, Entry, mid).id <= after_id)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

const FdResidentRecord *
fd_search_index_lookup (FdSearchIndex *self,
                        gint64         id)
{
  const FdResidentRecord *found = NULL;
  guint pos;

  g_rw_lock_reader_lock (&self->lock);
  pos = first_after (self, id - 1);
  if (pos < self->entries->len && g_array_index (self->entries, Entry, pos).id == id)
    found = g_array_index (self->entries, Entry, pos).summary;
  g_rw_lock_reader_unlock (&self->lock);
  return found;
}

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
  room_split (room, &unit_end, &number);
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
             const char    *text,
             guint32        start,
             guint          limit,
             GArray        *hits)
{
  collect_one (self, steps, lookup_key (self, kind, text, strlen (text)), start, limit, hits);
}

/* Substring search for @text: one exact list when it has at most @gram
 * characters, else the lists of its @gram-character pieces, verified. */
static void
collect_substring (FdSearchIndex  *self,
                   guint          *steps,
                   char            kind,
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
      collect_key (self, steps, kind, text, start, limit, hits);
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
      lists[n] = lookup_key (self, kind, p, end - p);
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

static GArray *
query_locked (FdSearchIndex       *self,
              const char          *q,
              const FdSearchScope *scope,
              gint64               after_id,
              guint                limit,
              guint               *steps,
              GPtrArray           *summaries)
{
  g_autoptr(GArray) hits = g_array_new (FALSE, FALSE, sizeof (guint32));
  guint32 start = first_after (self, after_id);
  GArray *ids;
  Query qp;

  if (*q == '\0')
    {
      ids = g_array_new (FALSE, FALSE, sizeof (gint64));
      for (guint i = start; i < self->entries->len && ids->len < limit; i++, (*steps)++)
        add_result (self, i, ids, summaries);
      return ids;
    }

  query_parse (&qp, q);

  /* Each kind yields its first @limit hits after the cursor; the first
   * @limit of their union are the answer. */
  if (scope->name_substring)
    collect_substring (self, steps, 'n', q, NAME_GRAM, start, match_name, &qp, limit, hits);
  if (scope->name_surname && qp.n_chars == 1)
    collect_key (self, steps, 's', q, start, limit, hits);
  if (scope->pinyin && qp.pinyin_ok)
    collect_key (self, steps, 'p', qp.pinyin, start, limit, hits);
  if (room_allowed (scope, &qp))
    collect_key (self, steps, 'r', qp.room_key, start, limit, hits);
  if (scope->last4 && qp.last4_ok)
    collect_key (self, steps, 'l', q, start, limit, hits);
  if (scope->plates == FD_SEARCH_PLATES_CLEAR)
    collect_substring (self, steps, 'P', qp.plate_q, PLATE_GRAM, start, match_clear_plates, &qp,
                       limit, hits);
  if (scope->plates == FD_SEARCH_PLATES_MASKED)
    collect_substring (self, steps, 'M', qp.plate_q, PLATE_GRAM, start, match_masked_plates, &qp,
                       limit, hits);

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
  GArray *ids;

  g_return_val_if_fail (q != NULL, NULL);

  if (steps == NULL)
    steps = &ignored;
  *steps = 0;
  g_rw_lock_reader_lock (&self->lock);
  ids = query_locked (self, q, scope, after_id, limit, steps, summaries);
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
      if (e->id > after_id && entry_matches (e, &qp, scope))
        g_array_append_val (ids, e->id);
    }
  g_rw_lock_reader_unlock (&self->lock);
  query_clear (&qp);
  return ids;
}
