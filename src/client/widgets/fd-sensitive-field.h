/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A personal field that is never copied, with Reveal and a re-mask countdown. */

#pragma once

#include <gtk/gtk.h>

#include "fd-field.h"

G_BEGIN_DECLS

#define FD_TYPE_SENSITIVE_FIELD (fd_sensitive_field_get_type ())
G_DECLARE_FINAL_TYPE (FdSensitiveField, fd_sensitive_field, FD, SENSITIVE_FIELD, GtkWidget)

/* Shows one personal field exactly as the server sent it (masked or in
 * clear for this role). Never selectable, no drag source, no copy: Ctrl+C,
 * Ctrl+Insert, the copy action or a right click on it (or on the row it
 * protects) copies nothing and shows "Sensitive fields cannot be copied".
 * When revealable it has a Reveal button that emits ::reveal-requested;
 * a revealed value shows with a countdown, then re-masks by itself, on
 * fd_sensitive_field_remask(), on unmap and on dispose, and the clear
 * string is zeroed each time.
 *
 * Signals: ::reveal-requested (), ::copy-refused (). */
FdSensitiveField *fd_sensitive_field_new           (const char         *title,
                                                    const FdFieldValue *value);
void              fd_sensitive_field_set_value     (FdSensitiveField   *self,
                                                    const FdFieldValue *value);
/* The field's name as the user reads it ("Mobile"): accessible label. */
const char       *fd_sensitive_field_get_title     (FdSensitiveField   *self);
/* What the field displays right now (masked unless revealed). */
const char       *fd_sensitive_field_get_display   (FdSensitiveField   *self);
gboolean          fd_sensitive_field_get_masked    (FdSensitiveField   *self);
gboolean          fd_sensitive_field_get_revealable (FdSensitiveField  *self);

/* Shows @clear for @seconds (a copy is kept and zeroed on re-mask). */
void              fd_sensitive_field_show_revealed (FdSensitiveField   *self,
                                                    const char         *clear,
                                                    guint               seconds);
gboolean          fd_sensitive_field_get_revealed  (FdSensitiveField   *self);
/* Whole seconds left before the value re-masks; 0 when not revealed. */
guint             fd_sensitive_field_get_remaining (FdSensitiveField   *self);
void              fd_sensitive_field_remask        (FdSensitiveField   *self);

/* Ctrl+C / Ctrl+Insert / Ctrl+X / right click on @row refuse like the
 * field itself. */
void              fd_sensitive_field_protect_row   (FdSensitiveField   *self,
                                                    GtkWidget          *row);
/* What the copy action does: refuses and notifies. */
void              fd_sensitive_field_copy          (FdSensitiveField   *self);

/* The countdown's clock, in microseconds (default: CLOCK_BOOTTIME, which
 * counts time spent suspended). Tests install their own and then call
 * fd_sensitive_field_check(); NULL restores the default. */
typedef gint64 (*FdClockFunc) (void);
void              fd_sensitive_field_set_clock     (FdClockFunc         func);
gint64            fd_sensitive_field_now           (void);
/* Re-reads the clock: updates the countdown, re-masks when it has run out. */
void              fd_sensitive_field_check         (FdSensitiveField   *self);

G_END_DECLS
