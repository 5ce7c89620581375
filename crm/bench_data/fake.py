"""Realistic text for benchmark data: Chinese and English names, phones, emails, addresses."""

from __future__ import annotations

import random

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
