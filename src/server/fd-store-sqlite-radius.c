/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SQLite engine: who an audited listing showed, and an incident's radius. */

#include "config.h"

#include "fd-error.h"
#include "fd-role.h"
#include "fd-store-engine.h"
#include "fd-store-sqlite-private.h"

/* A search's audit entry records only that a search happened (the query
 * text may be a name and is never logged), and listed_residents keeps a
 * ten-minute window for the bulk rules. So the residents each audited
 * listing showed are kept here, one compact row per (entry, resident),
 * keyed by the entry's seq: the radius of an incident reads them through
 * the audit index without scanning the log. */

gboolean
fd_sqlite_audit_subjects_add (FdStore      *store,
                              gint64        seq,
                              char          kind,
                              const gint64 *ids,
                              guint         n_ids,
                              GError      **error)
{
  FdStoreSqlite *self = SELF (store);
  const char kind_text[2] = { kind, '\0' };
  /* One statement for the page (issue 13, search13), not one a resident. */
  sqlite3_stmt *stmt = prep (self, "INSERT OR IGNORE INTO audit_subjects (seq, kind, subject_id) "
                                   "SELECT ?1, ?2, value FROM json_each (?3)");
  GString *list;
  int rc;

  if (stmt == NULL)
    return set_sqlite_error (self, error, "audit subjects");
  list = fd_sqlite_ids_json (ids, n_ids);
  sqlite3_bind_int64 (stmt, 1, seq);
  sqlite3_bind_text (stmt, 2, kind_text, 1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, list->str, (int) list->len, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  g_string_free (list, TRUE);
  if (rc != SQLITE_DONE)
    return set_sqlite_error (self, error, "audit subjects");
  return TRUE;
}

/* Both read the index audit_actor_radius (actor_id, action, at, outcome,
 * target, estate_id, role, field), which covers them, for the actor's entries in the
 * window; listings and exports then follow the seq into audit_subjects'
 * primary key, one row per subject shown (a quarter of bulk browsing is a
 * million). They are counted here, not with GROUP BY: its temporary
 * B-tree costs several times the scan. */
static const char direct_sql[] =
  "SELECT 0, CAST (target AS INTEGER), action, field, role FROM audit_log "
  " WHERE actor_id = ?1 AND action IN ('view', 'reveal', 'verify') AND at >= ?2 AND at < ?3 "
  "   AND outcome = 'allowed' AND target GLOB '[0-9]*'";
static const char shown_sql[] =
  "SELECT s.kind = 'v', s.subject_id, a.action, NULL, a.role FROM audit_log a "
  "  JOIN audit_subjects s ON s.seq = a.seq "
  " WHERE a.actor_id = ?1 AND a.action IN ('search', 'export') AND a.at >= ?2 AND a.at < ?3 "
  "   AND a.outcome = 'allowed'";

static const char *actions[] = { "view", "search", "reveal", "verify", "export" };

/* One touch packed in 64 bits: subject id, visitor bit, action (3 bits),
 * field + 1 (4 bits), role + 1 (4 bits). */
#define PACK(id, visitor, action, field, role) \
  (((id) << 12) | ((gint64) (visitor) << 11) | ((gint64) (action) << 8) | \
   ((gint64) (field) << 4) | (gint64) (role))

/* Counts packed keys: open addressing, linear probing, -1 = empty. */
typedef struct
{
  gint64 *keys;
  guint  *counts;
  gsize   mask;
  gsize   n;
  guint   shift;     /* 64 - log2 (mask + 1) */
} Counter;

/* Fibonacci hashing: the product's top bits. */
static gsize
counter_hash (const Counter *c,
              gint64         key)
{
  return ((guint64) key * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)) >> c->shift;
}

static void
counter_grow (Counter *c)
{
  Counter bigger = { 0 };
  gsize size = c->keys != NULL ? (c->mask + 1) * 2 : 1024;

  bigger.keys = g_new (gint64, size);
  bigger.counts = g_new0 (guint, size);
  bigger.mask = size - 1;
  bigger.n = c->n;
  bigger.shift = 64 - g_bit_storage (bigger.mask);
  memset (bigger.keys, 0xff, size * sizeof (gint64));
  for (gsize i = 0; c->keys != NULL && i <= c->mask; i++)
    if (c->keys[i] >= 0)
      {
        gsize h = counter_hash (&bigger, c->keys[i]);

        while (bigger.keys[h & bigger.mask] >= 0)
          h++;
        bigger.keys[h & bigger.mask] = c->keys[i];
        bigger.counts[h & bigger.mask] = c->counts[i];
      }
  g_free (c->keys);
  g_free (c->counts);
  *c = bigger;
}

static void
counter_add (Counter *c,
             gint64   key)
{
  gsize h;

  if (c->keys == NULL || c->n * 2 >= c->mask)
    counter_grow (c);
  h = counter_hash (c, key);
  while (c->keys[h & c->mask] >= 0 && c->keys[h & c->mask] != key)
    h++;
  if (c->keys[h & c->mask] < 0)
    {
      c->keys[h & c->mask] = key;
      c->n++;
    }
  c->counts[h & c->mask]++;
}

