/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The private CA and server certificate that demo and setup make. */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Creates, in @dir (which must exist): a private CA (ECDSA P-256, 10
 * years) as ca.pem and ca-key.pem, and a server certificate signed by it
 * (ECDSA P-256, 825 days, serverAuth, SubjectAltName = every entry of
 * @hosts, each an IP address or a DNS name) as server.pem and
 * server-key.pem. Private keys are written with mode 0600. Files that
 * already exist are left alone (returns TRUE). All in-process (GnuTLS). */
gboolean fd_certs_ensure_demo (const char          *dir,
                               const char * const  *hosts,
                               GError             **error);

/* Refuses (FD_ERROR_CONFIG) a certificate file whose first certificate's
 * public key is not the public half of the private key in @key_path: a
 * server started with such a pair fails every TLS handshake. */
gboolean fd_certs_check_pair  (const char          *cert_path,
                               const char          *key_path,
                               GError             **error);

G_END_DECLS
