/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests that no clear value reaches the clipboard or the primary selection. */

#include "config.h"

#include <adwaita.h>

#include "fd-clipboard.h"
#include "fd-sensitive-entry.h"
#include "fd-sensitive-field.h"
#include "test-pages-util.h"

/* What every test below must never find on CLIPBOARD or PRIMARY. */
#define SECRET_MOBILE "13912345678"
#define SECRET_ID     "11010519491231002X"
#define PLAIN_ROOM    "3-2-1502"

static void
assert_selection_lacks (const char *selection,
                        const char *value)
{
  g_autofree char *out = fd_pages_test_xclip (selection, NULL, NULL);

  /* Never print the value itself, even in a failure message. */
  if (strstr (out, value) != NULL)
    g_error ("%s holds a sensitive value", selection);
}

static GtkWindow *
new_window (GtkWidget *child)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());

  gtk_window_set_default_size (window, 400, 200);
  gtk_window_set_child (window, child);
  return window;
}

static void
test_plain_copy (void)
{
  GtkWidget *label = gtk_label_new ("plain");
  GtkWindow *window = new_window (label);
  g_autofree char *text = NULL;
  g_autofree char *hint = NULL;
  g_autofree char *targets = NULL;
  int status;

  fd_pages_test_show_window (window);
  fd_clipboard_copy_plain (label, PLAIN_ROOM);
  fd_pages_test_wait (50);
  g_assert_true (fd_clipboard_is_ours (gtk_widget_get_display (label)));

  text = fd_pages_test_xclip ("clipboard", NULL, &status);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpstr (text, ==, PLAIN_ROOM);

  targets = fd_pages_test_xclip ("clipboard", "TARGETS", &status);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (targets, FD_CLIPBOARD_HINT_TARGET));

  hint = fd_pages_test_xclip ("clipboard", FD_CLIPBOARD_HINT_TARGET, &status);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpstr (hint, ==, "secret");

  /* The plain text still comes out after the hint was answered by hand. */
  g_clear_pointer (&text, g_free);
  text = fd_pages_test_xclip ("clipboard", "UTF8_STRING", &status);
  g_assert_cmpstr (text, ==, PLAIN_ROOM);

  g_assert_true (fd_clipboard_clear_if_ours (gtk_widget_get_display (label)));
  fd_pages_test_wait (50);
  g_assert_false (fd_clipboard_is_ours (gtk_widget_get_display (label)));
  g_clear_pointer (&text, g_free);
  text = fd_pages_test_xclip ("clipboard", NULL, &status);
  g_assert_cmpint (status, !=, 0);
  g_assert_cmpstr (text, ==, "");

  gtk_window_destroy (window);
}

static void
test_clear_leaves_others (void)
{
  GtkWidget *label = gtk_label_new ("plain");
  GtkWindow *window = new_window (label);
  g_autoptr(GSubprocess) owner = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  GdkDisplay *display = gtk_widget_get_display (label);

  fd_pages_test_show_window (window);
  fd_clipboard_copy_plain (label, PLAIN_ROOM);
  fd_pages_test_wait (50);

  /* Another application takes CLIPBOARD over. */
  owner = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                            &error,
                            "xclip", "-i", "-selection", "clipboard", "-quiet", NULL);
  g_assert_no_error (error);
  g_assert_true (g_output_stream_write_all (g_subprocess_get_stdin_pipe (owner),
                                            "foreign", 7, NULL, NULL, &error));
  g_assert_no_error (error);
  g_output_stream_close (g_subprocess_get_stdin_pipe (owner), NULL, NULL);
  fd_pages_test_wait (300);

  g_assert_false (fd_clipboard_is_ours (display));
  g_assert_false (fd_clipboard_clear_if_ours (display));
  text = fd_pages_test_xclip ("clipboard", NULL, NULL);
  g_assert_cmpstr (text, ==, "foreign");

  g_subprocess_force_exit (owner);
  gtk_window_destroy (window);
}

