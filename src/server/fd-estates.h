/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "fd-store.h"

G_BEGIN_DECLS

/* Estates (issue 11): the rules shared by the command line, the demo
 * seed and the admin /users endpoints. */

/* Codes are 1-32 of [a-z0-9-]. */
gboolean        fd_estate_code_valid     (const char *code);
/* In @estates (FdEstateRecord*): the one of @id or of @code, or NULL. */
FdEstateRecord *fd_estate_find_id        (GPtrArray  *estates,
                                          gint64      id);
FdEstateRecord *fd_estate_find_code      (GPtrArray  *estates,
                                          const char *code);
/* The estate ids an account of @role is granted when @codes are named
 * (NULL: none named). reception, patrol and finance hold exactly one;
 * manager one or more; auditor and admin none (company-wide) or some.
 * Named none: the office's only estate for the four estate roles, else
 * an error. Errors (FD_ERROR_BAD_REQUEST) say what to change. */
GArray         *fd_estates_for_role      (FdStore            *store,
                                          const char         *role,
                                          const char * const *codes,
                                          GError            **error);
/* The estate a company-wide role may go without. */
gboolean        fd_role_company_wide_ok  (const char *role);
/* The office's estate when it has one only, else FD_ESTATE_ALL: what a
 * company-wide session or the command line writes in a one-estate office,
 * so that its entries stay in that estate's audit log. */
gint64          fd_estates_only          (FdStore    *store);
/* The codes of @ids, in order, NULL-terminated. */
char          **fd_estate_codes          (GPtrArray    *estates,
                                          const GArray *ids);

G_END_DECLS
