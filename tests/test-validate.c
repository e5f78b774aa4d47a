/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests validators and input normalisation. */

#include "config.h"

#include <string.h>

#include "fd-error.h"
#include "fd-validate.h"

typedef gboolean (*ValidateFunc) (const char *, GError **);

static void
assert_valid (ValidateFunc  func,
              const char   *input)
{
  g_autoptr(GError) error = NULL;

  if (!func (input, &error))
    g_error ("valid input refused (%s): %s", input, error->message);
}

/* Refused with a bad-request error whose message does not repeat the input;
 * returns the message for further checks. */
static char *
assert_invalid (ValidateFunc  func,
                const char   *input)
{
  g_autoptr(GError) error = NULL;

  if (func (input, &error))
    g_error ("invalid input accepted: %s", input);
  g_assert_error (error, FD_ERROR, FD_ERROR_BAD_REQUEST);
  g_assert_nonnull (error->message);
  g_assert_cmpstr (error->message, !=, "");
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  if (input != NULL && strlen (input) >= 3)
    g_assert_null (strstr (error->message, input));

  /* A NULL error is allowed too. */
  g_assert_false (func (input, NULL));

  return g_strdup (error->message);
}

static void
refuse (ValidateFunc  func,
        const char   *input)
{
  g_free (assert_invalid (func, input));
}

static void
refuse_with (ValidateFunc  func,
             const char   *input,
             const char   *message)
{
  g_autofree char *got = assert_invalid (func, input);

  g_assert_cmpstr (got, ==, message);
}

static char *
make_long (const char *unit,
           gsize       min_bytes)
{
  GString *s = g_string_new (NULL);

  while (s->len < min_bytes)
    g_string_append (s, unit);
  return g_string_free (s, FALSE);
}

/* --- normalisation --- */

static void
assert_normalized (const char *input,
                   gboolean    upper,
                   const char *expected)
{
  g_autofree char *got = fd_input_normalize (input, upper);

  g_assert_cmpstr (got, ==, expected);
}

static void
test_normalize (void)
{
  assert_normalized (NULL, FALSE, NULL);
  assert_normalized ("\xff", FALSE, NULL);
  assert_normalized ("138\xe5\xbc", FALSE, NULL);
  assert_normalized ("", FALSE, "");
  assert_normalized ("　 \t", FALSE, "");
  assert_normalized ("１３８００１３８０００", FALSE, "13800138000");
  assert_normalized ("  １３８　００１３８０００　", FALSE, "138 00138000");
  assert_normalized ("！～", FALSE, "!~");
  assert_normalized ("\xef\xbd\x9f", FALSE, "\xef\xbd\x9f"); /* U+FF5F stays */
  assert_normalized ("粤ｂ１２３４５", TRUE, "粤B12345");
  assert_normalized ("粤ｂ１２３４５", FALSE, "粤b12345");
  assert_normalized ("ｘ", TRUE, "X");
  assert_normalized ("Anna  Lee ", FALSE, "Anna  Lee");
  assert_normalized ("ä", TRUE, "ä");
  assert_normalized ("张三", TRUE, "张三");
}

/* --- resident ID --- */

static char *
make_id (const char *area,
         const char *birth,
         const char *seq)
{
  g_autofree char *first17 = g_strconcat (area, birth, seq, NULL);
  char check = fd_id_number_check_char (first17);

  g_assert_cmpint (check, !=, '\0');
  return g_strdup_printf ("%s%c", first17, check);
}

