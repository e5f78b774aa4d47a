/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Encryption at rest, blind indexes, MACs and password hashing. */

#include "config.h"

#include "fd-crypto.h"

#include "fd-error.h"

#include <errno.h>
#include <fcntl.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#define FD_KEY_FILE_SIZE   64
#define FD_KEY_PART_SIZE   32
#define FD_BLOB_VERSION    0x01
#define FD_NONCE_SIZE      12
#define FD_TAG_SIZE        16
#define FD_BLOB_OVERHEAD   (1 + FD_NONCE_SIZE + FD_TAG_SIZE)
#define FD_PASSWORD_MAX    1024

/* The whole struct lives in sodium_malloc'd memory: guard pages, locked
 * where the system allows, wiped by sodium_free. */
struct _FdKeys
{
  guint8 data_key[FD_KEY_PART_SIZE];   /* AES-256-GCM */
  guint8 index_key[FD_KEY_PART_SIZE];  /* HMAC-SHA-256 */
};

G_STATIC_ASSERT (sizeof (struct _FdKeys) == FD_KEY_FILE_SIZE);

static gboolean init_ok;
static char *init_message;

static gpointer
crypto_init_once (gpointer data)
{
  int ret;

  if (sodium_init () < 0)
    {
      init_message = g_strdup ("libsodium failed to initialise");
      return NULL;
    }

  ret = gnutls_global_init ();
  if (ret < 0)
    {
      init_message = g_strdup_printf ("GnuTLS failed to initialise: %s",
                                      gnutls_strerror (ret));
      return NULL;
    }

  init_ok = TRUE;
  return NULL;
}

gboolean
fd_crypto_init (GError **error)
{
  static GOnce once = G_ONCE_INIT;

  g_once (&once, crypto_init_once, NULL);

  if (!init_ok)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL, "%s",
                   init_message ? init_message : "crypto initialisation failed");
      return FALSE;
    }

  return TRUE;
}

/* Key file */

static gboolean
write_all (int           fd,
           const guint8 *data,
           gsize         len)
{
  while (len > 0)
    {
      ssize_t n = write (fd, data, len);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          return FALSE;
        }
      data += n;
      len -= (gsize) n;
    }

  return TRUE;
}

static gboolean
create_key_file (const char  *path,
                 GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  guint8 *material;
  int fd;
  int saved_errno;
  gboolean ok;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      saved_errno = errno;
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                   "Cannot create the directory for key file %s: %s",
                   path, g_strerror (saved_errno));
      return FALSE;
    }

  fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      saved_errno = errno;
      /* Somebody else made it in the meantime: load theirs. */
      if (saved_errno == EEXIST)
        return TRUE;
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                   "Cannot create key file %s: %s", path, g_strerror (saved_errno));
      return FALSE;
    }

  material = sodium_malloc (FD_KEY_FILE_SIZE);
  if (material == NULL)
    {
      close (fd);
      unlink (path);
      g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL,
                   "Out of secure memory while creating key file %s", path);
      return FALSE;
    }

  randombytes_buf (material, FD_KEY_FILE_SIZE);
  ok = write_all (fd, material, FD_KEY_FILE_SIZE) && fsync (fd) == 0;
  saved_errno = errno;
  sodium_free (material);

  if (close (fd) != 0 && ok)
    {
      ok = FALSE;
      saved_errno = errno;
    }

  if (!ok)
    {
      unlink (path);
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                   "Cannot write key file %s: %s", path, g_strerror (saved_errno));
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_key_stat (const char         *path,
                const struct stat  *st,
                GError            **error)
{
  if (S_ISLNK (st->st_mode))
    {
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                   "Key file %s is a symbolic link; refusing it", path);
      return FALSE;
    }

  if (!S_ISREG (st->st_mode))
    {
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                   "Key file %s is not a regular file", path);
      return FALSE;
    }

  if ((st->st_mode & 077) != 0)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                   "Key file %s has mode %04o; it must not be accessible to group or "
                   "others (chmod 600)", path, (guint) (st->st_mode & 07777));
      return FALSE;
    }

  if (st->st_size != FD_KEY_FILE_SIZE)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                   "Key file %s has %" G_GINT64_FORMAT " bytes; it must hold exactly %d",
                   path, (gint64) st->st_size, FD_KEY_FILE_SIZE);
      return FALSE;
    }

  return TRUE;
}

