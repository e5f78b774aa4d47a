/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests resident search and paging, over the wire. */

#include "config.h"

#include <string.h>

#include "fd-test-server.h"

static char *reception;
static char *patrol;
/* Every resident as reception sees it (clear names and rooms). */
static GPtrArray *everyone;
/* id → the name as patrol sees it (张**). */
static GHashTable *patrol_names;

static const char provinces[] = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼";

/* Common surnames with a single reading, by initial. */
static const struct { const char *initial; const char *surnames; } readings[] = {
  { "b", "白" }, { "c", "陈曹蔡程崔常" }, { "d", "邓董丁杜戴段" }, { "f", "冯范方付樊" },
  { "g", "郭高顾龚" }, { "h", "黄胡何韩侯洪贺郝" }, { "j", "蒋姜金贾江" }, { "k", "孔康" },
  { "l", "李刘林罗梁卢吕陆廖雷龙黎赖柳" }, { "m", "马孟毛莫" }, { "p", "彭潘庞" },
  { "q", "秦邱钱乔" }, { "r", "任" }, { "s", "孙宋苏沈史邵施" }, { "t", "唐田谭陶汤" },
  { "w", "王吴魏汪韦武万文" }, { "x", "徐许谢萧夏熊薛向辛" },
  { "y", "杨袁余于叶姚尹严易殷" }, { "z", "张赵周朱郑钟邹" },
};

static const char *
field_value (JsonObject *resident,
             const char *member)
{
  return json_object_get_string_member (json_object_get_object_member (resident, member),
                                        "value");
}

/* The visible part of a plate (reception sees 粤B1***5) is searchable,
 * per "a role that sees a field masked searches only the part it sees". */
static gboolean
visible_plate_contains (JsonObject *resident,
                        const char *q)
{
  JsonArray *plates = json_object_get_array_member (resident, "plates");

  for (guint i = 0; i < json_array_get_length (plates); i++)
    {
      JsonObject *plate = json_array_get_object_element (plates, i);
      g_autofree char *folded = g_ascii_strup (q, -1);

      if (strstr (json_object_get_string_member (plate, "value"), folded) != NULL)
        return TRUE;
    }
  return FALSE;
}

static JsonObject *
find (const char *id)
{
  for (guint i = 0; i < everyone->len; i++)
    if (g_str_equal (json_object_get_string_member (everyone->pdata[i], "id"), id))
      return everyone->pdata[i];
  g_error ("search returned an id that is not in the full list");
}

static const char *
initial_of (const char *han)
{
  for (guint i = 0; i < G_N_ELEMENTS (readings); i++)
    if (strstr (readings[i].surnames, han) != NULL)
      return readings[i].initial;
  return NULL;
}

/* The ids a search returns, every page followed (@limit per page). */
static GHashTable *
search_ids (FdTestFixture *fx,
            const char    *token,
            const char    *q,
            guint          limit)
{
  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  g_autofree char *escaped = g_uri_escape_string (q, NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("/api/v1/residents?q=%s&limit=%u", escaped, limit);
  g_autoptr(GPtrArray) items = fd_test_fetch_all (server, session, token, path);
  GHashTable *ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < items->len; i++)
    {
      const char *id = json_object_get_string_member (items->pdata[i], "id");

      if (!g_hash_table_add (ids, g_strdup (id)))
        g_error ("q=%s: one resident twice across the pages", q);
    }
  return ids;
}

typedef gboolean (*Predicate) (JsonObject *resident, const char *q);

/* Asserts that reception's search for @q returns exactly the residents
 * @matches selects from the full list. */
static void
assert_search_equals (FdTestFixture *fx,
                      const char    *q,
                      Predicate      matches,
                      guint          limit)
{
  g_autoptr(GHashTable) got = search_ids (fx, reception, q, limit);
  guint expected = 0;

  g_test_message ("q=%s (%s)", q, "reception");
  for (guint i = 0; i < everyone->len; i++)
    {
      const char *id = json_object_get_string_member (everyone->pdata[i], "id");
      gboolean want = matches (everyone->pdata[i], q);

      expected += want;
      if (want && !g_hash_table_contains (got, id))
        g_error ("q=%s: resident %s should match and is missing", q, id);
      if (!want && g_hash_table_contains (got, id))
        g_error ("q=%s: resident %s should not match and was returned", q, id);
    }
  g_assert_cmpuint (g_hash_table_size (got), ==, expected);
  g_assert_cmpuint (expected, >, 0);
}

