/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The in-memory resident search index (names, initials, rooms, plates). */

#include "config.h"

#include <string.h>

#include "fd-mask.h"
#include "fd-search-private.h"

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
  self->estates = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_array_set_clear_func (self->entries, entry_clear);
  for (guint t = 0; t < N_TABLES; t++)
    self->postings[t] = g_hash_table_new_full (postings_hash, postings_equal, postings_free, NULL);
  return self;
}

static Entry entry_new  (const FdResidentRecord *r);
static void  post_entry (FdSearchIndex          *self,
                         guint32                 pos,
                         guint                   tables);

/* Keeps the estates of the entries, ascending (issue 11). */
static void
note_estate (FdSearchIndex *self,
             gint64         estate)
{
  guint i;

  for (i = 0; i < self->estates->len; i++)
    {
      gint64 known = g_array_index (self->estates, gint64, i);
      if (known == estate)
        return;
      if (known > estate)
        break;
    }
  g_array_insert_val (self->estates, i, estate);
}

static void
add_store_entry (const FdResidentRecord *resident,
                 gpointer                user_data)
{
  FdSearchIndex *self = user_data;
  GArray *entries = self->entries;
  Entry e;

  if (entries->len > 0 && g_array_index (entries, Entry, entries->len - 1).id >= resident->id)
    g_return_if_reached ();
  e = entry_new (resident);
  g_array_append_val (entries, e);
  if (entries->len == 1 || g_array_index (entries, Entry, entries->len - 2).estate_id != e.estate_id)
    note_estate (self, e.estate_id);
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
  FD_STORE_CALL (store, resident_foreach, add_store_entry, self);
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
  g_array_unref (self->estates);
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

gint64
fd_search_index_last_id (FdSearchIndex *self)
{
  gint64 id = 0;

  g_rw_lock_reader_lock (&self->lock);
  if (self->entries->len > 0)
    id = g_array_index (self->entries, Entry, self->entries->len - 1).id;
  g_rw_lock_reader_unlock (&self->lock);
  return id;
}

/* A Postings on the stack, to look a key up. */
typedef union
{
  Postings probe;
  char     space[sizeof (Postings) + MAX_KEY];
} Probe;

/* The estate part of a key: "12:" (issue 11). */
#define ESTATE_TAG_MAX 24

/* Writes the key (@kind, @estate, @text[0..len)) into @key (MAX_KEY
 * bytes); its length, or 0 when it does not fit. */
static gsize
make_key (char       *key,
          char        kind,
          gint64      estate,
          const char *text,
          gsize       len)
{
  gsize tag;

  if (len + ESTATE_TAG_MAX + 2 > MAX_KEY)
    return 0;
  key[0] = kind;
  tag = g_snprintf (key + 1, ESTATE_TAG_MAX, "%" G_GINT64_FORMAT ":", estate);
  memcpy (key + 1 + tag, text, len);
  key[1 + tag + len] = '\0';
  return 1 + tag + len;
}

const Postings *
fd_search_lookup_key (FdSearchIndex *self,
                      char           kind,
                      gint64         estate,
                      const char    *text,
                      gsize          len)
{
  Probe probe;

  if (make_key (probe.probe.key, kind, estate, text, len) == 0)
    return NULL;
  return g_hash_table_lookup (self->postings[table_of (kind)], &probe.probe);
}

/* Appends @pos to the list of the key (@kind, @estate, @text[0..len))
 * unless it already ends with it. */
static void
post (FdSearchIndex *self,
      char           kind,
      gint64         estate,
      const char    *text,
      gsize          len,
      guint32        pos)
{
  Postings *list;

  list = (Postings *) fd_search_lookup_key (self, kind, estate, text, len);
  if (list == NULL)
    {
      Probe probe;
      gsize key_len = make_key (probe.probe.key, kind, estate, text, len);

      if (key_len == 0)
        return;
      list = g_malloc0 (sizeof (Postings) + key_len + 1);
      memcpy (list->key, probe.probe.key, key_len + 1);
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
            gint64         estate,
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
          post (self, kind, estate, p, end - p, pos);
        }
    }
}

/* Room "B-U-N": @unit_end and @number point into @room (NULL when absent). */
void
fd_search_room_split (const char  *room,
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
           gint64         estate,
           const char    *room,
           guint32        pos)
{
  const char *dash1 = strchr (room, '-');
  const char *unit_end, *number;

  fd_search_room_split (room, &unit_end, &number);
  post (self, 'r', estate, room, dash1 ? (gsize) (dash1 - room) : strlen (room), pos);
  if (unit_end != NULL)
    post (self, 'r', estate, room, unit_end - room, pos);
  if (number != NULL)
    for (const char *p = number; *p; p++)
      post (self, 'r', estate, room, p + 1 - room, pos);
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
  s->estate_id = e.estate_id = r->estate_id;
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
  /* issue 14: the payments list (GET /payments) renders from here too */
  s->account_masked = g_strdup (r->account_masked);
  s->balance_cents = r->balance_cents;
  s->overdue = r->overdue;
  s->last_paid_at = g_strdup (r->last_paid_at);
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
  gint64 estate = e->estate_id;

#define WANT(kind) ((tables & (1u << table_of (kind))) != 0)
  if (WANT ('e'))
    post (self, 'e', estate, "", 0, pos);
  if (WANT ('n'))
    post_grams (self, 'n', estate, s->name, NAME_GRAM, pos);
  if (WANT ('s') && e->surname)
    post (self, 's', estate, s->name, g_utf8_next_char (s->name) - s->name, pos);
  if (WANT ('r'))
    post_room (self, estate, s->room, pos);
  if (WANT ('l') && e->last4[0])
    post (self, 'l', estate, e->last4, 4, pos);
  if (WANT ('p'))
    {
      g_auto(GStrv) initials = g_strsplit (e->initials, ",", 0);
      for (guint i = 0; initials[i] != NULL; i++)
        for (gsize n = 2; n <= 4 && n <= strlen (initials[i]); n++)
          post (self, 'p', estate, initials[i], n, pos);
    }
  for (guint i = 0; s->plates[i] != NULL; i++)
    {
      if (WANT ('P'))
        post_grams (self, 'P', estate, s->plates[i], PLATE_GRAM, pos);
      if (WANT ('M'))
        post_grams (self, 'M', estate, s->plates_masked[i], PLATE_GRAM, pos);
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
  note_estate (self, e.estate_id);
  post_entry (self, pos, (1u << N_TABLES) - 1);
  g_rw_lock_writer_unlock (&self->lock);
}

guint
fd_search_first_after (FdSearchIndex *self,
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
  pos = fd_search_first_after (self, id - 1);
  if (pos < self->entries->len && g_array_index (self->entries, Entry, pos).id == id)
    found = g_array_index (self->entries, Entry, pos).summary;
  g_rw_lock_reader_unlock (&self->lock);
  return found;
}
