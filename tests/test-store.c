/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests an engine: sealed columns, blind indexes, the audit chain. */

#include "config.h"

#include <string.h>

#include "fd-crypto.h"
#include "fd-test-pg.h"
#include "fd-test-store.h"

/* An engine — SQLite, or PostgreSQL as test-store-pg (FD_TEST_STORE,
 * fd-test-store.h): sealed columns, blind-index matching, the audit
 * chain and its verification, visitor retention, schema version. */

typedef struct
{
  FdTestStore *t;
  FdStore     *store;
} Fixture;

static const char *phone = "13812345678";
static const char *id_number = "11010519491231002X";

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->t = fd_test_store_new ();
  f->store = fd_test_store_open (f->t);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  fd_store_close (f->store);
  fd_test_store_free (f->t);
}

static gint64
add_resident (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  const char *plates[] = { "粤B12345", NULL };
  FdResidentInput in = {
    .name = "张小三", .room = "3-2-1502", .initials = "zxs", .phone = phone,
    .id_number = id_number, .home_address = "北京市海淀区演示路12号", .plates = plates,
    .payment_account = "6222020200112233445", .balance_cents = 100, .overdue = TRUE,
    .last_paid_at = "2026-10-01", .estate_id = 1,
  };
  gint64 id = FD_STORE_CALL (f->store, resident_insert, &in, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static void
test_sealed (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(FdResidentRecord) r = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *clear = NULL;
  gint64 id = add_resident (f);

  r = FD_STORE_CALL (f->store, resident_get, id);
  g_assert_cmpstr (r->phone_masked, ==, "138****5678");
  g_assert_cmpstr (r->id_masked, ==, "**************002X");
  g_assert_cmpstr (r->address_masked, ==, "北京市海淀区****");
  g_assert_cmpstr (r->account_masked, ==, "**** **** **** 3445");
  g_assert_cmpstr (r->plates[0], ==, "粤B12345");

  clear = FD_STORE_CALL (f->store, resident_secret, id, "phone", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (clear, ==, phone);
  g_clear_pointer (&clear, g_free);
  clear = FD_STORE_CALL (f->store, resident_secret, id, "id_number", &error);
  g_assert_cmpstr (clear, ==, id_number);

  /* nothing clear in the database (SQLite: the file or its WAL) */
  g_assert_false (fd_test_store_holds (f->t, phone));
  g_assert_false (fd_test_store_holds (f->t, id_number));
  g_assert_false (fd_test_store_holds (f->t, "演示路"));
  g_assert_false (fd_test_store_holds (f->t, "6222020200112233445"));
  /* the check is able to see clear text */
  g_assert_true (fd_test_store_holds (f->t, "张小三"));
}

static void
test_matches (Fixture       *f,
              gconstpointer  data)
{
  gint64 id = add_resident (f);

  g_assert_true (FD_STORE_CALL (f->store, resident_matches, id, "phone", phone));
  g_assert_false (FD_STORE_CALL (f->store, resident_matches, id, "phone", "13812345679"));
  g_assert_true (FD_STORE_CALL (f->store, resident_matches, id, "id_number", id_number));
  g_assert_false (FD_STORE_CALL (f->store, resident_matches, id, "id_number", phone));
  g_assert_false (FD_STORE_CALL (f->store, resident_matches, id, "name", "张小三"));
  g_assert_false (FD_STORE_CALL (f->store, resident_matches, id + 1, "phone", phone));
}

static void
test_swapped_ciphertext (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *clear = NULL;
  gint64 a = add_resident (f);
  gint64 b = add_resident (f);
  g_autofree char *sql = g_strdup_printf (
    "UPDATE residents SET phone_enc = (SELECT id_enc FROM residents WHERE id = %" G_GINT64_FORMAT
    ") WHERE id = %" G_GINT64_FORMAT, a, b);

  /* A ciphertext moved to another row or column no longer opens. */
  g_assert_cmpuint (fd_test_store_tamper (f->t, sql), ==, 1);
  clear = FD_STORE_CALL (f->store, resident_secret, b, "phone", &error);
  g_assert_null (clear);
  g_assert_nonnull (error);
}

static void
append (Fixture    *f,
        const char *action,
        const char *target)
{
  g_autoptr(GError) error = NULL;
  FdAuditEntry e = { 0 };

  e.at = fd_time_format_rfc3339 (g_get_real_time ());
  e.actor = g_strdup ("reception");
  e.actor_id = 1;
  e.role = g_strdup ("reception");
  e.action = g_strdup (action);
  e.target = g_strdup (target);
  e.outcome = g_strdup ("allowed");
  g_assert_true (FD_STORE_CALL (f->store, audit_append, &e, &error));
  g_assert_no_error (error);
  g_assert_cmpint (e.seq, >, 0);
  g_assert_cmpuint (strlen (e.hash), ==, 64);
  fd_audit_entry_clear (&e);
}

static void
tamper (Fixture    *f,
        const char *sql)
{
  g_assert_cmpuint (fd_test_store_tamper (f->t, sql), >, 0);
}

static void
test_audit_chain (Fixture       *f,
                  gconstpointer  data)
{
  gint64 n = 0, bad = 0;

  for (guint i = 0; i < 20; i++)
    append (f, i % 2 ? "view" : "search", "7");
  g_assert_true (FD_STORE_CALL (f->store, audit_verify, &n, &bad, NULL));
  g_assert_cmpint (n, ==, 20);
  g_assert_cmpuint (FD_STORE_CALL (f->store, audit_count, 1, "view", "allowed", "7", "2000-01-01T00:00:00Z",
                                   FALSE), ==, 10);
  g_assert_cmpuint (FD_STORE_CALL (f->store, audit_count, 1, "view", NULL, NULL, "2000-01-01T00:00:00Z",
                                   TRUE), ==, 1);

  tamper (f, "UPDATE audit_log SET outcome = 'denied' WHERE seq = 13");
  g_assert_false (FD_STORE_CALL (f->store, audit_verify, &n, &bad, NULL));
  g_assert_cmpint (bad, ==, 13);
  g_assert_cmpint (n, ==, 20);
}

static void
test_audit_deleted_row (Fixture       *f,
                        gconstpointer  data)
{
  gint64 n = 0, bad = 0;

  for (guint i = 0; i < 10; i++)
    append (f, "view", "1");
  tamper (f, "DELETE FROM audit_log WHERE seq = 6");
  g_assert_false (FD_STORE_CALL (f->store, audit_verify, &n, &bad, NULL));
  g_assert_cmpint (bad, ==, 6);
}

static void
test_audit_rehashed_row (Fixture       *f,
                         gconstpointer  data)
{
  gint64 n = 0, bad = 0;

  for (guint i = 0; i < 10; i++)
    append (f, "view", "1");
  /* Even a forger who recomputes one row's own hash breaks the next link. */
  tamper (f, "UPDATE audit_log SET hash = (CASE WHEN hash LIKE 'ab%' THEN 'cd' ELSE 'ab' END)"
             " || substr(hash, 3) WHERE seq = 4");
  g_assert_false (FD_STORE_CALL (f->store, audit_verify, &n, &bad, NULL));
  g_assert_cmpint (bad, ==, 4);
}

static void
test_audit_truncated (Fixture       *f,
                      gconstpointer  data)
{
  gint64 n = 0, bad = 0;

  for (guint i = 0; i < 10; i++)
    append (f, "view", "1");
  /* Cutting the newest rows leaves a chain that is valid in itself: only
   * the keyed head anchor shows that entries 9 and 10 are gone. */
  tamper (f, "DELETE FROM audit_log WHERE seq >= 9");
  g_assert_false (FD_STORE_CALL (f->store, audit_verify, &n, &bad, NULL));
  g_assert_cmpint (bad, ==, 9);
  g_assert_cmpint (n, ==, 8);
}

static void
test_audit_anchor_removed (Fixture       *f,
                           gconstpointer  data)
{
  gint64 n = 0, bad = 0;

  for (guint i = 0; i < 3; i++)
    append (f, "view", "1");
  g_assert_true (FD_STORE_CALL (f->store, audit_verify, &n, &bad, NULL));
  /* PostgreSQL keeps the anchor in the head row it locks (fd-store-pg-audit.c) */
  tamper (f, fd_test_store_is_postgresql () ? "UPDATE audit_head SET mac = NULL"
                                            : "DELETE FROM settings WHERE key = 'audit.head'");
  g_assert_false (FD_STORE_CALL (f->store, audit_verify, &n, &bad, NULL));
  g_assert_cmpint (bad, ==, 1);
}

static void
test_visitors_purge (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) left = NULL;
  gint64 now = g_get_real_time ();
  gint64 day = (gint64) 24 * 3600 * G_USEC_PER_SEC;
  gint64 old_id, new_id;

  add_resident (f);
  fd_store_set_scope (f->store, 1);   /* a visitor is written for the request's estate */
  old_id = FD_STORE_CALL (f->store, visitor_insert, "李四", "13912345678", NULL, "3-2-1502", "快递", NULL,
                          now - 31 * day, "reception", &error);
  g_assert_no_error (error);
  new_id = FD_STORE_CALL (f->store, visitor_insert, "王五", "13912345679", NULL, "3-2-1502", "探访", NULL,
                          now - 29 * day, "reception", &error);
  g_assert_no_error (error);
  g_assert_true (FD_STORE_CALL (f->store, room_exists, "3-2-1502"));
  g_assert_false (FD_STORE_CALL (f->store, room_exists, "3-2-1503"));

  g_assert_cmpuint (FD_STORE_CALL (f->store, visitors_purge, now - 30 * day), ==, 1);
  g_assert_null (FD_STORE_CALL (f->store, visitor_get, old_id));
  left = FD_STORE_CALL (f->store, visitor_list, 0, now + day, 0, 10);
  g_assert_cmpuint (left->len, ==, 1);
  g_assert_cmpint (((FdVisitorRecord *) left->pdata[0])->id, ==, new_id);
}

static void
test_reopen (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *other_key = g_build_filename (f->t->dir, "other.key", NULL);
  g_autofree char *clear = NULL;
  gint64 id = add_resident (f);

  fd_store_close (f->store);
  f->store = fd_test_store_open (f->t);
  g_assert_cmpuint (FD_STORE_CALL0 (f->store, resident_count), ==, 1);
  clear = FD_STORE_CALL (f->store, resident_secret, id, "phone", &error);
  g_assert_cmpstr (clear, ==, phone);

  /* Another key is refused at open (its check value differs), and so it
   * is in a database from before check values (its sealed values fail). */
  fd_store_close (f->store);
  f->store = NULL;
  g_assert_null (fd_test_store_open_key (f->t, other_key, &error));
  g_assert_error (error, FD_STORE_WRONG_KEY_ERROR, 0);
  g_clear_error (&error);
  g_assert_cmpuint (fd_test_store_tamper (f->t, "DELETE FROM settings WHERE key = 'key.check'"),
                    ==, 1);
  g_assert_null (fd_test_store_open_key (f->t, other_key, &error));
  g_assert_error (error, FD_STORE_WRONG_KEY_ERROR, 0);
  g_clear_error (&error);

  /* The database's own key opens it and stores the check value again. */
  f->store = fd_test_store_open (f->t);
  g_clear_pointer (&clear, g_free);
  clear = FD_STORE_CALL (f->store, resident_secret, id, "phone", &error);
  g_assert_cmpstr (clear, ==, phone);
  g_clear_pointer (&clear, g_free);
  clear = FD_STORE_CALL (f->store, get_setting, "key.check");
  g_assert_true (g_str_has_prefix (clear, "v1:"));
}

/* The chain's serialisation is fixed: an entry hashes to the same value
 * whatever code writes it (issue 13 rewrote the writer without printf).
 * Expected value: SHA-256 of the documented text, computed apart. */
static void
test_audit_hash_pinned (void)
{
  FdAuditEntry e = { 0 };
  g_autofree char *hash = NULL;
  g_autofree char *a = NULL, *b = NULL, *c = NULL;

  e.seq = 12;
  e.at = (char *) "2026-01-02T03:04:05Z";
  e.actor = (char *) "reception";
  e.actor_id = 7;
  e.role = (char *) "reception";
  e.session_hash = (char *) "0123456789abcdef";
  e.workstation = (char *) "desk-1";
  e.ip = (char *) "127.0.0.1";
  e.action = (char *) "search";
  e.reason_text = (char *) "原因 text";
  e.outcome = (char *) "allowed";
  e.prev_hash = (char *) "0000000000000000000000000000000000000000000000000000000000000000";
  e.estate_id = 2;
  hash = fd_audit_entry_compute_hash (&e);
  g_assert_cmpstr (hash, ==, "a4439f570d1c830bbdcbe0df430aa49ed1520a31316404652d62f2c80699c7c1");

  /* the time text, kept per second, follows the second */
  a = fd_time_format_rfc3339 (G_GINT64_CONSTANT (1767323045) * G_USEC_PER_SEC);
  b = fd_time_format_rfc3339 (G_GINT64_CONSTANT (1767323045) * G_USEC_PER_SEC + 999999);
  c = fd_time_format_rfc3339 (G_GINT64_CONSTANT (1767323046) * G_USEC_PER_SEC);
  g_assert_cmpstr (a, ==, "2026-01-02T03:04:05Z");
  g_assert_cmpstr (b, ==, "2026-01-02T03:04:05Z");
  g_assert_cmpstr (c, ==, "2026-01-02T03:04:06Z");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/fd/store/sealed", Fixture, NULL, fixture_set_up, test_sealed, fixture_tear_down);
  g_test_add ("/fd/store/matches", Fixture, NULL, fixture_set_up, test_matches, fixture_tear_down);
  g_test_add ("/fd/store/swapped-ciphertext", Fixture, NULL, fixture_set_up, test_swapped_ciphertext,
              fixture_tear_down);
  g_test_add ("/fd/store/audit-chain", Fixture, NULL, fixture_set_up, test_audit_chain, fixture_tear_down);
  g_test_add ("/fd/store/audit-deleted-row", Fixture, NULL, fixture_set_up, test_audit_deleted_row,
              fixture_tear_down);
  g_test_add ("/fd/store/audit-rehashed-row", Fixture, NULL, fixture_set_up, test_audit_rehashed_row,
              fixture_tear_down);
  g_test_add ("/fd/store/audit-truncated", Fixture, NULL, fixture_set_up, test_audit_truncated,
              fixture_tear_down);
  g_test_add ("/fd/store/audit-anchor-removed", Fixture, NULL, fixture_set_up, test_audit_anchor_removed,
              fixture_tear_down);
  g_test_add ("/fd/store/visitors-purge", Fixture, NULL, fixture_set_up, test_visitors_purge,
              fixture_tear_down);
  g_test_add ("/fd/store/reopen", Fixture, NULL, fixture_set_up, test_reopen, fixture_tear_down);
  g_test_add_func ("/fd/store/audit-hash-pinned", test_audit_hash_pinned);
  return g_test_run ();
}
