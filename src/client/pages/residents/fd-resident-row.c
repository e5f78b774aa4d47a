/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One resident search result in the list, and the column headings above it. */

#include "config.h"

#include "fd-resident-row.h"

#include "fd-sensitive-field.h"

#include <glib/gi18n.h>

struct _FdResidentRow
{
  GtkWidget       parent_instance;

  FdResidentItem *item;
  GtkWidget      *name;
  GtkWidget      *room;
  GtkWidget      *phone;
  GtkWidget      *plates;
};

G_DEFINE_FINAL_TYPE (FdResidentRow, fd_resident_row, GTK_TYPE_WIDGET)

static void
show_field (GtkWidget          *widget,
            const FdFieldValue *value)
{
  FdSensitiveField *field = FD_SENSITIVE_FIELD (widget);

  if (value == NULL)
    {
      fd_sensitive_field_set_value (field, NULL);
      gtk_widget_set_visible (widget, FALSE);
      return;
    }

  /* The list never reveals: that happens on the detail page only. */
  {
    FdFieldValue shown = { value->value, value->masked, FALSE };

    fd_sensitive_field_set_value (field, &shown);
  }
  gtk_widget_set_visible (widget, TRUE);
}

void
fd_resident_row_set_item (FdResidentRow  *self,
                          FdResidentItem *item)
{
  g_return_if_fail (FD_IS_RESIDENT_ROW (self));
  g_return_if_fail (item == NULL || FD_IS_RESIDENT_ITEM (item));

  if (!g_set_object (&self->item, item))
    return;

  show_field (self->name, item ? fd_resident_item_get_name (item) : NULL);
  show_field (self->room, item ? fd_resident_item_get_room (item) : NULL);
  show_field (self->phone, item ? fd_resident_item_get_phone (item) : NULL);
  show_field (self->plates, item ? fd_resident_item_get_plates (item) : NULL);
}

FdResidentItem *
fd_resident_row_get_item (FdResidentRow *self)
{
  g_return_val_if_fail (FD_IS_RESIDENT_ROW (self), NULL);
  return self->item;
}

/* The columns, in order, with their widths: the rows and the headings
 * above the list share them (issue 14). */
static const struct { const char *title; int width; } columns[] = {
  { N_("Name"), 120 },
  { N_("Room"), 100 },
  { N_("Mobile"), 130 },
  { N_("Licence plates"), 100 },
};

void
fd_resident_row_fill_header (GtkWidget *box)
{
  g_return_if_fail (GTK_IS_BOX (box));

  gtk_box_set_spacing (GTK_BOX (box), 12);
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      GtkWidget *label = gtk_label_new (_(columns[i].title));

      gtk_label_set_xalign (GTK_LABEL (label), 0.0f);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_widget_set_size_request (label, columns[i].width, -1);
      gtk_widget_add_css_class (label, "caption-heading");
      gtk_widget_add_css_class (label, "dim-label");
      if (i == G_N_ELEMENTS (columns) - 1)
        gtk_widget_set_hexpand (label, TRUE);
      gtk_box_append (GTK_BOX (box), label);
    }
}

void
fd_resident_row_update_header (GtkWidget      *box,
                               FdResidentItem *item)
{
  const FdFieldValue *present[G_N_ELEMENTS (columns)];
  GtkWidget *label = gtk_widget_get_first_child (box);

  g_return_if_fail (FD_IS_RESIDENT_ITEM (item));

  present[0] = fd_resident_item_get_name (item);
  present[1] = fd_resident_item_get_room (item);
  present[2] = fd_resident_item_get_phone (item);
  present[3] = (gpointer) item;   /* plates: a column even when this one has none */
  for (guint i = 0; i < G_N_ELEMENTS (columns) && label != NULL; i++)
    {
      gtk_widget_set_visible (label, present[i] != NULL);
      label = gtk_widget_get_next_sibling (label);
    }
}

static GtkWidget *
add_field (FdResidentRow *self,
           const char    *title,
           int            width)
{
  GtkWidget *field = GTK_WIDGET (fd_sensitive_field_new (title, NULL));

  /* Tab moves between rows, not through every value of every row. */
  gtk_widget_set_focusable (field, FALSE);
  /* A long value (two plates) is cut, not widening the list (issue 14). */
  for (GtkWidget *child = gtk_widget_get_first_child (field); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LABEL (child))
      gtk_label_set_ellipsize (GTK_LABEL (child), PANGO_ELLIPSIZE_END);
  gtk_widget_set_size_request (field, width, -1);
  gtk_widget_set_parent (field, GTK_WIDGET (self));
  return field;
}

static void
fd_resident_row_dispose (GObject *object)
{
  FdResidentRow *self = FD_RESIDENT_ROW (object);

  g_clear_pointer (&self->name, gtk_widget_unparent);
  g_clear_pointer (&self->room, gtk_widget_unparent);
  g_clear_pointer (&self->phone, gtk_widget_unparent);
  g_clear_pointer (&self->plates, gtk_widget_unparent);
  g_clear_object (&self->item);

  G_OBJECT_CLASS (fd_resident_row_parent_class)->dispose (object);
}

static void
fd_resident_row_class_init (FdResidentRowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = fd_resident_row_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "fd-resident-row");
}

static void
fd_resident_row_init (FdResidentRow *self)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));

  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 12);

  self->name = add_field (self, _(columns[0].title), columns[0].width);
  gtk_widget_add_css_class (self->name, "heading");
  self->room = add_field (self, _(columns[1].title), columns[1].width);
  self->phone = add_field (self, _(columns[2].title), columns[2].width);
  self->plates = add_field (self, _(columns[3].title), columns[3].width);
  gtk_widget_set_hexpand (self->plates, TRUE);
}

GtkWidget *
fd_resident_row_new (void)
{
  return g_object_new (FD_TYPE_RESIDENT_ROW, NULL);
}
