/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The data views of the signed-in role, their toasts and watermark. */

#include "config.h"

#include "fd-main-view-private.h"

#include "fd-accounts-page.h"
#include "fd-alerts-page.h"
#include "fd-acks-page.h"
#include "fd-review-page.h"
#include "fd-checks-page.h"
#include "fd-audit-page.h"
#include "fd-client-resources.h"
#include "fd-field.h"
#include "fd-payments-page.h"
#include "fd-radius-page.h"
#include "fd-resident-page.h"
#include "fd-visitor-page.h"

#include <glib/gi18n.h>

G_DEFINE_FINAL_TYPE (FdMainView, fd_main_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CURTAIN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- toasts ---------------------------------------------------------------- */

void
fd_main_view_toast (FdMainView *self,
                    const char *message)
{
  AdwToast *toast;

  g_return_if_fail (FD_IS_MAIN_VIEW (self));
  g_return_if_fail (message != NULL);

  g_free (self->last_toast);
  self->last_toast = g_strdup (message);

  toast = adw_toast_new (message);
  adw_toast_set_timeout (toast, 3);
  adw_toast_overlay_add_toast (self->toasts, toast);
}

const char *
fd_main_view_get_last_toast (FdMainView *self)
{
  g_return_val_if_fail (FD_IS_MAIN_VIEW (self), NULL);
  return self->last_toast;
}

static void
toast_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  fd_main_view_toast (FD_MAIN_VIEW (widget), g_variant_get_string (parameter, NULL));
}

static void
curtain_notify_cb (FdMainView *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURTAIN]);
}

/* ---- watermark -------------------------------------------------------------- */

static gboolean watermark_tick_cb (gpointer user_data);

static void
update_watermark (FdMainView *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *time = g_date_time_format (now, "%H:%M");
  g_autofree char *text = NULL;
  int seconds = g_date_time_get_second (now);

  text = g_strconcat (self->watermark_base, " · ", time, NULL);
  fd_watermark_set_text (self->watermark, text);

  /* Redrawn when the minute turns. */
  g_clear_handle_id (&self->watermark_id, g_source_remove);
  self->watermark_id = g_timeout_add_seconds (MAX (1, 60 - seconds), watermark_tick_cb, self);
}

static gboolean
watermark_tick_cb (gpointer user_data)
{
  FdMainView *self = user_data;

  self->watermark_id = 0;
  update_watermark (self);
  return G_SOURCE_REMOVE;
}

const char *
fd_main_view_get_watermark_text (FdMainView *self)
{
  g_return_val_if_fail (FD_IS_MAIN_VIEW (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->watermark)))
    return "";
  return fd_watermark_get_text (self->watermark) ? fd_watermark_get_text (self->watermark) : "";
}

/* ---- pages ------------------------------------------------------------------ */

GtkWidget *
fd_main_view_get_page (FdMainView *self,
                       const char *name)
{
  g_return_val_if_fail (FD_IS_MAIN_VIEW (self), NULL);
  return self->pages ? g_hash_table_lookup (self->pages, name) : NULL;
}

void
fd_main_view_show_page (FdMainView *self,
                        const char *name)
{
  g_return_if_fail (FD_IS_MAIN_VIEW (self));

  if (fd_main_view_get_page (self, name) != NULL)
    adw_view_stack_set_visible_child_name (self->stack, name);
}

static void
add_page (FdMainView *self,
          GtkWidget  *page,
          const char *name,
          const char *title,
          const char *icon)
{
  adw_view_stack_add_titled (self->stack, page, name, title);
  adw_view_stack_page_set_icon_name (adw_view_stack_get_page (self->stack, page), icon);
  g_hash_table_insert (self->pages, g_strdup (name), page);
}

