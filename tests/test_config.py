"""Settings that shape the database connection."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from crm import config
from crm.extensions import db


def test_postgres_connections_get_the_planner_cost_sqlite_none():
    pg = config.engine_options("postgresql://crm@db/crm", "1.1")
    assert pg["connect_args"] == {"options": "-c random_page_cost=1.1"}
    assert pg["pool_pre_ping"] is False  # only idle connections are pinged (database.py)
    assert config.engine_options("", "1.1")["pool_pre_ping"] is True
    assert "connect_args" not in config.engine_options("postgresql://crm@db/crm", "")
    assert "connect_args" not in config.engine_options("", "1.1")  # SQLite default
    assert "connect_args" not in config.engine_options("sqlite:///x.sqlite3", "1.1")


def test_a_mistyped_planner_cost_stops_the_start():
    with pytest.raises(ValueError):
        config.engine_options("postgresql://crm@db/crm", "fast")


def test_the_running_app_uses_the_setting(app):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("random_page_cost is a PostgreSQL setting; SQLite has no planner costs")
        value = db.session.scalar(text("SHOW random_page_cost"))
        db.session.remove()
    assert float(value) == 1.1
