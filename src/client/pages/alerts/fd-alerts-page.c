#include "config.h"

#include "fd-alerts-page.h"

#include "fd-view-util.h"

#include <glib/gi18n.h>

struct _FdAlertsPage
{
  GtkWidget      parent_instance;

  GtkWidget     *scroller;
  FdIncidentRow *incident_row;
  GtkWidget     *list;
  GtkWidget     *error_label;

  FdApiClient   *api;
  GCancellable  *cancellable;
  guint          n_alerts;

  /* issue 12: alerts out of the app (manager) */
  GtkWidget     *deliveries;      /* NULL for the auditor */
  GtkWidget     *test_button;
  GtkWidget     *test_status;
  guint          n_deliveries;
};

G_DEFINE_FINAL_TYPE (FdAlertsPage, fd_alerts_page, GTK_TYPE_WIDGET)

enum {
  LOADED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

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
  gtk_list_box_append (GTK_LIST_BOX (self->list), row);
  self->n_alerts++;
}

static void
alerts_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(FdAlertsPage) self = user_data;
  g_autoptr(FdPage) page = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *child;

  page = fd_api_client_list_alerts_finish (FD_API_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* Rows only: the placeholder is a child of the list too. */
  while ((child = GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (self->list), 0))) != NULL)
    gtk_list_box_remove (GTK_LIST_BOX (self->list), child);
  self->n_alerts = 0;

  if (page == NULL)
    {
      gtk_label_set_text (GTK_LABEL (self->error_label), error->message);
      gtk_widget_set_visible (self->error_label, TRUE);
      g_signal_emit (self, signals[LOADED], 0);
      return;
    }

  gtk_widget_set_visible (self->error_label, FALSE);
  for (guint i = 0; i < page->items->len; i++)
    add_alert_row (self, g_ptr_array_index (page->items, i));
  g_signal_emit (self, signals[LOADED], 0);
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
add_delivery_row (FdAlertsPage *self,
                  JsonObject   *d)
{
  const char *kind = json_object_get_string_member_with_default (d, "kind", NULL);
  const char *status = json_object_get_string_member_with_default (d, "status", "pending");
  const char *channel = json_object_get_string_member_with_default (d, "channel", "");
  const char *destination = json_object_get_string_member_with_default (d, "destination", "");
  const char *last_error = json_object_get_string_member_with_default (d, "last_error", NULL);
  g_autofree char *when = fd_view_format_time (json_object_get_string_member_with_default (d, "at", NULL), TRUE);
  g_autofree char *title = NULL;
  g_autoptr(GString) subtitle = g_string_new (NULL);
  gint64 attempts = json_object_get_int_member_with_default (d, "attempts", 0);
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
  g_autoptr(JsonNode) root = fd_api_client_request_finish (FD_API_CLIENT (source), result, &error);
  GtkWidget *child;
  JsonArray *items = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  while ((child = GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (self->deliveries), 0))) != NULL)
    gtk_list_box_remove (GTK_LIST_BOX (self->deliveries), child);
  self->n_deliveries = 0;
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root) &&
      json_object_has_member (json_node_get_object (root), "items"))
    items = json_object_get_array_member (json_node_get_object (root), "items");
  for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
    if (JSON_NODE_HOLDS_OBJECT (json_array_get_element (items, i)))
      add_delivery_row (self, json_array_get_object_element (items, i));
  if (error != NULL)
    gtk_label_set_text (GTK_LABEL (self->test_status), error->message);
}

static void
refresh_deliveries (FdAlertsPage *self)
{
  if (self->deliveries != NULL)
    fd_api_client_request_async (self->api, "GET", "/alerts/deliveries?limit=50", NULL,
                                 self->cancellable, deliveries_cb, g_object_ref (self));
}

static void
test_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(FdAlertsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = fd_api_client_request_finish (FD_API_CLIENT (source), result, &error);
  gint64 queued = 0;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_widget_set_sensitive (self->test_button, TRUE);
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    queued = json_object_get_int_member_with_default (json_node_get_object (root), "queued", 0);
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
  fd_api_client_request_async (self->api, "POST", "/alerts/test", NULL, self->cancellable,
                               test_cb, g_object_ref (self));
}

guint
fd_alerts_page_get_n_deliveries (FdAlertsPage *self)
{
  g_return_val_if_fail (FD_IS_ALERTS_PAGE (self), 0);
  return self->n_deliveries;
}

void
fd_alerts_page_refresh (FdAlertsPage *self)
{
  g_return_if_fail (FD_IS_ALERTS_PAGE (self));

  fd_view_cancel (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  fd_incident_row_refresh (self->incident_row);
  fd_api_client_list_alerts_async (self->api, self->cancellable,
                                   alerts_cb, g_object_ref (self));
  refresh_deliveries (self);
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
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  fd_alerts_page_refresh (FD_ALERTS_PAGE (widget));
}

static void
fd_alerts_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (fd_alerts_page_parent_class)->map (widget);
  fd_alerts_page_refresh (FD_ALERTS_PAGE (widget));
}

static void
fd_alerts_page_dispose (GObject *object)
{
  FdAlertsPage *self = FD_ALERTS_PAGE (object);

  fd_view_cancel (&self->cancellable);
  g_clear_pointer (&self->scroller, gtk_widget_unparent);
  g_clear_object (&self->api);

  G_OBJECT_CLASS (fd_alerts_page_parent_class)->dispose (object);
}

static void
fd_alerts_page_class_init (FdAlertsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fd_alerts_page_dispose;
  widget_class->map = fd_alerts_page_map;

  signals[LOADED] = fd_view_add_signal (klass, "loaded");

  gtk_widget_class_install_action (widget_class, "alerts.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "alerts.send-test", NULL, test_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
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
  GtkWidget *box, *group, *button;

  g_return_val_if_fail (FD_IS_API_CLIENT (api), NULL);

  self = g_object_new (FD_TYPE_ALERTS_PAGE, NULL);
  self->api = g_object_ref (api);

  self->scroller = fd_view_page_scroller (GTK_WIDGET (self), 24, &box);

  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Incident Response"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
    can_switch ? _("Freeze every reveal and export at once when data may have leaked.")
               : _("Only a manager can switch the freeze."));
  self->incident_row = fd_incident_row_new (api, can_switch);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->incident_row));
  gtk_box_append (GTK_BOX (box), group);

  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Alerts"));
  button = gtk_button_new_from_icon_name ("view-refresh-symbolic");
  gtk_widget_set_tooltip_text (button, _("Refresh"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Refresh alerts"), -1);
  gtk_widget_add_css_class (button, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "alerts.refresh");
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group), button);
  self->list = fd_view_boxed_list (_("Alerts"), _("No alerts"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->list);
  self->error_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->error_label), TRUE);
  gtk_widget_add_css_class (self->error_label, "error");
  gtk_widget_set_visible (self->error_label, FALSE);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->error_label);
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
