/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The demo CA and server certificate, made in-process, and the key-pair check. */

#include "config.h"

#include "fd-certs.h"

#include "fd-crypto.h"
#include "fd-error.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CA_COMMON_NAME   "Front Desk demo CA"
#define CA_LIFETIME      ((time_t) 10 * 365 * 24 * 60 * 60)
#define SERVER_LIFETIME  ((time_t) 825 * 24 * 60 * 60)
/* Back-date a little so a client whose clock runs slightly behind still
 * accepts a certificate made a moment ago; the total validity stays at
 * the lifetime (clients such as Apple's refuse server certs > 825 days). */
#define BACKDATE         ((time_t) 60 * 60)
#define SERIAL_SIZE      16

enum { FILE_CA, FILE_CA_KEY, FILE_SERVER, FILE_SERVER_KEY, N_FILES };

static const char * const file_names[N_FILES] = {
  "ca.pem", "ca-key.pem", "server.pem", "server-key.pem",
};

static gboolean
check_gnutls (int          ret,
              const char  *what,
              GError     **error)
{
  if (ret >= 0)
    return TRUE;

  g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL,
               "Certificate generation failed (%s): %s", what, gnutls_strerror (ret));
  return FALSE;
}

static gboolean
new_p256_key (gnutls_x509_privkey_t  *out,
              GError                **error)
{
  const unsigned int bits = GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1);
  gnutls_x509_privkey_t key = NULL;

  if (!check_gnutls (gnutls_x509_privkey_init (&key), "key init", error))
    return FALSE;

  if (!check_gnutls (gnutls_x509_privkey_generate (key, GNUTLS_PK_ECDSA, bits, 0),
                     "key generation", error))
    {
      gnutls_x509_privkey_deinit (key);
      return FALSE;
    }

  *out = key;
  return TRUE;
}

/* Common fields: version 3, random positive serial, validity, subject CN,
 * public key and subject key identifier. */
static gboolean
setup_crt (gnutls_x509_crt_t       crt,
           gnutls_x509_privkey_t   key,
           const char             *common_name,
           time_t                  lifetime,
           GError                **error)
{
  guint8 serial[SERIAL_SIZE];
  guint8 key_id[64];
  size_t key_id_size = sizeof key_id;
  time_t not_before = time (NULL) - BACKDATE;

  randombytes_buf (serial, sizeof serial);
  /* DER integers are signed: keep it positive and non-zero. */
  serial[0] = (serial[0] & 0x7f) | 0x01;

  return check_gnutls (gnutls_x509_crt_set_version (crt, 3), "version", error) &&
         check_gnutls (gnutls_x509_crt_set_serial (crt, serial, sizeof serial),
                       "serial", error) &&
         check_gnutls (gnutls_x509_crt_set_activation_time (crt, not_before),
                       "activation time", error) &&
         check_gnutls (gnutls_x509_crt_set_expiration_time (crt, not_before + lifetime),
                       "expiration time", error) &&
         check_gnutls (gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0,
                                                      common_name, strlen (common_name)),
                       "subject", error) &&
         check_gnutls (gnutls_x509_crt_set_key (crt, key), "public key", error) &&
         check_gnutls (gnutls_x509_crt_get_key_id (crt, GNUTLS_KEYID_USE_SHA1,
                                                   key_id, &key_id_size),
                       "key id", error) &&
         check_gnutls (gnutls_x509_crt_set_subject_key_id (crt, key_id, key_id_size),
                       "subject key id", error);
}

static gboolean
make_ca (gnutls_x509_crt_t      crt,
         gnutls_x509_privkey_t  key,
         GError               **error)
{
  return setup_crt (crt, key, CA_COMMON_NAME, CA_LIFETIME, error) &&
         check_gnutls (gnutls_x509_crt_set_basic_constraints (crt, 1, -1),
                       "basic constraints", error) &&
         check_gnutls (gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_KEY_CERT_SIGN |
                                                           GNUTLS_KEY_CRL_SIGN),
                       "key usage", error) &&
         check_gnutls (gnutls_x509_crt_sign2 (crt, crt, key, GNUTLS_DIG_SHA256, 0),
                       "CA signature", error);
}

/* An ASCII DNS name: dot-separated labels of letters, digits and inner
 * hyphens, 1-63 characters each, 253 at most in all. */
