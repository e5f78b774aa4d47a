/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PostgreSQL engine: settings, staff accounts, estates and who may work in which. */

#include "config.h"

#include "fd-store-pg-private.h"

/* settings */

/* "audit.head" is the audit head as SQLite keeps it among the settings,
 * "SEQ:HASH:MAC" (read by the audit witness, fd-witness.c): here it is
 * the audit_head row (fd-store-pg-audit.c), NULL while the chain is
 * empty, and "" when it cannot be read (the database away, a failover):
 * the witness then skips a record rather than take the head for an
 * empty chain and call the next one a rollback. */
#define AUDIT_HEAD_SETTING "audit.head"

char *
fd_pg_get_setting (FdStore *store, const char *key)
{
  FdPgArgs a = { 0 };
  PGresult *res;
  char *value = NULL;

  if (g_str_equal (key, AUDIT_HEAD_SETTING))
    {
      res = fd_pg_query (SELF (store), "SELECT seq || ':' || hash || ':' || coalesce (mac, '') "
                                       "FROM audit_head WHERE id = 1 AND seq > 0", NULL, NULL);
      if (res == NULL)
        return g_strdup ("");
      if (PQntuples (res) == 1)
        value = fd_pg_text (res, 0, 0);
      PQclear (res);
      return value;
    }
  if (fd_pg_ahead_setting (SELF (store), key, &value))   /* read with the session */
    return value;
  fd_pg_arg_text (&a, key);
  res = fd_pg_query (SELF (store), "SELECT value FROM settings WHERE key = $1", &a, NULL);
  if (res != NULL && PQntuples (res) == 1)
    value = fd_pg_text (res, 0, 0);
  g_clear_pointer (&res, PQclear);
  return value;
}

gboolean
fd_pg_set_setting (FdStore *store, const char *key, const char *value, GError **error)
{
  FdPgArgs a = { 0 };

  fd_pg_arg_text (&a, key);
  fd_pg_arg_text (&a, value);
  return fd_pg_query_ok (SELF (store),
                         "INSERT INTO settings (key, value) VALUES ($1, $2) "
                         "ON CONFLICT (key) DO UPDATE SET value = excluded.value", &a, error);
}

/* users */

#define USER_SELECT \
  "SELECT id, username, display_name, role, password_hash, disabled, locked_until, " \
  "failed_logins FROM users "

FdUserRecord *
fd_pg_user_from (PGresult *res,
                 int       row,
                 int       col)
{
  FdUserRecord *user = g_new0 (FdUserRecord, 1);

  user->id = fd_pg_int (res, row, col);
  user->username = fd_pg_text (res, row, col + 1);
  user->display_name = fd_pg_text (res, row, col + 2);
  user->role = fd_pg_text (res, row, col + 3);
  user->password_hash = fd_pg_text (res, row, col + 4);
  user->disabled = fd_pg_bool (res, row, col + 5);
  user->locked_until = fd_pg_int (res, row, col + 6);
  user->failed_logins = (gint) fd_pg_int (res, row, col + 7);
  return user;
}

static GPtrArray *
users_from (PGresult *res)
{
  GPtrArray *users = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_user_record_free);

  for (int i = 0; res != NULL && i < PQntuples (res); i++)
    g_ptr_array_add (users, fd_pg_user_from (res, i, 0));
  g_clear_pointer (&res, PQclear);
  return users;
}

static FdUserRecord *
one_user (PGresult *res)
{
  g_autoptr(GPtrArray) users = users_from (res);

  return users->len == 1 ? g_ptr_array_steal_index (users, 0) : NULL;
}

FdUserRecord *
fd_pg_user_by_name (FdStore *store, const char *username)
{
  FdPgArgs a = { 0 };

  fd_pg_arg_text (&a, username);
  return one_user (fd_pg_query (SELF (store), USER_SELECT "WHERE username = $1", &a, NULL));
}

FdUserRecord *
fd_pg_user_by_id (FdStore *store, gint64 id)
{
  FdPgArgs a = { 0 };
  FdUserRecord *user;

  if (fd_pg_ahead_user (SELF (store), id, &user))   /* read with the session */
    return user;
  fd_pg_arg_int (&a, id);
  return one_user (fd_pg_query (SELF (store), USER_SELECT "WHERE id = $1", &a, NULL));
}

