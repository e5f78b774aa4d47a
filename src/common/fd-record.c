/* fd-record.c: the contract's records and their parsers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fd-record-private.h"

#include <glib/gi18n-lib.h>
#include <stddef.h>
#include <string.h>

#include "fd-error.h"

gboolean
fd_record_malformed (const char  *what,
                     const char  *member,
                     GError     **error)
{
  /* Member names only: a value may be personal data. */
  g_debug ("Malformed %s answer at member %s", what, member ? member : "(root)");
  g_set_error_literal (error, FD_ERROR, FD_ERROR_PROTOCOL,
                       _("The server sent an answer this app does not understand."));
  return FALSE;
}

gboolean
fd_record_node_is (JsonNode *node,
                   GType     type)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

static gboolean
read_member (JsonObject       *object,
             const MemberSpec *spec,
             gpointer          record,
             const char       *what,
             GError          **error)
{
  JsonNode *node = json_object_get_member (object, spec->name);
  gpointer slot = (char *) record + spec->offset;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return spec->required ? fd_record_malformed (what, spec->name, error) : TRUE;

  switch (spec->kind)
    {
    case MEMBER_STRING:
      if (!fd_record_node_is (node, G_TYPE_STRING))
        return fd_record_malformed (what, spec->name, error);
      *(char **) slot = g_strdup (json_node_get_string (node));
      return TRUE;
    case MEMBER_INT:
      if (!fd_record_node_is (node, G_TYPE_INT64))
        return fd_record_malformed (what, spec->name, error);
      *(gint64 *) slot = json_node_get_int (node);
      return TRUE;
    case MEMBER_BOOL:
      if (!fd_record_node_is (node, G_TYPE_BOOLEAN))
        return fd_record_malformed (what, spec->name, error);
      *(gboolean *) slot = json_node_get_boolean (node);
      return TRUE;
    case MEMBER_FIELD:
      *(FdFieldValue **) slot = fd_field_value_parse (node, error);
      return *(FdFieldValue **) slot != NULL;
    case MEMBER_ROLE:
      if (!fd_record_node_is (node, G_TYPE_STRING) ||
          fd_role_from_string (json_node_get_string (node)) == FD_ROLE_INVALID)
        return fd_record_malformed (what, spec->name, error);
      *(FdRole *) slot = fd_role_from_string (json_node_get_string (node));
      return TRUE;
    default:
      g_assert_not_reached ();
    }
}

void
fd_record_free_members (const MemberSpec *specs,
                        guint             n_specs,
                        gpointer          record)
{
  for (guint i = 0; i < n_specs; i++)
    {
      gpointer slot = (char *) record + specs[i].offset;

      if (specs[i].kind == MEMBER_STRING)
        g_clear_pointer ((char **) slot, fd_secret_free);
      else if (specs[i].kind == MEMBER_FIELD)
        g_clear_pointer ((FdFieldValue **) slot, fd_field_value_free);
    }
}

/* Reads every member of @specs from the object @node into @record. */
gboolean
fd_record_read_members (JsonNode         *node,
                        const MemberSpec *specs,
                        guint             n_specs,
                        gpointer          record,
                        const char       *what,
                        GError          **error)
{
  JsonObject *object;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return fd_record_malformed (what, NULL, error);

  object = json_node_get_object (node);
  for (guint i = 0; i < n_specs; i++)
    if (!read_member (object, &specs[i], record, what, error))
      return FALSE;
  return TRUE;
}

/* Reads the array member @member of @object into @into, each element
 * through @parse; an absent member is an error only if @required. */
static gboolean
read_array (JsonObject         *object,
            const char         *member,
            gboolean            required,
            FdRecordParseFunc   parse,
            GPtrArray          *into,
            const char         *what,
            GError            **error)
{
  JsonNode *node = json_object_get_member (object, member);
  JsonArray *array;

  if (node == NULL && !required)
    return TRUE;
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return fd_record_malformed (what, member, error);

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      gpointer item = parse (json_array_get_element (array, i), error);

      if (item == NULL)
        return FALSE;
      g_ptr_array_add (into, item);
    }
  return TRUE;
}

