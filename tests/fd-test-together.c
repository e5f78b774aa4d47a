/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Test helper: requests sent together to one or several servers. */

#include "config.h"

#include "fd-test-together.h"

#include <string.h>

typedef struct
{
  GMutex   lock;
  GCond    cond;
  guint    ready;
  gboolean go;
} StartLine;

typedef struct
{
  FdTestShot *shot;
  StartLine  *start;
} Runner;

static void
send_shot (FdTestShot  *shot,
           SoupSession *session)
{
  g_autofree char *uri = g_strconcat (fd_test_server_get_base_url (shot->server), shot->path,
                                      NULL);
  g_autoptr(SoupMessage) message = soup_message_new (shot->method ? shot->method : "POST", uri);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;

  /* libsoup sends a POST on a new connection unless it is marked
   * idempotent: marked, it goes on the one opened before the start line. */
  soup_message_add_flags (message, SOUP_MESSAGE_IDEMPOTENT);
  if (shot->token != NULL)
    {
      g_autofree char *authorization = g_strconcat ("Bearer ", shot->token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (message),
                                    "Authorization", authorization);
    }
  if (shot->body != NULL)
    {
      g_autoptr(GBytes) body = g_bytes_new_static (shot->body, strlen (shot->body));

      soup_message_set_request_body_from_bytes (message, "application/json", body);
    }
  answer = soup_session_send_and_read (session, message, NULL, &error);
  if (answer == NULL)
    {
      g_test_message ("%s %s: no HTTP answer: %s", soup_message_get_method (message),
                      shot->path, error->message);
      return;
    }
  shot->status = soup_message_get_status (message);
  shot->answer = g_strndup (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer));
}

static gpointer
runner_thread (gpointer data)
{
  Runner *runner = data;
  FdTestShot *shot = runner->shot;
  g_autoptr(GMainContext) context = g_main_context_new ();
  SoupSession *session;
  guint status;

  g_main_context_push_thread_default (context);
  session = fd_test_server_new_session (shot->server);
  /* The connection (and its TLS handshake) is up before the start line.
   * Handshakes go one at a time: dozens at once on a busy machine can be
   * slow enough for the server's guard to drop a silent connection. */
  g_mutex_lock (&runner->start->lock);
  {
    g_autoptr(JsonNode) health = fd_test_request (shot->server, session, "GET", "/api/v1/health",
                                                  NULL, NULL, &status, NULL);
    g_assert_cmpuint (status, ==, 200);
  }
  runner->start->ready++;
  g_cond_broadcast (&runner->start->cond);
  while (!runner->start->go)
    g_cond_wait (&runner->start->cond, &runner->start->lock);
  g_mutex_unlock (&runner->start->lock);

  send_shot (shot, session);
  g_object_unref (session);
  g_main_context_pop_thread_default (context);
  return NULL;
}

void
fd_test_send_together (FdTestShot *shots,
                       guint       n)
{
  StartLine start = { 0 };
  g_autofree Runner *runners = g_new0 (Runner, n);
  g_autofree GThread **threads = g_new0 (GThread *, n);

  g_mutex_init (&start.lock);
  g_cond_init (&start.cond);
  for (guint i = 0; i < n; i++)
    {
      runners[i] = (Runner) { .shot = &shots[i], .start = &start };
      threads[i] = g_thread_new ("shot", runner_thread, &runners[i]);
    }

  g_mutex_lock (&start.lock);
  while (start.ready < n)
    g_cond_wait (&start.cond, &start.lock);
  start.go = TRUE;
  g_cond_broadcast (&start.cond);
  g_mutex_unlock (&start.lock);

  for (guint i = 0; i < n; i++)
    g_thread_join (threads[i]);
  g_mutex_clear (&start.lock);
  g_cond_clear (&start.cond);
}

void
fd_test_shots_clear (FdTestShot *shots,
                     guint       n)
{
  for (guint i = 0; i < n; i++)
    g_clear_pointer (&shots[i].answer, g_free);
}

guint
fd_test_shots_count (const FdTestShot *shots,
                     guint             n,
                     guint             status)
{
  guint count = 0;

  for (guint i = 0; i < n; i++)
    count += shots[i].status == status;
  return count;
}

char *
fd_test_resident_with_id_number (FdTestServer *server,
                                 SoupSession  *session,
                                 const char   *token)
{
  g_autoptr(JsonNode) list = NULL;
  JsonArray *items;
  guint status;

  list = fd_test_request (server, session, "GET", "/api/v1/residents?limit=10", token, NULL,
                          &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  items = json_object_get_array_member (fd_test_get_object (list), "items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      const char *id = json_object_get_string_member (json_array_get_object_element (items, i),
                                                      "id");
      g_autofree char *path = g_strdup_printf ("/api/v1/residents/%s", id);
      g_autoptr(JsonNode) detail = NULL;

      detail = fd_test_request (server, session, "GET", path, token, NULL, &status, NULL);
      g_assert_cmpuint (status, ==, 200);
      if (json_object_has_member (fd_test_get_object (detail), "id_number"))
        return g_strdup (id);
    }
  g_error ("none of the first residents has an ID number on file");
}
