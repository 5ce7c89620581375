"""`crm bench-data`: realistic benchmark data, written with bulk Core inserts.

Rows are built as plain dicts and sent with `conn.execute(table.insert(), batch)` in batches of
`BATCH` inside one transaction per area, never through the ORM one object at a time. Names,
phones and addresses mix Chinese and English the way real customer lists do, with about 2% of
near-duplicates. The scale is recorded in `system_state` (key `bench.scale`) so the benchmark
knows whether the data in a database is the one it asked for.

EXTENSION POINT: each area registers a loader in `AREAS`; a loader returns "" (and writes
nothing) when its tables do not exist yet.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import Connection, Table, func, inspect, select, text

from crm.database import utcnow
from crm.extensions import db

BENCH_PASSWORD = "bench-pass-2026"
BENCH_DOMAIN = "bench.qiao"
MARKER_KEY = "bench.scale"
BATCH = 5000
NEAR_DUPLICATE_SHARE = 0.02


@dataclass(frozen=True)
class Scale:
    teams: int
    users: int
    companies: int
    people: int


SCALES: dict[str, Scale] = {
    "tiny": Scale(teams=2, users=8, companies=200, people=600),
    "small": Scale(teams=4, users=20, companies=5_000, people=15_000),
    "medium": Scale(teams=20, users=200, companies=100_000, people=300_000),
    "large": Scale(teams=50, users=1_000, companies=1_000_000, people=3_000_000),
}


class BenchDataError(click.ClickException):
    """The database cannot take benchmark data as asked (it holds data and no --reset)."""


# --- realistic text -----------------------------------------------------------------------

SURNAMES = ("王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 高 林 罗 郑 梁 谢 宋 唐 许 韩 冯 "
            "邓 曹 彭 曾 肖 田 董 袁 潘 于 蒋 蔡 余 杜 叶 程 苏 魏 吕 丁 任 沈 姚 卢 姜 崔 钟 谭 "
            "陆 汪 范 金 石 廖 贾 夏 韦 方 白 邹 孟 熊 秦 邱 江 尹 薛 段 雷 侯 龙 史 陶 黎 贺 顾 "
            "毛 郝 龚 邵 万 钱 严 武 戴 莫 孔 汤 欧阳 司马 诸葛 上官").split()
GIVEN_CHARS = (
    "伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 霞 平 刚 辉 鹏 "
    "飞 鑫 宁 悦 瑶 欢 露 琳 慧 颖 倩 婧 凯 斌 健 亮 峰 波 龙 阳 东 海 "
    "云 帆 子 浩 宇 轩 涵 欣 怡 梓 晨 雨 佳 俊 博 文 思 嘉 一 可 心 诗 "
    "琪 雅 婷 晓 建 国 华 志 红 秀 英 兰 玉 春 梅 丹 萍 琦 哲 睿 铭 泽 "
    "航 逸 然 安 乐 彤 妍 璐 蕾 "
).split()
EN_FIRST = ("James John Robert Michael David William Richard Thomas Daniel Matthew Mary Linda "
            "Susan Sarah Jessica Emily Emma Olivia Sophia Grace Kevin Jason Eric Tony Peter Lucy "
            "Amy Helen Cindy Vivian Jack Leo Alice Anna Chris Frank Henry Ivy Jenny Nancy").split()
EN_LAST = ("Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore "
           "Martin Jackson White Harris Clark Lewis Walker Hall Allen Young King Wright Scott "
           "Green Baker Adams Nelson Hill Campbell Mitchell Roberts Carter Phillips Evans").split()
# Where customers are: weights roughly follow where business is done (others weigh 1).
PROVINCE_WEIGHTS = {"广东": 14, "浙江": 10, "江苏": 10, "上海": 10, "北京": 9, "山东": 6, "四川": 5,
                    "福建": 5, "湖北": 4, "河南": 4, "湖南": 3, "天津": 3, "重庆": 3, "陕西": 3,
                    "香港": 0, "澳门": 0, "台湾": 0}
MUNICIPALITIES = ("北京", "上海", "天津", "重庆")
AUTONOMOUS = {"内蒙古": "自治区", "广西": "壮族自治区", "西藏": "自治区", "宁夏": "回族自治区",
              "新疆": "维吾尔自治区"}
CITY_EN = {"北京": "Beijing", "上海": "Shanghai", "广州": "Guangzhou", "深圳": "Shenzhen",
           "杭州": "Hangzhou", "苏州": "Suzhou", "南京": "Nanjing", "成都": "Chengdu"}
AREA_CODES = {"北京": "10", "上海": "21", "天津": "22", "重庆": "23", "广州": "20", "深圳": "755",
              "杭州": "571", "南京": "25", "成都": "28", "武汉": "27", "苏州": "512", "青岛": "532"}
DISTRICTS = "高新区 经济开发区 城区 新区 工业园区 开发区".split()
ROADS = "人民路 解放路 中山路 建设路 文三路 科技园路 长江路 和平路 世纪大道 新华路 工业大道".split()
BRAND_CHARS = ("云 帆 华 信 恒 通 鼎 盛 创 新 金 桥 天 宇 博 远 瑞 达 泰 和 安 嘉 美 佳 兴 隆 "
               "宏 图 海 川 百 顺 智 诚 凯 越 汇 丰 东 方 明 阳 中 联 众 合 卓 锐 腾 飞 星 辰 "
               "光 启 永 康 鸿 运 万 象 弘 毅 长 青").split()
INDUSTRIES = ("科技 贸易 信息技术 网络科技 电子 医药 食品 物流 建设工程 文化传媒 教育咨询 机械设备 "
              "新能源 环保科技 生物科技 餐饮管理 服装 家居 汽车服务 广告 商贸 实业").split()
CN_SUFFIXES = (("有限公司", 60), ("股份有限公司", 12), ("有限责任公司", 12), ("集团有限公司", 6),
               ("公司", 4), ("分公司", 6))
EN_BRANDS = ("Acme Globex Initech Summit Pioneer Everbright Sunrise Golden-Bridge Blue-Ocean "
             "Great-Wall Red-Lantern Jade Lotus Dragon Phoenix Harbor Atlas Vertex Nova Orion "
             "Evergreen Silverline Northstar Keystone Crescent").split()
EN_WORDS = ("Trading Technology Logistics Consulting Foods Electronics Medical Industrial "
            "Textiles Software Packaging Machinery Energy Design Imports").split()
EN_SUFFIXES = ("Co., Ltd.", "Ltd.", "Limited", "Inc.", "Group", "LLC", "Pte. Ltd.", "Corp.")
MOBILE_PREFIXES = tuple(range(130, 140)) + (145, 147, 150, 151, 152, 153, 155, 156, 157, 158,
                                           159, 166, 171, 173, 175, 176, 177, 178, 180, 181,
                                           182, 183, 184, 185, 186, 187, 188, 189, 191, 193,
                                           195, 196, 197, 198, 199)
EMAIL_DOMAINS = ("163.com", "qq.com", "126.com", "sina.com", "gmail.com", "outlook.com",
                 "foxmail.com", "hotmail.com")
_CN_SUFFIX_CHOICES = [s for s, weight in CN_SUFFIXES for _ in range(weight)]


class Fake:
    """Deterministic generator of names, phones, emails and addresses (seeded)."""

    def __init__(self, seed: int = 2026):
        from pypinyin import lazy_pinyin

        from crm.services.regions import REGIONS

        self.rng = random.Random(seed)
        self._py = {ch: lazy_pinyin(ch)[0] for ch in SURNAMES + GIVEN_CHARS}
        self.regions = REGIONS
        self.provinces = [p for p in REGIONS for _ in range(PROVINCE_WEIGHTS.get(p, 1))]

    def place(self) -> tuple[str, str]:
        """(province, city) as the customer forms store them (crm.services.regions)."""
        province = self.rng.choice(self.provinces)
        cities = self.regions[province]
        # the capital (listed first) is where most companies of a province are
        city = cities[0] if self.rng.random() < 0.4 else self.rng.choice(cities)
        return province, city

    @staticmethod
    def town(province: str, city: str) -> str:
        """The city a company name starts with: the municipality itself, else the city."""
        return province if province in MUNICIPALITIES else city

    def person(self) -> tuple[str, str]:
        """(display name, ascii handle for an email address)."""
        rng = self.rng
        if rng.random() < 0.8:
            surname = rng.choice(SURNAMES)
            given = "".join(rng.choice(GIVEN_CHARS) for _ in range(rng.choice((1, 2, 2))))
            handle = self._py[surname] + "." + "".join(self._py[c] for c in given)
            if rng.random() < 0.06:  # an English name used alongside the Chinese surname
                first = rng.choice(EN_FIRST)
                return f"{first} {self._py[surname].title()}", f"{first.lower()}.{handle}"
            return surname + given, handle
        first, last = rng.choice(EN_FIRST), rng.choice(EN_LAST)
        return f"{first} {last}", f"{first}.{last}".lower()

    def company(self) -> tuple[str, str, str]:
        """(company name, province, city)."""
        rng = self.rng
        province, city = self.place()
        if rng.random() < 0.75:
            brand = rng.choice(BRAND_CHARS) + rng.choice(BRAND_CHARS)
            suffix = rng.choice(_CN_SUFFIX_CHOICES)
            prefix = self.town(province, city) if rng.random() < 0.7 else ""
            if suffix == "分公司":
                other = self.town(*self.place())
                branch = f"{prefix}{brand}{rng.choice(INDUSTRIES)}有限公司{other}分公司"
                return branch, province, city
            return f"{prefix}{brand}{rng.choice(INDUSTRIES)}{suffix}", province, city
        brand = rng.choice(EN_BRANDS).replace("-", " ")
        town = self.town(province, city)
        region = f" ({CITY_EN[town]})" if town in CITY_EN and rng.random() < 0.3 else ""
        return (f"{brand} {rng.choice(EN_WORDS)}{region} {rng.choice(EN_SUFFIXES)}",
                province, city)

    def mobile(self) -> str:
        return f"+86{self.rng.choice(MOBILE_PREFIXES)}{self.rng.randrange(10**8):08d}"

    def landline(self, province: str, city: str) -> str:
        """A fixed line of the company's city when we know its area code, else a mobile."""
        code = AREA_CODES.get(self.town(province, city))
        if code is None:
            return self.mobile()
        return f"+86{code}{self.rng.randrange(2, 9)}{self.rng.randrange(10**7):07d}"

    def email(self, handle: str, n: int) -> str:
        number = n % 1000 if self.rng.random() < 0.5 else ""
        return f"{handle}{number}@{self.rng.choice(EMAIL_DOMAINS)}"

    def address(self, province: str, city: str) -> str:
        rng = self.rng
        street = f"{rng.choice(ROADS)}{rng.randrange(1, 999)}号"
        if rng.random() < 0.15:
            city_en = CITY_EN.get(self.town(province, city), "Shanghai")
            return (f"Room {rng.randrange(101, 3200)}, {rng.randrange(1, 999)} Century Avenue, "
                    f"{city_en}")
        if province in MUNICIPALITIES:
            return f"{province}市{city}区{street}"
        suffix = AUTONOMOUS.get(province, "省")
        return f"{province}{suffix}{city}市{rng.choice(DISTRICTS)}{street}"

    def near_duplicate_company(self, name: str) -> str:
        """The same company as typed by someone else: other suffix, region, spacing or case."""
        rng = self.rng
        if name.isascii():
            variants = (name.upper().replace(",", "").replace(".", ""),
                        name.replace("Co., Ltd.", "Company Limited"), "  " + name.lower())
            return rng.choice(variants)
        variants = (name.replace("有限公司", "公司"), name.replace("有限公司", "股份有限公司"),
                    "（" + self.town(*self.place()) + "）" + name, name[:2] + " " + name[2:])
        return rng.choice(variants)

    def near_duplicate_person(self, name: str) -> str:
        return name + " " if self.rng.random() < 0.5 else name.replace(" ", "")

    def display_phone(self, e164: str) -> str:
        """The same number as a person would type it (for near-duplicates)."""
        national = e164[3:]
        if len(national) == 11:
            return f"{national[:3]} {national[3:7]} {national[7:]}"
        return "0" + national


