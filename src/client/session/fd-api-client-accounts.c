/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The typed calls of account administration and the second factor. */

#include "config.h"

#include "fd-api-client-calls-private.h"

#include <string.h>

#include "fd-error.h"
#include "fd-field.h"
#include "fd-wipe.h"

/* ---- accounts (issue 14) -------------------------------------------------- */

DEFINE_PAGE_CALL (list_users,
                  (FdApiClient *self),
                  g_strdup (FD_API_PATH_USERS), user)

/* issue 14: account administration and the payments list */

static Call *
user_call (void)
{
  return fd_call_record ((FdRecordParseFunc) fd_user_parse, (GDestroyNotify) fd_user_free);
}

static Call *
issued_call (void)
{
  return fd_call_record ((FdRecordParseFunc) fd_issued_password_parse,
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
              with_estates (fd_json_string_object (TRUE, "username", username,
                                                   "display_name", display_name,
                                                   "role", role, NULL), estates),
              issued_call ())

DEFINE_ASYNC (reset_password, (FdApiClient *self, const char *id),
              "POST", fd_api_path_user_action (id, "password"), NULL, issued_call ())

DEFINE_ASYNC (change_user,
              (FdApiClient *self, const char *id, const char *role, int disabled,
               const char * const *estates),
              "PATCH", fd_api_path_user (id), user_patch_body (role, disabled, estates),
              user_call ())

DEFINE_ASYNC (unlock_user, (FdApiClient *self, const char *id),
              "POST", fd_api_path_user_action (id, "unlock"), NULL, user_call ())

FdIssuedPassword *
fd_api_client_create_user_finish (FdApiClient    *self,
                                  GAsyncResult   *result,
                                  FdErrorDetail **detail,
                                  GError        **error)
{
  return fd_call_finish (self, result, fd_api_client_create_user_async, detail, error);
}

FdIssuedPassword *
fd_api_client_reset_password_finish (FdApiClient    *self,
                                     GAsyncResult   *result,
                                     FdErrorDetail **detail,
                                     GError        **error)
{
  return fd_call_finish (self, result, fd_api_client_reset_password_async, detail, error);
}

FdUser *
fd_api_client_change_user_finish (FdApiClient    *self,
                                  GAsyncResult   *result,
                                  FdErrorDetail **detail,
                                  GError        **error)
{
  return fd_call_finish (self, result, fd_api_client_change_user_async, detail, error);
}

FdUser *
fd_api_client_unlock_user_finish (FdApiClient    *self,
                                  GAsyncResult   *result,
                                  FdErrorDetail **detail,
                                  GError        **error)
{
  return fd_call_finish (self, result, fd_api_client_unlock_user_async, detail, error);
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
              "POST", g_strdup (FD_API_PATH_ACCOUNT_TOTP), fd_json_string_object (TRUE, NULL),
              fd_call_record (totp_uri_parse, (GDestroyNotify) fd_secret_free))
DEFINE_FINISH (char, totp_begin)

DEFINE_ASYNC (totp_confirm, (FdApiClient *self, const char *code),
              "POST", g_strdup (FD_API_PATH_ACCOUNT_TOTP),
              fd_json_string_object (TRUE, "code", code, NULL),
              fd_call_record (recovery_codes_parse, (GDestroyNotify) fd_wipe_strv))
DEFINE_FINISH (char *, totp_confirm)


/* ---- pwchange: self-service password change ------------------------------ */

DEFINE_ASYNC (change_password,
              (FdApiClient *self, const char *current_password, const char *new_password),
              "POST", g_strdup (FD_API_PATH_ACCOUNT_PASSWORD),
              fd_json_string_object (TRUE, "current_password", current_password,
                                     "new_password", new_password, NULL),
              fd_call_record (fd_call_no_content_parse, NULL))

gboolean
fd_api_client_change_password_finish (FdApiClient    *self,
                                      GAsyncResult   *result,
                                      FdErrorDetail **detail,
                                      GError        **error)
{
  return fd_call_finish (self, result, fd_api_client_change_password_async, detail, error) != NULL;
}
