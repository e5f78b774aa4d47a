/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Screen-saver and sleep signals from D-Bus that lock the app. */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define FD_TYPE_SYSTEM_WATCH (fd_system_watch_get_type ())
G_DECLARE_FINAL_TYPE (FdSystemWatch, fd_system_watch, FD, SYSTEM_WATCH, GObject)

/* Desktop events that must lock the app, where the desktop offers them:
 * ActiveChanged(true) of org.gnome.ScreenSaver and
 * org.freedesktop.ScreenSaver on the session bus, and logind's
 * PrepareForSleep on the system bus.
 *   ::lock-requested — the screen locked or the machine is going to sleep
 *   ::resumed        — the machine woke up (check idle deadlines now) */
FdSystemWatch *fd_system_watch_new (GDBusConnection *session_bus);

G_END_DECLS
