"""Ranking of competing proposals from a council's score sheets (pure Python, no Django).

The rule (xếp hạng hồ sơ), written once and followed by `rank_proposals`:

1. Each member who scored a proposal contributes one sheet; the sheet's total is the sum of its
   criterion scores. A proposal's score is the mean of its sheets' totals (exact arithmetic, no
   rounding). Members who declared a conflict have no sheet, so they do not count.
2. Higher mean total ranks first.
3. Tie rule: proposals with the same mean total are compared on the mean score of each criterion
   in the order of the council's scoring sheet (the first criterion first, then the second, …);
   the higher mean ranks first at the first criterion where they differ.
4. Proposals still equal on every one of these share the rank (1, 1, 3 …); the council settles
   them by its own vote and writes that in its consensus record. No arbitrary order (code, date
   of filing) breaks a tie.
5. A proposal without any sheet is not ranked (rank None) and is listed last.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from numbers import Rational

Sheet = Mapping[str, object]  # criterion code → score (int, Decimal, Fraction or a numeric string)


@dataclass(frozen=True)
class Ranked:
    key: object
    mean: Fraction | None
    criterion_means: tuple[Fraction, ...]
    rank: int | None
    sheets: int


def _exact(value) -> Fraction:
    if isinstance(value, float):
        raise TypeError("scores are exact numbers (Decimal, int, Fraction), not floats")
    if isinstance(value, Rational):
        return Fraction(value)
    return Fraction(str(value))


def _mean(values: Sequence[Fraction]) -> Fraction:
    return sum(values, Fraction(0)) / len(values)


def rank_proposals(sheets: Mapping[object, Sequence[Sheet]], criteria: Sequence[str]) -> list[Ranked]:
    """The proposals ranked by the rule in this module's docstring; best first, ties together in
    the order of `sheets`, unranked ones last."""
    scored, unscored = [], []
    for key, its_sheets in sheets.items():
        if not its_sheets:
            unscored.append(Ranked(key, None, (), None, 0))
            continue
        totals = [sum((_exact(v) for v in sheet.values()), Fraction(0)) for sheet in its_sheets]
        per_criterion = tuple(_mean([_exact(sheet.get(c, 0)) for sheet in its_sheets]) for c in criteria)
        scored.append((key, _mean(totals), per_criterion, len(its_sheets)))

    def order(item):
        return (item[1], item[2])

    ranked = []
    for key, mean, per_criterion, count in scored:
        better = sum(1 for other in scored if order(other) > (mean, per_criterion))
        ranked.append(Ranked(key, mean, per_criterion, better + 1, count))
    ranked.sort(key=lambda r: r.rank)  # stable: equal ranks keep the order of `sheets`
    return ranked + unscored
