/* SPDX-License-Identifier: GPL-3.0-or-later */
/* move-store's records: rooms, residents, visitors, alerts, audit: office to estate (issue 16). */

#include "config.h"

#include <string.h>

#include "fd-cli-move-store-private.h"

/* rooms */

gboolean
fd_move_copy_rooms (Move      *m,
                    gint64    *last_id,
                    gboolean  *done,
                    GError   **error)
{
  sqlite3_stmt *stmt = fd_move_prepare (m, "SELECT room, building, unit, number FROM rooms "
                                          "WHERE estate_id = ? ORDER BY room", error);
  gboolean ok = stmt != NULL;
  int rc = SQLITE_ROW;

  if (ok)
    sqlite3_bind_int64 (stmt, 1, m->office_estate);
  while (ok && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    ok = fd_pg_move_room (m->store, m->move.estate_id,
                          (const char *) sqlite3_column_text (stmt, 0),
                          sqlite3_column_int64 (stmt, 1), sqlite3_column_int64 (stmt, 2),
                          sqlite3_column_int64 (stmt, 3), error);
  if (ok && rc != SQLITE_DONE)
    ok = fd_move_failed (m, error, "rooms");
  sqlite3_finalize (stmt);
  *last_id = 0;
  *done = ok;
  return ok;
}

/* residents */

typedef struct
{
  FdResidentInput  in;
  char            *name, *room, *initials, *phone, *id_number, *address, *account, *paid;
  char           **plates;
} ResidentRow;

static void
resident_row_clear (ResidentRow *r)
{
  g_free (r->name);
  g_free (r->room);
  g_free (r->initials);
  fd_secret_free (r->phone);
  fd_secret_free (r->id_number);
  fd_secret_free (r->address);
  fd_secret_free (r->account);
  g_free (r->paid);
  g_strfreev (r->plates);
}

static gboolean
read_resident_extras (Move         *m,
                      sqlite3_stmt *plates,
                      sqlite3_stmt *payment,
                      gint64        id,
                      ResidentRow  *r,
                      GError      **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new ();
  gboolean ok = TRUE;

  sqlite3_reset (plates);
  sqlite3_bind_int64 (plates, 1, id);
  while (sqlite3_step (plates) == SQLITE_ROW)
    g_ptr_array_add (list, fd_move_col_text (plates, 0));
  g_ptr_array_add (list, NULL);
  r->plates = (char **) g_ptr_array_free (g_steal_pointer (&list), FALSE);
  sqlite3_reset (payment);
  sqlite3_bind_int64 (payment, 1, id);
  if (sqlite3_step (payment) == SQLITE_ROW)
    {
      ok = fd_move_col_open (m, payment, 0, "payments", id, "account", &r->account, error);
      r->in.balance_cents = sqlite3_column_int64 (payment, 1);
      r->in.overdue = sqlite3_column_int (payment, 2) != 0;
      r->paid = fd_move_col_text (payment, 3);
    }
  return ok;
}

gboolean
fd_move_copy_residents (Move      *m,
                        gint64    *last_id,
                        gboolean  *done,
                        GError   **error)
{
  sqlite3_stmt *stmt = fd_move_prepare (m, "SELECT id, name, room, initials, phone_enc, id_enc, "
                                          "address_enc FROM residents WHERE estate_id = ? AND "
                                          "id > ? ORDER BY id LIMIT ?", error);
  sqlite3_stmt *plates = fd_move_prepare (m, "SELECT plate FROM plates WHERE resident_id = ? "
                                            "ORDER BY rowid", error);
  sqlite3_stmt *payment = fd_move_prepare (m, "SELECT account_enc, balance_cents, overdue, "
                                             "last_paid_at FROM payments WHERE resident_id = ?",
                                           error);
  ResidentRow *rows = g_new0 (ResidentRow, m->batch);
  FdResidentInput *inputs = g_new0 (FdResidentInput, m->batch);
  gboolean ok = stmt != NULL && plates != NULL && payment != NULL;
  guint n = 0;
  int rc = SQLITE_ROW;

  if (ok)
    {
      sqlite3_bind_int64 (stmt, 1, m->office_estate);
      sqlite3_bind_int64 (stmt, 2, *last_id);
      sqlite3_bind_int64 (stmt, 3, m->batch);
    }
  while (ok && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      ResidentRow *r = &rows[n++];
      gint64 id = sqlite3_column_int64 (stmt, 0);

      r->name = fd_move_col_text (stmt, 1);
      r->room = fd_move_col_text (stmt, 2);
      r->initials = fd_move_col_text (stmt, 3);
      ok = fd_move_col_open (m, stmt, 4, "residents", id, "phone", &r->phone, error) &&
           fd_move_col_open (m, stmt, 5, "residents", id, "id_number", &r->id_number, error) &&
           fd_move_col_open (m, stmt, 6, "residents", id, "home_address", &r->address, error) &&
           read_resident_extras (m, plates, payment, id, r, error);
      r->in.name = r->name;
      r->in.room = r->room;
      r->in.initials = r->initials;
      r->in.phone = r->phone;
      r->in.id_number = r->id_number;
      r->in.home_address = r->address;
      r->in.plates = (const char * const *) r->plates;
      r->in.payment_account = r->account;
      r->in.last_paid_at = r->paid;
      r->in.estate_id = m->move.estate_id;
      inputs[n - 1] = r->in;
      *last_id = id;
    }
  if (ok && rc != SQLITE_ROW && rc != SQLITE_DONE)
    ok = fd_move_failed (m, error, "residents");
  if (ok && n > 0)
    ok = FD_STORE_CALL (m->store, resident_insert_many, inputs, n, error);
  m->copied += ok ? n : 0;
  *done = ok && n < m->batch;
  for (guint i = 0; i < n; i++)
    resident_row_clear (&rows[i]);
  g_free (rows);
  g_free (inputs);
  sqlite3_finalize (stmt);
  sqlite3_finalize (plates);
  sqlite3_finalize (payment);
  return ok;
}

/* visitors, alerts, the audit chain: one office row at a time */

typedef gboolean (*RowFunc) (Move *m, sqlite3_stmt *stmt, gint64 *last_id, GError **error);

/* The next batch of @sql's rows (parameters: the last id copied, the
 * batch size), each handed to @row. */
static gboolean
copy_rows (Move        *m,
           const char  *sql,
           RowFunc      row,
           const char  *what,
           gint64      *last_id,
           gboolean    *done,
           GError     **error)
{
  sqlite3_stmt *stmt = fd_move_prepare (m, sql, error);
  gboolean ok = stmt != NULL;
  guint n = 0;
  int rc = SQLITE_ROW;

  if (ok)
    {
      sqlite3_bind_int64 (stmt, 1, *last_id);
      sqlite3_bind_int64 (stmt, 2, m->batch);
    }
  while (ok && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      ok = row (m, stmt, last_id, error);
      n++;
    }
  if (ok && rc != SQLITE_ROW && rc != SQLITE_DONE)
    ok = fd_move_failed (m, error, what);
  sqlite3_finalize (stmt);
  m->copied += ok ? n : 0;
  *done = ok && n < m->batch;
  return ok;
}

static gboolean
visitor_row (Move          *m,
             sqlite3_stmt  *stmt,
             gint64        *last_id,
             GError       **error)
{
  FdVisitorRecord v = { 0 };
  char *phone = NULL, *id_number = NULL;
  gboolean ok;

  v.id = sqlite3_column_int64 (stmt, 0);
  v.name = fd_move_col_text (stmt, 1);
  v.phone_masked = fd_move_col_text (stmt, 3);
  v.id_masked = fd_move_col_text (stmt, 5);
  v.room = fd_move_col_text (stmt, 6);
  v.purpose = fd_move_col_text (stmt, 7);
  v.plate = fd_move_col_text (stmt, 8);
  v.arrived_at = sqlite3_column_int64 (stmt, 9);
  v.left_at = sqlite3_column_int64 (stmt, 10);
  v.registered_by = fd_move_col_text (stmt, 11);
  ok = fd_move_col_open (m, stmt, 2, "visitors", v.id, "phone", &phone, error) &&
       fd_move_col_open (m, stmt, 4, "visitors", v.id, "id_number", &id_number, error) &&
       fd_pg_move_visitor (m->store, m->move.estate_id, &v, phone, id_number, error);
  fd_secret_free (phone);
  fd_secret_free (id_number);
  *last_id = v.id;
  g_free (v.name);
  g_free (v.phone_masked);
  g_free (v.id_masked);
  g_free (v.room);
  g_free (v.purpose);
  g_free (v.plate);
  g_free (v.registered_by);
  return ok;
}

gboolean
fd_move_copy_visitors (Move      *m,
                       gint64    *last_id,
                       gboolean  *done,
                       GError   **error)
{
  /* an integer formatted here: the office's one estate */
  g_autofree char *sql = g_strdup_printf ("SELECT id, name, phone_enc, phone_masked, id_enc, "
                                          "id_masked, room, purpose, plate, arrived_at, "
                                          "left_at, registered_by FROM visitors WHERE "
                                          "estate_id = %" G_GINT64_FORMAT " AND id > ? "
                                          "ORDER BY id LIMIT ?", m->office_estate);

  return copy_rows (m, sql, visitor_row, "visitors", last_id, done, error);
}

static gboolean
alert_row (Move          *m,
           sqlite3_stmt  *stmt,
           gint64        *last_id,
           GError       **error)
{
  FdAlertRecord alert = { 0 };
  gboolean ok;

  alert.id = sqlite3_column_int64 (stmt, 0);
  alert.at = fd_move_col_text (stmt, 1);
  alert.kind = fd_move_col_text (stmt, 2);
  alert.actor = fd_move_col_text (stmt, 3);
  alert.detail = fd_move_col_text (stmt, 4);
  ok = fd_pg_move_alert (m->store, m->move.estate_id, &alert, error);
  *last_id = alert.id;
  g_free (alert.at);
  g_free (alert.kind);
  g_free (alert.actor);
  g_free (alert.detail);
  return ok;
}

gboolean
fd_move_copy_alerts (Move      *m,
                     gint64    *last_id,
                     gboolean  *done,
                     GError   **error)
{
  return copy_rows (m, "SELECT id, at, kind, actor, detail FROM alerts WHERE id > ? "
                       "ORDER BY id LIMIT ?", alert_row, "alerts", last_id, done, error);
}

/* the audit chain, as it is */

static gboolean
audit_row (Move          *m,
           sqlite3_stmt  *stmt,
           gint64        *last_id,
           GError       **error)
{
  FdAuditEntry e = { 0 };
  char **text[] = { &e.at, &e.actor, NULL, &e.role, &e.session_hash, &e.workstation, &e.ip,
                    &e.action, &e.target, &e.field, &e.reason_code, &e.reason_text,
                    &e.outcome, &e.prev_hash, &e.hash };
  gboolean ok;

  e.seq = sqlite3_column_int64 (stmt, 0);
  e.actor_id = sqlite3_column_int64 (stmt, 3);
  e.estate_id = sqlite3_column_int64 (stmt, 16);
  for (guint c = 0; c < G_N_ELEMENTS (text); c++)
    if (text[c] != NULL)
      *text[c] = fd_move_col_text (stmt, (int) c + 1);
  ok = fd_pg_move_audit (m->store, m->move.estate_id, &e, error);
  *last_id = e.seq;
  fd_audit_entry_clear (&e);
  return ok;
}

gboolean
fd_move_copy_audit (Move      *m,
                    gint64    *last_id,
                    gboolean  *done,
                    GError   **error)
{
  return copy_rows (m, "SELECT seq, at, actor, actor_id, role, session_hash, workstation, ip, "
                       "action, target, field, reason_code, reason_text, outcome, prev_hash, "
                       "hash, estate_id FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?",
                    audit_row, "audit log", last_id, done, error);
}

