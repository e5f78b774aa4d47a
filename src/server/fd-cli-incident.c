/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The incident radius and rules set commands. */

#include "config.h"

#include <string.h>

#include "fd-cli.h"
#include "fd-radius.h"
#include "fd-rules.h"
#include "fd-seed.h"

/* Issue 12. `incident radius`: the blast radius of one account, the same
 * as GET /api/v1/incidents/radius as a manager sees it (names masked, no
 * value), a text table or --json. `rules set`: a new rules text. */

/* argv[1] must be @verb; shifts it away. FALSE (usage printed) otherwise. */
static gboolean
take_verb (int         *argc,
           char      ***argv,
           const char  *verb)
{
  if (*argc < 2 || !g_str_equal ((*argv)[1], verb))
    return FALSE;
  (*argv)[1] = (*argv)[0];
  (*argv)++;
  (*argc)--;
  return TRUE;
}

static char *
parse_time (const char *text,
            gint64     *usec)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) t = text != NULL ? g_date_time_new_from_iso8601 (text, utc) : NULL;

  if (t == NULL)
    return NULL;
  *usec = g_date_time_to_unix (t) * G_USEC_PER_SEC;
  return fd_time_format_rfc3339 (*usec);
}

int
fd_cli_incident (int    argc,
                 char **argv)
{
  g_autoptr(FdConfig) config = fd_config_new_defaults ();
  g_autoptr(GError) error = NULL;
  g_autofree char *user = NULL, *from_text = NULL, *to_text = NULL, *cause = NULL;
  g_autofree char *from = NULL, *to = NULL, *notice = NULL;
  g_autoptr(FdUserRecord) actor = NULL;
  g_autoptr(FdRadius) radius = NULL;
  FdRadiusData data = { 0 };
  FdRadiusNoticeInput input = { 0 };
  gboolean json = FALSE;
  gint64 from_usec = 0, to_usec = 0;
  FdStore *store;
  int rc;
  GOptionEntry options[] = {
    { "user", 0, 0, G_OPTION_ARG_STRING, &user, "The account's username", "U" },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from_text, "Start of the window (RFC 3339)", "T" },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to_text, "End of the window (RFC 3339)", "T" },
    { "cause", 0, 0, G_OPTION_ARG_STRING, &cause, "The cause, for the notice draft", "TEXT" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the API's JSON answer", NULL },
    { NULL }
  };

  if (!take_verb (&argc, &argv, "radius"))
    return fd_cli_usage_error ("incident takes radius");
  rc = fd_cli_begin_any_engine ("radius - which residents an account touched", options, argc,
                                argv, config);
  if (rc >= 0)
    return rc;
  if (user == NULL || (from = parse_time (from_text, &from_usec)) == NULL ||
      (to = parse_time (to_text, &to_usec)) == NULL || to_usec <= from_usec)
    return fd_cli_usage_error ("incident radius needs --user U --from T --to T (RFC 3339, from < to)");

  store = fd_cli_open_store (config, FALSE, &error);
  if (store == NULL)
    {
      g_printerr ("frontdesk-server: %s\n", error->message);
      return FD_CLI_EXIT_USAGE;
    }
  actor = FD_STORE_CALL (store, user_by_name, user);
  if (actor == NULL || store->backend->incident_radius == NULL ||
      !FD_STORE_CALL (store, incident_radius, actor->id, from, to, &data, &error))
    {
      g_printerr ("frontdesk-server: %s\n", actor == NULL ? "no such account"
                  : error != NULL ? error->message : "this storage engine cannot answer it");
      fd_radius_data_clear (&data);
      fd_store_close (store);
      return FD_CLI_EXIT_USAGE;
    }
  radius = fd_radius_build (user, from, to, &data);
  input.cause = cause;
  input.office_contact = config->office_contact;
  input.account_stopped = actor->disabled || actor->locked_until == -1 ||
                          actor->locked_until > g_get_real_time ();
  {
    g_autofree char *frozen = FD_STORE_CALL (store, get_setting, "incident.frozen");
    input.frozen = g_strcmp0 (frozen, "true") == 0;
  }
  notice = fd_radius_notice (radius, &input);
  if (!fd_seed_audit_cli (store, "incident-radius", user, from, &error))
    {
      g_printerr ("frontdesk-server: the audit log cannot be written: %s\n", error->message);
      fd_store_close (store);
      return FD_CLI_EXIT_USAGE;
    }
  fd_store_close (store);

  /* what the manager's role sees: names masked, no other value */
  if (json)
    {
      g_auto(FdJsonWriter) w = { 0 };
      g_autofree char *text = NULL;
      gsize len;

      fd_json_writer_init (&w, 4096);
      fd_radius_write_json (&w, radius, FD_ROLE_MANAGER, FALSE, notice);
      text = fd_json_writer_steal (&w, &len);
      g_print ("%s\n", text);
    }
  else
    {
      g_autofree char *table = fd_radius_format_text (radius, FD_ROLE_MANAGER);
      g_print ("%s\n%s", table, notice);
    }
  return 0;
}

static char *
read_text_file (const char  *path,
                GError     **error)
{
  char *text = NULL;

  if (path == NULL)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "rules set needs --zh FILE --en FILE");
      return NULL;
    }
  if (!g_file_get_contents (path, &text, NULL, error))
    return NULL;
  if (!fd_rules_text_valid (text))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   "%s is not non-empty UTF-8 text of at most %d characters", path,
                   FD_RULES_MAX_CHARS);
      g_clear_pointer (&text, g_free);
    }
  return text;
}

int
fd_cli_rules (int    argc,
              char **argv)
{
  g_autoptr(FdConfig) config = fd_config_new_defaults ();
  g_autoptr(GError) error = NULL;
  g_autofree char *zh_path = NULL, *en_path = NULL, *zh = NULL, *en = NULL, *detail = NULL;
  gint64 version = 0;
  FdStore *store;
  int rc;
  GOptionEntry options[] = {
    { "zh", 0, 0, G_OPTION_ARG_FILENAME, &zh_path, "The rules in Simplified Chinese", "FILE" },
    { "en", 0, 0, G_OPTION_ARG_FILENAME, &en_path, "The rules in English", "FILE" },
    { NULL }
  };

  if (!take_verb (&argc, &argv, "set"))
    return fd_cli_usage_error ("rules takes set");
  rc = fd_cli_begin ("set - a new data-protection rules text", options, TRUE, argc, argv, config);
  if (rc >= 0)
    return rc;
  if ((zh = read_text_file (zh_path, &error)) == NULL ||
      (en = read_text_file (en_path, &error)) == NULL)
    return fd_cli_usage_error (error->message);

  store = fd_cli_open_store (config, FALSE, &error);
  if (store == NULL)
    {
      g_printerr ("frontdesk-server: %s\n", error->message);
      return FD_CLI_EXIT_USAGE;
    }
  detail = NULL;
  if (!FD_STORE_CALL (store, begin, &error) ||
      !fd_rules_save (store, zh, en, &version, &error) ||
      !fd_seed_audit_cli (store, "policy-change", "rules",
                          (detail = g_strdup_printf ("version %" G_GINT64_FORMAT, version)), &error) ||
      !FD_STORE_CALL (store, commit, &error))
    {
      FD_STORE_CALL0 (store, rollback);
      g_printerr ("frontdesk-server: %s\n", error->message);
      fd_store_close (store);
      return FD_CLI_EXIT_USAGE;
    }
  fd_store_close (store);
  g_print ("rules version %" G_GINT64_FORMAT " set; every account acknowledges it again\n", version);
  return 0;
}
