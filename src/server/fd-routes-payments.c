/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Routes: the payments list for finance and managers (issue 14). */

#include "config.h"

#include <string.h>

#include "fd-field.h"
#include "fd-limits.h"
#include "fd-server-private.h"
#include "fd-validate.h"

/* GET /payments?overdue=1&q=&limit=&cursor=: residents with their payment
 * state, as the role sees them (fd_policy_write_payment), found through
 * the search index on a search worker exactly as GET /residents finds
 * them. With overdue=1 a worker looks at most WINDOW residents for a page,
 * so a page may be short: its next_cursor then goes on from the last
 * resident looked at. The cost follows the window, not the population. */

#define WINDOW 2000

typedef struct
{
  FdRequest *req;
  char      *context;
  guint      limit;
  FdRole     role;
  gboolean   overdue_only;
  guint      window;
  gint64     estate_id;   /* issue 11: the request's */
  /* written on the worker */
  GArray    *shown;       /* ids of the page's items */
  gint64     next_after;  /* 0: the end */
  char      *items;
  gsize      items_len;
} PaymentsJob;

static void
payments_job_free (gpointer data)
{
  PaymentsJob *job = data;

  fd_request_unref (job->req);
  g_free (job->context);
  g_clear_pointer (&job->shown, g_array_unref);
  if (job->items != NULL)
    explicit_bzero (job->items, job->items_len);
  g_free (job->items);
  g_free (job);
}

/* On the search worker: keep the overdue ones if asked, write the page. */
static void
payments_render (GArray    *ids,
                 GPtrArray *summaries,
                 gpointer   data)
{
  PaymentsJob *job = data;
  FdJsonWriter w;
  guint i;

  job->shown = g_array_new (FALSE, FALSE, sizeof (gint64));
  fd_json_writer_init (&w, 192 * job->limit + 16);
  fd_json_writer_begin_array (&w);
  for (i = 0; i < summaries->len && job->shown->len < job->limit; i++)
    {
      const FdResidentRecord *r = summaries->pdata[i];

      /* the second wall (issue 11): the index answered for the estate */
      if ((job->estate_id != FD_ESTATE_ALL && r->estate_id != job->estate_id) ||
          (job->overdue_only && !r->overdue))
        continue;
      fd_policy_write_payment (&w, job->role, r);
      g_array_append_val (job->shown, r->id);
    }
  fd_json_writer_end_array (&w);
  job->items = fd_json_writer_steal (&w, &job->items_len);

  /* More may follow: a full page with residents left to look at, or a
   * window used up before the page was. */
  job->next_after = 0;
  if (job->shown->len == job->limit)
    {
      for (; i < summaries->len; i++)
        {
          const FdResidentRecord *r = summaries->pdata[i];

          if ((job->estate_id == FD_ESTATE_ALL || r->estate_id == job->estate_id) &&
              (!job->overdue_only || r->overdue))
            break;
        }
      if (i < summaries->len || ids->len == job->window)
        job->next_after = g_array_index (job->shown, gint64, job->shown->len - 1);
    }
  else if (ids->len == job->window)
    job->next_after = g_array_index (ids, gint64, ids->len - 1);
}

static void
payments_searched (GArray   *found,
                   gpointer  data)
{
  PaymentsJob *job = data;
  g_autoptr(GArray) ids = found;
  FdRequest *req = job->req;
  g_auto(FdJsonWriter) w = { 0 };

  /* Like a search: audited without the query text (it may be a name),
   * and the rows shown count toward the bulk rules. */
  if (fd_audit (req, "search", NULL, "payments", NULL, job->overdue_only ? "overdue" : NULL,
                TRUE) &&
      fd_limits_note_listed (req, job->shown, job->shown->len))
    {
      fd_json_writer_init (&w, job->items_len + 128);
      fd_json_writer_begin_object (&w);
      fd_json_writer_member (&w, "items");
      fd_json_writer_raw (&w, job->items, job->items_len);
      fd_json_writer_member (&w, "next_cursor");
      if (job->next_after != 0)
        {
          g_autofree char *next = fd_cursor_encode (req->server, job->context, job->next_after);
          fd_json_writer_string (&w, next);
        }
      else
        fd_json_writer_null (&w);
      fd_json_writer_end_object (&w);
      fd_reply_writer (req, 200, &w);
    }
  fd_request_resume (req);
}

void
fd_routes_payments_list (FdRequest *req)
{
  g_autofree char *q = NULL;
  g_autofree char *context = NULL;
  const char *overdue;
  FdSearchScope scope;
  gint64 after = 0;
  guint limit;
  PaymentsJob *job;

  /* The roles that see payment amounts (the role table's payments row). */
  if (fd_policy_rule (req->role, FD_FIELD_PAYMENTS)->show != FD_SHOW_CLEAR)
    {
      if (fd_audit (req, "search", NULL, "payments", NULL, NULL, FALSE))
        fd_reply_error (req, FD_ERROR_FORBIDDEN, "Your role does not see payments", NULL);
      return;
    }
  if (!fd_query_limit (req, 50, &limit))
    return;
  overdue = fd_query_get (req, "overdue");
  if (overdue != NULL && !g_str_equal (overdue, "0") && !g_str_equal (overdue, "1"))
    {
      fd_reply_error (req, FD_ERROR_BAD_REQUEST, "overdue is 0 or 1", "overdue");
      return;
    }
  /* "overdue=1" and "overdue=0" are two kinds: a cursor serves only its own */
  if (!fd_search_request_read (req, overdue && *overdue == '1' ? "payments-overdue" : "payments",
                               &q, &context, &after))
    return;

  fd_search_scope_for_role (req->role, &scope);
  scope.estate_id = req->estate_id;
  job = g_new0 (PaymentsJob, 1);
  job->req = fd_request_ref (req);
  job->context = g_steal_pointer (&context);
  job->limit = limit;
  job->role = req->role;
  job->overdue_only = g_strcmp0 (overdue, "1") == 0;
  job->estate_id = req->estate_id;
  job->window = job->overdue_only ? MAX (WINDOW, limit + 1) : limit + 1;
  fd_request_suspend (req);
  fd_search_pool_query (req->server->search_pool, q, &scope, after, job->window,
                        payments_render, payments_searched, job, payments_job_free);
}
