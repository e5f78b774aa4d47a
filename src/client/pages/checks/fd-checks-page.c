/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Security Check page: the server's self-check findings (issue 12). */

#include "config.h"

#include "fd-checks-page.h"

#include "fd-view-util.h"

#include <glib/gi18n.h>
#include <string.h>

struct _FdChecksPage
{
  FdListPage    parent_instance;

  GtkWidget    *spinner;
  GtkWidget    *summary;
  guint         n_items;
  guint         n_level[3];   /* ok, warning, critical */
};

G_DEFINE_FINAL_TYPE (FdChecksPage, fd_checks_page, FD_TYPE_LIST_PAGE)

/* The check's name, translated; the server's "what" and "fix" follow. */
static const char *
check_title (const char *id)
{
  static const struct { const char *id; const char *title; } titles[] = {
    { "data-dir-mode", N_("Data directory permissions") },
    { "data-key-mode", N_("Data key file permissions") },
    { "tls-key-mode", N_("TLS private key permissions") },
    { "database-mode", N_("Database file permissions") },
    { "certificate-expiry", N_("Server certificate expiry") },
    { "tls-settings", N_("TLS settings") },
    { "listen-certificate", N_("Network listening and certificate") },
    { "demo-passwords", N_("Demo passwords") },
    { "stale-accounts", N_("Accounts not used for 90 days") },
    { "one-time-passwords", N_("One-time passwords never replaced") },
    { "audit-chain", N_("Audit log chain") },
    { "database-integrity", N_("Database integrity") },
    { "alert-delivery", N_("Alert delivery") },
    { "database-open", N_("Opening the database") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    if (g_strcmp0 (id, titles[i].id) == 0)
      return _(titles[i].title);
  return id ? id : _("Check");
}

static int
level_index (const char *level)
{
  if (g_strcmp0 (level, "critical") == 0)
    return 2;
  if (g_strcmp0 (level, "warning") == 0)
    return 1;
  return 0;
}

static void
add_row (FdChecksPage         *self,
         const FdCheckFinding *finding)
{
  const char *id = finding->id;
  const char *level = finding->level ? finding->level : "ok";
  const char *what = finding->what ? finding->what : "";
  const char *fix = finding->fix ? finding->fix : "";
  static const char *icons[] = { "emblem-ok-symbolic", "dialog-warning-symbolic",
                                 "dialog-error-symbolic" };
  static const char *classes[] = { "success", "warning", "error" };
  const char *level_names[] = { _("OK"), _("Warning"), _("Critical") };
  int idx = level_index (level);
  g_autofree char *subtitle = NULL;
  g_autofree char *accessible = NULL;
  GtkWidget *row, *icon;

  if (idx == 0)
    subtitle = g_strdup (what);
  else
    /* Translators: a finding of the security check: what was found, then how to fix it */
    subtitle = g_strdup_printf (_("%s\nFix: %s"), what, fix);

  row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), check_title (id));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_name (row, id ? id : "check");
  icon = gtk_image_new_from_icon_name (icons[idx]);
  gtk_widget_add_css_class (icon, classes[idx]);
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  level_names[idx], -1);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  /* Translators: accessible name of a finding: level, check name */
  accessible = g_strdup_printf (_("%s: %s"), level_names[idx], check_title (id));
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, subtitle, -1);
  gtk_list_box_append (GTK_LIST_BOX (fd_list_page_get_list (FD_LIST_PAGE (self))), row);
  self->n_items++;
  self->n_level[idx]++;
}

static void
set_busy (FdChecksPage *self,
          gboolean      busy)
{
  /* the button follows its action */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "checks.refresh", !busy);
  gtk_widget_set_visible (self->spinner, busy);
  gtk_spinner_set_spinning (GTK_SPINNER (self->spinner), busy);
  if (busy)
    gtk_label_set_text (GTK_LABEL (self->summary), _("Checking… (the audit log and the database are read in full)"));
}

