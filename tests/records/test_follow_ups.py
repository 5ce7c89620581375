"""Follow-ups on any record type: logged from the timeline form with a method, outcome, time
and next contact (a reminder for the rep); bad input answered with what to fix and nothing
saved; a newer plan replaces the older reminder."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask_babel import get_timezone
from sqlalchemy import func, select

from crm.extensions import db
from crm.models import Note, Reminder
from crm.services.follow_ups import NEXT_CONTACT  # a task's own due reminder is another kind
from tests import factories


def _local(app, delta: timedelta) -> str:
    """A datetime-local input value `delta` from now, in the installation's time zone."""
    with app.test_request_context():
        zone = get_timezone()
    return (datetime.now(UTC) + delta).astimezone(zone).strftime("%Y-%m-%dT%H:%M")


def _counts(app) -> tuple[int, int]:
    with app.app_context():
        result = (db.session.scalar(select(func.count()).select_from(Note)),
                  db.session.scalar(select(func.count()).select_from(Reminder)
                                  .where(Reminder.kind == NEXT_CONTACT)))
        db.session.remove()
    return result


def test_a_follow_up_with_a_next_contact_is_on_the_timeline_and_reminds_its_rep(
        app, hx, rep, rtype):
    record_id = factories.make(app, rtype, rep)
    response = hx.post(f"/{rtype.plural}/{record_id}/notes", data={
        "method": "call", "outcome": "interested", "body": "Wants a quote for 40 units",
        "happened_at": _local(app, -timedelta(hours=2)),
        "next_contact_at": _local(app, timedelta(days=1))})
    assert response.status_code == 200, response.get_data(as_text=True)[:3000]
    page = response.get_data(as_text=True)
    assert "Wants a quote for 40 units" in page and ">Call<" in page and ">Interested<" in page
    assert "Next contact:" in page
    assert response.headers.get("HX-Trigger") and "Follow-up logged." in \
        response.headers["HX-Trigger"]
    with app.app_context():
        note = db.session.scalars(select(Note)).one()
        reminder = db.session.scalars(select(Reminder).where(
            Reminder.kind == NEXT_CONTACT)).one()
        assert note.method == "call" and note.outcome == "interested"
        assert timedelta(hours=1, minutes=58) < datetime.now(UTC) - note.happened_at \
            < timedelta(hours=2, minutes=2)
        assert reminder.user_id == rep and reminder.note_id == note.id
        assert reminder.due_at == note.next_contact_at
        assert timedelta(hours=23, minutes=58) < reminder.due_at - datetime.now(UTC) \
            < timedelta(days=1, minutes=1)
        record = db.session.get(rtype.model, record_id)
        if hasattr(record, "last_contact_at"):
            assert record.last_contact_at == note.happened_at, "last contact: when it happened"
        db.session.remove()


def test_a_newer_plan_replaces_the_older_reminder(app, hx, rep, rtype):
    record_id = factories.make(app, rtype, rep)
    url = f"/{rtype.plural}/{record_id}/notes"
    assert hx.post(url, data={"method": "visit", "body": "Met the buyer",
                              "next_contact_at": _local(app, timedelta(days=3))}).status_code == 200
    assert hx.post(url, data={"method": "call", "outcome": "no_answer",
                              "next_contact_at": _local(app, timedelta(days=1))}).status_code == 200
    with app.app_context():
        pending = db.session.scalars(select(Reminder).where(
            Reminder.handled_at.is_(None), Reminder.kind == NEXT_CONTACT)).all()
        assert len(pending) == 1
        assert pending[0].due_at - datetime.now(UTC) < timedelta(days=1, minutes=1)
        db.session.remove()


@pytest.mark.parametrize(("data", "message"), [
    ({"method": "call", "body": "Called", "next_contact_at": "PAST"},
     "The next contact is in the past. Choose a later time."),
    ({"method": "visit", "body": "Visited", "happened_at": "FUTURE"},
     "This time has not come yet."),
    ({"method": "call", "body": ""},
     "Say what came of it: write a summary or choose an outcome."),
    ({"body": "A plain note", "outcome": "reached"},
     "Choose how you were in touch (call, visit...) to log an outcome."),
    ({"method": "fax", "body": "Sent a fax"}, "Choose one of the options in the list."),
    ({"method": "call", "outcome": "delighted", "body": "x"},
     "Choose one of the options in the list."),
    ({"method": "call", "body": "x", "next_contact_at": "tomorrow morning"},
     "Not a valid datetime value."),
    ({"method": "call", "body": "x", "next_contact_at": "FAR"},
     "Plan the next contact within two years."),
    ({"method": "call", "body": "x", "happened_at": "1899-12-31T10:00"},
     "Check the year of this time."),
])
def test_bad_follow_ups_say_what_to_fix_and_save_nothing(app, hx, rep, rtype, data, message):
    record_id = factories.make(app, rtype, rep)
    values = {"PAST": _local(app, -timedelta(minutes=5)), "FUTURE": _local(app, timedelta(hours=3)),
              "FAR": _local(app, timedelta(days=800))}
    data = {k: values.get(v, v) for k, v in data.items()}
    response = hx.post(f"/{rtype.plural}/{record_id}/notes", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _counts(app) == (0, 0)
