/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Deterministic synthetic residents for the demo office. */

/* fd-demo-data.c — deterministic synthetic residents for the demo office
 *
 * Every value comes from a splitmix64 generator seeded from (seed, index)
 * and integer arithmetic only — never rand() or g_random_*(), whose output
 * may change between libc or GLib versions — so the same seed and index
 * give the same resident on every machine.
 *
 * Households: indices are cut into blocks of 8, and each block into
 * households of 1–4 people by a generator seeded from (seed, block). A
 * household shares a room and, for most members, a surname. Households
 * pick their room at random, so two of them may also share a room.
 *
 * Nothing here is real: region codes and plate prefixes are real so the
 * values pass validation, but addresses are on "演示路" (demo road) and
 * every number is random.
 */

#include "config.h"

#include "fd-demo-data.h"

#include <string.h>

/* ---- generator ---------------------------------------------------------- */

typedef struct
{
  guint64 state;
} Rng;

enum
{
  STREAM_RESIDENT  = 1,
  STREAM_BLOCK     = 2,
  STREAM_HOUSEHOLD = 3,
  STREAM_VISITOR   = 4,
};

static guint64
mix64 (guint64 z)
{
  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

static void
rng_init (Rng     *rng,
          guint64  seed,
          guint64  stream,
          guint64  index)
{
  rng->state = mix64 (seed ^ mix64 (index * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15)
                                    + stream * G_GUINT64_CONSTANT (0xd1b54a32d192ed03)));
}

/* splitmix64 */
static guint64
rng_next (Rng *rng)
{
  rng->state += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);
  return mix64 (rng->state);
}

/* Uniform in [0, n) (multiply-shift; the bias is below 2^-32). */
static guint
rng_below (Rng   *rng,
           guint  n)
{
  return (guint) (((rng_next (rng) >> 32) * (guint64) n) >> 32);
}

/* TRUE with probability @percent / 100. */
static gboolean
rng_percent (Rng   *rng,
             guint  percent)
{
  return rng_below (rng, 100) < percent;
}

/* ---- tables ------------------------------------------------------------- */

typedef struct
{
  const char *surname;
  guint       weight;  /* roughly per 100,000 people */
} Surname;

/* Frequencies after the 2020 census rankings, rounded; the rare ones are
 * here so that demo data exercises the pinyin surname overrides. */
static const Surname surnames[] = {
  { "王", 7100 }, { "李", 7000 }, { "张", 6600 }, { "刘", 5400 }, { "陈", 4600 },
  { "杨", 3100 }, { "黄", 2400 }, { "赵", 2200 }, { "吴", 2000 }, { "周", 1900 },
  { "徐", 1400 }, { "孙", 1300 }, { "马", 1200 }, { "朱", 1200 }, { "胡", 1100 },
  { "郭", 1100 }, { "何", 1000 }, { "高", 970 },  { "林", 970 },  { "罗", 860 },
  { "郑", 800 },  { "梁", 790 },  { "谢", 690 },  { "宋", 610 },  { "唐", 600 },
  { "许", 580 },  { "韩", 570 },  { "冯", 550 },  { "邓", 540 },  { "曹", 520 },
  { "彭", 500 },  { "曾", 490 },  { "肖", 480 },  { "田", 470 },  { "董", 460 },
  { "袁", 440 },  { "潘", 430 },  { "于", 420 },  { "蒋", 410 },  { "蔡", 400 },
  { "余", 390 },  { "杜", 380 },  { "叶", 370 },  { "程", 360 },  { "苏", 350 },
  { "魏", 340 },  { "吕", 330 },  { "丁", 320 },  { "任", 310 },  { "沈", 300 },
  { "姚", 290 },  { "卢", 280 },  { "姜", 280 },  { "崔", 270 },  { "钟", 270 },
  { "谭", 260 },  { "陆", 260 },  { "汪", 250 },  { "范", 250 },  { "金", 240 },
  { "石", 240 },  { "廖", 230 },  { "贾", 230 },  { "夏", 220 },  { "韦", 220 },
  { "付", 210 },  { "方", 210 },  { "白", 200 },  { "邹", 200 },  { "孟", 190 },
  { "熊", 190 },  { "秦", 180 },  { "邱", 180 },  { "江", 170 },  { "尹", 170 },
  { "薛", 160 },  { "闫", 160 },  { "段", 150 },  { "雷", 150 },  { "侯", 140 },
  { "龙", 140 },  { "史", 130 },  { "陶", 130 },  { "黎", 120 },  { "贺", 120 },
  { "顾", 110 },  { "毛", 110 },  { "郝", 100 },  { "龚", 100 },  { "邵", 100 },
  { "万", 100 },  { "覃", 90 },   { "翟", 60 },   { "单", 50 },   { "解", 40 },
  { "查", 30 },   { "区", 30 },   { "仇", 30 },   { "朴", 30 },   { "盖", 20 },
  { "欧阳", 50 }, { "司马", 20 }, { "诸葛", 10 }, { "上官", 10 },
};

