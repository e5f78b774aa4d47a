/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The security self-check (issue 12). */

#include "config.h"

#include <errno.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <string.h>
#include <sys/stat.h>

#include "fd-check-private.h"
#include "fd-store-pg.h"

/* See fd-check.h for the levels. Every finding names a file, an account
 * (username), a count or a sequence number — never a resident's data. */

const char *
fd_check_level_name (FdCheckLevel level)
{
  switch (level)
    {
    case FD_CHECK_CRITICAL:
      return "critical";
    case FD_CHECK_WARNING:
      return "warning";
    case FD_CHECK_OK:
    default:
      return "ok";
    }
}

FdCheckLevel
fd_check_worst (GPtrArray *findings)
{
  FdCheckLevel worst = FD_CHECK_OK;

  for (guint i = 0; i < findings->len; i++)
    worst = MAX (worst, ((FdFinding *) g_ptr_array_index (findings, i))->level);
  return worst;
}

static void
finding_free (FdFinding *f)
{
  g_free (f->id);
  g_free (f->what);
  g_free (f->fix);
  g_free (f);
}

static void
stat_file (FileMode   *f,
           const char *path)
{
  struct stat st;

  f->path = g_strdup (path);
  if (path != NULL && stat (path, &st) == 0)
    {
      f->exists = TRUE;
      f->mode = st.st_mode & 07777;
    }
  else if (path != NULL && errno != ENOENT)
    f->error = g_strdup (g_strerror (errno));
}

static void
file_mode_clear (FileMode *f)
{
  g_free (f->path);
  g_free (f->error);
}

FdCheckJob *
fd_check_job_new (const FdConfig *config,
                  gint64          now)
{
  FdCheckJob *job = g_new0 (FdCheckJob, 1);
  g_autofree char *wal = g_strconcat (config->db_path, "-wal", NULL);

  job->now = now;
  job->data_dir = g_strdup (config->data_dir);
  job->certificate = g_strdup (config->certificate);
  job->ca_path = g_build_filename (config->data_dir, "ca.pem", NULL);
  job->listen_host = g_strdup (config->listen_host);
  job->demo = config->demo;
  job->alerts_configured = config->alert_webhook != NULL || config->alert_syslog != NULL;
  job->findings = g_ptr_array_new_with_free_func ((GDestroyNotify) finding_free);
  stat_file (&job->dir, config->data_dir);
  stat_file (&job->key, config->key_file);
  stat_file (&job->tls_key, config->private_key);
  stat_file (&job->db, config->db_path);
  stat_file (&job->wal, wal);
  job->pg = fd_config_is_postgresql (config);
  if (job->pg)
    {
      job->pg_conninfo = g_strdup (config->database);
      stat_file (&job->pg_password_file, config->database_password_file);
    }
  return job;
}

void
fd_check_job_read_store (FdCheckJob *job,
                         FdStore    *store,
                         gboolean    quick)
{
  gint64 day = (gint64) 24 * 3600 * G_USEC_PER_SEC;

  job->store = store;
  job->quick = quick;
  job->accounts = FD_STORE_CALL0 (store, account_activity);
  job->failed_deliveries = FD_STORE_CALL (store, delivery_count, "failed", job->now - 7 * day);
  job->retrying_deliveries = FD_STORE_CALL (store, delivery_count, "pending", job->now - day);
  if (job->pg && g_str_equal (store->backend->name, "postgresql"))
    {
      g_autoptr(GError) error = NULL;

      /* roles change behind a running server: read it again, not only at open */
      job->pg_role_problem = fd_store_pg_role_problem (store, &job->pg_login, &error);
      if (error != NULL)
        job->pg_role_error = g_strdup (error->message);
    }
}

void
fd_check_job_store_failed (FdCheckJob *job,
                           const char *message)
{
  g_free (job->store_error);
  job->store_error = g_strdup (message);
}

GPtrArray *
fd_check_job_findings (FdCheckJob *job)
{
  return job->findings;
}

