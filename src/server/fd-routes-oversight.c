/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Routes: the audit log, alerts, the incident switch and accounts. */

#include "config.h"

#include <string.h>

#include "fd-crypto.h"
#include "fd-field.h"
#include "fd-estates.h"
#include "fd-policy.h"
#include "fd-routes-users.h"
#include "fd-server-private.h"

/* Oversight and administration: the audit log and its chain, alerts, the
 * incident switch (manager, auditor) and accounts (admin). None of these
 * answers carries resident data. */

/* RFC 3339 in → the log's own format (UTC, seconds), for comparisons. */
static gboolean
normalise_time (FdRequest   *req,
                const char  *member,
                char       **out)
{
  const char *text = fd_query_get (req, member);
  g_autoptr(GDateTime) dt = NULL;
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();

  *out = NULL;
  if (text == NULL)
    return TRUE;
  if (strlen (text) <= 64)
    dt = g_date_time_new_from_iso8601 (text, utc);
  if (dt == NULL)
    {
      fd_reply_error (req, FD_ERROR_BAD_REQUEST, "Times are RFC 3339, e.g. 2026-11-25T08:00:00Z",
                      member);
      return FALSE;
    }
  *out = fd_time_format_rfc3339 (g_date_time_to_unix (dt) * G_USEC_PER_SEC);
  return TRUE;
}

static gboolean
short_text (FdRequest   *req,
            const char  *member,
            const char **out)
{
  *out = fd_query_get (req, member);
  if (*out != NULL && strlen (*out) > 64)
    {
      fd_reply_error (req, FD_ERROR_BAD_REQUEST, "This filter is too long", member);
      return FALSE;
    }
  if (*out != NULL && **out == '\0')
    *out = NULL;
  return TRUE;
}

/* issue 14: "target_label", the resident of a view, reveal or verify as
 * the reader's role sees them (fd_policy_resident_label), looked up once
 * per resident of the page. */
static const char *
audit_target_label (FdRequest          *req,
                    GHashTable         *labels,
                    const FdAuditEntry *e)
{
  gint64 id;
  char *label;

  if (e->target == NULL || e->action == NULL ||
      (g_strcmp0 (e->action, "view") != 0 && g_strcmp0 (e->action, "reveal") != 0 &&
       g_strcmp0 (e->action, "verify") != 0) ||
      !fd_role_sees_residents (req->role) || !fd_parse_id (e->target, &id))
    return NULL;
  if (!g_hash_table_lookup_extended (labels, e->target, NULL, (gpointer *) &label))
    {
      g_autoptr(FdResidentRecord) r = FD_STORE_CALL (req->server->store, resident_get, id);

      label = r != NULL ? fd_policy_resident_label (req->role, r) : NULL;
      g_hash_table_insert (labels, g_strdup (e->target), label);
    }
  return label;
}

