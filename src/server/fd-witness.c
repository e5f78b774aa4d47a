/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The audit head witnessed outside the database (journal, syslog, file). */

#include "config.h"

#include "fd-witness.h"

#include "fd-error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#define RECORD_MARKER "audit-witness v1 "
#define JOURNAL_DIR "/run/systemd/journal"

struct _FdWitness
{
  FdStore       *store;         /* not owned */
  FdWitnessKind  kind;
  char          *path;          /* file: */
  char          *db_id;
  gint64         last_seq;
  char          *last_hash;
  guint          timer_id;
  gboolean       write_failed;  /* warned; warn again only after a success */
  FdWitnessGate  gate;          /* issue 13 (search13); zero: none */
};

gboolean
fd_witness_parse_destination (const char     *text,
                              FdWitnessKind  *kind,
                              char          **path,
                              GError        **error)
{
  FdWitnessKind k;

  if (path != NULL)
    *path = NULL;
  if (g_strcmp0 (text, "journal") == 0)
    k = FD_WITNESS_JOURNAL;
  else if (g_strcmp0 (text, "syslog") == 0)
    k = FD_WITNESS_SYSLOG;
  else if (g_strcmp0 (text, "off") == 0)
    k = FD_WITNESS_OFF;
  else if (text != NULL && g_str_has_prefix (text, "file:") && g_path_is_absolute (text + 5) &&
           strchr (text, '\n') == NULL)
    {
      k = FD_WITNESS_FILE;
      if (path != NULL)
        *path = g_strdup (text + 5);
    }
  else
    {
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                   "audit-witness must be journal, syslog, file:/ABSOLUTE/PATH or off");
      return FALSE;
    }
  if (kind != NULL)
    *kind = k;
  return TRUE;
}

char *
fd_witness_db_id (FdStore    *store,
                  const char *db_path)
{
  static const char label[] = "audit-witness-id";
  g_autofree char *mac = fd_crypto_mac_hex (store->keys, label, strlen (label));
  char *resolved = realpath (db_path, NULL);
  g_autofree char *path = g_strescape (resolved ? resolved : db_path, NULL);

  free (resolved);
  /* A database made anew at the same place (a new key) is another one. */
  return g_strdup_printf ("key=%.16s db=%s", mac, path);
}

/* The head as the server anchored it: "SEQ:HASH:MAC" in the settings. */
static gboolean
read_head (FdStore  *store,
           gint64   *seq,
           char    **hash)
{
  g_autofree char *anchor = FD_STORE_CALL (store, get_setting, "audit.head");
  g_auto(GStrv) parts = NULL;
  guint64 n;

  *seq = 0;
  *hash = NULL;
  if (anchor == NULL)
    return TRUE;          /* an empty chain */
  parts = g_strsplit (anchor, ":", 3);
  if (g_strv_length (parts) != 3 ||
      !g_ascii_string_to_unsigned (parts[0], 10, 0, G_MAXINT64, &n, NULL))
    return FALSE;
  *seq = n;
  *hash = g_strdup (parts[1]);
  return TRUE;
}

static char *
format_record (const char *event,
               gint64      seq,
               const char *hash,
               const char *db_id)
{
  g_autofree char *at = fd_time_format_rfc3339 (g_get_real_time ());

  return g_strdup_printf (RECORD_MARKER "event=%s seq=%" G_GINT64_FORMAT " hash=%s at=%s %s",
                          event, seq, hash ? hash : "-", at, db_id);
}

static gboolean
append_line (const char  *path,
             const char  *line,
             GError     **error)
{
  g_autofree char *text = g_strconcat (line, "\n", NULL);
  size_t len = strlen (text), done = 0;
  int fd = open (path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0640);

  if (fd < 0)
    goto fail;
  while (done < len)
    {
      ssize_t n = write (fd, text + done, len - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        goto fail;
      done += n;
    }
  if (fdatasync (fd) != 0 && errno != EINVAL)
    goto fail;
  close (fd);
  return TRUE;

fail:
  {
    int saved = errno;
    if (fd >= 0)
      close (fd);
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                 "Cannot append to the audit witness file %s: %s", path, g_strerror (saved));
  }
  return FALSE;
}

