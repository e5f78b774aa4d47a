/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests estates over the wire: isolation, sign-in, company-wide views, the commands. */

#include "config.h"

#include <string.h>

#include "fd-test-server.h"

/* Issue 11 with `demo --estates 2`: an account of estate e1 cannot see a
 * resident (or visitor, or audit entry) of e2 by any request; an account
 * of two estates names one at sign-in, told which only once its password
 * is right; auditor and admin see every estate; the estate commands. */

typedef struct
{
  char *id;
  char *name;
  char *room;
  char *last4;
  char *plate_masked_prefix;   /* what reception sees before the '*' */
  char *plate_clear;           /* what a manager sees */
} Resident;

static Resident x;             /* a resident of e2 */
static GPtrArray *e1_rooms;    /* their rooms, same order */

static const char *
value_of (JsonObject *item,
          const char *member)
{
  JsonObject *field = fd_test_get_object_member (item, member);
  return field ? json_object_get_string_member (field, "value") : NULL;
}

static JsonNode *
request (FdTestFixture *f,
         const char    *method,
         const char    *path,
         const char    *token,
         const char    *body,
         guint         *status)
{
  return fd_test_request (f->server, f->session, method, path, token, body, status, NULL);
}

/* Whether the residents a search answers (every page) hold @id. */
static gboolean
search_finds (FdTestFixture *f,
              const char    *token,
              const char    *q,
              const char    *id)
{
  g_autofree char *escaped = g_uri_escape_string (q, NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("/api/v1/residents?limit=50&q=%s", escaped);
  g_autoptr(GPtrArray) items = fd_test_fetch_all (f->server, f->session, token, path);

  for (guint i = 0; i < items->len; i++)
    if (g_str_equal (fd_test_get_string (items->pdata[i], "id"), id))
      return TRUE;
  return FALSE;
}

static void
assert_not_found (guint     status,
                  JsonNode *node)
{
  fd_test_assert_error (status, node, 404, "not-found", NULL);
}

/* A resident of e2 answers reception-e1 and manager-e1 exactly like one
 * that does not exist, whatever the request; the same requests find it
 * for the accounts of e2 (so the test can fail). */
static void
check_resident_hidden (FdTestFixture *f,
                       const char    *role)
{
  g_autofree char *user_e1 = g_strdup_printf ("%s-e1", role);
  g_autofree char *user_e2 = g_strdup_printf ("%s-e2", role);
  g_autofree char *e1 = fd_test_login (f->server, f->session, user_e1);
  g_autofree char *e2 = fd_test_login (f->server, f->session, user_e2);
  g_autofree char *detail = g_strdup_printf ("/api/v1/residents/%s", x.id);
  g_autofree char *reveal = g_strdup_printf ("/api/v1/residents/%s/reveal", x.id);
  g_autofree char *verify = g_strdup_printf ("/api/v1/residents/%s/verify", x.id);
  g_autofree char *reveal_body = g_strdup_printf (
    "{\"field\": \"phone\", \"reason_code\": \"verify-identity\", \"password\": \"%s\"}",
    fd_test_server_get_password (f->server));
  const char *verify_body = "{\"field\": \"phone\", \"value\": \"13800000000\"}";
  const char *queries[] = { x.name, x.room, x.last4,
                            g_str_equal (role, "manager") ? x.plate_clear : x.plate_masked_prefix };
  guint status;

  {
    g_autoptr(JsonNode) node = request (f, "GET", detail, e2, NULL, &status);
    g_assert_cmpuint (status, ==, 200);
  }
  {
    g_autofree char *hidden = NULL;
    g_autofree char *missing = NULL;
    g_autoptr(JsonNode) node = fd_test_request (f->server, f->session, "GET", detail, e1, NULL,
                                                &status, &hidden);

    assert_not_found (status, node);
    g_clear_pointer (&node, json_node_unref);
    node = fd_test_request (f->server, f->session, "GET", "/api/v1/residents/99999999", e1, NULL,
                            &status, &missing);
    assert_not_found (status, node);
    /* exactly like one that does not exist */
    g_assert_cmpstr (hidden, ==, missing);
  }
  {
    g_autoptr(JsonNode) node = request (f, "POST", reveal, e1, reveal_body, &status);
    assert_not_found (status, node);
  }
  {
    g_autoptr(JsonNode) node = request (f, "POST", verify, e1, verify_body, &status);
    assert_not_found (status, node);
  }
  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_assert_nonnull (queries[i]);
      g_assert_true (search_finds (f, e2, queries[i], x.id));
      g_assert_false (search_finds (f, e1, queries[i], x.id));
    }
  g_assert_false (search_finds (f, e1, "", x.id));
}