static void
update_summary (FdChecksPage *self)
{
  g_autofree char *text = NULL;

  if (self->n_level[2] > 0)
    /* Translators: the security check's summary; %u is a number of findings */
    text = g_strdup_printf (ngettext ("%u critical finding: fix it now.",
                                      "%u critical findings: fix them now.", self->n_level[2]),
                            self->n_level[2]);
  else if (self->n_level[1] > 0)
    /* Translators: the security check's summary; %u is a number of findings */
    text = g_strdup_printf (ngettext ("%u warning to fix soon.", "%u warnings to fix soon.",
                                      self->n_level[1]), self->n_level[1]);
  else
    text = g_strdup (_("Every check passed."));
  gtk_label_set_text (GTK_LABEL (self->summary), text);
}

static void
checks_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(FdChecksPage) self = user_data;
  FdListPage *base = FD_LIST_PAGE (self);
  g_autoptr(FdPage) page = NULL;
  g_autoptr(GError) error = NULL;

  page = fd_api_client_list_checks_finish (FD_API_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);

  fd_list_page_clear_list (fd_list_page_get_list (base));
  self->n_items = 0;
  memset (self->n_level, 0, sizeof self->n_level);
  fd_list_page_set_error (base, page == NULL ? error->message : NULL);
  if (page == NULL)
    {
      gtk_label_set_text (GTK_LABEL (self->summary), "");
      fd_list_page_loaded (base);
      return;
    }

  for (guint i = 0; i < page->items->len; i++)
    add_row (self, g_ptr_array_index (page->items, i));
  update_summary (self);
  fd_list_page_loaded (base);
}

/* Shown, the page asks for the cached answer; asked, it runs the check again. */
static void
fd_checks_page_load (FdListPage *base,
                     gboolean    on_map)
{
  GCancellable *cancellable = fd_list_page_restart (base);

  set_busy (FD_CHECKS_PAGE (base), TRUE);
  fd_api_client_list_checks_async (fd_list_page_get_api (base), !on_map, cancellable,
                                   checks_cb, g_object_ref (base));
}

void
fd_checks_page_refresh (FdChecksPage *self)
{
  g_return_if_fail (FD_IS_CHECKS_PAGE (self));
  fd_list_page_refresh (FD_LIST_PAGE (self));
}

guint
fd_checks_page_get_n_items (FdChecksPage *self)
{
  g_return_val_if_fail (FD_IS_CHECKS_PAGE (self), 0);
  return self->n_items;
}

guint
fd_checks_page_count_level (FdChecksPage *self,
                            const char   *level)
{
  g_return_val_if_fail (FD_IS_CHECKS_PAGE (self), 0);
  return self->n_level[level_index (level)];
}

static void
fd_checks_page_class_init (FdChecksPageClass *klass)
{
  FdListPageClass *list_class = FD_LIST_PAGE_CLASS (klass);

  list_class->load = fd_checks_page_load;
  fd_list_page_class_install_refresh (list_class, "checks.refresh");
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "fd-checks-page");
}

static void
fd_checks_page_init (FdChecksPage *self)
{
}

FdChecksPage *
fd_checks_page_new (FdApiClient *api)
{
  FdChecksPage *self;
  GtkWidget *box, *header, *group, *refresh;

  g_return_val_if_fail (FD_IS_API_CLIENT (api), NULL);

  self = g_object_new (FD_TYPE_CHECKS_PAGE, NULL);
  box = fd_list_page_setup (FD_LIST_PAGE (self), api, 12);

  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Security Check"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
    _("Key and database file permissions, the certificate, TLS, accounts, the audit log "
      "and alert delivery, checked by the server. It also runs daily from a timer."));

  header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_valign (header, GTK_ALIGN_START);
  self->spinner = gtk_spinner_new ();
  gtk_widget_set_visible (self->spinner, FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->spinner),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Checking"), -1);
  gtk_box_append (GTK_BOX (header), self->spinner);
  refresh = gtk_button_new_with_mnemonic (_("_Run Check Again"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (refresh),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Run the security check again"), -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (refresh), "checks.refresh");
  gtk_box_append (GTK_BOX (header), refresh);
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group), header);

  self->summary = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->summary), 0);
  gtk_label_set_wrap (GTK_LABEL (self->summary), TRUE);
  gtk_widget_add_css_class (self->summary, "heading");
  gtk_widget_set_margin_bottom (self->summary, 6);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->summary),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Security check summary"), -1);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->summary);

  fd_list_page_add_list (FD_LIST_PAGE (self), group, _("Security check findings"),
                         _("No findings yet"));
  gtk_box_append (GTK_BOX (box), group);

  return self;
}
