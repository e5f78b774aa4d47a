/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The main window: its pages, actions and closing, which signs out first. */

#include "config.h"

#include "fd-window.h"

#include <glib/gi18n.h>
#include <string.h>

#include "fd-client-resources.h"
#include "fd-field.h"
#include "fd-main-view.h"
#include "fd-window-private.h"

/* The window: its pages, actions and life cycle. Connecting and the
 * server's reachability are in fd-window-connect.c, signing in, unlocking
 * and signing out in fd-window-session.c, locking in fd-window-lock.c. */

static void
draft_keeper_iface_init (FdDraftKeeperInterface *iface)
{
  iface->stash_draft = (gpointer) fd_window_stash_draft;
  iface->take_draft = (gpointer) fd_window_take_draft;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (FdWindow, fd_window, ADW_TYPE_APPLICATION_WINDOW,
                               G_IMPLEMENT_INTERFACE (FD_TYPE_DRAFT_KEEPER,
                                                      draft_keeper_iface_init))

guint fd_window_signals[FD_WINDOW_N_SIGNALS];

/* --- helpers --- */

const char *
fd_window_tls_message (void)
{
  return _("The server's certificate is not trusted. Do not continue; call your administrator.");
}

void
fd_window_toast (FdWindow   *self,
                 const char *title,
                 guint       timeout)
{
  AdwToast *t = adw_toast_new (title);

  adw_toast_set_timeout (t, timeout);
  adw_toast_overlay_add_toast (self->toast_overlay, t);
}

void
fd_window_add_toast (FdWindow *self,
                     AdwToast *t)
{
  g_return_if_fail (FD_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (t));

  adw_toast_overlay_add_toast (self->toast_overlay, t);
}

void
fd_window_update_actions (FdWindow *self)
{
  FdSessionState state = self->session != NULL
                         ? fd_session_get_state (self->session) : FD_SESSION_SIGNED_OUT;
  GAction *action;

  action = g_action_map_lookup_action (G_ACTION_MAP (self), "lock");
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), state == FD_SESSION_ACTIVE);
  action = g_action_map_lookup_action (G_ACTION_MAP (self), "sign-out");
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), state != FD_SESSION_SIGNED_OUT);
  action = g_action_map_lookup_action (G_ACTION_MAP (self), "change-password");
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), state == FD_SESSION_ACTIVE);

  gtk_widget_set_visible (self->lock_button, state == FD_SESSION_ACTIVE);
}

void
fd_window_show_page (FdWindow   *self,
                     const char *name,
                     gboolean    animate)
{
  gboolean main_page = g_str_equal (name, "main");
  GtkWidget *title = NULL;

  FdSessionInfo *info = self->session != NULL ? fd_session_get_info (self->session) : NULL;

  if (main_page && self->main_view != NULL)
    title = fd_main_view_get_title_widget (FD_MAIN_VIEW (self->main_view));
  /* issue 11: the locked session's estate under the title */
  adw_window_title_set_subtitle (ADW_WINDOW_TITLE (self->window_title),
                                 g_str_equal (name, "lock") && info != NULL &&
                                 info->estate_name != NULL ? info->estate_name : "");
  adw_header_bar_set_title_widget (self->header_bar, title != NULL ? title : self->window_title);

  gtk_stack_set_visible_child_full (self->stack, name,
                                    animate ? GTK_STACK_TRANSITION_TYPE_CROSSFADE
                                            : GTK_STACK_TRANSITION_TYPE_NONE);
  fd_window_update_actions (self);

  if (g_str_equal (name, "signin"))
    fd_signin_page_focus (self->signin_page);
  else if (g_str_equal (name, "lock"))
    fd_lock_page_focus (self->lock_page);
  else if (g_str_equal (name, "connect"))
    fd_connect_page_focus (self->connect_page);
}

void
fd_window_show_busy (FdWindow   *self,
                     const char *title)
{
  adw_status_page_set_title (self->busy_page, title);
  fd_window_show_page (self, "busy", FALSE);
}

