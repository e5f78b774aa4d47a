/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The estate commands: add and list the estates of a company (issue 11). */

#include "config.h"

#include "fd-cli.h"
#include "fd-estates.h"
#include "fd-seed.h"

int
fd_cli_estate (int    argc,
               char **argv)
{
  g_autoptr(FdConfig) config = fd_config_new_defaults ();
  g_autoptr(GOptionContext) ctx = g_option_context_new ("add|list");
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL, *name = NULL;
  static const char * const verbs[] = { "add", "list", NULL };
  const char *verb;
  FdStore *store;
  int rc = 0;
  GOptionEntry entries[] = {
    { "code", 0, 0, G_OPTION_ARG_STRING, &code, "Estate code: 1-32 of a-z, 0-9, '-'", "CODE" },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, "Name shown in the app", "NAME" },
    { NULL }
  };

  if (!fd_cli_parse_config (ctx, entries, argc, argv, verbs,
                            "name one estate command: add or list", &verb, config))
    return FD_CLI_EXIT_USAGE;
  if (g_str_equal (verb, "add"))
    {
      if (code == NULL || name == NULL)
        return fd_cli_usage_error ("estate add needs --code CODE and --name NAME");
      if (!fd_estate_code_valid (code))
        return fd_cli_usage_error ("an estate code is 1-32 lower-case letters, digits or '-'");
      if (!g_utf8_validate (name, -1, NULL) || g_utf8_strlen (name, -1) < 1 ||
          g_utf8_strlen (name, -1) > 64)
        return fd_cli_usage_error ("an estate name is 1-64 characters");
    }

  store = fd_cli_open_store_or_say (config, g_str_equal (verb, "add"));
  if (store == NULL)
    return FD_CLI_EXIT_USAGE;
  if (g_str_equal (verb, "list"))
    {
      g_autoptr(GPtrArray) estates = FD_STORE_CALL0 (store, estate_list);

      for (guint i = 0; i < estates->len; i++)
        {
          FdEstateRecord *e = estates->pdata[i];
          g_print ("%-32s %s\n", e->code, e->name);
        }
    }
  else
    {
      gint64 id = FD_STORE_CALL (store, estate_insert, code, name, &error);
      g_autofree char *target = g_strdup_printf ("estate %s", code);

      if (id == 0 || !fd_seed_audit_cli (store, "policy-change", target, "estate added", &error))
        {
          g_printerr ("frontdesk-server: %s\n", error->message);
          rc = FD_CLI_EXIT_USAGE;
        }
      else
        g_print ("Added estate %s (%s)\n", code, name);
    }
  fd_store_close (store);
  return rc;
}