static void
test_id_check_char (void)
{
  /* Computed independently; one per remainder 0..10. */
  static const struct { const char *first17; char check; } cases[] = {
    { "11010519491231001", '1' }, { "11010519491231007", '0' },
    { "11010519491231002", 'X' }, { "11010519491231008", '9' },
    { "11010519491231003", '8' }, { "11010519491231009", '7' },
    { "11010519491231004", '6' }, { "11010519491231018", '5' },
    { "11010519491231005", '4' }, { "11010519491231000", '3' },
    { "11010519491231006", '2' },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpint (fd_id_number_check_char (cases[i].first17), ==, cases[i].check);

  /* Only the first 17 characters count. */
  g_assert_cmpint (fd_id_number_check_char ("11010519491231002X"), ==, 'X');

  g_assert_cmpint (fd_id_number_check_char (NULL), ==, '\0');
  g_assert_cmpint (fd_id_number_check_char (""), ==, '\0');
  g_assert_cmpint (fd_id_number_check_char ("1101051949123100"), ==, '\0');
  g_assert_cmpint (fd_id_number_check_char ("1101051949123100A"), ==, '\0');
  g_assert_cmpint (fd_id_number_check_char ("１１０１０５１９４９１２３１００２"), ==, '\0');
}

static void
test_id_valid (void)
{
  assert_valid (fd_validate_id_number, "11010519491231002X");
  assert_valid (fd_validate_id_number, "44030419900307123X");
  assert_valid (fd_validate_id_number, "650101198511112012");
  assert_valid (fd_validate_id_number, "810000199506150025");
  assert_valid (fd_validate_id_number, "71000020010101123X");
  /* Leap days: 2000 is a leap year, and the earliest date allowed. */
  assert_valid (fd_validate_id_number, "320102200002290013");
  assert_valid (fd_validate_id_number, "32010219000101001X");
  assert_valid (fd_validate_id_number, "110105190002280011");
}

static void
test_id_check_digit (void)
{
  static const char all[] = "0123456789X";

  /* Every check character but the right one is refused, by name. */
  for (guint i = 0; i < strlen (all); i++)
    {
      char id[19] = "11010519491231002";

      if (all[i] == 'X')
        continue;
      id[17] = all[i];
      id[18] = '\0';
      refuse_with (fd_validate_id_number, id, "The ID number's check digit is wrong");
    }

  for (guint i = 0; i < strlen (all) - 1; i++)
    {
      char id[19] = "44030419900307123";

      id[17] = all[i];
      id[18] = '\0';
      refuse_with (fd_validate_id_number, id, "The ID number's check digit is wrong");
    }

  /* A digit changed in the body breaks the check too. */
  refuse_with (fd_validate_id_number, "11010519491231003X", "The ID number's check digit is wrong");
}

static void
test_id_shape (void)
{
  g_autofree char *lower = NULL;
  g_autofree char *msg_len = NULL;
  g_autofree char *msg_chars = NULL;
  g_autofree char *huge = make_long ("1", 10240);

  refuse (fd_validate_id_number, NULL);
  refuse (fd_validate_id_number, "");
  refuse_with (fd_validate_id_number, "11010519491231002",
               "The ID number must have 18 characters");
  refuse_with (fd_validate_id_number, "11010519491231002X1",
               "The ID number must have 18 characters");
  refuse_with (fd_validate_id_number, huge, "The ID number must have 18 characters");
  refuse (fd_validate_id_number, "11010519491231002\xff");
  refuse (fd_validate_id_number, "1101051949\xc0\x80" "231002X");

  /* Upper-case X only. */
  lower = assert_invalid (fd_validate_id_number, "11010519491231002x");
  g_assert_cmpstr (lower, !=, "The ID number's check digit is wrong");

  msg_chars = assert_invalid (fd_validate_id_number, "1101051949123100AX");
  refuse (fd_validate_id_number, "11010519491231002Y");
  refuse (fd_validate_id_number, "11010519491231 02X");
  refuse (fd_validate_id_number, "-1010519491231002X");
  /* Full-width digits are not 18 ASCII characters. */
  refuse (fd_validate_id_number, "１１０１０５１９４９１２３１００２Ｘ");
  {
    g_autofree char *normal = fd_input_normalize ("１１０１０５１９４９１２３１００２ｘ", TRUE);
    assert_valid (fd_validate_id_number, normal);
  }

  msg_len = assert_invalid (fd_validate_id_number, "1101051949123100");
  g_assert_cmpstr (msg_len, !=, msg_chars);
}

static void
test_id_province (void)
{
  static const char *const bad[] = { "00", "10", "16", "20", "24", "30", "38", "40", "47",
                                     "49", "55", "60", "66", "70", "72", "80", "83", "99" };
  static const char *const good[] = { "11", "15", "21", "23", "31", "37", "41", "46", "50",
                                      "54", "61", "65", "71", "81", "82" };
  g_autofree char *first = NULL;
  g_autofree char *other = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *area = g_strconcat (bad[i], "0105", NULL);
      g_autofree char *id = make_id (area, "19800101", "123");
      g_autofree char *msg = assert_invalid (fd_validate_id_number, id);

      if (first == NULL)
        first = g_strdup (msg);
      g_assert_cmpstr (msg, ==, first);
    }

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autofree char *area = g_strconcat (good[i], "0105", NULL);
      g_autofree char *id = make_id (area, "19800101", "123");

      assert_valid (fd_validate_id_number, id);
    }

  /* The region problem is named as such, not as a check digit. */
  g_assert_cmpstr (first, !=, "The ID number's check digit is wrong");
  other = assert_invalid (fd_validate_id_number, "11010519491231002");
  g_assert_cmpstr (first, !=, other);
}

