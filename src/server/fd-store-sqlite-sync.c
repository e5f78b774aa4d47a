/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SQLite engine: the server's group commit, made durable off the main
 * context (issue 13, search13). */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "fd-store-sqlite-private.h"

/* The connection runs at `synchronous = FULL`: every COMMIT waits for
 * fdatasync() of the write-ahead log. For the server's group commit
 * (fd-server-commit.c) that wait was on the main context. Here a group's
 * transaction runs at `synchronous = NORMAL` — in WAL mode: the COMMIT
 * writes the log without syncing it; checkpoints still sync the log before
 * and the database after, and a reused log's header is synced, so nothing
 * committed before can be lost by what follows — and the server's
 * committer thread then calls fd_sqlite_sync_committed(), which syncs the
 * log, before any answer of the group goes out. SQLite refuses to change
 * the level inside a transaction, so it is set before BEGIN and set back
 * to FULL after COMMIT: every other write of the connection (autocommit
 * statements, the command-line tools) stays durable at its COMMIT. */

gboolean
fd_sqlite_begin_unsynced (FdStore  *store,
                          GError  **error)
{
  FdStoreSqlite *self = SELF (store);

  if (!step_once (self, "PRAGMA synchronous = NORMAL", error))
    return FALSE;
  if (step_once (self, "BEGIN IMMEDIATE", error))
    return TRUE;
  step_once (self, "PRAGMA synchronous = FULL", NULL);
  return FALSE;
}

gboolean
fd_sqlite_commit_unsynced (FdStore  *store,
                           GError  **error)
{
  FdStoreSqlite *self = SELF (store);
  gboolean ok = fd_sqlite_write_pending_anchor (self, error) &&
                step_once (self, "COMMIT", error);

  /* A failed COMMIT may leave the transaction open: end it here, so that
   * the safety level can be set back (the caller's rollback is then a
   * no-op). */
  if (!ok)
    store->backend->rollback (store);
  if (!step_once (self, "PRAGMA synchronous = FULL", ok ? error : NULL))
    ok = FALSE;
  return ok;
}

/* Runs on the committer thread while the main context goes on using the
 * connection: it touches nothing of the connection, only a descriptor of
 * its own on the log file. fdatasync() acts on the file, not on the
 * descriptor, so it makes what SQLite wrote through its own descriptor
 * durable. The log exists from the first commit to the connection's close
 * (store_close closes this descriptor; the caller's thread has ended by
 * then), the same file throughout: a checkpoint truncates or rewrites it,
 * never replaces it. */
gboolean
fd_sqlite_sync_committed (FdStore  *store,
                          GError  **error)
{
  FdStoreSqlite *self = SELF (store);

  if (!self->wal_sync_open)
    {
      g_autofree char *wal = g_strconcat (self->path, "-wal", NULL);
      g_autofree char *dir = g_path_get_dirname (self->path);
      int dir_fd;

      self->wal_sync_fd = open (wal, O_RDONLY | O_CLOEXEC);
      if (self->wal_sync_fd < 0)
        {
          g_set_error (error, FD_ERROR, FD_ERROR_UNAVAILABLE,
                       "Cannot open the write-ahead log to sync it: %s", g_strerror (errno));
          return FALSE;
        }
      self->wal_sync_open = TRUE;
      /* The log's directory entry, once: what FULL does at its first sync. */
      dir_fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (dir_fd < 0 || fsync (dir_fd) != 0)
        {
          int saved = errno;

          if (dir_fd >= 0)
            close (dir_fd);
          close (self->wal_sync_fd);
          self->wal_sync_open = FALSE;
          g_set_error (error, FD_ERROR, FD_ERROR_UNAVAILABLE,
                       "Cannot sync the database's directory: %s", g_strerror (saved));
          return FALSE;
        }
      close (dir_fd);
    }
  if (fdatasync (self->wal_sync_fd) == 0)
    return TRUE;
  g_set_error (error, FD_ERROR, FD_ERROR_UNAVAILABLE, "Cannot sync the write-ahead log: %s",
               g_strerror (errno));
  return FALSE;
}
