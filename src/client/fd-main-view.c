#include "config.h"

#include "fd-main-view.h"

#include "fd-alerts-page.h"
#include "fd-audit-page.h"
#include "fd-curtain.h"
#include "fd-draft-keeper.h"
#include "fd-field.h"
#include "fd-pages-resources.h"
#include "fd-resident-page.h"
#include "fd-visitor-page.h"
#include "fd-watermark.h"

#include <glib/gi18n.h>
#include <string.h>

#define DRAFTS_ID "pages"
/* How long no window of ours may be active before the curtain falls. */
#define FOCUS_GRACE_MS 200

struct _FdMainView
{
  GtkWidget      parent_instance;

  AdwToastOverlay *toasts;
  GtkWidget     *overlay;
  FdCurtain     *curtain;
  FdWatermark   *watermark;
  AdwViewSwitcherBar *switcher_bar;

  AdwViewStack  *stack;
  GtkWidget     *title_box;
  GtkWidget     *switcher_title;
  GtkWidget     *curtain_button;

  FdApiClient   *api;
  JsonObject    *session;
  FdRole         role;
  char          *watermark_base;   /* "name · workstation" */
  guint          reveal_window_s;

  GHashTable    *pages;            /* name → page widget (borrowed) */
  char          *last_toast;
  guint          watermark_id;

  /* Focus: the curtain goes up when none of our windows is active. */
  GListModel    *toplevels;
  GHashTable    *watched;          /* GtkWindow * → handler id */
  gulong         toplevels_id;
  gulong         drafts_id;
  guint          focus_check_id;
  guint          focus_grace_id;
  gboolean       was_active;
  gboolean       auto_curtain;
};

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

/* ---- re-mask, curtain ------------------------------------------------------ */

void
fd_main_view_remask_all (FdMainView *self)
{
  GHashTableIter iter;
  gpointer page;

  g_return_if_fail (FD_IS_MAIN_VIEW (self));

  if (self->pages == NULL)
    return;

  g_hash_table_iter_init (&iter, self->pages);
  while (g_hash_table_iter_next (&iter, NULL, &page))
    if (FD_IS_RESIDENT_PAGE (page))
      fd_resident_page_remask_all (page);
}

void
fd_main_view_set_curtain (FdMainView *self,
                          gboolean    curtain)
{
  g_return_if_fail (FD_IS_MAIN_VIEW (self));

  curtain = !!curtain;
  if (curtain)
    fd_main_view_remask_all (self);
  else
    self->auto_curtain = FALSE;

  if (fd_curtain_get_active (self->curtain) == curtain)
    return;

  fd_curtain_set_active (self->curtain, curtain);
}

gboolean
fd_main_view_get_curtain (FdMainView *self)
{
  g_return_val_if_fail (FD_IS_MAIN_VIEW (self), FALSE);
  return fd_curtain_get_active (self->curtain);
}

static void
curtain_notify_cb (FdMainView *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURTAIN]);
}

static void
toggle_curtain_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  FdMainView *self = FD_MAIN_VIEW (widget);

  fd_main_view_set_curtain (self, !fd_main_view_get_curtain (self));
}

/* TRUE when our toplevel, or a window that belongs to it (a dialog, a
 * dialog's dialog), has the focus. */
static gboolean
family_active (FdMainView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (!GTK_IS_WINDOW (root) || self->toplevels == NULL)
    return FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (self->toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (self->toplevels, i);
      GtkWindow *w = window;

      if (!gtk_window_is_active (window))
        continue;
      for (guint depth = 0; w != NULL && depth < 8; depth++, w = gtk_window_get_transient_for (w))
        if (w == GTK_WINDOW (root))
          return TRUE;
    }

  return FALSE;
}

