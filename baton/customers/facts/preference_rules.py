"""Rules for how the customer wants to be served: time windows, service expectations, reporting.

These facts are wishes in words rather than numbers, so each value keeps the evidence as
``detail`` next to a small normalised category (``window``, ``topic``, ``frequency``).
"""

from __future__ import annotations

import re
from decimal import Decimal

from baton.customers.facts.base import FactCandidate
from baton.customers.facts.text import CLOCK, NON_BREAK, Document, fact, parse_clock, parse_number

# ----------------------------------------------------------------------------------- time window

_CLOSED = (
    r"(?:也)?(?:不收货|不卸货|不收|不接货|不上班|休息|不营业|不作业|不送货|不发货|不能送货|不能收货"
    r"|仓库不开|不开仓|停收)"
)
_WEEKEND = r"(?:周末|周六日|周六周日|周六、周日|星期六日|星期六、日|双休日|周日|星期天|星期日|礼拜天)"
_NIGHT = r"(?:夜间|晚上|夜里|夜班|凌晨|晚间)"
_WORK = r"(?:运输|配送|送货|到货|卸货|收货|发车|装车|提货|作业|进城|进仓|出车)"
_NOT = r"(?<!不)(?<!不能)(?<!禁止)(?<!不要)(?<!不可)"
_LIKE = r"(?:偏好|喜欢|倾向于?|习惯|希望|要求|只能|必须|一般|最好|都是|只在|主要|只)?"

TIME_WINDOW_PATTERNS: tuple[tuple[str, re.Pattern[str], int], ...] = (
    ("weekend_closed", re.compile(rf"{_WEEKEND}\s*{_CLOSED}"), 90),
    ("holiday_closed", re.compile(rf"(?:法定节假日|节假日|春节期间|国庆期间|假期)\s*{_CLOSED}"), 90),
    (
        "weekend_open",
        re.compile(r"(?:周末|节假日)\s*(?:也|照常|正常)\s*(?:可以)?(?:收货|卸货|营业|上班|作业|送货)"),
        85,
    ),
    ("night_closed", re.compile(rf"{_NIGHT}\s*{_CLOSED}"), 90),
    ("night_closed", re.compile(rf"(?:不能|不接受|不要|禁止|不允许|不可)\s*{_NIGHT}{_WORK}"), 90),
    ("night", re.compile(rf"{_NOT}{_LIKE}\s*{_NIGHT}{_WORK}"), 90),
    ("day_closed", re.compile(r"白天\s*(?:不收货|不卸货|不能送货|不能进城|限行|禁行|不让进)"), 85),
    ("day", re.compile(rf"{_NOT}{_LIKE}\s*白天{_WORK}"), 90),
)
_PART_OF_DAY = r"(?P<pre>早上|上午|早晨|早|当天|每天|中午|下午|傍晚|晚上|夜里|凌晨)?"
_ARRIVE = r"(?:到仓|到货|送达|送到|到达|进仓|卸完|完成配送|到门店|到店|到)"
CLOCK_PATTERNS: tuple[tuple[str, re.Pattern[str], int], ...] = (
    # 早上8点前到仓
    (
        "before",
        re.compile(
            rf"{_PART_OF_DAY}\s*(?P<clock>{CLOCK})\s*(?:前|之前|以前)\s*(?:要|必须|需要|得)?\s*{_ARRIVE}"
        ),
        90,
    ),
    # 晚上10点以后才能进城卸货
    (
        "after",
        re.compile(
            rf"{_PART_OF_DAY}\s*(?P<clock>{CLOCK})\s*(?:以后|之后|后)\s*(?:才能|才|可以|再)?\s*"
            r"(?:送货|卸货|收货|进城|到仓|配送|进仓|到)"
        ),
        85,
    ),
)
# 收货时间8:00-17:00, 8点到17点收货
HOURS = re.compile(rf"(?P<c1>{CLOCK})\s*(?:到|至|-|~|—)\s*(?P<c2>{CLOCK})")
_HOURS_CONTEXT = re.compile(r"收货|卸货|送货|营业|作业|上班|到货|仓库|提货")
WINDOW_TEXT = {
    "night": "夜间", "night_closed": "夜间不收货", "day": "白天", "day_closed": "白天受限",
    "weekend_closed": "周末不收货", "weekend_open": "周末可收货", "holiday_closed": "节假日不收货",
    "morning": "上午", "afternoon": "下午", "evening": "晚上", "hours": "收货时段",
}  # fmt: skip


def _window_of_hour(clock: str) -> str:
    hour = int(clock[:2])
    if hour >= 19 or hour < 5:
        return "night"
    return "morning" if hour < 12 else "afternoon" if hour < 17 else "evening"


