"""What every benchmark scenario shares: the result row, timing helpers and the dataset's facts.

A scenario is a module in ``bench/scenarios`` with ``run(ctx: BenchContext) -> list[Result]``.
It measures Baton (``ours``) and, in the same run on the same data, the best hand-written SQL
that gives the same answer (``baseline``), and checks that both answers are equal before it
reports a time. Scenarios that write (B2, B5) roll their writes back or use scratch tables, so
scenarios can run in any order and again.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Result:
    """One line of the results table."""

    scenario: str  # "B1"
    case: str  # what was measured, e.g. "team lead, p95"
    unit: str  # "ms", "s", "events/s", "req/s"
    ours: float
    baseline: float | None
    target: str  # human-readable target, e.g. "≤ 50 ms and ≤ 1.5×"
    met: bool
    lower_is_better: bool = True
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        """How many times the baseline's cost ours is (1.0 = as fast as the hand-written SQL)."""
        if self.baseline in (None, 0) or self.ours == 0:
            return None
        assert self.baseline is not None
        return self.ours / self.baseline if self.lower_is_better else self.baseline / self.ours

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["ratio"] = None if self.ratio is None else round(self.ratio, 3)
        return data


@dataclass
class BenchContext:
    """The run's settings and what it learned about the dataset."""

    scale: dict[str, int]
    now: dt.datetime
    quick: bool = False
    facts: dict[str, Any] = field(default_factory=dict)


def seconds(func: Callable[[], Any]) -> tuple[float, Any]:
    """Wall time of one call, and its result."""
    start = time.perf_counter()
    value = func()
    return time.perf_counter() - start, value


def best_of(runs: int, func: Callable[[], Any]) -> tuple[float, Any]:
    """The fastest of ``runs`` calls (the usual way to time a whole batch job)."""
    best, value = math.inf, None
    for _ in range(runs):
        took, value = seconds(func)
        best = min(best, took)
    return best, value


def percentile(samples: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def latency_summary(samples: list[float]) -> dict[str, float]:
    """p50 / p95 / mean in milliseconds from samples in seconds."""
    return {
        "p50_ms": percentile(samples, 50) * 1000,
        "p95_ms": percentile(samples, 95) * 1000,
        "mean_ms": statistics.fmean(samples) * 1000,
        "n": float(len(samples)),
    }


def check_equal(name: str, ours: Any, baseline: Any) -> None:
    """A benchmark whose two sides disagree measures nothing: stop loudly."""
    if ours != baseline:
        raise AssertionError(
            f"{name}: Baton and the SQL baseline disagree:\n ours={ours!r}\n sql={baseline!r}"
        )
