/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A new account, and the one-time password shown once. */

#include "config.h"

#include "fd-account-dialog.h"

#include "fd-error.h"
#include "fd-form-util.h"
#include "fd-view-util.h"

#include <glib/gi18n.h>

struct _FdAccountDialog
{
  AdwWindow      parent_instance;

  GtkWidget     *stack;
  GtkWidget     *cancel_button;
  GtkWidget     *create_button;
  GtkSpinner    *spinner;
  GtkLabel      *create_label;
  GtkWidget     *username_row;
  GtkWidget     *display_name_row;
  GtkWidget     *role_row;
  GtkWidget     *estates_row;
  GtkLabel      *message;
  GtkWidget     *password_page;
  GtkLabel      *password_label;

  FdApiClient   *api;
  GCancellable  *cancellable;
  char          *password;
};

G_DEFINE_FINAL_TYPE (FdAccountDialog, fd_account_dialog, ADW_TYPE_WINDOW)

enum {
  CREATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

const char *
fd_account_role_label (FdRole role)
{
  switch (role)
    {
    case FD_ROLE_RECEPTION: return _("Reception");
    case FD_ROLE_PATROL: return _("Patrol");
    case FD_ROLE_FINANCE: return _("Finance");
    case FD_ROLE_MANAGER: return _("Manager");
    case FD_ROLE_AUDITOR: return _("Auditor");
    case FD_ROLE_ADMIN: return _("Administrator");
    case FD_N_ROLES:
    case FD_ROLE_INVALID:
    default:
      return _("Unknown role");
    }
}

char **
fd_account_parse_estates (const char *text)
{
  g_auto(GStrv) parts = g_regex_split_simple ("[\\s,，、]+", text ? text : "", 0, 0);
  g_autoptr(GStrvBuilder) codes = g_strv_builder_new ();
  gboolean any = FALSE;

  for (guint i = 0; parts[i] != NULL; i++)
    if (*parts[i] != '\0')
      {
        g_strv_builder_add (codes, parts[i]);
        any = TRUE;
      }
  return any ? g_strv_builder_end (codes) : NULL;
}

char *
fd_account_estates_text (const char * const *estates)
{
  if (estates == NULL)
    return NULL;
  if (estates[0] == NULL)
    return g_strdup (_("All estates"));
  return g_strjoinv (", ", (char **) estates);
}

static void
show_password (FdAccountDialog *self,
               const char      *username,
               const char      *password)
{
  g_autofree char *description = NULL;

  fd_secret_free (self->password);
  self->password = g_strdup (password);
  gtk_label_set_text (self->password_label, password);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->password_label),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("One-time password"), -1);
  /* Translators: %s is an account's username */
  description = g_strdup_printf (_("Give %s this password in person. It is shown only now "
                                   "and cannot be shown again."), username);
  adw_status_page_set_description (ADW_STATUS_PAGE (self->password_page), description);
  gtk_window_set_title (GTK_WINDOW (self), _("One-Time Password"));
  gtk_widget_set_visible (self->cancel_button, FALSE);
  gtk_widget_set_visible (self->create_button, FALSE);
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "password");
  gtk_widget_grab_focus (GTK_WIDGET (g_object_get_data (G_OBJECT (self), "fd-done")));
}

static void
set_busy (FdAccountDialog *self,
          gboolean         busy)
{
  fd_form_set_busy (self->spinner, self->create_label, busy, _("Creating…"), _("_Create"),
                    self->username_row, self->display_name_row, self->role_row,
                    self->estates_row, NULL);
  gtk_widget_set_sensitive (self->create_button, !busy);
}

static void
created_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(FdAccountDialog) self = user_data;
  g_autoptr(FdIssuedPassword) issued = NULL;
  g_autoptr(FdErrorDetail) detail = NULL;
  g_autoptr(GError) error = NULL;

  issued = fd_api_client_create_user_finish (FD_API_CLIENT (source), result, &detail, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  if (issued == NULL)
    {
      GtkWidget *row = self->username_row;

      if (detail != NULL && g_strcmp0 (detail->member, "display_name") == 0)
        {
          fd_form_set_message (self->message,
                               _("Enter a display name without control characters."));
          row = self->display_name_row;
        }
      else if (detail != NULL && g_strcmp0 (detail->member, "estates") == 0)
        {
          fd_form_set_message (self->message,
                               _("Name the account’s estates by code, such as e1. Reception, patrol "
                                 "and finance hold exactly one; a manager one or more; auditors and "
                                 "administrators none (all estates) or some."));
          row = self->estates_row;
        }
      else if (detail != NULL && g_strcmp0 (detail->member, "username") == 0)
        fd_form_set_message (self->message,
                             _("This username is taken or not valid. Use 2–32 lower-case letters, "
                               "digits, “.”, “_” or “-”."));
      else
        fd_form_set_message (self->message, error->message);
      gtk_widget_grab_focus (row);
      return;
    }
  show_password (self, issued->user->username, issued->password);
  g_signal_emit (self, signals[CREATED], 0);
}

