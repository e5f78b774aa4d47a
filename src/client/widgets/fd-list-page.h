/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The base of the pages that show one list loaded from the server. */

#pragma once

#include <adwaita.h>

#include "fd-api-client.h"

G_BEGIN_DECLS

/* The base of the pages that show one list loaded from the server (the
 * alerts, the rules acknowledgments, the security check): it keeps the
 * API client and the call in flight, builds the scrolled column, the list
 * and the error label under it, loads when the page maps and on its
 * refresh action, and emits ::loaded () once an answer (or an error) is
 * shown. A subclass fills the rows in its own callback. */

#define FD_TYPE_LIST_PAGE (fd_list_page_get_type ())
G_DECLARE_DERIVABLE_TYPE (FdListPage, fd_list_page, FD, LIST_PAGE, GtkWidget)

struct _FdListPageClass
{
  GtkWidgetClass parent_class;

  /* Starts loading; @on_map is TRUE when the page just showed, FALSE when
   * asked (the refresh action, fd_list_page_refresh()). */
  void (*load) (FdListPage *self,
                gboolean    on_map);
};

/* For a subclass's class_init: the action @action_name ("alerts.refresh")
 * runs load (self, FALSE). */
void          fd_list_page_class_install_refresh (FdListPageClass *klass,
                                                  const char      *action_name);

/* For a subclass's constructor: keeps @api and makes the page's scrolled
 * column (fd_view_page_scroller); returns the vertical box to fill. */
GtkWidget    *fd_list_page_setup      (FdListPage  *self,
                                       FdApiClient *api,
                                       int          spacing);
FdApiClient  *fd_list_page_get_api    (FdListPage  *self);
/* Cancels the call in flight; returns the cancellable of the next one
 * (the page's). */
GCancellable *fd_list_page_restart    (FdListPage  *self);
/* The cancellable of the call in flight (NULL before the first). */
GCancellable *fd_list_page_get_cancellable (FdListPage *self);
void          fd_list_page_refresh    (FdListPage  *self);

/* A preferences group titled @title with a flat refresh button (named
 * @refresh_label) in its header that activates @action_name. */
GtkWidget    *fd_list_page_group_with_refresh (const char *title,
                                               const char *action_name,
                                               const char *refresh_label);
/* Adds to @group the page's list (fd_view_boxed_list) and its error label
 * under it; returns the list. */
GtkWidget    *fd_list_page_add_list   (FdListPage  *self,
                                       GtkWidget   *group,
                                       const char  *accessible_label,
                                       const char  *placeholder);
GtkWidget    *fd_list_page_get_list   (FdListPage  *self);
/* Removes the rows of @list (the placeholder stays). */
void          fd_list_page_clear_list (GtkWidget   *list);
/* Shows @message under the list, or hides the label when NULL. */
void          fd_list_page_set_error  (FdListPage  *self,
                                       const char  *message);
/* Emits ::loaded. */
void          fd_list_page_loaded     (FdListPage  *self);

G_END_DECLS
