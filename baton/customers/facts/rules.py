"""The offline rule extractor: jieba segmentation, dictionaries and regular expressions.

No network and no model: the rules in ``quantity_rules``, ``entity_rules`` and
``preference_rules`` each find one kind of fact; :class:`RuleExtractor` runs them all, drops
weaker readings of the same evidence, merges duplicates and returns the facts in text order.

Confidence scale (an integer percentage, so it stores exactly):

* 90 — a tight pattern: an explicit keyword right next to the value ("月结30天",
  "年运输量10万吨", "上海→广州", "采购部王总拍板", "提前两天下单").
* 80–85 — a tight pattern with slightly indirect wording: "上海到广州", short-form lanes
  ("沪粤线"), "T+1", a period written after the amount ("10万吨/年"), a dictionary term
  with a usage word in its clause ("一般用冷藏车"), a wish stated without a number.
* 70–75 — a looser pattern: words between the keyword and the value ("每月给我们发大概300吨"),
  someone "负责" rather than deciding, a title without a name ("老板拍板"), days followed by
  "付款" without a named scheme.
* 60–65 — a dictionary word with no supporting context ("冷藏车" on its own).

An amount that had to be rounded to a whole number loses 10 points.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

import jieba

from baton.customers.facts.base import FactCandidate
from baton.customers.facts.entity_rules import (
    find_cargo_type,
    find_decision_maker,
    find_route,
    find_vehicle_type,
)
from baton.customers.facts.lexicon import lexicon_words
from baton.customers.facts.preference_rules import (
    find_reporting,
    find_service_expectation,
    find_time_window,
)
from baton.customers.facts.quantity_rules import (
    find_lead_time,
    find_payment_terms,
    find_vehicle_request,
    find_volume,
)
from baton.customers.facts.text import Document

Rule = Callable[[Document], list[FactCandidate]]

RULES: tuple[Rule, ...] = (
    find_volume,
    find_vehicle_request,
    find_vehicle_type,
    find_cargo_type,
    find_time_window,
    find_lead_time,
    find_route,
    find_service_expectation,
    find_reporting,
    find_decision_maker,
    find_payment_terms,
)

# A bare mention gives way to a richer fact that covers the same words: the vehicle in
# "增加2辆冷藏车" is a vehicle request, and "危险品" inside "危险品车" is a vehicle, not cargo.
SHADOWED_BY: dict[str, tuple[str, ...]] = {
    "vehicle_type": ("vehicle_request",),
    "cargo_type": ("vehicle_request", "vehicle_type"),
}

_tokenizer: Any = None
_tokenizer_lock = threading.Lock()


def segmenter() -> Any:
    """The jieba tokenizer with the logistics dictionary, built once on first use.

    A private ``jieba.Tokenizer`` rather than the global one, so the trade words added here do
    not change how other parts of the app (search, for instance) segment text.
    """
    global _tokenizer
    if _tokenizer is None:
        with _tokenizer_lock:
            if _tokenizer is None:
                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                for word in lexicon_words():
                    tokenizer.add_word(word)
                _tokenizer = tokenizer
    return _tokenizer


def _tokenize(text: str) -> Iterable[tuple[str, int, int]]:
    # Without the HMM, unknown strings split into single characters instead of being glued into
    # guessed words, which keeps the word boundaries the place and cargo rules rely on.
    return segmenter().tokenize(text, HMM=False)


def _trimmed(doc: Document, candidate: FactCandidate) -> FactCandidate:
    # Patterns allow spaces around their parts; the evidence span does not keep them.
    start, end = candidate.start, candidate.end
    while start < end and doc.text[start].isspace():
        start += 1
    while end > start and doc.text[end - 1].isspace():
        end -= 1
    return (
        candidate
        if (start, end) == (candidate.start, candidate.end)
        else replace(candidate, start=start, end=end)
    )


def _overlaps(a: FactCandidate, b: FactCandidate) -> bool:
    return a.start < b.end and b.start < a.end


def _without_shadowed(found: list[FactCandidate]) -> list[FactCandidate]:
    kept = []
    for candidate in found:
        richer = [c for c in found if c.kind in SHADOWED_BY.get(candidate.kind, ())]
        if candidate.kind == "vehicle_type":
            named = {(c.value["vehicle"], c.value.get("length")) for c in richer}
            if (candidate.value["vehicle"], candidate.value.get("length")) in named:
                continue
        if any(_overlaps(candidate, other) for other in richer):
            continue
        kept.append(candidate)
    return kept


def _without_weaker_readings(found: list[FactCandidate]) -> list[FactCandidate]:
    # Two readings of the same words as one kind: keep the more confident one ("月结30天付款" is
    # monthly terms, not also "30 days, then pay").
    return [
        candidate
        for candidate in found
        if not any(
            other.kind == candidate.kind
            and other.confidence > candidate.confidence
            and _overlaps(candidate, other)
            for other in found
        )
    ]


def _merged(found: list[FactCandidate]) -> list[FactCandidate]:
    best: dict[tuple[str, tuple[tuple[str, str | int], ...]], FactCandidate] = {}
    for candidate in sorted(found, key=lambda c: (-c.confidence, c.start, c.end)):
        best.setdefault(candidate.identity, candidate)
    return sorted(best.values(), key=lambda c: (c.start, c.end, c.kind, repr(c.identity)))


class RuleExtractor:
    """Finds customer facts with dictionaries and regular expressions; deterministic and offline."""

    name = "rules-v1"

    def extract(self, text: str) -> list[FactCandidate]:
        """All facts found in ``text``, sorted by where their evidence starts."""
        if not text or not text.strip():
            return []
        doc = Document.build(text, _tokenize)
        found = [_trimmed(doc, candidate) for rule in RULES for candidate in rule(doc)]
        return _merged(_without_weaker_readings(_without_shadowed(found)))