# --- bulk loading ---------------------------------------------------------------------------

@dataclass
class LoadContext:
    conn: Connection
    scale: Scale
    fake: Fake
    teams: list[int] = field(default_factory=list)
    # user id -> team id, for the users who own customers (reps and managers)
    owners: list[tuple[int, int]] = field(default_factory=list)
    echo: Callable[[str], None] = print
    seed: int = 2026


def table(name: str) -> Table | None:
    """The mapped table called `name`, or None when that area does not exist yet."""
    return db.metadata.tables.get(name)


def next_id(conn: Connection, tbl: Table) -> int:
    return (conn.scalar(select(func.max(tbl.c.id))) or 0) + 1


def insert_batches(conn: Connection, tbl: Table, rows: Iterable[dict]) -> int:
    """executemany in batches of BATCH; returns the number of rows written."""
    batch: list[dict] = []
    total = 0
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            conn.execute(tbl.insert(), batch)
            total += len(batch)
            batch = []
    if batch:
        conn.execute(tbl.insert(), batch)
        total += len(batch)
    return total


def stamps(fraction: float, rng: random.Random) -> dict:
    """created/updated times spread over the last three years; `fraction` 1.0 is newest."""
    from datetime import timedelta

    created = utcnow() - timedelta(days=3 * 365 * (1 - fraction) + rng.random())
    updated = created + timedelta(days=rng.random() * 30 * (1 - fraction))
    return {"created_at": created, "updated_at": updated, "version": 1}


