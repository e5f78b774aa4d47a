/* SPDX-License-Identifier: GPL-3.0-or-later */
/* backup and restore on PostgreSQL: pg_dump -Fc, checked, and pg_restore in one transaction. */

/* fd-cli-backup-pg.c: frontdesk-server backup | restore, store = postgresql
 *
 * backup: pg_dump -Fc as the configured login (one snapshot: the servers
 * keep serving), with row-level security on and frontdesk.estate = '*'
 * (the server role bypasses nothing), into DIR/.frontdesk-STAMP.dump.partial
 * (mode 0600), checked — pg_restore --list reads it; the dump's key check
 * value is the key file's; its audit chain, read back from the dump, links
 * up and ends at the head the key anchors — then renamed to
 * DIR/frontdesk-STAMP.dump and the oldest generations pruned. The data key
 * is never in it.
 *
 * restore: checks a dump the same way (refusing one made under another
 * key, or with a broken chain, before anything changes), refuses while
 * any frontdesk-server connection is open on the database (the SQLite
 * rule: stop the service), then pg_restore --clean --single-transaction
 * logged in as the tables' owner (the server role may not drop tables nor
 * delete audit entries): all or nothing. The server role's grants are
 * applied again, and the restore is audited under the key.
 *
 * Passwords never reach a command line or the environment: the tools get
 * a connection string without one, and PGPASSFILE names a temporary file
 * (mode 0600, in the backup directory, or the temporary directory for a
 * restore) that is overwritten and removed when they end. */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "fd-cli-pg.h"
#include "fd-crypto.h"
#include "fd-seed.h"
#include "fd-store-engine.h"
#include "fd-store-pg-private.h"

#define EXIT_CHECK 1
#define EXIT_USAGE 2
#define DUMP_PATTERN "^frontdesk-[0-9]{8}-[0-9]{6}\\.dump$"
#define GENESIS_HASH "0000000000000000000000000000000000000000000000000000000000000000"

/* A tool's connection: the string without its password, every estate
 * readable under row-level security; the password in a file of its own. */
typedef struct
{
  char *conninfo;
  char *passfile;     /* NULL when there is no password */
} ToolLogin;

static void
tool_login_clear (ToolLogin *login)
{
  if (login->passfile != NULL)
    {
      static const char zeros[256];
      int fd = open (login->passfile, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);

      if (fd >= 0)
        {
          if (write (fd, zeros, sizeof zeros) == (ssize_t) sizeof zeros)
            fsync (fd);
          close (fd);
        }
      g_unlink (login->passfile);
    }
  g_clear_pointer (&login->passfile, g_free);
  fd_secret_free (g_steal_pointer (&login->conninfo));
}

static void
append_value (GString    *out,
              const char *keyword,
              const char *value)
{
  g_string_append_printf (out, "%s%s='", out->len > 0 ? " " : "", keyword);
  for (const char *c = value; *c != '\0'; c++)
    {
      if (*c == '\'' || *c == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *c);
    }
  g_string_append_c (out, '\'');
}

/* @conninfo (with @password, NULL to take the string's own) for pg_dump
 * and pg_restore: *@login gets the string without the password and a
 * passfile in @dir (0700) holding it. */
static gboolean
tool_login_init (ToolLogin   *login,
                 const char  *conninfo,
                 const char  *password,
                 const char  *dir,
                 GError     **error)
{
  PQconninfoOption *opts = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GString) line = NULL;
  g_autofree char *options = NULL;
  const char *inline_password = NULL;
  int fd;

  memset (login, 0, sizeof *login);
  /* parses it (saying what is wrong), and the remote-host rule */
  if (!fd_store_pg_check_conninfo (conninfo, error))
    return FALSE;
  if ((opts = PQconninfoParse (conninfo, NULL)) == NULL)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG, "Out of memory");
      return FALSE;
    }
  for (PQconninfoOption *o = opts; o->keyword != NULL; o++)
    {
      if (o->val == NULL)
        continue;
      if (g_str_equal (o->keyword, "password"))
        inline_password = o->val;
      else if (g_str_equal (o->keyword, "options"))
        options = g_strdup (o->val);
      else
        append_value (out, o->keyword, o->val);
    }
  /* the policies let a '*' scope see every estate (fd-store-pg-schema.c) */
  {
    g_autofree char *all = g_strconcat (options ? options : "", options ? " " : "",
                                        "-c frontdesk.estate=*", NULL);
    append_value (out, "options", all);
  }
  if (password == NULL)
    password = inline_password;
  login->conninfo = g_string_free (g_steal_pointer (&out), FALSE);
  if (password == NULL || *password == '\0')
    {
      PQconninfoFree (opts);
      return TRUE;
    }
  /* host:port:database:user:password, ':' and '\' escaped */
  line = g_string_new ("*:*:*:*:");
  for (const char *c = password; *c != '\0'; c++)
    {
      if (*c == ':' || *c == '\\')
        g_string_append_c (line, '\\');
      g_string_append_c (line, *c);
    }
  g_string_append_c (line, '\n');
  PQconninfoFree (opts);
  login->passfile = g_build_filename (dir, ".frontdesk-pgpass-XXXXXX", NULL);
  fd = g_mkstemp_full (login->passfile, O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0 || write (fd, line->str, line->len) != (ssize_t) line->len)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "Cannot write a password file in %s: %s", dir, g_strerror (saved));
      if (fd >= 0)
        close (fd);
      explicit_bzero (line->str, line->len);
      tool_login_clear (login);
      return FALSE;
    }
  close (fd);
  explicit_bzero (line->str, line->len);
  return TRUE;
}

