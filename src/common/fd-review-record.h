/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The access review of contract v1.2 (issue 12), as GET /reviews/current
 * answers it. It holds accounts and counts, never resident data. */

typedef struct
{
  char   *week;            /* "2026-W48" */
  gint64  views;
  gint64  lists;
  gint64  reveals;
  gint64  verifies;
  gint64  exports;
} FdReviewWeek;

typedef struct
{
  char      *user_id;
  char      *user;
  char      *display_name;
  char      *role;
  gboolean   disabled;
  char     **estates;      /* NULL-terminated */
  char      *last_sign_in; /* RFC 3339 or NULL */
  char      *workstation;
  GPtrArray *weekly;       /* FdReviewWeek* */
  char      *decision;     /* NULL | "confirmed" | "revoked" | "role-changed" */
  char      *decided_by;
  char      *decided_at;
  gboolean   automatic;
} FdReviewEntry;

typedef struct
{
  char      *id;
  char      *opened_at;
  char      *due_at;
  char      *opened_by;
  char      *signed_off_at;
  char      *signed_off_by;
  GPtrArray *items;        /* FdReviewEntry* */
} FdReview;

/* FD_ERROR_PROTOCOL on any member of the wrong type. */
FdReview *fd_review_parse (JsonNode *node,
                           GError  **error);
void      fd_review_free  (FdReview *review);
/* Undecided entries. */
guint     fd_review_count_undecided (const FdReview *review);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdReview, fd_review_free)

G_END_DECLS
