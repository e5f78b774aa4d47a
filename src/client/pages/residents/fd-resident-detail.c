/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One resident's detail: a row per field sent, reveal and verify, copying plain values. */

#include "config.h"

#include "fd-resident-detail.h"

#include "fd-clipboard.h"
#include "fd-desk-util.h"
#include "fd-mask.h"
#include "fd-error.h"
#include "fd-field.h"
#include "fd-view-util.h"

#include <glib/gi18n.h>

struct _FdResidentDetail
{
  GtkWidget     parent_instance;

  GtkWidget    *scroller;
  GtkWidget    *box;
  GtkWidget    *spinner;
  GtkWidget    *error_label;
  GtkWidget    *groups[3];   /* resident, payments, identity check */

  FdApiClient  *api;
  GCancellable *cancellable;
  guint         reveal_window_s;
  char         *resident_id;
  gboolean      loading;
  char         *heading_name;  /* as the role sees them (issue 14) */
  char         *heading_room;
  gboolean      visitor_button;

  GPtrArray    *keys;        /* char *, in display order */
  GHashTable   *rows;        /* key → row (borrowed; the group owns it) */
  GHashTable   *values;      /* key → value widget (borrowed) */
  GHashTable   *reveal_keys; /* key → server field name for reveal */
  GPtrArray    *verify_fields;
  GPtrArray    *dialogs;     /* GtkWindow *, weak */
};

G_DEFINE_FINAL_TYPE (FdResidentDetail, fd_resident_detail, GTK_TYPE_WIDGET)

enum {
  LOADED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *
title_for_key (const char *key)
{
  return fd_view_field_title (key);
}

static void
dialog_gone_cb (gpointer  data,
                GObject  *where_the_object_was)
{
  g_ptr_array_remove (data, where_the_object_was);
}

static void
track_dialog (FdResidentDetail *self,
              GtkWindow        *dialog)
{
  g_ptr_array_add (self->dialogs, dialog);
  g_object_weak_ref (G_OBJECT (dialog), dialog_gone_cb, self->dialogs);
}

static void
close_dialogs (FdResidentDetail *self)
{
  while (self->dialogs->len > 0)
    {
      GtkWindow *dialog = g_ptr_array_steal_index (self->dialogs, self->dialogs->len - 1);

      g_object_weak_unref (G_OBJECT (dialog), dialog_gone_cb, self->dialogs);
      gtk_window_destroy (dialog);
    }
}

void
fd_resident_detail_clear (FdResidentDetail *self)
{
  g_return_if_fail (FD_IS_RESIDENT_DETAIL (self));

  close_dialogs (self);

  g_hash_table_remove_all (self->rows);
  g_hash_table_remove_all (self->values);
  g_hash_table_remove_all (self->reveal_keys);
  g_ptr_array_set_size (self->keys, 0);
  g_ptr_array_set_size (self->verify_fields, 0);

  for (guint i = 0; i < G_N_ELEMENTS (self->groups); i++)
    {
      if (self->groups[i] != NULL)
        gtk_box_remove (GTK_BOX (self->box), self->groups[i]);
      self->groups[i] = NULL;
    }

  gtk_widget_set_visible (self->error_label, FALSE);
}

void
fd_resident_detail_remask_all (FdResidentDetail *self)
{
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (FD_IS_RESIDENT_DETAIL (self));

  g_hash_table_iter_init (&iter, self->values);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (FD_IS_SENSITIVE_FIELD (value))
      fd_sensitive_field_remask (value);
}

static GtkWidget *
ensure_group (FdResidentDetail *self,
              guint             index)
{
  static const char *titles[] = { N_("Resident"), N_("Payments"), N_("Identity check") };

  if (self->groups[index] == NULL)
    {
      GtkWidget *after = NULL;

      self->groups[index] = adw_preferences_group_new ();
      adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self->groups[index]),
                                       _(titles[index]));
      for (guint i = 0; i < index; i++)
        if (self->groups[i] != NULL)
          after = self->groups[i];
      gtk_box_insert_child_after (GTK_BOX (self->box), self->groups[index],
                                  after != NULL ? after : self->error_label);
    }

  return self->groups[index];
}

