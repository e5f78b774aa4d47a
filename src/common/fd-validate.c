/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Validators for resident ID numbers, mobiles, plates, rooms and names. */

/* fd-validate.c: validators for resident ID numbers, mobiles, plates,
 * rooms and names
 */

#include "config.h"

#include "fd-validate.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "fd-error.h"

#define MAX_NAME_CHARS 20
#define MIDDLE_DOT     0x00B7

/* Every message below is shown beside the field: it names the problem and
 * never repeats the value. */
static gboolean
fail (GError     **error,
      const char  *message)
{
  g_set_error_literal (error, FD_ERROR, FD_ERROR_BAD_REQUEST, message);
  return FALSE;
}

static gboolean
all_ascii_digits (const char *text,
                  gsize       len)
{
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (text[i]))
      return FALSE;
  return TRUE;
}

char *
fd_input_normalize (const char *text,
                    gboolean    upper)
{
  GString *out;
  const char *start;
  const char *end;

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return NULL;

  out = g_string_sized_new (strlen (text));
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c >= 0xFF01 && c <= 0xFF5E)
        c -= 0xFEE0;
      else if (c == 0x3000)
        c = ' ';

      if (upper && c < 0x80)
        c = (gunichar) g_ascii_toupper ((char) c);

      g_string_append_unichar (out, c);
    }

  /* Trim white space of any script at both ends. */
  start = out->str;
  while (*start != '\0' && g_unichar_isspace (g_utf8_get_char (start)))
    start = g_utf8_next_char (start);
  end = out->str + out->len;
  while (end > start)
    {
      const char *prev = g_utf8_prev_char (end);

      if (!g_unichar_isspace (g_utf8_get_char (prev)))
        break;
      end = prev;
    }

  g_string_truncate (out, end - out->str);
  g_string_erase (out, 0, start - out->str);

  return g_string_free (out, FALSE);
}