static gboolean
name_contains (JsonObject *resident,
               const char *q)
{
  return strstr (field_value (resident, "name"), q) != NULL;
}

static gboolean
room_segments (JsonObject *resident,
               const char *q)
{
  const char *room = field_value (resident, "room");
  size_t len = strlen (q);

  return (strncmp (room, q, len) == 0 && (room[len] == '\0' || room[len] == '-'))
         || visible_plate_contains (resident, q);
}

/* Contract v1.1: the room number matches as a prefix ("3-2-15"). */
static gboolean
room_prefix (JsonObject *resident,
             const char *q)
{
  return g_str_has_prefix (field_value (resident, "room"), q) || visible_plate_contains (resident, q);
}

static gboolean
phone_last4 (JsonObject *resident,
             const char *q)
{
  return g_str_has_suffix (field_value (resident, "phone"), q);
}

/* Surname counts among names whose characters are no province
 * abbreviations (those also start plates). */
static char *
common_surname (guint nth)
{
  g_autoptr(GHashTable) counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GList) keys = NULL;
  GHashTableIter iter;
  gpointer key, value;
  char *best = NULL;
  guint best_count = 0, skip = nth;

  for (guint i = 0; i < everyone->len; i++)
    {
      char *surname = g_utf8_substring (field_value (everyone->pdata[i], "name"), 0, 1);

      if (strstr (provinces, surname) != NULL)
        {
          g_free (surname);
          continue;
        }
      value = g_hash_table_lookup (counts, surname);
      g_hash_table_insert (counts, surname, GUINT_TO_POINTER (GPOINTER_TO_UINT (value) + 1));
    }
  /* The nth most frequent. */
  do
    {
      best = NULL;
      best_count = 0;
      g_hash_table_iter_init (&iter, counts);
      while (g_hash_table_iter_next (&iter, &key, &value))
        if (GPOINTER_TO_UINT (value) > best_count)
          {
            best = key;
            best_count = GPOINTER_TO_UINT (value);
          }
      g_assert_nonnull (best);
      if (skip > 0)
        g_hash_table_remove (counts, best);
    }
  while (skip-- > 0);
  g_assert_cmpuint (best_count, >=, 2);
  return g_strdup (best);
}

static void
test_name_one (FdTestFixture *fx,
               gconstpointer  data)
{
  g_autofree char *surname = common_surname (0);
  g_autofree char *second = common_surname (1);

  assert_search_equals (fx, surname, name_contains, 100);
  /* Every page, small pages. */
  assert_search_equals (fx, second, name_contains, 3);
}

static void
test_name_two (FdTestFixture *fx,
               gconstpointer  data)
{
  guint done = 0;

  for (guint i = 0; i < everyone->len && done < 4; i++)
    {
      const char *name = field_value (everyone->pdata[i], "name");
      glong len = g_utf8_strlen (name, -1);
      g_autofree char *head = g_utf8_substring (name, 0, 2);
      g_autofree char *tail = g_utf8_substring (name, len - 2, len);
      gboolean province = FALSE;

      for (glong j = 0; j < len; j++)
        {
          g_autofree char *c = g_utf8_substring (name, j, j + 1);
          province |= strstr (provinces, c) != NULL;
        }
      if (province)
        continue;
      /* A prefix, and (for 3-character names) the given name: a substring. */
      assert_search_equals (fx, head, name_contains, 50);
      if (len >= 3)
        assert_search_equals (fx, tail, name_contains, 50);
      done++;
    }
  g_assert_cmpuint (done, ==, 4);
}

