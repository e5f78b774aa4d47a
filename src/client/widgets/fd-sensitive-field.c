/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A personal field as the server sent it: never copied, Reveal with countdown, re-mask. */

#include "config.h"

#include "fd-sensitive-field.h"

#include "fd-view-util.h"

#include "fd-sensitive-entry.h"

#include <glib/gi18n.h>
#include <string.h>
#include <time.h>

#define TICK_MS 250

struct _FdSensitiveField
{
  GtkWidget  parent_instance;

  GtkWidget *value_label;
  GtkWidget *countdown_label;
  GtkWidget *reveal_button;
  GtkWidget *hide_button;

  char      *title;
  char      *shown_value;   /* as the server sent it; may be clear for this role */
  gboolean   masked;
  gboolean   revealable;

  char      *clear;         /* revealed value, zeroed on re-mask */
  gint64     deadline;      /* clock µs */
  guint      remaining;
  guint      tick_id;
};

G_DEFINE_FINAL_TYPE (FdSensitiveField, fd_sensitive_field, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TITLE,
  PROP_REVEALED,
  PROP_REMAINING,
  N_PROPS
};

enum {
  REVEAL_REQUESTED,
  COPY_REFUSED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static gint64
boottime_now (void)
{
  struct timespec ts;

  if (clock_gettime (CLOCK_BOOTTIME, &ts) != 0)
    return g_get_monotonic_time ();

  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static FdClockFunc clock_func = boottime_now;

void
fd_sensitive_field_set_clock (FdClockFunc func)
{
  clock_func = func != NULL ? func : boottime_now;
}

gint64
fd_sensitive_field_now (void)
{
  return clock_func ();
}

/* GtkLabel keeps its text twice (label and text) and PangoLayout once
 * more, and frees them without zeroing: zero them in place right before
 * the label gets its next text. */
static void
wipe_label (GtkLabel *label)
{
  char *label_text = (char *) gtk_label_get_label (label);
  char *text = (char *) gtk_label_get_text (label);
  PangoLayout *layout = gtk_label_get_layout (label);
  char *layout_text = layout ? (char *) pango_layout_get_text (layout) : NULL;

  if (layout_text != NULL && layout_text != text && layout_text != label_text)
    explicit_bzero (layout_text, strlen (layout_text));
  if (text != NULL && text != label_text)
    explicit_bzero (text, strlen (text));
  if (label_text != NULL)
    explicit_bzero (label_text, strlen (label_text));
}

/* @wipe: the label shows a revealed value that must not linger. */
static void
set_label_text (FdSensitiveField *self,
                const char       *text,
                gboolean          wipe)
{
  if (wipe)
    wipe_label (GTK_LABEL (self->value_label));
  gtk_label_set_text (GTK_LABEL (self->value_label), text ? text : "");
}

/* The buttons and the countdown are made when first needed: a list of
 * results has hundreds of fields that never reveal anything. */
static GtkWidget *
add_button (FdSensitiveField *self,
            const char       *icon,
            const char       *tooltip,
            const char       *action,
            const char       *accessible)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  gtk_widget_set_parent (button, GTK_WIDGET (self));
  return button;
}

static void
ensure_reveal_button (FdSensitiveField *self)
{
  g_autofree char *accessible = NULL;

  if (self->reveal_button != NULL)
    return;
  /* Translators: accessible name of a button; %s is a field name such as
   * "Mobile" */
  accessible = g_strdup_printf (_("Reveal %s"), self->title ? self->title : "");
  self->reveal_button = add_button (self, "view-reveal-symbolic", _("Reveal…"), "field.reveal",
                                    accessible);
}

static void
ensure_countdown (FdSensitiveField *self)
{
  g_autofree char *accessible = NULL;

  if (self->countdown_label != NULL)
    return;

  self->countdown_label = gtk_label_new (NULL);
  gtk_widget_add_css_class (self->countdown_label, "dim-label");
  gtk_widget_add_css_class (self->countdown_label, "numeric");
  gtk_widget_add_css_class (self->countdown_label, "fd-countdown");
  gtk_widget_insert_after (self->countdown_label, GTK_WIDGET (self), self->value_label);
  /* Translators: accessible name of a button; %s is a field name such as
   * "Mobile" */
  accessible = g_strdup_printf (_("Mask %s again"), self->title ? self->title : "");
  self->hide_button = add_button (self, "view-conceal-symbolic", _("Mask again"), "field.hide",
                                  accessible);
}

static void
update_buttons (FdSensitiveField *self)
{
  gboolean revealed = self->clear != NULL;
  gboolean can_reveal = self->revealable && self->masked && !revealed;

  if (can_reveal)
    ensure_reveal_button (self);
  if (self->reveal_button != NULL)
    gtk_widget_set_visible (self->reveal_button, can_reveal);
  if (revealed)
    ensure_countdown (self);
  if (self->countdown_label != NULL)
    {
      gtk_widget_set_visible (self->hide_button, revealed);
      gtk_widget_set_visible (self->countdown_label, revealed);
    }
}

static void
update_countdown (FdSensitiveField *self)
{
  g_autofree char *text = NULL;
  g_autofree char *description = NULL;

  /* Translators: seconds left before a revealed value is masked again,
   * e.g. "28 s" */
  text = g_strdup_printf (_("%u s"), self->remaining);
  gtk_label_set_text (GTK_LABEL (self->countdown_label), text);

  /* Translators: accessible description of the countdown; %u is a
   * number of seconds */
  description = g_strdup_printf (ngettext ("Masked again in %u second",
                                           "Masked again in %u seconds",
                                           self->remaining),
                                 self->remaining);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->countdown_label),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, description,
                                  -1);
}

