/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The administrator's accounts, their state and changes. */

#include "config.h"

#include "fd-accounts-page-private.h"

#include "fd-account-dialog.h"
#include "fd-error.h"
#include "fd-form-util.h"
#include "fd-view-util.h"

#include <glib/gi18n.h>
#include <string.h>


G_DEFINE_FINAL_TYPE (FdAccountsPage, fd_accounts_page, GTK_TYPE_WIDGET)

enum {
  LOADED,
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];


/* ---- rows ------------------------------------------------------------------- */

const FdUser *
fd_accounts_page_find (FdAccountsPage *self,
           const char     *id,
           const char     *username)
{
  for (guint i = 0; self->users != NULL && i < self->users->len; i++)
    {
      const FdUser *user = g_ptr_array_index (self->users, i);

      if ((id != NULL && g_str_equal (user->id, id)) ||
          (username != NULL && g_str_equal (user->username, username)))
        return user;
    }
  return NULL;
}

static char *
state_text (const FdUser *user)
{
  g_autofree char *until = NULL;

  if (user->disabled)
    return g_strdup (_("Disabled"));
  if (!user->locked)
    return g_strdup (_("Active"));
  if (user->locked_until == NULL)
    return g_strdup (_("Locked until an administrator unlocks it"));
  until = fd_view_format_time (user->locked_until, FALSE);
  /* Translators: %s is a time of day */
  return g_strdup_printf (_("Locked until %s"), until);
}

static char *
subtitle_text (const FdUser *user)
{
  GString *text = g_string_new (user->username);

  g_autofree char *estates = fd_account_estates_text ((const char * const *) user->estates);

  g_string_append_printf (text, " · %s · ", fd_account_role_label (user->role));
  if (estates != NULL)
    g_string_append_printf (text, "%s · ", estates);
  if (user->last_sign_in_at == NULL)
    g_string_append (text, _("Never signed in"));
  else
    {
      g_autofree char *when = fd_view_format_time (user->last_sign_in_at, TRUE);

      if (user->last_sign_in_workstation != NULL)
        /* Translators: first %s is a date and time, second a workstation name */
        g_string_append_printf (text, _("Last sign-in %s at %s"), when,
                                user->last_sign_in_workstation);
      else
        /* Translators: %s is a date and time */
        g_string_append_printf (text, _("Last sign-in %s"), when);
    }
  return g_string_free (text, FALSE);
}

static void
menu_add (GMenu      *menu,
          const char *label,
          const char *action,
          const char *id)
{
  g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

  g_menu_item_set_action_and_target_value (item, action, g_variant_new_string (id));
  g_menu_append_item (menu, item);
}

static GtkWidget *
account_row (FdAccountsPage *self,
             const FdUser   *user)
{
  gboolean own = g_strcmp0 (user->username, self->self_username) == 0;
  g_autofree char *subtitle = subtitle_text (user);
  g_autofree char *state = state_text (user);
  g_autofree char *menu_name = NULL;
  g_autoptr(GMenu) menu = g_menu_new ();
  GtkWidget *row, *label, *spinner, *button;

  row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), user->display_name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  g_object_set_data_full (G_OBJECT (row), "fd-id", g_strdup (user->id), g_free);

  label = gtk_label_new (state);
  gtk_widget_add_css_class (label, "caption");
  if (user->disabled)
    gtk_widget_add_css_class (label, "dim-label");
  else if (user->locked)
    gtk_widget_add_css_class (label, "warning");
  else
    gtk_widget_add_css_class (label, "success");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);

  spinner = gtk_spinner_new ();
  gtk_widget_set_visible (spinner, g_strcmp0 (self->busy_id, user->id) == 0);
  gtk_spinner_set_spinning (GTK_SPINNER (spinner), g_strcmp0 (self->busy_id, user->id) == 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spinner);

  if (!own)
    menu_add (menu, _("Change _Role…"), "accounts.change-role", user->id);
  if (user->estates != NULL)
    menu_add (menu, _("Change E_states…"), "accounts.change-estates", user->id);
  if (user->locked && !user->disabled)
    menu_add (menu, _("_Unlock…"), "accounts.unlock", user->id);
  menu_add (menu, _("Reset _Password…"), "accounts.reset-password", user->id);
  if (user->disabled)
    menu_add (menu, _("_Enable…"), "accounts.enable", user->id);
  else if (!own)
    menu_add (menu, _("_Disable…"), "accounts.disable", user->id);

  button = gtk_menu_button_new ();
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "view-more-symbolic");
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (button), G_MENU_MODEL (menu));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_sensitive (button, self->busy_id == NULL);
  /* Translators: %s is an account's username */
  menu_name = g_strdup_printf (_("Actions for %s"), user->username);
  gtk_widget_set_tooltip_text (button, menu_name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  menu_name, -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), button);
  return row;
}