static gboolean
is_dns_name (const char *name)
{
  gsize label = 0;
  gsize len = strlen (name);

  if (len == 0 || len > 253)
    return FALSE;

  for (gsize i = 0; i < len; i++)
    {
      char c = name[i];

      if (c == '.')
        {
          if (label == 0 || name[i - 1] == '-')
            return FALSE;
          label = 0;
          continue;
        }

      if (!g_ascii_isalnum (c) && c != '-')
        return FALSE;
      if (c == '-' && label == 0)
        return FALSE;
      if (++label > 63)
        return FALSE;
    }

  return label > 0 && name[len - 1] != '-';
}

static gboolean
add_host (gnutls_x509_crt_t   crt,
          const char         *host,
          GError            **error)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (host);
  g_autofree char *ascii = NULL;

  if (address != NULL)
    {
      const guint8 *bytes = g_inet_address_to_bytes (address);
      gsize size = g_inet_address_get_native_size (address);

      return check_gnutls (gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_IPADDRESS,
                                                                 bytes, size,
                                                                 GNUTLS_FSAN_APPEND),
                           "IP subject alt name", error);
    }

  ascii = g_hostname_to_ascii (host);
  if (ascii == NULL || !is_dns_name (ascii))
    {
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                   "“%s” is neither an IP address nor a valid host name", host);
      return FALSE;
    }

  return check_gnutls (gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_DNSNAME,
                                                             ascii, strlen (ascii),
                                                             GNUTLS_FSAN_APPEND),
                       "DNS subject alt name", error);
}

static gboolean
make_server (gnutls_x509_crt_t        crt,
             gnutls_x509_privkey_t    key,
             gnutls_x509_crt_t        ca,
             gnutls_x509_privkey_t    ca_key,
             const char * const      *hosts,
             GError                 **error)
{
  guint8 ca_key_id[64];
  size_t ca_key_id_size = sizeof ca_key_id;
  unsigned int critical = 0;

  if (!setup_crt (crt, key, hosts[0], SERVER_LIFETIME, error))
    return FALSE;

  for (gsize i = 0; hosts[i] != NULL; i++)
    if (!add_host (crt, hosts[i], error))
      return FALSE;

  return check_gnutls (gnutls_x509_crt_set_basic_constraints (crt, 0, -1),
                       "basic constraints", error) &&
         check_gnutls (gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_DIGITAL_SIGNATURE),
                       "key usage", error) &&
         check_gnutls (gnutls_x509_crt_set_key_purpose_oid (crt, GNUTLS_KP_TLS_WWW_SERVER, 0),
                       "extended key usage", error) &&
         check_gnutls (gnutls_x509_crt_get_subject_key_id (ca, ca_key_id, &ca_key_id_size,
                                                           &critical),
                       "CA key id", error) &&
         check_gnutls (gnutls_x509_crt_set_authority_key_id (crt, ca_key_id, ca_key_id_size),
                       "authority key id", error) &&
         check_gnutls (gnutls_x509_crt_sign2 (crt, ca, ca_key, GNUTLS_DIG_SHA256, 0),
                       "server signature", error);
}

static gboolean
export_crt (gnutls_x509_crt_t   crt,
            gnutls_datum_t     *out,
            GError            **error)
{
  return check_gnutls (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM, out),
                       "certificate export", error);
}

static gboolean
export_key (gnutls_x509_privkey_t   key,
            gnutls_datum_t         *out,
            GError                **error)
{
  return check_gnutls (gnutls_x509_privkey_export2_pkcs8 (key, GNUTLS_X509_FMT_PEM, NULL,
                                                          GNUTLS_PKCS_PLAIN, out),
                       "key export", error);
}

static void
datum_wipe (gnutls_datum_t *datum)
{
  if (datum->data != NULL)
    {
      sodium_memzero (datum->data, datum->size);
      gnutls_free (datum->data);
    }
  datum->data = NULL;
  datum->size = 0;
}

/* Creates @path exclusively (never follows or replaces anything). */
static gboolean
write_new_file (const char            *path,
                const gnutls_datum_t  *data,
                mode_t                 mode,
                GError               **error)
{
  const guint8 *p = data->data;
  gsize left = data->size;
  int saved_errno = 0;
  int fd;

  fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
  if (fd < 0)
    {
      saved_errno = errno;
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                   "Cannot create %s: %s", path, g_strerror (saved_errno));
      return FALSE;
    }

  while (left > 0)
    {
      ssize_t n = write (fd, p, left);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          saved_errno = n < 0 ? errno : EIO;
          break;
        }
      p += n;
      left -= (gsize) n;
    }

  if (left == 0 && fsync (fd) != 0)
    saved_errno = errno;
  if (close (fd) != 0 && saved_errno == 0)
    saved_errno = errno;

  if (left != 0 || saved_errno != 0)
    {
      unlink (path);
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                   "Cannot write %s: %s", path, g_strerror (saved_errno ? saved_errno : EIO));
      return FALSE;
    }

  return TRUE;
}

