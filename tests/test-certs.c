/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests the demo CA and server certificate. */

#include "config.h"

#include "fd-certs.h"
#include "fd-crypto.h"
#include "fd-error.h"

#include <gio/gio.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char * const default_hosts[] = { "localhost", "127.0.0.1", "::1",
                                              "frontdesk.office.lan", NULL };

typedef struct
{
  char *dir;
} Fixture;

static char *
file_in (Fixture    *fixture,
         const char *name)
{
  return g_build_filename (fixture->dir, name, NULL);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("fd-test-certs-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(GDir) dir = g_dir_open (fixture->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
      g_assert_cmpint (unlink (path), ==, 0);
    }
  g_assert_cmpint (rmdir (fixture->dir), ==, 0);
  g_free (fixture->dir);
}

static void
ensure (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  mode_t old_umask;
  gboolean ok;

  /* A permissive umask must not make the keys readable by others. */
  old_umask = umask (0);
  ok = fd_certs_ensure_demo (fixture->dir, default_hosts, &error);
  umask (old_umask);

  g_assert_no_error (error);
  g_assert_true (ok);
}

static gnutls_x509_crt_t
load_crt (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *pem = NULL;
  gsize len = 0;
  gnutls_x509_crt_t crt;
  gnutls_datum_t datum;

  g_file_get_contents (path, &pem, &len, &error);
  g_assert_no_error (error);

  datum.data = (unsigned char *) pem;
  datum.size = (unsigned int) len;
  g_assert_cmpint (gnutls_x509_crt_init (&crt), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_PEM), ==, 0);

  return crt;
}

static void
test_files_and_modes (Fixture       *fixture,
                      gconstpointer  user_data)
{
  const char *keys[] = { "ca-key.pem", "server-key.pem" };
  const char *certs[] = { "ca.pem", "server.pem" };

  ensure (fixture);

  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autofree char *path = file_in (fixture, keys[i]);
      g_autofree char *pem = NULL;
      struct stat st;

      g_assert_cmpint (lstat (path, &st), ==, 0);
      g_assert_true (S_ISREG (st.st_mode));
      g_assert_cmpint (st.st_mode & 07777, ==, 0600);
      g_assert_true (g_file_get_contents (path, &pem, NULL, NULL));
      g_assert_true (g_str_has_prefix (pem, "-----BEGIN PRIVATE KEY-----"));
    }

  for (gsize i = 0; i < G_N_ELEMENTS (certs); i++)
    {
      g_autofree char *path = file_in (fixture, certs[i]);
      g_autofree char *pem = NULL;
      struct stat st;

      g_assert_cmpint (lstat (path, &st), ==, 0);
      g_assert_cmpint (st.st_mode & 077, ==, 044);
      g_assert_cmpint (st.st_mode & 0022, ==, 0);
      g_assert_true (g_file_get_contents (path, &pem, NULL, NULL));
      g_assert_true (g_str_has_prefix (pem, "-----BEGIN CERTIFICATE-----"));
      g_assert_null (strstr (pem, "PRIVATE KEY"));
    }
}

