/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Incident response, the alerts raised and where they were sent. */

#include "config.h"

#include "fd-alerts-page.h"

#include "fd-view-util.h"

#include <glib/gi18n.h>

struct _FdAlertsPage
{
  FdListPage     parent_instance;

  FdIncidentRow *incident_row;
  guint          n_alerts;

  /* issue 12: alerts out of the app (manager) */
  GtkWidget     *deliveries;      /* NULL for the auditor */
  GtkWidget     *test_button;
  GtkWidget     *test_status;
  guint          n_deliveries;
};

G_DEFINE_FINAL_TYPE (FdAlertsPage, fd_alerts_page, FD_TYPE_LIST_PAGE)

static const char *
kind_label (const char *kind)
{
  if (g_strcmp0 (kind, "off-hours-bulk") == 0)
    return _("Many residents viewed off hours (account locked)");
  if (g_strcmp0 (kind, "reveal-burst") == 0)
    return _("Many reveals off hours (account locked)");
  if (g_strcmp0 (kind, "in-hours-bulk") == 0)
    return _("Many residents viewed");
  if (g_strcmp0 (kind, "failed-logins") == 0)
    return _("Repeated failed sign-ins (account locked for 15 minutes)");
  return kind ? kind : _("Alert");
}

static void
add_alert_row (FdAlertsPage  *self,
               const FdAlert *alert)
{
  const char *kind = alert->kind;
  const char *actor = alert->actor;
  const char *detail = alert->detail;
  g_autofree char *when = fd_view_format_time (alert->at, TRUE);
  g_autoptr(GString) subtitle = g_string_new (when);
  GtkWidget *row, *icon;

  if (actor != NULL)
    /* Translators: part of an alert row; %s is a user name */
    g_string_append_printf (subtitle, _(" · user %s"), actor);
  if (detail != NULL && *detail != '\0')
    g_string_append_printf (subtitle, " · %s", detail);

  row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), kind_label (kind));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
  icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
  gtk_widget_add_css_class (icon, "warning");
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  gtk_list_box_append (GTK_LIST_BOX (fd_list_page_get_list (FD_LIST_PAGE (self))), row);
  self->n_alerts++;
}

static void
alerts_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(FdAlertsPage) self = user_data;
  FdListPage *base = FD_LIST_PAGE (self);
  g_autoptr(FdPage) page = NULL;
  g_autoptr(GError) error = NULL;

  page = fd_api_client_list_alerts_finish (FD_API_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  fd_list_page_clear_list (fd_list_page_get_list (base));
  self->n_alerts = 0;
  fd_list_page_set_error (base, page == NULL ? error->message : NULL);
  for (guint i = 0; page != NULL && i < page->items->len; i++)
    add_alert_row (self, g_ptr_array_index (page->items, i));
  fd_list_page_loaded (base);
}

/* deliveries out of the app (issue 12) */

static const char *
delivery_status_label (const char *status)
{
  if (g_strcmp0 (status, "delivered") == 0)
    return _("Delivered");
  if (g_strcmp0 (status, "failed") == 0)
    return _("Failed, given up");
  return _("Waiting to retry");
}

static void
add_delivery_row (FdAlertsPage          *self,
                  const FdAlertDelivery *d)
{
  const char *kind = d->kind;
  const char *status = d->status ? d->status : "pending";
  const char *channel = d->channel ? d->channel : "";
  const char *destination = d->destination ? d->destination : "";
  const char *last_error = d->last_error;
  g_autofree char *when = fd_view_format_time (d->at, TRUE);
  g_autofree char *title = NULL;
  g_autoptr(GString) subtitle = g_string_new (NULL);
  gint64 attempts = d->attempts;
  gboolean delivered = g_strcmp0 (status, "delivered") == 0;
  gboolean failed = g_strcmp0 (status, "failed") == 0;
  GtkWidget *row, *icon;

  /* Translators: a delivery of an alert: the alert, then where it went (webhook or syslog: address) */
  title = g_strdup_printf (_("%s → %s"), g_strcmp0 (kind, "test") == 0 ? _("Test alert") : kind_label (kind),
                           g_strcmp0 (channel, "webhook") == 0 ? _("Webhook") : _("Journal / syslog"));
  g_string_append_printf (subtitle, "%s · %s · ", delivery_status_label (status), when);
  /* Translators: how many times the server tried to send an alert */
  g_string_append_printf (subtitle, ngettext ("%d attempt", "%d attempts", (gulong) attempts),
                          (int) attempts);
  g_string_append_printf (subtitle, " · %s", destination);
  if (!delivered && last_error != NULL)
    /* Translators: the last error of an alert delivery */
    g_string_append_printf (subtitle, _("\nLast error: %s"), last_error);

  row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
  icon = gtk_image_new_from_icon_name (delivered ? "emblem-ok-symbolic"
                                       : failed ? "dialog-error-symbolic" : "view-refresh-symbolic");
  gtk_widget_add_css_class (icon, delivered ? "success" : failed ? "error" : "warning");
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  delivery_status_label (status), -1);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, subtitle->str, -1);
  gtk_list_box_append (GTK_LIST_BOX (self->deliveries), row);
  self->n_deliveries++;
}

static void
deliveries_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(FdAlertsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FdPage) page = NULL;

  page = fd_api_client_list_alert_deliveries_finish (FD_API_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  fd_list_page_clear_list (self->deliveries);
  self->n_deliveries = 0;
  for (guint i = 0; page != NULL && i < page->items->len; i++)
    add_delivery_row (self, g_ptr_array_index (page->items, i));
  if (error != NULL)
    gtk_label_set_text (GTK_LABEL (self->test_status), error->message);
}

