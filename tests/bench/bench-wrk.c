/* bench-wrk.c — see bench-wrk.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bench-wrk.h"
#include "fd-demo-data.h"
#include "fd-pinyin.h"

#define DEMO_SEED 2026

static const char *kind_names[] = {
  "surname", "2-char name", "pinyin initials", "building-unit", "room prefix",
  "mobile last 4", "plate",
};

const char *
bench_kind_name (BenchKind kind)
{
  G_STATIC_ASSERT (G_N_ELEMENTS (kind_names) == BENCH_N_KINDS);
  return kind < BENCH_N_KINDS ? kind_names[kind] : "mix";
}

void
bench_ensure_seeded (const char *data_dir,
                     guint       residents,
                     const char *password)
{
  g_autofree char *db = g_build_filename (data_dir, "frontdesk.db", NULL);
  g_autofree char *count = g_strdup_printf ("%u", residents);
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTimer) timer = g_timer_new ();
  char *line;

  if (g_file_test (db, G_FILE_TEST_EXISTS))
    return;
  g_print ("seeding %u residents into %s (once)…\n", residents, data_dir);
  server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                             fd_test_server_binary (), "demo", "--data-dir", data_dir,
                             "--listen", "127.0.0.1:0", "--residents", count,
                             "--demo-password", password, NULL);
  if (server == NULL)
    g_error ("cannot start the server to seed: %s", error->message);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  while ((line = g_data_input_stream_read_line (out, NULL, NULL, NULL)) != NULL)
    {
      gboolean listening = g_str_has_prefix (line, "listening on");

      g_free (line);
      if (listening)
        break;
    }
  g_subprocess_send_signal (server, SIGTERM);
  if (!g_subprocess_wait_check (server, NULL, &error))
    g_error ("seeding failed: %s", error->message);
  g_print ("seeded and indexed in %.1f s\n", g_timer_elapsed (timer, NULL));
}

static char *
login (FdTestServer *server,
       SoupSession  *session,
       const char   *username)
{
  return fd_test_login (server, session, username);
}

/* A reception account of this run's own (the demo accounts may be
 * rate-watched), named bench-PID-K so that a kept data directory takes
 * more runs. */
static char *
create_reception (FdTestServer *server,
                  SoupSession  *session,
                  const char   *admin,
                  guint         k)
{
  g_autofree char *username = g_strdup_printf ("bench-%d-%u", (int) getpid (), k);
  g_autofree char *body = g_strdup_printf ("{\"username\": \"%s\", \"display_name\": \"Bench\", "
                                           "\"role\": \"reception\", \"password\": \"%s\"}",
                                           username, fd_test_server_get_password (server));
  g_autoptr(JsonNode) answer = NULL;
  guint status;

  answer = fd_test_request (server, session, "POST", "/api/v1/users", admin, body, &status, NULL);
  if (status != 201 && status != 200)
    g_error ("cannot create a bench account (status %u)", status);
  return login (server, session, username);
}

static void
add_query (BenchMix   *mix,
           BenchKind   kind,
           const char *q,
           guint       token,
           guint       limit)
{
  BenchQuery *query = g_new0 (BenchQuery, 1);
  g_autofree char *escaped = g_uri_escape_string (q, NULL, FALSE);

  query->kind = kind;
  query->path = g_strdup_printf ("/api/v1/residents?q=%s&limit=%u", escaped, limit);
  query->token = token;
  g_ptr_array_add (mix->queries, query);
}

static void
bench_query_free (gpointer data)
{
  BenchQuery *query = data;

  g_free (query->path);
  g_free (query);
}

BenchMix *
bench_mix_new (FdTestServer *server,
               guint         residents,
               guint         per_kind,
               guint         accounts,
               guint         limit)
{
  g_autoptr(SoupSession) session = fd_test_server_new_session (server);
  g_autoptr(FdPinyin) pinyin = fd_pinyin_new (NULL);
  g_autofree char *admin = login (server, session, "admin");
  BenchMix *mix = g_new0 (BenchMix, 1);
  guint manager;

  g_assert (pinyin != NULL);
  mix->queries = g_ptr_array_new_with_free_func (bench_query_free);
  mix->tokens = g_ptr_array_new_with_free_func (g_free);
  for (guint k = 0; k < accounts; k++)
    g_ptr_array_add (mix->tokens, create_reception (server, session, admin, k));
  manager = mix->tokens->len;
  g_ptr_array_add (mix->tokens, login (server, session, "manager"));

  for (guint n = 0; n < per_kind; n++)
    {
      /* spread over the whole population, not its first residents */
      guint index = (guint) (((guint64) n * 2654435761u) % residents);
      FdDemoResident d = { 0 };
      g_auto(GStrv) initials = NULL;
      g_autofree char *surname = NULL, *two = NULL, *unit = NULL, *floor = NULL;
      guint token = n % accounts;

      fd_demo_resident_generate (DEMO_SEED, index, &d);
      initials = fd_pinyin_initials (pinyin, d.name);
      surname = g_utf8_substring (d.name, 0, 1);
      two = g_utf8_substring (d.name, 0, 2);
      unit = g_strndup (d.room, strrchr (d.room, '-') - d.room);
      floor = g_strndup (d.room, strlen (d.room) - 2);

      add_query (mix, BENCH_SURNAME, surname, token, limit);
      add_query (mix, BENCH_NAME2, two, token, limit);
      add_query (mix, BENCH_PINYIN, initials[0] ? initials[0] : "zw", token, limit);
      add_query (mix, BENCH_UNIT, unit, token, limit);
      add_query (mix, BENCH_ROOM_PREFIX, floor, token, limit);
      add_query (mix, BENCH_LAST4, d.phone + strlen (d.phone) - 4, token, limit);
      if (d.plates != NULL && d.plates[0] != NULL)
        add_query (mix, BENCH_PLATE, g_utf8_offset_to_pointer (d.plates[0],
                                                               g_utf8_strlen (d.plates[0], -1) - 5),
                   manager, limit);
      else
        add_query (mix, BENCH_PLATE, "D1234", manager, limit);
      fd_demo_resident_clear (&d);
    }
  return mix;
}

