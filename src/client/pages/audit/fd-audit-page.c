/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The audit log page: filters, entries paged as the list scrolls, the hash chain's status. */

#include "config.h"

#include "fd-audit-page.h"

#include "fd-audit-labels.h"
#include "fd-field.h"
#include "fd-view-util.h"

#include <glib/gi18n.h>
#include <string.h>

#define PAGE_SIZE        100
#define LOAD_MORE_MARGIN 20

/* ---- one entry ----------------------------------------------------------- */

#define FD_TYPE_AUDIT_ITEM (fd_audit_item_get_type ())
G_DECLARE_FINAL_TYPE (FdAuditItem, fd_audit_item, FD, AUDIT_ITEM, GObject)

struct _FdAuditItem
{
  GObject       parent_instance;
  FdAuditEntry *entry;
};

G_DEFINE_FINAL_TYPE (FdAuditItem, fd_audit_item, G_TYPE_OBJECT)

static void
fd_audit_item_finalize (GObject *object)
{
  g_clear_pointer (&FD_AUDIT_ITEM (object)->entry, fd_audit_entry_free);
  G_OBJECT_CLASS (fd_audit_item_parent_class)->finalize (object);
}

static void
fd_audit_item_class_init (FdAuditItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fd_audit_item_finalize;
}

static void
fd_audit_item_init (FdAuditItem *self)
{
}

/* ---- the page ------------------------------------------------------------ */

/* The filter's choices (NULL: any); their words come from fd-audit-labels.c. */
static const char * const filter_actions[] = {
  NULL, "login", "login-failed", "logout", "lock", "unlock", "search", "view", "reveal",
  "verify", "visitor-create", "visitor-checkout", "export", "account-change", "policy-change",
  "alert", "audit-read", "audit-verify", "review-open", "review-decision", "review-sign-off",
  "second-factor", "second-factor-reset",
};

struct _FdAuditPage
{
  GtkWidget     parent_instance;

  GtkWidget    *box;
  GtkWidget    *chain_icon;
  GtkWidget    *chain_label;
  GtkWidget    *actor_entry;
  GtkWidget    *action_dropdown;
  GtkWidget    *since_entry;
  GtkWidget    *until_entry;
  GtkWidget    *filter_error;
  GtkWidget    *list_view;
  GtkWidget    *empty_label;

  FdApiClient  *api;
  GListStore   *entries;
  GCancellable *cancellable;
  GCancellable *chain_cancellable;
  FdAuditQuery *query;
  char         *cursor;
  gboolean      loading;
  gboolean      chain_ok;
  guint         more_id;
};

G_DEFINE_FINAL_TYPE (FdAuditPage, fd_audit_page, GTK_TYPE_WIDGET)

enum {
  LOADED,
  CHAIN_CHECKED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void fetch (FdAuditPage *self, gboolean first);

static void
chain_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(FdAuditPage) self = user_data;
  g_autoptr(FdChainStatus) status = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gint64 entries, bad;

