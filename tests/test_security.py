"""Security rules every route keeps: headers, no inline script, CSRF on every POST, no writes on
GET, a size limit answered cleanly, and 401 + HX-Redirect for anonymous htmx requests."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, text
from werkzeug.routing.converters import NumberConverter

from crm.extensions import db
from crm.models import AuditLog, Team

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)

# A form body that would be valid for most of our forms, so a missing check shows as a change.
PAYLOAD = {
    "email": "csrf.victim@test.qiao", "name": "Forged", "role": "admin", "team_id": "",
    "password": "long-enough-secret", "version": "1", "language": "en", "font_size": "large",
    "current": "correct-horse-battery", "new": "forged-password-1", "confirm":
    "forged-password-1", "lang": "en", "next": "/", "value": "Forged", "field": "name",
    "body": "Forged note",
}


@pytest.fixture
def admin(app, login_as) -> int:
    return login_as("admin", team="Ops", email="sec-admin@test.qiao")


def _snapshot(app) -> dict[str, list[str]]:
    """Every row of every table. Audit rows of reads (exports) are logging, not changes."""
    with app.app_context():
        rows = {}
        for table in db.metadata.sorted_tables:
            stmt = select(table)
            if table.name == AuditLog.__tablename__:
                stmt = stmt.where(table.c.action != "export")
            rows[table.name] = sorted(repr(tuple(r)) for r in db.session.execute(stmt))
        db.session.remove()
    return rows


def _ids(app, admin_id: int) -> dict[str, int]:
    with app.app_context():
        team_id = db.session.scalar(select(Team.id).where(Team.name == "Ops"))
        db.session.remove()
    return {"user_id": admin_id, "team_id": team_id}


def _url(app, rule, ids: dict[str, int]) -> str:
    values = {}
    for name, converter in rule._converters.items():
        values[name] = ids.get(name, 1) if isinstance(converter, NumberConverter) else "x"
    return app.url_map.bind("localhost").build(rule.endpoint, values)


def _rules(app, method: str, *, with_args: bool):
    for rule in app.url_map.iter_rules():
        if method in rule.methods and rule.endpoint != "static" and (
                with_args or not rule.arguments):
            yield rule


def _html_pages(app, client, admin_id):
    """Every page an admin can open without arguments, plus pages about the admin's records."""
    ids = _ids(app, admin_id)
    urls = [_url(app, rule, ids) for rule in _rules(app, "GET", with_args=True)]
    for url in urls:
        response = client.get(url)
        if response.status_code == 200 and response.mimetype == "text/html":
            yield url, response


def test_security_headers_on_pages(app, client, admin):
    anonymous = app.test_client()
    responses = [("/login", anonymous.get("/login"))] + list(_html_pages(app, client, admin))
    assert len(responses) >= 8
    for url, response in responses:
        headers = response.headers
        csp = headers.get("Content-Security-Policy", "")
        assert "script-src 'self'" in csp, url
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, url
        assert "frame-ancestors 'none'" in csp, url
        assert headers.get("X-Content-Type-Options") == "nosniff", url
        assert headers.get("X-Frame-Options") == "DENY", url
        assert "no-store" in headers.get("Cache-Control", ""), url


def test_no_inline_script_or_handler_in_any_page(app, client, admin):
    anonymous = app.test_client()
    pages = [("/login", anonymous.get("/login"))] + list(_html_pages(app, client, admin))
    seen = {url for url, _ in pages}
    assert {"/login", "/", "/profile", "/admin/users", "/admin/teams", "/admin/audit",
            "/admin/system", "/admin/users/new", f"/admin/users/{admin}/edit"} <= seen
    for url, response in pages:
        html = response.get_data(as_text=True)
        assert INLINE_SCRIPT.findall(html) == [], url
        assert INLINE_HANDLER.findall(html) == [], url
        assert "javascript:" not in html.lower(), url
        # style-src 'self' blocks inline styles too: they would silently not apply
        assert "<style" not in html and " style=" not in html, url


def test_every_post_route_rejects_a_request_without_csrf_token(app, client, admin):
    ids = _ids(app, admin)
    before = _snapshot(app)
    rules = list(_rules(app, "POST", with_args=True))
    assert len(rules) >= 10
    for rule in rules:
        url = _url(app, rule, ids)
        response = client.post(url, data=PAYLOAD, csrf=False)
        assert response.status_code == 400, (url, response.status_code)
        hx = client.post(url, data=PAYLOAD, csrf=False, headers={"HX-Request": "true"})
        assert hx.status_code == 400, (url, hx.status_code)
    assert _snapshot(app) == before
    assert client.get("/").status_code == 200  # not even logged out
    # control: with its token the same body does change data
    assert client.post("/profile", data=PAYLOAD).status_code == 302
    assert _snapshot(app) != before


