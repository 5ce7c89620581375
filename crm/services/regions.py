"""China's provinces, municipalities, autonomous regions and SARs with their main cities.

Municipalities list their districts; provinces list their prefecture-level cities. Used by the
province/city selects of the customer forms; anything not listed is refused as an unknown
region.
"""

from __future__ import annotations

_DATA = """
北京: 东城 西城 朝阳 海淀 丰台 石景山 通州 顺义 昌平 大兴 房山 门头沟 怀柔 平谷 密云 延庆
天津: 和平 河西 南开 河东 河北 红桥 滨海新区 东丽 西青 津南 北辰 武清 宝坻 宁河 静海 蓟州
上海: 黄浦 徐汇 长宁 静安 普陀 虹口 杨浦 浦东新区 闵行 宝山 嘉定 金山 松江 青浦 奉贤 崇明
重庆: 渝中 江北 南岸 沙坪坝 九龙坡 大渡口 渝北 巴南 北碚 万州 涪陵 永川 合川 江津 綦江 长寿
河北: 石家庄 唐山 秦皇岛 邯郸 邢台 保定 张家口 承德 沧州 廊坊 衡水
山西: 太原 大同 阳泉 长治 晋城 朔州 晋中 运城 忻州 临汾 吕梁
内蒙古: 呼和浩特 包头 乌海 赤峰 通辽 鄂尔多斯 呼伦贝尔 巴彦淖尔 乌兰察布
辽宁: 沈阳 大连 鞍山 抚顺 本溪 丹东 锦州 营口 阜新 辽阳 盘锦 铁岭 朝阳 葫芦岛
吉林: 长春 吉林 四平 辽源 通化 白山 松原 白城 延边
黑龙江: 哈尔滨 齐齐哈尔 鸡西 鹤岗 双鸭山 大庆 伊春 佳木斯 七台河 牡丹江 黑河 绥化
江苏: 南京 无锡 徐州 常州 苏州 南通 连云港 淮安 盐城 扬州 镇江 泰州 宿迁
浙江: 杭州 宁波 温州 嘉兴 湖州 绍兴 金华 衢州 舟山 台州 丽水
安徽: 合肥 芜湖 蚌埠 淮南 马鞍山 淮北 铜陵 安庆 黄山 滁州 阜阳 宿州 六安 亳州 池州 宣城
福建: 福州 厦门 莆田 三明 泉州 漳州 南平 龙岩 宁德
江西: 南昌 景德镇 萍乡 九江 新余 鹰潭 赣州 吉安 宜春 抚州 上饶
山东: 济南 青岛 淄博 枣庄 东营 烟台 潍坊 济宁 泰安 威海 日照 临沂 德州 聊城 滨州 菏泽
河南: 郑州 开封 洛阳 平顶山 安阳 鹤壁 新乡 焦作 濮阳 许昌 漯河 三门峡 南阳 商丘 信阳 周口 驻马店
湖北: 武汉 黄石 十堰 宜昌 襄阳 鄂州 荆门 孝感 荆州 黄冈 咸宁 随州 恩施
湖南: 长沙 株洲 湘潭 衡阳 邵阳 岳阳 常德 张家界 益阳 郴州 永州 怀化 娄底 湘西
广东: 广州 深圳 珠海 汕头 佛山 韶关 湛江 肇庆 江门 茂名 惠州 梅州 汕尾 河源
广东: 阳江 清远 东莞 中山 潮州 揭阳 云浮
广西: 南宁 柳州 桂林 梧州 北海 防城港 钦州 贵港 玉林 百色 贺州 河池 来宾 崇左
海南: 海口 三亚 三沙 儋州
四川: 成都 自贡 攀枝花 泸州 德阳 绵阳 广元 遂宁 内江 乐山 南充 眉山 宜宾 广安 达州 雅安 巴中 资阳
贵州: 贵阳 六盘水 遵义 安顺 毕节 铜仁
云南: 昆明 曲靖 玉溪 保山 昭通 丽江 普洱 临沧 大理 西双版纳
西藏: 拉萨 日喀则 昌都 林芝 山南 那曲
陕西: 西安 铜川 宝鸡 咸阳 渭南 延安 汉中 榆林 安康 商洛
甘肃: 兰州 嘉峪关 金昌 白银 天水 武威 张掖 平凉 酒泉 庆阳 定西 陇南
青海: 西宁 海东
宁夏: 银川 石嘴山 吴忠 固原 中卫
新疆: 乌鲁木齐 克拉玛依 吐鲁番 哈密 昌吉 伊犁 喀什 阿克苏
香港: 香港岛 九龙 新界
澳门: 澳门半岛 氹仔 路环
台湾: 台北 新北 桃园 台中 台南 高雄
"""



def _parse(data: str) -> dict[str, tuple[str, ...]]:
    """One line per province (a long province continues on a line with the same name)."""
    parsed: dict[str, tuple[str, ...]] = {}
    for line in data.strip().splitlines():
        province, cities = line.split(":")
        parsed[province.strip()] = parsed.get(province.strip(), ()) + tuple(cities.split())
    return parsed


REGIONS: dict[str, tuple[str, ...]] = _parse(_DATA)

PROVINCES: tuple[str, ...] = tuple(REGIONS)


def cities_of(province: str | None) -> tuple[str, ...]:
    """The cities of a province, or () when the province is unknown or empty."""
    return REGIONS.get(province or "", ())


def is_known(province: str | None, city: str | None = None) -> bool:
    """Whether the province (and the city within it, when given) is a known region."""
    if province not in REGIONS:
        return False
    return not city or city in REGIONS[province]


def map_url(province: str | None, city: str | None, address: str | None) -> str | None:
    """A one-tap map search link for the address (Amap web URI, opens the app on phones)."""
    from urllib.parse import quote

    text = "".join(part for part in (province, city, address) if part)
    if not text:
        return None
    return "https://uri.amap.com/search?keyword=" + quote(text)


def point_url(latitude: float | None, longitude: float | None) -> str | None:
    """A map link to the place a phone reported (WGS-84 degrees, as browsers give them)."""
    if latitude is None or longitude is None:
        return None
    return (f"https://uri.amap.com/marker?position={longitude:.6f},{latitude:.6f}"
            "&coordinate=wgs84")
