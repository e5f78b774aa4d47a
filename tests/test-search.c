#include "config.h"

#include <string.h>

#include "fd-demo-data.h"
#include "fd-pinyin.h"
#include "fd-search.h"

/* The search index must answer exactly what a plain scan answers, for
 * every role's scope, with paging. The residents are the demo generator's
 * (realistic names, rooms and plates). */

#define N_RESIDENTS 3000

static FdSearchIndex *index_;
static GPtrArray *names;   /* for building queries */
static GPtrArray *rooms;
static GPtrArray *plates;
static GPtrArray *last4s;

static const FdSearchScope scopes[] = {
  /* reception */ { TRUE, FALSE, TRUE, 3, TRUE, FD_SEARCH_PLATES_MASKED },
  /* patrol */    { FALSE, TRUE, FALSE, 2, TRUE, FD_SEARCH_PLATES_CLEAR },
  /* finance */   { TRUE, FALSE, TRUE, 3, TRUE, FD_SEARCH_PLATES_MASKED },
  /* manager */   { TRUE, FALSE, TRUE, 3, TRUE, FD_SEARCH_PLATES_CLEAR },
};

/* Generates demo resident @i of @seed into @d (the caller clears it),
 * adds it to @index with @id and returns its initials. */
static char **
add_demo_resident (FdSearchIndex  *index,
                   FdPinyin       *pinyin,
                   guint64         seed,
                   guint           i,
                   gint64          id,
                   FdDemoResident *d)
{
  FdResidentRecord r = { 0 };
  char **initials;

  fd_demo_resident_generate (seed, i, d);
  initials = fd_pinyin_initials (pinyin, d->name);
  r.id = id;
  r.name = d->name;
  r.room = d->room;
  r.initials = g_strjoinv (",", initials);
  r.phone_last4 = d->phone + strlen (d->phone) - 4;
  r.plates = d->plates;
  fd_search_index_add (index, &r);
  g_free (r.initials);
  return initials;
}

static void
build_index (void)
{
  g_autoptr(FdPinyin) pinyin = fd_pinyin_new (NULL);

  g_assert_nonnull (pinyin);
  index_ = fd_search_index_new ();
  names = g_ptr_array_new_with_free_func (g_free);
  rooms = g_ptr_array_new_with_free_func (g_free);
  plates = g_ptr_array_new_with_free_func (g_free);
  last4s = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < N_RESIDENTS; i++)
    {
      FdDemoResident d = { 0 };
      /* ids need not be dense */
      g_auto(GStrv) initials = add_demo_resident (index_, pinyin, 7, i, (i + 1) * 3, &d);

      g_ptr_array_add (names, g_strdup (d.name));
      g_ptr_array_add (rooms, g_strdup (d.room));
      g_ptr_array_add (last4s, g_strdup (d.phone + 7));
      if (d.plates && d.plates[0])
        g_ptr_array_add (plates, g_strdup (d.plates[0]));
      fd_demo_resident_clear (&d);
    }
  g_assert_cmpuint (fd_search_index_size (index_), ==, N_RESIDENTS);
}

static void
assert_same (const char          *q,
             const FdSearchScope *scope,
             guint                limit)
{
  gint64 after = 0;
  guint pages = 0, total = 0;

  /* Page through the whole answer both ways. */
  for (;;)
    {
      g_autoptr(GArray) a = fd_search_index_query (index_, q, scope, after, limit);
      g_autoptr(GArray) b = fd_search_index_query_scan (index_, q, scope, after, limit);

      if (a->len != b->len)
        g_error ("query of %u bytes, page %u: index %u, scan %u results",
                 (guint) strlen (q), pages, a->len, b->len);
      for (guint i = 0; i < a->len; i++)
        {
          g_assert_cmpint (g_array_index (a, gint64, i), ==, g_array_index (b, gint64, i));
          g_assert_cmpint (g_array_index (a, gint64, i), >, after);
        }
      total += a->len;
      if (a->len < limit)
        break;
      after = g_array_index (a, gint64, a->len - 1);
      pages++;
      g_assert_cmpuint (pages, <, N_RESIDENTS + 1);
    }
  (void) total;
}

static char *
substring_chars (const char *text,
                 guint       start,
                 guint       n)
{
  const char *p = g_utf8_offset_to_pointer (text, start);
  const char *e = g_utf8_offset_to_pointer (p, n);
  return g_strndup (p, e - p);
}

