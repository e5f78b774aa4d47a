/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Route: an incident's blast radius (GET /api/v1/incidents/radius). */

#include "config.h"

#include <string.h>

#include "fd-radius.h"
#include "fd-routes-rules.h"

/* Issue 12. Which residents (and visitors) one account viewed, listed,
 * revealed, verified or exported in a window, with a zh_CN notice draft.
 * A quarter of audit log is read on a worker thread, on a connection of
 * the store's own (incident_radius), never on the main context. */

#define MAX_WINDOW_DAYS 366
#define MAX_CAUSE_CHARS 500

typedef struct
{
  FdStore      *store;
  gint64        actor_id;
  char         *from;
  char         *to;
  FdRadiusData  data;
  GError       *error;
} RadiusJob;

static void
radius_job_free (gpointer data)
{
  RadiusJob *job = data;

  g_free (job->from);
  g_free (job->to);
  fd_radius_data_clear (&job->data);
  g_clear_error (&job->error);
  g_free (job);
}

static gpointer
radius_work (gpointer data)
{
  RadiusJob *job = data;

  if (!FD_STORE_CALL (job->store, incident_radius, job->actor_id, job->from, job->to, &job->data,
                      &job->error))
    fd_radius_data_clear (&job->data);
  return job;
}

/* An RFC 3339 query member, required, as the log writes times. */
static gboolean
query_time (FdRequest   *req,
            const char  *member,
            gint64      *usec,
            char       **out)
{
  const char *text = fd_query_get (req, member);
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) t = NULL;

  if (text != NULL && strlen (text) <= 64)
    t = g_date_time_new_from_iso8601 (text, utc);
  if (t == NULL)
    {
      fd_reply_error (req, FD_ERROR_BAD_REQUEST, "from and to are RFC 3339, e.g. 2026-10-01T00:00:00+08:00",
                      member);
      return FALSE;
    }
  *usec = g_date_time_to_unix (t) * G_USEC_PER_SEC;
  *out = fd_time_format_rfc3339 (*usec);
  return TRUE;
}

/* The manager's own words for the notice: printable text and line breaks. */
static gboolean
query_cause (FdRequest   *req,
             const char **out)
{
  const char *cause = fd_query_get (req, "cause");

  *out = NULL;
  if (cause == NULL || *cause == '\0')
    return TRUE;
  if (g_utf8_strlen (cause, -1) > MAX_CAUSE_CHARS)
    {
      fd_reply_error (req, FD_ERROR_BAD_REQUEST, "The cause is at most 500 characters", "cause");
      return FALSE;
    }
  for (const char *p = cause; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (c != '\n' && !g_unichar_isprint (c))
        {
          fd_reply_error (req, FD_ERROR_BAD_REQUEST, "The cause has control characters", "cause");
          return FALSE;
        }
    }
  *out = cause;
  return TRUE;
}

