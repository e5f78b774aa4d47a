/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Access review (issue 12): what a review shows, and the check that disables undecided accounts. */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "fd-estates.h"
#include "fd-review.h"
#include "fd-server-private.h"

#define DAY_USEC ((gint64) 86400 * G_USEC_PER_SEC)

/* UTC calendar day of @usec. */
static void
date_of (gint64  usec,
         GDate  *date)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);

  g_date_clear (date, 1);
  g_date_set_dmy (date, g_date_time_get_day_of_month (dt), g_date_time_get_month (dt),
                  g_date_time_get_year (dt));
}

static void
format_day (const GDate *date,
            char         out[11])
{
  g_snprintf (out, 11, "%04u-%02u-%02u", g_date_get_year (date), g_date_get_month (date),
              g_date_get_day (date));
}

/* "YYYY-MM-DD" → Julian day number, 0 when malformed. */
static guint32
julian_of_day (const char *day)
{
  guint y, m, d;
  GDate date;

  if (sscanf (day, "%4u-%2u-%2u", &y, &m, &d) != 3 || !g_date_valid_dmy (d, m, y))
    return 0;
  g_date_clear (&date, 1);
  g_date_set_dmy (&date, d, m, y);
  return g_date_get_julian (&date);
}

static void
line_free (FdReviewLine *line)
{
  fd_user_record_free (line->user);
  g_clear_pointer (&line->estates, g_ptr_array_unref);
  g_free (line->workstation);
  g_free (line->weeks);
  g_free (line);
}

/* Estate id → code, when the engine knows estates (issue 11). */
static GHashTable *
estate_codes (FdStore *store)
{
  GHashTable *codes = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  g_autoptr(GPtrArray) estates = NULL;

  if (store->backend->estate_list == NULL)
    return codes;
  estates = FD_STORE_CALL0 (store, estate_list);
  for (guint i = 0; estates != NULL && i < estates->len; i++)
    {
      FdEstateRecord *e = g_ptr_array_index (estates, i);
      g_hash_table_insert (codes, g_memdup2 (&e->id, sizeof e->id), g_strdup (e->code));
    }
  return codes;
}

static GArray *
user_estate_ids (FdStore *store,
                 gint64   user_id)
{
  if (store->backend->user_estates == NULL)
    return g_array_new (FALSE, FALSE, sizeof (gint64));
  return FD_STORE_CALL (store, user_estates, user_id);
}

FdReviewView *
fd_review_view_new (FdStore              *store,
                    const FdReviewRecord *review)
{
  FdReviewView *view = g_new0 (FdReviewView, 1);
  g_autoptr(GHashTable) codes = estate_codes (store);
  g_autoptr(GHashTable) by_user = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GArray) days = NULL;
  GDate first, last, end;
  char from_day[11], to_day[11];
  guint32 first_julian;

  view->review = review;
  view->lines = g_ptr_array_new_with_free_func ((GDestroyNotify) line_free);

  /* Whole ISO weeks: from the Monday of period_from's week through the
   * day the review opened. */
  date_of (review->period_from, &first);
  g_date_subtract_days (&first, g_date_get_weekday (&first) - G_DATE_MONDAY);
  date_of (review->opened_at, &last);
  end = last;
  g_date_add_days (&end, 1);
  first_julian = g_date_get_julian (&first);
  view->n_weeks = (g_date_get_julian (&last) - first_julian) / 7 + 1;
  view->week_labels = g_new0 (char *, view->n_weeks + 1);
  for (guint w = 0; w < view->n_weeks; w++)
    {
      GDate monday = first, thursday;

      g_date_add_days (&monday, 7 * w);
      thursday = monday;
      g_date_add_days (&thursday, 3);   /* the ISO year is the Thursday's */
      view->week_labels[w] = g_strdup_printf ("%04u-W%02u", g_date_get_year (&thursday),
                                              g_date_get_iso8601_week_of_year (&monday));
    }

  for (guint i = 0; i < review->items->len; i++)
    {
      const FdReviewItem *item = g_ptr_array_index (review->items, i);
      FdReviewLine *line = g_new0 (FdReviewLine, 1);
      g_autoptr(GArray) ids = user_estate_ids (store, item->user_id);

      line->item = item;
      line->user = FD_STORE_CALL (store, user_by_id, item->user_id);
      line->estates = g_ptr_array_new_with_free_func (g_free);
      for (guint j = 0; ids != NULL && j < ids->len; j++)
        {
          gint64 id = g_array_index (ids, gint64, j);
          const char *code = g_hash_table_lookup (codes, &id);
          g_ptr_array_add (line->estates,
                           code ? g_strdup (code) : g_strdup_printf ("%" G_GINT64_FORMAT, id));
        }
      FD_STORE_CALL (store, user_last_sign_in, item->user_id, &line->last_sign_in,
                     &line->workstation);
      line->weeks = g_new0 (FdReviewCounts, view->n_weeks);
      g_ptr_array_add (view->lines, line);
      g_hash_table_insert (by_user, (gpointer) &item->user_id, line);
    }

  /* A few rows per account and day, from the counter table. */
  format_day (&first, from_day);
  format_day (&end, to_day);
  days = FD_STORE_CALL (store, activity_days, from_day, to_day);
  for (guint i = 0; i < days->len; i++)
    {
      const FdActivityDay *d = &g_array_index (days, FdActivityDay, i);
      FdReviewLine *line = g_hash_table_lookup (by_user, &d->actor_id);
      guint32 julian = julian_of_day (d->day);
      FdReviewCounts *c;

      if (line == NULL || julian < first_julian || (julian - first_julian) / 7 >= view->n_weeks)
        continue;
      c = &line->weeks[(julian - first_julian) / 7];
      c->views += d->views;
      c->lists += d->lists;
      c->reveals += d->reveals;
      c->verifies += d->verifies;
      c->exports += d->exports;
    }
  return view;
}

