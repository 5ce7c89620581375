"""No N+1: the number of SQL statements of each main page stays the same as rows grow.

Each page is requested with few rows, then again after ten times as many users, companies and
people were added (in the signed-in user's scope, so the page really shows them). Timings are
not asserted here (machines are noisy): budgets live in the benchmark (bench/).
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from crm import bench_data
from crm.extensions import db as _db

# (page, role, url builder taking the ids of the busiest company and person)
PAGES = [
    ("home", "rep", lambda ids: "/"),  # My day: plans, customers due for a touch, recent
    ("home", "manager", lambda ids: "/"),  # ... and the team's overdue plans
    ("profile", "rep", lambda ids: "/profile"),
    ("admin users", "admin", lambda ids: "/admin/users"),
    ("companies list", "rep", lambda ids: "/companies"),
    ("companies list", "manager", lambda ids: "/companies"),
    ("companies filtered", "manager", lambda ids: "/companies?status=customer&sort=name"),
    ("companies search", "rep", lambda ids: "/companies?q=%E6%9C%89%E9%99%90%E5%85%AC%E5%8F%B8"),
    # ^ 有限公司
    ("company page", "rep", lambda ids: f"/companies/{ids['company']}"),
    ("company page", "manager", lambda ids: f"/companies/{ids['company']}"),
    ("contacts list", "rep", lambda ids: "/contacts"),
    ("contacts search", "manager", lambda ids: "/contacts?q=861"),  # every mobile number
    ("contact page", "rep", lambda ids: f"/contacts/{ids['contact']}"),
    ("tasks list", "manager", lambda ids: "/tasks?overdue=1"),
]


def _grow(app, make_user, owner_id: int, users: int, companies: int) -> dict[str, int]:
    """Add users and customers owned by `owner_id`; the ids of the busiest company/person."""
    from crm.database import utcnow
    from crm.models import Company, Contact, Note, User

    for _ in range(users):
        make_user("rep", team="Team A")
    with app.app_context():
        team_id = _db.session.scalar(select(User.team_id).where(User.id == owner_id))
        _db.session.remove()
        with _db.engine.begin() as conn:
            bench_data.add_customers(conn, [(owner_id, team_id)], companies, companies * 3,
                                     seed=companies)
        busiest = _db.session.execute(
            select(Contact.company_id, func.count()).where(Contact.company_id.isnot(None))
            .group_by(Contact.company_id).order_by(func.count().desc()).limit(1)).first()
        contact = _db.session.scalar(select(func.max(Contact.id)))
        links = [_db.session.scalar(select(model.record_id).where(model.id == record_id))
                 for model, record_id in ((Company, busiest[0]), (Contact, contact))]
        _db.session.remove()
        from datetime import timedelta

        from crm.models import Reminder
        team = list(_db.session.scalars(select(User.id).where(User.team_id == team_id)))
        plans = [{"user_id": team[i % len(team)], "record_id": link, "kind": "next_contact",
                  "due_at": utcnow() - timedelta(hours=1), "attempts": 0,
                  "created_at": utcnow()}
                 for i, link in enumerate(_db.session.scalars(
                     select(Company.record_id).where(Company.owner_id == owner_id)
                     .order_by(Company.id.desc()).limit(companies)))]
        _db.session.remove()
        with _db.engine.begin() as conn:  # My day lists the plans of the user and the team
            conn.execute(Reminder.__table__.insert(), plans)
        with _db.engine.begin() as conn:  # both pages show a timeline entry in every round
            conn.execute(Note.__table__.insert(), [
                {"record_id": link, "body": body, "created_by": owner_id,
                 "created_at": utcnow(), "updated_at": utcnow()}
                for link, body in zip(links, ("回访", "call back"), strict=True)])
        _add_tasks(team, busiest[0], contact, companies)
    return {"company": busiest[0], "contact": contact}


def _add_tasks(team: list[int], company_id: int, contact_id: int, n: int) -> None:
    """n overdue tasks of the team about the busiest company and the newest person (My day,
    the customers' pages and the task list show them)."""
    from datetime import timedelta

    from crm.database import utcnow
    from crm.models import Record, Task, User

    teams = dict(_db.session.execute(select(User.id, User.team_id)
                                     .where(User.id.in_(team))).all())
    _db.session.remove()
    with _db.engine.begin() as conn:
        for i in range(n):
            owner = team[i % len(team)]
            link = conn.execute(Record.__table__.insert().values(
                type="task", created_at=utcnow())).inserted_primary_key[0]
            conn.execute(Task.__table__.insert().values(
                record_id=link, title=f"Task {i}", due_at=utcnow() - timedelta(hours=i + 1),
                priority="normal", status="open", company_id=company_id,
                contact_id=contact_id, owner_id=owner, team_id=teams[owner],
                created_by=owner, created_at=utcnow(), updated_at=utcnow(), version=1))


def _count(client, count_queries, url: str) -> int:
    with count_queries() as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    if url.startswith(("/companies?", "/contacts?")) or url in ("/companies", "/contacts"):
        # an empty list skips the queries that load each row's owner and tags
        assert f'href="{url.split("?")[0]}/' in response.get_data(as_text=True), url
    return queries.count


@pytest.mark.parametrize(("page", "role", "url"), PAGES, ids=[f"{p}-{r}" for p, r, _ in PAGES])
def test_query_count_does_not_grow_with_rows(app, client, login_as, make_user, count_queries,
                                             page, role, url):
    user_id = login_as(role, team="Team A")
    assert _route_exists(app, url({"company": 1, "contact": 1})), f"{page}: no such route"
    few = _grow(app, make_user, user_id, users=3, companies=5)
    client.get(url(few))  # first request of the session: no one-off work in the count
    with_few = _count(client, count_queries, url(few))
    many = _grow(app, make_user, user_id, users=27, companies=45)
    with_many = _count(client, count_queries, url(many))
    assert with_many == with_few, f"{page} as {role}: {with_few} queries with few rows, " \
                                  f"{with_many} with ten times as many"


def _route_exists(app, url: str, method: str = "GET") -> bool:
    from werkzeug.exceptions import HTTPException

    try:
        app.url_map.bind("localhost").match(url.split("?")[0], method=method)
    except HTTPException:
        return False
    return True


def test_bigger_pages_show_more_rows(app, client, login_as, make_user):
    """The grown data really is in the rep's scope (so the counts above compare something)."""
    user_id = login_as("rep", team="Team A")
    _grow(app, make_user, user_id, users=0, companies=30)
    body = client.get("/companies").get_data(as_text=True)
    assert body.count('href="/companies/') >= 20


# (action, url, form data for the first round, for the second round): each creates a record
ACTIONS = [
    ("company quick-add", "/companies",
     {"name": "璟琰蓁供应链管理有限公司", "phone": "13912345601", "quick": "1"},
     {"name": "Harborline Packaging Ltd.", "phone": "13912345602", "quick": "1"}),
    ("person quick-add", "/contacts",
     {"name": "欧阳璟", "phone": "13912345603", "email": "ouyang.jing@bench-new.example",
      "quick": "1"},
     {"name": "Zoe Whitfield", "phone": "13912345604", "email": "zoe.w@bench-new.example",
      "quick": "1"}),
]


@pytest.mark.parametrize(("action", "url", "first", "second"), ACTIONS,
                         ids=[a[0] for a in ACTIONS])
def test_action_query_count_does_not_grow_with_rows(app, hx, login_as, make_user, count_queries,
                                                    action, url, first, second):
    """Quick-add with its duplicate check: the same number of statements at 5 and 50 rows."""
    user_id = login_as("rep", team="Team A")
    assert _route_exists(app, url, "POST"), f"{action}: no such route"
    _grow(app, make_user, user_id, users=3, companies=5)
    with count_queries() as few:
        response = hx.post(url, data=first)
    assert response.status_code == 201, (action, response.status_code)
    _grow(app, make_user, user_id, users=27, companies=45)
    with count_queries() as many:
        response = hx.post(url, data=second)
    assert response.status_code == 201, (action, response.status_code)
    assert many.count == few.count, f"{action}: {few.count} queries with few rows, " \
                                    f"{many.count} with ten times as many"


@pytest.mark.parametrize(("action", "url", "first", "second"), ACTIONS,
                         ids=[a[0] for a in ACTIONS])
def test_quick_add_draws_the_new_row_without_reloading(app, hx, login_as, count_queries,
                                                       action, url, first, second):
    """The row answered by a quick add comes from the record just written: no SELECT after
    the INSERTs (a reload cost four round trips, a third of the request on PostgreSQL)."""
    login_as("rep", team="Team A")
    hx.post(url, data=first)
    with count_queries() as queries:
        response = hx.post(url, data=second)
    assert response.status_code == 201
    assert second["name"] in response.get_data(as_text=True)
    kinds = [s.lstrip().split()[0].upper() for s in queries.statements]
    last_insert = max(i for i, kind in enumerate(kinds) if kind == "INSERT")
    assert "SELECT" not in kinds[last_insert:], queries.statements[last_insert:]
