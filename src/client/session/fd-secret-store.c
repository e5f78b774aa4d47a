/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The session token in the system keyring (libsecret), or in memory when there is none. */

#include "config.h"

#include "fd-secret-store.h"

#include <glib/gi18n.h>
#include <string.h>

#include "fd-field.h"

struct _FdSecretStore
{
  GObject  parent_instance;

  gboolean available;
};

G_DEFINE_FINAL_TYPE (FdSecretStore, fd_secret_store, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_AVAILABLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const SecretSchema session_schema = {
  .name = "io.github.frontdesk.FrontDesk.Session",
  .flags = SECRET_SCHEMA_NONE,
  .attributes = {
    { .name = "server", .type = SECRET_SCHEMA_ATTRIBUTE_STRING },
    { .name = "username", .type = SECRET_SCHEMA_ATTRIBUTE_STRING },
    { .name = "schema-version", .type = SECRET_SCHEMA_ATTRIBUTE_INTEGER },
    { .name = NULL },
  },
};

const SecretSchema *
fd_secret_store_get_schema (void)
{
  return &session_schema;
}

static void
fd_secret_store_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  FdSecretStore *self = FD_SECRET_STORE (object);

  switch (prop_id)
    {
    case PROP_AVAILABLE:
      g_value_set_boolean (value, self->available);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fd_secret_store_class_init (FdSecretStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = fd_secret_store_get_property;

  properties[PROP_AVAILABLE] =
    g_param_spec_boolean ("available", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fd_secret_store_init (FdSecretStore *self)
{
  self->available = TRUE;
}

FdSecretStore *
fd_secret_store_new (void)
{
  return g_object_new (FD_TYPE_SECRET_STORE, NULL);
}

gboolean
fd_secret_store_get_available (FdSecretStore *self)
{
  g_return_val_if_fail (FD_IS_SECRET_STORE (self), FALSE);

  return self->available;
}

/* Any error that is not about the item itself means there is no usable
 * Secret Service; a locked collection is as good as none for us. */
static gboolean
check_unavailable (FdSecretStore *self,
                   const GError  *error)
{
  if (error == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return FALSE;

  if (error->domain == SECRET_ERROR && error->code != SECRET_ERROR_IS_LOCKED)
    return FALSE;

  g_message ("Keyring unavailable: %s", error->message);
  if (self->available)
    {
      self->available = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AVAILABLE]);
    }
  return TRUE;
}

/* Ends a store or a clear; an error also tells whether there is a
 * keyring at all. */
static void
return_done (GTask  *task,
             GError *error)
{
  if (error != NULL)
    {
      check_unavailable (g_task_get_source_object (task), error);
      g_task_return_error (task, error);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

/* Ends a store or a clear; FALSE from a clear without an error: there
 * was nothing to delete. */
static void
done_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (g_task_get_source_tag (task) == fd_secret_store_store_async)
    secret_password_store_finish (result, &error);
  else
    secret_password_clear_finish (result, &error);
  return_done (task, error);
}

/* The task of a store, a lookup or a clear (@source_tag); NULL when it
 * is answered already because there is no keyring: a store fails, a
 * lookup finds nothing and a clear is done. */
static GTask *
begin_task (FdSecretStore       *self,
            gpointer             source_tag,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  if (self->available)
    return task;

  if (source_tag == fd_secret_store_store_async)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                             "Keyring unavailable");
  else if (source_tag == fd_secret_store_lookup_async)
    g_task_return_pointer (task, NULL, NULL);
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
  return NULL;
}

/* The end of a store or a clear. */
static gboolean
finish_done (FdSecretStore  *self,
             GAsyncResult   *result,
             GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
fd_secret_store_store_async (FdSecretStore       *self,
                             const char          *server,
                             const char          *username,
                             const char          *token,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *label = NULL;

  g_return_if_fail (FD_IS_SECRET_STORE (self));
  g_return_if_fail (server != NULL && username != NULL && token != NULL);

  task = begin_task (self, fd_secret_store_store_async, cancellable, callback, user_data);
  if (task == NULL)
    return;

  /* Translators: the label of the keyring item; %s is a user name */
  label = g_strdup_printf (_("Front Desk session of %s"), username);
  secret_password_store (&session_schema, SECRET_COLLECTION_DEFAULT, label, token,
                         cancellable, done_cb, g_steal_pointer (&task),
                         "server", server,
                         "username", username,
                         "schema-version", FD_SECRET_SCHEMA_VERSION,
                         NULL);
}

gboolean
fd_secret_store_store_finish (FdSecretStore  *self,
                              GAsyncResult   *result,
                              GError        **error)
{
  return finish_done (self, result, error);
}

static void
free_token (gpointer token)
{
  fd_secret_free (token);
}

static void
lookup_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FdSecretStore *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  char *secret;
  char *token = NULL;

  secret = secret_password_lookup_finish (result, &error);
  if (error != NULL)
    {
      if (check_unavailable (self, error))
        g_task_return_pointer (task, NULL, NULL);
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (secret != NULL)
    {
      /* Own copy, so callers free every token the same way. */
      token = g_strdup (secret);
      secret_password_free (secret);
    }

  g_task_return_pointer (task, token, free_token);
}

/* A lookup, or a clear (@source_tag), of the session of @username on @server. */
static void
lookup_or_clear (FdSecretStore       *self,
                 gpointer             source_tag,
                 const char          *server,
                 const char          *username,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (FD_IS_SECRET_STORE (self));
  g_return_if_fail (server != NULL && username != NULL);

  task = begin_task (self, source_tag, cancellable, callback, user_data);
  if (task == NULL)
    return;

  if (source_tag == fd_secret_store_lookup_async)
    secret_password_lookup (&session_schema, cancellable, lookup_cb, g_steal_pointer (&task),
                            "server", server,
                            "username", username,
                            "schema-version", FD_SECRET_SCHEMA_VERSION,
                            NULL);
  else
    /* Every schema version of this server and user goes. */
    secret_password_clear (&session_schema, cancellable, done_cb, g_steal_pointer (&task),
                           "server", server,
                           "username", username,
                           NULL);
}

void
fd_secret_store_lookup_async (FdSecretStore       *self,
                              const char          *server,
                              const char          *username,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  lookup_or_clear (self, fd_secret_store_lookup_async, server, username, cancellable, callback,
                   user_data);
}

char *
fd_secret_store_lookup_finish (FdSecretStore  *self,
                               GAsyncResult   *result,
                               GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
fd_secret_store_clear_async (FdSecretStore       *self,
                             const char          *server,
                             const char          *username,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  lookup_or_clear (self, fd_secret_store_clear_async, server, username, cancellable, callback,
                   user_data);
}

gboolean
fd_secret_store_clear_finish (FdSecretStore  *self,
                              GAsyncResult   *result,
                              GError        **error)
{
  return finish_done (self, result, error);
}
