"""What the benchmark measures: each main page and action, per role, with realistic inputs.

EXTENSION POINT: a new area adds its `Page`s to `PAGES` (and, when they need sample records,
a fact to `Facts`). A page whose route does not exist in the app is reported as skipped, so
the list can name pages before their area is built.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask
from sqlalchemy import func, select
from werkzeug.exceptions import HTTPException

from crm.bench_data import BENCH_DOMAIN, BENCH_PASSWORD, Fake


@dataclass
class Facts:
    """Users and sample inputs that exist in the bench database, per role."""

    users: dict[str, int]
    login_email: str
    company: dict[str, list[int]] = field(default_factory=dict)
    contact: dict[str, list[int]] = field(default_factory=dict)
    names: dict[str, list[str]] = field(default_factory=dict)
    phones: dict[str, list[str]] = field(default_factory=dict)
    pinyin: dict[str, list[str]] = field(default_factory=dict)
    filters: dict[str, str] = field(default_factory=dict)
    duplicate_names: list[str] = field(default_factory=list)
    fake: Fake = field(default_factory=lambda: Fake(seed=time.time_ns()))

    def pick(self, values: dict[str, list], role: str, i: int):
        items = values.get(role) or values.get("rep") or [""]
        return items[i % len(items)]


Url = Callable[[Facts, str, int], str]
Form = Callable[[Facts, str, int], dict]


@dataclass
class Page:
    name: str
    method: str
    url: Url
    roles: tuple[str, ...] = ("rep", "manager")
    form: Form | None = None
    hx: bool = False  # sent as htmx (HX-Request: true)
    expect: tuple[int, ...] = (200,)
    floor: bool = True  # compare with the template rendered from memory
    http: bool = True  # also measured over HTTP against gunicorn
    anonymous: bool = False  # a fresh anonymous client per request (login)


def _fixed(path: str) -> Url:
    return lambda _f, _r, _i: path


def _login_form(facts: Facts, _role: str, _i: int) -> dict:
    return {"email": facts.login_email, "password": BENCH_PASSWORD}


NEW_TRADES = ("供应链管理", "咨询服务", "工艺品", "农业开发", "酒店管理", "印刷包装")


def _new_company(facts: Facts, _role: str, i: int) -> dict:
    """A company nobody has entered yet: a common brand start (so the duplicate check has
    its usual neighbours to compare), then characters and a trade no one else has."""
    from crm.bench_data import BRAND_CHARS

    rng = facts.fake.rng
    rare = "".join(chr(rng.randrange(0x4E00, 0x9FA5)) for _ in range(4))
    brand = rng.choice(BRAND_CHARS) + rng.choice(BRAND_CHARS) + rare
    return {"name": f"{brand}{rng.choice(NEW_TRADES)}有限公司", "phone": facts.fake.mobile(),
            "quick": "1"}


def _duplicate_company(facts: Facts, _role: str, i: int) -> dict:
    return {"name": facts.duplicate_names[i % len(facts.duplicate_names)],
            "phone": facts.fake.mobile(), "quick": "1"}


def _new_contact(facts: Facts, _role: str, i: int) -> dict:
    name, handle = facts.fake.person()
    return {"name": name, "phone": facts.fake.mobile(), "quick": "1",
            "email": f"{handle}.{i}@bench-new.example"}


def _phone_check(facts: Facts, _role: str, i: int) -> dict:
    typed = ("138 0013 8000", "+86 139-1234-5678", "021 6234 5678", "12345", "1380013800a")
    return {"phone": typed[i % len(typed)]}


def _name_check(facts: Facts, _role: str, i: int) -> dict:
    """A name on file as reps vary it (brackets, word order, suffix): the duplicate check alone
    (issue 12: <= 5 ms of it), answered under the field as it is typed."""
    name = facts.duplicate_names[i % len(facts.duplicate_names)]
    return {"name": (name, f"{name}（北京）", f"{name} Ltd")[i % 3]}


PAGES: list[Page] = [
    Page("login", "POST", _fixed("/login"), roles=("rep",), form=_login_form, expect=(302,),
         floor=False, http=False, anonymous=True),
    Page("home", "GET", _fixed("/")),
    Page("profile", "GET", _fixed("/profile"), roles=("rep",)),
    Page("admin_users", "GET", _fixed("/admin/users"), roles=("admin",)),
    # --- customers (issue 3) ---------------------------------------------------------------
    Page("companies_list", "GET", _fixed("/companies")),
    Page("companies_filtered", "GET", lambda f, r, i: "/companies?" + f.filters.get(r, "")),
    Page("search_name", "GET", lambda f, r, i: "/companies?q=" + f.pick(f.names, r, i)),
    Page("search_phone", "GET", lambda f, r, i: "/companies?q=" + f.pick(f.phones, r, i)),
    Page("search_pinyin", "GET", lambda f, r, i: "/companies?q=" + f.pick(f.pinyin, r, i)),
    Page("company_page", "GET", lambda f, r, i: f"/companies/{f.pick(f.company, r, i)}"),
    Page("quick_add", "POST", _fixed("/companies"), form=_new_company, hx=True,
         expect=(200, 201, 204, 302), http=False),
    Page("quick_add_duplicate", "POST", _fixed("/companies"), form=_duplicate_company, hx=True,
         expect=(409,), http=False),
    Page("phone_check", "POST", _fixed("/companies/validate?field=phone"), form=_phone_check,
         hx=True, roles=("rep",)),
    Page("name_check", "POST", _fixed("/companies/validate?field=name"), form=_name_check,
         hx=True, roles=("rep",)),
    # --- record layer (issue 7): custom fields; every company page shows 20 of them ---------
    Page("companies_custom_filtered", "GET",
         lambda f, r, i: f"/companies?account_level=c{2 + i % 2}&sort=name"),
    Page("contacts_list", "GET", _fixed("/contacts")),
    Page("contact_page", "GET", lambda f, r, i: f"/contacts/{f.pick(f.contact, r, i)}"),
    Page("contact_quick_add", "POST", _fixed("/contacts"), form=_new_contact, hx=True,
         expect=(200, 201, 204, 302), http=False),
]


def route_exists(app: Flask, page: Page, facts: Facts) -> bool:
    """Whether the app has a route for this page (areas not built yet are skipped)."""
    path = page.url(facts, page.roles[0], 0).split("?")[0]
    adapter = app.url_map.bind("localhost")
    try:
        adapter.match(path, method=page.method)
    except HTTPException:
        return False
    return True


def _user(role: str, team_id: int | None = None) -> select:
    from crm.models import User

    stmt = select(User.id).where(User.role == role, User.email.like(f"%@{BENCH_DOMAIN}"),
                                 User.is_active.is_(True))
    if team_id is not None:
        stmt = stmt.where(User.team_id == team_id)
    return stmt.order_by(User.id).limit(1)


def gather(app: Flask) -> Facts:
    """Pick the users and sample inputs: the busiest rep, that rep's manager, an admin."""
    from crm.extensions import db
    from crm.models import Company, User

    with app.app_context():
        rep = db.session.scalar(
            select(Company.owner_id).join(User, User.id == Company.owner_id)
            .where(User.role == "rep").group_by(Company.owner_id)
            .order_by(func.count().desc()).limit(1)) or db.session.scalar(_user("rep"))
        team_id = db.session.scalar(select(User.team_id).where(User.id == rep))
        users = {"rep": rep, "manager": db.session.scalar(_user("manager", team_id)),
                 "admin": db.session.scalar(_user("admin"))}
        email = db.session.scalar(select(User.email).where(User.id == rep))
        facts = Facts(users=users, login_email=email)
        _customer_facts(facts, team_id)
        db.session.remove()
    return facts


