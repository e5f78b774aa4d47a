/* fd-review-record.c: the access review's record and its parser (issue 12)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fd-review-record.h"

#include <glib/gi18n-lib.h>

#include "fd-error.h"

/* Nested arrays (items, their weeks) are beyond fd-record.c's member
 * tables, so the review is read here, with the same checks: every member
 * of the expected type, null as absent, names only in the debug log. */

static gboolean
bad (const char  *member,
     GError     **error)
{
  g_debug ("Malformed review answer at member %s", member);
  g_set_error_literal (error, FD_ERROR, FD_ERROR_PROTOCOL,
                       _("The server sent an answer this app does not understand."));
  return FALSE;
}

static gboolean
get_string (JsonObject  *object,
            const char  *member,
            gboolean     required,
            char       **out,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return required ? bad (member, error) : TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return bad (member, error);
  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

static gboolean
get_int (JsonObject  *object,
         const char  *member,
         gint64      *out,
         GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64 || json_node_get_int (node) < 0)
    return bad (member, error);
  *out = json_node_get_int (node);
  return TRUE;
}

static gboolean
get_bool (JsonObject  *object,
          const char  *member,
          gboolean    *out,
          GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return bad (member, error);
  *out = json_node_get_boolean (node);
  return TRUE;
}

static JsonArray *
get_array (JsonObject  *object,
           const char  *member,
           GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      bad (member, error);
      return NULL;
    }
  return json_node_get_array (node);
}

static void
week_free (FdReviewWeek *week)
{
  g_free (week->week);
  g_free (week);
}

static void
entry_free (FdReviewEntry *entry)
{
  g_free (entry->user_id);
  g_free (entry->user);
  g_free (entry->display_name);
  g_free (entry->role);
  g_strfreev (entry->estates);
  g_free (entry->last_sign_in);
  g_free (entry->workstation);
  g_clear_pointer (&entry->weekly, g_ptr_array_unref);
  g_free (entry->decision);
  g_free (entry->decided_by);
  g_free (entry->decided_at);
  g_free (entry);
}

void
fd_review_free (FdReview *review)
{
  if (review == NULL)
    return;
  g_free (review->id);
  g_free (review->opened_at);
  g_free (review->due_at);
  g_free (review->opened_by);
  g_free (review->signed_off_at);
  g_free (review->signed_off_by);
  g_clear_pointer (&review->items, g_ptr_array_unref);
  g_free (review);
}

static FdReviewWeek *
week_parse (JsonNode  *node,
            GError   **error)
{
  FdReviewWeek *week = g_new0 (FdReviewWeek, 1);
  JsonObject *o;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      bad ("weekly", error);
      week_free (week);
      return NULL;
    }
  o = json_node_get_object (node);
  if (!get_string (o, "week", TRUE, &week->week, error) ||
      !get_int (o, "views", &week->views, error) || !get_int (o, "lists", &week->lists, error) ||
      !get_int (o, "reveals", &week->reveals, error) ||
      !get_int (o, "verifies", &week->verifies, error) ||
      !get_int (o, "exports", &week->exports, error))
    {
      week_free (week);
      return NULL;
    }
  return week;
}

static gboolean
entry_fill (FdReviewEntry *entry,
            JsonObject    *o,
            GError       **error)
{
  JsonArray *estates, *weekly;

  if (!get_string (o, "user_id", TRUE, &entry->user_id, error) ||
      !get_string (o, "user", FALSE, &entry->user, error) ||
      !get_string (o, "display_name", FALSE, &entry->display_name, error) ||
      !get_string (o, "role", FALSE, &entry->role, error) ||
      !get_bool (o, "disabled", &entry->disabled, error) ||
      !get_string (o, "last_sign_in", FALSE, &entry->last_sign_in, error) ||
      !get_string (o, "workstation", FALSE, &entry->workstation, error) ||
      !get_string (o, "decision", FALSE, &entry->decision, error) ||
      !get_string (o, "decided_by", FALSE, &entry->decided_by, error) ||
      !get_string (o, "decided_at", FALSE, &entry->decided_at, error) ||
      !get_bool (o, "automatic", &entry->automatic, error) ||
      (estates = get_array (o, "estates", error)) == NULL ||
      (weekly = get_array (o, "weekly", error)) == NULL)
    return FALSE;

  entry->estates = g_new0 (char *, json_array_get_length (estates) + 1);
  for (guint i = 0; i < json_array_get_length (estates); i++)
    {
      JsonNode *e = json_array_get_element (estates, i);

      if (!JSON_NODE_HOLDS_VALUE (e) || json_node_get_value_type (e) != G_TYPE_STRING)
        return bad ("estates", error);
      entry->estates[i] = g_strdup (json_node_get_string (e));
    }
  entry->weekly = g_ptr_array_new_with_free_func ((GDestroyNotify) week_free);
  for (guint i = 0; i < json_array_get_length (weekly); i++)
    {
      FdReviewWeek *week = week_parse (json_array_get_element (weekly, i), error);

      if (week == NULL)
        return FALSE;
      g_ptr_array_add (entry->weekly, week);
    }
  return TRUE;
}

FdReview *
fd_review_parse (JsonNode  *node,
                 GError   **error)
{
  g_autoptr(FdReview) review = g_new0 (FdReview, 1);
  JsonArray *items;
  JsonObject *o;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      bad ("(root)", error);
      return NULL;
    }
  o = json_node_get_object (node);
  if (!get_string (o, "id", TRUE, &review->id, error) ||
      !get_string (o, "opened_at", TRUE, &review->opened_at, error) ||
      !get_string (o, "due_at", TRUE, &review->due_at, error) ||
      !get_string (o, "opened_by", FALSE, &review->opened_by, error) ||
      !get_string (o, "signed_off_at", FALSE, &review->signed_off_at, error) ||
      !get_string (o, "signed_off_by", FALSE, &review->signed_off_by, error) ||
      (items = get_array (o, "items", error)) == NULL)
    return NULL;

  review->items = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonNode *item = json_array_get_element (items, i);
      FdReviewEntry *entry = g_new0 (FdReviewEntry, 1);

      g_ptr_array_add (review->items, entry);
      if (!JSON_NODE_HOLDS_OBJECT (item))
        {
          bad ("items", error);
          return NULL;
        }
      if (!entry_fill (entry, json_node_get_object (item), error))
        return NULL;
    }
  return g_steal_pointer (&review);
}

guint
fd_review_count_undecided (const FdReview *review)
{
  guint n = 0;

  for (guint i = 0; i < review->items->len; i++)
    n += ((FdReviewEntry *) g_ptr_array_index (review->items, i))->decision == NULL;
  return n;
}
