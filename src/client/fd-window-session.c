/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The window's sign-in, second factor, unlock and sign-out, and why a session ended. */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "fd-error.h"
#include "fd-field.h"
#include "fd-totp-page.h"
#include "fd-window-private.h"

/* Signing in, resuming, unlocking and signing out, and what the window
 * says when the server refuses or ends the session. */

/* --- messages for what the server said --- */

static char *
locked_message (JsonObject *error_object)
{
  const char *until = error_object != NULL
                      ? fd_json_get_string (error_object, "locked_until") : NULL;
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *when = NULL;

  if (until != NULL)
    utc = g_date_time_new_from_iso8601 (until, NULL);
  if (utc == NULL)
    return g_strdup (_("This account is locked. Ask your administrator to unlock it."));

  local = g_date_time_to_local (utc);
  now = g_date_time_new_now_local ();
  if (g_date_time_get_year (local) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (local) == g_date_time_get_day_of_year (now))
    when = g_date_time_format (local, "%H:%M");
  else
    when = g_date_time_format (local, "%Y-%m-%d %H:%M");

  /* Translators: %s is a local time such as 14:05 or 2026-03-01 14:05 */
  return g_strdup_printf (_("This account is locked until %s. Try again then."), when);
}

static char *
sign_in_error_message (const GError *error,
                       JsonObject   *error_object)
{
  if (error->domain != FD_ERROR)
    return g_strdup (_("Signing in failed. Try again."));

  switch (error->code)
    {
    case FD_ERROR_BAD_CREDENTIALS:
      return g_strdup (_("Wrong username or password."));
    case FD_ERROR_ACCOUNT_LOCKED:
      return locked_message (error_object);
    case FD_ERROR_ACCOUNT_DISABLED:
      return g_strdup (_("This account is disabled. Ask your administrator."));
    case FD_ERROR_NETWORK:
      return g_strdup (_("The office server cannot be reached. Check the network "
                         "connection and try again."));
    case FD_ERROR_TLS:
      return g_strdup (fd_window_tls_message ());
    case FD_ERROR_RATE_LIMITED:
      return g_strdup (_("Too many attempts. Wait a moment and try again."));
    case FD_ERROR_PROTOCOL:
      return g_strdup (_("The server sent an answer this app does not understand. "
                         "Call your administrator."));
    default:
      return g_strdup (_("Signing in failed because of a problem on the server. "
                         "Try again later."));
    }
}

static const char *
ended_message (const char *reason)
{
  if (g_strcmp0 (reason, "expired") == 0)
    return _("Your session expired. Sign in again.");
  if (g_strcmp0 (reason, "signed-out") == 0)
    return _("You were signed out elsewhere. Sign in again.");
  if (g_strcmp0 (reason, "disabled") == 0)
    return _("Your account was disabled. Ask your administrator.");
  if (g_strcmp0 (reason, "role-changed") == 0)
    return _("Your role was changed. Sign in again to continue.");
  if (g_strcmp0 (reason, "locked") == 0)
    return _("Your account was locked after unusual activity. Ask your administrator.");
  if (g_strcmp0 (reason, "unlock-failures") == 0)
    return _("You were signed out after too many wrong passwords.");
  return _("Your session has ended. Sign in again.");
}

/* --- sign-in --- */

static void
forget_challenge (FdWindow *self)
{
  g_clear_pointer (&self->challenge, fd_secret_free);
}

/* issue 15: the answers of the two steps that are not a session. TRUE
 * when handled. */
