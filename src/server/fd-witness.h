/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The audit head, witnessed outside the database. */

#pragma once

#include <glib.h>

#include "fd-store.h"

G_BEGIN_DECLS

/* The audit head witnessed outside the database.
 *
 * The keyed anchor in the database (fd-store-sqlite.c) stops a forger
 * without the key from moving the chain's head, but not from putting back
 * an older database, or older rows with their older anchor. So the server
 * also writes the head — sequence number, hash and time, never personal
 * data — where the service user cannot rewrite it: the systemd journal,
 * syslog, or an append-only file. `audit verify` then checks that the
 * database still holds the highest head ever witnessed.
 *
 * One record is one line:
 *   audit-witness v1 event=EVENT seq=N hash=HEX at=TIME key=FP db=PATH
 * EVENT is start, tick (the head moved), stop, rollback (the server found
 * the head it witnessed before gone) or accept (an operator accepted a
 * restore from a backup: older witnesses no longer count). FP (a keyed
 * fingerprint) and PATH (C-escaped, last so it may hold spaces) tell
 * databases on one journal apart; fd_witness_db_id(). */

#define FD_WITNESS_IDENT "frontdesk-audit"

typedef enum
{
  FD_WITNESS_OFF,
  FD_WITNESS_JOURNAL,
  FD_WITNESS_SYSLOG,
  FD_WITNESS_FILE,
} FdWitnessKind;

/* "journal" | "syslog" | "file:/ABSOLUTE/PATH" | "off". @path (may be
 * NULL) gets the file of file:. */
gboolean   fd_witness_parse_destination (const char     *text,
                                         FdWitnessKind  *kind,
                                         char          **path,
                                         GError        **error);

/* The database's identity in witness records: "key=FP db=PATH", a
 * fingerprint of its key and its resolved path (C-escaped). */
char      *fd_witness_db_id             (FdStore        *store,
                                         const char     *db_path);

typedef struct _FdWitness FdWitness;

/* Writes a "start" record of @store's head now and a "tick" record every
 * @interval_s seconds when the head has moved (reading the head is one
 * row of the settings table). @destination was checked by
 * fd_witness_parse_destination(). Returns NULL for "off". */
FdWitness *fd_witness_start             (FdStore        *store,
                                         const char     *destination,
                                         const char     *db_path,
                                         guint           interval_s);
/* Writes a "stop" record and frees @witness. Call it before the store
 * closes, after the last commit. */
void       fd_witness_stop              (FdWitness      *witness);

/* issue 13 (search13): a server whose commits become durable later than
 * they are visible (fd-server-commit.c) gates the ticks: before_read
 * commits what is open, when_durable calls @then once every commit so
 * far is durable (@durable FALSE: its sync failed), at once when all is.
 * Without a gate a tick reads and writes the head at once. A pending
 * @then must have run before fd_witness_stop(). */
typedef void (*FdWitnessThen) (gpointer data, gboolean durable);
typedef struct
{
  void    (*before_read)  (gpointer data);
  void    (*when_durable) (gpointer data, FdWitnessThen then, gpointer then_data);
  gpointer  data;
} FdWitnessGate;
void       fd_witness_set_gate          (FdWitness           *witness,
                                         const FdWitnessGate *gate);

typedef enum
{
  FD_WITNESS_READ_NONE,         /* readable, but no record of this database */
  FD_WITNESS_READ_FOUND,
  FD_WITNESS_READ_UNAVAILABLE,  /* off, or no journal to read here */
} FdWitnessReadState;

typedef struct
{
  FdWitnessReadState state;
  gint64   seq;                 /* highest head witnessed since the last accept */
  char    *hash;
  char    *at;
  gint64   accepted_seq;        /* -1: no accept record */
  char    *accepted_at;
  guint    records;             /* records of this database read */
  char    *source;              /* what was read, for messages */
  char    *problem;             /* the records themselves show a rollback */
  gint64   problem_seq;
} FdWitnessMark;

void       fd_witness_mark_clear        (FdWitnessMark  *mark);

/* Reads every record of @db_id (fd_witness_db_id()) from @file when given (any text file:
 * a witness file, or a syslog file holding the records), else from
 * @destination (a file, or the journal through journalctl). FALSE only
 * on an I/O error reading a file or journalctl. May block: not for the
 * main context of the server. */
gboolean   fd_witness_read              (const char     *destination,
                                         const char     *file,
                                         const char     *db_id,
                                         FdWitnessMark  *mark,
                                         GError        **error);

/* Compares a FOUND @mark with @store. NULL when the database holds the
 * witnessed head; else the line that names the rollback ("rolled back:
 * …") and *@first_bad the first seq missing or differing. Two indexed
 * lookups: cheap enough for the main context. */
char      *fd_witness_check             (FdStore             *store,
                                         const FdWitnessMark *mark,
                                         gint64              *first_bad);

/* Writes an "accept" record of @store's current head to @destination (or
 * @file): after a restore from a backup, the witnessed heads before it no
 * longer count. */
gboolean   fd_witness_accept            (FdStore        *store,
                                         const char     *destination,
                                         const char     *file,
                                         const char     *db_path,
                                         GError        **error);

G_END_DECLS