char
fd_id_number_check_char (const char *first17)
{
  static const guint weights[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
  static const char check[11] = { '1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2' };
  guint sum = 0;

  if (first17 == NULL)
    return '\0';

  /* A NUL is not a digit, so a shorter string is never read past its end. */
  for (guint i = 0; i < 17; i++)
    {
      if (!g_ascii_isdigit (first17[i]))
        return '\0';
      sum += (guint) (first17[i] - '0') * weights[i];
    }

  return check[sum % 11];
}

static gboolean
is_province_code (guint code)
{
  return (code >= 11 && code <= 15)
         || (code >= 21 && code <= 23)
         || (code >= 31 && code <= 37)
         || (code >= 41 && code <= 46)
         || (code >= 50 && code <= 54)
         || (code >= 61 && code <= 65)
         || code == 71 || code == 81 || code == 82;
}

static guint
parse_digits (const char *text,
              guint       n)
{
  guint value = 0;

  for (guint i = 0; i < n; i++)
    value = value * 10 + (guint) (text[i] - '0');
  return value;
}

gboolean
fd_validate_id_number (const char  *id,
                       GError     **error)
{
  g_autoptr(GDateTime) now = NULL;
  guint year, month, day;
  guint birth, today;

  if (id == NULL || *id == '\0')
    return fail (error, _("Enter the ID number"));
  if (!g_utf8_validate (id, -1, NULL))
    return fail (error, _("The ID number contains invalid characters"));
  if (g_utf8_strlen (id, -1) != 18)
    return fail (error, _("The ID number must have 18 characters"));
  if (strlen (id) != 18 || !all_ascii_digits (id, 17))
    return fail (error, _("The ID number must be 17 digits followed by a digit or X"));
  if (id[17] == 'x')
    return fail (error, _("The ID number must end in an upper-case X"));
  if (!g_ascii_isdigit (id[17]) && id[17] != 'X')
    return fail (error, _("The ID number must be 17 digits followed by a digit or X"));

  if (!is_province_code (parse_digits (id, 2)))
    return fail (error, _("The region code in the ID number does not exist"));

  year = parse_digits (id + 6, 4);
  month = parse_digits (id + 10, 2);
  day = parse_digits (id + 12, 2);
  if (year < 1 || month < 1 || month > 12 || day < 1
      || day > g_date_get_days_in_month ((GDateMonth) month, (GDateYear) year))
    return fail (error, _("Birth date in the ID number is not a real date"));

  now = g_date_time_new_now_local ();
  birth = year * 10000 + month * 100 + day;
  today = (guint) g_date_time_get_year (now) * 10000
          + (guint) g_date_time_get_month (now) * 100
          + (guint) g_date_time_get_day_of_month (now);
  if (birth < 19000101 || birth > today)
    return fail (error, _("Birth date in the ID number is out of range"));

  if (fd_id_number_check_char (id) != id[17])
    return fail (error, _("The ID number's check digit is wrong"));

  return TRUE;
}

gboolean
fd_validate_mobile (const char  *mobile,
                    GError     **error)
{
  gsize len;

  if (mobile == NULL || *mobile == '\0')
    return fail (error, _("Enter the mobile number"));

  len = strlen (mobile);
  if (!all_ascii_digits (mobile, len))
    return fail (error, _("The mobile number may contain only the digits 0–9"));
  if (len != 11)
    return fail (error, _("The mobile number must have 11 digits"));
  if (mobile[0] != '1' || mobile[1] < '3')
    return fail (error, _("The mobile number must start with 13 to 19"));

  return TRUE;
}

static gboolean
is_plate_province (gunichar c)
{
  static const char provinces[] =
    "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼";

  for (const char *p = provinces; *p != '\0'; p = g_utf8_next_char (p))
    if (g_utf8_get_char (p) == c)
      return TRUE;
  return FALSE;
}

static gboolean
is_plate_serial_char (char c)
{
  return g_ascii_isdigit (c) || (g_ascii_isupper (c) && c != 'I' && c != 'O');
}

gboolean
fd_validate_plate (const char  *plate,
                   GError     **error)
{
  const char *rest;
  glong len;
  gsize n;

  if (plate == NULL || *plate == '\0')
    return fail (error, _("Enter the licence plate"));
  if (!g_utf8_validate (plate, -1, NULL))
    return fail (error, _("The licence plate contains invalid characters"));
  len = g_utf8_strlen (plate, -1);
  if (len != 7 && len != 8)
    return fail (error, _("The licence plate must have 7 or 8 characters"));
  if (!is_plate_province (g_utf8_get_char (plate)))
    return fail (error, _("The licence plate must start with a province abbreviation"));

  rest = g_utf8_next_char (plate);
  if (!g_ascii_isupper (rest[0]))
    return fail (error, _("The licence plate's second character must be a capital letter"));

  rest++;
  n = strlen (rest);
  for (gsize i = 0; i < n; i++)
    if (!is_plate_serial_char (rest[i]))
      return fail (error,
                   _("After the first two, a licence plate has only digits and capital "
                     "letters other than I and O"));

  if (n == 6 && rest[0] != 'D' && rest[0] != 'F' && rest[5] != 'D' && rest[5] != 'F')
    return fail (error, _("An 8-character plate must have D or F first or last in its number"));

  return TRUE;
}

/* Length of the run of ASCII digits at @p. */
static gsize
digits_at (const char *p)
{
  gsize n = 0;

  while (g_ascii_isdigit (p[n]))
    n++;
  return n;
}

gboolean
fd_validate_room (const char  *room,
                  GError     **error)
{
  const char *parts[3];
  gsize lens[3];
  const char *p = room;

  if (room == NULL || *room == '\0')
    return fail (error, _("Enter the room"));

  for (guint i = 0; i < 3; i++)
    {
      parts[i] = p;
      lens[i] = digits_at (p);
      p += lens[i];
      if (lens[i] == 0 || *p != (i < 2 ? '-' : '\0'))
        return fail (error, _("Enter the room as building-unit-room, for example 3-2-1502"));
      p++;
    }

  if (lens[0] > 3 || parts[0][0] == '0')
    return fail (error, _("The building number must be 1 to 999"));
  if (lens[1] > 2 || parts[1][0] == '0')
    return fail (error, _("The unit number must be 1 to 99"));
  if (lens[2] < 3 || lens[2] > 4 || parts[2][0] == '0')
    return fail (error, _("The room number must have 3 or 4 digits, not starting with 0"));

  return TRUE;
}

gboolean
fd_validate_name (const char  *name,
                  GError     **error)
{
  gboolean after_letter = FALSE;
  glong len;

  if (name == NULL || *name == '\0')
    return fail (error, _("Enter the name"));
  if (!g_utf8_validate (name, -1, NULL))
    return fail (error, _("The name contains invalid characters"));

  len = g_utf8_strlen (name, -1);
  if (len > MAX_NAME_CHARS)
    return fail (error, _("The name can have at most 20 characters"));

  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isalpha (c))
        {
          after_letter = TRUE;
        }
      else if (g_unichar_ismark (c) && after_letter)
        {
          /* Combining accents and vowel signs belong to the letter. */
        }
      else if (c == ' ' || c == MIDDLE_DOT)
        {
          if (!after_letter || *g_utf8_next_char (p) == '\0')
            return fail (error, _("Spaces and · may appear only between letters"));
          after_letter = FALSE;
        }
      else
        {
          return fail (error, _("The name can contain only letters, spaces and ·"));
        }
    }

  return TRUE;
}
