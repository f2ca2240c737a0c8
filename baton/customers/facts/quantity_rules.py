"""Rules for facts that carry a number: volume, vehicle requests, lead time, payment terms.

Each ``find_*`` function reads one :class:`Document` and returns candidates of one kind. The
patterns are module constants so they are compiled once and can be read apart from the code.
"""

from __future__ import annotations

import re

from baton.customers.facts.base import FactCandidate
from baton.customers.facts.lexicon import GENERIC_VEHICLES, UNITS, VEHICLE_LENGTHS, VEHICLE_TYPES
from baton.customers.facts.text import (
    NUMBER,
    Document,
    alternation,
    fact,
    format_amount,
    parse_number,
    to_int,
)

# ---------------------------------------------------------------------------------------- volume

PERIOD_WORDS: dict[str, str] = {
    "每年": "year", "一年": "year", "全年": "year", "年均": "year", "每个月": "month", "每月": "month",
    "一个月": "month", "月均": "month", "每周": "week", "一周": "week", "周均": "week", "每星期": "week",
    "每天": "day", "每日": "day", "一天": "day", "日均": "day", "天天": "day",
}  # fmt: skip
_SHORT_PERIODS = {"年": "year", "月": "month", "周": "week", "日": "day", "天": "day"}
_ENGLISH_PERIODS = {
    "year": "year", "month": "month", "week": "week", "day": "day", "yearly": "year", "annual": "year",
    "monthly": "month", "weekly": "week", "daily": "day",
}  # fmt: skip
PERIOD_TEXT = {"year": "每年", "month": "每月", "week": "每周", "day": "每天"}

_VOLUME_NOUN = r"(?:运输量|运量|发货量|出货量|货量|吞吐量|发运量|物流量|业务量|用量)"
_FILLER = (
    r"(?:运输量|运量|发货量|出货量|货量|吞吐量|发运量|物流量|业务量|发货|出货|运输|发运|走货|大约|大概"
    r"|约为|差不多|平均|基本|至少|超过|将近|接近|预计|估计|左右|总共|一共|也就|约|发|运|出|走|的|量|都|要|能|有|在|是|为|就|才"
    r"|[:\s])"
)
# Units that measure freight; "辆" counts vehicles and belongs to vehicle requests.
_VOLUME_UNITS = alternation(word for word, unit in UNITS.items() if unit != "辆")
_UNIT = rf"(?P<unit>{_VOLUME_UNITS})(?![面案便式向法运号据价型辆队牌间子事位A-Za-z])"
_AMOUNT = rf"(?P<num>{NUMBER})(?:\s*(?:-|~|到|至)\s*(?P<num2>{NUMBER}))?\s*(?:多|余|来)?\s*"
_PERIOD = rf"(?P<period>{alternation(PERIOD_WORDS)})"

VOLUME_PATTERNS: tuple[tuple[re.Pattern[str], int], ...] = (
    # 每月大约300吨, 月均发货50车, 一年大概2000立方
    (re.compile(rf"{_PERIOD}{_FILLER}{{0,6}}?{_AMOUNT}{_UNIT}", re.IGNORECASE), 90),
    # 年运输量10万吨, 日发货量500件
    (
        re.compile(
            rf"(?P<short>[年月周日天])(?:度|均)?{_VOLUME_NOUN}{_FILLER}{{0,5}}?{_AMOUNT}{_UNIT}",
            re.IGNORECASE,
        ),
        90,
    ),
    # 10万吨/年, 300吨每月, 300 tons per month
    (
        re.compile(
            rf"{_AMOUNT}{_UNIT}\s*(?:/|每|per\s+|a\s+)\s*(?P<suffix>年|月|周|天|日|year|month|week|day)",
            re.IGNORECASE,
        ),
        85,
    ),
    # monthly volume 大概500吨
    (
        re.compile(
            rf"(?<![A-Za-z])(?P<eperiod>monthly|weekly|daily|yearly|annual)\s*(?:volume|shipments?|throughput)?\s*"
            rf"(?:is|of|about|around|approx\.?|约|大概|大约|:)?\s*{_AMOUNT}{_UNIT}",
            re.IGNORECASE,
        ),
        85,
    ),
    # 每月给我们发大概300吨: words between the period and the amount
    (re.compile(rf"{_PERIOD}(?P<gap>[^,;!?。；，！？\n\d]{{1,10}}?){_AMOUNT}{_UNIT}", re.IGNORECASE), 70),
)
_VOLUME_VERBS = re.compile(r"[发运走出货]")
_CHANGE_WORDS = re.compile(r"增加|减少|需要|新增|加|减")


