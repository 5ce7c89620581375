"""In-process timings through the WSGI app, the template-only floor of each page, bare Flask.

A page is requested with the test client, signed in through a real login session, and timed
with perf_counter_ns around the request. Its floor is the same template(s) rendered with the
context captured from a real request (already in memory: no database, no auth; checked to
run zero queries) inside a request context with the same user logged in. The ratio page
p50 / floor p50 holds on a noisy machine where absolute milliseconds do not.
"""

from __future__ import annotations

import math
import statistics
import time
from dataclasses import asdict, dataclass
from urllib.parse import quote

from flask import Flask, got_request_exception, render_template, template_rendered
from flask_login import login_user

from bench.harness import QueryCounter, client_for, login_session
from bench.pages import Facts, Page

LOGIN_ITERATIONS = 20  # argon2id costs ~50 ms by design; more samples add nothing


@dataclass
class Result:
    page: str
    role: str
    status: str  # "ok", "skipped: …" or "error: …"
    n: int = 0
    p50_ms: float | None = None
    p95_ms: float | None = None
    queries: int | None = None
    queries_min: int | None = None
    queries_max: int | None = None
    floor_p50_ms: float | None = None
    ratio: float | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def _send(client, headers: dict, page: Page, facts: Facts, role: str, i: int):
    headers = dict(headers)
    if page.hx:
        headers["HX-Request"] = "true"
    data = page.form(facts, role, i) if page.form else None
    response = client.open(quote(page.url(facts, role, i), safe="/?=&"), method=page.method,
                           headers=headers, data=data)
    response.get_data()
    return response


class Runner:
    """Measures pages for the signed-in roles of one app."""

    def __init__(self, app: Flask, facts: Facts, iterations: int, warmup: int):
        self.app, self.facts = app, facts
        self.iterations, self.warmup = iterations, warmup
        self.counter = QueryCounter(app)
        self.sessions = {role: login_session(app, uid) for role, uid in facts.users.items()
                         if uid is not None}
        self.users = {role: _detached_user(app, uid, self.sessions[role].get("_user_id"))
                      for role, uid in facts.users.items() if uid is not None}
        # A failing page is reported in its row (with the exception) instead of a traceback.
        self.last_exception: BaseException | None = None
        app.logger.disabled = True
        got_request_exception.connect(self._failed, app)

    def _failed(self, _sender, exception: BaseException, **_extra) -> None:
        self.last_exception = exception

    def _error(self, response, i: int) -> str:
        detail = ""
        if response.status_code >= 500 and self.last_exception is not None:
            detail = f": {type(self.last_exception).__name__}: {self.last_exception}"[:160]
        self.last_exception = None
        return f"error: HTTP {response.status_code} at request {i}{detail}"

    def measure(self, page: Page, role: str) -> Result:
        if role not in self.sessions:
            return Result(page.name, role, f"skipped: no {role} user")
        n = min(self.iterations, LOGIN_ITERATIONS) if page.anonymous else self.iterations
        client, headers = client_for(self.app, None if page.anonymous else self.sessions[role])
        captured: list[tuple[str, dict]] = []
        rendered: list[list[tuple[str, dict]]] = []  # the templates of each timed request

        def capture(_sender, template, context, **_extra):
            captured.append((template.name, dict(context)))

        times, queries = [], []
        with template_rendered.connected_to(capture, self.app):
            for i in range(self.warmup + n + 1):
                if page.anonymous:
                    client, headers = client_for(self.app, None)
                del captured[:]
                self.counter.take()
                started = time.perf_counter_ns()
                response = _send(client, headers, page, self.facts, role, i)
                elapsed = time.perf_counter_ns() - started
                count = self.counter.take()
                if response.status_code not in page.expect:
                    return Result(page.name, role, self._error(response, i))
                if i > self.warmup:
                    times.append(elapsed / 1e6)
                    queries.append(count)
                    rendered.append(list(captured))
        result = Result(page.name, role, "ok", n=n, p50_ms=statistics.median(times),
                        p95_ms=percentile(times, 0.95), queries=int(statistics.median(queries)),
                        queries_min=min(queries), queries_max=max(queries))
        if page.floor and any(rendered):
            try:
                result.floor_p50_ms = self.floor(page, role, rendered)
                result.ratio = result.p50_ms / result.floor_p50_ms
            except FloorError as exc:
                result.status = f"error: {exc}"
        return result

    def floor(self, page: Page, role: str, rendered: list[list[tuple[str, dict]]]) -> float:
        """p50 of rendering, from memory and as the same user, the templates each timed
        request rendered with the very context it rendered them with."""
        app = self.app
        headers = {"HX-Request": "true"} if page.hx else {}
        with app.test_request_context(page.url(self.facts, role, 1), method=page.method,
                                      headers=headers):
            user = self.users.get(role)
            if user is not None and not page.anonymous:
                login_user(user)
            added: dict = {}
            app.update_template_context(added)  # keys the context processors add again
            jobs = [[(name, {k: v for k, v in context.items() if k not in added})
                     for name, context in request] for request in rendered]
            for request in jobs[:self.warmup]:
                for name, context in request:
                    render_template(name, **context)
            times = []
            self.counter.take()
            for request in jobs:
                started = time.perf_counter_ns()
                for name, context in request:
                    render_template(name, **context)
                times.append((time.perf_counter_ns() - started) / 1e6)
            ran = self.counter.take()
        if ran:
            raise FloorError(f"the floor of {page.name} ran {ran} SQL queries")
        return statistics.median(times)


class FloorError(Exception):
    """The floor was not a pure render (it touched the database)."""


def _detached_user(app: Flask, user_id: int, session_id: str):
    """The user loaded once, every attribute in memory, detached from any session."""
    from crm.extensions import db
    from crm.models import User

    with app.app_context():
        user = db.session.get(User, user_id)
        _ = (user.team, user.name, user.language, user.role, user.is_active)
        db.session.expunge(user)
        db.session.remove()
    user.session_id = session_id
    return user


def measure_bare_flask(iterations: int, warmup: int) -> float:
    """p50 of the smallest Flask route (one string) through the test client."""
    bare = Flask("bare")

    @bare.get("/")
    def hello():
        return "ok"

    client = bare.test_client()
    times = []
    for i in range(warmup + iterations):
        started = time.perf_counter_ns()
        client.get("/").get_data()
        if i >= warmup:
            times.append((time.perf_counter_ns() - started) / 1e6)
    return statistics.median(times)
