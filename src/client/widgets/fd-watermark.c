/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The watermark: user, workstation and time, faint and tiled over the data views. */

#include "config.h"

#include "fd-watermark.h"

#define ANGLE_DEG  -24.0
#define GAP_X      96.0
#define GAP_Y      88.0

struct _FdWatermark
{
  GtkWidget  parent_instance;

  char      *text;
};

G_DEFINE_FINAL_TYPE (FdWatermark, fd_watermark, GTK_TYPE_WIDGET)

static void
fd_watermark_snapshot (GtkWidget   *widget,
                       GtkSnapshot *snapshot)
{
  FdWatermark *self = FD_WATERMARK (widget);
  g_autoptr(PangoLayout) layout = NULL;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GdkRGBA color;
  double reach, step_x, step_y;
  int text_w, text_h;
  guint row = 0;

  if (self->text == NULL || *self->text == '\0' || width <= 0 || height <= 0)
    return;

  layout = gtk_widget_create_pango_layout (widget, self->text);
  pango_layout_get_pixel_size (layout, &text_w, &text_h);
  if (text_w <= 0 || text_h <= 0)
    return;

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
  color.alpha = 0.07f;

  step_x = text_w + GAP_X;
  step_y = text_h + GAP_Y;
  /* Rotated about the centre, the tiles must cover half the diagonal,
   * which is less than half the sum of the sides. */
  reach = (width + height) / 2.0 + step_x;

  gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (width / 2.0f, height / 2.0f));
  gtk_snapshot_rotate (snapshot, ANGLE_DEG);

  for (double y = -reach; y < reach; y += step_y, row++)
    {
      double offset = (row % 2) ? step_x / 2.0 : 0.0;

      for (double x = -reach - offset; x < reach; x += step_x)
        {
          gtk_snapshot_save (snapshot);
          gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT ((float) x, (float) y));
          gtk_snapshot_append_layout (snapshot, layout, &color);
          gtk_snapshot_restore (snapshot);
        }
    }

  gtk_snapshot_restore (snapshot);
  gtk_snapshot_pop (snapshot);
}

static void
fd_watermark_measure (GtkWidget      *widget,
                      GtkOrientation  orientation,
                      int             for_size,
                      int            *minimum,
                      int            *natural,
                      int            *minimum_baseline,
                      int            *natural_baseline)
{
  /* It covers whatever it is laid over and asks for nothing. */
  *minimum = *natural = 0;
}

void
fd_watermark_set_text (FdWatermark *self,
                       const char  *text)
{
  g_return_if_fail (FD_IS_WATERMARK (self));

  if (g_strcmp0 (self->text, text) == 0)
    return;

  g_free (self->text);
  self->text = g_strdup (text);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const char *
fd_watermark_get_text (FdWatermark *self)
{
  g_return_val_if_fail (FD_IS_WATERMARK (self), NULL);
  return self->text;
}

static void
fd_watermark_finalize (GObject *object)
{
  g_free (FD_WATERMARK (object)->text);

  G_OBJECT_CLASS (fd_watermark_parent_class)->finalize (object);
}

static void
fd_watermark_class_init (FdWatermarkClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = fd_watermark_finalize;
  widget_class->snapshot = fd_watermark_snapshot;
  widget_class->measure = fd_watermark_measure;

  gtk_widget_class_set_css_name (widget_class, "fd-watermark");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_PRESENTATION);
}

static void
fd_watermark_init (FdWatermark *self)
{
  GtkWidget *widget = GTK_WIDGET (self);

  gtk_widget_set_can_target (widget, FALSE);
  gtk_widget_set_focusable (widget, FALSE);
  gtk_widget_set_can_focus (widget, FALSE);
}

GtkWidget *
fd_watermark_new (void)
{
  return g_object_new (FD_TYPE_WATERMARK, NULL);
}
