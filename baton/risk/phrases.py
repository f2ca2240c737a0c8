"""The sensitive-word dictionary's defaults and the matcher R10 runs over what people write.

Matching is Aho–Corasick (``pyahocorasick``): one automaton per company holds every active
phrase, so a text is scanned once whatever the size of the dictionary. The automaton is built
on first use and kept per process, keyed by the company's dictionary version
(``PhraseDictionary.version`` and ``changed_at``, set by every change in
``baton.risk.services_phrases``): a lookup costs one query for the version, and a changed
dictionary is rebuilt at the next match.

A company that never had its dictionary installed matches the defaults below (version 0), so
matching behaves the same before and after ``phrases_install_defaults`` runs.

Competitors are listed by their full trading names (顺丰速运, not 顺丰): a bare brand is part of
many unrelated company names (a customer 佛山顺丰五金制品有限公司 is not a competitor) and would
raise an alert on every mention of such a customer. A company that wants the short form adds
it to its dictionary.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import ahocorasick

from baton.risk.models import PhraseCategory, PhraseDictionary, SensitivePhrase

# (phrase, category) installed for every company; editable afterwards.
DEFAULT_PHRASES: tuple[tuple[str, str], ...] = (
    ("加我私人微信", PhraseCategory.PRIVATE_CHANNEL),
    ("私人微信", PhraseCategory.PRIVATE_CHANNEL),
    ("私下联系", PhraseCategory.PRIVATE_CHANNEL),
    ("以后直接找我", PhraseCategory.PRIVATE_CHANNEL),
    ("打到我个人账户", PhraseCategory.PRIVATE_PAYMENT),
    ("我准备离职", PhraseCategory.DEPARTURE),
    ("顺丰速运", PhraseCategory.COMPETITOR),
    ("德邦快递", PhraseCategory.COMPETITOR),
    ("德邦物流", PhraseCategory.COMPETITOR),
    ("中通快递", PhraseCategory.COMPETITOR),
    ("中通快运", PhraseCategory.COMPETITOR),
    ("安能物流", PhraseCategory.COMPETITOR),
)

SNIPPET_RADIUS = 30
MARK_OPEN, MARK_CLOSE = "【", "】"


@dataclass(frozen=True)
class Match:
    """One phrase found in a text: where (``start`` inclusive, ``end`` exclusive) and what."""

    phrase: str
    category: str
    start: int
    end: int

    def snippet(self, text: str, radius: int = SNIPPET_RADIUS) -> str:
        """The match in its context (``radius`` characters either side), marked 【like this】."""
        left = max(0, self.start - radius)
        right = min(len(text), self.end + radius)
        return "".join(
            (
                "…" if left > 0 else "",
                text[left : self.start],
                MARK_OPEN,
                text[self.start : self.end],
                MARK_CLOSE,
                text[self.end : right],
                "…" if right < len(text) else "",
            )
        )


def normalise(text: str) -> str:
    """Lower-cases Latin letters (so "WeChat" matches "wechat") without moving any character:
    offsets in the normalised text are offsets in the original."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


class Matcher:
    """An automaton over a set of phrases."""

    def __init__(self, phrases: list[tuple[str, str]]) -> None:
        self.size = 0
        self._automaton: Any = ahocorasick.Automaton()
        for phrase, category in phrases:
            key = normalise(phrase.strip())
            if key and key not in self._automaton:
                self._automaton.add_word(key, (phrase.strip(), category, len(key)))
                self.size += 1
        if self.size:
            self._automaton.make_automaton()

    def find(self, text: str) -> list[Match]:
        """The phrases in ``text``, leftmost first; of overlapping ones the longest wins
        (加我私人微信 rather than 私人微信 inside it)."""
        if not self.size or not text:
            return []
        found = sorted(
            (
                Match(phrase=phrase, category=category, start=end - length + 1, end=end + 1)
                for end, (phrase, category, length) in self._automaton.iter(normalise(text))
            ),
            key=lambda m: (m.start, -(m.end - m.start)),
        )
        chosen: list[Match] = []
        for match in found:
            if not chosen or match.start >= chosen[-1].end:
                chosen.append(match)
        return chosen


_cache: dict[int, tuple[Any, Matcher]] = {}
_lock = threading.Lock()


def dictionary_version(*, company_id: int) -> tuple[int, Any]:
    """The company's dictionary version and when it last changed; (0, None) when its defaults
    were never installed."""
    row = PhraseDictionary.objects.filter(company_id=company_id).values_list("version", "changed_at").first()
    return (row[0], row[1]) if row else (0, None)


def matcher_for(*, company_id: int) -> Matcher:
    """The company's matcher over its active phrases, rebuilt when the dictionary changed."""
    version = dictionary_version(company_id=company_id)
    cached = _cache.get(company_id)
    if cached is not None and cached[0] == version:
        return cached[1]
    if version[0] == 0:
        phrases = [(p, str(c)) for p, c in DEFAULT_PHRASES]
    else:
        # Read after the version: a change in between is cached under the older version and
        # rebuilt at the next match, never the other way round.
        phrases = list(
            SensitivePhrase.objects.filter(company_id=company_id, active=True).values_list(
                "phrase", "category"
            )
        )
    matcher = Matcher(phrases)
    with _lock:
        _cache[company_id] = (version, matcher)
    return matcher


def matcher_cache_clear() -> None:
    """Forget every built automaton (tests; a process that wants a clean start)."""
    with _lock:
        _cache.clear()
