/* fd-api-client-calls.c: the typed calls of FdApiClient, one per endpoint
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fd-api-client.h"

#include <string.h>

#include "fd-error.h"
#include "fd-field.h"
#include "fd-wipe.h"

/* One typed call: the raw request, then one parser over its answer. */
typedef struct
{
  FdRecordParseFunc  parse;        /* the record, or NULL for a page of… */
  FdRecordParseFunc  item_parse;   /* …these items */
  GDestroyNotify     item_free;
  GDestroyNotify     free_func;    /* of what parse returns */
  FdErrorDetail     *detail;       /* of a failed call */
} Call;

static void
call_free (Call *call)
{
  g_clear_pointer (&call->detail, fd_error_detail_free);
  g_free (call);
}

static gpointer
parse_answer (Call      *call,
              JsonNode  *root,
              GError   **error)
{
  if (call->parse != NULL)
    return call->parse (root, error);
  return fd_page_parse (root, call->item_parse, call->item_free, error);
}

static void
call_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Call *call = g_task_get_task_data (task);
  g_autoptr(JsonObject) error_object = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  gpointer value;

  root = fd_api_client_request_finish_full (FD_API_CLIENT (source), result,
                                            &error_object, &error);
  if (error != NULL)
    {
      if (error_object != NULL)
        {
          g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), error_object);

          call->detail = fd_error_detail_parse (node, NULL);
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  value = parse_answer (call, root, &error);
  if (call->parse == (FdRecordParseFunc) fd_revealed_parse)
    fd_wipe_json_string (root, "value");
  if (value == NULL)
    {
      g_message ("Malformed answer from the server");
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, value, call->free_func);
}

static Call *
record_call (FdRecordParseFunc parse,
             GDestroyNotify    free_func)
{
  Call *call = g_new0 (Call, 1);

  call->parse = parse;
  call->free_func = free_func;
  return call;
}

static Call *
page_call (FdRecordParseFunc parse,
           GDestroyNotify    item_free)
{
  Call *call = g_new0 (Call, 1);

  call->item_parse = parse;
  call->item_free = item_free;
  call->free_func = (GDestroyNotify) fd_page_free;
  return call;
}

static gpointer
finish_call (FdApiClient    *self,
             GAsyncResult   *result,
             gpointer        source_tag,
             FdErrorDetail **detail,
             GError        **error)
{
  Call *call;

  g_return_val_if_fail (FD_IS_API_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  call = g_task_get_task_data (G_TASK (result));
  if (detail != NULL)
    *detail = g_steal_pointer (&call->detail);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Type *fd_api_client_NAME_finish (self, result, error) of the call
 * started by fd_api_client_NAME_async(). */
#define DEFINE_FINISH(Type, name)                                              \
  Type *                                                                       \
  fd_api_client_##name##_finish (FdApiClient   *self,                          \
                                 GAsyncResult  *result,                        \
                                 GError       **error)                         \
  {                                                                            \
    return finish_call (self, result, fd_api_client_##name##_async, NULL, error); \
  }

/* Builds a flat object of string members from NULL-terminated pairs,
 * leaving out NULL and empty values. */
static JsonNode *
string_body (const char *first_member,
             ...)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const char *member = first_member;
  va_list args;

  json_builder_begin_object (builder);
  va_start (args, first_member);
  while (member != NULL)
    {
      const char *value = va_arg (args, const char *);

      if (value != NULL && *value != '\0')
        {
          json_builder_set_member_name (builder, member);
          json_builder_add_string_value (builder, value);
        }
      member = va_arg (args, const char *);
    }
  va_end (args);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* The request has its own copy of the body: wipe json-glib's. */
static void
wipe_body (JsonNode *body)
{
  JsonObject *object = json_node_get_object (body);
  g_autoptr(GList) members = json_object_get_members (object);

  for (GList *l = members; l != NULL; l = l->next)
    fd_wipe_json_string (body, l->data);
}

/* Sends METHOD to a path (a new string, wiped after) with a body (a new
 * node or NULL, its strings wiped after) and answers through a Call. */
static void
send_call (FdApiClient         *self,
           const char          *method,
           char                *path,
           JsonNode            *body,
           Call                *call,
           gpointer             source_tag,
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, call, (GDestroyNotify) call_free);
  fd_api_client_request_async (self, method, path, body, cancellable,
                               call_cb, g_steal_pointer (&task));
  fd_secret_free (path);
  if (body != NULL)
    {
      wipe_body (body);
      json_node_unref (body);
    }
}

#define UNPAREN(...) __VA_ARGS__

/* Defines void fd_api_client_NAME_async (PARAMS…, cancellable, callback,
 * user_data), whose task carries the source tag fd_api_client_TAG_async:
 * METHOD on the path PATH with the body BODY, answered through CALL. */
#define DEFINE_ASYNC_TAGGED(name, tag, params, method, path, body, call)       \
  void                                                                         \
  fd_api_client_##name##_async (UNPAREN params,                                \
                                GCancellable        *cancellable,              \
                                GAsyncReadyCallback  callback,                 \
                                gpointer             user_data)                \
  {                                                                            \
    send_call (self, method, (path), (body), (call), fd_api_client_##tag##_async, \
               cancellable, callback, user_data);                             \
  }