static gboolean
focus_grace_cb (gpointer user_data)
{
  FdMainView *self = user_data;

  self->focus_grace_id = 0;
  if (family_active (self))
    return G_SOURCE_REMOVE;

  /* Someone looks away: blur and re-mask. */
  g_debug ("Focus left the application: curtain");
  self->was_active = FALSE;
  if (!fd_main_view_get_curtain (self))
    {
      fd_main_view_set_curtain (self, TRUE);
      self->auto_curtain = TRUE;
    }
  fd_main_view_remask_all (self);
  return G_SOURCE_REMOVE;
}

static gboolean
focus_check_cb (gpointer user_data)
{
  FdMainView *self = user_data;
  gboolean active;

  self->focus_check_id = 0;
  active = family_active (self);

  if (active)
    {
      g_clear_handle_id (&self->focus_grace_id, g_source_remove);
      if (!self->was_active && self->auto_curtain)
        fd_main_view_set_curtain (self, FALSE);
      self->was_active = TRUE;
    }
  else if (self->was_active && self->focus_grace_id == 0)
    {
      /* Focus passing between our own windows (a dialog closing, its
       * parent taking over) leaves a moment with no active window: only
       * a focus that stays away counts. */
      self->focus_grace_id = g_timeout_add (FOCUS_GRACE_MS, focus_grace_cb, self);
    }

  return G_SOURCE_REMOVE;
}

static void
active_changed_cb (FdMainView *self)
{
  /* Focus moves in two steps (out of one window, into the next): decide
   * once both have arrived. */
  if (self->focus_check_id == 0)
    self->focus_check_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE, focus_check_cb, self, NULL);
}

static void
watch_window (FdMainView *self,
              GtkWindow  *window)
{
  gulong id;

  if (g_hash_table_contains (self->watched, window))
    return;

  id = g_signal_connect_swapped (window, "notify::is-active",
                                 G_CALLBACK (active_changed_cb), self);
  g_hash_table_insert (self->watched, window, GSIZE_TO_POINTER (id));
}

static void
toplevels_changed_cb (GListModel *list,
                      guint       position,
                      guint       removed,
                      guint       added,
                      FdMainView *self)
{
  GHashTableIter iter;
  gpointer window;

  /* Forget windows that went away. */
  g_hash_table_iter_init (&iter, self->watched);
  while (g_hash_table_iter_next (&iter, &window, NULL))
    {
      gboolean present = FALSE;

      for (guint i = 0; i < g_list_model_get_n_items (list) && !present; i++)
        {
          g_autoptr(GObject) item = g_list_model_get_item (list, i);

          present = item == window;
        }
      if (!present)
        g_hash_table_iter_remove (&iter);
    }

  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(GtkWindow) item = g_list_model_get_item (list, i);

      watch_window (self, item);
    }
  active_changed_cb (self);
}

