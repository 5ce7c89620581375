"""Company names taken apart for the duplicate check: the steps and the keys they give.

``company_keys`` folds a name (width and case; traditional characters made simplified with
OpenCC; look-alikes such as 已/己; numerals such as 第二, 十二, "Second", "Ninety-Nine"), sets a
branch part aside (分公司, 分行, "Beijing Branch"), removes legal suffixes, a city in front,
in brackets or after the name, development zones and districts (remembering city and
district, so two different ones can tell firms apart), and gives four comparison keys:

* ``key`` (``normalize_company_name``): what is left, compacted; Latin names without
  articles and connectors, words sorted ("Harbour Logistics of Dalian" = "Dalian Harbour
  Logistics");
* ``loose`` (``loose_company_key``): also without generic industry words (科技, 物流,
  "technology"), so a brand meets its registered name;
* ``sound`` and ``loose_sound``: their pinyin (Latin words in typed order), for sound-alike
  typos and romanised names.

The keys fall back to a less aggressive form instead of ever returning an empty string for a
name that contains letters, digits or CJK characters. Pure functions, like normalize.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache

import opencc
from pypinyin import lazy_pinyin

from crm.services.normalize import (
    _BRACKET_REGION_RE,
    _GENERIC_WORD_RES,
    _LEADING_REGION_RE,
    _LEGAL_SUFFIX_RES,
    _REGION,
    CHINESE_REGIONS,
    LATIN_GENERIC_WORDS,
    REGION_SUFFIX_PATTERN,
    _alternation,
    _compact,
    _strip_trailing,
    fold_text,
)
from crm.services.numerals import fold_numerals, numbers_in

# Development zones, industrial parks and districts that may follow the city in a
# registered name ("大连高新区", "苏州工业园区", "北京市朝阳区"); not part of the firm's name.
ZONE_WORDS: tuple[str, ...] = tuple(
    "高新技术产业开发区 经济技术开发区 新技术开发区 经济开发区 技术开发区 综合实验区 开发区 "
    "高新区 工业园区 工业园 科技园 产业园 保税区 实验区 新区".split()
)
# Words a branch name ends with: a branch is not the same customer as its parent.
BRANCH_WORDS: tuple[str, ...] = tuple("分公司 分行 支行 营业部 分店 办事处".split())
# English words that never distinguish two names.
LATIN_STOP_WORDS = frozenset("the a an of and at".split())
# Latin spellings of cities that differ from their pinyin.
LATIN_CITY_ALIASES = {"harbin": "haerbin", "peking": "beijing", "canton": "guangzhou",
                      "hongkong": "xianggang", "macau": "aomen", "macao": "aomen",
                      "xian": "xian", "amoy": "xiamen", "tientsin": "tianjin"}
# Characters that only look alike (己/已/巳): one is read as the other.
LOOKALIKES = str.maketrans({"已": "己", "巳": "己"})

_ZONE_RE = re.compile(rf"^\s*(?:[\u4e00-\u9fff]{{0,6}}?(?:{_alternation(ZONE_WORDS)}))\s*")
# A district (朝阳区, 甘井子区, 余杭区): two or three characters and 区 or 县, before a name of
# at least two more characters; 湾区 or 社区 (one character before 区) are words, not places.
_DISTRICT_RE = re.compile(r"^\s*([\u4e00-\u9fff]{2,3}?(?:区|县))(?=\s*[\u4e00-\u9fff]{2})")
_AFTER_SUFFIX_REGION_RE = re.compile(rf"(?<=公司)\s*({_REGION})[\s\W_]*$")
_BRANCH = _alternation(BRANCH_WORDS)
# The branch part starts at a region or right after 公司 (有限公司大连分公司), else it is just
# the branch word; at least two characters of the parent's name come before it.
_BRANCH_RES = (
    re.compile(rf"(?<=\w\w)(?:(?<=公司)|(?=(?:{_REGION})))\s*\S{{0,12}}?(?:{_BRANCH})[\s\W_]*$"),
    re.compile(rf"(?<=\w\w)\s*(?:{_BRANCH})[\s\W_]*$"),
    re.compile(r"(?<=\w\w)[\s,\-]*(?:[a-z]+\s+)?branch(?:\s+office)?[\s\W_]*$"),
)
_LATIN_TOKEN_RE = re.compile(r"[0-9a-z\u00c0-\u024f]+")
_HAS_CJK_RE = re.compile(r"[\u3400-\u9fff]")


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional Chinese characters to simplified ones (萬 -> 万, 開 -> 开, 門 -> 门)."""
    return _converter().convert(text) if _HAS_CJK_RE.search(text) else text


@lru_cache(maxsize=1)
def _latin_cities() -> dict[str, str]:
    """Pinyin spellings of the regions (and common other spellings) -> the pinyin."""
    cities = {"".join(lazy_pinyin(r)): "".join(lazy_pinyin(r)) for r in CHINESE_REGIONS}
    return {**cities, **LATIN_CITY_ALIASES}


@lru_cache(maxsize=4096)
def place_id(place: str) -> str:
    """One spelling per place, whatever script it was typed in (上海 / Shanghai -> shanghai)."""
    text = _compact(fold_text(place))
    text = re.sub(rf"{REGION_SUFFIX_PATTERN}$", "", text) if _HAS_CJK_RE.search(text) else text
    spelled = "".join(lazy_pinyin(text))
    return _latin_cities().get(spelled, spelled)