#define DEFINE_ASYNC(name, params, method, path, body, call)                   \
  DEFINE_ASYNC_TAGGED (name, name, params, method, path, body, call)

/* A GET of a page of fd_THING records, finished by fd_api_client_NAME_finish(). */
#define DEFINE_PAGE_CALL(name, params, path, thing)                            \
  DEFINE_ASYNC (name, params, "GET", path, NULL,                               \
                page_call ((FdRecordParseFunc) fd_##thing##_parse,             \
                           (GDestroyNotify) fd_##thing##_free))                \
  DEFINE_FINISH (FdPage, name)

/* ---- residents ------------------------------------------------------------ */

DEFINE_PAGE_CALL (search_residents,
                  (FdApiClient *self, const char *query, guint limit, const char *cursor),
                  fd_api_path_residents (query, limit, cursor), resident)

DEFINE_ASYNC (get_resident, (FdApiClient *self, const char *id),
              "GET", fd_api_path_resident (id, NULL), NULL,
              record_call ((FdRecordParseFunc) fd_resident_parse,
                           (GDestroyNotify) fd_resident_free))
DEFINE_FINISH (FdResident, get_resident)

DEFINE_ASYNC (reveal,
              (FdApiClient *self, const char *id, const char *field,
               const char *reason_code, const char *reason_text, const char *password),
              "POST", fd_api_path_resident (id, "reveal"),
              string_body ("field", field, "reason_code", reason_code,
                           "reason_text", reason_text, "password", password, NULL),
              record_call ((FdRecordParseFunc) fd_revealed_parse,
                           (GDestroyNotify) fd_revealed_free))

FdRevealed *
fd_api_client_reveal_finish (FdApiClient    *self,
                             GAsyncResult   *result,
                             FdErrorDetail **detail,
                             GError        **error)
{
  return finish_call (self, result, fd_api_client_reveal_async, detail, error);
}

static gpointer
verify_parse (JsonNode  *node,
              GError   **error)
{
  gboolean match = FALSE;

  if (!fd_verify_match_parse (node, &match, error))
    return NULL;
  return GINT_TO_POINTER (match ? 2 : 1);
}

DEFINE_ASYNC (verify,
              (FdApiClient *self, const char *id, const char *field, const char *value),
              "POST", fd_api_path_resident (id, "verify"),
              string_body ("field", field, "value", value, NULL),
              record_call (verify_parse, NULL))

gboolean
fd_api_client_verify_finish (FdApiClient   *self,
                             GAsyncResult  *result,
                             gboolean      *match,
                             GError       **error)
{
  int answer = GPOINTER_TO_INT (finish_call (self, result, fd_api_client_verify_async,
                                             NULL, error));

  if (match != NULL)
    *match = answer == 2;
  return answer != 0;
}

/* ---- rooms and visitors -------------------------------------------------- */

DEFINE_PAGE_CALL (list_rooms,
                  (FdApiClient *self, const char *prefix, guint limit),
                  fd_api_path_rooms (prefix, limit), room)

DEFINE_PAGE_CALL (list_visitors,
                  (FdApiClient *self, const char *date, guint limit, const char *cursor),
                  fd_api_path_visitors (date, limit, cursor), visitor)

/* A flat object of the string members of NULL-terminated name, value
 * pairs, leaving out empty values. */
static JsonNode *
members_body (const char *const *members)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  for (guint i = 0; members[i] != NULL && members[i + 1] != NULL; i += 2)
    if (*members[i + 1] != '\0')
      {
        json_builder_set_member_name (builder, members[i]);
        json_builder_add_string_value (builder, members[i + 1]);
      }
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

void
fd_api_client_register_visitor_async (FdApiClient         *self,
                                      const char *const   *members,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_return_if_fail (members != NULL);

  send_call (self, "POST", g_strdup (FD_API_PATH_VISITORS), members_body (members),
             record_call ((FdRecordParseFunc) fd_visitor_parse,
                          (GDestroyNotify) fd_visitor_free),
             fd_api_client_register_visitor_async, cancellable, callback, user_data);
}

FdVisitor *
fd_api_client_register_visitor_finish (FdApiClient    *self,
                                       GAsyncResult   *result,
                                       FdErrorDetail **detail,
                                       GError        **error)
{
  return finish_call (self, result, fd_api_client_register_visitor_async, detail, error);
}

DEFINE_ASYNC (checkout_visitor, (FdApiClient *self, const char *id),
              "POST", fd_api_path_visitor_checkout (id), NULL,
              record_call ((FdRecordParseFunc) fd_visitor_parse,
                           (GDestroyNotify) fd_visitor_free))
DEFINE_FINISH (FdVisitor, checkout_visitor)

/* issue 14 */
DEFINE_ASYNC (undo_checkout_visitor, (FdApiClient *self, const char *id),
              "POST", fd_api_path_visitor_undo_checkout (id), NULL,
              record_call ((FdRecordParseFunc) fd_visitor_parse,
                           (GDestroyNotify) fd_visitor_free))
DEFINE_FINISH (FdVisitor, undo_checkout_visitor)

/* {"items": ["快递", …]} → a NULL-terminated vector (no personal data). */
static gpointer
purposes_parse (JsonNode  *node,
                GError   **error)
{
  JsonNode *member = JSON_NODE_HOLDS_OBJECT (node)
                     ? json_object_get_member (json_node_get_object (node), "items")
                     : NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonArray *array;

  if (member == NULL || !JSON_NODE_HOLDS_ARRAY (member))
    {
      g_set_error (error, FD_ERROR, FD_ERROR_PROTOCOL, "The server sent no purposes");
      return NULL;
    }
  array = json_node_get_array (member);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (item) && json_node_get_value_type (item) == G_TYPE_STRING)
        g_strv_builder_add (builder, json_node_get_string (item));
    }
  return g_strv_builder_end (builder);
}

