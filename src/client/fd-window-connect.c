/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The window's connection: address and trust to an API client, retries while unreachable. */

#include "config.h"

#include <glib/gi18n.h>

#include "fd-error.h"
#include "fd-field.h"
#include "fd-window-private.h"

/* From a server address to an API client and a session, and the banner
 * and retries while the server cannot be reached. */

#define RETRY_FIRST_S 2
#define RETRY_MAX_S   60

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
  g_autoptr(GError) error = NULL;
  gboolean healthy;

  healthy = fd_api_client_check_health_finish (FD_API_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      probe_free (probe);
      return;
    }

  fd_connect_page_set_busy (self->connect_page, FALSE);

  if (!healthy)
    {
      const char *message;

      if (g_error_matches (error, FD_ERROR, FD_ERROR_TLS))
        message = fd_window_tls_message ();
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
  fd_window_setup_connection (self);
}

/* issue 14, first start: the trust an unprovisioned desk sets itself,
 * kept in the app's own data and settings unless the administrator
 * locked them. */
static gboolean
trust_is_locked (FdWindow   *self,
                 const char *key)
{
  return self->settings != NULL && !g_settings_is_writable (self->settings, key);
}

void
fd_window_connect_import_cb (FdWindow *self,
                             GFile    *file)
{
  g_autoptr(GError) error = NULL;
  char *path;

  if (trust_is_locked (self, "ca-file"))
    {
      fd_connect_page_set_message (self->connect_page,
                                   _("Your administrator has set the trusted certificates "
                                     "of this computer."));
      return;
    }
  path = fd_client_config_import_ca (file, &error);
  if (path == NULL)
    {
      fd_connect_page_set_message (self->connect_page, error->message);
      return;
    }
  g_free (self->config->ca_file);
  self->config->ca_file = path;
  if (self->settings != NULL)
    g_settings_set_string (self->settings, "ca-file", path);
  fd_connect_page_set_trust (self->connect_page, self->config->ca_file, self->config->pin);
  fd_connect_page_set_message (self->connect_page, NULL);
  fd_window_toast (self, _("Office certificate imported"), 4);
}

static gboolean
take_pasted_pin (FdWindow *self)
{
  g_autofree char *pin = g_strstrip (g_strdup (fd_connect_page_get_pin (self->connect_page)));
  g_autoptr(GError) error = NULL;

  if (pin[0] == '\0' || g_strcmp0 (pin, self->config->pin) == 0)
    return TRUE;
  if (trust_is_locked (self, "pin"))
    {
      fd_connect_page_set_message (self->connect_page,
                                   _("Your administrator has set the trusted certificates "
                                     "of this computer."));
      return FALSE;
    }
  if (!fd_client_config_check_pin (pin, &error))
    {
      fd_connect_page_set_message (self->connect_page, error->message);
      return FALSE;
    }
  g_free (self->config->pin);
  self->config->pin = g_strdup (pin);
  if (self->settings != NULL)
    g_settings_set_string (self->settings, "pin", pin);
  fd_connect_page_set_trust (self->connect_page, self->config->ca_file, self->config->pin);
  return TRUE;
}

void
fd_window_connect_submit_cb (FdWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = g_strstrip (g_strdup (fd_connect_page_get_url (self->connect_page)));
  FdApiClient *api;
  Probe *probe;

  if (!take_pasted_pin (self))
    return;

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
  fd_api_client_check_health_async (api, self->cancellable, connect_health_cb, probe);
}

/* --- reachability --- */

static void schedule_retry (FdWindow *self);

static void
retry_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(FdWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  fd_api_client_check_health_finish (FD_API_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      self->api != FD_API_CLIENT (source))
    return;

  if (!fd_api_client_get_reachable (self->api))
    schedule_retry (self);
}

/* The banner says when the next try comes, so that the backoff shows. */
static void
set_banner_delay (FdWindow *self,
                  guint     delay_s)
{
  g_autofree char *text = NULL;

  if (delay_s == 0)
    text = g_strdup (_("The office server cannot be reached. Trying again now; nothing "
                       "you entered is lost."));
  else
    /* Translators: %u is a number of seconds */
    text = g_strdup_printf (ngettext ("The office server cannot be reached. Next try in %u s; "
                                      "nothing you entered is lost.",
                                      "The office server cannot be reached. Next try in %u s; "
                                      "nothing you entered is lost.",
                                      delay_s),
                            delay_s);
  gtk_label_set_text (self->banner_label, text);
}

static gboolean
retry_cb (gpointer user_data)
{
  FdWindow *self = user_data;

  self->retry_id = 0;
  set_banner_delay (self, 0);
  fd_api_client_check_health_async (self->api, self->cancellable,
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
  set_banner_delay (self, self->retry_delay_s);
}

void
fd_window_retry_now_cb (FdWindow *self)
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
        fd_window_toast (self, _("Connected to the office server again"), 4);
    }
  else if (self->retry_id == 0)
    {
      schedule_retry (self);
    }
}

/* --- setup --- */

void
fd_window_drop_connection (FdWindow *self)
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

void
fd_window_setup_connection (FdWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *last_username = NULL;

  fd_window_drop_connection (self);

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
  g_signal_connect_swapped (self->api, "rules-required",
                            G_CALLBACK (fd_window_rules_required_cb), self);

  self->session = fd_session_new (self->api, self->secrets, self->config->workstation);
  g_signal_connect (self->session, "ended", G_CALLBACK (fd_window_session_ended_cb), self);
  g_signal_connect_swapped (self->session, "notify::state",
                            G_CALLBACK (fd_window_update_actions), self);

  fd_signin_page_set_server (self->signin_page, fd_api_client_get_base_url (self->api));

  if (self->settings != NULL)
    last_username = g_settings_get_string (self->settings, "last-username");
  if (last_username != NULL && last_username[0] != '\0')
    fd_signin_page_set_username (self->signin_page, last_username);

  if (last_username != NULL && last_username[0] != '\0')
    {
      fd_window_show_busy (self, _("Connecting…"));
      fd_session_resume_async (self->session, last_username, self->cancellable,
                               fd_window_resume_cb, g_object_ref (self));
    }
  else
    {
      fd_window_show_signin (self, NULL);
    }
}
