/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests key files, sealed values, blind indexes and passwords. */

#include "config.h"

#include "fd-crypto.h"
#include "fd-error.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHINESE_TEXT "张三丰 13812345678 北京市海淀区中关村大街1号"

static char *tmp_root;

static void
rm_rf (const char *path)
{
  struct stat st;

  if (lstat (path, &st) != 0)
    return;

  if (S_ISDIR (st.st_mode))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          rm_rf (child);
        }
      rmdir (path);
    }
  else
    unlink (path);
}

static char *
tmp_path (const char *name)
{
  static guint counter;

  return g_strdup_printf ("%s/%u-%s", tmp_root, ++counter, name);
}

static void
secret_free (char *secret)
{
  if (secret != NULL)
    {
      explicit_bzero (secret, strlen (secret));
      g_free (secret);
    }
}

static FdKeys *
new_keys (char **path_out)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = tmp_path ("key");
  FdKeys *keys;

  keys = fd_keys_load (path, TRUE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (keys);

  if (path_out != NULL)
    *path_out = g_steal_pointer (&path);

  return keys;
}

static void
write_file_mode (const char *path,
                 gsize       len,
                 mode_t      mode)
{
  g_autofree guint8 *data = g_malloc0 (len + 1);
  g_autoptr(GError) error = NULL;

  for (gsize i = 0; i < len; i++)
    data[i] = (guint8) (i * 7 + 1);
  g_file_set_contents (path, (const char *) data, (gssize) len, &error);
  g_assert_no_error (error);
  g_assert_cmpint (chmod (path, mode), ==, 0);
}

static void
assert_load_refused (const char *path,
                     const char *fragment)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdKeys) keys = NULL;

  keys = fd_keys_load (path, TRUE, &error);
  g_assert_null (keys);
  g_assert_error (error, FD_ERROR, FD_ERROR_CONFIG);
  g_assert_nonnull (strstr (error->message, path));
  if (fragment != NULL)
    g_assert_nonnull (strstr (error->message, fragment));
}

/* Key files */