static void
create_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FdAccountDialog *self = FD_ACCOUNT_DIALOG (widget);
  g_autofree char *username = NULL;
  g_autofree char *display_name = NULL;
  g_auto(GStrv) estates = NULL;
  guint role = adw_combo_row_get_selected (ADW_COMBO_ROW (self->role_row));

  username = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->username_row))));
  display_name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->display_name_row))));
  estates = fd_account_parse_estates (gtk_editable_get_text (GTK_EDITABLE (self->estates_row)));
  if (self->api == NULL || !gtk_widget_get_sensitive (self->create_button))
    return;
  if (*username == '\0')
    {
      fd_form_set_message (self->message, _("Enter a username."));
      gtk_widget_grab_focus (self->username_row);
      return;
    }
  if (*display_name == '\0')
    {
      fd_form_set_message (self->message, _("Enter a display name."));
      gtk_widget_grab_focus (self->display_name_row);
      return;
    }
  fd_form_set_message (self->message, NULL);
  set_busy (self, TRUE);
  fd_view_cancel (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  fd_api_client_create_user_async (self->api, username, display_name,
                                   fd_role_to_string ((FdRole) MIN (role, FD_N_ROLES - 1)),
                                   (const char * const *) estates, self->cancellable,
                                   created_cb, g_object_ref (self));
}

void
fd_account_dialog_submit (FdAccountDialog *self,
                          const char      *username,
                          const char      *display_name,
                          FdRole           role,
                          const char      *estates)
{
  g_return_if_fail (FD_IS_ACCOUNT_DIALOG (self));

  gtk_editable_set_text (GTK_EDITABLE (self->estates_row), estates ? estates : "");
  gtk_editable_set_text (GTK_EDITABLE (self->username_row), username);
  gtk_editable_set_text (GTK_EDITABLE (self->display_name_row), display_name);
  adw_combo_row_set_selected (ADW_COMBO_ROW (self->role_row), role);
  gtk_widget_activate_action (GTK_WIDGET (self), "account.create", NULL);
}

const char *
fd_account_dialog_get_password (FdAccountDialog *self)
{
  g_return_val_if_fail (FD_IS_ACCOUNT_DIALOG (self), NULL);
  return self->password;
}

const char *
fd_account_dialog_get_message (FdAccountDialog *self)
{
  g_return_val_if_fail (FD_IS_ACCOUNT_DIALOG (self), NULL);
  return fd_form_get_message (self->message);
}

static void
fd_account_dialog_dispose (GObject *object)
{
  FdAccountDialog *self = FD_ACCOUNT_DIALOG (object);

  fd_view_cancel (&self->cancellable);
  /* the one-time password leaves memory with the dialog */
  if (self->password_label != NULL)
    gtk_label_set_text (self->password_label, "");
  g_clear_pointer (&self->password, fd_secret_free);
  g_clear_object (&self->api);

  G_OBJECT_CLASS (fd_account_dialog_parent_class)->dispose (object);
}

