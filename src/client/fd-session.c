#include "config.h"

#include "fd-session.h"

#include <glib/gi18n.h>

#include "fd-error.h"
#include "fd-field.h"
#include "fd-wipe.h"

#define DEFAULT_LOCK_AFTER_S 300
#define MAX_LOCK_AFTER_S     3600

struct _FdSession
{
  GObject         parent_instance;

  FdApiClient    *api;
  FdSecretStore  *secrets;
  GCancellable   *cancellable;
  char           *workstation;
  char           *username;
  JsonObject     *info;
  FdSessionState  state;
  guint           unlock_failures;
  /* The server ended the session while we were locked: the next unlock
   * signs in anew with the same user. */
  gboolean        server_gone;
  /* Calls in flight that handle a 401 themselves. */
  guint           busy;
  guint           heartbeat_s;
  guint           heartbeat_id;
};

G_DEFINE_FINAL_TYPE (FdSession, fd_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATE,
  N_PROPS
};

enum {
  ENDED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

typedef struct
{
  char       *username;
  char       *password;
  char       *token;
  JsonNode   *body;
  JsonObject *error_object;
  gboolean    from_unlock;
} Op;

static void
op_free (Op *op)
{
  fd_wipe_json_string (op->body, "password");
  g_clear_pointer (&op->body, json_node_unref);
  g_clear_pointer (&op->password, fd_secret_free);
  g_clear_pointer (&op->token, fd_secret_free);
  g_clear_pointer (&op->username, g_free);
  g_clear_pointer (&op->error_object, json_object_unref);
  g_free (op);
}

static Op *
op_new (GTask *task)
{
  Op *op = g_new0 (Op, 1);

  g_task_set_task_data (task, op, (GDestroyNotify) op_free);
  return op;
}

static void
set_state (FdSession      *self,
           FdSessionState  state)
{
  if (self->state == state)
    return;

  self->state = state;
  g_clear_handle_id (&self->heartbeat_id, g_source_remove);
  if (state == FD_SESSION_ACTIVE)
    fd_session_set_heartbeat (self, self->heartbeat_s);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
ignore_result_cb (GObject      *source,
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

static void
forget_token (FdSession *self)
{
  fd_api_client_set_token (self->api, NULL);
  if (self->username != NULL)
    fd_secret_store_clear_async (self->secrets,
                                 fd_api_client_get_base_url (self->api),
                                 self->username,
                                 NULL, ignore_result_cb, NULL);
}

static void
end_session (FdSession  *self,
             const char *reason)
{
  g_autoptr(FdSession) hold = g_object_ref (self);

  g_debug ("Session ended: %s", reason);
  forget_token (self);
  self->server_gone = FALSE;
  self->unlock_failures = 0;
  g_clear_pointer (&self->info, json_object_unref);
  set_state (self, FD_SESSION_SIGNED_OUT);
  g_signal_emit (self, signals[ENDED], 0, reason);
}

static void
api_session_ended_cb (FdApiClient *api,
                      const char  *reason,
                      FdSession   *self)
{
  if (self->busy > 0 || self->state == FD_SESSION_SIGNED_OUT)
    return;

  end_session (self, reason);
}

static void
fd_session_dispose (GObject *object)
{
  FdSession *self = FD_SESSION (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->heartbeat_id, g_source_remove);
  g_clear_object (&self->api);
  g_clear_object (&self->secrets);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->info, json_object_unref);

  G_OBJECT_CLASS (fd_session_parent_class)->dispose (object);
}

static void
fd_session_finalize (GObject *object)
{
  FdSession *self = FD_SESSION (object);

  g_free (self->workstation);
  g_free (self->username);

  G_OBJECT_CLASS (fd_session_parent_class)->finalize (object);
}

static void
fd_session_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  FdSession *self = FD_SESSION (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fd_session_class_init (FdSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fd_session_dispose;
  object_class->finalize = fd_session_finalize;
  object_class->get_property = fd_session_get_property;

  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL,
                      FD_SESSION_SIGNED_OUT, FD_SESSION_LOCKED, FD_SESSION_SIGNED_OUT,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[ENDED] =
    g_signal_new ("ended",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
fd_session_init (FdSession *self)
{
  self->cancellable = g_cancellable_new ();
  self->heartbeat_s = 60;
}

FdSession *
fd_session_new (FdApiClient   *api,
                FdSecretStore *secrets,
                const char    *workstation)
{
  FdSession *self;

  g_return_val_if_fail (FD_IS_API_CLIENT (api), NULL);
  g_return_val_if_fail (FD_IS_SECRET_STORE (secrets), NULL);
  g_return_val_if_fail (workstation != NULL, NULL);

  self = g_object_new (FD_TYPE_SESSION, NULL);
  self->api = g_object_ref (api);
  self->secrets = g_object_ref (secrets);
  self->workstation = g_strdup (workstation);
  g_signal_connect_object (api, "session-ended", G_CALLBACK (api_session_ended_cb), self, 0);

  return self;
}

FdSessionState
fd_session_get_state (FdSession *self)
{
  g_return_val_if_fail (FD_IS_SESSION (self), FD_SESSION_SIGNED_OUT);

  return self->state;
}

FdApiClient *
fd_session_get_api_client (FdSession *self)
{
  g_return_val_if_fail (FD_IS_SESSION (self), NULL);

  return self->api;
}

void
fd_session_set_workstation (FdSession  *self,
                            const char *workstation)
{
  g_return_if_fail (FD_IS_SESSION (self));
  g_return_if_fail (workstation != NULL);

  g_free (self->workstation);
  self->workstation = g_strdup (workstation);
}

const char *
fd_session_get_username (FdSession *self)
{
  g_return_val_if_fail (FD_IS_SESSION (self), NULL);

  return self->username;
}

static JsonObject *
get_object_member (JsonObject *object,
                   const char *member)
{
  JsonNode *node;

  if (object == NULL)
    return NULL;

  node = json_object_get_member (object, member);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;

  return json_node_get_object (node);
}

const char *
fd_session_get_display_name (FdSession *self)
{
  const char *name;

  g_return_val_if_fail (FD_IS_SESSION (self), NULL);

  name = fd_json_get_string (get_object_member (self->info, "user"), "display_name");
  if (name != NULL && name[0] != '\0')
    return name;

  return self->username;
}

JsonObject *
fd_session_get_info (FdSession *self)
{
  g_return_val_if_fail (FD_IS_SESSION (self), NULL);

  return self->info;
}

guint
fd_session_get_lock_after (FdSession *self)
{
  JsonObject *policy;
  gint64 seconds;

  g_return_val_if_fail (FD_IS_SESSION (self), DEFAULT_LOCK_AFTER_S);

  policy = get_object_member (self->info, "policy");
  if (policy == NULL)
    return DEFAULT_LOCK_AFTER_S;

  seconds = fd_json_get_int (policy, "lock_after_s", DEFAULT_LOCK_AFTER_S);
  return (guint) CLAMP (seconds, 1, MAX_LOCK_AFTER_S);
}

guint
fd_session_get_unlock_failures (FdSession *self)
{
  g_return_val_if_fail (FD_IS_SESSION (self), 0);

  return self->unlock_failures;
}

static gboolean
heartbeat_cb (gpointer user_data)
{
  fd_session_check (user_data);
  return G_SOURCE_CONTINUE;
}

void
fd_session_set_heartbeat (FdSession *self,
                          guint      interval_s)
{
  g_return_if_fail (FD_IS_SESSION (self));

  self->heartbeat_s = interval_s;
  g_clear_handle_id (&self->heartbeat_id, g_source_remove);
  if (interval_s > 0 && self->state == FD_SESSION_ACTIVE)
    {
      self->heartbeat_id = g_timeout_add_seconds (interval_s, heartbeat_cb, self);
      g_source_set_name_by_id (self->heartbeat_id, "[frontdesk] session check");
    }
}

void
fd_session_check (FdSession *self)
{
  g_return_if_fail (FD_IS_SESSION (self));

  /* A 401 reaches us through ::session-ended, an unreachable server
   * through the API client's :reachable. */
  if (self->state == FD_SESSION_ACTIVE)
    fd_api_client_request_async (self->api, "GET", "/session", NULL,
                                 self->cancellable, ignore_result_cb, NULL);
}

/* Reads {"user": {...}, "policy": {...}} out of a session answer. */
static JsonObject *
parse_info (JsonNode *root)
{
  JsonObject *object, *user, *policy;
  JsonObject *info;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;

  object = json_node_get_object (root);
  user = get_object_member (object, "user");
  policy = get_object_member (object, "policy");
  if (user == NULL || fd_json_get_string (user, "username") == NULL)
    return NULL;

  info = json_object_new ();
  json_object_set_member (info, "user",
                          json_node_copy (json_object_get_member (object, "user")));
  if (policy != NULL)
    json_object_set_member (info, "policy",
                            json_node_copy (json_object_get_member (object, "policy")));
  else
    json_object_set_object_member (info, "policy", json_object_new ());

  return info;
}

static void
set_info (FdSession  *self,
          JsonObject *info)
{
  const char *username;

  g_clear_pointer (&self->info, json_object_unref);
  self->info = info;

  username = fd_json_get_string (get_object_member (info, "user"), "username");
  if (username != NULL && g_strcmp0 (username, self->username) != 0)
    {
      g_free (self->username);
      self->username = g_strdup (username);
    }
}

static GError *
protocol_error (void)
{
  return g_error_new_literal (FD_ERROR, FD_ERROR_PROTOCOL,
                              _("The server sent an answer this app does not understand."));
}

/* --- sign-in (also the second half of an unlock after expiry) --- */

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
  set_state (self, FD_SESSION_ACTIVE);
  g_task_return_boolean (task, TRUE);
}

static void
store_token_and_activate (FdSession *self,
                          GTask     *task)
{
  Op *op = g_task_get_task_data (task);

  fd_secret_store_store_async (self->secrets,
                               fd_api_client_get_base_url (self->api),
                               self->username, op->token,
                               g_task_get_cancellable (task),
                               store_done_cb, g_object_ref (task));
}

static void
fail_unlock_attempt (FdSession *self,
                     gint64     attempts_left)
{
  self->unlock_failures++;
  if (self->unlock_failures < FD_SESSION_MAX_UNLOCK_FAILURES && attempts_left != 0)
    return;

  /* The server ends it on the fifth failure too; make sure, and forget. */
  if (fd_api_client_has_token (self->api))
    fd_api_client_request_async (self->api, "DELETE", "/session", NULL, NULL,
                                 ignore_result_cb, NULL);
  end_session (self, "unlock-failures");
}

static void
sign_in_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FdSession *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *info;
  const char *token;

  self->busy--;
  root = fd_api_client_request_finish_full (FD_API_CLIENT (source), result,
                                            &op->error_object, &error);
  fd_wipe_json_string (op->body, "password");

  if (error != NULL)
    {
      if (op->from_unlock && self->state == FD_SESSION_LOCKED)
        {
          if (g_error_matches (error, FD_ERROR, FD_ERROR_BAD_CREDENTIALS))
            fail_unlock_attempt (self, -1);
          else if (g_error_matches (error, FD_ERROR, FD_ERROR_ACCOUNT_LOCKED))
            end_session (self, "locked");
          else if (g_error_matches (error, FD_ERROR, FD_ERROR_ACCOUNT_DISABLED))
            end_session (self, "disabled");
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  token = root != NULL && JSON_NODE_HOLDS_OBJECT (root)
          ? fd_json_get_string (json_node_get_object (root), "token") : NULL;
  info = parse_info (root);
  if (token == NULL || token[0] == '\0' || info == NULL)
    {
      fd_wipe_json_string (root, "token");
      g_clear_pointer (&info, json_object_unref);
      g_message ("Sign-in answer without token or user");
      g_task_return_error (task, protocol_error ());
      return;
    }

  op->token = g_strdup (token);
  fd_wipe_json_string (root, "token");
  fd_api_client_set_token (self->api, op->token);
  set_info (self, info);

  store_token_and_activate (self, task);
}

static void
start_sign_in (FdSession *self,
               GTask     *task)
{
  Op *op = g_task_get_task_data (task);
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, op->username);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, op->password);
  json_builder_set_member_name (builder, "workstation");
  json_builder_add_string_value (builder, self->workstation);
  json_builder_end_object (builder);

  g_clear_pointer (&op->body, json_node_unref);
  op->body = json_builder_get_root (builder);

  self->busy++;
  fd_api_client_request_async (self->api, "POST", "/session", op->body,
                               g_task_get_cancellable (task),
                               sign_in_cb, g_object_ref (task));
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
  Op *op;

  g_return_if_fail (FD_IS_SESSION (self));
  g_return_if_fail (username != NULL && password != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fd_session_sign_in_async);
  op = op_new (task);
  op->username = g_strdup (username);
  op->password = g_strdup (password);

  if (self->state != FD_SESSION_SIGNED_OUT)
    {
      g_task_return_new_error (task, FD_ERROR, FD_ERROR_CONFIG, "Already signed in");
      return;
    }

  /* A different user starts from nothing. */
  if (g_strcmp0 (self->username, username) != 0)
    {
      g_free (self->username);
      self->username = g_strdup (username);
    }

  start_sign_in (self, task);
}

static gboolean
finish_with_error_object (GAsyncResult  *result,
                          JsonObject   **error_object,
                          GError       **error)
{
  Op *op = g_task_get_task_data (G_TASK (result));

  if (error_object != NULL)
    *error_object = (op != NULL && op->error_object != NULL)
                    ? json_object_ref (op->error_object) : NULL;

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
fd_session_sign_in_finish (FdSession     *self,
                           GAsyncResult  *result,
                           JsonObject   **error_object,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return finish_with_error_object (result, error_object, error);
}

/* --- resume after a restart --- */

static void
resume_get_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FdSession *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *info;

  self->busy--;
  root = fd_api_client_request_finish_full (FD_API_CLIENT (source), result,
                                            &op->error_object, &error);
  if (error != NULL)
    {
      if (g_error_matches (error, FD_ERROR, FD_ERROR_NETWORK))
        {
          /* Cannot tell yet; the unlock will ask the server. */
          set_state (self, FD_SESSION_LOCKED);
          g_task_return_boolean (task, TRUE);
          return;
        }

      if (g_error_matches (error, FD_ERROR, FD_ERROR_UNAUTHENTICATED))
        {
          const char *reason = op->error_object != NULL
                               ? fd_json_get_string (op->error_object, "reason") : NULL;

          end_session (self, reason != NULL ? reason : "missing");
          g_task_return_boolean (task, FALSE);
          return;
        }

      fd_api_client_set_token (self->api, NULL);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  info = parse_info (root);
  if (info == NULL)
    {
      fd_api_client_set_token (self->api, NULL);
      g_task_return_error (task, protocol_error ());
      return;
    }

  set_info (self, info);
  set_state (self, FD_SESSION_LOCKED);
  /* The last run may have quit unlocked; the server learns it is locked. */
  fd_api_client_request_async (self->api, "POST", "/session/lock", NULL,
                               self->cancellable, ignore_result_cb, NULL);
  g_task_return_boolean (task, TRUE);
}

static void
resume_lookup_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FdSession *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
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

  if (self->state != FD_SESSION_SIGNED_OUT)
    {
      g_task_return_boolean (task, FALSE);
      return;
    }

  g_free (self->username);
  self->username = g_strdup (op->username);
  fd_api_client_set_token (self->api, op->token);

  self->busy++;
  fd_api_client_request_async (self->api, "GET", "/session", NULL,
                               g_task_get_cancellable (task),
                               resume_get_cb, g_object_ref (task));
}

void
fd_session_resume_async (FdSession           *self,
                         const char          *username,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Op *op;

  g_return_if_fail (FD_IS_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fd_session_resume_async);
  op = op_new (task);
  op->username = g_strdup (username);

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

/* --- lock and unlock --- */

void
fd_session_lock (FdSession *self)
{
  g_return_if_fail (FD_IS_SESSION (self));

  if (self->state != FD_SESSION_ACTIVE)
    return;

  set_state (self, FD_SESSION_LOCKED);
  fd_api_client_request_async (self->api, "POST", "/session/lock", NULL,
                               self->cancellable, ignore_result_cb, NULL);
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
  JsonObject *info;

  root = fd_api_client_request_finish (FD_API_CLIENT (source), result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  info = parse_info (root);
  if (info == NULL)
    {
      g_task_return_error (task, protocol_error ());
      return;
    }

  set_info (self, info);
  store_token_and_activate (self, task);
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
unlock_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FdSession *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  const char *token;

  self->busy--;
  root = fd_api_client_request_finish_full (FD_API_CLIENT (source), result,
                                            &op->error_object, &error);
  fd_wipe_json_string (op->body, "password");

  if (error != NULL && self->state != FD_SESSION_LOCKED)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (g_error_matches (error, FD_ERROR, FD_ERROR_BAD_CREDENTIALS))
    {
      gint64 left = op->error_object != NULL
                    ? fd_json_get_int (op->error_object, "attempts_left", -1) : -1;

      fail_unlock_attempt (self, left);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (g_error_matches (error, FD_ERROR, FD_ERROR_UNAUTHENTICATED))
    {
      const char *reason = op->error_object != NULL
                           ? fd_json_get_string (op->error_object, "reason") : NULL;

      if (!reason_allows_new_sign_in (reason))
        {
          end_session (self, reason);
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }

      /* The server session is gone (expired): unlocking becomes a full
       * sign-in of the same user with the password just typed. */
      g_debug ("Session expired while locked; signing in anew");
      self->server_gone = TRUE;
      forget_token (self);
      g_clear_pointer (&op->error_object, json_object_unref);
      op->username = g_strdup (self->username);
      op->from_unlock = TRUE;
      start_sign_in (self, task);
      return;
    }

  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  token = root != NULL && JSON_NODE_HOLDS_OBJECT (root)
          ? fd_json_get_string (json_node_get_object (root), "token") : NULL;
  if (token == NULL || token[0] == '\0')
    {
      g_message ("Unlock answer without token");
      g_task_return_error (task, protocol_error ());
      return;
    }

  op->token = g_strdup (token);
  fd_wipe_json_string (root, "token");
  fd_api_client_set_token (self->api, op->token);

  if (self->info == NULL)
    {
      fd_api_client_request_async (self->api, "GET", "/session", NULL,
                                   g_task_get_cancellable (task),
                                   unlock_info_cb, g_object_ref (task));
      return;
    }

  store_token_and_activate (self, task);
}

void
fd_session_unlock_async (FdSession           *self,
                         const char          *password,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  Op *op;

  g_return_if_fail (FD_IS_SESSION (self));
  g_return_if_fail (password != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fd_session_unlock_async);
  op = op_new (task);
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
      start_sign_in (self, task);
      return;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  json_builder_end_object (builder);
  op->body = json_builder_get_root (builder);

  self->busy++;
  fd_api_client_request_async (self->api, "POST", "/session/unlock", op->body,
                               cancellable, unlock_cb, g_steal_pointer (&task));
}

gboolean
fd_session_unlock_finish (FdSession     *self,
                          GAsyncResult  *result,
                          JsonObject   **error_object,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return finish_with_error_object (result, error_object, error);
}

/* --- sign-out --- */

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
  self->server_gone = FALSE;
  self->unlock_failures = 0;
  g_clear_pointer (&self->info, json_object_unref);
  set_state (self, FD_SESSION_SIGNED_OUT);
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
  fd_api_client_request_async (self->api, "DELETE", "/session", NULL, NULL,
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