static void
build_pages (FdMainView *self)
{
  FdRole role = self->role;
  gboolean desk = role == FD_ROLE_RECEPTION;
  gboolean manager = role == FD_ROLE_MANAGER;
  gboolean patrol = role == FD_ROLE_PATROL;
  gboolean finance = role == FD_ROLE_FINANCE;
  gboolean auditor = role == FD_ROLE_AUDITOR;

  if (desk || finance || manager)
    add_page (self, GTK_WIDGET (fd_resident_page_new (self->api, FALSE, self->reveal_window_s)),
              "residents", _("Residents"), "system-users-symbolic");

  if (patrol)
    add_page (self, GTK_WIDGET (fd_resident_page_new (self->api, TRUE, self->reveal_window_s)),
              "lookup", _("Lookup"), "edit-find-symbolic");

  if (desk || manager || patrol)
    add_page (self, GTK_WIDGET (fd_visitor_page_new (self->api, desk || manager,
                                                     desk || manager, manager)),
              "visitors", _("Visitors"), "contact-new-symbolic");

  if (finance || manager)
    add_page (self, GTK_WIDGET (fd_payments_page_new (self->api)),
              "payments", _("Payments"), "x-office-spreadsheet-symbolic");

  if (role == FD_ROLE_ADMIN)
    add_page (self, GTK_WIDGET (fd_accounts_page_new (self->api, self->session->username)),
              "accounts", _("Accounts"), "avatar-default-symbolic");

  if (manager || auditor)
    {
      add_page (self, GTK_WIDGET (fd_audit_page_new (self->api)),
                "audit", _("Audit Log"), "view-list-symbolic");
      add_page (self, GTK_WIDGET (fd_alerts_page_new (self->api, manager)),
                "alerts", _("Alerts"), "dialog-warning-symbolic");
      /* issue 12 */
      add_page (self, GTK_WIDGET (fd_radius_page_new (self->api)),
                "incident", _("Incident"), "find-location-symbolic");
      add_page (self, GTK_WIDGET (fd_review_page_new (self->api, manager)),   /* issue 12 */
                "review", _("Access Review"), "system-lock-screen-symbolic");
    }
  if (manager)
    add_page (self, GTK_WIDGET (fd_acks_page_new (self->api)),
              "acknowledgments", _("Rules"), "emblem-documents-symbolic");

  /* issue 12: the security self-check */
  if (manager || role == FD_ROLE_ADMIN)
    add_page (self, GTK_WIDGET (fd_checks_page_new (self->api)),
              "checks", _("Security Check"), "security-high-symbolic");

  if (g_hash_table_size (self->pages) == 0)
    {
      GtkWidget *status = adw_status_page_new ();

      adw_status_page_set_icon_name (ADW_STATUS_PAGE (status), "preferences-system-privacy-symbolic");
      adw_status_page_set_title (ADW_STATUS_PAGE (status), _("No Resident Data for This Role"));
      adw_status_page_set_description (ADW_STATUS_PAGE (status),
        _("Administrators manage accounts with the server’s user commands and never see "
          "resident data."));
      adw_view_stack_add_titled (self->stack, status, "none", _("Overview"));
    }
}

static void
visible_page_cb (FdMainView *self)
{
  /* Navigation re-masks. */
  fd_main_view_remask_all (self);
}

/* ---- GtkWidget --------------------------------------------------------------- */

static void
fd_main_view_root (GtkWidget *widget)
{
  FdMainView *self = FD_MAIN_VIEW (widget);

  GTK_WIDGET_CLASS (fd_main_view_parent_class)->root (widget);

  fd_main_view_watch_focus (self);
  fd_main_view_keep_drafts (self, gtk_widget_get_root (widget));
}

static void
fd_main_view_unroot (GtkWidget *widget)
{
  FdMainView *self = FD_MAIN_VIEW (widget);
  GtkRoot *root = gtk_widget_get_root (widget);

  fd_main_view_unwatch_focus (self);
  fd_main_view_forget_drafts (self, root);

  GTK_WIDGET_CLASS (fd_main_view_parent_class)->unroot (widget);
}

