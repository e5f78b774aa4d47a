/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Recovering by itself (issue 14): native dialogs, and dialog errors after an outage. */

#pragma once

#include <adwaita.h>

#include "fd-api-client.h"

G_BEGIN_DECLS

/* Recovering on its own (issue 14): what the pages share so that an
 * outage, the incident freeze or the app's own dialogs do not leave the
 * desk with a stale message or a raised curtain. */

/* A native dialog of ours (GtkFileChooserNative: through the portal it is
 * another process's window) is open over @parent: while held, the focus
 * it takes is not "someone looking away", and the privacy curtain stays
 * down. Every hold is released once. */
void     fd_recovery_hold_native      (GtkWindow   *parent);
void     fd_recovery_release_native   (GtkWindow   *parent);
gboolean fd_recovery_native_open      (GtkWindow   *window);

/* Keeps @error_label of an open dialog in step with the connection: when
 * the server goes away it says so, and when it comes back a message shown
 * is replaced by "the connection is back, try again". Lives as long as
 * @dialog. */
void     fd_recovery_watch_dialog     (GtkWidget   *dialog,
                                       FdApiClient *api,
                                       GtkLabel    *error_label);

G_END_DECLS
