/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PostgreSQL engine: writing residents, one or a million, sealed by the server. */

#include "config.h"

#include "fd-store-engine.h"
#include "fd-store-pg-private.h"

/* A batch is written as four INSERT … SELECT FROM unnest(arrays)
 * statements (residents, payments, plates, rooms): one round trip per
 * table per BATCH rows. COPY would be faster still, but PostgreSQL
 * refuses COPY FROM into a table with row-level security for a role it
 * binds, which the server's role is. Sealing runs on worker threads, one
 * per processor, a batch at a time. */
#define BATCH 4096

typedef struct
{
  gint64            estate_id;
  gint64            id;
  FdSealedResident  s;
} Row;

typedef struct
{
  FdKeys                *keys;
  const FdResidentInput *inputs;
  Row                   *rows;
  guint                  from, to;
  gboolean               failed;
} Slice;

static gpointer
seal_slice (gpointer data)
{
  Slice *s = data;

  for (guint i = s->from; i < s->to; i++)
    if (!fd_engine_resident_seal (s->keys, &s->inputs[i], s->rows[i].id, &s->rows[i].s))
      s->failed = TRUE;
  return NULL;
}

/* A batch being sealed on worker threads, one per processor. */
typedef struct
{
  const FdResidentInput *inputs;
  Row                   *rows;
  guint                  n;
  guint                  n_threads;
  Slice                 *slices;
  GThread              **threads;
} Sealing;

static void
seal_start (Sealing               *s,
            FdKeys                *keys,
            const FdResidentInput *inputs,
            Row                   *rows,
            guint                  n)
{
  s->inputs = inputs;
  s->rows = rows;
  s->n = n;
  s->n_threads = n < 64 ? 1 : MAX (1, MIN (g_get_num_processors (), 16));
  s->slices = g_new0 (Slice, s->n_threads);
  s->threads = g_new0 (GThread *, s->n_threads);
  for (guint t = 0; t < s->n_threads; t++)
    {
      s->slices[t] = (Slice) { keys, inputs, rows, (guint) ((guint64) n * t / s->n_threads),
                               (guint) ((guint64) n * (t + 1) / s->n_threads), FALSE };
      s->threads[t] = s->n_threads > 1 ? g_thread_new ("fd-seal", seal_slice, &s->slices[t])
                                       : (seal_slice (&s->slices[t]), NULL);
    }
}

/* Waits for the batch; FALSE when a value could not be sealed. */
static gboolean
seal_finish (Sealing *s)
{
  gboolean ok = TRUE;

  for (guint t = 0; t < s->n_threads; t++)
    {
      if (s->threads[t] != NULL)
        g_thread_join (s->threads[t]);
      ok &= !s->slices[t].failed;
    }
  g_clear_pointer (&s->slices, g_free);
  g_clear_pointer (&s->threads, g_free);
  return ok;
}

/* Array literals: every element quoted, '"' and '\' escaped; NULL bare. */
typedef struct
{
  GString *s[14];
} Arrays;

void
fd_pg_array_add (GString    *s,
                 const char *value)
{
  if (s->len > 1)
    g_string_append_c (s, ',');
  if (value == NULL)
    {
      g_string_append (s, "NULL");
      return;
    }
  g_string_append_c (s, '"');
  for (const char *c = value; *c != '\0'; c++)
    {
      if (*c == '"' || *c == '\\')
        g_string_append_c (s, '\\');
      g_string_append_c (s, *c);
    }
  g_string_append_c (s, '"');
}

static void
add (Arrays     *arrays,
     guint       column,
     const char *value)
{
  fd_pg_array_add (arrays->s[column], value);
}

static void
add_int (Arrays *arrays,
         guint   column,
         gint64  value)
{
  char number[24];

  g_snprintf (number, sizeof number, "%" G_GINT64_FORMAT, value);
  add (arrays, column, number);
}

/* bytea as hex text, decoded by the statement (NULL stays NULL) */
static void
add_hex (Arrays *arrays,
         guint   column,
         GBytes *blob)
{
  g_autofree char *hex = NULL;
  const guint8 *data;
  gsize len;

  if (blob == NULL)
    {
      add (arrays, column, NULL);
      return;
    }
  data = g_bytes_get_data (blob, &len);
  hex = g_malloc (len * 2 + 1);
  for (gsize i = 0; i < len; i++)
    g_snprintf (hex + 2 * i, 3, "%02x", data[i]);
  add (arrays, column, hex);
}

