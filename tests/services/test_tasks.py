"""Tasks, a record type with only what is special added: complete, snooze and reopen
(audited), reassigning within the user's scope, the due reminder (notified once), the open
tasks on a customer's page, the Overdue list preset and My day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask_babel import get_timezone
from sqlalchemy import select

from crm.extensions import db
from crm.jobs.reminders import deliver_due_reminders
from crm.models import AuditLog, Notification, Reminder, Task
from crm.records.customers import COMPANY
from crm.records.tasks import TASK
from crm.services import tasks
from tests import factories


def _local(app, delta: timedelta) -> str:
    """A datetime-local input `delta` from now, in the installation's time zone."""
    with app.test_request_context():
        zone = get_timezone()
    return (datetime.now(UTC) + delta).astimezone(zone).strftime("%Y-%m-%dT%H:%M")


def _task(app, owner: int, delta: timedelta, title: str = "Send the quote", **extra) -> int:
    return factories.make(app, TASK, owner, title=title, due_at=_local(app, delta), **extra)


def _load(app, task_id: int) -> Task:
    with app.app_context():
        task = db.session.get(Task, task_id)
        db.session.expunge(task)
        db.session.remove()
    return task


def _reminders(app, task_id: int) -> list[Reminder]:
    with app.app_context():
        link = db.session.scalar(select(Task.record_id).where(Task.id == task_id))
        rows = list(db.session.scalars(select(Reminder).where(Reminder.record_id == link)
                                       .order_by(Reminder.id)))
        db.session.expunge_all()
        db.session.remove()
    return rows


def _changes(app, task_id: int) -> list[dict]:
    with app.app_context():
        rows = [a.changes or {} for a in db.session.scalars(
            select(AuditLog).where(AuditLog.entity == "task", AuditLog.entity_id == task_id,
                                   AuditLog.action == "update").order_by(AuditLog.id))]
        db.session.remove()
    return rows


@pytest.fixture
def rep(login_as):
    return login_as("rep", team="Team A")


def test_a_new_task_reminds_its_assignee_at_its_due_time(app, rep):
    task_id = _task(app, rep, timedelta(days=2))
    [reminder] = _reminders(app, task_id)
    task = _load(app, task_id)
    assert reminder.kind == tasks.TASK_DUE and reminder.user_id == rep
    assert reminder.due_at == task.due_at and reminder.handled_at is None


def test_complete_from_the_list_marks_it_done_audits_and_closes_the_reminder(app, hx, rep):
    task_id = _task(app, rep, timedelta(hours=3))
    listing = hx.get("/tasks").get_data(as_text=True)
    assert f'/tasks/{task_id}/complete' in listing, "a list row has the complete button"
    response = hx.post(f"/tasks/{task_id}/complete")
    assert response.status_code == 200 and response.get_data(as_text=True) == ""
    assert "Send the quote done." in response.headers["HX-Trigger"]
    task = _load(app, task_id)
    assert task.status == "done" and task.done_at is not None
    assert any("status" in c for c in _changes(app, task_id)), "the audit log has it"
    [reminder] = _reminders(app, task_id)
    assert reminder.done_at is not None and reminder.handled_at is not None
    assert hx.post(f"/tasks/{task_id}/reopen").status_code == 200
    task = _load(app, task_id)
    assert task.status == "open" and task.done_at is None
    assert len([r for r in _reminders(app, task_id) if r.done_at is None]) == 1


def test_snooze_moves_the_due_time_in_the_installation_time_zone(app, hx, rep):
    task_id = _task(app, rep, -timedelta(hours=1))
    assert hx.post(f"/tasks/{task_id}/snooze", data={"until": "tomorrow"}).status_code == 200
    task = _load(app, task_id)
    with app.test_request_context():
        zone = get_timezone()
    local = task.due_at.astimezone(zone)
    assert (local.hour, local.minute) == (9, 0)
    assert local.date() == datetime.now(UTC).astimezone(zone).date() + timedelta(days=1)
    assert any("due_at" in c for c in _changes(app, task_id))
    pending = [r for r in _reminders(app, task_id) if r.done_at is None]
    assert [r.due_at for r in pending] == [task.due_at], "one reminder, at the new time"
    before = datetime.now(UTC)
    hx.post(f"/tasks/{task_id}/snooze", data={"until": "hour"})
    assert timedelta(minutes=59) < _load(app, task_id).due_at - before < timedelta(minutes=61)


@pytest.mark.parametrize("until", ["", "yesterday", "3", "hour; drop table task"])
def test_a_bad_snooze_answers_422_saying_what_to_choose(app, client, hx, rep, until):
    task_id = _task(app, rep, timedelta(hours=5))
    due = _load(app, task_id).due_at
    for sender in (client, hx):
        response = sender.post(f"/tasks/{task_id}/snooze", data={"until": until})
        assert response.status_code == 422
        assert "Choose when to be reminded again" in response.get_data(as_text=True)
    assert _load(app, task_id).due_at == due and _changes(app, task_id) == []


def test_tasks_of_another_rep_answer_404(app, client, make_user, rep):
    other = make_user("rep", team="Team A")
    task_id = _task(app, other, timedelta(hours=5))
    for action in ("complete", "reopen", "snooze"):
        assert client.post(f"/tasks/{task_id}/{action}", data={"until": "hour"}) \
            .status_code == 404
    assert _load(app, task_id).status == "open"


