/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Alerts that reach a person: what each destination is sent (issue 12).
 * Pure functions of a delivery record; the sender is fd-alert-out.c. */

#include "config.h"

#include <string.h>
#include <unistd.h>

#include "fd-alert-out.h"
#include "fd-json-writer.h"

#define SYSLOG_APP_NAME   "frontdesk-server"
/* RFC 5424 structured data ID: name@PEN, 32473 being the number RFC 5612
 * reserves for documentation; a SIEM matches on "frontdesk". */
#define SYSLOG_SD_ID      "frontdesk@32473"

/* text */

static const struct
{
  const char *kind;
  const char *zh;
  const char *en;
} kind_names[] = {
  { "off-hours-bulk", "非工作时间批量查看住户", "residents browsed in bulk off-hours" },
  { "in-hours-bulk", "工作时间大量查看住户", "many residents browsed in hours" },
  { "reveal-burst", "短时间内多次查看敏感信息", "a burst of reveals" },
  { "failed-logins", "连续登录失败，账号已锁定", "failed sign-ins; the account is locked" },
  { "test", "测试告警（无需处理）", "test alert (no action needed)" },
};

static void
kind_text (const char  *kind,
           const char **zh,
           const char **en)
{
  *zh = "安全告警";
  *en = "security alert";
  for (guint i = 0; i < G_N_ELEMENTS (kind_names); i++)
    if (g_strcmp0 (kind, kind_names[i].kind) == 0)
      {
        *zh = kind_names[i].zh;
        *en = kind_names[i].en;
      }
}

char *
fd_alert_out_text (const FdDeliveryRecord *d)
{
  const char *zh, *en;
  gboolean test = g_strcmp0 (d->kind, "test") == 0;

  kind_text (d->kind, &zh, &en);
  return g_strdup_printf ("【Front Desk %s】\n"
                          "规则 Rule: %s (%s) — %s\n"
                          "账号 Account: %s\n"
                          "小区 Estate: %s\n"
                          "时间 Time (UTC): %s\n"
                          "详情 Detail: %s\n"
                          "%s",
                          test ? "测试告警 Test alert" : "安全告警 Security alert",
                          zh, d->kind, en, d->actor ? d->actor : "-",
                          d->estate ? d->estate : "-", d->at, d->detail ? d->detail : "-",
                          test ? "这是一条测试消息。This is a test message."
                               : "请在 Front Desk 的“告警”页查看。See the Alerts page in Front Desk.");
}

char *
fd_alert_out_body (FdAlertFormat           format,
                   const FdDeliveryRecord *d)
{
  g_auto(FdJsonWriter) w = { 0 };
  g_autofree char *text = NULL;
  gsize len = 0;

  fd_json_writer_init (&w, 512);
  fd_json_writer_begin_object (&w);
  switch (format)
    {
    case FD_ALERT_FORMAT_WECOM:
    case FD_ALERT_FORMAT_DINGTALK:
      /* WeCom and DingTalk group robots: {"msgtype":"text","text":{"content":…}} */
      text = fd_alert_out_text (d);
      fd_json_writer_string_member (&w, "msgtype", "text");
      fd_json_writer_member (&w, "text");
      fd_json_writer_begin_object (&w);
      fd_json_writer_string_member (&w, "content", text);
      fd_json_writer_end_object (&w);
      break;
    case FD_ALERT_FORMAT_FEISHU:
      /* Feishu (Lark) custom bot: {"msg_type":"text","content":{"text":…}} */
      text = fd_alert_out_text (d);
      fd_json_writer_string_member (&w, "msg_type", "text");
      fd_json_writer_member (&w, "content");
      fd_json_writer_begin_object (&w);
      fd_json_writer_string_member (&w, "text", text);
      fd_json_writer_end_object (&w);
      break;
    case FD_ALERT_FORMAT_GENERIC:
    default:
      fd_json_writer_string_member (&w, "kind", d->kind);
      fd_json_writer_string_member (&w, "at", d->at);
      fd_json_writer_string_member (&w, "actor", d->actor);
      fd_json_writer_member (&w, "estate");
      if (d->estate != NULL)
        fd_json_writer_string (&w, d->estate);
      else
        fd_json_writer_null (&w);
      fd_json_writer_string_member (&w, "detail", d->detail);
      break;
    }
  fd_json_writer_end_object (&w);
  return fd_json_writer_steal (&w, &len);
}