def _clock_windows(doc: Document) -> list[FactCandidate]:
    found = []
    for key, pattern, confidence in CLOCK_PATTERNS:
        for match in pattern.finditer(doc.text):
            late = match["pre"] in {"下午", "傍晚", "晚上", "夜里"}
            clock = parse_clock(match["clock"], afternoon=late)
            if clock is None:
                continue
            window = _window_of_hour(clock)
            detail = match.group(0).strip()
            value: dict[str, str | int] = {"window": window, key: clock, "detail": detail}
            found.append(
                fact("time_window", value, f"{WINDOW_TEXT[window]}：{detail}", match.span(), confidence)
            )
    for match in HOURS.finditer(doc.text):
        left, right = doc.clause(*match.span())
        if not _HOURS_CONTEXT.search(doc.text[left:right]):
            continue
        opens, closes = parse_clock(match["c1"]), parse_clock(match["c2"])
        if opens is None or closes is None:
            continue
        if closes <= opens:
            closes = parse_clock(match["c2"], afternoon=True) or closes  # "8点到5点" ends at 17:00
        detail = match.group(0)
        value = {"window": "hours", "from": opens, "to": closes, "detail": detail}
        found.append(fact("time_window", value, f"收货时段：{opens}-{closes}", match.span(), 85))
    return found


def find_time_window(doc: Document) -> list[FactCandidate]:
    """When the customer ships or receives: "偏好夜间运输", "周末不收货", "早上8点前到仓"."""
    found = []
    for window, pattern, confidence in TIME_WINDOW_PATTERNS:
        for match in pattern.finditer(doc.text):
            start = match.start() + len(match.group(0)) - len(match.group(0).lstrip())
            detail = doc.text[start : match.end()]
            value: dict[str, str | int] = {"window": window, "detail": detail}
            found.append(
                fact(
                    "time_window", value, f"{WINDOW_TEXT[window]}：{detail}", (start, match.end()), confidence
                )
            )
    return found + _clock_windows(doc)


# --------------------------------------------------------------------------- service expectation

_LATE = r"(?:延迟|延误|晚到|迟到|晚点|压货|超时)"
_PERCENT = (
    r"(?P<target>\d+(?:\.\d+)?\s*[%‰]|千分之[\d一二两三四五六七八九十.]+|万分之[\d一二两三四五六七八九十.]+)"
)
SERVICE_PATTERNS: tuple[tuple[str, re.Pattern[str], int], ...] = (
    (
        "punctuality",
        re.compile(
            rf"对?{_LATE}(?:交货|交付|到货|送货|发货)?{NON_BREAK}{{0,4}}?容忍度?\s*(?:很|非常|比较|极|特别)?(?:低|为零|为0)"
        ),
        90,
    ),
    ("punctuality", re.compile(rf"(?:不能|无法|不会|不)(?:接受|容忍|允许){NON_BREAK}{{0,4}}?{_LATE}"), 90),
    ("punctuality", re.compile(rf"{_LATE}\s*零容忍"), 90),
    (
        "punctuality",
        re.compile(
            rf"(?:准时率|准点率|及时率|准时到达率|到货及时率|时效达成率|OTD|on-?time\s*rate)[^,;!?。；，！？\n\d]{{0,6}}?{_PERCENT}",
            re.IGNORECASE,
        ),
        90,
    ),
    (
        "punctuality",
        re.compile(rf"{_LATE}{NON_BREAK}{{0,4}}?(?:要|会|需|得)?(?:扣款|罚款|赔偿|索赔|考核)"),
        80,
    ),
    ("punctuality", re.compile(r"(?:必须|一定要|务必|要求)\s*(?:准时|按时)(?:到|送达|到货|交货|到达)?"), 80),
    (
        "punctuality",
        re.compile(r"(?:时效|准时|按时)(?:要求)?\s*(?:很|非常|特别|比较)?(?:高|严格|严|重要|第一)"),
        75,
    ),
    (
        "damage",
        re.compile(
            rf"(?:货损率|破损率|货损|破损|损耗|货差|丢件|丢失)率?{NON_BREAK}{{0,8}}?{_PERCENT}\s*(?:以内|以下)?"
        ),
        90,
    ),
    (
        "damage",
        re.compile(rf"(?:货损|破损|丢件){NON_BREAK}{{0,6}}?(?:零容忍|不能接受|全赔|照价赔偿|要赔)"),
        80,
    ),
    (
        "temperature",
        re.compile(
            r"(?:全程|全链路|需要|要求|必须|保持)\s*(?:温控|控温|恒温|冷链)(?:运输|配送|监控|记录)?(?!车)"
        ),
        90,
    ),
    (
        "temperature",
        re.compile(
            r"(?<![\d.])(?P<lo>-?\d+(?:\.\d+)?)\s*(?:℃|度|°C)?\s*(?:到|至|~|-)\s*(?P<hi>-?\d+(?:\.\d+)?)\s*(?:℃|度|°C)"
        ),
        90,
    ),
    ("temperature", re.compile(r"(?:零下|(?<![\d.])-)\s*(?P<cold>\d+)\s*(?:℃|度|°C)(?:以下)?"), 85),
    ("insurance", re.compile(rf"(?:需要|要求|必须|要|得)\s*{NON_BREAK}{{0,4}}?(?:保险|保价|投保)"), 75),
    (
        "handling",
        re.compile(r"轻拿轻放|不能倒置|不可倒置|防潮|防压|防震|不能挤压|不能堆叠|不可堆叠|易碎品?"),
        75,
    ),
    (
        "qualification",
        re.compile(r"(?:危险品|危化品|危运)(?:运输)?(?:资质|经营许可证?|押运员|道路运输许可证?)"),
        85,
    ),
)
TOPIC_TEXT = {
    "punctuality": "准时", "damage": "货损", "temperature": "温控", "insurance": "保险",
    "handling": "装卸", "qualification": "资质",
}  # fmt: skip


