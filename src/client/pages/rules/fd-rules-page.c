/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The data-protection rules, acknowledged before any data page. */

#include "config.h"

#include "fd-rules-page.h"

#include "fd-error.h"
#include "fd-view-util.h"

#include <glib/gi18n.h>

struct _FdRulesPage
{
  GtkWidget     parent_instance;

  GtkWidget    *scroller;
  GtkWidget    *text_label;
  GtkWidget    *error_label;
  GtkWidget    *accept_button;

  FdApiClient  *api;
  GCancellable *cancellable;
  gint64        version;
};

G_DEFINE_FINAL_TYPE (FdRulesPage, fd_rules_page, GTK_TYPE_WIDGET)

enum {
  ACKNOWLEDGED,
  LOADED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
show_error (FdRulesPage  *self,
            const GError *error)
{
  gtk_label_set_text (GTK_LABEL (self->error_label), error->message);
  gtk_widget_set_visible (self->error_label, TRUE);
}

static void
rules_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(FdRulesPage) self = user_data;
  g_autoptr(FdRulesText) rules = NULL;
  g_autoptr(GError) error = NULL;

  rules = fd_api_client_get_rules_finish (FD_API_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (rules == NULL)
    {
      show_error (self, error);
      g_signal_emit (self, signals[LOADED], 0);
      return;
    }
  self->version = rules->version;
  gtk_label_set_text (GTK_LABEL (self->text_label), fd_rules_text_for_locale (rules));
  gtk_widget_set_visible (self->error_label, FALSE);
  gtk_widget_set_sensitive (self->accept_button, TRUE);
  g_signal_emit (self, signals[LOADED], 0);
}

void
fd_rules_page_load (FdRulesPage *self)
{
  g_return_if_fail (FD_IS_RULES_PAGE (self));

  fd_view_cancel (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  gtk_widget_set_sensitive (self->accept_button, FALSE);
  fd_api_client_get_rules_async (self->api, self->cancellable, rules_cb, g_object_ref (self));
}

const char *
fd_rules_page_get_text (FdRulesPage *self)
{
  g_return_val_if_fail (FD_IS_RULES_PAGE (self), NULL);
  return self->version > 0 ? gtk_label_get_text (GTK_LABEL (self->text_label)) : NULL;
}

static void
acknowledge_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(FdRulesPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (fd_api_client_acknowledge_rules_finish (FD_API_CLIENT (source), result, &error))
    {
      g_signal_emit (self, signals[ACKNOWLEDGED], 0);
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  show_error (self, error);
  /* the text changed meanwhile: show the new one, to be read again */
  if (g_error_matches (error, FD_ERROR, FD_ERROR_CONFLICT))
    fd_rules_page_load (self);
  else
    gtk_widget_set_sensitive (self->accept_button, TRUE);
}

static void
accept_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FdRulesPage *self = FD_RULES_PAGE (widget);

  if (self->version < 1)
    return;
  gtk_widget_set_sensitive (self->accept_button, FALSE);
  fd_view_cancel (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  fd_api_client_acknowledge_rules_async (self->api, self->version, self->cancellable,
                                         acknowledge_cb, g_object_ref (self));
}

static void
fd_rules_page_dispose (GObject *object)
{
  FdRulesPage *self = FD_RULES_PAGE (object);

  fd_view_cancel (&self->cancellable);
  g_clear_pointer (&self->scroller, gtk_widget_unparent);
  g_clear_object (&self->api);

  G_OBJECT_CLASS (fd_rules_page_parent_class)->dispose (object);
}

static void
fd_rules_page_class_init (FdRulesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fd_rules_page_dispose;

  signals[ACKNOWLEDGED] = fd_view_add_signal (klass, "acknowledged");
  signals[LOADED] = fd_view_add_signal (klass, "loaded");

  gtk_widget_class_install_action (widget_class, "rules.accept", NULL, accept_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "fd-rules-page");
}

static void
fd_rules_page_init (FdRulesPage *self)
{
}

FdRulesPage *
fd_rules_page_new (FdApiClient *api)
{
  FdRulesPage *self;
  GtkWidget *box, *title, *intro, *frame, *buttons, *sign_out;

  g_return_val_if_fail (FD_IS_API_CLIENT (api), NULL);

  self = g_object_new (FD_TYPE_RULES_PAGE, NULL);
  self->api = g_object_ref (api);

  box = fd_view_page_scaffold (GTK_WIDGET (self), 720, 18, &self->scroller);

  title = gtk_label_new (_("Data-Protection Rules"));
  gtk_widget_add_css_class (title, "title-1");
  gtk_accessible_update_property (GTK_ACCESSIBLE (title), GTK_ACCESSIBLE_PROPERTY_LEVEL, 1, -1);
  gtk_box_append (GTK_BOX (box), title);
  intro = gtk_label_new (_("Read the office’s rules for residents’ personal information before "
                           "you see any resident data. You confirm them once a quarter and "
                           "whenever they change."));
  gtk_label_set_wrap (GTK_LABEL (intro), TRUE);
  gtk_label_set_justify (GTK_LABEL (intro), GTK_JUSTIFY_CENTER);
  gtk_widget_add_css_class (intro, "dim-label");
  gtk_box_append (GTK_BOX (box), intro);

  /* The rules are the office's text, not personal data; still not
   * selectable, like every label in the app. */
  frame = gtk_frame_new (NULL);
  gtk_widget_add_css_class (frame, "view");
  self->text_label = gtk_label_new (_("Loading…"));
  gtk_label_set_wrap (GTK_LABEL (self->text_label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->text_label), 0);
  gtk_widget_set_margin_top (self->text_label, 18);
  gtk_widget_set_margin_bottom (self->text_label, 18);
  gtk_widget_set_margin_start (self->text_label, 18);
  gtk_widget_set_margin_end (self->text_label, 18);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->text_label),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("The data-protection rules"), -1);
  gtk_frame_set_child (GTK_FRAME (frame), self->text_label);
  gtk_box_append (GTK_BOX (box), frame);

  self->error_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->error_label), TRUE);
  gtk_widget_add_css_class (self->error_label, "error");
  gtk_widget_set_visible (self->error_label, FALSE);
  gtk_box_append (GTK_BOX (box), self->error_label);

  buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_set_halign (buttons, GTK_ALIGN_CENTER);
  sign_out = gtk_button_new_with_mnemonic (_("_Sign Out"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (sign_out), "win.sign-out");
  gtk_widget_add_css_class (sign_out, "pill");
  gtk_box_append (GTK_BOX (buttons), sign_out);
  self->accept_button = gtk_button_new_with_mnemonic (_("I Have _Read and Will Follow These Rules"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->accept_button), "rules.accept");
  gtk_widget_add_css_class (self->accept_button, "suggested-action");
  gtk_widget_add_css_class (self->accept_button, "pill");
  gtk_widget_set_sensitive (self->accept_button, FALSE);
  gtk_box_append (GTK_BOX (buttons), self->accept_button);
  gtk_box_append (GTK_BOX (box), buttons);

  return self;
}

GtkWidget *
fd_rules_page_get_accept_button (FdRulesPage *self)
{
  g_return_val_if_fail (FD_IS_RULES_PAGE (self), NULL);
  return self->accept_button;
}
