/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the PostgreSQL operations commands share: pg_dump/pg_restore runs, passfiles, locks. */

/* fd-cli-pg.c: helpers of fd-cli-backup-pg.c, fd-cli-restore-pg.c,
 * fd-cli-pg-dump.c and fd-cli-rekey-pg.c
 *
 * Passwords never reach a command line or the environment: the tools get
 * a connection string without one, and PGPASSFILE names a temporary file
 * (mode 0600, in the backup directory, or the temporary directory for a
 * restore) that is overwritten and removed when they end. */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "fd-cli-pg.h"
#include "fd-crypto.h"
#include "fd-store-pg-private.h"

void
fd_cli_pg_login_clear (FdCliPgLogin *login)
{
  if (login->passfile != NULL)
    {
      static const char zeros[256];
      int fd = open (login->passfile, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);

      if (fd >= 0)
        {
          if (write (fd, zeros, sizeof zeros) == (ssize_t) sizeof zeros)
            fsync (fd);
          close (fd);
        }
      g_unlink (login->passfile);
    }
  g_clear_pointer (&login->passfile, g_free);
  fd_secret_free (g_steal_pointer (&login->conninfo));
}

static void
append_value (GString    *out,
              const char *keyword,
              const char *value)
{
  g_string_append_printf (out, "%s%s='", out->len > 0 ? " " : "", keyword);
  for (const char *c = value; *c != '\0'; c++)
    {
      if (*c == '\'' || *c == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *c);
    }
  g_string_append_c (out, '\'');
}

gboolean
fd_cli_pg_login_init (FdCliPgLogin  *login,
                      const char    *conninfo,
                      const char    *password,
                      const char    *dir,
                      GError       **error)
{
  PQconninfoOption *opts = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GString) line = NULL;
  g_autofree char *options = NULL;
  const char *inline_password = NULL;
  int fd;

  memset (login, 0, sizeof *login);
  /* parses it (saying what is wrong), and the remote-host rule */
  if (!fd_store_pg_check_conninfo (conninfo, error))
    return FALSE;
  if ((opts = PQconninfoParse (conninfo, NULL)) == NULL)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG, "Out of memory");
      return FALSE;
    }
  for (PQconninfoOption *o = opts; o->keyword != NULL; o++)
    {
      if (o->val == NULL)
        continue;
      if (g_str_equal (o->keyword, "password"))
        inline_password = o->val;
      else if (g_str_equal (o->keyword, "options"))
        options = g_strdup (o->val);
      else
        append_value (out, o->keyword, o->val);
    }
  /* the policies let a '*' scope see every estate (fd-store-pg-schema.c) */
  {
    g_autofree char *all = g_strconcat (options ? options : "", options ? " " : "",
                                        "-c frontdesk.estate=*", NULL);
    append_value (out, "options", all);
  }
  if (password == NULL)
    password = inline_password;
  login->conninfo = g_string_free (g_steal_pointer (&out), FALSE);
  if (password == NULL || *password == '\0')
    {
      PQconninfoFree (opts);
      return TRUE;
    }
  /* host:port:database:user:password, ':' and '\' escaped */
  line = g_string_new ("*:*:*:*:");
  for (const char *c = password; *c != '\0'; c++)
    {
      if (*c == ':' || *c == '\\')
        g_string_append_c (line, '\\');
      g_string_append_c (line, *c);
    }
  g_string_append_c (line, '\n');
  PQconninfoFree (opts);
  login->passfile = g_build_filename (dir, ".frontdesk-pgpass-XXXXXX", NULL);
  fd = g_mkstemp_full (login->passfile, O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0 || write (fd, line->str, line->len) != (ssize_t) line->len)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "Cannot write a password file in %s: %s", dir, g_strerror (saved));
      if (fd >= 0)
        close (fd);
      explicit_bzero (line->str, line->len);
      fd_cli_pg_login_clear (login);
      return FALSE;
    }
  close (fd);
  explicit_bzero (line->str, line->len);
  return TRUE;
}

static char **
tool_environ (const FdCliPgLogin *login)
{
  char **env = g_get_environ ();

  env = g_environ_unsetenv (env, "PGPASSWORD");
  env = g_environ_unsetenv (env, "PGOPTIONS");
  if (login->passfile != NULL)
    env = g_environ_setenv (env, "PGPASSFILE", login->passfile, TRUE);
  else
    env = g_environ_unsetenv (env, "PGPASSFILE");
  return env;
}

char *
fd_cli_pg_find_tool (const char  *name,
                     GError     **error)
{
  char *path = g_find_program_in_path (name);

  if (path == NULL)
    g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                 "%s is not installed (or not on PATH): install PostgreSQL's client programs "
                 "(Debian: apt install postgresql-client), of the server's major version or "
                 "newer", name);
  return path;
}

gboolean
fd_cli_pg_run_tool (const char   *const *argv,
                    const FdCliPgLogin  *login,
                    GError             **error)
{
  g_autofree char *tool = fd_cli_pg_find_tool (argv[0], error);
  g_auto(GStrv) env = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  int status = 0;

  if (tool == NULL)
    return FALSE;
  env = tool_environ (login);
  g_ptr_array_add (args, tool);
  for (guint i = 1; argv[i] != NULL; i++)
    g_ptr_array_add (args, (char *) argv[i]);
  g_ptr_array_add (args, NULL);
  if (!g_spawn_sync (NULL, (char **) args->pdata, env, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                     NULL, &err, &status, &local_error))
    {
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG, "Cannot run %s: %s", argv[0],
                   local_error->message);
      return FALSE;
    }
  if (!g_spawn_check_wait_status (status, NULL))
    {
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG, "%s failed: %s", argv[0],
                   err != NULL && *err != '\0' ? g_strchomp (err) : "no message");
      return FALSE;
    }
  return TRUE;
}

gboolean
fd_cli_pg_read_password (const char  *path,
                         char       **password,
                         GError     **error)
{
  *password = NULL;
  return path == NULL || (*password = fd_store_pg_read_password_file (path, error)) != NULL;
}

gboolean
fd_cli_pg_check_nobody_else (PGconn      *conn,
                             const char  *what,
                             GError     **error)
{
  PGresult *res = PQexec (conn, "SELECT count(*) FROM pg_stat_activity WHERE datname = "
                                "current_database () AND pid <> pg_backend_pid () AND "
                                "application_name = 'frontdesk-server'");
  gint64 others = -1;

  if (PQresultStatus (res) == PGRES_TUPLES_OK && PQntuples (res) == 1)
    others = g_ascii_strtoll (PQgetvalue (res, 0, 0), NULL, 10);
  PQclear (res);
  if (others == 0)
    return TRUE;
  if (others < 0)
    g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL, "Cannot read pg_stat_activity: %s",
                 PQerrorMessage (conn));
  else
    g_set_error (error, FD_ERROR, FD_ERROR_UNAVAILABLE,
                 "The database is in use: %" G_GINT64_FORMAT " other frontdesk-server "
                 "connection%s (a server, or another frontdesk-server command) %s it open. "
                 "Stop the service first (systemctl stop frontdesk-server) and run %s again",
                 others, others == 1 ? "" : "s", others == 1 ? "has" : "have", what);
  return FALSE;
}
