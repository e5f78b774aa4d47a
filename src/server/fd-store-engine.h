/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the engines (SQLite, PostgreSQL) compute alike, so they seal and check alike. */

#pragma once

#include "fd-store.h"

G_BEGIN_DECLS

/* The audit head's keyed anchor: HMAC under the index key of SEQ and HASH. */
char           *fd_engine_audit_anchor_mac (FdKeys      *keys,
                                            gint64       seq,
                                            const char  *hash);

/* The keyed MAC a sign-in failure is counted under (people type
 * passwords into the name field: the name itself is never stored). */
char           *fd_engine_login_name_mac   (FdKeys      *keys,
                                            const char  *username);

/* One more failed sign-in of a name that has *@failures failures and is
 * locked until *@until (0: not locked): LOCKED when the lock still holds
 * (nothing to write), else the new *@failures and *@until to store and
 * RESERVED or LAST. *@locked_until gets the lock's end. */
FdLoginAttempt  fd_engine_login_attempt    (gint64      *failures,
                                            gint64      *until,
                                            gint64       now,
                                            guint        max_failures,
                                            gint64       lock_usec,
                                            gint64      *locked_until);

/* A resident's sensitive values as both engines store them: masks and
 * blind indexes (NULL for a value not given), and the values sealed
 * with associated data "residents:ID:COLUMN" ("payments:ID:account"). */
typedef struct
{
  char   *phone_masked, *id_masked, *address_masked, *account_masked;
  char   *phone_bidx, *id_bidx;
  GBytes *phone_enc, *id_enc, *address_enc, *account_enc;
} FdSealedResident;

/* Fills @out for resident @id; FALSE when a value could not be sealed.
 * Thread-safe: the engines seal batches on worker threads. */
gboolean        fd_engine_resident_seal    (FdKeys                *keys,
                                            const FdResidentInput *in,
                                            gint64                 id,
                                            FdSealedResident      *out);
void            fd_engine_sealed_resident_clear (FdSealedResident *sealed);

/* What a resident's input gives besides its sealed values, as both
 * engines store it: the room "BUILDING-UNIT-NUMBER" (1-999, 1-99,
 * 1-99999) as numbers for the rooms table, FALSE when @room is NULL or
 * not such; the phone's last four characters for phone_last4 (a pointer
 * into @phone), NULL when it has fewer or is NULL. */
gboolean        fd_engine_room_parse       (const char  *room,
                                            gint64      *building,
                                            gint64      *unit,
                                            gint64      *number);
const char     *fd_engine_phone_last4      (const char  *phone);
/* GCompareFunc of two gint64 ids (qsort, g_array_sort), ascending. */
gint            fd_engine_compare_id       (gconstpointer a,
                                            gconstpointer b);

/* One sealed value of each kind, to tell at open whether a key is the
 * database's when no check value is stored: @sql selects (id, sealed
 * value, blind index or NULL) of one row; the value was sealed with the
 * associated data "TABLE:ID:FIELD". Standard SQL, for either engine. */
typedef struct
{
  const char *sql;
  const char *table;
  const char *field;
  const char *bidx_domain;   /* the blind index in the third column, or NULL */
} FdKeyProbe;

extern const FdKeyProbe fd_engine_key_probes[];
extern const guint      fd_engine_n_key_probes;

/* TRUE when @blob (the probe's value of row @id) opens with @keys and
 * its blind index, if any, is @stored_bidx. */
gboolean        fd_engine_key_probe_opens  (FdKeys           *keys,
                                            const FdKeyProbe *probe,
                                            gint64            id,
                                            const guint8     *blob,
                                            gsize             len,
                                            const char       *stored_bidx);

/* sync_committed for an engine whose COMMIT is durable itself (issue 13,
 * search13): the server then commits on the main context as before. */
gboolean        fd_engine_commit_is_durable (FdStore  *store,
                                             GError  **error);

/* The first member of @backend (past its name) that is NULL, counted
 * from 1 in the order of FdStoreBackend (fd-store.h), or 0 when there is
 * none. @every: every member counts; otherwise the ones fd-store.h says
 * an engine may leave NULL (resident_insert_many, estate_update,
 * residents_after, audit_subjects_add, incident_radius,
 * visitor_undo_checkout) do not. The PostgreSQL engine refuses to open when it
 * misses one (a store call added to fd-store.h and not implemented
 * there would otherwise crash a server at its first use), and the store
 * tests check both engines' tables. */
guint           fd_engine_backend_missing  (const FdStoreBackend *backend,
                                            gboolean              every);

G_END_DECLS
