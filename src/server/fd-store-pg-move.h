/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PostgreSQL engine: what `frontdesk-server move-store` writes (issue 16). */

#pragma once

#include <libpq-fe.h>

#include "fd-store.h"

G_BEGIN_DECLS

/* An office's SQLite database moved into the company's PostgreSQL as one
 * estate (fd-cli-move-store.c reads the office; this writes the target).
 *
 * Progress lives in the target, in store_moves (one row per estate moved
 * into): the stage and the last office id copied, written in the same
 * transaction as each batch, so a move killed at any point continues
 * where its last committed batch ended. A finished move (finished_at set)
 * is never run again into the same estate.
 *
 * The office's audit chain keeps its own seqs and hashes in
 * audit_imported (the estate's prior history); the company chain gets one
 * "store-move" entry whose reason_text (FD_PG_MOVE_ANCHOR_FORMAT) names the
 * imported chain's length and head hash. That entry is covered by the
 * company chain's keyed head, so the imported history cannot be cut,
 * extended or edited without `audit verify` noticing
 * (fd_pg_imported_verify, called by the engine's audit_verify). */

#define FD_PG_MOVE_ANCHOR_PREFIX "office chain: "
#define FD_PG_MOVE_ANCHOR_FORMAT FD_PG_MOVE_ANCHOR_PREFIX "%" G_GINT64_FORMAT " entries, head %s"

typedef struct
{
  gint64  estate_id;
  char   *stage;          /* "users", "rooms", "residents", "visitors", "alerts", "audit", "finish" */
  gint64  last_id;        /* the last office id of the stage copied */
  gboolean resumed;       /* an earlier run had begun this move */
} FdPgMove;

void     fd_pg_move_clear      (FdPgMove     *move);

/* One move at a time on the database: a session advisory lock, released
 * when the connection ends (a killed move leaves none behind). */
gboolean fd_pg_move_lock       (FdStore      *store,
                                GError      **error);

/* In a transaction of its own: the estate @code (made with @name when
 * absent) and its move. Refuses (FD_ERROR_CONFIG) a finished move into it,
 * a move begun from another office (@source differs), and an estate that
 * already holds residents, visitors, alerts or audit entries without an
 * unfinished move. @check runs in the same transaction while the move has
 * not copied its accounts: when it fails, nothing is written. */
gboolean fd_pg_move_start      (FdStore      *store,
                                const char   *code,
                                const char   *name,
                                const char   *source,
                                gboolean    (*check) (gpointer data, GError **error),
                                gpointer      data,
                                FdPgMove     *move,
                                GError      **error);

/* The following run inside the caller's transaction. */
gboolean fd_pg_move_progress   (FdStore      *store,
                                FdPgMove     *move,
                                const char   *stage,
                                gint64        last_id,
                                GError      **error);
/* Marks the move finished (the caller appends the anchor entry in the same
 * transaction). */
gboolean fd_pg_move_finish     (FdStore      *store,
                                FdPgMove     *move,
                                GError      **error);
gboolean fd_pg_move_room       (FdStore      *store,
                                gint64        estate_id,
                                const char   *room,
                                gint64        building,
                                gint64        unit,
                                gint64        number,
                                GError      **error);
/* @v's masked values are written as they are; @phone and @id_number (clear,
 * may be NULL) are sealed under the store's key with the new id. */
gboolean fd_pg_move_visitor    (FdStore               *store,
                                gint64                 estate_id,
                                const FdVisitorRecord *v,
                                const char            *phone,
                                const char            *id_number,
                                GError               **error);
gboolean fd_pg_move_alert      (FdStore               *store,
                                gint64                 estate_id,
                                const FdAlertRecord   *alert,
                                GError               **error);
/* @entry as the office holds it (its estate_id the office's). */
gboolean fd_pg_move_audit      (FdStore               *store,
                                gint64                 estate_id,
                                const FdAuditEntry    *entry,
                                GError               **error);
/* How many rows the estate holds in the tables a move fills. */
gint64   fd_pg_move_estate_rows (FdStore     *store,
                                 gint64       estate_id,
                                 GError     **error);

/* Checks every imported chain against its anchor, on @conn inside the
 * caller's snapshot (frontdesk.estate '*'). *@n_entries gets the imported
 * entries; on a fault *@first_bad_seq gets the company seq of the anchor
 * whose history does not verify, or @company_entries + 1 for imported
 * rows that no finished or running move accounts for. */
gboolean fd_pg_imported_verify (PGconn       *conn,
                                gint64        company_entries,
                                gint64       *n_entries,
                                gint64       *first_bad_seq,
                                GError      **error);

/* fd-store-pg-audit.c: one row of AUDIT_COLUMNS (seq … hash, estate_id;
 * audit_imported's IMPORTED_COLUMNS end with orig_estate_id there). */
void     fd_pg_audit_from_row  (PGresult     *res,
                                int           i,
                                FdAuditEntry *e);

G_END_DECLS
