/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The lock page: who is signed in, the password, Unlock and Sign Out. */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define FD_TYPE_LOCK_PAGE (fd_lock_page_get_type ())
G_DECLARE_FINAL_TYPE (FdLockPage, fd_lock_page, FD, LOCK_PAGE, AdwBin)

/* The lock screen: who is signed in, a password field, Unlock and Sign
 * Out. Emits ::unlock when a password was entered and ::sign-out. */
void        fd_lock_page_set_user        (FdLockPage *self,
                                          const char *display_name,
                                          const char *username);
const char *fd_lock_page_get_password    (FdLockPage *self);
void        fd_lock_page_clear_password  (FdLockPage *self);
void        fd_lock_page_set_busy        (FdLockPage *self,
                                          gboolean    busy);
void        fd_lock_page_set_message     (FdLockPage *self,
                                          const char *message);
const char *fd_lock_page_get_message     (FdLockPage *self);
void        fd_lock_page_focus           (FdLockPage *self);

G_END_DECLS
