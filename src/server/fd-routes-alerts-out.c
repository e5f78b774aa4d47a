/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Alert deliveries, the test alert and the security self-check over HTTP (issue 12). */

#include "config.h"

#include "fd-check.h"
#include "fd-limits.h"
#include "fd-server-private.h"

/* GET /api/v1/alerts/deliveries (manager) */

static void
time_member (FdJsonWriter *w,
             const char   *name,
             gint64        usec)
{
  fd_json_writer_member (w, name);
  if (usec <= 0)
    fd_json_writer_null (w);
  else
    {
      g_autofree char *text = fd_time_format_rfc3339 (usec);
      fd_json_writer_string (w, text);
    }
}

static void
nullable_member (FdJsonWriter *w,
                 const char   *name,
                 const char   *value)
{
  fd_json_writer_member (w, name);
  if (value == NULL)
    fd_json_writer_null (w);
  else
    fd_json_writer_string (w, value);
}

void
fd_routes_alert_deliveries (FdRequest *req)
{
  g_autoptr(GPtrArray) items = NULL;
  g_auto(FdJsonWriter) w = { 0 };
  guint limit;

  if (!fd_require_role (req, "alert-deliveries-read", FD_ROLE_MANAGER, FD_N_ROLES) ||
      !fd_query_limit (req, 100, &limit))
    return;
  items = FD_STORE_CALL (req->server->store, delivery_list, limit);
  fd_json_writer_init (&w, 384 * items->len + 64);
  fd_json_writer_begin_object (&w);
  fd_json_writer_member (&w, "items");
  fd_json_writer_begin_array (&w);
  for (guint i = 0; i < items->len; i++)
    {
      FdDeliveryRecord *d = g_ptr_array_index (items, i);
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, d->id);
      g_autofree char *alert_id = g_strdup_printf ("%" G_GINT64_FORMAT, d->alert_id);

      fd_json_writer_begin_object (&w);
      fd_json_writer_string_member (&w, "id", id);
      nullable_member (&w, "alert_id", d->alert_id > 0 ? alert_id : NULL);
      fd_json_writer_string_member (&w, "kind", d->kind);
      fd_json_writer_string_member (&w, "at", d->at);
      fd_json_writer_string_member (&w, "actor", d->actor);
      nullable_member (&w, "estate", d->estate);
      fd_json_writer_string_member (&w, "channel", d->channel);
      fd_json_writer_string_member (&w, "destination", d->destination);
      fd_json_writer_string_member (&w, "status", d->status);
      fd_json_writer_int_member (&w, "attempts", d->attempts);
      nullable_member (&w, "last_error", d->last_error);
      time_member (&w, "created_at", d->created_at);
      time_member (&w, "last_attempt_at", d->last_attempt_at);
      time_member (&w, "next_attempt_at", g_str_equal (d->status, "pending") ? d->next_at : 0);
      time_member (&w, "delivered_at", d->delivered_at);
      fd_json_writer_end_object (&w);
    }
  fd_json_writer_end_array (&w);
  fd_json_writer_end_object (&w);
  fd_reply_writer (req, 200, &w);
}

/* POST /api/v1/alerts/test (manager): a test alert to every destination. */

#define TEST_ALERTS_MAX 10

