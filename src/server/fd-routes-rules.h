/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Routes: the data-protection rules, their acknowledgment, and the gate. */

#pragma once

#include "fd-server-private.h"

G_BEGIN_DECLS

/* Issue 12. Called by the dispatch once a request has an unlocked
 * session: TRUE when the route may go on; else the 403
 * rules-not-acknowledged (with the current "version") is sent. */
gboolean fd_rules_gate                   (FdRequest          *req);
/* "rules": {"version", "acknowledged"} for the session answers. */
void     fd_rules_write_session          (FdJsonWriter       *w,
                                          FdServer           *server,
                                          const FdUserRecord *user);

void     fd_routes_rules_get             (FdRequest *req);
void     fd_routes_rules_put             (FdRequest *req);
void     fd_routes_rules_acknowledge     (FdRequest *req);
void     fd_routes_rules_acknowledgments (FdRequest *req);
/* fd-routes-incident.c */
void     fd_routes_incident_radius       (FdRequest *req);

G_END_DECLS
