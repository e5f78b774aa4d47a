/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Checking a pg_dump archive: pg_restore reads it, its key check value, its audit chain. */

/* fd-cli-pg-dump.c: the check backup and restore make of a dump on
 * PostgreSQL — pg_restore --list reads it; the dump's key check value is
 * the key file's; its audit chain, read back from the dump (pg_restore
 * --data-only, no database needed), links up and ends at the head the key
 * anchors. */

#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "fd-cli-pg.h"
#include "fd-crypto.h"
#include "fd-error.h"
#include "fd-store-engine.h"

#define GENESIS_HASH "0000000000000000000000000000000000000000000000000000000000000000"

/* What a dump says about itself. */
typedef struct
{
  char      *key_check;
  gint64     schema_version;
  gint64     head_seq;
  char      *head_hash;
  char      *head_mac;
  GPtrArray *entries;       /* FdAuditEntry */
} DumpFacts;

static void
dump_facts_clear (DumpFacts *facts)
{
  g_clear_pointer (&facts->key_check, g_free);
  g_clear_pointer (&facts->head_hash, g_free);
  g_clear_pointer (&facts->head_mac, g_free);
  g_clear_pointer (&facts->entries, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DumpFacts, dump_facts_clear)

/* One field of COPY's text format; NULL for \N. */
static char *
copy_field (const char *text)
{
  GString *out;

  if (g_str_equal (text, "\\N"))
    return NULL;
  out = g_string_sized_new (strlen (text));
  for (const char *c = text; *c != '\0'; c++)
    {
      if (*c != '\\' || c[1] == '\0')
        {
          g_string_append_c (out, *c);
          continue;
        }
      switch (*++c)
        {
        case 'n': g_string_append_c (out, '\n'); break;
        case 'r': g_string_append_c (out, '\r'); break;
        case 't': g_string_append_c (out, '\t'); break;
        case 'b': g_string_append_c (out, '\b'); break;
        case 'f': g_string_append_c (out, '\f'); break;
        case 'v': g_string_append_c (out, '\v'); break;
        default: g_string_append_c (out, *c); break;
        }
    }
  return g_string_free (out, FALSE);
}

static int
column_index (char      **columns,
              const char *name)
{
  for (int i = 0; columns != NULL && columns[i] != NULL; i++)
    if (g_str_equal (g_strstrip (columns[i]), name))
      return i;
  return -1;
}

static char *
field_at (char      **fields,
          char      **columns,
          const char *name)
{
  int i = column_index (columns, name);

  return i >= 0 && i < (int) g_strv_length (fields) ? copy_field (fields[i]) : NULL;
}

static gint64
int_at (char      **fields,
        char      **columns,
        const char *name)
{
  g_autofree char *text = field_at (fields, columns, name);

  return text != NULL ? g_ascii_strtoll (text, NULL, 10) : 0;
}

/* One row of the COPY block of @table. */
static void
read_row (DumpFacts   *facts,
          const char  *table,
          char       **columns,
          const char  *line)
{
  g_auto(GStrv) f = g_strsplit (line, "\t", -1);

  if (g_str_equal (table, "settings"))
    {
      g_autofree char *key = field_at (f, columns, "key");

      if (g_strcmp0 (key, "key.check") == 0)
        {
          g_free (facts->key_check);
          facts->key_check = field_at (f, columns, "value");
        }
    }
  else if (g_str_equal (table, "frontdesk_schema"))
    facts->schema_version = int_at (f, columns, "version");
  else if (g_str_equal (table, "audit_head"))
    {
      facts->head_seq = int_at (f, columns, "seq");
      g_free (facts->head_hash);
      facts->head_hash = field_at (f, columns, "hash");
      g_free (facts->head_mac);
      facts->head_mac = field_at (f, columns, "mac");
    }
  else if (g_str_equal (table, "audit_log"))
    {
      FdAuditEntry *e = g_new0 (FdAuditEntry, 1);

      e->seq = int_at (f, columns, "seq");
      e->at = field_at (f, columns, "at");
      e->actor = field_at (f, columns, "actor");
      e->actor_id = int_at (f, columns, "actor_id");
      e->role = field_at (f, columns, "role");
      e->session_hash = field_at (f, columns, "session_hash");
      e->workstation = field_at (f, columns, "workstation");
      e->ip = field_at (f, columns, "ip");
      e->action = field_at (f, columns, "action");
      e->target = field_at (f, columns, "target");
      e->field = field_at (f, columns, "field");
      e->reason_code = field_at (f, columns, "reason_code");
      e->reason_text = field_at (f, columns, "reason_text");
      e->outcome = field_at (f, columns, "outcome");
      e->prev_hash = field_at (f, columns, "prev_hash");
      e->hash = field_at (f, columns, "hash");
      e->estate_id = int_at (f, columns, "estate_id");
      g_ptr_array_add (facts->entries, e);
    }
}

/* Reads the data of a few tables back out of the dump at @path with
 * pg_restore (no database needed), streamed. */
static gboolean
read_dump (const char  *path,
           DumpFacts   *facts,
           GError     **error)
{
  g_autofree char *tool = fd_cli_pg_find_tool ("pg_restore", error);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GDataInputStream) in = NULL;
  g_autofree char *table = NULL;
  g_auto(GStrv) columns = NULL;
  g_autoptr(GBytes) err = NULL;
  char *line;

  memset (facts, 0, sizeof *facts);
  facts->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_audit_entry_free);
  if (tool == NULL)
    return FALSE;
  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, error,
                           tool, "--data-only", "--file=-", "--table=settings",
                           "--table=frontdesk_schema", "--table=audit_head",
                           "--table=audit_log", "--", path, NULL);
  if (proc == NULL)
    return FALSE;
  in = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  while ((line = g_data_input_stream_read_line (in, NULL, NULL, NULL)) != NULL)
    {
      if (table != NULL && g_str_equal (line, "\\."))
        g_clear_pointer (&table, g_free);
      else if (table != NULL)
        read_row (facts, table, columns, line);
      else if (g_str_has_prefix (line, "COPY ") && strchr (line, '(') != NULL)
        {
          /* COPY public.audit_log (estate_id, seq, …) FROM stdin; */
          const char *name = line + 5, *dot = strchr (name, '.'), *open = strchr (line, '(');
          g_autofree char *list = g_strndup (open + 1, strcspn (open + 1, ")"));

          if (dot != NULL && dot < open)
            name = dot + 1;
          table = g_strndup (name, strcspn (name, " "));
          g_strfreev (columns);
          columns = g_strsplit (list, ",", -1);
        }
      g_free (line);
    }
  /* stderr after stdout: pg_restore's messages are short */
  err = g_input_stream_read_bytes (g_subprocess_get_stderr_pipe (proc), 4096, NULL, NULL);
  if (!g_subprocess_wait_check (proc, NULL, NULL))
    {
      g_autofree char *msg = err != NULL ? g_strndup (g_bytes_get_data (err, NULL),
                                                      g_bytes_get_size (err)) : NULL;
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG, "%s is not a readable pg_dump archive: %s",
                   path, msg != NULL && *msg != '\0' ? g_strchomp (msg) : "pg_restore failed");
      return FALSE;
    }
  return TRUE;
}