/* Common given-name characters, each a single Han character. */
static const char * const given_male[] = {
  "伟", "强", "磊", "军", "勇", "杰", "涛", "斌", "超", "明", "刚", "平", "辉",
  "鹏", "华", "飞", "鑫", "波", "宇", "浩", "凯", "健", "俊", "帆", "帅", "旭",
  "宁", "龙", "林", "洋", "峰", "建", "国", "成", "志", "文", "海", "东", "亮",
  "兵", "毅", "博", "晨", "轩", "昊", "然", "泽", "睿", "航", "哲", "子", "一",
  "天", "铭", "皓", "诚", "辰", "逸", "嘉", "瑞", "豪", "卓", "晟", "凡", "政",
  "长", "江", "山", "永", "德", "福", "春", "生", "金", "庆", "新", "力", "群",
  "正", "光", "振", "荣", "祥", "顺", "胜", "利", "学", "民", "宏", "彬", "锋",
  "坤", "仁", "义", "智", "信", "晓", "阳", "立", "家", "中", "行", "朝", "重",
};

static const char * const given_female[] = {
  "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "秀", "玲", "桂", "英", "萍",
  "红", "燕", "琳", "婷", "雪", "慧", "颖", "倩", "洁", "琴", "云", "莉", "兰",
  "梅", "晶", "欣", "悦", "怡", "佳", "妍", "涵", "雯", "蕾", "薇", "璐", "瑶",
  "萱", "彤", "菲", "晴", "月", "露", "丹", "蓉", "凤", "翠", "玉", "珍", "华",
  "淑", "宁", "婉", "琪", "嘉", "思", "雨", "梦", "诗", "可", "馨", "语", "子",
  "若", "一", "安", "欢", "晓", "春", "青", "爽", "芬", "美", "惠", "媛", "茜",
  "岚", "娅", "璇", "婕", "楠", "钰", "盈", "莹", "心", "乐", "文", "艺", "珊",
  "瑞", "诺", "曦", "冰", "霏", "佩", "蓓", "璟", "苗", "秋", "香", "素", "蔚",
};

typedef struct
{
  const char *code;     /* 6-digit administrative division code */
  const char *address;  /* province (if any), city, district */
  const char *plate;    /* plate province abbreviation */
  const char *letters;  /* issuing-office letters used in that city */
} Region;

