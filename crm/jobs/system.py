"""System sweeps: the clock's heartbeat, proving the clock → Redis → worker → database path."""

from __future__ import annotations

from crm.database import utcnow
from crm.extensions import db
from crm.jobs import enqueue, job
from crm.models import SystemState


def set_state(key: str, value: str) -> None:
    row = db.session.get(SystemState, key)
    if row is None:
        row = SystemState(key=key)
        db.session.add(row)
    row.value = value
    row.at = utcnow()


@job
def heartbeat(tick: str) -> None:
    """Record that a worker ran the sweep of clock tick `tick` (idempotent)."""
    set_state("worker.heartbeat", tick)
    db.session.commit()


def run_sweeps() -> None:
    """Called by the clock every minute: record the tick, enqueue the periodic sweeps."""
    tick = utcnow().strftime("%Y%m%d%H%M")
    set_state("clock.tick", tick)
    db.session.commit()
    enqueue(heartbeat, tick, queue_name="high", job_id=f"heartbeat-{tick}", retries=0)
