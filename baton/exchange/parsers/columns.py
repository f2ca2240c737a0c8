"""Column headers of the import files (Chinese and English) and how cell values are read.

Headers are matched after folding full-width characters, case, spaces, ``_``, ``-`` and a
trailing ``*`` or ``(必填)``; unknown columns are ignored and named in the report. Coded
values accept the Chinese words people write (华南, 制造业, 大型, 是 …) as well as Baton's own
codes (south, manufacturing, large, yes …). The tables here are the reference for
docs/exchange.md.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from baton.customers.services.identity import credit_code_check_char, normalize_phone
from baton.exchange.parsers.files import RawRow, cell_text

SHANGHAI = ZoneInfo("Asia/Shanghai")
HEADER_SEARCH_ROWS = 10


class FieldError(Exception):
    """A cell that cannot be used; ``code`` picks the message, ``params`` fill it in."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(code)


# Messages by code, rendered in the reader's language when the report is shown.
ERROR_MESSAGES: dict[str, Any] = {
    "required": gettext_lazy("This field is required."),
    "choice": gettext_lazy("“%(value)s” is not one of: %(choices)s."),
    "credit_code_format": gettext_lazy("A credit code has 18 digits and capital letters."),
    "credit_code_check": gettext_lazy("The credit code's check character is wrong."),
    "phone": gettext_lazy("Enter a phone number of 7 to 15 digits."),
    "email": gettext_lazy("Enter a valid e-mail address."),
    "date": gettext_lazy("“%(value)s” is not a date such as 2026-10-12."),
    "datetime": gettext_lazy("“%(value)s” is not a time such as 2026-10-12 14:03."),
    "future": gettext_lazy("The time lies in the future."),
    "amount": gettext_lazy("Enter an amount such as 1280.50."),
    "amount_positive": gettext_lazy("The amount must be more than zero."),
    "duration": gettext_lazy("“%(value)s” is not a duration such as 125, 2:05 or 2分5秒."),
    "boolean": gettext_lazy("Write 是 or 否 (yes or no)."),
    "too_long": gettext_lazy("At most %(max)d characters."),
    "employee_unknown": gettext_lazy("No employee with 工号 %(value)s that you may see."),
    "customer_unknown": gettext_lazy("No customer of this name or credit code that you may change."),
    "customer_ambiguous": gettext_lazy("Several customers match; give the credit code as well."),
    "contact_unknown": gettext_lazy("The customer has no contact of this name or phone number."),
    "order_other_customer": gettext_lazy("This order number belongs to another customer."),
    "credit_code_conflict": gettext_lazy("A customer of this name exists with another credit code."),
    "no_sender": gettext_lazy("The message names no sender or recipient."),
    "no_time": gettext_lazy("The message has no date."),
}


def error_message(code: str, params: Mapping[str, Any] | None = None, stored: str = "") -> str:
    """The message of a report entry in the active language (``stored`` for services' own)."""
    template = ERROR_MESSAGES.get(code)
    if template is None:
        return stored
    try:
        return str(template) % dict(params or {}) if params else str(template)
    except (KeyError, TypeError, ValueError):
        return stored or str(template)


# --- Coded values ----------------------------------------------------------------------------

