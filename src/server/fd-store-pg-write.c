/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PostgreSQL engine: writing residents, one or a million, sealed by the server. */

#include "config.h"

#include "fd-store-engine.h"
#include "fd-store-pg-private.h"

/* A batch is written as four INSERT … SELECT FROM unnest(arrays)
 * statements (residents, payments, plates, rooms), the arrays in binary
 * form, sent in libpq's pipeline mode: the writer does not wait for a
 * batch's answers before it fills the next (issue 16). COPY would be
 * faster still, but PostgreSQL refuses COPY FROM into a table with
 * row-level security for a role it binds, which the server's role is.
 * Sealing runs on worker threads, one per processor, a batch at a time. */
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

/* Array literals: every element quoted, '"' and '\' escaped; NULL bare
 * (the audit batches of fd-store-pg-commit.c). */
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

/* Arrays in PostgreSQL's binary format (array_recv): a header (one
 * dimension, the element type's oid, the length, lower bound 1), then
 * each element as its length and bytes, -1 for NULL. Nothing is quoted,
 * escaped or spelled in hex on either side: the values go as they are. */
enum
{
  OID_BOOL = 16,
  OID_BYTEA = 17,
  OID_INT8 = 20,
  OID_INT4 = 23,
  OID_TEXT = 25,
};

#define BIN_HEADER 20

typedef struct
{
  GByteArray *buf;
  guint32     n;
  guint32     oid;
} Bin;

static void
put32 (GByteArray *buf,
       guint32     value)
{
  guint32 be = GUINT32_TO_BE (value);

  g_byte_array_append (buf, (const guint8 *) &be, 4);
}

static void
bin_reset (Bin     *b,
           guint32  oid)
{
  if (b->buf == NULL)
    b->buf = g_byte_array_new ();
  g_byte_array_set_size (b->buf, BIN_HEADER);
  b->n = 0;
  b->oid = oid;
}

static void
bin_bytes (Bin        *b,
           const void *data,
           gsize       len)
{
  b->n++;
  if (data == NULL)
    {
      put32 (b->buf, G_MAXUINT32);   /* -1: NULL */
      return;
    }
  put32 (b->buf, (guint32) len);
  g_byte_array_append (b->buf, data, (guint) len);
}

static void
bin_text (Bin        *b,
          const char *text)
{
  bin_bytes (b, text, text != NULL ? strlen (text) : 0);
}

static void
bin_blob (Bin    *b,
          GBytes *blob)
{
  gsize len = 0;
  gconstpointer data = blob != NULL ? g_bytes_get_data (blob, &len) : NULL;

  /* an empty GBytes may have no data pointer: still a value, not NULL */
  bin_bytes (b, blob != NULL && data == NULL ? "" : data, len);
}

static void
bin_int8 (Bin    *b,
          gint64  value)
{
  guint64 be = GUINT64_TO_BE ((guint64) value);

  bin_bytes (b, &be, 8);
}

static void
bin_int4 (Bin    *b,
          gint64  value)
{
  guint32 be = GUINT32_TO_BE ((guint32) (gint32) value);

  bin_bytes (b, &be, 4);
}

static void
bin_bool (Bin      *b,
          gboolean  value)
{
  guint8 v = value ? 1 : 0;

  bin_bytes (b, &v, 1);
}

/* Writes the header; an empty array has no dimension. */
static void
bin_end (Bin *b)
{
  guint32 header[5] = { GUINT32_TO_BE (1), 0, GUINT32_TO_BE (b->oid), GUINT32_TO_BE (b->n),
                        GUINT32_TO_BE (1) };

  if (b->n == 0)
    {
      header[0] = 0;
      g_byte_array_set_size (b->buf, 12);
      memcpy (b->buf->data, header, 12);
      return;
    }
  memcpy (b->buf->data, header, BIN_HEADER);
}

/* TRUE when plates[@k] is one of the plates before it. */
static gboolean
plate_repeated (const char * const *plates,
                guint               k)
{
  for (guint j = 0; j < k; j++)
    if (strcmp (plates[j], plates[k]) == 0)
      return TRUE;
  return FALSE;
}