static void
unwatch_all (FdMainView *self)
{
  GHashTableIter iter;
  gpointer window, id;

  g_clear_handle_id (&self->focus_check_id, g_source_remove);
  g_clear_handle_id (&self->focus_grace_id, g_source_remove);
  if (self->toplevels != NULL)
    g_clear_signal_handler (&self->toplevels_id, self->toplevels);
  self->toplevels = NULL;

  g_hash_table_iter_init (&iter, self->watched);
  while (g_hash_table_iter_next (&iter, &window, &id))
    g_signal_handler_disconnect (window, GPOINTER_TO_SIZE (id));
  g_hash_table_remove_all (self->watched);
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

  if (manager || auditor)
    {
      add_page (self, GTK_WIDGET (fd_audit_page_new (self->api)),
                "audit", _("Audit Log"), "view-list-symbolic");
      add_page (self, GTK_WIDGET (fd_alerts_page_new (self->api, manager)),
                "alerts", _("Alerts"), "dialog-warning-symbolic");
    }

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

/* ---- drafts ----------------------------------------------------------------- */

GVariant *
fd_main_view_save_drafts (FdMainView *self)
{
  FdVisitorPage *visitors;
  FdResidentPage *residents;
  GVariantBuilder builder;
  gboolean any = FALSE;

  g_return_val_if_fail (FD_IS_MAIN_VIEW (self), NULL);

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);

  visitors = (FdVisitorPage *) fd_main_view_get_page (self, "visitors");
  if (visitors != NULL && fd_visitor_page_get_form (visitors) != NULL)
    {
      GVariant *form = fd_visitor_form_save (fd_visitor_page_get_form (visitors));

      if (form != NULL)
        {
          g_variant_builder_add (&builder, "{sv}", "visitor-form", form);
          any = TRUE;
        }
    }

  residents = (FdResidentPage *) fd_main_view_get_page (self, "residents");
  if (residents == NULL)
    residents = (FdResidentPage *) fd_main_view_get_page (self, "lookup");
  if (residents != NULL)
    {
      const char *query =
        gtk_editable_get_text (GTK_EDITABLE (fd_resident_page_get_search_entry (residents)));

      if (*query != '\0')
        {
          g_variant_builder_add (&builder, "{sv}", "search", g_variant_new_string (query));
          any = TRUE;
        }
    }

  if (any)
    {
      const char *page = adw_view_stack_get_visible_child_name (self->stack);

      if (page != NULL)
        g_variant_builder_add (&builder, "{sv}", "page", g_variant_new_string (page));
      return g_variant_ref_sink (g_variant_builder_end (&builder));
    }

  g_variant_builder_clear (&builder);
  return NULL;
}

void
fd_main_view_restore_drafts (FdMainView *self,
                             GVariant   *drafts)
{
  g_autoptr(GVariant) form = NULL;
  const char *text;

  g_return_if_fail (FD_IS_MAIN_VIEW (self));

  if (drafts == NULL || !g_variant_is_of_type (drafts, G_VARIANT_TYPE_VARDICT))
    return;

  form = g_variant_lookup_value (drafts, "visitor-form", G_VARIANT_TYPE ("a{ss}"));
  if (form != NULL)
    {
      FdVisitorPage *visitors = (FdVisitorPage *) fd_main_view_get_page (self, "visitors");

      if (visitors != NULL && fd_visitor_page_get_form (visitors) != NULL)
        fd_visitor_form_restore (fd_visitor_page_get_form (visitors), form);
    }

  if (g_variant_lookup (drafts, "search", "&s", &text))
    {
      FdResidentPage *residents = (FdResidentPage *) fd_main_view_get_page (self, "residents");

      if (residents == NULL)
        residents = (FdResidentPage *) fd_main_view_get_page (self, "lookup");
      if (residents != NULL)
        gtk_editable_set_text (GTK_EDITABLE (fd_resident_page_get_search_entry (residents)), text);
    }

  if (g_variant_lookup (drafts, "page", "&s", &text))
    fd_main_view_show_page (self, text);
}

static void
collect_drafts_cb (GtkWidget  *window,
                   FdMainView *self)
{
  g_autoptr(GVariant) drafts = fd_main_view_save_drafts (self);

  if (drafts != NULL)
    fd_draft_keeper_stash_draft (FD_DRAFT_KEEPER (window), DRAFTS_ID, drafts);
}

/* ---- GtkWidget --------------------------------------------------------------- */

static void
fd_main_view_root (GtkWidget *widget)
{
  FdMainView *self = FD_MAIN_VIEW (widget);
  GtkRoot *root;

  GTK_WIDGET_CLASS (fd_main_view_parent_class)->root (widget);

  root = gtk_widget_get_root (widget);

  self->toplevels = gtk_window_get_toplevels ();
  self->toplevels_id = g_signal_connect (self->toplevels, "items-changed",
                                         G_CALLBACK (toplevels_changed_cb), self);
  toplevels_changed_cb (self->toplevels, 0, 0, g_list_model_get_n_items (self->toplevels), self);
  self->was_active = family_active (self);

  if (FD_IS_DRAFT_KEEPER (root))
    {
      g_autoptr(GVariant) drafts = fd_draft_keeper_take_draft (FD_DRAFT_KEEPER (root), DRAFTS_ID);

      self->drafts_id = g_signal_connect (root, "collect-drafts",
                                         G_CALLBACK (collect_drafts_cb), self);
      if (drafts != NULL)
        fd_main_view_restore_drafts (self, drafts);
    }
}

