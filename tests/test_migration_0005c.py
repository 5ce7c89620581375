"""Migration 0005c: team names get a casefolded unique key; names that fold together stop
the upgrade with a message naming them, and leave the database as it was."""
from __future__ import annotations

import pytest
from sqlalchemy import inspect, text

from crm.extensions import db
from tests.test_migrations import NOW, _upgrade, empty_database  # noqa: F401


def _teams(application, names: list[str]) -> None:
    with application.app_context(), db.engine.begin() as conn:
        for i, name in enumerate(names, start=1):
            conn.execute(text("INSERT INTO team (id, name, created_at, updated_at, version) "
                              "VALUES (:id, :name, :now, :now, 1)"),
                         {"id": i, "name": name, "now": NOW})
        db.session.remove()
        db.engine.dispose()


def _columns(application) -> set[str]:
    with application.app_context():
        names = {c["name"] for c in inspect(db.engine).get_columns("team")}
        db.engine.dispose()
        return names


def test_upgrade_fills_the_key(empty_database):  # noqa: F811
    _upgrade(empty_database, "0004")
    _teams(empty_database, ["North", "ＳＯＵＴＨ  Team", "Ärzte"])
    _upgrade(empty_database)
    with empty_database.app_context():
        keys = db.session.execute(text("SELECT name_key FROM team ORDER BY id")).scalars().all()
        db.session.remove()
        db.engine.dispose()
    assert keys == ["north", "south team", "ärzte"]


def test_upgrade_refuses_names_that_fold_together(empty_database, capfd):  # noqa: F811
    _upgrade(empty_database, "0004")
    _teams(empty_database, ["Ärzte", "Sales", "ÄRZTE"])
    with pytest.raises(SystemExit):  # Flask-Migrate logs the cause and exits non-zero
        _upgrade(empty_database)
    logged = capfd.readouterr().err
    assert "“Ärzte” (id 1) and “ÄRZTE” (id 3)" in logged
    assert "Rename one team of each pair" in logged
    assert "name_key" not in _columns(empty_database)
    with empty_database.app_context(), db.engine.begin() as conn:
        conn.execute(text("UPDATE team SET name = 'Ärzte 2' WHERE id = 3"))
        db.engine.dispose()
    _upgrade(empty_database)
    assert "name_key" in _columns(empty_database)


def test_the_benchmark_loader_fills_the_team_key(app, db):
    """Bulk inserts bypass the model's hook: the loader computes the key itself."""
    from crm import bench_data
    from crm.models import Team

    bench_data.generate("tiny", echo=lambda _line: None)
    teams = db.session.scalars(db.select(Team)).all()
    assert teams and all(t.name_key == t.name.casefold() for t in teams)
