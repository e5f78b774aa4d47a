/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The alert keys of the server configuration (issue 12): webhook, syslog, retries. */

#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "fd-config.h"
#include "fd-error.h"

/* The keys, in [server] of the config file and as `demo --KEY VALUE`:
 *   alert-webhook = https://HOST/PATH?…   (http:// only to a loopback host)
 *   alert-webhook-format = generic | wecom | dingtalk | feishu
 *   alert-webhook-ca = /PATH/ca.pem        (trust only this CA)
 *   alert-syslog = journal | HOST:PORT | off   (HOST:PORT: RFC 5424 over UDP)
 *   alert-retry = 10,30,60,…              (seconds before each retry)
 * A bad value stops the server at start-up with a message naming the key. */

static const guint default_retry[] = { 10, 30, 60, 300, 900, 1800, 3600, 3600 };

#define MAX_RETRIES 20

static const char *format_names[] = { "generic", "wecom", "dingtalk", "feishu" };

const char *
fd_alert_format_name (FdAlertFormat format)
{
  return format < G_N_ELEMENTS (format_names) ? format_names[format] : "generic";
}

const guint *
fd_config_alert_retry (const FdConfig *config,
                       guint          *n)
{
  if (config->alert_retry_s != NULL)
    {
      *n = config->alert_retry_n;
      return config->alert_retry_s;
    }
  *n = G_N_ELEMENTS (default_retry);
  return default_retry;
}

static gboolean
bad (GError    **error,
     const char *key,
     const char *what)
{
  g_set_error (error, FD_ERROR, FD_ERROR_CONFIG, "%s %s", key, what);
  return FALSE;
}

static gboolean
set_webhook (FdConfig    *config,
             const char  *value,
             GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme, *host;

  if (g_str_equal (value, "") || g_str_equal (value, "off"))
    {
      g_clear_pointer (&config->alert_webhook, g_free);
      return TRUE;
    }
  uri = g_uri_parse (value, G_URI_FLAGS_ENCODED, NULL);
  if (uri == NULL || strpbrk (value, " \t\r\n") != NULL)
    return bad (error, "alert-webhook", "must be a URL such as https://example.org/hook");
  scheme = g_uri_get_scheme (uri);
  host = g_uri_get_host (uri);
  if (host == NULL || *host == '\0')
    return bad (error, "alert-webhook", "must name a host: https://HOST/PATH");
  if (g_uri_get_userinfo (uri) != NULL)
    return bad (error, "alert-webhook", "must not carry a user name or password");
  if (g_ascii_strcasecmp (scheme, "http") == 0)
    {
      if (!fd_host_is_loopback (host))
        return bad (error, "alert-webhook",
                    "must be https:// (plain http:// is accepted only to a loopback "
                    "address, for tests)");
    }
  else if (g_ascii_strcasecmp (scheme, "https") != 0)
    return bad (error, "alert-webhook", "must be an https:// URL");
  g_free (config->alert_webhook);
  config->alert_webhook = g_strdup (value);
  return TRUE;
}

static gboolean
set_format (FdConfig    *config,
            const char  *value,
            GError     **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (format_names); i++)
    if (g_str_equal (value, format_names[i]))
      {
        config->alert_webhook_format = i;
        return TRUE;
      }
  return bad (error, "alert-webhook-format", "must be generic, wecom, dingtalk or feishu");
}

static gboolean
set_ca (FdConfig    *config,
        const char  *value,
        GError     **error)
{
  g_autoptr(GTlsDatabase) db = NULL;
  g_autoptr(GError) local = NULL;
  g_autoptr(GList) certs = NULL;

  db = g_tls_file_database_new (value, &local);
  if (db != NULL)
    certs = g_tls_certificate_list_new_from_file (value, NULL);
  if (db == NULL || certs == NULL)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                   "alert-webhook-ca %s cannot be read as PEM certificates: %s", value,
                   local ? local->message : "no certificate in it");
      return FALSE;
    }
  g_list_free_full (g_steal_pointer (&certs), g_object_unref);
  g_free (config->alert_webhook_ca);
  config->alert_webhook_ca = g_canonicalize_filename (value, NULL);
  return TRUE;
}

/* HOST:PORT, [V6]:PORT: the host an IP address or a DNS name. */
static gboolean
host_port_valid (const char *value)
{
  const char *colon;
  g_autofree char *host = NULL;
  guint64 port;

  if (value[0] == '[')
    {
      const char *close = strchr (value, ']');
      if (close == NULL || close[1] != ':')
        return FALSE;
      host = g_strndup (value + 1, close - value - 1);
      colon = close + 1;
      if (!g_hostname_is_ip_address (host))
        return FALSE;
    }
  else
    {
      colon = strrchr (value, ':');
      if (colon == NULL || colon == value)
        return FALSE;
      host = g_strndup (value, colon - value);
      if (strchr (host, ':') != NULL)
        return FALSE;
      for (const char *p = host; *p; p++)
        if (!g_ascii_isalnum (*p) && *p != '.' && *p != '-')
          return FALSE;
    }
  return g_ascii_string_to_unsigned (colon + 1, 10, 1, 65535, &port, NULL);
}

