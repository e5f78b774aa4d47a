/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The masking formats of docs/api.md. */

/* fd-mask.c: the masking formats of docs/api.md ("Field values
 * and the role table")
 */

#include "config.h"

#include "fd-mask.h"

#include <string.h>

#include "fd-validate.h"

/* What a value of an unexpected shape turns into: nothing of it leaks. */
#define FULL_MASK "****"

/* Longest part of an address kept as the city chain / district name, in
 * characters, without the unit suffix. */
#define MAX_FIRST_CITY_NAME    12
#define MAX_NEXT_CITY_NAME     4
#define MAX_DISTRICT_NAME      14
#define MAX_PLAIN_DISTRICT_NAME 8
#define MAX_PROVINCE_NAME      10

static gboolean
usable (const char *text)
{
  return text != NULL && *text != '\0' && g_utf8_validate (text, -1, NULL);
}

static void
append_stars (GString *out,
              guint    n)
{
  for (guint i = 0; i < n; i++)
    g_string_append_c (out, '*');
}

/* Keeps the first and last characters with a star per hidden character:
 * 张*三, 欧**明; 张* for two characters and * for one. */
char *
fd_mask_name (const char *name)
{
  GString *out;
  glong len;

  if (!usable (name))
    return NULL;

  len = g_utf8_strlen (name, -1);
  if (len == 1)
    return g_strdup ("*");

  out = g_string_new (NULL);
  g_string_append_unichar (out, g_utf8_get_char (name));
  if (len == 2)
    {
      g_string_append_c (out, '*');
    }
  else
    {
      const char *last = g_utf8_offset_to_pointer (name, len - 1);

      append_stars (out, (guint) MIN (len - 2, G_MAXUINT));
      g_string_append_unichar (out, g_utf8_get_char (last));
    }

  return g_string_free (out, FALSE);
}

char *
fd_mask_name_surname (const char *name)
{
  GString *out;

  if (!usable (name))
    return NULL;

  out = g_string_new (NULL);
  g_string_append_unichar (out, g_utf8_get_char (name));
  g_string_append (out, "**");

  return g_string_free (out, FALSE);
}

char *
fd_mask_mobile (const char *mobile)
{
  if (!usable (mobile))
    return NULL;

  if (!fd_validate_mobile (mobile, NULL))
    return g_strdup (FULL_MASK);

  return g_strdup_printf ("%.3s****%s", mobile, mobile + 7);
}

char *
fd_mask_id_number (const char *id)
{
  if (!usable (id))
    return NULL;

  /* The shape only (17 digits and a check character): the last four are
   * what the mask shows, whatever the checksum says. */
  if (strlen (id) != 18)
    return g_strdup (FULL_MASK);
  for (guint i = 0; i < 17; i++)
    if (!g_ascii_isdigit (id[i]))
      return g_strdup (FULL_MASK);
  if (!g_ascii_isdigit (id[17]) && id[17] != 'X' && id[17] != 'x')
    return g_strdup (FULL_MASK);

  return g_strdup_printf ("**************%s", id + 14);
}

char *
fd_mask_room_building (const char *room)
{
  const char *dash;

  if (!usable (room))
    return NULL;

  if (!fd_validate_room (room, NULL))
    return g_strdup (FULL_MASK);

  /* Valid means building-unit-room: keep through the second dash. */
  dash = strchr (room, '-');
  dash = strchr (dash + 1, '-');

  return g_strdup_printf ("%.*s****", (int) (dash - room + 1), room);
}

/* A character that may be part of an administrative area's name: the
 * names are Chinese, so a letter outside ASCII (no digits, no Latin). */
static gboolean
is_area_name_char (gunichar c)
{
  return c >= 0x80 && g_unichar_isalpha (c);
}

/* Whether @start..@end (a candidate unit, suffix included) holds a word of
 * the street-level part of an address, which no area name contains. */
static gboolean
has_street_word (const char *start,
                 const char *end)
{
  static const char * const words[] = { "小区", "社区", "园区", "街道", NULL };
  static const char * const inner[] = { "镇", "街", "号", "村", NULL };
  const char *p;

  for (p = start; p < end; p = g_utf8_next_char (p))
    {
      for (guint i = 0; words[i] != NULL; i++)
        if ((gsize) (end - p) >= strlen (words[i])
            && strncmp (p, words[i], strlen (words[i])) == 0)
          return TRUE;

      if (p == start)
        continue;
      for (guint i = 0; inner[i] != NULL; i++)
        if (g_str_has_prefix (p, inner[i]))
          return TRUE;
    }

  return FALSE;
}