FdKeys *
fd_keys_load (const char  *path,
              gboolean     create,
              GError     **error)
{
  struct stat st;
  FdKeys *keys;
  gsize got = 0;
  int saved_errno;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!fd_crypto_init (error))
    return NULL;

  if (lstat (path, &st) != 0)
    {
      saved_errno = errno;
      if (saved_errno == ENOENT && create)
        {
          if (!create_key_file (path, error))
            return NULL;
          if (lstat (path, &st) != 0)
            {
              saved_errno = errno;
              g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                           "Cannot read key file %s: %s", path, g_strerror (saved_errno));
              return NULL;
            }
        }
      else
        {
          g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                       "Cannot read key file %s: %s", path, g_strerror (saved_errno));
          return NULL;
        }
    }

  if (!check_key_stat (path, &st, error))
    return NULL;

  /* Check again on the descriptor we read from, so a file swapped in
   * between lstat() and open() is not trusted. */
  fd = open (path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    {
      saved_errno = errno;
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                   "Cannot open key file %s: %s", path,
                   saved_errno == ELOOP ? "it is a symbolic link" : g_strerror (saved_errno));
      return NULL;
    }

  if (fstat (fd, &st) != 0)
    {
      saved_errno = errno;
      close (fd);
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                   "Cannot read key file %s: %s", path, g_strerror (saved_errno));
      return NULL;
    }

  if (!check_key_stat (path, &st, error))
    {
      close (fd);
      return NULL;
    }

  keys = sodium_malloc (sizeof *keys);
  if (keys == NULL)
    {
      close (fd);
      g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL,
                   "Out of secure memory while loading key file %s", path);
      return NULL;
    }
  /* sodium_malloc already tries to lock; failing to lock is not fatal. */
  (void) sodium_mlock (keys, sizeof *keys);

  saved_errno = 0;
  while (got < FD_KEY_FILE_SIZE)
    {
      ssize_t n = read (fd, (guint8 *) keys + got, FD_KEY_FILE_SIZE - got);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        saved_errno = errno;
      if (n <= 0)
        break;
      got += (gsize) n;
    }
  close (fd);

  if (got != FD_KEY_FILE_SIZE)
    {
      sodium_free (keys);
      g_set_error (error, FD_ERROR, FD_ERROR_CONFIG,
                   "Cannot read key file %s: %s", path,
                   saved_errno != 0 ? g_strerror (saved_errno)
                                    : "file is shorter than expected");
      return NULL;
    }

  /* Nothing writes the keys after this point. */
  sodium_mprotect_readonly (keys);

  return keys;
}

void
fd_keys_free (FdKeys *keys)
{
  if (keys == NULL)
    return;

  sodium_mprotect_readwrite (keys);
  sodium_memzero (keys, sizeof *keys);
  sodium_free (keys);
}

/* AES-256-GCM */

/* Initialises the library first (once). */
static gnutls_aead_cipher_hd_t
open_cipher (FdKeys  *keys,
             GError **error)
{
  gnutls_aead_cipher_hd_t handle = NULL;
  gnutls_datum_t key = { keys->data_key, FD_KEY_PART_SIZE };
  int ret;

  if (!fd_crypto_init (error))
    return NULL;
  ret = gnutls_aead_cipher_init (&handle, GNUTLS_CIPHER_AES_256_GCM, &key);
  if (ret < 0)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL,
                   "Cannot set up AES-256-GCM: %s", gnutls_strerror (ret));
      return NULL;
    }

  return handle;
}

GBytes *
fd_crypto_seal (FdKeys      *keys,
                const char  *plaintext,
                const char  *aad,
                GError     **error)
{
  gnutls_aead_cipher_hd_t handle;
  gsize plain_len;
  gsize blob_len;
  gsize out_len;
  guint8 *blob;
  int ret;

  g_return_val_if_fail (keys != NULL, NULL);
  g_return_val_if_fail (plaintext != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (aad == NULL)
    aad = "";

  plain_len = strlen (plaintext);
  if (plain_len > G_MAXSIZE - FD_BLOB_OVERHEAD)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_TOO_LARGE, "Value too large to encrypt");
      return NULL;
    }

  handle = open_cipher (keys, error);
  if (handle == NULL)
    return NULL;

  blob_len = plain_len + FD_BLOB_OVERHEAD;
  blob = g_malloc (blob_len);
  blob[0] = FD_BLOB_VERSION;
  randombytes_buf (blob + 1, FD_NONCE_SIZE);

  out_len = blob_len - 1 - FD_NONCE_SIZE;
  ret = gnutls_aead_cipher_encrypt (handle,
                                    blob + 1, FD_NONCE_SIZE,
                                    aad, strlen (aad),
                                    FD_TAG_SIZE,
                                    plaintext, plain_len,
                                    blob + 1 + FD_NONCE_SIZE, &out_len);
  gnutls_aead_cipher_deinit (handle);

  if (ret < 0 || out_len != plain_len + FD_TAG_SIZE)
    {
      sodium_memzero (blob, blob_len);
      g_free (blob);
      g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL, "Encryption failed: %s",
                   ret < 0 ? gnutls_strerror (ret) : "unexpected length");
      return NULL;
    }

  return g_bytes_new_take (blob, blob_len);
}

