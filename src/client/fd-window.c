#include "config.h"

#include "fd-window.h"

#include <glib/gi18n.h>
#include <string.h>

#include "fd-client-resources.h"
#include "fd-pages-resources.h"
#include "fd-error.h"
#include "fd-field.h"
#include "fd-main-view.h"
#include "fd-window-private.h"

#define RETRY_FIRST_S 2
#define RETRY_MAX_S   60

G_DEFINE_FINAL_TYPE (FdWindow, fd_window, ADW_TYPE_APPLICATION_WINDOW)

guint fd_window_signals[FD_WINDOW_N_SIGNALS];

static void setup_connection (FdWindow *self);

/* --- helpers --- */

static const char *
tls_message (void)
{
  return _("The server's certificate is not trusted. Do not continue; call your administrator.");
}

static void
toast (FdWindow   *self,
       const char *title,
       guint       timeout)
{
  AdwToast *t = adw_toast_new (title);

  adw_toast_set_timeout (t, timeout);
  adw_toast_overlay_add_toast (self->toast_overlay, t);
}

void
fd_window_add_toast (FdWindow *self,
                     AdwToast *t)
{
  g_return_if_fail (FD_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (t));

  adw_toast_overlay_add_toast (self->toast_overlay, t);
}

static void
update_actions (FdWindow *self)
{
  FdSessionState state = self->session != NULL
                         ? fd_session_get_state (self->session) : FD_SESSION_SIGNED_OUT;
  GAction *action;

  action = g_action_map_lookup_action (G_ACTION_MAP (self), "lock");
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), state == FD_SESSION_ACTIVE);
  action = g_action_map_lookup_action (G_ACTION_MAP (self), "sign-out");
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), state != FD_SESSION_SIGNED_OUT);

  gtk_widget_set_visible (self->lock_button, state == FD_SESSION_ACTIVE);
}

void
fd_window_show_page (FdWindow   *self,
                     const char *name,
                     gboolean    animate)
{
  gboolean main_page = g_str_equal (name, "main");
  GtkWidget *title = NULL;

  if (main_page && self->main_view != NULL)
    title = fd_main_view_get_title_widget (FD_MAIN_VIEW (self->main_view));
  adw_header_bar_set_title_widget (self->header_bar, title != NULL ? title : self->window_title);

  gtk_stack_set_visible_child_full (self->stack, name,
                                    animate ? GTK_STACK_TRANSITION_TYPE_CROSSFADE
                                            : GTK_STACK_TRANSITION_TYPE_NONE);
  update_actions (self);

  if (g_str_equal (name, "signin"))
    fd_signin_page_focus (self->signin_page);
  else if (g_str_equal (name, "lock"))
    fd_lock_page_focus (self->lock_page);
  else if (g_str_equal (name, "connect"))
    fd_connect_page_focus (self->connect_page);
}

static void
show_busy (FdWindow   *self,
           const char *title)
{
  adw_status_page_set_title (self->busy_page, title);
  fd_window_show_page (self, "busy", FALSE);
}

static void
show_signin (FdWindow   *self,
             const char *message)
{
  if (self->session != NULL && fd_session_get_username (self->session) != NULL &&
      fd_signin_page_get_username (self->signin_page)[0] == '\0')
    fd_signin_page_set_username (self->signin_page, fd_session_get_username (self->session));

  fd_signin_page_set_busy (self->signin_page, FALSE);
  fd_signin_page_set_message (self->signin_page, message);
  fd_window_show_page (self, "signin", TRUE);
}

static void
show_lock (FdWindow *self)
{
  fd_lock_page_set_user (self->lock_page,
                         fd_session_get_display_name (self->session),
                         fd_session_get_username (self->session));
  fd_lock_page_clear_password (self->lock_page);
  fd_lock_page_set_message (self->lock_page, NULL);
  fd_lock_page_set_busy (self->lock_page, FALSE);
  fd_window_show_page (self, "lock", FALSE);
}

