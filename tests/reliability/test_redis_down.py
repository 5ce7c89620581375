"""Redis stopped: pages keep working (no server error), readiness says what is wrong."""

from __future__ import annotations

from crm import create_app
from tests.conftest import CrmClient, sign_in


def _app_without_redis(app):
    crm = dict(app.config["CRM"], REDIS_URL="redis://127.0.0.1:1/0")
    other = create_app({"TESTING": True, "CRM": crm,
                        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    other.test_client_class = CrmClient
    return other


def test_every_page_answers_without_redis(app, make_user):
    other = _app_without_redis(app)
    client = other.test_client()
    sign_in(client, make_user("admin"))
    pages = [r.rule for r in other.url_map.iter_rules()
             if "GET" in r.methods and not r.arguments and r.endpoint != "static"]
    assert "/admin/system" in pages
    for url in pages:
        response = client.get(url)
        assert response.status_code < 500 or url == "/readyz", (url, response.status_code)
    system = client.get("/admin/system").data.decode()
    assert "unreachable" in system
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.json["redis"] == "error"


def test_enqueue_without_redis_reports_false_and_the_clock_still_ticks(app):
    from crm.extensions import db
    from crm.jobs.system import run_sweeps
    from crm.services.system import state

    other = _app_without_redis(app)
    with other.app_context():
        run_sweeps()  # must not raise: the tick is a database row, the job waits for Redis
        assert state("clock.tick") is not None
        db.session.remove()
