/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The alerts page: the incident switch, and the alerts the server raised. */

#pragma once

#include <adwaita.h>

#include "fd-api-client.h"
#include "fd-list-page.h"
#include "fd-incident-row.h"

G_BEGIN_DECLS

#define FD_TYPE_ALERTS_PAGE (fd_alerts_page_get_type ())
G_DECLARE_FINAL_TYPE (FdAlertsPage, fd_alerts_page, FD, ALERTS_PAGE, FdListPage)

/* Incident response (the freeze switch; managers may flip it) and the
 * alerts the server raised (off-hours bulk views, reveal bursts, failed
 * sign-ins…), newest first.
 *
 * Signals: ::loaded () after the alerts arrived. */
FdAlertsPage  *fd_alerts_page_new          (FdApiClient  *api,
                                            gboolean      can_switch);
void           fd_alerts_page_refresh      (FdAlertsPage *self);
guint          fd_alerts_page_get_n_alerts (FdAlertsPage *self);
FdIncidentRow *fd_alerts_page_get_incident_row (FdAlertsPage *self);
/* issue 12: rows of the deliveries out of the app (manager only) */
guint          fd_alerts_page_get_n_deliveries (FdAlertsPage *self);

G_END_DECLS
