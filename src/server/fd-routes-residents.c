/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Routes: resident search, detail, reveal and verify. */

#include "config.h"

#include <string.h>

#include "fd-crypto.h"
#include "fd-field.h"
#include "fd-limits.h"
#include "fd-server-private.h"
#include "fd-validate.h"

/* Residents: search, detail, reveal, verify — and the anomaly rules that
 * watch them (off-hours bulk viewing, reveal bursts). */

#define OFF_HOURS_MAX_VIEWS 20
#define IN_HOURS_ALERT_VIEWS 60
#define OFF_HOURS_MAX_REVEALS 3
#define REVEALS_PER_HOUR 10
#define VERIFIES_PER_HOUR 30

static const char *reason_codes[] = {
  "verify-identity", "emergency-contact", "refund", "other", NULL
};

static char *
since_ago (gint64 usec)
{
  return fd_time_format_rfc3339 (fd_now () - usec);
}

/* Visible characters of @text (contract v1.1): white space of any script,
 * zero-width and other format characters and controls — Unicode
 * categories Z*, Cf and Cc — do not count, wherever they are. */
static glong
visible_length (const char *text)
{
  glong n = 0;

  for (const char *p = text; p != NULL && *p != '\0'; p = g_utf8_next_char (p))
    switch (g_unichar_type (g_utf8_get_char (p)))
      {
      case G_UNICODE_SPACE_SEPARATOR:
      case G_UNICODE_LINE_SEPARATOR:
      case G_UNICODE_PARAGRAPH_SEPARATOR:
      case G_UNICODE_FORMAT:
      case G_UNICODE_CONTROL:
        break;
      default:
        n++;
      }
  return n;
}

static void
search_scope_for_role (FdRole         role,
                       FdSearchScope *scope)
{
  const FdFieldRule *name = fd_policy_rule (role, FD_FIELD_NAME);
  const FdFieldRule *room = fd_policy_rule (role, FD_FIELD_ROOM);
  const FdFieldRule *phone = fd_policy_rule (role, FD_FIELD_PHONE);
  const FdFieldRule *plates = fd_policy_rule (role, FD_FIELD_PLATES);

  memset (scope, 0, sizeof *scope);
  scope->name_substring = name->show == FD_SHOW_CLEAR;
  scope->name_surname = name->show == FD_SHOW_PARTIAL;
  scope->pinyin = name->show == FD_SHOW_CLEAR;
  scope->room_segments = room->show == FD_SHOW_CLEAR ? 3 : room->show == FD_SHOW_PARTIAL ? 2 : 0;
  /* the mask shows the last four digits anyway */
  scope->last4 = phone->show != FD_SHOW_ABSENT;
  scope->plates = plates->show == FD_SHOW_CLEAR ? FD_SEARCH_PLATES_CLEAR :
                  plates->show == FD_SHOW_ABSENT ? FD_SEARCH_PLATES_NONE :
                  FD_SEARCH_PLATES_MASKED;
}

static gboolean
require_resident_role (FdRequest  *req,
                       const char *action)
{
  gint64 id;
  /* a refused look at one resident still names which one */
  const char *target = req->segments[1] != NULL && fd_parse_id (req->segments[1], &id) ?
                       req->segments[1] : NULL;

  if (fd_role_sees_residents (req->role))
    return TRUE;
  if (fd_audit (req, action, target, NULL, NULL, NULL, FALSE))
    fd_reply_error (req, FD_ERROR_FORBIDDEN, "Your role has no access to resident data", NULL);
  return FALSE;
}

/* A search on its way through the pool. */
typedef struct
{
  FdRequest *req;
  char      *context;
  guint      limit;
  FdRole     role;
  gint64     estate_id;   /* issue 11: the request's */
  char      *items;       /* the page's items as a JSON array, written on the worker */
  gsize      items_len;
  /* issue 11, session 5: the listed count, taken on the worker when the
   * engine can (listed_note_detached); store NULL: on the main context */
  FdStore   *store;
  gint64     user_id;
  gboolean   listed_taken;
  guint      listed;
  GError    *listed_error;
} ListJob;

static void
list_job_free (gpointer data)
{
  ListJob *job = data;

  fd_request_unref (job->req);
  g_clear_error (&job->listed_error);
  g_free (job->context);
  /* names and masked values: this copy goes once the answer has its own */
  if (job->items != NULL)
    explicit_bzero (job->items, job->items_len);
  g_free (job->items);
  g_free (job);
}

