/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The resident search page: search as you type, paged results, a resident's detail. */

#pragma once

#include <adwaita.h>

#include "fd-api-client.h"
#include "fd-resident-detail.h"
#include "fd-resident-list-model.h"

G_BEGIN_DECLS

#define FD_TYPE_RESIDENT_PAGE (fd_resident_page_get_type ())
G_DECLARE_FINAL_TYPE (FdResidentPage, fd_resident_page, FD, RESIDENT_PAGE, GtkWidget)

/* Search as you type (30 ms debounce) over a GtkListView of the server's
 * results, paged by cursor as the list scrolls; activating a row opens
 * its detail beside the list (or instead of it when narrow). @patrol
 * words the page for the patrol role's lookup (plate, building-unit,
 * surname); the fields shown are whatever the server sends the role. */
FdResidentPage      *fd_resident_page_new          (FdApiClient    *api,
                                                    gboolean        patrol,
                                                    guint           reveal_window_s);
GtkWidget           *fd_resident_page_get_search_entry (FdResidentPage *self);
GtkListView         *fd_resident_page_get_list_view    (FdResidentPage *self);
FdResidentListModel *fd_resident_page_get_model        (FdResidentPage *self);
FdResidentDetail    *fd_resident_page_get_detail       (FdResidentPage *self);
/* Opens the detail of the result at @position (what a click does). */
void                 fd_resident_page_open         (FdResidentPage *self,
                                                    guint           position);
void                 fd_resident_page_remask_all   (FdResidentPage *self);
/* issue 14: what is sent for @text (other dash forms in a room made '-'). */
char                *fd_resident_page_normalize_query (const char  *text);

G_END_DECLS
