/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Seeds a store: demo accounts and residents, accounts from the command line. */

#include "config.h"

#include "fd-crypto.h"
#include "fd-demo-data.h"
#include "fd-error.h"
#include "fd-field.h"
#include "fd-pinyin.h"
#include "fd-policy.h"
#include "fd-rules.h"
#include "fd-seed.h"
#include "fd-validate.h"

gboolean
fd_seed_audit_cli (FdStore     *store,
                   const char  *action,
                   const char  *target,
                   const char  *detail,
                   GError     **error)
{
  FdAuditEntry entry = { 0 };
  gboolean ok;

  entry.at = fd_time_format_rfc3339 (g_get_real_time ());
  entry.actor = g_strdup ("(command line)");
  entry.role = g_strdup ("admin");
  entry.workstation = g_strdup (g_get_host_name ());
  entry.action = g_strdup (action);
  entry.target = g_strdup (target);
  entry.reason_text = g_strdup (detail);
  entry.outcome = g_strdup ("allowed");
  ok = FD_STORE_CALL (store, audit_append, &entry, error);
  fd_audit_entry_clear (&entry);
  return ok;
}

gboolean
fd_seed_add_user (FdStore     *store,
                  const char  *username,
                  const char  *display_name,
                  const char  *role,
                  const char  *password,
                  const char  *actor,
                  GError     **error)
{
  g_autofree char *hash = NULL;
  g_autofree char *target = NULL;
  FdUserRecord user = { 0 };

  if (!fd_username_valid (username))
    {
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                   "Usernames are 2-32 lower-case letters, digits, '.', '_' or '-'");
      return FALSE;
    }
  if (fd_role_from_string (role) == FD_ROLE_INVALID)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                   "Unknown role; use reception, patrol, finance, manager, auditor or admin");
      return FALSE;
    }
  if (password == NULL || g_utf8_strlen (password, -1) < 8)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG, "Passwords have at least 8 characters");
      return FALSE;
    }
  hash = fd_password_hash (password, error);
  if (hash == NULL)
    return FALSE;
  user.username = (char *) username;
  user.display_name = (char *) display_name;
  user.role = (char *) role;
  user.password_hash = hash;
  user.id = FD_STORE_CALL (store, user_insert, &user, error);
  if (user.id == 0)
    return FALSE;
  target = g_strdup_printf ("%" G_GINT64_FORMAT, user.id);
  return fd_seed_audit_cli (store, "account-change", target, role, error);
}

static const struct {
  const char *username;
  const char *display_name;
} demo_accounts[] = {
  { "reception", "前台 Reception" },
  { "patrol",    "巡逻 Patrol" },
  { "finance",   "财务 Finance" },
  { "manager",   "经理 Manager" },
  { "auditor",   "审计 Auditor" },
  { "admin",     "管理员 Admin" },
};

/* Residents generated and written a batch at a time (about 15 MiB): the
 * store seals a batch on its worker threads (resident_insert_many). */
#define SEED_BATCH 16384

static gboolean
seed_batch (FdStore     *store,
            FdPinyin    *pinyin,
            guint64      seed,
            guint        first,
            guint        n,
            GError     **error)
{
  g_autofree FdDemoResident *demo = g_new0 (FdDemoResident, n);
  g_autofree FdResidentInput *inputs = g_new0 (FdResidentInput, n);
  g_autofree char **initials = g_new0 (char *, n);
  gboolean ok = TRUE;

  for (guint i = 0; i < n; i++)
    {
      FdDemoResident *d = &demo[i];
      FdResidentInput *in = &inputs[i];
      g_auto(GStrv) all = NULL;

      fd_demo_resident_generate (seed, first + i, d);
      all = fd_pinyin_initials (pinyin, d->name);
      initials[i] = g_strjoinv (",", all);
      in->name = d->name;
      in->room = d->room;
      in->initials = initials[i];
      in->phone = d->phone;
      in->id_number = d->id_number;
      in->home_address = d->home_address;
      in->plates = (const char * const *) d->plates;
      in->payment_account = d->payment_account;
      in->balance_cents = d->balance_cents;
      in->overdue = d->overdue;
      in->last_paid_at = d->last_paid_at;
    }

  if (store->backend->resident_insert_many != NULL)
    ok = FD_STORE_CALL (store, resident_insert_many, inputs, n, error);
  else
    for (guint i = 0; i < n && ok; i++)
      ok = FD_STORE_CALL (store, resident_insert, &inputs[i], error) != 0;

  for (guint i = 0; i < n; i++)
    {
      fd_demo_resident_clear (&demo[i]);
      g_free (initials[i]);
    }
  return ok;
}

gboolean
fd_seed_demo (FdStore     *store,
              guint        n_residents,
              guint64      seed,
              const char  *password,
              GError     **error)
{
  g_autoptr(FdPinyin) pinyin = NULL;
  g_autoptr(GPtrArray) users = FD_STORE_CALL0 (store, user_list);

  if (users->len == 0)
    {
      for (guint i = 0; i < G_N_ELEMENTS (demo_accounts); i++)
        if (!fd_seed_add_user (store, demo_accounts[i].username, demo_accounts[i].display_name,
                               demo_accounts[i].username, password, "(demo)", error))
          return FALSE;
      /* issue 12: demo accounts start with the rules acknowledged */
      if (!fd_rules_acknowledge_all (store, error))
        return FALSE;
    }

  if (FD_STORE_CALL0 (store, resident_count) > 0 || n_residents == 0)
    return TRUE;

  pinyin = fd_pinyin_new (error);
  if (pinyin == NULL)
    return FALSE;
  if (!FD_STORE_CALL (store, begin, error))
    return FALSE;
  for (guint first = 0; first < n_residents; first += SEED_BATCH)
    if (!seed_batch (store, pinyin, seed, first, MIN (SEED_BATCH, n_residents - first), error))
      {
        FD_STORE_CALL0 (store, rollback);
        return FALSE;
      }

  /* A few of today's visitors so the demo log is not empty. */
  for (guint i = 0; i < 5; i++)
    {
      FdDemoResident d = { 0 };
      g_autofree char *name = NULL;
      g_autofree char *phone = NULL;

      fd_demo_visitor_generate (seed, i, &name, &phone);
      fd_demo_resident_generate (seed, i * 7, &d);
      FD_STORE_CALL (store, visitor_insert, name, phone, NULL, d.room,
                     i % 2 ? "快递 Delivery" : "探访 Visiting family", NULL,
                     g_get_real_time () - (gint64) (5 - i) * 1800 * G_USEC_PER_SEC, "reception", NULL);
      fd_demo_resident_clear (&d);
      if (phone)
        fd_secret_free (g_steal_pointer (&phone));
    }

  if (!FD_STORE_CALL (store, commit, error))
    {
      FD_STORE_CALL0 (store, rollback);
      return FALSE;
    }
  return fd_seed_audit_cli (store, "policy-change", "demo-seed", "synthetic residents seeded", error);
}