static void
test_names (void)
{
  for (guint s = 0; s < G_N_ELEMENTS (scopes); s++)
    for (guint i = 0; i < 150; i++)
      {
        const char *name = g_ptr_array_index (names, (i * 37) % names->len);
        glong len = g_utf8_strlen (name, -1);
        g_autofree char *one = substring_chars (name, i % len, 1);
        g_autofree char *two = len >= 2 ? substring_chars (name, 0, 2) : g_strdup (name);
        g_autofree char *tail = len >= 2 ? substring_chars (name, len - 2, 2) : g_strdup (name);

        assert_same (one, &scopes[s], 50);
        assert_same (two, &scopes[s], 17);
        assert_same (tail, &scopes[s], 50);
        assert_same (name, &scopes[s], 100);
      }
}

static void
test_one_char_finds_everyone (void)
{
  /* A one-character Chinese query: the case SQLite 3.40's trigram index gets wrong. */
  g_autoptr(GArray) ids = fd_search_index_query (index_, "王", &scopes[0], 0, 100000);
  guint expected = 0;

  for (guint i = 0; i < names->len; i++)
    if (strstr (g_ptr_array_index (names, i), "王"))
      expected++;
  g_assert_cmpuint (expected, >, 50);
  g_assert_cmpuint (ids->len, ==, expected);
}

static void
test_pinyin (void)
{
  const char *queries[] = { "zs", "wl", "lm", "zw", "ch", "zxm", "wjg", "ab", "xx", "ZS", "oy", "zhan", NULL };

  for (guint s = 0; s < G_N_ELEMENTS (scopes); s++)
    for (guint i = 0; queries[i]; i++)
      assert_same (queries[i], &scopes[s], 50);

  {
    g_autoptr(GArray) ids = fd_search_index_query (index_, "zs", &scopes[0], 0, 100);
    g_autoptr(GArray) patrol = fd_search_index_query (index_, "zs", &scopes[1], 0, 100);
    g_assert_cmpuint (ids->len, >, 0);
    /* patrol sees surnames only: no pinyin of given names */
    g_assert_cmpuint (patrol->len, ==, 0);
  }
}

static void
test_rooms (void)
{
  const char *queries[] = { "3", "3-2", "1-1", "12-4", "3-2-1502", "3-21", "3-", "-2", "3--2", "99", NULL };

  for (guint s = 0; s < G_N_ELEMENTS (scopes); s++)
    {
      for (guint i = 0; queries[i]; i++)
        assert_same (queries[i], &scopes[s], 50);
      for (guint i = 0; i < 60; i++)
        assert_same (g_ptr_array_index (rooms, (i * 53) % rooms->len), &scopes[s], 50);
    }

  /* whole segments only */
  {
    g_autoptr(GArray) ids = fd_search_index_query (index_, "1-2", &scopes[0], 0, 100000);
    for (guint i = 0; i < ids->len; i++)
      {
        const char *room = g_ptr_array_index (rooms, g_array_index (ids, gint64, i) / 3 - 1);
        g_assert_true (g_str_has_prefix (room, "1-2-"));
      }
    g_assert_cmpuint (ids->len, >, 0);
  }
  /* patrol matches building-unit, never the room number */
  {
    const char *room = g_ptr_array_index (rooms, 0);
    g_autoptr(GArray) ids = fd_search_index_query (index_, room, &scopes[1], 0, 100);
    g_assert_cmpuint (ids->len, ==, 0);
  }
}

/* Contract v1.1: building and unit as whole segments, the room number as
 * a prefix ("3-2-15" finds 3-2-1502 and 3-2-1511); a role that sees only
 * the building-unit gets nothing for a query with a room-number part. */