def load_users(ctx: LoadContext) -> str:
    """Teams, one admin, and per team one manager, one service agent and reps."""
    from crm.models import Team, User
    from crm.services.auth import hash_password

    conn, fake, scale = ctx.conn, ctx.fake, ctx.scale
    team_t, user_t = Team.__table__, User.__table__
    first_team = next_id(conn, team_t)
    teams = [{"id": first_team + i, "name": f"Bench {i + 1:02d} {fake.town(*fake.place())}销售部",
              **stamps(0.0, fake.rng)} for i in range(scale.teams)]
    insert_batches(conn, team_t, teams)
    ctx.teams = [t["id"] for t in teams]
    password_hash = hash_password(BENCH_PASSWORD)  # once: argon2 is slow by design
    uid = next_id(conn, user_t)
    rows = [_user_row(uid, "admin", 0, None, fake, password_hash)]
    for n in range(1, scale.users):
        team_index = (n - 1) % scale.teams
        slot = (n - 1) // scale.teams
        role = "manager" if slot == 0 else "service" if slot == 1 else "rep"
        rows.append(_user_row(uid + n, role, n, ctx.teams[team_index], fake, password_hash))
    insert_batches(conn, user_t, rows)
    ctx.owners = [(r["id"], r["team_id"]) for r in rows if r["role"] in ("rep", "manager")]
    fake.rng.shuffle(ctx.owners)  # who gets the most customers is left to chance
    return f"{len(teams)} teams, {len(rows)} users"


