/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Per-user limits and anomaly counts taken atomically in the store. */

#pragma once

#include "fd-server-private.h"

G_BEGIN_DECLS

/* Limits and anomaly counters that must hold under concurrent requests
 * (issue 9). Each is taken atomically in the store (limit_take,
 * listed_note in fd-store.h) before any asynchronous work, never read by a
 * handler and written after it. */

/* Listed residents (GET /residents): distinct residents shown to one user
 * within ten minutes. Off hours, more than FD_LIST_OFF_HOURS_MAX locks the
 * account (off-hours-bulk); in hours, more than FD_LIST_IN_HOURS_ALERT
 * raises in-hours-bulk. A resident listed again within the window does not
 * count twice, so narrowing a search as one types costs little, while
 * paging through the population adds a full page each time. */
#define FD_LIST_OFF_HOURS_MAX   300
#define FD_LIST_IN_HOURS_ALERT  1000

typedef enum
{
  FD_LIMIT_GRANTED,
  FD_LIMIT_REFUSED,
  FD_LIMIT_FAILED,    /* the store failed: a 503 has been sent */
} FdLimitResult;

/* Takes one unit of @kind for the request's user: at most @max within
 * @window_usec. *count (may be NULL) gets the events in the window. */
FdLimitResult fd_limit_take        (FdRequest   *req,
                                    const char  *kind,
                                    gint64       window_usec,
                                    guint        max,
                                    guint       *count);
/* The user's @kind events within @window_usec, after fd_limit_take(). */
guint         fd_limit_count       (FdRequest   *req,
                                    const char  *kind,
                                    gint64       window_usec);

/* Locks the request's account until an admin lifts it, ends its sessions,
 * raises @kind and answers 423 with locked_until null. */
void          fd_reply_anomaly_lock (FdRequest  *req,
                                     const char *kind,
                                     const char *detail);

/* Counts the first @n of @ids (resident ids about to be listed) toward the
 * listing rule. Call it after the search's audit entry, before writing the
 * answer. FALSE when an answer (423 locked, 503) has been sent instead. */
gboolean      fd_limits_note_listed (FdRequest    *req,
                                     const GArray *ids,
                                     guint         n);

/* The same count taken off the main context (issue 11, session 5), for
 * engines with listed_note_detached: fd_limits_take_listed_detached() on
 * the search worker, before the answer is written, then, on the main
 * context after the search's audit entry, fd_limits_listed_taken() with
 * its count or error: FALSE when an answer (423, 503) has been sent. */
gboolean      fd_limits_take_listed_detached (FdStore       *store,
                                              gint64         user_id,
                                              const GArray  *ids,
                                              guint          n,
                                              guint         *listed,
                                              GError       **error);
gboolean      fd_limits_listed_taken (FdRequest    *req,
                                      guint         listed,
                                      const GError *error);

G_END_DECLS