void
fd_window_enter_active (FdWindow *self)
{
  GtkWidget *view;

  g_return_if_fail (self->main_view == NULL);

  view = GTK_WIDGET (fd_main_view_new (self->api, fd_session_get_info (self->session)));
  self->main_view = view;
  gtk_stack_add_named (self->stack, view, "main");
  fd_window_show_page (self, "main", TRUE);

  fd_idle_monitor_start (self->idle, fd_session_get_lock_after (self->session));

  if (fd_window_count_drafts (self) > 0)
    toast (self, _("Your unfinished form was kept"), 8);
}

/* --- messages for what the server said --- */

static char *
locked_message (JsonObject *error_object)
{
  const char *until = error_object != NULL
                      ? fd_json_get_string (error_object, "locked_until") : NULL;
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *when = NULL;

  if (until != NULL)
    utc = g_date_time_new_from_iso8601 (until, NULL);
  if (utc == NULL)
    return g_strdup (_("This account is locked. Ask your administrator to unlock it."));

  local = g_date_time_to_local (utc);
  now = g_date_time_new_now_local ();
  if (g_date_time_get_year (local) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (local) == g_date_time_get_day_of_year (now))
    when = g_date_time_format (local, "%H:%M");
  else
    when = g_date_time_format (local, "%Y-%m-%d %H:%M");

  /* Translators: %s is a local time such as 14:05 or 2026-03-01 14:05 */
  return g_strdup_printf (_("This account is locked until %s. Try again then."), when);
}

static char *
sign_in_error_message (const GError *error,
                       JsonObject   *error_object)
{
  if (error->domain != FD_ERROR)
    return g_strdup (_("Signing in failed. Try again."));

  switch (error->code)
    {
    case FD_ERROR_BAD_CREDENTIALS:
      return g_strdup (_("Wrong username or password."));
    case FD_ERROR_ACCOUNT_LOCKED:
      return locked_message (error_object);
    case FD_ERROR_ACCOUNT_DISABLED:
      return g_strdup (_("This account is disabled. Ask your administrator."));
    case FD_ERROR_NETWORK:
      return g_strdup (_("The office server cannot be reached. Check the network "
                         "connection and try again."));
    case FD_ERROR_TLS:
      return g_strdup (tls_message ());
    case FD_ERROR_RATE_LIMITED:
      return g_strdup (_("Too many attempts. Wait a moment and try again."));
    case FD_ERROR_PROTOCOL:
      return g_strdup (_("The server sent an answer this app does not understand. "
                         "Call your administrator."));
    default:
      return g_strdup (_("Signing in failed because of a problem on the server. "
                         "Try again later."));
    }
}

static const char *
ended_message (const char *reason)
{
  if (g_strcmp0 (reason, "expired") == 0)
    return _("Your session expired. Sign in again.");
  if (g_strcmp0 (reason, "signed-out") == 0)
    return _("You were signed out elsewhere. Sign in again.");
  if (g_strcmp0 (reason, "disabled") == 0)
    return _("Your account was disabled. Ask your administrator.");
  if (g_strcmp0 (reason, "role-changed") == 0)
    return _("Your role was changed. Sign in again to continue.");
  if (g_strcmp0 (reason, "locked") == 0)
    return _("Your account was locked after unusual activity. Ask your administrator.");
  if (g_strcmp0 (reason, "unlock-failures") == 0)
    return _("You were signed out after too many wrong passwords.");
  return _("Your session has ended. Sign in again.");
}

/* --- connect --- */

typedef struct
{
  FdWindow    *self;
  FdApiClient *api;
  char        *url;
} Probe;

static void
probe_free (Probe *probe)
{
  g_clear_object (&probe->self);
  g_clear_object (&probe->api);
  g_free (probe->url);
  g_free (probe);
}

