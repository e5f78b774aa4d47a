/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The incident switch row: while on, the server refuses every reveal and export. */

#pragma once

#include <adwaita.h>

#include "fd-api-client.h"

G_BEGIN_DECLS

#define FD_TYPE_INCIDENT_ROW (fd_incident_row_get_type ())
G_DECLARE_FINAL_TYPE (FdIncidentRow, fd_incident_row, FD, INCIDENT_ROW, AdwActionRow)

/* The incident switch: when on, the server refuses every reveal and
 * export. Managers may flip it, after a confirmation; auditors see its
 * state only. The confirmation dialog dies with the row.
 *
 * Signals: ::changed () after the state was read or set. */
FdIncidentRow    *fd_incident_row_new         (FdApiClient   *api,
                                               gboolean       can_switch);
void              fd_incident_row_refresh     (FdIncidentRow *self);
gboolean          fd_incident_row_get_frozen  (FdIncidentRow *self);
/* What toggling the switch does: asks for confirmation; returns the
 * dialog (owned by GTK), or NULL when nothing would change. */
AdwMessageDialog *fd_incident_row_request     (FdIncidentRow *self,
                                               gboolean       frozen);

G_END_DECLS
