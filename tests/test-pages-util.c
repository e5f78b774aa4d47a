/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Helpers for the page tests: a real server, a signed-in window. */

#include "config.h"

#include "test-pages-util.h"

#include <adwaita.h>
#include <gdk/x11/gdkx.h>
#include <glib/gi18n.h>
#include <locale.h>

#include "fd-api-client.h"
#include "fd-application.h"
#include "fd-field.h"
#include "fd-main-view.h"
#include "fd-view-util.h"
#include "fd-window.h"
#include "fd-resident-page.h"
#include "fd-test-server.h"

typedef struct
{
  gboolean  done;
  char     *out;
  int       status;
} SpawnState;

static void
communicate_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  SpawnState *state = user_data;
  g_autoptr(GError) error = NULL;
  GSubprocess *process = G_SUBPROCESS (source);

  if (!g_subprocess_communicate_utf8_finish (process, result, &state->out, NULL, &error))
    {
      g_test_message ("subprocess: %s", error->message);
      state->status = -1;
    }
  else
    state->status = g_subprocess_get_if_exited (process)
                      ? g_subprocess_get_exit_status (process) : -1;
  state->done = TRUE;
}

static gboolean
timeout_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static char *
run (const char * const *argv,
     int                *exit_status)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  SpawnState state = { FALSE, NULL, -1 };
  guint timeout;

  process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                     G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
  g_assert_no_error (error);

  timeout = g_timeout_add_seconds (10, timeout_cb, cancellable);
  g_subprocess_communicate_utf8_async (process, NULL, cancellable, communicate_cb, &state);
  while (!state.done)
    g_main_context_iteration (NULL, TRUE);
  if (!g_cancellable_is_cancelled (cancellable))
    g_source_remove (timeout);
  else
    g_subprocess_force_exit (process);

  if (exit_status != NULL)
    *exit_status = state.status;

  return state.out != NULL ? state.out : g_strdup ("");
}

char *
fd_pages_test_xclip (const char *selection,
                     const char *target,
                     int        *exit_status)
{
  const char *argv[] = { "xclip", "-o", "-selection", selection, NULL, NULL, NULL };

  if (target != NULL)
    {
      argv[4] = "-t";
      argv[5] = target;
    }

  return run (argv, exit_status);
}

void
fd_pages_test_xdotool (const char *first_arg,
                       ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL;
  const char *arg;
  va_list args;
  int status;

  g_ptr_array_add (argv, (gpointer) "xdotool");
  va_start (args, first_arg);
  for (arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  out = run ((const char * const *) argv->pdata, &status);
  g_assert_cmpint (status, ==, 0);

  /* Let the X server's events reach us and GTK handle them. */
  fd_pages_test_wait (80);
}

static gboolean
set_flag_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

void
fd_pages_test_wait (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, set_flag_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

gboolean
fd_pages_test_wait_until (FdPagesTestCond cond,
                          gpointer        data,
                          guint           timeout_ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (timeout_ms, set_flag_cb, &timed_out);
  gboolean ok;

  while (!(ok = cond (data)) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);

  return ok;
}

static gboolean
flag_cond (gpointer data)
{
  return *(gboolean *) data;
}

gboolean
fd_pages_test_wait_for_flag (gboolean *done,
                             guint     timeout_ms)
{
  return fd_pages_test_wait_until (flag_cond, done, timeout_ms);
}

static void
after_paint_cb (GdkFrameClock *clock,
                gpointer       user_data)
{
  *(gboolean *) user_data = TRUE;
}

static gboolean
window_ready (gpointer data)
{
  GtkWindow *window = data;

  return gtk_widget_get_mapped (GTK_WIDGET (window)) && gtk_window_is_active (window);
}

void
fd_pages_test_show_window (GtkWindow *window)
{
  GdkFrameClock *clock;
  gboolean painted = FALSE;
  gulong id;

  /* Like a window manager would: with the server's time, so that the
   * focus comes back even after xdotool's events. */
  gtk_window_present (window);
  fd_pages_test_wait_until ((FdPagesTestCond) gtk_widget_get_mapped, window, 5000);
  fd_view_focus_window (window);
  fd_pages_test_wait_until (window_ready, window, 5000);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (window)));

  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  id = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &painted);
  gtk_widget_queue_draw (GTK_WIDGET (window));
  fd_pages_test_wait_for_flag (&painted, 5000);
  g_signal_handler_disconnect (clock, id);
  fd_pages_test_wait (50);
}