static void
connect_health_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Probe *probe = user_data;
  FdWindow *self = probe->self;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;

  root = fd_api_client_request_finish (FD_API_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      probe_free (probe);
      return;
    }

  fd_connect_page_set_busy (self->connect_page, FALSE);

  if (error != NULL || root == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      g_strcmp0 (fd_json_get_string (json_node_get_object (root), "status"), "ok") != 0)
    {
      const char *message;

      if (g_error_matches (error, FD_ERROR, FD_ERROR_TLS))
        message = tls_message ();
      else if (g_error_matches (error, FD_ERROR, FD_ERROR_NETWORK))
        message = _("The server cannot be reached. Check the address and the network connection.");
      else
        message = _("This address does not answer like a Front Desk office server.");

      fd_connect_page_set_message (self->connect_page, message);
      probe_free (probe);
      return;
    }

  g_free (self->config->server_url);
  self->config->server_url = g_strdup (probe->url);
  if (self->settings != NULL)
    g_settings_set_string (self->settings, "server-url", probe->url);

  probe_free (probe);
  setup_connection (self);
}

static void
connect_submit_cb (FdWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = g_strstrip (g_strdup (fd_connect_page_get_url (self->connect_page)));
  FdApiClient *api;
  Probe *probe;

  api = fd_api_client_new (url, self->config->ca_file, self->config->pin, &error);
  if (api == NULL)
    {
      fd_connect_page_set_message (self->connect_page, error->message);
      return;
    }

  fd_connect_page_set_message (self->connect_page, NULL);
  fd_connect_page_set_busy (self->connect_page, TRUE);

  probe = g_new0 (Probe, 1);
  probe->self = g_object_ref (self);
  probe->api = api;
  probe->url = g_strdup (fd_api_client_get_base_url (api));
  fd_api_client_request_async (api, "GET", "/health", NULL, self->cancellable,
                               connect_health_cb, probe);
}

/* --- sign-in --- */

static void
sign_in_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(FdWindow) self = user_data;
  g_autoptr(JsonObject) error_object = NULL;
  g_autoptr(GError) error = NULL;
  const char *username;

  if (!fd_session_sign_in_finish (FD_SESSION (source), result, &error_object, &error))
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      fd_signin_page_set_busy (self->signin_page, FALSE);
      message = sign_in_error_message (error, error_object);
      fd_signin_page_set_message (self->signin_page, message);
      if (g_error_matches (error, FD_ERROR, FD_ERROR_BAD_CREDENTIALS))
        {
          fd_signin_page_clear_password (self->signin_page);
          fd_signin_page_focus (self->signin_page);
        }
      return;
    }

  if (self->session != FD_SESSION (source))
    return;

  fd_signin_page_set_busy (self->signin_page, FALSE);
  fd_signin_page_clear_password (self->signin_page);
  fd_signin_page_set_message (self->signin_page, NULL);

  username = fd_session_get_username (self->session);
  if (self->settings != NULL && username != NULL)
    g_settings_set_string (self->settings, "last-username", username);

  /* Drafts belong to the user who left them. */
  if (g_strcmp0 (self->drafts_owner, username) != 0)
    fd_window_wipe_drafts (self);

  fd_window_enter_active (self);
}

static void
signin_submit_cb (FdWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *username = NULL;
  g_autofree char *workstation = NULL;
  g_autofree char *host = NULL;

  if (self->session == NULL || fd_session_get_state (self->session) != FD_SESSION_SIGNED_OUT)
    return;

  username = g_strstrip (g_strdup (fd_signin_page_get_username (self->signin_page)));
  workstation = g_strstrip (g_strdup (fd_signin_page_get_workstation (self->signin_page)));

  if (!fd_config_check_workstation (workstation, &error))
    {
      fd_signin_page_set_message (self->signin_page, error->message);
      return;
    }

  fd_session_set_workstation (self->session, workstation);
  host = fd_config_default_workstation ();
  if (self->settings != NULL)
    g_settings_set_string (self->settings, "workstation",
                           g_str_equal (host, workstation) ? "" : workstation);

  fd_signin_page_set_message (self->signin_page, NULL);
  fd_signin_page_set_busy (self->signin_page, TRUE);
  fd_session_sign_in_async (self->session, username,
                            fd_signin_page_get_password (self->signin_page),
                            self->cancellable, sign_in_cb, g_object_ref (self));
}

