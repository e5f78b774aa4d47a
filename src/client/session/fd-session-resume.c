/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Session resume after a restart: the keyring's token, checked, comes up locked. */

#include "config.h"

#include "fd-session.h"

#include "fd-error.h"
#include "fd-session-private.h"

/* Resume after a restart: the token from the keyring, checked with the
 * server, and the session comes up LOCKED, never unlocked. A sign-in
 * started meanwhile wins: the resume then ends with FALSE and leaves the
 * state, the token and the keyring to it. */

static gboolean
superseded (FdSession   *self,
            FdSessionOp *op)
{
  return op->sign_in_serial != self->sign_in_serial;
}

static void
resume_get_reply (FdSession    *self,
                  GTask        *task,
                  FdSessionOp  *op,
                  JsonNode     *root,
                  GError      **error)
{
  FdSessionInfo *info;

  if (superseded (self, op))
    {
      g_debug ("Resume dropped: a sign-in started meanwhile");
      g_task_return_boolean (task, FALSE);
      return;
    }

  if (*error != NULL)
    {
      if (g_error_matches (*error, FD_ERROR, FD_ERROR_NETWORK))
        {
          /* Cannot tell yet; the unlock will ask the server. */
          fd_session_set_state (self, FD_SESSION_LOCKED);
          g_task_return_boolean (task, TRUE);
          return;
        }

      if (g_error_matches (*error, FD_ERROR, FD_ERROR_UNAUTHENTICATED))
        {
          const char *reason = fd_session_op_get_reason (op);

          fd_session_end (self, reason != NULL ? reason : "missing");
          g_task_return_boolean (task, FALSE);
          return;
        }

      fd_api_client_set_token (self->api, NULL);
      g_task_return_error (task, g_steal_pointer (error));
      return;
    }

  info = fd_session_info_parse (root, NULL);
  if (info == NULL)
    {
      fd_api_client_set_token (self->api, NULL);
      g_task_return_error (task, fd_session_protocol_error ());
      return;
    }

  fd_session_set_info (self, info);
  /* The last run may have quit unlocked; the server learns it is locked. */
  fd_session_enter_locked (self);
  g_task_return_boolean (task, TRUE);
}

static void
resume_lookup_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FdSession *self = g_task_get_source_object (task);
  FdSessionOp *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  op->token = fd_secret_store_lookup_finish (FD_SECRET_STORE (source), result, &error);
  if (op->token == NULL)
    {
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("No session to resume: %s", error->message);
      if (error != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_boolean (task, FALSE);
      return;
    }

  if (self->state != FD_SESSION_SIGNED_OUT || superseded (self, op))
    {
      g_task_return_boolean (task, FALSE);
      return;
    }

  g_free (self->username);
  self->username = g_strdup (op->username);
  fd_api_client_set_token (self->api, op->token);

  fd_session_call_async (self, "GET", FD_API_PATH_SESSION, NULL, task, resume_get_reply);
}

void
fd_session_resume_async (FdSession           *self,
                         const char          *username,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  FdSessionOp *op;

  g_return_if_fail (FD_IS_SESSION (self));

  task = fd_session_op_task (self, fd_session_resume_async, cancellable, callback,
                             user_data, &op);
  op->username = g_strdup (username);
  op->sign_in_serial = self->sign_in_serial;

  if (username == NULL || username[0] == '\0' || self->state != FD_SESSION_SIGNED_OUT)
    {
      g_task_return_boolean (task, FALSE);
      return;
    }

  fd_secret_store_lookup_async (self->secrets, fd_api_client_get_base_url (self->api),
                                username, cancellable, resume_lookup_cb,
                                g_steal_pointer (&task));
}

gboolean
fd_session_resume_finish (FdSession     *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
