/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The desk's keyboard (issue 14): search from any page, Alt+1…9, room to visitor form. */

/* Ctrl+F and type-to-search reach the resident search from any page,
 * Alt+1…Alt+9 switch pages in the switcher's order, and a resident's page
 * can hand a room to the visitor form. */

#include "config.h"

#include "fd-main-view-private.h"

#include "fd-resident-page.h"
#include "fd-visitor-page.h"

/* The search page of the role: residents, or the patrol's lookup. */
static FdResidentPage *
search_page (FdMainView *self)
{
  GtkWidget *page = fd_main_view_get_page (self, "residents");

  if (page == NULL)
    page = fd_main_view_get_page (self, "lookup");
  return page != NULL ? FD_RESIDENT_PAGE (page) : NULL;
}

static const char *
search_page_name (FdMainView *self)
{
  return fd_main_view_get_page (self, "residents") != NULL ? "residents" : "lookup";
}

/* Shows the search page and puts the focus in its entry; @text (may be
 * NULL) is added at the end of what it holds. FALSE without one. */
gboolean
fd_main_view_focus_search (FdMainView *self,
                           const char *text)
{
  FdResidentPage *page;
  GtkWidget *entry;

  g_return_val_if_fail (FD_IS_MAIN_VIEW (self), FALSE);

  page = search_page (self);
  if (page == NULL || fd_main_view_get_curtain (self))
    return FALSE;

  fd_main_view_show_page (self, search_page_name (self));
  entry = fd_resident_page_get_search_entry (page);
  gtk_widget_grab_focus (entry);
  if (text != NULL)
    {
      int position = -1;

      gtk_editable_set_position (GTK_EDITABLE (entry), -1);
      position = gtk_editable_get_position (GTK_EDITABLE (entry));
      gtk_editable_insert_text (GTK_EDITABLE (entry), text, -1, &position);
      gtk_editable_set_position (GTK_EDITABLE (entry), position);
    }
  else
    gtk_editable_select_region (GTK_EDITABLE (entry), 0, -1);
  return TRUE;
}

static void
find_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  fd_main_view_focus_search (FD_MAIN_VIEW (widget), NULL);
}

gboolean
fd_main_view_show_nth_page (FdMainView *self,
                            guint       n)
{
  g_autoptr(GtkSelectionModel) pages = NULL;
  guint visible = 0;

  g_return_val_if_fail (FD_IS_MAIN_VIEW (self), FALSE);

  pages = adw_view_stack_get_pages (self->stack);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (pages)); i++)
    {
      g_autoptr(AdwViewStackPage) page = g_list_model_get_item (G_LIST_MODEL (pages), i);

      if (!adw_view_stack_page_get_visible (page))
        continue;
      if (visible++ == n)
        {
          adw_view_stack_set_visible_child (self->stack, adw_view_stack_page_get_child (page));
          return TRUE;
        }
    }
  return FALSE;
}

static void
show_nth_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  gint32 n = g_variant_get_int32 (parameter);

  if (n >= 1)
    fd_main_view_show_nth_page (FD_MAIN_VIEW (widget), (guint) n - 1);
}

/* "Register a visitor for this room" on a resident's page. */
static void
register_visitor_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  FdMainView *self = FD_MAIN_VIEW (widget);
  GtkWidget *page = fd_main_view_get_page (self, "visitors");
  FdVisitorForm *form = page ? fd_visitor_page_get_form (FD_VISITOR_PAGE (page)) : NULL;

  if (form == NULL)
    return;
  fd_visitor_form_set_room (form, g_variant_get_string (parameter, NULL));
  fd_main_view_show_page (self, "visitors");
  fd_visitor_form_focus_name (form);
}

/* Type-to-search: a printable character that nothing on the page took
 * (no text field has the focus) goes to the search entry. */
static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                FdMainView            *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root ? gtk_root_get_focus (root) : NULL;
  gunichar c = gdk_keyval_to_unicode (keyval);
  char text[7] = { 0 };

  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SUPER_MASK | GDK_META_MASK)) != 0 ||
      c == 0 || !g_unichar_isprint (c) || g_unichar_isspace (c) ||
      !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return GDK_EVENT_PROPAGATE;
  if (focus != NULL && (GTK_IS_EDITABLE (focus) || gtk_widget_get_ancestor (focus, GTK_TYPE_POPOVER)))
    return GDK_EVENT_PROPAGATE;

  g_unichar_to_utf8 (c, text);
  return fd_main_view_focus_search (self, text) ? GDK_EVENT_STOP : GDK_EVENT_PROPAGATE;
}

/* The key controller sits on the window, so that keys with the focus in
 * the header bar (outside the view) count too. */
static void
root_changed_cb (FdMainView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (self->keys_window != NULL)
    {
      gtk_widget_remove_controller (self->keys_window, self->type_to_search);
      g_clear_weak_pointer (&self->keys_window);
    }
  g_clear_object (&self->type_to_search);
  if (root == NULL || !GTK_IS_WINDOW (root))
    return;

  self->type_to_search = g_object_ref (gtk_event_controller_key_new ());
  gtk_event_controller_set_name (self->type_to_search, "fd-type-to-search");
  g_signal_connect_object (self->type_to_search, "key-pressed", G_CALLBACK (key_pressed_cb),
                           self, 0);
  gtk_widget_add_controller (GTK_WIDGET (root), self->type_to_search);
  g_set_weak_pointer (&self->keys_window, GTK_WIDGET (root));
}

void
fd_main_view_forget_keys (FdMainView *self)
{
  if (self->keys_window != NULL && self->type_to_search != NULL)
    gtk_widget_remove_controller (self->keys_window, self->type_to_search);
  g_clear_weak_pointer (&self->keys_window);
  g_clear_object (&self->type_to_search);
}

void
fd_main_view_class_add_keys (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "pages.find", NULL, find_action);
  gtk_widget_class_install_action (widget_class, "pages.show-nth", "i", show_nth_action);
  gtk_widget_class_install_action (widget_class, "pages.register-visitor", "s",
                                   register_visitor_action);
}

void
fd_main_view_add_keys (FdMainView *self)
{
  GtkEventController *shortcuts = gtk_shortcut_controller_new ();

  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                     GTK_SHORTCUT_SCOPE_GLOBAL);
  gtk_event_controller_set_propagation_phase (shortcuts, GTK_PHASE_CAPTURE);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
    gtk_shortcut_new (gtk_shortcut_trigger_parse_string ("<Control>f"),
                      gtk_named_action_new ("pages.find")));
  for (int n = 1; n <= 9; n++)
    {
      g_autofree char *trigger = g_strdup_printf ("<Alt>%d", n);

      gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
        gtk_shortcut_new_with_arguments (gtk_shortcut_trigger_parse_string (trigger),
                                         gtk_named_action_new ("pages.show-nth"), "i", n));
    }
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);

  g_signal_connect (self, "notify::root", G_CALLBACK (root_changed_cb), NULL);
}

void
fd_main_view_link_pages (FdMainView *self)
{
  GtkWidget *visitors = fd_main_view_get_page (self, "visitors");
  FdResidentPage *search = search_page (self);

  if (search != NULL && visitors != NULL &&
      fd_visitor_page_get_form (FD_VISITOR_PAGE (visitors)) != NULL)
    fd_resident_detail_set_visitor_button (fd_resident_page_get_detail (search), TRUE);
}
