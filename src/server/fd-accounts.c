/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The rules of account administration, shared by `user …` and /users. */

#include "config.h"

#include "fd-accounts.h"

#include <sodium.h>
#include <string.h>

#include "fd-error.h"
#include "fd-field.h"
#include "fd-role.h"

gboolean
fd_account_is_locked (const FdUserRecord *user,
                      gint64              now)
{
  return user->locked_until == -1 || user->locked_until > now;
}

/* Active administrators other than @except_id. */
static guint
other_active_admins (FdStore *store,
                     gint64   except_id)
{
  g_autoptr(GPtrArray) users = FD_STORE_CALL0 (store, user_list);
  guint n = 0;

  for (guint i = 0; i < users->len; i++)
    {
      const FdUserRecord *u = g_ptr_array_index (users, i);

      if (u->id != except_id && !u->disabled && g_strcmp0 (u->role, "admin") == 0)
        n++;
    }
  return n;
}

gboolean
fd_account_check (FdStore               *store,
                  gint64                 actor_id,
                  const FdUserRecord    *user,
                  const FdAccountChange *change,
                  const char           **reason,
                  GError               **error)
{
  gboolean demotes, disables;

  g_return_val_if_fail (user != NULL && change != NULL, FALSE);

  *reason = NULL;
  if (change->role != NULL && fd_role_from_string (change->role) == FD_ROLE_INVALID)
    {
      g_set_error_literal (error, FD_ERROR, FD_ERROR_BAD_REQUEST, "Unknown role; use reception, "
                           "patrol, finance, manager, auditor or admin");
      return FALSE;
    }

  demotes = change->role != NULL && g_strcmp0 (user->role, "admin") == 0 &&
            !g_str_equal (change->role, "admin");
  disables = change->disabled == 1 && !user->disabled;
  if (actor_id != 0 && actor_id == user->id && (demotes || disables))
    {
      *reason = FD_ACCOUNT_REFUSED_SELF;
      g_set_error_literal (error, FD_ERROR, FD_ERROR_FORBIDDEN, "You cannot disable or demote your "
                           "own account; ask another administrator");
      return FALSE;
    }
  /* Someone must be left to administer the accounts. */
  if ((demotes || disables) && !user->disabled && g_strcmp0 (user->role, "admin") == 0 &&
      other_active_admins (store, user->id) == 0)
    {
      *reason = FD_ACCOUNT_REFUSED_LAST_ADMIN;
      g_set_error_literal (error, FD_ERROR, FD_ERROR_FORBIDDEN,
                           "This is the last active administrator; add or enable another first");
      return FALSE;
    }
  return TRUE;
}

char *
fd_account_apply (FdStore               *store,
                  FdUserRecord          *user,
                  const FdAccountChange *change,
                  gint64                 now,
                  GError               **error)
{
  g_autoptr(GString) summary = g_string_new (NULL);
  const char *end_reason = NULL;
  gboolean forget_failures = FALSE;

  if (change->role != NULL && !g_str_equal (change->role, user->role))
    {
      g_string_append_printf (summary, "role %s -> %s; ", user->role, change->role);
      g_free (user->role);
      user->role = g_strdup (change->role);
      end_reason = "role-changed";
    }
  if (change->display_name != NULL && !g_str_equal (change->display_name, user->display_name))
    {
      g_string_append (summary, "display name; ");
      g_free (user->display_name);
      user->display_name = g_strdup (change->display_name);
    }
  if (change->disabled != -1 && (change->disabled == 1) != user->disabled)
    {
      user->disabled = change->disabled == 1;
      g_string_append (summary, user->disabled ? "disabled; " : "enabled; ");
      if (user->disabled)
        end_reason = "disabled";
      else
        forget_failures = TRUE;
    }
  if (change->unlock)
    {
      /* The name's failures are forgotten even when the account itself
       * holds no lock: a name locked by guesses is lifted with it. */
      if (user->locked_until != 0 || user->failed_logins != 0)
        g_string_append (summary, "lock lifted; ");
      user->locked_until = 0;
      user->failed_logins = 0;
      forget_failures = TRUE;
    }
  if (change->password_hash != NULL)
    {
      g_string_append (summary, "password reset; ");
      fd_secret_free (user->password_hash);
      user->password_hash = g_strdup (change->password_hash);
      end_reason = end_reason ? end_reason : "signed-out";
      forget_failures = TRUE;
    }

  if (!FD_STORE_CALL (store, user_update, user, error))
    return NULL;
  /* issue 12: a new password is no longer the demo's */
  if (change->password_hash != NULL && store->backend->password_origin_set != NULL &&
      !FD_STORE_CALL (store, password_origin_set, user->id, NULL, error))
    return NULL;
  /* An unlock, an enable or a new password also forgets the name's failed
   * sign-ins (issue 9), or the name would stay locked. */
  if (forget_failures && !FD_STORE_CALL (store, login_attempt_clear, user->username, error))
    return NULL;
  /* Access follows the job at once: whatever reduces it ends every
   * session of the account. */
  if (end_reason != NULL)
    FD_STORE_CALL (store, sessions_end_for_user, user->id, 0, end_reason, now);
  return g_string_free (g_steal_pointer (&summary), FALSE);
}

char *
fd_account_generate_password (void)
{
  static const char alphabet[] = "abcdefghjkmnpqrstuvwxyz23456789";
  char *password = g_malloc (20);
  guint j = 0;

  for (guint i = 0; i < 16; i++)
    {
      if (i > 0 && i % 4 == 0)
        password[j++] = '-';
      password[j++] = alphabet[randombytes_uniform (sizeof alphabet - 1)];
    }
  password[j] = '\0';
  return password;
}