REGIONS = {
    "south": ("华南", "华南区", "华南地区", "south china"),
    "east": ("华东", "华东区", "华东地区", "east china"),
    "north": ("华北", "华北区", "华北地区", "north china"),
    "central": ("华中", "华中区", "华中地区", "central china"),
    "southwest": ("西南", "西南区", "西南地区"),
    "northwest": ("西北", "西北区", "西北地区"),
    "northeast": ("东北", "东北区", "东北地区"),
}
INDUSTRIES = {
    "manufacturing": ("制造", "制造业", "工业"),
    "trade": ("商贸", "贸易", "批发", "商贸批发", "贸易批发", "trade and wholesale"),
    "ecommerce": ("电商", "电子商务", "e-commerce"),
    "food": ("食品", "冷链", "食品冷链", "食品与冷链", "food and cold chain"),
    "pharma": ("医药", "制药", "pharmaceuticals"),
    "chemicals": ("化工",),
    "automotive": ("汽车", "汽配", "汽车配件"),
    "building": ("建材", "建筑材料", "building materials"),
    "electronics": ("电子", "电子电器"),
    "other": ("其他", "其它"),
}
TIERS = {
    "large": ("大", "大型", "l"),
    "medium": ("中", "中型", "m"),
    "small": ("小", "小型", "s"),
}
CUSTOMER_STATUSES = {
    "prospect": ("潜在", "潜在客户", "意向", "意向客户"),
    "active": ("合作中", "活跃", "在合作", "成交", "active customer"),
    "dormant": ("休眠", "沉睡"),
    "lost": ("流失", "已流失"),
}
CHANNELS = {
    "call": ("电话", "通话", "来电", "去电"),
    "wechat": ("微信", "weixin"),
    "email": ("邮件", "电子邮件", "e-mail", "mail"),
    "visit": ("拜访", "上门", "上门拜访"),
    "meeting": ("会议", "会面", "开会"),
    "note": ("备注", "记录", "笔记"),
}
DIRECTIONS = {
    "in": ("呼入", "来电", "打入", "收到", "接听", "未接", "inbound", "incoming", "received"),
    "out": ("呼出", "去电", "拨出", "打出", "发出", "outbound", "outgoing", "sent"),
}
ORDER_STATUSES = {
    "open": ("待运", "待发运", "新建", "未发运", "待发货"),
    "in_transit": ("运输中", "在途", "已发运", "in transit"),
    "delivered": ("已送达", "已签收", "送达", "签收"),
    "closed": ("已完结", "完结", "已结算", "已关闭"),
    "cancelled": ("已取消", "取消", "canceled"),
}
BOOLEANS = {
    True: ("是", "有", "y", "yes", "true", "1", "√", "✓", "重点"),
    False: ("否", "无", "n", "no", "false", "0", "×", "x", ""),
}

# How Baton writes its own codes back out (exports): the first Chinese word of each table.
CHINESE = {
    name: {code: words[0] for code, words in table.items()}
    for name, table in (
        ("region", REGIONS),
        ("industry", INDUSTRIES),
        ("tier", {k: v[1:] for k, v in TIERS.items()}),
        ("status", CUSTOMER_STATUSES),
    )
}


def _fold(value: str) -> str:
    text = unicodedata.normalize("NFKC", value).strip().lower()
    return re.sub(r"[\s_\-]+", " ", text)


