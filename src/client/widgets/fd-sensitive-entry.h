/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Entries for sensitive input: private to input methods, no copy, cut or selection. */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Makes @editable (GtkEntry, GtkText, AdwEntryRow, GtkPasswordEntry, …)
 * an entry for sensitive input (a visitor's mobile, ID number or plate,
 * the value presented for verify): GTK_INPUT_HINT_PRIVATE so input methods
 * learn nothing, and on the inner GtkText no copy, no cut and no selection
 * at all, so nothing reaches CLIPBOARD, PRIMARY or a drag. Typing and
 * pasting are unaffected. A copy attempt shows the refusal toast. */
void      fd_sensitive_entry_protect      (GtkEditable *editable);
gboolean  fd_sensitive_entry_is_protected (GtkEditable *editable);
/* Empties @editable; GtkEntryBuffer zeroes the memory it gives back. */
void      fd_sensitive_entry_wipe         (GtkEditable *editable);

/* Tells the user, through the nearest "pages.toast" action, that sensitive
 * fields cannot be copied; counts refusals for tests. */
void      fd_sensitive_notify_refused     (GtkWidget   *widget);
guint     fd_sensitive_get_refusal_count  (void);

G_END_DECLS
