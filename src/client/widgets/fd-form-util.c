/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Form helpers: the inline message label, and the busy spinner, button and inputs. */

#include "config.h"

#include "fd-form-util.h"

void
fd_form_set_message (GtkLabel   *label,
                     const char *message)
{
  g_return_if_fail (GTK_IS_LABEL (label));

  gtk_label_set_text (label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (label), message != NULL && message[0] != '\0');
}

void
fd_form_show_busy (GtkSpinner *spinner,
                   GtkLabel   *label,
                   gboolean    busy,
                   const char *busy_text,
                   const char *idle_text)
{
  g_return_if_fail (GTK_IS_SPINNER (spinner));
  g_return_if_fail (GTK_IS_LABEL (label));

  gtk_spinner_set_spinning (spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (spinner), busy);
  gtk_label_set_text_with_mnemonic (label, busy ? busy_text : idle_text);
}

const char *
fd_form_get_message (GtkLabel *label)
{
  g_return_val_if_fail (GTK_IS_LABEL (label), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (label)))
    return NULL;

  return gtk_label_get_text (label);
}

void
fd_form_set_busy (GtkSpinner *spinner,
                  GtkLabel   *label,
                  gboolean    busy,
                  const char *busy_text,
                  const char *idle_text,
                  GtkWidget  *first_input,
                  ...)
{
  va_list args;

  fd_form_show_busy (spinner, label, busy, busy_text, idle_text);
  va_start (args, first_input);
  for (GtkWidget *input = first_input; input != NULL; input = va_arg (args, GtkWidget *))
    {
      if (GTK_IS_EDITABLE (input))
        gtk_editable_set_editable (GTK_EDITABLE (input), !busy);
      else
        gtk_widget_set_sensitive (input, !busy);
    }
  va_end (args);
}