/* Subject ids are rowids, dense from 1: the common case counts straight
 * into one array per combination of the other fields (visitor, action,
 * field, role: a handful per account), which stays in cache where a hash
 * table of a million entries does not. Ids past DENSE_MAX (a damaged or
 * odd database) go to the hash table. */
#define DENSE_MAX (1 << 24)
#define COMBO_MASK ((1 << 12) - 1)

typedef struct
{
  gint64  combo;       /* the packed key's low 12 bits */
  guint  *counts;      /* by subject id */
  gsize   size;
} Dense;

typedef struct
{
  GPtrArray *dense;    /* Dense* */
  Dense     *last;
  Counter    sparse;
} Tally;

static void
dense_free (gpointer data)
{
  Dense *d = data;

  g_free (d->counts);
  g_free (d);
}

static void
tally_add (Tally  *t,
           gint64  key)
{
  gint64 id = key >> 12, combo = key & COMBO_MASK;
  Dense *d = t->last;

  if (id < 0 || id >= DENSE_MAX)
    {
      counter_add (&t->sparse, key);
      return;
    }
  if (d == NULL || d->combo != combo)
    {
      d = NULL;
      for (guint i = 0; i < t->dense->len && d == NULL; i++)
        if (((Dense *) t->dense->pdata[i])->combo == combo)
          d = t->dense->pdata[i];
      if (d == NULL)
        {
          d = g_new0 (Dense, 1);
          d->combo = combo;
          g_ptr_array_add (t->dense, d);
        }
      t->last = d;
    }
  if ((gsize) id >= d->size)
    {
      gsize size = MAX ((gsize) id + 1, d->size * 2);

      d->counts = g_renew (guint, d->counts, size);
      memset (d->counts + d->size, 0, (size - d->size) * sizeof (guint));
      d->size = size;
    }
  d->counts[id]++;
}

static guint
action_index (const char *action)
{
  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    if (g_strcmp0 (action, actions[i]) == 0)
      return i;
  return 0;
}

static gboolean
count_rows (sqlite3_stmt *stmt,
            Tally        *tally)
{
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *field_name = (const char *) sqlite3_column_text (stmt, 3);
      FdRole role = fd_role_from_string ((const char *) sqlite3_column_text (stmt, 4));
      FdField field;
      guint field_code = field_name != NULL && fd_field_from_string (field_name, &field)
                         ? field + 1 : 0;

      tally_add (tally, PACK (sqlite3_column_int64 (stmt, 1),
                                  sqlite3_column_int (stmt, 0) != 0,
                                  action_index ((const char *) sqlite3_column_text (stmt, 2)),
                                  field_code, role + 1));
    }
  return rc == SQLITE_DONE;
}

static void
add_touch (FdRadiusData *out,
           GArray       *subject_keys,
           gint64        key,
           guint         count)
{
  guint field = (key >> 4) & 15, role = key & 15, action = (key >> 8) & 7;
  FdRadiusTouch *t = g_new0 (FdRadiusTouch, 1);
  gint64 subject_key;

  t->kind = key & (1 << 11) ? FD_RADIUS_VISITOR : FD_RADIUS_RESIDENT;
  t->subject_id = key >> 12;
  t->action = g_strdup (actions[MIN (action, G_N_ELEMENTS (actions) - 1)]);
  t->field = field > 0 ? g_strdup (fd_field_to_string (field - 1)) : NULL;
  t->role = role > 0 ? g_strdup (fd_role_to_string (role - 1)) : NULL;
  t->count = count;
  g_ptr_array_add (out->touches, t);
  subject_key = t->subject_id * 2 + (t->kind == FD_RADIUS_VISITOR);
  g_array_append_val (subject_keys, subject_key);
}

/* The counted keys as touches, and each subject's key (id * 2 + visitor)
 * into @subject_keys. */
static void
tally_drain (Tally        *t,
             FdRadiusData *out,
             GArray       *subject_keys)
{
  for (guint i = 0; i < t->dense->len; i++)
    {
      Dense *d = t->dense->pdata[i];

      for (gsize id = 0; id < d->size; id++)
        if (d->counts[id] > 0)
          add_touch (out, subject_keys, ((gint64) id << 12) | d->combo, d->counts[id]);
    }
  for (gsize i = 0; t->sparse.keys != NULL && i <= t->sparse.mask; i++)
    if (t->sparse.keys[i] >= 0)
      add_touch (out, subject_keys, t->sparse.keys[i], t->sparse.counts[i]);
}

