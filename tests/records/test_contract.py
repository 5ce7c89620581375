"""The contract every record type keeps, run for each registered type (the throw-away one
of tests/records/gadget.py included): create, bad input, stale versions, scope, click-to-
edit, audit, trash and restore, and a query count that does not grow with the rows."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from crm.extensions import db
from crm.models import AuditLog
from tests import factories


def _count(app, rtype) -> int:
    with app.app_context():
        total = db.session.scalar(select(func.count()).select_from(rtype.model))
        db.session.remove()
    return total


def _audit(app, rtype, record_id: int) -> list[AuditLog]:
    with app.app_context():
        rows = list(db.session.scalars(select(AuditLog).where(
            AuditLog.entity == rtype.entity, AuditLog.entity_id == record_id)
            .order_by(AuditLog.id)))
        db.session.remove()
    return rows


def test_the_full_form_creates_a_record(app, client, rep, rtype):
    before = _count(app, rtype)
    response = client.post(f"/{rtype.plural}", data=factories.inputs(rtype))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    record_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    assert _count(app, rtype) == before + 1
    page = client.get(f"/{rtype.plural}/{record_id}")
    assert page.status_code == 200
    [created] = _audit(app, rtype, record_id)
    assert created.action == "create" and created.user_id == rep


def test_quick_add_answers_the_new_row(app, hx, rep, rtype):
    data = {**factories.inputs(rtype, quick=True), "quick": "1"}
    response = hx.post(f"/{rtype.plural}", data=data)
    assert response.status_code == 201
    body = response.get_data(as_text=True)
    assert 'id="quick-add"' in body and 'hx-swap-oob="afterbegin:#record-rows"' in body
    assert data[rtype.title_field] in body
    assert "toast" in json.loads(response.headers["HX-Trigger"])


def _bad_inputs(rtype) -> list[tuple[str, dict]]:
    cases = [(rtype.title_field, {rtype.title_field: ""})]
    for spec in (s for s in rtype.fields if s.form):
        bad = factories.invalid_input(spec)
        if bad is not None and spec.key != rtype.title_field:
            cases.append((spec.key, {spec.key: bad}))
        if spec.kind.key == "phones":
            cases.append(("phone", {"phone": "12ab"}))
    return cases


def test_bad_input_answers_422_naming_the_field_and_saves_nothing(app, client, rep, rtype):
    before = _count(app, rtype)
    for key, bad in _bad_inputs(rtype):
        response = client.post(f"/{rtype.plural}", data=factories.inputs(rtype, **bad))
        body = response.get_data(as_text=True)
        assert response.status_code == 422, (key, bad)
        name = key if key in bad else next(iter(bad))
        assert 'aria-invalid="true"' in body and f'id="err-{name}"' in body, (key, bad)
    assert _count(app, rtype) == before


def test_a_stale_version_answers_409_and_changes_nothing(app, client, rep, rtype):
    record_id = factories.make(app, rtype, rep)
    stored = factories.load(app, rtype, record_id)
    data = factories.inputs(rtype, version="0")
    response = client.post(f"/{rtype.plural}/{record_id}", data=data)
    assert response.status_code == 409
    assert 'id="version-conflict"' in response.get_data(as_text=True)
    after = factories.load(app, rtype, record_id)
    assert (after.version, getattr(after, rtype.title_field)) == \
        (stored.version, getattr(stored, rtype.title_field))


def test_records_out_of_scope_answer_404(app, client, make_user, login_as, rtype):
    owner = make_user("rep", team="Team A")
    record_id = factories.make(app, rtype, owner)
    login_as("rep", team="Team B")
    base = f"/{rtype.plural}/{record_id}"
    for url in (base, f"{base}/edit", f"{base}/history", f"{base}/field?name=tags"):
        assert client.get(url).status_code == 404, url
    for url in (base, f"{base}/delete", f"{base}/field?name=tags", f"{base}/notes"):
        assert client.post(url, data={"version": "1"}).status_code == 404, url
    assert client.get(f"/{rtype.plural}/2147483648").status_code == 404  # beyond an int


def _inline_cases(rtype):
    for spec in (s for s in rtype.fields if s.form and s.inline):
        data = factories.valid_input(spec, last=True)
        if data:
            yield spec, data


def test_click_to_edit_every_inline_field_is_saved_and_audited(app, hx, rep, rtype):
    record_id = factories.make(app, rtype, rep)
    base = f"/{rtype.plural}/{record_id}/field"
    for spec, data in _inline_cases(rtype):
        editor = hx.get(f"{base}?name={spec.key}&edit=1")
        assert editor.status_code == 200 and "<form" in editor.get_data(as_text=True), spec.key
        version = factories.load(app, rtype, record_id).version
        response = hx.post(f"{base}?name={spec.key}", data={**data, "version": version})
        assert response.status_code == 200, (spec.key, response.get_data(as_text=True)[:500])
        record = factories.load(app, rtype, record_id)
        assert not spec.is_empty(spec.get(record)), spec.key
        assert record.version == version + 1, spec.key
        names = spec.kind.audit_names(spec)
        last = _audit(app, rtype, record_id)[-1]
        assert last.action == "update" and set(last.changes) & set(names), spec.key


def test_click_to_edit_refuses_bad_input_with_422(app, hx, rep, rtype):
    record_id = factories.make(app, rtype, rep)
    for spec in (s for s in rtype.fields if s.form and s.inline):
        bad = factories.invalid_input(spec)
        if bad is None:
            continue
        version = factories.load(app, rtype, record_id).version
        response = hx.post(f"/{rtype.plural}/{record_id}/field?name={spec.key}",
                           data={spec.key: bad, "version": version})
        assert response.status_code == 422, spec.key
        assert factories.load(app, rtype, record_id).version == version


def test_trash_and_restore(app, client, login_as, rtype):
    manager = login_as("manager", team="Team A")
    record_id = factories.make(app, rtype, manager)
    assert client.post(f"/{rtype.plural}/{record_id}/delete").status_code == 302
    assert client.get(f"/{rtype.plural}/{record_id}").status_code == 404
    trash = client.get(f"/{rtype.plural}?trash=1").get_data(as_text=True)
    assert f'id="{rtype.key}-{record_id}"' in trash
    assert client.post(f"/{rtype.plural}/{record_id}/restore").status_code == 302
    assert client.get(f"/{rtype.plural}/{record_id}").status_code == 200
    actions = [row.action for row in _audit(app, rtype, record_id)]
    assert actions == ["create", "delete", "restore"]


@pytest.mark.parametrize("page", ["list", "record"])
def test_query_count_does_not_grow_with_rows(app, client, rep, count_queries, rtype, page):
    ids = [factories.make(app, rtype, rep, tags="VIP") for _ in range(3)]
    url = f"/{rtype.plural}" if page == "list" else f"/{rtype.plural}/{ids[0]}"
    client.get(url)
    with count_queries() as few:
        assert client.get(url).status_code == 200
    ids += [factories.make(app, rtype, rep, tags="VIP, 华东") for _ in range(27)]
    with count_queries() as many:
        body = client.get(url).get_data(as_text=True)
    if page == "list":
        assert body.count(f'id="{rtype.key}-') >= 25
    assert many.count == few.count, (few.statements, many.statements)


def test_managers_change_the_owner_on_the_form_and_in_place_reps_cannot(
        app, client, hx, make_user, login_as, rtype):
    from tests.conftest import sign_in

    rep = make_user("rep", team="Team A", name="Rita Rep")
    colleague = make_user("rep", team="Team A", name="Carl Colleague")
    stranger = make_user("rep", team="Team B", name="Sam Stranger")
    record_id = factories.make(app, rtype, rep)
    sign_in(client, rep)
    assert 'name="owner"' not in client.get(f"/{rtype.plural}/{record_id}/edit").get_data(
        as_text=True)
    data = factories.inputs(rtype, owner=str(colleague),
                            version=factories.load(app, rtype, record_id).version)
    client.post(f"/{rtype.plural}/{record_id}", data=data)
    assert factories.load(app, rtype, record_id).owner_id == rep  # ignored for a rep
    login_as("manager", team="Team A")
    version = factories.load(app, rtype, record_id).version
    refused = hx.post(f"/{rtype.plural}/{record_id}/field?name=owner",
                      data={"owner": str(stranger), "version": version})
    assert refused.status_code == 422  # not a user the manager may assign to
    moved = hx.post(f"/{rtype.plural}/{record_id}/field?name=owner",
                    data={"owner": str(colleague), "version": version})
    assert moved.status_code == 200 and "Carl Colleague" in moved.get_data(as_text=True)
    stored = factories.load(app, rtype, record_id)
    assert stored.owner_id == colleague and stored.team_id is not None
    last = _audit(app, rtype, record_id)[-1]
    assert last.changes["owner_id"] == [rep, colleague]


def test_reps_trash_only_what_they_created_today_and_undo_it(app, client, make_user,
                                                            login_as, rtype):
    from datetime import timedelta

    from sqlalchemy import update

    from crm.database import utcnow

    rep = login_as("rep", team="Team A")
    fresh = factories.make(app, rtype, rep)
    old = factories.make(app, rtype, rep)
    with app.app_context():
        db.session.execute(update(rtype.model).where(rtype.model.id == old)
                           .values(created_at=utcnow() - timedelta(days=2)))
        db.session.commit()
        db.session.remove()
    assert 'data-confirm="Move' in client.get(f"/{rtype.plural}/{fresh}").get_data(
        as_text=True)
    assert 'data-confirm="Move' not in client.get(f"/{rtype.plural}/{old}").get_data(
        as_text=True)
    assert client.post(f"/{rtype.plural}/{old}/delete").status_code == 404
    response = client.post(f"/{rtype.plural}/{fresh}/delete")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f'data-category="undo|/{rtype.plural}/{fresh}/restore"' in page
    undo = client.post(f"/{rtype.plural}/{fresh}/restore", headers={"HX-Request": "true"})
    assert undo.status_code == 204 and undo.headers["HX-Location"] == \
        f"/{rtype.plural}/{fresh}"
    assert factories.load(app, rtype, fresh).deleted_at is None
