/* SPDX-License-Identifier: GPL-3.0-or-later */
/* move-store: an office's SQLite database into the company's PostgreSQL as one estate (issue 16). */

#include "config.h"

#include <string.h>

#include "fd-cli.h"
#include "fd-error.h"
#include "fd-estates.h"
#include "fd-field.h"
#include "fd-policy.h"
#include "fd-seed.h"
#include "fd-store-pg-move.h"

/* `frontdesk-server move-store --config FILE --from-data-dir DIR --estate CODE`
 *
 * The office (DIR: its database and its key file) must be stopped: the
 * move holds SQLite's exclusive lock on it from start to end, after
 * checking it (integrity, key, audit chain). The target is the
 * configured PostgreSQL; the estate CODE is made when absent.
 *
 * Keys: every sealed value is opened with the office's key and sealed
 * again under the company's, because its associated data names its row
 * ("residents:ID:phone") and rows get new ids in the company's sequences;
 * blind indexes are computed again under the company's index key. So the
 * office and the company need not share a key, and the office's key file
 * is only read (it is needed for the move and for opening the office's
 * backups, nothing else).
 *
 * Accounts: an office account whose name the company does not use is
 * created with its password hash, its second factor (the secret sealed
 * again; recovery codes are keyed by the secret and move as they are) and
 * the new estate only — an office's admin or auditor, who held every
 * estate of the office, holds only this estate in the company, never the
 * company. A name the company already uses is refused (before anything is
 * written) unless the command says how to settle it: --merge-accounts
 * takes a manager, auditor or admin of the same name and role to be the
 * same person (the company account, its password and second factor, gains
 * the estate, unless it is company-wide already) — never a desk account,
 * which holds one estate; --account-suffix S moves the others as NAME+S.
 * Nothing merges by default: a name alone is no proof of a person, and a
 * merge grants the company account the office's residents. Sessions,
 * lockouts, limit counters, reviews and alert deliveries stay behind: they
 * are the office's running state, not its records.
 *
 * The office's audit chain moves as the estate's prior history with its
 * own seqs and hashes (audit_imported), anchored by one "store-move" entry
 * in the company chain (fd-store-pg-move.h).
 *
 * Resumable: each batch is one transaction with the move's progress
 * (store_moves) written in it; a rerun with the same arguments continues
 * after the last committed batch. A finished move is refused: the
 * estate already holds the office. */

#define DEFAULT_BATCH 500

typedef struct
{
  FdStore  *store;        /* the company's (PostgreSQL) */
  sqlite3  *db;           /* the office's, locked */
  FdKeys   *keys;         /* the office's */
  gint64    office_estate;
  FdPgMove  move;
  const char *code;
  guint     batch;
  guint     created_users;
  guint     merged_users;
  gboolean  merge;        /* --merge-accounts */
  const char *suffix;     /* --account-suffix */
  gint64    copied;       /* rows of the stage in this run */
} Move;

static const char * const stages[] = {
  "users", "rooms", "residents", "visitors", "alerts", "audit", "finish", NULL
};

static gboolean
office_failed (Move        *m,
               GError     **error,
               const char  *what)
{
  g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL, "the office's database: %s: %s", what,
               sqlite3_errmsg (m->db));
  return FALSE;
}

static sqlite3_stmt *
office_prepare (Move        *m,
                const char  *sql,
                GError     **error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (m->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      office_failed (m, error, "cannot read");
      return NULL;
    }
  return stmt;
}

static char *
col_text (sqlite3_stmt *stmt,
          int           col)
{
  const unsigned char *text = sqlite3_column_text (stmt, col);

  return text != NULL ? g_strdup ((const char *) text) : NULL;
}

/* Opens a sealed column of the office with its key; NULL for SQL NULL. */
static gboolean
col_open (Move          *m,
          sqlite3_stmt  *stmt,
          int            col,
          const char    *table,
          gint64         id,
          const char    *column,
          char         **clear,
          GError       **error)
{
  g_autofree char *aad = g_strdup_printf ("%s:%" G_GINT64_FORMAT ":%s", table, id, column);
  const void *blob = sqlite3_column_blob (stmt, col);

  *clear = NULL;
  if (blob == NULL)
    return TRUE;
  *clear = fd_crypto_open (m->keys, blob, sqlite3_column_bytes (stmt, col), aad, error);
  return *clear != NULL;
}