def _period_of(match: re.Match[str]) -> str | None:
    groups = match.groupdict()
    if groups.get("period"):
        return PERIOD_WORDS[groups["period"]]
    if groups.get("short"):
        return _SHORT_PERIODS[groups["short"]]
    if groups.get("eperiod"):
        return _ENGLISH_PERIODS[groups["eperiod"].lower()]
    if groups.get("suffix"):
        suffix = groups["suffix"].lower()
        return _SHORT_PERIODS.get(suffix) or _ENGLISH_PERIODS[suffix]
    return None


def find_volume(doc: Document) -> list[FactCandidate]:
    """Shipping volume per period: "年运输量10万吨" -> 100000 吨 a year."""
    found: list[FactCandidate] = []
    for pattern, confidence in VOLUME_PATTERNS:
        for match in pattern.finditer(doc.text):
            gap = match.groupdict().get("gap")
            if gap is not None and (not _VOLUME_VERBS.search(gap) or _CHANGE_WORDS.search(gap)):
                continue
            amount, period = parse_number(match["num"]), _period_of(match)
            if amount is None or amount <= 0 or period is None:
                continue
            unit = UNITS[match["unit"].lower()]
            value: dict[str, str | int] = {"amount": to_int(amount), "unit": unit, "period": period}
            shown, score = format_amount(to_int(amount)), confidence
            if amount != amount.to_integral_value():
                value["amount_text"] = f"{amount.normalize():f}"
                score -= 10  # the stored integer is rounded
            upper = parse_number(match["num2"]) if match["num2"] else None
            if upper is not None and upper > amount:
                value["amount_max"] = to_int(upper)
                shown = f"{shown}-{format_amount(to_int(upper))}"
            text = f"{PERIOD_TEXT[period]}{shown}{unit}"
            found.append(fact("volume", value, text, match.span(), score))
    return found


# ------------------------------------------------------------------------------- vehicle request

_INCREASE = ("增加", "新增", "加派", "增派", "追加", "多加", "多要", "再加", "加开", "多派", "加")
_DECREASE = ("减少", "减掉", "少要", "少派", "撤掉", "撤", "取消", "停掉", "退掉", "减")
_NEED = (
    "需要", "想要", "安排", "调配", "配备", "租用", "预订", "加到", "减到", "派", "需", "要", "调", "配",
    "租", "用", "订", "包",
)  # fmt: skip
CHANGE_OF_VERB = {v: "increase" for v in _INCREASE} | {v: "decrease" for v in _DECREASE}
CHANGE_OF_VERB |= {v: "need" for v in _NEED}
CHANGE_TEXT = {"increase": "增加", "decrease": "减少", "need": "需要"}

_LENGTH = rf"(?<![\d.])(?P<len>{alternation(VEHICLE_LENGTHS)})\s*(?:米|m)(?![\d.A-Za-z])"
_VEHICLE = rf"(?P<veh>{alternation([*VEHICLE_TYPES, *GENERIC_VEHICLES])})"
_VERB = rf"(?P<verb>{alternation(CHANGE_OF_VERB)})"
_CLASSIFIER = r"(?P<cls>辆|台|部|个)"

VEHICLE_REQUEST_PATTERNS: tuple[tuple[re.Pattern[str], int], ...] = (
    # 增加2辆冷藏车, 需要3台9.6米厢式货车, 减少一辆平板车
    (
        re.compile(
            rf"{_VERB}\s*(?:约|大概|大约|至少|共|总共|再|多)?\s*(?P<num>{NUMBER})\s*{_CLASSIFIER}?"
            rf"\s*(?:{_LENGTH})?\s*的?\s*{_VEHICLE}?"
        ),
        90,
    ),
    # 冷藏车再增加2辆, 9.6米厢车要3台
    (
        re.compile(
            rf"(?:{_LENGTH})?\s*的?\s*{_VEHICLE}\s*(?:再|还|还要|还需)?\s*{_VERB}\s*(?P<num>{NUMBER})"
            rf"\s*(?P<cls>辆|台|部)"
        ),
        90,
    ),
)
_REQUEST_PERIOD = re.compile(rf"({alternation(PERIOD_WORDS)})[^,;!?。；，！？\n]{{0,6}}$")


