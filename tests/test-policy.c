/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests the role x field table against the baseline. */

#include "config.h"

#include <string.h>

#include "fd-policy.h"
#include "fd-rules.h"

/* The role × field table, checked member by member against the
 * baseline: absent means absent, masked means masked. */

static FdResidentRecord *
sample (void)
{
  FdResidentRecord *r = g_new0 (FdResidentRecord, 1);
  const char *plates[] = { "粤B12345", "粤BD12345", NULL };

  r->id = 42;
  r->name = g_strdup ("张小三");
  r->room = g_strdup ("3-2-1502");
  r->initials = g_strdup ("zxs");
  r->phone_masked = g_strdup ("138****5678");
  r->phone_last4 = g_strdup ("5678");
  r->id_masked = g_strdup ("**************1234");
  r->address_masked = g_strdup ("北京市海淀区****");
  r->plates = g_strdupv ((char **) plates);
  r->account_masked = g_strdup ("**** **** **** 1234");
  r->balance_cents = 12345;
  r->overdue = TRUE;
  r->last_paid_at = g_strdup ("2026-10-01");
  return r;
}

static JsonObject *
build (FdRole   role,
       gboolean detail)
{
  g_autoptr(FdResidentRecord) r = sample ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  FdJsonWriter w;
  gsize len;

  fd_json_writer_init (&w, 64);
  fd_policy_write_resident (&w, role, r, detail);
  text = fd_json_writer_steal (&w, &len);
  g_assert_cmpuint (len, ==, strlen (text));
  json_parser_load_from_data (parser, text, len, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
assert_field (JsonObject *o,
              const char *member,
              const char *value,
              gboolean    masked,
              gboolean    revealable)
{
  JsonObject *f;

  g_assert_true (json_object_has_member (o, member));
  f = json_object_get_object_member (o, member);
  g_assert_cmpstr (json_object_get_string_member (f, "value"), ==, value);
  g_assert_cmpint (json_object_get_boolean_member (f, "masked"), ==, masked);
  g_assert_cmpint (json_object_get_boolean_member (f, "revealable"), ==, revealable);
}

static const char *
first_plate (JsonObject *o)
{
  JsonArray *a = json_object_get_array_member (o, "plates");
  return json_object_get_string_member (json_array_get_object_element (a, 0), "value");
}

static void
test_reception (void)
{
  g_autoptr(JsonObject) o = build (FD_ROLE_RECEPTION, TRUE);
  JsonObject *pay;

  assert_field (o, "name", "张小三", FALSE, FALSE);
  assert_field (o, "room", "3-2-1502", FALSE, FALSE);
  assert_field (o, "phone", "138****5678", TRUE, TRUE);
  assert_field (o, "id_number", "**************1234", TRUE, TRUE);
  assert_field (o, "home_address", "北京市海淀区****", TRUE, FALSE);
  g_assert_cmpstr (first_plate (o), ==, "粤B1***5");
  pay = json_object_get_object_member (o, "payments");
  g_assert_cmpstr (json_object_get_string_member (pay, "status"), ==, "overdue");
  g_assert_false (json_object_has_member (pay, "balance_cents"));
  g_assert_false (json_object_has_member (pay, "account"));
}

static void
test_patrol (void)
{
  g_autoptr(JsonObject) o = build (FD_ROLE_PATROL, TRUE);

  assert_field (o, "name", "张**", TRUE, FALSE);
  assert_field (o, "room", "3-2-****", TRUE, FALSE);
  assert_field (o, "phone", "138****5678", TRUE, FALSE);
  g_assert_false (json_object_has_member (o, "id_number"));
  g_assert_false (json_object_has_member (o, "home_address"));
  g_assert_false (json_object_has_member (o, "payments"));
  g_assert_cmpstr (first_plate (o), ==, "粤B12345");
}

static void
test_finance (void)
{
  g_autoptr(JsonObject) o = build (FD_ROLE_FINANCE, TRUE);
  JsonObject *pay;

  assert_field (o, "name", "张小三", FALSE, FALSE);
  assert_field (o, "phone", "138****5678", TRUE, TRUE);
  g_assert_false (json_object_has_member (o, "id_number"));
  g_assert_false (json_object_has_member (o, "home_address"));
  g_assert_cmpstr (first_plate (o), ==, "粤B1***5");
  pay = json_object_get_object_member (o, "payments");
  g_assert_cmpint (json_object_get_int_member (pay, "balance_cents"), ==, 12345);
  assert_field (pay, "account", "**** **** **** 1234", TRUE, FALSE);
}

static void
test_manager (void)
{
  g_autoptr(JsonObject) o = build (FD_ROLE_MANAGER, TRUE);

  assert_field (o, "phone", "138****5678", TRUE, TRUE);
  assert_field (o, "id_number", "**************1234", TRUE, TRUE);
  assert_field (o, "home_address", "北京市海淀区****", TRUE, TRUE);
  g_assert_cmpstr (first_plate (o), ==, "粤B12345");
  g_assert_true (fd_policy_rule (FD_ROLE_MANAGER, FD_FIELD_ID_NUMBER)->needs_password);
  g_assert_true (fd_policy_rule (FD_ROLE_RECEPTION, FD_FIELD_ID_NUMBER)->needs_password);
  g_assert_false (fd_policy_rule (FD_ROLE_RECEPTION, FD_FIELD_PHONE)->needs_password);
}

static void
test_no_resident_roles (void)
{
  FdRole roles[] = { FD_ROLE_AUDITOR, FD_ROLE_ADMIN };

  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    {
      g_autoptr(JsonObject) o = build (roles[i], TRUE);
      g_assert_false (fd_role_sees_residents (roles[i]));
      /* only the id: nothing personal */
      g_assert_cmpuint (json_object_get_size (o), ==, 1);
    }
  g_assert_cmpint (fd_role_from_string ("root"), ==, FD_ROLE_INVALID);
  g_assert_cmpint (fd_role_from_string (NULL), ==, FD_ROLE_INVALID);
}

static void
test_summary_has_no_detail (void)
{
  for (FdRole role = 0; role < FD_N_ROLES; role++)
    {
      g_autoptr(JsonObject) o = build (role, FALSE);
      g_assert_false (json_object_has_member (o, "id_number"));
      g_assert_false (json_object_has_member (o, "home_address"));
      g_assert_false (json_object_has_member (o, "payments"));
    }
}

static void
test_writer_escapes (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  JsonObject *o;
  FdJsonWriter w;
  gsize len;

  fd_json_writer_init (&w, 8);
  fd_json_writer_begin_object (&w);
  fd_json_writer_member (&w, "a");
  fd_json_writer_string (&w, "q\"u\\o\n\x01te 张");
  fd_json_writer_member (&w, "list");
  fd_json_writer_begin_array (&w);
  fd_json_writer_int (&w, -5);
  fd_json_writer_bool (&w, TRUE);
  fd_json_writer_null (&w);
  fd_json_writer_begin_object (&w);
  fd_json_writer_end_object (&w);
  fd_json_writer_string (&w, "\xff\xfe");
  fd_json_writer_end_array (&w);
  fd_json_writer_field (&w, "f", "v", TRUE, FALSE);
  fd_json_writer_field (&w, "absent", NULL, TRUE, FALSE);
  fd_json_writer_end_object (&w);
  text = fd_json_writer_steal (&w, &len);

  json_parser_load_from_data (parser, text, len, &error);
  g_assert_no_error (error);
  o = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (o, "a"), ==, "q\"u\\o\n\x01te 张");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "list")), ==, 5);
  g_assert_false (json_object_has_member (o, "absent"));
  g_assert_true (json_object_get_boolean_member (json_object_get_object_member (o, "f"), "masked"));
}