DEFINE_ASYNC (list_visitor_purposes, (FdApiClient *self),
              "GET", g_strdup (FD_API_PATH_VISITOR_PURPOSES), NULL,
              record_call (purposes_parse, (GDestroyNotify) g_strfreev))
DEFINE_FINISH (char *, list_visitor_purposes)

void
fd_api_client_export_visitors_async (FdApiClient         *self,
                                     const char          *date,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autofree char *path = fd_api_path_visitors_export (date);

  fd_api_client_get_bytes_async (self, path, cancellable, callback, user_data);
}

GBytes *
fd_api_client_export_visitors_finish (FdApiClient   *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  return fd_api_client_get_bytes_finish (self, result, error);
}

/* ---- oversight ------------------------------------------------------------ */

DEFINE_PAGE_CALL (list_audit,
                  (FdApiClient *self, const FdAuditQuery *query, guint limit, const char *cursor),
                  fd_api_path_audit (query, limit, cursor), audit_entry)

DEFINE_ASYNC (verify_audit, (FdApiClient *self),
              "GET", g_strdup (FD_API_PATH_AUDIT_VERIFY), NULL,
              record_call ((FdRecordParseFunc) fd_chain_status_parse,
                           (GDestroyNotify) fd_chain_status_free))
DEFINE_FINISH (FdChainStatus, verify_audit)

DEFINE_PAGE_CALL (list_alerts,
                  (FdApiClient *self),
                  g_strdup (FD_API_PATH_ALERTS), alert)

DEFINE_ASYNC (get_incident, (FdApiClient *self),
              "GET", g_strdup (FD_API_PATH_INCIDENT), NULL,
              record_call ((FdRecordParseFunc) fd_incident_parse,
                           (GDestroyNotify) fd_incident_free))