static gboolean
emit (FdWitnessKind  kind,
      const char    *path,
      const char    *line,
      GError       **error)
{
  if (kind == FD_WITNESS_FILE)
    return append_line (path, line, error);
  /* journald reads /dev/log too; the identifier finds the records. */
  syslog (LOG_AUTHPRIV | LOG_NOTICE, "%s", line);
  return TRUE;
}

static void
write_record (FdWitness  *self,
              const char *event,
              gint64      seq,
              const char *hash)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *line = format_record (event, seq, hash, self->db_id);

  if (!emit (self->kind, self->path, line, &error))
    {
      if (!self->write_failed)
        g_warning ("Audit witness: %s", error->message);
      self->write_failed = TRUE;
      return;
    }
  if (self->write_failed)
    g_message ("Audit witness: writing again");
  self->write_failed = FALSE;
  self->last_seq = seq;
  g_free (self->last_hash);
  self->last_hash = g_strdup (hash);
}

/* The entry of @store at @seq (NULL when there is none) and the last seq. */
static FdAuditEntry *
entry_at (FdStore *store,
          gint64   seq,
          gint64  *last_seq)
{
  FdAuditQuery q = { .before_seq = 0, .limit = 1 };
  g_autoptr(GPtrArray) last = FD_STORE_CALL (store, audit_list, &q);
  g_autoptr(GPtrArray) at = NULL;

  *last_seq = last->len > 0 ? ((FdAuditEntry *) g_ptr_array_index (last, 0))->seq : 0;
  if (seq > *last_seq || seq < 1)
    return NULL;
  q.before_seq = seq + 1;
  at = FD_STORE_CALL (store, audit_list, &q);
  if (at->len == 0 || ((FdAuditEntry *) g_ptr_array_index (at, 0))->seq != seq)
    return NULL;
  return g_ptr_array_steal_index (at, 0);
}

static void
write_head (FdWitness  *self,
            const char *event,
            gboolean    only_if_moved,
            gint64      seq,
            const char *hash)
{
  if (only_if_moved && !self->write_failed && seq == self->last_seq &&
      g_strcmp0 (hash, self->last_hash) == 0)
    return;
  if (self->last_hash != NULL && self->last_seq > 0)
    {
      /* The head moved: the one witnessed before must still be in the
       * chain, or someone cut it back while the server ran. */
      g_autoptr(FdAuditEntry) before = NULL;
      gint64 last = 0;

      before = entry_at (self->store, self->last_seq, &last);
      if (before == NULL || g_strcmp0 (before->hash, self->last_hash) != 0)
        {
          g_autofree char *old_hash = g_strdup (self->last_hash);

          g_warning ("Audit witness: the audit log was rolled back while the server ran: seq %"
                     G_GINT64_FORMAT " is gone or changed", self->last_seq);
          write_record (self, "rollback", self->last_seq, old_hash);
        }
    }
  write_record (self, event, seq, hash);
}

static void
witness_head (FdWitness  *self,
              const char *event,
              gboolean    only_if_moved)
{
  g_autofree char *hash = NULL;
  gint64 seq;

  if (!read_head (self->store, &seq, &hash))
    g_warning ("Audit witness: the audit head anchor cannot be read");
  else
    write_head (self, event, only_if_moved, seq, hash);
}

typedef struct
{
  FdWitness *self;
  gint64     seq;
  char      *hash;
} Tick;

static void
tick_durable (gpointer data,
              gboolean durable)
{
  Tick *tick = data;

  /* a head whose sync failed may yet be lost: not witnessed */
  if (durable)
    write_head (tick->self, "tick", TRUE, tick->seq, tick->hash);
  g_free (tick->hash);
  g_free (tick);
}

static gboolean
tick_cb (gpointer user_data)
{
  FdWitness *self = user_data;
  Tick *tick;

  if (self->gate.when_durable == NULL)
    {
      witness_head (self, "tick", TRUE);
      return G_SOURCE_CONTINUE;
    }
  /* issue 13 (search13): witness only a head that is on disk: commit what
   * is open, read the head, write it once it is durable. */
  self->gate.before_read (self->gate.data);
  tick = g_new0 (Tick, 1);
  tick->self = self;
  if (!read_head (self->store, &tick->seq, &tick->hash))
    {
      g_warning ("Audit witness: the audit head anchor cannot be read");
      g_free (tick);
      return G_SOURCE_CONTINUE;
    }
  self->gate.when_durable (self->gate.data, tick_durable, tick);
  return G_SOURCE_CONTINUE;
}

