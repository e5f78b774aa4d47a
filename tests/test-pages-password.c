/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The account's own password change (pwchange), in the real window
 * against a real server under Xvfb. Controls are found by their
 * accessible names (as a screen reader names them), typed into as
 * AT-SPI's EditableText does, and Enter is a real key press:
 *  - a sign-in with a one-time password (an account made without one)
 *    opens the dialog at once; the new password is checked as it is typed
 *    (too short, not matching); a wrong current password is refused
 *    in the dialog and wiped; Cancel leaves a reminder banner, whose
 *    button opens the dialog again; the change closes it, toasts, hides
 *    the banner, and the server then takes only the new password;
 *  - a demo account sees no dialog and no banner; "Change Password…" is in
 *    the main menu; 5 wrong current passwords lock the account, and the
 *    dialog says so.
 * FD_PAGES_TEST_SCREENSHOTS=DIR saves the dialog and the banner
 * (LANGUAGE=zh_CN for Chinese). */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <string.h>

#include "fd-application.h"
#include "fd-password-dialog.h"
#include "fd-signin-page.h"
#include "fd-test-server.h"
#include "fd-window.h"
#include "test-pages-util.h"

#define TIMEOUT_MS 30000

static FdTestServer *server;
static SoupSession *test_session;
static FdApplication *app;
static const char *lang = "en";

static void
shoot (GtkWidget  *widget,
       const char *name)
{
  g_autofree char *full = g_strdup_printf ("%s-%s", name, lang);

  /* Under Xvfb no window manager grows a dialog whose message appeared:
   * do it as one would */
  if (g_getenv ("FD_PAGES_TEST_SCREENSHOTS") != NULL && FD_IS_PASSWORD_DIALOG (widget))
    fd_pages_test_resize (widget, 460, 560);
  fd_pages_test_screenshot (widget, full);
}

/* The first widget of @type under @root whose accessible name is @name. */
static GtkWidget *
find_named (GtkWidget  *root,
            GType       type,
            const char *name)
{
  g_autoptr(GPtrArray) all = fd_pages_test_find_all (root, type);

  for (guint i = 0; i < all->len; i++)
    {
      g_autofree char *differs = gtk_test_accessible_check_property (
        GTK_ACCESSIBLE (all->pdata[i]), GTK_ACCESSIBLE_PROPERTY_LABEL, name);

      if (differs == NULL)
        return all->pdata[i];
    }
  return NULL;
}

/* The button of @root that activates @action. */
static GtkWidget *
action_button (GtkWidget  *root,
               const char *action)
{
  g_autoptr(GPtrArray) all = fd_pages_test_find_all (root, GTK_TYPE_BUTTON);

  for (guint i = 0; i < all->len; i++)
    if (g_strcmp0 (gtk_actionable_get_action_name (all->pdata[i]), action) == 0)
      return all->pdata[i];
  return NULL;
}

static FdPasswordDialog *
open_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (FD_IS_PASSWORD_DIALOG (window) && gtk_widget_get_mapped (GTK_WIDGET (window)))
        return FD_PASSWORD_DIALOG (window);
    }
  return NULL;
}

static gboolean
dialog_open_cond (gpointer data)
{
  return open_dialog () != NULL;
}

static gboolean
dialog_closed_cond (gpointer data)
{
  return open_dialog () == NULL;
}

static gboolean
dialog_idle_cond (gpointer data)
{
  return !fd_password_dialog_get_busy (data) && fd_password_dialog_get_error (data) != NULL;
}

static FdPasswordDialog *
wait_dialog (void)
{
  g_assert_true (fd_pages_test_wait_until (dialog_open_cond, NULL, TIMEOUT_MS));
  fd_pages_test_wait (200);
  return open_dialog ();
}

static GtkWidget *
entry (FdPasswordDialog *dialog,
       const char       *name)
{
  GtkWidget *widget = find_named (GTK_WIDGET (dialog), GTK_TYPE_PASSWORD_ENTRY, name);

  g_assert_nonnull (widget);
  g_assert_true (GTK_IS_PASSWORD_ENTRY (widget));
  return widget;
}

static void
type (FdPasswordDialog *dialog,
      const char       *current,
      const char       *new_password,
      const char       *confirm)
{
  gtk_editable_set_text (GTK_EDITABLE (entry (dialog, _("Current password"))), current);
  gtk_editable_set_text (GTK_EDITABLE (entry (dialog, _("New password"))), new_password);
  gtk_editable_set_text (GTK_EDITABLE (entry (dialog, _("Confirm new password"))), confirm);
}

/* Enter in the confirmation: a real key press. */
static void
press_enter (FdPasswordDialog *dialog)
{
  fd_pages_test_key (entry (dialog, _("Confirm new password")), "Return");
}