/* Looks for the shortest run of 1..@max_name area-name characters at @p
 * followed by one of @suffixes. Returns the pointer just past the suffix
 * and sets @suffix_at to where the suffix starts, or returns NULL. */
static const char *
match_unit (const char         *p,
            guint               max_name,
            const char * const *suffixes,
            const char        **suffix_at)
{
  const char *start = p;
  guint n = 0;

  while (TRUE)
    {
      if (n > 0)
        for (guint i = 0; suffixes[i] != NULL; i++)
          if (g_str_has_prefix (p, suffixes[i]))
            {
              const char *end = p + strlen (suffixes[i]);

              if (has_street_word (start, end))
                return NULL;
              *suffix_at = p;
              return end;
            }

      if (*p == '\0' || n == max_name || !is_area_name_char (g_utf8_get_char (p)))
        return NULL;

      p = g_utf8_next_char (p);
      n++;
    }
}

static const char *
match_district (const char *p)
{
  static const char * const district[] = { "区", "县", "旗", NULL };
  const char *suffix_at;
  const char *end;

  end = match_unit (p, MAX_DISTRICT_NAME, district, &suffix_at);
  if (end == NULL)
    return NULL;

  /* Only autonomous counties and banners have long names. */
  if (g_utf8_strlen (p, suffix_at - p) > MAX_PLAIN_DISTRICT_NAME
      && !g_str_has_prefix (suffix_at - strlen ("自治"), "自治"))
    return NULL;

  return end;
}

/* Keeps the administrative prefix down to the district: an optional
 * province (…省, …自治区 or …特别行政区), then one or more cities (…市,
 * …州, …盟 or …地区), then a district (…区, …县 or …旗) that follows the
 * last city directly. Without a district the prefix ends with the last
 * city; without a city nothing is recognisable and the whole address is
 * masked. Each part has a bounded length and holds no street-level word,
 * so a 小区 or a 市场 in the street part never stretches the prefix. */
char *
fd_mask_address_district (const char *address)
{
  static const char * const province[] = { "省", "自治区", "特别行政区", NULL };
  static const char * const city[] = { "市", "州", "盟", "地区", NULL };
  const char *p;
  const char *end = NULL;
  const char *next;
  const char *suffix_at;
  guint max_name = MAX_FIRST_CITY_NAME;

  if (!usable (address))
    return NULL;

  p = address;
  next = match_unit (p, MAX_PROVINCE_NAME, province, &suffix_at);
  if (next != NULL)
    p = next;

  while ((next = match_unit (p, max_name, city, &suffix_at)) != NULL)
    {
      /* 市场 is a market, not a city. */
      if (g_str_has_prefix (next, "场"))
        break;
      /* 通州区: a district whose name ends in 州. */
      if (g_str_has_prefix (next, "区") || g_str_has_prefix (next, "县")
          || g_str_has_prefix (next, "旗"))
        break;
      /* 广州市: the name itself ends in 州. */
      if (g_str_has_prefix (suffix_at, "州") && g_str_has_prefix (next, "市"))
        next += strlen ("市");
      end = p = next;
      max_name = MAX_NEXT_CITY_NAME;
    }

  if (end == NULL)
    return g_strdup (FULL_MASK);

  next = match_district (end);
  if (next != NULL)
    end = next;

  return g_strdup_printf ("%.*s****", (int) (end - address), address);
}

/* 粤B1***5 (7 characters) and 粤B1****5 (8, new-energy). */
char *
fd_mask_plate (const char *plate)
{
  const char *third_end;
  const char *last;
  glong len;

  if (!usable (plate))
    return NULL;

  if (!fd_validate_plate (plate, NULL))
    return g_strdup (FULL_MASK);

  len = g_utf8_strlen (plate, -1);
  third_end = g_utf8_offset_to_pointer (plate, 3);
  last = g_utf8_offset_to_pointer (plate, len - 1);

  return g_strdup_printf ("%.*s%s%s",
                          (int) (third_end - plate), plate,
                          len == 7 ? "***" : "****",
                          last);
}

/* **** **** **** 1234: the last four digits of an account of 8 to 32
 * digits, which may be grouped with spaces or dashes. */
char *
fd_mask_account (const char *account)
{
  char last4[5] = { 0 };
  guint digits = 0;

  if (!usable (account))
    return NULL;

  for (const char *p = account; *p != '\0'; p++)
    {
      if (g_ascii_isdigit (*p))
        {
          memmove (last4, last4 + 1, 3);
          last4[3] = *p;
          digits++;
        }
      else if (*p != ' ' && *p != '-')
        {
          digits = 0;
          break;
        }
    }

  if (digits < 8 || digits > 32)
    return g_strdup (FULL_MASK);

  return g_strdup_printf ("**** **** **** %s", last4);
}
