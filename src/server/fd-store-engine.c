/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the engines (SQLite, PostgreSQL) compute alike, so they seal and check alike. */

#include "config.h"

#include "fd-store-engine.h"

#include <string.h>

#include "fd-field.h"
#include "fd-mask.h"

char *
fd_engine_audit_anchor_mac (FdKeys     *keys,
                            gint64      seq,
                            const char *hash)
{
  g_autofree char *data = g_strdup_printf ("audit-head\x1f%" G_GINT64_FORMAT "\x1f%s", seq, hash);
  return fd_crypto_mac_hex (keys, data, strlen (data));
}

char *
fd_engine_login_name_mac (FdKeys     *keys,
                          const char *username)
{
  g_autofree char *data = g_strconcat ("login\x1f", username, NULL);
  return fd_crypto_mac_hex (keys, data, strlen (data));
}

FdLoginAttempt
fd_engine_login_attempt (gint64 *failures,
                         gint64 *until,
                         gint64  now,
                         guint   max_failures,
                         gint64  lock_usec,
                         gint64 *locked_until)
{
  if (*until > now)
    {
      *locked_until = *until;
      return FD_LOGIN_ATTEMPT_LOCKED;
    }
  if (*until != 0)
    *failures = 0;   /* the last lock is over: count afresh */
  (*failures)++;
  *until = *failures >= max_failures ? now + lock_usec : 0;
  *locked_until = *until;
  return *until != 0 ? FD_LOGIN_ATTEMPT_LAST : FD_LOGIN_ATTEMPT_RESERVED;
}

void
fd_engine_resident_derive (FdKeys                *keys,
                           const FdResidentInput *in,
                           char                 **phone_masked,
                           char                 **id_masked,
                           char                 **address_masked,
                           char                 **account_masked,
                           char                 **phone_bidx,
                           char                 **id_bidx)
{
  *phone_masked = fd_mask_mobile (in->phone);
  *id_masked = in->id_number ? fd_mask_id_number (in->id_number) : NULL;
  *address_masked = in->home_address ? fd_mask_address_district (in->home_address) : NULL;
  *account_masked = in->payment_account ? fd_mask_account (in->payment_account) : NULL;
  *phone_bidx = in->phone ? fd_crypto_blind_index (keys, "phone", in->phone) : NULL;
  *id_bidx = in->id_number ? fd_crypto_blind_index (keys, "id_number", in->id_number) : NULL;
}

const FdKeyProbe fd_engine_key_probes[] = {
  { "SELECT id, phone_enc, phone_bidx FROM residents WHERE phone_enc IS NOT NULL LIMIT 1",
    "residents", "phone", "phone" },
  { "SELECT id, id_enc, id_bidx FROM residents WHERE id_enc IS NOT NULL LIMIT 1",
    "residents", "id_number", "id_number" },
  { "SELECT id, address_enc, NULL FROM residents WHERE address_enc IS NOT NULL LIMIT 1",
    "residents", "home_address", NULL },
  { "SELECT resident_id, account_enc, NULL FROM payments WHERE account_enc IS NOT NULL LIMIT 1",
    "payments", "account", NULL },
  { "SELECT id, phone_enc, NULL FROM visitors WHERE phone_enc IS NOT NULL LIMIT 1",
    "visitors", "phone", NULL },
  { "SELECT id, id_enc, NULL FROM visitors WHERE id_enc IS NOT NULL LIMIT 1",
    "visitors", "id_number", NULL },
};
const guint fd_engine_n_key_probes = G_N_ELEMENTS (fd_engine_key_probes);

gboolean
fd_engine_key_probe_opens (FdKeys           *keys,
                           const FdKeyProbe *probe,
                           gint64            id,
                           const guint8     *blob,
                           gsize             len,
                           const char       *stored_bidx)
{
  g_autofree char *aad = g_strdup_printf ("%s:%" G_GINT64_FORMAT ":%s", probe->table, id,
                                          probe->field);
  g_autofree char *bidx = NULL;
  char *clear = fd_crypto_open (keys, blob, len, aad, NULL);
  gboolean ok;

  if (clear != NULL && probe->bidx_domain != NULL)
    bidx = fd_crypto_blind_index (keys, probe->bidx_domain, clear);
  ok = clear != NULL && (bidx == NULL || g_strcmp0 (bidx, stored_bidx) == 0);
  fd_secret_free (clear);
  return ok;
}
