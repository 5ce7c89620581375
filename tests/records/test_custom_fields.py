"""Custom fields, for every record type: defined by an admin, then on the form (validated
by kind), the record page (click-to-edit), the list (column and filter), saved views and
the history; archiving keeps the values. And the admin's bad input."""

from __future__ import annotations

from sqlalchemy import select

from crm.extensions import db
from crm.models import AuditLog, FieldDefinition
from crm.records import custom
from tests import factories


def _define(app, client, rtype, **form) -> FieldDefinition:
    data = {"kind": "choice", "label_en": "Account level", "label_zh": "客户级别",
            "choices": "Gold / 金牌\nSilver / 银牌", "filterable": "y", "list_column": "y",
            **form}
    response = client.post(f"/admin/fields/{rtype.key}", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    with app.app_context():
        row = db.session.scalars(select(FieldDefinition).order_by(FieldDefinition.id.desc())
                                 ).first()
        db.session.expunge(row)
        db.session.remove()
    return row


def test_a_custom_field_appears_everywhere_and_archiving_keeps_its_value(
        app, client, make_user, rtype):
    from tests.conftest import sign_in

    admin = make_user("admin", team="Team A")
    sign_in(client, admin)
    level = _define(app, client, rtype)
    assert level.key == "account_level" and [c["value"] for c in level.choices] == ["c1", "c2"]
    form = client.get(f"/{rtype.plural}/new").get_data(as_text=True)
    assert 'name="account_level"' in form and "Account level" in form
    response = client.post(f"/{rtype.plural}",
                           data=factories.inputs(rtype, account_level="c2"))
    assert response.status_code == 302
    record_id = int(response.headers["Location"].split("/")[-1])
    other = factories.make(app, rtype, admin, account_level="c1")
    listed = client.get(f"/{rtype.plural}").get_data(as_text=True)
    assert "<th>Account level</th>" in listed and "Silver" in listed
    filtered = client.get(f"/{rtype.plural}?account_level=c2").get_data(as_text=True)
    assert f'id="{rtype.key}-{record_id}"' in filtered
    assert f'id="{rtype.key}-{other}"' not in filtered
    page = client.get(f"/{rtype.plural}/{record_id}").get_data(as_text=True)
    assert 'id="fld-account_level"' in page and "Silver" in page
    record = factories.load(app, rtype, record_id)
    saved = client.post(f"/{rtype.plural}/{record_id}/field?name=account_level",
                        data={"account_level": "c1", "version": record.version},
                        headers={"HX-Request": "true"})
    assert saved.status_code == 200 and "Gold" in saved.get_data(as_text=True)
    history = client.get(f"/{rtype.plural}/{record_id}?history=1").get_data(as_text=True)
    assert "<b>Account level</b>: <del>Silver</del> → Gold" in history
    assert client.post(f"/admin/fields/{rtype.key}/{level.id}/archive").status_code == 302
    assert 'name="account_level"' not in client.get(f"/{rtype.plural}/new").get_data(
        as_text=True)
    assert (factories.load(app, rtype, record_id).custom or {}).get("account_level") == "c1"
    notice = client.get(f"/{rtype.plural}?account_level=c2").get_data(as_text=True)
    assert "filters on fields that were archived: Account level" in notice
    assert client.post(f"/admin/fields/{rtype.key}/{level.id}/restore").status_code == 302
    assert "Gold" in client.get(f"/{rtype.plural}/{record_id}").get_data(as_text=True)


def test_custom_values_are_checked_by_kind(app, client, make_user, rtype):
    from tests.conftest import sign_in

    admin = make_user("admin", team="Team A")
    sign_in(client, admin)
    _define(app, client, rtype, kind="integer", label_en="Employees", label_zh="员工数",
            choices="", required="y")
    _define(app, client, rtype)
    before = _count(app, rtype)
    cases = [({"employees": "many"}, "employees"), ({"employees": ""}, "employees"),
             ({"employees": "12", "account_level": "platinum"}, "account_level")]
    for bad, field in cases:
        response = client.post(f"/{rtype.plural}", data=factories.inputs(rtype, **bad))
        body = response.get_data(as_text=True)
        assert response.status_code == 422, bad
        assert f'id="err-{field}"' in body and 'aria-invalid="true"' in body, bad
    assert _count(app, rtype) == before
    ok = client.post(f"/{rtype.plural}", data=factories.inputs(rtype, employees="12"))
    assert ok.status_code == 302


def _count(app, rtype) -> int:
    from sqlalchemy import func

    with app.app_context():
        total = db.session.scalar(select(func.count()).select_from(rtype.model))
        db.session.remove()
    return total


def test_admin_bad_input_gets_a_message_and_saves_nothing(app, client, login_as):
    login_as("admin", team="Team A")
    cases = [
        ({"kind": "no-such-kind"}, "Choose one of the kinds in the list."),
        ({"key": "name"}, "is already a field of this record type"),
        ({"key": "phone_kind"}, "is already a field of this record type"),
        ({"key": "sort"}, "is already a field of this record type"),
        ({"key": "Bad Key!"}, "Use 2 to 40 lowercase letters"),
        ({"label_en": ""}, "Enter the label in English."),
        ({"label_en": "x" * 61}, "Use at most 60 characters."),
        ({"kind": "choice", "choices": ""}, "Add at least one choice"),
        ({"kind": "choice", "choices": "A\na"}, "Each choice must have its own English"),
    ]
    for override, message in cases:
        data = {"kind": "text", "label_en": "Region code", "label_zh": "", **override}
        response = client.post("/admin/fields/company", data=data)
        assert response.status_code == 422, override
        assert message in response.get_data(as_text=True), override
    with app.app_context():
        assert db.session.scalar(select(FieldDefinition.id)) is None
        db.session.remove()
    assert client.post("/admin/fields/no-such-type", data={}).status_code == 404


def test_a_key_taken_by_an_archived_field_and_the_field_limit(app, client, login_as):
    login_as("admin", team="Team A")
    client.post("/admin/fields/company", data={"kind": "text", "label_en": "Region code"})
    with app.app_context():
        definition = db.session.scalar(select(FieldDefinition))
        definition_id = definition.id
        db.session.remove()
    client.post(f"/admin/fields/company/{definition_id}/archive")
    again = client.post("/admin/fields/company",
                        data={"kind": "text", "label_en": "x", "key": "region_code"})
    assert again.status_code == 422 and "already has the key region_code" in again.get_data(
        as_text=True)
    with app.app_context():
        for n in range(custom.MAX_FIELDS - 1):
            db.session.add(FieldDefinition(record_type="company", key=f"f{n:03d}",
                                           kind="text", label_en=f"F{n}", label_zh=f"F{n}",
                                           position=n + 2))
        db.session.commit()
        db.session.remove()
    full = client.post("/admin/fields/company", data={"kind": "text", "label_en": "One more"})
    assert full.status_code == 422 and "at most 100 custom fields" in full.get_data(
        as_text=True)


def test_definition_changes_are_audited_and_a_stale_edit_is_refused(app, client, login_as):
    login_as("admin", team="Team A")
    client.post("/admin/fields/contact", data={"kind": "choice", "label_en": "Hobby",
                                               "choices": "Tea\nGolf"})
    with app.app_context():
        definition = db.session.scalar(select(FieldDefinition))
        definition_id, version = definition.id, definition.version
        db.session.remove()
    update = {"label_en": "Hobbies", "label_zh": "爱好", "choices": "Golf\nChess",
              "version": version}
    assert client.post(f"/admin/fields/contact/{definition_id}", data=update).status_code == 302
    stale = client.post(f"/admin/fields/contact/{definition_id}", data=update)
    assert stale.status_code == 302 and stale.headers["Location"].endswith("/edit")
    with app.app_context():
        definition = db.session.get(FieldDefinition, definition_id)
        values = {c["en"]: (c["value"], c["retired"]) for c in definition.choices}
        assert values == {"Golf": ("c2", False), "Chess": ("c3", False), "Tea": ("c1", True)}
        actions = [r.action for r in db.session.scalars(select(AuditLog).where(
            AuditLog.entity == "field_definition"))]
        assert actions == ["create", "update"]
        db.session.remove()