void
fd_window_show_signin (FdWindow   *self,
                       const char *message)
{
  if (self->session != NULL && fd_session_get_username (self->session) != NULL &&
      fd_signin_page_get_username (self->signin_page)[0] == '\0')
    fd_signin_page_set_username (self->signin_page, fd_session_get_username (self->session));

  fd_signin_page_set_busy (self->signin_page, FALSE);
  fd_signin_page_set_message (self->signin_page, message);
  fd_window_show_page (self, "signin", TRUE);
}

void
fd_window_show_lock (FdWindow *self)
{
  fd_lock_page_set_user (self->lock_page,
                         fd_session_get_display_name (self->session),
                         fd_session_get_username (self->session));
  fd_lock_page_clear_password (self->lock_page);
  fd_lock_page_set_message (self->lock_page, NULL);
  fd_lock_page_set_busy (self->lock_page, FALSE);
  fd_window_show_page (self, "lock", FALSE);
}

void
fd_window_enter_active (FdWindow *self)
{
  GtkWidget *view;

  g_return_if_fail (self->main_view == NULL);

  if (fd_window_enrol_if_needed (self))
    return;
  /* issue 12: the rules come first */
  if (fd_window_rules_pending (self))
    {
      fd_window_show_rules (self);
      return;
    }

  view = GTK_WIDGET (fd_main_view_new (self->api, fd_session_get_info (self->session)));
  self->main_view = view;
  gtk_stack_add_named (self->stack, view, "main");
  fd_window_show_page (self, "main", TRUE);

  fd_idle_monitor_start (self->idle, fd_session_get_lock_after (self->session));

  if (fd_window_count_drafts (self) > 0)
    fd_window_toast (self, _("Your unfinished form was kept"), 8);
  fd_window_password_check (self);   /* pwchange: a one-time password */
}

static void
keyring_available_cb (FdWindow *self)
{
  if (fd_secret_store_get_available (self->secrets) || self->keyring_warned)
    return;

  self->keyring_warned = TRUE;
  fd_window_toast (self, _("The keyring is not available: you will have to sign in again "
                 "after restarting Front Desk"), 10);
}

/* --- actions --- */

static void
lock_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  fd_window_lock (FD_WINDOW (user_data));
}

static void
sign_out_action (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  fd_window_sign_out (FD_WINDOW (user_data));
}

static void
show_shortcuts_action (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  FdWindow *self = user_data;
  g_autoptr(GtkBuilder) builder = NULL;
  GtkWindow *window;

  builder = gtk_builder_new_from_resource ("/io/github/frontdesk/FrontDesk/fd-shortcuts-window.ui");
  window = GTK_WINDOW (gtk_builder_get_object (builder, "shortcuts_window"));
  gtk_window_set_transient_for (window, GTK_WINDOW (self));
  gtk_window_present (window);
}

static void
change_password_action (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  fd_window_change_password (FD_WINDOW (user_data));
}

static const GActionEntry win_actions[] = {
  { .name = "lock", .activate = lock_action },
  { .name = "sign-out", .activate = sign_out_action },
  { .name = "show-shortcuts", .activate = show_shortcuts_action },
  { .name = "change-password", .activate = change_password_action },   /* pwchange */
};

/* --- closing --- */

/* How long quitting waits for the server to confirm the sign-out. */
#define QUIT_SIGN_OUT_WAIT_S 3

static void quit_state_cb (FdWindow *self);

static void
quit_now (FdWindow *self)
{
  g_clear_handle_id (&self->quit_wait_id, g_source_remove);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_func (self->session, quit_state_cb, self);
  self->quit_signed_out = TRUE;
  gtk_window_destroy (GTK_WINDOW (self));
}

static gboolean
quit_wait_cb (gpointer user_data)
{
  FdWindow *self = user_data;

  self->quit_wait_id = 0;
  g_debug ("Sign-out on quit not confirmed in time");
  quit_now (self);
  return G_SOURCE_REMOVE;
}

static void
quit_state_cb (FdWindow *self)
{
  if (fd_session_get_state (self->session) == FD_SESSION_SIGNED_OUT)
    quit_now (self);
}

