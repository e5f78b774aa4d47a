/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The role table: which role sees which resident field, and how masked. */

#include "config.h"

#include <string.h>

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
fd_username_valid (const char *name)
{
  gsize len = name ? strlen (name) : 0;

  if (len < 2 || len > 32 || !(g_ascii_islower (name[0]) || g_ascii_isdigit (name[0])))
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_islower (name[i]) && !g_ascii_isdigit (name[i]) && !strchr ("._-", name[i]))
      return FALSE;
  return TRUE;
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
add_masked (FdJsonWriter      *w,
            const char        *member,
            const FdFieldRule *rule,
            const char        *clear_or_partial,
            const char        *masked)
{
  switch (rule->show)
    {
    case FD_SHOW_CLEAR:
      fd_json_writer_field (w, member, clear_or_partial, FALSE, FALSE);
      break;
    case FD_SHOW_PARTIAL:
    case FD_SHOW_MASKED:
      fd_json_writer_field (w, member, masked, TRUE, rule->revealable);
      break;
    case FD_SHOW_ABSENT:
    default:
      break;
    }
}

static void
add_plates (FdJsonWriter       *w,
            const FdFieldRule  *rule,
            const char * const *plates,
            const char * const *plates_masked)
{
  if (rule->show == FD_SHOW_ABSENT)
    return;
  fd_json_writer_member (w, "plates");
  fd_json_writer_begin_array (w);
  for (guint i = 0; plates != NULL && plates[i] != NULL; i++)
    {
      g_autofree char *masked = NULL;

      if (rule->show == FD_SHOW_CLEAR)
        fd_json_writer_field (w, NULL, plates[i], FALSE, FALSE);
      else if (plates_masked != NULL)
        fd_json_writer_field (w, NULL, plates_masked[i], TRUE, rule->revealable);
      else
        {
          masked = fd_mask_plate (plates[i]);
          fd_json_writer_field (w, NULL, masked ? masked : "****", TRUE, rule->revealable);
        }
    }
  fd_json_writer_end_array (w);
}

static void
add_id (FdJsonWriter *w,
        gint64        id)
{
  char text[24];

  g_snprintf (text, sizeof text, "%" G_GINT64_FORMAT, id);
  fd_json_writer_member (w, "id");
  fd_json_writer_string (w, text);
}

static void
add_name (FdJsonWriter *w,
          FdRole        role,
          const char   *name)
{
  const FdFieldRule *rule = fd_policy_rule (role, FD_FIELD_NAME);
  g_autofree char *masked = NULL;

  if (rule->show == FD_SHOW_PARTIAL)
    masked = fd_mask_name_surname (name);
  else if (rule->show == FD_SHOW_MASKED)
    masked = fd_mask_name (name);
  add_masked (w, "name", rule, name, masked);
}

static void
add_room (FdJsonWriter *w,
          FdRole        role,
          const char   *room)
{
  const FdFieldRule *rule = fd_policy_rule (role, FD_FIELD_ROOM);
  g_autofree char *masked = NULL;

  if (rule->show != FD_SHOW_CLEAR)
    masked = fd_mask_room_building (room);
  add_masked (w, "room", rule, room, masked);
}

/* "payments" as the role sees it: PARTIAL = status only, CLEAR = status,
 * the masked account, balance and last payment. */
static void
add_payments (FdJsonWriter           *w,
              FdRole                  role,
              const FdResidentRecord *r)
{
  const FdFieldRule *rule = fd_policy_rule (role, FD_FIELD_PAYMENTS);

  if (rule->show == FD_SHOW_ABSENT)
    return;
  fd_json_writer_member (w, "payments");
  fd_json_writer_begin_object (w);
  fd_json_writer_member (w, "status");
  fd_json_writer_string (w, r->overdue ? "overdue" : "paid");
  if (rule->show == FD_SHOW_CLEAR)
    {
      fd_json_writer_field (w, "account", r->account_masked, TRUE, FALSE);
      fd_json_writer_member (w, "balance_cents");
      fd_json_writer_int (w, r->balance_cents);
      if (r->last_paid_at != NULL)
        {
          fd_json_writer_member (w, "last_paid_at");
          fd_json_writer_string (w, r->last_paid_at);
        }
    }
  fd_json_writer_end_object (w);
}

void
fd_policy_write_payment (FdJsonWriter           *w,
                         FdRole                  role,
                         const FdResidentRecord *r)
{
  fd_json_writer_begin_object (w);
  add_id (w, r->id);
  add_name (w, role, r->name);
  add_room (w, role, r->room);
  add_payments (w, role, r);
  fd_json_writer_end_object (w);
}