static gboolean
filter_func (GtkListBoxRow *row,
             gpointer       user_data)
{
  FdAccountsPage *self = user_data;
  const FdUser *user = fd_accounts_page_find (self, g_object_get_data (G_OBJECT (row), "fd-id"),
                                              NULL);
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->filter));
  g_autofree char *needle = g_utf8_casefold (text, -1);
  g_autofree char *name = NULL;
  g_autofree char *display = NULL;
  g_autofree char *role = NULL;

  if (user == NULL || *needle == '\0')
    return TRUE;
  name = g_utf8_casefold (user->username, -1);
  display = g_utf8_casefold (user->display_name, -1);
  role = g_utf8_casefold (fd_account_role_label (user->role), -1);
  return strstr (name, needle) != NULL || strstr (display, needle) != NULL ||
         strstr (role, needle) != NULL || strstr (fd_role_to_string (user->role), needle) != NULL;
}

static void
update_count (FdAccountsPage *self)
{
  g_autofree char *text = NULL;
  guint n = fd_accounts_page_get_n_shown (self);

  /* Translators: how many accounts the list shows */
  text = g_strdup_printf (ngettext ("%u account", "%u accounts", n), n);
  gtk_label_set_text (self->count_label, text);
}

void
fd_accounts_page_rebuild (FdAccountsPage *self)
{
  GtkWidget *child;

  while ((child = GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (self->list),
                                                             0))) != NULL)
    gtk_list_box_remove (GTK_LIST_BOX (self->list), child);
  for (guint i = 0; self->users != NULL && i < self->users->len; i++)
    gtk_list_box_append (GTK_LIST_BOX (self->list),
                         account_row (self, g_ptr_array_index (self->users, i)));
  update_count (self);
}

static void
filter_changed_cb (FdAccountsPage *self)
{
  gtk_list_box_invalidate_filter (GTK_LIST_BOX (self->list));
  update_count (self);
}

/* ---- loading --------------------------------------------------------------- */

static void
users_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(FdAccountsPage) self = user_data;
  g_autoptr(FdPage) page = NULL;
  g_autoptr(GError) error = NULL;

  page = fd_api_client_list_users_finish (FD_API_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (page == NULL)
    {
      fd_form_set_message (self->message, error->message);
      g_signal_emit (self, signals[LOADED], 0);
      return;
    }
  g_clear_pointer (&self->users, g_ptr_array_unref);
  self->users = g_steal_pointer (&page->items);
  fd_accounts_page_rebuild (self);
  g_signal_emit (self, signals[LOADED], 0);
}

void
fd_accounts_page_refresh (FdAccountsPage *self)
{
  g_return_if_fail (FD_IS_ACCOUNTS_PAGE (self));

  fd_view_cancel (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  fd_api_client_list_users_async (self->api, self->cancellable, users_cb, g_object_ref (self));
}


static void
create_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FdAccountsPage *self = FD_ACCOUNTS_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);

  if (self->dialog != NULL)
    gtk_window_destroy (self->dialog);
  self->dialog = GTK_WINDOW (fd_account_dialog_new_create (GTK_IS_WINDOW (root) ? GTK_WINDOW (root)
                                                                              : NULL,
                                                           self->api));
  g_object_add_weak_pointer (G_OBJECT (self->dialog), (gpointer *) &self->dialog);
  g_signal_connect_object (self->dialog, "created", G_CALLBACK (fd_accounts_page_refresh), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (self->dialog);
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  fd_accounts_page_refresh (FD_ACCOUNTS_PAGE (widget));
}

void
fd_accounts_page_changed (FdAccountsPage *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
  fd_accounts_page_refresh (self);
}

/* ---- public ---------------------------------------------------------------- */

guint
fd_accounts_page_get_n_shown (FdAccountsPage *self)
{
  GtkListBoxRow *row;
  guint n = 0;

  g_return_val_if_fail (FD_IS_ACCOUNTS_PAGE (self), 0);

  for (int i = 0; (row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (self->list), i)) != NULL; i++)
    if (filter_func (row, self))
      n++;
  return n;
}

const FdUser *
fd_accounts_page_get_account (FdAccountsPage *self,
                              const char     *username)
{
  g_return_val_if_fail (FD_IS_ACCOUNTS_PAGE (self), NULL);
  return fd_accounts_page_find (self, NULL, username);
}

void
fd_accounts_page_set_filter (FdAccountsPage *self,
                             const char     *text)
{
  g_return_if_fail (FD_IS_ACCOUNTS_PAGE (self));
  gtk_editable_set_text (GTK_EDITABLE (self->filter), text);
  filter_changed_cb (self);
}

const char *
fd_accounts_page_get_message (FdAccountsPage *self)
{
  g_return_val_if_fail (FD_IS_ACCOUNTS_PAGE (self), NULL);
  return fd_form_get_message (self->message);
}

