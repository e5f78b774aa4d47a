/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the parts of FdAccountsPage share: the list, and its confirmed changes. */

#pragma once

#include "fd-accounts-page.h"

G_BEGIN_DECLS

/* FdAccountsPage is split around this header: fd-accounts-page.c (the
 * list, its rows and filter), fd-accounts-changes.c (the confirmed
 * changes and their answers). */

struct _FdAccountsPage
{
  GtkWidget         parent_instance;

  GtkWidget        *scroller;
  GtkWidget        *filter;
  GtkWidget        *list;
  GtkLabel         *count_label;
  GtkLabel         *progress_label;
  GtkLabel         *message;

  FdApiClient      *api;
  char             *self_username;
  GCancellable     *cancellable;       /* the list */
  GCancellable     *change_cancellable;
  GPtrArray        *users;             /* FdUser */
  char             *busy_id;           /* the account a change is running for */
  AdwMessageDialog *confirmation;
  GtkWindow        *dialog;
};

typedef enum
{
  CHANGE_ROLE,
  CHANGE_DISABLE,
  CHANGE_ENABLE,
  CHANGE_UNLOCK,
  CHANGE_RESET,
  CHANGE_ESTATES,
} ChangeKind;

/* fd-accounts-page.c */
const FdUser *fd_accounts_page_find    (FdAccountsPage *self,
                                        const char     *id,
                                        const char     *username);
void          fd_accounts_page_rebuild (FdAccountsPage *self);
/* Emits ::changed and reloads the list. */
void          fd_accounts_page_changed (FdAccountsPage *self);

/* fd-accounts-changes.c: the accounts.change-role, .disable, .enable,
 * .unlock, .reset-password and .change-estates actions (s: the id). */
void          fd_accounts_page_change_action (GtkWidget  *widget,
                                              const char *action_name,
                                              GVariant   *parameter);

G_END_DECLS
