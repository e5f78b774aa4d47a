/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests the masking formats of docs/api.md. */

/* test-mask.c: the masking formats of docs/api.md ("Field values
 * and the role table")
 */

#include "config.h"

#include <string.h>

#include "fd-mask.h"

typedef char *(*MaskFunc) (const char *);

static void
assert_mask (MaskFunc    func,
             const char *input,
             const char *expected)
{
  g_autofree char *masked = func (input);

  g_assert_cmpstr (masked, ==, expected);
}

/* NULL, empty and invalid UTF-8 give NULL for every mask. */
static void
test_mask_unusable (void)
{
  static const MaskFunc funcs[] = {
    fd_mask_name, fd_mask_name_surname, fd_mask_mobile, fd_mask_id_number,
    fd_mask_room_building, fd_mask_address_district, fd_mask_plate, fd_mask_account,
  };
  static const char *const inputs[] = {
    NULL, "", "\xff", "13800138\xc3", "\xe5\xbc\xa0\xff\xe4\xb8\x89", "\xed\xa0\x80",
  };

  for (guint f = 0; f < G_N_ELEMENTS (funcs); f++)
    for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
      assert_mask (funcs[f], inputs[i], NULL);
}

static void
test_mask_name (void)
{
  assert_mask (fd_mask_name, "张", "*");
  assert_mask (fd_mask_name, "张三", "张*");
  assert_mask (fd_mask_name, "张小三", "张*三");
  assert_mask (fd_mask_name, "欧阳小明", "欧**明");
  assert_mask (fd_mask_name, "阿卜杜·热合曼", "阿*****曼");
  assert_mask (fd_mask_name, "Li", "L*");
  assert_mask (fd_mask_name, "Anna Lee", "A******e");
  assert_mask (fd_mask_name, "张三abc", "张***c");
  assert_mask (fd_mask_name, "一二三四五六七八九十一二三四五六七八九十",
               "一******************十");
}

static void
test_mask_name_long (void)
{
  g_autoptr(GString) name = g_string_new (NULL);
  g_autofree char *masked = NULL;

  for (guint i = 0; i < 3500; i++)
    g_string_append (name, "张");
  g_string_append (name, "三");
  g_assert_cmpuint (name->len, >, 10240);

  masked = fd_mask_name (name->str);
  g_assert_nonnull (masked);
  g_assert_cmpint (g_utf8_strlen (masked, -1), ==, 3501);
  g_assert_true (g_str_has_prefix (masked, "张*"));
  g_assert_true (g_str_has_suffix (masked, "*三"));
  g_assert_cmpuint (strspn (masked + strlen ("张"), "*"), ==, 3499);
}

static void
test_mask_surname (void)
{
  assert_mask (fd_mask_name_surname, "张", "张**");
  assert_mask (fd_mask_name_surname, "张三", "张**");
  assert_mask (fd_mask_name_surname, "欧阳小明", "欧**");
  assert_mask (fd_mask_name_surname, "Anna Lee", "A**");
}

static void
test_mask_mobile (void)
{
  assert_mask (fd_mask_mobile, "13812345678", "138****5678");
  assert_mask (fd_mask_mobile, "19900001111", "199****1111");
  /* Anything but a valid mobile is hidden whole. */
  assert_mask (fd_mask_mobile, "1381234567", "****");
  assert_mask (fd_mask_mobile, "138123456789", "****");
  assert_mask (fd_mask_mobile, "12812345678", "****");
  assert_mask (fd_mask_mobile, "+8613812345678", "****");
  assert_mask (fd_mask_mobile, "138 1234 5678", "****");
  assert_mask (fd_mask_mobile, "１３８１２３４５６７８", "****");
  assert_mask (fd_mask_mobile, "abcdefghijk", "****");
}

static void
test_mask_id_number (void)
{
  assert_mask (fd_mask_id_number, "11010519491231002X", "**************002X");
  assert_mask (fd_mask_id_number, "110105194912310021", "**************0021");
  assert_mask (fd_mask_id_number, "11010519491231002", "****");
  assert_mask (fd_mask_id_number, "11010519491231002X1", "****");
  assert_mask (fd_mask_id_number, "1101051949123100ZX", "****");
  assert_mask (fd_mask_id_number, "11010519491231002Y", "****");
  assert_mask (fd_mask_id_number, "１１０１０５１９４９１２３１００２X", "****");
}

static void
test_mask_room (void)
{
  assert_mask (fd_mask_room_building, "3-2-1502", "3-2-****");
  assert_mask (fd_mask_room_building, "12-1-301", "12-1-****");
  assert_mask (fd_mask_room_building, "999-99-9999", "999-99-****");
  assert_mask (fd_mask_room_building, "3-2", "****");
  assert_mask (fd_mask_room_building, "3-2-15", "****");
  assert_mask (fd_mask_room_building, "3-2-1502-1", "****");
  assert_mask (fd_mask_room_building, "A-2-1502", "****");
  assert_mask (fd_mask_room_building, "03-2-1502", "****");
}