static void
test_reception_isolated (FdTestFixture *f,
                         gconstpointer  data)
{
  check_resident_hidden (f, "reception");
}

static void
test_manager_isolated (FdTestFixture *f,
                       gconstpointer  data)
{
  check_resident_hidden (f, "manager");
}

/* The room lookup counts e1's residents only, though rooms repeat. */
static void
test_rooms_isolated (FdTestFixture *f,
                     gconstpointer  data)
{
  g_autofree char *e1 = fd_test_login (f->server, f->session, "reception-e1");
  g_autofree char *e2 = fd_test_login (f->server, f->session, "reception-e2");
  g_autofree char *path = g_strdup_printf ("/api/v1/rooms?q=%s", x.room);
  g_autoptr(JsonNode) mine = NULL;
  g_autoptr(JsonNode) theirs = NULL;
  JsonArray *items;
  guint status, in_e1 = 0;

  for (guint i = 0; i < e1_rooms->len; i++)
    in_e1 += g_str_equal (e1_rooms->pdata[i], x.room);
  theirs = request (f, "GET", path, e2, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  items = json_object_get_array_member (fd_test_get_object (theirs), "items");
  g_assert_cmpuint (json_array_get_length (items), ==, 1);
  mine = request (f, "GET", path, e1, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  items = json_object_get_array_member (fd_test_get_object (mine), "items");
  if (in_e1 == 0)
    g_assert_cmpuint (json_array_get_length (items), ==, 0);
  else
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (items, 0),
                                                 "residents"), ==, in_e1);
}

static gboolean
visitors_hold (FdTestFixture *f,
               const char    *token,
               const char    *id)
{
  g_autoptr(GPtrArray) items = fd_test_fetch_all (f->server, f->session, token,
                                                  "/api/v1/visitors?limit=50");

  for (guint i = 0; i < items->len; i++)
    if (g_str_equal (fd_test_get_string (items->pdata[i], "id"), id))
      return TRUE;
  return FALSE;
}

static void
test_visitors_isolated (FdTestFixture *f,
                        gconstpointer  data)
{
  g_autofree char *e1 = fd_test_login (f->server, f->session, "reception-e1");
  g_autofree char *e2 = fd_test_login (f->server, f->session, "reception-e2");
  g_autofree char *m1 = fd_test_login (f->server, f->session, "manager-e1");
  g_autofree char *m2 = fd_test_login (f->server, f->session, "manager-e2");
  g_autofree char *body = g_strdup_printf ("{\"name\": \"孙七\", \"phone\": \"13912340000\", "
                                           "\"room\": \"%s\", \"purpose\": \"探访\"}", x.room);
  g_autofree char *checkout = NULL;
  g_autofree char *needle = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *csv2 = NULL;
  guint status;
  g_autoptr(JsonNode) created = request (f, "POST", "/api/v1/visitors", e2, body, &status);
  const char *id = fd_test_get_string (fd_test_get_object (created), "id");

  g_assert_true (visitors_hold (f, e2, id));
  g_assert_false (visitors_hold (f, e1, id));
  checkout = g_strdup_printf ("/api/v1/visitors/%s/checkout", id);
  {
    g_autoptr(JsonNode) node = request (f, "POST", checkout, e1, NULL, &status);
    assert_not_found (status, node);
  }
  needle = g_strdup_printf ("\n\"%s\",", id);
  fd_test_request (f->server, f->session, "GET", "/api/v1/visitors/export", m2, NULL, &status,
                   &csv2);
  g_assert_cmpuint (status, ==, 200);
  g_assert_nonnull (strstr (csv2, needle));
  fd_test_request (f->server, f->session, "GET", "/api/v1/visitors/export", m1, NULL, &status,
                   &csv);
  g_assert_cmpuint (status, ==, 200);
  g_assert_null (strstr (csv, needle));
  /* still inside for e2: e1's check-out changed nothing */
  {
    g_autoptr(JsonNode) node = request (f, "POST", checkout, e2, NULL, &status);
    g_assert_cmpuint (status, ==, 200);
  }
}