void
fd_sensitive_field_remask (FdSensitiveField *self)
{
  g_return_if_fail (FD_IS_SENSITIVE_FIELD (self));

  g_clear_handle_id (&self->tick_id, g_source_remove);

  if (self->clear == NULL)
    return;

  set_label_text (self, self->shown_value, TRUE);
  explicit_bzero (self->clear, strlen (self->clear));
  g_clear_pointer (&self->clear, g_free);
  self->deadline = 0;
  self->remaining = 0;

  gtk_widget_remove_css_class (GTK_WIDGET (self), "fd-revealed");
  update_buttons (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REVEALED]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REMAINING]);
}

void
fd_sensitive_field_check (FdSensitiveField *self)
{
  gint64 left;
  guint remaining;

  g_return_if_fail (FD_IS_SENSITIVE_FIELD (self));

  if (self->clear == NULL)
    return;

  left = self->deadline - fd_sensitive_field_now ();
  if (left <= 0)
    {
      fd_sensitive_field_remask (self);
      return;
    }

  remaining = (guint) ((left + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
  if (remaining != self->remaining)
    {
      self->remaining = remaining;
      update_countdown (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REMAINING]);
    }
}

static gboolean
tick_cb (gpointer user_data)
{
  FdSensitiveField *self = user_data;

  fd_sensitive_field_check (self);

  return self->clear != NULL ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

void
fd_sensitive_field_show_revealed (FdSensitiveField *self,
                                  const char       *clear,
                                  guint             seconds)
{
  g_return_if_fail (FD_IS_SENSITIVE_FIELD (self));
  g_return_if_fail (clear != NULL);

  fd_sensitive_field_remask (self);
  if (seconds == 0)
    return;

  self->clear = g_strdup (clear);
  self->deadline = fd_sensitive_field_now () + (gint64) seconds * G_USEC_PER_SEC;
  self->remaining = seconds;
  set_label_text (self, self->clear, FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (self), "fd-revealed");
  update_buttons (self);
  update_countdown (self);

  self->tick_id = g_timeout_add (TICK_MS, tick_cb, self);
  g_source_set_name_by_id (self->tick_id, "[frontdesk] reveal countdown");

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REVEALED]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REMAINING]);
}

gboolean
fd_sensitive_field_get_revealed (FdSensitiveField *self)
{
  g_return_val_if_fail (FD_IS_SENSITIVE_FIELD (self), FALSE);

  return self->clear != NULL;
}

guint
fd_sensitive_field_get_remaining (FdSensitiveField *self)
{
  g_return_val_if_fail (FD_IS_SENSITIVE_FIELD (self), 0);

  return self->clear != NULL ? self->remaining : 0;
}

