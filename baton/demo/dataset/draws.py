"""Fast random draws for the hot loops (``random.Random``'s own helpers cost a microsecond each).

``rnd`` is a bound ``random.Random.random``; the draws are deterministic for a given stream.
"""

from __future__ import annotations

from bisect import bisect
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
Rnd = Callable[[], float]


def pick(rnd: Rnd, items: Sequence[T]) -> T:
    """One of ``items``, each as likely."""
    return items[int(rnd() * len(items))]


def between(rnd: Rnd, low: int, high: int) -> int:
    """An integer in [low, high]."""
    return low + int(rnd() * (high - low + 1))


def weighted(rnd: Rnd, items: Sequence[T], cumulative: Sequence[float]) -> T:
    """One of ``items`` with the given cumulative weights."""
    return items[min(bisect(cumulative, rnd() * cumulative[-1]), len(items) - 1)]


def cumulative(weights: Sequence[float]) -> list[float]:
    out, total = [], 0.0
    for w in weights:
        total += w
        out.append(total)
    return out
