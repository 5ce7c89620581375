"""Tests for crm.services.normalize and crm.services.company_names: folding, company keys
(each step of taking a name apart), e-mail, phone digits, pinyin."""

import pytest

from crm.services.company_names import (
    company_keys,
    loose_company_key,
    normalize_company_name,
    to_simplified,
)
from crm.services.normalize import (
    CHINESE_REGIONS,
    fold_text,
    normalize_email,
    phone_digits,
    pinyin_keys,
    search_blob,
)
from crm.services.numerals import fold_numerals

BYTEDANCE = [
    "北京字节跳动科技有限公司",
    "字节跳动科技有限公司",
    "字节跳动科技(北京)有限公司",
    "字节跳动科技（北京）有限公司",
    "字节跳动科技 有限公司",
    "北京市字节跳动科技有限公司",
    "  字节跳动科技有限公司。",
]

ACME = [
    "Acme Co., Ltd.",
    "ACME CO.,LTD",
    "acme ltd",
    "Acme Inc.",
    "Acme, LLC",
    "Ａｃｍｅ",
    "acme GmbH",
    "Acme Corporation",
    "Acme Pte. Ltd.",
    "Acme L.L.C.",
    "Acme S.A.",
    "ACME PLC",
    "Acme AG",
    "Acme Company Limited",
    "Acme (Beijing) Co., Ltd.",
]


# --- fold_text ---------------------------------------------------------------------------


def test_fold_text_full_width_to_half_width_and_casefold():
    assert fold_text("ＡＢＣ　１２３") == "abc 123"


def test_fold_text_collapses_and_strips_whitespace():
    assert fold_text("  Foo \t\n  Bar  ") == "foo bar"


def test_fold_text_casefold_handles_german_sharp_s():
    assert fold_text("Straße") == fold_text("STRASSE")


def test_fold_text_keeps_chinese():
    assert fold_text(" 字节 跳动 ") == "字节 跳动"


def test_fold_text_empty():
    assert fold_text("") == ""
    assert fold_text("   ") == ""


# --- normalize_company_name ----------------------------------------------------------------


@pytest.mark.parametrize("name", BYTEDANCE)
def test_bytedance_variants_share_one_key(name):
    assert normalize_company_name(name) == normalize_company_name(BYTEDANCE[0])


def test_bytedance_key_value():
    assert normalize_company_name(BYTEDANCE[0]) == "字节跳动科技"


@pytest.mark.parametrize("name", ACME)
def test_acme_variants_share_one_key(name):
    assert normalize_company_name(name) == "acme"


def test_groups_differ():
    assert normalize_company_name(BYTEDANCE[0]) != normalize_company_name(ACME[0])
    assert loose_company_key(BYTEDANCE[0]) != loose_company_key(ACME[0])


def test_full_width_latin_name_with_brackets_and_suffix():
    assert normalize_company_name("ＡＣＭＥ（ＢＥＩＪＩＮＧ）ＣＯ．，ＬＴＤ．") == "acme"


def test_full_width_and_half_width_chinese_names_match():
    assert normalize_company_name("字节跳动科技（北京）有限公司") == normalize_company_name(
        "字节跳动科技(北京)有限公司"
    )


@pytest.mark.parametrize("name", ["阿里巴巴集团控股有限公司", "阿里巴巴(中国)有限公司"])
def test_alibaba_keys_keep_the_brand(name):
    key = normalize_company_name(name)
    assert key
    assert "阿里巴巴" in key


def test_bracketed_china_is_removed():
    assert normalize_company_name("阿里巴巴(中国)有限公司") == "阿里巴巴"


@pytest.mark.parametrize("name", ["上海", "北京市", "公司", "有限公司", "Inc.", "Ltd"])
def test_never_empty_for_meaningful_input(name):
    assert normalize_company_name(name) != ""
    assert loose_company_key(name) != ""


def test_region_only_name_falls_back_to_itself():
    assert normalize_company_name("上海") == "上海"


def test_region_prefix_kept_when_only_suffix_follows():
    assert normalize_company_name("上海有限公司") == "上海"


@pytest.mark.parametrize("name", ["", "   ", "!!!", "（）·-"])
def test_empty_or_punctuation_only_gives_empty(name):
    assert normalize_company_name(name) == ""


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("广东省华为技术有限公司", "华为技术"),
        ("深圳市腾讯计算机系统有限公司", "腾讯计算机系统"),
        ("广西壮族自治区南宁糖业股份有限公司", "南宁糖业"),
        ("新疆维吾尔自治区天山集团", "天山"),
        ("内蒙古伊利实业集团股份有限公司", "伊利实业"),
        ("哈尔滨啤酒有限责任公司", "啤酒"),
    ],
)
def test_province_and_city_prefixes(name, expected):
    assert normalize_company_name(name) == expected


def test_market_is_not_mistaken_for_city_suffix():
    assert normalize_company_name("上海市场营销有限公司") == "市场营销"


