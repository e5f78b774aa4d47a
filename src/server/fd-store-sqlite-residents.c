/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SQLite engine: residents, their sealed values, plates and rooms. */

#include "config.h"

#include <string.h>

#include "fd-store-engine.h"
#include "fd-store-sqlite-private.h"

/* residents */

static gboolean insert_residents (FdStoreSqlite *self, const FdResidentInput *inputs, guint n,
                                  gint64 *first_id, GError **error);

/* One resident: the batch writer below with a batch of one. */
gint64
fd_sqlite_resident_insert (FdStore *store, const FdResidentInput *in, GError **error)
{
  gint64 id = 0;

  return insert_residents (SELF (store), in, 1, &id, error) ? id : 0;
}

guint
fd_sqlite_resident_count (FdStore *store)
{
  sqlite3_stmt *stmt = prep (SELF (store),
                             "SELECT count(*) FROM residents WHERE (?1 = 0 OR estate_id = ?1)");

  if (stmt == NULL)
    return 0;
  bind_scope (SELF (store), stmt, 1);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return 0;
  {
    guint n = sqlite3_column_int (stmt, 0);
    sqlite3_reset (stmt);
    return n;
  }
}

#define RESIDENT_SELECT \
  "SELECT r.id, r.name, r.room, r.initials, r.phone_masked, r.phone_last4, r.id_masked, " \
  "r.address_masked, p.account_masked, p.balance_cents, p.overdue, p.last_paid_at, " \
  "(SELECT group_concat(plate, char(31)) FROM plates WHERE resident_id = r.id), r.estate_id " \
  "FROM residents r LEFT JOIN payments p ON p.resident_id = r.id "

static FdResidentRecord *
resident_from_row (sqlite3_stmt *stmt)
{
  FdResidentRecord *r = g_new0 (FdResidentRecord, 1);
  const char *plates = (const char *) sqlite3_column_text (stmt, 12);

  r->id = sqlite3_column_int64 (stmt, 0);
  r->name = col_text (stmt, 1);
  r->room = col_text (stmt, 2);
  r->initials = col_text (stmt, 3);
  r->phone_masked = col_text (stmt, 4);
  r->phone_last4 = col_text (stmt, 5);
  r->id_masked = col_text (stmt, 6);
  r->address_masked = col_text (stmt, 7);
  r->account_masked = col_text (stmt, 8);
  r->balance_cents = sqlite3_column_int64 (stmt, 9);
  r->overdue = sqlite3_column_int (stmt, 10) != 0;
  r->last_paid_at = col_text (stmt, 11);
  r->plates = plates && *plates ? g_strsplit (plates, "\x1f", 0) : g_new0 (char *, 1);
  r->estate_id = sqlite3_column_int64 (stmt, 13);
  return r;
}

FdResidentRecord *
fd_sqlite_resident_get (FdStore *store, gint64 id)
{
  /* another estate's resident is "not found" (issue 11) */
  return fetch_by_id_scoped (SELF (store),
                             RESIDENT_SELECT "WHERE r.id = ?1 AND (?2 = 0 OR r.estate_id = ?2)", id,
                             (gpointer (*) (sqlite3_stmt *)) resident_from_row);
}

void
fd_sqlite_resident_foreach (FdStore *store, FdResidentFunc func, gpointer user_data)
{
  sqlite3_stmt *stmt = prep (SELF (store),
                             RESIDENT_SELECT "WHERE (?1 = 0 OR r.estate_id = ?1) ORDER BY r.id");

  if (stmt != NULL)
    bind_scope (SELF (store), stmt, 1);
  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr(FdResidentRecord) r = resident_from_row (stmt);
      func (r, user_data);
    }
}

