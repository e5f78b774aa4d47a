/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SQLite engine: residents, their sealed values, plates and rooms. */

#include "config.h"

#include <string.h>

#include "fd-mask.h"
#include "fd-store-sqlite-private.h"

/* residents */

static gboolean
parse_room (const char *room,
            gint64     *building,
            gint64     *unit,
            gint64     *number)
{
  g_auto(GStrv) parts = g_strsplit (room, "-", 0);

  if (g_strv_length (parts) != 3)
    return FALSE;
  return g_ascii_string_to_signed (parts[0], 10, 1, 999, building, NULL) &&
         g_ascii_string_to_signed (parts[1], 10, 1, 99, unit, NULL) &&
         g_ascii_string_to_signed (parts[2], 10, 1, 99999, number, NULL);
}

gint64
fd_sqlite_resident_insert (FdStore *store, const FdResidentInput *in, GError **error)
{
  FdStoreSqlite *self = SELF (store);
  sqlite3_stmt *stmt;
  gint64 id, building = 0, unit = 0, number = 0;
  g_autofree char *phone_masked = fd_mask_mobile (in->phone);
  g_autofree char *id_masked = in->id_number ? fd_mask_id_number (in->id_number) : NULL;
  g_autofree char *address_masked = in->home_address ? fd_mask_address_district (in->home_address) : NULL;
  g_autofree char *account_masked = in->payment_account ? fd_mask_account (in->payment_account) : NULL;
  g_autofree char *phone_bidx = in->phone ? fd_crypto_blind_index (store->keys, "phone", in->phone) : NULL;
  g_autofree char *id_bidx = in->id_number ? fd_crypto_blind_index (store->keys, "id_number", in->id_number) : NULL;
  g_autofree char *last4 = NULL;
  g_autofree char *aad = NULL;

  if (in->phone != NULL && strlen (in->phone) >= 4)
    last4 = g_strdup (in->phone + strlen (in->phone) - 4);

  /* The row id is part of every sealed column's associated data: insert
   * the clear columns first, then seal with the id we got. */
  stmt = prep (self,
               "INSERT INTO residents (name, room, initials, phone_bidx, phone_masked, phone_last4, "
               "id_bidx, id_masked, address_masked) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (stmt == NULL)
    return set_sqlite_error (self, error, "residents"), 0;
  bind_text (stmt, 1, in->name);
  bind_text (stmt, 2, in->room);
  bind_text (stmt, 3, in->initials ? in->initials : "");
  bind_text (stmt, 4, phone_bidx);
  bind_text (stmt, 5, phone_masked);
  bind_text (stmt, 6, last4);
  bind_text (stmt, 7, id_bidx);
  bind_text (stmt, 8, id_masked);
  bind_text (stmt, 9, address_masked);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return set_sqlite_error (self, error, "residents"), 0;
  id = sqlite3_last_insert_rowid (self->db);

  stmt = prep (self, "UPDATE residents SET phone_enc = ?, id_enc = ?, address_enc = ? WHERE id = ?");
  if (stmt == NULL)
    return set_sqlite_error (self, error, "residents"), 0;
  g_free (aad), aad = make_aad ("residents", id, "phone");
  if (!bind_sealed (self, stmt, 1, in->phone, aad, error))
    return 0;
  g_free (aad), aad = make_aad ("residents", id, "id_number");
  if (!bind_sealed (self, stmt, 2, in->id_number, aad, error))
    return 0;
  g_free (aad), aad = make_aad ("residents", id, "home_address");
  if (!bind_sealed (self, stmt, 3, in->home_address, aad, error))
    return 0;
  sqlite3_bind_int64 (stmt, 4, id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return set_sqlite_error (self, error, "residents"), 0;

  for (guint i = 0; in->plates != NULL && in->plates[i] != NULL; i++)
    {
      stmt = prep (self, "INSERT OR IGNORE INTO plates (resident_id, plate) VALUES (?, ?)");
      if (stmt == NULL)
        return set_sqlite_error (self, error, "plates"), 0;
      sqlite3_bind_int64 (stmt, 1, id);
      bind_text (stmt, 2, in->plates[i]);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        return set_sqlite_error (self, error, "plates"), 0;
    }

  stmt = prep (self,
               "INSERT INTO payments (resident_id, account_enc, account_masked, balance_cents, "
               "overdue, last_paid_at) VALUES (?, ?, ?, ?, ?, ?)");
  if (stmt == NULL)
    return set_sqlite_error (self, error, "payments"), 0;
  sqlite3_bind_int64 (stmt, 1, id);
  g_free (aad), aad = make_aad ("payments", id, "account");
  if (!bind_sealed (self, stmt, 2, in->payment_account, aad, error))
    return 0;
  bind_text (stmt, 3, account_masked);
  sqlite3_bind_int64 (stmt, 4, in->balance_cents);
  sqlite3_bind_int (stmt, 5, in->overdue);
  bind_text (stmt, 6, in->last_paid_at);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return set_sqlite_error (self, error, "payments"), 0;

  if (parse_room (in->room, &building, &unit, &number))
    {
      stmt = prep (self, "INSERT OR IGNORE INTO rooms (room, building, unit, number) VALUES (?, ?, ?, ?)");
      if (stmt == NULL)
        return set_sqlite_error (self, error, "rooms"), 0;
      bind_text (stmt, 1, in->room);
      sqlite3_bind_int64 (stmt, 2, building);
      sqlite3_bind_int64 (stmt, 3, unit);
      sqlite3_bind_int64 (stmt, 4, number);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        return set_sqlite_error (self, error, "rooms"), 0;
    }

  return id;
}

guint
fd_sqlite_resident_count (FdStore *store)
{
  sqlite3_stmt *stmt = prep (SELF (store), "SELECT count(*) FROM residents");

  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
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
  "(SELECT group_concat(plate, char(31)) FROM plates WHERE resident_id = r.id) " \
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
  return r;
}

FdResidentRecord *
fd_sqlite_resident_get (FdStore *store, gint64 id)
{
  sqlite3_stmt *stmt = prep (SELF (store), RESIDENT_SELECT "WHERE r.id = ?");

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  return fetch_one (stmt, (gpointer (*) (sqlite3_stmt *)) resident_from_row);
}

void
fd_sqlite_resident_foreach (FdStore *store, FdResidentFunc func, gpointer user_data)
{
  sqlite3_stmt *stmt = prep (SELF (store), RESIDENT_SELECT "ORDER BY r.id");

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
    stmt = prep (self, "SELECT phone_enc FROM residents WHERE id = ?");
  else if (g_strcmp0 (field, "id_number") == 0)
    stmt = prep (self, "SELECT id_enc FROM residents WHERE id = ?");
  else if (g_strcmp0 (field, "home_address") == 0)
    stmt = prep (self, "SELECT address_enc FROM residents WHERE id = ?");
  else if (g_strcmp0 (field, "payment_account") == 0)
    stmt = prep (self, "SELECT account_enc FROM payments WHERE resident_id = ?");
  else
    {
      g_set_error (error, FD_ERROR, FD_ERROR_BAD_REQUEST, "unknown field");
      return NULL;
    }
  if (stmt == NULL)
    return set_sqlite_error (self, error, "residents"), NULL;
  sqlite3_bind_int64 (stmt, 1, id);
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
    stmt = prep (self, "SELECT phone_bidx FROM residents WHERE id = ?");
  else if (g_strcmp0 (field, "id_number") == 0)
    stmt = prep (self, "SELECT id_bidx FROM residents WHERE id = ?");
  else
    return FALSE;
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  stored_copy = fetch_one (stmt, read_text0);
  if (stored_copy == NULL || *stored_copy == '\0')
    return FALSE;
  bidx = fd_crypto_blind_index (store->keys, field, value);
  return fd_const_time_equal (stored_copy, bidx);
}

gboolean
fd_sqlite_room_exists (FdStore *store, const char *room)
{
  sqlite3_stmt *stmt = prep (SELF (store), "SELECT 1 FROM rooms WHERE room = ?");

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, room);
  return fetch_one (stmt, read_true) != NULL;
}

GPtrArray *
fd_sqlite_room_search (FdStore *store, const char *prefix, guint limit)
{
  GPtrArray *rooms = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_room_record_free);
  sqlite3_stmt *stmt;
  g_autofree char *pattern = NULL;

  /* Whole segments: "3-2" matches "3-2" itself and "3-2-…", never "3-21-…".
   * The prefix is validated by the caller (digits and dashes only). */
  pattern = g_strconcat (prefix, "-*", NULL);
  stmt = prep (SELF (store),
               "SELECT room, (SELECT count(*) FROM residents r WHERE r.room = rooms.room) "
               "FROM rooms WHERE room = ?1 OR room GLOB ?2 "
               "ORDER BY building, unit, number LIMIT ?3");
  if (stmt == NULL)
    return rooms;
  bind_text (stmt, 1, prefix);
  bind_text (stmt, 2, pattern);
  sqlite3_bind_int (stmt, 3, limit);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      FdRoomRecord *room = g_new0 (FdRoomRecord, 1);
      room->room = col_text (stmt, 0);
      room->residents = sqlite3_column_int (stmt, 1);
      g_ptr_array_add (rooms, room);
    }
  return rooms;
}

