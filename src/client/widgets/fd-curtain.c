/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The privacy curtain: the data views blurred and out of reach of input until cleared. */

#include "config.h"

#include "fd-curtain.h"

#include <glib/gi18n.h>

#define BLUR_RADIUS 28.0

struct _FdCurtain
{
  GtkWidget  parent_instance;

  GtkWidget *child;
  GtkWidget *cover;
  GtkWidget *cover_button;
  GWeakRef   saved_focus;
  gboolean   active;
};

G_DEFINE_FINAL_TYPE (FdCurtain, fd_curtain, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_ACTIVE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
fd_curtain_measure (GtkWidget      *widget,
                    GtkOrientation  orientation,
                    int             for_size,
                    int            *minimum,
                    int            *natural,
                    int            *minimum_baseline,
                    int            *natural_baseline)
{
  FdCurtain *self = FD_CURTAIN (widget);
  int child_min = 0, child_nat = 0, cover_min = 0, cover_nat = 0;

  if (self->child != NULL && gtk_widget_should_layout (self->child))
    gtk_widget_measure (self->child, orientation, for_size, &child_min, &child_nat, NULL, NULL);
  gtk_widget_measure (self->cover, orientation, for_size, &cover_min, &cover_nat, NULL, NULL);

  *minimum = MAX (child_min, cover_min);
  *natural = MAX (child_nat, cover_nat);
}

static void
fd_curtain_size_allocate (GtkWidget *widget,
                          int        width,
                          int        height,
                          int        baseline)
{
  FdCurtain *self = FD_CURTAIN (widget);

  if (self->child != NULL && gtk_widget_should_layout (self->child))
    gtk_widget_allocate (self->child, width, height, baseline, NULL);
  gtk_widget_allocate (self->cover, width, height, baseline, NULL);
}

static void
fd_curtain_snapshot (GtkWidget   *widget,
                     GtkSnapshot *snapshot)
{
  FdCurtain *self = FD_CURTAIN (widget);

  if (!self->active)
    {
      if (self->child != NULL)
        gtk_widget_snapshot_child (widget, self->child, snapshot);
      return;
    }

  if (self->child != NULL)
    {
      gtk_snapshot_push_blur (snapshot, BLUR_RADIUS);
      gtk_widget_snapshot_child (widget, self->child, snapshot);
      gtk_snapshot_pop (snapshot);
    }
  gtk_widget_snapshot_child (widget, self->cover, snapshot);
}

static void
update_input (FdCurtain *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  gtk_widget_set_child_visible (self->cover, self->active);

  if (self->child == NULL)
    return;

  if (self->active)
    {
      GtkWidget *focus = root ? gtk_root_get_focus (root) : NULL;

      if (focus != NULL && gtk_widget_is_ancestor (focus, self->child))
        g_weak_ref_set (&self->saved_focus, focus);
      else
        g_weak_ref_set (&self->saved_focus, NULL);

      /* No pointer, no keyboard: the blurred views cannot be used blind.
       * Shortcuts of the window (lock, the curtain's own) still work. */
      gtk_widget_set_can_target (self->child, FALSE);
      gtk_widget_set_can_focus (self->child, FALSE);
      if (focus != NULL && gtk_widget_is_ancestor (focus, self->child) &&
          !gtk_widget_grab_focus (self->cover_button))
        gtk_root_set_focus (root, NULL);
    }
  else
    {
      g_autoptr(GtkWidget) focus = g_weak_ref_get (&self->saved_focus);

      gtk_widget_set_can_target (self->child, TRUE);
      gtk_widget_set_can_focus (self->child, TRUE);
      if (focus != NULL && gtk_widget_is_ancestor (focus, self->child))
        gtk_widget_grab_focus (focus);
      g_weak_ref_set (&self->saved_focus, NULL);
    }
}

void
fd_curtain_set_active (FdCurtain *self,
                       gboolean   active)
{
  g_return_if_fail (FD_IS_CURTAIN (self));

  active = !!active;
  if (self->active == active)
    return;

  self->active = active;
  update_input (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVE]);
}

gboolean
fd_curtain_get_active (FdCurtain *self)
{
  g_return_val_if_fail (FD_IS_CURTAIN (self), FALSE);
  return self->active;
}

