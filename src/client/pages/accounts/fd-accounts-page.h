/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The administrator's accounts page (issue 14). */

#pragma once

#include <adwaita.h>

#include "fd-api-client.h"

G_BEGIN_DECLS

#define FD_TYPE_ACCOUNTS_PAGE (fd_accounts_page_get_type ())
G_DECLARE_FINAL_TYPE (FdAccountsPage, fd_accounts_page, FD, ACCOUNTS_PAGE, GtkWidget)

/* The administrator's accounts (issue 14): every account with its role,
 * state (active, disabled, locked) and last sign-in, a filter, and per
 * account: change role, disable or enable, unlock, reset password. Each
 * change is confirmed in a dialog that states its consequence; the server
 * applies the rules (docs/api.md "Accounts (admin)") and the page shows
 * its refusals plainly. @self_username's own account offers no disable
 * or role change.
 *
 * Signals: ::loaded () after the list arrived; ::changed () after a
 * change succeeded (the list reloads). */
FdAccountsPage *fd_accounts_page_new           (FdApiClient    *api,
                                                const char     *self_username);
void            fd_accounts_page_refresh       (FdAccountsPage *self);
guint           fd_accounts_page_get_n_shown   (FdAccountsPage *self);
/* The loaded account @username, or NULL. */
const FdUser   *fd_accounts_page_get_account   (FdAccountsPage *self,
                                                const char     *username);
void            fd_accounts_page_set_filter    (FdAccountsPage *self,
                                                const char     *text);
/* The page's inline error, or NULL. */
const char     *fd_accounts_page_get_message   (FdAccountsPage *self);
/* The confirmation dialog open now, or NULL (tests answer it). */
AdwMessageDialog *fd_accounts_page_get_confirmation (FdAccountsPage *self);
/* The new-account or password dialog open now, or NULL. */
GtkWindow      *fd_accounts_page_get_dialog    (FdAccountsPage *self);

G_END_DECLS