@dataclass
class CompanyName:
    """A company name taken apart: what is compared, and what tells two names apart."""

    core: str = ""
    city: str = ""
    district: str = ""
    branch: str = ""
    latin: bool = False
    ignored: list[str] = field(default_factory=list)


def fold_company_text(name: str) -> str:
    """Width, case, traditional characters, look-alikes and numerals folded."""
    return fold_numerals(to_simplified(fold_text(name)).translate(LOOKALIKES))


def _take_places(text: str, parts: CompanyName) -> str:
    """Remove a bracketed or leading region, zones and a district; remember city/district."""
    bracket = _BRACKET_REGION_RE.search(text)
    if bracket and _compact(text[:bracket.start()] + text[bracket.end():]):
        inner = bracket.group().strip(" ()[]【】〔〕")
        if inner not in ("中国", "china", "prc", "asia", "asia pacific"):
            parts.city = place_id(inner)
        text = text[:bracket.start()] + " " + text[bracket.end():]
    lead = _LEADING_REGION_RE.match(text)
    if lead and _compact(text[lead.end():]):
        parts.city = parts.city or place_id(lead.group())
        text = text[lead.end():]
    for _ in range(3):
        zone = _ZONE_RE.match(text) or _DISTRICT_RE.match(text)
        if not zone or not _compact(text[zone.end():]):
            break
        if zone.re is _DISTRICT_RE:
            parts.district = zone.group(1)
        text = text[zone.end():]
    return text


def _take_branch(text: str, parts: CompanyName) -> str:
    for pattern in _BRANCH_RES:
        match = pattern.search(text)
        if match:
            parts.branch = _compact(match.group())
            return text[:match.start()]
    return text


def _latin_places(text: str, parts: CompanyName) -> str:
    """Drop city words from a Latin name (before, after, "of Dalian") and remember the city."""
    cities = _latin_cities()
    tokens = _LATIN_TOKEN_RE.findall(text)
    kept = [t for t in tokens if t not in cities]
    if kept and len(kept) < len(tokens):
        parts.city = parts.city or cities[next(t for t in tokens if t in cities)]
        return " ".join(kept)
    return text


def _split_company(name: str) -> CompanyName:
    parts = CompanyName()
    text = fold_company_text(name)
    parts.latin = not _HAS_CJK_RE.search(text)
    before = text
    text = _strip_trailing(_take_branch(text, parts), _LEGAL_SUFFIX_RES)
    trailing_city = _AFTER_SUFFIX_REGION_RE.search(text)
    if trailing_city and not parts.branch:
        parts.city = place_id(trailing_city.group(1))
        text = _strip_trailing(text[:trailing_city.start()], _LEGAL_SUFFIX_RES)
    text = _strip_trailing(_take_places(text, parts), _LEGAL_SUFFIX_RES)
    if parts.latin:
        text = _latin_places(text, parts)
    if before.startswith(text) and _compact(before[len(text):]):
        parts.ignored.append(before[len(text):].strip(" ,.()（）"))
    parts.core = text
    return parts


@dataclass
class CompanyKeys:
    """The keys a company name is looked up by, and what tells two such names apart."""

    key: str
    loose: str
    sound: str
    loose_sound: str
    parts: CompanyName

    @property
    def numbers(self) -> tuple[str, ...]:
        return numbers_in(self.key)


def _latin_words(text: str, drop: frozenset | tuple = ()) -> list[str]:
    """The words of a Latin name without articles and connectors (unless it is all initials,
    like "A&B")."""
    words = _LATIN_TOKEN_RE.findall(text)
    stop = LATIN_STOP_WORDS if any(len(w) > 2 for w in words) else frozenset()
    return [w for w in words if w not in stop and w not in drop]


@cache
def _char_sound(ch: str) -> str:
    return lazy_pinyin(ch)[0] if _HAS_CJK_RE.match(ch) else ch


def _sound(text: str) -> str:
    """Pinyin of `text`, character by character (cached: re-keying stays fast; a polyphone
    reads the same on both sides of a comparison)."""
    return _compact("".join(_char_sound(ch) for ch in text)).lower()


def company_keys(name: str) -> CompanyKeys:
    """All keys of a company name. `key` and `loose` are compared as they are; `sound` and
    `loose_sound` are their pinyin (Latin words in typed order, for "Zijie Tiaodong")."""
    parts = _split_company(name or "")
    if parts.latin:
        words = _latin_words(parts.core)
        loose_words = _latin_words(parts.core, LATIN_GENERIC_WORDS) or words
        key, loose = "".join(sorted(words)), "".join(sorted(loose_words))
        sound, loose_sound = "".join(words), "".join(loose_words)
    else:
        key = _compact(parts.core)
        loose = _compact(_strip_trailing(parts.core, _GENERIC_WORD_RES)) or key
        sound, loose_sound = _sound(key), _sound(loose)
    if parts.branch:
        key, loose = key + parts.branch, loose + parts.branch
        sound, loose_sound = sound + _sound(parts.branch), loose_sound + _sound(parts.branch)
    if not key:
        key = loose = _compact(fold_company_text(name or ""))
        sound = loose_sound = _sound(key)
    return CompanyKeys(key[:200], loose[:200], sound[:200], loose_sound[:200], parts)


def normalize_company_name(name: str) -> str:
    """Return the comparison key of a company name (see the module docstring)."""
    return company_keys(name).key


def loose_company_key(name: str) -> str:
    """Like ``normalize_company_name`` but also drops generic industry words."""
    return company_keys(name).loose