static char *
window_id (GtkWidget *widget)
{
  GtkNative *native = gtk_widget_get_native (widget);
  GdkSurface *surface = gtk_native_get_surface (native);

  g_assert_true (GDK_IS_X11_SURFACE (surface));
  return g_strdup_printf ("%lu", (gulong) gdk_x11_surface_get_xid (surface));
}

static void
widget_point (GtkWidget *widget,
              double     fx,
              char     **x,
              char     **y)
{
  GtkNative *native = gtk_widget_get_native (widget);
  graphene_rect_t bounds;
  double sx, sy;

  g_assert_true (gtk_widget_compute_bounds (widget, GTK_WIDGET (native), &bounds));
  gtk_native_get_surface_transform (native, &sx, &sy);
  *x = g_strdup_printf ("%d", (int) (sx + bounds.origin.x + bounds.size.width * fx));
  *y = g_strdup_printf ("%d", (int) (sy + bounds.origin.y + bounds.size.height / 2));
}

void
fd_pages_test_key (GtkWidget  *widget,
                   const char *keys)
{
  GtkRoot *root = gtk_widget_get_root (widget);

  if (GTK_IS_WINDOW (root) && !gtk_window_is_active (GTK_WINDOW (root)))
    fd_pages_test_show_window (GTK_WINDOW (root));
  gtk_widget_grab_focus (widget);
  fd_pages_test_wait (50);
  fd_pages_test_xdotool ("key", "--clearmodifiers", keys, NULL);
}

void
fd_pages_test_click (GtkWidget *widget,
                     int        button)
{
  g_autofree char *id = window_id (widget);
  g_autofree char *x = NULL, *y = NULL;
  g_autofree char *b = g_strdup_printf ("%d", button);

  widget_point (widget, 0.5, &x, &y);
  fd_pages_test_xdotool ("mousemove", "--window", id, x, y, NULL);
  fd_pages_test_xdotool ("click", b, NULL);
}

void
fd_pages_test_drag (GtkWidget *widget)
{
  g_autofree char *id = window_id (widget);
  g_autofree char *x1 = NULL, *y1 = NULL, *x2 = NULL, *y2 = NULL, *x3 = NULL, *y3 = NULL;

  widget_point (widget, 0.05, &x1, &y1);
  widget_point (widget, 0.5, &x2, &y2);
  widget_point (widget, 0.95, &x3, &y3);
  fd_pages_test_xdotool ("mousemove", "--window", id, x1, y1, NULL);
  fd_pages_test_xdotool ("mousedown", "1", NULL);
  fd_pages_test_xdotool ("mousemove", "--window", id, x2, y2, NULL);
  fd_pages_test_xdotool ("mousemove", "--window", id, x3, y3, NULL);
  fd_pages_test_xdotool ("mouseup", "1", NULL);
}

