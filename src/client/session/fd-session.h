/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The session of one window: sign-in, lock, unlock, resume, sign-out and its end. */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "fd-api-client.h"
#include "fd-secret-store.h"

G_BEGIN_DECLS

typedef enum
{
  FD_SESSION_SIGNED_OUT,
  FD_SESSION_ACTIVE,
  FD_SESSION_LOCKED,
} FdSessionState;

#define FD_TYPE_SESSION (fd_session_get_type ())
G_DECLARE_FINAL_TYPE (FdSession, fd_session, FD, SESSION, GObject)

/* The signed-in state of one window: the token (API client + keyring),
 * the user and the policy. It never touches widgets.
 *
 *   SIGNED_OUT --sign_in--> ACTIVE --lock--> LOCKED --unlock--> ACTIVE
 *   SIGNED_OUT --resume (token in the keyring)--> LOCKED
 *   any --sign_out / server ends it--> SIGNED_OUT (+ ::ended)
 *
 * ::ended (const char *reason) is emitted when the session ends without a
 * sign-out by this app: the server's 401 reason ("expired", "signed-out",
 * "disabled", "role-changed", "locked", …) or "unlock-failures" after
 * five wrong unlock passwords. The keyring item is deleted before. */
FdSession      *fd_session_new                  (FdApiClient   *api,
                                                 FdSecretStore *secrets,
                                                 const char    *workstation);
FdSessionState  fd_session_get_state            (FdSession     *self);
FdApiClient    *fd_session_get_api_client       (FdSession     *self);
/* The name sent with the next sign-in (recorded in the audit log). */
void            fd_session_set_workstation      (FdSession     *self,
                                                 const char    *workstation);
/* issue 11: the estate code the next sign-in names (NULL: none, as for an
 * account of one estate). An unlock that signs in anew names the estate
 * the session had. */
void            fd_session_set_estate           (FdSession     *self,
                                                 const char    *estate);
const char     *fd_session_get_username         (FdSession     *self);
const char     *fd_session_get_display_name     (FdSession     *self);
/* The session's user and policy, or NULL before the server told us; its
 * workstation is the one sent with the sign-in. */
FdSessionInfo  *fd_session_get_info             (FdSession     *self);
guint           fd_session_get_lock_after       (FdSession     *self);
guint           fd_session_get_unlock_failures  (FdSession     *self);
/* Seconds between GET /session checks while active (0 = never). They find
 * a session the server ended (account disabled) and an unreachable server. */
void            fd_session_set_heartbeat        (FdSession     *self,
                                                 guint          interval_s);
void            fd_session_check                (FdSession     *self);

void            fd_session_sign_in_async        (FdSession           *self,
                                                 const char          *username,
                                                 const char          *password,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
/* @error_object: the server's "error" object (locked_until, …) if any. */
gboolean        fd_session_sign_in_finish       (FdSession           *self,
                                                 GAsyncResult        *result,
                                                 JsonObject         **error_object,
                                                 GError             **error);
/* issue 15: after a sign-in failed with "second-factor-required", sends
 * its challenge and the code; finish with fd_session_sign_in_finish(). */
void            fd_session_second_factor_async  (FdSession           *self,
                                                 const char          *challenge,
                                                 const char          *code,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
/* Looks for @username's token in the keyring and validates it. TRUE: the
 * session is LOCKED; FALSE without error: nothing to resume. */
void            fd_session_resume_async         (FdSession           *self,
                                                 const char          *username,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean        fd_session_resume_finish        (FdSession           *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);
void            fd_session_lock                 (FdSession           *self);
/* A wrong password fails with FD_ERROR_BAD_CREDENTIALS; the fifth ends
 * the session (state SIGNED_OUT, ::ended "unlock-failures"). If the
 * server session expired meanwhile, this signs in anew with the same
 * user and password. */
void            fd_session_unlock_async         (FdSession           *self,
                                                 const char          *password,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean        fd_session_unlock_finish        (FdSession           *self,
                                                 GAsyncResult        *result,
                                                 JsonObject         **error_object,
                                                 GError             **error);
void            fd_session_sign_out_async       (FdSession           *self,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean        fd_session_sign_out_finish      (FdSession           *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);

#define FD_SESSION_MAX_UNLOCK_FAILURES 5

G_END_DECLS
