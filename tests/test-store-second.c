/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests the store calls of the second factor (issue 15) and of alerts out and the self-check (issue 12) in an engine. */

#include "config.h"

#include <string.h>

#include "fd-error.h"
#include "fd-store-engine.h"
#include "fd-test-pg.h"
#include "fd-test-store.h"

/* SQLite, and PostgreSQL as test-store-second-on-pg (fd-test-store.h):
 * every call of the two issues as fd-store.h describes it, so that an
 * engine that lacks one, or differs, fails here rather than in a server. */

typedef FdTestStoreFixture Fixture;

/* A second estate beside the first ("main"). */
static gint64
second_estate (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  gint64 id = FD_STORE_CALL (f->store, estate_insert, "e2", "Estate 2", &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 1);
  return id;
}

#define SECRET "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

static void
test_totp_row (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char * const codes[] = { "aaaa", "bbbb", "cccc", NULL };
  const char * const none[] = { NULL };
  FdTotpRecord put = { .user_id = 7, .secret = (char *) SECRET, .confirmed = FALSE };
  g_autoptr(FdTotpRecord) got = NULL;
  g_autoptr(FdTotpRecord) bare = NULL;
  g_autoptr(FdTotpRecord) after = NULL;

  g_assert_null (FD_STORE_CALL (f->store, totp_get, 7, TRUE));
  g_assert_true (FD_STORE_CALL (f->store, totp_put, &put, codes, &error));
  g_assert_no_error (error);

  got = FD_STORE_CALL (f->store, totp_get, 7, TRUE);
  g_assert_nonnull (got);
  g_assert_true (got->has_secret);
  g_assert_cmpstr (got->secret, ==, SECRET);
  g_assert_false (got->confirmed);
  g_assert_cmpuint (got->recovery_left, ==, 3);
  bare = FD_STORE_CALL (f->store, totp_get, 7, FALSE);
  g_assert_true (bare->has_secret);
  g_assert_null (bare->secret);
  /* sealed: the clear secret is nowhere in the stored data */
  g_assert_false (fd_test_store_holds (f->t, SECRET));

  /* confirmed, codes kept (NULL) */
  put.confirmed = TRUE;
  put.last_step = 100;
  g_assert_true (FD_STORE_CALL (f->store, totp_put, &put, NULL, &error));
  after = FD_STORE_CALL (f->store, totp_get, 7, FALSE);
  g_assert_true (after->confirmed);
  g_assert_cmpint (after->last_step, ==, 100);
  g_assert_cmpuint (after->recovery_left, ==, 3);
  g_clear_pointer (&after, fd_totp_record_free);

  /* the secret removed and the codes with it (an empty vector) */
  put.secret = NULL;
  put.confirmed = FALSE;
  put.exempt = TRUE;
  g_assert_true (FD_STORE_CALL (f->store, totp_put, &put, none, &error));
  after = FD_STORE_CALL (f->store, totp_get, 7, TRUE);
  g_assert_false (after->has_secret);
  g_assert_null (after->secret);
  g_assert_true (after->exempt);
  g_assert_cmpuint (after->recovery_left, ==, 0);
}

static void
test_totp_step_and_codes (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char * const codes[] = { "aaaa", "bbbb", NULL };
  FdTotpRecord put = { .user_id = 8, .secret = (char *) SECRET, .confirmed = TRUE,
                       .last_step = 10 };
  FdTotpRecord none = { .user_id = 9 };
  guint left = 99;

  g_assert_true (FD_STORE_CALL (f->store, totp_put, &put, codes, &error));
  /* a later step once; the same or an earlier one never */
  g_assert_true (FD_STORE_CALL (f->store, totp_step_take, 8, 11));
  g_assert_false (FD_STORE_CALL (f->store, totp_step_take, 8, 11));
  g_assert_false (FD_STORE_CALL (f->store, totp_step_take, 8, 10));
  g_assert_true (FD_STORE_CALL (f->store, totp_step_take, 8, 13));
  /* no secret, no step; no row, no step */
  g_assert_true (FD_STORE_CALL (f->store, totp_put, &none, NULL, &error));
  g_assert_false (FD_STORE_CALL (f->store, totp_step_take, 9, 50));
  g_assert_false (FD_STORE_CALL (f->store, totp_step_take, 10, 50));

  /* a code once; an unknown one never; the count of those left */
  g_assert_true (FD_STORE_CALL (f->store, totp_recovery_use, 8, "aaaa", 1000, &left));
  g_assert_cmpuint (left, ==, 1);
  g_assert_false (FD_STORE_CALL (f->store, totp_recovery_use, 8, "aaaa", 1001, &left));
  g_assert_cmpuint (left, ==, 1);
  g_assert_false (FD_STORE_CALL (f->store, totp_recovery_use, 8, "zzzz", 1001, &left));
  g_assert_false (FD_STORE_CALL (f->store, totp_recovery_use, 9, "bbbb", 1001, &left));
  g_assert_cmpuint (left, ==, 0);
  g_assert_true (FD_STORE_CALL (f->store, totp_recovery_use, 8, "bbbb", 1002, &left));
  g_assert_cmpuint (left, ==, 0);
}

