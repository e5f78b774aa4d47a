/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The PostgreSQL engine: the engine table, opening (the role and key checks), closing. */

#include "config.h"

#include "fd-error.h"
#include "fd-store-engine.h"
#include "fd-store-pg-private.h"

/* The PostgreSQL engine (issue 11). The same sealed columns, blind
 * indexes and audit chain as the SQLite engine, written by the server:
 * PostgreSQL only ever holds ciphertext, masks and keyed MACs, so its
 * administrator cannot read an ID number either. The engine is split per
 * entity around fd-store-pg-private.h:
 * fd-store-pg-{schema,users,sessions,residents,visitors,audit,limits}.c;
 * its plumbing: fd-store-pg-tx.c (transactions, the estate scope, running
 * statements), fd-store-pg-values.c (parameters, errors, column values),
 * fd-store-pg-conninfo.c (connecting, the connection string). */

/* The engine table */

static void
store_close (FdStore *store)
{
  FdStorePg *self = SELF (store);

  if (self->in_tx && self->conn != NULL)
    fd_pg_exec (self->conn, "ROLLBACK", NULL);
  fd_pg_durable_close (self);
  g_clear_pointer (&self->conn, PQfinish);
  g_clear_pointer (&self->follow_conn, PQfinish);
  fd_pg_detached_close (self);
  fd_pg_conn_free (self);
  g_mutex_clear (&self->follow_lock);
  g_mutex_clear (&self->detached_lock);
  g_free (self->head_hash);
  fd_pg_audit_pending_drop (self);
  fd_pg_ahead_drop (self);
  g_clear_pointer (&self->stmts, g_hash_table_unref);
  g_clear_pointer (&self->parent.keys, fd_keys_free);
  fd_secret_free (self->password);
  fd_secret_free (self->conninfo);
  g_free (self);
}

static gboolean
store_begin (FdStore *store, GError **error)
{
  return fd_pg_tx_open (SELF (store), TRUE, error);
}

static gboolean
store_commit (FdStore *store, GError **error)
{
  return fd_pg_tx_close (SELF (store), TRUE, error);
}

static void
store_rollback (FdStore *store)
{
  fd_pg_tx_close (SELF (store), FALSE, NULL);
}

/* issue 11: COMMIT without waiting for the disk, for this transaction
 * only; fd-store-pg-commit.c says when it is durable */
static gboolean
store_commit_async (FdStore *store, FdStoreDurableFunc done, gpointer data, GError **error)
{
  FdStorePg *self = SELF (store);
  gboolean ok;

  if (done == NULL)
    return fd_pg_durable_wait (self), TRUE;
  self->commit_lazy = TRUE;
  ok = fd_pg_tx_close (self, TRUE, error);
  self->commit_lazy = FALSE;
  return ok && fd_pg_durable_after (self, done, data, error);
}

/* issue 13: another server process may change a session or an account
 * at any time, and PostgreSQL offers no cheap per-request sign of it
 * (SQLite has PRAGMA data_version); 0 tells the authentication cache to
 * keep nothing, so every request reads its session and account. */
static guint64
fd_pg_auth_generation (FdStore *store)
{
  return 0;
}

