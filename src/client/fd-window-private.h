/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the parts of FdWindow (fd-window*.c) share: its fields and their functions. */

#pragma once

#include "fd-client-config.h"
#include "fd-connect-page.h"
#include "fd-lock-page.h"
#include "fd-secret-store.h"
#include "fd-signin-page.h"
#include "fd-window.h"

G_BEGIN_DECLS

struct _FdWindow
{
  AdwApplicationWindow  parent_instance;

  /* template */
  AdwToastOverlay      *toast_overlay;
  AdwHeaderBar         *header_bar;
  GtkWidget            *window_title;
  GtkWidget            *lock_button;
  GtkRevealer          *banner_revealer;
  GtkLabel             *banner_label;
  GtkStack             *stack;
  AdwStatusPage        *busy_page;
  FdConnectPage        *connect_page;
  FdSigninPage         *signin_page;
  FdLockPage           *lock_page;

  GSettings            *settings;
  FdClientConfig             *config;
  FdApiClient          *api;
  FdSecretStore        *secrets;
  FdSession            *session;
  FdIdleMonitor        *idle;
  GCancellable         *cancellable;
  GtkWidget            *main_view;
  GHashTable           *drafts;
  char                 *drafts_owner;
  guint                 retry_id;
  guint                 retry_delay_s;
  gboolean              keyring_warned;
  /* issue 15: the pending second step's challenge, the set-up page */
  char                 *challenge;
  GtkWidget            *totp_page;
  /* issue 14: closing signs out first (sign-out-on-quit), at most
   * QUIT_SIGN_OUT_WAIT_S; then the window goes for good */
  guint                 quit_wait_id;
  gboolean              quit_signed_out;
};

enum {
  FD_WINDOW_SIGNAL_COLLECT_DRAFTS,
  FD_WINDOW_N_SIGNALS
};

extern guint fd_window_signals[FD_WINDOW_N_SIGNALS];

/* fd-window.c */
void        fd_window_show_page          (FdWindow   *self,
                                          const char *name,
                                          gboolean    animate);
void        fd_window_show_busy          (FdWindow   *self,
                                          const char *title);
void        fd_window_show_signin        (FdWindow   *self,
                                          const char *message);
void        fd_window_show_lock          (FdWindow   *self);
void        fd_window_enter_active       (FdWindow   *self);
void        fd_window_update_actions     (FdWindow   *self);
void        fd_window_toast              (FdWindow   *self,
                                          const char *title,
                                          guint       timeout);
const char *fd_window_tls_message        (void);

/* fd-window-connect.c */
void        fd_window_setup_connection   (FdWindow   *self);
void        fd_window_drop_connection    (FdWindow   *self);
void        fd_window_connect_submit_cb  (FdWindow   *self);
void        fd_window_connect_import_cb  (FdWindow   *self,
                                          GFile      *file);
void        fd_window_retry_now_cb       (FdWindow   *self);

/* fd-window-session.c */
void        fd_window_signin_submit_cb   (FdWindow     *self);
void        fd_window_unlock_submit_cb   (FdWindow     *self);
void        fd_window_sign_out           (FdWindow     *self);
/* issue 14: TRUE when closing this window must end its session first
 * (the sign-out-on-quit setting and the session's role). */
gboolean    fd_window_signs_out_on_quit  (FdWindow     *self);
void        fd_window_resume_cb          (GObject      *source,
                                          GAsyncResult *result,
                                          gpointer      user_data);
void        fd_window_session_ended_cb   (FdSession    *session,
                                          const char   *reason,
                                          FdWindow     *self);
/* issue 15: TRUE when the account must set up its second factor first
 * (then the set-up page is shown); the page goes with _drop. */
gboolean    fd_window_enrol_if_needed    (FdWindow     *self);
void        fd_window_drop_enrolment     (FdWindow     *self);

/* fd-window-rules.c (issue 12) */
void        fd_window_show_rules         (FdWindow   *self);
gboolean    fd_window_rules_pending      (FdWindow   *self);
void        fd_window_rules_required_cb  (FdWindow   *self);

/* fd-window-lock.c */
void        fd_window_tear_down          (FdWindow   *self);
void        fd_window_wipe_drafts        (FdWindow   *self);
void        fd_window_init_drafts        (FdWindow   *self);
guint       fd_window_count_drafts       (FdWindow   *self);

/* fd-window-password.c (pwchange): the account's own password change */
void        fd_window_change_password    (FdWindow   *self);
/* After the main view comes: a one-time password opens the dialog (once
 * a sign-in), then a reminder banner while it stays. */
void        fd_window_password_check     (FdWindow   *self);

G_END_DECLS