static void
find_all (GtkWidget *widget,
          GType      type,
          GPtrArray *out)
{
  if (g_type_is_a (G_OBJECT_TYPE (widget), type))
    g_ptr_array_add (out, widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    find_all (child, type, out);
}

GPtrArray *
fd_pages_test_find_all (GtkWidget *root,
                        GType      type)
{
  GPtrArray *out = g_ptr_array_new ();

  find_all (root, type, out);
  return out;
}

GtkWidget *
fd_pages_test_find (GtkWidget *root,
                    GType      type)
{
  g_autoptr(GPtrArray) all = fd_pages_test_find_all (root, type);

  return all->len > 0 ? g_ptr_array_index (all, 0) : NULL;
}

GtkWidget *
fd_pages_test_find_button (GtkWidget  *root,
                           const char *label)
{
  g_autoptr(GPtrArray) all = fd_pages_test_find_all (root, GTK_TYPE_BUTTON);

  for (guint i = 0; i < all->len; i++)
    {
      GtkWidget *button = g_ptr_array_index (all, i);
      const char *tooltip = gtk_widget_get_tooltip_text (button);

      if (g_strcmp0 (gtk_button_get_label (GTK_BUTTON (button)), label) == 0 ||
          g_strcmp0 (tooltip, label) == 0)
        return button;
    }

  return NULL;
}

GtkWidget *
fd_pages_test_find_label (GtkWidget  *root,
                          const char *text)
{
  g_autoptr(GPtrArray) all = fd_pages_test_find_all (root, GTK_TYPE_LABEL);

  for (guint i = 0; i < all->len; i++)
    if (g_strcmp0 (gtk_label_get_text (g_ptr_array_index (all, i)), text) == 0)
      return g_ptr_array_index (all, i);

  return NULL;
}

static void
add_line (GString    *out,
          const char *text)
{
  if (text != NULL && *text != '\0')
    {
      g_string_append (out, text);
      g_string_append_c (out, '\n');
    }
}

void
fd_pages_test_collect_text (GtkWidget *widget,
                            GString   *out)
{
  const char *tooltip = gtk_widget_get_tooltip_text (widget);

  add_line (out, tooltip);
  if (GTK_IS_LABEL (widget))
    {
      add_line (out, gtk_label_get_text (GTK_LABEL (widget)));
      add_line (out, gtk_label_get_label (GTK_LABEL (widget)));
    }
  if (GTK_IS_EDITABLE (widget))
    add_line (out, gtk_editable_get_text (GTK_EDITABLE (widget)));
  if (GTK_IS_BUTTON (widget))
    add_line (out, gtk_button_get_label (GTK_BUTTON (widget)));
  if (ADW_IS_PREFERENCES_ROW (widget))
    add_line (out, adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)));
  if (ADW_IS_ACTION_ROW (widget))
    add_line (out, adw_action_row_get_subtitle (ADW_ACTION_ROW (widget)));
  if (GTK_IS_WINDOW (widget))
    add_line (out, gtk_window_get_title (GTK_WINDOW (widget)));
  if (ADW_IS_MESSAGE_DIALOG (widget))
    {
      add_line (out, adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (widget)));
      add_line (out, adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (widget)));
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    fd_pages_test_collect_text (child, out);
}

char *
fd_pages_test_all_text (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      fd_pages_test_collect_text (window, out);
    }

  return g_string_free (out, FALSE);
}

FdApiClient *
fd_pages_test_api (FdTestServer *server)
{
  g_autoptr(GError) error = NULL;
  FdApiClient *api = fd_api_client_new (fd_test_server_get_base_url (server),
                                        fd_test_server_get_ca_path (server), NULL, &error);

  g_assert_no_error (error);
  return api;
}

typedef struct
{
  gboolean  done;
  JsonNode *root;
  GError   *error;
} CallState;

static void
call_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  CallState *state = user_data;

  state->root = fd_api_client_request_finish (FD_API_CLIENT (source), result, &state->error);
  state->done = TRUE;
}

JsonNode *
fd_pages_test_call (FdApiClient  *api,
                    const char   *method,
                    const char   *path,
                    const char   *json_body,
                    GError      **error)
{
  g_autoptr(JsonNode) body = NULL;
  CallState state = { FALSE, NULL, NULL };

  if (json_body != NULL)
    {
      body = json_from_string (json_body, NULL);
      g_assert_nonnull (body);
    }

  fd_api_client_request_async (api, method, path, body, NULL, call_cb, &state);
  g_assert_true (fd_pages_test_wait_for_flag (&state.done, 30000));
  if (state.error != NULL)
    g_propagate_error (error, state.error);
  return state.root;
}

FdSessionInfo *
fd_pages_test_sign_in (FdTestServer *server,
                       FdApiClient  *api,
                       const char   *username)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  JsonObject *object;
  FdSessionInfo *session;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, username);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, fd_test_server_get_password (server));
  json_builder_set_member_name (builder, "workstation");
  json_builder_add_string_value (builder, "test-desk");
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  text = json_to_string (body, FALSE);

  root = fd_pages_test_call (api, "POST", "/session", text, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  object = json_node_get_object (root);
  fd_api_client_set_token (api, fd_json_get_string (object, "token"));

  session = fd_session_info_parse (root, &error);
  g_assert_no_error (error);
  session->workstation = g_strdup ("test-desk");
  return session;
}

void
fd_pages_test_screenshot (GtkWidget  *widget,
                          const char *name)
{
  const char *dir = g_getenv ("FD_PAGES_TEST_SCREENSHOTS");
  g_autofree char *id = NULL;
  g_autofree char *path = NULL;
  g_autofree char *out = NULL;
  int status;

  /* Only when asked: a picture of the UI to look at while developing. */
  if (dir == NULL)
    return;

  fd_pages_test_wait (300);
  id = window_id (widget);
  path = g_strdup_printf ("%s/%s.png", dir, name);
  {
    const char *argv[] = { "import", "-window", id, path, NULL };

    out = run (argv, &status);
  }
  if (status != 0)
    g_test_message ("screenshot %s failed", name);
}