static void
test_totp_challenges (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  FdTotpChallenge live = { .hash = (char *) "h-live", .user_id = 3, .workstation = (char *) "FD-1",
                           .ip = (char *) "127.0.0.1", .expires_at = 5000 };
  FdTotpChallenge old = { .hash = (char *) "h-old", .user_id = 3, .expires_at = 1500 };
  FdTotpChallenge later = { .hash = (char *) "h-later", .user_id = 4, .expires_at = 9000 };
  g_autoptr(FdTotpChallenge) taken = NULL;

  g_assert_true (FD_STORE_CALL (f->store, totp_challenge_put, &live, 1000, &error));
  g_assert_true (FD_STORE_CALL (f->store, totp_challenge_put, &old, 1000, &error));
  g_assert_no_error (error);
  /* once, with what it was bound to */
  taken = FD_STORE_CALL (f->store, totp_challenge_take, "h-live", 2000);
  g_assert_nonnull (taken);
  g_assert_cmpint (taken->user_id, ==, 3);
  g_assert_cmpstr (taken->workstation, ==, "FD-1");
  g_assert_cmpstr (taken->ip, ==, "127.0.0.1");
  g_assert_cmpint (taken->expires_at, ==, 5000);
  g_assert_null (FD_STORE_CALL (f->store, totp_challenge_take, "h-live", 2000));
  /* expired: gone, not returned */
  g_assert_null (FD_STORE_CALL (f->store, totp_challenge_take, "h-old", 2000));
  g_assert_null (FD_STORE_CALL (f->store, totp_challenge_take, "nothing", 2000));
  /* a put forgets the expired ones */
  g_assert_true (FD_STORE_CALL (f->store, totp_challenge_put, &old, 1000, &error));
  g_assert_true (FD_STORE_CALL (f->store, totp_challenge_put, &later, 2000, &error));
  g_assert_null (FD_STORE_CALL (f->store, totp_challenge_take, "h-old", 0));
  g_clear_pointer (&taken, fd_totp_challenge_free);
  taken = FD_STORE_CALL (f->store, totp_challenge_take, "h-later", 2000);
  g_assert_nonnull (taken);
}

