"""Passwords (argon2id), login throttling and login sessions."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import func, select, update

from crm.database import utcnow
from crm.extensions import db
from crm.models import LoginFailure, User, UserSession
from crm.services import audit, limits

_hasher = PasswordHasher()  # argon2id with the library's defaults (meet OWASP guidance)
# Verified against when the account does not exist, so timing does not reveal which emails exist.
_DUMMY_HASH = _hasher.hash("not-a-real-password")

MIN_PASSWORD_LENGTH = 10


class LoginRefused(Exception):
    """Login failed; `reason` is 'invalid', 'inactive' or 'throttled'."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def _failures_since(column, value: str, seconds: int) -> int:
    since = utcnow() - timedelta(seconds=seconds)
    stmt = select(func.count()).select_from(LoginFailure).where(
        column == value, LoginFailure.at >= since
    )
    return db.session.scalar(stmt) or 0


def _fail(email: str, ip: str, reason: str, note: str | None = None,
          user_id: int | None = None) -> LoginRefused:
    db.session.add(LoginFailure(email=email, ip=ip))
    audit.record(db.session, "login_failed", entity="user", entity_id=user_id,
                 summary=f"{email} ({note or reason})")
    db.session.commit()
    return LoginRefused(reason)


@contextlib.contextmanager
def _password_check(email: str, ip: str, note: str = "throttled",
                    user_id: int | None = None) -> Iterator[None]:
    """Run one password check inside the block, or raise LoginRefused('throttled')
    (audited) when the account or the address has used up its failures in the window.

    The failures are rows in the database; `limits.admit` counts the checks in flight in
    Redis too, so parallel checks (several web processes) never exceed the limit. A failed
    check must commit its LoginFailure inside the block (`_fail` does)."""
    cfg = current_app.config["CRM"]
    account_window = int(cfg["LOGIN_ACCOUNT_WINDOW_MINUTES"]) * 60
    ip_window = int(cfg["LOGIN_IP_WINDOW_SECONDS"])
    with limits.admit(f"login:account:{email}", int(cfg["LOGIN_MAX_FAILURES_PER_ACCOUNT"]),
                      lambda: _failures_since(LoginFailure.email, email, account_window)
                      ) as account_ok, \
            limits.admit(f"login:ip:{ip}", int(cfg["LOGIN_MAX_FAILURES_PER_IP"]),
                         lambda: _failures_since(LoginFailure.ip, ip, ip_window)) as ip_ok:
        if not (account_ok and ip_ok):
            audit.record(db.session, "login_failed", entity="user", entity_id=user_id,
                         summary=f"{email} ({note})")
            db.session.commit()
            raise LoginRefused("throttled")
        yield


def authenticate(email: str, password: str, ip: str) -> User:
    """Check the credentials; commits a failure row and raises LoginRefused when they fail."""
    email = normalize_email(email)
    with _password_check(email, ip):
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            verify_password(_DUMMY_HASH, password)
            raise _fail(email, ip, "invalid")
        if not verify_password(user.password_hash, password):
            raise _fail(email, ip, "invalid")
        if not user.is_active:
            raise _fail(email, ip, "inactive")
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def start_session(user: User, ip: str | None, user_agent: str | None) -> str:
    """Create a fresh login session (a new id at every login) and audit the login."""
    sid = secrets.token_urlsafe(32)
    db.session.add(UserSession(id=sid, user_id=user.id, ip=ip, user_agent=(user_agent or "")[:200]))
    db.session.execute(
        update(User).where(User.id == user.id).values(last_login_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    audit.record(db.session, "login", entity="user", entity_id=user.id, summary=user.email,
                 user_id=user.id)
    db.session.commit()
    user.session_id = sid
    return sid


def revoke_session(sid: str) -> None:
    db.session.execute(
        update(UserSession).where(UserSession.id == sid, UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def revoke_all_sessions(user_id: int, keep: str | None = None) -> None:
    """End every login session of a user (deactivation, password change), except `keep`."""
    stmt = update(UserSession).where(
        UserSession.user_id == user_id, UserSession.revoked_at.is_(None)
    )
    if keep:
        stmt = stmt.where(UserSession.id != keep)
    db.session.execute(stmt.values(revoked_at=utcnow()))


def load_session_user(sid: str) -> User | None:
    """The active user of a live login session, in one query."""
    stmt = (
        select(User).join(UserSession, UserSession.user_id == User.id)
        .where(UserSession.id == sid, UserSession.revoked_at.is_(None), User.is_active.is_(True))
    )
    user = db.session.scalar(stmt)
    if user is not None:
        user.session_id = sid
    return user


def check_current_password(user: User, password: str, ip: str) -> None:
    """The password form's current-password check: throttled and audited like sign-in (the
    same per-account and per-address limits, failures counted together), so a stolen
    session cannot guess the password either. Raises LoginRefused('invalid'/'throttled')."""
    with _password_check(user.email, ip, "throttled, password change", user.id):
        if not verify_password(user.password_hash, password):
            raise _fail(user.email, ip, "invalid", "wrong current password", user.id)


def change_password(user: User, new_password: str) -> None:
    """Set a new password and end the user's other sessions."""
    user.password_hash = hash_password(new_password)
    revoke_all_sessions(user.id, keep=user.session_id)


def create_user(email: str, name: str, password: str, role: str, team_id: int | None) -> User:
    user = User(email=normalize_email(email), name=name, role=role, team_id=team_id,
                password_hash=hash_password(password))
    db.session.add(user)
    return user


def random_password() -> str:
    return secrets.token_urlsafe(12)


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))
