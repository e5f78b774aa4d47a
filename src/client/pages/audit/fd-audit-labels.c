/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the audit page shows for an entry's codes: actions, reasons, fields, roles, records. */

#include "config.h"

#include "fd-audit-labels.h"

#include <glib/gi18n.h>

typedef struct
{
  const char *code;
  const char *label;
} Label;

/* Every action the server audits (fd_audit … in src/server), and the
 * refused reads that fd_require_role records. */
static const Label actions[] = {
  { "login", N_("Sign-in") },
  { "login-failed", N_("Failed sign-in") },
  { "logout", N_("Sign-out") },
  { "lock", N_("Lock") },
  { "unlock", N_("Unlock") },
  { "search", N_("Search") },
  { "view", N_("View") },
  { "reveal", N_("Reveal") },
  { "verify", N_("Verify") },
  { "visitor-create", N_("Visitor registered") },
  { "visitor-checkout", N_("Visitor checked out") },
  { "export", N_("Export") },
  { "account-change", N_("Account change") },
  { "account-read", N_("Accounts read") },
  { "policy-change", N_("Policy change") },
  { "alert", N_("Alert") },
  { "alerts-read", N_("Alerts read") },
  { "incident-read", N_("Incident switch read") },
  { "audit-read", N_("Audit log read") },
  { "audit-verify", N_("Audit chain check") },
  { "review-open", N_("Access review opened") },
  { "review-read", N_("Access review read") },
  { "review-decision", N_("Access review decision") },
  { "review-sign-off", N_("Access review signed off") },
  { "second-factor", N_("Two-factor code") },
  { "second-factor-challenge", N_("Two-factor code asked") },
  { "second-factor-recovery", N_("Recovery code used") },
  { "second-factor-enrol", N_("Two-factor set-up") },
  { "second-factor-enrolment-required", N_("Two-factor set-up required") },
  { "second-factor-reset", N_("Two-factor reset") },
};

/* reason_code values, and the fixed words of reason_text */
static const Label reasons[] = {
  { "verify-identity", N_("Verify identity") },
  { "emergency-contact", N_("Emergency contact") },
  { "refund", N_("Refund") },
  { "other", N_("Other") },
  { "estate-required", N_("Estate not chosen yet") },
  { "estate-not-granted", N_("Estate not granted") },
  { "begin", N_("Started") },
  { "confirm", N_("Confirmed") },
  { "ok", N_("Intact") },
  { "broken", N_("Broken") },
  { "match", N_("Match") },
  { "no match", N_("No match") },
  { "frozen", N_("Frozen") },
  { "unfrozen", N_("Unfrozen") },
  { "today", N_("Today") },
  { "confirmed", N_("Confirmed") },
  { "revoked", N_("Revoked") },
  { "role-changed", N_("Role changed") },
  { "synthetic residents seeded", N_("Synthetic residents seeded") },
};

static const Label fields[] = {
  { "name", N_("Name") },
  { "room", N_("Room") },
  { "phone", N_("Mobile") },
  { "id_number", N_("ID number") },
  { "home_address", N_("Home address") },
  { "plates", N_("Licence plates") },
  { "payments", N_("Payments") },
  { "role", N_("Role") },
};

static const Label roles[] = {
  { "reception", N_("Reception") },
  { "patrol", N_("Patrol") },
  { "finance", N_("Finance") },
  { "manager", N_("Manager") },
  { "auditor", N_("Auditor") },
  { "admin", N_("Administrator") },
};

/* targets that name a thing rather than a record */
static const Label targets[] = {
  { "visitors", N_("Visitor log") },
  { "incident", N_("Incident switch") },
  { "demo-seed", N_("Demo data") },
};

static const char *
lookup (const Label *table,
        gsize        n,
        const char  *code)
{
  if (code == NULL)
    return NULL;
  for (gsize i = 0; i < n; i++)
    if (g_str_equal (table[i].code, code))
      return _(table[i].label);
  return NULL;
}

#define LOOKUP(table, code) lookup (table, G_N_ELEMENTS (table), code)

static const char *
or_code (const char *label,
         const char *code)
{
  return label != NULL ? label : (code != NULL ? code : "");
}

const char *
fd_audit_action_label (const char *action)
{
  return or_code (LOOKUP (actions, action), action);
}

const char *
fd_audit_reason_label (const char *reason)
{
  return or_code (LOOKUP (reasons, reason), reason);
}

const char *
fd_audit_field_label (const char *field)
{
  return or_code (LOOKUP (fields, field), field);
}

const char *
fd_audit_role_label (const char *role)
{
  return or_code (LOOKUP (roles, role), role);
}

char *
fd_audit_who (const FdAuditEntry *e)
{
  const char *actor = e->actor;

  if (g_strcmp0 (actor, "(command line)") == 0)
    actor = _("Command line");
  else if (g_strcmp0 (actor, "(unknown)") == 0)
    actor = _("Unknown user");
  if (e->role == NULL || g_strcmp0 (e->role, e->actor) == 0)
    return g_strdup (actor ? actor : "");
  /* Translators: who did it, then their role: "li.na (Reception)" */
  return g_strdup_printf (_("%s (%s)"), actor ? actor : "", fd_audit_role_label (e->role));
}

static char *
record_label (const FdAuditEntry *e)
{
  const char *action = e->action ? e->action : "";
  const char *thing;

  if (e->target == NULL)
    return NULL;
  if (e->target_label != NULL)
    return g_strdup (e->target_label);
  if ((thing = LOOKUP (targets, e->target)) != NULL)
    return g_strdup (thing);
  if (g_str_has_prefix (action, "visitor-"))
    /* Translators: an audit entry's record, %s its number */
    return g_strdup_printf (_("Visitor %s"), e->target);
  if (g_str_equal (action, "view") || g_str_equal (action, "reveal") ||
      g_str_equal (action, "verify"))
    /* Translators: an audit entry's record, %s its number */
    return g_strdup_printf (_("Resident %s"), e->target);
  if (g_str_has_prefix (action, "account-") || g_str_equal (action, "second-factor-reset"))
    /* Translators: an audit entry's record, %s its number */
    return g_strdup_printf (_("Account %s"), e->target);
  if (g_str_has_prefix (action, "review-"))
    /* Translators: an audit entry's record, %s its number */
    return g_strdup_printf (_("Review %s"), e->target);
  return g_strdup (e->target);
}

char *
fd_audit_what (const FdAuditEntry *e)
{
  g_autofree char *record = record_label (e);
  const char *field = e->field != NULL ? fd_audit_field_label (e->field) : NULL;

  if (record != NULL && field != NULL)
    return g_strdup_printf ("%s · %s", record, field);
  return g_strdup (record != NULL ? record : (field != NULL ? field : ""));
}

char *
fd_audit_why (const FdAuditEntry *e)
{
  const char *code = e->reason_code ? fd_audit_reason_label (e->reason_code) : NULL;
  /* a role name (account changes) or a fixed word, else free text as typed */
  const char *text = e->reason_text == NULL ? NULL
                     : LOOKUP (roles, e->reason_text) != NULL ? LOOKUP (roles, e->reason_text)
                     : fd_audit_reason_label (e->reason_text);

  if (code != NULL && text != NULL)
    return g_strdup_printf ("%s: %s", code, text);
  return g_strdup (code != NULL ? code : (text != NULL ? text : ""));
}
