/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Resident search results (FdResidentItem) as a list model paged by cursor. */

#pragma once

#include <gio/gio.h>

#include "fd-api-client.h"
#include "fd-field.h"

G_BEGIN_DECLS

#define FD_TYPE_RESIDENT_ITEM (fd_resident_item_get_type ())
G_DECLARE_FINAL_TYPE (FdResidentItem, fd_resident_item, FD, RESIDENT_ITEM, GObject)

/* One search result, as the server sent it for the role. Fields the role
 * may not see are NULL. */
const char         *fd_resident_item_get_id     (FdResidentItem *self);
const FdFieldValue *fd_resident_item_get_name   (FdResidentItem *self);
const FdFieldValue *fd_resident_item_get_room   (FdResidentItem *self);
const FdFieldValue *fd_resident_item_get_phone  (FdResidentItem *self);
/* All plates joined with ", " as one field value (masked if any is). */
const FdFieldValue *fd_resident_item_get_plates (FdResidentItem *self);

#define FD_TYPE_RESIDENT_LIST_MODEL (fd_resident_list_model_get_type ())
G_DECLARE_FINAL_TYPE (FdResidentListModel, fd_resident_list_model, FD, RESIDENT_LIST_MODEL,
                      GObject)

/* A GListModel of FdResidentItem over the server's resident search: rows
 * live in a compact array, items are made when asked for. A new query
 * cancels the one in flight; fd_resident_list_model_load_more() fetches
 * the next page through the cursor. Everything is wiped on a new query
 * and on dispose.
 *
 * Signals: ::failed (GError *) — a query or page failed (not cancelled);
 *          ::updated () — the results of a query or page arrived. */
FdResidentListModel *fd_resident_list_model_new        (FdApiClient         *api);
void                 fd_resident_list_model_set_query  (FdResidentListModel *self,
                                                        const char          *query);
const char          *fd_resident_list_model_get_query  (FdResidentListModel *self);
void                 fd_resident_list_model_load_more  (FdResidentListModel *self);
/* Results asked for per page, 1–100 (the contract's limit); default 25. */
void                 fd_resident_list_model_set_page_size (FdResidentListModel *self,
                                                          guint                page_size);
gboolean             fd_resident_list_model_get_loading (FdResidentListModel *self);
gboolean             fd_resident_list_model_get_has_more (FdResidentListModel *self);
/* Forgets every row (and cancels what is in flight). */
void                 fd_resident_list_model_clear      (FdResidentListModel *self);

G_END_DECLS
