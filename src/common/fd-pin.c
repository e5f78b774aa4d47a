/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Certificate pins in curl's --pinnedpubkey format. */

#include "config.h"

#include "fd-pin.h"

#include <glib/gi18n-lib.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <string.h>

#include "fd-error.h"

#define PIN_PREFIX     "sha256:"
#define PIN_B64_LEN    44   /* base64 of 32 bytes, with one '=' */

static char *
pin_from_crt (gnutls_x509_crt_t   crt,
              GError            **error)
{
  gnutls_pubkey_t pubkey = NULL;
  gnutls_datum_t spki = { NULL, 0 };
  guint8 digest[32];
  g_autofree char *b64 = NULL;
  int ret;

  ret = gnutls_pubkey_init (&pubkey);
  if (ret == GNUTLS_E_SUCCESS)
    ret = gnutls_pubkey_import_x509 (pubkey, crt, 0);
  if (ret == GNUTLS_E_SUCCESS)
    ret = gnutls_pubkey_export2 (pubkey, GNUTLS_X509_FMT_DER, &spki);
  if (ret == GNUTLS_E_SUCCESS)
    ret = gnutls_hash_fast (GNUTLS_DIG_SHA256, spki.data, spki.size, digest);

  gnutls_free (spki.data);
  if (pubkey != NULL)
    gnutls_pubkey_deinit (pubkey);

  if (ret != GNUTLS_E_SUCCESS)
    {
      g_warning ("Cannot hash the certificate's public key: %s", gnutls_strerror (ret));
      g_set_error_literal (error, FD_ERROR, FD_ERROR_TLS,
                           _("The certificate's public key cannot be read"));
      return NULL;
    }

  b64 = g_base64_encode (digest, sizeof digest);
  return g_strconcat (PIN_PREFIX, b64, NULL);
}

static char *
pin_from_data (const guint8        *data,
               gsize                len,
               gnutls_x509_crt_fmt_t format,
               GError             **error)
{
  gnutls_x509_crt_t crt = NULL;
  gnutls_datum_t datum;
  char *pin = NULL;
  int ret;

  if (data == NULL || len == 0 || len > G_MAXUINT)
    {
      g_set_error_literal (error, FD_ERROR, FD_ERROR_TLS, _("The certificate is empty"));
      return NULL;
    }

  datum.data = (unsigned char *) data;
  datum.size = (unsigned int) len;

  ret = gnutls_x509_crt_init (&crt);
  if (ret == GNUTLS_E_SUCCESS)
    ret = gnutls_x509_crt_import (crt, &datum, format);

  if (ret == GNUTLS_E_SUCCESS)
    pin = pin_from_crt (crt, error);
  else
    g_set_error_literal (error, FD_ERROR, FD_ERROR_TLS,
                         _("The file is not a readable certificate"));

  if (crt != NULL)
    gnutls_x509_crt_deinit (crt);

  return pin;
}

char *
fd_pin_from_der (const guint8  *der,
                 gsize          len,
                 GError       **error)
{
  return pin_from_data (der, len, GNUTLS_X509_FMT_DER, error);
}

char *
fd_pin_from_pem (const char  *pem,
                 gsize        len,
                 GError     **error)
{
  return pin_from_data ((const guint8 *) pem, len, GNUTLS_X509_FMT_PEM, error);
}

static gboolean
is_base64_char (char c)
{
  return g_ascii_isalnum (c) || c == '+' || c == '/';
}

gboolean
fd_pin_is_valid (const char *pin)
{
  const char *b64;

  if (pin == NULL || !g_str_has_prefix (pin, PIN_PREFIX))
    return FALSE;

  b64 = pin + strlen (PIN_PREFIX);
  if (strlen (b64) != PIN_B64_LEN || b64[PIN_B64_LEN - 1] != '=')
    return FALSE;

  for (guint i = 0; i < PIN_B64_LEN - 1; i++)
    if (!is_base64_char (b64[i]))
      return FALSE;

  /* 43 characters carry 258 bits: the last one's two low bits must be
   * zero for the text to be the one encoding of 32 bytes. */
  return strchr ("AEIMQUYcgkosw048", b64[PIN_B64_LEN - 2]) != NULL;
}

gboolean
fd_pin_equal (const char *a,
              const char *b)
{
  if (!fd_pin_is_valid (a) || !fd_pin_is_valid (b))
    return FALSE;

  /* Both have the same length once valid; compare without an early exit. */
  return gnutls_memcmp (a, b, strlen (a)) == 0;
}