char *
fd_crypto_open (FdKeys        *keys,
                const guint8  *blob,
                gsize          len,
                const char    *aad,
                GError       **error)
{
  gnutls_aead_cipher_hd_t handle;
  gsize cipher_len;
  gsize plain_len;
  char *plain;
  int ret;

  g_return_val_if_fail (keys != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (aad == NULL)
    aad = "";

  if (blob == NULL || len < FD_BLOB_OVERHEAD)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL,
                   "Encrypted value is truncated (%" G_GSIZE_FORMAT " bytes)", len);
      return NULL;
    }

  if (blob[0] != FD_BLOB_VERSION)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL,
                   "Encrypted value has unknown format version %u", (guint) blob[0]);
      return NULL;
    }

  handle = open_cipher (keys, error);
  if (handle == NULL)
    return NULL;

  cipher_len = len - 1 - FD_NONCE_SIZE;
  plain_len = cipher_len - FD_TAG_SIZE;
  /* One spare byte for the terminator, and never a zero-sized buffer. */
  plain = g_malloc0 (plain_len + 1);

  ret = gnutls_aead_cipher_decrypt (handle,
                                    blob + 1, FD_NONCE_SIZE,
                                    aad, strlen (aad),
                                    FD_TAG_SIZE,
                                    blob + 1 + FD_NONCE_SIZE, cipher_len,
                                    plain, &plain_len);
  gnutls_aead_cipher_deinit (handle);

  if (ret < 0 || plain_len != cipher_len - FD_TAG_SIZE)
    {
      sodium_memzero (plain, cipher_len - FD_TAG_SIZE + 1);
      g_free (plain);
      g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL,
                   "Encrypted value failed authentication (wrong key, wrong context "
                   "or tampered data)");
      return NULL;
    }

  plain[plain_len] = '\0';

  /* Sealed values are C strings; an embedded NUL means a writer bug. */
  if (memchr (plain, '\0', plain_len) != NULL)
    {
      sodium_memzero (plain, plain_len + 1);
      g_free (plain);
      g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL,
                   "Decrypted value contains a NUL byte");
      return NULL;
    }

  return plain;
}

/* HMAC */

static char *
to_hex (const guint8 *bin,
        gsize         len)
{
  char *hex = g_malloc (len * 2 + 1);

  sodium_bin2hex (hex, len * 2 + 1, bin, len);
  return hex;
}

char *
fd_crypto_blind_index (FdKeys     *keys,
                       const char *domain,
                       const char *value)
{
  crypto_auth_hmacsha256_state state;
  guint8 mac[crypto_auth_hmacsha256_BYTES];
  static const guint8 separator = 0x00;
  char *hex;

  g_return_val_if_fail (keys != NULL, NULL);
  g_return_val_if_fail (domain != NULL, NULL);
  g_return_val_if_fail (value != NULL, NULL);

  fd_crypto_init (NULL);

  crypto_auth_hmacsha256_init (&state, keys->index_key, FD_KEY_PART_SIZE);
  crypto_auth_hmacsha256_update (&state, (const guint8 *) domain, strlen (domain));
  crypto_auth_hmacsha256_update (&state, &separator, 1);
  crypto_auth_hmacsha256_update (&state, (const guint8 *) value, strlen (value));
  crypto_auth_hmacsha256_final (&state, mac);

  hex = to_hex (mac, sizeof mac);
  sodium_memzero (&state, sizeof state);
  sodium_memzero (mac, sizeof mac);

  return hex;
}

