"""Records for tests, of any registered type: `inputs()` gives what a user would type into
the full form (strings, by input name), `make()` saves such a record through the type's
own form and the record service, so a test needs no per-type setup code.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from werkzeug.datastructures import MultiDict

_serial = itertools.count(1)

# A valid and an invalid input per kind (None: the kind has no invalid text input).
VALID = {"text": "Sample", "long_text": "Line one\nLine two", "email": "sample@example.com",
         "url": "www.example.com", "phone": "138 0013 8000", "integer": "42",
         "decimal": "3.1415", "money": "1999.50", "date": "2024-05-04",
         "datetime": "2024-05-04T09:30", "checkbox": "y", "tags": "VIP, 华东",
         "region": ("广东", "深圳")}
INVALID = {"email": "not an email", "url": "not a web address", "phone": "12ab",
           "integer": "forty-two", "decimal": "1.2.3", "money": "1.234", "date": "2024-13-45",
           "datetime": "yesterday", "choice": "no-such-choice", "multi_choice": "no-such"}


def invalid_input(spec) -> str | None:
    """A value the field refuses (None when every typed value is acceptable)."""
    if spec.kind.key in ("text", "long_text") and spec.max_length:
        return "x" * (spec.max_length + 1)
    return INVALID.get(spec.kind.key)


def unique_phone() -> str:
    return f"+86139{next(_serial) + 10_000_000:08d}"


def valid_input(spec, n: int | None = None, *, last: bool = False) -> dict[str, object]:
    """Input name -> a value the field accepts (the first choice of a choice field, or the
    last one with `last`: unlike a default, a change)."""
    n = next(_serial) if n is None else n
    key, kind = spec.key, spec.kind.key
    if kind == "phones":
        return {"phone": unique_phone(), "phone_kind": "mobile"}
    if kind == "region":
        return dict(zip(("province", "city"), VALID["region"], strict=True))
    if kind in ("choice", "multi_choice"):
        return {key: spec.offered_choices()[-1 if last else 0].value}
    if kind == "text" and spec.max_length and spec.max_length >= 40:
        return {key: f"{spec.label} {n} {date.today():%m%d}"}
    if kind == "email":
        return {key: f"sample{n}@example.com"}
    if kind == "date" and spec.options.get("past"):
        return {key: (date.today() - timedelta(days=9000)).isoformat()}
    if kind == "datetime" and last:  # unlike the value a new record was made with
        return {key: "2024-05-05T10:45"}
    if kind in VALID:
        return {key: VALID[kind]}
    return {}


def inputs(rtype, *, quick: bool = False, **override) -> dict[str, object]:
    """What a user types for a new record: every required field (and the quick-add ones)."""
    data: dict[str, object] = {}
    for spec in rtype.fields:  # custom fields come through `override`
        if spec.form and (spec.quick or (spec.required and not quick)):
            data.update(valid_input(spec))
    data.update(override)
    return data


def values(rtype, data: dict) -> dict:
    """The service values of form inputs, checked by the type's own form (as a POST is)."""
    from crm.records import forms

    form = forms.form_class(rtype)(formdata=MultiDict(data), meta={"csrf": False})
    assert form.validate(), form.errors
    return form.values()


def make(app, rtype, owner_id: int, **override) -> int:
    """Save a record of this type owned by `owner_id`; returns its id."""
    from flask_login import login_user

    from crm.extensions import db
    from crm.models import User
    from crm.records import service

    with app.test_request_context():
        owner = db.session.get(User, owner_id)
        login_user(owner)
        record = service.create(rtype, values(rtype, inputs(rtype, **override)), user=owner,
                                confirmed=True)
        db.session.commit()
        record_id = record.id
        db.session.remove()
    return record_id


def load(app, rtype, record_id: int):
    """The stored record with its children (detached)."""
    from sqlalchemy.orm import selectinload

    from crm.extensions import db

    model = rtype.model
    with app.app_context():
        record = db.session.scalars(db.select(model).where(model.id == record_id).options(
            selectinload(model.tags), selectinload(model.phones))).one_or_none()
        if record is not None:
            db.session.expunge(record)
        db.session.remove()
    return record
