/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The main view: the signed-in role's data pages, destroyed on every lock. */

#pragma once

#include <adwaita.h>

#include "fd-api-client.h"

G_BEGIN_DECLS

#define FD_TYPE_MAIN_VIEW (fd_main_view_get_type ())
G_DECLARE_FINAL_TYPE (FdMainView, fd_main_view, FD, MAIN_VIEW, GtkWidget)

/* Everything that shows resident data, for the signed-in role. The window
 * creates one after sign-in/unlock and DESTROYS it on lock or sign-out
 * (nothing of it survives a lock). @session is what the server's session
 * answer said, with the workstation; the view keeps a copy.
 * Layout: a view switcher with the pages the role has (residents,
 * visitors, patrol lookup, audit, alerts, accounts...). */
FdMainView *fd_main_view_new          (FdApiClient *api,
                                       const FdSessionInfo *session);
/* Re-masks every revealed value at once and wipes it (focus loss,
 * navigation). */
void        fd_main_view_remask_all   (FdMainView  *self);
/* Privacy curtain: blur every data view (TRUE) or clear it (FALSE). */
void        fd_main_view_set_curtain  (FdMainView  *self,
                                       gboolean     curtain);
/* Header-bar widgets the window should pack (view switcher title), may be NULL. */
GtkWidget  *fd_main_view_get_title_widget (FdMainView *self);

/* --- added by the data pages (issue 4) --- */

/* Half-filled forms (the visitor form, the resident search) as an a{sv},
 * or NULL when there is nothing to keep; the window keeps it in memory
 * across a lock and hands it back after the same user unlocked. The view
 * also does this by itself through FdWindow's ::collect-drafts and
 * fd_window_take_draft ("pages") when its root is an FdWindow. */
GVariant   *fd_main_view_save_drafts    (FdMainView  *self);
void        fd_main_view_restore_drafts (FdMainView  *self,
                                         GVariant    *drafts);
gboolean    fd_main_view_get_curtain    (FdMainView  *self);
/* The pages this role has, by name: "residents", "lookup", "visitors",
 * "audit", "alerts" (NULL when the role lacks it). */
GtkWidget  *fd_main_view_get_page       (FdMainView  *self,
                                         const char  *name);
void        fd_main_view_show_page      (FdMainView  *self,
                                         const char  *name);
/* A toast over the data views; the last one shown (tests). */
void        fd_main_view_toast          (FdMainView  *self,
                                         const char  *message);
const char *fd_main_view_get_last_toast (FdMainView  *self);
/* The watermark's text, "" when the policy has none. */
const char *fd_main_view_get_watermark_text (FdMainView *self);

/* issue 14 (fd-main-view-keys.c): what Ctrl+F and type-to-search do —
 * show the search page, focus its entry and add @text (NULL: select what
 * it holds); FALSE when the role has no search. Alt+N shows the @n-th
 * page (from 0) in the switcher's order. */
gboolean    fd_main_view_focus_search   (FdMainView  *self,
                                         const char  *text);
gboolean    fd_main_view_show_nth_page  (FdMainView  *self,
                                         guint        n);

G_END_DECLS
