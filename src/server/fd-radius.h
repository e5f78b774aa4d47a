/* SPDX-License-Identifier: GPL-3.0-or-later */
/* An incident's blast radius: who an account touched, and the notice draft. */

#pragma once

#include "fd-json-writer.h"
#include "fd-role.h"
#include "fd-store.h"

G_BEGIN_DECLS

/* Issue 12. Built from what the store reads (incident_radius), for the
 * route (GET /api/v1/incidents/radius) and the command (`incident
 * radius`) alike. Names and rooms are kept in clear here only to be
 * written as the caller's role sees them, names never in clear: no value
 * of any other field is ever read. */

typedef enum
{
  FD_RADIUS_VIEW,
  FD_RADIUS_LIST,
  FD_RADIUS_REVEAL,
  FD_RADIUS_VERIFY,
  FD_RADIUS_EXPORT,
  FD_RADIUS_N_ACTIONS,
} FdRadiusAction;

typedef struct
{
  char    kind;                          /* FD_RADIUS_RESIDENT | FD_RADIUS_VISITOR */
  gint64  id;
  char   *name;                          /* clear, or NULL when gone */
  char   *room;
  guint   counts[FD_RADIUS_N_ACTIONS];
  guint   fields;                        /* 1 << FdField: shown in any form */
  guint   clear_fields;                  /* 1 << FdField: shown in clear, revealed or verified */
} FdRadiusItem;

typedef struct
{
  char      *user;
  char      *from;                       /* RFC 3339 UTC */
  char      *to;
  GPtrArray *residents;                  /* FdRadiusItem*, by id */
  GPtrArray *visitors;
} FdRadius;

/* Takes what @data holds (and clears it). */
FdRadius *fd_radius_build        (const char   *user,
                                  const char   *from,
                                  const char   *to,
                                  FdRadiusData *data);
void      fd_radius_free         (FdRadius     *radius);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdRadius, fd_radius_free)

/* What the office has done so far, for the draft's remedial measures. */
typedef struct
{
  const char *cause;                     /* as the manager entered it, or NULL */
  const char *office_contact;            /* config office-contact, or NULL */
  gboolean    account_stopped;           /* disabled or locked */
  gboolean    frozen;                    /* the incident switch is on */
} FdRadiusNoticeInput;

/* The zh_CN notification draft (PIPL Art. 57): categories of personal
 * information involved, cause, possible harm, remedial measures, what
 * residents can do, and the office's contact. Names no one. */
char     *fd_radius_notice       (const FdRadius            *radius,
                                  const FdRadiusNoticeInput *input);

/* The whole answer of GET /api/v1/incidents/radius. @names_as_seen:
 * residents' names as @caller sees them on /residents (the API);
 * otherwise never in clear (the command line). Visitors' names are
 * always masked. */
void      fd_radius_write_json   (FdJsonWriter   *w,
                                  const FdRadius *radius,
                                  FdRole          caller,
                                  gboolean        names_as_seen,
                                  const char     *notice);
/* A text table (the command's default output). */
char     *fd_radius_format_text  (const FdRadius *radius,
                                  FdRole          caller);
/* A masked CSV of the residents and visitors (UTF-8 with BOM). */
char     *fd_radius_format_csv   (const FdRadius *radius,
                                  FdRole          caller,
                                  gsize          *len);
/* The resident ids in @radius (for the export's audit subjects). */
GArray   *fd_radius_resident_ids (const FdRadius *radius);

G_END_DECLS