static void
fd_main_view_dispose (GObject *object)
{
  FdMainView *self = FD_MAIN_VIEW (object);

  fd_main_view_remask_all (self);
  fd_main_view_unwatch_focus (self);
  fd_main_view_forget_keys (self);   /* issue 14 */
  g_clear_handle_id (&self->watermark_id, g_source_remove);

  /* The title widget lives in the window's header bar, not under us. */
  if (self->title_box != NULL)
    {
      GtkWidget *header = gtk_widget_get_ancestor (self->title_box, ADW_TYPE_HEADER_BAR);

      if (header != NULL &&
          adw_header_bar_get_title_widget (ADW_HEADER_BAR (header)) == self->title_box)
        adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), NULL);
    }
  g_clear_object (&self->title_box);

  g_clear_pointer (&self->pages, g_hash_table_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), FD_TYPE_MAIN_VIEW);
  g_clear_object (&self->api);
  g_clear_pointer (&self->session, fd_session_info_free);

  G_OBJECT_CLASS (fd_main_view_parent_class)->dispose (object);
}

static void
fd_main_view_finalize (GObject *object)
{
  FdMainView *self = FD_MAIN_VIEW (object);

  g_hash_table_unref (self->watched);
  g_free (self->watermark_base);
  g_free (self->last_toast);

  G_OBJECT_CLASS (fd_main_view_parent_class)->finalize (object);
}

static void
fd_main_view_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_CURTAIN:
      g_value_set_boolean (value, fd_main_view_get_curtain (FD_MAIN_VIEW (object)));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fd_main_view_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case PROP_CURTAIN:
      fd_main_view_set_curtain (FD_MAIN_VIEW (object), g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ensure_css (void)
{
  static gboolean loaded;
  g_autoptr(GtkCssProvider) provider = NULL;
  GdkDisplay *display = gdk_display_get_default ();

  if (loaded || display == NULL)
    return;
  loaded = TRUE;

  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (provider, "/io/github/frontdesk/FrontDesk/pages/pages.css");
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static void
fd_main_view_class_init (FdMainViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fd_main_view_dispose;
  object_class->finalize = fd_main_view_finalize;
  object_class->get_property = fd_main_view_get_property;
  object_class->set_property = fd_main_view_set_property;
  widget_class->root = fd_main_view_root;
  widget_class->unroot = fd_main_view_unroot;

  properties[PROP_CURTAIN] =
    g_param_spec_boolean ("curtain", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (FD_TYPE_CURTAIN);
  g_type_ensure (FD_TYPE_WATERMARK);
  /* Links the compiled resources in even where nothing else (FdWindow)
   * does; the resource registers itself when loaded. */
  g_return_if_fail (fd_client_get_resource () != NULL);

  gtk_widget_class_set_template_from_resource (widget_class,
    "/io/github/frontdesk/FrontDesk/pages/fd-main-view.ui");
  gtk_widget_class_bind_template_child (widget_class, FdMainView, toasts);
  gtk_widget_class_bind_template_child (widget_class, FdMainView, overlay);
  gtk_widget_class_bind_template_child (widget_class, FdMainView, curtain);
  gtk_widget_class_bind_template_child (widget_class, FdMainView, watermark);
  gtk_widget_class_bind_template_child (widget_class, FdMainView, switcher_bar);

  gtk_widget_class_install_action (widget_class, "pages.toast", "s", toast_action);
  gtk_widget_class_install_action (widget_class, "pages.toggle-curtain", NULL,
                                   fd_main_view_toggle_curtain_action);
  fd_main_view_class_add_keys (widget_class);   /* issue 14 */

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "fd-main-view");
}

static void
fd_main_view_init (FdMainView *self)
{
  GtkEventController *shortcuts;

  gtk_widget_init_template (GTK_WIDGET (self));
  ensure_css ();

  self->pages = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->watched = g_hash_table_new (NULL, NULL);

  self->stack = ADW_VIEW_STACK (adw_view_stack_new ());
  fd_curtain_set_child (self->curtain, GTK_WIDGET (self->stack));
  adw_view_switcher_bar_set_stack (self->switcher_bar, self->stack);
  g_signal_connect_object (self->stack, "notify::visible-child",
                           G_CALLBACK (visible_page_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->curtain, "notify::active",
                           G_CALLBACK (curtain_notify_cb), self, G_CONNECT_SWAPPED);

  /* The header: the page switcher and the curtain button. */
  self->title_box = g_object_ref_sink (gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6));
  self->switcher_title = adw_view_switcher_title_new ();
  adw_view_switcher_title_set_stack (ADW_VIEW_SWITCHER_TITLE (self->switcher_title), self->stack);
  adw_view_switcher_title_set_title (ADW_VIEW_SWITCHER_TITLE (self->switcher_title),
                                     _("Front Desk"));
  gtk_widget_set_hexpand (self->switcher_title, TRUE);
  gtk_box_append (GTK_BOX (self->title_box), self->switcher_title);
  self->curtain_button = gtk_toggle_button_new ();
  gtk_button_set_icon_name (GTK_BUTTON (self->curtain_button), "view-conceal-symbolic");
  gtk_widget_set_tooltip_text (self->curtain_button, _("Hide Data (Ctrl+Shift+H)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->curtain_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Hide data"), -1);
  gtk_widget_add_css_class (self->curtain_button, "flat");
  gtk_box_append (GTK_BOX (self->title_box), self->curtain_button);
  g_object_bind_property (self, "curtain", self->curtain_button, "active",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->switcher_title, "title-visible",
                          self->switcher_bar, "reveal", G_BINDING_SYNC_CREATE);

  /* Ctrl+Shift+H anywhere in the window. */
  shortcuts = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                     GTK_SHORTCUT_SCOPE_GLOBAL);
  gtk_event_controller_set_propagation_phase (shortcuts, GTK_PHASE_CAPTURE);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
    gtk_shortcut_new (gtk_shortcut_trigger_parse_string ("<Control><Shift>h"),
                      gtk_named_action_new ("pages.toggle-curtain")));
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);
  fd_main_view_add_keys (self);   /* issue 14: Ctrl+F, type-to-search, Alt+N */
}