static const MemberSpec visitor_members[] = {
  STR (FdVisitor, id, TRUE),
  FIELD (FdVisitor, name),
  FIELD (FdVisitor, phone),
  FIELD (FdVisitor, id_number),
  FIELD (FdVisitor, room),
  FIELD (FdVisitor, plate),
  STR (FdVisitor, purpose, FALSE),
  STR (FdVisitor, arrived_at, FALSE),
  STR (FdVisitor, left_at, FALSE),
  STR (FdVisitor, registered_by, FALSE),
};
DEFINE_RECORD (FdVisitor, visitor, visitor_members, (void) 0)

static const MemberSpec audit_entry_members[] = {
  INT (FdAuditEntry, seq, TRUE),
  STR (FdAuditEntry, at, TRUE),
  STR (FdAuditEntry, actor, FALSE),
  STR (FdAuditEntry, role, FALSE),
  STR (FdAuditEntry, workstation, FALSE),
  STR (FdAuditEntry, ip, FALSE),
  STR (FdAuditEntry, action, TRUE),
  STR (FdAuditEntry, target, FALSE),
  STR (FdAuditEntry, field, FALSE),
  STR (FdAuditEntry, reason_code, FALSE),
  STR (FdAuditEntry, reason_text, FALSE),
  STR (FdAuditEntry, outcome, FALSE),
  STR (FdAuditEntry, session, FALSE),
  STR (FdAuditEntry, target_label, FALSE),
};
DEFINE_RECORD (FdAuditEntry, audit_entry, audit_entry_members, (void) 0)

const char *
fd_audit_entry_get_member (const FdAuditEntry *entry,
                           const char         *member)
{
  g_return_val_if_fail (entry != NULL, NULL);

  for (guint i = 0; member != NULL && i < G_N_ELEMENTS (audit_entry_members); i++)
    if (audit_entry_members[i].kind == MEMBER_STRING &&
        g_str_equal (audit_entry_members[i].name, member))
      return *(char **) ((const char *) entry + audit_entry_members[i].offset);
  return NULL;
}

static const MemberSpec alert_members[] = {
  STR (FdAlert, id, TRUE),
  STR (FdAlert, at, TRUE),
  STR (FdAlert, kind, TRUE),
  STR (FdAlert, actor, FALSE),
  STR (FdAlert, detail, FALSE),
};
DEFINE_RECORD (FdAlert, alert, alert_members, (void) 0)

static const MemberSpec user_members[] = {
  STR (FdUser, id, TRUE),
  STR (FdUser, username, TRUE),
  STR (FdUser, display_name, TRUE),
  ROLE (FdUser, role),
  BOOL (FdUser, disabled, TRUE),
  BOOL (FdUser, locked, TRUE),
  STR (FdUser, locked_until, FALSE),
};

/* "last_sign_in": {"at", "workstation"} or null (issue 14) */
static const MemberSpec sign_in_members[] = {
  { "at", MEMBER_STRING, TRUE, offsetof (FdUser, last_sign_in_at) },
  { "workstation", MEMBER_STRING, FALSE, offsetof (FdUser, last_sign_in_workstation) },
};

void
fd_user_free (FdUser *user)
{
  if (user == NULL)
    return;
  fd_record_free_members (user_members, G_N_ELEMENTS (user_members), user);
  fd_record_free_members (sign_in_members, G_N_ELEMENTS (sign_in_members), user);
  g_strfreev (user->estates);
  g_free (user);
}

