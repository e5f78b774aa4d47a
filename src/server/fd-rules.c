/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The office's data-protection rules and who acknowledged which version. */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fd-error.h"
#include "fd-rules.h"

/* The text an office starts with; the admin replaces it with its own
 * (PUT /api/v1/rules, `frontdesk-server rules set`). */
static const char default_zh_CN[] =
  "住户个人信息保护守则\n"
  "\n"
  "1. 只为手头的工作查看住户信息：办理来访、核对身份、处理报修或缴费。不因好奇、熟人请托或个人目的查询任何人。\n"
  "2. 系统默认遮蔽的信息（手机号、身份证号、住址、车牌）只有在确有必要时才能显示，并须如实选择或填写原因；每次显示都会记录在审计日志中。\n"
  "3. 不得拍照、截屏、抄写、复制或转发住户信息，不得通过微信、短信、邮件或 U 盘带出；导出只能使用系统的导出功能，且导出内容已遮蔽。\n"
  "4. 不得向任何来电或来访者透露住户的房号、电话、在家情况或车辆信息，包括自称亲友、快递或警方的人员；无法确认身份时请交由经理处理。\n"
  "5. 离开工作台时锁定屏幕（Ctrl+L）；不得与他人共用账号或告诉他人密码。\n"
  "6. 发现信息可能泄露、账号异常、设备丢失或有人违反本守则，立即报告经理，不得自行删除记录或隐瞒。\n"
  "\n"
  "系统会记录每一次查询、查看、显示、核验和导出。违反本守则将按公司制度处理，并可能承担《个人信息保护法》规定的法律责任。";

static const char default_en[] =
  "Rules for protecting residents' personal information\n"
  "\n"
  "1. Look up residents only for the task in front of you: a visitor, an identity check, a repair "
  "or a payment. Never out of curiosity, as a favour, or for yourself.\n"
  "2. Masked details (mobile, ID number, address, plate) are shown in clear only when truly "
  "needed, and only with an honest reason; every reveal is written to the audit log.\n"
  "3. No photos, screenshots, notes, copies or forwarding of residents' data, and nothing taken "
  "out by WeChat, SMS, e-mail or USB stick. Export only with the app's export, which is masked.\n"
  "4. Never tell a caller or visitor a resident's room, number, whereabouts or car, even if they "
  "say they are family, a courier or the police; when you cannot confirm who they are, pass them "
  "to the manager.\n"
  "5. Lock the screen when you leave the desk (Ctrl+L). Never share your account or password.\n"
  "6. Report at once to the manager any possible leak, odd account activity, a lost device or a "
  "breach of these rules. Never delete records or hide it.\n"
  "\n"
  "Every search, view, reveal, check and export is logged. Breaking these rules is handled under "
  "company policy and may carry liability under the Personal Information Protection Law.";

#define KEY_VERSION "rules.version"
#define KEY_ZH      "rules.zh_CN"
#define KEY_EN      "rules.en"

static gint64
parse_int64 (const char *text,
             gint64      fallback)
{
  gint64 n;

  if (text == NULL || !g_ascii_string_to_signed (text, 10, 0, G_MAXINT64, &n, NULL))
    return fallback;
  return n;
}

gint64
fd_rules_current_version (FdStore *store)
{
  g_autofree char *version = FD_STORE_CALL (store, get_setting, KEY_VERSION);

  return parse_int64 (version, 1);
}

void
fd_rules_load (FdStore *store,
               FdRules *out)
{
  char *zh = FD_STORE_CALL (store, get_setting, KEY_ZH);
  char *en = FD_STORE_CALL (store, get_setting, KEY_EN);

  out->version = fd_rules_current_version (store);
  out->zh_CN = zh != NULL ? zh : g_strdup (default_zh_CN);
  out->en = en != NULL ? en : g_strdup (default_en);
}

void
fd_rules_clear (FdRules *rules)
{
  g_clear_pointer (&rules->zh_CN, g_free);
  g_clear_pointer (&rules->en, g_free);
}

gboolean
fd_rules_text_valid (const char *text)
{
  glong n;

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return FALSE;
  n = g_utf8_strlen (text, -1);
  if (n > FD_RULES_MAX_CHARS)
    return FALSE;
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      return TRUE;
  return FALSE;
}