static const FdStoreBackend pg_backend = {
  .name = "postgresql",
  .close = store_close,
  .begin = store_begin,
  .commit = store_commit,
  .rollback = store_rollback,
  .get_setting = fd_pg_get_setting,
  .set_setting = fd_pg_set_setting,
  .user_by_name = fd_pg_user_by_name,
  .user_by_id = fd_pg_user_by_id,
  .user_list = fd_pg_user_list,
  .user_insert = fd_pg_user_insert,
  .user_update = fd_pg_user_update,
  .session_by_token_hash = fd_pg_session_by_token_hash,
  .session_insert = fd_pg_session_insert,
  .session_update = fd_pg_session_update,
  .sessions_end_for_user = fd_pg_sessions_end_for_user,
  .resident_insert = fd_pg_resident_insert,
  .resident_count = fd_pg_resident_count,
  .resident_get = fd_pg_resident_get,
  .resident_foreach = fd_pg_resident_foreach,
  .resident_secret = fd_pg_resident_secret,
  .resident_matches = fd_pg_resident_matches,
  .room_exists = fd_pg_room_exists,
  .room_search = fd_pg_room_search,
  .visitor_insert = fd_pg_visitor_insert,
  .visitor_get = fd_pg_visitor_get,
  .visitor_list = fd_pg_visitor_list,
  .visitor_checkout = fd_pg_visitor_checkout,
  .visitors_purge = fd_pg_visitors_purge,
  .audit_append = fd_pg_audit_append,
  .audit_list = fd_pg_audit_list,
  .audit_count = fd_pg_audit_count,
  .audit_verify = fd_pg_audit_verify,
  .alert_insert = fd_pg_alert_insert,
  .alert_list = fd_pg_alert_list,
  .alert_recent = fd_pg_alert_recent,
  .limit_take = fd_pg_limit_take,
  .limit_count = fd_pg_limit_count,
  .listed_note = fd_pg_listed_note,
  .listed_note_detached = fd_pg_listed_note_detached,   /* issue 11, session 5 */
  .login_attempt_reserve = fd_pg_login_attempt_reserve,
  .login_attempt_clear = fd_pg_login_attempt_clear,
  .session_unlock_reserve = fd_pg_session_unlock_reserve,
  .resident_insert_many = fd_pg_resident_insert_many,
  .estate_list = fd_pg_estate_list,
  .estate_insert = fd_pg_estate_insert,
  .user_estates = fd_pg_user_estates,
  .user_estates_set = fd_pg_user_estates_set,
  .residents_after = fd_pg_residents_after,
  .estate_update = fd_pg_estate_update,
  /* issue 12 */
  .review_insert = fd_pg_review_insert,
  .review_get = fd_pg_review_get,
  .review_decide = fd_pg_review_decide,
  .review_sign_off = fd_pg_review_sign_off,
  .review_overdue = fd_pg_review_overdue,
  .activity_days = fd_pg_activity_days,
  .user_last_sign_in = fd_pg_user_last_sign_in,
  /* issue 15 */
  .totp_get = fd_pg_totp_get,
  .totp_put = fd_pg_totp_put,
  .totp_step_take = fd_pg_totp_step_take,
  .totp_recovery_use = fd_pg_totp_recovery_use,
  .totp_challenge_put = fd_pg_totp_challenge_put,
  .totp_challenge_take = fd_pg_totp_challenge_take,
  /* issue 12, alerts out and the self-check */
  .delivery_enqueue = fd_pg_delivery_enqueue,
  .delivery_claim = fd_pg_delivery_claim,
  .delivery_finish = fd_pg_delivery_finish,
  .delivery_list = fd_pg_delivery_list,
  .delivery_count = fd_pg_delivery_count,
  .password_origin_set = fd_pg_password_origin_set,
  .account_activity = fd_pg_account_activity,
  .integrity_check = fd_pg_integrity_check,
  /* issue 12 (rules) */
  .audit_subjects_add = fd_pg_audit_subjects_add,
  .incident_radius = fd_pg_incident_radius,
  .visitor_undo_checkout = fd_pg_visitor_undo_checkout,   /* issue 14 */
  .auth_generation = fd_pg_auth_generation,                /* issue 13 */
  /* issue 13 (search13): COMMIT is durable itself, no committer thread */
  .begin_unsynced = store_begin,
  .commit_unsynced = store_commit,
  .sync_committed = fd_engine_commit_is_durable,
  .password_origin_get = fd_pg_password_origin_get,        /* pwchange */
  .commit_async = store_commit_async,                      /* issue 11 */
  .user_lock_set = fd_pg_user_lock_set,                    /* session 8 */
};

/* Opening */

#define KEY_CHECK_SETTING "key.check"

/* No check value stored (a new database, or one whose check value was
 * removed): refuse keys that open none of a few sealed values. */
static gboolean
probe_sealed_values (FdStorePg  *self,
                     GError    **error)
{
  guint tried = 0, opened = 0;

  for (guint i = 0; i < fd_engine_n_key_probes; i++)
    {
      const FdKeyProbe *probe = &fd_engine_key_probes[i];
      PGresult *res = fd_pg_query (self, probe->sql, NULL, error);
      unsigned char *blob;
      size_t len = 0;

      if (res == NULL)
        return FALSE;
      if (PQntuples (res) == 1 &&
          (blob = PQunescapeBytea ((const unsigned char *) PQgetvalue (res, 0, 1), &len)) != NULL)
        {
          tried++;
          opened += fd_engine_key_probe_opens (self->parent.keys, probe, fd_pg_int (res, 0, 0),
                                               blob, len, PQgetvalue (res, 0, 2));
          PQfreemem (blob);
        }
      PQclear (res);
    }
  if (tried > 0 && opened == 0)
    {
      g_set_error (error, FD_STORE_WRONG_KEY_ERROR, 0,
                   "none of %u encrypted values tried opens with it", tried);
      return FALSE;
    }
  return TRUE;
}

