/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PostgreSQL engine: statement parameters in; errors, command results and column values out. */

#include "config.h"

#include <stdlib.h>

#include "fd-error.h"
#include "fd-store-engine.h"
#include "fd-store-pg-private.h"

/* Parameters */

void
fd_pg_arg_int (FdPgArgs *a,
               gint64    value)
{
  g_assert (a->n < FD_PG_MAX_PARAMS);
  g_snprintf (a->ints[a->n], sizeof a->ints[a->n], "%" G_GINT64_FORMAT, value);
  a->values[a->n] = a->ints[a->n];
  a->lengths[a->n] = 0;
  a->formats[a->n] = 0;
  a->n++;
}

void
fd_pg_arg_text (FdPgArgs   *a,
                const char *text)
{
  g_assert (a->n < FD_PG_MAX_PARAMS);
  a->values[a->n] = text;
  a->lengths[a->n] = 0;
  a->formats[a->n] = 0;
  a->n++;
}

void
fd_pg_arg_bytes (FdPgArgs *a,
                 GBytes   *blob)
{
  gsize len = 0;

  g_assert (a->n < FD_PG_MAX_PARAMS);
  a->values[a->n] = blob != NULL ? g_bytes_get_data (blob, &len) : NULL;
  a->lengths[a->n] = (int) len;
  a->formats[a->n] = 1;
  a->n++;
}

/* Errors */

static FdError
error_code (PGconn   *conn,
            PGresult *res)
{
  const char *state = res != NULL ? PQresultErrorField (res, PG_DIAG_SQLSTATE) : NULL;

  /* The database is away, shutting down, out of resources, or a
   * deadlock/serialisation victim: the server is unavailable, not broken. */
  if (PQstatus (conn) != CONNECTION_OK || state == NULL)
    return FD_ERROR_UNAVAILABLE;
  if (g_str_has_prefix (state, "08") || g_str_has_prefix (state, "40") ||
      g_str_has_prefix (state, "53") || g_str_has_prefix (state, "57") ||
      g_str_equal (state, "25006"))   /* read-only: a standby (issue 16) */
    return FD_ERROR_UNAVAILABLE;
  return FD_ERROR_INTERNAL;
}

static gboolean
set_conn_error (PGconn      *conn,
                PGresult    *res,
                GError     **error,
                const char  *what)
{
  const char *msg = res != NULL ? PQresultErrorField (res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
  g_autofree char *text = g_strdup (msg != NULL ? msg : PQerrorMessage (conn));

  g_strchomp (text);
  g_set_error (error, FD_ERROR, error_code (conn, res), "%s: %s", what, text);
  return FALSE;
}

gboolean
fd_pg_set_error (FdStorePg   *self,
                 PGresult    *res,
                 GError     **error,
                 const char  *what)
{
  fd_pg_conn_failed (self, res);   /* issue 16 */
  return set_conn_error (self->conn, res, error, what);
}

gboolean
fd_pg_exec (PGconn      *conn,
            const char  *sql,
            GError     **error)
{
  PGresult *res = PQexec (conn, sql);
  ExecStatusType st = PQresultStatus (res);
  gboolean ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;

  if (!ok)
    set_conn_error (conn, res, error, "database");
  PQclear (res);
  return ok;
}

/* Results */

gboolean
fd_pg_changes_ok (PGresult *res)
{
  if (res == NULL)
    return FALSE;
  PQclear (res);
  return TRUE;
}

guint
fd_pg_changes (PGresult *res)
{
  guint n;

  if (res == NULL)
    return 0;
  n = (guint) g_ascii_strtoull (PQcmdTuples (res), NULL, 10);
  PQclear (res);
  return n;
}

char *
fd_pg_text (PGresult *res,
            int       row,
            int       col)
{
  return PQgetisnull (res, row, col) ? NULL : g_strdup (PQgetvalue (res, row, col));
}

gint64
fd_pg_int (PGresult *res,
           int       row,
           int       col)
{
  return PQgetisnull (res, row, col) ? 0 : g_ascii_strtoll (PQgetvalue (res, row, col), NULL, 10);
}

gboolean
fd_pg_bool (PGresult *res,
            int       row,
            int       col)
{
  return !PQgetisnull (res, row, col) && PQgetvalue (res, row, col)[0] == 't';
}

char *
fd_pg_open_sealed (FdStorePg   *self,
                   PGresult    *res,
                   int          row,
                   int          col,
                   const char  *aad,
                   GError     **error)
{
  size_t len = 0;
  unsigned char *blob;
  char *clear;

  if (PQgetisnull (res, row, col))
    return NULL;
  blob = PQunescapeBytea ((const unsigned char *) PQgetvalue (res, row, col), &len);
  if (blob == NULL)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL, "database: bad bytea");
      return NULL;
    }
  clear = fd_crypto_open (self->parent.keys, blob, len, aad, error);
  PQfreemem (blob);
  return clear;
}

char *
fd_pg_id_array_text (const gint64 *ids,
                     guint         n_ids)
{
  g_autofree gint64 *sorted = g_memdup2 (ids, sizeof (gint64) * n_ids);
  GString *text = g_string_sized_new (16 + 12 * n_ids);

  /* an empty page, or the count alone, has no ids (and @ids may be NULL) */
  if (n_ids > 1)
    qsort (sorted, n_ids, sizeof (gint64), fd_engine_compare_id);
  g_string_append_c (text, '{');
  for (guint i = 0; i < n_ids; i++)
    if (i == 0 || sorted[i] != sorted[i - 1])
      g_string_append_printf (text, "%s%" G_GINT64_FORMAT, i > 0 ? "," : "", sorted[i]);
  g_string_append_c (text, '}');
  return g_string_free (text, FALSE);
}
