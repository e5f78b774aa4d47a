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

G_END_DECLS
