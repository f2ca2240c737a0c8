"""The contract between the app and any fact extractor.

A fact extractor reads one message (call note, WeChat message, e-mail, visit note) and returns
:class:`FactCandidate` objects. The app stores them against the customer; a person confirms or
discards them. Which extractor runs is configuration: :func:`extractor_from_path` loads it from a
dotted path, so a different implementation (for instance one backed by a language model) can be
plugged in without changing the calling code.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

DEFAULT_EXTRACTOR_PATH = "baton.customers.facts.rules.RuleExtractor"


@dataclass(frozen=True)
class FactCandidate:
    """One fact about a customer's needs, found in a piece of text and not yet confirmed.

    ``kind`` names what the fact is about (``volume``, ``route``, ``payment_terms`` …); ``value``
    is its normalised, JSON-safe form (string and integer values only, so it stores and compares
    exactly); ``text`` is the fact in plain Chinese for people; ``start``/``end`` are the
    character span of the evidence in the input; ``confidence`` is an integer percentage.
    """

    kind: str
    value: dict[str, str | int]
    text: str
    start: int
    end: int
    confidence: int

    def __post_init__(self) -> None:
        # Fail loudly here rather than when a bad value reaches the database or a JSON column.
        if not self.kind:
            raise ValueError("A fact needs a kind.")
        if not 0 <= self.start <= self.end:
            raise ValueError(f"Bad evidence span {self.start}..{self.end} for a {self.kind} fact.")
        if isinstance(self.confidence, bool) or not isinstance(self.confidence, int):
            raise TypeError("Confidence is an integer percentage.")
        if not 0 <= self.confidence <= 100:
            raise ValueError(f"Confidence {self.confidence} is outside 0..100.")
        for key, item in self.value.items():
            if not isinstance(key, str) or isinstance(item, bool) or not isinstance(item, str | int):
                raise TypeError(f"Fact value {key!r}={item!r} is not a string or an integer.")

    @property
    def identity(self) -> tuple[str, tuple[tuple[str, str | int], ...]]:
        """What makes two candidates the same fact: the kind and the normalised value."""
        return self.kind, tuple(sorted(self.value.items()))


@runtime_checkable
class FactExtractor(Protocol):
    """Anything that turns one message into fact candidates."""

    name: str

    def extract(self, text: str) -> list[FactCandidate]: ...


def extractor_from_path(path: str | None) -> FactExtractor:
    """Import the extractor class at ``path`` (default: the rule extractor) and instantiate it.

    Raises ImportError, naming the path, when the module or the attribute cannot be found, and
    TypeError when the object found does not behave like a fact extractor.
    """
    dotted = path or DEFAULT_EXTRACTOR_PATH
    module_path, _, attribute = dotted.rpartition(".")
    if not module_path or not attribute:
        raise ImportError(
            f"Fact extractor path {dotted!r} is not a dotted path like 'package.module.ClassName'."
        )
    try:
        module = importlib.import_module(module_path)
    except ImportError as exc:
        raise ImportError(
            f"Cannot load fact extractor {dotted!r}: module {module_path!r} cannot be imported ({exc})."
        ) from exc
    try:
        factory = getattr(module, attribute)
    except AttributeError as exc:
        raise ImportError(
            f"Cannot load fact extractor {dotted!r}: module {module_path!r} has no {attribute!r}."
        ) from exc
    extractor = factory()
    if not isinstance(extractor, FactExtractor):
        raise TypeError(f"{dotted!r} does not provide a 'name' and an 'extract(text)' method.")
    return extractor
