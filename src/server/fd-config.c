/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The server configuration: defaults, the key file format, policy values. */

#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "fd-config.h"
#include "fd-error.h"
#include "fd-role.h"
#include "fd-store-pg.h"
#include "fd-witness.h"

FdConfig *
fd_config_new_defaults (void)
{
  FdConfig *config = g_new0 (FdConfig, 1);

  config->listen_host = g_strdup ("127.0.0.1");
  config->listen_port = 8443;
  config->off_hours_start = 22 * 60;
  config->off_hours_end = 7 * 60;
  config->lock_after_s = 300;
  config->idle_timeout_s = 900;
  config->max_age_s = 10 * 3600;
  config->reveal_window_s = 30;
  config->watermark = TRUE;
  config->visitor_retention_days = 30;
  config->loopback_only = TRUE;
  config->audit_witness = g_strdup ("journal");
  config->audit_witness_interval_s = 60;
  config->sign_in_rate = 30;
  /* issue 15: what a security product ships; demo turns it off */
  config->second_factor_roles = 1u << FD_ROLE_MANAGER | 1u << FD_ROLE_ADMIN | 1u << FD_ROLE_AUDITOR;
  config->store = g_strdup ("sqlite");
  return config;
}

void
fd_config_free (FdConfig *config)
{
  if (config == NULL)
    return;
  g_free (config->listen_host);
  g_free (config->data_dir);
  g_free (config->db_path);
  g_free (config->key_file);
  g_free (config->certificate);
  g_free (config->private_key);
  g_free (config->audit_witness);
  g_free (config->alert_webhook);
  g_free (config->alert_webhook_ca);
  g_free (config->alert_syslog);
  g_free (config->alert_retry_s);
  g_free (config->store);
  g_free (config->database);
  g_free (config->database_password_file);
  g_free (config);
}

static gboolean
parse_hhmm (const char *text,
            guint      *minutes)
{
  guint64 h, m;
  char *end;

  if (!g_ascii_isdigit (text[0]) || !g_ascii_isdigit (text[1]) || text[2] != ':' ||
      !g_ascii_isdigit (text[3]) || !g_ascii_isdigit (text[4]) || text[5] != '\0')
    return FALSE;
  h = g_ascii_strtoull (text, &end, 10);
  m = g_ascii_strtoull (text + 3, &end, 10);
  if (h > 23 || m > 59)
    return FALSE;
  *minutes = h * 60 + m;
  return TRUE;
}

gboolean
fd_config_parse_off_hours (FdConfig   *config,
                           const char *text,
                           GError    **error)
{
  g_auto(GStrv) parts = NULL;
  guint start, end;

  if (text == NULL || strlen (text) != 11 || text[5] != '-')
    goto bad;
  parts = g_strsplit (text, "-", 2);
  if (!parse_hhmm (parts[0], &start) || !parse_hhmm (parts[1], &end))
    goto bad;
  config->off_hours_start = start;
  config->off_hours_end = end;
  return TRUE;

bad:
  g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
               "Off-hours must be HH:MM-HH:MM (24-hour clock), e.g. 22:00-07:00");
  return FALSE;
}

gboolean
fd_config_is_off_hours (const FdConfig *config,
                        guint           minute)
{
  guint s = config->off_hours_start, e = config->off_hours_end;

  if (s == e)
    return TRUE;
  if (s < e)
    return minute >= s && minute < e;
  return minute >= s || minute < e;
}

gboolean
fd_config_parse_second_factor (FdConfig   *config,
                               const char *text,
                               GError    **error)
{
  g_auto(GStrv) roles = NULL;
  guint mask = 0;

  if (text == NULL)
    goto bad;
  if (g_str_equal (text, "off"))
    {
      config->second_factor_roles = 0;
      return TRUE;
    }
  if (!g_str_has_prefix (text, "required-for:"))
    goto bad;
  roles = g_strsplit (text + strlen ("required-for:"), ",", -1);
  for (guint i = 0; roles[i] != NULL; i++)
    {
      FdRole role = fd_role_from_string (g_strstrip (roles[i]));

      if (role == FD_ROLE_INVALID)
        goto bad;
      mask |= 1u << role;
    }
  if (mask == 0)
    goto bad;
  config->second_factor_roles = mask;
  return TRUE;

bad:
  g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
               "second-factor must be off or required-for: followed by roles separated by "
               "commas, e.g. required-for: manager,admin,auditor");
  return FALSE;
}

