/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One account's row of the access review, with its decision buttons. */

#include "config.h"

#include "fd-review-row.h"

#include "fd-view-util.h"

#include <glib/gi18n.h>

/* ---- what a row shows ---------------------------------------------------- */

static const char *
role_label (const char *role)
{
  if (g_strcmp0 (role, "reception") == 0)
    return _("Reception");
  if (g_strcmp0 (role, "patrol") == 0)
    return _("Patrol");
  if (g_strcmp0 (role, "finance") == 0)
    return _("Finance");
  if (g_strcmp0 (role, "manager") == 0)
    return _("Manager");
  if (g_strcmp0 (role, "auditor") == 0)
    return _("Auditor");
  if (g_strcmp0 (role, "admin") == 0)
    return _("Administrator");
  return role ? role : "";
}

static char *
decision_label (const FdReviewEntry *entry)
{
  g_autofree char *when = entry->decided_at ? fd_view_format_time (entry->decided_at, TRUE) : NULL;

  if (entry->automatic)
    /* Translators: %s is a date and time */
    return g_strdup_printf (_("Disabled automatically (not confirmed in time), %s"), when);
  if (g_strcmp0 (entry->decision, "confirmed") == 0)
    /* Translators: first %s is a user name, second a date and time */
    return g_strdup_printf (_("Confirmed by %s, %s"), entry->decided_by, when);
  if (g_strcmp0 (entry->decision, "revoked") == 0)
    /* Translators: first %s is a user name, second a date and time */
    return g_strdup_printf (_("Revoked by %s, %s"), entry->decided_by, when);
  if (g_strcmp0 (entry->decision, "role-changed") == 0)
    /* Translators: first %s is a user name, second a date and time */
    return g_strdup_printf (_("Role changed by %s, %s"), entry->decided_by, when);
  return g_strdup (_("Undecided"));
}

/* A bar per week, ▁ to █, scaled to the busiest week of this account. */
static char *
sparkline (const FdReviewEntry *entry,
           gint64              *totals)
{
  static const char *bars[] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
  g_autoptr(GString) line = g_string_new (NULL);
  gint64 max = 0;

  for (guint i = 0; i < entry->weekly->len; i++)
    {
      FdReviewWeek *w = g_ptr_array_index (entry->weekly, i);
      gint64 sum = w->views + w->lists + w->reveals + w->verifies + w->exports;

      totals[0] += w->views, totals[1] += w->lists, totals[2] += w->reveals;
      totals[3] += w->verifies, totals[4] += w->exports;
      max = MAX (max, sum);
    }
  for (guint i = 0; i < entry->weekly->len; i++)
    {
      FdReviewWeek *w = g_ptr_array_index (entry->weekly, i);
      gint64 sum = w->views + w->lists + w->reveals + w->verifies + w->exports;

      g_string_append (line, max == 0 ? bars[0] : bars[sum * 7 / max]);
    }
  return g_string_free (g_steal_pointer (&line), FALSE);
}

static char *
row_subtitle (const FdReviewEntry *entry,
              char               **activity_out)
{
  gint64 t[5] = { 0 };
  g_autofree char *spark = sparkline (entry, t);
  g_autofree char *estates = entry->estates[0] ? g_strjoinv (", ", entry->estates) : NULL;
  g_autofree char *signed_in = entry->last_sign_in
                               ? fd_view_format_time (entry->last_sign_in, TRUE) : NULL;
  g_autofree char *last = NULL, *activity = NULL;

  if (signed_in != NULL)
    /* Translators: last sign-in; first %s a date and time, second a workstation name */
    last = g_strdup_printf (_("last sign-in %s on %s"), signed_in,
                            entry->workstation ? entry->workstation : "—");
  else
    last = g_strdup (_("never signed in"));
  /* Translators: activity over the review's weeks; each %d a count */
  activity = g_strdup_printf (_("%d weeks: %d views · %d lists · %d reveals · %d verifies · "
                                "%d exports"),
                              (int) entry->weekly->len, (int) t[0], (int) t[1], (int) t[2],
                              (int) t[3], (int) t[4]);
  *activity_out = g_strdup (activity);
  return g_strdup_printf ("%s · %s · %s\n%s  %s", role_label (entry->role),
                          estates ? estates : _("every estate"), last, spark, activity);
}

static GtkWidget *
decision_button (const char *label,
                 const char *accessible,
                 const char *action,
                 GVariant   *target,
                 const char *css)
{
  GtkWidget *button = gtk_button_new_with_label (label);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  gtk_widget_set_tooltip_text (button, accessible);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), target);
  if (css != NULL)
    gtk_widget_add_css_class (button, css);
  return button;
}

static GtkWidget *
role_menu_button (const FdReviewEntry *entry)
{
  static const char *roles[] = { "reception", "patrol", "finance", "manager" };
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autofree char *accessible = NULL;
  GtkWidget *button;

  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    {
      g_autoptr(GMenuItem) item = NULL;

      if (g_strcmp0 (roles[i], entry->role) == 0)
        continue;
      item = g_menu_item_new (role_label (roles[i]), NULL);
      g_menu_item_set_action_and_target_value (item, "review.change-role",
                                               g_variant_new ("(ss)", entry->user_id, roles[i]));
      g_menu_append_item (menu, item);
    }
  button = gtk_menu_button_new ();
  gtk_menu_button_set_label (GTK_MENU_BUTTON (button), _("Change Role"));
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (button), G_MENU_MODEL (menu));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  /* Translators: %s is a user name */
  accessible = g_strdup_printf (_("Change the role of %s"), entry->user);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  gtk_widget_set_tooltip_text (button, accessible);
  return button;
}

GtkWidget *
fd_review_row_new (const FdReviewEntry *entry,
                   gboolean             can_decide)
{
  g_autofree char *activity = NULL;
  g_autofree char *subtitle = row_subtitle (entry, &activity);
  g_autofree char *title = g_strdup_printf ("%s (%s)",
                                            entry->display_name ? entry->display_name : "",
                                            entry->user ? entry->user : entry->user_id);
  g_autofree char *description = NULL;
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);
  description = g_strdup_printf ("%s. %s", activity, entry->decision ? "" : _("Undecided"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description, -1);

  if (entry->decision != NULL || !can_decide)
    {
      g_autofree char *decided = decision_label (entry);
      GtkWidget *label = gtk_label_new (decided);

      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 24);
      gtk_widget_add_css_class (label, entry->decision ? "dim-label" : "warning");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
    }
  else
    {
      /* Translators: accessible names of the buttons; %s is a user name */
      g_autofree char *confirm = g_strdup_printf (_("Confirm %s"), entry->user);
      /* Translators: accessible name of a button; %s is a user name */
      g_autofree char *revoke = g_strdup_printf (_("Revoke %s"), entry->user);
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

      gtk_box_append (GTK_BOX (box),
                      decision_button (_("Confirm"), confirm, "review.confirm",
                                       g_variant_new_string (entry->user_id), "suggested-action"));
      gtk_box_append (GTK_BOX (box), role_menu_button (entry));
      gtk_box_append (GTK_BOX (box),
                      decision_button (_("Revoke"), revoke, "review.revoke",
                                       g_variant_new_string (entry->user_id), "destructive-action"));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), box);
    }
  return row;
}

