"""Dictionaries of the logistics trade, as plain Python data.

Each mapping goes from a word as people write it to the canonical name stored in a fact, so
"冷链车" and "冷藏车" become one vehicle type and "冻品" is recorded as "冷冻食品". The extractor
also adds every word here to its jieba dictionary, so these terms segment as one word.
"""

from __future__ import annotations

# Cities that are logistics hubs or big shippers' homes, and the provinces (plus Hong Kong, Macau,
# Taiwan). A place is only trusted where jieba puts a word boundary in front of it (see rules).
CITIES: tuple[str, ...] = (
    "北京", "上海", "天津", "重庆", "广州", "深圳", "东莞", "佛山", "中山", "珠海", "惠州", "江门",
    "汕头", "湛江", "杭州", "宁波", "温州", "嘉兴", "绍兴", "金华", "义乌", "台州", "湖州", "苏州",
    "无锡", "常州", "南京", "南通", "扬州", "徐州", "连云港", "盐城", "泰州", "镇江", "昆山", "武汉",
    "长沙", "郑州", "合肥", "南昌", "成都", "西安", "昆明", "贵阳", "南宁", "海口", "三亚", "厦门",
    "福州", "泉州", "青岛", "济南", "烟台", "潍坊", "临沂", "石家庄", "唐山", "保定", "廊坊", "太原",
    "呼和浩特", "包头", "沈阳", "大连", "长春", "哈尔滨", "兰州", "西宁", "银川", "乌鲁木齐", "拉萨",
    "洛阳", "芜湖", "赣州", "柳州", "宜昌", "襄阳", "株洲", "绵阳", "遵义",
)  # fmt: skip

PROVINCES: tuple[str, ...] = (
    "广东", "广西", "江苏", "浙江", "山东", "河南", "河北", "湖南", "湖北", "四川", "福建", "安徽",
    "江西", "云南", "贵州", "陕西", "山西", "辽宁", "吉林", "黑龙江", "甘肃", "青海", "海南", "内蒙古",
    "宁夏", "新疆", "西藏", "香港", "澳门", "台湾",
)  # fmt: skip

# One-character short names, only read in tight route forms such as "沪粤线" or "沪→粤": alone they
# are ordinary characters. Ambiguous ones (云 吉 黑 宁 青 新 …) are left out on purpose.
PLACE_ABBREVIATIONS: dict[str, str] = {
    "沪": "上海", "京": "北京", "津": "天津", "渝": "重庆", "粤": "广东", "苏": "江苏", "浙": "浙江",
    "鲁": "山东", "川": "四川", "闽": "福建", "鄂": "湖北", "湘": "湖南", "豫": "河南", "皖": "安徽",
    "冀": "河北", "陕": "陕西", "赣": "江西", "桂": "广西", "滇": "云南", "黔": "贵州", "辽": "辽宁",
    "晋": "山西", "琼": "海南",
}  # fmt: skip

# Romanised names seen in mixed Chinese/English mail ("from Shanghai to 广州").
PLACE_ROMANISED: dict[str, str] = {
    "shanghai": "上海", "beijing": "北京", "tianjin": "天津", "chongqing": "重庆",
    "guangzhou": "广州", "shenzhen": "深圳", "dongguan": "东莞", "foshan": "佛山",
    "hangzhou": "杭州", "ningbo": "宁波", "suzhou": "苏州", "nanjing": "南京", "wuhan": "武汉",
    "chengdu": "成都", "xian": "西安", "xi'an": "西安", "zhengzhou": "郑州", "changsha": "长沙",
    "xiamen": "厦门", "qingdao": "青岛", "hefei": "合肥", "kunming": "昆明", "shenyang": "沈阳",
    "dalian": "大连", "harbin": "哈尔滨", "hong kong": "香港",
}  # fmt: skip

# Vehicle types: spelling -> canonical type.
VEHICLE_TYPES: dict[str, str] = {
    "冷藏车": "冷藏车", "冷链车": "冷藏车", "冷藏货车": "冷藏车", "冷藏厢车": "冷藏车",
    "冷冻车": "冷藏车", "冷柜车": "冷藏车", "保温车": "保温车",
    "厢式货车": "厢式货车", "箱式货车": "厢式货车", "厢式车": "厢式货车", "箱式车": "厢式货车",
    "厢车": "厢式货车", "箱车": "厢式货车", "厢货": "厢式货车",
    "平板车": "平板车", "平板货车": "平板车", "高栏车": "高栏车", "高栏货车": "高栏车",
    "低栏车": "低栏车", "飞翼车": "飞翼车",
    "集装箱车": "集装箱车", "集装箱卡车": "集装箱车", "集卡": "集装箱车",
    "半挂车": "半挂车", "半挂": "半挂车", "挂车": "挂车", "牵引车": "牵引车",
    "危险品车": "危险品车", "危化品车": "危险品车", "危险品运输车": "危险品车", "危运车": "危险品车",
    "罐车": "罐车", "槽罐车": "罐车", "自卸车": "自卸车", "面包车": "面包车", "金杯车": "面包车",
    "依维柯": "依维柯", "轻卡": "轻卡", "重卡": "重卡", "小货车": "小货车",
}  # fmt: skip

