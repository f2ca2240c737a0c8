"""The offline fact extractor behind the customer 360° profile.

Given a salesperson's real-looking message (WeChat, call note, e-mail, visit note, mixed
Chinese/English), when the rule extractor reads it, then exactly the facts a colleague would note
down come out, each pointing at its evidence. No database is needed.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest

from baton.customers.facts import DEFAULT_EXTRACTOR_PATH, FactCandidate, extractor_from_path
from baton.customers.facts.rules import RuleExtractor, segmenter
from baton.customers.facts.text import parse_number

# The values that identify a fact of each kind in the expectations below.
KEY_FIELDS: dict[str, tuple[str, ...]] = {
    "volume": ("amount", "unit", "period"),
    "vehicle_request": ("quantity", "vehicle", "change"),
    "vehicle_type": ("vehicle",),
    "cargo_type": ("cargo",),
    "time_window": ("window",),
    "lead_time": ("amount", "unit"),
    "route": ("origin", "destination"),
    "service_expectation": ("topic",),
    "reporting": ("frequency",),
    "decision_maker": ("name", "title", "role"),
    "payment_terms": ("terms", "days"),
}


def _key(fact: FactCandidate) -> tuple[str | int | None, ...]:
    return (fact.kind, *(fact.value.get(field) for field in KEY_FIELDS[fact.kind]))


@pytest.fixture(scope="module")
def extractor() -> RuleExtractor:
    return RuleExtractor()


VISIT_NOTE = (
    "拜访纪要（3月12日）：客户主要做医药和医疗器械，年运输量约3000吨，华东区域为主，杭州发往合肥、南京。"
    "要求全程温控2-8℃，需要实时GPS轨迹，每月要月度报表。物流总监张明负责，最终由采购部王总拍板。"
    "付款：月结45天。"
)

# (message, expected facts as KEY_FIELDS tuples)
MESSAGES = [
    # --- the ten kinds, one by one -----------------------------------------------------------
    pytest.param(
        "年运输量10万吨，每月大约300吨",
        [("volume", 100000, "吨", "year"), ("volume", 300, "吨", "month")],
        id="volume-year-and-month",
    ),
    pytest.param(
        "月均发货50车，一年大概2000立方",
        [("volume", 50, "车", "month"), ("volume", 2000, "立方", "year")],
        id="volume-trucks-and-cubic-metres",
    ),
    pytest.param(
        "增加2辆冷藏车，下个月需要3台9.6米厢式货车，减少一辆平板车",
        [
            ("vehicle_request", 2, "冷藏车", "increase"),
            ("vehicle_request", 3, "厢式货车", "need"),
            ("vehicle_request", 1, "平板车", "decrease"),
        ],
        id="vehicle-requests",
    ),
    pytest.param(
        "我们主要运冷冻食品和危险品，一般用冷藏车",
        [("cargo_type", "冷冻食品"), ("cargo_type", "危险品"), ("vehicle_type", "冷藏车")],
        id="cargo-and-vehicle-types",
    ),
    pytest.param(
        "偏好夜间运输，只能白天卸货，周末不收货，早上8点前到仓",
        [
            ("time_window", "night"),
            ("time_window", "day"),
            ("time_window", "weekend_closed"),
            ("time_window", "morning"),
        ],
        id="time-windows",
    ),
    pytest.param(
        "提前两天下单，需要提前48小时通知，T+1",
        [("lead_time", 2, "day"), ("lead_time", 48, "hour"), ("lead_time", 1, "day")],
        id="lead-times",
    ),
    pytest.param(
        "上海→广州，从苏州发往成都，深圳-武汉线，广州至昆明",
        [
            ("route", "上海", "广州"),
            ("route", "苏州", "成都"),
            ("route", "深圳", "武汉"),
            ("route", "广州", "昆明"),
        ],
        id="routes",
    ),
    pytest.param(
        "对延迟交货容忍度低，不能接受延误，要求准时率99%，货损要控制在千分之一以内，需要全程温控",
        [
            ("service_expectation", "punctuality"),
            ("service_expectation", "punctuality"),
            ("service_expectation", "punctuality"),
            ("service_expectation", "damage"),
            ("service_expectation", "temperature"),
        ],
        id="service-expectations",
    ),
    pytest.param(
        "负责人喜欢收到月度报表，每周发一次运输周报，需要实时GPS轨迹",
        [("reporting", "month"), ("reporting", "week"), ("reporting", "realtime")],
        id="reporting",
    ),
    pytest.param(
        "采购部王总拍板，决策人是李经理，物流总监张明负责",
        [
            ("decision_maker", "王总", None, "decides"),
            ("decision_maker", "李经理", None, "decides"),
            ("decision_maker", "张明", "物流总监", "responsible"),
        ],
        id="decision-makers",
    ),
    pytest.param(
        "月结30天，货到付款，账期60天",
        [("payment_terms", "monthly", 30), ("payment_terms", "cod", None), ("payment_terms", "credit", 60)],
        id="payment-terms",
    ),
    # --- WeChat messages -----------------------------------------------------------------------
    pytest.param(
        "王总👍 下周开始每天加派2台6.8米高栏车，晚上装车，早上7点前到仓哈",
        [
            ("vehicle_request", 2, "高栏车", "increase"),
            ("time_window", "night"),
            ("time_window", "morning"),
        ],
        id="wechat-extra-trucks",
    ),
    pytest.param(
        "冷藏车增加2辆，其他不变",
        [("vehicle_request", 2, "冷藏车", "increase")],
        id="wechat-vehicle-before-verb",
    ),
    pytest.param(
        "增加2辆冷藏车和1辆平板车，减少1台4.2米",
        [
            ("vehicle_request", 2, "冷藏车", "increase"),
            ("vehicle_request", 1, "平板车", "increase"),
            ("vehicle_request", 1, "货车", "decrease"),
        ],
        id="wechat-coordinated-requests",
    ),
    pytest.param(
        "提前一天约车，9.6米的车要5台",
        [("lead_time", 1, "day"), ("vehicle_request", 5, "货车", "need")],
        id="wechat-book-a-day-ahead",
    ),
    pytest.param(
        "沪粤线和京沪线都在跑",
        [("route", "上海", "广东"), ("route", "北京", "上海")],
        id="wechat-short-form-lanes",
    ),
    pytest.param(
        "他们那边老板拍板，姓周，每周总共也就十来车",
        [("decision_maker", None, "老板", "decides"), ("volume", 10, "车", "week")],
        id="wechat-boss-decides",
    ),
    pytest.param(
        "payment: COD, 另外需要每天日报",
        [("payment_terms", "cod", None), ("reporting", "day")],
        id="wechat-cod-daily-report",
    ),
    pytest.param(
        "运费到付，收到付款通知后发货",
        [("payment_terms", "cod", None)],
        id="wechat-freight-collect",
    ),
    # --- call notes ----------------------------------------------------------------------------
    pytest.param(
        "电话记录：客户说现在用的是4.2米厢车，想换成冷藏车，因为要开始做冻品了。提前一天下单，T+1到货。",
        [
            ("vehicle_type", "厢式货车"),
            ("vehicle_type", "冷藏车"),
            ("cargo_type", "冷冻食品"),
            ("lead_time", 1, "day"),
            ("lead_time", 1, "day"),
        ],
        id="call-switching-to-reefer",
    ),
    pytest.param(
        "张总说下个月需要3台9.6米厢式货车，夜间配送，早上6点前到店",
        [
            ("vehicle_request", 3, "厢式货车", "need"),
            ("time_window", "night"),
            ("time_window", "morning"),
        ],
        id="call-trucks-and-night-delivery",
    ),
    pytest.param(
        "深圳-武汉线每周走货20车，高栏车为主",
        [("route", "深圳", "武汉"), ("volume", 20, "车", "week"), ("vehicle_type", "高栏车")],
        id="call-lane-volume",
    ),
    pytest.param(
        "长沙发货到重庆，一个月差不多40车",
        [("route", "长沙", "重庆"), ("volume", 40, "车", "month")],
        id="call-changsha-not-sofa",
    ),
    pytest.param(
        "白天限行，晚上10点以后才能进城，只能夜间配送",
        [("time_window", "day_closed"), ("time_window", "night"), ("time_window", "night")],
        id="call-city-restrictions",
    ),
    pytest.param(
        "准时率要求98.5%以上，延误会扣款",
        [("service_expectation", "punctuality"), ("service_expectation", "punctuality")],
        id="call-punctuality-penalty",
    ),
    pytest.param(
        "货到付款可以，不过要提前两天下单。",
        [("payment_terms", "cod", None), ("lead_time", 2, "day")],
        id="call-cod-and-lead-time",
    ),
    pytest.param(
        "账期两个月，开票后30天付款也行",
        [("payment_terms", "credit", 60), ("payment_terms", "invoice", 30)],
        id="call-credit-in-months",
    ),
    # --- e-mail excerpts -----------------------------------------------------------------------
    pytest.param(
        "Hi 张经理, delivery time需提前1天, 另外下个月起每周增加2辆冷藏车 from 上海 to 广州",
        [
            ("lead_time", 1, "day"),
            ("vehicle_request", 2, "冷藏车", "increase"),
            ("route", "上海", "广州"),
        ],
        id="mail-mixed-language",
    ),
    pytest.param(
        "Dear 李经理, Per our call: 1) 年发货量约1.5万吨 2) 主要线路 Guangzhou to Shanghai "
        "3) payment: 月结30天 4) weekly report every Monday.",
        [
            ("volume", 15000, "吨", "year"),
            ("route", "广州", "上海"),
            ("payment_terms", "monthly", 30),
            ("reporting", "week"),
        ],
        id="mail-call-summary",
    ),
    pytest.param(
        "Hi Lisa, monthly volume大概500吨, lead time 2 days, payment net 30.",
        [("volume", 500, "吨", "month"), ("lead_time", 2, "day"), ("payment_terms", "net", 30)],
        id="mail-english-terms",
    ),
    pytest.param(
        "Subject: 报价确认 Dear 陈经理, 感谢支持。确认如下：线路 Ningbo to Chongqing，月均40个柜，"
        "账期60天，要求准时率≥95%，延误按合同扣款。Best regards",
        [
            ("route", "宁波", "重庆"),
            ("volume", 40, "柜", "month"),
            ("payment_terms", "credit", 60),
            ("service_expectation", "punctuality"),
            ("service_expectation", "punctuality"),
        ],
        id="mail-quotation-confirmed",
    ),
    pytest.param(
        "Dear Mr. Chen, annual volume about 12000 tons, mainly 汽车零部件 from Wuhan to 长沙.",
        [("volume", 12000, "吨", "year"), ("cargo_type", "汽车零部件"), ("route", "武汉", "长沙")],
        id="mail-english-volume",
    ),
    pytest.param(
        "决策人是物流总监陈伟，财务那边月结60天",
        [("decision_maker", "陈伟", "物流总监", "decides"), ("payment_terms", "monthly", 60)],
        id="mail-decision-maker-full-name",
    ),
    # --- visit notes ---------------------------------------------------------------------------
    pytest.param(
        VISIT_NOTE,
        [
            ("cargo_type", "医药"),
            ("cargo_type", "医疗器械"),
            ("volume", 3000, "吨", "year"),
            ("route", "杭州", "合肥"),
            ("service_expectation", "temperature"),
            ("service_expectation", "temperature"),
            ("reporting", "realtime"),
            ("reporting", "month"),
            ("decision_maker", "张明", "物流总监", "responsible"),
            ("decision_maker", "王总", None, "decides"),
            ("payment_terms", "monthly", 45),
        ],
        id="visit-pharma-customer",
    ),
    pytest.param(
        "【拜访记录】客户：鲜达冷链。每月大约300吨冻品，用冷链车，要求全程温控-18℃以下，不能接受延误。",
        [
            ("volume", 300, "吨", "month"),
            ("cargo_type", "冷冻食品"),
            ("vehicle_type", "冷藏车"),
            ("service_expectation", "temperature"),
            ("service_expectation", "temperature"),
            ("service_expectation", "punctuality"),
        ],
        id="visit-frozen-food",
    ),
    pytest.param(
        "王经理您好，我们公司年运输量10万吨左右，主要是钢材和建材，从天津发往郑州、西安两个方向。",
        [
            ("volume", 100000, "吨", "year"),
            ("cargo_type", "钢材"),
            ("cargo_type", "建材"),
            ("route", "天津", "郑州"),
        ],
        id="visit-steel-shipper",
    ),
    pytest.param(
        "从苏州工厂发往成都，电子产品，怕压，要求轻拿轻放，货损控制在0.3%以内",
        [
            ("route", "苏州", "成都"),
            ("cargo_type", "电子产品"),
            ("service_expectation", "handling"),
            ("service_expectation", "damage"),
        ],
        id="visit-electronics",
    ),
    pytest.param(
        "客户反馈：周末不收货，节假日也不收，收货时间8:00-17:00。",
        [("time_window", "weekend_closed"), ("time_window", "holiday_closed"), ("time_window", "hours")],
        id="visit-receiving-hours",
    ),
    pytest.param(
        "医药客户，2-8℃冷藏，全程温控，需要购买货物保险",
        [
            ("cargo_type", "医药"),
            ("service_expectation", "temperature"),
            ("service_expectation", "temperature"),
            ("service_expectation", "insurance"),
        ],
        id="visit-cold-chain-insurance",
    ),
    pytest.param(
        "危险品车我们有资质，客户要求危险品运输资质和押运员",
        [("vehicle_type", "危险品车"), ("cargo_type", "危险品"), ("service_expectation", "qualification")],
        id="visit-dangerous-goods",
    ),
    pytest.param(
        "对方是做生鲜电商的，日均出货2000单，凌晨配送",
        [("cargo_type", "生鲜"), ("volume", 2000, "票", "day"), ("time_window", "night")],
        id="visit-fresh-e-commerce",
    ),
    pytest.param(
        "周六周日仓库不开，工作日上午10点前送到",
        [("time_window", "weekend_closed"), ("time_window", "morning")],
        id="visit-weekend-closed",
    ),
    pytest.param(
        "用4.2米厢车短驳，从昆山到上海",
        [("vehicle_type", "厢式货车"), ("route", "昆山", "上海")],
        id="visit-shuttle",
    ),
    pytest.param(
        "全程GPS定位，每周一次对账",
        [("reporting", "realtime"), ("reporting", "week")],
        id="visit-tracking-and-statement",
    ),
    pytest.param(
        "Net30, 半月结也行，款到发货不接受",
        [
            ("payment_terms", "net", 30),
            ("payment_terms", "semimonthly", None),
            ("payment_terms", "prepaid", None),
        ],
        id="visit-payment-options",
    ),
    # --- nothing to note -----------------------------------------------------------------------
    pytest.param("好的，收到，谢谢", [], id="none-small-talk"),
    pytest.param("上海天气不错，改天请你吃饭", [], id="none-one-city-is-no-route"),
    pytest.param("我手机13812345678，订单号SO20240312001，麻烦查一下", [], id="none-phone-and-order-number"),
    pytest.param("订单号20240312001，金额5万元", [], id="none-order-number-and-money"),
    pytest.param("上海到了，晚点联系", [], id="none-arrived-in-shanghai"),
    pytest.param("我下周从上海到广州出差，顺便拜访你们", [], id="none-business-trip"),
    pytest.param("Hi 张经理 thanks! 收到", [], id="none-greeting-names-no-decision-maker"),
    pytest.param("客户在合肥，仓库在芜湖，回程货不多", [], id="none-two-cities-no-lane"),
    pytest.param("不锈钢材料走上海南京路那边的仓", [], id="none-steel-and-street-inside-words"),
    pytest.param("买了一张长沙发，下周送到", [], id="none-sofa-is-not-changsha"),
    pytest.param("今天发了30吨货", [], id="none-one-shipment-is-no-volume"),
    pytest.param("每周总结一下客户反馈", [], id="none-weekly-summary-is-no-manager-zhou"),
]


@pytest.mark.parametrize(("message", "expected"), MESSAGES)
def test_a_message_yields_exactly_the_facts_a_colleague_would_note(extractor, message, expected):
    found = extractor.extract(message)

    assert Counter(_key(fact) for fact in found) == Counter(expected)


@pytest.mark.parametrize(
    ("message", "kind", "words"),
    [
        ("客户说年运输量10万吨左右", "volume", "10万吨"),
        ("另外下个月起每周增加2辆冷藏车", "vehicle_request", "2辆冷藏车"),
        ("我们一般用冷藏车", "vehicle_type", "冷藏车"),
        ("主要是冷冻食品", "cargo_type", "冷冻食品"),
        ("他们偏好夜间运输", "time_window", "夜间"),
        ("Hi 张经理, delivery time需提前1天", "lead_time", "提前1天"),
        ("线路：从苏州发往成都", "route", "苏州发往成都"),
        ("对延迟交货容忍度低", "service_expectation", "延迟"),
        ("负责人喜欢收到月度报表", "reporting", "月度报表"),
        ("这个单子采购部王总拍板", "decision_maker", "王总拍板"),
        ("结算方式月结30天", "payment_terms", "月结30天"),
        ("每月３００吨（全角数字）", "volume", "３００吨"),
    ],
)
def test_the_span_points_at_the_evidence(extractor, message, kind, words):
    facts = [fact for fact in extractor.extract(message) if fact.kind == kind]

    assert len(facts) == 1
    evidence = message[facts[0].start : facts[0].end]
    assert words in evidence
    assert evidence == evidence.strip()


def test_facts_are_deterministic_and_sorted_by_position(extractor):
    message = VISIT_NOTE

    first = extractor.extract(message)
    again = RuleExtractor().extract(message)

    assert first == again
    assert [fact.start for fact in first] == sorted(fact.start for fact in first)


def test_the_same_fact_said_twice_is_one_fact_with_its_best_evidence(extractor):
    message = "上海到广州的车。再确认一下：上海→广州"

    routes = [fact for fact in extractor.extract(message) if fact.kind == "route"]

    assert len(routes) == 1
    assert routes[0].confidence == 90
    assert message[routes[0].start : routes[0].end] == "上海→广州"


def test_a_bare_vehicle_request_without_type_gives_way_to_the_named_one(extractor):
    facts = extractor.extract("冷藏车增加2辆")

    assert [(fact.kind, fact.value["vehicle"]) for fact in facts] == [("vehicle_request", "冷藏车")]


def test_every_fact_is_json_safe_with_an_integer_confidence(extractor):
    for param in MESSAGES:
        for fact in extractor.extract(param.values[0]):
            assert json.loads(json.dumps(fact.value, ensure_ascii=False)) == fact.value
            assert all(type(item) in (str, int) for item in fact.value.values())
            assert type(fact.confidence) is int and 0 <= fact.confidence <= 100
            assert fact.text


def test_fact_values_read_the_way_people_wrote_them(extractor):
    volume, request = extractor.extract("年运输量10万吨，下个月需要3台9.6米厢式货车")

    assert volume.value == {"amount": 100000, "unit": "吨", "period": "year"}
    assert volume.text == "每年10万吨"
    assert request.value == {
        "quantity": 3,
        "unit": "台",
        "vehicle": "厢式货车",
        "change": "need",
        "length": "9.6米",
    }
    assert request.text == "需要3台9.6米厢式货车"


def test_empty_text_has_no_facts(extractor):
    assert extractor.extract("") == []
    assert extractor.extract("   \n ") == []


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("10", 10),
        ("10万", 100000),
        ("1.5万", 15000),
        ("两千", 2000),
        ("十", 10),
        ("十二", 12),
        ("二十五", 25),
        ("三百五", 350),
        ("一百零五", 105),
        ("两万五", 25000),
        ("一万二千", 12000),
    ],
)
def test_chinese_and_arabic_numbers(written, value):
    assert parse_number(written) == value


def test_the_segmenter_is_built_once():
    assert segmenter() is segmenter()


def test_the_rule_extractor_is_named_for_the_record():
    assert RuleExtractor.name == "rules-v1"


class FakeExtractor:
    """A stand-in for a configured extractor (for instance one backed by a language model)."""

    name = "fake"

    def extract(self, text: str) -> list[FactCandidate]:
        return [FactCandidate("note", {"text": text}, text, 0, len(text), 50)]


class NotAnExtractor:
    pass


@pytest.mark.parametrize("path", [None, "", DEFAULT_EXTRACTOR_PATH])
def test_the_default_extractor_is_the_rule_extractor(path):
    extractor = extractor_from_path(path)

    assert isinstance(extractor, RuleExtractor)
    assert extractor.name == "rules-v1"


def test_a_configured_dotted_path_loads_that_extractor():
    extractor = extractor_from_path(f"{__name__}.FakeExtractor")

    assert isinstance(extractor, FakeExtractor)
    assert extractor.extract("hi")[0].value == {"text": "hi"}


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("baton.customers.facts.nowhere.Extractor", "module 'baton.customers.facts.nowhere'"),
        ("baton.customers.facts.rules.NoSuchExtractor", "has no 'NoSuchExtractor'"),
        ("RuleExtractor", "not a dotted path"),
    ],
)
def test_a_bad_path_raises_import_error_naming_it(path, message):
    with pytest.raises(ImportError, match=r"Cannot load|not a dotted path") as raised:
        extractor_from_path(path)

    assert message in str(raised.value)
    assert path in str(raised.value)


def test_an_object_that_is_not_an_extractor_is_refused():
    with pytest.raises(TypeError, match="NotAnExtractor"):
        extractor_from_path(f"{__name__}.NotAnExtractor")


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"confidence": 101}, ValueError),
        ({"confidence": 0.9}, TypeError),
        ({"value": {"amount": 1.5}}, TypeError),
        ({"value": {"flag": True}}, TypeError),
        ({"start": 5, "end": 2}, ValueError),
    ],
)
def test_a_fact_candidate_refuses_values_that_would_not_store_exactly(changes, error):
    fields = {"kind": "volume", "value": {"amount": 1}, "text": "x", "start": 0, "end": 1, "confidence": 90}

    with pytest.raises(error):
        FactCandidate(**(fields | changes))