def _user_row(uid: int, role: str, n: int, team_id: int | None, fake: Fake, pw: str) -> dict:
    name, _handle = fake.person()
    return {"id": uid, "email": f"bench.{role}.{n:04d}@{BENCH_DOMAIN}", "name": name,
            "password_hash": pw, "role": role, "team_id": team_id, "is_active": True,
            "language": fake.rng.choice(("zh_CN", "zh_CN", "en")), "font_size": "normal",
            **stamps(0.0, fake.rng)}


def pick_owner(ctx: LoadContext) -> tuple[int, int]:
    """A skewed owner choice: a few reps hold many more customers than others (as in life)."""
    owners = ctx.owners
    return owners[min(len(owners) - 1, int(len(owners) * ctx.fake.rng.random() ** 1.6))]


# --- customers: companies, people, their phones and tags ----------------------------------

TAGS = ("VIP", "重点客户", "老客户", "展会 2026", "渠道伙伴", "Key account", "待回访", "高意向")
STATUS_WEIGHTS = (("potential", 50), ("intent", 20), ("customer", 25), ("churned", 5))
_STATUSES = [s for s, w in STATUS_WEIGHTS for _ in range(w)]
JOB_TITLES = ("总经理", "采购经理", "销售总监", "财务", "行政主管", "技术总监", "CEO",
              "Purchasing Manager", "Sales Director", "Office Manager", "董事长", "项目经理")
