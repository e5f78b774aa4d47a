/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The verify dialog: match or no match for a presented ID number or mobile. */

#pragma once

#include <adwaita.h>

#include "fd-api-client.h"

G_BEGIN_DECLS

#define FD_TYPE_VERIFY_DIALOG (fd_verify_dialog_get_type ())
G_DECLARE_FINAL_TYPE (FdVerifyDialog, fd_verify_dialog, FD, VERIFY_DIALOG, AdwWindow)

typedef enum
{
  FD_VERIFY_NONE = -1,
  FD_VERIFY_NO_MATCH = 0,
  FD_VERIFY_MATCH = 1,
} FdVerifyResult;

/* Checks what a person presents (ID number or mobile) against resident
 * @resident_id's stored value: POST /verify answers match or no match and
 * the stored value is never shown. @fields: "id_number" and/or "phone",
 * the ones this role may verify. The typed value is wiped after each
 * check. Emits ::checked (gboolean match) after every answer. */
FdVerifyDialog *fd_verify_dialog_new        (GtkWindow          *parent,
                                             FdApiClient        *api,
                                             const char         *resident_id,
                                             const char * const *fields);
/* Selects @field ("id_number" or "phone"); FALSE if not offered. */
gboolean        fd_verify_dialog_set_field  (FdVerifyDialog     *self,
                                             const char         *field);
void            fd_verify_dialog_set_value  (FdVerifyDialog     *self,
                                             const char         *value);
void            fd_verify_dialog_submit     (FdVerifyDialog     *self);
FdVerifyResult  fd_verify_dialog_get_result (FdVerifyDialog     *self);
const char     *fd_verify_dialog_get_error  (FdVerifyDialog     *self);
gboolean        fd_verify_dialog_get_busy   (FdVerifyDialog     *self);
/* issue 14: the number field (tests). */
GtkWidget      *fd_verify_dialog_get_entry  (FdVerifyDialog     *self);

G_END_DECLS