static void
reveal_requested_cb (FdSensitiveField *field,
                     FdResidentDetail *self)
{
  const char *key = g_object_get_data (G_OBJECT (field), "fd-key");

  fd_resident_detail_reveal (self, key);
}

static GtkWidget *
add_row (FdResidentDetail *self,
         guint             group,
         const char       *key,
         GtkWidget        *value)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title_for_key (key));
  gtk_widget_set_hexpand (value, TRUE);
  gtk_widget_set_halign (value, GTK_ALIGN_END);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), value);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (ensure_group (self, group)), row);

  g_ptr_array_add (self->keys, g_strdup (key));
  g_hash_table_insert (self->rows, g_strdup (key), row);
  g_hash_table_insert (self->values, g_strdup (key), value);

  return row;
}

static void
add_sensitive_row (FdResidentDetail   *self,
                   guint               group,
                   const char         *key,
                   const char         *reveal_field,
                   const FdFieldValue *field_value)
{
  FdSensitiveField *field = fd_sensitive_field_new (title_for_key (key), field_value);
  GtkWidget *row;

  g_object_set_data_full (G_OBJECT (field), "fd-key", g_strdup (key), g_free);
  g_signal_connect_object (field, "reveal-requested", G_CALLBACK (reveal_requested_cb), self, 0);
  row = add_row (self, group, key, GTK_WIDGET (field));
  fd_sensitive_field_protect_row (field, row);

  if (reveal_field != NULL && field_value->revealable && field_value->masked)
    g_hash_table_insert (self->reveal_keys, g_strdup (key), g_strdup (reveal_field));
}

static gboolean
copy_plain_cb (GtkWidget *widget,
               GVariant  *args,
               gpointer   user_data)
{
  GtkLabel *label = GTK_LABEL (user_data);

  fd_clipboard_copy_plain (widget, gtk_label_get_text (label));
  gtk_widget_activate_action (widget, "pages.toast", "s", _("Copied"));
  return TRUE;
}

static void
copy_button_cb (GtkButton *button,
                GtkLabel  *label)
{
  copy_plain_cb (GTK_WIDGET (button), NULL, label);
}

static void
add_plain_row (FdResidentDetail *self,
               guint             group,
               const char       *key,
               const char       *text,
               gboolean          copy_button)
{
  GtkWidget *label = gtk_label_new (text);
  GtkEventController *controller;
  GtkWidget *row;

  gtk_label_set_selectable (GTK_LABEL (label), FALSE);
  gtk_label_set_xalign (GTK_LABEL (label), 1.0f);
  row = add_row (self, group, key, label);

  /* Plain values may be copied: Ctrl+C on the row, or the button. */
  controller = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
    gtk_shortcut_new (gtk_shortcut_trigger_parse_string ("<Control>c|<Control>Insert"),
                      gtk_callback_action_new (copy_plain_cb, label, NULL)));
  gtk_widget_add_controller (row, controller);

  if (copy_button)
    {
      GtkWidget *button = gtk_button_new_from_icon_name ("edit-copy-symbolic");
      g_autofree char *tooltip = NULL;

      /* Translators: tooltip of a copy button; %s is a field name ("Room") */
      tooltip = g_strdup_printf (_("Copy %s"), title_for_key (key));
      gtk_widget_set_tooltip_text (button, tooltip);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "flat");
      g_signal_connect_object (button, "clicked", G_CALLBACK (copy_button_cb), label, 0);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }
}

static char *
format_money (gint64 cents)
{
  g_autofree char *whole = g_strdup_printf ("%" G_GINT64_FORMAT, ABS (cents) / 100);
  int fraction = (int) (ABS (cents) % 100);

  /* Translators: an amount in yuan; the first %s is "-" for a negative
   * amount or empty, the second the whole yuan, then the cents, e.g.
   * "¥1234.50" */
  return g_strdup_printf (_("%s¥%s.%02d"), cents < 0 ? "-" : "", whole, fraction);
}