  status = fd_api_client_verify_audit_finish (FD_API_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  gtk_widget_remove_css_class (self->chain_label, "success");
  gtk_widget_remove_css_class (self->chain_label, "error");
  self->chain_ok = FALSE;

  if (status == NULL)
    {
      gtk_label_set_text (GTK_LABEL (self->chain_label), error->message);
      gtk_image_set_from_icon_name (GTK_IMAGE (self->chain_icon), "dialog-warning-symbolic");
      g_signal_emit (self, signals[CHAIN_CHECKED], 0);
      return;
    }

  entries = status->entries;
  bad = status->first_bad_seq;
  self->chain_ok = status->ok;

  if (self->chain_ok)
    {
      g_autofree char *count = g_strdup_printf ("%" G_GINT64_FORMAT, entries);

      /* Translators: %s is how many audit log entries the hash chain check
       * went through */
      text = g_strdup_printf (ngettext ("Audit chain intact: %s entry checked",
                                        "Audit chain intact: %s entries checked",
                                        (gulong) entries),
                              count);
      gtk_image_set_from_icon_name (GTK_IMAGE (self->chain_icon), "security-high-symbolic");
      gtk_widget_add_css_class (self->chain_label, "success");
    }
  else
    {
      g_autofree char *seq = g_strdup_printf ("%" G_GINT64_FORMAT, bad);

      /* Translators: %s is the number of the first altered log entry */
      text = g_strdup_printf (_("Audit chain broken at entry %s: the log was altered"), seq);
      gtk_image_set_from_icon_name (GTK_IMAGE (self->chain_icon), "dialog-error-symbolic");
      gtk_widget_add_css_class (self->chain_label, "error");
    }
  gtk_label_set_text (GTK_LABEL (self->chain_label), text);
  g_signal_emit (self, signals[CHAIN_CHECKED], 0);
}

void
fd_audit_page_check_chain (FdAuditPage *self)
{
  g_return_if_fail (FD_IS_AUDIT_PAGE (self));

  fd_view_cancel (&self->chain_cancellable);
  self->chain_cancellable = g_cancellable_new ();

  gtk_label_set_text (GTK_LABEL (self->chain_label), _("Checking the audit chain…"));
  fd_api_client_verify_audit_async (self->api, self->chain_cancellable,
                                    chain_cb, g_object_ref (self));
}

static void
list_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(FdAuditPage) self = user_data;
  g_autoptr(FdPage) page = NULL;
  g_autoptr(GError) error = NULL;
  gboolean first = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (self), "fd-first"));
  g_autoptr(GPtrArray) added = g_ptr_array_new_with_free_func (g_object_unref);

  page = fd_api_client_list_audit_finish (FD_API_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->loading = FALSE;

  if (page == NULL)
    {
      gtk_label_set_text (GTK_LABEL (self->filter_error), error->message);
      gtk_widget_set_visible (self->filter_error, TRUE);
      g_signal_emit (self, signals[LOADED], 0);
      return;
    }

  for (guint i = 0; i < page->items->len; i++)
    {
      FdAuditItem *item = g_object_new (FD_TYPE_AUDIT_ITEM, NULL);

      item->entry = g_steal_pointer (&page->items->pdata[i]);
      g_ptr_array_add (added, item);
    }

  {
    guint n_old = g_list_model_get_n_items (G_LIST_MODEL (self->entries));

    /* One items-changed per page: a new query replaces, a page appends. */
    g_list_store_splice (self->entries, first ? 0 : n_old, first ? n_old : 0,
                         added->pdata, added->len);
  }

  g_free (self->cursor);
  self->cursor = g_strdup (page->next_cursor);
  gtk_widget_set_visible (self->empty_label,
                          g_list_model_get_n_items (G_LIST_MODEL (self->entries)) == 0);
  g_signal_emit (self, signals[LOADED], 0);
}

static void
fetch (FdAuditPage *self,
       gboolean     first)
{
  if (!first && (self->cursor == NULL || self->loading))
    return;

  if (first)
    {
      fd_view_cancel (&self->cancellable);
      self->cancellable = g_cancellable_new ();
    }

  self->loading = TRUE;
  g_object_set_data (G_OBJECT (self), "fd-first", GINT_TO_POINTER (first));
  fd_api_client_list_audit_async (self->api, self->query, PAGE_SIZE, first ? NULL : self->cursor,
                                  self->cancellable, list_cb, g_object_ref (self));
}

void
fd_audit_page_refresh (FdAuditPage *self)
{
  g_return_if_fail (FD_IS_AUDIT_PAGE (self));

  fetch (self, TRUE);
  fd_audit_page_check_chain (self);
}

gboolean
fd_audit_page_set_filters (FdAuditPage *self,
                           const char  *actor,
                           const char  *action,
                           const char  *since,
                           const char  *until)
{
  g_autoptr(FdAuditQuery) query = g_new0 (FdAuditQuery, 1);
  g_autofree char *since_utc = NULL;
  g_autofree char *until_utc = NULL;
  g_autofree char *actor_trimmed = g_strstrip (g_strdup (actor ? actor : ""));

  g_return_val_if_fail (FD_IS_AUDIT_PAGE (self), FALSE);

  if (since != NULL && *since != '\0' && (since_utc = fd_api_day_to_utc (since, 0)) == NULL)
    {
      gtk_label_set_text (GTK_LABEL (self->filter_error),
                          _("Write the start date as YYYY-MM-DD."));
      gtk_widget_set_visible (self->filter_error, TRUE);
      return FALSE;
    }
  if (until != NULL && *until != '\0' && (until_utc = fd_api_day_to_utc (until, 1)) == NULL)
    {
      gtk_label_set_text (GTK_LABEL (self->filter_error),
                          _("Write the end date as YYYY-MM-DD."));
      gtk_widget_set_visible (self->filter_error, TRUE);
      return FALSE;
    }
  gtk_widget_set_visible (self->filter_error, FALSE);

  query->actor = g_steal_pointer (&actor_trimmed);
  query->action = g_strdup (action);
  query->since = g_steal_pointer (&since_utc);
  query->until = g_steal_pointer (&until_utc);

  g_clear_pointer (&self->query, fd_audit_query_free);
  self->query = g_steal_pointer (&query);
  g_clear_pointer (&self->cursor, g_free);
  fetch (self, TRUE);
  return TRUE;
}