FdUser *
fd_user_parse (JsonNode  *node,
               GError   **error)
{
  g_autoptr(FdUser) user = g_new0 (FdUser, 1);
  JsonNode *last, *estates;

  if (!fd_record_read_members (node, user_members, G_N_ELEMENTS (user_members), user, "user",
                               error))
    return NULL;
  last = json_object_get_member (json_node_get_object (node), "last_sign_in");
  if (last != NULL && !JSON_NODE_HOLDS_NULL (last) &&
      !fd_record_read_members (last, sign_in_members, G_N_ELEMENTS (sign_in_members), user,
                               "user", error))
    return NULL;
  /* "estates": ["e1", …] (contract v1.2) */
  estates = json_object_get_member (json_node_get_object (node), "estates");
  if (estates != NULL)
    {
      g_autoptr(GStrvBuilder) codes = g_strv_builder_new ();
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (estates))
        return (fd_record_malformed ("user", "estates", error), NULL);
      array = json_node_get_array (estates);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *code = json_array_get_element (array, i);

          if (!fd_record_node_is (code, G_TYPE_STRING))
            return (fd_record_malformed ("user", "estates", error), NULL);
          g_strv_builder_add (codes, json_node_get_string (code));
        }
      user->estates = g_strv_builder_end (codes);
    }
  return g_steal_pointer (&user);
}

void
fd_issued_password_free (FdIssuedPassword *issued)
{
  if (issued == NULL)
    return;
  fd_secret_free (issued->password);
  fd_user_free (issued->user);
  g_free (issued);
}

FdIssuedPassword *
fd_issued_password_parse (JsonNode  *node,
                          GError   **error)
{
  static const MemberSpec specs[] = { STR (FdIssuedPassword, password, TRUE) };
  g_autoptr(FdIssuedPassword) issued = g_new0 (FdIssuedPassword, 1);

  if (!fd_record_read_members (node, specs, G_N_ELEMENTS (specs), issued, "password", error))
    return NULL;
  issued->user = fd_user_parse (json_object_get_member (json_node_get_object (node), "user"), error);
  if (issued->user == NULL)
    return NULL;
  return g_steal_pointer (&issued);
}

static const MemberSpec room_members[] = {
  STR (FdRoom, room, TRUE),
  INT (FdRoom, residents, FALSE),
};
DEFINE_RECORD (FdRoom, room, room_members, (void) 0)

static const MemberSpec chain_status_members[] = {
  BOOL (FdChainStatus, ok, TRUE),
  INT (FdChainStatus, entries, TRUE),
  INT (FdChainStatus, first_bad_seq, FALSE),
};
DEFINE_RECORD (FdChainStatus, chain_status, chain_status_members,
               record->first_bad_seq = -1)

static const MemberSpec incident_members[] = {
  BOOL (FdIncident, frozen, TRUE),
  STR (FdIncident, since, FALSE),
  STR (FdIncident, by, FALSE),
};
DEFINE_RECORD (FdIncident, incident, incident_members, (void) 0)

static const MemberSpec revealed_members[] = {
  STR (FdRevealed, field, FALSE),
  STR (FdRevealed, value, TRUE),
  INT (FdRevealed, expires_in_s, FALSE),
};
DEFINE_RECORD (FdRevealed, revealed, revealed_members, (void) 0)

static const MemberSpec error_detail_members[] = {
  STR (FdErrorDetail, code, FALSE),
  STR (FdErrorDetail, member, FALSE),
  STR (FdErrorDetail, reason, FALSE),
  STR (FdErrorDetail, detail, FALSE),
  STR (FdErrorDetail, locked_until, FALSE),
  INT (FdErrorDetail, attempts_left, FALSE),
};
DEFINE_RECORD (FdErrorDetail, error_detail, error_detail_members,
               record->attempts_left = -1)

gboolean
fd_verify_match_parse (JsonNode  *node,
                       gboolean  *match,
                       GError   **error)
{
  static const MemberSpec specs[] = { { "match", MEMBER_BOOL, TRUE, 0 } };

  g_return_val_if_fail (match != NULL, FALSE);

  return fd_record_read_members (node, specs, G_N_ELEMENTS (specs), match, "verify", error);
}

/* ---- residents ----------------------------------------------------------- */

static const MemberSpec payments_members[] = {
  STR (FdPayments, status, FALSE),
  FIELD (FdPayments, account),
  INT (FdPayments, balance_cents, FALSE),
  STR (FdPayments, last_paid_at, FALSE),
};

