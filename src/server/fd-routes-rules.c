/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Routes: the data-protection rules, their acknowledgment, and the gate. */

#include "config.h"

#include <string.h>

#include "fd-field.h"
#include "fd-routes-rules.h"
#include "fd-rules.h"

/* Issue 12. Until an account has acknowledged the current rules (this
 * version, this quarter), every route but the few it needs to sign in,
 * read the rules, acknowledge them and enrol a second factor answers 403
 * rules-not-acknowledged: fd_rules_gate() runs once in the dispatch, for
 * every route that needs an unlocked session. */

/* The routes an account reaches before acknowledging: by their first
 * segment, so that routes added later are gated unless listed here. */
static gboolean
route_ungated (char **segments)
{
  if (g_str_equal (segments[0], "session") || g_str_equal (segments[0], "health") ||
      /* second-factor enrolment (contract v1.2) */
      g_str_equal (segments[0], "account"))
    return TRUE;
  return g_str_equal (segments[0], "rules") &&
         (segments[1] == NULL || g_str_equal (segments[1], "acknowledge"));
}

/* An error that carries the current "version". */
static void
reply_with_version (FdRequest  *req,
                    FdError     code,
                    const char *message,
                    const char *member,
                    gint64      version)
{
  g_auto(FdJsonWriter) extra = { 0 };

  fd_json_writer_init (&extra, 32);
  fd_json_writer_int_member (&extra, "version", version);
  fd_reply_error_full (req, code, message, member, &extra);
}

gboolean
fd_rules_gate (FdRequest *req)
{
  FdStore *store = req->server->store;
  gint64 version;

  if (route_ungated (req->segments))
    return TRUE;
  version = fd_rules_current_version (store);
  if (fd_rules_ack_current (store, req->user->id, version, fd_now ()))
    return TRUE;
  if (fd_audit (req, "rules-required", req->segments[0], NULL, NULL, NULL, FALSE))
    reply_with_version (req, FD_ERROR_RULES_NOT_ACKNOWLEDGED,
                        "Read and acknowledge the data-protection rules first", NULL, version);
  return FALSE;
}

void
fd_rules_write_session (FdJsonWriter       *w,
                        FdServer           *server,
                        const FdUserRecord *user)
{
  g_auto(FdRules) rules = { 0 };

  fd_rules_load (server->store, &rules);
  fd_json_writer_member (w, "rules");
  fd_json_writer_begin_object (w);
  fd_json_writer_int_member (w, "version", rules.version);
  fd_json_writer_bool_member (w, "acknowledged",
                              fd_rules_ack_current (server->store, user->id, rules.version,
                                                    fd_now ()));
  fd_json_writer_end_object (w);
}

static void
reply_rules (FdRequest *req,
             guint      status)
{
  g_auto(FdRules) rules = { 0 };
  g_auto(FdJsonWriter) w = { 0 };

  fd_rules_load (req->server->store, &rules);
  fd_json_writer_init (&w, strlen (rules.zh_CN) + strlen (rules.en) + 128);
  fd_json_writer_begin_object (&w);
  fd_json_writer_int_member (&w, "version", rules.version);
  fd_json_writer_member (&w, "text");
  fd_json_writer_begin_object (&w);
  fd_json_writer_string_member (&w, "zh_CN", rules.zh_CN);
  fd_json_writer_string_member (&w, "en", rules.en);
  fd_json_writer_end_object (&w);
  fd_json_writer_end_object (&w);
  fd_reply_writer (req, status, &w);
}

void
fd_routes_rules_get (FdRequest *req)
{
  reply_rules (req, 200);
}

void
fd_routes_rules_put (FdRequest *req)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *detail = NULL;
  JsonObject *text;
  const char *zh = NULL, *en = NULL;
  gint64 version;

  if (!fd_require_role (req, "policy-change", FD_ROLE_ADMIN, FD_N_ROLES))
    return;
  text = req->body != NULL && json_object_has_member (req->body, "text") &&
         JSON_NODE_HOLDS_OBJECT (json_object_get_member (req->body, "text"))
         ? json_object_get_object_member (req->body, "text") : NULL;
  if (text == NULL)
    {
      fd_reply_error (req, FD_ERROR_BAD_REQUEST, "text {\"zh_CN\", \"en\"} is required", "text");
      return;
    }
  zh = fd_json_get_string (text, "zh_CN");
  en = fd_json_get_string (text, "en");
  if (!fd_rules_text_valid (zh) || !fd_rules_text_valid (en))
    {
      fd_reply_error (req, FD_ERROR_BAD_REQUEST,
                      "text.zh_CN and text.en are each non-empty, at most 16000 characters",
                      fd_rules_text_valid (zh) ? "en" : "zh_CN");
      return;
    }
  /* the text and its log entry commit together */
  if (!fd_begin_writes (req) ||
      !fd_rules_save (req->server->store, zh, en, &version, &error))
    {
      if (error != NULL)
        fd_reply_gerror (req, error);
      return;
    }
  detail = g_strdup_printf ("version %" G_GINT64_FORMAT, version);
  if (!fd_audit (req, "policy-change", "rules", NULL, NULL, detail, TRUE))
    return;
  reply_rules (req, 200);
}

