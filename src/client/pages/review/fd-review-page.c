/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The manager's access review (issue 12). */

#include "config.h"

#include "fd-review-page.h"

#include "fd-export-file.h"
#include "fd-review-row.h"

#include "fd-error.h"
#include "fd-view-util.h"

#include <glib/gi18n.h>

struct _FdReviewPage
{
  GtkWidget     parent_instance;

  GtkWidget    *scroller;
  GtkWidget    *summary_group;
  GtkWidget    *progress;
  GtkWidget    *status_label;
  GtkWidget    *list;
  GtkWidget    *open_button;
  GtkWidget    *sign_off_button;
  GtkWidget    *export_button;

  FdApiClient  *api;
  GCancellable *cancellable;
  FdReview     *review;
  gboolean      can_decide;
  gboolean      busy;
};

G_DEFINE_FINAL_TYPE (FdReviewPage, fd_review_page, GTK_TYPE_WIDGET)

enum {
  LOADED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void toast (FdReviewPage *self, const char *message);

static void
add_entry_row (FdReviewPage        *self,
               const FdReviewEntry *entry,
               gboolean             open)
{
  gtk_list_box_append (GTK_LIST_BOX (self->list),
                       fd_review_row_new (entry, self->can_decide && open));
}

/* ---- state ----------------------------------------------------------------- */

static void
update_summary (FdReviewPage *self)
{
  const FdReview *r = self->review;
  gboolean open = r != NULL && r->signed_off_at == NULL;
  g_autofree char *text = NULL;

  gtk_widget_set_visible (self->open_button, self->can_decide && !open);
  gtk_widget_set_visible (self->sign_off_button, self->can_decide && open);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "review.open", !self->busy && !open);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "review.sign-off",
                                 !self->busy && open && fd_review_count_undecided (r) == 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "review.export", !self->busy && r != NULL);

  if (r == NULL)
    {
      gtk_label_set_text (GTK_LABEL (self->status_label),
                          self->can_decide ? _("No review yet. Open one to review every account "
                                               "of your estate.")
                                           : _("No review yet."));
      gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->progress), 0);
      return;
    }
  {
    guint n = r->items->len, undecided = fd_review_count_undecided (r);
    g_autofree char *opened = fd_view_format_time (r->opened_at, TRUE);
    g_autofree char *due = fd_view_format_time (r->due_at, TRUE);
    g_autofree char *progress = NULL;

    if (r->signed_off_at != NULL)
      {
        g_autofree char *signed_at = fd_view_format_time (r->signed_off_at, TRUE);
        /* Translators: a review's state; %s are a user name and a date and time */
        text = g_strdup_printf (_("Opened %s by %s. Signed off by %s, %s."), opened,
                                r->opened_by ? r->opened_by : "—", r->signed_off_by, signed_at);
      }
    else
      /* Translators: %s are a date and time, a user name, a date and time */
      text = g_strdup_printf (_("Opened %s by %s. Decisions are due by %s; accounts not "
                                "decided by then are disabled."), opened,
                              r->opened_by ? r->opened_by : "—", due);
    gtk_label_set_text (GTK_LABEL (self->status_label), text);
    gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->progress),
                                   n ? (double) (n - undecided) / n : 1.0);
    /* Translators: progress of a review; %u are counts */
    progress = g_strdup_printf (_("%u of %u accounts decided"), n - undecided, n);
    gtk_progress_bar_set_text (GTK_PROGRESS_BAR (self->progress), progress);
  }
}

static void
show_review (FdReviewPage *self,
             FdReview     *review)
{
  GtkWidget *child;
  gboolean open;

  g_clear_pointer (&self->review, fd_review_free);
  self->review = review;
  while ((child = GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (self->list), 0))) != NULL)
    gtk_list_box_remove (GTK_LIST_BOX (self->list), child);
  open = review != NULL && review->signed_off_at == NULL;
  for (guint i = 0; review != NULL && i < review->items->len; i++)
    add_entry_row (self, g_ptr_array_index (review->items, i), open);
  update_summary (self);
}

static void
set_busy (FdReviewPage *self,
          gboolean      busy)
{
  self->busy = busy;
  gtk_widget_set_sensitive (self->list, !busy);
  update_summary (self);
}

static const char *
conflict_message (const FdErrorDetail *detail)
{
  const char *code = detail ? detail->code : NULL;

  if (g_strcmp0 (code, "review-open") == 0)
    return _("A review is already open: sign it off first.");
  if (g_strcmp0 (code, "review-undecided") == 0)
    return _("Decide on every account before signing off.");
  if (g_strcmp0 (code, "already-decided") == 0)
    return _("This account was decided already.");
  if (g_strcmp0 (code, "review-signed-off") == 0)
    return _("This review is signed off.");
  return NULL;
}