static void
test_id_birth_date (void)
{
  static const char *const not_real[] = {
    "19000229", "20230229", "21000229", "19800230", "19800431", "19801301", "19800001",
    "19800100", "19800132", "00000101",
  };
  static const char *const real[] = { "20000229", "20240229", "19960229", "19801231" };
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) tomorrow = g_date_time_add_days (now, 1);
  g_autoptr(GDateTime) next_year = g_date_time_add_years (now, 1);
  g_autofree char *today_s = g_date_time_format (now, "%Y%m%d");
  g_autofree char *tomorrow_s = g_date_time_format (tomorrow, "%Y%m%d");
  g_autofree char *next_year_s = g_date_time_format (next_year, "%Y%m%d");
  g_autofree char *id = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (not_real); i++)
    {
      g_autofree char *bad = make_id ("110105", not_real[i], "001");

      refuse_with (fd_validate_id_number, bad, "Birth date in the ID number is not a real date");
    }

  for (guint i = 0; i < G_N_ELEMENTS (real); i++)
    {
      g_autofree char *good = make_id ("110105", real[i], "001");

      assert_valid (fd_validate_id_number, good);
    }

  /* Today is the last date allowed; tomorrow and before 1900 are out. */
  id = make_id ("110105", today_s, "001");
  assert_valid (fd_validate_id_number, id);
  g_clear_pointer (&id, g_free);

  id = make_id ("110105", tomorrow_s, "001");
  refuse_with (fd_validate_id_number, id, "Birth date in the ID number is out of range");
  g_clear_pointer (&id, g_free);

  id = make_id ("110105", next_year_s, "001");
  refuse_with (fd_validate_id_number, id, "Birth date in the ID number is out of range");
  g_clear_pointer (&id, g_free);

  id = make_id ("110105", "18991231", "001");
  refuse_with (fd_validate_id_number, id, "Birth date in the ID number is out of range");
  g_clear_pointer (&id, g_free);
}

/* --- mobile --- */

static void
test_mobile (void)
{
  g_autofree char *huge = make_long ("1", 10240);
  g_autofree char *normal = NULL;
  g_autofree char *msg_len = NULL;
  g_autofree char *msg_prefix = NULL;

  for (char c = '3'; c <= '9'; c++)
    {
      char mobile[12] = "13800138000";

      mobile[1] = c;
      assert_valid (fd_validate_mobile, mobile);
    }

  refuse (fd_validate_mobile, NULL);
  refuse (fd_validate_mobile, "");
  msg_len = assert_invalid (fd_validate_mobile, "1380013800");
  refuse (fd_validate_mobile, "138001380001");
  refuse (fd_validate_mobile, huge);
  msg_prefix = assert_invalid (fd_validate_mobile, "12800138000");
  g_assert_cmpstr (msg_len, !=, msg_prefix);
  refuse (fd_validate_mobile, "10800138000");
  refuse (fd_validate_mobile, "23800138000");
  refuse (fd_validate_mobile, "+8613800138000");
  refuse (fd_validate_mobile, "138 0013 8000");
  refuse (fd_validate_mobile, "138-0013-8000");
  refuse (fd_validate_mobile, "1380013800a");
  refuse (fd_validate_mobile, "13800138000\n");
  refuse (fd_validate_mobile, "1380013800\xff");
  /* Arabic-Indic digits are digits, but not ASCII ones. */
  refuse (fd_validate_mobile, "١٣٨٠٠١٣٨٠٠٠");

  /* Full-width digits: refused as typed, accepted once normalised. */
  refuse (fd_validate_mobile, "１３８００１３８０００");
  normal = fd_input_normalize (" １３８００１３８０００　", FALSE);
  assert_valid (fd_validate_mobile, normal);
}