void
bench_mix_free (BenchMix *mix)
{
  if (mix == NULL)
    return;
  g_ptr_array_unref (mix->queries);
  g_ptr_array_unref (mix->tokens);
  g_free (mix);
}

static const char script_tail[] =
  "local n = 0\n"
  "request = function()\n"
  "  n = n + 1\n"
  "  local k = (n - 1) % #paths + 1\n"
  "  if auths[k] == \"\" then return wrk.format(\"GET\", paths[k]) end\n"
  "  return wrk.format(\"GET\", paths[k], { Authorization = auths[k] })\n"
  "end\n"
  "done = function(summary, latency, requests)\n"
  "  local e = summary.errors\n"
  "  io.write(string.format(\"BENCH %d %d %d %d %d\\n\", summary.requests, summary.duration,\n"
  "    latency:percentile(50), latency:percentile(99),\n"
  "    e.connect + e.read + e.write + e.status + e.timeout))\n"
  "end\n";

char *
bench_write_script (BenchMix  *mix,
                    BenchKind  kind)
{
  g_autoptr(GString) paths = g_string_new ("local paths = {\n");
  g_autoptr(GString) auths = g_string_new ("local auths = {\n");
  g_autoptr(GError) error = NULL;
  g_autofree char *script = NULL;
  char *path = NULL;
  int fd;

  if (mix == NULL)
    {
      g_string_append (paths, "  \"/api/v1/health\",\n");
      g_string_append (auths, "  \"\",\n");
    }
  else
    for (guint i = 0; i < mix->queries->len; i++)
      {
        BenchQuery *query = mix->queries->pdata[i];

        if (kind != BENCH_N_KINDS && query->kind != kind)
          continue;
        /* percent-encoded ASCII and a token of [A-Za-z0-9_-]: nothing to quote */
        g_string_append_printf (paths, "  \"%s\",\n", query->path);
        g_string_append_printf (auths, "  \"Bearer %s\",\n",
                                (char *) mix->tokens->pdata[query->token]);
      }
  g_string_append (paths, "}\n");
  g_string_append (auths, "}\n");
  script = g_strconcat (paths->str, auths->str, script_tail, NULL);

  fd = g_file_open_tmp ("fd-bench-XXXXXX.lua", &path, &error);
  if (fd < 0 || !g_file_set_contents (path, script, -1, &error))
    g_error ("cannot write the wrk script: %s", error->message);
  close (fd);
  return path;
}

GSubprocess *
bench_start_wrk (FdTestServer *server,
                 const char   *script,
                 guint         connections,
                 guint         seconds)
{
  g_autofree char *c = g_strdup_printf ("%u", connections);
  g_autofree char *d = g_strdup_printf ("%us", seconds);
  g_autofree char *url = g_strconcat (fd_test_server_get_base_url (server), "/", NULL);
  g_autoptr(GError) error = NULL;
  GSubprocess *wrk;

  wrk = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                          "wrk", "-t1", "-c", c, "-d", d, "--timeout", "10s", "-s", script,
                          url, NULL);
  if (wrk == NULL)
    g_error ("cannot run wrk (apt install wrk): %s", error->message);
  return wrk;
}

BenchResult
bench_wrk_finish (GSubprocess *wrk)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  const char *line;
  BenchResult result = { 0 };
  guint64 duration_us = 0, p50 = 0, p99 = 0;
  guint requests = 0, errors = 0;

  if (!g_subprocess_communicate_utf8 (wrk, NULL, NULL, &out, NULL, &error))
    g_error ("wrk: %s", error->message);
  line = out != NULL ? strstr (out, "BENCH ") : NULL;
  if (line == NULL ||
      sscanf (line, "BENCH %u %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %u",
              &requests, &duration_us, &p50, &p99, &errors) != 5 || duration_us == 0)
    g_error ("wrk printed no figures:\n%s", out != NULL ? out : "");
  result.requests = requests;
  result.errors = errors;
  result.requests_per_s = requests / (duration_us / 1e6);
  result.p50_ms = p50 / 1000.0;
  result.p99_ms = p99 / 1000.0;
  return result;
}

BenchResult
bench_run_wrk (FdTestServer *server,
               const char   *script,
               guint         connections,
               guint         seconds)
{
  g_autoptr(GSubprocess) wrk = bench_start_wrk (server, script, connections, seconds);

  return bench_wrk_finish (wrk);
}

char *
bench_load_average (void)
{
  g_autofree char *text = NULL;
  double one, five, fifteen;

  if (!g_file_get_contents ("/proc/loadavg", &text, NULL, NULL) ||
      sscanf (text, "%lf %lf %lf", &one, &five, &fifteen) != 3)
    return g_strdup ("load average unknown");
  return g_strdup_printf ("load average %.2f %.2f %.2f", one, five, fifteen);
}

void
bench_print_result (const char  *label,
                    BenchResult *r)
{
  g_autofree char *load = bench_load_average ();

  g_print ("%-16s %9.0f req/s  p50 %7.2f ms  p99 %7.2f ms  %8u requests  errors %u  (%s)\n",
           label, r->requests_per_s, r->p50_ms, r->p99_ms, r->requests, r->errors, load);
}
