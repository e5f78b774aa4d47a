/* SPDX-License-Identifier: GPL-3.0-or-later */
/* An incident's blast radius and its notice draft. */

#include "config.h"

#include "fd-radius-page.h"

#include "fd-api-path.h"
#include "fd-error.h"
#include "fd-export-file.h"
#include "fd-view-util.h"

#include <glib/gi18n.h>

struct _FdRadiusPage
{
  GtkWidget      parent_instance;

  GtkWidget     *scroller;
  GtkWidget     *user_row;
  GtkWidget     *from_row;
  GtkWidget     *to_row;
  GtkWidget     *cause_row;
  GtkWidget     *results;
  GtkWidget     *list;
  GtkWidget     *notice_view;
  GtkWidget     *error_label;
  GtkWidget     *export_button;

  FdApiClient   *api;
  GCancellable  *cancellable;
  char          *user;        /* of the report shown */
  char          *from;
  char          *to;
  guint          n_rows;
};

G_DEFINE_FINAL_TYPE (FdRadiusPage, fd_radius_page, GTK_TYPE_WIDGET)

enum {
  LOADED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
show_error (FdRadiusPage *self,
            const char   *message)
{
  gtk_label_set_text (GTK_LABEL (self->error_label), message);
  gtk_widget_set_visible (self->error_label, message != NULL);
}

static char *
count_text (guint  action,
            gint64 n)
{
  switch (action)
    {
    /* Translators: %lld is how many times; × means “times” */
    case 0: return g_strdup_printf (_("viewed %lld×"), (long long) n);
    /* Translators: %lld is how many times; × means “times” */
    case 1: return g_strdup_printf (_("listed %lld×"), (long long) n);
    /* Translators: %lld is how many times; × means “times” */
    case 2: return g_strdup_printf (_("revealed %lld×"), (long long) n);
    /* Translators: %lld is how many times; × means “times” */
    case 3: return g_strdup_printf (_("verified %lld×"), (long long) n);
    /* Translators: %lld is how many times; × means “times” */
    default: return g_strdup_printf (_("exported %lld×"), (long long) n);
    }
}

static void
add_row (FdRadiusPage      *self,
         const FdRadiusRow *row)
{
  g_autoptr(GString) counts = g_string_new (NULL);
  g_autofree char *title = NULL;
  GtkWidget *widget;

  for (guint c = 0; c < FD_RADIUS_N_COUNTS; c++)
    if (row->counts[c] > 0)
      {
        g_autofree char *text = count_text (c, row->counts[c]);

        if (counts->len > 0)
          g_string_append (counts, " · ");
        g_string_append (counts, text);
      }
  if (row->fields != NULL && row->fields[0] != NULL)
    {
      g_autoptr(GString) fields = g_string_new (NULL);

      for (guint f = 0; row->fields[f] != NULL; f++)
        /* Translators: between field names in a list */
        g_string_append_printf (fields, "%s%s", f > 0 ? _(", ") : "", fd_view_field_title (row->fields[f]));
      /* Translators: after the counts; %s lists fields such as "Name, Mobile" */
      g_string_append_printf (counts, _(" — fields: %s"), fields->str);
    }

  /* Translators: a visitor or resident row: kind, id, masked name and room */
  title = g_strdup_printf ("%s %s  %s  %s", row->visitor ? _("Visitor") : _("Resident"), row->id,
                           row->name ? row->name : "", row->room ? row->room : "");
  widget = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (widget), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (widget), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (widget), counts->str);
  gtk_list_box_append (GTK_LIST_BOX (self->list), widget);
  self->n_rows++;
}

static void
radius_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(FdRadiusPage) self = user_data;
  g_autoptr(FdRadiusReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  GtkWidget *child;

  report = fd_api_client_get_radius_finish (FD_API_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  while ((child = GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (self->list), 0))) != NULL)
    gtk_list_box_remove (GTK_LIST_BOX (self->list), child);
  self->n_rows = 0;
  gtk_widget_set_sensitive (self->export_button, report != NULL);
  if (report == NULL)
    {
      show_error (self, g_error_matches (error, FD_ERROR, FD_ERROR_NOT_FOUND)
                        ? _("No such account.") : error->message);
      gtk_widget_set_visible (self->results, FALSE);
      g_signal_emit (self, signals[LOADED], 0);
      return;
    }
  show_error (self, NULL);
  for (guint i = 0; i < report->rows->len; i++)
    add_row (self, g_ptr_array_index (report->rows, i));
  /* Translators: first %u is a number of residents, second of visitors */
  summary = g_strdup_printf (_("%u residents and %u visitors touched"), report->n_residents,
                             report->rows->len - report->n_residents);
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self->results), summary);
  gtk_label_set_text (GTK_LABEL (self->notice_view), report->notice);
  gtk_widget_set_visible (self->results, TRUE);
  g_signal_emit (self, signals[LOADED], 0);
}

