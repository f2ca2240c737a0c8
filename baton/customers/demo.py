"""The demo company's customers: about 3,000 accounts of 顺达物流 and a year of business with them.

``seed_customers(ctx)`` runs after the organisation and login seeders. It adds the team pools and
the public pool (公海), the assignment and tier rules, customers with contacts, collaborators and
ownership history, and, for the 12 months up to the seeding moment (``baton.core.clock``),
interactions, orders, monthly statements (receivables), framework contracts and complaints.

The story the product exists for is built in, and the tests in ``tests/test_demo_story.py``
measure it:

- S1101 张伟 (华南区工业客户团队, ten years with the firm) holds about 15% of the company's
  revenue of the last 12 months. His customers' order amounts are scaled once, after all orders
  are drawn, so that the share lands in 14.7–15.3% whatever the draw.
- Several of his large accounts order less in each of the last three calendar months (count
  and amount strictly lower each month): they are moving to a competitor.
- He logs about five customer interactions a week until two weeks ago, one a week since, and
  his visit notes of the last two months say little (走过场). One of his last WeChat messages
  asks a customer to 以后直接加我私人微信联系.
- The follow-up specialists of his team keep his customers followed up, so none of them is
  due back to the public pool; the company still has the history and the learned facts.

Determinism: every part draws from its own ``random.Random`` derived from ``ctx.seed`` and a
part name (never from ``ctx.rng``), so the same seed gives the same customers, names and history
(for the same seeding day), and seeders after this one see ``ctx.rng`` untouched. Phone numbers
are encrypted with a random nonce, so only their ciphertext differs between runs.

Writes and the audit trail. Historic customers cannot go through ``customer_create`` (it stamps
"now" as the creation time and checks duplicates with three queries per customer), so they are
built in memory, consistent with the assignment rules (``pool_for``), and bulk-inserted. The
audit trail gets, through ``audit_record_many``:

- one event per created record for what has an identity of its own and a history page:
  pools and rules, customers (``customers.customer_created``, the same fields as
  ``customer_create`` writes) and contacts (``customers.contact_added``, phone masked);
- one event per batch, with counts, id range and period, for the bulk history: interactions,
  orders, receivables, contracts, complaints, collaborators and ownership changes.

The dozen leads that arrive on the seeding day go through ``customer_create`` (with their
contacts through ``contact_add``), so the demo also shows customers made by the real path, and
the duplicate check proves the bulk data clean. Facts are learned by ``facts_extract`` (which
audits each fact) for every interaction of the key accounts and of S1101's customers, when the
fact extractor (``baton.customers.facts``) is present in this tree.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import math
import random
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from baton.audit.services import EventSpec, audit_record_many, diff, snapshot
from baton.core import clock, crypto
from baton.core.masking import mask_phone
from baton.customers.models import (
    AssignmentRule,
    Complaint,
    ComplaintSeverity,
    ComplaintStatus,
    Contact,
    Contract,
    Customer,
    CustomerCollaborator,
    CustomerStatus,
    Interaction,
    InteractionChannel,
    Order,
    OrderStatus,
    OwnershipChange,
    OwnershipChangeKind,
    Pool,
    PoolKind,
    PoolTierRule,
    Receivable,
    ReceivableStatus,
    Tier,
)
from baton.customers.services.customers import CUSTOMER_FIELDS, customer_create, pool_for
from baton.customers.services.identity import credit_code_check_char, normalize_name, normalize_phone
from baton.demo.registry import DemoContext
from baton.org.models import TeamRole

# The fact extractor is being finished in parallel; without it the demo simply has no facts.
FACTS_AVAILABLE = (
    importlib.util.find_spec("baton.customers.facts") is not None
    and importlib.util.find_spec("baton.customers.facts.rules") is not None
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
CUSTOMER_COUNT = 3000
NEW_LEADS = 12  # of CUSTOMER_COUNT, created on the seeding day through customer_create
PUBLIC_SHARE = 0.08
STORY_EMPLOYEE = "S1101"
STORY_SHARE = (0.147, 0.153)
STORY_PORTFOLIO: dict[str, int] = {Tier.LARGE: 20, Tier.MEDIUM: 14, Tier.SMALL: 6}
STORY_DECLINING = 4
PRIVATE_WECHAT = "以后直接加我私人微信联系"
ACTOR_LABEL = "seed_demo"
FEN = Decimal("0.01")

# By scale tier: orders a month (range), oldest customers (years), chance of being a key account.
ORDER_RATES: dict[str, tuple[float, float]] = {
    Tier.LARGE: (3.0, 6.0),
    Tier.MEDIUM: (0.8, 2.2),
    Tier.SMALL: (0.2, 0.7),
}
OLDEST_YEARS: dict[str, int] = {Tier.LARGE: 17, Tier.MEDIUM: 12, Tier.SMALL: 8}
KEY_ACCOUNT_CHANCE: dict[str, float] = {Tier.LARGE: 0.42, Tier.MEDIUM: 0.04, Tier.SMALL: 0.0}

# --- Places ----------------------------------------------------------------------------------

# name: (province, region, GB/T 2260 area code for credit codes, pinyin, latitude, longitude)
CITIES: dict[str, tuple[str, str, str, str, float, float]] = {
    "广州": ("广东", "south", "440100", "guangzhou", 23.13, 113.26),
    "深圳": ("广东", "south", "440300", "shenzhen", 22.54, 114.06),
    "东莞": ("广东", "south", "441900", "dongguan", 23.02, 113.75),
    "佛山": ("广东", "south", "440600", "foshan", 23.02, 113.12),
    "中山": ("广东", "south", "442000", "zhongshan", 22.52, 113.39),
    "珠海": ("广东", "south", "440400", "zhuhai", 22.27, 113.58),
    "惠州": ("广东", "south", "441300", "huizhou", 23.11, 114.42),
    "江门": ("广东", "south", "440700", "jiangmen", 22.58, 113.08),
    "汕头": ("广东", "south", "440500", "shantou", 23.35, 116.68),
    "厦门": ("福建", "south", "350200", "xiamen", 24.48, 118.09),
    "泉州": ("福建", "south", "350500", "quanzhou", 24.87, 118.68),
    "福州": ("福建", "south", "350100", "fuzhou", 26.07, 119.30),
    "南宁": ("广西", "south", "450100", "nanning", 22.82, 108.37),
    "上海": ("上海", "east", "310115", "shanghai", 31.23, 121.47),
    "苏州": ("江苏", "east", "320500", "suzhou", 31.30, 120.58),
    "昆山": ("江苏", "east", "320583", "kunshan", 31.38, 120.98),
    "无锡": ("江苏", "east", "320200", "wuxi", 31.49, 120.31),
    "常州": ("江苏", "east", "320400", "changzhou", 31.81, 119.97),
    "南京": ("江苏", "east", "320100", "nanjing", 32.06, 118.80),
    "南通": ("江苏", "east", "320600", "nantong", 31.98, 120.89),
    "杭州": ("浙江", "east", "330100", "hangzhou", 30.27, 120.15),
    "宁波": ("浙江", "east", "330200", "ningbo", 29.87, 121.54),
    "嘉兴": ("浙江", "east", "330400", "jiaxing", 30.75, 120.76),
    "绍兴": ("浙江", "east", "330600", "shaoxing", 30.00, 120.58),
    "义乌": ("浙江", "east", "330782", "yiwu", 29.31, 120.07),
    "温州": ("浙江", "east", "330300", "wenzhou", 28.00, 120.67),
    "合肥": ("安徽", "east", "340100", "hefei", 31.82, 117.23),
    "青岛": ("山东", "east", "370200", "qingdao", 36.07, 120.38),
    "济南": ("山东", "east", "370100", "jinan", 36.65, 117.12),
    "武汉": ("湖北", "central", "420100", "wuhan", 30.59, 114.31),
    "长沙": ("湖南", "central", "430100", "changsha", 28.23, 112.94),
    "郑州": ("河南", "central", "410100", "zhengzhou", 34.75, 113.63),
    "成都": ("四川", "southwest", "510100", "chengdu", 30.57, 104.07),
    "重庆": ("重庆", "southwest", "500000", "chongqing", 29.56, 106.55),
    "昆明": ("云南", "southwest", "530100", "kunming", 25.04, 102.71),
    "西安": ("陕西", "northwest", "610100", "xian", 34.34, 108.94),
    "北京": ("北京", "north", "110000", "beijing", 39.90, 116.41),
    "天津": ("天津", "north", "120000", "tianjin", 39.13, 117.20),
    "沈阳": ("辽宁", "northeast", "210100", "shenyang", 41.80, 123.43),
}

DISTRICTS: dict[str, tuple[str, ...]] = {
    "广州": ("天河区", "白云区", "黄埔区", "番禺区", "花都区"),
    "深圳": ("宝安区", "龙岗区", "龙华区", "南山区", "光明区"),
    "东莞": ("长安镇", "虎门镇", "松山湖", "塘厦镇", "常平镇"),
    "佛山": ("顺德区", "南海区", "禅城区", "三水区"),
    "中山": ("火炬开发区", "小榄镇", "古镇镇"),
    "珠海": ("香洲区", "金湾区", "斗门区"),
    "惠州": ("惠城区", "惠阳区", "博罗县"),
    "江门": ("蓬江区", "新会区", "鹤山市"),
    "汕头": ("龙湖区", "澄海区"),
    "厦门": ("湖里区", "集美区", "海沧区"),
    "泉州": ("晋江市", "石狮市", "丰泽区"),
    "福州": ("仓山区", "马尾区", "闽侯县"),
    "南宁": ("江南区", "西乡塘区", "良庆区"),
    "上海": ("浦东新区", "闵行区", "嘉定区", "松江区", "宝山区"),
    "苏州": ("工业园区", "吴中区", "相城区", "高新区"),
    "昆山": ("开发区", "花桥镇", "周市镇"),
    "无锡": ("新吴区", "惠山区", "锡山区"),
    "常州": ("武进区", "新北区"),
    "南京": ("江宁区", "栖霞区", "浦口区"),
    "南通": ("崇川区", "通州区"),
    "杭州": ("余杭区", "萧山区", "滨江区", "临平区"),
    "宁波": ("北仑区", "鄞州区", "镇海区"),
    "嘉兴": ("南湖区", "秀洲区", "嘉善县"),
    "绍兴": ("柯桥区", "越城区"),
    "义乌": ("稠城街道", "北苑街道"),
    "温州": ("鹿城区", "瓯海区", "乐清市"),
    "合肥": ("蜀山区", "包河区", "经开区"),
    "青岛": ("黄岛区", "城阳区", "即墨区"),
    "济南": ("历城区", "槐荫区"),
    "武汉": ("东西湖区", "江夏区", "汉阳区"),
    "长沙": ("雨花区", "望城区", "长沙县"),
    "郑州": ("经开区", "中牟县", "航空港区"),
    "成都": ("双流区", "新都区", "青白江区"),
    "重庆": ("渝北区", "沙坪坝区", "江津区"),
    "昆明": ("官渡区", "呈贡区"),
    "西安": ("未央区", "雁塔区", "高陵区"),
    "北京": ("大兴区", "顺义区", "通州区"),
    "天津": ("滨海新区", "西青区", "武清区"),
    "沈阳": ("于洪区", "浑南区"),
}  # fmt: skip

MUNICIPALITIES = frozenset({"上海", "北京", "天津", "重庆"})
PROVINCE_NAMES = {
    "上海": "上海市",
    "北京": "北京市",
    "天津": "天津市",
    "重庆": "重庆市",
    "广西": "广西壮族自治区",
}
COUNTY_CITIES = frozenset({"昆山", "义乌"})  # 县级市: no 市 after them in a company name

# Where the firm's customers are, by region (华南 and 华东 are its sales regions).
REGION_WEIGHTS = {"south": 48, "east": 48, "central": 2, "southwest": 1, "north": 0.7, "northwest": 0.3}
CITY_WEIGHTS = {
    "广州": 16, "深圳": 16, "东莞": 14, "佛山": 11, "中山": 5, "珠海": 4, "惠州": 5, "江门": 4,
    "汕头": 3, "厦门": 6, "泉州": 5, "福州": 3, "南宁": 3,
    "上海": 18, "苏州": 14, "昆山": 6, "无锡": 7, "常州": 5, "南京": 7, "南通": 4, "杭州": 11,
    "宁波": 8, "嘉兴": 4, "绍兴": 4, "义乌": 5, "温州": 4, "合肥": 5, "青岛": 4, "济南": 2,
}  # fmt: skip

# Destinations the lanes run to, with how often.
HUBS = {
    "上海": 10, "广州": 9, "深圳": 8, "北京": 6, "武汉": 7, "成都": 6, "重庆": 5, "长沙": 5, "郑州": 5,
    "西安": 4, "杭州": 6, "南京": 5, "苏州": 5, "天津": 4, "青岛": 3, "合肥": 4, "厦门": 3, "南宁": 3,
    "昆明": 3, "沈阳": 2, "东莞": 4, "佛山": 3, "宁波": 3, "福州": 2, "济南": 2,
}  # fmt: skip

ROADS = (
    "工业大道", "科技路", "兴业路", "创业路", "长江路", "黄河路", "人民路", "建设路", "环城路",
    "港口大道", "物流园路", "发展大道", "振兴路", "新华路", "金港路", "开源大道", "高新四路",
)  # fmt: skip

# --- Names -----------------------------------------------------------------------------------

# 字号 characters and their pinyin (for the customers' e-mail domains).
BRAND_CHARS: dict[str, str] = {
    "恒": "heng", "达": "da", "华": "hua", "瑞": "rui", "鑫": "xin", "宏": "hong", "昌": "chang",
    "盛": "sheng", "源": "yuan", "泰": "tai", "隆": "long", "嘉": "jia", "美": "mei", "新": "xin",
    "信": "xin", "联": "lian", "丰": "feng", "兴": "xing", "宝": "bao", "利": "li", "诚": "cheng",
    "德": "de", "通": "tong", "汇": "hui", "金": "jin", "海": "hai", "天": "tian", "力": "li",
    "中": "zhong", "博": "bo", "创": "chuang", "锦": "jin", "永": "yong", "富": "fu", "安": "an",
    "正": "zheng", "凯": "kai", "腾": "teng", "远": "yuan", "明": "ming", "星": "xing", "光": "guang",
    "鸿": "hong", "伟": "wei", "康": "kang", "佳": "jia", "和": "he", "益": "yi", "立": "li",
    "科": "ke", "晟": "sheng", "骏": "jun", "辉": "hui", "耀": "yao", "荣": "rong", "峰": "feng",
    "润": "run", "万": "wan", "友": "you", "东": "dong", "亚": "ya", "欧": "ou", "众": "zhong",
    "泓": "hong", "祥": "xiang", "志": "zhi", "卓": "zhuo", "越": "yue", "精": "jing", "拓": "tuo",
}  # fmt: skip

# What the company does, as it appears in its name, by industry.
INDUSTRY_WORDS: dict[str, tuple[str, ...]] = {
    "manufacturing": ("精密机械", "五金制品", "塑胶制品", "模具", "机电设备", "包装材料", "智能装备", "实业"),
    "trade": ("商贸", "贸易", "进出口", "供应链管理", "实业", "百货"),
    "ecommerce": ("电子商务", "网络科技", "电商", "数字科技"),
    "food": ("食品", "冷链食品", "农产品", "餐饮管理", "乳业"),
    "pharma": ("医药", "生物科技", "医疗器械", "药业"),
    "chemicals": ("化工", "新材料", "涂料", "化学"),
    "automotive": ("汽车零部件", "汽配", "汽车部件", "车辆配件"),
    "building": ("建材", "陶瓷", "新型建材", "装饰材料", "钢结构"),
    "electronics": ("电子科技", "电子", "光电", "智能科技", "电器"),
    "other": ("家具", "服饰", "纺织", "印刷", "文化用品"),
}  # fmt: skip

INDUSTRY_WEIGHTS = {
    "manufacturing": 24, "trade": 15, "ecommerce": 14, "food": 8, "electronics": 11, "automotive": 8,
    "chemicals": 5, "building": 6, "pharma": 4, "other": 2,
}  # fmt: skip

SURNAME_PINYIN: dict[str, str] = {
    "王": "wang", "李": "li", "张": "zhang", "刘": "liu", "陈": "chen", "杨": "yang", "黄": "huang",
    "赵": "zhao", "吴": "wu", "周": "zhou", "徐": "xu", "孙": "sun", "马": "ma", "朱": "zhu", "胡": "hu",
    "郭": "guo", "何": "he", "高": "gao", "林": "lin", "罗": "luo", "郑": "zheng", "梁": "liang",
    "谢": "xie", "宋": "song", "唐": "tang", "许": "xu", "韩": "han", "冯": "feng", "邓": "deng",
    "曹": "cao", "彭": "peng", "曾": "zeng", "肖": "xiao", "田": "tian", "董": "dong", "袁": "yuan",
    "潘": "pan", "蒋": "jiang", "蔡": "cai", "杜": "du", "叶": "ye", "程": "cheng", "苏": "su",
    "魏": "wei", "吕": "lv", "丁": "ding", "任": "ren", "沈": "shen", "钟": "zhong", "邱": "qiu",
}  # fmt: skip
GIVEN_PINYIN: dict[str, str] = {
    "伟": "wei", "芳": "fang", "静": "jing", "强": "qiang", "磊": "lei", "军": "jun", "勇": "yong",
    "艳": "yan", "杰": "jie", "涛": "tao", "明": "ming", "超": "chao", "霞": "xia", "斌": "bin",
    "鹏": "peng", "浩": "hao", "婷": "ting", "慧": "hui", "建华": "jianhua", "志强": "zhiqiang",
    "晓东": "xiaodong", "海燕": "haiyan", "丽娟": "lijuan", "国栋": "guodong", "春梅": "chunmei",
    "建国": "jianguo", "德明": "deming", "立新": "lixin", "红梅": "hongmei", "晓敏": "xiaomin",
    "卫东": "weidong", "振华": "zhenhua", "永刚": "yonggang", "小燕": "xiaoyan", "丽华": "lihua",
    "文斌": "wenbin", "俊峰": "junfeng", "雪梅": "xuemei", "宏伟": "hongwei", "佳慧": "jiahui",
    "子豪": "zihao", "思敏": "simin", "晓峰": "xiaofeng", "秋菊": "qiuju", "国强": "guoqiang",
}  # fmt: skip

# Contact titles and how people address them after the surname (王经理, 李总; "" = full name).
TITLES: dict[str, str] = {
    "物流经理": "经理", "采购经理": "经理", "仓储主管": "主管", "总经理": "总", "财务经理": "经理",
    "供应链总监": "总", "采购专员": "", "运营经理": "经理", "物流专员": "", "厂长": "厂长",
}  # fmt: skip
MAIN_CONTACT_TITLES = {"物流经理": 40, "采购经理": 25, "仓储主管": 15, "总经理": 20}

SOURCES = ("老客户转介绍", "展会", "电话开发", "官网咨询", "招投标", "行业协会", "同行推荐", "陌生拜访")

# --- Freight ---------------------------------------------------------------------------------

CARGO_BY_INDUSTRY: dict[str, tuple[str, ...]] = {
    "manufacturing": ("机械设备", "五金", "塑料", "纸品"),
    "trade": ("快消品", "日用品", "服装", "家电", "酒水"),
    "ecommerce": ("电商包裹", "服装", "日用品", "化妆品"),
    "food": ("冷冻食品", "生鲜", "乳制品", "饮料", "肉类"),
    "pharma": ("医药", "医疗器械", "疫苗"),
    "chemicals": ("化工品", "危险品", "塑料"),
    "automotive": ("汽车零部件",),
    "building": ("建材", "陶瓷", "钢材", "玻璃"),
    "electronics": ("电子产品", "锂电池", "家电", "光伏组件"),
    "other": ("家具", "纺织品", "图书"),
}
COLD_CARGO = frozenset({"冷冻食品", "生鲜", "乳制品", "肉类", "医药", "疫苗"})
HEAVY_CARGO = frozenset({"机械设备", "钢材", "建材", "玻璃", "陶瓷", "光伏组件"})
DANGEROUS_CARGO = frozenset({"危险品", "化工品", "锂电池"})

# vehicle: (fixed charge, CNY per km) — full-truckload prices of the region, tax included.
VEHICLES: dict[str, tuple[int, float]] = {
    "4.2米厢式货车": (300, 3.2),
    "6.8米厢式货车": (400, 4.5),
    "9.6米厢式货车": (500, 6.0),
    "9.6米飞翼车": (550, 6.4),
    "13米高栏车": (600, 7.5),
    "17.5米平板车": (800, 9.0),
    "冷藏车": (700, 8.5),
    "危险品车": (900, 10.0),
}

COMPLAINTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # category: (descriptions, resolutions)
    "延误": (
        (
            "{o}发{d}的{cargo}晚到{h}小时，客户产线等料，要求书面说明原因。",
            "{d}到货比约定时间晚了半天，客户收货口已下班，只能第二天卸货。",
        ),
        ("已书面说明（高速事故管制），本单运费减免5%。", "调整发车时间，后续同线路提前2小时发车。"),
    ),
    "货损": (
        (
            "到货时{n}箱{cargo}外包装破损，客户拒收{n}箱，要求按货值赔偿。",
            "{cargo}卸货时发现压坏，客户要求查明是装车还是运输途中的问题。",
        ),
        ("按货值赔偿，已从当月运费中抵扣。", "保险公司已定损理赔，司机装车培训已安排。"),
    ),
    "账单错误": (
        (
            "上月对账单多算了{n}票提货费，客户要求更正后重开发票。",
            "对账单上{d}线路单价按旧报价计算，与合同不符。",
        ),
        ("已更正对账单并重开发票。", "已按合同价重新结算，差额在下月抵扣。"),
    ),
    "服务态度": (
        ("司机卸货时态度差，与客户仓库人员发生争执。", "客服电话多次无人接听，客户查不到车辆位置。"),
        ("已向客户道歉，承运司机已调离该线路。", "已安排专人对接，车辆位置每天两次主动推送。"),
    ),
    "温控异常": (
        ("冷藏车温度记录显示途中有2小时高于零下15度，客户要求提供全程温度记录。",),
        ("已提供全程温度记录，检查确认货物未受影响，冷机已检修。",),
    ),
}


# --- Pure generators (no database) -------------------------------------------------------------


def part_rng(seed: int, part: str) -> random.Random:
    """An independent random stream for one part of the demo (names, history, story …)."""
    return random.Random(f"baton-demo-customers:{seed}:{part}")


def _weighted(rng: random.Random, weights: Mapping[str, float]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _org_code(rng: random.Random) -> str:
    """A 9-character organisation code (GB 11714): 8 characters and its check character."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = "".join(rng.choice("0123456789") if i < 2 else rng.choice(alphabet) for i in range(8))
    values = [int(c) if c.isdigit() else ord(c) - 55 for c in body]
    check = 11 - sum(v * w for v, w in zip(values, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
    return body + ("X" if check == 10 else "0" if check == 11 else str(check))


def credit_code(rng: random.Random, area: str) -> str:
    """A unified social credit code (GB 32100) of a company registered in ``area``."""
    first17 = "91" + area + _org_code(rng)
    return first17 + credit_code_check_char(first17)


@dataclass(frozen=True)
class CompanyIdentity:
    """Who a customer is: its registered name and where it sits."""

    name: str
    brand: str
    city: str
    region: str
    industry: str
    credit_code: str
    address: str
    domain: str


def company_identities(*, seed: int, count: int) -> list[CompanyIdentity]:
    """``count`` distinct companies (city + 字号 + industry word + 有限公司) with credit codes for
    about 90% of them; the same seed always gives the same companies in the same order."""
    rng = part_rng(seed, "names")
    brands = list(BRAND_CHARS)
    cities_by_region: dict[str, dict[str, float]] = defaultdict(dict)
    for city, row in CITIES.items():
        cities_by_region[row[1]][city] = CITY_WEIGHTS.get(city, 1)
    seen: set[str] = set()
    codes: set[str] = set()
    out: list[CompanyIdentity] = []
    while len(out) < count:
        region = _weighted(rng, REGION_WEIGHTS)
        city = _weighted(rng, cities_by_region[region])
        industry = _weighted(rng, INDUSTRY_WEIGHTS)
        b1, b2 = rng.sample(brands, 2)
        brand = b1 + b2
        word = rng.choice(INDUSTRY_WORDS[industry])
        suffix = rng.choices(("有限公司", "股份有限公司", "有限责任公司"), weights=(86, 8, 6))[0]
        form = rng.random()
        if form < 0.12:
            name = f"{brand}{word}（{city}）{suffix}"
        elif form < 0.3 and city not in COUNTY_CITIES:
            name = f"{city}市{brand}{word}{suffix}"
        else:
            name = f"{city}{brand}{word}{suffix}"
        key = normalize_name(name)
        if brand == "顺达" or key in seen or normalize_name(f"{city}{brand}{word}") in seen:
            continue
        seen.add(key)
        seen.add(normalize_name(f"{city}{brand}{word}"))
        province, _region, area, city_py, _lat, _lon = CITIES[city]
        districts = DISTRICTS[city]
        code = ""
        if rng.random() < 0.9:
            code = credit_code(rng, area)
            if code in codes:
                continue
            codes.add(code)
        place = f"{city}市" if city not in MUNICIPALITIES else ""
        head = PROVINCE_NAMES.get(province, f"{province}省")
        address = f"{head}{place}{rng.choice(districts)}{rng.choice(ROADS)}{rng.randint(1, 388)}号" + (
            f"{rng.randint(1, 12)}栋" if rng.random() < 0.35 else ""
        )
        domain = f"{BRAND_CHARS[b1]}{BRAND_CHARS[b2]}-{city_py}.example"
        out.append(CompanyIdentity(name, brand, city, region, industry, code, address, domain))
    return out


def names_digest(identities: list[CompanyIdentity]) -> str:
    """A fingerprint of the generated names, to compare two generations."""
    return hashlib.sha256("\n".join(i.name for i in identities).encode()).hexdigest()


def _km(a: str, b: str) -> float:
    """Road distance, approximated as 1.25 times the great-circle distance."""
    if a == b:
        return 45.0
    lat1, lon1 = (math.radians(x) for x in CITIES[a][4:6])
    lat2, lon2 = (math.radians(x) for x in CITIES[b][4:6])
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 1.25 * 2 * 6371 * math.asin(math.sqrt(h))


def lane_price(origin: str, destination: str, vehicle: str) -> int:
    """List price of a full truck on a lane, in CNY, rounded to 10."""
    fixed, per_km = VEHICLES[vehicle]
    return int(round((fixed + per_km * _km(origin, destination)) / 10) * 10)


# --- The plan of one customer, built in memory -----------------------------------------------


@dataclass
class Person:
    name: str
    surname: str
    title: str
    address_as: str  # 王经理, 李总
    phone: str
    wechat_id: str
    email: str


@dataclass
class Plan:
    """Everything about one customer before it is written."""

    identity: CompanyIdentity
    tier: str
    status: str = CustomerStatus.ACTIVE
    key: bool = False
    pool: Pool | None = None
    owner: Any = None  # Employee
    former_owner: Any = None  # for customers returned or released to the public pool
    left_at: dt.datetime | None = None  # when it went back to the public pool
    left_kind: str = ""
    collaborator: Any = None
    created_at: dt.datetime | None = None
    owned_since: dt.datetime | None = None
    people: list[Person] = field(default_factory=list)
    lanes: list[tuple[str, str]] = field(default_factory=list)
    cargo: str = ""
    vehicle: str = ""
    terms: int = 30
    lead_days: int = 1
    rate_factor: float = 1.0
    monthly_orders: float = 0.0
    last_order_cap: dt.date | None = None
    declining: bool = False
    warn: bool = False
    tags: list[str] = field(default_factory=list)
    source: str = ""
    customer: Customer | None = None
    contacts: list[Contact] = field(default_factory=list)

    @property
    def boss(self) -> str:
        for p in self.people:
            if p.title == "总经理":
                return p.address_as
        return self.people[0].surname + "总"

    @property
    def team_id(self) -> int | None:
        return self.pool.team_id if self.pool is not None else None


def _local(day: dt.date, rng: random.Random, *, evening: bool = False) -> dt.datetime:
    """A time of the working day (or the evening, for WeChat) on ``day`` in Shanghai, as UTC."""
    minutes = rng.randint(19 * 60, 22 * 60) if evening else rng.randint(8 * 60 + 30, 18 * 60 + 30)
    local = dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60, rng.randint(0, 59)), SHANGHAI)
    return local.astimezone(dt.UTC)