void
fd_check_job_free (FdCheckJob *job)
{
  if (job == NULL)
    return;
  g_free (job->data_dir);
  g_free (job->certificate);
  g_free (job->ca_path);
  g_free (job->listen_host);
  g_free (job->store_error);
  file_mode_clear (&job->dir);
  file_mode_clear (&job->key);
  file_mode_clear (&job->tls_key);
  file_mode_clear (&job->db);
  file_mode_clear (&job->wal);
  g_free (job->pg_conninfo);
  file_mode_clear (&job->pg_password_file);
  g_free (job->pg_login);
  g_free (job->pg_role_problem);
  g_free (job->pg_role_error);
  g_clear_pointer (&job->accounts, g_ptr_array_unref);
  g_ptr_array_unref (job->findings);
  g_free (job);
}

/* files */

static void
check_dir (FdCheckJob *job)
{
  FileMode *f = &job->dir;

  if (!f->exists)
    {
      add (job, "data-dir-mode", FD_CHECK_CRITICAL, "The data directory %s cannot be read (%s)",
           f->path, f->error ? f->error : "missing");
      fix (job, "point [server] data-dir at the server's data directory");
    }
  else if (f->mode & (S_IWGRP | S_IWOTH))
    {
      add (job, "data-dir-mode", FD_CHECK_CRITICAL,
           "The data directory %s has mode %04o: others may replace its files", f->path, f->mode);
      fix (job, "chmod 700 %s", f->path);
    }
  else if (f->mode & (S_IRWXG | S_IRWXO))
    {
      add (job, "data-dir-mode", FD_CHECK_WARNING,
           "The data directory %s has mode %04o, wider than the baseline's 0700", f->path, f->mode);
      fix (job, "chmod 700 %s", f->path);
    }
  else
    add (job, "data-dir-mode", FD_CHECK_OK, "The data directory %s has mode %04o", f->path, f->mode);
}

/* @allowed: the mode bits the baseline allows beyond the owner's. */
void
fd_check_private_file (FdCheckJob *job,
                       FileMode   *f,
                       const char *id,
                       const char *name,
                       guint       allowed,
                       const char *fix_mode)
{
  if (!f->exists)
    {
      add (job, id, FD_CHECK_CRITICAL, "The %s %s cannot be read (%s)", name, f->path,
           f->error ? f->error : "missing");
      fix (job, "restore it from its backup, or point the configuration at it");
    }
  else if ((f->mode & 077 & ~allowed) != 0)
    {
      add (job, id, FD_CHECK_CRITICAL, "The %s %s has mode %04o: %s may %s it", name, f->path,
           f->mode, (f->mode & 007) ? "every local user" : "its group",
           (f->mode & (S_IROTH | S_IRGRP)) ? "read" : "change");
      fix (job, "chmod %s %s (and chown it to the server's account)", fix_mode, f->path);
    }
  else
    add (job, id, FD_CHECK_OK, "The %s %s has mode %04o", name, f->path, f->mode);
}

/* certificate and TLS */

static gnutls_x509_crt_t
load_certificate (const char  *path,
                  char       **problem)
{
  g_autofree char *pem = NULL;
  gsize len = 0;
  g_autoptr(GError) error = NULL;
  gnutls_datum_t datum;
  gnutls_x509_crt_t crt = NULL;
  int ret;

  if (!g_file_get_contents (path, &pem, &len, &error))
    {
      *problem = g_strdup (error->message);
      return NULL;
    }
  datum.data = (unsigned char *) pem;
  datum.size = len;
  gnutls_x509_crt_init (&crt);
  ret = gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_PEM);
  if (ret < 0)
    {
      *problem = g_strdup_printf ("not a PEM certificate (%s)", gnutls_strerror (ret));
      gnutls_x509_crt_deinit (crt);
      return NULL;
    }
  return crt;
}

