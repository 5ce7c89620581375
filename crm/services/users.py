"""User and team administration."""

from __future__ import annotations

from sqlalchemy import func, select

from crm.extensions import db
from crm.models import Team, User
from crm.services import auth
from crm.services.records import check_version


class UserRuleError(ValueError):
    """An admin change that would lock everyone out; the message says why."""


def _active_admins() -> int:
    """Active administrators, their rows locked until commit (PostgreSQL; SQLite's write
    transactions are serial already). Two admins demoting each other at the same moment
    would otherwise both count two and leave none: the second now waits, then counts one."""
    stmt = (select(User.id).where(User.role == "admin", User.is_active.is_(True))
            .with_for_update())
    return len(db.session.scalars(stmt).all())


def create(email: str, name: str, password: str, role: str, team_id: int | None) -> User:
    user = auth.create_user(email, name, password, role, team_id)
    db.session.commit()
    return user


def update(user: User, version, *, email: str, name: str, role: str, team_id: int | None,
           password: str | None, keep_session: str | None = None) -> None:
    """Apply an admin's edit; a role change away from the last admin is refused. A new
    password ends the user's sessions except `keep_session` (an admin editing themselves)."""
    check_version(user, version)
    if user.role == "admin" and role != "admin" and user.is_active and _active_admins() <= 1:
        raise UserRuleError("last_admin")
    user.email = auth.normalize_email(email)
    user.name = name
    user.role = role
    user.team_id = team_id
    if password:
        user.password_hash = auth.hash_password(password)
        auth.revoke_all_sessions(user.id, keep=keep_session)
    db.session.commit()


def set_active(user: User, active: bool, acting_user_id: int) -> None:
    """Deactivate (ending every session at once) or reactivate a user."""
    if not active and user.id == acting_user_id:
        raise UserRuleError("self")
    if not active and user.role == "admin" and _active_admins() <= 1:
        raise UserRuleError("last_admin")
    user.is_active = active
    if not active:
        auth.revoke_all_sessions(user.id)
    db.session.commit()


def create_team(name: str) -> Team:
    team = Team(name=name.strip())
    db.session.add(team)
    db.session.commit()
    return team


def rename_team(team: Team, name: str, version) -> None:
    check_version(team, version)
    team.name = name.strip()
    db.session.commit()


def team_by_name(name: str) -> Team | None:
    return db.session.scalar(select(Team).where(func.lower(Team.name) == name.strip().lower()))
