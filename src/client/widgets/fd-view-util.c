/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Small helpers every page and dialog shares. */

#include "config.h"

#include "fd-view-util.h"

#include <glib/gi18n.h>
#include <adwaita.h>
#include <string.h>

#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#endif

char *
fd_view_format_time (const char *rfc3339,
                     gboolean    with_date)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;

  if (rfc3339 != NULL)
    utc = g_date_time_new_from_iso8601 (rfc3339, NULL);
  if (utc == NULL)
    {
      /* A bare date ("2026-08-23") is shown as it is. */
      if (rfc3339 != NULL && strlen (rfc3339) == 10 &&
          strspn (rfc3339, "0123456789-") == 10 && rfc3339[4] == '-' && rfc3339[7] == '-')
        return g_strdup (rfc3339);
      return g_strdup ("—");
    }

  local = g_date_time_to_local (utc);
  return g_date_time_format (local, with_date ? "%Y-%m-%d %H:%M" : "%H:%M");
}

void
fd_view_focus_window (GtkWindow *window)
{
  g_return_if_fail (GTK_IS_WINDOW (window));

#ifdef GDK_WINDOWING_X11
  {
    GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));

    if (surface != NULL && GDK_IS_X11_SURFACE (surface))
      {
        gtk_window_present_with_time (window, gdk_x11_get_server_time (surface));
        return;
      }
  }
#endif

  gtk_window_present (window);
}

guint
fd_view_add_signal (gpointer    klass,
                    const char *name)
{
  return g_signal_new (name, G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                       0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

void
fd_view_cancel (GCancellable **cancellable)
{
  g_return_if_fail (cancellable != NULL);

  if (*cancellable != NULL)
    g_cancellable_cancel (*cancellable);
  g_clear_object (cancellable);
}

GtkWidget *
fd_view_page_scroller (GtkWidget  *page,
                       int         spacing,
                       GtkWidget **box)
{
  GtkWidget *scroller;

  *box = fd_view_page_scaffold (page, 760, spacing, &scroller);
  return scroller;
}

GtkWidget *
fd_view_boxed_list (const char *accessible_label,
                    const char *placeholder)
{
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *label = gtk_label_new (placeholder);

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (list),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible_label, -1);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_set_margin_top (label, 18);
  gtk_widget_set_margin_bottom (label, 18);
  gtk_list_box_set_placeholder (GTK_LIST_BOX (list), label);
  return list;
}

GtkLabel *
fd_view_error_label (void)
{
  GtkLabel *label = GTK_LABEL (gtk_label_new (NULL));

  gtk_label_set_wrap (label, TRUE);
  gtk_label_set_xalign (label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (label), "error");
  gtk_widget_set_visible (GTK_WIDGET (label), FALSE);
  return label;
}

/* issue 12 */

GtkWidget *
fd_view_page_scaffold (GtkWidget  *page,
                       int         max_width,
                       int         spacing,
                       GtkWidget **scroller)
{
  GtkWidget *clamp, *box;

  *scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (*scroller),
                                  GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_parent (*scroller, page);
  clamp = adw_clamp_new ();
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), max_width);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (*scroller), clamp);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, spacing);
  gtk_widget_set_margin_top (box, 18);
  gtk_widget_set_margin_bottom (box, 18);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  adw_clamp_set_child (ADW_CLAMP (clamp), box);
  return box;
}

const char *
fd_view_field_title (const char *key)
{
  static const struct { const char *key; const char *title; } titles[] = {
    { "name", N_("Name") },
    { "room", N_("Room") },
    { "phone", N_("Mobile") },
    { "id_number", N_("ID number") },
    { "home_address", N_("Home address") },
    { "plates", N_("Licence plates") },
    { "payment_status", N_("Payment status") },
    { "payments", N_("Payment status") },
    { "account", N_("Payment account") },
    { "balance", N_("Balance") },
    { "last_paid", N_("Last paid") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    if (g_str_equal (titles[i].key, key))
      return _(titles[i].title);
  return key;
}