/* On the search worker: list items come from the index's summaries, as
 * the role may see them: no row reads, nothing to open. They are sent
 * only once the audit entry is written (residents_list_answer). */
static void
residents_list_render (GArray    *ids,
                       GPtrArray *summaries,
                       gpointer   data)
{
  ListJob *job = data;
  FdJsonWriter w;

  /* The first wall (issue 11): the index answered for the request's
   * estate; a row of another one would never be listed all the same. */
  for (guint i = summaries->len; i > 0; i--)
    if (job->estate_id != FD_ESTATE_ALL &&
        ((FdResidentRecord *) summaries->pdata[i - 1])->estate_id != job->estate_id)
      {
        g_ptr_array_remove_index (summaries, i - 1);
        g_array_remove_index (ids, i - 1);
      }
  /* The listing rule's count, taken here so that the main context does
   * not wait for it; the answer still waits for it (residents_list_answer). */
  if (job->store != NULL)
    job->listed_taken = fd_limits_take_listed_detached (job->store, job->user_id, ids, job->limit,
                                                        &job->listed, &job->listed_error) ||
                        job->listed_error != NULL;
  fd_json_writer_init (&w, 256 * MIN (summaries->len, job->limit) + 16);
  fd_json_writer_begin_array (&w);
  for (guint i = 0; i < MIN (summaries->len, job->limit); i++)
    fd_policy_write_resident (&w, job->role, summaries->pdata[i], FALSE);
  fd_json_writer_end_array (&w);
  job->items = fd_json_writer_steal (&w, &job->items_len);
}

/* fd_routes_residents_list, continued on the main context once a search
 * worker has the ids: the audit entry, then the answer. */
static void
residents_list_answer (ListJob *job,
                       GArray  *ids)
{
  FdRequest *req = job->req;
  FdServer *server = req->server;
  guint limit = job->limit;
  g_auto(FdJsonWriter) w = { 0 };

  /* The query text may be a name: it is not written to the audit log;
   * the residents listed are, by id, for an incident's radius. */
  if (!fd_audit_subjects (req, "search", NULL, NULL, FD_RADIUS_RESIDENT, (const gint64 *) ids->data,
                          MIN (limit, ids->len)))
    return;
  /* Rows listed count toward the bulk rules (fd-limits.h). */
  if (job->listed_taken ? !fd_limits_listed_taken (req, job->listed, job->listed_error)
                        : !fd_limits_note_listed (req, ids, limit))
    return;

  /* The items were written on the search worker (residents_list_render). */
  fd_json_writer_init (&w, job->items_len + 128);
  fd_json_writer_begin_object (&w);
  fd_json_writer_member (&w, "items");
  fd_json_writer_raw (&w, job->items, job->items_len);
  fd_json_writer_member (&w, "next_cursor");
  if (ids->len > limit)
    {
      g_autofree char *next = fd_cursor_encode (server, job->context,
                                                g_array_index (ids, gint64, limit - 1));
      fd_json_writer_string (&w, next);
    }
  else
    fd_json_writer_null (&w);
  fd_json_writer_end_object (&w);
  fd_reply_writer (req, 200, &w);
}

static void
residents_list_searched (GArray   *found,
                         gpointer  data)
{
  ListJob *job = data;
  g_autoptr(GArray) ids = found;

  fd_request_enter (job->req);
  residents_list_answer (job, ids);
  fd_request_leave (job->req);
  fd_request_resume (job->req);
}

void
fd_routes_residents_list (FdRequest *req)
{
  FdServer *server = req->server;
  g_autofree char *q = NULL;
  g_autofree char *context = NULL;
  FdSearchScope scope;
  gint64 after = 0;
  guint limit;
  ListJob *job;

  if (!require_resident_role (req, "search") || !fd_query_limit (req, 50, &limit))
    return;

  if (!fd_search_request_read (req, "residents", &q, &context, &after))
    return;

  search_scope_for_role (req->role, &scope);
  scope.estate_id = req->estate_id;
  /* The index query runs on a search worker; the main context goes on
   * serving, and residents_list_answer() continues with its ids. */
  job = g_new0 (ListJob, 1);
  job->req = fd_request_ref (req);
  job->context = g_steal_pointer (&context);
  job->limit = limit;
  job->role = req->role;
  job->estate_id = req->estate_id;
  job->user_id = req->user->id;
  if (server->store->backend->listed_note_detached != NULL)
    job->store = server->store;
  fd_request_suspend (req);
  fd_search_pool_query (server->search_pool, q, &scope, after, limit + 1,
                        residents_list_render, residents_list_searched, job, list_job_free);
}

