"""The audit trail: model changes (old → new), logins, append-only rows, one-query user loader."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import Numeric, String, delete, select, update
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from crm.database import utcnow
from crm.extensions import db as _db
from crm.models import AuditLog, User
from crm.models.mixins import TimestampMixin, TrashMixin, VersionMixin
from crm.services import audit, auth
from tests.conftest import TEST_PASSWORD


class ProbeBase(DeclarativeBase):
    """A base of its own, so the probe table stays out of the app's metadata."""


class Probe(TimestampMixin, VersionMixin, TrashMixin, ProbeBase):
    """An audited business record, built from the same mixins as the real ones."""

    __tablename__ = "audit_probe"
    __audited__ = True
    __audit_hidden__ = frozenset({"secret"})

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    amount: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    secret: Mapped[str | None] = mapped_column(String(80))

    def __str__(self) -> str:
        return self.name


@pytest.fixture
def probe_table(db):
    ProbeBase.metadata.create_all(db.engine)
    yield
    db.session.rollback()
    ProbeBase.metadata.drop_all(db.engine)


@pytest.fixture
def actor(db, make_user):
    """A job or command acting as a known user (outside a request)."""
    user_id = make_user("rep")
    token = audit.acting_user.set(user_id)
    yield user_id
    audit.acting_user.reset(token)


def _rows(db, **filters) -> list[AuditLog]:
    stmt = select(AuditLog).filter_by(**filters).order_by(AuditLog.id)
    return list(db.session.scalars(stmt))


def test_create_update_delete_restore_are_recorded_with_old_and_new(db, probe_table, actor):
    probe = Probe(name="Alpha", amount=Decimal("12.50"), secret="s3cret")
    db.session.add(probe)
    db.session.commit()
    created = _rows(db, entity="audit_probe", entity_id=probe.id)
    assert [r.action for r in created] == ["create"]
    assert created[0].user_id == actor
    assert created[0].summary == "Alpha"
    assert created[0].changes == {"name": [None, "Alpha"], "amount": [None, "12.50"],
                                  "id": [None, probe.id], "secret": [None, "***"]}

    probe.name = "Beta"
    probe.amount = Decimal("99.00")
    db.session.commit()
    probe.name = "Beta"  # the same value again is not a change
    db.session.commit()
    probe.deleted_at = utcnow()
    db.session.commit()
    deleted_at = probe.deleted_at
    probe.deleted_at = None
    db.session.commit()

    rows = _rows(db, entity="audit_probe", entity_id=probe.id)
    assert [r.action for r in rows] == ["create", "update", "delete", "restore"]
    assert rows[1].changes == {"name": ["Alpha", "Beta"], "amount": ["12.50", "99.00"]}
    assert rows[2].changes == {"deleted_at": [None, deleted_at.isoformat()]}
    assert rows[3].changes == {"deleted_at": [deleted_at.isoformat(), None]}
    assert all(r.user_id == actor for r in rows)


def test_hidden_fields_never_reach_the_audit_log(db, probe_table, actor):
    probe = Probe(name="Gamma", secret="first")
    db.session.add(probe)
    db.session.commit()
    probe.secret = "second"
    db.session.commit()
    update_row = _rows(db, entity="audit_probe", action="update")[0]
    assert update_row.changes == {"secret": ["***", "***"]}
    assert "first" not in str(_rows(db)) and "second" not in str(
        [r.changes for r in _rows(db)])


def test_hard_delete_is_recorded(db, probe_table, actor):
    probe = Probe(name="Delta")
    db.session.add(probe)
    db.session.commit()
    probe_id = probe.id
    db.session.delete(probe)
    db.session.commit()
    assert [r.action for r in _rows(db, entity="audit_probe", entity_id=probe_id)] == [
        "create", "delete"]


def test_every_trashable_business_model_is_audited(app):
    """A model with a trash column is business data: its changes must be audited."""
    unaudited = [mapper.class_.__name__ for mapper in _db.Model.registry.mappers
                 if hasattr(mapper.class_, "deleted_at")
                 and not getattr(mapper.class_, "__audited__", False)]
    assert unaudited == []


def test_successful_login_is_recorded(app, client, make_user):
    user_id = make_user("rep", email="auditme@test.qiao")
    response = client.post("/login", data={"email": "auditme@test.qiao",
                                           "password": TEST_PASSWORD})
    assert response.status_code == 302
    with app.app_context():
        rows = _rows(_db, action="login")
        assert len(rows) == 1
        assert (rows[0].user_id, rows[0].entity_id, rows[0].ip) == (user_id, user_id,
                                                                    "127.0.0.1")
        _db.session.remove()


@pytest.mark.parametrize(("email", "reason"), [("auditme@test.qiao", "invalid"),
                                                ("nobody@test.qiao", "invalid")])
def test_failed_login_is_recorded(app, client, make_user, email, reason):
    make_user("rep", email="auditme@test.qiao")
    response = client.post("/login", data={"email": email, "password": "wrong-password!"})
    assert response.status_code == 422
    with app.app_context():
        rows = _rows(_db, action="login_failed")
        assert len(rows) == 1
        assert rows[0].summary == f"{email} ({reason})"
        assert rows[0].ip == "127.0.0.1"
        assert "wrong-password!" not in str(rows[0].changes) + rows[0].summary
        assert _rows(_db, action="login") == []
        _db.session.remove()


def _one_audit_row(db) -> AuditLog:
    audit.record(db.session, "export", entity="report", summary="original")
    db.session.commit()
    return _rows(db, action="export")[0]


def test_audit_row_cannot_be_updated_through_the_orm(db):
    row = _one_audit_row(db)
    row.summary = "tampered"
    with pytest.raises(PermissionError):
        db.session.commit()
    db.session.rollback()
    assert db.session.get(AuditLog, row.id).summary == "original"


def test_audit_row_cannot_be_deleted_through_the_orm(db):
    row = _one_audit_row(db)
    db.session.delete(row)
    with pytest.raises(PermissionError):
        db.session.commit()
    db.session.rollback()
    assert db.session.get(AuditLog, row.id) is not None


@pytest.mark.parametrize("statement", [
    lambda: update(AuditLog).values(summary="tampered"),
    lambda: delete(AuditLog),
])
def test_audit_rows_cannot_be_bulk_changed_through_the_orm(db, statement):
    row = _one_audit_row(db)
    with pytest.raises(PermissionError):
        db.session.execute(statement())
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(AuditLog, row.id).summary == "original"


def test_user_loader_is_a_single_query(app, make_user, count_queries):
    user_id = make_user("manager", team="North")
    with app.test_request_context():
        sid = auth.start_session(_db.session.get(User, user_id), "127.0.0.1", "pytest")
        _db.session.remove()
    with app.test_request_context():
        with count_queries() as queries:
            user = auth.load_session_user(sid)
            assert user.id == user_id and user.get_id() == sid
            assert user.team.name == "North"  # the team comes with the same query
        assert queries.count == 1, queries.statements
        auth.revoke_session(sid)
        _db.session.commit()
        assert auth.load_session_user(sid) is None
        _db.session.remove()
