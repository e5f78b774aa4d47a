/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests the deterministic synthetic residents. */

/* test-demo-data.c — deterministic synthetic residents
 *
 * The checks never print generated values: assertion messages name the
 * field, not its content.
 */

#include "config.h"

#include "fd-demo-data.h"

#include <string.h>

#define N_CHECKED 5000

#define GOLDEN_DIGEST "4bd450a50813988ecd310ebe96aad9a1588e3f5ab7919682eceff8226f74de5b"

/* Province code → address prefix and plate abbreviation, written out
 * independently of the generator's table. */
static const struct
{
  const char *code;
  const char *province;
  const char *plate;
} provinces[] = {
  { "11", "北京市", "京" }, { "12", "天津市", "津" }, { "13", "河北省", "冀" },
  { "14", "山西省", "晋" }, { "21", "辽宁省", "辽" }, { "22", "吉林省", "吉" },
  { "23", "黑龙江省", "黑" }, { "31", "上海市", "沪" }, { "32", "江苏省", "苏" },
  { "33", "浙江省", "浙" }, { "34", "安徽省", "皖" }, { "35", "福建省", "闽" },
  { "36", "江西省", "赣" }, { "37", "山东省", "鲁" }, { "41", "河南省", "豫" },
  { "42", "湖北省", "鄂" }, { "43", "湖南省", "湘" }, { "44", "广东省", "粤" },
  { "45", "广西壮族自治区", "桂" }, { "46", "海南省", "琼" }, { "50", "重庆市", "渝" },
  { "51", "四川省", "川" }, { "52", "贵州省", "贵" }, { "53", "云南省", "云" },
  { "61", "陕西省", "陕" }, { "62", "甘肃省", "甘" },
};

static GRegex *mobile_re;
static GRegex *room_re;
static GRegex *plate_serial_re;
static GRegex *date_re;

static gboolean
residents_equal (const FdDemoResident *a,
                 const FdDemoResident *b)
{
  return g_str_equal (a->name, b->name)
      && g_str_equal (a->room, b->room)
      && g_str_equal (a->phone, b->phone)
      && g_str_equal (a->id_number, b->id_number)
      && g_str_equal (a->home_address, b->home_address)
      && g_strv_equal ((const char * const *) a->plates, (const char * const *) b->plates)
      && g_str_equal (a->payment_account, b->payment_account)
      && a->balance_cents == b->balance_cents
      && a->overdue == b->overdue
      && g_str_equal (a->last_paid_at, b->last_paid_at);
}

/* ISO 7064 MOD 11-2 in its recursive form (not the weight table the
 * generator uses). */
static char
iso7064_check (const char *first17)
{
  guint p = 0;

  for (guint i = 0; i < 17; i++)
    p = ((p + (guint) (first17[i] - '0')) * 2) % 11;
  p = (12 - p) % 11;

  return p == 10 ? 'X' : (char) ('0' + p);
}

static gboolean
luhn_valid (const char *number)
{
  gsize len = strlen (number);
  guint sum = 0;

  for (gsize i = 0; i < len; i++)
    {
      guint d = (guint) (number[len - 1 - i] - '0');

      if (i % 2 == 1)
        {
          d *= 2;
          if (d > 9)
            d -= 9;
        }
      sum += d;
    }

  return sum % 10 == 0;
}

static gboolean
all_digits (const char *s,
            gsize       len)
{
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (s[i]))
      return FALSE;
  return TRUE;
}

static gboolean
all_han (const char *s)
{
  for (const char *p = s; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_get_script (g_utf8_get_char (p)) != G_UNICODE_SCRIPT_HAN)
      return FALSE;
  return TRUE;
}

static int
find_province (const char *code2)
{
  for (gsize i = 0; i < G_N_ELEMENTS (provinces); i++)
    if (strncmp (provinces[i].code, code2, 2) == 0)
      return (int) i;
  return -1;
}

static void
check_name (const char *name)
{
  glong n;

  g_assert_nonnull (name);
  g_assert_true (g_utf8_validate (name, -1, NULL));
  n = g_utf8_strlen (name, -1);
  g_assert_cmpint (n, >=, 2);
  g_assert_cmpint (n, <=, 4);
  g_assert_true (all_han (name));
}

static void
check_mobile (const char *phone)
{
  g_assert_nonnull (phone);
  g_assert_true (g_regex_match (mobile_re, phone, 0, NULL));
}

