/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The frontdesk client's entry point: no core dumps, no GTK_DEBUG, translations, the app. */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <sys/prctl.h>

#include "fd-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(FdApplication) app = NULL;
  const char *localedir = LOCALEDIR;

  /* GTK_DEBUG=interactive would open the inspector, which reads every
   * widget's text; a core dump would hold tokens and resident data. */
  g_unsetenv ("GTK_DEBUG");
  prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);

#if !FD_RELEASE
  /* Development builds can run translations from the build tree. */
  if (g_getenv ("FRONTDESK_LOCALEDIR") != NULL)
    localedir = g_getenv ("FRONTDESK_LOCALEDIR");
#endif

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = fd_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
