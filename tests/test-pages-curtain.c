/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests the privacy curtain and the watermark. */

#include "config.h"

#include <adwaita.h>

#include "fd-api-client.h"
#include "fd-curtain.h"
#include "fd-field.h"
#include "fd-main-view.h"
#include "fd-resident-page.h"
#include "fd-reveal-dialog.h"
#include "fd-sensitive-field.h"
#include "fd-test-server.h"
#include "fd-watermark.h"
#include "test-pages-util.h"

/* The privacy curtain (shortcut, header button, focus loss, blur, no
 * input while up) and the watermark (text, policy, never in the way). */

static FdTestServer *server;

static gboolean
find_node (GskRenderNode *node,
           GskRenderNodeType type)
{
  if (node == NULL)
    return FALSE;
  if (gsk_render_node_get_node_type (node) == type)
    return TRUE;

  switch (gsk_render_node_get_node_type (node))
    {
    case GSK_CONTAINER_NODE:
      for (guint i = 0; i < gsk_container_node_get_n_children (node); i++)
        if (find_node (gsk_container_node_get_child (node, i), type))
          return TRUE;
      return FALSE;
    case GSK_TRANSFORM_NODE:
      return find_node (gsk_transform_node_get_child (node), type);
    case GSK_CLIP_NODE:
      return find_node (gsk_clip_node_get_child (node), type);
    case GSK_ROUNDED_CLIP_NODE:
      return find_node (gsk_rounded_clip_node_get_child (node), type);
    case GSK_OPACITY_NODE:
      return find_node (gsk_opacity_node_get_child (node), type);
    case GSK_COLOR_MATRIX_NODE:
      return find_node (gsk_color_matrix_node_get_child (node), type);
    case GSK_SHADOW_NODE:
      return find_node (gsk_shadow_node_get_child (node), type);
    case GSK_DEBUG_NODE:
      return find_node (gsk_debug_node_get_child (node), type);
    default:
      return FALSE;
    }
}

/* Does what @widget draws contain a node of @type? */
static gboolean
draws_node (GtkWidget         *widget,
            GskRenderNodeType  type)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GskRenderNode) node = NULL;
  GtkSnapshot *snapshot = gtk_snapshot_new ();

  gdk_paintable_snapshot (paintable, snapshot, gtk_widget_get_width (widget),
                          gtk_widget_get_height (widget));
  node = gtk_snapshot_free_to_node (snapshot);
  return find_node (node, type);
}

static FdCurtain *
curtain_of (FdMainView *view)
{
  return FD_CURTAIN (fd_pages_test_find (GTK_WIDGET (view), FD_TYPE_CURTAIN));
}

static gboolean
curtain_cond (gpointer data)
{
  return fd_main_view_get_curtain (data);
}

static gboolean
no_curtain_cond (gpointer data)
{
  return !fd_main_view_get_curtain (data);
}

static void
test_curtain (void)
{
  FdPagesTestView v = { 0 };
  FdResidentPage *page;
  GtkWidget *search, *stack, *focus, *button, *show;
  FdCurtain *curtain;

  fd_pages_test_view_open (&v, server, "reception");
  page = fd_pages_test_search (&v, "residents", "1-1");
  search = fd_resident_page_get_search_entry (page);
  curtain = curtain_of (v.view);
  stack = fd_curtain_get_child (curtain);
  g_assert_false (draws_node (GTK_WIDGET (curtain), GSK_BLUR_NODE));

  /* The shortcut: blur, no pointer, no keyboard. */
  gtk_widget_grab_focus (search);
  fd_pages_test_xdotool ("key", "--clearmodifiers", "ctrl+shift+h", NULL);
  g_assert_true (fd_main_view_get_curtain (v.view));
  g_assert_true (fd_curtain_get_active (curtain));
  g_assert_true (draws_node (GTK_WIDGET (curtain), GSK_BLUR_NODE));
  g_assert_false (gtk_widget_get_can_target (stack));
  focus = gtk_root_get_focus (GTK_ROOT (v.window));
  g_assert_true (focus == NULL || !gtk_widget_is_ancestor (focus, stack));
  fd_pages_test_screenshot (GTK_WIDGET (v.window), "curtain");

  /* Typing goes nowhere near the data. */
  fd_pages_test_xdotool ("type", "zz", NULL);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (search)), ==, "1-1");
  /* A click on the blurred list opens nothing. */
  fd_pages_test_click (GTK_WIDGET (fd_resident_page_get_list_view (page)), 1);
  g_assert_null (fd_resident_detail_get_resident_id (fd_resident_page_get_detail (page)));

  /* The shortcut again: back, with the focus where it was. */
  fd_pages_test_xdotool ("key", "--clearmodifiers", "ctrl+shift+h", NULL);
  g_assert_false (fd_main_view_get_curtain (v.view));
  g_assert_true (gtk_widget_get_can_target (stack));
  focus = gtk_root_get_focus (GTK_ROOT (v.window));
  g_assert_true (focus != NULL && (focus == search || gtk_widget_is_ancestor (focus, search)));
  g_assert_false (draws_node (GTK_WIDGET (curtain), GSK_BLUR_NODE));

  /* The header button, and the cover's Show button. */
  button = fd_pages_test_find_button (fd_main_view_get_title_widget (v.view),
                                      "Hide Data (Ctrl+Shift+H)");
  g_assert_nonnull (button);
  fd_pages_test_click (button, 1);
  g_assert_true (fd_main_view_get_curtain (v.view));
  show = fd_pages_test_find_button (GTK_WIDGET (curtain), "_Show");
  g_assert_nonnull (show);
  fd_pages_test_click (show, 1);
  g_assert_false (fd_main_view_get_curtain (v.view));

  fd_pages_test_view_close (&v);
}

