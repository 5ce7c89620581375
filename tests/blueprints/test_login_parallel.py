"""Wrong passwords sent in parallel never get more password checks than the per-account
limit: the in-flight checks are counted atomically in (real) Redis with the recorded
failures, so requests racing each other cannot all see room for one more."""

from __future__ import annotations

import threading

import redis
from sqlalchemy import func, select

from crm.extensions import db
from crm.models import AuditLog, LoginFailure
from tests.conftest import CrmClient

THREADS = 24


def _storm(app, email: str, password: str) -> list[int]:
    """THREADS sign-ins with the same account, each from its own address (so only the
    account's limit applies), released together by a barrier."""
    app.test_client_class = CrmClient
    clients = [app.test_client() for _ in range(THREADS)]
    barrier = threading.Barrier(THREADS, timeout=30)
    answers = [0] * THREADS

    def sign_in(i):
        barrier.wait()
        answers[i] = clients[i].post("/login", data={"email": email, "password": password},
                                     environ_base={"REMOTE_ADDR": f"10.7.{i}.1"}).status_code

    threads = [threading.Thread(target=sign_in, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return answers


def test_parallel_wrong_sign_ins_never_exceed_the_account_limit(app, make_user, redis_url):
    make_user("rep", email="target@test.qiao")
    limit = app.config["CRM"]["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    answers = _storm(app, "target@test.qiao", "wrong-password-guess")
    checked = answers.count(422)  # the password was checked and was wrong
    assert 1 <= checked <= limit, answers
    assert answers.count(429) == THREADS - checked
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LoginFailure)) == checked
        assert db.session.scalar(select(func.count()).select_from(AuditLog).where(
            AuditLog.action == "login_failed")) == THREADS
    # nothing stays counted in flight once the requests are done
    conn = redis.Redis.from_url(redis_url)
    assert all(int(conn.get(k) or 0) == 0 for k in conn.keys("crm:inflight:*"))


def test_later_guesses_stay_refused_until_the_limit_is_used_up(app, make_user):
    """Sequential retries after a parallel burst fill the limit exactly, never beyond."""
    make_user("rep", email="target@test.qiao")
    limit = app.config["CRM"]["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    _storm(app, "target@test.qiao", "wrong-password-guess")
    app.test_client_class = CrmClient
    client = app.test_client()
    for i in range(limit + 3):
        client.post("/login", data={"email": "target@test.qiao", "password": "wrong-again"},
                    environ_base={"REMOTE_ADDR": f"10.8.{i}.1"})
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LoginFailure)) == limit


def test_without_redis_the_recorded_failures_still_limit(app, make_user):
    from tests.reliability.test_redis_down import _app_without_redis

    make_user("rep", email="target@test.qiao")
    other = _app_without_redis(app)
    client = other.test_client()
    limit = app.config["CRM"]["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    answers = [client.post("/login", data={"email": "target@test.qiao", "password": "wrong"},
                           environ_base={"REMOTE_ADDR": f"10.9.{i}.1"}).status_code
               for i in range(limit + 2)]
    assert answers == [422] * limit + [429, 429]