NOTES = ("电话沟通，客户对报价感兴趣，下周再跟进。", "已发送产品资料和报价单。",
         "客户要求上门演示，待约时间。",
         "Sent the quotation by email; waiting for their purchasing team.",
         "Met at the trade fair, interested in the spring order.", "老客户回访，满意度高。",
         "Price too high for now, call again next quarter.", "已寄样品，请对方确认收货。")
DERIVED = ("email_norm", "phone", "name_key", "loose_key", "search_text", "completeness")


def customer_keys(model, row: dict, phones: list[tuple[str, str]], tags: list[str]) -> dict:
    """The derived columns, computed by the customers service itself on a transient record."""
    from crm.services.customers import refresh_derived

    columns = model.__table__.c
    record = model(**{k: v for k, v in row.items() if k in columns and k not in DERIVED})
    refresh_derived(record, phones, tags)
    return {k: getattr(record, k) for k in DERIVED if k in columns}


@dataclass
class Drafts:
    """Rows of the link tables, collected while the customers are generated."""

    phones: list[dict] = field(default_factory=list)
    tags: list[tuple[int, int]] = field(default_factory=list)  # (record id, tag index)
    notes: list[dict] = field(default_factory=list)
    audit: list[dict] = field(default_factory=list)

    def history(self, ctx: LoadContext, kind: str, row: dict, notes_mean: float) -> None:
        """The audit row of the record's creation and a few notes on its timeline."""
        from datetime import timedelta

        rng = ctx.fake.rng
        created = {k: [None, row[k]] for k in ("name", "phone", "email", "city", "status")
                   if row.get(k)}
        self.audit.append({"at": row["created_at"], "user_id": row["created_by"],
                           "action": "create", "entity": kind, "entity_id": row["id"],
                           "changes": created, "summary": row["name"][:300], "ip": None})
        count = min(int(rng.expovariate(1 / notes_mean)), 20) if notes_mean else 0
        for n in range(count):
            at = min(utcnow(), row["created_at"] + timedelta(days=(n + rng.random()) * 20))
            self.notes.append({"company_id": None, "contact_id": None, f"{kind}_id": row["id"],
                               "body": rng.choice(NOTES), "created_by": row["owner_id"],
                               "created_at": at, "updated_at": at, "deleted_at": None})

    def add(self, ctx: LoadContext, key: str, row_id: int, numbers: list[str],
            tag_share: float) -> tuple[list[tuple[str, str]], list[str]]:
        """Record the phones and tags of one customer; returns them as the service takes them."""
        kinds = [("work" if not e.startswith("+861") else "mobile", e) for e in numbers]
        for position, (kind, e164) in enumerate(kinds):
            self.phones.append({"company_id": None, "contact_id": None, key: row_id,
                                "kind": kind, "e164": e164, "is_main": position == 0,
                                "position": position})
        rng = ctx.fake.rng
        picked = sorted({rng.randrange(len(TAGS)) for _ in range(rng.choice((1, 2)))}) \
            if rng.random() < tag_share else []
        self.tags.extend((row_id, t) for t in picked)
        return kinds, [TAGS[t] for t in picked]


def _customer_row(ctx: LoadContext, row_id: int, fraction: float, name: str,
                  province: str, city: str, handle: str) -> dict:
    fake, rng = ctx.fake, ctx.fake.rng
    owner_id, team_id = pick_owner(ctx)
    row = {"id": row_id, "name": name, "province": province, "city": city,
           "email": fake.email(handle, row_id) if rng.random() < 0.7 else None,
           "address": fake.address(province, city) if rng.random() < 0.6 else None,
           "tier": rng.choice((None, "high", "mid", "mid", "low")),
           "source": rng.choice((None, "ad", "referral", "website", "event", "import", "other")),
           "status": rng.choice(_STATUSES), "special_requests": None,
           "last_contact_at": None, "owner_id": owner_id, "team_id": team_id,
           "created_by": owner_id, "deleted_at": None, **stamps(fraction, rng)}
    if rng.random() < 0.6:
        row["last_contact_at"] = row["updated_at"]
    if rng.random() < 0.005:
        row["deleted_at"] = row["updated_at"]  # a little trash, as in real data
    return row


