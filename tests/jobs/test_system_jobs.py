"""The clock's sweep and the heartbeat job: clock → Redis → worker → database."""

from __future__ import annotations

import time

import pytest
import redis
from rq import Queue, SimpleWorker

from crm import create_app
from crm.database import utcnow
from crm.extensions import db
from crm.jobs import QUEUES, enqueue, set_worker_app
from crm.jobs.system import heartbeat, run_sweeps
from crm.models import SystemState
from tests.conftest import SECRET


def _queue(redis_url: str, name: str = "high") -> Queue:
    return Queue(name, connection=redis.Redis.from_url(redis_url))


def _state(app, key: str) -> tuple[str, object] | None:
    with app.app_context():
        row = db.session.get(SystemState, key)
        result = (row.value, row.at) if row else None
        db.session.remove()
        return result


@pytest.fixture
def worker_app(app):
    """The worker process registers its app, as `crm worker` does; unregistered afterwards."""
    set_worker_app(app)
    yield app
    set_worker_app(None)


def _run_burst_worker(redis_url: str) -> None:
    SimpleWorker(list(QUEUES), connection=redis.Redis.from_url(redis_url)).work(burst=True)


def _sweep(app) -> None:
    with app.app_context():
        run_sweeps()
        db.session.remove()


def test_run_sweeps_records_the_tick_and_enqueues_the_heartbeat(app, redis_url):
    before = utcnow().replace(second=0, microsecond=0)
    _sweep(app)
    tick, at = _state(app, "clock.tick")
    assert before <= at <= utcnow()
    assert tick in {before.strftime("%Y%m%d%H%M"), utcnow().strftime("%Y%m%d%H%M")}
    high = _queue(redis_url)
    assert high.job_ids == [f"heartbeat-{tick}"]
    job = high.fetch_job(f"heartbeat-{tick}")
    assert job.func_name == "crm.jobs.system.heartbeat"
    assert job.args == (tick,)
    assert _state(app, "worker.heartbeat") is None  # nothing ran it yet


def test_burst_worker_runs_the_heartbeat_and_stores_it(worker_app, redis_url):
    _sweep(worker_app)
    tick, _ = _state(worker_app, "clock.tick")
    _run_burst_worker(redis_url)
    assert _queue(redis_url).count == 0
    job = _queue(redis_url).fetch_job(f"heartbeat-{tick}")
    assert job.get_status() == "finished"
    value, at = _state(worker_app, "worker.heartbeat")
    assert value == tick
    assert (utcnow() - at).total_seconds() < 60


def test_heartbeat_job_is_idempotent(app):
    with app.app_context():
        heartbeat("202601010000")
        heartbeat("202601010000")
        assert db.session.query(SystemState).filter_by(key="worker.heartbeat").count() == 1
        assert db.session.get(SystemState, "worker.heartbeat").value == "202601010000"
        db.session.remove()


def test_enqueue_with_the_same_job_id_keeps_one_job(app, redis_url):
    with app.app_context():
        assert enqueue(heartbeat, "202601010000", queue_name="high", job_id="heartbeat-x")
        assert enqueue(heartbeat, "202601010000", queue_name="high", job_id="heartbeat-x")
    assert _queue(redis_url).job_ids == ["heartbeat-x"]


def test_two_sweeps_in_the_same_minute_enqueue_one_heartbeat(app, redis_url):
    for _attempt in range(3):
        redis.Redis.from_url(redis_url).flushdb()
        minute = utcnow().strftime("%Y%m%d%H%M")
        _sweep(app)
        _sweep(app)
        if utcnow().strftime("%Y%m%d%H%M") == minute:  # else the minute turned: try again
            break
    assert _queue(redis_url).job_ids == [f"heartbeat-{minute}"]


@pytest.fixture
def dead_redis_app(app):
    other = create_app({
        "TESTING": True, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "CRM": {"REDIS_URL": "redis://127.0.0.1:1", "SECRET_KEY": SECRET},
    })
    yield other
    with other.app_context():
        db.engine.dispose()


def test_enqueue_returns_false_when_redis_is_unreachable(dead_redis_app):
    with dead_redis_app.app_context():
        started = time.monotonic()
        assert enqueue(heartbeat, "202601010000", queue_name="high") is False
        assert time.monotonic() - started < 3


def test_sweep_still_records_the_tick_when_redis_is_unreachable(dead_redis_app):
    """The database is the source of truth: the clock keeps ticking without Redis."""
    _sweep(dead_redis_app)
    assert _state(dead_redis_app, "clock.tick") is not None


def test_jobs_asked_for_inside_a_transaction_go_out_only_after_the_commit(app, redis_url):
    from crm.jobs import after_commit

    high = _queue(redis_url)
    with app.app_context():
        after_commit(heartbeat, "rolled-back", queue_name="high", job_id="hb-rolled-back")
        db.session.rollback()
        after_commit(heartbeat, "committed", queue_name="high", job_id="hb-committed")
        assert high.job_ids == []  # not before the commit
        db.session.commit()
        db.session.remove()
    assert high.job_ids == ["hb-committed"]


def test_a_registered_sweep_runs_at_its_interval(app, redis_url):
    from crm.jobs.sweeps import SWEEPS, due, sweep

    @sweep("test-every-five", every_minutes=5, queue="low")
    def every_five(tick):  # pragma: no cover - only enqueued here
        return tick

    try:
        assert every_five in [s.func for s in due(10)] and every_five not in [
            s.func for s in due(11)]
        assert "heartbeat" in SWEEPS
    finally:
        SWEEPS.pop("test-every-five")
