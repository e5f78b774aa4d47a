/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the account routes (fd-routes-oversight.c, fd-routes-users.c) share. */
#pragma once

#include "fd-accounts.h"
#include "fd-server-private.h"

G_BEGIN_DECLS

/* The account object of docs/api.md ("Accounts (admin)"). */
void      fd_write_account         (FdJsonWriter          *w,
                                    FdStore               *store,
                                    const FdUserRecord    *user);
void      fd_reply_account         (FdRequest             *req,
                                    guint                  status,
                                    const FdUserRecord    *user);
/* The two halves of fd_account_change_apply(), for a change with more
 * steps between them (PATCH's estates): _run opens the transaction,
 * checks and applies, appending what changed to @summary (FALSE with
 * the answer sent); _log writes the entry (see below). */
gboolean  fd_account_change_run    (FdRequest             *req,
                                    FdUserRecord          *user,
                                    const FdAccountChange *change,
                                    GString               *summary);
gboolean  fd_account_change_log    (FdRequest             *req,
                                    const char            *summary,
                                    const char            *unchanged);
/* Checks and applies @change to @user (fd-accounts.h) in the request's
 * transaction and writes its audit entry ("account-change", the path's
 * id); @unchanged (may be NULL) is the entry's text when nothing changed,
 * NULL for no entry then. FALSE with the answer (400, 403, 503) sent. */
gboolean  fd_account_change_apply  (FdRequest             *req,
                                    FdUserRecord          *user,
                                    const FdAccountChange *change,
                                    const char            *unchanged);

/* A password hashed on a worker: @done gets this job, or NULL when the
 * hash failed; both strings are wiped when the job goes. */
typedef struct
{
  char     *password;
  char     *hash;
  gboolean  generated;   /* made by the server: the answer shows it once */
} FdPasswordJob;

/* Takes @password; FALSE with a 503 sent when the workers are full. */
gboolean  fd_request_hash_password (FdRequest             *req,
                                    char                  *password,
                                    gboolean               generated,
                                    FdDoneFunc             done);

G_END_DECLS