static void
refresh_deliveries (FdAlertsPage *self)
{
  FdListPage *base = FD_LIST_PAGE (self);

  if (self->deliveries != NULL)
    fd_api_client_list_alert_deliveries_async (fd_list_page_get_api (base), 50,
                                               fd_list_page_get_cancellable (base),
                                               deliveries_cb, g_object_ref (self));
}

static void
test_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(FdAlertsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  gint64 queued = 0;

  fd_api_client_send_test_alert_finish (FD_API_CLIENT (source), result, &queued, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_widget_set_sensitive (self->test_button, TRUE);
  if (error != NULL)
    gtk_label_set_text (GTK_LABEL (self->test_status), error->message);
  else if (queued == 0)
    gtk_label_set_text (GTK_LABEL (self->test_status),
                        _("No destination is configured: set alert-webhook or alert-syslog on the server."));
  else
    gtk_label_set_text (GTK_LABEL (self->test_status),
                        _("Test alert queued; it appears below once sent."));
  refresh_deliveries (self);
}

static void
test_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  FdAlertsPage *self = FD_ALERTS_PAGE (widget);

  if (self->test_button == NULL)
    return;
  gtk_widget_set_sensitive (self->test_button, FALSE);
  gtk_label_set_text (GTK_LABEL (self->test_status), _("Sending a test alert…"));
  fd_api_client_send_test_alert_async (fd_list_page_get_api (FD_LIST_PAGE (self)),
                                       fd_list_page_get_cancellable (FD_LIST_PAGE (self)),
                                       test_cb, g_object_ref (self));
}

guint
fd_alerts_page_get_n_deliveries (FdAlertsPage *self)
{
  g_return_val_if_fail (FD_IS_ALERTS_PAGE (self), 0);
  return self->n_deliveries;
}

static void
fd_alerts_page_load (FdListPage *base,
                     gboolean    on_map)
{
  FdAlertsPage *self = FD_ALERTS_PAGE (base);
  GCancellable *cancellable = fd_list_page_restart (base);

  fd_incident_row_refresh (self->incident_row);
  fd_api_client_list_alerts_async (fd_list_page_get_api (base), cancellable,
                                   alerts_cb, g_object_ref (self));
  refresh_deliveries (self);
}

void
fd_alerts_page_refresh (FdAlertsPage *self)
{
  g_return_if_fail (FD_IS_ALERTS_PAGE (self));
  fd_list_page_refresh (FD_LIST_PAGE (self));
}

guint
fd_alerts_page_get_n_alerts (FdAlertsPage *self)
{
  g_return_val_if_fail (FD_IS_ALERTS_PAGE (self), 0);
  return self->n_alerts;
}

FdIncidentRow *
fd_alerts_page_get_incident_row (FdAlertsPage *self)
{
  g_return_val_if_fail (FD_IS_ALERTS_PAGE (self), NULL);
  return self->incident_row;
}

static void
fd_alerts_page_class_init (FdAlertsPageClass *klass)
{
  FdListPageClass *list_class = FD_LIST_PAGE_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  list_class->load = fd_alerts_page_load;
  fd_list_page_class_install_refresh (list_class, "alerts.refresh");
  gtk_widget_class_install_action (widget_class, "alerts.send-test", NULL, test_action);
  gtk_widget_class_set_css_name (widget_class, "fd-alerts-page");
}

static void
fd_alerts_page_init (FdAlertsPage *self)
{
}

FdAlertsPage *
fd_alerts_page_new (FdApiClient *api,
                    gboolean     can_switch)
{
  FdAlertsPage *self;
  GtkWidget *box, *group;

  g_return_val_if_fail (FD_IS_API_CLIENT (api), NULL);

  self = g_object_new (FD_TYPE_ALERTS_PAGE, NULL);
  box = fd_list_page_setup (FD_LIST_PAGE (self), api, 24);

  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Incident Response"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
    can_switch ? _("Freeze every reveal and export at once when data may have leaked.")
               : _("Only a manager can switch the freeze."));
  self->incident_row = fd_incident_row_new (api, can_switch);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->incident_row));
  gtk_box_append (GTK_BOX (box), group);

  group = fd_list_page_group_with_refresh (_("Alerts"), "alerts.refresh", _("Refresh alerts"));
  fd_list_page_add_list (FD_LIST_PAGE (self), group, _("Alerts"), _("No alerts"));
  gtk_box_append (GTK_BOX (box), group);

  /* issue 12: where alerts went out of the app (manager only) */
  if (can_switch)
    {
      group = adw_preferences_group_new ();
      adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Sent Out of the App"));
      adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
        _("Each alert also goes to the office’s group chat or log collector; failed "
          "deliveries are retried."));
      self->test_button = gtk_button_new_with_mnemonic (_("Send _Test Alert"));
      gtk_widget_set_valign (self->test_button, GTK_ALIGN_START);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->test_button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Send a test alert"), -1);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->test_button), "alerts.send-test");
      adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group), self->test_button);
      self->test_status = gtk_label_new (NULL);
      gtk_label_set_xalign (GTK_LABEL (self->test_status), 0);
      gtk_label_set_wrap (GTK_LABEL (self->test_status), TRUE);
      gtk_widget_add_css_class (self->test_status, "dim-label");
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->test_status),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Test alert status"), -1);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->test_status);
      self->deliveries = fd_view_boxed_list (_("Alert deliveries"), _("Nothing sent yet"));
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->deliveries);
      gtk_box_append (GTK_BOX (box), group);
    }

  return self;
}
