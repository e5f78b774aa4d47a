#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

#include "fd-record.h"

G_BEGIN_DECLS

/* Helpers for the data-page UI tests (run under Xvfb by headless-run.sh). */

/* Runs `xclip -o -selection SELECTION [-t TARGET]` in another process while
 * this one keeps iterating its main context (so GTK can answer). Returns
 * what xclip printed (never NULL; "" when it failed) and its exit status. */
char      *fd_pages_test_xclip          (const char *selection,
                                         const char *target,
                                         int        *exit_status);
/* Runs xdotool with the given arguments (NULL-terminated), iterating the
 * main context until it exits; asserts it succeeded. */
void       fd_pages_test_xdotool        (const char *first_arg,
                                         ...) G_GNUC_NULL_TERMINATED;
/* Puts @window on screen, gives it the input focus and waits until it is
 * active and has painted. */
void       fd_pages_test_show_window    (GtkWindow  *window);
/* Gives @widget the keyboard focus and sends a real key press (xdotool,
 * XTEST) such as "ctrl+c" to the display. */
void       fd_pages_test_key            (GtkWidget  *widget,
                                         const char *keys);
/* A real mouse click (@button 1 or 3) in the middle of @widget. */
void       fd_pages_test_click          (GtkWidget  *widget,
                                         int         button);
/* A real mouse drag across @widget (press at its left, move, release at
 * its right). */
void       fd_pages_test_drag           (GtkWidget  *widget);

/* Iterates the default main context for @ms milliseconds. */
void       fd_pages_test_wait           (guint       ms);
/* Iterates until @done (a gboolean) turns TRUE, at most @timeout_ms;
 * returns its final value. */
gboolean   fd_pages_test_wait_for_flag  (gboolean   *done,
                                         guint       timeout_ms);
typedef gboolean (*FdPagesTestCond) (gpointer data);
gboolean   fd_pages_test_wait_until     (FdPagesTestCond cond,
                                         gpointer        data,
                                         guint           timeout_ms);

/* Every descendant of @root (depth first, @root included) of @type. */
GPtrArray *fd_pages_test_find_all       (GtkWidget  *root,
                                         GType       type);
GtkWidget *fd_pages_test_find           (GtkWidget  *root,
                                         GType       type);
/* The first GtkButton/GtkLabel whose label or accessible tooltip equals
 * @text, or NULL. */
GtkWidget *fd_pages_test_find_button    (GtkWidget  *root,
                                         const char *label);
GtkWidget *fd_pages_test_find_label     (GtkWidget  *root,
                                         const char *text);
/* Appends every string the widget tree of @root shows or holds (labels,
 * editables, row titles and subtitles, tooltips, button labels), one per
 * line, to @out. */
void       fd_pages_test_collect_text   (GtkWidget  *root,
                                         GString    *out);
/* Same over every toplevel window of the process. */
char      *fd_pages_test_all_text       (void);

/* Waits (≤ @timeout_ms) for the FdWindow @window to show @page; fails
 * naming the page it shows instead. */
void       fd_pages_test_assert_page    (gpointer    window,
                                         const char *page,
                                         guint       timeout_ms);

/* With $FD_PAGES_TEST_SCREENSHOTS set, saves @widget as DIR/@name.png. */
void       fd_pages_test_screenshot     (GtkWidget  *widget,
                                         const char *name);

/* --- against a real server (fd-test-server.h) --- */

typedef struct _FdTestServer FdTestServer;
typedef struct _FdApiClient FdApiClient;

/* An API client that trusts only the server's CA. */
FdApiClient *fd_pages_test_api          (FdTestServer *server);
/* Signs @username in (demo password, workstation "test-desk"), sets the
 * token on @api and returns the session (user, policy, workstation) as
 * FdMainView wants it. */
FdSessionInfo *fd_pages_test_sign_in    (FdTestServer *server,
                                         FdApiClient  *api,
                                         const char   *username);
/* One API call through @api, iterating the main loop until it is done. */
JsonNode    *fd_pages_test_call         (FdApiClient  *api,
                                         const char   *method,
                                         const char   *path,
                                         const char   *json_body,
                                         GError      **error);

/* A main view for @role in a window with a header bar, on screen. */
typedef struct _FdMainView FdMainView;
typedef struct _FdResidentPage FdResidentPage;
typedef struct _FdResidentDetail FdResidentDetail;

typedef struct
{
  FdApiClient *api;
  GtkWindow   *window;
  FdMainView  *view;
} FdPagesTestView;

void              fd_pages_test_view_open   (FdPagesTestView *v,
                                             FdTestServer    *server,
                                             const char      *role);
/* Destroys the window (and so the view); forgets the API client. */
void              fd_pages_test_view_close  (FdPagesTestView *v);
/* Types @query into @page_name's search entry, waits for the results. */
FdResidentPage   *fd_pages_test_search      (FdPagesTestView *v,
                                             const char      *page_name,
                                             const char      *query);
/* Opens result @position, waits until its detail is loaded. */
FdResidentDetail *fd_pages_test_open_detail (FdResidentPage  *page,
                                             guint            position);

/* issue 14: the start of a window test's main(): memory GSettings with
 * the built schema, the locale and the message catalogue
 * ($FRONTDESK_LOCALEDIR), gtk_test_init(). Returns "zh_CN" when $LANGUAGE
 * asks for Chinese, else "en" (for screenshot names). */
const char       *fd_pages_test_init        (int    *argc,
                                             char ***argv);
/* Resizes the window of @widget as a window manager would (there is none
 * under Xvfb), then lets it lay out. */
void              fd_pages_test_resize      (GtkWidget *widget,
                                             int        width,
                                             int        height);
/* A registered, non-unique FdApplication for FdWindow tests. */
typedef struct _FdApplication FdApplication;
FdApplication    *fd_pages_test_new_app     (void);

G_END_DECLS