static void
payments_free (FdPayments *payments)
{
  fd_record_free_members (payments_members, G_N_ELEMENTS (payments_members), payments);
  g_free (payments);
}

static FdPayments *
payments_parse (JsonNode  *node,
                GError   **error)
{
  g_autofree FdPayments *payments = g_new0 (FdPayments, 1);
  JsonNode *balance;

  if (!fd_record_read_members (node, payments_members, G_N_ELEMENTS (payments_members), payments,
                               "payments", error))
    {
      payments_free (g_steal_pointer (&payments));
      return NULL;
    }
  balance = json_object_get_member (json_node_get_object (node), "balance_cents");
  payments->has_balance = balance != NULL && fd_record_node_is (balance, G_TYPE_INT64);
  return g_steal_pointer (&payments);
}

static const MemberSpec resident_members[] = {
  STR (FdResident, id, TRUE),
  FIELD (FdResident, name),
  FIELD (FdResident, room),
  FIELD (FdResident, phone),
  FIELD (FdResident, id_number),
  FIELD (FdResident, home_address),
};

void
fd_resident_free (FdResident *resident)
{
  if (resident == NULL)
    return;
  fd_record_free_members (resident_members, G_N_ELEMENTS (resident_members), resident);
  g_clear_pointer (&resident->plates, g_ptr_array_unref);
  g_clear_pointer (&resident->payments, payments_free);
  g_free (resident);
}

FdResident *
fd_resident_parse (JsonNode  *node,
                   GError   **error)
{
  g_autoptr(FdResident) resident = g_new0 (FdResident, 1);
  JsonObject *object;
  JsonNode *payments;

  resident->plates = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_field_value_free);
  if (!fd_record_read_members (node, resident_members, G_N_ELEMENTS (resident_members), resident,
                               "resident", error))
    return NULL;

  object = json_node_get_object (node);
  if (!read_array (object, "plates", FALSE, (FdRecordParseFunc) fd_field_value_parse,
                   resident->plates, "resident", error))
    return NULL;

  payments = json_object_get_member (object, "payments");
  if (payments != NULL && (resident->payments = payments_parse (payments, error)) == NULL)
    return NULL;

  return g_steal_pointer (&resident);
}

FdFieldValue *
fd_resident_join_plates (const FdResident *resident)
{
  g_autoptr(GString) joined = NULL;
  gboolean masked = FALSE, revealable = FALSE;
  FdFieldValue *result;

  g_return_val_if_fail (resident != NULL, NULL);

  if (resident->plates == NULL || resident->plates->len == 0)
    return NULL;

  joined = g_string_new (NULL);
  for (guint i = 0; i < resident->plates->len; i++)
    {
      const FdFieldValue *plate = g_ptr_array_index (resident->plates, i);

      if (joined->len > 0)
        g_string_append (joined, ", ");
      g_string_append (joined, plate->value);
      masked |= plate->masked;
      revealable |= plate->revealable;
    }

  result = fd_field_value_new (joined->str, masked, revealable);
  explicit_bzero (joined->str, joined->len);
  return result;
}

const FdFieldValue *
fd_resident_get_field (const FdResident *resident,
                       FdField           field)
{
  g_return_val_if_fail (resident != NULL, NULL);

  switch (field)
    {
    case FD_FIELD_NAME:
      return resident->name;
    case FD_FIELD_ROOM:
      return resident->room;
    case FD_FIELD_PHONE:
      return resident->phone;
    case FD_FIELD_ID_NUMBER:
      return resident->id_number;
    case FD_FIELD_HOME_ADDRESS:
      return resident->home_address;
    case FD_FIELD_PLATES:
    case FD_FIELD_PAYMENTS:
    case FD_N_FIELDS:
    default:
      return NULL;
    }
}

/* ---- pages ---------------------------------------------------------------- */

void
fd_page_free (FdPage *page)
{
  if (page == NULL)
    return;
  g_clear_pointer (&page->items, g_ptr_array_unref);
  g_free (page->next_cursor);
  g_free (page);
}

