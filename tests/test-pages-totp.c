/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The client's two-factor sign-in and set-up (issue 15), driven in the real
 * window against a real server under Xvfb. */

#include "config.h"

#include <glib/gi18n.h>
#include <gtk/gtk.h>
#include <locale.h>
#include <string.h>

#include "fd-application.h"
#include "fd-signin-page.h"
#include "fd-test-server.h"
#include "fd-totp-page.h"
#include "fd-window.h"
#include "test-pages-util.h"

#define TIMEOUT_MS 20000

static FdTestServer *server;
static SoupSession *test_session;
static FdApplication *app;
static const char *lang = "en";

static gboolean
sensitive_cb (gpointer widget)
{
  return gtk_widget_get_sensitive (widget);
}

static void
assert_page (FdWindow   *window,
             const char *page)
{
  fd_pages_test_assert_page (window, page, TIMEOUT_MS);
}

static void
shoot (FdWindow   *window,
       const char *name)
{
  g_autofree char *full = g_strdup_printf ("%s-%s", name, lang);

  fd_pages_test_screenshot (GTK_WIDGET (window), full);
}

static FdWindow *
open_window (void)
{
  FdClientConfig overrides = {
    .server_url = (char *) fd_test_server_get_base_url (server),
    .ca_file = (char *) fd_test_server_get_ca_path (server),
    .workstation = (char *) "test-desk",
  };
  FdWindow *window;

  fd_application_set_overrides (app, &overrides);
  window = fd_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 820);
  fd_pages_test_show_window (GTK_WINDOW (window));
  assert_page (window, "signin");
  return window;
}

static GtkWidget *
suggested_button (GtkWidget *root)
{
  g_autoptr(GPtrArray) buttons = fd_pages_test_find_all (root, GTK_TYPE_BUTTON);

  for (guint i = 0; i < buttons->len; i++)
    {
      GtkWidget *button = g_ptr_array_index (buttons, i);

      if (gtk_widget_has_css_class (button, "suggested-action") && gtk_widget_get_mapped (button))
        return button;
    }
  return NULL;
}

/* The mapped entry of @root with @purpose. */
static GtkEditable *
entry_with_purpose (GtkWidget       *root,
                    GtkInputPurpose  purpose)
{
  g_autoptr(GPtrArray) entries = fd_pages_test_find_all (root, GTK_TYPE_ENTRY);

  for (guint i = 0; i < entries->len; i++)
    {
      GtkEntry *entry = g_ptr_array_index (entries, i);

      if (gtk_entry_get_input_purpose (entry) == purpose &&
          gtk_widget_get_mapped (GTK_WIDGET (entry)))
        return GTK_EDITABLE (entry);
    }
  return NULL;
}

static void
type_password_step (FdWindow   *window,
                    const char *username)
{
  FdSigninPage *page = FD_SIGNIN_PAGE (fd_pages_test_find (GTK_WIDGET (window),
                                                           FD_TYPE_SIGNIN_PAGE));
  GtkWidget *password = fd_pages_test_find (GTK_WIDGET (page), GTK_TYPE_PASSWORD_ENTRY);

  fd_signin_page_set_username (page, username);
  gtk_editable_set_text (GTK_EDITABLE (password), fd_test_server_get_password (server));
  gtk_widget_activate (suggested_button (GTK_WIDGET (page)));
}

static gboolean
asking_code_cb (gpointer data)
{
  return fd_signin_page_get_asking_code (data);
}

typedef struct
{
  FdSigninPage *page;
  const char   *message;
} MessageWait;

static gboolean
message_is_cb (gpointer data)
{
  MessageWait *m = data;

  return g_strcmp0 (fd_signin_page_get_message (m->page), m->message) == 0;
}

typedef struct
{
  GtkStack   *stack;
  const char *name;
} StackWait;

static gboolean
stack_is_cb (gpointer data)
{
  StackWait *w = data;

  return g_strcmp0 (gtk_stack_get_visible_child_name (w->stack), w->name) == 0;
}

static gboolean
label_filled_cb (gpointer data)
{
  return gtk_label_get_text (data)[0] != '\0';
}

