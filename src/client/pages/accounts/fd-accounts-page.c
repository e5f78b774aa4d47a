/* fd-accounts-page.c: the administrator's accounts, their state and changes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fd-accounts-page.h"

#include "fd-account-dialog.h"
#include "fd-error.h"
#include "fd-form-util.h"
#include "fd-view-util.h"

#include <glib/gi18n.h>
#include <string.h>

struct _FdAccountsPage
{
  GtkWidget         parent_instance;

  GtkWidget        *scroller;
  GtkWidget        *filter;
  GtkWidget        *list;
  GtkLabel         *count_label;
  GtkLabel         *progress_label;
  GtkLabel         *message;

  FdApiClient      *api;
  char             *self_username;
  GCancellable     *cancellable;       /* the list */
  GCancellable     *change_cancellable;
  GPtrArray        *users;             /* FdUser */
  char             *busy_id;           /* the account a change is running for */
  AdwMessageDialog *confirmation;
  GtkWindow        *dialog;
};

G_DEFINE_FINAL_TYPE (FdAccountsPage, fd_accounts_page, GTK_TYPE_WIDGET)

enum {
  LOADED,
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef enum
{
  CHANGE_ROLE,
  CHANGE_DISABLE,
  CHANGE_ENABLE,
  CHANGE_UNLOCK,
  CHANGE_RESET,
  CHANGE_ESTATES,
} ChangeKind;

/* ---- rows ------------------------------------------------------------------- */

static const FdUser *
find_user (FdAccountsPage *self,
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
  const FdUser *user = find_user (self, g_object_get_data (G_OBJECT (row), "fd-id"), NULL);
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

static void
rebuild (FdAccountsPage *self)
{
  GtkWidget *child;

  while ((child = GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (self->list), 0))) != NULL)
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
  rebuild (self);
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

/* ---- changes --------------------------------------------------------------- */

static const char *
refusal_text (const FdErrorDetail *detail,
              const GError        *error)
{
  if (detail != NULL && g_strcmp0 (detail->reason, "self") == 0)
    return _("You cannot disable your own account or change its role. Ask another administrator.");
  if (detail != NULL && g_strcmp0 (detail->member, "estates") == 0)
    return _("These estates do not fit the role: reception, patrol and finance hold exactly one "
             "estate, a manager one or more, and every code must exist.");
  if (detail != NULL && g_strcmp0 (detail->reason, "last-admin") == 0)
    return _("This is the last active administrator. Add or enable another administrator first.");
  if (g_error_matches (error, FD_ERROR, FD_ERROR_NOT_FOUND))
    return _("This account no longer exists.");
  return error->message;
}

static void
set_busy (FdAccountsPage *self,
          const char     *id,
          const char     *progress)
{
  g_free (self->busy_id);
  self->busy_id = g_strdup (id);
  gtk_label_set_text (self->progress_label, progress ? progress : "");
  gtk_widget_set_visible (GTK_WIDGET (self->progress_label), progress != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "accounts.create", id == NULL);
  rebuild (self);
}

static void
change_done (FdAccountsPage      *self,
             ChangeKind           kind,
             const char          *username,
             const FdErrorDetail *detail,
             const GError        *error)
{
  g_autofree char *toast = NULL;

  set_busy (self, NULL, NULL);
  if (error != NULL)
    {
      fd_form_set_message (self->message, refusal_text (detail, error));
      gtk_widget_activate_action (GTK_WIDGET (self), "pages.toast", "s", refusal_text (detail, error));
      return;
    }
  fd_form_set_message (self->message, NULL);
  switch (kind)
    {
    case CHANGE_ROLE:
      /* Translators: %s is an account's username */
      toast = g_strdup_printf (_("Role of %s changed; their sessions ended"), username);
      break;
    case CHANGE_DISABLE:
      /* Translators: %s is an account's username */
      toast = g_strdup_printf (_("%s disabled and signed out"), username);
      break;
    case CHANGE_ENABLE:
      /* Translators: %s is an account's username */
      toast = g_strdup_printf (_("%s enabled"), username);
      break;
    case CHANGE_UNLOCK:
      /* Translators: %s is an account's username */
      toast = g_strdup_printf (_("%s unlocked"), username);
      break;
    case CHANGE_ESTATES:
      /* Translators: %s is an account's username */
      toast = g_strdup_printf (_("Estates of %s changed"), username);
      break;
    case CHANGE_RESET:
    default:
      /* Translators: %s is an account's username */
      toast = g_strdup_printf (_("Password of %s reset; their sessions ended"), username);
      break;
    }
  gtk_widget_activate_action (GTK_WIDGET (self), "pages.toast", "s", toast);
  g_signal_emit (self, signals[CHANGED], 0);
  fd_accounts_page_refresh (self);
}

typedef struct
{
  FdAccountsPage *self;
  ChangeKind      kind;
  char           *username;
} Change;

static void
change_free (Change *change)
{
  g_object_unref (change->self);
  g_free (change->username);
  g_free (change);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Change, change_free)

static void
user_changed_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(Change) change = user_data;
  g_autoptr(FdErrorDetail) detail = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FdUser) user = NULL;

  if (change->kind == CHANGE_UNLOCK)
    user = fd_api_client_unlock_user_finish (FD_API_CLIENT (source), result, &detail, &error);
  else
    user = fd_api_client_change_user_finish (FD_API_CLIENT (source), result, &detail, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  change_done (change->self, change->kind, change->username, detail, error);
}

