/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PostgreSQL engine: the integrity check (issue 12), the equivalent of SQLite's PRAGMA integrity_check. */

#include "config.h"

#include "fd-store-pg-private.h"

/* What it checks, on a connection of its own (it may run in a worker):
 *
 *  1. the schema is this server's version (frontdesk_schema);
 *  2. every table of the schema history exists (fd_pg_schema_tables);
 *  3. row-level security: every table with an estate_id column (but the
 *     user_estates grants) has it ENABLEd and FORCEd with the policy
 *     "estate"; every such policy reads the same expression, naming
 *     frontdesk.estate (one altered to USING (true) shows), and no table
 *     has another policy (a permissive one would widen what a request
 *     sees);
 *  4. no index is invalid or not ready (a CREATE INDEX CONCURRENTLY that
 *     failed half-way leaves one, and queries then ignore it);
 *  5. the audit head is there (one row);
 *  6. pages: with amcheck installed and bt_index_check executable by the
 *     server role, every B-tree index of the schema is checked (the full
 *     check adds heapallindexed: every table row is in its indexes).
 *     Without amcheck the full check reads every row of every table, so a
 *     damaged page fails the read; the quick check does not.
 *
 * The audit chain itself is audit_verify's. Messages name tables, indexes
 * and policies, never row values. */

#define MAX_LINES 3

typedef struct
{
  PGconn  *conn;
  GString *problems;
  guint    n_problems;
} Check;

G_GNUC_PRINTF (2, 3)
static void
problem (Check      *c,
         const char *format,
         ...)
{
  va_list args;

  if (c->n_problems++ >= MAX_LINES)
    return;
  if (c->problems->len > 0)
    g_string_append (c->problems, "; ");
  va_start (args, format);
  g_string_append_vprintf (c->problems, format, args);
  va_end (args);
}

/* @sql with at most one text parameter; NULL (a problem noted) on failure. */
static PGresult *
query (Check      *c,
       const char *sql,
       const char *param)
{
  const char *values[] = { param };
  PGresult *res = PQexecParams (c->conn, sql, param != NULL ? 1 : 0, NULL, values, NULL, NULL, 0);

  if (PQresultStatus (res) != PGRES_TUPLES_OK && PQresultStatus (res) != PGRES_COMMAND_OK)
    {
      const char *msg = PQresultErrorField (res, PG_DIAG_MESSAGE_PRIMARY);
      problem (c, "%s", msg != NULL ? msg : "a catalog query failed");
      PQclear (res);
      return NULL;
    }
  return res;
}

/* Each row's first column as one problem, "@what": "name". */
static void
rows_are_problems (Check      *c,
                   PGresult   *res,
                   const char *what)
{
  for (int i = 0; res != NULL && i < PQntuples (res); i++)
    problem (c, "%s %s", what, PQgetvalue (res, i, 0));
  g_clear_pointer (&res, PQclear);
}

static char *
tables_array (void)
{
  g_autoptr(GString) out = g_string_new ("{");

  for (guint i = 0; fd_pg_schema_tables[i] != NULL; i++)
    g_string_append_printf (out, "%s%s", i > 0 ? "," : "", fd_pg_schema_tables[i]);
  g_string_append_c (out, '}');
  return g_string_free (g_steal_pointer (&out), FALSE);
}

#define IN_SCHEMA "relnamespace = to_regnamespace (current_schema ())"

static void
check_catalog (Check *c)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tables = tables_array ();
  PGresult *res;

  if (!fd_pg_schema_current (c->conn, &error))
    problem (c, "%s", error->message);
  rows_are_problems (c, query (c, "SELECT t FROM unnest ($1::text[]) t "
                                  "WHERE to_regclass (quote_ident (t)) IS NULL", tables),
                     "missing table");
  rows_are_problems (c, query (c, "SELECT c.relname FROM pg_class c JOIN pg_attribute a "
                                  "ON a.attrelid = c.oid AND a.attname = 'estate_id' AND "
                                  "NOT a.attisdropped WHERE c." IN_SCHEMA " AND "
                                  "c.relkind IN ('r', 'p') AND c.relname <> 'user_estates' AND "
                                  "NOT (c.relrowsecurity AND c.relforcerowsecurity AND EXISTS "
                                  "(SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND "
                                  "p.polname = 'estate' AND p.polpermissive AND p.polcmd = '*')) "
                                  "ORDER BY 1", NULL),
                     "row-level security is off or without its estate policy on table");
  rows_are_problems (c, query (c, "SELECT format ('%s (policy %s)', c.relname, p.polname) "
                                  "FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid "
                                  "WHERE c." IN_SCHEMA " AND p.polname <> 'estate' ORDER BY 1",
                               NULL),
                     "an extra row-level security policy on table");
  res = query (c, "SELECT count (DISTINCT pg_get_expr (p.polqual, p.polrelid)), "
                  "count (DISTINCT pg_get_expr (p.polwithcheck, p.polrelid)), "
                  "bool_and (pg_get_expr (p.polqual, p.polrelid) LIKE '%frontdesk.estate%' AND "
                  "pg_get_expr (p.polwithcheck, p.polrelid) LIKE '%frontdesk.estate%') "
                  "FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid "
                  "WHERE c." IN_SCHEMA " AND p.polname = 'estate'", NULL);
  if (res != NULL && PQntuples (res) == 1 &&
      (g_strcmp0 (PQgetvalue (res, 0, 0), "1") != 0 ||
       g_strcmp0 (PQgetvalue (res, 0, 1), "1") != 0 || !fd_pg_bool (res, 0, 2)))
    problem (c, "the estate policies differ between tables: one was changed");
  g_clear_pointer (&res, PQclear);
  rows_are_problems (c, query (c, "SELECT ic.relname FROM pg_index i "
                                  "JOIN pg_class ic ON ic.oid = i.indexrelid "
                                  "JOIN pg_class t ON t.oid = i.indrelid WHERE t." IN_SCHEMA
                                  " AND NOT (i.indisvalid AND i.indisready) ORDER BY 1", NULL),
                     "invalid index");
  res = query (c, "SELECT count(*) FROM audit_head WHERE id = 1", NULL);
  if (res != NULL && g_strcmp0 (PQgetvalue (res, 0, 0), "1") != 0)
    problem (c, "the audit head row is missing");
  g_clear_pointer (&res, PQclear);
}

