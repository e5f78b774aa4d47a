/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The visitor registration form: its fields, their checks, Tab order and drafts. */

#include "config.h"

#include "fd-visitor-form.h"

#include "fd-error.h"
#include "fd-field.h"
#include "fd-purpose-chips.h"
#include "fd-room-suggestions.h"
#include "fd-sensitive-entry.h"
#include "fd-view-util.h"
#include "fd-validate.h"

#include <glib/gi18n.h>
#include <string.h>

#define PURPOSE_MAX_CHARS    100

typedef enum
{
  FIELD_NAME,
  FIELD_PHONE,
  FIELD_ID_NUMBER,
  FIELD_ROOM,
  FIELD_PURPOSE,
  FIELD_PLATE,
  N_FIELDS
} FieldId;

typedef struct
{
  const char *key;
  gboolean    optional;
  gboolean    sensitive;   /* personal data: no copy, private hint */
  gboolean    upper;       /* normalise to upper case (ID X, plates) */
  const char *title;
  /* What we say when the server refuses the member: our own words,
   * never the server's text. */
  const char *server_message;
  const char *required_message;
} FieldSpec;

static const FieldSpec specs[N_FIELDS] = {
  [FIELD_NAME]      = { "name", FALSE, TRUE, FALSE, N_("Name"),
                        N_("Enter the visitor’s name as on their ID."),
                        N_("Enter the visitor’s name.") },
  [FIELD_PHONE]     = { "phone", FALSE, TRUE, FALSE, N_("Mobile"),
                        N_("Enter an 11-digit mainland mobile number starting with 1."),
                        N_("Enter the visitor’s mobile number.") },
  [FIELD_ID_NUMBER] = { "id_number", TRUE, TRUE, TRUE, N_("ID number (optional)"),
                        N_("This ID number is not valid: check every digit."), NULL },
  [FIELD_ROOM]      = { "room", FALSE, FALSE, FALSE, N_("Room visited"),
                        N_("There is no such room on this estate."),
                        N_("Choose the room being visited.") },
  [FIELD_PURPOSE]   = { "purpose", FALSE, FALSE, FALSE, N_("Purpose"),
                        N_("Say what the visit is for."), N_("Say what the visit is for.") },
  [FIELD_PLATE]     = { "plate", TRUE, TRUE, TRUE, N_("Licence plate (optional)"),
                        N_("This is not a valid licence plate."), NULL },
};

struct _FdVisitorForm
{
  GtkWidget     parent_instance;

  GtkWidget    *box;
  GtkWidget    *group;
  GtkWidget    *rows[N_FIELDS];
  GtkWidget    *error_rows[N_FIELDS];
  GtkWidget    *error_labels[N_FIELDS];
  GtkWidget    *form_error;
  GtkWidget    *submit_button;
  FdRoomSuggestions *rooms;   /* issue 14: inline, replaces a popover */
  FdPurposeChips *purposes;   /* issue 14 */

  FdApiClient  *api;
  GCancellable *cancellable;
  gboolean      busy;
};

G_DEFINE_FINAL_TYPE (FdVisitorForm, fd_visitor_form, GTK_TYPE_WIDGET)