/* One transaction on the company's database: @fn, then the progress. */
static gboolean
in_tx (Move      *m,
       gboolean (*fn) (Move *m, gint64 *last_id, gboolean *stage_done, GError **error),
       gboolean  *stage_done,
       GError   **error)
{
  gint64 last_id = m->move.last_id;
  const char *stage = m->move.stage;
  gboolean ok;

  *stage_done = FALSE;
  ok = FD_STORE_CALL (m->store, begin, error) && fn (m, &last_id, stage_done, error);
  if (ok && *stage_done)
    {
      guint i = 0;

      while (stages[i] != NULL && !g_str_equal (stages[i], stage))
        i++;
      stage = stages[i + 1];
      last_id = 0;
    }
  ok = ok && fd_pg_move_progress (m->store, &m->move, stage, last_id, error) &&
       FD_STORE_CALL (m->store, commit, error);
  if (!ok)
    FD_STORE_CALL0 (m->store, rollback);
  return ok;
}

/* accounts */

typedef enum
{
  ACCOUNT_CREATE,        /* a new company account, of the estate only */
  ACCOUNT_MERGE,         /* the company account of the name gains the estate */
  ACCOUNT_CLASH,         /* refused */
} AccountMove;

/* A desk account (reception, patrol, finance) holds one estate
 * (fd_estates_for_role); a manager several, an auditor or admin several or all. */
static gboolean
role_holds_several (const char *role)
{
  return g_strcmp0 (role, "manager") == 0 || fd_role_company_wide_ok (role);
}

/* What becomes of office account @name (@role): *@name_out is the
 * company's name for it, *@existing the company account to merge into. */
static AccountMove
decide_account (Move          *m,
                const char    *name,
                const char    *role,
                char         **name_out,
                FdUserRecord **existing)
{
  g_autoptr(FdUserRecord) user = FD_STORE_CALL (m->store, user_by_name, name);
  g_autofree char *renamed = NULL;

  *name_out = g_strdup (name);
  *existing = NULL;
  if (user == NULL)
    return ACCOUNT_CREATE;
  /* the same person only when asked, and only in a role that may hold
   * several estates (a desk account holds one) */
  if (m->merge && g_strcmp0 (user->role, role) == 0 && role_holds_several (role))
    {
      *existing = g_steal_pointer (&user);
      return ACCOUNT_MERGE;
    }
  if (m->suffix == NULL)
    return ACCOUNT_CLASH;
  renamed = g_strconcat (name, m->suffix, NULL);
  g_clear_pointer (&user, fd_user_record_free);
  user = FD_STORE_CALL (m->store, user_by_name, renamed);
  if (user != NULL || !fd_username_valid (renamed))
    return ACCOUNT_CLASH;
  g_free (*name_out);
  *name_out = g_steal_pointer (&renamed);
  return ACCOUNT_CREATE;
}

/* Refuses the move when an office account's name is taken in the company
 * and neither --merge-accounts nor --account-suffix settles it: inside the
 * transaction that starts the move, so a refused move writes nothing. */
static gboolean
check_accounts (gpointer   data,
                GError   **error)
{
  Move *m = data;
  sqlite3_stmt *stmt = office_prepare (m, "SELECT username, role FROM users ORDER BY id", error);
  g_autoptr(GString) clash = g_string_new (NULL);
  guint n = 0;

  if (stmt == NULL)
    return FALSE;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (stmt, 0);
      const char *role = (const char *) sqlite3_column_text (stmt, 1);
      g_autofree char *company_name = NULL;
      g_autoptr(FdUserRecord) existing = NULL;

      if (decide_account (m, name, role, &company_name, &existing) == ACCOUNT_CLASH)
        g_string_append_printf (clash, "%s%s (%s)", n++ > 0 ? ", " : "", name, role);
    }
  sqlite3_finalize (stmt);
  if (n > 0)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                   "%u office account%s a name the company already uses: %s. Give "
                   "--account-suffix SUFFIX to move them as NAME+SUFFIX, and/or "
                   "--merge-accounts when a manager, auditor or admin of the same name and "
                   "role is the same person (that company account then gains the estate)",
                   n, n == 1 ? " has" : "s have", clash->str);
      return FALSE;
    }
  return TRUE;
}