def test_branch_office_suffix_with_region():
    """A branch is not its parent: its key keeps where it is and that it is a branch."""
    assert normalize_company_name("腾讯科技（深圳）有限公司北京分公司") == "腾讯科技北京分公司"


def test_suffixes_are_removed_repeatedly():
    assert normalize_company_name("Acme Company Limited") == "acme"
    assert normalize_company_name("天山集团有限公司") == "天山"


@pytest.mark.parametrize(("name", "expected"), [("Costco", "costco"), ("Mag", "mag")])
def test_latin_suffixes_match_whole_words_only(name, expected):
    assert normalize_company_name(name) == expected


def test_latin_suffix_directly_after_chinese():
    assert normalize_company_name("字节跳动Ltd.") == "字节跳动"


def test_punctuation_ascii_and_cjk_removed():
    assert normalize_company_name("A&B·C-D_E，F。G、H'I\"J") == "abcdefghij"


def test_different_companies_differ():
    assert normalize_company_name("字节跳动科技有限公司") != normalize_company_name(
        "腾讯科技有限公司"
    )
    assert normalize_company_name("Acme Ltd") != normalize_company_name("Acne Ltd")


def test_region_list_contains_all_municipalities_and_some_provinces():
    for region in ("北京", "上海", "天津", "重庆", "广东", "黑龙江", "内蒙古", "新疆", "深圳"):
        assert region in CHINESE_REGIONS


def test_zhongshan_not_treated_as_city_prefix():
    assert normalize_company_name("中山大学") == "中山大学"


# --- loose_company_key ---------------------------------------------------------------------


def test_loose_key_ignores_generic_chinese_words():
    assert loose_company_key("字节跳动科技有限公司") == loose_company_key(
        "字节跳动网络技术有限公司"
    )
    assert loose_company_key("字节跳动科技有限公司") == "字节跳动"


def test_strict_key_keeps_generic_words():
    assert normalize_company_name("字节跳动科技有限公司") != normalize_company_name(
        "字节跳动网络技术有限公司"
    )


def test_loose_key_ignores_generic_english_words():
    names = ["Acme Technologies Ltd", "ACME Tech", "Acme International Trading Co., Ltd.", "Acme"]
    assert {loose_company_key(n) for n in names} == {"acme"}


def test_loose_key_only_drops_whole_english_words():
    assert loose_company_key("Fintech Ltd") == "fintech"


def test_loose_key_never_empty():
    assert loose_company_key("科技有限公司") == "科技"
    assert loose_company_key("Technology Group Inc.") != ""


# --- normalize_email / phone_digits --------------------------------------------------------


def test_normalize_email():
    assert normalize_email("  Foo.Bar@Example.COM ") == "foo.bar@example.com"


def test_normalize_email_ignores_gmail_dots_but_keeps_plus():
    assert normalize_email("A.b+tag@GoogleMail.com") == "ab+tag@gmail.com"
    assert normalize_email("a.b@example.com") == "a.b@example.com"


def test_normalize_email_folds_full_width_and_spaces():
    assert normalize_email("ｗａｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ") == "wang@example.com"
    assert normalize_email(" zhao @ example.com ") == "zhao@example.com"


def test_email_with_two_ats_is_kept_as_typed():
    assert normalize_email("a@b@example.com") == "a@b@example.com"


def test_phone_digits():
    assert phone_digits("+86 (138) 0013-8000") == "8613800138000"
    assert phone_digits("１３８ ００１３") == "1380013"
    assert phone_digits("no digits") == ""


# --- pinyin_keys ---------------------------------------------------------------------------


def test_pinyin_keys_chinese():
    assert pinyin_keys("字节跳动") == ("zijietiaodong", "zjtd")


def test_pinyin_keys_keep_latin_words_whole_in_initials():
    assert pinyin_keys("Acme中国") == ("acmezhongguo", "acmezg")
    assert pinyin_keys("ACME 中国, Ltd.") == ("acmezhongguoltd", "acmezgltd")


def test_pinyin_keys_keep_digits():
    assert pinyin_keys("张三3号") == ("zhangsan3hao", "zs3h")


def test_pinyin_keys_full_width_latin():
    assert pinyin_keys("Ａｃｍｅ") == ("acme", "acme")


@pytest.mark.parametrize("name", ["", "   ", "!!！，"])
def test_pinyin_keys_empty(name):
    assert pinyin_keys(name) == ("", "")


# --- search_blob ---------------------------------------------------------------------------


def test_search_blob_contains_text_and_pinyin():
    blob = search_blob("字节跳动", "Zhang San")
    for needle in ("字节跳动", "zijietiaodong", "zjtd", "zhang san"):
        assert needle in blob
    assert blob == blob.lower()


def test_search_blob_pinyin_of_chinese_person_name():
    blob = search_blob("张三")
    assert "zhangsan" in blob.split()
    assert "zs" in blob.split()


def test_search_blob_skips_empty_parts_and_duplicates():
    assert search_blob("", "Acme", "  ") == "acme"
    assert search_blob() == ""


