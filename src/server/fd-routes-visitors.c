/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Routes: the visitor log, registration, check-out and export. */

#include "config.h"

#include <string.h>

#include "fd-field.h"
#include "fd-mask.h"
#include "fd-server-private.h"
#include "fd-validate.h"

/* Visitors: today's log, registration with validation, check-out, and the
 * manager's masked CSV export. */

/* [from, to) of the local day @date ("YYYY-MM-DD"), or today. */
static gboolean
day_bounds (const char *date,
            gint64     *from,
            gint64     *to)
{
  g_autoptr(GDateTime) start = NULL;
  g_autoptr(GDateTime) end = NULL;
  g_autoptr(GTimeZone) tz = g_time_zone_new_local ();
  gint y = 0, m = 0, d = 0;

  if (date == NULL)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now (tz);
      g_date_time_get_ymd (now, &y, &m, &d);
    }
  else
    {
      if (strlen (date) != 10 || date[4] != '-' || date[7] != '-' ||
          strspn (date, "0123456789-") != 10)
        return FALSE;
      y = atoi (date);
      m = atoi (date + 5);
      d = atoi (date + 8);
      if (!g_date_valid_dmy (d, m, y))
        return FALSE;
    }
  start = g_date_time_new (tz, y, m, d, 0, 0, 0);
  if (start == NULL)
    return FALSE;
  end = g_date_time_add_days (start, 1);
  *from = g_date_time_to_unix (start) * G_USEC_PER_SEC;
  *to = g_date_time_to_unix (end) * G_USEC_PER_SEC;
  return TRUE;
}

static void
reply_visitor (FdRequest             *req,
               guint                  status,
               const FdVisitorRecord *v)
{
  g_auto(FdJsonWriter) w = { 0 };

  fd_json_writer_init (&w, 512);
  fd_policy_write_visitor (&w, req->role, v);
  fd_reply_writer (req, status, &w);
}

static gboolean
visitor_matches (const FdVisitorRecord *v,
                 const char            *q)
{
  if (q == NULL || *q == '\0')
    return TRUE;
  if (strstr (v->name, q) != NULL)
    return TRUE;
  return g_str_has_prefix (v->room, q) && (v->room[strlen (q)] == '\0' || v->room[strlen (q)] == '-');
}

void
fd_routes_visitors_list (FdRequest *req)
{
  FdServer *server = req->server;
  g_auto(FdJsonWriter) w = { 0 };
  g_autofree char *q = NULL;
  g_autofree char *context = NULL;
  const char *cursor;
  gint64 from, to, after = 0, last = 0;
  gboolean more = FALSE;
  guint limit, n = 0;

  if (!fd_require_role (req, "search", FD_ROLE_RECEPTION, FD_ROLE_MANAGER, FD_ROLE_PATROL,
                        FD_N_ROLES) ||
      !fd_query_limit (req, 50, &limit))
    return;
  if (!day_bounds (fd_query_get (req, "date"), &from, &to))
    {
      fd_reply_error (req, FD_ERROR_BAD_REQUEST, "date must be YYYY-MM-DD", "date");
      return;
    }
  q = fd_input_normalize (fd_query_get (req, "q") ? fd_query_get (req, "q") : "", FALSE);
  if (q == NULL || g_utf8_strlen (q, -1) > 64)
    {
      fd_reply_error (req, FD_ERROR_BAD_REQUEST, "The search text is too long or not valid text", "q");
      return;
    }
  /* Patrol sees surnames only: it may not search visitors by name. */
  if (req->role == FD_ROLE_PATROL && *q != '\0')
    {
      if (fd_audit (req, "search", "visitors", NULL, NULL, NULL, FALSE))
        fd_reply_error (req, FD_ERROR_FORBIDDEN, "Your role cannot search visitors", "q");
      return;
    }
  context = g_strdup_printf ("visitors\x1f%s\x1f%" G_GINT64_FORMAT "\x1f%s",
                             fd_role_to_string (req->role), from, q);
  cursor = fd_query_get (req, "cursor");
  if (cursor != NULL && !fd_cursor_decode (server, context, cursor, &after))
    {
      fd_reply_error (req, FD_ERROR_BAD_REQUEST, "The cursor is not valid for this query", "cursor");
      return;
    }
  if (!fd_audit (req, "search", "visitors", NULL, NULL, NULL, TRUE))
    return;

  fd_json_writer_init (&w, 4096);
  fd_json_writer_begin_object (&w);
  fd_json_writer_member (&w, "items");
  fd_json_writer_begin_array (&w);
  /* A day's log is small: page through it in the store, filter here. */
  while (!more)
    {
      g_autoptr(GPtrArray) batch = FD_STORE_CALL (server->store, visitor_list, from, to, after, 200);

      if (batch->len == 0)
        break;
      for (guint i = 0; i < batch->len; i++)
        {
          FdVisitorRecord *v = g_ptr_array_index (batch, i);

          after = v->id;
          /* another estate's visitor is not in this log (issue 11) */
          if (!fd_request_sees_estate (req, v->estate_id) || !visitor_matches (v, q))
            continue;
          if (n == limit)
            {
              more = TRUE;
              break;
            }
          fd_policy_write_visitor (&w, req->role, v);
          last = v->id;
          n++;
        }
    }
  fd_json_writer_end_array (&w);
  fd_json_writer_member (&w, "next_cursor");
  if (more)
    {
      g_autofree char *next = fd_cursor_encode (server, context, last);
      fd_json_writer_string (&w, next);
    }
  else
    fd_json_writer_null (&w);
  fd_json_writer_end_object (&w);
  fd_reply_writer (req, 200, &w);
}