/* --- plate --- */

static void
test_plate (void)
{
  static const char provinces[] =
    "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼";
  g_autofree char *huge = make_long ("粤B", 10240);
  g_autofree char *normal = NULL;

  for (const char *p = provinces; *p != '\0'; p = g_utf8_next_char (p))
    {
      g_autofree char *plate = g_strdup_printf ("%.*sA12345",
                                                (int) (g_utf8_next_char (p) - p), p);

      assert_valid (fd_validate_plate, plate);
    }

  assert_valid (fd_validate_plate, "粤B12345");
  assert_valid (fd_validate_plate, "粤BABCDE");
  assert_valid (fd_validate_plate, "京AD12345");
  assert_valid (fd_validate_plate, "京AF12345");
  assert_valid (fd_validate_plate, "沪A12345D");
  assert_valid (fd_validate_plate, "沪A12345F");
  assert_valid (fd_validate_plate, "沪AD1234F");

  refuse (fd_validate_plate, NULL);
  refuse (fd_validate_plate, "");
  refuse (fd_validate_plate, huge);
  refuse (fd_validate_plate, "粤B1234");
  refuse (fd_validate_plate, "粤B1234567");
  refuse (fd_validate_plate, "粤");
  /* New-energy without D or F at either end. */
  refuse (fd_validate_plate, "京A123456");
  refuse (fd_validate_plate, "京A1D2345");
  /* I and O look like 1 and 0. */
  refuse (fd_validate_plate, "粤B1234I");
  refuse (fd_validate_plate, "粤BO2345");
  refuse (fd_validate_plate, "京AD1234O");
  refuse (fd_validate_plate, "粤b12345");
  refuse (fd_validate_plate, "粤B1234a");
  refuse (fd_validate_plate, "粤112345");
  refuse (fd_validate_plate, "港B12345");
  refuse (fd_validate_plate, "AB123456");
  refuse (fd_validate_plate, "粤B 1234");
  refuse (fd_validate_plate, "粤B1234-");
  refuse (fd_validate_plate, "粤B1234学");
  refuse (fd_validate_plate, "粤B1234\xff");
  refuse (fd_validate_plate, "粤B12345\n");

  refuse (fd_validate_plate, "粤ｂ１２３４５");
  normal = fd_input_normalize ("粤ｂ１２３４５　", TRUE);
  assert_valid (fd_validate_plate, normal);
}

/* --- room --- */

static void
test_room (void)
{
  g_autofree char *huge = make_long ("3-2-1502", 10240);
  g_autofree char *normal = NULL;

  assert_valid (fd_validate_room, "3-2-1502");
  assert_valid (fd_validate_room, "1-1-100");
  assert_valid (fd_validate_room, "999-99-9999");
  assert_valid (fd_validate_room, "12-10-301");

  refuse (fd_validate_room, NULL);
  refuse (fd_validate_room, "");
  refuse (fd_validate_room, huge);
  refuse (fd_validate_room, "1000-1-101");
  refuse (fd_validate_room, "0-1-101");
  refuse (fd_validate_room, "03-2-1502");
  refuse (fd_validate_room, "3-100-1502");
  refuse (fd_validate_room, "3-0-1502");
  refuse (fd_validate_room, "3-02-1502");
  refuse (fd_validate_room, "3-2-99");
  refuse (fd_validate_room, "3-2-10000");
  refuse (fd_validate_room, "3-2-0502");
  refuse (fd_validate_room, "12-1");
  refuse (fd_validate_room, "3--1502");
  refuse (fd_validate_room, "-3-2-1502");
  refuse (fd_validate_room, "3-2-1502-");
  refuse (fd_validate_room, "3-2-1502 ");
  refuse (fd_validate_room, "3-2-15a2");
  refuse (fd_validate_room, "3－2－1502");
  refuse (fd_validate_room, "3-2-1502\xff");

  refuse (fd_validate_room, "３-２-１５０２");
  normal = fd_input_normalize ("３－２－１５０２", FALSE);
  assert_valid (fd_validate_room, normal);
}