static gint
compare_seq (gconstpointer a,
             gconstpointer b)
{
  const FdAuditEntry *x = *(FdAuditEntry * const *) a, *y = *(FdAuditEntry * const *) b;

  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

gboolean
fd_cli_pg_check_dump (const char  *path,
                      FdKeys      *keys,
                      gint64      *entries,
                      gint64      *schema_version,
                      GError     **error)
{
  g_auto(DumpFacts) facts = { 0 };
  g_autofree char *check = fd_keys_check_value (keys);
  g_autofree char *prev = g_strdup (GENESIS_HASH), *mac = NULL;
  const char *list[] = { "pg_restore", "--list", "--", path, NULL };
  FdCliPgLogin none = { 0 };

  if (!fd_cli_pg_run_tool (list, &none, error) || !read_dump (path, &facts, error))
    return FALSE;
  if (facts.schema_version == 0)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG, "%s holds no Front Desk database", path);
      return FALSE;
    }
  if (facts.key_check == NULL || !fd_const_time_equal (facts.key_check, check))
    {
      g_set_error (error, FD_STORE_WRONG_KEY_ERROR, 0, "its key check value differs");
      return FALSE;
    }
  g_ptr_array_sort (facts.entries, compare_seq);
  for (guint i = 0; i < facts.entries->len; i++)
    {
      FdAuditEntry *e = facts.entries->pdata[i];
      g_autofree char *hash = fd_audit_entry_compute_hash (e);

      if (e->seq != (gint64) i + 1 || g_strcmp0 (e->prev_hash, prev) != 0 ||
          g_strcmp0 (e->hash, hash) != 0)
        {
          g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL,
                       "%s: the audit chain is broken at seq %" G_GINT64_FORMAT, path,
                       MIN (e->seq, (gint64) i + 1));
          return FALSE;
        }
      g_free (prev);
      prev = g_strdup (e->hash);
    }
  if (facts.head_seq > 0)
    mac = fd_engine_audit_anchor_mac (keys, facts.head_seq, facts.head_hash);
  if (facts.head_seq != (gint64) facts.entries->len ||
      (facts.head_seq > 0 && (g_strcmp0 (facts.head_hash, prev) != 0 || facts.head_mac == NULL ||
                              !fd_const_time_equal (mac, facts.head_mac))))
    {
      g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL,
                   "%s: the audit chain's head (seq %" G_GINT64_FORMAT ") does not match its "
                   "%u entries or its keyed anchor", path, facts.head_seq, facts.entries->len);
      return FALSE;
    }
  *entries = facts.entries->len;
  *schema_version = facts.schema_version;
  return TRUE;
}