/* The form's window as RFC 3339 UTC: [start of from, end of to). */
static gboolean
read_window (FdRadiusPage  *self,
             char         **from,
             char         **to)
{
  *from = fd_api_day_to_utc (gtk_editable_get_text (GTK_EDITABLE (self->from_row)), 0);
  *to = fd_api_day_to_utc (gtk_editable_get_text (GTK_EDITABLE (self->to_row)), 1);
  if (*from == NULL || *to == NULL)
    {
      g_clear_pointer (from, g_free);
      g_clear_pointer (to, g_free);
      show_error (self, _("Enter the dates as YYYY-MM-DD."));
      return FALSE;
    }
  return TRUE;
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FdRadiusPage *self = FD_RADIUS_PAGE (widget);
  const char *user = gtk_editable_get_text (GTK_EDITABLE (self->user_row));
  const char *cause = gtk_editable_get_text (GTK_EDITABLE (self->cause_row));
  g_autofree char *from = NULL, *to = NULL;

  if (*user == '\0')
    {
      show_error (self, _("Enter the account’s username."));
      return;
    }
  if (!read_window (self, &from, &to))
    return;
  g_free (self->user);
  self->user = g_strdup (user);
  g_free (self->from);
  self->from = g_strdup (from);
  g_free (self->to);
  self->to = g_strdup (to);
  fd_view_cancel (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  fd_api_client_get_radius_async (self->api, user, from, to, cause, self->cancellable, radius_cb,
                                  g_object_ref (self));
}

void
fd_radius_page_query (FdRadiusPage *self,
                      const char   *user,
                      const char   *from_day,
                      const char   *to_day,
                      const char   *cause)
{
  g_return_if_fail (FD_IS_RADIUS_PAGE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->user_row), user);
  gtk_editable_set_text (GTK_EDITABLE (self->from_row), from_day);
  gtk_editable_set_text (GTK_EDITABLE (self->to_row), to_day);
  gtk_editable_set_text (GTK_EDITABLE (self->cause_row), cause ? cause : "");
  gtk_widget_activate_action (GTK_WIDGET (self), "radius.search", NULL);
}

guint
fd_radius_page_get_n_rows (FdRadiusPage *self)
{
  g_return_val_if_fail (FD_IS_RADIUS_PAGE (self), 0);
  return self->n_rows;
}

char *
fd_radius_page_get_notice (FdRadiusPage *self)
{
  g_return_val_if_fail (FD_IS_RADIUS_PAGE (self), NULL);
  if (!gtk_widget_get_visible (self->results))
    return NULL;
  return g_strdup (gtk_label_get_text (GTK_LABEL (self->notice_view)));
}

/* ---- export ---------------------------------------------------------------- */

typedef struct
{
  char *user;
  char *from;
  char *to;
} RadiusExport;

static void
radius_export_free (RadiusExport *export)
{
  g_free (export->user);
  g_free (export->from);
  g_free (export->to);
  g_free (export);
}

static void
fetch_radius (FdApiClient         *api,
              gpointer             data,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  RadiusExport *export = data;

  fd_api_client_export_radius_async (api, export->user, export->from, export->to,
                                     cancellable, callback, user_data);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FdRadiusPage *self = FD_RADIUS_PAGE (widget);
  RadiusExport *export;

  if (self->user == NULL)
    return;
  export = g_new0 (RadiusExport, 1);
  export->user = g_strdup (self->user);
  export->from = g_strdup (self->from);
  export->to = g_strdup (self->to);
  /* Translators: file name of the incident radius export; keep .csv */
  fd_export_file_choose (widget, self->api, _("Export Incident Radius"), _("incident-radius.csv"),
                         _("Incident radius exported (masked values only)"),
                         fetch_radius, export, (GDestroyNotify) radius_export_free);
}

/* ---- GtkWidget ---------------------------------------------------------------- */