def _lookup(table: Mapping[Any, tuple[str, ...]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for code, words in table.items():
        if isinstance(code, str):
            found[_fold(code)] = code
            found[_fold(code.replace("_", " "))] = code
        for word in words:
            found[_fold(word)] = code
    return found


_LOOKUPS = {
    id(t): _lookup(t)
    for t in (REGIONS, INDUSTRIES, TIERS, CUSTOMER_STATUSES, CHANNELS, DIRECTIONS, ORDER_STATUSES, BOOLEANS)
}


def coded(value: Any, table: Mapping[Any, tuple[str, ...]], *, required: bool = True) -> Any:
    """A code from ``table`` for a cell written as a code or one of its words."""
    text = cell_text(value)
    if not text:
        if required:
            raise FieldError("required")
        return ""
    key = _fold(text)
    # Accept Baton's display labels too, such as "South China (华南)".
    inner = re.search(r"[(（]([^)）]+)[)）]", key)
    lookup = _LOOKUPS[id(table)]
    for candidate in (key, inner.group(1).strip() if inner else None, re.sub(r"[(（].*$", "", key).strip()):
        if candidate is not None and candidate in lookup:
            return lookup[candidate]
    choices = "、".join(words[0] for words in table.values() if words)
    raise FieldError("choice", value=text[:50], choices=choices)


def coded_region(value: Any) -> str:
    return str(coded(value, REGIONS))


def coded_industry(value: Any) -> str:
    return str(coded(value, INDUSTRIES))


def coded_tier(value: Any) -> str:
    return str(coded(value, TIERS))


def coded_customer_status(value: Any) -> str:
    return str(coded(value, CUSTOMER_STATUSES, required=False))


def coded_channel(value: Any) -> str:
    return str(coded(value, CHANNELS))


def coded_direction(value: Any) -> str:
    return str(coded(value, DIRECTIONS, required=False))


def coded_order_status(value: Any) -> str:
    return str(coded(value, ORDER_STATUSES, required=False))


def tags(value: Any) -> list[str]:
    """Tags separated by commas, semicolons or 、 (each at most 30 characters)."""
    words = [w.strip() for w in re.split(r"[,，;；、|]", cell_text(value)) if w.strip()]
    if any(len(w) > 30 for w in words):
        raise FieldError("too_long", max=30)
    return list(dict.fromkeys(words))


def boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _fold(cell_text(value))
    lookup = _LOOKUPS[id(BOOLEANS)]
    if text in lookup:
        return bool(lookup[text])
    raise FieldError("boolean")


def text(value: Any, *, max_length: int, required: bool = False) -> str:
    result = cell_text(value)
    if required and not result:
        raise FieldError("required")
    if len(result) > max_length:
        raise FieldError("too_long", max=max_length)
    return result


def credit_code(value: Any) -> str:
    code = cell_text(value).upper().replace(" ", "")
    if not code:
        return ""
    if len(code) != 18 or not re.fullmatch(r"[0-9A-HJ-NPQRTUWXY]{18}", code):
        raise FieldError("credit_code_format")
    if credit_code_check_char(code[:17]) != code[17]:
        raise FieldError("credit_code_check")
    return code


def phone(value: Any, *, required: bool = False) -> str:
    raw = cell_text(value)
    if not raw:
        if required:
            raise FieldError("required")
        return ""
    digits = normalize_phone(raw)
    if not 7 <= len(digits) <= 15:
        raise FieldError("phone")
    return digits


def email(value: Any) -> str:
    address = cell_text(value).lower()
    if not address:
        return ""
    try:
        validate_email(address)
    except ValidationError as exc:
        raise FieldError("email") from exc
    return address


_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
_TIME_FORMATS = ("%H:%M:%S", "%H:%M")


def date(value: Any, *, required: bool = True) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = cell_text(value)
    if not raw:
        if required:
            raise FieldError("required")
        return None
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise FieldError("date", value=raw[:40])


def moment(value: Any, *, required: bool = True) -> dt.datetime | None:
    """A time; without an offset it is read as Asia/Shanghai. Stored in UTC."""
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, dt.date):
        parsed = dt.datetime.combine(value, dt.time())
    else:
        raw = re.sub(r"\s+", " ", cell_text(value))
        if not raw:
            if required:
                raise FieldError("required")
            return None
        parsed_or_none = _parse_moment(raw)
        if parsed_or_none is None:
            raise FieldError("datetime", value=raw[:40])
        parsed = parsed_or_none
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=SHANGHAI)
    return parsed.astimezone(dt.UTC)


def _parse_moment(raw: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(raw)
    except ValueError:
        pass
    for date_format in _DATE_FORMATS:
        for time_format in _TIME_FORMATS:
            try:
                return dt.datetime.strptime(raw, f"{date_format} {time_format}")
            except ValueError:
                continue
    return None


def amount(value: Any) -> Decimal:
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        raw = str(value)
    else:
        raw = re.sub(r"[,，\s¥￥元]|^CNY|^RMB", "", cell_text(value), flags=re.IGNORECASE)
    if not raw:
        raise FieldError("required")
    try:
        result = Decimal(raw).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError) as exc:
        raise FieldError("amount") from exc
    if result <= 0:
        raise FieldError("amount_positive")
    return result


