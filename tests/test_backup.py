"""Backups taken while the app writes are consistent; restores bring every row back and refuse
files that are not intact CRM backups."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from crm.extensions import db
from crm.models import Team
from crm.services import backup as backup_service
from crm.services import users


def _is_sqlite(app) -> bool:
    return app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")


@pytest.fixture
def sqlite_only(app):
    if not _is_sqlite(app):
        pytest.skip("SQLite online-backup behaviour; PostgreSQL is covered by the pg_dump tests")


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def _row_counts(app) -> dict[str, int]:
    with app.app_context():
        counts = {t.name: db.session.scalar(select(func.count()).select_from(t))
                  for t in db.metadata.sorted_tables}
        db.session.remove()
    return counts


def _team_names(app) -> set[str]:
    with app.app_context():
        names = set(db.session.scalars(select(Team.name)))
        db.session.remove()
    return names


def _make_teams(app, n: int) -> set[str]:
    with app.app_context():
        for i in range(n):
            users.create_team(f"Team {i:02d}")
        db.session.remove()
    return {f"Team {i:02d}" for i in range(n)}


def _delete_teams(app) -> None:
    with app.app_context():
        for team in db.session.scalars(select(Team)).all():
            db.session.delete(team)
        db.session.commit()
        db.session.remove()


class Writer(threading.Thread):
    """Keeps inserting rows (one transaction each) into the live SQLite database."""

    def __init__(self, path: str):
        super().__init__(daemon=True)
        self.path = path
        self.stop = threading.Event()
        self.inserted = 0
        self.errors: list[BaseException] = []

    def run(self) -> None:
        conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        try:
            while not self.stop.is_set():
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("INSERT INTO login_failure (email, ip, at) VALUES (?, ?, ?)",
                             (f"w{self.inserted}@test.qiao", "10.0.0.1",
                              "2026-01-01 00:00:00.000000"))
                conn.execute("COMMIT")
                self.inserted += 1
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.errors.append(exc)
        finally:
            conn.close()


def _integrity(path: Path) -> tuple[str, int]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
        rows = conn.execute("SELECT count(*) FROM login_failure").fetchone()[0]
    finally:
        conn.close()
    return result, rows


def test_twenty_snapshots_under_concurrent_writes_are_intact(app, runner, sqlite_only,
                                                             tmp_path):
    writer = Writer(make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database)
    writer.start()
    try:
        while writer.inserted < 50 and writer.is_alive():  # writes are under way
            threading.Event().wait(0.01)
        snapshots = []
        for i in range(20):
            target = tmp_path / f"snap-{i:02d}.sqlite3"
            result = runner.invoke(args=["backup", str(target)])
            assert result.exit_code == 0, result.output
            assert f"Backup written to {target}" in result.output
            snapshots.append(target)
            threading.Event().wait(0.01)
    finally:
        writer.stop.set()
        writer.join(10)
    assert writer.errors == []
    checks = [_integrity(path) for path in snapshots]
    assert [result for result, _ in checks] == ["ok"] * 20
    rows = [n for _, n in checks]
    assert rows == sorted(rows) and rows[0] >= 50
    assert len(set(rows)) > 1, "the writer made no progress while the snapshots were taken"
    assert rows[-1] <= writer.inserted


def test_backup_without_target_goes_to_the_instance_folder(app, runner):
    result = runner.invoke(args=["backup"])
    assert result.exit_code == 0, result.output
    written = Path(result.output.strip().rsplit(" ", 1)[-1])
    assert written.parent == Path(app.instance_path) / "backups"
    assert written.is_file() and written.stat().st_size > 0


def test_restore_brings_back_deleted_rows(app, runner, tmp_path):
    names = _make_teams(app, 12)
    counts = _row_counts(app)
    target = tmp_path / ("snap.sqlite3" if _is_sqlite(app) else "snap.dump")
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0

    _delete_teams(app)
    assert _team_names(app) == set()

    result = runner.invoke(args=["restore", "--yes", str(target)])
    assert result.exit_code == 0, result.output
    assert f"Restored from {target}" in result.output
    assert _team_names(app) == names
    assert _row_counts(app) == counts  # 0 rows lost, none left over from after the backup
    with app.app_context():  # the app keeps working on the restored database
        users.create_team("After restore")
        db.session.remove()
    assert "After restore" in _team_names(app)


def test_restore_asks_for_confirmation(app, runner, tmp_path):
    names = _make_teams(app, 2)
    target = tmp_path / ("snap.sqlite3" if _is_sqlite(app) else "snap.dump")
    runner.invoke(args=["backup", str(target)])
    _delete_teams(app)
    result = runner.invoke(args=["restore", str(target)], input="n\n")
    assert result.exit_code == 1
    assert "replaces every record" in result.output
    assert _team_names(app) == set()
    assert runner.invoke(args=["restore", str(target)], input="y\n").exit_code == 0
    assert _team_names(app) == names


def _refused(app, runner, source: Path) -> str:
    names = _team_names(app)
    result = runner.invoke(args=["restore", "--yes", str(source)])
    assert result.exit_code == 1
    assert "Restore refused:" in result.output
    assert "Traceback" not in result.output
    assert _team_names(app) == names  # the live database is untouched
    return result.output


def test_restore_refuses_a_corrupt_file(app, runner, tmp_path):
    _make_teams(app, 3)
    garbage = tmp_path / "garbage.bin"
    garbage.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 40)
    output = _refused(app, runner, garbage)
    if _is_sqlite(app):
        assert "is not a SQLite database" in output
    else:
        assert "is not a readable Qiao CRM dump" in output


def test_restore_refuses_a_missing_file(app, runner, tmp_path):
    assert "does not exist" in _refused(app, runner, tmp_path / "nope.sqlite3")


def test_restore_refuses_a_sqlite_file_that_is_not_a_crm_backup(app, runner, sqlite_only,
                                                                tmp_path):
    _make_teams(app, 3)
    other = tmp_path / "other.sqlite3"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT)")
    conn.commit()
    conn.close()
    assert "is not a Qiao CRM backup" in _refused(app, runner, other)


def test_check_sqlite_refuses_a_damaged_snapshot(app, runner, sqlite_only, tmp_path):
    """A snapshot whose pages were damaged after it was written fails the integrity check."""
    _make_teams(app, 40)
    target = tmp_path / "snap.sqlite3"
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    data = bytearray(target.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    for page in range(1, len(data) // page_size):  # keep the header page, damage the rest
        start = page * page_size
        data[start:start + 64] = b"\xff" * 64
    target.write_bytes(bytes(data))
    with pytest.raises(backup_service.BackupError):
        backup_service.check_sqlite(target)
    _refused(app, runner, target)


def test_pg_backup_is_a_custom_format_dump(app, runner, tmp_path):
    if _is_sqlite(app):
        pytest.skip("pg_dump format only applies to PostgreSQL")
    target = tmp_path / "snap.dump"
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    assert target.read_bytes()[:5] == b"PGDMP"
