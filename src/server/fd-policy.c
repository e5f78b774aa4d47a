#include "config.h"

#include "fd-field.h"
#include "fd-mask.h"
#include "fd-policy.h"

#define ABSENT         { FD_SHOW_ABSENT,  FALSE, FALSE }
#define PARTIAL        { FD_SHOW_PARTIAL, FALSE, FALSE }
#define MASKED         { FD_SHOW_MASKED,  FALSE, FALSE }
#define MASKED_REVEAL  { FD_SHOW_MASKED,  TRUE,  FALSE }
#define MASKED_REAUTH  { FD_SHOW_MASKED,  TRUE,  TRUE }
#define CLEAR          { FD_SHOW_CLEAR,   FALSE, FALSE }

/* The baseline's role table, row for row. Payments: PARTIAL = status only,
 * CLEAR = status, balance and the account's last four. */
static const FdFieldRule policy[FD_N_ROLES][FD_N_FIELDS] = {
  /*                   name     phone          id_number      room     address        plates         payments */
  [FD_ROLE_RECEPTION] = { CLEAR,   MASKED_REVEAL, MASKED_REAUTH, CLEAR,   MASKED,        MASKED_REVEAL, PARTIAL },
  [FD_ROLE_PATROL]    = { PARTIAL, MASKED,        ABSENT,        PARTIAL, ABSENT,        CLEAR,         ABSENT  },
  [FD_ROLE_FINANCE]   = { CLEAR,   MASKED_REVEAL, ABSENT,        CLEAR,   ABSENT,        MASKED,        CLEAR   },
  [FD_ROLE_MANAGER]   = { CLEAR,   MASKED_REVEAL, MASKED_REAUTH, CLEAR,   MASKED_REVEAL, CLEAR,         CLEAR   },
  [FD_ROLE_AUDITOR]   = { ABSENT,  ABSENT,        ABSENT,        ABSENT,  ABSENT,        ABSENT,        ABSENT  },
  [FD_ROLE_ADMIN]     = { ABSENT,  ABSENT,        ABSENT,        ABSENT,  ABSENT,        ABSENT,        ABSENT  },
};

static const char *role_names[FD_N_ROLES] = {
  "reception", "patrol", "finance", "manager", "auditor", "admin",
};

static const char *field_names[FD_N_FIELDS] = {
  "name", "phone", "id_number", "room", "home_address", "plates", "payments",
};

FdRole
fd_role_from_string (const char *role)
{
  for (guint i = 0; role != NULL && i < FD_N_ROLES; i++)
    if (g_str_equal (role, role_names[i]))
      return i;
  return FD_ROLE_INVALID;
}

const char *
fd_role_to_string (FdRole role)
{
  return role >= 0 && role < FD_N_ROLES ? role_names[role] : "invalid";
}

const FdFieldRule *
fd_policy_rule (FdRole  role,
                FdField field)
{
  static const FdFieldRule absent = ABSENT;

  if (role < 0 || role >= FD_N_ROLES || field >= FD_N_FIELDS)
    return &absent;
  return &policy[role][field];
}

gboolean
fd_field_from_string (const char *name,
                      FdField    *field)
{
  for (guint i = 0; name != NULL && i < FD_N_FIELDS; i++)
    if (g_str_equal (name, field_names[i]))
      {
        *field = i;
        return TRUE;
      }
  return FALSE;
}

gboolean
fd_role_sees_residents (FdRole role)
{
  return fd_policy_rule (role, FD_FIELD_ROOM)->show != FD_SHOW_ABSENT;
}

gboolean
fd_policy_may_verify (FdRole  role,
                      FdField field)
{
  if (field != FD_FIELD_PHONE && field != FD_FIELD_ID_NUMBER)
    return FALSE;
  return fd_policy_rule (role, field)->show == FD_SHOW_MASKED;
}

static void
add_masked (JsonBuilder       *builder,
            const char        *member,
            const FdFieldRule *rule,
            const char        *clear_or_partial,
            const char        *masked)
{
  switch (rule->show)
    {
    case FD_SHOW_CLEAR:
      if (clear_or_partial != NULL)
        fd_json_builder_add_field (builder, member, clear_or_partial, FALSE, FALSE);
      break;
    case FD_SHOW_PARTIAL:
    case FD_SHOW_MASKED:
      if (masked != NULL)
        fd_json_builder_add_field (builder, member, masked, TRUE, rule->revealable);
      break;
    case FD_SHOW_ABSENT:
    default:
      break;
    }
}

static void
add_plates (JsonBuilder        *builder,
            const FdFieldRule  *rule,
            const char * const *plates)
{
  if (rule->show == FD_SHOW_ABSENT)
    return;
  json_builder_set_member_name (builder, "plates");
  json_builder_begin_array (builder);
  for (guint i = 0; plates != NULL && plates[i] != NULL; i++)
    {
      g_autofree char *masked = NULL;

      if (rule->show == FD_SHOW_CLEAR)
        fd_json_builder_add_field (builder, NULL, plates[i], FALSE, FALSE);
      else
        {
          masked = fd_mask_plate (plates[i]);
          fd_json_builder_add_field (builder, NULL, masked ? masked : "****", TRUE, rule->revealable);
        }
    }
  json_builder_end_array (builder);
}

