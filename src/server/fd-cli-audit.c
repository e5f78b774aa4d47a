/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The audit commands: verify the chain and its witness, accept a restore. */

#include "config.h"

#include "fd-cli.h"
#include "fd-witness.h"

/* Says on standard error what the witness check could not see. */
static void
note_witness (const FdWitnessMark *mark)
{
  if (mark->state == FD_WITNESS_READ_UNAVAILABLE)
    g_printerr ("note: no audit witness read from %s; a rollback cannot be seen "
                "(name the records with --witness FILE)\n", mark->source);
  else if (mark->state == FD_WITNESS_READ_NONE)
    g_printerr ("note: no audit witness of this database in %s; a rollback cannot be seen\n",
                mark->source);
  if (mark->accepted_seq >= 0)
    g_printerr ("note: a restore was accepted at %s (seq %" G_GINT64_FORMAT "); witnesses "
                "before it do not count\n", mark->accepted_at, mark->accepted_seq);
}

static int
audit_verify_with_witness (FdConfig   *config,
                           FdStore    *store,
                           const char *witness_file)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db_id = NULL;
  g_autofree char *rollback = NULL;
  FdWitnessMark mark = { 0 };
  gint64 entries_n = 0, first_bad = 0, witness_bad = 0;
  gboolean ok;

  ok = FD_STORE_CALL (store, audit_verify, &entries_n, &first_bad, &error);
  if (!ok && first_bad == 0)
    {
      g_printerr ("frontdesk-server: %s\n", error ? error->message : "cannot read the audit log");
      return FD_CLI_EXIT_USAGE;
    }
  db_id = fd_witness_db_id (store, config->db_path);
  if (!fd_witness_read (config->audit_witness, witness_file, db_id, &mark, &error))
    {
      g_printerr ("frontdesk-server: cannot read the audit witness: %s\n", error->message);
      fd_witness_mark_clear (&mark);
      return FD_CLI_EXIT_USAGE;
    }
  rollback = fd_witness_check (store, &mark, &witness_bad);
  note_witness (&mark);
  fd_witness_mark_clear (&mark);

  if (!ok)
    g_print ("broken at seq %" G_GINT64_FORMAT " (%" G_GINT64_FORMAT " entries)\n",
             first_bad, entries_n);
  if (rollback != NULL)
    g_print ("%s\n", rollback);
  if (ok && rollback == NULL)
    {
      g_print ("ok %" G_GINT64_FORMAT " entries\n", entries_n);
      return 0;
    }
  return 1;
}

/* After a restore from a backup the database ends before the witnessed
 * head, rightly: an operator records that this is the new start. */
static int
audit_accept_restore (FdConfig   *config,
                      FdStore    *store,
                      const char *witness_file)
{
  g_autoptr(GError) error = NULL;
  gint64 entries_n = 0, first_bad = 0;

  if (!FD_STORE_CALL (store, audit_verify, &entries_n, &first_bad, &error))
    {
      if (first_bad == 0)
        {
          g_printerr ("frontdesk-server: %s\n",
                      error ? error->message : "cannot read the audit log");
          return FD_CLI_EXIT_USAGE;
        }
      g_print ("broken at seq %" G_GINT64_FORMAT " (%" G_GINT64_FORMAT " entries): not accepted\n",
               first_bad, entries_n);
      return 1;
    }
  if (!fd_witness_accept (store, config->audit_witness, witness_file, config->db_path, &error))
    {
      g_printerr ("frontdesk-server: %s\n", error->message);
      return FD_CLI_EXIT_USAGE;
    }
  g_print ("accepted: the witness now starts at this database's %" G_GINT64_FORMAT " entries\n",
           entries_n);
  return 0;
}

int
fd_cli_audit (int    argc,
              char **argv)
{
  g_autoptr(FdConfig) config = fd_config_new_defaults ();
  g_autoptr(GOptionContext) ctx =
    g_option_context_new ("verify|accept-restore - check the audit chain");
  g_autoptr(GError) error = NULL;
  g_autofree char *witness_file = NULL;
  static const char * const verbs[] = { "verify", "accept-restore", NULL };
  const char *verb;
  FdStore *store;
  int rc;
  GOptionEntry entries[] = {
    { "witness", 0, 0, G_OPTION_ARG_FILENAME, &witness_file,
      "Read (or write) the audit witness records in FILE", "FILE" },
    { NULL }
  };

  if (!fd_cli_parse_config (ctx, entries, argc, argv, verbs,
                            "the audit commands are: audit verify, audit accept-restore", &verb,
                            config))
    return FD_CLI_EXIT_USAGE;
  fd_config_resolve_paths (config);
  if (!fd_config_is_postgresql (config) && !g_file_test (config->db_path, G_FILE_TEST_IS_REGULAR))
    {
      g_printerr ("frontdesk-server: no database at %s\n", config->db_path);
      return FD_CLI_EXIT_USAGE;
    }
  store = fd_cli_open_store (config, FALSE, &error);
  if (store == NULL)
    {
      g_printerr ("frontdesk-server: %s\n", error->message);
      return FD_CLI_EXIT_USAGE;
    }
  if (g_str_equal (verb, "verify"))
    rc = audit_verify_with_witness (config, store, witness_file);
  else
    rc = audit_accept_restore (config, store, witness_file);
  fd_store_close (store);
  return rc;
}