static gboolean
revealed_cond (gpointer data)
{
  return fd_sensitive_field_get_revealed (data);
}

static void
test_focus_loss (void)
{
  FdPagesTestView v = { 0 };
  FdResidentPage *page;
  FdResidentDetail *detail;
  FdSensitiveField *phone;
  FdRevealDialog *dialog;
  GtkWindow *other;

  fd_pages_test_view_open (&v, server, "reception");
  page = fd_pages_test_search (&v, "residents", "1-1");
  detail = fd_pages_test_open_detail (page, 0);
  phone = FD_SENSITIVE_FIELD (fd_resident_detail_get_value (detail, "phone"));

  /* Our own dialog taking the focus is not "looking away". */
  dialog = fd_resident_detail_reveal (detail, "phone");
  fd_pages_test_wait (400);
  g_assert_true (gtk_window_is_active (GTK_WINDOW (dialog)));
  g_assert_false (fd_main_view_get_curtain (v.view));
  fd_reveal_dialog_set_reason (dialog, 0, NULL);
  fd_reveal_dialog_submit (dialog);
  g_assert_true (fd_pages_test_wait_until (revealed_cond, phone, 15000));
  fd_pages_test_wait (300);
  g_assert_false (fd_main_view_get_curtain (v.view));

  /* Another application's window takes the focus: curtain and re-mask. */
  other = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_title (other, "Another application");
  fd_pages_test_show_window (other);
  g_assert_true (fd_pages_test_wait_until (curtain_cond, v.view, 5000));
  g_assert_false (fd_sensitive_field_get_revealed (phone));

  /* Back: the curtain it raised by itself goes away by itself. */
  fd_pages_test_show_window (v.window);
  g_assert_true (fd_pages_test_wait_until (no_curtain_cond, v.view, 5000));

  /* A curtain raised by hand stays when the focus comes back. */
  fd_main_view_set_curtain (v.view, TRUE);
  fd_pages_test_show_window (other);
  fd_pages_test_show_window (v.window);
  fd_pages_test_wait (200);
  g_assert_true (fd_main_view_get_curtain (v.view));
  fd_main_view_set_curtain (v.view, FALSE);

  gtk_window_destroy (other);
  fd_pages_test_view_close (&v);
}

static void
test_watermark (void)
{
  FdPagesTestView v = { 0 };
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *hhmm = g_date_time_format (now, "%H:%M");
  g_autoptr(FdSessionInfo) session = NULL;
  FdResidentPage *page;
  FdWatermark *watermark;
  GtkWidget *search;
  const char *text;
  FdMainView *plain;

  fd_pages_test_view_open (&v, server, "reception");
  watermark = FD_WATERMARK (fd_pages_test_find (GTK_WIDGET (v.view), FD_TYPE_WATERMARK));
  g_assert_nonnull (watermark);

  /* User · workstation · time. */
  text = fd_main_view_get_watermark_text (v.view);
  g_assert_true (g_str_has_prefix (text, "前台 Reception · test-desk · "));
  {
    g_autoptr(GDateTime) later = g_date_time_new_now_local ();
    g_autofree char *hhmm_later = g_date_time_format (later, "%H:%M");

    /* The minute may have turned meanwhile. */
    g_assert_true (g_str_has_suffix (text, hhmm) || g_str_has_suffix (text, hhmm_later));
  }
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (watermark)));

  /* Never in the way: not a target, not focusable; a click under it
   * reaches the entry below. */
  g_assert_false (gtk_widget_get_can_target (GTK_WIDGET (watermark)));
  g_assert_false (gtk_widget_get_focusable (GTK_WIDGET (watermark)));
  page = FD_RESIDENT_PAGE (fd_main_view_get_page (v.view, "residents"));
  search = fd_resident_page_get_search_entry (page);
  gtk_widget_grab_focus (GTK_WIDGET (fd_resident_page_get_list_view (page)));
  fd_pages_test_click (search, 1);
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (v.window)), search));
  g_assert_true (draws_node (GTK_WIDGET (watermark), GSK_TEXT_NODE));

  /* A policy without watermark draws none. */
  session = fd_pages_test_sign_in (server, v.api, "reception");
  session->watermark = FALSE;
  plain = fd_main_view_new (v.api, session);
  gtk_window_set_child (v.window, GTK_WIDGET (plain));
  fd_pages_test_wait (100);
  g_assert_cmpstr (fd_main_view_get_watermark_text (plain), ==, "");

  fd_pages_test_view_close (&v);
}

int
main (int   argc,
      char *argv[])
{
  FdTestServerOptions options = { .residents = 200 };
  int status;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  server = fd_test_server_start (&options);

  g_test_add_func ("/fd/pages/curtain/shortcut-and-buttons", test_curtain);
  g_test_add_func ("/fd/pages/curtain/focus-loss", test_focus_loss);
  g_test_add_func ("/fd/pages/curtain/watermark", test_watermark);

  status = g_test_run ();
  fd_test_server_stop (server);
  return status;
}
