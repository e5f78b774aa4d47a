/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The application: options, settings, locking on screen saver and sleep, no inspector. */

#include "config.h"

#include "fd-application.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "fd-client-resources.h"
#include "fd-system-watch.h"
#include "fd-window.h"

struct _FdApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
  FdClientConfig       *overrides;
  FdSystemWatch  *system_watch;
  GHashTable     *notifications;
  /* issue 14: a bad --ca, said in the window rather than on stderr only */
  char           *config_error;
};

G_DEFINE_FINAL_TYPE (FdApplication, fd_application, ADW_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { .long_name = "server", .arg = G_OPTION_ARG_STRING,
    .description = N_("Address of the office server (https:// only)"),
    .arg_description = N_("URL") },
  { .long_name = "ca", .arg = G_OPTION_ARG_FILENAME,
    .description = N_("Trust the office certificate authority in FILE"),
    .arg_description = N_("FILE") },
  { .long_name = "pin", .arg = G_OPTION_ARG_STRING,
    .description = N_("Trust only the server key with this pin"),
    .arg_description = N_("sha256:…") },
  { .long_name = "workstation", .arg = G_OPTION_ARG_STRING,
    .description = N_("Name of this workstation in the audit log"),
    .arg_description = N_("NAME") },
  { .long_name = "version", .arg = G_OPTION_ARG_NONE,
    .description = N_("Print the version and exit") },
  { NULL }
};

static gboolean
refuse_debugging (GtkWindow *window,
                  gboolean   toggle)
{
  return FALSE;
}

void
fd_application_lock_down_inspector (void)
{
  /* Subclasses copy their parent's class structure when they initialise;
   * patch GtkWindow first, then every window class that may already
   * exist. */
  GType types[] = {
    GTK_TYPE_WINDOW,
    GTK_TYPE_APPLICATION_WINDOW,
    GTK_TYPE_DIALOG,
    GTK_TYPE_MESSAGE_DIALOG,
    GTK_TYPE_SHORTCUTS_WINDOW,
    ADW_TYPE_WINDOW,
    ADW_TYPE_APPLICATION_WINDOW,
    ADW_TYPE_ABOUT_WINDOW,
    ADW_TYPE_MESSAGE_DIALOG,
    ADW_TYPE_PREFERENCES_WINDOW,
    FD_TYPE_WINDOW,
  };

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      GtkWindowClass *klass = g_type_class_ref (types[i]);

      klass->enable_debugging = refuse_debugging;
      g_type_class_unref (klass);
    }

  gtk_window_set_interactive_debugging (FALSE);
}

void
fd_application_clear_clipboards (void)
{
  GSList *displays = gdk_display_manager_list_displays (gdk_display_manager_get ());

  for (GSList *l = displays; l != NULL; l = l->next)
    {
      GdkClipboard *clipboards[] = {
        gdk_display_get_clipboard (l->data),
        gdk_display_get_primary_clipboard (l->data),
      };

      for (guint i = 0; i < G_N_ELEMENTS (clipboards); i++)
        if (gdk_clipboard_is_local (clipboards[i]) &&
            gdk_clipboard_get_content (clipboards[i]) != NULL)
          gdk_clipboard_set_content (clipboards[i], NULL);
    }

  g_slist_free (displays);
}

FdApplication *
fd_application_new (void)
{
  return g_object_new (FD_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/io/github/frontdesk/FrontDesk",
                       "register-session", TRUE,
                       NULL);
}

GSettings *
fd_application_get_settings (FdApplication *self)
{
  g_return_val_if_fail (FD_IS_APPLICATION (self), NULL);

  return self->settings;
}

static void
override (char       **value,
          const char  *replacement)
{
  if (replacement == NULL)
    return;

  g_free (*value);
  *value = replacement[0] != '\0' ? g_strdup (replacement) : NULL;
}

FdClientConfig *
fd_application_dup_config (FdApplication *self)
{
  FdClientConfig *config;

  g_return_val_if_fail (FD_IS_APPLICATION (self), NULL);

  config = self->settings != NULL ? fd_client_config_new_from_settings (self->settings)
                                  : fd_client_config_new ();

  if (self->overrides != NULL)
    {
      override (&config->server_url, self->overrides->server_url);
      override (&config->ca_file, self->overrides->ca_file);
      override (&config->pin, self->overrides->pin);
      /* A workstation name the administrator locked (dconf) beats the
       * command line (issue 14). */
      if (self->overrides->workstation != NULL &&
          (self->settings == NULL || g_settings_is_writable (self->settings, "workstation")))
        override (&config->workstation, self->overrides->workstation);
    }

  /* A relative or unreadable CA path from the settings is refused later,
   * by the API client, with a message on the connect page. */
  return config;
}