/* The audit entries of e2 (reception-e2 viewing x) are not in e1's log;
 * the auditor, company-wide, sees both estates. */
static void
test_audit_isolated (FdTestFixture *f,
                     gconstpointer  data)
{
  g_autofree char *e2 = fd_test_login (f->server, f->session, "reception-e2");
  g_autofree char *m1 = fd_test_login (f->server, f->session, "manager-e1");
  g_autofree char *m2 = fd_test_login (f->server, f->session, "manager-e2");
  g_autofree char *auditor = fd_test_login (f->server, f->session, "auditor");
  g_autofree char *detail = g_strdup_printf ("/api/v1/residents/%s", x.id);
  const char *path = "/api/v1/audit?action=view&limit=100";
  guint status;
  struct { const char *token; gboolean sees; } who[] = {
    { m2, TRUE }, { auditor, TRUE }, { m1, FALSE },
  };

  {
    g_autoptr(JsonNode) node = request (f, "GET", detail, e2, NULL, &status);
    g_assert_cmpuint (status, ==, 200);
  }
  for (guint w = 0; w < G_N_ELEMENTS (who); w++)
    {
      g_autoptr(JsonNode) node = request (f, "GET", path, who[w].token, NULL, &status);
      JsonArray *items;
      gboolean seen = FALSE, other_estate = FALSE;

      g_assert_cmpuint (status, ==, 200);
      items = json_object_get_array_member (fd_test_get_object (node), "items");
      for (guint i = 0; i < json_array_get_length (items); i++)
        {
          JsonObject *item = json_array_get_object_element (items, i);
          JsonNode *target = json_object_get_member (item, "target");
          const char *estate = json_object_get_string_member_with_default (item, "estate", "");

          if (target != NULL && !JSON_NODE_HOLDS_NULL (target) &&
              g_str_equal (json_node_get_string (target), x.id) &&
              g_str_equal (fd_test_get_string (item, "actor"), "reception-e2"))
            seen = TRUE;
          other_estate |= g_str_equal (estate, "e2");
        }
      g_assert_cmpint (seen, ==, who[w].sees);
      g_assert_cmpint (other_estate, ==, who[w].sees);
    }
}

static JsonNode *
sign_in (FdTestFixture *f,
         const char    *username,
         const char    *password,
         const char    *estate,
         guint         *status,
         char         **body)
{
  g_autofree char *json = NULL;

  json = estate ? g_strdup_printf ("{\"username\": \"%s\", \"password\": \"%s\", \"estate\": \"%s\"}",
                                   username, password, estate)
                : g_strdup_printf ("{\"username\": \"%s\", \"password\": \"%s\"}", username, password);
  return fd_test_request (f->server, f->session, "POST", "/api/v1/session", NULL, json, status, body);
}

static const char *
session_estate (JsonNode *node)
{
  return fd_test_get_string (fd_test_get_object_member (fd_test_get_object (node), "estate"), "code");
}

