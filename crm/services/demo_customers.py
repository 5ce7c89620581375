"""Demo customers: ~60 companies (Chinese and English, a few near-duplicates), ~150 people,
phones, tags and notes, owned by the demo reps and managers. Skipped when companies exist."""

from __future__ import annotations

import random

from sqlalchemy import func, select

from crm.extensions import db
from crm.models import Company, Note
from crm.records import service
from crm.records.customers import COMPANY, CONTACT, SIZES, SOURCES, STATUSES, TIERS
from crm.services import regions

STATUSES, TIERS, SOURCES, SIZES = ([c.value for c in choices]
                                   for choices in (STATUSES, TIERS, SOURCES, SIZES))

COMPANY_NAMES = (
    "北京字节跳动科技有限公司 深圳市腾讯计算机系统有限公司 杭州西湖龙井茶业有限公司 "
    "上海浦江国际贸易有限公司 广州白云服装有限公司 成都天府软件有限公司 南京金陵医药股份有限公司 "
    "苏州工业园区精密机械有限公司 武汉光谷光电科技有限公司 西安秦川汽车配件有限公司 "
    "青岛海滨食品有限公司 厦门鹭岛进出口有限公司 重庆山城火锅餐饮管理有限公司 "
    "天津港湾物流有限公司 宁波甬江模具有限公司 长沙湘江文化传媒有限公司 郑州中原粮油有限公司 "
    "合肥科大讯联信息技术有限公司 昆明春城花卉有限公司 大连星海水产有限公司 "
    "无锡太湖环保设备有限公司 佛山南海陶瓷有限公司 东莞长安电子厂 温州瓯江鞋业有限公司 "
    "济南泉城建材有限公司 福州闽江茶叶有限公司 哈尔滨冰城乳业有限公司 沈阳盛京机床有限公司 "
    "贵阳数谷大数据有限公司 南昌赣江家具有限公司 石家庄华北制药有限公司 兰州黄河啤酒有限公司 "
    "海口椰风旅游有限公司 太原晋商钢铁贸易有限公司 "
    "李记服装店 王氏茶庄 小美花店 老张五金店"
).split()
ENGLISH_NAMES = (
    "Acme Trading Co., Ltd.|Globex Technologies|Northwind Traders|Initech Software Ltd"
    "|Umbrella Health Inc.|Stark Industrial Supply|Wayne Logistics (Shanghai) Ltd"
    "|Blue Harbor Foods|Evergreen Packaging Ltd|Pioneer Robotics GmbH|Silver Lake Hotels"
    "|Bright Future Education|Golden Gate Imports LLC|Summit Outdoor Gear"
    "|Lotus Cosmetics Co., Ltd.|Harbor Freight Forwarding"
).split("|")
NEAR_DUPLICATES = ("字节跳动（北京）有限公司", "ACME TRADING LTD", "腾讯计算机系统",
                   "Globex Technology", "Northwind Trader")
SURNAMES = "王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 林 罗 高".split()
GIVEN = "伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀英 霞 平 刚 桂英 晨 浩".split()
ENGLISH_PEOPLE = ("Emma Li", "James Wang", "Olivia Chen", "Liam Zhang", "Sophia Liu",
                  "Noah Smith", "Ava Brown", "Lucas Müller")
TITLES = ("总经理", "采购经理", "财务主管", "销售总监", "技术负责人", "店长", "Purchasing Manager",
          "CEO", "Office Manager")
INDUSTRIES = ("软件", "制造", "零售", "餐饮", "物流", "医药", "教育", "Retail", "Logistics")
TAGS = ("VIP", "老客户", "潜在", "高价值", "华东", "展会", "referral", "key account")
NOTES = ("拜访了客户，对新品很感兴趣，下周报价。", "客户要求周三前回电。",
         "Met the buyer; they want a quote for 500 units.", "送样品，客户反馈质量不错。",
         "Called, no answer. Try again Friday.", "客户提到预算在下个季度。")


def _mobile(rng: random.Random) -> str:
    return "+86" + rng.choice(("138", "139", "186", "135", "150", "177")) + \
        f"{rng.randrange(10**8):08d}"


def _place(rng: random.Random) -> dict:
    province = rng.choice(regions.PROVINCES[:31])
    street = rng.choice(("人民路", "中山路", "解放大道", "科技园"))
    return {"region": (province, rng.choice(regions.cities_of(province))),
            "address": f"{street}{rng.randrange(1, 300)}号"}


def _company_values(rng: random.Random, name: str) -> dict:
    values = {"name": name, "status": rng.choice(STATUSES), "tier": rng.choice(TIERS + [None]),
              "source": rng.choice(SOURCES), "industry": rng.choice(INDUSTRIES),
              "size": rng.choice(SIZES)}
    if rng.random() < 0.7:
        values.update(_place(rng))
    if rng.random() < 0.5:
        values["website"] = f"www.example{rng.randrange(1000)}.cn"
    if rng.random() < 0.15:
        values["special_requests"] = rng.choice(("只在下午联系", "发票需提前开具",
                                                 "Prefers WeChat over phone"))
    return values


def _person_values(rng: random.Random, company_id: int | None) -> dict:
    name = (rng.choice(ENGLISH_PEOPLE) if rng.random() < 0.15
            else rng.choice(SURNAMES) + rng.choice(GIVEN))
    values = {"name": name, "company": company_id, "job_title": rng.choice(TITLES),
              "gender": rng.choice(("female", "male", None)), "status": rng.choice(STATUSES),
              "tier": rng.choice(TIERS), "source": rng.choice(SOURCES)}
    if rng.random() < 0.6:
        values["email"] = f"user{rng.randrange(10**6)}@example.com"
    if company_id is None:
        values.update(_place(rng))
    return values


def load(users: list) -> str:
    """Create the demo customers (idempotent: nothing happens when companies exist)."""
    if db.session.scalar(select(func.count()).select_from(Company)):
        return "customers already present"
    rng = random.Random(2026)
    owners = [u for u in users if u.role in ("rep", "manager")] or users
    companies = []
    for name in COMPANY_NAMES + ENGLISH_NAMES + list(NEAR_DUPLICATES):
        owner = rng.choice(owners)
        values = {**_company_values(rng, name), "phone": [("work", _mobile(rng))],
                  "tags": rng.sample(TAGS, 2)}
        record = service.create(COMPANY, values, user=owner, confirmed=True)
        companies.append((record, owner))
    people = 0
    for _ in range(150):
        company, owner = rng.choice(companies) if rng.random() < 0.75 else (None, None)
        owner = owner or rng.choice(owners)
        values = {**_person_values(rng, company.id if company else None),
                  "phone": [("mobile", _mobile(rng))], "tags": [rng.choice(TAGS)]}
        service.create(CONTACT, values, user=owner, confirmed=True)
        people += 1
    for company, owner in rng.sample(companies, 25):
        db.session.add(Note(record_id=company.record_id, body=rng.choice(NOTES),
                            created_by=owner.id))
        service.touch(company)
    db.session.flush()
    return f"{len(companies)} companies, {people} people"
