/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The in-memory resident search index (names, initials, rooms, plates). */

#include "config.h"

#include <string.h>

#include "fd-mask.h"
#include "fd-search.h"

typedef struct
{
  gint64   id;
  char    *name;
  gunichar surname;
  char   **initials;      /* every initials string */
  char    *room;
  char    *room_bu;       /* "3-2" */
  char    *last4;
  char   **plates;        /* clear */
  char   **plates_masked;
  FdResidentRecord *summary;  /* what a list item shows: name, room, masked phone, plates */
} Entry;

struct _FdSearchIndex
{
  GArray     *entries;     /* Entry */
  GHashTable *name_chars;  /* gunichar → GArray<guint> positions */
  GHashTable *surnames;    /* gunichar → GArray<guint> */
  GHashTable *plate_chars; /* gunichar → GArray<guint> */
  GHashTable *mplate_chars;/* gunichar → GArray<guint> */
  GHashTable *rooms;       /* "3", "3-2", "3-2-1502" → GArray<guint> */
  GHashTable *last4;       /* "5678" → GArray<guint> */
  GHashTable *pinyin2;     /* "zs" → GArray<guint> */
};

static void
entry_clear (gpointer data)
{
  Entry *e = data;

  g_free (e->name);
  g_strfreev (e->initials);
  g_free (e->room);
  g_free (e->room_bu);
  g_free (e->last4);
  g_strfreev (e->plates);
  g_strfreev (e->plates_masked);
  fd_resident_record_free (e->summary);
}

static void
array_free (gpointer data)
{
  g_array_unref (data);
}

FdSearchIndex *
fd_search_index_new (void)
{
  FdSearchIndex *self = g_new0 (FdSearchIndex, 1);

  self->entries = g_array_new (FALSE, TRUE, sizeof (Entry));
  g_array_set_clear_func (self->entries, entry_clear);
  self->name_chars = g_hash_table_new_full (NULL, NULL, NULL, array_free);
  self->surnames = g_hash_table_new_full (NULL, NULL, NULL, array_free);
  self->plate_chars = g_hash_table_new_full (NULL, NULL, NULL, array_free);
  self->mplate_chars = g_hash_table_new_full (NULL, NULL, NULL, array_free);
  self->rooms = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, array_free);
  self->last4 = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, array_free);
  self->pinyin2 = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, array_free);
  return self;
}

void
fd_search_index_free (FdSearchIndex *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->entries);
  g_hash_table_unref (self->name_chars);
  g_hash_table_unref (self->surnames);
  g_hash_table_unref (self->plate_chars);
  g_hash_table_unref (self->mplate_chars);
  g_hash_table_unref (self->rooms);
  g_hash_table_unref (self->last4);
  g_hash_table_unref (self->pinyin2);
  g_free (self);
}

guint
fd_search_index_size (FdSearchIndex *self)
{
  return self->entries->len;
}

/* Appends @pos to the posting list at @key unless it already ends with it. */
static void
post (GHashTable *table,
      gpointer    key,
      gboolean    key_is_string,
      guint       pos)
{
  GArray *list = g_hash_table_lookup (table, key);

  if (list == NULL)
    {
      list = g_array_new (FALSE, FALSE, sizeof (guint));
      g_hash_table_insert (table, key_is_string ? g_strdup (key) : key, list);
    }
  if (list->len == 0 || g_array_index (list, guint, list->len - 1) != pos)
    g_array_append_val (list, pos);
}

static void
post_chars (GHashTable *table,
            const char *text,
            guint       pos)
{
  for (const char *p = text; p != NULL && *p; p = g_utf8_next_char (p))
    post (table, GUINT_TO_POINTER (g_utf8_get_char (p)), FALSE, pos);
}

static guint first_after (FdSearchIndex *self,
                          gint64         after_id);

