/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A per-address token-bucket rate limit (sign-in attempts). */

#include "config.h"

#include "fd-rate-limit.h"

#define PRUNE_AT 4096   /* keys held before full buckets are dropped */

typedef struct
{
  double tokens;
  gint64 updated;   /* monotonic µs */
} Bucket;

struct _FdRateLimit
{
  double      per_usec;   /* refill rate */
  double      capacity;
  GHashTable *buckets;    /* char *key → Bucket* */
};

FdRateLimit *
fd_rate_limit_new (guint per_minute)
{
  FdRateLimit *limit = g_new0 (FdRateLimit, 1);

  g_return_val_if_fail (per_minute > 0, NULL);

  limit->capacity = per_minute;
  limit->per_usec = per_minute / (60.0 * G_USEC_PER_SEC);
  limit->buckets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return limit;
}

void
fd_rate_limit_free (FdRateLimit *limit)
{
  if (limit == NULL)
    return;
  g_hash_table_unref (limit->buckets);
  g_free (limit);
}

static void
refill (FdRateLimit *limit,
        Bucket      *bucket,
        gint64       now)
{
  if (now > bucket->updated)
    bucket->tokens = MIN (limit->capacity,
                          bucket->tokens + (now - bucket->updated) * limit->per_usec);
  bucket->updated = now;
}

static void
prune (FdRateLimit *limit,
       gint64       now)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, limit->buckets);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      refill (limit, value, now);
      if (((Bucket *) value)->tokens >= limit->capacity)
        g_hash_table_iter_remove (&iter);
    }
}

gboolean
fd_rate_limit_take (FdRateLimit *limit,
                    const char  *key,
                    gint64       now,
                    guint       *retry_after_s)
{
  Bucket *bucket;

  if (key == NULL)
    key = "";
  bucket = g_hash_table_lookup (limit->buckets, key);
  if (bucket == NULL)
    {
      if (g_hash_table_size (limit->buckets) >= PRUNE_AT)
        prune (limit, now);
      bucket = g_new0 (Bucket, 1);
      bucket->tokens = limit->capacity;
      bucket->updated = now;
      g_hash_table_insert (limit->buckets, g_strdup (key), bucket);
    }
  refill (limit, bucket, now);
  if (bucket->tokens >= 1.0)
    {
      bucket->tokens -= 1.0;
      return TRUE;
    }
  {
    double wait_s = (1.0 - bucket->tokens) / limit->per_usec / G_USEC_PER_SEC;
    guint s = (guint) wait_s;

    *retry_after_s = MAX (1, s < wait_s ? s + 1 : s);
  }
  return FALSE;
}
