/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Seeds a store: demo accounts and residents, accounts from the command line. */

#include "config.h"

#include "fd-crypto.h"
#include "fd-demo-data.h"
#include "fd-error.h"
#include "fd-estates.h"
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
  /* company-wide, but in a one-estate office that estate's (issue 11) */
  entry.estate_id = store->scope != FD_ESTATE_ALL ? store->scope : fd_estates_only (store);
  ok = FD_STORE_CALL (store, audit_append, &entry, error);
  fd_audit_entry_clear (&entry);
  return ok;
}

static char *
hash_password (const char  *password,
               GError     **error)
{
  if (password == NULL || g_utf8_strlen (password, -1) < 8)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG, "Passwords have at least 8 characters");
      return NULL;
    }
  return fd_password_hash (password, error);
}

/* Writes an account with its password hash and estates (issue 11). */
static gboolean
add_user_hashed (FdStore      *store,
                 const char   *username,
                 const char   *display_name,
                 const char   *role,
                 const char   *hash,
                 const GArray *estates,
                 gboolean      demo_account,
                 GError      **error)
{
  g_autofree char *target = NULL;
  FdUserRecord user = { 0 };

  user.username = (char *) username;
  user.display_name = (char *) display_name;
  user.role = (char *) role;
  user.password_hash = (char *) hash;
  user.id = FD_STORE_CALL (store, user_insert, &user, error);
  if (user.id == 0)
    return FALSE;
  if (!FD_STORE_CALL (store, user_estates_set, user.id, (const gint64 *) (gpointer) estates->data,
                      estates->len, error))
    return FALSE;
  /* issue 15: the demo's own accounts sign in with a password alone,
   * even when demo --second-factor asks it of their roles */
  if (demo_account)
    {
      FdTotpRecord exempt = { .user_id = user.id, .exempt = TRUE };

      if (!FD_STORE_CALL (store, totp_put, &exempt, NULL, error))
        return FALSE;
    }
  /* issue 12: the self-check names accounts left on the demo password */
  if (demo_account &&
      !FD_STORE_CALL (store, password_origin_set, user.id, "demo", error))
    return FALSE;
  target = g_strdup_printf ("%" G_GINT64_FORMAT, user.id);
  return fd_seed_audit_cli (store, "account-change", target, role, error);
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
  return fd_seed_add_user_estates (store, username, display_name, role, password, NULL, error);
}

gboolean
fd_seed_check_user (FdStore            *store,
                    const char         *username,
                    const char         *role,
                    const char * const *estates,
                    GArray            **ids,
                    GError            **error)
{
  g_autoptr(GError) local = NULL;

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
  *ids = fd_estates_for_role (store, role, estates, &local);
  if (*ids == NULL)
    {
      g_set_error_literal (error, FD_ERROR, FD_ERROR_CONFIG, local->message);
      return FALSE;
    }
  return TRUE;
}

