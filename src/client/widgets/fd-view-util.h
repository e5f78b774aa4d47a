/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Helpers the pages, dialogs and the main view share. */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Helpers the pages, dialogs and the main view share. They live here, not
 * in the main view, so that a page never includes the view that holds it. */

/* Gives @window the focus now. gtk_window_present() stamps the request
 * with the last user event, which an X server without a window manager
 * ignores once another window took the focus later; this one asks the
 * server for its current time first. */
void  fd_view_focus_window (GtkWindow  *window);

/* An RFC 3339 time from the server in local time: "14:05", or with
 * @with_date "2026-03-01 14:05"; "—" when missing or malformed. */
char *fd_view_format_time  (const char *rfc3339,
                            gboolean    with_date);

/* Adds to the class @klass the signal @name, run last, without
 * arguments or return value; returns its id. */
guint fd_view_add_signal   (gpointer    klass,
                            const char *name);

/* Cancels *@cancellable, if any, and clears it. */
void  fd_view_cancel       (GCancellable **cancellable);

/* A scrolled window made a child of @page (unparent it in dispose) with
 * a clamp (760 px) and a vertical box of @spacing, margins 18/12; *@box
 * gets the box. */
GtkWidget *fd_view_page_scroller (GtkWidget  *page,
                                  int         spacing,
                                  GtkWidget **box);
/* A boxed list box without selection, named @accessible_label, showing
 * @placeholder (dimmed) when empty. */
GtkWidget *fd_view_boxed_list    (const char *accessible_label,
                                  const char *placeholder);
/* An inline error label for a page or dialog, hidden until it has
 * something to say (fd_form_set_message()). */
GtkLabel  *fd_view_error_label   (void);
/* issue 12: a page's scrolled, clamped column (@max_width wide): sets
 * *@scroller, the page's only child (unparent it in dispose), and returns
 * the vertical box to fill. */
GtkWidget  *fd_view_page_scaffold (GtkWidget   *page,
                                   int          max_width,
                                   int          spacing,
                                   GtkWidget  **scroller);
/* The translated title of a resident field by its key ("phone" → "Mobile"). */
const char *fd_view_field_title   (const char  *key);

G_END_DECLS