GPtrArray *
fd_pg_user_list (FdStore *store)
{
  return users_from (fd_pg_query (SELF (store), USER_SELECT "ORDER BY id", NULL, NULL));
}

/* The id in the first column of @res's one row, or 0 (@res freed). */
static gint64
returned_id (PGresult *res)
{
  gint64 id = res != NULL && PQntuples (res) == 1 ? fd_pg_int (res, 0, 0) : 0;

  g_clear_pointer (&res, PQclear);
  return id;
}

gint64
fd_pg_user_insert (FdStore *store, const FdUserRecord *user, GError **error)
{
  FdPgArgs a = { 0 };
  PGresult *res;
  gint64 id;

  fd_pg_arg_text (&a, user->username);
  fd_pg_arg_text (&a, user->display_name);
  fd_pg_arg_text (&a, user->role);
  fd_pg_arg_text (&a, user->password_hash);
  fd_pg_arg_text (&a, user->disabled ? "t" : "f");
  fd_pg_arg_int (&a, g_get_real_time ());
  /* ON CONFLICT: a taken name must not abort the caller's transaction. */
  res = fd_pg_query (SELF (store),
                     "INSERT INTO users (username, display_name, role, password_hash, disabled, "
                     "created_at) VALUES ($1, $2, $3, $4, $5, $6) "
                     "ON CONFLICT (username) DO NOTHING RETURNING id", &a, error);
  if (res == NULL)
    return 0;
  id = returned_id (res);
  if (id == 0)
    g_set_error (error, FD_ERROR, FD_ERROR_BAD_REQUEST, "username taken");
  return id;
}

gboolean
fd_pg_user_update (FdStore *store, const FdUserRecord *user, GError **error)
{
  FdPgArgs a = { 0 };

  fd_pg_arg_text (&a, user->display_name);
  fd_pg_arg_text (&a, user->role);
  fd_pg_arg_text (&a, user->password_hash);
  fd_pg_arg_text (&a, user->disabled ? "t" : "f");
  fd_pg_arg_int (&a, user->locked_until);
  fd_pg_arg_int (&a, user->failed_logins);
  fd_pg_arg_int (&a, user->id);
  return fd_pg_query_ok (SELF (store),
                         "UPDATE users SET display_name = $1, role = $2, password_hash = $3, "
                         "disabled = $4, locked_until = $5, failed_logins = $6 WHERE id = $7",
                         &a, error);
}

gboolean
fd_pg_user_lock_set (FdStore *store, gint64 id, gint64 locked_until, gint failed_logins,
                     gint64 now, GError **error)
{
  FdPgArgs a = { 0 };

  fd_pg_arg_int (&a, locked_until);
  fd_pg_arg_int (&a, failed_logins);
  fd_pg_arg_int (&a, id);
  fd_pg_arg_int (&a, now);
  return fd_pg_query_ok (SELF (store),
                         "UPDATE users SET locked_until = CASE WHEN $1::bigint = 0 AND "
                         "(locked_until = -1 OR locked_until > $4::bigint) THEN locked_until "
                         "ELSE $1::bigint END, failed_logins = $2 WHERE id = $3",
                         &a, error);
}

/* estates */

GPtrArray *
fd_pg_estate_list (FdStore *store)
{
  GPtrArray *estates = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_estate_record_free);
  PGresult *res = fd_pg_query (SELF (store), "SELECT id, code, name FROM estates ORDER BY id",
                               NULL, NULL);

  for (int i = 0; res != NULL && i < PQntuples (res); i++)
    {
      FdEstateRecord *e = g_new0 (FdEstateRecord, 1);

      e->id = fd_pg_int (res, i, 0);
      e->code = fd_pg_text (res, i, 1);
      e->name = fd_pg_text (res, i, 2);
      g_ptr_array_add (estates, e);
    }
  g_clear_pointer (&res, PQclear);
  return estates;
}

