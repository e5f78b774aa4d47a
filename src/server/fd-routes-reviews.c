/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Routes: the access review (issue 12, contract v1.2). */

#include "config.h"

#include <string.h>

#include "fd-review.h"
#include "fd-server-private.h"

/* A manager opens a review of their estate's accounts, decides on each in
 * one step (confirm, revoke, change role) and signs it off once every
 * account is decided; the auditor reads and exports. Every step is
 * audited with the manager's name. A review carries no resident data. */

/* 409 with a code of its own ("review-open", "review-signed-off",
 * "already-decided", "review-undecided") and @extra members. */
static void
reply_conflict (FdRequest    *req,
                const char   *code,
                const char   *message,
                FdJsonWriter *extra)
{
  g_auto(FdJsonWriter) w = { 0 };

  fd_json_writer_init (&w, 192);
  fd_json_writer_begin_object (&w);
  fd_json_writer_member (&w, "error");
  fd_json_writer_begin_object (&w);
  fd_json_writer_string_member (&w, "code", code);
  fd_json_writer_string_member (&w, "message", message);
  fd_json_writer_splice_members (&w, extra);
  fd_json_writer_end_object (&w);
  fd_json_writer_end_object (&w);
  fd_reply_writer (req, 409, &w);
}

static void
reply_review (FdRequest            *req,
              guint                 status,
              const FdReviewRecord *review)
{
  g_autoptr(FdReviewView) view = fd_review_view_new (req->server->store, review);
  g_auto(FdJsonWriter) w = { 0 };

  fd_json_writer_init (&w, 256 + 128 * view->lines->len * (view->n_weeks + 2));
  fd_review_view_write (view, &w);
  fd_reply_writer (req, status, &w);
}

/* The review named by the path ("current" or an id) in the caller's
 * scope; NULL with the 404 sent. */
static FdReviewRecord *
lookup_review (FdRequest *req)
{
  FdReviewRecord *review = NULL;
  gint64 id = 0;

  if (g_str_equal (req->segments[1], "current") || fd_parse_id (req->segments[1], &id))
    review = FD_STORE_CALL (req->server->store, review_get, id);
  if (review == NULL)
    fd_reply_error (req, FD_ERROR_NOT_FOUND,
                    id == 0 && g_str_equal (req->segments[1], "current")
                    ? "No access review has been opened" : "No such review", NULL);
  return review;
}

void
fd_routes_reviews_open (FdRequest *req)
{
  FdStore *store = req->server->store;
  g_autoptr(FdReviewRecord) current = NULL;
  g_autoptr(FdReviewRecord) review = NULL;
  g_autoptr(GArray) accounts = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *target = NULL, *detail = NULL;
  FdReviewRecord record = { 0 };
  gint64 id, now = fd_now ();

  if (!fd_require_role (req, "review-open", FD_ROLE_MANAGER, FD_N_ROLES) ||
      !fd_begin_writes (req))
    return;
  /* One open review per estate (the store enforces it too). */
  current = FD_STORE_CALL (store, review_get, 0);
  if (current != NULL && current->signed_off_at == 0)
    {
      g_auto(FdJsonWriter) extra = { 0 };
      g_autofree char *open_id = g_strdup_printf ("%" G_GINT64_FORMAT, current->id);

      fd_json_writer_init (&extra, 32);
      fd_json_writer_string_member (&extra, "id", open_id);
      reply_conflict (req, "review-open", "A review is open: sign it off first", &extra);
      return;
    }

  accounts = fd_review_accounts (store);
  record.estate_id = store->scope;
  record.opened_at = now;
  record.due_at = now + (gint64) FD_REVIEW_DUE_DAYS * 86400 * G_USEC_PER_SEC;
  record.period_from = now - (gint64) FD_REVIEW_PERIOD_DAYS * 86400 * G_USEC_PER_SEC;
  record.opened_by = req->user->username;
  id = FD_STORE_CALL (store, review_insert, &record, (const gint64 *) accounts->data,
                      accounts->len, &error);
  if (id == 0)
    {
      if (g_error_matches (error, FD_ERROR, FD_ERROR_BAD_REQUEST))
        reply_conflict (req, "review-open", "A review is open: sign it off first", NULL);
      else
        fd_reply_gerror (req, error);
      return;
    }
  target = g_strdup_printf ("review:%" G_GINT64_FORMAT, id);
  detail = g_strdup_printf ("%u accounts", accounts->len);
  if (!fd_audit (req, "review-open", target, NULL, NULL, detail, TRUE))
    return;
  review = FD_STORE_CALL (store, review_get, id);
  if (review == NULL)
    {
      fd_reply_error (req, FD_ERROR_INTERNAL, "The review could not be read back", NULL);
      return;
    }
  reply_review (req, 201, review);
}