static void
test_sign_in (FdTestFixture *f,
              gconstpointer  data)
{
  g_autofree char *admin = fd_test_login (f->server, f->session, "admin");
  const char *pw = fd_test_server_get_password (f->server);
  g_autofree char *create = g_strdup_printf (
    "{\"username\": \"area-manager\", \"display_name\": \"Area\", \"role\": \"manager\", "
    "\"password\": \"%s\", \"estates\": [\"e1\", \"e2\"]}", pw);
  guint status;

  {
    g_autoptr(JsonNode) node = request (f, "POST", "/api/v1/users", admin, create, &status);
    JsonArray *estates;

    g_assert_cmpuint (status, ==, 201);
    estates = json_object_get_array_member (fd_test_get_object (node), "estates");
    g_assert_cmpuint (json_array_get_length (estates), ==, 2);
  }
  /* a wrong password is an ordinary 401, naming no estate */
  {
    g_autofree char *body = NULL;
    g_autoptr(JsonNode) node = sign_in (f, "area-manager", "wrong-password", NULL, &status, &body);
    fd_test_assert_error (status, node, 401, "bad-credentials", NULL);
    g_assert_null (strstr (body, "e1"));
    g_clear_pointer (&node, json_node_unref);
    g_clear_pointer (&body, g_free);
    node = sign_in (f, "area-manager", "wrong-password", "e9", &status, &body);
    fd_test_assert_error (status, node, 401, "bad-credentials", NULL);
    g_assert_null (strstr (body, "e1"));
  }
  /* the right one: 400 with the two codes, and never counted as a failure
   * (five failures in a row lock the name) */
  for (guint i = 0; i < 6; i++)
    {
      g_autoptr(JsonNode) node = sign_in (f, "area-manager", pw, NULL, &status, NULL);
      JsonArray *codes;

      fd_test_assert_error (status, node, 400, "estate-required", "estate");
      codes = json_object_get_array_member (json_object_get_object_member (
                                              fd_test_get_object (node), "error"), "estates");
      if (codes == NULL)
        codes = json_object_get_array_member (fd_test_get_object (node), "estates");
      g_assert_nonnull (codes);
      g_assert_cmpuint (json_array_get_length (codes), ==, 2);
      g_assert_cmpstr (json_array_get_string_element (codes, 0), ==, "e1");
      g_assert_cmpstr (json_array_get_string_element (codes, 1), ==, "e2");
    }
  {
    g_autoptr(JsonNode) node = sign_in (f, "area-manager", pw, "e2", &status, NULL);
    g_assert_cmpuint (status, ==, 201);
    g_assert_cmpstr (session_estate (node), ==, "e2");
  }
  {
    g_autoptr(JsonNode) node = sign_in (f, "area-manager", pw, "main", &status, NULL);
    fd_test_assert_error (status, node, 403, "estate-not-granted", "estate");
  }
  {
    g_autoptr(JsonNode) node = sign_in (f, "reception-e1", pw, "e2", &status, NULL);
    fd_test_assert_error (status, node, 403, "estate-not-granted", "estate");
  }
  {
    g_autoptr(JsonNode) node = sign_in (f, "reception-e1", pw, "e1", &status, NULL);
    g_assert_cmpuint (status, ==, 201);
    g_assert_cmpstr (session_estate (node), ==, "e1");
  }
  /* company-wide: every estate, or one named to narrow */
  {
    g_autoptr(JsonNode) node = sign_in (f, "auditor", pw, NULL, &status, NULL);
    g_assert_cmpuint (status, ==, 201);
    g_assert_cmpstr (session_estate (node), ==, "*");
  }
  {
    g_autoptr(JsonNode) node = sign_in (f, "auditor", pw, "e2", &status, NULL);
    g_assert_cmpuint (status, ==, 201);
    g_assert_cmpstr (session_estate (node), ==, "e2");
  }
}