static void
test_pinyin (FdTestFixture *fx,
             gconstpointer  data)
{
  guint checked = 0;

  for (guint r = 0; r < G_N_ELEMENTS (readings); r++)
    {
      const char *s = readings[r].initial;
      g_autoptr(GHashTable) found = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                           NULL);
      guint expected = 0;

      /* Only a few initials: each costs 26 searches. */
      if (strchr ("wzl", s[0]) == NULL)
        continue;
      for (char l = 'a'; l <= 'z'; l++)
        {
          char q[3] = { s[0], l, '\0' };
          g_autoptr(GHashTable) ids = search_ids (fx, reception, q, 100);
          GHashTableIter iter;
          gpointer id;

          g_hash_table_iter_init (&iter, ids);
          while (g_hash_table_iter_next (&iter, &id, NULL))
            {
              JsonObject *resident = find (id);
              g_autofree char *first = g_utf8_substring (field_value (resident, "name"), 0, 1);
              const char *initial = initial_of (first);

              /* No name starts with another letter's unambiguous surname
               * (a visible plate part such as 沪LP***6 may match). */
              if (initial != NULL && !g_str_equal (initial, s)
                  && !visible_plate_contains (resident, q))
                g_error ("q=%s returned a resident whose surname reads with %s", q, initial);
              g_assert_cmpint (g_utf8_strlen (field_value (resident, "name"), -1), >=, 2);
              g_hash_table_add (found, g_strdup (id));
            }
        }

      for (guint i = 0; i < everyone->len; i++)
        {
          const char *name = field_value (everyone->pdata[i], "name");
          g_autofree char *first = g_utf8_substring (name, 0, 1);

          if (g_strcmp0 (initial_of (first), s) != 0)
            continue;
          expected++;
          if (!g_hash_table_contains (found, json_object_get_string_member (everyone->pdata[i],
                                                                            "id")))
            g_error ("no two-letter query %s? finds resident %s",
                     s, json_object_get_string_member (everyone->pdata[i], "id"));
        }
      g_test_message ("initial %s: %u residents found by pinyin", s, expected);
      checked += expected;
    }
  g_assert_cmpuint (checked, >, 5);
}

/* A three- and four-letter prefix of the initials, derived from the
 * two-letter answer: each such resident must be found again. */
static void
test_pinyin_longer (FdTestFixture *fx,
                    gconstpointer  data)
{
  for (guint i = 0; i < everyone->len; i++)
    {
      const char *name = field_value (everyone->pdata[i], "name");
      const char *id = json_object_get_string_member (everyone->pdata[i], "id");
      g_autofree char *first = g_utf8_substring (name, 0, 1);
      const char *s = initial_of (first);
      char q[4] = { 0 };
      gboolean hit = FALSE;

      if (s == NULL || g_utf8_strlen (name, -1) != 3)
        continue;
      q[0] = s[0];
      for (char l = 'a'; l <= 'z' && !hit; l++)
        {
          g_autoptr(GHashTable) ids = NULL;

          q[1] = l;
          q[2] = '\0';
          ids = search_ids (fx, reception, q, 100);
          if (!g_hash_table_contains (ids, id))
            continue;
          for (char m = 'a'; m <= 'z' && !hit; m++)
            {
              g_autoptr(GHashTable) three = NULL;

              q[2] = m;
              three = search_ids (fx, reception, q, 100);
              hit = g_hash_table_contains (three, id);
              g_assert_cmpuint (g_hash_table_size (three), <=, g_hash_table_size (ids));
            }
        }
      g_assert_true (hit);
      return;
    }
  g_assert_not_reached ();
}