/* The office account's second factor onto company account @user_id. */
static gboolean
move_totp (Move     *m,
           gint64    office_id,
           gint64    user_id,
           GError  **error)
{
  sqlite3_stmt *stmt = office_prepare (m, "SELECT secret_enc, confirmed, last_step, exempt "
                                          "FROM user_totp WHERE user_id = ?", error);
  g_autoptr(GPtrArray) codes = g_ptr_array_new_with_free_func (g_free);
  FdTotpRecord record = { 0 };
  gboolean ok = TRUE, found;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, office_id);
  found = sqlite3_step (stmt) == SQLITE_ROW;
  if (found)
    {
      record.user_id = user_id;
      ok = col_open (m, stmt, 0, "user_totp", office_id, "secret", &record.secret, error);
      record.confirmed = sqlite3_column_int (stmt, 1) != 0;
      record.last_step = sqlite3_column_int64 (stmt, 2);
      record.exempt = sqlite3_column_int (stmt, 3) != 0;
    }
  sqlite3_finalize (stmt);
  if (!found || !ok)
    return ok;
  stmt = office_prepare (m, "SELECT code_hash FROM totp_recovery WHERE user_id = ? AND "
                            "used_at = 0", error);
  ok = stmt != NULL;
  if (ok)
    {
      sqlite3_bind_int64 (stmt, 1, office_id);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        g_ptr_array_add (codes, col_text (stmt, 0));
      sqlite3_finalize (stmt);
      g_ptr_array_add (codes, NULL);
      ok = FD_STORE_CALL (m->store, totp_put, &record, (const char * const *) codes->pdata,
                          error);
    }
  fd_secret_free (record.secret);
  return ok;
}

static gboolean
move_one_account (Move          *m,
                  sqlite3_stmt  *stmt,
                  GError       **error)
{
  gint64 office_id = sqlite3_column_int64 (stmt, 0);
  g_autoptr(FdUserRecord) existing = NULL;
  g_autofree char *office_name = col_text (stmt, 1);
  FdUserRecord user = { 0 };
  g_autofree char *target = NULL, *origin = NULL;
  AccountMove what;
  gboolean ok;

  user.display_name = col_text (stmt, 2);
  user.role = col_text (stmt, 3);
  user.password_hash = col_text (stmt, 4);
  user.disabled = sqlite3_column_int (stmt, 5) != 0;
  /* a lock an admin set stays; a lockout of failed sign-ins does not */
  user.locked_until = sqlite3_column_int64 (stmt, 6) < 0 ? -1 : 0;
  origin = col_text (stmt, 7);
  what = decide_account (m, office_name, user.role, &user.username, &existing);
  if (what == ACCOUNT_CLASH)
    {
      ok = FALSE;
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                   "the office account %s clashes with a company account made since the move "
                   "began", office_name);
    }
  else if (what == ACCOUNT_MERGE)
    {
      g_autoptr(GArray) grants = FD_STORE_CALL (m->store, user_estates, existing->id);
      gboolean held = grants->len == 0;   /* company-wide */

      for (guint i = 0; i < grants->len; i++)
        held = held || g_array_index (grants, gint64, i) == m->move.estate_id;
      if (!held)
        g_array_append_val (grants, m->move.estate_id);
      ok = held || FD_STORE_CALL (m->store, user_estates_set, existing->id,
                                  (const gint64 *) grants->data, grants->len, error);
      target = g_strdup_printf ("%" G_GINT64_FORMAT, existing->id);
      ok = ok && fd_seed_audit_cli (m->store, "account-change", target,
                                    "moved office: the account of the same name and role "
                                    "holds the estate", error);
      m->merged_users++;
    }
  else
    {
      gint64 id = FD_STORE_CALL (m->store, user_insert, &user, error);

      ok = id != 0 &&
           FD_STORE_CALL (m->store, user_estates_set, id, &m->move.estate_id, 1, error) &&
           (origin == NULL ||
            FD_STORE_CALL (m->store, password_origin_set, id, origin, error)) &&
           move_totp (m, office_id, id, error);
      target = g_strdup_printf ("%" G_GINT64_FORMAT, id);
      ok = ok && fd_seed_audit_cli (m->store, "account-change", target,
                                    "moved office: account created", error);
      m->created_users++;
      if (ok && !g_str_equal (office_name, user.username))
        g_print ("move-store: the office account %s is %s in the company\n", office_name,
                 user.username);
    }
  g_free (user.username);
  g_free (user.display_name);
  g_free (user.role);
  fd_secret_free (user.password_hash);
  return ok;
}

