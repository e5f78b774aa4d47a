/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Resident detail helpers: revealed digits grouped to read out, a Register Visitor button. */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* Small helpers of the resident detail for the desk's daily flow (issue 14). */

/* A revealed value of field @key grouped for reading it out: a mobile
 * "138 1234 5678", an ID number "110101 19900101 123X", a card number in
 * fours; anything else (or an unexpected shape) as it is. Display only:
 * the field it goes to refuses copy and selection. Free with
 * fd_secret_free(). */
char *fd_desk_group_digits       (const char *key,
                                  const char *value);
/* Adds to the room row @row a button that activates
 * pages.register-visitor with @room. */
void  fd_desk_add_visitor_button (GtkWidget  *row,
                                  const char *room);

G_END_DECLS