void
fd_sensitive_field_copy (FdSensitiveField *self)
{
  g_return_if_fail (FD_IS_SENSITIVE_FIELD (self));

  g_signal_emit (self, signals[COPY_REFUSED], 0);
  fd_sensitive_notify_refused (GTK_WIDGET (self));
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  fd_sensitive_field_copy (FD_SENSITIVE_FIELD (widget));
}

static void
reveal_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FdSensitiveField *self = FD_SENSITIVE_FIELD (widget);

  if (self->revealable && self->masked && self->clear == NULL)
    g_signal_emit (self, signals[REVEAL_REQUESTED], 0);
}

static void
hide_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  fd_sensitive_field_remask (FD_SENSITIVE_FIELD (widget));
}

static void
right_click_cb (GtkGestureClick *gesture,
                int              n_press,
                double           x,
                double           y,
                gpointer         user_data)
{
  /* No context menu, so nothing offers Copy; say why instead. */
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  fd_sensitive_field_copy (FD_SENSITIVE_FIELD (user_data));
}

static void
add_right_click (FdSensitiveField *self,
                 GtkWidget        *widget)
{
  GtkGesture *click = gtk_gesture_click_new ();

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect_object (click, "pressed", G_CALLBACK (right_click_cb), self, 0);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (click));
}

static gboolean
row_copy_cb (GtkWidget *widget,
             GVariant  *args,
             gpointer   user_data)
{
  fd_sensitive_field_copy (FD_SENSITIVE_FIELD (user_data));
  return TRUE;
}

void
fd_sensitive_field_protect_row (FdSensitiveField *self,
                                GtkWidget        *row)
{
  static const struct { guint key; GdkModifierType mods; } keys[] = {
    { GDK_KEY_c, GDK_CONTROL_MASK },
    { GDK_KEY_C, GDK_CONTROL_MASK | GDK_SHIFT_MASK },
    { GDK_KEY_Insert, GDK_CONTROL_MASK },
    { GDK_KEY_x, GDK_CONTROL_MASK },
    { GDK_KEY_Menu, 0 },
    { GDK_KEY_F10, GDK_SHIFT_MASK },
  };
  GtkEventController *controller;

  g_return_if_fail (FD_IS_SENSITIVE_FIELD (self));
  g_return_if_fail (GTK_IS_WIDGET (row));

  controller = gtk_shortcut_controller_new ();
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      /* The row owns the controller and the field, so the field outlives
       * every activation of the callback. */
      GtkShortcutAction *action = gtk_callback_action_new (row_copy_cb, self, NULL);

      gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                            gtk_shortcut_new (gtk_keyval_trigger_new (keys[i].key,
                                                                                      keys[i].mods),
                                                              action));
    }
  gtk_widget_add_controller (row, controller);
  add_right_click (self, row);
}

void
fd_sensitive_field_set_value (FdSensitiveField   *self,
                              const FdFieldValue *value)
{
  g_return_if_fail (FD_IS_SENSITIVE_FIELD (self));

  fd_sensitive_field_remask (self);

  g_clear_pointer (&self->shown_value, fd_secret_free);
  self->shown_value = g_strdup (value && value->value ? value->value : "");
  self->masked = value ? value->masked : TRUE;
  self->revealable = value ? value->revealable : FALSE;

  set_label_text (self, self->shown_value, FALSE);
  if (self->masked)
    gtk_widget_add_css_class (GTK_WIDGET (self), "fd-masked");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "fd-masked");
  update_buttons (self);
}

const char *
fd_sensitive_field_get_title (FdSensitiveField *self)
{
  g_return_val_if_fail (FD_IS_SENSITIVE_FIELD (self), NULL);

  return self->title;
}

const char *
fd_sensitive_field_get_display (FdSensitiveField *self)
{
  g_return_val_if_fail (FD_IS_SENSITIVE_FIELD (self), NULL);

  return gtk_label_get_text (GTK_LABEL (self->value_label));
}

gboolean
fd_sensitive_field_get_masked (FdSensitiveField *self)
{
  g_return_val_if_fail (FD_IS_SENSITIVE_FIELD (self), TRUE);

  return self->masked;
}

gboolean
fd_sensitive_field_get_revealable (FdSensitiveField *self)
{
  g_return_val_if_fail (FD_IS_SENSITIVE_FIELD (self), FALSE);

  return self->revealable;
}

