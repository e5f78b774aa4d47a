/* SPDX-License-Identifier: GPL-3.0-or-later */
/* move-store's accounts: who moves, merges or is refused, and their copy (issue 16). */

#include "config.h"

#include <string.h>

#include "fd-cli-move-store-private.h"

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
gboolean
fd_move_check_accounts (gpointer   data,
                        GError   **error)
{
  Move *m = data;
  sqlite3_stmt *stmt = fd_move_prepare (m, "SELECT username, role FROM users ORDER BY id", error);
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
  sqlite3_stmt *stmt = fd_move_prepare (m, "SELECT secret_enc, confirmed, last_step, exempt "
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
      ok = fd_move_col_open (m, stmt, 0, "user_totp", office_id, "secret", &record.secret, error);
      record.confirmed = sqlite3_column_int (stmt, 1) != 0;
      record.last_step = sqlite3_column_int64 (stmt, 2);
      record.exempt = sqlite3_column_int (stmt, 3) != 0;
    }
  sqlite3_finalize (stmt);
  if (!found || !ok)
    return ok;
  stmt = fd_move_prepare (m, "SELECT code_hash FROM totp_recovery WHERE user_id = ? AND "
                            "used_at = 0", error);
  ok = stmt != NULL;
  if (ok)
    {
      sqlite3_bind_int64 (stmt, 1, office_id);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        g_ptr_array_add (codes, fd_move_col_text (stmt, 0));
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
  g_autofree char *office_name = fd_move_col_text (stmt, 1);
  FdUserRecord user = { 0 };
  g_autofree char *target = NULL, *origin = NULL;
  AccountMove what;
  gboolean ok;

  user.display_name = fd_move_col_text (stmt, 2);
  user.role = fd_move_col_text (stmt, 3);
  user.password_hash = fd_move_col_text (stmt, 4);
  user.disabled = sqlite3_column_int (stmt, 5) != 0;
  /* a lock an admin set stays; a lockout of failed sign-ins does not */
  user.locked_until = sqlite3_column_int64 (stmt, 6) < 0 ? -1 : 0;
  origin = fd_move_col_text (stmt, 7);
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

gboolean
fd_move_copy_users (Move      *m,
                    gint64    *last_id,
                    gboolean  *done,
                    GError   **error)
{
  sqlite3_stmt *stmt = fd_move_prepare (m, "SELECT u.id, u.username, u.display_name, u.role, "
                                          "u.password_hash, u.disabled, u.locked_until, "
                                          "o.origin FROM users u LEFT JOIN password_origins o "
                                          "ON o.user_id = u.id ORDER BY u.id", error);
  gboolean ok = stmt != NULL;
  int rc = SQLITE_ROW;

  while (ok && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    ok = move_one_account (m, stmt, error);
  if (ok && rc != SQLITE_DONE)
    ok = fd_move_failed (m, error, "accounts");
  sqlite3_finalize (stmt);
  *last_id = 0;
  *done = ok;
  return ok;
}