static void
test_room_prefixes (void)
{
  for (guint i = 0; i < 40; i++)
    {
      const char *room = g_ptr_array_index (rooms, (i * 71) % rooms->len);

      for (gsize n = 1; n <= strlen (room); n++)
        {
          g_autofree char *prefix = g_strndup (room, n);
          gboolean has_number = strchr (room, '-') != strrchr (room, '-') &&
                                n > (gsize) (strrchr (room, '-') - room) + 1;

          for (guint s = 0; s < G_N_ELEMENTS (scopes); s++)
            assert_same (prefix, &scopes[s], 50);

          /* patrol: no room-number part, whatever the prefix */
          if (has_number)
            {
              g_autoptr(GArray) patrol = fd_search_index_query (index_, prefix, &scopes[1], 0, 100);
              g_assert_cmpuint (patrol->len, ==, 0);
            }
        }
    }

  /* The prefix counted independently of the index's matcher. */
  for (guint i = 0; i < 20; i++)
    {
      const char *room = g_ptr_array_index (rooms, (i * 97) % rooms->len);
      g_autofree char *floor = g_strndup (room, strlen (room) - 2);   /* "3-2-15" */
      g_autoptr(GArray) ids = fd_search_index_query (index_, floor, &scopes[0], 0, N_RESIDENTS);
      guint expected = 0;

      for (guint r = 0; r < rooms->len; r++)
        if (g_str_has_prefix (g_ptr_array_index (rooms, r), floor))
          expected++;
      g_assert_cmpuint (expected, >, 0);
      g_assert_cmpuint (ids->len, ==, expected);
      for (guint k = 0; k < ids->len; k++)
        g_assert_true (g_str_has_prefix (g_ptr_array_index (rooms, g_array_index (ids, gint64, k) / 3 - 1),
                                         floor));
    }

  /* a trailing dash narrows like the segment before it */
  {
    const char *room = g_ptr_array_index (rooms, 0);
    g_autofree char *unit = g_strndup (room, strrchr (room, '-') - room);
    g_autofree char *unit_dash = g_strndup (room, strrchr (room, '-') + 1 - room);
    g_autoptr(GArray) a = fd_search_index_query (index_, unit, &scopes[0], 0, N_RESIDENTS);
    g_autoptr(GArray) b = fd_search_index_query (index_, unit_dash, &scopes[0], 0, N_RESIDENTS);
    g_autoptr(GArray) c = fd_search_index_query (index_, unit_dash, &scopes[1], 0, N_RESIDENTS);

    g_assert_cmpuint (a->len, >, 0);
    g_assert_cmpuint (a->len, ==, b->len);
    g_assert_cmpuint (a->len, ==, c->len);
  }
}

static void
test_last4_and_plates (void)
{
  for (guint s = 0; s < G_N_ELEMENTS (scopes); s++)
    {
      for (guint i = 0; i < 60; i++)
        {
          const char *plate = g_ptr_array_index (plates, (i * 11) % plates->len);
          g_autofree char *part = substring_chars (plate, 1, 3);
          g_autofree char *lower = g_ascii_strdown (part, -1);

          g_autofree char *four = substring_chars (plate, 2, 4);
          g_autofree char *five = substring_chars (plate, 2, 5);
          g_autofree char *tail = substring_chars (plate, g_utf8_strlen (plate, -1) - 4, 4);

          assert_same (g_ptr_array_index (last4s, (i * 29) % last4s->len), &scopes[s], 50);
          assert_same (plate, &scopes[s], 50);
          assert_same (four, &scopes[s], 50);
          assert_same (five, &scopes[s], 50);
          assert_same (tail, &scopes[s], 50);
          assert_same (part, &scopes[s], 50);
          assert_same (lower, &scopes[s], 50);
        }
      assert_same ("***", &scopes[s], 50);
      assert_same ("123", &scopes[s], 50);
      assert_same ("8888", &scopes[s], 50);
      assert_same ("1234", &scopes[s], 50);
      assert_same ("88888", &scopes[s], 50);
    }

  /* A role that sees plates masked cannot find one by its hidden middle. */
  {
    const char *plate = g_ptr_array_index (plates, 0);
    g_autoptr(GArray) clear = fd_search_index_query (index_, plate, &scopes[3], 0, 100);
    g_autoptr(GArray) masked = fd_search_index_query (index_, plate, &scopes[0], 0, 100);
    g_assert_cmpuint (clear->len, >, 0);
    g_assert_cmpuint (masked->len, ==, 0);
  }
}

static void
test_odd_queries (void)
{
  const char *queries[] = { "", " ", "%", "_", "' OR 1=1 --", "\xe5\xbc", "张张张张张张张张张张",
                            "a", "abcde", "0000", "12345", "·", NULL };

  for (guint s = 0; s < G_N_ELEMENTS (scopes); s++)
    for (guint i = 0; queries[i]; i++)
      if (g_utf8_validate (queries[i], -1, NULL))
        assert_same (queries[i], &scopes[s], 100);

  /* empty lists everybody in id order */
  {
    g_autoptr(GArray) all = fd_search_index_query (index_, "", &scopes[0], 0, 5);
    g_assert_cmpuint (all->len, ==, 5);
    g_assert_cmpint (g_array_index (all, gint64, 0), ==, 3);
    g_assert_cmpint (g_array_index (all, gint64, 4), ==, 15);
  }
}

