/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TOTP (RFC 6238 / RFC 4226) with GLib's GHmac, base32, recovery codes. */

#include "config.h"

#include "fd-totp.h"

#include <sodium.h>
#include <string.h>

#include "fd-crypto.h"

#define SECRET_BYTES 20
static const char base32_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

char *
fd_base32_encode (const guint8 *data,
                  gsize         len)
{
  GString *out = g_string_sized_new ((len * 8 + 4) / 5 + 1);
  guint32 buffer = 0;
  guint bits = 0;

  for (gsize i = 0; i < len; i++)
    {
      buffer = (buffer << 8) | data[i];
      bits += 8;
      while (bits >= 5)
        {
          g_string_append_c (out, base32_alphabet[(buffer >> (bits - 5)) & 31]);
          bits -= 5;
        }
    }
  if (bits > 0)
    g_string_append_c (out, base32_alphabet[(buffer << (5 - bits)) & 31]);
  return g_string_free (out, FALSE);
}

guint8 *
fd_base32_decode (const char *text,
                  gsize      *len)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  guint32 buffer = 0;
  guint bits = 0;
  gboolean padding = FALSE;

  for (const char *p = text; *p != '\0'; p++)
    {
      char c = g_ascii_toupper (*p);
      const char *at;

      if (c == ' ')
        continue;
      if (c == '=')
        {
          padding = TRUE;
          continue;
        }
      at = strchr (base32_alphabet, c);
      if (padding || at == NULL)
        {
          sodium_memzero (out->data, out->len);
          return NULL;
        }
      buffer = (buffer << 5) | (guint32) (at - base32_alphabet);
      bits += 5;
      if (bits >= 8)
        {
          guint8 byte = (buffer >> (bits - 8)) & 0xff;
          g_byte_array_append (out, &byte, 1);
          bits -= 8;
        }
    }
  buffer = 0;
  *len = out->len;
  return g_byte_array_free (g_steal_pointer (&out), FALSE);
}

char *
fd_totp_secret_new (void)
{
  guint8 raw[SECRET_BYTES];
  char *secret;

  fd_crypto_init (NULL);
  randombytes_buf (raw, sizeof raw);
  secret = fd_base32_encode (raw, sizeof raw);
  sodium_memzero (raw, sizeof raw);
  return secret;
}

guint32
fd_hotp (const guint8 *key,
         gsize         key_len,
         guint64       counter)
{
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA1, key, key_len);
  guint8 message[8], digest[20];
  gsize digest_len = sizeof digest;
  guint offset;
  guint32 binary;

  for (int i = 7; i >= 0; i--, counter >>= 8)
    message[i] = counter & 0xff;
  g_hmac_update (hmac, message, sizeof message);
  g_hmac_get_digest (hmac, digest, &digest_len);
  /* dynamic truncation (RFC 4226 §5.3) */
  offset = digest[19] & 0x0f;
  binary = ((guint32) (digest[offset] & 0x7f) << 24) | ((guint32) digest[offset + 1] << 16) |
           ((guint32) digest[offset + 2] << 8) | digest[offset + 3];
  sodium_memzero (digest, sizeof digest);
  return binary % 1000000;
}

gint64
fd_totp_step (gint64 unix_s)
{
  return unix_s / FD_TOTP_PERIOD_S;
}

gboolean
fd_totp_code_valid (const char *code)
{
  if (code == NULL || strlen (code) != FD_TOTP_DIGITS)
    return FALSE;
  for (guint i = 0; i < FD_TOTP_DIGITS; i++)
    if (!g_ascii_isdigit (code[i]))
      return FALSE;
  return TRUE;
}

gboolean
fd_totp_verify (const char *secret,
                const char *code,
                gint64      now_step,
                gint64     *step)
{
  g_autofree guint8 *key = NULL;
  gsize key_len = 0;
  gint64 matched = -1;

  if (!fd_totp_code_valid (code) || secret == NULL)
    return FALSE;
  key = fd_base32_decode (secret, &key_len);
  if (key == NULL || key_len == 0)
    return FALSE;
  /* Every step of the window is computed and compared: the time taken
   * says nothing about which one (if any) matched. */
  for (gint64 s = now_step - FD_TOTP_WINDOW; s <= now_step + FD_TOTP_WINDOW; s++)
    {
      char expected[FD_TOTP_DIGITS + 1];
      int differ;

      g_snprintf (expected, sizeof expected, "%06u", fd_hotp (key, key_len, (guint64) s));
      differ = sodium_memcmp (expected, code, FD_TOTP_DIGITS);
      /* branch-free select of the matching step */
      matched = differ == 0 ? s : matched;
      sodium_memzero (expected, sizeof expected);
    }
  sodium_memzero (key, key_len);
  if (matched < 0)
    return FALSE;
  *step = matched;
  return TRUE;
}

char *
fd_totp_uri (const char *secret,
             const char *username)
{
  g_autofree char *label = g_uri_escape_string (username, NULL, FALSE);

  return g_strdup_printf ("otpauth://totp/Front%%20Desk:%s?secret=%s&issuer=Front%%20Desk"
                          "&algorithm=SHA1&digits=%u&period=%u", label, secret,
                          FD_TOTP_DIGITS, FD_TOTP_PERIOD_S);
}

/* recovery codes */

#define RECOVERY_CHARS 10

char *
fd_totp_recovery_code_new (void)
{
  guint8 raw[RECOVERY_CHARS];
  char code[RECOVERY_CHARS + 2];
  guint j = 0;

  fd_crypto_init (NULL);
  randombytes_buf (raw, sizeof raw);
  for (guint i = 0; i < RECOVERY_CHARS; i++)
    {
      if (i == RECOVERY_CHARS / 2)
        code[j++] = '-';
      code[j++] = g_ascii_tolower (base32_alphabet[raw[i] & 31]);
    }
  code[j] = '\0';
  sodium_memzero (raw, sizeof raw);
  return g_strdup (code);
}

char *
fd_totp_recovery_hash (const char *secret,
                       const char *code)
{
  g_autofree guint8 *key = NULL;
  g_autoptr(GHmac) hmac = NULL;
  char normal[RECOVERY_CHARS + 1];
  const char prefix[] = "frontdesk-recovery\x1f";
  gsize key_len = 0, n = 0;
  char *hex;

  if (code == NULL || secret == NULL || strlen (code) > 32)
    return NULL;
  for (const char *p = code; *p != '\0'; p++)
    {
      char c = g_ascii_toupper (*p);

      if (c == '-' || c == ' ')
        continue;
      if (strchr (base32_alphabet, c) == NULL || n == RECOVERY_CHARS)
        {
          sodium_memzero (normal, sizeof normal);
          return NULL;
        }
      normal[n++] = c;
    }
  if (n != RECOVERY_CHARS)
    {
      sodium_memzero (normal, sizeof normal);
      return NULL;
    }
  key = fd_base32_decode (secret, &key_len);
  if (key == NULL)
    return NULL;
  hmac = g_hmac_new (G_CHECKSUM_SHA256, key, key_len);
  g_hmac_update (hmac, (const guchar *) prefix, sizeof prefix - 1);
  g_hmac_update (hmac, (const guchar *) normal, n);
  hex = g_strdup (g_hmac_get_string (hmac));
  sodium_memzero (normal, sizeof normal);
  sodium_memzero (key, key_len);
  return hex;
}
