/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The privacy curtain: the data views blurred until cleared. */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define FD_TYPE_CURTAIN (fd_curtain_get_type ())
G_DECLARE_FINAL_TYPE (FdCurtain, fd_curtain, FD, CURTAIN, GtkWidget)

/* The privacy curtain over the data views: while active, the child is
 * drawn blurred (gtk_snapshot_push_blur), takes no pointer input and can
 * hold no keyboard focus; a cover on top says how to clear it. Quicker
 * than a lock and without a password, for a visitor leaning over the desk.
 * The cover's button clears it (sets :active FALSE). */
GtkWidget *fd_curtain_new        (void);
void       fd_curtain_set_child  (FdCurtain *self,
                                  GtkWidget *child);
GtkWidget *fd_curtain_get_child  (FdCurtain *self);
void       fd_curtain_set_active (FdCurtain *self,
                                  gboolean   active);
gboolean   fd_curtain_get_active (FdCurtain *self);

G_END_DECLS
