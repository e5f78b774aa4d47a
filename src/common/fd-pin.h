/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Certificate pins in the sha256:base64 form. */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Certificate pin: "sha256:" + base64 of SHA-256 over the certificate's
 * DER SubjectPublicKeyInfo (curl's --pinnedpubkey format). */
char     *fd_pin_from_der   (const guint8 *der,
                             gsize         len,
                             GError      **error);
char     *fd_pin_from_pem   (const char   *pem,
                             gsize         len,
                             GError      **error);
/* Syntax check: "sha256:" followed by base64 of 32 bytes. */
gboolean  fd_pin_is_valid   (const char   *pin);
/* Constant-time comparison of two pins. */
gboolean  fd_pin_equal      (const char   *a,
                             const char   *b);

G_END_DECLS