static void
fd_account_dialog_class_init (FdAccountDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fd_account_dialog_dispose;
  signals[CREATED] = fd_view_add_signal (klass, "created");
  gtk_widget_class_install_action (widget_class, "account.create", NULL, create_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static GtkWidget *
entry_row (const char *title)
{
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  return row;
}

static void
entry_activated_cb (FdAccountDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "account.create", NULL);
}

static void
fd_account_dialog_init (FdAccountDialog *self)
{
  GtkWidget *box, *header, *form, *group, *done, *content, *button_box;
  g_autoptr(GtkStringList) roles = gtk_string_list_new (NULL);

  gtk_window_set_modal (GTK_WINDOW (self), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (self), 460, -1);
  gtk_window_set_title (GTK_WINDOW (self), _("New Account"));

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  adw_window_set_content (ADW_WINDOW (self), box);
  header = adw_header_bar_new ();
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  adw_header_bar_set_show_start_title_buttons (ADW_HEADER_BAR (header), FALSE);
  gtk_box_append (GTK_BOX (box), header);

  self->cancel_button = gtk_button_new_with_mnemonic (_("_Cancel"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->cancel_button), "window.close");
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), self->cancel_button);

  self->create_button = gtk_button_new ();
  button_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  self->spinner = GTK_SPINNER (gtk_spinner_new ());
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), FALSE);
  self->create_label = GTK_LABEL (gtk_label_new_with_mnemonic (_("_Create")));
  gtk_label_set_mnemonic_widget (self->create_label, self->create_button);
  gtk_box_append (GTK_BOX (button_box), GTK_WIDGET (self->spinner));
  gtk_box_append (GTK_BOX (button_box), GTK_WIDGET (self->create_label));
  gtk_button_set_child (GTK_BUTTON (self->create_button), button_box);
  gtk_widget_add_css_class (self->create_button, "suggested-action");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->create_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Create account"), -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->create_button), "account.create");
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), self->create_button);

  self->stack = gtk_stack_new ();
  gtk_widget_set_vexpand (self->stack, TRUE);
  gtk_box_append (GTK_BOX (box), self->stack);

  form = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_margin_top (form, 18);
  gtk_widget_set_margin_bottom (form, 18);
  gtk_widget_set_margin_start (form, 18);
  gtk_widget_set_margin_end (form, 18);
  group = adw_preferences_group_new ();
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
    _("The server makes a one-time password. It is shown once, after the account is created."));
  self->username_row = entry_row (_("_Username"));
  gtk_editable_set_max_width_chars (GTK_EDITABLE (self->username_row), 32);
  self->display_name_row = entry_row (_("_Display name"));
  self->role_row = adw_combo_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->role_row), _("_Role"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (self->role_row), TRUE);
  for (FdRole role = 0; role < FD_N_ROLES; role++)
    gtk_string_list_append (roles, fd_account_role_label (role));
  adw_combo_row_set_model (ADW_COMBO_ROW (self->role_row), G_LIST_MODEL (roles));
  self->estates_row = entry_row (_("_Estates (codes, optional)"));
  gtk_widget_set_tooltip_text (self->estates_row,
                               _("Such as e1, or e1, e2 for a manager. Leave empty for the office’s "
                                 "only estate, or all estates for an auditor or administrator."));
  g_signal_connect_swapped (self->estates_row, "entry-activated", G_CALLBACK (entry_activated_cb),
                            self);
  g_signal_connect_swapped (self->username_row, "entry-activated", G_CALLBACK (entry_activated_cb),
                            self);
  g_signal_connect_swapped (self->display_name_row, "entry-activated",
                            G_CALLBACK (entry_activated_cb), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->username_row);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->display_name_row);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->role_row);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->estates_row);
  gtk_box_append (GTK_BOX (form), group);
  self->message = fd_view_error_label ();
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->message),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Error"), -1);
  gtk_box_append (GTK_BOX (form), GTK_WIDGET (self->message));
  gtk_stack_add_named (GTK_STACK (self->stack), form, "form");

  self->password_page = adw_status_page_new ();
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (self->password_page), "dialog-password-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (self->password_page), _("One-Time Password"));
  content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  self->password_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->password_label), "title-2");
  gtk_widget_add_css_class (GTK_WIDGET (self->password_label), "monospace");
  gtk_box_append (GTK_BOX (content), GTK_WIDGET (self->password_label));
  done = gtk_button_new_with_mnemonic (_("_Done"));
  gtk_widget_set_halign (done, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (done, "pill");
  gtk_widget_add_css_class (done, "suggested-action");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (done), "window.close");
  g_object_set_data (G_OBJECT (self), "fd-done", done);
  gtk_box_append (GTK_BOX (content), done);
  adw_status_page_set_child (ADW_STATUS_PAGE (self->password_page), content);
  gtk_stack_add_named (GTK_STACK (self->stack), self->password_page, "password");
}

static FdAccountDialog *
dialog_new (GtkWindow *parent)
{
  FdAccountDialog *self = g_object_new (FD_TYPE_ACCOUNT_DIALOG, NULL);

  if (parent != NULL)
    gtk_window_set_transient_for (GTK_WINDOW (self), parent);
  return self;
}

FdAccountDialog *
fd_account_dialog_new_create (GtkWindow   *parent,
                              FdApiClient *api)
{
  FdAccountDialog *self;

  g_return_val_if_fail (FD_IS_API_CLIENT (api), NULL);

  self = dialog_new (parent);
  self->api = g_object_ref (api);
  gtk_widget_grab_focus (self->username_row);
  return self;
}

FdAccountDialog *
fd_account_dialog_new_password (GtkWindow  *parent,
                                const char *username,
                                const char *password)
{
  FdAccountDialog *self;

  g_return_val_if_fail (username != NULL && password != NULL, NULL);

  self = dialog_new (parent);
  show_password (self, username, password);
  return self;
}
