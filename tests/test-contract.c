/* test-contract.c: the contract's records, their parsers and the request paths
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "fd-api-path.h"
#include "fd-error.h"
#include "fd-record.h"
#include "fd-role.h"

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

/* Every text must fail with FD_ERROR_PROTOCOL and no record. */
static void
assert_all_refused (FdRecordParseFunc  parse,
                    GDestroyNotify     free_func,
                    const char *const *texts)
{
  for (guint i = 0; texts[i] != NULL; i++)
    {
      g_autoptr(JsonNode) node = parse_json (texts[i]);
      g_autoptr(GError) error = NULL;
      gpointer record = parse (node, &error);

      if (record != NULL)
        {
          free_func (record);
          g_error ("accepted malformed input #%u: %s", i, texts[i]);
        }
      g_assert_error (error, FD_ERROR, FD_ERROR_PROTOCOL);
    }

  /* A missing node is refused the same way. */
  {
    g_autoptr(GError) error = NULL;

    g_assert_null (parse (NULL, &error));
    g_assert_error (error, FD_ERROR, FD_ERROR_PROTOCOL);
  }
}

static void
test_role_names (void)
{
  FdField field = FD_N_FIELDS;

  for (FdRole role = 0; role < FD_N_ROLES; role++)
    g_assert_cmpint (fd_role_from_string (fd_role_to_string (role)), ==, role);
  g_assert_cmpint (fd_role_from_string ("Reception"), ==, FD_ROLE_INVALID);
  g_assert_cmpint (fd_role_from_string (""), ==, FD_ROLE_INVALID);
  g_assert_cmpint (fd_role_from_string (NULL), ==, FD_ROLE_INVALID);
  g_assert_cmpstr (fd_role_to_string (FD_ROLE_INVALID), ==, "invalid");
  g_assert_cmpstr (fd_role_to_string (FD_ROLE_AUDITOR), ==, "auditor");

  for (FdField f = 0; f < FD_N_FIELDS; f++)
    {
      g_assert_true (fd_field_from_string (fd_field_to_string (f), &field));
      g_assert_cmpint (field, ==, f);
    }
  g_assert_true (fd_field_from_string ("home_address", &field));
  g_assert_cmpint (field, ==, FD_FIELD_HOME_ADDRESS);
  g_assert_false (fd_field_from_string ("password", &field));
  g_assert_false (fd_field_from_string (NULL, &field));
  g_assert_null (fd_field_to_string (FD_N_FIELDS));
}

static const char resident_summary[] =
  "{\"id\": \"17\","
  " \"name\": {\"value\": \"张三\", \"masked\": false, \"revealable\": false},"
  " \"room\": {\"value\": \"3-2-1502\", \"masked\": false, \"revealable\": false},"
  " \"phone\": {\"value\": \"138****5678\", \"masked\": true, \"revealable\": true},"
  " \"plates\": [{\"value\": \"粤B1***5\", \"masked\": true, \"revealable\": true},"
  "              {\"value\": \"粤A12345\", \"masked\": false, \"revealable\": false}]}";

static void
test_resident (void)
{
  g_autoptr(JsonNode) node = parse_json (resident_summary);
  g_autoptr(GError) error = NULL;
  g_autoptr(FdResident) resident = fd_resident_parse (node, &error);
  g_autoptr(FdFieldValue) plates = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (resident);
  g_assert_cmpstr (resident->id, ==, "17");
  g_assert_cmpstr (resident->name->value, ==, "张三");
  g_assert_true (resident->phone->masked);
  g_assert_true (resident->phone->revealable);
  g_assert_null (resident->id_number);
  g_assert_null (resident->home_address);
  g_assert_null (resident->payments);
  g_assert_cmpuint (resident->plates->len, ==, 2);
  g_assert_true (fd_resident_get_field (resident, FD_FIELD_PHONE) == resident->phone);
  g_assert_null (fd_resident_get_field (resident, FD_FIELD_ID_NUMBER));
  g_assert_null (fd_resident_get_field (resident, FD_FIELD_PLATES));

  plates = fd_resident_join_plates (resident);
  g_assert_cmpstr (plates->value, ==, "粤B1***5, 粤A12345");
  g_assert_true (plates->masked);
  g_assert_true (plates->revealable);
}

