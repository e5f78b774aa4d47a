/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The store unit tests' engine: SQLite, or PostgreSQL when FD_TEST_STORE=postgresql. */

#pragma once

#include "fd-store.h"

G_BEGIN_DECLS

/* One database for a store test, on the engine the test process runs on
 * (fd_test_store_is_postgresql(), tests/fd-test-pg.h): an SQLite file in
 * a temporary directory, or a new database of the process's PostgreSQL
 * cluster, its schema applied by its owner and served by the server's
 * role, as `demo --store postgresql` does. The key file is in dir. */
typedef struct
{
  char *dir;
  char *key_path;
  char *db_path;        /* SQLite */
  char *owner;          /* PostgreSQL: the owner's connection string */
  char *server;         /* PostgreSQL: the server role's, and its password */
  char *password;
} FdTestStore;

FdTestStore *fd_test_store_new      (void);
void         fd_test_store_free     (FdTestStore *t);
/* Opens the database with the key file @key_path (NULL: the test's own,
 * made when missing); NULL with @error when the engine refuses. On
 * PostgreSQL the store's scope is the first estate (made on first use),
 * as a request of that estate's office would have it. */
FdStore     *fd_test_store_open_key (FdTestStore *t,
                                     const char  *key_path,
                                     GError     **error);
/* The same with the test's key, asserting success. */
FdStore     *fd_test_store_open     (FdTestStore *t);
/* Runs @sql past the engine, as someone with write access to the
 * database would (SQLite: on the file; PostgreSQL: as a superuser, past
 * row-level security). Returns the rows it changed. */
guint        fd_test_store_tamper   (FdTestStore *t,
                                     const char  *sql);
/* TRUE when @needle is anywhere in the stored data as written to disk
 * (SQLite: the file and its WAL; PostgreSQL: every row of every table,
 * as text). */
gboolean     fd_test_store_holds    (FdTestStore *t,
                                     const char  *needle);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdTestStore, fd_test_store_free)

/* A g_test_add() fixture: a new database per test, opened with the
 * scope FD_ESTATE_ALL. */
typedef struct
{
  FdTestStore *t;
  FdStore     *store;
} FdTestStoreFixture;

void         fd_test_store_fixture_set_up    (FdTestStoreFixture *f,
                                              gconstpointer       data);
void         fd_test_store_fixture_tear_down (FdTestStoreFixture *f,
                                              gconstpointer       data);

G_END_DECLS
