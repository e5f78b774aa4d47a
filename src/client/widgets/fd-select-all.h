/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Ctrl+A in a protected sensitive entry, without a real selection (issue 14). */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Ctrl+A in a protected sensitive entry (fd-sensitive-entry.h), which
 * refuses every real selection, because a selection would reach PRIMARY
 * at once (issue 14, the verify dialog). Ctrl+A marks the whole text as
 * "all selected" — shown highlighted, but no GTK selection exists, so
 * nothing reaches PRIMARY, CLIPBOARD or a drag — and then, as with a real
 * selection: a typed character replaces it all, Backspace or Delete
 * empties the field, any other key, a click or leaving the field drops
 * the mark. */
void     fd_select_all_enable       (GtkEditable *editable);
/* TRUE while the whole text is marked. */
gboolean fd_select_all_get_active   (GtkEditable *editable);

G_END_DECLS
