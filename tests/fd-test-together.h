#pragma once

#include "fd-test-server.h"

G_BEGIN_DECLS

/* Requests sent together: each from a thread of its own, on a TLS
 * connection it opened (one handshake at a time) before a common start
 * line, so that all of them are in flight at once — to one server or
 * spread over several (test-server-limits.c, test-server-multi.c). */

typedef struct
{
  FdTestServer *server;
  const char   *method;        /* NULL: POST */
  const char   *path;
  const char   *token;         /* or NULL */
  const char   *body;          /* JSON, or NULL */
  /* out */
  guint         status;        /* 0 when no HTTP answer came */
  char         *answer;        /* the body; free with fd_test_shots_clear() */
} FdTestShot;

/* Sends the @n shots at once and waits for every answer. */
void          fd_test_send_together          (FdTestShot   *shots,
                                              guint         n);
/* Frees what fd_test_send_together() filled in. */
void          fd_test_shots_clear            (FdTestShot   *shots,
                                              guint         n);
/* How many answered @status. */
guint         fd_test_shots_count            (const FdTestShot *shots,
                                              guint         n,
                                              guint         status);

/* The id of one of the first residents with an ID number on file that
 * @token's account sees (asserts there is one). */
char         *fd_test_resident_with_id_number (FdTestServer *server,
                                               SoupSession  *session,
                                               const char   *token);

G_END_DECLS
