/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The visitor registration form. */

#pragma once

#include <adwaita.h>

#include "fd-api-client.h"
#include "fd-purpose-chips.h"
#include "fd-room-suggestions.h"

G_BEGIN_DECLS

#define FD_TYPE_VISITOR_FORM (fd_visitor_form_get_type ())
G_DECLARE_FINAL_TYPE (FdVisitorForm, fd_visitor_form, FD, VISITOR_FORM, GtkWidget)

/* Registers a visitor: name, mobile, optional ID number, room (found by
 * search), purpose, optional plate. Each field is checked when it loses
 * focus and on submit, with the message right under it; a 400 from the
 * server naming a member lands under that member's field. Personal inputs
 * take no copy, cut or selection and use GTK_INPUT_HINT_PRIVATE.
 *
 * Field keys: name, phone, id_number, room, purpose, plate.
 * Signals: ::registered () after the server accepted a visitor. */
FdVisitorForm *fd_visitor_form_new         (FdApiClient   *api);
void           fd_visitor_form_submit      (FdVisitorForm *self);
gboolean       fd_visitor_form_get_busy    (FdVisitorForm *self);
/* Checks every field locally; TRUE when all are fine. */
gboolean       fd_visitor_form_validate    (FdVisitorForm *self);
GtkWidget     *fd_visitor_form_get_entry   (FdVisitorForm *self,
                                            const char    *key);
/* The message shown under @key's field, or NULL. */
const char    *fd_visitor_form_get_error   (FdVisitorForm *self,
                                            const char    *key);
/* Empties every field (GtkEntryBuffer zeroes what it frees). */
void           fd_visitor_form_clear       (FdVisitorForm *self);
/* An unfinished form as a{ss} (NULL when empty) / back from it. */
GVariant      *fd_visitor_form_save        (FdVisitorForm *self);
void           fd_visitor_form_restore     (FdVisitorForm *self,
                                            GVariant      *state);
/* issue 14: fills the room (from a resident's page) without a look-up. */
void           fd_visitor_form_set_room    (FdVisitorForm *self,
                                            const char    *room);
void           fd_visitor_form_focus_name  (FdVisitorForm *self);
FdRoomSuggestions *fd_visitor_form_get_room_suggestions (FdVisitorForm *self);
FdPurposeChips    *fd_visitor_form_get_purpose_chips    (FdVisitorForm *self);

G_END_DECLS
