"""User and team administration."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from crm.extensions import db
from crm.models import Team, User
from crm.models.user import team_key
from crm.services import auth
from crm.services.records import check_version


class UserRuleError(ValueError):
    """An admin change that would lock everyone out; the message says why."""


class TakenError(ValueError):
    """Another admin saved the same email or team name at the same moment: the form's check
    passed for both, the unique index refused the loser. str() is the form field's name."""


def _commit_unique(field: str, taken) -> None:
    """Commit; a unique violation (PostgreSQL raises it at flush or commit, SQLite at flush)
    is rolled back and reported as TakenError(field) when `taken()` now finds the value."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        if taken():
            raise TakenError(field) from None
        raise


def _active_admins() -> int:
    """Active administrators, their rows locked until commit (PostgreSQL; SQLite's write
    transactions are serial already). Two admins demoting each other at the same moment
    would otherwise both count two and leave none: the second now waits, then counts one."""
    stmt = (select(User.id).where(User.role == "admin", User.is_active.is_(True))
            .with_for_update())
    return len(db.session.scalars(stmt).all())


def email_taken(email: str, except_id: int | None = None) -> bool:
    stmt = select(User.id).where(User.email == auth.normalize_email(email))
    if except_id:
        stmt = stmt.where(User.id != except_id)
    return db.session.scalar(stmt) is not None


def create(email: str, name: str, password: str, role: str, team_id: int | None) -> User:
    user = auth.create_user(email, name, password, role, team_id)
    _commit_unique("email", lambda: email_taken(email))
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
    user_id = user.id
    _commit_unique("email", lambda: email_taken(email, user_id))


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
    _commit_unique("name", lambda: team_by_name(name) is not None)
    return team


def rename_team(team: Team, name: str, version) -> None:
    check_version(team, version)
    team.name = name.strip()
    team_id = team.id
    _commit_unique("name", lambda: (found := team_by_name(name)) is not None
                   and found.id != team_id)


def team_by_name(name: str) -> Team | None:
    return db.session.scalar(select(Team).where(Team.name_key == team_key(name)))
