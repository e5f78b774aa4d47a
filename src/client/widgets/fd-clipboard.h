/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Our clipboard: plain values with a do-not-keep hint, given up on lock and quit. */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The target that tells clipboard managers (KDE Klipper, KeePassXC's
 * convention, several GNOME extensions) not to keep what we copied. */
#define FD_CLIPBOARD_HINT_TARGET "x-kde-passwordManagerHint"

/* Puts a plain (non-sensitive) value on @widget's CLIPBOARD: text/plain
 * (UTF-8) plus FD_CLIPBOARD_HINT_TARGET = "secret". On X11 the hint target
 * is answered by us, because GTK refuses to serve a target without '/'.
 * Never call this with a personal value: sensitive fields have no copy. */
void      fd_clipboard_copy_plain    (GtkWidget  *widget,
                                      const char *text);
/* TRUE while @display's CLIPBOARD holds the content we put there. */
gboolean  fd_clipboard_is_ours       (GdkDisplay *display);
/* Gives up CLIPBOARD when it still holds our content (on lock and at
 * quit); another application's content is left alone. Returns TRUE when
 * something was cleared. */
gboolean  fd_clipboard_clear_if_ours (GdkDisplay *display);

G_END_DECLS
