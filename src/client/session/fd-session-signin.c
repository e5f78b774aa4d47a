/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Session sign-in and its second step, the token kept in the keyring, and sign-out. */

#include "config.h"

#include "fd-session.h"

#include "fd-error.h"
#include "fd-field.h"
#include "fd-session-private.h"
#include "fd-wipe.h"

/* Sign-in (also the second half of an unlock after expiry), keeping the
 * token in the keyring, and sign-out. */

static void
store_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FdSession *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  /* Without a keyring the token lives in memory only; the store said so. */
  if (!fd_secret_store_store_finish (FD_SECRET_STORE (source), result, &error))
    g_debug ("Token kept in memory only: %s", error->message);

  self->unlock_failures = 0;
  self->server_gone = FALSE;
  fd_session_set_state (self, FD_SESSION_ACTIVE);
  g_task_return_boolean (task, TRUE);
}

void
fd_session_store_token_and_activate (FdSession *self,
                                     GTask     *task)
{
  FdSessionOp *op = g_task_get_task_data (task);

  fd_secret_store_store_async (self->secrets,
                               fd_api_client_get_base_url (self->api),
                               self->username, op->token,
                               g_task_get_cancellable (task),
                               store_done_cb, g_object_ref (task));
}

static void
sign_in_reply (FdSession    *self,
               GTask        *task,
               FdSessionOp  *op,
               JsonNode     *root,
               GError      **error)
{
  FdSessionInfo *info;

  fd_wipe_json_string (op->body, "password");
  fd_wipe_json_string (op->body, "challenge");
  fd_wipe_json_string (op->body, "code");

  if (*error != NULL)
    {
      if (op->from_unlock && self->state == FD_SESSION_LOCKED)
        {
          if (g_error_matches (*error, FD_ERROR, FD_ERROR_BAD_CREDENTIALS))
            fd_session_fail_unlock_attempt (self, -1);
          else if (g_error_matches (*error, FD_ERROR, FD_ERROR_ACCOUNT_LOCKED))
            fd_session_end (self, "locked");
          else if (g_error_matches (*error, FD_ERROR, FD_ERROR_ACCOUNT_DISABLED))
            fd_session_end (self, "disabled");
        }
      g_task_return_error (task, g_steal_pointer (error));
      return;
    }

  op->token = fd_session_steal_token (root);
  info = fd_session_info_parse (root, NULL);
  if (op->token == NULL || info == NULL)
    {
      g_clear_pointer (&info, fd_session_info_free);
      g_message ("Sign-in answer without token or user");
      g_task_return_error (task, fd_session_protocol_error ());
      return;
    }

  fd_api_client_set_token (self->api, op->token);
  fd_session_set_info (self, info);

  fd_session_store_token_and_activate (self, task);
}

void
fd_session_start_sign_in (FdSession *self,
                          GTask     *task)
{
  FdSessionOp *op = g_task_get_task_data (task);
  const char *estate;

  estate = self->estate;
  if (estate == NULL && op->from_unlock && self->info != NULL)
    estate = self->info->estate_code;

  g_clear_pointer (&op->body, json_node_unref);
  op->body = fd_json_string_object (FALSE, "username", op->username, "password", op->password,
                                    "workstation", self->workstation, "estate", estate, NULL);

  fd_session_call_async (self, "POST", FD_API_PATH_SESSION, op->body, task, sign_in_reply);
}

/* The task of a sign-in or of its second step, or NULL when one cannot
 * start now (the task has then returned why). A resume still in flight
 * is stale from then on. */
static GTask *
sign_in_task (FdSession            *self,
              GCancellable         *cancellable,
              GAsyncReadyCallback   callback,
              gpointer              user_data,
              FdSessionOp         **op)
{
  g_autoptr(GTask) task = fd_session_op_task (self, fd_session_sign_in_async, cancellable,
                                              callback, user_data, op);

  if (self->state != FD_SESSION_SIGNED_OUT)
    {
      g_task_return_new_error (task, FD_ERROR, FD_ERROR_CONFIG, "Already signed in");
      return NULL;
    }
  self->sign_in_serial++;
  return g_steal_pointer (&task);
}

void
fd_session_sign_in_async (FdSession           *self,
                          const char          *username,
                          const char          *password,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  FdSessionOp *op;

  g_return_if_fail (FD_IS_SESSION (self));
  g_return_if_fail (username != NULL && password != NULL);

  task = sign_in_task (self, cancellable, callback, user_data, &op);
  if (task == NULL)
    return;
  op->username = g_strdup (username);
  op->password = g_strdup (password);

  /* The token a stale resume may have set is not ours to send. */
  fd_api_client_set_token (self->api, NULL);

  /* A different user starts from nothing. */
  if (g_strcmp0 (self->username, username) != 0)
    {
      g_free (self->username);
      self->username = g_strdup (username);
    }

  fd_session_start_sign_in (self, task);
}

/* issue 15: the second step of a sign-in that answered
 * second-factor-required; finishes like a sign-in. */
void
fd_session_second_factor_async (FdSession           *self,
                                const char          *challenge,
                                const char          *code,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  FdSessionOp *op;

  g_return_if_fail (FD_IS_SESSION (self));
  g_return_if_fail (challenge != NULL && code != NULL);

  task = sign_in_task (self, cancellable, callback, user_data, &op);
  if (task == NULL)
    return;
  op->body = fd_json_string_object (FALSE, "challenge", challenge, "code", code, NULL);
  fd_session_call_async (self, "POST", FD_API_PATH_SECOND_FACTOR, op->body, task,
                         sign_in_reply);
}

gboolean
fd_session_sign_in_finish (FdSession     *self,
                           GAsyncResult  *result,
                           JsonObject   **error_object,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return fd_session_finish_with_error_object (result, error_object, error);
}

static void
sign_out_cleared_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FdSession *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  if (!fd_secret_store_clear_finish (FD_SECRET_STORE (source), result, &error))
    g_debug ("Could not delete the keyring item: %s", error->message);

  self->busy--;
  fd_session_reset (self);
  g_task_return_boolean (task, TRUE);
}

static void
sign_out_deleted_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FdSession *self = g_task_get_source_object (task);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;

  /* Revoked on the server or not, the token is forgotten here. */
  root = fd_api_client_request_finish (FD_API_CLIENT (source), result, &error);
  if (error != NULL)
    g_debug ("Sign-out not confirmed by the server: %s", error->message);

  fd_api_client_set_token (self->api, NULL);
  fd_secret_store_clear_async (self->secrets, fd_api_client_get_base_url (self->api),
                               self->username, NULL,
                               sign_out_cleared_cb, g_steal_pointer (&task));
}

void
fd_session_sign_out_async (FdSession           *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (FD_IS_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fd_session_sign_out_async);

  if (self->state == FD_SESSION_SIGNED_OUT || self->username == NULL)
    {
      fd_api_client_set_token (self->api, NULL);
      g_task_return_boolean (task, TRUE);
      return;
    }

  g_clear_handle_id (&self->heartbeat_id, g_source_remove);
  self->busy++;
  /* Not cancellable: the revocation must go out even if the window goes. */
  fd_api_client_request_async (self->api, "DELETE", FD_API_PATH_SESSION, NULL, NULL,
                               sign_out_deleted_cb, g_steal_pointer (&task));
}

gboolean
fd_session_sign_out_finish (FdSession     *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
