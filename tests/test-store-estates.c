/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests estates in an engine: the scope, the estate calls, the audit chain. */

#include "config.h"

#include <string.h>

#include "fd-crypto.h"
#include "fd-error.h"
#include "fd-test-store.h"

/* Issue 11: a scoped store reads and writes one estate only, a row of
 * another is "not found"; the estate calls; the audit chain keeps
 * verifying entries hashed before estates and detects a changed estate. */

/* SQLite, and PostgreSQL as test-store-estates-on-pg (fd-test-store.h). */
typedef struct
{
  FdTestStore *t;
  FdStore     *store;
  gint64       e2;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->t = fd_test_store_new ();
  f->store = fd_test_store_open (f->t);
  fd_store_set_scope (f->store, FD_ESTATE_ALL);
  f->e2 = FD_STORE_CALL (f->store, estate_insert, "e2", "Estate 2", &error);
  g_assert_no_error (error);
  g_assert_cmpint (f->e2, ==, 2);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  fd_store_close (f->store);
  fd_test_store_free (f->t);
}

static gint64
add_resident (Fixture    *f,
              gint64      estate_id,
              const char *name,
              const char *phone)
{
  g_autoptr(GError) error = NULL;
  const char *plates[] = { "粤B12345", NULL };
  FdResidentInput in = {
    .name = name, .room = "3-2-1502", .initials = "zs", .phone = phone,
    .id_number = "11010519491231002X", .home_address = "北京市海淀区演示路12号", .plates = plates,
    .payment_account = "6222020200112233445", .estate_id = estate_id,
  };
  gint64 id = FD_STORE_CALL (f->store, resident_insert, &in, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static void
count_resident (const FdResidentRecord *r,
                gpointer                data)
{
  (*(guint *) data)++;
}

static void
test_estate_calls (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) estates = FD_STORE_CALL0 (f->store, estate_list);
  g_autoptr(GArray) ids = NULL;
  const gint64 both[] = { 1, 2 }, unknown[] = { 1, 99 };
  FdEstateRecord *main_estate;

  /* a new office is one estate, "main", and e2 added by the fixture */
  g_assert_cmpuint (estates->len, ==, 2);
  main_estate = estates->pdata[0];
  g_assert_cmpint (main_estate->id, ==, 1);
  g_assert_cmpstr (main_estate->code, ==, "main");
  g_assert_cmpint (FD_STORE_CALL (f->store, estate_insert, "e2", "Again", &error), ==, 0);
  g_assert_error (error, FD_ERROR, FD_ERROR_BAD_REQUEST);
  g_clear_error (&error);

  g_assert_true (FD_STORE_CALL (f->store, user_estates_set, 7, both, 2, &error));
  ids = FD_STORE_CALL (f->store, user_estates, 7);
  g_assert_cmpuint (ids->len, ==, 2);
  g_assert_cmpint (g_array_index (ids, gint64, 1), ==, 2);
  g_clear_pointer (&ids, g_array_unref);
  /* an unknown estate changes nothing */
  g_assert_false (FD_STORE_CALL (f->store, user_estates_set, 7, unknown, 2, &error));
  g_assert_error (error, FD_ERROR, FD_ERROR_BAD_REQUEST);
  ids = FD_STORE_CALL (f->store, user_estates, 7);
  g_assert_cmpuint (ids->len, ==, 2);
  g_clear_pointer (&ids, g_array_unref);
  g_assert_true (FD_STORE_CALL (f->store, user_estates_set, 7, NULL, 0, NULL));
  ids = FD_STORE_CALL (f->store, user_estates, 7);
  g_assert_cmpuint (ids->len, ==, 0);
}

static void
test_insert_estate (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  FdResidentInput in = { .name = "无名", .room = "1-1-101", .phone = "13800000000" };

  /* neither the record nor the scope names an estate */
  g_assert_cmpint (FD_STORE_CALL (f->store, resident_insert, &in, &error), ==, 0);
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_cmpint (FD_STORE_CALL (f->store, visitor_insert, "李四", "13912345678", NULL, "1-1-101",
                                  "快递", NULL, g_get_real_time (), "reception", &error), ==, 0);
  g_assert_nonnull (error);
  g_clear_error (&error);
  /* the record and the scope disagree */
  fd_store_set_scope (f->store, 1);
  in.estate_id = f->e2;
  g_assert_cmpint (FD_STORE_CALL (f->store, resident_insert, &in, &error), ==, 0);
  g_assert_nonnull (error);
  g_clear_error (&error);
  /* the scope names it */
  in.estate_id = 0;
  g_assert_cmpint (FD_STORE_CALL (f->store, resident_insert, &in, &error), >, 0);
  g_assert_no_error (error);
  fd_store_set_scope (f->store, FD_ESTATE_ALL);
  g_assert_cmpuint (FD_STORE_CALL0 (f->store, resident_count), ==, 1);
  fd_store_set_scope (f->store, f->e2);
  g_assert_cmpuint (FD_STORE_CALL0 (f->store, resident_count), ==, 0);
}

/* The group commit runs the writes and reads of several requests, each
 * under its own estate, in one transaction: each call sees its own
 * estate only, whatever the one before it was (on PostgreSQL, the scope
 * goes with the statement, in the same round trip). */
static void
test_scoped_in_one_transaction (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 a = add_resident (f, 1, "张三", "13812345678");
  gint64 b = add_resident (f, f->e2, "李四", "13912345678");
  const gint64 scopes[] = { 1, 2, FD_ESTATE_ALL, 2, 1, 1, FD_ESTATE_ALL, 2 };
  gint64 c;

  /* the transaction starts under one estate's scope; on PostgreSQL its
   * policies would then hide the other estate's rows from a call that
   * did not change the scope, whatever the statement asks for */
  fd_store_set_scope (f->store, 1);
  g_assert_true (FD_STORE_CALL (f->store, begin, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (scopes); i++)
    {
      g_autoptr(FdResidentRecord) ra = NULL;
      g_autoptr(FdResidentRecord) rb = NULL;
      gint64 scope = scopes[i] == 2 ? f->e2 : scopes[i];

      fd_store_set_scope (f->store, scope);
      ra = FD_STORE_CALL (f->store, resident_get, a);
      rb = FD_STORE_CALL (f->store, resident_get, b);
      g_assert_true ((ra != NULL) == (scope == 1 || scope == FD_ESTATE_ALL));
      g_assert_true ((rb != NULL) == (scope == f->e2 || scope == FD_ESTATE_ALL));
      g_assert_cmpuint (FD_STORE_CALL0 (f->store, resident_count), ==,
                        scope == FD_ESTATE_ALL ? 2 : 1);
    }
  /* a write under one scope, in the same transaction, lands in it */
  {
    FdResidentInput in = { .name = "王五", .room = "1-1-101", .phone = "13700000000" };

    fd_store_set_scope (f->store, f->e2);
    c = FD_STORE_CALL (f->store, resident_insert, &in, &error);
    g_assert_no_error (error);
    g_assert_cmpint (c, >, 0);
  }
  fd_store_set_scope (f->store, 1);
  g_assert_cmpuint (FD_STORE_CALL0 (f->store, resident_count), ==, 1);
  g_assert_true (FD_STORE_CALL (f->store, commit, &error));
  g_assert_no_error (error);
  fd_store_set_scope (f->store, f->e2);
  g_assert_cmpuint (FD_STORE_CALL0 (f->store, resident_count), ==, 2);
  fd_store_set_scope (f->store, 1);
  g_assert_null (FD_STORE_CALL (f->store, resident_get, c));
}

static void
test_scoped_residents (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdResidentRecord) r = NULL;
  g_autoptr(GPtrArray) rooms = NULL;
  g_autofree char *clear = NULL;
  gint64 a = add_resident (f, 1, "张三", "13812345678");
  gint64 b = add_resident (f, f->e2, "李四", "13912345678");
  gint64 b2 = add_resident (f, f->e2, "王五", "13712345678");
  guint n = 0;

  /* the same room in both estates: two rows, one per estate */
  fd_store_set_scope (f->store, 1);
  r = FD_STORE_CALL (f->store, resident_get, b);
  g_assert_null (r);
  r = FD_STORE_CALL (f->store, resident_get, a);
  g_assert_nonnull (r);
  g_assert_cmpint (r->estate_id, ==, 1);
  clear = FD_STORE_CALL (f->store, resident_secret, b, "phone", &error);
  g_assert_null (clear);
  g_assert_error (error, FD_ERROR, FD_ERROR_NOT_FOUND);
  g_clear_error (&error);
  clear = FD_STORE_CALL (f->store, resident_secret, b, "payment_account", &error);
  g_assert_null (clear);
  g_assert_error (error, FD_ERROR, FD_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (FD_STORE_CALL (f->store, resident_matches, b, "phone", "13912345678"));
  g_assert_true (FD_STORE_CALL (f->store, resident_matches, a, "phone", "13812345678"));
  g_assert_cmpuint (FD_STORE_CALL0 (f->store, resident_count), ==, 1);
  FD_STORE_CALL (f->store, resident_foreach, count_resident, &n);
  g_assert_cmpuint (n, ==, 1);
  rooms = FD_STORE_CALL (f->store, room_search, "3-2", 10);
  g_assert_cmpuint (rooms->len, ==, 1);
  g_assert_cmpuint (((FdRoomRecord *) rooms->pdata[0])->residents, ==, 1);
  g_clear_pointer (&rooms, g_ptr_array_unref);

  fd_store_set_scope (f->store, f->e2);
  rooms = FD_STORE_CALL (f->store, room_search, "3-2-1502", 10);
  g_assert_cmpuint (rooms->len, ==, 1);
  g_assert_cmpuint (((FdRoomRecord *) rooms->pdata[0])->residents, ==, 2);
  g_clear_pointer (&r, fd_resident_record_free);
  r = FD_STORE_CALL (f->store, resident_get, b2);
  g_assert_cmpint (r->estate_id, ==, f->e2);
  g_clear_pointer (&r, fd_resident_record_free);
  g_assert_null (FD_STORE_CALL (f->store, resident_get, a));

  fd_store_set_scope (f->store, FD_ESTATE_ALL);
  g_assert_cmpuint (FD_STORE_CALL0 (f->store, resident_count), ==, 3);
  n = 0;
  FD_STORE_CALL (f->store, resident_foreach, count_resident, &n);
  g_assert_cmpuint (n, ==, 3);
  clear = FD_STORE_CALL (f->store, resident_secret, b, "phone", &error);
  g_assert_cmpstr (clear, ==, "13912345678");
}

static void
test_scoped_rooms (Fixture       *f,
                   gconstpointer  data)
{
  const char *plates[] = { NULL };
  g_autoptr(GPtrArray) rooms = NULL;
  FdResidentInput in = { .name = "赵六", .room = "9-1-101", .phone = "13600000000", .plates = plates };

  in.estate_id = f->e2;
  g_assert_cmpint (FD_STORE_CALL (f->store, resident_insert, &in, NULL), >, 0);
  fd_store_set_scope (f->store, 1);
  g_assert_false (FD_STORE_CALL (f->store, room_exists, "9-1-101"));
  rooms = FD_STORE_CALL (f->store, room_search, "9", 10);
  g_assert_cmpuint (rooms->len, ==, 0);
  fd_store_set_scope (f->store, f->e2);
  g_assert_true (FD_STORE_CALL (f->store, room_exists, "9-1-101"));
}

static void
test_scoped_visitors_alerts (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(FdVisitorRecord) v = NULL;
  gint64 now = g_get_real_time ();
  gint64 v1, v2;

  fd_store_set_scope (f->store, 1);
  v1 = FD_STORE_CALL (f->store, visitor_insert, "李四", "13912345678", NULL, "3-2-1502", "快递",
                      NULL, now, "reception", &error);
  g_assert_no_error (error);
  g_assert_cmpint (FD_STORE_CALL (f->store, alert_insert, "k", "reception", "one", &error), >, 0);
  fd_store_set_scope (f->store, f->e2);
  v2 = FD_STORE_CALL (f->store, visitor_insert, "王五", "13912345679", NULL, "3-2-1502", "探访",
                      NULL, now, "reception", &error);
  g_assert_no_error (error);
  g_assert_cmpint (FD_STORE_CALL (f->store, alert_insert, "k", "reception", "two", &error), >, 0);

  /* e2 sees its own visitor and alert only */
  g_assert_null (FD_STORE_CALL (f->store, visitor_get, v1));
  v = FD_STORE_CALL (f->store, visitor_get, v2);
  g_assert_cmpint (v->estate_id, ==, f->e2);
  list = FD_STORE_CALL (f->store, visitor_list, 0, now + 1, 0, 10);
  g_assert_cmpuint (list->len, ==, 1);
  g_clear_pointer (&list, g_ptr_array_unref);
  g_assert_true (FD_STORE_CALL (f->store, visitor_checkout, v1, now, &error));
  list = FD_STORE_CALL (f->store, alert_list, 10);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpstr (((FdAlertRecord *) list->pdata[0])->detail, ==, "two");
  g_clear_pointer (&list, g_ptr_array_unref);

  /* the check-out of another estate's visitor changed nothing */
  fd_store_set_scope (f->store, FD_ESTATE_ALL);
  g_clear_pointer (&v, fd_visitor_record_free);
  v = FD_STORE_CALL (f->store, visitor_get, v1);
  g_assert_cmpint (v->left_at, ==, 0);
  list = FD_STORE_CALL (f->store, visitor_list, 0, now + 1, 0, 10);
  g_assert_cmpuint (list->len, ==, 2);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = FD_STORE_CALL (f->store, alert_list, 10);
  g_assert_cmpuint (list->len, ==, 2);
}

static void
test_scoped_sessions (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdSessionRecord) s = NULL;
  FdSessionRecord in = { .token_hash = (char *) "abc", .user_id = 1, .estate_id = 0 };

  /* a company-wide session keeps 0 */
  g_assert_cmpint (FD_STORE_CALL (f->store, session_insert, &in, &error), >, 0);
  s = FD_STORE_CALL (f->store, session_by_token_hash, "abc");
  g_assert_cmpint (s->estate_id, ==, FD_ESTATE_ALL);
  g_clear_pointer (&s, fd_session_record_free);
  in.token_hash = (char *) "def";
  in.estate_id = f->e2;
  g_assert_cmpint (FD_STORE_CALL (f->store, session_insert, &in, &error), >, 0);
  fd_store_set_scope (f->store, 1);
  g_assert_null (FD_STORE_CALL (f->store, session_by_token_hash, "def"));
  fd_store_set_scope (f->store, FD_ESTATE_ALL);
  s = FD_STORE_CALL (f->store, session_by_token_hash, "def");
  g_assert_cmpint (s->estate_id, ==, f->e2);
}

static void
append (Fixture    *f,
        gint64      estate_id,
        const char *action)
{
  g_autoptr(GError) error = NULL;
  FdAuditEntry e = { 0 };

  e.at = fd_time_format_rfc3339 (g_get_real_time ());
  e.actor = g_strdup ("reception");
  e.actor_id = 1;
  e.role = g_strdup ("reception");
  e.action = g_strdup (action);
  e.target = g_strdup ("7");
  e.outcome = g_strdup ("allowed");
  e.estate_id = estate_id;
  g_assert_true (FD_STORE_CALL (f->store, audit_append, &e, &error));
  g_assert_no_error (error);
  g_assert_cmpint (e.estate_id, ==, estate_id ? estate_id : f->store->scope);
  fd_audit_entry_clear (&e);
}

static void
tamper (Fixture    *f,
        const char *sql)
{
  fd_test_store_tamper (f->t, sql);
}

/* The hash as written before estates: fd-audit-v1 over 15 members. */
static char *
pre_estates_hash (const FdAuditEntry *e)
{
  g_autoptr(GString) out = g_string_new ("fd-audit-v1;");
  g_autofree char *seq = g_strdup_printf ("%" G_GINT64_FORMAT, e->seq);
  g_autofree char *actor_id = g_strdup_printf ("%" G_GINT64_FORMAT, e->actor_id);
  const char *members[] = { seq, e->at, e->actor, actor_id, e->role, e->session_hash,
                            e->workstation, e->ip, e->action, e->target, e->field,
                            e->reason_code, e->reason_text, e->outcome, e->prev_hash };

  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    if (members[i] == NULL)
      g_string_append (out, "-1:;");
    else
      g_string_append_printf (out, "%zu:%s;", strlen (members[i]), members[i]);
  return fd_sha256_hex (out->str, out->len);
}

static void
test_audit_hash_compatible (Fixture       *f,
                            gconstpointer  data)
{
  FdAuditEntry e = {
    .seq = 3, .at = (char *) "2026-01-01T00:00:00Z", .actor = (char *) "reception",
    .actor_id = 2, .role = (char *) "reception", .action = (char *) "view",
    .target = (char *) "7", .outcome = (char *) "allowed",
    .prev_hash = (char *) "0000000000000000000000000000000000000000000000000000000000000000",
  };
  g_autofree char *old = pre_estates_hash (&e);
  g_autofree char *now = NULL;
  g_autofree char *other = NULL;

  /* a row from before estates holds estate 1 (the column's default):
   * its hash is the one it was written with */
  e.estate_id = 1;
  now = fd_audit_entry_compute_hash (&e);
  g_assert_cmpstr (now, ==, old);
  e.estate_id = 0;
  other = fd_audit_entry_compute_hash (&e);
  g_assert_cmpstr (other, !=, old);
}

static void
test_audit_estate_tamper (Fixture       *f,
                          gconstpointer  data)
{
  static const char *tampering[] = {
    "UPDATE audit_log SET estate_id = 1 WHERE seq = 2",   /* e2 → the pre-estates default */
    "UPDATE audit_log SET estate_id = 2 WHERE seq = 3",   /* 1 → e2 */
    "UPDATE audit_log SET estate_id = 2 WHERE seq = 4",   /* company-wide → e2 */
    "UPDATE audit_log SET estate_id = 0 WHERE seq = 1",   /* 1 → company-wide */
  };
  static const gint64 bad_seq[] = { 2, 3, 4, 1 };
  g_autoptr(GPtrArray) list = NULL;
  gint64 n = 0, bad = 0;

  append (f, 1, "view");
  append (f, f->e2, "view");
  append (f, 1, "search");
  append (f, 0, "view");         /* the scope, company-wide */
  g_assert_true (FD_STORE_CALL (f->store, audit_verify, &n, &bad, NULL));
  g_assert_cmpint (n, ==, 4);

  /* reads are scoped too */
  fd_store_set_scope (f->store, f->e2);
  {
    FdAuditQuery q = { .limit = 10 };
    list = FD_STORE_CALL (f->store, audit_list, &q);
  }
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpint (((FdAuditEntry *) list->pdata[0])->estate_id, ==, f->e2);
  g_assert_cmpuint (FD_STORE_CALL (f->store, audit_count, 1, "view", NULL, NULL,
                                   "2000-01-01T00:00:00Z", FALSE), ==, 1);
  fd_store_set_scope (f->store, FD_ESTATE_ALL);
  g_assert_cmpuint (FD_STORE_CALL (f->store, audit_count, 1, "view", NULL, NULL,
                                   "2000-01-01T00:00:00Z", FALSE), ==, 3);

  for (guint i = 0; i < G_N_ELEMENTS (tampering); i++)
    {
      g_autofree char *restore = g_strdup_printf (
        "UPDATE audit_log SET estate_id = %s WHERE seq = %" G_GINT64_FORMAT,
        bad_seq[i] == 1 || bad_seq[i] == 3 ? "1" : bad_seq[i] == 2 ? "2" : "0", bad_seq[i]);

      tamper (f, tampering[i]);
      g_assert_false (FD_STORE_CALL (f->store, audit_verify, &n, &bad, NULL));
      g_assert_cmpint (bad, ==, bad_seq[i]);
      tamper (f, restore);
      g_assert_true (FD_STORE_CALL (f->store, audit_verify, &n, &bad, NULL));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/fd/store-estates/calls", test_estate_calls);
  ADD ("/fd/store-estates/insert-estate", test_insert_estate);
  ADD ("/fd/store-estates/scoped-residents", test_scoped_residents);
  ADD ("/fd/store-estates/scoped-in-one-transaction", test_scoped_in_one_transaction);
  ADD ("/fd/store-estates/scoped-rooms", test_scoped_rooms);
  ADD ("/fd/store-estates/scoped-visitors-alerts", test_scoped_visitors_alerts);
  ADD ("/fd/store-estates/scoped-sessions", test_scoped_sessions);
  ADD ("/fd/store-estates/audit-hash-compatible", test_audit_hash_compatible);
  ADD ("/fd/store-estates/audit-estate-tamper", test_audit_estate_tamper);
#undef ADD
  return g_test_run ();
}
