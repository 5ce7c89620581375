"""Health endpoints: liveness, and readiness that fails fast and cleanly when a backend is down."""

from __future__ import annotations

import time

import pytest

from crm import create_app
from crm.extensions import db
from tests.conftest import SECRET

DEAD_REDIS = "redis://127.0.0.1:1"  # nothing listens on port 1


def test_healthz_answers_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_readyz_reports_database_and_redis_ok(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "redis": "ok"}


@pytest.fixture
def make_app(app):
    """Second apps on other backends; their engines are closed afterwards."""
    made = []

    def make(database_uri: str, redis_url: str):
        other = create_app({
            "TESTING": True, "SQLALCHEMY_DATABASE_URI": database_uri,
            "CRM": {"REDIS_URL": redis_url, "SECRET_KEY": SECRET},
        })
        made.append(other)
        return other

    yield make
    for other in made:
        with other.app_context():
            db.engine.dispose()


def _ready(other):
    started = time.monotonic()
    response = other.test_client().get("/readyz")
    return response, time.monotonic() - started


def test_readyz_answers_503_quickly_when_redis_is_down(app, make_app):
    other = make_app(app.config["SQLALCHEMY_DATABASE_URI"], DEAD_REDIS)
    response, elapsed = _ready(other)
    assert response.status_code == 503
    assert elapsed < 3
    assert response.mimetype == "application/json"
    assert response.get_json() == {"status": "unavailable", "database": "ok", "redis": "error"}
    assert "Traceback" not in response.get_data(as_text=True)


def test_readyz_answers_503_when_the_database_is_unreachable(app, make_app, redis_url,
                                                             tmp_path):
    missing = tmp_path / "no-such-dir" / "crm.sqlite3"
    other = make_app(f"sqlite:///{missing}", redis_url)
    response, elapsed = _ready(other)
    assert response.status_code == 503
    assert elapsed < 3
    assert response.get_json() == {"status": "unavailable", "database": "error", "redis": "ok"}


def test_pages_still_work_while_redis_is_down(app, make_app, make_user):
    """Only the System page talks to Redis; it must say so, not fail."""
    from tests.conftest import sign_in

    admin_id = make_user("admin", team=None)
    other = make_app(app.config["SQLALCHEMY_DATABASE_URI"], DEAD_REDIS)
    browser = other.test_client()
    sign_in(browser, admin_id)
    assert browser.get("/").status_code == 200
    system = browser.get("/admin/system")
    assert system.status_code == 200
    assert 'id="redis-state" class="bad"' in system.get_data(as_text=True)