static void
test_verify_rules (void)
{
  g_assert_true (fd_policy_may_verify (FD_ROLE_RECEPTION, FD_FIELD_ID_NUMBER));
  g_assert_true (fd_policy_may_verify (FD_ROLE_PATROL, FD_FIELD_PHONE));
  g_assert_false (fd_policy_may_verify (FD_ROLE_PATROL, FD_FIELD_ID_NUMBER));
  g_assert_false (fd_policy_may_verify (FD_ROLE_FINANCE, FD_FIELD_ID_NUMBER));
  g_assert_false (fd_policy_may_verify (FD_ROLE_AUDITOR, FD_FIELD_PHONE));
  g_assert_false (fd_policy_may_verify (FD_ROLE_MANAGER, FD_FIELD_ROOM));
}

/* fd_rules_quarter_start() keeps its answer for the wall-clock second
 * (issue 13, search13): it must still move at a quarter's first second,
 * and back. */
static void
test_quarter_start (void)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_local ();
  g_autoptr(GDateTime) april = g_date_time_new (tz, 2026, 4, 1, 0, 0, 0);
  g_autoptr(GDateTime) january = g_date_time_new (tz, 2026, 1, 1, 0, 0, 0);
  gint64 q2 = g_date_time_to_unix (april) * G_USEC_PER_SEC;
  gint64 q1 = g_date_time_to_unix (january) * G_USEC_PER_SEC;

  g_assert_cmpint (fd_rules_quarter_start (q2 - 1), ==, q1);
  g_assert_cmpint (fd_rules_quarter_start (q2), ==, q2);
  g_assert_cmpint (fd_rules_quarter_start (q2 + G_USEC_PER_SEC - 1), ==, q2);
  g_assert_cmpint (fd_rules_quarter_start (q2 - 1), ==, q1);
  g_assert_cmpint (fd_rules_quarter_start (q1 + 42 * G_USEC_PER_SEC), ==, q1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fd/policy/reception", test_reception);
  g_test_add_func ("/fd/policy/patrol", test_patrol);
  g_test_add_func ("/fd/policy/finance", test_finance);
  g_test_add_func ("/fd/policy/manager", test_manager);
  g_test_add_func ("/fd/policy/no-resident-roles", test_no_resident_roles);
  g_test_add_func ("/fd/policy/summary", test_summary_has_no_detail);
  g_test_add_func ("/fd/policy/verify", test_verify_rules);
  g_test_add_func ("/fd/policy/writer", test_writer_escapes);
  g_test_add_func ("/fd/policy/rules-quarter-start", test_quarter_start);
  return g_test_run ();
}