/* --- resume, unlock, sign-out, end --- */

static void
resume_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(FdWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean resumed;

  resumed = fd_session_resume_finish (FD_SESSION (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      self->session != FD_SESSION (source))
    return;

  if (resumed && fd_session_get_state (self->session) == FD_SESSION_LOCKED)
    {
      show_lock (self);
      return;
    }

  /* ::ended may already have shown the sign-in page with its reason. */
  if (g_strcmp0 (fd_window_get_page_name (self), "busy") == 0)
    {
      g_autofree char *message = NULL;

      if (error != NULL)
        message = sign_in_error_message (error, NULL);
      show_signin (self, message);
    }
}

static void
unlock_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(FdWindow) self = user_data;
  g_autoptr(JsonObject) error_object = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (fd_session_unlock_finish (FD_SESSION (source), result, &error_object, &error))
    {
      if (self->session != FD_SESSION (source))
        return;
      fd_lock_page_set_busy (self->lock_page, FALSE);
      fd_lock_page_clear_password (self->lock_page);
      fd_lock_page_set_message (self->lock_page, NULL);
      fd_window_enter_active (self);
      return;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      self->session != FD_SESSION (source))
    return;

  fd_lock_page_set_busy (self->lock_page, FALSE);
  fd_lock_page_clear_password (self->lock_page);

  /* Signed out (too many failures, account disabled): ::ended moved on. */
  if (fd_session_get_state (self->session) != FD_SESSION_LOCKED)
    return;

  if (g_error_matches (error, FD_ERROR, FD_ERROR_BAD_CREDENTIALS))
    {
      guint left = FD_SESSION_MAX_UNLOCK_FAILURES -
                   MIN (fd_session_get_unlock_failures (self->session),
                        FD_SESSION_MAX_UNLOCK_FAILURES);

      /* Translators: %u is how many more wrong passwords end the session */
      message = g_strdup_printf (ngettext ("Wrong password. %u more wrong password signs you out.",
                                           "Wrong password. %u more wrong passwords sign you out.",
                                           left),
                                 left);
    }
  else if (g_error_matches (error, FD_ERROR, FD_ERROR_NETWORK))
    message = g_strdup (_("The office server cannot be reached. Try again when the "
                          "connection is back."));
  else if (g_error_matches (error, FD_ERROR, FD_ERROR_TLS))
    message = g_strdup (tls_message ());
  else
    message = sign_in_error_message (error, error_object);

  fd_lock_page_set_message (self->lock_page, message);
  fd_lock_page_focus (self->lock_page);
}

static void
unlock_submit_cb (FdWindow *self)
{
  if (self->session == NULL || fd_session_get_state (self->session) != FD_SESSION_LOCKED)
    return;

  fd_lock_page_set_message (self->lock_page, NULL);
  fd_lock_page_set_busy (self->lock_page, TRUE);
  fd_session_unlock_async (self->session, fd_lock_page_get_password (self->lock_page),
                           self->cancellable, unlock_cb, g_object_ref (self));
}

static void
sign_out_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(FdWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  fd_session_sign_out_finish (FD_SESSION (source), result, &error);
  if (self->session != FD_SESSION (source))
    return;

  fd_signin_page_clear_password (self->signin_page);
  show_signin (self, NULL);
}

static void
sign_out (FdWindow *self)
{
  if (self->session == NULL || fd_session_get_state (self->session) == FD_SESSION_SIGNED_OUT)
    return;

  fd_window_wipe_drafts (self);
  show_busy (self, _("Signing Out…"));
  fd_window_tear_down (self);
  fd_lock_page_clear_password (self->lock_page);
  /* Not cancelled with the window: the server must hear of it. */
  fd_session_sign_out_async (self->session, NULL, sign_out_cb, g_object_ref (self));
}