static gboolean
generate (char               **paths,
          const char * const  *hosts,
          GError             **error)
{
  gnutls_x509_privkey_t ca_key = NULL;
  gnutls_x509_privkey_t server_key = NULL;
  gnutls_x509_crt_t ca = NULL;
  gnutls_x509_crt_t server = NULL;
  gnutls_datum_t pem[N_FILES] = { { NULL, 0 } };
  static const mode_t modes[N_FILES] = { 0644, 0600, 0644, 0600 };
  gboolean written[N_FILES] = { FALSE };
  gboolean ok = FALSE;

  if (!new_p256_key (&ca_key, error) ||
      !new_p256_key (&server_key, error))
    goto out;

  if (!check_gnutls (gnutls_x509_crt_init (&ca), "certificate init", error) ||
      !check_gnutls (gnutls_x509_crt_init (&server), "certificate init", error))
    goto out;

  if (!make_ca (ca, ca_key, error) ||
      !make_server (server, server_key, ca, ca_key, hosts, error))
    goto out;

  if (!export_crt (ca, &pem[FILE_CA], error) ||
      !export_key (ca_key, &pem[FILE_CA_KEY], error) ||
      !export_crt (server, &pem[FILE_SERVER], error) ||
      !export_key (server_key, &pem[FILE_SERVER_KEY], error))
    goto out;

  /* Private keys first, so a failure never leaves a usable half set. */
  {
    static const int order[N_FILES] = { FILE_CA_KEY, FILE_SERVER_KEY, FILE_CA, FILE_SERVER };

    for (int i = 0; i < N_FILES; i++)
      {
        int f = order[i];

        if (!write_new_file (paths[f], &pem[f], modes[f], error))
          goto out;
        written[f] = TRUE;
      }
  }

  ok = TRUE;

out:
  if (!ok)
    {
      for (int i = 0; i < N_FILES; i++)
        if (written[i])
          unlink (paths[i]);
    }

  for (int i = 0; i < N_FILES; i++)
    datum_wipe (&pem[i]);
  g_clear_pointer (&server, gnutls_x509_crt_deinit);
  g_clear_pointer (&ca, gnutls_x509_crt_deinit);
  g_clear_pointer (&server_key, gnutls_x509_privkey_deinit);
  g_clear_pointer (&ca_key, gnutls_x509_privkey_deinit);

  return ok;
}

gboolean
fd_certs_ensure_demo (const char          *dir,
                      const char * const  *hosts,
                      GError             **error)
{
  g_autoptr(GString) present = g_string_new (NULL);
  g_autoptr(GString) missing = g_string_new (NULL);
  char *paths[N_FILES + 1] = { NULL };
  struct stat st;
  guint n_present = 0;
  gboolean ok = FALSE;

  g_return_val_if_fail (dir != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (hosts == NULL || hosts[0] == NULL)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                   "No host names given for the demo server certificate");
      return FALSE;
    }

  for (gsize i = 0; hosts[i] != NULL; i++)
    {
      g_autoptr(GInetAddress) address = NULL;
      g_autofree char *ascii = NULL;

      if (hosts[i][0] == '\0' || !g_utf8_validate (hosts[i], -1, NULL))
        {
          g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                       "Empty or invalid host name for the demo server certificate");
          return FALSE;
        }

      address = g_inet_address_new_from_string (hosts[i]);
      if (address == NULL)
        ascii = g_hostname_to_ascii (hosts[i]);
      if (address == NULL && (ascii == NULL || !is_dns_name (ascii)))
        {
          g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                       "“%s” is neither an IP address nor a valid host name", hosts[i]);
          return FALSE;
        }
    }

  if (stat (dir, &st) != 0 || !S_ISDIR (st.st_mode))
    {
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                   "Certificate directory %s does not exist", dir);
      return FALSE;
    }

  if (!fd_crypto_init (error))
    return FALSE;

  for (int i = 0; i < N_FILES; i++)
    {
      GString *list;

      paths[i] = g_build_filename (dir, file_names[i], NULL);
      if (lstat (paths[i], &st) == 0)
        {
          n_present++;
          list = present;
        }
      else
        list = missing;

      g_string_append_printf (list, "%s%s", list->len ? ", " : "", file_names[i]);
    }

  if (n_present == N_FILES)
    {
      ok = TRUE;
      goto out;
    }

  if (n_present > 0)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                   "Certificate directory %s holds %s but not %s; remove the rest or "
                   "supply all four files", dir, present->str, missing->str);
      goto out;
    }

  ok = generate (paths, hosts, error);

