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

static GBytes *
seal_column (FdKeys     *keys,
             const char *value,
             const char *table,
             gint64      id,
             const char *column,
             gboolean   *ok)
{
  g_autofree char *aad = NULL;
  GBytes *blob;

  if (value == NULL || *value == '\0')
    return NULL;
  aad = g_strdup_printf ("%s:%" G_GINT64_FORMAT ":%s", table, id, column);
  blob = fd_crypto_seal (keys, value, aad, NULL);
  if (blob == NULL)
    *ok = FALSE;
  return blob;
}

gboolean
fd_engine_resident_seal (FdKeys                *keys,
                         const FdResidentInput *in,
                         gint64                 id,
                         FdSealedResident      *out)
{
  gboolean ok = TRUE;

  out->phone_masked = fd_mask_mobile (in->phone);
  out->id_masked = in->id_number ? fd_mask_id_number (in->id_number) : NULL;
  out->address_masked = in->home_address ? fd_mask_address_district (in->home_address) : NULL;
  out->account_masked = in->payment_account ? fd_mask_account (in->payment_account) : NULL;
  out->phone_bidx = in->phone ? fd_crypto_blind_index (keys, "phone", in->phone) : NULL;
  out->id_bidx = in->id_number ? fd_crypto_blind_index (keys, "id_number", in->id_number) : NULL;
  out->phone_enc = seal_column (keys, in->phone, "residents", id, "phone", &ok);
  out->id_enc = seal_column (keys, in->id_number, "residents", id, "id_number", &ok);
  out->address_enc = seal_column (keys, in->home_address, "residents", id, "home_address", &ok);
  out->account_enc = seal_column (keys, in->payment_account, "payments", id, "account", &ok);
  return ok;
}

void
fd_engine_sealed_resident_clear (FdSealedResident *s)
{
  g_free (s->phone_masked);
  g_free (s->id_masked);
  g_free (s->address_masked);
  g_free (s->account_masked);
  g_free (s->phone_bidx);
  g_free (s->id_bidx);
  g_clear_pointer (&s->phone_enc, g_bytes_unref);
  g_clear_pointer (&s->id_enc, g_bytes_unref);
  g_clear_pointer (&s->address_enc, g_bytes_unref);
  g_clear_pointer (&s->account_enc, g_bytes_unref);
}

gboolean
fd_engine_room_parse (const char *room,
                      gint64     *building,
                      gint64     *unit,
                      gint64     *number)
{
  g_auto(GStrv) parts = room != NULL ? g_strsplit (room, "-", 0) : NULL;

  if (parts == NULL || g_strv_length (parts) != 3)
    return FALSE;
  return g_ascii_string_to_signed (parts[0], 10, 1, 999, building, NULL) &&
         g_ascii_string_to_signed (parts[1], 10, 1, 99, unit, NULL) &&
         g_ascii_string_to_signed (parts[2], 10, 1, 99999, number, NULL);
}

const char *
fd_engine_phone_last4 (const char *phone)
{
  gsize len = phone != NULL ? strlen (phone) : 0;

  return len >= 4 ? phone + len - 4 : NULL;
}

gint
fd_engine_compare_id (gconstpointer a,
                      gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
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

/* Every member of FdStoreBackend is a pointer: its name, then functions. */
G_STATIC_ASSERT (sizeof (FdStoreBackend) % sizeof (void (*) (void)) == 0);
G_STATIC_ASSERT (sizeof (const char *) == sizeof (void (*) (void)));

/* issue 13 (search13): the sync_committed of an engine whose COMMIT is
 * durable itself; the server then runs no committer thread. */
gboolean
fd_engine_commit_is_durable (FdStore  *store,
                             GError  **error)
{
  return TRUE;
}

guint
fd_engine_backend_missing (const FdStoreBackend *backend,
                           gboolean              every)
{
  static const gsize optional[] = {
    G_STRUCT_OFFSET (FdStoreBackend, resident_insert_many),
    G_STRUCT_OFFSET (FdStoreBackend, estate_update),
    G_STRUCT_OFFSET (FdStoreBackend, residents_after),
    G_STRUCT_OFFSET (FdStoreBackend, audit_subjects_add),
    G_STRUCT_OFFSET (FdStoreBackend, incident_radius),
    G_STRUCT_OFFSET (FdStoreBackend, visitor_undo_checkout),
    G_STRUCT_OFFSET (FdStoreBackend, commit_async),          /* issue 11: PostgreSQL's */
    G_STRUCT_OFFSET (FdStoreBackend, listed_note_detached),  /* issue 11: PostgreSQL's */
  };
  const guint8 *base = (const guint8 *) backend;

  for (gsize at = sizeof (void (*) (void)); at < sizeof *backend; at += sizeof (void (*) (void)))
    {
      void (*fn) (void);
      gboolean may_be_null = FALSE;

      memcpy (&fn, base + at, sizeof fn);
      for (guint i = 0; !every && i < G_N_ELEMENTS (optional); i++)
        may_be_null |= optional[i] == at;
      if (fn == NULL && !may_be_null)
        return (guint) (at / sizeof fn);
    }
  return 0;
}