# "增加2辆冷藏车和1辆平板车": a further quantity that shares the verb before it.
VEHICLE_REQUEST_CONTINUATION = re.compile(
    rf"\s*(?:和|、|以及|及|还有|另加)\s*(?P<num>{NUMBER})\s*(?P<cls>辆|台|部)\s*(?:{_LENGTH})?\s*的?\s*{_VEHICLE}?"
)


def _vehicle_request(
    doc: Document, match: re.Match[str], confidence: int, change: str
) -> FactCandidate | None:
    vehicle_word, length, classifier = match["veh"], match["len"], match["cls"]
    if not (vehicle_word or length or classifier == "辆"):
        return None  # "需要3个" or "要3台" says nothing about trucks
    quantity = parse_number(match["num"])
    if quantity is None or not 0 < quantity <= 500 or quantity != quantity.to_integral_value():
        return None
    if not (vehicle_word or length):
        confidence = min(confidence, 75)  # "增加2辆": which vehicle is left open
    vehicle = VEHICLE_TYPES.get(vehicle_word or "", "货车")
    value: dict[str, str | int] = {
        "quantity": to_int(quantity),
        "unit": classifier if classifier in {"辆", "台", "部"} else "辆",
        "vehicle": vehicle,
        "change": change,
    }
    if length:
        value["length"] = f"{length}米"
    left, _ = doc.clause(*match.span())
    before = _REQUEST_PERIOD.search(doc.text[left : match.start()])
    if before:
        value["period"] = PERIOD_WORDS[before.group(1)]
    prefix = PERIOD_TEXT[str(value["period"])] if "period" in value else ""
    text = (
        f"{prefix}{CHANGE_TEXT[change]}{value['quantity']}{value['unit']}{value.get('length', '')}{vehicle}"
    )
    return fact("vehicle_request", value, text, match.span(), confidence)


def find_vehicle_request(doc: Document) -> list[FactCandidate]:
    """A number of vehicles to add, remove or provide: "增加2辆冷藏车"."""
    found = []
    for pattern, confidence in VEHICLE_REQUEST_PATTERNS:
        for match in pattern.finditer(doc.text):
            change = CHANGE_OF_VERB[match["verb"]]
            candidate = _vehicle_request(doc, match, confidence, change)
            while candidate is not None:
                found.append(candidate)
                follow = VEHICLE_REQUEST_CONTINUATION.match(doc.text, candidate.end)
                candidate = _vehicle_request(doc, follow, confidence, change) if follow else None
    return found


# ------------------------------------------------------------------------------------- lead time

LEAD_UNITS: dict[str, str] = {
    "个工作日": "workday", "工作日": "workday", "个小时": "hour", "小时": "hour", "钟头": "hour",
    "hours": "hour", "hour": "hour", "h": "hour", "天": "day", "日": "day", "days": "day", "day": "day",
    "个星期": "week", "星期": "week", "周": "week", "礼拜": "week", "weeks": "week", "week": "week",
}  # fmt: skip
LEAD_UNIT_TEXT = {"workday": "个工作日", "hour": "小时", "day": "天", "week": "周"}
LEAD_ACTIONS = {
    "下单": "order", "发订单": "order", "报计划": "order", "订车": "book", "约车": "book",
    "预约": "book", "通知": "notify", "告知": "notify", "确认": "confirm",
}  # fmt: skip
_LEAD_UNIT = rf"(?P<unit>{alternation(LEAD_UNITS)})(?![A-Za-z])"

LEAD_TIME_PATTERNS: tuple[tuple[re.Pattern[str], int], ...] = (
    # 提前1天, 提前两天下单, 提前48小时通知
    (
        re.compile(
            rf"提前\s*(?P<num>{NUMBER})\s*{_LEAD_UNIT}\s*(?P<act>{alternation(LEAD_ACTIONS)})?",
            re.IGNORECASE,
        ),
        90,
    ),
    # lead time 2 days
    (
        re.compile(
            rf"lead\s*time\W{{0,3}}(?:is\s+|of\s+|需|要|是)?\s*(?P<num>{NUMBER})\s*{_LEAD_UNIT}",
            re.IGNORECASE,
        ),
        85,
    ),
)
# T+1: the trade's shorthand for "the day after the order".
T_PLUS = re.compile(r"(?<![A-Za-z])(?P<basis>[TD])\s*\+\s*(?P<num>\d{1,2})(?!\d)", re.IGNORECASE)


