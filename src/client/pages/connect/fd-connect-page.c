/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The connect page: the server address, and the office CA file or key pin on first start. */

#include "config.h"

#include "fd-connect-page.h"

#include "fd-form-util.h"
#include "fd-view-util.h"

#include <glib/gi18n.h>

struct _FdConnectPage
{
  AdwBin      parent_instance;

  GtkEntry   *url_entry;
  GtkLabel   *trust_label;
  GtkLabel   *message_label;
  GtkButton  *connect_button;
  GtkLabel   *connect_label;
  GtkSpinner *spinner;
  /* issue 14: first start without provisioning */
  GtkWidget  *import_button;
  GtkEntry   *pin_entry;
  GtkFileChooserNative *chooser;

  gboolean    busy;
};

G_DEFINE_FINAL_TYPE (FdConnectPage, fd_connect_page, ADW_TYPE_BIN)

enum {
  SUBMIT,
  IMPORT_CA,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
update_button (FdConnectPage *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->connect_button),
                            !self->busy && fd_connect_page_get_url (self)[0] != '\0');
}

static void
changed_cb (FdConnectPage *self)
{
  update_button (self);
}

static void
submit_cb (FdConnectPage *self)
{
  if (self->busy || fd_connect_page_get_url (self)[0] == '\0')
    return;

  g_signal_emit (self, signals[SUBMIT], 0);
}

static void
chooser_response_cb (FdConnectPage *self,
                     int            response)
{
  g_autoptr(GtkFileChooserNative) chooser = g_steal_pointer (&self->chooser);
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (chooser));
  if (file != NULL)
    fd_connect_page_import_file (self, file);
}

/* GtkFileChooserNative, not GtkFileDialog (GTK 4.10): through the
 * file-chooser portal in the Flatpak, which hands over only that file. */
static void
import_clicked_cb (FdConnectPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Import Office Certificate"),
                                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_OPEN,
                                               _("_Import"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_filter_set_name (filter, _("Certificates (.pem, .crt)"));
  gtk_file_filter_add_pattern (filter, "*.pem");
  gtk_file_filter_add_pattern (filter, "*.crt");
  gtk_file_filter_add_mime_type (filter, "application/x-x509-ca-cert");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  g_signal_connect_swapped (self->chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
fd_connect_page_dispose (GObject *object)
{
  FdConnectPage *self = FD_CONNECT_PAGE (object);

  if (self->chooser != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->chooser, self);
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }
  G_OBJECT_CLASS (fd_connect_page_parent_class)->dispose (object);
}

static void
fd_connect_page_class_init (FdConnectPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fd_connect_page_dispose;
  signals[SUBMIT] = fd_view_add_signal (klass, "submit");
  signals[IMPORT_CA] = g_signal_new ("import-ca", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_FILE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/frontdesk/FrontDesk/fd-connect-page.ui");
  gtk_widget_class_bind_template_child (widget_class, FdConnectPage, url_entry);
  gtk_widget_class_bind_template_child (widget_class, FdConnectPage, trust_label);
  gtk_widget_class_bind_template_child (widget_class, FdConnectPage, message_label);
  gtk_widget_class_bind_template_child (widget_class, FdConnectPage, connect_button);
  gtk_widget_class_bind_template_child (widget_class, FdConnectPage, connect_label);
  gtk_widget_class_bind_template_child (widget_class, FdConnectPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, FdConnectPage, import_button);
  gtk_widget_class_bind_template_child (widget_class, FdConnectPage, pin_entry);
  gtk_widget_class_bind_template_callback (widget_class, import_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, submit_cb);
}

static void
fd_connect_page_init (FdConnectPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  fd_connect_page_set_trust (self, NULL, NULL);
  update_button (self);
}

void
fd_connect_page_set_url (FdConnectPage *self,
                         const char    *url)
{
  g_return_if_fail (FD_IS_CONNECT_PAGE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->url_entry), url != NULL ? url : "");
}

const char *
fd_connect_page_get_url (FdConnectPage *self)
{
  g_return_val_if_fail (FD_IS_CONNECT_PAGE (self), "");

  return gtk_editable_get_text (GTK_EDITABLE (self->url_entry));
}

void
fd_connect_page_set_trust (FdConnectPage *self,
                           const char    *ca_file,
                           const char    *pin)
{
  g_autofree char *text = NULL;

  g_return_if_fail (FD_IS_CONNECT_PAGE (self));

  if (pin != NULL && pin[0] != '\0')
    /* Translators: %s is a key fingerprint such as sha256:AbC… */
    text = g_strdup_printf (_("Only the server key pinned by your administrator (%s)"), pin);
  else if (ca_file != NULL && ca_file[0] != '\0')
    /* Translators: %s is a file path */
    text = g_strdup_printf (_("The office certificate authority in %s"), ca_file);
  else
    text = g_strdup (_("The certificate authorities trusted by this computer"));

  gtk_label_set_text (self->trust_label, text);
}

void
fd_connect_page_set_busy (FdConnectPage *self,
                          gboolean       busy)
{
  g_return_if_fail (FD_IS_CONNECT_PAGE (self));

  self->busy = !!busy;
  fd_form_set_busy (self->spinner, self->connect_label, self->busy,
                    _("Connecting…"), _("_Connect"), GTK_WIDGET (self->url_entry),
                    self->import_button, GTK_WIDGET (self->pin_entry), NULL);
  update_button (self);
}

FD_FORM_DEFINE_MESSAGE (FdConnectPage, fd_connect_page, FD_IS_CONNECT_PAGE, message_label)

void
fd_connect_page_focus (FdConnectPage *self)
{
  g_return_if_fail (FD_IS_CONNECT_PAGE (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->url_entry));
}

void
fd_connect_page_import_file (FdConnectPage *self,
                             GFile         *file)
{
  g_return_if_fail (FD_IS_CONNECT_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  g_signal_emit (self, signals[IMPORT_CA], 0, file);
}

const char *
fd_connect_page_get_pin (FdConnectPage *self)
{
  g_return_val_if_fail (FD_IS_CONNECT_PAGE (self), "");

  return gtk_editable_get_text (GTK_EDITABLE (self->pin_entry));
}
