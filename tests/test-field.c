/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests the contract's field value and typed JSON readers. */

#include "config.h"

#include <string.h>

#include "fd-error.h"
#include "fd-field.h"

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static void
test_field_build (void)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  JsonObject *object;
  JsonArray *plates;

  json_builder_begin_object (builder);
  fd_json_builder_add_field (builder, "phone", "138****5678", TRUE, TRUE);
  fd_json_builder_add_field (builder, "name", "张三", FALSE, FALSE);
  /* A NULL value leaves the member absent. */
  fd_json_builder_add_field (builder, "id_number", NULL, TRUE, FALSE);
  json_builder_set_member_name (builder, "plates");
  json_builder_begin_array (builder);
  fd_json_builder_add_field (builder, NULL, "粤B1***5", TRUE, FALSE);
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  text = json_to_string (root, FALSE);
  g_assert_cmpstr (text, ==,
                   "{\"phone\":{\"value\":\"138****5678\",\"masked\":true,\"revealable\":true},"
                   "\"name\":{\"value\":\"张三\",\"masked\":false,\"revealable\":false},"
                   "\"plates\":[{\"value\":\"粤B1***5\",\"masked\":true,\"revealable\":false}]}");

  object = json_node_get_object (root);
  g_assert_false (json_object_has_member (object, "id_number"));
  plates = json_object_get_array_member (object, "plates");
  g_assert_cmpuint (json_array_get_length (plates), ==, 1);
}

static void
test_field_round_trip (void)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(FdFieldValue) field = NULL;
  g_autoptr(FdFieldValue) copy = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *node;

  json_builder_begin_object (builder);
  fd_json_builder_add_field (builder, "phone", "138****5678", TRUE, FALSE);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  node = json_object_get_member (json_node_get_object (root), "phone");

  field = fd_field_value_parse (node, &error);
  g_assert_no_error (error);
  g_assert_nonnull (field);
  g_assert_cmpstr (field->value, ==, "138****5678");
  g_assert_true (field->masked);
  g_assert_false (field->revealable);

  copy = fd_field_value_copy (field);
  g_assert_true (copy != field);
  g_assert_true (copy->value != field->value);
  g_assert_cmpstr (copy->value, ==, field->value);
  g_assert_cmpint (copy->masked, ==, field->masked);
  g_assert_cmpint (copy->revealable, ==, field->revealable);
}

