"""Email through the outbox, against a real SMTP server (aiosmtpd) started here: a reminder
arrives once however often the sweeps run; a refused connection is retried with backoff
and ends failed with its reason on the admin page; a send cut off by a dead worker is not
repeated (at most once); the test email; the password never shown; the daily digest."""

from __future__ import annotations

import email as email_lib
import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select, update

from crm.database import utcnow
from crm.extensions import db
from crm.jobs.claims import claim_due
from crm.jobs.email import queue_digests, send_due_email
from crm.jobs.reminders import deliver_due_reminders
from crm.models import AuditLog, Outbox, User
from crm.services import email
from tests.blueprints.customer_helpers import make_company
from tests.jobs.test_reminders import _due_reminders

SECRET_PASSWORD = "s3cret-smtp-Pa55"


class Inbox:
    def __init__(self):
        self.messages: list[email_lib.message.Message] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append(email_lib.message_from_bytes(envelope.content))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    inbox.port = controller.port
    inbox.controller = controller
    yield inbox
    try:
        controller.stop()
    except AssertionError:  # stopped by the test already
        pass


def _configure(app, port: int, password: str = "") -> None:
    with app.app_context():
        email.save_settings({"host": "127.0.0.1", "port": str(port), "security": "none",
                             "user": "", "password": password,
                             "from_addr": "crm@example.com"})
        db.session.commit()
        db.session.remove()


def _outbox(app) -> list[Outbox]:
    with app.app_context():
        rows = list(db.session.scalars(select(Outbox).order_by(Outbox.id)))
        db.session.expunge_all()
        db.session.remove()
    return rows


def _sweep(app) -> int:
    with app.app_context():
        sent = send_due_email("t")
        db.session.remove()
    return sent


def test_a_reminder_arrives_by_email_exactly_once(app, make_user, smtp):
    _configure(app, smtp.port)
    rep = make_user("rep", email="rep@qiao.test")
    company = make_company(app, rep, "Harbour Logistics")
    _due_reminders(app, rep, company, 1)
    with app.app_context():
        assert deliver_due_reminders("t1") == 1
        assert deliver_due_reminders("t2") == 0
        db.session.remove()
    assert _sweep(app) == 1
    assert _sweep(app) == 0
    assert len(smtp.messages) == 1
    (row,) = _outbox(app)
    message = smtp.messages[0]
    assert message["To"] == "rep@qiao.test"
    assert message["Message-ID"] == row.message_id
    assert "Harbour Logistics" in message["Subject"]
    assert row.status == "sent" and row.sent_at is not None and row.handled_at is not None


def test_the_email_is_in_the_users_language(app, make_user, smtp):
    _configure(app, smtp.port)
    rep = make_user("rep")
    with app.app_context():
        db.session.execute(update(User).where(User.id == rep).values(language="zh_CN"))
        db.session.commit()
    company = make_company(app, rep, "杭州小鹿茶饮有限公司")
    _due_reminders(app, rep, company, 1)
    with app.app_context():
        deliver_due_reminders("t1")
        db.session.remove()
    (row,) = _outbox(app)
    assert "杭州小鹿茶饮有限公司" in row.subject
    assert "联系" in row.body


def test_no_email_for_a_muted_kind_or_without_smtp(app, make_user, smtp):
    rep = make_user("rep")
    company = make_company(app, rep, "Quiet Ltd")
    _due_reminders(app, rep, company, 1)
    with app.app_context():
        deliver_due_reminders("t1")  # SMTP not set up: the bell only
        db.session.remove()
    assert _outbox(app) == []
    _configure(app, smtp.port)
    with app.app_context():
        db.session.execute(update(User).where(User.id == rep).values(
            email_muted="next_contact"))
        db.session.commit()
    _due_reminders(app, rep, company, 1)
    with app.app_context():
        assert deliver_due_reminders("t2") == 1
        db.session.remove()
    assert _outbox(app) == []