static void
test_room (FdTestFixture *fx,
           gconstpointer  data)
{
  const char *room = field_value (everyone->pdata[0], "room");
  g_autofree char *unit = g_strndup (room, strrchr (room, '-') - room);
  g_autofree char *building = g_strndup (room, strchr (room, '-') - room);
  gboolean collision = FALSE;

  assert_search_equals (fx, room, room_segments, 100);
  assert_search_equals (fx, unit, room_segments, 100);
  assert_search_equals (fx, building, room_segments, 100);

  /* Whole segments: "1" must not find building 12, "3-2" not unit 21. */
  for (guint i = 0; i < everyone->len && !collision; i++)
    for (guint j = 0; j < everyone->len && !collision; j++)
      {
        const char *a = field_value (everyone->pdata[i], "room");
        const char *b = field_value (everyone->pdata[j], "room");
        g_autofree char *a_unit = g_strndup (a, strrchr (a, '-') - a);
        g_autofree char *a_building = g_strndup (a, strchr (a, '-') - a);
        const char *q = NULL;

        if (g_str_has_prefix (b, a_unit) && b[strlen (a_unit)] != '-')
          q = a_unit;
        else if (g_str_has_prefix (b, a_building) && b[strlen (a_building)] != '-')
          q = a_building;
        if (q != NULL)
          {
            g_autoptr(GHashTable) ids = search_ids (fx, reception, q, 100);

            g_test_message ("segment check: q=%s against a longer segment", q);
            g_assert_false (g_hash_table_contains (ids,
                                                   json_object_get_string_member (
                                                     everyone->pdata[j], "id")));
            assert_search_equals (fx, q, room_segments, 100);
            collision = TRUE;
          }
      }
  if (!collision)
    g_test_message ("no building or unit in the data is a string prefix of another");

  /* The room number as a prefix, so results narrow while typing; patrol,
   * who sees only the building-unit, gets nothing for a room-number part. */
  for (guint i = 0; i < 3; i++)
    {
      const char *r = field_value (everyone->pdata[i * 29], "room");
      const char *number = strrchr (r, '-') + 1;

      for (gsize n = 1; n < strlen (number); n++)
        {
          g_autofree char *q = g_strndup (r, number + n - r);
          g_autoptr(GHashTable) by_patrol = search_ids (fx, patrol, q, 100);

          assert_search_equals (fx, q, room_prefix, 100);
          g_assert_cmpuint (g_hash_table_size (by_patrol), ==, 0);
        }
    }
  {
    g_autofree char *unit_dash = g_strndup (room, strrchr (room, '-') + 1 - room);
    g_autoptr(GHashTable) by_patrol = search_ids (fx, patrol, unit_dash, 100);
    g_autoptr(GHashTable) by_patrol_unit = search_ids (fx, patrol, unit, 100);

    assert_search_equals (fx, unit_dash, room_prefix, 100);
    g_assert_cmpuint (g_hash_table_size (by_patrol), >, 0);
    g_assert_cmpuint (g_hash_table_size (by_patrol), ==, g_hash_table_size (by_patrol_unit));
  }
}

static void
test_last4 (FdTestFixture *fx,
            gconstpointer  data)
{
  for (guint i = 0; i < 5; i++)
    {
      const char *phone = field_value (everyone->pdata[i * 17], "phone");

      assert_search_equals (fx, phone + strlen (phone) - 4, phone_last4, 100);
    }
}

/* Reception sees plates masked (粤B1***5): the hidden part is no search key. */
static void
test_masked_plate_no_oracle (FdTestFixture *fx,
                             gconstpointer  data)
{
  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  g_autofree char *manager = fd_test_login (server, session, "manager");
  g_autoptr(GPtrArray) clear = fd_test_fetch_all (server, session, manager,
                                                  "/api/v1/residents?limit=100");
  guint checked = 0;

  for (guint i = 0; i < clear->len && checked < 3; i++)
    {
      JsonArray *plates = json_object_get_array_member (clear->pdata[i], "plates");
      const char *id = json_object_get_string_member (clear->pdata[i], "id");
      const char *plate, *hidden;
      g_autofree char *q = NULL;

      if (json_array_get_length (plates) == 0)
        continue;
      plate = json_object_get_string_member (json_array_get_object_element (plates, 0),
                                             "value");
      hidden = g_utf8_offset_to_pointer (plate, 3);
      q = g_strndup (hidden, 3);
      if (strpbrk (q, "0123456789") == NULL || g_str_has_prefix (field_value (find (id), "room"),
                                                                 q))
        continue;

      {
        g_autoptr(GHashTable) by_patrol = search_ids (fx, patrol, q, 100);
        g_autoptr(GHashTable) by_reception = search_ids (fx, reception, q, 100);

        g_test_message ("hidden plate part of resident %s", id);
        g_assert_true (g_hash_table_contains (by_patrol, id));
        g_assert_false (g_hash_table_contains (by_reception, id));
      }
      checked++;
    }
  g_assert_cmpuint (checked, ==, 3);
}

