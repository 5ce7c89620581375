"""Jinja setup: strict undefined outside production, globals and filters every page uses."""

from __future__ import annotations

from datetime import datetime

from flask import Flask
from flask_babel import format_datetime, get_locale
from flask_login import current_user
from jinja2 import StrictUndefined

from crm.config import LANGUAGES, ROLES
from crm.i18n import LANGUAGE_NAMES
from crm.permissions import has_permission


def _can(perm: str) -> bool:
    return has_permission(current_user, perm)


def ui_language() -> str:
    """The interface language code in our terms ('zh_CN' or 'en')."""
    locale = get_locale()
    return "zh_CN" if locale is not None and locale.language == "zh" else "en"


def _when(value: datetime | None, fmt: str = "short") -> str:
    return format_datetime(value, fmt) if value else ""


def register(app: Flask) -> None:
    if app.debug or app.testing:
        app.jinja_env.undefined = StrictUndefined
    app.jinja_env.globals.update(can=_can, ui_language=ui_language, LANGUAGES=LANGUAGES,
                                 LANGUAGE_NAMES=LANGUAGE_NAMES, ROLES=ROLES)
    app.jinja_env.filters["when"] = _when
