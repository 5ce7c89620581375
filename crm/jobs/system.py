"""System sweeps: the clock's heartbeat, proving the clock → Redis → worker → database path,
and `run_sweeps`, which the clock calls every minute."""

from __future__ import annotations

from crm.database import utcnow
from crm.extensions import db
from crm.jobs import email as _email  # noqa: F401 - registers the email sweeps
from crm.jobs import enqueue, job
from crm.jobs import reminders as _reminders  # noqa: F401 - registers the reminder sweep
from crm.jobs.sweeps import due, sweep
from crm.models import SystemState


def set_state(key: str, value: str) -> None:
    row = db.session.get(SystemState, key)
    if row is None:
        row = SystemState(key=key)
        db.session.add(row)
    row.value = value
    row.at = utcnow()


@sweep("heartbeat", queue="high")
@job
def heartbeat(tick: str) -> None:
    """Record that a worker ran the sweep of clock tick `tick` (idempotent)."""
    set_state("worker.heartbeat", tick)
    db.session.commit()


def run_sweeps() -> None:
    """Called by the clock every minute: record the tick, enqueue the sweeps that are due."""
    now = utcnow()
    tick = now.strftime("%Y%m%d%H%M")
    set_state("clock.tick", tick)
    db.session.commit()
    for registered in due(int(now.timestamp()) // 60):
        enqueue(registered.func, tick, queue_name=registered.queue,
                job_id=f"{registered.name}-{tick}", retries=0)
