/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The office's data-protection rules and who acknowledged which version. */

#pragma once

#include "fd-store.h"

G_BEGIN_DECLS

/* Issue 12: the rules text (zh_CN and English) with a version, kept in
 * the store's settings ("rules.*"), and each account's acknowledgment
 * ("rules.ack.ID" = "VERSION:USEC"). An account's acknowledgment is
 * current when it names the current version and was made in the current
 * calendar quarter (server local time): first use, a new quarter and a new
 * text each ask for it again. Settings are engine-neutral, so every
 * engine has this without a table of its own. */

#define FD_RULES_MAX_CHARS 16000

typedef struct
{
  gint64  version;
  char   *zh_CN;
  char   *en;
} FdRules;

gint64    fd_rules_current_version  (FdStore      *store);
/* The current rules; the shipped default (version 1) until an admin sets
 * a text. */
void      fd_rules_load             (FdStore      *store,
                                     FdRules      *out);
void      fd_rules_clear            (FdRules      *rules);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FdRules, fd_rules_clear)
/* Checks one language's text: valid UTF-8, not blank, at most
 * FD_RULES_MAX_CHARS characters. */
gboolean  fd_rules_text_valid       (const char   *text);
/* Stores a new text as the next version; *@version gets it. */
gboolean  fd_rules_save             (FdStore      *store,
                                     const char   *zh_CN,
                                     const char   *en,
                                     gint64       *version,
                                     GError      **error);

gboolean  fd_rules_ack_set          (FdStore      *store,
                                     gint64        user_id,
                                     gint64        version,
                                     gint64        at,
                                     GError      **error);
/* FALSE when @user_id never acknowledged. */
gboolean  fd_rules_ack_get          (FdStore      *store,
                                     gint64        user_id,
                                     gint64       *version,
                                     gint64       *at);
/* Whether @user_id's acknowledgment is current at @now (µs). */
gboolean  fd_rules_ack_current      (FdStore      *store,
                                     gint64        user_id,
                                     gint64        current_version,
                                     gint64        now);
/* The first instant (µs) of the calendar quarter holding @now, local time. */
gint64    fd_rules_quarter_start    (gint64        now);
/* Marks every account as having acknowledged the current version now
 * (the demo accounts, seeded by `demo`). */
gboolean  fd_rules_acknowledge_all  (FdStore      *store,
                                     GError      **error);

G_END_DECLS
