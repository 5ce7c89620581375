"""Tests for crm.services.normalize: folding, company keys, e-mail, phone digits, pinyin."""

import pytest

from crm.services.normalize import (
    CHINESE_REGIONS,
    fold_text,
    loose_company_key,
    normalize_company_name,
    normalize_email,
    phone_digits,
    pinyin_keys,
    search_blob,
)

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
    assert normalize_company_name("腾讯科技（深圳）有限公司北京分公司") == "腾讯科技"


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


def test_normalize_email_keeps_gmail_dots_and_plus():
    assert normalize_email("a.b+tag@gmail.com") == "a.b+tag@gmail.com"


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