static void show_estate (FdMainView *self,
                         const char *estate_name);

FdMainView *
fd_main_view_new (FdApiClient         *api,
                  const FdSessionInfo *session)
{
  FdMainView *self;
  const char *name, *workstation;

  g_return_val_if_fail (FD_IS_API_CLIENT (api), NULL);
  g_return_val_if_fail (session != NULL, NULL);

  self = g_object_new (FD_TYPE_MAIN_VIEW, NULL);
  self->api = g_object_ref (api);
  self->session = fd_session_info_copy (session);

  self->role = session->role;
  self->reveal_window_s = (guint) CLAMP (session->reveal_window_s != FD_SESSION_INFO_UNSET
                                         ? session->reveal_window_s : 30, 1, 600);

  name = session->display_name;
  if (name == NULL || *name == '\0')
    name = session->username;
  workstation = session->workstation;
  if (workstation == NULL || *workstation == '\0')
    workstation = g_get_host_name ();
  /* Translators: the watermark over the data views starts with the user
   * name and the workstation name, e.g. "Li Na · desk-1"; the time follows */
  self->watermark_base = g_strdup_printf (_("%s · %s"), name ? name : "?", workstation);

  build_pages (self);
  fd_main_view_link_pages (self);   /* issue 14 */
  show_estate (self, session->estate_name);

  if (session->watermark)
    update_watermark (self);
  else
    gtk_widget_set_visible (GTK_WIDGET (self->watermark), FALSE);

  return self;
}

/* issue 11: the session's estate in the header, before the page
 * switcher (or, in a narrow window, before the window's title). */
static void
show_estate (FdMainView *self,
             const char *estate_name)
{
  GtkWidget *label;
  g_autofree char *described = NULL;

  if (estate_name == NULL || estate_name[0] == '\0')
    return;

  label = gtk_label_new (estate_name);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 24);
  gtk_widget_add_css_class (label, "heading");
  gtk_widget_set_margin_start (label, 6);
  /* Translators: %s is the name of the estate the session works in */
  described = g_strdup_printf (_("Estate: %s"), estate_name);
  gtk_widget_set_tooltip_text (label, described);
  gtk_accessible_update_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  described, -1);
  gtk_box_prepend (GTK_BOX (self->title_box), label);
}

GtkWidget *
fd_main_view_get_title_widget (FdMainView *self)
{
  g_return_val_if_fail (FD_IS_MAIN_VIEW (self), NULL);
  return self->title_box;
}
