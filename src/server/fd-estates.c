/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Estates: code rules and the estates a role may hold (issue 11). */

#include "config.h"

#include <string.h>

#include "fd-error.h"
#include "fd-estates.h"

gboolean
fd_estate_code_valid (const char *code)
{
  gsize len = code ? strlen (code) : 0;

  return len >= 1 && len <= 32 && strspn (code, "abcdefghijklmnopqrstuvwxyz0123456789-") == len;
}

FdEstateRecord *
fd_estate_find_id (GPtrArray *estates,
                   gint64     id)
{
  for (guint i = 0; i < estates->len; i++)
    if (((FdEstateRecord *) estates->pdata[i])->id == id)
      return estates->pdata[i];
  return NULL;
}

FdEstateRecord *
fd_estate_find_code (GPtrArray  *estates,
                     const char *code)
{
  for (guint i = 0; i < estates->len; i++)
    if (g_strcmp0 (((FdEstateRecord *) estates->pdata[i])->code, code) == 0)
      return estates->pdata[i];
  return NULL;
}

gboolean
fd_role_company_wide_ok (const char *role)
{
  return g_strcmp0 (role, "auditor") == 0 || g_strcmp0 (role, "admin") == 0;
}

GArray *
fd_estates_for_role (FdStore            *store,
                     const char         *role,
                     const char * const *codes,
                     GError            **error)
{
  g_autoptr(GPtrArray) estates = FD_STORE_CALL0 (store, estate_list);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  gboolean one_only = g_strcmp0 (role, "reception") == 0 || g_strcmp0 (role, "patrol") == 0 ||
                      g_strcmp0 (role, "finance") == 0;
  guint n = codes ? g_strv_length ((char **) codes) : 0;

  if (codes == NULL)
    {
      if (fd_role_company_wide_ok (role))
        return g_steal_pointer (&ids);
      if (estates->len == 1)
        {
          g_array_append_val (ids, ((FdEstateRecord *) estates->pdata[0])->id);
          return g_steal_pointer (&ids);
        }
      g_set_error (error, FD_ERROR, FD_ERROR_BAD_REQUEST,
                   "This office has %u estates: name the account's estate (--estate CODE)",
                   estates->len);
      return NULL;
    }
  for (guint i = 0; i < n; i++)
    {
      FdEstateRecord *e;

      if (!fd_estate_code_valid (codes[i]))
        {
          g_set_error (error, FD_ERROR, FD_ERROR_BAD_REQUEST,
                       "An estate code is 1-32 lower-case letters, digits or '-'");
          return NULL;
        }
      e = fd_estate_find_code (estates, codes[i]);
      if (e == NULL)
        {
          g_set_error (error, FD_ERROR, FD_ERROR_BAD_REQUEST,
                       "No estate with the code %s (see: frontdesk-server estate list)", codes[i]);
          return NULL;
        }
      for (guint j = 0; j < ids->len; j++)
        if (g_array_index (ids, gint64, j) == e->id)
          {
            g_set_error (error, FD_ERROR, FD_ERROR_BAD_REQUEST, "The estate %s is named twice",
                         codes[i]);
            return NULL;
          }
      g_array_append_val (ids, e->id);
    }
  if (one_only && ids->len != 1)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_BAD_REQUEST,
                   "A %s account belongs to exactly one estate", role);
      return NULL;
    }
  if (g_strcmp0 (role, "manager") == 0 && ids->len == 0)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_BAD_REQUEST,
                   "A manager account belongs to one estate or more");
      return NULL;
    }
  return g_steal_pointer (&ids);
}

gint64
fd_estates_only (FdStore *store)
{
  g_autoptr(GPtrArray) estates = FD_STORE_CALL0 (store, estate_list);

  return estates->len == 1 ? ((FdEstateRecord *) estates->pdata[0])->id : FD_ESTATE_ALL;
}

char **
fd_estate_codes (GPtrArray    *estates,
                 const GArray *ids)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  char **codes;

  for (guint i = 0; i < ids->len; i++)
    {
      FdEstateRecord *e = fd_estate_find_id (estates, g_array_index (ids, gint64, i));
      if (e != NULL)
        g_strv_builder_add (builder, e->code);
    }
  codes = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return codes;
}
