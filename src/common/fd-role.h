/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The contract's roles and resident fields, with their wire names. */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The contract's roles and resident fields, with their wire names. Which
 * role sees which field stays on the server (fd-policy.c): the server
 * decides, the client renders. */

typedef enum
{
  FD_ROLE_RECEPTION,
  FD_ROLE_PATROL,
  FD_ROLE_FINANCE,
  FD_ROLE_MANAGER,
  FD_ROLE_AUDITOR,
  FD_ROLE_ADMIN,
  FD_N_ROLES,
  FD_ROLE_INVALID = -1,
} FdRole;

typedef enum
{
  FD_FIELD_NAME,
  FD_FIELD_PHONE,
  FD_FIELD_ID_NUMBER,
  FD_FIELD_ROOM,
  FD_FIELD_HOME_ADDRESS,
  FD_FIELD_PLATES,
  FD_FIELD_PAYMENTS,
  FD_N_FIELDS,
} FdField;

/* "reception", … → role; FD_ROLE_INVALID if unknown or NULL. */
FdRole       fd_role_from_string  (const char *role);
/* The wire name, or "invalid". */
const char  *fd_role_to_string    (FdRole      role);
/* "phone", "id_number", "home_address", "plates", … → field; FALSE if unknown. */
gboolean     fd_field_from_string (const char *name,
                                   FdField    *field);
/* The wire name, or NULL for a value out of range. */
const char  *fd_field_to_string   (FdField     field);

G_END_DECLS