void
fd_search_index_add (FdSearchIndex          *self,
                     const FdResidentRecord *r)
{
  Entry e = { 0 };
  guint pos = self->entries->len;
  guint n_plates = r->plates ? g_strv_length (r->plates) : 0;

  g_return_if_fail (pos == 0 || g_array_index (self->entries, Entry, pos - 1).id < r->id);

  e.id = r->id;
  e.name = g_strdup (r->name ? r->name : "");
  e.surname = *e.name ? g_utf8_get_char (e.name) : 0;
  e.initials = r->initials && *r->initials ? g_strsplit (r->initials, ",", 0) : g_new0 (char *, 1);
  e.room = g_strdup (r->room ? r->room : "");
  e.last4 = g_strdup (r->phone_last4 ? r->phone_last4 : "");
  e.plates = g_new0 (char *, n_plates + 1);
  e.plates_masked = g_new0 (char *, n_plates + 1);
  for (guint i = 0; i < n_plates; i++)
    {
      e.plates[i] = g_strdup (r->plates[i]);
      e.plates_masked[i] = fd_mask_plate (r->plates[i]);
      if (e.plates_masked[i] == NULL)
        e.plates_masked[i] = g_strdup ("****");
    }

  /* room prefixes by whole segments */
  {
    g_auto(GStrv) seg = g_strsplit (e.room, "-", 3);
    g_autofree char *bu = NULL;

    if (seg[0] != NULL)
      {
        post (self->rooms, seg[0], TRUE, pos);
        if (seg[1] != NULL)
          {
            bu = g_strdup_printf ("%s-%s", seg[0], seg[1]);
            post (self->rooms, bu, TRUE, pos);
            e.room_bu = g_strdup (bu);
            if (seg[2] != NULL)
              post (self->rooms, e.room, TRUE, pos);
          }
      }
    if (e.room_bu == NULL)
      e.room_bu = g_strdup (e.room);
  }

  post_chars (self->name_chars, e.name, pos);
  if (e.surname)
    post (self->surnames, GUINT_TO_POINTER (e.surname), FALSE, pos);
  if (strlen (e.last4) == 4)
    post (self->last4, e.last4, TRUE, pos);
  for (guint i = 0; e.initials[i] != NULL; i++)
    if (strlen (e.initials[i]) >= 2)
      {
        char key[3] = { e.initials[i][0], e.initials[i][1], 0 };
        post (self->pinyin2, key, TRUE, pos);
      }
  for (guint i = 0; i < n_plates; i++)
    {
      post_chars (self->plate_chars, e.plates[i], pos);
      post_chars (self->mplate_chars, e.plates_masked[i], pos);
    }

  e.summary = g_new0 (FdResidentRecord, 1);
  e.summary->id = r->id;
  e.summary->name = g_strdup (e.name);
  e.summary->room = g_strdup (e.room);
  e.summary->phone_masked = g_strdup (r->phone_masked);
  e.summary->plates = g_strdupv (e.plates);
  e.summary->plates_masked = g_strdupv (e.plates_masked);

  g_array_append_val (self->entries, e);
}

const FdResidentRecord *
fd_search_index_lookup (FdSearchIndex *self,
                        gint64         id)
{
  guint pos = first_after (self, id - 1);

  if (pos < self->entries->len && g_array_index (self->entries, Entry, pos).id == id)
    return g_array_index (self->entries, Entry, pos).summary;
  return NULL;
}

/* query parsing */

typedef struct
{
  const char *q;
  gboolean    room_ok;     /* digits and dashes, 1–3 segments */
  guint       room_segs;
  gboolean    last4_ok;
  gboolean    pinyin_ok;
  char        pinyin[5];
  char       *plate_q;     /* upper-cased */
  gunichar    first_char;
  guint       n_chars;
} Query;

static void
query_parse (Query      *qp,
             const char *q)
{
  gsize len = strlen (q);
  gboolean all_alpha = len > 0, all_digit = len > 0;
  guint segs = 1;
  gboolean room_ok = len > 0 && g_ascii_isdigit (q[0]) && g_ascii_isdigit (q[len - 1]);

  memset (qp, 0, sizeof *qp);
  qp->q = q;
  for (gsize i = 0; i < len; i++)
    {
      if (!g_ascii_isalpha (q[i]))
        all_alpha = FALSE;
      if (!g_ascii_isdigit (q[i]))
        all_digit = FALSE;
      if (q[i] == '-')
        {
          segs++;
          if (i > 0 && q[i - 1] == '-')
            room_ok = FALSE;
        }
      else if (!g_ascii_isdigit (q[i]))
        room_ok = FALSE;
    }
  qp->room_ok = room_ok && segs <= 3;
  qp->room_segs = segs;
  qp->last4_ok = all_digit && len == 4;
  qp->pinyin_ok = all_alpha && len >= 2 && len <= 4;
  if (qp->pinyin_ok)
    for (gsize i = 0; i < len; i++)
      qp->pinyin[i] = g_ascii_tolower (q[i]);
  qp->plate_q = g_ascii_strup (q, -1);
  qp->n_chars = g_utf8_strlen (q, -1);
  qp->first_char = len ? g_utf8_get_char (q) : 0;
}

