"""Signing in and out in a real browser, on a phone-size and a desktop viewport."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from crm.extensions import db
from crm.models import User
from tests.browser.conftest import screenshot
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.browser


def _email(app, user_id: int) -> str:
    with app.app_context():
        return db.session.get(User, user_id).email


def _sign_in(page, base: str, email: str, password: str = TEST_PASSWORD) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit].primary")


def test_phone_sign_in_menu_and_sign_out(app, live_server, page_for, make_user):
    email = _email(app, make_user("admin", name="Ada Admin"))
    page = page_for("phone")
    _sign_in(page, live_server, email)
    page.wait_for_selector("h1:has-text('My day')")  # signed in: the home page
    expect(page.locator(".nav-user")).to_have_text("Ada Admin")
    # On a phone the navigation sits behind the menu button.
    assert not page.is_visible("text=Sign out")
    page.click("button.nav-burger")
    expect(page.locator("button.nav-burger")).to_have_attribute("aria-expanded", "true")
    assert page.is_visible("text=Sign out")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"page scrolls sideways on a phone ({width}px)"
    screenshot(page, "phone-home")
    page.click("text=Sign out")
    page.wait_for_url(f"{live_server}/login")
    page.goto(f"{live_server}/")
    assert "/login" in page.url
    assert page.console_errors == []


def test_desktop_sign_in_wrong_password_then_right(app, live_server, page_for, make_user):
    email = _email(app, make_user("rep", name="Rita Rep"))
    page = page_for("desktop")
    _sign_in(page, live_server, email, "wrong-password")
    assert page.is_visible("text=Wrong email or password")
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_selector("h1:has-text('My day')")  # signed in: the home page
    expect(page.locator(".nav-user")).to_have_text("Rita Rep")
    assert page.is_visible("text=Sign out")  # desktop shows the navigation
    screenshot(page, "desktop-home")
    assert page.console_errors == []


def test_desktop_language_switch_to_chinese_and_back(app, live_server, page_for, make_user):
    email = _email(app, make_user("rep", name="Lang User"))
    page = page_for("desktop")
    _sign_in(page, live_server, email)
    page.wait_for_selector("h1:has-text('My day')")  # signed in: the home page
    expect(page.locator(".nav-user")).to_have_text("Lang User")
    page.goto(f"{live_server}/profile")
    page.select_option("select[name=language]", "zh_CN")
    page.click("form[action='/profile'] button[type=submit]")
    page.wait_for_selector("html[lang=zh-CN]")
    assert page.is_visible("text=退出")
    page.select_option("select[name=language]", "en")
    page.click("form[action='/profile'] button[type=submit]")
    page.wait_for_selector("html[lang=en]")
    assert page.is_visible("text=Sign out")
    assert page.console_errors == []
