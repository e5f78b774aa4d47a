/* libFuzzer: the query strings (limits, searches, dates, cursors) and
 * path ids of every GET endpoint, signed in. Input:
 * [role/flags][endpoint][id][query…]; the first three bytes as in
 * fuzz-api-body.c. The query is sent percent-encoded where HTTP needs it,
 * so any byte reaches the handler after libsoup decodes it ('%' is kept,
 * so malformed escapes get through too). */

#include "config.h"

#include "fuzz-server.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static const char *const endpoints[] = {
  "health",
  "session",
  "residents",
  "residents/%u",
  "rooms",
  "visitors",
  "visitors/export",
  "audit",
  "audit/verify",
  "alerts",
  "incident",
  "users",
};

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GString) target = g_string_new (NULL);
  const char *token;
  guint endpoint;

  if (size < 3)
    return 0;
  token = fuzz_server_begin (data, G_N_ELEMENTS (endpoints), &endpoint);

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  g_string_printf (target, endpoints[endpoint], (guint) data[2]);
#pragma GCC diagnostic pop
  g_string_append_c (target, '?');
  fuzz_append_query (target, data + 3, size - 3);
  answer = fuzz_server_request ("GET", target->str, token, NULL, 0);
  fuzz_server_set_off_hours (FALSE);
  return 0;
}