static void
check_date (const char *date,
            guint       min_ymd,
            guint       max_ymd)
{
  guint y, m, d;

  g_assert_true (g_regex_match (date_re, date, 0, NULL));
  y = (guint) g_ascii_strtoull (date, NULL, 10);
  m = (guint) g_ascii_strtoull (date + 5, NULL, 10);
  d = (guint) g_ascii_strtoull (date + 8, NULL, 10);
  g_assert_true (g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y));
  g_assert_cmpuint (y * 10000 + m * 100 + d, >=, min_ymd);
  g_assert_cmpuint (y * 10000 + m * 100 + d, <=, max_ymd);
}

/* Checks every field; returns the resident's province index. */
static int
check_resident (const FdDemoResident *r)
{
  char birth[11];
  int province;

  check_name (r->name);
  check_mobile (r->phone);

  g_assert_nonnull (r->room);
  g_assert_true (g_regex_match (room_re, r->room, 0, NULL));

  /* ID number: region, birth date 1940–2006, checksum */
  g_assert_nonnull (r->id_number);
  g_assert_cmpuint (strlen (r->id_number), ==, 18);
  g_assert_true (all_digits (r->id_number, 17));
  g_assert_cmpint (r->id_number[17], ==, iso7064_check (r->id_number));
  province = find_province (r->id_number);
  g_assert_cmpint (province, >=, 0);
  g_snprintf (birth, sizeof birth, "%.4s-%.2s-%.2s",
              r->id_number + 6, r->id_number + 10, r->id_number + 12);
  check_date (birth, 19400101, 20061231);

  /* home address: off-estate, in the ID's province, on the demo road */
  g_assert_nonnull (r->home_address);
  g_assert_true (g_str_has_prefix (r->home_address, provinces[province].province));
  g_assert_nonnull (strstr (r->home_address, "演示路"));

  /* plates: 0–2, distinct, of the home province, valid shape */
  g_assert_nonnull (r->plates);
  g_assert_cmpuint (g_strv_length (r->plates), <=, 2);
  for (char **p = r->plates; *p != NULL; p++)
    {
      glong len = g_utf8_strlen (*p, -1);
      const char *serial = g_utf8_next_char (*p);

      g_assert_true (len == 7 || len == 8);
      g_assert_true (g_str_has_prefix (*p, provinces[province].plate));
      g_assert_true (g_regex_match (plate_serial_re, serial, 0, NULL));
      if (len == 8)
        g_assert_true (serial[1] == 'D' || serial[1] == 'F');
    }
  if (r->plates[0] != NULL && r->plates[1] != NULL)
    g_assert_false (g_str_equal (r->plates[0], r->plates[1]));

  /* payments */
  g_assert_nonnull (r->payment_account);
  g_assert_true (strlen (r->payment_account) == 16 || strlen (r->payment_account) == 19);
  g_assert_true (all_digits (r->payment_account, strlen (r->payment_account)));
  g_assert_true (g_str_has_prefix (r->payment_account, "62"));
  g_assert_true (luhn_valid (r->payment_account));
  if (r->overdue)
    g_assert_cmpint (r->balance_cents, >, 0);
  else
    g_assert_cmpint (r->balance_cents, ==, 0);
  check_date (r->last_paid_at, 20260101, 20261231);

  return province;
}

static void
test_determinism (void)
{
  guint differ = 0;

  for (guint i = 0; i < 200; i++)
    {
      FdDemoResident a, b, c;

      fd_demo_resident_generate (42, i, &a);
      fd_demo_resident_generate (42, i, &b);
      fd_demo_resident_generate (43, i, &c);
      g_assert_true (residents_equal (&a, &b));
      if (!g_str_equal (a.id_number, c.id_number) && !g_str_equal (a.phone, c.phone))
        differ++;
      fd_demo_resident_clear (&a);
      fd_demo_resident_clear (&b);
      fd_demo_resident_clear (&c);
    }
  g_assert_cmpuint (differ, >=, 195);

  /* neighbours differ too */
  {
    FdDemoResident a, b;

    fd_demo_resident_generate (42, 0, &a);
    fd_demo_resident_generate (42, 1, &b);
    g_assert_false (residents_equal (&a, &b));
    fd_demo_resident_clear (&a);
    fd_demo_resident_clear (&b);
  }
}

/* The same residents on every machine and with every GLib: a digest of
 * the first 1,000 residents of seed 2026, pinned. If the generator is
 * changed on purpose, update the digest in the same commit. */
