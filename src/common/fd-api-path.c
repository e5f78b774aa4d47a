/* fd-api-path.c: the request paths of the contract
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fd-api-path.h"

#include <stdio.h>
#include <string.h>

#include "fd-field.h"

void
fd_audit_query_free (FdAuditQuery *query)
{
  if (query == NULL)
    return;
  g_free (query->actor);
  g_free (query->action);
  g_free (query->since);
  g_free (query->until);
  g_free (query);
}

/* Appends "name=value" with the right separator; skips NULL and "". */
static void
add_param (GString    *path,
           const char *name,
           const char *value)
{
  g_autofree char *escaped = NULL;

  if (value == NULL || *value == '\0')
    return;

  escaped = g_uri_escape_string (value, NULL, FALSE);
  g_string_append_c (path, strchr (path->str, '?') != NULL ? '&' : '?');
  g_string_append_printf (path, "%s=%s", name, escaped);
}

static void
add_limit (GString *path,
           guint    limit)
{
  char text[16];

  if (limit == 0)
    return;
  g_snprintf (text, sizeof text, "%u", limit);
  add_param (path, "limit", text);
}

/* A path may carry a search text (a name): wipe the builder's copy. */
static char *
finish (GString *path)
{
  char *result = g_strndup (path->str, path->len);

  fd_secret_free (g_string_free (path, FALSE));
  return result;
}

static char *
with_id (const char *base,
         const char *id,
         const char *tail)
{
  g_autofree char *escaped = g_uri_escape_string (id != NULL ? id : "", NULL, FALSE);

  return g_strconcat (base, "/", escaped, tail != NULL ? "/" : "", tail, NULL);
}

char *
fd_api_path_residents (const char *query,
                       guint       limit,
                       const char *cursor)
{
  GString *path = g_string_new ("/residents");

  add_param (path, "q", query);
  add_limit (path, limit);
  add_param (path, "cursor", cursor);
  return finish (path);
}

char *
fd_api_path_resident (const char *id,
                      const char *action)
{
  return with_id ("/residents", id, action);
}

char *
fd_api_path_rooms (const char *prefix,
                   guint       limit)
{
  GString *path = g_string_new ("/rooms");

  add_param (path, "q", prefix);
  add_limit (path, limit);
  return finish (path);
}

char *
fd_api_path_alert_deliveries (guint limit)
{
  GString *path = g_string_new ("/alerts/deliveries");

  add_limit (path, limit);
  return finish (path);
}

char *
fd_api_path_visitors (const char *date,
                      guint       limit,
                      const char *cursor)
{
  GString *path = g_string_new (FD_API_PATH_VISITORS);

  add_param (path, "date", date);
  add_limit (path, limit);
  add_param (path, "cursor", cursor);
  return finish (path);
}

char *
fd_api_path_visitor_checkout (const char *id)
{
  return with_id (FD_API_PATH_VISITORS, id, "checkout");
}

char *
fd_api_path_visitor_undo_checkout (const char *id)
{
  return with_id (FD_API_PATH_VISITORS, id, "undo-checkout");
}

char *
fd_api_path_visitors_export (const char *date)
{
  GString *path = g_string_new (FD_API_PATH_VISITORS "/export");

  add_param (path, "date", date);
  return finish (path);
}

char *
fd_api_path_audit (const FdAuditQuery *query,
                   guint               limit,
                   const char         *cursor)
{
  GString *path = g_string_new ("/audit");

  add_limit (path, limit);
  if (query != NULL)
    {
      add_param (path, "actor", query->actor);
      add_param (path, "action", query->action);
      add_param (path, "since", query->since);
      add_param (path, "until", query->until);
    }
  add_param (path, "cursor", cursor);
  return finish (path);
}

char *
fd_api_path_user (const char *id)
{
  return with_id (FD_API_PATH_USERS, id, NULL);
}

char *
fd_api_path_user_action (const char *id,
                         const char *action)
{
  return with_id (FD_API_PATH_USERS, id, action);
}

char *
fd_api_path_payments (gboolean    overdue_only,
                      const char *query,
                      guint       limit,
                      const char *cursor)
{
  GString *path = g_string_new ("/payments");

  add_param (path, "overdue", overdue_only ? "1" : NULL);
  add_param (path, "q", query);
  add_limit (path, limit);
  add_param (path, "cursor", cursor);
  return finish (path);
}

/* "YYYY-MM-DD" (local) → RFC 3339 UTC of that day's start (+@days). */
char *
fd_api_day_to_utc (const char *text,
                   int         days)
{
  g_autoptr(GTimeZone) local = g_time_zone_new_local ();
  g_autoptr(GDateTime) start = NULL;
  g_autoptr(GDateTime) shifted = NULL;
  g_autoptr(GDateTime) utc = NULL;
  int y, m, d;
  char tail;

  if (text == NULL || sscanf (text, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 ||
      strlen (text) != 10 || !g_date_valid_dmy (d, m, y))
    return NULL;

  start = g_date_time_new (local, y, m, d, 0, 0, 0);
  if (start == NULL)
    return NULL;
  shifted = g_date_time_add_days (start, days);
  utc = g_date_time_to_utc (shifted);
  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
}

/* issue 12 */
char *
fd_api_path_review (const char *id,
                    const char *action)
{
  return with_id (FD_API_PATH_REVIEWS, id, action);
}