/* TRUE when amcheck's bt_index_check is installed and the role may run it. */
static gboolean
amcheck_usable (Check *c)
{
  PGresult *res = PQexec (c->conn, "SELECT p IS NOT NULL AND has_function_privilege (p, "
                                   "'EXECUTE') FROM to_regprocedure "
                                   "('bt_index_check(regclass,boolean)') p");
  gboolean usable = PQresultStatus (res) == PGRES_TUPLES_OK && PQntuples (res) == 1 &&
                    fd_pg_bool (res, 0, 0);

  PQclear (res);
  return usable;
}

/* Checks each B-tree index of the schema; returns how many were checked. */
static guint
check_indexes (Check    *c,
               gboolean  heapallindexed)
{
  PGresult *list = query (c, "SELECT ic.oid, ic.relname FROM pg_index i "
                             "JOIN pg_class ic ON ic.oid = i.indexrelid "
                             "JOIN pg_am am ON am.oid = ic.relam "
                             "JOIN pg_class t ON t.oid = i.indrelid WHERE t." IN_SCHEMA
                             " AND am.amname = 'btree' AND i.indisvalid AND i.indisready "
                             "ORDER BY 2", NULL);
  guint n = 0;

  for (int i = 0; list != NULL && i < PQntuples (list); i++)
    {
      const char *values[] = { PQgetvalue (list, i, 0), heapallindexed ? "t" : "f" };
      PGresult *res = PQexecParams (c->conn, "SELECT bt_index_check ($1::oid::regclass, "
                                             "$2::boolean)", 2, NULL, values, NULL, NULL, 0);

      if (PQresultStatus (res) == PGRES_TUPLES_OK)
        n++;
      else
        {
          const char *msg = PQresultErrorField (res, PG_DIAG_MESSAGE_PRIMARY);
          problem (c, "index %s: %s", PQgetvalue (list, i, 1), msg != NULL ? msg : "?");
        }
      PQclear (res);
    }
  g_clear_pointer (&list, PQclear);
  return n;
}

/* Reads every row of every table: a damaged heap page fails the read. */
static void
read_tables (Check *c)
{
  for (guint i = 0; fd_pg_schema_tables[i] != NULL; i++)
    {
      PGresult *res;
      /* names from the engine's own list, quoted all the same */
      char *ident = PQescapeIdentifier (c->conn, fd_pg_schema_tables[i],
                                        strlen (fd_pg_schema_tables[i]));
      g_autofree char *sql = NULL;

      if (ident == NULL)
        continue;
      sql = g_strdup_printf ("SELECT count(*) FROM ONLY %s", ident);
      PQfreemem (ident);
      res = query (c, sql, NULL);
      g_clear_pointer (&res, PQclear);
    }
}

gboolean
fd_pg_integrity_check (FdStore *store, gboolean quick, char **report, GError **error)
{
  FdStorePg *self = SELF (store);
  Check c = { 0 };
  g_autofree char *checked = NULL;
  gboolean sound;

  *report = NULL;
  c.conn = fd_pg_connect (self->conninfo, self->password, error);
  if (c.conn == NULL)
    return FALSE;
  /* this connection only, for its whole life: the rows of every estate */
  if (!fd_pg_exec (c.conn, "SELECT set_config ('frontdesk.estate', '*', false)", error))
    {
      PQfinish (c.conn);
      return FALSE;
    }
  c.problems = g_string_new (NULL);
  check_catalog (&c);
  if (amcheck_usable (&c))
    {
      guint n = check_indexes (&c, !quick);
      checked = g_strdup_printf ("PostgreSQL: schema, row-level security and index validity; "
                                 "amcheck's bt_index_check%s on %u B-tree indexes",
                                 quick ? "" : " with heapallindexed", n);
    }
  else
    {
      if (!quick)
        read_tables (&c);
      checked = g_strdup_printf ("PostgreSQL: schema, row-level security and index "
                                 "validity%s; amcheck is not available to the server role, so "
                                 "index pages are not checked",
                                 quick ? "" : ", every table read through");
    }
  PQfinish (c.conn);
  if (c.n_problems > MAX_LINES)
    g_string_append_printf (c.problems, "; and %u more", c.n_problems - MAX_LINES);
  sound = c.n_problems == 0;
  /* when sound, the report says what was checked (fd-store.h) */
  *report = sound ? g_steal_pointer (&checked) : g_string_free (g_steal_pointer (&c.problems), FALSE);
  if (c.problems != NULL)
    g_string_free (c.problems, TRUE);
  return sound;
}
