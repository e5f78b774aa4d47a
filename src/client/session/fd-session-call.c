/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The session's requests: each call's task data, 401s it handles itself, tokens in answers. */

#include "config.h"

#include "fd-session.h"

#include "fd-field.h"
#include "fd-session-private.h"
#include "fd-wipe.h"

/* The requests of a session: the data every async call carries, sending
 * and finishing the calls that handle a 401 themselves, and reading what
 * their answers hold. */

static void
op_free (FdSessionOp *op)
{
  fd_wipe_json_string (op->body, "password");
  g_clear_pointer (&op->body, json_node_unref);
  g_clear_pointer (&op->password, fd_secret_free);
  g_clear_pointer (&op->token, fd_secret_free);
  g_clear_pointer (&op->username, g_free);
  g_clear_pointer (&op->error_object, json_object_unref);
  g_free (op);
}

GTask *
fd_session_op_task (FdSession            *self,
                    gpointer              source_tag,
                    GCancellable         *cancellable,
                    GAsyncReadyCallback   callback,
                    gpointer              user_data,
                    FdSessionOp         **op)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  *op = g_new0 (FdSessionOp, 1);
  g_task_set_task_data (task, *op, (GDestroyNotify) op_free);
  return task;
}

/* The server's reason for a 401 ("expired", "disabled", …), if it gave one. */
const char *
fd_session_op_get_reason (FdSessionOp *op)
{
  return op->error_object != NULL ? fd_json_get_string (op->error_object, "reason") : NULL;
}

void
fd_session_ignore_result_cb (GObject      *source,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  if (FD_IS_API_CLIENT (source))
    node = fd_api_client_request_finish (FD_API_CLIENT (source), result, &error);
  else if (FD_IS_SECRET_STORE (source))
    fd_secret_store_clear_finish (FD_SECRET_STORE (source), result, &error);

  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Background call failed: %s", error->message);
}

/* A copy of the "token" of a session answer (NULL if it has none), wiped
 * from the tree. */
char *
fd_session_steal_token (JsonNode *root)
{
  const char *token = root != NULL && JSON_NODE_HOLDS_OBJECT (root)
                      ? fd_json_get_string (json_node_get_object (root), "token") : NULL;
  char *copy = token != NULL && token[0] != '\0' ? g_strdup (token) : NULL;

  fd_wipe_json_string (root, "token");
  return copy;
}

static void
call_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FdSession *self = g_task_get_source_object (task);
  FdSessionOp *op = g_task_get_task_data (task);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;

  self->busy--;
  root = fd_api_client_request_finish_full (FD_API_CLIENT (source), result,
                                            &op->error_object, &error);
  op->reply (self, task, op, root, &error);
}

/* A request whose 401 the caller handles itself: the API client's
 * ::session-ended is ignored until the answer is in; the server's error
 * object is kept in the task's op, and @reply handles the rest. */
void
fd_session_call_async (FdSession           *self,
                       const char          *method,
                       const char          *path,
                       JsonNode            *body,
                       GTask               *task,
                       FdSessionReplyFunc   reply)
{
  FdSessionOp *op = g_task_get_task_data (task);

  op->reply = reply;
  self->busy++;
  fd_api_client_request_async (self->api, method, path, body,
                               g_task_get_cancellable (task),
                               call_done_cb, g_object_ref (task));
}

gboolean
fd_session_finish_with_error_object (GAsyncResult  *result,
                                     JsonObject   **error_object,
                                     GError       **error)
{
  FdSessionOp *op = g_task_get_task_data (G_TASK (result));

  if (error_object != NULL)
    *error_object = (op != NULL && op->error_object != NULL)
                    ? json_object_ref (op->error_object) : NULL;

  return g_task_propagate_boolean (G_TASK (result), error);
}