/* Quitting a shared desk signs out (issue 14): the next person starts
 * from the sign-in page, not from the last user's lock page. TRUE while
 * the sign-out runs; the window then destroys itself. */
static gboolean
sign_out_before_closing (FdWindow *self)
{
  if (self->quit_signed_out)
    return FALSE;
  if (self->quit_wait_id != 0)
    return TRUE;
  if (!fd_window_signs_out_on_quit (self))
    return FALSE;

  g_signal_connect_swapped (self->session, "notify::state", G_CALLBACK (quit_state_cb), self);
  self->quit_wait_id = g_timeout_add_seconds (QUIT_SIGN_OUT_WAIT_S, quit_wait_cb, self);
  fd_window_sign_out (self);
  return TRUE;
}

/* --- GObject --- */

static gboolean
fd_window_close_request (GtkWindow *window)
{
  FdWindow *self = FD_WINDOW (window);

  if (sign_out_before_closing (self))
    return TRUE;

  if (self->settings != NULL)
    {
      int width, height;

      gtk_window_get_default_size (window, &width, &height);
      g_settings_set_boolean (self->settings, "window-maximized",
                              gtk_window_is_maximized (window));
      if (!gtk_window_is_maximized (window) && width > 0 && height > 0)
        {
          g_settings_set_int (self->settings, "window-width", width);
          g_settings_set_int (self->settings, "window-height", height);
        }
    }

  return GTK_WINDOW_CLASS (fd_window_parent_class)->close_request (window);
}

static void
fd_window_dispose (GObject *object)
{
  FdWindow *self = FD_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->quit_wait_id, g_source_remove);
  fd_window_wipe_drafts (self);
  if (self->main_view != NULL || self->totp_page != NULL)
    {
      fd_window_tear_down (self);
    }
  fd_window_drop_connection (self);
  if (self->secrets != NULL)
    g_signal_handlers_disconnect_by_data (self->secrets, self);
  g_clear_object (&self->secrets);
  g_clear_object (&self->idle);
  g_clear_object (&self->settings);
  g_clear_object (&self->window_title);

  gtk_widget_dispose_template (GTK_WIDGET (self), FD_TYPE_WINDOW);

  G_OBJECT_CLASS (fd_window_parent_class)->dispose (object);
}

static void
fd_window_finalize (GObject *object)
{
  FdWindow *self = FD_WINDOW (object);

  g_clear_pointer (&self->drafts, g_hash_table_unref);
  g_clear_pointer (&self->config, fd_client_config_free);
  g_clear_pointer (&self->challenge, fd_secret_free);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (fd_window_parent_class)->finalize (object);
}

