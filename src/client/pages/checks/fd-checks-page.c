/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Security Check page: the server's self-check findings (issue 12). */

#include "config.h"

#include "fd-checks-page.h"

#include "fd-view-util.h"

#include <glib/gi18n.h>
#include <string.h>

struct _FdChecksPage
{
  GtkWidget     parent_instance;

  GtkWidget    *scroller;
  GtkWidget    *group;
  GtkWidget    *refresh;
  GtkWidget    *spinner;
  GtkWidget    *summary;
  GtkWidget    *list;
  GtkWidget    *error_label;

  FdApiClient  *api;
  GCancellable *cancellable;
  guint         n_items;
  guint         n_level[3];   /* ok, warning, critical */
};

G_DEFINE_FINAL_TYPE (FdChecksPage, fd_checks_page, GTK_TYPE_WIDGET)

enum {
  LOADED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The check's name, translated; the server's "what" and "fix" follow. */
static const char *
check_title (const char *id)
{
  static const struct { const char *id; const char *title; } titles[] = {
    { "data-dir-mode", N_("Data directory permissions") },
    { "data-key-mode", N_("Data key file permissions") },
    { "tls-key-mode", N_("TLS private key permissions") },
    { "database-mode", N_("Database file permissions") },
    { "certificate-expiry", N_("Server certificate expiry") },
    { "tls-settings", N_("TLS settings") },
    { "listen-certificate", N_("Network listening and certificate") },
    { "demo-passwords", N_("Demo passwords") },
    { "stale-accounts", N_("Accounts not used for 90 days") },
    { "audit-chain", N_("Audit log chain") },
    { "database-integrity", N_("Database integrity") },
    { "alert-delivery", N_("Alert delivery") },
    { "database-open", N_("Opening the database") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    if (g_strcmp0 (id, titles[i].id) == 0)
      return _(titles[i].title);
  return id ? id : _("Check");
}

static int
level_index (const char *level)
{
  if (g_strcmp0 (level, "critical") == 0)
    return 2;
  if (g_strcmp0 (level, "warning") == 0)
    return 1;
  return 0;
}

static void
add_row (FdChecksPage *self,
         JsonObject   *finding)
{
  const char *id = json_object_get_string_member_with_default (finding, "id", NULL);
  const char *level = json_object_get_string_member_with_default (finding, "level", "ok");
  const char *what = json_object_get_string_member_with_default (finding, "what", "");
  const char *fix = json_object_get_string_member_with_default (finding, "fix", "");
  static const char *icons[] = { "emblem-ok-symbolic", "dialog-warning-symbolic",
                                 "dialog-error-symbolic" };
  static const char *classes[] = { "success", "warning", "error" };
  const char *level_names[] = { _("OK"), _("Warning"), _("Critical") };
  int idx = level_index (level);
  g_autofree char *subtitle = NULL;
  g_autofree char *accessible = NULL;
  GtkWidget *row, *icon;

  if (idx == 0)
    subtitle = g_strdup (what);
  else
    /* Translators: a finding of the security check: what was found, then how to fix it */
    subtitle = g_strdup_printf (_("%s\nFix: %s"), what, fix);

  row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), check_title (id));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_name (row, id ? id : "check");
  icon = gtk_image_new_from_icon_name (icons[idx]);
  gtk_widget_add_css_class (icon, classes[idx]);
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  level_names[idx], -1);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  /* Translators: accessible name of a finding: level, check name */
  accessible = g_strdup_printf (_("%s: %s"), level_names[idx], check_title (id));
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, subtitle, -1);
  gtk_list_box_append (GTK_LIST_BOX (self->list), row);
  self->n_items++;
  self->n_level[idx]++;
}

static void
set_busy (FdChecksPage *self,
          gboolean      busy)
{
  /* the button follows its action */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "checks.refresh", !busy);
  gtk_widget_set_visible (self->spinner, busy);
  gtk_spinner_set_spinning (GTK_SPINNER (self->spinner), busy);
  if (busy)
    gtk_label_set_text (GTK_LABEL (self->summary), _("Checking… (the audit log and the database are read in full)"));
}

static void
update_summary (FdChecksPage *self)
{
  g_autofree char *text = NULL;

  if (self->n_level[2] > 0)
    /* Translators: the security check's summary; %u is a number of findings */
    text = g_strdup_printf (ngettext ("%u critical finding: fix it now.",
                                      "%u critical findings: fix them now.", self->n_level[2]),
                            self->n_level[2]);
  else if (self->n_level[1] > 0)
    /* Translators: the security check's summary; %u is a number of findings */
    text = g_strdup_printf (ngettext ("%u warning to fix soon.", "%u warnings to fix soon.",
                                      self->n_level[1]), self->n_level[1]);
  else
    text = g_strdup (_("Every check passed."));
  gtk_label_set_text (GTK_LABEL (self->summary), text);
}