static JsonNode *
frozen_body (gboolean frozen)
{
  JsonNode *body = json_node_init_object (json_node_alloc (), json_object_new ());

  json_object_set_boolean_member (json_node_get_object (body), "frozen", frozen);
  json_object_unref (json_node_get_object (body));
  return body;
}

/* Finished by fd_api_client_get_incident_finish(), hence its tag. */
DEFINE_ASYNC_TAGGED (set_incident, get_incident, (FdApiClient *self, gboolean frozen),
                     "PUT", g_strdup (FD_API_PATH_INCIDENT), frozen_body (frozen),
                     record_call ((FdRecordParseFunc) fd_incident_parse,
                                  (GDestroyNotify) fd_incident_free))
DEFINE_FINISH (FdIncident, get_incident)

DEFINE_PAGE_CALL (list_users,
                  (FdApiClient *self),
                  g_strdup (FD_API_PATH_USERS), user)

/* issue 14: account administration and the payments list */

static Call *
user_call (void)
{
  return record_call ((FdRecordParseFunc) fd_user_parse, (GDestroyNotify) fd_user_free);
}

static Call *
issued_call (void)
{
  return record_call ((FdRecordParseFunc) fd_issued_password_parse,
                      (GDestroyNotify) fd_issued_password_free);
}

/* Adds "estates": [codes…] to @body when @estates is not NULL. */
static JsonNode *
with_estates (JsonNode           *body,
              const char * const *estates)
{
  JsonArray *array;

  if (estates == NULL)
    return body;
  array = json_array_new ();
  for (guint i = 0; estates[i] != NULL; i++)
    json_array_add_string_element (array, estates[i]);
  json_object_set_array_member (json_node_get_object (body), "estates", array);
  return body;
}

/* {"role": …}, {"disabled": …}, {"estates": […]} */
static JsonNode *
user_patch_body (const char         *role,
                 int                 disabled,
                 const char * const *estates)
{
  JsonNode *body = json_node_init_object (json_node_alloc (), json_object_new ());
  JsonObject *object = json_node_get_object (body);

  if (role != NULL)
    json_object_set_string_member (object, "role", role);
  if (disabled != -1)
    json_object_set_boolean_member (object, "disabled", disabled != 0);
  json_object_unref (object);
  return with_estates (body, estates);
}

DEFINE_ASYNC (create_user,
              (FdApiClient *self, const char *username, const char *display_name, const char *role,
               const char * const *estates),
              "POST", g_strdup (FD_API_PATH_USERS),
              with_estates (string_body ("username", username, "display_name", display_name,
                                         "role", role, NULL), estates),
              issued_call ())

DEFINE_ASYNC (reset_password, (FdApiClient *self, const char *id),
              "POST", fd_api_path_user_action (id, "password"), NULL, issued_call ())

DEFINE_ASYNC (change_user,
              (FdApiClient *self, const char *id, const char *role, int disabled,
               const char * const *estates),
              "PATCH", fd_api_path_user (id), user_patch_body (role, disabled, estates), user_call ())

DEFINE_ASYNC (unlock_user, (FdApiClient *self, const char *id),
              "POST", fd_api_path_user_action (id, "unlock"), NULL, user_call ())

FdIssuedPassword *
fd_api_client_create_user_finish (FdApiClient    *self,
                                  GAsyncResult   *result,
                                  FdErrorDetail **detail,
                                  GError        **error)
{
  return finish_call (self, result, fd_api_client_create_user_async, detail, error);
}

FdIssuedPassword *
fd_api_client_reset_password_finish (FdApiClient    *self,
                                     GAsyncResult   *result,
                                     FdErrorDetail **detail,
                                     GError        **error)
{
  return finish_call (self, result, fd_api_client_reset_password_async, detail, error);
}

FdUser *
fd_api_client_change_user_finish (FdApiClient    *self,
                                  GAsyncResult   *result,
                                  FdErrorDetail **detail,
                                  GError        **error)
{
  return finish_call (self, result, fd_api_client_change_user_async, detail, error);
}