static void
test_key_create (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = tmp_path ("new/deeper");
  g_autofree char *path = g_build_filename (dir, "keys.bin", NULL);
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  gsize first_len = 0, second_len = 0;
  FdKeys *keys;
  struct stat st;
  mode_t old_umask;

  /* Even a permissive umask must not widen the modes. */
  old_umask = umask (0);
  keys = fd_keys_load (path, TRUE, &error);
  umask (old_umask);

  g_assert_no_error (error);
  g_assert_nonnull (keys);
  fd_keys_free (keys);

  g_assert_cmpint (lstat (path, &st), ==, 0);
  g_assert_true (S_ISREG (st.st_mode));
  g_assert_cmpint (st.st_mode & 07777, ==, 0600);
  g_assert_cmpint (st.st_size, ==, 64);

  g_assert_cmpint (lstat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0700);

  /* Loading again keeps the same bytes. */
  g_file_get_contents (path, &first, &first_len, &error);
  g_assert_no_error (error);
  keys = fd_keys_load (path, TRUE, &error);
  g_assert_no_error (error);
  fd_keys_free (keys);
  g_file_get_contents (path, &second, &second_len, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (first, first_len, second, second_len);

  /* Two fresh key files differ. */
  {
    g_autofree char *other = tmp_path ("other");
    g_autofree char *other_bytes = NULL;
    gsize other_len = 0;

    keys = fd_keys_load (other, TRUE, &error);
    g_assert_no_error (error);
    fd_keys_free (keys);
    g_file_get_contents (other, &other_bytes, &other_len, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (other_len, ==, 64);
    g_assert_true (memcmp (first, other_bytes, 64) != 0);
  }
}

static void
test_key_missing (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = tmp_path ("missing");
  FdKeys *keys;

  keys = fd_keys_load (path, FALSE, &error);
  g_assert_null (keys);
  g_assert_error (error, FD_ERROR, FD_ERROR_CONFIG);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

static void
test_key_mode_refused (void)
{
  g_autofree char *path = NULL;
  FdKeys *keys = new_keys (&path);
  const mode_t bad_modes[] = { 0644, 0640, 0604, 0620, 0602, 0610, 0601 };

  fd_keys_free (keys);

  for (gsize i = 0; i < G_N_ELEMENTS (bad_modes); i++)
    {
      g_assert_cmpint (chmod (path, bad_modes[i]), ==, 0);
      assert_load_refused (path, "mode");
    }

  /* Back to 0600 (and 0400) works again. */
  g_assert_cmpint (chmod (path, 0400), ==, 0);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(FdKeys) again = fd_keys_load (path, FALSE, &error);

    g_assert_no_error (error);
    g_assert_nonnull (again);
  }
}

static void
test_key_size_refused (void)
{
  const gsize sizes[] = { 0, 1, 32, 63, 65, 128 };

  for (gsize i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree char *path = tmp_path ("sized");

      write_file_mode (path, sizes[i], 0600);
      assert_load_refused (path, "bytes");
    }
}

static void
test_key_not_regular_refused (void)
{
  g_autofree char *target = NULL;
  g_autofree char *link = tmp_path ("link");
  g_autofree char *dir = tmp_path ("dir");
  g_autofree char *fifo = tmp_path ("fifo");
  FdKeys *keys = new_keys (&target);

  fd_keys_free (keys);

  /* A symlink to a perfectly good key file is still refused. */
  g_assert_cmpint (symlink (target, link), ==, 0);
  assert_load_refused (link, "symbolic link");

  g_assert_cmpint (mkdir (dir, 0700), ==, 0);
  assert_load_refused (dir, "regular");

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  assert_load_refused (fifo, "regular");
}

/* AES-256-GCM */

static void
test_seal_round_trip (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdKeys) keys = new_keys (NULL);
  g_autoptr(GBytes) blob = NULL;
  g_autoptr(GBytes) empty = NULL;
  const guint8 *data;
  gsize len;
  char *plain;

  blob = fd_crypto_seal (keys, CHINESE_TEXT, "resident:42:phone", &error);
  g_assert_no_error (error);
  g_assert_nonnull (blob);

  data = g_bytes_get_data (blob, &len);
  g_assert_cmpuint (len, ==, 1 + 12 + strlen (CHINESE_TEXT) + 16);
  g_assert_cmpuint (data[0], ==, 0x01);

  plain = fd_crypto_open (keys, data, len, "resident:42:phone", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (plain, ==, CHINESE_TEXT);
  secret_free (plain);

  /* The empty string is a value too. */
  empty = fd_crypto_seal (keys, "", "resident:1:address", &error);
  g_assert_no_error (error);
  data = g_bytes_get_data (empty, &len);
  g_assert_cmpuint (len, ==, 29);
  plain = fd_crypto_open (keys, data, len, "resident:1:address", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (plain, ==, "");
  secret_free (plain);
}

/* Decrypts the blob independently with the first 32 bytes of the key file,
 * proving the documented layout. */
static void
test_seal_format (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *key_bytes = NULL;
  g_autoptr(FdKeys) keys = new_keys (&path);
  g_autoptr(GBytes) blob = NULL;
  gnutls_aead_cipher_hd_t handle;
  gnutls_datum_t key;
  const char *aad = "resident:7:id_number";
  const guint8 *data;
  char plain[256];
  size_t plain_len = sizeof plain;
  gsize key_len = 0;
  gsize len;

  g_file_get_contents (path, &key_bytes, &key_len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (key_len, ==, 64);

  blob = fd_crypto_seal (keys, CHINESE_TEXT, aad, &error);
  g_assert_no_error (error);
  data = g_bytes_get_data (blob, &len);

  key.data = (unsigned char *) key_bytes;
  key.size = 32;
  g_assert_cmpint (gnutls_aead_cipher_init (&handle, GNUTLS_CIPHER_AES_256_GCM, &key), ==, 0);
  g_assert_cmpint (gnutls_aead_cipher_decrypt (handle, data + 1, 12, aad, strlen (aad), 16,
                                               data + 13, len - 13, plain, &plain_len),
                   ==, 0);
  gnutls_aead_cipher_deinit (handle);
  g_assert_cmpmem (plain, plain_len, CHINESE_TEXT, strlen (CHINESE_TEXT));
  explicit_bzero (plain, sizeof plain);
  explicit_bzero (key_bytes, key_len);
}

static void
test_seal_tamper (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdKeys) keys = new_keys (NULL);
  g_autoptr(GBytes) blob = NULL;
  g_autofree guint8 *copy = NULL;
  const guint8 *data;
  gsize len;

  blob = fd_crypto_seal (keys, CHINESE_TEXT, "resident:42:phone", &error);
  g_assert_no_error (error);
  data = g_bytes_get_data (blob, &len);
  copy = g_memdup2 (data, len);

  /* Every byte position, two different bit flips each. */
  for (gsize i = 0; i < len; i++)
    {
      const guint8 flips[] = { 0x01, 0x80 };

      for (gsize f = 0; f < G_N_ELEMENTS (flips); f++)
        {
          g_autoptr(GError) open_error = NULL;
          char *plain;

          copy[i] ^= flips[f];
          plain = fd_crypto_open (keys, copy, len, "resident:42:phone", &open_error);
          copy[i] ^= flips[f];

          if (plain != NULL)
            g_error ("tampered byte %" G_GSIZE_FORMAT " was accepted", i);
          g_assert_error (open_error, FD_ERROR, FD_ERROR_INTERNAL);
        }
    }

  /* Every truncation, and one extra byte. */
  for (gsize cut = 0; cut < len; cut++)
    {
      g_autoptr(GError) open_error = NULL;
      char *plain = fd_crypto_open (keys, copy, cut, "resident:42:phone", &open_error);

      g_assert_null (plain);
      g_assert_nonnull (open_error);
    }
  {
    g_autoptr(GError) open_error = NULL;
    g_autofree guint8 *longer = g_malloc0 (len + 1);
    char *plain;

    memcpy (longer, data, len);
    plain = fd_crypto_open (keys, longer, len + 1, "resident:42:phone", &open_error);
    g_assert_null (plain);
    g_assert_nonnull (open_error);
  }

  /* NULL blob. */
  {
    g_autoptr(GError) open_error = NULL;

    g_assert_null (fd_crypto_open (keys, NULL, 0, "x", &open_error));
    g_assert_nonnull (open_error);
  }

  /* The untouched copy still opens. */
  {
    char *plain = fd_crypto_open (keys, copy, len, "resident:42:phone", &error);

    g_assert_no_error (error);
    g_assert_cmpstr (plain, ==, CHINESE_TEXT);
    secret_free (plain);
  }
}

static void
test_seal_wrong_aad_and_key (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdKeys) keys = new_keys (NULL);
  g_autoptr(FdKeys) other = new_keys (NULL);
  g_autoptr(GBytes) blob = NULL;
  const char *wrong[] = { "resident:43:phone", "resident:42:mobile", "", "resident:42:phone ",
                          "Resident:42:phone" };
  const guint8 *data;
  gsize len;

  blob = fd_crypto_seal (keys, CHINESE_TEXT, "resident:42:phone", &error);
  g_assert_no_error (error);
  data = g_bytes_get_data (blob, &len);

  for (gsize i = 0; i < G_N_ELEMENTS (wrong); i++)
    {
      g_autoptr(GError) open_error = NULL;

      g_assert_null (fd_crypto_open (keys, data, len, wrong[i], &open_error));
      g_assert_error (open_error, FD_ERROR, FD_ERROR_INTERNAL);
    }

  {
    g_autoptr(GError) open_error = NULL;

    g_assert_null (fd_crypto_open (other, data, len, "resident:42:phone", &open_error));
    g_assert_error (open_error, FD_ERROR, FD_ERROR_INTERNAL);
  }
}

static void
test_seal_random_nonce (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdKeys) keys = new_keys (NULL);
  g_autoptr(GBytes) a = NULL;
  g_autoptr(GBytes) b = NULL;
  const guint8 *da, *db;
  gsize la, lb;

  a = fd_crypto_seal (keys, CHINESE_TEXT, "resident:42:phone", &error);
  g_assert_no_error (error);
  b = fd_crypto_seal (keys, CHINESE_TEXT, "resident:42:phone", &error);
  g_assert_no_error (error);

  da = g_bytes_get_data (a, &la);
  db = g_bytes_get_data (b, &lb);
  g_assert_cmpuint (la, ==, lb);
  g_assert_false (g_bytes_equal (a, b));
  /* Nonces differ and so do the ciphertexts. */
  g_assert_true (memcmp (da + 1, db + 1, 12) != 0);
  g_assert_true (memcmp (da + 13, db + 13, la - 13) != 0);
}

static const guint8 *
find_bytes (const guint8 *haystack,
            gsize         len,
            const char   *needle,
            gsize         needle_len)
{
  for (gsize i = 0; i + needle_len <= len; i++)
    if (memcmp (haystack + i, needle, needle_len) == 0)
      return haystack + i;

  return NULL;
}

static void
test_seal_hides_plaintext (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdKeys) keys = new_keys (NULL);
  const char *values[] = { CHINESE_TEXT, "110101199003074578", "13812345678",
                           "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" };

  for (gsize v = 0; v < G_N_ELEMENTS (values); v++)
    {
      g_autoptr(GBytes) blob = fd_crypto_seal (keys, values[v], "t", &error);
      const guint8 *data;
      gsize len;
      gsize vlen = strlen (values[v]);

      g_assert_no_error (error);
      data = g_bytes_get_data (blob, &len);

      g_assert_null (find_bytes (data, len, values[v], vlen));
      /* No 6-byte window of the value shows either (two Chinese chars). */
      for (gsize i = 0; i + 6 <= vlen; i++)
        g_assert_null (find_bytes (data, len, values[v] + i, 6));
    }
}