void
fd_routes_audit_list (FdRequest *req)
{
  FdServer *server = req->server;
  g_autoptr(GPtrArray) items = NULL;
  g_auto(FdJsonWriter) w = { 0 };
  g_autofree char *since = NULL, *until = NULL, *context = NULL;
  FdAuditQuery q = { 0 };
  g_autoptr(GPtrArray) estates = NULL;
  FdEstateRecord *estate;
  const char *cursor;
  guint limit;
  g_autoptr(GHashTable) labels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  if (!fd_require_role (req, "audit-read", FD_ROLE_MANAGER, FD_ROLE_AUDITOR, FD_N_ROLES) ||
      !fd_query_limit (req, 50, &limit) ||
      !normalise_time (req, "since", &since) || !normalise_time (req, "until", &until) ||
      !short_text (req, "actor", &q.actor) || !short_text (req, "action", &q.action))
    return;

  context = g_strdup_printf ("audit\x1f%s\x1f%s\x1f%s\x1f%s", since ? since : "", until ? until : "",
                             q.actor ? q.actor : "", q.action ? q.action : "");
  cursor = fd_query_get (req, "cursor");
  if (cursor != NULL && !fd_cursor_decode (server, context, cursor, &q.before_seq))
    {
      fd_reply_error (req, FD_ERROR_BAD_REQUEST, "The cursor is not valid for this query", "cursor");
      return;
    }
  q.since = since;
  q.until = until;
  q.limit = limit + 1;
  items = FD_STORE_CALL (server->store, audit_list, &q);
  /* the first wall: only the request's estate's entries (issue 11) */
  for (guint i = items->len; i > 0; i--)
    if (!fd_request_sees_estate (req, ((FdAuditEntry *) items->pdata[i - 1])->estate_id))
      g_ptr_array_remove_index (items, i - 1);
  estates = FD_STORE_CALL0 (server->store, estate_list);
  if (!fd_audit (req, "audit-read", NULL, NULL, NULL, NULL, TRUE))
    return;

  fd_json_writer_init (&w, 384 * MIN (items->len, limit) + 64);
  fd_json_writer_begin_object (&w);
  fd_json_writer_member (&w, "items");
  fd_json_writer_begin_array (&w);
  for (guint i = 0; i < MIN (items->len, limit); i++)
    {
      FdAuditEntry *e = g_ptr_array_index (items, i);

      fd_json_writer_begin_object (&w);
      fd_json_writer_int_member (&w, "seq", e->seq);
      fd_json_writer_string_member (&w, "at", e->at);
      fd_json_writer_string_member (&w, "actor", e->actor);
      fd_json_writer_string_member (&w, "role", e->role);
      fd_json_writer_string_member (&w, "workstation", e->workstation);
      fd_json_writer_string_member (&w, "ip", e->ip);
      fd_json_writer_string_member (&w, "action", e->action);
      fd_json_writer_string_member (&w, "target", e->target);
      fd_json_writer_string_member (&w, "target_label", audit_target_label (req, labels, e));
      fd_json_writer_string_member (&w, "field", e->field);
      fd_json_writer_string_member (&w, "reason_code", e->reason_code);
      fd_json_writer_string_member (&w, "reason_text", e->reason_text);
      fd_json_writer_string_member (&w, "outcome", e->outcome);
      fd_json_writer_string_member (&w, "session", e->session_hash);
      estate = fd_estate_find_id (estates, e->estate_id);
      /* null: company-wide (an auditor's or admin's session, the command line) */
      fd_json_writer_string_member (&w, "estate", estate ? estate->code : NULL);
      fd_json_writer_end_object (&w);
    }
  fd_json_writer_end_array (&w);
  if (items->len > limit)
    {
      FdAuditEntry *last = g_ptr_array_index (items, limit - 1);
      g_autofree char *next = fd_cursor_encode (server, context, last->seq);
      fd_json_writer_string_member (&w, "next_cursor", next);
    }
  else
    fd_json_writer_string_member (&w, "next_cursor", NULL);
  fd_json_writer_end_object (&w);
  fd_reply_writer (req, 200, &w);
}

typedef struct
{
  FdStore *store;
  gboolean ok;
  gboolean failed;
  gint64   entries;
  gint64   first_bad;
  /* the audit witness, read in the worker too (fd-witness.h) */
  char    *witness_destination;
  char    *witness_db_id;
  FdWitnessMark witness;
} VerifyJob;

static void
verify_job_free (gpointer data)
{
  VerifyJob *job = data;

  g_free (job->witness_destination);
  g_free (job->witness_db_id);
  fd_witness_mark_clear (&job->witness);
  g_free (job);
}

static gpointer
verify_work (gpointer data)
{
  VerifyJob *job = data;
  g_autoptr(GError) error = NULL;

  job->ok = FD_STORE_CALL (job->store, audit_verify, &job->entries, &job->first_bad, &error);
  if (!job->ok && job->first_bad == 0)
    {
      g_warning ("Audit verification failed: %s", error ? error->message : "unknown");
      job->failed = TRUE;
    }
  if (!fd_witness_read (job->witness_destination, NULL, job->witness_db_id, &job->witness, &error))
    {
      g_warning ("Audit witness cannot be read: %s", error->message);
      job->witness.state = FD_WITNESS_READ_UNAVAILABLE;
    }
  return job;
}