void
fd_witness_set_gate (FdWitness           *self,
                     const FdWitnessGate *gate)
{
  if (self != NULL)
    self->gate = *gate;
}

static void
open_syslog (FdWitnessKind kind)
{
  static gboolean opened;

  if (kind == FD_WITNESS_JOURNAL && !g_file_test (JOURNAL_DIR, G_FILE_TEST_IS_DIR))
    g_warning ("Audit witness: no systemd journal on this host (%s is absent); the witness "
               "records go to /dev/log and may be lost. Set [server] audit-witness to "
               "syslog or file:PATH", JOURNAL_DIR);
  else if (kind == FD_WITNESS_SYSLOG && !g_file_test ("/dev/log", G_FILE_TEST_EXISTS))
    g_warning ("Audit witness: no syslog socket (/dev/log); the witness records are lost. "
               "Set [server] audit-witness to file:PATH");
  if (!opened)
    openlog (FD_WITNESS_IDENT, LOG_PID | LOG_NDELAY, LOG_AUTHPRIV);
  opened = TRUE;
}

FdWitness *
fd_witness_start (FdStore    *store,
                  const char *destination,
                  const char *db_path,
                  guint       interval_s)
{
  FdWitness *self;
  FdWitnessKind kind;
  char *path = NULL;

  if (!fd_witness_parse_destination (destination, &kind, &path, NULL) || kind == FD_WITNESS_OFF)
    return NULL;
  if (kind != FD_WITNESS_FILE)
    open_syslog (kind);

  self = g_new0 (FdWitness, 1);
  self->store = store;
  self->kind = kind;
  self->path = path;
  self->db_id = fd_witness_db_id (store, db_path);
  witness_head (self, "start", FALSE);
  self->timer_id = g_timeout_add_seconds (MAX (interval_s, 1), tick_cb, self);
  return self;
}

void
fd_witness_stop (FdWitness *self)
{
  if (self == NULL)
    return;
  g_clear_handle_id (&self->timer_id, g_source_remove);
  witness_head (self, "stop", FALSE);
  g_free (self->path);
  g_free (self->db_id);
  g_free (self->last_hash);
  g_free (self);
}

/* reading */

void
fd_witness_mark_clear (FdWitnessMark *mark)
{
  g_clear_pointer (&mark->hash, g_free);
  g_clear_pointer (&mark->at, g_free);
  g_clear_pointer (&mark->accepted_at, g_free);
  g_clear_pointer (&mark->source, g_free);
  g_clear_pointer (&mark->problem, g_free);
}

static gboolean
is_hex_hash (const char *s)
{
  if (strlen (s) != 64)
    return FALSE;
  for (const char *p = s; *p; p++)
    if (!g_ascii_isxdigit (*p))
      return FALSE;
  return TRUE;
}

/* RFC 3339 as the server writes it: nothing else reaches a terminal. */
static gboolean
is_time (const char *s)
{
  if (*s == '\0' || strlen (s) > 32)
    return FALSE;
  for (const char *p = s; *p; p++)
    if (!g_ascii_isdigit (*p) && strchr ("TZ:-", *p) == NULL)
      return FALSE;
  return TRUE;
}

/* One line: the record may sit anywhere in it (a syslog file prefixes
 * time, host and identifier). */