void
fd_review_view_free (FdReviewView *view)
{
  if (view == NULL)
    return;
  g_strfreev (view->week_labels);
  g_clear_pointer (&view->lines, g_ptr_array_unref);
  g_free (view);
}

static void
time_member (FdJsonWriter *w,
             const char   *name,
             gint64        usec)
{
  g_autofree char *text = usec != 0 ? fd_time_format_rfc3339 (usec) : NULL;
  fd_json_writer_string_member (w, name, text);
}

static void
id_member (FdJsonWriter *w,
           const char   *name,
           gint64        id)
{
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  fd_json_writer_string_member (w, name, text);
}

static void
write_line (const FdReviewView *view,
            const FdReviewLine *line,
            FdJsonWriter       *w)
{
  const FdReviewItem *item = line->item;

  fd_json_writer_begin_object (w);
  id_member (w, "user_id", item->user_id);
  fd_json_writer_string_member (w, "user", line->user ? line->user->username : NULL);
  fd_json_writer_string_member (w, "display_name", line->user ? line->user->display_name : NULL);
  fd_json_writer_string_member (w, "role", line->user ? line->user->role : NULL);
  fd_json_writer_bool_member (w, "disabled", line->user == NULL || line->user->disabled);
  fd_json_writer_member (w, "estates");
  fd_json_writer_begin_array (w);
  for (guint j = 0; j < line->estates->len; j++)
    fd_json_writer_string (w, g_ptr_array_index (line->estates, j));
  fd_json_writer_end_array (w);
  time_member (w, "last_sign_in", line->last_sign_in);
  fd_json_writer_string_member (w, "workstation", line->workstation);
  fd_json_writer_member (w, "weekly");
  fd_json_writer_begin_array (w);
  for (guint k = 0; k < view->n_weeks; k++)
    {
      const FdReviewCounts *c = &line->weeks[k];

      fd_json_writer_begin_object (w);
      fd_json_writer_string_member (w, "week", view->week_labels[k]);
      fd_json_writer_int_member (w, "views", c->views);
      fd_json_writer_int_member (w, "lists", c->lists);
      fd_json_writer_int_member (w, "reveals", c->reveals);
      fd_json_writer_int_member (w, "verifies", c->verifies);
      fd_json_writer_int_member (w, "exports", c->exports);
      fd_json_writer_end_object (w);
    }
  fd_json_writer_end_array (w);
  fd_json_writer_string_member (w, "decision", item->decision);
  fd_json_writer_string_member (w, "decided_by", item->decided_by);
  time_member (w, "decided_at", item->decided_at);
  /* revoked by the server: not decided within FD_REVIEW_DUE_DAYS */
  fd_json_writer_bool_member (w, "automatic", item->decision != NULL && item->decided_by == NULL);
  fd_json_writer_end_object (w);
}

