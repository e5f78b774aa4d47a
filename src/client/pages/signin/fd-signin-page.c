/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The sign-in page: username and password, estate choice, second-factor code. */

#include "config.h"

#include "fd-signin-page.h"

#include "fd-form-util.h"
#include "fd-view-util.h"

#include <glib/gi18n.h>
#include <string.h>

struct _FdSigninPage
{
  AdwBin     parent_instance;

  GtkLabel  *server_label;
  GtkEntry  *username_entry;
  GtkWidget *password_entry;
  GtkLabel  *workstation_label;
  /* issue 11: the estates a multi-estate account may choose from */
  GtkWidget *estate_label;
  GtkDropDown *estate_dropdown;
  char      *estates_for;   /* the username the estates were offered to */
  GtkLabel  *message_label;
  GtkButton *sign_in_button;
  GtkLabel  *sign_in_label;
  GtkSpinner *spinner;
  /* issue 15: the second step */
  GtkLabel  *title_label;
  GtkWidget *form_grid;
  GtkWidget *code_box;
  GtkLabel  *code_prompt;
  GtkEntry  *code_entry;
  GtkButton *recovery_button;

  gboolean   busy;
  gboolean   asking_code;
  gboolean   recovery;
};

G_DEFINE_FINAL_TYPE (FdSigninPage, fd_signin_page, ADW_TYPE_BIN)

enum {
  SUBMIT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
code_complete (FdSigninPage *self)
{
  const char *code = fd_signin_page_get_code (self);
  gsize len = strlen (code);

  if (self->recovery)
    return len >= 10;
  if (len != 6)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (code[i]))
      return FALSE;
  return TRUE;
}

static gboolean
is_complete (FdSigninPage *self)
{
  if (self->asking_code)
    return code_complete (self);
  return fd_signin_page_get_username (self)[0] != '\0' &&
         fd_signin_page_get_password (self)[0] != '\0' &&
         fd_signin_page_get_workstation (self)[0] != '\0' &&
         (!gtk_widget_get_visible (GTK_WIDGET (self->estate_dropdown)) ||
          fd_signin_page_get_estate (self) != NULL);
}

static void
update_button (FdSigninPage *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->sign_in_button),
                            !self->busy && is_complete (self));
}

static void
changed_cb (FdSigninPage *self)
{
  update_button (self);
}

/* Another name: the estates offered were that account's, not this one's. */
/* The estates offered are that account's: shown only while its name is
 * in the username field. */
static void
username_changed_cb (FdSigninPage *self)
{
  gboolean show = self->estates_for != NULL &&
                  g_str_equal (self->estates_for, fd_signin_page_get_username (self));

  gtk_widget_set_visible (self->estate_label, show);
  gtk_widget_set_visible (GTK_WIDGET (self->estate_dropdown), show);
  update_button (self);
}

static void
submit (FdSigninPage *self)
{
  if (self->busy || !is_complete (self))
    return;

  g_signal_emit (self, signals[SUBMIT], 0);
}

static void
entry_activate_cb (GtkWidget    *entry,
                   FdSigninPage *self)
{
  /* Enter moves on to the next empty field, or signs in. */
  if (self->asking_code)
    submit (self);
  else if (fd_signin_page_get_username (self)[0] == '\0')
    gtk_widget_grab_focus (GTK_WIDGET (self->username_entry));
  else if (fd_signin_page_get_password (self)[0] == '\0')
    gtk_widget_grab_focus (self->password_entry);
  else
    submit (self);
}

static void
sign_in_clicked_cb (FdSigninPage *self)
{
  submit (self);
}

static void
show_code_mode (FdSigninPage *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->code_entry), "");
  if (self->recovery)
    {
      gtk_label_set_text_with_mnemonic (self->code_prompt,
                                        _("Enter one of your _recovery codes. Each works once."));
      gtk_entry_set_input_purpose (self->code_entry, GTK_INPUT_PURPOSE_FREE_FORM);
      gtk_entry_set_max_length (self->code_entry, 13);
      gtk_button_set_label (self->recovery_button, _("Use the _authenticator app"));
    }
  else
    {
      gtk_label_set_text_with_mnemonic (self->code_prompt,
                                        _("Enter the 6-digit _code from your authenticator app."));
      gtk_entry_set_input_purpose (self->code_entry, GTK_INPUT_PURPOSE_DIGITS);
      gtk_entry_set_max_length (self->code_entry, 6);
      gtk_button_set_label (self->recovery_button, _("Use a _recovery code"));
    }
  gtk_widget_grab_focus (GTK_WIDGET (self->code_entry));
  update_button (self);
}

static void
recovery_clicked_cb (FdSigninPage *self)
{
  self->recovery = !self->recovery;
  fd_signin_page_set_message (self, NULL);
  show_code_mode (self);
}

