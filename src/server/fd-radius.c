/* SPDX-License-Identifier: GPL-3.0-or-later */
/* An incident's blast radius: who an account touched, and the notice draft. */

#include "config.h"

#include <string.h>

#include "fd-mask.h"
#include "fd-policy.h"
#include "fd-radius.h"

static const char *action_names[FD_RADIUS_N_ACTIONS] = {
  "view", "list", "reveal", "verify", "export",
};

/* The categories of personal information, as the notice names them. */
static const char *field_names_zh[FD_N_FIELDS] = {
  [FD_FIELD_NAME] = "姓名",
  [FD_FIELD_PHONE] = "手机号码",
  [FD_FIELD_ID_NUMBER] = "身份证号码",
  [FD_FIELD_ROOM] = "房号",
  [FD_FIELD_HOME_ADDRESS] = "家庭住址",
  [FD_FIELD_PLATES] = "车牌号码",
  [FD_FIELD_PAYMENTS] = "缴费信息",
};

void
fd_radius_data_clear (FdRadiusData *data)
{
  for (guint i = 0; data->touches != NULL && i < data->touches->len; i++)
    {
      FdRadiusTouch *t = g_ptr_array_index (data->touches, i);
      g_free (t->action);
      g_free (t->field);
      g_free (t->role);
      g_free (t);
    }
  for (guint i = 0; data->subjects != NULL && i < data->subjects->len; i++)
    {
      FdRadiusSubject *s = g_ptr_array_index (data->subjects, i);
      g_free (s->name);
      g_free (s->room);
      g_free (s);
    }
  g_clear_pointer (&data->touches, g_ptr_array_unref);
  g_clear_pointer (&data->subjects, g_ptr_array_unref);
}

static void
item_free (gpointer data)
{
  FdRadiusItem *item = data;

  g_free (item->name);
  g_free (item->room);
  g_free (item);
}

void
fd_radius_free (FdRadius *radius)
{
  if (radius == NULL)
    return;
  g_free (radius->user);
  g_free (radius->from);
  g_free (radius->to);
  g_ptr_array_unref (radius->residents);
  g_ptr_array_unref (radius->visitors);
  g_free (radius);
}

static gint
compare_items (gconstpointer a,
               gconstpointer b)
{
  const FdRadiusItem *x = *(FdRadiusItem * const *) a, *y = *(FdRadiusItem * const *) b;
  return x->id < y->id ? -1 : x->id > y->id;
}

/* The fields a view (@detail) or a listing shows to @role: in any form
 * into *fields, in clear (or partly, as patrol's surname) into *clear. */
static void
add_shown_fields (FdRadiusItem *item,
                  const char   *role_name,
                  gboolean      detail)
{
  FdRole role = fd_role_from_string (role_name);

  for (FdField f = 0; f < FD_N_FIELDS; f++)
    {
      const FdFieldRule *rule = fd_policy_rule (role, f);

      if (!detail && f != FD_FIELD_NAME && f != FD_FIELD_ROOM && f != FD_FIELD_PHONE &&
          f != FD_FIELD_PLATES)
        continue;
      if (rule->show == FD_SHOW_ABSENT)
        continue;
      item->fields |= 1u << f;
      if (rule->show == FD_SHOW_CLEAR || rule->show == FD_SHOW_PARTIAL)
        item->clear_fields |= 1u << f;
    }
}