static void
filter_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FdAuditPage *self = FD_AUDIT_PAGE (widget);
  guint selected = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->action_dropdown));

  fd_audit_page_set_filters (self,
                             gtk_editable_get_text (GTK_EDITABLE (self->actor_entry)),
                             selected < G_N_ELEMENTS (filter_actions) ? filter_actions[selected] : NULL,
                             gtk_editable_get_text (GTK_EDITABLE (self->since_entry)),
                             gtk_editable_get_text (GTK_EDITABLE (self->until_entry)));
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  fd_audit_page_refresh (FD_AUDIT_PAGE (widget));
}

GListModel *
fd_audit_page_get_entries (FdAuditPage *self)
{
  g_return_val_if_fail (FD_IS_AUDIT_PAGE (self), NULL);
  return G_LIST_MODEL (self->entries);
}

const char *
fd_audit_page_get_entry_field (FdAuditPage *self,
                               guint        index,
                               const char  *member)
{
  g_autoptr(FdAuditItem) item = NULL;

  g_return_val_if_fail (FD_IS_AUDIT_PAGE (self), NULL);

  item = g_list_model_get_item (G_LIST_MODEL (self->entries), index);
  /* The store keeps its own reference, so the string outlives ours. */
  return item ? fd_audit_entry_get_member (item->entry, member) : NULL;
}

const char *
fd_audit_page_get_chain_status (FdAuditPage *self)
{
  g_return_val_if_fail (FD_IS_AUDIT_PAGE (self), NULL);
  return gtk_label_get_text (GTK_LABEL (self->chain_label));
}

gboolean
fd_audit_page_get_chain_ok (FdAuditPage *self)
{
  g_return_val_if_fail (FD_IS_AUDIT_PAGE (self), FALSE);
  return self->chain_ok;
}

/* ---- rows ----------------------------------------------------------------- */

enum { COL_TIME, COL_ACTOR, COL_ACTION, COL_TARGET, COL_REASON, COL_OUTCOME, N_COLS };

/* Least column widths in pixels, small enough for an 800-pixel window; the
 * actor, the record and the reason share what is left. The header and the rows use
 * the same numbers, so the columns line up. */
static const int column_widths[N_COLS] = { 130, 110, 110, 120, 100, 84 };

static GtkWidget *
columns_box (gboolean header)
{
  static const char *titles[N_COLS] = {
    N_("Time"), N_("Who"), N_("Action"), N_("Record · field"), N_("Reason"), N_("Outcome"),
  };
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);

  gtk_widget_add_css_class (box, header ? "fd-audit-header" : "fd-audit-row");
  for (int i = 0; i < N_COLS; i++)
    {
      GtkWidget *label = gtk_label_new (header ? _(titles[i]) : NULL);

      gtk_label_set_xalign (GTK_LABEL (label), 0.0f);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      /* A long text ("Command line (Administrator)") is cut, never
       * widens its column: every row lines up with the header. */
      gtk_label_set_width_chars (GTK_LABEL (label), 1);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 1);
      gtk_widget_set_size_request (label, column_widths[i], -1);
      if (i == COL_ACTOR || i == COL_REASON || i == COL_TARGET)
        gtk_widget_set_hexpand (label, TRUE);
      if (header)
        gtk_widget_add_css_class (label, "heading");
      else if (i == COL_TIME)
        gtk_widget_add_css_class (label, "numeric");
      gtk_box_append (GTK_BOX (box), label);
    }
  return box;
}

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *list_item,
          gpointer                  user_data)
{
  gtk_list_item_set_child (list_item, columns_box (FALSE));
}