static char **
tool_environ (const ToolLogin *login)
{
  char **env = g_get_environ ();

  env = g_environ_unsetenv (env, "PGPASSWORD");
  env = g_environ_unsetenv (env, "PGOPTIONS");
  if (login->passfile != NULL)
    env = g_environ_setenv (env, "PGPASSFILE", login->passfile, TRUE);
  else
    env = g_environ_unsetenv (env, "PGPASSFILE");
  return env;
}

static char *
find_tool (const char  *name,
           GError     **error)
{
  char *path = g_find_program_in_path (name);

  if (path == NULL)
    g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                 "%s is not installed (or not on PATH): install PostgreSQL's client programs "
                 "(Debian: apt install postgresql-client), of the server's major version or "
                 "newer", name);
  return path;
}

/* Runs @argv (argv[0] a tool name) to its end; its standard error goes
 * into @error when it fails. */
static gboolean
run_tool (const char  *const *argv,
          const ToolLogin     *login,
          GError             **error)
{
  g_autofree char *tool = find_tool (argv[0], error);
  g_auto(GStrv) env = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  int status = 0;

  if (tool == NULL)
    return FALSE;
  env = tool_environ (login);
  g_ptr_array_add (args, tool);
  for (guint i = 1; argv[i] != NULL; i++)
    g_ptr_array_add (args, (char *) argv[i]);
  g_ptr_array_add (args, NULL);
  if (!g_spawn_sync (NULL, (char **) args->pdata, env, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                     NULL, &err, &status, &local_error))
    {
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG, "Cannot run %s: %s", argv[0],
                   local_error->message);
      return FALSE;
    }
  if (!g_spawn_check_wait_status (status, NULL))
    {
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG, "%s failed: %s", argv[0],
                   err != NULL && *err != '\0' ? g_strchomp (err) : "no message");
      return FALSE;
    }
  return TRUE;
}

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
  g_autofree char *tool = find_tool ("pg_restore", error);
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

/* The dump at @path: pg_restore --list reads it; its key check value is
 * @keys'; its audit chain links up from the genesis to the head, and the
 * head's keyed anchor is @keys'. *@entries gets the chain's length.
 * FD_STORE_WRONG_KEY_ERROR for another key. */