static void
fd_window_class_init (FdWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = fd_window_dispose;
  object_class->finalize = fd_window_finalize;
  window_class->close_request = fd_window_close_request;

  fd_window_signals[FD_WINDOW_SIGNAL_COLLECT_DRAFTS] =
    g_signal_new ("collect-drafts",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  if (fd_client_get_resource () == NULL)
    g_error ("Front Desk resources are missing");
  g_type_ensure (FD_TYPE_CONNECT_PAGE);
  g_type_ensure (FD_TYPE_SIGNIN_PAGE);
  g_type_ensure (FD_TYPE_LOCK_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/frontdesk/FrontDesk/fd-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FdWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FdWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, FdWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, FdWindow, lock_button);
  gtk_widget_class_bind_template_child (widget_class, FdWindow, banner_revealer);
  gtk_widget_class_bind_template_child (widget_class, FdWindow, banner_label);
  gtk_widget_class_bind_template_child (widget_class, FdWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, FdWindow, busy_page);
  gtk_widget_class_bind_template_child (widget_class, FdWindow, connect_page);
  gtk_widget_class_bind_template_child (widget_class, FdWindow, signin_page);
  gtk_widget_class_bind_template_child (widget_class, FdWindow, lock_page);
  gtk_widget_class_bind_template_callback_full (widget_class, "connect_submit_cb",
                                                G_CALLBACK (fd_window_connect_submit_cb));
  gtk_widget_class_bind_template_callback_full (widget_class, "connect_import_cb",
                                                G_CALLBACK (fd_window_connect_import_cb));
  gtk_widget_class_bind_template_callback_full (widget_class, "signin_submit_cb",
                                                G_CALLBACK (fd_window_signin_submit_cb));
  gtk_widget_class_bind_template_callback_full (widget_class, "unlock_submit_cb",
                                                G_CALLBACK (fd_window_unlock_submit_cb));
  gtk_widget_class_bind_template_callback_full (widget_class, "lock_sign_out_cb",
                                                G_CALLBACK (fd_window_sign_out));
  gtk_widget_class_bind_template_callback_full (widget_class, "retry_now_cb",
                                                G_CALLBACK (fd_window_retry_now_cb));
}

static void
idle_cb (FdIdleMonitor *idle,
         FdWindow      *self)
{
  fd_window_lock (self);
}

static void
fd_window_init (FdWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* Kept across main views, which bring their own title widget. */
  g_object_ref (self->window_title);

  self->cancellable = g_cancellable_new ();
  self->secrets = fd_secret_store_new ();
  g_signal_connect_swapped (self->secrets, "notify::available",
                            G_CALLBACK (keyring_available_cb), self);
  self->idle = fd_idle_monitor_new ();
  g_signal_connect (self->idle, "idle", G_CALLBACK (idle_cb), self);
  fd_window_init_drafts (self);

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions,
                                   G_N_ELEMENTS (win_actions), self);
  fd_window_update_actions (self);
}

/* GtkWindow:application is not a construct property: it is set after
 * constructed(), so the window starts from fd_window_new(). */
static void
start (FdWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  const char *config_error = NULL;

  if (FD_IS_APPLICATION (app))
    {
      GSettings *settings = fd_application_get_settings (FD_APPLICATION (app));

      self->settings = settings != NULL ? g_object_ref (settings) : NULL;
      self->config = fd_application_dup_config (FD_APPLICATION (app));
      config_error = fd_application_get_config_error (FD_APPLICATION (app));
    }
  else
    {
      self->config = fd_client_config_new ();
    }

  if (self->settings != NULL)
    {
      gtk_window_set_default_size (GTK_WINDOW (self),
                                   MAX (g_settings_get_int (self->settings, "window-width"), 360),
                                   MAX (g_settings_get_int (self->settings, "window-height"), 480));
      if (g_settings_get_boolean (self->settings, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (self));
    }

  /* A bad --ca says so, naming the file, rather than connecting (issue 14). */
  if (config_error != NULL)
    {
      fd_connect_page_set_trust (self->connect_page, self->config->ca_file, self->config->pin);
      fd_connect_page_set_url (self->connect_page, self->config->server_url);
      fd_connect_page_set_message (self->connect_page, config_error);
      fd_window_show_page (self, "connect", FALSE);
      return;
    }
  fd_window_setup_connection (self);
}

FdWindow *
fd_window_new (FdApplication *application)
{
  FdWindow *self;

  g_return_val_if_fail (FD_IS_APPLICATION (application), NULL);

  self = g_object_new (FD_TYPE_WINDOW, "application", application, NULL);
  start (self);
  return self;
}

const char *
fd_window_get_page_name (FdWindow *self)
{
  g_return_val_if_fail (FD_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

FdSession *
fd_window_get_session (FdWindow *self)
{
  g_return_val_if_fail (FD_IS_WINDOW (self), NULL);

  return self->session;
}

FdApiClient *
fd_window_get_api_client (FdWindow *self)
{
  g_return_val_if_fail (FD_IS_WINDOW (self), NULL);

  return self->api;
}

FdIdleMonitor *
fd_window_get_idle_monitor (FdWindow *self)
{
  g_return_val_if_fail (FD_IS_WINDOW (self), NULL);

  return self->idle;
}

GtkWidget *
fd_window_get_main_view (FdWindow *self)
{
  g_return_val_if_fail (FD_IS_WINDOW (self), NULL);

  return self->main_view;
}
