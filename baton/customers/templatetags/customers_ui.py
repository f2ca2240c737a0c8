"""Template filters of the customer pages."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import template

register = template.Library()


@register.filter
def money(value: Any) -> str:
    """An amount in CNY with two decimals and thousands separators: 1234567.5 -> "1,234,567.50".

    The same in every language: the Chinese locale's own number format groups by ten thousand and
    without separators, which would make amounts on one page read differently from the reports.
    """
    if value is None or value == "":
        return "—"
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return str(value)
    return f"{amount:,.2f}"