static const Region regions[] = {
  { "110101", "北京市东城区", "京", "ABCEFGHJKLMNPQ" },
  { "110105", "北京市朝阳区", "京", "ABCEFGHJKLMNPQ" },
  { "110108", "北京市海淀区", "京", "ABCEFGHJKLMNPQ" },
  { "120101", "天津市和平区", "津", "ABCDEFGHJKLMN" },
  { "130102", "河北省石家庄市长安区", "冀", "A" },
  { "140105", "山西省太原市小店区", "晋", "A" },
  { "210102", "辽宁省沈阳市和平区", "辽", "A" },
  { "220102", "吉林省长春市南关区", "吉", "A" },
  { "230103", "黑龙江省哈尔滨市南岗区", "黑", "A" },
  { "310101", "上海市黄浦区", "沪", "ABCDEFGHJKLMN" },
  { "310104", "上海市徐汇区", "沪", "ABCDEFGHJKLMN" },
  { "310115", "上海市浦东新区", "沪", "ABCDEFGHJKLMN" },
  { "320102", "江苏省南京市玄武区", "苏", "A" },
  { "320506", "江苏省苏州市吴中区", "苏", "E" },
  { "330106", "浙江省杭州市西湖区", "浙", "A" },
  { "340104", "安徽省合肥市蜀山区", "皖", "A" },
  { "350203", "福建省厦门市思明区", "闽", "D" },
  { "360102", "江西省南昌市东湖区", "赣", "A" },
  { "370102", "山东省济南市历下区", "鲁", "A" },
  { "370202", "山东省青岛市市南区", "鲁", "BU" },
  { "410105", "河南省郑州市金水区", "豫", "A" },
  { "420106", "湖北省武汉市武昌区", "鄂", "A" },
  { "430104", "湖南省长沙市岳麓区", "湘", "A" },
  { "440106", "广东省广州市天河区", "粤", "A" },
  { "440305", "广东省深圳市南山区", "粤", "B" },
  { "450103", "广西壮族自治区南宁市青秀区", "桂", "A" },
  { "460105", "海南省海口市秀英区", "琼", "A" },
  { "500103", "重庆市渝中区", "渝", "ABCDG" },
  { "510107", "四川省成都市武侯区", "川", "AG" },
  { "520102", "贵州省贵阳市南明区", "贵", "A" },
  { "530102", "云南省昆明市五华区", "云", "A" },
  { "610113", "陕西省西安市雁塔区", "陕", "AU" },
  { "620102", "甘肃省兰州市城关区", "甘", "A" },
};

static const guint16 mobile_prefixes[] = {
  130, 131, 132, 133, 134, 135, 136, 137, 138, 139,
  150, 151, 152, 153, 155, 156, 157, 158, 159,
  176, 177, 178,
  180, 181, 182, 183, 184, 185, 186, 187, 188, 189,
  198, 199,
};

typedef struct
{
  const char *prefix;  /* 6-digit issuer prefix, 62… (UnionPay style) */
  guint       length;  /* digits in the card number */
} CardPrefix;

static const CardPrefix card_prefixes[] = {
  { "622848", 19 }, { "622845", 19 }, { "621700", 19 }, { "622202", 19 },
  { "622262", 19 }, { "621483", 16 }, { "622588", 16 }, { "622609", 16 },
};

/* Plate serial letters: A–Z without I and O. */
static const char plate_letters[] = "ABCDEFGHJKLMNPQRSTUVWXYZ";

/* The estate: per building, its floors, units and rooms per floor. */
typedef struct
{
  guint8 floors;
  guint8 units;
  guint8 rooms_per_floor;
} Building;

static const Building estate[] = {
  { 18, 2, 2 }, { 18, 2, 4 }, { 26, 3, 2 }, { 26, 3, 3 }, { 33, 4, 2 }, { 33, 2, 4 },
  { 11, 4, 2 }, { 11, 3, 3 }, { 33, 3, 2 }, { 26, 2, 4 }, { 18, 4, 3 }, { 33, 4, 4 },
};

/* ---- pieces -------------------------------------------------------------- */

/* Writes @value as exactly @width decimal digits (zero-padded) at @buf and
 * returns the end. printf is the slowest part of generating otherwise. */
static char *
put_digits (char  *buf,
            guint  value,
            guint  width)
{
  for (guint i = width; i > 0; i--)
    {
      buf[i - 1] = (char) ('0' + value % 10);
      value /= 10;
    }

  return buf + width;
}

static guint
surname_total_weight (void)
{
  static gsize total = 0;

  if (g_once_init_enter (&total))
    {
      gsize sum = 0;

      for (gsize i = 0; i < G_N_ELEMENTS (surnames); i++)
        sum += surnames[i].weight;
      g_once_init_leave (&total, sum);
    }

  return (guint) total;
}

