/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PostgreSQL engine: the rows an authenticated request reads after its session, read with it. */

#include "config.h"

#include "fd-store-pg-private.h"

/* Every authenticated request reads its session, then its account
 * (fd-server-auth.c), then the rules' version and the account's
 * acknowledgement of them (fd_rules_gate): four store calls, four round
 * trips on the main context, where SQLite answers in microseconds. The
 * session's statement reads the other three rows too (the same snapshot,
 * a moment earlier than the calls would have), and they are handed to
 * the calls that follow, each once. Any other statement this connection
 * sends first drops them (fd_pg_run, query_pipelined), so a call never
 * gets a row read before a statement that came before it: what a call
 * answers is what it would have read itself, as of the session's read. */

#define N_USER_COLUMNS 8

void
fd_pg_ahead_drop (FdStorePg *self)
{
  if (!self->ahead)
    return;
  self->ahead = FALSE;
  g_clear_pointer (&self->ahead_user, fd_user_record_free);
  for (guint i = 0; i < G_N_ELEMENTS (self->ahead_keys); i++)
    {
      g_clear_pointer (&self->ahead_keys[i], g_free);
      g_clear_pointer (&self->ahead_values[i], g_free);
    }
}

void
fd_pg_ahead_keep (FdStorePg *self,
                  PGresult  *res,
                  int        col,
                  gint64     user_id)
{
  fd_pg_ahead_drop (self);
  self->ahead = TRUE;
  self->ahead_user_id = user_id;
  /* no account row: user_by_id answers NULL */
  self->ahead_user = PQgetisnull (res, 0, col) ? NULL : fd_pg_user_from (res, 0, col);
  self->ahead_keys[0] = g_strdup ("rules.version");
  self->ahead_values[0] = fd_pg_text (res, 0, col + N_USER_COLUMNS);
  self->ahead_keys[1] = g_strdup_printf ("rules.ack.%" G_GINT64_FORMAT, user_id);
  self->ahead_values[1] = fd_pg_text (res, 0, col + N_USER_COLUMNS + 1);
}

gboolean
fd_pg_ahead_user (FdStorePg     *self,
                  gint64         id,
                  FdUserRecord **user)
{
  if (!self->ahead || self->ahead_user_id != id || self->ahead_user_id == 0)
    return FALSE;
  *user = g_steal_pointer (&self->ahead_user);
  self->ahead_user_id = 0;
  return TRUE;
}

gboolean
fd_pg_ahead_setting (FdStorePg   *self,
                     const char  *key,
                     char       **value)
{
  for (guint i = 0; self->ahead && i < G_N_ELEMENTS (self->ahead_keys); i++)
    if (g_strcmp0 (self->ahead_keys[i], key) == 0)
      {
        *value = g_steal_pointer (&self->ahead_values[i]);
        g_clear_pointer (&self->ahead_keys[i], g_free);
        return TRUE;
      }
  return FALSE;
}
