/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests the server's JSON writer: escaping, nesting and what json-glib reads back. */

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "fd-json-writer.h"

/* Writes @value as a lone string and returns the text. */
static char *
write_string (const char *value)
{
  g_auto(FdJsonWriter) w = { 0 };
  gsize len = 0;

  fd_json_writer_init (&w, 16);
  fd_json_writer_string (&w, value);
  return fd_json_writer_steal (&w, &len);
}

/* Parses @text with json-glib; returns the string it holds. */
static char *
read_back_string (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_VALUE (json_parser_get_root (parser)));
  return g_strdup (json_node_get_string (json_parser_get_root (parser)));
}

static void
test_escape_quotes_backslashes (void)
{
  g_autofree char *text = write_string ("say \"hi\" \\ back\\slash");
  g_autofree char *back = read_back_string (text);

  g_assert_cmpstr (text, ==, "\"say \\\"hi\\\" \\\\ back\\\\slash\"");
  g_assert_cmpstr (back, ==, "say \"hi\" \\ back\\slash");
}

static void
test_escape_controls (void)
{
  char all[32];
  g_autofree char *text = NULL;
  g_autofree char *back = NULL;

  /* every control character from U+0001 to U+001F */
  for (int i = 1; i < 32; i++)
    all[i - 1] = (char) i;
  all[31] = '\0';
  text = write_string (all);
  /* no raw control byte reaches the output */
  for (const char *p = text; *p; p++)
    g_assert_cmpint ((unsigned char) *p, >=, 0x20);
  g_assert_nonnull (strstr (text, "\\n"));
  g_assert_nonnull (strstr (text, "\\r"));
  g_assert_nonnull (strstr (text, "\\t"));
  g_assert_nonnull (strstr (text, "\\u0001"));
  g_assert_nonnull (strstr (text, "\\u001f"));
  g_assert_nonnull (strstr (text, "\\u0008"));
  back = read_back_string (text);
  g_assert_cmpstr (back, ==, all);

  g_free (text);
  text = write_string ("a\x7f" "b/c");
  /* DEL and '/' need no escape */
  g_assert_cmpstr (text, ==, "\"a\x7f" "b/c\"");
}

static void
test_non_bmp (void)
{
  /* U+1F600 and U+20BB7 (a CJK extension B character), as UTF-8 */
  const char *value = "smile \xf0\x9f\x98\x80 \xf0\xa0\xae\xb7 张";
  g_autofree char *text = write_string (value);
  g_autofree char *back = read_back_string (text);
  g_autofree char *expected = g_strdup_printf ("\"%s\"", value);

  g_assert_cmpstr (text, ==, expected);
  g_assert_cmpstr (back, ==, value);
}

static void
test_invalid_utf8 (void)
{
  const char *bad[] = {
    "abc\xff",               /* a byte never in UTF-8 */
    "\xc3",                  /* a truncated sequence */
    "\xed\xa0\x80",          /* an encoded surrogate */
    "\xc0\xaf",              /* an overlong '/' */
    "ok \xf4\x90\x80\x80",   /* above U+10FFFF */
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *text = write_string (bad[i]);
      g_autofree char *back = read_back_string (text);

      /* the whole value becomes U+FFFD: nothing of it leaks */
      g_assert_cmpstr (text, ==, "\"\xef\xbf\xbd\"");
      g_assert_cmpstr (back, ==, "\xef\xbf\xbd");
    }
}

static void
test_null_string (void)
{
  g_autofree char *text = write_string (NULL);

  g_assert_cmpstr (text, ==, "null");
}

static void
test_nesting (void)
{
  g_auto(FdJsonWriter) w = { 0 };
  g_autofree char *text = NULL;
  gsize len = 0;

  fd_json_writer_init (&w, 16);
  fd_json_writer_begin_object (&w);
  fd_json_writer_int_member (&w, "n", -42);
  fd_json_writer_int_member (&w, "big", G_MAXINT64);
  fd_json_writer_bool_member (&w, "t", TRUE);
  fd_json_writer_bool_member (&w, "f", FALSE);
  fd_json_writer_string_member (&w, "none", NULL);
  fd_json_writer_member (&w, "list");
  fd_json_writer_begin_array (&w);
  fd_json_writer_int (&w, 1);
  fd_json_writer_begin_object (&w);
  fd_json_writer_end_object (&w);
  fd_json_writer_begin_array (&w);
  fd_json_writer_end_array (&w);
  fd_json_writer_null (&w);
  fd_json_writer_string (&w, "x");
  fd_json_writer_end_array (&w);
  fd_json_writer_member (&w, "obj");
  fd_json_writer_begin_object (&w);
  fd_json_writer_field (&w, "phone", "138****5678", TRUE, FALSE);
  fd_json_writer_field (&w, "absent", NULL, TRUE, TRUE);
  fd_json_writer_end_object (&w);
  fd_json_writer_member (&w, "raw");
  fd_json_writer_raw (&w, "[1,2]", 5);
  fd_json_writer_end_object (&w);
  text = fd_json_writer_steal (&w, &len);

  g_assert_cmpuint (len, ==, strlen (text));
  g_assert_cmpstr (text, ==,
                   "{\"n\":-42,\"big\":9223372036854775807,\"t\":true,\"f\":false,"
                   "\"none\":null,\"list\":[1,{},[],null,\"x\"],"
                   "\"obj\":{\"phone\":{\"value\":\"138****5678\",\"masked\":true,"
                   "\"revealable\":false}},\"raw\":[1,2]}");
}

static void
test_splice_members (void)
{
  g_auto(FdJsonWriter) w = { 0 };
  g_auto(FdJsonWriter) extra = { 0 };
  g_auto(FdJsonWriter) empty = { 0 };
  g_autofree char *text = NULL;
  gsize len = 0;

  fd_json_writer_init (&extra, 16);
  fd_json_writer_string_member (&extra, "reason", "a\"b");
  fd_json_writer_int_member (&extra, "attempts_left", 3);
  fd_json_writer_string_member (&extra, "locked_until", NULL);

  fd_json_writer_init (&w, 16);
  fd_json_writer_begin_object (&w);
  fd_json_writer_string_member (&w, "code", "x");
  fd_json_writer_splice_members (&w, &extra);
  fd_json_writer_splice_members (&w, NULL);
  fd_json_writer_splice_members (&w, &empty);
  fd_json_writer_end_object (&w);
  text = fd_json_writer_steal (&w, &len);

  g_assert_cmpstr (text, ==,
                   "{\"code\":\"x\",\"reason\":\"a\\\"b\",\"attempts_left\":3,"
                   "\"locked_until\":null}");
  g_assert_null (extra.out);

  /* as the first members of an object: no leading comma */
  g_free (text);
  fd_json_writer_init (&extra, 16);
  fd_json_writer_bool_member (&extra, "ok", TRUE);
  fd_json_writer_init (&w, 16);
  fd_json_writer_begin_object (&w);
  fd_json_writer_splice_members (&w, &extra);
  fd_json_writer_end_object (&w);
  text = fd_json_writer_steal (&w, &len);
  g_assert_cmpstr (text, ==, "{\"ok\":true}");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/json-writer/escape/quotes-backslashes", test_escape_quotes_backslashes);
  g_test_add_func ("/json-writer/escape/controls", test_escape_controls);
  g_test_add_func ("/json-writer/escape/non-bmp", test_non_bmp);
  g_test_add_func ("/json-writer/escape/invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/json-writer/null-string", test_null_string);
  g_test_add_func ("/json-writer/nesting", test_nesting);
  g_test_add_func ("/json-writer/splice-members", test_splice_members);
  return g_test_run ();
}