/* Normalises and validates one member; on failure replies 400 naming it. */
static gboolean
take_valid (FdRequest   *req,
            const char  *member,
            gboolean     required,
            gboolean     upper,
            gboolean   (*validate) (const char *, GError **),
            char       **out)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *value = NULL;
  const char *raw;

  *out = NULL;
  if (!fd_body_string (req, member, required, 64, &raw))
    return FALSE;
  if (raw == NULL || (!required && *raw == '\0'))
    return TRUE;
  value = fd_input_normalize (raw, upper);
  if (value == NULL || !validate (value, &error))
    {
      fd_reply_error (req, FD_ERROR_BAD_REQUEST,
                      error ? error->message : "This member is not valid text", member);
      return FALSE;
    }
  *out = g_steal_pointer (&value);
  return TRUE;
}

void
fd_routes_visitors_create (FdRequest *req)
{
  FdServer *server = req->server;
  g_autoptr(GError) error = NULL;
  g_autoptr(FdVisitorRecord) v = NULL;
  g_autofree char *name = NULL, *phone = NULL, *id_number = NULL, *room = NULL, *plate = NULL;
  g_autofree char *purpose = NULL;
  g_autofree char *target = NULL;
  const char *raw_purpose;
  gint64 id;

  if (!fd_require_role (req, "visitor-create", FD_ROLE_RECEPTION, FD_ROLE_MANAGER, FD_N_ROLES))
    return;
  if (req->body == NULL)
    {
      fd_reply_error (req, FD_ERROR_BAD_REQUEST, "A JSON object is required", NULL);
      return;
    }
  if (!take_valid (req, "name", TRUE, FALSE, fd_validate_name, &name) ||
      !take_valid (req, "phone", TRUE, FALSE, fd_validate_mobile, &phone) ||
      !take_valid (req, "id_number", FALSE, TRUE, fd_validate_id_number, &id_number) ||
      !take_valid (req, "room", TRUE, FALSE, fd_validate_room, &room) ||
      !take_valid (req, "plate", FALSE, TRUE, fd_validate_plate, &plate) ||
      !fd_body_string (req, "purpose", TRUE, 100, &raw_purpose))
    goto out;

  purpose = g_strstrip (g_strdup (raw_purpose));
  if (*purpose == '\0')
    {
      fd_reply_error (req, FD_ERROR_BAD_REQUEST, "Say what the visit is for", "purpose");
      goto out;
    }
  for (const char *p = purpose; *p; p = g_utf8_next_char (p))
    if (!g_unichar_isprint (g_utf8_get_char (p)))
      {
        fd_reply_error (req, FD_ERROR_BAD_REQUEST, "The purpose has control characters", "purpose");
        goto out;
      }
  if (!FD_STORE_CALL (server->store, room_exists, room))
    {
      fd_reply_error (req, FD_ERROR_BAD_REQUEST, "No such room on this estate", "room");
      goto out;
    }

  /* The visitor and its visitor-create entry commit together. */
  if (!fd_begin_writes (req))
    goto out;
  id = FD_STORE_CALL (server->store, visitor_insert, name, phone, id_number, room, purpose, plate,
                      fd_now (), req->user->username, &error);
  if (id == 0)
    {
      fd_reply_gerror (req, error);
      goto out;
    }
  target = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  if (!fd_audit (req, "visitor-create", target, NULL, NULL, NULL, TRUE))
    goto out;

  v = FD_STORE_CALL (server->store, visitor_get, id);
  reply_visitor (req, 201, v);

out:
  fd_body_wipe_member (req, "phone");
  fd_body_wipe_member (req, "id_number");
  if (phone)
    explicit_bzero (phone, strlen (phone));
  if (id_number)
    explicit_bzero (id_number, strlen (id_number));
}