void
fd_curtain_set_child (FdCurtain *self,
                      GtkWidget *child)
{
  g_return_if_fail (FD_IS_CURTAIN (self));
  g_return_if_fail (child == NULL || GTK_IS_WIDGET (child));

  if (self->child != NULL)
    gtk_widget_unparent (self->child);
  self->child = child;
  if (child != NULL)
    gtk_widget_insert_before (child, GTK_WIDGET (self), self->cover);
  update_input (self);
}

GtkWidget *
fd_curtain_get_child (FdCurtain *self)
{
  g_return_val_if_fail (FD_IS_CURTAIN (self), NULL);
  return self->child;
}

static void
clear_clicked_cb (FdCurtain *self)
{
  fd_curtain_set_active (self, FALSE);
}

static void
fd_curtain_dispose (GObject *object)
{
  FdCurtain *self = FD_CURTAIN (object);

  g_clear_pointer (&self->child, gtk_widget_unparent);
  g_clear_pointer (&self->cover, gtk_widget_unparent);
  g_weak_ref_set (&self->saved_focus, NULL);

  G_OBJECT_CLASS (fd_curtain_parent_class)->dispose (object);
}

static void
fd_curtain_finalize (GObject *object)
{
  FdCurtain *self = FD_CURTAIN (object);

  g_weak_ref_clear (&self->saved_focus);

  G_OBJECT_CLASS (fd_curtain_parent_class)->finalize (object);
}

static void
fd_curtain_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_ACTIVE:
      g_value_set_boolean (value, FD_CURTAIN (object)->active);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fd_curtain_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case PROP_ACTIVE:
      fd_curtain_set_active (FD_CURTAIN (object), g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fd_curtain_class_init (FdCurtainClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fd_curtain_dispose;
  object_class->finalize = fd_curtain_finalize;
  object_class->get_property = fd_curtain_get_property;
  object_class->set_property = fd_curtain_set_property;
  widget_class->measure = fd_curtain_measure;
  widget_class->size_allocate = fd_curtain_size_allocate;
  widget_class->snapshot = fd_curtain_snapshot;

  properties[PROP_ACTIVE] =
    g_param_spec_boolean ("active", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "fd-curtain");
}

static void
fd_curtain_init (FdCurtain *self)
{
  GtkWidget *image, *label;

  g_weak_ref_init (&self->saved_focus, NULL);

  self->cover = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_add_css_class (self->cover, "fd-curtain-cover");
  gtk_widget_set_halign (self->cover, GTK_ALIGN_FILL);
  gtk_widget_set_valign (self->cover, GTK_ALIGN_FILL);

  image = gtk_image_new_from_icon_name ("view-conceal-symbolic");
  gtk_image_set_pixel_size (GTK_IMAGE (image), 64);
  gtk_widget_set_valign (image, GTK_ALIGN_END);
  gtk_widget_set_vexpand (image, TRUE);
  gtk_widget_add_css_class (image, "dim-label");
  gtk_box_append (GTK_BOX (self->cover), image);

  label = gtk_label_new (_("Hidden while you are away"));
  gtk_widget_add_css_class (label, "title-2");
  gtk_box_append (GTK_BOX (self->cover), label);

  label = gtk_label_new (_("Press Ctrl+Shift+H or click Show to see the data again."));
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_CENTER);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_box_append (GTK_BOX (self->cover), label);

  self->cover_button = gtk_button_new_with_mnemonic (_("_Show"));
  /* GTK 4.8 also copies the raw mnemonic text ("_Show") into the accessible
   * label, ahead of the label's own text: let the mnemonic label name it. */
  gtk_accessible_reset_property (GTK_ACCESSIBLE (self->cover_button),
                                GTK_ACCESSIBLE_PROPERTY_LABEL);
  gtk_widget_set_halign (self->cover_button, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (self->cover_button, GTK_ALIGN_START);
  gtk_widget_set_vexpand (self->cover_button, TRUE);
  gtk_widget_add_css_class (self->cover_button, "pill");
  g_signal_connect_swapped (self->cover_button, "clicked", G_CALLBACK (clear_clicked_cb), self);
  gtk_box_append (GTK_BOX (self->cover), self->cover_button);

  gtk_widget_set_parent (self->cover, GTK_WIDGET (self));
  gtk_widget_set_child_visible (self->cover, FALSE);
}

GtkWidget *
fd_curtain_new (void)
{
  return g_object_new (FD_TYPE_CURTAIN, NULL);
}