static void
password_reset_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(Change) change = user_data;
  FdAccountsPage *self = change->self;
  g_autoptr(FdErrorDetail) detail = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FdIssuedPassword) issued = NULL;
  GtkRoot *root;

  issued = fd_api_client_reset_password_finish (FD_API_CLIENT (source), result, &detail, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  change_done (self, CHANGE_RESET, change->username, detail, error);
  if (issued == NULL)
    return;
  root = gtk_widget_get_root (GTK_WIDGET (self));
  if (self->dialog != NULL)
    gtk_window_destroy (self->dialog);
  self->dialog = GTK_WINDOW (fd_account_dialog_new_password (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                             issued->user->username, issued->password));
  g_object_add_weak_pointer (G_OBJECT (self->dialog), (gpointer *) &self->dialog);
  gtk_window_present (self->dialog);
}

static void
start_change (FdAccountsPage     *self,
              ChangeKind          kind,
              const FdUser       *user,
              const char         *role,
              const char * const *estates)
{
  g_autofree char *text = NULL;
  g_autofree char *id = g_strdup (user->id);
  Change *change = g_new0 (Change, 1);

  if (kind == CHANGE_ROLE)
    /* Translators: %s is an account's username */
    text = g_strdup_printf (_("Changing the role of %s…"), user->username);
  else if (kind == CHANGE_DISABLE)
    /* Translators: %s is an account's username */
    text = g_strdup_printf (_("Disabling %s…"), user->username);
  else if (kind == CHANGE_ENABLE)
    /* Translators: %s is an account's username */
    text = g_strdup_printf (_("Enabling %s…"), user->username);
  else if (kind == CHANGE_ESTATES)
    /* Translators: %s is an account's username */
    text = g_strdup_printf (_("Changing the estates of %s…"), user->username);
  else if (kind == CHANGE_UNLOCK)
    /* Translators: %s is an account's username */
    text = g_strdup_printf (_("Unlocking %s…"), user->username);
  else
    /* Translators: %s is an account's username */
    text = g_strdup_printf (_("Resetting the password of %s…"), user->username);
  change->self = g_object_ref (self);
  change->kind = kind;
  change->username = g_strdup (user->username);
  fd_view_cancel (&self->change_cancellable);
  self->change_cancellable = g_cancellable_new ();
  set_busy (self, id, text);

  switch (kind)
    {
    case CHANGE_ROLE:
    case CHANGE_ESTATES:
      fd_api_client_change_user_async (self->api, id, role, -1, estates, self->change_cancellable,
                                       user_changed_cb, change);
      break;
    case CHANGE_DISABLE:
    case CHANGE_ENABLE:
      fd_api_client_change_user_async (self->api, id, NULL, kind == CHANGE_DISABLE, NULL,
                                       self->change_cancellable, user_changed_cb, change);
      break;
    case CHANGE_UNLOCK:
      fd_api_client_unlock_user_async (self->api, id, self->change_cancellable,
                                       user_changed_cb, change);
      break;
    case CHANGE_RESET:
    default:
      fd_api_client_reset_password_async (self->api, id, self->change_cancellable,
                                          password_reset_cb, change);
      break;
    }
}

