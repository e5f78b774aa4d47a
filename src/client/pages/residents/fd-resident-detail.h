/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One resident's detail: a row per field sent, with reveal and verify. */

#pragma once

#include <adwaita.h>

#include "fd-api-client.h"
#include "fd-reveal-dialog.h"
#include "fd-sensitive-field.h"
#include "fd-verify-dialog.h"

G_BEGIN_DECLS

#define FD_TYPE_RESIDENT_DETAIL (fd_resident_detail_get_type ())
G_DECLARE_FINAL_TYPE (FdResidentDetail, fd_resident_detail, FD, RESIDENT_DETAIL, GtkWidget)

/* One resident from GET /residents/{id}: one row per field the server
 * sent (none for absent fields), personal fields as FdSensitiveField,
 * plain ones (a room in clear, payment status) copyable. Reveal and
 * verify open their dialogs; dialogs die with the detail.
 *
 * Field keys: name, room, phone, id_number, home_address, plates,
 * payment_status, account, balance, last_paid.
 *
 * Signals: ::loaded (gboolean ok) after each load. */
FdResidentDetail *fd_resident_detail_new         (FdApiClient      *api,
                                                  guint             reveal_window_s);
void              fd_resident_detail_load        (FdResidentDetail *self,
                                                  const char       *resident_id);
/* Removes every row (wiping values) and closes the dialogs. */
void              fd_resident_detail_clear       (FdResidentDetail *self);
void              fd_resident_detail_remask_all  (FdResidentDetail *self);
const char       *fd_resident_detail_get_resident_id (FdResidentDetail *self);
gboolean          fd_resident_detail_get_loading (FdResidentDetail *self);
/* The keys of the rows shown, in order (NULL-terminated, free with
 * g_strfreev). */
char            **fd_resident_detail_get_keys    (FdResidentDetail *self);
/* The row of @key and its value widget (FdSensitiveField or GtkLabel). */
GtkWidget        *fd_resident_detail_get_row     (FdResidentDetail *self,
                                                  const char       *key);
GtkWidget        *fd_resident_detail_get_value   (FdResidentDetail *self,
                                                  const char       *key);
/* What the Reveal and Verify buttons do; they return the dialog shown
 * (owned by GTK), or NULL when the field is not revealable/verifiable. */
FdRevealDialog   *fd_resident_detail_reveal      (FdResidentDetail *self,
                                                  const char       *key);
FdVerifyDialog   *fd_resident_detail_verify      (FdResidentDetail *self);
/* issue 14: the loaded resident's name (masked) and room as the role sees
 * it, for a title (NULL when absent; owned by @self). */
void              fd_resident_detail_get_heading (FdResidentDetail  *self,
                                                  const char       **name,
                                                  const char       **room);
/* Offer "Register a visitor for this room" (pages.register-visitor) on
 * the room row of the residents loaded from now on. */
void              fd_resident_detail_set_visitor_button (FdResidentDetail *self,
                                                         gboolean          shown);

G_END_DECLS
