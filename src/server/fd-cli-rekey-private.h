/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The parts of the rekey command shared by its files. */

#pragma once

#include <sqlite3.h>

#include "fd-cli.h"

G_BEGIN_DECLS

/* fd-cli-rekey.c: the command, its state and progress in the settings;
 * fd-cli-rekey-columns.c: the walk over every sealed column;
 * fd-cli-rekey-keys.c: the key files (and rekey --finish). */

#define IN_PROGRESS "rekey-in-progress"

/* fd-cli-rekey-columns.c: every column sealed or keyed with the data key. */
typedef struct
{
  const char *column;
  const char *field;         /* the associated data's third part */
  const char *bidx_column;   /* its blind index, or NULL */
  const char *bidx_domain;
} SealedColumn;

typedef struct
{
  const char  *table;
  const char  *key;          /* the row id in the associated data */
  SealedColumn columns[3];
} SealedTable;

extern const SealedTable fd_rekey_sealed_tables[];
extern const guint       fd_rekey_n_sealed_tables;
/* @table.@column is one of them, or login_failures.name_mac. */
gboolean fd_rekey_column_is_known     (const char  *table,
                                       const char  *column);

typedef struct
{
  sqlite3 *db;
  FdKeys  *old_keys;
  FdKeys  *new_keys;
  guint    batch_size;
  guint    crash_after;     /* tests: SIGKILL after this many batches; 0 = never */
  guint    batches;
  gint64   resealed;
  gint64   indexes;
  gint64   damaged;
} Rekey;

/* fd-cli-rekey.c: the database, through the exclusive connection. */
gboolean fd_rekey_db_failed           (Rekey       *self,
                                       const char  *what,
                                       GError     **error);
gboolean fd_rekey_exec                (Rekey       *self,
                                       const char  *sql,
                                       GError     **error);
char    *fd_rekey_get_setting         (Rekey       *self,
                                       const char  *key);
/* @value NULL deletes the setting. */
gboolean fd_rekey_set_setting         (Rekey       *self,
                                       const char  *key,
                                       const char  *value,
                                       GError     **error);

/* fd-cli-rekey-columns.c */
gboolean fd_rekey_check_known_columns (Rekey       *self,
                                       GError     **error);
/* Every sealed table, from the stored progress on. */
gboolean fd_rekey_rows                (Rekey       *self,
                                       GError     **error);
/* The last transaction: sign-in failures, the new key check value. */
gboolean fd_rekey_finish_rows         (Rekey       *self,
                                       const char  *new_check,
                                       GError     **error);

/* fd-cli-rekey-keys.c */
gboolean fd_rekey_audit_rotation      (FdConfig    *config,
                                       const char  *new_key,
                                       GError     **error);
gboolean fd_rekey_swap_key_files      (FdConfig    *config,
                                       const char  *new_key,
                                       char       **kept,
                                       GError     **error);
/* rekey --finish; returns the exit code. */
int      fd_rekey_finish              (FdConfig    *config);

G_END_DECLS