void
fd_routes_alert_test (FdRequest *req)
{
  g_autoptr(GError) error = NULL;
  g_auto(FdJsonWriter) w = { 0 };
  gint queued;

  if (!fd_require_role (req, "alert-test", FD_ROLE_MANAGER, FD_N_ROLES))
    return;
  /* The robots limit their senders too: a few tests per 10 minutes. */
  switch (fd_limit_take (req, "alert-test", FD_TEN_MINUTES, TEST_ALERTS_MAX, NULL))
    {
    case FD_LIMIT_FAILED:
      return;
    case FD_LIMIT_REFUSED:
      if (fd_audit (req, "alert-test", NULL, NULL, NULL, "rate-limited", FALSE))
        fd_reply_retry_later (req, FD_ERROR_RATE_LIMITED, 600,
                              "At most " G_STRINGIFY (TEST_ALERTS_MAX)
                              " test alerts in 10 minutes");
      return;
    case FD_LIMIT_GRANTED:
    default:
      break;
    }
  queued = fd_alert_out_enqueue (req->server, 0, FD_ESTATE_ALL, "test", req->user->username,
                                 "Test alert sent from Front Desk by a manager", &error);
  if (queued < 0)
    {
      g_warning ("Cannot queue a test alert: %s", error->message);
      fd_reply_error (req, FD_ERROR_UNAVAILABLE, "The test alert could not be queued", NULL);
      return;
    }
  if (!fd_audit (req, "alert-test", NULL, NULL, NULL, NULL, TRUE))
    return;
  fd_json_writer_init (&w, 64);
  fd_json_writer_begin_object (&w);
  fd_json_writer_int_member (&w, "queued", queued);
  fd_json_writer_end_object (&w);
  fd_reply_writer (req, 202, &w);
}

/* GET /api/v1/admin/checks (manager, admin): the self-check. What grows
 * with the data (the audit chain, the integrity check) runs in a worker
 * thread; the answer is kept a short while, so that a refreshing page
 * does not walk the chain again and again. */

#define CHECKS_CACHE_USEC ((gint64) 30 * G_USEC_PER_SEC)

static GPtrArray *cached_findings;   /* main context only */
static gint64     cached_at;
static FdServer  *cached_server;

static gpointer
checks_work (gpointer data)
{
  fd_check_job_run (data);
  return data;
}

static void
reply_findings (FdRequest *req,
                GPtrArray *findings)
{
  g_auto(FdJsonWriter) w = { 0 };

  if (!fd_audit (req, "security-check", NULL, NULL, NULL,
                 fd_check_level_name (fd_check_worst (findings)), TRUE))
    return;
  fd_json_writer_init (&w, 256 * findings->len + 64);
  fd_json_writer_begin_object (&w);
  fd_json_writer_member (&w, "items");
  fd_json_writer_begin_array (&w);
  for (guint i = 0; i < findings->len; i++)
    {
      FdFinding *f = g_ptr_array_index (findings, i);

      fd_json_writer_begin_object (&w);
      fd_json_writer_string_member (&w, "id", f->id);
      fd_json_writer_string_member (&w, "level", fd_check_level_name (f->level));
      fd_json_writer_string_member (&w, "what", f->what);
      fd_json_writer_string_member (&w, "fix", f->fix);
      fd_json_writer_end_object (&w);
    }
  fd_json_writer_end_array (&w);
  fd_json_writer_end_object (&w);
  fd_reply_writer (req, 200, &w);
}

static void
checks_done (FdRequest *req,
             gpointer   result)
{
  FdCheckJob *job = result;

  g_clear_pointer (&cached_findings, g_ptr_array_unref);
  cached_findings = g_ptr_array_ref (fd_check_job_findings (job));
  cached_at = fd_now ();
  cached_server = req->server;
  reply_findings (req, cached_findings);
}

void
fd_routes_admin_checks (FdRequest *req)
{
  FdCheckJob *job;
  const char *fresh = fd_query_get (req, "fresh");

  if (!fd_require_role (req, "security-check", FD_ROLE_MANAGER, FD_ROLE_ADMIN, FD_N_ROLES))
    return;
  if (cached_findings != NULL && cached_server == req->server && g_strcmp0 (fresh, "1") != 0 &&
      fd_now () - cached_at < CHECKS_CACHE_USEC)
    {
      reply_findings (req, cached_findings);
      return;
    }
  /* The cheap store reads here, on the main context; files, the chain
   * and the integrity check on the worker. */
  job = fd_check_job_new (req->server->config, fd_now ());
  fd_check_job_read_store (job, req->server->store, TRUE);
  fd_request_run_in_thread (req, checks_work, job, (GDestroyNotify) fd_check_job_free, checks_done);
}