FdPage *
fd_page_parse (JsonNode          *node,
               FdRecordParseFunc  parse,
               GDestroyNotify     free_item,
               GError           **error)
{
  static const MemberSpec specs[] = { STR (FdPage, next_cursor, FALSE) };
  g_autoptr(FdPage) page = g_new0 (FdPage, 1);

  g_return_val_if_fail (parse != NULL, NULL);

  page->items = g_ptr_array_new_with_free_func (free_item);
  if (!fd_record_read_members (node, specs, G_N_ELEMENTS (specs), page, "page", error))
    return NULL;

  if (!read_array (json_node_get_object (node), "items", TRUE, parse, page->items,
                   "page", error))
    return NULL;
  return g_steal_pointer (&page);
}

/* ---- session --------------------------------------------------------------- */

static JsonObject *
object_member (JsonObject *object,
               const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* Its strings, which the free and the copy walk. */
static const MemberSpec session_info_strings[] = {
  STR (FdSessionInfo, username, TRUE),
  STR (FdSessionInfo, display_name, FALSE),
  STR (FdSessionInfo, estate_code, FALSE),
  STR (FdSessionInfo, estate_name, FALSE),
  STR (FdSessionInfo, workstation, FALSE),
  STR (FdSessionInfo, second_factor, FALSE),
};

void
fd_session_info_free (FdSessionInfo *info)
{
  if (info == NULL)
    return;
  fd_record_free_members (session_info_strings, G_N_ELEMENTS (session_info_strings), info);
  g_free (info);
}

FdSessionInfo *
fd_session_info_copy (const FdSessionInfo *info)
{
  FdSessionInfo *copy;

  g_return_val_if_fail (info != NULL, NULL);

  copy = g_memdup2 (info, sizeof *info);
  for (guint i = 0; i < G_N_ELEMENTS (session_info_strings); i++)
    {
      char **slot = (char **) ((char *) copy + session_info_strings[i].offset);

      *slot = g_strdup (*slot);
    }
  return copy;
}

FdSessionInfo *
fd_session_info_parse (JsonNode  *node,
                       GError   **error)
{
  FdSessionInfo *info;
  JsonObject *user, *policy, *estate;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return (fd_record_malformed ("session", NULL, error), NULL);
  user = object_member (json_node_get_object (node), "user");
  if (user == NULL || fd_json_get_string (user, "username") == NULL)
    return (fd_record_malformed ("session", "user", error), NULL);
  policy = object_member (json_node_get_object (node), "policy");
  estate = object_member (json_node_get_object (node), "estate");

  info = g_new0 (FdSessionInfo, 1);
  info->username = g_strdup (fd_json_get_string (user, "username"));
  info->display_name = g_strdup (fd_json_get_string (user, "display_name"));
  info->role = fd_role_from_string (fd_json_get_string (user, "role"));
  info->lock_after_s = policy != NULL ? fd_json_get_int (policy, "lock_after_s",
                                                         FD_SESSION_INFO_UNSET)
                                      : FD_SESSION_INFO_UNSET;
  info->reveal_window_s = policy != NULL ? fd_json_get_int (policy, "reveal_window_s",
                                                            FD_SESSION_INFO_UNSET)
                                         : FD_SESSION_INFO_UNSET;
  info->watermark = policy == NULL || fd_json_get_bool (policy, "watermark", TRUE);
  info->second_factor = g_strdup (fd_json_get_string (json_node_get_object (node),
                                                      "second_factor"));
  {
    JsonObject *rules = object_member (json_node_get_object (node), "rules");
    info->rules_pending = rules != NULL && !fd_json_get_bool (rules, "acknowledged", TRUE);
  }
  info->password_change_required = fd_json_get_bool (json_node_get_object (node),
                                                     "password_change_required", FALSE);
  if (estate != NULL)
    {
      info->estate_code = g_strdup (fd_json_get_string (estate, "code"));
      info->estate_name = g_strdup (fd_json_get_string (estate, "name"));
    }
  return info;
}
