/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The dialog in which the signed-in account changes its own password. */

#pragma once

#include <adwaita.h>

#include "fd-api-client.h"

G_BEGIN_DECLS

#define FD_TYPE_PASSWORD_DIALOG (fd_password_dialog_get_type ())
G_DECLARE_FINAL_TYPE (FdPasswordDialog, fd_password_dialog, FD, PASSWORD_DIALOG, AdwWindow)

/* pwchange: the signed-in account sets its own password (POST
 * /account/password): the current password, the new one twice. The new
 * one is checked as it is typed (length, not the username, not the
 * current one, the two the same); Change works once all hold. Errors
 * (wrong current password, locked, refused) stay in the dialog. On
 * success it emits ::changed and closes. @username is the account's (the
 * new password may not be it); @required: the session answer said
 * password_change_required (the dialog says why it came up). Everything
 * typed is wiped when the dialog goes. */
FdPasswordDialog *fd_password_dialog_new         (GtkWindow        *parent,
                                                  FdApiClient      *api,
                                                  const char       *username,
                                                  gboolean          required);
/* What the Change button does; nothing while busy or invalid. */
void              fd_password_dialog_submit      (FdPasswordDialog *self);
/* The inline error shown, or NULL. */
const char       *fd_password_dialog_get_error   (FdPasswordDialog *self);
gboolean          fd_password_dialog_get_busy    (FdPasswordDialog *self);
/* TRUE when what is typed may be sent. */
gboolean          fd_password_dialog_get_valid   (FdPasswordDialog *self);

G_END_DECLS