static void
test_field_parse_valid (void)
{
  g_autoptr(JsonNode) node = parse_json ("{\"value\": \"\", \"masked\": false, "
                                         "\"revealable\": true, \"extra\": 1}");
  g_autoptr(FdFieldValue) field = NULL;
  g_autoptr(GError) error = NULL;

  /* An empty value is a string all the same; unknown members are ignored. */
  field = fd_field_value_parse (node, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (field->value, ==, "");
  g_assert_false (field->masked);
  g_assert_true (field->revealable);
}

static void
test_field_parse_malformed (void)
{
  static const char *const bad[] = {
    "\"138****5678\"",
    "[]",
    "null",
    "42",
    "{}",
    "{\"masked\": true, \"revealable\": true}",
    "{\"value\": \"x\", \"revealable\": true}",
    "{\"value\": \"x\", \"masked\": true}",
    "{\"value\": null, \"masked\": true, \"revealable\": true}",
    "{\"value\": 13812345678, \"masked\": true, \"revealable\": true}",
    "{\"value\": [\"x\"], \"masked\": true, \"revealable\": true}",
    "{\"value\": {}, \"masked\": true, \"revealable\": true}",
    "{\"value\": \"x\", \"masked\": \"true\", \"revealable\": true}",
    "{\"value\": \"x\", \"masked\": 1, \"revealable\": true}",
    "{\"value\": \"x\", \"masked\": null, \"revealable\": true}",
    "{\"value\": \"x\", \"masked\": true, \"revealable\": 0}",
    "{\"value\": \"x\", \"masked\": true, \"revealable\": []}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonNode) node = parse_json (bad[i]);
      g_autoptr(GError) error = NULL;
      FdFieldValue *field;

      field = fd_field_value_parse (node, &error);
      g_assert_null (field);
      g_assert_error (error, FD_ERROR, FD_ERROR_PROTOCOL);
      /* The message never carries what the server sent. */
      g_assert_null (strstr (error->message, "138"));
      g_assert_null (fd_field_value_parse (node, NULL));
    }

  {
    g_autoptr(GError) error = NULL;

    g_assert_null (fd_field_value_parse (NULL, &error));
    g_assert_error (error, FD_ERROR, FD_ERROR_PROTOCOL);
  }
}

static void
test_field_new_free (void)
{
  FdFieldValue *field = fd_field_value_new ("13812345678", FALSE, TRUE);

  g_assert_cmpstr (field->value, ==, "13812345678");
  g_assert_false (field->masked);
  g_assert_true (field->revealable);
  fd_field_value_free (field);

  /* NULL-safe, also through g_autoptr. */
  fd_field_value_free (NULL);
  {
    g_autoptr(FdFieldValue) empty = NULL;
    (void) empty;
  }
}

/* Not under AddressSanitizer: its allocator owns every block, and
 * replacing free() would hand them to glibc. */
#if defined(__SANITIZE_ADDRESS__)
#define FD_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FD_ASAN 1
#endif
#endif

#if defined(__GLIBC__) && !defined(FD_ASAN)
/* The wipe is observed at the moment the bytes go back to the allocator:
 * this executable's free() runs first for every g_free() and checks the
 * one block the test watches, then hands it to glibc. */
extern void __libc_free (void *ptr);

static const char *watched;
static gsize watched_len;
static enum { NOT_FREED, FREED_ZEROED, FREED_DIRTY } watched_state;

void
free (void *ptr)
{
  if (ptr != NULL && ptr == (void *) watched)
    {
      gboolean zeroed = TRUE;

      for (gsize i = 0; i < watched_len; i++)
        if (watched[i] != '\0')
          zeroed = FALSE;
      watched_state = zeroed ? FREED_ZEROED : FREED_DIRTY;
      watched = NULL;
    }

  __libc_free (ptr);
}

static void
watch (const char *block)
{
  watched = block;
  watched_len = strlen (block);
  watched_state = NOT_FREED;
}

static void
test_field_wipe (void)
{
  FdFieldValue *field;
  char *plain;
  char *secret;

  /* The hook sees an ordinary g_free () leave the bytes in place. */
  plain = g_strdup ("13812345678");
  watch (plain);
  g_free (plain);
  g_assert_cmpint (watched_state, ==, FREED_DIRTY);

  field = fd_field_value_new ("13812345678", FALSE, TRUE);
  watch (field->value);
  fd_field_value_free (field);
  g_assert_cmpint (watched_state, ==, FREED_ZEROED);

  secret = g_strdup ("correct horse battery staple");
  watch (secret);
  fd_secret_free (secret);
  g_assert_cmpint (watched_state, ==, FREED_ZEROED);
}
#endif

static void
test_secret_free (void)
{
  fd_secret_free (NULL);
  fd_secret_free (g_strdup (""));
  fd_secret_free (g_strdup ("correct horse battery staple"));
}

static void
test_json_get (void)
{
  g_autoptr(JsonNode) root = parse_json ("{\"s\": \"text\", \"i\": 42, \"neg\": -7, "
                                         "\"d\": 1.5, \"b\": true, \"f\": false, "
                                         "\"n\": null, \"a\": [1], \"o\": {}, "
                                         "\"si\": \"42\", \"bs\": \"true\"}");
  JsonObject *object = json_node_get_object (root);

  g_assert_cmpstr (fd_json_get_string (object, "s"), ==, "text");
  g_assert_null (fd_json_get_string (object, "i"));
  g_assert_null (fd_json_get_string (object, "b"));
  g_assert_null (fd_json_get_string (object, "n"));
  g_assert_null (fd_json_get_string (object, "a"));
  g_assert_null (fd_json_get_string (object, "o"));
  g_assert_null (fd_json_get_string (object, "missing"));
  g_assert_null (fd_json_get_string (NULL, "s"));
  g_assert_null (fd_json_get_string (object, NULL));

  g_assert_cmpint (fd_json_get_int (object, "i", -1), ==, 42);
  g_assert_cmpint (fd_json_get_int (object, "neg", 0), ==, -7);
  g_assert_cmpint (fd_json_get_int (object, "d", -1), ==, -1);
  g_assert_cmpint (fd_json_get_int (object, "si", -1), ==, -1);
  g_assert_cmpint (fd_json_get_int (object, "b", -1), ==, -1);
  g_assert_cmpint (fd_json_get_int (object, "n", -1), ==, -1);
  g_assert_cmpint (fd_json_get_int (object, "a", -1), ==, -1);
  g_assert_cmpint (fd_json_get_int (object, "o", -1), ==, -1);
  g_assert_cmpint (fd_json_get_int (object, "missing", 99), ==, 99);
  g_assert_cmpint (fd_json_get_int (NULL, "i", 5), ==, 5);

  g_assert_true (fd_json_get_bool (object, "b", FALSE));
  g_assert_false (fd_json_get_bool (object, "f", TRUE));
  g_assert_true (fd_json_get_bool (object, "bs", TRUE));
  g_assert_false (fd_json_get_bool (object, "bs", FALSE));
  g_assert_false (fd_json_get_bool (object, "i", FALSE));
  g_assert_true (fd_json_get_bool (object, "n", TRUE));
  g_assert_true (fd_json_get_bool (object, "o", TRUE));
  g_assert_true (fd_json_get_bool (object, "missing", TRUE));
  g_assert_false (fd_json_get_bool (NULL, "b", FALSE));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/fd/field/build", test_field_build);
  g_test_add_func ("/fd/field/round-trip", test_field_round_trip);
  g_test_add_func ("/fd/field/parse-valid", test_field_parse_valid);
  g_test_add_func ("/fd/field/parse-malformed", test_field_parse_malformed);
  g_test_add_func ("/fd/field/new-free", test_field_new_free);
#if defined(__GLIBC__) && !defined(FD_ASAN)
  g_test_add_func ("/fd/field/wipe", test_field_wipe);
#endif
  g_test_add_func ("/fd/field/secret-free", test_secret_free);
  g_test_add_func ("/fd/json/get", test_json_get);

  return g_test_run ();
}