static void
confirmation_response_cb (AdwMessageDialog *dialog,
                          const char       *response,
                          FdAccountsPage   *self)
{
  ChangeKind kind = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "fd-kind"));
  const FdUser *user = find_user (self, g_object_get_data (G_OBJECT (dialog), "fd-id"), NULL);
  GtkWidget *roles = g_object_get_data (G_OBJECT (dialog), "fd-roles");
  GtkWidget *codes = g_object_get_data (G_OBJECT (dialog), "fd-estates");
  g_auto(GStrv) estates = NULL;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  /* Without a window manager nobody hands the focus back. */
  if (GTK_IS_WINDOW (root) && gtk_window_is_active (GTK_WINDOW (dialog)))
    fd_view_focus_window (GTK_WINDOW (root));
  if (g_strcmp0 (response, "apply") != 0 || user == NULL || self->busy_id != NULL)
    return;
  if (codes != NULL)
    {
      /* none typed: company-wide (the server refuses it for an estate role) */
      estates = fd_account_parse_estates (gtk_editable_get_text (GTK_EDITABLE (codes)));
      if (estates == NULL)
        estates = g_new0 (char *, 1);
    }
  start_change (self, kind, user,
                roles ? fd_role_to_string (gtk_drop_down_get_selected (GTK_DROP_DOWN (roles))) : NULL,
                (const char * const *) estates);
}