/* TRUE when @room of @estate is in @rooms; adds it when not. */
static gboolean
room_sent (GHashTable *rooms,
           gint64      estate,
           const char *room)
{
  char *key = g_strdup_printf ("%" G_GINT64_FORMAT ":%s", estate, room);

  if (g_hash_table_contains (rooms, key))
    {
      g_free (key);
      return TRUE;
    }
  g_hash_table_add (rooms, key);
  return FALSE;
}

/* The four statements of a batch and their columns' element types. The
 * arrays are unnested in the select list, in step (they are as long as
 * each other): PostgreSQL then reads them a row at a time, where
 * unnest() in FROM would first copy each into a tuple store. */
static const struct
{
  const char    *sql;
  guint          n;
  const guint32  oids[14];
} statements[] = {
  { "INSERT INTO residents (estate_id, id, name, room, initials, phone_enc, phone_bidx, "
    "phone_masked, phone_last4, id_enc, id_bidx, id_masked, address_enc, address_masked) "
    "SELECT unnest ($1::bigint[]), unnest ($2::bigint[]), unnest ($3::text[]), "
    "unnest ($4::text[]), unnest ($5::text[]), unnest ($6::bytea[]), unnest ($7::text[]), "
    "unnest ($8::text[]), unnest ($9::text[]), unnest ($10::bytea[]), unnest ($11::text[]), "
    "unnest ($12::text[]), unnest ($13::bytea[]), unnest ($14::text[])", 14,
    { OID_INT8, OID_INT8, OID_TEXT, OID_TEXT, OID_TEXT, OID_BYTEA, OID_TEXT, OID_TEXT, OID_TEXT,
      OID_BYTEA, OID_TEXT, OID_TEXT, OID_BYTEA, OID_TEXT } },
  { "INSERT INTO payments (estate_id, resident_id, account_enc, account_masked, balance_cents, "
    "overdue, last_paid_at) SELECT unnest ($1::bigint[]), unnest ($2::bigint[]), "
    "unnest ($3::bytea[]), unnest ($4::text[]), unnest ($5::bigint[]), "
    "unnest ($6::boolean[]), unnest ($7::text[])", 7,
    { OID_INT8, OID_INT8, OID_BYTEA, OID_TEXT, OID_INT8, OID_BOOL, OID_TEXT } },
  /* a new resident's plates, each once (plate_repeated): no conflict to look for */
  { "INSERT INTO plates (estate_id, resident_id, plate) SELECT unnest ($1::bigint[]), "
    "unnest ($2::bigint[]), unnest ($3::text[])", 3,
    { OID_INT8, OID_INT8, OID_TEXT } },
  { "INSERT INTO rooms (estate_id, room, building, unit, number) SELECT unnest ($1::bigint[]), "
    "unnest ($2::text[]), unnest ($3::integer[]), unnest ($4::integer[]), "
    "unnest ($5::integer[]) ON CONFLICT DO NOTHING", 5,
    { OID_INT8, OID_TEXT, OID_INT4, OID_INT4, OID_INT4 } },
};

#define N_STATEMENTS G_N_ELEMENTS (statements)

/* The columns of a batch, reused from batch to batch. */
typedef struct
{
  Bin col[N_STATEMENTS][14];
} Batch;

/* Fills @batch with @n rows. A room already sent in this call (in
 * @rooms, "ESTATE:ROOM") is not sent again: a thousand residents may
 * share a few rooms, and each row sent is an index probe for ON CONFLICT. */
