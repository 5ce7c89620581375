"""Visit check-ins: one tap logs a visit with the time and the phone's location, or without
one (marked with the browser's reason); bad coordinates are refused with what to fix and
nothing saved; managers see their team's check-ins per rep and day, never another team's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask_babel import get_timezone
from sqlalchemy import func, select

from crm.extensions import db
from crm.models import Note
from crm.records import registry
from tests import factories


def _note_count(app) -> int:
    with app.app_context():
        found = db.session.scalar(select(func.count()).select_from(Note))
        db.session.remove()
    return found


def _only_note(app) -> Note:
    with app.app_context():
        note = db.session.scalars(select(Note)).one()
        db.session.expunge(note)
        db.session.remove()
    return note


def _today(app) -> str:
    with app.test_request_context():
        zone = get_timezone()
    return datetime.now(UTC).astimezone(zone).date().isoformat()


def test_a_check_in_with_a_location_is_a_visit_on_the_timeline_with_a_map_link(
        app, hx, rep, rtype):
    record_id = factories.make(app, rtype, rep)
    response = hx.post(f"/{rtype.plural}/{record_id}/notes", data={
        "check_in": "1", "latitude": "31.230416", "longitude": "121.473701",
        "accuracy": "18.5"})
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    page = response.get_data(as_text=True)
    assert "Checked in" in page and ">Visit<" in page
    assert "https://uri.amap.com/marker?position=121.473701,31.230416&amp;coordinate=wgs84" \
        in page
    assert "within 18 m" in page or "within 19 m" in page
    assert "Checked in." in response.headers["HX-Trigger"]
    note = _only_note(app)
    assert note.check_in == "located" and note.method == "visit"
    assert (note.latitude, note.longitude, note.location_accuracy) == (31.230416, 121.473701,
                                                                       18.5)
    assert abs(datetime.now(UTC) - note.happened_at) < timedelta(minutes=1)
    # the next form is a plain one again
    assert 'name="check_in" type="hidden" value=""' in page


@pytest.mark.parametrize("reason", ["denied", "unavailable", "timeout", ""])
def test_a_check_in_without_a_location_is_saved_and_marked(app, hx, rep, reason):
    rtype = registry.find("company")
    record_id = factories.make(app, rtype, rep)
    response = hx.post(f"/companies/{record_id}/notes",
                       data={"check_in": "1", "location_error": reason})
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    note = _only_note(app)
    assert note.check_in == (reason or "unavailable") and note.latitude is None
    page = response.get_data(as_text=True)
    assert "No location:" in page and "uri.amap.com/marker" not in page
    assert "Checked in without a location." in response.headers["HX-Trigger"]


@pytest.mark.parametrize("values, message", [
    ({"latitude": "90.5", "longitude": "10"}, "latitude must be a number from -90 to 90"),
    ({"latitude": "-91", "longitude": "10"}, "latitude must be a number from -90 to 90"),
    ({"latitude": "nan", "longitude": "10"}, "latitude must be a number from -90 to 90"),
    ({"latitude": "north", "longitude": "10"}, "latitude must be a number from -90 to 90"),
    ({"latitude": "10", "longitude": "180.01"}, "longitude must be a number from -180 to 180"),
    ({"latitude": "10", "longitude": "-inf"}, "longitude must be a number from -180 to 180"),
    ({"latitude": "10", "longitude": "20", "accuracy": "-1"}, "accuracy must be from 0"),
    ({"latitude": "10", "longitude": "20", "accuracy": "100001"}, "accuracy must be from 0"),
    ({"latitude": "10"}, "needs both latitude and longitude"),
    ({"accuracy": "5"}, "needs both latitude and longitude"),
    ({"location_error": "hacked"}, "not one this page sends"),
])
def test_bad_locations_are_refused_with_what_to_fix_and_nothing_saved(
        app, hx, rep, values, message):
    rtype = registry.find("company")
    record_id = factories.make(app, rtype, rep)
    response = hx.post(f"/companies/{record_id}/notes", data={"check_in": "1", **values})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and "Check in again." in page
    assert _note_count(app) == 0
    assert 'name="latitude" type="hidden" value=""' in page


def test_an_ordinary_note_is_no_check_in(app, hx, rep):
    record_id = factories.make(app, registry.find("company"), rep)
    response = hx.post(f"/companies/{record_id}/notes", data={"body": "Just a note"})
    assert response.status_code == 200
    note = _only_note(app)
    assert note.check_in is None and note.method is None
    assert "Checked in" not in response.get_data(as_text=True)


def _check_in(app, client, user_id, record_id, lat="30.5"):
    from tests.conftest import sign_in

    sign_in(client, user_id)
    response = client.post(f"/companies/{record_id}/notes", data={
        "check_in": "1", "latitude": lat, "longitude": "114.3", "accuracy": "12"},
        headers={"HX-Request": "true"})
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]


def test_managers_see_their_teams_check_ins_per_rep_and_day_never_another_teams(
        app, client, make_user, count_queries):
    from tests.conftest import sign_in

    company = registry.find("company")
    ann = make_user("rep", team="North", name="Ann North")
    bob = make_user("rep", team="North", name="Bob North")
    sue = make_user("rep", team="South", name="Sue South")
    manager = make_user("manager", team="North", name="Nora Manager")
    admin = make_user("admin", team=None, name="Ada Admin")
    for rep_id, lat in ((ann, "30.1"), (bob, "30.2"), (sue, "30.3")):
        _check_in(app, client, rep_id, factories.make(app, company, rep_id), lat)
    day = _today(app)

    sign_in(client, manager)
    with count_queries() as queries:
        page = client.get(f"/check-ins?day={day}").get_data(as_text=True)
    assert "Ann North" in page and "Bob North" in page and "Sue South" not in page
    assert "position=114.300000,30.100000" in page and "30.300000" not in page
    assert queries.count <= 12, queries.statements
    only_bob = client.get(f"/check-ins?day={day}&rep={bob}").get_data(as_text=True)
    assert "30.200000" in only_bob and "30.100000" not in only_bob
    assert client.get(f"/check-ins?day={day}&rep={sue}").status_code == 404
    assert client.get(f"/check-ins?day={day}&rep=abc").status_code == 404
    earlier = client.get("/check-ins?day=2020-01-01").get_data(as_text=True)
    assert "No check-ins on this day." in earlier
    for raw in ("yesterday", "0001-01-01", "9999-12-31", "2026-02-30"):
        bad = client.get(f"/check-ins?day={raw}")
        assert bad.status_code == 422 and "YYYY-MM-DD" in bad.get_data(as_text=True), raw
    assert 'href="/check-ins"' in client.get("/").get_data(as_text=True)

    sign_in(client, ann)
    mine = client.get(f"/check-ins?day={day}").get_data(as_text=True)
    assert "30.100000" in mine and "30.200000" not in mine and "30.300000" not in mine
    assert client.get(f"/check-ins?day={day}&rep={bob}").status_code == 404

    sign_in(client, admin)
    everyone = client.get(f"/check-ins?day={day}").get_data(as_text=True)
    assert all(f"30.{n}00000" in everyone for n in (1, 2, 3))
