/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The store unit tests' engine: SQLite, or PostgreSQL when FD_TEST_STORE=postgresql. */

#define _GNU_SOURCE
#include "config.h"

#include "fd-test-store.h"

#include <glib/gstdio.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <string.h>

#include "fd-crypto.h"
#include "fd-field.h"
#include "fd-store-pg.h"
#include "fd-store-sqlite.h"
#include "fd-test-pg.h"

FdTestStore *
fd_test_store_new (void)
{
  g_autoptr(GError) error = NULL;
  FdTestStore *t = g_new0 (FdTestStore, 1);

  g_assert_true (fd_crypto_init (&error));
  t->dir = g_dir_make_tmp ("fd-store-XXXXXX", &error);
  g_assert_no_error (error);
  t->key_path = g_build_filename (t->dir, "data.key", NULL);
  if (!fd_test_store_is_postgresql ())
    {
      t->db_path = g_build_filename (t->dir, "frontdesk.db", NULL);
      return t;
    }
  {
    g_autofree char *password_file = g_build_filename (t->dir, "server.password", NULL);

    t->owner = fd_test_pg_new_database ();
    g_assert_true (fd_store_pg_migrate (t->owner, NULL, NULL, NULL, &error));
    g_assert_no_error (error);
    t->server = fd_store_pg_server_login (t->owner, NULL, password_file, &t->password, &error);
    g_assert_no_error (error);
  }
  return t;
}

void
fd_test_store_free (FdTestStore *t)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (t == NULL)
    return;
  dir = g_dir_open (t->dir, 0, NULL);
  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *path = g_build_filename (t->dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (t->dir);
  g_free (t->dir);
  g_free (t->key_path);
  g_free (t->db_path);
  g_free (t->owner);
  g_free (t->server);
  fd_secret_free (t->password);
  g_free (t);
}

FdStore *
fd_test_store_open_key (FdTestStore  *t,
                        const char   *key_path,
                        GError      **error)
{
  FdKeys *keys = fd_keys_load (key_path ? key_path : t->key_path, TRUE, error);
  g_autoptr(GPtrArray) estates = NULL;
  FdStore *store;

  if (keys == NULL)
    return NULL;
  if (t->db_path != NULL)
    return fd_store_sqlite_open (t->db_path, keys, error);
  store = fd_store_pg_open (t->server, t->password, keys, error);
  if (store == NULL)
    return NULL;
  estates = FD_STORE_CALL0 (store, estate_list);
  fd_store_set_scope (store, estates->len > 0
                               ? ((FdEstateRecord *) estates->pdata[0])->id
                               : FD_STORE_CALL (store, estate_insert, "e1", "一号苑", NULL));
  return store;
}

FdStore *
fd_test_store_open (FdTestStore *t)
{
  g_autoptr(GError) error = NULL;
  FdStore *store = fd_test_store_open_key (t, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

void
fd_test_store_fixture_set_up (FdTestStoreFixture *f,
                              gconstpointer       data)
{
  f->t = fd_test_store_new ();
  f->store = fd_test_store_open (f->t);
  fd_store_set_scope (f->store, FD_ESTATE_ALL);
}

void
fd_test_store_fixture_tear_down (FdTestStoreFixture *f,
                                 gconstpointer       data)
{
  fd_store_close (f->store);
  fd_test_store_free (f->t);
}

guint
fd_test_store_tamper (FdTestStore *t,
                      const char  *sql)
{
  g_autofree char *super = NULL;
  g_autofree char *wrapped = NULL;
  g_autofree char *count = NULL;

  if (t->db_path != NULL)
    {
      sqlite3 *db = NULL;
      guint n;

      g_assert_cmpint (sqlite3_open (t->db_path, &db), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
      n = sqlite3_changes (db);
      sqlite3_close (db);
      return n;
    }
  super = fd_test_pg_superuser_conninfo (t->owner);
  wrapped = g_strdup_printf ("WITH changed AS (%s RETURNING 1) SELECT count(*) FROM changed", sql);
  count = fd_test_pg_query_value (super, wrapped);
  return (guint) g_ascii_strtoull (count, NULL, 10);
}

static gboolean
file_contains (const char *path,
               const char *needle)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &data, &len, NULL))
    return FALSE;
  return memmem (data, len, needle, strlen (needle)) != NULL;
}

gboolean
fd_test_store_holds (FdTestStore *t,
                     const char  *needle)
{
  g_autofree char *super = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *found = NULL;

  if (t->db_path != NULL)
    {
      g_autofree char *wal = g_strconcat (t->db_path, "-wal", NULL);
      return file_contains (t->db_path, needle) || file_contains (wal, needle);
    }
  /* every row of every table of the schema, as text (bytea as hex: the
   * needle is looked for in hex too, in case a column held its bytes) */
  super = fd_test_pg_superuser_conninfo (t->owner);
  g_assert_null (strpbrk (needle, "'\\%_"));
  sql = g_strdup_printf (
    "SELECT count(*) FROM pg_tables p, LATERAL (SELECT query_to_xml (format ("
    "'SELECT t::text AS x FROM %%I t', p.tablename), true, false, '')::text AS x) r "
    "WHERE p.schemaname = 'public' AND (strpos (r.x, '%s') > 0 OR "
    "strpos (r.x, encode (convert_to ('%s', 'UTF8'), 'hex')) > 0)", needle, needle);
  found = fd_test_pg_query_value (super, sql);
  return g_strcmp0 (found, "0") != 0;
}