enum {
  REGISTERED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *
field_title (FieldId id)
{
  return id < N_FIELDS ? _(specs[id].title) : "";
}

static const char *
server_message (FieldId id)
{
  return id < N_FIELDS ? _(specs[id].server_message) : _("Check this field.");
}

static const char *
required_message (FieldId id)
{
  return id < N_FIELDS && specs[id].required_message != NULL
         ? _(specs[id].required_message) : NULL;
}

static int
field_for_key (const char *key)
{
  for (int i = 0; i < N_FIELDS; i++)
    if (g_strcmp0 (specs[i].key, key) == 0)
      return i;
  return -1;
}

static void
set_field_error (FdVisitorForm *self,
                 FieldId        id,
                 const char    *message)
{
  gtk_label_set_text (GTK_LABEL (self->error_labels[id]), message ? message : "");
  gtk_widget_set_visible (self->error_rows[id], message != NULL);
  if (message != NULL)
    {
      gtk_widget_add_css_class (self->rows[id], "error");
      gtk_accessible_update_state (GTK_ACCESSIBLE (self->rows[id]),
                                   GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE,
                                   -1);
    }
  else
    {
      gtk_widget_remove_css_class (self->rows[id], "error");
      gtk_accessible_reset_state (GTK_ACCESSIBLE (self->rows[id]),
                                  GTK_ACCESSIBLE_STATE_INVALID);
    }
}

static char *
field_value (FdVisitorForm *self,
             FieldId        id)
{
  char *value = fd_input_normalize (gtk_editable_get_text (GTK_EDITABLE (self->rows[id])),
                                    specs[id].upper);

  return value != NULL ? value : g_strdup ("");
}

/* Checks one field. On blur an empty required field is not an error yet;
 * on submit it is. */
static gboolean
check_field (FdVisitorForm *self,
             FieldId        id,
             gboolean       submitting)
{
  g_autoptr(GError) error = NULL;
  char *value = field_value (self, id);
  gboolean ok = TRUE;

  if (*value == '\0')
    {
      if (!specs[id].optional && submitting)
        {
          set_field_error (self, id, required_message (id));
          ok = FALSE;
        }
      else
        set_field_error (self, id, NULL);
      fd_secret_free (value);
      return ok;
    }

  switch (id)
    {
    case FIELD_NAME:
      ok = fd_validate_name (value, &error);
      break;
    case FIELD_PHONE:
      ok = fd_validate_mobile (value, &error);
      break;
    case FIELD_ID_NUMBER:
      ok = fd_validate_id_number (value, &error);
      break;
    case FIELD_ROOM:
      ok = fd_validate_room (value, &error);
      break;
    case FIELD_PLATE:
      ok = fd_validate_plate (value, &error);
      break;
    case FIELD_PURPOSE:
      ok = g_utf8_strlen (value, -1) <= PURPOSE_MAX_CHARS;
      if (!ok)
        error = g_error_new_literal (FD_ERROR, FD_ERROR_BAD_REQUEST,
                                     _("Keep the purpose under 100 characters."));
      break;
    case N_FIELDS:
    default:
      break;
    }

  fd_secret_free (value);
  set_field_error (self, id, ok ? NULL : (error ? error->message : server_message (id)));
  return ok;
}

gboolean
fd_visitor_form_validate (FdVisitorForm *self)
{
  gboolean all_ok = TRUE;

  g_return_val_if_fail (FD_IS_VISITOR_FORM (self), FALSE);

  for (int i = 0; i < N_FIELDS; i++)
    if (!check_field (self, i, TRUE))
      {
        if (all_ok)
          gtk_widget_grab_focus (self->rows[i]);
        all_ok = FALSE;
      }

  return all_ok;
}

static void
set_busy (FdVisitorForm *self,
          gboolean       busy)
{
  /* Only the button goes grey: making a focused entry insensitive
   * leaves GtkText blinking without focus. */
  self->busy = busy;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "visitor.register", !busy);
}

static void
show_form_error (FdVisitorForm *self,
                 const char    *message)
{
  gtk_label_set_text (GTK_LABEL (self->form_error), message ? message : "");
  gtk_widget_set_visible (self->form_error, message != NULL);
}

