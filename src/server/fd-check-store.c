/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The self-check of each storage engine and of the audit chain (issue 12). */

#include "config.h"

#include "fd-check-private.h"
#include "fd-store-pg.h"

/* the database */

void
fd_check_database (FdCheckJob *job)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *problem = NULL;
  gint64 entries = 0, first_bad = 0;
  gboolean ok;

  ok = FD_STORE_CALL (job->store, audit_verify, &entries, &first_bad, &error);
  if (ok)
    add (job, "audit-chain", FD_CHECK_OK, "The audit chain is intact (%" G_GINT64_FORMAT " entries)",
         entries);
  else if (first_bad > 0)
    {
      add (job, "audit-chain", FD_CHECK_CRITICAL,
           "The audit chain is broken at entry %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT
           ": the log was changed outside the server", first_bad, entries);
      fix (job, "treat it as an incident: keep a copy of the database, compare with the newest "
                "backup (frontdesk-server audit verify) and find who could write the file");
    }
  else
    {
      add (job, "audit-chain", FD_CHECK_CRITICAL, "The audit chain cannot be read: %s",
           error ? error->message : "unknown error");
      fix (job, "check the database file and the disk; restore the newest backup if needed");
    }
  g_clear_error (&error);

  ok = FD_STORE_CALL (job->store, integrity_check, job->quick, &problem, &error);
  if (ok && problem != NULL)
    /* what the engine checked (PostgreSQL's equivalent) */
    add (job, "database-integrity", FD_CHECK_OK, "The database passes its %s (%s)",
         job->quick ? "quick check" : "integrity check", problem);
  else if (ok)
    add (job, "database-integrity", FD_CHECK_OK, "The database passes its %s",
         job->quick ? "quick check (PRAGMA quick_check)" : "integrity check (PRAGMA integrity_check)");
  else
    {
      add (job, "database-integrity", FD_CHECK_CRITICAL, "The database fails its %s: %s",
           job->quick ? "quick check" : "integrity check",
           problem ? problem : error ? error->message : "unknown error");
      fix (job, "stop the server, copy the database aside and restore the newest checked backup "
                "(frontdesk-server restore)");
    }
}

void
fd_check_database_file (FdCheckJob *job)
{
  if (!job->db.exists)
    {
      add (job, "database-mode", FD_CHECK_CRITICAL, "The database %s cannot be read (%s)",
           job->db.path, job->db.error ? job->db.error : "missing");
      fix (job, "point [server] database at the office's database");
      return;
    }
  if ((job->db.mode & 077) != 0 || (job->wal.exists && (job->wal.mode & 077) != 0))
    {
      FileMode *f = (job->db.mode & 077) != 0 ? &job->db : &job->wal;

      add (job, "database-mode", FD_CHECK_CRITICAL,
           "The database file %s has mode %04o: others may read it (names and masked values "
           "are not encrypted)", f->path, f->mode);
      fix (job, "chmod 600 %s*", job->db.path);
    }
  else
    add (job, "database-mode", FD_CHECK_OK, "The database %s has mode %04o", job->db.path,
         job->db.mode);
}

/* PostgreSQL: the database password's file, the connection's TLS */
void
fd_check_pg_connection (FdCheckJob *job)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *sslmode = NULL;
  gboolean remote = FALSE, has_password = FALSE, parsed;
  FileMode *f = &job->pg_password_file;

  parsed = fd_store_pg_conninfo_describe (job->pg_conninfo ? job->pg_conninfo : "", &remote,
                                          &sslmode, &has_password, &error);
  if (f->path != NULL)
    fd_check_private_file (job, f, "database-password-file", "database password file", 0, "600");
  else if (has_password)
    {
      add (job, "database-password-file", FD_CHECK_WARNING,
           "The [server] database connection string holds the database password: whoever reads "
           "the configuration file has it");
      fix (job, "move the password into a file of mode 0600 named by [server] "
                "database-password-file, and remove password= from database");
    }
  else
    add (job, "database-password-file", FD_CHECK_OK,
         "The configuration holds no database password (peer, certificate or ~/.pgpass "
         "authentication)");

  if (!parsed)
    {
      add (job, "database-tls", FD_CHECK_CRITICAL, "%s", error->message);
      fix (job, "write [server] database as a libpq connection string "
                "(host=… dbname=… sslmode=verify-full sslrootcert=…)");
    }
  else if (remote && g_strcmp0 (sslmode, "verify-full") != 0)
    {
      add (job, "database-tls", FD_CHECK_CRITICAL,
           "The database is on another host and reached with sslmode=%s: resident data and the "
           "database password cross the network to a server nobody verified",
           sslmode ? sslmode : "prefer");
      fix (job, "add sslmode=verify-full and sslrootcert=PATH (the database's CA) to "
                "[server] database");
    }
  else if (remote)
    add (job, "database-tls", FD_CHECK_OK,
         "The database is on another host, reached over TLS with its certificate verified "
         "(sslmode=verify-full)");
  else
    add (job, "database-tls", FD_CHECK_OK,
         "The database is on this machine (a Unix socket or loopback)");
}

/* PostgreSQL: row-level security binds the server's login */
void
fd_check_pg_role (FdCheckJob *job)
{
  if (job->pg_role_error != NULL)
    {
      add (job, "database-role", FD_CHECK_CRITICAL, "The database login cannot be read: %s",
           job->pg_role_error);
      fix (job, "check the database and the server's grants (frontdesk-server migrate)");
    }
  else if (job->pg_role_problem != NULL)
    {
      add (job, "database-role", FD_CHECK_CRITICAL, "%s: every estate's residents are open "
           "to every request", job->pg_role_problem);
      fix (job, "serve as the role `frontdesk-server migrate` makes (DATABASE_frontdesk), which "
                "owns nothing and has NOBYPASSRLS (docs/security.md)");
    }
  else if (job->pg_login != NULL)
    add (job, "database-role", FD_CHECK_OK,
         "The database login %s neither owns the tables nor bypasses row-level security",
         job->pg_login);
}