/* Patrol sees 张** and 3-2-****: given names and room numbers are no keys. */
static void
test_patrol (FdTestFixture *fx,
             gconstpointer  data)
{
  guint checked = 0;

  for (guint i = 0; i < everyone->len && checked < 4; i++)
    {
      const char *name = field_value (everyone->pdata[i], "name");
      const char *room = field_value (everyone->pdata[i], "room");
      const char *id = json_object_get_string_member (everyone->pdata[i], "id");
      g_autofree char *surname = g_utf8_substring (name, 0, 1);
      g_autofree char *given = g_utf8_substring (name, 1, 2);
      g_autofree char *given_all = g_utf8_substring (name, 1, g_utf8_strlen (name, -1));
      g_autoptr(GHashTable) ids = NULL;
      GHashTableIter iter;
      gpointer hit;

      if (g_utf8_strlen (name, -1) != 3 || g_str_equal (surname, given)
          || strstr (provinces, given) != NULL || strstr (provinces, surname) != NULL)
        continue;

      ids = search_ids (fx, patrol, given, 100);
      g_assert_false (g_hash_table_contains (ids, id));
      g_hash_table_iter_init (&iter, ids);
      while (g_hash_table_iter_next (&iter, &hit, NULL))
        if (strstr (g_hash_table_lookup (patrol_names, hit), given) == NULL)
          g_error ("patrol: a given-name character matched resident %s",
                   (const char *) hit);
      g_clear_pointer (&ids, g_hash_table_unref);

      ids = search_ids (fx, patrol, given_all, 100);
      g_assert_false (g_hash_table_contains (ids, id));
      g_clear_pointer (&ids, g_hash_table_unref);

      ids = search_ids (fx, patrol, name, 100);
      g_assert_false (g_hash_table_contains (ids, id));
      g_clear_pointer (&ids, g_hash_table_unref);

      /* The surname is visible: it matches. */
      ids = search_ids (fx, patrol, surname, 100);
      g_assert_true (g_hash_table_contains (ids, id));
      g_clear_pointer (&ids, g_hash_table_unref);

      /* The whole room is not visible; its building-unit is. */
      ids = search_ids (fx, patrol, room, 100);
      g_assert_false (g_hash_table_contains (ids, id));
      g_clear_pointer (&ids, g_hash_table_unref);
      {
        g_autofree char *unit = g_strndup (room, strrchr (room, '-') - room);

        ids = search_ids (fx, patrol, unit, 100);
        g_assert_true (g_hash_table_contains (ids, id));
      }
      checked++;
    }
  g_assert_cmpuint (checked, ==, 4);
}

