/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Time-based one-time passwords and recovery codes. */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP): HMAC-SHA-1,
 * 6 digits, 30-second steps, the secret as RFC 4648 base32 (what
 * authenticator apps read from an otpauth:// URI), and the recovery codes
 * that stand in for a lost device (issue 15). */

#define FD_TOTP_PERIOD_S   30
#define FD_TOTP_DIGITS     6
/* Steps accepted either side of now: clocks drift, people type slowly. */
#define FD_TOTP_WINDOW     1
#define FD_TOTP_RECOVERY_CODES 10

/* A new random secret: 20 bytes (160 bits, RFC 4226 §4), base32. */
char     *fd_totp_secret_new        (void);
/* RFC 4648 base32, upper case, without padding; decode ignores case,
 * spaces and padding and fails on anything else. */
char     *fd_base32_encode          (const guint8 *data,
                                     gsize         len);
guint8   *fd_base32_decode          (const char   *text,
                                     gsize        *len);
/* The HOTP value of @key at @counter (RFC 4226 §5.3), 0…999999. */
guint32   fd_hotp                   (const guint8 *key,
                                     gsize         key_len,
                                     guint64       counter);
/* The 30-second step of @unix_s. */
gint64    fd_totp_step              (gint64        unix_s);
/* Checks a 6-digit @code against the steps @now_step ± FD_TOTP_WINDOW
 * in constant time (every step is computed and compared). TRUE with
 * *@step set to the step it matched; FALSE for a wrong or malformed code. */
gboolean  fd_totp_verify            (const char   *secret,
                                     const char   *code,
                                     gint64        now_step,
                                     gint64       *step);
/* otpauth://totp/Front%20Desk:USER?secret=…&issuer=Front%20Desk&algorithm=SHA1&digits=6&period=30 */
char     *fd_totp_uri               (const char   *secret,
                                     const char   *username);
/* TRUE when @code is six ASCII digits. */
gboolean  fd_totp_code_valid        (const char   *code);

/* Recovery codes: "xxxxx-xxxxx" of 10 base32 characters (50 bits). They
 * are stored as HMAC-SHA-256 keyed with the account's TOTP secret (sealed
 * at rest under the data key), so a copy of the database alone cannot
 * test guesses, and rekey needs not touch them. */
char     *fd_totp_recovery_code_new (void);
/* The form stored for @code (case, spaces and dashes ignored); NULL when
 * @code is not a recovery code's shape or @secret does not decode. */
char     *fd_totp_recovery_hash     (const char   *secret,
                                     const char   *code);

G_END_DECLS
