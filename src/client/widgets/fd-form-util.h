/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A form's inline message, and its busy button and inputs. */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The inline message of a page or dialog form: a label that is shown
 * only while it has something to say. */

/* Shows @message in @label; NULL or "" hides the label. */
void        fd_form_set_message (GtkLabel   *label,
                                 const char *message);
/* The message @label shows, or NULL while it is hidden. */
const char *fd_form_get_message (GtkLabel   *label);
/* A busy form's button: @spinner turns and shows, @label reads
 * @busy_text (else @idle_text, with its mnemonic). */
void        fd_form_show_busy   (GtkSpinner *spinner,
                                 GtkLabel   *label,
                                 gboolean    busy,
                                 const char *busy_text,
                                 const char *idle_text);

/* A busy entry page: fd_form_show_busy(), and each widget of the
 * NULL-terminated list after @idle_text stops taking input while @busy
 * (an editable stops being editable, another widget insensitive). */
void        fd_form_set_busy    (GtkSpinner *spinner,
                                 GtkLabel   *label,
                                 gboolean    busy,
                                 const char *busy_text,
                                 const char *idle_text,
                                 GtkWidget  *first_input,
                                 ...) G_GNUC_NULL_TERMINATED;

/* Defines void PREFIX_set_message (Type *self, const char *message) and
 * const char *PREFIX_get_message (Type *self) over the label self->LABEL,
 * with fd_form_set_message() and fd_form_get_message(). */
#define FD_FORM_DEFINE_MESSAGE(Type, prefix, IS_TYPE, label)                   \
  void                                                                         \
  prefix##_set_message (Type       *self,                                      \
                        const char *message)                                   \
  {                                                                            \
    g_return_if_fail (IS_TYPE (self));                                         \
    fd_form_set_message (self->label, message);                                \
  }                                                                            \
                                                                               \
  const char *                                                                 \
  prefix##_get_message (Type *self)                                            \
  {                                                                            \
    g_return_val_if_fail (IS_TYPE (self), NULL);                               \
    return fd_form_get_message (self->label);                                  \
  }

G_END_DECLS