static gboolean
more_idle_cb (gpointer user_data)
{
  FdAuditPage *self = user_data;

  self->more_id = 0;
  fetch (self, FALSE);
  return G_SOURCE_REMOVE;
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *list_item,
         FdAuditPage              *self)
{
  FdAuditItem *item = gtk_list_item_get_item (list_item);
  GtkWidget *label = gtk_widget_get_first_child (gtk_list_item_get_child (list_item));
  const FdAuditEntry *o = item->entry;
  const char *outcome = o->outcome;
  g_autofree char *time = fd_view_format_time (o->at, TRUE);
  g_autofree char *who = fd_audit_who (o);
  g_autofree char *what = fd_audit_what (o);
  g_autofree char *why = fd_audit_why (o);
  const char *texts[N_COLS];

  texts[COL_TIME] = time;
  texts[COL_ACTOR] = who;
  texts[COL_ACTION] = fd_audit_action_label (o->action);
  texts[COL_TARGET] = what;
  texts[COL_REASON] = why;
  texts[COL_OUTCOME] = g_strcmp0 (outcome, "denied") == 0 ? _("Denied") : _("Allowed");

  for (int i = 0; i < N_COLS && label != NULL; i++, label = gtk_widget_get_next_sibling (label))
    {
      gtk_label_set_text (GTK_LABEL (label), texts[i]);
      /* the whole text when a column cuts it short */
      gtk_widget_set_tooltip_text (label, i != COL_OUTCOME && texts[i][0] != '\0' ? texts[i] : NULL);
      if (i == COL_OUTCOME)
        {
          if (g_strcmp0 (outcome, "denied") == 0)
            gtk_widget_add_css_class (label, "error");
          else
            gtk_widget_remove_css_class (label, "error");
        }
    }

  if (gtk_list_item_get_position (list_item) + LOAD_MORE_MARGIN >=
        g_list_model_get_n_items (G_LIST_MODEL (self->entries)) &&
      self->cursor != NULL && !self->loading && self->more_id == 0)
    self->more_id = g_idle_add (more_idle_cb, self);
}

static void
fd_audit_page_map (GtkWidget *widget)
{
  FdAuditPage *self = FD_AUDIT_PAGE (widget);

  GTK_WIDGET_CLASS (fd_audit_page_parent_class)->map (widget);
  if (g_list_model_get_n_items (G_LIST_MODEL (self->entries)) == 0 && !self->loading)
    fd_audit_page_refresh (self);
}

static void
fd_audit_page_dispose (GObject *object)
{
  FdAuditPage *self = FD_AUDIT_PAGE (object);

  g_clear_handle_id (&self->more_id, g_source_remove);
  fd_view_cancel (&self->cancellable);
  fd_view_cancel (&self->chain_cancellable);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_object (&self->entries);
  g_clear_object (&self->api);

  G_OBJECT_CLASS (fd_audit_page_parent_class)->dispose (object);
}

static void
fd_audit_page_finalize (GObject *object)
{
  FdAuditPage *self = FD_AUDIT_PAGE (object);

  g_clear_pointer (&self->query, fd_audit_query_free);
  g_free (self->cursor);

  G_OBJECT_CLASS (fd_audit_page_parent_class)->finalize (object);
}

static void
fd_audit_page_class_init (FdAuditPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fd_audit_page_dispose;
  object_class->finalize = fd_audit_page_finalize;
  widget_class->map = fd_audit_page_map;

  signals[LOADED] = fd_view_add_signal (klass, "loaded");
  signals[CHAIN_CHECKED] = fd_view_add_signal (klass, "chain-checked");

  gtk_widget_class_install_action (widget_class, "audit.filter", NULL, filter_action);
  gtk_widget_class_install_action (widget_class, "audit.refresh", NULL, refresh_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "fd-audit-page");
}

static GtkWidget *
filter_entry (const char *placeholder,
              const char *accessible,
              int         width)
{
  GtkWidget *entry = gtk_entry_new ();

  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), placeholder);
  gtk_editable_set_width_chars (GTK_EDITABLE (entry), width);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  return entry;
}

static void
entry_activate_cb (GtkEntry *entry,
                   gpointer  user_data)
{
  gtk_widget_activate_action (GTK_WIDGET (entry), "audit.filter", NULL);
}

