/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Wire records of the rules acknowledgment and the incident radius (issue 12). */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define FD_API_PATH_RULES             "/rules"
#define FD_API_PATH_RULES_ACKNOWLEDGE "/rules/acknowledge"
#define FD_API_PATH_RULES_ACKS        "/rules/acknowledgments"

/* GET /rules */
typedef struct
{
  gint64  version;
  char   *zh_CN;
  char   *en;
} FdRulesText;

/* One item of GET /rules/acknowledgments */
typedef struct
{
  char     *user;
  char     *display_name;
  char     *role;
  gint64    acknowledged_version;   /* -1: never */
  char     *acknowledged_at;        /* NULL: never */
  gboolean  overdue;
} FdRulesAck;

/* One resident or visitor of GET /incidents/radius */
#define FD_RADIUS_N_COUNTS 5
typedef struct
{
  gboolean  visitor;
  char     *id;
  char     *name;                   /* masked; NULL when the role sees none */
  char     *room;
  gint64    counts[FD_RADIUS_N_COUNTS]; /* view, list, reveal, verify, export */
  char    **fields;                 /* wire names: "name", "phone", … */
} FdRadiusRow;

typedef struct
{
  char      *user;
  char      *from;
  char      *to;
  GPtrArray *rows;                  /* FdRadiusRow*: residents, then visitors */
  guint      n_residents;
  char      *notice;                /* notice_zh_CN */
} FdRadiusReport;

FdRulesText    *fd_rules_text_parse      (JsonNode *node, GError **error);
void            fd_rules_text_free       (FdRulesText *text);
/* The text for the UI language: zh_CN when the messages locale is Chinese. */
const char     *fd_rules_text_for_locale (const FdRulesText *text);
gpointer        fd_rules_ack_parse       (JsonNode *node, GError **error);
void            fd_rules_ack_free        (gpointer ack);
FdRadiusReport *fd_radius_report_parse   (JsonNode *node, GError **error);
void            fd_radius_report_free    (FdRadiusReport *report);

/* /incidents/radius?user=…&from=…&to=…&cause=…(&format=csv) */
char           *fd_api_path_radius       (const char *user,
                                          const char *from,
                                          const char *to,
                                          const char *cause,
                                          gboolean    csv);
/* {"version": N} */
JsonNode       *fd_rules_acknowledge_body (gint64 version);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdRulesText, fd_rules_text_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdRadiusReport, fd_radius_report_free)

G_END_DECLS