static gint64
enqueue (Fixture    *f,
         gint64      estate,
         const char *kind,
         gint64      next_at)
{
  g_autoptr(GError) error = NULL;
  FdDeliveryRecord d = {
    .alert_id = 1, .estate_id = estate, .channel = (char *) "webhook",
    .destination = (char *) "https://127.0.0.1/hook", .kind = (char *) kind,
    .at = (char *) "2026-01-01T00:00:00Z", .actor = (char *) "reception",
    .detail = (char *) "detail", .next_at = next_at, .created_at = next_at,
  };
  gint64 id = FD_STORE_CALL (f->store, delivery_enqueue, &d, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static void
test_deliveries (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) due = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GPtrArray) list = NULL;
  gint64 e2 = second_estate (f);
  gint64 a, b, c, later;
  FdDeliveryRecord *d;

  a = enqueue (f, 1, "off-hours-bulk", 100);
  b = enqueue (f, e2, "test", 50);
  c = enqueue (f, FD_ESTATE_ALL, "failed-logins", 150);  /* company-wide */
  later = enqueue (f, 1, "test", 10000);

  /* claimed in any scope: every estate, oldest first, only the due ones */
  fd_store_set_scope (f->store, 1);
  due = FD_STORE_CALL (f->store, delivery_claim, 1000, 5000, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (due->len, ==, 3);
  g_assert_cmpint (((FdDeliveryRecord *) due->pdata[0])->id, ==, b);
  g_assert_cmpint (((FdDeliveryRecord *) due->pdata[1])->id, ==, a);
  g_assert_cmpint (((FdDeliveryRecord *) due->pdata[2])->id, ==, c);
  d = due->pdata[1];
  g_assert_cmpint (d->estate_id, ==, 1);
  g_assert_cmpstr (d->channel, ==, "webhook");
  g_assert_cmpstr (d->kind, ==, "off-hours-bulk");
  g_assert_cmpstr (d->status, ==, "pending");
  g_assert_cmpint (d->next_at, ==, 5000);
  g_assert_cmpuint (d->attempts, ==, 0);
  /* leased: not claimed again before the lease ends */
  again = FD_STORE_CALL (f->store, delivery_claim, 1000, 5000, 10, &error);
  g_assert_cmpuint (again->len, ==, 0);
  g_clear_pointer (&again, g_ptr_array_unref);

  /* delivered, retried, given up; in any scope */
  g_assert_true (FD_STORE_CALL (f->store, delivery_finish, a, "delivered", 1, 1100, 0, "x",
                                &error));
  g_assert_true (FD_STORE_CALL (f->store, delivery_finish, b, "pending", 1, 1100, 3000,
                                "HTTP 500", &error));
  g_assert_true (FD_STORE_CALL (f->store, delivery_finish, c, "failed", 4, 1200, 0,
                                "refused", &error));
  g_assert_no_error (error);
  fd_store_set_scope (f->store, FD_ESTATE_ALL);
  g_assert_cmpuint (FD_STORE_CALL (f->store, delivery_count, "failed", 1000), ==, 1);
  g_assert_cmpuint (FD_STORE_CALL (f->store, delivery_count, "failed", 1300), ==, 0);
  g_assert_cmpuint (FD_STORE_CALL (f->store, delivery_count, "pending", 1000), ==, 1);
  g_assert_cmpuint (FD_STORE_CALL (f->store, delivery_count, "delivered", 0), ==, 1);

  /* the retry is due at its next_at */
  again = FD_STORE_CALL (f->store, delivery_claim, 3000, 6000, 10, &error);
  g_assert_cmpuint (again->len, ==, 1);
  g_assert_cmpint (((FdDeliveryRecord *) again->pdata[0])->id, ==, b);
  g_assert_cmpstr (((FdDeliveryRecord *) again->pdata[0])->last_error, ==, "HTTP 500");

  /* the list: newest first, filtered on the scope */
  list = FD_STORE_CALL (f->store, delivery_list, 10);
  g_assert_cmpuint (list->len, ==, 4);
  g_assert_cmpint (((FdDeliveryRecord *) list->pdata[0])->id, ==, later);
  d = list->pdata[3];
  g_assert_cmpint (d->id, ==, a);
  g_assert_cmpstr (d->status, ==, "delivered");
  g_assert_cmpint (d->delivered_at, ==, 1100);
  g_assert_null (d->last_error);
  g_clear_pointer (&list, g_ptr_array_unref);
  fd_store_set_scope (f->store, e2);
  list = FD_STORE_CALL (f->store, delivery_list, 10);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpint (((FdDeliveryRecord *) list->pdata[0])->id, ==, b);
  /* a scoped enqueue without an estate takes the scope's */
  g_clear_pointer (&list, g_ptr_array_unref);
  enqueue (f, FD_ESTATE_ALL, "test", 1);
  list = FD_STORE_CALL (f->store, delivery_list, 10);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpint (((FdDeliveryRecord *) list->pdata[0])->estate_id, ==, e2);
}

/* Inside the caller's transaction: the enqueue goes with it, or not at all. */
static void
test_delivery_in_transaction (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;

  g_assert_true (FD_STORE_CALL (f->store, begin, &error));
  enqueue (f, 1, "test", 1);
  FD_STORE_CALL0 (f->store, rollback);
  list = FD_STORE_CALL (f->store, delivery_list, 10);
  g_assert_cmpuint (list->len, ==, 0);
  g_clear_pointer (&list, g_ptr_array_unref);
  g_assert_true (FD_STORE_CALL (f->store, begin, &error));
  enqueue (f, 1, "test", 1);
  g_assert_true (FD_STORE_CALL (f->store, commit, &error));
  list = FD_STORE_CALL (f->store, delivery_list, 10);
  g_assert_cmpuint (list->len, ==, 1);
}

static void
test_account_activity (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) accounts = NULL;
  gint64 e2 = second_estate (f);
  FdUserRecord u = { .username = (char *) "clerk", .display_name = (char *) "Clerk",
                     .role = (char *) "reception", .password_hash = (char *) "x" };
  FdSessionRecord s = { .token_hash = (char *) "t1", .created_at = 4242, .last_seen = 4242,
                        .expires_at = 9999, .estate_id = e2 };
  gint64 id, other;
  FdAccountActivity *a = NULL;

  id = FD_STORE_CALL (f->store, user_insert, &u, &error);
  u.username = (char *) "idle";
  other = FD_STORE_CALL (f->store, user_insert, &u, &error);
  g_assert_no_error (error);
  s.user_id = id;
  g_assert_cmpint (FD_STORE_CALL (f->store, session_insert, &s, &error), >, 0);
  g_assert_true (FD_STORE_CALL (f->store, password_origin_set, id, "demo", &error));
  g_assert_true (FD_STORE_CALL (f->store, password_origin_set, other, "demo", &error));
  g_assert_true (FD_STORE_CALL (f->store, password_origin_set, other, NULL, &error));
  g_assert_no_error (error);

  /* every account whatever the scope; a session of another estate counts */
  fd_store_set_scope (f->store, 1);
  accounts = FD_STORE_CALL0 (f->store, account_activity);
  for (guint i = 0; i < accounts->len; i++)
    {
      FdAccountActivity *x = accounts->pdata[i];
      if (x->id == id)
        a = x;
      else if (x->id == other)
        {
          g_assert_null (x->password_origin);
          g_assert_cmpint (x->last_sign_in, ==, 0);
        }
    }
  g_assert_nonnull (a);
  g_assert_cmpstr (a->username, ==, "clerk");
  g_assert_cmpstr (a->role, ==, "reception");
  g_assert_false (a->disabled);
  g_assert_cmpint (a->last_sign_in, ==, 4242);
  g_assert_cmpstr (a->password_origin, ==, "demo");

  /* pwchange: one origin read by its key, whatever the scope */
  {
    g_autofree char *demo = FD_STORE_CALL (f->store, password_origin_get, id);
    g_autofree char *none = FD_STORE_CALL (f->store, password_origin_get, other);
    g_autofree char *one_time = NULL;

    g_assert_cmpstr (demo, ==, "demo");
    g_assert_null (none);
    g_assert_true (FD_STORE_CALL (f->store, password_origin_set, other, "one-time", &error));
    one_time = FD_STORE_CALL (f->store, password_origin_get, other);
    g_assert_cmpstr (one_time, ==, "one-time");
  }
}