static gboolean
copy_users (Move      *m,
            gint64    *last_id,
            gboolean  *done,
            GError   **error)
{
  sqlite3_stmt *stmt = office_prepare (m, "SELECT u.id, u.username, u.display_name, u.role, "
                                          "u.password_hash, u.disabled, u.locked_until, "
                                          "o.origin FROM users u LEFT JOIN password_origins o "
                                          "ON o.user_id = u.id ORDER BY u.id", error);
  gboolean ok = stmt != NULL;
  int rc = SQLITE_ROW;

  while (ok && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    ok = move_one_account (m, stmt, error);
  if (ok && rc != SQLITE_DONE)
    ok = office_failed (m, error, "accounts");
  sqlite3_finalize (stmt);
  *last_id = 0;
  *done = ok;
  return ok;
}

/* rooms */

static gboolean
copy_rooms (Move      *m,
            gint64    *last_id,
            gboolean  *done,
            GError   **error)
{
  sqlite3_stmt *stmt = office_prepare (m, "SELECT room, building, unit, number FROM rooms "
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
    ok = office_failed (m, error, "rooms");
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
    g_ptr_array_add (list, col_text (plates, 0));
  g_ptr_array_add (list, NULL);
  r->plates = (char **) g_ptr_array_free (g_steal_pointer (&list), FALSE);
  sqlite3_reset (payment);
  sqlite3_bind_int64 (payment, 1, id);
  if (sqlite3_step (payment) == SQLITE_ROW)
    {
      ok = col_open (m, payment, 0, "payments", id, "account", &r->account, error);
      r->in.balance_cents = sqlite3_column_int64 (payment, 1);
      r->in.overdue = sqlite3_column_int (payment, 2) != 0;
      r->paid = col_text (payment, 3);
    }
  return ok;
}

static gboolean
copy_residents (Move      *m,
                gint64    *last_id,
                gboolean  *done,
                GError   **error)
{
  sqlite3_stmt *stmt = office_prepare (m, "SELECT id, name, room, initials, phone_enc, id_enc, "
                                          "address_enc FROM residents WHERE estate_id = ? AND "
                                          "id > ? ORDER BY id LIMIT ?", error);
  sqlite3_stmt *plates = office_prepare (m, "SELECT plate FROM plates WHERE resident_id = ? "
                                            "ORDER BY rowid", error);
  sqlite3_stmt *payment = office_prepare (m, "SELECT account_enc, balance_cents, overdue, "
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

      r->name = col_text (stmt, 1);
      r->room = col_text (stmt, 2);
      r->initials = col_text (stmt, 3);
      ok = col_open (m, stmt, 4, "residents", id, "phone", &r->phone, error) &&
           col_open (m, stmt, 5, "residents", id, "id_number", &r->id_number, error) &&
           col_open (m, stmt, 6, "residents", id, "home_address", &r->address, error) &&
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
    ok = office_failed (m, error, "residents");
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
  sqlite3_stmt *stmt = office_prepare (m, sql, error);
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
    ok = office_failed (m, error, what);
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
  v.name = col_text (stmt, 1);
  v.phone_masked = col_text (stmt, 3);
  v.id_masked = col_text (stmt, 5);
  v.room = col_text (stmt, 6);
  v.purpose = col_text (stmt, 7);
  v.plate = col_text (stmt, 8);
  v.arrived_at = sqlite3_column_int64 (stmt, 9);
  v.left_at = sqlite3_column_int64 (stmt, 10);
  v.registered_by = col_text (stmt, 11);
  ok = col_open (m, stmt, 2, "visitors", v.id, "phone", &phone, error) &&
       col_open (m, stmt, 4, "visitors", v.id, "id_number", &id_number, error) &&
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

static gboolean
copy_visitors (Move      *m,
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
  alert.at = col_text (stmt, 1);
  alert.kind = col_text (stmt, 2);
  alert.actor = col_text (stmt, 3);
  alert.detail = col_text (stmt, 4);
  ok = fd_pg_move_alert (m->store, m->move.estate_id, &alert, error);
  *last_id = alert.id;
  g_free (alert.at);
  g_free (alert.kind);
  g_free (alert.actor);
  g_free (alert.detail);
  return ok;
}

static gboolean
copy_alerts (Move      *m,
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
      *text[c] = col_text (stmt, (int) c + 1);
  ok = fd_pg_move_audit (m->store, m->move.estate_id, &e, error);
  *last_id = e.seq;
  fd_audit_entry_clear (&e);
  return ok;
}

static gboolean
copy_audit (Move      *m,
            gint64    *last_id,
            gboolean  *done,
            GError   **error)
{
  return copy_rows (m, "SELECT seq, at, actor, actor_id, role, session_hash, workstation, ip, "
                       "action, target, field, reason_code, reason_text, outcome, prev_hash, "
                       "hash, estate_id FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?",
                    audit_row, "audit log", last_id, done, error);
}

/* The office chain's length and head hash: what the anchor names. */
static gboolean
office_head (Move     *m,
             gint64   *seq,
             char    **hash,
             GError  **error)
{
  sqlite3_stmt *stmt = office_prepare (m, "SELECT seq, hash FROM audit_log ORDER BY seq DESC "
                                          "LIMIT 1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  *seq = 0;
  *hash = g_strdup ("0000000000000000000000000000000000000000000000000000000000000000");
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *seq = sqlite3_column_int64 (stmt, 0);
      g_free (*hash);
      *hash = col_text (stmt, 1);
    }
  sqlite3_finalize (stmt);
  return rc == SQLITE_ROW || rc == SQLITE_DONE || office_failed (m, error, "audit log");
}

static gboolean
finish (Move      *m,
        gint64    *last_id,
        gboolean  *done,
        GError   **error)
{
  FdAuditEntry entry = { 0 };
  g_autofree char *hash = NULL;
  gint64 seq = 0;
  gboolean ok;

  if (!office_head (m, &seq, &hash, error))
    return FALSE;
  entry.at = fd_time_format_rfc3339 (g_get_real_time ());
  entry.actor = g_strdup ("(command line)");
  entry.role = g_strdup ("admin");
  entry.workstation = g_strdup (g_get_host_name ());
  entry.action = g_strdup ("store-move");
  entry.target = g_strdup_printf ("estate %s", m->code);
  entry.reason_text = g_strdup_printf (FD_PG_MOVE_ANCHOR_FORMAT, seq, hash);
  entry.outcome = g_strdup ("allowed");
  entry.estate_id = m->move.estate_id;
  ok = FD_STORE_CALL (m->store, audit_append, &entry, error) &&
       fd_pg_move_finish (m->store, &m->move, error);
  fd_audit_entry_clear (&entry);
  *last_id = 0;
  *done = FALSE;     /* the move is marked done; no stage follows */
  return ok;
}

static gboolean
run_stages (Move     *m,
            GError  **error)
{
  static const struct
  {
    const char *stage;
    gboolean  (*fn) (Move *m, gint64 *last_id, gboolean *done, GError **error);
  } steps[] = {
    { "users", copy_users },
    { "rooms", copy_rooms },
    { "residents", copy_residents },
    { "visitors", copy_visitors },
    { "alerts", copy_alerts },
    { "audit", copy_audit },
  };

  for (guint s = 0; s < G_N_ELEMENTS (steps); s++)
    {
      gboolean done = FALSE;

      if (!g_str_equal (m->move.stage, steps[s].stage))
        continue;
      m->copied = 0;
      while (!done)
        {
          if (!in_tx (m, steps[s].fn, &done, error))
            return FALSE;
        }
      g_print ("move-store: %s copied (%" G_GINT64_FORMAT " in this run)\n", steps[s].stage,
               m->copied);
    }
  if (g_str_equal (m->move.stage, "finish"))
    {
      gboolean done;

      if (!FD_STORE_CALL (m->store, begin, error))
        return FALSE;
      if (!finish (m, &m->move.last_id, &done, error) ||
          !FD_STORE_CALL (m->store, commit, error))
        {
          FD_STORE_CALL0 (m->store, rollback);
          return FALSE;
        }
      return TRUE;
    }
  g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL, "move-store: unknown stage %s",
               m->move.stage);
  return FALSE;
}

/* The office's one estate (id, name): a move takes a one-estate office. */
static gboolean
office_estate (Move     *m,
               char    **name,
               GError  **error)
{
  sqlite3_stmt *stmt = office_prepare (m, "SELECT id, name, (SELECT count(*) FROM estates) "
                                          "FROM estates ORDER BY id LIMIT 1", error);
  gint64 n = 0;

  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      m->office_estate = sqlite3_column_int64 (stmt, 0);
      *name = col_text (stmt, 1);
      n = sqlite3_column_int64 (stmt, 2);
    }
  sqlite3_finalize (stmt);
  if (n != 1)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                   "The office has %" G_GINT64_FORMAT " estates: move-store moves an office "
                   "of one estate", n);
      return FALSE;
    }
  return TRUE;
}

