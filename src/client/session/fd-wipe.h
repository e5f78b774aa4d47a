/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Wiping secrets held in json-glib trees and in string arrays. */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* json-glib keeps its own copy of every string: overwrites the string
 * @member of the object @node holds (a password, a token, a revealed
 * value) before the tree goes. Anything else is left alone. */
void fd_wipe_json_string (JsonNode   *node,
                          const char *member);

/* Wipes and frees every string of @strv, then @strv (NULL is fine). */
void fd_wipe_strv        (char      **strv);

G_END_DECLS
