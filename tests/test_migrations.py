"""Migrations: data on the old schema survives the upgrade to the record layer, and the
models match what the migrations build (nothing the models declare is missing)."""
from __future__ import annotations

import warnings

import pytest
from sqlalchemy import create_engine, make_url, text

from crm import create_app, migrations_dir
from crm.extensions import db

NOW = "2026-11-30 10:00:00"


def _app(url: str):
    from tests.conftest import SECRET

    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
                       "CRM": {"DATABASE_URL": url, "SECRET_KEY": SECRET,
                               "DEFAULT_LANGUAGE": "en"}})


@pytest.fixture
def empty_database(app, tmp_path):
    """An empty database of the same kind as the test run's: a SQLite file, or a database of
    its own on the PostgreSQL server (dropped afterwards)."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("sqlite"):
        yield _app(f"sqlite:///{tmp_path / 'old.sqlite3'}")
        return
    name = "qiao_migration_probe"
    server = create_engine(url, isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield _app(make_url(url).set(database=name).render_as_string(hide_password=False))
    finally:
        with server.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        server.dispose()


def _upgrade(application, revision: str = "head") -> None:
    from flask_migrate import upgrade

    with application.app_context():
        upgrade(directory=migrations_dir(), revision=revision)
        db.session.remove()
        db.engine.dispose()


def _customer(id_: int, name: str, owner: int, **extra) -> dict:
    row = {"id": id_, "name": name, "name_key": name.lower(), "loose_key": name.lower(),
           "status": "potential", "completeness": 10, "search_text": name.lower(),
           "created_at": NOW, "updated_at": NOW, "version": 1, "owner_id": owner,
           "created_by": owner}
    row.update(extra)
    return row


def _person(id_: int, name: str, owner: int, **extra) -> dict:
    row = _customer(id_, name, owner, team_id=1, **extra)
    del row["name_key"], row["loose_key"]
    return row


def _insert(conn, table: str, rows: list[dict]) -> None:
    for row in rows:
        names = ", ".join(row)
        conn.execute(text(f'INSERT INTO "{table}" ({names}) VALUES '
                          f'({", ".join(":" + k for k in row)})'), row)


OLD_DATA = {
    "team": [{"id": 1, "name": "North", "created_at": NOW, "updated_at": NOW, "version": 1}],
    "user": [{"id": 1, "email": "rep@test.qiao", "name": "Rep", "password_hash": "x",
              "role": "rep", "team_id": 1, "is_active": True, "font_size": "normal",
              "created_at": NOW, "updated_at": NOW, "version": 1}],
    "company": [_customer(1, "Acme", 1, email="a@acme.cn", team_id=1),
                _customer(2, "字节跳动", 1, team_id=1, deleted_at=NOW),
                _customer(5, "Globex", 1, team_id=1)],
    "contact": [_person(1, "张伟", 1, company_id=1, gender="male"),
                _person(2, "Li Na", 1, company_id=None),
                _person(3, "Wang Fang", 1, company_id=5)],
    "tag": [{"id": 1, "name": "VIP"}, {"id": 2, "name": "华东"}],
    "company_tag": [{"company_id": 1, "tag_id": 1}, {"company_id": 1, "tag_id": 2},
                    {"company_id": 5, "tag_id": 2}],
    "contact_tag": [{"contact_id": 1, "tag_id": 1}, {"contact_id": 3, "tag_id": 2}],
    "phone": [
        {"id": 1, "company_id": 1, "contact_id": None, "kind": "work", "e164": "+862012345678",
         "is_main": True, "position": 0},
        {"id": 2, "company_id": 1, "contact_id": None, "kind": "mobile",
         "e164": "+8613800138000", "is_main": False, "position": 1},
        {"id": 3, "company_id": None, "contact_id": 1, "kind": "mobile",
         "e164": "+8613900139000", "is_main": True, "position": 0},
        {"id": 4, "company_id": None, "contact_id": 2, "kind": "mobile",
         "e164": "+8613700137000", "is_main": True, "position": 0}],
    "note": [
        {"id": 1, "company_id": 1, "contact_id": None, "body": "company note",
         "created_by": 1, "created_at": NOW, "updated_at": NOW, "client_key": None},
        {"id": 2, "company_id": None, "contact_id": 1, "body": "person note", "created_by": 1,
         "created_at": NOW, "updated_at": NOW, "client_key": "k-2"}],
    "attachment": [{"id": 1, "note_id": 2, "filename": "card.jpg", "content_type": "image/jpeg",
                    "size": 10, "storage_key": "2026/11/abc", "created_at": NOW}],
    "saved_view": [{"id": 1, "user_id": 1, "area": "companies", "name": "VIP",
                    "query": "tag=VIP", "created_at": NOW},
                   {"id": 2, "user_id": 1, "area": "contacts", "name": "Mine",
                    "query": "owner=1", "created_at": NOW}],
}


def _move_sequences(conn) -> None:
    """PostgreSQL: the seeded rows chose their ids, so move the id sequences past them."""
    if conn.dialect.name != "postgresql":
        return
    for table, rows in OLD_DATA.items():
        if "id" in rows[0]:
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                              f"(SELECT MAX(id) FROM \"{table}\"))"))


def _count(conn, table: str) -> int:
    return conn.execute(text(f'SELECT count(*) FROM "{table}"')).scalar()


def test_upgrade_moves_every_row_onto_the_record_layer(empty_database):
    application = empty_database
    _upgrade(application, "0003")
    with application.app_context(), db.engine.begin() as conn:
        for table, rows in OLD_DATA.items():
            _insert(conn, table, rows)
        _move_sequences(conn)
    _upgrade(application)
    with application.app_context(), db.engine.connect() as conn:
        assert _count(conn, "company") == 3 and _count(conn, "contact") == 3
        assert _count(conn, "record") == 6
        assert _count(conn, "phone") == 4 and _count(conn, "note") == 2
        assert _count(conn, "attachment") == 1 and _count(conn, "record_tag") == 5
        links = dict(conn.execute(text(
            "SELECT 'company:' || c.id, c.record_id FROM company c UNION ALL "
            "SELECT 'contact:' || p.id, p.record_id FROM contact p")).all())
        types = dict(conn.execute(text("SELECT id, type FROM record")).all())
        assert {key.split(":")[0] for key in links} == {"company", "contact"}
        assert all(types[link] == key.split(":")[0] for key, link in links.items())
        assert links["company:1"] == 1 and links["company:5"] == 5  # companies keep their ids
        phones = dict(conn.execute(text("SELECT e164, record_id FROM phone")).all())
        assert phones == {"+862012345678": links["company:1"],
                          "+8613800138000": links["company:1"],
                          "+8613900139000": links["contact:1"],
                          "+8613700137000": links["contact:2"]}
        notes = dict(conn.execute(text("SELECT body, record_id FROM note")).all())
        assert notes == {"company note": links["company:1"], "person note": links["contact:1"]}
        tags = sorted(conn.execute(text("SELECT record_id, tag_id FROM record_tag")).all())
        assert tags == sorted([(links["company:1"], 1), (links["company:1"], 2),
                               (links["company:5"], 2), (links["contact:1"], 1),
                               (links["contact:3"], 2)])
        assert dict(conn.execute(text("SELECT id, company_id FROM contact")).all()) == \
            {1: 1, 2: None, 3: 5}
        assert dict(conn.execute(text("SELECT name, area FROM saved_view")).all()) == \
            {"VIP": "company", "Mine": "contact"}
        assert conn.execute(text("SELECT deleted_at FROM company WHERE id = 2")).scalar()
    _new_records_still_work(application)


def _new_records_still_work(application) -> None:
    """After the upgrade a new company gets a fresh record id and is found by search."""
    from crm.models import User
    from crm.records import lists, service
    from crm.records.customers import COMPANY

    with application.test_request_context():
        user = db.session.get(User, 1)
        record = service.create(COMPANY, {"name": "Initech 字节", "phone": []}, user=user,
                                confirmed=True)
        db.session.commit()
        assert record.record_id == 9  # after the highest moved id (the PG sequence too)
        rows, _ = lists.page(COMPANY, user, lists.parse(COMPANY, {"q": "initech"}))
        assert [r.name for r in rows] == ["Initech 字节"]
        db.session.remove()
        db.engine.dispose()


def test_models_match_the_migrations(app):
    """Autogenerate finds nothing to do: every table, column and index the models declare
    is built by a migration (hand-made search objects and custom-field indexes aside)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with app.app_context(), db.engine.connect() as conn, warnings.catch_warnings():
        # Custom-field indexes are expressions (json_extract / ->>) that SQLite's reflection
        # skips with a warning; an earlier test may have left one behind. They are not
        # migration-built, so the skip is expected; any other warning still fails.
        warnings.filterwarnings(
            "ignore", message=r"Skipped unsupported reflection of expression-based index ix_cf_")
        context = MigrationContext.configure(conn, opts={
            "compare_type": True, "include_name": _included,
            "render_item": None})
        differences = [d for d in compare_metadata(context, db.metadata)
                       if not _throwaway(d)]
    assert differences == []


def _included(name, type_, parent_names) -> bool:
    if type_ == "table" and name and ("_fts" in name or name.startswith("test_")):
        return False
    return not (type_ == "index" and name and (name.endswith("_trgm")
                                               or name.startswith("ix_cf_")))


def _throwaway(diff) -> bool:
    """Tables a test registers for itself (tests/records) are not built by migrations."""
    item = diff[1] if isinstance(diff, tuple) and len(diff) > 1 else None
    name = getattr(item, "name", "") or ""
    table = getattr(getattr(item, "table", None), "name", "") or ""
    return name.startswith("test_") or table.startswith("test_")