static void
test_golden (void)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  char balance[32];

  for (guint i = 0; i < 1000; i++)
    {
      FdDemoResident r;

      fd_demo_resident_generate (2026, i, &r);
      g_checksum_update (sum, (const guchar *) r.name, -1);
      g_checksum_update (sum, (const guchar *) r.room, -1);
      g_checksum_update (sum, (const guchar *) r.phone, -1);
      g_checksum_update (sum, (const guchar *) r.id_number, -1);
      g_checksum_update (sum, (const guchar *) r.home_address, -1);
      for (char **p = r.plates; *p != NULL; p++)
        g_checksum_update (sum, (const guchar *) *p, -1);
      g_checksum_update (sum, (const guchar *) r.payment_account, -1);
      g_snprintf (balance, sizeof balance, "%" G_GINT64_FORMAT ":%d",
                  r.balance_cents, r.overdue);
      g_checksum_update (sum, (const guchar *) balance, -1);
      g_checksum_update (sum, (const guchar *) r.last_paid_at, -1);
      fd_demo_resident_clear (&r);
    }

  g_assert_cmpstr (g_checksum_get_string (sum), ==, GOLDEN_DIGEST);
}

static void
test_validity (void)
{
  for (guint i = 0; i < N_CHECKED; i++)
    {
      FdDemoResident r;

      fd_demo_resident_generate (1, i, &r);
      check_resident (&r);
      fd_demo_resident_clear (&r);
    }
}

static void
test_distributions (void)
{
  g_autoptr(GHashTable) surname_counts = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                               g_free, NULL);
  g_autoptr(GHashTable) rooms = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                      g_free, NULL);
  g_autoptr(GList) keys = NULL;
  guint name_len[5] = { 0 };
  guint n_plates[3] = { 0 };
  guint new_energy = 0, plates = 0, overdue = 0, long_accounts = 0;
  guint top_wang = 0, top_li = 0, top_zhang = 0;
  guint n = 20000;

  for (guint i = 0; i < n; i++)
    {
      FdDemoResident r;
      guint np;
      char surname[8];

      fd_demo_resident_generate (5, i, &r);
      check_name (r.name);
      name_len[g_utf8_strlen (r.name, -1)]++;
      g_utf8_strncpy (surname, r.name, 1);
      g_hash_table_insert (surname_counts, g_strdup (surname),
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (
                             g_hash_table_lookup (surname_counts, surname)) + 1));
      g_hash_table_add (rooms, g_strdup (r.room));
      np = g_strv_length (r.plates);
      n_plates[np]++;
      for (char **p = r.plates; *p != NULL; p++)
        {
          plates++;
          new_energy += g_utf8_strlen (*p, -1) == 8;
        }
      overdue += r.overdue;
      long_accounts += strlen (r.payment_account) == 19;
      fd_demo_resident_clear (&r);
    }

  /* names: ~12% two characters, ~85% three, ~3% four */
  g_assert_cmpuint (name_len[2], >, n * 8 / 100);
  g_assert_cmpuint (name_len[2], <, n * 16 / 100);
  g_assert_cmpuint (name_len[3], >, n * 80 / 100);
  g_assert_cmpuint (name_len[4], >, n * 1 / 100);
  g_assert_cmpuint (name_len[4], <, n * 6 / 100);

  /* plates: ~40% none, ~50% one, ~10% two; ~20% new energy */
  g_assert_cmpuint (n_plates[0], >, n * 35 / 100);
  g_assert_cmpuint (n_plates[0], <, n * 45 / 100);
  g_assert_cmpuint (n_plates[1], >, n * 45 / 100);
  g_assert_cmpuint (n_plates[1], <, n * 55 / 100);
  g_assert_cmpuint (n_plates[2], >, n * 7 / 100);
  g_assert_cmpuint (n_plates[2], <, n * 13 / 100);
  g_assert_cmpuint (new_energy, >, plates * 15 / 100);
  g_assert_cmpuint (new_energy, <, plates * 25 / 100);

  /* ~15% overdue; both account lengths occur */
  g_assert_cmpuint (overdue, >, n * 12 / 100);
  g_assert_cmpuint (overdue, <, n * 18 / 100);
  g_assert_cmpuint (long_accounts, >, 0);
  g_assert_cmpuint (long_accounts, <, n);

  /* households: rooms are shared */
  g_assert_cmpuint (g_hash_table_size (rooms), <, n * 3 / 4);

  /* 王, 李 and 张 are the three most common surnames */
  keys = g_hash_table_get_keys (surname_counts);
  top_wang = GPOINTER_TO_UINT (g_hash_table_lookup (surname_counts, "王"));
  top_li = GPOINTER_TO_UINT (g_hash_table_lookup (surname_counts, "李"));
  top_zhang = GPOINTER_TO_UINT (g_hash_table_lookup (surname_counts, "张"));
  g_assert_cmpuint (MIN (MIN (top_wang, top_li), top_zhang), >, n * 4 / 100);
  for (GList *l = keys; l != NULL; l = l->next)
    {
      guint count = GPOINTER_TO_UINT (g_hash_table_lookup (surname_counts, l->data));

      if (g_str_equal (l->data, "王") || g_str_equal (l->data, "李")
          || g_str_equal (l->data, "张"))
        continue;
      g_assert_cmpuint (count, <, MIN (MIN (top_wang, top_li), top_zhang));
    }
  /* the rare surnames that exercise pinyin overrides do occur */
  g_assert_nonnull (g_hash_table_lookup (surname_counts, "曾"));
  g_assert_nonnull (g_hash_table_lookup (surname_counts, "单"));
  g_assert_nonnull (g_hash_table_lookup (surname_counts, "欧"));
}

