"""Rules for facts that name things: routes, decision makers, vehicle and cargo types.

Dictionary words are only trusted where jieba cuts the text around them, so "钢材" is not read
inside "不锈钢材料" and "上海" is not read inside the street name "上海南京路".
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from baton.customers.facts.base import FactCandidate
from baton.customers.facts.lexicon import (
    CARGO_TYPES,
    CITIES,
    PLACE_ABBREVIATIONS,
    PLACE_ROMANISED,
    PROVINCES,
    VEHICLE_LENGTHS,
    VEHICLE_TYPES,
)
from baton.customers.facts.text import Document, alternation, fact

# ----------------------------------------------------------------------------------------- places

_PLACE = re.compile(rf"(?P<name>{alternation([*CITIES, *PROVINCES])})(?P<suffix>市|省)?")
_PLACE_ROMANISED = re.compile(
    rf"(?<![A-Za-z])(?P<name>{alternation(PLACE_ROMANISED)})(?![A-Za-z])", re.IGNORECASE
)
# A place glued by jieba to one of these is still that place: "宁波港", "苏州工业园区".
_PLACE_COMPOUND_ENDS = ("港", "区", "县", "仓", "站", "基地", "工厂", "市", "省")


@dataclass(frozen=True)
class Place:
    """A known place mentioned in the text, with its canonical name."""

    name: str
    start: int
    end: int


def find_places(doc: Document) -> list[Place]:
    """Known cities and provinces, in order of appearance."""
    places = []
    for match in _PLACE.finditer(doc.text):
        start, end = match.span()
        token = doc.token_at(start)
        glued = token.startswith(match["name"]) and token.endswith(_PLACE_COMPOUND_ENDS)
        if start in doc.boundaries and (end in doc.boundaries or glued):
            places.append(Place(match["name"], start, end))
    for match in _PLACE_ROMANISED.finditer(doc.text):
        places.append(Place(PLACE_ROMANISED[match["name"].lower()], *match.span()))
    return sorted(places, key=lambda place: place.start)


# ----------------------------------------------------------------------------------------- route

_FACILITY = r"(?:仓库|的仓库|仓|工厂|厂|基地|港|站)?"
ROUTE_CONNECTORS: tuple[tuple[re.Pattern[str], int], ...] = (
    (
        re.compile(
            rf"^\s*{_FACILITY}\s*(?:→|->|—>|=>|⇒|➡|发往|运往|送往|发到|运到|送到|发至|运至|送至|直达|开往"
            rf"|出发到|出发去|出发至|出发前往|发货到|发货至|发货去|发货往|至|to)\s*$",
            re.IGNORECASE,
        ),
        90,
    ),
    (re.compile(rf"^\s*{_FACILITY}\s*(?:-{{1,2}}|—{{1,2}}|–|~)\s*$"), 85),
    (re.compile(rf"^\s*{_FACILITY}\s*(?:到|发|去|往|前往)\s*$"), 80),
)
_LINE_AFTER = re.compile(r"^\s*(?:的)?(?:专线|干线|线路|线)")
# People travel between cities too; a trip is not a freight lane.
_TRAVEL = re.compile(r"出差|机票|高铁|航班|飞机|开会|旅游|回家|拜访|动车")
_ABBREVIATION = f"[{''.join(PLACE_ABBREVIATIONS)}]"
ABBREVIATED_ROUTE = re.compile(
    rf"(?P<a>{_ABBREVIATION})\s*(?:→|->|-|—|至|到)?\s*(?P<b>{_ABBREVIATION})(?:专线|干线|线路|线)"
    rf"|(?P<c>{_ABBREVIATION})\s*(?:→|->)\s*(?P<d>{_ABBREVIATION})"
)
_HAN = re.compile(r"[\u4e00-\u9fff]")
# Characters that may stand before a short-form route ("走沪粤线", "的京沪线").
_BEFORE_ABBREVIATION = set("走跑做有开的条是主在和及与、")


def _route(origin: str, destination: str, span: tuple[int, int], confidence: int) -> FactCandidate:
    value: dict[str, str | int] = {"origin": origin, "destination": destination}
    return fact("route", value, f"{origin}→{destination}", span, confidence)


def _abbreviated_routes(doc: Document) -> list[FactCandidate]:
    found = []
    for match in ABBREVIATED_ROUTE.finditer(doc.text):
        before = doc.text[match.start() - 1] if match.start() else ""
        if _HAN.match(before) and before not in _BEFORE_ABBREVIATION:
            continue  # "南京沪…": the character belongs to another word
        origin = PLACE_ABBREVIATIONS[match["a"] or match["c"]]
        destination = PLACE_ABBREVIATIONS[match["b"] or match["d"]]
        if origin != destination:
            found.append(_route(origin, destination, match.span(), 80))
    return found


def find_route(doc: Document) -> list[FactCandidate]:
    """A lane between two known places: "上海→广州", "从苏州发往成都", "深圳-武汉线"."""
    places = find_places(doc)
    found = []
    for origin, destination in itertools.pairwise(places):
        if origin.name == destination.name:
            continue
        gap = doc.text[origin.end : destination.start]
        confidence = next((score for rx, score in ROUTE_CONNECTORS if rx.match(gap)), 0)
        if not confidence:
            continue
        left, right = doc.clause(origin.start, destination.end)
        if _TRAVEL.search(doc.text[left:right]):
            continue
        if _LINE_AFTER.match(doc.text[destination.end :]):
            confidence = max(confidence, 90)
        found.append(_route(origin.name, destination.name, (origin.start, destination.end), confidence))
    return found + _abbreviated_routes(doc)


# -------------------------------------------------------------------------------- decision maker

# The commonest Chinese surnames (compound ones first).
SURNAMES: tuple[str, ...] = (
    "欧阳", "司马", "上官", "诸葛", "慕容", "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周",
    "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩",
    "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程",
    "苏", "魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金", "石",
    "廖", "贾", "夏", "韦", "付", "方", "白", "邹", "孟", "熊", "秦", "邱", "江", "尹", "薛", "闫", "段",
    "雷", "侯", "龙", "史", "陶", "黎", "贺", "顾", "毛", "郝", "龚", "邵", "万", "钱", "严", "覃", "武",
    "戴", "莫", "孔", "向", "汤",
)  # fmt: skip
HONORIFICS: tuple[str, ...] = (
    "总经理", "董事长", "总监", "经理", "主管", "主任", "部长", "科长", "处长", "厂长", "老板", "总", "董",
    "工", "姐", "哥",
)  # fmt: skip
TITLES = (
    "副总经理", "总经理", "董事长", "物流总监", "供应链总监", "采购总监", "运营总监", "物流经理", "采购经理",
    "仓储经理", "仓库经理", "运营经理", "供应链经理", "物流主管", "采购主管", "仓库主管", "采购部长", "老板",
    "CEO", "总监", "经理", "主管",
)  # fmt: skip
DEPARTMENTS = (
    "采购部", "物流部", "供应链部", "运营部", "仓储部", "财务部", "行政部", "总经办", "生产部", "销售部",
    "采购中心", "物流中心",
)  # fmt: skip

_SURNAME = alternation(SURNAMES)
# "每周总…", "双方总经理…": the character before a surname must not make it part of a word.
_NAME_GUARD = r"(?<![每本上下这那一两几第双各对我他她你])"
_HONORIFIC_NAME = rf"{_NAME_GUARD}(?:{_SURNAME})(?:{alternation(HONORIFICS)})"
_FULL_NAME = rf"(?:{_SURNAME})(?:(?![的是了在和跟说会要来也都就负拍定审签管总])[\u4e00-\u9fff]){{1,2}}"
_DEPT = rf"(?P<dept>{alternation(DEPARTMENTS)})"
_TITLE = rf"(?P<title>{alternation(TITLES)})"
_ADVERB = r"(?:那边|这边|来|亲自|最终|最后|说了|会|才能|才|负责)?"
_DECIDE = r"(?P<decide>拍板|说了算|最终决定|做决定|决定|定夺|签字|审批|拍的板)"
_RESPONSIBLE = r"(?P<responsible>负责)"
_TRIGGER = (
    r"(?:最终决策人|决策人|决策者|拍板的人|拍板人|拍板的|说了算的|decision\s*maker"
    r"|(?<![A-Za-z])DM(?![A-Za-z]))"
)

DECISION_PATTERNS: tuple[tuple[re.Pattern[str], int], ...] = (
    # 采购部王总拍板, 王总负责拍板
    (re.compile(rf"{_DEPT}?的?\s*(?P<name>{_HONORIFIC_NAME})\s*{_ADVERB}{_DECIDE}"), 90),
    # 物流总监张明负责, 采购经理李强拍板
    (
        re.compile(
            rf"{_DEPT}?的?\s*{_TITLE}\s*(?P<name>{_HONORIFIC_NAME}|{_FULL_NAME})\s*{_ADVERB}"
            rf"(?:{_DECIDE}|{_RESPONSIBLE})"
        ),
        90,
    ),
    # 决策人是李经理, decision maker is 王总
    (
        re.compile(
            rf"{_TRIGGER}\s*(?:是|为|:|is)?\s*{_DEPT}?的?{_TITLE}?\s*(?P<name>{_HONORIFIC_NAME}|{_FULL_NAME})?",
            re.IGNORECASE,
        ),
        90,
    ),
    # 负责人是物流部张经理
    (
        re.compile(
            rf"负责人\s*(?:是|为|:)\s*{_DEPT}?的?{_TITLE}?\s*(?P<name>{_HONORIFIC_NAME}|{_FULL_NAME})?"
        ),
        75,
    ),
    # 王总负责
    (re.compile(rf"{_DEPT}?的?\s*(?P<name>{_HONORIFIC_NAME})\s*{_RESPONSIBLE}"), 70),
    # 老板拍板 (a title, no name)
    (
        re.compile(
            rf"{_DEPT}?的?(?P<title>老板|老总|总经理|董事长|物流总监|采购总监|供应链总监)\s*{_ADVERB}{_DECIDE}"
        ),
        70,
    ),
)


def _decision_maker(match: re.Match[str], confidence: int) -> FactCandidate | None:
    groups = match.groupdict()
    name, title, dept = groups.get("name"), groups.get("title"), groups.get("dept")
    if not (name or title):
        return None
    responsible = bool(groups.get("responsible")) or match.group(0).startswith("负责人")
    value: dict[str, str | int] = {"role": "responsible" if responsible else "decides"}
    for key, item in (("name", name), ("title", title), ("department", dept)):
        if item:
            value[key] = item
    label = "负责人" if responsible else "决策人"
    if responsible:
        confidence = min(confidence, 75)
    text = f"{label}：{dept or ''}{title or ''}{name or ''}"
    return fact("decision_maker", value, text, match.span(), confidence)


def find_decision_maker(doc: Document) -> list[FactCandidate]:
    """Who decides or is responsible on the customer's side: "采购部王总拍板"."""
    found = []
    for pattern, confidence in DECISION_PATTERNS:
        for match in pattern.finditer(doc.text):
            candidate = _decision_maker(match, confidence)
            if candidate is not None:
                found.append(candidate)
    return found