/* RFC 5424 PARAM-VALUE: '"', '\' and ']' escaped. */
static void
append_sd_param (GString    *out,
                 const char *name,
                 const char *value)
{
  g_string_append_printf (out, " %s=\"", name);
  for (const char *p = value ? value : ""; *p; p++)
    {
      if (*p == '"' || *p == '\\' || *p == ']')
        g_string_append_c (out, '\\');
      g_string_append_c (out, (*p == '\n' || *p == '\r') ? ' ' : *p);
    }
  g_string_append_c (out, '"');
}

/* PRINTUSASCII without spaces, at most @max, for the header fields. */
static char *
header_token (const char *text,
              gsize       max)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text ? text : ""; *p && out->len < max; p++)
    if (*p > 32 && *p < 127)
      g_string_append_c (out, *p);
  if (out->len == 0)
    g_string_append_c (out, '-');
  return g_string_free (out, FALSE);
}

char *
fd_alert_out_rfc5424 (const FdDeliveryRecord *d,
                      const char             *hostname)
{
  /* authpriv (10), warning (4); a test alert is a notice (5). */
  guint pri = 10 * 8 + (g_strcmp0 (d->kind, "test") == 0 ? 5 : 4);
  g_autofree char *host = header_token (hostname, 255);
  g_autofree char *msgid = header_token (d->kind, 32);
  g_autofree char *alert_id = g_strdup_printf ("%" G_GINT64_FORMAT, d->alert_id);
  g_autofree char *delivery_id = g_strdup_printf ("%" G_GINT64_FORMAT, d->id);
  GString *out = g_string_new (NULL);

  g_string_append_printf (out, "<%u>1 %s %s " SYSLOG_APP_NAME " %d %s [" SYSLOG_SD_ID, pri,
                          d->at, host, (int) getpid (), msgid);
  append_sd_param (out, "kind", d->kind);
  append_sd_param (out, "at", d->at);
  append_sd_param (out, "actor", d->actor);
  append_sd_param (out, "estate", d->estate);
  append_sd_param (out, "detail", d->detail);
  append_sd_param (out, "alert", alert_id);
  append_sd_param (out, "delivery", delivery_id);
  /* MSG: UTF-8, marked with the BOM as RFC 5424 §6.4 asks. */
  g_string_append_printf (out, "] \xEF\xBB\xBF" "Front Desk alert %s: account %s: %s", d->kind,
                          d->actor ? d->actor : "-", d->detail ? d->detail : "-");
  return g_string_free (out, FALSE);
}

/* The journal's native protocol: every field in the binary form
 * (NAME\n, 64-bit little-endian length, value, \n), safe for any value. */
static void
append_journal_field (GByteArray *out,
                      const char *name,
                      const char *value)
{
  guint64 len = strlen (value ? value : "");
  guint8 le[8];

  for (guint i = 0; i < 8; i++)
    le[i] = (len >> (8 * i)) & 0xff;
  g_byte_array_append (out, (const guint8 *) name, strlen (name));
  g_byte_array_append (out, (const guint8 *) "\n", 1);
  g_byte_array_append (out, le, 8);
  g_byte_array_append (out, (const guint8 *) (value ? value : ""), len);
  g_byte_array_append (out, (const guint8 *) "\n", 1);
}

GBytes *
fd_alert_out_journal (const FdDeliveryRecord *d)
{
  GByteArray *out = g_byte_array_new ();
  g_autofree char *message = g_strdup_printf ("Front Desk alert %s: account %s: %s", d->kind,
                                              d->actor ? d->actor : "-",
                                              d->detail ? d->detail : "-");
  g_autofree char *alert_id = g_strdup_printf ("%" G_GINT64_FORMAT, d->alert_id);
  g_autofree char *delivery_id = g_strdup_printf ("%" G_GINT64_FORMAT, d->id);

  append_journal_field (out, "MESSAGE", message);
  append_journal_field (out, "PRIORITY", g_strcmp0 (d->kind, "test") == 0 ? "5" : "4");
  append_journal_field (out, "SYSLOG_FACILITY", "10");
  append_journal_field (out, "SYSLOG_IDENTIFIER", "frontdesk-alert");
  append_journal_field (out, "FRONTDESK_ALERT_KIND", d->kind);
  append_journal_field (out, "FRONTDESK_ALERT_AT", d->at);
  append_journal_field (out, "FRONTDESK_ALERT_ACTOR", d->actor);
  append_journal_field (out, "FRONTDESK_ALERT_ESTATE", d->estate ? d->estate : "");
  append_journal_field (out, "FRONTDESK_ALERT_DETAIL", d->detail);
  append_journal_field (out, "FRONTDESK_ALERT_ID", alert_id);
  append_journal_field (out, "FRONTDESK_DELIVERY_ID", delivery_id);
  return g_byte_array_free_to_bytes (out);
}
