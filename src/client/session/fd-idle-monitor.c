/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The idle monitor: input on every window, a deadline on a clock that counts through suspend. */

#include "config.h"

#include "fd-idle-monitor.h"

#include <time.h>

#define DEFAULT_CHECK_INTERVAL_MS 1000

struct _FdIdleMonitor
{
  GObject          parent_instance;

  FdIdleClockFunc  clock_func;
  gpointer         clock_data;
  guint            interval_ms;
  guint            timeout_s;
  guint            tick_id;
  gint64           last_activity;
  /* GtkWindow* → GtkEventController* (owned by the window) */
  GHashTable      *watched;
};

G_DEFINE_FINAL_TYPE (FdIdleMonitor, fd_idle_monitor, G_TYPE_OBJECT)

enum {
  IDLE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void window_weak_notify (gpointer  data,
                                GObject  *where_the_object_was);

gint64
fd_idle_monitor_boottime_now (void)
{
  struct timespec ts;

  if (clock_gettime (CLOCK_BOOTTIME, &ts) != 0)
    return g_get_monotonic_time ();

  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static gint64
default_clock (gpointer user_data)
{
  return fd_idle_monitor_boottime_now ();
}

static gint64
now (FdIdleMonitor *self)
{
  return self->clock_func (self->clock_data);
}

static void
unwatch_all (FdIdleMonitor *self)
{
  GHashTableIter iter;
  gpointer window, controller;

  g_hash_table_iter_init (&iter, self->watched);
  while (g_hash_table_iter_next (&iter, &window, &controller))
    {
      g_object_weak_unref (window, window_weak_notify, self);
      gtk_widget_remove_controller (GTK_WIDGET (window), controller);
      g_hash_table_iter_remove (&iter);
    }
}

static void
fd_idle_monitor_dispose (GObject *object)
{
  FdIdleMonitor *self = FD_IDLE_MONITOR (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (self->watched != NULL)
    unwatch_all (self);

  G_OBJECT_CLASS (fd_idle_monitor_parent_class)->dispose (object);
}

static void
fd_idle_monitor_finalize (GObject *object)
{
  FdIdleMonitor *self = FD_IDLE_MONITOR (object);

  g_clear_pointer (&self->watched, g_hash_table_unref);

  G_OBJECT_CLASS (fd_idle_monitor_parent_class)->finalize (object);
}

static void
fd_idle_monitor_class_init (FdIdleMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fd_idle_monitor_dispose;
  object_class->finalize = fd_idle_monitor_finalize;

  signals[IDLE] =
    g_signal_new ("idle",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
fd_idle_monitor_init (FdIdleMonitor *self)
{
  self->clock_func = default_clock;
  self->interval_ms = DEFAULT_CHECK_INTERVAL_MS;
  self->watched = g_hash_table_new (NULL, NULL);
  self->last_activity = now (self);
}

FdIdleMonitor *
fd_idle_monitor_new (void)
{
  return g_object_new (FD_TYPE_IDLE_MONITOR, NULL);
}

void
fd_idle_monitor_set_clock (FdIdleMonitor   *self,
                           FdIdleClockFunc  func,
                           gpointer         user_data)
{
  g_return_if_fail (FD_IS_IDLE_MONITOR (self));

  self->clock_func = func != NULL ? func : default_clock;
  self->clock_data = func != NULL ? user_data : NULL;
  self->last_activity = now (self);
}

static gboolean
tick_cb (gpointer user_data)
{
  FdIdleMonitor *self = user_data;

  fd_idle_monitor_check (self);
  return G_SOURCE_CONTINUE;
}

static void
restart_tick (FdIdleMonitor *self)
{
  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (self->timeout_s == 0)
    return;

  if (self->interval_ms % 1000 == 0)
    self->tick_id = g_timeout_add_seconds (self->interval_ms / 1000, tick_cb, self);
  else
    self->tick_id = g_timeout_add (self->interval_ms, tick_cb, self);
  g_source_set_name_by_id (self->tick_id, "[frontdesk] idle check");
}

void
fd_idle_monitor_set_check_interval (FdIdleMonitor *self,
                                    guint          interval_ms)
{
  g_return_if_fail (FD_IS_IDLE_MONITOR (self));

  self->interval_ms = MAX (interval_ms, 10);
  if (self->tick_id != 0)
    restart_tick (self);
}

static gboolean
legacy_event_cb (GtkEventControllerLegacy *controller,
                 GdkEvent                 *event,
                 FdIdleMonitor            *self)
{
  switch ((int) gdk_event_get_event_type (event))
    {
    case GDK_MOTION_NOTIFY:
    case GDK_BUTTON_PRESS:
    case GDK_BUTTON_RELEASE:
    case GDK_KEY_PRESS:
    case GDK_KEY_RELEASE:
    case GDK_SCROLL:
    case GDK_TOUCH_BEGIN:
    case GDK_TOUCH_UPDATE:
    case GDK_TOUCH_END:
    case GDK_TOUCHPAD_SWIPE:
    case GDK_TOUCHPAD_PINCH:
    case GDK_TOUCHPAD_HOLD:
    case GDK_PAD_BUTTON_PRESS:
    case GDK_PAD_RING:
    case GDK_PAD_STRIP:
      fd_idle_monitor_activity (self);
      break;
    default:
      break;
    }

  return GDK_EVENT_PROPAGATE;
}

static void
window_weak_notify (gpointer  data,
                    GObject  *where_the_object_was)
{
  FdIdleMonitor *self = data;

  g_hash_table_remove (self->watched, where_the_object_was);
}

static void
watch_window (FdIdleMonitor *self,
              GtkWindow     *window)
{
  GtkEventController *controller;

  if (g_hash_table_contains (self->watched, window))
    return;

  controller = gtk_event_controller_legacy_new ();
  gtk_event_controller_set_name (controller, "fd-idle-monitor");
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect_object (controller, "event", G_CALLBACK (legacy_event_cb), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (window), controller);

  g_object_weak_ref (G_OBJECT (window), window_weak_notify, self);
  g_hash_table_insert (self->watched, window, controller);
}

static void
watch_toplevels (FdIdleMonitor *self)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  guint n = g_list_model_get_n_items (toplevels);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      watch_window (self, window);
    }
}

void
fd_idle_monitor_start (FdIdleMonitor *self,
                       guint          timeout_s)
{
  g_return_if_fail (FD_IS_IDLE_MONITOR (self));

  self->timeout_s = timeout_s;
  self->last_activity = now (self);
  if (timeout_s > 0)
    watch_toplevels (self);
  restart_tick (self);
}

void
fd_idle_monitor_stop (FdIdleMonitor *self)
{
  g_return_if_fail (FD_IS_IDLE_MONITOR (self));

  self->timeout_s = 0;
  g_clear_handle_id (&self->tick_id, g_source_remove);
}

gboolean
fd_idle_monitor_get_running (FdIdleMonitor *self)
{
  g_return_val_if_fail (FD_IS_IDLE_MONITOR (self), FALSE);

  return self->timeout_s > 0;
}

guint
fd_idle_monitor_get_timeout (FdIdleMonitor *self)
{
  g_return_val_if_fail (FD_IS_IDLE_MONITOR (self), 0);

  return self->timeout_s;
}

void
fd_idle_monitor_activity (FdIdleMonitor *self)
{
  g_return_if_fail (FD_IS_IDLE_MONITOR (self));

  self->last_activity = now (self);
}

gboolean
fd_idle_monitor_check (FdIdleMonitor *self)
{
  gint64 elapsed;

  g_return_val_if_fail (FD_IS_IDLE_MONITOR (self), FALSE);

  if (self->timeout_s == 0)
    return FALSE;

  watch_toplevels (self);

  elapsed = now (self) - self->last_activity;
  if (elapsed < (gint64) self->timeout_s * G_USEC_PER_SEC)
    return FALSE;

  fd_idle_monitor_stop (self);
  g_signal_emit (self, signals[IDLE], 0);
  return TRUE;
}
