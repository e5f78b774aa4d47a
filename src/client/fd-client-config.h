/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Where the office server is and how it is trusted, and the checks of each setting. */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Where the office server is and how it is trusted. Comes from the
 * GSettings schema, overridden by the command line. */
typedef struct
{
  char *server_url;   /* "https://…" or NULL when not configured */
  char *ca_file;      /* absolute path or NULL: system CAs */
  char *pin;          /* "sha256:…" or NULL */
  char *workstation;  /* never NULL: setting or host name */
} FdClientConfig;

FdClientConfig *fd_client_config_new                 (void);
FdClientConfig *fd_client_config_new_from_settings   (GSettings            *settings);
FdClientConfig *fd_client_config_copy                (const FdClientConfig *config);
void            fd_client_config_free                (FdClientConfig       *config);

/* Validators shared by the command line, the connect page and the API
 * client; they fail with FD_ERROR_CONFIG and a translated message. */
gboolean        fd_client_config_check_server_url    (const char           *url,
                                                      GError              **error);
/* Resolves @path against the current directory, checks it is readable and
 * returns the absolute path in @absolute. */
gboolean        fd_client_config_check_ca_file       (const char           *path,
                                                      char                **absolute,
                                                      GError              **error);
gboolean        fd_client_config_check_pin           (const char           *pin,
                                                      GError              **error);
gboolean        fd_client_config_check_workstation   (const char           *name,
                                                      GError              **error);
char           *fd_client_config_default_workstation (void);
/* issue 14, first start: checks that @file holds a PEM certificate and
 * keeps a copy, mode 0600, as g_get_user_data_dir()/frontdesk/office-ca.pem
 * (the app's own data, also inside the Flatpak); returns that path. */
char           *fd_client_config_import_ca           (GFile                *file,
                                                      GError              **error);
char           *fd_client_config_imported_ca_path    (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdClientConfig, fd_client_config_free)

G_END_DECLS