static void
fd_audit_page_init (FdAuditPage *self)
{
  g_autoptr(GtkStringList) action_names = gtk_string_list_new (NULL);
  GtkWidget *chain_box, *filters, *button, *scroller, *frame, *list_box;
  GtkListItemFactory *factory;
  GtkSelectionModel *selection;

  self->entries = g_list_store_new (FD_TYPE_AUDIT_ITEM);

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_margin_top (self->box, 12);
  gtk_widget_set_margin_bottom (self->box, 12);
  gtk_widget_set_margin_start (self->box, 12);
  gtk_widget_set_margin_end (self->box, 12);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  /* Chain status */
  chain_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_add_css_class (chain_box, "card");
  gtk_widget_add_css_class (chain_box, "fd-chain-status");
  self->chain_icon = gtk_image_new_from_icon_name ("security-medium-symbolic");
  gtk_widget_set_margin_start (self->chain_icon, 12);
  gtk_box_append (GTK_BOX (chain_box), self->chain_icon);
  self->chain_label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->chain_label), 0.0f);
  gtk_label_set_wrap (GTK_LABEL (self->chain_label), TRUE);
  gtk_widget_set_hexpand (self->chain_label, TRUE);
  gtk_widget_set_margin_top (self->chain_label, 12);
  gtk_widget_set_margin_bottom (self->chain_label, 12);
  gtk_box_append (GTK_BOX (chain_box), self->chain_label);
  button = gtk_button_new_with_mnemonic (_("_Check Again"));
  /* GTK 4.8 also copies the raw mnemonic text ("_Show") into the accessible
   * label, ahead of the label's own text: let the mnemonic label name it. */
  gtk_accessible_reset_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_margin_end (button, 12);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "audit.refresh");
  gtk_box_append (GTK_BOX (chain_box), button);
  gtk_box_append (GTK_BOX (self->box), chain_box);

  /* Filters */
  filters = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  self->actor_entry = filter_entry (_("User"), _("Filter by user name"), 10);
  gtk_box_append (GTK_BOX (filters), self->actor_entry);
  for (guint i = 0; i < G_N_ELEMENTS (filter_actions); i++)
    gtk_string_list_append (action_names, filter_actions[i] != NULL
                                          ? fd_audit_action_label (filter_actions[i])
                                          : _("Any action"));
  self->action_dropdown = gtk_drop_down_new (G_LIST_MODEL (g_object_ref (action_names)), NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->action_dropdown),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Filter by action"), -1);
  /* GTK 4.8's drop-down takes the focus on an inner toggle button that has
   * no name of its own: screen readers said only "toggle button". */
  for (GtkWidget *child = gtk_widget_get_first_child (self->action_dropdown);
       child != NULL; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_TOGGLE_BUTTON (child))
      gtk_accessible_update_property (GTK_ACCESSIBLE (child),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Filter by action"), -1);
  gtk_box_append (GTK_BOX (filters), self->action_dropdown);
  /* Translators: placeholder of a date entry; keep YYYY-MM-DD as is */
  self->since_entry = filter_entry (_("From YYYY-MM-DD"), _("From date"), 14);
  gtk_box_append (GTK_BOX (filters), self->since_entry);
  /* Translators: placeholder of a date entry; keep YYYY-MM-DD as is */
  self->until_entry = filter_entry (_("To YYYY-MM-DD"), _("To date"), 14);
  gtk_box_append (GTK_BOX (filters), self->until_entry);
  button = gtk_button_new_with_mnemonic (_("_Filter"));
  gtk_accessible_reset_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "audit.filter");
  gtk_widget_add_css_class (button, "suggested-action");
  gtk_box_append (GTK_BOX (filters), button);
  for (GtkWidget *w = gtk_widget_get_first_child (filters); w; w = gtk_widget_get_next_sibling (w))
    if (GTK_IS_ENTRY (w))
      g_signal_connect (w, "activate", G_CALLBACK (entry_activate_cb), NULL);
  gtk_box_append (GTK_BOX (self->box), filters);

  self->filter_error = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->filter_error), 0.0f);
  gtk_widget_add_css_class (self->filter_error, "error");
  gtk_widget_set_visible (self->filter_error, FALSE);
  gtk_box_append (GTK_BOX (self->box), self->filter_error);

  /* The log */
  frame = gtk_frame_new (NULL);
  gtk_widget_set_vexpand (frame, TRUE);
  list_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_frame_set_child (GTK_FRAME (frame), list_box);
  gtk_box_append (GTK_BOX (list_box), columns_box (TRUE));
  gtk_box_append (GTK_BOX (list_box), gtk_separator_new (GTK_ORIENTATION_HORIZONTAL));

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), NULL);
  g_signal_connect_object (factory, "bind", G_CALLBACK (bind_cb), self, 0);
  selection = GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->entries))));
  self->list_view = gtk_list_view_new (selection, factory);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Audit log"), -1);
  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_AUTOMATIC,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), self->list_view);
  gtk_widget_set_vexpand (scroller, TRUE);
  gtk_box_append (GTK_BOX (list_box), scroller);
  self->empty_label = gtk_label_new (_("No entries match these filters"));
  gtk_widget_add_css_class (self->empty_label, "dim-label");
  gtk_widget_set_margin_top (self->empty_label, 24);
  gtk_widget_set_margin_bottom (self->empty_label, 24);
  gtk_widget_set_visible (self->empty_label, FALSE);
  gtk_box_append (GTK_BOX (list_box), self->empty_label);
  gtk_box_append (GTK_BOX (self->box), frame);
}

FdAuditPage *
fd_audit_page_new (FdApiClient *api)
{
  FdAuditPage *self;

  g_return_val_if_fail (FD_IS_API_CLIENT (api), NULL);

  self = g_object_new (FD_TYPE_AUDIT_PAGE, NULL);
  self->api = g_object_ref (api);
  return self;
}
