#pragma once

#include <adwaita.h>

#include "fd-api-client.h"

G_BEGIN_DECLS

#define FD_TYPE_MAIN_VIEW (fd_main_view_get_type ())
G_DECLARE_FINAL_TYPE (FdMainView, fd_main_view, FD, MAIN_VIEW, GtkWidget)

/* Everything that shows resident data, for the signed-in role. The window
 * creates one after sign-in/unlock and DESTROYS it on lock or sign-out
 * (nothing of it survives a lock). @session is the server's session answer
 * ({"user": {...}, "policy": {...}}); the view keeps a reference.
 * Layout: a view switcher with the pages the role has (residents,
 * visitors, patrol lookup, audit, alerts, accounts...). */
FdMainView *fd_main_view_new          (FdApiClient *api,
                                       JsonObject  *session);
/* Re-masks every revealed value at once and wipes it (focus loss,
 * navigation). */
void        fd_main_view_remask_all   (FdMainView  *self);
/* Privacy curtain: blur every data view (TRUE) or clear it (FALSE). */
void        fd_main_view_set_curtain  (FdMainView  *self,
                                       gboolean     curtain);
/* Header-bar widgets the window should pack (view switcher title), may be NULL. */
GtkWidget  *fd_main_view_get_title_widget (FdMainView *self);

G_END_DECLS