void
fd_policy_build_resident (JsonBuilder            *builder,
                          FdRole                  role,
                          const FdResidentRecord *r,
                          gboolean                detail)
{
  const FdFieldRule *rule;
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, r->id);
  g_autofree char *name_masked = NULL;
  g_autofree char *room_masked = NULL;

  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, id);

  rule = fd_policy_rule (role, FD_FIELD_NAME);
  if (rule->show == FD_SHOW_PARTIAL)
    name_masked = fd_mask_name_surname (r->name);
  else if (rule->show == FD_SHOW_MASKED)
    name_masked = fd_mask_name (r->name);
  add_masked (builder, "name", rule, r->name, name_masked);

  rule = fd_policy_rule (role, FD_FIELD_ROOM);
  if (rule->show != FD_SHOW_CLEAR)
    room_masked = fd_mask_room_building (r->room);
  add_masked (builder, "room", rule, r->room, room_masked);

  /* Masked forms come from the store: the clear value is sealed there. */
  rule = fd_policy_rule (role, FD_FIELD_PHONE);
  if (rule->show != FD_SHOW_CLEAR)
    add_masked (builder, "phone", rule, NULL, r->phone_masked);

  add_plates (builder, fd_policy_rule (role, FD_FIELD_PLATES), (const char * const *) r->plates);

  if (!detail)
    return;

  rule = fd_policy_rule (role, FD_FIELD_ID_NUMBER);
  if (rule->show != FD_SHOW_CLEAR)
    add_masked (builder, "id_number", rule, NULL, r->id_masked);

  rule = fd_policy_rule (role, FD_FIELD_HOME_ADDRESS);
  if (rule->show != FD_SHOW_CLEAR)
    add_masked (builder, "home_address", rule, NULL, r->address_masked);

  rule = fd_policy_rule (role, FD_FIELD_PAYMENTS);
  if (rule->show != FD_SHOW_ABSENT)
    {
      json_builder_set_member_name (builder, "payments");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "status");
      json_builder_add_string_value (builder, r->overdue ? "overdue" : "paid");
      if (rule->show == FD_SHOW_CLEAR)
        {
          if (r->account_masked != NULL)
            fd_json_builder_add_field (builder, "account", r->account_masked, TRUE, FALSE);
          json_builder_set_member_name (builder, "balance_cents");
          json_builder_add_int_value (builder, r->balance_cents);
          if (r->last_paid_at != NULL)
            {
              json_builder_set_member_name (builder, "last_paid_at");
              json_builder_add_string_value (builder, r->last_paid_at);
            }
        }
      json_builder_end_object (builder);
    }
}

void
fd_policy_build_visitor (JsonBuilder           *builder,
                         FdRole                 role,
                         const FdVisitorRecord *v)
{
  const FdFieldRule *rule;
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, v->id);
  g_autofree char *name_masked = NULL;
  g_autofree char *room_masked = NULL;
  g_autofree char *arrived = fd_time_format_rfc3339 (v->arrived_at);

  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, id);

  rule = fd_policy_rule (role, FD_FIELD_NAME);
  if (rule->show == FD_SHOW_PARTIAL)
    name_masked = fd_mask_name_surname (v->name);
  else if (rule->show == FD_SHOW_MASKED)
    name_masked = fd_mask_name (v->name);
  add_masked (builder, "name", rule, v->name, name_masked);

  /* A visitor's values are never revealable: the reveal call is for residents. */
  rule = fd_policy_rule (role, FD_FIELD_PHONE);
  if (rule->show != FD_SHOW_ABSENT && v->phone_masked != NULL)
    fd_json_builder_add_field (builder, "phone", v->phone_masked, TRUE, FALSE);

  rule = fd_policy_rule (role, FD_FIELD_ID_NUMBER);
  if (rule->show != FD_SHOW_ABSENT && v->id_masked != NULL)
    fd_json_builder_add_field (builder, "id_number", v->id_masked, TRUE, FALSE);

  rule = fd_policy_rule (role, FD_FIELD_ROOM);
  if (rule->show != FD_SHOW_CLEAR)
    room_masked = fd_mask_room_building (v->room);
  add_masked (builder, "room", rule, v->room, room_masked);

  json_builder_set_member_name (builder, "purpose");
  json_builder_add_string_value (builder, v->purpose);

  rule = fd_policy_rule (role, FD_FIELD_PLATES);
  if (rule->show != FD_SHOW_ABSENT && v->plate != NULL)
    {
      g_autofree char *masked = rule->show == FD_SHOW_CLEAR ? NULL : fd_mask_plate (v->plate);
      fd_json_builder_add_field (builder, "plate", masked ? masked : v->plate, masked != NULL, FALSE);
    }

  json_builder_set_member_name (builder, "arrived_at");
  json_builder_add_string_value (builder, arrived);
  json_builder_set_member_name (builder, "left_at");
  if (v->left_at > 0)
    {
      g_autofree char *left = fd_time_format_rfc3339 (v->left_at);
      json_builder_add_string_value (builder, left);
    }
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "registered_by");
  json_builder_add_string_value (builder, v->registered_by ? v->registered_by : "");
}
