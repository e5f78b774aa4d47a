/* SPDX-License-Identifier: GPL-3.0-or-later */
/* rekey's key files: the rotation audited under the new key, the files swapped, old keys deleted. */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fd-crypto.h"
#include "fd-seed.h"
#include "fd-witness.h"
#include "fd-cli-rekey-private.h"

#define EXIT_USAGE 2

/* Under the new key: the audit entry (which anchors the head with the new
 * key) once, and the head witnessed under the new key's fingerprint. */
gboolean
fd_rekey_audit_rotation (FdConfig    *config,
                         const char  *new_key,
                         GError     **error)
{
  FdKeys *keys = fd_keys_load (new_key, FALSE, error);
  g_autofree char *pending = NULL;
  FdStore *store;
  FdWitness *witness;

  if (keys == NULL)
    return FALSE;
  store = fd_config_is_postgresql (config) ? fd_cli_open_pg_store (config, keys, error)
                                            : fd_store_sqlite_open (config->db_path, keys, error);
  if (store == NULL)
    return FALSE;
  pending = FD_STORE_CALL (store, get_setting, "rekey.pending-audit");
  if (pending != NULL && *pending != '\0')
    {
      if (!FD_STORE_CALL (store, begin, error) ||
          !fd_seed_audit_cli (store, "rekey", "data-key", pending, error) ||
          !FD_STORE_CALL (store, set_setting, "rekey.pending-audit", "", error) ||
          !FD_STORE_CALL (store, commit, error))
        {
          FD_STORE_CALL0 (store, rollback);
          fd_store_close (store);
          return FALSE;
        }
      g_print ("rekey: audited as \"rekey\" (%s)\n", pending);
    }
  witness = fd_witness_start (store, config->audit_witness, config->db_path, 3600);
  fd_witness_stop (witness);
  fd_store_close (store);
  return TRUE;
}

static gboolean
copy_owner (const char  *from,
            const char  *to,
            GError     **error)
{
  struct stat st;

  if (lstat (from, &st) != 0)
    return TRUE;
  if ((st.st_uid != geteuid () || st.st_gid != getegid ()) &&
      lchown (to, st.st_uid, st.st_gid) != 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "Cannot give %s the owner of %s: %s", to, from, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

/* Copies the 64-byte key @from to the new file @to, mode 0600. */
static gboolean
copy_key_file (const char  *from,
               const char  *to,
               GError     **error)
{
  g_autofree char *contents = NULL;
  gsize len = 0;
  int fd, saved = 0;

  if (!g_file_get_contents (from, &contents, &len, error))
    return FALSE;
  fd = open (to, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0 || write (fd, contents, len) != (ssize_t) len || fsync (fd) != 0)
    saved = errno;
  if (fd >= 0)
    close (fd);
  explicit_bzero (contents, len);
  if (saved != 0 || fd < 0)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "Cannot write %s: %s",
                   to, g_strerror (saved));
      g_unlink (to);
      return FALSE;
    }
  return TRUE;
}

/* data.key → data.key.old-STAMP (a second name, so data.key never
 * disappears), then the new key renamed over data.key. */
gboolean
fd_rekey_swap_key_files (FdConfig    *config,
                         const char  *new_key,
                         char       **kept,
                         GError     **error)
{
  g_autofree char *stamp = fd_cli_timestamp ();
  g_autofree char *staged = g_strconcat (config->key_file, ".new", NULL);
  int saved;

  *kept = g_strdup_printf ("%s.old-%s", config->key_file, stamp);
  if (link (config->key_file, *kept) != 0 && !copy_key_file (config->key_file, *kept, error))
    return FALSE;
  g_unlink (staged);
  if (rename (new_key, config->key_file) == 0)
    {
      fd_cli_sync_parent (config->key_file);
      return copy_owner (*kept, config->key_file, error);
    }
  if (errno != EXDEV)
    goto failed;
  /* Another file system: a copy beside data.key, renamed over it. */
  if (!copy_key_file (new_key, staged, error) || !copy_owner (*kept, staged, error))
    return FALSE;
  if (rename (staged, config->key_file) != 0)
    goto failed;
  fd_cli_sync_parent (config->key_file);
  g_print ("rekey: %s is on another file system and was copied; delete it (shred -u %s)\n",
           new_key, new_key);
  return TRUE;

failed:
  saved = errno;
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
               "Cannot put the new key in place at %s: %s", config->key_file, g_strerror (saved));
  return FALSE;
}

/* rekey --finish: deletes the old keys kept by earlier rotations. */
int
fd_rekey_finish (FdConfig *config)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (config->key_file);
  g_autofree char *prefix = NULL;
  g_autoptr(GDir) d = NULL;
  g_autofree char *detail = NULL;
  FdStore *store;
  const char *name;
  guint removed = 0;

  {
    g_autofree char *base = g_path_get_basename (config->key_file);
    prefix = g_strconcat (base, ".old-", NULL);
  }
  /* Only once the database is under data.key, and no rotation is half-way. */
  store = fd_cli_open_store (config, FALSE, &error);
  if (store == NULL)
    {
      g_printerr ("frontdesk-server: %s\n", error->message);
      return EXIT_USAGE;
    }
  d = g_dir_open (dir, 0, &error);
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      static const guint8 zeros[64];
      struct stat st;
      int fd;

      if (!g_str_has_prefix (name, prefix) || lstat (path, &st) != 0 || !S_ISREG (st.st_mode))
        continue;
      /* Overwrite before unlinking (copy-on-write and flash storage may
       * still keep the old blocks: prefer full-disk encryption). */
      fd = open (path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
      if (fd >= 0)
        {
          if (st.st_nlink == 1 && write (fd, zeros, sizeof zeros) == (ssize_t) sizeof zeros)
            fsync (fd);
          close (fd);
        }
      if (g_unlink (path) != 0)
        {
          int saved = errno;
          g_printerr ("frontdesk-server: cannot delete %s: %s\n", path, g_strerror (saved));
          fd_store_close (store);
          return EXIT_USAGE;
        }
      g_print ("rekey: deleted the old key %s\n", path);
      removed++;
    }
  if (removed == 0)
    {
      g_print ("rekey: no old key (%s*) to delete\n", prefix);
      fd_store_close (store);
      return 0;
    }
  fd_cli_sync_parent (config->key_file);
  detail = g_strdup_printf ("old data key deleted (%u file%s)", removed, removed == 1 ? "" : "s");
  if (!fd_seed_audit_cli (store, "rekey", "data-key", detail, &error))
    {
      g_printerr ("frontdesk-server: %s\n", error->message);
      fd_store_close (store);
      return EXIT_USAGE;
    }
  fd_store_close (store);
  g_print ("rekey: backups made before the rotation can no longer be read\n");
  return 0;
}