typedef struct
{
  FdKeys *keys;
  guint   index;
} ThreadData;

static gpointer
seal_thread (gpointer user_data)
{
  ThreadData *td = user_data;

  for (guint i = 0; i < 300; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *value = g_strdup_printf ("值 %u-%u", td->index, i);
      g_autofree char *aad = g_strdup_printf ("resident:%u:%u", td->index, i);
      g_autoptr(GBytes) blob = fd_crypto_seal (td->keys, value, aad, &error);
      const guint8 *data;
      gsize len;
      char *plain;

      if (blob == NULL)
        return GINT_TO_POINTER (1);
      data = g_bytes_get_data (blob, &len);
      plain = fd_crypto_open (td->keys, data, len, aad, &error);
      if (plain == NULL || strcmp (plain, value) != 0)
        {
          secret_free (plain);
          return GINT_TO_POINTER (1);
        }
      secret_free (plain);
    }

  return GINT_TO_POINTER (0);
}

static void
test_seal_threads (void)
{
  g_autoptr(FdKeys) keys = new_keys (NULL);
  ThreadData data[4];
  GThread *threads[4];

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      data[i].keys = keys;
      data[i].index = i;
      threads[i] = g_thread_new ("seal", seal_thread, &data[i]);
    }

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_assert_cmpint (GPOINTER_TO_INT (g_thread_join (threads[i])), ==, 0);
}

