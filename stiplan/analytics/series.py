"""Series arithmetic with one right answer, on plain numbers: the value of a unit before it
existed, restated from the units it came from, and cumulative counts (lũy kế) from a first year.
The metrics engine gathers the values; these functions add them up."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Point:
    """One value of a series (None: unknown), whether it was restated across a reorganisation,
    and whether it was computed rather than stored."""

    value: float | None
    restated: bool = False
    computed: bool = False


def restated_sum(parts: Iterable[Point]) -> Point:
    """An amount of a unit that did not exist yet (the merged province before 1/7/2025): the sum
    of the units it came from. Unknown when any of them is unknown, since a sum of some would
    pass for the whole."""
    parts = list(parts)
    if not parts or any(p.value is None for p in parts):
        return Point(None, restated=True)
    return Point(sum(p.value for p in parts), restated=True)


def reported_count(parts: Iterable[Point]) -> Point:
    """One year's count of a unit that did not exist yet, for a cumulative total: what the units
    it came from counted, so far as they are known; unknown only when none is."""
    known = [p.value for p in parts if p.value is not None]
    return Point(sum(known), restated=True) if known else Point(None)


def cumulative(yearly: Iterable[Point]) -> Point:
    """A cumulative count over the given years (the "20 by 2025" targets): the sum of the known
    yearly counts, restated if any year was; unknown when no year is known."""
    yearly = list(yearly)
    known = [p.value for p in yearly if p.value is not None]
    if not known:
        return Point(None)
    return Point(sum(known), any(p.restated for p in yearly), computed=True)