static void
test_integrity (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *quick = NULL;
  g_autofree char *full = NULL;

  g_assert_true (FD_STORE_CALL (f->store, integrity_check, TRUE, &quick, &error));
  g_assert_no_error (error);
  g_assert_true (FD_STORE_CALL (f->store, integrity_check, FALSE, &full, &error));
  g_assert_no_error (error);
  if (fd_test_store_is_postgresql ())
    {
      /* it says what it checked */
      g_assert_nonnull (strstr (quick, "row-level security"));
      g_assert_nonnull (strstr (full, "row-level security"));
    }
}

/* Every store call of fd-store.h is in the engine's table: PostgreSQL
 * has them all; SQLite all but those an engine with one writer may leave
 * out. A call appended to FdStoreBackend and left out of an engine fails
 * here, not in a server at its first use. */
static void
test_complete (Fixture       *f,
               gconstpointer  data)
{
  gboolean pg = fd_test_store_is_postgresql ();

  g_assert_cmpstr (f->store->backend->name, ==, pg ? "postgresql" : "sqlite");
  g_assert_cmpuint (fd_engine_backend_missing (f->store->backend, pg), ==, 0);

  /* and it sees a member left NULL, the last one too */
  {
    FdStoreBackend copy = *f->store->backend;
    guint n = sizeof copy / sizeof (void (*) (void));

    copy.totp_get = NULL;
    g_assert_cmpuint (fd_engine_backend_missing (&copy, FALSE), ==,
                      G_STRUCT_OFFSET (FdStoreBackend, totp_get) / sizeof (void (*) (void)));
    /* every member set (SQLite leaves residents_after out), then the last one not */
    copy = *f->store->backend;
    for (guint i = 1; i < n; i++)
      {
        void (*fn) (void) = NULL, (*any) (void) = (void (*) (void)) fd_store_close;
        char *slot = (char *) &copy + i * sizeof fn;

        memcpy (&fn, slot, sizeof fn);
        if (fn == NULL)
          memcpy (slot, &any, sizeof any);
      }
    g_assert_cmpuint (fd_engine_backend_missing (&copy, TRUE), ==, 0);
    memset ((char *) &copy + (n - 1) * sizeof (void (*) (void)), 0, sizeof (void (*) (void)));
    g_assert_cmpuint (fd_engine_backend_missing (&copy, TRUE), ==, n - 1);
  }
}

