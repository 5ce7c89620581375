"""Text normalisation for duplicate detection and search.

Everything here is pure Python: the functions take strings and return strings so they can be
used by models, importers and search code alike: text folded for comparison, e-mail keys,
phone digits and pinyin. Company names are taken apart in company_names.py, on top of the
region, legal-suffix and generic-word lists kept here.
"""

from __future__ import annotations

import re
import unicodedata

from pypinyin import Style, lazy_pinyin

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