static void
register_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(FdVisitorForm) self = user_data;
  g_autoptr(FdErrorDetail) detail = NULL;
  g_autoptr(FdVisitor) visitor = NULL;
  g_autoptr(GError) error = NULL;

  visitor = fd_api_client_register_visitor_finish (FD_API_CLIENT (source), result,
                                                   &detail, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_busy (self, FALSE);

  if (visitor == NULL)
    {
      const char *member = detail ? detail->member : NULL;
      int id = field_for_key (member);

      if (g_error_matches (error, FD_ERROR, FD_ERROR_BAD_REQUEST) && id >= 0)
        {
          set_field_error (self, id, server_message (id));
          gtk_widget_grab_focus (self->rows[id]);
        }
      else if (g_error_matches (error, FD_ERROR, FD_ERROR_FORBIDDEN))
        show_form_error (self, _("Your role may not register visitors."));
      else
        show_form_error (self, error->message);
      return;
    }

  fd_visitor_form_clear (self);
  gtk_widget_activate_action (GTK_WIDGET (self), "pages.toast", "s", _("Visitor registered"));
  /* The next visitor starts at the name (issue 14). */
  gtk_widget_grab_focus (self->rows[FIELD_NAME]);
  g_signal_emit (self, signals[REGISTERED], 0);
}

void
fd_visitor_form_submit (FdVisitorForm *self)
{
  const char *members[2 * N_FIELDS + 1] = { NULL };
  char *values[N_FIELDS];

  g_return_if_fail (FD_IS_VISITOR_FORM (self));

  if (self->busy)
    return;

  show_form_error (self, NULL);
  if (!fd_visitor_form_validate (self))
    return;

  for (int i = 0; i < N_FIELDS; i++)
    {
      values[i] = field_value (self, i);
      members[2 * i] = specs[i].key;
      members[2 * i + 1] = values[i];
    }

  set_busy (self, TRUE);
  fd_api_client_register_visitor_async (self->api, members, self->cancellable,
                                        register_cb, g_object_ref (self));

  for (int i = 0; i < N_FIELDS; i++)
    fd_secret_free (values[i]);
}

gboolean
fd_visitor_form_get_busy (FdVisitorForm *self)
{
  g_return_val_if_fail (FD_IS_VISITOR_FORM (self), FALSE);
  return self->busy;
}

GtkWidget *
fd_visitor_form_get_entry (FdVisitorForm *self,
                           const char    *key)
{
  int id;

  g_return_val_if_fail (FD_IS_VISITOR_FORM (self), NULL);

  id = field_for_key (key);
  return id >= 0 ? self->rows[id] : NULL;
}

const char *
fd_visitor_form_get_error (FdVisitorForm *self,
                           const char    *key)
{
  int id;

  g_return_val_if_fail (FD_IS_VISITOR_FORM (self), NULL);

  id = field_for_key (key);
  if (id < 0 || !gtk_widget_get_visible (self->error_rows[id]))
    return NULL;
  return gtk_label_get_text (GTK_LABEL (self->error_labels[id]));
}

void
fd_visitor_form_clear (FdVisitorForm *self)
{
  g_return_if_fail (FD_IS_VISITOR_FORM (self));

  for (int i = 0; i < N_FIELDS; i++)
    {
      fd_sensitive_entry_wipe (GTK_EDITABLE (self->rows[i]));
      set_field_error (self, i, NULL);
    }
  show_form_error (self, NULL);
  fd_room_suggestions_hide (self->rooms);
}

GVariant *
fd_visitor_form_save (FdVisitorForm *self)
{
  GVariantBuilder builder;
  gboolean any = FALSE;

  g_return_val_if_fail (FD_IS_VISITOR_FORM (self), NULL);

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{ss}"));
  for (int i = 0; i < N_FIELDS; i++)
    {
      const char *text = gtk_editable_get_text (GTK_EDITABLE (self->rows[i]));

      if (*text == '\0')
        continue;
      g_variant_builder_add (&builder, "{ss}", specs[i].key, text);
      any = TRUE;
    }

  if (!any)
    {
      g_variant_builder_clear (&builder);
      return NULL;
    }
  return g_variant_builder_end (&builder);
}