static gboolean
set_syslog (FdConfig    *config,
            const char  *value,
            GError     **error)
{
  if (g_str_equal (value, "off") || g_str_equal (value, ""))
    {
      g_clear_pointer (&config->alert_syslog, g_free);
      return TRUE;
    }
  if (!g_str_equal (value, "journal") && !host_port_valid (value))
    return bad (error, "alert-syslog",
                "must be journal, HOST:PORT (RFC 5424 over UDP, e.g. 192.0.2.10:514) or off");
  g_free (config->alert_syslog);
  config->alert_syslog = g_strdup (value);
  return TRUE;
}

static gboolean
set_retry (FdConfig    *config,
           const char  *value,
           GError     **error)
{
  g_auto(GStrv) parts = g_strsplit (value, ",", -1);
  guint n = g_strv_length (parts);
  g_autofree guint *delays = NULL;

  if (n == 0 || n > MAX_RETRIES)
    return bad (error, "alert-retry", "must list 1 to 20 delays in seconds, e.g. 10,30,60,300");
  delays = g_new0 (guint, n);
  for (guint i = 0; i < n; i++)
    {
      guint64 s;
      if (!g_ascii_string_to_unsigned (g_strstrip (parts[i]), 10, 1, 86400, &s, NULL))
        return bad (error, "alert-retry",
                    "must list whole seconds from 1 to 86400, e.g. 10,30,60,300");
      delays[i] = s;
    }
  g_free (config->alert_retry_s);
  config->alert_retry_s = g_steal_pointer (&delays);
  config->alert_retry_n = n;
  return TRUE;
}

static const struct
{
  const char *key;
  gboolean  (*set) (FdConfig *config, const char *value, GError **error);
  const char *help;
  const char *arg;
} alert_keys[] = {
  { "alert-webhook", set_webhook, "Send each alert to this URL", "https://…" },
  { "alert-webhook-format", set_format, "Webhook body", "generic|wecom|dingtalk|feishu" },
  { "alert-webhook-ca", set_ca, "Trust only this CA for the webhook", "PEM" },
  { "alert-syslog", set_syslog, "Also send alerts to the journal or a syslog collector",
    "journal|HOST:PORT|off" },
  { "alert-retry", set_retry, "Seconds before each retry of a failed delivery", "S,S,…" },
};

gboolean
fd_config_set_alert_key (FdConfig    *config,
                         const char  *key,
                         const char  *value,
                         GError     **error)
{
  g_autofree char *v = g_strstrip (g_strdup (value ? value : ""));

  for (guint i = 0; i < G_N_ELEMENTS (alert_keys); i++)
    if (g_str_equal (key, alert_keys[i].key))
      return alert_keys[i].set (config, v, error);
  g_set_error (error, FD_ERROR, FD_ERROR_CONFIG, "Unknown key [server] %s", key);
  return FALSE;
}

gboolean
fd_config_check_alerts (FdConfig  *config,
                        GError   **error)
{
  if (config->alert_webhook_ca != NULL && config->alert_webhook == NULL)
    return bad (error, "alert-webhook-ca", "is set but alert-webhook is not");
  return TRUE;
}

gboolean
fd_config_load_alerts (FdConfig  *config,
                       GKeyFile  *kf,
                       GError   **error)
{
  g_auto(GStrv) keys = g_key_file_get_keys (kf, "server", NULL, NULL);

  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    {
      g_autofree char *value = NULL;

      if (!g_str_has_prefix (keys[i], "alert-"))
        continue;
      value = g_key_file_get_string (kf, "server", keys[i], NULL);
      if (!fd_config_set_alert_key (config, keys[i], value, error))
        return FALSE;
    }
  return fd_config_check_alerts (config, error);
}

/* demo options */

static gboolean
option_cb (const char  *option_name,
           const char  *value,
           gpointer     data,
           GError     **error)
{
  /* "--alert-webhook" → "alert-webhook" */
  return fd_config_set_alert_key (data, option_name + 2, value, error);
}

static gboolean
post_parse_cb (GOptionContext  *context,
               GOptionGroup    *group,
               gpointer         data,
               GError         **error)
{
  return fd_config_check_alerts (data, error);
}

GOptionGroup *
fd_config_alert_option_group (FdConfig *config)
{
  GOptionGroup *group = g_option_group_new ("alerts", "Alerts out of the app",
                                            "Show the alert options", config, NULL);
  GOptionEntry entries[G_N_ELEMENTS (alert_keys) + 1] = { { 0 } };

  for (guint i = 0; i < G_N_ELEMENTS (alert_keys); i++)
    entries[i] = (GOptionEntry) { alert_keys[i].key, 0, 0, G_OPTION_ARG_CALLBACK,
                                  (gpointer) option_cb, alert_keys[i].help, alert_keys[i].arg };
  g_option_group_add_entries (group, entries);
  g_option_group_set_parse_hooks (group, NULL, post_parse_cb);
  return group;
}