void
fd_pages_test_view_open (FdPagesTestView *v,
                         FdTestServer    *server,
                         const char      *role)
{
  g_autoptr(FdSessionInfo) session = NULL;
  GtkWidget *header;

  v->api = fd_pages_test_api (server);
  session = fd_pages_test_sign_in (server, v->api, role);
  v->view = fd_main_view_new (v->api, session);
  v->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (v->window, 1100, 760);
  header = adw_header_bar_new ();
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header),
                                   fd_main_view_get_title_widget (v->view));
  gtk_window_set_titlebar (v->window, header);
  gtk_window_set_child (v->window, GTK_WIDGET (v->view));
  fd_pages_test_show_window (v->window);
}

void
fd_pages_test_view_close (FdPagesTestView *v)
{
  if (v->window != NULL)
    gtk_window_destroy (v->window);
  v->window = NULL;
  v->view = NULL;
  fd_pages_test_wait (50);
  g_clear_object (&v->api);
}

static void
flag_cb (gpointer  instance,
         gboolean *flag)
{
  *flag = TRUE;
}

FdResidentPage *
fd_pages_test_search (FdPagesTestView *v,
                      const char      *page_name,
                      const char      *query)
{
  FdResidentPage *page = FD_RESIDENT_PAGE (fd_main_view_get_page (v->view, page_name));
  FdResidentListModel *model = fd_resident_page_get_model (page);
  gboolean updated = FALSE;
  gulong id;

  fd_main_view_show_page (v->view, page_name);
  id = g_signal_connect (model, "updated", G_CALLBACK (flag_cb), &updated);
  gtk_editable_set_text (GTK_EDITABLE (fd_resident_page_get_search_entry (page)), query);
  g_assert_true (fd_pages_test_wait_for_flag (&updated, 15000));
  g_signal_handler_disconnect (model, id);
  fd_pages_test_wait (100);
  return page;
}

static void
loaded_cb (gpointer  detail,
           gboolean  ok,
           gboolean *flag)
{
  g_assert_true (ok);
  *flag = TRUE;
}

FdResidentDetail *
fd_pages_test_open_detail (FdResidentPage *page,
                           guint           position)
{
  FdResidentDetail *detail = fd_resident_page_get_detail (page);
  gboolean loaded = FALSE;
  gulong id = g_signal_connect (detail, "loaded", G_CALLBACK (loaded_cb), &loaded);

  fd_resident_page_open (page, position);
  g_assert_true (fd_pages_test_wait_for_flag (&loaded, 15000));
  g_signal_handler_disconnect (detail, id);
  fd_pages_test_wait (100);
  return detail;
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

void
fd_pages_test_assert_page (gpointer    window,
                           const char *page,
                           guint       timeout_ms)
{
  PageWait w = { FD_WINDOW (window), page };

  if (!fd_pages_test_wait_until (page_is_cb, &w, timeout_ms))
    g_error ("expected page %s, the window shows %s", page,
             fd_window_get_page_name (w.window));
}

const char *
fd_pages_test_init (int    *argc,
                    char ***argv)
{
  const char *localedir = g_getenv ("FRONTDESK_LOCALEDIR");
  const char *language = g_getenv ("LANGUAGE");

  g_setenv ("GSETTINGS_SCHEMA_DIR", BUILDDIR "/data", TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  gtk_test_init (argc, argv, NULL);
  return language != NULL && g_str_has_prefix (language, "zh") ? "zh_CN" : "en";
}

FdApplication *
fd_pages_test_new_app (void)
{
  g_autoptr(GError) error = NULL;
  FdApplication *app = fd_application_new ();

  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  return app;
}

void
fd_pages_test_resize (GtkWidget *widget,
                      int        width,
                      int        height)
{
  GdkSurface *surface = gtk_native_get_surface (gtk_widget_get_native (widget));
  g_autofree char *id = g_strdup_printf ("%lu", (gulong) gdk_x11_surface_get_xid (surface));
  g_autofree char *w = g_strdup_printf ("%d", width);
  g_autofree char *h = g_strdup_printf ("%d", height);

  fd_pages_test_xdotool ("windowsize", id, w, h, NULL);
  fd_pages_test_wait (500);
}