def test_a_refused_connection_retries_with_backoff_then_fails_with_the_reason(
        app, make_user, login_as, client):
    _configure(app, _free_port())  # nothing listens there: connection refused
    admin = login_as("admin")
    with app.app_context():
        email.queue("someone@qiao.test", "Hello", "Body", "test:1", user_id=admin)
        db.session.commit()
    waits = []
    for attempt in range(1, email.MAX_ATTEMPTS + 1):
        before = utcnow()
        assert _sweep(app) == 0
        (row,) = _outbox(app)
        assert row.attempts == attempt
        assert "refused the connection" in row.last_error
        if attempt < email.MAX_ATTEMPTS:
            assert row.status == "pending" and row.handled_at is None
            waits.append(round((row.due_at - before).total_seconds() / 60))
            assert _sweep(app) == 0, "not due again before its backoff"
            assert _outbox(app)[0].attempts == attempt
            with app.app_context():
                db.session.execute(update(Outbox).values(due_at=utcnow()))
                db.session.commit()
    assert waits == [1, 5, 30, 120]
    assert row.status == "failed" and row.handled_at is not None
    page = client.get("/admin/email").get_data(as_text=True)
    assert "refused the connection" in page and "someone@qiao.test" in page


def test_a_send_cut_off_by_a_dead_worker_is_not_repeated(app, make_user, smtp):
    """At most once: the row was "sending" when its worker died; the server may have
    accepted it, so the next worker marks it failed instead of sending a second copy."""
    _configure(app, smtp.port)
    with app.app_context():
        email.queue("someone@qiao.test", "Hello", "Body", "test:2")
        db.session.commit()
        token, ids = claim_due(Outbox)
        db.session.execute(update(Outbox).values(status="sending"))
        db.session.commit()  # ... and the worker is killed here
        assert send_due_email("t") == 0, "the dead worker's lease is still running"
        db.session.execute(update(Outbox).values(claimed_at=utcnow() - timedelta(minutes=11)))
        db.session.commit()
        assert send_due_email("t") == 0
        db.session.remove()
    assert smtp.messages == []
    (row,) = _outbox(app)
    assert row.status == "failed" and "not sent again" in row.last_error


def test_the_same_source_is_queued_once(app, smtp):
    _configure(app, smtp.port)
    with app.app_context():
        assert email.queue("a@qiao.test", "S", "B", "test:3")
        assert not email.queue("a@qiao.test", "S", "B", "test:3")
        db.session.commit()
    assert len(_outbox(app)) == 1