static void
verify_done (FdRequest *req,
             gpointer   result)
{
  VerifyJob *job = result;
  g_auto(FdJsonWriter) w = { 0 };
  g_autofree char *rollback = NULL;
  gint64 witness_bad = 0;

  if (job->failed)
    {
      fd_reply_error (req, FD_ERROR_INTERNAL, "The audit log could not be read", NULL);
      return;
    }
  /* Two indexed lookups: the database must hold the witnessed head. */
  rollback = fd_witness_check (req->server->store, &job->witness, &witness_bad);
  if (rollback != NULL)
    {
      g_warning ("Audit verify: %s", rollback);
      if (job->ok || witness_bad < job->first_bad)
        job->first_bad = witness_bad;
      job->ok = FALSE;
    }
  if (!fd_audit (req, "audit-verify", NULL, NULL, NULL, job->ok ? "ok" : "broken", TRUE))
    return;
  fd_json_writer_init (&w, 256);
  fd_json_writer_begin_object (&w);
  fd_json_writer_bool_member (&w, "ok", job->ok);
  fd_json_writer_int_member (&w, "entries", job->entries);
  fd_json_writer_member (&w, "first_bad_seq");
  if (job->ok)
    fd_json_writer_null (&w);
  else
    fd_json_writer_int (&w, job->first_bad);
  /* null when no witness of this database could be read */
  fd_json_writer_member (&w, "witness");
  if (job->witness.state != FD_WITNESS_READ_FOUND)
    fd_json_writer_null (&w);
  else
    {
      fd_json_writer_begin_object (&w);
      fd_json_writer_int_member (&w, "seq", job->witness.seq);
      fd_json_writer_string_member (&w, "at", job->witness.at);
      fd_json_writer_bool_member (&w, "rolled_back", rollback != NULL);
      fd_json_writer_end_object (&w);
    }
  fd_json_writer_end_object (&w);
  fd_reply_writer (req, 200, &w);
}

void
fd_routes_audit_verify (FdRequest *req)
{
  VerifyJob *job;

  if (!fd_require_role (req, "audit-verify", FD_ROLE_MANAGER, FD_ROLE_AUDITOR, FD_N_ROLES))
    return;
  job = g_new0 (VerifyJob, 1);
  job->store = req->server->store;
  job->witness_destination = g_strdup (req->server->config->audit_witness);
  job->witness_db_id = fd_witness_db_id (req->server->store, req->server->config->db_path);
  fd_request_run_in_thread (req, verify_work, job, verify_job_free, verify_done);
}

void
fd_routes_alerts_list (FdRequest *req)
{
  g_autoptr(GPtrArray) items = NULL;
  g_auto(FdJsonWriter) w = { 0 };
  guint limit;

  if (!fd_require_role (req, "alerts-read", FD_ROLE_MANAGER, FD_ROLE_AUDITOR, FD_N_ROLES) ||
      !fd_query_limit (req, 100, &limit))
    return;
  items = FD_STORE_CALL (req->server->store, alert_list, limit);
  for (guint i = items->len; i > 0; i--)
    if (!fd_request_sees_estate (req, ((FdAlertRecord *) items->pdata[i - 1])->estate_id))
      g_ptr_array_remove_index (items, i - 1);   /* issue 11 */
  fd_json_writer_init (&w, 192 * items->len + 16);
  fd_json_writer_begin_object (&w);
  fd_json_writer_member (&w, "items");
  fd_json_writer_begin_array (&w);
  for (guint i = 0; i < items->len; i++)
    {
      FdAlertRecord *a = g_ptr_array_index (items, i);
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, a->id);

      fd_json_writer_begin_object (&w);
      fd_json_writer_string_member (&w, "id", id);
      fd_json_writer_string_member (&w, "at", a->at);
      fd_json_writer_string_member (&w, "kind", a->kind);
      fd_json_writer_string_member (&w, "actor", a->actor);
      fd_json_writer_string_member (&w, "detail", a->detail);
      fd_json_writer_end_object (&w);
    }
  fd_json_writer_end_array (&w);
  fd_json_writer_end_object (&w);
  fd_reply_writer (req, 200, &w);
}

static void
reply_incident (FdRequest *req)
{
  FdStore *store = req->server->store;
  g_auto(FdJsonWriter) w = { 0 };
  g_autofree char *since = FD_STORE_CALL (store, get_setting, "incident.since");
  g_autofree char *by = FD_STORE_CALL (store, get_setting, "incident.by");
  gboolean frozen = fd_incident_frozen (req->server);

  fd_json_writer_init (&w, 128);
  fd_json_writer_begin_object (&w);
  fd_json_writer_bool_member (&w, "frozen", frozen);
  fd_json_writer_string_member (&w, "since", frozen ? since : NULL);
  fd_json_writer_string_member (&w, "by", frozen ? by : NULL);
  fd_json_writer_end_object (&w);
  fd_reply_writer (req, 200, &w);
}

void
fd_routes_incident_get (FdRequest *req)
{
  if (fd_require_role (req, "incident-read", FD_ROLE_MANAGER, FD_ROLE_AUDITOR, FD_N_ROLES))
    reply_incident (req);
}