# -------------------------------------------------------------------------- vehicle & cargo type

_LENGTH = rf"(?<![\d.])(?P<len>{alternation(VEHICLE_LENGTHS)})\s*(?:米|m)(?![\d.A-Za-z])"
VEHICLE_MENTION = re.compile(
    rf"{_LENGTH}(?:\s*的?\s*(?P<veh>{alternation(VEHICLE_TYPES)}))?|(?P<veh2>{alternation(VEHICLE_TYPES)})"
)
CARGO_MENTION = re.compile(rf"(?P<cargo>{alternation(CARGO_TYPES)})")
_VEHICLE_CONTEXT = re.compile(r"用|使用|偏好|喜欢|习惯|要求|指定|一般|走|都是|需要|要|派|安排|换成|改成")
_CARGO_CONTEXT = re.compile(r"运|发|拉|装|货|送|出|做|产品")


def _trusted(doc: Document, start: int, end: int) -> bool:
    # Short words are common inside longer ones; longer dictionary words stand on their own.
    return end - start > 2 or doc.is_word(start, end)


def find_vehicle_type(doc: Document) -> list[FactCandidate]:
    """A vehicle type the customer uses or prefers, without a number of vehicles: "冷藏车"."""
    found = []
    for match in VEHICLE_MENTION.finditer(doc.text):
        word = match["veh"] or match["veh2"]
        if word and not match["len"] and not _trusted(doc, *match.span("veh2")):
            continue
        value: dict[str, str | int] = {"vehicle": VEHICLE_TYPES[word] if word else "货车"}
        if match["len"]:
            value["length"] = f"{match['len']}米"
        left, _ = doc.clause(*match.span())
        confidence = 80 if _VEHICLE_CONTEXT.search(doc.text[left : match.start()]) else 65
        text = f"车型：{value.get('length', '')}{value['vehicle']}"
        found.append(fact("vehicle_type", value, text, match.span(), confidence))
    return found


def find_cargo_type(doc: Document) -> list[FactCandidate]:
    """A kind of goods the customer ships: "冷冻食品", "危险品"."""
    found = []
    for match in CARGO_MENTION.finditer(doc.text):
        if not _trusted(doc, *match.span()):
            continue
        cargo = CARGO_TYPES[match["cargo"]]
        left, right = doc.clause(*match.span())
        confidence = 80 if _CARGO_CONTEXT.search(doc.text[left:right]) else 65
        found.append(fact("cargo_type", {"cargo": cargo}, f"货物：{cargo}", match.span(), confidence))
    return found
