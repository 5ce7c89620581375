"""Phone number validation and formatting on top of the ``phonenumbers`` library.

Numbers are stored in E.164 ("+8613800138000") and shown in national format for the user's
own region and in international format otherwise.  Every validation failure raises
``PhoneError``; its ``code`` selects an English message from ``MESSAGES`` (the messages are
plain literals so they can be extracted for translation) and ``params`` fill it in.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, ValidationResult

PHONE_TYPES = ("mobile", "work", "home", "fax")

MAX_INPUT_LENGTH = 40

MESSAGES: dict[str, str] = {
    "empty": "Enter a phone number, e.g. 138 0013 8000.",
    "input_too_long": "This is too long for a phone number; use at most 40 characters.",
    "letters": "A phone number cannot contain letters. Use digits only, e.g. 138 0013 8000.",
    "characters": "Use only digits, spaces, dashes, dots, brackets and a leading +.",
    "unknown_region": "Unknown region {region}; use a two-letter country code such as CN.",
    "country_code": "The country code is not valid. Check the digits after + or 00.",
    "too_short": "This number is too short for region {region}. Check for missing digits.",
    "too_long": "This number is too long for region {region}. Check for extra digits.",
    "local_only": (
        "This number is too short for region {region}: add the area code, or start with + and "
        "the country code."
    ),
    "invalid": (
        "This is not a valid phone number for region {region}. Check the digits or start with "
        "+ and the country code."
    ),
    "extension_only": (
        "Type the number before the extension, e.g. 021 6123 4567 ext. 36."
    ),
}

# An extension after the number: "转 36", "分机 5", "ext. 7", "x7", "#5". It is kept after the
# E.164 number as in a tel: URI ("+862161234567;ext=36"); duplicates match on the number.
_EXTENSION_RE = re.compile(r"\s*(?:转|分机|ext\.?|extension|x|#|;ext=)\s*(\d{1,6})\s*$",
                           re.IGNORECASE)
EXTENSION_MARK = ";ext="
# "(65) 6123 4567": a country code in brackets, without "+", at the very start.
_BRACKET_COUNTRY_RE = re.compile(r"^\(\s*([1-9]\d{0,2})\s*\)\s*(\d.*)$")

# Separators people type between digit groups; they carry no meaning and are removed.
_SEPARATORS_RE = re.compile(r"[\s\-.()\[\]/]")

_PARSE_ERRORS = {
    NumberParseException.INVALID_COUNTRY_CODE: "country_code",
    # Input is digits-only by now, so "not a number" means too few digits (e.g. just "+86").
    NumberParseException.NOT_A_NUMBER: "too_short",
    NumberParseException.TOO_SHORT_AFTER_IDD: "too_short",
    NumberParseException.TOO_SHORT_NSN: "too_short",
    NumberParseException.TOO_LONG: "too_long",
}

_POSSIBILITY_ERRORS = {
    ValidationResult.INVALID_COUNTRY_CODE: "country_code",
    ValidationResult.TOO_SHORT: "too_short",
    ValidationResult.TOO_LONG: "too_long",
    ValidationResult.IS_POSSIBLE_LOCAL_ONLY: "local_only",
}


class PhoneError(ValueError):
    """A phone number was rejected; ``message`` says what is wrong and how to fix it."""

    def __init__(self, code: str, **params: str) -> None:
        self.code = code
        self.params = params
        self.template = MESSAGES[code]
        self.message = self.template.format(**params)
        super().__init__(self.message)


def _clean_input(raw: str) -> str:
    """Return ``raw`` as "+digits" or "digits", or raise PhoneError for unusable input."""
    text = unicodedata.normalize("NFKC", raw or "").strip()
    if not text:
        raise PhoneError("empty")
    if len(text) > MAX_INPUT_LENGTH:
        raise PhoneError("input_too_long")
    if any(ch.isalpha() for ch in text):
        raise PhoneError("letters")
    compact = _SEPARATORS_RE.sub("", text)
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    digits = compact.removeprefix("+")
    if not digits or not digits.isdecimal():
        raise PhoneError("characters")
    return compact


def _check_region(region: str) -> str:
    """Return the upper-cased region code or raise PhoneError if phonenumbers does not know it."""
    code = (region or "").strip().upper()
    if code not in phonenumbers.SUPPORTED_REGIONS:
        raise PhoneError("unknown_region", region=region or "(empty)")
    return code


def _length_problem(number: phonenumbers.PhoneNumber) -> str | None:
    """Return a PhoneError code when the number has an impossible length, else None."""
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason == ValidationResult.INVALID_LENGTH:
        # Length lies between the shortest and the longest possible one but matches neither;
        # compare with a typical mobile number to say which way the user is off.
        region = phonenumbers.region_code_for_country_code(number.country_code)
        example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
        typical = len(str(example.national_number)) if example else 0
        return "too_short" if len(str(number.national_number)) < typical else "too_long"
    return _POSSIBILITY_ERRORS.get(reason)


def split_extension(raw: str) -> tuple[str, str]:
    """("021 6123 4567", "36") from "021 6123 4567 转 36"; ("...", "") without an extension."""
    text = unicodedata.normalize("NFKC", raw or "").strip()
    match = _EXTENSION_RE.search(text)
    return (text[:match.start()], match.group(1)) if match else (text, "")


def base_number(e164: str) -> str:
    """The stored number without its extension: what duplicates are matched on."""
    return (e164 or "").split(EXTENSION_MARK)[0]


def _bracketed_country(text: str, region_code: str) -> str | None:
    """"+65 6123 4567" for "(65) 6123 4567" when 65 is a country code and the rest is a valid
    number there; None when the brackets hold an area code or nothing known."""
    match = _BRACKET_COUNTRY_RE.match(text)
    if not match or phonenumbers.region_code_for_country_code(int(match.group(1))) == "ZZ":
        return None
    candidate = f"+{match.group(1)} {match.group(2)}"
    try:
        number = phonenumbers.parse(_clean_input(candidate), region_code)
    except (NumberParseException, PhoneError):
        return None
    return candidate if phonenumbers.is_valid_number(number) else None


def normalize_phone(raw: str, region: str = "CN") -> str:
    """Validate a typed phone number and return it in E.164 format, followed by ";ext=36"
    when an extension was typed.

    ``region`` is the two-letter country whose national numbers need no "+" prefix.  Raises
    ``PhoneError`` with a user-facing message when the number is unusable.
    """
    region_code = _check_region(region)
    text, extension = split_extension(raw)
    if extension and not any(ch.isdigit() for ch in text):
        raise PhoneError("extension_only")
    e164 = _normalize_number(_bracketed_country(text, region_code) or text, region_code)
    return f"{e164}{EXTENSION_MARK}{extension}" if extension else e164


def _normalize_number(raw: str, region_code: str) -> str:
    cleaned = _clean_input(raw)
    try:
        number = phonenumbers.parse(cleaned, region_code)
    except NumberParseException as exc:
        code = _PARSE_ERRORS.get(exc.error_type, "invalid")
        raise PhoneError(code, region=region_code) from exc
    number_region = phonenumbers.region_code_for_country_code(number.country_code)
    problem = _length_problem(number)
    if problem:
        raise PhoneError(problem, region=number_region)
    if not phonenumbers.is_valid_number(number):
        raise PhoneError("invalid", region=number_region)
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def format_phone(e164: str, region: str = "CN") -> str:
    """Format a stored number for display: national inside ``region``, else international.

    Returns the input unchanged when it cannot be parsed.
    """
    if not isinstance(e164, str):  # unhashable or odd input: no cache
        return _format_phone(e164, region)
    return _format_phone_cached(e164, region)


def _format_phone(e164: str, region: str) -> str:
    region_code = (region or "").strip().upper()
    if region_code not in phonenumbers.SUPPORTED_REGIONS:
        region_code = None
    try:
        number = phonenumbers.parse(e164 or "", region_code)
    except NumberParseException:
        return e164
    if region_code and phonenumbers.region_code_for_number(number) == region_code:
        return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)


# Lists and customer pages format the same stored numbers over and over; parsing and
# formatting with phonenumbers costs ~0.1 ms each, a cache lookup next to nothing.
_format_phone_cached = functools.lru_cache(maxsize=16384)(_format_phone)