static gboolean
second_factor_answer (FdWindow   *self,
                      JsonObject *error_object)
{
  const char *code = error_object ? fd_json_get_string (error_object, "code") : NULL;
  const char *challenge = error_object ? fd_json_get_string (error_object, "challenge") : NULL;
  gboolean asking = fd_signin_page_get_asking_code (self->signin_page);

  if (g_strcmp0 (code, "second-factor-required") == 0 && challenge != NULL)
    {
      forget_challenge (self);
      self->challenge = g_strdup (challenge);
      fd_signin_page_set_busy (self->signin_page, FALSE);
      fd_signin_page_clear_password (self->signin_page);
      fd_signin_page_set_message (self->signin_page, NULL);
      fd_signin_page_ask_code (self->signin_page, TRUE);
      return TRUE;
    }
  if (g_strcmp0 (code, "bad-second-factor") == 0 && challenge != NULL && asking)
    {
      forget_challenge (self);
      self->challenge = g_strdup (challenge);
      fd_signin_page_set_busy (self->signin_page, FALSE);
      fd_signin_page_set_message (self->signin_page,
                                  _("Wrong or already used code. Wait for the next code in "
                                    "the app and try again."));
      fd_signin_page_clear_code (self->signin_page);
      return TRUE;
    }
  if (!asking)
    return FALSE;
  /* Anything else ends the second step: back to the password. */
  forget_challenge (self);
  fd_signin_page_set_busy (self->signin_page, FALSE);
  fd_signin_page_ask_code (self->signin_page, FALSE);
  if (g_strcmp0 (code, "second-factor-expired") == 0)
    {
      fd_signin_page_set_message (self->signin_page,
                                  _("This sign-in has expired. Enter your password again."));
      return TRUE;
    }
  if (g_strcmp0 (code, "bad-second-factor") == 0)
    {
      fd_signin_page_set_message (self->signin_page,
                                  _("Too many wrong codes. This account is locked for 15 "
                                    "minutes."));
      return TRUE;
    }
  return FALSE;
}

/* issue 11: the password was right and the account holds several
 * estates: offer them, and Sign In again names the one chosen. */
static gboolean
estate_answer (FdWindow   *self,
               JsonObject *error_object)
{
  JsonArray *codes;
  g_autoptr(GPtrArray) list = NULL;

  if (error_object == NULL ||
      g_strcmp0 (fd_json_get_string (error_object, "code"), "estate-required") != 0 ||
      !json_object_has_member (error_object, "estates") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (error_object, "estates")))
    return FALSE;

  codes = json_object_get_array_member (error_object, "estates");
  list = g_ptr_array_new ();
  for (guint i = 0; i < json_array_get_length (codes); i++)
    {
      JsonNode *code = json_array_get_element (codes, i);

      if (JSON_NODE_HOLDS_VALUE (code) && json_node_get_value_type (code) == G_TYPE_STRING)
        g_ptr_array_add (list, (gpointer) json_node_get_string (code));
    }
  if (list->len == 0)
    return FALSE;
  g_ptr_array_add (list, NULL);

  fd_signin_page_set_busy (self->signin_page, FALSE);
  fd_signin_page_set_estates (self->signin_page, (const char * const *) list->pdata);
  fd_signin_page_set_message (self->signin_page,
                              _("This account works for several estates. Choose one and "
                                "sign in again."));
  fd_signin_page_focus_estate (self->signin_page);
  return TRUE;
}

static void
sign_in_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(FdWindow) self = user_data;
  g_autoptr(JsonObject) error_object = NULL;
  g_autoptr(GError) error = NULL;
  const char *username;

  if (!fd_session_sign_in_finish (FD_SESSION (source), result, &error_object, &error))
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      if (second_factor_answer (self, error_object) || estate_answer (self, error_object))
        return;

      fd_signin_page_set_busy (self->signin_page, FALSE);
      message = sign_in_error_message (error, error_object);
      fd_signin_page_set_message (self->signin_page, message);
      if (g_error_matches (error, FD_ERROR, FD_ERROR_BAD_CREDENTIALS))
        {
          fd_signin_page_clear_password (self->signin_page);
          fd_signin_page_focus (self->signin_page);
        }
      return;
    }

  if (self->session != FD_SESSION (source))
    return;

  forget_challenge (self);
  fd_signin_page_ask_code (self->signin_page, FALSE);
  fd_signin_page_set_busy (self->signin_page, FALSE);
  fd_signin_page_clear_password (self->signin_page);
  fd_signin_page_set_message (self->signin_page, NULL);

  username = fd_session_get_username (self->session);
  if (self->settings != NULL && username != NULL)
    g_settings_set_string (self->settings, "last-username", username);

  /* Drafts belong to the user who left them. */
  if (g_strcmp0 (self->drafts_owner, username) != 0)
    fd_window_wipe_drafts (self);

  fd_window_enter_active (self);
}