static void
radius_done (FdRequest *req,
             gpointer   result)
{
  FdServer *server = req->server;
  RadiusJob *job = result;
  const char *username = fd_query_get (req, "user");
  const char *cause = NULL;
  gboolean csv = g_strcmp0 (fd_query_get (req, "format"), "csv") == 0;
  g_autoptr(FdUserRecord) actor = NULL;
  g_autoptr(FdRadius) radius = NULL;
  g_autofree char *notice = NULL;
  FdRadiusNoticeInput input = { 0 };

  if (job->error != NULL)
    {
      g_warning ("Incident radius failed: %s", job->error->message);
      fd_reply_error (req, FD_ERROR_UNAVAILABLE, "The audit log could not be read; try again", NULL);
      return;
    }
  query_cause (req, &cause);
  radius = fd_radius_build (username, job->from, job->to, &job->data);

  if (csv)
    {
      g_autoptr(GArray) ids = fd_radius_resident_ids (radius);
      SoupMessageHeaders *headers;
      char *data;
      gsize len;

      if (fd_incident_frozen (server))
        {
          if (fd_audit (req, "export", "incident-radius", NULL, NULL, username, FALSE))
            fd_reply_frozen (req);
          return;
        }
      /* a masked file of residents leaves the server: an audited export */
      if (!fd_audit_subjects (req, "export", "incident-radius", username, FD_RADIUS_RESIDENT,
                              (const gint64 *) ids->data, ids->len))
        return;
      data = fd_radius_format_csv (radius, req->role, &len);
      headers = soup_server_message_get_response_headers (req->msg);
      soup_message_headers_replace (headers, "Content-Disposition",
                                    "attachment; filename=\"incident-radius.csv\"");
      fd_reply_data (req, 200, "text/csv; charset=utf-8", data, len);
      return;
    }

  actor = FD_STORE_CALL (server->store, user_by_id, job->actor_id);
  input.cause = cause;
  input.office_contact = server->config->office_contact;
  input.account_stopped = actor != NULL &&
                          (actor->disabled || actor->locked_until == -1 || actor->locked_until > fd_now ());
  input.frozen = fd_incident_frozen (server);
  notice = fd_radius_notice (radius, &input);

  if (!fd_audit (req, "incident-radius", username, NULL, NULL, job->from, TRUE))
    return;
  {
    g_auto(FdJsonWriter) w = { 0 };

    fd_json_writer_init (&w, 256 * (radius->residents->len + radius->visitors->len) + 4096);
    fd_radius_write_json (&w, radius, req->role, TRUE, notice);
    fd_reply_writer (req, 200, &w);
  }
}

void
fd_routes_incident_radius (FdRequest *req)
{
  FdStore *store = req->server->store;
  g_autoptr(FdUserRecord) actor = NULL;
  g_autofree char *from = NULL, *to = NULL;
  const char *username, *cause, *format;
  gint64 from_usec, to_usec;
  RadiusJob *job;

  if (!fd_require_role (req, "incident-radius", FD_ROLE_MANAGER, FD_ROLE_AUDITOR, FD_N_ROLES))
    return;
  username = fd_query_get (req, "user");
  if (username == NULL || !fd_username_valid (username))
    {
      fd_reply_error (req, FD_ERROR_BAD_REQUEST, "user is the account's username", "user");
      return;
    }
  if (!query_time (req, "from", &from_usec, &from) || !query_time (req, "to", &to_usec, &to) ||
      !query_cause (req, &cause))
    return;
  if (to_usec <= from_usec || to_usec - from_usec > (gint64) MAX_WINDOW_DAYS * 86400 * G_USEC_PER_SEC)
    {
      fd_reply_error (req, FD_ERROR_BAD_REQUEST, "to must be after from, at most 366 days later", "to");
      return;
    }
  format = fd_query_get (req, "format");
  if (format != NULL && !g_str_equal (format, "json") && !g_str_equal (format, "csv"))
    {
      fd_reply_error (req, FD_ERROR_BAD_REQUEST, "format is json or csv", "format");
      return;
    }
  if (store->backend->incident_radius == NULL)
    {
      fd_reply_error (req, FD_ERROR_UNAVAILABLE, "This storage engine cannot answer it yet", NULL);
      return;
    }
  actor = FD_STORE_CALL (store, user_by_name, username);
  if (actor == NULL)
    {
      if (fd_audit (req, "incident-radius", username, NULL, NULL, NULL, FALSE))
        fd_reply_error (req, FD_ERROR_NOT_FOUND, "No such account", "user");
      return;
    }

  job = g_new0 (RadiusJob, 1);
  job->store = store;
  job->data.scope = req->estate_id;
  job->actor_id = actor->id;
  job->from = g_steal_pointer (&from);
  job->to = g_steal_pointer (&to);
  fd_request_run_in_thread (req, radius_work, job, radius_job_free, radius_done);
}