static void
check_certificate (FdCheckJob        *job,
                   gnutls_x509_crt_t  crt,
                   const char        *problem)
{
  time_t expires;
  gint64 days;
  g_autoptr(GDateTime) when = NULL;
  g_autofree char *date = NULL;

  if (crt == NULL)
    {
      add (job, "certificate-expiry", FD_CHECK_CRITICAL, "The server certificate %s cannot be read: %s",
           job->certificate, problem);
      fix (job, "install the office's certificate and point [server] certificate at it");
      return;
    }
  expires = gnutls_x509_crt_get_expiration_time (crt);
  when = g_date_time_new_from_unix_utc (expires);
  date = when ? g_date_time_format (when, "%Y-%m-%d %H:%M UTC") : g_strdup ("?");
  /* whole days left, rounded down */
  days = ((gint64) expires * G_USEC_PER_SEC - job->now) / ((gint64) 24 * 3600 * G_USEC_PER_SEC);
  if ((gint64) expires * G_USEC_PER_SEC <= job->now)
    {
      add (job, "certificate-expiry", FD_CHECK_CRITICAL,
           "The server certificate %s expired on %s: clients refuse the server", job->certificate, date);
      fix (job, "renew the certificate, install it and restart the server");
    }
  else if (days < FD_CHECK_CERT_CRIT_DAYS)
    {
      add (job, "certificate-expiry", FD_CHECK_CRITICAL,
           "The server certificate %s expires on %s, in %" G_GINT64_FORMAT " days",
           job->certificate, date, days);
      fix (job, "renew the certificate now, install it and restart the server");
    }
  else if (days < FD_CHECK_CERT_WARN_DAYS)
    {
      add (job, "certificate-expiry", FD_CHECK_WARNING,
           "The server certificate %s expires on %s, in %" G_GINT64_FORMAT " days",
           job->certificate, date, days);
      fix (job, "renew the certificate before it expires, install it and restart the server");
    }
  else
    add (job, "certificate-expiry", FD_CHECK_OK,
         "The server certificate expires on %s, in %" G_GINT64_FORMAT " days", date, days);
}

static void
check_tls (FdCheckJob        *job,
           gnutls_x509_crt_t  crt)
{
  const char *priority = g_getenv ("G_TLS_GNUTLS_PRIORITY");
  g_autoptr(GString) weak = g_string_new (NULL);
  gnutls_priority_t prio = NULL;
  const unsigned int *protocols = NULL;
  gboolean has_13 = FALSE;
  int n;

  if (priority == NULL)
    g_string_append (weak, "the GnuTLS priority is the system's default, not the server's; ");
  else if (gnutls_priority_init (&prio, priority, NULL) < 0)
    g_string_append (weak, "the GnuTLS priority string does not parse; ");
  else
    {
      n = gnutls_priority_protocol_list (prio, &protocols);
      for (int i = 0; i < n; i++)
        {
          if (protocols[i] == GNUTLS_TLS1_3)
            has_13 = TRUE;
          if (protocols[i] == GNUTLS_SSL3 || protocols[i] == GNUTLS_TLS1_0 ||
              protocols[i] == GNUTLS_TLS1_1)
            g_string_append_printf (weak, "%s is offered; ",
                                    gnutls_protocol_get_name (protocols[i]));
        }
      if (!has_13)
        g_string_append (weak, "TLS 1.3 is not offered; ");
      gnutls_priority_deinit (prio);
    }
  if (crt != NULL)
    {
      unsigned int bits = 0;
      int pk = gnutls_x509_crt_get_pk_algorithm (crt, &bits);
      int sign = gnutls_x509_crt_get_signature_algorithm (crt);
      gnutls_digest_algorithm_t dig = gnutls_sign_get_hash_algorithm (sign);

      if (pk == GNUTLS_PK_RSA && bits < 2048)
        g_string_append_printf (weak, "the certificate's RSA key has %u bits (under 2048); ", bits);
      if ((pk == GNUTLS_PK_ECDSA || pk == GNUTLS_PK_EC) && bits < 256)
        g_string_append_printf (weak, "the certificate's EC key has %u bits (under 256); ", bits);
      if (dig == GNUTLS_DIG_SHA1 || dig == GNUTLS_DIG_MD5)
        g_string_append_printf (weak, "the certificate is signed with %s; ",
                                gnutls_digest_get_name (dig));
    }
  if (weak->len > 0)
    {
      g_string_truncate (weak, weak->len - 2);
      add (job, "tls-settings", FD_CHECK_CRITICAL, "TLS is below the baseline: %s", weak->str);
      fix (job, "use a certificate with an ECDSA P-256 or RSA 2048+ key signed with SHA-256, and "
                "start the server through frontdesk-server (it sets TLS 1.2/1.3 with AEAD ciphers)");
    }
  else
    add (job, "tls-settings", FD_CHECK_OK,
         "TLS 1.2 and 1.3 only, AEAD ciphers, a strong certificate key");
}

