"""Text helpers shared by the rules: width normalisation, numbers, clock times, the document.

Normalisation never changes the length of the text, so every offset found in the normalised
text is also an offset in what the salesperson wrote.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from baton.customers.facts.base import FactCandidate

# Full-width ASCII (Ｕ+FF01..FF5E) to ASCII and the ideographic space to a space: one character for
# one character, so offsets survive. Chinese punctuation outside that block (。、) is kept.
_WIDTH_TABLE = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}

# A clause ends at these; most patterns never reach across them.
CLAUSE_BREAKS = ",;!?。；，！？\n"
NON_BREAK = r"[^,;!?。；，！？\n]"

CN_DIGIT_CHARS = "零〇一二两三四五六七八九"
_CN_DIGITS = {ch: value for value, ch in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_SECTIONS = {"万": 10_000, "亿": 100_000_000}
_MULTIPLIERS = {"万": 10_000, "千": 1000, "百": 100, "k": 1000, "K": 1000}

# A number as written in a message: "10", "1.5万", "2k", "两千", "三百五", "十二".
NUMBER = r"(?:\d+(?:\.\d+)?(?:\s*[万千kK](?![A-Za-z]))?|[零〇一二两三四五六七八九十百千万]+)"

_CLOCK = re.compile(
    r"(?P<h>\d{1,2}|[一二两三四五六七八九十]{1,3})\s*(?:[:：](?P<m>\d{2})|点(?:(?P<half>半)|(?P<m2>\d{1,2})分?)?)"
)
# A clock time as it appears inside a larger pattern ("8点", "8:30", "八点半", "17点30").
CLOCK = r"(?:\d{1,2}|[一二两三四五六七八九十]{1,3})\s*(?::\d{2}|点(?:半|\d{1,2}分?)?)"


def normalise(text: str) -> str:
    """Full-width letters, digits and punctuation as ASCII; same length as the input."""
    return text.translate(_WIDTH_TABLE)


def _parse_chinese(numeral: str) -> int | None:
    total = section = digit = 0
    for ch in numeral:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            section += (digit or 1) * _CN_UNITS[ch]
            digit = 0
        elif ch in _CN_SECTIONS:
            total += (section + digit) * _CN_SECTIONS[ch]
            section = digit = 0
        else:
            return None
    previous = numeral[-2] if len(numeral) > 1 else ""
    if digit and previous and previous in "百千万亿":
        # Spoken shorthand: "三百五" is 350 and "两万五" is 25000, not 305 and 20005.
        digit *= (_CN_UNITS | _CN_SECTIONS)[previous] // 10
    value = total + section + digit
    if value == 0 and not any(ch in "零〇" for ch in numeral):
        return None  # "万" on its own is not a number
    return value


def parse_number(written: str) -> Decimal | None:
    """The value of a number written in digits, Chinese numerals or a mix ("1.5万" -> 15000)."""
    written = written.replace(" ", "")
    if not written:
        return None
    if written[0].isdigit():
        multiplier = 1
        if written[-1] in _MULTIPLIERS:
            multiplier = _MULTIPLIERS[written[-1]]
            written = written[:-1]
        return Decimal(written) * multiplier
    value = _parse_chinese(written)
    return None if value is None else Decimal(value)


def to_int(value: Decimal) -> int:
    """A whole number for a fact value: amounts are stored as integers, rounded half up."""
    return int(value.to_integral_value(rounding=ROUND_HALF_UP))


def parse_clock(written: str, *, afternoon: bool = False) -> str | None:
    """A clock time as "HH:MM"; ``afternoon`` moves 1..11 o'clock past noon ("下午5点")."""
    found = _CLOCK.search(written)
    if not found:
        return None
    hour_value = parse_number(found["h"])
    if hour_value is None:
        return None
    hour = to_int(hour_value)
    minute = 30 if found["half"] else int(found["m"] or found["m2"] or 0)
    if afternoon and 1 <= hour < 12:
        hour += 12
    if not (0 <= hour <= 24 and 0 <= minute < 60):
        return None
    return f"{hour:02d}:{minute:02d}"


def format_amount(amount: int) -> str:
    """An amount the way people write it: 100000 -> "10万", 15000 -> "1.5万", 300 -> "300"."""
    if amount >= 10_000 and amount % 1000 == 0:
        return f"{(Decimal(amount) / 10_000).normalize():f}万"
    return str(amount)


@dataclass(frozen=True)
class Document:
    """One message prepared for the rules: normalised text and jieba's word boundaries."""

    text: str
    boundaries: frozenset[int]
    tokens: tuple[tuple[str, int, int], ...]

    @classmethod
    def build(cls, raw: str, tokenize: Callable[[str], Iterable[tuple[str, int, int]]]) -> Document:
        text = normalise(raw)
        tokens = tuple(tokenize(text))
        boundaries = frozenset({0, len(text)} | {s for _, s, _ in tokens} | {e for _, _, e in tokens})
        return cls(text=text, boundaries=boundaries, tokens=tokens)

    def token_at(self, start: int) -> str:
        """The jieba word that begins at ``start`` ("" when none does)."""
        for word, begin, _ in self.tokens:
            if begin == start:
                return word
        return ""

    def is_word(self, start: int, end: int) -> bool:
        """True when jieba cut the text at both ends of the span."""
        return start in self.boundaries and end in self.boundaries

    def clause(self, start: int, end: int) -> tuple[int, int]:
        """The clause (between punctuation) around a span."""
        left = max((self.text.rfind(ch, 0, start) for ch in CLAUSE_BREAKS), default=-1) + 1
        rights = [pos for ch in CLAUSE_BREAKS if (pos := self.text.find(ch, end)) != -1]
        return left, min(rights, default=len(self.text))


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of ``words``, longest first, so "冷冻食品" wins over "食品"."""
    return "|".join(re.escape(word) for word in sorted(set(words), key=lambda w: (-len(w), w)))


def fact(
    kind: str, value: dict[str, str | int], text: str, span: tuple[int, int], confidence: int
) -> FactCandidate:
    """A candidate whose evidence is ``span`` of the document."""
    start, end = span
    return FactCandidate(kind=kind, value=value, text=text, start=start, end=end, confidence=confidence)