def duration(value: Any) -> int | None:
    """Seconds, from 125, 125秒, 2:05, 0:02:05, 2分5秒 or 2分钟."""
    if isinstance(value, dt.time):
        return value.hour * 3600 + value.minute * 60 + value.second
    if isinstance(value, dt.timedelta):
        return int(value.total_seconds())
    raw = cell_text(value).replace(" ", "")
    if not raw:
        return None
    if re.fullmatch(r"\d+(\.0+)?(秒|s)?", raw):
        return int(float(re.sub(r"[^\d.]", "", raw)))
    if re.fullmatch(r"\d{1,2}(:\d{1,2}){1,2}", raw):
        seconds = 0
        for part in raw.split(":"):
            seconds = seconds * 60 + int(part)
        return seconds
    match = re.fullmatch(r"(?:(\d+)(?:小时|时|h))?(?:(\d+)(?:分钟|分|m))?(?:(\d+)(?:秒|s))?", raw)
    if match and any(match.groups()):
        hours, minutes, seconds = (int(g or 0) for g in match.groups())
        return hours * 3600 + minutes * 60 + seconds
    raise FieldError("duration", value=raw[:40])


# --- Headers --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of an import file: Baton's key, the headers that name it, whether required."""

    key: str
    headers: tuple[str, ...]
    required: bool = False
    label: Any = ""


def _c(key: str, headers: tuple[str, ...], required: bool = False) -> Column:
    return Column(key=key, headers=(*headers, key), required=required, label=headers[0])


_CUSTOMER_REF = (
    _c("customer", ("客户名称", "客户", "公司名称", "customer", "customer name")),
    _c("credit_code", ("统一社会信用代码", "信用代码", "社会信用代码", "credit code")),
)

COLUMNS: dict[str, tuple[Column, ...]] = {
    "customers": (
        _c("name", ("客户名称", "客户", "公司名称", "名称", "name", "customer name", "customer"), True),
        _c("credit_code", ("统一社会信用代码", "信用代码", "社会信用代码", "credit code")),
        _c("region", ("区域", "地区", "大区", "region"), True),
        _c("industry", ("行业", "所属行业", "industry"), True),
        _c("tier", ("规模", "客户规模", "tier", "scale", "scale tier"), True),
        _c("is_key_account", ("重点客户", "是否重点客户", "key account")),
        _c("address", ("地址", "公司地址", "address")),
        _c("status", ("状态", "客户状态", "status")),
        _c("tags", ("标签", "tags")),
        _c("source", ("来源", "客户来源", "source")),
        _c("owner", ("客户经理工号", "客户经理", "负责人工号", "owner")),
        _c("contact_name", ("联系人", "联系人姓名", "contact", "contact name")),
        _c("contact_title", ("职务", "联系人职务", "title", "contact title")),
        _c("contact_phone", ("联系电话", "电话", "手机", "手机号", "phone", "contact phone")),
        _c("contact_wechat", ("微信", "微信号", "wechat", "wechat id", "contact wechat")),
        _c("contact_email", ("邮箱", "电子邮件", "email", "e-mail", "contact email")),
    ),
    "contacts": (
        *_CUSTOMER_REF,
        _c("name", ("姓名", "联系人", "联系人姓名", "name", "contact name"), True),
        _c("title", ("职务", "title")),
        _c("phone", ("电话", "联系电话", "手机", "手机号", "phone")),
        _c("wechat_id", ("微信", "微信号", "wechat", "wechat id")),
        _c("email", ("邮箱", "电子邮件", "email", "e-mail")),
        _c("is_primary", ("主联系人", "是否主联系人", "primary", "main contact")),
    ),
    "interactions": (
        *_CUSTOMER_REF,
        _c("contact", ("联系人", "联系人姓名", "contact")),
        _c("contact_phone", ("联系电话", "电话", "手机", "contact phone", "phone")),
        _c("channel", ("渠道", "方式", "沟通方式", "channel"), True),
        _c("occurred_at", ("时间", "日期时间", "沟通时间", "occurred at", "time"), True),
        _c("content", ("内容", "沟通内容", "纪要", "content")),
        _c("direction", ("方向", "呼叫方向", "direction")),
        _c("duration", ("时长", "通话时长", "时长(秒)", "duration", "duration seconds")),
        _c("employee", ("员工工号", "工号", "跟进人工号", "employee", "employee no")),
        _c("next_step", ("下一步", "下一步计划", "next step")),
    ),
    "orders": (
        _c("number", ("订单号", "订单编号", "运单号", "number", "order number"), True),
        *_CUSTOMER_REF,
        _c("order_date", ("下单日期", "订单日期", "日期", "order date", "date"), True),
        _c("route_from", ("起运地", "始发地", "发货地", "from", "route from"), True),
        _c("route_to", ("目的地", "收货地", "to", "route to"), True),
        _c("amount", ("金额", "订单金额", "运费", "amount"), True),
        _c("cargo", ("货物", "货物名称", "cargo")),
        _c("vehicle_type", ("车型", "vehicle type")),
        _c("status", ("状态", "订单状态", "status")),
        _c("taken_by", ("接单人工号", "接单人", "taken by")),
    ),
    "call_log": (
        _c("occurred_at", ("时间", "通话时间", "开始时间", "time", "start time"), True),
        _c("number", ("号码", "对方号码", "电话号码", "客户电话", "number", "phone"), True),
        _c("duration", ("时长", "通话时长", "时长(秒)", "duration")),
        _c("direction", ("方向", "呼叫类型", "类型", "direction")),
        _c("employee", ("工号", "员工工号", "坐席工号", "employee", "employee no")),
    ),
}
REQUIRED_CUSTOMER_REF = ("customer", "credit_code")  # one of the two is needed (contacts, …)