static void
fd_main_view_unroot (GtkWidget *widget)
{
  FdMainView *self = FD_MAIN_VIEW (widget);
  GtkRoot *root = gtk_widget_get_root (widget);

  unwatch_all (self);
  if (root != NULL && self->drafts_id != 0)
    g_clear_signal_handler (&self->drafts_id, root);

  GTK_WIDGET_CLASS (fd_main_view_parent_class)->unroot (widget);
}

static void
fd_main_view_dispose (GObject *object)
{
  FdMainView *self = FD_MAIN_VIEW (object);

  fd_main_view_remask_all (self);
  unwatch_all (self);
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
  g_clear_pointer (&self->session, json_object_unref);

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
  g_return_if_fail (fd_pages_get_resource () != NULL);

  gtk_widget_class_set_template_from_resource (widget_class,
    "/io/github/frontdesk/FrontDesk/pages/fd-main-view.ui");
  gtk_widget_class_bind_template_child (widget_class, FdMainView, toasts);
  gtk_widget_class_bind_template_child (widget_class, FdMainView, overlay);
  gtk_widget_class_bind_template_child (widget_class, FdMainView, curtain);
  gtk_widget_class_bind_template_child (widget_class, FdMainView, watermark);
  gtk_widget_class_bind_template_child (widget_class, FdMainView, switcher_bar);

  gtk_widget_class_install_action (widget_class, "pages.toast", "s", toast_action);
  gtk_widget_class_install_action (widget_class, "pages.toggle-curtain", NULL,
                                   toggle_curtain_action);

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
}

FdMainView *
fd_main_view_new (FdApiClient *api,
                  JsonObject  *session)
{
  FdMainView *self;
  JsonObject *user = NULL, *policy = NULL;
  JsonNode *node;
  const char *name, *workstation;

  g_return_val_if_fail (FD_IS_API_CLIENT (api), NULL);
  g_return_val_if_fail (session != NULL, NULL);

  self = g_object_new (FD_TYPE_MAIN_VIEW, NULL);
  self->api = g_object_ref (api);
  self->session = json_object_ref (session);

  node = json_object_get_member (session, "user");
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    user = json_node_get_object (node);
  node = json_object_get_member (session, "policy");
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    policy = json_node_get_object (node);

  self->role = fd_role_from_string (user ? fd_json_get_string (user, "role") : NULL);
  self->reveal_window_s = (guint) CLAMP (policy ? fd_json_get_int (policy, "reveal_window_s", 30)
                                                : 30, 1, 600);

  name = user ? fd_json_get_string (user, "display_name") : NULL;
  if (name == NULL || *name == '\0')
    name = user ? fd_json_get_string (user, "username") : NULL;
  workstation = fd_json_get_string (session, "workstation");
  if (workstation == NULL || *workstation == '\0')
    workstation = g_get_host_name ();
  /* Translators: the watermark over the data views starts with the user
   * name and the workstation name, e.g. "Li Na · desk-1"; the time follows */
  self->watermark_base = g_strdup_printf (_("%s · %s"), name ? name : "?", workstation);

  build_pages (self);

  if (policy == NULL || fd_json_get_bool (policy, "watermark", TRUE))
    update_watermark (self);
  else
    gtk_widget_set_visible (GTK_WIDGET (self->watermark), FALSE);

  return self;
}

GtkWidget *
fd_main_view_get_title_widget (FdMainView *self)
{
  g_return_val_if_fail (FD_IS_MAIN_VIEW (self), NULL);
  return self->title_box;
}
