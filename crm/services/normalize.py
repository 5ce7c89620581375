"""Text normalisation for duplicate detection and search.

Everything here is pure Python: the functions take strings and return strings so they can be
used by models, importers and search code alike.  ``company_keys`` takes a company name
apart in steps, each unit-tested: width and case folded, traditional characters made simplified
(OpenCC), look-alikes (已/己) and numerals (第二, 十二, "Second", "Ninety-Nine") folded; a
branch part (分公司, 分行, "Beijing Branch") set aside; legal suffixes, a city in front, in
brackets or after the name, development zones and districts removed (city and district are
remembered, so two different ones can tell firms apart). It gives four comparison keys:

* ``key`` (``normalize_company_name``): what is left, compacted; Latin names without
  articles and connectors, words sorted ("Harbour Logistics of Dalian" = "Dalian Harbour
  Logistics");
* ``loose`` (``loose_company_key``): also without generic industry words (科技, 物流,
  "technology"), so a brand meets its registered name;
* ``sound`` and ``loose_sound``: their pinyin (Latin words in typed order), for sound-alike
  typos and romanised names.

The keys fall back to a less aggressive form instead of ever returning an empty string for a
name that contains letters, digits or CJK characters.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache, lru_cache

import opencc
from pypinyin import Style, lazy_pinyin

from crm.services.numerals import fold_numerals, numbers_in

# Provinces, municipalities, autonomous regions, SARs and the biggest cities of China, written
# without their administrative suffix (省, 市, 自治区 ...); the suffix is matched separately.
# 中山 is left out on purpose: it starts names (中山大学) that have nothing to do with the city.
CHINESE_REGIONS: tuple[str, ...] = tuple(
    # municipalities
    "北京 天津 上海 重庆 "
    # provinces
    "河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 海南 四川 "
    "贵州 云南 陕西 甘肃 青海 台湾 "
    # autonomous regions and special administrative regions
    "内蒙古 广西 西藏 宁夏 新疆 香港 澳门 "
    # the biggest cities
    "广州 深圳 成都 杭州 武汉 西安 南京 苏州 郑州 长沙 东莞 沈阳 青岛 合肥 佛山 宁波 昆明 "
    "福州 无锡 厦门 济南 大连 哈尔滨 长春 石家庄 南宁 南昌 贵阳 太原 温州 泉州 烟台 常州 "
    "徐州 珠海 惠州 嘉兴 金华 台州 绍兴 南通 兰州 海口 乌鲁木齐 呼和浩特 银川 西宁 拉萨 "
    "唐山 保定 潍坊 扬州 洛阳".split()
)

# Administrative suffixes that may follow a region name.  "市" is not taken when it starts
# 市场 ("market"), so 上海市场营销 keeps its 市场.
REGION_SUFFIX_PATTERN = r"(?:维吾尔自治区|壮族自治区|回族自治区|特别行政区|自治区|省|市(?!场))?"

# Region words only removed when they stand in brackets: "阿里巴巴(中国)", "Acme (Beijing) Ltd".
BRACKET_ONLY_REGIONS: tuple[str, ...] = tuple(
    "中国|china|prc|beijing|shanghai|shenzhen|guangzhou|hangzhou|hong kong|hongkong|"
    "asia pacific|asia".split("|")
)

# Chinese legal-form suffixes, matched at the very end of the name (longest first).
CHINESE_LEGAL_SUFFIXES: tuple[str, ...] = tuple(
    "股份有限公司 有限责任公司 集团有限公司 有限公司 集团 股份 公司".split()
)

# Latin legal-form suffixes as regular expressions over casefolded text (whole words only).
LATIN_LEGAL_SUFFIXES: tuple[str, ...] = tuple(
    r"co\.?\s*,?\s*ltd pte\.?\s*ltd ltd limited inc incorporated corp corporation "
    r"l\.?l\.?c gmbh ag s\.?a plc company co".split()
)

# Generic industry words dropped (from the end, repeatedly) by ``loose_company_key`` only.
# Lines of business that tell sibling firms of one group apart (地产, 置业, 银行, 证券...) are
# not generic and stay.
CHINESE_GENERIC_WORDS: tuple[str, ...] = tuple(
    "科技 技术 网络 信息 贸易 实业 发展 电子 商贸 茶饮 物流 电器 食品 软件开发 软件 开发 "
    "餐饮管理 餐饮 管理 机械 服饰 茶业 茶叶 咨询 工程 制造 进出口".split()
)
LATIN_GENERIC_WORDS: tuple[str, ...] = tuple(
    "technology technologies tech trading international holdings group logistics foods "
    "food software consulting".split()
)

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


def _alternation(words: tuple[str, ...], escape: bool = True) -> str:
    """Build a regex alternation that tries longer alternatives first."""
    items = sorted(words, key=len, reverse=True)
    return "|".join(re.escape(w) if escape else w for w in items)


_REGION = f"(?:{_alternation(CHINESE_REGIONS)}){REGION_SUFFIX_PATTERN}"
_LEADING_REGION_RE = re.compile(rf"^\s*{_REGION}\s*")
_BRACKET_REGION_RE = re.compile(
    rf"\s*[(\[【〔]\s*(?:{_REGION}|{_alternation(BRACKET_ONLY_REGIONS)})\s*[)\]】〕]\s*"
)
_TRAILING_NOISE = r"[\s\W_]*$"
_NOT_AFTER_LATIN = r"(?<![0-9a-z\u00c0-\u024f])"  # whole Latin words only; CJK may precede
_LEGAL_SUFFIX_RES = (
    re.compile(rf"(?:{_alternation(CHINESE_LEGAL_SUFFIXES)}){_TRAILING_NOISE}"),
    re.compile(
        rf"{_NOT_AFTER_LATIN}(?:{_alternation(LATIN_LEGAL_SUFFIXES, escape=False)})"
        + _TRAILING_NOISE
    ),
)
_GENERIC_WORD_RES = (
    re.compile(rf"(?:{_alternation(CHINESE_GENERIC_WORDS)}){_TRAILING_NOISE}"),
    re.compile(rf"{_NOT_AFTER_LATIN}(?:{_alternation(LATIN_GENERIC_WORDS)}){_TRAILING_NOISE}"),
)


def fold_text(s: str) -> str:
    """NFKC-normalise (full-width to half-width), casefold, trim and collapse whitespace."""
    return " ".join(unicodedata.normalize("NFKC", s or "").casefold().split())


_NOT_WORD_RE = re.compile(r"[\W_]+")


def _compact(s: str) -> str:
    """Keep only letters and digits (this drops spaces and ASCII/CJK punctuation)."""
    return _NOT_WORD_RE.sub("", s)


def _strip_trailing(text: str, patterns: tuple[re.Pattern[str], ...]) -> str:
    """Remove matches of ``patterns`` from the end until none applies or the name would vanish."""
    changed = True
    while changed:
        changed = False
        for pattern in patterns:
            match = pattern.search(text)
            if match and _compact(text[: match.start()]):
                text = text[: match.start()]
                changed = True
    return text


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


def _company_core(name: str) -> str:
    """Fold a company name and strip regions, zones and legal suffixes, keeping spaces."""
    return _split_company(name).core


def normalize_company_name(name: str) -> str:
    """Return the comparison key of a company name (see the module docstring)."""
    return company_keys(name).key


def loose_company_key(name: str) -> str:
    """Like ``normalize_company_name`` but also drops generic industry words."""
    return company_keys(name).loose


def fold_email(email: str) -> str:
    """Full-width characters (＠, ．, ｗ) to ASCII and every space removed: what the email
    validator checks and what is stored."""
    return "".join(unicodedata.normalize("NFKC", email or "").split())


def normalize_email(email: str) -> str:
    """The duplicate key of an e-mail address: folded, lowercase; for Gmail the dots of the
    name do not count and googlemail.com is gmail.com."""
    email = fold_email(email).lower()
    local, at, domain = email.rpartition("@")
    if at and domain in ("gmail.com", "googlemail.com"):
        return f"{local.replace('.', '')}@gmail.com"
    return email


def phone_digits(s: str) -> str:
    """Return only the ASCII digits of ``s`` (full-width digits count after NFKC)."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", s or "") if "0" <= ch <= "9")


def pinyin_keys(name: str) -> tuple[str, str]:
    """Return (full pinyin, initials) of a name, lowercase, without tones or spaces.

    Chinese characters contribute their default reading (full) and its first letter
    (initials).  Runs of other letters and digits are kept whole in both keys, so
    "Acme中国" gives ("acmezhongguo", "acmezg").  Punctuation and spaces are dropped.
    """
    text = fold_text(name)
    if not text:
        return "", ""
    full = lazy_pinyin(text, style=Style.NORMAL)
    initials = lazy_pinyin(text, style=Style.FIRST_LETTER)
    return _compact("".join(full)).lower(), _compact("".join(initials)).lower()


def search_blob(*parts: str) -> str:
    """Combine folded text plus pinyin keys of every part into one lowercase search string."""
    tokens: list[str] = []
    for part in parts:
        folded = fold_text(part or "")
        if not folded:
            continue
        tokens.append(folded)
        tokens.extend(pinyin_keys(folded))
    unique = dict.fromkeys(t for t in tokens if t)
    return " ".join(unique)