static gboolean
check_dump (const char  *path,
            FdKeys      *keys,
            gint64      *entries,
            gint64      *schema_version,
            GError     **error)
{
  g_auto(DumpFacts) facts = { 0 };
  g_autofree char *check = fd_keys_check_value (keys);
  g_autofree char *prev = g_strdup (GENESIS_HASH), *mac = NULL;
  const char *list[] = { "pg_restore", "--list", "--", path, NULL };
  ToolLogin none = { 0 };

  if (!run_tool (list, &none, error) || !read_dump (path, &facts, error))
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

static char *
read_password (const char  *path,
               GError     **error,
               gboolean    *ok)
{
  char *password = NULL;

  *ok = TRUE;
  if (path != NULL && (password = fd_store_pg_read_password_file (path, error)) == NULL)
    *ok = FALSE;
  return password;
}

int
fd_cli_backup_pg (FdConfig   *config,
                  const char *dir,
                  guint       keep)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *stamp = fd_cli_timestamp ();
  g_autofree char *name = g_strdup_printf ("frontdesk-%s.dump", stamp);
  g_autofree char *final = g_build_filename (dir, name, NULL);
  g_autofree char *partial = g_strdup_printf ("%s/.%s.partial", dir, name);
  g_autofree char *where = fd_store_pg_database_name (config->database);
  g_autofree char *file_arg = g_strconcat ("--file=", partial, NULL);
  g_autofree char *db_arg = NULL, *detail = NULL;
  ToolLogin login = { 0 };
  FdStore *store = NULL;
  FdKeys *keys = NULL;
  gint64 entries = 0, version = 0;
  char *password;
  gboolean ok;
  int rc = EXIT_USAGE, fd;

  if (!fd_cli_prepare_backup_dir (dir, &error))
    goto out;
  /* Opening the live store checks the login and that the key file is the database's. */
  if ((store = fd_cli_open_store (config, FALSE, &error)) == NULL)
    goto out;
  password = read_password (config->database_password_file, &error, &ok);
  ok = ok && tool_login_init (&login, config->database, password, dir, &error);
  fd_secret_free (password);
  if (!ok)
    goto out;
  if (g_file_test (final, G_FILE_TEST_EXISTS))
    {
      g_set_error (&error, FD_ERROR, FD_ERROR_CONFIG, "%s exists already; try again in a second",
                   final);
      goto out;
    }
  g_unlink (partial);
  fd = open (partial, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (&error, G_FILE_ERROR, g_file_error_from_errno (saved), "Cannot create %s: %s",
                   partial, g_strerror (saved));
      goto out;
    }
  close (fd);
  db_arg = g_strconcat ("--dbname=", login.conninfo, NULL);
  {
    const char *argv[] = { "pg_dump", "--format=custom", "--no-password",
                           "--enable-row-security", file_arg, db_arg, NULL };

    if (!run_tool (argv, &login, &error))
      {
        g_unlink (partial);
        goto out;
      }
  }
  g_print ("backup: dumped %s with pg_dump -Fc (one snapshot; the service kept serving)\n",
           where);

  keys = fd_keys_load (config->key_file, FALSE, &error);
  if (keys == NULL)
    {
      g_unlink (partial);
      goto out;
    }
  if (!check_dump (partial, keys, &entries, &version, &error))
    {
      g_printerr ("frontdesk-server: the copy fails its check, removed: %s\n", error->message);
      g_clear_error (&error);
      g_unlink (partial);
      rc = EXIT_CHECK;
      goto out;
    }
  /* durable before it takes its name */
  fd = open (partial, O_RDONLY | O_CLOEXEC);
  if (fd < 0 || fsync (fd) != 0 || g_rename (partial, final) != 0)
    {
      int saved = errno;
      g_set_error (&error, G_FILE_ERROR, g_file_error_from_errno (saved), "Cannot write %s: %s",
                   final, g_strerror (saved));
      if (fd >= 0)
        close (fd);
      g_unlink (partial);
      goto out;
    }
  close (fd);
  fd_cli_sync_parent (final);
  g_print ("backup: wrote %s (mode 0600)\n", final);
  g_print ("backup: verified: pg_restore reads it, audit chain ok (%" G_GINT64_FORMAT
           " entries, head anchored under the key), key check value matches %s\n", entries,
           config->key_file);
  g_print ("backup: the data key is NOT in the backup: keep a copy of %s apart from it; "
           "without that key the backup cannot be read\n", config->key_file);
  detail = g_strdup_printf ("verified pg_dump, %" G_GINT64_FORMAT " audit entries, key not "
                            "included", entries);
  if (!fd_seed_audit_cli (store, "backup", name, detail, &error))
    {
      g_prefix_error (&error, "the backup was written but could not be audited: ");
      goto out;
    }
  fd_cli_prune_backups (dir, keep, DUMP_PATTERN);
  rc = 0;

out:
  if (error != NULL)
    g_printerr ("frontdesk-server: %s\n", error->message);
  tool_login_clear (&login);
  g_clear_pointer (&keys, fd_keys_free);
  g_clear_pointer (&store, fd_store_close);
  return rc;
}

/* The schema version of @conn's database; 0 when it has none (empty). */
static gint64
database_version (PGconn *conn)
{
  PGresult *res = PQexec (conn, "SELECT version FROM frontdesk_schema WHERE id = 1");
  gint64 version = 0;

  if (PQresultStatus (res) == PGRES_TUPLES_OK && PQntuples (res) == 1)
    version = g_ascii_strtoll (PQgetvalue (res, 0, 0), NULL, 10);
  PQclear (res);
  return version;
}