gboolean
fd_seed_add_user_estates (FdStore            *store,
                          const char         *username,
                          const char         *display_name,
                          const char         *role,
                          const char         *password,
                          const char * const *estates,
                          GError            **error)
{
  g_autofree char *hash = NULL;
  g_autoptr(GArray) ids = NULL;

  if (!fd_seed_check_user (store, username, role, estates, &ids, error))
    return FALSE;
  hash = hash_password (password, error);
  if (hash == NULL)
    return FALSE;
  return add_user_hashed (store, username, display_name, role, hash, ids, FALSE, error);
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

/* A batch of generated residents, in the form the store takes. */
typedef struct
{
  FdPinyin        *pinyin;
  guint64          seed;
  guint            first, n;
  const GArray    *estates;
  FdDemoResident  *demo;
  FdResidentInput *inputs;
  char           **initials;
} SeedBatch;

/* Generates @data's residents; run on a thread of its own while the
 * previous batch is written (the pinyin reader is used by one thread at
 * a time: the batches are generated one after the other). */
static gpointer
seed_generate (gpointer data)
{
  SeedBatch *b = data;

  b->demo = g_new0 (FdDemoResident, b->n);
  b->inputs = g_new0 (FdResidentInput, b->n);
  b->initials = g_new0 (char *, b->n);
  for (guint i = 0; i < b->n; i++)
    {
      FdDemoResident *d = &b->demo[i];
      FdResidentInput *in = &b->inputs[i];
      g_auto(GStrv) all = NULL;

      fd_demo_resident_generate (b->seed, b->first + i, d);
      all = fd_pinyin_initials (b->pinyin, d->name);
      b->initials[i] = g_strjoinv (",", all);
      in->name = d->name;
      in->room = d->room;
      in->initials = b->initials[i];
      in->phone = d->phone;
      in->id_number = d->id_number;
      in->home_address = d->home_address;
      in->plates = (const char * const *) d->plates;
      in->payment_account = d->payment_account;
      in->balance_cents = d->balance_cents;
      in->overdue = d->overdue;
      in->last_paid_at = d->last_paid_at;
      /* spread evenly, interleaved: resident k lives in estate k mod N */
      in->estate_id = g_array_index (b->estates, gint64, (b->first + i) % b->estates->len);
    }
  return NULL;
}

static void
seed_batch_clear (SeedBatch *b)
{
  for (guint i = 0; b->demo != NULL && i < b->n; i++)
    {
      fd_demo_resident_clear (&b->demo[i]);
      g_free (b->initials[i]);
    }
  g_clear_pointer (&b->demo, g_free);
  g_clear_pointer (&b->inputs, g_free);
  g_clear_pointer (&b->initials, g_free);
}

static gboolean
seed_write (FdStore    *store,
            SeedBatch  *b,
            GError    **error)
{
  gboolean ok = TRUE;

  if (store->backend->resident_insert_many != NULL)
    return FD_STORE_CALL (store, resident_insert_many, b->inputs, b->n, error);
  for (guint i = 0; i < b->n && ok; i++)
    ok = FD_STORE_CALL (store, resident_insert, &b->inputs[i], error) != 0;
  return ok;
}

/* Seeds @n_residents in batches: batch k+1 is generated on a thread
 * while batch k is written, so that the writing (and PostgreSQL, on that
 * engine) does not wait for the generator between batches. */
static gboolean
seed_residents (FdStore      *store,
                FdPinyin     *pinyin,
                guint64       seed,
                guint         n_residents,
                const GArray *estates,
                GError      **error)
{
  SeedBatch cur = { pinyin, seed, 0, MIN (SEED_BATCH, n_residents), estates, NULL, NULL, NULL };
  gboolean ok = TRUE;

  seed_generate (&cur);
  while (ok && cur.n > 0)
    {
      guint first = cur.first + cur.n;
      SeedBatch next = { pinyin, seed, first, MIN (SEED_BATCH, n_residents - first), estates,
                         NULL, NULL, NULL };
      GThread *thread = next.n > 0 ? g_thread_new ("fd-seed-gen", seed_generate, &next) : NULL;

      ok = seed_write (store, &cur, error);
      if (thread != NULL)
        g_thread_join (thread);
      seed_batch_clear (&cur);
      cur = next;
    }
  seed_batch_clear (&cur);
  return ok;
}

/* The demo's estates (issue 11): none asked for, the one estate "main";
 * N, "e1"…"eN", the first being "main" renamed. Their ids into @ids. */
static gboolean
seed_estates (FdStore  *store,
              guint     n_estates,
              GArray   *ids,
              GError  **error)
{
  g_autoptr(GPtrArray) estates = FD_STORE_CALL0 (store, estate_list);

  if (n_estates == 0)
    {
      if (estates->len == 0)
        {
          g_set_error (error, FD_ERROR, FD_ERROR_CONFIG, "The store holds no estate");
          return FALSE;
        }
      g_array_append_val (ids, ((FdEstateRecord *) estates->pdata[0])->id);
      return TRUE;
    }
  for (guint k = 1; k <= n_estates; k++)
    {
      g_autofree char *code = g_strdup_printf ("e%u", k);
      g_autofree char *name = g_strdup_printf ("小区 %u Estate %u", k, k);
      FdEstateRecord *e = fd_estate_find_code (estates, code);
      FdEstateRecord *main_estate = fd_estate_find_code (estates, "main");
      gint64 id;

      if (e != NULL)
        id = e->id;
      else if (k == 1 && estates->len == 1 && main_estate != NULL &&
               store->backend->estate_update != NULL)
        {
          if (!FD_STORE_CALL (store, estate_update, main_estate->id, code, name, error))
            return FALSE;
          id = main_estate->id;
        }
      else if ((id = FD_STORE_CALL (store, estate_insert, code, name, error)) == 0)
        return FALSE;
      g_array_append_val (ids, id);
    }
  return TRUE;
}

static gboolean
seed_demo_accounts (FdStore      *store,
                    const char   *password,
                    const GArray *estates,
                    gboolean      per_estate,
                    GError      **error)
{
  static const char *estate_roles[] = { "reception", "patrol", "finance", "manager" };
  g_autofree char *hash = NULL;
  g_autoptr(GArray) none = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) first = g_array_new (FALSE, FALSE, sizeof (gint64));

  /* one hash for every demo account: they share the password */
  hash = hash_password (password, error);
  if (hash == NULL)
    return FALSE;
  g_array_append_val (first, g_array_index (estates, gint64, 0));
  for (guint i = 0; i < G_N_ELEMENTS (demo_accounts); i++)
    if (!add_user_hashed (store, demo_accounts[i].username, demo_accounts[i].display_name,
                          demo_accounts[i].username, hash,
                          fd_role_company_wide_ok (demo_accounts[i].username) ? none : first,
                          TRUE, error))
      return FALSE;
  for (guint k = 0; per_estate && k < estates->len; k++)
    for (guint r = 0; r < G_N_ELEMENTS (estate_roles); r++)
      {
        g_autoptr(GArray) one = g_array_new (FALSE, FALSE, sizeof (gint64));
        g_autofree char *username = g_strdup_printf ("%s-e%u", estate_roles[r], k + 1);

        g_array_append_val (one, g_array_index (estates, gint64, k));
        if (!add_user_hashed (store, username, username, estate_roles[r], hash, one, TRUE, error))
          return FALSE;
      }
  return TRUE;
}

