/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Rooms matching a room field, shown under it (issue 14). */

#pragma once

#include <adwaita.h>

#include "fd-api-client.h"

G_BEGIN_DECLS

#define FD_TYPE_ROOM_SUGGESTIONS (fd_room_suggestions_get_type ())
G_DECLARE_FINAL_TYPE (FdRoomSuggestions, fd_room_suggestions, FD, ROOM_SUGGESTIONS, GtkWidget)

/* The rooms matching what is typed in a room field (GET /rooms), shown
 * inline right under the field (issue 14: the popover it replaces covered
 * the next field, took focus and stayed open). It never takes focus and
 * is not in the Tab chain: in the field, Down/Up pick a suggestion,
 * Enter takes it, Escape closes the list; a click takes one too. It
 * closes when the field loses focus, when a room is taken, on hide().
 *
 * Signals: ::chosen (const char *room) after a suggestion was taken (the
 * field already holds it). */
FdRoomSuggestions *fd_room_suggestions_new        (FdApiClient       *api,
                                                   GtkEditable       *entry);
/* While TRUE, changes of the field start no look-up (a program fills it). */
void               fd_room_suggestions_set_paused (FdRoomSuggestions *self,
                                                   gboolean           paused);
void               fd_room_suggestions_hide       (FdRoomSuggestions *self);
/* The rooms shown (0 when closed) and the one Down/Up picked (-1: none). */
guint              fd_room_suggestions_get_n_shown  (FdRoomSuggestions *self);
int                fd_room_suggestions_get_selected (FdRoomSuggestions *self);

G_END_DECLS
