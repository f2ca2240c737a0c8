"""The demo's vocabulary: places, company and person names, freight, complaint and message texts."""

from __future__ import annotations

import importlib.util
from decimal import Decimal
from zoneinfo import ZoneInfo

from baton.customers.models import (
    InteractionChannel,
    Tier,
)

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
