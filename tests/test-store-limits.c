/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests the store's limit calls on an engine. */

/* test-store-limits.c — the store's limit calls (issue 9): limit_take,
 * limit_count and listed_note on the SQLite engine (and on PostgreSQL as
 * test-store-limits-pg, fd-test-store.h), with explicit times so that
 * windows can pass without waiting.
 */

#include "config.h"

#include "fd-crypto.h"
#include "fd-test-store.h"

#define MINUTE ((gint64) 60 * G_USEC_PER_SEC)
#define T0     ((gint64) 1800000000 * G_USEC_PER_SEC)

static FdTestStore *db;

static FdStore *
open_store (void)
{
  return fd_test_store_open (db);
}

/* Takes one unit of a 10-an-hour limit at @now; returns the count. */
static guint
take (FdStore    *store,
      gint64      user,
      const char *kind,
      gint64      now,
      gboolean    expect_granted)
{
  g_autoptr(GError) error = NULL;
  guint count = 0;
  gboolean granted = FD_STORE_CALL (store, limit_take, user, kind, now - 60 * MINUTE, now, 10,
                                    &count, &error);

  g_assert_no_error (error);
  g_assert_cmpint (granted, ==, expect_granted);
  return count;
}

static void
test_limit_take (void)
{
  FdStore *store = open_store ();
  FdStore *other = open_store ();   /* a second connection, as a second process */

  for (guint i = 1; i <= 10; i++)
    g_assert_cmpuint (take (i % 2 ? store : other, 1, "reveal", T0 + i * MINUTE, TRUE), ==, i);
  /* Refused: not recorded, so the count stays at 10. */
  for (guint i = 0; i < 3; i++)
    g_assert_cmpuint (take (store, 1, "reveal", T0 + 11 * MINUTE, FALSE), ==, 10);
  /* Another user and another kind have their own counts. */
  g_assert_cmpuint (take (store, 2, "reveal", T0 + 11 * MINUTE, TRUE), ==, 1);
  g_assert_cmpuint (take (other, 1, "verify", T0 + 11 * MINUTE, TRUE), ==, 1);

  /* A shorter window, read after the takes. */
  g_assert_cmpuint (FD_STORE_CALL (store, limit_count, 1, "reveal", T0 + 8 * MINUTE), ==, 3);

  /* An hour after the first unit it is given back, and only that one. */
  g_assert_cmpuint (take (other, 1, "reveal", T0 + 61 * MINUTE, FALSE), ==, 10);
  g_assert_cmpuint (take (other, 1, "reveal", T0 + 61 * MINUTE + 1, TRUE), ==, 10);
  g_assert_cmpuint (take (store, 1, "reveal", T0 + 61 * MINUTE + 1, FALSE), ==, 10);

  /* Inside a transaction of the caller's, rolled back with it. */
  g_assert_true (FD_STORE_CALL (store, begin, NULL));
  g_assert_cmpuint (take (store, 3, "reveal", T0, TRUE), ==, 1);
  FD_STORE_CALL0 (store, rollback);
  g_assert_cmpuint (take (store, 3, "reveal", T0, TRUE), ==, 1);

  fd_store_close (other);
  fd_store_close (store);
}

static guint
note (FdStore      *store,
      gint64        user,
      const gint64 *ids,
      guint         n,
      gint64        now)
{
  g_autoptr(GError) error = NULL;
  guint count = 0;

  g_assert_true (FD_STORE_CALL (store, listed_note, user, ids, n, now - 10 * MINUTE, now,
                                &count, &error));
  g_assert_no_error (error);
  return count;
}

static void
test_listed_note (void)
{
  FdStore *store = open_store ();
  gint64 page1[100], page2[100];

  for (guint i = 0; i < 100; i++)
    {
      page1[i] = i + 1;
      page2[i] = i + 51;   /* half of it listed already */
    }
  g_assert_cmpuint (note (store, 7, page1, 100, T0), ==, 100);
  g_assert_cmpuint (note (store, 7, page1, 100, T0 + MINUTE), ==, 100);
  g_assert_cmpuint (note (store, 7, page1, 25, T0 + MINUTE), ==, 100);
  g_assert_cmpuint (note (store, 7, page2, 100, T0 + 5 * MINUTE), ==, 150);
  g_assert_cmpuint (note (store, 8, page2, 10, T0 + 5 * MINUTE), ==, 10);
  g_assert_cmpuint (note (store, 7, NULL, 0, T0 + 5 * MINUTE), ==, 150);

  /* Ten minutes after T0 the residents first listed then leave (listing
   * them again at T0 + 1 min did not renew them); those first listed at
   * T0 + 5 min stay. */
  g_assert_cmpuint (note (store, 7, NULL, 0, T0 + 10 * MINUTE + 1), ==, 50);
  /* Listed again after leaving, they count again. */
  g_assert_cmpuint (note (store, 7, page1, 100, T0 + 11 * MINUTE), ==, 150);
  g_assert_cmpuint (note (store, 7, NULL, 0, T0 + 30 * MINUTE), ==, 0);
  g_assert_cmpuint (note (store, 8, NULL, 0, T0 + 30 * MINUTE), ==, 0);

  fd_store_close (store);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  db = fd_test_store_new ();
  g_test_add_func ("/fd/store/limits/take", test_limit_take);
  g_test_add_func ("/fd/store/limits/listed", test_listed_note);
  ret = g_test_run ();
  fd_test_store_free (db);
  return ret;
}
