/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Session lock and unlock: wrong passwords counted, a full sign-in after expiry. */

#include "config.h"

#include "fd-session.h"

#include "fd-error.h"
#include "fd-field.h"
#include "fd-session-private.h"
#include "fd-wipe.h"

/* Lock and unlock: a wrong password counts, five end the session, and an
 * unlock after the server session expired becomes a full sign-in. */

void
fd_session_fail_unlock_attempt (FdSession *self,
                                gint64     attempts_left)
{
  self->unlock_failures++;
  if (self->unlock_failures < FD_SESSION_MAX_UNLOCK_FAILURES && attempts_left != 0)
    return;

  /* The server ends it on the fifth failure too; make sure, and forget. */
  if (fd_api_client_has_token (self->api))
    fd_api_client_request_async (self->api, "DELETE", FD_API_PATH_SESSION, NULL, NULL,
                                 fd_session_ignore_result_cb, NULL);
  fd_session_end (self, "unlock-failures");
}

/* LOCKED here, and the server hears of it. */
void
fd_session_enter_locked (FdSession *self)
{
  fd_session_set_state (self, FD_SESSION_LOCKED);
  fd_api_client_request_async (self->api, "POST", FD_API_PATH_SESSION_LOCK, NULL,
                               self->cancellable, fd_session_ignore_result_cb, NULL);
}

void
fd_session_lock (FdSession *self)
{
  g_return_if_fail (FD_IS_SESSION (self));

  if (self->state != FD_SESSION_ACTIVE)
    return;

  fd_session_enter_locked (self);
}

static void
unlock_info_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FdSession *self = g_task_get_source_object (task);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  FdSessionInfo *info;

  root = fd_api_client_request_finish (FD_API_CLIENT (source), result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  info = fd_session_info_parse (root, NULL);
  if (info == NULL)
    {
      g_task_return_error (task, fd_session_protocol_error ());
      return;
    }

  fd_session_set_info (self, info);
  fd_session_store_token_and_activate (self, task);
}

static gboolean
reason_allows_new_sign_in (const char *reason)
{
  return reason == NULL ||
         g_str_equal (reason, "expired") ||
         g_str_equal (reason, "missing") ||
         g_str_equal (reason, "signed-out");
}

static void
unlock_reply (FdSession    *self,
              GTask        *task,
              FdSessionOp  *op,
              JsonNode     *root,
              GError      **error)
{
  fd_wipe_json_string (op->body, "password");

  if (*error != NULL && self->state != FD_SESSION_LOCKED)
    {
      g_task_return_error (task, g_steal_pointer (error));
      return;
    }

  if (g_error_matches (*error, FD_ERROR, FD_ERROR_BAD_CREDENTIALS))
    {
      gint64 left = op->error_object != NULL
                    ? fd_json_get_int (op->error_object, "attempts_left", -1) : -1;

      fd_session_fail_unlock_attempt (self, left);
      g_task_return_error (task, g_steal_pointer (error));
      return;
    }

  if (g_error_matches (*error, FD_ERROR, FD_ERROR_UNAUTHENTICATED))
    {
      const char *reason = fd_session_op_get_reason (op);

      if (!reason_allows_new_sign_in (reason))
        {
          fd_session_end (self, reason);
          g_task_return_error (task, g_steal_pointer (error));
          return;
        }

      /* The server session is gone (expired): unlocking becomes a full
       * sign-in of the same user with the password just typed. */
      g_debug ("Session expired while locked; signing in anew");
      self->server_gone = TRUE;
      fd_session_forget_token (self);
      g_clear_pointer (&op->error_object, json_object_unref);
      op->username = g_strdup (self->username);
      op->from_unlock = TRUE;
      fd_session_start_sign_in (self, task);
      return;
    }

  if (*error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (error));
      return;
    }

  op->token = fd_session_steal_token (root);
  if (op->token == NULL)
    {
      g_message ("Unlock answer without token");
      g_task_return_error (task, fd_session_protocol_error ());
      return;
    }

  fd_api_client_set_token (self->api, op->token);

  if (self->info == NULL)
    {
      fd_api_client_request_async (self->api, "GET", FD_API_PATH_SESSION, NULL,
                                   g_task_get_cancellable (task),
                                   unlock_info_cb, g_object_ref (task));
      return;
    }

  fd_session_store_token_and_activate (self, task);
}

void
fd_session_unlock_async (FdSession           *self,
                         const char          *password,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  FdSessionOp *op;

  g_return_if_fail (FD_IS_SESSION (self));
  g_return_if_fail (password != NULL);

  task = fd_session_op_task (self, fd_session_unlock_async, cancellable, callback,
                             user_data, &op);
  op->password = g_strdup (password);

  if (self->state != FD_SESSION_LOCKED)
    {
      g_task_return_new_error (task, FD_ERROR, FD_ERROR_CONFIG, "Not locked");
      return;
    }

  if (self->server_gone || !fd_api_client_has_token (self->api))
    {
      op->username = g_strdup (self->username);
      op->from_unlock = TRUE;
      fd_session_start_sign_in (self, task);
      return;
    }

  op->body = fd_json_string_object (FALSE, "password", password, NULL);

  fd_session_call_async (self, "POST", FD_API_PATH_SESSION_UNLOCK, op->body, task,
                         unlock_reply);
}

gboolean
fd_session_unlock_finish (FdSession     *self,
                          GAsyncResult  *result,
                          JsonObject   **error_object,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return fd_session_finish_with_error_object (result, error_object, error);
}