static void
check_listen (FdCheckJob        *job,
              gnutls_x509_crt_t  crt)
{
  g_autofree char *ca_problem = NULL;
  gnutls_x509_crt_t ca = NULL;
  gboolean demo_cert = FALSE;

  if (job->listen_host == NULL || fd_host_is_loopback (job->listen_host))
    {
      add (job, "listen-certificate", FD_CHECK_OK, "The server listens on loopback only (%s)",
           job->listen_host ? job->listen_host : "127.0.0.1");
      return;
    }
  if (crt != NULL && g_file_test (job->ca_path, G_FILE_TEST_EXISTS))
    ca = load_certificate (job->ca_path, &ca_problem);
  if (ca != NULL)
    {
      demo_cert = gnutls_x509_crt_check_issuer (crt, ca) != 0;
      gnutls_x509_crt_deinit (ca);
    }
  if (crt == NULL || demo_cert)
    {
      add (job, "listen-certificate", FD_CHECK_WARNING,
           "The server listens on %s with %s", job->listen_host,
           crt == NULL ? "no usable certificate" : "the demo's self-made certificate");
      fix (job, "set [server] certificate and private-key to a certificate of the office's CA "
                "(README, \"Deploying the server\")");
    }
  else
    add (job, "listen-certificate", FD_CHECK_OK,
         "The server listens on %s with a configured certificate", job->listen_host);
}

/* accounts */

static void
append_name (GString    *names,
             guint      *n,
             const char *username)
{
  if ((*n)++ < 10)
    g_string_append_printf (names, "%s%s", names->len ? ", " : "", username);
}

static void
finish_names (GString *names,
              guint    n)
{
  if (n > 10)
    g_string_append_printf (names, " and %u more", n - 10);
}