static void
arrays_reset (Arrays *arrays,
              guint   n)
{
  for (guint c = 0; c < n; c++)
    {
      if (arrays->s[c] == NULL)
        arrays->s[c] = g_string_new (NULL);
      g_string_assign (arrays->s[c], "{");
    }
}

/* Ends the arrays and runs @sql with them as $1…$@n. */
static gboolean
run_arrays (FdStorePg   *self,
            const char  *sql,
            Arrays      *arrays,
            guint        n,
            GError     **error)
{
  FdPgArgs a = { 0 };

  for (guint c = 0; c < n; c++)
    {
      /* an empty array: "{" became "{}" */
      g_string_append_c (arrays->s[c], '}');
      fd_pg_arg_text (&a, arrays->s[c]->str);
    }
  return fd_pg_changes_ok (fd_pg_run (self, sql, &a, error));
}

static gboolean
write_rows (FdStorePg              *self,
            const FdResidentInput  *inputs,
            const Row              *rows,
            guint                   n,
            GError                **error)
{
  Arrays r = { 0 }, p = { 0 }, pl = { 0 }, rm = { 0 };
  gboolean ok;

  arrays_reset (&r, 14);
  arrays_reset (&p, 7);
  arrays_reset (&pl, 3);
  arrays_reset (&rm, 5);
  for (guint i = 0; i < n; i++)
    {
      const FdResidentInput *in = &inputs[i];
      const Row *row = &rows[i];
      gint64 building, unit, number;

      add_int (&r, 0, row->estate_id);
      add_int (&r, 1, row->id);
      add (&r, 2, in->name);
      add (&r, 3, in->room);
      add (&r, 4, in->initials ? in->initials : "");
      add_hex (&r, 5, row->s.phone_enc);
      add (&r, 6, row->s.phone_bidx);
      add (&r, 7, row->s.phone_masked);
      add (&r, 8, fd_engine_phone_last4 (in->phone));
      add_hex (&r, 9, row->s.id_enc);
      add (&r, 10, row->s.id_bidx);
      add (&r, 11, row->s.id_masked);
      add_hex (&r, 12, row->s.address_enc);
      add (&r, 13, row->s.address_masked);

      add_int (&p, 0, row->estate_id);
      add_int (&p, 1, row->id);
      add_hex (&p, 2, row->s.account_enc);
      add (&p, 3, row->s.account_masked);
      add_int (&p, 4, in->balance_cents);
      add (&p, 5, in->overdue ? "t" : "f");
      add (&p, 6, in->last_paid_at);

      for (guint k = 0; in->plates != NULL && in->plates[k] != NULL; k++)
        {
          add_int (&pl, 0, row->estate_id);
          add_int (&pl, 1, row->id);
          add (&pl, 2, in->plates[k]);
        }
      if (fd_engine_room_parse (in->room, &building, &unit, &number))
        {
          add_int (&rm, 0, row->estate_id);
          add (&rm, 1, in->room);
          add_int (&rm, 2, building);
          add_int (&rm, 3, unit);
          add_int (&rm, 4, number);
        }
    }
  ok = run_arrays (self,
                   "INSERT INTO residents (estate_id, id, name, room, initials, phone_enc, "
                   "phone_bidx, phone_masked, phone_last4, id_enc, id_bidx, id_masked, "
                   "address_enc, address_masked) SELECT e, i, n, r, ini, decode (pe, 'hex'), pb, "
                   "pm, p4, decode (ie, 'hex'), ib, im, decode (ae, 'hex'), am FROM unnest "
                   "($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], "
                   "$6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], "
                   "$12::text[], $13::text[], $14::text[]) "
                   "AS t (e, i, n, r, ini, pe, pb, pm, p4, ie, ib, im, ae, am)", &r, 14, error) &&
       run_arrays (self,
                   "INSERT INTO payments (estate_id, resident_id, account_enc, account_masked, "
                   "balance_cents, overdue, last_paid_at) SELECT e, i, decode (ae, 'hex'), am, "
                   "b, o, lp FROM unnest ($1::bigint[], $2::bigint[], $3::text[], $4::text[], "
                   "$5::bigint[], $6::boolean[], $7::text[]) AS t (e, i, ae, am, b, o, lp)",
                   &p, 7, error) &&
       run_arrays (self,
                   "INSERT INTO plates (estate_id, resident_id, plate) SELECT * FROM unnest "
                   "($1::bigint[], $2::bigint[], $3::text[]) ON CONFLICT DO NOTHING",
                   &pl, 3, error) &&
       run_arrays (self,
                   "INSERT INTO rooms (estate_id, room, building, unit, number) SELECT * FROM "
                   "unnest ($1::bigint[], $2::text[], $3::integer[], $4::integer[], "
                   "$5::integer[]) ON CONFLICT DO NOTHING", &rm, 5, error);
  for (guint c = 0; c < 14; c++)
    {
      if (r.s[c] != NULL)
        g_string_free (r.s[c], TRUE);
      if (c < 7)
        g_string_free (p.s[c], TRUE);
      if (c < 3)
        g_string_free (pl.s[c], TRUE);
      if (c < 5)
        g_string_free (rm.s[c], TRUE);
    }
  return ok;
}