/* Blind index and MAC */

static void
assert_lower_hex (const char *s,
                  gsize       len)
{
  g_assert_cmpuint (strlen (s), ==, len);
  for (gsize i = 0; i < len; i++)
    g_assert_true (g_ascii_isdigit (s[i]) || (s[i] >= 'a' && s[i] <= 'f'));
}

static char *
reference_hmac_hex (const char   *key64,
                    const void   *data,
                    gsize         len)
{
  guint8 mac[32];
  char *hex = g_malloc (65);

  g_assert_cmpint (gnutls_hmac_fast (GNUTLS_MAC_SHA256, key64 + 32, 32, data, len, mac), ==, 0);
  for (gsize i = 0; i < 32; i++)
    g_snprintf (hex + i * 2, 3, "%02x", mac[i]);

  return hex;
}

static void
test_blind_index (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *key_bytes = NULL;
  g_autoptr(FdKeys) keys = new_keys (&path);
  g_autoptr(FdKeys) other = new_keys (NULL);
  g_autofree char *a1 = fd_crypto_blind_index (keys, "id_number", "110101199003074578");
  g_autofree char *a2 = fd_crypto_blind_index (keys, "id_number", "110101199003074578");
  g_autofree char *b = fd_crypto_blind_index (keys, "mobile", "110101199003074578");
  g_autofree char *c = fd_crypto_blind_index (other, "id_number", "110101199003074578");
  g_autofree char *d = fd_crypto_blind_index (keys, "id_number", "110101199003074579");
  g_autofree char *split1 = fd_crypto_blind_index (keys, "ab", "c");
  g_autofree char *split2 = fd_crypto_blind_index (keys, "a", "bc");
  g_autofree char *expected = NULL;
  g_autofree char *input = NULL;
  gsize key_len = 0;
  gsize input_len;

  assert_lower_hex (a1, 64);
  g_assert_cmpstr (a1, ==, a2);
  g_assert_cmpstr (a1, !=, b);
  g_assert_cmpstr (a1, !=, c);
  g_assert_cmpstr (a1, !=, d);
  g_assert_cmpstr (split1, !=, split2);

  /* HMAC-SHA-256 with the second half of the key over domain || 0 || value. */
  g_file_get_contents (path, &key_bytes, &key_len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (key_len, ==, 64);

  input_len = strlen ("id_number") + 1 + strlen ("110101199003074578");
  input = g_malloc (input_len);
  memcpy (input, "id_number", 9);
  input[9] = '\0';
  memcpy (input + 10, "110101199003074578", 18);
  expected = reference_hmac_hex (key_bytes, input, input_len);
  g_assert_cmpstr (a1, ==, expected);
  explicit_bzero (key_bytes, key_len);
}

static void
test_mac_hex (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *key_bytes = NULL;
  g_autoptr(FdKeys) keys = new_keys (&path);
  g_autoptr(FdKeys) other = new_keys (NULL);
  const char cursor[] = "{\"after\":1234,\"q\":\"张\"}";
  g_autofree char *mac = fd_crypto_mac_hex (keys, cursor, sizeof cursor - 1);
  g_autofree char *mac2 = fd_crypto_mac_hex (keys, cursor, sizeof cursor - 2);
  g_autofree char *mac_other = fd_crypto_mac_hex (other, cursor, sizeof cursor - 1);
  g_autofree char *mac_empty = fd_crypto_mac_hex (keys, NULL, 0);
  g_autofree char *expected = NULL;
  gsize key_len = 0;

  assert_lower_hex (mac, 64);
  assert_lower_hex (mac_empty, 64);
  g_assert_cmpstr (mac, !=, mac2);
  g_assert_cmpstr (mac, !=, mac_other);

  g_file_get_contents (path, &key_bytes, &key_len, &error);
  g_assert_no_error (error);
  expected = reference_hmac_hex (key_bytes, cursor, sizeof cursor - 1);
  g_assert_cmpstr (mac, ==, expected);
  explicit_bzero (key_bytes, key_len);
}

/* Passwords */

static void
test_password (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = fd_password_hash ("correct horse 电池 staple", &error);
  g_autofree char *hash2 = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (hash);
  g_assert_true (g_str_has_prefix (hash, "$argon2id$"));
  g_assert_null (strstr (hash, "correct horse"));

  g_assert_true (fd_password_verify (hash, "correct horse 电池 staple"));
  g_assert_false (fd_password_verify (hash, "correct horse 电池 stapl"));
  g_assert_false (fd_password_verify (hash, "correct horse 电池 staple "));
  g_assert_false (fd_password_verify (hash, ""));
  g_assert_false (fd_password_verify (hash, NULL));
  g_assert_false (fd_password_verify (NULL, "correct horse 电池 staple"));
  g_assert_false (fd_password_verify ("", "x"));
  g_assert_false (fd_password_verify ("$argon2id$garbage", "x"));

  /* Salted: the same password hashes differently, and both verify. */
  hash2 = fd_password_hash ("correct horse 电池 staple", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hash, !=, hash2);
  g_assert_true (fd_password_verify (hash2, "correct horse 电池 staple"));
}

static void
test_password_limits (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *max = g_strnfill (1024, 'p');
  g_autofree char *too_long = g_strnfill (1025, 'p');
  g_autofree char *hash = NULL;
  char *bad;

  bad = fd_password_hash ("", &error);
  g_assert_null (bad);
  g_assert_error (error, FD_ERROR, FD_ERROR_BAD_REQUEST);
  g_clear_error (&error);

  bad = fd_password_hash (too_long, &error);
  g_assert_null (bad);
  g_assert_error (error, FD_ERROR, FD_ERROR_BAD_REQUEST);
  g_assert_nonnull (strstr (error->message, "1024"));
  g_clear_error (&error);

  hash = fd_password_hash (max, &error);
  g_assert_no_error (error);
  g_assert_true (fd_password_verify (hash, max));
  g_assert_false (fd_password_verify (hash, too_long));
}

/* Tokens, digests, comparison */

static void
test_random_token (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *short_token = fd_random_token (16);

  g_assert_cmpuint (strlen (short_token), ==, 22);

  for (guint i = 0; i < 1000; i++)
    {
      char *token = fd_random_token (32);

      g_assert_cmpuint (strlen (token), ==, 43);
      for (const char *p = token; *p; p++)
        g_assert_true (g_ascii_isalnum (*p) || *p == '-' || *p == '_');
      g_assert_true (g_hash_table_add (seen, token));
    }

  g_assert_cmpuint (g_hash_table_size (seen), ==, 1000);
}

static void
test_sha256_hex (void)
{
  g_autofree char *abc = fd_sha256_hex ("abc", 3);
  g_autofree char *empty = fd_sha256_hex (NULL, 0);

  /* FIPS 180-2 test vectors. */
  g_assert_cmpstr (abc, ==, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  g_assert_cmpstr (empty, ==, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void
test_const_time_equal (void)
{
  g_assert_true (fd_const_time_equal ("token-abc", "token-abc"));
  g_assert_true (fd_const_time_equal ("", ""));
  g_assert_false (fd_const_time_equal ("token-abc", "token-abd"));
  g_assert_false (fd_const_time_equal ("token-abc", "token-ab"));
  g_assert_false (fd_const_time_equal ("token-ab", "token-abc"));
  g_assert_false (fd_const_time_equal ("a", NULL));
  g_assert_false (fd_const_time_equal (NULL, "a"));
  g_assert_false (fd_const_time_equal (NULL, NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);

  g_assert_true (fd_crypto_init (&error));
  g_assert_no_error (error);
  /* A second call is harmless. */
  g_assert_true (fd_crypto_init (&error));

  tmp_root = g_dir_make_tmp ("fd-test-crypto-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/fd/crypto/key/create", test_key_create);
  g_test_add_func ("/fd/crypto/key/missing", test_key_missing);
  g_test_add_func ("/fd/crypto/key/mode-refused", test_key_mode_refused);
  g_test_add_func ("/fd/crypto/key/size-refused", test_key_size_refused);
  g_test_add_func ("/fd/crypto/key/not-regular-refused", test_key_not_regular_refused);
  g_test_add_func ("/fd/crypto/seal/round-trip", test_seal_round_trip);
  g_test_add_func ("/fd/crypto/seal/format", test_seal_format);
  g_test_add_func ("/fd/crypto/seal/tamper", test_seal_tamper);
  g_test_add_func ("/fd/crypto/seal/wrong-aad-and-key", test_seal_wrong_aad_and_key);
  g_test_add_func ("/fd/crypto/seal/random-nonce", test_seal_random_nonce);
  g_test_add_func ("/fd/crypto/seal/hides-plaintext", test_seal_hides_plaintext);
  g_test_add_func ("/fd/crypto/seal/threads", test_seal_threads);
  g_test_add_func ("/fd/crypto/blind-index", test_blind_index);
  g_test_add_func ("/fd/crypto/mac-hex", test_mac_hex);
  g_test_add_func ("/fd/crypto/password/hash-verify", test_password);
  g_test_add_func ("/fd/crypto/password/limits", test_password_limits);
  g_test_add_func ("/fd/crypto/token", test_random_token);
  g_test_add_func ("/fd/crypto/sha256", test_sha256_hex);
  g_test_add_func ("/fd/crypto/const-time-equal", test_const_time_equal);

  ret = g_test_run ();

  rm_rf (tmp_root);
  g_free (tmp_root);

  return ret;
}