void
fd_routes_visitors_checkout (FdRequest *req)
{
  FdServer *server = req->server;
  g_autoptr(FdVisitorRecord) v = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;

  if (!fd_require_role (req, "visitor-checkout", FD_ROLE_RECEPTION, FD_ROLE_MANAGER, FD_N_ROLES))
    return;
  if (fd_parse_id (req->segments[1], &id))
    v = FD_STORE_CALL (server->store, visitor_get, id);
  /* another estate's visitor is one that does not exist (issue 11) */
  if (v != NULL && !fd_request_sees_estate (req, v->estate_id))
    g_clear_pointer (&v, fd_visitor_record_free);
  if (v == NULL)
    {
      if (fd_audit (req, "visitor-checkout", fd_parse_id (req->segments[1], &id) ? req->segments[1] : NULL,
                    NULL, NULL, NULL, FALSE))
        fd_reply_error (req, FD_ERROR_NOT_FOUND, "No such visitor", NULL);
      return;
    }
  if (v->left_at == 0)
    {
      if (!fd_begin_writes (req))
        return;
      if (!FD_STORE_CALL (server->store, visitor_checkout, id, fd_now (), &error))
        {
          fd_reply_gerror (req, error);
          return;
        }
      if (!fd_audit (req, "visitor-checkout", req->segments[1], NULL, NULL, NULL, TRUE))
        return;
      fd_visitor_record_free (g_steal_pointer (&v));
      v = FD_STORE_CALL (server->store, visitor_get, id);
    }
  reply_visitor (req, 200, v);
}

static void
csv_field (GString    *out,
           const char *value)
{
  /* Quote every field; neutralise spreadsheet formulas. */
  g_string_append_c (out, '"');
  if (value != NULL && strchr ("=+-@\t\r", value[0]) != NULL && value[0] != '\0')
    g_string_append_c (out, '\'');
  for (const char *p = value ? value : ""; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

void
fd_routes_visitors_export (FdRequest *req)
{
  FdServer *server = req->server;
  g_autoptr(GString) csv = g_string_new ("\xEF\xBB\xBF\"id\",\"name\",\"phone\",\"id_number\",\"room\","
                                         "\"purpose\",\"plate\",\"arrived_at\",\"left_at\"\r\n");
  const char *date = fd_query_get (req, "date");
  g_autoptr(GArray) exported = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 from, to, after = 0;
  SoupMessageHeaders *headers;
  gsize len;

  if (!fd_require_role (req, "export", FD_ROLE_MANAGER, FD_N_ROLES))
    return;
  if (!day_bounds (date, &from, &to))
    {
      fd_reply_error (req, FD_ERROR_BAD_REQUEST, "date must be YYYY-MM-DD", "date");
      return;
    }
  if (fd_incident_frozen (server))
    {
      if (fd_audit (req, "export", "visitors", NULL, NULL, NULL, FALSE))
        fd_reply_frozen (req);
      return;
    }

  /* Masked values only, whatever the role could see on screen. */
  for (;;)
    {
      g_autoptr(GPtrArray) batch = FD_STORE_CALL (server->store, visitor_list, from, to, after, 200);

      if (batch->len == 0)
        break;
      for (guint i = 0; i < batch->len; i++)
        {
          FdVisitorRecord *v = g_ptr_array_index (batch, i);
          g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, v->id);
          g_autofree char *name = fd_mask_name (v->name);
          g_autofree char *plate = v->plate ? fd_mask_plate (v->plate) : NULL;
          g_autofree char *arrived = fd_time_format_rfc3339 (v->arrived_at);
          g_autofree char *left = v->left_at ? fd_time_format_rfc3339 (v->left_at) : NULL;

          after = v->id;
          if (!fd_request_sees_estate (req, v->estate_id))
            continue;   /* issue 11 */
          g_array_append_val (exported, v->id);
          csv_field (csv, id), g_string_append_c (csv, ',');
          csv_field (csv, name), g_string_append_c (csv, ',');
          csv_field (csv, v->phone_masked), g_string_append_c (csv, ',');
          csv_field (csv, v->id_masked), g_string_append_c (csv, ',');
          csv_field (csv, v->room), g_string_append_c (csv, ',');
          csv_field (csv, v->purpose), g_string_append_c (csv, ',');
          csv_field (csv, plate), g_string_append_c (csv, ',');
          csv_field (csv, arrived), g_string_append_c (csv, ',');
          csv_field (csv, left);
          g_string_append (csv, "\r\n");
        }
    }
  /* the visitors exported, by id, for an incident's radius */
  if (!fd_audit_subjects (req, "export", "visitors", date ? date : "today", FD_RADIUS_VISITOR,
                          (const gint64 *) exported->data, exported->len))
    return;

  headers = soup_server_message_get_response_headers (req->msg);
  soup_message_headers_replace (headers, "Content-Disposition",
                                "attachment; filename=\"visitors.csv\"");
  len = csv->len;
  fd_reply_data (req, 200, "text/csv; charset=utf-8", g_string_free (g_steal_pointer (&csv), FALSE), len);
}

/* The same quoting for the other CSV exports (the access review, issue 12). */
void
fd_csv_field (GString    *out,
              const char *value)
{
  csv_field (out, value);
}