def test_admin_saves_smtp_and_sends_a_test_email(app, login_as, client, smtp):
    admin = login_as("admin", email="boss@example.com")
    response = client.post("/admin/email", data={
        "host": "127.0.0.1", "port": str(smtp.port), "security": "none", "user": "mailer",
        "password": SECRET_PASSWORD, "from_addr": "crm@example.com"})
    assert response.status_code == 302
    page = client.get("/admin/email").get_data(as_text=True)
    assert "Set. Leave blank to keep it." in page
    # a blank password keeps the saved one
    client.post("/admin/email", data={
        "host": "127.0.0.1", "port": str(smtp.port), "security": "none", "user": "",
        "password": "", "from_addr": "crm@example.com"})
    with app.app_context():
        assert email.smtp_config().password == SECRET_PASSWORD
    response = client.post("/admin/email/test", follow_redirects=True)
    assert "A test email was sent to boss@example.com." in response.get_data(as_text=True)
    assert len(smtp.messages) == 1 and smtp.messages[0]["To"] == "boss@example.com"

    smtp.controller.stop()
    response = client.post("/admin/email/test", follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "The test email could not be sent" in text and "refused the connection" in text

    for url in ("/admin/email", "/admin/audit", "/profile"):
        assert SECRET_PASSWORD not in client.get(url).get_data(as_text=True)
    with app.app_context():
        for row in db.session.scalars(select(AuditLog)):
            assert SECRET_PASSWORD not in repr((row.summary, row.changes))
        actions = [r.action for r in db.session.scalars(
            select(AuditLog).where(AuditLog.user_id == admin))]
        assert actions.count("smtp.update") == 2 and actions.count("smtp.test") == 2


@pytest.mark.parametrize("data, message", [
    ({"port": "99999"}, "Enter a port from 1 to 65535."),
    ({"port": "abc"}, "Port"),
    ({"host": ""}, "Enter the SMTP server"),
    ({"from_addr": "not-an-address"}, "Enter a valid email address"),
    ({"security": "tls9"}, "Security"),
])
def test_bad_smtp_settings_are_refused_and_nothing_is_saved(app, login_as, client, data,
                                                            message):
    login_as("admin")
    form = {"host": "mail.qiao.test", "port": "587", "security": "starttls", "user": "",
            "password": "", "from_addr": "crm@example.com", **data}
    response = client.post("/admin/email", data=form)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert email.stored_settings() == {}


def test_only_admins_see_the_email_settings(login_as, client):
    login_as("manager")
    assert client.get("/admin/email").status_code in (403, 404)


def test_a_user_chooses_email_kinds_and_the_digest(app, login_as, client):
    rep = login_as("rep")
    response = client.post("/profile/email", data={"transfer_request": "y",
                                                   "digest_hour": "8"})
    assert response.status_code == 302
    with app.app_context():
        user = db.session.get(User, rep)
        assert user.email_muted == "next_contact" and user.digest_hour == 8
    assert client.post("/profile/email", data={"digest_hour": "25"}).status_code == 422
    page = client.get("/profile").get_data(as_text=True)
    assert 'value="8" selected' in page or "selected value=\"8\"" in page


def test_the_digest_lists_todays_plans_once(app, make_user, smtp):
    _configure(app, smtp.port)
    rep = make_user("rep", email="rep@qiao.test")
    other = make_user("rep", email="other@qiao.test")
    company = make_company(app, rep, "Morning Tea Co")
    later = make_company(app, rep, "Next Week Ltd")
    _due_reminders(app, rep, company, 1, minutes_ago=-1)  # in a minute: today
    _due_reminders(app, rep, later, 1, minutes_ago=-60 * 24 * 7)
    with app.app_context():
        db.session.execute(update(User).where(User.id == rep).values(digest_hour=0))
        db.session.commit()
        assert queue_digests("t") == 1
        assert queue_digests("t") == 0
        db.session.remove()
    assert _sweep(app) == 1
    (message,) = smtp.messages
    body = message.get_payload(decode=True).decode()
    assert message["To"] == "rep@qiao.test"
    assert "Morning Tea Co" in body and "Next Week Ltd" not in body
    assert all(row.user_id != other for row in _outbox(app))


@pytest.mark.parametrize("name", ["host", "port", "security", "user", "password",
                                  "from_addr"])
def test_hostile_values_in_the_smtp_form_never_fail_and_save_nothing_half(
        app, login_as, client, name):
    from tests.reliability.test_malformed_input import malformed

    login_as("admin")
    base = {"host": "mail.example.com", "port": "587", "security": "starttls",
            "user": "u", "password": "", "from_addr": "crm@example.com"}
    for value in malformed(seed=len(name), n=60):
        response = client.post("/admin/email", data={**base, name: value})
        assert response.status_code in (302, 400, 422), (name, value[:40])
        with app.app_context():
            saved = email.stored_settings()
            db.session.remove()
        if response.status_code != 302:
            assert saved.get(name) != value
        elif saved:
            assert saved["host"] == "mail.example.com" and saved["from_addr"] == "crm@example.com"


def test_an_environment_variable_overrides_the_saved_setting(app, login_as, client, smtp):
    _configure(app, 1)  # saved: a port nothing listens on
    login_as("admin", email="boss@example.com")
    before = app.config["CRM"].get("SMTP_PORT", "")
    app.config["CRM"]["SMTP_PORT"] = str(smtp.port)
    try:
        page = client.get("/admin/email").get_data(as_text=True)
        assert "CRM_SMTP_PORT" in page
        response = client.post("/admin/email/test", follow_redirects=True)
        assert "A test email was sent" in response.get_data(as_text=True)
    finally:
        app.config["CRM"]["SMTP_PORT"] = before
    assert len(smtp.messages) == 1
