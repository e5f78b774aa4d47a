/* bench-wrk.h — driving a demo server with wrk (Debian's package): the
 * fixed search mix, the Lua script, running wrk and reading its figures.
 * Shared by bench-search-wrk (throughput) and bench-search-ui (keystroke
 * latency under load). Prints no resident data.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fd-test-server.h"

G_BEGIN_DECLS

/* The query kinds of the mix, in the order they cycle. */
typedef enum
{
  BENCH_SURNAME,      /* 张 */
  BENCH_NAME2,        /* 张伟: the first two characters of a name */
  BENCH_PINYIN,       /* zwm: the name's initials */
  BENCH_UNIT,         /* 3-2 */
  BENCH_ROOM_PREFIX,  /* 3-2-15: building-unit and floor */
  BENCH_LAST4,        /* 5678: a mobile's last four digits */
  BENCH_PLATE,        /* 12345: a plate's last five characters (manager sees plates) */
  BENCH_N_KINDS
} BenchKind;

const char *bench_kind_name      (BenchKind     kind);

typedef struct
{
  BenchKind kind;
  char     *path;    /* /api/v1/residents?q=…&limit=… */
  guint     token;   /* index into the mix's tokens */
} BenchQuery;

typedef struct
{
  GPtrArray *queries;   /* BenchQuery*, cycling through the kinds */
  GPtrArray *tokens;    /* char*: reception accounts, then one manager */
} BenchMix;

/* Seeds @data_dir with @residents (no time limit) unless it holds a
 * database already, so that fd_test_server_start() finds it ready. */
void        bench_ensure_seeded   (const char   *data_dir,
                                   guint         residents,
                                   const char   *password);

/* @per_kind queries of every kind drawn evenly over the whole population
 * (demo residents 0 … @residents-1 of seed 2026), limit @limit, signed in
 * as @accounts reception accounts (created as "bench-PID-K") and a
 * manager for plates. */
BenchMix   *bench_mix_new         (FdTestServer *server,
                                   guint         residents,
                                   guint         per_kind,
                                   guint         accounts,
                                   guint         limit);
void        bench_mix_free        (BenchMix     *mix);

typedef struct
{
  double requests_per_s;
  double p50_ms;
  double p99_ms;
  guint  requests;
  guint  errors;       /* connect, read, write, timeouts and non-2xx */
} BenchResult;

/* Writes a wrk Lua script cycling through the queries of @mix whose kind
 * is @kind (BENCH_N_KINDS: all), or through "/api/v1/health" when @mix is
 * NULL; returns its path (a temporary file, removed by the caller). */
char       *bench_write_script    (BenchMix     *mix,
                                   BenchKind     kind);

/* wrk -t1 -c@connections -d@seconds with @script against @server (TLS,
 * keep-alive). Synchronous; aborts when wrk cannot run. */
BenchResult bench_run_wrk         (FdTestServer *server,
                                   const char   *script,
                                   guint         connections,
                                   guint         seconds);
/* The same in the background: returns the running wrk; read its result
 * with bench_wrk_finish(). */
GSubprocess *bench_start_wrk      (FdTestServer *server,
                                   const char   *script,
                                   guint         connections,
                                   guint         seconds);
BenchResult bench_wrk_finish      (GSubprocess  *wrk);

/* "load average 1.23 0.98 0.80" of the moment. */
char       *bench_load_average    (void);

/* One line: label, req/s, p50, p99, requests, errors, load average. */
void        bench_print_result    (const char   *label,
                                   BenchResult  *r);

G_END_DECLS