void
fd_visitor_form_restore (FdVisitorForm *self,
                         GVariant      *state)
{
  GVariantIter iter;
  const char *key, *text;

  g_return_if_fail (FD_IS_VISITOR_FORM (self));

  if (state == NULL || !g_variant_is_of_type (state, G_VARIANT_TYPE ("a{ss}")))
    return;

  g_variant_iter_init (&iter, state);
  while (g_variant_iter_next (&iter, "{&s&s}", &key, &text))
    {
      int id = field_for_key (key);

      if (id < 0)
        continue;
      fd_room_suggestions_set_paused (self->rooms, TRUE);
      gtk_editable_set_text (GTK_EDITABLE (self->rows[id]), text);
      fd_room_suggestions_set_paused (self->rooms, FALSE);
    }
}

/* ---- room, focus order --------------------------------------------------- */

static void
room_chosen_cb (FdVisitorForm *self)
{
  set_field_error (self, FIELD_ROOM, NULL);
  gtk_widget_grab_focus (self->rows[FIELD_PURPOSE]);
}

void
fd_visitor_form_set_room (FdVisitorForm *self,
                          const char    *room)
{
  g_return_if_fail (FD_IS_VISITOR_FORM (self));

  fd_room_suggestions_set_paused (self->rooms, TRUE);
  gtk_editable_set_text (GTK_EDITABLE (self->rows[FIELD_ROOM]), room ? room : "");
  fd_room_suggestions_set_paused (self->rooms, FALSE);
  fd_room_suggestions_hide (self->rooms);
  set_field_error (self, FIELD_ROOM, NULL);
}

void
fd_visitor_form_focus_name (FdVisitorForm *self)
{
  g_return_if_fail (FD_IS_VISITOR_FORM (self));
  gtk_widget_grab_focus (self->rows[FIELD_NAME]);
}

FdRoomSuggestions *
fd_visitor_form_get_room_suggestions (FdVisitorForm *self)
{
  g_return_val_if_fail (FD_IS_VISITOR_FORM (self), NULL);
  return self->rooms;
}

FdPurposeChips *
fd_visitor_form_get_purpose_chips (FdVisitorForm *self)
{
  g_return_val_if_fail (FD_IS_VISITOR_FORM (self), NULL);
  return self->purposes;
}

/* Tab goes Name → Mobile → ID → Room → Purpose → Plate → Register (and
 * back with Shift+Tab). GtkListBox would leave the group on Tab, and the
 * suggestions and purpose toggles are not stops. */
static gboolean
tab_cb (GtkEventControllerKey *controller,
        guint                  keyval,
        guint                  keycode,
        GdkModifierType        state,
        FdVisitorForm         *self)
{
  GtkWidget *stops[N_FIELDS + 1];
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root ? gtk_root_get_focus (root) : NULL;
  gboolean back = keyval == GDK_KEY_ISO_Left_Tab || (state & GDK_SHIFT_MASK) != 0;
  int at = -1, next;

  if ((keyval != GDK_KEY_Tab && keyval != GDK_KEY_ISO_Left_Tab && keyval != GDK_KEY_KP_Tab) ||
      (state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) != 0 || focus == NULL)
    return GDK_EVENT_PROPAGATE;

  for (int i = 0; i < N_FIELDS; i++)
    stops[i] = self->rows[i];
  stops[N_FIELDS] = self->submit_button;
  for (int i = 0; i <= N_FIELDS; i++)
    if (focus == stops[i] || gtk_widget_is_ancestor (focus, stops[i]))
      at = i;
  if (at < 0)
    return GDK_EVENT_PROPAGATE;

  next = back ? at - 1 : at + 1;
  if (next < 0 || next > N_FIELDS)
    return GDK_EVENT_PROPAGATE;   /* out of the form, as GTK would */
  gtk_widget_grab_focus (stops[next]);
  return GDK_EVENT_STOP;
}

static void
changed_cb (GtkEditable   *editable,
            FdVisitorForm *self)
{
  int id = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (editable), "fd-field"));

  set_field_error (self, id, NULL);
  show_form_error (self, NULL);
}

static void
focus_leave_cb (GtkEventControllerFocus *controller,
                FdVisitorForm           *self)
{
  GtkWidget *row = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));
  int id = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "fd-field"));

  check_field (self, id, FALSE);
}

