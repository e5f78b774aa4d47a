/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the parts of FdSession (fd-session*.c) share: its fields, call data and functions. */

#pragma once

#include "fd-session.h"

G_BEGIN_DECLS

/* What the parts of FdSession share: the object and the state machine
 * live in fd-session.c, the requests' plumbing in fd-session-call.c;
 * sign-in and sign-out in fd-session-signin.c, resume from the keyring
 * in fd-session-resume.c, lock and unlock in fd-session-lock.c. */

struct _FdSession
{
  GObject         parent_instance;

  FdApiClient    *api;
  FdSecretStore  *secrets;
  GCancellable   *cancellable;
  char           *workstation;
  char           *username;
  FdSessionInfo  *info;
  FdSessionState  state;
  guint           unlock_failures;
  /* The server ended the session while we were locked: the next unlock
   * signs in anew with the same user. */
  gboolean        server_gone;
  /* Calls in flight that handle a 401 themselves. */
  guint           busy;
  guint           heartbeat_s;
  guint           heartbeat_id;
  /* Counts sign-ins started: a resume begun before the last one is
   * stale and must not touch the session it finds. */
  guint           sign_in_serial;
  /* issue 11: the estate named at the next sign-in, NULL for none */
  char           *estate;
};

typedef struct _FdSessionOp FdSessionOp;

/* What a session call does with its answer (fd_session_call_async):
 * @root is NULL when *@error is set; take *@error to keep it. */
typedef void (*FdSessionReplyFunc) (FdSession    *self,
                                    GTask        *task,
                                    FdSessionOp  *op,
                                    JsonNode     *root,
                                    GError      **error);

/* The task data of every async call; secrets are wiped when it goes. */
struct _FdSessionOp
{
  char       *username;
  char       *password;
  char       *token;
  JsonNode   *body;
  JsonObject *error_object;
  gboolean    from_unlock;
  /* A resume: the sign_in_serial it started under. */
  guint       sign_in_serial;
  /* The session call in flight: what handles its answer. */
  FdSessionReplyFunc reply;
};

/* fd-session.c */
void         fd_session_set_state                 (FdSession           *self,
                                                   FdSessionState       state);
void         fd_session_forget_token              (FdSession           *self);
void         fd_session_reset                     (FdSession           *self);
void         fd_session_end                       (FdSession           *self,
                                                   const char          *reason);
void         fd_session_set_info                  (FdSession           *self,
                                                   FdSessionInfo       *info);
GError      *fd_session_protocol_error            (void);

/* fd-session-call.c */
/* The task of a session call (@source_tag) and its FdSessionOp (*@op). */
GTask       *fd_session_op_task                   (FdSession           *self,
                                                   gpointer             source_tag,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data,
                                                   FdSessionOp        **op);
const char  *fd_session_op_get_reason             (FdSessionOp         *op);
void         fd_session_ignore_result_cb          (GObject             *source,
                                                   GAsyncResult        *result,
                                                   gpointer             user_data);
char        *fd_session_steal_token               (JsonNode            *root);
void         fd_session_call_async                (FdSession           *self,
                                                   const char          *method,
                                                   const char          *path,
                                                   JsonNode            *body,
                                                   GTask               *task,
                                                   FdSessionReplyFunc   reply);
gboolean     fd_session_finish_with_error_object  (GAsyncResult        *result,
                                                   JsonObject         **error_object,
                                                   GError             **error);

/* fd-session-signin.c */
void         fd_session_start_sign_in             (FdSession           *self,
                                                   GTask               *task);
void         fd_session_store_token_and_activate  (FdSession           *self,
                                                   GTask               *task);

/* fd-session-lock.c */
void         fd_session_enter_locked              (FdSession           *self);
void         fd_session_fail_unlock_attempt       (FdSession           *self,
                                                   gint64               attempts_left);

G_END_DECLS