/* matchers: the one definition the index and the plain scan share */

static gboolean
match_name (const Entry *e, const Query *qp)
{
  return strstr (e->name, qp->q) != NULL;
}

static gboolean
match_surname (const Entry *e, const Query *qp)
{
  return qp->n_chars == 1 && e->surname == qp->first_char;
}

static gboolean
match_pinyin (const Entry *e, const Query *qp)
{
  for (guint i = 0; e->initials[i] != NULL; i++)
    if (g_str_has_prefix (e->initials[i], qp->pinyin))
      return TRUE;
  return FALSE;
}

static gboolean
match_room (const Entry *e, const Query *qp)
{
  const char *room = qp->room_segs <= 2 ? e->room_bu : e->room;

  if (g_str_equal (room, qp->q))
    return TRUE;
  return g_str_has_prefix (room, qp->q) && room[strlen (qp->q)] == '-';
}

static gboolean
match_last4 (const Entry *e, const Query *qp)
{
  return g_str_equal (e->last4, qp->q);
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
  if (scope->room_segments > 0 && qp->room_ok && qp->room_segs <= scope->room_segments &&
      match_room (e, qp))
    return TRUE;
  if (scope->last4 && qp->last4_ok && match_last4 (e, qp))
    return TRUE;
  if (scope->plates == FD_SEARCH_PLATES_CLEAR && match_plates (e->plates, qp))
    return TRUE;
  if (scope->plates == FD_SEARCH_PLATES_MASKED && match_plates (e->plates_masked, qp))
    return TRUE;
  return FALSE;
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

static guint
list_first_at_or_after (GArray *list,
                        guint   start)
{
  guint lo = 0, hi = list->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      if (g_array_index (list, guint, mid) < start)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* Walks @list from position @start, keeping entries @match accepts, into
 * the sorted set @hits (positions), until @limit are found. */
static void
collect (FdSearchIndex *self,
         GArray        *list,
         guint          start,
         gboolean     (*match) (const Entry *, const Query *),
         char * const *(*plates_of) (const Entry *),
         const Query   *qp,
         guint          limit,
         GArray        *hits)
{
  guint found = 0;

  if (list == NULL)
    return;
  for (guint i = list_first_at_or_after (list, start); i < list->len && found < limit; i++)
    {
      guint pos = g_array_index (list, guint, i);
      const Entry *e = &g_array_index (self->entries, Entry, pos);
      gboolean ok = match ? match (e, qp) : match_plates (plates_of (e), qp);

      if (ok)
        {
          g_array_append_val (hits, pos);
          found++;
        }
    }
}

static char * const *
clear_plates (const Entry *e)
{
  return e->plates;
}

static char * const *
masked_plates (const Entry *e)
{
  return e->plates_masked;
}

/* The posting lists of every distinct character of @text in @table,
 * shortest first; FALSE when one character has none (nothing matches). */
static gboolean
char_lists (GHashTable *table,
            const char *text,
            GPtrArray  *lists)
{
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      GArray *list = g_hash_table_lookup (table, GUINT_TO_POINTER (g_utf8_get_char (p)));
      if (list == NULL)
        return FALSE;
      if (!g_ptr_array_find (lists, list, NULL))
        g_ptr_array_add (lists, list);
    }
  for (guint i = 1; i < lists->len; i++)
    for (guint j = i; j > 0 && ((GArray *) lists->pdata[j])->len < ((GArray *) lists->pdata[j - 1])->len; j--)
      {
        gpointer t = lists->pdata[j];
        lists->pdata[j] = lists->pdata[j - 1];
        lists->pdata[j - 1] = t;
      }
  return TRUE;
}

/* Substring search over a per-character index: walk the shortest posting
 * list, keep the positions every other character's list also holds
 * (sorted lists, so each cursor only moves forward), and only then run
 * the real substring test. */
static void
collect_substring (FdSearchIndex *self,
                   GHashTable    *table,
                   const char    *text,
                   guint          start,
                   gboolean     (*match) (const Entry *, const Query *),
                   char * const *(*plates_of) (const Entry *),
                   const Query   *qp,
                   guint          limit,
                   GArray        *hits)
{
  g_autoptr(GPtrArray) lists = g_ptr_array_new ();
  guint cursors[16] = { 0 };
  GArray *first;
  guint found = 0;

  if (*text == '\0' || !char_lists (table, text, lists))
    return;
  first = lists->pdata[0];
  for (guint l = 1; l < MIN (lists->len, G_N_ELEMENTS (cursors)); l++)
    cursors[l] = list_first_at_or_after (lists->pdata[l], start);

  for (guint i = list_first_at_or_after (first, start); i < first->len && found < limit; i++)
    {
      guint pos = g_array_index (first, guint, i);
      gboolean everywhere = TRUE;
      const Entry *e;

      for (guint l = 1; l < MIN (lists->len, G_N_ELEMENTS (cursors)) && everywhere; l++)
        {
          GArray *other = lists->pdata[l];

          while (cursors[l] < other->len && g_array_index (other, guint, cursors[l]) < pos)
            cursors[l]++;
          everywhere = cursors[l] < other->len && g_array_index (other, guint, cursors[l]) == pos;
        }
      if (!everywhere)
        continue;
      e = &g_array_index (self->entries, Entry, pos);
      if (match ? match (e, qp) : match_plates (plates_of (e), qp))
        {
          g_array_append_val (hits, pos);
          found++;
        }
    }
}

static int
compare_uint (gconstpointer a,
              gconstpointer b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;
  return x < y ? -1 : x > y;
}

static GArray *
positions_to_ids (FdSearchIndex *self,
                  GArray        *hits,
                  guint          limit)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint last = G_MAXUINT;

  g_array_sort (hits, compare_uint);
  for (guint i = 0; i < hits->len && ids->len < limit; i++)
    {
      guint pos = g_array_index (hits, guint, i);
      if (pos == last)
        continue;
      last = pos;
      g_array_append_val (ids, g_array_index (self->entries, Entry, pos).id);
    }
  return ids;
}