static FdResidentRecord *
lookup_resident (FdRequest  *req,
                 const char *action,
                 const char *field)
{
  FdResidentRecord *r = NULL;
  gint64 id;

  if (fd_parse_id (req->segments[1], &id))
    r = FD_STORE_CALL (req->server->store, resident_get, id);
  /* Another estate's resident is one that does not exist (issue 11). */
  if (r != NULL && !fd_request_sees_estate (req, r->estate_id))
    g_clear_pointer (&r, fd_resident_record_free);
  if (r == NULL)
    {
      /* The id is the caller's text: only a well-formed one goes to the log. */
      if (fd_audit (req, action, fd_parse_id (req->segments[1], &id) ? req->segments[1] : NULL,
                    field, NULL, NULL, FALSE))
        fd_reply_error (req, FD_ERROR_NOT_FOUND, "No such resident", NULL);
    }
  return r;
}

/* A reveal or verify refused as malformed (400) is audited too: every
 * call, allowed or not (contract). Only what is well formed goes to the
 * log: the id when it is one, the field when it is a known one; never
 * the caller's other text. Returns what fd_audit() does. */
static gboolean
audit_malformed (FdRequest  *req,
                 const char *action,
                 const char *field)
{
  gint64 id;
  FdField f;

  return fd_audit (req, action, fd_parse_id (req->segments[1], &id) ? req->segments[1] : NULL,
                   field != NULL && fd_field_from_string (field, &f) ? fd_field_to_string (f)
                                                                     : NULL,
                   NULL, NULL, FALSE);
}

void
fd_routes_residents_get (FdRequest *req)
{
  FdServer *server = req->server;
  g_autoptr(FdResidentRecord) r = NULL;
  g_auto(FdJsonWriter) w = { 0 };
  g_autofree char *since = NULL;
  g_autofree char *target = NULL;
  guint viewed;
  gboolean is_new;

  if (!require_resident_role (req, "view"))
    return;
  r = lookup_resident (req, "view", NULL);
  if (r == NULL)
    return;
  target = g_strdup_printf ("%" G_GINT64_FORMAT, r->id);

  since = since_ago (FD_TEN_MINUTES);
  viewed = FD_STORE_CALL (server->store, audit_count, req->user->id, "view", "allowed", NULL, since, TRUE);
  is_new = FD_STORE_CALL (server->store, audit_count, req->user->id, "view", "allowed", target, since,
                          FALSE) == 0;
  if (is_new)
    viewed++;

  if (fd_server_is_off_hours (server) && viewed > OFF_HOURS_MAX_VIEWS)
    {
      if (fd_audit (req, "view", target, NULL, NULL, NULL, FALSE))
        fd_reply_anomaly_lock (req, "off-hours-bulk",
                               "More than 20 residents viewed within 10 minutes off-hours");
      return;
    }
  if (!fd_audit (req, "view", target, NULL, NULL, NULL, TRUE))
    return;
  if (viewed > IN_HOURS_ALERT_VIEWS &&
      !fd_alert_recent (server, "in-hours-bulk", req->user->username, since))
    fd_raise_alert (req, req->user, "in-hours-bulk", "More than 60 residents viewed within 10 minutes");

  fd_json_writer_init (&w, 1024);
  fd_policy_write_resident (&w, req->role, r, TRUE);
  fd_reply_writer (req, 200, &w);
}

/* reveal */

typedef struct
{
  char   *password;
  char   *hash;
  char   *field;
  char   *reason_code;
  char   *reason_text;
  gint64  resident_id;
} RevealJob;

static void
reveal_job_free (gpointer data)
{
  RevealJob *job = data;

  fd_secret_free (job->password);
  fd_secret_free (job->hash);
  g_free (job->field);
  g_free (job->reason_code);
  g_free (job->reason_text);
  g_free (job);
}

static gpointer
reveal_check_password (gpointer data)
{
  RevealJob *job = data;
  return GINT_TO_POINTER (fd_password_verify (job->hash, job->password));
}