/* The monospace label of the visible page of the set-up stack. */
static GtkLabel *
monospace_label (GtkWidget *root)
{
  g_autoptr(GPtrArray) labels = fd_pages_test_find_all (root, GTK_TYPE_LABEL);

  for (guint i = 0; i < labels->len; i++)
    {
      GtkWidget *label = g_ptr_array_index (labels, i);

      if (gtk_widget_has_css_class (label, "monospace") && gtk_widget_get_mapped (label))
        return GTK_LABEL (label);
    }
  return NULL;
}

static char *
next_code (const char *secret,
           gint64     *last_step)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC / 30;
  gint64 step = MAX (now, *last_step + 1);

  while (step > g_get_real_time () / G_USEC_PER_SEC / 30 + 1)
    fd_pages_test_wait (500);
  *last_step = step;
  return fd_test_totp_code (secret, step);
}

/* Set-up at first sign-in (QR code, key, first code, recovery codes once),
 * then sign-in with a code computed here, a wrong code, a recovery code. */
static void
test_enrol_and_sign_in (void)
{
  g_autofree char *username = fd_test_create_user (server, test_session, "manager", NULL);
  FdWindow *window = open_window ();
  FdTotpPage *totp;
  FdSigninPage *signin = FD_SIGNIN_PAGE (fd_pages_test_find (GTK_WIDGET (window),
                                                             FD_TYPE_SIGNIN_PAGE));
  GtkStack *stack;
  GtkLabel *label;
  GtkPicture *qr;
  g_autofree char *secret = NULL;
  g_auto(GStrv) recovery = NULL;
  g_autofree char *code = NULL;
  gint64 last_step = 0;
  StackWait codes_wait;

  /* 1. the password: the account must set up its second factor */
  type_password_step (window, username);
  assert_page (window, "totp");
  totp = FD_TOTP_PAGE (fd_pages_test_find (GTK_WIDGET (window), FD_TYPE_TOTP_PAGE));
  stack = GTK_STACK (fd_pages_test_find (GTK_WIDGET (totp), GTK_TYPE_STACK));
  label = monospace_label (GTK_WIDGET (totp));
  g_assert_true (fd_pages_test_wait_until (label_filled_cb, label, TIMEOUT_MS));
  g_assert_false (gtk_label_get_selectable (label));
  qr = GTK_PICTURE (fd_pages_test_find (GTK_WIDGET (totp), GTK_TYPE_PICTURE));
  g_assert_nonnull (gtk_picture_get_paintable (qr));
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (gtk_picture_get_paintable (qr)), >=, 150);
  fd_pages_test_wait (600);   /* past the crossfade from the sign-in page */
  shoot (window, "totp-setup");
  {
    g_auto(GStrv) groups = g_strsplit (gtk_label_get_text (label), " ", -1);
    secret = g_strjoinv ("", groups);
  }
  g_assert_cmpuint (strlen (secret), ==, 32);

  /* 2. the first code confirms; the codes show once, not selectable */
  code = next_code (secret, &last_step);
  gtk_editable_set_text (entry_with_purpose (GTK_WIDGET (totp), GTK_INPUT_PURPOSE_DIGITS), code);
  gtk_widget_activate (suggested_button (GTK_WIDGET (totp)));
  codes_wait = (StackWait) { stack, "codes" };
  g_assert_true (fd_pages_test_wait_until (stack_is_cb, &codes_wait, TIMEOUT_MS));
  fd_pages_test_wait (200);
  label = monospace_label (GTK_WIDGET (totp));
  g_assert_false (gtk_label_get_selectable (label));
  recovery = g_strsplit (gtk_label_get_text (label), "\n", -1);
  g_assert_cmpuint (g_strv_length (recovery), ==, 10);
  g_assert_null (gtk_picture_get_paintable (qr));   /* the QR code is gone */
  shoot (window, "totp-codes");
  {
    GtkWidget *next = suggested_button (GTK_WIDGET (totp));
    GtkCheckButton *check = GTK_CHECK_BUTTON (fd_pages_test_find (GTK_WIDGET (totp),
                                                                  GTK_TYPE_CHECK_BUTTON));

    g_assert_false (gtk_widget_get_sensitive (next));
    gtk_check_button_set_active (check, TRUE);
    g_assert_true (gtk_widget_get_sensitive (next));
    gtk_widget_activate (next);
  }
  /* a new account confirms the office's rules next (issue 12) */
  assert_page (window, "rules");
  {
    GtkWidget *accept = fd_pages_test_find_button (GTK_WIDGET (window),
                                                   _("I Have _Read and Will Follow These Rules"));

    g_assert_nonnull (accept);
    g_assert_true (fd_pages_test_wait_until (sensitive_cb, accept, TIMEOUT_MS));
    g_signal_emit_by_name (accept, "clicked");
  }
  assert_page (window, "main");

  /* 3. sign out; in again: password, then a wrong code, then the right one */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.sign-out", NULL);
  assert_page (window, "signin");
  type_password_step (window, username);
  g_assert_true (fd_pages_test_wait_until (asking_code_cb, signin, TIMEOUT_MS));
  {
    GtkEditable *entry = entry_with_purpose (GTK_WIDGET (signin), GTK_INPUT_PURPOSE_DIGITS);
    MessageWait wrong_message = { signin, _("Wrong or already used code. Wait for the next "
                                            "code in the app and try again.") };

    g_assert_nonnull (entry);
    g_assert_true (gtk_widget_has_focus (gtk_editable_get_delegate (entry) != NULL
                                         ? GTK_WIDGET (gtk_editable_get_delegate (entry))
                                         : GTK_WIDGET (entry)));
    shoot (window, "totp-code");
    /* a code already used: refused, and the page asks again */
    gtk_editable_set_text (entry, code);
    g_signal_emit_by_name (entry, "activate");
    g_assert_true (fd_pages_test_wait_until (message_is_cb, &wrong_message, TIMEOUT_MS));
    g_assert_true (fd_signin_page_get_asking_code (signin));
    shoot (window, "totp-wrong-code");
    g_free (code);
    code = next_code (secret, &last_step);
    gtk_editable_set_text (entry, code);
    g_signal_emit_by_name (entry, "activate");   /* Enter submits */
  }
  assert_page (window, "main");

  /* 4. a recovery code instead */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.sign-out", NULL);
  assert_page (window, "signin");
  type_password_step (window, username);
  g_assert_true (fd_pages_test_wait_until (asking_code_cb, signin, TIMEOUT_MS));
  /* "clicked" at once (GtkButton's activate emits it after a short animation) */
  g_signal_emit_by_name (fd_pages_test_find_button (GTK_WIDGET (signin), _("Use a _recovery code")),
                         "clicked");
  {
    GtkEditable *entry = entry_with_purpose (GTK_WIDGET (signin), GTK_INPUT_PURPOSE_FREE_FORM);

    g_assert_nonnull (entry);
    shoot (window, "totp-recovery");
    gtk_editable_set_text (entry, recovery[0]);
    gtk_widget_activate (suggested_button (GTK_WIDGET (signin)));
  }
  assert_page (window, "main");

  gtk_widget_activate_action (GTK_WIDGET (window), "win.sign-out", NULL);
  assert_page (window, "signin");
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  const char *extra[] = { "--second-factor", "required-for: manager,admin,auditor", NULL };
  FdTestServerOptions options = { .residents = 50, .extra_args = extra };
  int ret;

  if (g_getenv ("DISPLAY") == NULL)
    {
      g_print ("1..0 # SKIP no display\n");
      return 0;
    }
  /* LANGUAGE=zh_CN (and FRONTDESK_LOCALEDIR) for the Chinese screenshots */
  lang = fd_pages_test_init (&argc, &argv);

  server = fd_test_server_start (&options);
  test_session = fd_test_server_new_session (server);
  app = fd_pages_test_new_app ();

  g_test_add_func ("/fd/pages/totp/enrol-and-sign-in", test_enrol_and_sign_in);
  ret = g_test_run ();

  g_clear_object (&app);
  g_clear_object (&test_session);
  g_clear_pointer (&server, fd_test_server_stop);
  return ret;
}
