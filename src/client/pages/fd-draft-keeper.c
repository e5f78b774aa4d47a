/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The interface of what keeps form drafts across a lock. */

#include "config.h"

#include "fd-draft-keeper.h"

G_DEFINE_INTERFACE (FdDraftKeeper, fd_draft_keeper, G_TYPE_OBJECT)

static void
fd_draft_keeper_default_init (FdDraftKeeperInterface *iface)
{
}

void
fd_draft_keeper_stash_draft (FdDraftKeeper *self,
                             const char    *form_id,
                             GVariant      *state)
{
  g_return_if_fail (FD_IS_DRAFT_KEEPER (self));

  FD_DRAFT_KEEPER_GET_IFACE (self)->stash_draft (self, form_id, state);
}

GVariant *
fd_draft_keeper_take_draft (FdDraftKeeper *self,
                            const char    *form_id)
{
  g_return_val_if_fail (FD_IS_DRAFT_KEEPER (self), NULL);

  return FD_DRAFT_KEEPER_GET_IFACE (self)->take_draft (self, form_id);
}
