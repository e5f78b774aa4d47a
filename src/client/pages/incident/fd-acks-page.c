/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Who has acknowledged the data-protection rules (manager). */

#include "config.h"

#include "fd-acks-page.h"

#include "fd-view-util.h"

#include <glib/gi18n.h>

struct _FdAcksPage
{
  FdListPage    parent_instance;

  GtkWidget    *group;
  guint         n_overdue;
};

G_DEFINE_FINAL_TYPE (FdAcksPage, fd_acks_page, FD_TYPE_LIST_PAGE)

static void
add_row (FdAcksPage       *self,
         const FdRulesAck *ack)
{
  g_autofree char *when = fd_view_format_time (ack->acknowledged_at, TRUE);
  g_autofree char *subtitle = NULL;
  GtkWidget *row, *badge;

  if (ack->acknowledged_at != NULL)
    /* Translators: %s is a role, %lld a version number, %s a date and time */
    subtitle = g_strdup_printf (_("%s · version %lld, %s"), ack->role ? ack->role : "",
                                (long long) ack->acknowledged_version, when);
  else
    /* Translators: %s is a role */
    subtitle = g_strdup_printf (_("%s · never acknowledged"), ack->role ? ack->role : "");

  row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 ack->display_name ? ack->display_name : ack->user);
  {
    g_autofree char *full = g_strdup_printf ("%s · %s", ack->user, subtitle);
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), full);
  }
  badge = gtk_label_new (ack->overdue ? _("Acknowledgment overdue") : _("Up to date"));
  gtk_widget_add_css_class (badge, ack->overdue ? "error" : "success");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), badge);
  gtk_list_box_append (GTK_LIST_BOX (fd_list_page_get_list (FD_LIST_PAGE (self))), row);
  if (ack->overdue)
    self->n_overdue++;
}

static void
acks_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(FdAcksPage) self = user_data;
  FdListPage *base = FD_LIST_PAGE (self);
  g_autoptr(FdPage) page = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *description = NULL;

  page = fd_api_client_list_rules_acks_finish (FD_API_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  fd_list_page_clear_list (fd_list_page_get_list (base));
  self->n_overdue = 0;
  fd_list_page_set_error (base, page == NULL ? error->message : NULL);
  if (page == NULL)
    {
      fd_list_page_loaded (base);
      return;
    }
  for (guint i = 0; i < page->items->len; i++)
    add_row (self, g_ptr_array_index (page->items, i));
  /* Translators: %u is a number of accounts */
  description = g_strdup_printf (ngettext ("%u account has not acknowledged the current rules.",
                                              "%u accounts have not acknowledged the current rules.",
                                              self->n_overdue), self->n_overdue);
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self->group), description);
  fd_list_page_loaded (base);
}

static void
fd_acks_page_load (FdListPage *base,
                   gboolean    on_map)
{
  GCancellable *cancellable = fd_list_page_restart (base);

  fd_api_client_list_rules_acks_async (fd_list_page_get_api (base), cancellable, acks_cb,
                                       g_object_ref (base));
}

void
fd_acks_page_refresh (FdAcksPage *self)
{
  g_return_if_fail (FD_IS_ACKS_PAGE (self));
  fd_list_page_refresh (FD_LIST_PAGE (self));
}

guint
fd_acks_page_get_n_overdue (FdAcksPage *self)
{
  g_return_val_if_fail (FD_IS_ACKS_PAGE (self), 0);
  return self->n_overdue;
}

static void
fd_acks_page_class_init (FdAcksPageClass *klass)
{
  FdListPageClass *list_class = FD_LIST_PAGE_CLASS (klass);

  list_class->load = fd_acks_page_load;
  fd_list_page_class_install_refresh (list_class, "acks.refresh");
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "fd-acks-page");
}

static void
fd_acks_page_init (FdAcksPage *self)
{
}

FdAcksPage *
fd_acks_page_new (FdApiClient *api)
{
  FdAcksPage *self;
  GtkWidget *box;

  g_return_val_if_fail (FD_IS_API_CLIENT (api), NULL);

  self = g_object_new (FD_TYPE_ACKS_PAGE, NULL);
  box = fd_list_page_setup (FD_LIST_PAGE (self), api, 24);
  self->group = fd_list_page_group_with_refresh (_("Rules Acknowledgments"), "acks.refresh",
                                                 _("Refresh acknowledgments"));
  fd_list_page_add_list (FD_LIST_PAGE (self), self->group, _("Rules acknowledgments"),
                         _("No accounts"));
  gtk_box_append (GTK_BOX (box), self->group);

  return self;
}