def fold_header(value: Any) -> str:
    text_value = unicodedata.normalize("NFKC", cell_text(value)).strip().lower()
    text_value = re.sub(r"[(（](必填|required|选填|optional)[)）]$", "", text_value)
    return re.sub(r"[\s_\-*:：]+", "", text_value)


@dataclass
class Header:
    """The header row found in a table: which cell holds which column."""

    row: int
    positions: dict[str, int] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)  # key -> the header as written
    ignored: list[str] = field(default_factory=list)


class HeaderError(Exception):
    def __init__(self, missing: list[str]) -> None:
        self.missing = missing
        super().__init__(", ".join(missing))


def header_find(rows: list[RawRow], kind: str) -> Header:
    """The first of the top rows that names the columns (rows above it, such as a watermark,
    are skipped). Raises ``HeaderError`` naming the required columns that are missing."""
    columns = COLUMNS[kind]
    aliases = {fold_header(h): col.key for col in columns for h in col.headers}
    best: Header | None = None
    for row in rows[:HEADER_SEARCH_ROWS]:
        header = Header(row=row.number)
        for index, cell in enumerate(row.cells):
            key = aliases.get(fold_header(cell))
            if key is not None and key not in header.positions:
                header.positions[key] = index
                header.labels[key] = cell_text(cell)
            elif cell_text(cell):
                header.ignored.append(cell_text(cell))
        if best is None or len(header.positions) > len(best.positions):
            best = header
        if len(header.positions) >= 2:
            break
    missing = [str(c.label) for c in columns if c.required and (best is None or c.key not in best.positions)]
    needs_ref = any(c.key in REQUIRED_CUSTOMER_REF for c in columns) and kind != "customers"
    if needs_ref and (best is None or not set(REQUIRED_CUSTOMER_REF) & set(best.positions)):
        missing.append("客户名称 / 统一社会信用代码")
    if best is None or missing or len(best.positions) < 2:
        raise HeaderError(missing or [str(c.label) for c in columns if c.required])
    return best


def record_of(row: RawRow, header: Header) -> dict[str, Any]:
    """The row's cells by column key (absent columns are missing from the dict)."""
    return {
        key: row.cells[index] if index < len(row.cells) else None for key, index in header.positions.items()
    }


def column_label(header: Header, key: str) -> str:
    return header.labels.get(key) or key


def translated_columns(kind: str) -> list[tuple[str, str, bool]]:
    """(key, headers, required) of a kind, for the upload page's help."""
    return [(c.key, " / ".join(c.headers[:-1]), c.required) for c in COLUMNS.get(kind, ())]


def required_message(missing: list[str]) -> str:
    return _("The file lacks the required columns: %(columns)s.") % {"columns": "、".join(missing)}