static void
test_sensitive_entry (void)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *entry = gtk_entry_new ();
  GtkWidget *row_list = gtk_list_box_new ();
  GtkWidget *row = adw_entry_row_new ();
  GtkWindow *window;
  GtkEditable *text;
  guint refusals = fd_sensitive_get_refusal_count ();
  int start, end;
  GtkInputHints hints;

  gtk_box_append (GTK_BOX (box), entry);
  gtk_list_box_append (GTK_LIST_BOX (row_list), row);
  gtk_box_append (GTK_BOX (box), row_list);
  window = new_window (box);

  fd_sensitive_entry_protect (GTK_EDITABLE (entry));
  fd_sensitive_entry_protect (GTK_EDITABLE (row));
  g_assert_true (fd_sensitive_entry_is_protected (GTK_EDITABLE (entry)));
  g_object_get (entry, "input-hints", &hints, NULL);
  g_assert_true (hints & GTK_INPUT_HINT_PRIVATE);
  g_object_get (gtk_editable_get_delegate (GTK_EDITABLE (row)), "input-hints", &hints, NULL);
  g_assert_true (hints & GTK_INPUT_HINT_PRIVATE);

  gtk_editable_set_text (GTK_EDITABLE (entry), SECRET_MOBILE);
  gtk_editable_set_text (GTK_EDITABLE (row), SECRET_ID);
  fd_pages_test_show_window (window);

  /* Something plain on CLIPBOARD first, so that "unchanged" is visible. */
  fd_clipboard_copy_plain (entry, PLAIN_ROOM);

  /* A selection never holds: by API, by keyboard, by mouse. */
  gtk_editable_select_region (GTK_EDITABLE (entry), 0, -1);
  g_assert_false (gtk_editable_get_selection_bounds (GTK_EDITABLE (entry), &start, &end));

  fd_pages_test_key (entry, "ctrl+a");
  g_assert_false (gtk_editable_get_selection_bounds (GTK_EDITABLE (entry), &start, &end));
  assert_selection_lacks ("primary", SECRET_MOBILE);

  fd_pages_test_key (entry, "ctrl+c");
  fd_pages_test_key (entry, "ctrl+Insert");
  fd_pages_test_key (entry, "ctrl+x");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, SECRET_MOBILE);
  assert_selection_lacks ("clipboard", SECRET_MOBILE);
  assert_selection_lacks ("primary", SECRET_MOBILE);

  /* The context menu's Copy and Cut are these actions. */
  text = gtk_editable_get_delegate (GTK_EDITABLE (entry));
  g_assert_true (GTK_IS_TEXT (text));
  gtk_widget_activate_action (GTK_WIDGET (text), "clipboard.copy", NULL);
  gtk_widget_activate_action (GTK_WIDGET (text), "clipboard.cut", NULL);
  g_signal_emit_by_name (text, "copy-clipboard");
  g_signal_emit_by_name (text, "cut-clipboard");
  fd_pages_test_wait (50);
  assert_selection_lacks ("clipboard", SECRET_MOBILE);

  /* The context menu itself opens, but its Copy has nothing to copy. */
  fd_pages_test_click (entry, 3);
  fd_pages_test_xdotool ("key", "Escape", NULL);
  assert_selection_lacks ("clipboard", SECRET_MOBILE);

  /* A mouse drag over the text neither selects nor drags it out. */
  fd_pages_test_drag (entry);
  g_assert_false (gtk_editable_get_selection_bounds (GTK_EDITABLE (entry), &start, &end));
  assert_selection_lacks ("primary", SECRET_MOBILE);

  /* The same for an AdwEntryRow. */
  fd_pages_test_key (GTK_WIDGET (row), "ctrl+a");
  fd_pages_test_key (GTK_WIDGET (row), "ctrl+c");
  fd_pages_test_drag (GTK_WIDGET (row));
  assert_selection_lacks ("clipboard", SECRET_ID);
  assert_selection_lacks ("primary", SECRET_ID);

  g_assert_cmpuint (fd_sensitive_get_refusal_count (), >, refusals);

  {
    g_autofree char *still = fd_pages_test_xclip ("clipboard", NULL, NULL);
    g_assert_cmpstr (still, ==, PLAIN_ROOM);
  }

  fd_sensitive_entry_wipe (GTK_EDITABLE (entry));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");
  gtk_window_destroy (window);
}

static gint64 fake_now = 1000 * G_USEC_PER_SEC;

static gint64
fake_clock (void)
{
  return fake_now;
}

static void
count_cb (gpointer  instance,
          gpointer  user_data)
{
  (*(guint *) user_data)++;
}