static void
test_resident_detail (void)
{
  g_autoptr(JsonNode) node = parse_json (
    "{\"id\": \"17\", \"plates\": [],"
    " \"id_number\": {\"value\": \"**************1234\", \"masked\": true, \"revealable\": true},"
    " \"payments\": {\"status\": \"overdue\","
    "   \"account\": {\"value\": \"**** **** **** 1234\", \"masked\": true, \"revealable\": false},"
    "   \"balance_cents\": 106900, \"last_paid_at\": \"2026-01-08\"}}");
  g_autoptr(JsonNode) partial = parse_json ("{\"id\": \"18\", \"payments\": {\"status\": \"paid\"}}");
  g_autoptr(GError) error = NULL;
  g_autoptr(FdResident) resident = fd_resident_parse (node, &error);
  g_autoptr(FdResident) reception = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (resident->id_number->value, ==, "**************1234");
  g_assert_null (resident->name);
  g_assert_null (fd_resident_join_plates (resident));
  g_assert_cmpstr (resident->payments->status, ==, "overdue");
  g_assert_cmpstr (resident->payments->account->value, ==, "**** **** **** 1234");
  g_assert_true (resident->payments->has_balance);
  g_assert_cmpint (resident->payments->balance_cents, ==, 106900);
  g_assert_cmpstr (resident->payments->last_paid_at, ==, "2026-01-08");

  /* Reception sees only the status. */
  reception = fd_resident_parse (partial, &error);
  g_assert_no_error (error);
  g_assert_false (reception->payments->has_balance);
  g_assert_null (reception->payments->account);
  g_assert_cmpuint (reception->plates->len, ==, 0);
}

static void
test_resident_malformed (void)
{
  static const char *const texts[] = {
    "[]",
    "\"17\"",
    "{}",
    "{\"id\": 17}",
    "{\"id\": null}",
    "{\"id\": \"17\", \"name\": \"张三\"}",
    "{\"id\": \"17\", \"phone\": {\"value\": \"138\", \"masked\": \"yes\", \"revealable\": true}}",
    "{\"id\": \"17\", \"phone\": {\"value\": 138, \"masked\": true, \"revealable\": true}}",
    "{\"id\": \"17\", \"plates\": {\"value\": \"粤B1***5\"}}",
    "{\"id\": \"17\", \"plates\": [\"粤B12345\"]}",
    "{\"id\": \"17\", \"plates\": [null]}",
    "{\"id\": \"17\", \"payments\": \"overdue\"}",
    "{\"id\": \"17\", \"payments\": {\"balance_cents\": \"106900\"}}",
    "{\"id\": \"17\", \"payments\": {\"balance_cents\": 1069.5}}",
    "{\"id\": \"17\", \"payments\": {\"status\": 1}}",
    NULL
  };

  assert_all_refused ((FdRecordParseFunc) fd_resident_parse,
                      (GDestroyNotify) fd_resident_free, texts);
}

