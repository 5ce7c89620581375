"""Configuration: defaults, overridden by CRM_* environment variables, then by test config."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

# name -> (default, type). Every setting can be given as CRM_<NAME> in the environment.
SETTINGS: dict[str, tuple[object, type]] = {
    "DATABASE_URL": ("", str),
    "REDIS_URL": ("", str),
    "SECRET_KEY": ("", str),
    "ADMIN_EMAIL": ("admin@example.com", str),
    "ADMIN_PASSWORD": ("", str),
    "PHONE_REGION": ("CN", str),
    "DEFAULT_LANGUAGE": ("zh_CN", str),
    "TIMEZONE": ("Asia/Shanghai", str),
    "CURRENCY": ("CNY", str),
    "SESSION_IDLE_MINUTES": (30, int),
    "SESSION_ABSOLUTE_HOURS": (12, int),
    "REMEMBER_DAYS": (30, int),
    "LOGIN_MAX_FAILURES_PER_ACCOUNT": (10, int),
    "LOGIN_ACCOUNT_WINDOW_MINUTES": (15, int),
    "LOGIN_MAX_FAILURES_PER_IP": (10, int),
    "LOGIN_IP_WINDOW_SECONDS": (60, int),
    "DUPLICATE_REVEALS_PER_USER": (120, int),
    "DUPLICATE_REVEALS_WINDOW_MINUTES": (10, int),
    "MAX_UPLOAD_MB": (16, int),
    # Days a customer of each tier may go without contact before My day lists it.
    "TOUCH_DAYS": ("high:7,mid:14,low:30", str),
    "EXPORT_MAX_ROWS": (100_000, int),  # records in one export (a list export is one request)
    "TRUSTED_PROXIES": (0, int),
    "SECURE_COOKIES": (False, bool),
    # Access-log lines of the web server and a line per job from the worker (quiet otherwise).
    "LOG_ACCESS": (False, bool),
    # PostgreSQL planner cost of a random page read for our connections; "" keeps the
    # server's. 1.1 (data in RAM or on SSD) lets a team's list use its (team_id, id) index.
    "PG_RANDOM_PAGE_COST": ("1.1", str),
    # SMTP for email; each one set here overrides what an admin saved on the Email page.
    "SMTP_HOST": ("", str),
    "SMTP_PORT": ("", str),
    "SMTP_SECURITY": ("", str),  # none, starttls or ssl
    "SMTP_USER": ("", str),
    "SMTP_PASSWORD": ("", str),
    "SMTP_FROM_ADDR": ("", str),
}

LANGUAGES = ("zh_CN", "en")
ROLES = ("admin", "manager", "rep", "service", "marketer")


def _coerce(raw: str, kind: type) -> object:
    if kind is bool:
        return raw.strip().lower() in ("1", "true", "yes", "on")
    return kind(raw)


def from_environment(environ: os._Environ | dict | None = None) -> dict[str, object]:
    """Read every known CRM_* variable; unknown or empty ones keep their default."""
    environ = os.environ if environ is None else environ
    values: dict[str, object] = {}
    for name, (default, kind) in SETTINGS.items():
        raw = environ.get(f"CRM_{name}", "")
        values[name] = _coerce(raw, kind) if raw != "" else default
    return values


def secret_key(instance_path: str) -> str:
    """Generate the secret key once and keep it in the instance folder (mode 600)."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def database_uri(url: str, instance_path: str) -> str:
    """Default to SQLite in the instance folder; use the psycopg 3 driver for PostgreSQL."""
    if not url:
        return "sqlite:///" + str(Path(instance_path) / "crm.sqlite3")
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def engine_options(url: str, random_page_cost: str) -> dict[str, object]:
    """SQLAlchemy engine options; on PostgreSQL the session settings our queries assume.

    With the default random_page_cost of 4 (spinning disks) the planner reads a manager's
    filtered list by walking the whole table backwards by id (7 ms at 100k companies)
    instead of the team's (team_id, id) index (1.3 ms).
    """
    postgres = url.startswith(("postgres://", "postgresql"))
    # PostgreSQL pings only idle connections (crm/database.py configure_postgres)
    options: dict[str, object] = {"pool_pre_ping": not postgres}
    if postgres and random_page_cost.strip():
        cost = float(random_page_cost)  # a typo fails at start, not in a query
        options["connect_args"] = {"options": f"-c random_page_cost={cost}"}
    return options


def flask_config(crm: dict[str, object], instance_path: str) -> dict[str, object]:
    """Translate CRM settings into the Flask and extension keys that use them."""
    from datetime import timedelta

    return {
        "SECRET_KEY": crm["SECRET_KEY"] or secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_uri(str(crm["DATABASE_URL"]), instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options(str(crm["DATABASE_URL"]),
                                                    str(crm["PG_RANDOM_PAGE_COST"])),
        "MAX_CONTENT_LENGTH": int(crm["MAX_UPLOAD_MB"]) * 1024 * 1024,
        "PERMANENT_SESSION_LIFETIME": timedelta(days=int(crm["REMEMBER_DAYS"])),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": bool(crm["SECURE_COOKIES"]),
        "SESSION_COOKIE_NAME": "crm_session",
        "REMEMBER_COOKIE_DURATION": timedelta(days=int(crm["REMEMBER_DAYS"])),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
        "WTF_CSRF_SSL_STRICT": True,
        "BABEL_DEFAULT_LOCALE": "en" if crm["DEFAULT_LANGUAGE"] == "en" else "zh_Hans_CN",
        "BABEL_DEFAULT_TIMEZONE": crm["TIMEZONE"],
        "JSON_AS_ASCII": False,
    }
