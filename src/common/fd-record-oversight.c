/* fd-record-oversight.c: the records of the self-check and of alerts sent out of the app
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fd-record-private.h"

/* issue 12: the self-check's findings, the deliveries out of the app */
static const MemberSpec check_finding_members[] = {
  STR (FdCheckFinding, id, FALSE),
  STR (FdCheckFinding, level, FALSE),
  STR (FdCheckFinding, what, FALSE),
  STR (FdCheckFinding, fix, FALSE),
};
DEFINE_RECORD (FdCheckFinding, check_finding, check_finding_members, (void) 0)

static const MemberSpec alert_delivery_members[] = {
  STR (FdAlertDelivery, kind, FALSE),
  STR (FdAlertDelivery, at, FALSE),
  STR (FdAlertDelivery, channel, FALSE),
  STR (FdAlertDelivery, destination, FALSE),
  STR (FdAlertDelivery, status, FALSE),
  INT (FdAlertDelivery, attempts, FALSE),
  STR (FdAlertDelivery, last_error, FALSE),
};
DEFINE_RECORD (FdAlertDelivery, alert_delivery, alert_delivery_members, (void) 0)

gboolean
fd_alert_test_parse (JsonNode  *node,
                     gint64    *queued,
                     GError   **error)
{
  static const MemberSpec specs[] = { { "queued", MEMBER_INT, FALSE, 0 } };

  g_return_val_if_fail (queued != NULL, FALSE);

  *queued = 0;
  return fd_record_read_members (node, specs, G_N_ELEMENTS (specs), queued, "alert test", error);
}

char **
fd_string_page_parse (JsonNode  *node,
                      GError   **error)
{
  JsonNode *member = node != NULL && JSON_NODE_HOLDS_OBJECT (node)
                     ? json_object_get_member (json_node_get_object (node), "items")
                     : NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonArray *array;

  if (member == NULL || !JSON_NODE_HOLDS_ARRAY (member))
    {
      fd_record_malformed ("list", "items", error);
      return NULL;
    }
  array = json_node_get_array (member);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);

      if (fd_record_node_is (item, G_TYPE_STRING))
        g_strv_builder_add (builder, json_node_get_string (item));
    }
  return g_strv_builder_end (builder);
}