static void
confirm (FdAccountsPage *self,
         ChangeKind      kind,
         const char     *id)
{
  const FdUser *user = find_user (self, id, NULL);
  g_autofree char *heading = NULL;
  const char *body, *apply;
  AdwResponseAppearance appearance = ADW_RESPONSE_SUGGESTED;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog;

  if (user == NULL || self->busy_id != NULL)
    return;
  switch (kind)
    {
    case CHANGE_ROLE:
      /* Translators: %s is an account's username */
      heading = g_strdup_printf (_("Change the Role of %s?"), user->username);
      body = _("Their sessions end at once. At their next sign-in they have the new role’s "
               "access and nothing else. The change is audited.");
      apply = _("_Change Role");
      break;
    case CHANGE_DISABLE:
      /* Translators: %s is an account's username */
      heading = g_strdup_printf (_("Disable %s?"), user->username);
      body = _("They are signed out everywhere at once and cannot sign in until an "
               "administrator enables the account. The change is audited.");
      apply = _("_Disable");
      appearance = ADW_RESPONSE_DESTRUCTIVE;
      break;
    case CHANGE_ENABLE:
      /* Translators: %s is an account's username */
      heading = g_strdup_printf (_("Enable %s?"), user->username);
      body = _("They can sign in again with their password and their role’s access. "
               "The change is audited.");
      apply = _("_Enable");
      break;
    case CHANGE_UNLOCK:
      /* Translators: %s is an account's username */
      heading = g_strdup_printf (_("Unlock %s?"), user->username);
      body = _("The lock and the count of failed sign-ins are cleared: they can sign in at "
               "once. Unlock only when you know why the account was locked. The change is audited.");
      apply = _("_Unlock");
      break;
    case CHANGE_ESTATES:
      /* Translators: %s is an account's username */
      heading = g_strdup_printf (_("Change the Estates of %s?"), user->username);
      body = _("Reception, patrol and finance hold exactly one estate; a manager one or more; "
               "auditors and administrators none (all estates) or some. Taking an estate away "
               "ends their sessions at once. The change is audited.");
      apply = _("_Change Estates");
      break;
    case CHANGE_RESET:
    default:
      /* Translators: %s is an account's username */
      heading = g_strdup_printf (_("Reset the Password of %s?"), user->username);
      body = _("Their current password stops working and their sessions end at once. You see "
               "a one-time password once, to give them in person. The change is audited.");
      apply = _("_Reset Password");
      appearance = ADW_RESPONSE_DESTRUCTIVE;
      break;
    }

  if (self->confirmation != NULL)
    gtk_window_destroy (GTK_WINDOW (self->confirmation));
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading, body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "apply", apply, NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "apply", appearance);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  if (kind == CHANGE_ROLE)
    {
      g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
      GtkWidget *roles;

      for (FdRole role = 0; role < FD_N_ROLES; role++)
        gtk_string_list_append (labels, fd_account_role_label (role));
      roles = gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&labels)), NULL);
      gtk_drop_down_set_selected (GTK_DROP_DOWN (roles), user->role);
      gtk_accessible_update_property (GTK_ACCESSIBLE (roles), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("New role"), -1);
      adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), roles);
      g_object_set_data (G_OBJECT (dialog), "fd-roles", roles);
    }
  if (kind == CHANGE_ESTATES)
    {
      GtkWidget *codes = gtk_entry_new ();
      g_autofree char *current = user->estates ? g_strjoinv (", ", user->estates) : NULL;

      gtk_editable_set_text (GTK_EDITABLE (codes), current ? current : "");
      g_object_set (codes, "placeholder-text", _("Estate codes, such as e1, e2"), NULL);
      gtk_entry_set_activates_default (GTK_ENTRY (codes), TRUE);
      gtk_accessible_update_property (GTK_ACCESSIBLE (codes), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Estate codes"), -1);
      adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), codes);
      g_object_set_data (G_OBJECT (dialog), "fd-estates", codes);
    }
  g_object_set_data (G_OBJECT (dialog), "fd-kind", GINT_TO_POINTER (kind));
  g_object_set_data_full (G_OBJECT (dialog), "fd-id", g_strdup (id), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (confirmation_response_cb), self, 0);
  self->confirmation = ADW_MESSAGE_DIALOG (dialog);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->confirmation);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
change_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  static const char *const names[] = {
    "accounts.change-role", "accounts.disable", "accounts.enable", "accounts.unlock",
    "accounts.reset-password", "accounts.change-estates",
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_str_equal (action_name, names[i]))
      confirm (FD_ACCOUNTS_PAGE (widget), (ChangeKind) i, g_variant_get_string (parameter, NULL));
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
  self->dialog = GTK_WINDOW (fd_account_dialog_new_create (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
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
  return find_user (self, NULL, username);
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
    gtk_widget_class_install_action (widget_class, changes[i], "s", change_action);
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
  GtkWidget *box, *bar, *button, *refresh, *placeholder, *group;

  g_return_val_if_fail (FD_IS_API_CLIENT (api), NULL);

  self = g_object_new (FD_TYPE_ACCOUNTS_PAGE, NULL);
  self->api = g_object_ref (api);
  self->self_username = g_strdup (self_username);

  box = fd_view_page_frame (GTK_WIDGET (self), 860, &self->scroller);

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
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->count_label));
  self->list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (self->list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (self->list, "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Accounts"), -1);
  gtk_list_box_set_filter_func (GTK_LIST_BOX (self->list), filter_func, self, NULL);
  placeholder = gtk_label_new (_("No matching accounts"));
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_widget_set_margin_top (placeholder, 18);
  gtk_widget_set_margin_bottom (placeholder, 18);
  gtk_list_box_set_placeholder (GTK_LIST_BOX (self->list), placeholder);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->list);
  gtk_box_append (GTK_BOX (box), group);

  return self;
}
