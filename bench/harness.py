"""The app under benchmark: its database (generated on demand), signed-in clients, counters.

The bench database is a throw-away copy: a SQLite file under bench/.data/ by default, or a
PostgreSQL database whose name contains "bench" (it is dropped and rebuilt when its data is
not the asked scale or the schema changed).
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

from flask import Flask
from sqlalchemy import create_engine, event, make_url, select, text

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "bench" / ".data"
RESULTS_DIR = ROOT / "bench" / "results"
SECRET = "bench-secret-key-" + "b" * 40  # the same in process and in the gunicorn workers
SCHEMA_KEY = "bench.schema"


def default_database_url(scale: str) -> str:
    return "sqlite:///" + str(DATA_DIR / f"bench-{scale}.sqlite3")


def schema_fingerprint() -> str:
    """Changes whenever a migration or the generator changes (then the data is rebuilt)."""
    digest = hashlib.sha1()
    files = sorted((ROOT / "migrations" / "versions").glob("*.py"))
    for path in files + sorted((ROOT / "crm" / "bench_data").glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def environment(database_url: str) -> dict[str, str]:
    """CRM_* settings shared by the in-process app and the gunicorn workers."""
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return {"CRM_DATABASE_URL": database_url, "CRM_SECRET_KEY": SECRET,
            "CRM_INSTANCE_PATH": str(DATA_DIR / "instance"),
            "CRM_REDIS_URL": os.environ.get("CRM_REDIS_URL", ""),
            "CRM_ADMIN_EMAIL": "admin@bench.qiao"}


def make_app(database_url: str) -> Flask:
    """A production-like app (no debug, no testing) on the bench database."""
    os.environ.update(environment(database_url))
    from crm import create_app

    return create_app()


def _is_postgres(url: str) -> bool:
    return url.startswith(("postgresql", "postgres://"))


def ensure_postgres_database(url: str) -> None:
    """Create the bench database on the server when it does not exist yet."""
    from crm.config import database_uri

    target = make_url(database_uri(url, ""))
    name = target.database or ""
    if "bench" not in name:
        raise SystemExit(f"Refusing to use PostgreSQL database {name!r}: the benchmark drops "
                         "its data. Use a database whose name contains 'bench'.")
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def _markers(app: Flask) -> tuple[str | None, str | None]:
    from crm.extensions import db
    from crm.models import SystemState

    with app.app_context():
        try:
            rows = dict(db.session.execute(select(SystemState.key, SystemState.value)).all())
        except Exception:  # noqa: BLE001 - an empty or foreign database
            return None, None
        finally:
            db.session.remove()
    from crm.bench_data import MARKER_KEY

    return rows.get(MARKER_KEY), rows.get(SCHEMA_KEY)


def _drop_everything(app: Flask, url: str) -> None:
    from crm.extensions import db

    with app.app_context():
        db.engine.dispose()
        if _is_postgres(url):
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        else:
            path = make_url(url).database or ""
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(path + suffix):
                    os.remove(path + suffix)
        db.engine.dispose()


def ensure_data(app: Flask, url: str, scale: str, *, regenerate: bool = False) -> str:
    """Make sure the database holds `scale` data on the current schema; returns what was done."""
    from flask_migrate import upgrade

    from crm import bench_data, migrations_dir
    from crm.database import utcnow
    from crm.extensions import db
    from crm.models import SystemState

    fingerprint = schema_fingerprint()
    recorded, schema = _markers(app)
    if recorded == scale and schema == fingerprint and not regenerate:
        return f"reused {scale} data"
    _drop_everything(app, url)
    started = time.perf_counter()
    with app.app_context():
        upgrade(directory=migrations_dir())
        db.session.remove()
        bench_data.generate(scale, reset=True)
        db.session.add(SystemState(key=SCHEMA_KEY, value=fingerprint, at=utcnow()))
        db.session.commit()
        db.session.remove()
    return f"generated {scale} data in {time.perf_counter() - started:.0f} s"


class QueryCounter:
    """Counts SQL statements sent to the database (transaction control and PRAGMAs aside)."""

    SKIP = ("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA", "SAVEPOINT", "RELEASE")

    def __init__(self, app: Flask):
        from crm.extensions import db

        with app.app_context():
            self.engine = db.engine
        self.count = 0
        event.listen(self.engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn, _cursor, statement, *_args) -> None:
        if not statement.lstrip().upper().startswith(self.SKIP):
            self.count += 1

    def take(self) -> int:
        """The count since the last take()."""
        count, self.count = self.count, 0
        return count


def login_session(app: Flask, user_id: int) -> dict:
    """The session cookie contents of a real login (made by the app's own login code)."""
    from flask import session

    from crm import auth_session
    from crm.extensions import db
    from crm.models import User

    with app.test_request_context("/login", method="POST",
                                  headers={"User-Agent": "qiao-bench"}):
        user = db.session.get(User, user_id)
        auth_session.begin(user, remember=False)
        contents = dict(session)
        db.session.remove()
    contents.setdefault("csrf_token", hashlib.sha1(os.urandom(20)).hexdigest())
    return contents


def csrf_header(app: Flask, session: dict) -> dict[str, str]:
    """The X-CSRFToken header a page of this session would carry (as htmx sends it)."""
    from itsdangerous import URLSafeTimedSerializer

    token = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").dumps(
        session["csrf_token"])
    return {"X-CSRFToken": token}


def signed_cookie(app: Flask, session: dict) -> str:
    """The session cookie value a browser would hold (for the HTTP load client)."""
    serializer = app.session_interface.get_signing_serializer(app)
    return serializer.dumps(dict(session))


def client_for(app: Flask, session: dict | None):
    """A test client carrying `session` (anonymous with only a CSRF token when None)."""
    client = app.test_client()
    contents = session or {"csrf_token": hashlib.sha1(os.urandom(20)).hexdigest()}
    with client.session_transaction() as sess:
        sess.update(contents)
    return client, csrf_header(app, contents)
