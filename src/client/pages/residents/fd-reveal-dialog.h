/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The reveal dialog: why a personal value is needed, then the value for a while. */

#pragma once

#include <adwaita.h>

#include "fd-api-client.h"

G_BEGIN_DECLS

#define FD_TYPE_REVEAL_DIALOG (fd_reveal_dialog_get_type ())
G_DECLARE_FINAL_TYPE (FdRevealDialog, fd_reveal_dialog, FD, REVEAL_DIALOG, AdwWindow)

/* Asks why the user needs to see @field of resident @resident_id (verify
 * identity / emergency contact / refund / other with text) and, when
 * @needs_password, the user's password; then POSTs the reveal. Errors
 * (refused, limit reached, wrong password, incident freeze) stay in the
 * dialog. On success it emits ::revealed (const char *value, guint
 * seconds) and closes; the value is zeroed right after the emission, so
 * handlers copy what they keep. */
FdRevealDialog *fd_reveal_dialog_new           (GtkWindow   *parent,
                                                FdApiClient *api,
                                                const char  *resident_id,
                                                const char  *field,
                                                const char  *field_title,
                                                gboolean     needs_password);
/* Sets the reason (0 verify identity, 1 emergency contact, 2 refund,
 * 3 other), details and password, and submits: what the buttons do. */
void            fd_reveal_dialog_submit        (FdRevealDialog *self);
void            fd_reveal_dialog_set_reason    (FdRevealDialog *self,
                                                guint           reason,
                                                const char     *details);
void            fd_reveal_dialog_set_password  (FdRevealDialog *self,
                                                const char     *password);
/* The inline error shown, or NULL. */
const char     *fd_reveal_dialog_get_error     (FdRevealDialog *self);
gboolean        fd_reveal_dialog_get_busy      (FdRevealDialog *self);

G_END_DECLS