static void
review_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(FdReviewPage) self = user_data;
  g_autoptr(FdErrorDetail) detail = NULL;
  g_autoptr(GError) error = NULL;
  FdReview *review;

  review = fd_api_client_get_review_finish (FD_API_CLIENT (source), result, &detail, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->busy = FALSE;
  gtk_widget_set_sensitive (self->list, TRUE);
  if (review != NULL)
    show_review (self, review);
  else if (g_error_matches (error, FD_ERROR, FD_ERROR_NOT_FOUND))
    show_review (self, NULL);
  else
    {
      const char *message = conflict_message (detail);

      update_summary (self);
      toast (self, message ? message : error->message);
      /* the state changed under us: show the server's */
      if (message != NULL)
        fd_review_page_refresh (self);
    }
  g_signal_emit (self, signals[LOADED], 0);
}

static void
begin_call (FdReviewPage *self)
{
  fd_view_cancel (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  set_busy (self, TRUE);
}

void
fd_review_page_refresh (FdReviewPage *self)
{
  g_return_if_fail (FD_IS_REVIEW_PAGE (self));

  begin_call (self);
  fd_api_client_get_review_async (self->api, self->cancellable, review_cb, g_object_ref (self));
}

const FdReview *
fd_review_page_get_review (FdReviewPage *self)
{
  g_return_val_if_fail (FD_IS_REVIEW_PAGE (self), NULL);
  return self->review;
}

gboolean
fd_review_page_get_busy (FdReviewPage *self)
{
  g_return_val_if_fail (FD_IS_REVIEW_PAGE (self), FALSE);
  return self->busy;
}

static void
toast (FdReviewPage *self,
       const char   *message)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "pages.toast", "s", message);
}

/* ---- actions ----------------------------------------------------------------- */

static void
decide (FdReviewPage *self,
        const char   *user_id,
        const char   *decision,
        const char   *role)
{
  if (self->review == NULL || self->busy)
    return;
  begin_call (self);
  fd_api_client_decide_review_async (self->api, self->review->id, user_id, decision, role,
                                     self->cancellable, review_cb, g_object_ref (self));
}

static void
confirm_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  decide (FD_REVIEW_PAGE (widget), g_variant_get_string (parameter, NULL), "confirmed", NULL);
}

static void
change_role_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  const char *user_id, *role;

  g_variant_get (parameter, "(&s&s)", &user_id, &role);
  decide (FD_REVIEW_PAGE (widget), user_id, "role-changed", role);
}

static void
revoke_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    FdReviewPage     *self)
{
  const char *user_id = g_object_get_data (G_OBJECT (dialog), "fd-user-id");

  if (g_strcmp0 (response, "revoke") == 0)
    decide (self, user_id, "revoked", NULL);
}

static const FdReviewEntry *
find_entry (FdReviewPage *self,
            const char   *user_id)
{
  for (guint i = 0; self->review != NULL && i < self->review->items->len; i++)
    {
      const FdReviewEntry *e = g_ptr_array_index (self->review->items, i);
      if (g_strcmp0 (e->user_id, user_id) == 0)
        return e;
    }
  return NULL;
}

static void
revoke_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FdReviewPage *self = FD_REVIEW_PAGE (widget);
  const char *user_id = g_variant_get_string (parameter, NULL);
  const FdReviewEntry *entry = find_entry (self, user_id);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  if (entry == NULL)
    return;
  /* Translators: %s is a user name */
  body = g_strdup_printf (_("%s will be disabled and signed out everywhere at once. Only an "
                            "administrator can enable the account again."), entry->user);
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Revoke Access?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"), "revoke", _("_Revoke"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "revoke",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "fd-user-id", g_strdup (user_id), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (revoke_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  FdReviewPage *self = FD_REVIEW_PAGE (widget);

  begin_call (self);
  fd_api_client_open_review_async (self->api, self->cancellable, review_cb, g_object_ref (self));
}

static void
sign_off_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  FdReviewPage *self = FD_REVIEW_PAGE (widget);

  if (self->review == NULL)
    return;
  begin_call (self);
  fd_api_client_sign_off_review_async (self->api, self->review->id, self->cancellable,
                                       review_cb, g_object_ref (self));
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  fd_review_page_refresh (FD_REVIEW_PAGE (widget));
}

/* ---- export: the server's masked CSV, saved where the user chooses ---------- */

static void
fetch_review (FdApiClient         *api,
              gpointer             review_id,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  fd_api_client_export_review_async (api, review_id, cancellable, callback, user_data);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FdReviewPage *self = FD_REVIEW_PAGE (widget);
  g_autofree char *name = NULL;

  if (self->review == NULL)
    return;
  /* Translators: file name of the export; %s is the review's number. Keep .csv */
  name = g_strdup_printf (_("access-review-%s.csv"), self->review->id);
  fd_export_file_choose (widget, self->api, _("Export Access Review"), name,
                         _("Access review exported"),
                         fetch_review, g_strdup (self->review->id), g_free);
}