static void
check_accounts (FdCheckJob *job)
{
  g_autoptr(GString) demo = g_string_new (NULL);
  g_autoptr(GString) stale = g_string_new (NULL);
  g_autoptr(GString) one_time = g_string_new (NULL);
  gint64 stale_before = job->now - (gint64) FD_CHECK_STALE_DAYS * 24 * 3600 * G_USEC_PER_SEC;
  gint64 issued_before = job->now - (gint64) FD_CHECK_ONE_TIME_DAYS * 24 * 3600 * G_USEC_PER_SEC;
  guint n_demo = 0, n_stale = 0, n_one_time = 0;

  for (guint i = 0; i < job->accounts->len; i++)
    {
      FdAccountActivity *a = g_ptr_array_index (job->accounts, i);

      if (a->disabled)
        continue;
      if (g_strcmp0 (a->password_origin, "demo") == 0)
        append_name (demo, &n_demo, a->username);
      if (MAX (a->last_sign_in, a->created_at) < stale_before)
        append_name (stale, &n_stale, a->username);
      /* issued by an admin and never replaced: whoever carried it may still have it */
      if (g_strcmp0 (a->password_origin, "one-time") == 0 && a->password_set_at < issued_before)
        append_name (one_time, &n_one_time, a->username);
    }
  finish_names (demo, n_demo);
  finish_names (stale, n_stale);
  finish_names (one_time, n_one_time);


  if (n_demo > 0)
    {
      add (job, "demo-passwords", FD_CHECK_CRITICAL,
           "%u enabled account%s still use%s the demo password: %s", n_demo,
           n_demo == 1 ? "" : "s", n_demo == 1 ? "s" : "", demo->str);
      fix (job, "give each a new password (admin: Accounts, or PATCH /api/v1/users/ID) or "
                "disable it; never serve an office from a demo data directory");
    }
  else
    add (job, "demo-passwords", FD_CHECK_OK, "No enabled account uses the demo password");

  if (n_stale > 0)
    {
      add (job, "stale-accounts", FD_CHECK_WARNING,
           "%u enabled account%s ha%s not signed in for %d days: %s", n_stale,
           n_stale == 1 ? "" : "s", n_stale == 1 ? "s" : "ve", FD_CHECK_STALE_DAYS, stale->str);
      fix (job, "disable the accounts of people who left or no longer need access "
                "(frontdesk-server user disable --username U)");
    }
  else
    add (job, "stale-accounts", FD_CHECK_OK,
         "Every enabled account signed in within %d days", FD_CHECK_STALE_DAYS);

  if (n_one_time > 0)
    {
      add (job, "one-time-passwords", FD_CHECK_WARNING,
           "%u enabled account%s still use%s a one-time password issued over %d days ago: %s",
           n_one_time, n_one_time == 1 ? "" : "s", n_one_time == 1 ? "s" : "",
           FD_CHECK_ONE_TIME_DAYS, one_time->str);
      fix (job, "ask each person to sign in and set their own password, or give a new one "
                "(admin: Accounts) or disable the account "
                "(frontdesk-server user disable --username U)");
    }
  else
    add (job, "one-time-passwords", FD_CHECK_OK,
         "No enabled account keeps a one-time password for over %d days", FD_CHECK_ONE_TIME_DAYS);
}

static void
fd_check_alerts (FdCheckJob *job)
{
  if (!job->alerts_configured)
    {
      add (job, "alert-delivery", FD_CHECK_WARNING,
           "Alerts stay inside the app: no alert-webhook or alert-syslog is configured");
      fix (job, "set alert-webhook (and alert-webhook-format) or alert-syslog in [server] so "
                "that an alert reaches a person at once");
    }
  else if (job->failed_deliveries > 0 || job->retrying_deliveries > 0)
    {
      add (job, "alert-delivery", FD_CHECK_WARNING,
           "Alert delivery is failing: %u given up in the last 7 days, %u being retried",
           job->failed_deliveries == G_MAXUINT ? 0 : job->failed_deliveries,
           job->retrying_deliveries == G_MAXUINT ? 0 : job->retrying_deliveries);
      fix (job, "read the last error on the Alerts page (or GET /api/v1/alerts/deliveries), fix "
                "the receiver or the address, then send a test alert");
    }
  else
    add (job, "alert-delivery", FD_CHECK_OK, "Alerts are delivered out of the app");
}

void
fd_check_job_run (FdCheckJob *job)
{
  g_autofree char *problem = NULL;
  gnutls_x509_crt_t crt;

  check_dir (job);
  fd_check_private_file (job, &job->key, "data-key-mode", "data key file", 0, "600");
  /* The README installs the TLS key root:frontdesk 0640. */
  fd_check_private_file (job, &job->tls_key, "tls-key-mode", "TLS private key", S_IRGRP, "640");
  if (job->pg)
    fd_check_pg_connection (job);
  else
    fd_check_database_file (job);

  crt = load_certificate (job->certificate, &problem);
  check_certificate (job, crt, problem);
  check_tls (job, crt);
  check_listen (job, crt);
  if (crt != NULL)
    gnutls_x509_crt_deinit (crt);

  if (job->store == NULL)
    {
      add (job, "database-open", FD_CHECK_CRITICAL, "The database cannot be opened: %s",
           job->store_error ? job->store_error : "unknown error");
      fix (job, "fix the finding above (a key file with a wrong mode or owner, a wrong key) "
                "and run the check again");
      return;
    }
  check_accounts (job);
  if (job->pg)
    fd_check_pg_role (job);
  fd_check_database (job);
  fd_check_alerts (job);
}
