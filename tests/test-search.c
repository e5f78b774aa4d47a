/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests the search index against a plain scan for every role. */

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
      FdResidentRecord r = { 0 };
      g_auto(GStrv) initials = NULL;

      fd_demo_resident_generate (7, i, &d);
      initials = fd_pinyin_initials (pinyin, d.name);
      r.id = (i + 1) * 3;   /* ids need not be dense */
      r.name = d.name;
      r.room = d.room;
      r.initials = g_strjoinv (",", initials);
      r.phone_last4 = g_strdup (d.phone + 7);
      r.plates = d.plates;
      fd_search_index_add (index_, &r);

      g_ptr_array_add (names, g_strdup (d.name));
      g_ptr_array_add (rooms, g_strdup (d.room));
      g_ptr_array_add (last4s, g_strdup (r.phone_last4));
      if (d.plates && d.plates[0])
        g_ptr_array_add (plates, g_strdup (d.plates[0]));
      g_free (r.initials);
      g_free (r.phone_last4);
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

          assert_same (g_ptr_array_index (last4s, (i * 29) % last4s->len), &scopes[s], 50);
          assert_same (plate, &scopes[s], 50);
          assert_same (part, &scopes[s], 50);
          assert_same (lower, &scopes[s], 50);
        }
      assert_same ("***", &scopes[s], 50);
      assert_same ("123", &scopes[s], 50);
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
  g_test_add_func ("/fd/search/last4-plates", test_last4_and_plates);
  g_test_add_func ("/fd/search/odd-queries", test_odd_queries);
  rc = g_test_run ();
  fd_search_index_free (index_);
  g_ptr_array_unref (names);
  g_ptr_array_unref (rooms);
  g_ptr_array_unref (plates);
  g_ptr_array_unref (last4s);
  return rc;
}