static void
fd_radius_page_dispose (GObject *object)
{
  FdRadiusPage *self = FD_RADIUS_PAGE (object);

  fd_view_cancel (&self->cancellable);
  fd_export_file_close (GTK_WIDGET (self));
  g_clear_pointer (&self->scroller, gtk_widget_unparent);
  g_clear_object (&self->api);
  g_clear_pointer (&self->user, g_free);
  g_clear_pointer (&self->from, g_free);
  g_clear_pointer (&self->to, g_free);

  G_OBJECT_CLASS (fd_radius_page_parent_class)->dispose (object);
}

static void
fd_radius_page_class_init (FdRadiusPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fd_radius_page_dispose;

  signals[LOADED] = fd_view_add_signal (klass, "loaded");

  gtk_widget_class_install_action (widget_class, "radius.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "radius.export", NULL, export_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "fd-radius-page");
}

static void
fd_radius_page_init (FdRadiusPage *self)
{
}

static GtkWidget *
entry_row (GtkWidget  *group,
           const char *title)
{
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  return row;
}

FdRadiusPage *
fd_radius_page_new (FdApiClient *api)
{
  FdRadiusPage *self;
  GtkWidget *box, *form, *button, *notice_group, *frame;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) month_ago = g_date_time_add_days (now, -30);
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *start = g_date_time_format (month_ago, "%Y-%m-%d");

  g_return_val_if_fail (FD_IS_API_CLIENT (api), NULL);

  self = g_object_new (FD_TYPE_RADIUS_PAGE, NULL);
  self->api = g_object_ref (api);

  box = fd_view_page_scaffold (GTK_WIDGET (self), 820, 24, &self->scroller);

  form = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (form), _("Incident Radius"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (form),
    _("Which residents one account viewed, listed, revealed, verified or exported in a "
      "period, with a notification draft. Names show as your role sees them, and no other "
      "value is shown; the CSV export masks names."));
  self->user_row = entry_row (form, _("Account (username)"));
  self->from_row = entry_row (form, _("From (YYYY-MM-DD)"));
  gtk_editable_set_text (GTK_EDITABLE (self->from_row), start);
  self->to_row = entry_row (form, _("To, inclusive (YYYY-MM-DD)"));
  gtk_editable_set_text (GTK_EDITABLE (self->to_row), today);
  self->cause_row = entry_row (form, _("Cause, for the notice (optional)"));
  button = gtk_button_new_with_mnemonic (_("_Show Radius"));
  /* GTK 4.8 names it with the underscore: let the label name it */
  gtk_accessible_reset_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "radius.search");
  gtk_widget_add_css_class (button, "suggested-action");
  gtk_widget_add_css_class (button, "pill");
  gtk_widget_set_halign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_margin_top (button, 12);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (form), button);
  self->error_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->error_label), TRUE);
  gtk_widget_add_css_class (self->error_label, "error");
  gtk_widget_set_visible (self->error_label, FALSE);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (form), self->error_label);
  gtk_box_append (GTK_BOX (box), form);

  self->results = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self->results), _("Touched"));
  self->export_button = gtk_button_new_with_mnemonic (_("_Export CSV…"));
  gtk_widget_add_css_class (self->export_button, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->export_button), "radius.export");
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (self->results),
                                           self->export_button);
  self->list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (self->list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (self->list, "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Residents and visitors touched"), -1);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->results), self->list);

  notice_group = gtk_label_new (_("Notification draft (Simplified Chinese)"));
  gtk_widget_add_css_class (notice_group, "heading");
  gtk_label_set_xalign (GTK_LABEL (notice_group), 0);
  gtk_widget_set_margin_top (notice_group, 18);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->results), notice_group);
  /* The draft names no one: it may be selected and copied into the
   * office's notice. */
  frame = gtk_frame_new (NULL);
  gtk_widget_add_css_class (frame, "view");
  self->notice_view = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->notice_view), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (self->notice_view), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (self->notice_view), 0);
  gtk_label_set_selectable (GTK_LABEL (self->notice_view), TRUE);
  gtk_widget_set_margin_top (self->notice_view, 12);
  gtk_widget_set_margin_bottom (self->notice_view, 12);
  gtk_widget_set_margin_start (self->notice_view, 12);
  gtk_widget_set_margin_end (self->notice_view, 12);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->notice_view),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, _("Notification draft"), -1);
  gtk_frame_set_child (GTK_FRAME (frame), self->notice_view);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->results), frame);
  gtk_widget_set_visible (self->results, FALSE);
  gtk_box_append (GTK_BOX (box), self->results);

  return self;
}