static void
reveal_finish (FdRequest  *req,
               gint64      resident_id,
               const char *field,
               const char *reason_code,
               const char *reason_text)
{
  FdServer *server = req->server;
  g_autoptr(GError) error = NULL;
  g_auto(FdJsonWriter) w = { 0 };
  g_autofree char *target = g_strdup_printf ("%" G_GINT64_FORMAT, resident_id);
  char *value = NULL;
  g_autoptr(FdResidentRecord) r = FD_STORE_CALL (server->store, resident_get, resident_id);

  /* Read again after a password check: checked again (issue 11). */
  if (r == NULL || !fd_request_sees_estate (req, r->estate_id))
    g_set_error (&error, FD_ERROR, FD_ERROR_NOT_FOUND, "No value on file");
  else if (g_str_equal (field, "plates"))
    {
      if (r->plates != NULL && r->plates[0] != NULL)
        value = g_strjoinv (", ", r->plates);
      else
        g_set_error (&error, FD_ERROR, FD_ERROR_NOT_FOUND, "No plate on file");
    }
  else
    value = FD_STORE_CALL (server->store, resident_secret, resident_id, field, &error);

  if (value == NULL)
    {
      if (fd_audit (req, "reveal", target, field, reason_code, reason_text, FALSE))
        {
          if (g_error_matches (error, FD_ERROR, FD_ERROR_NOT_FOUND))
            fd_reply_error (req, FD_ERROR_NOT_FOUND, "No value on file for this field", "field");
          else
            fd_reply_gerror (req, error);
        }
      return;
    }
  if (!fd_audit (req, "reveal", target, field, reason_code, reason_text, TRUE))
    {
      fd_secret_free (value);
      return;
    }

  fd_json_writer_init (&w, 128);
  fd_json_writer_begin_object (&w);
  fd_json_writer_string_member (&w, "field", field);
  fd_json_writer_string_member (&w, "value", value);
  fd_json_writer_int_member (&w, "expires_in_s", server->config->reveal_window_s);
  fd_json_writer_end_object (&w);
  fd_secret_free (value);
  fd_reply_writer_secret (req, 200, &w);
}

static void
reveal_password_done (FdRequest *req,
                      gpointer   result)
{
  g_autofree char *target = NULL;
  const char *field = NULL, *reason_code = NULL, *reason_text = NULL;
  gint64 id = 0;

  fd_body_string (req, "field", TRUE, 32, &field);
  fd_body_string (req, "reason_code", TRUE, 32, &reason_code);
  fd_body_string (req, "reason_text", FALSE, 200, &reason_text);
  fd_parse_id (req->segments[1], &id);

  if (!GPOINTER_TO_INT (result))
    {
      target = g_strdup_printf ("%" G_GINT64_FORMAT, id);
      if (fd_audit (req, "reveal", target, field, reason_code, reason_text, FALSE))
        fd_reply_error (req, FD_ERROR_REAUTH_REQUIRED, "Your password is needed and was wrong",
                        "password");
      return;
    }
  reveal_finish (req, id, field, reason_code, reason_text);
}

