/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The accounts page's confirmed changes. */

#include "config.h"

#include "fd-accounts-page-private.h"

#include "fd-account-dialog.h"
#include "fd-error.h"
#include "fd-form-util.h"
#include "fd-view-util.h"

#include <glib/gi18n.h>

/* Each change: a dialog that states its consequence (confirm), the call
 * with the row busy (start_change), then the server's answer: a toast
 * and a reload, or its refusal said plainly (change_done). */

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
  fd_accounts_page_rebuild (self);
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
      gtk_widget_activate_action (GTK_WIDGET (self), "pages.toast", "s", refusal_text (detail,
                                                                                       error));
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
  fd_accounts_page_changed (self);
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
  self->dialog = GTK_WINDOW (fd_account_dialog_new_password (GTK_IS_WINDOW (root) ? GTK_WINDOW (root)
                                                                                : NULL,
                                                             issued->user->username,
                                                             issued->password));
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
  const FdUser *user = fd_accounts_page_find (self, g_object_get_data (G_OBJECT (dialog), "fd-id"),
                                              NULL);
  GtkWidget *roles = g_object_get_data (G_OBJECT (dialog), "fd-roles");
  GtkWidget *codes = g_object_get_data (G_OBJECT (dialog), "fd-estates");
  g_auto(GStrv) estates = NULL;
  const char *role;
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
  role = roles ? fd_role_to_string (gtk_drop_down_get_selected (GTK_DROP_DOWN (roles))) : NULL;
  start_change (self, kind, user, role, (const char * const *) estates);
}

static void
confirm (FdAccountsPage *self,
         ChangeKind      kind,
         const char     *id)
{
  const FdUser *user = fd_accounts_page_find (self, id, NULL);
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

void
fd_accounts_page_change_action (GtkWidget  *widget,
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