static void
register_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  fd_visitor_form_submit (FD_VISITOR_FORM (widget));
}

static void
fd_visitor_form_unmap (GtkWidget *widget)
{
  FdVisitorForm *self = FD_VISITOR_FORM (widget);

  if (self->rooms != NULL)
    fd_room_suggestions_hide (self->rooms);
  GTK_WIDGET_CLASS (fd_visitor_form_parent_class)->unmap (widget);
}

static void
fd_visitor_form_dispose (GObject *object)
{
  FdVisitorForm *self = FD_VISITOR_FORM (object);

  /* Wiping the fields emits ::changed: no room search may start now. */
  if (self->rooms != NULL)
    fd_room_suggestions_set_paused (self->rooms, TRUE);
  if (self->box != NULL)
    for (int i = 0; i < N_FIELDS; i++)
      fd_sensitive_entry_wipe (GTK_EDITABLE (self->rows[i]));

  fd_view_cancel (&self->cancellable);
  if (self->rooms != NULL)
    fd_room_suggestions_hide (self->rooms);
  self->rooms = NULL;
  self->purposes = NULL;

  g_clear_pointer (&self->box, gtk_widget_unparent);
  memset (self->rows, 0, sizeof self->rows);
  g_clear_object (&self->api);

  G_OBJECT_CLASS (fd_visitor_form_parent_class)->dispose (object);
}

static void
fd_visitor_form_class_init (FdVisitorFormClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fd_visitor_form_dispose;
  widget_class->unmap = fd_visitor_form_unmap;

  signals[REGISTERED] = fd_view_add_signal (klass, "registered");

  gtk_widget_class_install_action (widget_class, "visitor.register", NULL, register_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "fd-visitor-form");
}

static void
fd_visitor_form_init (FdVisitorForm *self)
{
  self->cancellable = g_cancellable_new ();

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  self->group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self->group), _("Register a Visitor"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self->group),
    _("Each field is checked as you leave it. The mobile, ID number and plate are "
      "stored encrypted and shown masked."));
  gtk_box_append (GTK_BOX (self->box), self->group);

  for (int i = 0; i < N_FIELDS; i++)
    {
      GtkEventController *focus;

      self->rows[i] = adw_entry_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->rows[i]), field_title (i));
      g_object_set_data (G_OBJECT (self->rows[i]), "fd-field", GINT_TO_POINTER (i));
      if (specs[i].sensitive)
        fd_sensitive_entry_protect (GTK_EDITABLE (self->rows[i]));
      g_signal_connect_object (self->rows[i], "changed", G_CALLBACK (changed_cb), self, 0);
      g_signal_connect_object (self->rows[i], "entry-activated",
                               G_CALLBACK (fd_visitor_form_submit), self, G_CONNECT_SWAPPED);
      focus = gtk_event_controller_focus_new ();
      g_signal_connect_object (focus, "leave", G_CALLBACK (focus_leave_cb), self, 0);
      gtk_widget_add_controller (self->rows[i], focus);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->group), self->rows[i]);

      /* The message sits right under its field, in the same list. */
      self->error_labels[i] = gtk_label_new (NULL);
      gtk_label_set_wrap (GTK_LABEL (self->error_labels[i]), TRUE);
      gtk_label_set_xalign (GTK_LABEL (self->error_labels[i]), 0.0f);
      gtk_widget_add_css_class (self->error_labels[i], "error");
      gtk_widget_add_css_class (self->error_labels[i], "fd-field-error");
      /* An AdwPreferencesRow, so that the group keeps it in its list,
       * right under its field. */
      self->error_rows[i] = adw_preferences_row_new ();
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (self->error_rows[i]), FALSE);
      gtk_list_box_row_set_selectable (GTK_LIST_BOX_ROW (self->error_rows[i]), FALSE);
      gtk_widget_set_focusable (self->error_rows[i], FALSE);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (self->error_rows[i]), self->error_labels[i]);
      gtk_widget_set_visible (self->error_rows[i], FALSE);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->group), self->error_rows[i]);
      gtk_accessible_update_relation (GTK_ACCESSIBLE (self->rows[i]),
                                      GTK_ACCESSIBLE_RELATION_DESCRIBED_BY,
                                      self->error_labels[i], NULL,
                                      -1);
    }

  g_object_set (self->rows[FIELD_PHONE], "input-purpose", GTK_INPUT_PURPOSE_PHONE, NULL);

  self->form_error = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->form_error), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->form_error), 0.0f);
  gtk_widget_add_css_class (self->form_error, "error");
  gtk_widget_set_visible (self->form_error, FALSE);
  gtk_box_append (GTK_BOX (self->box), self->form_error);

  self->submit_button = gtk_button_new_with_mnemonic (_("_Register Visitor"));
  /* GTK 4.8 also copies the raw mnemonic text ("_Show") into the accessible
   * label, ahead of the label's own text: let the mnemonic label name it. */
  gtk_accessible_reset_property (GTK_ACCESSIBLE (self->submit_button),
                                GTK_ACCESSIBLE_PROPERTY_LABEL);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->submit_button), "visitor.register");
  gtk_widget_set_halign (self->submit_button, GTK_ALIGN_END);
  gtk_widget_add_css_class (self->submit_button, "suggested-action");
  gtk_widget_add_css_class (self->submit_button, "pill");
  gtk_box_append (GTK_BOX (self->box), self->submit_button);

  /* Tab order (issue 14) */
  {
    GtkEventController *keys = gtk_event_controller_key_new ();

    gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
    g_signal_connect_object (keys, "key-pressed", G_CALLBACK (tab_cb), self, 0);
    gtk_widget_add_controller (GTK_WIDGET (self), keys);
  }
}

