/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PostgreSQL engine: connecting; the connection string checked and described; the password file. */

#include "config.h"

#include <glib/gstdio.h>
#include <sys/stat.h>
#include <string.h>

#include "fd-config.h"
#include "fd-error.h"
#include "fd-store-pg-private.h"

/* Connecting */

static void
ignore_notice (void       *data,
               const char *message)
{
}

PGconn *
fd_pg_connect (const char  *conninfo,
               const char  *password,
               GError     **error)
{
  const char *keys[] = { "dbname", "password", "application_name", "client_encoding", NULL, NULL };
  const char *values[] = { conninfo, password, "frontdesk-server", "UTF8", NULL, NULL };
  PGconn *conn;

  if (password == NULL)
    {
      /* a NULL value ends the list early: move the others up */
      keys[1] = keys[2], values[1] = values[2];
      keys[2] = keys[3], values[2] = values[3];
      keys[3] = NULL, values[3] = NULL;
    }
  if (!fd_store_pg_check_conninfo (conninfo, error))
    return NULL;
  conn = PQconnectdbParams (keys, values, 1);
  /* NOTICEs ("… already exists, skipping") are not for the terminal */
  PQsetNoticeProcessor (conn, ignore_notice, NULL);
  if (PQstatus (conn) != CONNECTION_OK)
    {
      g_autofree char *msg = g_strdup (PQerrorMessage (conn));
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG, "Cannot connect to PostgreSQL: %s",
                   g_strchomp (msg));
      PQfinish (conn);
      return NULL;
    }
  return conn;
}

static gboolean
host_is_local (const char *host)
{
  return *host == '\0' || *host == '/' || *host == '@' || fd_host_is_loopback (host);
}

gboolean
fd_store_pg_check_conninfo (const char  *conninfo,
                            GError     **error)
{
  g_autofree char *sslmode = NULL;
  gboolean remote, has_password;

  /* libpq's defaults (PGHOST, a socket) count as local: check what is written. */
  if (!fd_store_pg_conninfo_describe (conninfo, &remote, &sslmode, &has_password, error))
    return FALSE;
  if (remote && g_strcmp0 (sslmode, "verify-full") != 0)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                   "[server] database names a remote host without sslmode=verify-full (it has "
                   "sslmode=%s): resident data and the server's password would cross the "
                   "network to a server nobody verified. Add sslmode=verify-full and "
                   "sslrootcert=PATH (the database's CA)", sslmode != NULL ? sslmode : "prefer");
      return FALSE;
    }
  return TRUE;
}

/* Describing the connection string */

char *
fd_store_pg_database_name (const char *conninfo)
{
  PQconninfoOption *opts = PQconninfoParse (conninfo, NULL);
  const char *dbname = NULL, *host = NULL, *port = NULL;
  char *name;

  for (PQconninfoOption *o = opts; o != NULL && o->keyword != NULL; o++)
    {
      if (g_str_equal (o->keyword, "dbname"))
        dbname = o->val;
      else if (g_str_equal (o->keyword, "host"))
        host = o->val;
      else if (g_str_equal (o->keyword, "port"))
        port = o->val;
    }
  name = g_strdup_printf ("\"%s\" (PostgreSQL, %s%s%s)", dbname ? dbname : "?",
                          host && *host && *host != '/' ? host : "local socket",
                          port ? ":" : "", port ? port : "");
  PQconninfoFree (opts);
  return name;
}

gboolean
fd_store_pg_conninfo_describe (const char  *conninfo,
                               gboolean    *remote,
                               char       **sslmode,
                               gboolean    *has_password,
                               GError     **error)
{
  char *errmsg = NULL;
  PQconninfoOption *opts = PQconninfoParse (conninfo, &errmsg);

  *remote = FALSE;
  *sslmode = NULL;
  *has_password = FALSE;
  if (opts == NULL)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG, "[server] database is not a libpq "
                   "connection string: %s", errmsg != NULL ? g_strchomp (errmsg) : "?");
      PQfreemem (errmsg);
      return FALSE;
    }
  for (PQconninfoOption *o = opts; o->keyword != NULL; o++)
    {
      if ((g_str_equal (o->keyword, "host") || g_str_equal (o->keyword, "hostaddr")) &&
          o->val != NULL)
        {
          g_auto(GStrv) hosts = g_strsplit (o->val, ",", -1);

          for (guint i = 0; hosts[i] != NULL; i++)
            *remote |= !host_is_local (g_strstrip (hosts[i]));
        }
      else if (g_str_equal (o->keyword, "sslmode") && o->val != NULL)
        *sslmode = g_strdup (o->val);
      else if (g_str_equal (o->keyword, "password") && o->val != NULL && *o->val != '\0')
        *has_password = TRUE;
    }
  PQconninfoFree (opts);
  return TRUE;
}

/* The password file */

char *
fd_store_pg_read_password_file (const char  *path,
                                GError     **error)
{
  struct stat st;
  char *text = NULL;
  gsize len = 0;
  char *nl;

  if (g_lstat (path, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                   "The database password file %s is missing or not a regular file", path);
      return NULL;
    }
  if ((st.st_mode & 077) != 0)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                   "The database password file %s may be read or written by others (mode "
                   "%04o): chmod 600 it", path, (guint) (st.st_mode & 07777));
      return NULL;
    }
  if (!g_file_get_contents (path, &text, &len, error))
    return NULL;
  nl = strpbrk (text, "\r\n");
  if (nl != NULL)
    explicit_bzero (nl, len - (nl - text));
  if (*text == '\0')
    {
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG, "The database password file %s is empty",
                   path);
      g_free (text);
      return NULL;
    }
  return text;
}
