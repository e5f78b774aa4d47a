/* fd-role.c: the contract's role and field names
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fd-role.h"

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

const char *
fd_field_to_string (FdField field)
{
  return field < FD_N_FIELDS ? field_names[field] : NULL;
}
