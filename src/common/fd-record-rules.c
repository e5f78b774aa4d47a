/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Wire records of the rules acknowledgment and the incident radius (issue 12). */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <locale.h>
#include <string.h>

#include "fd-error.h"
#include "fd-field.h"
#include "fd-record-rules.h"

static const char *count_names[FD_RADIUS_N_COUNTS] = {
  "view", "list", "reveal", "verify", "export",
};

static gpointer
malformed (const char  *what,
           GError     **error)
{
  /* Never the value: it may be personal data. */
  g_debug ("Malformed %s answer", what);
  g_set_error_literal (error, FD_ERROR, FD_ERROR_PROTOCOL,
                       _("The server sent an answer this app does not understand."));
  return NULL;
}

static JsonObject *
as_object (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

FdRulesText *
fd_rules_text_parse (JsonNode  *node,
                     GError   **error)
{
  JsonObject *object = as_object (node);
  JsonObject *text = object != NULL ? as_object (json_object_get_member (object, "text")) : NULL;
  FdRulesText *rules;

  if (text == NULL || fd_json_get_int (object, "version", -1) < 1 ||
      fd_json_get_string (text, "zh_CN") == NULL || fd_json_get_string (text, "en") == NULL)
    return malformed ("rules", error);
  rules = g_new0 (FdRulesText, 1);
  rules->version = fd_json_get_int (object, "version", -1);
  rules->zh_CN = g_strdup (fd_json_get_string (text, "zh_CN"));
  rules->en = g_strdup (fd_json_get_string (text, "en"));
  return rules;
}

void
fd_rules_text_free (FdRulesText *rules)
{
  if (rules == NULL)
    return;
  g_free (rules->zh_CN);
  g_free (rules->en);
  g_free (rules);
}

const char *
fd_rules_text_for_locale (const FdRulesText *rules)
{
  const char *const *languages = g_get_language_names ();

  for (guint i = 0; languages[i] != NULL; i++)
    {
      if (g_str_has_prefix (languages[i], "zh"))
        return rules->zh_CN;
      if (g_str_has_prefix (languages[i], "en"))
        return rules->en;
    }
  return rules->en;
}

gpointer
fd_rules_ack_parse (JsonNode  *node,
                    GError   **error)
{
  JsonObject *object = as_object (node);
  FdRulesAck *ack;

  if (object == NULL || fd_json_get_string (object, "user") == NULL)
    return malformed ("acknowledgment", error);
  ack = g_new0 (FdRulesAck, 1);
  ack->user = g_strdup (fd_json_get_string (object, "user"));
  ack->display_name = g_strdup (fd_json_get_string (object, "display_name"));
  ack->role = g_strdup (fd_json_get_string (object, "role"));
  ack->acknowledged_version = fd_json_get_int (object, "acknowledged_version", -1);
  ack->acknowledged_at = g_strdup (fd_json_get_string (object, "acknowledged_at"));
  ack->overdue = fd_json_get_bool (object, "overdue", TRUE);
  return ack;
}

void
fd_rules_ack_free (gpointer data)
{
  FdRulesAck *ack = data;

  if (ack == NULL)
    return;
  g_free (ack->user);
  g_free (ack->display_name);
  g_free (ack->role);
  g_free (ack->acknowledged_at);
  g_free (ack);
}

static void
radius_row_free (gpointer data)
{
  FdRadiusRow *row = data;

  g_free (row->id);
  g_free (row->name);
  g_free (row->room);
  g_strfreev (row->fields);
  g_free (row);
}

static gboolean
read_rows (FdRadiusReport *report,
           JsonObject     *object,
           const char     *member,
           gboolean        visitor)
{
  JsonNode *node = json_object_get_member (object, member);
  JsonArray *array;

  if (node == NULL && visitor)
    return TRUE;
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *item = as_object (json_array_get_element (array, i));
      JsonObject *actions = item != NULL ? as_object (json_object_get_member (item, "actions")) : NULL;
      JsonNode *fields = item != NULL ? json_object_get_member (item, "fields") : NULL;
      g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
      FdRadiusRow *row;

      if (actions == NULL || fd_json_get_string (item, "id") == NULL)
        return FALSE;
      row = g_new0 (FdRadiusRow, 1);
      row->visitor = visitor;
      row->id = g_strdup (fd_json_get_string (item, "id"));
      row->name = g_strdup (fd_json_get_string (item, "name"));
      row->room = g_strdup (fd_json_get_string (item, "room"));
      for (guint c = 0; c < FD_RADIUS_N_COUNTS; c++)
        row->counts[c] = fd_json_get_int (actions, count_names[c], 0);
      if (fields != NULL && JSON_NODE_HOLDS_ARRAY (fields))
        for (guint f = 0; f < json_array_get_length (json_node_get_array (fields)); f++)
          {
            JsonNode *field = json_array_get_element (json_node_get_array (fields), f);

            if (JSON_NODE_HOLDS_VALUE (field) && json_node_get_value_type (field) == G_TYPE_STRING)
              g_strv_builder_add (names, json_node_get_string (field));
          }
      row->fields = g_strv_builder_end (names);
      g_ptr_array_add (report->rows, row);
    }
  return TRUE;
}

FdRadiusReport *
fd_radius_report_parse (JsonNode  *node,
                        GError   **error)
{
  JsonObject *object = as_object (node);
  g_autoptr(FdRadiusReport) report = NULL;

  if (object == NULL || fd_json_get_string (object, "notice_zh_CN") == NULL)
    return malformed ("incident radius", error);
  report = g_new0 (FdRadiusReport, 1);
  report->rows = g_ptr_array_new_with_free_func (radius_row_free);
  report->user = g_strdup (fd_json_get_string (object, "user"));
  report->from = g_strdup (fd_json_get_string (object, "from"));
  report->to = g_strdup (fd_json_get_string (object, "to"));
  report->notice = g_strdup (fd_json_get_string (object, "notice_zh_CN"));
  if (!read_rows (report, object, "residents", FALSE))
    return malformed ("incident radius", error);
  report->n_residents = report->rows->len;
  if (!read_rows (report, object, "visitors", TRUE))
    return malformed ("incident radius", error);
  return g_steal_pointer (&report);
}

void
fd_radius_report_free (FdRadiusReport *report)
{
  if (report == NULL)
    return;
  g_free (report->user);
  g_free (report->from);
  g_free (report->to);
  g_free (report->notice);
  g_clear_pointer (&report->rows, g_ptr_array_unref);
  g_free (report);
}

char *
fd_api_path_radius (const char *user,
                    const char *from,
                    const char *to,
                    const char *cause,
                    gboolean    csv)
{
  const char *names[] = { "user", "from", "to", "cause" };
  const char *values[] = { user, from, to, cause };
  GString *path = g_string_new ("/incidents/radius");

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (values[i] != NULL && *values[i] != '\0')
      {
        g_autofree char *escaped = g_uri_escape_string (values[i], NULL, FALSE);
        g_string_append_printf (path, "%c%s=%s", strchr (path->str, '?') ? '&' : '?', names[i],
                                escaped);
      }
  if (csv)
    g_string_append (path, strchr (path->str, '?') ? "&format=csv" : "?format=csv");
  return g_string_free (path, FALSE);
}

JsonNode *
fd_rules_acknowledge_body (gint64 version)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, version);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}
