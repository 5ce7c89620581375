"""Language and time zone per user: the user's choice, else the session's, else the browser's."""

from __future__ import annotations

from flask import current_app, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user

from crm.config import LANGUAGES

LANGUAGE_NAMES = {"zh_CN": "简体中文", "en": "English"}
# Babel reads "zh_CN" as zh_Hans_CN and looks for a catalog of that name, so our language
# codes map to Babel's locale ids (the catalog folders in crm/translations/).
BABEL_LOCALES = {"zh_CN": "zh_Hans_CN", "en": "en"}


def select_locale() -> str:
    """The Babel locale id of the language this request is shown in."""
    return BABEL_LOCALES[_language()]


def _language() -> str:
    if not has_request_context():  # a job or a command: the installation's language
        default = current_app.config["CRM"]["DEFAULT_LANGUAGE"]
        return default if default in LANGUAGES else "zh_CN"
    if current_user and current_user.is_authenticated and current_user.language in LANGUAGES:
        return current_user.language
    if session.get("lang") in LANGUAGES:
        return session["lang"]
    best = request.accept_languages.best_match(["zh-CN", "zh", "en"])
    if best:
        return "en" if best == "en" else "zh_CN"
    default = current_app.config["CRM"]["DEFAULT_LANGUAGE"]
    return default if default in LANGUAGES else "zh_CN"


def select_timezone() -> str:
    return current_app.config["CRM"]["TIMEZONE"]


def ui_language() -> str:
    """The interface language of this request in our terms ('zh_CN' or 'en')."""
    if not has_request_context():
        return "en"
    locale = get_locale()
    return "zh_CN" if locale is not None and locale.language == "zh" else "en"


# One way to write a day and a moment per language, on every page (lists, history, the
# record page, the System page). Seconds only where they matter (the System page).
DAY = {"zh_CN": "yyyy年M月d日", "en": "d MMM yyyy"}
MOMENT = {"zh_CN": "yyyy年M月d日 HH:mm", "en": "d MMM yyyy, HH:mm"}
MOMENT_SECONDS = {"zh_CN": "yyyy年M月d日 HH:mm:ss", "en": "d MMM yyyy, HH:mm:ss"}


def format_day(value) -> str:
    from flask_babel import format_date

    return format_date(value, DAY[ui_language()]) if value else ""


def format_moment(value, seconds: bool = False) -> str:
    """A moment in the installation's time zone, written the same way everywhere."""
    from flask_babel import format_datetime

    patterns = MOMENT_SECONDS if seconds else MOMENT
    return format_datetime(value, patterns[ui_language()]) if value else ""


def local_to_utc(local):
    """A wall-clock time typed in the installation's time zone (a datetime-local input) in
    UTC. pytz zones must `localize`: `replace(tzinfo=...)` takes the zone's first offset in
    history (Shanghai's local mean time, +08:06) and shifts the time by minutes."""
    from datetime import UTC

    from flask_babel import get_timezone

    if local is None:
        return None
    zone = get_timezone()
    aware = zone.localize(local) if hasattr(zone, "localize") else local.replace(tzinfo=zone)
    return aware.astimezone(UTC)