static void
test_session_estate (FdTestFixture *f,
                     gconstpointer  data)
{
  g_autofree char *e1 = fd_test_login (f->server, f->session, "patrol-e1");
  g_autoptr(JsonNode) node = NULL;
  guint status;

  node = request (f, "GET", "/api/v1/session", e1, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (session_estate (node), ==, "e1");
}

/* The admin lists each account's estates and may change them; a role's
 * count of estates is checked. */
static void
test_users_estates (FdTestFixture *f,
                    gconstpointer  data)
{
  g_autofree char *admin = fd_test_login (f->server, f->session, "admin");
  const char *pw = fd_test_server_get_password (f->server);
  g_autofree char *two = g_strdup_printf (
    "{\"username\": \"two-desks\", \"display_name\": \"Two\", \"role\": \"reception\", "
    "\"password\": \"%s\", \"estates\": [\"e1\", \"e2\"]}", pw);
  g_autofree char *none = g_strdup_printf (
    "{\"username\": \"no-desk\", \"display_name\": \"None\", \"role\": \"reception\", "
    "\"password\": \"%s\"}", pw);
  g_autofree char *one = g_strdup_printf (
    "{\"username\": \"one-desk\", \"display_name\": \"One\", \"role\": \"reception\", "
    "\"password\": \"%s\", \"estates\": [\"e1\"]}", pw);
  g_autofree char *patch_path = NULL;
  g_autofree char *token = NULL;
  guint status;

  {
    g_autoptr(JsonNode) node = request (f, "POST", "/api/v1/users", admin, two, &status);
    fd_test_assert_error (status, node, 400, "bad-request", "estates");
  }
  {
    g_autoptr(JsonNode) node = request (f, "POST", "/api/v1/users", admin, none, &status);
    fd_test_assert_error (status, node, 400, "bad-request", "estates");
  }
  {
    g_autoptr(JsonNode) node = request (f, "POST", "/api/v1/users", admin, one, &status);
    g_assert_cmpuint (status, ==, 201);
    patch_path = g_strdup_printf ("/api/v1/users/%s",
                                  fd_test_get_string (fd_test_get_object (node), "id"));
  }
  token = fd_test_login (f->server, f->session, "one-desk");
  {
    g_autoptr(JsonNode) node = request (f, "PATCH", patch_path, admin,
                                        "{\"estates\": [\"e2\"]}", &status);
    JsonArray *estates;

    g_assert_cmpuint (status, ==, 200);
    estates = json_object_get_array_member (fd_test_get_object (node), "estates");
    g_assert_cmpstr (json_array_get_string_element (estates, 0), ==, "e2");
  }
  /* e1 was taken away: the session of e1 ended */
  {
    g_autoptr(JsonNode) node = request (f, "GET", "/api/v1/session", token, NULL, &status);
    g_assert_cmpuint (status, ==, 401);
  }
  {
    g_autoptr(JsonNode) node = request (f, "GET", "/api/v1/users", admin, NULL, &status);
    JsonArray *items = json_object_get_array_member (fd_test_get_object (node), "items");
    gboolean listed = FALSE;

    for (guint i = 0; i < json_array_get_length (items); i++)
      {
        JsonObject *item = json_array_get_object_element (items, i);
        if (g_str_equal (fd_test_get_string (item, "username"), "reception-e2"))
          {
            JsonArray *estates = json_object_get_array_member (item, "estates");
            listed = json_array_get_length (estates) == 1 &&
                     g_str_equal (json_array_get_string_element (estates, 0), "e2");
          }
      }
    g_assert_true (listed);
  }
}

/* frontdesk-server with @args; its exit status, what it printed in @out. */
static int
run_cli (const char * const *args,
         const char         *input,
         char              **out)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;

  g_ptr_array_add (argv, (char *) fd_test_server_binary ());
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  child = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (child, input ? input : "", NULL, out, &err, &error);
  g_assert_no_error (error);
  g_test_message ("%s", err ? err : "");
  if (out != NULL && err != NULL)
    {
      char *both = g_strconcat (*out ? *out : "", err, NULL);
      g_free (*out);
      *out = both;
    }
  return g_subprocess_get_exit_status (child);
}

