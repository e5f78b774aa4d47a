/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The session object: its state, token, user and policy, and the heartbeat check. */

#include "config.h"

#include "fd-session.h"

#include <glib/gi18n.h>

#include "fd-error.h"
#include "fd-field.h"
#include "fd-session-private.h"

#define DEFAULT_LOCK_AFTER_S 300
#define MAX_LOCK_AFTER_S     3600

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

void
fd_session_set_state (FdSession      *self,
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

void
fd_session_forget_token (FdSession *self)
{
  fd_api_client_set_token (self->api, NULL);
  if (self->username != NULL)
    fd_secret_store_clear_async (self->secrets,
                                 fd_api_client_get_base_url (self->api),
                                 self->username,
                                 NULL, fd_session_ignore_result_cb, NULL);
}

/* Back to SIGNED_OUT with nothing of the last user's session kept but
 * the username (the sign-in page offers it again). */
void
fd_session_reset (FdSession *self)
{
  self->server_gone = FALSE;
  self->unlock_failures = 0;
  g_clear_pointer (&self->info, fd_session_info_free);
  g_clear_pointer (&self->estate, g_free);
  fd_session_set_state (self, FD_SESSION_SIGNED_OUT);
}

void
fd_session_end (FdSession  *self,
                const char *reason)
{
  g_autoptr(FdSession) hold = g_object_ref (self);

  g_debug ("Session ended: %s", reason);
  fd_session_forget_token (self);
  fd_session_reset (self);
  g_signal_emit (self, signals[ENDED], 0, reason);
}

static void
api_session_ended_cb (FdApiClient *api,
                      const char  *reason,
                      FdSession   *self)
{
  if (self->busy > 0 || self->state == FD_SESSION_SIGNED_OUT)
    return;

  fd_session_end (self, reason);
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
  g_clear_pointer (&self->info, fd_session_info_free);

  G_OBJECT_CLASS (fd_session_parent_class)->dispose (object);
}

static void
fd_session_finalize (GObject *object)
{
  FdSession *self = FD_SESSION (object);

  g_free (self->workstation);
  g_free (self->username);
  g_free (self->estate);

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

void
fd_session_set_estate (FdSession  *self,
                       const char *estate)
{
  g_return_if_fail (FD_IS_SESSION (self));

  g_free (self->estate);
  self->estate = g_strdup (estate);
}

const char *
fd_session_get_username (FdSession *self)
{
  g_return_val_if_fail (FD_IS_SESSION (self), NULL);

  return self->username;
}

const char *
fd_session_get_display_name (FdSession *self)
{
  const char *name;

  g_return_val_if_fail (FD_IS_SESSION (self), NULL);

  name = self->info != NULL ? self->info->display_name : NULL;
  if (name != NULL && name[0] != '\0')
    return name;

  return self->username;
}

FdSessionInfo *
fd_session_get_info (FdSession *self)
{
  g_return_val_if_fail (FD_IS_SESSION (self), NULL);

  return self->info;
}

guint
fd_session_get_lock_after (FdSession *self)
{
  gint64 seconds;

  g_return_val_if_fail (FD_IS_SESSION (self), DEFAULT_LOCK_AFTER_S);

  if (self->info == NULL || self->info->lock_after_s == FD_SESSION_INFO_UNSET)
    return DEFAULT_LOCK_AFTER_S;

  seconds = self->info->lock_after_s;
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
    fd_api_client_request_async (self->api, "GET", FD_API_PATH_SESSION, NULL,
                                 self->cancellable, fd_session_ignore_result_cb, NULL);
}

void
fd_session_set_info (FdSession     *self,
                     FdSessionInfo *info)
{
  g_clear_pointer (&self->info, fd_session_info_free);
  self->info = info;
  /* The server does not echo it; the watermark shows it. */
  g_free (info->workstation);
  info->workstation = g_strdup (self->workstation);

  if (g_strcmp0 (info->username, self->username) != 0)
    {
      g_free (self->username);
      self->username = g_strdup (info->username);
    }
}

GError *
fd_session_protocol_error (void)
{
  return g_error_new_literal (FD_ERROR, FD_ERROR_PROTOCOL,
                              _("The server sent an answer this app does not understand."));
}
