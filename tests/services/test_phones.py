"""Tests for crm.services.phones: E.164 normalisation, error messages and display format."""

import pytest

from crm.services.phones import (
    MESSAGES,
    PHONE_TYPES,
    PhoneError,
    base_number,
    format_phone,
    normalize_phone,
)


@pytest.mark.parametrize(
    "raw",
    [
        "138 0013 8000",
        "13800138000",
        "+86 138-0013-8000",
        "+86 (138) 0013.8000",
        "008613800138000",
        "0086 138 0013 8000",
        "１３８００１３８０００",
        "＋８６ １３８ ００１３ ８０００",
        "  138-0013-8000  ",
    ],
)
def test_chinese_mobile_variants(raw):
    assert normalize_phone(raw, "CN") == "+8613800138000"


def test_default_region_is_cn():
    assert normalize_phone("138 0013 8000") == "+8613800138000"


def test_region_is_case_insensitive():
    assert normalize_phone("138 0013 8000", "cn") == "+8613800138000"


@pytest.mark.parametrize("raw", ["+1 650 253 0000", "+1 650-253-0000", "001 650 253 0000"])
def test_us_number_with_country_code(raw):
    assert normalize_phone(raw, "CN") == "+16502530000"


def test_us_national_number_with_us_region():
    assert normalize_phone("(650) 253-0000", "US") == "+16502530000"


def test_leading_00_works_outside_cn():
    assert normalize_phone("0086 138 0013 8000", "US") == "+8613800138000"


def test_beijing_landline():
    assert normalize_phone("010-12345678", "CN") == "+861012345678"


def test_uk_number():
    assert normalize_phone("+44 20 7946 0958") == "+442079460958"


def _error(raw: str, region: str = "CN") -> PhoneError:
    with pytest.raises(PhoneError) as info:
        normalize_phone(raw, region)
    return info.value


def test_too_short_mentions_short():
    err = _error("12345")
    assert "short" in str(err)
    assert "CN" in str(err)


@pytest.mark.parametrize("raw", ["1", "+86", "+1 650 253"])
def test_other_too_short_inputs(raw):
    assert "too short" in _error(raw).message


def test_too_short_reports_region_of_the_number():
    assert "region US" in _error("+1 650 253").message


@pytest.mark.parametrize("raw", ["138001380001234", "+86 1380013800012", "+1 650 253 00000"])
def test_too_long(raw):
    err = _error(raw)
    assert err.code == "too_long"
    assert "too long" in str(err)


def test_letters_rejected():
    err = _error("abc")
    assert err.code == "letters"
    assert "letters" in str(err)


def test_letters_mixed_with_digits_rejected():
    assert _error("138 0013 800O").code == "letters"


@pytest.mark.parametrize("raw", ["", "   ", "\t"])
def test_empty_rejected(raw):
    err = _error(raw)
    assert err.code == "empty"
    assert str(err) == "Enter a phone number, e.g. 138 0013 8000."


@pytest.mark.parametrize("raw", ["138#0013 8000", "1+38 0013 8000", "+"])
def test_bad_characters_rejected(raw):
    assert _error(raw).code == "characters"


def test_input_longer_than_40_characters_rejected():
    err = _error("1" * 41)
    assert err.code == "input_too_long"


def test_unknown_region():
    err = _error("138 0013 8000", "XX")
    assert str(err) == "Unknown region XX; use a two-letter country code such as CN."


def test_empty_region_is_unknown():
    assert "Unknown region" in str(_error("138 0013 8000", ""))


def test_invalid_country_code():
    err = _error("+999 123456")
    assert err.code == "country_code"
    assert "country code is not valid" in str(err)


def test_invalid_for_region():
    err = _error("+86 123 4567 8901")
    assert err.code == "invalid"
    assert "not a valid phone number for region CN" in str(err)
    assert "+" in str(err)


def test_phone_error_is_value_error_with_template_and_params():
    err = _error("+86 123 4567 8901")
    assert isinstance(err, ValueError)
    assert err.template == MESSAGES["invalid"]
    assert err.params == {"region": "CN"}


def test_format_phone_national_for_same_region():
    assert format_phone("+8613800138000", "CN") == "138 0013 8000"


def test_format_phone_international_for_other_region():
    formatted = format_phone("+16502530000", "CN")
    assert formatted.startswith("+1")
    assert formatted == "+1 650-253-0000"


def test_format_phone_us_in_us():
    assert format_phone("+16502530000", "US") == "(650) 253-0000"


def test_format_phone_unknown_region_uses_international():
    assert format_phone("+8613800138000", "XX") == "+86 138 0013 8000"


@pytest.mark.parametrize("value", ["garbage", "", "+"])
def test_format_phone_returns_unparseable_input_unchanged(value):
    assert format_phone(value, "CN") == value


def test_round_trip():
    e164 = normalize_phone("010-12345678")
    assert normalize_phone(format_phone(e164)) == e164


def test_phone_types():
    assert PHONE_TYPES == ("mobile", "work", "home", "fax")


# --- extensions and bracketed country codes (issue 12) -------------------------------------


@pytest.mark.parametrize(("raw", "expected"), [
    ("021-61234567 转 36", "+862161234567;ext=36"), ("010 8888 6666 分机 5", "+861088886666;ext=5"),
    ("010 8888 6666 ext. 7", "+861088886666;ext=7"), ("010 8888 6666 x7", "+861088886666;ext=7"),
    ("+862161234567;ext=36", "+862161234567;ext=36"),
])
def test_an_extension_is_kept_after_the_number(raw, expected):
    assert normalize_phone(raw, "CN") == expected
    assert base_number(expected) == expected.split(";")[0]


def test_an_extension_is_shown():
    assert format_phone("+862161234567;ext=36", "CN") == "021 6123 4567 ext. 36"


def test_only_an_extension_says_to_type_the_number():
    with pytest.raises(PhoneError) as error:
        normalize_phone("转 36", "CN")
    assert error.value.code == "extension_only"


@pytest.mark.parametrize(("raw", "expected"), [
    ("(65) 6123 4567", "+6561234567"), ("(852) 2123 4567", "+85221234567"),
    ("(021) 6123 4567", "+862161234567"), ("(1) 415 555 2671", "+14155552671"),
])
def test_a_country_code_in_brackets_is_understood(raw, expected):
    assert normalize_phone(raw, "CN") == expected