def _company_rows(ctx: LoadContext, chunk: Chunk, drafts: Drafts) -> Iterator[dict]:
    from crm.models import Company

    fake, rng = ctx.fake, ctx.fake.rng
    seen: set[str] = set()
    earlier: list[tuple[str, str, str, str]] = []
    for n in range(chunk.count):
        if earlier and rng.random() < NEAR_DUPLICATE_SHARE:
            base_name, province, city, phone = rng.choice(earlier)
            name = fake.near_duplicate_company(base_name)
        else:
            name, province, city = fake.company()
            while name in seen:
                name, province, city = fake.company()
            seen.add(name)
            phone = fake.landline(province, city) if rng.random() < 0.6 else fake.mobile()
            if len(earlier) < 5000:
                earlier.append((name, province, city, phone))
        row_id = chunk.first_id + n
        brand = "".join(ch for ch in name if ch.isascii() and ch.isalpha())[:12].lower()
        row = _customer_row(ctx, row_id, chunk.fraction(n), name, province, city,
                            brand or f"info{row_id}")
        row.update(industry=rng.choice(INDUSTRIES), purchase_cycle=None,
                   size=rng.choice(("1-9", "10-49", "50-199", "200-999", "1000+", None)),
                   website=f"https://www.{brand}{row_id}.cn" if brand else None)
        numbers = [phone] + ([fake.mobile()] if rng.random() < 0.3 else [])
        phones, tags = drafts.add(ctx, "company_id", row_id, numbers, 0.2)
        row.update(customer_keys(Company, row, phones, tags))
        drafts.history(ctx, "company", row, 1.0)
        yield row


def _contact_rows(ctx: LoadContext, chunk: Chunk, companies: list[tuple[int, int, int]],
                  drafts: Drafts) -> Iterator[dict]:
    from crm.models import Contact

    fake, rng = ctx.fake, ctx.fake.rng
    earlier: list[tuple[str, str, str, str, str]] = []
    for n in range(chunk.count):
        row_id = chunk.first_id + n
        if earlier and rng.random() < NEAR_DUPLICATE_SHARE:
            base, handle, province, city, phone = rng.choice(earlier)
            name = fake.near_duplicate_person(base)
        else:
            name, handle = fake.person()
            province, city = fake.place()
            phone = fake.mobile()
            if len(earlier) < 5000:
                earlier.append((name, handle, province, city, phone))
        row = _customer_row(ctx, row_id, chunk.fraction(n), name, province, city, handle)
        company = rng.choice(companies) if companies and rng.random() < 0.7 else None
        if company:  # a company's employee: same owner and team as the company
            row.update(company_id=company[0], owner_id=company[1], team_id=company[2],
                       created_by=company[1])
        else:
            row["company_id"] = None
        row.update(gender=rng.choice((None, "female", "male")), birthday=None,
                   job_title=rng.choice(JOB_TITLES) if company else None)
        numbers = [phone] + ([fake.mobile()] if rng.random() < 0.15 else [])
        phones, tags = drafts.add(ctx, "contact_id", row_id, numbers, 0.1)
        row.update(customer_keys(Contact, row, phones, tags))
        drafts.history(ctx, "contact", row, 0.3)
        yield row


def _ensure_tags(conn: Connection, tag_t: Table) -> list[int]:
    """The ids of TAGS, creating those that do not exist yet."""
    existing = dict(conn.execute(select(tag_t.c.name, tag_t.c.id)
                                 .where(tag_t.c.name.in_(TAGS))).all())
    first = next_id(conn, tag_t)
    missing = [name for name in TAGS if name not in existing]
    insert_batches(conn, tag_t, ({"id": first + i, "name": n} for i, n in enumerate(missing)))
    existing.update({n: first + i for i, n in enumerate(missing)})
    return [existing[name] for name in TAGS]


