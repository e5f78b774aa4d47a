/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The check command: the security self-check (issue 12). */

#include "config.h"

#include <stdio.h>

#include "fd-check.h"
#include "fd-cli.h"

/* frontdesk-server check (--config FILE | --data-dir DIR): one line per
 * finding, "ok|warning|critical: WHAT — FIX", and the exit status a timer
 * or a monitor reads: 0 all ok, 1 warnings, 2 any critical (2 is also a
 * usage error, said on standard error). */

int
fd_cli_check (int    argc,
              char **argv)
{
  g_autoptr(FdConfig) config = fd_config_new_defaults ();
  g_autoptr(GError) error = NULL;
  FdCheckJob *job;
  FdStore *store;
  GPtrArray *findings;
  FdCheckLevel worst;
  GOptionEntry options[] = { { NULL } };
  int rc;

  rc = fd_cli_begin_any_engine ("- check the server's security settings", options, argc, argv,
                                config);
  if (rc >= 0)
    return rc;

  /* File modes first: opening the store tightens the database's. */
  job = fd_check_job_new (config, g_get_real_time ());
  store = fd_cli_open_store (config, FALSE, &error);
  if (store != NULL)
    fd_check_job_read_store (job, store, FALSE);
  else
    fd_check_job_store_failed (job, error->message);
  fd_check_job_run (job);
  findings = fd_check_job_findings (job);
  for (guint i = 0; i < findings->len; i++)
    {
      FdFinding *f = g_ptr_array_index (findings, i);
      /* stdio, not g_print(): the line stays UTF-8 (its "—") whatever the locale */
      printf ("%s: %s — %s\n", fd_check_level_name (f->level), f->what, f->fix);
    }
  worst = fd_check_worst (findings);
  fd_check_job_free (job);
  fd_store_close (store);
  fflush (stdout);
  return worst == FD_CHECK_CRITICAL ? 2 : worst == FD_CHECK_WARNING ? 1 : 0;
}