static void
checks_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(FdChecksPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonArray *items = NULL;
  GtkWidget *child;

  root = fd_api_client_request_finish (FD_API_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);

  while ((child = GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (self->list), 0))) != NULL)
    gtk_list_box_remove (GTK_LIST_BOX (self->list), child);
  self->n_items = 0;
  memset (self->n_level, 0, sizeof self->n_level);

  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonObject *o = json_node_get_object (root);
      if (json_object_has_member (o, "items") &&
          JSON_NODE_HOLDS_ARRAY (json_object_get_member (o, "items")))
        items = json_object_get_array_member (o, "items");
    }
  if (items == NULL)
    {
      gtk_label_set_text (GTK_LABEL (self->error_label),
                          error ? error->message : _("The server sent no findings"));
      gtk_widget_set_visible (self->error_label, TRUE);
      gtk_label_set_text (GTK_LABEL (self->summary), "");
      g_signal_emit (self, signals[LOADED], 0);
      return;
    }

  gtk_widget_set_visible (self->error_label, FALSE);
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonNode *node = json_array_get_element (items, i);
      if (JSON_NODE_HOLDS_OBJECT (node))
        add_row (self, json_node_get_object (node));
    }
  update_summary (self);
  g_signal_emit (self, signals[LOADED], 0);
}

static void
load (FdChecksPage *self,
      gboolean      fresh)
{
  fd_view_cancel (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  set_busy (self, TRUE);
  fd_api_client_request_async (self->api, "GET", fresh ? "/admin/checks?fresh=1" : "/admin/checks",
                               NULL, self->cancellable, checks_cb, g_object_ref (self));
}

void
fd_checks_page_refresh (FdChecksPage *self)
{
  g_return_if_fail (FD_IS_CHECKS_PAGE (self));
  load (self, TRUE);
}

guint
fd_checks_page_get_n_items (FdChecksPage *self)
{
  g_return_val_if_fail (FD_IS_CHECKS_PAGE (self), 0);
  return self->n_items;
}

guint
fd_checks_page_count_level (FdChecksPage *self,
                            const char   *level)
{
  g_return_val_if_fail (FD_IS_CHECKS_PAGE (self), 0);
  return self->n_level[level_index (level)];
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  fd_checks_page_refresh (FD_CHECKS_PAGE (widget));
}

static void
fd_checks_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (fd_checks_page_parent_class)->map (widget);
  load (FD_CHECKS_PAGE (widget), FALSE);
}

static void
fd_checks_page_dispose (GObject *object)
{
  FdChecksPage *self = FD_CHECKS_PAGE (object);

  fd_view_cancel (&self->cancellable);
  g_clear_pointer (&self->scroller, gtk_widget_unparent);
  g_clear_object (&self->api);

  G_OBJECT_CLASS (fd_checks_page_parent_class)->dispose (object);
}

static void
fd_checks_page_class_init (FdChecksPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fd_checks_page_dispose;
  widget_class->map = fd_checks_page_map;

  signals[LOADED] = fd_view_add_signal (klass, "loaded");

  gtk_widget_class_install_action (widget_class, "checks.refresh", NULL, refresh_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "fd-checks-page");
}

static void
fd_checks_page_init (FdChecksPage *self)
{
}

FdChecksPage *
fd_checks_page_new (FdApiClient *api)
{
  FdChecksPage *self;
  GtkWidget *box, *header;

  g_return_val_if_fail (FD_IS_API_CLIENT (api), NULL);

  self = g_object_new (FD_TYPE_CHECKS_PAGE, NULL);
  self->api = g_object_ref (api);

  self->scroller = fd_view_page_scroller (GTK_WIDGET (self), 12, &box);

  self->group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self->group), _("Security Check"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self->group),
    _("Key and database file permissions, the certificate, TLS, accounts, the audit log "
      "and alert delivery, checked by the server. It also runs daily from a timer."));

  header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_valign (header, GTK_ALIGN_START);
  self->spinner = gtk_spinner_new ();
  gtk_widget_set_visible (self->spinner, FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->spinner),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Checking"), -1);
  gtk_box_append (GTK_BOX (header), self->spinner);
  self->refresh = gtk_button_new_with_mnemonic (_("_Run Check Again"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->refresh),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Run the security check again"), -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->refresh), "checks.refresh");
  gtk_box_append (GTK_BOX (header), self->refresh);
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (self->group), header);

  self->summary = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->summary), 0);
  gtk_label_set_wrap (GTK_LABEL (self->summary), TRUE);
  gtk_widget_add_css_class (self->summary, "heading");
  gtk_widget_set_margin_bottom (self->summary, 6);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->summary),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Security check summary"), -1);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->group), self->summary);

  self->list = fd_view_boxed_list (_("Security check findings"), _("No findings yet"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->group), self->list);

  self->error_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->error_label), TRUE);
  gtk_widget_add_css_class (self->error_label, "error");
  gtk_widget_set_visible (self->error_label, FALSE);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->group), self->error_label);
  gtk_box_append (GTK_BOX (box), self->group);

  return self;
}
