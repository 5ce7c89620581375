"""Login sessions: the user loader and the idle / absolute time limits.

The signed cookie holds the login-session id (a row in user_session) and two times: when
the login started and when the user was last seen. Revoking the row (logout, deactivation,
password change) ends the session at once on every device that holds the cookie.
"""

from __future__ import annotations

import time

from flask import current_app, request, session
from flask_login import LoginManager, current_user, login_user, logout_user

from crm.extensions import db
from crm.services import auth

SEEN_RESOLUTION = 60  # seconds: refresh the last-seen time at most once a minute


def init_login_manager(manager: LoginManager) -> None:
    manager.session_protection = None  # phones change IP; the session row is the protection
    manager.user_loader(auth.load_session_user)


def begin(user, remember: bool) -> None:
    """Start a fresh session for `user` (the old cookie content is discarded)."""
    sid = auth.start_session(user, request.remote_addr, request.headers.get("User-Agent"))
    session.clear()
    user.session_id = sid
    login_user(user)
    now = int(time.time())
    session.permanent = True
    session["crm_started"] = now
    session["crm_seen"] = now
    session["crm_remember"] = bool(remember)


def end() -> None:
    """Log out: revoke the session row and clear the cookie."""
    if current_user.is_authenticated and current_user.session_id:
        auth.revoke_session(current_user.session_id)
        db.session.commit()
    logout_user()
    session.clear()


def _expired(now: int) -> bool:
    cfg = current_app.config["CRM"]
    started = int(session.get("crm_started", 0))
    seen = int(session.get("crm_seen", 0))
    if session.get("crm_remember"):
        return now - started > int(cfg["REMEMBER_DAYS"]) * 86400
    if now - started > int(cfg["SESSION_ABSOLUTE_HOURS"]) * 3600:
        return True
    return now - seen > int(cfg["SESSION_IDLE_MINUTES"]) * 60


def check_session_limits() -> None:
    """before_request: end sessions past their idle or absolute limit."""
    if request.endpoint == "static" or "_user_id" not in session:
        return
    now = int(time.time())
    if _expired(now):
        end()
        session["_expired"] = True
        return
    if now - int(session.get("crm_seen", 0)) >= SEEN_RESOLUTION:
        session["crm_seen"] = now