gboolean
fd_host_is_loopback (const char *host)
{
  g_autoptr(GInetAddress) addr = NULL;

  if (g_strcmp0 (host, "localhost") == 0)
    return TRUE;
  addr = g_inet_address_new_from_string (host);
  return addr != NULL && g_inet_address_get_is_loopback (addr);
}

gboolean
fd_config_parse_listen (FdConfig   *config,
                        const char *text,
                        GError    **error)
{
  g_autofree char *host = NULL;
  const char *colon;
  guint64 port;

  if (text == NULL)
    goto bad;
  if (text[0] == '[')
    {
      const char *close = strchr (text, ']');
      if (close == NULL || close[1] != ':')
        goto bad;
      host = g_strndup (text + 1, close - text - 1);
      colon = close + 1;
    }
  else
    {
      colon = strrchr (text, ':');
      if (colon == NULL)
        goto bad;
      host = g_strndup (text, colon - text);
    }
  if (*host == '\0' || !g_ascii_string_to_unsigned (colon + 1, 10, 0, 65535, &port, NULL))
    goto bad;
  if (g_strcmp0 (host, "localhost") != 0 && !g_hostname_is_ip_address (host))
    goto bad;

  g_free (config->listen_host);
  config->listen_host = g_steal_pointer (&host);
  config->listen_port = port;
  return TRUE;

bad:
  g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
               "The listen address must be IP:PORT, e.g. 127.0.0.1:8443 or [::1]:8443");
  return FALSE;
}

static char *
dup_path (GKeyFile   *kf,
          const char *group,
          const char *key)
{
  g_autofree char *value = g_key_file_get_string (kf, group, key, NULL);

  if (value == NULL || *value == '\0')
    return NULL;
  return g_steal_pointer (&value);
}

static gboolean
get_uint (GKeyFile    *kf,
          const char  *key,
          guint        min,
          guint        max,
          guint       *out,
          GError     **error)
{
  g_autofree char *value = g_key_file_get_string (kf, "policy", key, NULL);
  guint64 n;

  if (value == NULL)
    return TRUE;
  g_strstrip (value);
  if (!g_ascii_string_to_unsigned (value, 10, min, max, &n, NULL))
    {
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                   "[policy] %s must be a whole number from %u to %u", key, min, max);
      return FALSE;
    }
  *out = n;
  return TRUE;
}

static const char *known_server_keys[] = {
  "listen", "data-dir", "database", "key-file", "certificate", "private-key", "audit-witness",
  "store", "database-password-file", NULL
};
static const char *known_policy_keys[] = {
  "off-hours", "lock-after", "idle-timeout", "max-age", "reveal-window", "watermark",
  "visitor-retention-days", "sign-in-rate", "second-factor", NULL
};

static gboolean
check_keys (GKeyFile    *kf,
            const char  *group,
            const char **known,
            GError     **error)
{
  g_auto(GStrv) keys = g_key_file_get_keys (kf, group, NULL, NULL);

  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    /* issue 12: fd_config_load_alerts() checks the alert-* keys */
    if (!g_strv_contains (known, keys[i]) &&
        !(g_str_equal (group, "server") && g_str_has_prefix (keys[i], "alert-")))
      {
        g_set_error (error, FD_ERROR, FD_ERROR_CONFIG, "Unknown key [%s] %s", group, keys[i]);
        return FALSE;
      }
  return TRUE;
}

/* GKeyFile keeps the last of two equal keys without a word, so a policy
 * set twice would silently take the second value: refuse it, naming both
 * lines. Equal groups are merged by GKeyFile, so a key repeated in a
 * second [server] is a duplicate too. */
