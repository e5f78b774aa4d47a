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
  /* issue 12: the office's contact for incident notices ([server] office-contact) */
  char    *office_contact;
} FdConfig;

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
/* Fills unset paths from data_dir. */
void      fd_config_resolve_paths   (FdConfig   *config);
/* TRUE if @minute_of_day (local) falls in the off-hours window. */
gboolean  fd_config_is_off_hours    (const FdConfig *config,
                                     guint           minute_of_day);
gboolean  fd_host_is_loopback       (const char *host);

G_END_DECLS