def _customer_facts(facts: Facts, team_id: int | None) -> None:
    """Search terms and records taken from each role's own scope, as a user would type them."""
    from crm.extensions import db
    from crm.models import Company, Contact
    from crm.services.normalize import pinyin_keys

    rng = random.Random(11)
    scopes = {"rep": Company.owner_id == facts.users["rep"], "manager": Company.team_id == team_id}
    for role, cond in scopes.items():
        rows = db.session.execute(
            select(Company.id, Company.name, Company.name_key, Company.phone, Company.province)
            .where(cond, Company.deleted_at.is_(None)).order_by(Company.id)).all()
        sample = rng.sample(rows, min(40, len(rows)))
        facts.company[role] = [r.id for r in sample]
        facts.names[role] = [r.name_key[:4] if not r.name_key.isascii()
                             else r.name.split()[0] for r in sample]
        facts.phones[role] = [r.phone[3:] if rng.random() < 0.5 else r.phone[-8:]
                              for r in sample if r.phone]
        # full pinyin of the brand ("xiangjia") or the initials of the name ("xjsp")
        facts.pinyin[role] = [pinyin_keys(r.name_key[:2])[0] if rng.random() < 0.5
                              else pinyin_keys(r.name_key[:4])[1]
                              for r in sample if not r.name_key.isascii()] or ["acme"]
        provinces = [r.province for r in rows if r.province]
        top = max(set(provinces), key=provinces.count) if provinces else ""
        facts.filters[role] = f"status=customer&province={top}"
        contact_cond = (Contact.owner_id == facts.users["rep"] if role == "rep"
                        else Contact.team_id == team_id)
        facts.contact[role] = list(db.session.scalars(
            select(Contact.id).where(contact_cond, Contact.deleted_at.is_(None))
            .order_by(Contact.id.desc()).limit(40)))
    names = db.session.scalars(select(Company.name).order_by(Company.id).limit(200)).all()
    chinese = [n for n in names if not n.isascii()]
    facts.duplicate_names = chinese[:40] or ["阿里巴巴网络技术有限公司"]
