"""Sign-in, sessions and throttling as a user meets them."""

from __future__ import annotations

import re
import time
from datetime import timedelta

from sqlalchemy import func, select, update

from crm.database import utcnow
from crm.extensions import db
from crm.models import AuditLog, LoginFailure, User, UserSession
from tests.conftest import TEST_PASSWORD


def _email(app, user_id: int) -> str:
    with app.app_context():
        return db.session.get(User, user_id).email


def _login(client, email: str, password: str = TEST_PASSWORD, **kw):
    return client.post("/login", data={"email": email, "password": password}, **kw)


def test_right_password_signs_in_and_rotates_the_session(app, client, make_user):
    email = _email(app, make_user("rep"))
    client.get("/login")
    with client.session_transaction() as sess:
        sess["_user_id"] = "planted-by-attacker"
    response = _login(client, email)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    with client.session_transaction() as sess:
        sid = sess["_user_id"]
    assert sid != "planted-by-attacker" and len(sid) >= 32
    assert client.get("/").status_code == 200
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditLog)
                                 .where(AuditLog.action == "login")) == 1


def test_second_login_gets_a_new_session_id(app, client, make_user):
    email = _email(app, make_user("rep"))
    _login(client, email)
    with client.session_transaction() as sess:
        first = sess["_user_id"]
    client.post("/logout")
    _login(client, email)
    with client.session_transaction() as sess:
        assert sess["_user_id"] != first


def test_wrong_password_and_unknown_user_get_the_same_clear_message(app, client, make_user):
    email = _email(app, make_user("rep"))
    wrong = _login(client, email, "not-the-password")
    unknown = _login(client, "nobody@example.com")
    for response in (wrong, unknown):
        assert response.status_code == 422
        assert b"Wrong email or password" in response.data
    assert client.get("/").status_code == 302


def test_empty_form_names_the_missing_fields(client):
    response = client.post("/login", data={})
    assert response.status_code == 422
    assert b"Enter your email." in response.data and b"Enter your password." in response.data


def test_deactivated_user_is_told_so(app, client, make_user):
    email = _email(app, make_user("rep", active=False))
    response = _login(client, email)
    assert response.status_code == 422
    assert b"deactivated" in response.data


def test_account_throttled_after_ten_failures_then_works_after_window(app, client, make_user):
    email = _email(app, make_user("rep"))
    for i in range(10):
        # Different addresses, so only the per-account limit applies.
        _login(client, email, "bad", environ_base={"REMOTE_ADDR": f"10.0.0.{i}"})
    blocked = _login(client, email, environ_base={"REMOTE_ADDR": "10.0.1.1"})
    assert blocked.status_code == 429
    assert b"Too many failed sign-ins" in blocked.data
    with app.app_context():
        old = utcnow() - timedelta(minutes=16)
        db.session.execute(update(LoginFailure).values(at=old))
        db.session.commit()
    assert _login(client, email, environ_base={"REMOTE_ADDR": "10.0.1.1"}).status_code == 302


def test_throttled_account_checks_no_password(app, client, make_user):
    """At most 10 password checks per account per window: the 11th try is refused unchecked."""
    email = _email(app, make_user("rep"))
    for i in range(10):
        _login(client, email, "bad", environ_base={"REMOTE_ADDR": f"10.0.2.{i}"})
    with app.app_context():
        failures = db.session.scalar(select(func.count()).select_from(LoginFailure))
    for _ in range(5):
        _login(client, email, "bad", environ_base={"REMOTE_ADDR": "10.0.3.1"})
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LoginFailure)) == failures


def test_ip_throttled_after_ten_failures_per_minute(app, client, make_user):
    email = _email(app, make_user("rep"))
    for i in range(10):
        _login(client, f"someone{i}@example.com", "bad")
    assert _login(client, email).status_code == 429
    with app.app_context():
        db.session.execute(update(LoginFailure).values(at=utcnow() - timedelta(seconds=61)))
        db.session.commit()
    assert _login(client, email).status_code == 302