static void
scan_line (const char    *line,
           gsize          len,
           const char    *db_id,
           FdWitnessMark *mark)
{
  g_autofree char *copy = NULL;
  g_auto(GStrv) tokens = NULL;
  const char *event = NULL, *hash = NULL, *at = NULL, *seq_text = NULL;
  const char *start = g_strstr_len (line, len, RECORD_MARKER);
  char *db;
  guint64 seq;

  if (start == NULL)
    return;
  copy = g_strndup (start + strlen (RECORD_MARKER), len - (start - line) - strlen (RECORD_MARKER));
  g_strchomp (copy);
  db = strstr (copy, " key=");
  if (db == NULL || !g_str_equal (db + 1, db_id))
    return;
  *db = '\0';
  tokens = g_strsplit (copy, " ", 0);
  for (guint i = 0; tokens[i] != NULL; i++)
    {
      if (g_str_has_prefix (tokens[i], "event="))
        event = tokens[i] + 6;
      else if (g_str_has_prefix (tokens[i], "seq="))
        seq_text = tokens[i] + 4;
      else if (g_str_has_prefix (tokens[i], "hash="))
        hash = tokens[i] + 5;
      else if (g_str_has_prefix (tokens[i], "at="))
        at = tokens[i] + 3;
    }
  if (event == NULL || seq_text == NULL || hash == NULL || at == NULL || !is_time (at) ||
      !g_ascii_string_to_unsigned (seq_text, 10, 0, G_MAXINT64, &seq, NULL) ||
      !(is_hex_hash (hash) || (seq == 0 && g_str_equal (hash, "-"))))
    return;

  mark->records++;
  if (g_str_equal (event, "accept"))
    {
      /* A restore was accepted: start over from the head it names. */
      mark->accepted_seq = seq;
      g_free (mark->accepted_at);
      mark->accepted_at = g_strdup (at);
      mark->seq = -1;
      g_clear_pointer (&mark->problem, g_free);
      mark->problem_seq = 0;
    }
  if (mark->problem == NULL && g_str_equal (event, "rollback"))
    {
      mark->problem = g_strdup_printf ("rolled back: witness saw seq %" G_GINT64_FORMAT " (%s) "
                                       "replaced while the server ran", (gint64) seq, at);
      mark->problem_seq = seq;
    }
  else if (mark->problem == NULL && mark->seq >= 0 &&
           ((gint64) seq < mark->seq ||
            ((gint64) seq == mark->seq && !g_str_equal (hash, mark->hash))))
    {
      /* The head went back (or forked): witnesses are appended in time
       * order, so a later record cannot hide an earlier, higher one. */
      mark->problem = g_strdup_printf ("rolled back: witness saw seq %" G_GINT64_FORMAT " (%s), "
                                       "then seq %" G_GINT64_FORMAT " (%s)",
                                       mark->seq, mark->at, (gint64) seq, at);
      mark->problem_seq = MIN ((gint64) seq + 1, mark->seq);
    }
  if ((gint64) seq > mark->seq)
    {
      mark->seq = seq;
      g_free (mark->hash);
      mark->hash = g_strdup (hash);
      g_free (mark->at);
      mark->at = g_strdup (at);
    }
}

static void
scan_text (const char    *text,
           gsize          len,
           const char    *db_id,
           FdWitnessMark *mark)
{
  const char *p = text, *end = text + len;

  while (p < end)
    {
      const char *nl = memchr (p, '\n', end - p);
      const char *line_end = nl ? nl : end;

      scan_line (p, line_end - p, db_id, mark);
      p = line_end + 1;
    }
}

static gboolean
read_file (const char     *file,
           const char     *db_id,
           FdWitnessMark  *mark,
           GError        **error)
{
  FILE *in;
  char *line = NULL;
  size_t size = 0;
  ssize_t len;
  int saved;

  /* Line by line: a year of records is about 100 MB. "-" is standard
   * input: a pipe from journalctl belongs to the calling user, so the
   * service user could not reopen it as /dev/stdin. */
  mark->source = g_strdup (g_str_equal (file, "-") ? "standard input" : file);
  in = g_str_equal (file, "-") ? stdin : fopen (file, "re");
  if (in == NULL)
    {
      saved = errno;
      if (saved == ENOENT)
        {
          mark->state = FD_WITNESS_READ_NONE;
          return TRUE;
        }
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "Cannot read %s: %s", file, g_strerror (saved));
      return FALSE;
    }
  while ((len = getline (&line, &size, in)) >= 0)
    scan_line (line, len, db_id, mark);
  saved = errno;
  free (line);
  if (ferror (in))
    {
      if (in != stdin)
        fclose (in);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "Cannot read %s: %s", file, g_strerror (saved));
      return FALSE;
    }
  if (in != stdin)
    fclose (in);
  return TRUE;
}