static gboolean
check_duplicate_keys (const char  *path,
                      const char  *text,
                      GError     **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_autofree char *group = NULL;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);
      char *eq;
      char *id;
      gpointer first;

      if (*line == '\0' || *line == '#')
        continue;
      if (*line == '[')
        {
          char *close = strchr (line, ']');

          g_free (group);
          group = g_strndup (line + 1, close != NULL ? (gsize) (close - line - 1) : strlen (line + 1));
          continue;
        }
      eq = strchr (line, '=');
      if (eq == NULL)
        continue;   /* GKeyFile reports it */
      *eq = '\0';
      g_strchomp (line);
      id = g_strdup_printf ("[%s] %s", group != NULL ? group : "", line);
      if (g_hash_table_lookup_extended (seen, id, NULL, &first))
        {
          g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                       "%s: %s is set twice, on lines %u and %u; keep only one", path, id,
                       GPOINTER_TO_UINT (first), i + 1);
          g_free (id);
          return FALSE;
        }
      g_hash_table_insert (seen, id, GUINT_TO_POINTER (i + 1));
    }
  return TRUE;
}

gboolean
fd_config_load_file (FdConfig   *config,
                     const char *path,
                     GError    **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  g_auto(GStrv) groups = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *off_hours = NULL;
  g_autofree char *watermark = NULL;
  g_autofree char *text = NULL;
  gsize len = 0;

  /* Read once: the duplicate check and GKeyFile parse the same text. */
  if (!g_file_get_contents (path, &text, &len, &local_error) ||
      !g_key_file_load_from_data (kf, text, len, G_KEY_FILE_NONE, &local_error))
    {
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG, "Cannot read %s: %s", path, local_error->message);
      return FALSE;
    }
  if (!check_duplicate_keys (path, text, error))
    return FALSE;
  groups = g_key_file_get_groups (kf, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    if (!g_str_equal (groups[i], "server") && !g_str_equal (groups[i], "policy"))
      {
        g_set_error (error, FD_ERROR, FD_ERROR_CONFIG, "%s: unknown group [%s]", path, groups[i]);
        return FALSE;
      }
  if (!check_keys (kf, "server", known_server_keys, error) ||
      !check_keys (kf, "policy", known_policy_keys, error))
    return FALSE;

  config->loopback_only = FALSE;
  listen = g_key_file_get_string (kf, "server", "listen", NULL);
  if (listen != NULL && !fd_config_parse_listen (config, g_strstrip (listen), error))
    return FALSE;

  g_free (config->data_dir);
  config->data_dir = dup_path (kf, "server", "data-dir");
  if (config->data_dir == NULL)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG, "%s: [server] data-dir is required", path);
      return FALSE;
    }
  {
    g_autofree char *store = dup_path (kf, "server", "store");
    g_autofree char *database = dup_path (kf, "server", "database");
    g_autofree char *password_file = dup_path (kf, "server", "database-password-file");

    if (!fd_config_set_store (config, store ? g_strstrip (store) : "sqlite", database,
                              password_file, error))
      {
        g_prefix_error (error, "%s: ", path);
        return FALSE;
      }
  }
  config->key_file = dup_path (kf, "server", "key-file");
  config->certificate = dup_path (kf, "server", "certificate");
  config->private_key = dup_path (kf, "server", "private-key");
  {
    g_autofree char *witness = dup_path (kf, "server", "audit-witness");
    if (witness != NULL)
      {
        g_strstrip (witness);
        if (!fd_witness_parse_destination (witness, NULL, NULL, error))
          return FALSE;
        g_free (config->audit_witness);
        config->audit_witness = g_steal_pointer (&witness);
      }
  }

  if (!fd_config_load_alerts (config, kf, error))
    return FALSE;

  off_hours = g_key_file_get_string (kf, "policy", "off-hours", NULL);
  if (off_hours != NULL && !fd_config_parse_off_hours (config, g_strstrip (off_hours), error))
    return FALSE;
  if (!get_uint (kf, "lock-after", 60, 900, &config->lock_after_s, error) ||
      !get_uint (kf, "idle-timeout", 60, 3600, &config->idle_timeout_s, error) ||
      !get_uint (kf, "max-age", 600, 12 * 3600, &config->max_age_s, error) ||
      !get_uint (kf, "reveal-window", 5, 120, &config->reveal_window_s, error) ||
      !get_uint (kf, "visitor-retention-days", 1, 365, &config->visitor_retention_days, error) ||
      !get_uint (kf, "sign-in-rate", 1, 100000, &config->sign_in_rate, error))
    return FALSE;
  if (config->lock_after_s >= config->idle_timeout_s)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                   "[policy] lock-after must be shorter than idle-timeout, or clients would "
                   "find their sessions expired before they lock");
      return FALSE;
    }
  {
    g_autofree char *second_factor = g_key_file_get_string (kf, "policy", "second-factor", NULL);
    if (second_factor != NULL &&
        !fd_config_parse_second_factor (config, g_strstrip (second_factor), error))
      return FALSE;
  }
  watermark = g_key_file_get_string (kf, "policy", "watermark", NULL);
  if (watermark != NULL)
    {
      g_strstrip (watermark);
      if (g_str_equal (watermark, "true"))
        config->watermark = TRUE;
      else if (g_str_equal (watermark, "false"))
        config->watermark = FALSE;
      else
        {
          g_set_error (error, FD_ERROR, FD_ERROR_CONFIG, "[policy] watermark must be true or false");
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
fd_config_is_postgresql (const FdConfig *config)
{
  return g_strcmp0 (config->store, "postgresql") == 0;
}

gboolean
fd_config_set_store (FdConfig    *config,
                     const char  *store,
                     const char  *database,
                     const char  *password_file,
                     GError     **error)
{
  gboolean pg = g_strcmp0 (store, "postgresql") == 0;

  if (!pg && g_strcmp0 (store, "sqlite") != 0)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                   "[server] store must be sqlite or postgresql, not %s", store);
      return FALSE;
    }
  if (pg && (database == NULL || *database == '\0'))
    {
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                   "[server] store = postgresql needs database = <libpq connection string>");
      return FALSE;
    }
  if (pg && !fd_store_pg_check_conninfo (database, error))
    return FALSE;
  if (!pg && password_file != NULL)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                   "[server] database-password-file is for store = postgresql only");
      return FALSE;
    }
  g_free (config->store);
  config->store = g_strdup (store);
  g_free (config->database);
  config->database = pg ? g_strdup (database) : NULL;
  if (!pg && database != NULL)
    {
      g_free (config->db_path);
      config->db_path = g_strdup (database);
    }
  g_free (config->database_password_file);
  config->database_password_file = g_strdup (password_file);
  return TRUE;
}