void
fd_routes_incident_put (FdRequest *req)
{
  FdStore *store = req->server->store;
  g_autoptr(GError) error = NULL;
  g_autofree char *now = fd_time_format_rfc3339 (fd_now ());
  gboolean present = FALSE, frozen = FALSE;

  if (!fd_require_role (req, "policy-change", FD_ROLE_MANAGER, FD_N_ROLES) ||
      !fd_body_bool (req, "frozen", &present, &frozen))
    return;
  if (!present)
    {
      fd_reply_error (req, FD_ERROR_BAD_REQUEST, "frozen (true or false) is required", "frozen");
      return;
    }
  /* The audit entry opens the request's transaction: the switch and its
   * log entry commit together or not at all. */
  if (!fd_audit (req, "policy-change", "incident", NULL, NULL, frozen ? "frozen" : "unfrozen", TRUE))
    return;
  if (!FD_STORE_CALL (store, set_setting, "incident.frozen", frozen ? "true" : "false", &error) ||
      !FD_STORE_CALL (store, set_setting, "incident.since", now, &error) ||
      !FD_STORE_CALL (store, set_setting, "incident.by", req->user->username, &error))
    {
      fd_reply_gerror (req, error);
      return;
    }
  reply_incident (req);
}

/* accounts */

void
fd_routes_users_list (FdRequest *req)
{
  g_autoptr(GPtrArray) users = NULL;
  g_auto(FdJsonWriter) w = { 0 };

  if (!fd_require_role (req, "account-read", FD_ROLE_ADMIN, FD_N_ROLES))
    return;
  users = FD_STORE_CALL0 (req->server->store, user_list);
  fd_json_writer_init (&w, 256 * users->len + 16);
  fd_json_writer_begin_object (&w);
  fd_json_writer_member (&w, "items");
  fd_json_writer_begin_array (&w);
  for (guint i = 0; i < users->len; i++)
    fd_write_account (&w, req->server->store, g_ptr_array_index (users, i));
  fd_json_writer_end_array (&w);
  fd_json_writer_end_object (&w);
  fd_reply_writer (req, 200, &w);
}

static gboolean
display_name_valid (const char *name)
{
  if (g_utf8_strlen (name, -1) < 1)
    return FALSE;
  for (const char *p = name; *p; p = g_utf8_next_char (p))
    if (!g_unichar_isprint (g_utf8_get_char (p)))
      return FALSE;
  return TRUE;
}

static gboolean
password_acceptable (FdRequest  *req,
                     const char *password)
{
  if (g_utf8_strlen (password, -1) < 8)
    {
      fd_reply_error (req, FD_ERROR_BAD_REQUEST, "Passwords have at least 8 characters", "password");
      return FALSE;
    }
  return TRUE;
}

static void
create_done (FdRequest *req,
             gpointer   result)
{
  FdPasswordJob *job = result;
  g_autoptr(GError) error = NULL;
  g_autofree char *target = NULL;
  g_auto(FdJsonWriter) w = { 0 };
  const char *username = NULL, *display_name = NULL, *role = NULL;
  g_auto(GStrv) codes = NULL;
  g_autoptr(GArray) estates = NULL;
  FdUserRecord user = { 0 };

  if (job == NULL)
    {
      fd_reply_error (req, FD_ERROR_INTERNAL, "The password could not be hashed", NULL);
      return;
    }
  fd_body_string (req, "username", TRUE, 32, &username);
  fd_body_string (req, "display_name", TRUE, 64, &display_name);
  fd_body_string (req, "role", TRUE, 16, &role);
  /* checked before the hash; again, in case an estate went meanwhile */
  if (!fd_body_estates (req, &codes) ||
      (estates = fd_request_estates_for_role (req, role, (const char * const *) codes)) == NULL)
    return;
  user.username = (char *) username;
  user.display_name = (char *) display_name;
  user.role = (char *) role;
  user.password_hash = job->hash;
  /* the account and its estates commit together */
  if (!fd_begin_writes (req))
    return;
  user.id = FD_STORE_CALL (req->server->store, user_insert, &user, &error);
  if (user.id == 0)
    {
      if (g_error_matches (error, FD_ERROR, FD_ERROR_BAD_REQUEST))
        fd_reply_error (req, FD_ERROR_BAD_REQUEST, "This username is taken", "username");
      else
        fd_reply_gerror (req, error);
      return;
    }
  if (!FD_STORE_CALL (req->server->store, user_estates_set, user.id,
                      (const gint64 *) (gpointer) estates->data, estates->len, &error) ||
      /* pwchange: a password the server made is one-time */
      (job->generated && !fd_password_mark_one_time (req->server->store, user.id, &error)))
    {
      fd_reply_gerror (req, error);
      return;
    }
  target = g_strdup_printf ("%" G_GINT64_FORMAT, user.id);
  if (!fd_audit (req, "account-change", target, "role", NULL, role, TRUE))
    return;
  if (!job->generated)
    {
      fd_reply_account (req, 201, &user);
      return;
    }
  /* A password the server made is shown once, to this administrator. */
  fd_json_writer_init (&w, 320);
  fd_json_writer_begin_object (&w);
  fd_json_writer_string_member (&w, "password", job->password);
  fd_json_writer_member (&w, "user");
  fd_write_account (&w, req->server->store, &user);
  fd_json_writer_end_object (&w);
  fd_reply_writer_secret (req, 201, &w);
}

