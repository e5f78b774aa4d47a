/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The application: its config, every window locked, tracked notifications, no inspector. */

#pragma once

#include <adwaita.h>

#include "fd-client-config.h"

G_BEGIN_DECLS

#define FD_TYPE_APPLICATION (fd_application_get_type ())
G_DECLARE_FINAL_TYPE (FdApplication, fd_application, FD, APPLICATION, AdwApplication)

FdApplication *fd_application_new                     (void);
/* NULL when the schema is not installed (then nothing is remembered). */
GSettings     *fd_application_get_settings            (FdApplication  *self);
/* The settings with the command line's --server/--ca/--pin/--workstation
 * applied. */
FdClientConfig      *fd_application_dup_config              (FdApplication  *self);
/* For tests and the command line: NULL leaves a value alone. */
void           fd_application_set_overrides           (FdApplication  *self,
                                                       const FdClientConfig *overrides);
/* issue 14: what was wrong with the command line's trust (a --ca file
 * that cannot be read, named), for the window to show; NULL when fine. */
const char          *fd_application_get_config_error        (FdApplication  *self);
/* Locks every FdWindow (screen saver, sleep). */
void           fd_application_lock_all                (FdApplication  *self);
/* Notifications that show anything of a session go through here, so a
 * lock can withdraw them all. */
void           fd_application_send_tracked_notification (FdApplication *self,
                                                         const char    *id,
                                                         GNotification *notification);
void           fd_application_withdraw_notifications  (FdApplication  *self);
/* Gives up CLIPBOARD and PRIMARY on every display where this process owns
 * them (never touches another application's copy). */
void           fd_application_clear_clipboards        (void);
/* Makes the GTK inspector unreachable from every window: patches the
 * enable-debugging handler of GtkWindow and its known subclasses. Needs
 * gtk_init(); release builds call it at startup, before any window. */
void           fd_application_lock_down_inspector     (void);

G_END_DECLS
