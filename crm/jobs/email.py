"""The email sweeps: send what is due in the outbox; queue the daily digests.

Claims are committed before sending; crm/services/email.py explains why a row is sent at
most once (a worker killed mid-send leaves it "sending", and it is not resent).
"""

from __future__ import annotations

from crm.extensions import db
from crm.jobs import job
from crm.jobs.claims import claim_due
from crm.jobs.sweeps import sweep
from crm.models import Outbox

BATCH = 50


@sweep("outbox", queue="low")
@job
def send_due_email(tick: str | None = None, *, max_batches: int = 20) -> int:
    """Send every due outbox row (in batches); returns how many were sent."""
    from crm.services import email

    sent = 0
    for _ in range(max_batches):
        token, ids = claim_due(Outbox, limit=BATCH)
        db.session.commit()
        if not ids:
            break
        sent += email.send_claimed(ids, token)
    return sent


@sweep("digests", every_minutes=5)
@job
def queue_digests(tick: str | None = None) -> int:
    """Queue the daily digest of every user whose hour has come."""
    from crm.services import email

    added = email.queue_digests()
    db.session.commit()
    return added
