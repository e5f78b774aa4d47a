/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The idle monitor: ::idle once no input reached any window for the timeout. */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define FD_TYPE_IDLE_MONITOR (fd_idle_monitor_get_type ())
G_DECLARE_FINAL_TYPE (FdIdleMonitor, fd_idle_monitor, FD, IDLE_MONITOR, GObject)

/* Microseconds on a clock that keeps counting while the machine is
 * suspended. The default reads CLOCK_BOOTTIME; tests inject their own. */
typedef gint64 (*FdIdleClockFunc) (gpointer user_data);

/* Emits ::idle once when no input reached any of the process's windows
 * for the timeout. Input is seen by a capture-phase
 * GtkEventControllerLegacy on every toplevel (new windows are picked up
 * at each check). The deadline is checked every check interval, so after
 * a suspend past it, ::idle comes at the first check after waking. */
FdIdleMonitor *fd_idle_monitor_new                (void);
void           fd_idle_monitor_set_clock          (FdIdleMonitor   *self,
                                                   FdIdleClockFunc  func,
                                                   gpointer         user_data);
void           fd_idle_monitor_set_check_interval (FdIdleMonitor   *self,
                                                   guint            interval_ms);
/* Starts (or restarts) watching with @timeout_s seconds; 0 stops. */
void           fd_idle_monitor_start              (FdIdleMonitor   *self,
                                                   guint            timeout_s);
void           fd_idle_monitor_stop               (FdIdleMonitor   *self);
gboolean       fd_idle_monitor_get_running        (FdIdleMonitor   *self);
guint          fd_idle_monitor_get_timeout        (FdIdleMonitor   *self);
/* Counts as input now. */
void           fd_idle_monitor_activity           (FdIdleMonitor   *self);
/* Checks the deadline now (also done on the interval); TRUE if ::idle
 * was emitted. */
gboolean       fd_idle_monitor_check              (FdIdleMonitor   *self);
gint64         fd_idle_monitor_boottime_now       (void);

G_END_DECLS