# Standard truck body lengths in metres, as written in Chinese freight ("9.6米", "4米2" is not read).
VEHICLE_LENGTHS: tuple[str, ...] = (
    "4.2", "5.2", "6.8", "7.6", "9.6", "12.5", "13", "13.5", "15", "16.5", "17.5",
)  # fmt: skip

# Words that mean "a truck" without saying which kind: read in vehicle requests only.
GENERIC_VEHICLES: tuple[str, ...] = ("货车", "卡车", "车辆", "车")

# Cargo types: spelling -> canonical type.
CARGO_TYPES: dict[str, str] = {
    "冷冻食品": "冷冻食品", "速冻食品": "冷冻食品", "冷冻品": "冷冻食品", "冻品": "冷冻食品",
    "冷藏食品": "冷藏食品", "生鲜": "生鲜", "生鲜食品": "生鲜", "果蔬": "生鲜", "蔬果": "生鲜",
    "水果": "水果", "蔬菜": "蔬菜", "肉类": "肉类", "冻肉": "肉类", "海鲜": "水产海鲜", "水产": "水产海鲜",
    "乳制品": "乳制品", "食品": "食品", "休闲食品": "食品", "饮料": "饮料", "酒水": "酒水", "粮油": "粮油",
    "农产品": "农产品",
    "医药": "医药", "药品": "医药", "医药产品": "医药", "疫苗": "疫苗", "医疗器械": "医疗器械",
    "电子产品": "电子产品", "电子元器件": "电子产品", "电子元件": "电子产品", "数码产品": "电子产品",
    "家电": "家电",
    "化工品": "化工品", "化工原料": "化工品", "化工产品": "化工品", "化学品": "化工品",
    "危险品": "危险品", "危化品": "危险品", "危险化学品": "危险品", "危货": "危险品",
    "锂电池": "锂电池",
    "建材": "建材", "钢材": "钢材", "钢卷": "钢材", "五金": "五金", "玻璃": "玻璃", "陶瓷": "陶瓷",
    "家具": "家具", "服装": "服装", "服饰": "服装", "成衣": "服装", "纺织品": "纺织品", "布料": "纺织品",
    "快消品": "快消品", "快消": "快消品", "日化": "快消品", "日用品": "日用品", "化妆品": "化妆品",
    "汽车零部件": "汽车零部件", "汽配": "汽车零部件", "汽车配件": "汽车零部件", "零部件": "汽车零部件",
    "机械设备": "机械设备", "机器设备": "机械设备", "工程机械": "机械设备",
    "纸品": "纸品", "塑料颗粒": "塑料", "塑料": "塑料", "图书": "图书", "电商包裹": "电商包裹",
    "光伏组件": "光伏组件",
}  # fmt: skip

# Units of volume: spelling -> canonical unit.
UNITS: dict[str, str] = {
    "吨": "吨", "t": "吨", "tons": "吨", "ton": "吨", "公斤": "公斤", "kg": "公斤",
    "立方米": "立方", "立方": "立方", "方": "立方", "cbm": "立方", "m3": "立方",
    "车次": "车", "车": "车", "辆": "辆", "托盘": "托", "托": "托", "pallets": "托",
    "件": "件", "箱": "箱", "个柜": "柜", "柜": "柜", "teu": "柜", "票": "票", "单": "票",
}  # fmt: skip

# Extra words jieba should keep whole, beyond the dictionaries above.
SEGMENTATION_WORDS: tuple[str, ...] = (
    "夜间运输", "夜间配送", "白天卸货", "全程温控", "月度报表", "运输周报", "准时率", "货损率",
    "月结", "账期", "货到付款", "款到发货", "拍板", "决策人", "提前下单",
)  # fmt: skip


def lexicon_words() -> list[str]:
    """Every Chinese word of the dictionaries, for the segmenter."""
    words = [*CITIES, *PROVINCES, *VEHICLE_TYPES, *CARGO_TYPES, *SEGMENTATION_WORDS]
    return sorted({word for word in words if not word.isascii()})