static void
apply_touch (FdRadiusItem        *item,
             const FdRadiusTouch *t)
{
  FdField f;

  if (item->kind == FD_RADIUS_VISITOR)
    {
      /* a visitor export: masked values, the room in clear */
      item->counts[FD_RADIUS_EXPORT] += t->count;
      item->fields |= 1u << FD_FIELD_NAME | 1u << FD_FIELD_PHONE | 1u << FD_FIELD_ID_NUMBER |
                      1u << FD_FIELD_ROOM | 1u << FD_FIELD_PLATES;
      item->clear_fields |= 1u << FD_FIELD_ROOM;
      return;
    }
  if (g_str_equal (t->action, "view"))
    {
      item->counts[FD_RADIUS_VIEW] += t->count;
      add_shown_fields (item, t->role, TRUE);
    }
  else if (g_str_equal (t->action, "search"))
    {
      item->counts[FD_RADIUS_LIST] += t->count;
      add_shown_fields (item, t->role, FALSE);
    }
  else if (g_str_equal (t->action, "export"))
    {
      item->counts[FD_RADIUS_EXPORT] += t->count;
      add_shown_fields (item, t->role, FALSE);
    }
  else if (g_str_equal (t->action, "reveal") || g_str_equal (t->action, "verify"))
    {
      item->counts[g_str_equal (t->action, "reveal") ? FD_RADIUS_REVEAL : FD_RADIUS_VERIFY] += t->count;
      if (t->field != NULL && fd_field_from_string (t->field, &f))
        {
          item->fields |= 1u << f;
          item->clear_fields |= 1u << f;
        }
    }
}

FdRadius *
fd_radius_build (const char   *user,
                 const char   *from,
                 const char   *to,
                 FdRadiusData *data)
{
  FdRadius *radius = g_new0 (FdRadius, 1);
  g_autoptr(GHashTable) by_key = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GArray) keys = NULL;

  radius->user = g_strdup (user);
  radius->from = g_strdup (from);
  radius->to = g_strdup (to);
  radius->residents = g_ptr_array_new_with_free_func (item_free);
  radius->visitors = g_ptr_array_new_with_free_func (item_free);

  /* one item per subject; the keys live as long as the table */
  keys = g_array_sized_new (FALSE, FALSE, sizeof (gint64),
                            data->subjects != NULL ? data->subjects->len : 0);
  for (guint i = 0; data->subjects != NULL && i < data->subjects->len; i++)
    {
      FdRadiusSubject *s = g_ptr_array_index (data->subjects, i);
      FdRadiusItem *item = g_new0 (FdRadiusItem, 1);
      gint64 key = s->id * 2 + (s->kind == FD_RADIUS_VISITOR);

      item->kind = s->kind;
      item->id = s->id;
      item->name = g_steal_pointer (&s->name);
      item->room = g_steal_pointer (&s->room);
      g_ptr_array_add (s->kind == FD_RADIUS_VISITOR ? radius->visitors : radius->residents, item);
      g_array_append_val (keys, key);
      g_hash_table_insert (by_key, &g_array_index (keys, gint64, keys->len - 1), item);
    }
  for (guint i = 0; data->touches != NULL && i < data->touches->len; i++)
    {
      FdRadiusTouch *t = g_ptr_array_index (data->touches, i);
      gint64 key = t->subject_id * 2 + (t->kind == FD_RADIUS_VISITOR);
      FdRadiusItem *item = g_hash_table_lookup (by_key, &key);

      if (item != NULL)
        apply_touch (item, t);
    }
  fd_radius_data_clear (data);
  g_ptr_array_sort (radius->residents, compare_items);
  g_ptr_array_sort (radius->visitors, compare_items);
  return radius;
}

/* The name as @role sees it on /residents when @as_seen (the API's
 * residents: contract v1.2); otherwise never in clear (visitors, the CSV,
 * the command line: what may be saved or passed on carries masked values
 * only). NULL when the role sees none. */
static char *
shown_name (const FdRadiusItem *item,
            FdRole              role,
            gboolean            as_seen)
{
  const FdFieldRule *rule = fd_policy_rule (role, FD_FIELD_NAME);

  if (item->name == NULL || rule->show == FD_SHOW_ABSENT)
    return NULL;
  if (rule->show == FD_SHOW_PARTIAL)
    return fd_mask_name_surname (item->name);
  if (as_seen && rule->show == FD_SHOW_CLEAR)
    return g_strdup (item->name);
  return fd_mask_name (item->name);
}