static const char *
pick_surname (Rng *rng)
{
  guint r = rng_below (rng, surname_total_weight ());

  for (gsize i = 0; i < G_N_ELEMENTS (surnames); i++)
    {
      if (r < surnames[i].weight)
        return surnames[i].surname;
      r -= surnames[i].weight;
    }

  g_assert_not_reached ();
}

static gboolean
is_compound (const char *surname)
{
  return strlen (surname) > 3;  /* a Han character is 3 bytes of UTF-8 */
}

/* 12% two characters, 85% three, 3% four. A four-character name is a
 * compound surname with two given characters, or — as some young
 * families now name children — the parents' two surnames and two given
 * characters. */
static char *
make_name (Rng        *rng,
           const char *surname,
           gboolean    male)
{
  const char * const *given = male ? given_male : given_female;
  gsize n_given_chars = male ? G_N_ELEMENTS (given_male) : G_N_ELEMENTS (given_female);
  GString *name = g_string_sized_new (16);
  guint r = rng_below (rng, 100);
  guint length = r < 12 ? 2 : r < 97 ? 3 : 4;
  guint n_given;

  g_string_append (name, surname);
  if (is_compound (surname))
    n_given = length >= 4 ? 2 : 1;
  else
    {
      if (length == 4)
        {
          const char *second;

          do
            second = pick_surname (rng);
          while (is_compound (second) || strcmp (second, surname) == 0);
          g_string_append (name, second);
        }
      n_given = length == 2 ? 1 : 2;
    }

  for (guint i = 0; i < n_given; i++)
    g_string_append (name, given[rng_below (rng, n_given_chars)]);

  return g_string_free (name, FALSE);
}

static char *
make_mobile (Rng *rng)
{
  guint prefix = mobile_prefixes[rng_below (rng, G_N_ELEMENTS (mobile_prefixes))];
  char mobile[12];
  char *end;

  end = put_digits (mobile, prefix, 3);
  end = put_digits (end, rng_below (rng, 100000000), 8);
  *end = '\0';

  return g_strdup (mobile);
}

