/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The two-factor set-up page: QR code, set-up key, first code, recovery codes. */

#include "config.h"

#include "fd-totp-page.h"

#include <glib/gi18n.h>
#include <qrencode.h>
#include <string.h>

#include "fd-error.h"
#include "fd-field.h"
#include "fd-view-util.h"
#include "fd-wipe.h"

struct _FdTotpPage
{
  AdwBin        parent_instance;

  GtkStack     *stack;
  GtkPicture   *qr_picture;
  GtkLabel     *secret_label;
  GtkEntry     *code_entry;
  GtkLabel     *message_label;
  GtkButton    *confirm_button;
  GtkLabel     *codes_label;
  GtkCheckButton *saved_check;
  GtkButton    *continue_button;

  FdApiClient  *api;
  GCancellable *cancellable;
  gboolean      busy;
};

G_DEFINE_FINAL_TYPE (FdTotpPage, fd_totp_page, ADW_TYPE_BIN)

enum {
  DONE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

GdkTexture *
fd_qr_texture_new (const char *text,
                   guint       scale)
{
  QRcode *qr = QRcode_encodeString (text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  g_autoptr(GBytes) bytes = NULL;
  guint8 *pixels;
  guint side, stride;
  const guint quiet = 4;

  if (qr == NULL)
    return NULL;
  side = (qr->width + 2 * quiet) * scale;
  stride = side * 3;
  pixels = g_malloc (stride * side);
  memset (pixels, 0xff, stride * side);
  for (int y = 0; y < qr->width; y++)
    for (int x = 0; x < qr->width; x++)
      if (qr->data[y * qr->width + x] & 1)
        for (guint dy = 0; dy < scale; dy++)
          memset (pixels + ((quiet + y) * scale + dy) * stride + (quiet + x) * scale * 3, 0,
                  scale * 3);
  /* the modules spell the secret: wipe libqrencode's copy */
  explicit_bzero (qr->data, (gsize) qr->width * qr->width);
  QRcode_free (qr);
  bytes = g_bytes_new_with_free_func (pixels, stride * side, g_free, pixels);
  return gdk_memory_texture_new (side, side, GDK_MEMORY_R8G8B8, bytes, stride);
}

static void
set_message (FdTotpPage *self,
             const char *message)
{
  gtk_label_set_text (self->message_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
}

static gboolean
code_complete (FdTotpPage *self)
{
  const char *code = gtk_editable_get_text (GTK_EDITABLE (self->code_entry));

  if (strlen (code) != 6)
    return FALSE;
  for (guint i = 0; i < 6; i++)
    if (!g_ascii_isdigit (code[i]))
      return FALSE;
  return TRUE;
}

static void
code_changed_cb (FdTotpPage *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->confirm_button),
                            !self->busy && code_complete (self));
}

/* "JBSW Y3DP …": groups of four, easier to type. */
static char *
group_secret (const char *secret)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; secret[i] != '\0'; i++)
    {
      if (i > 0 && i % 4 == 0)
        g_string_append_c (out, ' ');
      g_string_append_c (out, secret[i]);
    }
  return g_string_free (out, FALSE);
}

static void
wipe_label (GtkLabel *label)
{
  /* GtkLabel keeps no other copy we could reach; drop the text. */
  gtk_label_set_text (label, "");
}

static void
begin_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(FdTotpPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GHashTable) params = NULL;
  char *text = fd_api_client_totp_begin_finish (FD_API_CLIENT (source), result, &error);
  const char *secret = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->busy = FALSE;
  if (text != NULL)
    uri = g_uri_parse (text, G_URI_FLAGS_ENCODED_QUERY, NULL);
  if (uri != NULL && g_uri_get_query (uri) != NULL)
    params = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_NONE, NULL);
  if (params != NULL)
    secret = g_hash_table_lookup (params, "secret");
  if (secret != NULL)
    texture = fd_qr_texture_new (text, 5);
  if (texture == NULL)
    {
      g_message ("Two-factor set-up failed: %s", error != NULL ? error->message : "no secret");
      set_message (self, _("The set-up could not start. Sign out and try again."));
    }
  else
    {
      g_autofree char *grouped = group_secret (secret);

      gtk_picture_set_paintable (self->qr_picture, GDK_PAINTABLE (texture));
      gtk_label_set_text (self->secret_label, grouped);
      explicit_bzero (grouped, strlen (grouped));
      explicit_bzero ((char *) secret, strlen (secret));
      gtk_widget_grab_focus (GTK_WIDGET (self->code_entry));
    }
  if (text != NULL)
    fd_secret_free (text);
  code_changed_cb (self);
}