static void
back_clicked_cb (FdSigninPage *self)
{
  fd_signin_page_set_message (self, NULL);
  fd_signin_page_ask_code (self, FALSE);
}

static void
fd_signin_page_finalize (GObject *object)
{
  g_free (FD_SIGNIN_PAGE (object)->estates_for);

  G_OBJECT_CLASS (fd_signin_page_parent_class)->finalize (object);
}

static void
fd_signin_page_class_init (FdSigninPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = fd_signin_page_finalize;

  signals[SUBMIT] = fd_view_add_signal (klass, "submit");

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/frontdesk/FrontDesk/fd-signin-page.ui");
  gtk_widget_class_bind_template_child (widget_class, FdSigninPage, server_label);
  gtk_widget_class_bind_template_child (widget_class, FdSigninPage, username_entry);
  gtk_widget_class_bind_template_child (widget_class, FdSigninPage, password_entry);
  gtk_widget_class_bind_template_child (widget_class, FdSigninPage, workstation_label);
  gtk_widget_class_bind_template_child (widget_class, FdSigninPage, estate_label);
  gtk_widget_class_bind_template_child (widget_class, FdSigninPage, estate_dropdown);
  gtk_widget_class_bind_template_child (widget_class, FdSigninPage, message_label);
  gtk_widget_class_bind_template_child (widget_class, FdSigninPage, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, FdSigninPage, sign_in_label);
  gtk_widget_class_bind_template_child (widget_class, FdSigninPage, spinner);
  gtk_widget_class_bind_template_callback (widget_class, changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, username_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, entry_activate_cb);
  gtk_widget_class_bind_template_child (widget_class, FdSigninPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, FdSigninPage, form_grid);
  gtk_widget_class_bind_template_child (widget_class, FdSigninPage, code_box);
  gtk_widget_class_bind_template_child (widget_class, FdSigninPage, code_prompt);
  gtk_widget_class_bind_template_child (widget_class, FdSigninPage, code_entry);
  gtk_widget_class_bind_template_child (widget_class, FdSigninPage, recovery_button);
  gtk_widget_class_bind_template_callback (widget_class, sign_in_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, recovery_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, back_clicked_cb);
}

static void
fd_signin_page_init (FdSigninPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* GTK 4.8's drop-down takes the focus on an inner toggle button that has
   * no name of its own: give it the drop-down's, "Estate". */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->estate_dropdown));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_TOGGLE_BUTTON (child))
      gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Estate"), -1);
  update_button (self);
}

void
fd_signin_page_set_server (FdSigninPage *self,
                           const char   *server_url)
{
  g_autoptr(GUri) uri = NULL;
  g_autofree char *text = NULL;
  g_autofree char *host = NULL;

  g_return_if_fail (FD_IS_SIGNIN_PAGE (self));

  if (server_url != NULL)
    uri = g_uri_parse (server_url, G_URI_FLAGS_NONE, NULL);

  if (uri != NULL && g_uri_get_host (uri) != NULL)
    {
      if (g_uri_get_port (uri) > 0)
        host = g_strdup_printf ("%s:%d", g_uri_get_host (uri), g_uri_get_port (uri));
      else
        host = g_strdup (g_uri_get_host (uri));
    }

  /* Translators: %s is the server's host name and port */
  text = host != NULL ? g_strdup_printf (_("Office server %s"), host) : NULL;
  gtk_label_set_text (self->server_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->server_label), text != NULL);
}

void
fd_signin_page_set_username (FdSigninPage *self,
                             const char   *username)
{
  g_return_if_fail (FD_IS_SIGNIN_PAGE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->username_entry), username != NULL ? username : "");
}

void
fd_signin_page_set_workstation (FdSigninPage *self,
                                const char   *workstation)
{
  g_return_if_fail (FD_IS_SIGNIN_PAGE (self));

  gtk_label_set_text (self->workstation_label, workstation != NULL ? workstation : "");
  update_button (self);
}

const char *
fd_signin_page_get_username (FdSigninPage *self)
{
  g_return_val_if_fail (FD_IS_SIGNIN_PAGE (self), "");

  return gtk_editable_get_text (GTK_EDITABLE (self->username_entry));
}

const char *
fd_signin_page_get_password (FdSigninPage *self)
{
  g_return_val_if_fail (FD_IS_SIGNIN_PAGE (self), "");

  return gtk_editable_get_text (GTK_EDITABLE (self->password_entry));
}

const char *
fd_signin_page_get_workstation (FdSigninPage *self)
{
  g_return_val_if_fail (FD_IS_SIGNIN_PAGE (self), "");

  return gtk_label_get_text (self->workstation_label);
}

