/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests pinyin initials of names. */

#include "config.h"

#include "fd-demo-data.h"
#include "fd-pinyin.h"

#include <string.h>

/* Opening the transliterator is slow: share one across the tests. */
static FdPinyin *pinyin;

static char **
initials (const char *name)
{
  char **v = fd_pinyin_initials (pinyin, name);

  g_assert_nonnull (v);
  return v;
}

static void
assert_initials (const char        *name,
                 const char * const *expected)
{
  g_auto(GStrv) v = initials (name);

  g_assert_cmpstrv (v, expected);
}

static void
assert_contains (const char *name,
                 const char *expected)
{
  g_auto(GStrv) v = initials (name);

  if (!g_strv_contains ((const char * const *) v, expected))
    {
      g_autofree char *joined = g_strjoinv (",", v);

      g_error ("initials of %s are [%s], missing %s", name, joined, expected);
    }
}

static void
assert_lacks (const char *name,
              const char *unexpected)
{
  g_auto(GStrv) v = initials (name);

  g_assert_false (g_strv_contains ((const char * const *) v, unexpected));
}

static void
test_basic (void)
{
  assert_initials ("张三", (const char *[]) { "zs", NULL });
  assert_initials ("李四", (const char *[]) { "ls", NULL });
  assert_initials ("王伟", (const char *[]) { "ww", NULL });
  assert_initials ("欧阳娜娜", (const char *[]) { "oynn", NULL });
  assert_initials ("诸葛亮", (const char *[]) { "zgl", NULL });
  assert_initials ("阿依古丽·买买提", (const char *[]) { "ayglmmt", NULL });
  /* outside the BMP: a CJK Extension B character ICU can read */
  assert_initials ("\xf0\xa0\x80\x80", (const char *[]) { "h", NULL });
}

static void
test_surname_zeng (void)
{
  assert_contains ("曾小明", "zxm");
  assert_contains ("曾小明", "cxm");
  assert_initials ("曾小明", (const char *[]) { "cxm", "zxm", NULL });
}

static void
test_surname_shan (void)
{
  g_auto(GStrv) v = initials ("单雄信");
  gboolean s = FALSE, d = FALSE;

  for (char **p = v; *p != NULL; p++)
    {
      g_assert_cmpuint (strlen (*p), ==, 3);
      s |= (*p)[0] == 's';
      d |= (*p)[0] == 'd';
    }
  g_assert_true (s);
  g_assert_true (d);
  assert_contains ("单雄信", "sxx");
  assert_contains ("单雄信", "dxx");
}

