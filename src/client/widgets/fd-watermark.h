/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The watermark over the data views: who showed the screen, and when. */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define FD_TYPE_WATERMARK (fd_watermark_get_type ())
G_DECLARE_FINAL_TYPE (FdWatermark, fd_watermark, FD, WATERMARK, GtkWidget)

/* A faint, tiled, slanted text over the data views ("user · workstation ·
 * HH:MM") so that a photo of the screen says who showed it and when. It
 * never takes input (can-target FALSE, not focusable) and is hidden from
 * assistive technologies. The owner updates the text each minute. */
GtkWidget  *fd_watermark_new      (void);
void        fd_watermark_set_text (FdWatermark *self,
                                   const char  *text);
const char *fd_watermark_get_text (FdWatermark *self);

G_END_DECLS