static void
test_sensitive_field (void)
{
  g_autoptr(FdFieldValue) value = fd_field_value_new ("139****5678", TRUE, TRUE);
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *row = adw_action_row_new ();
  FdSensitiveField *field = fd_sensitive_field_new ("Mobile", value);
  GtkWindow *window;
  g_autoptr(GPtrArray) labels = NULL;
  guint refused = 0, requested = 0;

  g_object_ref_sink (field);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), "Mobile");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), GTK_WIDGET (field));
  fd_sensitive_field_protect_row (field, row);
  gtk_list_box_append (GTK_LIST_BOX (list), row);
  window = new_window (list);
  g_signal_connect (field, "copy-refused", G_CALLBACK (count_cb), &refused);
  g_signal_connect (field, "reveal-requested", G_CALLBACK (count_cb), &requested);

  fd_pages_test_show_window (window);
  fd_clipboard_copy_plain (row, PLAIN_ROOM);

  /* Nothing in it is selectable, nothing is a drag source. */
  labels = fd_pages_test_find_all (GTK_WIDGET (field), GTK_TYPE_LABEL);
  g_assert_cmpuint (labels->len, >, 0);
  for (guint i = 0; i < labels->len; i++)
    g_assert_false (gtk_label_get_selectable (g_ptr_array_index (labels, i)));

  g_assert_cmpstr (fd_sensitive_field_get_display (field), ==, "139****5678");
  g_assert_true (fd_sensitive_field_get_masked (field));
  g_assert_true (gtk_widget_get_visible (fd_pages_test_find_button (GTK_WIDGET (field),
                                                                    "Reveal…")));

  /* Reveal shows for the window with a countdown, on an injected clock. */
  fd_sensitive_field_set_clock (fake_clock);
  gtk_widget_activate_action (GTK_WIDGET (field), "field.reveal", NULL);
  g_assert_cmpuint (requested, ==, 1);
  fd_sensitive_field_show_revealed (field, SECRET_MOBILE, 30);
  g_assert_true (fd_sensitive_field_get_revealed (field));
  g_assert_cmpstr (fd_sensitive_field_get_display (field), ==, SECRET_MOBILE);
  g_assert_cmpuint (fd_sensitive_field_get_remaining (field), ==, 30);
  g_assert_nonnull (fd_pages_test_find_label (GTK_WIDGET (field), "30 s"));

  /* Every way to copy, on the field and on its row, while revealed. */
  fd_pages_test_key (GTK_WIDGET (field), "ctrl+c");
  fd_pages_test_key (GTK_WIDGET (field), "ctrl+Insert");
  fd_pages_test_key (row, "ctrl+c");
  fd_pages_test_key (row, "ctrl+x");
  fd_pages_test_key (row, "Menu");
  gtk_widget_activate_action (GTK_WIDGET (field), "clipboard.copy", NULL);
  fd_pages_test_click (GTK_WIDGET (field), 3);
  fd_pages_test_drag (GTK_WIDGET (field));
  g_assert_cmpuint (refused, >=, 7);
  assert_selection_lacks ("clipboard", SECRET_MOBILE);
  assert_selection_lacks ("primary", SECRET_MOBILE);
  {
    g_autofree char *still = fd_pages_test_xclip ("clipboard", NULL, NULL);
    g_assert_cmpstr (still, ==, PLAIN_ROOM);
  }

  /* The countdown runs on the injected clock and re-masks at the end. */
  fake_now += 10 * G_USEC_PER_SEC;
  fd_sensitive_field_check (field);
  g_assert_cmpuint (fd_sensitive_field_get_remaining (field), ==, 20);
  g_assert_nonnull (fd_pages_test_find_label (GTK_WIDGET (field), "20 s"));
  fake_now += 20 * G_USEC_PER_SEC;
  fd_sensitive_field_check (field);
  g_assert_false (fd_sensitive_field_get_revealed (field));
  g_assert_cmpstr (fd_sensitive_field_get_display (field), ==, "139****5678");
  {
    g_autofree char *text = fd_pages_test_all_text ();
    g_assert_null (strstr (text, SECRET_MOBILE));
  }

  /* Re-masks when hidden (navigation, lock) too. */
  fd_sensitive_field_show_revealed (field, SECRET_MOBILE, 30);
  gtk_widget_set_visible (GTK_WIDGET (window), FALSE);
  g_assert_false (fd_sensitive_field_get_revealed (field));

  fd_sensitive_field_set_clock (NULL);
  gtk_window_destroy (window);
  g_assert_finalize_object (field);
}

static void
test_field_not_revealable (void)
{
  g_autoptr(FdFieldValue) value = fd_field_value_new ("139****5678", TRUE, FALSE);
  FdSensitiveField *field = g_object_ref_sink (fd_sensitive_field_new ("Mobile", value));
  GtkWidget *reveal = fd_pages_test_find_button (GTK_WIDGET (field), "Reveal…");
  guint requested = 0;

  g_signal_connect (field, "reveal-requested", G_CALLBACK (count_cb), &requested);
  g_assert_true (reveal == NULL || !gtk_widget_get_visible (reveal));
  gtk_widget_activate_action (GTK_WIDGET (field), "field.reveal", NULL);
  g_assert_cmpuint (requested, ==, 0);

  /* A value sent in clear (a name for the front desk) is not revealable. */
  {
    g_autoptr(FdFieldValue) clear = fd_field_value_new ("张三", FALSE, FALSE);
    fd_sensitive_field_set_value (field, clear);
    g_assert_false (fd_sensitive_field_get_masked (field));
    reveal = fd_pages_test_find_button (GTK_WIDGET (field), "Reveal…");
    g_assert_true (reveal == NULL || !gtk_widget_get_visible (reveal));
  }

  g_assert_finalize_object (field);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/fd/pages/clipboard/plain-copy", test_plain_copy);
  g_test_add_func ("/fd/pages/clipboard/clear-leaves-others", test_clear_leaves_others);
  g_test_add_func ("/fd/pages/clipboard/sensitive-entry", test_sensitive_entry);
  g_test_add_func ("/fd/pages/clipboard/sensitive-field", test_sensitive_field);
  g_test_add_func ("/fd/pages/clipboard/not-revealable", test_field_not_revealable);

  return g_test_run ();
}