static char *
shown_room (const FdRadiusItem *item,
            FdRole              role)
{
  const FdFieldRule *rule = fd_policy_rule (role, FD_FIELD_ROOM);

  if (item->room == NULL || rule->show == FD_SHOW_ABSENT)
    return NULL;
  if (rule->show == FD_SHOW_PARTIAL)
    return fd_mask_room_building (item->room);
  return g_strdup (item->room);
}

static void
write_fields (FdJsonWriter *w,
              const char   *member,
              guint         mask)
{
  fd_json_writer_member (w, member);
  fd_json_writer_begin_array (w);
  for (FdField f = 0; f < FD_N_FIELDS; f++)
    if (mask & (1u << f))
      fd_json_writer_string (w, fd_field_to_string (f));
  fd_json_writer_end_array (w);
}

static void
write_items (FdJsonWriter    *w,
             const char      *member,
             const GPtrArray *items,
             FdRole           caller,
             gboolean         names_as_seen)
{
  fd_json_writer_member (w, member);
  fd_json_writer_begin_array (w);
  for (guint i = 0; i < items->len; i++)
    {
      const FdRadiusItem *item = g_ptr_array_index (items, i);
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, item->id);
      g_autofree char *name = shown_name (item, caller, names_as_seen);
      g_autofree char *room = shown_room (item, caller);

      fd_json_writer_begin_object (w);
      fd_json_writer_string_member (w, "id", id);
      if (name != NULL)
        fd_json_writer_string_member (w, "name", name);
      if (room != NULL)
        fd_json_writer_string_member (w, "room", room);
      fd_json_writer_member (w, "actions");
      fd_json_writer_begin_object (w);
      for (guint a = 0; a < FD_RADIUS_N_ACTIONS; a++)
        fd_json_writer_int_member (w, action_names[a], item->counts[a]);
      fd_json_writer_end_object (w);
      write_fields (w, "fields", item->fields);
      write_fields (w, "clear_fields", item->clear_fields);
      fd_json_writer_end_object (w);
    }
  fd_json_writer_end_array (w);
}

void
fd_radius_write_json (FdJsonWriter   *w,
                      const FdRadius *radius,
                      FdRole          caller,
                      gboolean        names_as_seen,
                      const char     *notice)
{
  fd_json_writer_begin_object (w);
  fd_json_writer_string_member (w, "user", radius->user);
  fd_json_writer_string_member (w, "from", radius->from);
  fd_json_writer_string_member (w, "to", radius->to);
  write_items (w, "residents", radius->residents, caller, names_as_seen);
  write_items (w, "visitors", radius->visitors, caller, FALSE);
  fd_json_writer_string_member (w, "notice_zh_CN", notice);
  fd_json_writer_end_object (w);
}

/* the notice */

static guint
all_fields (const FdRadius *radius,
            gboolean        clear)
{
  guint mask = 0;

  for (guint i = 0; i < radius->residents->len; i++)
    {
      FdRadiusItem *item = g_ptr_array_index (radius->residents, i);
      mask |= clear ? item->clear_fields : item->fields;
    }
  for (guint i = 0; i < radius->visitors->len; i++)
    {
      FdRadiusItem *item = g_ptr_array_index (radius->visitors, i);
      mask |= clear ? item->clear_fields : item->fields;
    }
  return mask;
}

static void
append_categories (GString *out,
                   guint    mask)
{
  gboolean first = TRUE;

  for (FdField f = 0; f < FD_N_FIELDS; f++)
    if (mask & (1u << f))
      {
        g_string_append_printf (out, "%s%s", first ? "" : "、", field_names_zh[f]);
        first = FALSE;
      }
  if (first)
    g_string_append (out, "无");
}