/* A non-focusable row of the group right under @id's field (before its
 * error row) holding @child; @follow: visible only while @child is. */
static void
add_helper_row (FdVisitorForm *self,
                FieldId        id,
                GtkWidget     *child,
                gboolean       follow)
{
  GtkWidget *row = adw_preferences_row_new ();
  GtkWidget *list = gtk_widget_get_parent (self->rows[id]);

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_list_box_row_set_selectable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_focusable (row, FALSE);
  gtk_widget_set_margin_start (child, 8);
  gtk_widget_set_margin_end (child, 8);
  gtk_widget_set_margin_top (child, 4);
  gtk_widget_set_margin_bottom (child, 4);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), child);
  gtk_widget_add_css_class (row, "fd-helper-row");
  if (follow)
    g_object_bind_property (child, "visible", row, "visible", G_BINDING_SYNC_CREATE);
  gtk_list_box_insert (GTK_LIST_BOX (list), row,
                       gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (self->rows[id])) + 1);
}

FdVisitorForm *
fd_visitor_form_new (FdApiClient *api)
{
  FdVisitorForm *self;

  g_return_val_if_fail (FD_IS_API_CLIENT (api), NULL);

  self = g_object_new (FD_TYPE_VISITOR_FORM, NULL);
  self->api = g_object_ref (api);

  /* Under the room field: the matching rooms; under the purpose field:
   * the one-click purposes. Rows of the same list, never focus stops. */
  self->rooms = fd_room_suggestions_new (api, GTK_EDITABLE (self->rows[FIELD_ROOM]));
  g_signal_connect_object (self->rooms, "chosen", G_CALLBACK (room_chosen_cb), self,
                           G_CONNECT_SWAPPED);
  add_helper_row (self, FIELD_ROOM, GTK_WIDGET (self->rooms), TRUE);
  self->purposes = fd_purpose_chips_new (api, GTK_EDITABLE (self->rows[FIELD_PURPOSE]));
  add_helper_row (self, FIELD_PURPOSE, GTK_WIDGET (self->purposes), FALSE);
  return self;
}