static void
fd_sensitive_field_set_title (FdSensitiveField *self,
                              const char       *title)
{
  if (g_strcmp0 (self->title, title) == 0)
    return;

  g_free (self->title);
  self->title = g_strdup (title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title ? title : "",
                                  -1);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

static void
fd_sensitive_field_unmap (GtkWidget *widget)
{
  /* Leaving the page, closing the window, the leaflet folding it away:
   * a revealed value never survives being off screen. */
  fd_sensitive_field_remask (FD_SENSITIVE_FIELD (widget));

  GTK_WIDGET_CLASS (fd_sensitive_field_parent_class)->unmap (widget);
}

static void
fd_sensitive_field_dispose (GObject *object)
{
  FdSensitiveField *self = FD_SENSITIVE_FIELD (object);

  if (self->value_label != NULL)
    fd_sensitive_field_remask (self);

  g_clear_pointer (&self->value_label, gtk_widget_unparent);
  g_clear_pointer (&self->countdown_label, gtk_widget_unparent);
  g_clear_pointer (&self->reveal_button, gtk_widget_unparent);
  g_clear_pointer (&self->hide_button, gtk_widget_unparent);

  G_OBJECT_CLASS (fd_sensitive_field_parent_class)->dispose (object);
}

static void
fd_sensitive_field_finalize (GObject *object)
{
  FdSensitiveField *self = FD_SENSITIVE_FIELD (object);

  g_clear_pointer (&self->shown_value, fd_secret_free);
  g_clear_pointer (&self->clear, fd_secret_free);
  g_free (self->title);

  G_OBJECT_CLASS (fd_sensitive_field_parent_class)->finalize (object);
}

static void
fd_sensitive_field_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  FdSensitiveField *self = FD_SENSITIVE_FIELD (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_REVEALED:
      g_value_set_boolean (value, fd_sensitive_field_get_revealed (self));
      break;
    case PROP_REMAINING:
      g_value_set_uint (value, fd_sensitive_field_get_remaining (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fd_sensitive_field_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  FdSensitiveField *self = FD_SENSITIVE_FIELD (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      fd_sensitive_field_set_title (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fd_sensitive_field_class_init (FdSensitiveFieldClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fd_sensitive_field_dispose;
  object_class->finalize = fd_sensitive_field_finalize;
  object_class->get_property = fd_sensitive_field_get_property;
  object_class->set_property = fd_sensitive_field_set_property;
  widget_class->unmap = fd_sensitive_field_unmap;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REVEALED] =
    g_param_spec_boolean ("revealed", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REMAINING] =
    g_param_spec_uint ("remaining", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[REVEAL_REQUESTED] = fd_view_add_signal (klass, "reveal-requested");
  signals[COPY_REFUSED] = fd_view_add_signal (klass, "copy-refused");

  gtk_widget_class_install_action (widget_class, "clipboard.copy", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "clipboard.cut", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "field.reveal", NULL, reveal_action);
  gtk_widget_class_install_action (widget_class, "field.hide", NULL, hide_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK,
                                       "clipboard.copy", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Insert, GDK_CONTROL_MASK,
                                       "clipboard.copy", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_x, GDK_CONTROL_MASK,
                                       "clipboard.cut", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Menu, 0,
                                       "clipboard.copy", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F10, GDK_SHIFT_MASK,
                                       "clipboard.copy", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "fd-sensitive-field");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
fd_sensitive_field_init (FdSensitiveField *self)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));

  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 6);
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_valign (GTK_WIDGET (self), GTK_ALIGN_CENTER);

  self->value_label = g_object_new (GTK_TYPE_LABEL,
                                    "selectable", FALSE,
                                    "xalign", 0.0f,
                                    NULL);
  gtk_widget_add_css_class (self->value_label, "fd-sensitive-value");
  gtk_widget_add_css_class (self->value_label, "numeric");
  gtk_widget_set_parent (self->value_label, GTK_WIDGET (self));

  add_right_click (self, GTK_WIDGET (self));
  self->masked = TRUE;
}

FdSensitiveField *
fd_sensitive_field_new (const char         *title,
                        const FdFieldValue *value)
{
  FdSensitiveField *self = g_object_new (FD_TYPE_SENSITIVE_FIELD, "title", title, NULL);

  fd_sensitive_field_set_value (self, value);

  return self;
}