def test_a_rep_cannot_reassign_and_a_manager_only_within_the_team(
        app, client, make_user, login_as):
    from tests.conftest import sign_in

    rep = login_as("rep", team="Team A")
    teammate = make_user("rep", team="Team A")
    stranger = make_user("rep", team="Team B")
    task_id = _task(app, rep, timedelta(days=1))
    data = factories.inputs(TASK, title="Send the quote", due_at=_local(app, timedelta(days=1)))
    response = client.post(f"/tasks/{task_id}", data={**data, "owner": str(teammate),
                                                      "version": "1"})
    assert response.status_code == 302
    assert _load(app, task_id).owner_id == rep, "a rep's tasks stay theirs"

    manager = make_user("manager", team="Team A")
    sign_in(client, manager)
    version = _load(app, task_id).version
    response = client.post(f"/tasks/{task_id}", data={**data, "owner": str(stranger),
                                                      "version": str(version)})
    assert response.status_code == 422
    assert "Choose one of the people in the list." in response.get_data(as_text=True)
    assert _load(app, task_id).owner_id == rep
    response = client.post(f"/tasks/{task_id}", data={**data, "owner": str(teammate),
                                                      "version": str(version)})
    assert response.status_code == 302
    task = _load(app, task_id)
    assert task.owner_id == teammate
    pending = [r for r in _reminders(app, task_id) if r.done_at is None]
    assert [r.user_id for r in pending] == [teammate], "the reminder follows the assignee"


def test_the_due_reminder_notifies_the_assignee_once(app, rep):
    task_id = _task(app, rep, -timedelta(minutes=5), title="Call back about the order")
    future = _task(app, rep, timedelta(days=1), title="Later")
    with app.app_context():
        assert deliver_due_reminders() == 1
        assert deliver_due_reminders() == 0
        rows = list(db.session.scalars(select(Notification).where(
            Notification.kind == tasks.TASK_DUE)))
        assert [(n.user_id, n.params["id"]) for n in rows] == [(rep, task_id)]
        db.session.remove()
    assert future != task_id
    # a task done before it was due is never notified
    done = _task(app, rep, timedelta(minutes=1), title="Done early")
    with app.test_request_context():
        from flask_login import login_user

        from crm.models import User

        user = db.session.get(User, rep)
        login_user(user)
        tasks.complete(db.session.get(Task, done), user)
        db.session.commit()
        db.session.execute(Reminder.__table__.update().where(Reminder.done_at.is_not(None))
                           .values(due_at=datetime.now(UTC) - timedelta(minutes=1)))
        db.session.commit()
        deliver_due_reminders()
        kinds = [n.params["id"] for n in db.session.scalars(select(Notification))]
        db.session.remove()
    assert kinds == [task_id]


def test_a_customer_page_shows_its_open_tasks_and_adds_one_prefilled(app, client, rep):
    company_id = factories.make(app, COMPANY, rep, name="Hengda Trading")
    task_id = _task(app, rep, timedelta(days=1), title="Bring the samples",
                    company="Hengda Trading")
    _task(app, rep, timedelta(days=1), title="Unrelated")
    page = client.get(f"/companies/{company_id}").get_data(as_text=True)
    assert "Open tasks" in page and "Bring the samples" in page and "Unrelated" not in page
    assert f'/tasks/new?company_id={company_id}' in page
    form = client.get(f"/tasks/new?company_id={company_id}").get_data(as_text=True)
    assert 'value="Hengda Trading"' in form
    client.post(f"/tasks/{task_id}/complete")
    page = client.get(f"/companies/{company_id}").get_data(as_text=True)
    assert f'href="/tasks/{task_id}"' not in page and "No open tasks." in page


def test_the_overdue_preset_lists_open_tasks_past_their_due_time(app, client, rep):
    _task(app, rep, -timedelta(hours=2), title="Late one")
    _task(app, rep, timedelta(hours=2), title="Not yet")
    done = _task(app, rep, -timedelta(hours=3), title="Late but done")
    client.post(f"/tasks/{done}/complete")
    page = client.get("/tasks").get_data(as_text=True)
    assert "?overdue=1" in page, "the preset is offered"
    page = client.get("/tasks?overdue=1").get_data(as_text=True)
    assert "Late one" in page and "Not yet" not in page and "Late but done" not in page


def test_my_day_lists_tasks_due_today_oldest_first_and_the_team_overdue(
        app, client, make_user, login_as):
    from tests.conftest import sign_in

    rep = login_as("rep", team="Team A")
    _task(app, rep, timedelta(minutes=1), title="Due soon")
    _task(app, rep, -timedelta(days=2), title="Long overdue")
    _task(app, rep, timedelta(days=8), title="Next month thing")
    page = client.get("/").get_data(as_text=True)
    assert "Tasks due today and overdue" in page
    assert page.index("Long overdue") < page.index("Due soon")
    assert "Next month thing" not in page
    assert "task-complete" in page
    manager = make_user("manager", team="Team A")
    sign_in(client, manager)
    page = client.get("/").get_data(as_text=True)
    assert "Overdue tasks in your team" in page and "Long overdue" in page
    assert "Due soon" not in page