def _target(match: re.Match[str]) -> str | None:
    groups = match.groupdict()
    if groups.get("lo") is not None:
        return f"{groups['lo']}~{groups['hi']}℃"
    if groups.get("cold") is not None:
        return f"-{groups['cold']}℃"
    written = (groups.get("target") or "").replace(" ", "")
    if not written:
        return None
    if written.endswith("%"):
        return written
    if written.endswith("‰"):
        ratio, per = parse_number(written[:-1]), Decimal(10)
    else:
        ratio, per = parse_number(written[3:]), Decimal(10 if written.startswith("千") else 100)
    if ratio is None:
        return None
    return f"{(ratio / per).normalize():f}%"


def find_service_expectation(doc: Document) -> list[FactCandidate]:
    """What good service means to this customer: punctuality, damage, temperature, insurance …"""
    found = []
    for topic, pattern, confidence in SERVICE_PATTERNS:
        for match in pattern.finditer(doc.text):
            detail = match.group(0).strip()
            value: dict[str, str | int] = {"topic": topic, "detail": detail}
            target = _target(match)
            if target:
                value["target"] = target
            text = f"服务要求（{TOPIC_TEXT[topic]}）：{detail}"
            found.append(fact("service_expectation", value, text, match.span(), confidence))
    return found


# ------------------------------------------------------------------------------------- reporting

_FREQUENCY_WORDS = r"每个月|每月|月度|每周|周度|每星期|每天|每日|日度|每季度|季度"
_REPORT_WORDS = r"报表|报告|周报|月报|日报|季报|对账单|对账|KPI|运营数据|数据|汇报|复盘"
_TRACKING_WORDS = r"GPS|北斗|轨迹|定位|位置|追踪|跟踪|监控|在途"
REPORTING_PATTERNS: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(rf"(?:{_FREQUENCY_WORDS}){NON_BREAK}{{0,8}}?(?:{_REPORT_WORDS})", re.IGNORECASE), 90),
    (re.compile(r"(?:运输|物流|运营|KPI|数据|对账|异常|服务)?(?:周报|月报|日报|季报)", re.IGNORECASE), 85),
    (
        re.compile(
            r"(?<![A-Za-z])(?:weekly|monthly|daily|quarterly)\s+(?:report|KPI|statement)s?(?![A-Za-z])",
            re.IGNORECASE,
        ),
        85,
    ),
    (
        re.compile(
            rf"(?:实时|随时){NON_BREAK}{{0,6}}?(?:{_TRACKING_WORDS})(?:轨迹|信息|数据|定位)?", re.IGNORECASE
        ),
        90,
    ),
    (re.compile(r"(?:全程|提供|需要|要)\s*(?:GPS|北斗)(?:轨迹|定位|追踪|跟踪)?", re.IGNORECASE), 80),
)
_FREQUENCIES = (
    ("realtime", re.compile(r"实时|随时|GPS|北斗", re.IGNORECASE)),
    ("quarter", re.compile(r"季|quarter", re.IGNORECASE)),
    ("month", re.compile(r"月|month", re.IGNORECASE)),
    ("week", re.compile(r"周|星期|week", re.IGNORECASE)),
    ("day", re.compile(r"天|日|daily", re.IGNORECASE)),
)
FREQUENCY_TEXT = {"realtime": "实时", "quarter": "每季度", "month": "每月", "week": "每周", "day": "每天"}
_TRACKING = re.compile(_TRACKING_WORDS, re.IGNORECASE)


def find_reporting(doc: Document) -> list[FactCandidate]:
    """Reports and tracking the customer expects: "每月要月度报表", "需要实时GPS轨迹"."""
    found = []
    for pattern, confidence in REPORTING_PATTERNS:
        for match in pattern.finditer(doc.text):
            detail = match.group(0).strip()
            frequency = next((name for name, rx in _FREQUENCIES if rx.search(detail)), None)
            if frequency is None:
                continue
            if _TRACKING.search(detail):
                report = "tracking"
            elif "对账" in detail or "statement" in detail.lower():
                report = "statement"
            else:
                report = "report"
            value: dict[str, str | int] = {"frequency": frequency, "report": report, "detail": detail}
            text = f"报表需求（{FREQUENCY_TEXT[frequency]}）：{detail}"
            found.append(fact("reporting", value, text, match.span(), confidence))
    return found