static gboolean
shows_text (GtkWidget  *root,
            const char *text)
{
  g_autoptr(GString) all = g_string_new (NULL);

  fd_pages_test_collect_text (root, all);
  return strstr (all->str, text) != NULL;
}

/* @text in a label of @root that is on screen. */
static gboolean
shows_label (GtkWidget  *root,
             const char *text)
{
  GtkWidget *label = fd_pages_test_find_label (root, text);

  return label != NULL && gtk_widget_get_mapped (label);
}

static GtkRevealer *
reminder (FdWindow *window)
{
  GtkWidget *widget = find_named (GTK_WIDGET (window), GTK_TYPE_REVEALER, _("Password reminder"));

  return widget != NULL ? GTK_REVEALER (widget) : NULL;
}

static gboolean
reminder_shown (FdWindow *window)
{
  GtkRevealer *banner = reminder (window);

  /* shown, and done sliding in */
  return banner != NULL && gtk_revealer_get_reveal_child (banner) &&
         gtk_revealer_get_child_revealed (banner);
}

static gboolean
reminder_shown_cond (gpointer data)
{
  return reminder_shown (data);
}

static FdWindow *
sign_in_window (const char *username,
                const char *password)
{
  FdClientConfig overrides = {
    .server_url = (char *) fd_test_server_get_base_url (server),
    .ca_file = (char *) fd_test_server_get_ca_path (server),
    .workstation = (char *) "test-desk",
  };
  FdWindow *window;
  FdSigninPage *page;
  GtkWidget *password_entry, *button = NULL;
  g_autoptr(GPtrArray) buttons = NULL;

  fd_application_set_overrides (app, &overrides);
  window = fd_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  fd_pages_test_show_window (GTK_WINDOW (window));
  fd_pages_test_assert_page (window, "signin", TIMEOUT_MS);

  page = FD_SIGNIN_PAGE (fd_pages_test_find (GTK_WIDGET (window), FD_TYPE_SIGNIN_PAGE));
  password_entry = fd_pages_test_find (GTK_WIDGET (page), GTK_TYPE_PASSWORD_ENTRY);
  fd_signin_page_set_username (page, username);
  gtk_editable_set_text (GTK_EDITABLE (password_entry), password);
  buttons = fd_pages_test_find_all (GTK_WIDGET (page), GTK_TYPE_BUTTON);
  for (guint i = 0; i < buttons->len && button == NULL; i++)
    if (gtk_widget_has_css_class (buttons->pdata[i], "suggested-action") &&
        gtk_widget_get_mapped (buttons->pdata[i]))
      button = buttons->pdata[i];
  g_assert_nonnull (button);
  gtk_widget_activate (button);
  fd_pages_test_assert_page (window, "main", TIMEOUT_MS);
  return window;
}

static void
close_window (FdWindow *window)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sign-out", NULL));
  fd_pages_test_assert_page (window, "signin", TIMEOUT_MS);
  gtk_window_destroy (GTK_WINDOW (window));
  fd_pages_test_wait (200);
}

/* An account made without a password (the server's one-time one), its
 * rules acknowledged through the API. */
static char *
create_one_time (const char  *role,
                 char       **one_time)
{
  g_autofree char *admin = fd_test_login (server, test_session, "admin");
  g_autofree char *username = g_strdup_printf ("pw-%s-%u", role,
                                               g_random_int_range (1000, 9999));
  g_autofree char *body = g_strdup_printf ("{\"username\": \"%s\", \"display_name\": "
                                           "\"李 Li\", \"role\": \"%s\"}", username, role);
  g_autofree char *login = NULL;
  g_autoptr(JsonNode) created = NULL;
  g_autoptr(JsonNode) signed_in = NULL;
  guint status = 0;

  created = fd_test_request (server, test_session, "POST", "/api/v1/users", admin, body,
                             &status, NULL);
  g_assert_cmpuint (status, ==, 201);
  *one_time = g_strdup (fd_test_get_string (fd_test_get_object (created), "password"));
  login = g_strdup_printf ("{\"username\": \"%s\", \"password\": \"%s\"}", username, *one_time);
  signed_in = fd_test_request (server, test_session, "POST", "/api/v1/session", NULL, login,
                               &status, NULL);
  g_assert_cmpuint (status, ==, 201);
  fd_test_acknowledge_rules (server, test_session,
                             fd_test_get_string (fd_test_get_object (signed_in), "token"));
  return g_steal_pointer (&username);
}