void
fd_routes_residents_reveal (FdRequest *req)
{
  FdServer *server = req->server;
  g_autoptr(FdResidentRecord) r = NULL;
  g_autofree char *target = NULL;
  const char *field = NULL, *reason_code = NULL, *reason_text = NULL, *password = NULL;
  const FdFieldRule *rule;
  FdField f;
  RevealJob *job;

  if (!require_resident_role (req, "reveal"))
    return;
  if (!fd_body_string (req, "field", TRUE, 32, &field))
    {
      audit_malformed (req, "reveal", NULL);
      return;
    }
  if (!fd_field_from_string (field, &f) ||
      (f != FD_FIELD_PHONE && f != FD_FIELD_ID_NUMBER && f != FD_FIELD_HOME_ADDRESS &&
       f != FD_FIELD_PLATES))
    {
      if (audit_malformed (req, "reveal", field))
        fd_reply_error (req, FD_ERROR_BAD_REQUEST, "This field cannot be revealed", "field");
      return;
    }
  r = lookup_resident (req, "reveal", field);
  if (r == NULL)
    return;
  target = g_strdup_printf ("%" G_GINT64_FORMAT, r->id);

  /* Reason members are read (type-checked) before anything is audited so
   * the log never holds a non-string. */
  if (!fd_body_string (req, "reason_code", FALSE, 32, &reason_code) ||
      !fd_body_string (req, "reason_text", FALSE, 200, &reason_text) ||
      !fd_body_string (req, "password", FALSE, 1024, &password))
    {
      audit_malformed (req, "reveal", field);
      return;
    }
  if (reason_code != NULL && !g_strv_contains (reason_codes, reason_code))
    reason_code = NULL;  /* never log arbitrary text as a code */

  /* Both limits are taken in the store here, before anything can run on a
   * worker thread, so reveals sent together are counted one by one; every
   * reveal refused from here on has spent its unit. */
  switch (fd_limit_take (req, "reveal", (gint64) 3600 * G_USEC_PER_SEC, REVEALS_PER_HOUR, NULL))
    {
    case FD_LIMIT_FAILED:
      return;
    case FD_LIMIT_REFUSED:
      if (fd_audit (req, "reveal", target, field, reason_code, reason_text, FALSE))
        fd_reply_error (req, FD_ERROR_RATE_LIMITED, "At most 10 reveals an hour", NULL);
      return;
    case FD_LIMIT_GRANTED:
      break;
    }
  if (fd_server_is_off_hours (server) &&
      fd_limit_count (req, "reveal", FD_TEN_MINUTES) > OFF_HOURS_MAX_REVEALS)
    {
      if (fd_audit (req, "reveal", target, field, reason_code, reason_text, FALSE))
        fd_reply_anomaly_lock (req, "reveal-burst",
                               "More than 3 reveals within 10 minutes off-hours");
      return;
    }

  rule = fd_policy_rule (req->role, f);
  if (!rule->revealable)
    {
      if (fd_audit (req, "reveal", target, field, reason_code, reason_text, FALSE))
        fd_reply_error (req, FD_ERROR_FORBIDDEN, "Your role cannot reveal this field", "field");
      return;
    }
  if (fd_incident_frozen (server))
    {
      if (fd_audit (req, "reveal", target, field, reason_code, reason_text, FALSE))
        fd_reply_frozen (req);
      return;
    }

  if (reason_code == NULL)
    {
      if (fd_audit (req, "reveal", target, field, NULL, reason_text, FALSE))
        fd_reply_error (req, FD_ERROR_BAD_REQUEST,
                        "A reason is required: verify-identity, emergency-contact, refund or other",
                        "reason_code");
      return;
    }
  if (g_str_equal (reason_code, "other") && visible_length (reason_text) < 5)
    {
      if (fd_audit (req, "reveal", target, field, reason_code, reason_text, FALSE))
        fd_reply_error (req, FD_ERROR_BAD_REQUEST, "Describe the reason in at least 5 characters",
                        "reason_text");
      return;
    }

  if (!rule->needs_password)
    {
      reveal_finish (req, r->id, field, reason_code, reason_text);
      return;
    }
  if (password == NULL || *password == '\0')
    {
      if (fd_audit (req, "reveal", target, field, reason_code, reason_text, FALSE))
        fd_reply_error (req, FD_ERROR_REAUTH_REQUIRED, "Your password is needed to reveal this",
                        "password");
      return;
    }
  job = g_new0 (RevealJob, 1);
  job->password = g_strdup (password);
  job->hash = g_strdup (req->user->password_hash);
  fd_body_wipe_member (req, "password");
  fd_request_run_in_thread (req, reveal_check_password, job, reveal_job_free, reveal_password_done);
}

void
fd_routes_residents_verify (FdRequest *req)
{
  FdServer *server = req->server;
  g_autoptr(FdResidentRecord) r = NULL;
  g_auto(FdJsonWriter) w = { 0 };
  g_autofree char *target = NULL;
  g_autofree char *value = NULL;
  const char *field = NULL, *raw = NULL;
  gboolean match;
  FdField f;

  if (!require_resident_role (req, "verify"))
    return;
  if (!fd_body_string (req, "field", TRUE, 32, &field) ||
      !fd_body_string (req, "value", TRUE, 64, &raw))
    {
      audit_malformed (req, "verify", field);
      return;
    }
  if (!fd_field_from_string (field, &f) || (f != FD_FIELD_PHONE && f != FD_FIELD_ID_NUMBER))
    {
      if (audit_malformed (req, "verify", field))
        fd_reply_error (req, FD_ERROR_BAD_REQUEST, "Only id_number and phone can be verified",
                        "field");
      return;
    }
  r = lookup_resident (req, "verify", field);
  if (r == NULL)
    return;
  target = g_strdup_printf ("%" G_GINT64_FORMAT, r->id);

  if (!fd_policy_may_verify (req->role, f))
    {
      if (fd_audit (req, "verify", target, field, NULL, NULL, FALSE))
        fd_reply_error (req, FD_ERROR_FORBIDDEN, "Your role cannot verify this field", "field");
      return;
    }
  /* Taken in the store like the reveal limits, ahead of any later step. */
  switch (fd_limit_take (req, "verify", (gint64) 3600 * G_USEC_PER_SEC, VERIFIES_PER_HOUR, NULL))
    {
    case FD_LIMIT_FAILED:
      return;
    case FD_LIMIT_REFUSED:
      if (fd_audit (req, "verify", target, field, NULL, NULL, FALSE))
        fd_reply_error (req, FD_ERROR_RATE_LIMITED, "At most 30 checks an hour", NULL);
      return;
    case FD_LIMIT_GRANTED:
      break;
    }

  value = fd_input_normalize (raw, TRUE);
  fd_body_wipe_member (req, "value");
  match = value != NULL && FD_STORE_CALL (server->store, resident_matches, r->id, field, value);
  if (value != NULL)
    explicit_bzero (value, strlen (value));
  if (!fd_audit (req, "verify", target, field, NULL, match ? "match" : "no match", TRUE))
    return;

  fd_json_writer_init (&w, 32);
  fd_json_writer_begin_object (&w);
  fd_json_writer_bool_member (&w, "match", match);
  fd_json_writer_end_object (&w);
  fd_reply_writer (req, 200, &w);
}