void
fd_window_signin_submit_cb (FdWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *username = NULL;

  if (self->session == NULL || fd_session_get_state (self->session) != FD_SESSION_SIGNED_OUT)
    return;

  if (fd_signin_page_get_asking_code (self->signin_page))
    {
      g_autofree char *code = NULL;

      if (self->challenge == NULL)
        {
          fd_signin_page_ask_code (self->signin_page, FALSE);
          return;
        }
      /* a recovery code as typed (case and dashes are the server's to ignore) */
      code = g_strstrip (g_strdup (fd_signin_page_get_code (self->signin_page)));
      fd_signin_page_set_message (self->signin_page, NULL);
      fd_signin_page_set_busy (self->signin_page, TRUE);
      fd_session_second_factor_async (self->session, self->challenge, code, self->cancellable,
                                      sign_in_cb, g_object_ref (self));
      explicit_bzero (code, strlen (code));
      return;
    }

  username = g_strstrip (g_strdup (fd_signin_page_get_username (self->signin_page)));
  /* Provisioned (a setting the administrator may lock, or the host name),
   * never typed at the desk. */
  if (!fd_client_config_check_workstation (self->config->workstation, &error))
    {
      fd_signin_page_set_message (self->signin_page, error->message);
      return;
    }

  fd_session_set_workstation (self->session, self->config->workstation);
  fd_session_set_estate (self->session, fd_signin_page_get_estate (self->signin_page));

  fd_signin_page_set_message (self->signin_page, NULL);
  fd_signin_page_set_busy (self->signin_page, TRUE);
  fd_session_sign_in_async (self->session, username,
                            fd_signin_page_get_password (self->signin_page),
                            self->cancellable, sign_in_cb, g_object_ref (self));
}

/* --- resume, unlock, sign-out, end --- */

void
fd_window_resume_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(FdWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean resumed;

  resumed = fd_session_resume_finish (FD_SESSION (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      self->session != FD_SESSION (source))
    return;

  if (resumed && fd_session_get_state (self->session) == FD_SESSION_LOCKED)
    {
      fd_window_show_lock (self);
      return;
    }

  /* ::ended may already have shown the sign-in page with its reason. */
  if (g_strcmp0 (fd_window_get_page_name (self), "busy") == 0)
    {
      g_autofree char *message = NULL;

      if (error != NULL)
        message = sign_in_error_message (error, NULL);
      fd_window_show_signin (self, message);
    }
}

static void
unlock_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(FdWindow) self = user_data;
  g_autoptr(JsonObject) error_object = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (fd_session_unlock_finish (FD_SESSION (source), result, &error_object, &error))
    {
      if (self->session != FD_SESSION (source))
        return;
      fd_lock_page_set_busy (self->lock_page, FALSE);
      fd_lock_page_clear_password (self->lock_page);
      fd_lock_page_set_message (self->lock_page, NULL);
      fd_window_enter_active (self);
      return;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      self->session != FD_SESSION (source))
    return;

  fd_lock_page_set_busy (self->lock_page, FALSE);
  fd_lock_page_clear_password (self->lock_page);

  /* Signed out (too many failures, account disabled): ::ended moved on. */
  if (fd_session_get_state (self->session) != FD_SESSION_LOCKED)
    return;
  /* The server session had expired and signing in again needs a code
   * (issue 15): that is the sign-in page's job. */
  if (error_object != NULL &&
      g_strcmp0 (fd_json_get_string (error_object, "code"), "second-factor-required") == 0)
    {
      fd_window_sign_out (self);
      return;
    }

  if (g_error_matches (error, FD_ERROR, FD_ERROR_BAD_CREDENTIALS))
    {
      guint left = FD_SESSION_MAX_UNLOCK_FAILURES -
                   MIN (fd_session_get_unlock_failures (self->session),
                        FD_SESSION_MAX_UNLOCK_FAILURES);

      /* Translators: %u is how many more wrong passwords end the session */
      message = g_strdup_printf (ngettext ("Wrong password. %u more wrong password signs you out.",
                                           "Wrong password. %u more wrong passwords sign you out.",
                                           left),
                                 left);
    }
  else if (g_error_matches (error, FD_ERROR, FD_ERROR_NETWORK))
    message = g_strdup (_("The office server cannot be reached. Try again when the "
                          "connection is back."));
  else if (g_error_matches (error, FD_ERROR, FD_ERROR_TLS))
    message = g_strdup (fd_window_tls_message ());
  else
    message = sign_in_error_message (error, error_object);

  fd_lock_page_set_message (self->lock_page, message);
  fd_lock_page_focus (self->lock_page);
}