/* The key check value (issue 9, finding 5), as in the SQLite engine: a
 * database remembers which key it was made with. */
static gboolean
check_data_key (FdStorePg  *self,
                GError    **error)
{
  g_autofree char *expected = fd_keys_check_value (self->parent.keys);
  g_autofree char *stored = fd_pg_get_setting (&self->parent, KEY_CHECK_SETTING);

  if (stored == NULL)
    return probe_sealed_values (self, error) &&
           fd_pg_set_setting (&self->parent, KEY_CHECK_SETTING, expected, error);
  if (fd_const_time_equal (stored, expected))
    return TRUE;
  if (g_str_equal (stored, "rekey-in-progress"))
    {
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                   "A data key rotation is half-way on this database: run the same rekey "
                   "command again to finish it");
      return FALSE;
    }
  g_set_error (error, FD_STORE_WRONG_KEY_ERROR, 0,
               "the key's check value differs from the one stored in the database");
  return FALSE;
}

/* Row-level security binds only a role that neither owns the tables nor
 * bypasses it (superusers do): NULL when the login is such a role, else
 * what it is; NULL with @error when the catalog cannot be read. */
static char *
role_problem (FdStorePg  *self,
              GError    **error)
{
  g_autoptr(GError) local_error = NULL;
  PGresult *res = fd_pg_query (self,
                               "SELECT r.rolsuper OR r.rolbypassrls, EXISTS (SELECT 1 FROM "
                               "pg_tables t WHERE t.schemaname = current_schema() AND "
                               "t.tablename = 'residents' AND pg_has_role (t.tableowner, 'USAGE')) "
                               "FROM pg_roles r WHERE r.rolname = current_user",
                               NULL, &local_error);
  char *problem = NULL;

  if (res == NULL || PQntuples (res) != 1)
    {
      if (res != NULL)
        PQclear (res);
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG, "Cannot read the database role: %s",
                   local_error ? local_error->message : "no such role");
      return NULL;
    }
  if (fd_pg_bool (res, 0, 0) || fd_pg_bool (res, 0, 1))
    problem = g_strdup_printf ("The database login %s %s: row-level security would not bind "
                               "it", PQuser (self->conn),
                               fd_pg_bool (res, 0, 0)
                                 ? "is a superuser or bypasses row-level security"
                                 : "owns the tables (or is a member of their owner)");
  PQclear (res);
  return problem;
}

/* Refuses to serve as a role row-level security does not bind. */
static gboolean
check_role (FdStorePg  *self,
            GError    **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *problem = role_problem (self, &local_error);

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (problem != NULL)
    g_set_error (error, FD_ERROR, FD_ERROR_CONFIG, "%s. Serve as the server role made by "
                 "`frontdesk-server migrate` (see docs/security.md)", problem);
  return problem == NULL;
}

char *
fd_store_pg_role_problem (FdStore  *store,
                          char    **login,
                          GError  **error)
{
  *login = g_strdup (PQuser (SELF (store)->conn));
  return role_problem (SELF (store), error);
}

FdStore *
fd_store_pg_open (const char  *conninfo,
                  const char  *password,
                  FdKeys      *keys,
                  GError     **error)
{
  FdStorePg *self;
  guint missing;

  g_return_val_if_fail (conninfo != NULL, NULL);
  g_return_val_if_fail (keys != NULL, NULL);
  missing = fd_engine_backend_missing (&pg_backend, TRUE);
  if (missing != 0)
    {
      /* a build defect: say so at start, not with a crash at first use */
      g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL,
                   "This server's PostgreSQL engine lacks store call %u of FdStoreBackend "
                   "(fd-store.h): it cannot serve", missing);
      fd_keys_free (keys);
      return NULL;
    }

  self = g_new0 (FdStorePg, 1);
  self->parent.backend = &pg_backend;
  self->parent.keys = keys;
  self->parent.scope = FD_ESTATE_ALL;
  self->applied_scope = -1;
  self->conninfo = g_strdup (conninfo);
  self->password = g_strdup (password);
  self->stmts = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  g_mutex_init (&self->follow_lock);
  g_mutex_init (&self->detached_lock);
  self->conn = fd_pg_connect (conninfo, password, error);
  if (self->conn == NULL ||
      !fd_pg_schema_current (self->conn, error) ||
      !check_role (self, error) ||
      !check_data_key (self, error))
    {
      store_close (&self->parent);
      return NULL;
    }
  return &self->parent;
}