void
fd_signin_page_clear_password (FdSigninPage *self)
{
  g_return_if_fail (FD_IS_SIGNIN_PAGE (self));

  /* GtkPasswordEntryBuffer keeps the text in secure memory and wipes it. */
  gtk_editable_set_text (GTK_EDITABLE (self->password_entry), "");
}

void
fd_signin_page_set_busy (FdSigninPage *self,
                         gboolean      busy)
{
  g_return_if_fail (FD_IS_SIGNIN_PAGE (self));

  self->busy = !!busy;
  if (self->asking_code)
    fd_form_set_busy (self->spinner, self->sign_in_label, self->busy,
                      _("Checking…"), _("_Verify"), GTK_WIDGET (self->code_entry),
                      GTK_WIDGET (self->recovery_button), NULL);
  else
    fd_form_set_busy (self->spinner, self->sign_in_label, self->busy,
                      _("Signing In…"), _("_Sign In"), GTK_WIDGET (self->username_entry),
                      self->password_entry, GTK_WIDGET (self->estate_dropdown), NULL);
  update_button (self);
}

FD_FORM_DEFINE_MESSAGE (FdSigninPage, fd_signin_page, FD_IS_SIGNIN_PAGE, message_label)

void
fd_signin_page_focus (FdSigninPage *self)
{
  g_return_if_fail (FD_IS_SIGNIN_PAGE (self));

  if (self->asking_code)
    gtk_widget_grab_focus (GTK_WIDGET (self->code_entry));
  else if (fd_signin_page_get_username (self)[0] == '\0')
    gtk_widget_grab_focus (GTK_WIDGET (self->username_entry));
  else
    gtk_widget_grab_focus (self->password_entry);
}

void
fd_signin_page_ask_code (FdSigninPage *self,
                         gboolean      ask)
{
  g_return_if_fail (FD_IS_SIGNIN_PAGE (self));

  self->asking_code = !!ask;
  self->recovery = FALSE;
  gtk_widget_set_visible (self->form_grid, !ask);
  gtk_widget_set_visible (self->code_box, ask);
  gtk_label_set_text (self->title_label, ask ? _("Two-Factor Sign-In") : _("Sign In"));
  gtk_label_set_text_with_mnemonic (self->sign_in_label, ask ? _("_Verify") : _("_Sign In"));
  if (ask)
    show_code_mode (self);
  else
    {
      gtk_editable_set_text (GTK_EDITABLE (self->code_entry), "");
      fd_signin_page_focus (self);
      update_button (self);
    }
}

gboolean
fd_signin_page_get_asking_code (FdSigninPage *self)
{
  g_return_val_if_fail (FD_IS_SIGNIN_PAGE (self), FALSE);

  return self->asking_code;
}

const char *
fd_signin_page_get_code (FdSigninPage *self)
{
  g_return_val_if_fail (FD_IS_SIGNIN_PAGE (self), "");

  return gtk_editable_get_text (GTK_EDITABLE (self->code_entry));
}

void
fd_signin_page_clear_code (FdSigninPage *self)
{
  g_return_if_fail (FD_IS_SIGNIN_PAGE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->code_entry), "");
  gtk_widget_grab_focus (GTK_WIDGET (self->code_entry));
}

/* --- estates (issue 11) --- */

void
fd_signin_page_set_estates (FdSigninPage       *self,
                            const char * const *codes)
{
  gboolean show = codes != NULL && codes[0] != NULL;
  g_autoptr(GtkStringList) list = NULL;

  g_return_if_fail (FD_IS_SIGNIN_PAGE (self));

  g_free (self->estates_for);
  self->estates_for = show ? g_strdup (fd_signin_page_get_username (self)) : NULL;
  list = gtk_string_list_new (show ? codes : NULL);
  gtk_drop_down_set_model (self->estate_dropdown, G_LIST_MODEL (list));
  gtk_drop_down_set_selected (self->estate_dropdown, show ? 0 : GTK_INVALID_LIST_POSITION);
  username_changed_cb (self);
}

const char *
fd_signin_page_get_estate (FdSigninPage *self)
{
  GtkStringObject *item;

  g_return_val_if_fail (FD_IS_SIGNIN_PAGE (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->estate_dropdown)))
    return NULL;
  item = gtk_drop_down_get_selected_item (self->estate_dropdown);
  return item != NULL ? gtk_string_object_get_string (item) : NULL;
}

void
fd_signin_page_focus_estate (FdSigninPage *self)
{
  g_return_if_fail (FD_IS_SIGNIN_PAGE (self));

  if (gtk_widget_get_visible (GTK_WIDGET (self->estate_dropdown)))
    gtk_widget_grab_focus (GTK_WIDGET (self->estate_dropdown));
}