/* ---- GtkWidget --------------------------------------------------------------- */

static void
fd_review_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (fd_review_page_parent_class)->map (widget);
  fd_review_page_refresh (FD_REVIEW_PAGE (widget));
}

static void
fd_review_page_dispose (GObject *object)
{
  FdReviewPage *self = FD_REVIEW_PAGE (object);

  fd_view_cancel (&self->cancellable);
  fd_export_file_close (GTK_WIDGET (object));
  g_clear_pointer (&self->scroller, gtk_widget_unparent);
  g_clear_pointer (&self->review, fd_review_free);
  g_clear_object (&self->api);

  G_OBJECT_CLASS (fd_review_page_parent_class)->dispose (object);
}

static void
fd_review_page_class_init (FdReviewPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fd_review_page_dispose;
  widget_class->map = fd_review_page_map;

  signals[LOADED] = fd_view_add_signal (klass, "loaded");

  gtk_widget_class_install_action (widget_class, "review.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "review.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "review.sign-off", NULL, sign_off_action);
  gtk_widget_class_install_action (widget_class, "review.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "review.confirm", "s", confirm_action);
  gtk_widget_class_install_action (widget_class, "review.revoke", "s", revoke_action);
  gtk_widget_class_install_action (widget_class, "review.change-role", "(ss)", change_role_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "fd-review-page");
}

static void
fd_review_page_init (FdReviewPage *self)
{
}

static GtkWidget *
header_button (const char *label,
               const char *accessible,
               const char *action,
               const char *css)
{
  GtkWidget *button = gtk_button_new_with_label (label);

  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  if (css != NULL)
    gtk_widget_add_css_class (button, css);
  return button;
}

FdReviewPage *
fd_review_page_new (FdApiClient *api,
                    gboolean     can_decide)
{
  FdReviewPage *self;
  GtkWidget *clamp, *box, *buttons, *refresh, *group, *placeholder;

  g_return_val_if_fail (FD_IS_API_CLIENT (api), NULL);

  self = g_object_new (FD_TYPE_REVIEW_PAGE, NULL);
  self->api = g_object_ref (api);
  self->can_decide = can_decide;

  self->scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scroller),
                                  GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_parent (self->scroller, GTK_WIDGET (self));
  clamp = adw_clamp_new ();
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 960);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scroller), clamp);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  gtk_widget_set_margin_top (box, 18);
  gtk_widget_set_margin_bottom (box, 18);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  adw_clamp_set_child (ADW_CLAMP (clamp), box);

  self->summary_group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self->summary_group), _("Access Review"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self->summary_group),
    _("Who can see what, reviewed each quarter: confirm each account, revoke it, or change its "
      "role. Activity counts cover the quarter before the review opened."));
  buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  self->open_button = header_button (_("Open Review"), _("Open a new access review"),
                                     "review.open", "suggested-action");
  self->sign_off_button = header_button (_("Sign Off"), _("Sign off the access review"),
                                         "review.sign-off", "suggested-action");
  self->export_button = header_button (_("Export"), _("Export the access review as CSV"),
                                       "review.export", NULL);
  refresh = gtk_button_new_from_icon_name ("view-refresh-symbolic");
  gtk_widget_set_tooltip_text (refresh, _("Refresh"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (refresh),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Refresh the access review"), -1);
  gtk_widget_add_css_class (refresh, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (refresh), "review.refresh");
  gtk_box_append (GTK_BOX (buttons), self->open_button);
  gtk_box_append (GTK_BOX (buttons), self->sign_off_button);
  gtk_box_append (GTK_BOX (buttons), self->export_button);
  gtk_box_append (GTK_BOX (buttons), refresh);
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (self->summary_group), buttons);

  self->status_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->status_label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->status_label), 0);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->summary_group), self->status_label);
  self->progress = gtk_progress_bar_new ();
  gtk_progress_bar_set_show_text (GTK_PROGRESS_BAR (self->progress), TRUE);
  gtk_widget_set_margin_top (self->progress, 6);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->progress),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Accounts decided"), -1);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->summary_group), self->progress);
  gtk_box_append (GTK_BOX (box), self->summary_group);

  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Accounts"));
  self->list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (self->list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (self->list, "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Accounts under review"), -1);
  placeholder = gtk_label_new (_("No accounts"));
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_widget_set_margin_top (placeholder, 18);
  gtk_widget_set_margin_bottom (placeholder, 18);
  gtk_list_box_set_placeholder (GTK_LIST_BOX (self->list), placeholder);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->list);
  gtk_box_append (GTK_BOX (box), group);

  update_summary (self);
  return self;
}
