/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The storage interface's record types: freeing, audit hashes, times. */

#include "config.h"

#include <string.h>

#include "fd-field.h"
#include "fd-store.h"

G_DEFINE_QUARK (fd-store-wrong-key-error-quark, fd_store_wrong_key_error)

void
fd_store_close (FdStore *store)
{
  if (store != NULL)
    store->backend->close (store);
}

void
fd_user_record_free (FdUserRecord *user)
{
  if (user == NULL)
    return;
  g_free (user->username);
  g_free (user->display_name);
  g_free (user->role);
  fd_secret_free (user->password_hash);
  g_free (user);
}

void
fd_estate_record_free (FdEstateRecord *estate)
{
  if (estate == NULL)
    return;
  g_free (estate->code);
  g_free (estate->name);
  g_free (estate);
}

void
fd_session_record_free (FdSessionRecord *session)
{
  if (session == NULL)
    return;
  g_free (session->token_hash);
  g_free (session->workstation);
  g_free (session->ip);
  g_free (session->end_reason);
  g_free (session);
}

void
fd_resident_record_free (FdResidentRecord *resident)
{
  if (resident == NULL)
    return;
  g_free (resident->name);
  g_free (resident->room);
  g_free (resident->initials);
  g_free (resident->phone_masked);
  g_free (resident->phone_last4);
  g_free (resident->id_masked);
  g_free (resident->address_masked);
  g_strfreev (resident->plates);
  g_strfreev (resident->plates_masked);
  g_free (resident->account_masked);
  g_free (resident->last_paid_at);
  g_free (resident);
}

void
fd_visitor_record_free (FdVisitorRecord *visitor)
{
  if (visitor == NULL)
    return;
  g_free (visitor->name);
  g_free (visitor->phone_masked);
  g_free (visitor->id_masked);
  g_free (visitor->room);
  g_free (visitor->purpose);
  g_free (visitor->plate);
  g_free (visitor->registered_by);
  g_free (visitor);
}

void
fd_audit_entry_clear (FdAuditEntry *entry)
{
  g_clear_pointer (&entry->at, g_free);
  g_clear_pointer (&entry->actor, g_free);
  g_clear_pointer (&entry->role, g_free);
  g_clear_pointer (&entry->session_hash, g_free);
  g_clear_pointer (&entry->workstation, g_free);
  g_clear_pointer (&entry->ip, g_free);
  g_clear_pointer (&entry->action, g_free);
  g_clear_pointer (&entry->target, g_free);
  g_clear_pointer (&entry->field, g_free);
  g_clear_pointer (&entry->reason_code, g_free);
  g_clear_pointer (&entry->reason_text, g_free);
  g_clear_pointer (&entry->outcome, g_free);
  g_clear_pointer (&entry->prev_hash, g_free);
  g_clear_pointer (&entry->hash, g_free);
}

void
fd_audit_entry_free (FdAuditEntry *entry)
{
  if (entry == NULL)
    return;
  fd_audit_entry_clear (entry);
  g_free (entry);
}

void
fd_alert_record_free (FdAlertRecord *alert)
{
  if (alert == NULL)
    return;
  g_free (alert->at);
  g_free (alert->kind);
  g_free (alert->actor);
  g_free (alert->detail);
  g_free (alert);
}

void
fd_delivery_record_free (FdDeliveryRecord *d)
{
  if (d == NULL)
    return;
  g_free (d->channel);
  g_free (d->destination);
  g_free (d->kind);
  g_free (d->at);
  g_free (d->actor);
  g_free (d->estate);
  g_free (d->detail);
  g_free (d->status);
  g_free (d->last_error);
  g_free (d);
}

void
fd_account_activity_free (FdAccountActivity *a)
{
  if (a == NULL)
    return;
  g_free (a->username);
  g_free (a->role);
  g_free (a->password_origin);
  g_free (a);
}

static void
append_member (GString    *out,
               const char *value)
{
  char digits[24], *p = digits + sizeof digits;
  gsize len;

  if (value == NULL)
    {
      g_string_append (out, "-1:;");
      return;
    }
  /* "%zu:%s;" without printf: one entry a request hashes 15 members (issue 13) */
  len = strlen (value);
  *--p = ':';
  do
    *--p = (char) ('0' + len % 10);
  while ((len /= 10) > 0);
  g_string_append_len (out, p, digits + sizeof digits - p);
  g_string_append (out, value);
  g_string_append_c (out, ';');
}