/* A session record read before another request or server changed the
 * row (ended it, replaced its token) cannot undo the change when it is
 * written back: the activity write of a request that was authenticated
 * a moment earlier would otherwise bring a signed-out session back. */
static void
test_session_stale_write (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  FdUserRecord u = { .username = (char *) "desk", .display_name = (char *) "Desk",
                     .role = (char *) "reception", .password_hash = (char *) "x" };
  FdSessionRecord s = { .token_hash = (char *) "old-token", .created_at = 100, .last_seen = 100,
                        .expires_at = 9999, .estate_id = 1 };
  g_autoptr(FdSessionRecord) stale = NULL;
  g_autoptr(FdSessionRecord) rotated = NULL;
  g_autoptr(FdSessionRecord) before_end = NULL;
  g_autoptr(FdSessionRecord) ending = NULL;
  g_autoptr(FdSessionRecord) now = NULL;
  g_autoptr(FdSessionRecord) by_old = NULL;
  g_autoptr(FdSessionRecord) other = NULL;
  gint64 kept;

  s.user_id = FD_STORE_CALL (f->store, user_insert, &u, &error);
  g_assert_no_error (error);
  g_assert_cmpint (FD_STORE_CALL (f->store, session_insert, &s, &error), >, 0);
  g_assert_no_error (error);

  /* an unlock replaces the token after another request read the row */
  stale = FD_STORE_CALL (f->store, session_by_token_hash, "old-token");
  rotated = FD_STORE_CALL (f->store, session_by_token_hash, "old-token");
  g_free (rotated->token_hash);
  rotated->token_hash = g_strdup ("new-token");
  g_assert_true (FD_STORE_CALL (f->store, session_update, rotated, &error));
  stale->last_seen = 200;
  g_assert_true (FD_STORE_CALL (f->store, session_update, stale, &error));
  g_assert_no_error (error);
  now = FD_STORE_CALL (f->store, session_by_token_hash, "new-token");
  g_assert_nonnull (now);
  g_assert_false (now->replaced);
  g_assert_null (now->end_reason);
  by_old = FD_STORE_CALL (f->store, session_by_token_hash, "old-token");
  g_assert_true (by_old->replaced);
  g_assert_cmpstr (by_old->end_reason, ==, "signed-out");
  g_clear_pointer (&now, fd_session_record_free);

  /* a sign-out after another request read the row */
  before_end = FD_STORE_CALL (f->store, session_by_token_hash, "new-token");
  ending = FD_STORE_CALL (f->store, session_by_token_hash, "new-token");
  ending->end_reason = g_strdup ("signed-out");
  g_assert_true (FD_STORE_CALL (f->store, session_update, ending, &error));
  before_end->last_seen = 300;
  before_end->locked = TRUE;
  g_assert_true (FD_STORE_CALL (f->store, session_update, before_end, &error));
  g_assert_no_error (error);
  now = FD_STORE_CALL (f->store, session_by_token_hash, "new-token");
  g_assert_cmpstr (now->end_reason, ==, "signed-out");
  g_clear_pointer (&now, fd_session_record_free);

  /* every session of the account ends but the one kept */
  s.token_hash = (char *) "kept-token";
  kept = FD_STORE_CALL (f->store, session_insert, &s, &error);
  s.token_hash = (char *) "other-token";
  g_assert_cmpint (FD_STORE_CALL (f->store, session_insert, &s, &error), >, 0);
  g_assert_no_error (error);
  g_assert_cmpuint (FD_STORE_CALL (f->store, sessions_end_for_user, s.user_id, kept, "locked", 400),
                    ==, 1);
  now = FD_STORE_CALL (f->store, session_by_token_hash, "kept-token");
  g_assert_null (now->end_reason);
  other = FD_STORE_CALL (f->store, session_by_token_hash, "other-token");
  g_assert_cmpstr (other->end_reason, ==, "locked");
}