out:
  for (int i = 0; i < N_FILES; i++)
    g_free (paths[i]);

  return ok;
}

/* Reads @path into @out (gnutls_free()d by datum_wipe()). */
static gboolean
read_datum (const char      *path,
            const char      *what,
            gnutls_datum_t  *out,
            GError         **error)
{
  g_autoptr(GError) local_error = NULL;
  char *contents = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &contents, &len, &local_error))
    {
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG, "Cannot read the %s: %s", what,
                   local_error->message);
      return FALSE;
    }
  out->data = gnutls_malloc (len + 1);
  memcpy (out->data, contents, len + 1);
  out->size = len;
  sodium_memzero (contents, len);
  g_free (contents);
  return TRUE;
}

gboolean
fd_certs_check_pair (const char  *cert_path,
                     const char  *key_path,
                     GError     **error)
{
  gnutls_datum_t cert_pem = { NULL, 0 };
  gnutls_datum_t key_pem = { NULL, 0 };
  gnutls_x509_crt_t *crts = NULL;
  unsigned int n_crts = 0;
  gnutls_x509_privkey_t key = NULL;
  guint8 cert_id[64], key_id[64];
  size_t cert_id_size = sizeof cert_id, key_id_size = sizeof key_id;
  gboolean ok = FALSE;
  int ret;

  g_return_val_if_fail (cert_path != NULL && key_path != NULL, FALSE);

  if (!fd_crypto_init (error) ||
      !read_datum (cert_path, "TLS certificate", &cert_pem, error) ||
      !read_datum (key_path, "TLS private key", &key_pem, error))
    goto out;

  ret = gnutls_x509_crt_list_import2 (&crts, &n_crts, &cert_pem, GNUTLS_X509_FMT_PEM, 0);
  if (ret < 0 || n_crts == 0)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                   "The TLS certificate %s holds no PEM certificate: %s", cert_path,
                   ret < 0 ? gnutls_strerror (ret) : "empty");
      goto out;
    }
  ret = gnutls_x509_privkey_init (&key);
  if (ret >= 0)
    ret = gnutls_x509_privkey_import2 (key, &key_pem, GNUTLS_X509_FMT_PEM, NULL, 0);
  if (ret < 0)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                   "The TLS private key %s is not an unencrypted PEM private key: %s",
                   key_path, gnutls_strerror (ret));
      goto out;
    }
  /* Both identifiers are the SHA-256 of the SubjectPublicKeyInfo. */
  ret = gnutls_x509_crt_get_key_id (crts[0], GNUTLS_KEYID_USE_SHA256, cert_id, &cert_id_size);
  if (ret >= 0)
    ret = gnutls_x509_privkey_get_key_id (key, GNUTLS_KEYID_USE_SHA256, key_id, &key_id_size);
  if (ret < 0)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                   "Cannot compare the TLS certificate %s with its private key %s: %s",
                   cert_path, key_path, gnutls_strerror (ret));
      goto out;
    }
  if (cert_id_size != key_id_size || memcmp (cert_id, key_id, cert_id_size) != 0)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                   "The TLS certificate %s does not match the private key %s (the "
                   "certificate's public key is not this key's), so every TLS handshake would "
                   "fail. Refusing to start; install the certificate issued for this key, or "
                   "the key this certificate was issued for",
                   cert_path, key_path);
      goto out;
    }
  ok = TRUE;

out:
  for (unsigned int i = 0; i < n_crts; i++)
    gnutls_x509_crt_deinit (crts[i]);
  gnutls_free (crts);
  g_clear_pointer (&key, gnutls_x509_privkey_deinit);
  datum_wipe (&cert_pem);
  datum_wipe (&key_pem);
  return ok;
}