/* --- name --- */

static void
test_name (void)
{
  g_autofree char *huge = make_long ("张", 10240);

  assert_valid (fd_validate_name, "张");
  assert_valid (fd_validate_name, "张三");
  assert_valid (fd_validate_name, "张小三");
  assert_valid (fd_validate_name, "欧阳小明");
  assert_valid (fd_validate_name, "一二三四五六七八九十一二三四五六七八九十");
  assert_valid (fd_validate_name, "阿卜杜·热合曼");
  assert_valid (fd_validate_name, "张三abc");
  assert_valid (fd_validate_name, "Anna Lee");
  assert_valid (fd_validate_name, "José García");
  assert_valid (fd_validate_name, "Jose\xcc\x81");   /* combining acute */
  assert_valid (fd_validate_name, "Алексей");
  assert_valid (fd_validate_name, "김민준");
  assert_valid (fd_validate_name, "Maria Anna Lee Smith");  /* 20 */

  refuse (fd_validate_name, NULL);
  refuse (fd_validate_name, "");
  refuse (fd_validate_name, "一二三四五六七八九十一二三四五六七八九十一");
  refuse (fd_validate_name, "Maria Anna Lee Smiths");  /* 21 */
  refuse (fd_validate_name, huge);
  refuse (fd_validate_name, "张3");
  refuse (fd_validate_name, "张３");
  refuse (fd_validate_name, "张,三");
  refuse (fd_validate_name, "张，三");
  refuse (fd_validate_name, "O'Brien");
  refuse (fd_validate_name, "张\t三");
  refuse (fd_validate_name, "张\n");
  refuse (fd_validate_name, "张\x7f");
  refuse (fd_validate_name, "张\xe2\x80\x8b三");   /* zero-width space */
  refuse (fd_validate_name, "张\xe2\x80\xae三");   /* right-to-left override */
  refuse (fd_validate_name, " 张三");
  refuse (fd_validate_name, "张三 ");
  refuse (fd_validate_name, "Anna  Lee");
  refuse (fd_validate_name, "·热合曼");
  refuse (fd_validate_name, "阿卜杜·");
  refuse (fd_validate_name, "阿卜杜··热合曼");
  refuse (fd_validate_name, "阿卜杜 ·热合曼");
  refuse (fd_validate_name, "张　三");
  refuse (fd_validate_name, "\xcc\x81Jose");
  refuse (fd_validate_name, "张\xff");
  refuse (fd_validate_name, "😀");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/fd/validate/normalize", test_normalize);
  g_test_add_func ("/fd/validate/id-check-char", test_id_check_char);
  g_test_add_func ("/fd/validate/id-valid", test_id_valid);
  g_test_add_func ("/fd/validate/id-check-digit", test_id_check_digit);
  g_test_add_func ("/fd/validate/id-shape", test_id_shape);
  g_test_add_func ("/fd/validate/id-province", test_id_province);
  g_test_add_func ("/fd/validate/id-birth-date", test_id_birth_date);
  g_test_add_func ("/fd/validate/mobile", test_mobile);
  g_test_add_func ("/fd/validate/plate", test_plate);
  g_test_add_func ("/fd/validate/room", test_room);
  g_test_add_func ("/fd/validate/name", test_name);

  return g_test_run ();
}
