/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The incident switch row: the freeze state, and a manager's confirmed change of it. */

#include "config.h"

#include "fd-incident-row.h"

#include "fd-field.h"
#include "fd-view-util.h"

#include <glib/gi18n.h>

struct _FdIncidentRow
{
  AdwActionRow      parent_instance;

  GtkWidget        *toggle;
  AdwMessageDialog *dialog;

  FdApiClient      *api;
  GCancellable     *cancellable;
  gboolean          can_switch;
  gboolean          frozen;
  gboolean          known;
};

G_DEFINE_FINAL_TYPE (FdIncidentRow, fd_incident_row, ADW_TYPE_ACTION_ROW)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
sync_switch (FdIncidentRow *self)
{
  gtk_switch_set_active (GTK_SWITCH (self->toggle), self->frozen);
  gtk_switch_set_state (GTK_SWITCH (self->toggle), self->frozen);
}

static void
show_state (FdIncidentRow    *self,
            const FdIncident *incident)
{
  const char *since = incident ? incident->since : NULL;
  const char *by = incident ? incident->by : NULL;
  g_autofree char *subtitle = NULL;

  if (self->frozen)
    {
      g_autofree char *when = fd_view_format_time (since, TRUE);

      /* Translators: first %s is a date and time, second a user name */
      subtitle = g_strdup_printf (_("On since %s by %s: every reveal and export is refused"),
                                  when, by ? by : "?");
      gtk_widget_add_css_class (GTK_WIDGET (self), "fd-frozen");
    }
  else
    {
      subtitle = g_strdup (_("Off: reveals and exports follow the usual rules"));
      gtk_widget_remove_css_class (GTK_WIDGET (self), "fd-frozen");
    }

  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), subtitle);
  sync_switch (self);
}

static void
state_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(FdIncidentRow) self = user_data;
  g_autoptr(FdIncident) incident = NULL;
  g_autoptr(GError) error = NULL;

  incident = fd_api_client_get_incident_finish (FD_API_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  gtk_widget_set_sensitive (self->toggle, self->can_switch);

  if (incident == NULL)
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self), error->message);
      sync_switch (self);
      g_signal_emit (self, signals[CHANGED], 0);
      return;
    }

  self->known = TRUE;
  self->frozen = incident->frozen;
  show_state (self, incident);
  g_signal_emit (self, signals[CHANGED], 0);
}

void
fd_incident_row_refresh (FdIncidentRow *self)
{
  g_return_if_fail (FD_IS_INCIDENT_ROW (self));

  fd_api_client_get_incident_async (self->api, self->cancellable,
                                    state_cb, g_object_ref (self));
}

static void
apply (FdIncidentRow *self,
       gboolean       frozen)
{
  gtk_widget_set_sensitive (self->toggle, FALSE);
  fd_api_client_set_incident_async (self->api, frozen, self->cancellable,
                                    state_cb, g_object_ref (self));
}

static void
response_cb (AdwMessageDialog *dialog,
             const char       *response,
             FdIncidentRow    *self)
{
  gboolean frozen = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "fd-frozen"));
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  /* Without a window manager nobody hands the focus back. */
  if (GTK_IS_WINDOW (root) && gtk_window_is_active (GTK_WINDOW (dialog)))
    fd_view_focus_window (GTK_WINDOW (root));

  if (g_strcmp0 (response, "apply") == 0)
    apply (self, frozen);
  else
    sync_switch (self);
}

static void
dialog_destroyed_cb (FdIncidentRow *self)
{
  self->dialog = NULL;
}

AdwMessageDialog *
fd_incident_row_request (FdIncidentRow *self,
                         gboolean       frozen)
{
  GtkRoot *root;
  GtkWidget *dialog;

  g_return_val_if_fail (FD_IS_INCIDENT_ROW (self), NULL);

  if (!self->can_switch || (self->known && frozen == self->frozen))
    return NULL;

  if (self->dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->dialog));

  root = gtk_widget_get_root (GTK_WIDGET (self));
  if (frozen)
    {
      dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                       _("Freeze All Reveals and Exports?"),
                                       _("Use this when resident data may have leaked. Until "
                                         "you lift the freeze, nobody can reveal a value or "
                                         "export the visitor log. The change is audited."));
      adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                        "cancel", _("_Cancel"),
                                        "apply", _("_Freeze"),
                                        NULL);
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "apply",
                                                  ADW_RESPONSE_DESTRUCTIVE);
    }
  else
    {
      dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                       _("Lift the Freeze?"),
                                       _("Reveals and exports will be allowed again under the "
                                         "usual rules. The change is audited."));
      adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                        "cancel", _("_Cancel"),
                                        "apply", _("_Lift Freeze"),
                                        NULL);
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "apply",
                                                  ADW_RESPONSE_SUGGESTED);
    }

  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "fd-frozen", GINT_TO_POINTER (frozen));
  g_signal_connect_object (dialog, "response", G_CALLBACK (response_cb), self, 0);
  g_signal_connect_object (dialog, "destroy", G_CALLBACK (dialog_destroyed_cb), self,
                           G_CONNECT_SWAPPED);
  self->dialog = ADW_MESSAGE_DIALOG (dialog);
  gtk_window_present (GTK_WINDOW (dialog));

  return self->dialog;
}

static gboolean
state_set_cb (GtkSwitch     *toggle,
              gboolean       state,
              FdIncidentRow *self)
{
  /* The switch follows the server, never the click: ask first. */
  if (state != self->frozen)
    fd_incident_row_request (self, state);
  return TRUE;
}

gboolean
fd_incident_row_get_frozen (FdIncidentRow *self)
{
  g_return_val_if_fail (FD_IS_INCIDENT_ROW (self), FALSE);
  return self->frozen;
}

static void
fd_incident_row_dispose (GObject *object)
{
  FdIncidentRow *self = FD_INCIDENT_ROW (object);

  fd_view_cancel (&self->cancellable);
  if (self->dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->dialog));
  self->dialog = NULL;
  g_clear_object (&self->api);

  G_OBJECT_CLASS (fd_incident_row_parent_class)->dispose (object);
}

static void
fd_incident_row_class_init (FdIncidentRowClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = fd_incident_row_dispose;

  signals[CHANGED] = fd_view_add_signal (klass, "changed");
}

static void
fd_incident_row_init (FdIncidentRow *self)
{
  self->cancellable = g_cancellable_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), _("Incident freeze"));
  self->toggle = gtk_switch_new ();
  gtk_widget_set_valign (self->toggle, GTK_ALIGN_CENTER);
  gtk_widget_set_sensitive (self->toggle, FALSE);
  /* No label of its own: the activatable widget of an action row is
   * labelled by the row title, and both made screen readers say it twice. */
  g_signal_connect_object (self->toggle, "state-set", G_CALLBACK (state_set_cb), self, 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (self), self->toggle);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (self), self->toggle);
}

FdIncidentRow *
fd_incident_row_new (FdApiClient *api,
                     gboolean     can_switch)
{
  FdIncidentRow *self;

  g_return_val_if_fail (FD_IS_API_CLIENT (api), NULL);

  self = g_object_new (FD_TYPE_INCIDENT_ROW, NULL);
  self->api = g_object_ref (api);
  self->can_switch = can_switch;
  return self;
}