static void
test_chain_gnutls (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autofree char *ca_path = file_in (fixture, "ca.pem");
  g_autofree char *server_path = file_in (fixture, "server.pem");
  gnutls_x509_crt_t ca, server;
  unsigned int status = 0xffff;
  unsigned int critical = 0, ca_flag = 0, usage = 0;
  int pathlen = 0;
  char cn[256];
  size_t cn_size = sizeof cn;
  char oid[128];
  size_t oid_size = sizeof oid;
  time_t now = time (NULL);

  ensure (fixture);
  ca = load_crt (ca_path);
  server = load_crt (server_path);

  g_assert_cmpint (gnutls_x509_crt_verify (server, &ca, 1, 0, &status), ==, 0);
  g_assert_cmpuint (status, ==, 0);
  g_assert_true (gnutls_x509_crt_check_issuer (server, ca));

  /* The CA verifies itself; the server certificate is not a CA. */
  status = 0xffff;
  g_assert_cmpint (gnutls_x509_crt_verify (ca, &ca, 1, 0, &status), ==, 0);
  g_assert_cmpuint (status, ==, 0);

  /* CA extensions. */
  g_assert_cmpint (gnutls_x509_crt_get_dn_by_oid (ca, GNUTLS_OID_X520_COMMON_NAME, 0, 0,
                                                  cn, &cn_size), ==, 0);
  g_assert_cmpstr (cn, ==, "Front Desk demo CA");
  g_assert_cmpint (gnutls_x509_crt_get_basic_constraints (ca, &critical, &ca_flag, &pathlen),
                   >=, 0);
  g_assert_true (critical);
  g_assert_true (ca_flag);
  g_assert_cmpint (gnutls_x509_crt_get_key_usage (ca, &usage, &critical), >=, 0);
  g_assert_cmpuint (usage, ==, GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN);
  g_assert_cmpint (gnutls_x509_crt_get_pk_algorithm (ca, NULL), ==, GNUTLS_PK_ECDSA);
  g_assert_cmpint (gnutls_x509_crt_get_signature_algorithm (ca), ==, GNUTLS_SIGN_ECDSA_SHA256);
  g_assert_cmpint (gnutls_x509_crt_get_expiration_time (ca) -
                   gnutls_x509_crt_get_activation_time (ca), ==, (gint64) 3650 * 86400);
  g_assert_cmpint (gnutls_x509_crt_get_activation_time (ca), <=, now);
  g_assert_cmpint (gnutls_x509_crt_get_activation_time (ca), >, now - 2 * 3600);

  /* Server extensions. */
  cn_size = sizeof cn;
  g_assert_cmpint (gnutls_x509_crt_get_dn_by_oid (server, GNUTLS_OID_X520_COMMON_NAME, 0, 0,
                                                  cn, &cn_size), ==, 0);
  g_assert_cmpstr (cn, ==, "localhost");
  g_assert_cmpint (gnutls_x509_crt_get_basic_constraints (server, &critical, &ca_flag,
                                                          &pathlen), >=, 0);
  g_assert_false (ca_flag);
  g_assert_cmpint (gnutls_x509_crt_get_key_usage (server, &usage, &critical), >=, 0);
  g_assert_cmpuint (usage, ==, GNUTLS_KEY_DIGITAL_SIGNATURE);
  g_assert_cmpint (gnutls_x509_crt_get_key_purpose_oid (server, 0, oid, &oid_size, &critical),
                   >=, 0);
  g_assert_cmpstr (oid, ==, GNUTLS_KP_TLS_WWW_SERVER);
  g_assert_cmpint (gnutls_x509_crt_get_pk_algorithm (server, NULL), ==, GNUTLS_PK_ECDSA);
  g_assert_cmpint (gnutls_x509_crt_get_signature_algorithm (server), ==,
                   GNUTLS_SIGN_ECDSA_SHA256);
  /* Total validity at most 825 days, as strict clients demand. */
  g_assert_cmpint (gnutls_x509_crt_get_expiration_time (server) -
                   gnutls_x509_crt_get_activation_time (server), ==, (gint64) 825 * 86400);
  g_assert_cmpint (gnutls_x509_crt_get_activation_time (server), <=, now);
  g_assert_cmpint (gnutls_x509_crt_get_activation_time (server), >, now - 2 * 3600);

  /* Authority key id of the server equals the CA's subject key id. */
  {
    guint8 skid[64], akid[64];
    size_t skid_size = sizeof skid, akid_size = sizeof akid;

    g_assert_cmpint (gnutls_x509_crt_get_subject_key_id (ca, skid, &skid_size, &critical),
                     ==, 0);
    g_assert_cmpint (gnutls_x509_crt_get_authority_key_id (server, akid, &akid_size,
                                                           &critical), ==, 0);
    g_assert_cmpmem (skid, skid_size, akid, akid_size);
  }

  gnutls_x509_crt_deinit (server);
  gnutls_x509_crt_deinit (ca);
}

