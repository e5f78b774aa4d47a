/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Alerts that reach a person: webhook, journal and syslog deliveries (issue 12). */

#pragma once

#include "fd-config.h"
#include "fd-store.h"

G_BEGIN_DECLS

/* Every alert the server raises is also queued, in the transaction that
 * records it, as one delivery per configured destination (the
 * alert_deliveries table, fd-store.h "issue 12"). A sender on the main
 * context claims what is due and sends it asynchronously — libsoup for
 * the webhook, a non-blocking datagram for the journal and syslog — so
 * that no request ever waits for a receiver. A failed attempt is retried
 * after the alert-retry delays (10 s, 30 s, 1 min, 5 min, 15 min, 30 min,
 * 1 h, 1 h by default), then the delivery is marked failed; every attempt
 * is in the log a manager reads (GET /api/v1/alerts/deliveries).
 * Deliveries still pending at a restart are sent by the next server.
 *
 * What leaves the server: the alert's kind, time, account, estate code
 * and its fixed detail text ("More than 20 residents listed within 10
 * minutes off-hours") — never a resident's data. */

typedef struct _FdServer   FdServer;
typedef struct _FdAlertOut FdAlertOut;

/* NULL when no destination is configured. */
FdAlertOut *fd_alert_out_new         (FdServer         *server);
/* Cancels attempts in flight (they are sent again by the next start). */
void        fd_alert_out_free        (FdAlertOut       *out);

/* Queues one delivery per destination of the alert @alert_id (0: a
 * test alert) in the caller's open transaction, and wakes the sender.
 * @estate_id: the alert's estate (FD_ESTATE_ALL = the store's scope).
 * Returns how many were queued (0 when no destination is configured),
 * or -1 with @error set. */
gint        fd_alert_out_enqueue     (FdServer         *server,
                                      gint64            alert_id,
                                      gint64            estate_id,
                                      const char       *kind,
                                      const char       *actor,
                                      const char       *detail,
                                      GError          **error);

/* The body sent to the webhook in @format (a JSON object), and the
 * plain text of the robot formats and of syslog (zh_CN and English). */
char       *fd_alert_out_body        (FdAlertFormat           format,
                                      const FdDeliveryRecord *delivery);
char       *fd_alert_out_text        (const FdDeliveryRecord *delivery);
/* The RFC 5424 message and the journal's native-protocol datagram. */
char       *fd_alert_out_rfc5424     (const FdDeliveryRecord *delivery,
                                      const char             *hostname);
GBytes     *fd_alert_out_journal     (const FdDeliveryRecord *delivery);

G_END_DECLS