static void
build_rows (FdResidentDetail *self,
            const FdResident *resident)
{
  static const FdField personal[] = {
    FD_FIELD_NAME, FD_FIELD_ROOM, FD_FIELD_PHONE, FD_FIELD_ID_NUMBER, FD_FIELD_HOME_ADDRESS,
  };
  const FdPayments *payments = resident->payments;

  for (guint i = 0; i < G_N_ELEMENTS (personal); i++)
    {
      const FdFieldValue *value = fd_resident_get_field (resident, personal[i]);
      const char *key = fd_field_to_string (personal[i]);

      if (value == NULL)
        continue;

      if (personal[i] == FD_FIELD_ROOM && !value->masked)
        add_plain_row (self, 0, key, value->value, TRUE);
      else
        add_sensitive_row (self, 0, key, key, value);

      /* Verify is open to the roles that see the field masked. */
      if ((personal[i] == FD_FIELD_PHONE || personal[i] == FD_FIELD_ID_NUMBER) &&
          value->masked)
        g_ptr_array_add (self->verify_fields, g_strdup (key));
    }

  {
    g_autoptr(FdFieldValue) plates = fd_resident_join_plates (resident);

    if (plates != NULL)
      add_sensitive_row (self, 0, "plates", "plates", plates);
  }

  if (payments != NULL)
    {
      const char *status = payments->status;
      const FdFieldValue *account = payments->account;
      const char *last_paid = payments->last_paid_at;

      if (status != NULL)
        add_plain_row (self, 1, "payment_status",
                       g_str_equal (status, "overdue") ? _("Overdue") :
                       g_str_equal (status, "paid") ? _("Paid") : _("Unknown"),
                       FALSE);
      if (account != NULL)
        add_sensitive_row (self, 1, "account", "account", account);
      if (payments->has_balance)
        {
          g_autofree char *money = format_money (payments->balance_cents);
          g_autoptr(FdFieldValue) value = fd_field_value_new (money, FALSE, FALSE);

          add_sensitive_row (self, 1, "balance", NULL, value);
        }
      if (last_paid != NULL)
        {
          g_autofree char *when = fd_view_format_time (last_paid, TRUE);

          add_plain_row (self, 1, "last_paid", when, FALSE);
        }
    }

  if (self->verify_fields->len > 0)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *button = gtk_button_new_with_mnemonic (_("_Verify…"));

      /* GTK 4.8 also copies the raw mnemonic text ("_Show") into the accessible
       * label, ahead of the label's own text: let the mnemonic label name it. */
      gtk_accessible_reset_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     _("Check a number the person presents"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                   _("Answers match or no match; the stored value stays hidden"));
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "detail.verify");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), button);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (ensure_group (self, 2)), row);
    }
}

static void
set_loading (FdResidentDetail *self,
             gboolean          loading)
{
  self->loading = loading;
  gtk_widget_set_visible (self->spinner, loading);
  gtk_spinner_set_spinning (GTK_SPINNER (self->spinner), loading);
}

static void
load_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(FdResidentDetail) self = user_data;
  g_autoptr(FdResident) resident = NULL;
  g_autoptr(GError) error = NULL;

  resident = fd_api_client_get_resident_finish (FD_API_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_loading (self, FALSE);

  if (resident == NULL)
    {
      if (g_error_matches (error, FD_ERROR, FD_ERROR_ACCOUNT_LOCKED))
        gtk_label_set_text (GTK_LABEL (self->error_label),
                            _("Your account has been locked because of unusual activity."));
      else
        gtk_label_set_text (GTK_LABEL (self->error_label), error->message);
      gtk_widget_set_visible (self->error_label, TRUE);
      g_signal_emit (self, signals[LOADED], 0, FALSE);
      return;
    }

  build_rows (self, resident);
  g_clear_pointer (&self->heading_name, fd_secret_free);
  g_clear_pointer (&self->heading_room, g_free);
  /* The title shows the name masked whatever the role may see. */
  if (resident->name != NULL)
    self->heading_name = resident->name->masked ? g_strdup (resident->name->value)
                                                : fd_mask_name (resident->name->value);
  if (resident->room != NULL)
    self->heading_room = g_strdup (resident->room->value);
  if (self->visitor_button && resident->room != NULL && !resident->room->masked)
    fd_desk_add_visitor_button (g_hash_table_lookup (self->rows, "room"),
                                resident->room->value);
  g_signal_emit (self, signals[LOADED], 0, TRUE);
}