static void
batch_fill (Batch                 *batch,
            const FdResidentInput *inputs,
            const Row             *rows,
            guint                  n,
            GHashTable            *rooms)
{
  Bin *r = batch->col[0], *p = batch->col[1], *pl = batch->col[2], *rm = batch->col[3];

  for (guint s = 0; s < N_STATEMENTS; s++)
    for (guint c = 0; c < statements[s].n; c++)
      bin_reset (&batch->col[s][c], statements[s].oids[c]);
  for (guint i = 0; i < n; i++)
    {
      const FdResidentInput *in = &inputs[i];
      const Row *row = &rows[i];
      gint64 building, unit, number;

      bin_int8 (&r[0], row->estate_id);
      bin_int8 (&r[1], row->id);
      bin_text (&r[2], in->name);
      bin_text (&r[3], in->room);
      bin_text (&r[4], in->initials ? in->initials : "");
      bin_blob (&r[5], row->s.phone_enc);
      bin_text (&r[6], row->s.phone_bidx);
      bin_text (&r[7], row->s.phone_masked);
      bin_text (&r[8], fd_engine_phone_last4 (in->phone));
      bin_blob (&r[9], row->s.id_enc);
      bin_text (&r[10], row->s.id_bidx);
      bin_text (&r[11], row->s.id_masked);
      bin_blob (&r[12], row->s.address_enc);
      bin_text (&r[13], row->s.address_masked);

      bin_int8 (&p[0], row->estate_id);
      bin_int8 (&p[1], row->id);
      bin_blob (&p[2], row->s.account_enc);
      bin_text (&p[3], row->s.account_masked);
      bin_int8 (&p[4], in->balance_cents);
      bin_bool (&p[5], in->overdue);
      bin_text (&p[6], in->last_paid_at);

      for (guint k = 0; in->plates != NULL && in->plates[k] != NULL; k++)
        {
          if (plate_repeated (in->plates, k))
            continue;
          bin_int8 (&pl[0], row->estate_id);
          bin_int8 (&pl[1], row->id);
          bin_text (&pl[2], in->plates[k]);
        }
      if (in->room != NULL && !room_sent (rooms, row->estate_id, in->room) &&
          fd_engine_room_parse (in->room, &building, &unit, &number))
        {
          bin_int8 (&rm[0], row->estate_id);
          bin_text (&rm[1], in->room);
          bin_int4 (&rm[2], building);
          bin_int4 (&rm[3], unit);
          bin_int4 (&rm[4], number);
        }
    }
  for (guint s = 0; s < N_STATEMENTS; s++)
    for (guint c = 0; c < statements[s].n; c++)
      bin_end (&batch->col[s][c]);
}

static void
batch_clear (Batch *batch)
{
  for (guint s = 0; s < N_STATEMENTS; s++)
    for (guint c = 0; c < 14; c++)
      if (batch->col[s][c].buf != NULL)
        g_byte_array_free (batch->col[s][c].buf, TRUE);
}

/* The batches sent in libpq's pipeline mode and not yet answered: the
 * writer fills batch k+1 while PostgreSQL inserts batch k, and waits for
 * no round trip of its own until the end. */
typedef struct
{
  gboolean  on;
  guint     in_flight;   /* batches sent, each four statements and a sync */
  PGresult *failed;      /* the first error */
  gboolean  broken;      /* an answer missing: the connection is gone */
} Pipe;

static gboolean
pipe_send (FdStorePg *self,
           Pipe      *pipe,
           Batch     *batch)
{
  if (!pipe->on && !(pipe->on = PQenterPipelineMode (self->conn)))
    return FALSE;
  for (guint s = 0; s < N_STATEMENTS; s++)
    {
      const char *values[14];
      int lengths[14], formats[14];

      for (guint c = 0; c < statements[s].n; c++)
        {
          values[c] = (const char *) batch->col[s][c].buf->data;
          lengths[c] = (int) batch->col[s][c].buf->len;
          formats[c] = 1;
        }
      /* unnamed: the casts give the parameters' types */
      if (!PQsendQueryParams (self->conn, statements[s].sql, (int) statements[s].n, NULL,
                              values, lengths, formats, 0))
        return FALSE;
    }
  if (!PQpipelineSync (self->conn))
    return FALSE;
  pipe->in_flight++;
  return TRUE;
}

/* Reads the answers of the oldest batch in flight. */
static void
pipe_receive (FdStorePg *self,
              Pipe      *pipe)
{
  PGresult *res;

  for (guint s = 0; s < N_STATEMENTS && !pipe->broken; s++)
    {
      gboolean any = FALSE;

      while ((res = PQgetResult (self->conn)) != NULL)
        {
          ExecStatusType st = PQresultStatus (res);

          any = TRUE;
          /* after an error the rest of the segment answers "aborted" */
          if (st != PGRES_COMMAND_OK && st != PGRES_PIPELINE_ABORTED && pipe->failed == NULL)
            pipe->failed = res;
          else
            PQclear (res);
        }
      pipe->broken = !any;
    }
  if (!pipe->broken)
    {
      res = PQgetResult (self->conn);
      pipe->broken = PQresultStatus (res) != PGRES_PIPELINE_SYNC;
      PQclear (res);
    }
  pipe->in_flight--;
}