static void
test_mask_address (void)
{
  /* Municipality, province + city, autonomous region and prefecture. */
  assert_mask (fd_mask_address_district, "北京市海淀区中关村大街27号",
               "北京市海淀区****");
  assert_mask (fd_mask_address_district, "上海市浦东新区张江路100弄5号",
               "上海市浦东新区****");
  assert_mask (fd_mask_address_district, "广东省广州市天河区体育西路1号",
               "广东省广州市天河区****");
  assert_mask (fd_mask_address_district, "贵州省贵阳市南明区中华南路",
               "贵州省贵阳市南明区****");
  assert_mask (fd_mask_address_district, "北京市通州区新华大街",
               "北京市通州区****");
  assert_mask (fd_mask_address_district, "山东省济南市市中区经四路",
               "山东省济南市市中区****");
  assert_mask (fd_mask_address_district, "新疆维吾尔自治区乌鲁木齐市天山区解放北路",
               "新疆维吾尔自治区乌鲁木齐市天山区****");
  assert_mask (fd_mask_address_district, "内蒙古自治区鄂尔多斯市达拉特旗树林召镇",
               "内蒙古自治区鄂尔多斯市达拉特旗****");
  assert_mask (fd_mask_address_district, "云南省昆明市石林彝族自治县鹿阜街道",
               "云南省昆明市石林彝族自治县****");
  assert_mask (fd_mask_address_district, "西藏自治区阿里地区噶尔县狮泉河镇",
               "西藏自治区阿里地区噶尔县****");

  /* No district: through the last city of the chain. */
  assert_mask (fd_mask_address_district, "湖北省恩施土家族苗族自治州恩施市舞阳街道",
               "湖北省恩施土家族苗族自治州恩施市****");
  assert_mask (fd_mask_address_district, "江苏省苏州市昆山市玉山镇人民路8号",
               "江苏省苏州市昆山市****");
  assert_mask (fd_mask_address_district, "内蒙古自治区锡林郭勒盟锡林浩特市",
               "内蒙古自治区锡林郭勒盟锡林浩特市****");
  assert_mask (fd_mask_address_district, "广东省东莞市长安镇", "广东省东莞市****");
  assert_mask (fd_mask_address_district, "北京市", "北京市****");

  /* The street part never stretches the prefix. */
  assert_mask (fd_mask_address_district, "浙江省义乌市稠城街道绣湖小区3幢",
               "浙江省义乌市****");
  assert_mask (fd_mask_address_district, "浙江省义乌市商贸城市场路1号",
               "浙江省义乌市****");
  assert_mask (fd_mask_address_district, "浙江省义乌市国际商贸城市场路",
               "浙江省义乌市****");
  assert_mask (fd_mask_address_district, "江苏省昆山市玉山镇花园小区",
               "江苏省昆山市****");

  /* Nothing recognisable. */
  assert_mask (fd_mask_address_district, "海淀区中关村大街27号", "****");
  assert_mask (fd_mask_address_district, "中关村大街27号", "****");
  assert_mask (fd_mask_address_district, "1600 Amphitheatre Parkway", "****");
  assert_mask (fd_mask_address_district, "市", "****");
  assert_mask (fd_mask_address_district, "广东省", "****");
  assert_mask (fd_mask_address_district, " 北京市海淀区", "****");
}

static void
test_mask_address_long (void)
{
  g_autoptr(GString) address = g_string_new (NULL);
  g_autofree char *masked = NULL;

  for (guint i = 0; i < 4000; i++)
    g_string_append (address, "区");
  masked = fd_mask_address_district (address->str);
  g_assert_cmpstr (masked, ==, "****");
  g_clear_pointer (&masked, g_free);

  g_string_assign (address, "北京市海淀区");
  for (guint i = 0; i < 4000; i++)
    g_string_append (address, "市区");
  masked = fd_mask_address_district (address->str);
  g_assert_cmpstr (masked, ==, "北京市海淀区****");
}

static void
test_mask_plate (void)
{
  assert_mask (fd_mask_plate, "粤B12345", "粤B1***5");
  assert_mask (fd_mask_plate, "京AD12345", "京AD****5");
  assert_mask (fd_mask_plate, "沪A12345F", "沪A1****F");
  /* Shapes the validator refuses are hidden whole. */
  assert_mask (fd_mask_plate, "粤B1234", "****");
  assert_mask (fd_mask_plate, "粤B1234567", "****");
  assert_mask (fd_mask_plate, "粤B1234I", "****");
  assert_mask (fd_mask_plate, "粤b12345", "****");
  assert_mask (fd_mask_plate, "港B12345", "****");
  assert_mask (fd_mask_plate, "ABC12345", "****");
}

static void
test_mask_account (void)
{
  assert_mask (fd_mask_account, "6222021234561234", "**** **** **** 1234");
  assert_mask (fd_mask_account, "6222 0212 3456 7890", "**** **** **** 7890");
  assert_mask (fd_mask_account, "6222-0212-3456-789-0", "**** **** **** 7890");
  assert_mask (fd_mask_account, "12345678", "**** **** **** 5678");
  assert_mask (fd_mask_account, "1234567", "****");
  assert_mask (fd_mask_account, "1234", "****");
  assert_mask (fd_mask_account, "123456789012345678901234567890123", "****");
  assert_mask (fd_mask_account, "6222021234561234X", "****");
  assert_mask (fd_mask_account, "IBAN DE89370400440532013000", "****");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/fd/mask/unusable", test_mask_unusable);
  g_test_add_func ("/fd/mask/name", test_mask_name);
  g_test_add_func ("/fd/mask/name-long", test_mask_name_long);
  g_test_add_func ("/fd/mask/surname", test_mask_surname);
  g_test_add_func ("/fd/mask/mobile", test_mask_mobile);
  g_test_add_func ("/fd/mask/id-number", test_mask_id_number);
  g_test_add_func ("/fd/mask/room", test_mask_room);
  g_test_add_func ("/fd/mask/address", test_mask_address);
  g_test_add_func ("/fd/mask/address-long", test_mask_address_long);
  g_test_add_func ("/fd/mask/plate", test_mask_plate);
  g_test_add_func ("/fd/mask/account", test_mask_account);

  return g_test_run ();
}
