"""From stored values to the engine and back: an edition's data as the engine's UnitData, the
results as plain JSON, the rank interval of the uncertainty analysis, and the what-if score."""

from __future__ import annotations

import math

import numpy as np

from stiplan.analytics.index import Coin, Spec, Table, UnitData
from stiplan.analytics.index import sensitivity as sa
from stiplan.analytics.index.framework import Framework

#: GII's outlier rule (|skewness| > 2,25 and kurtosis > 3,5, up to 5 points), min–max 0–100,
#: weighted arithmetic means of the values present.
SPEC = Spec(skew=2.25, kurt=3.5, winmax=5)
#: The assumptions varied for the rank interval: COINr's sensitivity vignette.
UNCERTAINTY = sa.VIGNETTE
REPLICATIONS = 500


def unit_data(fw: Framework, units: list[str], rows, overrides: dict[str, float] | None = None,
              unit: str | None = None) -> UnitData:
    """`rows`: (unit, code, value) triples; missing values stay NaN. `overrides` replace the
    values of `unit` (the what-if)."""
    columns = list(fw.indicators) + list(fw.denominators)
    pos = {c: j for j, c in enumerate(columns)}
    row_of = {u: i for i, u in enumerate(units)}
    x = np.full((len(units), len(columns)), np.nan)
    for u, code, value in rows:
        if u in row_of and code in pos and value is not None:
            x[row_of[u], pos[code]] = value
    for code, value in (overrides or {}).items():
        if unit in row_of and code in pos:
            x[row_of[unit], pos[code]] = value
    n = len(fw.indicators)
    dens = {d: x[:, pos[d]] for d in fw.denominators}
    return UnitData(Table(list(units), list(fw.indicators), x[:, :n]), denominators=dens)


def _plain(a) -> list:
    return [None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v) for v in a]


def results(fw: Framework, data: UnitData) -> dict:
    """Scores and ranks of every aggregate, strengths and weaknesses, per unit, as JSON."""
    coin = Coin(fw, data).run(SPEC)
    r = coin.results
    assert r is not None
    return {
        "units": list(r.scores.units),
        "scores": {c: _plain(r.scores.column(c)) for c in r.scores.columns},
        "ranks": {c: _plain(r.ranks.column(c)) for c in r.ranks.columns},
        "efficiency": _plain(r.efficiency) if r.efficiency is not None else None,
        "strengths": r.strengths,
        "weaknesses": r.weaknesses,
    }


def rank_interval(fw: Framework, data: UnitData, n: int = REPLICATIONS, seed: int = 2025) -> dict:
    """Per unit: the 5th, 50th and 95th percentile of its rank over `n` replications."""
    analysis = sa.analyse(fw, data, SPEC, UNCERTAINTY, n, kind="ua", seed=seed)
    return {"units": analysis.units,
            **{k: _plain(analysis.stats[k]) for k in ("Q5", "Median", "Q95")}}


def score_and_rank(fw: Framework, data: UnitData, unit: str) -> tuple[float, int, int]:
    """The unit's total score, its rank and the number of units ranked."""
    coin = Coin(fw, data).run(SPEC)
    r = coin.results
    assert r is not None
    i = r.scores.units.index(unit)
    return (float(r.scores.column(fw.root)[i]), int(r.ranks.column(fw.root)[i]),
            len(r.scores.units))