void
fd_totp_page_start (FdTotpPage *self)
{
  g_return_if_fail (FD_IS_TOTP_PAGE (self));

  self->busy = TRUE;
  set_message (self, NULL);
  gtk_stack_set_visible_child_name (self->stack, "setup");
  fd_api_client_totp_begin_async (self->api, self->cancellable, begin_cb, g_object_ref (self));
}

static void
confirm_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(FdTotpPage) self = user_data;
  g_autoptr(GError) error = NULL;
  char **codes = fd_api_client_totp_confirm_finish (FD_API_CLIENT (source), result, &error);
  g_autofree char *text = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->busy = FALSE;
  gtk_editable_set_text (GTK_EDITABLE (self->code_entry), "");
  if (codes == NULL)
    {
      if (g_error_matches (error, FD_ERROR, FD_ERROR_BAD_REQUEST))
        set_message (self, _("That code does not match. Check that the phone's clock is "
                             "right and enter the code the app shows now."));
      else
        set_message (self, _("The code could not be checked. Try again."));
      gtk_widget_grab_focus (GTK_WIDGET (self->code_entry));
      return;
    }

  /* The set-up key and QR code leave the screen now. */
  gtk_picture_set_paintable (self->qr_picture, NULL);
  wipe_label (self->secret_label);
  text = g_strjoinv ("\n", codes);
  fd_wipe_strv (codes);
  gtk_label_set_text (self->codes_label, text);
  explicit_bzero (text, strlen (text));
  gtk_stack_set_visible_child_name (self->stack, "codes");
  gtk_widget_grab_focus (GTK_WIDGET (self->saved_check));
}

static void
confirm_cb (FdTotpPage *self)
{
  if (self->busy || !code_complete (self))
    return;
  self->busy = TRUE;
  set_message (self, NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->confirm_button), FALSE);
  fd_api_client_totp_confirm_async (self->api, gtk_editable_get_text (GTK_EDITABLE (self->code_entry)),
                                    self->cancellable, confirm_done_cb, g_object_ref (self));
}

static void
saved_toggled_cb (FdTotpPage *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->continue_button),
                            gtk_check_button_get_active (self->saved_check));
}

static void
continue_cb (FdTotpPage *self)
{
  wipe_label (self->codes_label);
  g_signal_emit (self, signals[DONE], 0);
}

static void
fd_totp_page_dispose (GObject *object)
{
  FdTotpPage *self = FD_TOTP_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  if (self->codes_label != NULL)
    {
      wipe_label (self->codes_label);
      wipe_label (self->secret_label);
    }
  g_clear_object (&self->cancellable);
  g_clear_object (&self->api);
  gtk_widget_dispose_template (GTK_WIDGET (self), FD_TYPE_TOTP_PAGE);
  G_OBJECT_CLASS (fd_totp_page_parent_class)->dispose (object);
}

static void
fd_totp_page_class_init (FdTotpPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fd_totp_page_dispose;
  signals[DONE] = fd_view_add_signal (klass, "done");

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/frontdesk/FrontDesk/pages/fd-totp-page.ui");
  gtk_widget_class_bind_template_child (widget_class, FdTotpPage, stack);
  gtk_widget_class_bind_template_child (widget_class, FdTotpPage, qr_picture);
  gtk_widget_class_bind_template_child (widget_class, FdTotpPage, secret_label);
  gtk_widget_class_bind_template_child (widget_class, FdTotpPage, code_entry);
  gtk_widget_class_bind_template_child (widget_class, FdTotpPage, message_label);
  gtk_widget_class_bind_template_child (widget_class, FdTotpPage, confirm_button);
  gtk_widget_class_bind_template_child (widget_class, FdTotpPage, codes_label);
  gtk_widget_class_bind_template_child (widget_class, FdTotpPage, saved_check);
  gtk_widget_class_bind_template_child (widget_class, FdTotpPage, continue_button);
  gtk_widget_class_bind_template_callback (widget_class, code_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, confirm_cb);
  gtk_widget_class_bind_template_callback (widget_class, saved_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, continue_cb);
}

static void
fd_totp_page_init (FdTotpPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

FdTotpPage *
fd_totp_page_new (FdApiClient *api)
{
  FdTotpPage *self = g_object_new (FD_TYPE_TOTP_PAGE, NULL);

  self->api = g_object_ref (api);
  return self;
}
