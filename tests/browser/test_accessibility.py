"""WCAG 2.1 AA, checked by axe-core (vendored: tests/browser/vendor/, no CDN) in Chromium on
every main page and state of each record type and the admin pages, at 360 px and desktop,
in both languages: no critical or serious violation, or the test names rule and element."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from crm.extensions import db
from crm.models import User
from crm.records import registry
from tests import factories
from tests.browser.conftest import VIEWPORTS
from tests.browser.test_customers_quick_add import _sign_in

pytestmark = pytest.mark.browser

AXE = (Path(__file__).parent / "vendor" / "axe-4.14.1.min.js").read_text()
RUN = """async () => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    resultTypes: ["violations"]});
  return result.violations
    .filter(v => v.impact === "critical" || v.impact === "serious")
    .map(v => ({rule: v.id, impact: v.impact,
                nodes: v.nodes.slice(0, 4).map(n => n.target.join(" ") + " :: " +
                                                   n.failureSummary.split("\\n")[1])}));
}"""


def _audit(page, state: str, found: list) -> None:
    """Run axe on the page as it is now; collect what it finds under the state's name."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE)
    for violation in page.evaluate(RUN):
        found.append(f"{state}: {violation['rule']} ({violation['impact']}) "
                     f"{violation['nodes']}")


def _record_states(page, live_server, rtype, record_id: int, found: list) -> None:
    base = f"{live_server}/{rtype.plural}"
    page.goto(base)
    _audit(page, f"{rtype.key} list", found)
    page.click("details.filter-sheet > summary")
    _audit(page, f"{rtype.key} filters open", found)
    page.keyboard.press("Escape")  # closes the sheet
    expect(page.locator("details.filter-sheet[open]")).to_have_count(0)
    page.click("#quick-add-open")
    page.wait_for_selector("#quick-add [autofocus]")
    if page.locator("#quick-add input[name=phone]").count():
        page.fill("#quick-add input[name=phone]", "12ab")
    page.press(f"#quick-add input[name={rtype.title_field}]", "Enter")
    page.wait_for_selector("#quick-add [aria-invalid=true]")
    _audit(page, f"{rtype.key} quick add 422", found)
    if rtype.duplicates is not None:  # the same phone as the stored record
        page.fill("#quick-add input[name=name]", "Acme Trading")
        page.fill("#quick-add input[name=phone]", SAME_PHONE)
        page.press("#quick-add input[name=name]", "Enter")
        page.wait_for_selector("#dup-prompt")
        _audit(page, f"{rtype.key} duplicate prompt", found)
    page.goto(f"{base}/{record_id}")
    _audit(page, f"{rtype.key} record page", found)
    if page.locator("#all-fields:not([open])").count():  # folded on a phone
        page.click("#all-fields > summary")
        _audit(page, f"{rtype.key} record page, all fields", found)
    _inline_422(page, rtype, found)
    page.goto(f"{base}/new")
    page.click("#record-form button[type=submit].primary")
    page.wait_for_selector(".error-summary")
    _audit(page, f"{rtype.key} full form 422", found)


def _inline_422(page, rtype, found: list) -> None:
    for spec in (s for s in rtype.fields if s.inline and s.form):
        bad = factories.INVALID.get(spec.kind.key)  # typed (a too long text cannot be)
        if bad is None or spec.kind.key in ("choice", "multi_choice", "date"):
            continue
        page.click(f"#fld-{spec.key} .edit-field")
        page.fill(f"#fld-{spec.key} [name={spec.key}]", bad)
        page.press(f"#fld-{spec.key} [name={spec.key}]", "Enter")
        page.wait_for_selector(f"#fld-{spec.key} [aria-invalid=true]")
        _audit(page, f"{rtype.key} click-to-edit 422", found)
        return


SAME_PHONE = "138 0013 8000"
ADMIN_PAGES = ("/admin/users", "/admin/users/new", "/admin/teams", "/admin/audit",
               "/admin/system", "/admin/fields/company", "/profile", "/", "/notifications")


@pytest.mark.parametrize("language", ["en", "zh_CN"])
@pytest.mark.parametrize("kind", ["phone", "desktop"])
def test_no_critical_or_serious_violation_anywhere(app, live_server, browser, make_user,
                                                   kind, language):
    admin = make_user("admin", team="Team A", name="Ada Admin")
    with app.app_context():
        user = db.session.get(User, admin)
        user.language = language
        email = user.email
        db.session.commit()
        db.session.remove()
    records = {t.key: factories.make(app, t, admin, **({"phone": SAME_PHONE}
                                                        if t.duplicates else {}))
               for t in registry.all_types()}
    context = browser.new_context(**VIEWPORTS[kind], bypass_csp=True)  # to add axe itself
    page = context.new_page()
    page.set_default_timeout(10_000)
    found: list[str] = []
    try:
        page.goto(f"{live_server}/login")
        _audit(page, "login", found)
        _sign_in(page, live_server, email)
        for rtype in registry.all_types():
            _record_states(page, live_server, rtype, records[rtype.key], found)
        for path in ADMIN_PAGES:
            page.goto(f"{live_server}{path}")
            _audit(page, path, found)
    finally:
        context.close()
    assert found == [], "\n".join(found)


def test_pages_do_not_scroll_sideways_at_320_px(app, live_server, browser, make_user,
                                                 redis_url):
    """The narrowest phones: the System page (long worker and job ids) and the lists."""
    import redis
    from rq import Worker

    # A real worker registration with a long id, as the System page lists it.
    long_id = "qiao-crm-worker-on-a-host-with-a-long-name-" + "9f2c4e1a7b" * 4
    Worker(["default"], name=long_id,
           connection=redis.Redis.from_url(redis_url)).register_birth()
    admin = make_user("admin", team="Team A", name="Ada Admin")
    with app.app_context():
        email = db.session.get(User, admin).email
        db.session.remove()
    factories.make(app, registry.get("company"), admin,
                   name="Guangzhou Very-Long-Company-Name-Without-Spaces-International Ltd")
    context = browser.new_context(viewport={"width": 320, "height": 640}, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    try:
        _sign_in(page, live_server, email)
        for path in ("/admin/system", "/companies", "/admin/audit", "/admin/fields/company"):
            page.goto(f"{live_server}{path}")
            expect(page.locator("h1")).to_be_visible()
            if path == "/admin/system":
                expect(page.locator("#workers")).to_contain_text(long_id)
            width = page.evaluate("() => document.documentElement.scrollWidth")
            assert width <= 320, f"{path} scrolls sideways at 320 px ({width} px)"
    finally:
        context.close()