char *
fd_sqlite_resident_secret (FdStore *store, gint64 id, const char *field, GError **error)
{
  FdStoreSqlite *self = SELF (store);
  sqlite3_stmt *stmt;
  g_autofree char *aad = NULL;
  const void *blob;
  int len;

  if (g_strcmp0 (field, "phone") == 0)
    stmt = prep (self, "SELECT phone_enc FROM residents WHERE id = ?1 "
                       "AND (?2 = 0 OR estate_id = ?2)");
  else if (g_strcmp0 (field, "id_number") == 0)
    stmt = prep (self, "SELECT id_enc FROM residents WHERE id = ?1 "
                       "AND (?2 = 0 OR estate_id = ?2)");
  else if (g_strcmp0 (field, "home_address") == 0)
    stmt = prep (self, "SELECT address_enc FROM residents WHERE id = ?1 "
                       "AND (?2 = 0 OR estate_id = ?2)");
  else if (g_strcmp0 (field, "payment_account") == 0)
    stmt = prep (self, "SELECT p.account_enc FROM payments p JOIN residents r ON r.id = p.resident_id "
                       "WHERE p.resident_id = ?1 AND (?2 = 0 OR r.estate_id = ?2)");
  else
    {
      g_set_error (error, FD_ERROR, FD_ERROR_BAD_REQUEST, "unknown field");
      return NULL;
    }
  if (stmt == NULL)
    return set_sqlite_error (self, error, "residents"), NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  bind_scope (self, stmt, 2);
  if (sqlite3_step (stmt) != SQLITE_ROW || sqlite3_column_type (stmt, 0) != SQLITE_BLOB)
    {
      sqlite3_reset (stmt);
      g_set_error (error, FD_ERROR, FD_ERROR_NOT_FOUND, "no value on file");
      return NULL;
    }
  blob = sqlite3_column_blob (stmt, 0);
  len = sqlite3_column_bytes (stmt, 0);
  if (g_str_equal (field, "payment_account"))
    aad = make_aad ("payments", id, "account");
  else
    aad = make_aad ("residents", id, field);
  {
    char *clear = fd_crypto_open (store->keys, blob, len, aad, error);
    sqlite3_reset (stmt);
    return clear;
  }
}

gboolean
fd_sqlite_resident_matches (FdStore *store, gint64 id, const char *field, const char *value)
{
  FdStoreSqlite *self = SELF (store);
  sqlite3_stmt *stmt;
  g_autofree char *bidx = NULL;
  g_autofree char *stored_copy = NULL;

  if (g_strcmp0 (field, "phone") == 0)
    stmt = prep (self, "SELECT phone_bidx FROM residents WHERE id = ?1 "
                       "AND (?2 = 0 OR estate_id = ?2)");
  else if (g_strcmp0 (field, "id_number") == 0)
    stmt = prep (self, "SELECT id_bidx FROM residents WHERE id = ?1 "
                       "AND (?2 = 0 OR estate_id = ?2)");
  else
    return FALSE;
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  bind_scope (self, stmt, 2);
  stored_copy = fetch_one (stmt, read_text0);
  if (stored_copy == NULL || *stored_copy == '\0')
    return FALSE;
  bidx = fd_crypto_blind_index (store->keys, field, value);
  return fd_const_time_equal (stored_copy, bidx);
}

gboolean
fd_sqlite_room_exists (FdStore *store, const char *room)
{
  sqlite3_stmt *stmt = prep (SELF (store), "SELECT 1 FROM rooms WHERE room = ?1 "
                                           "AND (?2 = 0 OR estate_id = ?2) LIMIT 1");

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, room);
  bind_scope (SELF (store), stmt, 2);
  return fetch_one (stmt, read_true) != NULL;
}

GPtrArray *
fd_sqlite_room_search (FdStore *store, const char *prefix, guint limit)
{
  GPtrArray *rooms = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_room_record_free);
  sqlite3_stmt *stmt;
  g_autofree char *pattern = NULL;

  /* Whole segments: "3-2" matches "3-2" itself and "3-2-…", never "3-21-…".
   * The prefix is validated by the caller (digits and dashes only). The
   * room number matches as a prefix, as in resident search (contract
   * v1.1, issue 14): "3-2-15" matches 3-2-1502. */
  if (strchr (prefix, '-') != NULL && strchr (strchr (prefix, '-') + 1, '-') != NULL)
    pattern = g_strconcat (prefix, "*", NULL);
  else
    pattern = g_strconcat (prefix, "-*", NULL);
  /* One estate's rooms (issue 11): the scoped form reads the
   * (estate_id, room) key; the company-wide one every estate's. */
  if (store->scope != FD_ESTATE_ALL)
    stmt = prep (SELF (store),
                 "SELECT room, (SELECT count(*) FROM residents r WHERE r.estate_id = rooms.estate_id "
                 "AND r.room = rooms.room) "
                 "FROM rooms WHERE estate_id = ?4 AND (room = ?1 OR room GLOB ?2) "
                 "ORDER BY building, unit, number LIMIT ?3");
  else
    stmt = prep (SELF (store),
                 "SELECT room, (SELECT count(*) FROM residents r WHERE r.estate_id = rooms.estate_id "
                 "AND r.room = rooms.room) "
                 "FROM rooms WHERE room = ?1 OR room GLOB ?2 "
                 "ORDER BY building, unit, number LIMIT ?3");
  if (stmt == NULL)
    return rooms;
  bind_text (stmt, 1, prefix);
  bind_text (stmt, 2, pattern);
  sqlite3_bind_int (stmt, 3, limit);
  if (store->scope != FD_ESTATE_ALL)
    sqlite3_bind_int64 (stmt, 4, store->scope);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      FdRoomRecord *room = g_new0 (FdRoomRecord, 1);
      room->room = col_text (stmt, 0);
      room->residents = sqlite3_column_int (stmt, 1);
      g_ptr_array_add (rooms, room);
    }
  return rooms;
}

