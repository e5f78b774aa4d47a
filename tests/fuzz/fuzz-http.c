/* libFuzzer: raw HTTP/1.1 bytes (request line, headers, body, several
 * requests on one connection) into the real server. "@RECEPTION@",
 * "@ADMIN@" and the other role names between '@' are replaced by the
 * bearer token of a live session of that role, so that inputs reach the
 * handlers behind authentication. */

#include "config.h"

#include <string.h>

#include "fuzz-server.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);
const char *__asan_default_options (void);

/* Under AddressSanitizer (the fuzzer, and the replay in the sanitizer
 * stage): full allocation stacks, so that build-aux/lsan.supp can name
 * libsoup's known leak, which malformed requests reach; GLib has no frame
 * pointers for the fast unwinder. ASAN_OPTIONS still overrides. */
const char *
__asan_default_options (void)
{
  return "fast_unwind_on_malloc=0";
}

static GByteArray *
substitute_tokens (const guint8 *data,
                   gsize         size)
{
  GByteArray *out = g_byte_array_sized_new (size + 64);
  gsize i = 0;

  while (i < size)
    {
      gboolean replaced = FALSE;

      if (data[i] == '@')
        for (guint r = 0; r < G_N_ELEMENTS (fuzz_roles) && !replaced; r++)
          {
            g_autofree char *upper = g_ascii_strup (fuzz_roles[r], -1);
            gsize n = strlen (upper);

            if (i + n + 2 <= size && memcmp (data + i + 1, upper, n) == 0 &&
                data[i + n + 1] == '@')
              {
                const char *token = fuzz_server_token (fuzz_roles[r]);

                g_byte_array_append (out, (const guint8 *) token, strlen (token));
                i += n + 2;
                replaced = TRUE;
              }
          }
      if (!replaced)
        g_byte_array_append (out, data + i++, 1);
    }
  return out;
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GByteArray) request = NULL;
  g_autoptr(GBytes) answer = NULL;

  fuzz_server_init ();
  request = substitute_tokens (data, size);
  answer = fuzz_server_exchange (request->data, request->len);
  return 0;
}
