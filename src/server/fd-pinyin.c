/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Pinyin initials of names, for search. */

/* fd-pinyin.c — pinyin initials of names, for search
 *
 * Each Han character is transliterated on its own with ICU's
 * "Han-Latin; Latin-ASCII" (张 → zhang), and the first letter of that
 * reading is the character's initial. ICU knows one reading per
 * character and often the wrong one for surnames, so two tables add
 * readings: a surname table for the first character(s) of the name, and a
 * table of polyphonic characters common in names, for every character.
 * Every reading counts, so one name yields several initials strings.
 *
 * Letters of other scripts: each word (a run of non-Han letters) gives
 * only its first letter, folded to lowercase ASCII ("Anna Li" → "al");
 * spaces, '·', digits and punctuation give nothing and end a word. A Han
 * character ICU cannot read (rare extension characters) gives nothing.
 *
 * At most FD_PINYIN_MAX_COMBINATIONS strings are returned. The strings are
 * built one character at a time: every existing prefix is first extended
 * with the character's primary initial, then with its other initials while
 * fewer than the maximum exist. So the all-primary string is always kept
 * and, when the cap bites, the alternatives of the later characters are
 * the ones dropped (the surname's alternatives are never dropped).
 *
 * Initials of each code point are cached, so after the first few names a
 * name costs a few hash lookups rather than ICU calls.
 */

#include "config.h"

#include "fd-pinyin.h"

#include "fd-error.h"

#include <string.h>

#include <unicode/utrans.h>
#include <unicode/utypes.h>

#define FD_PINYIN_MAX_COMBINATIONS 16
#define FD_PINYIN_MAX_CANDIDATES   8      /* distinct initials of one character */
#define FD_PINYIN_CACHE_MAX        32768  /* code points whose initial is cached */

static const char transliterator_id[] = "Han-Latin; Latin-ASCII";

typedef struct
{
  const char *chars;     /* one or two Han characters */
  const char *readings;  /* space-separated, one per character */
} Reading;

/* Surname readings that differ from the everyday reading of the
 * character (and from ICU's), applied to the first character only. */
static const Reading surname_readings[] = {
  { "曾", "zeng" }, { "单", "shan" }, { "区", "ou" },   { "仇", "qiu" },
  { "查", "zha" },  { "盖", "ge" },   { "朴", "piao" }, { "解", "xie" },
  { "覃", "qin" },  { "缪", "miao" }, { "尉", "yu" },   { "乐", "yue" },
  { "翟", "zhai" }, { "秘", "bi" },   { "繁", "po" },   { "种", "chong" },
  { "员", "yun" },  { "召", "shao" }, { "句", "gou" },  { "重", "chong" },
  { "祭", "zhai" }, { "能", "nai" },  { "蕃", "pi" },   { "沈", "shen" },
  { "柏", "bai" },  { "薄", "bo" },   { "宿", "su" },   { "贾", "jia" },
  { "任", "ren" },  { "那", "na" },
};

/* Compound surnames whose reading differs from the characters' usual
 * readings; they take precedence over the single-character table. */
static const Reading compound_surname_readings[] = {
  { "万俟", "mo qi" },
  { "尉迟", "yu chi" },
  { "单于", "chan yu" },
  { "澹台", "tan tai" },
  { "长孙", "zhang sun" },
};

/* Polyphonic characters common in names: every reading listed counts,
 * wherever the character stands in the name. */
static const Reading polyphonic_readings[] = {
  { "长", "chang zhang" }, { "乐", "le yue" },       { "行", "xing hang" },
  { "重", "zhong chong" }, { "朝", "chao zhao" },    { "传", "chuan zhuan" },
  { "强", "qiang jiang" }, { "调", "tiao diao" },    { "都", "du dou" },
  { "藏", "cang zang" },   { "省", "sheng xing" },   { "觉", "jue jiao" },
  { "沈", "shen chen" },   { "薄", "bo bao" },       { "秘", "mi bi" },
  { "单", "dan shan chan" }, { "区", "qu ou" },      { "仇", "chou qiu" },
  { "查", "cha zha" },     { "盖", "gai ge" },       { "朴", "pu piao" },
  { "解", "jie xie" },     { "曾", "ceng zeng" },    { "柏", "bai bo" },
  { "会", "hui kuai" },    { "石", "shi dan" },      { "员", "yuan yun" },
  { "尉", "wei yu" },      { "繁", "fan po" },       { "万", "wan mo" },
  { "贾", "jia gu" },      { "召", "zhao shao" },    { "宿", "su xiu" },
  { "翟", "di zhai" },     { "种", "zhong chong" },  { "句", "ju gou" },
  { "缪", "miu miao" },    { "覃", "tan qin" },      { "车", "che ju" },
  { "参", "can shen" },    { "晟", "sheng cheng" },  { "莘", "shen xin" },
  { "蔚", "wei yu" },      { "俞", "yu shu" },       { "校", "xiao jiao" },
  { "奇", "qi ji" },       { "乘", "cheng sheng" },  { "降", "jiang xiang" },
  { "和", "he huo" },      { "大", "da dai" },       { "伯", "bo bai" },
};

