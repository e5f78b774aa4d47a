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

G_END_DECLS