FdUser *
fd_api_client_unlock_user_finish (FdApiClient    *self,
                                  GAsyncResult   *result,
                                  FdErrorDetail **detail,
                                  GError        **error)
{
  return finish_call (self, result, fd_api_client_unlock_user_async, detail, error);
}

DEFINE_PAGE_CALL (list_payments,
                  (FdApiClient *self, gboolean overdue_only, const char *query, guint limit,
                   const char *cursor),
                  fd_api_path_payments (overdue_only, query, limit, cursor), resident)

/* ---- health --------------------------------------------------------------- */

static gpointer
health_parse (JsonNode  *node,
              GError   **error)
{
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node) ||
      g_strcmp0 (fd_json_get_string (json_node_get_object (node), "status"), "ok") != 0)
    {
      g_set_error_literal (error, FD_ERROR, FD_ERROR_PROTOCOL,
                           "not a Front Desk health answer");
      return NULL;
    }
  return GINT_TO_POINTER (1);
}

DEFINE_ASYNC (check_health, (FdApiClient *self),
              "GET", g_strdup (FD_API_PATH_HEALTH), NULL, record_call (health_parse, NULL))

gboolean
fd_api_client_check_health_finish (FdApiClient   *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return finish_call (self, result, fd_api_client_check_health_async, NULL, error) != NULL;
}

/* ---- access review (issue 12) --------------------------------------------- */

DEFINE_ASYNC (get_review, (FdApiClient *self),
              "GET", fd_api_path_review ("current", NULL), NULL,
              record_call ((FdRecordParseFunc) fd_review_parse, (GDestroyNotify) fd_review_free))

/* The review calls all answer a review: one finish, hence one tag. */
DEFINE_ASYNC_TAGGED (open_review, get_review, (FdApiClient *self),
                     "POST", g_strdup (FD_API_PATH_REVIEWS),
                     json_node_init_object (json_node_alloc (), json_object_new ()),
                     record_call ((FdRecordParseFunc) fd_review_parse,
                                  (GDestroyNotify) fd_review_free))

DEFINE_ASYNC_TAGGED (decide_review, get_review,
                     (FdApiClient *self, const char *review_id, const char *user_id,
                      const char *decision, const char *role),
                     "POST", fd_api_path_review (review_id, "decisions"),
                     string_body ("user_id", user_id, "decision", decision, "role", role, NULL),
                     record_call ((FdRecordParseFunc) fd_review_parse,
                                  (GDestroyNotify) fd_review_free))

DEFINE_ASYNC_TAGGED (sign_off_review, get_review, (FdApiClient *self, const char *review_id),
                     "POST", fd_api_path_review (review_id, "sign-off"), NULL,
                     record_call ((FdRecordParseFunc) fd_review_parse,
                                  (GDestroyNotify) fd_review_free))

FdReview *
fd_api_client_get_review_finish (FdApiClient    *self,
                                 GAsyncResult   *result,
                                 FdErrorDetail **detail,
                                 GError        **error)
{
  return finish_call (self, result, fd_api_client_get_review_async, detail, error);
}

void
fd_api_client_export_review_async (FdApiClient         *self,
                                   const char          *review_id,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autofree char *path = fd_api_path_review (review_id, "export");

  fd_api_client_get_bytes_async (self, path, cancellable, callback, user_data);
}
/* ---- second factor (issue 15) ---------------------------------------------- */

/* {"secret_uri": "otpauth://…"} → the URI; json-glib's copy is wiped. */
static gpointer
totp_uri_parse (JsonNode  *node,
                GError   **error)
{
  const char *uri = JSON_NODE_HOLDS_OBJECT (node)
                    ? fd_json_get_string (json_node_get_object (node), "secret_uri") : NULL;
  char *copy;

  if (uri == NULL || !g_str_has_prefix (uri, "otpauth://totp/"))
    {
      g_set_error (error, FD_ERROR, FD_ERROR_PROTOCOL, "The server sent no set-up code");
      return NULL;
    }
  copy = g_strdup (uri);
  fd_wipe_json_string (node, "secret_uri");
  return copy;
}

/* {"recovery_codes": ["…", …]} → a NULL-terminated vector; json-glib's
 * copies are wiped. */