static gboolean
is_leap (guint year)
{
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static guint
days_in_month (guint year,
               guint month)
{
  static const guint8 days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

  return month == 2 && is_leap (year) ? 29 : days[month - 1];
}

/* Day @n (0-based) counted from 1 January of @year. */
static void
date_from_day (guint  year,
               guint  n,
               guint *out_year,
               guint *out_month,
               guint *out_day)
{
  guint month = 1;

  while (n >= (is_leap (year) ? 366u : 365u))
    n -= is_leap (year) ? 366 : 365, year++;
  while (n >= days_in_month (year, month))
    n -= days_in_month (year, month), month++;

  *out_year = year;
  *out_month = month;
  *out_day = n + 1;
}

/* ISO 7064 MOD 11-2 over the first 17 digits. */
static char
id_check_char (const char *first17)
{
  static const guint8 weights[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
  guint sum = 0;

  for (guint i = 0; i < 17; i++)
    sum += (guint) (first17[i] - '0') * weights[i];

  return "10X98765432"[sum % 11];
}

static char *
make_id_number (Rng          *rng,
                const Region *region,
                gboolean      male)
{
  /* 1940-01-01 .. 2006-12-31 is 24,472 days */
  guint year, month, day;
  guint sequence;
  char id[19];
  char *end;

  date_from_day (1940, rng_below (rng, 24472), &year, &month, &day);
  /* The last sequence digit is odd for men, even for women. */
  sequence = (1 + rng_below (rng, 499)) * 2 + (male ? 1 : 0);

  memcpy (id, region->code, 6);
  end = put_digits (id + 6, year, 4);
  end = put_digits (end, month, 2);
  end = put_digits (end, day, 2);
  put_digits (end, sequence, 3);
  id[17] = id_check_char (id);
  id[18] = '\0';

  return g_strdup (id);
}

static char *
make_home_address (Rng          *rng,
                   const Region *region)
{
  return g_strdup_printf ("%s演示路%u号%u单元%u%02u", region->address,
                          1 + rng_below (rng, 300), 1 + rng_below (rng, 6),
                          1 + rng_below (rng, 30), 1 + rng_below (rng, 4));
}

static char
plate_letter (Rng *rng)
{
  return plate_letters[rng_below (rng, sizeof plate_letters - 1)];
}

static char *
make_plate (Rng          *rng,
            const Region *region)
{
  char serial[7];
  char office[2];
  guint n_letters = 0;
  gsize len = 0;

  if (rng_percent (rng, 20))
    {
      /* new energy: D (electric) or F (hybrid), a letter or digit, 4 digits */
      serial[len++] = rng_percent (rng, 70) ? 'D' : 'F';
      serial[len++] = rng_percent (rng, 50) ? plate_letter (rng)
                                            : (char) ('0' + rng_below (rng, 10));
      for (guint i = 0; i < 4; i++)
        serial[len++] = (char) ('0' + rng_below (rng, 10));
    }
  else
    {
      /* ordinary: five letters or digits, at most two letters */
      for (guint i = 0; i < 5; i++)
        {
          if (n_letters < 2 && rng_percent (rng, 25))
            {
              serial[len++] = plate_letter (rng);
              n_letters++;
            }
          else
            serial[len++] = (char) ('0' + rng_below (rng, 10));
        }
    }
  serial[len] = '\0';
  office[0] = region->letters[rng_below (rng, strlen (region->letters))];
  office[1] = '\0';

  return g_strconcat (region->plate, office, serial, NULL);
}

static char **
make_plates (Rng          *rng,
             const Region *region)
{
  guint r = rng_below (rng, 100);
  guint n = r < 40 ? 0 : r < 90 ? 1 : 2;
  char **plates = g_new0 (char *, n + 1);

  for (guint i = 0; i < n; i++)
    {
      plates[i] = make_plate (rng, region);
      /* two cars of one resident never share a plate */
      while (i == 1 && strcmp (plates[0], plates[1]) == 0)
        {
          g_free (plates[1]);
          plates[1] = make_plate (rng, region);
        }
    }

  return plates;
}

/* Luhn check digit of @digits (the number without its last digit). */
static char
luhn_check_digit (const char *digits,
                  gsize       len)
{
  guint sum = 0;

  for (gsize i = 0; i < len; i++)
    {
      guint d = (guint) (digits[len - 1 - i] - '0');

      if (i % 2 == 0)
        d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      sum += d;
    }

  return (char) ('0' + (10 - sum % 10) % 10);
}

static char *
make_payment_account (Rng *rng)
{
  const CardPrefix *card = &card_prefixes[rng_below (rng, G_N_ELEMENTS (card_prefixes))];
  char number[20];
  gsize len = strlen (card->prefix);

  memcpy (number, card->prefix, len);
  while (len < card->length - 1)
    number[len++] = (char) ('0' + rng_below (rng, 10));
  number[len] = luhn_check_digit (number, len);
  number[++len] = '\0';

  return g_strdup (number);
}

static char *
make_date_2026 (Rng   *rng,
                guint  first_day,
                guint  n_days)
{
  guint year, month, day;
  char date[11];

  date_from_day (2026, first_day + rng_below (rng, n_days), &year, &month, &day);
  put_digits (date, year, 4);
  date[4] = '-';
  put_digits (date + 5, month, 2);
  date[7] = '-';
  put_digits (date + 8, day, 2);
  date[10] = '\0';

  return g_strdup (date);
}

/* "B-U-FFRR" for room number @r of the estate (0-based). */
static char *
room_of_estate (guint r)
{
  for (guint b = 0; b < G_N_ELEMENTS (estate); b++)
    {
      const Building *building = &estate[b];
      guint per_unit = building->floors * building->rooms_per_floor;
      guint n = per_unit * building->units;

      if (r < n)
        {
          guint unit = r / per_unit;
          guint floor = (r % per_unit) / building->rooms_per_floor;
          guint room = r % building->rooms_per_floor;

          return g_strdup_printf ("%u-%u-%u%02u", b + 1, unit + 1, floor + 1, room + 1);
        }
      r -= n;
    }

  g_assert_not_reached ();
}

static guint
estate_room_count (void)
{
  guint total = 0;

  for (guint b = 0; b < G_N_ELEMENTS (estate); b++)
    total += estate[b].floors * estate[b].units * estate[b].rooms_per_floor;

  return total;
}

/* Which household @index belongs to, and its place in it (0 = first). */
static void
household_of (guint64  seed,
              guint    index,
              guint64 *household,
              guint   *slot)
{
  static const guint8 size_weights[4] = { 25, 35, 25, 15 };  /* 1..4 people */
  guint block = index / 8;
  guint offset = index % 8;
  guint start = 0;
  Rng rng;

  rng_init (&rng, seed, STREAM_BLOCK, block);
  for (;;)
    {
      guint r = rng_below (&rng, 100);
      guint size = 1;

      for (guint i = 0; i < G_N_ELEMENTS (size_weights) && r >= size_weights[i]; i++)
        r -= size_weights[i], size++;

      if (offset < start + size)
        break;
      start += size;
    }

  *household = (guint64) block * 8 + start;
  *slot = offset - start;
}

/* ---- public ------------------------------------------------------------- */

void
fd_demo_resident_generate (guint64         seed,
                           guint           index,
                           FdDemoResident *out)
{
  const Region *region;
  g_autofree char *family_surname = NULL;
  guint64 household;
  guint slot;
  gboolean male;
  Rng home;
  Rng rng;

  g_return_if_fail (out != NULL);

  memset (out, 0, sizeof *out);

  household_of (seed, index, &household, &slot);
  rng_init (&home, seed, STREAM_HOUSEHOLD, household);
  out->room = room_of_estate (rng_below (&home, estate_room_count ()));
  family_surname = g_strdup (pick_surname (&home));

  rng_init (&rng, seed, STREAM_RESIDENT, index);
  male = rng_percent (&rng, 50);
  /* the first member and most of the others carry the family's surname */
  if (slot == 0 || rng_percent (&rng, 60))
    out->name = make_name (&rng, family_surname, male);
  else
    out->name = make_name (&rng, pick_surname (&rng), male);

  region = &regions[rng_below (&rng, G_N_ELEMENTS (regions))];
  out->phone = make_mobile (&rng);
  out->id_number = make_id_number (&rng, region, male);
  out->home_address = make_home_address (&rng, region);
  out->plates = make_plates (&rng, region);
  out->payment_account = make_payment_account (&rng);
  out->overdue = rng_percent (&rng, 15);
  if (out->overdue)
    {
      out->balance_cents = 5000 + rng_below (&rng, 500000);
      out->last_paid_at = make_date_2026 (&rng, 0, 181);     /* January–June */
    }
  else
    {
      out->balance_cents = 0;
      out->last_paid_at = make_date_2026 (&rng, 212, 92);    /* August–October */
    }
}

static void
wipe_string (char **s)
{
  if (*s != NULL)
    explicit_bzero (*s, strlen (*s));
  g_clear_pointer (s, g_free);
}

void
fd_demo_resident_clear (FdDemoResident *resident)
{
  g_return_if_fail (resident != NULL);

  wipe_string (&resident->name);
  wipe_string (&resident->room);
  wipe_string (&resident->phone);
  wipe_string (&resident->id_number);
  wipe_string (&resident->home_address);
  if (resident->plates != NULL)
    {
      for (char **p = resident->plates; *p != NULL; p++)
        wipe_string (p);
      g_clear_pointer (&resident->plates, g_free);
    }
  wipe_string (&resident->payment_account);
  wipe_string (&resident->last_paid_at);
  resident->balance_cents = 0;
  resident->overdue = FALSE;
}

void
fd_demo_visitor_generate (guint64   seed,
                          guint     index,
                          char    **name,
                          char    **phone)
{
  Rng rng;
  gboolean male;

  g_return_if_fail (name != NULL);
  g_return_if_fail (phone != NULL);

  rng_init (&rng, seed, STREAM_VISITOR, index);
  male = rng_percent (&rng, 50);
  *name = make_name (&rng, pick_surname (&rng), male);
  *phone = make_mobile (&rng);
}
