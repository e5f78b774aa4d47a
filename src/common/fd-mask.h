/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The masking formats of the contract. */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Masking formats of docs/api.md, "Field values and the role table".
 * Each returns a newly allocated string, or NULL when the input is NULL,
 * empty or not valid UTF-8. Inputs are expected already validated; a value
 * of an unexpected shape is masked entirely ("****") rather than leaked. */
char *fd_mask_name             (const char *name);     /* 张*三, 张*, 欧**明 */
char *fd_mask_name_surname     (const char *name);     /* 张** (patrol) */
char *fd_mask_mobile           (const char *mobile);   /* 138****5678 */
char *fd_mask_id_number        (const char *id);       /* **************1234 */
char *fd_mask_room_building    (const char *room);     /* 3-2-**** (patrol) */
char *fd_mask_address_district (const char *address); /* 北京市海淀区**** */
char *fd_mask_plate            (const char *plate);    /* 粤B1***5, 粤B1****5 */
char *fd_mask_account          (const char *account);  /* **** **** **** 1234 */

G_END_DECLS
