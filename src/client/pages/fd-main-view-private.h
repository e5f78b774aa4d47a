/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the parts of FdMainView (fd-main-view*.c) share: its fields and their functions. */

#pragma once

#include "fd-main-view.h"

#include "fd-curtain.h"
#include "fd-watermark.h"

G_BEGIN_DECLS

/* FdMainView is split by concern around this header, as GNOME Text Editor
 * splits its window: fd-main-view.c (the pages, the watermark, the
 * toasts), fd-main-view-focus.c (re-mask and curtain, and the focus
 * tracking that raises it), fd-main-view-drafts.c (half-filled forms kept
 * across a lock). */

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
  FdSessionInfo *session;
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

  /* issue 14: type-to-search, on the window (fd-main-view-keys.c) */
  GtkWidget     *keys_window;      /* weak */
  GtkEventController *type_to_search;
};

/* fd-main-view-focus.c */
void fd_main_view_watch_focus           (FdMainView *self);
void fd_main_view_unwatch_focus         (FdMainView *self);
void fd_main_view_toggle_curtain_action (GtkWidget  *widget,
                                         const char *action_name,
                                         GVariant   *parameter);

/* fd-main-view-drafts.c: connects to the root's ::collect-drafts and
 * restores what it kept, when the root keeps drafts. */
void fd_main_view_keep_drafts           (FdMainView *self,
                                         GtkRoot    *root);
void fd_main_view_forget_drafts         (FdMainView *self,
                                         GtkRoot    *root);

/* fd-main-view-keys.c (issue 14): Ctrl+F, type-to-search, Alt+1…9,
 * pages.register-visitor. */
void fd_main_view_class_add_keys        (GtkWidgetClass *widget_class);
void fd_main_view_add_keys              (FdMainView *self);
void fd_main_view_forget_keys           (FdMainView *self);
/* After the pages are built: a resident's page offers the visitor form
 * its room when the role registers visitors. */
void fd_main_view_link_pages            (FdMainView *self);

G_END_DECLS
