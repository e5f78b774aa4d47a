/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One-click visit purposes under the visitor form's purpose field (issue 14). */

#pragma once

#include <adwaita.h>

#include "fd-api-client.h"

G_BEGIN_DECLS

#define FD_TYPE_PURPOSE_CHIPS (fd_purpose_chips_get_type ())
G_DECLARE_FINAL_TYPE (FdPurposeChips, fd_purpose_chips, FD, PURPOSE_CHIPS, GtkWidget)

/* One-click visit purposes (issue 14): a toggle per purpose of
 * GET /visitors/purposes (快递, 探访, 维修, 装修 when the server has none
 * or cannot be reached), under the purpose field @entry. A click puts the
 * purpose in the field; the toggle of the purpose the field holds is on.
 * The toggles are for the mouse: they are not in the Tab chain, which
 * goes from the purpose field straight on. The list is loaded once, when
 * the chips are first shown. */
FdPurposeChips *fd_purpose_chips_new       (FdApiClient    *api,
                                            GtkEditable    *entry);
/* The purposes offered, in order (NULL-terminated, owned by @self). */
const char * const *fd_purpose_chips_get_purposes (FdPurposeChips *self);
/* TRUE once the server's list (or the defaults after an error) is shown. */
gboolean        fd_purpose_chips_get_loaded (FdPurposeChips *self);
/* The toggle of @purpose, or NULL. */
GtkWidget      *fd_purpose_chips_get_button (FdPurposeChips *self,
                                             const char     *purpose);

G_END_DECLS