void
fd_review_view_write (const FdReviewView *view,
                      FdJsonWriter       *w)
{
  const FdReviewRecord *r = view->review;
  guint undecided = 0;

  fd_json_writer_begin_object (w);
  id_member (w, "id", r->id);
  time_member (w, "opened_at", r->opened_at);
  time_member (w, "due_at", r->due_at);
  time_member (w, "period_from", r->period_from);
  fd_json_writer_string_member (w, "opened_by", r->opened_by);
  time_member (w, "signed_off_at", r->signed_off_at);
  fd_json_writer_string_member (w, "signed_off_by", r->signed_off_by);
  fd_json_writer_member (w, "items");
  fd_json_writer_begin_array (w);
  for (guint i = 0; i < view->lines->len; i++)
    {
      const FdReviewLine *line = g_ptr_array_index (view->lines, i);

      undecided += line->item->decision == NULL;
      write_line (view, line, w);
    }
  fd_json_writer_end_array (w);
  fd_json_writer_int_member (w, "undecided", undecided);
  fd_json_writer_end_object (w);
}

static void
csv_time (GString *csv,
          gint64   usec)
{
  g_autofree char *text = usec != 0 ? fd_time_format_rfc3339 (usec) : NULL;
  fd_csv_field (csv, text);
}

char *
fd_review_view_csv (const FdReviewView *view,
                    gsize              *len)
{
  GString *csv = g_string_new ("\xEF\xBB\xBF\"review\",\"user_id\",\"user\",\"display_name\","
                               "\"role\",\"estates\",\"disabled\",\"last_sign_in\","
                               "\"workstation\",\"views\",\"lists\",\"reveals\",\"verifies\","
                               "\"exports\",\"decision\",\"decided_by\",\"decided_at\"\r\n");
  g_autofree char *review_id = g_strdup_printf ("%" G_GINT64_FORMAT, view->review->id);

  for (guint i = 0; i < view->lines->len; i++)
    {
      const FdReviewLine *line = g_ptr_array_index (view->lines, i);
      g_autofree char *user_id = g_strdup_printf ("%" G_GINT64_FORMAT, line->item->user_id);
      g_autofree char *estates = NULL;
      FdReviewCounts total = { 0 };
      guint counts[5];

      g_ptr_array_add (line->estates, NULL);
      estates = g_strjoinv (" ", (char **) line->estates->pdata);
      g_ptr_array_remove_index (line->estates, line->estates->len - 1);
      for (guint k = 0; k < view->n_weeks; k++)
        {
          total.views += line->weeks[k].views;
          total.lists += line->weeks[k].lists;
          total.reveals += line->weeks[k].reveals;
          total.verifies += line->weeks[k].verifies;
          total.exports += line->weeks[k].exports;
        }
      counts[0] = total.views, counts[1] = total.lists, counts[2] = total.reveals;
      counts[3] = total.verifies, counts[4] = total.exports;

      fd_csv_field (csv, review_id), g_string_append_c (csv, ',');
      fd_csv_field (csv, user_id), g_string_append_c (csv, ',');
      fd_csv_field (csv, line->user ? line->user->username : NULL), g_string_append_c (csv, ',');
      fd_csv_field (csv, line->user ? line->user->display_name : NULL), g_string_append_c (csv, ',');
      fd_csv_field (csv, line->user ? line->user->role : NULL), g_string_append_c (csv, ',');
      fd_csv_field (csv, estates), g_string_append_c (csv, ',');
      fd_csv_field (csv, line->user == NULL || line->user->disabled ? "yes" : "no");
      g_string_append_c (csv, ',');
      csv_time (csv, line->last_sign_in), g_string_append_c (csv, ',');
      fd_csv_field (csv, line->workstation), g_string_append_c (csv, ',');
      for (guint k = 0; k < G_N_ELEMENTS (counts); k++)
        g_string_append_printf (csv, "\"%u\",", counts[k]);
      fd_csv_field (csv, line->item->decision), g_string_append_c (csv, ',');
      fd_csv_field (csv, line->item->decision != NULL && line->item->decided_by == NULL
                         ? "(automatic)" : line->item->decided_by);
      g_string_append_c (csv, ',');
      csv_time (csv, line->item->decided_at);
      g_string_append (csv, "\r\n");
    }
  *len = csv->len;
  return g_string_free (csv, FALSE);
}

/* The company-wide roles: no estate's review covers them. */
static gboolean
role_company_wide (const char *role)
{
  FdRole r = fd_role_from_string (role);
  return r == FD_ROLE_AUDITOR || r == FD_ROLE_ADMIN;
}

gboolean
fd_review_role_assignable (const char *role)
{
  FdRole r = fd_role_from_string (role);
  return r == FD_ROLE_RECEPTION || r == FD_ROLE_PATROL || r == FD_ROLE_FINANCE ||
         r == FD_ROLE_MANAGER;
}