static void
test_san (Fixture       *fixture,
          gconstpointer  user_data)
{
  g_autofree char *server_path = file_in (fixture, "server.pem");
  gnutls_x509_crt_t server;
  gboolean has_localhost = FALSE, has_lan = FALSE, has_v4 = FALSE, has_v6 = FALSE;
  const guint8 loopback4[4] = { 127, 0, 0, 1 };
  guint8 loopback6[16] = { 0 };
  const guint8 other4[4] = { 127, 0, 0, 2 };

  loopback6[15] = 1;

  ensure (fixture);
  server = load_crt (server_path);

  for (unsigned int i = 0; ; i++)
    {
      guint8 san[256];
      size_t san_size = sizeof san;
      int type = gnutls_x509_crt_get_subject_alt_name (server, i, san, &san_size, NULL);

      if (type == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
        break;
      g_assert_cmpint (type, >=, 0);

      if (type == GNUTLS_SAN_DNSNAME && san_size == 9 && memcmp (san, "localhost", 9) == 0)
        has_localhost = TRUE;
      else if (type == GNUTLS_SAN_DNSNAME && san_size == 20 &&
               memcmp (san, "frontdesk.office.lan", 20) == 0)
        has_lan = TRUE;
      else if (type == GNUTLS_SAN_IPADDRESS && san_size == 4 &&
               memcmp (san, loopback4, 4) == 0)
        has_v4 = TRUE;
      else if (type == GNUTLS_SAN_IPADDRESS && san_size == 16 &&
               memcmp (san, loopback6, 16) == 0)
        has_v6 = TRUE;
      else
        g_error ("unexpected SAN entry %u of type %d", i, type);
    }

  g_assert_true (has_localhost);
  g_assert_true (has_lan);
  g_assert_true (has_v4);
  g_assert_true (has_v6);

  g_assert_true (gnutls_x509_crt_check_hostname (server, "localhost"));
  g_assert_true (gnutls_x509_crt_check_hostname (server, "frontdesk.office.lan"));
  g_assert_false (gnutls_x509_crt_check_hostname (server, "example.com"));
  g_assert_true (gnutls_x509_crt_check_ip (server, loopback4, 4, 0));
  g_assert_true (gnutls_x509_crt_check_ip (server, loopback6, 16, 0));
  g_assert_false (gnutls_x509_crt_check_ip (server, other4, 4, 0));

  gnutls_x509_crt_deinit (server);
}

static GTlsCertificateFlags
glib_verify (const char      *server_pem,
             const char      *server_key,
             const char      *ca_pem,
             const char      *host)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) cert = NULL;
  g_autoptr(GTlsCertificate) ca = NULL;
  g_autoptr(GSocketConnectable) identity = NULL;

  cert = g_tls_certificate_new_from_files (server_pem, server_key, &error);
  g_assert_no_error (error);
  g_assert_nonnull (cert);

  ca = g_tls_certificate_new_from_file (ca_pem, &error);
  g_assert_no_error (error);

  identity = g_network_address_new (host, 443);

  return g_tls_certificate_verify (cert, identity, ca);
}

static void
test_glib_accepts (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autofree char *ca = file_in (fixture, "ca.pem");
  g_autofree char *server = file_in (fixture, "server.pem");
  g_autofree char *key = file_in (fixture, "server-key.pem");
  g_autofree char *ca_key = file_in (fixture, "ca-key.pem");

  ensure (fixture);

  g_assert_cmpuint (glib_verify (server, key, ca, "localhost"), ==, 0);
  g_assert_cmpuint (glib_verify (server, key, ca, "127.0.0.1"), ==, 0);
  g_assert_cmpuint (glib_verify (server, key, ca, "example.com"), ==,
                    G_TLS_CERTIFICATE_BAD_IDENTITY);

  /* The CA's own key pairs with the CA certificate too. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GTlsCertificate) cert = g_tls_certificate_new_from_files (ca, ca_key, &error);

    g_assert_no_error (error);
    g_assert_nonnull (cert);
  }
}

static void
test_other_ca_rejected (Fixture       *fixture,
                        gconstpointer  user_data)
{
  Fixture other;
  g_autofree char *server = file_in (fixture, "server.pem");
  g_autofree char *key = file_in (fixture, "server-key.pem");
  g_autofree char *other_ca = NULL;
  gnutls_x509_crt_t server_crt, other_crt;
  unsigned int status = 0;

  ensure (fixture);
  fixture_setup (&other, NULL);
  ensure (&other);
  other_ca = file_in (&other, "ca.pem");

  /* Each run makes a fresh CA: a server cert from one is not trusted by another. */
  g_assert_cmpuint (glib_verify (server, key, other_ca, "localhost") &
                    G_TLS_CERTIFICATE_UNKNOWN_CA, ==, G_TLS_CERTIFICATE_UNKNOWN_CA);

  server_crt = load_crt (server);
  other_crt = load_crt (other_ca);
  g_assert_cmpint (gnutls_x509_crt_verify (server_crt, &other_crt, 1, 0, &status), ==, 0);
  g_assert_cmpuint (status & GNUTLS_CERT_INVALID, ==, GNUTLS_CERT_INVALID);
  gnutls_x509_crt_deinit (server_crt);
  gnutls_x509_crt_deinit (other_crt);

  fixture_teardown (&other, NULL);
}

static void
test_openssl_verify (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *ca = file_in (fixture, "ca.pem");
  g_autofree char *server = file_in (fixture, "server.pem");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *argv[] = { "openssl", "verify", "-purpose", "sslserver",
                         "-verify_hostname", "localhost", "-verify_ip", "127.0.0.1",
                         "-CAfile", ca, server, NULL };
  int status = -1;

  ensure (fixture);

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("openssl verify failed: %s%s", out, err);
  g_assert_nonnull (strstr (out, ": OK"));
}

