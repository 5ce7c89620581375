"""Keyboard only: add a company by quick add, open it, edit a field in place, add a note,
open the phone menu and sign out, with Tab, Shift-Tab, Enter and Escape; after each step
the test checks where the focus is (never on the page body)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_customers_quick_add import _email, _sign_in

pytestmark = pytest.mark.browser


def _focused(page, selector: str) -> bool:
    return page.evaluate("s => document.activeElement && document.activeElement.matches(s)",
                         selector)


def _tab_to(page, selector: str, *, back: bool = False, limit: int = 80) -> None:
    """Press Tab (or Shift-Tab) until the focus is on `selector`."""
    for _ in range(limit):
        if _focused(page, selector):
            return
        page.keyboard.press("Shift+Tab" if back else "Tab")
        assert not _focused(page, "body"), "the focus fell to the page body"
    raise AssertionError(f"{selector} not reached with {'Shift-' if back else ''}Tab")


def test_desktop_keyboard_only_quick_add_open_edit_and_note(app, live_server, page_for,
                                                            make_user):
    email = _email(app, make_user("rep", name="Key Rep"))
    page = page_for("desktop")
    _sign_in(page, live_server, email)
    page.goto(f"{live_server}/companies")
    page.keyboard.press("Tab")
    assert _focused(page, ".skip-link")
    page.keyboard.press("Enter")
    assert _focused(page, "#main")
    _tab_to(page, "#quick-add-open")
    page.keyboard.press("Enter")
    expect(page.locator("#quick-add input[name=name]")).to_be_focused()
    page.keyboard.type("Keyboard Trading Co.")
    page.keyboard.press("Tab")
    assert _focused(page, "#quick-add input[name=phone]")
    page.keyboard.type("12ab")
    page.keyboard.press("Enter")  # refused: the focus goes to the phone, marked invalid
    expect(page.locator("#quick-add input[name=phone][aria-invalid=true]")).to_be_focused()
    page.keyboard.press("Control+a")
    page.keyboard.type("138 0013 8000")
    page.keyboard.press("Enter")
    page.wait_for_selector("#record-rows tr:has-text('Keyboard Trading')")
    expect(page.locator("#quick-add input[name=name]")).to_be_focused()  # the next entry
    _tab_to(page, "#record-rows tr:first-child td:first-child a")
    page.keyboard.press("Enter")
    page.wait_for_selector("h1:has-text('Keyboard Trading')")
    _tab_to(page, "#fld-email .edit-field")
    page.keyboard.press("Enter")
    expect(page.locator("#fld-email input[name=email]")).to_be_focused()
    page.keyboard.type("not an email")
    page.keyboard.press("Enter")
    expect(page.locator("#fld-email input[name=email][aria-invalid=true]")).to_be_focused()
    page.keyboard.press("Control+a")
    page.keyboard.type("sales@keyboard.example")
    page.keyboard.press("Enter")
    expect(page.locator("#fld-email .field-value")).to_have_text("sales@keyboard.example")
    expect(page.locator("#fld-email .edit-field")).to_be_focused()  # back on its button
    _tab_to(page, "#note-form textarea[name=body]")
    page.keyboard.type("Called them, they want a quote.")
    _tab_to(page, "#note-form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector(".entry-note:has-text('they want a quote')")
    expect(page.locator("#note-form textarea[name=body]")).to_be_focused()
    _tab_to(page, "#fld-tags .edit-field", back=True)  # Shift-Tab goes back up the page
    assert page.console_errors == []


def test_phone_keyboard_only_menu_and_sign_out(app, live_server, page_for, make_user):
    email = _email(app, make_user("rep", name="Key Rep"))
    page = page_for("phone")
    _sign_in(page, live_server, email)
    menu = page.locator("#nav-toggle")
    _tab_to(page, "#nav-toggle")
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#main-nav")).to_be_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.getElementById('main-nav')"
                         ".contains(document.activeElement)")
    page.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_focused()
    page.keyboard.press("Space")
    expect(menu).to_have_attribute("aria-expanded", "true")
    _tab_to(page, "#main-nav form button")  # Sign out
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/login")
    assert page.console_errors == []


def test_desktop_menu_button_is_no_tab_stop(app, live_server, page_for, make_user):
    email = _email(app, make_user("rep", name="Key Rep"))
    page = page_for("desktop")
    _sign_in(page, live_server, email)
    expect(page.locator("#nav-toggle")).to_be_hidden()
    _tab_to(page, "#main-nav a[href='/companies']")
    for _ in range(30):
        assert not _focused(page, "#nav-toggle")
        page.keyboard.press("Tab")