GArray *
fd_search_index_query (FdSearchIndex       *self,
                       const char          *q,
                       const FdSearchScope *scope,
                       gint64               after_id,
                       guint                limit)
{
  g_autoptr(GArray) hits = g_array_new (FALSE, FALSE, sizeof (guint));
  guint start = first_after (self, after_id);
  GArray *ids;
  Query qp;

  g_return_val_if_fail (q != NULL, NULL);

  if (*q == '\0')
    {
      ids = g_array_new (FALSE, FALSE, sizeof (gint64));
      for (guint i = start; i < self->entries->len && ids->len < limit; i++)
        g_array_append_val (ids, g_array_index (self->entries, Entry, i).id);
      return ids;
    }

  query_parse (&qp, q);

  /* Each matcher yields its first @limit hits after the cursor; the first
   * @limit of their union are then the answer. */
  if (scope->name_substring)
    collect_substring (self, self->name_chars, q, start, match_name, NULL, &qp, limit, hits);
  if (scope->name_surname && qp.n_chars == 1)
    collect (self, g_hash_table_lookup (self->surnames, GUINT_TO_POINTER (qp.first_char)),
             start, match_surname, NULL, &qp, limit, hits);
  if (scope->pinyin && qp.pinyin_ok)
    {
      char key[3] = { qp.pinyin[0], qp.pinyin[1], 0 };
      collect (self, g_hash_table_lookup (self->pinyin2, key), start, match_pinyin, NULL, &qp,
               limit, hits);
    }
  if (scope->room_segments > 0 && qp.room_ok && qp.room_segs <= scope->room_segments)
    collect (self, g_hash_table_lookup (self->rooms, q), start, match_room, NULL, &qp, limit, hits);
  if (scope->last4 && qp.last4_ok)
    collect (self, g_hash_table_lookup (self->last4, q), start, match_last4, NULL, &qp, limit, hits);
  if (scope->plates == FD_SEARCH_PLATES_CLEAR)
    collect_substring (self, self->plate_chars, qp.plate_q, start, NULL, clear_plates, &qp,
                       limit, hits);
  if (scope->plates == FD_SEARCH_PLATES_MASKED)
    collect_substring (self, self->mplate_chars, qp.plate_q, start, NULL, masked_plates, &qp,
                       limit, hits);

  ids = positions_to_ids (self, hits, limit);
  g_free (qp.plate_q);
  return ids;
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
  for (guint i = 0; i < self->entries->len && ids->len < limit; i++)
    {
      const Entry *e = &g_array_index (self->entries, Entry, i);
      if (e->id > after_id && entry_matches (e, &qp, scope))
        g_array_append_val (ids, e->id);
    }
  g_free (qp.plate_q);
  return ids;
}
