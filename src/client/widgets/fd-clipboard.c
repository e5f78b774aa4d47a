/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copying plain values with a do-not-keep hint, and giving up our clipboard content. */

#include "config.h"

#include "fd-clipboard.h"

#include <string.h>

#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#include <X11/Xlib.h>
#endif

#define HINT_VALUE "secret"

/* The provider we last put on a CLIPBOARD; weak, so that it goes NULL when
 * GTK drops it (another owner took the selection). */
static GWeakRef our_content;

gboolean
fd_clipboard_is_ours (GdkDisplay *display)
{
  g_autoptr(GdkContentProvider) ours = NULL;
  GdkClipboard *clipboard;

  g_return_val_if_fail (GDK_IS_DISPLAY (display), FALSE);

  clipboard = gdk_display_get_clipboard (display);
  ours = g_weak_ref_get (&our_content);

  return ours != NULL &&
         gdk_clipboard_is_local (clipboard) &&
         gdk_clipboard_get_content (clipboard) == ours;
}

#ifdef GDK_WINDOWING_X11
/* GTK interns requested targets as MIME types and refuses a name without
 * '/' before any provider is asked, so it lists FD_CLIPBOARD_HINT_TARGET
 * in TARGETS but never serves it. This hook runs before the display's
 * "xevent" handlers (GDK's clipboard among them): it answers that one
 * SelectionRequest while our content owns CLIPBOARD, then retargets the
 * event at no window so that GDK ignores it. */
static gboolean
xevent_hook_cb (GSignalInvocationHint *ihint,
                guint                  n_values,
                const GValue          *values,
                gpointer               user_data)
{
  GdkDisplay *display;
  XEvent *xevent;
  XSelectionRequestEvent *request;
  XSelectionEvent notify;
  Display *xdisplay;
  Atom property;

  if (n_values < 2)
    return TRUE; /* keep the hook */

  display = g_value_get_object (&values[0]);
  xevent = g_value_get_pointer (&values[1]);
  if (!GDK_IS_X11_DISPLAY (display) || xevent == NULL || xevent->type != SelectionRequest)
    return TRUE; /* keep the hook */

  request = &xevent->xselectionrequest;
  if (request->selection != gdk_x11_get_xatom_by_name_for_display (display, "CLIPBOARD") ||
      request->target != gdk_x11_get_xatom_by_name_for_display (display,
                                                                 FD_CLIPBOARD_HINT_TARGET) ||
      request->requestor == None ||
      !fd_clipboard_is_ours (display))
    return TRUE; /* keep the hook */

  xdisplay = gdk_x11_display_get_xdisplay (display);
  property = request->property != None ? request->property : request->target;

  gdk_x11_display_error_trap_push (display);
  XChangeProperty (xdisplay, request->requestor, property, request->target, 8,
                   PropModeReplace, (const unsigned char *) HINT_VALUE, strlen (HINT_VALUE));

  memset (&notify, 0, sizeof notify);
  notify.type = SelectionNotify;
  notify.display = xdisplay;
  notify.requestor = request->requestor;
  notify.selection = request->selection;
  notify.target = request->target;
  notify.property = property;
  notify.time = request->time;
  XSendEvent (xdisplay, request->requestor, False, NoEventMask, (XEvent *) &notify);
  XFlush (xdisplay);
  gdk_x11_display_error_trap_pop_ignored (display);

  /* Handled: make every GDK handler see an event for no window. */
  xevent->xany.window = None;

  return TRUE; /* keep the hook */
}

static void
ensure_x11_hook (GdkDisplay *display)
{
  static gsize installed = 0;

  if (!GDK_IS_X11_DISPLAY (display))
    return;

  if (g_once_init_enter (&installed))
    {
      guint signal_id = g_signal_lookup ("xevent", GDK_TYPE_X11_DISPLAY);

      if (signal_id != 0)
        g_signal_add_emission_hook (signal_id, 0, xevent_hook_cb, NULL, NULL);
      else
        g_warning ("GdkX11Display has no xevent signal; clipboard hint not served");
      g_once_init_leave (&installed, 1);
    }
}
#endif

void
fd_clipboard_copy_plain (GtkWidget  *widget,
                         const char *text)
{
  g_autoptr(GdkContentProvider) union_provider = NULL;
  g_autoptr(GBytes) text_bytes = NULL;
  g_autoptr(GBytes) hint_bytes = NULL;
  GdkContentProvider *providers[2];
  GdkDisplay *display;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (text != NULL);

  display = gtk_widget_get_display (widget);

#ifdef GDK_WINDOWING_X11
  ensure_x11_hook (display);
#endif

  text_bytes = g_bytes_new (text, strlen (text));
  hint_bytes = g_bytes_new_static (HINT_VALUE, strlen (HINT_VALUE));
  providers[0] = gdk_content_provider_new_for_bytes ("text/plain;charset=utf-8", text_bytes);
  providers[1] = gdk_content_provider_new_for_bytes (FD_CLIPBOARD_HINT_TARGET, hint_bytes);
  union_provider = gdk_content_provider_new_union (providers, G_N_ELEMENTS (providers));

  gdk_clipboard_set_content (gdk_display_get_clipboard (display), union_provider);
  g_weak_ref_set (&our_content, union_provider);
}

gboolean
fd_clipboard_clear_if_ours (GdkDisplay *display)
{
  g_return_val_if_fail (GDK_IS_DISPLAY (display), FALSE);

  if (!fd_clipboard_is_ours (display))
    return FALSE;

  /* set_content (NULL) gives up ownership; set_text ("") would keep an
   * empty string on the clipboard instead. */
  gdk_clipboard_set_content (gdk_display_get_clipboard (display), NULL);
  g_weak_ref_set (&our_content, NULL);

  return TRUE;
}