struct _FdPinyin
{
  UTransliterator *trans;
  GHashTable      *surnames;    /* gunichar → initials (char *) */
  GHashTable      *polyphonic;  /* gunichar → initials (char *) */
  GHashTable      *cache;       /* gunichar → initial | 0x100 (0 = none) */
};

/* One character's distinct initials, primary first. */
typedef struct
{
  char letters[FD_PINYIN_MAX_CANDIDATES + 1];
  guint n;
} Candidates;

static void
candidates_add (Candidates *cand,
                char        letter)
{
  if (letter == '\0' || cand->n >= FD_PINYIN_MAX_CANDIDATES)
    return;
  if (memchr (cand->letters, letter, cand->n) != NULL)
    return;
  cand->letters[cand->n++] = letter;
  cand->letters[cand->n] = '\0';
}

static void
candidates_add_all (Candidates *cand,
                    const char *letters)
{
  for (; letters != NULL && *letters != '\0'; letters++)
    candidates_add (cand, *letters);
}

/* "dan shan chan" → "dsc" */
static char *
initials_of_readings (const char *readings)
{
  GString *out = g_string_new (NULL);
  gboolean at_start = TRUE;

  for (const char *p = readings; *p != '\0'; p++)
    {
      if (*p == ' ')
        at_start = TRUE;
      else if (at_start)
        {
          g_string_append_c (out, *p);
          at_start = FALSE;
        }
    }

  return g_string_free (out, FALSE);
}

static void
add_table (GHashTable    *table,
           const Reading *readings,
           gsize          n_readings)
{
  for (gsize i = 0; i < n_readings; i++)
    {
      gunichar c = g_utf8_get_char (readings[i].chars);

      g_hash_table_insert (table, GUINT_TO_POINTER (c),
                           initials_of_readings (readings[i].readings));
    }
}

FdPinyin *
fd_pinyin_new (GError **error)
{
  g_autoptr(FdPinyin) self = g_new0 (FdPinyin, 1);
  UChar id[sizeof transliterator_id];
  UParseError parse_error;
  UErrorCode status = U_ZERO_ERROR;

  for (gsize i = 0; i < sizeof transliterator_id; i++)
    id[i] = (UChar) transliterator_id[i];

  self->trans = utrans_openU (id, -1, UTRANS_FORWARD, NULL, 0, &parse_error, &status);
  if (U_FAILURE (status) || self->trans == NULL)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL,
                   "Could not open the ICU transliterator “%s”: %s",
                   transliterator_id, u_errorName (status));
      return NULL;
    }

  self->surnames = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  add_table (self->surnames, surname_readings, G_N_ELEMENTS (surname_readings));
  self->polyphonic = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  add_table (self->polyphonic, polyphonic_readings, G_N_ELEMENTS (polyphonic_readings));
  self->cache = g_hash_table_new (NULL, NULL);

  return g_steal_pointer (&self);
}

void
fd_pinyin_free (FdPinyin *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->trans, utrans_close);
  g_clear_pointer (&self->surnames, g_hash_table_unref);
  g_clear_pointer (&self->polyphonic, g_hash_table_unref);
  g_clear_pointer (&self->cache, g_hash_table_unref);
  g_free (self);
}

/* The lowercase ASCII letter ICU's reading of @c starts with, or '\0'. */
static char
transliterated_initial (FdPinyin *self,
                        gunichar  c)
{
  gpointer cached;
  UChar buf[64];
  int32_t len = 0;
  int32_t limit;
  UErrorCode status = U_ZERO_ERROR;
  char letter = '\0';

  if (g_hash_table_lookup_extended (self->cache, GUINT_TO_POINTER (c), NULL, &cached))
    return (char) (GPOINTER_TO_UINT (cached) & 0xff);

  if (c < 0x10000)
    buf[len++] = (UChar) c;
  else
    {
      buf[len++] = (UChar) (0xd7c0 + (c >> 10));
      buf[len++] = (UChar) (0xdc00 | (c & 0x3ff));
    }
  limit = len;

  utrans_transUChars (self->trans, buf, &len, G_N_ELEMENTS (buf), 0, &limit, &status);
  /* The reading is ASCII after Latin-ASCII; a character ICU cannot read
   * comes back unchanged and gives no letter. */
  if (U_SUCCESS (status) && len > 0 && buf[0] < 0x80 && g_ascii_isalpha ((char) buf[0]))
    letter = g_ascii_tolower ((char) buf[0]);

  if (g_hash_table_size (self->cache) < FD_PINYIN_CACHE_MAX)
    g_hash_table_insert (self->cache, GUINT_TO_POINTER (c),
                         GUINT_TO_POINTER ((guint) (guchar) letter | 0x100));

  return letter;
}

