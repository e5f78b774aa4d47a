/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The interface of what keeps form drafts across a lock (FdWindow). */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Something that keeps the drafts of half-filled forms across a lock:
 * FdWindow. The main view finds it as its root through this interface,
 * so that the view never includes the window that holds it. */

#define FD_TYPE_DRAFT_KEEPER (fd_draft_keeper_get_type ())
G_DECLARE_INTERFACE (FdDraftKeeper, fd_draft_keeper, FD, DRAFT_KEEPER, GObject)

struct _FdDraftKeeperInterface
{
  GTypeInterface parent_iface;

  void      (*stash_draft) (FdDraftKeeper *self,
                            const char    *form_id,
                            GVariant      *state);
  GVariant *(*take_draft)  (FdDraftKeeper *self,
                            const char    *form_id);
};

/* Keeps @state (floating references are sunk) under @form_id. */
void      fd_draft_keeper_stash_draft (FdDraftKeeper *self,
                                       const char    *form_id,
                                       GVariant      *state);
/* Hands the state under @form_id back once; NULL when there is none. */
GVariant *fd_draft_keeper_take_draft  (FdDraftKeeper *self,
                                       const char    *form_id);

G_END_DECLS
