/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The typed calls' machinery and the front desk's calls. */

#include "config.h"

#include "fd-api-client-calls-private.h"

#include <string.h>

#include "fd-error.h"
#include "fd-field.h"
#include "fd-wipe.h"

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

Call *
fd_call_record (FdRecordParseFunc parse,
                GDestroyNotify    free_func)
{
  Call *call = g_new0 (Call, 1);

  call->parse = parse;
  call->free_func = free_func;
  return call;
}

gpointer
fd_call_no_content_parse (JsonNode  *node,
                          GError   **error)
{
  return GINT_TO_POINTER (1);
}

Call *
fd_call_page (FdRecordParseFunc parse,
              GDestroyNotify    item_free)
{
  Call *call = g_new0 (Call, 1);

  call->item_parse = parse;
  call->item_free = item_free;
  call->free_func = (GDestroyNotify) fd_page_free;
  return call;
}

gpointer
fd_call_finish (FdApiClient    *self,
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
void
fd_call_send (FdApiClient         *self,
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

/* ---- residents ------------------------------------------------------------ */

DEFINE_PAGE_CALL (search_residents,
                  (FdApiClient *self, const char *query, guint limit, const char *cursor),
                  fd_api_path_residents (query, limit, cursor), resident)

DEFINE_ASYNC (get_resident, (FdApiClient *self, const char *id),
              "GET", fd_api_path_resident (id, NULL), NULL,
              fd_call_record ((FdRecordParseFunc) fd_resident_parse,
                              (GDestroyNotify) fd_resident_free))
DEFINE_FINISH (FdResident, get_resident)

DEFINE_ASYNC (reveal,
              (FdApiClient *self, const char *id, const char *field,
               const char *reason_code, const char *reason_text, const char *password),
              "POST", fd_api_path_resident (id, "reveal"),
              fd_json_string_object (TRUE, "field", field, "reason_code", reason_code,
                                     "reason_text", reason_text, "password", password, NULL),
              fd_call_record ((FdRecordParseFunc) fd_revealed_parse,
                              (GDestroyNotify) fd_revealed_free))

FdRevealed *
fd_api_client_reveal_finish (FdApiClient    *self,
                             GAsyncResult   *result,
                             FdErrorDetail **detail,
                             GError        **error)
{
  return fd_call_finish (self, result, fd_api_client_reveal_async, detail, error);
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
              fd_json_string_object (TRUE, "field", field, "value", value, NULL),
              fd_call_record (verify_parse, NULL))

gboolean
fd_api_client_verify_finish (FdApiClient   *self,
                             GAsyncResult  *result,
                             gboolean      *match,
                             GError       **error)
{
  int answer = GPOINTER_TO_INT (fd_call_finish (self, result, fd_api_client_verify_async,
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

  fd_call_send (self, "POST", g_strdup (FD_API_PATH_VISITORS), members_body (members),
                fd_call_record ((FdRecordParseFunc) fd_visitor_parse,
                          (GDestroyNotify) fd_visitor_free),
                fd_api_client_register_visitor_async, cancellable, callback, user_data);
}

FdVisitor *
fd_api_client_register_visitor_finish (FdApiClient    *self,
                                       GAsyncResult   *result,
                                       FdErrorDetail **detail,
                                       GError        **error)
{
  return fd_call_finish (self, result, fd_api_client_register_visitor_async, detail, error);
}

DEFINE_ASYNC (checkout_visitor, (FdApiClient *self, const char *id),
              "POST", fd_api_path_visitor_checkout (id), NULL,
              fd_call_record ((FdRecordParseFunc) fd_visitor_parse,
                              (GDestroyNotify) fd_visitor_free))
DEFINE_FINISH (FdVisitor, checkout_visitor)

/* issue 14 */
DEFINE_ASYNC (undo_checkout_visitor, (FdApiClient *self, const char *id),
              "POST", fd_api_path_visitor_undo_checkout (id), NULL,
              fd_call_record ((FdRecordParseFunc) fd_visitor_parse,
                              (GDestroyNotify) fd_visitor_free))
DEFINE_FINISH (FdVisitor, undo_checkout_visitor)

DEFINE_ASYNC (list_visitor_purposes, (FdApiClient *self),
              "GET", g_strdup (FD_API_PATH_VISITOR_PURPOSES), NULL,
              fd_call_record ((FdRecordParseFunc) fd_string_page_parse,
                              (GDestroyNotify) g_strfreev))
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
              "GET", g_strdup (FD_API_PATH_HEALTH), NULL, fd_call_record (health_parse, NULL))

gboolean
fd_api_client_check_health_finish (FdApiClient   *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return fd_call_finish (self, result, fd_api_client_check_health_async, NULL, error) != NULL;
}