/* Estates (issue 11) came after the chain: every entry written before
 * holds estate 1 (the column's default, "main") and was hashed without
 * an estate. So the estate is a member of the hash only when it is not
 * 1, appended after prev_hash: an old entry hashes exactly as it did,
 * and the two serialisations cannot coincide (each member is
 * length-prefixed, so one more member is a different text). Changing a
 * new entry's estate therefore changes its hash whichever way it goes:
 * from 1 to anything adds the member, from anything to 1 drops it, and
 * between two others changes its value. (Writing "1" for new entries
 * would need to tell old from new rows, which the row cannot prove.) */
#define FD_AUDIT_PRE_ESTATES_ESTATE 1

char *
fd_audit_entry_compute_hash (const FdAuditEntry *entry)
{
  g_autoptr(GString) out = g_string_new ("fd-audit-v1;");
  char number[32];

  g_snprintf (number, sizeof number, "%" G_GINT64_FORMAT, entry->seq);
  append_member (out, number);
  append_member (out, entry->at);
  append_member (out, entry->actor);
  g_snprintf (number, sizeof number, "%" G_GINT64_FORMAT, entry->actor_id);
  append_member (out, number);
  append_member (out, entry->role);
  append_member (out, entry->session_hash);
  append_member (out, entry->workstation);
  append_member (out, entry->ip);
  append_member (out, entry->action);
  append_member (out, entry->target);
  append_member (out, entry->field);
  append_member (out, entry->reason_code);
  append_member (out, entry->reason_text);
  append_member (out, entry->outcome);
  append_member (out, entry->prev_hash);
  if (entry->estate_id != FD_AUDIT_PRE_ESTATES_ESTATE)
    {
      g_snprintf (number, sizeof number, "%" G_GINT64_FORMAT, entry->estate_id);
      append_member (out, number);
    }

  return fd_sha256_hex (out->str, out->len);
}

char *
fd_time_format_rfc3339 (gint64 usec)
{
  /* Every audit entry asks, mostly for the same second (issue 13): the
   * last answer is kept, one per thread. */
  static _Thread_local gint64 last_second = G_MININT64;
  static _Thread_local char last_text[32];
  gint64 second = usec / G_USEC_PER_SEC;
  g_autoptr(GDateTime) dt = NULL;
  g_autofree char *text = NULL;

  if (second == last_second)
    return g_strdup (last_text);
  dt = g_date_time_new_from_unix_utc (second);
  if (dt == NULL)
    return g_strdup ("1970-01-01T00:00:00Z");
  text = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
  if (text != NULL && strlen (text) < sizeof last_text)
    {
      strcpy (last_text, text);
      last_second = second;
    }
  return g_steal_pointer (&text);
}

void
fd_room_record_free (FdRoomRecord *room)
{
  if (room == NULL)
    return;
  g_free (room->room);
  g_free (room);
}

/* issue 12 */
static void
review_item_free (FdReviewItem *item)
{
  g_free (item->decision);
  g_free (item->decided_by);
  g_free (item);
}

void
fd_review_record_free (FdReviewRecord *review)
{
  if (review == NULL)
    return;
  g_free (review->opened_by);
  g_free (review->signed_off_by);
  g_clear_pointer (&review->items, g_ptr_array_unref);
  g_free (review);
}

/* The items array of a new FdReviewRecord. */
GPtrArray *
fd_review_items_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) review_item_free);
}

/* issue 15 */
void
fd_totp_record_free (FdTotpRecord *record)
{
  if (record == NULL)
    return;
  fd_secret_free (record->secret);
  g_free (record);
}

void
fd_totp_challenge_free (FdTotpChallenge *challenge)
{
  if (challenge == NULL)
    return;
  g_free (challenge->hash);
  g_free (challenge->workstation);
  g_free (challenge->ip);
  g_free (challenge);
}

gboolean
fd_store_totp_reset (FdStore  *store,
                     gint64    user_id,
                     GError  **error)
{
  g_autoptr(FdTotpRecord) record = FD_STORE_CALL (store, totp_get, user_id, FALSE);
  const char * const none[] = { NULL };
  FdTotpRecord reset = { .user_id = user_id, .exempt = record != NULL && record->exempt };

  if (!FD_STORE_CALL (store, totp_put, &reset, none, error))
    return FALSE;
  FD_STORE_CALL (store, sessions_end_for_user, user_id, 0, "second-factor-reset",
                 g_get_real_time ());
  return TRUE;
}
