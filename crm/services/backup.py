"""Consistent backups of a running database and checked restores.

SQLite: the online backup API (a plain file copy can miss what is still in the WAL).
PostgreSQL: pg_dump in custom format; restore with pg_restore in one transaction.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why."""


def _pg_args(uri: str) -> tuple[list[str], dict[str, str]]:
    url = make_url(uri)
    args = ["-h", url.host or "127.0.0.1", "-p", str(url.port or 5432),
            "-U", url.username or os.environ.get("USER", "postgres"), "-d", url.database or ""]
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    return args, env


def _sqlite_path(uri: str) -> str:
    return make_url(uri).database or ""


def backup(uri: str, target: Path) -> Path:
    """Write a consistent snapshot of the database to `target`."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if uri.startswith("sqlite"):
        src = sqlite3.connect(_sqlite_path(uri))
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        check_sqlite(target)
        return target
    args, env = _pg_args(uri)
    if not shutil.which("pg_dump"):
        raise BackupError("pg_dump is not installed; install the PostgreSQL client tools.")
    run = subprocess.run(["pg_dump", "-Fc", "-f", str(target), *args], env=env,
                         capture_output=True, text=True)
    if run.returncode:
        raise BackupError(f"pg_dump failed: {run.stderr.strip()}")
    return target


def check_sqlite(path: Path) -> None:
    """Refuse a file that is not an intact CRM database."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a SQLite database: {exc}") from exc
    if result != "ok":
        raise BackupError(f"integrity check failed: {result}")
    if "alembic_version" not in tables or "user" not in tables:
        raise BackupError(f"{path} is not a Qiao CRM backup (tables missing)")


def restore(uri: str, source: Path) -> None:
    """Check the snapshot, then replace the database contents with it."""
    if not source.is_file():
        raise BackupError(f"{source} does not exist")
    if uri.startswith("sqlite"):
        check_sqlite(source)
        live = sqlite3.connect(_sqlite_path(uri), timeout=30)
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            src.backup(live)  # copies page by page under the destination's lock
        finally:
            src.close()
            live.close()
        return
    args, env = _pg_args(uri)
    listing = subprocess.run(["pg_restore", "--list", str(source)], capture_output=True,
                             text=True)
    if listing.returncode or "alembic_version" not in listing.stdout:
        raise BackupError(f"{source} is not a readable Qiao CRM dump: {listing.stderr.strip()}")
    run = subprocess.run(["pg_restore", "--clean", "--if-exists", "--single-transaction",
                          "--no-owner", *args, str(source)], env=env, capture_output=True,
                         text=True)
    if run.returncode:
        raise BackupError(f"pg_restore failed: {run.stderr.strip()}")


def default_target(instance_path: str, kind: str) -> Path:
    from datetime import UTC, datetime

    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    ext = "sqlite3" if kind == "sqlite" else "dump"
    return Path(instance_path) / "backups" / f"crm-{stamp}.{ext}"


__all__ = ["BackupError", "backup", "check_sqlite", "default_target", "restore"]