void
fd_routes_users_create (FdRequest *req)
{
  const char *username, *display_name, *role, *password;
  g_auto(GStrv) codes = NULL;
  g_autoptr(GArray) estates = NULL;

  if (!fd_require_role (req, "account-change", FD_ROLE_ADMIN, FD_N_ROLES))
    return;
  if (!fd_body_string (req, "username", TRUE, 32, &username) ||
      !fd_body_string (req, "display_name", TRUE, 64, &display_name) ||
      !fd_body_string (req, "role", TRUE, 16, &role) ||
      !fd_body_string (req, "password", FALSE, 1024, &password))
    return;
  if (!fd_username_valid (username))
    {
      fd_reply_error (req, FD_ERROR_BAD_REQUEST,
                      "Usernames are 2-32 lower-case letters, digits, '.', '_' or '-'", "username");
      return;
    }
  if (!display_name_valid (display_name))
    {
      fd_reply_error (req, FD_ERROR_BAD_REQUEST, "The display name is empty or has control characters",
                      "display_name");
      return;
    }
  if (fd_role_from_string (role) == FD_ROLE_INVALID)
    {
      fd_reply_error (req, FD_ERROR_BAD_REQUEST, "Unknown role", "role");
      return;
    }
  if (!fd_body_estates (req, &codes) ||
      (estates = fd_request_estates_for_role (req, role, (const char * const *) codes)) == NULL)
    return;
  if (password != NULL && !password_acceptable (req, password))
    return;
  /* Without a password the server makes a one-time one (issue 14). */
  fd_request_hash_password (req, password ? g_strdup (password) : fd_account_generate_password (),
                            password == NULL, create_done);
  if (password != NULL)
    fd_body_wipe_member (req, "password");
}

/* The estates an account holds after a PATCH (issue 11): those named,
 * else the ones it holds (none: the default of its role), checked
 * against its role after the PATCH. NULL with the 400 sent. */
static GArray *
patch_estates (FdRequest          *req,
               const FdUserRecord *user,
               const char         *new_role,
               gboolean           *named)
{
  g_auto(GStrv) codes = NULL;
  g_auto(GStrv) held = NULL;

  if (!fd_body_estates (req, &codes))
    return NULL;
  *named = codes != NULL;
  if (codes == NULL)
    {
      held = fd_user_estate_codes (req->server->store, user->id);
      if (held[0] != NULL)
        codes = g_steal_pointer (&held);
    }
  return fd_request_estates_for_role (req, new_role ? new_role : user->role,
                                      (const char * const *) codes);
}

/* Sets @estates; TRUE in *@taken when one the account held is gone. */
static gboolean
patch_set_estates (FdRequest  *req,
                   gint64      user_id,
                   GArray     *estates,
                   gboolean   *taken,
                   GString    *change)
{
  g_autoptr(GArray) before = FD_STORE_CALL (req->server->store, user_estates, user_id);
  g_autoptr(GError) error = NULL;
  gboolean same = before->len == estates->len;

  *taken = FALSE;
  for (guint i = 0; i < before->len; i++)
    {
      gboolean kept = FALSE;
      for (guint j = 0; j < estates->len; j++)
        kept |= g_array_index (before, gint64, i) == g_array_index (estates, gint64, j);
      *taken |= !kept;
      same &= kept;
    }
  if (same)
    return TRUE;
  if (!FD_STORE_CALL (req->server->store, user_estates_set, user_id,
                      (const gint64 *) (gpointer) estates->data, estates->len, &error))
    {
      fd_reply_gerror (req, error);
      return FALSE;
    }
  g_string_append (change, "estates; ");
  return TRUE;
}