char *
fd_crypto_mac_hex (FdKeys     *keys,
                   const void *data,
                   gsize       len)
{
  guint8 mac[crypto_auth_hmacsha256_BYTES];
  static const guint8 empty = 0;
  char *hex;

  g_return_val_if_fail (keys != NULL, NULL);
  g_return_val_if_fail (data != NULL || len == 0, NULL);

  fd_crypto_init (NULL);

  crypto_auth_hmacsha256 (mac, data != NULL ? data : &empty, len, keys->index_key);
  hex = to_hex (mac, sizeof mac);
  sodium_memzero (mac, sizeof mac);

  return hex;
}

char *
fd_keys_check_value (FdKeys *keys)
{
  static const char label[] = "frontdesk key check value v1";
  guint8 mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state state;
  g_autofree char *hex = NULL;

  g_return_val_if_fail (keys != NULL, NULL);

  fd_crypto_init (NULL);

  /* Keyed with both halves, so a file whose data key or index key differs
   * gives another value; no other MAC in the program uses this key. */
  crypto_auth_hmacsha256_init (&state, (const guint8 *) keys, sizeof *keys);
  crypto_auth_hmacsha256_update (&state, (const guint8 *) label, sizeof label - 1);
  crypto_auth_hmacsha256_final (&state, mac);
  hex = to_hex (mac, sizeof mac);
  sodium_memzero (&state, sizeof state);
  sodium_memzero (mac, sizeof mac);

  return g_strconcat ("v1:", hex, NULL);
}

/* Passwords */

char *
fd_password_hash (const char  *password,
                  GError     **error)
{
  char out[crypto_pwhash_STRBYTES];
  gsize len;
  char *result;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (password == NULL || password[0] == '\0')
    {
      g_set_error (error, FD_ERROR, FD_ERROR_BAD_REQUEST, "The password is empty");
      return NULL;
    }

  len = strlen (password);
  if (len > FD_PASSWORD_MAX)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_BAD_REQUEST,
                   "The password is longer than %d bytes", FD_PASSWORD_MAX);
      return NULL;
    }

  if (!fd_crypto_init (error))
    return NULL;

  if (crypto_pwhash_str_alg (out, password, len,
                             crypto_pwhash_OPSLIMIT_INTERACTIVE,
                             crypto_pwhash_MEMLIMIT_INTERACTIVE,
                             crypto_pwhash_ALG_ARGON2ID13) != 0)
    {
      g_set_error (error, FD_ERROR, FD_ERROR_INTERNAL,
                   "Password hashing failed (out of memory?)");
      return NULL;
    }

  result = g_strdup (out);
  sodium_memzero (out, sizeof out);

  return result;
}

gboolean
fd_password_verify (const char *hash,
                    const char *password)
{
  gsize len;

  if (hash == NULL || password == NULL || password[0] == '\0')
    return FALSE;

  len = strlen (password);
  if (len > FD_PASSWORD_MAX)
    return FALSE;

  /* libsodium reads a buffer of crypto_pwhash_STRBYTES at most. */
  if (strnlen (hash, crypto_pwhash_STRBYTES) >= crypto_pwhash_STRBYTES)
    return FALSE;

  if (!fd_crypto_init (NULL))
    return FALSE;

  return crypto_pwhash_str_verify (hash, password, len) == 0;
}

/* Tokens and digests */

char *
fd_random_token (gsize n_bytes)
{
  gsize out_len;
  guint8 *raw;
  char *token;

  g_return_val_if_fail (n_bytes > 0 && n_bytes <= 1024, NULL);

  fd_crypto_init (NULL);

  raw = g_malloc (n_bytes);
  randombytes_buf (raw, n_bytes);

  out_len = sodium_base64_ENCODED_LEN (n_bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  token = g_malloc (out_len);
  sodium_bin2base64 (token, out_len, raw, n_bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);

  sodium_memzero (raw, n_bytes);
  g_free (raw);

  return token;
}

char *
fd_sha256_hex (const void *data,
               gsize       len)
{
  guint8 digest[crypto_hash_sha256_BYTES];
  static const guint8 empty = 0;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  fd_crypto_init (NULL);

  crypto_hash_sha256 (digest, data != NULL ? data : &empty, len);

  return to_hex (digest, sizeof digest);
}

gboolean
fd_const_time_equal (const char *a,
                     const char *b)
{
  gsize len;

  if (a == NULL || b == NULL)
    return FALSE;

  len = strlen (a);
  if (len != strlen (b))
    return FALSE;

  return sodium_memcmp (a, b, len) == 0;
}