static void
test_page (void)
{
  g_autofree char *text = g_strdup_printf ("{\"items\": [%s, {\"id\": \"18\"}],"
                                           " \"next_cursor\": \"18.99f\"}", resident_summary);
  g_autoptr(JsonNode) node = parse_json (text);
  g_autoptr(JsonNode) last = parse_json ("{\"items\": [], \"next_cursor\": null}");
  g_autoptr(JsonNode) bare = parse_json ("{\"items\": [{\"room\": \"3-2-101\", \"residents\": 1}]}");
  g_autoptr(GError) error = NULL;
  g_autoptr(FdPage) page = NULL;
  g_autoptr(FdPage) empty = NULL;
  g_autoptr(FdPage) rooms = NULL;

  page = fd_page_parse (node, (FdRecordParseFunc) fd_resident_parse,
                        (GDestroyNotify) fd_resident_free, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->items->len, ==, 2);
  g_assert_cmpstr (((FdResident *) page->items->pdata[1])->id, ==, "18");
  g_assert_cmpstr (page->next_cursor, ==, "18.99f");

  empty = fd_page_parse (last, (FdRecordParseFunc) fd_resident_parse,
                         (GDestroyNotify) fd_resident_free, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (empty->items->len, ==, 0);
  g_assert_null (empty->next_cursor);

  rooms = fd_page_parse (bare, (FdRecordParseFunc) fd_room_parse,
                         (GDestroyNotify) fd_room_free, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (((FdRoom *) rooms->items->pdata[0])->room, ==, "3-2-101");
  g_assert_cmpint (((FdRoom *) rooms->items->pdata[0])->residents, ==, 1);
  g_assert_null (rooms->next_cursor);
}

static gpointer
parse_resident_page (JsonNode  *node,
                     GError   **error)
{
  return fd_page_parse (node, (FdRecordParseFunc) fd_resident_parse,
                        (GDestroyNotify) fd_resident_free, error);
}

static void
test_page_malformed (void)
{
  static const char *const texts[] = {
    "[]",
    "{}",
    "{\"items\": null}",
    "{\"items\": {}}",
    "{\"items\": \"[]\"}",
    "{\"items\": [], \"next_cursor\": 5}",
    "{\"items\": [], \"next_cursor\": []}",
    "{\"items\": [17]}",
    "{\"items\": [{\"id\": \"17\"}, {\"name\": \"no id\"}]}",
    "{\"items\": [{\"id\": \"17\"}, null]}",
    NULL
  };

  assert_all_refused (parse_resident_page, (GDestroyNotify) fd_page_free, texts);
}

static void
test_visitor (void)
{
  g_autoptr(JsonNode) node = parse_json (
    "{\"id\": \"6\","
    " \"name\": {\"value\": \"张三\", \"masked\": false, \"revealable\": false},"
    " \"room\": {\"value\": \"3-2-1502\", \"masked\": false, \"revealable\": false},"
    " \"purpose\": \"送快递\", \"arrived_at\": \"2026-11-25T16:40:45Z\","
    " \"left_at\": null, \"registered_by\": \"reception\"}");
  static const char *const bad[] = {
    "{\"name\": {\"value\": \"张三\", \"masked\": false, \"revealable\": false}}",
    "{\"id\": \"6\", \"left_at\": 5}",
    "{\"id\": \"6\", \"plate\": \"粤B12345\"}",
    "{\"id\": \"6\", \"purpose\": {}}",
    NULL
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(FdVisitor) visitor = fd_visitor_parse (node, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (visitor->id, ==, "6");
  g_assert_cmpstr (visitor->room->value, ==, "3-2-1502");
  g_assert_cmpstr (visitor->purpose, ==, "送快递");
  g_assert_null (visitor->left_at);
  g_assert_null (visitor->plate);
  g_assert_cmpstr (visitor->registered_by, ==, "reception");

  assert_all_refused ((FdRecordParseFunc) fd_visitor_parse, (GDestroyNotify) fd_visitor_free,
                      bad);
}

static void
test_audit_entry (void)
{
  g_autoptr(JsonNode) node = parse_json (
    "{\"seq\": 29, \"at\": \"2026-11-25T16:39:36Z\", \"actor\": \"reception\","
    " \"role\": \"reception\", \"workstation\": \"desk-1\", \"ip\": \"127.0.0.1\","
    " \"action\": \"reveal\", \"target\": \"17\", \"field\": \"home_address\","
    " \"reason_code\": \"verify-identity\", \"reason_text\": null,"
    " \"outcome\": \"denied\", \"session\": \"4758ec65199b77f5\"}");
  static const char *const bad[] = {
    "{\"at\": \"2026-11-25T16:39:36Z\", \"action\": \"login\"}",
    "{\"seq\": \"29\", \"at\": \"2026-11-25T16:39:36Z\", \"action\": \"login\"}",
    "{\"seq\": 29, \"action\": \"login\"}",
    "{\"seq\": 29, \"at\": \"2026-11-25T16:39:36Z\", \"action\": \"login\", \"actor\": 3}",
    NULL
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(FdAuditEntry) entry = fd_audit_entry_parse (node, &error);

  g_assert_no_error (error);
  g_assert_cmpint (entry->seq, ==, 29);
  g_assert_cmpstr (entry->outcome, ==, "denied");
  g_assert_null (entry->reason_text);
  g_assert_cmpstr (fd_audit_entry_get_member (entry, "field"), ==, "home_address");
  g_assert_cmpstr (fd_audit_entry_get_member (entry, "session"), ==, "4758ec65199b77f5");
  g_assert_null (fd_audit_entry_get_member (entry, "reason_text"));
  g_assert_null (fd_audit_entry_get_member (entry, "seq"));
  g_assert_null (fd_audit_entry_get_member (entry, "nonsense"));

  assert_all_refused ((FdRecordParseFunc) fd_audit_entry_parse,
                      (GDestroyNotify) fd_audit_entry_free, bad);
}

static void
test_alert_and_user (void)
{
  g_autoptr(JsonNode) alert_node = parse_json (
    "{\"id\": \"2\", \"at\": \"2026-11-25T16:41:30Z\", \"kind\": \"reveal-burst\","
    " \"actor\": \"manager\", \"detail\": \"More than 3 reveals\"}");
  g_autoptr(JsonNode) user_node = parse_json (
    "{\"id\": \"6\", \"username\": \"admin\", \"display_name\": \"管理员 Admin\","
    " \"role\": \"admin\", \"disabled\": false, \"locked\": true}");
  static const char *const bad_alerts[] = {
    "{\"id\": \"2\", \"at\": \"2026-11-25T16:41:30Z\"}",
    "{\"id\": 2, \"at\": \"2026-11-25T16:41:30Z\", \"kind\": \"reveal-burst\"}",
    NULL
  };
  static const char *const bad_users[] = {
    "{\"id\": \"6\", \"username\": \"a\", \"display_name\": \"A\", \"role\": \"root\","
    " \"disabled\": false, \"locked\": false}",
    "{\"id\": \"6\", \"username\": \"a\", \"display_name\": \"A\", \"role\": \"admin\","
    " \"disabled\": \"no\", \"locked\": false}",
    "{\"id\": \"6\", \"username\": \"a\", \"display_name\": \"A\", \"role\": \"admin\","
    " \"disabled\": false}",
    NULL
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(FdAlert) alert = fd_alert_parse (alert_node, &error);
  g_autoptr(FdUser) user = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (alert->kind, ==, "reveal-burst");
  g_assert_cmpstr (alert->actor, ==, "manager");

  user = fd_user_parse (user_node, &error);
  g_assert_no_error (error);
  g_assert_cmpint (user->role, ==, FD_ROLE_ADMIN);
  g_assert_false (user->disabled);
  g_assert_true (user->locked);

  assert_all_refused ((FdRecordParseFunc) fd_alert_parse, (GDestroyNotify) fd_alert_free,
                      bad_alerts);
  assert_all_refused ((FdRecordParseFunc) fd_user_parse, (GDestroyNotify) fd_user_free,
                      bad_users);
}

static void
test_small_answers (void)
{
  g_autoptr(JsonNode) chain = parse_json ("{\"ok\": true, \"entries\": 173, \"first_bad_seq\": null,"
                                          " \"witness\": null}");
  g_autoptr(JsonNode) incident_node = parse_json ("{\"frozen\": true, \"since\": \"2026-11-25T16:40:37Z\","
                                                  " \"by\": \"manager\"}");
  g_autoptr(JsonNode) revealed_node = parse_json ("{\"field\": \"phone\", \"value\": \"13812345678\","
                                                  " \"expires_in_s\": 30}");
  g_autoptr(JsonNode) error_node = parse_json ("{\"code\": \"bad-credentials\", \"message\": \"Wrong\","
                                               " \"attempts_left\": 4}");
  g_autoptr(JsonNode) match_node = parse_json ("{\"match\": true}");
  g_autoptr(JsonNode) no_match = parse_json ("{\"match\": \"yes\"}");
  static const char *const bad_chain[] = { "{\"ok\": 1, \"entries\": 3}", "{\"ok\": true}", NULL };
  static const char *const bad_revealed[] = { "{\"field\": \"phone\"}", "{\"value\": 138}", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(FdChainStatus) status = fd_chain_status_parse (chain, &error);
  g_autoptr(FdIncident) incident = NULL;
  g_autoptr(FdRevealed) revealed = NULL;
  g_autoptr(FdErrorDetail) detail = NULL;
  gboolean match = FALSE;

  g_assert_no_error (error);
  g_assert_true (status->ok);
  g_assert_cmpint (status->entries, ==, 173);
  g_assert_cmpint (status->first_bad_seq, ==, -1);

  incident = fd_incident_parse (incident_node, &error);
  g_assert_no_error (error);
  g_assert_true (incident->frozen);
  g_assert_cmpstr (incident->by, ==, "manager");

  revealed = fd_revealed_parse (revealed_node, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (revealed->value, ==, "13812345678");
  g_assert_cmpint (revealed->expires_in_s, ==, 30);

  detail = fd_error_detail_parse (error_node, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (detail->code, ==, "bad-credentials");
  g_assert_cmpint (detail->attempts_left, ==, 4);
  g_assert_null (detail->member);

  g_assert_true (fd_verify_match_parse (match_node, &match, &error));
  g_assert_no_error (error);
  g_assert_true (match);
  g_assert_false (fd_verify_match_parse (no_match, &match, &error));
  g_assert_error (error, FD_ERROR, FD_ERROR_PROTOCOL);

  assert_all_refused ((FdRecordParseFunc) fd_chain_status_parse,
                      (GDestroyNotify) fd_chain_status_free, bad_chain);
  assert_all_refused ((FdRecordParseFunc) fd_revealed_parse,
                      (GDestroyNotify) fd_revealed_free, bad_revealed);
}

static void
test_paths (void)
{
  FdAuditQuery query = { .actor = (char *) "desk 2", .action = (char *) "reveal",
                         .since = (char *) "2026-11-25T00:00:00Z", .until = NULL };
  g_autofree char *residents = fd_api_path_residents ("张", 25, NULL);
  g_autofree char *more = fd_api_path_residents ("3-2", 25, "18.9a/b");
  g_autofree char *resident = fd_api_path_resident ("17", NULL);
  g_autofree char *reveal = fd_api_path_resident ("1/../7", "reveal");
  g_autofree char *rooms = fd_api_path_rooms ("3-2", 8);
  g_autofree char *visitors = fd_api_path_visitors ("2026-11-25", 100, NULL);
  g_autofree char *checkout = fd_api_path_visitor_checkout ("6");
  g_autofree char *export = fd_api_path_visitors_export ("2026-11-25");
  g_autofree char *audit = fd_api_path_audit (&query, 100, "29.6d");
  g_autofree char *audit_all = fd_api_path_audit (NULL, 100, NULL);
  g_autofree char *user = fd_api_path_user ("7");

  g_assert_cmpstr (residents, ==, "/residents?q=%E5%BC%A0&limit=25");
  g_assert_cmpstr (more, ==, "/residents?q=3-2&limit=25&cursor=18.9a%2Fb");
  g_assert_cmpstr (resident, ==, "/residents/17");
  g_assert_cmpstr (reveal, ==, "/residents/1%2F..%2F7/reveal");
  g_assert_cmpstr (rooms, ==, "/rooms?q=3-2&limit=8");
  g_assert_cmpstr (visitors, ==, "/visitors?date=2026-11-25&limit=100");
  g_assert_cmpstr (checkout, ==, "/visitors/6/checkout");
  g_assert_cmpstr (export, ==, "/visitors/export?date=2026-11-25");
  g_assert_cmpstr (audit, ==, "/audit?limit=100&actor=desk%202&action=reveal"
                              "&since=2026-11-25T00%3A00%3A00Z&cursor=29.6d");
  g_assert_cmpstr (audit_all, ==, "/audit?limit=100");
  g_assert_cmpstr (user, ==, "/users/7");
}

static void
test_day_to_utc (void)
{
  g_autofree char *since = fd_api_day_to_utc ("2026-11-25", 0);
  g_autofree char *until = fd_api_day_to_utc ("2026-12-31", 1);

  /* main() runs this test in UTC. */
  g_assert_cmpstr (since, ==, "2026-11-25T00:00:00Z");
  g_assert_cmpstr (until, ==, "2027-01-01T00:00:00Z");
  g_assert_null (fd_api_day_to_utc ("2026-02-30", 0));
  g_assert_null (fd_api_day_to_utc ("2026-11-25x", 0));
  g_assert_null (fd_api_day_to_utc ("26-11-25", 0));
  g_assert_null (fd_api_day_to_utc ("", 0));
  g_assert_null (fd_api_day_to_utc (NULL, 0));
}

static void
test_session_info (void)
{
  static const char *const malformed[] = {
    "[]",
    "{\"policy\": {}}",
    "{\"user\": \"li\"}",
    "{\"user\": {\"display_name\": \"Li Na\"}}",
    "{\"user\": {\"username\": 7}}",
    NULL
  };
  g_autoptr(JsonNode) node = parse_json (
    "{\"token\": \"t\", \"user\": {\"id\": \"u1\", \"username\": \"li\","
    " \"display_name\": \"Li Na\", \"role\": \"manager\"},"
    " \"policy\": {\"lock_after_s\": 120, \"reveal_window_s\": 20, \"watermark\": false},"
    " \"estate\": {\"code\": \"e1\", \"name\": \"North Court\"}}");
  g_autoptr(JsonNode) bare = parse_json (
    "{\"user\": {\"username\": \"li\", \"role\": \"janitor\"},"
    " \"policy\": {\"lock_after_s\": \"soon\"}}");
  g_autoptr(FdSessionInfo) info = fd_session_info_parse (node, NULL);
  g_autoptr(FdSessionInfo) copy = NULL;
  g_autoptr(FdSessionInfo) lenient = fd_session_info_parse (bare, NULL);

  g_assert_nonnull (info);
  g_assert_cmpstr (info->username, ==, "li");
  g_assert_cmpstr (info->display_name, ==, "Li Na");
  g_assert_cmpint (info->role, ==, FD_ROLE_MANAGER);
  g_assert_cmpint (info->lock_after_s, ==, 120);
  g_assert_cmpint (info->reveal_window_s, ==, 20);
  g_assert_false (info->watermark);
  g_assert_cmpstr (info->estate_code, ==, "e1");
  g_assert_cmpstr (info->estate_name, ==, "North Court");
  g_assert_null (info->workstation);

  info->workstation = g_strdup ("desk-1");
  copy = fd_session_info_copy (info);
  g_assert_cmpstr (copy->workstation, ==, "desk-1");
  g_assert_cmpstr (copy->username, ==, "li");
  g_assert_true (copy->username != info->username);

  /* Only the username is required; the rest falls back. */
  g_assert_nonnull (lenient);
  g_assert_null (lenient->display_name);
  g_assert_cmpint (lenient->role, ==, FD_ROLE_INVALID);
  g_assert_true (lenient->lock_after_s == FD_SESSION_INFO_UNSET);
  g_assert_true (lenient->reveal_window_s == FD_SESSION_INFO_UNSET);
  g_assert_true (lenient->watermark);
  g_assert_null (lenient->estate_code);

  assert_all_refused ((FdRecordParseFunc) fd_session_info_parse,
                      (GDestroyNotify) fd_session_info_free, malformed);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("TZ", "UTC", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/fd/contract/role-names", test_role_names);
  g_test_add_func ("/fd/contract/resident", test_resident);
  g_test_add_func ("/fd/contract/resident-detail", test_resident_detail);
  g_test_add_func ("/fd/contract/resident-malformed", test_resident_malformed);
  g_test_add_func ("/fd/contract/page", test_page);
  g_test_add_func ("/fd/contract/page-malformed", test_page_malformed);
  g_test_add_func ("/fd/contract/visitor", test_visitor);
  g_test_add_func ("/fd/contract/audit-entry", test_audit_entry);
  g_test_add_func ("/fd/contract/alert-and-user", test_alert_and_user);
  g_test_add_func ("/fd/contract/small-answers", test_small_answers);
  g_test_add_func ("/fd/contract/session-info", test_session_info);
  g_test_add_func ("/fd/contract/paths", test_paths);
  g_test_add_func ("/fd/contract/day-to-utc", test_day_to_utc);

  return g_test_run ();
}