void
fd_routes_rooms_list (FdRequest *req)
{
  g_autoptr(GPtrArray) rooms = NULL;
  g_auto(FdJsonWriter) w = { 0 };
  g_autofree char *q = NULL;
  guint limit;

  if (!fd_require_role (req, "search", FD_ROLE_RECEPTION, FD_ROLE_MANAGER, FD_N_ROLES) ||
      !fd_query_limit (req, 20, &limit))
    return;
  q = fd_input_normalize (fd_query_get (req, "q") ? fd_query_get (req, "q") : "", FALSE);
  if (q == NULL || *q == '\0' || strlen (q) > 16 || strspn (q, "0123456789-") != strlen (q) ||
      q[0] == '-' || q[strlen (q) - 1] == '-' || strstr (q, "--") != NULL)
    {
      fd_reply_error (req, FD_ERROR_BAD_REQUEST, "Type a room like 3-2-1502 or its start, like 3-2", "q");
      return;
    }
  rooms = FD_STORE_CALL (req->server->store, room_search, q, limit);
  fd_json_writer_init (&w, 64 * rooms->len + 16);
  fd_json_writer_begin_object (&w);
  fd_json_writer_member (&w, "items");
  fd_json_writer_begin_array (&w);
  for (guint i = 0; i < rooms->len; i++)
    {
      FdRoomRecord *room = g_ptr_array_index (rooms, i);

      fd_json_writer_begin_object (&w);
      fd_json_writer_string_member (&w, "room", room->room);
      fd_json_writer_int_member (&w, "residents", room->residents);
      fd_json_writer_end_object (&w);
    }
  fd_json_writer_end_array (&w);
  fd_json_writer_end_object (&w);
  fd_reply_writer (req, 200, &w);
}

/* issue 14: the payments list searches exactly as the residents list does. */
void
fd_search_scope_for_role (FdRole         role,
                          FdSearchScope *scope)
{
  search_scope_for_role (role, scope);
}

/* issue 14: "q" and "cursor" of a search request: *@q normalised, the
 * cursor's *@context ("KIND", role, @kind's own parameters, q) and
 * *@after. FALSE with the 400 sent. */
gboolean
fd_search_request_read (FdRequest   *req,
                        const char  *kind,
                        char       **q,
                        char       **context,
                        gint64      *after)
{
  const char *cursor = fd_query_get (req, "cursor");

  *after = 0;
  *context = NULL;
  *q = fd_input_normalize (fd_query_get (req, "q") ? fd_query_get (req, "q") : "", FALSE);
  if (*q == NULL || g_utf8_strlen (*q, -1) > 64)
    {
      fd_reply_error (req, FD_ERROR_BAD_REQUEST, "The search text is too long or not valid text", "q");
      return FALSE;
    }
  *context = g_strdup_printf ("%s\x1f%s\x1f%s", kind, fd_role_to_string (req->role), *q);
  if (cursor != NULL && !fd_cursor_decode (req->server, *context, cursor, after))
    {
      fd_reply_error (req, FD_ERROR_BAD_REQUEST, "The cursor is not valid for this query", "cursor");
      return FALSE;
    }
  return TRUE;
}