/* "2026年12月7日 10:30" in the server's local time. */
static char *
local_time_zh (const char *rfc3339)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) t = g_date_time_new_from_iso8601 (rfc3339, utc);
  g_autoptr(GDateTime) local = t != NULL ? g_date_time_to_local (t) : NULL;

  if (local == NULL)
    return g_strdup (rfc3339);
  return g_strdup_printf ("%d年%d月%d日 %02d:%02d", g_date_time_get_year (local),
                          g_date_time_get_month (local), g_date_time_get_day_of_month (local),
                          g_date_time_get_hour (local), g_date_time_get_minute (local));
}

char *
fd_radius_notice (const FdRadius            *radius,
                  const FdRadiusNoticeInput *input)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *from = local_time_zh (radius->from);
  g_autofree char *to = local_time_zh (radius->to);
  guint clear = all_fields (radius, TRUE);
  guint masked = all_fields (radius, FALSE) & ~clear;
  guint step = 1;

  g_string_append (out, "关于个人信息安全事件的告知（草稿）\n\n尊敬的住户：\n\n");
  g_string_append_printf (out,
                          "经核查，本公司一名工作人员的系统账号于%s至%s期间，"
                          "访问了部分住户%s的个人信息，访问超出了其工作所需。"
                          "根据《中华人民共和国个人信息保护法》第五十七条的规定，现将有关情况告知如下：\n\n",
                          from, to, radius->visitors->len > 0 ? "及访客" : "");

  g_string_append_printf (out, "一、涉及的个人信息种类：");
  append_categories (out, clear);
  g_string_append (out, "（完整显示或经核验）");
  if (masked != 0)
    {
      g_string_append (out, "；");
      append_categories (out, masked);
      g_string_append (out, "（仅以遮蔽形式显示，如 138****5678）");
    }
  g_string_append_printf (out, "。涉及住户 %u 户", radius->residents->len);
  if (radius->visitors->len > 0)
    g_string_append_printf (out, "、访客 %u 人", radius->visitors->len);
  g_string_append (out, "。\n\n");

  g_string_append (out, "二、事件原因：");
  if (input->cause != NULL && *input->cause != '\0')
    g_string_append (out, input->cause);
  else
    g_string_append (out, "【请填写事件原因及发现经过】");
  g_string_append (out, "\n\n");

  g_string_append (out,
                   "三、可能造成的危害：上述信息可能被用于冒充您或本公司的身份进行诈骗，"
                   "带来骚扰电话、短信或上门推销，或被用于推断您的住址与出行情况，"
                   "从而影响您的财产与人身安全。\n\n");

  g_string_append (out, "四、本公司已采取的补救措施：");
  g_string_append_printf (out, "%u. 已通过审计日志核查该账号的全部操作，确定了受影响的范围；", step++);
  if (input->account_stopped)
    g_string_append_printf (out, "%u. 已停用该账号，并终止其全部登录会话；", step++);
  else
    g_string_append_printf (out, "%u. 【请填写对该账号采取的措施，如停用、调岗】；", step++);
  if (input->frozen)
    g_string_append_printf (out, "%u. 已暂停系统内全部明文显示与导出操作；", step++);
  g_string_append_printf (out, "%u. 将对相关人员重新进行个人信息保护培训，并按公司制度处理；"
                               "%u. 【如已报告主管部门或公安机关，请在此说明】。\n\n", step, step + 1);

  g_string_append (out,
                   "五、您可以采取的措施：请警惕以物业或本公司名义来电、发送短信或上门的陌生人，"
                   "不向任何人透露验证码、银行卡或密码信息；如发现异常，请及时与我们联系，必要时向公安机关报案。\n\n");

  g_string_append (out, "六、联系方式：");
  if (input->office_contact != NULL && *input->office_contact != '\0')
    g_string_append (out, input->office_contact);
  else
    g_string_append (out, "【请填写物业服务中心的联系人、电话及地址】");
  g_string_append (out, "\n\n对此给您带来的困扰，我们深表歉意。\n\n物业服务中心\n【日期】\n");
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* text and CSV */