/* What identifies the office being moved, so that a rerun continues only
 * the move of the same office as it was: its key's check value (which
 * says nothing of the key) and its audit chain's head. */
static char *
office_source (Move     *m,
               GError  **error)
{
  g_autofree char *check = fd_keys_check_value (m->keys);
  g_autofree char *hash = NULL, *text = NULL;
  gint64 seq;

  if (!office_head (m, &seq, &hash, error))
    return NULL;
  text = g_strdup_printf ("%s:%" G_GINT64_FORMAT ":%s", check, seq, hash);
  return fd_sha256_hex (text, strlen (text));
}

static int
fail (const char *what,
      GError     *error)
{
  g_printerr ("frontdesk-server: move-store: %s%s\n", what, error != NULL ? error->message : "");
  return FD_CLI_EXIT_USAGE;
}

int
fd_cli_move_store (int    argc,
                   char **argv)
{
  g_autoptr(FdConfig) config = fd_config_new_defaults ();
  g_autoptr(FdConfig) office = fd_config_new_defaults ();
  g_autoptr(GOptionContext) ctx = g_option_context_new ("");
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = NULL, *config_file = NULL, *from = NULL, *code = NULL;
  g_autofree char *name = NULL, *office_name = NULL, *source = NULL, *suffix = NULL;
  gint batch = DEFAULT_BATCH;
  gint64 entries = 0;
  Move m = { 0 };
  int rc = 0;
  GOptionEntry entries_[] = {
    { "config", 0, 0, G_OPTION_ARG_FILENAME, &config_file, "The company's configuration", "FILE" },
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, "The company's data directory", "DIR" },
    { "from-data-dir", 0, 0, G_OPTION_ARG_FILENAME, &from, "The office's data directory", "DIR" },
    { "estate", 0, 0, G_OPTION_ARG_STRING, &code, "The estate the office becomes", "CODE" },
    { "estate-name", 0, 0, G_OPTION_ARG_STRING, &name, "Its name (default: the office's)",
      "NAME" },
    { "merge-accounts", 0, 0, G_OPTION_ARG_NONE, &m.merge,
      "A manager, auditor or admin of the same name and role is the same person", NULL },
    { "account-suffix", 0, 0, G_OPTION_ARG_STRING, &suffix,
      "Move office accounts whose name the company uses as NAME+SUFFIX", "SUFFIX" },
    { "batch", 0, 0, G_OPTION_ARG_INT, &batch, "Rows per transaction (default 500)", "N" },
    { NULL }
  };

  g_option_context_add_main_entries (ctx, entries_, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return fd_cli_usage_error (error->message);
  if (argc != 1 || from == NULL || code == NULL)
    return fd_cli_usage_error ("move-store needs --config FILE --from-data-dir DIR --estate CODE");
  if (!fd_estate_code_valid (code))
    return fd_cli_usage_error ("an estate code is 1-32 lower-case letters, digits or '-'");
  if (batch < 1 || batch > 100000)
    return fd_cli_usage_error ("--batch is 1 to 100000");
  if (!fd_cli_load_config (config_file, data_dir, config, &error))
    return fd_cli_usage_error (error->message);
  if (!fd_config_is_postgresql (config))
    return fd_cli_usage_error ("move-store moves an office into PostgreSQL: the configuration "
                               "must say store = postgresql");
  if (!fd_cli_load_config (NULL, from, office, &error))
    return fail ("the office: ", error);
  fd_config_resolve_paths (office);
  if (fd_config_is_postgresql (office))
    return fd_cli_usage_error ("--from-data-dir must hold an office's SQLite database");
  if (!g_file_test (office->db_path, G_FILE_TEST_EXISTS))
    {
      g_printerr ("frontdesk-server: move-store: no office database at %s\n", office->db_path);
      return FD_CLI_EXIT_USAGE;
    }

  /* the office: sound, its key its own, its chain whole; then held */
  if (!fd_crypto_init (&error) ||
      !fd_cli_verify_database (office->db_path, office->key_file, &entries, &error))
    return fail ("the office does not check out, nothing moved: ", error);
  m.db = fd_cli_lock_database (office->db_path, &error);
  if (m.db == NULL)
    return fail ("", error);
  m.keys = fd_keys_load (office->key_file, FALSE, &error);
  m.code = code;
  m.batch = (guint) batch;
  m.suffix = suffix;
  if (m.keys == NULL || !office_estate (&m, &office_name, &error) ||
      (source = office_source (&m, &error)) == NULL)
    {
      rc = fail ("", error);
      goto out;
    }

  m.store = fd_cli_open_store (config, FALSE, &error);
  if (m.store == NULL)
    {
      rc = fail ("the company's database: ", error);
      goto out;
    }
  if (!g_str_equal (m.store->backend->name, "postgresql"))
    {
      rc = fd_cli_usage_error ("the configured store is not PostgreSQL");
      goto out;
    }
  if (!fd_pg_move_lock (m.store, &error) ||
      !fd_pg_move_start (m.store, code, name != NULL ? name : office_name, source,
                         check_accounts, &m, &m.move, &error))
    {
      rc = fail ("refused, nothing moved: ", error);
      goto out;
    }
  g_print ("move-store: %s the office %s into estate %s (%" G_GINT64_FORMAT
           " audit entries verified)\n", m.move.resumed ? "continuing the move of" : "moving",
           from, code, entries);
  /* every write of the move is the estate's (row-level security too) */
  fd_store_set_scope (m.store, m.move.estate_id);
  if (!run_stages (&m, &error))
    {
      rc = fail ("stopped (run the same command again to continue): ", error);
      goto out;
    }
  g_print ("move-store: done: estate %s holds the office (this run: %u accounts created, %u "
           "merged into company accounts of the same name and role); the office's audit chain "
           "is the estate's prior history, anchored in the company chain\n", code,
           m.created_users, m.merged_users);

out:
  if (m.store != NULL)
    fd_store_close (m.store);
  if (m.db != NULL)
    sqlite3_close_v2 (m.db);
  g_clear_pointer (&m.keys, fd_keys_free);
  fd_pg_move_clear (&m.move);
  return rc;
}