/* Every answer read and pipeline mode left; FALSE with @error on a
 * failed statement (the caller's transaction is then aborted) or a send
 * that did not go out (@sent FALSE). */
static gboolean
pipe_finish (FdStorePg  *self,
             Pipe       *pipe,
             gboolean    sent,
             GError    **error)
{
  gboolean ok;

  while (sent && pipe->in_flight > 0 && !pipe->broken)
    pipe_receive (self, pipe);
  if (pipe->on && (!sent || pipe->broken || !PQexitPipelineMode (self->conn)))
    {
      /* half a pipeline read: the connection is of no further use */
      pipe->broken = TRUE;
      fd_pg_conn_drop (self);
    }
  ok = sent && pipe->failed == NULL && !pipe->broken;
  if (!ok && (pipe->failed != NULL || !sent || PQstatus (self->conn) == CONNECTION_BAD))
    fd_pg_set_error (self, pipe->failed, error, "database");
  else if (!ok)
    g_set_error (error, FD_ERROR, FD_ERROR_UNAVAILABLE, "database: an answer is missing");
  g_clear_pointer (&pipe->failed, PQclear);
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

static void
rows_clear (Row   *rows,
            guint  n)
{
  for (guint i = 0; i < n; i++)
    {
      fd_engine_sealed_resident_clear (&rows[i].s);
      rows[i].s = (FdSealedResident) { 0 };
    }
}

/* The estates and ids of all @n rows are taken first (one round trip);
 * batch k+1 is then sealed on the workers while the writer sends batch
 * k, and PostgreSQL inserts it meanwhile in its own process. */
static gboolean
insert_residents (FdStorePg              *self,
                  const FdResidentInput  *inputs,
                  guint                   n,
                  gint64                 *first_id,
                  GError                **error)
{
  g_autofree Row *rows = g_new0 (Row, n);
  g_autoptr(GHashTable) rooms = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  Sealing sealing = { 0 };
  Batch batch = { 0 };
  Pipe pipe = { 0 };
  gboolean own, ok, sent = TRUE, sealed = TRUE;

  if (!fd_pg_op_begin (self, &own, error))
    return FALSE;
  /* One resident writer at a time, to commit, and ids taken after the
   * lock: ids grow in commit order, so a server following others' writes
   * (residents_after) never misses one committed with a smaller id. */
  ok = fd_pg_changes_ok (fd_pg_run (self, "SELECT pg_advisory_xact_lock (1178861572)", NULL,
                                    error));
  for (guint i = 0; ok && i < n; i++)
    ok = (rows[i].estate_id = fd_pg_write_estate (self, inputs[i].estate_id, error)) != 0;
  ok = ok && reserve_ids (self, rows, n, error);
  if (ok)
    seal_start (&sealing, self->parent.keys, inputs, rows, MIN (BATCH, n));
  for (guint from = 0; ok && from < n; from += BATCH)
    {
      guint count = MIN (BATCH, n - from);
      guint after = from + count;

      if (!(sealed = seal_finish (&sealing)))
        {
          g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL, "Cannot seal resident data");
          ok = FALSE;
          break;
        }
      if (after < n)
        seal_start (&sealing, self->parent.keys, inputs + after, rows + after,
                    MIN (BATCH, n - after));
      batch_fill (&batch, inputs + from, rows + from, count, rooms);
      rows_clear (rows + from, count);
      ok = sent = pipe_send (self, &pipe, &batch);
      /* one batch waits in PostgreSQL while the next is filled */
      while (ok && pipe.in_flight > 1)
        {
          pipe_receive (self, &pipe);
          ok = pipe.failed == NULL && !pipe.broken;
        }
    }
  /* a batch started and not written: let its workers end */
  if (sealing.threads != NULL || sealing.slices != NULL)
    seal_finish (&sealing);
  /* a failed seal has set @error already */
  if (pipe.on || !sent)
    ok = pipe_finish (self, &pipe, sent, sealed ? error : NULL) && ok;
  if (ok)
    *first_id = rows[0].id;
  rows_clear (rows, n);
  batch_clear (&batch);
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