/* Writing residents, one or a batch (seeding, issue 13). The row id is
 * part of every sealed column's associated data: the ids are known in
 * advance (those after the largest one; the store has one writer), so the
 * masks, blind indexes and sealed columns are computed first — for a
 * batch on worker threads, one per processor — and each row is written
 * once. */

typedef FdSealedResident SealedResident;

typedef struct
{
  FdKeys                *keys;
  const FdResidentInput *inputs;
  SealedResident        *out;
  gint64                 first_id;
  guint                  from, to;
  gboolean               failed;
} SealChunk;

static gpointer
seal_chunk (gpointer data)
{
  SealChunk *chunk = data;

  for (guint i = chunk->from; i < chunk->to; i++)
    {
      const FdResidentInput *in = &chunk->inputs[i];
      SealedResident *out = &chunk->out[i];
      gint64 id = chunk->first_id + i;

      if (!fd_engine_resident_seal (chunk->keys, in, id, out))
        chunk->failed = TRUE;
    }
  return NULL;
}


static void
bind_bytes (sqlite3_stmt *stmt,
            int           idx,
            GBytes       *blob)
{
  if (blob == NULL)
    sqlite3_bind_null (stmt, idx);
  else
    sqlite3_bind_blob (stmt, idx, g_bytes_get_data (blob, NULL), g_bytes_get_size (blob),
                       SQLITE_STATIC);
}

