"""Two admins saving the same user email or team name at the same moment: the unique index
refuses the loser, who gets a 422 naming the field (never a 500), and nothing is half-saved."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from crm.extensions import db
from crm.models import Team, User
from crm.services import users
from tests.conftest import CrmClient, sign_in


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _admin_client(app, make_user, email: str) -> CrmClient:
    app.test_client_class = CrmClient
    client = app.test_client()
    sign_in(client, make_user("admin", team=None, email=email))
    return client


def _race(app, clients, url: str, data: dict | list[dict]) -> list:
    """POST the same form from each client in its own thread. On PostgreSQL both requests
    pass the form's uniqueness check before either writes (each waits at a barrier before
    its first flush), so the unique index decides. SQLite runs write requests one after the
    other (BEGIN IMMEDIATE), so there the second request's form check sees the first row."""
    with app.app_context():
        postgres = db.engine.dialect.name == "postgresql"
    barrier = threading.Barrier(len(clients), timeout=10)
    inserting = threading.local()

    def wait_for_the_other(session, _context, _instances):
        if postgres and not getattr(inserting, "done", False) and any(
                isinstance(obj, User | Team) for obj in session.new):
            inserting.done = True
            barrier.wait()

    answers = [None] * len(clients)

    def post(i):
        answers[i] = clients[i].post(url, data=data[i] if isinstance(data, list) else data)

    event.listen(Session, "before_flush", wait_for_the_other)
    try:
        threads = [threading.Thread(target=post, args=(i,)) for i in range(len(clients))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    finally:
        event.remove(Session, "before_flush", wait_for_the_other)
    return answers


def test_same_email_at_the_same_moment_the_loser_gets_422(app, make_user):
    clients = [_admin_client(app, make_user, f"admin{i}@test.qiao") for i in range(2)]
    before = _count(app, User)
    answers = _race(app, clients, "/admin/users", {
        "email": "Twin@Test.qiao", "name": "Twin", "role": "rep", "team_id": "",
        "password": "long-enough-secret"})
    assert sorted(a.status_code for a in answers) == [302, 422]
    loser = next(a for a in answers if a.status_code == 422)
    assert b"A user with this email already exists." in loser.data
    assert _count(app, User) == before + 1


def test_same_team_name_at_the_same_moment_the_loser_gets_422(app, make_user):
    clients = [_admin_client(app, make_user, f"admin{i}@test.qiao") for i in range(2)]
    answers = _race(app, clients, "/admin/teams", {"name": "North"})
    assert sorted(a.status_code for a in answers) == [302, 422]
    loser = next(a for a in answers if a.status_code == 422)
    assert b"A team with this name already exists." in loser.data
    assert _count(app, Team) == 1


def test_the_service_reports_a_unique_violation_as_the_field(app, db):
    """The path the loser takes, on every database: the insert itself is refused."""
    users.create("same@test.qiao", "One", "long-enough-secret", "rep", None)
    with pytest.raises(users.TakenError) as refused:
        users.create("SAME@test.qiao", "Two", "long-enough-secret", "rep", None)
    assert str(refused.value) == "email"
    users.create_team("North")
    with pytest.raises(users.TakenError) as refused:
        users.create_team("North")
    assert str(refused.value) == "name"
    east = users.create_team("East")
    with pytest.raises(users.TakenError):
        users.rename_team(east, "North", east.version)
    other = users.create("other@test.qiao", "Other", "long-enough-secret", "rep", None)
    with pytest.raises(users.TakenError):
        users.update(other, other.version, email="same@test.qiao", name="Other", role="rep",
                     team_id=None, password=None)
    assert db.session.scalar(select(func.count()).select_from(User)) == 2
    assert db.session.scalar(select(func.count()).select_from(Team)) == 2


def test_same_team_name_in_another_case_at_the_same_moment(app, make_user):
    """The unique index is on the casefolded name: "Ärzte" and "ÄRZTE" sent together,
    both past the form's check, still make one team."""
    clients = [_admin_client(app, make_user, f"admin{i}@test.qiao") for i in range(2)]
    answers = _race(app, clients, "/admin/teams", [{"name": "Ärzte"}, {"name": "ÄRZTE"}])
    assert sorted(a.status_code for a in answers) == [302, 422]
    assert _count(app, Team) == 1


@pytest.mark.parametrize("first, second", [
    ("Ärzte", " äRZTE "), ("ＮＯＲＴＨ", "north"), ("Straße", "STRASSE"), ("Ωmega", "ωMEGA"),
    ("North  East", "north east")])
def test_team_names_compare_casefolded_in_every_script(app, client, make_user, first, second):
    sign_in(client, make_user("admin", team=None, email="boss@test.qiao"))
    assert client.post("/admin/teams", data={"name": first}).status_code == 302
    refused = client.post("/admin/teams", data={"name": second})
    assert refused.status_code == 422
    assert b"A team with this name already exists." in refused.data
    with app.app_context():
        assert users.team_by_name(second).name == first.strip()
        with pytest.raises(users.TakenError):  # the index itself, past the form's check
            users.create_team(second)
    assert _count(app, Team) == 1