def test_a_forged_csrf_token_is_rejected_too(app, client, admin):
    before = _snapshot(app)
    response = client.post("/admin/users", data={**PAYLOAD, "csrf_token": "forged"},
                           csrf=False)
    assert response.status_code == 400
    assert _snapshot(app) == before


def test_no_get_route_changes_data(app, client, admin):
    ids = _ids(app, admin)
    before = _snapshot(app)
    rules = list(_rules(app, "GET", with_args=True))
    assert len(rules) >= 10
    for rule in rules:
        url = _url(app, rule, ids)
        response = client.get(url)
        assert response.status_code < 500, (url, response.status_code)
        hx = client.get(url, headers={"HX-Request": "true"})
        assert hx.status_code < 500, (url, hx.status_code)
    assert _snapshot(app) == before


def _message(app, english: str) -> str:
    """The start of a message as the default (Chinese) interface shows it."""
    from flask_babel import force_locale, gettext

    with app.test_request_context(), force_locale(app.config["CRM"]["DEFAULT_LANGUAGE"]):
        full = gettext("The upload is too large. Choose a smaller file.")
    return full if english not in full else english


def test_oversized_body_answers_413(app, client, admin):
    too_big = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    before = _snapshot(app)
    for url in ("/profile", "/admin/users", "/login"):
        response = client.post(url, data={"name": too_big, "language": "en"})
        assert response.status_code == 413, (url, response.status_code)
        assert _message(app, "The upload is too large.") in response.get_data(as_text=True)
    upload = client.post("/admin/users", data=too_big.encode(),
                         content_type="application/octet-stream")
    assert upload.status_code in (400, 413)
    assert _snapshot(app) == before


def test_anonymous_htmx_request_gets_401_with_hx_redirect(app, hx):
    for url in ("/", "/profile", "/admin/audit?before=5"):
        response = hx.get(url)
        assert response.status_code == 401, url
        assert response.headers["HX-Redirect"] == "/login"
        assert b"<html" not in response.data
    posted = hx.post("/profile", data={"language": "en", "font_size": "large"})
    assert posted.status_code == 401
    assert posted.headers["HX-Redirect"] == "/login"


def test_anonymous_page_request_redirects_to_login(client):
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_static_files_are_served_with_nosniff(client):
    response = client.get("/static/js/app.js")
    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    response.close()


def test_sqlite_foreign_keys_are_enforced(app):
    """A row pointing at nothing is refused (the pragma is set on every connection)."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("PostgreSQL always enforces foreign keys")
    with app.app_context():
        with pytest.raises(Exception, match="FOREIGN KEY"):
            db.session.execute(text(
                "INSERT INTO user_session (id, user_id, created_at) "
                "VALUES ('x', 999999, '2026-01-01 00:00:00')"))
            db.session.commit()
        db.session.rollback()
        db.session.remove()


def test_static_urls_are_versioned_and_cached_for_a_year(app, client):
    import hashlib
    from pathlib import Path

    page = client.get("/login").get_data(as_text=True)
    css = Path(app.static_folder, "css", "app.css").read_bytes()
    version = hashlib.sha256(css).hexdigest()[:12]
    assert f"/static/css/app.css?v={version}" in page
    for path in re.findall(r'(?:src|href)="(/static/[^"]+)"', page):
        assert re.search(r"\?v=[0-9a-f]{12}$", path), path
        response = client.get(path)
        assert response.status_code == 200
        cache = response.headers["Cache-Control"]
        assert "max-age=31536000" in cache and "immutable" in cache, (path, cache)
        assert "no-store" not in cache

    # Without the version, or with an old one, the browser revalidates as before.
    for path in ("/static/css/app.css", "/static/css/app.css?v=000000000000"):
        cache = client.get(path).headers.get("Cache-Control", "")
        assert "immutable" not in cache and "max-age=31536000" not in cache, (path, cache)
    assert client.get("/static/no-such-file.css?v=abc").status_code == 404


def test_nginx_sample_sends_hsts_and_caches_versioned_static_files():
    from pathlib import Path

    conf = (Path(__file__).resolve().parent.parent / "deploy" / "nginx.conf").read_text()
    static = conf[conf.index("location /static/"):]
    static = static[:static.index("}")]
    assert 'Strict-Transport-Security "max-age=31536000" always' in conf
    assert "Strict-Transport-Security" in static  # add_header in a location is not inherited
    assert "add_header Cache-Control $qiao_static_cache" in static
    assert '"public, max-age=31536000, immutable"' in conf
    assert "expires" not in static