static void
patch_apply (FdRequest  *req,
             const char *new_hash)
{
  g_autoptr(FdUserRecord) user = NULL;
  g_autoptr(GString) summary = g_string_new (NULL);
  g_autoptr(GArray) estates = NULL;
  FdAccountChange change = FD_ACCOUNT_CHANGE_INIT;
  gboolean has_disabled = FALSE, disabled = FALSE, has_locked = FALSE, locked = FALSE;
  gboolean estates_named = FALSE, estates_taken = FALSE;
  gint64 id = 0;

  fd_parse_id (req->segments[1], &id);
  fd_body_string (req, "role", FALSE, 16, &change.role);
  fd_body_string (req, "display_name", FALSE, 64, &change.display_name);
  fd_body_bool (req, "disabled", &has_disabled, &disabled);
  fd_body_bool (req, "locked", &has_locked, &locked);
  if (has_disabled)
    change.disabled = disabled;
  change.unlock = has_locked && !locked;
  change.password_hash = new_hash;

  /* Read (again, after a hash) and change in one step (fd-accounts.h). */
  user = FD_STORE_CALL (req->server->store, user_by_id, id);
  if (user == NULL)
    {
      fd_reply_error (req, FD_ERROR_NOT_FOUND, "No such account", NULL);
      return;
    }
  if ((estates = patch_estates (req, user, change.role, &estates_named)) == NULL)
    return;
  /* the account, its estates and the entry commit together */
  if (!fd_account_change_run (req, user, &change, summary))
    return;
  if ((estates_named || change.role != NULL) &&
      !patch_set_estates (req, user->id, estates, &estates_taken, summary))
    return;
  /* An estate taken away ends the account's sessions (issue 11); a
   * reason the change gave already did. */
  if (estates_taken)
    FD_STORE_CALL (req->server->store, sessions_end_for_user, user->id, 0, "role-changed", fd_now ());
  if (fd_account_change_log (req, summary->str, NULL))
    fd_reply_account (req, 200, user);
}

static void
patch_password_done (FdRequest *req,
                     gpointer   result)
{
  FdPasswordJob *job = result;

  if (job == NULL)
    {
      fd_reply_error (req, FD_ERROR_INTERNAL, "The password could not be hashed", NULL);
      return;
    }
  patch_apply (req, job->hash);
}

void
fd_routes_users_patch (FdRequest *req)
{
  const char *role, *display_name, *password;
  gboolean has_disabled, disabled, has_locked, locked;
  gint64 id;

  if (!fd_require_role (req, "account-change", FD_ROLE_ADMIN, FD_N_ROLES))
    return;
  if (!fd_parse_id (req->segments[1], &id))
    {
      fd_reply_error (req, FD_ERROR_NOT_FOUND, "No such account", NULL);
      return;
    }
  if (req->body == NULL)
    {
      fd_reply_error (req, FD_ERROR_BAD_REQUEST, "A JSON object is required", NULL);
      return;
    }
  if (!fd_body_string (req, "role", FALSE, 16, &role) ||
      !fd_body_string (req, "display_name", FALSE, 64, &display_name) ||
      !fd_body_string (req, "password", FALSE, 1024, &password) ||
      !fd_body_bool (req, "disabled", &has_disabled, &disabled) ||
      !fd_body_bool (req, "locked", &has_locked, &locked))
    return;
  if (role != NULL && fd_role_from_string (role) == FD_ROLE_INVALID)
    {
      fd_reply_error (req, FD_ERROR_BAD_REQUEST, "Unknown role", "role");
      return;
    }
  if (display_name != NULL && !display_name_valid (display_name))
    {
      fd_reply_error (req, FD_ERROR_BAD_REQUEST, "The display name is empty or has control characters",
                      "display_name");
      return;
    }
  if (has_locked && locked)
    {
      fd_reply_error (req, FD_ERROR_BAD_REQUEST, "Accounts are locked by the server; only false is accepted",
                      "locked");
      return;
    }
  /* the estates are checked before any hash (patch_apply sets them) */
  {
    g_autoptr(FdUserRecord) user = FD_STORE_CALL (req->server->store, user_by_id, id);
    g_autoptr(GArray) estates = NULL;
    gboolean named;

    if (user != NULL && (estates = patch_estates (req, user, role, &named)) == NULL)
      return;
  }
  if (password != NULL)
    {
      if (!password_acceptable (req, password))
        return;
      fd_request_hash_password (req, g_strdup (password), FALSE, patch_password_done);
      fd_body_wipe_member (req, "password");
      return;
    }
  patch_apply (req, NULL);
}