gboolean
fd_seed_demo (FdStore     *store,
              guint        n_residents,
              guint64      seed,
              const char  *password,
              GError     **error)
{
  return fd_seed_demo_estates (store, n_residents, 0, seed, password, error);
}

gboolean
fd_seed_demo_estates (FdStore     *store,
                      guint        n_residents,
                      guint        n_estates,
                      guint64      seed,
                      const char  *password,
                      GError     **error)
{
  g_autoptr(FdPinyin) pinyin = NULL;
  g_autoptr(GPtrArray) users = FD_STORE_CALL0 (store, user_list);
  g_autoptr(GArray) estates = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 now, today, at;

  if (!seed_estates (store, n_estates, estates, error))
    return FALSE;
  /* issue 12: demo accounts start with the rules acknowledged */
  if (users->len == 0 && (!seed_demo_accounts (store, password, estates, n_estates > 0, error) ||
                          !fd_rules_acknowledge_all (store, error)))
    return FALSE;

  if (FD_STORE_CALL0 (store, resident_count) > 0 || n_residents == 0)
    return TRUE;

  pinyin = fd_pinyin_new (error);
  if (pinyin == NULL)
    return FALSE;
  if (!FD_STORE_CALL (store, begin, error))
    return FALSE;
  if (!seed_residents (store, pinyin, seed, n_residents, estates, error))
    {
      FD_STORE_CALL0 (store, rollback);
      return FALSE;
    }

  /* A few of today's visitors in each estate so the demo log is not
   * empty; resident i*7*N+k lives in estate k. Half an hour apart, up to
   * now, but never before the local midnight: just after it, spread
   * over the minutes since (the log shows today's). */
  now = g_get_real_time ();
  {
    g_autoptr(GDateTime) local = g_date_time_new_from_unix_local (now / G_USEC_PER_SEC);
    g_autoptr(GDateTime) midnight = g_date_time_new_local (g_date_time_get_year (local),
                                                           g_date_time_get_month (local),
                                                           g_date_time_get_day_of_month (local),
                                                           0, 0, 0);

    today = midnight != NULL ? g_date_time_to_unix (midnight) * G_USEC_PER_SEC : now;
  }
  for (guint k = 0; k < estates->len; k++)
    for (guint i = 0; i < 5; i++)
      {
        FdDemoResident d = { 0 };
        g_autofree char *name = NULL;
        g_autofree char *phone = NULL;

        fd_demo_visitor_generate (seed, i + 5 * k, &name, &phone);
        fd_demo_resident_generate (seed, i * 7 * estates->len + k, &d);
        fd_store_set_scope (store, g_array_index (estates, gint64, k));
        at = now - (gint64) (5 - i) * 1800 * G_USEC_PER_SEC;
        if (at < today)
          at = today + (now - today) * i / 5;
        FD_STORE_CALL (store, visitor_insert, name, phone, NULL, d.room,
                       i % 2 ? "快递 Delivery" : "探访 Visiting family", NULL, at, "reception",
                       NULL);
        fd_store_set_scope (store, FD_ESTATE_ALL);
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
