#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The real FdServer of a libFuzzer harness: a demo office (SQLite store,
 * keys, certificates and seeded residents in a temporary directory) made
 * once per process, fed raw HTTP/1.1 bytes through
 * soup_server_accept_iostream() on one end of a socketpair, without TLS.
 * Nothing is mocked: the request goes through libsoup's parser, the
 * early handler (body limits), routing, authentication, the handlers,
 * the store and the group commit. */

/* Makes the office once; later calls do nothing. Aborts on failure. */
void        fuzz_server_init      (void);

/* Moves the off-hours window onto now (@on) or three hours away. */
void        fuzz_server_set_off_hours (gboolean on);

/* A bearer token of a live, unlocked session of the demo account @role
 * ("reception", "patrol", "finance", "manager", "auditor", "admin").
 * Sessions are made directly in the store (no Argon2 per input) and made
 * again, and the account unlocked and enabled again, whenever an input
 * ended, locked or disabled them. */
const char *fuzz_server_token     (const char *role);

/* Sends @len bytes as one client connection (then half-closes it) and
 * runs the main context until the server has closed its end. Returns
 * what the server wrote, and lifts an incident freeze the input may have
 * set. Aborts when the server answers 500 (bad input
 * must get a clear 4xx) or nothing within 300 s. */
GBytes     *fuzz_server_exchange  (const guint8 *data,
                                   gsize         len);

/* One request as a client would send it: @target below /api/v1/
 * (path and query), a bearer @token (may be NULL) and, when @body is not
 * NULL, a JSON body with its Content-Length. */
GBytes     *fuzz_server_request   (const char   *method,
                                   const char   *target,
                                   const char   *token,
                                   const guint8 *body,
                                   gsize         body_len);

/* The common start of fuzz-api-body and fuzz-api-query, whose input is
 * [role/flags][endpoint][id]…: makes the office, sets off hours from bit 3
 * of data[0], returns the token of role data[0] & 7 (NULL for 6 and 7: no
 * Authorization header) and sets *endpoint to data[1] % n_endpoints.
 * @size must be at least 3. */
const char *fuzz_server_begin     (const guint8 *data,
                                   guint         n_endpoints,
                                   guint        *endpoint);

/* The demo roles, in the order of fd-policy.h. */
extern const char *const fuzz_roles[6];

/* Appends @text to @out with every byte outside [A-Za-z0-9._~&=+,:;!*'()/@%-]
 * percent-encoded, so that arbitrary bytes reach a query string. */
void        fuzz_append_query     (GString      *out,
                                   const guint8 *text,
                                   gsize         len);

G_END_DECLS
