/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fd-cli-move-store-private.h: what the parts of move-store share (issue 16).
 *
 * fd-cli-move-store.c runs the command (checks, stages, resume bookkeeping),
 * fd-cli-move-store-accounts.c settles and copies the office's accounts,
 * fd-cli-move-store-rows.c reads the office's records and writes them into
 * the estate. */
#pragma once

#include <sqlite3.h>


#include "fd-cli.h"
#include "fd-error.h"
#include "fd-estates.h"
#include "fd-field.h"
#include "fd-policy.h"
#include "fd-seed.h"
#include "fd-store-pg-move.h"

/* `frontdesk-server move-store --config FILE --from-data-dir DIR --estate CODE`
 *
 * The office (DIR: its database and its key file) must be stopped: the
 * move holds SQLite's exclusive lock on it from start to end, after
 * checking it (integrity, key, audit chain). The target is the
 * configured PostgreSQL; the estate CODE is made when absent.
 *
 * Keys: every sealed value is opened with the office's key and sealed
 * again under the company's, because its associated data names its row
 * ("residents:ID:phone") and rows get new ids in the company's sequences;
 * blind indexes are computed again under the company's index key. So the
 * office and the company need not share a key, and the office's key file
 * is only read (it is needed for the move and for opening the office's
 * backups, nothing else).
 *
 * Accounts: an office account whose name the company does not use is
 * created with its password hash, its second factor (the secret sealed
 * again; recovery codes are keyed by the secret and move as they are) and
 * the new estate only — an office's admin or auditor, who held every
 * estate of the office, holds only this estate in the company, never the
 * company. A name the company already uses is refused (before anything is
 * written) unless the command says how to settle it: --merge-accounts
 * takes a manager, auditor or admin of the same name and role to be the
 * same person (the company account, its password and second factor, gains
 * the estate, unless it is company-wide already) — never a desk account,
 * which holds one estate; --account-suffix S moves the others as NAME+S.
 * Nothing merges by default: a name alone is no proof of a person, and a
 * merge grants the company account the office's residents. Sessions,
 * lockouts, limit counters, reviews and alert deliveries stay behind: they
 * are the office's running state, not its records.
 *
 * The office's audit chain moves as the estate's prior history with its
 * own seqs and hashes (audit_imported), anchored by one "store-move" entry
 * in the company chain (fd-store-pg-move.h).
 *
 * Resumable: each batch is one transaction with the move's progress
 * (store_moves) written in it; a rerun with the same arguments continues
 * after the last committed batch. A finished move is refused: the
 * estate already holds the office. */


G_BEGIN_DECLS

typedef struct
{
  FdStore  *store;        /* the company's (PostgreSQL) */
  sqlite3  *db;           /* the office's, locked */
  FdKeys   *keys;         /* the office's */
  gint64    office_estate;
  FdPgMove  move;
  const char *code;
  guint     batch;
  guint     created_users;
  guint     merged_users;
  gboolean  merge;        /* --merge-accounts */
  const char *suffix;     /* --account-suffix */
  gint64    copied;       /* rows of the stage in this run */
} Move;

/* A stage's batch: copies the rows after *@last_id (updated), sets *@done
 * after the last; inside the transaction that records the progress. */
typedef gboolean (*FdMoveStageFunc) (Move *m, gint64 *last_id, gboolean *done, GError **error);

/* The office's database failed at @what: FALSE with @error set. */
gboolean      fd_move_failed  (Move          *m,
                                      GError       **error,
                                      const char    *what);
sqlite3_stmt *fd_move_prepare (Move          *m,
                               const char    *sql,
                               GError       **error);
char         *fd_move_col_text       (sqlite3_stmt  *stmt,
                                      int            col);
/* Opens a sealed column of the office with its key; NULL for SQL NULL. */
gboolean      fd_move_col_open       (Move          *m,
                                      sqlite3_stmt  *stmt,
                                      int            col,
                                      const char    *table,
                                      gint64         id,
                                      const char    *column,
                                      char         **clear,
                                      GError       **error);

/* accounts (fd-cli-move-store-accounts.c) */
/* Before anything is written: refuses a name the company uses that the
 * command does not say how to settle (FdPgMoveCheckFunc). */
gboolean      fd_move_check_accounts (gpointer       data,
                                      GError       **error);
gboolean      fd_move_copy_users     (Move *m, gint64 *last_id, gboolean *done, GError **error);

/* records (fd-cli-move-store-rows.c) */
gboolean      fd_move_copy_rooms     (Move *m, gint64 *last_id, gboolean *done, GError **error);
gboolean      fd_move_copy_residents (Move *m, gint64 *last_id, gboolean *done, GError **error);
gboolean      fd_move_copy_visitors  (Move *m, gint64 *last_id, gboolean *done, GError **error);
gboolean      fd_move_copy_alerts    (Move *m, gint64 *last_id, gboolean *done, GError **error);
gboolean      fd_move_copy_audit     (Move *m, gint64 *last_id, gboolean *done, GError **error);

G_END_DECLS