static void
test_idempotent (Fixture       *fixture,
                 gconstpointer  user_data)
{
  const char *names[] = { "ca.pem", "ca-key.pem", "server.pem", "server-key.pem" };
  char *before[G_N_ELEMENTS (names)];
  const char * const other_hosts[] = { "other.example", NULL };

  ensure (fixture);

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = file_in (fixture, names[i]);
      g_assert_true (g_file_get_contents (path, &before[i], NULL, NULL));
    }

  /* All four exist: nothing changes, even with other hosts. */
  {
    g_autoptr(GError) error = NULL;

    g_assert_true (fd_certs_ensure_demo (fixture->dir, other_hosts, &error));
    g_assert_no_error (error);
  }

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = file_in (fixture, names[i]);
      g_autofree char *after = NULL;

      g_assert_true (g_file_get_contents (path, &after, NULL, NULL));
      g_assert_cmpstr (before[i], ==, after);
      explicit_bzero (before[i], strlen (before[i]));
      g_free (before[i]);
    }
}

static void
test_partial_refused (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *server = file_in (fixture, "server.pem");
  g_autofree char *server_key = file_in (fixture, "server-key.pem");

  ensure (fixture);
  g_assert_cmpint (unlink (server), ==, 0);

  g_assert_false (fd_certs_ensure_demo (fixture->dir, default_hosts, &error));
  g_assert_error (error, FD_ERROR, FD_ERROR_CONFIG);
  g_assert_nonnull (strstr (error->message, "server.pem"));
  /* Nothing was made or removed. */
  g_assert_false (g_file_test (server, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (server_key, G_FILE_TEST_EXISTS));
}

static void
test_bad_input (Fixture       *fixture,
                gconstpointer  user_data)
{
  const char * const no_hosts[] = { NULL };
  const char * const empty_host[] = { "localhost", "", NULL };
  const char * const bad_host[] = { "localhost", "bad host/name", NULL };
  g_autofree char *missing_dir = file_in (fixture, "missing");
  g_autoptr(GDir) dir = NULL;

  {
    g_autoptr(GError) error = NULL;

    g_assert_false (fd_certs_ensure_demo (fixture->dir, NULL, &error));
    g_assert_error (error, FD_ERROR, FD_ERROR_CONFIG);
  }
  {
    g_autoptr(GError) error = NULL;

    g_assert_false (fd_certs_ensure_demo (fixture->dir, no_hosts, &error));
    g_assert_error (error, FD_ERROR, FD_ERROR_CONFIG);
  }
  {
    g_autoptr(GError) error = NULL;

    g_assert_false (fd_certs_ensure_demo (fixture->dir, empty_host, &error));
    g_assert_error (error, FD_ERROR, FD_ERROR_CONFIG);
  }
  {
    g_autoptr(GError) error = NULL;

    g_assert_false (fd_certs_ensure_demo (fixture->dir, bad_host, &error));
    g_assert_error (error, FD_ERROR, FD_ERROR_CONFIG);
  }
  {
    g_autoptr(GError) error = NULL;

    g_assert_false (fd_certs_ensure_demo (missing_dir, default_hosts, &error));
    g_assert_error (error, FD_ERROR, FD_ERROR_CONFIG);
  }

  /* Failures leave no files behind. */
  dir = g_dir_open (fixture->dir, 0, NULL);
  g_assert_nonnull (dir);
  g_assert_null (g_dir_read_name (dir));
}

static void
test_ip_first (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  const char * const hosts[] = { "192.168.10.5", NULL };
  g_autofree char *ca = file_in (fixture, "ca.pem");
  g_autofree char *server = file_in (fixture, "server.pem");
  g_autofree char *key = file_in (fixture, "server-key.pem");

  g_assert_true (fd_certs_ensure_demo (fixture->dir, hosts, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (glib_verify (server, key, ca, "192.168.10.5"), ==, 0);
  g_assert_cmpuint (glib_verify (server, key, ca, "localhost"), ==,
                    G_TLS_CERTIFICATE_BAD_IDENTITY);
}

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;

  g_test_init (&argc, &argv, NULL);
  g_assert_true (fd_crypto_init (&error));

  ADD ("/fd/certs/files-and-modes", test_files_and_modes);
  ADD ("/fd/certs/chain-gnutls", test_chain_gnutls);
  ADD ("/fd/certs/san", test_san);
  ADD ("/fd/certs/glib-accepts", test_glib_accepts);
  ADD ("/fd/certs/other-ca-rejected", test_other_ca_rejected);
  ADD ("/fd/certs/openssl-verify", test_openssl_verify);
  ADD ("/fd/certs/idempotent", test_idempotent);
  ADD ("/fd/certs/partial-refused", test_partial_refused);
  ADD ("/fd/certs/bad-input", test_bad_input);
  ADD ("/fd/certs/ip-first", test_ip_first);

  return g_test_run ();
}