static void
test_cli (void)
{
  g_autofree char *dir = g_dir_make_tmp ("fd-estates-cli-XXXXXX", NULL);
  g_autofree char *data = g_build_filename (dir, "office", NULL);
  struct { const char *args[16]; int status; const char *says; } cases[] = {
    { { "estate", "add", "--data-dir", data, "--code", "north", "--name", "北区", NULL }, 0, "north" },
    { { "estate", "add", "--data-dir", data, "--code", "South", "--name", "x", NULL }, 2, "code" },
    { { "estate", "add", "--data-dir", data, "--code", "north", "--name", "x", NULL }, 2, "exists" },
    { { "estate", "list", "--data-dir", data, NULL }, 0, "north" },
    /* two estates now: an estate role must name one */
    { { "user", "add", "--data-dir", data, "--username", "desk", "--role", "reception", NULL },
      2, "estate" },
    { { "user", "add", "--data-dir", data, "--username", "desk", "--role", "reception",
        "--estate", "main,north", NULL }, 2, "exactly one" },
    { { "user", "add", "--data-dir", data, "--username", "desk", "--role", "reception",
        "--estate", "west", NULL }, 2, "No estate" },
    { { "user", "add", "--data-dir", data, "--username", "desk", "--role", "reception",
        "--estate", "bad code!", NULL }, 2, "code" },
    { { "user", "add", "--data-dir", data, "--username", "boss", "--role", "manager",
        "--estate", "main,north", NULL }, 0, NULL },
    { { "user", "add", "--data-dir", data, "--username", "desk", "--role", "reception",
        "--estate", "north", NULL }, 0, NULL },
    { { "user", "add", "--data-dir", data, "--username", "boss2", "--role", "manager", NULL },
      2, "estate" },
    { { "user", "add", "--data-dir", data, "--username", "root", "--role", "admin", NULL }, 0, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = NULL;
      int status = run_cli (cases[i].args, "a-long-password\n", &out);

      g_test_message ("case %u: %s", i, out);
      g_assert_cmpint (status, ==, cases[i].status);
      if (cases[i].says != NULL)
        g_assert_nonnull (strstr (out, cases[i].says));
    }
  {
    const char *rm[] = { "rm", "-rf", dir, NULL };
    g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  }
}

static void
load_residents (FdTestServer *server,
                SoupSession  *session)
{
  g_autofree char *r1 = fd_test_login (server, session, "reception-e1");
  g_autofree char *r2 = fd_test_login (server, session, "reception-e2");
  g_autofree char *m2 = fd_test_login (server, session, "manager-e2");
  g_autoptr(GPtrArray) e1 = fd_test_fetch_all (server, session, r1, "/api/v1/residents?limit=50");
  g_autoptr(GPtrArray) e2 = fd_test_fetch_all (server, session, r2, "/api/v1/residents?limit=50");

  g_assert_cmpuint (e1->len, >, 50);
  g_assert_cmpuint (e2->len, >, 50);
  e1_rooms = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < e1->len; i++)
    {
      g_ptr_array_add (e1_rooms, g_strdup (value_of (e1->pdata[i], "room")));
    }
  /* x: a resident of e2 with a phone and a plate */
  for (guint i = 0; i < e2->len && x.id == NULL; i++)
    {
      JsonObject *item = e2->pdata[i];
      JsonArray *plates = json_object_get_array_member (item, "plates");
      const char *phone = value_of (item, "phone");

      if (plates == NULL || json_array_get_length (plates) == 0 || phone == NULL)
        continue;
      x.id = g_strdup (fd_test_get_string (item, "id"));
      x.name = g_strdup (value_of (item, "name"));
      x.room = g_strdup (value_of (item, "room"));
      x.last4 = g_strdup (phone + strlen (phone) - 4);
      x.plate_masked_prefix = g_strndup (
        json_object_get_string_member (json_array_get_object_element (plates, 0), "value"),
        strcspn (json_object_get_string_member (json_array_get_object_element (plates, 0), "value"),
                 "*"));
    }
  g_assert_nonnull (x.id);
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/residents/%s", x.id);
    guint status;
    g_autoptr(JsonNode) node = fd_test_request (server, session, "GET", path, m2, NULL, &status, NULL);
    JsonArray *plates = json_object_get_array_member (fd_test_get_object (node), "plates");

    x.plate_clear = g_strdup (json_object_get_string_member (
                                json_array_get_object_element (plates, 0), "value"));
  }
}

int
main (int   argc,
      char *argv[])
{
  const char *extra[] = { "--estates", "2", NULL };
  FdTestServerOptions opts = { .residents = 400, .extra_args = extra };
  FdTestServer *server;
  SoupSession *session;
  int ret;

  g_test_init (&argc, &argv, NULL);
  server = fd_test_server_start (&opts);
  session = fd_test_server_new_session (server);
  load_residents (server, session);

  fd_test_add ("/fd/server/estates/reception-isolated", server, test_reception_isolated);
  fd_test_add ("/fd/server/estates/manager-isolated", server, test_manager_isolated);
  fd_test_add ("/fd/server/estates/rooms-isolated", server, test_rooms_isolated);
  fd_test_add ("/fd/server/estates/visitors-isolated", server, test_visitors_isolated);
  fd_test_add ("/fd/server/estates/audit-isolated", server, test_audit_isolated);
  fd_test_add ("/fd/server/estates/sign-in", server, test_sign_in);
  fd_test_add ("/fd/server/estates/session-estate", server, test_session_estate);
  fd_test_add ("/fd/server/estates/users", server, test_users_estates);
  g_test_add_func ("/fd/server/estates/cli", test_cli);

  ret = g_test_run ();
  g_object_unref (session);
  fd_test_server_stop (server);
  return ret;
}
