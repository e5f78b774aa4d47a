/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The two-factor set-up page (issue 15), and the QR code it draws. */

#pragma once

#include <adwaita.h>

#include "fd-api-client.h"

G_BEGIN_DECLS

#define FD_TYPE_TOTP_PAGE (fd_totp_page_get_type ())
G_DECLARE_FINAL_TYPE (FdTotpPage, fd_totp_page, FD, TOTP_PAGE, AdwBin)

/* Two-factor set-up (issue 15) for an account that must enrol: a QR code
 * of the server's otpauth:// URI (libqrencode) and the secret as text,
 * a field for the first code, then the ten recovery codes, shown once,
 * until "I have saved them". Emits ::done then. Nothing it shows can be
 * selected or copied, and all of it is wiped when it goes. */
FdTotpPage *fd_totp_page_new    (FdApiClient *api);
/* Asks the server for a new secret (POST /account/totp). */
void        fd_totp_page_start  (FdTotpPage  *self);

/* The QR code of @text (libqrencode, error correction M), black on
 * white, @scale pixels a module with a 4-module quiet zone; NULL when
 * @text does not fit. */
GdkTexture *fd_qr_texture_new   (const char  *text,
                                 guint        scale);

G_END_DECLS