def find_lead_time(doc: Document) -> list[FactCandidate]:
    """How long before shipment the customer orders or must be told: "提前1天", "T+1"."""
    found = []
    for pattern, confidence in LEAD_TIME_PATTERNS:
        for match in pattern.finditer(doc.text):
            amount = parse_number(match["num"])
            if amount is None or amount <= 0 or amount != amount.to_integral_value():
                continue
            unit = LEAD_UNITS[match["unit"].lower()]
            value: dict[str, str | int] = {"amount": to_int(amount), "unit": unit}
            action = match.groupdict().get("act")
            if action:
                value["action"] = LEAD_ACTIONS[action]
            text = f"需提前{value['amount']}{LEAD_UNIT_TEXT[unit]}{action or ''}"
            found.append(fact("lead_time", value, text, match.span(), confidence))
    for match in T_PLUS.finditer(doc.text):
        days = int(match["num"])
        basis = f"{match['basis'].upper()}+{days}"
        value = {"amount": days, "unit": "day", "basis": basis}
        found.append(fact("lead_time", value, basis, match.span(), 80))
    return found


# -------------------------------------------------------------------------------- payment terms

_DAYS = rf"(?P<num>{NUMBER})\s*(?P<per>天|日|个月|月)"
PAYMENT_PATTERNS: tuple[tuple[str, re.Pattern[str], int], ...] = (
    ("semimonthly", re.compile(r"半月结"), 90),
    ("monthly", re.compile(rf"(?<!半)月结(?:\s*{_DAYS})?"), 90),
    ("weekly", re.compile(r"周结"), 90),
    ("quarterly", re.compile(r"季度?结(?:算)?"), 85),
    ("per_shipment", re.compile(r"一票一结|单票结算?|票结"), 85),
    ("cash", re.compile(r"现结|现付|现金结算"), 85),
    ("cod", re.compile(r"货到付款|(?<![收得])到付(?!款)|(?<![A-Za-z])COD(?![A-Za-z])", re.IGNORECASE), 90),
    ("prepaid", re.compile(r"款到发货|先款后货|先付款后发货|预付款?"), 85),
    (
        "credit",
        re.compile(rf"(?:账期|付款期|信用期|结算周期|付款周期)\s*(?:是|为|:|大概|约|一般|给)?\s*{_DAYS}"),
        90,
    ),
    ("invoice", re.compile(rf"开票后?\s*{_DAYS}\s*内?\s*(?:付款|回款|结清|付清|打款)"), 85),
    ("net", re.compile(r"(?<![A-Za-z])net\s*-?\s*(?P<num>\d{1,3})(?!\d)", re.IGNORECASE), 85),
    ("credit", re.compile(rf"{_DAYS}\s*内?\s*(?:付款|回款|结清|付清|打款)"), 70),
)
PAYMENT_TEXT = {
    "semimonthly": "半月结", "monthly": "月结", "weekly": "周结", "quarterly": "季结",
    "per_shipment": "一票一结", "cash": "现结", "cod": "货到付款", "prepaid": "款到发货",
    "credit": "账期", "invoice": "开票后付款", "net": "Net",
}  # fmt: skip


def _payment_days(match: re.Match[str]) -> int | None:
    written = match.groupdict().get("num")
    amount = parse_number(written) if written else None
    if amount is None or amount <= 0:
        return None
    per = match.groupdict().get("per") or "天"
    return to_int(amount * (30 if "月" in per else 1))


def find_payment_terms(doc: Document) -> list[FactCandidate]:
    """How the customer pays, for collections: "月结30天", "货到付款", "账期60天"."""
    found = []
    for terms, pattern, confidence in PAYMENT_PATTERNS:
        for match in pattern.finditer(doc.text):
            days = _payment_days(match)
            if terms in {"credit", "invoice", "net"} and days is None:
                continue
            value: dict[str, str | int] = {"terms": terms}
            text = PAYMENT_TEXT[terms]
            if days is not None:
                value["days"] = days
                text = {"net": f"Net {days}", "invoice": f"开票后{days}天付款"}.get(terms, f"{text}{days}天")
            found.append(fact("payment_terms", value, text, match.span(), confidence))
    return found