static void
test_surname_overrides (void)
{
  /* surname, its surname initial, its everyday initial */
  static const struct { const char *name, *surname, *everyday; } cases[] = {
    { "区伟", "ow", "qw" },
    { "仇伟", "qw", "cw" },
    { "查伟", "zw", "cw" },
    { "盖伟", "gw", "gw" },
    { "朴伟", "pw", "pw" },
    { "解伟", "xw", "jw" },
    { "覃伟", "qw", "tw" },
    { "尉伟", "yw", "ww" },
    { "翟伟", "zw", "dw" },
    { "万俟伟", "mqw", "wqw" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      assert_contains (cases[i].name, cases[i].surname);
      assert_contains (cases[i].name, cases[i].everyday);
    }

  /* Polyphonic surname characters keep both readings in a given name. */
  assert_initials ("王区", (const char *[]) { "wo", "wq", NULL });
  assert_initials ("李解", (const char *[]) { "lj", "lx", NULL });
}

static void
test_surname_only_first (void)
{
  /* 祭 reads zhai only as a surname (ji otherwise) and is not in the
   * polyphonic table: the surname reading applies up front only. */
  assert_contains ("祭伟", "zw");
  assert_contains ("祭伟", "jw");
  assert_initials ("王祭", (const char *[]) { "wj", NULL });
  assert_contains (" \u3000祭伟", "zw");
  assert_lacks ("王祭", "wz");
}

static void
test_polyphonic_given (void)
{
  assert_contains ("王长江", "wcj");
  assert_contains ("王长江", "wzj");
  assert_contains ("李乐", "ll");
  assert_contains ("李乐", "ly");
  assert_contains ("周行", "zx");
  assert_contains ("周行", "zh");
  assert_initials ("张三长", (const char *[]) { "zsc", "zsz", NULL });
}

static void
test_latin (void)
{
  assert_initials ("Anna Li", (const char *[]) { "al", NULL });
  assert_initials ("anna   LI", (const char *[]) { "al", NULL });
  assert_initials ("Jean-Luc Picard", (const char *[]) { "jlp", NULL });
  assert_initials ("Émile Zola", (const char *[]) { "ez", NULL });
  assert_initials ("Anna张", (const char *[]) { "az", NULL });
  assert_initials ("  张三  ", (const char *[]) { "zs", NULL });
  assert_initials ("张 三", (const char *[]) { "zs", NULL });
}

static void
test_empty (void)
{
  assert_initials ("", (const char *[]) { NULL });
  assert_initials (NULL, (const char *[]) { NULL });
  assert_initials ("   ", (const char *[]) { NULL });
  assert_initials ("·", (const char *[]) { NULL });
  assert_initials ("12345", (const char *[]) { NULL });
  assert_initials ("\xe3\x81\x82", (const char *[]) { NULL });  /* あ: no Latin reading */
}

static void
test_invalid_utf8 (void)
{
  static const char * const bad[] = {
    "\xff\xfe",
    "张\xe5",          /* truncated sequence */
    "\xc0\x80",        /* overlong NUL */
    "\xed\xa0\x80",    /* surrogate */
    "Anna \x80 Li",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    assert_initials (bad[i], (const char *[]) { NULL });
}

static void
assert_sorted_distinct (char **v)
{
  for (guint i = 1; v[0] != NULL && v[i] != NULL; i++)
    g_assert_cmpint (strcmp (v[i - 1], v[i]), <, 0);
}

static void
test_cap (void)
{
  g_auto(GStrv) v = initials ("长长长长长长长长");
  g_auto(GStrv) w = initials ("单单单单");
  g_auto(GStrv) x = initials ("曾长长长长");
  guint n_c = 0, n_z = 0;

  g_assert_cmpuint (g_strv_length (v), ==, 16);
  assert_sorted_distinct (v);
  for (char **p = v; *p != NULL; p++)
    g_assert_cmpuint (strlen (*p), ==, 8);

  /* 单 has three readings as a surname and as a given name: 3^4 = 81
   * combinations, of which the 16 kept are all distinct and sorted. */
  g_assert_cmpuint (g_strv_length (w), ==, 16);
  assert_sorted_distinct (w);

  /* The surname's readings are never the ones dropped: both c… and z…
   * survive although 2^5 = 32 combinations exceed the cap. */
  g_assert_cmpuint (g_strv_length (x), ==, 16);
  for (char **p = x; *p != NULL; p++)
    {
      n_c += (*p)[0] == 'c';
      n_z += (*p)[0] == 'z';
    }
  g_assert_cmpuint (n_c, >, 0);
  g_assert_cmpuint (n_z, >, 0);
}

static void
test_long_name (void)
{
  g_autoptr(GString) name = g_string_new (NULL);
  g_auto(GStrv) v = NULL;

  for (guint i = 0; i < 1000; i++)
    g_string_append (name, "张");
  v = initials (name->str);
  g_assert_cmpuint (g_strv_length (v), ==, 1);
  g_assert_cmpuint (strlen (v[0]), ==, 1000);
}

/* Every demo name: all-Han, so one lowercase letter per character; 1–16
 * strings, sorted and distinct. */
static void
test_demo_names (void)
{
  for (guint i = 0; i < 5000; i++)
    {
      FdDemoResident r;
      g_auto(GStrv) v = NULL;
      glong n_chars;

      fd_demo_resident_generate (7, i, &r);
      n_chars = g_utf8_strlen (r.name, -1);
      v = initials (r.name);
      g_assert_cmpuint (g_strv_length (v), >=, 1);
      g_assert_cmpuint (g_strv_length (v), <=, 16);
      assert_sorted_distinct (v);
      for (char **p = v; *p != NULL; p++)
        {
          g_assert_cmpuint (strlen (*p), ==, (gsize) n_chars);
          for (const char *c = *p; *c != '\0'; c++)
            g_assert_true (*c >= 'a' && *c <= 'z');
        }
      fd_demo_resident_clear (&r);
    }
}

static void
test_perf (void)
{
  guint n = 100000;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(FdPinyin) fresh = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;
  double open_s, convert_s;

  for (guint i = 0; i < n; i++)
    {
      FdDemoResident r;

      fd_demo_resident_generate (1, i, &r);
      g_ptr_array_add (names, g_steal_pointer (&r.name));
      fd_demo_resident_clear (&r);
    }

  start = g_get_monotonic_time ();
  fresh = fd_pinyin_new (&error);
  g_assert_no_error (error);
  open_s = (g_get_monotonic_time () - start) / 1e6;

  start = g_get_monotonic_time ();
  for (guint i = 0; i < n; i++)
    g_strfreev (fd_pinyin_initials (fresh, g_ptr_array_index (names, i)));
  convert_s = (g_get_monotonic_time () - start) / 1e6;

  g_test_message ("open %.3f s; %u names in %.3f s (%.2f us a name)",
                  open_s, n, convert_s, convert_s * 1e6 / n);
  g_test_minimized_result (convert_s, "%u names: %.3f s", n, convert_s);
  g_assert_cmpfloat (convert_s, <, 5.0);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);

  pinyin = fd_pinyin_new (&error);
  g_assert_no_error (error);

  g_test_add_func ("/fd/pinyin/basic", test_basic);
  g_test_add_func ("/fd/pinyin/surname-zeng", test_surname_zeng);
  g_test_add_func ("/fd/pinyin/surname-shan", test_surname_shan);
  g_test_add_func ("/fd/pinyin/surname-overrides", test_surname_overrides);
  g_test_add_func ("/fd/pinyin/surname-only-first", test_surname_only_first);
  g_test_add_func ("/fd/pinyin/polyphonic-given", test_polyphonic_given);
  g_test_add_func ("/fd/pinyin/latin", test_latin);
  g_test_add_func ("/fd/pinyin/empty", test_empty);
  g_test_add_func ("/fd/pinyin/invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/fd/pinyin/cap", test_cap);
  g_test_add_func ("/fd/pinyin/long-name", test_long_name);
  g_test_add_func ("/fd/pinyin/demo-names", test_demo_names);
  /* a measurement, not a check: run with -m perf */
  if (g_test_perf ())
    g_test_add_func ("/fd/pinyin/perf", test_perf);

  ret = g_test_run ();
  fd_pinyin_free (pinyin);
  return ret;
}