void
fd_window_unlock_submit_cb (FdWindow *self)
{
  if (self->session == NULL || fd_session_get_state (self->session) != FD_SESSION_LOCKED)
    return;

  fd_lock_page_set_message (self->lock_page, NULL);
  fd_lock_page_set_busy (self->lock_page, TRUE);
  fd_session_unlock_async (self->session, fd_lock_page_get_password (self->lock_page),
                           self->cancellable, unlock_cb, g_object_ref (self));
}

static void
sign_out_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(FdWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  fd_session_sign_out_finish (FD_SESSION (source), result, &error);
  if (self->session != FD_SESSION (source))
    return;

  fd_signin_page_clear_password (self->signin_page);
  fd_window_show_signin (self, NULL);
}

void
fd_window_sign_out (FdWindow *self)
{
  if (self->session == NULL || fd_session_get_state (self->session) == FD_SESSION_SIGNED_OUT)
    return;

  fd_window_wipe_drafts (self);
  fd_window_show_busy (self, _("Signing Out…"));
  fd_window_tear_down (self);
  fd_lock_page_clear_password (self->lock_page);
  /* Not cancelled with the window: the server must hear of it. */
  fd_session_sign_out_async (self->session, NULL, sign_out_cb, g_object_ref (self));
}

gboolean
fd_window_signs_out_on_quit (FdWindow *self)
{
  g_autofree char *when = NULL;
  FdSessionInfo *info;

  if (self->session == NULL || fd_session_get_state (self->session) == FD_SESSION_SIGNED_OUT)
    return FALSE;
  when = self->settings != NULL ? g_settings_get_string (self->settings, "sign-out-on-quit")
                                : g_strdup ("reception");
  if (g_str_equal (when, "always"))
    return TRUE;
  if (!g_str_equal (when, "reception"))
    return FALSE;
  info = fd_session_get_info (self->session);
  return info != NULL && info->role == FD_ROLE_RECEPTION;
}

void
fd_window_session_ended_cb (FdSession  *session,
                            const char *reason,
                            FdWindow   *self)
{
  fd_window_wipe_drafts (self);
  fd_window_show_page (self, "busy", FALSE);
  fd_window_tear_down (self);
  fd_lock_page_clear_password (self->lock_page);
  fd_signin_page_clear_password (self->signin_page);
  fd_signin_page_set_username (self->signin_page, fd_session_get_username (session));
  fd_window_show_signin (self, ended_message (reason));
}

/* --- two-factor set-up (issue 15) --- */

static void
enrolment_done_cb (FdWindow *self)
{
  FdSessionInfo *info = fd_session_get_info (self->session);

  if (info != NULL)
    {
      g_free (info->second_factor);
      info->second_factor = g_strdup ("enrolled");
    }
  fd_window_drop_enrolment (self);
  fd_window_enter_active (self);
}

gboolean
fd_window_enrol_if_needed (FdWindow *self)
{
  FdSessionInfo *info = fd_session_get_info (self->session);

  if (info == NULL || g_strcmp0 (info->second_factor, "enrolment-required") != 0)
    return FALSE;
  if (self->totp_page == NULL)
    {
      self->totp_page = GTK_WIDGET (fd_totp_page_new (self->api));
      g_signal_connect_swapped (self->totp_page, "done", G_CALLBACK (enrolment_done_cb), self);
      gtk_stack_add_named (self->stack, self->totp_page, "totp");
      fd_totp_page_start (FD_TOTP_PAGE (self->totp_page));
    }
  fd_window_show_page (self, "totp", TRUE);
  return TRUE;
}

void
fd_window_drop_enrolment (FdWindow *self)
{
  GtkWidget *page = g_steal_pointer (&self->totp_page);

  if (page == NULL)
    return;
  g_signal_handlers_disconnect_by_data (page, self);
  gtk_stack_remove (self->stack, page);
}
