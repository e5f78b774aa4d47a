/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A token-bucket rate limit per source address. */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Per-key (source address) rate limit: a token bucket of @per_minute
 * tokens that refills evenly over a minute. Main context only. Memory is
 * bounded: keys whose bucket is full again are forgotten. */
typedef struct _FdRateLimit FdRateLimit;

FdRateLimit *fd_rate_limit_new  (guint        per_minute);
void         fd_rate_limit_free (FdRateLimit *limit);
/* Takes one token for @key at @now (monotonic µs). FALSE when none is
 * left; @retry_after_s then gets the seconds until one is (≥ 1). */
gboolean     fd_rate_limit_take (FdRateLimit *limit,
                                 const char  *key,
                                 gint64       now,
                                 guint       *retry_after_s);

G_END_DECLS
