"""Both catalogs are complete: every UI string in the code has a Chinese translation."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
CATALOGS = ROOT / "crm" / "translations"
METHODS = [("crm/**.py", "python"), ("crm/templates/**.html", "jinja2")]
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "_lp": ((1, "c"), 2)}


def _source_ids() -> set[str]:
    ids = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(
        str(ROOT), METHODS, keywords=KEYWORDS
    ):
        ids.add(message[0] if isinstance(message, tuple) else message)
    return ids


def _catalog(lang: str):
    with open(CATALOGS / lang / "LC_MESSAGES" / "messages.po", "rb") as fh:
        return read_po(fh, locale=lang)


@pytest.fixture(scope="module")
def source_ids():
    return _source_ids()


@pytest.mark.parametrize("lang", ["zh_Hans_CN", "en"])
def test_catalog_holds_every_string_of_the_code(lang, source_ids):
    catalog = _catalog(lang)
    missing = sorted(i for i in source_ids if i not in catalog)
    assert missing == [], f"{lang}: run `make extract` and translate: {missing[:20]}"


def test_every_chinese_string_is_translated():
    catalog = _catalog("zh_Hans_CN")
    untranslated = [m.id for m in catalog if m.id and (not m.string or m.fuzzy or (
        isinstance(m.string, tuple) and not all(m.string)))]
    assert untranslated == [], f"untranslated or fuzzy: {untranslated[:20]}"


def test_chinese_page_is_chinese(client):
    client.post("/language", data={"lang": "zh_CN", "next": "/login"})
    page = client.get("/login").data.decode()
    assert "登录" in page and "Sign in" not in page


def test_a_company_has_a_name_and_a_person_a_full_name_in_chinese(app, client, login_as):
    """One English word, two Chinese ones: 名称 for a company, 姓名 for a person or user."""
    from sqlalchemy import update

    from crm.extensions import db
    from crm.models import User

    user_id = login_as("rep")
    with app.app_context():
        db.session.execute(update(User).where(User.id == user_id).values(language="zh_CN"))
        db.session.commit()
        db.session.remove()
    companies = client.get("/companies").get_data(as_text=True)
    people = client.get("/contacts").get_data(as_text=True)
    company_form = client.get("/companies/new").get_data(as_text=True)
    person_form = client.get("/contacts/new").get_data(as_text=True)
    assert "<th>名称</th>" in companies and "<th>姓名</th>" not in companies
    assert "<th>姓名</th>" in people and "<th>名称</th>" not in people
    assert '<label for="name">名称</label>' in company_form
    assert '<label for="name">姓名</label>' in person_form


def test_a_typed_time_is_read_in_the_installations_zone_to_the_minute(app):
    """Shanghai is UTC+8: 09:30 typed is 01:30 UTC (not 01:24, the zone's 1901 offset)."""
    from datetime import UTC, datetime

    from crm.i18n import local_to_utc

    with app.test_request_context():
        assert local_to_utc(datetime(2024, 5, 4, 9, 30)) == datetime(2024, 5, 4, 1, 30,
                                                                     tzinfo=UTC)
        assert local_to_utc(None) is None
