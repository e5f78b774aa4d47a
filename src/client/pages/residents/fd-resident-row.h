/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One resident search result in the list, and the column headings above it. */

#pragma once

#include <gtk/gtk.h>

#include "fd-resident-list-model.h"

G_BEGIN_DECLS

#define FD_TYPE_RESIDENT_ROW (fd_resident_row_get_type ())
G_DECLARE_FINAL_TYPE (FdResidentRow, fd_resident_row, FD, RESIDENT_ROW, GtkWidget)

/* One search result in the list: name, room, masked mobile (and plates
 * where the role sees them), each an FdSensitiveField. */
GtkWidget      *fd_resident_row_new      (void);
void            fd_resident_row_set_item (FdResidentRow  *self,
                                          FdResidentItem *item);
FdResidentItem *fd_resident_row_get_item (FdResidentRow  *self);
/* issue 14: the column headings above the list, in the rows' widths, in
 * @box; update shows those of the columns @item (a result) has. */
void            fd_resident_row_fill_header   (GtkWidget      *box);
void            fd_resident_row_update_header (GtkWidget      *box,
                                               FdResidentItem *item);

G_END_DECLS
