/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PostgreSQL engine: who an audited listing showed, and an incident's radius (issue 12, rules). */

#include "config.h"

#include "fd-store-pg-private.h"

/* As on SQLite (fd-store-sqlite-radius.c): the residents a search listed
 * and the visitors an export carried are kept by the entry's seq, so the
 * radius of an incident reads them through the audit log's actor index;
 * here one row per (entry, kind) in audit_subject_lists, the ids sorted
 * and once each in an array (schema step 9: a row per subject cost a
 * search 50 rows and 100 index entries at its group commit). The table
 * is part of the audit log: estate_id first (the request's estate, 0 for
 * a company-wide one), row-level security, append-only to the server
 * role (fd-store-pg-schema.c, step 6).
 *
 * The radius is counted by PostgreSQL (GROUP BY in one statement) on a
 * connection of its own in one REPEATABLE READ snapshot: it runs in a
 * worker thread while the main thread keeps writing. */

gboolean
fd_pg_audit_subjects_add (FdStore *store, gint64 seq, char kind, const gint64 *ids, guint n_ids,
                          GError **error)
{
  FdStorePg *self = SELF (store);
  g_autofree char *array = NULL;
  const char kind_text[2] = { kind, '\0' };
  FdPgArgs a = { 0 };

  if (n_ids == 0)
    return TRUE;
  if (seq < 0)    /* an entry of the group commit, not written yet (fd-store-pg-commit.c) */
    return fd_pg_audit_subjects_defer (self, seq, kind, ids, n_ids, error);
  array = fd_pg_id_array_text (ids, n_ids);
  fd_pg_arg_int (&a, SCOPE (self));
  fd_pg_arg_int (&a, seq);
  fd_pg_arg_text (&a, kind_text);
  fd_pg_arg_text (&a, array);
  /* once an entry: a second list for it is refused (the primary key) */
  return fd_pg_query_ok (self, "INSERT INTO audit_subject_lists (estate_id, seq, kind, "
                               "subject_ids) VALUES ($1, $2, $3, $4::bigint[])", &a, error);
}

/* One row per (subject, action, field, role) the actor touched in the
 * window, with the count and the subject's name, room and estate (0 and
 * NULLs when it is gone); subjects of an estate other than $4 (unless 0)
 * left out, and what was done to them with them. Direct entries name
 * their resident in target (digits, as SQLite's GLOB '[0-9]*' and CAST
 * read it); listings and exports follow seq into audit_subject_lists. */
static const char radius_sql[] =
  "WITH t AS ("
  "  SELECT false AS visitor, substring (target FROM '^[0-9]+')::bigint AS subject_id, action,"
  "         field, role FROM audit_log"
  "   WHERE actor_id = $1 AND action IN ('view', 'reveal', 'verify') AND at >= $2 AND at < $3"
  "     AND outcome = 'allowed' AND target ~ '^[0-9]'"
  "  UNION ALL"
  "  SELECT s.kind = 'v', u.subject_id, a.action, NULL, a.role FROM audit_log a"
  "    JOIN audit_subject_lists s ON s.seq = a.seq"
  "    CROSS JOIN LATERAL unnest (s.subject_ids) AS u (subject_id)"
  "   WHERE a.actor_id = $1 AND a.action IN ('search', 'export') AND a.at >= $2 AND a.at < $3"
  "     AND a.outcome = 'allowed'),"
  " c AS (SELECT visitor, subject_id, action, field, role, count(*) AS n FROM t"
  "        GROUP BY 1, 2, 3, 4, 5),"
  " s AS (SELECT DISTINCT visitor, subject_id FROM c),"
  " i AS (SELECT s.visitor, s.subject_id, coalesce (r.name, v.name) AS name,"
  "              coalesce (r.room, v.room) AS room,"
  "              coalesce (r.estate_id, v.estate_id, 0) AS estate_id FROM s"
  "         LEFT JOIN residents r ON NOT s.visitor AND r.id = s.subject_id"
  "         LEFT JOIN visitors v ON s.visitor AND v.id = s.subject_id)"
  " SELECT c.visitor, c.subject_id, c.action, c.field, c.role, c.n, i.name, i.room, i.estate_id"
  "   FROM c JOIN i USING (visitor, subject_id)"
  "  WHERE $4::bigint = 0 OR i.estate_id IN (0, $4::bigint)"
  "  ORDER BY c.subject_id, c.visitor";

gboolean
fd_pg_incident_radius (FdStore *store, gint64 actor_id, const char *from, const char *to,
                       FdRadiusData *out, GError **error)
{
  FdStorePg *self = SELF (store);
  char actor[24], scope[24];
  const char *values[] = { actor, from, to, scope };
  PGconn *conn;
  PGresult *res;
  FdRadiusSubject *subject = NULL;
  gboolean ok;

  out->touches = g_ptr_array_new ();
  out->subjects = g_ptr_array_new ();
  g_snprintf (actor, sizeof actor, "%" G_GINT64_FORMAT, actor_id);
  g_snprintf (scope, sizeof scope, "%" G_GINT64_FORMAT, out->scope);
  conn = fd_pg_connect (self->conninfo, self->password, error);
  if (conn == NULL)
    return FALSE;
  /* every estate's rows reach the query: it filters on out->scope itself */
  ok = fd_pg_exec (conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; "
                         "SELECT set_config ('frontdesk.estate', '*', true)", error);
  res = ok ? PQexecParams (conn, radius_sql, 4, NULL, values, NULL, NULL, 0) : NULL;
  if (ok && PQresultStatus (res) != PGRES_TUPLES_OK)
    {
      const char *msg = PQresultErrorField (res, PG_DIAG_MESSAGE_PRIMARY);
      g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL, "incident radius: %s",
                   msg != NULL ? msg : "the query failed");
      ok = FALSE;
    }
  for (int row = 0; ok && row < PQntuples (res); row++)
    {
      FdRadiusTouch *t = g_new0 (FdRadiusTouch, 1);

      t->kind = fd_pg_bool (res, row, 0) ? FD_RADIUS_VISITOR : FD_RADIUS_RESIDENT;
      t->subject_id = fd_pg_int (res, row, 1);
      t->action = fd_pg_text (res, row, 2);
      t->field = fd_pg_text (res, row, 3);
      t->role = fd_pg_text (res, row, 4);
      t->count = (guint) fd_pg_int (res, row, 5);
      g_ptr_array_add (out->touches, t);
      /* rows come by subject: a new one starts a subject */
      if (subject == NULL || subject->kind != t->kind || subject->id != t->subject_id)
        {
          subject = g_new0 (FdRadiusSubject, 1);
          subject->kind = t->kind;
          subject->id = t->subject_id;
          subject->name = fd_pg_text (res, row, 6);
          subject->room = fd_pg_text (res, row, 7);
          subject->estate_id = fd_pg_int (res, row, 8);
          g_ptr_array_add (out->subjects, subject);
        }
    }
  g_clear_pointer (&res, PQclear);
  fd_pg_exec (conn, "COMMIT", NULL);
  PQfinish (conn);
  return ok;
}