# --- issue 12: the variants a careful admin would call the same name -----------------------


@pytest.mark.parametrize(("traditional", "simplified"), [
    ("萬科企業股份有限公司", "万科企业股份有限公司"), ("開心麻花", "开心麻花"),
    ("金門飯店", "金门饭店"), ("臺灣積體電路製造", "台湾积体电路制造"),
])
def test_traditional_characters_give_the_simplified_key(traditional, simplified):
    assert to_simplified(traditional) == simplified
    assert normalize_company_name(traditional) == normalize_company_name(simplified)


@pytest.mark.parametrize(("text", "folded"), [
    ("第二中学", "第2中学"), ("十二", "12"), ("九局", "9局"), ("二十一世纪", "21世纪"),
    ("一百二十", "120"), ("二〇二一", "2021"), ("第一百货", "第1百货"),
    ("second avenue", "2 avenue"), ("2nd avenue", "2 avenue"), ("ninety-nine cents", "99 cents"),
    ("twenty first century", "21 century"), ("21st century", "21 century"),
])
def test_numerals_are_folded_to_digits(text, folded):
    assert fold_numerals(text) == folded


def test_different_numbers_keep_different_keys():
    assert normalize_company_name("大连第二中学") != normalize_company_name("大连第五中学")
    assert company_keys("Second Avenue Bakery").numbers == ("2",)


@pytest.mark.parametrize(("name", "expected"), [
    ("大连高新区光华软件有限公司", "光华软件"), ("苏州工业园区星海精密机械", "星海精密机械"),
    ("天津经济技术开发区泰达化工", "泰达化工"), ("北京市朝阳区老张烤鸭店", "老张烤鸭店"),
    ("武汉东湖新技术开发区光谷激光", "光谷激光"), ("天河区小陈五金店", "小陈五金店"),
])
def test_zone_park_and_district_prefixes_are_dropped(name, expected):
    assert normalize_company_name(name) == expected


def test_a_word_ending_in_qu_is_not_a_district():
    assert normalize_company_name("湾区物流有限公司") == "湾区物流"


def test_city_and_district_are_remembered():
    parts = company_keys("北京市朝阳区老张烤鸭店").parts
    assert (parts.city, parts.district) == ("beijing", "朝阳区")
    assert company_keys("Acme Trading (Beijing)").parts.city == "beijing"
    assert company_keys("小鹿茶饮有限公司杭州").parts.city == "hangzhou"


@pytest.mark.parametrize(("a", "b"), [
    ("Dalian Harbour Logistics", "Harbour Logistics of Dalian"),
    ("Smith and Jones", "Jones & Smith"), ("The Silver Spoon", "Silver Spoon, The"),
    ("Acme Trading (Shanghai)", "Shanghai Acme Trading"),
    ("小鹿茶饮（杭州）有限公司", "小鹿茶饮有限公司杭州"),
])
def test_word_order_articles_connectors_and_city_position_do_not_matter(a, b):
    assert normalize_company_name(a) == normalize_company_name(b)


@pytest.mark.parametrize(("registered", "brand"), [
    ("杭州小鹿茶饮有限公司", "小鹿"), ("佛山美凌电器有限公司", "美凌"),
    ("Redwood Logistics Ltd", "Redwood"),
])
def test_generic_industry_words_do_not_stop_a_brand(registered, brand):
    assert loose_company_key(registered) == loose_company_key(brand)


def test_sibling_lines_of_business_stay():
    assert loose_company_key("万达地产") != loose_company_key("万达集团")


@pytest.mark.parametrize(("chinese", "latin"), [
    ("北京字节跳动科技有限公司", "Zijie Tiaodong"), ("华为技术有限公司", "Huawei Technologies"),
    ("格力电器", "Geli Dianqi"),
])
def test_pinyin_keys_meet_the_romanised_name(chinese, latin):
    a, b = company_keys(chinese), company_keys(latin)
    assert {a.sound, a.loose_sound} & {b.sound, b.loose_sound}


def test_sound_alike_first_character_shares_the_sound_key():
    assert company_keys("辉煌建材").sound == company_keys("晖煌建材").sound


def test_look_alike_characters_are_folded():
    assert normalize_company_name("知已咨询") == normalize_company_name("知己咨询")


@pytest.mark.parametrize(("branch", "parent"), [
    ("招商银行北京分行", "招商银行"), ("顺丰速运有限公司大连分公司", "顺丰速运有限公司"),
    ("华泰证券南京中山路营业部", "华泰证券"), ("Acme Trading Beijing Branch", "Acme Trading"),
])
def test_a_branch_keeps_its_branch_part(branch, parent):
    keys = company_keys(branch)
    assert keys.parts.branch and keys.parts.core.strip() == company_keys(parent).parts.core
    assert keys.key != normalize_company_name(parent)


def test_lone_numerals_inside_words_stay():
    assert fold_numerals("小陈五金店") == "小陈五金店"
    assert fold_numerals("三只松鼠") == "3只松鼠"
