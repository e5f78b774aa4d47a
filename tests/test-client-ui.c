/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests the client window: sign-in, keyring, restart and locking. */

/* test-client-ui.c — the desktop client's window: sign-in, keyring,
 * restart, locking and what survives it, against a real server, a real
 * gnome-keyring and Xvfb (build-aux/headless-run.sh).
 */

#include "config.h"

#include <gdk/x11/gdkx.h>
#include <gtk/gtk.h>
#include <libsecret/secret.h>
#include <locale.h>
#include <string.h>

#include "fd-application.h"
#include "fd-connect-page.h"
#include "fd-lock-page.h"
#include "fd-main-view.h"
#include "fd-pin.h"
#include "fd-secret-store.h"
#include "fd-signin-page.h"
#include "fd-test-server.h"
#include "fd-window.h"

#define TIMEOUT_MS 20000

static FdTestServer *server;
static SoupSession *test_session;
static FdApplication *app;
/* Every token this run handed out, to look for on disk at the end. */
static GPtrArray *seen_tokens;

/* --- waiting --- */

typedef gboolean (*Cond) (gpointer data);

static gboolean
timeout_flag_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
wait_until (Cond     cond,
            gpointer data,
            guint    timeout_ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (timeout_ms, timeout_flag_cb, &timed_out);

  while (!cond (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!timed_out)
    g_source_remove (id);
  return cond (data);
}

static void
wait_ms (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, timeout_flag_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

typedef struct
{
  FdWindow   *window;
  const char *page;
} PageWait;

static gboolean
page_is_cb (gpointer data)
{
  PageWait *w = data;

  return g_strcmp0 (fd_window_get_page_name (w->window), w->page) == 0;
}

static void
assert_page (FdWindow   *window,
             const char *page)
{
  PageWait w = { window, page };

  if (!wait_until (page_is_cb, &w, TIMEOUT_MS))
    {
      g_autofree char *message = g_strdup_printf ("expected page %s, window shows %s",
                                                  page, fd_window_get_page_name (window));
      g_assertion_message ("fd-test", __FILE__, __LINE__, G_STRFUNC, message);
    }
}

static gboolean
pointer_is_null_cb (gpointer data)
{
  return *(gpointer *) data == NULL;
}

/* --- widget tree --- */

static GtkWidget *
find_type (GtkWidget *root,
           GType      type)
{
  if (g_type_is_a (G_OBJECT_TYPE (root), type))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_type (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static GtkWidget *
find_suggested_button (GtkWidget *root)
{
  if (GTK_IS_BUTTON (root) && gtk_widget_has_css_class (root, "suggested-action"))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_suggested_button (child);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
collect_text (GtkWidget *widget,
              GString   *out)
{
  const char *text = NULL;

  if (GTK_IS_LABEL (widget))
    text = gtk_label_get_text (GTK_LABEL (widget));
  else if (GTK_IS_EDITABLE (widget))
    text = gtk_editable_get_text (GTK_EDITABLE (widget));
  else if (GTK_IS_WINDOW (widget))
    text = gtk_window_get_title (GTK_WINDOW (widget));

  if (text != NULL)
    g_string_append_printf (out, "%s\n", text);
  if (gtk_widget_get_tooltip_text (widget) != NULL)
    g_string_append_printf (out, "%s\n", gtk_widget_get_tooltip_text (widget));

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_text (child, out);
}

/* Everything every window of the process shows or holds. */
static char *
all_text (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      collect_text (window, out);
    }

  return g_string_free (out, FALSE);
}

static gboolean
any_toplevel_has_type (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (find_type (window, type) != NULL)
        return TRUE;
    }

  return FALSE;
}

/* --- server side --- */

static char *
keyring_lookup (const char *username)
{
  g_autoptr(GError) error = NULL;
  char *secret;

  secret = secret_password_lookup_sync (fd_secret_store_get_schema (), NULL, &error,
                                        "server", fd_test_server_get_base_url (server),
                                        "username", username,
                                        "schema-version", FD_SECRET_SCHEMA_VERSION,
                                        NULL);
  g_assert_no_error (error);
  if (secret != NULL)
    g_ptr_array_add (seen_tokens, g_strdup (secret));
  return secret;
}

static guint
token_status (const char *token)
{
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  answer = fd_test_request (server, test_session, "GET", "/api/v1/session",
                            token, NULL, &status, NULL);
  return status;
}

static void
set_disabled (const char *user_id,
              gboolean    disabled)
{
  g_autofree char *admin = fd_test_login (server, test_session, "admin");
  g_autofree char *path = g_strdup_printf ("/api/v1/users/%s", user_id);
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  answer = fd_test_request (server, test_session, "PATCH", path, admin,
                            disabled ? "{\"disabled\": true}" : "{\"disabled\": false}",
                            &status, NULL);
  g_assert_cmpuint (status, ==, 200);
}

/* Clear values a reception user sees in the first page of residents. */
static GPtrArray *
resident_strings (char **first_room)
{
  g_autofree char *token = fd_test_login (server, test_session, "reception");
  g_autoptr(JsonNode) answer = NULL;
  GPtrArray *strings = g_ptr_array_new_with_free_func (g_free);
  JsonArray *items;
  guint status = 0;

  answer = fd_test_request (server, test_session, "GET", "/api/v1/residents?limit=50",
                            token, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  items = json_object_get_array_member (fd_test_get_object (answer), "items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      const char *members[] = { "name", "phone" };

      if (i == 0)
        *first_room = g_strdup (fd_test_get_string (fd_test_get_object_member (item, "room"),
                                                    "value"));

      for (guint m = 0; m < G_N_ELEMENTS (members); m++)
        {
          JsonObject *field = fd_test_get_object_member (item, members[m]);

          if (field != NULL && json_object_has_member (field, "value"))
            g_ptr_array_add (strings, g_strdup (json_object_get_string_member (field, "value")));
        }
    }

  g_assert_cmpuint (strings->len, >, 0);
  return strings;
}

/* --- the window --- */

static FdWindow *
open_window_full (const char *url,
                  const char *ca,
                  const char *pin)
{
  FdClientConfig overrides = {
    .server_url = (char *) url,
    .ca_file = (char *) ca,
    .pin = (char *) pin,
    .workstation = (char *) "test-desk",
  };
  FdWindow *window;

  fd_application_set_overrides (app, &overrides);
  window = fd_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static FdWindow *
open_window (void)
{
  return open_window_full (fd_test_server_get_base_url (server),
                           fd_test_server_get_ca_path (server), NULL);
}

static void
close_window (FdWindow *window)
{
  gpointer weak = window;

  g_object_add_weak_pointer (G_OBJECT (window), &weak);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_true (wait_until (pointer_is_null_cb, &weak, TIMEOUT_MS));
}

static FdSigninPage *
signin_page (FdWindow *window)
{
  return FD_SIGNIN_PAGE (find_type (GTK_WIDGET (window), FD_TYPE_SIGNIN_PAGE));
}

static FdLockPage *
lock_page (FdWindow *window)
{
  return FD_LOCK_PAGE (find_type (GTK_WIDGET (window), FD_TYPE_LOCK_PAGE));
}

typedef struct
{
  FdWindow *window;
  gboolean  (*done) (FdWindow *window);
} Settle;

static gboolean
signin_settled (FdWindow *window)
{
  return g_strcmp0 (fd_window_get_page_name (window), "signin") != 0 ||
         fd_signin_page_get_message (signin_page (window)) != NULL;
}

static gboolean
settle_cb (gpointer data)
{
  Settle *s = data;

  return s->done (s->window);
}

/* Types into the sign-in form and presses Sign In; returns once the window
 * moved on or shows a message. */
static void
sign_in_as (FdWindow   *window,
            const char *username,
            const char *password)
{
  FdSigninPage *page = signin_page (window);
  GtkWidget *entry = find_type (GTK_WIDGET (page), GTK_TYPE_PASSWORD_ENTRY);
  GtkWidget *button = find_suggested_button (GTK_WIDGET (page));
  Settle s = { window, signin_settled };

  assert_page (window, "signin");
  fd_signin_page_set_message (page, NULL);
  fd_signin_page_set_username (page, username);
  gtk_editable_set_text (GTK_EDITABLE (entry), password);
  g_assert_true (gtk_widget_get_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
  g_assert_true (wait_until (settle_cb, &s, TIMEOUT_MS));
}

static gboolean
unlock_settled (FdWindow *window)
{
  return g_strcmp0 (fd_window_get_page_name (window), "lock") != 0 ||
         fd_lock_page_get_message (lock_page (window)) != NULL;
}

static void
unlock_with (FdWindow   *window,
             const char *password)
{
  FdLockPage *page = lock_page (window);
  GtkWidget *entry = find_type (GTK_WIDGET (page), GTK_TYPE_PASSWORD_ENTRY);
  GtkWidget *button = find_suggested_button (GTK_WIDGET (page));
  Settle s = { window, unlock_settled };

  assert_page (window, "lock");
  fd_lock_page_set_message (page, NULL);
  gtk_editable_set_text (GTK_EDITABLE (entry), password);
  g_assert_true (gtk_widget_get_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
  g_assert_true (wait_until (settle_cb, &s, TIMEOUT_MS));
}

/* Signs a fresh reception account in; returns its username. */
static char *
signed_in_window (FdWindow **out_window,
                  char     **user_id)
{
  char *username = fd_test_create_user (server, test_session, "reception", user_id);
  FdWindow *window = open_window ();
  g_autofree char *token = NULL;

  sign_in_as (window, username, fd_test_server_get_password (server));
  assert_page (window, "main");
  g_assert_nonnull (fd_window_get_main_view (window));
  token = keyring_lookup (username);
  g_assert_nonnull (token);

  *out_window = window;
  return username;
}

static void
sign_out_window (FdWindow *window)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sign-out", NULL));
  assert_page (window, "signin");
  g_assert_cmpint (fd_session_get_state (fd_window_get_session (window)), ==,
                   FD_SESSION_SIGNED_OUT);
}

static void
reset_settings (void)
{
  GSettings *settings = fd_application_get_settings (app);

  g_settings_reset (settings, "last-username");
  g_settings_reset (settings, "server-url");
}

/* --- tests --- */

static void
test_connect_page (void)
{
  GSettings *settings = fd_application_get_settings (app);
  FdWindow *window;
  GtkWidget *page, *entry, *button;
  g_autofree char *text = NULL;

  reset_settings ();
  window = open_window_full (NULL, fd_test_server_get_ca_path (server), NULL);
  assert_page (window, "connect");

  /* The provisioned trust is shown; there is nothing to accept. */
  text = all_text ();
  g_assert_nonnull (strstr (text, "The office certificate authority in"));
  g_assert_null (strstr (text, "ccept"));

  page = find_type (GTK_WIDGET (window), FD_TYPE_CONNECT_PAGE);
  entry = find_type (page, GTK_TYPE_ENTRY);
  button = find_suggested_button (page);
  gtk_editable_set_text (GTK_EDITABLE (entry), "http://127.0.0.1:8443");
  g_signal_emit_by_name (button, "clicked");
  g_clear_pointer (&text, g_free);
  text = all_text ();
  g_assert_nonnull (strstr (text, "Unencrypted http:// addresses are not allowed"));
  g_assert_cmpstr (fd_window_get_page_name (window), ==, "connect");

  gtk_editable_set_text (GTK_EDITABLE (entry), fd_test_server_get_base_url (server));
  g_signal_emit_by_name (button, "clicked");
  assert_page (window, "signin");
  g_assert_cmpstr (g_settings_get_string (settings, "server-url"), ==,
                   fd_test_server_get_base_url (server));

  close_window (window);
  reset_settings ();
}

static void
test_http_refused (void)
{
  FdWindow *window = open_window_full ("http://127.0.0.1:8443", NULL, NULL);
  g_autofree char *text = NULL;

  assert_page (window, "connect");
  g_assert_null (fd_window_get_api_client (window));
  text = all_text ();
  g_assert_nonnull (strstr (text, "The server address must start with https://"));
  close_window (window);
}

static void
test_sign_in_errors (void)
{
  const char *password = fd_test_server_get_password (server);
  g_autofree char *locked_user = fd_test_create_user (server, test_session, "reception", NULL);
  g_autofree char *disabled_id = NULL;
  g_autofree char *disabled_user = fd_test_create_user (server, test_session, "reception",
                                                        &disabled_id);
  FdWindow *window = open_window ();
  FdSigninPage *page = signin_page (window);

  /* Wrong password: its own message; the password goes, the user stays. */
  sign_in_as (window, "reception", "wrong-password");
  g_assert_cmpstr (fd_signin_page_get_message (page), ==, "Wrong username or password.");
  g_assert_cmpstr (fd_signin_page_get_password (page), ==, "");
  g_assert_cmpstr (fd_signin_page_get_username (page), ==, "reception");
  g_assert_null (fd_window_get_main_view (window));

  /* Locked after five failures: says until when, in local time. */
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"username\": \"%s\", \"password\": \"nope\","
                                               " \"workstation\": \"t\"}", locked_user);
      g_autoptr(JsonNode) answer = NULL;
      guint status = 0;

      answer = fd_test_request (server, test_session, "POST", "/api/v1/session", NULL, body,
                                &status, NULL);
      g_assert_cmpuint (status, ==, 401);
    }
  sign_in_as (window, locked_user, password);
  g_assert_true (g_str_has_prefix (fd_signin_page_get_message (page),
                                   "This account is locked until "));
  g_assert_null (fd_window_get_main_view (window));

  /* Disabled. */
  set_disabled (disabled_id, TRUE);
  sign_in_as (window, disabled_user, password);
  g_assert_cmpstr (fd_signin_page_get_message (page), ==,
                   "This account is disabled. Ask your administrator.");
  g_assert_null (fd_window_get_main_view (window));

  close_window (window);
}

/* A loopback port nobody listens on. */
static char *
dead_url (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_assert_true (g_socket_bind (socket, address, TRUE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  g_socket_close (socket, NULL);

  return g_strdup_printf ("https://127.0.0.1:%u",
                          g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
}

static void
test_sign_in_unreachable (void)
{
  g_autofree char *url = dead_url ();
  FdWindow *window = open_window_full (url, fd_test_server_get_ca_path (server), NULL);
  FdSigninPage *page = signin_page (window);
  GtkRevealer *banner;

  sign_in_as (window, "reception", "typed-password");
  g_assert_cmpstr (fd_signin_page_get_message (page), ==,
                   "The office server cannot be reached. Check the network connection "
                   "and try again.");
  /* Nothing the user typed is lost; a banner says it keeps trying. */
  g_assert_cmpstr (fd_signin_page_get_username (page), ==, "reception");
  g_assert_cmpstr (fd_signin_page_get_password (page), ==, "typed-password");
  banner = GTK_REVEALER (find_type (GTK_WIDGET (window), GTK_TYPE_REVEALER));
  g_assert_true (gtk_revealer_get_reveal_child (banner));

  close_window (window);
}

static void
test_sign_in_tls (void)
{
  const char *tls = "The server's certificate is not trusted. Do not continue; "
                    "call your administrator.";
  const char *zero_pin = "sha256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
  g_autofree char *path = g_build_filename (fd_test_server_get_data_dir (server),
                                            "server.pem", NULL);
  g_autofree char *pem = NULL;
  g_autofree char *pin = NULL;
  g_autofree char *username = NULL;
  FdWindow *window;
  gsize len;

  /* System CAs only: the office server's certificate is unknown. */
  window = open_window_full (fd_test_server_get_base_url (server), NULL, NULL);
  sign_in_as (window, "reception", fd_test_server_get_password (server));
  g_assert_cmpstr (fd_signin_page_get_message (signin_page (window)), ==, tls);
  g_assert_null (fd_window_get_main_view (window));
  close_window (window);

  /* A wrong pin, even with the right CA. */
  window = open_window_full (fd_test_server_get_base_url (server),
                             fd_test_server_get_ca_path (server), zero_pin);
  sign_in_as (window, "reception", fd_test_server_get_password (server));
  g_assert_cmpstr (fd_signin_page_get_message (signin_page (window)), ==, tls);
  close_window (window);

  /* The right pin, without any CA. */
  g_assert_true (g_file_get_contents (path, &pem, &len, NULL));
  pin = fd_pin_from_pem (pem, len, NULL);
  g_assert_nonnull (pin);
  username = fd_test_create_user (server, test_session, "reception", NULL);
  window = open_window_full (fd_test_server_get_base_url (server), NULL, pin);
  sign_in_as (window, username, fd_test_server_get_password (server));
  assert_page (window, "main");
  g_free (keyring_lookup (username));
  sign_out_window (window);
  close_window (window);
}

static void
test_keyring_sign_out (void)
{
  FdWindow *window = NULL;
  g_autofree char *username = signed_in_window (&window, NULL);
  g_autofree char *token = keyring_lookup (username);

  g_assert_cmpuint (token_status (token), ==, 200);
  g_assert_cmpstr (g_settings_get_string (fd_application_get_settings (app), "last-username"),
                   ==, username);

  sign_out_window (window);
  g_assert_null (keyring_lookup (username));
  g_assert_cmpuint (token_status (token), ==, 401);
  g_assert_null (fd_window_get_main_view (window));
  g_assert_false (any_toplevel_has_type (FD_TYPE_MAIN_VIEW));

  close_window (window);
  reset_settings ();
}

static void
test_restart_locked (void)
{
  FdWindow *window = NULL;
  g_autofree char *username = signed_in_window (&window, NULL);
  g_autofree char *first = keyring_lookup (username);
  g_autofree char *second = NULL;
  g_autofree char *text = NULL;

  /* Quit without signing out, start again: the session resumes, locked. */
  close_window (window);
  window = open_window ();
  assert_page (window, "lock");
  g_assert_null (fd_window_get_main_view (window));
  g_assert_false (any_toplevel_has_type (FD_TYPE_MAIN_VIEW));
  g_assert_cmpint (fd_session_get_state (fd_window_get_session (window)), ==, FD_SESSION_LOCKED);
  text = all_text ();
  g_assert_nonnull (strstr (text, "Test account"));
  g_assert_nonnull (strstr (text, username));

  unlock_with (window, fd_test_server_get_password (server));
  assert_page (window, "main");
  g_assert_nonnull (fd_window_get_main_view (window));
  second = keyring_lookup (username);
  g_assert_cmpstr (first, !=, second);
  g_assert_cmpuint (token_status (first), ==, 401);

  sign_out_window (window);
  close_window (window);
  reset_settings ();
}

static gboolean
shows_resident_cb (gpointer data)
{
  GPtrArray *residents = data;
  g_autofree char *text = all_text ();

  for (guint i = 0; i < residents->len; i++)
    if (strstr (text, g_ptr_array_index (residents, i)) != NULL)
      return TRUE;

  return FALSE;
}

static gint64 fake_now;

static gint64
fake_clock (gpointer user_data)
{
  return fake_now;
}

static void
test_idle_lock (void)
{
  FdWindow *window = NULL;
  g_autofree char *username = signed_in_window (&window, NULL);
  g_autofree char *room = NULL;
  g_autoptr(GPtrArray) residents = resident_strings (&room);
  FdIdleMonitor *idle = fd_window_get_idle_monitor (window);
  gpointer view = fd_window_get_main_view (window);
  GtkWidget *search;
  guint timeout;

  /* Resident data on screen first (search a room), so that its absence
   * later means something. */
  search = find_type (view, GTK_TYPE_SEARCH_ENTRY);
  g_assert_nonnull (search);
  gtk_editable_set_text (GTK_EDITABLE (search), room);
  g_assert_true (wait_until (shows_resident_cb, residents, TIMEOUT_MS));

  g_assert_true (fd_idle_monitor_get_running (idle));
  timeout = fd_idle_monitor_get_timeout (idle);
  g_assert_cmpuint (timeout, ==, 300);

  fake_now = 1000 * G_USEC_PER_SEC;
  fd_idle_monitor_set_clock (idle, fake_clock, NULL);
  fd_idle_monitor_set_check_interval (idle, 50);

  /* Almost there: still unlocked. */
  fake_now += (timeout - 1) * G_USEC_PER_SEC;
  wait_ms (200);
  g_assert_cmpstr (fd_window_get_page_name (window), ==, "main");

  g_object_add_weak_pointer (G_OBJECT (view), &view);
  /* Past the deadline even if some event counted as input meanwhile. */
  fake_now += (timeout + 2) * G_USEC_PER_SEC;
  assert_page (window, "lock");

  /* The view is gone, not covered: no FdMainView anywhere, and no
   * resident's value in any widget of any window. */
  g_assert_null (fd_window_get_main_view (window));
  g_assert_false (any_toplevel_has_type (FD_TYPE_MAIN_VIEW));
  g_assert_true (wait_until (pointer_is_null_cb, &view, TIMEOUT_MS));
  g_assert_false (shows_resident_cb (residents));
  g_assert_false (fd_idle_monitor_get_running (idle));

  unlock_with (window, fd_test_server_get_password (server));
  assert_page (window, "main");
  g_assert_true (fd_idle_monitor_get_running (idle));
  g_free (keyring_lookup (username));
  sign_out_window (window);
  close_window (window);
  reset_settings ();
}

static void
collect_drafts_cb (FdWindow *window,
                   GtkEntry *entry)
{
  fd_window_stash_draft (window, "test-form",
                         g_variant_new ("(s)", gtk_editable_get_text (GTK_EDITABLE (entry))));
}

static void
emit_screensaver_active (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_autoptr(GDBusConnection) bus = NULL;

  g_assert_no_error (error);
  bus = g_dbus_connection_new_for_address_sync (address,
                                                G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                NULL, NULL, &error);
  g_assert_no_error (error);
  g_dbus_connection_emit_signal (bus, NULL, "/org/gnome/ScreenSaver", "org.gnome.ScreenSaver",
                                 "ActiveChanged", g_variant_new ("(b)", TRUE), &error);
  g_assert_no_error (error);
  g_dbus_connection_flush_sync (bus, NULL, &error);
  g_assert_no_error (error);
}

static void
test_lock_with_dialog (void)
{
  FdWindow *window = NULL;
  g_autofree char *username = signed_in_window (&window, NULL);
  g_autofree char *other = fd_test_create_user (server, test_session, "reception", NULL);
  g_autoptr(GVariant) draft = NULL;
  GtkWidget *dialog, *entry;
  gpointer weak_dialog;
  const char *text = NULL;

  /* A modal dialog with a half-filled form. */
  dialog = gtk_window_new ();
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (window));
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  entry = gtk_entry_new ();
  gtk_editable_set_text (GTK_EDITABLE (entry), "half-filled visitor");
  gtk_window_set_child (GTK_WINDOW (dialog), entry);
  g_signal_connect_object (window, "collect-drafts", G_CALLBACK (collect_drafts_cb), entry, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  weak_dialog = dialog;
  g_object_add_weak_pointer (G_OBJECT (dialog), &weak_dialog);

  /* And the app's own windows. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-shortcuts", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "app.about", NULL));
  g_assert_cmpuint (g_list_model_get_n_items (gtk_window_get_toplevels ()), ==, 4);

  /* The desktop locks its screen: so does the app, dialog or not. */
  emit_screensaver_active ();
  assert_page (window, "lock");
  g_assert_true (wait_until (pointer_is_null_cb, &weak_dialog, TIMEOUT_MS));
  g_assert_cmpuint (g_list_model_get_n_items (gtk_window_get_toplevels ()), ==, 1);
  g_assert_false (any_toplevel_has_type (FD_TYPE_MAIN_VIEW));
  g_assert_true (fd_window_has_draft (window, "test-form"));

  /* The same user gets the form back after unlocking, once. */
  unlock_with (window, fd_test_server_get_password (server));
  assert_page (window, "main");
  draft = fd_window_take_draft (window, "test-form");
  g_assert_nonnull (draft);
  g_variant_get (draft, "(&s)", &text);
  g_assert_cmpstr (text, ==, "half-filled visitor");
  g_assert_null (fd_window_take_draft (window, "test-form"));

  /* A draft never reaches another user. */
  fd_window_stash_draft (window, "test-form", g_variant_new ("(s)", "left behind"));
  fd_window_lock (window);
  assert_page (window, "lock");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.sign-out", NULL);
  assert_page (window, "signin");
  g_assert_false (fd_window_has_draft (window, "test-form"));
  sign_in_as (window, other, fd_test_server_get_password (server));
  assert_page (window, "main");
  g_assert_null (fd_window_take_draft (window, "test-form"));
  g_free (keyring_lookup (other));

  sign_out_window (window);
  close_window (window);
  reset_settings ();
}

static void
subprocess_done_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *(gboolean *) user_data = TRUE;
}

static void
xdotool (const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  gboolean done = FALSE;

  g_ptr_array_add (argv, (char *) "xdotool");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata, G_SUBPROCESS_FLAGS_NONE,
                               &error);
  g_assert_no_error (error);
  /* The main loop keeps running meanwhile, so GTK answers the X server. */
  g_subprocess_wait_async (process, NULL, subprocess_done_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (g_subprocess_get_successful (process));
}

static gboolean
window_active_cb (gpointer data)
{
  return gtk_window_is_active (GTK_WINDOW (data));
}

static void
test_ctrl_l (void)
{
  FdWindow *window = NULL;
  g_autofree char *username = signed_in_window (&window, NULL);
  g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app),
                                                                 "win.lock");
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));
  g_autofree char *xid = NULL;
  const char *focus[] = { "windowfocus", "--sync", NULL, NULL };
  const char *key[] = { "key", "--clearmodifiers", "ctrl+l", NULL };

  g_assert_true (g_strv_contains ((const char * const *) accels, "<Control>l"));

  /* A real key press through the X server. */
  g_assert_true (GDK_IS_X11_SURFACE (surface));
  xid = g_strdup_printf ("%lu", (gulong) gdk_x11_surface_get_xid (surface));
  focus[2] = xid;
  xdotool (focus);
  g_assert_true (wait_until (window_active_cb, window, TIMEOUT_MS));
  xdotool (key);
  assert_page (window, "lock");
  g_assert_null (fd_window_get_main_view (window));

  unlock_with (window, fd_test_server_get_password (server));
  assert_page (window, "main");
  g_free (keyring_lookup (username));
  sign_out_window (window);
  close_window (window);
  reset_settings ();
}

static void
test_unlock_failures (void)
{
  FdWindow *window = NULL;
  g_autofree char *username = signed_in_window (&window, NULL);
  g_autofree char *token = keyring_lookup (username);
  FdLockPage *page = lock_page (window);

  fd_window_lock (window);
  for (guint i = 1; i < 5; i++)
    {
      unlock_with (window, "wrong-password");
      g_assert_cmpstr (fd_window_get_page_name (window), ==, "lock");
      g_assert_nonnull (strstr (fd_lock_page_get_message (page), "Wrong password."));
    }
  g_assert_cmpstr (fd_lock_page_get_message (page), ==,
                   "Wrong password. 1 more wrong password signs you out.");

  unlock_with (window, "wrong-password");
  assert_page (window, "signin");
  g_assert_cmpstr (fd_signin_page_get_message (signin_page (window)), ==,
                   "You were signed out after too many wrong passwords.");
  g_assert_cmpint (fd_session_get_state (fd_window_get_session (window)), ==,
                   FD_SESSION_SIGNED_OUT);
  g_assert_cmpuint (token_status (token), ==, 401);
  wait_ms (500);
  g_assert_null (keyring_lookup (username));

  close_window (window);
  reset_settings ();
}

static gboolean
signin_message_cb (gpointer data)
{
  return fd_signin_page_get_message (signin_page (data)) != NULL;
}

static void
test_disabled_while_signed_in (void)
{
  FdWindow *window = NULL;
  g_autofree char *user_id = NULL;
  g_autofree char *username = signed_in_window (&window, &user_id);

  fd_session_set_heartbeat (fd_window_get_session (window), 1);
  set_disabled (user_id, TRUE);

  assert_page (window, "signin");
  g_assert_true (wait_until (signin_message_cb, window, TIMEOUT_MS));
  g_assert_cmpstr (fd_signin_page_get_message (signin_page (window)), ==,
                   "Your account was disabled. Ask your administrator.");
  g_assert_null (fd_window_get_main_view (window));
  g_assert_false (any_toplevel_has_type (FD_TYPE_MAIN_VIEW));
  wait_ms (500);
  g_assert_null (keyring_lookup (username));

  close_window (window);
  reset_settings ();
}

static void
test_clipboard_cleared (void)
{
  FdWindow *window = NULL;
  g_autofree char *username = signed_in_window (&window, NULL);
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (window));

  gdk_clipboard_set_text (clipboard, "copied in the app");
  g_assert_true (gdk_clipboard_is_local (clipboard));
  g_assert_nonnull (gdk_clipboard_get_content (clipboard));

  fd_window_lock (window);
  assert_page (window, "lock");
  g_assert_null (gdk_clipboard_get_content (clipboard));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.sign-out", NULL);
  assert_page (window, "signin");
  close_window (window);
  reset_settings ();
}

static gboolean
file_contains (GFile      *file,
               const char *needle)
{
  g_autofree char *contents = NULL;
  gsize len = 0, needle_len = strlen (needle);

  if (!g_file_load_contents (file, NULL, &contents, &len, NULL, NULL))
    return FALSE;

  for (gsize i = 0; needle_len <= len && i <= len - needle_len; i++)
    if (memcmp (contents + i, needle, needle_len) == 0)
      return TRUE;

  return FALSE;
}

static guint
scan_tree (GFile     *dir,
           GPtrArray *needles)
{
  g_autoptr(GFileEnumerator) children = NULL;
  guint files = 0;
  GFileInfo *info;

  children = g_file_enumerate_children (dir, "standard::name,standard::type",
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  if (children == NULL)
    return 0;

  while ((info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
    {
      g_autoptr(GFileInfo) owned = info;
      g_autoptr(GFile) child = g_file_get_child (dir, g_file_info_get_name (info));

      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        {
          files += scan_tree (child, needles);
          continue;
        }
      if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
        continue;

      files++;
      for (guint i = 0; i < needles->len; i++)
        if (file_contains (child, g_ptr_array_index (needles, i)))
          {
            g_autofree char *path = g_file_get_path (child);
            g_autofree char *message = g_strdup_printf ("a session token is in %s", path);

            g_assertion_message ("fd-test", __FILE__, __LINE__, G_STRFUNC, message);
          }
    }

  return files;
}

static void
test_no_token_on_disk (void)
{
  const char *home = g_getenv ("FD_TEST_HOME");
  g_autoptr(GFile) dir = NULL;
  guint files;

  g_assert_nonnull (home);
  /* The earlier tests ran full sessions; make sure this one has its own. */
  if (seen_tokens->len == 0)
    {
      FdWindow *window = NULL;
      g_autofree char *username = signed_in_window (&window, NULL);

      sign_out_window (window);
      close_window (window);
    }
  g_assert_cmpuint (seen_tokens->len, >, 0);

  dir = g_file_new_for_path (home);
  files = scan_tree (dir, seen_tokens);
  /* gnome-keyring's own file at least: the scan saw something. */
  g_test_message ("scanned %u files under the test HOME", files);
  g_assert_cmpuint (files, >, 0);
}

static void
test_inspector_locked_down (void)
{
  GtkWidget *window;
  GListModel *toplevels = gtk_window_get_toplevels ();
  guint before;
  gboolean handled = TRUE;

  fd_application_lock_down_inspector ();

  window = gtk_window_new ();
  gtk_window_present (GTK_WINDOW (window));
  before = g_list_model_get_n_items (toplevels);

  /* What Ctrl+Shift+D / Ctrl+Shift+I emit. */
  g_signal_emit_by_name (window, "enable-debugging", TRUE, &handled);
  g_assert_false (handled);
  wait_ms (100);
  g_assert_cmpuint (g_list_model_get_n_items (toplevels), ==, before);

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  if (g_getenv ("DISPLAY") == NULL)
    {
      g_print ("1..0 # SKIP no display\n");
      return 0;
    }

  g_setenv ("GSETTINGS_SCHEMA_DIR", BUILDDIR "/data", TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  setlocale (LC_ALL, "C.UTF-8");

  seen_tokens = g_ptr_array_new_with_free_func (g_free);
  server = fd_test_server_start (NULL);
  test_session = fd_test_server_new_session (server);

  app = fd_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (fd_application_get_settings (app));

  g_test_add_func ("/fd/client/ui/connect-page", test_connect_page);
  g_test_add_func ("/fd/client/ui/http-refused", test_http_refused);
  g_test_add_func ("/fd/client/ui/sign-in-errors", test_sign_in_errors);
  g_test_add_func ("/fd/client/ui/sign-in-unreachable", test_sign_in_unreachable);
  g_test_add_func ("/fd/client/ui/sign-in-tls", test_sign_in_tls);
  g_test_add_func ("/fd/client/ui/keyring-sign-out", test_keyring_sign_out);
  g_test_add_func ("/fd/client/ui/restart-locked", test_restart_locked);
  g_test_add_func ("/fd/client/ui/idle-lock", test_idle_lock);
  g_test_add_func ("/fd/client/ui/lock-with-dialog", test_lock_with_dialog);
  g_test_add_func ("/fd/client/ui/ctrl-l", test_ctrl_l);
  g_test_add_func ("/fd/client/ui/unlock-failures", test_unlock_failures);
  g_test_add_func ("/fd/client/ui/disabled-while-signed-in", test_disabled_while_signed_in);
  g_test_add_func ("/fd/client/ui/clipboard-cleared", test_clipboard_cleared);
  g_test_add_func ("/fd/client/ui/no-token-on-disk", test_no_token_on_disk);
  g_test_add_func ("/fd/client/ui/inspector-locked-down", test_inspector_locked_down);

  ret = g_test_run ();

  g_clear_object (&app);
  g_clear_object (&test_session);
  g_clear_pointer (&server, fd_test_server_stop);
  g_clear_pointer (&seen_tokens, g_ptr_array_unref);
  return ret;
}