def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _money(value: float | Decimal) -> Decimal:
    return Decimal(str(value)).quantize(FEN, rounding=ROUND_HALF_UP)


def _months(today: dt.date, count: int = 12) -> list[tuple[dt.date, dt.date]]:
    """The last ``count`` calendar months up to today (the current one ends today), oldest first,
    as (first day, last day) — the months ``customers.selectors.monthly_volume`` shows."""
    out = []
    index = today.year * 12 + today.month - 1 - (count - 1)
    for _i in range(count):
        first = dt.date(index // 12, index % 12 + 1, 1)
        nxt = dt.date((index + 1) // 12, (index + 1) % 12 + 1, 1)
        out.append((first, min(nxt - dt.timedelta(days=1), today)))
        index += 1
    return out


# --- Interaction texts -----------------------------------------------------------------------
# Placeholders: {who} (how the contact is addressed), {boss}, {o}/{d} (a lane), {lane}, {cargo},
# {vehicle}, {n}, {tons}, {wan}, {terms}, {lead}, {k} (shipments; {k_on} of them on time, {dmg}
# damaged), {month}, {price}, {h}, {len}, {year}. Reports give results, not targets: the extractor
# would read "准时率98%" as something the customer asks for.

# What customers write to us on WeChat (inbound); calls starting with "{who}来电" are inbound too.
CUSTOMER_WECHATS = (
    "下周有{n}车{cargo}要发{d}，麻烦提前{lead}天安排车，还是用{vehicle}。",
    "周末仓库不收货，周五发的货请安排周一早上送。",
)
TEXTS: dict[str, tuple[str, ...]] = {
    InteractionChannel.CALL: (
        "电话跟{who}确认下周排车：{lane}，{cargo}约{tons}吨，需要{n}辆{vehicle}，客户要求提前{lead}天"
        "确认车牌和司机信息。",
        "{who}来电，下个月起{o}发{d}的量要加，预计需要增加{n}辆{vehicle}，让我们先报个价。",
        "电话回访{who}：上周{lane}的{cargo}已全部签收，客户对时效满意，后续尽量安排夜间运输，白天仓库"
        "卸货排不过来。",
        "和{who}核对{month}月的账，共{k}票，客户财务按月结{terms}天付款，发票月底前寄到。",
        "{who}来电询价：{o}到{d}整车，{cargo}，{vehicle}，问能不能做月结{terms}天。已报{price}元/车，"
        "等{boss}拍板。",
        "电话沟通旺季运力：客户下季度每月发货量预计{tons}吨左右，{boss}拍板后签补充协议。",
        "给{who}打电话催{month}月运费，对方说付款申请已提交，{boss}签字后本周内付。",
        "{who}来电说{lane}这票晚到了{h}小时，已说明是高速事故管制，客户要求以后必须准时到货，晚到要扣款。",
        "例行电话回访，客户运输正常，{who}说{d}那边收货没有问题。",
        "电话联系{who}，客户这周没有新增需求，{lane}线路维持每周发车。",
    ),
    InteractionChannel.WECHAT: (
        "{who}，明天{lane}的{cargo}已安排{vehicle}，司机信息稍后发您，预计后天上午到。",
        "好的{who}，{o}发{d}这批改成夜间运输，晚上10点后装车，明早7点前到仓。",
        "{who}，{month}月的月度报表已发您邮箱，{k}票里{k_on}票按约定时间送达，请查收。",
        "{who}，车已到{o}仓库门口，正在装货，装完拍照发您。",
        *CUSTOMER_WECHATS,
        "{who}，{month}月对账单已发，共{k}票，请帮忙核对，有问题随时联系我。",
        "收到，{d}那票已经签收了，回单明天寄回。",
    ),
    InteractionChannel.EMAIL: (
        "主题：{month}月运输月度报表\n{who}您好，附件为{month}月运输报表：共完成{k}票，按时送达{k_on}票，"
        "货损{dmg}票。如有疑问请随时联系。",
        "主题：{lane}整车报价\n{who}您好，{lane}{vehicle}整车报价{price}元/车（含税），付款方式月结"
        "{terms}天，报价有效期30天。",
        "主题：{year}年度运输服务合同续签\n{who}您好，附件为{year}年度框架合同草稿，主要条款与去年一致，"
        "付款方式月结{terms}天，请{boss}审阅。",
        "主题：回复：关于{d}线路时效\n收到，{d}线路调整为提前{lead}天下单、次日发车，保证48小时内送达。",
    ),
    InteractionChannel.VISIT: (
        "上门拜访{boss}和{who}，了解明年物流规划：年运输量约{wan}万吨，主要线路{lane}，对延迟交货"
        "容忍度低，合同由{boss}拍板。",
        "拜访客户仓库，查看装卸条件：月台只能停{len}米以下车型，周末不收货，收货时间早上8点到下午5点。",
        "陪{boss}参观我司{o}中转仓，客户对温控和GPS全程追踪比较认可，希望每月提供运输报表。",
        "拜访{who}，客户在对比两家物流公司报价，我方{lane}价格偏高约5%，回去申请特价。",
    ),
    InteractionChannel.MEETING: (
        "季度业务回顾会：本季度共运输{k}票，按时送达{k_on}票。客户要求准时率不低于98%，{lane}线路"
        "下季度再加{n}辆车。",
        "与客户物流部开会，确认新仓启用后的配送方案：{o}仓发{d}，每周{n}车，需要提前{lead}天下单。",
        "年度合同谈判：{boss}拍板续签一年，单价下调2%，付款方式月结{terms}天。",
    ),
    InteractionChannel.NOTE: (
        "客户采购由{boss}拍板，{who}负责日常下单，付款流程较慢，注意月结{terms}天的账期。",
        "客户近期在找其他物流公司比价，需要关注。",
        "客户偏好夜间运输，白天厂区限行；{cargo}怕压，不能堆叠。",
        "客户要求每月5号前收到上月月度报表。",
    ),
}
COLD_TEXTS = (
    "{who}确认{lane}冷链专线：{cargo}全程温控零下18度，需要{n}辆冷藏车，提前{lead}天下单。",
    "客户要求冷藏车装货前预冷，途中温度每两小时截图发群里。",
)
# What S1101 writes in his last two months: visits that were a formality (走过场).
VAGUE_TEXTS = (
    (InteractionChannel.VISIT, "拜访客户，沟通近况。"),
    (InteractionChannel.VISIT, "走访客户，了解近期情况，客户暂无新需求。"),
    (InteractionChannel.CALL, "电话联系客户，一切正常。"),
    (InteractionChannel.VISIT, "客户处拜访，聊了聊近期业务。"),
    (InteractionChannel.NOTE, "客户情况稳定，暂无特别事项。"),
)
# What the follow-up specialists notice on the accounts that are moving away.
DECLINE_TEXTS = (
    "客户这个月发货量明显下降，{who}说部分线路交给别家在做，具体原因不愿多说。",
    "本月{lane}线路只下了{n}单，往常每月十几单，已报告团队负责人。",
    "{who}说下个月的计划还没定，让我们先别排车。",
)
PRIVATE_MESSAGE = (
    "{who}，跟您说一下，我这边工作后面可能会有些变动。" + PRIVATE_WECHAT + "，号码就是我手机号，"
    "您那边的货我照样安排，价格按老规矩来。"
)
NEXT_STEPS = (
    "周五前回复报价",
    "月底前寄对账单和发票",
    "下周一安排车辆",
    "跟进付款进度",
    "准备续签合同",
    "把温度记录发给客户",
    "约客户下月拜访",
    "",
    "",
    "",
)


# --- The seeder ------------------------------------------------------------------------------

TEAM_RULES: list[tuple[str, str, tuple[str, ...]]] = [
    # team key, region, industries; the first lines are the rules the sales organisation names
    ("south_industrial", "south", ("manufacturing", "automotive", "electronics", "chemicals", "building")),
    ("south_trade", "south", ("trade", "ecommerce", "food", "pharma")),
    ("east_manufacturing", "east", ("manufacturing", "automotive", "electronics", "chemicals", "building")),
    ("east_ecommerce", "east", ("ecommerce", "trade", "food", "pharma")),
]
POOL_DEFAULTS = {"follow_up_days": 45, "deal_days": 180, "warn_days": 7}
# Per-tier return rules of every team pool (follow-up days, deal days); medium uses the defaults.
TIER_RULES: dict[str, tuple[int, int]] = {Tier.LARGE: (30, 240), Tier.SMALL: (60, 150)}


@dataclass
class Seeding:
    """State shared by the steps of one run."""

    ctx: DemoContext
    now: dt.datetime
    public: Pool
    pools: dict[str, Pool]
    plans: list[Plan] = field(default_factory=list)
    interactions: list[Interaction] = field(default_factory=list)
    orders_of: dict[int, list[Order]] = field(default_factory=lambda: defaultdict(list))
    receivables: list[Receivable] = field(default_factory=list)
    contracts: list[Contract] = field(default_factory=list)
    complaints: list[Complaint] = field(default_factory=list)
    events: list[EventSpec] = field(default_factory=list)
    phones: set[str] = field(default_factory=set)
    story_scale: Decimal = Decimal("1")

    @property
    def today(self) -> dt.date:
        """The day orders are dated by: UTC, like ``monthly_volume`` and the 12-month revenue."""
        return self.now.date()

    def local_day(self, days_ago: int) -> dt.date:
        """A calendar day in Shanghai, where interactions happen."""
        return self.now.astimezone(SHANGHAI).date() - dt.timedelta(days=days_ago)

    def at(self, days_ago: float) -> dt.datetime:
        return self.now - dt.timedelta(days=days_ago)

    def limits(self, tier: str) -> tuple[int, int, int]:
        """(follow-up days, deal days, warning days) of a team pool for a tier."""
        fu, deal = TIER_RULES.get(tier, (POOL_DEFAULTS["follow_up_days"], POOL_DEFAULTS["deal_days"]))
        return fu, deal, POOL_DEFAULTS["warn_days"]

    def story(self) -> list[Plan]:
        return [p for p in self.plans if p.owner is not None and p.owner.employee_no == STORY_EMPLOYEE]


def seed_customers(ctx: DemoContext) -> None:
    """Pools, rules, about 3,000 customers and a year of business with them (see module doc)."""
    now = clock.now()
    pools, public = _pools_and_rules(ctx)
    s = Seeding(ctx=ctx, now=now, public=public, pools=pools)
    identities = company_identities(seed=ctx.seed, count=CUSTOMER_COUNT)
    _plan_customers(s, identities[: CUSTOMER_COUNT - NEW_LEADS])
    _plan_people(s)
    _build_customers(s)
    _history(s)
    _story(s)
    _commerce(s)
    _insert(s)
    audit_record_many(specs=s.events)
    _new_leads(s, identities[CUSTOMER_COUNT - NEW_LEADS :])
    if FACTS_AVAILABLE:
        _learn_facts(s)
    story = s.story()
    ctx.extra["customers"] = {
        "pools": {key: pool.pk for key, pool in pools.items()} | {"public": public.pk},
        "story_customers": [p.customer.pk for p in story if p.customer is not None],
        "declining_customers": [p.customer.pk for p in story if p.declining and p.customer is not None],
        "story_scale": round(float(s.story_scale), 3),  # how much S1101's order amounts were scaled
    }


def _event(s: Seeding, action: str, object_type: str, object_id: Any = "", **changes: Any) -> None:
    s.events.append(
        EventSpec(
            action=action,
            actor_label=ACTOR_LABEL,
            object_type=object_type,
            object_id=str(object_id),
            changes=changes,
        )
    )


def _batch_event(s: Seeding, action: str, object_type: str, rows: list[Any], **more: Any) -> None:
    """One audit event for a bulk insert: how many rows, their id range, how many customers."""
    if not rows:
        return
    pks = [r.pk for r in rows]
    _event(
        s,
        action,
        object_type,
        count=len(rows),
        first_id=min(pks),
        last_id=max(pks),
        customers=len({r.customer_id for r in rows}),
        **more,
    )


def _pools_and_rules(ctx: DemoContext) -> tuple[dict[str, Pool], Pool]:
    """The public pool, one pool per sales team with tier rules, and the assignment rules."""
    public = Pool.objects.create(company=ctx.company, name="公海（公共客户池）", kind=PoolKind.PUBLIC)
    pools = {
        key: Pool.objects.create(
            company=ctx.company, name=f"{team.name}客户池", kind=PoolKind.TEAM, team=team, **POOL_DEFAULTS
        )
        for key, team in ctx.teams.items()
    }
    tier_rules = PoolTierRule.objects.bulk_create(
        PoolTierRule(pool=pool, tier=tier, follow_up_days=fu, deal_days=deal)
        for pool in pools.values()
        for tier, (fu, deal) in TIER_RULES.items()
    )
    rules = AssignmentRule.objects.bulk_create(
        AssignmentRule(
            company=ctx.company, priority=10 * (n + 1) + m, region=region, industry=industry, pool=pools[key]
        )
        for n, (key, region, industries) in enumerate(TEAM_RULES)
        for m, industry in enumerate(industries)
    )
    specs = [
        EventSpec(
            action="customers.pool_created",
            actor_label=ACTOR_LABEL,
            object_type="customers.pool",
            object_id=str(pool.pk),
            changes={"name": pool.name, "kind": pool.kind, "team": pool.team_id, **POOL_DEFAULTS},
        )
        for pool in [public, *pools.values()]
    ]
    specs += [
        EventSpec(
            action="customers.pool_changed",
            actor_label=ACTOR_LABEL,
            object_type="customers.pool",
            object_id=str(pool.pk),
            changes={
                "tier_rules": {
                    "before": [],
                    "after": [
                        [r.tier, r.follow_up_days, r.deal_days] for r in tier_rules if r.pool_id == pool.pk
                    ],
                }
            },
        )
        for pool in pools.values()
    ]
    specs += [
        EventSpec(
            action="customers.assignment_rule_created",
            actor_label=ACTOR_LABEL,
            object_type="customers.assignmentrule",
            object_id=str(rule.pk),
            changes={
                "priority": rule.priority,
                "region": rule.region,
                "industry": rule.industry,
                "pool": rule.pool_id,
            },
        )
        for rule in rules
    ]
    audit_record_many(specs=specs)
    return pools, public


def _members(ctx: DemoContext, team_id: int | None, role: str) -> list[Any]:
    return sorted(
        (e for e in ctx.employees.values() if e.team_id == team_id and e.team_role == role),
        key=lambda e: e.employee_no,
    )


def _aware(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9, 0), SHANGHAI).astimezone(dt.UTC)


def _plan_customers(s: Seeding, identities: list[CompanyIdentity]) -> None:
    """Tier, pool, owner, status, dates and business of every customer but the day's leads."""
    rng = part_rng(s.ctx.seed, "accounts")
    routes: dict[tuple[str, str, str], Pool | None] = {}
    for identity in identities:
        tier = rng.choices((Tier.LARGE, Tier.MEDIUM, Tier.SMALL), weights=(10, 30, 60))[0]
        key = (identity.region, identity.industry, tier)
        if key not in routes:  # the assignment rules, asked once per combination
            routes[key] = pool_for(
                company=s.ctx.company, region=identity.region, industry=identity.industry, tier=tier
            )
        s.plans.append(Plan(identity=identity, tier=tier, pool=routes[key] or s.public))

    story_owner = s.ctx.employees[STORY_EMPLOYEE]
    wanted = dict(STORY_PORTFOLIO)
    for plan in s.plans:
        if plan.team_id == story_owner.team_id and wanted.get(plan.tier, 0) > 0:
            wanted[plan.tier] -= 1
            plan.owner = story_owner
    for i, plan in enumerate(p for p in s.plans if p.owner is story_owner and p.tier == Tier.LARGE):
        plan.key = i < 11
        plan.declining = i < STORY_DECLINING

    # Some team customers went back to the public pool; with the customers no rule places in a
    # team, about PUBLIC_SHARE of all customers are in the public pool.
    unplaced = sum(1 for p in s.plans if p.pool is s.public)
    candidates = [p for p in s.plans if p.pool is not s.public and p.owner is None and p.tier != Tier.LARGE]
    for plan in rng.sample(candidates, max(round(PUBLIC_SHARE * CUSTOMER_COUNT) - unplaced, 30)):
        plan.left_kind = rng.choices(
            (OwnershipChangeKind.RETURNED, OwnershipChangeKind.RELEASED), weights=(7, 3)
        )[0]

    team_of = {pool.pk: key for key, pool in s.pools.items()}
    managers = {
        key: [e for e in _members(s.ctx, pool.team_id, TeamRole.CUSTOMER_MANAGER) if e is not story_owner]
        for key, pool in s.pools.items()
    }
    specialists = {key: _members(s.ctx, pool.team_id, TeamRole.FOLLOW_UP) for key, pool in s.pools.items()}
    founded = dt.datetime(2006, 6, 1, tzinfo=dt.UTC)
    for plan in s.plans:
        fu, deal, warn = s.limits(plan.tier)
        team_key = team_of.get(plan.pool.pk) if plan.pool is not None else None
        if team_key is not None and plan.owner is None:
            people = managers[team_key]
            # Longer-serving managers hold more customers.
            chosen = rng.choices(people, weights=[1 + (s.today - e.hire_date).days / 1800 for e in people])[0]
            if plan.left_kind:
                plan.former_owner = chosen
            else:
                plan.owner = chosen
        if plan.owner is story_owner:
            plan.status = CustomerStatus.ACTIVE
            plan.created_at = founded + dt.timedelta(days=rng.randint(365 * 3, 365 * 15))
            hired = _aware(story_owner.hire_date)
            since = max(plan.created_at, hired + dt.timedelta(days=rng.randint(20, 900)))
            plan.owned_since = min(since, s.at(400))
        elif plan.left_kind:
            plan.status = rng.choices((CustomerStatus.DORMANT, CustomerStatus.LOST), weights=(6, 4))[0]
            plan.left_at = s.at(rng.uniform(15, 330))
            created = founded + dt.timedelta(days=rng.randint(365, 365 * 17))
            plan.created_at = min(created, plan.left_at - dt.timedelta(days=400))
            hired = _aware(plan.former_owner.hire_date)
            since = max(plan.created_at, hired + dt.timedelta(days=30))
            plan.owned_since = min(since, plan.left_at - dt.timedelta(days=fu + 30))
        elif plan.pool is s.public:
            plan.status = rng.choices((CustomerStatus.PROSPECT, CustomerStatus.LOST), weights=(6, 4))[0]
            plan.created_at = s.at(rng.uniform(60, 365 * 8))
        else:
            plan.status = rng.choices(
                (CustomerStatus.ACTIVE, CustomerStatus.DORMANT, CustomerStatus.PROSPECT),
                weights=(62, 14, 24) if plan.tier != Tier.LARGE else (80, 12, 8),
            )[0]
            if plan.status == CustomerStatus.PROSPECT:
                plan.created_at = s.at(rng.uniform(3, deal - warn - 3))
                plan.owned_since = plan.created_at
            else:
                oldest = OLDEST_YEARS[plan.tier] * 365
                youngest = 250 if plan.status == CustomerStatus.DORMANT else 60
                plan.created_at = max(s.at(rng.uniform(youngest, oldest)), founded)
                hired = _aware(plan.owner.hire_date)
                lo = max(plan.created_at, hired + dt.timedelta(days=30))
                hi = max(lo, s.at(20))
                plan.owned_since = lo + (hi - lo) * rng.random() * 0.5
                plan.warn = rng.random() < 0.03  # in the warning period before a return
        plan.key = plan.key or (
            plan.owner is not None
            and plan.owner is not story_owner
            and plan.status in (CustomerStatus.ACTIVE, CustomerStatus.DORMANT)
            and rng.random() < KEY_ACCOUNT_CHANCE[plan.tier]
        )
        # The team's follow-up specialists work on every one of S1101's accounts and on a third
        # of the team's larger ones (the eastern teams have no specialists).
        holder = plan.owner or plan.former_owner
        if (
            holder is not None
            and team_key is not None
            and specialists[team_key]
            and (plan.owner is story_owner or (plan.tier != Tier.SMALL and rng.random() < 0.33))
        ):
            plan.collaborator = rng.choice(specialists[team_key])
        _plan_business(rng, plan)
        if plan.status == CustomerStatus.DORMANT and not plan.left_kind:
            plan.last_order_cap = s.today - dt.timedelta(days=rng.randint(90, deal - warn - 3))
        elif plan.left_kind and plan.left_at is not None:
            plan.last_order_cap = (plan.left_at - dt.timedelta(days=fu + rng.randint(5, 60))).date()
        plan.source = rng.choice(SOURCES)
        plan.tags = _tags(plan)


def _plan_business(rng: random.Random, plan: Plan) -> None:
    """Lanes, cargo, vehicle, payment terms and order rate of a customer."""
    city = plan.identity.city
    plan.cargo = rng.choice(CARGO_BY_INDUSTRY[plan.identity.industry])
    if plan.cargo in COLD_CARGO:
        plan.vehicle = "冷藏车"
    elif plan.cargo in DANGEROUS_CARGO and plan.cargo != "锂电池":
        plan.vehicle = "危险品车"
    elif plan.cargo in HEAVY_CARGO:
        plan.vehicle = rng.choice(("17.5米平板车", "13米高栏车"))
    elif plan.tier == Tier.SMALL:
        plan.vehicle = rng.choice(("4.2米厢式货车", "6.8米厢式货车", "9.6米厢式货车"))
    else:
        plan.vehicle = rng.choice(("9.6米厢式货车", "9.6米飞翼车", "6.8米厢式货车"))
    hubs = {h: w for h, w in HUBS.items() if h != city}
    if plan.tier == Tier.SMALL:  # small shippers mostly send within the region
        hubs = {h: w for h, w in hubs.items() if _km(city, h) < 900} or hubs
    elif plan.tier == Tier.LARGE:  # big shippers need trunk lines, not the city next door
        hubs = {h: w for h, w in hubs.items() if _km(city, h) > 400} or hubs
    lanes = {
        (city, _weighted(rng, hubs)) for _i in range(rng.randint(1, 2 if plan.tier == Tier.SMALL else 3))
    }
    if rng.random() < 0.25:
        lanes.add((_weighted(rng, hubs), city))  # inbound: supplies to the customer's plant
    plan.lanes = sorted(lanes)
    plan.terms = rng.choice((15, 30)) if plan.tier == Tier.SMALL else rng.choice((30, 30, 30, 45, 60))
    plan.lead_days = rng.choice((1, 1, 2))
    plan.rate_factor = rng.uniform(0.9, 1.1)
    low, high = ORDER_RATES[plan.tier]
    plan.monthly_orders = rng.uniform(low, high)


def _tags(plan: Plan) -> list[str]:
    tags = ["重点客户"] if plan.key else []
    if plan.vehicle == "冷藏车":
        tags.append("冷链")
    if plan.vehicle == "危险品车":
        tags.append("危险品")
    return [*tags, f"月结{plan.terms}天"]


def _plan_people(s: Seeding) -> None:
    """One to three contacts per customer (three at large ones, with the 总经理), unique phones."""
    rng = part_rng(s.ctx.seed, "contacts")
    surnames, givens = list(SURNAME_PINYIN), list(GIVEN_PINYIN)
    for plan in s.plans:
        if plan.tier == Tier.LARGE:
            count = 3
        else:
            count = rng.choice((1, 2, 2, 3) if plan.tier == Tier.MEDIUM else (1, 1, 2))
        titles = [rng.choices(list(MAIN_CONTACT_TITLES), weights=list(MAIN_CONTACT_TITLES.values()))[0]]
        if plan.tier == Tier.LARGE and "总经理" not in titles:
            titles.append("总经理")
        while len(titles) < count:
            titles.append(rng.choice([t for t in TITLES if t not in titles]))
        for title in titles:
            surname, given = rng.choice(surnames), rng.choice(givens)
            spy, gpy = SURNAME_PINYIN[surname], GIVEN_PINYIN[given]
            phone = _phone(s, rng)
            wechat = rng.choice(
                (
                    f"{spy}{gpy}{rng.randint(10, 99)}",
                    f"{spy}_{gpy}",
                    "wxid_" + "".join(rng.choice("abcdefghijkmnpqrstuvwxyz0123456789") for _c in range(14)),
                    phone,
                )
            )
            email = f"{gpy}.{spy}@{plan.identity.domain}" if rng.random() < 0.8 else ""
            address_as = surname + TITLES[title] if TITLES[title] else surname + given
            plan.people.append(Person(surname + given, surname, title, address_as, phone, wechat, email))


def _phone(s: Seeding, rng: random.Random) -> str:
    while True:
        phone = rng.choice(("13", "15", "18")) + "".join(rng.choice("0123456789") for _i in range(9))
        if phone not in s.phones and not phone.startswith("154"):
            s.phones.add(phone)
            return phone


def contact_row(
    *,
    customer: Customer,
    name: str,
    created_at: dt.datetime,
    title: str = "",
    phone: str = "",
    wechat_id: str = "",
    email: str = "",
    is_primary: bool = False,
) -> Contact:
    """An unsaved Contact for bulk_create, with the phone stored exactly as ``contact_add``
    stores it: encrypted, keyed-hashed and masked."""
    digits = normalize_phone(phone)
    return Contact(
        customer=customer,
        name=name.strip(),
        title=title,
        wechat_id=wechat_id.strip(),
        email=email.strip().lower(),
        is_primary=is_primary,
        created_at=created_at,
        phone_encrypted=crypto.encrypt(digits, associated="contact.phone") if digits else "",
        phone_hash=crypto.keyed_hash(digits) if digits else "",
        phone_masked=mask_phone(digits) if digits else "",
    )


def _build_customers(s: Seeding) -> None:
    """Unsaved Customer and Contact objects; the history refers to them before they are saved."""
    rng = part_rng(s.ctx.seed, "contact-dates")
    for plan in s.plans:
        assert plan.created_at is not None
        plan.customer = Customer(
            company=s.ctx.company,
            name=plan.identity.name,
            normalized_name=normalize_name(plan.identity.name),
            credit_code=plan.identity.credit_code,
            region=plan.identity.region,
            industry=plan.identity.industry,
            tier=plan.tier,
            is_key_account=plan.key,
            address=plan.identity.address,
            status=plan.status,
            pool=s.public if plan.left_kind else plan.pool,
            team_id=None if plan.left_kind else plan.team_id,
            owner=plan.owner,
            tags=plan.tags,
            source=plan.source,
            created_at=plan.created_at,
            owned_since=plan.owned_since if plan.owner is not None else None,
        )
        for i, person in enumerate(plan.people):
            added = plan.created_at + dt.timedelta(days=0 if i == 0 else rng.uniform(20, 900))
            plan.contacts.append(
                contact_row(
                    customer=plan.customer,
                    name=person.name,
                    title=person.title,
                    phone=person.phone,
                    wechat_id=person.wechat_id,
                    email=person.email,
                    is_primary=i == 0,
                    created_at=min(added, s.at(1)),
                )
            )


# --- History: interactions and orders ----------------------------------------------------------


def _history(s: Seeding) -> None:
    """Orders and interactions of the last 12 months of every customer but S1101's (_story)."""
    rng = part_rng(s.ctx.seed, "history")
    for plan in s.plans:
        if plan.owner is None or plan.owner.employee_no != STORY_EMPLOYEE:
            _orders_for(s, rng, plan)
            _interactions_for(s, rng, plan, fixed=[])


def _orders_for(s: Seeding, rng: random.Random, plan: Plan, counts: dict[int, int] | None = None) -> None:
    """Orders month by month at the customer's rate (or ``counts`` orders in the given months)."""
    if plan.status == CustomerStatus.PROSPECT or (plan.pool is s.public and not plan.left_kind):
        return
    assert plan.created_at is not None
    months = _months(s.today)
    start = max(months[0][0], plan.created_at.date())
    end = min(s.today, plan.last_order_cap or s.today)
    if start > end:
        return
    drawn: list[dt.date] = []
    for index, (first, last) in enumerate(months):
        lo, hi = max(first, start), min(last, end)
        if lo > hi:
            continue
        if counts is not None and index in counts:
            n = counts[index]
        else:
            n = _poisson(rng, plan.monthly_orders * ((hi - lo).days + 1) / 30.4)
        drawn += [lo + dt.timedelta(days=rng.randint(0, (hi - lo).days)) for _i in range(n)]
    if plan.last_order_cap is not None:
        drawn.append(end)
    elif plan.status == CustomerStatus.ACTIVE and not any((s.today - d).days <= 45 for d in drawn):
        drawn.append(max(start, s.today - dt.timedelta(days=rng.randint(0, 44))))
    s.orders_of[id(plan)] += [_order(s, rng, plan, day) for day in sorted(drawn)]


def _order(s: Seeding, rng: random.Random, plan: Plan, day: dt.date) -> Order:
    origin, destination = rng.choice(plan.lanes)
    vehicle = plan.vehicle
    if vehicle not in ("冷藏车", "危险品车") and rng.random() < 0.15:
        vehicle = rng.choice(("4.2米厢式货车", "6.8米厢式货车", "9.6米厢式货车", "13米高栏车"))
    amount = lane_price(origin, destination, vehicle) * plan.rate_factor * rng.uniform(0.93, 1.08)
    age = (s.today - day).days
    if rng.random() < 0.015:
        status = OrderStatus.CANCELLED
    elif age <= 1:
        status = rng.choice((OrderStatus.OPEN, OrderStatus.IN_TRANSIT))
    elif age <= 4:
        status = rng.choice((OrderStatus.IN_TRANSIT, OrderStatus.DELIVERED))
    elif (day.year, day.month) == (s.today.year, s.today.month):
        status = OrderStatus.DELIVERED  # this month's statement is not out yet
    else:
        status = OrderStatus.CLOSED
    holder = plan.owner or plan.former_owner
    taken_by = plan.collaborator if plan.collaborator is not None and rng.random() < 0.1 else holder
    made = dt.datetime.combine(day, dt.time(rng.randint(1, 10), rng.randint(0, 59)), dt.UTC)
    return Order(
        customer=plan.customer,
        number="",  # numbered in date order when inserted
        order_date=day,
        route_from=origin,
        route_to=destination,
        cargo=plan.cargo if rng.random() < 0.9 else rng.choice(CARGO_BY_INDUSTRY[plan.identity.industry]),
        vehicle_type=vehicle,
        amount=_money(round(amount, -1)),
        status=status,
        taken_by=taken_by,
        receivable_owner=holder,
        created_at=min(made, s.now),
    )


def _walk(
    rng: random.Random, *, span: int, max_gap: int, first: tuple[int, int], fixed: list[int]
) -> list[int]:
    """Days-ago of follow-ups from today back to ``span`` days ago: the latest within ``first``
    (a range of days ago), none more than ``max_gap`` days apart, counting the ``fixed`` ones
    (somebody else's follow-ups) too. Returns only the new ones."""
    out: list[int] = []
    cursor = 0
    proposal = rng.randint(*first)
    while proposal <= span:
        between = [f for f in fixed if cursor < f <= proposal]
        if between:
            cursor = max(between)
        else:
            out.append(proposal)
            cursor = proposal
        proposal = cursor + max(1, round(max_gap * rng.uniform(0.35, 1.0)))
    return out


def _interactions_for(s: Seeding, rng: random.Random, plan: Plan, fixed: list[int]) -> None:
    """Follow-ups often enough that no owned customer is due back to the public pool (a few are in
    the warning period on purpose); none after a customer went to the public pool."""
    if plan.pool is s.public and not plan.left_kind:
        return
    assert plan.created_at is not None
    fu, _deal, warn = s.limits(plan.tier)
    since = plan.owned_since or plan.created_at
    if plan.left_kind and plan.left_at is not None:
        # The former owner stopped following it up; it went back when the time ran out.
        quiet = fu if plan.left_kind == OwnershipChangeKind.RETURNED else 10
        last = (s.now - plan.left_at).days + quiet
        days = _walk(
            rng, span=min(364, (s.now - since).days), max_gap=fu - 3, first=(last, last + 2), fixed=[]
        )
    else:
        cap = fu - warn - 3  # three days' margin for moving weekend visits to Friday
        first = (fu - warn + 1, fu - 1) if plan.warn else (1, min(cap, 10))
        days = _walk(rng, span=min(364, (s.now - since).days), max_gap=cap, first=first, fixed=fixed)
    for ago in days:
        s.interactions.append(_interaction(s, rng, plan, ago, by=_who(rng, plan)))


def _who(rng: random.Random, plan: Plan) -> Any:
    holder = plan.owner or plan.former_owner
    if plan.collaborator is not None and rng.random() < 0.35:
        return plan.collaborator
    team = plan.pool.team if plan.pool is not None else None
    if plan.key and team is not None and team.lead is not None and rng.random() < 0.06:
        return team.lead
    return holder


def _fill(plan: Plan, rng: random.Random, day: dt.date) -> dict[str, Any]:
    """Values for the placeholders of a text, consistent with what the customer ships."""
    origin, destination = rng.choice(plan.lanes)
    shipments = rng.randint(8, 60)
    return {
        "who": plan.people[0].address_as if rng.random() < 0.7 else rng.choice(plan.people).address_as,
        "boss": plan.boss,
        "o": origin,
        "d": destination,
        "lane": f"{origin}{rng.choice(('→', '到', '→', '-'))}{destination}",
        "cargo": plan.cargo,
        "vehicle": plan.vehicle,
        "n": rng.randint(1, 4),
        "tons": rng.choice((80, 120, 150, 200, 300, 500)) * (3 if plan.tier == Tier.LARGE else 1),
        "wan": rng.choice(("1", "2", "3", "5", "10"))
        if plan.tier == Tier.LARGE
        else rng.choice(("0.5", "1")),
        "terms": plan.terms,
        "lead": plan.lead_days,
        "k": shipments,
        "k_on": shipments - rng.choice((0, 0, 1, 1, 2)),
        "dmg": rng.choice((0, 0, 0, 1)),
        "month": (day.month - 2) % 12 + 1,  # last month
        "price": lane_price(origin, destination, plan.vehicle),
        "h": rng.randint(2, 8),
        "len": rng.choice(("9.6", "13")),
        "year": day.year + 1 if day.month >= 10 else day.year,  # contracts renew in the autumn
    }


def _interaction(
    s: Seeding,
    rng: random.Random,
    plan: Plan,
    ago: int,
    *,
    by: Any,
    channel: str | None = None,
    text: str | None = None,
) -> Interaction:
    day = s.local_day(ago)
    if channel is None:
        channel = rng.choices(
            list(TEXTS), weights=(34, 30, 10, 4 if plan.tier == Tier.SMALL else 12, 5 if plan.key else 1, 8)
        )[0]
        if day.weekday() >= 5 and rng.random() < 0.8:
            channel = InteractionChannel.WECHAT  # weekends happen on WeChat
    if text is None:
        texts = TEXTS[channel]
        if plan.vehicle == "冷藏车" and channel in (InteractionChannel.CALL, InteractionChannel.WECHAT):
            texts = texts + COLD_TEXTS
        text = rng.choice(texts)
    content = text.format(**_fill(plan, rng, day))
    when = _local(day, rng, evening=channel == InteractionChannel.WECHAT and rng.random() < 0.2)
    if when > s.now:
        when = s.now - dt.timedelta(minutes=rng.randint(5, 90))
    direction, duration = "", None
    inbound = text in CUSTOMER_WECHATS or text.startswith("{who}来电")
    if channel == InteractionChannel.CALL:
        direction, duration = ("in" if inbound else "out"), rng.randint(45, 900)
    elif channel in (InteractionChannel.WECHAT, InteractionChannel.EMAIL):
        direction = "in" if inbound else "out"
    known = [c for c in plan.contacts if c.created_at <= when] or plan.contacts[:1]
    contact = known[0] if rng.random() < 0.7 else rng.choice(known)
    return Interaction(
        customer=plan.customer,
        contact=contact,
        employee=by,
        channel=channel,
        occurred_at=when,
        direction=direction,
        duration_seconds=duration,
        content=content,
        next_step="" if channel == InteractionChannel.NOTE else rng.choice(NEXT_STEPS),
        created_at=min(when + dt.timedelta(minutes=rng.randint(1, 240)), s.now),
    )


# --- The story of S1101 ------------------------------------------------------------------------


def _story(s: Seeding) -> None:
    """S1101's customers: orders (four large accounts in decline, revenue scaled to about 15% of
    the company's), his own interactions week by week (about five, then one a week for the last
    two) and the specialists' follow-ups that keep his accounts in the team pool."""
    rng = part_rng(s.ctx.seed, "story")
    story = s.story()
    for plan in story:
        if plan.tier == Tier.LARGE:  # his big accounts ship more, and at better rates
            plan.monthly_orders = rng.uniform(12, 17)
            plan.rate_factor = rng.uniform(1.0, 1.15)
        counts = None
        if plan.declining:
            base = plan.monthly_orders
            counts = {
                8: round(base * rng.uniform(0.95, 1.1)),
                9: round(base * rng.uniform(0.6, 0.7)),
                10: round(base * rng.uniform(0.3, 0.4)),
                11: max(1, round(base * rng.uniform(0.08, 0.15))),
            }
        _orders_for(s, rng, plan, counts)
        if plan.declining:
            _force_decline(s, rng, plan)
    _calibrate_share(s, rng, story)

    weekly = [1, 1, *_around(rng, 5, 8), *(rng.choice((4, 5, 5, 6, 6)) for _w in range(42))]
    weights = [{Tier.LARGE: 3.0, Tier.MEDIUM: 1.5, Tier.SMALL: 0.7}[Tier(p.tier)] for p in story]
    declining = [p for p in story if p.declining]
    own: dict[int, list[int]] = defaultdict(list)
    for week, count in enumerate(weekly):
        weekdays = [7 * week + d for d in range(1, 7) if s.local_day(7 * week + d).weekday() < 5]
        for i in range(count):
            ago = rng.choice(weekdays)
            if week == 0 and i == 0:
                # Asking a big customer to move to his private WeChat (captured by the company
                # WeChat archive), days before he hands in his notice.
                plan = declining[0]
                interaction = _interaction(
                    s, rng, plan, ago, by=plan.owner, channel=InteractionChannel.WECHAT, text=PRIVATE_MESSAGE
                )
                interaction.direction, interaction.next_step = "out", ""
            elif week < 10 and rng.random() < 0.7:
                # His last two months of notes: visits that were a formality (走过场).
                plan = rng.choices(story, weights=weights)[0]
                channel, text = rng.choice(VAGUE_TEXTS)
                interaction = _interaction(s, rng, plan, ago, by=plan.owner, channel=channel, text=text)
                interaction.next_step = ""
            else:
                plan = rng.choices(story, weights=weights)[0]
                interaction = _interaction(s, rng, plan, ago, by=plan.owner)
            own[id(plan)].append(ago)
            s.interactions.append(interaction)
    for plan in story:
        before = len(s.interactions)
        _interactions_for(s, rng, plan, fixed=own[id(plan)])
        for interaction in s.interactions[before:]:
            interaction.employee = plan.collaborator or plan.owner
        if plan.declining:
            for ago in (rng.randint(20, 40), rng.randint(45, 70)):
                s.interactions.append(
                    _interaction(
                        s,
                        rng,
                        plan,
                        ago,
                        by=plan.collaborator,
                        channel=InteractionChannel.NOTE,
                        text=rng.choice(DECLINE_TEXTS),
                    )
                )


def _around(rng: random.Random, mean: int, weeks: int) -> list[int]:
    """``weeks`` weekly counts that differ by a little but add up to ``mean * weeks``."""
    counts = [mean] * weeks
    for _i in range(weeks):
        a, b = rng.sample(range(weeks), 2)
        if counts[a] > mean - 2 and counts[b] < mean + 2:
            counts[a] -= 1
            counts[b] += 1
    return counts


def _month_totals(s: Seeding, orders: list[Order]) -> list[tuple[int, Decimal]]:
    totals = []
    for first, last in _months(s.today):
        inside = [o for o in orders if first <= o.order_date <= last]
        totals.append((len(inside), sum((o.amount for o in inside), Decimal("0"))))
    return totals


def _force_decline(s: Seeding, rng: random.Random, plan: Plan) -> None:
    """Each of the last three months below the one before, in orders and in money."""
    orders = s.orders_of[id(plan)]
    for o in orders:
        if o.status == OrderStatus.CANCELLED:
            o.status = OrderStatus.CLOSED
    months = _months(s.today)
    for index in (9, 10, 11):
        first, last = months[index]
        totals = _month_totals(s, orders)
        (prev_n, prev_amount), (n, amount) = totals[index - 1], totals[index]
        if n >= prev_n:
            inside = [o for o in orders if first <= o.order_date <= last]
            for o in inside[: n - prev_n + 1]:
                orders.remove(o)
            n, amount = _month_totals(s, orders)[index]
        if n and amount >= prev_amount * Decimal("0.9"):
            factor = Decimal(str(rng.uniform(0.6, 0.85))) * prev_amount / amount
            for o in orders:
                if first <= o.order_date <= last:
                    o.amount = _money(o.amount * factor)


def _revenue(orders: list[Order]) -> Decimal:
    return sum((o.amount for o in orders if o.status != OrderStatus.CANCELLED), Decimal("0"))


def _calibrate_share(s: Seeding, rng: random.Random, story: list[Plan]) -> None:
    """Scale S1101's order amounts once so that his customers bring about 15% of the revenue."""
    ids = {id(p) for p in story}
    theirs = sum((_revenue(o) for key, o in s.orders_of.items() if key in ids), Decimal("0"))
    others = sum((_revenue(o) for key, o in s.orders_of.items() if key not in ids), Decimal("0"))
    share = Decimal(str(rng.uniform(*STORY_SHARE)))
    factor = share / (1 - share) * others / theirs
    s.story_scale = factor
    for key in ids:
        for o in s.orders_of[key]:
            o.amount = _money(o.amount * factor)


# --- Statements, contracts, complaints ---------------------------------------------------------


def _commerce(s: Seeding) -> None:
    """Monthly statements (月结) with some overdue, framework contracts, complaints."""
    rng = part_rng(s.ctx.seed, "commerce")
    months = _months(s.today)
    contract_no: Counter[int] = Counter()
    for plan in s.plans:
        orders = [o for o in s.orders_of.get(id(plan), []) if o.status != OrderStatus.CANCELLED]
        holder = plan.owner or plan.former_owner
        # Statements of every closed month; the current month's is not out yet.
        for first, last in months[:-1]:
            billed = [o for o in orders if first <= o.order_date <= last]
            if not billed:
                continue
            amount = sum((o.amount for o in billed), Decimal("0"))
            due = last + dt.timedelta(days=plan.terms)
            overdue_days = (s.today - due).days
            if overdue_days > 20:
                paid = rng.random() < (0.6 if plan.left_kind else 0.98)
            elif overdue_days > 0:
                paid = rng.random() < 0.75
            else:
                paid = rng.random() < 0.1
            paid_amount = amount if paid else _money(amount * Decimal(rng.choice(("0", "0", "0.3", "0.5"))))
            s.receivables.append(
                Receivable(
                    customer=plan.customer,
                    amount=amount,
                    paid_amount=paid_amount,
                    due_on=due,
                    status=ReceivableStatus.PAID if paid else ReceivableStatus.OPEN,
                    owner=holder,
                )
            )
        # Framework contracts: this year's for current customers, last year's for large ones.
        if (orders and plan.tier != Tier.SMALL) or len(orders) > 6:
            years = [s.today.year] if not plan.left_kind else []
            if plan.tier == Tier.LARGE or plan.left_kind:
                years.insert(0, s.today.year - 1)
            for year in years:
                assert plan.created_at is not None
                starts = max(dt.date(year, 1, 1), plan.created_at.date())
                if starts > dt.date(year, 12, 31):
                    continue
                contract_no[year] += 1
                cold = plan.vehicle == "冷藏车"
                s.contracts.append(
                    Contract(
                        customer=plan.customer,
                        number=f"SDHT-{year}-{contract_no[year]:04d}",
                        title=f"{year}年度{'冷链' if cold else '道路货物'}运输服务框架合同",
                        starts_on=starts,
                        ends_on=dt.date(year, 12, 31),
                        amount=_money(round(float(_revenue(orders)), -4))
                        if orders and rng.random() < 0.7
                        else None,
                        owner=holder,
                    )
                )
        # Complaints on about one in twelve customers with orders.
        if orders and rng.random() < 0.08:
            for order in rng.sample(orders, min(len(orders), rng.choice((1, 1, 2)))):
                _complaint(s, rng, plan, order)


def _complaint(s: Seeding, rng: random.Random, plan: Plan, order: Order) -> None:
    on = min(order.order_date + dt.timedelta(days=rng.randint(1, 3)), s.today)
    categories = {"延误": 40, "货损": 25, "账单错误": 20, "服务态度": 15}
    if plan.vehicle == "冷藏车":
        categories["温控异常"] = 20
    category = _weighted(rng, categories)
    descriptions, resolutions = COMPLAINTS[category]
    values = {"o": order.route_from, "d": order.route_to, "cargo": order.cargo, "h": rng.randint(3, 20)}
    values["n"] = rng.randint(2, 30)
    description = rng.choice(descriptions).format(**values)
    resolved = (s.today - on).days > 14 or rng.random() < 0.3
    s.complaints.append(
        Complaint(
            customer=plan.customer,
            order=order,
            occurred_on=on,
            category=category,
            severity=rng.choice(
                (ComplaintSeverity.HIGH, ComplaintSeverity.MEDIUM)
                if category in ("货损", "温控异常")
                else (ComplaintSeverity.MEDIUM, ComplaintSeverity.LOW)
            ),
            status=ComplaintStatus.RESOLVED if resolved else ComplaintStatus.OPEN,
            description=description,
            resolution=rng.choice(resolutions) if resolved else "",
        )
    )
    ago = (s.now.astimezone(SHANGHAI).date() - on).days
    if ago >= 1 and plan.contacts:
        taker = plan.owner or plan.former_owner
        if plan.collaborator is not None and taker.employee_no == STORY_EMPLOYEE:
            taker = plan.collaborator  # his own interactions are counted week by week (_story)
        s.interactions.append(
            _interaction(
                s,
                rng,
                plan,
                ago,
                by=taker,
                channel=InteractionChannel.CALL,
                text="{who}来电投诉：" + description,
            )
        )


# --- Writing -----------------------------------------------------------------------------------


def _insert(s: Seeding) -> None:
    """Everything planned, in bulk, with the customers' last follow-up and order consistent."""
    rng = part_rng(s.ctx.seed, "ownership")
    last_touch: dict[int, dt.datetime] = {}
    for interaction in s.interactions:
        key = id(interaction.customer)
        if key not in last_touch or interaction.occurred_at > last_touch[key]:
            last_touch[key] = interaction.occurred_at
    customers = []
    for plan in s.plans:
        c = plan.customer
        assert c is not None
        c.last_follow_up_at = last_touch.get(id(c))
        orders = s.orders_of.get(id(plan), [])
        c.last_order_at = max((o.order_date for o in orders), default=None)
        customers.append(c)
    Customer.objects.bulk_create(customers)
    for c in customers:
        _event(
            s,
            "customers.customer_created",
            "customers.customer",
            c.pk,
            **diff({}, snapshot(c, CUSTOMER_FIELDS)),
        )

    contacts = [contact for plan in s.plans for contact in plan.contacts]
    Contact.objects.bulk_create(contacts)
    for contact in contacts:
        _event(
            s,
            "customers.contact_added",
            "customers.contact",
            contact.pk,
            customer=contact.customer_id,
            name=contact.name,
            phone=contact.phone_masked,
            is_primary=contact.is_primary,
        )
    _ownership(s, rng)

    s.interactions.sort(key=lambda i: i.occurred_at)
    for n, interaction in enumerate(s.interactions):
        if interaction.channel == InteractionChannel.WECHAT:
            interaction.source_ref = f"wecom-archive:{s.ctx.seed}:{n:06d}"  # company WeChat archive
        elif interaction.channel == InteractionChannel.EMAIL:
            interaction.source_ref = f"<sd{s.ctx.seed}.{n:06d}@mail.shunda-logistics.example>"
    Interaction.objects.bulk_create(s.interactions, batch_size=2000)
    channels = Counter(i.channel for i in s.interactions)
    _batch_event(
        s,
        "customers.interactions_bulk_created",
        "customers.interaction",
        s.interactions,
        by_channel=dict(sorted(channels.items())),
        since=min(i.occurred_at for i in s.interactions),
        until=max(i.occurred_at for i in s.interactions),
    )

    orders = sorted(
        (o for orders in s.orders_of.values() for o in orders), key=lambda o: (o.order_date, o.created_at)
    )
    per_day: Counter[dt.date] = Counter()
    for order in orders:
        per_day[order.order_date] += 1
        order.number = f"SD{order.order_date:%Y%m%d}{per_day[order.order_date]:04d}"
    Order.objects.bulk_create(orders, batch_size=2000)
    _batch_event(
        s,
        "customers.orders_bulk_created",
        "customers.order",
        orders,
        amount=sum((o.amount for o in orders), Decimal("0")),
        since=orders[0].order_date,
        until=orders[-1].order_date,
    )
    Receivable.objects.bulk_create(s.receivables, batch_size=2000)
    _batch_event(
        s,
        "customers.receivables_bulk_created",
        "customers.receivable",
        s.receivables,
        amount=sum((r.amount for r in s.receivables), Decimal("0")),
        open=sum(1 for r in s.receivables if r.status == ReceivableStatus.OPEN),
    )
    Contract.objects.bulk_create(s.contracts)
    _batch_event(s, "customers.contracts_bulk_created", "customers.contract", s.contracts)
    Complaint.objects.bulk_create(s.complaints)
    _batch_event(s, "customers.complaints_bulk_created", "customers.complaint", s.complaints)


def _ownership(s: Seeding, rng: random.Random) -> None:
    """Ownership history: created into a pool, assigned by the team lead, collaborators added,
    returned or released to the public pool."""
    changes: list[OwnershipChange] = []
    collaborators: list[CustomerCollaborator] = []
    for plan in s.plans:
        c = plan.customer
        assert c is not None and plan.created_at is not None
        team = plan.pool.team if plan.pool is not None else None
        lead_user = getattr(team.lead, "user", None) if team is not None and team.lead is not None else None
        holder = plan.owner or plan.former_owner
        since = plan.owned_since
        assigned_at_creation = holder is not None and since == plan.created_at
        changes.append(
            OwnershipChange(
                customer=c,
                kind=OwnershipChangeKind.ASSIGNED,
                occurred_at=plan.created_at,
                to_owner=holder if assigned_at_creation else None,
                to_team_id=plan.team_id,
                to_pool=plan.pool,
                reason="",
            )
        )
        if holder is not None and since is not None and not assigned_at_creation:
            changes.append(
                OwnershipChange(
                    customer=c,
                    kind=OwnershipChangeKind.TRANSFERRED,
                    occurred_at=since,
                    operator=lead_user,
                    to_owner=holder,
                    from_team_id=plan.team_id,
                    to_team_id=plan.team_id,
                    from_pool=plan.pool,
                    to_pool=plan.pool,
                    reason="团队负责人分配",
                )
            )
        if plan.collaborator is not None and since is not None:
            added = max(since, s.at(900)) + dt.timedelta(days=rng.uniform(1, 60))
            if not plan.left_kind:
                collaborators.append(
                    CustomerCollaborator(customer=c, employee=plan.collaborator, team_role=TeamRole.FOLLOW_UP)
                )
            changes.append(
                OwnershipChange(
                    customer=c,
                    kind=OwnershipChangeKind.COLLABORATOR_ADDED,
                    occurred_at=min(added, s.at(2)),
                    operator=lead_user,
                    collaborator=plan.collaborator,
                    reason=TeamRole.FOLLOW_UP,
                )
            )
        if plan.left_kind and plan.left_at is not None:
            returned = plan.left_kind == OwnershipChangeKind.RETURNED
            changes.append(
                OwnershipChange(
                    customer=c,
                    kind=plan.left_kind,
                    occurred_at=plan.left_at,
                    operator=None if returned else getattr(plan.former_owner, "user", None),
                    from_owner=plan.former_owner,
                    from_team_id=plan.team_id,
                    from_pool=plan.pool,
                    to_pool=s.public,
                    reason="" if returned else rng.choice(RELEASE_REASONS),
                )
            )
    CustomerCollaborator.objects.bulk_create(collaborators)
    OwnershipChange.objects.bulk_create(changes)
    _batch_event(s, "customers.collaborators_bulk_created", "customers.customercollaborator", collaborators)
    _batch_event(s, "customers.ownership_changes_bulk_created", "customers.ownershipchange", changes)


RELEASE_REASONS = (
    "客户已与其他物流公司签订年度合同",
    "客户业务转型，暂无运输需求",
    "联系人离职，暂时无法对接",
    "客户工厂搬迁至外省，不在服务范围",
)


def _new_leads(s: Seeding, identities: list[CompanyIdentity]) -> None:
    """The seeding day's new leads, through ``customer_create`` like any user-entered customer:
    the assignment rules place them, a customer manager of that team owns them."""
    rng = part_rng(s.ctx.seed, "leads")
    for identity in identities:
        tier = rng.choice((Tier.MEDIUM, Tier.SMALL, Tier.SMALL))
        pool = pool_for(company=s.ctx.company, region=identity.region, industry=identity.industry, tier=tier)
        managers = _members(s.ctx, pool.team_id, TeamRole.CUSTOMER_MANAGER) if pool is not None else []
        surname, given = rng.choice(list(SURNAME_PINYIN)), rng.choice(list(GIVEN_PINYIN))
        title = rng.choice(list(MAIN_CONTACT_TITLES))
        customer_create(
            actor=None,
            company=s.ctx.company,
            name=identity.name,
            region=identity.region,
            industry=identity.industry,
            tier=tier,
            credit_code=identity.credit_code,
            address=identity.address,
            status=CustomerStatus.PROSPECT,
            source=rng.choice(("官网咨询", "展会", "电话开发")),
            owner=rng.choice(managers) if managers else None,
            contacts=[
                {
                    "name": surname + given,
                    "title": title,
                    "phone": _phone(s, rng),
                    "wechat_id": f"{SURNAME_PINYIN[surname]}{GIVEN_PINYIN[given]}",
                    "email": f"{GIVEN_PINYIN[given]}.{SURNAME_PINYIN[surname]}@{identity.domain}",
                    "is_primary": True,
                }
            ],
        )


def _learn_facts(s: Seeding) -> None:
    """Run the fact extractor (through the service, which audits each fact) over every
    interaction of the key accounts and of S1101's customers, oldest first."""
    from baton.customers.services import facts_extract

    keys = {id(p.customer) for p in s.plans if p.key} | {id(p.customer) for p in s.story()}
    for interaction in s.interactions:  # sorted by time in _insert
        if id(interaction.customer) in keys and interaction.content:
            facts_extract(interaction=interaction)
