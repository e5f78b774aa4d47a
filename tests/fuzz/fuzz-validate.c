/* libFuzzer: everything in src/common that reads outside input: input
 * normalisation and the validators (ID number, mobile, plate, room, name),
 * the masking formats, certificate pins (PEM, DER, syntax) and the JSON
 * field-value reader. The first byte picks the function; the rest is its
 * input. Checks that refusals do not repeat a number they were given and
 * that masks are valid UTF-8. */

#include "config.h"

#include <string.h>

#include "fd-field.h"
#include "fd-mask.h"
#include "fd-pin.h"
#include "fd-validate.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

typedef char *(*MaskFunc) (const char *);

static const MaskFunc masks[] = {
  fd_mask_name, fd_mask_name_surname, fd_mask_mobile, fd_mask_id_number,
  fd_mask_room_building, fd_mask_address_district, fd_mask_plate, fd_mask_account,
};

static gboolean
has_digits (const char *text)
{
  guint n = 0;

  for (; *text != '\0'; text++)
    n += g_ascii_isdigit (*text);
  return n >= 4;
}

static void
validate_all (const char *text)
{
  g_autofree char *normal = fd_input_normalize (text, FALSE);
  g_autofree char *upper = fd_input_normalize (text, TRUE);
  const char *inputs[] = { text, normal, upper };

  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      const char *in = inputs[i];
      g_autoptr(GError) e1 = NULL, e2 = NULL, e3 = NULL, e4 = NULL, e5 = NULL;

      if (in == NULL)
        continue;
      fd_id_number_check_char (in);
      /* A refusal never repeats the value. */
      if (!fd_validate_id_number (in, &e1) && has_digits (in))
        g_assert (strstr (e1->message, in) == NULL);
      if (!fd_validate_mobile (in, &e2) && has_digits (in))
        g_assert (strstr (e2->message, in) == NULL);
      if (!fd_validate_plate (in, &e3) && has_digits (in))
        g_assert (strstr (e3->message, in) == NULL);
      fd_validate_room (in, &e4);
      fd_validate_name (in, &e5);
    }
}

static void
mask_all (const char *text)
{
  for (guint i = 0; i < G_N_ELEMENTS (masks); i++)
    {
      g_autofree char *masked = masks[i] (text);

      if (masked != NULL)
        g_assert (g_utf8_validate (masked, -1, NULL));
    }
}

static void
parse_field (const guint8 *data,
             gsize         size)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(FdFieldValue) field = NULL;
  g_autoptr(FdFieldValue) copy = NULL;
  JsonObject *object;

  if (!json_parser_load_from_data (parser, (const char *) data, size, NULL) ||
      json_parser_get_root (parser) == NULL)
    return;
  field = fd_field_value_parse (json_parser_get_root (parser), NULL);
  if (field != NULL)
    {
      g_assert (field->value != NULL);
      copy = fd_field_value_copy (field);
    }
  if (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      object = json_node_get_object (json_parser_get_root (parser));
      fd_json_get_string (object, "value");
      fd_json_get_int (object, "n", 0);
      fd_json_get_bool (object, "masked", FALSE);
    }
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autofree char *text = NULL;

  if (size < 1)
    return 0;
  text = g_strndup ((const char *) data + 1, size - 1);

  switch (data[0] % 5)
    {
    case 0:
      validate_all (text);
      break;
    case 1:
      mask_all (text);
      break;
    case 2:
      {
        g_autofree char *a = fd_pin_from_pem (text, size - 1, NULL);
        g_autofree char *b = fd_pin_from_der (data + 1, size - 1, NULL);
        if (a != NULL)
          g_assert (fd_pin_is_valid (a));
        if (b != NULL)
          g_assert (fd_pin_is_valid (b) && fd_pin_equal (b, b));
      }
      break;
    case 3:
      if (fd_pin_is_valid (text))
        g_assert (fd_pin_equal (text, text));
      fd_pin_equal (text, "sha256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
      break;
    default:
      parse_field (data + 1, size - 1);
      break;
    }
  return 0;
}