gint64
fd_pg_estate_insert (FdStore *store, const char *code, const char *name, GError **error)
{
  FdPgArgs a = { 0 };
  PGresult *res;
  gint64 id;

  fd_pg_arg_text (&a, code);
  fd_pg_arg_text (&a, name);
  res = fd_pg_query (SELF (store),
                     "INSERT INTO estates (code, name) VALUES ($1, $2) "
                     "ON CONFLICT (code) DO NOTHING RETURNING id", &a, error);
  if (res == NULL)
    return 0;
  id = returned_id (res);
  if (id == 0)
    g_set_error (error, FD_ERROR, FD_ERROR_BAD_REQUEST, "estate code taken");
  return id;
}

gboolean
fd_pg_estate_update (FdStore *store, gint64 id, const char *code, const char *name,
                     GError **error)
{
  FdPgArgs a = { 0 };
  PGresult *res;

  fd_pg_arg_text (&a, code);
  fd_pg_arg_text (&a, name);
  fd_pg_arg_int (&a, id);
  /* a taken code changes nothing, and must not abort the caller's transaction */
  res = fd_pg_query (SELF (store),
                     "UPDATE estates SET code = $1, name = $2 WHERE id = $3 AND NOT EXISTS "
                     "(SELECT 1 FROM estates WHERE code = $1 AND id <> $3)", &a, error);
  if (res == NULL)
    return FALSE;
  if (fd_pg_changes (res) == 0)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_BAD_REQUEST, "An estate with this code exists");
      return FALSE;
    }
  return TRUE;
}

GArray *
fd_pg_user_estates (FdStore *store, gint64 user_id)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  FdPgArgs a = { 0 };
  PGresult *res;

  fd_pg_arg_int (&a, user_id);
  res = fd_pg_query (SELF (store),
                     "SELECT estate_id FROM user_estates WHERE user_id = $1 ORDER BY estate_id",
                     &a, NULL);
  for (int i = 0; res != NULL && i < PQntuples (res); i++)
    {
      gint64 id = fd_pg_int (res, i, 0);
      g_array_append_val (ids, id);
    }
  g_clear_pointer (&res, PQclear);
  return ids;
}

gboolean
fd_pg_user_estates_set (FdStore *store, gint64 user_id, const gint64 *ids, guint n_ids,
                        GError **error)
{
  FdStorePg *self = SELF (store);
  g_autoptr(GString) list = g_string_new ("{");
  FdPgArgs a = { 0 };
  gboolean own, ok;

  for (guint i = 0; i < n_ids; i++)
    g_string_append_printf (list, "%s%" G_GINT64_FORMAT, i > 0 ? "," : "", ids[i]);
  g_string_append_c (list, '}');
  fd_pg_arg_int (&a, user_id);
  fd_pg_arg_text (&a, list->str);
  if (!fd_pg_op_begin (self, &own, error))
    return FALSE;
  /* only estates that exist: checked before anything is written, so a
   * refusal changes nothing and leaves the caller's transaction usable */
  {
    PGresult *res = fd_pg_run (self, "SELECT count(*) FILTER (WHERE e.id IS NULL) FROM "
                                     "unnest ($2::bigint[]) AS g (id) LEFT JOIN estates e "
                                     "ON e.id = g.id WHERE $1::bigint IS NOT NULL", &a, error);
    ok = res != NULL;
    if (ok && fd_pg_int (res, 0, 0) > 0)
      {
        g_set_error (error, FD_ERROR, FD_ERROR_BAD_REQUEST, "No such estate");
        PQclear (res);
        fd_pg_op_end (self, own, TRUE, NULL);
        return FALSE;
      }
    g_clear_pointer (&res, PQclear);
  }
  ok = ok &&
       fd_pg_changes_ok (fd_pg_run (self, "DELETE FROM user_estates WHERE user_id = $1 AND "
                                          "NOT estate_id = ANY ($2::bigint[])", &a, error)) &&
       fd_pg_changes_ok (fd_pg_run (self, "INSERT INTO user_estates (user_id, estate_id) "
                                          "SELECT $1, unnest ($2::bigint[]) ON CONFLICT DO NOTHING",
                                    &a, error));
  return fd_pg_op_end (self, own, ok, error);
}
