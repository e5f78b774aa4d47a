/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The server's settings, from the command line or the config file. */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Server settings: from the command line (demo) or a GKeyFile (serve).
 * See data/server.conf.example and docs/api.md. */
typedef struct
{
  char    *listen_host;          /* "127.0.0.1" */
  guint16  listen_port;          /* 0 = any free port */
  char    *data_dir;
  char    *db_path;              /* default DATA_DIR/frontdesk.db */
  char    *key_file;             /* default DATA_DIR/data.key */
  char    *certificate;          /* PEM; default DATA_DIR/server.pem */
  char    *private_key;          /* PEM; default DATA_DIR/server-key.pem */
  gboolean demo;
  gboolean loopback_only;

  /* policy */
  guint    off_hours_start;      /* minutes after local midnight */
  guint    off_hours_end;
  guint    lock_after_s;
  guint    idle_timeout_s;
  guint    max_age_s;
  guint    reveal_window_s;
  gboolean watermark;
  guint    visitor_retention_days;

  /* audit witness (fd-witness.h): "journal" | "syslog" | "file:PATH" | "off" */
  char    *audit_witness;
  guint    audit_witness_interval_s;   /* 60; demo --audit-witness-interval for tests */
  /* sign-in attempts a minute per source address (issue 9) */
  guint    sign_in_rate;
  /* issue 15: roles that must sign in with a second factor, as bits
   * (1 << FdRole); policy "second-factor" */
  guint    second_factor_roles;

  /* appended (issue 12): alerts out of the app (fd-config-alerts.c,
   * fd-alert-out.h); every one off when NULL */
  char    *alert_webhook;          /* https:// URL (loopback http:// for tests) */
  guint    alert_webhook_format;   /* FdAlertFormat */
  char    *alert_webhook_ca;       /* PEM: trust only this CA for the webhook */
  char    *alert_syslog;           /* "journal" or "HOST:PORT"; NULL = off */
  guint   *alert_retry_s;          /* seconds before each retry; NULL = the default */
  guint    alert_retry_n;

  /* issue 11: the engine. "sqlite" (db_path) or "postgresql": then
   * database is a libpq connection string (a remote host only with
   * sslmode=verify-full) and database_password_file, when set, holds its
   * password (mode 0600 or less). */
  char    *store;
  char    *database;
  char    *database_password_file;
  /* issue 12: the office's contact for incident notices ([server] office-contact) */
  char    *office_contact;
} FdConfig;

/* issue 12: the webhook body (alert-webhook-format) */
typedef enum
{
  FD_ALERT_FORMAT_GENERIC,
  FD_ALERT_FORMAT_WECOM,
  FD_ALERT_FORMAT_DINGTALK,
  FD_ALERT_FORMAT_FEISHU,
} FdAlertFormat;

FdConfig *fd_config_new_defaults   (void);
void      fd_config_free           (FdConfig    *config);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdConfig, fd_config_free)

/* "HH:MM-HH:MM": start included, end excluded, may wrap past midnight;
 * equal ends mean the whole day. */
gboolean  fd_config_parse_off_hours (FdConfig   *config,
                                     const char *text,
                                     GError    **error);
/* "HOST:PORT", "[::1]:PORT". */
gboolean  fd_config_parse_listen    (FdConfig   *config,
                                     const char *text,
                                     GError    **error);
/* Reads a GKeyFile (serve --config). Unknown keys are refused so typos
 * don't silently weaken a policy. */
gboolean  fd_config_load_file       (FdConfig   *config,
                                     const char *path,
                                     GError    **error);
/* TRUE when the configured engine is PostgreSQL (store = postgresql). */
gboolean  fd_config_is_postgresql   (const FdConfig *config);
/* Sets the engine: @store "sqlite" or "postgresql", @database the
 * SQLite path or the libpq connection string (may be NULL for SQLite),
 * @password_file (may be NULL). Refuses an unknown engine and a remote
 * PostgreSQL host without sslmode=verify-full. */
gboolean  fd_config_set_store       (FdConfig   *config,
                                     const char *store,
                                     const char *database,
                                     const char *password_file,
                                     GError    **error);
/* The engine a demo's data directory serves from: DATA_DIR/store.conf,
 * written by `demo --store postgresql` ([server] store, database,
 * database-password-file), so that commands given --data-dir DIR reach
 * the same database. Absent: SQLite, nothing changed. */
gboolean  fd_config_load_store_file (FdConfig   *config,
                                     GError    **error);
gboolean  fd_config_write_store_file (const FdConfig *config,
                                      GError        **error);
/* Fills unset paths from data_dir. */
void      fd_config_resolve_paths   (FdConfig   *config);
/* TRUE if @minute_of_day (local) falls in the off-hours window. */
gboolean  fd_config_is_off_hours    (const FdConfig *config,
                                     guint           minute_of_day);
gboolean  fd_host_is_loopback       (const char *host);
/* "off" or "required-for: ROLE[,ROLE…]" (issue 15). */
gboolean  fd_config_parse_second_factor (FdConfig   *config,
                                         const char *text,
                                         GError    **error);

/* fd-config-alerts.c (issue 12). Sets one alert key ("alert-webhook",
 * "alert-webhook-format", "alert-webhook-ca", "alert-syslog",
 * "alert-retry") from @value, refusing a bad one with a message naming
 * the key and what it accepts. */
gboolean  fd_config_set_alert_key   (FdConfig    *config,
                                     const char  *key,
                                     const char  *value,
                                     GError     **error);
/* Reads every alert-* key of [server] from @kf (unknown ones refused),
 * then fd_config_check_alerts(). */
gboolean  fd_config_load_alerts     (FdConfig    *config,
                                     GKeyFile    *kf,
                                     GError     **error);
/* What only the keys together can say (a CA without a webhook). */
gboolean  fd_config_check_alerts    (FdConfig    *config,
                                     GError     **error);
/* `demo --alert-webhook URL …`: the same keys as options of @config. */
GOptionGroup *fd_config_alert_option_group (FdConfig *config);
/* The retry schedule in effect: alert_retry_s or the default; *@n its length. */
const guint *fd_config_alert_retry   (const FdConfig *config,
                                      guint          *n);
const char  *fd_alert_format_name    (FdAlertFormat   format);

G_END_DECLS
