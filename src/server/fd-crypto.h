/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Sealing at rest, blind indexes and password hashing. */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Encryption at rest and password hashing. AES-256-GCM through GnuTLS,
 * HMAC-SHA-256 blind indexes and Argon2id through libsodium. No home-made
 * primitives. */

typedef struct _FdKeys FdKeys;

/* Initialises libsodium and GnuTLS once; thread-safe. */
gboolean  fd_crypto_init            (GError       **error);

/* Loads the 64-byte key file (32 bytes data key, 32 bytes index key, raw)
 * at @path. When it does not exist and @create is TRUE, makes one with
 * mode 0600 (parent directories 0700). Refuses (FD_ERROR_CONFIG) a file
 * whose mode grants anything to group or others, of the wrong size, or
 * that is not a regular file. */
FdKeys   *fd_keys_load              (const char    *path,
                                     gboolean       create,
                                     GError       **error);
/* Wipes the key material. */
void      fd_keys_free              (FdKeys        *keys);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdKeys, fd_keys_free)

/* AES-256-GCM. The blob is: 1 version byte (1) || 12-byte random nonce ||
 * ciphertext || 16-byte tag. @aad binds the value to its place (e.g.
 * "resident:42:phone"); opening with another aad fails. */
GBytes   *fd_crypto_seal            (FdKeys        *keys,
                                     const char    *plaintext,
                                     const char    *aad,
                                     GError       **error);
/* Returns the plaintext (free with fd_secret_free()), or NULL with an
 * error when the blob was tampered with or the key is wrong. */
char     *fd_crypto_open            (FdKeys        *keys,
                                     const guint8  *blob,
                                     gsize          len,
                                     const char    *aad,
                                     GError       **error);

/* Keyed blind index for exact-match lookup: lowercase hex of
 * HMAC-SHA-256(index key, @domain || 0x00 || @value). */
char     *fd_crypto_blind_index     (FdKeys        *keys,
                                     const char    *domain,
                                     const char    *value);

/* HMAC-SHA-256 with the index key over @data, as lowercase hex; used to
 * sign cursors. */
char     *fd_crypto_mac_hex         (FdKeys        *keys,
                                     const void    *data,
                                     gsize          len);

/* The key check value stored with a database (settings "key.check"):
 * "v1:" and the lowercase hex of HMAC-SHA-256 keyed with the whole key
 * file (data key || index key) over a fixed label. It tells whether a key
 * file is the one the database was made with, and says nothing that helps
 * recover either key (HMAC is a pseudo-random function of the key). */
char     *fd_keys_check_value       (FdKeys        *keys);

/* Argon2id (libsodium crypto_pwhash_str, interactive limits): slow on
 * purpose (~50-100 ms): never call it on the main context. */
char     *fd_password_hash          (const char    *password,
                                     GError       **error);
gboolean  fd_password_verify        (const char    *hash,
                                     const char    *password);

/* @n_bytes random bytes (libsodium), base64url without padding. */
char     *fd_random_token           (gsize          n_bytes);
/* Lowercase hex SHA-256. */
char     *fd_sha256_hex             (const void    *data,
                                     gsize          len);
/* Constant-time string comparison (same length required to match). */
gboolean  fd_const_time_equal       (const char    *a,
                                     const char    *b);

G_END_DECLS