static char *
reveal (FdTestFixture *fx,
        const char    *token,
        const char    *id,
        const char    *field)
{
  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  g_autofree char *path = g_strdup_printf ("/api/v1/residents/%s/reveal", id);
  g_autofree char *json = g_strdup_printf ("{\"field\": \"%s\", \"reason_code\": \"refund\","
                                           " \"password\": \"%s\"}", field,
                                           fd_test_server_get_password (server));
  g_autoptr(JsonNode) node = NULL;
  guint status;

  node = fd_test_request (server, session, "POST", path, token, json, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  return g_strdup (fd_test_get_string (fd_test_get_object (node), "value"));
}

/* Search is no oracle for what a role sees masked: whole mobiles and ID
 * numbers, their hidden digits, and (for patrol) given-name initials find
 * nothing. */
static void
test_no_oracle (FdTestFixture *fx,
                gconstpointer  data)
{
  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  g_autofree char *manager = fd_test_login (server, session, "manager");
  const char *tokens[] = { reception, manager, patrol };

  for (guint i = 0; i < 3; i++)
    {
      const char *id = json_object_get_string_member (everyone->pdata[i * 9], "id");
      g_autofree char *phone = reveal (fx, manager, id, "phone");
      g_autofree char *id_number = reveal (fx, manager, id, "id_number");
      g_autofree char *phone_middle = g_strndup (phone + 3, 4);
      g_autofree char *phone_head = g_strndup (phone, 7);
      g_autofree char *id_head = g_strndup (id_number, 6);
      g_autofree char *id_birth = g_strndup (id_number + 6, 8);
      g_autofree char *id_tail = g_strdup (id_number + 14);
      const char *queries[] = { phone, id_number, phone_middle, phone_head, id_head, id_birth,
                                id_tail };

      for (guint t = 0; t < G_N_ELEMENTS (tokens); t++)
        for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
          {
            g_autofree char *path = g_strdup_printf ("/api/v1/residents?q=%s&limit=100",
                                                     queries[q]);
            g_autoptr(JsonNode) node = NULL;
            g_autofree char *body = NULL;
            guint status;

            /* The last 4 of the ID number are visible but are no search key
             * either; four digits are a mobile's last 4, which may match. */
            if (q == 6)
              {
                g_autoptr(GHashTable) ids = search_ids (fx, tokens[t], queries[q], 100);
                GHashTableIter iter;
                gpointer hit;

                g_hash_table_iter_init (&iter, ids);
                while (g_hash_table_iter_next (&iter, &hit, NULL))
                  g_assert_true (g_str_has_suffix (field_value (find (hit), "phone"),
                                                   queries[q]));
                continue;
              }
            g_test_message ("oracle probe %u as token %u", q, t);
            node = fd_test_request (server, session, "GET", path, tokens[t], NULL, &status,
                                    &body);
            g_assert_true (status == 200 || status == 400);
            if (status == 200)
              {
                g_autofree char *needle = g_strdup_printf ("\"id\":\"%s\"", id);

                g_assert_null (strstr (body, needle));
              }
          }
      explicit_bzero (phone, strlen (phone));
      explicit_bzero (id_number, strlen (id_number));
    }

  /* Patrol sees 张**: two-letter initials would reveal the given name. */
  {
    guint probed = 0;

    for (guint i = 0; i < everyone->len && probed < 3; i++)
      {
        const char *name = field_value (everyone->pdata[i], "name");
        const char *id = json_object_get_string_member (everyone->pdata[i], "id");
        g_autofree char *first = g_utf8_substring (name, 0, 1);
        const char *s = initial_of (first);

        if (s == NULL)
          continue;
        for (char l = 'a'; l <= 'z'; l++)
          {
            char q[3] = { s[0], l, '\0' };
            g_autoptr(GHashTable) desk = search_ids (fx, reception, q, 100);
            g_autoptr(GHashTable) guard = NULL;

            if (!g_hash_table_contains (desk, id))
              continue;
            guard = search_ids (fx, patrol, q, 100);
            g_test_message ("patrol initials probe %s", q);
            g_assert_false (g_hash_table_contains (guard, id));
            probed++;
            break;
          }
      }
    g_assert_cmpuint (probed, ==, 3);
  }
}

static GPtrArray *
page_ids (FdTestFixture  *fx,
          const char     *path,
          char          **next_cursor)
{
  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  g_autoptr(JsonNode) node = NULL;
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  JsonObject *object;
  JsonArray *items;
  JsonNode *next;
  guint status;

  node = fd_test_request (server, session, "GET", path, reception, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  object = fd_test_get_object (node);
  items = json_object_get_array_member (object, "items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    g_ptr_array_add (ids, g_strdup (json_object_get_string_member (
                                      json_array_get_object_element (items, i), "id")));
  next = json_object_get_member (object, "next_cursor");
  g_assert_nonnull (next);
  *next_cursor = JSON_NODE_HOLDS_NULL (next) ? NULL : g_strdup (json_node_get_string (next));
  return ids;
}

/* Walks a listing page by page; returns the ids in order. */
static GPtrArray *
walk (FdTestFixture *fx,
      const char    *base,
      guint          limit)
{
  GPtrArray *all = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *cursor = NULL;
  guint pages = 0;

  do
    {
      g_autofree char *path = NULL;
      g_autoptr(GPtrArray) ids = NULL;
      g_autofree char *next = NULL;

      if (cursor != NULL)
        {
          g_autofree char *escaped = g_uri_escape_string (cursor, NULL, FALSE);
          path = g_strdup_printf ("%slimit=%u&cursor=%s", base, limit, escaped);
        }
      else
        path = g_strdup_printf ("%slimit=%u", base, limit);
      ids = page_ids (fx, path, &next);
      g_assert_cmpuint (ids->len, <=, limit);
      if (next != NULL)
        g_assert_cmpuint (ids->len, ==, limit);
      for (guint i = 0; i < ids->len; i++)
        {
          char *id = g_strdup (ids->pdata[i]);

          /* Pages are disjoint. */
          g_assert_false (g_hash_table_contains (seen, id));
          g_hash_table_add (seen, id);
          g_ptr_array_add (all, id);
        }
      g_free (cursor);
      cursor = g_steal_pointer (&next);
      g_assert_cmpuint (++pages, <, 1000);
    }
  while (cursor != NULL);
  return all;
}