def load_customers(ctx: LoadContext) -> str:
    """Companies, people (70% employees of a company), their phones and tags."""
    tbl = {name: table(name) for name in ("company", "contact", "phone", "tag", "company_tag",
                                          "contact_tag", "note", "audit_log")}
    if any(t is None for t in tbl.values()):
        return ""
    conn = ctx.conn
    tag_ids = _ensure_tags(conn, tbl["tag"])
    _SHARED.update(owners=ctx.owners, companies=[])
    totals = {}
    for kind, count in (("company", ctx.scale.companies), ("contact", ctx.scale.people)):
        first = next_id(conn, tbl[kind])
        chunks = [Chunk(kind, ctx.seed * 10_000 + n, first + offset, offset,
                        min(CHUNK, count - offset), count)
                  for n, offset in enumerate(range(0, count, CHUNK))]
        link, key = tbl[f"{kind}_tag"], f"{kind}_id"
        for rows, drafts in _in_parallel(_make_chunk, chunks):
            totals[kind] = totals.get(kind, 0) + insert_batches(conn, tbl[kind], rows)
            if kind == "company":
                _SHARED["companies"].extend((r["id"], r["owner_id"], r["team_id"]) for r in rows)
            totals["phone"] = totals.get("phone", 0) + insert_batches(conn, tbl["phone"],
                                                                      drafts.phones)
            insert_batches(conn, link, ({key: rid, "tag_id": tag_ids[t]}
                                        for rid, t in drafts.tags))
            totals["note"] = totals.get("note", 0) + insert_batches(conn, tbl["note"],
                                                                    drafts.notes)
            insert_batches(conn, tbl["audit_log"], drafts.audit)
        ctx.echo(f"  {totals.get(kind, 0)} {kind} rows written")
    _SHARED.clear()
    return (f"{totals.get('company', 0)} companies, {totals.get('contact', 0)} people, "
            f"{totals['phone']} phones, {totals['note']} notes")


@dataclass(frozen=True)
class Chunk:
    """A slice of one kind of customer, generated on its own (possibly in another process)."""

    kind: str  # "company" or "contact"
    seed: int
    first_id: int
    offset: int
    count: int
    total: int

    def fraction(self, n: int) -> float:
        return (self.offset + n) / max(1, self.total)


CHUNK = 5000
# Owners and companies for the chunk workers (forked processes inherit it; nothing is sent).
_SHARED: dict = {}


def _make_chunk(chunk: Chunk) -> tuple[list[dict], Drafts]:
    """The rows of one chunk and the rows of their phones, tags, notes and audit."""
    ctx = LoadContext(conn=None, scale=SCALES["tiny"], fake=Fake(chunk.seed),
                      owners=_SHARED["owners"])
    drafts = Drafts()
    if chunk.kind == "company":
        rows = list(_company_rows(ctx, chunk, drafts))
    else:
        rows = list(_contact_rows(ctx, chunk, _SHARED["companies"], drafts))
    return rows, drafts


def _in_parallel(function: Callable, chunks: list[Chunk]) -> Iterator:
    """map() over the chunks in order: in worker processes when there is enough work."""
    import multiprocessing
    import os

    workers = min(os.cpu_count() or 1, len(chunks))
    if workers < 2 or multiprocessing.get_start_method(allow_none=True) not in (None, "fork"):
        yield from map(function, chunks)
        return
    # fork: the workers inherit _SHARED and the imported app code; they never use the
    # parent's database connection.
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        yield from pool.imap(function, chunks)


# Each area appends a loader; a loader returns a summary or "" when its tables do not exist.
AREAS: list[Callable[[LoadContext], str]] = [load_users, load_customers]


def has_business_data(conn: Connection) -> bool:
    from crm.models import User

    return bool(conn.scalar(select(func.count()).select_from(User.__table__)))


def wipe(conn: Connection) -> None:
    """Delete every row of every table the app knows (not the migration version)."""
    tables = [t for t in reversed(db.metadata.sorted_tables)
              if inspect(conn).has_table(t.name)]
    if conn.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for tbl in tables:
            conn.execute(tbl.delete())