/* Signs @username in over the API: the status, and *@required. */
static guint
api_sign_in (const char *username,
             const char *password,
             gboolean   *required)
{
  g_autofree char *login = g_strdup_printf ("{\"username\": \"%s\", \"password\": \"%s\"}",
                                            username, password);
  g_autoptr(JsonNode) node = NULL;
  guint status = 0;

  node = fd_test_request (server, test_session, "POST", "/api/v1/session", NULL, login, &status,
                          NULL);
  if (status == 201 && required != NULL)
    *required = json_object_get_boolean_member (fd_test_get_object (node),
                                                "password_change_required");
  return status;
}

static void
test_one_time (void)
{
  g_autofree char *one_time = NULL;
  g_autofree char *username = create_one_time ("reception", &one_time);
  const char *chosen = "desk-own-2026";
  FdPasswordDialog *dialog;
  FdWindow *window;
  GtkWidget *change;
  gboolean required = TRUE;

  window = sign_in_window (username, one_time);
  g_assert_true (fd_session_get_info (fd_window_get_session (window))->password_change_required);

  /* the dialog comes at once, says why, and names every control */
  dialog = wait_dialog ();
  g_assert_true (shows_label (GTK_WIDGET (dialog),
                              _("Your password was set by an administrator, who has seen it. "
                                "Choose your own now.")));
  g_assert_false (gtk_password_entry_get_show_peek_icon (
                    GTK_PASSWORD_ENTRY (entry (dialog, _("Current password")))));
  g_assert_true (gtk_password_entry_get_show_peek_icon (
                   GTK_PASSWORD_ENTRY (entry (dialog, _("New password")))));
  change = action_button (GTK_WIDGET (dialog), "password.submit");
  g_assert_nonnull (change);

  /* checked as it is typed: Change waits for a valid form */
  type (dialog, one_time, "short", "");
  {
    g_autofree char *three = g_strdup_printf (ngettext ("Too short: %u more character needed.",
                                                        "Too short: %u more characters needed.",
                                                        3), 3);

    g_assert_true (shows_text (GTK_WIDGET (dialog), three));
  }
  g_assert_false (gtk_widget_get_sensitive (change));
  type (dialog, one_time, chosen, "desk-own-2025");
  g_assert_true (shows_text (GTK_WIDGET (dialog), _("The passwords do not match.")));
  g_assert_false (fd_password_dialog_get_valid (dialog));
  g_assert_false (gtk_widget_get_sensitive (change));
  type (dialog, one_time, username, username);
  g_assert_true (shows_text (GTK_WIDGET (dialog),
                             _("This is your username. Choose something else.")));
  g_assert_false (gtk_widget_get_sensitive (change));
  type (dialog, "", chosen, chosen);
  g_assert_true (shows_text (GTK_WIDGET (dialog), _("The passwords match.")));
  shoot (GTK_WIDGET (dialog), "password-dialog");

  /* a wrong current password: refused in the dialog, wiped */
  type (dialog, "not-my-password", chosen, chosen);
  g_assert_true (gtk_widget_get_sensitive (change));
  press_enter (dialog);
  g_assert_true (fd_pages_test_wait_until (dialog_idle_cond, dialog, TIMEOUT_MS));
  g_assert_cmpstr (fd_password_dialog_get_error (dialog), ==,
                   _("The current password is wrong. After 5 wrong passwords in a row the "
                     "account is locked for 15 minutes."));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry (dialog, _("Current password")))),
                   ==, "");
  shoot (GTK_WIDGET (dialog), "password-wrong");

  /* Cancel: the banner reminds */
  gtk_widget_activate (action_button (GTK_WIDGET (dialog), "window.close"));
  g_assert_true (fd_pages_test_wait_until (dialog_closed_cond, NULL, TIMEOUT_MS));
  g_assert_true (fd_pages_test_wait_until (reminder_shown_cond, window, TIMEOUT_MS));
  shoot (GTK_WIDGET (window), "password-reminder");

  /* its button opens the dialog again; the change closes it */
  fd_pages_test_click (action_button (GTK_WIDGET (reminder (window)), "win.change-password"), 1);
  dialog = wait_dialog ();
  g_assert_false (reminder_shown (window));
  type (dialog, one_time, chosen, chosen);
  press_enter (dialog);
  g_assert_true (fd_pages_test_wait_until (dialog_closed_cond, NULL, TIMEOUT_MS));
  fd_pages_test_wait (300);
  g_assert_false (reminder_shown (window));
  g_assert_false (fd_session_get_info (fd_window_get_session (window))->password_change_required);
  g_assert_true (shows_text (GTK_WIDGET (window),
                             _("Your password was changed. Your other sessions were signed out.")));
  /* the session goes on */
  g_assert_cmpstr (fd_window_get_page_name (window), ==, "main");

  /* the server took it */
  g_assert_cmpuint (api_sign_in (username, one_time, NULL), ==, 401);
  g_assert_cmpuint (api_sign_in (username, chosen, &required), ==, 201);
  g_assert_false (required);
  close_window (window);
}