gboolean
fd_rules_save (FdStore     *store,
               const char  *zh_CN,
               const char  *en,
               gint64      *version,
               GError     **error)
{
  g_auto(FdRules) current = { 0 };
  g_autofree char *next = NULL;

  if (!fd_rules_text_valid (zh_CN) || !fd_rules_text_valid (en))
    {
      g_set_error (error, FD_ERROR, FD_ERROR_BAD_REQUEST,
                   "Each text must be non-empty UTF-8 of at most %d characters",
                   FD_RULES_MAX_CHARS);
      return FALSE;
    }
  fd_rules_load (store, &current);
  *version = current.version + 1;
  next = g_strdup_printf ("%" G_GINT64_FORMAT, *version);
  return FD_STORE_CALL (store, set_setting, KEY_ZH, zh_CN, error) &&
         FD_STORE_CALL (store, set_setting, KEY_EN, en, error) &&
         FD_STORE_CALL (store, set_setting, KEY_VERSION, next, error);
}

static char *
ack_key (gint64 user_id)
{
  return g_strdup_printf ("rules.ack.%" G_GINT64_FORMAT, user_id);
}

gboolean
fd_rules_ack_set (FdStore     *store,
                  gint64       user_id,
                  gint64       version,
                  gint64       at,
                  GError     **error)
{
  g_autofree char *key = ack_key (user_id);
  g_autofree char *value = g_strdup_printf ("%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT, version, at);

  return FD_STORE_CALL (store, set_setting, key, value, error);
}

gboolean
fd_rules_ack_get (FdStore *store,
                  gint64   user_id,
                  gint64  *version,
                  gint64  *at)
{
  g_autofree char *key = ack_key (user_id);
  g_autofree char *value = FD_STORE_CALL (store, get_setting, key);
  g_auto(GStrv) parts = NULL;

  if (value == NULL)
    return FALSE;
  parts = g_strsplit (value, ":", 2);
  if (g_strv_length (parts) != 2)
    return FALSE;
  *version = parse_int64 (parts[0], -1);
  *at = parse_int64 (parts[1], -1);
  return *version >= 0 && *at >= 0;
}

static gint64
quarter_start (gint64 now)
{
  g_autoptr(GDateTime) t = g_date_time_new_from_unix_local (now / G_USEC_PER_SEC);
  g_autoptr(GTimeZone) tz = g_time_zone_new_local ();
  g_autoptr(GDateTime) start = NULL;
  gint y, m, d;

  g_date_time_get_ymd (t, &y, &m, &d);
  start = g_date_time_new (tz, y, (m - 1) / 3 * 3 + 1, 1, 0, 0, 0);
  return g_date_time_to_unix (start) * G_USEC_PER_SEC;
}

/* Every authenticated request asks (the rules gate), and the local time
 * zone is read again from /etc/localtime each time (issue 13, search13:
 * 4 % of the main context's time under the search mix): the answer is
 * kept for the wall-clock second, as the off-hours one is. */
gint64
fd_rules_quarter_start (gint64 now)
{
  G_LOCK_DEFINE_STATIC (last);
  static gint64 last_second = G_MININT64, last_start;
  gint64 second = now / G_USEC_PER_SEC, start;

  G_LOCK (last);
  if (second != last_second)
    {
      last_start = quarter_start (now);
      last_second = second;
    }
  start = last_start;
  G_UNLOCK (last);
  return start;
}

gboolean
fd_rules_ack_current (FdStore *store,
                      gint64   user_id,
                      gint64   current_version,
                      gint64   now)
{
  gint64 version, at;

  return fd_rules_ack_get (store, user_id, &version, &at) &&
         version == current_version && at >= fd_rules_quarter_start (now);
}

gboolean
fd_rules_acknowledge_all (FdStore  *store,
                          GError  **error)
{
  g_autoptr(GPtrArray) users = FD_STORE_CALL0 (store, user_list);
  g_auto(FdRules) rules = { 0 };
  gint64 now = g_get_real_time ();

  fd_rules_load (store, &rules);
  for (guint i = 0; i < users->len; i++)
    {
      FdUserRecord *user = g_ptr_array_index (users, i);

      if (!fd_rules_ack_set (store, user->id, rules.version, now, error))
        return FALSE;
    }
  return TRUE;
}