/* After a change: the review as the store now holds it. */
static void
reply_review_again (FdRequest *req)
{
  g_autoptr(FdReviewRecord) review = lookup_review (req);

  if (review != NULL)
    reply_review (req, 200, review);
}

void
fd_routes_reviews_get (FdRequest *req)
{
  g_autoptr(FdReviewRecord) review = NULL;
  g_autofree char *target = NULL;

  if (!fd_require_role (req, "review-read", FD_ROLE_MANAGER, FD_ROLE_AUDITOR, FD_N_ROLES))
    return;
  review = lookup_review (req);
  if (review == NULL)
    return;
  target = g_strdup_printf ("review:%" G_GINT64_FORMAT, review->id);
  if (!fd_audit (req, "review-read", target, NULL, NULL, NULL, TRUE))
    return;
  reply_review (req, 200, review);
}

static FdReviewItem *
find_item (const FdReviewRecord *review,
           gint64                user_id)
{
  for (guint i = 0; i < review->items->len; i++)
    {
      FdReviewItem *item = g_ptr_array_index (review->items, i);
      if (item->user_id == user_id)
        return item;
    }
  return NULL;
}

static gboolean
decision_valid (const char *decision)
{
  return g_strcmp0 (decision, "confirmed") == 0 || g_strcmp0 (decision, "revoked") == 0 ||
         g_strcmp0 (decision, "role-changed") == 0;
}

/* Checks a decision request against the review; FALSE with the answer sent. */
static gboolean
decision_acceptable (FdRequest            *req,
                     const FdReviewRecord *review,
                     gint64                user_id,
                     const char           *decision,
                     const char           *role,
                     const FdUserRecord   *user)
{
  FdReviewItem *item = find_item (review, user_id);

  if (review->signed_off_at != 0)
    {
      reply_conflict (req, "review-signed-off", "This review is signed off", NULL);
      return FALSE;
    }
  if (item == NULL || user == NULL)
    {
      fd_reply_error (req, FD_ERROR_NOT_FOUND, "This account is not in the review", "user_id");
      return FALSE;
    }
  if (item->decision != NULL)
    {
      reply_conflict (req, "already-decided", "This account is decided already", NULL);
      return FALSE;
    }
  /* A manager confirms their own access at most: no self-revoke, no
   * self-promotion or demotion. */
  if (user_id == req->user->id && !g_str_equal (decision, "confirmed"))
    {
      fd_reply_error (req, FD_ERROR_FORBIDDEN, "You can only confirm your own account", NULL);
      return FALSE;
    }
  if (g_str_equal (decision, "role-changed"))
    {
      if (role == NULL || !fd_review_role_assignable (role))
        {
          fd_reply_error (req, FD_ERROR_BAD_REQUEST,
                          "role-changed needs a role: reception, patrol, finance or manager", "role");
          return FALSE;
        }
      if (g_str_equal (role, user->role))
        {
          fd_reply_error (req, FD_ERROR_BAD_REQUEST, "The account has this role already", "role");
          return FALSE;
        }
    }
  return TRUE;
}

/* Applies a revoke or a role change to the account: access follows the
 * decision at once, so every session of the account ends. */
static gboolean
apply_to_account (FdRequest    *req,
                  FdUserRecord *user,
                  const char   *decision,
                  const char   *role,
                  GString      *change)
{
  FdStore *store = req->server->store;
  g_autoptr(GError) error = NULL;
  const char *end_reason;

  if (g_str_equal (decision, "revoked"))
    {
      user->disabled = TRUE;
      end_reason = "disabled";
      g_string_append (change, "disabled");
    }
  else
    {
      g_string_append_printf (change, "role %s -> %s", user->role, role);
      g_free (user->role);
      user->role = g_strdup (role);
      end_reason = "role-changed";
    }
  if (!FD_STORE_CALL (store, user_update, user, &error))
    {
      fd_reply_gerror (req, error);
      return FALSE;
    }
  FD_STORE_CALL (store, sessions_end_for_user, user->id, 0, end_reason, fd_now ());
  return TRUE;
}

