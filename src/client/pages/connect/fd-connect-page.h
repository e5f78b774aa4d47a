/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The connect page: the server address and the trust an unprovisioned desk sets itself. */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define FD_TYPE_CONNECT_PAGE (fd_connect_page_get_type ())
G_DECLARE_FINAL_TYPE (FdConnectPage, fd_connect_page, FD, CONNECT_PAGE, AdwBin)

/* First start: the office server's address, and the trust the
 * administrator provisioned, shown. There is no "accept anyway": an
 * unprovisioned desk imports the office CA file its administrator gave
 * (Import, through the file-chooser portal; ::import-ca (GFile *), which
 * fd_connect_page_import_file() also emits) or pastes the server key pin
 * (read with get_pin on ::submit). Emits ::submit. */
void        fd_connect_page_set_url      (FdConnectPage *self,
                                          const char    *url);
const char *fd_connect_page_get_url      (FdConnectPage *self);
void        fd_connect_page_set_trust    (FdConnectPage *self,
                                          const char    *ca_file,
                                          const char    *pin);
void        fd_connect_page_set_busy     (FdConnectPage *self,
                                          gboolean       busy);
void        fd_connect_page_set_message  (FdConnectPage *self,
                                          const char    *message);
const char *fd_connect_page_get_message  (FdConnectPage *self);
void        fd_connect_page_focus        (FdConnectPage *self);
void        fd_connect_page_import_file  (FdConnectPage *self,
                                          GFile         *file);
const char *fd_connect_page_get_pin      (FdConnectPage *self);

G_END_DECLS
