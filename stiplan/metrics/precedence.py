"""Which of an (indicator, unit, period)'s values is shown and used: the one precedence table
(docs/indicators.md explains it). The other values stay stored and visible with their provenance."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from stiplan.metrics.models import Source

T = TypeVar("T")

# Highest first. Final values before provisional ones; among them the statistics office, then
# the Department, then an accepted unit report, then a computation. A report still under review
# comes last and is never used where only final values count.
RANKING: tuple[tuple[str, bool], ...] = (
    (Source.STATISTICS, True),
    (Source.DEPARTMENT, True),
    (Source.REPORTED, True),
    (Source.COMPUTED, True),
    (Source.STATISTICS, False),
    (Source.DEPARTMENT, False),
    (Source.COMPUTED, False),
    (Source.REPORTED, False),
)
_RANK = {key: i for i, key in enumerate(RANKING)}


def rank(source: str, final: bool) -> int:
    """0 for the strongest kind of value; larger is weaker."""
    return _RANK[(source, bool(final))]


def _of_value(value) -> tuple[str, bool]:
    return value.source, value.final


def choose(candidates: Iterable[T], *, final_only: bool = False,
           key: Callable[[T], tuple[str, bool]] = _of_value) -> T | None:
    """The value used among `candidates` (one indicator, unit and period), or None."""
    usable = [c for c in candidates if not final_only or key(c)[1]]
    return min(usable, key=lambda c: rank(*key(c)), default=None)


def side_by_side(values: Iterable, *, include_provisional: bool) -> list[dict]:
    """Values grouped by (unit, period), newest period first: each group's values strongest
    first, and the one used (by the dashboards: final values only), for the indicator page."""
    groups: dict[tuple, list] = {}
    for value in values:
        if value.final or include_provisional:
            groups.setdefault((value.period, value.unit.code), []).append(value)
    rows = []
    for (period, _unit), found in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1]),
                                         reverse=True):
        found.sort(key=lambda v: rank(v.source, v.final))
        rows.append({"unit": found[0].unit, "period": period, "values": found,
                     "used": choose(found, final_only=True)})
    return rows