/* Reserves @n ids from the sequence, ascending. */
static gboolean
reserve_ids (FdStorePg  *self,
             Row        *rows,
             guint       n,
             GError    **error)
{
  FdPgArgs a = { 0 };
  PGresult *res;
  gboolean ok;

  fd_pg_arg_int (&a, n);
  res = fd_pg_run (self, "SELECT nextval ('residents_id_seq') AS id "
                         "FROM generate_series (1, $1) ORDER BY id", &a, error);
  ok = res != NULL && PQntuples (res) == (int) n;
  for (guint i = 0; ok && i < n; i++)
    rows[i].id = fd_pg_int (res, i, 0);
  if (res != NULL && !ok)
    g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL, "database: cannot reserve resident ids");
  g_clear_pointer (&res, PQclear);
  return ok;
}

/* Takes the estates and ids of @n rows and starts sealing them. */
static gboolean
batch_start (FdStorePg              *self,
             const FdResidentInput  *inputs,
             guint                   n,
             Row                   **rows,
             Sealing                *sealing,
             GError                **error)
{
  *rows = g_new0 (Row, n);
  for (guint i = 0; i < n; i++)
    if (((*rows)[i].estate_id = fd_pg_write_estate (self, inputs[i].estate_id, error)) == 0)
      return FALSE;
  if (!reserve_ids (self, *rows, n, error))
    return FALSE;
  seal_start (sealing, self->parent.keys, inputs, *rows, n);
  return TRUE;
}

static void
rows_free (Row   *rows,
           guint  n)
{
  for (guint i = 0; rows != NULL && i < n; i++)
    fd_engine_sealed_resident_clear (&rows[i].s);
  g_free (rows);
}

/* Batch k+1 is sealed on the workers while batch k is written: the
 * writing is PostgreSQL's work, in its own process. */
static gboolean
insert_residents (FdStorePg              *self,
                  const FdResidentInput  *inputs,
                  guint                   n,
                  gint64                 *first_id,
                  GError                **error)
{
  Sealing sealing = { 0 }, next_sealing = { 0 };
  Row *rows = NULL, *next = NULL;
  gboolean own, ok;

  if (!fd_pg_op_begin (self, &own, error))
    return FALSE;
  /* One resident writer at a time, to commit, and ids taken after the
   * lock: ids grow in commit order, so a server following others' writes
   * (residents_after) never misses one committed with a smaller id. */
  ok = fd_pg_changes_ok (fd_pg_run (self, "SELECT pg_advisory_xact_lock (1178861572)", NULL,
                                    error)) &&
       batch_start (self, inputs, MIN (BATCH, n), &rows, &sealing, error);
  for (guint from = 0; ok && from < n; from += BATCH)
    {
      guint count = MIN (BATCH, n - from);
      guint after = from + count;

      if (!seal_finish (&sealing))
        {
          g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL, "Cannot seal resident data");
          ok = FALSE;
          break;
        }
      if (after < n)
        ok = batch_start (self, inputs + after, MIN (BATCH, n - after), &next, &next_sealing,
                          error);
      ok = ok && write_rows (self, inputs + from, rows, count, error);
      if (ok && from == 0)
        *first_id = rows[0].id;
      rows_free (rows, count);
      rows = g_steal_pointer (&next);
      sealing = next_sealing;
      next_sealing = (Sealing) { 0 };
    }
  /* a batch started and not written: let its workers end */
  if (sealing.threads != NULL)
    seal_finish (&sealing);
  if (rows != NULL)
    rows_free (rows, sealing.n);
  return fd_pg_op_end (self, own, ok, error);
}

gint64
fd_pg_resident_insert (FdStore *store, const FdResidentInput *in, GError **error)
{
  gint64 id = 0;

  return insert_residents (SELF (store), in, 1, &id, error) ? id : 0;
}

gboolean
fd_pg_resident_insert_many (FdStore *store, const FdResidentInput *inputs, guint n,
                            GError **error)
{
  gint64 first_id = 0;

  return n == 0 || insert_residents (SELF (store), inputs, n, &first_id, error);
}