/* The lock and failure count alone: what another server changed in the
 * account since the caller read it stays, and a lift never lifts a lock
 * still running (one set meanwhile). */
static void
test_user_lock_set (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  FdUserRecord u = { .username = (char *) "guard", .display_name = (char *) "Guard",
                     .role = (char *) "reception", .password_hash = (char *) "x" };
  g_autoptr(FdUserRecord) stale = NULL;
  g_autoptr(FdUserRecord) admin = NULL;
  g_autoptr(FdUserRecord) now = NULL;
  gint64 id = FD_STORE_CALL (f->store, user_insert, &u, &error);

  g_assert_no_error (error);
  stale = FD_STORE_CALL (f->store, user_by_id, id);
  admin = FD_STORE_CALL (f->store, user_by_id, id);
  admin->disabled = TRUE;
  g_free (admin->role);
  admin->role = g_strdup ("patrol");
  g_assert_true (FD_STORE_CALL (f->store, user_update, admin, &error));

  /* a sign-in failure on the stale record locks: the disable and role stay */
  g_assert_true (FD_STORE_CALL (f->store, user_lock_set, stale->id, 5000, 0, 1000, &error));
  g_assert_no_error (error);
  now = FD_STORE_CALL (f->store, user_by_id, id);
  g_assert_true (now->disabled);
  g_assert_cmpstr (now->role, ==, "patrol");
  g_assert_cmpint (now->locked_until, ==, 5000);
  g_clear_pointer (&now, fd_user_record_free);

  /* a lift while the lock still runs leaves it; once run out, lifts */
  g_assert_true (FD_STORE_CALL (f->store, user_lock_set, id, 0, 0, 4999, &error));
  now = FD_STORE_CALL (f->store, user_by_id, id);
  g_assert_cmpint (now->locked_until, ==, 5000);
  g_clear_pointer (&now, fd_user_record_free);
  g_assert_true (FD_STORE_CALL (f->store, user_lock_set, id, 0, 0, 5000, &error));
  now = FD_STORE_CALL (f->store, user_by_id, id);
  g_assert_cmpint (now->locked_until, ==, 0);
  g_clear_pointer (&now, fd_user_record_free);

  /* a lock until an admin lifts it is never lifted here */
  g_assert_true (FD_STORE_CALL (f->store, user_lock_set, id, -1, 0, 6000, &error));
  g_assert_true (FD_STORE_CALL (f->store, user_lock_set, id, 0, 0, G_MAXINT64, &error));
  g_assert_no_error (error);
  now = FD_STORE_CALL (f->store, user_by_id, id);
  g_assert_cmpint (now->locked_until, ==, -1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) \
  g_test_add (path, Fixture, NULL, fd_test_store_fixture_set_up, fn, \
              fd_test_store_fixture_tear_down)
  ADD ("/fd/store-second/complete", test_complete);
  ADD ("/fd/store-second/totp-row", test_totp_row);
  ADD ("/fd/store-second/totp-step-and-codes", test_totp_step_and_codes);
  ADD ("/fd/store-second/totp-challenges", test_totp_challenges);
  ADD ("/fd/store-second/deliveries", test_deliveries);
  ADD ("/fd/store-second/delivery-in-transaction", test_delivery_in_transaction);
  ADD ("/fd/store-second/account-activity", test_account_activity);
  ADD ("/fd/store-second/integrity", test_integrity);
  ADD ("/fd/store-second/session-stale-write", test_session_stale_write);
  ADD ("/fd/store-second/user-lock-set", test_user_lock_set);
#undef ADD
  return g_test_run ();
}