static gboolean
read_journal (const char     *db_id,
              FdWitnessMark  *mark,
              GError        **error)
{
  g_autofree char *journalctl = g_find_program_in_path ("journalctl");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *argv[] = { NULL, "-t", FD_WITNESS_IDENT, "-o", "cat", "-q", "--no-pager", NULL };
  int status;

  mark->source = g_strdup ("the journal (journalctl -t " FD_WITNESS_IDENT ")");
  if (journalctl == NULL || !g_file_test (JOURNAL_DIR, G_FILE_TEST_IS_DIR))
    {
      mark->state = FD_WITNESS_READ_UNAVAILABLE;
      return TRUE;
    }
  argv[0] = journalctl;
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDIN_FROM_DEV_NULL, NULL, NULL,
                     &out, &err, &status, error))
    return FALSE;
  if (!g_spawn_check_wait_status (status, NULL))
    {
      g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL, "journalctl failed: %s",
                   err != NULL ? g_strchomp (err) : "");
      return FALSE;
    }
  scan_text (out, strlen (out), db_id, mark);
  return TRUE;
}

gboolean
fd_witness_read (const char     *destination,
                 const char     *file,
                 const char     *db_id,
                 FdWitnessMark  *mark,
                 GError        **error)
{
  g_autofree char *path = NULL;
  FdWitnessKind kind = FD_WITNESS_FILE;
  gboolean ok;

  memset (mark, 0, sizeof *mark);
  mark->seq = -1;
  mark->accepted_seq = -1;
  mark->state = FD_WITNESS_READ_NONE;
  if (file == NULL && !fd_witness_parse_destination (destination, &kind, &path, error))
    return FALSE;
  if (kind == FD_WITNESS_OFF)
    {
      mark->state = FD_WITNESS_READ_UNAVAILABLE;
      mark->source = g_strdup ("nothing (audit-witness=off)");
      return TRUE;
    }
  if (kind == FD_WITNESS_FILE)
    ok = read_file (file ? file : path, db_id, mark, error);
  else
    ok = read_journal (db_id, mark, error);
  if (ok && mark->state == FD_WITNESS_READ_NONE && mark->seq >= 0)
    mark->state = FD_WITNESS_READ_FOUND;
  return ok;
}

char *
fd_witness_check (FdStore             *store,
                  const FdWitnessMark *mark,
                  gint64              *first_bad)
{
  g_autoptr(FdAuditEntry) entry = NULL;
  gint64 last_seq = 0;

  *first_bad = 0;
  if (mark->state != FD_WITNESS_READ_FOUND)
    return NULL;
  if (mark->problem != NULL)
    {
      *first_bad = MAX (mark->problem_seq, 1);
      return g_strdup (mark->problem);
    }
  if (mark->seq <= 0)
    return NULL;
  entry = entry_at (store, mark->seq, &last_seq);
  if (last_seq < mark->seq)
    {
      *first_bad = last_seq + 1;
      return g_strdup_printf ("rolled back: witness saw seq %" G_GINT64_FORMAT " (%s), "
                              "database ends at seq %" G_GINT64_FORMAT,
                              mark->seq, mark->at, last_seq);
    }
  if (entry == NULL || g_strcmp0 (entry->hash, mark->hash) != 0)
    {
      *first_bad = mark->seq;
      return g_strdup_printf ("rolled back: witness saw seq %" G_GINT64_FORMAT " (%s) with "
                              "another hash than the database's entry %" G_GINT64_FORMAT,
                              mark->seq, mark->at, mark->seq);
    }
  return NULL;
}

gboolean
fd_witness_accept (FdStore     *store,
                   const char  *destination,
                   const char  *file,
                   const char  *db_path,
                   GError     **error)
{
  g_autofree char *path = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *db_id = fd_witness_db_id (store, db_path);
  g_autofree char *line = NULL;
  FdWitnessKind kind = FD_WITNESS_FILE;
  gint64 seq;

  if (file == NULL && !fd_witness_parse_destination (destination, &kind, &path, error))
    return FALSE;
  if (kind == FD_WITNESS_OFF)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG, "audit-witness is off: nothing to accept");
      return FALSE;
    }
  if (!read_head (store, &seq, &hash))
    {
      g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL, "The audit head anchor cannot be read");
      return FALSE;
    }
  line = format_record ("accept", seq, hash, db_id);
  if (kind != FD_WITNESS_FILE)
    open_syslog (kind);
  return emit (kind, file ? file : path, line, error);
}
