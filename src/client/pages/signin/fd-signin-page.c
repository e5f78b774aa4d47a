#include "config.h"

#include "fd-signin-page.h"

#include "fd-form-util.h"
#include "fd-view-util.h"

#include <glib/gi18n.h>

struct _FdSigninPage
{
  AdwBin     parent_instance;

  GtkLabel  *server_label;
  GtkEntry  *username_entry;
  GtkWidget *password_entry;
  GtkEntry  *workstation_entry;
  GtkLabel  *message_label;
  GtkButton *sign_in_button;
  GtkLabel  *sign_in_label;
  GtkSpinner *spinner;

  gboolean   busy;
};

G_DEFINE_FINAL_TYPE (FdSigninPage, fd_signin_page, ADW_TYPE_BIN)

enum {
  SUBMIT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
is_complete (FdSigninPage *self)
{
  const char *username = fd_signin_page_get_username (self);
  const char *password = fd_signin_page_get_password (self);
  const char *workstation = fd_signin_page_get_workstation (self);

  return username[0] != '\0' && password[0] != '\0' && workstation[0] != '\0';
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
  if (fd_signin_page_get_username (self)[0] == '\0')
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
fd_signin_page_class_init (FdSigninPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  signals[SUBMIT] = fd_view_add_signal (klass, "submit");

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/frontdesk/FrontDesk/fd-signin-page.ui");
  gtk_widget_class_bind_template_child (widget_class, FdSigninPage, server_label);
  gtk_widget_class_bind_template_child (widget_class, FdSigninPage, username_entry);
  gtk_widget_class_bind_template_child (widget_class, FdSigninPage, password_entry);
  gtk_widget_class_bind_template_child (widget_class, FdSigninPage, workstation_entry);
  gtk_widget_class_bind_template_child (widget_class, FdSigninPage, message_label);
  gtk_widget_class_bind_template_child (widget_class, FdSigninPage, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, FdSigninPage, sign_in_label);
  gtk_widget_class_bind_template_child (widget_class, FdSigninPage, spinner);
  gtk_widget_class_bind_template_callback (widget_class, changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, entry_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, sign_in_clicked_cb);
}

static void
fd_signin_page_init (FdSigninPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
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

  gtk_editable_set_text (GTK_EDITABLE (self->workstation_entry),
                         workstation != NULL ? workstation : "");
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

  return gtk_editable_get_text (GTK_EDITABLE (self->workstation_entry));
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
  fd_form_set_busy (self->spinner, self->sign_in_label, self->busy,
                    _("Signing In…"), _("_Sign In"), GTK_WIDGET (self->username_entry),
                    self->password_entry, GTK_WIDGET (self->workstation_entry), NULL);
  update_button (self);
}

FD_FORM_DEFINE_MESSAGE (FdSigninPage, fd_signin_page, FD_IS_SIGNIN_PAGE, message_label)

void
fd_signin_page_focus (FdSigninPage *self)
{
  g_return_if_fail (FD_IS_SIGNIN_PAGE (self));

  if (fd_signin_page_get_username (self)[0] == '\0')
    gtk_widget_grab_focus (GTK_WIDGET (self->username_entry));
  else
    gtk_widget_grab_focus (self->password_entry);
}
