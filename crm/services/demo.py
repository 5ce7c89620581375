"""The demo dataset: two teams, users of every role, and (when those areas exist) customers."""

from __future__ import annotations

from dataclasses import dataclass

from crm.extensions import db
from crm.services import auth, demo_customers, users

TEAMS = ("华东销售 East China Sales", "North Sales")
USERS = (
    ("manager.east@demo.qiao", "王经理", "manager", 0),
    ("rep.li@demo.qiao", "李娜", "rep", 0),
    ("rep.zhang@demo.qiao", "张伟", "rep", 0),
    ("manager.north@demo.qiao", "Emma Clark", "manager", 1),
    ("rep.smith@demo.qiao", "John Smith", "rep", 1),
    ("service@demo.qiao", "陈客服", "service", 0),
    ("marketing@demo.qiao", "Lucy Marketing", "marketer", 1),
)

# Areas add loaders here: each takes the demo users and returns a summary fragment.
LOADERS: list = []
LOADERS.append(demo_customers.load)


@dataclass(frozen=True)
class Loaded:
    summary: str
    password: str  # the demo users' password, new at every load, to print
    users: list[tuple[str, str]]  # (email, role)


def load() -> Loaded:
    """Create the demo teams and users (idempotent), then each area's demo data. The demo
    users get a new random password each time (a fixed one would open any demo left on a
    reachable address), which the caller prints."""
    password = auth.random_password()
    teams = [users.team_by_name(name) or users.create_team(name) for name in TEAMS]
    created = []
    for email, name, role, team in USERS:
        user = auth.find_user(email)
        if user is None:
            user = auth.create_user(email, name, password, role, teams[team].id)
        else:
            auth.change_password(user, password)
        created.append(user)
    db.session.commit()
    parts = [f"{len(teams)} teams", f"{len(created)} users"]
    for loader in LOADERS:
        parts.append(loader(created))
    db.session.commit()
    return Loaded(", ".join(parts), password, [(u.email, u.role) for u in created])
