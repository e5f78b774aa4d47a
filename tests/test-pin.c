/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests certificate pins against openssl's computation. */

#include "config.h"

#include <glib/gstdio.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <string.h>

#include "fd-error.h"
#include "fd-pin.h"

typedef struct
{
  char   *pem;
  guint8 *der;
  gsize   der_len;
} TestCert;

static void
test_cert_free (TestCert *cert)
{
  g_free (cert->pem);
  g_free (cert->der);
  g_free (cert);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestCert, test_cert_free)

#define CHECK_GNUTLS(expr) g_assert_cmpint ((expr), ==, GNUTLS_E_SUCCESS)

/* A self-signed ECDSA P-256 certificate, made afresh for each test. */
static TestCert *
make_cert (void)
{
  gnutls_x509_privkey_t key;
  gnutls_x509_crt_t crt;
  gnutls_datum_t out = { NULL, 0 };
  TestCert *cert = g_new0 (TestCert, 1);
  const char *cn = "frontdesk.test";
  guint8 serial[8];
  time_t now = time (NULL);

  for (guint i = 0; i < sizeof serial; i++)
    serial[i] = (guint8) g_random_int_range (1, 256);
  serial[0] &= 0x7f;

  CHECK_GNUTLS (gnutls_x509_privkey_init (&key));
  CHECK_GNUTLS (gnutls_x509_privkey_generate (key, GNUTLS_PK_ECDSA,
                                              GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1),
                                              0));
  CHECK_GNUTLS (gnutls_x509_crt_init (&crt));
  CHECK_GNUTLS (gnutls_x509_crt_set_version (crt, 3));
  CHECK_GNUTLS (gnutls_x509_crt_set_serial (crt, serial, sizeof serial));
  CHECK_GNUTLS (gnutls_x509_crt_set_activation_time (crt, now - 60));
  CHECK_GNUTLS (gnutls_x509_crt_set_expiration_time (crt, now + 3600));
  CHECK_GNUTLS (gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0,
                                               cn, strlen (cn)));
  CHECK_GNUTLS (gnutls_x509_crt_set_key (crt, key));
  CHECK_GNUTLS (gnutls_x509_crt_sign2 (crt, crt, key, GNUTLS_DIG_SHA256, 0));

  CHECK_GNUTLS (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM, &out));
  cert->pem = g_strndup ((const char *) out.data, out.size);
  gnutls_free (out.data);

  CHECK_GNUTLS (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_DER, &out));
  cert->der = g_memdup2 (out.data, out.size);
  cert->der_len = out.size;
  gnutls_free (out.data);

  gnutls_x509_crt_deinit (crt);
  gnutls_x509_privkey_deinit (key);

  return cert;
}

/* The baseline's reference computation, run by openssl itself. */
static char *
openssl_pin (const char *pem)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int fd;
  int status;
  const char *argv[] = {
    "/bin/sh", "-c",
    "set -e; openssl x509 -in \"$1\" -pubkey -noout | openssl pkey -pubin -outform der"
    " | openssl dgst -sha256 -binary | base64",
    "sh", NULL, NULL,
  };

  fd = g_file_open_tmp ("fd-test-pin-XXXXXX.pem", &path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fd, >=, 0);
  g_close (fd, NULL);
  g_file_set_contents (path, pem, -1, &error);
  g_assert_no_error (error);

  argv[4] = path;
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                &out, &err, &status, &error);
  g_unlink (path);
  g_assert_no_error (error);
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);

  g_strstrip (out);
  g_assert_cmpuint (strlen (out), ==, 44);
  return g_strconcat ("sha256:", out, NULL);
}

