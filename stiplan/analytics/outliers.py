"""Outlier checks of a new value against its own history (the way DHIS2 flags them)."""

from __future__ import annotations

from dataclasses import dataclass
from statistics import mean, median

MIN_HISTORY = 3
MODIFIED_Z_LIMIT = 3.5


@dataclass(frozen=True)
class Outlier:
    value: float
    median: float
    score: float  # the modified z-score (Iglewicz and Hoaglin)


def modified_z(value: float, history: list[float]) -> float | None:
    """0.6745 · (value − median) / MAD; the mean absolute deviation · 1.2533 when MAD is 0.

    None when the history is too short (fewer than 3 values) or flat (every value equal).
    """
    if len(history) < MIN_HISTORY:
        return None
    centre = median(history)
    mad = median(abs(x - centre) for x in history)
    if mad:
        return 0.6745 * (value - centre) / mad
    spread = mean(abs(x - centre) for x in history)
    if not spread:
        return None if value == centre else float("inf") * (1 if value > centre else -1)
    return (value - centre) / (1.253314 * spread)


def check(value: float, history: list[float], limit: float = MODIFIED_Z_LIMIT) -> Outlier | None:
    """An Outlier when |modified z| exceeds `limit`, else None."""
    score = modified_z(value, history)
    if score is None or abs(score) <= limit:
        return None
    return Outlier(value, median(history), score)