static void
test_paging (FdTestFixture *fx,
             gconstpointer  data)
{
  g_autoptr(GPtrArray) first = walk (fx, "/api/v1/residents?", 7);
  g_autoptr(GPtrArray) again = walk (fx, "/api/v1/residents?", 7);
  g_autoptr(GPtrArray) big = walk (fx, "/api/v1/residents?", 100);
  g_autofree char *surname = common_surname (0);
  g_autofree char *escaped = g_uri_escape_string (surname, NULL, FALSE);
  g_autofree char *base = g_strdup_printf ("/api/v1/residents?q=%s&", escaped);
  g_autoptr(GPtrArray) small = walk (fx, base, 2);
  g_autoptr(GPtrArray) small_again = walk (fx, base, 2);
  g_autofree char *next = NULL;
  g_autoptr(GPtrArray) defaults = page_ids (fx, "/api/v1/residents", &next);

  g_assert_cmpuint (first->len, ==, 200);
  g_assert_cmpuint (big->len, ==, 200);
  g_assert_cmpuint (again->len, ==, first->len);
  for (guint i = 0; i < first->len; i++)
    g_assert_cmpstr (first->pdata[i], ==, again->pdata[i]);
  g_assert_cmpuint (small->len, ==, small_again->len);
  g_assert_cmpuint (small->len, >=, 2);
  for (guint i = 0; i < small->len; i++)
    g_assert_cmpstr (small->pdata[i], ==, small_again->pdata[i]);
  /* Default page size 50. */
  g_assert_cmpuint (defaults->len, ==, 50);
  g_assert_nonnull (next);
}

static void
test_bad_limit (FdTestFixture *fx,
                gconstpointer  data)
{
  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  const char *limits[] = { "0", "101", "-1", "abc", "1e2", "99999999999999999999", "5x",
                           "1000000" };

  for (guint i = 0; i < G_N_ELEMENTS (limits); i++)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/residents?q=3&limit=%s", limits[i]);
      g_autoptr(JsonNode) node = NULL;
      guint status;

      g_test_message ("limit=%s", limits[i]);
      node = fd_test_request (server, session, "GET", path, reception, NULL, &status, NULL);
      fd_test_assert_error (status, node, 400, "bad-request", "limit");
    }
}