static void
test_menu_and_lock (void)
{
  g_autofree char *acknowledged = fd_test_login (server, test_session, "finance");
  FdWindow *window = sign_in_window ("finance", fd_test_server_get_password (server));
  g_autofree char *one_time = NULL;
  g_autofree char *username = NULL;
  FdPasswordDialog *dialog;
  GtkMenuButton *menu;
  GMenuModel *model;
  gboolean listed = FALSE;

  /* a demo account: no dialog, no banner */
  fd_pages_test_wait (800);
  g_assert_null (open_dialog ());
  g_assert_false (reminder_shown (window));

  /* "Change Password…" is in the main menu */
  menu = GTK_MENU_BUTTON (find_named (GTK_WIDGET (window), GTK_TYPE_MENU_BUTTON, _("Main Menu")));
  g_assert_nonnull (menu);
  model = gtk_menu_button_get_menu_model (menu);
  for (int s = 0; s < g_menu_model_get_n_items (model); s++)
    {
      GMenuModel *section = g_menu_model_get_item_link (model, s, G_MENU_LINK_SECTION);

      for (int i = 0; section != NULL && i < g_menu_model_get_n_items (section); i++)
        {
          g_autofree char *action = NULL;
          g_autofree char *label = NULL;

          g_menu_model_get_item_attribute (section, i, G_MENU_ATTRIBUTE_ACTION, "s", &action);
          g_menu_model_get_item_attribute (section, i, G_MENU_ATTRIBUTE_LABEL, "s", &label);
          if (g_strcmp0 (action, "win.change-password") == 0)
            listed = g_strcmp0 (label, _("_Change Password…")) == 0;
        }
      g_clear_object (&section);
    }
  g_assert_true (listed);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.change-password", NULL));
  dialog = wait_dialog ();
  g_assert_false (shows_label (GTK_WIDGET (dialog),
                               _("Your password was set by an administrator, who has seen it. "
                                 "Choose your own now.")));
  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_true (fd_pages_test_wait_until (dialog_closed_cond, NULL, TIMEOUT_MS));
  g_assert_false (reminder_shown (window));
  close_window (window);

  /* five wrong current passwords lock the account: the dialog says so */
  username = create_one_time ("patrol", &one_time);
  window = sign_in_window (username, one_time);
  dialog = wait_dialog ();
  for (guint i = 0; i < 5; i++)
    {
      type (dialog, "guess-guess", "long-enough-1", "long-enough-1");
      fd_password_dialog_submit (dialog);
      g_assert_true (fd_password_dialog_get_busy (dialog));
      g_assert_true (fd_pages_test_wait_until (dialog_idle_cond, dialog, TIMEOUT_MS));
    }
  {
    /* the locked message, up to its time */
    g_autofree char *format = g_strdup (_("Too many wrong passwords: your account is locked "
                                          "until %s and signed out everywhere. Sign in again "
                                          "then."));

    *strstr (format, "%s") = '\0';
    g_assert_true (g_str_has_prefix (fd_password_dialog_get_error (dialog), format));
  }
  type (dialog, one_time, "long-enough-1", "long-enough-1");
  g_assert_false (gtk_widget_get_sensitive (action_button (GTK_WIDGET (dialog), "password.submit")));
  shoot (GTK_WIDGET (dialog), "password-locked");
  g_assert_cmpuint (api_sign_in (username, one_time, NULL), ==, 423);
  gtk_window_destroy (GTK_WINDOW (window));
  fd_pages_test_wait (200);
}

int
main (int   argc,
      char *argv[])
{
  FdTestServerOptions options = { .residents = 50 };
  int ret;

  if (g_getenv ("DISPLAY") == NULL)
    {
      g_print ("1..0 # SKIP no display\n");
      return 0;
    }
  /* GTK's in-process accessibility tree (the suite turns it off): the
   * names and relations a screen reader would be given */
  g_setenv ("GTK_A11Y", "test", TRUE);
  lang = fd_pages_test_init (&argc, &argv);

  server = fd_test_server_start (&options);
  test_session = fd_test_server_new_session (server);
  app = fd_pages_test_new_app ();

  g_test_add_func ("/fd/pages/password/one-time", test_one_time);
  g_test_add_func ("/fd/pages/password/menu-and-lock", test_menu_and_lock);
  ret = g_test_run ();

  g_clear_object (&app);
  g_clear_object (&test_session);
  g_clear_pointer (&server, fd_test_server_stop);
  return ret;
}
