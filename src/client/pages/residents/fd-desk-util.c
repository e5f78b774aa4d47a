/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Resident detail helpers: revealed digits grouped to read out, a Register Visitor button. */

#include "config.h"

#include "fd-desk-util.h"

#include <glib/gi18n.h>
#include <string.h>

static gboolean
all_digits (const char *value,
            gsize       len,
            gboolean    last_may_be_x)
{
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (value[i]) &&
        !(last_may_be_x && i == len - 1 && (value[i] == 'X' || value[i] == 'x')))
      return FALSE;
  return TRUE;
}

/* @value with a space after each of the @n_groups lengths in @groups. */
static char *
split (const char  *value,
       const guint *groups,
       guint        n_groups)
{
  GString *out = g_string_sized_new (strlen (value) + n_groups);
  gsize at = 0;

  for (guint i = 0; i < n_groups && value[at] != '\0'; i++)
    {
      if (i > 0)
        g_string_append_c (out, ' ');
      g_string_append_len (out, value + at, MIN (groups[i], strlen (value + at)));
      at += MIN (groups[i], strlen (value + at));
    }
  return g_string_free (out, FALSE);
}

char *
fd_desk_group_digits (const char *key,
                      const char *value)
{
  static const guint mobile[] = { 3, 4, 4 };
  static const guint id_number[] = { 6, 8, 4 };
  static const guint fours[] = { 4, 4, 4, 4, 4 };
  gsize len;

  if (value == NULL)
    return NULL;
  len = strlen (value);

  if (g_strcmp0 (key, "phone") == 0 && len == 11 && all_digits (value, len, FALSE))
    return split (value, mobile, G_N_ELEMENTS (mobile));
  if (g_strcmp0 (key, "id_number") == 0 && len == 18 && all_digits (value, len, TRUE))
    return split (value, id_number, G_N_ELEMENTS (id_number));
  if (g_strcmp0 (key, "account") == 0 && len >= 12 && len <= 20 && all_digits (value, len, FALSE))
    return split (value, fours, (guint) ((len + 3) / 4));
  return g_strdup (value);
}

void
fd_desk_add_visitor_button (GtkWidget  *row,
                            const char *room)
{
  GtkWidget *button;

  g_return_if_fail (ADW_IS_ACTION_ROW (row));
  g_return_if_fail (room != NULL);

  button = gtk_button_new_from_icon_name ("contact-new-symbolic");
  gtk_widget_set_tooltip_text (button, _("Register a Visitor for This Room"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Register a visitor for this room"), -1);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", room);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "pages.register-visitor");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
}
