"""Numbers in company names folded to digits, so 第二/第2, 十二/12, "Second"/"2nd" and
"Ninety-Nine"/"99" give the same duplicate key.

Pure functions over already casefolded text (see normalize.fold_text).
"""

from __future__ import annotations

import re

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
# 百货 ("department store") is a word, not a hundred: 第一百货 is "No. 1 department store".
_CN_NUMERAL = r"(?:[零〇一二三四五六七八九十千]|百(?!货))"
# A lone numeral is a number after 第 or before a counter (三只松鼠, 中铁九局, 七所); elsewhere
# it is part of a word (五金, 万一) and stays.
_CN_COUNTERS = "只匹局所号路街厂中院队届期楼层栋条人"
_CN_RUN_RE = re.compile(
    rf"{_CN_NUMERAL}{{2,}}|(?<=第){_CN_NUMERAL}|{_CN_NUMERAL}(?=[{_CN_COUNTERS}])")

_EN_UNITS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
             "fourteen fifteen sixteen seventeen eighteen nineteen").split()
_EN_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_EN_ORDINALS = ("zeroth first second third fourth fifth sixth seventh eighth ninth tenth "
                "eleventh twelfth thirteenth fourteenth fifteenth sixteenth seventeenth "
                "eighteenth nineteenth").split()
_EN_TENS_ORDINALS = ("twentieth thirtieth fortieth fiftieth sixtieth seventieth eightieth "
                     "ninetieth").split()
_EN_VALUES = {
    **{w: i for i, w in enumerate(_EN_UNITS)}, **{w: i for i, w in enumerate(_EN_ORDINALS)},
    **{w: 20 + 10 * i for i, w in enumerate(_EN_TENS)},
    **{w: 20 + 10 * i for i, w in enumerate(_EN_TENS_ORDINALS)},
}
_EN_RUN_RE = re.compile(
    rf"\b(?:{'|'.join(sorted(_EN_VALUES, key=len, reverse=True))})"
    rf"(?:[\s-]+(?:{'|'.join(sorted(_EN_VALUES, key=len, reverse=True))}))*\b")
_ORDINAL_SUFFIX_RE = re.compile(r"\b(\d+)(?:st|nd|rd|th)\b")


def chinese_number(run: str) -> int:
    """一百二十 -> 120, 十二 -> 12, 二〇二一 -> 2021 (digit by digit when there is no unit)."""
    if not any(ch in _CN_UNITS for ch in run):
        return int("".join(str(_CN_DIGITS[ch]) for ch in run))
    total, digit = 0, None
    for ch in run:
        if ch in _CN_UNITS:
            total += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
        else:
            digit = _CN_DIGITS[ch]
    return total + (digit or 0)


def _english_number(run: str) -> str:
    """"ninety-nine" -> "99", "twenty first" -> "21"; runs that are not one number stay."""
    words = re.split(r"[\s-]+", run)
    values = [_EN_VALUES[w] for w in words]
    if len(values) == 1:
        return str(values[0])
    if len(values) == 2 and values[0] >= 20 and values[0] % 10 == 0 and values[1] < 10:
        return str(values[0] + values[1])
    return " ".join(str(v) for v in values)


def fold_numerals(text: str) -> str:
    """Write every number in `text` (casefolded) as digits."""
    text = _CN_RUN_RE.sub(lambda m: str(chinese_number(m.group())), text)
    text = _EN_RUN_RE.sub(lambda m: _english_number(m.group()), text)
    return _ORDINAL_SUFFIX_RE.sub(r"\1", text)


def numbers_in(text: str) -> tuple[str, ...]:
    """The numbers of an already folded key, in order: names with different ones differ."""
    return tuple(re.findall(r"\d+", text))