static gboolean
read_subject (sqlite3_stmt    *resident,
              sqlite3_stmt    *visitor,
              FdRadiusSubject *subject)
{
  sqlite3_stmt *stmt = subject->kind == FD_RADIUS_VISITOR ? visitor : resident;
  int rc;

  sqlite3_reset (stmt);
  sqlite3_bind_int64 (stmt, 1, subject->id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      subject->name = col_text (stmt, 0);
      subject->room = col_text (stmt, 1);
      subject->estate_id = sqlite3_column_int64 (stmt, 2);
    }
  sqlite3_reset (stmt);
  return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

/* The second wall (issue 11): subjects of another estate, and what the
 * account did to them, are not the caller's to see. A subject gone since
 * (purged visitor) has estate 0 and stays, nameless. */
static void
drop_other_estates (FdRadiusData *out)
{
  g_autoptr(GHashTable) dropped = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GArray) keys = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint i;

  for (i = 0; i < out->subjects->len; )
    {
      FdRadiusSubject *s = g_ptr_array_index (out->subjects, i);

      if (s->estate_id == 0 || s->estate_id == out->scope)
        {
          i++;
          continue;
        }
      {
        gint64 key = s->id * 2 + (s->kind == FD_RADIUS_VISITOR);
        g_array_append_val (keys, key);
      }
      g_free (s->name);
      g_free (s->room);
      g_free (s);
      g_ptr_array_remove_index (out->subjects, i);
    }
  for (i = 0; i < keys->len; i++)
    g_hash_table_add (dropped, &g_array_index (keys, gint64, i));
  for (i = 0; i < out->touches->len; )
    {
      FdRadiusTouch *t = g_ptr_array_index (out->touches, i);
      gint64 key = t->subject_id * 2 + (t->kind == FD_RADIUS_VISITOR);

      if (!g_hash_table_contains (dropped, &key))
        {
          i++;
          continue;
        }
      g_free (t->action);
      g_free (t->field);
      g_free (t->role);
      g_free (t);
      g_ptr_array_remove_index_fast (out->touches, i);
    }
}

gboolean
fd_sqlite_incident_radius (FdStore      *store,
                           gint64        actor_id,
                           const char   *from,
                           const char   *to,
                           FdRadiusData *out,
                           GError      **error)
{
  FdStoreSqlite *self = SELF (store);
  g_autoptr(GArray) keys = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL, *shown = NULL, *resident = NULL, *visitor = NULL;
  Tally tally = { g_ptr_array_new_with_free_func (dense_free), NULL, { 0 } };
  gboolean ok = FALSE;

  out->touches = g_ptr_array_new ();
  out->subjects = g_ptr_array_new ();

  /* Own read-only connection: this runs in a worker thread while the main
   * thread keeps writing; WAL gives it one stable snapshot. */
  if (sqlite3_open_v2 (self->path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
    goto out;
  sqlite3_busy_timeout (db, 5000);
  /* pages mapped, not copied: a quarter's scan touches hundreds of MiB */
  sqlite3_exec (db, "PRAGMA mmap_size = 1073741824", NULL, NULL, NULL);
  if (sqlite3_exec (db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (db, direct_sql, -1, &stmt, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (db, shown_sql, -1, &shown, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (db, "SELECT name, room, estate_id FROM residents WHERE id = ?1", -1, &resident,
                          NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (db, "SELECT name, room, estate_id FROM visitors WHERE id = ?1", -1, &visitor,
                          NULL) != SQLITE_OK)
    goto out;

  for (guint q = 0; q < 2; q++)
    {
      sqlite3_stmt *st = q == 0 ? stmt : shown;

      sqlite3_bind_int64 (st, 1, actor_id);
      sqlite3_bind_text (st, 2, from, -1, SQLITE_STATIC);
      sqlite3_bind_text (st, 3, to, -1, SQLITE_STATIC);
      if (!count_rows (st, &tally))
        goto out;
    }
  tally_drain (&tally, out, keys);

  /* one subject per resident or visitor (their ids overlap), by id */
  g_array_sort (keys, fd_engine_compare_id);
  for (guint i = 0; i < keys->len; i++)
    {
      gint64 key = g_array_index (keys, gint64, i);
      FdRadiusSubject *subject;

      if (i > 0 && key == g_array_index (keys, gint64, i - 1))
        continue;
      subject = g_new0 (FdRadiusSubject, 1);
      subject->kind = key % 2 ? FD_RADIUS_VISITOR : FD_RADIUS_RESIDENT;
      subject->id = key / 2;
      g_ptr_array_add (out->subjects, subject);
      if (!read_subject (resident, visitor, subject))
        goto out;
    }
  if (out->scope != FD_ESTATE_ALL)
    drop_other_estates (out);
  ok = TRUE;

out:
  if (!ok)
    g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL, "incident radius: %s",
                 db != NULL ? sqlite3_errmsg (db) : "cannot open the database");
  g_ptr_array_unref (tally.dense);
  g_free (tally.sparse.keys);
  g_free (tally.sparse.counts);
  sqlite3_finalize (stmt);
  sqlite3_finalize (shown);
  sqlite3_finalize (resident);
  sqlite3_finalize (visitor);
  if (db != NULL)
    sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
  sqlite3_close_v2 (db);
  return ok;
}