static void
test_pin_matches_openssl (void)
{
  for (guint round = 0; round < 3; round++)
    {
      g_autoptr(TestCert) cert = make_cert ();
      g_autoptr(GError) error = NULL;
      g_autofree char *expected = openssl_pin (cert->pem);
      g_autofree char *from_pem = NULL;
      g_autofree char *from_der = NULL;

      from_pem = fd_pin_from_pem (cert->pem, strlen (cert->pem), &error);
      g_assert_no_error (error);
      g_assert_cmpstr (from_pem, ==, expected);

      from_der = fd_pin_from_der (cert->der, cert->der_len, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (from_der, ==, expected);

      g_assert_true (fd_pin_is_valid (from_pem));
      g_assert_true (fd_pin_equal (from_pem, expected));
    }
}

static void
test_pin_distinct_keys (void)
{
  g_autoptr(TestCert) a = make_cert ();
  g_autoptr(TestCert) b = make_cert ();
  g_autofree char *pin_a = fd_pin_from_der (a->der, a->der_len, NULL);
  g_autofree char *pin_b = fd_pin_from_der (b->der, b->der_len, NULL);

  g_assert_nonnull (pin_a);
  g_assert_nonnull (pin_b);
  g_assert_cmpstr (pin_a, !=, pin_b);
  g_assert_false (fd_pin_equal (pin_a, pin_b));
}

/* Takes the error by address: it is read only after the call that set it. */
static void
assert_tls_error (char    *pin,
                  GError **error)
{
  g_assert_null (pin);
  g_assert_error (*error, FD_ERROR, FD_ERROR_TLS);
  g_clear_error (error);
}

static void
test_pin_bad_input (void)
{
  g_autoptr(TestCert) cert = make_cert ();
  static const guint8 garbage[] = { 0x30, 0x82, 0x01, 0x00, 0xde, 0xad, 0xbe, 0xef };
  g_autofree char *truncated_pem = NULL;
  g_autofree char *broken_pem = NULL;
  g_autofree guint8 *random_der = g_malloc (4096);
  const char *not_pem = "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n"
                        "-----END CERTIFICATE-----\n";
  GError *error = NULL;

  for (guint i = 0; i < 4096; i++)
    random_der[i] = (guint8) g_random_int_range (0, 256);

  assert_tls_error (fd_pin_from_der (NULL, 0, &error), &error);
  assert_tls_error (fd_pin_from_der (garbage, 0, &error), &error);
  assert_tls_error (fd_pin_from_der (garbage, sizeof garbage, &error), &error);
  assert_tls_error (fd_pin_from_der (random_der, 4096, &error), &error);
  assert_tls_error (fd_pin_from_der (cert->der, cert->der_len / 2, &error), &error);
  /* PEM text is not DER. */
  assert_tls_error (fd_pin_from_der ((const guint8 *) cert->pem, strlen (cert->pem), &error),
                    &error);

  assert_tls_error (fd_pin_from_pem (NULL, 0, &error), &error);
  assert_tls_error (fd_pin_from_pem ("", 0, &error), &error);
  assert_tls_error (fd_pin_from_pem (not_pem, strlen (not_pem), &error), &error);
  assert_tls_error (fd_pin_from_pem ("hello", 5, &error), &error);

  truncated_pem = g_strndup (cert->pem, strlen (cert->pem) / 2);
  assert_tls_error (fd_pin_from_pem (truncated_pem, strlen (truncated_pem), &error), &error);

  /* A flipped character inside the base64 body. */
  broken_pem = g_strdup (cert->pem);
  broken_pem[strlen ("-----BEGIN CERTIFICATE-----\n") + 2] = '!';
  assert_tls_error (fd_pin_from_pem (broken_pem, strlen (broken_pem), &error), &error);

  /* DER bytes handed to the PEM reader. */
  assert_tls_error (fd_pin_from_pem ((const char *) cert->der, cert->der_len, &error), &error);

  /* A NULL error is fine. */
  g_assert_null (fd_pin_from_pem ("hello", 5, NULL));
}

static void
test_pin_is_valid (void)
{
  g_autoptr(TestCert) cert = make_cert ();
  g_autofree char *pin = fd_pin_from_der (cert->der, cert->der_len, NULL);
  g_autofree char *upper = NULL;
  g_autofree char *trailing = NULL;
  /* base64 of 32 zero bytes and of 32 0xff bytes. */
  const char *zeros = "sha256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
  const char *ones = "sha256://////////////////////////////////////////8=";

  g_assert_true (fd_pin_is_valid (pin));
  g_assert_true (fd_pin_is_valid (zeros));
  g_assert_true (fd_pin_is_valid (ones));

  g_assert_false (fd_pin_is_valid (NULL));
  g_assert_false (fd_pin_is_valid (""));
  g_assert_false (fd_pin_is_valid ("sha256:"));
  g_assert_false (fd_pin_is_valid (pin + strlen ("sha256:")));
  g_assert_false (fd_pin_is_valid ("sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="));
  g_assert_false (fd_pin_is_valid ("sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="));
  /* One character short, one long, no padding, bad characters. */
  g_assert_false (fd_pin_is_valid ("sha256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="));
  g_assert_false (fd_pin_is_valid ("sha256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="));
  g_assert_false (fd_pin_is_valid ("sha256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
  g_assert_false (fd_pin_is_valid ("sha256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=="));
  g_assert_false (fd_pin_is_valid ("sha256:AAAAAAAAAAAAAAAAAAAAA-AAAAAAAAAAAAAAAAAAAAA="));
  g_assert_false (fd_pin_is_valid ("sha256:AAAAAAAAAAAAAAAAAAAAA AAAAAAAAAAAAAAAAAAAAA="));
  g_assert_false (fd_pin_is_valid ("sha256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA_="));
  /* 258 bits of text for 256 bits of hash: the spare bits must be zero. */
  g_assert_false (fd_pin_is_valid ("sha256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB="));
  g_assert_false (fd_pin_is_valid ("sha256://////////////////////////////////////////9="));

  upper = g_strdup (pin);
  memcpy (upper, "SHA256", 6);
  g_assert_false (fd_pin_is_valid (upper));

  trailing = g_strconcat (pin, "\n", NULL);
  g_assert_false (fd_pin_is_valid (trailing));
}

static void
test_pin_equal (void)
{
  g_autoptr(TestCert) cert = make_cert ();
  g_autofree char *pin = fd_pin_from_der (cert->der, cert->der_len, NULL);
  g_autofree char *copy = g_strdup (pin);
  g_autofree char *last_changed = g_strdup (pin);
  g_autofree char *first_changed = g_strdup (pin);
  gsize len = strlen (pin);

  last_changed[len - 2] = last_changed[len - 2] == 'A' ? 'E' : 'A';
  first_changed[7] = first_changed[7] == 'A' ? 'B' : 'A';

  g_assert_true (fd_pin_equal (pin, copy));
  g_assert_false (fd_pin_equal (pin, last_changed));
  g_assert_false (fd_pin_equal (pin, first_changed));
  g_assert_false (fd_pin_equal (pin, NULL));
  g_assert_false (fd_pin_equal (NULL, pin));
  g_assert_false (fd_pin_equal (NULL, NULL));
  g_assert_false (fd_pin_equal ("", ""));
  g_assert_false (fd_pin_equal ("garbage", "garbage"));
  g_assert_false (fd_pin_equal (pin, pin + 1));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gnutls_global_init ();

  g_test_add_func ("/fd/pin/matches-openssl", test_pin_matches_openssl);
  g_test_add_func ("/fd/pin/distinct-keys", test_pin_distinct_keys);
  g_test_add_func ("/fd/pin/bad-input", test_pin_bad_input);
  g_test_add_func ("/fd/pin/is-valid", test_pin_is_valid);
  g_test_add_func ("/fd/pin/equal", test_pin_equal);

  return g_test_run ();
}
