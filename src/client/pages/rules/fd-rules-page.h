/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The data-protection rules page, acknowledged before any data page (issue 12). */

#pragma once

#include <adwaita.h>

#include "fd-api-client.h"

G_BEGIN_DECLS

#define FD_TYPE_RULES_PAGE (fd_rules_page_get_type ())
G_DECLARE_FINAL_TYPE (FdRulesPage, fd_rules_page, FD, RULES_PAGE, GtkWidget)

/* The office's data-protection rules in the UI language, shown after
 * sign-in (and whenever the server answers rules-not-acknowledged) before
 * any data page, with "I have read and will follow these rules". There is
 * no way past it but acknowledging or signing out; Escape does nothing.
 *
 * Signals: ::acknowledged () once the server took the acknowledgment;
 * ::loaded () when the text (or an error) is shown. */
FdRulesPage *fd_rules_page_new        (FdApiClient *api);
/* Fetches the current text (again). */
void         fd_rules_page_load       (FdRulesPage *self);
/* The text shown (for tests), or NULL. */
const char  *fd_rules_page_get_text   (FdRulesPage *self);
GtkWidget   *fd_rules_page_get_accept_button (FdRulesPage *self);

G_END_DECLS