static void
lock_sign_out_cb (FdWindow *self)
{
  sign_out (self);
}

static void
session_ended_cb (FdSession  *session,
                  const char *reason,
                  FdWindow   *self)
{
  fd_window_wipe_drafts (self);
  fd_window_show_page (self, "busy", FALSE);
  fd_window_tear_down (self);
  fd_lock_page_clear_password (self->lock_page);
  fd_signin_page_clear_password (self->signin_page);
  fd_signin_page_set_username (self->signin_page, fd_session_get_username (session));
  show_signin (self, ended_message (reason));
}

static void
session_state_cb (FdWindow *self)
{
  update_actions (self);
}

/* --- reachability --- */

static void schedule_retry (FdWindow *self);

static void
retry_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(FdWindow) self = user_data;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;

  root = fd_api_client_request_finish (FD_API_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      self->api != FD_API_CLIENT (source))
    return;

  if (!fd_api_client_get_reachable (self->api))
    schedule_retry (self);
}

static gboolean
retry_cb (gpointer user_data)
{
  FdWindow *self = user_data;

  self->retry_id = 0;
  fd_api_client_request_async (self->api, "GET", "/health", NULL, self->cancellable,
                               retry_done_cb, g_object_ref (self));
  return G_SOURCE_REMOVE;
}

static void
schedule_retry (FdWindow *self)
{
  g_clear_handle_id (&self->retry_id, g_source_remove);
  self->retry_delay_s = self->retry_delay_s == 0
                        ? RETRY_FIRST_S : MIN (self->retry_delay_s * 2, RETRY_MAX_S);
  self->retry_id = g_timeout_add_seconds (self->retry_delay_s, retry_cb, self);
  g_source_set_name_by_id (self->retry_id, "[frontdesk] reconnect");
}

static void
retry_now_cb (FdWindow *self)
{
  if (self->api == NULL)
    return;

  g_clear_handle_id (&self->retry_id, g_source_remove);
  retry_cb (self);
}

static void
reachable_cb (FdWindow *self)
{
  gboolean reachable = fd_api_client_get_reachable (self->api);
  gboolean was_shown = gtk_revealer_get_reveal_child (self->banner_revealer);

  gtk_revealer_set_reveal_child (self->banner_revealer, !reachable);

  if (reachable)
    {
      g_clear_handle_id (&self->retry_id, g_source_remove);
      self->retry_delay_s = 0;
      if (was_shown)
        toast (self, _("Connected to the office server again"), 4);
    }
  else if (self->retry_id == 0)
    {
      schedule_retry (self);
    }
}

static void
keyring_available_cb (FdWindow *self)
{
  if (fd_secret_store_get_available (self->secrets) || self->keyring_warned)
    return;

  self->keyring_warned = TRUE;
  toast (self, _("The keyring is not available: you will have to sign in again "
                 "after restarting Front Desk"), 10);
}

/* --- setup --- */

static void
drop_connection (FdWindow *self)
{
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  if (self->api != NULL)
    g_signal_handlers_disconnect_by_data (self->api, self);
  g_clear_object (&self->session);
  g_clear_object (&self->api);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  self->retry_delay_s = 0;
  gtk_revealer_set_reveal_child (self->banner_revealer, FALSE);
}