static gboolean
write_sealed_resident (FdStoreSqlite         *self,
                       gint64                 id,
                       gint64                 estate_id,
                       const FdResidentInput *in,
                       const SealedResident  *s,
                       GError               **error)
{
  sqlite3_stmt *stmt;
  gint64 building = 0, unit = 0, number = 0;

  stmt = prep (self,
               "INSERT INTO residents (id, name, room, initials, phone_enc, phone_bidx, phone_masked, "
               "phone_last4, id_enc, id_bidx, id_masked, address_enc, address_masked, estate_id) "
               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (stmt == NULL)
    return set_sqlite_error (self, error, "residents"), FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  bind_text (stmt, 2, in->name);
  bind_text (stmt, 3, in->room);
  bind_text (stmt, 4, in->initials ? in->initials : "");
  bind_bytes (stmt, 5, s->phone_enc);
  bind_text (stmt, 6, s->phone_bidx);
  bind_text (stmt, 7, s->phone_masked);
  bind_text (stmt, 8, fd_engine_phone_last4 (in->phone));
  bind_bytes (stmt, 9, s->id_enc);
  bind_text (stmt, 10, s->id_bidx);
  bind_text (stmt, 11, s->id_masked);
  bind_bytes (stmt, 12, s->address_enc);
  bind_text (stmt, 13, s->address_masked);
  sqlite3_bind_int64 (stmt, 14, estate_id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return set_sqlite_error (self, error, "residents"), FALSE;

  for (guint i = 0; in->plates != NULL && in->plates[i] != NULL; i++)
    {
      stmt = prep (self, "INSERT OR IGNORE INTO plates (resident_id, plate) VALUES (?, ?)");
      if (stmt == NULL)
        return set_sqlite_error (self, error, "plates"), FALSE;
      sqlite3_bind_int64 (stmt, 1, id);
      bind_text (stmt, 2, in->plates[i]);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        return set_sqlite_error (self, error, "plates"), FALSE;
    }

  stmt = prep (self,
               "INSERT INTO payments (resident_id, account_enc, account_masked, balance_cents, "
               "overdue, last_paid_at) VALUES (?, ?, ?, ?, ?, ?)");
  if (stmt == NULL)
    return set_sqlite_error (self, error, "payments"), FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  bind_bytes (stmt, 2, s->account_enc);
  bind_text (stmt, 3, s->account_masked);
  sqlite3_bind_int64 (stmt, 4, in->balance_cents);
  sqlite3_bind_int (stmt, 5, in->overdue);
  bind_text (stmt, 6, in->last_paid_at);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return set_sqlite_error (self, error, "payments"), FALSE;

  if (fd_engine_room_parse (in->room, &building, &unit, &number))
    {
      stmt = prep (self, "INSERT OR IGNORE INTO rooms (room, building, unit, number, estate_id) "
                         "VALUES (?, ?, ?, ?, ?)");
      if (stmt == NULL)
        return set_sqlite_error (self, error, "rooms"), FALSE;
      bind_text (stmt, 1, in->room);
      sqlite3_bind_int64 (stmt, 2, building);
      sqlite3_bind_int64 (stmt, 3, unit);
      sqlite3_bind_int64 (stmt, 4, number);
      sqlite3_bind_int64 (stmt, 5, estate_id);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        return set_sqlite_error (self, error, "rooms"), FALSE;
    }
  return TRUE;
}

/* Starts sealing @from…@to on @n_threads threads (none: here and now). */
static void
seal_start (FdStoreSqlite          *self,
            const FdResidentInput  *inputs,
            SealedResident         *sealed,
            gint64                  first_id,
            guint                   from,
            guint                   to,
            SealChunk              *chunks,
            GThread               **threads,
            guint                   n_threads)
{
  for (guint t = 0; t < n_threads; t++)
    {
      chunks[t] = (SealChunk) { self->parent.keys, inputs, sealed, first_id,
                                from + (guint) ((guint64) (to - from) * t / n_threads),
                                from + (guint) ((guint64) (to - from) * (t + 1) / n_threads),
                                FALSE };
      threads[t] = n_threads > 1 ? g_thread_new ("fd-seal", seal_chunk, &chunks[t])
                                 : (seal_chunk (&chunks[t]), NULL);
    }
}

static gboolean
seal_finish (SealChunk  *chunks,
             GThread   **threads,
             guint       n_threads)
{
  gboolean ok = TRUE;

  for (guint t = 0; t < n_threads; t++)
    {
      if (threads[t] != NULL)
        g_thread_join (threads[t]);
      threads[t] = NULL;
      ok &= !chunks[t].failed;
    }
  return ok;
}

/* Writes @n residents with the ids that follow the largest one (the first
 * in @first_id). A batch of 64 or more is sealed on worker threads, a
 * slice ahead of the writing: while this thread writes slice k, the
 * workers seal slice k+1. */
#define SEAL_SLICE 2048

/* Page cache of a connection that writes batches (the seed's: the server
 * reopens the store afterwards). With SQLite's default 2 MiB, the random
 * inserts into the room and last-4 indexes of a million rows spill pages
 * to the WAL and read them back, a third of the writing. */
#define BULK_CACHE_KIB 131072

static gboolean
insert_residents (FdStoreSqlite          *self,
                  const FdResidentInput  *inputs,
                  guint                   n,
                  gint64                 *first_id_out,
                  GError                **error)
{
  guint n_threads = n < 64 ? 1 : MAX (1, MIN (g_get_num_processors (), 16));
  g_autofree SealedResident *sealed = g_new0 (SealedResident, n);
  g_autofree SealChunk *chunks = g_new0 (SealChunk, n_threads);
  g_autofree GThread **threads = g_new0 (GThread *, n_threads);
  sqlite3_stmt *stmt = prep (self, "SELECT coalesce(max(id), 0) + 1 FROM residents");
  gboolean ok = TRUE;
  gint64 first_id;

  /* every row names its estate before anything is sealed (issue 11) */
  for (guint i = 0; i < n; i++)
    {
      gint64 estate_id;
      if (!insert_estate (self, inputs[i].estate_id, FALSE, &estate_id, error))
        return FALSE;
    }
  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    return set_sqlite_error (self, error, "residents"), FALSE;
  first_id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  *first_id_out = first_id;
  if (n >= 64)
    {
      g_autofree char *pragma = g_strdup_printf ("PRAGMA cache_size = -%d", BULK_CACHE_KIB);
      if (!exec (self, pragma, error))
        return FALSE;
    }

  seal_start (self, inputs, sealed, first_id, 0, MIN (n, SEAL_SLICE), chunks, threads, n_threads);
  for (guint from = 0; from < n; from += SEAL_SLICE)
    {
      guint to = MIN (n, from + SEAL_SLICE);

      if (!seal_finish (chunks, threads, n_threads))
        {
          g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL, "Cannot seal resident data");
          ok = FALSE;
          break;
        }
      if (to < n)
        seal_start (self, inputs, sealed, first_id, to, MIN (n, to + SEAL_SLICE), chunks,
                    threads, n_threads);
      for (guint i = from; i < to && ok; i++)
        {
          gint64 estate_id = inputs[i].estate_id ? inputs[i].estate_id : self->parent.scope;
          ok = write_sealed_resident (self, first_id + i, estate_id, &inputs[i], &sealed[i], error);
        }
      if (!ok)
        {
          seal_finish (chunks, threads, n_threads);
          break;
        }
    }
  for (guint i = 0; i < n; i++)
    fd_engine_sealed_resident_clear (&sealed[i]);
  return ok;
}

gboolean
fd_sqlite_resident_insert_many (FdStore               *store,
                                const FdResidentInput *inputs,
                                guint                  n,
                                GError               **error)
{
  gint64 first_id;

  return insert_residents (SELF (store), inputs, n, &first_id, error);
}
