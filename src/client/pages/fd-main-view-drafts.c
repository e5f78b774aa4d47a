/* SPDX-License-Identifier: GPL-3.0-or-later */
/* FdMainView's half-filled forms, kept across a lock. */

#include "config.h"

#include "fd-main-view-private.h"

#include "fd-draft-keeper.h"
#include "fd-resident-page.h"
#include "fd-visitor-page.h"

#define DRAFTS_ID "pages"

/* ---- drafts ----------------------------------------------------------------- */

GVariant *
fd_main_view_save_drafts (FdMainView *self)
{
  FdVisitorPage *visitors;
  FdResidentPage *residents;
  GVariantBuilder builder;
  gboolean any = FALSE;

  g_return_val_if_fail (FD_IS_MAIN_VIEW (self), NULL);

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);

  visitors = (FdVisitorPage *) fd_main_view_get_page (self, "visitors");
  if (visitors != NULL && fd_visitor_page_get_form (visitors) != NULL)
    {
      GVariant *form = fd_visitor_form_save (fd_visitor_page_get_form (visitors));

      if (form != NULL)
        {
          g_variant_builder_add (&builder, "{sv}", "visitor-form", form);
          any = TRUE;
        }
    }

  residents = (FdResidentPage *) fd_main_view_get_page (self, "residents");
  if (residents == NULL)
    residents = (FdResidentPage *) fd_main_view_get_page (self, "lookup");
  if (residents != NULL)
    {
      const char *query =
        gtk_editable_get_text (GTK_EDITABLE (fd_resident_page_get_search_entry (residents)));

      if (*query != '\0')
        {
          g_variant_builder_add (&builder, "{sv}", "search", g_variant_new_string (query));
          any = TRUE;
        }
    }

  if (any)
    {
      const char *page = adw_view_stack_get_visible_child_name (self->stack);

      if (page != NULL)
        g_variant_builder_add (&builder, "{sv}", "page", g_variant_new_string (page));
      return g_variant_ref_sink (g_variant_builder_end (&builder));
    }

  g_variant_builder_clear (&builder);
  return NULL;
}

void
fd_main_view_restore_drafts (FdMainView *self,
                             GVariant   *drafts)
{
  g_autoptr(GVariant) form = NULL;
  const char *text;

  g_return_if_fail (FD_IS_MAIN_VIEW (self));

  if (drafts == NULL || !g_variant_is_of_type (drafts, G_VARIANT_TYPE_VARDICT))
    return;

  form = g_variant_lookup_value (drafts, "visitor-form", G_VARIANT_TYPE ("a{ss}"));
  if (form != NULL)
    {
      FdVisitorPage *visitors = (FdVisitorPage *) fd_main_view_get_page (self, "visitors");

      if (visitors != NULL && fd_visitor_page_get_form (visitors) != NULL)
        fd_visitor_form_restore (fd_visitor_page_get_form (visitors), form);
    }

  if (g_variant_lookup (drafts, "search", "&s", &text))
    {
      FdResidentPage *residents = (FdResidentPage *) fd_main_view_get_page (self, "residents");

      if (residents == NULL)
        residents = (FdResidentPage *) fd_main_view_get_page (self, "lookup");
      if (residents != NULL)
        gtk_editable_set_text (GTK_EDITABLE (fd_resident_page_get_search_entry (residents)), text);
    }

  if (g_variant_lookup (drafts, "page", "&s", &text))
    fd_main_view_show_page (self, text);
}

static void
collect_drafts_cb (GtkWidget  *window,
                   FdMainView *self)
{
  g_autoptr(GVariant) drafts = fd_main_view_save_drafts (self);

  if (drafts != NULL)
    fd_draft_keeper_stash_draft (FD_DRAFT_KEEPER (window), DRAFTS_ID, drafts);
}

void
fd_main_view_keep_drafts (FdMainView *self,
                          GtkRoot    *root)
{
  g_autoptr(GVariant) drafts = NULL;

  if (!FD_IS_DRAFT_KEEPER (root))
    return;

  drafts = fd_draft_keeper_take_draft (FD_DRAFT_KEEPER (root), DRAFTS_ID);
  self->drafts_id = g_signal_connect (root, "collect-drafts",
                                      G_CALLBACK (collect_drafts_cb), self);
  if (drafts != NULL)
    fd_main_view_restore_drafts (self, drafts);
}

void
fd_main_view_forget_drafts (FdMainView *self,
                            GtkRoot    *root)
{
  if (root != NULL && self->drafts_id != 0)
    g_clear_signal_handler (&self->drafts_id, root);
}
