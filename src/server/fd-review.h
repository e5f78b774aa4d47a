/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Access review (issue 12): what a review shows, its CSV, the accounts it covers. */

#pragma once

#include "fd-json-writer.h"
#include "fd-store.h"

G_BEGIN_DECLS

/* Decisions are due this long after a review opens; accounts still
 * undecided then are disabled by the server. */
#define FD_REVIEW_DUE_DAYS    14
/* The activity a review shows: a quarter before it opened. */
#define FD_REVIEW_PERIOD_DAYS 91

typedef struct
{
  guint views;
  guint lists;
  guint reveals;
  guint verifies;
  guint exports;
} FdReviewCounts;

/* One account as a review shows it. */
typedef struct
{
  const FdReviewItem *item;
  FdUserRecord       *user;          /* NULL when the account no longer exists */
  GPtrArray          *estates;       /* char*: estate codes; empty = company-wide */
  gint64              last_sign_in;  /* µs; 0 = never */
  char               *workstation;   /* of that sign-in */
  FdReviewCounts     *weeks;         /* n_weeks */
} FdReviewLine;

/* A review with what it shows, computed from the store: the accounts'
 * records, last sign-ins and weekly counts (whole ISO weeks, UTC, from
 * the week of period_from to the week it opened). The cost follows
 * accounts × days, never the size of the audit log. */
typedef struct
{
  const FdReviewRecord *review;
  guint                 n_weeks;
  char                **week_labels;   /* "2026-W48" */
  GPtrArray            *lines;         /* FdReviewLine*, by user id */
} FdReviewView;

FdReviewView *fd_review_view_new   (FdStore              *store,
                                    const FdReviewRecord *review);
void          fd_review_view_free  (FdReviewView         *view);
/* The review object of GET /reviews/current. */
void          fd_review_view_write (const FdReviewView   *view,
                                    FdJsonWriter         *w);
/* One row per account, period totals; no resident data (there is none). */
char         *fd_review_view_csv   (const FdReviewView   *view,
                                    gsize                *len);

/* The accounts a review opened now in the store's scope covers (gint64
 * ids): every enabled account of the estate, the company-wide roles
 * (auditor, admin) excepted. */
GArray       *fd_review_accounts   (FdStore              *store);

/* Whether a manager may give this role in a review (estate roles only). */
gboolean      fd_review_role_assignable (const char      *role);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdReviewView, fd_review_view_free)

G_END_DECLS