static gpointer
recovery_codes_parse (JsonNode  *node,
                      GError   **error)
{
  JsonNode *member = JSON_NODE_HOLDS_OBJECT (node)
                     ? json_object_get_member (json_node_get_object (node), "recovery_codes")
                     : NULL;
  g_autoptr(GPtrArray) codes = g_ptr_array_new ();
  JsonArray *array;

  if (member == NULL || !JSON_NODE_HOLDS_ARRAY (member))
    goto bad;
  array = json_node_get_array (member);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      char *text;

      if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
        {
          g_ptr_array_add (codes, NULL);
          fd_wipe_strv ((char **) g_ptr_array_free (g_steal_pointer (&codes), FALSE));
          goto bad;
        }
      text = (char *) json_node_get_string (item);
      g_ptr_array_add (codes, g_strdup (text));
      explicit_bzero (text, strlen (text));
    }
  if (codes->len == 0)
    goto bad;
  g_ptr_array_add (codes, NULL);
  return g_ptr_array_free (g_steal_pointer (&codes), FALSE);

bad:
  g_set_error (error, FD_ERROR, FD_ERROR_PROTOCOL, "The server sent no recovery codes");
  return NULL;
}

DEFINE_ASYNC (totp_begin, (FdApiClient *self),
              "POST", g_strdup (FD_API_PATH_ACCOUNT_TOTP), string_body (NULL),
              record_call (totp_uri_parse, (GDestroyNotify) fd_secret_free))
DEFINE_FINISH (char, totp_begin)

DEFINE_ASYNC (totp_confirm, (FdApiClient *self, const char *code),
              "POST", g_strdup (FD_API_PATH_ACCOUNT_TOTP), string_body ("code", code, NULL),
              record_call (recovery_codes_parse, (GDestroyNotify) fd_wipe_strv))
DEFINE_FINISH (char *, totp_confirm)

/* ---- rules and incident radius (issue 12) --------------------------------- */

DEFINE_ASYNC (get_rules, (FdApiClient *self),
              "GET", g_strdup (FD_API_PATH_RULES), NULL,
              record_call ((FdRecordParseFunc) fd_rules_text_parse,
                           (GDestroyNotify) fd_rules_text_free))
DEFINE_FINISH (FdRulesText, get_rules)

/* 204: no answer to parse */
static gpointer
no_content_parse (JsonNode  *node,
                  GError   **error)
{
  return GINT_TO_POINTER (1);
}

DEFINE_ASYNC (acknowledge_rules, (FdApiClient *self, gint64 version),
              "POST", g_strdup (FD_API_PATH_RULES_ACKNOWLEDGE), fd_rules_acknowledge_body (version),
              record_call (no_content_parse, NULL))

gboolean
fd_api_client_acknowledge_rules_finish (FdApiClient   *self,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  return finish_call (self, result, fd_api_client_acknowledge_rules_async, NULL, error) != NULL;
}

DEFINE_PAGE_CALL (list_rules_acks,
                  (FdApiClient *self),
                  g_strdup (FD_API_PATH_RULES_ACKS), rules_ack)

DEFINE_ASYNC (get_radius,
              (FdApiClient *self, const char *user, const char *from, const char *to,
               const char *cause),
              "GET", fd_api_path_radius (user, from, to, cause, FALSE), NULL,
              record_call ((FdRecordParseFunc) fd_radius_report_parse,
                           (GDestroyNotify) fd_radius_report_free))
DEFINE_FINISH (FdRadiusReport, get_radius)

void
fd_api_client_export_radius_async (FdApiClient         *self,
                                   const char          *user,
                                   const char          *from,
                                   const char          *to,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autofree char *path = fd_api_path_radius (user, from, to, NULL, TRUE);

  fd_api_client_get_bytes_async (self, path, cancellable, callback, user_data);
}

/* ---- pwchange: self-service password change ------------------------------ */

DEFINE_ASYNC (change_password,
              (FdApiClient *self, const char *current_password, const char *new_password),
              "POST", g_strdup (FD_API_PATH_ACCOUNT_PASSWORD),
              string_body ("current_password", current_password,
                           "new_password", new_password, NULL),
              record_call (no_content_parse, NULL))

gboolean
fd_api_client_change_password_finish (FdApiClient    *self,
                                      GAsyncResult   *result,
                                      FdErrorDetail **detail,
                                      GError        **error)
{
  return finish_call (self, result, fd_api_client_change_password_async, detail, error) != NULL;
}