gboolean
fd_config_load_store_file (FdConfig  *config,
                           GError   **error)
{
  g_autofree char *path = g_build_filename (config->data_dir, "store.conf", NULL);
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autofree char *store = NULL, *database = NULL, *password_file = NULL;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return TRUE;
  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, error))
    return FALSE;
  store = dup_path (kf, "server", "store");
  database = dup_path (kf, "server", "database");
  password_file = dup_path (kf, "server", "database-password-file");
  if (!fd_config_set_store (config, store ? store : "sqlite", database, password_file, error))
    {
      g_prefix_error (error, "%s: ", path);
      return FALSE;
    }
  return TRUE;
}

gboolean
fd_config_write_store_file (const FdConfig  *config,
                            GError         **error)
{
  g_autofree char *path = g_build_filename (config->data_dir, "store.conf", NULL);
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autofree char *text = NULL;

  g_key_file_set_comment (kf, NULL, NULL,
                          " Written by frontdesk-server demo: the database this data directory's "
                          "office serves from", NULL);
  g_key_file_set_string (kf, "server", "store", config->store);
  if (config->database != NULL)
    g_key_file_set_string (kf, "server", "database", config->database);
  if (config->database_password_file != NULL)
    g_key_file_set_string (kf, "server", "database-password-file",
                           config->database_password_file);
  text = g_key_file_to_data (kf, NULL, NULL);
  return g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

void
fd_config_resolve_paths (FdConfig *config)
{
  if (config->db_path == NULL)
    config->db_path = g_build_filename (config->data_dir, "frontdesk.db", NULL);
  if (config->key_file == NULL)
    config->key_file = g_build_filename (config->data_dir, "data.key", NULL);
  if (config->certificate == NULL)
    config->certificate = g_build_filename (config->data_dir, "server.pem", NULL);
  if (config->private_key == NULL)
    config->private_key = g_build_filename (config->data_dir, "server-key.pem", NULL);
}