void
fd_application_set_overrides (FdApplication  *self,
                              const FdClientConfig *overrides)
{
  g_return_if_fail (FD_IS_APPLICATION (self));

  g_clear_pointer (&self->overrides, fd_client_config_free);
  if (overrides != NULL)
    self->overrides = fd_client_config_copy (overrides);
}

const char *
fd_application_get_config_error (FdApplication *self)
{
  g_return_val_if_fail (FD_IS_APPLICATION (self), NULL);

  return self->config_error;
}

void
fd_application_lock_all (FdApplication *self)
{
  g_return_if_fail (FD_IS_APPLICATION (self));

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l; l = l->next)
    if (FD_IS_WINDOW (l->data))
      fd_window_lock (l->data);
}

void
fd_application_send_tracked_notification (FdApplication *self,
                                          const char    *id,
                                          GNotification *notification)
{
  g_return_if_fail (FD_IS_APPLICATION (self));
  g_return_if_fail (id != NULL);
  g_return_if_fail (G_IS_NOTIFICATION (notification));

  g_hash_table_add (self->notifications, g_strdup (id));
  g_application_send_notification (G_APPLICATION (self), id, notification);
}

void
fd_application_withdraw_notifications (FdApplication *self)
{
  GHashTableIter iter;
  gpointer id;

  g_return_if_fail (FD_IS_APPLICATION (self));

  g_hash_table_iter_init (&iter, self->notifications);
  while (g_hash_table_iter_next (&iter, &id, NULL))
    {
      g_application_withdraw_notification (G_APPLICATION (self), id);
      g_hash_table_iter_remove (&iter);
    }
}

static void
screensaver_active_cb (FdApplication *self)
{
  gboolean active = FALSE;

  g_object_get (self, "screensaver-active", &active, NULL);
  if (active)
    fd_application_lock_all (self);
}

static void
resumed_cb (FdApplication *self)
{
  /* Waking past the idle deadline locks at once. */
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l; l = l->next)
    if (FD_IS_WINDOW (l->data))
      fd_idle_monitor_check (fd_window_get_idle_monitor (l->data));
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  FdApplication *self = user_data;
  g_autoptr(GList) windows = NULL;

  windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);

  /* A window that signs out first (sign-out-on-quit) goes by itself
   * within a few seconds, and the application with the last window. */
  if (gtk_application_get_windows (GTK_APPLICATION (self)) == NULL)
    g_application_quit (G_APPLICATION (self));
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  FdApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", parent,
                        "modal", TRUE,
                        "application-name", _("Front Desk"),
                        "application-icon", APP_ID,
                        "version", PACKAGE_VERSION,
                        "developer-name", _("The Front Desk developers"),
                        "comments", _("Resident records for the property-management "
                                      "front desk, with the personal data kept safe."),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        /* Translators: your names, one per line */
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static const GActionEntry app_actions[] = {
  { .name = "quit", .activate = quit_action },
  { .name = "about", .activate = about_action },
};

static gint
fd_application_handle_local_options (GApplication *application,
                                     GVariantDict *options)
{
  FdApplication *self = FD_APPLICATION (application);
  g_autoptr(FdClientConfig) overrides = g_new0 (FdClientConfig, 1);
  g_autoptr(GError) error = NULL;
  const char *value = NULL;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("frontdesk %s\n", PACKAGE_VERSION);
      return 0;
    }

  if (g_variant_dict_lookup (options, "server", "&s", &value))
    {
      if (!fd_client_config_check_server_url (value, &error))
        goto fail;
      overrides->server_url = g_strdup (value);
    }

  if (g_variant_dict_lookup (options, "ca", "^&ay", &value) &&
      !fd_client_config_check_ca_file (value, &overrides->ca_file, &error))
    {
      /* The window names the file on its connect page; a desktop launcher
       * has no terminal to read this in. */
      g_printerr ("frontdesk: %s\n", error->message);
      g_free (self->config_error);
      self->config_error = g_strdup (error->message);
      g_clear_error (&error);
    }

  if (g_variant_dict_lookup (options, "pin", "&s", &value))
    {
      if (!fd_client_config_check_pin (value, &error))
        goto fail;
      overrides->pin = g_strdup (value);
    }

  if (g_variant_dict_lookup (options, "workstation", "&s", &value))
    {
      if (!fd_client_config_check_workstation (value, &error))
        goto fail;
      overrides->workstation = g_strdup (value);
    }

  fd_application_set_overrides (self, overrides);
  return -1;

