/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Client settings: server address, CA file, key pin and workstation, their checks, CA import. */

#include "config.h"

#include "fd-client-config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "fd-error.h"
#include "fd-pin.h"

#define WORKSTATION_MAX_CHARS 64

FdClientConfig *
fd_client_config_new (void)
{
  FdClientConfig *config = g_new0 (FdClientConfig, 1);

  config->workstation = fd_client_config_default_workstation ();
  return config;
}

static char *
dup_setting (GSettings  *settings,
             const char *key)
{
  g_autofree char *value = g_settings_get_string (settings, key);

  g_strstrip (value);
  return value[0] != '\0' ? g_steal_pointer (&value) : NULL;
}

FdClientConfig *
fd_client_config_new_from_settings (GSettings *settings)
{
  FdClientConfig *config;
  g_autofree char *workstation = NULL;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  config = g_new0 (FdClientConfig, 1);
  config->server_url = dup_setting (settings, "server-url");
  config->ca_file = dup_setting (settings, "ca-file");
  config->pin = dup_setting (settings, "pin");

  workstation = dup_setting (settings, "workstation");
  if (workstation != NULL && fd_client_config_check_workstation (workstation, NULL))
    config->workstation = g_steal_pointer (&workstation);
  else
    config->workstation = fd_client_config_default_workstation ();

  return config;
}

FdClientConfig *
fd_client_config_copy (const FdClientConfig *config)
{
  FdClientConfig *copy;

  g_return_val_if_fail (config != NULL, NULL);

  copy = g_new0 (FdClientConfig, 1);
  copy->server_url = g_strdup (config->server_url);
  copy->ca_file = g_strdup (config->ca_file);
  copy->pin = g_strdup (config->pin);
  copy->workstation = g_strdup (config->workstation);
  return copy;
}

void
fd_client_config_free (FdClientConfig *config)
{
  if (config == NULL)
    return;

  g_free (config->server_url);
  g_free (config->ca_file);
  g_free (config->pin);
  g_free (config->workstation);
  g_free (config);
}

gboolean
fd_client_config_check_server_url (const char  *url,
                                   GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;

  if (url == NULL || url[0] == '\0')
    {
      g_set_error_literal (error, FD_ERROR, FD_ERROR_CONFIG,
                           _("Enter the address of the office server."));
      return FALSE;
    }

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_scheme (uri) == NULL)
    {
      g_set_error_literal (error, FD_ERROR, FD_ERROR_CONFIG,
                           _("The server address is not valid. It looks like "
                             "https://frontdesk.example:8443."));
      return FALSE;
    }

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "http") == 0)
    {
      g_set_error_literal (error, FD_ERROR, FD_ERROR_CONFIG,
                           _("Unencrypted http:// addresses are not allowed. "
                             "The server address must start with https://."));
      return FALSE;
    }
  if (g_ascii_strcasecmp (scheme, "https") != 0)
    {
      g_set_error_literal (error, FD_ERROR, FD_ERROR_CONFIG,
                           _("The server address must start with https://."));
      return FALSE;
    }

  if (g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0' ||
      g_uri_get_userinfo (uri) != NULL || g_uri_get_query (uri) != NULL ||
      g_uri_get_fragment (uri) != NULL)
    {
      g_set_error_literal (error, FD_ERROR, FD_ERROR_CONFIG,
                           _("The server address is not valid. It looks like "
                             "https://frontdesk.example:8443."));
      return FALSE;
    }

  return TRUE;
}

gboolean
fd_client_config_check_ca_file (const char  *path,
                                char       **absolute,
                                GError     **error)
{
  g_autofree char *canonical = NULL;

  if (path == NULL || path[0] == '\0')
    {
      g_set_error_literal (error, FD_ERROR, FD_ERROR_CONFIG,
                           _("No certificate authority file was given."));
      return FALSE;
    }

  canonical = g_canonicalize_filename (path, NULL);
  if (!g_file_test (canonical, G_FILE_TEST_IS_REGULAR) ||
      g_access (canonical, R_OK) != 0)
    {
      /* Translators: %s is a file path */
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                   /* Translators: %s is a file path */
                   _("The certificate authority file “%s” cannot be read."), canonical);
      return FALSE;
    }

  if (absolute != NULL)
    *absolute = g_steal_pointer (&canonical);
  return TRUE;
}

gboolean
fd_client_config_check_pin (const char  *pin,
                            GError     **error)
{
  if (pin == NULL || !fd_pin_is_valid (pin))
    {
      g_set_error_literal (error, FD_ERROR, FD_ERROR_CONFIG,
                           _("The server key pin is not valid. It must be "
                             "“sha256:” followed by a base64 digest."));
      return FALSE;
    }
  return TRUE;
}

gboolean
fd_client_config_check_workstation (const char  *name,
                                    GError     **error)
{
  glong n_chars;

  if (name == NULL || !g_utf8_validate (name, -1, NULL))
    goto invalid;

  n_chars = g_utf8_strlen (name, -1);
  if (n_chars < 1 || n_chars > WORKSTATION_MAX_CHARS)
    goto invalid;

  if (g_unichar_isspace (g_utf8_get_char (name)) ||
      g_unichar_isspace (g_utf8_get_char (g_utf8_offset_to_pointer (name, n_chars - 1))))
    goto invalid;

  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      goto invalid;

  return TRUE;

invalid:
  g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
               /* Translators: %d is a number of characters */
               _("The workstation name must be 1 to %d characters without "
                 "control characters."),
               WORKSTATION_MAX_CHARS);
  return FALSE;
}

char *
fd_client_config_default_workstation (void)
{
  const char *host = g_get_host_name ();

  if (host != NULL && fd_client_config_check_workstation (host, NULL))
    return g_strdup (host);

  return g_strdup ("workstation");
}

/* --- first start: the office CA imported into the app's data (issue 14) --- */

#define CA_MAX_BYTES (256 * 1024)

char *
fd_client_config_imported_ca_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "frontdesk", "office-ca.pem", NULL);
}

char *
fd_client_config_import_ca (GFile   *file,
                            GError **error)
{
  g_autofree char *data = NULL;
  g_autofree char *path = fd_client_config_imported_ca_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *name = g_file_get_parse_name (file);
  g_autoptr(GTlsCertificate) cert = NULL;
  g_autoptr(GError) local = NULL;
  gsize size = 0;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  if (!g_file_load_contents (file, NULL, &data, &size, NULL, &local))
    {
      /* Translators: %s is a file path */
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                   /* Translators: %s is a file path */
                   _("The certificate file “%s” cannot be read."), name);
      return NULL;
    }
  if (size > 0 && size <= CA_MAX_BYTES && memchr (data, '\0', size) == NULL)
    cert = g_tls_certificate_new_from_pem (data, (gssize) size, NULL);
  if (cert == NULL)
    {
      /* Translators: %s is a file path */
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                   /* Translators: %s is a file path */
                   _("“%s” is not a certificate in PEM format. Ask your administrator for "
                     "the office certificate (a .pem file)."), name);
      return NULL;
    }

  if (g_mkdir_with_parents (dir, 0700) != 0 ||
      !g_file_set_contents_full (path, data, (gssize) size,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, &local))
    {
      /* Translators: %s is a file path */
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                   /* Translators: %s is a file path */
                   _("The certificate could not be kept in “%s”."), path);
      return NULL;
    }
  return g_steal_pointer (&path);
}
