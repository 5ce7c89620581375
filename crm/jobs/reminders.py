"""The reminder sweep: every minute, claim due reminders and notify (exactly once each).

Claims are committed before the work, so a second worker skips them; a worker killed
mid-batch leaves claims that expire after the lease and are taken over. Notifying is
idempotent (one notification per reminder and user), so a taken-over reminder whose
notification was already written is only marked handled.
"""

from __future__ import annotations

from crm.extensions import db
from crm.jobs import job
from crm.jobs.claims import claim_due, mark_handled
from crm.jobs.sweeps import sweep
from crm.models import Reminder

BATCH = 200


@sweep("reminders")
@job
def deliver_due_reminders(tick: str | None = None, *, max_batches: int = 50) -> int:
    """Notify every due reminder (in batches); returns how many were handled."""
    from crm.services import follow_ups

    handled = 0
    for _ in range(max_batches):
        token, ids = claim_due(Reminder, limit=BATCH)
        db.session.commit()
        if not ids:
            break
        follow_ups.remind(ids)
        for reminder_id in ids:
            handled += mark_handled(Reminder, reminder_id, token)
        db.session.commit()
    return handled