fail:
  g_printerr ("frontdesk: %s\n", error->message);
  return 2;
}

static void
bench_after_paint_cb (GdkFrameClock *clock,
                      GtkWidget     *window)
{
  g_signal_handlers_disconnect_by_func (clock, bench_after_paint_cb, window);
  g_print ("first-frame-us %" G_GINT64_FORMAT "\n", g_get_monotonic_time ());
  fflush (stdout);
  g_application_quit (G_APPLICATION (gtk_window_get_application (GTK_WINDOW (window))));
}

static void
bench_realize_cb (GtkWidget *window)
{
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint",
                    G_CALLBACK (bench_after_paint_cb), window);
}

static void
fd_application_activate (GApplication *application)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (application));

  if (window == NULL)
    {
      window = GTK_WINDOW (fd_window_new (FD_APPLICATION (application)));

      /* The start-up benchmark: print when the first frame is painted. */
      if (g_strcmp0 (g_getenv ("FD_BENCH_FIRST_FRAME"), "1") == 0)
        g_signal_connect (window, "realize", G_CALLBACK (bench_realize_cb), NULL);
    }

  gtk_window_present (window);
}

static void
fd_application_startup (GApplication *application)
{
  FdApplication *self = FD_APPLICATION (application);
  static const char *lock_accels[] = { "<Control>l", NULL };
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *shortcuts_accels[] = { "<Control>question", NULL };

  G_APPLICATION_CLASS (fd_application_parent_class)->startup (application);

#if !FD_DEVELOPMENT_PROFILE
  /* After gtk_init() (window classes need a display), before any window.
   * Every build but -Dprofile=development: the demo's debugoptimized build
   * and any source build must not open the Inspector either. */
  fd_application_lock_down_inspector ();
#endif

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.lock", lock_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-shortcuts",
                                         shortcuts_accels);

  g_signal_connect (self, "notify::screensaver-active",
                    G_CALLBACK (screensaver_active_cb), NULL);

  self->system_watch =
    fd_system_watch_new (g_application_get_dbus_connection (application));
  g_signal_connect_object (self->system_watch, "lock-requested",
                           G_CALLBACK (fd_application_lock_all), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->system_watch, "resumed",
                           G_CALLBACK (resumed_cb), self, G_CONNECT_SWAPPED);
}

static void
fd_application_shutdown (GApplication *application)
{
  FdApplication *self = FD_APPLICATION (application);

  /* Before GtkApplication hands the clipboard to a clipboard manager. */
  fd_application_clear_clipboards ();
  fd_application_withdraw_notifications (self);
  g_clear_object (&self->system_watch);

  G_APPLICATION_CLASS (fd_application_parent_class)->shutdown (application);
}

static void
fd_application_finalize (GObject *object)
{
  FdApplication *self = FD_APPLICATION (object);

  g_clear_object (&self->system_watch);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->overrides, fd_client_config_free);
  g_clear_pointer (&self->notifications, g_hash_table_unref);
  g_free (self->config_error);

  G_OBJECT_CLASS (fd_application_parent_class)->finalize (object);
}

static void
fd_application_class_init (FdApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  /* The resources live in a static library: referencing them here links
   * them in (and their constructor registers them) before startup loads
   * style.css from the resource base path. */
  if (fd_client_get_resource () == NULL)
    g_error ("Front Desk resources are missing");

  object_class->finalize = fd_application_finalize;
  app_class->handle_local_options = fd_application_handle_local_options;
  app_class->activate = fd_application_activate;
  app_class->startup = fd_application_startup;
  app_class->shutdown = fd_application_shutdown;
}

static void
fd_application_init (FdApplication *self)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  self->notifications = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema != NULL)
    self->settings = g_settings_new_full (schema, NULL, NULL);
  else
    g_warning ("GSettings schema %s is not installed; settings are not kept", APP_ID);

  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Front desk client for the office server"));
}