void
fd_resident_detail_load (FdResidentDetail *self,
                         const char       *resident_id)
{
  g_return_if_fail (FD_IS_RESIDENT_DETAIL (self));
  g_return_if_fail (resident_id != NULL);

  fd_view_cancel (&self->cancellable);
  fd_resident_detail_clear (self);

  g_free (self->resident_id);
  self->resident_id = g_strdup (resident_id);
  self->cancellable = g_cancellable_new ();

  set_loading (self, TRUE);
  fd_api_client_get_resident_async (self->api, resident_id, self->cancellable,
                                    load_cb, g_object_ref (self));
}

static void
revealed_cb (FdRevealDialog *dialog,
             const char     *value,
             guint           seconds,
             gpointer        user_data)
{
  FdResidentDetail *self = user_data;
  const char *key = g_object_get_data (G_OBJECT (dialog), "fd-key");
  GtkWidget *widget = key ? g_hash_table_lookup (self->values, key) : NULL;

  if (widget == NULL || !FD_IS_SENSITIVE_FIELD (widget))
    return;

  {
    /* Grouped for reading aloud (issue 14): display only, never copyable. */
    g_autofree char *grouped = fd_desk_group_digits (key, value);

    fd_sensitive_field_show_revealed (FD_SENSITIVE_FIELD (widget), grouped,
                                      seconds > 0 ? seconds : self->reveal_window_s);
    fd_secret_free (g_steal_pointer (&grouped));
  }
}

FdRevealDialog *
fd_resident_detail_reveal (FdResidentDetail *self,
                           const char       *key)
{
  const char *field;
  FdRevealDialog *dialog;
  GtkRoot *root;

  g_return_val_if_fail (FD_IS_RESIDENT_DETAIL (self), NULL);

  field = key ? g_hash_table_lookup (self->reveal_keys, key) : NULL;
  if (field == NULL || self->resident_id == NULL)
    return NULL;

  root = gtk_widget_get_root (GTK_WIDGET (self));
  dialog = fd_reveal_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                 self->api, self->resident_id, field, title_for_key (key),
                                 g_str_equal (field, "id_number"));
  g_object_set_data_full (G_OBJECT (dialog), "fd-key", g_strdup (key), g_free);
  g_signal_connect_object (dialog, "revealed", G_CALLBACK (revealed_cb), self, 0);
  track_dialog (self, GTK_WINDOW (dialog));
  gtk_window_present (GTK_WINDOW (dialog));

  return dialog;
}

FdVerifyDialog *
fd_resident_detail_verify (FdResidentDetail *self)
{
  FdVerifyDialog *dialog;
  GtkRoot *root;

  g_return_val_if_fail (FD_IS_RESIDENT_DETAIL (self), NULL);

  if (self->verify_fields->len == 0 || self->resident_id == NULL)
    return NULL;

  g_ptr_array_add (self->verify_fields, NULL);
  root = gtk_widget_get_root (GTK_WIDGET (self));
  dialog = fd_verify_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                 self->api, self->resident_id,
                                 (const char * const *) self->verify_fields->pdata);
  g_ptr_array_remove_index (self->verify_fields, self->verify_fields->len - 1);
  track_dialog (self, GTK_WINDOW (dialog));
  gtk_window_present (GTK_WINDOW (dialog));

  return dialog;
}

static void
verify_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  fd_resident_detail_verify (FD_RESIDENT_DETAIL (widget));
}

const char *
fd_resident_detail_get_resident_id (FdResidentDetail *self)
{
  g_return_val_if_fail (FD_IS_RESIDENT_DETAIL (self), NULL);
  return self->resident_id;
}

void
fd_resident_detail_get_heading (FdResidentDetail  *self,
                                const char       **name,
                                const char       **room)
{
  g_return_if_fail (FD_IS_RESIDENT_DETAIL (self));
  *name = self->heading_name;
  *room = self->heading_room;
}

void
fd_resident_detail_set_visitor_button (FdResidentDetail *self,
                                       gboolean          shown)
{
  g_return_if_fail (FD_IS_RESIDENT_DETAIL (self));
  self->visitor_button = shown;
}

gboolean
fd_resident_detail_get_loading (FdResidentDetail *self)
{
  g_return_val_if_fail (FD_IS_RESIDENT_DETAIL (self), FALSE);
  return self->loading;
}