int
fd_cli_restore_pg (FdConfig   *config,
                   const char *from,
                   const char *owner_conninfo,
                   const char *owner_password_file)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *where = fd_store_pg_database_name (config->database);
  g_autofree char *db_arg = NULL, *base = NULL, *detail = NULL;
  ToolLogin login = { 0 };
  FdStore *store = NULL;
  FdKeys *keys = NULL;
  PGconn *conn = NULL;
  gint64 entries = 0, version = 0, current;
  char *password = NULL;
  gboolean ok;
  int rc = EXIT_USAGE;

  if (owner_conninfo == NULL)
    owner_conninfo = config->database;
  if (owner_password_file == NULL && owner_conninfo == config->database)
    owner_password_file = config->database_password_file;
  if (!g_file_test (from, G_FILE_TEST_IS_REGULAR) || g_access (from, R_OK) != 0)
    {
      g_set_error (&error, FD_ERROR, FD_ERROR_CONFIG, "no readable backup file at %s", from);
      goto out;
    }
  if (!fd_crypto_init (&error) ||
      (keys = fd_keys_load (config->key_file, FALSE, &error)) == NULL)
    goto out;

  /* The dump, checked before anything else changes. */
  if (!check_dump (from, keys, &entries, &version, &error))
    {
      fd_cli_print_restore_refusal (from, config->key_file, error);
      g_clear_error (&error);
      rc = EXIT_CHECK;
      goto out;
    }
  g_print ("restore: checked %s: pg_restore reads it, audit chain ok (%" G_GINT64_FORMAT
           " entries), key check value matches %s\n", from, entries, config->key_file);

  /* The tables' owner: the server role may neither drop tables nor
   * delete audit entries. */
  password = read_password (owner_password_file, &error, &ok);
  if (ok)
    conn = fd_pg_connect (owner_conninfo, password, &error);
  if (conn == NULL)
    {
      fd_secret_free (password);
      goto out;
    }
  current = database_version (conn);
  if (current != 0 && current != version)
    {
      g_set_error (&error, FD_ERROR, FD_ERROR_CONFIG,
                   "refused: the backup's schema is version %" G_GINT64_FORMAT " and the "
                   "database's %" G_GINT64_FORMAT ". Nothing was changed. Restore it with the "
                   "frontdesk-server that made it, or into an empty database", version, current);
      fd_secret_free (password);
      goto out;
    }
  if (!fd_cli_pg_check_nobody_else (conn, "restore", &error))
    {
      g_prefix_error (&error, "refused: ");
      fd_secret_free (password);
      goto out;
    }
  g_print ("restore: no server has %s open (no other frontdesk-server connection)\n", where);
  /* the temporary directory: FILE's may be read-only or shared */
  ok = tool_login_init (&login, owner_conninfo, password, g_get_tmp_dir (), &error);
  fd_secret_free (password);
  if (!ok)
    goto out;
  db_arg = g_strconcat ("--dbname=", login.conninfo, NULL);
  {
    const char *argv[] = { "pg_restore", "--clean", "--if-exists", "--no-owner",
                           "--no-privileges", "--single-transaction", "--exit-on-error",
                           "--no-password", db_arg, "--", from, NULL };

    if (!run_tool (argv, &login, &error))
      {
        g_prefix_error (&error, "nothing was changed (one transaction, rolled back): ");
        goto out;
      }
  }
  g_print ("restore: put the backup in place in %s with pg_restore, in one transaction\n",
           where);
  /* the server role's grants (pg_restore left the dump's out) */
  if (!fd_pg_migrate (conn, NULL, NULL, &error))
    {
      g_prefix_error (&error, "the backup is in place, but the server role's grants are not: "
                      "run `frontdesk-server migrate` as the owner: ");
      goto out;
    }
  g_clear_pointer (&conn, PQfinish);

  store = fd_cli_open_store (config, FALSE, &error);
  base = g_path_get_basename (from);
  detail = g_strdup_printf ("restored from a backup of %" G_GINT64_FORMAT " audit entries",
                            entries);
  if (store == NULL || !fd_seed_audit_cli (store, "restore", base, detail, &error))
    {
      g_prefix_error (&error, "the backup is in place but could not be audited: ");
      goto out;
    }
  g_print ("restore: next: `frontdesk-server audit verify` names the rollback to the backup "
           "(the entries written since it are gone); check it, then record the new start with "
           "`frontdesk-server audit accept-restore` (same --config) and start the service\n");
  rc = 0;

out:
  if (error != NULL)
    g_printerr ("frontdesk-server: %s\n", error->message);
  tool_login_clear (&login);
  g_clear_pointer (&conn, PQfinish);
  g_clear_pointer (&keys, fd_keys_free);
  g_clear_pointer (&store, fd_store_close);
  return rc;
}
