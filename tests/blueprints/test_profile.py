"""Personal settings: language, font size and password change."""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import update

from crm.extensions import db
from crm.models import User
from tests.conftest import TEST_PASSWORD, sign_in

NEW_PASSWORD = "a-brand-new-passphrase"


def _stored(app, user_id: int) -> User:
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


def _translated(app, text: str, locale: str) -> str:
    with app.test_request_context(), force_locale(locale):
        return gettext(text)


def _html_lang(html: str) -> str:
    return re.search(r'<html lang="([^"]+)"', html).group(1)


@pytest.fixture
def me(app, login_as) -> int:
    """The client is signed in as a rep who reads English."""
    user_id = login_as("rep", email="me@test.qiao")
    with app.app_context():
        db.session.execute(update(User).where(User.id == user_id).values(language="en"))
        db.session.commit()
        db.session.remove()
    return user_id


def _settings(language: str = "en", font_size: str = "normal") -> dict:
    return {"language": language, "font_size": font_size}


def test_language_choice_is_stored_and_changes_the_page(app, client, me):
    response = client.post("/profile", data=_settings(language="zh_CN"))
    assert response.status_code == 302
    assert _stored(app, me).language == "zh_CN"
    chinese = client.get("/profile").get_data(as_text=True)
    assert _html_lang(chinese) == "zh-CN"
    heading = _translated(app, "Your settings", "zh_Hans_CN")
    assert heading != "Your settings" and heading in chinese

    assert client.post("/profile", data=_settings(language="en")).status_code == 302
    assert _stored(app, me).language == "en"
    english = client.get("/profile").get_data(as_text=True)
    assert _html_lang(english) == "en"
    assert "Your settings" in english


def test_unknown_language_is_refused(app, client, me):
    response = client.post("/profile", data=_settings(language="xx"))
    assert response.status_code == 422
    assert _stored(app, me).language == "en"


@pytest.mark.parametrize("size", ["large", "xlarge", "normal"])
def test_font_size_is_saved_and_shown_as_body_class(app, client, me, size):
    if size == "normal":  # start from another size, so saving "normal" is a change
        client.post("/profile", data=_settings(font_size="large"))
    response = client.post("/profile", data=_settings(font_size=size))
    assert response.status_code == 302
    assert _stored(app, me).font_size == size
    html = client.get("/").get_data(as_text=True)
    assert re.search(r'<body class="font-([a-z]+)"', html).group(1) == size


def test_unknown_font_size_is_refused(app, client, me):
    response = client.post("/profile", data=_settings(font_size="huge"))
    assert response.status_code == 422
    assert _stored(app, me).font_size == "normal"


def _change(client, current: str, new: str, confirm: str | None = None):
    return client.post("/profile/password", data={
        "current": current, "new": new, "confirm": new if confirm is None else confirm})


@pytest.mark.parametrize(("current", "new", "confirm", "message"), [
    ("not-my-password", NEW_PASSWORD, None, "The current password is wrong."),
    (TEST_PASSWORD, "short", None, "Use 10 to 200 characters."),
    (TEST_PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x", "The two new passwords differ."),
])
def test_password_change_refused(app, client, me, current, new, confirm, message):
    before = _stored(app, me).password_hash
    response = _change(client, current, new, confirm)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _stored(app, me).password_hash == before
    assert client.get("/profile").status_code == 200  # still signed in


def test_password_change_ends_other_sessions_and_new_password_works(app, client, me):
    phone = app.test_client()
    sign_in(phone, me)
    assert phone.get("/").status_code == 200

    response = _change(client, TEST_PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302
    assert client.get("/profile").status_code == 200  # this session goes on

    logged_out = phone.get("/")
    assert logged_out.status_code == 302
    assert logged_out.headers["Location"].startswith("/login")

    stranger = app.test_client()
    old = stranger.post("/login", data={"email": "me@test.qiao", "password": TEST_PASSWORD})
    assert old.status_code == 422
    new = stranger.post("/login", data={"email": "me@test.qiao", "password": NEW_PASSWORD})
    assert new.status_code == 302
    assert stranger.get("/").status_code == 200
