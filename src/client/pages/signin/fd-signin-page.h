/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The sign-in page: username, password, estate and second-factor code. */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define FD_TYPE_SIGNIN_PAGE (fd_signin_page_get_type ())
G_DECLARE_FINAL_TYPE (FdSigninPage, fd_signin_page, FD, SIGNIN_PAGE, AdwBin)

/* Username, password, the workstation (shown, set by provisioning) and a
 * Sign In button. ::submit is
 * emitted when the form is complete and the user asks to sign in; the
 * window reads the fields, calls fd_signin_page_set_busy() and reports
 * back with fd_signin_page_set_message(). */
void        fd_signin_page_set_server       (FdSigninPage *self,
                                             const char   *server_url);
void        fd_signin_page_set_username     (FdSigninPage *self,
                                             const char   *username);
void        fd_signin_page_set_workstation  (FdSigninPage *self,
                                             const char   *workstation);
const char *fd_signin_page_get_username     (FdSigninPage *self);
const char *fd_signin_page_get_password     (FdSigninPage *self);
const char *fd_signin_page_get_workstation  (FdSigninPage *self);
void        fd_signin_page_clear_password   (FdSigninPage *self);
void        fd_signin_page_set_busy         (FdSigninPage *self,
                                             gboolean      busy);
/* A plain, translated message under the form; NULL hides it. */
void        fd_signin_page_set_message      (FdSigninPage *self,
                                             const char   *message);
const char *fd_signin_page_get_message      (FdSigninPage *self);
void        fd_signin_page_focus            (FdSigninPage *self);
/* issue 15: the second step. In code mode the page shows one code field
 * (6 digits, or a recovery code after "Use a recovery code"), Verify and
 * Back; ::submit means "check this code". Back returns to the password. */
void        fd_signin_page_ask_code         (FdSigninPage *self,
                                             gboolean      ask);
gboolean    fd_signin_page_get_asking_code  (FdSigninPage *self);
const char *fd_signin_page_get_code         (FdSigninPage *self);
void        fd_signin_page_clear_code       (FdSigninPage *self);
/* issue 11: an account of several estates names one. set_estates shows a
 * drop-down of @codes (NULL hides it; a new username hides it too);
 * get_estate is the chosen code, NULL while hidden. */
void        fd_signin_page_set_estates      (FdSigninPage       *self,
                                             const char * const *codes);
const char *fd_signin_page_get_estate       (FdSigninPage *self);
void        fd_signin_page_focus_estate     (FdSigninPage *self);

G_END_DECLS