char **
fd_resident_detail_get_keys (FdResidentDetail *self)
{
  GStrvBuilder *builder;
  char **keys;

  g_return_val_if_fail (FD_IS_RESIDENT_DETAIL (self), NULL);

  builder = g_strv_builder_new ();
  for (guint i = 0; i < self->keys->len; i++)
    g_strv_builder_add (builder, g_ptr_array_index (self->keys, i));
  keys = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return keys;
}

GtkWidget *
fd_resident_detail_get_row (FdResidentDetail *self,
                            const char       *key)
{
  g_return_val_if_fail (FD_IS_RESIDENT_DETAIL (self), NULL);
  return g_hash_table_lookup (self->rows, key);
}

GtkWidget *
fd_resident_detail_get_value (FdResidentDetail *self,
                              const char       *key)
{
  g_return_val_if_fail (FD_IS_RESIDENT_DETAIL (self), NULL);
  return g_hash_table_lookup (self->values, key);
}

static void
fd_resident_detail_dispose (GObject *object)
{
  FdResidentDetail *self = FD_RESIDENT_DETAIL (object);

  fd_view_cancel (&self->cancellable);

  if (self->box != NULL)
    fd_resident_detail_clear (self);
  g_clear_pointer (&self->scroller, gtk_widget_unparent);
  self->box = NULL;
  g_clear_object (&self->api);

  G_OBJECT_CLASS (fd_resident_detail_parent_class)->dispose (object);
}

static void
fd_resident_detail_finalize (GObject *object)
{
  FdResidentDetail *self = FD_RESIDENT_DETAIL (object);

  g_free (self->resident_id);
  fd_secret_free (self->heading_name);
  g_free (self->heading_room);
  g_ptr_array_unref (self->keys);
  g_ptr_array_unref (self->verify_fields);
  g_ptr_array_unref (self->dialogs);
  g_hash_table_unref (self->rows);
  g_hash_table_unref (self->values);
  g_hash_table_unref (self->reveal_keys);

  G_OBJECT_CLASS (fd_resident_detail_parent_class)->finalize (object);
}

static void
fd_resident_detail_class_init (FdResidentDetailClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fd_resident_detail_dispose;
  object_class->finalize = fd_resident_detail_finalize;

  signals[LOADED] =
    g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);

  gtk_widget_class_install_action (widget_class, "detail.verify", NULL, verify_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "fd-resident-detail");
}

static void
fd_resident_detail_init (FdResidentDetail *self)
{
  GtkWidget *clamp;

  self->keys = g_ptr_array_new_with_free_func (g_free);
  self->verify_fields = g_ptr_array_new_with_free_func (g_free);
  self->dialogs = g_ptr_array_new ();
  self->rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->reveal_keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  self->scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scroller),
                                  GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_parent (self->scroller, GTK_WIDGET (self));

  clamp = adw_clamp_new ();
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 640);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scroller), clamp);

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  gtk_widget_set_margin_top (self->box, 18);
  gtk_widget_set_margin_bottom (self->box, 18);
  gtk_widget_set_margin_start (self->box, 12);
  gtk_widget_set_margin_end (self->box, 12);
  adw_clamp_set_child (ADW_CLAMP (clamp), self->box);

  self->spinner = gtk_spinner_new ();
  gtk_widget_set_visible (self->spinner, FALSE);
  gtk_widget_set_size_request (self->spinner, 32, 32);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->spinner),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Loading"), -1);
  gtk_box_append (GTK_BOX (self->box), self->spinner);

  self->error_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->error_label), TRUE);
  gtk_widget_add_css_class (self->error_label, "error");
  gtk_widget_set_visible (self->error_label, FALSE);
  gtk_box_append (GTK_BOX (self->box), self->error_label);
}

FdResidentDetail *
fd_resident_detail_new (FdApiClient *api,
                        guint        reveal_window_s)
{
  FdResidentDetail *self;

  g_return_val_if_fail (FD_IS_API_CLIENT (api), NULL);

  self = g_object_new (FD_TYPE_RESIDENT_DETAIL, NULL);
  self->api = g_object_ref (api);
  self->reveal_window_s = reveal_window_s > 0 ? reveal_window_s : 30;
  return self;
}