static void
test_bad_cursor (FdTestFixture *fx,
                 gconstpointer  data)
{
  FdTestServer *server = fx->server;
  SoupSession *session = fx->session;
  g_autofree char *cursor = NULL;
  g_autoptr(GPtrArray) ids = page_ids (fx, "/api/v1/residents?limit=5", &cursor);
  g_autoptr(GPtrArray) forged = g_ptr_array_new_with_free_func (g_free);
  gsize len;

  g_assert_nonnull (cursor);
  len = strlen (cursor);
  g_assert_cmpuint (len, >=, 8);

  /* Flip characters at the start, middle and end. */
  for (guint k = 0; k < 3; k++)
    {
      char *copy = g_strdup (cursor);
      gsize at = k == 0 ? 0 : k == 1 ? len / 2 : len - 1;

      copy[at] = copy[at] == 'A' ? 'B' : 'A';
      g_ptr_array_add (forged, copy);
    }
  g_ptr_array_add (forged, g_strndup (cursor, len - 1));
  g_ptr_array_add (forged, g_strconcat (cursor, "A", NULL));
  g_ptr_array_add (forged, g_strdup ("abc"));
  g_ptr_array_add (forged, g_strdup ("eyJvZmZzZXQiOjEwMH0"));  /* {"offset":100} */
  g_ptr_array_add (forged, g_strdup ("100"));
  g_ptr_array_add (forged, g_strnfill (4000, 'A'));

  for (guint i = 0; i < forged->len; i++)
    {
      g_autofree char *escaped = g_uri_escape_string (forged->pdata[i], NULL, FALSE);
      g_autofree char *path = g_strdup_printf ("/api/v1/residents?limit=5&cursor=%s", escaped);
      g_autoptr(JsonNode) node = NULL;
      guint status;

      g_test_message ("forged cursor %u", i);
      node = fd_test_request (server, session, "GET", path, reception, NULL, &status, NULL);
      fd_test_assert_error (status, node, 400, "bad-request", "cursor");
    }

  /* The genuine cursor still works. */
  {
    g_autofree char *escaped = g_uri_escape_string (cursor, NULL, FALSE);
    g_autofree char *path = g_strdup_printf ("/api/v1/residents?limit=5&cursor=%s", escaped);
    g_autofree char *next = NULL;
    g_autoptr(GPtrArray) second = page_ids (fx, path, &next);

    g_assert_cmpuint (second->len, ==, 5);
    for (guint i = 0; i < 5; i++)
      g_assert_false (g_ptr_array_find_with_equal_func (ids, second->pdata[i], g_str_equal,
                                                        NULL));
  }

  /* A cursor of one query with another: refused or served, never a 500. */
  {
    g_autofree char *escaped = g_uri_escape_string (cursor, NULL, FALSE);
    g_autofree char *path = g_strdup_printf ("/api/v1/residents?q=1&limit=5&cursor=%s",
                                             escaped);
    g_autoptr(JsonNode) node = NULL;
    guint status;

    node = fd_test_request (server, session, "GET", path, reception, NULL, &status, NULL);
    g_assert_true (status == 200 || status == 400);
  }

  /* Patrol cannot replay reception's cursor as its own. */
  {
    g_autofree char *escaped = g_uri_escape_string (cursor, NULL, FALSE);
    g_autofree char *path = g_strdup_printf ("/api/v1/residents?limit=5&cursor=%s", escaped);
    g_autoptr(JsonNode) node = NULL;
    g_autofree char *body = NULL;
    guint status;

    node = fd_test_request (server, session, "GET", path, patrol, NULL, &status, &body);
    g_assert_true (status == 200 || status == 400);
    fd_test_assert_no_clear_pii (body, TRUE);
  }
}

int
main (int   argc,
      char *argv[])
{
  FdTestServer *server;
  SoupSession *session;
  int ret;

  g_test_init (&argc, &argv, NULL);

  server = fd_test_server_start (NULL);
  session = fd_test_server_new_session (server);
  reception = fd_test_login (server, session, "reception");
  patrol = fd_test_login (server, session, "patrol");
  everyone = fd_test_fetch_all (server, session, reception, "/api/v1/residents?limit=100");
  g_assert_cmpuint (everyone->len, ==, 200);
  patrol_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  {
    g_autoptr(GPtrArray) seen = fd_test_fetch_all (server, session, patrol,
                                                   "/api/v1/residents?limit=100");

    for (guint i = 0; i < seen->len; i++)
      g_hash_table_insert (patrol_names,
                           g_strdup (json_object_get_string_member (seen->pdata[i], "id")),
                           g_strdup (field_value (seen->pdata[i], "name")));
  }

  fd_test_add ("/fd/server/search/name-one", server, test_name_one);
  fd_test_add ("/fd/server/search/name-two", server, test_name_two);
  fd_test_add ("/fd/server/search/pinyin", server, test_pinyin);
  fd_test_add ("/fd/server/search/pinyin-longer", server, test_pinyin_longer);
  fd_test_add ("/fd/server/search/room", server, test_room);
  fd_test_add ("/fd/server/search/last4", server, test_last4);
  fd_test_add ("/fd/server/search/masked-plate", server, test_masked_plate_no_oracle);
  fd_test_add ("/fd/server/search/patrol", server, test_patrol);
  fd_test_add ("/fd/server/search/no-oracle", server, test_no_oracle);
  fd_test_add ("/fd/server/search/paging", server, test_paging);
  fd_test_add ("/fd/server/search/bad-limit", server, test_bad_limit);
  fd_test_add ("/fd/server/search/bad-cursor", server, test_bad_cursor);

  ret = g_test_run ();

  g_clear_pointer (&everyone, g_ptr_array_unref);
  g_clear_pointer (&patrol_names, g_hash_table_unref);
  g_free (reception);
  g_free (patrol);
  g_clear_object (&session);
  fd_test_server_stop (server);
  return ret;
}