void
fd_routes_reviews_decide (FdRequest *req)
{
  FdStore *store = req->server->store;
  g_autoptr(FdReviewRecord) review = NULL;
  g_autoptr(FdUserRecord) user = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) change = g_string_new (NULL);
  g_autofree char *target = NULL;
  const char *user_text, *decision, *role;
  gint64 user_id;

  if (!fd_require_role (req, "review-decision", FD_ROLE_MANAGER, FD_N_ROLES))
    return;
  if (!fd_body_string (req, "user_id", TRUE, 20, &user_text) ||
      !fd_body_string (req, "decision", TRUE, 16, &decision) ||
      !fd_body_string (req, "role", FALSE, 16, &role))
    return;
  if (!fd_parse_id (user_text, &user_id))
    {
      fd_reply_error (req, FD_ERROR_BAD_REQUEST, "user_id is an account id", "user_id");
      return;
    }
  if (!decision_valid (decision))
    {
      fd_reply_error (req, FD_ERROR_BAD_REQUEST,
                      "decision is confirmed, revoked or role-changed", "decision");
      return;
    }
  review = lookup_review (req);
  if (review == NULL)
    return;
  user = FD_STORE_CALL (store, user_by_id, user_id);
  if (!decision_acceptable (req, review, user_id, decision, role, user) ||
      !fd_begin_writes (req))
    return;

  /* The item is taken in one step before anything else is written: of
   * two racing decisions (or a decision and the deadline) one wins. */
  if (!FD_STORE_CALL (store, review_decide, review->id, user_id, decision, req->user->username,
                      fd_now (), &error))
    {
      if (error != NULL)
        fd_reply_gerror (req, error);
      else
        reply_conflict (req, "already-decided", "This account is decided already", NULL);
      return;
    }
  target = g_strdup_printf ("%" G_GINT64_FORMAT, user_id);
  if (!g_str_equal (decision, "confirmed"))
    {
      if (!apply_to_account (req, user, decision, role, change))
        return;
      g_string_append_printf (change, " (access review %" G_GINT64_FORMAT ")", review->id);
      if (!fd_audit (req, "account-change", target, NULL, NULL, change->str, TRUE))
        return;
    }
  {
    g_autofree char *detail = g_strdup_printf ("review:%" G_GINT64_FORMAT, review->id);
    if (!fd_audit (req, "review-decision", target, decision, NULL, detail, TRUE))
      return;
  }
  reply_review_again (req);
}

void
fd_routes_reviews_sign_off (FdRequest *req)
{
  FdStore *store = req->server->store;
  g_autoptr(FdReviewRecord) review = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *target = NULL;
  guint undecided = 0;

  if (!fd_require_role (req, "review-sign-off", FD_ROLE_MANAGER, FD_N_ROLES))
    return;
  review = lookup_review (req);
  if (review == NULL)
    return;
  if (review->signed_off_at != 0)
    {
      reply_conflict (req, "review-signed-off", "This review is signed off", NULL);
      return;
    }
  for (guint i = 0; i < review->items->len; i++)
    undecided += ((FdReviewItem *) g_ptr_array_index (review->items, i))->decision == NULL;
  if (undecided > 0)
    {
      g_auto(FdJsonWriter) extra = { 0 };

      fd_json_writer_init (&extra, 32);
      fd_json_writer_int_member (&extra, "undecided", undecided);
      reply_conflict (req, "review-undecided", "Decide on every account before signing off", &extra);
      return;
    }
  if (!fd_begin_writes (req))
    return;
  /* Checked again by the store, in the same step as the write. */
  if (!FD_STORE_CALL (store, review_sign_off, review->id, req->user->username, fd_now (), &error))
    {
      if (error != NULL)
        fd_reply_gerror (req, error);
      else
        reply_conflict (req, "review-undecided", "Decide on every account before signing off", NULL);
      return;
    }
  target = g_strdup_printf ("review:%" G_GINT64_FORMAT, review->id);
  if (!fd_audit (req, "review-sign-off", target, NULL, NULL, req->user->display_name, TRUE))
    return;
  reply_review_again (req);
}

void
fd_routes_reviews_export (FdRequest *req)
{
  g_autoptr(FdReviewRecord) review = NULL;
  g_autoptr(FdReviewView) view = NULL;
  g_autofree char *target = NULL, *disposition = NULL;
  SoupMessageHeaders *headers;
  char *csv;
  gsize len;

  if (!fd_require_role (req, "export", FD_ROLE_MANAGER, FD_ROLE_AUDITOR, FD_N_ROLES))
    return;
  review = lookup_review (req);
  if (review == NULL)
    return;
  target = g_strdup_printf ("review:%" G_GINT64_FORMAT, review->id);
  /* The visitors export's safeguards: the incident switch stops it, and
   * every export, refused or not, is audited. */
  if (fd_incident_frozen (req->server))
    {
      if (fd_audit (req, "export", target, NULL, NULL, NULL, FALSE))
        fd_reply_frozen (req);
      return;
    }
  view = fd_review_view_new (req->server->store, review);
  csv = fd_review_view_csv (view, &len);
  if (!fd_audit (req, "export", target, NULL, NULL, NULL, TRUE))
    {
      g_free (csv);
      return;
    }
  headers = soup_server_message_get_response_headers (req->msg);
  disposition = g_strdup_printf ("attachment; filename=\"access-review-%" G_GINT64_FORMAT ".csv\"",
                                 review->id);
  soup_message_headers_replace (headers, "Content-Disposition", disposition);
  fd_reply_data (req, 200, "text/csv; charset=utf-8", csv, len);
}