static void
setup_connection (FdWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *last_username = NULL;

  drop_connection (self);

  fd_connect_page_set_trust (self->connect_page, self->config->ca_file, self->config->pin);
  fd_signin_page_set_workstation (self->signin_page, self->config->workstation);

  if (self->config->server_url == NULL)
    {
      fd_window_show_page (self, "connect", FALSE);
      return;
    }

  self->api = fd_api_client_new (self->config->server_url, self->config->ca_file,
                                 self->config->pin, &error);
  if (self->api == NULL)
    {
      fd_connect_page_set_url (self->connect_page, self->config->server_url);
      fd_connect_page_set_message (self->connect_page, error->message);
      fd_window_show_page (self, "connect", FALSE);
      return;
    }

  g_signal_connect_swapped (self->api, "notify::reachable", G_CALLBACK (reachable_cb), self);

  self->session = fd_session_new (self->api, self->secrets, self->config->workstation);
  g_signal_connect (self->session, "ended", G_CALLBACK (session_ended_cb), self);
  g_signal_connect_swapped (self->session, "notify::state", G_CALLBACK (session_state_cb), self);

  fd_signin_page_set_server (self->signin_page, fd_api_client_get_base_url (self->api));

  if (self->settings != NULL)
    last_username = g_settings_get_string (self->settings, "last-username");
  if (last_username != NULL && last_username[0] != '\0')
    fd_signin_page_set_username (self->signin_page, last_username);

  if (last_username != NULL && last_username[0] != '\0')
    {
      show_busy (self, _("Connecting…"));
      fd_session_resume_async (self->session, last_username, self->cancellable,
                               resume_cb, g_object_ref (self));
    }
  else
    {
      show_signin (self, NULL);
    }
}

/* --- actions --- */

static void
lock_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  fd_window_lock (FD_WINDOW (user_data));
}

static void
sign_out_action (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  sign_out (FD_WINDOW (user_data));
}

static void
show_shortcuts_action (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  FdWindow *self = user_data;
  g_autoptr(GtkBuilder) builder = NULL;
  GtkWindow *window;

  builder = gtk_builder_new_from_resource ("/io/github/frontdesk/FrontDesk/fd-shortcuts-window.ui");
  window = GTK_WINDOW (gtk_builder_get_object (builder, "shortcuts_window"));
  gtk_window_set_transient_for (window, GTK_WINDOW (self));
  gtk_window_present (window);
}

static const GActionEntry win_actions[] = {
  { .name = "lock", .activate = lock_action },
  { .name = "sign-out", .activate = sign_out_action },
  { .name = "show-shortcuts", .activate = show_shortcuts_action },
};

/* --- GObject --- */

static gboolean
fd_window_close_request (GtkWindow *window)
{
  FdWindow *self = FD_WINDOW (window);

  if (self->settings != NULL)
    {
      int width, height;

      gtk_window_get_default_size (window, &width, &height);
      g_settings_set_boolean (self->settings, "window-maximized",
                              gtk_window_is_maximized (window));
      if (!gtk_window_is_maximized (window) && width > 0 && height > 0)
        {
          g_settings_set_int (self->settings, "window-width", width);
          g_settings_set_int (self->settings, "window-height", height);
        }
    }

  return GTK_WINDOW_CLASS (fd_window_parent_class)->close_request (window);
}

static void
fd_window_dispose (GObject *object)
{
  FdWindow *self = FD_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  fd_window_wipe_drafts (self);
  if (self->main_view != NULL)
    {
      fd_window_tear_down (self);
    }
  drop_connection (self);
  if (self->secrets != NULL)
    g_signal_handlers_disconnect_by_data (self->secrets, self);
  g_clear_object (&self->secrets);
  g_clear_object (&self->idle);
  g_clear_object (&self->settings);
  g_clear_object (&self->window_title);

  gtk_widget_dispose_template (GTK_WIDGET (self), FD_TYPE_WINDOW);

  G_OBJECT_CLASS (fd_window_parent_class)->dispose (object);
}

static void
fd_window_finalize (GObject *object)
{
  FdWindow *self = FD_WINDOW (object);

  g_clear_pointer (&self->drafts, g_hash_table_unref);
  g_clear_pointer (&self->config, fd_config_free);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (fd_window_parent_class)->finalize (object);
}

