"""Generated malformed input into every field of the foundation's forms: never a server
error, always a 4xx that names the field, nothing saved."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import func, select

from crm.extensions import db
from crm.models import Team, User

N = 1000


def malformed(seed: int, n: int = N) -> list[str]:
    """Hostile strings: overlong, control characters, NUL, lone surrogates, markup, SQL,
    huge numbers, unicode oddities; deterministic per seed."""
    rng = random.Random(seed)
    pieces = ["\x00", "\x1b[31m", "\r\n", "\t", "<script>alert(1)</script>", "' OR 1=1 --",
              "\u202e", "\ufeff", "𝕏", "９９", "%00", "{{7*7}}", "${jndi:x}", "..//..",
              "０", "-1", "1e309", "9" * 40, "@", "@@", "a@", "@b", " "]
    out = []
    for _ in range(n):
        kind = rng.randrange(4)
        if kind == 0:
            out.append("".join(rng.choice(pieces) for _ in range(rng.randrange(1, 6))))
        elif kind == 1:
            out.append(rng.choice(pieces) * rng.randrange(50, 400))
        elif kind == 2:
            out.append("".join(chr(rng.randrange(0, 0x3000)) for _ in range(rng.randrange(1, 30))))
        else:
            out.append("x" * rng.randrange(81, 3000))
    return out


def _counts(app) -> tuple[int, int]:
    with app.app_context():
        users = db.session.scalar(select(func.count()).select_from(User))
        teams = db.session.scalar(select(func.count()).select_from(Team))
        db.session.remove()
    return users, teams


USER_FIELDS = {
    "email": ("name@example.com", "email"),
    "role": ("rep", "role"),
    "team_id": ("", "team_id"),
}


@pytest.mark.reliability
@pytest.mark.parametrize("field", sorted(USER_FIELDS))
def test_user_form_field(app, client, login_as, field):
    login_as("admin")
    before = _counts(app)
    base = {"email": "", "name": "Valid Name", "role": "rep", "team_id": "",
            "password": "short"}  # an invalid password: no row may be written either way
    for i, value in enumerate(malformed(seed=sorted(USER_FIELDS).index(field))):
        data = {**base, "email": f"ok{i}@example.com", field: value}
        response = client.post("/admin/users", data=data)
        assert response.status_code == 422, (field, repr(value)[:80], response.status_code)
        body = response.data.decode()
        # Either the form's error slot for the field, or the control-character guard
        # naming it.
        assert f'id="err-{USER_FIELDS[field][1]}"' in body or f"“{field}”" in body
    assert _counts(app) == before


@pytest.mark.reliability
def test_team_name_field(app, client, login_as):
    login_as("admin")
    before = _counts(app)
    for value in malformed(seed=7):
        response = client.post("/admin/teams", data={"name": value})
        assert response.status_code < 500, (repr(value)[:80], response.status_code)
    users, teams = _counts(app)
    assert users == before[0]
    with app.app_context():
        names = db.session.scalars(select(Team.name)).all()
        db.session.remove()
    assert all("\x00" not in n and len(n) <= 80 for n in names)


@pytest.mark.reliability
def test_login_fields(client):
    for value in malformed(seed=11, n=200):
        response = client.post("/login", data={"email": value, "password": value})
        assert response.status_code in (422, 429), (repr(value)[:80], response.status_code)


@pytest.mark.reliability
def test_invalid_utf8_bytes_are_refused_cleanly(app, client, login_as):
    login_as("admin")
    before = _counts(app)
    # Raw invalid UTF-8 (an overlong '/', a lone surrogate) and an invalid password.
    body = b"email=\xff\xfe@x.com&name=\xed\xa0\x80&role=rep&team_id=&password=\xc0\xaf"
    response = client.post("/admin/users", data=body,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 422, response.headers.get("Location")
    assert _counts(app) == before