def fix_sequences(conn: Connection) -> None:
    """Move PostgreSQL id sequences past the ids chosen here (no-op on SQLite)."""
    if conn.dialect.name != "postgresql":
        return
    for tbl in db.metadata.sorted_tables:
        if "id" in tbl.c and tbl.c.id.primary_key and tbl.c.id.type.python_type is int:
            conn.execute(text(
                f"SELECT setval(pg_get_serial_sequence('\"{tbl.name}\"', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM \"{tbl.name}\"), 0) + 1, false)"))


def finish(conn: Connection, scale_name: str) -> None:
    """Fix the sequences and record the scale."""
    from crm.models import SystemState

    fix_sequences(conn)
    state = SystemState.__table__
    conn.execute(state.delete().where(state.c.key == MARKER_KEY))
    conn.execute(state.insert(), [{"key": MARKER_KEY, "value": scale_name, "at": utcnow()}])


def add_customers(conn: Connection, owners: list[tuple[int, int | None]], companies: int,
                  people: int, seed: int = 1) -> str:
    """Add customers owned by `owners` [(user id, team id)] (used by tests to grow data)."""
    ctx = LoadContext(conn=conn, scale=Scale(teams=0, users=0, companies=companies,
                                             people=people),
                      fake=Fake(seed), owners=list(owners), echo=lambda _line: None,
                      seed=seed)
    summary = load_customers(ctx)
    fix_sequences(conn)
    return summary


def recorded_scale() -> str | None:
    """The scale `crm bench-data` last wrote into this database, if any."""
    from crm.models import SystemState

    try:
        return db.session.scalar(select(SystemState.value).where(SystemState.key == MARKER_KEY))
    except Exception:  # noqa: BLE001 - no tables yet
        db.session.rollback()
        return None


def generate(scale_name: str, *, reset: bool = False, seed: int = 2026,
             echo: Callable[[str], None] = print) -> list[str]:
    """Fill the database with `scale_name` data; returns one summary line per area."""
    scale = SCALES[scale_name]
    summaries = []
    with db.engine.connect() as conn:
        if conn.dialect.name == "sqlite":  # safe for a throw-away load; restored below
            conn.connection.driver_connection.execute("PRAGMA synchronous=OFF")
        with conn.begin():
            if has_business_data(conn):
                if not reset:
                    raise BenchDataError("The database already holds data; use --reset to "
                                         "replace ALL of it with benchmark data.")
                wipe(conn)
        ctx = LoadContext(conn=conn, scale=scale, fake=Fake(seed), echo=echo, seed=seed)
        for loader in AREAS:
            started = time.perf_counter()
            with conn.begin():
                summary = loader(ctx)
            if summary:
                summaries.append(summary)
                echo(f"  {summary} ({time.perf_counter() - started:.1f} s)")
        with conn.begin():
            finish(conn, scale_name)
        with conn.begin():
            conn.exec_driver_sql("ANALYZE")
        if conn.dialect.name == "sqlite":
            conn.connection.driver_connection.execute("PRAGMA synchronous=NORMAL")
    return summaries


@click.command("bench-data")
@click.option("--scale", type=click.Choice(list(SCALES)), default="small", show_default=True)
@click.option("--reset", is_flag=True, help="delete ALL existing rows first")
@click.option("--seed", default=2026, show_default=True, type=int)
@with_appcontext
def bench_data_command(scale: str, reset: bool, seed: int) -> None:
    """Generate realistic benchmark data (bulk inserts) for every area that exists."""
    from crm.cli import upgrade_database

    upgrade_database()
    db.session.remove()
    started = time.perf_counter()
    click.echo(f"Generating {scale} benchmark data in "
               f"{current_app.config['SQLALCHEMY_DATABASE_URI'].split('@')[-1]} …")
    generate(scale, reset=reset, seed=seed, echo=click.echo)
    click.echo(f"Done in {time.perf_counter() - started:.1f} s. Users sign in with "
               f"{BENCH_PASSWORD!r} (e.g. bench.rep.0005@{BENCH_DOMAIN}).")
