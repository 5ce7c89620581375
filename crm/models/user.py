"""Users, teams, login sessions and failed-login records."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from crm.database import UTCDateTime, utcnow
from crm.extensions import db
from crm.models.mixins import TimestampMixin, VersionMixin
from crm.services.normalize import fold_text


def team_key(name: str) -> str:
    """What two team names must differ in: NFKC, casefold, trimmed, single spaces."""
    return fold_text(name)


class Team(TimestampMixin, VersionMixin, db.Model):
    __audited__ = True
    __audit_skip__ = frozenset({"name_key"})

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True, nullable=False)
    # The name NFKC-normalised and casefolded (every script, not only ASCII as SQLite's
    # lower()), unique: "North", "NORTH" and "ｎｏｒｔｈ" are one team on both databases.
    name_key: Mapped[str] = mapped_column(Text, nullable=False)

    __table_args__ = (Index("ix_team_name_key", "name_key", unique=True),)

    @validates("name")
    def _keep_key(self, _key, name: str) -> str:
        self.name_key = team_key(name)
        return name

    members: Mapped[list[User]] = relationship(back_populates="team", lazy="raise")

    def __str__(self) -> str:
        return self.name


class User(UserMixin, TimestampMixin, VersionMixin, db.Model):
    __audited__ = True
    __audit_hidden__ = frozenset({"password_hash", "calendar_token_hash"})

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(80), nullable=False)
    password_hash: Mapped[str] = mapped_column(String(200), nullable=False)
    role: Mapped[str] = mapped_column(String(20), nullable=False, default="rep")
    team_id: Mapped[int | None] = mapped_column(
        ForeignKey("team.id", ondelete="SET NULL"), index=True
    )
    is_active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    language: Mapped[str | None] = mapped_column(String(10))
    font_size: Mapped[str] = mapped_column(String(10), nullable=False, default="normal")
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # SHA-256 of the secret in the user's calendar feed URL (the URL is shown once).
    calendar_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Notification kinds the user does not want by email (comma separated); the hour
    # (0-23, the installation's time zone) of the daily digest email, None for none.
    email_muted: Mapped[str] = mapped_column(String(200), nullable=False, default="",
                                             server_default="")
    digest_hour: Mapped[int | None] = mapped_column(Integer)

    team: Mapped[Team | None] = relationship(back_populates="members", lazy="joined")

    # Set by the user loader: the id of the login session this request belongs to.
    session_id = None

    def get_id(self) -> str | None:
        """Flask-Login keeps the login session id, so revoking the session logs it out."""
        return self.session_id

    def __str__(self) -> str:
        return self.name


class UserSession(db.Model):
    """One login: rotated at every login, revoked at logout, deactivation or password change."""

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ip: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(200))


class LoginFailure(db.Model):
    """A failed login, counted per account and per IP for throttling."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), nullable=False)
    ip: Mapped[str] = mapped_column(String(45), nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    __table_args__ = (
        Index("ix_login_failure_email_at", "email", "at"),
        Index("ix_login_failure_ip_at", "ip", "at"),
    )
