/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Screen-saver and sleep signals on D-Bus that lock the app, and the wake-up after sleep. */

#include "config.h"

#include "fd-system-watch.h"

struct _FdSystemWatch
{
  GObject          parent_instance;

  GCancellable    *cancellable;
  GDBusConnection *session_bus;
  GDBusConnection *system_bus;
  guint            gnome_id;
  guint            freedesktop_id;
  guint            sleep_id;
};

G_DEFINE_FINAL_TYPE (FdSystemWatch, fd_system_watch, G_TYPE_OBJECT)

enum {
  LOCK_REQUESTED,
  RESUMED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ActiveChanged (b) of a screensaver: TRUE locks. PrepareForSleep (b)
 * of logind: TRUE (going down) locks, FALSE is the resume. */
static void
bool_signal_cb (GDBusConnection *connection,
                const char      *sender_name,
                const char      *object_path,
                const char      *interface_name,
                const char      *signal_name,
                GVariant        *parameters,
                gpointer         user_data)
{
  FdSystemWatch *self = user_data;
  gboolean value = FALSE;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(b)")))
    return;

  g_variant_get (parameters, "(b)", &value);
  g_debug ("%s.%s(%d)", interface_name, signal_name, value);
  if (g_strcmp0 (signal_name, "PrepareForSleep") == 0)
    g_signal_emit (self, signals[value ? LOCK_REQUESTED : RESUMED], 0);
  else if (value)
    g_signal_emit (self, signals[LOCK_REQUESTED], 0);
}

static void
system_bus_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(FdSystemWatch) self = user_data;
  g_autoptr(GError) error = NULL;
  GDBusConnection *bus;

  bus = g_bus_get_finish (result, &error);
  if (bus == NULL)
    {
      g_debug ("No system bus, no sleep notifications: %s", error->message);
      return;
    }

  if (g_cancellable_is_cancelled (self->cancellable))
    {
      g_object_unref (bus);
      return;
    }

  self->system_bus = bus;
  self->sleep_id =
    g_dbus_connection_signal_subscribe (bus, "org.freedesktop.login1",
                                        "org.freedesktop.login1.Manager",
                                        "PrepareForSleep",
                                        "/org/freedesktop/login1",
                                        NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                        bool_signal_cb, self, NULL);
}

static void
fd_system_watch_dispose (GObject *object)
{
  FdSystemWatch *self = FD_SYSTEM_WATCH (object);

  g_cancellable_cancel (self->cancellable);

  if (self->session_bus != NULL)
    {
      if (self->gnome_id != 0)
        g_dbus_connection_signal_unsubscribe (self->session_bus, self->gnome_id);
      if (self->freedesktop_id != 0)
        g_dbus_connection_signal_unsubscribe (self->session_bus, self->freedesktop_id);
      self->gnome_id = self->freedesktop_id = 0;
    }
  if (self->system_bus != NULL && self->sleep_id != 0)
    {
      g_dbus_connection_signal_unsubscribe (self->system_bus, self->sleep_id);
      self->sleep_id = 0;
    }

  g_clear_object (&self->session_bus);
  g_clear_object (&self->system_bus);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (fd_system_watch_parent_class)->dispose (object);
}

static void
fd_system_watch_class_init (FdSystemWatchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fd_system_watch_dispose;

  signals[LOCK_REQUESTED] =
    g_signal_new ("lock-requested",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  signals[RESUMED] =
    g_signal_new ("resumed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
fd_system_watch_init (FdSystemWatch *self)
{
  self->cancellable = g_cancellable_new ();
}

FdSystemWatch *
fd_system_watch_new (GDBusConnection *session_bus)
{
  FdSystemWatch *self;

  g_return_val_if_fail (session_bus == NULL || G_IS_DBUS_CONNECTION (session_bus), NULL);

  self = g_object_new (FD_TYPE_SYSTEM_WATCH, NULL);

  if (session_bus != NULL)
    {
      /* Any sender: a forged ActiveChanged can only lock us, never unlock. */
      self->session_bus = g_object_ref (session_bus);
      self->gnome_id =
        g_dbus_connection_signal_subscribe (session_bus, NULL, "org.gnome.ScreenSaver",
                                            "ActiveChanged", NULL, NULL,
                                            G_DBUS_SIGNAL_FLAGS_NONE,
                                            bool_signal_cb, self, NULL);
      self->freedesktop_id =
        g_dbus_connection_signal_subscribe (session_bus, NULL, "org.freedesktop.ScreenSaver",
                                            "ActiveChanged", NULL, NULL,
                                            G_DBUS_SIGNAL_FLAGS_NONE,
                                            bool_signal_cb, self, NULL);
    }

  g_bus_get (G_BUS_TYPE_SYSTEM, self->cancellable, system_bus_cb, g_object_ref (self));

  return self;
}
