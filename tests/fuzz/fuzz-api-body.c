/* libFuzzer: the JSON body of every endpoint that takes one, signed in.
 * Input: [role/flags][endpoint][id][body…]. The first byte picks the role
 * of the session (low three bits; 6 and 7 send no token) and whether it
 * is off hours (bit 3); the second picks the endpoint, the third is the
 * id in its path. */

#include "config.h"

#include "fuzz-server.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static const struct {
  const char *method;
  const char *path;   /* %u = the id byte */
} endpoints[] = {
  { "POST",   "session" },
  { "POST",   "session/unlock" },
  { "POST",   "session/lock" },
  { "DELETE", "session" },
  { "POST",   "residents/%u/reveal" },
  { "POST",   "residents/%u/verify" },
  { "POST",   "visitors" },
  { "POST",   "visitors/%u/checkout" },
  { "PUT",    "incident" },
  { "POST",   "users" },
  { "PATCH",  "users/%u" },
};

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GBytes) answer = NULL;
  g_autofree char *path = NULL;
  const char *token;
  guint endpoint;

  if (size < 3)
    return 0;
  token = fuzz_server_begin (data, G_N_ELEMENTS (endpoints), &endpoint);

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  path = g_strdup_printf (endpoints[endpoint].path, (guint) data[2]);
#pragma GCC diagnostic pop
  answer = fuzz_server_request (endpoints[endpoint].method, path, token, data + 3, size - 3);
  fuzz_server_set_off_hours (FALSE);
  return 0;
}
