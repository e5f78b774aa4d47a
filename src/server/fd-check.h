/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The security self-check (issue 12): `frontdesk-server check` and GET /api/v1/admin/checks. */

#pragma once

#include "fd-config.h"
#include "fd-store.h"

G_BEGIN_DECLS

/* Levels (docs/security.md, "Security self-check"):
 *   critical — resident data is exposed or its protection is broken now:
 *     a key or database file others may read, an expired certificate or
 *     one expiring within 7 days, TLS below 1.2 or a weak key, a demo
 *     password left on an enabled account, a broken audit chain, a
 *     database that fails its integrity check, a database that cannot be
 *     opened;
 *   warning — a weakness to fix soon: a certificate expiring within 30
 *     days, an enabled account with no sign-in for 90 days, a LAN listen
 *     on the demo's self-made certificate, a data directory others may
 *     enter, alerts that reach no one or whose delivery failed;
 *   ok — the check passed (said too, so a reader sees what was checked). */
typedef enum
{
  FD_CHECK_OK,
  FD_CHECK_WARNING,
  FD_CHECK_CRITICAL,
} FdCheckLevel;

typedef struct
{
  char        *id;      /* stable: "data-key-mode", "certificate-expiry", … */
  FdCheckLevel level;
  char        *what;    /* one line, English; no resident data ever */
  char        *fix;
} FdFinding;

#define FD_CHECK_STALE_DAYS       90
/* A password the server issued (reset, new account) that nobody replaced. */
#define FD_CHECK_ONE_TIME_DAYS    7
#define FD_CHECK_CERT_WARN_DAYS   30
#define FD_CHECK_CERT_CRIT_DAYS   7

typedef struct _FdCheckJob FdCheckJob;

/* Reads the file modes (a few stat() calls) and copies what it needs of
 * @config: call it before opening the store (which tightens the
 * database's mode). */
FdCheckJob   *fd_check_job_new        (const FdConfig *config,
                                       gint64          now);
/* The cheap store reads (accounts, delivery counts), on the store's
 * thread. @quick: PRAGMA quick_check instead of integrity_check later. */
void          fd_check_job_read_store (FdCheckJob     *job,
                                       FdStore        *store,
                                       gboolean        quick);
/* The store could not be opened: a critical finding instead. */
void          fd_check_job_store_failed (FdCheckJob   *job,
                                         const char   *message);
/* Everything else: certificate, TLS, the audit chain, the integrity
 * check. May run in a worker thread (audit_verify and integrity_check
 * use connections of their own). */
void          fd_check_job_run        (FdCheckJob     *job);
/* FdFinding*, in check order. */
GPtrArray    *fd_check_job_findings   (FdCheckJob     *job);
void          fd_check_job_free       (FdCheckJob     *job);

FdCheckLevel  fd_check_worst          (GPtrArray      *findings);
const char   *fd_check_level_name     (FdCheckLevel    level);

G_END_DECLS