static void
fd_window_class_init (FdWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = fd_window_dispose;
  object_class->finalize = fd_window_finalize;
  window_class->close_request = fd_window_close_request;

  fd_window_signals[FD_WINDOW_SIGNAL_COLLECT_DRAFTS] =
    g_signal_new ("collect-drafts",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  if (fd_client_get_resource () == NULL || fd_pages_get_resource () == NULL)
    g_error ("Front Desk resources are missing");
  g_type_ensure (FD_TYPE_CONNECT_PAGE);
  g_type_ensure (FD_TYPE_SIGNIN_PAGE);
  g_type_ensure (FD_TYPE_LOCK_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/frontdesk/FrontDesk/fd-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FdWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FdWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, FdWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, FdWindow, lock_button);
  gtk_widget_class_bind_template_child (widget_class, FdWindow, banner_revealer);
  gtk_widget_class_bind_template_child (widget_class, FdWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, FdWindow, busy_page);
  gtk_widget_class_bind_template_child (widget_class, FdWindow, connect_page);
  gtk_widget_class_bind_template_child (widget_class, FdWindow, signin_page);
  gtk_widget_class_bind_template_child (widget_class, FdWindow, lock_page);
  gtk_widget_class_bind_template_callback (widget_class, connect_submit_cb);
  gtk_widget_class_bind_template_callback (widget_class, signin_submit_cb);
  gtk_widget_class_bind_template_callback (widget_class, unlock_submit_cb);
  gtk_widget_class_bind_template_callback (widget_class, lock_sign_out_cb);
  gtk_widget_class_bind_template_callback (widget_class, retry_now_cb);
}

static void
idle_cb (FdIdleMonitor *idle,
         FdWindow      *self)
{
  fd_window_lock (self);
}

static void
fd_window_init (FdWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* Kept across main views, which bring their own title widget. */
  g_object_ref (self->window_title);

  self->cancellable = g_cancellable_new ();
  self->secrets = fd_secret_store_new ();
  g_signal_connect_swapped (self->secrets, "notify::available",
                            G_CALLBACK (keyring_available_cb), self);
  self->idle = fd_idle_monitor_new ();
  g_signal_connect (self->idle, "idle", G_CALLBACK (idle_cb), self);
  fd_window_init_drafts (self);

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions,
                                   G_N_ELEMENTS (win_actions), self);
  update_actions (self);
}

/* GtkWindow:application is not a construct property: it is set after
 * constructed(), so the window starts from fd_window_new(). */
static void
start (FdWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  if (FD_IS_APPLICATION (app))
    {
      GSettings *settings = fd_application_get_settings (FD_APPLICATION (app));

      self->settings = settings != NULL ? g_object_ref (settings) : NULL;
      self->config = fd_application_dup_config (FD_APPLICATION (app));
    }
  else
    {
      self->config = fd_config_new ();
    }

  if (self->settings != NULL)
    {
      gtk_window_set_default_size (GTK_WINDOW (self),
                                   MAX (g_settings_get_int (self->settings, "window-width"), 360),
                                   MAX (g_settings_get_int (self->settings, "window-height"), 480));
      if (g_settings_get_boolean (self->settings, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (self));
    }

  setup_connection (self);
}

FdWindow *
fd_window_new (FdApplication *application)
{
  FdWindow *self;

  g_return_val_if_fail (FD_IS_APPLICATION (application), NULL);

  self = g_object_new (FD_TYPE_WINDOW, "application", application, NULL);
  start (self);
  return self;
}

const char *
fd_window_get_page_name (FdWindow *self)
{
  g_return_val_if_fail (FD_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

FdSession *
fd_window_get_session (FdWindow *self)
{
  g_return_val_if_fail (FD_IS_WINDOW (self), NULL);

  return self->session;
}

FdApiClient *
fd_window_get_api_client (FdWindow *self)
{
  g_return_val_if_fail (FD_IS_WINDOW (self), NULL);

  return self->api;
}

FdIdleMonitor *
fd_window_get_idle_monitor (FdWindow *self)
{
  g_return_val_if_fail (FD_IS_WINDOW (self), NULL);

  return self->idle;
}

GtkWidget *
fd_window_get_main_view (FdWindow *self)
{
  g_return_val_if_fail (FD_IS_WINDOW (self), NULL);

  return self->main_view;
}