/* Initial of the first letter of a non-Han word. */
static char
word_initial (FdPinyin *self,
              gunichar  c)
{
  if (c < 0x80)
    return g_ascii_isalpha ((char) c) ? g_ascii_tolower ((char) c) : '\0';

  /* Latin-ASCII folds é → e, ß → s…; other scripts stay non-ASCII. */
  return transliterated_initial (self, c);
}

/* Extends every combination with @cand (see the comment at the top). */
static void
extend_combinations (GPtrArray        *combos,
                     const Candidates *cand)
{
  guint n = combos->len;

  if (cand->n == 0)
    return;

  for (guint i = 0; i < n; i++)
    g_string_append_c (g_ptr_array_index (combos, i), cand->letters[0]);

  for (guint j = 1; j < cand->n; j++)
    for (guint i = 0; i < n && combos->len < FD_PINYIN_MAX_COMBINATIONS; i++)
      {
        GString *prefix = g_ptr_array_index (combos, i);
        GString *alt = g_string_new_len (prefix->str, prefix->len);

        alt->str[alt->len - 1] = cand->letters[j];
        g_ptr_array_add (combos, alt);
      }
}

static void
free_gstring (gpointer data)
{
  g_string_free (data, TRUE);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

/* Surname readings (primary first) of the first one or two characters of
 * @name, which starts with a Han character. Returns how many characters
 * the surname override covers (0, 1 or 2). */
static guint
surname_overrides (FdPinyin   *self,
                   const char *name,
                   Candidates  over[2])
{
  for (gsize i = 0; i < G_N_ELEMENTS (compound_surname_readings); i++)
    {
      const Reading *r = &compound_surname_readings[i];

      if (g_str_has_prefix (name, r->chars))
        {
          g_autofree char *letters = initials_of_readings (r->readings);

          candidates_add (&over[0], letters[0]);
          candidates_add (&over[1], letters[1]);
          return 2;
        }
    }

  {
    const char *letters = g_hash_table_lookup (self->surnames,
                                               GUINT_TO_POINTER (g_utf8_get_char (name)));

    if (letters == NULL)
      return 0;
    candidates_add_all (&over[0], letters);
    return 1;
  }
}

char **
fd_pinyin_initials (FdPinyin   *self,
                    const char *name)
{
  g_autoptr(GPtrArray) combos = NULL;
  g_autoptr(GPtrArray) result = NULL;
  Candidates over[2] = { { { 0 }, 0 }, { { 0 }, 0 } };
  guint n_over = 0;
  guint position = 0;  /* characters seen, Han or not */
  gboolean in_word = FALSE;
  gboolean emitted = FALSE;

  g_return_val_if_fail (self != NULL, g_new0 (char *, 1));

  if (name == NULL || *name == '\0' || !g_utf8_validate (name, -1, NULL))
    return g_new0 (char *, 1);

  /* the surname is the first character after any leading white space */
  while (g_unichar_isspace (g_utf8_get_char (name)))
    name = g_utf8_next_char (name);

  combos = g_ptr_array_new_with_free_func (free_gstring);
  g_ptr_array_add (combos, g_string_new (NULL));

  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p), position++)
    {
      gunichar c = g_utf8_get_char (p);
      Candidates cand = { { 0 }, 0 };

      if (g_unichar_get_script (c) == G_UNICODE_SCRIPT_HAN && g_unichar_isalpha (c))
        {
          const char *extra;

          in_word = FALSE;
          if (position == 0)
            n_over = surname_overrides (self, p, over);
          if (position < n_over)
            candidates_add_all (&cand, over[position].letters);
          candidates_add (&cand, transliterated_initial (self, c));
          extra = g_hash_table_lookup (self->polyphonic, GUINT_TO_POINTER (c));
          candidates_add_all (&cand, extra);
        }
      else if (g_unichar_isalpha (c))
        {
          if (in_word)
            continue;
          in_word = TRUE;
          candidates_add (&cand, word_initial (self, c));
        }
      else if (g_unichar_ismark (c))
        continue;  /* combining accents stay inside their word */
      else
        {
          in_word = FALSE;  /* spaces, '·', digits, punctuation */
          continue;
        }

      if (cand.n > 0)
        {
          extend_combinations (combos, &cand);
          emitted = TRUE;
        }
    }

  result = g_ptr_array_new_full (combos->len + 1, g_free);
  if (emitted)
    {
      for (guint i = 0; i < combos->len; i++)
        {
          GString *s = g_ptr_array_index (combos, i);

          g_ptr_array_add (result, g_strndup (s->str, s->len));
        }
      /* Distinct already: each character's candidates are distinct, so no
       * two combinations share every letter. */
      g_ptr_array_sort (result, compare_strings);
    }
  g_ptr_array_add (result, NULL);
  g_ptr_array_set_free_func (result, NULL);

  return (char **) g_ptr_array_free (g_steal_pointer (&result), FALSE);
}