GArray *
fd_review_accounts (FdStore *store)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) users = FD_STORE_CALL0 (store, user_list);

  for (guint i = 0; i < users->len; i++)
    {
      FdUserRecord *u = g_ptr_array_index (users, i);
      gboolean in_scope = store->scope == FD_ESTATE_ALL;

      if (u->disabled || role_company_wide (u->role))
        continue;
      if (!in_scope)
        {
          g_autoptr(GArray) estates = user_estate_ids (store, u->id);
          for (guint j = 0; estates != NULL && j < estates->len; j++)
            in_scope = in_scope || g_array_index (estates, gint64, j) == store->scope;
        }
      if (in_scope)
        g_array_append_val (ids, u->id);
    }
  return ids;
}

/* The deadline: accounts a review left undecided FD_REVIEW_DUE_DAYS after
 * it opened are disabled and their sessions ended, at start and then each
 * minute. The read is indexed and bounded by the undecided items. */

static void
audit_server_disable (FdStore *store,
                      gint64   review_id,
                      gint64   user_id,
                      gint64   now)
{
  g_autoptr(GError) error = NULL;
  FdReviewRecord *review = FD_STORE_CALL (store, review_get, review_id);
  FdAuditEntry entry = { 0 };

  /* The entry belongs to the review's estate, so that its manager and
   * the auditor reading that estate see the disable. */
  entry.estate_id = review != NULL && review->estate_id != FD_ESTATE_ALL
                    ? review->estate_id : fd_estates_only (store);
  fd_review_record_free (review);
  entry.at = fd_time_format_rfc3339 (now);
  entry.actor = g_strdup ("-");
  entry.action = g_strdup ("account-change");
  entry.target = g_strdup_printf ("%" G_GINT64_FORMAT, user_id);
  entry.field = g_strdup ("disabled");
  entry.reason_code = g_strdup ("review-overdue");
  entry.reason_text = g_strdup_printf ("access review %" G_GINT64_FORMAT ": not confirmed within "
                                       "%d days; disabled", review_id, FD_REVIEW_DUE_DAYS);
  entry.outcome = g_strdup ("allowed");
  if (!FD_STORE_CALL (store, audit_append, &entry, &error))
    g_warning ("Cannot audit an overdue review's disable: %s", error->message);
  fd_audit_entry_clear (&entry);
}

static guint
disable_overdue (FdServer *server)
{
  FdStore *store = server->store;
  g_autoptr(GArray) pairs = NULL;
  g_autoptr(GError) error = NULL;
  gint64 saved_scope = store->scope, now = fd_now ();
  guint n = 0;

  fd_store_set_scope (store, FD_ESTATE_ALL);
  pairs = FD_STORE_CALL (store, review_overdue, now);
  if (pairs->len > 0 && !fd_server_begin_write (server, &error))
    {
      g_warning ("Cannot disable the accounts of overdue reviews now: %s", error->message);
      fd_store_set_scope (store, saved_scope);
      return 0;
    }
  for (guint i = 0; i + 1 < pairs->len; i += 2)
    {
      gint64 review_id = g_array_index (pairs, gint64, i);
      gint64 user_id = g_array_index (pairs, gint64, i + 1);
      g_autoptr(FdUserRecord) user = NULL;

      /* The item first, in one step: a manager's decision that came in
       * meanwhile wins. */
      if (!FD_STORE_CALL (store, review_decide, review_id, user_id, "revoked", NULL, now, &error))
        {
          if (error != NULL)
            g_warning ("Cannot close an overdue review item: %s", error->message);
          g_clear_error (&error);
          continue;
        }
      user = FD_STORE_CALL (store, user_by_id, user_id);
      if (user != NULL && !user->disabled)
        {
          user->disabled = TRUE;
          if (!FD_STORE_CALL (store, user_update, user, &error))
            {
              g_warning ("Cannot disable account %" G_GINT64_FORMAT ": %s", user_id, error->message);
              g_clear_error (&error);
            }
        }
      FD_STORE_CALL (store, sessions_end_for_user, user_id, 0, "disabled", now);
      audit_server_disable (store, review_id, user_id, now);
      n++;
    }
  fd_store_set_scope (store, saved_scope);
  if (n > 0)
    g_message ("Disabled %u accounts an access review left undecided", n);
  return n;
}

static gboolean
review_check_cb (gpointer user_data)
{
  disable_overdue (user_data);
  return G_SOURCE_CONTINUE;
}

void
fd_review_checks_start (FdServer *server)
{
  disable_overdue (server);
  server->review_check_id = g_timeout_add_seconds (60, review_check_cb, server);
}