static void
test_clear (void)
{
  FdDemoResident r;

  fd_demo_resident_generate (9, 3, &r);
  fd_demo_resident_clear (&r);
  g_assert_null (r.name);
  g_assert_null (r.room);
  g_assert_null (r.phone);
  g_assert_null (r.id_number);
  g_assert_null (r.home_address);
  g_assert_null (r.plates);
  g_assert_null (r.payment_account);
  g_assert_null (r.last_paid_at);
  g_assert_cmpint (r.balance_cents, ==, 0);
  g_assert_false (r.overdue);
  /* clearing twice is harmless */
  fd_demo_resident_clear (&r);
}

static void
test_visitor (void)
{
  guint differ = 0;

  for (guint i = 0; i < N_CHECKED; i++)
    {
      g_autofree char *name = NULL, *phone = NULL;
      g_autofree char *name2 = NULL, *phone2 = NULL;
      FdDemoResident r;

      fd_demo_visitor_generate (11, i, &name, &phone);
      fd_demo_visitor_generate (11, i, &name2, &phone2);
      check_name (name);
      check_mobile (phone);
      g_assert_true (g_str_equal (name, name2));
      g_assert_true (g_str_equal (phone, phone2));

      /* visitors are not the residents of the same seed */
      fd_demo_resident_generate (11, i, &r);
      differ += !g_str_equal (phone, r.phone);
      fd_demo_resident_clear (&r);
    }
  g_assert_cmpuint (differ, >, N_CHECKED - 5);
}

static void
test_perf (void)
{
  guint n = 100000;
  FdDemoResident *all = g_new (FdDemoResident, n);
  gint64 start = g_get_monotonic_time ();
  double s;

  for (guint i = 0; i < n; i++)
    fd_demo_resident_generate (3, i, &all[i]);
  s = (g_get_monotonic_time () - start) / 1e6;
  for (guint i = 0; i < n; i++)
    fd_demo_resident_clear (&all[i]);
  g_free (all);

  g_test_message ("%u residents in %.3f s", n, s);
  g_test_minimized_result (s, "%u residents: %.3f s", n, s);
  g_assert_cmpfloat (s, <, 1.0);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  mobile_re = g_regex_new ("^1[3-9][0-9]{9}$", 0, 0, NULL);
  room_re = g_regex_new ("^([1-9]|1[0-2])-[1-4]-([1-9]|[12][0-9]|3[0-3])0[1-4]$", 0, 0, NULL);
  /* after the province character: issuing letter, 5 or 6 of A–Z (no I, O) and 0–9 */
  plate_serial_re = g_regex_new ("^[A-HJ-NP-Z][A-HJ-NP-Z0-9]{5,6}$", 0, 0, NULL);
  date_re = g_regex_new ("^[0-9]{4}-[0-9]{2}-[0-9]{2}$", 0, 0, NULL);

  g_test_add_func ("/fd/demo-data/determinism", test_determinism);
  g_test_add_func ("/fd/demo-data/golden", test_golden);
  g_test_add_func ("/fd/demo-data/validity", test_validity);
  g_test_add_func ("/fd/demo-data/distributions", test_distributions);
  g_test_add_func ("/fd/demo-data/clear", test_clear);
  g_test_add_func ("/fd/demo-data/visitor", test_visitor);
  /* a measurement with a loose bound: run with -m perf */
  if (g_test_perf ())
    g_test_add_func ("/fd/demo-data/perf", test_perf);

  ret = g_test_run ();

  g_regex_unref (mobile_re);
  g_regex_unref (room_re);
  g_regex_unref (plate_serial_re);
  g_regex_unref (date_re);
  return ret;
}