/* The work of a query (list skips and matcher tests) is bounded by the
 * page, not the population: at 40,000 residents no query of any kind, for
 * any role, takes more than a few steps a result. Walking a per-character
 * plate list for "8888" (what the index did before) takes thousands. */
static void
test_cost_follows_page (void)
{
  g_autoptr(FdPinyin) pinyin = fd_pinyin_new (NULL);
  g_autoptr(GPtrArray) queries = g_ptr_array_new_with_free_func (g_free);
  const char *fixed[] = { "8888", "1234", "0000", "zs", "wl", "zxm", "wjg", "", "1", "3-2", NULL };
  FdSearchIndex *big = fd_search_index_new ();
  const guint n = 40000, limit = 20;
  guint worst = 0;

  for (guint i = 0; i < n; i++)
    {
      FdDemoResident d = { 0 };
      g_auto(GStrv) initials = add_demo_resident (big, pinyin, 11, i, i + 1, &d);

      /* queries drawn over the whole population */
      if (i % 997 == 0)
        {
          glong len = g_utf8_strlen (d.name, -1);
          g_autofree char *floor = g_strndup (d.room, strlen (d.room) - 2);

          g_ptr_array_add (queries, substring_chars (d.name, 0, 1));
          g_ptr_array_add (queries, substring_chars (d.name, len - 2, 2));
          g_ptr_array_add (queries, g_strdup (d.name));
          g_ptr_array_add (queries, g_strdup (initials[0]));
          g_ptr_array_add (queries, g_strdup (d.room));
          g_ptr_array_add (queries, g_steal_pointer (&floor));
          g_ptr_array_add (queries, g_strdup (d.phone + 7));
          if (d.plates && d.plates[0])
            {
              g_ptr_array_add (queries, g_strdup (d.plates[0]));
              g_ptr_array_add (queries, substring_chars (d.plates[0], 2, 4));
              g_ptr_array_add (queries, substring_chars (d.plates[0], 3, 4));
            }
        }
      fd_demo_resident_clear (&d);
    }
  for (guint i = 0; fixed[i]; i++)
    g_ptr_array_add (queries, g_strdup (fixed[i]));

  for (guint q = 0; q < queries->len; q++)
    for (guint s = 0; s < G_N_ELEMENTS (scopes); s++)
      for (gint64 after = 0; after <= n / 2; after += n / 2)
        {
          guint steps = 0;
          g_autoptr(GPtrArray) summaries = g_ptr_array_new ();
          g_autoptr(GArray) ids = fd_search_index_query_full (big, queries->pdata[q], &scopes[s],
                                                              after, limit + 1, &steps, summaries);
          worst = MAX (worst, steps);
          g_assert_cmpuint (summaries->len, ==, ids->len);
          for (guint k = 0; k < ids->len; k++)
            g_assert_true (summaries->pdata[k] ==
                           fd_search_index_lookup (big, g_array_index (ids, gint64, k)));
          if (steps > 8 * (limit + 1))
            g_error ("query %u (%u bytes), scope %u: %u steps for %u results", q,
                     (guint) strlen (queries->pdata[q]), s, steps, ids->len);
        }
  g_test_message ("%u queries, at most %u steps for a page of %u", queries->len, worst, limit + 1);
  fd_search_index_free (big);
}

int
main (int   argc,
      char *argv[])
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  build_index ();
  g_test_add_func ("/fd/search/names", test_names);
  g_test_add_func ("/fd/search/one-char", test_one_char_finds_everyone);
  g_test_add_func ("/fd/search/pinyin", test_pinyin);
  g_test_add_func ("/fd/search/rooms", test_rooms);
  g_test_add_func ("/fd/search/room-prefixes", test_room_prefixes);
  g_test_add_func ("/fd/search/last4-plates", test_last4_and_plates);
  g_test_add_func ("/fd/search/cost-follows-page", test_cost_follows_page);
  g_test_add_func ("/fd/search/odd-queries", test_odd_queries);
  rc = g_test_run ();
  fd_search_index_free (index_);
  g_ptr_array_unref (names);
  g_ptr_array_unref (rooms);
  g_ptr_array_unref (plates);
  g_ptr_array_unref (last4s);
  return rc;
}
