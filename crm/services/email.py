"""Email: SMTP settings, the outbox, sending, notification emails and the daily digest.

Delivery is AT MOST ONCE. The sweep claims due outbox rows (crm/jobs/claims.py), then for
each row commits status "sending" before it talks to the SMTP server and commits "sent"
right after. A row found still "sending" when its claim expired belonged to a worker that
died mid-send: the server may have accepted it, so it is marked failed with that reason,
never resent blindly (an admin sees it on the Email settings page). A refused or dropped
connection before the server accepted the message is retried after 1, 5, 30 and 120
minutes, and marked failed with the SMTP error after MAX_ATTEMPTS tries. Each row keeps
one Message-ID from its insert, so even a resend by hand is recognisable as the same mail.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from crm.database import utcnow
from crm.extensions import db
from crm.models import Outbox, Setting, User

MAX_ATTEMPTS = 5
BACKOFF_MINUTES = (1, 5, 30, 120)
SECURITY = ("none", "starttls", "ssl")
FIELDS = ("host", "port", "security", "user", "password", "from_addr")
TIMEOUT = 20


@dataclass
class SmtpConfig:
    host: str = ""
    port: int = 25
    security: str = "none"
    user: str = ""
    password: str = ""
    from_addr: str = ""

    @property
    def configured(self) -> bool:
        return bool(self.host and self.from_addr)


def stored_settings() -> dict[str, str]:
    rows = db.session.execute(select(Setting.key, Setting.value)
                              .where(Setting.key.like("smtp.%"))).all()
    return {key[5:]: value or "" for key, value in rows}


def overridden() -> list[str]:
    """The CRM_SMTP_* variables set in the environment (they win over the saved settings)."""
    env = current_app.config["CRM"]
    return [f"CRM_SMTP_{name.upper()}" for name in FIELDS
            if env.get(f"SMTP_{name.upper()}") not in (None, "")]


def smtp_config() -> SmtpConfig:
    """The settings saved on the admin page; a non-empty CRM_SMTP_* variable wins."""
    values = stored_settings()
    env = current_app.config["CRM"]
    for name in FIELDS:
        override = env.get(f"SMTP_{name.upper()}")
        if override not in (None, ""):
            values[name] = str(override)
    port = values.get("port") or ""
    return SmtpConfig(host=values.get("host", ""),
                      port=int(port) if port.isdigit() else 25,
                      security=values.get("security") or "none",
                      user=values.get("user", ""), password=values.get("password", ""),
                      from_addr=values.get("from_addr", ""))


def save_settings(values: dict[str, str]) -> list[str]:
    """Save the given settings (a blank password keeps the stored one); returns the names
    that changed. Audited by name, the password only as "changed"."""
    from crm.services import audit

    old = stored_settings()
    changed = {}
    for name in FIELDS:
        value = values.get(name)
        if value is None or (name == "password" and value == ""):
            continue
        if old.get(name, "") != value:
            changed[name] = value
            db.session.merge(Setting(key=f"smtp.{name}", value=value))
    if changed:
        audit.record(db.session, "smtp.update", entity="setting", summary="SMTP",
                     changes={name: ("***" if name == "password" else value)
                              for name, value in changed.items()})
    return sorted(changed)


def new_message_id(config: SmtpConfig | None = None) -> str:
    domain = ((config.from_addr if config else "").rpartition("@")[2] or "qiao.crm").strip()
    return f"<{uuid.uuid4().hex}@{domain}>"


def queue(to_addr: str, subject: str, body: str, source: str, *,
          user_id: int | None = None, due_at: datetime | None = None) -> bool:
    """Add an email to the outbox in the caller's transaction; False when one from this
    `source` is already there."""
    if db.session.scalar(select(Outbox.id).where(Outbox.source == source)) is not None:
        return False
    try:
        with db.session.begin_nested():
            db.session.add(Outbox(user_id=user_id, source=source[:80], to_addr=to_addr,
                                  subject=subject[:300], body=body,
                                  message_id=new_message_id(smtp_config()),
                                  due_at=due_at or utcnow()))
    except IntegrityError:  # queued by another worker at the same moment
        return False
    return True


def email_kinds() -> dict[str, str]:
    """Notification kinds a user may receive by email -> their label."""
    from crm.services.follow_ups import NEXT_CONTACT
    from crm.services.transfers import KIND as TRANSFER

    return {NEXT_CONTACT: _("Next contact reminders"), TRANSFER: _("Transfer requests")}


def _language(user: User) -> str:
    return user.language or current_app.config["CRM"]["DEFAULT_LANGUAGE"]


def queue_for_notification(notification) -> bool:
    """Queue the email of a new notification when SMTP is set up and its user wants it."""
    from crm.services import notifications

    user = db.session.get(User, notification.user_id)
    if (user is None or not user.is_active or not user.email
            or notification.kind not in email_kinds()
            or notification.kind in (user.email_muted or "").split(",")
            or not smtp_config().configured):
        return False
    with force_locale(_language(user)):
        sentence = notifications.text(notification)
        subject = _("Qiao CRM: %(text)s", text=sentence)
        body = "\n\n".join([
            _("Hello %(name)s,", name=user.name), sentence,
            _("Open Qiao CRM to see it. You can choose which emails you get on your "
              "settings page.")])
    return queue(user.email, subject, body, f"notification:{notification.id}",
                 user_id=user.id)


# --- sending ---------------------------------------------------------------------------

class SendError(Exception):
    """The SMTP server could not be reached or refused the message (the reason in words)."""


def _reason(exc: Exception) -> str:
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return _("The SMTP server refused the user name or password (%(code)s).",
                 code=exc.smtp_code)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return _("The SMTP server refused the address %(to)s.",
                 to=", ".join(exc.recipients))
    if isinstance(exc, smtplib.SMTPResponseException):
        detail = exc.smtp_error.decode(errors="replace") if isinstance(
            exc.smtp_error, bytes) else str(exc.smtp_error)
        return _("The SMTP server answered %(code)s: %(detail)s", code=exc.smtp_code,
                 detail=detail)
    if isinstance(exc, ConnectionRefusedError):
        return _("The SMTP server refused the connection. Check the host and port, and "
                 "that the server is running.")
    if isinstance(exc, socket.timeout | TimeoutError):
        return _("The SMTP server did not answer in time. Check the host and port.")
    if isinstance(exc, socket.gaierror):
        return _("The SMTP host name could not be found. Check the host.")
    if isinstance(exc, ssl.SSLError):
        return _("The secure connection failed (%(error)s). Check the security setting "
                 "and port.", error=str(exc))
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return _("The SMTP server closed the connection.")
    return _("Sending failed: %(error)s", error=str(exc) or type(exc).__name__)


def send_now(config: SmtpConfig, to_addr: str, subject: str, body: str,
             message_id: str | None = None) -> None:
    """Send one email; raises SendError with the reason in words."""
    message = EmailMessage()
    message["From"] = config.from_addr
    message["To"] = to_addr
    message["Subject"] = subject
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = message_id or new_message_id(config)
    message.set_content(body)
    try:
        if config.security == "ssl":
            smtp = smtplib.SMTP_SSL(config.host, config.port, timeout=TIMEOUT,
                                    context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(config.host, config.port, timeout=TIMEOUT)
        with smtp:
            if config.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if config.user:
                smtp.login(config.user, config.password)
            smtp.send_message(message)
    except (smtplib.SMTPException, OSError) as exc:
        raise SendError(_reason(exc)) from exc


def send_test(to_addr: str) -> None:
    config = smtp_config()
    if not config.configured:
        raise SendError(_("Enter the SMTP host and the from address first."))
    send_now(config, to_addr, _("Qiao CRM test email"),
             _("This is a test email from Qiao CRM. Email works."))


def _finish(row_id: int, **values) -> None:
    db.session.execute(update(Outbox).where(Outbox.id == row_id).values(**values)
                       .execution_options(synchronize_session=False))
    db.session.commit()


def send_claimed(ids: list[int], token: str) -> int:
    """Send the claimed rows, committing before and after each send; returns how many
    were sent."""
    config = smtp_config()
    sent = 0
    for row in list(db.session.scalars(select(Outbox).where(
            Outbox.id.in_(ids), Outbox.claimed_by == token, Outbox.handled_at.is_(None))
            .order_by(Outbox.id))):
        now = utcnow()
        if row.status == "sending":  # a worker died mid-send: it may have gone out
            _finish(row.id, status="failed", handled_at=now, last_error=_(
                "Sending was interrupted; the email may or may not have arrived, so it was "
                "not sent again."))
            continue
        if not config.configured:  # SMTP was removed: keep it, try later
            _finish(row.id, claimed_at=None, claimed_by=None,
                    due_at=now + timedelta(minutes=BACKOFF_MINUTES[-1]),
                    last_error=_("SMTP is not set up."))
            continue
        _finish(row.id, status="sending")
        try:
            send_now(config, row.to_addr, row.subject, row.body, row.message_id)
        except SendError as exc:
            if row.attempts >= MAX_ATTEMPTS:
                _finish(row.id, status="failed", handled_at=utcnow(), last_error=str(exc)[:500])
            else:
                wait = BACKOFF_MINUTES[min(row.attempts, len(BACKOFF_MINUTES)) - 1]
                _finish(row.id, status="pending", claimed_at=None, claimed_by=None,
                        due_at=utcnow() + timedelta(minutes=wait), last_error=str(exc)[:500])
            continue
        _finish(row.id, status="sent", sent_at=utcnow(), handled_at=utcnow(), last_error=None)
        sent += 1
    return sent


def recent_problems(limit: int = 20) -> list[Outbox]:
    """Failed emails and ones waiting for a retry, newest first (the admin page)."""
    return list(db.session.scalars(
        select(Outbox).where(Outbox.last_error.is_not(None), Outbox.status != "sent")
        .order_by(Outbox.id.desc()).limit(limit)))


# --- the daily digest ------------------------------------------------------------------

def _local_now() -> datetime:
    from datetime import UTC

    from flask_babel import get_timezone

    return datetime.now(UTC).astimezone(get_timezone())


def queue_digests(now: datetime | None = None) -> int:
    """Queue today's digest for each user whose digest hour has come (once a day each)."""
    from crm.i18n import local_to_utc
    from crm.services import my_day

    local = (now or _local_now())
    if not smtp_config().configured:
        return 0
    day: date = local.date()
    end = local_to_utc(datetime.combine(day + timedelta(days=1), datetime.min.time()))
    added = 0
    users = db.session.scalars(select(User).where(
        User.is_active.is_(True), User.digest_hour.is_not(None),
        User.digest_hour <= local.hour))
    for user in users:
        source = f"digest:{user.id}:{day.isoformat()}"
        if db.session.scalar(select(Outbox.id).where(Outbox.source == source)):
            continue
        with force_locale(_language(user)):
            items = my_day.plans(user, end)
            lines = [f"- {format_time(item.due_at)} {item.record}" for item in items]
            subject = _("Qiao CRM: your day, %(day)s", day=day.isoformat())
            body = "\n".join([_("Hello %(name)s,", name=user.name), "",
                              _("Your plans for today:") if lines
                              else _("You have no plans for today."), *lines])
        added += queue(user.email, subject, body, source, user_id=user.id)
    return added


def format_time(value: datetime | None) -> str:
    from flask_babel import format_time as babel_time

    return babel_time(value, "HH:mm") if value else ""
