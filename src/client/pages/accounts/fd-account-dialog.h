/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The New Account dialog, its one-time password, and account text helpers. */

#pragma once

#include <adwaita.h>

#include "fd-api-client.h"

G_BEGIN_DECLS

#define FD_TYPE_ACCOUNT_DIALOG (fd_account_dialog_get_type ())
G_DECLARE_FINAL_TYPE (FdAccountDialog, fd_account_dialog, FD, ACCOUNT_DIALOG, AdwWindow)

/* The administrator's "New Account" dialog: username, display name and
 * role; the server makes a one-time password, which the dialog then shows
 * once (and wipes when it closes). Errors stay in the dialog, next to the
 * form, so that a taken username can be corrected.
 *
 * Signals: ::created () once the account exists. */
FdAccountDialog *fd_account_dialog_new_create   (GtkWindow       *parent,
                                                 FdApiClient     *api);
/* Only the one-time password page, for a password reset. */
FdAccountDialog *fd_account_dialog_new_password (GtkWindow       *parent,
                                                 const char      *username,
                                                 const char      *password);
/* For tests: fills the form and presses Create. */
void             fd_account_dialog_submit       (FdAccountDialog *self,
                                                 const char      *username,
                                                 const char      *display_name,
                                                 FdRole           role,
                                                 const char      *estates);
/* The one-time password shown, or NULL while the form shows. */
const char      *fd_account_dialog_get_password (FdAccountDialog *self);
const char      *fd_account_dialog_get_message  (FdAccountDialog *self);

/* Estate codes typed as "e1, e2" (commas or spaces); NULL when none. */
char           **fd_account_parse_estates       (const char      *text);
/* "e1, e2", or a translated "All estates" for an empty list; NULL for NULL. */
char            *fd_account_estates_text        (const char * const *estates);

/* The translated name of @role ("Reception", "前台"…). */
const char      *fd_account_role_label          (FdRole           role);

G_END_DECLS
