/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Refusals at start-up: loose modes on the data directory and private key. */

#include "config.h"

#include "fd-startup.h"

#include "fd-error.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>

gboolean
fd_startup_check_data_dir (const char  *dir,
                           GError     **error)
{
  struct stat st;

  g_return_val_if_fail (dir != NULL, FALSE);

  if (stat (dir, &st) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG, "Cannot use the data directory %s: %s",
                   dir, g_strerror (saved_errno));
      return FALSE;
    }
  if (!S_ISDIR (st.st_mode))
    {
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG, "The data directory %s is not a directory",
                   dir);
      return FALSE;
    }
  /* Whoever may write the directory may replace the database, its WAL or
   * the key file in it. */
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                   "The data directory %s has mode %04o: group or others may write to it and "
                   "so replace the database or its key. Refusing to start; make it private to "
                   "the server's user (chmod 0700 %s)",
                   dir, (guint) (st.st_mode & 07777), dir);
      return FALSE;
    }
  return TRUE;
}

gboolean
fd_startup_check_private_key (const char  *path,
                              GError     **error)
{
  g_autofree char *target = NULL;
  g_autofree char *what = NULL;
  struct stat lst, st;

  g_return_val_if_fail (path != NULL, FALSE);

  if (lstat (path, &lst) != 0 || stat (path, &st) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG, "Cannot read the TLS private key %s: %s",
                   path, g_strerror (saved_errno));
      return FALSE;
    }
  /* A link is fine (certbot's live/ directory is made of them); the mode
   * that counts is the file's it leads to. */
  if (S_ISLNK (lst.st_mode))
    target = realpath (path, NULL);
  what = target != NULL ? g_strdup_printf ("%s (a symbolic link to %s)", path, target)
                        : g_strdup (path);
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                   "The TLS private key %s is not a regular file", what);
      return FALSE;
    }
  if ((st.st_mode & S_IRWXO) != 0)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                   "The TLS private key %s has mode %04o: others may %s it. Refusing to "
                   "start; allow at most the owner and the server's group "
                   "(chown root:frontdesk and chmod 0640, or chmod 0600)",
                   what, (guint) (st.st_mode & 07777),
                   (st.st_mode & S_IROTH) ? "read" : "change");
      return FALSE;
    }
  return TRUE;
}
