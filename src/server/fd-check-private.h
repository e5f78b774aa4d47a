/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fd-check-private.h: what the parts of the self-check share (issue 12).
 *
 * fd-check.c holds the job, the file, certificate, TLS, account and alert
 * checks and the order they run in; fd-check-store.c the checks of each
 * storage engine (SQLite's file and PRAGMA checks, PostgreSQL's
 * connection, role and catalog checks) and of the audit chain. */
#pragma once

#include "fd-check.h"

G_BEGIN_DECLS

typedef struct
{
  char    *path;
  gboolean exists;
  guint    mode;          /* st_mode & 07777 */
  char    *error;         /* stat failed otherwise than ENOENT */
} FileMode;

struct _FdCheckJob
{
  gint64     now;
  /* copied from the config */
  char      *data_dir;
  char      *certificate;
  char      *ca_path;
  char      *listen_host;
  gboolean   demo;
  gboolean   alerts_configured;
  /* read at creation */
  FileMode   dir, key, tls_key, db, wal;
  /* PostgreSQL (store = postgresql): the connection and its password file */
  gboolean   pg;
  char      *pg_conninfo;
  FileMode   pg_password_file;
  char      *pg_login;
  char      *pg_role_problem;   /* read from the store; NULL when the role is sound */
  char      *pg_role_error;     /* the role could not be read */
  /* read from the store */
  FdStore   *store;       /* not owned; NULL when it could not be opened */
  gboolean   quick;
  char      *store_error;
  GPtrArray *accounts;
  guint      failed_deliveries;
  guint      retrying_deliveries;

  GPtrArray *findings;
};

/* Adds a finding; its fix is "nothing to do" until fix() says otherwise. */
G_GNUC_PRINTF (4, 5)
static inline void
add (FdCheckJob   *job,
     const char   *id,
     FdCheckLevel  level,
     const char   *what_format,
     ...)
{
  /* the fix is set by fix() right after */
  FdFinding *f = g_new0 (FdFinding, 1);
  va_list args;

  va_start (args, what_format);
  f->id = g_strdup (id);
  f->level = level;
  f->what = g_strdup_vprintf (what_format, args);
  f->fix = g_strdup ("nothing to do");
  va_end (args);
  g_ptr_array_add (job->findings, f);
}

G_GNUC_PRINTF (2, 3)
static inline void
fix (FdCheckJob *job,
     const char *format,
     ...)
{
  FdFinding *f = g_ptr_array_index (job->findings, job->findings->len - 1);
  va_list args;

  va_start (args, format);
  g_free (f->fix);
  f->fix = g_strdup_vprintf (format, args);
  va_end (args);
}

/* @allowed: the mode bits the baseline allows beyond the owner's. */
void fd_check_private_file   (FdCheckJob *job,
                              FileMode   *f,
                              const char *id,
                              const char *name,
                              guint       allowed,
                              const char *fix_mode);

/* per engine (fd-check-store.c) */
/* SQLite: the database file's and its WAL's modes. */
void fd_check_database_file  (FdCheckJob *job);
/* PostgreSQL: the database password's file, the connection's TLS. */
void fd_check_pg_connection  (FdCheckJob *job);
/* PostgreSQL: row-level security binds the server's login. */
void fd_check_pg_role        (FdCheckJob *job);
/* Both: the audit chain and the engine's integrity check. */
void fd_check_database       (FdCheckJob *job);

G_END_DECLS