void
fd_routes_rules_acknowledge (FdRequest *req)
{
  g_autoptr(GError) error = NULL;
  g_auto(FdRules) rules = { 0 };
  g_autofree char *target = NULL;
  JsonNode *member;

  member = req->body != NULL ? json_object_get_member (req->body, "version") : NULL;
  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member) ||
      json_node_get_value_type (member) != G_TYPE_INT64)
    {
      fd_reply_error (req, FD_ERROR_BAD_REQUEST, "version (a whole number) is required", "version");
      return;
    }
  fd_rules_load (req->server->store, &rules);
  if (json_node_get_int (member) != rules.version)
    {
      reply_with_version (req, FD_ERROR_CONFLICT, "The rules have changed; read the current version",
                          "version", rules.version);
      return;
    }
  target = g_strdup_printf ("%" G_GINT64_FORMAT, rules.version);
  if (!fd_audit (req, "rules-acknowledge", target, NULL, NULL, NULL, TRUE))
    return;
  if (!fd_rules_ack_set (req->server->store, req->user->id, rules.version, fd_now (), &error))
    {
      fd_reply_gerror (req, error);
      return;
    }
  fd_reply_empty (req, 204);
}

/* An estate's manager sees the accounts granted that estate (issue 11). */
static gboolean
user_in_estate (FdStore *store,
                gint64   user_id,
                gint64   estate_id)
{
  g_autoptr(GArray) estates = NULL;

  if (estate_id == FD_ESTATE_ALL || store->backend->user_estates == NULL)
    return TRUE;
  estates = FD_STORE_CALL (store, user_estates, user_id);
  for (guint i = 0; estates != NULL && i < estates->len; i++)
    if (g_array_index (estates, gint64, i) == estate_id)
      return TRUE;
  return FALSE;
}

void
fd_routes_rules_acknowledgments (FdRequest *req)
{
  FdStore *store = req->server->store;
  g_autoptr(GPtrArray) users = NULL;
  g_auto(FdRules) rules = { 0 };
  g_auto(FdJsonWriter) w = { 0 };
  gint64 now = fd_now ();

  if (!fd_require_role (req, "account-read", FD_ROLE_MANAGER, FD_N_ROLES))
    return;
  fd_rules_load (store, &rules);
  users = FD_STORE_CALL0 (store, user_list);
  if (!fd_audit (req, "account-read", "rules-acknowledgments", NULL, NULL, NULL, TRUE))
    return;

  fd_json_writer_init (&w, 160 * users->len + 64);
  fd_json_writer_begin_object (&w);
  fd_json_writer_int_member (&w, "version", rules.version);
  fd_json_writer_member (&w, "items");
  fd_json_writer_begin_array (&w);
  for (guint i = 0; i < users->len; i++)
    {
      FdUserRecord *user = g_ptr_array_index (users, i);
      gint64 version = 0, at = 0;
      gboolean acked;

      if (user->disabled || !user_in_estate (store, user->id, req->estate_id))
        continue;
      acked = fd_rules_ack_get (store, user->id, &version, &at);
      fd_json_writer_begin_object (&w);
      fd_json_writer_string_member (&w, "user", user->username);
      fd_json_writer_string_member (&w, "display_name", user->display_name);
      fd_json_writer_string_member (&w, "role", user->role);
      fd_json_writer_member (&w, "acknowledged_version");
      if (acked)
        fd_json_writer_int (&w, version);
      else
        fd_json_writer_null (&w);
      fd_json_writer_member (&w, "acknowledged_at");
      if (acked)
        {
          g_autofree char *when = fd_time_format_rfc3339 (at);
          fd_json_writer_string (&w, when);
        }
      else
        fd_json_writer_null (&w);
      fd_json_writer_bool_member (&w, "overdue",
                                  !fd_rules_ack_current (store, user->id, rules.version, now));
      fd_json_writer_end_object (&w);
    }
  fd_json_writer_end_array (&w);
  fd_json_writer_end_object (&w);
  fd_reply_writer (req, 200, &w);
}
