/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fd-totp: RFC 4226 / RFC 6238 test vectors, base32, the window, recovery codes. */

#include "config.h"

#include <string.h>

#include "fd-totp.h"

/* RFC 4226 appendix D: the secret "12345678901234567890", counters 0-9. */
static void
test_hotp_vectors (void)
{
  const guint32 expected[] = { 755224, 287082, 359152, 969429, 338314,
                               254676, 287922, 162583, 399871, 520489 };
  const char *key = "12345678901234567890";

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpuint (fd_hotp ((const guint8 *) key, strlen (key), i), ==, expected[i]);
}

/* RFC 6238 appendix B (SHA-1), last 6 of the 8 digits. */
static void
test_totp_vectors (void)
{
  const struct { gint64 t; const char *code; } vectors[] = {
    { 59, "287082" }, { 1111111109, "081804" }, { 1111111111, "050471" },
    { 1234567890, "005924" }, { 2000000000, "279037" }, { 20000000000, "353130" },
  };
  g_autofree char *secret = fd_base32_encode ((const guint8 *) "12345678901234567890", 20);

  g_assert_cmpstr (secret, ==, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
  for (guint i = 0; i < G_N_ELEMENTS (vectors); i++)
    {
      gint64 step = fd_totp_step (vectors[i].t), matched = 0;

      g_assert_true (fd_totp_verify (secret, vectors[i].code, step, &matched));
      g_assert_cmpint (matched, ==, step);
      /* ±1 step is accepted and says which step matched; ±2 is not */
      g_assert_true (fd_totp_verify (secret, vectors[i].code, step + 1, &matched));
      g_assert_cmpint (matched, ==, step);
      g_assert_true (fd_totp_verify (secret, vectors[i].code, step - 1, &matched));
      g_assert_false (fd_totp_verify (secret, vectors[i].code, step + 2, &matched));
      g_assert_false (fd_totp_verify (secret, vectors[i].code, step - 2, &matched));
    }
  /* malformed codes */
  g_assert_false (fd_totp_verify (secret, "28708", 1, NULL));
  g_assert_false (fd_totp_verify (secret, "2870822", 1, NULL));
  g_assert_false (fd_totp_verify (secret, "28708a", 1, NULL));
  g_assert_false (fd_totp_verify (secret, "", 1, NULL));
}

static void
test_base32 (void)
{
  const char *samples[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
  const char *encoded[] = { "", "MY", "MZXQ", "MZXW6", "MZXW6YQ", "MZXW6YTB", "MZXW6YTBOI" };

  for (guint i = 0; i < G_N_ELEMENTS (samples); i++)
    {
      g_autofree char *e = fd_base32_encode ((const guint8 *) samples[i], strlen (samples[i]));
      g_autofree guint8 *d = NULL;
      gsize len = 0;

      g_assert_cmpstr (e, ==, encoded[i]);
      d = fd_base32_decode (e, &len);
      g_assert_cmpmem (d, len, samples[i], strlen (samples[i]));
    }
  {
    gsize len;
    g_autofree guint8 *lower = fd_base32_decode ("mzxw 6ytb oi==", &len);
    g_assert_cmpmem (lower, len, "foobar", 6);
    g_assert_null (fd_base32_decode ("MZXW1", &len));
    g_assert_null (fd_base32_decode ("MZ=XW", &len));
  }
}

static void
test_secret_and_uri (void)
{
  g_autofree char *a = fd_totp_secret_new ();
  g_autofree char *b = fd_totp_secret_new ();
  g_autofree char *uri = fd_totp_uri (a, "mgr.li");

  g_assert_cmpuint (strlen (a), ==, 32);
  g_assert_cmpstr (a, !=, b);
  g_assert_true (g_str_has_prefix (uri, "otpauth://totp/Front%20Desk:mgr.li?secret="));
  g_assert_nonnull (strstr (uri, a));
  g_assert_nonnull (strstr (uri, "&issuer=Front%20Desk"));
  g_assert_nonnull (strstr (uri, "&digits=6&period=30"));
}

static void
test_recovery (void)
{
  g_autofree char *secret = fd_totp_secret_new ();
  g_autofree char *other = fd_totp_secret_new ();
  g_autofree char *code = fd_totp_recovery_code_new ();
  g_autofree char *code2 = fd_totp_recovery_code_new ();
  g_autofree char *upper = g_ascii_strup (code, -1);
  g_autofree char *hash = fd_totp_recovery_hash (secret, code);
  g_autofree char *hash_upper = fd_totp_recovery_hash (secret, upper);
  g_autofree char *hash_other_key = fd_totp_recovery_hash (other, code);
  g_autofree char *hash2 = fd_totp_recovery_hash (secret, code2);

  g_assert_cmpuint (strlen (code), ==, 11);
  g_assert_cmpint (code[5], ==, '-');
  g_assert_cmpstr (code, !=, code2);
  g_assert_cmpuint (strlen (hash), ==, 64);
  g_assert_cmpstr (hash, ==, hash_upper);
  g_assert_cmpstr (hash, !=, hash_other_key);
  g_assert_cmpstr (hash, !=, hash2);
  g_assert_null (fd_totp_recovery_hash (secret, "123456"));
  g_assert_null (fd_totp_recovery_hash (secret, "abcde-fghi1"));
  g_assert_null (fd_totp_recovery_hash (secret, "abcde-fghijk"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fd/totp/hotp-vectors", test_hotp_vectors);
  g_test_add_func ("/fd/totp/totp-vectors", test_totp_vectors);
  g_test_add_func ("/fd/totp/base32", test_base32);
  g_test_add_func ("/fd/totp/secret-and-uri", test_secret_and_uri);
  g_test_add_func ("/fd/totp/recovery", test_recovery);
  return g_test_run ();
}
