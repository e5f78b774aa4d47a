/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Validators for what residents and visitors present. */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Validators for what residents and visitors present. Each returns TRUE
 * for a valid value; otherwise FALSE with an FD_ERROR_BAD_REQUEST error
 * whose message is a short, translated, user-facing sentence that never
 * repeats the value. They accept only the canonical form (ASCII digits,
 * upper-case X and plate letters): run fd_input_normalize() first on
 * what a person typed. */

/* Folds full-width ASCII (U+FF01..U+FF5E) and the ideographic space to
 * ASCII, strips leading/trailing white space, upper-cases ASCII letters
 * when @upper. Returns NULL for NULL or invalid UTF-8. */
char     *fd_input_normalize       (const char  *text,
                                    gboolean     upper);

/* ISO 7064 MOD 11-2 check character of the first 17 digits: '0'..'9' or
 * 'X'; '\0' when @first17 is not 17 ASCII digits. */
char      fd_id_number_check_char  (const char  *first17);
/* 18 characters, known province code (11..82), plausible birth date
 * (1900-01-01 .. today), check character. */
gboolean  fd_validate_id_number    (const char  *id,
                                    GError     **error);
/* ^1[3-9]\d{9}$ */
gboolean  fd_validate_mobile       (const char  *mobile,
                                    GError     **error);
/* Mainland plate: province abbreviation + letter + 5 (ordinary) or 6
 * (new-energy) letters/digits, no I or O. */
gboolean  fd_validate_plate        (const char  *plate,
                                    GError     **error);
/* building-unit-room, e.g. 3-2-1502: positive integers without leading
 * zeros, building ≤ 999, unit ≤ 99, room 3–4 digits. */
gboolean  fd_validate_room         (const char  *room,
                                    GError     **error);
/* Name: 1–20 characters of letters (any script), '·' and spaces; no
 * digits or control characters. */
gboolean  fd_validate_name         (const char  *name,
                                    GError     **error);

G_END_DECLS
