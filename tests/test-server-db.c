/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests that no clear sensitive value is in the database files. */

/* test-server-db.c — data at rest: no clear mobile, ID number or address in
 * the database files
 */

#include "config.h"

#include <string.h>

#include "fd-test-pg.h"
#include "fd-test-server.h"

/* Clear values obtained through reveal; wiped at the end. */
static GPtrArray *secrets;

static void
wipe (gpointer data)
{
  char *secret = data;

  explicit_bzero (secret, strlen (secret));
  g_free (secret);
}

static char *
reveal (FdTestFixture *fx,
        const char    *token,
        const char    *id,
        const char    *field,
        const char    *password)
{
  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  g_autofree char *path = g_strdup_printf ("/api/v1/residents/%s/reveal", id);
  g_autofree char *json = NULL;
  g_autoptr(JsonNode) node = NULL;
  guint status;

  if (password != NULL)
    json = g_strdup_printf ("{\"field\": \"%s\", \"reason_code\": \"verify-identity\","
                            " \"password\": \"%s\"}", field, password);
  else
    json = g_strdup_printf ("{\"field\": \"%s\", \"reason_code\": \"verify-identity\"}", field);
  node = fd_test_request (server, session, "POST", path, token, json, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  return g_strdup (fd_test_get_string (fd_test_get_object (node), "value"));
}

static gboolean
contains (const char *haystack,
          gsize       size,
          const char *needle)
{
  gsize len = strlen (needle);

  for (gsize i = 0; len > 0 && i + len <= size; i++)
    {
      const char *hit = memchr (haystack + i, needle[0], size - i - len + 1);

      if (hit == NULL)
        return FALSE;
      i = hit - haystack;
      if (memcmp (hit, needle, len) == 0)
        return TRUE;
    }
  return FALSE;
}

/* Counts the files of the database (main, -wal, -journal) that hold @needle. */
static guint
occurrences (FdTestFixture *fx,
             const char    *needle)
{
  FdTestServer *server = fx->server;
  const char *dir = fd_test_server_get_data_dir (server);
  const char *names[] = { "frontdesk.db", "frontdesk.db-wal", "frontdesk.db-journal" };
  guint found = 0;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);
      g_autofree char *contents = NULL;
      gsize size = 0;

      if (!g_file_get_contents (path, &contents, &size, NULL))
        continue;
      if (contains (contents, size, needle))
        {
          g_test_message ("a clear value is in %s", names[i]);
          found++;
        }
    }
  return found;
}

static void
scan_all (FdTestFixture *fx)
{
  FdTestServer *server = fx->server;
  g_autofree char *db = g_build_filename (fd_test_server_get_data_dir (server), "frontdesk.db",
                                          NULL);
  g_autofree char *key = g_build_filename (fd_test_server_get_data_dir (server), "data.key",
                                           NULL);
  g_autofree char *key_bytes = NULL;
  gsize key_size = 0;

  g_assert_true (g_file_test (db, G_FILE_TEST_IS_REGULAR));
  for (guint i = 0; i < secrets->len; i++)
    g_assert_cmpuint (occurrences (fx, secrets->pdata[i]), ==, 0);
  /* Neither the password nor the data key. */
  g_assert_cmpuint (occurrences (fx, fd_test_server_get_password (server)), ==, 0);
  g_assert_true (g_file_get_contents (key, &key_bytes, &key_size, NULL));
  g_assert_cmpuint (key_size, ==, 64);
  {
    g_autofree char *half = g_strndup (key_bytes, 16);

    /* 16 raw key bytes as a needle (a NUL inside only shortens it). */
    if (strlen (half) >= 8)
      g_assert_cmpuint (occurrences (fx, half), ==, 0);
  }
  explicit_bzero (key_bytes, key_size);
}

static void
test_at_rest (FdTestFixture *fx,
              gconstpointer  data)
{
  /* before anything touches the database */
  if (fd_test_skip_unless_sqlite ("SQLite only: reads the SQLite file and its WAL for clear values"))
    return;

  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  const char *password = fd_test_server_get_password (server);
  g_autofree char *reception = fd_test_login (server, session, "reception");
  g_autofree char *manager = fd_test_login (server, session, "manager");
  g_autoptr(GPtrArray) residents = fd_test_fetch_all (server, session, reception,
                                                      "/api/v1/residents?limit=100");
  guint masked_found = 0;

  /* Reception: four mobiles and three ID numbers; manager: three addresses
   * and three more mobiles. Within both hourly budgets. */
  for (guint i = 0; i < 4; i++)
    g_ptr_array_add (secrets, reveal (fx, reception, json_object_get_string_member (
                                       residents->pdata[i * 11], "id"), "phone", NULL));
  for (guint i = 0; i < 3; i++)
    g_ptr_array_add (secrets, reveal (fx, reception, json_object_get_string_member (
                                       residents->pdata[i * 13 + 1], "id"), "id_number",
                                     password));
  for (guint i = 0; i < 3; i++)
    g_ptr_array_add (secrets, reveal (fx, manager, json_object_get_string_member (
                                       residents->pdata[i * 7 + 2], "id"), "home_address",
                                     NULL));
  for (guint i = 0; i < 3; i++)
    g_ptr_array_add (secrets, reveal (fx, manager, json_object_get_string_member (
                                       residents->pdata[i * 5 + 3], "id"), "phone", NULL));

  for (guint i = 0; i < secrets->len; i++)
    {
      const char *value = secrets->pdata[i];

      g_assert_true (g_regex_match_simple ("^1[3-9][0-9]{9}$", value, 0, 0)
                     || g_regex_match_simple ("^[0-9]{17}[0-9X]$", value, 0, 0)
                     || g_regex_match_simple ("^\\p{Han}.*演示路", value, 0, 0));
    }

  /* The street part of an address alone is just as sensitive. */
  for (guint i = 0; i < 3; i++)
    {
      const char *address = secrets->pdata[7 + i];
      const char *street = strstr (address, "演示路");

      g_assert_nonnull (street);
      g_ptr_array_add (secrets, g_strdup (street));
    }

  /* The scan can find things: the masked forms are stored in clear. */
  for (guint i = 0; i < 10; i++)
    {
      const char *masked = json_object_get_string_member (json_object_get_object_member (
                                                            residents->pdata[i], "phone"),
                                                          "value");
      masked_found += occurrences (fx, masked) > 0;
    }
  g_assert_cmpuint (masked_found, >, 0);

  /* While running (WAL) and after a clean stop (checkpointed). */
  scan_all (fx);
  fd_test_server_halt (server);
  scan_all (fx);
  fd_test_server_restart (server);
}

int
main (int   argc,
      char *argv[])
{
  FdTestServer *server;
  int ret;

  g_test_init (&argc, &argv, NULL);

  server = fd_test_server_start (NULL);
  secrets = g_ptr_array_new_with_free_func (wipe);

  fd_test_add ("/fd/server/db/at-rest", server, test_at_rest);

  ret = g_test_run ();

  g_clear_pointer (&secrets, g_ptr_array_unref);
  fd_test_server_stop (server);
  return ret;
}
