"""The current-password check on the password form is throttled and audited like sign-in:
the same per-account limit, each failure in the audit log, then 429 even for the right
password until the window has passed."""

from __future__ import annotations

from sqlalchemy import func, select, update

from crm.extensions import db
from crm.models import AuditLog, LoginFailure, User
from crm.services import auth
from tests.conftest import TEST_PASSWORD

NEW_PASSWORD = "a-brand-new-passphrase"


def _change(client, current: str):
    return client.post("/profile/password", data={
        "current": current, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD})


def _password_hash(app, user_id: int) -> str:
    with app.app_context():
        return db.session.get(User, user_id).password_hash


def test_wrong_current_passwords_are_throttled_and_audited(app, client, login_as):
    user_id = login_as("rep", email="me@test.qiao")
    with app.app_context():
        db.session.execute(update(User).where(User.id == user_id).values(language="en"))
        db.session.commit()
        limit = app.config["CRM"]["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    before = _password_hash(app, user_id)
    for _ in range(limit):
        wrong = _change(client, "not-my-password")
        assert wrong.status_code == 422
        assert b"The current password is wrong." in wrong.data
    refused = _change(client, TEST_PASSWORD)  # the right one, but the account is throttled
    assert refused.status_code == 429
    assert b"Too many wrong passwords. Wait 15 minutes, then try again." in refused.data
    assert _password_hash(app, user_id) == before
    with app.app_context():
        rows = db.session.scalars(select(AuditLog).where(
            AuditLog.action == "login_failed").order_by(AuditLog.id)).all()
        assert [r.summary for r in rows] == (
            ["me@test.qiao (wrong current password)"] * limit
            + ["me@test.qiao (throttled, password change)"])
        assert {r.user_id for r in rows} == {user_id}
        assert {r.entity_id for r in rows} == {user_id}
        assert db.session.scalar(select(func.count()).select_from(LoginFailure).where(
            LoginFailure.email == "me@test.qiao")) == limit


def test_password_form_failures_count_towards_sign_in(app, client, login_as):
    """One limit per account: guesses on the form and at sign-in add up."""
    login_as("rep", email="me@test.qiao")
    limit = app.config["CRM"]["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    for _ in range(limit):
        _change(client, "not-my-password")
    with app.test_request_context():
        try:  # from another address: the account's limit, not the address's, refuses it
            auth.authenticate("me@test.qiao", TEST_PASSWORD, "10.9.9.9")
        except auth.LoginRefused as refused:
            assert refused.reason == "throttled"
        else:
            raise AssertionError("sign-in was not throttled after the form's failures")
        db.session.remove()


def test_right_current_password_still_works(app, client, login_as):
    user_id = login_as("rep", email="me@test.qiao")
    before = _password_hash(app, user_id)
    assert _change(client, "not-my-password").status_code == 422
    assert _change(client, TEST_PASSWORD).status_code == 302
    assert _password_hash(app, user_id) != before