def test_cookie_captured_before_logout_is_dead_after(app, client, make_user):
    email = _email(app, make_user("rep"))
    _login(client, email)
    with client.session_transaction() as sess:
        captured = dict(sess)
    client.post("/logout")
    thief = app.test_client()
    with thief.session_transaction() as sess:
        sess.update(captured)
    assert thief.get("/").status_code == 302
    with app.app_context():
        row = db.session.get(UserSession, captured["_user_id"])
        assert row.revoked_at is not None


def _age_session(client, **fields):
    with client.session_transaction() as sess:
        for key, seconds_ago in fields.items():
            sess[key] = int(time.time()) - seconds_ago


def test_idle_session_expires_after_30_minutes(client, login_as):
    login_as("rep")
    _age_session(client, crm_seen=29 * 60)
    assert client.get("/").status_code == 200
    _age_session(client, crm_seen=31 * 60)
    response = client.get("/")
    assert response.status_code == 302 and "expired=1" in response.headers["Location"]
    assert b"session ended" in client.get(response.headers["Location"]).data


def test_absolute_limit_of_12_hours_even_when_active(client, login_as):
    login_as("rep")
    _age_session(client, crm_started=12 * 3600 + 60, crm_seen=10)
    assert client.get("/").status_code == 302


def test_remember_me_keeps_the_session_for_at_most_30_days(app, client, make_user):
    email = _email(app, make_user("rep"))
    client.post("/login", data={"email": email, "password": TEST_PASSWORD, "remember": "y"})
    _age_session(client, crm_started=20 * 86400, crm_seen=5 * 3600)
    assert client.get("/").status_code == 200
    _age_session(client, crm_started=31 * 86400, crm_seen=60)
    assert client.get("/").status_code == 302


def test_session_cookie_flags(app, client, make_user):
    email = _email(app, make_user("rep"))
    response = _login(client, email)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_login_without_csrf_token_is_refused(app, client, make_user):
    email = _email(app, make_user("rep"))
    response = _login(client, email, csrf=False)
    assert response.status_code == 400
    assert b"Reload the page" in response.data
    assert client.get("/").status_code == 302


def test_next_only_follows_local_paths(app, client, make_user):
    email = _email(app, make_user("rep"))
    response = client.post("/login?next=//evil.example/x",
                           data={"email": email, "password": TEST_PASSWORD})
    assert response.headers["Location"] == "/"
    client.post("/logout")
    response = client.post("/login?next=/profile",
                           data={"email": email, "password": TEST_PASSWORD})
    assert response.headers["Location"] == "/profile"


def test_anonymous_page_request_redirects_to_login_with_next(client):
    response = client.get("/profile")
    assert response.status_code == 302
    assert re.search(r"/login\?next=/profile", response.headers["Location"])


def test_anonymous_htmx_request_gets_401_and_hx_redirect(hx):
    response = hx.get("/profile")
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/login"


def test_language_choice_before_signing_in(client):
    client.post("/language", data={"lang": "en", "next": "/login"})
    assert b'lang="en"' in client.get("/login").data
    client.post("/language", data={"lang": "zh_CN", "next": "/login"})
    assert b'lang="zh-CN"' in client.get("/login").data
    client.post("/language", data={"lang": "xx", "next": "/login"})
    assert b'lang="zh-CN"' in client.get("/login").data


def test_password_hashes_are_argon2id(app, make_user):
    user_id = make_user("rep")
    with app.app_context():
        assert db.session.get(User, user_id).password_hash.startswith("$argon2id$")


def test_session_cookie_is_secure_over_https(app, client, make_user):
    email = _email(app, make_user("rep"))
    # Over HTTPS the CSRF check also wants a same-origin Referer, as browsers send.
    response = client.post("/login", base_url="https://localhost",
                           headers={"Referer": "https://localhost/login"},
                           data={"email": email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert "Secure" in response.headers["Set-Cookie"]
    plain = app.test_client()
    assert "Secure" not in plain.get("/login").headers.get("Set-Cookie", "")