void
fd_policy_write_resident (FdJsonWriter           *w,
                          FdRole                  role,
                          const FdResidentRecord *r,
                          gboolean                detail)
{
  const FdFieldRule *rule;

  fd_json_writer_begin_object (w);
  add_id (w, r->id);
  add_name (w, role, r->name);
  add_room (w, role, r->room);

  /* Masked forms come from the store: the clear value is sealed there. */
  rule = fd_policy_rule (role, FD_FIELD_PHONE);
  if (rule->show != FD_SHOW_CLEAR)
    add_masked (w, "phone", rule, NULL, r->phone_masked);

  add_plates (w, fd_policy_rule (role, FD_FIELD_PLATES), (const char * const *) r->plates,
              (const char * const *) r->plates_masked);

  if (detail)
    {
      rule = fd_policy_rule (role, FD_FIELD_ID_NUMBER);
      if (rule->show != FD_SHOW_CLEAR)
        add_masked (w, "id_number", rule, NULL, r->id_masked);

      rule = fd_policy_rule (role, FD_FIELD_HOME_ADDRESS);
      if (rule->show != FD_SHOW_CLEAR)
        add_masked (w, "home_address", rule, NULL, r->address_masked);

      add_payments (w, role, r);
    }
  fd_json_writer_end_object (w);
}

void
fd_policy_write_visitor (FdJsonWriter          *w,
                         FdRole                 role,
                         const FdVisitorRecord *v)
{
  const FdFieldRule *rule;
  g_autofree char *arrived = fd_time_format_rfc3339 (v->arrived_at);

  fd_json_writer_begin_object (w);
  add_id (w, v->id);
  add_name (w, role, v->name);

  /* A visitor's values are never revealable: the reveal call is for residents. */
  rule = fd_policy_rule (role, FD_FIELD_PHONE);
  if (rule->show != FD_SHOW_ABSENT)
    fd_json_writer_field (w, "phone", v->phone_masked, TRUE, FALSE);

  rule = fd_policy_rule (role, FD_FIELD_ID_NUMBER);
  if (rule->show != FD_SHOW_ABSENT)
    fd_json_writer_field (w, "id_number", v->id_masked, TRUE, FALSE);

  add_room (w, role, v->room);

  fd_json_writer_member (w, "purpose");
  fd_json_writer_string (w, v->purpose);

  rule = fd_policy_rule (role, FD_FIELD_PLATES);
  if (rule->show != FD_SHOW_ABSENT && v->plate != NULL)
    {
      g_autofree char *masked = rule->show == FD_SHOW_CLEAR ? NULL : fd_mask_plate (v->plate);
      fd_json_writer_field (w, "plate", masked ? masked : v->plate, masked != NULL, FALSE);
    }

  fd_json_writer_member (w, "arrived_at");
  fd_json_writer_string (w, arrived);
  fd_json_writer_member (w, "left_at");
  if (v->left_at > 0)
    {
      g_autofree char *left = fd_time_format_rfc3339 (v->left_at);
      fd_json_writer_string (w, left);
    }
  else
    fd_json_writer_null (w);
  fd_json_writer_member (w, "registered_by");
  fd_json_writer_string (w, v->registered_by ? v->registered_by : "");
  fd_json_writer_end_object (w);
}

/* issue 14: the audit log names the resident of an entry as the reader's
 * role sees them, and never in the clear: a masked name (the surname for a
 * role that sees only that) and the room as the role sees it; NULL when
 * the role sees neither. */
char *
fd_policy_resident_label (FdRole                  role,
                          const FdResidentRecord *r)
{
  FdShow name_show = fd_policy_rule (role, FD_FIELD_NAME)->show;
  FdShow room_show = fd_policy_rule (role, FD_FIELD_ROOM)->show;
  g_autofree char *name = NULL;
  g_autofree char *room = NULL;

  if (name_show == FD_SHOW_PARTIAL)
    name = fd_mask_name_surname (r->name);
  else if (name_show != FD_SHOW_ABSENT)
    name = fd_mask_name (r->name);
  if (room_show == FD_SHOW_CLEAR)
    room = g_strdup (r->room);
  else if (room_show != FD_SHOW_ABSENT)
    room = fd_mask_room_building (r->room);

  if (name != NULL && room != NULL)
    return g_strdup_printf ("%s · %s", name, room);
  return name != NULL ? g_steal_pointer (&name) : g_steal_pointer (&room);
}