AdwMessageDialog *
fd_accounts_page_get_confirmation (FdAccountsPage *self)
{
  g_return_val_if_fail (FD_IS_ACCOUNTS_PAGE (self), NULL);
  return self->confirmation;
}

GtkWindow *
fd_accounts_page_get_dialog (FdAccountsPage *self)
{
  g_return_val_if_fail (FD_IS_ACCOUNTS_PAGE (self), NULL);
  return self->dialog;
}

/* ---- GObject ----------------------------------------------------------------- */

static void
fd_accounts_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (fd_accounts_page_parent_class)->map (widget);
  fd_accounts_page_refresh (FD_ACCOUNTS_PAGE (widget));
}

static void
fd_accounts_page_dispose (GObject *object)
{
  FdAccountsPage *self = FD_ACCOUNTS_PAGE (object);

  fd_view_cancel (&self->cancellable);
  fd_view_cancel (&self->change_cancellable);
  if (self->confirmation != NULL)
    gtk_window_destroy (GTK_WINDOW (self->confirmation));
  if (self->dialog != NULL)
    gtk_window_destroy (self->dialog);
  g_clear_pointer (&self->scroller, gtk_widget_unparent);
  g_clear_pointer (&self->users, g_ptr_array_unref);
  g_clear_pointer (&self->busy_id, g_free);
  g_clear_pointer (&self->self_username, g_free);
  g_clear_object (&self->api);

  G_OBJECT_CLASS (fd_accounts_page_parent_class)->dispose (object);
}

static void
fd_accounts_page_class_init (FdAccountsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  static const char *const changes[] = {
    "accounts.change-role", "accounts.disable", "accounts.enable", "accounts.unlock",
    "accounts.reset-password", "accounts.change-estates",
  };

  object_class->dispose = fd_accounts_page_dispose;
  widget_class->map = fd_accounts_page_map;

  signals[LOADED] = fd_view_add_signal (klass, "loaded");
  signals[CHANGED] = fd_view_add_signal (klass, "changed");

  gtk_widget_class_install_action (widget_class, "accounts.create", NULL, create_action);
  gtk_widget_class_install_action (widget_class, "accounts.refresh", NULL, refresh_action);
  for (guint i = 0; i < G_N_ELEMENTS (changes); i++)
    gtk_widget_class_install_action (widget_class, changes[i], "s",
                                     fd_accounts_page_change_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK,
                                       "accounts.create", NULL);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "fd-accounts-page");
}

static void
fd_accounts_page_init (FdAccountsPage *self)
{
}

FdAccountsPage *
fd_accounts_page_new (FdApiClient *api,
                      const char  *self_username)
{
  FdAccountsPage *self;
  GtkWidget *box, *bar, *button, *refresh, *group;

  g_return_val_if_fail (FD_IS_API_CLIENT (api), NULL);

  self = g_object_new (FD_TYPE_ACCOUNTS_PAGE, NULL);
  self->api = g_object_ref (api);
  self->self_username = g_strdup (self_username);

  self->scroller = fd_view_page_scroller (GTK_WIDGET (self), 12, &box);

  bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  self->filter = gtk_search_entry_new ();
  gtk_widget_set_hexpand (self->filter, TRUE);
  g_object_set (self->filter, "placeholder-text", _("Filter by name, username or role"), NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->filter), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Filter accounts"), -1);
  g_signal_connect_swapped (self->filter, "search-changed", G_CALLBACK (filter_changed_cb), self);
  gtk_box_append (GTK_BOX (bar), self->filter);
  refresh = gtk_button_new_from_icon_name ("view-refresh-symbolic");
  gtk_widget_set_tooltip_text (refresh, _("Refresh"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (refresh), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Refresh accounts"), -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (refresh), "accounts.refresh");
  gtk_box_append (GTK_BOX (bar), refresh);
  button = gtk_button_new_with_mnemonic (_("_New Account…"));
  /* GTK 4.8 names it with the underscore: let the label name it */
  gtk_accessible_reset_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL);
  gtk_widget_add_css_class (button, "suggested-action");
  gtk_widget_set_tooltip_text (button, _("Create an account (Ctrl+N)"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "accounts.create");
  gtk_box_append (GTK_BOX (bar), button);
  gtk_box_append (GTK_BOX (box), bar);

  self->message = fd_view_error_label ();
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->message));
  self->progress_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->progress_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->progress_label), "dim-label");
  gtk_widget_set_visible (GTK_WIDGET (self->progress_label), FALSE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->progress_label));

  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Accounts"));
  self->count_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->count_label), "dim-label");
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group),
                                           GTK_WIDGET (self->count_label));
  self->list = fd_view_boxed_list (_("Accounts"), _("No matching accounts"));
  gtk_list_box_set_filter_func (GTK_LIST_BOX (self->list), filter_func, self, NULL);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->list);
  gtk_box_append (GTK_BOX (box), group);

  return self;
}
