/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Checks on serve's and demo's files before they listen. */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Checks `serve` and `demo` make on their files before they listen
 * (issue 9, finding 7). Each refuses with FD_ERROR_CONFIG and a message
 * that names the file and says what to do. */

/* Refuses a data directory (symbolic links followed) that group or others
 * may write to, or that is not a directory. */
gboolean fd_startup_check_data_dir    (const char  *dir,
                                       GError     **error);

/* Refuses a TLS private key file that others may read or write, or that
 * is a symbolic link to such a file, or not a regular file. The group may
 * read it (the README installs it root:frontdesk 0640). */
gboolean fd_startup_check_private_key (const char  *path,
                                       GError     **error);

G_END_DECLS
