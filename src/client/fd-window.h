/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The main window: its pages, the lock, and form drafts kept across a lock. */

#pragma once

#include <adwaita.h>

#include "fd-api-client.h"
#include "fd-application.h"
#include "fd-draft-keeper.h"
#include "fd-idle-monitor.h"
#include "fd-session.h"

G_BEGIN_DECLS

#define FD_TYPE_WINDOW (fd_window_get_type ())
G_DECLARE_FINAL_TYPE (FdWindow, fd_window, FD, WINDOW, AdwApplicationWindow)

/* The main window: connect, sign-in, lock and the main view (FdMainView,
 * created after sign-in/unlock and destroyed on lock and sign-out). */
FdWindow      *fd_window_new                (FdApplication *application);

/* Locks now: emits ::collect-drafts, destroys every other window of the
 * process (dialogs cannot veto), destroys the main view, clears our
 * clipboard content, withdraws notifications, shows the lock page. */
void           fd_window_lock               (FdWindow      *self);
/* "busy", "connect", "signin", "lock" or "main". */
const char    *fd_window_get_page_name      (FdWindow      *self);
FdSession     *fd_window_get_session        (FdWindow      *self);
/* NULL until a server address is configured. */
FdApiClient   *fd_window_get_api_client     (FdWindow      *self);
FdIdleMonitor *fd_window_get_idle_monitor   (FdWindow      *self);
/* The current FdMainView or NULL. */
GtkWidget     *fd_window_get_main_view      (FdWindow      *self);
void           fd_window_add_toast          (FdWindow      *self,
                                             AdwToast      *toast);

/* Drafts: half-filled forms survive a lock, in memory only.
 * Before a lock destroys the main view and every dialog, the window emits
 * ::collect-drafts; a form with unsaved input answers by calling
 * fd_window_stash_draft (window, "visitor-form", state) with a GVariant of
 * its fields (floating references are sunk). After the same user unlocks,
 * fd_window_take_draft() hands the state back once, e.g. when the new form
 * is rooted or mapped. A sign-out, a session the server ended or another
 * user signing in wipes every draft (the serialized bytes are zeroed).
 * Find the window from a widget with gtk_widget_get_ancestor (w,
 * FD_TYPE_WINDOW), or from a dialog through its transient parent. */
void           fd_window_stash_draft        (FdWindow      *self,
                                             const char    *form_id,
                                             GVariant      *state);
/* (transfer full) (nullable) */
GVariant      *fd_window_take_draft         (FdWindow      *self,
                                             const char    *form_id);
gboolean       fd_window_has_draft          (FdWindow      *self,
                                             const char    *form_id);

G_END_DECLS