static void
append_fields_text (GString *out,
                    guint    mask,
                    char     sep)
{
  gboolean first = TRUE;

  for (FdField f = 0; f < FD_N_FIELDS; f++)
    if (mask & (1u << f))
      {
        if (!first)
          g_string_append_c (out, sep);
        g_string_append (out, fd_field_to_string (f));
        first = FALSE;
      }
}

char *
fd_radius_format_text (const FdRadius *radius,
                       FdRole          caller)
{
  g_autoptr(GString) out = g_string_new (NULL);
  const GPtrArray *lists[] = { radius->residents, radius->visitors };
  const char *titles[] = { "residents", "visitors" };

  g_string_append_printf (out, "user %s, from %s to %s: %u residents, %u visitors\n", radius->user,
                          radius->from, radius->to, radius->residents->len, radius->visitors->len);
  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    {
      if (lists[l]->len == 0)
        continue;
      g_string_append_printf (out, "\n%s\n%-10s %-8s %-12s %5s %5s %6s %6s %6s  %s\n", titles[l], "id",
                              "name", "room", "view", "list", "reveal", "verify", "export", "fields");
      for (guint i = 0; i < lists[l]->len; i++)
        {
          const FdRadiusItem *item = g_ptr_array_index (lists[l], i);
          g_autofree char *name = shown_name (item, caller, FALSE);
          g_autofree char *room = shown_room (item, caller);

          g_string_append_printf (out, "%-10" G_GINT64_FORMAT " %-8s %-12s %5u %5u %6u %6u %6u  ",
                                  item->id, name ? name : "-", room ? room : "-",
                                  item->counts[FD_RADIUS_VIEW], item->counts[FD_RADIUS_LIST],
                                  item->counts[FD_RADIUS_REVEAL], item->counts[FD_RADIUS_VERIFY],
                                  item->counts[FD_RADIUS_EXPORT]);
          append_fields_text (out, item->fields, ',');
          g_string_append_c (out, '\n');
        }
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
csv_cell (GString    *out,
          const char *value,
          gboolean    last)
{
  g_string_append_c (out, '"');
  /* neutralise spreadsheet formulas */
  if (value != NULL && value[0] != '\0' && strchr ("=+-@\t\r", value[0]) != NULL)
    g_string_append_c (out, '\'');
  for (const char *p = value ? value : ""; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append (out, last ? "\"\r\n" : "\",");
}

char *
fd_radius_format_csv (const FdRadius *radius,
                      FdRole          caller,
                      gsize          *len)
{
  GString *out = g_string_new ("\xEF\xBB\xBF\"kind\",\"id\",\"name\",\"room\",\"view\",\"list\","
                               "\"reveal\",\"verify\",\"export\",\"fields\"\r\n");
  const GPtrArray *lists[] = { radius->residents, radius->visitors };
  const char *kinds[] = { "resident", "visitor" };

  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    for (guint i = 0; i < lists[l]->len; i++)
      {
        const FdRadiusItem *item = g_ptr_array_index (lists[l], i);
        g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, item->id);
        g_autofree char *name = shown_name (item, caller, FALSE);
        g_autofree char *room = shown_room (item, caller);
        g_autoptr(GString) fields = g_string_new (NULL);

        csv_cell (out, kinds[l], FALSE);
        csv_cell (out, id, FALSE);
        csv_cell (out, name, FALSE);
        csv_cell (out, room, FALSE);
        for (guint a = 0; a < FD_RADIUS_N_ACTIONS; a++)
          {
            g_autofree char *n = g_strdup_printf ("%u", item->counts[a]);
            csv_cell (out, n, FALSE);
          }
        append_fields_text (fields, item->fields, ' ');
        csv_cell (out, fields->str, TRUE);
      }
  *len = out->len;
  return g_string_free (out, FALSE);
}

GArray *
fd_radius_resident_ids (const FdRadius *radius)
{
  GArray *ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), radius->residents->len);

  for (guint i = 0; i < radius->residents->len; i++)
    g_array_append_val (ids, ((FdRadiusItem *) g_ptr_array_index (radius->residents, i))->id);
  return ids;
}
