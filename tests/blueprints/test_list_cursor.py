"""The list's "load more" cursor reveals nothing outside the user's scope: it is signed and
bound to the user and the list, so a rep of another team who crafts cursors learns no name
of a hidden record and cannot tell whether a hidden record changed."""

from __future__ import annotations

import base64
import html
import re

import pytest

from crm.extensions import db
from crm.models import Company
from tests.blueprints.customer_helpers import make_company

HIDDEN = "Zenith Secret Holdings"
SORTS = ("newest", "oldest", "name", "updated")


def _more_url(body: str) -> str | None:
    found = re.search(r'class="load-more" hx-get="([^"]+)"', body)
    return html.unescape(found.group(1)) if found else None


def _names(body: str) -> list[str]:
    return re.findall(r"Visible Co (\d+)", body)


@pytest.fixture
def two_teams(app, client, make_user, login_as):
    """A rep of team South with a hidden company; a rep of team North (signed in) with 27."""
    south = make_user("rep", team="South", name="Southern Rep")
    hidden = make_company(app, south, HIDDEN)
    north = login_as("rep", team="North")
    for i in range(27):
        make_company(app, north, f"Visible Co {i:02d}")
    return {"north": north, "south": south, "hidden": hidden}


@pytest.mark.parametrize("sort", SORTS)
def test_following_load_more_shows_each_row_once(app, hx, two_teams, sort):
    first = hx.get(f"/companies/rows?sort={sort}")
    seen, url = _names(first.text), _more_url(first.text)
    assert url and "after=" in url
    more = hx.get(url)
    assert more.status_code == 200 and _more_url(more.text) is None
    seen += _names(more.text)
    assert sorted(seen) == [f"{i:02d}" for i in range(27)]
    assert HIDDEN not in first.text + more.text


def _crafted(two_teams, valid: str) -> list[str]:
    """Cursors a rep of another team can make: bare ids around the hidden record, another
    list's cursor, a re-signed payload, garbage."""
    hidden = two_teams["hidden"]
    token = re.search(r"after=([^&]+)", valid).group(1)
    payload, _sig = token.rsplit(".", 1)
    forged = base64.urlsafe_b64encode(str(hidden).encode()).decode().rstrip("=")
    urls = []
    for sort in SORTS:
        for after in (hidden, hidden + 1, hidden - 1, 2**31 - 1, 1):
            urls.append(f"/companies/rows?sort={sort}&after={after}")
        urls.append(f"/companies/rows?sort={sort}&after={forged}.{_sig}")
        urls.append(f"/companies/rows?sort={sort}&after={payload}.AAAA")
        urls.append(f"/companies/rows?sort={sort}&after={token}&trash=1")
        urls.append(f"/companies/rows?sort={sort}&after={token}&q=Zenith")
    urls.append(valid.replace("/companies/", "/contacts/"))
    return urls


def test_a_crafted_cursor_reveals_nothing(app, hx, two_teams):
    valid = _more_url(hx.get("/companies/rows?sort=updated").text)
    crafted = _crafted(two_teams, valid)
    before = [(r.status_code, r.text) for r in (hx.get(u) for u in crafted)]
    for url, (status, body) in zip(crafted, before, strict=True):
        assert status == 400, url
        assert "Zenith" not in body and "Southern" not in body, url
        assert "Reload the page" in body
    # the hidden record changes: every crafted answer stays exactly the same
    with app.app_context():
        company = db.session.get(Company, two_teams["hidden"])
        company.name = "Zenith Renamed"
        db.session.commit()
        db.session.remove()
    after = [(r.status_code, r.text) for r in (hx.get(u) for u in crafted)]
    assert [s for s, _b in after] == [s for s, _b in before]
    assert after == before


def test_another_users_cursor_is_refused(app, client, hx, two_teams):
    """A cursor is bound to the user it was made for (the hidden rep's own list)."""
    from tests.conftest import sign_in

    for i in range(26):
        make_company(app, two_teams["south"], f"South Co {i:02d}")
    sign_in(client, two_teams["south"])
    theirs = _more_url(hx.get("/companies/rows").text)
    assert theirs
    sign_in(client, two_teams["north"])
    response = hx.get(theirs)
    assert response.status_code == 400 and "South Co" not in response.text


def test_a_tampered_cursor_on_the_page_shows_the_first_page(app, client, two_teams):
    response = client.get(f"/companies?sort=name&after={two_teams['hidden']}")
    assert response.status_code == 200
    assert "Visible Co 00" in response.text and HIDDEN not in response.text
